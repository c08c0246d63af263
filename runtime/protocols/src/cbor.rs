//! CBOR (RFC 8949): a small item model with a decoder and an encoder, and the
//! schema-driven conversion between CBOR items and `Value`s used by the Smithy
//! RPC v2 CBOR protocol (structures are maps keyed by member name, timestamps
//! are tag 1 epoch seconds, blobs are byte strings).
//!
//! The decoder is written for untrusted input: every length is checked against
//! the bytes actually present before anything is allocated, nesting is bounded,
//! and malformed input is an `Err`, never a panic.

use simfra_model::{
    member_flags, shape_flags, Member, ServiceError, ServiceSchema, Shape, ShapeId, ShapeKind, Timestamp, Value,
};

/// One CBOR data item. Definite and indefinite encodings decode to the same
/// item; every float width decodes to `Float`.
#[derive(Debug, Clone)]
pub enum Cbor {
    /// Major type 0.
    Uint(u64),
    /// Major type 1: the value is `-1 - n`.
    Nint(u64),
    Bytes(Vec<u8>),
    Text(String),
    Array(Vec<Cbor>),
    /// Pairs in wire order.
    Map(Vec<(Cbor, Cbor)>),
    Tag(u64, Box<Cbor>),
    Bool(bool),
    Null,
    Undefined,
    /// A simple value other than false/true/null/undefined.
    Simple(u8),
    Float(f64),
}

/// Data-model equality: maps compare as unordered sets of pairs (CBOR maps
/// are unordered), and NaN equals NaN, so a protocol test can compare the
/// body it expects with the one produced regardless of key order and float width.
impl PartialEq for Cbor {
    fn eq(&self, other: &Self) -> bool {
        use Cbor::*;
        match (self, other) {
            (Uint(a), Uint(b)) | (Nint(a), Nint(b)) => a == b,
            (Bytes(a), Bytes(b)) => a == b,
            (Text(a), Text(b)) => a == b,
            (Array(a), Array(b)) => a == b,
            (Map(a), Map(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.iter().any(|(k2, v2)| k == k2 && v == v2))
            }
            (Tag(t, a), Tag(u, b)) => t == u && a == b,
            (Bool(a), Bool(b)) => a == b,
            (Null, Null) | (Undefined, Undefined) => true,
            (Simple(a), Simple(b)) => a == b,
            (Float(a), Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            _ => false,
        }
    }
}

impl Cbor {
    pub fn text(s: impl Into<String>) -> Cbor {
        Cbor::Text(s.into())
    }
    /// A signed integer in the major type that holds it.
    pub fn int(i: i64) -> Cbor {
        if i >= 0 {
            Cbor::Uint(i as u64)
        } else {
            Cbor::Nint(!(i as u64)) // -1 - i, without overflow at i64::MIN
        }
    }
    /// The integer value when it fits an i64.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Cbor::Uint(u) => i64::try_from(u).ok(),
            Cbor::Nint(n) => i64::try_from(n).ok().map(|n| -1 - n),
            _ => None,
        }
    }
    /// The value of a text-keyed map entry.
    pub fn get(&self, key: &str) -> Option<&Cbor> {
        match self {
            Cbor::Map(pairs) => pairs.iter().find(|(k, _)| matches!(k, Cbor::Text(t) if t == key)).map(|(_, v)| v),
            _ => None,
        }
    }
    fn kind_name(&self) -> &'static str {
        match self {
            Cbor::Uint(_) | Cbor::Nint(_) => "integer",
            Cbor::Bytes(_) => "byte string",
            Cbor::Text(_) => "text string",
            Cbor::Array(_) => "array",
            Cbor::Map(_) => "map",
            Cbor::Tag(..) => "tagged item",
            Cbor::Bool(_) => "boolean",
            Cbor::Null => "null",
            Cbor::Undefined => "undefined",
            Cbor::Simple(_) => "simple value",
            Cbor::Float(_) => "float",
        }
    }
}

// ---------------------------------------------------------------- decoding

/// Nesting deeper than this is rejected rather than risking the stack.
pub const MAX_DEPTH: usize = 128;

const BREAK: u8 = 0xff;

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

/// The argument of an initial byte: a value, or "indefinite" (additional info 31).
enum Arg {
    Value(u64),
    Indefinite,
}

impl<'a> Reader<'a> {
    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    fn byte(&mut self) -> Result<u8, String> {
        let b = *self.buf.get(self.pos).ok_or("unexpected end of CBOR data")?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: u64) -> Result<&'a [u8], String> {
        if n > self.remaining() as u64 {
            return Err("CBOR length exceeds the data".into());
        }
        let n = n as usize;
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    fn uint_be(&mut self, n: usize) -> Result<u64, String> {
        Ok(self.take(n as u64)?.iter().fold(0u64, |acc, b| (acc << 8) | *b as u64))
    }

    fn arg(&mut self, info: u8) -> Result<Arg, String> {
        Ok(Arg::Value(match info {
            0..=23 => info as u64,
            24 => self.uint_be(1)?,
            25 => self.uint_be(2)?,
            26 => self.uint_be(4)?,
            27 => self.uint_be(8)?,
            31 => return Ok(Arg::Indefinite),
            _ => return Err(format!("reserved CBOR additional information {info}")),
        }))
    }

    fn peek_break(&mut self) -> Result<bool, String> {
        match self.buf.get(self.pos) {
            Some(&BREAK) => {
                self.pos += 1;
                Ok(true)
            }
            Some(_) => Ok(false),
            None => Err("unexpected end of CBOR data (missing break)".into()),
        }
    }

    /// A definite byte or text string's bytes; indefinite strings are
    /// concatenations of definite chunks of the same major type.
    fn string_bytes(&mut self, major: u8, arg: Arg) -> Result<Vec<u8>, String> {
        match arg {
            Arg::Value(n) => Ok(self.take(n)?.to_vec()),
            Arg::Indefinite => {
                let mut out = Vec::new();
                while !self.peek_break()? {
                    let ib = self.byte()?;
                    if ib >> 5 != major {
                        return Err("CBOR indefinite string chunk of the wrong type".into());
                    }
                    match self.arg(ib & 0x1f)? {
                        Arg::Value(n) => {
                            let chunk = self.take(n)?;
                            if major == 3 && std::str::from_utf8(chunk).is_err() {
                                return Err("CBOR text chunk is not valid UTF-8".into());
                            }
                            out.extend_from_slice(chunk);
                        }
                        Arg::Indefinite => return Err("nested indefinite CBOR string".into()),
                    }
                }
                Ok(out)
            }
        }
    }

