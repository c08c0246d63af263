"""S3 objects as boto3 sees them: writes with their integrity checks
(Content-MD5, flexible checksums in headers and aws-chunked trailers),
metadata, content headers, storage classes, conditional writes, SSE-S3/KMS/C,
reads (ranges, conditions, overrides, versions, delete markers), deletes,
batch deletes, copies, attributes, tags, restores of archived objects and
Object Lock, each failure with AWS's code and HTTP status."""

import base64
import datetime
import hashlib
import json
import os
import time
import zlib

import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import ACCESS_KEY, REGION, SECRET_KEY, code, message, status, unique


def headers_of(resp):
    return resp["ResponseMetadata"]["HTTPHeaders"]


def b64(data):
    return base64.b64encode(data).decode()


def crc32_b64(data):
    return b64(zlib.crc32(data).to_bytes(4, "big"))


@pytest.fixture
def bucket(s3):
    name = unique("obj")
    s3.create_bucket(Bucket=name)
    return name


@pytest.fixture
def versioned(s3):
    name = unique("ver")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return name


def with_header(client, event, name, value):
    """Adds a raw header to the client's next requests of `event`."""

    def add(request, **_):
        request.headers[name] = value

    client.meta.events.register(f"before-sign.s3.{event}", add)
    return add


# ---------------------------------------------------------------- writes and reads


def test_put_get_round_trip_with_metadata_and_content_headers(s3, bucket):
    body = b"hello world"
    out = s3.put_object(
        Bucket=bucket,
        Key="dir/hello.txt",
        Body=body,
        Metadata={"Color": "blue", "note": "x y"},
        ContentType="text/plain",
        ContentDisposition="attachment",
        ContentLanguage="en",
        CacheControl="max-age=60",
        ContentEncoding="identity",
        WebsiteRedirectLocation="/elsewhere",
    )
    assert out["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
    assert out["ServerSideEncryption"] == "AES256"
    assert "VersionId" not in out
    got = s3.get_object(Bucket=bucket, Key="dir/hello.txt")
    assert got["Body"].read() == body
    assert got["Metadata"] == {"color": "blue", "note": "x y"}
    assert (got["ContentType"], got["ContentDisposition"], got["ContentLanguage"], got["CacheControl"]) == ("text/plain", "attachment", "en", "max-age=60")
    assert got["WebsiteRedirectLocation"] == "/elsewhere"
    assert got["AcceptRanges"] == "bytes"
    assert got["ContentLength"] == len(body)
    assert "x-amz-storage-class" not in headers_of(got)
    head = s3.head_object(Bucket=bucket, Key="dir/hello.txt")
    assert head["ETag"] == out["ETag"] and head["ContentLength"] == len(body)
    assert head["LastModified"] == got["LastModified"]
    # Without a Content-Type, S3 stores binary/octet-stream.
    s3.put_object(Bucket=bucket, Key="plain", Body=b"x")
    assert s3.head_object(Bucket=bucket, Key="plain")["ContentType"] == "binary/octet-stream"


def test_missing_bucket_key_and_head_errors(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=unique("nobucket"), Key="k", Body=b"x")
    assert (code(e), status(e)) == ("NoSuchBucket", 404)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="missing")
    assert (code(e), status(e)) == ("NoSuchKey", 404)
    assert message(e) == "The specified key does not exist."
    # HEAD answers carry no body: the SDK sees only the status.
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="missing")
    assert (code(e), status(e)) == ("404", 404)


def test_keys_are_at_most_1024_bytes(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k" * 1024, Body=b"x")
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="k" * 1025, Body=b"x")
    assert (code(e), status(e)) == ("KeyTooLongError", 400)


def test_content_md5_is_checked(s3, bucket):
    body = b"integrity"
    good = b64(hashlib.md5(body).digest())
    s3.put_object(Bucket=bucket, Key="md5", Body=body, ContentMD5=good)
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="md5", Body=b"other bytes", ContentMD5=good)
    assert (code(e), status(e)) == ("BadDigest", 400)
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="md5", Body=body, ContentMD5="not-an-md5")
    assert (code(e), status(e)) == ("InvalidDigest", 400)
    # The failed writes left the first object alone.
    assert s3.get_object(Bucket=bucket, Key="md5")["Body"].read() == body


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"])
def test_flexible_checksums_are_stored_and_answered(s3, bucket, algorithm):
    member = f"Checksum{algorithm}"
    expected = {
        "CRC32": "DUoRhQ==",
        "CRC32C": "yZRlqg==",
        "CRC64NVME": "jSnVw/bqjr4=",
        "SHA1": "Kq5sNclPz7QV2+lfQIuc6R7oRu0=",
        "SHA256": "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=",
    }[algorithm]
    # botocore computes CRC32C and CRC64NVME only with awscrt: send those values ourselves.
    given = {member: expected} if algorithm in ("CRC32C", "CRC64NVME") else {"ChecksumAlgorithm": algorithm}
    out = s3.put_object(Bucket=bucket, Key=f"sum-{algorithm}", Body=b"hello world", **given)
    assert out[member] == expected
    head = s3.head_object(Bucket=bucket, Key=f"sum-{algorithm}", ChecksumMode="ENABLED")
    assert head[member] == expected and head["ChecksumType"] == "FULL_OBJECT"
    got = s3.get_object(Bucket=bucket, Key=f"sum-{algorithm}", ChecksumMode="ENABLED")
    assert got[member] == expected
    # Without ChecksumMode the checksum is not answered.
    assert member not in s3.head_object(Bucket=bucket, Key=f"sum-{algorithm}")


