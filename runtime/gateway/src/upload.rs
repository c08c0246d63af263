//! Request bodies that are not read into memory: uploads to operations with a
//! `@streaming` payload (S3 PutObject, UploadPart) larger than
//! `STREAM_THRESHOLD` or of unknown length. The body reaches the service as a
//! `ByteStream`; what the gateway checks on a buffered body is checked here
//! as the bytes pass: aws-chunked framing and chunk signatures, the trailer
//! (checksums, recorded on the stream), and a declared payload SHA-256.

use axum::body::Body;
use futures::stream::StreamExt;
use sha2::{Digest, Sha256};
use simfra_model::stream::{ChunkStream, TrailerSlot};
use simfra_model::StreamError;
use simfra_protocols::http::{AwsChunkedDecoder, ChunkEvent};
use simfra_sigv4::verify::ChunkChain;
use std::collections::VecDeque;

/// Bodies at most this large are buffered whatever the operation.
pub const STREAM_THRESHOLD: u64 = 1 << 20;

/// Whether to leave a request's body unread until the operation is known.
pub fn may_stream(parts: &axum::http::request::Parts) -> bool {
    if !matches!(parts.method.as_str(), "PUT" | "POST") {
        return false;
    }
    match parts.headers.get("content-length").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok()) {
        Some(n) => n > STREAM_THRESHOLD,
        None => true,
    }
}

/// The body as it arrives from the connection.
pub fn raw(body: Body) -> ChunkStream {
    body.into_data_stream().map(|r| r.map_err(StreamError::io)).boxed()
}

fn incomplete(message: String) -> StreamError {
    StreamError::new("IncompleteBody", 400, message)
}

fn signature_mismatch() -> StreamError {
    StreamError::new(
        "SignatureDoesNotMatch",
        403,
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    )
}

struct Dechunk {
    raw: ChunkStream,
    decoder: AwsChunkedDecoder,
    chain: Option<ChunkChain>,
    trailers: TrailerSlot,
    ready: VecDeque<Bytes>,
    chunk_hash: Option<Sha256>,
    chunk_signature: Option<String>,
    ended: bool,
}

use bytes::Bytes;

impl Dechunk {
    /// Applies decoded events; data of a chunk whose signature fails never leaves.
    fn apply(&mut self, events: Vec<ChunkEvent>) -> Result<(), StreamError> {
        let mut pending = Vec::new();
        for ev in events {
            match ev {
                ChunkEvent::Start { signature, .. } => {
                    if self.chain.is_some() {
                        self.chunk_signature = Some(signature.ok_or_else(|| incomplete("aws-chunked body: chunk without a chunk-signature".into()))?);
                        self.chunk_hash = Some(Sha256::new());
                    }
                }
                ChunkEvent::Data(d) => {
                    if let Some(h) = &mut self.chunk_hash {
                        h.update(&d);
                    }
                    pending.push(d);
                }
                ChunkEvent::End => {
                    if let (Some(chain), Some(h), Some(sig)) = (&mut self.chain, self.chunk_hash.take(), self.chunk_signature.take()) {
                        chain.verify_chunk(&h.finalize(), &sig).map_err(|_| signature_mismatch())?;
                    }
                    self.ready.extend(pending.drain(..));
                }
                ChunkEvent::Trailers { headers, signature, canonical } => {
                    if let (Some(chain), Some(sig)) = (&self.chain, signature) {
                        chain.verify_trailer(&canonical, &sig).map_err(|_| signature_mismatch())?;
                    }
                    self.trailers.set(headers);
                }
            }
        }
        // Unsigned bodies pass data on before the chunk ends.
        self.ready.extend(pending);
        Ok(())
    }
}

