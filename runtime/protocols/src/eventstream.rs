//! The `application/vnd.amazon.eventstream` binary framing, and the mapping
//! of Smithy event stream unions onto it.
//!
//! A message is:
//!
//! ```text
//! total length u32 | headers length u32 | prelude CRC32 u32 | headers | payload | message CRC32 u32
//! ```
//!
//! all big-endian; the prelude CRC covers the first 8 bytes and the message CRC
//! everything before it. A header is `name length u8 | name | type u8 | value`.

use bytes::Bytes;
use simfra_model::{member_flags, ServiceError, ServiceSchema, Shape, ShapeId, ShapeKind, Timestamp, Value};

/// The largest message accepted or produced (AWS services use 16 MiB).
pub const MAX_MESSAGE_LEN: usize = 16 * 1024 * 1024;
/// The largest headers section (128 KiB).
pub const MAX_HEADERS_LEN: usize = 128 * 1024;
/// Prelude (12 bytes) plus the trailing CRC.
const OVERHEAD: usize = 16;

/// A typed header value; the wire type code is in the comment of each variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderValue {
    /// 0 (true) / 1 (false): the value is the type code, no bytes follow.
    Bool(bool),
    /// 2
    Byte(i8),
    /// 3
    Short(i16),
    /// 4
    Int(i32),
    /// 5
    Long(i64),
    /// 6: u16 length, bytes
    Bytes(Bytes),
    /// 7: u16 length, UTF-8
    String(String),
    /// 8: milliseconds since the epoch, i64
    Timestamp(i64),
    /// 9: 16 bytes
    Uuid([u8; 16]),
}

impl HeaderValue {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            HeaderValue::String(s) => Some(s),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    pub headers: Vec<(String, HeaderValue)>,
    pub payload: Bytes,
}

impl Message {
    pub fn header(&self, name: &str) -> Option<&HeaderValue> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
    /// The value of a string header.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header(name).and_then(HeaderValue::as_str)
    }
    pub fn with_header(mut self, name: &str, value: HeaderValue) -> Self {
        self.headers.push((name.to_string(), value));
        self
    }
}

// ---------------------------------------------------------------- framing

fn write_header(out: &mut Vec<u8>, name: &str, value: &HeaderValue) {
    // Lengths that do not fit their fields are truncated rather than panicking;
    // the names and values written here are protocol constants or model data.
    let name = &name.as_bytes()[..name.len().min(u8::MAX as usize)];
    out.push(name.len() as u8);
    out.extend_from_slice(name);
    let var = |out: &mut Vec<u8>, code: u8, b: &[u8]| {
        let b = &b[..b.len().min(u16::MAX as usize)];
        out.push(code);
        out.extend_from_slice(&(b.len() as u16).to_be_bytes());
        out.extend_from_slice(b);
    };
    match value {
        HeaderValue::Bool(true) => out.push(0),
        HeaderValue::Bool(false) => out.push(1),
        HeaderValue::Byte(v) => out.extend_from_slice(&[2, *v as u8]),
        HeaderValue::Short(v) => {
            out.push(3);
            out.extend_from_slice(&v.to_be_bytes());
        }
        HeaderValue::Int(v) => {
            out.push(4);
            out.extend_from_slice(&v.to_be_bytes());
        }
        HeaderValue::Long(v) => {
            out.push(5);
            out.extend_from_slice(&v.to_be_bytes());
        }
        HeaderValue::Bytes(b) => var(out, 6, b),
        HeaderValue::String(s) => var(out, 7, s.as_bytes()),
        HeaderValue::Timestamp(ms) => {
            out.push(8);
            out.extend_from_slice(&ms.to_be_bytes());
        }
        HeaderValue::Uuid(u) => {
            out.push(9);
            out.extend_from_slice(u);
        }
    }
}