def test_wrong_checksums_are_refused(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="bad", Body=b"hello world", ChecksumSHA256=b64(hashlib.sha256(b"other").digest()))
    assert (code(e), status(e)) == ("BadDigest", 400)
    assert message(e) == "The SHA256 you specified did not match the calculated checksum."
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="bad", Body=b"hello world", ChecksumCRC32="notbase64!")
    assert (code(e), status(e)) == ("InvalidRequest", 400)
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="bad")
    assert status(e) == 404


def test_two_checksum_headers_are_refused(make_client, bucket):
    client = make_client("s3")
    with_header(client, "PutObject", "x-amz-checksum-sha1", b64(hashlib.sha1(b"data").digest()))
    with pytest.raises(ClientError) as e:
        client.put_object(Bucket=bucket, Key="two", Body=b"data", ChecksumCRC32=crc32_b64(b"data"))
    assert (code(e), status(e)) == ("InvalidRequest", 400)
    assert "Multiple checksum Types are not allowed" in message(e)


def signed_chunked_put(endpoint, bucket, key, payload, trailer_value):
    """A PutObject with an aws-chunked body whose CRC32 travels in a trailer
    (STREAMING-UNSIGNED-PAYLOAD-TRAILER, as SDKs send streaming uploads)."""
    import urllib.request

    body = f"{len(payload):x}\r\n".encode() + payload + b"\r\n0\r\n" + f"x-amz-checksum-crc32:{trailer_value}\r\n\r\n".encode()
    url = f"{endpoint}/{bucket}/{key}"
    req = AWSRequest(
        method="PUT",
        url=url,
        data=body,
        headers={
            "Content-Encoding": "aws-chunked",
            "X-Amz-Content-SHA256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            "X-Amz-Decoded-Content-Length": str(len(payload)),
            "X-Amz-Trailer": "x-amz-checksum-crc32",
            "Content-Length": str(len(body)),
        },
    )
    S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", REGION).add_auth(req)
    prepared = urllib.request.Request(url, data=body, method="PUT", headers=dict(req.headers.items()))
    try:
        with urllib.request.urlopen(prepared, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


@pytest.mark.parametrize("size", [19, 3 << 20], ids=["buffered", "streamed"])
def test_trailing_checksums_are_verified(s3, bucket, simfra_endpoint, size):
    # Small bodies are read whole by the gateway; large ones stream to disk
    # and their trailer is known only at the end.
    payload = os.urandom(size)
    st, hdrs, _ = signed_chunked_put(simfra_endpoint, bucket, "trailed", payload, crc32_b64(payload))
    assert st == 200, _
    assert hdrs["x-amz-checksum-crc32"] == crc32_b64(payload)
    got = s3.get_object(Bucket=bucket, Key="trailed", ChecksumMode="ENABLED")
    assert got["Body"].read() == payload and got["ChecksumCRC32"] == crc32_b64(payload)
    st, _, body = signed_chunked_put(simfra_endpoint, bucket, "trailed-bad", payload, crc32_b64(b"something else"))
    assert st == 400 and b"<Code>BadDigest</Code>" in body
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="trailed-bad")
    assert status(e) == 404


def test_a_put_needs_a_content_length(bucket, simfra_endpoint):
    """A plain chunked transfer (no Content-Length, not aws-chunked) is refused as on S3."""
    import http.client
    import urllib.parse

    url = f"{simfra_endpoint}/{bucket}/chunked"
    req = AWSRequest(method="PUT", url=url, data=b"hello")
    S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", REGION).add_auth(req)
    parsed = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    conn.putrequest("PUT", parsed.path, skip_accept_encoding=True)
    for k, v in req.headers.items():
        if k.lower() != "content-length":
            conn.putheader(k, v)
    conn.putheader("Transfer-Encoding", "chunked")
    conn.endheaders()
    conn.send(b"5\r\nhello\r\n0\r\n\r\n")
    resp = conn.getresponse()
    body = resp.read()
    assert resp.status == 411, body
    assert b"<Code>MissingContentLength</Code>" in body


def test_user_metadata_is_limited_to_2_kb(s3, bucket):
    s3.put_object(Bucket=bucket, Key="meta", Body=b"x", Metadata={"k": "v" * 2000})
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="meta", Body=b"x", Metadata={"k": "v" * 2100})
    assert (code(e), status(e)) == ("MetadataTooLarge", 400)


