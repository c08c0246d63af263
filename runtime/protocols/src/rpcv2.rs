//! The Smithy RPC v2 CBOR protocol (`smithy.protocols#rpcv2Cbor`): POST to
//! `{prefix?}/service/{Service}/operation/{Operation}` with a CBOR body, the
//! `smithy-protocol: rpc-v2-cbor` header both ways, and errors named by their
//! absolute shape id in a `__type` body field.

use crate::cbor::{self, Cbor};
use crate::errors::{query_error_header, wire_error};
use crate::{Codec, Exchange, HttpRequest, HttpResponse};
use simfra_model::{ErrorKind, Operation, Protocol, ServiceError, ServiceSchema, ShapeKind, Value};

pub const SMITHY_PROTOCOL: &str = "rpc-v2-cbor";
pub const CONTENT_TYPE: &str = "application/cbor";

/// The (service shape name, operation name) a request path names. Only the last
/// four segments count, so any prefix is allowed. The service segment may be an
/// absolute shape id with `#` written as `.` (`com.example.TheService`), which
/// routes like the bare name; the operation segment must be a bare name.
pub fn operation_from_path(path: &str) -> Option<(&str, &str)> {
    let mut segs = path.rsplitn(5, '/');
    let operation = segs.next()?;
    let op_literal = segs.next()?;
    let service = segs.next()?;
    let svc_literal = segs.next()?;
    // Whatever precedes `/service/` must itself be a path (or nothing).
    segs.next()?;
    if op_literal != "operation" || svc_literal != "service" || operation.is_empty() || service.is_empty() {
        return None;
    }
    if operation.contains(['.', '#']) {
        return None;
    }
    let service = service.rsplit(['.', '#']).next().unwrap_or(service);
    (!service.is_empty()).then_some((service, operation))
}

/// Operations without output target `smithy.api#Unit`: their responses carry no body.
fn is_unit(svc: &ServiceSchema, shape: simfra_model::ShapeId) -> bool {
    let s = svc.shape(shape);
    s.name == "Unit" && s.kind == ShapeKind::Structure && s.members.is_empty()
}

/// A request that is not an rpcv2Cbor request at all: routing-level rejection,
/// as Smithy servers answer requests no operation matches.
fn not_rpcv2(message: &str) -> ServiceError {
    ServiceError::new("UnknownOperationException", 404, message).with_kind(ErrorKind::UnknownOperation)
}

pub struct RpcV2Cbor;
pub static RPCV2_CBOR: RpcV2Cbor = RpcV2Cbor;

impl RpcV2Cbor {
    fn response(&self, status: u16) -> HttpResponse {
        let mut resp = HttpResponse::new(status);
        resp.set_header("smithy-protocol", SMITHY_PROTOCOL);
        resp
    }
}

impl Codec for RpcV2Cbor {
    fn protocol(&self) -> Protocol {
        Protocol::RpcV2Cbor
    }

    fn decode_request(&self, svc: &ServiceSchema, op: &Operation, req: &HttpRequest) -> Result<Value, ServiceError> {
        if !req.method.eq_ignore_ascii_case("POST") {
            return Err(ServiceError::new("UnknownOperationException", 405, "rpcv2Cbor requests must be POST")
                .with_kind(ErrorKind::UnknownOperation));
        }
        match req.header("smithy-protocol") {
            Some(p) if p.trim() == SMITHY_PROTOCOL => {}
            _ => return Err(not_rpcv2("rpcv2Cbor requests must carry the header smithy-protocol: rpc-v2-cbor")),
        }
        // The spec makes servers reject these for security reasons (a request
        // must not be routable as both awsJson and rpcv2Cbor).
        if req.header("x-amz-target").is_some() || req.header("x-amzn-target").is_some() {
            return Err(not_rpcv2("rpcv2Cbor requests must not carry X-Amz-Target or X-Amzn-Target"));
        }
        cbor::decode_struct(svc, op.input, &req.body)
    }

