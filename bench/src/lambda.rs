//! Lambda: cold start and warm invoke latency of a Python 3.11 function
//! running in Docker (the image named by `SIMFRA_LAMBDA_IMAGE_PYTHON3_11`
//! in the server's environment, else AWS's public base image).
//!
//! Cold start: each round changes the function's configuration (so no warm
//! environment fits it) and times the first Invoke, as a client sees it —
//! container start, runtime start and the invocation. Warm: one client
//! invokes the same function back to back.

use crate::{connect, send, Scenario, Sender};
use bytes::Bytes;
use serde_json::json;
use std::io::Write;
use std::time::{Duration, Instant};

const COLD_ROUNDS: usize = 5;

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

fn call(name: &'static str, service: &'static str, method: &'static str, path: String, content_type: &'static str, body: String) -> Scenario {
    Scenario { path: leak(path), body: Bytes::from(body), ..crate::plain(name, Some(service), method, vec![("content-type", content_type)], "") }
}

/// A setup call on a connection of its own.
async fn ok(addr: std::net::SocketAddr, host: &str, s: &Scenario) -> Result<Bytes, String> {
    let mut sender: Sender = connect(addr).await?;
    let (status, body) = send(&mut sender, s, host).await.map_err(|e| format!("{}: {e}", s.name))?;
    if !(200..300).contains(&status) {
        return Err(format!("{} answered HTTP {status}: {}", s.name, String::from_utf8_lossy(&body)));
    }
    Ok(body)
}

fn package() -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        let _ = z.start_file("app.py", options);
        let _ = z.write_all(b"def handler(event, context):\n    return event\n");
        let _ = z.finish();
    }
    buf.into_inner()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// Runs the Lambda scenario; `Ok(None)` when the server cannot run functions (no Docker, no image).
pub async fn run(addr: std::net::SocketAddr, host: &str, warm_seconds: f64) -> Result<Option<serde_json::Value>, String> {
    use base64::Engine as _;
    let run = crate::unix_now();
    let role = format!("bench-lambda-role-{run}");
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}).to_string();
    let form = format!("Action=CreateRole&Version=2010-05-08&RoleName={role}&AssumeRolePolicyDocument={}", simfra_sigv4::uri_encode(&trust, false));
    ok(addr, host, &call("lambda-setup-role", "iam", "POST", "/".into(), "application/x-www-form-urlencoded; charset=utf-8", form)).await?;
    let name = format!("bench-fn-{run}");
    let create = json!({
        "FunctionName": name,
        "Runtime": "python3.11",
        "Role": format!("arn:aws:iam::000000000000:role/{role}"),
        "Handler": "app.handler",
        "Code": {"ZipFile": base64::engine::general_purpose::STANDARD.encode(package())},
    });
    ok(addr, host, &call("lambda-setup-function", "lambda", "POST", "/2015-03-31/functions".into(), "application/json", create.to_string())).await?;
    let invoke = call("lambda-invoke", "lambda", "POST", format!("/2015-03-31/functions/{name}/invocations"), "application/json", "{\"n\":1}".into());
    let mut sender = connect(addr).await?;
    let mut cold = Vec::new();
    for round in 0..COLD_ROUNDS {
        let update = json!({"Environment": {"Variables": {"ROUND": round.to_string()}}});
        ok(addr, host, &call("lambda-update", "lambda", "PUT", format!("/2015-03-31/functions/{name}/configuration"), "application/json", update.to_string())).await?;
        sender.ready().await.map_err(|e| format!("cold invoke: {e}"))?;
        let t = Instant::now();
        match send(&mut sender, &invoke, host).await {
            Ok((200, _)) => cold.push(t.elapsed().as_secs_f64() * 1000.0),
            Ok((status, body)) => {
                let text = String::from_utf8_lossy(&body).into_owned();
                if round == 0 && (status == 502 || status == 500) {
                    return Ok(Some(json!({"skipped": text})));
                }
                return Err(format!("cold invoke answered HTTP {status}: {text}"));
            }
            Err(e) => return Err(format!("cold invoke: {e}")),
        }
    }
    let mut warm = Vec::new();
    let deadline = Instant::now() + Duration::from_secs_f64(warm_seconds.max(1.0));
    while Instant::now() < deadline {
        sender.ready().await.map_err(|e| format!("warm invoke: {e}"))?;
        let t = Instant::now();
        let (status, body) = send(&mut sender, &invoke, host).await.map_err(|e| format!("warm invoke after {}: {e}", warm.len()))?;
        if status != 200 {
            return Err(format!("warm invoke answered HTTP {status}: {}", String::from_utf8_lossy(&body)));
        }
        warm.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    cold.sort_by(|a, b| a.total_cmp(b));
    warm.sort_by(|a, b| a.total_cmp(b));
    Ok(Some(json!({
        "runtime": "python3.11",
        "cold_rounds": cold.len(),
        "cold_start_ms_median": percentile(&cold, 0.5),
        "cold_start_ms_min": cold.first().copied().unwrap_or(0.0),
        "cold_start_ms_max": cold.last().copied().unwrap_or(0.0),
        "warm_invocations": warm.len(),
        "warm_p50_ms": percentile(&warm, 0.5),
        "warm_p99_ms": percentile(&warm, 0.99),
    })))
}

/// The report's Lambda paragraph.
pub fn markdown(v: &serde_json::Value) -> String {
    if let Some(why) = v.get("skipped").and_then(|s| s.as_str()) {
        return format!("\nLambda: skipped, the server cannot run functions here ({why}).\n");
    }
    format!(
        "\nLambda ({} in Docker, one client): cold start {:.0} ms median of {} ({:.0}–{:.0}); warm invoke p50 {:.2} ms, p99 {:.2} ms over {} invocations.\n",
        v["runtime"].as_str().unwrap_or(""),
        v["cold_start_ms_median"].as_f64().unwrap_or(0.0),
        v["cold_rounds"],
        v["cold_start_ms_min"].as_f64().unwrap_or(0.0),
        v["cold_start_ms_max"].as_f64().unwrap_or(0.0),
        v["warm_p50_ms"].as_f64().unwrap_or(0.0),
        v["warm_p99_ms"].as_f64().unwrap_or(0.0),
        v["warm_invocations"],
    )
}