def test_storage_classes(s3, bucket):
    s3.put_object(Bucket=bucket, Key="ia", Body=b"x", StorageClass="STANDARD_IA")
    head = s3.head_object(Bucket=bucket, Key="ia")
    assert head["StorageClass"] == "STANDARD_IA"
    s3.put_object(Bucket=bucket, Key="std", Body=b"x", StorageClass="STANDARD")
    assert "StorageClass" not in s3.head_object(Bucket=bucket, Key="std")
    for bad in ["FAST", "EXPRESS_ONEZONE"]:
        with pytest.raises(ClientError) as e:
            s3.put_object(Bucket=bucket, Key="bad", Body=b"x", StorageClass=bad)
        assert (code(e), status(e)) == ("InvalidStorageClass", 400)


def test_conditional_writes(s3, bucket):
    first = s3.put_object(Bucket=bucket, Key="cond", Body=b"one", IfNoneMatch="*")
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="cond", Body=b"two", IfNoneMatch="*")
    assert (code(e), status(e)) == ("PreconditionFailed", 412)
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="cond", Body=b"two", IfNoneMatch=first["ETag"])
    assert (code(e), status(e)) == ("NotImplemented", 501)
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="cond", Body=b"two", IfMatch='"0123456789abcdef0123456789abcdef"')
    assert (code(e), status(e)) == ("PreconditionFailed", 412)
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="never-written", Body=b"two", IfMatch=first["ETag"])
    assert (code(e), status(e)) == ("NoSuchKey", 404)
    s3.put_object(Bucket=bucket, Key="cond", Body=b"two", IfMatch=first["ETag"])
    assert s3.get_object(Bucket=bucket, Key="cond")["Body"].read() == b"two"


# ---------------------------------------------------------------- encryption


def test_sse_s3_and_kms_are_recorded_and_answered(s3, bucket):
    out = s3.put_object(Bucket=bucket, Key="kms", Body=b"x", ServerSideEncryption="aws:kms", SSEKMSKeyId="my-key", BucketKeyEnabled=True)
    assert out["ServerSideEncryption"] == "aws:kms"
    assert out["SSEKMSKeyId"].endswith(":key/my-key") and out["BucketKeyEnabled"] is True
    head = s3.head_object(Bucket=bucket, Key="kms")
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", out["SSEKMSKeyId"])
    assert s3.put_object(Bucket=bucket, Key="s3", Body=b"x", ServerSideEncryption="AES256")["ServerSideEncryption"] == "AES256"


def test_sse_c_needs_the_customer_key(s3, bucket):
    key = os.urandom(32)
    other = os.urandom(32)
    sse = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}
    out = s3.put_object(Bucket=bucket, Key="secret", Body=b"classified", **sse)
    assert out["SSECustomerAlgorithm"] == "AES256"
    assert out["SSECustomerKeyMD5"] == b64(hashlib.md5(key).digest())
    assert s3.get_object(Bucket=bucket, Key="secret", **sse)["Body"].read() == b"classified"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="secret")
    assert (code(e), status(e)) == ("InvalidRequest", 400)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="secret", SSECustomerAlgorithm="AES256", SSECustomerKey=other)
    assert (code(e), status(e)) == ("AccessDenied", 403)
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="secret")
    assert status(e) == 400
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="secret", SSECustomerAlgorithm="AES256", SSECustomerKey=other)
    assert status(e) == 403
    # The key must be 256 bits, with its MD5 as sent.
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="short", Body=b"x", SSECustomerAlgorithm="AES256", SSECustomerKey=os.urandom(16))
    assert (code(e), status(e)) == ("InvalidArgument", 400)
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="md5", Body=b"x", SSECustomerAlgorithm="AES256", SSECustomerKey=b64(key), SSECustomerKeyMD5=b64(hashlib.md5(other).digest()))
    assert (code(e), status(e)) == ("InvalidArgument", 400)
    # A key given for an object stored without one is refused too.
    s3.put_object(Bucket=bucket, Key="open", Body=b"x")
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="open", **sse)
    assert (code(e), status(e)) == ("InvalidRequest", 400)


# ---------------------------------------------------------------- ranges and conditions


def test_ranged_reads(s3, bucket):
    body = bytes(range(100))
    s3.put_object(Bucket=bucket, Key="r", Body=body)
    for spec, (lo, hi) in {"bytes=0-9": (0, 9), "bytes=90-": (90, 99), "bytes=-5": (95, 99), "bytes=95-1000": (95, 99)}.items():
        got = s3.get_object(Bucket=bucket, Key="r", Range=spec)
        assert got["ResponseMetadata"]["HTTPStatusCode"] == 206, spec
        assert got["ContentRange"] == f"bytes {lo}-{hi}/100"
        assert got["Body"].read() == body[lo : hi + 1]
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="r", Range="bytes=100-")
    assert (code(e), status(e)) == ("InvalidRange", 416)
    assert e.value.response["Error"]["ActualObjectSize"] == "100"
    # Several ranges: S3 answers the whole object.
    whole = s3.get_object(Bucket=bucket, Key="r", Range="bytes=0-1,5-6")
    assert whole["ResponseMetadata"]["HTTPStatusCode"] == 200 and whole["Body"].read() == body
    head = s3.head_object(Bucket=bucket, Key="r", Range="bytes=10-19")
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206 and head["ContentLength"] == 10


