//! S3's integrity checks: Content-MD5 and the flexible checksums (CRC32,
//! CRC32C, CRC64NVME, SHA1, SHA256), computed as bytes stream to disk.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use simfra_gen_s3::types::ChecksumAlgorithm;

/// A running digest of one flexible-checksum algorithm.
pub enum Hasher {
    Crc(ChecksumAlgorithm, crc_fast::Digest),
    Sha1(Sha1),
    Sha256(Sha256),
}

impl Hasher {
    pub fn new(alg: &ChecksumAlgorithm) -> Option<Hasher> {
        use crc_fast::CrcAlgorithm as C;
        Some(match alg {
            ChecksumAlgorithm::Crc32 => Hasher::Crc(alg.clone(), crc_fast::Digest::new(C::Crc32IsoHdlc)),
            ChecksumAlgorithm::Crc32c => Hasher::Crc(alg.clone(), crc_fast::Digest::new(C::Crc32Iscsi)),
            ChecksumAlgorithm::Crc64nvme => Hasher::Crc(alg.clone(), crc_fast::Digest::new(C::Crc64Nvme)),
            ChecksumAlgorithm::Sha1 => Hasher::Sha1(Sha1::new()),
            ChecksumAlgorithm::Sha256 => Hasher::Sha256(Sha256::new()),
            _ => return None,
        })
    }
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Crc(_, d) => d.update(data),
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
        }
    }
    /// The digest's bytes (big-endian for CRCs, as S3 encodes them).
    pub fn finish(&self) -> Vec<u8> {
        match self {
            Hasher::Crc(ChecksumAlgorithm::Crc64nvme, d) => d.finalize().to_be_bytes().to_vec(),
            Hasher::Crc(_, d) => (d.finalize() as u32).to_be_bytes().to_vec(),
            Hasher::Sha1(h) => h.clone().finalize().to_vec(),
            Hasher::Sha256(h) => h.clone().finalize().to_vec(),
        }
    }
    pub fn finish_base64(&self) -> String {
        B64.encode(self.finish())
    }
}

/// The digest of `data` in one go.
pub fn digest(alg: &ChecksumAlgorithm, data: &[u8]) -> Option<Vec<u8>> {
    let mut h = Hasher::new(alg)?;
    h.update(data);
    Some(h.finish())
}

/// Header name of an algorithm's checksum (`x-amz-checksum-crc32`).
pub fn header_name(alg: &ChecksumAlgorithm) -> String {
    format!("x-amz-checksum-{}", alg.as_str().to_ascii_lowercase())
}

/// The algorithm a checksum header names.
pub fn algorithm_of_header(name: &str) -> Option<ChecksumAlgorithm> {
    let suffix = name.to_ascii_lowercase();
    let suffix = suffix.strip_prefix("x-amz-checksum-")?;
    ALL.iter().find(|a| a.as_str().eq_ignore_ascii_case(suffix)).cloned()
}

pub const ALL: [ChecksumAlgorithm; 5] =
    [ChecksumAlgorithm::Crc32, ChecksumAlgorithm::Crc32c, ChecksumAlgorithm::Crc64nvme, ChecksumAlgorithm::Sha1, ChecksumAlgorithm::Sha256];

/// MD5 as S3 uses it: running, with hex and base64 forms.
#[derive(Clone, Default)]
pub struct Md5Hasher(Md5);

impl Md5Hasher {
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    pub fn finish(&self) -> [u8; 16] {
        self.0.clone().finalize().into()
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn base64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

pub fn from_base64(text: &str) -> Option<Vec<u8>> {
    B64.decode(text.trim()).ok()
}

/// The ETag of a multipart object: the MD5 of the parts' MD5s, and the part count.
pub fn multipart_etag(part_md5s: &[[u8; 16]]) -> String {
    let mut h = Md5Hasher::default();
    for m in part_md5s {
        h.update(m);
    }
    format!("\"{}-{}\"", hex(&h.finish()), part_md5s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        // Values S3 documents/answers for "hello world".
        let d = |a| base64(&digest(&a, b"hello world").unwrap());
        assert_eq!(d(ChecksumAlgorithm::Crc32), "DUoRhQ==");
        assert_eq!(d(ChecksumAlgorithm::Crc32c), "yZRlqg==");
        assert_eq!(d(ChecksumAlgorithm::Sha1), "Kq5sNclPz7QV2+lfQIuc6R7oRu0=");
        assert_eq!(d(ChecksumAlgorithm::Sha256), "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=");
        assert_eq!(d(ChecksumAlgorithm::Crc64nvme), "jSnVw/bqjr4=");
        assert_eq!(algorithm_of_header("x-amz-checksum-crc64nvme"), Some(ChecksumAlgorithm::Crc64nvme));
    }
}
