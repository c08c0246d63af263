//! Authentication: who sent the request. The signature is verified against
//! the secret of its access key (SigV4, header or presigned), and the caller's
//! account follows from the key. Failures are answered with the error each
//! protocol family uses for them (S3's `SignatureDoesNotMatch` with the string
//! to sign, awsJson's `InvalidSignatureException`, Query's `InvalidClientTokenId` …).

use simfra_model::{Protocol, ServiceError, ServiceSchema};
use simfra_sigv4::verify::{self, AuthFailure, Signed, WireRequest};
use simfra_identity::{credentials, Credential};

/// `SIMFRA_AUTH`
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMode {
    /// Signatures are verified against stored secrets (the default).
    Strict,
    /// Any well-formed signature is accepted; the access key still picks the account.
    Relaxed,
}

/// Who the request is from.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account_id: String,
    pub access_key_id: Option<String>,
    pub principal_arn: String,
    /// The verified key (strict mode, or a known key in relaxed mode): what authorization reads.
    pub credential: Option<Credential>,
}

/// The result of checking a request's signature, before the operation is known.
pub enum Verdict {
    /// A valid signature (or, relaxed, a well-formed one).
    Signed(Caller, Signed),
    /// No signature at all: allowed only for operations AWS serves unsigned.
    Unsigned,
    Failed(AuthFailure),
}

pub fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Checks the signature of a request as it arrived (raw path and body).
/// A streamed body (`body_streamed`) has its chunk signatures checked as it
/// is read (see `upload`), not here.
pub fn check(mode: AuthMode, default_account: &str, req: &WireRequest, body_streamed: bool, now: i64) -> Verdict {
    let signed = match verify::parse(req) {
        Ok(Some(s)) => s,
        Ok(None) => return Verdict::Unsigned,
        Err(f) => return Verdict::Failed(f),
    };
    let known = credentials().lookup(&signed.access_key_id).filter(|c| c.active);
    if mode == AuthMode::Relaxed {
        let account = match &known {
            Some(c) => c.account_id.clone(),
            // A 12-digit access key names its account, so tests can use several accounts without set-up.
            None if signed.access_key_id.len() == 12 && signed.access_key_id.bytes().all(|b| b.is_ascii_digit()) => {
                signed.access_key_id.clone()
            }
            None => default_account.to_string(),
        };
        let principal_arn = known.as_ref().map(|c| c.principal_arn.clone()).unwrap_or_else(|| format!("arn:aws:iam::{account}:root"));
        let caller = Caller { account_id: account, access_key_id: Some(signed.access_key_id.clone()), principal_arn, credential: known };
        return Verdict::Signed(caller, signed);
    }
    let Some(cred) = known else { return Verdict::Failed(AuthFailure::UnknownAccessKey) };
    if let Some(token) = &cred.session_token {
        if signed.session_token.as_deref() != Some(token.as_str()) {
            return Verdict::Failed(AuthFailure::BadToken);
        }
    }
    if let Some(exp) = cred.expires_at {
        if now > exp {
            return Verdict::Failed(AuthFailure::TokenExpired);
        }
    }
    if let Err(f) = verify::verify(req, &signed, &cred.secret_access_key, now) {
        return Verdict::Failed(f);
    }
    if !body_streamed && streaming_signed(req.headers) {
        if let Err(f) = verify::verify_chunks(req.body, &signed, &cred.secret_access_key) {
            return Verdict::Failed(f);
        }
    }
    let caller = Caller {
        account_id: cred.account_id.clone(),
        access_key_id: Some(cred.access_key_id.clone()),
        principal_arn: cred.principal_arn.clone(),
        credential: Some(cred),
    };
    Verdict::Signed(caller, signed)
}

