//! Plain HTTP messages as codecs see them: fully buffered, header names in
//! lower case, path and query still percent-encoded as the client sent them.

use bytes::Bytes;

#[derive(Debug, Clone, Default)]
pub struct HttpRequest {
    pub method: String,
    /// The raw path, percent-encoded, without the query string.
    pub path: String,
    /// The raw query string without the `?`, percent-encoded.
    pub query: String,
    /// Header (lower-case name, value) pairs in arrival order; repeated headers appear repeatedly.
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    /// A body still arriving, for operations with a `@streaming` payload
    /// (the gateway leaves large uploads unread; `body` is then empty).
    pub body_stream: Option<simfra_model::ByteStream>,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    /// Every value of a header, in order (a header sent twice gives two entries).
    pub fn header_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers.iter().filter(move |(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    /// Decoded query parameters in order. A key without `=` has an empty value
    /// and `has_value == false`.
    pub fn query_params(&self) -> Vec<QueryParam> {
        parse_query(&self.query)
    }
    pub fn content_type(&self) -> Option<&str> {
        self.header("content-type")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryParam {
    pub key: String,
    pub value: String,
    pub has_value: bool,
}

/// Splits and percent-decodes a query string or form body (`+` means space).
pub fn parse_query(q: &str) -> Vec<QueryParam> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => QueryParam { key: form_decode(k), value: form_decode(v), has_value: true },
            None => QueryParam { key: form_decode(p), value: String::new(), has_value: false },
        })
        .collect()
}

/// Percent-decodes form/query text, treating `+` as a space.
pub fn form_decode(s: &str) -> String {
    let replaced = s.replace('+', " ");
    percent_decode(&replaced)
}

/// Percent-decodes a path segment or header value (no `+` rule).
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Percent-encodes with the unreserved set of RFC 3986 (what SigV4 and REST labels use).
pub fn percent_encode(s: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(s, SET).to_string()
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    /// A body sent as it is read (object downloads); `body` is then empty.
    pub body_stream: Option<simfra_model::ByteStream>,
}

impl HttpResponse {
    pub fn new(status: u16) -> Self {
        HttpResponse { status, headers: Vec::new(), body: Bytes::new(), body_stream: None }
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        if let Some(slot) = self.headers.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
            slot.1 = value;
        } else {
            self.headers.push((name.to_string(), value));
        }
    }
}

/// True when the body uses `aws-chunked` framing (SDK streaming uploads).
pub fn is_aws_chunked(req: &HttpRequest) -> bool {
    req.header("content-encoding").map(|v| v.split(',').any(|e| e.trim() == "aws-chunked")).unwrap_or(false)
        || req.header("x-amz-content-sha256").map(|v| v.starts_with("STREAMING-")).unwrap_or(false)
}

/// What `aws-chunked` framing carries, in order: each chunk's start (with
/// its signature, when the body is streaming-signed), its data (in pieces as
/// they arrive) and end; after the zero-size chunk, the trailer headers.
#[derive(Debug, Clone, PartialEq)]
pub enum ChunkEvent {
    Start { size: usize, signature: Option<String> },
    Data(Bytes),
    End,
    /// Trailer headers (names lower-cased) without the signature line, that
    /// signature, and the headers in the form the trailer signature covers.
    Trailers { headers: Vec<(String, String)>, signature: Option<String>, canonical: String },
}

enum ChunkState {
    Header,
    Data(usize),
    DataEnd,
    Trailers,
    Done,
}

/// Decodes an `aws-chunked` body as it arrives:
/// `hex-size[;chunk-signature=…]\r\n data \r\n` repeated, a zero-size chunk,
/// then optional trailer headers (`x-amz-checksum-crc32:…`) and a blank line.
/// Chunk signatures are for the caller to check (see `ChunkEvent::Start`).
pub struct AwsChunkedDecoder {
    buf: bytes::BytesMut,
    state: ChunkState,
    trailers: Vec<(String, String)>,
    trailer_signature: Option<String>,
    canonical_trailer: String,
}

