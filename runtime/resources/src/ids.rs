//! Identifiers for new resources: random, and in the form the model's
//! `@pattern` and `@length` ask for (`^fs-[0-9a-f]{8,40}$` gives
//! `fs-3f9c0a17d2b64e85`), so clients that validate them accept them.

const HEX: &[u8] = b"0123456789abcdef";
const ALNUM_LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

use simfra_identity::ids::{random_bytes, random_string as random_from};

/// A new identifier: from the pattern when it can be read, within the length
/// limits; otherwise `<prefix>-<17 hex>` in the style of EC2/EFS ids.
pub fn identifier(prefix: &str, pattern: Option<&str>, length: (Option<u64>, Option<u64>)) -> String {
    if let Some(p) = pattern {
        if let Some(s) = from_pattern(p) {
            let len = s.chars().count() as u64;
            if length.0.is_none_or(|min| len >= min) && length.1.is_none_or(|max| len <= max) {
                return s;
            }
        }
    }
    let max = length.1.unwrap_or(64) as usize;
    let generated = format!("{prefix}-{}", random_from(HEX, 17));
    if generated.len() <= max {
        generated
    } else {
        random_from(ALNUM_LOWER, max.clamp(1, 17))
    }
}

/// One pattern element: what it matches and how often.
struct Piece {
    choices: Vec<u8>,
    /// Alternatives of a group, each a sequence of pieces (a literal run is one piece per byte).
    group: Option<Vec<Vec<Piece>>>,
    min: usize,
    max: usize,
}

/// A random string matching a regular expression of the kind Smithy models
/// use (classes, escapes, groups with alternatives, quantifiers), or `None`
/// for constructs it does not read (look-arounds, back-references).
pub fn from_pattern(pattern: &str) -> Option<String> {
    let bytes = pattern.as_bytes();
    let mut pos = 0;
    let seq = parse_seq(bytes, &mut pos)?;
    if pos != bytes.len() {
        return None;
    }
    let mut out = String::new();
    emit(&seq, &mut out);
    Some(out)
}

fn parse_seq(p: &[u8], pos: &mut usize) -> Option<Vec<Vec<Piece>>> {
    let mut alternatives = vec![Vec::new()];
    while *pos < p.len() {
        let c = p[*pos];
        let piece = match c {
            b'^' | b'$' => {
                *pos += 1;
                continue;
            }
            b'|' => {
                *pos += 1;
                alternatives.push(Vec::new());
                continue;
            }
            b')' => break,
            b'(' => {
                *pos += 1;
                if p.get(*pos) == Some(&b'?') {
                    if p.get(*pos + 1) != Some(&b':') {
                        return None;
                    }
                    *pos += 2;
                }
                let inner = parse_seq(p, pos)?;
                if p.get(*pos) != Some(&b')') {
                    return None;
                }
                *pos += 1;
                Piece { choices: Vec::new(), group: Some(inner), min: 1, max: 1 }
            }
            b'[' => {
                *pos += 1;
                Piece { choices: parse_class(p, pos)?, group: None, min: 1, max: 1 }
            }
            b'\\' => {
                *pos += 1;
                let e = *p.get(*pos)?;
                *pos += 1;
                Piece { choices: escape_class(e)?, group: None, min: 1, max: 1 }
            }
            b'.' => {
                *pos += 1;
                Piece { choices: ALNUM_LOWER.to_vec(), group: None, min: 1, max: 1 }
            }
            b'*' | b'+' | b'?' | b'{' => return None,
            _ => {
                *pos += 1;
                Piece { choices: vec![c], group: None, min: 1, max: 1 }
            }
        };
        let mut piece = piece;
        // Quantifier.
        match p.get(*pos) {
            Some(b'*') => {
                *pos += 1;
                (piece.min, piece.max) = (0, usize::MAX);
            }
            Some(b'+') => {
                *pos += 1;
                (piece.min, piece.max) = (1, usize::MAX);
            }
            Some(b'?') => {
                *pos += 1;
                (piece.min, piece.max) = (0, 1);
            }
            Some(b'{') => {
                let end = p[*pos..].iter().position(|&b| b == b'}')? + *pos;
                let body = std::str::from_utf8(&p[*pos + 1..end]).ok()?;
                let (a, b) = match body.split_once(',') {
                    Some((a, "")) => (a.trim().parse().ok()?, usize::MAX),
                    Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
                    None => {
                        let n = body.trim().parse().ok()?;
                        (n, n)
                    }
                };
                (piece.min, piece.max) = (a, b);
                *pos = end + 1;
            }
            _ => {}
        }
        // A lazy or possessive marker after a quantifier changes nothing here.
        if matches!(p.get(*pos), Some(b'?' | b'+')) && (piece.min, piece.max) != (1, 1) {
            *pos += 1;
        }
        alternatives.last_mut()?.push(piece);
    }
    Some(alternatives)
}

