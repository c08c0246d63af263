//! Schema-driven codecs, one per AWS wire protocol. A codec turns an HTTP
//! request into the operation's input `Value` and an output `Value` or a
//! `ServiceError` back into an HTTP response, in the protocol the client used.
//! Nothing here is specific to a service: everything comes from the schema.

pub mod errors;
pub mod http;
pub mod timefmt;

// Document formats.
pub mod cbor;
pub mod json;
pub mod xml;

// Protocols.
pub mod eventstream;
pub mod query;
pub mod rest;
pub mod rpcv2;

pub mod defaults;
pub mod validate;

pub use http::{HttpRequest, HttpResponse};
use simfra_model::{Operation, Protocol, ServiceError, ServiceSchema, Value};

/// What a codec needs to know about the exchange beyond the schema.
#[derive(Debug, Clone, Default)]
pub struct Exchange {
    pub request_id: String,
    /// The request's `Content-Type`/`Accept` (awsJson answers in the JSON version it was called with).
    pub request_content_type: Option<String>,
}

pub trait Codec: Send + Sync {
    fn protocol(&self) -> Protocol;
    /// Decodes the request into a structure value of `op.input`.
    fn decode_request(&self, svc: &ServiceSchema, op: &Operation, req: &HttpRequest) -> Result<Value, ServiceError>;
    /// Encodes a structure value of `op.output`.
    fn encode_response(&self, svc: &ServiceSchema, op: &Operation, output: &Value, ex: &Exchange) -> HttpResponse;
    /// Encodes an error; `op` is absent when no operation was identified.
    fn encode_error(&self, svc: &ServiceSchema, op: Option<&Operation>, err: &ServiceError, ex: &Exchange) -> HttpResponse;
}

/// The codec for a protocol.
pub fn codec(p: Protocol) -> &'static dyn Codec {
    match p {
        Protocol::AwsJson1_0 => &json::AWS_JSON_1_0,
        Protocol::AwsJson1_1 => &json::AWS_JSON_1_1,
        Protocol::RestJson1 => &rest::REST_JSON,
        Protocol::RestXml => &rest::REST_XML,
        Protocol::AwsQuery => &query::AWS_QUERY,
        Protocol::Ec2Query => &query::EC2_QUERY,
        Protocol::RpcV2Cbor => &rpcv2::RPCV2_CBOR,
    }
}

/// Decodes a request and fills the model's `@default` values the client left
/// out: what the gateway (and the protocol-test runner) hand to validation.
pub fn decode_input(c: &dyn Codec, svc: &ServiceSchema, op: &Operation, req: &HttpRequest) -> Result<Value, ServiceError> {
    let decompressed;
    let req = match http::gunzip_if_encoded(req)? {
        Some(r) => {
            decompressed = r;
            &decompressed
        }
        None => req,
    };
    let mut input = c.decode_request(svc, op, req)?;
    defaults::fill(svc, op.input, &mut input, defaults::Scope::All);
    Ok(input)
}

/// Fills the output's missing `@default` body members, then encodes it.
pub fn encode_output(c: &dyn Codec, svc: &ServiceSchema, op: &Operation, mut output: Value, ex: &Exchange) -> HttpResponse {
    defaults::fill(svc, op.output, &mut output, defaults::Scope::BodyOnly);
    c.encode_response(svc, op, &output, ex)
}
