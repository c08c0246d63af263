//! SDK interceptors the tests attach with `customize().interceptor(..)`: one
//! that records the request as it goes on the wire, and ones that alter it
//! after it was signed. Both use the transmit hooks, which run after the
//! signer; for streaming bodies the wrapper sees the bytes the aws-chunked
//! encoder (which signs each chunk while it streams) produced.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{ready, Context, Poll};

use aws_sdk_s3::config::interceptors::{BeforeTransmitInterceptorContextMut, BeforeTransmitInterceptorContextRef};
use aws_sdk_s3::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_s3::error::BoxError;
use aws_sdk_s3::primitives::SdkBody;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};

/// Records the headers of the request as sent.
#[derive(Debug, Clone, Default)]
pub struct RecordHeaders(pub Arc<Mutex<Vec<(String, String)>>>);

impl RecordHeaders {
    pub fn get(&self, name: &str) -> Option<String> {
        let headers = self.0.lock().unwrap_or_else(|e| e.into_inner());
        headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone())
    }
}

impl Intercept for RecordHeaders {
    fn name(&self) -> &'static str {
        "RecordHeaders"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let headers = context.request().headers().iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = headers;
        Ok(())
    }
}

/// Changes one character in a way that keeps the text well-formed (hex stays
/// hex, base64 stays base64), so only the signature can tell.
pub fn flip(b: u8) -> u8 {
    match b {
        b'a'..=b'z' | b'A'..=b'Z' => b ^ 0x20,
        b'0'..=b'8' => b + 1,
        b'9' => b'0',
        _ => b ^ 0x01,
    }
}

/// Changes one character of a header's value after signing.
#[derive(Debug)]
pub struct AlterHeader {
    pub name: &'static str,
    /// Index into the value of the character to change.
    pub at: usize,
}

impl Intercept for AlterHeader {
    fn name(&self) -> &'static str {
        "AlterHeader"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let headers = context.request_mut().headers_mut();
        let value = headers.get(self.name).ok_or_else(|| format!("no {} header to alter", self.name))?.to_string();
        let mut bytes = value.into_bytes();
        let b = bytes.get_mut(self.at).ok_or("header value too short")?;
        *b = flip(*b);
        headers.insert(self.name.to_string(), String::from_utf8(bytes)?);
        Ok(())
    }
}

/// Where in the body (as sent, after aws-chunked framing) to change a byte.
#[derive(Debug, Clone, Copy)]
pub enum At {
    FromStart(u64),
    /// Counted back from the end: `FromEnd(1)` is the last byte.
    FromEnd(u64),
}

/// Changes one byte of the body after signing, and records the body as sent.
#[derive(Debug, Clone)]
pub struct AlterBody {
    pub at: At,
    pub sent: Arc<Mutex<Vec<u8>>>,
    /// The absolute offset that was changed.
    pub changed: Arc<Mutex<Option<u64>>>,
}

impl AlterBody {
    pub fn new(at: At) -> Self {
        AlterBody { at, sent: Default::default(), changed: Default::default() }
    }

    pub fn sent(&self) -> Vec<u8> {
        self.sent.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn changed(&self) -> Option<u64> {
        *self.changed.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Intercept for AlterBody {
    fn name(&self) -> &'static str {
        "AlterBody"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        let len = request
            .headers()
            .get("content-length")
            .and_then(|v| v.parse::<u64>().ok())
            .or_else(|| request.body().size_hint().exact())
            .ok_or("AlterBody needs a body of known length")?;
        let at = match self.at {
            At::FromStart(n) => n,
            At::FromEnd(n) => len.checked_sub(n).ok_or("offset before the start of the body")?,
        };
        let body = std::mem::replace(request.body_mut(), SdkBody::taken());
        let this = self.clone();
        *request.body_mut() = match body.bytes() {
            Some(data) => {
                let mut data = data.to_vec();
                let b = data.get_mut(at as usize).ok_or("offset past the end of the body")?;
                *b = flip(*b);
                *this.changed.lock().unwrap_or_else(|e| e.into_inner()) = Some(at);
                *this.sent.lock().unwrap_or_else(|e| e.into_inner()) = data.clone();
                SdkBody::from(data)
            }
            None => body.map(move |inner| {
                this.sent.lock().unwrap_or_else(|e| e.into_inner()).clear();
                SdkBody::from_body_1_x(FlipByte { inner: Box::pin(inner), offset: 0, at, record: this.clone() })
            }),
        };
        Ok(())
    }
}

/// A body that passes its inner body through, changing the byte at `at`.
struct FlipByte {
    inner: Pin<Box<SdkBody>>,
    offset: u64,
    at: u64,
    record: AlterBody,
}

impl Body for FlipByte {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        let frame = match ready!(this.inner.as_mut().poll_frame(cx)) {
            Some(Ok(frame)) => frame,
            Some(Err(e)) => return Poll::Ready(Some(Err(e))),
            None => return Poll::Ready(None),
        };
        let data = match frame.into_data() {
            Ok(data) => data,
            Err(other) => return Poll::Ready(Some(Ok(other))),
        };
        let start = this.offset;
        this.offset += data.len() as u64;
        let data = if (start..this.offset).contains(&this.at) {
            let mut v = data.to_vec();
            let i = (this.at - start) as usize;
            v[i] = flip(v[i]);
            *this.record.changed.lock().unwrap_or_else(|e| e.into_inner()) = Some(this.at);
            Bytes::from(v)
        } else {
            data
        };
        this.record.sent.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(&data);
        Poll::Ready(Some(Ok(Frame::data(data))))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
