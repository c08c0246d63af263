//! The Smithy protocol compliance runner. It loads the official test models
//! (IDL) through the same codegen that builds Simfra's service schemas, and
//! runs every case a server must pass through the same codecs the gateway
//! uses:
//! - `httpRequestTests`: the request decodes into the given params;
//! - `httpResponseTests`: the params encode into the given response (status,
//!   headers, body compared by media type);
//! - `httpMalformedRequestTests`: the request is rejected with the given
//!   status, headers and body.
//! Cases marked `appliesTo: "client"` are skipped; `eventStreamTests` are
//! counted and reported as not run.

mod compare;
mod events;
mod params;

use base64::Engine;
use serde_json::Value as Json;
use simfra_codegen::model::{local_name, Model};
use simfra_codegen::{idl, schema};
use simfra_model::{Operation, Protocol, ServiceError, ServiceSchema, ShapeId};
use simfra_protocols::{codec, Exchange, HttpRequest, HttpResponse};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

pub(crate) const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// `smithy.framework#ValidationException`, which the validation test models
/// use but which lives in Smithy's validation package, not beside them. Its
/// definition, as Smithy documents it.
const FRAMEWORK_MODEL: &str = r#"
$version: "2.0"
namespace smithy.framework

@error("client")
structure ValidationException {
    @required
    message: String
    fieldList: ValidationExceptionFieldList
}

structure ValidationExceptionField {
    @required
    path: String
    @required
    message: String
}

list ValidationExceptionFieldList {
    member: ValidationExceptionField
}
"#;

#[derive(Default)]
pub struct Tally {
    /// (protocol, kind) → (passed, total)
    pub counts: BTreeMap<(String, String), (usize, usize)>,
    pub failures: Vec<String>,
    pub excluded: Vec<String>,
}

impl Tally {
    fn record(&mut self, protocol: &str, kind: &str, id: &str, result: Result<(), String>, exclusions: &HashMap<String, String>) {
        let key = format!("{protocol}/{id}");
        if let Some(reason) = exclusions.get(&key) {
            self.excluded.push(format!("{key}: {reason}"));
            return;
        }
        let slot = self.counts.entry((protocol.to_string(), kind.to_string())).or_default();
        slot.1 += 1;
        match result {
            Ok(()) => slot.0 += 1,
            Err(e) => self.failures.push(format!("{key} [{kind}]: {}", e.replace('\n', "\\n"))),
        }
    }
}

fn protocol_of(id: &str) -> Option<Protocol> {
    Some(match local_name(id) {
        "awsJson1_0" => Protocol::AwsJson1_0,
        "awsJson1_1" => Protocol::AwsJson1_1,
        "restJson1" => Protocol::RestJson1,
        "restXml" => Protocol::RestXml,
        "awsQuery" => Protocol::AwsQuery,
        "ec2Query" => Protocol::Ec2Query,
        "rpcv2Cbor" => Protocol::RpcV2Cbor,
        _ => return None,
    })
}

fn applies_to_server(case: &Json) -> bool {
    case.get("appliesTo").and_then(Json::as_str).map(|a| a == "server").unwrap_or(true)
}

pub(crate) fn str_field<'a>(v: &'a Json, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Json::as_str)
}

/// Decodes a test body: CBOR bodies are base64 in the test models.
pub(crate) fn body_bytes(body: Option<&str>, media_type: Option<&str>) -> Vec<u8> {
    let Some(b) = body else { return Vec::new() };
    if media_type == Some("application/cbor") {
        return B64.decode(b.trim()).unwrap_or_else(|_| b.as_bytes().to_vec());
    }
    b.as_bytes().to_vec()
}