fn escape_class(e: u8) -> Option<Vec<u8>> {
    Some(match e {
        b'd' => b"0123456789".to_vec(),
        b'w' => ALNUM_LOWER.to_vec(),
        b's' => b" ".to_vec(),
        b'S' | b'W' | b'D' => b"abc".to_vec(),
        b'n' => b"\n".to_vec(),
        b't' => b"\t".to_vec(),
        b'p' | b'P' | b'b' | b'B' | b'1'..=b'9' | b'u' | b'x' => return None,
        other => vec![other],
    })
}

/// A `[...]` class; negated classes yield lower-case letters and digits not excluded.
fn parse_class(p: &[u8], pos: &mut usize) -> Option<Vec<u8>> {
    let negated = p.get(*pos) == Some(&b'^');
    if negated {
        *pos += 1;
    }
    let mut set = Vec::new();
    let mut first = true;
    while *pos < p.len() && (p[*pos] != b']' || first) {
        first = false;
        let c = if p[*pos] == b'\\' {
            *pos += 1;
            let e = *p.get(*pos)?;
            *pos += 1;
            let class = escape_class(e)?;
            if class.len() > 1 {
                set.extend(class);
                continue;
            }
            class[0]
        } else {
            if p[*pos] == b'[' {
                return None;
            }
            *pos += 1;
            p[*pos - 1]
        };
        if p.get(*pos) == Some(&b'-') && p.get(*pos + 1).is_some_and(|&b| b != b']') {
            let hi = if p[*pos + 1] == b'\\' {
                let e = *p.get(*pos + 2)?;
                *pos += 3;
                e
            } else {
                *pos += 2;
                p[*pos - 1]
            };
            if hi < c {
                return None;
            }
            set.extend(c..=hi);
        } else {
            set.push(c);
        }
    }
    if p.get(*pos) != Some(&b']') {
        return None;
    }
    *pos += 1;
    if negated {
        let allowed: Vec<u8> = ALNUM_LOWER.iter().copied().filter(|b| !set.contains(b)).collect();
        return (!allowed.is_empty()).then_some(allowed);
    }
    // Prefer characters that read well in identifiers.
    let nice: Vec<u8> = set.iter().copied().filter(|b| b.is_ascii_alphanumeric()).collect();
    Some(if nice.is_empty() { set } else { nice })
}

/// Emits one alternative: the one giving the shortest string, which is the
/// bare identifier where a pattern also allows an ARN (`fs-…|arn:aws:…`).
fn emit(alternatives: &[Vec<Piece>], out: &mut String) {
    let mut best: Option<String> = None;
    for seq in alternatives {
        let mut s = String::new();
        emit_seq(seq, &mut s);
        if best.as_ref().is_none_or(|b| s.len() < b.len()) {
            best = Some(s);
        }
    }
    out.push_str(&best.unwrap_or_default());
}

fn emit_seq(seq: &[Piece], out: &mut String) {
    for piece in seq {
        // Enough repetitions to be unique, within the quantifier.
        let n = if piece.max == usize::MAX { piece.min.max(12) } else { piece.max.min(piece.min.max(12)) };
        for _ in 0..n {
            match &piece.group {
                Some(g) => emit(g, out),
                None if !piece.choices.is_empty() => {
                    let r = random_bytes::<1>()[0] as usize;
                    out.push(piece.choices[r % piece.choices.len()] as char);
                }
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches_shape(s: &str, check: impl Fn(&str) -> bool) {
        assert!(check(s), "{s}");
    }

    #[test]
    fn patterns() {
        let fs = from_pattern("^fs-[0-9a-f]{8,40}$").unwrap();
        matches_shape(&fs, |s| s.starts_with("fs-") && s.len() == 15 && s[3..].bytes().all(|b| HEX.contains(&b)));
        let name = from_pattern("^[a-zA-Z][a-zA-Z0-9_-]*$").unwrap();
        matches_shape(&name, |s| s.len() == 13 && s.as_bytes()[0].is_ascii_alphabetic());
        let alt = from_pattern("^(arn:aws:[a-z]+:file-system/fs-[0-9a-f]{8,40}|fs-[0-9a-f]{8,40})$").unwrap();
        matches_shape(&alt, |s| s.starts_with("fs-"));
        assert!(from_pattern("^(?!foo)bar$").is_none());
        assert_eq!(from_pattern("^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$").unwrap().len(), 36);
        assert_ne!(from_pattern("[a-z0-9]{10}").unwrap(), from_pattern("[a-z0-9]{10}").unwrap());
    }

    #[test]
    fn identifiers() {
        let id = identifier("fs", None, (None, None));
        assert!(id.starts_with("fs-") && id.len() == 20);
        assert_eq!(identifier("x", Some("^[0-9]{12}$"), (Some(12), Some(12))).len(), 12);
    }
}