/// Frames a message.
pub fn encode(msg: &Message) -> Vec<u8> {
    let mut headers = Vec::new();
    for (name, value) in &msg.headers {
        write_header(&mut headers, name, value);
    }
    let total = OVERHEAD + headers.len() + msg.payload.len();
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&(total as u32).to_be_bytes());
    out.extend_from_slice(&(headers.len() as u32).to_be_bytes());
    let prelude_crc = crc32fast::hash(&out);
    out.extend_from_slice(&prelude_crc.to_be_bytes());
    out.extend_from_slice(&headers);
    out.extend_from_slice(&msg.payload);
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_be_bytes());
    out
}

fn be_u32(b: &[u8]) -> u32 {
    u32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// Reads one message from the front of `buf`: `Ok(None)` when more bytes are
/// needed, else the message and the bytes it took. The prelude is checked as
/// soon as it is complete, so a corrupt length is reported instead of waited on.
pub fn decode(buf: &[u8]) -> Result<Option<(Message, usize)>, String> {
    if buf.len() < 12 {
        return Ok(None);
    }
    let total = be_u32(&buf[0..4]) as usize;
    let headers_len = be_u32(&buf[4..8]) as usize;
    if crc32fast::hash(&buf[0..8]) != be_u32(&buf[8..12]) {
        return Err("event stream prelude checksum mismatch".into());
    }
    if !(OVERHEAD..=MAX_MESSAGE_LEN).contains(&total) {
        return Err(format!("event stream message length {total} out of range"));
    }
    if headers_len > MAX_HEADERS_LEN || headers_len > total - OVERHEAD {
        return Err(format!("event stream headers length {headers_len} out of range"));
    }
    if buf.len() < total {
        return Ok(None);
    }
    if crc32fast::hash(&buf[..total - 4]) != be_u32(&buf[total - 4..total]) {
        return Err("event stream message checksum mismatch".into());
    }
    let headers = parse_headers(&buf[12..12 + headers_len])?;
    let payload = Bytes::copy_from_slice(&buf[12 + headers_len..total - 4]);
    Ok(Some((Message { headers, payload }, total)))
}

fn parse_headers(mut b: &[u8]) -> Result<Vec<(String, HeaderValue)>, String> {
    fn take<'a>(b: &mut &'a [u8], n: usize) -> Result<&'a [u8], String> {
        if b.len() < n {
            return Err("truncated event stream header".into());
        }
        let (head, rest) = b.split_at(n);
        *b = rest;
        Ok(head)
    }
    fn fixed<const N: usize>(b: &mut &[u8]) -> Result<[u8; N], String> {
        let mut a = [0u8; N];
        a.copy_from_slice(take(b, N)?);
        Ok(a)
    }
    let mut headers = Vec::new();
    while !b.is_empty() {
        let name_len = take(&mut b, 1)?[0] as usize;
        if name_len == 0 {
            return Err("empty event stream header name".into());
        }
        let name = std::str::from_utf8(take(&mut b, name_len)?).map_err(|_| "event stream header name is not UTF-8")?;
        let value = match take(&mut b, 1)?[0] {
            0 => HeaderValue::Bool(true),
            1 => HeaderValue::Bool(false),
            2 => HeaderValue::Byte(take(&mut b, 1)?[0] as i8),
            3 => HeaderValue::Short(i16::from_be_bytes(fixed(&mut b)?)),
            4 => HeaderValue::Int(i32::from_be_bytes(fixed(&mut b)?)),
            5 => HeaderValue::Long(i64::from_be_bytes(fixed(&mut b)?)),
            t @ (6 | 7) => {
                let len = u16::from_be_bytes(fixed(&mut b)?) as usize;
                let raw = take(&mut b, len)?;
                if t == 6 {
                    HeaderValue::Bytes(Bytes::copy_from_slice(raw))
                } else {
                    HeaderValue::String(
                        std::str::from_utf8(raw).map_err(|_| "event stream string header is not UTF-8")?.to_string(),
                    )
                }
            }
            8 => HeaderValue::Timestamp(i64::from_be_bytes(fixed(&mut b)?)),
            9 => HeaderValue::Uuid(fixed(&mut b)?),
            t => return Err(format!("unknown event stream header type {t}")),
        };
        headers.push((name.to_string(), value));
    }
    Ok(headers)
}

