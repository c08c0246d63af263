//! Builds a `simfra_model::ServiceSchema` for one service of a `Model`. The
//! protocol-test runner uses the result directly; the emitter writes the same
//! value out as static Rust, so generated code and tests share one builder.

use crate::model::{self, has_trait, local_name, members, target, targets, trait_value, Model, UNIT};
use serde_json::Value as Json;
use simfra_model::schema::*;
use std::collections::{BTreeMap, BTreeSet};

fn leak_str(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

fn leak_slice<T>(v: Vec<T>) -> &'static [T] {
    Box::leak(v.into_boxed_slice())
}

/// The protocol traits in order of preference when a service has several.
const PROTOCOL_TRAITS: &[(&str, Protocol)] = &[
    ("smithy.protocols#rpcv2Cbor", Protocol::RpcV2Cbor),
    ("aws.protocols#awsJson1_0", Protocol::AwsJson1_0),
    ("aws.protocols#awsJson1_1", Protocol::AwsJson1_1),
    ("aws.protocols#restJson1", Protocol::RestJson1),
    ("aws.protocols#restXml", Protocol::RestXml),
    ("aws.protocols#awsQuery", Protocol::AwsQuery),
    ("aws.protocols#ec2Query", Protocol::Ec2Query),
];

pub fn service_protocol(service: &Json) -> Option<Protocol> {
    PROTOCOL_TRAITS.iter().find(|(t, _)| has_trait(service, t)).map(|(_, p)| *p)
}

/// Every operation bound to the service, directly or through its resources.
pub fn service_operations(model: &Model, service_id: &str) -> Vec<String> {
    fn walk(model: &Model, id: &str, out: &mut BTreeSet<String>) {
        let Some(shape) = model.get(id) else { return };
        for op in targets(shape, "operations").into_iter().chain(targets(shape, "collectionOperations")) {
            out.insert(op.to_string());
        }
        for key in ["create", "put", "read", "update", "delete", "list"] {
            if let Some(op) = shape.get(key).and_then(target) {
                out.insert(op.to_string());
            }
        }
        for r in targets(shape, "resources") {
            walk(model, r, out);
        }
    }
    let mut out = BTreeSet::new();
    walk(model, service_id, &mut out);
    out.into_iter().collect()
}

fn op_input(model: &Model, op: &Json) -> String {
    op.get("input").and_then(target).filter(|t| model.get(t).is_some()).unwrap_or(UNIT).to_string()
}

fn op_output(model: &Model, op: &Json) -> String {
    op.get("output").and_then(target).filter(|t| model.get(t).is_some()).unwrap_or(UNIT).to_string()
}

fn shape_kind(model: &Model, id: &str) -> ShapeKind {
    let shape = model.get(id);
    let is_enum_string = shape.map(|s| has_trait(s, "smithy.api#enum")).unwrap_or(false);
    match model.shape_type(id) {
        "blob" => ShapeKind::Blob,
        "boolean" => ShapeKind::Boolean,
        "string" if is_enum_string => ShapeKind::Enum,
        "string" => ShapeKind::String,
        "enum" => ShapeKind::Enum,
        "timestamp" => ShapeKind::Timestamp,
        "byte" => ShapeKind::Byte,
        "short" => ShapeKind::Short,
        "integer" => ShapeKind::Integer,
        "intEnum" => ShapeKind::IntEnum,
        "long" => ShapeKind::Long,
        "float" => ShapeKind::Float,
        "double" => ShapeKind::Double,
        "bigInteger" => ShapeKind::BigInteger,
        "bigDecimal" => ShapeKind::BigDecimal,
        "document" => ShapeKind::Document,
        "list" | "set" => ShapeKind::List,
        "map" => ShapeKind::Map,
        "union" => ShapeKind::Union,
        _ => ShapeKind::Structure,
    }
}