    fn encode_response(&self, svc: &ServiceSchema, op: &Operation, output: &Value, _ex: &Exchange) -> HttpResponse {
        let mut resp = self.response(200);
        if !is_unit(svc, op.output) {
            resp.set_header("Content-Type", CONTENT_TYPE);
            resp.body = cbor::encode_struct(svc, op.output, output).into();
        }
        resp
    }

    fn encode_error(&self, svc: &ServiceSchema, _op: Option<&Operation>, err: &ServiceError, _ex: &Exchange) -> HttpResponse {
        let w = wire_error(svc, err);
        let mut resp = self.response(w.status);
        resp.set_header("Content-Type", CONTENT_TYPE);
        if let Some(h) = query_error_header(svc, &w) {
            resp.set_header("x-amzn-query-error", h);
        }
        for (k, v) in &err.headers {
            resp.set_header(k, v.clone());
        }
        resp.body = cbor::to_vec(&error_body(svc, err, w.shape_id.as_deref().unwrap_or(w.code))).into();
        resp
    }
}

/// `{"__type": id, "message": ..., <modeled fields>}`; the message goes under
/// the error shape's own member name (`Message` or `message`).
fn error_body(svc: &ServiceSchema, err: &ServiceError, type_name: &str) -> Cbor {
    let mut pairs = vec![(Cbor::text("__type"), Cbor::text(type_name))];
    let shape = err.shape.map(|id| svc.shape(id));
    let message_idx = shape.and_then(|s| s.members.iter().position(|m| m.name.eq_ignore_ascii_case("message")));
    if let Some(msg) = &err.message {
        let key = match (shape, message_idx) {
            (Some(s), Some(i)) => s.members[i].name,
            _ => "message",
        };
        pairs.push((Cbor::text(key), Cbor::text(msg.as_str())));
    }
    if let (Some(shape), Value::Struct(fields)) = (shape, &err.fields) {
        let fields: Vec<_> = fields
            .iter()
            .filter(|(i, _)| err.message.is_none() || Some(*i as usize) != message_idx)
            .cloned()
            .collect();
        pairs.extend(cbor::struct_to_cbor(svc, shape, &fields));
    }
    Cbor::Map(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use simfra_model::{shape_flags, Member, Shape, ShapeId};

    const fn m(name: &'static str, target: ShapeId) -> Member {
        Member { name, target, ..Member::DEFAULT }
    }

    static SHAPES: [Shape; 9] = [
        Shape { name: "Unit", ..Shape::DEFAULT },
        Shape { name: "String", kind: ShapeKind::String, ..Shape::DEFAULT },
        Shape { name: "EmptyStructure", flags: shape_flags::IO, ..Shape::DEFAULT },
        Shape { name: "SimpleStructure", members: &[m("value", 1)], ..Shape::DEFAULT },
        Shape { name: "InvalidGreeting", flags: shape_flags::ERROR_CLIENT, members: &[m("Message", 1)], ..Shape::DEFAULT },
        Shape {
            name: "ComplexError",
            flags: shape_flags::ERROR_CLIENT,
            members: &[m("TopLevel", 1), m("Nested", 6)],
            ..Shape::DEFAULT
        },
        Shape { name: "ComplexNestedErrorData", members: &[m("Foo", 1)], ..Shape::DEFAULT },
        Shape {
            name: "CustomCodeError",
            flags: shape_flags::ERROR_CLIENT,
            members: &[m("message", 1)],
            query_error: Some(("Customized", 402)),
            ..Shape::DEFAULT
        },
        Shape { name: "NoCustomCodeError", flags: shape_flags::ERROR_CLIENT, members: &[m("message", 1)], ..Shape::DEFAULT },
    ];

    const fn op(name: &'static str, input: ShapeId, output: ShapeId) -> Operation {
        Operation { name, input, output, errors: &[], http: None, flags: 0, host_prefix: None, paginated: None }
    }

    static OPS: [Operation; 3] = [
        op("EmptyInputOutput", 2, 2),
        op("NoInputOutput", 0, 0),
        op("OptionalInputOutput", 3, 3),
    ];

    const fn schema(namespace: &'static str, query_compatible: bool) -> ServiceSchema {
        ServiceSchema {
            name: "test",
            namespace,
            shape_name: "RpcV2Protocol",
            sdk_id: "test",
            version: "2020-07-14",
            signing_name: "test",
            endpoint_prefix: "test",
            arn_namespace: "test",
            cloudtrail_source: "test",
            protocol: Protocol::RpcV2Cbor,
            query_compatible,
            xml_namespace: None,
            shapes: &SHAPES,
            operations: &OPS,
            errors: &[],
        }
    }
    static SVC: ServiceSchema = schema("smithy.protocoltests.rpcv2Cbor", false);
    static QUERY_SVC: ServiceSchema = schema("aws.protocoltests.rpcv2cbor", true);

    fn b64(s: &str) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD.decode(s).unwrap()
    }

    fn request(body: &[u8]) -> HttpRequest {
        HttpRequest {
            method: "POST".into(),
            path: "/service/RpcV2Protocol/operation/X".into(),
            headers: vec![
                ("smithy-protocol".into(), "rpc-v2-cbor".into()),
                ("accept".into(), "application/cbor".into()),
                ("content-type".into(), "application/cbor".into()),
            ],
            body: body.to_vec().into(),
            ..Default::default()
        }
    }

    fn op_named(name: &str) -> &'static Operation {
        SVC.operation(name).unwrap().1
    }

    #[test]
    fn paths() {
        assert_eq!(operation_from_path("/service/RpcV2Protocol/operation/NoInputOutput"), Some(("RpcV2Protocol", "NoInputOutput")));
        assert_eq!(operation_from_path("/v1/service/Foo/operation/Bar"), Some(("Foo", "Bar")));
        assert_eq!(operation_from_path("/service/com.example.TheService/operation/Bar"), Some(("TheService", "Bar")));
        assert_eq!(operation_from_path("/service/Foo/operation/com.example.Bar"), None);
        assert_eq!(operation_from_path("service/Foo/operation/Bar"), None);
        assert_eq!(operation_from_path("/service/Foo/operation/"), None);
        assert_eq!(operation_from_path("/service/Foo/operations/Bar"), None);
        assert_eq!(operation_from_path("/Foo/operation/Bar"), None);
        assert_eq!(operation_from_path("/"), None);
    }

    #[test]
    fn requests() {
        let c = &RPCV2_CBOR;
        for (name, body) in [("NoInputOutput", ""), ("NoInputOutput", "v/8="), ("EmptyInputOutput", ""), ("EmptyInputOutput", "v/8="), ("OptionalInputOutput", "v/8=")] {
            assert_eq!(c.decode_request(&SVC, op_named(name), &request(&b64(body))).unwrap(), Value::empty_struct(), "{name} {body}");
        }
        let mut req = request(b"");
        req.method = "GET".into();
        assert_eq!(c.decode_request(&SVC, op_named("NoInputOutput"), &req).unwrap_err().status, 405);
        let mut req = request(b"");
        req.headers.retain(|(k, _)| k != "smithy-protocol");
        assert!(c.decode_request(&SVC, op_named("NoInputOutput"), &req).is_err());
        let mut req = request(b"");
        req.headers.push(("x-amz-target".into(), "RpcV2Protocol.NoInputOutput".into()));
        assert!(c.decode_request(&SVC, op_named("NoInputOutput"), &req).is_err());
        let bad = c.decode_request(&SVC, op_named("OptionalInputOutput"), &request(&[0xbf])).unwrap_err();
        assert_eq!((bad.status, bad.code.as_str()), (400, "SerializationException"));
    }

    #[test]
    fn responses() {
        let c = &RPCV2_CBOR;
        let ex = Exchange::default();
        let r = c.encode_response(&SVC, op_named("NoInputOutput"), &Value::empty_struct(), &ex);
        assert_eq!((r.status, r.header("smithy-protocol"), r.header("content-type")), (200, Some("rpc-v2-cbor"), None));
        assert!(r.body.is_empty());
        let r = c.encode_response(&SVC, op_named("EmptyInputOutput"), &Value::empty_struct(), &ex);
        assert_eq!(r.header("content-type"), Some("application/cbor"));
        assert_eq!(cbor::decode(&r.body).unwrap(), cbor::decode(&b64("v/8=")).unwrap());
        let out = Value::Struct(vec![(0, Value::Null)]);
        let r = c.encode_response(&SVC, op_named("OptionalInputOutput"), &out, &ex);
        assert_eq!(cbor::decode(&r.body).unwrap(), Cbor::Map(vec![]));
    }

    fn check_error(svc: &ServiceSchema, err: ServiceError, body: &str, status: u16, query_header: Option<&str>) {
        let r = RPCV2_CBOR.encode_error(svc, None, &err, &Exchange::default());
        assert_eq!(r.status, status);
        assert_eq!(r.header("smithy-protocol"), Some("rpc-v2-cbor"));
        assert_eq!(r.header("content-type"), Some("application/cbor"));
        assert_eq!(r.header("x-amzn-query-error"), query_header);
        assert_eq!(cbor::decode(&r.body).unwrap(), cbor::decode(&b64(body)).unwrap());
    }

    #[test]
    fn errors_match_the_protocol_tests() {
        let greeting = Value::Struct(vec![(0, Value::String("Hi".into()))]);
        check_error(
            &SVC,
            ServiceError::from_shape(&SVC, 4, greeting),
            "v2ZfX3R5cGV4LnNtaXRoeS5wcm90b2NvbHRlc3RzLnJwY3YyQ2JvciNJbnZhbGlkR3JlZXRpbmdnTWVzc2FnZWJIaf8=",
            400,
            None,
        );
        let complex = Value::Struct(vec![
            (0, Value::String("Top level".into())),
            (1, Value::Struct(vec![(0, Value::String("bar".into()))])),
        ]);
        check_error(
            &SVC,
            ServiceError::from_shape(&SVC, 5, complex),
            "v2ZfX3R5cGV4K3NtaXRoeS5wcm90b2NvbHRlc3RzLnJwY3YyQ2JvciNDb21wbGV4RXJyb3JoVG9wTGV2ZWxpVG9wIGxldmVsZk5lc3RlZL9jRm9vY2Jhcv//",
            400,
            None,
        );
        check_error(
            &SVC,
            ServiceError::from_shape(&SVC, 5, Value::empty_struct()),
            "v2ZfX3R5cGV4K3NtaXRoeS5wcm90b2NvbHRlc3RzLnJwY3YyQ2JvciNDb21wbGV4RXJyb3L/",
            400,
            None,
        );
        let hi = Value::Struct(vec![(0, Value::String("Hi".into()))]);
        check_error(
            &QUERY_SVC,
            ServiceError::from_shape(&QUERY_SVC, 8, hi.clone()),
            "uQACZl9fdHlwZXgtYXdzLnByb3RvY29sdGVzdHMucnBjdjJjYm9yI05vQ3VzdG9tQ29kZUVycm9yZ21lc3NhZ2ViSGk=",
            400,
            Some("NoCustomCodeError;Sender"),
        );
        check_error(
            &QUERY_SVC,
            ServiceError::from_shape(&QUERY_SVC, 7, hi),
            "uQACZl9fdHlwZXgrYXdzLnByb3RvY29sdGVzdHMucnBjdjJjYm9yI0N1c3RvbUNvZGVFcnJvcmdtZXNzYWdlYkhp",
            400,
            Some("Customized;Sender"),
        );
        // Unmodeled errors carry their code as `__type`.
        let r = RPCV2_CBOR.encode_error(&SVC, None, &ServiceError::internal("boom"), &Exchange::default());
        assert_eq!(r.status, 500);
        let body = cbor::decode(&r.body).unwrap();
        assert_eq!(body.get("__type"), Some(&Cbor::text("InternalFailure")));
        assert_eq!(body.get("message"), Some(&Cbor::text("boom")));
    }
}
