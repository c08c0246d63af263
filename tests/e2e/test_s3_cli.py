"""`aws s3api` for each area of S3, as a user's scripts call it: buckets,
objects, multipart uploads, integrity, versions and Object Lock, listings,
access control, bucket configuration, and notifications. The
boto3 suites test each area in depth; this proves the CLI's own request
forms (shorthand syntax, file bodies, its waiters) work end to end."""

import json
import urllib.request

import pytest

from conftest import AWS_CLI, aws_cli, unique

pytestmark = pytest.mark.skipif(AWS_CLI is None, reason="needs the AWS CLI")


@pytest.fixture
def bucket(simfra_endpoint):
    name = unique("cli")
    aws_cli(simfra_endpoint, "s3api", "create-bucket", "--bucket", name)
    aws_cli(simfra_endpoint, "s3api", "wait", "bucket-exists", "--bucket", name)
    return name


def test_buckets(simfra_endpoint, bucket):
    ep = simfra_endpoint
    aws_cli(ep, "s3api", "head-bucket", "--bucket", bucket)
    assert bucket in [b["Name"] for b in aws_cli(ep, "s3api", "list-buckets")["Buckets"]]
    assert aws_cli(ep, "s3api", "get-bucket-location", "--bucket", bucket)["LocationConstraint"] is None
    aws_cli(ep, "s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Enabled")
    assert aws_cli(ep, "s3api", "get-bucket-versioning", "--bucket", bucket)["Status"] == "Enabled"
    assert "BucketAlreadyOwnedByYou" in aws_cli(ep, "s3api", "create-bucket", "--bucket", bucket, "--create-bucket-configuration", "LocationConstraint=eu-west-1", region="eu-west-1", ok=False)


def test_objects_and_integrity(simfra_endpoint, bucket, tmp_path):
    ep = simfra_endpoint
    src = tmp_path / "in.txt"
    src.write_text("hello from the cli\n")
    put = aws_cli(ep, "s3api", "put-object", "--bucket", bucket, "--key", "dir/in.txt", "--body", str(src),
                  "--content-type", "text/plain", "--metadata", "who=cli", "--checksum-algorithm", "SHA256", "--tagging", "env=dev")
    assert put["ChecksumSHA256"]
    head = aws_cli(ep, "s3api", "head-object", "--bucket", bucket, "--key", "dir/in.txt", "--checksum-mode", "ENABLED")
    assert (head["ContentType"], head["Metadata"], head["ChecksumSHA256"]) == ("text/plain", {"who": "cli"}, put["ChecksumSHA256"])
    out = tmp_path / "out.txt"
    got = aws_cli(ep, "s3api", "get-object", "--bucket", bucket, "--key", "dir/in.txt", "--range", "bytes=0-4", str(out))
    assert out.read_text() == "hello" and got["ContentRange"].startswith("bytes 0-4/")
    aws_cli(ep, "s3api", "copy-object", "--bucket", bucket, "--key", "copy.txt", "--copy-source", f"{bucket}/dir/in.txt")
    assert aws_cli(ep, "s3api", "get-object-tagging", "--bucket", bucket, "--key", "copy.txt")["TagSet"] == [{"Key": "env", "Value": "dev"}]
    attrs = aws_cli(ep, "s3api", "get-object-attributes", "--bucket", bucket, "--key", "copy.txt", "--object-attributes", "ETag", "ObjectSize")
    assert attrs["ObjectSize"] == len("hello from the cli\n")
    deleted = aws_cli(ep, "s3api", "delete-objects", "--bucket", bucket, "--delete", json.dumps({"Objects": [{"Key": "copy.txt"}, {"Key": "dir/in.txt"}]}))
    assert sorted(d["Key"] for d in deleted["Deleted"]) == ["copy.txt", "dir/in.txt"]
    assert "NoSuchKey" in aws_cli(ep, "s3api", "get-object", "--bucket", bucket, "--key", "copy.txt", str(out), ok=False)