def test_conditional_reads(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="c", Body=b"conditional")["ETag"]
    past = datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)
    future = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    for op in (s3.get_object, s3.head_object):
        assert op(Bucket=bucket, Key="c", IfMatch=etag)["ResponseMetadata"]["HTTPStatusCode"] == 200
        with pytest.raises(ClientError) as e:
            op(Bucket=bucket, Key="c", IfMatch='"nope"')
        assert status(e) == 412
        with pytest.raises(ClientError) as e:
            op(Bucket=bucket, Key="c", IfNoneMatch=etag)
        assert status(e) == 304
        with pytest.raises(ClientError) as e:
            op(Bucket=bucket, Key="c", IfUnmodifiedSince=past)
        assert status(e) == 412
        with pytest.raises(ClientError) as e:
            op(Bucket=bucket, Key="c", IfModifiedSince=future)
        assert status(e) == 304
        # If-Match that holds overrides a failing If-Unmodified-Since …
        assert op(Bucket=bucket, Key="c", IfMatch=etag, IfUnmodifiedSince=past)["ResponseMetadata"]["HTTPStatusCode"] == 200
        # … and If-None-Match that holds overrides a failing If-Modified-Since.
        assert op(Bucket=bucket, Key="c", IfNoneMatch='"other"', IfModifiedSince=future)["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="c", IfMatch='"nope"')
    assert code(e) == "PreconditionFailed"


def test_response_header_overrides_need_a_signed_request(s3, make_client, bucket):
    import botocore

    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False, "RestrictPublicBuckets": False},
    )
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    s3.put_object(Bucket=bucket, Key="public", Body=b"x")
    anonymous = make_client("s3", signature_version=botocore.UNSIGNED)
    assert anonymous.get_object(Bucket=bucket, Key="public")["Body"].read() == b"x"
    with pytest.raises(ClientError) as e:
        anonymous.get_object(Bucket=bucket, Key="public", ResponseContentType="text/html")
    assert (code(e), status(e)) == ("InvalidRequest", 400)


def test_response_header_overrides(s3, bucket):
    s3.put_object(Bucket=bucket, Key="o", Body=b"x", ContentType="text/plain")
    got = s3.get_object(
        Bucket=bucket,
        Key="o",
        ResponseContentType="application/json",
        ResponseContentDisposition="inline",
        ResponseCacheControl="no-cache",
        ResponseContentLanguage="de",
    )
    assert (got["ContentType"], got["ContentDisposition"], got["CacheControl"], got["ContentLanguage"]) == ("application/json", "inline", "no-cache", "de")


# ---------------------------------------------------------------- versions and deletes


def test_versions_and_delete_markers(s3, versioned):
    b = versioned
    v1 = s3.put_object(Bucket=b, Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket=b, Key="k", Body=b"two")["VersionId"]
    assert v1 != v2
    assert s3.get_object(Bucket=b, Key="k")["VersionId"] == v2
    assert s3.get_object(Bucket=b, Key="k", VersionId=v1)["Body"].read() == b"one"
    deleted = s3.delete_object(Bucket=b, Key="k")
    assert deleted["DeleteMarker"] is True
    marker = deleted["VersionId"]
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=b, Key="k")
    assert (code(e), status(e)) == ("NoSuchKey", 404)
    assert e.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=b, Key="k")
    assert status(e) == 404
    assert e.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=b, Key="k", VersionId=marker)
    assert (code(e), status(e)) == ("MethodNotAllowed", 405)
    assert e.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=b, Key="k", VersionId=marker)
    assert status(e) == 405
    # Older versions stay readable; removing the marker brings the key back.
    assert s3.get_object(Bucket=b, Key="k", VersionId=v2)["Body"].read() == b"two"
    removed = s3.delete_object(Bucket=b, Key="k", VersionId=marker)
    assert removed["DeleteMarker"] is True and removed["VersionId"] == marker
    assert s3.get_object(Bucket=b, Key="k")["Body"].read() == b"two"
    assert s3.delete_object(Bucket=b, Key="k", VersionId=v2)["VersionId"] == v2
    assert s3.get_object(Bucket=b, Key="k")["Body"].read() == b"one"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=b, Key="k", VersionId="not a version")
    assert (code(e), status(e)) == ("InvalidArgument", 400)
    assert message(e) == "Invalid version id specified"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=b, Key="k", VersionId="A" * 32)
    assert (code(e), status(e)) == ("NoSuchVersion", 404)


def test_suspended_versioning_writes_null_versions(s3, versioned):
    b = versioned
    kept = s3.put_object(Bucket=b, Key="s", Body=b"versioned")["VersionId"]
    s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Suspended"})
    assert s3.put_object(Bucket=b, Key="s", Body=b"null one")["VersionId"] == "null"
    assert s3.put_object(Bucket=b, Key="s", Body=b"null two")["VersionId"] == "null"
    assert s3.get_object(Bucket=b, Key="s", VersionId="null")["Body"].read() == b"null two"
    assert s3.get_object(Bucket=b, Key="s", VersionId=kept)["Body"].read() == b"versioned"
    out = s3.delete_object(Bucket=b, Key="s")
    assert (out["DeleteMarker"], out["VersionId"]) == (True, "null")


