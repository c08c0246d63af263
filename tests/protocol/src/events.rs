//! `smithy.test#eventStreamTests`: events a server reads (`type: "request"`)
//! must decode from their bytes into the params (or be refused when the case
//! expects a failure); events a server writes (`type: "response"`) must
//! encode from the params into the same message (headers and payload).
//! Initial requests and responses are the operation's HTTP message, checked
//! through the codec like any request or response.

use crate::compare;
use crate::params;
use crate::{build_request, str_field, B64};
use base64::Engine;
use serde_json::Value as Json;
use simfra_model::{shape_flags, Operation, Protocol, ServiceSchema, ShapeId, Value};
use simfra_protocols::eventstream::{self, HeaderValue, Message};
use simfra_protocols::json::{self, JsonMode};
use simfra_protocols::{codec, Exchange};

/// The event-stream union of an input or output structure.
fn stream_member(svc: &ServiceSchema, shape: ShapeId) -> Option<ShapeId> {
    svc.shape(shape).members.iter().map(|m| m.target).find(|t| svc.shape(*t).flags & shape_flags::STREAMING != 0 && svc.shape(*t).kind == simfra_model::ShapeKind::Union)
}

fn in_union_present(svc: &ServiceSchema, op: &Operation) -> bool {
    stream_member(svc, op.input).is_some()
}

fn expected_header(v: &Json) -> Option<HeaderValue> {
    let (kind, val) = v.as_object()?.iter().next()?;
    Some(match kind.as_str() {
        "boolean" => HeaderValue::Bool(val.as_bool()?),
        "byte" => HeaderValue::Byte(val.as_i64()? as i8),
        "short" => HeaderValue::Short(val.as_i64()? as i16),
        "integer" => HeaderValue::Int(val.as_i64()? as i32),
        "long" => HeaderValue::Long(val.as_i64()?),
        "blob" => HeaderValue::Bytes(B64.decode(val.as_str()?).ok()?.into()),
        "string" => HeaderValue::String(val.as_str()?.to_string()),
        "timestamp" => {
            let t = simfra_protocols::timefmt::parse_date_time(val.as_str()?)?;
            HeaderValue::Timestamp(t.as_millis())
        }
        "uuid" => {
            let hex: String = val.as_str()?.chars().filter(|c| *c != '-').collect();
            let bytes: Vec<u8> = (0..16).filter_map(|i| u8::from_str_radix(hex.get(i * 2..i * 2 + 2)?, 16).ok()).collect();
            HeaderValue::Uuid(bytes.try_into().ok()?)
        }
        _ => return None,
    })
}

fn json_writer<'a>(svc: &'a ServiceSchema) -> impl Fn(ShapeId, &Value) -> (Vec<u8>, &'static str) + 'a {
    move |shape, v| (json::encode_value(svc, shape, v), "application/json")
}

fn json_reader<'a>(svc: &'a ServiceSchema) -> impl Fn(ShapeId, &[u8]) -> Result<Value, simfra_model::ServiceError> + 'a {
    move |shape, bytes| {
        if bytes.is_empty() {
            return Ok(Value::Struct(Vec::new()));
        }
        json::decode_value(svc, shape, bytes)
    }
}

fn check_message(event: &Json, msg: &Message) -> Result<(), String> {
    if let Some(Json::Object(headers)) = event.get("headers") {
        for (name, v) in headers {
            let want = expected_header(v).ok_or_else(|| format!("cannot read expected header {name}"))?;
            match msg.header(name) {
                Some(got) if *got == want => {}
                Some(got) => return Err(format!("header {name}: {want:?} expected, got {got:?}")),
                None => return Err(format!("header {name} missing")),
            }
        }
    }
    if let Some(body) = str_field(event, "body") {
        compare::body_matches(str_field(event, "bodyMediaType"), body, &msg.payload)?;
    }
    Ok(())
}

