//! Identifiers S3 makes: version ids, upload ids, owners' canonical ids.

use simfra_identity::ids::random_string;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// A version id: 32 URL-safe characters, as S3's look.
pub fn version_id() -> String {
    random_string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._", 32)
}

/// A multipart upload id (long and opaque, as S3's are).
pub fn upload_id() -> String {
    random_string(ALNUM, 64)
}

/// The canonical user id S3 shows for an account (64 hex digits; the
/// account's number is its tail, so grants can name accounts by it).
pub fn canonical_id(account: &str) -> String {
    format!("{account:0>64}")
}

/// The account a canonical id stands for.
pub fn account_of_canonical_id(id: &str) -> Option<String> {
    let id = id.trim();
    (id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) && id[..52].bytes().all(|b| b == b'0')).then(|| id[52..].to_string())
}

/// The `Owner` element for an account.
pub fn owner(account: &str) -> simfra_gen_s3::types::Owner {
    simfra_gen_s3::types::Owner { display_name: Some("simfra".into()), id: Some(canonical_id(account)) }
}
