//! Identifies the service, operation and wire protocol of a request from its
//! own evidence, in this order:
//! 1. `X-Amz-Target: Prefix.Operation` → awsJson (1.0/1.1 by content type);
//! 2. `/service/{Service}/operation/{Operation}` → rpcv2Cbor;
//! 3. an `Action` parameter (form body or query string) → awsQuery/ec2Query;
//! 4. otherwise a REST request, matched against the URI patterns of the REST
//!    services the signature's credential scope (or the Host) names (URIs
//!    of SDKs newer than the pinned models rewritten first: `newer`).
//! Services sharing a signing name are told apart by that evidence: the target
//! prefix, the `Version` parameter (elb vs elbv2), or the URI pattern (es vs
//! opensearch, apigateway v1 vs v2, s3 vs s3-control).

use crate::host::HostInfo;
use crate::registry::Registry;
use crate::sigv4::CredentialScope;
use simfra_model::{ErrorKind, Protocol, ServiceError};
use simfra_protocols::http::QueryParam;
use simfra_protocols::HttpRequest;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub service: usize,
    pub operation: usize,
    /// The protocol the client used: answers go back in it.
    pub protocol: Protocol,
}

/// No operation was identified. `service` is set when the service was known
/// (the error is then rendered with that service's schema).
#[derive(Debug)]
pub struct Unrouted {
    pub service: Option<usize>,
    pub protocol: Protocol,
    pub error: ServiceError,
}

/// What the request says about itself, gathered once.
pub struct Evidence<'a> {
    pub scope: Option<&'a CredentialScope>,
    pub host: &'a HostInfo,
}

fn unknown_operation(protocol: Protocol, service: Option<usize>, what: String) -> Unrouted {
    let (code, status) = match protocol {
        Protocol::AwsQuery | Protocol::Ec2Query => ("InvalidAction", 400),
        Protocol::RestJson1 | Protocol::RestXml => ("UnknownOperationException", 404),
        _ => ("UnknownOperationException", 400),
    };
    Unrouted { service, protocol, error: ServiceError::new(code, status, what).with_kind(ErrorKind::UnknownOperation) }
}

fn json_protocol(content_type: Option<&str>, service_protocol: Protocol) -> Protocol {
    match content_type {
        Some(ct) if ct.contains("x-amz-json-1.1") => Protocol::AwsJson1_1,
        Some(ct) if ct.contains("x-amz-json-1.0") => Protocol::AwsJson1_0,
        _ if service_protocol == Protocol::AwsJson1_1 => Protocol::AwsJson1_1,
        _ => Protocol::AwsJson1_0,
    }
}

/// Services a request may be for, by signature scope, then Host, then all.
fn candidates(reg: &Registry, ev: &Evidence, keep: impl Fn(Protocol) -> bool) -> Vec<usize> {
    let filter = |ids: &[usize]| -> Vec<usize> { ids.iter().copied().filter(|&i| keep(reg.protocol(i))).collect() };
    if let Some(scope) = ev.scope {
        let by_scope = filter(reg.by_signing_name(&scope.service));
        if !by_scope.is_empty() {
            return by_scope;
        }
    }
    if let Some(prefix) = ev.host.service_prefix() {
        let by_host = filter(reg.by_endpoint_prefix(prefix));
        if !by_host.is_empty() {
            return by_host;
        }
    }
    if ev.host.bucket_for(ev.scope.map(|s| s.service.as_str())).is_some() {
        if let Some(s3) = reg.by_name("s3") {
            return vec![s3];
        }
    }
    (0..reg.services.len()).filter(|&i| keep(reg.protocol(i))).collect()
}

fn query_form_params(req: &HttpRequest) -> Vec<QueryParam> {
    let mut params = req.query_params();
    let is_form = req.content_type().map(|ct| ct.starts_with("application/x-www-form-urlencoded")).unwrap_or(false);
    if is_form {
        params.extend(simfra_protocols::http::parse_query(&String::from_utf8_lossy(&req.body)));
    }
    params
}

