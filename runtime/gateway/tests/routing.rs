//! Routing by evidence, in process: services that share a signing name or a
//! host are told apart by what the request itself says.

use simfra_gateway::registry::Registry;
use simfra_gateway::{Config, Gateway};
use simfra_protocols::HttpRequest;
use std::sync::Arc;
use std::time::Instant;

fn gateway() -> Arc<Gateway> {
    let mut reg = Registry::new();
    for s in simfra_gen_all::SERVICES {
        reg.register(s.schema, (s.not_implemented)(), s.tier, s.docker);
    }
    Gateway::new(
        Config { max_body_bytes: 1 << 20, ..Config::default() },
        reg,
    )
}

fn auth(service: &str) -> (String, String) {
    (
        "authorization".into(),
        format!("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20250101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0"),
    )
}

fn request(method: &str, path: &str, query: &str, headers: Vec<(String, String)>, body: &str) -> HttpRequest {
    let mut headers = headers;
    if !headers.iter().any(|(k, _)| k == "host") {
        headers.push(("host".into(), "localhost:4599".into()));
    }
    HttpRequest { method: method.into(), path: path.into(), query: query.into(), headers, body: body.to_string().into(), body_stream: None }
}

/// Sends the request and returns the (service, operation) the log recorded.
fn routed(gw: &Gateway, req: HttpRequest) -> (Option<&'static str>, Option<&'static str>) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(gw.serve(req, Instant::now()));
    let last = gw.log.snapshot().pop().unwrap();
    (last.service, last.operation)
}

#[test]
fn json_target_names_service_and_operation() {
    let gw = gateway();
    let req = request(
        "POST",
        "/",
        "",
        vec![
            auth("dynamodb"),
            ("x-amz-target".into(), "DynamoDBStreams_20120810.ListStreams".into()),
            ("content-type".into(), "application/x-amz-json-1.0".into()),
        ],
        "{}",
    );
    assert_eq!(routed(&gw, req), (Some("dynamodb-streams"), Some("ListStreams")));
}

#[test]
fn query_version_tells_elb_from_elbv2() {
    let gw = gateway();
    let form = vec![auth("elasticloadbalancing"), ("content-type".into(), "application/x-www-form-urlencoded".into())];
    let v1 = request("POST", "/", "", form.clone(), "Action=DescribeLoadBalancers&Version=2012-06-01");
    assert_eq!(routed(&gw, v1), (Some("elastic-load-balancing"), Some("DescribeLoadBalancers")));
    let v2 = request("POST", "/", "", form, "Action=DescribeLoadBalancers&Version=2015-12-01");
    assert_eq!(routed(&gw, v2), (Some("elastic-load-balancing-v2"), Some("DescribeLoadBalancers")));
}

#[test]
fn uri_prefix_tells_es_from_opensearch() {
    let gw = gateway();
    let es = request("GET", "/2015-01-01/domain", "", vec![auth("es")], "");
    assert_eq!(routed(&gw, es), (Some("elasticsearch-service"), Some("ListDomainNames")));
    let os = request("GET", "/2021-01-01/domain", "", vec![auth("es")], "");
    assert_eq!(routed(&gw, os), (Some("opensearch"), Some("ListDomainNames")));
}

#[test]
fn uri_tells_apigateway_v1_from_v2() {
    let gw = gateway();
    let v1 = request("GET", "/restapis", "", vec![auth("apigateway")], "");
    assert_eq!(routed(&gw, v1), (Some("api-gateway"), Some("GetRestApis")));
    let v2 = request("GET", "/v2/apis", "", vec![auth("apigateway")], "");
    assert_eq!(routed(&gw, v2), (Some("apigatewayv2"), Some("GetApis")));
}

#[test]
fn s3_control_literal_beats_s3_labels() {
    let gw = gateway();
    let control = request(
        "GET",
        "/v20180820/configuration/publicAccessBlock",
        "",
        vec![auth("s3"), ("x-amz-account-id".into(), "000000000000".into())],
        "",
    );
    assert_eq!(routed(&gw, control), (Some("s3-control"), Some("GetPublicAccessBlock")));
    let list = request("GET", "/mybucket", "list-type=2", vec![auth("s3")], "");
    assert_eq!(routed(&gw, list), (Some("s3"), Some("ListObjectsV2")));
}

#[test]
fn s3_query_literals_pick_the_operation() {
    let gw = gateway();
    let create_mpu = request("POST", "/bucket/some/key", "uploads", vec![auth("s3")], "");
    assert_eq!(routed(&gw, create_mpu), (Some("s3"), Some("CreateMultipartUpload")));
    let get = request("GET", "/bucket/some/key", "", vec![auth("s3")], "");
    assert_eq!(routed(&gw, get), (Some("s3"), Some("GetObject")));
}