    fn item(&mut self, depth: usize) -> Result<Cbor, String> {
        if depth > MAX_DEPTH {
            return Err("CBOR nesting is too deep".into());
        }
        let ib = self.byte()?;
        let major = ib >> 5;
        let info = ib & 0x1f;
        if major == 7 {
            return self.simple(info);
        }
        let arg = self.arg(info)?;
        Ok(match major {
            0 | 1 | 6 => {
                let Arg::Value(v) = arg else { return Err("indefinite length on a CBOR integer or tag".into()) };
                match major {
                    0 => Cbor::Uint(v),
                    1 => Cbor::Nint(v),
                    _ => Cbor::Tag(v, Box::new(self.item(depth + 1)?)),
                }
            }
            2 => Cbor::Bytes(self.string_bytes(2, arg)?),
            3 => Cbor::Text(String::from_utf8(self.string_bytes(3, arg)?).map_err(|_| "CBOR text is not valid UTF-8")?),
            4 => match arg {
                Arg::Value(n) => {
                    // Each item takes at least one byte: a length beyond the data is a lie.
                    if n > self.remaining() as u64 {
                        return Err("CBOR array length exceeds the data".into());
                    }
                    let mut items = Vec::with_capacity(n as usize);
                    for _ in 0..n {
                        items.push(self.item(depth + 1)?);
                    }
                    Cbor::Array(items)
                }
                Arg::Indefinite => {
                    let mut items = Vec::new();
                    while !self.peek_break()? {
                        items.push(self.item(depth + 1)?);
                    }
                    Cbor::Array(items)
                }
            },
            5 => match arg {
                Arg::Value(n) => {
                    if n.saturating_mul(2) > self.remaining() as u64 {
                        return Err("CBOR map length exceeds the data".into());
                    }
                    let mut pairs = Vec::with_capacity(n as usize);
                    for _ in 0..n {
                        let k = self.item(depth + 1)?;
                        pairs.push((k, self.item(depth + 1)?));
                    }
                    Cbor::Map(pairs)
                }
                Arg::Indefinite => {
                    let mut pairs = Vec::new();
                    while !self.peek_break()? {
                        let k = self.item(depth + 1)?;
                        pairs.push((k, self.item(depth + 1)?));
                    }
                    Cbor::Map(pairs)
                }
            },
            _ => unreachable!("major type is three bits and 7 is handled above"),
        })
    }

    fn simple(&mut self, info: u8) -> Result<Cbor, String> {
        Ok(match info {
            20 => Cbor::Bool(false),
            21 => Cbor::Bool(true),
            22 => Cbor::Null,
            23 => Cbor::Undefined,
            0..=19 => Cbor::Simple(info),
            24 => {
                let v = self.byte()?;
                if v < 32 {
                    return Err("invalid two-byte CBOR simple value".into());
                }
                Cbor::Simple(v)
            }
            25 => Cbor::Float(f16_to_f64(self.uint_be(2)? as u16)),
            26 => Cbor::Float(f32::from_bits(self.uint_be(4)? as u32) as f64),
            27 => Cbor::Float(f64::from_bits(self.uint_be(8)?)),
            31 => return Err("unexpected CBOR break".into()),
            _ => return Err(format!("reserved CBOR simple value {info}")),
        })
    }
}

/// IEEE 754 half precision to double (exact: every half is representable).
fn f16_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = ((h >> 10) & 0x1f) as i32;
    let frac = (h & 0x3ff) as f64;
    sign * match exp {
        0 => frac * 2f64.powi(-24), // subnormal
        31 if frac == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1.0 + frac / 1024.0) * 2f64.powi(exp - 15),
    }
}

/// Decodes exactly one item filling the whole buffer.
pub fn decode(buf: &[u8]) -> Result<Cbor, String> {
    let (item, used) = decode_prefix(buf)?;
    if used != buf.len() {
        return Err(format!("{} trailing bytes after the CBOR item", buf.len() - used));
    }
    Ok(item)
}

/// Decodes the first item of `buf` and returns it with the bytes it took.
pub fn decode_prefix(buf: &[u8]) -> Result<(Cbor, usize), String> {
    let mut r = Reader { buf, pos: 0 };
    let item = r.item(0)?;
    Ok((item, r.pos))
}

// ---------------------------------------------------------------- encoding

/// Writes an initial byte with the shortest argument encoding.
fn head(out: &mut Vec<u8>, major: u8, v: u64) {
    let m = major << 5;
    if v < 24 {
        out.push(m | v as u8);
    } else if v <= u8::MAX as u64 {
        out.extend_from_slice(&[m | 24, v as u8]);
    } else if v <= u16::MAX as u64 {
        out.push(m | 25);
        out.extend_from_slice(&(v as u16).to_be_bytes());
    } else if v <= u32::MAX as u64 {
        out.push(m | 26);
        out.extend_from_slice(&(v as u32).to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&v.to_be_bytes());
    }
}

/// Writes `item` with definite lengths in their shortest form. Floats are
/// written as single precision when that is exact and as double otherwise
/// (never half precision, which the RPC v2 spec advises against).
pub fn encode(item: &Cbor, out: &mut Vec<u8>) {
    match item {
        Cbor::Uint(v) => head(out, 0, *v),
        Cbor::Nint(v) => head(out, 1, *v),
        Cbor::Bytes(b) => {
            head(out, 2, b.len() as u64);
            out.extend_from_slice(b);
        }
        Cbor::Text(s) => {
            head(out, 3, s.len() as u64);
            out.extend_from_slice(s.as_bytes());
        }
        Cbor::Array(items) => {
            head(out, 4, items.len() as u64);
            items.iter().for_each(|i| encode(i, out));
        }
        Cbor::Map(pairs) => {
            head(out, 5, pairs.len() as u64);
            for (k, v) in pairs {
                encode(k, out);
                encode(v, out);
            }
        }
        Cbor::Tag(t, inner) => {
            head(out, 6, *t);
            encode(inner, out);
        }
        Cbor::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
        Cbor::Null => out.push(0xf6),
        Cbor::Undefined => out.push(0xf7),
        Cbor::Simple(v) if *v < 24 => out.push(0xe0 | v),
        Cbor::Simple(v) => out.extend_from_slice(&[0xf8, *v]),
        Cbor::Float(f) => {
            let single = *f as f32;
            if single as f64 == *f || f.is_nan() {
                out.push(0xfa);
                out.extend_from_slice(&single.to_bits().to_be_bytes());
            } else {
                out.push(0xfb);
                out.extend_from_slice(&f.to_bits().to_be_bytes());
            }
        }
    }
}

pub fn to_vec(item: &Cbor) -> Vec<u8> {
    let mut out = Vec::new();
    encode(item, &mut out);
    out
}

// ---------------------------------------------------------------- big numbers