def test_multipart(simfra_endpoint, bucket, tmp_path):
    ep = simfra_endpoint
    part1, part2 = tmp_path / "p1", tmp_path / "p2"
    part1.write_bytes(b"a" * (5 << 20))
    part2.write_bytes(b"b" * 1024)
    upload = aws_cli(ep, "s3api", "create-multipart-upload", "--bucket", bucket, "--key", "mp.bin")["UploadId"]
    assert [u["UploadId"] for u in aws_cli(ep, "s3api", "list-multipart-uploads", "--bucket", bucket)["Uploads"]] == [upload]
    etags = [aws_cli(ep, "s3api", "upload-part", "--bucket", bucket, "--key", "mp.bin", "--upload-id", upload, "--part-number", str(i + 1), "--body", str(p))["ETag"] for i, p in enumerate([part1, part2])]
    assert [p["PartNumber"] for p in aws_cli(ep, "s3api", "list-parts", "--bucket", bucket, "--key", "mp.bin", "--upload-id", upload)["Parts"]] == [1, 2]
    parts = {"Parts": [{"PartNumber": i + 1, "ETag": e} for i, e in enumerate(etags)]}
    done = aws_cli(ep, "s3api", "complete-multipart-upload", "--bucket", bucket, "--key", "mp.bin", "--upload-id", upload, "--multipart-upload", json.dumps(parts))
    assert done["ETag"].endswith('-2"')
    other = aws_cli(ep, "s3api", "create-multipart-upload", "--bucket", bucket, "--key", "gone.bin")["UploadId"]
    aws_cli(ep, "s3api", "abort-multipart-upload", "--bucket", bucket, "--key", "gone.bin", "--upload-id", other)
    assert "NoSuchUpload" in aws_cli(ep, "s3api", "list-parts", "--bucket", bucket, "--key", "gone.bin", "--upload-id", other, ok=False)


