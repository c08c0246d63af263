//! A minimal HTTP/1.1 client for delivering to `http` subscription
//! endpoints: one POST per connection, answering the status code.
//! `https` endpoints need TLS, which this client does not speak: such
//! deliveries fail (and follow the retry policy, then the DLQ).

use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How long a delivery may take, as SNS allows an endpoint (15 s).
const TIMEOUT: Duration = Duration::from_secs(15);

pub async fn post(url: &str, headers: &[(&str, String)], body: &str) -> Result<u16, String> {
    match tokio::time::timeout(TIMEOUT, post_inner(url, headers, body)).await {
        Ok(r) => r,
        Err(_) => Err("timed out".into()),
    }
}

async fn post_inner(url: &str, headers: &[(&str, String)], body: &str) -> Result<u16, String> {
    let rest = match url.strip_prefix("http://") {
        Some(r) => r,
        None if url.starts_with("https://") => return Err("HTTPS endpoints are not supported locally (no TLS client)".into()),
        None => return Err("not an http URL".into()),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => (h, p.parse::<u16>().map_err(|_| "bad port")?),
        _ => (authority, 80),
    };
    // `*.localhost` is loopback (RFC 6761) even where the resolver does not know it.
    let connect_host = if host == "localhost" || host.ends_with(".localhost") { "127.0.0.1" } else { host.trim_matches(|c| c == '[' || c == ']') };
    let mut stream = tokio::net::TcpStream::connect((connect_host, port)).await.map_err(|e| e.to_string())?;
    let mut request = format!("POST {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Length: {}\r\nConnection: close\r\n", body.len());
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.map_err(|e| e.to_string())?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    // The status line is all we need.
    while !buf.windows(2).any(|w| w == b"\r\n") {
        let n = stream.read(&mut chunk).await.map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > 8192 {
            break;
        }
    }
    let line = String::from_utf8_lossy(&buf);
    let status = line.split_whitespace().nth(1).and_then(|s| s.parse::<u16>().ok()).ok_or("no HTTP status line")?;
    Ok(status)
}
