//! The one error type that crosses from handlers to codecs.

use crate::schema::{ServiceSchema, ShapeId};
use crate::value::Value;

/// Who is at fault, as AWS reports it (`Sender`/`Receiver` in XML errors).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    Client,
    Server,
}

/// What kind of failure this is, so that layers above the handler can react
/// (e.g. the resource engine serves operations whose handler is `NotImplemented`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// An error shape of the service's model, or a generic AWS error code.
    Service,
    /// The request could not be parsed (bad JSON/XML/CBOR, wrong types).
    Serialization,
    /// The input broke the model's constraints.
    Validation,
    /// No handler serves this operation.
    NotImplemented,
    /// No operation matched the request.
    UnknownOperation,
}

/// An error answer. Codecs render it in the protocol the client used: the wire
/// code is taken from the error shape (and its `@awsQueryError`) when `shape` is
/// set, otherwise from `code`.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceError {
    pub kind: ErrorKind,
    pub code: String,
    pub message: Option<String>,
    pub status: u16,
    pub fault: Fault,
    /// The modeled error shape, if this is one of the service's errors.
    pub shape: Option<ShapeId>,
    /// The error shape's members other than the message, as a structure value.
    pub fields: Value,
    /// Extra response headers (e.g. `Retry-After`).
    pub headers: Vec<(String, String)>,
}

impl ServiceError {
    pub fn new(code: impl Into<String>, status: u16, message: impl Into<String>) -> Self {
        let status_fault = if status >= 500 { Fault::Server } else { Fault::Client };
        ServiceError {
            kind: ErrorKind::Service,
            code: code.into(),
            message: Some(message.into()),
            status,
            fault: status_fault,
            shape: None,
            fields: Value::empty_struct(),
            headers: Vec::new(),
        }
    }
    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.kind = kind;
        self
    }
    /// A modeled error: `shape` is its index in the service schema.
    pub fn modeled(shape: ShapeId, code: &str, status: u16, message: Option<String>, fields: Value) -> Self {
        ServiceError {
            kind: ErrorKind::Service,
            code: code.to_string(),
            message,
            status,
            fault: if status >= 500 { Fault::Server } else { Fault::Client },
            shape: Some(shape),
            fields,
            headers: Vec::new(),
        }
    }
    /// The error for a modeled error shape's value (what generated error types convert into):
    /// code = shape name, status from `@httpError` or the fault, message from the
    /// `message`/`Message` member, which is taken out of `fields`.
    pub fn from_shape(schema: &ServiceSchema, shape: ShapeId, mut value: Value) -> Self {
        let s = schema.shape(shape);
        let server = s.flags & crate::schema::shape_flags::ERROR_SERVER != 0;
        let status = if s.http_error != 0 { s.http_error } else if server { 500 } else { 400 };
        let mut message = None;
        if let (Some(idx), Value::Struct(fields)) =
            (s.members.iter().position(|m| m.name.eq_ignore_ascii_case("message")), &mut value)
        {
            if let Some(pos) = fields.iter().position(|(i, _)| *i as usize == idx) {
                if let (_, Value::String(m)) = fields.remove(pos) {
                    message = Some(m);
                }
            }
        }
        let mut err = ServiceError::modeled(shape, s.name, status, message, value);
        err.fault = if server { Fault::Server } else { Fault::Client };
        err
    }
    /// HTTP 501 naming service and operation, as every unimplemented operation answers.
    pub fn not_implemented(service: &str, operation: &str) -> Self {
        ServiceError::new(
            "NotImplemented",
            501,
            format!("The operation {operation} of service {service} is not implemented by Simfra yet"),
        )
        .with_kind(ErrorKind::NotImplemented)
    }
    /// The protocol's serialization error for a request that could not be read.
    pub fn serialization(message: impl Into<String>) -> Self {
        ServiceError::new("SerializationException", 400, message).with_kind(ErrorKind::Serialization)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        ServiceError::new("InternalFailure", 500, message)
    }
    pub fn is_not_implemented(&self) -> bool {
        self.kind == ErrorKind::NotImplemented
    }
}

impl std::fmt::Display for ServiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status, self.message.as_deref().unwrap_or(""))
    }
}

impl std::error::Error for ServiceError {}

/// A `Value` did not have the shape generated code expected. Codecs are
/// schema-driven, so this means a malformed request got past the codec.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvertError(pub String);

impl ConvertError {
    pub fn expected(what: &str, got: &Value) -> Self {
        ConvertError(format!("expected {what}, found {}", got.kind_name()))
    }
    pub fn missing(member: &str) -> Self {
        ConvertError(format!("missing required member {member}"))
    }
}

impl From<ConvertError> for ServiceError {
    fn from(e: ConvertError) -> Self {
        ServiceError::serialization(e.0)
    }
}
