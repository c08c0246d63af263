//! Identifiers in the forms IAM and STS issue them.

/// Random bytes from the OS.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    // The OS RNG only fails when the platform has none; ids then fall back to the clock.
    if getrandom::fill(&mut b).is_err() {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
        for (i, x) in b.iter_mut().enumerate() {
            *x = (t >> ((i % 16) * 8)) as u8 ^ i as u8;
        }
    }
    b
}

/// Characters of `n` (≤ 64) random picks from `alphabet`.
pub fn random_string(alphabet: &[u8], n: usize) -> String {
    let bytes: [u8; 64] = random_bytes();
    bytes.iter().take(n).map(|b| alphabet[*b as usize % alphabet.len()] as char).collect()
}

/// `bytes` random bytes as lower-case hex (two digits each).
pub fn random_hex(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes * 2);
    while out.len() < bytes * 2 {
        let b: [u8; 32] = random_bytes();
        out.extend(b.iter().map(|x| format!("{x:02x}")));
    }
    out.truncate(bytes * 2);
    out
}

/// A random (version 4) UUID.
pub fn uuid() -> String {
    let mut b: [u8; 16] = random_bytes();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// A long-term access key id (`AKIA…`) or a temporary one (`ASIA…`): prefix + 16 base-32 characters.
pub fn access_key_id(prefix: &str) -> String {
    format!("{prefix}{}", random_string(BASE32, 16))
}

/// A 40-character secret access key.
pub fn secret_access_key() -> String {
    random_string(BASE64, 40)
}

/// IAM's unique ids (`AIDA…` users, `AROA…` roles, `AGPA…` groups, `ANPA…`
/// policies, `AIPA…` instance profiles): prefix + 17 base-32 characters.
pub fn unique_id(prefix: &str) -> String {
    format!("{prefix}{}", random_string(BASE32, 17))
}

/// An STS session token: opaque, long, base64 like AWS's.
pub fn session_token() -> String {
    let mut t = String::from("IQoJb3JpZ2luX2Vj");
    for _ in 0..5 {
        t.push_str(&random_string(BASE64, 64));
    }
    t
}
