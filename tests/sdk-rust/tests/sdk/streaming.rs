//! `aws-chunked` uploads framed by hand but signed with the SDK's own signer
//! (aws-sigv4: the seed signature over the headers, then `sign_chunk` and
//! `sign_trailer` for the chain). This covers `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`
//! without a trailer, which aws-sdk-s3 never sends by itself (it always adds a
//! checksum trailer), and framing edits the SDK cannot be made to do.

use std::time::SystemTime;

use crate::common::*;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_runtime_api::http::Headers;
use bytes::Bytes;

const CHUNK: usize = 64 * 1024;

fn v4_params(identity: &Identity, time: SystemTime) -> v4::SigningParams<'_, SigningSettings> {
    let mut settings = SigningSettings::default();
    // S3 signs the path as sent and wants the payload mode in x-amz-content-sha256.
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
    v4::SigningParams::builder()
        .identity(identity)
        .region(REGION)
        .name("s3")
        .time(time)
        .settings(settings)
        .build()
        .expect("SigV4 signing parameters")
}

/// What goes after the chunks.
enum Trailer {
    None,
    /// A CRC32 trailer with its `x-amz-trailer-signature`.
    Signed,
    /// A CRC32 trailer without the signature that `…-PAYLOAD-TRAILER` requires.
    Unsigned,
}

/// A signed aws-chunked PUT: the headers to send and the framed body.
fn signed_chunked_put(server: &Server, path: &str, data: &[u8], trailer: Trailer) -> (Vec<(String, String)>, Vec<u8>) {
    let identity: Identity = credentials(ACCESS_KEY, SECRET_KEY).into();
    let time = SystemTime::now();
    let mode = match trailer {
        Trailer::None => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        _ => "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
    };
    let mut headers: Vec<(String, String)> = vec![
        ("host".into(), server.addr.clone()),
        ("content-encoding".into(), "aws-chunked".into()),
        ("x-amz-decoded-content-length".into(), data.len().to_string()),
    ];
    if !matches!(trailer, Trailer::None) {
        headers.push(("x-amz-trailer".into(), "x-amz-checksum-crc32".into()));
    }
    let url = format!("{}{path}", server.endpoint);
    let signable = SignableRequest::new(
        "PUT",
        url.as_str(),
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Precomputed(mode.into()),
    )
    .expect("a signable request");
    let (instructions, seed) = sign(signable, &v4_params(&identity, time).into()).expect("seed signature").into_parts();
    headers.extend(instructions.headers().map(|(k, v)| (k.to_string(), v.to_string())));

    let params = v4_params(&identity, time);
    let mut body = Vec::new();
    let mut prev = seed;
    for chunk in data.chunks(CHUNK).chain(std::iter::once(&[][..])) {
        let sig = v4::sign_chunk(&Bytes::copy_from_slice(chunk), &prev, &params).expect("chunk signature").into_parts().1;
        body.extend_from_slice(format!("{:x};chunk-signature={sig}\r\n", chunk.len()).as_bytes());
        body.extend_from_slice(chunk);
        if !chunk.is_empty() {
            body.extend_from_slice(b"\r\n");
        }
        prev = sig;
    }
    match trailer {
        Trailer::None => body.extend_from_slice(b"\r\n"),
        Trailer::Signed | Trailer::Unsigned => {
            let crc = crc32_b64(data);
            body.extend_from_slice(format!("x-amz-checksum-crc32:{crc}\r\n").as_bytes());
            if matches!(trailer, Trailer::Signed) {
                let mut trailing = Headers::new();
                trailing.insert("x-amz-checksum-crc32", crc);
                let sig = v4::sign_trailer(&trailing, &prev, &params).expect("trailer signature").into_parts().1;
                body.extend_from_slice(format!("x-amz-trailer-signature:{sig}\r\n").as_bytes());
            }
            body.extend_from_slice(b"\r\n");
        }
    }
    (headers, body)
}

async fn object(server: &Server, bucket: &str, key: &str) -> Option<Vec<u8>> {
    let out = s3_client(server).get_object().bucket(bucket).key(key).send().await.ok()?;
    Some(out.body.collect().await.expect("GetObject body").into_bytes().to_vec())
}

/// `<Code>…</Code>` of an S3 error body.
fn error_code(resp: &RawResponse) -> String {
    let text = resp.text();
    text.split_once("<Code>").and_then(|(_, r)| r.split_once("</Code>")).map(|(c, _)| c.to_string()).unwrap_or_default()
}

