//! AWS Lambda's errors as its API writes them: a modeled shape with
//! `Type: User` and a message in AWS's words.

use simfra_gen_lambda::types::*;
use simfra_model::ServiceError;

fn user() -> Option<String> {
    Some("User".into())
}

pub fn not_found(message: impl Into<String>) -> ServiceError {
    ResourceNotFoundException { type_: user(), message: Some(message.into()) }.into()
}

/// `Function not found: arn:aws:lambda:…:function:name[:qualifier]`.
pub fn function_not_found(arn: &str) -> ServiceError {
    not_found(format!("Function not found: {arn}"))
}

pub fn conflict(message: impl Into<String>) -> ServiceError {
    ResourceConflictException { type_: user(), message: Some(message.into()) }.into()
}

pub fn invalid(message: impl Into<String>) -> ServiceError {
    InvalidParameterValueException { type_: user(), message: Some(message.into()) }.into()
}

pub fn precondition_failed() -> ServiceError {
    PreconditionFailedException {
        type_: user(),
        message: Some("The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id".into()),
    }
    .into()
}

pub fn throttled(reason: ThrottleReason) -> ServiceError {
    TooManyRequestsException { retry_after_seconds: Some("1".into()), type_: user(), message: Some("Rate Exceeded.".into()), reason: Some(reason) }.into()
}

pub fn service(message: impl Into<String>) -> ServiceError {
    ServiceException { type_: Some("Service".into()), message: Some(message.into()) }.into()
}

pub fn not_ready(message: impl Into<String>) -> ServiceError {
    ResourceNotReadyException { type_: user(), message: Some(message.into()) }.into()
}

pub fn request_too_large(max: usize) -> ServiceError {
    RequestTooLargeException {
        type_: user(),
        message: Some(format!("Request must be smaller than {max} bytes for the InvokeFunction operation")),
    }
    .into()
}

/// Model-style validation failure: `1 validation error detected: Value 'x' at 'member' failed to satisfy constraint: …`.
pub fn validation(value: &str, member: &str, constraint: &str) -> ServiceError {
    ServiceError::new(
        "ValidationException",
        400,
        format!("1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"),
    )
}