impl Default for AwsChunkedDecoder {
    fn default() -> Self {
        AwsChunkedDecoder {
            buf: bytes::BytesMut::new(),
            state: ChunkState::Header,
            trailers: Vec::new(),
            trailer_signature: None,
            canonical_trailer: String::new(),
        }
    }
}

/// Longest chunk header or trailer line accepted.
const MAX_CHUNK_LINE: usize = 8192;

impl AwsChunkedDecoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds the next bytes of the body; appends what they complete to `out`.
    pub fn push(&mut self, input: &[u8], out: &mut Vec<ChunkEvent>) -> Result<(), String> {
        self.buf.extend_from_slice(input);
        loop {
            match self.state {
                ChunkState::Header => {
                    let Some(line) = self.line()? else { return Ok(()) };
                    let header = std::str::from_utf8(&line).map_err(|_| "aws-chunked body: bad chunk header")?;
                    let (size_hex, ext) = header.split_once(';').unwrap_or((header, ""));
                    let size = usize::from_str_radix(size_hex.trim(), 16)
                        .map_err(|_| format!("aws-chunked body: bad chunk size '{}'", size_hex.trim()))?;
                    let signature = ext.trim().strip_prefix("chunk-signature=").map(|s| s.trim().to_string());
                    out.push(ChunkEvent::Start { size, signature });
                    if size == 0 {
                        out.push(ChunkEvent::End);
                        self.state = ChunkState::Trailers;
                    } else {
                        self.state = ChunkState::Data(size);
                    }
                }
                ChunkState::Data(left) => {
                    if self.buf.is_empty() {
                        return Ok(());
                    }
                    let n = left.min(self.buf.len());
                    out.push(ChunkEvent::Data(self.buf.split_to(n).freeze()));
                    self.state = if n == left { ChunkState::DataEnd } else { ChunkState::Data(left - n) };
                }
                ChunkState::DataEnd => {
                    if self.buf.len() < 2 {
                        return Ok(());
                    }
                    if &self.buf[..2] != b"\r\n" {
                        return Err("aws-chunked body: chunk not terminated by CRLF".into());
                    }
                    let _ = self.buf.split_to(2);
                    out.push(ChunkEvent::End);
                    self.state = ChunkState::Header;
                }
                ChunkState::Trailers => {
                    let Some(line) = self.line()? else { return Ok(()) };
                    if line.is_empty() {
                        self.close_trailers(out);
                    } else {
                        self.trailer_line(&line);
                    }
                }
                ChunkState::Done => {
                    self.buf.clear();
                    return Ok(());
                }
            }
        }
    }

    /// The body has ended: fails unless the framing was complete. A trailer
    /// section may end without its final blank line.
    pub fn finish(&mut self, out: &mut Vec<ChunkEvent>) -> Result<(), String> {
        match self.state {
            ChunkState::Done => Ok(()),
            ChunkState::Trailers => {
                let rest = std::mem::take(&mut self.buf);
                if !rest.is_empty() {
                    self.trailer_line(&rest);
                }
                self.close_trailers(out);
                Ok(())
            }
            ChunkState::Header if self.buf.is_empty() => Err("aws-chunked body: missing the final zero-size chunk".into()),
            _ => Err("aws-chunked body: truncated chunk".into()),
        }
    }

    fn line(&mut self) -> Result<Option<Vec<u8>>, String> {
        match self.buf.windows(2).position(|w| w == b"\r\n") {
            Some(end) => {
                let line = self.buf.split_to(end + 2);
                Ok(Some(line[..end].to_vec()))
            }
            None if self.buf.len() > MAX_CHUNK_LINE => Err("aws-chunked body: chunk header too long".into()),
            None => Ok(None),
        }
    }

    fn trailer_line(&mut self, line: &[u8]) {
        let l = String::from_utf8_lossy(line);
        let Some((k, v)) = l.split_once(':') else { return };
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_string());
        if k == "x-amz-trailer-signature" {
            self.trailer_signature = Some(v);
        } else {
            self.canonical_trailer.push_str(&format!("{k}:{v}\n"));
            self.trailers.push((k, v));
        }
    }

    fn close_trailers(&mut self, out: &mut Vec<ChunkEvent>) {
        out.push(ChunkEvent::Trailers {
            headers: std::mem::take(&mut self.trailers),
            signature: self.trailer_signature.take(),
            canonical: std::mem::take(&mut self.canonical_trailer),
        });
        self.state = ChunkState::Done;
    }
}

