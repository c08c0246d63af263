//! Presigned URLs made by aws-sdk-s3, used by a client that knows nothing of
//! SigV4 (a bare HTTP/1.1 request): valid ones work, altered or expired ones get
//! S3's 403s.

use std::time::Duration;

use crate::common::*;
use aws_sdk_s3::presigning::{PresignedRequest, PresigningConfig};
use aws_sdk_s3::primitives::ByteStream;

fn fetch(req: &PresignedRequest, url: &str, body: &[u8]) -> RawResponse {
    let headers: Vec<(String, String)> = req.headers().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    http_request(req.method(), url, &headers, body).expect("sending the presigned request")
}

fn presign(secs: u64) -> PresigningConfig {
    PresigningConfig::expires_in(Duration::from_secs(secs)).expect("presigning config")
}

/// `<Code>…</Code>` of an S3 error body.
fn error_code(resp: &RawResponse) -> String {
    let text = resp.text();
    text.split_once("<Code>").and_then(|(_, r)| r.split_once("</Code>")).map(|(c, _)| c.to_string()).unwrap_or_default()
}

async fn bucket_with_object(client: &aws_sdk_s3::Client, bucket: &str, key: &str, data: &[u8]) {
    client.create_bucket().bucket(bucket).send().await.expect("CreateBucket");
    client.put_object().bucket(bucket).key(key).body(ByteStream::from(data.to_vec())).send().await.expect("PutObject");
}

#[tokio::test]
async fn presigned_get_and_put_work_from_a_plain_http_client() {
    let server = Server::start();
    let client = s3_client(&server);
    let data = test_data(70_000, 4);
    bucket_with_object(&client, "sdk-rust-presign", "dir/file name+1.bin", &data).await;

    let get = client
        .get_object()
        .bucket("sdk-rust-presign")
        .key("dir/file name+1.bin")
        .presigned(presign(300))
        .await
        .expect("presigning GetObject");
    assert!(get.uri().contains("X-Amz-Signature="), "{}", get.uri());
    let resp = fetch(&get, get.uri(), b"");
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert!(resp.body == data, "the presigned GET returns the object");
    assert_eq!(resp.header("content-length"), Some(data.len().to_string().as_str()));

    // A presigned PUT (payload UNSIGNED-PAYLOAD), then read back through the SDK.
    let put = client
        .put_object()
        .bucket("sdk-rust-presign")
        .key("uploaded.txt")
        .presigned(presign(300))
        .await
        .expect("presigning PutObject");
    let resp = fetch(&put, put.uri(), b"uploaded through a presigned URL");
    assert_eq!(resp.status, 200, "{}", resp.text());
    let got = client.get_object().bucket("sdk-rust-presign").key("uploaded.txt").send().await.expect("GetObject");
    let body = got.body.collect().await.expect("body").into_bytes();
    assert_eq!(&body[..], b"uploaded through a presigned URL");
}

#[tokio::test]
async fn presigned_get_with_altered_query_is_refused() {
    let server = Server::start();
    let client = s3_client(&server);
    bucket_with_object(&client, "sdk-rust-presign-tamper", "k", b"secret").await;
    let get = client
        .get_object()
        .bucket("sdk-rust-presign-tamper")
        .key("k")
        .presigned(presign(300))
        .await
        .expect("presigning GetObject");
    let url = get.uri().to_string();

    // Longer validity than was signed.
    let longer = url.replace("X-Amz-Expires=300", "X-Amz-Expires=900");
    assert_ne!(longer, url, "the URL carries X-Amz-Expires=300: {url}");
    // A response override the signer never saw.
    let extra = format!("{url}&response-content-type=text%2Fhtml");
    // Another object than the one signed for.
    let other_key = url.replacen("/k?", "/K?", 1);
    assert_ne!(other_key, url);

    for altered in [longer, extra, other_key] {
        let resp = fetch(&get, &altered, b"");
        assert_eq!(resp.status, 403, "{altered}: {}", resp.text());
        assert_eq!(error_code(&resp), "SignatureDoesNotMatch", "{altered}: {}", resp.text());
        assert!(!resp.text().contains("secret"));
    }
    // The untouched URL still works.
    assert_eq!(fetch(&get, &url, b"").status, 200);
}

#[tokio::test]
async fn expired_presigned_get_is_refused() {
    let server = Server::start();
    let client = s3_client(&server);
    bucket_with_object(&client, "sdk-rust-presign-expiry", "k", b"secret").await;
    let get = client
        .get_object()
        .bucket("sdk-rust-presign-expiry")
        .key("k")
        .presigned(presign(1))
        .await
        .expect("presigning GetObject");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let resp = fetch(&get, get.uri(), b"");
    assert_eq!(resp.status, 403, "{}", resp.text());
    assert_eq!(error_code(&resp), "AccessDenied", "{}", resp.text());
    assert!(resp.text().contains("<Message>Request has expired</Message>"), "{}", resp.text());
}
