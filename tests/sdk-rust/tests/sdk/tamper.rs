//! Requests the SDK signed, changed by one character after signing (an
//! interceptor on the transmit hook): every change to a signed part must be
//! refused, and nothing of the altered request may take effect.

use crate::common::*;
use crate::interceptors::{AlterBody, AlterHeader, At};
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::primitives::ByteStream;

fn status<E>(err: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>) -> Option<u16> {
    err.raw_response().map(|r| r.status().as_u16())
}

async fn assert_absent(client: &aws_sdk_s3::Client, bucket: &str, key: &str) {
    let err = client.head_object().bucket(bucket).key(key).send().await.expect_err("the refused upload stored nothing");
    assert_eq!(status(&err), Some(404), "{err:?}");
}

#[tokio::test]
async fn sts_with_altered_body_or_signed_header_is_refused() {
    let server = Server::start();
    let client = sts_client(&server, ACCESS_KEY, SECRET_KEY);

    // `Action=GetCallerIdentity&Version=2011-06-15`: the last digit of the version.
    let body = AlterBody::new(At::FromEnd(1));
    let err = client
        .get_caller_identity()
        .customize()
        .interceptor(body.clone())
        .send()
        .await
        .expect_err("an altered form body must be refused");
    assert!(String::from_utf8_lossy(&body.sent()).starts_with("Action=GetCallerIdentity"), "{:?}", body.sent());
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"), "{err:?}");
    assert_eq!(err.raw_response().map(|r| r.status().as_u16()), Some(403));

    // `X-Amz-Date: 20250101T123456Z`: the last digit of the seconds (still within the skew window).
    let err = client
        .get_caller_identity()
        .customize()
        .interceptor(AlterHeader { name: "x-amz-date", at: 14 })
        .send()
        .await
        .expect_err("an altered signed header must be refused");
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"), "{err:?}");

    // The same client, unaltered, still works.
    client.get_caller_identity().send().await.expect("GetCallerIdentity");
}

#[tokio::test]
async fn s3_put_with_altered_metadata_header_is_refused() {
    let server = Server::start();
    let client = s3_client(&server);
    let bucket = "sdk-rust-tamper-header";
    client.create_bucket().bucket(bucket).send().await.expect("CreateBucket");
    let err = client
        .put_object()
        .bucket(bucket)
        .key("k")
        .metadata("color", "blue")
        .body(ByteStream::from_static(b"data"))
        .customize()
        .interceptor(AlterHeader { name: "x-amz-meta-color", at: 0 })
        .send()
        .await
        .expect_err("an altered x-amz-meta header must be refused");
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"), "{err:?}");
    assert_eq!(status(&err), Some(403));
    assert_absent(&client, bucket, "k").await;
}

/// A file body goes out aws-chunked with each chunk signed while it streams;
/// one changed byte of chunk data breaks that chunk's signature.
#[tokio::test]
async fn s3_streaming_upload_with_altered_chunk_data_is_refused() {
    let server = Server::start();
    let client = s3_client(&server);
    let bucket = "sdk-rust-tamper-chunk";
    client.create_bucket().bucket(bucket).send().await.expect("CreateBucket");
    let data = test_data(150_000, 5);
    let file = TempFile::with_contents("tamper-chunk.bin", &data);

    // Byte 1000 of the wire body: past the first chunk's header
    // (`10000;chunk-signature=<64 hex>\r\n`), inside its data.
    let alter = AlterBody::new(At::FromStart(1000));
    let err = client
        .put_object()
        .bucket(bucket)
        .key("k")
        .body(ByteStream::from_path(&file.0).await.expect("ByteStream"))
        .customize()
        .interceptor(alter.clone())
        .send()
        .await
        .expect_err("an altered chunk must be refused");

    // The change was made to the encoded stream, after the chunk signatures.
    let sent = alter.sent();
    let header_end = sent.windows(2).position(|w| w == b"\r\n").expect("a chunk header line");
    let header = String::from_utf8_lossy(&sent[..header_end]).into_owned();
    assert!(header.contains(";chunk-signature="), "the body was sent aws-chunked with signed chunks: {header}");
    assert_eq!(alter.changed(), Some(1000));
    assert!(header_end < 1000);

    assert_eq!(err.code(), Some("SignatureDoesNotMatch"), "{err:?}");
    assert_eq!(status(&err), Some(403));
    assert_absent(&client, bucket, "k").await;
}

/// The checksum trailer is signed too (`x-amz-trailer-signature`): changing
/// the checksum value after signing breaks it.
#[tokio::test]
async fn s3_streaming_upload_with_altered_checksum_trailer_is_refused() {
    let server = Server::start();
    let client = s3_client(&server);
    let bucket = "sdk-rust-tamper-trailer";
    client.create_bucket().bucket(bucket).send().await.expect("CreateBucket");
    let data = test_data(100_000, 6);
    let file = TempFile::with_contents("tamper-trailer.bin", &data);

    // The body ends `x-amz-checksum-crc32:<8 base64>\r\nx-amz-trailer-signature:<64 hex>\r\n\r\n`:
    // 100 bytes from the end is the third character of the CRC32 value.
    let alter = AlterBody::new(At::FromEnd(100));
    let err = client
        .put_object()
        .bucket(bucket)
        .key("k")
        .body(ByteStream::from_path(&file.0).await.expect("ByteStream"))
        .customize()
        .interceptor(alter.clone())
        .send()
        .await
        .expect_err("an altered checksum trailer must be refused");

    let sent = alter.sent();
    let changed = alter.changed().expect("a byte was changed") as usize;
    let name = b"x-amz-checksum-crc32:";
    let value_start = sent.windows(name.len()).rposition(|w| w == name).expect("a CRC32 trailer") + name.len();
    assert!((value_start..value_start + 8).contains(&changed), "changed byte {changed} is in the checksum value at {value_start}");
    assert!(String::from_utf8_lossy(&sent[value_start..]).contains("\r\nx-amz-trailer-signature:"));

    assert_eq!(err.code(), Some("SignatureDoesNotMatch"), "{err:?}");
    assert_eq!(status(&err), Some(403));
    assert_absent(&client, bucket, "k").await;
}

/// An in-memory body is signed through `x-amz-content-sha256` (its SHA-256 in
/// hex). A body that does not hash to that value is refused by S3 with
/// `XAmzContentSHA256Mismatch` (400), before anything is stored.
#[tokio::test]
#[ignore = "Simfra bug: runtime/sigv4 verify::payload_hash_candidates trusts x-amz-content-sha256 and nothing compares it with the body's SHA-256"]
async fn s3_put_with_altered_body_under_signed_content_sha256_is_refused() {
    let server = Server::start();
    let client = s3_client(&server);
    let bucket = "sdk-rust-tamper-body";
    client.create_bucket().bucket(bucket).send().await.expect("CreateBucket");
    let alter = AlterBody::new(At::FromStart(3));
    let err = client
        .put_object()
        .bucket(bucket)
        .key("k")
        .body(ByteStream::from_static(b"pay 100 dollars"))
        .customize()
        .interceptor(alter.clone())
        .send()
        .await
        .expect_err("a body that does not match its signed SHA-256 must be refused");
    assert_eq!(alter.sent(), b"pay!100 dollars");
    assert_eq!(err.code(), Some("XAmzContentSHA256Mismatch"), "{err:?}");
    assert_eq!(status(&err), Some(400));
    assert_absent(&client, bucket, "k").await;
}
