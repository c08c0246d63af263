//! Streaming blobs (`@streaming`): S3 object bodies and the like. A body is
//! either bytes already in hand (small requests, protocol tests) or a one-shot
//! stream of chunks read as they arrive from the client (uploads) or from disk
//! (downloads), so memory does not grow with the size of an object.

use bytes::Bytes;
use futures::stream::{BoxStream, StreamExt};
use std::sync::{Arc, Mutex};

/// Why a stream stopped early. `code`/`status` let a reader of an upload
/// answer with the error the transport problem stands for (an aws-chunked
/// frame that does not parse is `IncompleteBody`, a wrong payload hash
/// `XAmzContentSHA256Mismatch`).
#[derive(Debug, Clone, PartialEq)]
pub struct StreamError {
    pub code: String,
    pub status: u16,
    pub message: String,
}

impl StreamError {
    pub fn new(code: &str, status: u16, message: impl Into<String>) -> Self {
        StreamError { code: code.into(), status, message: message.into() }
    }
    pub fn io(e: impl std::fmt::Display) -> Self {
        StreamError::new("IncompleteBody", 400, format!("The request body could not be read: {e}"))
    }
}

impl std::fmt::Display for StreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}
impl std::error::Error for StreamError {}

impl From<StreamError> for crate::ServiceError {
    fn from(e: StreamError) -> Self {
        crate::ServiceError::new(&e.code, e.status, e.message)
    }
}

pub type ChunkStream = BoxStream<'static, Result<Bytes, StreamError>>;

enum Source {
    Bytes(Bytes),
    Stream(ChunkStream),
    Taken,
}

struct Inner {
    source: Mutex<Source>,
    /// Headers that came after the body (aws-chunked trailers: checksums),
    /// known once the stream has been read to its end.
    trailers: Mutex<Vec<(String, String)>>,
}

/// A body read once. Cloning shares it (values are cloned while they pass
/// through the gateway); whoever reads it first gets the bytes.
#[derive(Clone)]
pub struct ByteStream {
    inner: Arc<Inner>,
    /// The body's length when the sender declared it.
    length: Option<u64>,
}

impl ByteStream {
    pub fn from_bytes(b: impl Into<Bytes>) -> Self {
        let b = b.into();
        let length = Some(b.len() as u64);
        ByteStream::make(Source::Bytes(b), length)
    }
    pub fn empty() -> Self {
        ByteStream::from_bytes(Bytes::new())
    }
    /// A body whose chunks come from `stream`; `length` when known in advance.
    pub fn from_stream(stream: ChunkStream, length: Option<u64>) -> Self {
        ByteStream::make(Source::Stream(stream), length)
    }
    /// A body whose chunks come from a stream that records trailers on the
    /// body itself (the aws-chunked decoder learns them at the end).
    pub fn from_stream_with_trailers(length: Option<u64>, make: impl FnOnce(TrailerSlot) -> ChunkStream) -> Self {
        let s = ByteStream::make(Source::Taken, length);
        let stream = make(s.trailer_slot());
        *s.inner.source.lock().unwrap_or_else(|e| e.into_inner()) = Source::Stream(stream);
        s
    }
    fn make(source: Source, length: Option<u64>) -> Self {
        ByteStream { inner: Arc::new(Inner { source: Mutex::new(source), trailers: Mutex::new(Vec::new()) }), length }
    }

    /// The declared length, if any.
    pub fn length(&self) -> Option<u64> {
        self.length
    }
    /// The bytes when the whole body is already in memory (and unread).
    pub fn in_memory(&self) -> Option<Bytes> {
        match &*self.inner.source.lock().unwrap_or_else(|e| e.into_inner()) {
            Source::Bytes(b) => Some(b.clone()),
            _ => None,
        }
    }

    /// Takes the body's chunks; a second taker gets an empty stream.
    pub fn take(&self) -> ChunkStream {
        let taken = std::mem::replace(&mut *self.inner.source.lock().unwrap_or_else(|e| e.into_inner()), Source::Taken);
        match taken {
            Source::Bytes(b) if b.is_empty() => futures::stream::empty().boxed(),
            Source::Bytes(b) => futures::stream::once(async move { Ok(b) }).boxed(),
            Source::Stream(s) => s,
            Source::Taken => futures::stream::empty().boxed(),
        }
    }

    /// Reads the whole body into memory, refusing more than `limit` bytes.
    pub async fn collect(&self, limit: u64) -> Result<Bytes, StreamError> {
        if let Some(b) = self.in_memory() {
            if b.len() as u64 > limit {
                return Err(too_large(limit));
            }
            drop(self.take());
            return Ok(b);
        }
        let mut stream = self.take();
        let mut out = bytes::BytesMut::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            if (out.len() + chunk.len()) as u64 > limit {
                return Err(too_large(limit));
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out.freeze())
    }

    /// Headers sent after the body (see `Inner::trailers`).
    pub fn trailers(&self) -> Vec<(String, String)> {
        self.inner.trailers.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
    /// Records the trailers (the aws-chunked decoder does, at the body's end).
    pub fn set_trailers(&self, t: Vec<(String, String)>) {
        *self.inner.trailers.lock().unwrap_or_else(|e| e.into_inner()) = t;
    }
    /// A handle that can record trailers on this body later, without keeping it readable.
    pub fn trailer_slot(&self) -> TrailerSlot {
        TrailerSlot(self.inner.clone())
    }
}

/// See `ByteStream::trailer_slot`.
pub struct TrailerSlot(Arc<Inner>);

impl TrailerSlot {
    pub fn set(&self, t: Vec<(String, String)>) {
        *self.0.trailers.lock().unwrap_or_else(|e| e.into_inner()) = t;
    }
}

fn too_large(limit: u64) -> StreamError {
    StreamError::new("EntityTooLarge", 400, format!("Your proposed upload exceeds the maximum allowed size of {limit} bytes"))
}

impl From<Bytes> for ByteStream {
    fn from(b: Bytes) -> Self {
        ByteStream::from_bytes(b)
    }
}
impl From<Vec<u8>> for ByteStream {
    fn from(b: Vec<u8>) -> Self {
        ByteStream::from_bytes(b)
    }
}

impl Default for ByteStream {
    fn default() -> Self {
        ByteStream::empty()
    }
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.in_memory() {
            Some(b) => write!(f, "ByteStream({} bytes)", b.len()),
            None => write!(f, "ByteStream(streaming, length {:?})", self.length),
        }
    }
}

/// Two bodies are equal when both are in memory with the same bytes, or are
/// the same stream (protocol tests compare decoded values).
impl PartialEq for ByteStream {
    fn eq(&self, other: &Self) -> bool {
        if Arc::ptr_eq(&self.inner, &other.inner) {
            return true;
        }
        matches!((self.in_memory(), other.in_memory()), (Some(a), Some(b)) if a == b)
    }
}
