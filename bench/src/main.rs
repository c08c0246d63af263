//! `simfra-bench`: signs requests like an SDK, runs named scenarios with N
//! concurrent keep-alive clients for a fixed time, and reports requests per
//! second and latency percentiles for Simfra and, in the same run, for a bare
//! hyper server answering each scenario with a response of the same status
//! and size. Machines here are noisy, so every figure is a median of several
//! rounds with its min–max spread, and throughput is also given as a ratio to
//! the baseline. Process figures (startup, RSS) are measured on a Simfra
//! process the harness starts itself.
//!
//! Some scenarios need state: a setup phase sends signed requests once, in
//! order, before any answer is captured (DynamoDB tables, the item GetItem
//! reads, 1,000,000 items under one partition key for Query, SQS queues and
//! the messages ReceiveMessage+DeleteMessage consumes), and stops the run if
//! one fails. Most scenarios replay one fixed request; `sqs-receive-delete`
//! runs its own loop (receive up to 10, then delete what it got in one
//! DeleteMessageBatch), against Simfra and against the baseline answering
//! the captured receive and delete answers alternately.
//!
//! Lambda (`lambda` module): cold start and warm invoke latency of a
//! function running in Docker, reported beside the table.
//!
//! simfra-bench [--bin target/release/simfra | --endpoint http://host:port]
//!              [--seconds 3] [--rounds 3] [--clients 1,8] [--scenario NAME]... [--out target/bench]

mod lambda;

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

/// How a scenario's load loop works.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// The same signed request, over and over.
    Replay,
    /// SQS: ReceiveMessage (up to 10), then DeleteMessageBatch of what came
    /// back; counts messages deleted.
    ReceiveDelete,
}

/// State a scenario needs before it can run, created in the setup phase.
#[derive(Clone, Copy, PartialEq, PartialOrd, Eq, Ord, Debug)]
enum Setup {
    /// A hash-key table and the item GetItem reads.
    ItemsTable,
    /// A hash+range table with `QUERY_ITEMS` items under one partition key.
    QueryTable,
    /// The queue SendMessage sends to.
    SendQueue,
    /// The queue ReceiveMessage+DeleteMessage drains, pre-filled.
    ReceiveQueue,
    /// A bucket with the objects the S3 GET scenarios read.
    S3Objects,
}

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
    body: Bytes,
    kind: Kind,
    /// Client counts this scenario always runs with, besides `--clients`.
    clients: &'static [usize],
    /// Messages each successful request moves (SQS), for a messages/s figure.
    messages_per_request: Option<u64>,
    /// Object bytes each request moves (S3), for a MiB/s figure.
    bytes_per_request: Option<u64>,
    /// Sign with `UNSIGNED-PAYLOAD` instead of hashing the body (large S3 bodies).
    unsigned_payload: bool,
    needs: &'static [Setup],
}

const JSON10: &str = "application/x-amz-json-1.0";
/// Items loaded under one partition key for `dynamodb-query-1m`.
const QUERY_ITEMS: usize = 1_000_000;
/// Messages put in the receive queue in setup; topped up before each round.
const RECEIVE_PREFILL: u64 = 200_000;

/// Names of what setup creates; a per-run suffix so a rerun against the
/// same `--endpoint` does not collide.
struct Names {
    items_table: String,
    query_table: String,
    send_queue: String,
    receive_queue: String,
    bucket: String,
    /// Queue URLs, known after setup.
    send_queue_url: String,
    receive_queue_url: String,
}

impl Names {
    fn new() -> Names {
        let run = unix_now();
        Names {
            items_table: format!("bench-items-{run}"),
            query_table: format!("bench-query-{run}"),
            send_queue: format!("bench-send-{run}"),
            receive_queue: format!("bench-receive-{run}"),
            bucket: format!("bench-bucket-{run}"),
            send_queue_url: String::new(),
            receive_queue_url: String::new(),
        }
    }
}

fn plain(name: &'static str, service: Option<&'static str>, method: &'static str, headers: Vec<(&'static str, &'static str)>, body: &'static str) -> Scenario {
    Scenario {
        name,
        service,
        method,
        path: "/",
        query: vec![],
        headers,
        body: Bytes::from_static(body.as_bytes()),
        kind: Kind::Replay,
        clients: &[],
        messages_per_request: None,
        bytes_per_request: None,
        unsigned_payload: false,
        needs: &[],
    }
}

