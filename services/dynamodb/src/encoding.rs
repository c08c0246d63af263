//! Small encodings the service needs in its answers: random ids (UUID v4
//! form), base64 (binary values in messages, exports and shard iterators)
//! and the ISO 8601 timestamps stream labels use.

use base64::Engine as _;
use simfra_model::Timestamp;

pub use simfra_identity::ids::uuid as new_id;

pub fn base64(data: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(data)
}

/// Padding optional, as the hand-written decoder this replaced accepted.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    const LENIENT: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new().with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent).with_decode_allow_trailing_bits(true),
    );
    LENIENT.decode(text).ok()
}

/// `2026-12-02T01:02:03.456` (UTC), the form of stream labels.
pub fn iso_millis(t: &Timestamp) -> String {
    let (y, m, d, h, mi, sec) = simfra_model::calendar::utc_parts(t.secs);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{sec:02}.{:03}", t.nanos / 1_000_000)
}