fn timestamp_format(v: Option<&Json>) -> Option<TimestampFormat> {
    match v?.as_str()? {
        "date-time" => Some(TimestampFormat::DateTime),
        "http-date" => Some(TimestampFormat::HttpDate),
        "epoch-seconds" => Some(TimestampFormat::EpochSeconds),
        _ => None,
    }
}

fn xml_namespace(v: Option<&Json>) -> Option<(&'static str, Option<&'static str>)> {
    let v = v?;
    let uri = leak_str(v.get("uri")?.as_str()?);
    Some((uri, v.get("prefix").and_then(Json::as_str).map(leak_str)))
}

/// Constraints declared on one shape or member (only those present).
fn constraints_of(node: &Json) -> Constraints {
    let mut c = Constraints::NONE;
    if let Some(l) = trait_value(node, "smithy.api#length") {
        c.length_min = l.get("min").and_then(Json::as_u64);
        c.length_max = l.get("max").and_then(Json::as_u64);
    }
    if let Some(r) = trait_value(node, "smithy.api#range") {
        c.range_min = r.get("min").and_then(Json::as_f64);
        c.range_max = r.get("max").and_then(Json::as_f64);
    }
    c.pattern = trait_value(node, "smithy.api#pattern").and_then(Json::as_str).map(leak_str);
    c.unique_items = has_trait(node, "smithy.api#uniqueItems");
    c
}

/// A member's own constraints override its target's, one kind at a time.
fn merge_constraints(member: Constraints, target: Constraints) -> Constraints {
    let (lmin, lmax) = if member.length_min.is_some() || member.length_max.is_some() {
        (member.length_min, member.length_max)
    } else {
        (target.length_min, target.length_max)
    };
    let (rmin, rmax) = if member.range_min.is_some() || member.range_max.is_some() {
        (member.range_min, member.range_max)
    } else {
        (target.range_min, target.range_max)
    };
    Constraints {
        length_min: lmin,
        length_max: lmax,
        range_min: rmin,
        range_max: rmax,
        pattern: member.pattern.or(target.pattern),
        unique_items: member.unique_items || target.unique_items,
    }
}

fn parse_uri(uri: &str) -> (Vec<UriSegment>, Vec<(&'static str, Option<&'static str>)>) {
    let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
    let segments = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|seg| {
            if let Some(label) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                match label.strip_suffix('+') {
                    Some(greedy) => UriSegment::Greedy(leak_str(greedy)),
                    None => UriSegment::Label(leak_str(label)),
                }
            } else {
                UriSegment::Literal(leak_str(seg))
            }
        })
        .collect();
    let literals = query
        .split('&')
        .filter(|q| !q.is_empty())
        .map(|q| match q.split_once('=') {
            Some((k, v)) => (leak_str(k), Some(leak_str(v))),
            None => (leak_str(q), None),
        })
        .collect();
    (segments, literals)
}

/// Collects every shape reachable from the service's operations and errors.
fn closure(model: &Model, roots: impl IntoIterator<Item = String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.into_iter().collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let Some(shape) = model.get(&id) else { continue };
        for (_, m) in members(shape) {
            if let Some(t) = target(m) {
                if model.shape_type(t) != "" && !seen.contains(t) {
                    stack.push(t.to_string());
                }
            }
        }
    }
    seen
}