/// Big-endian unsigned magnitude to decimal digits.
fn bytes_to_decimal(bytes: &[u8]) -> String {
    let mut mag: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    let mut digits = Vec::new();
    while !mag.is_empty() {
        // Divide the magnitude by 10 in place, keeping the remainder as the next digit.
        let mut rem = 0u32;
        for b in mag.iter_mut() {
            let cur = (rem << 8) | *b as u32;
            *b = (cur / 10) as u8;
            rem = cur % 10;
        }
        digits.push(b'0' + rem as u8);
        let lead = mag.iter().take_while(|b| **b == 0).count();
        mag.drain(..lead);
    }
    if digits.is_empty() {
        return "0".into();
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

/// Decimal digits to a big-endian unsigned magnitude (no leading zero bytes).
fn decimal_to_bytes(digits: &str) -> Vec<u8> {
    let mut mag: Vec<u8> = Vec::new(); // little-endian while building
    for d in digits.bytes() {
        let mut carry = (d - b'0') as u32;
        for b in mag.iter_mut() {
            let cur = *b as u32 * 10 + carry;
            *b = cur as u8;
            carry = cur >> 8;
        }
        if carry > 0 {
            mag.push(carry as u8);
        }
    }
    mag.reverse();
    mag
}

/// A signed integer of arbitrary size: `int` when it fits, else tag 2/3 bignum.
fn big_integer(neg: bool, digits: &str) -> Cbor {
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Cbor::Uint(0);
    }
    if let Ok(u) = digits.parse::<u64>() {
        if !neg {
            return Cbor::Uint(u);
        }
        return Cbor::Nint(u - 1);
    }
    let mut mag = decimal_to_bytes(digits);
    if neg {
        // Tag 3 holds -1 - n: subtract one from the magnitude.
        for b in mag.iter_mut().rev() {
            if *b > 0 {
                *b -= 1;
                break;
            }
            *b = 0xff;
        }
        Cbor::Tag(3, Box::new(Cbor::Bytes(mag)))
    } else {
        Cbor::Tag(2, Box::new(Cbor::Bytes(mag)))
    }
}

/// Decimal text of a bigInteger/bigDecimal value for the wire: integers as
/// ints or bignums, decimals as a tag 4 decimal fraction `[exponent, mantissa]`.
fn big_number_to_cbor(text: &str) -> Option<Cbor> {
    let t = text.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let (mantissa, exp_part) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mut exponent: i64 = match exp_part {
        Some(e) => e.parse().ok()?,
        None => 0,
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty()
        || !int_part.bytes().chain(frac_part.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let digits = format!("{int_part}{frac_part}");
    exponent -= frac_part.len() as i64;
    let m = big_integer(neg, &digits);
    if exponent == 0 {
        Some(m)
    } else {
        Some(Cbor::Tag(4, Box::new(Cbor::Array(vec![Cbor::int(exponent), m]))))
    }
}

/// Decimal text of an integer or bignum item.
fn integer_text(item: &Cbor) -> Option<String> {
    Some(match item {
        Cbor::Uint(u) => u.to_string(),
        Cbor::Nint(n) => format!("-{}", *n as u128 + 1),
        Cbor::Tag(2, b) => match &**b {
            Cbor::Bytes(b) => bytes_to_decimal(b),
            _ => return None,
        },
        Cbor::Tag(3, b) => match &**b {
            // -1 - n: add one to the magnitude.
            Cbor::Bytes(b) => {
                let mut mag = b.clone();
                let mut carry = true;
                for byte in mag.iter_mut().rev() {
                    let (v, c) = byte.overflowing_add(1);
                    *byte = v;
                    carry = c;
                    if !c {
                        break;
                    }
                }
                if carry {
                    mag.insert(0, 1);
                }
                format!("-{}", bytes_to_decimal(&mag))
            }
            _ => return None,
        },
        _ => return None,
    })
}

/// Decimal text of a tag 4 decimal fraction `[exponent, mantissa]`.
fn decimal_fraction_text(inner: &Cbor) -> Option<String> {
    let Cbor::Array(parts) = inner else { return None };
    let [e, m] = parts.as_slice() else { return None };
    let exp = e.as_i64()?;
    let m = integer_text(m)?;
    if !(-10_000..=10_000).contains(&exp) {
        return Some(format!("{m}E{exp}"));
    }
    if exp >= 0 {
        return Some(format!("{m}{}", "0".repeat(exp as usize)));
    }
    let (sign, digits) = match m.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", m.as_str()),
    };
    let shift = exp.unsigned_abs() as usize;
    let padded = format!("{}{digits}", "0".repeat((shift + 1).saturating_sub(digits.len())));
    let (i, f) = padded.split_at(padded.len() - shift);
    Some(format!("{sign}{i}.{f}"))
}

// ---------------------------------------------------------------- schema-driven decoding

fn bad(what: &str, name: &str, got: &Cbor) -> ServiceError {
    ServiceError::serialization(format!("Expected {what} for {name}, found {}", got.kind_name()))
}

fn is_sparse(shape: &Shape, member: Option<&Member>) -> bool {
    shape.flags & shape_flags::SPARSE != 0 || member.is_some_and(|m| m.has(member_flags::SPARSE))
}

fn integer_fits(kind: ShapeKind, i: i64) -> bool {
    match kind {
        ShapeKind::Byte => i8::try_from(i).is_ok(),
        ShapeKind::Short => i16::try_from(i).is_ok(),
        ShapeKind::Integer | ShapeKind::IntEnum => i32::try_from(i).is_ok(),
        _ => true,
    }
}

/// Decodes a request/response body into a structure (or union) value of
/// `shape`. An empty body is an empty structure.
pub fn decode_struct(svc: &ServiceSchema, shape: ShapeId, body: &[u8]) -> Result<Value, ServiceError> {
    if body.is_empty() {
        return Ok(Value::empty_struct());
    }
    let item = decode(body).map_err(|e| ServiceError::serialization(format!("Malformed CBOR body: {e}")))?;
    if !matches!(item, Cbor::Map(_)) {
        return Err(ServiceError::serialization("Expected a CBOR map as the body"));
    }
    cbor_to_value(svc, shape, &item)
}

/// Converts a decoded item into a value of `shape`.
pub fn cbor_to_value(svc: &ServiceSchema, shape: ShapeId, item: &Cbor) -> Result<Value, ServiceError> {
    value(svc, shape, None, item)
}

fn structure(svc: &ServiceSchema, shape: &Shape, item: &Cbor) -> Result<Value, ServiceError> {
    let Cbor::Map(pairs) = item else { return Err(bad("a map", shape.name, item)) };
    let mut fields: Vec<(u16, Value)> = Vec::new();
    for (k, v) in pairs {
        // Unknown keys (and `__type` on unions) are skipped; nulls mean absent.
        let Cbor::Text(key) = k else { continue };
        let Some(idx) = shape.member_index(key) else { continue };
        if matches!(v, Cbor::Null | Cbor::Undefined) {
            continue;
        }
        let m = &shape.members[idx];
        let decoded = value(svc, m.target, Some(m), v)?;
        match fields.iter_mut().find(|(i, _)| *i as usize == idx) {
            Some(slot) => slot.1 = decoded, // a repeated key: the last one wins
            None => fields.push((idx as u16, decoded)),
        }
    }
    if shape.kind == ShapeKind::Union && fields.len() > 1 {
        return Err(ServiceError::serialization(format!("Union {} must have exactly one member set", shape.name)));
    }
    Ok(Value::Struct(fields))
}

fn timestamp(item: &Cbor) -> Option<Timestamp> {
    // Tag 1 is what the spec requires; a bare number is accepted as well.
    let inner = match item {
        Cbor::Tag(1, inner) => &**inner,
        other => other,
    };
    match inner {
        Cbor::Uint(_) | Cbor::Nint(_) => inner.as_i64().map(Timestamp::from_secs),
        // The protocol has millisecond resolution; rounding hides binary float noise.
        Cbor::Float(f) if f.is_finite() && f.abs() < 9.0e15 => Some(Timestamp::from_millis((f * 1000.0).round() as i64)),
        _ => None,
    }
}

fn value(svc: &ServiceSchema, target: ShapeId, member: Option<&Member>, item: &Cbor) -> Result<Value, ServiceError> {
    let shape = svc.shape(target);
    let name = member.map(|m| m.name).unwrap_or(shape.name);
    Ok(match shape.kind {
        ShapeKind::Structure | ShapeKind::Union => structure(svc, shape, item)?,
        ShapeKind::List => {
            let Cbor::Array(items) = item else { return Err(bad("an array", name, item)) };
            let sparse = is_sparse(shape, member);
            let Some(m) = shape.members.first() else { return Ok(Value::List(Vec::new())) };
            let mut out = Vec::with_capacity(items.len());
            for it in items {
                if matches!(it, Cbor::Null | Cbor::Undefined) {
                    if sparse {
                        out.push(Value::Null);
                    }
                    continue;
                }
                out.push(value(svc, m.target, Some(m), it)?);
            }
            Value::List(out)
        }
        ShapeKind::Map => {
            let Cbor::Map(pairs) = item else { return Err(bad("a map", name, item)) };
            let sparse = is_sparse(shape, member);
            let Some(vm) = shape.members.get(1) else { return Ok(Value::Map(Vec::new())) };
            let mut out = Vec::with_capacity(pairs.len());
            for (k, v) in pairs {
                let Cbor::Text(key) = k else { return Err(bad("text map keys", name, k)) };
                if matches!(v, Cbor::Null | Cbor::Undefined) {
                    if sparse {
                        out.push((key.clone(), Value::Null));
                    }
                    continue;
                }
                out.push((key.clone(), value(svc, vm.target, Some(vm), v)?));
            }
            Value::Map(out)
        }
        ShapeKind::String | ShapeKind::Enum => match item {
            Cbor::Text(s) => Value::String(s.clone()),
            _ => return Err(bad("a text string", name, item)),
        },
        ShapeKind::Boolean => match item {
            Cbor::Bool(b) => Value::Bool(*b),
            _ => return Err(bad("a boolean", name, item)),
        },
        ShapeKind::Blob => match item {
            Cbor::Bytes(b) => Value::Blob(b.clone().into()),
            _ => return Err(bad("a byte string", name, item)),
        },
        k if k.is_integer() => {
            let i = match item {
                Cbor::Uint(_) | Cbor::Nint(_) => item.as_i64(),
                _ => return Err(bad("an integer", name, item)),
            };
            match i {
                Some(i) if integer_fits(k, i) => Value::Int(i),
                _ => return Err(ServiceError::serialization(format!("Value out of range for {name}"))),
            }
        }
        ShapeKind::Float | ShapeKind::Double => match item {
            Cbor::Float(f) => Value::Float(*f),
            Cbor::Uint(u) => Value::Float(*u as f64),
            Cbor::Nint(n) => Value::Float(-1.0 - *n as f64),
            _ => return Err(bad("a number", name, item)),
        },
        ShapeKind::BigInteger | ShapeKind::BigDecimal => {
            let text = match item {
                Cbor::Tag(4, inner) if shape.kind == ShapeKind::BigDecimal => decimal_fraction_text(inner),
                Cbor::Float(f) if shape.kind == ShapeKind::BigDecimal && f.is_finite() => Some(f.to_string()),
                _ => integer_text(item),
            };
            Value::BigNumber(text.ok_or_else(|| bad("a number", name, item))?)
        }
        ShapeKind::Timestamp => Value::Timestamp(timestamp(item).ok_or_else(|| bad("a timestamp", name, item))?),
        ShapeKind::Document => {
            return Err(ServiceError::serialization(format!(
                "Document types are not supported by the rpcv2Cbor protocol ({name})"
            )))
        }
        _ => return Err(bad("a value", name, item)),
    })
}

// ---------------------------------------------------------------- schema-driven encoding

/// Encodes a structure (or union) value of `shape` as a CBOR body.
pub fn encode_struct(svc: &ServiceSchema, shape: ShapeId, value: &Value) -> Vec<u8> {
    to_vec(&value_to_cbor(svc, shape, value))
}

/// Converts a value of `shape` into a CBOR item. Values that do not match the
/// shape are written by their own kind rather than dropped.
pub fn value_to_cbor(svc: &ServiceSchema, shape: ShapeId, value: &Value) -> Cbor {
    to_cbor(svc, shape, None, value)
}

/// The map of a structure value: present, non-null members keyed by member name.
pub fn struct_to_cbor(svc: &ServiceSchema, shape: &Shape, fields: &[(u16, Value)]) -> Vec<(Cbor, Cbor)> {
    fields
        .iter()
        .filter(|(_, v)| !matches!(v, Value::Null))
        .filter_map(|(idx, v)| {
            let m = shape.members.get(*idx as usize)?;
            Some((Cbor::text(m.name), to_cbor(svc, m.target, Some(m), v)))
        })
        .collect()
}

fn timestamp_cbor(t: &Timestamp) -> Cbor {
    // Always a float, as the protocol tests write it; millisecond resolution.
    let secs = if t.nanos == 0 { t.secs as f64 } else { t.as_millis() as f64 / 1000.0 };
    Cbor::Tag(1, Box::new(Cbor::Float(secs)))
}

fn to_cbor(svc: &ServiceSchema, target: ShapeId, member: Option<&Member>, value: &Value) -> Cbor {
    let shape = svc.shape(target);
    match (shape.kind, value) {
        (ShapeKind::Structure | ShapeKind::Union, Value::Struct(fields)) => Cbor::Map(struct_to_cbor(svc, shape, fields)),
        (ShapeKind::List, Value::List(items)) => {
            let sparse = is_sparse(shape, member);
            let Some(m) = shape.members.first() else { return Cbor::Array(Vec::new()) };
            Cbor::Array(
                items
                    .iter()
                    .filter(|v| sparse || !matches!(v, Value::Null))
                    .map(|v| if matches!(v, Value::Null) { Cbor::Null } else { to_cbor(svc, m.target, Some(m), v) })
                    .collect(),
            )
        }
        (ShapeKind::Map, Value::Map(pairs)) => {
            let sparse = is_sparse(shape, member);
            let Some(vm) = shape.members.get(1) else { return Cbor::Map(Vec::new()) };
            Cbor::Map(
                pairs
                    .iter()
                    .filter(|(_, v)| sparse || !matches!(v, Value::Null))
                    .map(|(k, v)| {
                        let v = if matches!(v, Value::Null) { Cbor::Null } else { to_cbor(svc, vm.target, Some(vm), v) };
                        (Cbor::text(k.as_str()), v)
                    })
                    .collect(),
            )
        }
        (ShapeKind::Float, Value::Float(f)) => Cbor::Float(*f as f32 as f64),
        (ShapeKind::Float | ShapeKind::Double, Value::Int(i)) => Cbor::Float(*i as f64),
        (ShapeKind::BigInteger | ShapeKind::BigDecimal, Value::BigNumber(s)) => {
            big_number_to_cbor(s).unwrap_or_else(|| Cbor::text(s.as_str()))
        }
        _ => untyped(value),
    }
}

/// A value written by its own kind (scalars, and aggregates whose shape is not known).
fn untyped(value: &Value) -> Cbor {
    match value {
        Value::Null => Cbor::Null,
        Value::Bool(b) => Cbor::Bool(*b),
        Value::Int(i) => Cbor::int(*i),
        Value::Float(f) => Cbor::Float(*f),
        Value::BigNumber(s) => big_number_to_cbor(s).unwrap_or_else(|| Cbor::text(s.as_str())),
        Value::String(s) => Cbor::text(s.as_str()),
        Value::Blob(b) => Cbor::Bytes(b.to_vec()),
        // Streams are payloads (see rest.rs); inside a document only bytes in hand can be written.
        Value::Stream(s) => Cbor::Bytes(s.in_memory().unwrap_or_default().to_vec()),
        Value::Timestamp(t) => timestamp_cbor(t),
        Value::Document(d) => document(d),
        Value::List(items) => Cbor::Array(items.iter().map(untyped).collect()),
        Value::Map(pairs) => Cbor::Map(pairs.iter().map(|(k, v)| (Cbor::text(k.as_str()), untyped(v))).collect()),
        // Without a shape there are no member names: key by index.
        Value::Struct(fields) => Cbor::Map(fields.iter().map(|(i, v)| (Cbor::Uint(*i as u64), untyped(v))).collect()),
    }
}

/// Documents are not part of the protocol; they are written in their natural
/// CBOR form so that a response never fails to encode.
fn document(d: &simfra_model::Document) -> Cbor {
    use simfra_model::Document as D;
    match d {
        D::Null => Cbor::Null,
        D::Bool(b) => Cbor::Bool(*b),
        D::Int(i) => Cbor::int(*i),
        D::Float(f) => Cbor::Float(*f),
        D::String(s) => Cbor::text(s.as_str()),
        D::List(items) => Cbor::Array(items.iter().map(document).collect()),
        D::Map(pairs) => Cbor::Map(pairs.iter().map(|(k, v)| (Cbor::text(k.as_str()), document(v))).collect()),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use base64::Engine;
    use simfra_model::{Protocol, Shape};

    const fn scalar(name: &'static str, kind: ShapeKind) -> Shape {
        Shape { name, kind, ..Shape::DEFAULT }
    }
    const fn m(name: &'static str, target: ShapeId) -> Member {
        Member { name, target, ..Member::DEFAULT }
    }

    static SCALARS: [Member; 10] = [
        m("trueBooleanValue", 1),
        m("falseBooleanValue", 1),
        m("byteValue", 2),
        m("doubleValue", 3),
        m("floatValue", 4),
        m("integerValue", 5),
        m("longValue", 6),
        m("shortValue", 7),
        m("stringValue", 0),
        m("blobValue", 8),
    ];
    static SHAPES: [Shape; 23] = [
        scalar("String", ShapeKind::String),
        scalar("Boolean", ShapeKind::Boolean),
        scalar("Byte", ShapeKind::Byte),
        scalar("Double", ShapeKind::Double),
        scalar("Float", ShapeKind::Float),
        scalar("Integer", ShapeKind::Integer),
        scalar("Long", ShapeKind::Long),
        scalar("Short", ShapeKind::Short),
        scalar("Blob", ShapeKind::Blob),
        scalar("Timestamp", ShapeKind::Timestamp),
        Shape { name: "SimpleScalarStructure", members: &SCALARS, ..Shape::DEFAULT },
        Shape { name: "StringList", kind: ShapeKind::List, members: &[m("member", 0)], ..Shape::DEFAULT },
        Shape {
            name: "SparseStringMap",
            kind: ShapeKind::Map,
            flags: shape_flags::SPARSE,
            members: &[m("key", 0), m("value", 0)],
            ..Shape::DEFAULT
        },
        Shape {
            name: "RpcV2CborUnion",
            kind: ShapeKind::Union,
            members: &[m("stringValue", 0), m("unionValue", 14)],
            ..Shape::DEFAULT
        },
        Shape { name: "RpcV2CborNestedUnion", kind: ShapeKind::Union, members: &[m("stringValue", 0)], ..Shape::DEFAULT },
        Shape { name: "RpcV2CborUnionInputOutput", members: &[m("contents", 13), m("otherValue", 0)], ..Shape::DEFAULT },
        Shape {
            name: "ListsIO",
            members: &[m("stringList", 11), m("timestampList", 17), m("sparseStringMap", 12), m("sparseStringList", 21)],
            ..Shape::DEFAULT
        },
        Shape { name: "TimestampList", kind: ShapeKind::List, members: &[m("member", 9)], ..Shape::DEFAULT },
        scalar("BigInteger", ShapeKind::BigInteger),
        scalar("BigDecimal", ShapeKind::BigDecimal),
        scalar("Document", ShapeKind::Document),
        Shape {
            name: "SparseStringList",
            kind: ShapeKind::List,
            flags: shape_flags::SPARSE,
            members: &[m("member", 0)],
            ..Shape::DEFAULT
        },
        Shape { name: "Numbers", members: &[m("big", 18), m("dec", 19), m("doc", 20)], ..Shape::DEFAULT },
    ];

    pub(crate) static SVC: ServiceSchema = ServiceSchema {
        name: "test",
        namespace: "smithy.protocoltests.rpcv2Cbor",
        shape_name: "RpcV2Protocol",
        sdk_id: "test",
        version: "2020-07-14",
        signing_name: "test",
        endpoint_prefix: "test",
        arn_namespace: "test",
        cloudtrail_source: "test",
        protocol: Protocol::RpcV2Cbor,
        query_compatible: false,
        xml_namespace: None,
        shapes: &SHAPES,
        operations: &[],
        errors: &[],
    };

    fn b64(s: &str) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD.decode(s).unwrap()
    }

    /// Fields sorted by member index, for order-insensitive comparison.
    fn sorted(v: Value) -> Value {
        match v {
            Value::Struct(mut f) => {
                f.sort_by_key(|(i, _)| *i);
                Value::Struct(f.into_iter().map(|(i, v)| (i, sorted(v))).collect())
            }
            other => other,
        }
    }

    fn scalars() -> Value {
        Value::Struct(vec![
            (0, Value::Bool(true)),
            (1, Value::Bool(false)),
            (2, Value::Int(5)),
            (3, Value::Float(1.889)),
            (4, Value::Float(7.625)),
            (5, Value::Int(256)),
            (6, Value::Int(9873)),
            (7, Value::Int(9898)),
            (8, Value::String("simple".into())),
            (9, Value::Blob("foo".into())),
        ])
    }

    const SCALARS_BODY: &str = "v2lieXRlVmFsdWUFa2RvdWJsZVZhbHVl+z/+OVgQYk3TcWZhbHNlQm9vbGVhblZhbHVl9GpmbG9hdFZhbHVl+kD0AABsaW50ZWdlclZhbHVlGQEAaWxvbmdWYWx1ZRkmkWpzaG9ydFZhbHVlGSaqa3N0cmluZ1ZhbHVlZnNpbXBsZXB0cnVlQm9vbGVhblZhbHVl9WlibG9iVmFsdWVDZm9v/w==";

    #[test]
    fn decodes_simple_scalars_definite_indefinite_and_with_extra_fields() {
        let bodies = [
            SCALARS_BODY,
            // definite map, indefinite-length keys
            "qmlieXRlVmFsdWUFf2Zkb3VibGVlVmFsdWX/+z/+OVgQYk3Tf2VmYWxzZWdCb29sZWFuZVZhbHVl//RqZmxvYXRWYWx1ZfpA9AAAbGludGVnZXJWYWx1ZRkBAGlsb25nVmFsdWUZJpFqc2hvcnRWYWx1ZRkmqn9mc3RyaW5nZVZhbHVl/2ZzaW1wbGVwdHJ1ZUJvb2xlYW5WYWx1ZfVpYmxvYlZhbHVlQ2Zvbw==",
            // unknown nested fields to skip
            "v2lieXRlVmFsdWUFa2RvdWJsZVZhbHVl+z/+OVgQYk3TcWZhbHNlQm9vbGVhblZhbHVl9GpmbG9hdFZhbHVl+kD0AABrZXh0cmFPYmplY3S/c2luZGVmaW5pdGVMZW5ndGhNYXC/a3dpdGhBbkFycmF5nwECA///cWRlZmluaXRlTGVuZ3RoTWFwo3J3aXRoQURlZmluaXRlQXJyYXmDAQIDeB1hbmRTb21lSW5kZWZpbml0ZUxlbmd0aFN0cmluZ3gfdGhhdCBoYXMsIGJlZW4gY2h1bmtlZCBvbiBjb21tYWxub3JtYWxTdHJpbmdjZm9vanNob3J0VmFsdWUZJw9uc29tZU90aGVyRmllbGR2dGhpcyBzaG91bGQgYmUgc2tpcHBlZP9saW50ZWdlclZhbHVlGQEAaWxvbmdWYWx1ZRkmkWpzaG9ydFZhbHVlGSaqa3N0cmluZ1ZhbHVlZnNpbXBsZXB0cnVlQm9vbGVhblZhbHVl9WlibG9iVmFsdWVDZm9v/w==",
        ];
        for body in bodies {
            let v = decode_struct(&SVC, 10, &b64(body)).unwrap();
            assert_eq!(sorted(v), scalars(), "{body}");
        }
    }

    #[test]
    fn encodes_simple_scalars_as_the_expected_items() {
        let out = encode_struct(&SVC, 10, &scalars());
        assert_eq!(decode(&out).unwrap(), decode(&b64(SCALARS_BODY)).unwrap());
        // Shortest forms: floatValue as single, doubleValue as double.
        let item = decode(&out).unwrap();
        assert_eq!(item.get("integerValue"), Some(&Cbor::Uint(256)));
        assert!(out.windows(5).any(|w| w == [0xfa, 0x40, 0xf4, 0x00, 0x00]));
    }

    #[test]
    fn nulls_special_floats_and_upcasting() {
        assert_eq!(decode_struct(&SVC, 10, &b64("v2tzdHJpbmdWYWx1Zfb/")).unwrap(), Value::empty_struct());
        assert_eq!(decode_struct(&SVC, 10, b"").unwrap(), Value::empty_struct());
        let nan = decode_struct(&SVC, 10, &b64("v2tkb3VibGVWYWx1Zft/+AAAAAAAAGpmbG9hdFZhbHVl+n/AAAD/")).unwrap();
        assert!(matches!(nan.field(3), Some(Value::Float(f)) if f.is_nan()));
        assert!(matches!(nan.field(4), Some(Value::Float(f)) if f.is_nan()));
        let inf = decode_struct(&SVC, 10, &b64("v2tkb3VibGVWYWx1Zfv/8AAAAAAAAGpmbG9hdFZhbHVl+v+AAAD/")).unwrap();
        assert_eq!(inf.field(3), Some(&Value::Float(f64::NEG_INFINITY)));
        let up = decode_struct(&SVC, 10, &b64("v2tkb3VibGVWYWx1Zfk+AGpmbG9hdFZhbHVl+UegbGludGVnZXJWYWx1ZRg4aWxvbmdWYWx1ZRkBAGpzaG9ydFZhbHVlCv8=")).unwrap();
        assert_eq!(
            sorted(up),
            Value::Struct(vec![
                (3, Value::Float(1.5)),
                (4, Value::Float(7.625)),
                (5, Value::Int(56)),
                (6, Value::Int(256)),
                (7, Value::Int(10)),
            ])
        );
        // Half precision: subnormal, infinities, NaN.
        assert_eq!(decode(&[0xf9, 0x00, 0x50]).unwrap(), Cbor::Float(1.25 * 2f64.powi(-18)));
        assert_eq!(decode(&[0xf9, 0x7c, 0x00]).unwrap(), Cbor::Float(f64::INFINITY));
        assert_eq!(decode(&[0xf9, 0xfc, 0x00]).unwrap(), Cbor::Float(f64::NEG_INFINITY));
        assert_eq!(decode(&[0xf9, 0x7c, 0x01]).unwrap(), Cbor::Float(f64::NAN));
        // Out of range for the shape's kind.
        assert!(decode_struct(&SVC, 10, &to_vec(&Cbor::Map(vec![(Cbor::text("byteValue"), Cbor::Uint(300))]))).is_err());
        assert!(decode_struct(&SVC, 10, &to_vec(&Cbor::Map(vec![(Cbor::text("shortValue"), Cbor::int(-40000))]))).is_err());
        assert!(decode_struct(&SVC, 10, &to_vec(&Cbor::Map(vec![(Cbor::text("longValue"), Cbor::Uint(u64::MAX))]))).is_err());
        // Undefined decodes as null.
        assert_eq!(decode_struct(&SVC, 10, &[0xa1, 0x6b, b's', b't', b'r', b'i', b'n', b'g', b'V', b'a', b'l', b'u', b'e', 0xf7]).unwrap(), Value::empty_struct());
    }

    #[test]
    fn indefinite_strings() {
        let v = decode_struct(&SVC, 10, &b64("oWtzdHJpbmdWYWx1ZX94HUFuIGV4YW1wbGUgaW5kZWZpbml0ZSBzdHJpbmcscSBjaHVua2VkIG9uIGNvbW1h/w==")).unwrap();
        assert_eq!(v.field(8), Some(&Value::String("An example indefinite string, chunked on comma".into())));
        let v = decode_struct(&SVC, 10, &b64("oWlibG9iVmFsdWVfWCJBbiBleGFtcGxlIGluZGVmaW5pdGUtYnl0ZSBzdHJpbmcsUSBjaHVua2VkIG9uIGNvbW1h/w==")).unwrap();
        assert_eq!(v.field(9), Some(&Value::Blob("An example indefinite-byte string, chunked on comma".into())));
        let v = decode_struct(&SVC, 16, &b64("oWpzdHJpbmdMaXN0g394HUFuIGV4YW1wbGUgaW5kZWZpbml0ZSBzdHJpbmcsdyB3aGljaCB3aWxsIGJlIGNodW5rZWQsbiBvbiBlYWNoIGNvbW1h/394NUFub3RoZXIgZXhhbXBsZSBpbmRlZmluaXRlIHN0cmluZyB3aXRoIG9ubHkgb25lIGNodW5r/3ZUaGlzIGlzIGEgcGxhaW4gc3RyaW5n")).unwrap();
        let Some(Value::List(items)) = v.field(0) else { panic!("{v:?}") };
        assert_eq!(items.len(), 3);
        assert_eq!(items[2], Value::String("This is a plain string".into()));
        // A chunk of the wrong major type is malformed.
        assert!(decode(&[0x7f, 0x41, b'a', 0xff]).is_err());
    }

    #[test]
    fn timestamps_sparse_collections_and_unions() {
        let list = Cbor::Map(vec![(
            Cbor::text("timestampList"),
            Cbor::Array(vec![
                Cbor::Tag(1, Box::new(Cbor::Float(1398796238.0))),
                Cbor::Tag(1, Box::new(Cbor::Uint(1398796238))),
                Cbor::Tag(1, Box::new(Cbor::Float(946845296.123))),
            ]),
        )]);
        let v = decode_struct(&SVC, 16, &to_vec(&list)).unwrap();
        let Some(Value::List(ts)) = v.field(1) else { panic!() };
        assert_eq!(ts[0], Value::Timestamp(Timestamp::from_secs(1398796238)));
        assert_eq!(ts[1], ts[0]);
        assert_eq!(ts[2], Value::Timestamp(Timestamp { secs: 946845296, nanos: 123_000_000 }));
        // Encoding writes tag 1 + float, as the protocol tests do.
        assert_eq!(decode(&encode_struct(&SVC, 16, &v)).unwrap().get("timestampList"), Some(&Cbor::Array(vec![
            Cbor::Tag(1, Box::new(Cbor::Float(1398796238.0))),
            Cbor::Tag(1, Box::new(Cbor::Float(1398796238.0))),
            Cbor::Tag(1, Box::new(Cbor::Float(946845296.123))),
        ])));

        for body in ["v29zcGFyc2VTdHJpbmdNYXC/Y2Zvb/b//w==", "v3BzcGFyc2VTdHJpbmdMaXN0n/b//w=="] {
            let v = decode_struct(&SVC, 16, &b64(body)).unwrap();
            let expect = if body.starts_with("v29") {
                Value::Struct(vec![(2, Value::Map(vec![("foo".into(), Value::Null)]))])
            } else {
                Value::Struct(vec![(3, Value::List(vec![Value::Null]))])
            };
            assert_eq!(v, expect);
            assert_eq!(decode(&encode_struct(&SVC, 16, &v)).unwrap(), decode(&b64(body)).unwrap());
        }
        // A dense list drops nulls.
        let dense = Cbor::Map(vec![(Cbor::text("stringList"), Cbor::Array(vec![Cbor::Null, Cbor::text("a")]))]);
        assert_eq!(
            decode_struct(&SVC, 16, &to_vec(&dense)).unwrap(),
            Value::Struct(vec![(0, Value::List(vec![Value::String("a".into())]))])
        );

        let nested = "omhjb250ZW50c6FqdW5pb25WYWx1ZaFrc3RyaW5nVmFsdWVjZm9vam90aGVyVmFsdWVjYmFy";
        let v = decode_struct(&SVC, 15, &b64(nested)).unwrap();
        assert_eq!(
            v,
            Value::Struct(vec![
                (0, Value::Struct(vec![(1, Value::Struct(vec![(0, Value::String("foo".into()))]))])),
                (1, Value::String("bar".into())),
            ])
        );
        assert_eq!(decode(&encode_struct(&SVC, 15, &v)).unwrap(), decode(&b64(nested)).unwrap());
        // `__type` inside a union is ignored; two members set is an error.
        let typed = Cbor::Map(vec![(
            Cbor::text("contents"),
            Cbor::Map(vec![(Cbor::text("__type"), Cbor::text("x#Y")), (Cbor::text("stringValue"), Cbor::text("a"))]),
        )]);
        assert!(decode_struct(&SVC, 15, &to_vec(&typed)).is_ok());
        let two = Cbor::Map(vec![(
            Cbor::text("contents"),
            Cbor::Map(vec![
                (Cbor::text("stringValue"), Cbor::text("a")),
                (Cbor::text("unionValue"), Cbor::Map(vec![])),
            ]),
        )]);
        assert!(decode_struct(&SVC, 15, &to_vec(&two)).is_err());
    }

    static LIST_SHAPES: [Shape; 18] = [
        scalar("String", ShapeKind::String),
        scalar("Integer", ShapeKind::Integer),
        scalar("Boolean", ShapeKind::Boolean),
        scalar("Timestamp", ShapeKind::Timestamp),
        scalar("FooEnum", ShapeKind::Enum),
        scalar("IntegerEnum", ShapeKind::IntEnum),
        scalar("Blob", ShapeKind::Blob),
        Shape { name: "StringList", kind: ShapeKind::List, members: &[m("member", 0)], ..Shape::DEFAULT },
        Shape { name: "IntegerList", kind: ShapeKind::List, members: &[m("member", 1)], ..Shape::DEFAULT },
        Shape { name: "BooleanList", kind: ShapeKind::List, members: &[m("member", 2)], ..Shape::DEFAULT },
        Shape { name: "TimestampList", kind: ShapeKind::List, members: &[m("member", 3)], ..Shape::DEFAULT },
        Shape { name: "FooEnumList", kind: ShapeKind::List, members: &[m("member", 4)], ..Shape::DEFAULT },
        Shape { name: "IntegerEnumList", kind: ShapeKind::List, members: &[m("member", 5)], ..Shape::DEFAULT },
        Shape { name: "NestedStringList", kind: ShapeKind::List, members: &[m("member", 7)], ..Shape::DEFAULT },
        Shape { name: "StructureList", kind: ShapeKind::List, members: &[m("member", 15)], ..Shape::DEFAULT },
        Shape { name: "StructureListMember", members: &[m("a", 0), m("b", 0)], ..Shape::DEFAULT },
        Shape { name: "BlobList", kind: ShapeKind::List, members: &[m("member", 6)], ..Shape::DEFAULT },
        Shape { name: "RpcV2CborListInputOutput", members: &LIST_IO, ..Shape::DEFAULT },
    ];
    static LIST_IO: [Member; 10] = [
        m("stringList", 7),
        m("stringSet", 7),
        m("integerList", 8),
        m("booleanList", 9),
        m("timestampList", 10),
        m("enumList", 11),
        m("intEnumList", 12),
        m("nestedStringList", 13),
        m("structureList", 14),
        m("blobList", 16),
    ];

    /// The RpcV2CborLists protocol test: request (definite) and response
    /// (indefinite) bodies decode to the same value, which encodes back to the
    /// same CBOR items.
    #[test]
    fn rpcv2_cbor_lists_protocol_test() {
        let svc = ServiceSchema { shapes: &LIST_SHAPES, ..SVC };
        let io = 17;
        let request = "v2pzdHJpbmdMaXN0gmNmb29jYmFyaXN0cmluZ1NldIJjZm9vY2JhcmtpbnRlZ2VyTGlzdIIBAmtib29sZWFuTGlzdIL19G10aW1lc3RhbXBMaXN0gsH7QdTX+/OAAADB+0HU1/vzgAAAaGVudW1MaXN0gmNGb29hMGtpbnRFbnVtTGlzdIIBAnBuZXN0ZWRTdHJpbmdMaXN0goJjZm9vY2JhcoJjYmF6Y3F1eG1zdHJ1Y3R1cmVMaXN0gqJhYWExYWJhMqJhYWEzYWJhNGhibG9iTGlzdIJDZm9vQ2Jhcv8=";
        let response = "v2pzdHJpbmdMaXN0n2Nmb29jYmFy/2lzdHJpbmdTZXSfY2Zvb2NiYXL/a2ludGVnZXJMaXN0nwEC/2tib29sZWFuTGlzdJ/19P9tdGltZXN0YW1wTGlzdJ/B+0HU1/vzgAAAwftB1Nf784AAAP9oZW51bUxpc3SfY0Zvb2Ew/2tpbnRFbnVtTGlzdJ8BAv9wbmVzdGVkU3RyaW5nTGlzdJ+fY2Zvb2NiYXL/n2NiYXpjcXV4//9tc3RydWN0dXJlTGlzdJ+/YWFhMWFiYTL/v2FhYTNhYmE0//9oYmxvYkxpc3SfQ2Zvb0NiYXL//w==";
        let a = decode_struct(&svc, io, &b64(request)).unwrap();
        let b = decode_struct(&svc, io, &b64(response)).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.field(6), Some(&Value::List(vec![Value::Int(1), Value::Int(2)])));
        assert_eq!(a.field(5), Some(&Value::List(vec![Value::String("Foo".into()), Value::String("0".into())])));
        assert_eq!(a.field(9), Some(&Value::List(vec![Value::Blob("foo".into()), Value::Blob("bar".into())])));
        assert_eq!(decode(&encode_struct(&svc, io, &a)).unwrap(), decode(&b64(response)).unwrap());
    }

    #[test]
    fn big_numbers_and_documents() {
        for text in ["0", "12", "-1", "18446744073709551615", "-18446744073709551616", "123456789012345678901234567890", "-98765432109876543210987654321"] {
            let item = big_number_to_cbor(text).unwrap();
            assert_eq!(integer_text(&item).as_deref(), Some(text), "{item:?}");
        }
        assert_eq!(
            big_number_to_cbor("1.25").unwrap(),
            Cbor::Tag(4, Box::new(Cbor::Array(vec![Cbor::int(-2), Cbor::Uint(125)])))
        );
        for (text, back) in [("1.25", "1.25"), ("-0.005", "-0.005"), ("1.5E3", "1500"), ("12345678901234567890.5", "12345678901234567890.5")] {
            let Cbor::Tag(_, inner) = big_number_to_cbor(text).unwrap() else {
                assert_eq!(text, "1.5E3");
                continue;
            };
            assert_eq!(decimal_fraction_text(&inner).as_deref(), Some(back));
        }
        let body = Cbor::Map(vec![
            (Cbor::text("big"), Cbor::Tag(2, Box::new(Cbor::Bytes(vec![1, 0, 0, 0, 0, 0, 0, 0, 0])))),
            (Cbor::text("dec"), Cbor::Tag(4, Box::new(Cbor::Array(vec![Cbor::int(-1), Cbor::Uint(15)])))),
        ]);
        let v = decode_struct(&SVC, 22, &to_vec(&body)).unwrap();
        assert_eq!(
            v,
            Value::Struct(vec![
                (0, Value::BigNumber("18446744073709551616".into())),
                (1, Value::BigNumber("1.5".into())),
            ])
        );
        assert_eq!(decode(&encode_struct(&SVC, 22, &v)).unwrap(), body);
        let doc = Cbor::Map(vec![(Cbor::text("doc"), Cbor::Map(vec![]))]);
        assert!(decode_struct(&SVC, 22, &to_vec(&doc)).is_err());
    }

    #[test]
    fn encoding_uses_shortest_heads() {
        let cases: [(Cbor, &[u8]); 8] = [
            (Cbor::Uint(23), &[0x17]),
            (Cbor::Uint(24), &[0x18, 24]),
            (Cbor::Uint(256), &[0x19, 1, 0]),
            (Cbor::Uint(65536), &[0x1a, 0, 1, 0, 0]),
            (Cbor::Uint(1 << 32), &[0x1b, 0, 0, 0, 1, 0, 0, 0, 0]),
            (Cbor::int(-1), &[0x20]),
            (Cbor::int(-500), &[0x39, 0x01, 0xf3]),
            (Cbor::Float(1.1), &[0xfb, 0x3f, 0xf1, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a]),
        ];
        for (item, bytes) in cases {
            assert_eq!(to_vec(&item), bytes, "{item:?}");
            assert_eq!(decode(bytes).unwrap(), item);
        }
        assert_eq!(Cbor::int(i64::MIN).as_i64(), Some(i64::MIN));
        assert_eq!(to_vec(&Cbor::Float(f64::NAN)), [0xfa, 0x7f, 0xc0, 0, 0]);
    }

    #[test]
    fn hostile_input_is_an_error_not_a_panic() {
        let body = b64(SCALARS_BODY);
        for n in 0..body.len() {
            assert!(decode(&body[..n]).is_err(), "prefix {n}");
        }
        assert!(decode(&[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err()); // huge array
        assert!(decode(&[0xbb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err()); // huge map
        assert!(decode(&[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err()); // huge string
        assert!(decode(&[0x81; 1000]).is_err()); // deep nesting
        assert!(decode(&[0x9f; 1000]).is_err());
        assert!(decode(&[0xff]).is_err()); // stray break
        assert!(decode(&[0x1c]).is_err()); // reserved info
        assert!(decode(&[0x62, 0xff, 0xfe]).is_err()); // bad UTF-8
        assert!(decode(&[0x01, 0x02]).is_err()); // trailing bytes
        assert!(decode_struct(&SVC, 10, &[0x01]).is_err()); // not a map
        // Pseudo-random bytes: any result is fine as long as nothing panics.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let len = (seed % 24) as usize;
            let mut buf = Vec::with_capacity(len);
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                buf.push(seed as u8);
            }
            if let Ok(item) = decode(&buf) {
                let _ = decode(&to_vec(&item)).unwrap();
            }
            let _ = decode_struct(&SVC, 16, &buf);
        }
    }
}