pub(crate) fn build_request(case: &Json) -> HttpRequest {
    let headers: Vec<(String, String)> = case
        .get("headers")
        .and_then(Json::as_object)
        .map(|h| h.iter().map(|(k, v)| (k.to_ascii_lowercase(), v.as_str().unwrap_or("").to_string())).collect())
        .unwrap_or_default();
    let media = str_field(case, "bodyMediaType")
        .or_else(|| headers.iter().find(|(k, _)| k == "content-type").map(|(_, v)| v.as_str()))
        .map(|m| m.split(';').next().unwrap_or(m).trim().to_string());
    let query: Vec<String> = case
        .get("queryParams")
        .and_then(Json::as_array)
        .map(|q| q.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let uri = str_field(case, "uri").unwrap_or("/");
    let (path, inline_query) = uri.split_once('?').unwrap_or((uri, ""));
    let mut all_query: Vec<String> = if inline_query.is_empty() { Vec::new() } else { vec![inline_query.to_string()] };
    all_query.extend(query);
    let body = body_bytes(str_field(case, "body"), media.as_deref());
    HttpRequest {
        method: str_field(case, "method").unwrap_or("POST").to_string(),
        path: path.to_string(),
        query: all_query.join("&"),
        headers,
        body: body.into(),
        body_stream: None,
    }
}

struct Suite<'a> {
    svc: &'static ServiceSchema,
    model: &'a Model,
    protocol_trait: String,
}

impl Suite<'_> {
    fn op(&self, name: &str) -> Option<&'static Operation> {
        self.svc.operation(name).map(|(i, _)| &self.svc.operations[i])
    }

    /// S3 addresses buckets by host; the gateway moves the bucket into the path.
    fn virtual_host(&self, case: &Json, req: &mut HttpRequest) {
        if self.svc.namespace != "com.amazonaws.s3" {
            return;
        }
        if let Some(bucket) = str_field(case, "resolvedHost").or_else(|| str_field(case, "host")).and_then(|h| h.split_once(".s3")).map(|(b, _)| b).filter(|b| !b.is_empty()) {
            req.path = format!("/{bucket}{}", if req.path == "/" { "" } else { &req.path });
        }
    }

    fn request_case(&self, op: &Operation, case: &Json) -> Result<(), String> {
        let protocol = protocol_of(str_field(case, "protocol").unwrap_or("")).ok_or("unknown protocol")?;
        let mut req = build_request(case);
        self.virtual_host(case, &mut req);
        let c = codec(protocol);
        let actual = simfra_protocols::decode_input(c, self.svc, op, &req).map_err(|e| format!("decode failed: {e}"))?;
        let mut expected = params::structure(self.svc, op.input, case.get("params").unwrap_or(&Json::Null))?;
        simfra_protocols::defaults::fill(self.svc, op.input, &mut expected, simfra_protocols::defaults::Scope::All);
        compare::values(self.svc, op.input, &expected, &actual).map_err(|e| format!("params differ: {e}"))
    }

    fn response_case(&self, op: &Operation, error: Option<ShapeId>, case: &Json) -> Result<(), String> {
        let protocol = protocol_of(str_field(case, "protocol").unwrap_or("")).ok_or("unknown protocol")?;
        let c = codec(protocol);
        let ex = Exchange { request_id: "request-id".into(), request_content_type: None };
        let params = case.get("params").unwrap_or(&Json::Null);
        let mut resp: HttpResponse = match error {
            None => {
                let v = params::structure(self.svc, op.output, params)?;
                simfra_protocols::encode_output(c, self.svc, op, v, &ex)
            }
            Some(shape) => {
                let v = params::structure(self.svc, shape, params)?;
                let err = ServiceError::from_shape(self.svc, shape, v);
                c.encode_error(self.svc, Some(op), &err, &ex)
            }
        };
        // The HTTP server adds Content-Length; the codec does not.
        if resp.header("content-length").is_none() {
            resp.headers.push(("Content-Length".into(), resp.body.len().to_string()));
        }
        compare::response(case, &resp, protocol)
    }

    fn malformed_case(&self, op: &Operation, case: &Json) -> Result<(), String> {
        let protocol = protocol_of(str_field(case, "protocol").unwrap_or("")).ok_or("unknown protocol")?;
        let c = codec(protocol);
        let request = case.get("request").ok_or("no request")?;
        let req = build_request(request);
        let ex = Exchange { request_id: "request-id".into(), request_content_type: None };
        let outcome = simfra_protocols::decode_input(c, self.svc, op, &req)
            .and_then(|v| simfra_protocols::validate::validate(self.svc, op, &v, protocol).map(|_| v));
        let err = match outcome {
            Ok(_) => return Err("the request was accepted".into()),
            Err(e) => e,
        };
        let resp = c.encode_error(self.svc, Some(op), &err, &ex);
        compare::malformed_response(case.get("response").unwrap_or(&Json::Null), &resp)
    }
}

