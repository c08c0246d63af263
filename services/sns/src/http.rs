//! A minimal HTTP/1.1 client for delivering to `http` and `https`
//! subscription endpoints: one POST per connection, answering the status
//! code. HTTPS endpoints must present a certificate a public CA signed, as
//! SNS requires; for local endpoints with their own CA, `SIMFRA_EXTRA_CA_FILE`
//! names a PEM file of further roots to trust.

use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// How long a delivery may take, as SNS allows an endpoint (15 s).
const TIMEOUT: Duration = Duration::from_secs(15);

pub async fn post(url: &str, headers: &[(&str, String)], body: &str) -> Result<u16, String> {
    match tokio::time::timeout(TIMEOUT, post_inner(url, headers, body)).await {
        Ok(r) => r,
        Err(_) => Err("timed out".into()),
    }
}

async fn post_inner(url: &str, headers: &[(&str, String)], body: &str) -> Result<u16, String> {
    let (tls, rest) = match (url.strip_prefix("http://"), url.strip_prefix("https://")) {
        (Some(r), _) => (false, r),
        (None, Some(r)) => (true, r),
        _ => return Err("not an http URL".into()),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => (h, p.parse::<u16>().map_err(|_| "bad port")?),
        _ => (authority, if tls { 443 } else { 80 }),
    };
    // `*.localhost` is loopback (RFC 6761) even where the resolver does not know it.
    let connect_host = if host == "localhost" || host.ends_with(".localhost") { "127.0.0.1" } else { host.trim_matches(|c| c == '[' || c == ']') };
    let tcp = tokio::net::TcpStream::connect((connect_host, port)).await.map_err(|e| e.to_string())?;
    if tls {
        let name = rustls::pki_types::ServerName::try_from(host.trim_matches(|c| c == '[' || c == ']').to_string()).map_err(|e| e.to_string())?;
        let config = tls_config().ok_or("TLS is unavailable")?;
        let stream = tokio_rustls::TlsConnector::from(config).connect(name, tcp).await.map_err(|e| format!("TLS: {e}"))?;
        exchange(stream, authority, path, headers, body).await
    } else {
        exchange(tcp, authority, path, headers, body).await
    }
}

/// The roots HTTPS deliveries trust: the public CAs, plus `SIMFRA_EXTRA_CA_FILE`'s.
fn tls_config() -> Option<Arc<rustls::ClientConfig>> {
    static CONFIG: OnceLock<Option<Arc<rustls::ClientConfig>>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let mut roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
            if let Some(path) = std::env::var_os("SIMFRA_EXTRA_CA_FILE") {
                if let Ok(pem) = std::fs::read(&path) {
                    for cert in rustls_pemfile::certs(&mut pem.as_slice()).flatten() {
                        let _ = roots.add(cert);
                    }
                }
            }
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .ok()
                .map(|b| Arc::new(b.with_root_certificates(roots).with_no_client_auth()))
        })
        .clone()
}

async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, authority: &str, path: &str, headers: &[(&str, String)], body: &str) -> Result<u16, String> {
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
