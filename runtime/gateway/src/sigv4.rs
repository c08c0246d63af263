//! What a SigV4 signature tells about the request: who signed it and for which
//! service and region. (Verification is the identity layer's job; routing only
//! needs the credential scope.)

/// `AKID/20240101/us-east-1/sqs/aws4_request`
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialScope {
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
}

fn parse_credential(credential: &str) -> Option<CredentialScope> {
    let mut parts = credential.trim().split('/');
    let scope = CredentialScope {
        access_key_id: parts.next()?.to_string(),
        date: parts.next()?.to_string(),
        region: parts.next()?.to_string(),
        service: parts.next()?.to_string(),
    };
    (parts.next()? == "aws4_request").then_some(scope)
}

/// From the `Authorization` header (`AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`).
pub fn scope_from_authorization(header: &str) -> Option<CredentialScope> {
    let rest = header.strip_prefix("AWS4-HMAC-SHA256")?;
    rest.split(',')
        .map(str::trim)
        .find_map(|part| part.strip_prefix("Credential="))
        .and_then(parse_credential)
}

/// From a presigned URL's `X-Amz-Credential` query parameter (already decoded).
pub fn scope_from_query_credential(value: &str) -> Option<CredentialScope> {
    parse_credential(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_header_scope() {
        let s = scope_from_authorization(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240101/eu-west-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
        )
        .unwrap();
        assert_eq!(s.region, "eu-west-1");
        assert_eq!(s.service, "sqs");
        assert_eq!(s.access_key_id, "AKIAIOSFODNN7EXAMPLE");
        assert!(scope_from_authorization("Bearer x").is_none());
        assert!(scope_from_authorization("AWS4-HMAC-SHA256 Credential=a/b/c/d/nope").is_none());
    }
}
