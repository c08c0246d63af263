//! Request ids in the forms AWS uses.

use simfra_identity::ids::random_bytes;
pub use simfra_identity::ids::{random_string, secret_access_key};

/// A version-4 UUID (`x-amzn-RequestId`).
pub fn request_id() -> String {
    let mut b: [u8; 16] = random_bytes();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

pub use simfra_audit::s3_request_id;

/// S3's `x-amz-id-2` (an opaque base64 token).
pub fn s3_host_id() -> String {
    use std::fmt::Write;
    let b: [u8; 48] = random_bytes();
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(64);
    for chunk in b.chunks(3) {
        let n = (chunk[0] as u32) << 16 | (chunk[1] as u32) << 8 | chunk[2] as u32;
        for shift in [18, 12, 6, 0] {
            let _ = out.write_char(ALPHABET[((n >> shift) & 63) as usize] as char);
        }
    }
    out
}

/// An IAM-style long-term access key id (`AKIA` + 16 base-32 characters).
pub fn access_key_id() -> String {
    simfra_identity::ids::access_key_id("AKIA")
}
