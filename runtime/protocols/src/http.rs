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
}

impl HttpResponse {
    pub fn new(status: u16) -> Self {
        HttpResponse { status, headers: Vec::new(), body: Bytes::new() }
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

/// Decodes an `aws-chunked` body: `hex-size[;chunk-signature=…]\r\n data \r\n`
/// repeated, a zero-size chunk, then optional trailer headers
/// (`x-amz-checksum-crc32:…`) and a blank line. Returns the payload and the
/// trailers (names lower-cased). Chunk signatures are checked by the SigV4 layer.
pub fn decode_aws_chunked(body: &[u8]) -> Result<(Bytes, Vec<(String, String)>), String> {
    fn line(body: &[u8], pos: usize) -> Option<(&[u8], usize)> {
        let rest = body.get(pos..)?;
        let end = rest.windows(2).position(|w| w == b"\r\n")?;
        Some((&rest[..end], pos + end + 2))
    }
    let mut out = Vec::with_capacity(body.len());
    let mut pos = 0;
    loop {
        let (header, next) = line(body, pos).ok_or("aws-chunked body: missing chunk header")?;
        let header = std::str::from_utf8(header).map_err(|_| "aws-chunked body: bad chunk header")?;
        let size_hex = header.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16).map_err(|_| format!("aws-chunked body: bad chunk size '{size_hex}'"))?;
        pos = next;
        if size == 0 {
            break;
        }
        let data = body.get(pos..pos + size).ok_or("aws-chunked body: truncated chunk")?;
        out.extend_from_slice(data);
        pos += size;
        if body.get(pos..pos + 2) != Some(b"\r\n") {
            return Err("aws-chunked body: chunk not terminated by CRLF".into());
        }
        pos += 2;
    }
    let mut trailers = Vec::new();
    while let Some((l, next)) = line(body, pos) {
        pos = next;
        if l.is_empty() {
            break;
        }
        let l = String::from_utf8_lossy(l);
        if let Some((k, v)) = l.split_once(':') {
            trailers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    Ok((Bytes::from(out), trailers))
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
    }
}