def test_unversioned_deletes(s3, bucket):
    s3.put_object(Bucket=bucket, Key="d", Body=b"x")
    out = s3.delete_object(Bucket=bucket, Key="d")
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 204 and "DeleteMarker" not in out
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="d")
    assert code(e) == "NoSuchKey"
    # Deleting what is not there succeeds.
    assert s3.delete_object(Bucket=bucket, Key="d")["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as e:
        s3.delete_object(Bucket=unique("nobucket"), Key="d")
    assert (code(e), status(e)) == ("NoSuchBucket", 404)


def test_conditional_delete(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="cd", Body=b"x")["ETag"]
    with pytest.raises(ClientError) as e:
        s3.delete_object(Bucket=bucket, Key="cd", IfMatch='"0123456789abcdef0123456789abcdef"')
    assert (code(e), status(e)) == ("PreconditionFailed", 412)
    s3.delete_object(Bucket=bucket, Key="cd", IfMatch=etag)
    with pytest.raises(ClientError) as e:
        s3.delete_object(Bucket=bucket, Key="cd", IfMatch=etag)
    assert (code(e), status(e)) == ("NoSuchKey", 404)


def test_delete_objects(s3, versioned, bucket):
    for k in ["a", "b", "c"]:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    out = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "zzz"}]})
    assert sorted(d["Key"] for d in out["Deleted"]) == ["a", "b", "zzz"]
    assert "Errors" not in out
    quiet = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "c"}], "Quiet": True})
    assert "Deleted" not in quiet
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    # Versioned: markers, and version ids of removed versions.
    v = s3.put_object(Bucket=versioned, Key="m", Body=b"x")["VersionId"]
    out = s3.delete_objects(Bucket=versioned, Delete={"Objects": [{"Key": "m"}]})
    assert out["Deleted"][0]["DeleteMarker"] is True and out["Deleted"][0]["DeleteMarkerVersionId"]
    out = s3.delete_objects(Bucket=versioned, Delete={"Objects": [{"Key": "m", "VersionId": v}, {"Key": "m", "VersionId": "bad id"}]})
    assert out["Deleted"] == [{"Key": "m", "VersionId": v}]
    assert out["Errors"][0]["Code"] == "InvalidArgument" and out["Errors"][0]["VersionId"] == "bad id"
    with pytest.raises(ClientError) as e:
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": f"k{i}"} for i in range(1001)]})
    assert (code(e), status(e)) == ("MalformedXML", 400)


def test_delete_objects_needs_an_integrity_header(make_client, bucket):
    client = make_client("s3", request_checksum_calculation="when_required")

    def strip(request, **_):
        for h in list(request.headers.keys()):
            if h.lower() == "content-md5" or h.lower().startswith("x-amz-checksum-"):
                del request.headers[h]

    client.meta.events.register("before-sign.s3.DeleteObjects", strip)
    with pytest.raises(ClientError) as e:
        client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}]})
    assert (code(e), status(e)) == ("InvalidRequest", 400)


# ---------------------------------------------------------------- copies


def test_copy_object_directives_and_conditions(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="src", Body=b"source bytes", Metadata={"a": "1"}, ContentType="text/plain", Tagging="t=1")["ETag"]
    out = s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "src"})
    assert out["CopyObjectResult"]["ETag"] == etag
    got = s3.get_object(Bucket=bucket, Key="copy")
    assert (got["Body"].read(), got["Metadata"], got["ContentType"]) == (b"source bytes", {"a": "1"}, "text/plain")
    assert s3.get_object_tagging(Bucket=bucket, Key="copy")["TagSet"] == [{"Key": "t", "Value": "1"}]
    s3.copy_object(
        Bucket=bucket,
        Key="replaced",
        CopySource=f"{bucket}/src",
        MetadataDirective="REPLACE",
        Metadata={"b": "2"},
        ContentType="application/json",
        TaggingDirective="REPLACE",
        Tagging="u=2",
    )
    head = s3.head_object(Bucket=bucket, Key="replaced")
    assert (head["Metadata"], head["ContentType"]) == ({"b": "2"}, "application/json")
    assert s3.get_object_tagging(Bucket=bucket, Key="replaced")["TagSet"] == [{"Key": "u", "Value": "2"}]
    for cond in [{"CopySourceIfMatch": '"nope"'}, {"CopySourceIfNoneMatch": etag}, {"CopySourceIfUnmodifiedSince": datetime.datetime(2000, 1, 1)},
                 {"CopySourceIfModifiedSince": datetime.datetime.now() + datetime.timedelta(days=1)}]:
        with pytest.raises(ClientError) as e:
            s3.copy_object(Bucket=bucket, Key="cond", CopySource=f"{bucket}/src", **cond)
        assert (code(e), status(e)) == ("PreconditionFailed", 412), cond
    s3.copy_object(Bucket=bucket, Key="cond", CopySource=f"{bucket}/src", CopySourceIfMatch=etag)
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="x", CopySource=f"{bucket}/missing")
    assert (code(e), status(e)) == ("NoSuchKey", 404)
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="x", CopySource=f"{unique('nobucket')}/src")
    assert (code(e), status(e)) == ("NoSuchBucket", 404)