/// A body whose chunks are signed one by one (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`).
pub fn streaming_signed(headers: &[(String, String)]) -> bool {
    headers.iter().any(|(k, v)| k == "x-amz-content-sha256" && v.starts_with("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    S3,
    Query,
    Json,
}

fn family(svc: &ServiceSchema, protocol: Protocol) -> Family {
    if matches!(svc.namespace, "com.amazonaws.s3" | "com.amazonaws.s3control") {
        Family::S3
    } else if matches!(protocol, Protocol::AwsQuery | Protocol::Ec2Query | Protocol::RestXml) {
        Family::Query
    } else {
        Family::Json
    }
}

const MISMATCH_MESSAGE: &str =
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/// The error a service answers an authentication failure with.
pub fn failure_error(f: &AuthFailure, svc: &ServiceSchema, protocol: Protocol) -> ServiceError {
    let fam = family(svc, protocol);
    let (code, status, message): (&str, u16, String) = match (f, fam) {
        (AuthFailure::Missing, Family::S3) => ("AccessDenied", 403, "Access Denied".into()),
        (AuthFailure::Missing, Family::Query) => ("MissingAuthenticationToken", 403, "Request is missing Authentication Token".into()),
        (AuthFailure::Missing, Family::Json) => {
            ("MissingAuthenticationTokenException", 403, "Missing Authentication Token".into())
        }
        (AuthFailure::Malformed(m), Family::S3) => ("AuthorizationHeaderMalformed", 400, m.clone()),
        (AuthFailure::Malformed(m), Family::Query) => ("IncompleteSignature", 400, m.clone()),
        (AuthFailure::Malformed(m), Family::Json) => ("IncompleteSignatureException", 400, m.clone()),
        (AuthFailure::Mismatch { .. }, Family::S3) => (
            "SignatureDoesNotMatch",
            403,
            "The request signature we calculated does not match the signature you provided. Check your key and signing method.".into(),
        ),
        (AuthFailure::Mismatch { .. }, Family::Query) => ("SignatureDoesNotMatch", 403, MISMATCH_MESSAGE.into()),
        (AuthFailure::Mismatch { .. }, Family::Json) => ("InvalidSignatureException", 403, MISMATCH_MESSAGE.into()),
        (AuthFailure::Skewed { .. }, Family::S3) => {
            ("RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large.".into())
        }
        (AuthFailure::Skewed { request_time, server_time }, fam) => (
            if fam == Family::Query { "SignatureDoesNotMatch" } else { "InvalidSignatureException" },
            403,
            format!("Signature expired: {request_time} is now earlier than {server_time} - 15 min."),
        ),
        (AuthFailure::PresignExpired, Family::S3) => ("AccessDenied", 403, "Request has expired".into()),
        (AuthFailure::PresignExpired, fam) => (
            if fam == Family::Query { "SignatureDoesNotMatch" } else { "InvalidSignatureException" },
            403,
            "Signature expired: the presigned request is past its X-Amz-Expires".into(),
        ),
        (AuthFailure::UnknownAccessKey, Family::S3) => {
            ("InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records.".into())
        }
        (AuthFailure::UnknownAccessKey, Family::Query) => {
            ("InvalidClientTokenId", 403, "The security token included in the request is invalid.".into())
        }
        (AuthFailure::UnknownAccessKey, Family::Json) => {
            ("UnrecognizedClientException", 403, "The security token included in the request is invalid.".into())
        }
        (AuthFailure::TokenExpired, Family::Json) => {
            ("ExpiredTokenException", 403, "The security token included in the request is expired".into())
        }
        (AuthFailure::TokenExpired, Family::S3) => ("ExpiredToken", 400, "The provided token has expired.".into()),
        (AuthFailure::TokenExpired, Family::Query) => {
            ("ExpiredToken", 403, "The security token included in the request is expired".into())
        }
        (AuthFailure::BadToken, Family::S3) => ("InvalidToken", 400, "The provided token is malformed or otherwise invalid.".into()),
        (AuthFailure::BadToken, Family::Query) => {
            ("InvalidClientTokenId", 403, "The security token included in the request is invalid.".into())
        }
        (AuthFailure::BadToken, Family::Json) => {
            ("UnrecognizedClientException", 403, "The security token included in the request is invalid.".into())
        }
    };
    let mut err = ServiceError::new(code, status, message);
    // S3 shows the server's view so that a client can find its signing mistake.
    if let (AuthFailure::Mismatch { string_to_sign, canonical_request }, Family::S3) = (f, fam) {
        err.headers.push(("x-amz-string-to-sign".into(), string_to_sign.replace('\n', "\\n")));
        if !canonical_request.is_empty() {
            err.headers.push(("x-amz-canonical-request-sha256".into(), simfra_sigv4::sha256_hex(canonical_request.as_bytes())));
        }
    }
    err
}

/// S3 (not S3 Control) answers unsigned requests where bucket policies allow everyone.
pub fn serves_anonymous(svc: &ServiceSchema) -> bool {
    svc.namespace == "com.amazonaws.s3"
}

/// The error a service answers an IAM denial with: its modeled access-denied
/// error where it has one, else the protocol family's usual code.
pub fn denied_error(d: &simfra_identity::authorize::Denial, svc: &ServiceSchema, protocol: Protocol) -> ServiceError {
    let message = d.message();
    match family(svc, protocol) {
        // Across accounts S3 tells nothing of the policies that refused.
        Family::S3 if d.cross_account => return ServiceError::new("AccessDenied", 403, "Access Denied"),
        Family::S3 => return ServiceError::new("AccessDenied", 403, d.s3_message()),
        _ if protocol == Protocol::Ec2Query => {
            return ServiceError::new("UnauthorizedOperation", 403, format!("You are not authorized to perform this operation. {message}"))
        }
        _ => {}
    }
    const MODELED: [&str; 5] = ["AccessDeniedException", "AccessDenied", "AuthorizationErrorException", "AuthorizationError", "AccessDeniedFault"];
    for name in MODELED {
        // The service's own access-denied error, bound on the service or on its operations.
        let found = svc.errors.iter().copied().find(|&e| svc.shape(e).name == name).or_else(|| {
            svc.operations.iter().flat_map(|o| o.errors.iter().copied()).find(|&e| svc.shape(e).name == name)
        });
        if let Some(shape) = found {
            let mut err = ServiceError::from_shape(svc, shape, simfra_model::Value::empty_struct());
            err.message = Some(message);
            if svc.shape(shape).http_error == 0 && svc.shape(shape).query_error.is_none() {
                err.status = 403;
            }
            return err;
        }
    }
    match family(svc, protocol) {
        Family::Query => ServiceError::new("AccessDenied", 403, message),
        // Query-compatible services (SQS) keep their Query code and status
        // under JSON and CBOR (clients read it from `x-amzn-query-error`).
        _ if svc.query_compatible => ServiceError::new("AccessDenied", 403, message),
        // REST services answer 403 (Lambda …); awsJson ones 400 (DynamoDB …).
        _ if protocol == Protocol::RestJson1 => ServiceError::new("AccessDeniedException", 403, message),
        _ => ServiceError::new("AccessDeniedException", 400, message),
    }
}
