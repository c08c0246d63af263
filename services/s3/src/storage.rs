//! Object bytes on disk: one blob file per written body, under
//! `$SIMFRA_DATA_DIR/s3/blobs` (or a temporary directory). Uploads stream
//! into a blob while their MD5 and checksums are computed; downloads stream
//! out of it. A blob is shared by the versions, parts and copies that point
//! at it and its file is removed when the last of them is gone.

use crate::checksums::{Hasher, Md5Hasher};
use futures::StreamExt;
use simfra_gen_s3::types::ChecksumAlgorithm;
use simfra_model::{ByteStream, Bytes, ServiceError, StreamError};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

/// A body stored on disk: one file, or the blobs of a completed multipart
/// upload in order (completing an upload joins its parts without copying them).
#[derive(Debug)]
pub struct Blob {
    kind: BlobKind,
    pub size: u64,
}

#[derive(Debug)]
enum BlobKind {
    File(PathBuf),
    Joined(Vec<Arc<Blob>>),
}

impl Drop for Blob {
    fn drop(&mut self) {
        if let BlobKind::File(path) = &self.kind {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Blob {
    fn file(path: PathBuf, size: u64) -> Blob {
        Blob { kind: BlobKind::File(path), size }
    }
    /// The files holding `[start, start + len)`, as (path, offset in file, length).
    fn spans(&self, start: u64, len: u64, out: &mut Vec<(PathBuf, u64, u64)>) {
        if len == 0 {
            return;
        }
        match &self.kind {
            BlobKind::File(p) => out.push((p.clone(), start, len)),
            BlobKind::Joined(parts) => {
                let (mut pos, end) = (start, start + len);
                let mut base = 0u64;
                for part in parts {
                    let (lo, hi) = (base, base + part.size);
                    if pos < hi && lo < end {
                        let take = hi.min(end) - pos;
                        part.spans(pos - lo, take, out);
                        pos += take;
                    }
                    base = hi;
                    if pos >= end {
                        break;
                    }
                }
            }
        }
    }
}

/// The parts of a multipart upload joined into one body, in order.
pub fn join(parts: Vec<Arc<Blob>>) -> Blob {
    let size = parts.iter().map(|p| p.size).sum();
    Blob { kind: BlobKind::Joined(parts), size }
}

/// Where blobs live. `SIMFRA_DATA_DIR` keeps them; otherwise a fresh
/// directory under the system's temporary directory.
pub fn blob_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = match std::env::var("SIMFRA_DATA_DIR").ok().filter(|d| !d.is_empty()) {
            Some(d) => PathBuf::from(d).join("s3").join("blobs"),
            None => std::env::temp_dir().join(format!("simfra-{}-{}", std::process::id(), simfra_identity::ids::random_hex(4))).join("s3"),
        };
        let _ = std::fs::create_dir_all(&dir);
        dir
    })
}

fn new_blob_path() -> PathBuf {
    blob_dir().join(simfra_identity::ids::uuid())
}

fn io_error(e: std::io::Error) -> ServiceError {
    ServiceError::internal(format!("S3 storage: {e}"))
}

/// What writing a body produced.
pub struct Written {
    pub blob: Blob,
    pub md5: [u8; 16],
    /// The checksums computed while writing, by algorithm (base64 digests).
    pub checksums: Vec<(ChecksumAlgorithm, String)>,
}

/// Largest single object body (PutObject, UploadPart): 5 GiB.
pub const MAX_BODY: u64 = 5 << 30;

/// Streams a body into a new blob, computing MD5 and the checksums of
/// `algorithms` on the way. A body that fails (a broken upload, a bad chunk
/// signature) leaves no blob behind.
pub async fn write(body: ByteStream, algorithms: &[ChecksumAlgorithm]) -> Result<Written, ServiceError> {
    let path = new_blob_path();
    let mut file = tokio::fs::File::create(&path).await.map_err(io_error)?;
    // From here on the blob owns the file: dropping it on an error removes it.
    let mut blob = Blob::file(path, 0);
    let mut md5 = Md5Hasher::default();
    let mut hashers: Vec<Hasher> = algorithms.iter().filter_map(Hasher::new).collect();
    let mut chunks = body.take();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(ServiceError::from)?;
        blob.size += chunk.len() as u64;
        if blob.size > MAX_BODY {
            return Err(ServiceError::new("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed size"));
        }
        md5.update(&chunk);
        for h in &mut hashers {
            h.update(&chunk);
        }
        file.write_all(&chunk).await.map_err(io_error)?;
    }
    file.flush().await.map_err(io_error)?;
    let checksums = algorithms.iter().cloned().zip(hashers.iter().map(Hasher::finish_base64)).collect();
    Ok(Written { blob, md5: md5.finish(), checksums })
}