def test_copy_onto_itself_needs_a_change(s3, bucket):
    s3.put_object(Bucket=bucket, Key="self", Body=b"x", Metadata={"v": "1"})
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="self", CopySource=f"{bucket}/self")
    assert (code(e), status(e)) == ("InvalidRequest", 400)
    assert message(e) == (
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, "
        "storage class, website redirect location or encryption attributes."
    )
    s3.copy_object(Bucket=bucket, Key="self", CopySource=f"{bucket}/self", MetadataDirective="REPLACE", Metadata={"v": "2"})
    assert s3.head_object(Bucket=bucket, Key="self")["Metadata"] == {"v": "2"}
    s3.copy_object(Bucket=bucket, Key="self", CopySource=f"{bucket}/self", StorageClass="STANDARD_IA")
    assert s3.head_object(Bucket=bucket, Key="self")["StorageClass"] == "STANDARD_IA"


def test_copy_of_versions_and_encoded_keys_across_buckets(s3, versioned, bucket):
    key = "dir/with space/ünï+code.txt"
    v1 = s3.put_object(Bucket=versioned, Key=key, Body=b"first")["VersionId"]
    s3.put_object(Bucket=versioned, Key=key, Body=b"second")
    out = s3.copy_object(Bucket=bucket, Key="old", CopySource={"Bucket": versioned, "Key": key, "VersionId": v1})
    assert out["CopySourceVersionId"] == v1
    assert s3.get_object(Bucket=bucket, Key="old")["Body"].read() == b"first"
    s3.copy_object(Bucket=bucket, Key="new", CopySource={"Bucket": versioned, "Key": key})
    assert s3.get_object(Bucket=bucket, Key="new")["Body"].read() == b"second"
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": versioned, "Key": key, "VersionId": "B" * 32})
    assert (code(e), status(e)) == ("NoSuchVersion", 404)
    marker = s3.delete_object(Bucket=versioned, Key=key)["VersionId"]
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": versioned, "Key": key})
    assert (code(e), status(e)) == ("NoSuchKey", 404)
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="x", CopySource={"Bucket": versioned, "Key": key, "VersionId": marker})
    assert (code(e), status(e)) == ("InvalidRequest", 400)
    # The copy survives its source.
    s3.delete_object(Bucket=versioned, Key=key, VersionId=v1)
    assert s3.get_object(Bucket=bucket, Key="old")["Body"].read() == b"first"


def test_copy_across_accounts_through_the_bucket_policy(s3, make_client, other_account):
    theirs = make_client("s3", access_key=other_account["RootAccessKeyId"], secret_key=other_account["RootSecretAccessKey"])
    src = unique("xsrc")
    s3.create_bucket(Bucket=src)
    s3.put_object(Bucket=src, Key="shared", Body=b"for another account")
    dst = unique("xdst")
    theirs.create_bucket(Bucket=dst)
    with pytest.raises(ClientError) as e:
        theirs.copy_object(Bucket=dst, Key="copy", CopySource=f"{src}/shared")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    grant = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{other_account['AccountId']}:root"}, "Action": "s3:GetObject",
             "Resource": f"arn:aws:s3:::{src}/*"}
    s3.put_bucket_policy(Bucket=src, Policy=json.dumps({"Version": "2012-10-17", "Statement": [grant]}))
    theirs.copy_object(Bucket=dst, Key="copy", CopySource=f"{src}/shared")
    assert theirs.get_object(Bucket=dst, Key="copy")["Body"].read() == b"for another account"


# ---------------------------------------------------------------- attributes, tags, restores


def test_get_object_attributes(s3, bucket):
    body = b"attributes"
    s3.put_object(Bucket=bucket, Key="attr", Body=body, ChecksumAlgorithm="SHA256", StorageClass="STANDARD_IA")
    out = s3.get_object_attributes(Bucket=bucket, Key="attr", ObjectAttributes=["ETag", "Checksum", "ObjectSize", "StorageClass", "ObjectParts"])
    assert out["ETag"] == hashlib.md5(body).hexdigest()
    assert out["Checksum"]["ChecksumSHA256"] == b64(hashlib.sha256(body).digest())
    assert (out["ObjectSize"], out["StorageClass"]) == (len(body), "STANDARD_IA")
    assert "ObjectParts" not in out
    only = s3.get_object_attributes(Bucket=bucket, Key="attr", ObjectAttributes=["ObjectSize"])
    assert "ETag" not in only and only["ObjectSize"] == len(body)
    with pytest.raises(ClientError) as e:
        s3.get_object_attributes(Bucket=bucket, Key="missing", ObjectAttributes=["ETag"])
    assert (code(e), status(e)) == ("NoSuchKey", 404)