/// SigV4-signed event streams wrap each message in an envelope carrying
/// `:date` and `:chunk-signature` headers whose payload is the framed inner
/// message. Returns the inner message, `None` for the empty end-of-stream
/// envelope, and unsigned messages unchanged.
pub fn unwrap_signed(msg: Message) -> Result<Option<Message>, String> {
    if msg.header(":chunk-signature").is_none() {
        return Ok(Some(msg));
    }
    if msg.payload.is_empty() {
        return Ok(None);
    }
    match decode(&msg.payload)? {
        Some((inner, used)) if used == msg.payload.len() => Ok(Some(inner)),
        _ => Err("signed event stream envelope does not hold exactly one message".into()),
    }
}

// ---------------------------------------------------------------- Smithy events

fn string_header(s: &str) -> HeaderValue {
    HeaderValue::String(s.to_string())
}

/// An unmodeled error (`:message-type: error`), which ends a stream.
pub fn error_message(code: &str, message: &str) -> Message {
    Message::default()
        .with_header(":message-type", string_header("error"))
        .with_header(":error-code", string_header(code))
        .with_header(":error-message", string_header(message))
}

/// An `@eventHeader` member value as its typed header.
fn header_value(shape: &Shape, v: &Value) -> Option<HeaderValue> {
    Some(match (shape.kind, v) {
        (_, Value::Bool(b)) => HeaderValue::Bool(*b),
        (ShapeKind::Byte, Value::Int(i)) => HeaderValue::Byte(*i as i8),
        (ShapeKind::Short, Value::Int(i)) => HeaderValue::Short(*i as i16),
        (ShapeKind::Integer | ShapeKind::IntEnum, Value::Int(i)) => HeaderValue::Int(*i as i32),
        (_, Value::Int(i)) => HeaderValue::Long(*i),
        (_, Value::Blob(b)) => HeaderValue::Bytes(b.clone()),
        (_, Value::String(s) | Value::BigNumber(s)) => HeaderValue::String(s.clone()),
        (_, Value::Timestamp(t)) => HeaderValue::Timestamp(t.as_millis()),
        _ => return None,
    })
}

/// A typed header as the value of a member of kind `shape.kind`.
fn header_to_value(shape: &Shape, h: &HeaderValue) -> Option<Value> {
    Some(match (shape.kind, h) {
        (ShapeKind::Boolean, HeaderValue::Bool(b)) => Value::Bool(*b),
        (k, HeaderValue::Byte(i)) if k.is_integer() => Value::Int(*i as i64),
        (k, HeaderValue::Short(i)) if k.is_integer() => Value::Int(*i as i64),
        (k, HeaderValue::Int(i)) if k.is_integer() => Value::Int(*i as i64),
        (k, HeaderValue::Long(i)) if k.is_integer() => Value::Int(*i),
        (ShapeKind::Blob, HeaderValue::Bytes(b)) => Value::Blob(b.clone()),
        (ShapeKind::Blob, HeaderValue::String(s)) => Value::Blob(Bytes::copy_from_slice(s.as_bytes())),
        (ShapeKind::String | ShapeKind::Enum, HeaderValue::String(s)) => Value::String(s.clone()),
        (ShapeKind::BigInteger | ShapeKind::BigDecimal, HeaderValue::String(s)) => Value::BigNumber(s.clone()),
        (ShapeKind::Timestamp, HeaderValue::Timestamp(ms)) => Value::Timestamp(Timestamp::from_millis(*ms)),
        _ => return None,
    })
}

/// Serializes a structure (or union) value of a shape in the protocol's
/// document format, naming the content type it wrote.
pub type PayloadWriter<'a> = dyn Fn(ShapeId, &Value) -> (Vec<u8>, &'static str) + 'a;
/// Parses a structure (or union) of a shape from the protocol's document format.
pub type PayloadReader<'a> = dyn Fn(ShapeId, &[u8]) -> Result<Value, ServiceError> + 'a;