/// Builds the schema of `service_id`; `name` is Simfra's name for it.
pub fn build(model: &Model, service_id: &str, name: &str) -> Result<ServiceSchema, String> {
    let service = model.get(service_id).ok_or_else(|| format!("no service {service_id}"))?;
    let op_ids = service_operations(model, service_id);
    let service_errors: Vec<String> = targets(service, "errors").into_iter().map(String::from).collect();

    // Every operation's input/output is a structure of its own in the schema;
    // operations without input or output use the Unit structure.
    let mut roots: Vec<String> = vec![UNIT.to_string()];
    let mut io = BTreeSet::new();
    for op_id in &op_ids {
        let op = model.get(op_id).ok_or_else(|| format!("missing operation {op_id}"))?;
        let (i, o) = (op_input(model, op), op_output(model, op));
        io.insert(i.clone());
        io.insert(o.clone());
        roots.push(i);
        roots.push(o);
        roots.extend(targets(op, "errors").into_iter().map(String::from));
    }
    roots.extend(service_errors.iter().cloned());
    let ids: Vec<String> = closure(model, roots).into_iter().filter(|id| model.get(id).is_some()).collect();
    let index: BTreeMap<&str, ShapeId> = ids.iter().enumerate().map(|(i, id)| (id.as_str(), i as ShapeId)).collect();

    let mut shapes = Vec::with_capacity(ids.len());
    for id in &ids {
        let s = model.get(id).unwrap();
        let kind = shape_kind(model, id);
        let mut flags = 0u8;
        match trait_value(s, "smithy.api#error").and_then(Json::as_str) {
            Some("client") => flags |= shape_flags::ERROR_CLIENT,
            Some("server") => flags |= shape_flags::ERROR_SERVER,
            _ => {}
        }
        if has_trait(s, "smithy.api#streaming") {
            flags |= shape_flags::STREAMING;
        }
        if has_trait(s, "smithy.api#sparse") {
            flags |= shape_flags::SPARSE;
        }
        if has_trait(s, "smithy.api#sensitive") {
            flags |= shape_flags::SENSITIVE;
        }
        if has_trait(s, "smithy.api#mediaType") {
            flags |= shape_flags::MEDIA_TYPE;
        }
        if io.contains(id) || has_trait(s, "smithy.api#input") || has_trait(s, "smithy.api#output") {
            flags |= shape_flags::IO;
        }

        let mut shape_members = Vec::new();
        for (mname, m) in members(s) {
            let t = target(m).ok_or_else(|| format!("{id}${mname} has no target"))?;
            let tid = *index.get(t).ok_or_else(|| format!("{id}${mname}: unknown target {t}"))?;
            let tshape = model.get(t).unwrap();
            let location = if has_trait(m, "smithy.api#httpLabel") {
                Location::Label
            } else if let Some(h) = trait_value(m, "smithy.api#httpHeader").and_then(Json::as_str) {
                Location::Header(leak_str(h))
            } else if let Some(p) = trait_value(m, "smithy.api#httpPrefixHeaders").and_then(Json::as_str) {
                Location::PrefixHeaders(leak_str(p))
            } else if let Some(q) = trait_value(m, "smithy.api#httpQuery").and_then(Json::as_str) {
                Location::Query(leak_str(q))
            } else if has_trait(m, "smithy.api#httpQueryParams") {
                Location::QueryParams
            } else if has_trait(m, "smithy.api#httpPayload") {
                Location::Payload
            } else if has_trait(m, "smithy.api#httpResponseCode") {
                Location::ResponseCode
            } else {
                Location::Body
            };
            let mut mflags = 0u16;
            let member_flag_traits: &[(&str, u16)] = &[
                ("smithy.api#required", member_flags::REQUIRED),
                ("smithy.api#xmlAttribute", member_flags::XML_ATTRIBUTE),
                ("smithy.api#xmlFlattened", member_flags::XML_FLATTENED),
                ("smithy.api#idempotencyToken", member_flags::IDEMPOTENCY_TOKEN),
                ("smithy.api#hostLabel", member_flags::HOST_LABEL),
                ("smithy.api#eventPayload", member_flags::EVENT_PAYLOAD),
                ("smithy.api#eventHeader", member_flags::EVENT_HEADER),
                ("smithy.api#clientOptional", member_flags::CLIENT_OPTIONAL),
            ];
            for (tr, f) in member_flag_traits {
                if has_trait(m, tr) {
                    mflags |= f;
                }
            }
            if has_trait(m, "smithy.api#sensitive") || has_trait(tshape, "smithy.api#sensitive") {
                mflags |= member_flags::SENSITIVE;
            }
            if has_trait(tshape, "smithy.api#sparse") {
                mflags |= member_flags::SPARSE;
            }
            // A member's @default wins; prelude primitives carry one on the target.
            let default = trait_value(m, "smithy.api#default")
                .or_else(|| if s.get("type").and_then(Json::as_str) == Some("structure") { trait_value(tshape, "smithy.api#default") } else { None })
                .map(|d| leak_str(&d.to_string()));
            if default.is_some() {
                mflags |= member_flags::HAS_DEFAULT;
            }
            shape_members.push(Member {
                name: leak_str(mname),
                target: tid,
                location,
                flags: mflags,
                json_name: trait_value(m, "smithy.api#jsonName").and_then(Json::as_str).map(leak_str),
                xml_name: trait_value(m, "smithy.api#xmlName").and_then(Json::as_str).map(leak_str),
                xml_namespace: xml_namespace(trait_value(m, "smithy.api#xmlNamespace")),
                ec2_query_name: trait_value(m, "aws.protocols#ec2QueryName").and_then(Json::as_str).map(leak_str),
                timestamp_format: timestamp_format(trait_value(m, "smithy.api#timestampFormat"))
                    .or_else(|| timestamp_format(trait_value(tshape, "smithy.api#timestampFormat"))),
                constraints: merge_constraints(constraints_of(m), constraints_of(tshape)),
                default,
            });
        }

        let enum_values: Vec<&'static str> = match model.shape_type(id) {
            "enum" | "intEnum" => members(s)
                .iter()
                .map(|(mname, m)| match trait_value(m, "smithy.api#enumValue") {
                    Some(Json::String(v)) => leak_str(v),
                    Some(other) => leak_str(&other.to_string()),
                    None => leak_str(mname),
                })
                .collect(),
            "string" => trait_value(s, "smithy.api#enum")
                .and_then(Json::as_array)
                .map(|a| a.iter().filter_map(|e| e.get("value").and_then(Json::as_str)).map(leak_str).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        // enum/intEnum members are values, not members, in the schema.
        let shape_members = if matches!(kind, ShapeKind::Enum | ShapeKind::IntEnum) { Vec::new() } else { shape_members };

        let query_error = trait_value(s, "aws.protocols#awsQueryError").map(|q| {
            (
                leak_str(q.get("code").and_then(Json::as_str).unwrap_or(local_name(id))),
                q.get("httpResponseCode").and_then(Json::as_u64).unwrap_or(400) as u16,
            )
        });
        let http_error = trait_value(s, "smithy.api#httpError").and_then(Json::as_u64).unwrap_or(0) as u16;
        shapes.push(Shape {
            name: leak_str(local_name(id)),
            kind,
            flags,
            members: leak_slice(shape_members),
            enum_values: leak_slice(enum_values),
            constraints: constraints_of(s),
            xml_name: trait_value(s, "smithy.api#xmlName").and_then(Json::as_str).map(leak_str),
            xml_namespace: xml_namespace(trait_value(s, "smithy.api#xmlNamespace")),
            timestamp_format: timestamp_format(trait_value(s, "smithy.api#timestampFormat")),
            http_error,
            query_error,
            media_type: trait_value(s, "smithy.api#mediaType").and_then(Json::as_str).map(leak_str),
        });
    }

    let service_paginated = trait_value(service, "smithy.api#paginated");
    let mut operations = Vec::with_capacity(op_ids.len());
    for op_id in &op_ids {
        let op = model.get(op_id).unwrap();
        let http = trait_value(op, "smithy.api#http").map(|h| {
            let uri = h.get("uri").and_then(Json::as_str).unwrap_or("/");
            let (path, query_literals) = parse_uri(uri);
            HttpBinding {
                method: leak_str(h.get("method").and_then(Json::as_str).unwrap_or("POST")),
                uri: leak_str(uri),
                path: leak_slice(path),
                query_literals: leak_slice(query_literals),
                code: h.get("code").and_then(Json::as_u64).unwrap_or(200) as u16,
            }
        });
        let mut flags = 0u8;
        if has_trait(op, "smithy.api#readonly") {
            flags |= op_flags::READONLY;
        }
        if has_trait(op, "smithy.api#idempotent") {
            flags |= op_flags::IDEMPOTENT;
        }
        if has_trait(op, "aws.auth#unsignedPayload") {
            flags |= op_flags::UNSIGNED_PAYLOAD;
        }
        if has_trait(op, "smithy.api#httpChecksumRequired") {
            flags |= op_flags::CHECKSUM_REQUIRED;
        }
        let no_auth = trait_value(op, "smithy.api#auth").and_then(Json::as_array).map(|a| a.is_empty()).unwrap_or(false);
        if has_trait(op, "smithy.api#optionalAuth") || no_auth {
            flags |= op_flags::OPTIONAL_AUTH;
        }
        let paginated = trait_value(op, "smithy.api#paginated").map(|p| {
            let get = |k: &str| {
                p.get(k)
                    .or_else(|| service_paginated.and_then(|sp| sp.get(k)))
                    .and_then(Json::as_str)
                    .map(leak_str)
            };
            Paginated { input_token: get("inputToken"), output_token: get("outputToken"), items: get("items"), page_size: get("pageSize") }
        });
        if paginated.is_some() {
            flags |= op_flags::PAGINATED;
        }
        let errors: Vec<ShapeId> = targets(op, "errors").iter().filter_map(|e| index.get(e).copied()).collect();
        operations.push(Operation {
            name: leak_str(local_name(op_id)),
            input: index[op_input(model, op).as_str()],
            output: index[op_output(model, op).as_str()],
            errors: leak_slice(errors),
            http,
            flags,
            host_prefix: trait_value(op, "smithy.api#endpoint").and_then(|e| e.get("hostPrefix")).and_then(Json::as_str).map(leak_str),
            paginated,
        });
    }
    operations.sort_by(|a, b| a.name.cmp(b.name));

    let api = trait_value(service, "aws.api#service");
    let api_str = |k: &str| api.and_then(|a| a.get(k)).and_then(Json::as_str);
    let shape_name = local_name(service_id);
    let sdk_id = api_str("sdkId").unwrap_or(shape_name);
    let endpoint_prefix = api_str("endpointPrefix").unwrap_or(name);
    let signing_name = trait_value(service, "aws.auth#sigv4")
        .and_then(|s| s.get("name"))
        .and_then(Json::as_str)
        .unwrap_or(endpoint_prefix);
    Ok(ServiceSchema {
        name: leak_str(name),
        namespace: leak_str(model::namespace(service_id)),
        shape_name: leak_str(shape_name),
        sdk_id: leak_str(sdk_id),
        version: leak_str(service.get("version").and_then(Json::as_str).unwrap_or("")),
        signing_name: leak_str(signing_name),
        endpoint_prefix: leak_str(endpoint_prefix),
        arn_namespace: leak_str(api_str("arnNamespace").unwrap_or(signing_name)),
        cloudtrail_source: leak_str(
            &api_str("cloudTrailEventSource").map(String::from).unwrap_or_else(|| format!("{endpoint_prefix}.amazonaws.com")),
        ),
        protocol: service_protocol(service).ok_or_else(|| format!("{service_id}: no supported protocol trait"))?,
        query_compatible: has_trait(service, "aws.protocols#awsQueryCompatible"),
        xml_namespace: trait_value(service, "smithy.api#xmlNamespace").and_then(|x| x.get("uri")).and_then(Json::as_str).map(leak_str),
        shapes: leak_slice(shapes),
        operations: leak_slice(operations),
        errors: leak_slice(service_errors.iter().filter_map(|e| index.get(e.as_str()).copied()).collect()),
    })
}