def test_object_tagging(s3, bucket):
    s3.put_object(Bucket=bucket, Key="t", Body=b"x", Tagging="env=prod&team=data%20eng")
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "data eng"}]
    assert s3.get_object(Bucket=bucket, Key="t")["TagCount"] == 2
    s3.put_object_tagging(Bucket=bucket, Key="t", Tagging={"TagSet": [{"Key": "one", "Value": "1"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == [{"Key": "one", "Value": "1"}]
    s3.delete_object_tagging(Bucket=bucket, Key="t")
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == []
    with pytest.raises(ClientError) as e:
        s3.put_object_tagging(Bucket=bucket, Key="t", Tagging={"TagSet": [{"Key": f"k{i}", "Value": "v"} for i in range(11)]})
    assert (code(e), status(e)) == ("BadRequest", 400)
    for bad in [{"Key": "k" * 129, "Value": "v"}, {"Key": "k", "Value": "v" * 257}, {"Key": "aws:reserved", "Value": "v"}]:
        with pytest.raises(ClientError) as e:
            s3.put_object_tagging(Bucket=bucket, Key="t", Tagging={"TagSet": [bad]})
        assert (code(e), status(e)) == ("InvalidTag", 400)
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="t2", Body=b"x", Tagging="&".join(f"k{i}=v" for i in range(11)))
    assert (code(e), status(e)) == ("BadRequest", 400)
    with pytest.raises(ClientError) as e:
        s3.get_object_tagging(Bucket=bucket, Key="missing")
    assert (code(e), status(e)) == ("NoSuchKey", 404)


def test_restore_of_archived_objects_tells_the_truth(s3, bucket):
    s3.put_object(Bucket=bucket, Key="warm", Body=b"x")
    with pytest.raises(ClientError) as e:
        s3.restore_object(Bucket=bucket, Key="warm", RestoreRequest={"Days": 1})
    assert (code(e), status(e)) == ("InvalidObjectState", 403)
    s3.put_object(Bucket=bucket, Key="cold", Body=b"archived", StorageClass="GLACIER")
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="cold")
    assert (code(e), status(e)) == ("InvalidObjectState", 403)
    assert e.value.response["Error"]["StorageClass"] == "GLACIER"
    assert "Restore" not in s3.head_object(Bucket=bucket, Key="cold")
    started = s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 2, "GlacierJobParameters": {"Tier": "Expedited"}})
    assert started["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert s3.head_object(Bucket=bucket, Key="cold")["Restore"] == 'ongoing-request="true"'
    with pytest.raises(ClientError) as e:
        s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 2})
    assert (code(e), status(e)) == ("RestoreAlreadyInProgress", 409)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="cold")
    assert code(e) == "InvalidObjectState"
    deadline = time.monotonic() + 15
    while 'ongoing-request="true"' in s3.head_object(Bucket=bucket, Key="cold")["Restore"]:
        assert time.monotonic() < deadline, "the restore never finished"
        time.sleep(0.25)
    restore = s3.head_object(Bucket=bucket, Key="cold")["Restore"]
    assert restore.startswith('ongoing-request="false", expiry-date="') and restore.endswith(' GMT"')
    assert s3.get_object(Bucket=bucket, Key="cold")["Body"].read() == b"archived"
    assert s3.restore_object(Bucket=bucket, Key="cold", RestoreRequest={"Days": 5})["ResponseMetadata"]["HTTPStatusCode"] == 200


# ---------------------------------------------------------------- object lock


@pytest.fixture
def locked(s3):
    name = unique("lock")
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    return name


def test_object_lock_configuration(s3, locked, bucket):
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"] == {"ObjectLockEnabled": "Enabled"}
    rule = {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}
    s3.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": rule})
    assert s3.get_object_lock_configuration(Bucket=locked)["ObjectLockConfiguration"]["Rule"] == rule
    with pytest.raises(ClientError) as e:
        s3.put_object_lock_configuration(
            Bucket=locked, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1, "Years": 1}}}
        )
    assert (code(e), status(e)) == ("MalformedXML", 400)
    with pytest.raises(ClientError) as e:
        s3.get_object_lock_configuration(Bucket=bucket)
    assert (code(e), status(e)) == ("ObjectLockConfigurationNotFoundError", 404)
    with pytest.raises(ClientError) as e:
        s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
    assert (code(e), status(e)) == ("InvalidBucketState", 409)
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x", ObjectLockLegalHoldStatus="ON")
    assert (code(e), status(e)) == ("InvalidRequest", 400)


def test_default_retention_protects_versions(s3, locked):
    s3.put_object_lock_configuration(
        Bucket=locked, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}
    )
    v = s3.put_object(Bucket=locked, Key="k", Body=b"kept")["VersionId"]
    head = s3.head_object(Bucket=locked, Key="k")
    assert head["ObjectLockMode"] == "GOVERNANCE" and head["ObjectLockRetainUntilDate"] > datetime.datetime.now(datetime.timezone.utc)
    assert s3.get_object_retention(Bucket=locked, Key="k")["Retention"]["Mode"] == "GOVERNANCE"
    with pytest.raises(ClientError) as e:
        s3.delete_object(Bucket=locked, Key="k", VersionId=v)
    assert (code(e), status(e)) == ("AccessDenied", 403)
    assert message(e) == "Access Denied because object protected by object lock."
    # A delete marker is not a removal; overwriting makes a new version.
    assert s3.delete_object(Bucket=locked, Key="k")["DeleteMarker"] is True
    out = s3.delete_objects(Bucket=locked, Delete={"Objects": [{"Key": "k", "VersionId": v}]})
    assert out["Errors"][0]["Code"] == "AccessDenied"
    s3.delete_object(Bucket=locked, Key="k", VersionId=v, BypassGovernanceRetention=True)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=locked, Key="k", VersionId=v)
    assert code(e) == "NoSuchVersion"