pub fn run_case(svc: &ServiceSchema, op: &Operation, protocol: Protocol, case: &Json) -> Result<(), String> {
    let expect_failure = case.get("expectation").and_then(|e| e.get("failure")).is_some();
    let ex = Exchange { request_id: "request-id".into(), request_content_type: None };
    let c = codec(protocol);
    // The initial HTTP request: its non-stream members decode as usual.
    if let Some(initial) = case.get("initialRequest") {
        let req = build_request(initial);
        let decoded = simfra_protocols::decode_input(c, svc, op, &req)
            .and_then(|v| simfra_protocols::validate::validate(svc, op, &v, protocol).map(|_| v));
        match (decoded, expect_failure) {
            (Err(e), false) => return Err(format!("initial request refused: {e}")),
            (Ok(v), _) => {
                if let Some(p) = case.get("initialRequestParams") {
                    let mut want = params::structure(svc, op.input, p)?;
                    simfra_protocols::defaults::fill(svc, op.input, &mut want, simfra_protocols::defaults::Scope::All);
                    compare::values(svc, op.input, &want, &v).map_err(|e| format!("initial request: {e}"))?;
                }
            }
            (Err(_), true) => return Ok(()),
        }
    }
    let reads_events = case
        .get("events")
        .and_then(Json::as_array)
        .map(|a| a.iter().any(|e| str_field(e, "type") == Some("request")))
        .unwrap_or(false);
    if case.get("initialRequest").is_none() && reads_events && in_union_present(svc, op) {
        // No initial request given: the stream opens with an HTTP request that
        // carries none of the other input members, which must still validate.
        let mut empty = Value::Struct(Vec::new());
        simfra_protocols::defaults::fill(svc, op.input, &mut empty, simfra_protocols::defaults::Scope::All);
        if simfra_protocols::validate::validate(svc, op, &empty, protocol).is_err() {
            return if expect_failure { Ok(()) } else { Err("the initial request needs members the case does not give".into()) };
        }
    }
    if let Some(initial) = case.get("initialResponse") {
        let p = case.get("initialResponseParams").unwrap_or(&Json::Null);
        let v = params::structure(svc, op.output, p)?;
        let resp = simfra_protocols::encode_output(c, svc, op, v, &ex);
        compare::response(initial, &resp, protocol).map_err(|e| format!("initial response: {e}"))?;
    }
    let in_union = stream_member(svc, op.input);
    let out_union = stream_member(svc, op.output);
    let mut failed = false;
    for event in case.get("events").and_then(Json::as_array).into_iter().flatten() {
        match str_field(event, "type") {
            Some("request") => {
                let union = in_union.ok_or("no input event stream")?;
                let bytes = B64.decode(str_field(event, "bytes").unwrap_or("")).map_err(|e| format!("bad test bytes: {e}"))?;
                let outcome = eventstream::decode(&bytes)
                    .map_err(simfra_model::ServiceError::serialization)
                    .and_then(|m| m.ok_or_else(|| simfra_model::ServiceError::serialization("incomplete message")))
                    .and_then(|(msg, _)| eventstream::decode_event(svc, union, &msg, &json_reader(svc)))
                    .and_then(|v| v.ok_or_else(|| simfra_model::ServiceError::serialization("unknown event type")))
                    // A modeled exception sent by the client ends its stream with that error.
                    .and_then(|v| match &v {
                        Value::Struct(f) if f.first().map(|(i, _)| svc.shape(svc.shape(union).members[*i as usize].target).is_error()).unwrap_or(false) => {
                            Err(simfra_model::ServiceError::new("ClientException", 400, "the client sent an exception event"))
                        }
                        _ => Ok(v),
                    })
                    .and_then(|v| {
                        let op_like = Operation { input: union, ..*op };
                        simfra_protocols::validate::validate(svc, &op_like, &v, protocol).map(|_| v)
                    });
                match outcome {
                    Err(e) if !expect_failure => return Err(format!("event refused: {e}")),
                    Err(_) => failed = true,
                    Ok(v) => {
                        if let Some(p) = event.get("params") {
                            let want = params::to_value(svc, union, p)?;
                            compare::values(svc, union, &want, &v).map_err(|e| format!("event params: {e}"))?;
                        }
                    }
                }
            }
            Some("response") => {
                let union = out_union.ok_or("no output event stream")?;
                let v = params::to_value(svc, union, event.get("params").unwrap_or(&Json::Null))?;
                let msg = eventstream::encode_event(svc, union, &v, &json_writer(svc));
                // The bytes must be a valid frame that reads back as the same message.
                let encoded = eventstream::encode(&msg);
                let (back, _) = eventstream::decode(&encoded)?.ok_or("encoded message does not read back")?;
                check_message(event, &back)?;
            }
            _ => {}
        }
    }
    if expect_failure && !failed {
        return Err("the stream was accepted".into());
    }
    let _ = JsonMode::Rest;
    Ok(())
}