pub fn identify(reg: &Registry, req: &mut HttpRequest, ev: &Evidence) -> Result<Route, Unrouted> {
    // 1. awsJson: the target names service and operation.
    if let Some(target) = req.header("x-amz-target") {
        let target = target.to_string();
        let (prefix, op_name) = target.rsplit_once('.').unwrap_or((target.as_str(), ""));
        let protocol = json_protocol(req.content_type(), Protocol::AwsJson1_0);
        // Some SDKs prefix the service shape name with its namespace
        // (`com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101`).
        let svc = reg.by_shape_name(prefix).or_else(|| prefix.rsplit('.').next().and_then(|p| reg.by_shape_name(p)));
        let Some(svc) = svc else {
            return Err(unknown_operation(protocol, None, format!("No service answers to the target {target}")));
        };
        let protocol = json_protocol(req.content_type(), reg.protocol(svc));
        return match reg.services[svc].schema.operation(op_name) {
            Some((op, _)) => Ok(Route { service: svc, operation: op, protocol }),
            None => Err(unknown_operation(protocol, Some(svc), format!("Unknown operation {target}"))),
        };
    }

    // 2. rpcv2Cbor: the path names service and operation.
    if let Some((svc_name, op_name)) = simfra_protocols::rpcv2::operation_from_path(&req.path) {
        let protocol = Protocol::RpcV2Cbor;
        let Some(svc) = reg.by_shape_name(svc_name) else {
            return Err(unknown_operation(protocol, None, format!("No service named {svc_name}")));
        };
        return match reg.services[svc].schema.operation(op_name) {
            Some((op, _)) => Ok(Route { service: svc, operation: op, protocol }),
            None => Err(unknown_operation(protocol, Some(svc), format!("Unknown operation {op_name}"))),
        };
    }

    // 3. Query: an Action parameter, for an RPC-style service.
    let mut params = query_form_params(req);
    if let Some(action) = params.iter().find(|p| p.key == "Action").map(|p| p.value.clone()) {
        let rpc = candidates(reg, ev, Protocol::is_rpc);
        if !rpc.is_empty() {
            let version = params.iter().find(|p| p.key == "Version").map(|p| p.value.as_str());
            let with_action: Vec<usize> =
                rpc.iter().copied().filter(|&i| reg.services[i].schema.operation(&action).is_some()).collect();
            // Several services may share a signing name and an action (elb and
            // elbv2 both have DescribeLoadBalancers): the Version decides.
            let chosen = with_action
                .iter()
                .copied()
                .find(|&i| Some(reg.services[i].schema.version) == version)
                .or_else(|| with_action.first().copied());
            let protocol_of = |i: usize| if reg.protocol(i) == Protocol::Ec2Query { Protocol::Ec2Query } else { Protocol::AwsQuery };
            return match chosen {
                Some(svc) => {
                    let (op, _) = reg.services[svc].schema.operation(&action).unwrap();
                    Ok(Route { service: svc, operation: op, protocol: protocol_of(svc) })
                }
                None => {
                    let svc = rpc.iter().copied().find(|&i| Some(reg.services[i].schema.version) == version).or(rpc.first().copied());
                    let protocol = svc.map(protocol_of).unwrap_or(Protocol::AwsQuery);
                    Err(unknown_operation(protocol, svc, format!("The action {action} is not valid for this web service.")))
                }
            };
        }
    }

    // 4. REST: match URI patterns of the candidate REST services, newer
    //    SDKs' URIs rewritten into the pinned models' first.
    let rest = candidates(reg, ev, |p| !p.is_rpc());
    let names: Vec<&str> = rest.iter().map(|&i| reg.services[i].schema.name).collect();
    if crate::newer::rewrite(req, &names) {
        params = query_form_params(req);
    }
    if let Some(bucket) = ev.host.bucket_for(ev.scope.map(|s| s.service.as_str())) {
        // Virtual-hosted S3: the bucket moves from the host into the path.
        if rest.iter().any(|&i| reg.services[i].schema.name == "s3") {
            req.path = format!("/{}{}", simfra_protocols::http::percent_encode(&bucket), if req.path == "/" { "" } else { &req.path });
            if req.path.is_empty() {
                req.path = "/".into();
            }
        }
    }
    let mut best: Option<(usize, usize)> = None;
    let mut best_rank = None;
    for &svc in &rest {
        let entry = &reg.services[svc];
        // Routes are sorted most specific first. Several may match the same
        // URI when they differ only in the members they require (S3's
        // PutObject / UploadPart / CopyObject share `PUT /{Bucket}/{Key+}`, told
        // apart by `uploadId`/`partNumber` and `x-amz-copy-source`): the match
        // whose required query and header members are all present, and most
        // numerous, wins.
        let mut first_match = None;
        let mut chosen: Option<(usize, (simfra_protocols::rest::Specificity, usize))> = None;
        for &op in &entry.rest_routes {
            let operation = &entry.schema.operations[op];
            let binding = operation.http.as_ref().unwrap();
            if !binding.method.eq_ignore_ascii_case(&req.method) {
                continue;
            }
            if simfra_protocols::rest::match_uri(binding, &req.path, &params).is_some() {
                first_match.get_or_insert(op);
                if let Some(bound) = required_bindings_present(entry.schema, operation, req, &params) {
                    let rank = (simfra_protocols::rest::specificity(binding), bound);
                    if chosen.as_ref().map(|(_, r)| rank > *r).unwrap_or(true) {
                        chosen = Some((op, rank));
                    }
                }
            }
        }
        let chosen = chosen.map(|(op, _)| op);
        if let Some(op) = chosen.or(first_match) {
            let rank = simfra_protocols::rest::specificity(entry.schema.operations[op].http.as_ref().unwrap());
            if best_rank.as_ref().map(|r| &rank > r).unwrap_or(true) {
                best = Some((svc, op));
                best_rank = Some(rank);
            }
        }
    }
    // `GET /` signed for `s3express` is S3 Express's ListDirectoryBuckets: it
    // shares ListBuckets' URI, and SDKs without `x-id` differ only in the signing name.
    if let (Some((svc, op)), Some(scope)) = (best, ev.scope) {
        let schema = reg.services[svc].schema;
        if scope.service == "s3express" && schema.operations[op].name == "ListBuckets" {
            if let Some((dir, _)) = schema.operation("ListDirectoryBuckets") {
                best = Some((svc, dir));
            }
        }
    }
    // S3 names operations by subresource flags (`?tagging`, `?acl`): a flag
    // the matched operation does not know is a newer operation, not this
    // one (`PUT /b/k?encryption` must not overwrite the object).
    if let Some((svc, op)) = best {
        let schema = reg.services[svc].schema;
        if let Some(flag) = unknown_subresource(schema, &schema.operations[op], &req.query_params()) {
            return Err(unknown_operation(
                reg.protocol(svc),
                Some(svc),
                format!("No operation matches {} {} with the subresource ?{flag}", req.method, req.path),
            ));
        }
    }
    match best {
        Some((svc, op)) => Ok(Route { service: svc, operation: op, protocol: reg.protocol(svc) }),
        None => {
            let svc = rest.first().copied().filter(|_| rest.len() == 1);
            let protocol = svc.map(|i| reg.protocol(i)).unwrap_or(Protocol::RestJson1);
            Err(unknown_operation(protocol, svc, format!("No operation matches {} {}", req.method, req.path)))
        }
    }
}