def test_retention_rules(s3, locked):
    v = s3.put_object(Bucket=locked, Key="r", Body=b"x")["VersionId"]
    with pytest.raises(ClientError) as e:
        s3.get_object_retention(Bucket=locked, Key="r")
    assert (code(e), status(e)) == ("NoSuchObjectLockConfiguration", 404)
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    later = soon + datetime.timedelta(days=1)
    s3.put_object_retention(Bucket=locked, Key="r", Retention={"Mode": "COMPLIANCE", "RetainUntilDate": soon})
    # COMPLIANCE: extended, never shortened or loosened, even with the bypass.
    s3.put_object_retention(Bucket=locked, Key="r", Retention={"Mode": "COMPLIANCE", "RetainUntilDate": later})
    for attempt in [{"Mode": "COMPLIANCE", "RetainUntilDate": soon}, {"Mode": "GOVERNANCE", "RetainUntilDate": later}]:
        with pytest.raises(ClientError) as e:
            s3.put_object_retention(Bucket=locked, Key="r", Retention=attempt, BypassGovernanceRetention=True)
        assert (code(e), status(e)) == ("AccessDenied", 403)
    with pytest.raises(ClientError) as e:
        s3.delete_object(Bucket=locked, Key="r", VersionId=v, BypassGovernanceRetention=True)
    assert (code(e), status(e)) == ("AccessDenied", 403)
    # GOVERNANCE: shortened only with the bypass.
    g = s3.put_object(Bucket=locked, Key="g", Body=b"x", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=later)["VersionId"]
    with pytest.raises(ClientError) as e:
        s3.put_object_retention(Bucket=locked, Key="g", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": soon})
    assert (code(e), status(e)) == ("AccessDenied", 403)
    s3.put_object_retention(Bucket=locked, Key="g", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": soon}, BypassGovernanceRetention=True)
    with pytest.raises(ClientError) as e:
        s3.put_object_retention(Bucket=locked, Key="g", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": datetime.datetime(2001, 1, 1)})
    assert (code(e), status(e)) == ("InvalidArgument", 400)
    assert s3.delete_object(Bucket=locked, Key="g", VersionId=g, BypassGovernanceRetention=True)["VersionId"] == g


def test_bypassing_governance_needs_its_permission(s3, make_client, locked):
    iam = make_client("iam")
    user = unique("governor")
    iam.create_user(UserName=user)
    allowed = ["s3:PutObject", "s3:GetObject", "s3:DeleteObjectVersion", "s3:PutObjectRetention"]
    statement = {"Effect": "Allow", "Action": allowed, "Resource": f"arn:aws:s3:::{locked}/*"}
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    theirs = make_client("s3", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    v = theirs.put_object(Bucket=locked, Key="gov", Body=b"x", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until)["VersionId"]
    with pytest.raises(ClientError) as e:
        theirs.delete_object(Bucket=locked, Key="gov", VersionId=v, BypassGovernanceRetention=True)
    assert (code(e), status(e)) == ("AccessDenied", 403)
    statement["Action"] = allowed + ["s3:BypassGovernanceRetention"]
    iam.put_user_policy(UserName=user, PolicyName="p", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    theirs.delete_object(Bucket=locked, Key="gov", VersionId=v, BypassGovernanceRetention=True)


def test_legal_hold(s3, locked):
    v = s3.put_object(Bucket=locked, Key="h", Body=b"x", ObjectLockLegalHoldStatus="ON")["VersionId"]
    assert s3.get_object_legal_hold(Bucket=locked, Key="h")["LegalHold"]["Status"] == "ON"
    assert s3.head_object(Bucket=locked, Key="h")["ObjectLockLegalHoldStatus"] == "ON"
    with pytest.raises(ClientError) as e:
        s3.delete_object(Bucket=locked, Key="h", VersionId=v, BypassGovernanceRetention=True)
    assert (code(e), status(e)) == ("AccessDenied", 403)
    s3.put_object_legal_hold(Bucket=locked, Key="h", LegalHold={"Status": "OFF"})
    assert s3.get_object_legal_hold(Bucket=locked, Key="h")["LegalHold"]["Status"] == "OFF"
    s3.delete_object(Bucket=locked, Key="h", VersionId=v)


def test_lock_protected_writes_need_an_integrity_header(make_client, s3, locked):
    until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    bare = make_client("s3", request_checksum_calculation="when_required")
    with pytest.raises(ClientError) as e:
        bare.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until)
    assert (code(e), status(e)) == ("InvalidRequest", 400)
    bare.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until, ContentMD5=b64(hashlib.md5(b"x").digest()))
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=locked, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE")
    assert (code(e), status(e)) == ("InvalidArgument", 400)