/// An awsJson1_0 request (`X-Amz-Target`), as DynamoDB and SQS take them.
fn json_call(name: &'static str, service: &'static str, target: &'static str, body: serde_json::Value) -> Scenario {
    Scenario {
        name,
        service: Some(service),
        method: "POST",
        path: "/",
        query: vec![],
        headers: vec![("content-type", JSON10), ("x-amz-target", target)],
        body: Bytes::from(body.to_string()),
        kind: Kind::Replay,
        clients: &[],
        messages_per_request: None,
        bytes_per_request: None,
        unsigned_payload: false,
        needs: &[],
    }
}

fn health() -> Scenario {
    Scenario { path: "/_simfra/health", ..plain("health", None, "GET", vec![], "") }
}

fn sts_caller_identity() -> Scenario {
    plain(
        "sts-get-caller-identity",
        Some("sts"),
        "POST",
        vec![("content-type", "application/x-www-form-urlencoded; charset=utf-8")],
        "Action=GetCallerIdentity&Version=2011-06-15",
    )
}

fn query_item(i: usize) -> serde_json::Value {
    json!({"pk": {"S": "p"}, "sk": {"N": i.to_string()}, "v": {"S": "x"}})
}

/// Every scenario; the new ones read table and queue names from `n`.
fn scenarios(n: &Names) -> Vec<Scenario> {
    let mid = QUERY_ITEMS / 2;
    vec![
        health(),
        sts_caller_identity(),
        plain("json-dynamodb-list-tables", Some("dynamodb"), "POST", vec![("content-type", JSON10), ("x-amz-target", "DynamoDB_20120810.ListTables")], "{}"),
        plain(
            "query-sns-list-topics",
            Some("sns"),
            "POST",
            vec![("content-type", "application/x-www-form-urlencoded; charset=utf-8")],
            "Action=ListTopics&Version=2010-03-31",
        ),
        plain("restxml-s3-list-buckets", Some("s3"), "GET", vec![], ""),
        Scenario {
            clients: &[8],
            needs: &[Setup::ItemsTable],
            ..json_call("dynamodb-get-item", "dynamodb", "DynamoDB_20120810.GetItem", json!({"TableName": n.items_table, "Key": {"pk": {"S": "item-1"}}}))
        },
        Scenario {
            clients: &[8],
            needs: &[Setup::ItemsTable],
            ..json_call(
                "dynamodb-put-item",
                "dynamodb",
                "DynamoDB_20120810.PutItem",
                json!({"TableName": n.items_table, "Item": {"pk": {"S": "item-2"}, "n": {"N": "42"}, "v": {"S": "a small item written over and over"}}}),
            )
        },
        Scenario {
            clients: &[1, 8],
            needs: &[Setup::QueryTable],
            ..json_call(
                "dynamodb-query-1m",
                "dynamodb",
                "DynamoDB_20120810.Query",
                json!({
                    "TableName": n.query_table,
                    "KeyConditionExpression": "pk = :p AND sk BETWEEN :lo AND :hi",
                    "ExpressionAttributeValues": {":p": {"S": "p"}, ":lo": {"N": mid.to_string()}, ":hi": {"N": (mid + 99).to_string()}},
                    "Limit": 10,
                }),
            )
        },
        Scenario {
            clients: &[8],
            needs: &[Setup::SendQueue],
            messages_per_request: Some(1),
            ..json_call("sqs-send-message", "sqs", "AmazonSQS.SendMessage", json!({"QueueUrl": n.send_queue_url, "MessageBody": "a small message from simfra-bench"}))
        },
        Scenario {
            clients: &[8],
            needs: &[Setup::ReceiveQueue],
            kind: Kind::ReceiveDelete,
            ..json_call("sqs-receive-delete", "sqs", "AmazonSQS.ReceiveMessage", json!({"QueueUrl": n.receive_queue_url, "MaxNumberOfMessages": 10}))
        },
    ]
    .into_iter()
    .chain(s3_scenarios(n))
    .collect()
}

/// Sizes of the S3 object scenarios.
const SMALL_OBJECT: usize = 4 << 10;
const LARGE_OBJECT: usize = 64 << 20;

