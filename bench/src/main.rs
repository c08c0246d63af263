//! `simfra-bench`: signs requests like an SDK, runs named scenarios with N
//! concurrent keep-alive clients for a fixed time, and reports requests per
//! second and latency percentiles for Simfra and, in the same run, for a bare
//! hyper server answering each scenario with a response of the same status
//! and size. Machines here are noisy, so every figure is a median of several
//! rounds with its min–max spread, and throughput is also given as a ratio to
//! the baseline. Process figures (startup, RSS) are measured on a Simfra
//! process the harness starts itself.
//!
//! simfra-bench [--bin target/release/simfra | --endpoint http://host:port]
//!              [--seconds 3] [--rounds 3] [--clients 1,8] [--scenario NAME]... [--out target/bench]

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use serde_json::json;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";

/// One kind of request, sent over and over.
#[derive(Clone)]
struct Scenario {
    name: &'static str,
    /// The signing name; `None` sends the request unsigned.
    service: Option<&'static str>,
    method: &'static str,
    path: &'static str,
    query: Vec<(String, String)>,
    headers: Vec<(&'static str, &'static str)>,
    body: &'static str,
}

fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario { name: "health", service: None, method: "GET", path: "/_simfra/health", query: vec![], headers: vec![], body: "" },
        Scenario {
            name: "sts-get-caller-identity",
            service: Some("sts"),
            method: "POST",
            path: "/",
            query: vec![],
            headers: vec![("content-type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: "Action=GetCallerIdentity&Version=2011-06-15",
        },
        Scenario {
            name: "json-dynamodb-list-tables",
            service: Some("dynamodb"),
            method: "POST",
            path: "/",
            query: vec![],
            headers: vec![("content-type", "application/x-amz-json-1.0"), ("x-amz-target", "DynamoDB_20120810.ListTables")],
            body: "{}",
        },
        Scenario {
            name: "query-sns-list-topics",
            service: Some("sns"),
            method: "POST",
            path: "/",
            query: vec![],
            headers: vec![("content-type", "application/x-www-form-urlencoded; charset=utf-8")],
            body: "Action=ListTopics&Version=2010-03-31",
        },
        Scenario { name: "restxml-s3-list-buckets", service: Some("s3"), method: "GET", path: "/", query: vec![], headers: vec![], body: "" },
    ]
}

fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Builds the request for `s`, signed with SigV4 as an SDK would sign it.
fn build_request(s: &Scenario, host: &str) -> hyper::Request<Full<Bytes>> {
    let query = simfra_sigv4::canonical_query(&s.query);
    let uri = if query.is_empty() { s.path.to_string() } else { format!("{}?{query}", s.path) };
    let mut headers: Vec<(String, String)> = vec![("host".into(), host.into())];
    headers.extend(s.headers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    if let Some(service) = s.service {
        let signer = simfra_sigv4::Signer {
            access_key_id: ACCESS_KEY,
            secret_access_key: SECRET_KEY,
            session_token: None,
            region: REGION,
            service,
        };
        let added = signer.sign(s.method, s.path, &s.query, &headers, s.body.as_bytes(), &simfra_sigv4::amz_date(unix_now()));
        headers.extend(added);
    }
    let mut b = hyper::Request::builder().method(s.method).uri(uri);
    for (k, v) in &headers {
        b = b.header(k, v);
    }
    b.header("x-bench-scenario", s.name).body(Full::new(Bytes::from_static(s.body.as_bytes()))).expect("valid request")
}

#[derive(Default, Clone)]
struct Stats {
    requests: u64,
    errors: u64,
    first_error: Option<String>,
    latencies_us: Vec<u32>,
    elapsed: Duration,
}

impl Stats {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
    fn percentile(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        self.latencies_us[i] as f64 / 1000.0
    }
}

/// `clients` keep-alive connections each sending `s` back to back for `duration`.
async fn run_load(addr: SocketAddr, host: &str, s: &Scenario, clients: usize, duration: Duration, expect_status: u16) -> Stats {
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (s, host, stop) = (s.clone(), host.to_string(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let mut st = Stats::default();
            let stream = match TcpStream::connect(addr).await {
                Ok(x) => x,
                Err(e) => {
                    st.errors += 1;
                    st.first_error = Some(format!("connect: {e}"));
                    return st;
                }
            };
            let _ = stream.set_nodelay(true);
            let (mut sender, conn) = match hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await {
                Ok(x) => x,
                Err(e) => {
                    st.errors += 1;
                    st.first_error = Some(format!("handshake: {e}"));
                    return st;
                }
            };
            tokio::spawn(conn);
            while !stop.load(Ordering::Relaxed) {
                let req = build_request(&s, &host);
                let t = Instant::now();
                let result = async {
                    let resp = sender.send_request(req).await.map_err(|e| e.to_string())?;
                    let status = resp.status().as_u16();
                    resp.into_body().collect().await.map_err(|e| e.to_string())?;
                    Ok::<u16, String>(status)
                }
                .await;
                st.latencies_us.push(t.elapsed().as_micros().min(u32::MAX as u128) as u32);
                match result {
                    Ok(status) if status == expect_status => st.requests += 1,
                    Ok(status) => {
                        st.errors += 1;
                        st.first_error.get_or_insert(format!("HTTP {status}"));
                    }
                    Err(e) => {
                        st.errors += 1;
                        st.first_error.get_or_insert(e);
                        break;
                    }
                }
            }
            st
        }));
    }
    tokio::time::sleep(duration).await;
    stop.store(true, Ordering::Relaxed);
    let mut total = Stats::default();
    for t in tasks {
        if let Ok(st) = t.await {
            total.requests += st.requests;
            total.errors += st.errors;
            if total.first_error.is_none() {
                total.first_error = st.first_error;
            }
            total.latencies_us.extend(st.latencies_us);
        }
    }
    total.elapsed = start.elapsed();
    total.latencies_us.sort_unstable();
    total
}