/// The member a struct value binds to the payload, and whether the struct has
/// body members at all (members that are neither headers nor the payload).
fn layout(shape: &Shape) -> (Option<usize>, bool) {
    let payload = shape.members.iter().position(|m| m.has(member_flags::EVENT_PAYLOAD));
    let body = shape.members.iter().any(|m| !m.has(member_flags::EVENT_HEADER) && !m.has(member_flags::EVENT_PAYLOAD));
    (payload, body)
}

/// Encodes one event of the event stream union `union_shape` (`value` is the
/// union value, one member set). `payload` serializes a structure in the
/// protocol's document format and names its content type.
pub fn encode_event(
    svc: &ServiceSchema,
    union_shape: ShapeId,
    value: &Value,
    payload: &PayloadWriter,
) -> Message {
    let union = svc.shape(union_shape);
    let Some((member, event)) = (match value {
        Value::Struct(fields) => fields.first().and_then(|(i, v)| Some((union.members.get(*i as usize)?, v))),
        _ => None,
    }) else {
        return error_message("InternalFailure", "The event to send is not a member of the event stream union");
    };
    let target = svc.shape(member.target);

    if target.is_error() {
        let (body, content_type) = payload(member.target, event);
        return Message { headers: Vec::new(), payload: body.into() }
            .with_header(":message-type", string_header("exception"))
            .with_header(":exception-type", string_header(member.name))
            .with_header(":content-type", string_header(content_type));
    }

    let mut msg = Message::default()
        .with_header(":message-type", string_header("event"))
        .with_header(":event-type", string_header(member.name));
    let Value::Struct(fields) = event else {
        // Event members target structures; anything else is written whole.
        let (body, content_type) = payload(member.target, event);
        msg.payload = body.into();
        return msg.with_header(":content-type", string_header(content_type));
    };

    let (payload_idx, has_body) = layout(target);
    let mut content_type = None;
    for (idx, v) in fields {
        let Some(m) = target.members.get(*idx as usize) else { continue };
        if m.has(member_flags::EVENT_HEADER) {
            if let Some(h) = header_value(svc.shape(m.target), v) {
                msg.headers.push((m.name.to_string(), h));
            }
        }
    }
    if let Some(pidx) = payload_idx {
        let m = &target.members[pidx];
        let pshape = svc.shape(m.target);
        match (pshape.kind, event.field(pidx)) {
            (_, None | Some(Value::Null)) => {}
            (ShapeKind::Blob, Some(Value::Blob(b))) => {
                msg.payload = b.clone();
                content_type = Some(pshape.media_type.unwrap_or("application/octet-stream"));
            }
            (ShapeKind::String | ShapeKind::Enum, Some(Value::String(s))) => {
                msg.payload = Bytes::copy_from_slice(s.as_bytes());
                content_type = Some(pshape.media_type.unwrap_or("text/plain"));
            }
            (_, Some(v)) => {
                let (body, ct) = payload(m.target, v);
                msg.payload = body.into();
                content_type = Some(ct);
            }
        }
    } else if has_body {
        let body_fields: Vec<(u16, Value)> = fields
            .iter()
            .filter(|(i, _)| target.members.get(*i as usize).is_some_and(|m| !m.has(member_flags::EVENT_HEADER)))
            .cloned()
            .collect();
        let (body, ct) = payload(member.target, &Value::Struct(body_fields));
        msg.payload = body.into();
        content_type = Some(ct);
    }
    if let Some(ct) = content_type {
        msg.headers.push((":content-type".to_string(), string_header(ct)));
    }
    msg
}

