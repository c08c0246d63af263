//! S3's errors with the codes, statuses and messages AWS answers.

use simfra_gen_s3::types::*;
use simfra_model::ServiceError;

fn modeled(e: impl Into<ServiceError>, message: &str) -> ServiceError {
    let mut e = e.into();
    e.message = Some(message.into());
    e
}

pub fn no_such_bucket() -> ServiceError {
    modeled(NoSuchBucket {}, "The specified bucket does not exist")
}
pub fn no_such_key() -> ServiceError {
    modeled(NoSuchKey {}, "The specified key does not exist.")
}
pub fn no_such_upload() -> ServiceError {
    modeled(
        NoSuchUpload {},
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
    )
}
pub fn no_such_version() -> ServiceError {
    ServiceError::new("NoSuchVersion", 404, "The specified version does not exist.")
}
pub fn access_denied() -> ServiceError {
    ServiceError::new("AccessDenied", 403, "Access Denied")
}
pub fn invalid_argument(message: impl Into<String>) -> ServiceError {
    ServiceError::new("InvalidArgument", 400, message)
}
pub fn invalid_request(message: impl Into<String>) -> ServiceError {
    ServiceError::new("InvalidRequest", 400, message)
}
pub fn malformed_xml() -> ServiceError {
    ServiceError::new("MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema")
}
pub fn precondition_failed() -> ServiceError {
    ServiceError::new("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold")
}
pub fn invalid_bucket_name() -> ServiceError {
    ServiceError::new("InvalidBucketName", 400, "The specified bucket is not valid.")
}
pub fn bucket_not_empty() -> ServiceError {
    ServiceError::new("BucketNotEmpty", 409, "The bucket you tried to delete is not empty")
}
pub fn method_not_allowed() -> ServiceError {
    ServiceError::new("MethodNotAllowed", 405, "The specified method is not allowed against this resource.")
}
