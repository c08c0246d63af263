//! How a `ServiceError` is named on the wire, shared by every codec.

use simfra_model::{Fault, ServiceError, ServiceSchema};

/// The names and statuses one error goes by in each protocol family.
#[derive(Debug, Clone)]
pub struct WireError<'a> {
    /// The error's name for JSON/CBOR/REST protocols: the error shape's name, or the generic code.
    pub code: &'a str,
    /// The shape's absolute id (`com.amazonaws.sqs#QueueDoesNotExist`) when modeled.
    pub shape_id: Option<String>,
    /// The awsQuery/ec2Query code (`@awsQueryError` when present).
    pub query_code: &'a str,
    /// HTTP status for non-query protocols (`@httpError`, else 400/500 by fault).
    pub status: u16,
    /// HTTP status for query protocols (`@awsQueryError`'s, else `status`).
    pub query_status: u16,
    pub fault: Fault,
    pub message: Option<&'a str>,
}

pub fn wire_error<'a>(svc: &ServiceSchema, err: &'a ServiceError) -> WireError<'a> {
    match err.shape {
        Some(id) => {
            let shape = svc.shape(id);
            let status = if shape.http_error != 0 { shape.http_error } else { err.status };
            let (query_code, query_status) = match shape.query_error {
                Some((code, st)) => (code, st),
                None => (shape.name, status),
            };
            WireError {
                code: shape.name,
                shape_id: Some(format!("{}#{}", svc.namespace, shape.name)),
                query_code,
                status,
                query_status,
                fault: err.fault,
                message: err.message.as_deref(),
            }
        }
        None => WireError {
            code: &err.code,
            shape_id: None,
            query_code: &err.code,
            status: err.status,
            query_status: err.status,
            fault: err.fault,
            message: err.message.as_deref(),
        },
    }
}

/// Whether the service keeps its Query error codes when called with JSON or
/// CBOR (services first modeled with awsQuery).
fn keeps_query_codes(svc: &ServiceSchema) -> bool {
    svc.query_compatible || svc.protocol == simfra_model::Protocol::AwsQuery
}

/// Services first modeled with awsQuery keep their query error codes when called
/// with JSON or CBOR, in the `x-amzn-query-error: Code;Sender` header.
pub fn query_error_header(svc: &ServiceSchema, w: &WireError) -> Option<String> {
    keeps_query_codes(svc).then(|| {
        format!("{};{}", w.query_code, if w.fault == Fault::Server { "Receiver" } else { "Sender" })
    })
}

/// The error code the client reads: the Query code under awsQuery/ec2Query
/// and wherever `x-amzn-query-error` carries it, else the error's name.
pub fn code_seen<'a>(svc: &ServiceSchema, protocol: simfra_model::Protocol, w: &WireError<'a>) -> &'a str {
    if matches!(protocol, simfra_model::Protocol::AwsQuery | simfra_model::Protocol::Ec2Query) || keeps_query_codes(svc) {
        w.query_code
    } else {
        w.code
    }
}