#[test]
fn virtual_hosted_s3_moves_the_bucket_into_the_path() {
    let gw = gateway();
    let get = request(
        "GET",
        "/some/key",
        "",
        vec![auth("s3"), ("host".into(), "mybucket.s3.us-east-1.localhost:4599".into())],
        "",
    );
    assert_eq!(routed(&gw, get), (Some("s3"), Some("GetObject")));
    let list = request("GET", "/", "", vec![auth("s3"), ("host".into(), "mybucket.s3.localhost:4599".into())], "");
    assert_eq!(routed(&gw, list), (Some("s3"), Some("ListObjects")));
}

#[test]
fn cbor_path_names_service_and_operation() {
    let gw = gateway();
    let req = request(
        "POST",
        "/service/GraniteServiceVersion20100801/operation/ListMetrics",
        "",
        vec![auth("monitoring"), ("smithy-protocol".into(), "rpc-v2-cbor".into()), ("content-type".into(), "application/cbor".into())],
        "",
    );
    assert_eq!(routed(&gw, req), (Some("cloudwatch"), Some("ListMetrics")));
}

#[test]
fn query_form_reaches_a_json_service() {
    // Older SDKs call SQS with the Query protocol.
    let gw = gateway();
    let req = request(
        "POST",
        "/000000000000/q1",
        "",
        vec![auth("sqs"), ("content-type".into(), "application/x-www-form-urlencoded".into())],
        "Action=SendMessage&Version=2012-11-05&MessageBody=hi",
    );
    assert_eq!(routed(&gw, req), (Some("sqs"), Some("SendMessage")));
}

#[test]
fn ses_and_sesv2_share_a_signing_name() {
    let gw = gateway();
    let v1 = request(
        "POST",
        "/",
        "",
        vec![auth("ses"), ("content-type".into(), "application/x-www-form-urlencoded".into())],
        "Action=ListIdentities&Version=2010-12-01",
    );
    assert_eq!(routed(&gw, v1), (Some("ses"), Some("ListIdentities")));
    let v2 = request("GET", "/v2/email/identities", "", vec![auth("ses")], "");
    assert_eq!(routed(&gw, v2), (Some("sesv2"), Some("ListEmailIdentities")));
}

#[test]
fn unknown_target_is_not_a_panic() {
    let gw = gateway();
    let req = request(
        "POST",
        "/",
        "",
        vec![auth("sqs"), ("x-amz-target".into(), "AmazonSQS.NoSuchOperation".into()), ("content-type".into(), "application/x-amz-json-1.0".into())],
        "{}",
    );
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let resp = rt.block_on(gw.serve(req, Instant::now()));
    assert_eq!(resp.status, 400);
    assert_eq!(gw.log.snapshot().pop().unwrap().error_code.as_deref(), Some("UnknownOperationException"));
}

/// Signs like an SDK, with the given secret.
fn signed(secret: &str, service: &str, target: &str, body: &str) -> HttpRequest {
    let host = vec![("host".to_string(), "localhost:4599".to_string())];
    let signer = simfra_sigv4::Signer {
        access_key_id: "AKIAIOSFODNN7EXAMPLE",
        secret_access_key: secret,
        session_token: None,
        region: "us-east-1",
        service,
    };
    let mut headers = host.clone();
    headers.push(("x-amz-target".into(), target.into()));
    headers.push(("content-type".into(), "application/x-amz-json-1.0".into()));
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let extra = signer.sign("POST", "/", &[], &headers, body.as_bytes(), &simfra_sigv4::amz_date(now));
    headers.extend(extra);
    request("POST", "/", "", headers, body)
}

#[test]
fn strict_auth_accepts_the_root_key_and_names_bad_signatures() {
    let gw = gateway();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    // The generated default handler answers 501: authentication passed.
    let ok = rt.block_on(gw.serve(signed("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "dynamodb", "DynamoDB_20120810.ListTables", "{}"), Instant::now()));
    assert_eq!(ok.status, 501, "{:?}", String::from_utf8_lossy(&ok.body));
    let bad = rt.block_on(gw.serve(signed("not-the-secret", "dynamodb", "DynamoDB_20120810.ListTables", "{}"), Instant::now()));
    assert_eq!(bad.status, 403);
    assert!(String::from_utf8_lossy(&bad.body).contains("InvalidSignatureException"));
    let unsigned = request(
        "POST",
        "/",
        "",
        vec![("x-amz-target".into(), "DynamoDB_20120810.ListTables".into()), ("content-type".into(), "application/x-amz-json-1.0".into())],
        "{}",
    );
    let resp = rt.block_on(gw.serve(unsigned, Instant::now()));
    assert_eq!(resp.status, 403);
    assert!(String::from_utf8_lossy(&resp.body).contains("MissingAuthenticationToken"));
}