/// One request, for capturing a scenario's answer and for readiness checks.
async fn once(addr: SocketAddr, host: &str, s: &Scenario) -> Result<(u16, Vec<(String, String)>, Bytes), String> {
    let stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.map_err(|e| e.to_string())?;
    tokio::spawn(conn);
    let resp = sender.send_request(build_request(s, host)).await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let body = resp.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
    Ok((status, headers, body))
}

/// The baseline: a bare hyper server answering each scenario (by the
/// `x-bench-scenario` header) with the status, headers and body Simfra gave it.
async fn start_baseline(answers: Arc<HashMap<String, (u16, Vec<(String, String)>, Bytes)>>) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind baseline");
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let _ = stream.set_nodelay(true);
            let answers = answers.clone();
            tokio::spawn(async move {
                let svc = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                    let answers = answers.clone();
                    async move {
                        let name = req.headers().get("x-bench-scenario").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                        let _ = req.into_body().collect().await;
                        let mut resp = hyper::Response::new(Full::new(Bytes::new()));
                        if let Some((status, headers, body)) = answers.get(&name) {
                            *resp.status_mut() = hyper::StatusCode::from_u16(*status).unwrap();
                            for (k, v) in headers {
                                if k != "content-length" && k != "date" {
                                    if let (Ok(k), Ok(v)) = (hyper::header::HeaderName::try_from(k.as_str()), hyper::header::HeaderValue::try_from(v.as_str())) {
                                        resp.headers_mut().append(k, v);
                                    }
                                }
                            }
                            *resp.body_mut() = Full::new(body.clone());
                        }
                        Ok::<_, std::convert::Infallible>(resp)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(hyper_util::rt::TokioIo::new(stream), svc).await;
            });
        }
    });
    addr
}

fn rss_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok())
}

struct Process {
    child: tokio::process::Child,
    addr: SocketAddr,
    to_health_ms: f64,
    to_first_call_ms: f64,
    idle_rss_kib: u64,
}