def test_versions_and_object_lock(simfra_endpoint, tmp_path):
    ep = simfra_endpoint
    name = unique("clilock")
    aws_cli(ep, "s3api", "create-bucket", "--bucket", name, "--object-lock-enabled-for-bucket")
    aws_cli(ep, "s3api", "put-object-lock-configuration", "--bucket", name, "--object-lock-configuration",
            json.dumps({"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}))
    body = tmp_path / "v"
    body.write_text("v1")
    v1 = aws_cli(ep, "s3api", "put-object", "--bucket", name, "--key", "k", "--body", str(body), "--checksum-algorithm", "CRC32")["VersionId"]
    body.write_text("v2")
    aws_cli(ep, "s3api", "put-object", "--bucket", name, "--key", "k", "--body", str(body), "--checksum-algorithm", "CRC32")
    versions = aws_cli(ep, "s3api", "list-object-versions", "--bucket", name)["Versions"]
    assert [v["IsLatest"] for v in versions] == [True, False] and versions[1]["VersionId"] == v1
    assert aws_cli(ep, "s3api", "get-object-retention", "--bucket", name, "--key", "k", "--version-id", v1)["Retention"]["Mode"] == "GOVERNANCE"
    aws_cli(ep, "s3api", "put-object-legal-hold", "--bucket", name, "--key", "k", "--version-id", v1, "--legal-hold", "Status=ON")
    assert "AccessDenied" in aws_cli(ep, "s3api", "delete-object", "--bucket", name, "--key", "k", "--version-id", v1, ok=False)


def test_listings(simfra_endpoint, bucket, tmp_path):
    ep = simfra_endpoint
    f = tmp_path / "f"
    f.write_text("x")
    for key in ["a/1", "a/2", "b", "c/d/3"]:
        aws_cli(ep, "s3api", "put-object", "--bucket", bucket, "--key", key, "--body", str(f))
    v2 = aws_cli(ep, "s3api", "list-objects-v2", "--bucket", bucket, "--delimiter", "/")
    assert [o["Key"] for o in v2["Contents"]] == ["b"] and [p["Prefix"] for p in v2["CommonPrefixes"]] == ["a/", "c/"]
    # The CLI pages by itself: --page-size 1 makes it follow continuation tokens.
    paged = aws_cli(ep, "s3api", "list-objects-v2", "--bucket", bucket, "--page-size", "1")
    assert [o["Key"] for o in paged["Contents"]] == ["a/1", "a/2", "b", "c/d/3"]
    v1 = aws_cli(ep, "s3api", "list-objects", "--bucket", bucket, "--prefix", "a/")
    assert [o["Key"] for o in v1["Contents"]] == ["a/1", "a/2"]


def test_access_control(simfra_endpoint, bucket):
    ep = simfra_endpoint
    aws_cli(ep, "s3api", "put-public-access-block", "--bucket", bucket, "--public-access-block-configuration",
            "BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=false,RestrictPublicBuckets=false")
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}
    aws_cli(ep, "s3api", "put-bucket-policy", "--bucket", bucket, "--policy", json.dumps(policy))
    assert aws_cli(ep, "s3api", "get-bucket-policy-status", "--bucket", bucket)["PolicyStatus"]["IsPublic"] is True
    assert aws_cli(ep, "s3api", "get-bucket-ownership-controls", "--bucket", bucket)["OwnershipControls"]["Rules"][0]["ObjectOwnership"] == "BucketOwnerEnforced"
    assert aws_cli(ep, "s3api", "get-bucket-acl", "--bucket", bucket)["Grants"][0]["Permission"] == "FULL_CONTROL"
    aws_cli(ep, "s3api", "put-bucket-cors", "--bucket", bucket, "--cors-configuration",
            json.dumps({"CORSRules": [{"AllowedOrigins": ["https://example.com"], "AllowedMethods": ["GET"]}]}))
    assert aws_cli(ep, "s3api", "get-bucket-cors", "--bucket", bucket)["CORSRules"][0]["AllowedMethods"] == ["GET"]
    aws_cli(ep, "s3api", "put-object", "--bucket", bucket, "--key", "shared.txt", "--body", __file__)
    url = aws_cli(ep, "s3", "presign", f"s3://{bucket}/shared.txt", "--expires-in", "60", json_output=False).strip()
    with urllib.request.urlopen(url) as r:
        assert r.read() == open(__file__, "rb").read()


def test_bucket_configuration(simfra_endpoint, bucket):
    ep = simfra_endpoint
    aws_cli(ep, "s3api", "put-bucket-website", "--bucket", bucket, "--website-configuration", json.dumps({"IndexDocument": {"Suffix": "index.html"}}))
    assert aws_cli(ep, "s3api", "get-bucket-website", "--bucket", bucket)["IndexDocument"]["Suffix"] == "index.html"
    aws_cli(ep, "s3api", "put-bucket-encryption", "--bucket", bucket, "--server-side-encryption-configuration",
            json.dumps({"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/my-key"}}]}))
    rule = aws_cli(ep, "s3api", "get-bucket-encryption", "--bucket", bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    aws_cli(ep, "s3api", "put-bucket-accelerate-configuration", "--bucket", bucket, "--accelerate-configuration", "Status=Enabled")
    assert aws_cli(ep, "s3api", "get-bucket-accelerate-configuration", "--bucket", bucket)["Status"] == "Enabled"
    aws_cli(ep, "s3api", "put-bucket-metrics-configuration", "--bucket", bucket, "--id", "all", "--metrics-configuration", "Id=all")
    assert [m["Id"] for m in aws_cli(ep, "s3api", "list-bucket-metrics-configurations", "--bucket", bucket)["MetricsConfigurationList"]] == ["all"]
    assert "NoSuchLifecycleConfiguration" in aws_cli(ep, "s3api", "get-bucket-lifecycle-configuration", "--bucket", bucket, ok=False)


def test_notifications_to_sqs(simfra_endpoint, bucket, tmp_path):
    ep = simfra_endpoint
    queue = aws_cli(ep, "sqs", "create-queue", "--queue-name", unique("s3events"))["QueueUrl"]
    arn = aws_cli(ep, "sqs", "get-queue-attributes", "--queue-url", queue, "--attribute-names", "QueueArn")["Attributes"]["QueueArn"]
    policy = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": arn}]}
    aws_cli(ep, "sqs", "set-queue-attributes", "--queue-url", queue, "--attributes", json.dumps({"Policy": json.dumps(policy)}))
    conf = {"QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"], "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": ".jpg"}]}}}]}
    aws_cli(ep, "s3api", "put-bucket-notification-configuration", "--bucket", bucket, "--notification-configuration", json.dumps(conf))
    f = tmp_path / "x.jpg"
    f.write_bytes(b"jpg")
    aws_cli(ep, "s3api", "put-object", "--bucket", bucket, "--key", "photo.jpg", "--body", str(f))
    aws_cli(ep, "s3api", "put-object", "--bucket", bucket, "--key", "notes.txt", "--body", str(f))
    events = []
    for _ in range(10):
        got = aws_cli(ep, "sqs", "receive-message", "--queue-url", queue, "--max-number-of-messages", "10", "--wait-time-seconds", "1")
        for m in got.get("Messages", []):
            body = json.loads(m["Body"])
            events += [(r["eventName"], r["s3"]["object"]["key"]) for r in body.get("Records", [])]
        if events:
            break
    assert events == [("ObjectCreated:Put", "photo.jpg")]
