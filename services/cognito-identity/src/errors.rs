//! Cognito Identity's errors with AWS's codes and sentences. Every one is a
//! client error (HTTP 400) on AWS, whatever its kind.

use simfra_model::ServiceError;

pub fn pool_not_found(pool_id: &str) -> ServiceError {
    ServiceError::new("ResourceNotFoundException", 400, format!("IdentityPool '{pool_id}' not found."))
}

pub fn identity_not_found(identity_id: &str) -> ServiceError {
    ServiceError::new("ResourceNotFoundException", 400, format!("Identity '{identity_id}' not found."))
}

pub fn not_authorized(message: impl Into<String>) -> ServiceError {
    ServiceError::new("NotAuthorizedException", 400, message)
}

pub fn invalid_parameter(message: impl Into<String>) -> ServiceError {
    ServiceError::new("InvalidParameterException", 400, message)
}

pub fn resource_conflict(message: impl Into<String>) -> ServiceError {
    ServiceError::new("ResourceConflictException", 400, message)
}

pub fn unauthenticated_not_supported() -> ServiceError {
    not_authorized("Unauthenticated access is not supported for this identity pool.")
}

/// Logins that name another identity, or none of this one's.
pub fn logins_do_not_match() -> ServiceError {
    not_authorized("Logins don't match. Please include at least one valid login for this identity or identity pool.")
}

/// An authenticated identity asked for without any of its logins.
pub fn identity_forbidden(identity_id: &str) -> ServiceError {
    not_authorized(format!("Access to Identity '{identity_id}' is forbidden."))
}

/// No role for the identity, or a role that does not trust the pool.
pub fn invalid_pool_configuration() -> ServiceError {
    ServiceError::new(
        "InvalidIdentityPoolConfigurationException",
        400,
        "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
    )
}

pub fn developer_user_already_registered() -> ServiceError {
    ServiceError::new(
        "DeveloperUserAlreadyRegisteredException",
        400,
        "The provided developer user identifier is already registered with Cognito under a different identity ID.",
    )
}