/// A body of `n` bytes (not all zeros, so nothing on the way can shortcut it).
fn object_body(n: usize) -> Bytes {
    Bytes::from((0..n).map(|i| (i % 251) as u8).collect::<Vec<u8>>())
}

/// S3 object PUT and GET with 4 KiB and 64 MiB objects; large bodies are
/// sent as SDKs send them over TLS (`UNSIGNED-PAYLOAD`) so that the client's
/// hashing does not dominate both sides.
fn s3_scenarios(n: &Names) -> Vec<Scenario> {
    let path = |key: &str| -> &'static str { Box::leak(format!("/{}/{key}", n.bucket).into_boxed_str()) };
    let object = |name: &'static str, method: &'static str, key: &str, size: usize| Scenario {
        path: path(key),
        body: if method == "PUT" { object_body(size) } else { Bytes::new() },
        bytes_per_request: Some(size as u64),
        unsigned_payload: size > SMALL_OBJECT,
        needs: &[Setup::S3Objects],
        ..plain(name, Some("s3"), method, vec![], "")
    };
    vec![
        object("s3-put-object-4k", "PUT", "put-4k", SMALL_OBJECT),
        object("s3-get-object-4k", "GET", "get-4k", SMALL_OBJECT),
        object("s3-put-object-64m", "PUT", "put-64m", LARGE_OBJECT),
        object("s3-get-object-64m", "GET", "get-64m", LARGE_OBJECT),
    ]
}

/// The DeleteMessageBatch request deleting `handles` from the receive queue.
fn delete_batch(queue_url: &str, handles: &[String]) -> Scenario {
    let entries: Vec<_> = handles.iter().enumerate().map(|(i, h)| json!({"Id": format!("m{i}"), "ReceiptHandle": h})).collect();
    json_call("sqs-receive-delete/delete", "sqs", "AmazonSQS.DeleteMessageBatch", json!({"QueueUrl": queue_url, "Entries": entries}))
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
        let date = simfra_sigv4::amz_date(unix_now());
        let added = if s.unsigned_payload {
            signer.sign_payload_hash(s.method, s.path, &s.query, &headers, "UNSIGNED-PAYLOAD", &date)
        } else {
            signer.sign(s.method, s.path, &s.query, &headers, &s.body, &date)
        };
        headers.extend(added);
    }
    let mut b = hyper::Request::builder().method(s.method).uri(uri);
    for (k, v) in &headers {
        b = b.header(k, v);
    }
    b.header("x-bench-scenario", s.name).body(Full::new(s.body.clone())).expect("valid request")
}

#[derive(Default, Clone)]
struct Stats {
    requests: u64,
    /// SQS messages moved (sent, or received and deleted).
    messages: u64,
    /// ReceiveMessage answers with no message: the queue ran dry.
    empty_receives: u64,
    errors: u64,
    first_error: Option<String>,
    latencies_us: Vec<u32>,
    elapsed: Duration,
}

