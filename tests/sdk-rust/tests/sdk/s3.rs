//! S3 through aws-sdk-s3 (path-style, plain HTTP). Over plain HTTP the SDK
//! signs streaming uploads chunk by chunk: a body from a file goes out
//! `Content-Encoding: aws-chunked` with `x-amz-content-sha256:
//! STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`, each chunk signed over the
//! previous signature and the checksum sent as a signed trailer. The object
//! must read back byte for byte.

use crate::common::*;
use crate::interceptors::RecordHeaders;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ChecksumAlgorithm;

/// A few MiB and an odd tail, so the last aws-chunked chunk is short.
const BIG: usize = 3 * 1024 * 1024 + 12_345;

async fn read_back(client: &aws_sdk_s3::Client, bucket: &str, key: &str) -> (Vec<u8>, Option<String>) {
    let out = client.get_object().bucket(bucket).key(key).send().await.expect("GetObject");
    let etag = out.e_tag().map(str::to_string);
    let body = out.body.collect().await.expect("reading the GetObject body").into_bytes().to_vec();
    (body, etag)
}

#[tokio::test]
async fn streaming_upload_from_file_with_signed_chunks_and_crc32_trailer() {
    let server = Server::start();
    let client = s3_client(&server);
    let bucket = "sdk-rust-streaming";
    client.create_bucket().bucket(bucket).send().await.expect("CreateBucket");

    let data = test_data(BIG, 1);
    let file = TempFile::with_contents("stream-crc32.bin", &data);
    let wire = RecordHeaders::default();
    let put = client
        .put_object()
        .bucket(bucket)
        .key("big/object.bin")
        .body(ByteStream::from_path(&file.0).await.expect("ByteStream from the temp file"))
        .customize()
        .interceptor(wire.clone())
        .send()
        .await
        .expect("PutObject with a streaming body, aws-chunked with signed chunks");

    // What the SDK actually sent: the signed-chunk variant with a checksum trailer.
    assert_eq!(wire.get("x-amz-content-sha256").as_deref(), Some("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"));
    assert!(wire.get("content-encoding").is_some_and(|v| v.contains("aws-chunked")), "{:?}", wire.get("content-encoding"));
    assert_eq!(wire.get("x-amz-trailer").as_deref(), Some("x-amz-checksum-crc32"));
    assert_eq!(wire.get("x-amz-decoded-content-length"), Some(BIG.to_string()));

    if let Some(sum) = put.checksum_crc32() {
        assert_eq!(sum, crc32_b64(&data), "the CRC32 S3 reports is that of the payload");
    }
    let (body, get_etag) = read_back(&client, bucket, "big/object.bin").await;
    assert_eq!(body.len(), BIG);
    assert!(body == data, "the object reads back byte-identical to the file");
    assert_eq!(get_etag.as_deref(), put.e_tag());

    let head = client.head_object().bucket(bucket).key("big/object.bin").send().await.expect("HeadObject");
    assert_eq!(head.content_length(), Some(BIG as i64));
    assert_eq!(head.e_tag(), put.e_tag());

    // A second, small object, so the listing has an order to get right.
    client
        .put_object()
        .bucket(bucket)
        .key("a-small.txt")
        .body(ByteStream::from_static(b"hello"))
        .send()
        .await
        .expect("PutObject small");
    let list = client.list_objects_v2().bucket(bucket).send().await.expect("ListObjectsV2");
    let listed: Vec<(&str, i64)> = list.contents().iter().map(|o| (o.key().unwrap_or(""), o.size().unwrap_or(-1))).collect();
    assert_eq!(listed, vec![("a-small.txt", 5), ("big/object.bin", BIG as i64)]);
    assert_eq!(list.key_count(), Some(2));
    let under = client.list_objects_v2().bucket(bucket).prefix("big/").send().await.expect("ListObjectsV2 prefix");
    assert_eq!(under.contents().len(), 1);
    assert_eq!(under.contents()[0].e_tag(), put.e_tag());
}

#[tokio::test]
async fn streaming_upload_with_explicit_sha256_checksum() {
    let server = Server::start();
    let client = s3_client(&server);
    let bucket = "sdk-rust-sha256";
    client.create_bucket().bucket(bucket).send().await.expect("CreateBucket");

    let data = test_data(BIG, 2);
    let file = TempFile::with_contents("stream-sha256.bin", &data);
    let wire = RecordHeaders::default();
    let put = client
        .put_object()
        .bucket(bucket)
        .key("sha256.bin")
        .checksum_algorithm(ChecksumAlgorithm::Sha256)
        .body(ByteStream::from_path(&file.0).await.expect("ByteStream from the temp file"))
        .customize()
        .interceptor(wire.clone())
        .send()
        .await
        .expect("PutObject with ChecksumAlgorithm::Sha256");
    assert_eq!(wire.get("x-amz-content-sha256").as_deref(), Some("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"));
    assert_eq!(wire.get("x-amz-trailer").as_deref(), Some("x-amz-checksum-sha256"));
    if let Some(sum) = put.checksum_sha256() {
        assert_eq!(sum, sha256_b64(&data));
    }
    let (body, _) = read_back(&client, bucket, "sha256.bin").await;
    assert!(body == data, "the object reads back byte-identical to the file");
}

#[tokio::test]
async fn in_memory_upload_with_explicit_crc32_checksum_header() {
    let server = Server::start();
    let client = s3_client(&server);
    let bucket = "sdk-rust-in-memory";
    client.create_bucket().bucket(bucket).send().await.expect("CreateBucket");

    // An in-memory body is not chunked: its SHA-256 is signed and the checksum goes in a header.
    let data = test_data(256 * 1024 + 7, 3);
    let wire = RecordHeaders::default();
    let put = client
        .put_object()
        .bucket(bucket)
        .key("crc32.bin")
        .checksum_algorithm(ChecksumAlgorithm::Crc32)
        .body(ByteStream::from(data.clone()))
        .customize()
        .interceptor(wire.clone())
        .send()
        .await
        .expect("PutObject with an in-memory body and ChecksumAlgorithm::Crc32");
    assert_eq!(wire.get("x-amz-checksum-crc32"), Some(crc32_b64(&data)));
    let content_sha = wire.get("x-amz-content-sha256").unwrap_or_default();
    assert_eq!(content_sha.len(), 64, "the payload's SHA-256 is signed: {content_sha}");
    assert!(wire.get("content-encoding").is_none_or(|v| !v.contains("aws-chunked")));
    if let Some(sum) = put.checksum_crc32() {
        assert_eq!(sum, crc32_b64(&data));
    }
    let (body, _) = read_back(&client, bucket, "crc32.bin").await;
    assert!(body == data, "the object reads back byte-identical");
}