/// Expands `testParameters`: one case per index, `$name` replaced in every string.
fn expand_parameters(case: &Json) -> Vec<(String, Json)> {
    let id = str_field(case, "id").unwrap_or("?").to_string();
    let Some(Json::Object(params)) = case.get("testParameters") else { return vec![(id, substitute(case, &[]))] };
    let n = params.values().filter_map(Json::as_array).map(Vec::len).max().unwrap_or(0);
    let mut out = Vec::new();
    for i in 0..n {
        let subs: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (k.clone(), v.as_array().and_then(|a| a.get(i)).and_then(Json::as_str).unwrap_or("").to_string()))
            .collect();
        out.push((format!("{id}#{i}"), substitute(case, &subs)));
    }
    out
}

fn substitute(v: &Json, subs: &[(String, String)]) -> Json {
    match v {
        Json::String(s) => {
            let mut s = s.clone();
            for (k, val) in subs {
                s = s.replace(&format!("${k}:S"), &serde_json::to_string(val).unwrap_or_default());
                s = s.replace(&format!("${k}:L"), val);
                s = s.replace(&format!("${k}"), val);
            }
            // `$$` stands for a literal `$` in parameterized cases.
            Json::String(s.replace("$$", "$"))
        }
        Json::Array(a) => Json::Array(a.iter().map(|x| substitute(x, subs)).collect()),
        Json::Object(o) => Json::Object(o.iter().map(|(k, x)| (k.clone(), substitute(x, subs))).collect()),
        other => other.clone(),
    }
}

fn cases<'a>(shape: &'a Json, name: &str) -> Vec<&'a Json> {
    shape
        .get("traits")
        .and_then(|t| t.get(format!("smithy.test#{name}")))
        .and_then(Json::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn guard(f: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => Err(format!(
            "panicked: {}",
            p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_default()
        )),
    }
}

/// Runs every case of one model tree.
fn run_tree(dir: &Path, tally: &mut Tally, exclusions: &HashMap<String, String>, seen: &mut HashSet<String>) -> Result<usize, String> {
    let ast = idl::load_dir(dir)?;
    let mut model = Model::new();
    model.add_ast(idl::parse(FRAMEWORK_MODEL, "smithy-framework.smithy")?)?;
    model.add_ast(ast)?;
    let event_stream_cases = 0;
    for service_id in model.services().into_iter().map(str::to_string).collect::<Vec<_>>() {
        let service = model.get(&service_id).unwrap();
        let Some(protocol) = schema::service_protocol(service) else { continue };
        let protocol_trait = service
            .get("traits")
            .and_then(Json::as_object)
            .and_then(|t| t.keys().find(|k| protocol_of(k) == Some(protocol)).cloned())
            .unwrap_or_default();
        let svc: &'static ServiceSchema = match schema::build(&model, &service_id, local_name(&service_id)) {
            Ok(s) => Box::leak(Box::new(s)),
            Err(e) => {
                tally.failures.push(format!("{service_id}: schema could not be built: {e}"));
                continue;
            }
        };
        let suite = Suite { svc, model: &model, protocol_trait };
        for op_id in schema::service_operations(&model, &service_id) {
            let Some(op_shape) = model.get(&op_id) else { continue };
            let Some(op) = suite.op(local_name(&op_id)) else { continue };
            let pname = protocol.name();
            for case in cases(op_shape, "httpRequestTests").into_iter().filter(|c| applies_to_server(c)) {
                if protocol_of(str_field(case, "protocol").unwrap_or("")) != Some(protocol) {
                    continue;
                }
                let id = str_field(case, "id").unwrap_or("?");
                if !seen.insert(format!("{pname}/req/{id}")) {
                    continue;
                }
                tally.record(pname, "request", id, guard(|| suite.request_case(op, case)), exclusions);
            }
            for case in cases(op_shape, "httpResponseTests").into_iter().filter(|c| applies_to_server(c)) {
                if protocol_of(str_field(case, "protocol").unwrap_or("")) != Some(protocol) {
                    continue;
                }
                let id = str_field(case, "id").unwrap_or("?");
                if !seen.insert(format!("{pname}/resp/{id}")) {
                    continue;
                }
                tally.record(pname, "response", id, guard(|| suite.response_case(op, None, case)), exclusions);
            }
            for error_id in simfra_codegen::model::targets(op_shape, "errors") {
                let Some(error_shape) = model.get(error_id) else { continue };
                let Some(sid) = svc.shape_by_name(local_name(error_id)) else { continue };
                for case in cases(error_shape, "httpResponseTests").into_iter().filter(|c| applies_to_server(c)) {
                    if protocol_of(str_field(case, "protocol").unwrap_or("")) != Some(protocol) {
                        continue;
                    }
                    let id = str_field(case, "id").unwrap_or("?");
                    if !seen.insert(format!("{pname}/resp/{id}")) {
                        continue;
                    }
                    tally.record(pname, "response", id, guard(|| suite.response_case(op, Some(sid), case)), exclusions);
                }
            }
            for case in cases(op_shape, "eventStreamTests").into_iter().filter(|c| applies_to_server(c)) {
                if protocol_of(str_field(case, "protocol").unwrap_or("")) != Some(protocol) {
                    continue;
                }
                let id = str_field(case, "id").unwrap_or("?");
                if !seen.insert(format!("{pname}/es/{id}")) {
                    continue;
                }
                tally.record(pname, "eventstream", id, guard(|| events::run_case(svc, op, protocol, case)), exclusions);
            }
            for case in cases(op_shape, "httpMalformedRequestTests").into_iter().filter(|c| applies_to_server(c)) {
                if protocol_of(str_field(case, "protocol").unwrap_or("")) != Some(protocol) {
                    continue;
                }
                for (id, expanded) in expand_parameters(case) {
                    if !seen.insert(format!("{pname}/mal/{id}")) {
                        continue;
                    }
                    tally.record(pname, "malformed", &id, guard(|| suite.malformed_case(op, &expanded)), exclusions);
                }
            }
        }
        let _ = &suite.model;
        let _ = &suite.protocol_trait;
    }
    Ok(event_stream_cases)
}