impl Stats {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
    fn mps(&self) -> f64 {
        self.messages as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
    fn percentile(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        self.latencies_us[i] as f64 / 1000.0
    }
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: SocketAddr) -> Result<Sender, String> {
    let stream = TcpStream::connect(addr).await.map_err(|e| format!("connect: {e}"))?;
    let _ = stream.set_nodelay(true);
    let (sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(conn);
    Ok(sender)
}

/// Sends `s` on `sender`: the status and the whole body.
async fn send(sender: &mut Sender, s: &Scenario, host: &str) -> Result<(u16, Bytes), String> {
    let resp = sender.send_request(build_request(s, host)).await.map_err(|e| e.to_string())?;
    let status = resp.status().as_u16();
    let body = resp.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
    Ok((status, body))
}

impl Stats {
    /// Records one request's latency and outcome; `false` when the
    /// connection is unusable.
    fn record(&mut self, t: Instant, result: &Result<(u16, Bytes), String>, expect_status: u16) -> bool {
        self.latencies_us.push(t.elapsed().as_micros().min(u32::MAX as u128) as u32);
        match result {
            Ok((status, _)) if *status == expect_status => {
                self.requests += 1;
                true
            }
            Ok((status, body)) => {
                self.errors += 1;
                self.first_error.get_or_insert(format!("HTTP {status}: {}", String::from_utf8_lossy(&body[..body.len().min(300)])));
                true
            }
            Err(e) => {
                self.errors += 1;
                self.first_error.get_or_insert(e.clone());
                false
            }
        }
    }
}

/// The receipt handles in a ReceiveMessage answer.
fn receipt_handles(body: &[u8]) -> Result<Vec<String>, String> {
    let v: serde_json::Value = serde_json::from_slice(body).map_err(|e| format!("ReceiveMessage answer: {e}"))?;
    Ok(v["Messages"]
        .as_array()
        .map(|m| m.iter().filter_map(|m| m["ReceiptHandle"].as_str().map(str::to_string)).collect())
        .unwrap_or_default())
}

/// `clients` keep-alive connections each running `s` back to back for `duration`.
async fn run_load(addr: SocketAddr, host: &str, s: &Scenario, clients: usize, duration: Duration, expect_status: u16) -> Stats {
    let stop = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let queue_url = serde_json::from_slice::<serde_json::Value>(&s.body).ok().and_then(|v| v["QueueUrl"].as_str().map(str::to_string)).unwrap_or_default();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (s, host, stop, queue_url) = (s.clone(), host.to_string(), stop.clone(), queue_url.clone());
        tasks.push(tokio::spawn(async move {
            let mut st = Stats::default();
            let mut sender = match connect(addr).await {
                Ok(x) => x,
                Err(e) => {
                    st.errors += 1;
                    st.first_error = Some(e);
                    return st;
                }
            };
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let result = send(&mut sender, &s, &host).await;
                if !st.record(t, &result, expect_status) {
                    break;
                }
                if s.kind == Kind::Replay {
                    if let (Some(n), Ok((status, _))) = (s.messages_per_request, &result) {
                        if *status == expect_status {
                            st.messages += n;
                        }
                    }
                    continue;
                }
                // ReceiveDelete: delete what came back, in one batch.
                let handles = match &result {
                    Ok((200, body)) => match receipt_handles(body) {
                        Ok(h) => h,
                        Err(e) => {
                            st.errors += 1;
                            st.first_error.get_or_insert(e);
                            continue;
                        }
                    },
                    _ => continue,
                };
                if handles.is_empty() {
                    st.empty_receives += 1;
                    continue;
                }
                let del = delete_batch(&queue_url, &handles);
                let t = Instant::now();
                let result = send(&mut sender, &del, &host).await;
                if !st.record(t, &result, 200) {
                    break;
                }
                if let Ok((200, body)) = &result {
                    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
                    let ok = v["Successful"].as_array().map_or(0, |a| a.len());
                    let failed = v["Failed"].as_array().map_or(0, |a| a.len());
                    st.messages += ok as u64;
                    if failed > 0 {
                        st.errors += failed as u64;
                        st.first_error.get_or_insert(format!("DeleteMessageBatch: {failed} failed: {}", v["Failed"]));
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
            total.messages += st.messages;
            total.empty_receives += st.empty_receives;
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
async fn once(addr: SocketAddr, host: &str, s: &Scenario) -> Result<Answer, String> {
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

/// A captured answer: status, headers, body.
type Answer = (u16, Vec<(String, String)>, Bytes);

/// The baseline: a bare hyper server answering each scenario (by the
/// `x-bench-scenario` header) with the status, headers and body Simfra gave it.
async fn start_baseline(answers: Arc<HashMap<String, Answer>>) -> SocketAddr {
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

/// A setup request: anything but HTTP 200 stops the run.
async fn setup_call(sender: &mut Sender, host: &str, s: &Scenario) -> Result<serde_json::Value, String> {
    let (status, body) = send(sender, s, host).await.map_err(|e| format!("setup {}: {e}", s.name))?;
    if status != 200 {
        return Err(format!("setup {} answered HTTP {status}: {}", s.name, String::from_utf8_lossy(&body)));
    }
    serde_json::from_slice(&body).map_err(|e| format!("setup {}: answer is not JSON: {e}", s.name))
}

/// Sends `count` requests made by `make(i)` over `connections` keep-alive
/// connections in parallel; each answer must be 200 and pass `check`.
async fn in_parallel(
    addr: SocketAddr,
    host: &str,
    connections: usize,
    count: usize,
    make: Arc<dyn Fn(usize) -> Scenario + Send + Sync>,
    check: fn(&serde_json::Value) -> Result<(), String>,
) -> Result<(), String> {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (next, make, host) = (next.clone(), make.clone(), host.to_string());
        tasks.push(tokio::spawn(async move {
            let mut sender = connect(addr).await?;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return Ok::<(), String>(());
                }
                let v = setup_call(&mut sender, &host, &make(i)).await?;
                check(&v)?;
            }
        }));
    }
    for t in tasks {
        t.await.map_err(|e| e.to_string())??;
    }
    Ok(())
}

/// Puts `count` (a multiple of 10) messages in the queue, 10 per SendMessageBatch.
async fn fill_queue(addr: SocketAddr, host: &str, queue_url: &str, count: u64) -> Result<(), String> {
    let url = queue_url.to_string();
    let make = Arc::new(move |i: usize| {
        let entries: Vec<_> = (0..10).map(|j| json!({"Id": format!("m{j}"), "MessageBody": format!("message {i}-{j} from simfra-bench")})).collect();
        json_call("setup-send-message-batch", "sqs", "AmazonSQS.SendMessageBatch", json!({"QueueUrl": url, "Entries": entries}))
    });
    in_parallel(addr, host, 8, count.div_ceil(10) as usize, make, |v| match v["Failed"].as_array() {
        Some(f) if !f.is_empty() => Err(format!("SendMessageBatch failed entries: {}", v["Failed"])),
        _ => Ok(()),
    })
    .await
}

/// The setup phase: creates, in order, what the chosen scenarios need.
/// Returns a JSON record of each step and how long it took.
async fn run_setup(addr: SocketAddr, host: &str, needs: &std::collections::BTreeSet<Setup>, n: &mut Names) -> Result<Vec<serde_json::Value>, String> {
    let mut steps = Vec::new();
    let mut sender = connect(addr).await?;
    for need in needs {
        let started = Instant::now();
        let detail = match need {
            Setup::ItemsTable => {
                let create = json!({
                    "TableName": n.items_table,
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                    "BillingMode": "PAY_PER_REQUEST",
                });
                setup_call(&mut sender, host, &json_call("setup-create-table", "dynamodb", "DynamoDB_20120810.CreateTable", create)).await?;
                wait_active(&mut sender, host, &n.items_table).await?;
                let item = json!({"TableName": n.items_table, "Item": {"pk": {"S": "item-1"}, "n": {"N": "42"}, "v": {"S": "the item GetItem reads"}}});
                setup_call(&mut sender, host, &json_call("setup-put-item", "dynamodb", "DynamoDB_20120810.PutItem", item)).await?;
                format!("table {} (hash key pk) and its item", n.items_table)
            }
            Setup::QueryTable => {
                let create = json!({
                    "TableName": n.query_table,
                    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
                    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                    "BillingMode": "PAY_PER_REQUEST",
                });
                setup_call(&mut sender, host, &json_call("setup-create-table", "dynamodb", "DynamoDB_20120810.CreateTable", create)).await?;
                wait_active(&mut sender, host, &n.query_table).await?;
                let table = n.query_table.clone();
                let make = Arc::new(move |batch: usize| {
                    let puts: Vec<_> = (batch * 25..(batch * 25 + 25).min(QUERY_ITEMS)).map(|i| json!({"PutRequest": {"Item": query_item(i)}})).collect();
                    json_call("setup-batch-write-item", "dynamodb", "DynamoDB_20120810.BatchWriteItem", json!({"RequestItems": {table.clone(): puts}}))
                });
                let load = Instant::now();
                in_parallel(addr, host, 8, QUERY_ITEMS.div_ceil(25), make, |v| match v["UnprocessedItems"].as_object() {
                    Some(u) if !u.is_empty() => Err(format!("BatchWriteItem left items unprocessed: {}", u.len())),
                    _ => Ok(()),
                })
                .await?;
                let load_s = load.elapsed().as_secs_f64();
                let d = setup_call(&mut sender, host, &json_call("setup-describe-table", "dynamodb", "DynamoDB_20120810.DescribeTable", json!({"TableName": n.query_table}))).await?;
                let count = d["Table"]["ItemCount"].as_u64();
                if count.is_some_and(|c| c != QUERY_ITEMS as u64) {
                    return Err(format!("setup: {} holds {count:?} items after loading {QUERY_ITEMS}", n.query_table));
                }
                format!(
                    "table {} (pk, sk): {QUERY_ITEMS} items under one partition key, {} BatchWriteItem requests of 25 over 8 connections in {load_s:.1} s; DescribeTable ItemCount {}",
                    n.query_table,
                    QUERY_ITEMS.div_ceil(25),
                    count.map_or("absent".to_string(), |c| c.to_string())
                )
            }
            Setup::S3Objects => {
                let put = |name: &'static str, path: String, body: Bytes| Scenario {
                    path: Box::leak(path.into_boxed_str()),
                    body,
                    unsigned_payload: true,
                    ..plain(name, Some("s3"), "PUT", vec![], "")
                };
                let steps = [
                    put("setup-create-bucket", format!("/{}", n.bucket), Bytes::new()),
                    put("setup-put-object", format!("/{}/get-4k", n.bucket), object_body(SMALL_OBJECT)),
                    put("setup-put-object", format!("/{}/get-64m", n.bucket), object_body(LARGE_OBJECT)),
                ];
                for step in &steps {
                    let (status, body) = send(&mut sender, step, host).await.map_err(|e| format!("setup {}: {e}", step.name))?;
                    if status != 200 {
                        return Err(format!("setup {} answered HTTP {status}: {}", step.name, String::from_utf8_lossy(&body)));
                    }
                }
                format!("bucket {} with a 4 KiB and a 64 MiB object", n.bucket)
            }
            Setup::SendQueue | Setup::ReceiveQueue => {
                let name = if *need == Setup::SendQueue { &n.send_queue } else { &n.receive_queue };
                let v = setup_call(&mut sender, host, &json_call("setup-create-queue", "sqs", "AmazonSQS.CreateQueue", json!({"QueueName": name}))).await?;
                let url = v["QueueUrl"].as_str().ok_or("setup CreateQueue: no QueueUrl")?.to_string();
                if *need == Setup::SendQueue {
                    n.send_queue_url = url;
                    format!("queue {name}")
                } else {
                    fill_queue(addr, host, &url, RECEIVE_PREFILL).await?;
                    n.receive_queue_url = url;
                    format!("queue {name} with {RECEIVE_PREFILL} messages (SendMessageBatch of 10 over 8 connections)")
                }
            }
        };
        let secs = started.elapsed().as_secs_f64();
        eprintln!("simfra-bench: setup {need:?}: {detail} ({secs:.1} s)");
        steps.push(json!({"step": format!("{need:?}"), "detail": detail, "seconds": secs}));
    }
    Ok(steps)
}

/// Waits (up to 30 s) for DescribeTable to say ACTIVE.
async fn wait_active(sender: &mut Sender, host: &str, table: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let d = setup_call(sender, host, &json_call("setup-describe-table", "dynamodb", "DynamoDB_20120810.DescribeTable", json!({"TableName": table}))).await?;
        if d["Table"]["TableStatus"] == "ACTIVE" {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("setup: table {table} not ACTIVE after 30 s"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
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
    let health = &health();
    let sts = &sts_caller_identity();
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
    let mut names = Names::new();
    let wanted = |s: &Scenario| args.only.is_empty() || args.only.iter().any(|o| o == s.name);
    let needs: std::collections::BTreeSet<Setup> = scenarios(&names).iter().filter(|s| wanted(s)).flat_map(|s| s.needs.iter().copied()).collect();

    // Setup: what the scenarios need, once, in order, before any answer is captured.
    let setup_steps = match run_setup(addr, &host, &needs, &mut names).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("simfra-bench: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let rss_after_setup_kib = pid.and_then(|pid| rss_kib(pid, "VmRSS:"));
    let chosen: Vec<Scenario> = scenarios(&names).into_iter().filter(|s| wanted(s)).collect();
    // Messages left in the receive queue, to top it up between rounds.
    let mut receive_available: i64 = if needs.contains(&Setup::ReceiveQueue) { RECEIVE_PREFILL as i64 } else { 0 };

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
                if s.kind == Kind::ReceiveDelete {
                    // The baseline answers the receive with these 10 messages and the delete with this answer.
                    let handles = receipt_handles(&a.2).unwrap_or_default();
                    if handles.len() != 10 {
                        eprintln!("simfra-bench: scenario {}: ReceiveMessage gave {} messages, not 10", s.name, handles.len());
                        return std::process::ExitCode::FAILURE;
                    }
                    let del = delete_batch(&names.receive_queue_url, &handles);
                    match once(addr, &host, &del).await {
                        Ok(d) if d.0 == 200 => {
                            answers.insert(del.name.to_string(), d);
                        }
                        other => {
                            eprintln!("simfra-bench: scenario {}: DeleteMessageBatch: {:?}", s.name, other.map(|d| (d.0, String::from_utf8_lossy(&d.2).into_owned())));
                            return std::process::ExitCode::FAILURE;
                        }
                    }
                    receive_available -= 10;
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
    let mut topped_up = 0u64;
    for s in &chosen {
        let status = answers[s.name].0;
        let mut client_counts: Vec<usize> = args.clients.iter().chain(s.clients).copied().collect();
        client_counts.sort_unstable();
        client_counts.dedup();
        let mut best_mps = 0.0f64;
        for &clients in &client_counts {
            let (mut rps, mut base_rps, mut p50, mut p90, mut p99, mut max, mut ratio) = (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
            let (mut mps, mut base_mps) = (vec![], vec![]);
            let mut empty_receives = 0;
            let mut peak_rss = 0u64;
            for _ in 0..args.rounds {
                if s.kind == Kind::ReceiveDelete {
                    // Enough messages for this round at twice the best rate seen so far.
                    let want = (RECEIVE_PREFILL as f64).max(2.0 * best_mps * args.seconds) as i64;
                    if receive_available < want {
                        let add = ((want - receive_available) as u64).div_ceil(10) * 10;
                        if let Err(e) = fill_queue(addr, &host, &names.receive_queue_url, add).await {
                            eprintln!("simfra-bench: topping up {}: {e}", names.receive_queue);
                            return std::process::ExitCode::FAILURE;
                        }
                        receive_available += add as i64;
                        topped_up += add;
                    }
                }
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
                        "simfra-bench: {} x{clients}: {} errors ({}), baseline {} errors ({})",
                        s.name,
                        st.errors,
                        st.first_error.clone().unwrap_or_default(),
                        base.errors,
                        base.first_error.clone().unwrap_or_default()
                    );
                    failed = true;
                }
                if st.empty_receives > 0 {
                    eprintln!("simfra-bench: {} x{clients}: the queue ran dry ({} empty receives)", s.name, st.empty_receives);
                    failed = true;
                }
                receive_available -= st.messages as i64;
                empty_receives += st.empty_receives;
                best_mps = best_mps.max(st.mps());
                rps.push(st.rps());
                base_rps.push(base.rps());
                mps.push(st.mps());
                base_mps.push(base.mps());
                ratio.push(st.rps() / base.rps().max(1e-9));
                p50.push(st.percentile(0.50));
                p90.push(st.percentile(0.90));
                p99.push(st.percentile(0.99));
                max.push(st.latencies_us.last().copied().unwrap_or(0) as f64 / 1000.0);
            }
            let spread = |v: &[f64]| (v.iter().cloned().fold(f64::INFINITY, f64::min), v.iter().cloned().fold(0.0, f64::max));
            let (rmin, rmax) = spread(&rps);
            let messages = s.messages_per_request.is_some() || s.kind == Kind::ReceiveDelete;
            rows.push(json!({
                "scenario": s.name,
                "clients": clients,
                "rps": median(&mut rps.clone()),
                "rps_min": rmin,
                "rps_max": rmax,
                "baseline_rps": median(&mut base_rps.clone()),
                "ratio_to_baseline": median(&mut ratio.clone()),
                "mib_per_s": s.bytes_per_request.map(|b| median(&mut rps.clone()) * b as f64 / (1 << 20) as f64),
                "baseline_mib_per_s": s.bytes_per_request.map(|b| median(&mut base_rps.clone()) * b as f64 / (1 << 20) as f64),
                "messages_per_s": if messages { json!(median(&mut mps)) } else { serde_json::Value::Null },
                "baseline_messages_per_s": if messages { json!(median(&mut base_mps)) } else { serde_json::Value::Null },
                "empty_receives": empty_receives,
                "p50_ms": median(&mut p50),
                "p90_ms": median(&mut p90),
                "p99_ms": median(&mut p99),
                "max_ms": median(&mut max),
                "peak_rss_mib": peak_rss as f64 / 1024.0,
            }));
        }
    }

    // Lambda: not a replayed request (each cold start needs a new environment), so not in the table.
    let lambda_report = if args.only.is_empty() || args.only.iter().any(|o| o == "lambda") {
        match lambda::run(addr, &host, args.seconds * args.rounds as f64).await {
            Ok(v) => v,
            Err(e) => {
                eprintln!("simfra-bench: lambda: {e}");
                failed = true;
                None
            }
        }
    } else {
        None
    };

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
        "setup": setup_steps,
        "rss_after_setup_mib": rss_after_setup_kib.map(|k| k as f64 / 1024.0),
        "receive_queue_top_ups": topped_up,
        "scenarios": rows,
        "lambda": lambda_report,
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
    if !setup_steps.is_empty() {
        md.push_str("Setup (once, in order, before answers are captured):\n\n");
        for st in &setup_steps {
            md.push_str(&format!("- {} ({:.1} s)\n", st["detail"].as_str().unwrap_or(""), st["seconds"].as_f64().unwrap_or(0.0)));
        }
        if topped_up > 0 {
            md.push_str(&format!("- receive queue topped up between rounds (untimed) with {topped_up} more messages\n"));
        }
        if let Some(k) = rss_after_setup_kib {
            md.push_str(&format!("\nRSS after setup {:.1} MiB; peak RSS below includes what setup loaded.\n", k as f64 / 1024.0));
        }
        md.push('\n');
    }
    md.push_str("| scenario | clients | req/s (min–max) | baseline req/s | msg/s | baseline msg/s | p50 ms | p99 ms | ratio to baseline | peak RSS MiB |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    let msgs = |v: &serde_json::Value| v.as_f64().map_or("–".to_string(), |m| format!("{m:.0}"));
    for r in report["scenarios"].as_array().unwrap() {
        md.push_str(&format!(
            "| {} | {} | {:.0} ({:.0}–{:.0}) | {:.0} | {} | {} | {:.2} | {:.2} | {:.2} | {:.1} |\n",
            r["scenario"].as_str().unwrap(),
            r["clients"],
            r["rps"].as_f64().unwrap(),
            r["rps_min"].as_f64().unwrap(),
            r["rps_max"].as_f64().unwrap(),
            r["baseline_rps"].as_f64().unwrap(),
            msgs(&r["messages_per_s"]),
            msgs(&r["baseline_messages_per_s"]),
            r["p50_ms"].as_f64().unwrap(),
            r["p99_ms"].as_f64().unwrap(),
            r["ratio_to_baseline"].as_f64().unwrap(),
            r["peak_rss_mib"].as_f64().unwrap(),
        ));
    }
    let transfers: Vec<&serde_json::Value> = report["scenarios"].as_array().unwrap().iter().filter(|r| r["mib_per_s"].is_number()).collect();
    if !transfers.is_empty() {
        md.push_str("\nS3 object throughput (same rounds; the baseline reads each upload fully and answers downloads with the same bytes from memory):\n\n| scenario | clients | MiB/s | baseline MiB/s | ratio to baseline |\n|---|---:|---:|---:|---:|\n");
        for r in transfers {
            md.push_str(&format!(
                "| {} | {} | {:.1} | {:.1} | {:.2} |\n",
                r["scenario"].as_str().unwrap(),
                r["clients"],
                r["mib_per_s"].as_f64().unwrap(),
                r["baseline_mib_per_s"].as_f64().unwrap(),
                r["ratio_to_baseline"].as_f64().unwrap()
            ));
        }
    }
    if report["scenarios"].as_array().unwrap().iter().any(|r| r["scenario"] == "sqs-receive-delete") {
        md.push_str("\n`sqs-receive-delete`: each client receives up to 10 messages, then deletes them in one DeleteMessageBatch; req/s and latencies count both requests, msg/s counts messages deleted. Its baseline answers a fixed 10-message receive and a fixed delete answer, alternately.\n");
    }
    if let Some(l) = &report["lambda"].as_object() {
        md.push_str(&lambda::markdown(&serde_json::Value::Object((*l).clone())));
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
