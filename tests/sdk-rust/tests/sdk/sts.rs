//! STS GetCallerIdentity (awsQuery, form body signed with its SHA-256): the root
//! keys are accepted; a wrong secret and an unknown key get AWS's error codes.

use crate::common::*;
use aws_sdk_sts::error::ProvideErrorMetadata;

#[tokio::test]
async fn get_caller_identity_with_root_keys() {
    let server = Server::start();
    let out = sts_client(&server, ACCESS_KEY, SECRET_KEY)
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity signed by the SDK with the root keys");
    assert_eq!(out.arn(), Some(format!("arn:aws:iam::{ACCOUNT}:root").as_str()));
    assert_eq!(out.account(), Some(ACCOUNT));
}

#[tokio::test]
async fn wrong_secret_is_signature_does_not_match() {
    let server = Server::start();
    let err = sts_client(&server, ACCESS_KEY, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEY")
        .get_caller_identity()
        .send()
        .await
        .expect_err("a signature made with the wrong secret must be refused");
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"), "{err:?}");
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(403));
    let message = err.message().unwrap_or_default();
    assert!(message.starts_with("The request signature we calculated does not match the signature you provided"), "{message}");
}

#[tokio::test]
async fn unknown_access_key_is_invalid_client_token_id() {
    let server = Server::start();
    let err = sts_client(&server, "AKIAI44QH8DHBEXAMPLE", SECRET_KEY)
        .get_caller_identity()
        .send()
        .await
        .expect_err("an access key the server does not know must be refused");
    assert_eq!(err.code(), Some("InvalidClientTokenId"), "{err:?}");
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(403));
    assert_eq!(err.message(), Some("The security token included in the request is invalid."));
}
