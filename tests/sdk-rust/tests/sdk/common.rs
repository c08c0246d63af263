//! What every test needs: a Simfra server of its own (started from the built
//! binary on a free port, stopped when the guard drops), SDK clients pointed at
//! it, and a bare HTTP/1.1 client for requests no SDK would send (presigned
//! URLs fetched by hand, hand-framed chunked uploads).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region, SharedHttpClient};

pub const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
pub const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
pub const ACCOUNT: &str = "000000000000";
pub const REGION: &str = "us-east-1";

const HEALTH_TIMEOUT: Duration = Duration::from_secs(30);

/// A running server; killed (and its log removed unless the test failed) on drop.
pub struct Server {
    child: Child,
    pub endpoint: String,
    pub addr: String,
    log: PathBuf,
}

fn server_binary() -> PathBuf {
    match std::env::var_os("SIMFRA_BIN") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/debug/simfra")),
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("binding a free loopback port");
    listener.local_addr().expect("local address of the probe socket").port()
}

impl Server {
    pub fn start() -> Server {
        let binary = server_binary();
        assert!(
            binary.is_file(),
            "no Simfra server binary at {}: run `cargo build -p simfra` first or set SIMFRA_BIN",
            binary.display()
        );
        let port = free_port();
        let log = std::env::temp_dir().join(format!("simfra-sdk-rust-{}-{port}.log", std::process::id()));
        let log_file = std::fs::File::create(&log).expect("creating the server log file");
        let mut cmd = Command::new(&binary);
        // Another SIMFRA_* setting (relaxed auth, an admin token, other root keys)
        // would change what these tests expect.
        for (k, _) in std::env::vars_os() {
            if k.to_string_lossy().starts_with("SIMFRA_") {
                cmd.env_remove(&k);
            }
        }
        cmd.env("SIMFRA_PORT", port.to_string())
            .env("SIMFRA_BIND", "127.0.0.1")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("cloning the log file handle"))
            .stderr(log_file);
        let child = cmd.spawn().unwrap_or_else(|e| panic!("starting {}: {e}", binary.display()));
        let addr = format!("127.0.0.1:{port}");
        let mut server = Server { child, endpoint: format!("http://{addr}"), addr, log };
        server.wait_healthy();
        server
    }

    fn wait_healthy(&mut self) {
        let deadline = Instant::now() + HEALTH_TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("the server exited during start-up ({status}); log:\n{}", self.log_text());
            }
            if let Ok(resp) = http_request("GET", &format!("{}/_simfra/health", self.endpoint), &[], b"") {
                if resp.status == 200 {
                    return;
                }
            }
            if Instant::now() > deadline {
                panic!("the server did not answer /_simfra/health with 200 within {HEALTH_TIMEOUT:?}; log:\n{}", self.log_text());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("server log kept at {}", self.log.display());
        } else {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}

/// The SDK's hyper 1.x client without TLS (the endpoint is plain HTTP).
pub fn http_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new().build_http()
}

pub fn credentials(access_key: &str, secret_key: &str) -> Credentials {
    Credentials::new(access_key, secret_key, None, None, "simfra-sdk-rust-tests")
}

pub fn sts_client(server: &Server, access_key: &str, secret_key: &str) -> aws_sdk_sts::Client {
    let conf = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(&server.endpoint)
        .credentials_provider(credentials(access_key, secret_key))
        .http_client(http_client())
        .build();
    aws_sdk_sts::Client::from_conf(conf)
}

pub fn s3_client(server: &Server) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(&server.endpoint)
        .force_path_style(true)
        .credentials_provider(credentials(ACCESS_KEY, SECRET_KEY))
        .http_client(http_client())
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

/// Deterministic, incompressible-looking test data (xorshift64).
pub fn test_data(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// A file under the system temp dir, removed on drop.
pub struct TempFile(pub PathBuf);

impl TempFile {
    pub fn with_contents(name: &str, data: &[u8]) -> TempFile {
        let path = std::env::temp_dir().join(format!("simfra-sdk-rust-{}-{name}", std::process::id()));
        std::fs::write(&path, data).expect("writing the temp file");
        TempFile(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

pub fn crc32_b64(data: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(crc32fast::hash(data).to_be_bytes())
}

pub fn sha256_b64(data: &[u8]) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(data))
}

// ------------------------------------------------------------ bare HTTP/1.1

#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends one request over a fresh connection (`Connection: close`) and reads the
/// whole answer. `url` is `http://host:port/path?query`, sent exactly as given.
pub fn http_request(method: &str, url: &str, headers: &[(String, String)], body: &[u8]) -> std::io::Result<RawResponse> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("not a plain-HTTP URL: {url}")))?;
    let (authority, target) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let mut stream = TcpStream::connect(authority)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut head = format!("{method} {target} HTTP/1.1\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("host: {authority}\r\n"));
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() && !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-length")) {
        head.push_str(&format!("content-length: {}\r\n", body.len()));
    }
    head.push_str("connection: close\r\n\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_response(&raw).ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "malformed HTTP response"))
}

fn parse_response(raw: &[u8]) -> Option<RawResponse> {
    let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[head_end + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        body = decode_chunked(&body)?;
    }
    Some(RawResponse { status, headers, body })
}

fn decode_chunked(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_field = std::str::from_utf8(&rest[..line_end]).ok()?;
        let size = usize::from_str_radix(size_field.split(';').next()?.trim(), 16).ok()?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(rest.get(..size)?);
        rest = rest.get(size + 2..)?;
    }
}