/// The payload of an `aws-chunked` body; `chain` checks chunk signatures of
/// a streaming-signed body. Trailers are recorded on the stream that owns `trailers`.
pub fn dechunk(raw: ChunkStream, chain: Option<ChunkChain>, trailers: TrailerSlot) -> ChunkStream {
    let state = Dechunk {
        raw,
        decoder: AwsChunkedDecoder::new(),
        chain,
        trailers,
        ready: VecDeque::new(),
        chunk_hash: None,
        chunk_signature: None,
        ended: false,
    };
    futures::stream::unfold(state, |mut st| async move {
        loop {
            if let Some(b) = st.ready.pop_front() {
                return Some((Ok(b), st));
            }
            if st.ended {
                return None;
            }
            let mut events = Vec::new();
            let framed = match st.raw.next().await {
                Some(Ok(bytes)) => st.decoder.push(&bytes, &mut events),
                Some(Err(e)) => {
                    st.ended = true;
                    return Some((Err(e), st));
                }
                None => {
                    st.ended = true;
                    st.decoder.finish(&mut events)
                }
            };
            if let Err(e) = framed.map_err(incomplete).and_then(|()| st.apply(events)) {
                st.ended = true;
                st.ready.clear();
                return Some((Err(e), st));
            }
        }
    })
    .boxed()
}

/// Fails the stream at its end when the body's SHA-256 is not the one the
/// client signed (`x-amz-content-sha256`).
pub fn check_sha256(raw: ChunkStream, expected_hex: String) -> ChunkStream {
    let state = (raw, Sha256::new(), expected_hex, false);
    futures::stream::unfold(state, |(mut raw, mut hash, expected, ended)| async move {
        if ended {
            return None;
        }
        match raw.next().await {
            Some(Ok(b)) => {
                hash.update(&b);
                Some((Ok(b), (raw, hash, expected, false)))
            }
            Some(Err(e)) => Some((Err(e), (raw, hash, expected, true))),
            None if simfra_sigv4::hex(&hash.clone().finalize()) == expected.to_ascii_lowercase() => None,
            None => Some((Err(sha256_mismatch()), (raw, hash, expected, true))),
        }
    })
    .boxed()
}

pub fn sha256_mismatch() -> StreamError {
    StreamError::new("XAmzContentSHA256Mismatch", 400, "The provided 'x-amz-content-sha256' header does not match what was computed.")
}

/// Whether `x-amz-content-sha256` names an actual digest (not `UNSIGNED-PAYLOAD` or a `STREAMING-` mode).
pub fn declared_sha256(headers: &[(String, String)]) -> Option<&str> {
    headers
        .iter()
        .find(|(k, _)| k == "x-amz-content-sha256")
        .map(|(_, v)| v.as_str())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use simfra_model::ByteStream;

    fn pieces(body: &'static [u8], size: usize) -> ChunkStream {
        futures::stream::iter(body.chunks(size).map(|c| Ok(Bytes::from_static(c))).collect::<Vec<_>>()).boxed()
    }

    #[tokio::test]
    async fn dechunks_in_pieces_and_records_trailers() {
        let body: &'static [u8] = b"5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
        let owner = ByteStream::empty();
        let out = ByteStream::from_stream(dechunk(pieces(body, 3), None, owner.trailer_slot()), None);
        assert_eq!(&out.collect(1 << 20).await.unwrap()[..], b"hello world");
        assert_eq!(owner.trailers(), vec![("x-amz-checksum-crc32".to_string(), "DUoRhQ==".to_string())]);
        let truncated = ByteStream::from_stream(dechunk(pieces(b"5\r\nhel", 2), None, owner.trailer_slot()), None);
        assert_eq!(truncated.collect(1 << 20).await.unwrap_err().code, "IncompleteBody");
    }

    #[tokio::test]
    async fn a_wrong_payload_hash_fails_at_the_end() {
        let good = simfra_sigv4::hex(&Sha256::digest(b"abcdef"));
        let s = ByteStream::from_stream(check_sha256(pieces(b"abcdef", 2), good), None);
        assert_eq!(&s.collect(100).await.unwrap()[..], b"abcdef");
        let s = ByteStream::from_stream(check_sha256(pieces(b"abcdef", 2), "00".repeat(32)), None);
        assert_eq!(s.collect(100).await.unwrap_err().code, "XAmzContentSHA256Mismatch");
    }
}