/// Decodes one message of the event stream union `union_shape` into a union
/// value (one member set; modeled exceptions decode to their error member).
/// `Ok(None)` for an event type the union does not have, which readers skip;
/// an unmodeled `error` message becomes the `Err`. `payload` parses a
/// structure from the protocol's document format.
pub fn decode_event(
    svc: &ServiceSchema,
    union_shape: ShapeId,
    msg: &Message,
    payload: &PayloadReader,
) -> Result<Option<Value>, ServiceError> {
    let union = svc.shape(union_shape);
    let type_header = match msg.header_str(":message-type") {
        Some("event") => ":event-type",
        Some("exception") => ":exception-type",
        Some("error") => {
            let code = msg.header_str(":error-code").unwrap_or("InternalFailure");
            let message = msg.header_str(":error-message").unwrap_or("");
            return Err(ServiceError::new(code, 400, message));
        }
        other => {
            return Err(ServiceError::serialization(format!(
                "Unsupported event stream message type {}",
                other.unwrap_or("(missing)")
            )))
        }
    };
    let name = msg
        .header_str(type_header)
        .ok_or_else(|| ServiceError::serialization(format!("Event stream message without {type_header}")))?;
    let Some(idx) = union.member_index(name) else { return Ok(None) };
    let member = &union.members[idx];
    let target = svc.shape(member.target);

    let event = if target.kind != ShapeKind::Structure || target.is_error() {
        payload(member.target, &msg.payload)?
    } else {
        let (payload_idx, has_body) = layout(target);
        let mut fields: Vec<(u16, Value)> = Vec::new();
        if let Some(pidx) = payload_idx {
            let m = &target.members[pidx];
            let pshape = svc.shape(m.target);
            let v = match pshape.kind {
                ShapeKind::Blob => Some(Value::Blob(msg.payload.clone())),
                ShapeKind::String | ShapeKind::Enum => Some(Value::String(
                    String::from_utf8(msg.payload.to_vec())
                        .map_err(|_| ServiceError::serialization(format!("Event payload {} is not UTF-8", m.name)))?,
                )),
                _ if msg.payload.is_empty() => None,
                _ => Some(payload(m.target, &msg.payload)?),
            };
            if let Some(v) = v {
                fields.push((pidx as u16, v));
            }
        } else if has_body && !msg.payload.is_empty() {
            if let Value::Struct(body) = payload(member.target, &msg.payload)? {
                // Header members come from headers only.
                fields.extend(
                    body.into_iter()
                        .filter(|(i, _)| target.members.get(*i as usize).is_some_and(|m| !m.has(member_flags::EVENT_HEADER))),
                );
            }
        }
        for (i, m) in target.members.iter().enumerate() {
            if !m.has(member_flags::EVENT_HEADER) {
                continue;
            }
            if let Some(h) = msg.header(m.name) {
                let v = header_to_value(svc.shape(m.target), h).ok_or_else(|| {
                    ServiceError::serialization(format!("Event header {} has the wrong type", m.name))
                })?;
                fields.push((i as u16, v));
            }
        }
        Value::Struct(fields)
    };
    Ok(Some(Value::Struct(vec![(idx as u16, event)])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cbor;
    use simfra_model::{shape_flags, Member, Protocol};

    /// The empty message: 16 bytes, both CRCs known.
    const EMPTY: [u8; 16] = [0, 0, 0, 0x10, 0, 0, 0, 0, 0x05, 0xc2, 0x48, 0xeb, 0x7d, 0x98, 0xc8, 0xff];

    /// One string header and a payload (prelude CRC 0x07fd8396, message CRC 0x8d9c08b1).
    fn one_header_vector() -> Vec<u8> {
        let mut v = vec![0, 0, 0, 0x3d, 0, 0, 0, 0x20, 0x07, 0xfd, 0x83, 0x96, 0x0c];
        v.extend_from_slice(b"content-type");
        v.extend_from_slice(&[7, 0, 16]);
        v.extend_from_slice(b"application/json");
        v.extend_from_slice(b"{'foo':'bar'}");
        v.extend_from_slice(&[0x8d, 0x9c, 0x08, 0xb1]);
        v
    }

    #[test]
    fn known_vectors() {
        assert_eq!(encode(&Message::default()), EMPTY);
        assert_eq!(decode(&EMPTY).unwrap(), Some((Message::default(), 16)));
        let msg = Message {
            headers: vec![("content-type".into(), HeaderValue::String("application/json".into()))],
            payload: Bytes::from_static(b"{'foo':'bar'}"),
        };
        let vector = one_header_vector();
        assert_eq!(encode(&msg), vector);
        assert_eq!(decode(&vector).unwrap(), Some((msg, vector.len())));
    }

    #[test]
    fn every_header_type_round_trips() {
        let msg = Message {
            headers: vec![
                ("t".into(), HeaderValue::Bool(true)),
                ("f".into(), HeaderValue::Bool(false)),
                ("byte".into(), HeaderValue::Byte(-3)),
                ("short".into(), HeaderValue::Short(-300)),
                ("int".into(), HeaderValue::Int(70_000)),
                ("long".into(), HeaderValue::Long(-5_000_000_000)),
                ("bytes".into(), HeaderValue::Bytes(Bytes::from_static(&[0, 1, 2, 255]))),
                ("string".into(), HeaderValue::String("héllo".into())),
                ("ts".into(), HeaderValue::Timestamp(1_398_796_238_123)),
                ("uuid".into(), HeaderValue::Uuid(*b"0123456789abcdef")),
            ],
            payload: Bytes::from_static(b"payload"),
        };
        let bytes = encode(&msg);
        // Both checksums as computed independently over the frame.
        assert_eq!(u32::from_be_bytes(bytes[8..12].try_into().unwrap()), crc32fast::hash(&bytes[..8]));
        let n = bytes.len();
        assert_eq!(u32::from_be_bytes(bytes[n - 4..].try_into().unwrap()), crc32fast::hash(&bytes[..n - 4]));
        assert_eq!(u32::from_be_bytes(bytes[0..4].try_into().unwrap()) as usize, n);
        assert_eq!(decode(&bytes).unwrap(), Some((msg, n)));
    }

    #[test]
    fn incremental_and_concatenated_input() {
        let vector = one_header_vector();
        for n in 0..vector.len() {
            assert_eq!(decode(&vector[..n]).unwrap(), None, "prefix {n}");
        }
        let mut two = vector.clone();
        two.extend_from_slice(&EMPTY);
        let (first, used) = decode(&two).unwrap().unwrap();
        assert_eq!(used, vector.len());
        assert_eq!(first.header_str("content-type"), Some("application/json"));
        assert_eq!(decode(&two[used..]).unwrap(), Some((Message::default(), 16)));
    }

    /// Frames arbitrary header bytes with valid checksums.
    fn frame(headers: &[u8], payload: &[u8]) -> Vec<u8> {
        let total = 16 + headers.len() + payload.len();
        let mut out = Vec::new();
        out.extend_from_slice(&(total as u32).to_be_bytes());
        out.extend_from_slice(&(headers.len() as u32).to_be_bytes());
        let c = crc32fast::hash(&out);
        out.extend_from_slice(&c.to_be_bytes());
        out.extend_from_slice(headers);
        out.extend_from_slice(payload);
        let c = crc32fast::hash(&out);
        out.extend_from_slice(&c.to_be_bytes());
        out
    }

    #[test]
    fn corrupt_frames_are_errors() {
        let mut bad_prelude = one_header_vector();
        bad_prelude[9] ^= 1;
        assert!(decode(&bad_prelude).is_err());
        assert!(decode(&bad_prelude[..12]).is_err(), "reported before the rest arrives");
        let mut bad_body = one_header_vector();
        bad_body[20] ^= 1;
        assert!(decode(&bad_body).is_err());
        // Lengths out of range, with a valid prelude checksum.
        for (total, hlen) in [(15u32, 0u32), (u32::MAX, 0), (64, 60), (1 << 20, 200_000)] {
            let mut p = Vec::new();
            p.extend_from_slice(&total.to_be_bytes());
            p.extend_from_slice(&hlen.to_be_bytes());
            let c = crc32fast::hash(&p);
            p.extend_from_slice(&c.to_be_bytes());
            assert!(decode(&p).is_err(), "{total} {hlen}");
        }
        // Malformed headers inside valid frames.
        for headers in [&[3u8, b'a', b'b'][..], &[0, 0], &[1, b'a', 10], &[1, b'a', 7, 0, 9, b'x'], &[1, b'a', 4, 0], &[1, b'a', 7, 0, 1, 0xff]] {
            assert!(decode(&frame(headers, b"")).is_err(), "{headers:?}");
        }
    }

    #[test]
    fn signed_envelopes() {
        let inner = Message::default().with_header(":event-type", HeaderValue::String("A".into()));
        let outer = Message {
            headers: vec![
                (":date".into(), HeaderValue::Timestamp(0)),
                (":chunk-signature".into(), HeaderValue::Bytes(Bytes::from_static(&[1; 32]))),
            ],
            payload: encode(&inner).into(),
        };
        assert_eq!(unwrap_signed(outer.clone()).unwrap(), Some(inner.clone()));
        let end = Message { payload: Bytes::new(), ..outer };
        assert_eq!(unwrap_signed(end).unwrap(), None);
        assert_eq!(unwrap_signed(inner.clone()).unwrap(), Some(inner));
    }

    const fn m(name: &'static str, target: ShapeId, flags: u16) -> Member {
        Member { name, target, flags, ..Member::DEFAULT }
    }
    const H: u16 = member_flags::EVENT_HEADER;
    const P: u16 = member_flags::EVENT_PAYLOAD;

    static SHAPES: [Shape; 12] = [
        Shape { name: "String", kind: ShapeKind::String, ..Shape::DEFAULT },
        Shape { name: "Blob", kind: ShapeKind::Blob, ..Shape::DEFAULT },
        Shape { name: "Integer", kind: ShapeKind::Integer, ..Shape::DEFAULT },
        Shape { name: "Boolean", kind: ShapeKind::Boolean, ..Shape::DEFAULT },
        Shape { name: "Timestamp", kind: ShapeKind::Timestamp, ..Shape::DEFAULT },
        Shape { name: "Long", kind: ShapeKind::Long, ..Shape::DEFAULT },
        Shape {
            name: "EventStream",
            kind: ShapeKind::Union,
            flags: shape_flags::STREAMING,
            members: &[m("Headers", 7, 0), m("BlobPayload", 8, 0), m("Body", 9, 0), m("Oops", 10, 0), m("Text", 11, 0)],
            ..Shape::DEFAULT
        },
        Shape {
            name: "HeadersEvent",
            members: &[m("s", 0, H), m("i", 2, H), m("b", 3, H), m("t", 4, H), m("l", 5, H), m("bl", 1, H)],
            ..Shape::DEFAULT
        },
        Shape { name: "BlobPayloadEvent", members: &[m("h", 0, H), m("data", 1, P)], ..Shape::DEFAULT },
        Shape { name: "BodyEvent", members: &[m("h", 0, H), m("a", 0, 0), m("n", 2, 0)], ..Shape::DEFAULT },
        Shape { name: "Oops", flags: shape_flags::ERROR_CLIENT, members: &[m("message", 0, 0)], ..Shape::DEFAULT },
        Shape { name: "TextEvent", members: &[m("text", 0, P)], ..Shape::DEFAULT },
    ];

    static SVC: ServiceSchema = ServiceSchema {
        name: "test",
        namespace: "test.ns",
        shape_name: "Test",
        sdk_id: "test",
        version: "1",
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

    fn enc(shape: ShapeId, v: &Value) -> (Vec<u8>, &'static str) {
        (cbor::encode_struct(&SVC, shape, v), "application/cbor")
    }
    fn dec(shape: ShapeId, b: &[u8]) -> Result<Value, ServiceError> {
        cbor::decode_struct(&SVC, shape, b)
    }

    fn round_trip(v: &Value) -> Message {
        let msg = encode_event(&SVC, 6, v, &enc);
        // Through the framing too.
        let (framed, _) = decode(&encode(&msg)).unwrap().unwrap();
        assert_eq!(framed, msg);
        let back = decode_event(&SVC, 6, &framed, &dec).unwrap().unwrap();
        let sort = |v: &Value| match v {
            Value::Struct(f) => {
                let mut f = f.clone();
                if let Some((_, Value::Struct(inner))) = f.first_mut() {
                    inner.sort_by_key(|(i, _)| *i);
                }
                Value::Struct(f)
            }
            o => o.clone(),
        };
        assert_eq!(sort(&back), sort(v));
        msg
    }

    #[test]
    fn header_members_become_typed_headers() {
        let v = Value::Struct(vec![(
            0,
            Value::Struct(vec![
                (0, Value::String("str".into())),
                (1, Value::Int(42)),
                (2, Value::Bool(false)),
                (3, Value::Timestamp(Timestamp::from_millis(1_500))),
                (4, Value::Int(1 << 40)),
                (5, Value::Blob(Bytes::from_static(b"\x00\x01"))),
            ]),
        )]);
        let msg = round_trip(&v);
        assert_eq!(msg.header_str(":message-type"), Some("event"));
        assert_eq!(msg.header_str(":event-type"), Some("Headers"));
        assert_eq!(msg.header("i"), Some(&HeaderValue::Int(42)));
        assert_eq!(msg.header("b"), Some(&HeaderValue::Bool(false)));
        assert_eq!(msg.header("t"), Some(&HeaderValue::Timestamp(1_500)));
        assert_eq!(msg.header("l"), Some(&HeaderValue::Long(1 << 40)));
        assert!(msg.payload.is_empty());
        assert_eq!(msg.header(":content-type"), None);
    }

    #[test]
    fn payload_members_and_bodies() {
        let blob = Value::Struct(vec![(
            1,
            Value::Struct(vec![(0, Value::String("x".into())), (1, Value::Blob(Bytes::from_static(b"raw")))]),
        )]);
        let msg = round_trip(&blob);
        assert_eq!(&msg.payload[..], b"raw");
        assert_eq!(msg.header_str(":content-type"), Some("application/octet-stream"));
        assert_eq!(msg.header_str("h"), Some("x"));

        let text = Value::Struct(vec![(4, Value::Struct(vec![(0, Value::String("hello".into()))]))]);
        let msg = round_trip(&text);
        assert_eq!(msg.header_str(":content-type"), Some("text/plain"));
        assert_eq!(&msg.payload[..], b"hello");

        let body = Value::Struct(vec![(
            2,
            Value::Struct(vec![(0, Value::String("hdr".into())), (1, Value::String("a".into())), (2, Value::Int(7))]),
        )]);
        let msg = round_trip(&body);
        assert_eq!(msg.header_str(":content-type"), Some("application/cbor"));
        // The header member is not repeated in the body.
        let doc = cbor::decode(&msg.payload).unwrap();
        assert_eq!(doc.get("h"), None);
        assert_eq!(doc.get("n"), Some(&cbor::Cbor::Uint(7)));
    }

    #[test]
    fn exceptions_errors_and_unknown_events() {
        let oops = Value::Struct(vec![(3, Value::Struct(vec![(0, Value::String("bad".into()))]))]);
        let msg = round_trip(&oops);
        assert_eq!(msg.header_str(":message-type"), Some("exception"));
        assert_eq!(msg.header_str(":exception-type"), Some("Oops"));
        assert_eq!(msg.header(":event-type"), None);

        let err = decode_event(&SVC, 6, &error_message("Throttled", "slow down"), &dec).unwrap_err();
        assert_eq!((err.code.as_str(), err.message.as_deref()), ("Throttled", Some("slow down")));

        let unknown = Message::default()
            .with_header(":message-type", HeaderValue::String("event".into()))
            .with_header(":event-type", HeaderValue::String("Future".into()));
        assert_eq!(decode_event(&SVC, 6, &unknown, &dec).unwrap(), None);
        assert!(decode_event(&SVC, 6, &Message::default(), &dec).is_err());

        // A header of the wrong type for its member.
        let wrong = Message::default()
            .with_header(":message-type", HeaderValue::String("event".into()))
            .with_header(":event-type", HeaderValue::String("Headers".into()))
            .with_header("i", HeaderValue::String("nope".into()));
        assert!(decode_event(&SVC, 6, &wrong, &dec).is_err());

        // Not a union member: an error message rather than a panic.
        let msg = encode_event(&SVC, 6, &Value::Null, &enc);
        assert_eq!(msg.header_str(":message-type"), Some("error"));
    }
}