fn load_exclusions(path: &Path) -> HashMap<String, String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let l = l.trim();
            let (id, reason) = l.split_once(char::is_whitespace).unwrap_or((l, ""));
            Some((id.to_string(), reason.trim().to_string()))
        })
        .collect()
}

pub fn tests_dir() -> PathBuf {
    match std::env::var_os("SIMFRA_PROTOCOL_TESTS_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/smithy-protocol-tests"),
    }
}

pub fn run_main() -> std::process::ExitCode {
    let dir = tests_dir();
    if !dir.exists() {
        println!("PROTOCOL TESTS: skipped, {} is absent (set SIMFRA_PROTOCOL_TESTS_DIR)", dir.display());
        return std::process::ExitCode::SUCCESS;
    }
    let exclusions = load_exclusions(&Path::new(env!("CARGO_MANIFEST_DIR")).join("exclusions.txt"));
    let mut tally = Tally::default();
    let mut seen = HashSet::new();
    let mut event_stream_cases = 0;
    // Codecs must not print panics for cases that count as failures.
    std::panic::set_hook(Box::new(|_| {}));
    for tree in ["smithy-aws-protocol-tests/model", "smithy-protocol-tests/model"] {
        match run_tree(&dir.join(tree), &mut tally, &exclusions, &mut seen) {
            Ok(n) => event_stream_cases += n,
            Err(e) => tally.failures.push(format!("{tree}: could not load: {e}")),
        }
    }
    let _ = std::panic::take_hook();
    println!("PROTOCOL TESTS");
    let (mut passed, mut total) = (0, 0);
    for ((p, k), (ok, n)) in &tally.counts {
        println!("  {p:<11} {k:<9} {ok}/{n}");
        passed += ok;
        total += n;
    }
    let _ = event_stream_cases;
    println!("  all         cases     {passed}/{total} passed, {} excluded", tally.excluded.len());
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/protocol-tests");
    let _ = std::fs::create_dir_all(&out);
    let _ = std::fs::write(out.join("failures.txt"), tally.failures.join("\n"));
    for f in tally.failures.iter().take(60) {
        println!("  FAIL {f}");
    }
    if tally.failures.len() > 60 {
        println!("  … {} more in target/protocol-tests/failures.txt", tally.failures.len() - 60);
    }
    let advisory = std::env::var("SIMFRA_PROTOCOL_TESTS_ADVISORY").map(|v| v == "1").unwrap_or(false);
    if tally.failures.is_empty() || advisory {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