/// Decodes a whole buffered `aws-chunked` body (see `AwsChunkedDecoder`):
/// the payload and the trailers (names lower-cased).
pub fn decode_aws_chunked(body: &[u8]) -> Result<(Bytes, Vec<(String, String)>), String> {
    let mut decoder = AwsChunkedDecoder::new();
    let mut events = Vec::new();
    decoder.push(body, &mut events)?;
    decoder.finish(&mut events)?;
    let mut out = bytes::BytesMut::with_capacity(body.len());
    let mut trailers = Vec::new();
    for e in events {
        match e {
            ChunkEvent::Data(d) => out.extend_from_slice(&d),
            ChunkEvent::Trailers { headers, .. } => trailers = headers,
            _ => {}
        }
    }
    Ok((out.freeze(), trailers))
}

/// Largest body a gzip request may inflate to.
const MAX_INFLATED: u64 = 256 << 20;

/// Requests compressed by the SDK (`@requestCompression`, `Content-Encoding: gzip`)
/// are inflated before decoding; the `gzip` token is removed from the header so
/// that a member bound to `Content-Encoding` sees what the caller set.
pub fn gunzip_if_encoded(req: &HttpRequest) -> Result<Option<HttpRequest>, simfra_model::ServiceError> {
    let Some(enc) = req.header("content-encoding") else { return Ok(None) };
    if !enc.split(',').any(|e| e.trim().eq_ignore_ascii_case("gzip")) || req.body.is_empty() {
        return Ok(None);
    }
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&req.body[..])
        .take(MAX_INFLATED)
        .read_to_end(&mut out)
        .map_err(|e| simfra_model::ServiceError::serialization(format!("Content-Encoding gzip, but the body is not gzip: {e}")))?;
    let mut r = req.clone();
    r.body = Bytes::from(out);
    let rest: Vec<&str> = enc.split(',').map(str::trim).filter(|e| !e.eq_ignore_ascii_case("gzip")).collect();
    r.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-encoding"));
    if !rest.is_empty() {
        r.headers.push(("content-encoding".into(), rest.join(", ")));
    }
    Ok(Some(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_aws_chunked_with_trailer() {
        let body = b"5;chunk-signature=abc\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
        let (data, trailers) = decode_aws_chunked(body).unwrap();
        assert_eq!(&data[..], b"hello world");
        assert_eq!(trailers, vec![("x-amz-checksum-crc32".to_string(), "DUoRhQ==".to_string())]);
        assert!(decode_aws_chunked(b"5\r\nhel").is_err());
        assert!(decode_aws_chunked(b"zz\r\n").is_err());
        // Fed one byte at a time, the same payload and trailers come out.
        let mut d = AwsChunkedDecoder::new();
        let mut events = Vec::new();
        for b in body.iter() {
            d.push(std::slice::from_ref(b), &mut events).unwrap();
        }
        d.finish(&mut events).unwrap();
        let data: Vec<u8> = events.iter().filter_map(|e| if let ChunkEvent::Data(d) = e { Some(d.to_vec()) } else { None }).flatten().collect();
        assert_eq!(data, b"hello world");
        assert!(matches!(events.last(), Some(ChunkEvent::Trailers { headers, .. }) if headers.len() == 1));
    }
}