/// Writes bytes in hand into a new blob (in-process writers, small bodies).
pub fn write_bytes(data: &[u8], algorithms: &[ChecksumAlgorithm]) -> Result<Written, ServiceError> {
    let path = new_blob_path();
    std::fs::write(&path, data).map_err(io_error)?;
    let blob = Blob::file(path, data.len() as u64);
    let mut md5 = Md5Hasher::default();
    md5.update(data);
    let checksums = algorithms
        .iter()
        .filter_map(|a| crate::checksums::digest(a, data).map(|d| (a.clone(), crate::checksums::base64(&d))))
        .collect();
    Ok(Written { blob, md5: md5.finish(), checksums })
}

/// Copies ranges of blobs into a new single-file blob (UploadPartCopy of a
/// source range). Whole bodies are better shared (`Arc`) or joined.
pub async fn concat(pieces: &[(&Blob, u64, u64)]) -> Result<Blob, ServiceError> {
    let path = new_blob_path();
    let mut out = tokio::fs::File::create(&path).await.map_err(io_error)?;
    let mut blob = Blob::file(path, 0);
    let mut buf = vec![0u8; 1 << 20];
    let mut spans = Vec::new();
    for (src, start, len) in pieces {
        src.spans(*start, *len, &mut spans);
    }
    for (path, start, len) in spans {
        let mut f = open_at(&path, start).await.map_err(io_error)?;
        let mut left = len;
        while left > 0 {
            let want = left.min(buf.len() as u64) as usize;
            let n = f.read(&mut buf[..want]).await.map_err(io_error)?;
            if n == 0 {
                break;
            }
            out.write_all(&buf[..n]).await.map_err(io_error)?;
            left -= n as u64;
            blob.size += n as u64;
        }
    }
    out.flush().await.map_err(io_error)?;
    Ok(blob)
}

/// A blob's bytes `[start, start + len)` as a stream read from disk in
/// 256 KiB pieces (the blob stays alive while the stream is read).
pub fn read(blob: Arc<Blob>, start: u64, len: u64) -> ByteStream {
    const PIECE: u64 = 256 << 10;
    let mut spans = Vec::new();
    blob.spans(start, len.min(blob.size.saturating_sub(start)), &mut spans);
    let spans: std::collections::VecDeque<_> = spans.into();
    let state = (blob, spans, None::<(tokio::fs::File, u64)>);
    let stream = futures::stream::unfold(state, |(blob, mut spans, open)| async move {
        let (mut f, left) = match open {
            Some((f, left)) if left > 0 => (f, left),
            _ => {
                let (path, offset, len) = spans.pop_front()?;
                match open_at(&path, offset).await {
                    Ok(f) => (f, len),
                    Err(e) => return Some((Err(StreamError::io(e)), (blob, Default::default(), None))),
                }
            }
        };
        let mut buf = vec![0u8; left.min(PIECE) as usize];
        match f.read_exact(&mut buf).await {
            Ok(_) => {
                let n = buf.len() as u64;
                Some((Ok(Bytes::from(buf)), (blob, spans, Some((f, left - n)))))
            }
            Err(e) => Some((Err(StreamError::io(e)), (blob, Default::default(), None))),
        }
    });
    ByteStream::from_stream(stream.boxed(), Some(len))
}

async fn open_at(path: &Path, pos: u64) -> std::io::Result<tokio::fs::File> {
    let mut f = tokio::fs::File::open(path).await?;
    f.seek(std::io::SeekFrom::Start(pos)).await?;
    Ok(f)
}

/// A blob's bytes read into memory (in-process readers of small objects).
pub fn read_all(blob: &Blob) -> Result<Bytes, ServiceError> {
    let mut spans = Vec::new();
    blob.spans(0, blob.size, &mut spans);
    let mut out = Vec::with_capacity(blob.size as usize);
    for (path, start, len) in spans {
        use std::io::{Read, Seek};
        let mut f = std::fs::File::open(&path).map_err(io_error)?;
        f.seek(std::io::SeekFrom::Start(start)).map_err(io_error)?;
        f.take(len).read_to_end(&mut out).map_err(io_error)?;
    }
    Ok(Bytes::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn joined_blobs_read_across_their_boundaries() {
        let a = Arc::new(write_bytes(b"hello ", &[]).unwrap().blob);
        let b = Arc::new(write_bytes(b"big ", &[]).unwrap().blob);
        let c = Arc::new(write_bytes(b"world", &[]).unwrap().blob);
        let joined = Arc::new(join(vec![a, b, c]));
        assert_eq!(joined.size, 15);
        assert_eq!(&read_all(&joined).unwrap()[..], b"hello big world");
        let middle = read(joined.clone(), 4, 8).collect(100).await.unwrap();
        assert_eq!(&middle[..], b"o big wo");
        let copied = concat(&[(&joined, 6, 9)]).await.unwrap();
        assert_eq!(&read_all(&copied).unwrap()[..], b"big world");
    }
}