async fn start_simfra(bin: &str) -> Result<Process, String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?.local_addr().unwrap().port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let host = format!("localhost:{port}");
    let started = Instant::now();
    let child = tokio::process::Command::new(bin)
        .env("SIMFRA_PORT", port.to_string())
        .env("SIMFRA_BIND", "127.0.0.1")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| format!("{bin}: {e}"))?;
    let health = &scenarios()[0];
    let sts = &scenarios()[1];
    let deadline = started + Duration::from_secs(30);
    let mut to_health = None;
    let mut to_call = None;
    while Instant::now() < deadline && to_call.is_none() {
        if to_health.is_none() {
            if let Ok((200, _, _)) = once(addr, &host, health).await {
                to_health = Some(started.elapsed());
            }
        }
        if to_health.is_some() {
            if let Ok((200, _, _)) = once(addr, &host, sts).await {
                to_call = Some(started.elapsed());
            }
        }
        if to_call.is_none() {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    let (Some(h), Some(c)) = (to_health, to_call) else { return Err("simfra did not become ready in 30 s".into()) };
    tokio::time::sleep(Duration::from_secs(1)).await;
    let pid = child.id().ok_or("no pid")?;
    Ok(Process {
        child,
        addr,
        to_health_ms: h.as_secs_f64() * 1000.0,
        to_first_call_ms: c.as_secs_f64() * 1000.0,
        idle_rss_kib: rss_kib(pid, "VmRSS:").unwrap_or(0),
    })
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    if v.is_empty() {
        0.0
    } else {
        v[v.len() / 2]
    }
}

struct Args {
    bin: String,
    endpoint: Option<String>,
    seconds: f64,
    rounds: usize,
    clients: Vec<usize>,
    only: Vec<String>,
    out: String,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        bin: "target/release/simfra".into(),
        endpoint: None,
        seconds: 3.0,
        rounds: 3,
        clients: vec![1, 8],
        only: vec![],
        out: "target/bench".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--bin" => a.bin = val()?,
            "--endpoint" => a.endpoint = Some(val()?),
            "--seconds" => a.seconds = val()?.parse().map_err(|_| "--seconds takes a number")?,
            "--rounds" => a.rounds = val()?.parse().map_err(|_| "--rounds takes a number")?,
            "--clients" => a.clients = val()?.split(',').map(|c| c.parse().map_err(|_| "--clients takes numbers")).collect::<Result<_, _>>()?,
            "--scenario" => a.only.push(val()?),
            "--out" => a.out = val()?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(a)
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("simfra-bench: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let mut process = None;
    let (addr, host): (SocketAddr, String) = match &args.endpoint {
        Some(ep) => {
            let hostport = ep.trim_start_matches("http://").trim_end_matches('/').to_string();
            let addr = tokio::net::lookup_host(&hostport).await.ok().and_then(|mut a| a.next());
            match addr {
                Some(a) => (a, hostport),
                None => {
                    eprintln!("simfra-bench: cannot resolve {ep}");
                    return std::process::ExitCode::FAILURE;
                }
            }
        }
        None => match start_simfra(&args.bin).await {
            Ok(p) => {
                let a = p.addr;
                process = Some(p);
                (a, format!("localhost:{}", a.port()))
            }
            Err(e) => {
                eprintln!("simfra-bench: {e}");
                return std::process::ExitCode::FAILURE;
            }
        },
    };
    let pid = process.as_ref().and_then(|p| p.child.id());
    let chosen: Vec<Scenario> = scenarios().into_iter().filter(|s| args.only.is_empty() || args.only.iter().any(|o| o == s.name)).collect();

    // Capture each scenario's answer: the baseline replays it, and the load
    // run treats any other status as an error.
    let mut answers = HashMap::new();
    for s in &chosen {
        match once(addr, &host, s).await {
            Ok(a) => {
                if a.0 >= 400 {
                    eprintln!("simfra-bench: scenario {} answers HTTP {}: {}", s.name, a.0, String::from_utf8_lossy(&a.2));
                    return std::process::ExitCode::FAILURE;
                }
                answers.insert(s.name.to_string(), a);
            }
            Err(e) => {
                eprintln!("simfra-bench: scenario {}: {e}", s.name);
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    let answers = Arc::new(answers);
    let baseline = start_baseline(answers.clone()).await;
    let duration = Duration::from_secs_f64(args.seconds);

    let mut rows = Vec::new();
    let mut failed = false;
    for s in &chosen {
        let status = answers[s.name].0;
        for &clients in &args.clients {
            let (mut rps, mut base_rps, mut p50, mut p90, mut p99, mut max, mut ratio) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
            let mut peak_rss = 0u64;
            for _ in 0..args.rounds {
                let sampler_stop = Arc::new(AtomicBool::new(false));
                let sampler = pid.map(|pid| {
                    let stop = sampler_stop.clone();
                    tokio::spawn(async move {
                        let mut peak = 0;
                        while !stop.load(Ordering::Relaxed) {
                            peak = peak.max(rss_kib(pid, "VmRSS:").unwrap_or(0));
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                        peak
                    })
                });
                let st = run_load(addr, &host, s, clients, duration, status).await;
                sampler_stop.store(true, Ordering::Relaxed);
                if let Some(h) = sampler {
                    peak_rss = peak_rss.max(h.await.unwrap_or(0));
                }
                let base = run_load(baseline, &host, s, clients, duration, status).await;
                if st.errors > 0 || base.errors > 0 {
                    eprintln!(
                        "simfra-bench: {} x{clients}: {} errors ({}), baseline {} errors",
                        s.name,
                        st.errors,
                        st.first_error.clone().unwrap_or_default(),
                        base.errors
                    );
                    failed = true;
                }
                rps.push(st.rps());
                base_rps.push(base.rps());
                ratio.push(st.rps() / base.rps().max(1e-9));
                p50.push(st.percentile(0.50));
                p90.push(st.percentile(0.90));
                p99.push(st.percentile(0.99));
                max.push(st.latencies_us.last().copied().unwrap_or(0) as f64 / 1000.0);
            }
            let spread = |v: &[f64]| (v.iter().cloned().fold(f64::INFINITY, f64::min), v.iter().cloned().fold(0.0, f64::max));
            let (rmin, rmax) = spread(&rps);
            rows.push(json!({
                "scenario": s.name,
                "clients": clients,
                "rps": median(&mut rps.clone()),
                "rps_min": rmin,
                "rps_max": rmax,
                "baseline_rps": median(&mut base_rps.clone()),
                "ratio_to_baseline": median(&mut ratio.clone()),
                "p50_ms": median(&mut p50),
                "p90_ms": median(&mut p90),
                "p99_ms": median(&mut p99),
                "max_ms": median(&mut max),
                "peak_rss_mib": peak_rss as f64 / 1024.0,
            }));
        }
    }

    let machine = format!(
        "{} cores, {}",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|c| c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string()))
            .unwrap_or_default()
    );
    let startup = process.as_ref().map(|p| {
        json!({
            "to_health_ms": p.to_health_ms,
            "to_first_api_call_ms": p.to_first_call_ms,
            "idle_rss_mib": p.idle_rss_kib as f64 / 1024.0,
        })
    });
    let report = json!({
        "target": args.endpoint.clone().unwrap_or_else(|| args.bin.clone()),
        "machine": machine,
        "seconds_per_run": args.seconds,
        "rounds": args.rounds,
        "startup": startup,
        "scenarios": rows,
    });

    let mut md = String::new();
    md.push_str(&format!("# Simfra benchmark\n\nTarget: `{}`. Machine: {machine}. Each figure is the median of {} rounds of {} s; ratio = Simfra req/s ÷ bare hyper req/s in the same round.\n\n", report["target"].as_str().unwrap_or(""), args.rounds, args.seconds));
    if let Some(st) = &report["startup"].as_object() {
        md.push_str(&format!(
            "Startup: first `/_simfra/health` after {:.0} ms, first API call after {:.0} ms; idle RSS {:.1} MiB.\n\n",
            st["to_health_ms"].as_f64().unwrap_or(0.0),
            st["to_first_api_call_ms"].as_f64().unwrap_or(0.0),
            st["idle_rss_mib"].as_f64().unwrap_or(0.0)
        ));
    }
    md.push_str("| scenario | clients | req/s (min–max) | p50 ms | p99 ms | ratio to baseline | peak RSS MiB |\n|---|---:|---:|---:|---:|---:|---:|\n");
    for r in report["scenarios"].as_array().unwrap() {
        md.push_str(&format!(
            "| {} | {} | {:.0} ({:.0}–{:.0}) | {:.2} | {:.2} | {:.2} | {:.1} |\n",
            r["scenario"].as_str().unwrap(),
            r["clients"],
            r["rps"].as_f64().unwrap(),
            r["rps_min"].as_f64().unwrap(),
            r["rps_max"].as_f64().unwrap(),
            r["p50_ms"].as_f64().unwrap(),
            r["p99_ms"].as_f64().unwrap(),
            r["ratio_to_baseline"].as_f64().unwrap(),
            r["peak_rss_mib"].as_f64().unwrap(),
        ));
    }
    print!("{md}");
    let _ = std::fs::create_dir_all(&args.out);
    let _ = std::fs::write(format!("{}/report.md", args.out), &md);
    let _ = std::fs::write(format!("{}/report.json", args.out), serde_json::to_string_pretty(&report).unwrap());
    if let Some(mut p) = process {
        let _ = p.child.kill().await;
    }
    if failed {
        eprintln!("simfra-bench: some scenarios had errors");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