/// For S3: a valueless query parameter (`?abac`) that the operation neither
/// requires as a literal nor binds to a member.
fn unknown_subresource<'a>(schema: &simfra_model::ServiceSchema, op: &simfra_model::Operation, params: &'a [QueryParam]) -> Option<&'a str> {
    if schema.name != "s3" {
        return None;
    }
    let binding = op.http.as_ref()?;
    let input = schema.shape(op.input);
    params.iter().filter(|p| !p.has_value).map(|p| p.key.as_str()).find(|key| {
        !binding.query_literals.iter().any(|(k, _)| k == key)
            && !input.members.iter().any(|m| matches!(m.location, simfra_model::Location::Query(q) if q == *key))
            && !input.members.iter().any(|m| m.location == simfra_model::Location::QueryParams)
    })
}

/// The number of required header- and query-bound input members, if the
/// request carries all of them; None when one is missing.
fn required_bindings_present(
    schema: &simfra_model::ServiceSchema,
    op: &simfra_model::Operation,
    req: &HttpRequest,
    params: &[QueryParam],
) -> Option<usize> {
    let mut count = 0;
    for m in schema.shape(op.input).members.iter().filter(|m| m.is_required()) {
        let present = match m.location {
            simfra_model::Location::Header(name) => req.header(name).is_some(),
            simfra_model::Location::Query(name) => params.iter().any(|p| p.key == name),
            _ => continue,
        };
        if !present {
            return None;
        }
        count += 1;
    }
    Some(count)
}