async fn server_with_bucket(bucket: &str) -> Server {
    let server = Server::start();
    s3_client(&server).create_bucket().bucket(bucket).send().await.expect("CreateBucket");
    server
}

#[tokio::test]
async fn signed_chunks_without_trailer_are_accepted() {
    let server = server_with_bucket("sdk-rust-chunks").await;
    let data = test_data(200_000, 7);
    let (headers, body) = signed_chunked_put(&server, "/sdk-rust-chunks/plain.bin", &data, Trailer::None);
    assert!(headers.iter().any(|(k, v)| k == "x-amz-content-sha256" && v == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"));
    let url = format!("{}/sdk-rust-chunks/plain.bin", server.endpoint);
    let resp = http_request("PUT", &url, &headers, &body).expect("PUT");
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert!(object(&server, "sdk-rust-chunks", "plain.bin").await == Some(data), "the object reads back byte-identical");
}

#[tokio::test]
async fn signed_chunks_with_signed_trailer_are_accepted() {
    let server = server_with_bucket("sdk-rust-chunks-trailer").await;
    let data = test_data(100_000, 8);
    let (headers, body) = signed_chunked_put(&server, "/sdk-rust-chunks-trailer/t.bin", &data, Trailer::Signed);
    let url = format!("{}/sdk-rust-chunks-trailer/t.bin", server.endpoint);
    let resp = http_request("PUT", &url, &headers, &body).expect("PUT");
    assert_eq!(resp.status, 200, "{}", resp.text());
    assert!(object(&server, "sdk-rust-chunks-trailer", "t.bin").await == Some(data));
}

#[tokio::test]
async fn altered_signed_chunks_are_refused() {
    let server = server_with_bucket("sdk-rust-chunks-altered").await;
    let data = test_data(200_000, 9);
    let url = format!("{}/sdk-rust-chunks-altered/x.bin", server.endpoint);
    let (headers, body) = signed_chunked_put(&server, "/sdk-rust-chunks-altered/x.bin", &data, Trailer::None);

    // One byte of the second chunk's data.
    let mut altered = body.clone();
    let header_len = format!("{CHUNK:x};chunk-signature=").len() + 64 + 2;
    let second_data = header_len + CHUNK + 2 + header_len;
    altered[second_data + 100] ^= 0x01;
    // The last chunk cut off (its signature chain ends early).
    let last = body.windows(3).rposition(|w| w == b"\n0;").expect("the final chunk") + 1;
    let mut truncated = body[..last].to_vec();
    truncated.extend_from_slice(format!("0;chunk-signature={}\r\n\r\n", "0".repeat(64)).as_bytes());

    for (what, body) in [("altered data", altered), ("forged final chunk", truncated)] {
        let resp = http_request("PUT", &url, &headers, &body).expect("PUT");
        assert_eq!(resp.status, 403, "{what}: {}", resp.text());
        assert_eq!(error_code(&resp), "SignatureDoesNotMatch", "{what}: {}", resp.text());
    }
    assert_eq!(object(&server, "sdk-rust-chunks-altered", "x.bin").await, None, "nothing was stored");
}

/// With `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER` the trailer is part of the
/// signature chain: a trailer without `x-amz-trailer-signature` could carry any
/// checksum, so it is refused.
#[tokio::test]
#[ignore = "Simfra bug: runtime/sigv4 verify::verify_chunks accepts a …-PAYLOAD-TRAILER body whose trailer has no x-amz-trailer-signature"]
async fn signed_payload_trailer_without_trailer_signature_is_refused() {
    let server = server_with_bucket("sdk-rust-chunks-unsigned-trailer").await;
    let data = test_data(100_000, 10);
    let url = format!("{}/sdk-rust-chunks-unsigned-trailer/u.bin", server.endpoint);
    let (headers, body) = signed_chunked_put(&server, "/sdk-rust-chunks-unsigned-trailer/u.bin", &data, Trailer::Unsigned);
    let resp = http_request("PUT", &url, &headers, &body).expect("PUT");
    assert!((400..500).contains(&resp.status), "status {}: {}", resp.status, resp.text());
    assert_eq!(object(&server, "sdk-rust-chunks-unsigned-trailer", "u.bin").await, None, "nothing was stored");
}
