"""S3 bucket settings through boto3: tagging (and IAM's aws:ResourceTag on
tagged buckets), default encryption, lifecycle configurations and the
lifecycle worker acting on them (a separate server with a two-second
lifecycle day), logging, request payment, transfer acceleration,
replication, and the by-id inventory/analytics/metrics/Intelligent-Tiering
configurations — with S3's error codes, statuses and messages."""

import datetime
import json
import time

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, AWS_CLI, REGION, Server, aws_cli, boto_client, code, message, status, unique


@pytest.fixture
def bucket(s3):
    name = unique("settings")
    s3.create_bucket(Bucket=name)
    return name


# ------------------------------------------------------------------ tagging


def test_bucket_tagging_round_trip_and_no_such_tag_set(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.get_bucket_tagging(Bucket=bucket)
    assert (code(e), status(e), message(e)) == ("NoSuchTagSet", 404, "The TagSet does not exist")
    tags = [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "data platform"}, {"Key": "empty", "Value": ""}]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags
    # A put replaces the whole set.
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "only", "Value": "one"}]})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == [{"Key": "only", "Value": "one"}]
    r = s3.delete_bucket_tagging(Bucket=bucket)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as e:
        s3.get_bucket_tagging(Bucket=bucket)
    assert code(e) == "NoSuchTagSet"


@pytest.mark.parametrize(
    "tags, msg",
    [
        ([{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}], "Cannot provide multiple Tags with the same key"),
        ([{"Key": "aws:cloudformation:stack", "Value": "x"}], "Your TagKey cannot be prefixed with aws:"),
        ([{"Key": "k" * 129, "Value": "x"}], "The TagKey you have provided is invalid"),
        ([{"Key": "k", "Value": "v" * 257}], "The TagValue you have provided is invalid"),
        ([{"Key": "k", "Value": "inv&alid"}], "The TagValue you have provided is invalid"),
        ([{"Key": f"k{i}", "Value": "v"} for i in range(51)], "Bucket tag count cannot be greater than 50"),
    ],
)
def test_bucket_tags_are_checked_as_s3_checks_them(s3, bucket, tags, msg):
    with pytest.raises(ClientError) as e:
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert (code(e), status(e), message(e)) == ("InvalidTag", 400, msg)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_tagging(Bucket=bucket)
    assert code(e) == "NoSuchTagSet"


def test_fifty_tags_are_accepted(s3, bucket):
    tags = [{"Key": f"k{i}", "Value": "v"} for i in range(50)]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert len(s3.get_bucket_tagging(Bucket=bucket)["TagSet"]) == 50


def test_settings_of_a_missing_bucket_are_no_such_bucket(s3):
    with pytest.raises(ClientError) as e:
        s3.get_bucket_tagging(Bucket=unique("missing"))
    assert (code(e), status(e)) == ("NoSuchBucket", 404)


def test_expected_bucket_owner_mismatch_is_access_denied(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.get_bucket_encryption(Bucket=bucket, ExpectedBucketOwner="111122223333")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    s3.get_bucket_encryption(Bucket=bucket, ExpectedBucketOwner=ACCOUNT)


def test_iam_sees_bucket_tags_as_aws_resource_tag(make_client, s3):
    iam = make_client("iam")
    user = unique("tagged-reader")
    iam.create_user(UserName=user)
    policy = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": ["s3:GetBucketTagging", "s3:GetEncryptionConfiguration"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/env": "dev"}},
        }],
    }
    iam.put_user_policy(UserName=user, PolicyName="dev-buckets", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    as_user = make_client("s3", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    dev, prod = unique("dev"), unique("prod")
    for name, env in ((dev, "dev"), (prod, "prod")):
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "env", "Value": env}]})
    assert as_user.get_bucket_tagging(Bucket=dev)["TagSet"] == [{"Key": "env", "Value": "dev"}]
    as_user.get_bucket_encryption(Bucket=dev)
    with pytest.raises(ClientError) as e:
        as_user.get_bucket_tagging(Bucket=prod)
    assert (code(e), status(e)) == ("AccessDenied", 403)
    # Retagging the bucket changes what IAM decides on the next request.
    s3.put_bucket_tagging(Bucket=prod, Tagging={"TagSet": [{"Key": "env", "Value": "dev"}]})
    as_user.get_bucket_tagging(Bucket=prod)
    s3.delete_bucket_tagging(Bucket=dev)
    with pytest.raises(ClientError) as e:
        as_user.get_bucket_encryption(Bucket=dev)
    assert (code(e), status(e)) == ("AccessDenied", 403)


# --------------------------------------------------------------- encryption


def test_new_buckets_encrypt_with_sse_s3_by_default(s3, bucket):
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules == [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]
    put = s3.put_object(Bucket=bucket, Key="plain", Body=b"x")
    assert put["ServerSideEncryption"] == "AES256"


def test_sse_kms_default_applies_to_writes_and_delete_restores_sse_s3(s3, bucket):
    key_arn = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}, "BucketKeyEnabled": True}]},
    )
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule == {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_arn}, "BucketKeyEnabled": True}
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == key_arn and head["BucketKeyEnabled"] is True
    assert s3.delete_bucket_encryption(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    rules = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}


def test_a_kms_key_with_sse_s3_is_invalid(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256", "KMSMasterKeyID": "alias/x"}}]},
        )
    assert (code(e), status(e)) == ("InvalidArgument", 400)
    assert message(e) == "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse"


# ---------------------------------------------------------------- lifecycle


def put_lifecycle(s3, bucket, *rules, **extra):
    return s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": list(rules)}, **extra)


def test_lifecycle_round_trip_default_minimum_size_and_delete(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert (code(e), status(e), message(e)) == ("NoSuchLifecycleConfiguration", 404, "The lifecycle configuration does not exist")
    rules = [
        {"ID": "logs", "Filter": {"Prefix": "logs/"}, "Status": "Enabled", "Expiration": {"Days": 30},
         "Transitions": [{"Days": 0, "StorageClass": "GLACIER"}]},
        {"ID": "old", "Filter": {"And": {"Prefix": "tmp/", "Tags": [{"Key": "a", "Value": "b"}], "ObjectSizeGreaterThan": 10}},
         "Status": "Disabled", "NoncurrentVersionExpiration": {"NoncurrentDays": 3, "NewerNoncurrentVersions": 2}},
        {"ID": "uploads", "Filter": {}, "Status": "Enabled", "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}},
    ]
    out = put_lifecycle(s3, bucket, *rules)
    assert out["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert got["Rules"] == rules
    assert got["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    put_lifecycle(s3, bucket, rules[0], TransitionDefaultMinimumObjectSize="varies_by_storage_class")
    assert s3.get_bucket_lifecycle_configuration(Bucket=bucket)["TransitionDefaultMinimumObjectSize"] == "varies_by_storage_class"
    assert s3.delete_bucket_lifecycle(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as e:
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert code(e) == "NoSuchLifecycleConfiguration"


def test_objects_a_rule_will_expire_say_when(s3, bucket):
    put_lifecycle(s3, bucket, {"ID": "logs", "Filter": {"Prefix": "logs/"}, "Status": "Enabled", "Expiration": {"Days": 30}})
    put = s3.put_object(Bucket=bucket, Key="logs/a", Body=b"x")
    written = s3.head_object(Bucket=bucket, Key="logs/a")["LastModified"]
    # 30 days on, rounded up to the next midnight UTC.
    due = (written + datetime.timedelta(days=31)).replace(hour=0, minute=0, second=0, microsecond=0)
    expected = f'expiry-date="{due.strftime("%a, %d %b %Y %H:%M:%S GMT")}", rule-id="logs"'
    assert put["Expiration"] == expected
    assert s3.head_object(Bucket=bucket, Key="logs/a")["Expiration"] == expected
    assert s3.get_object(Bucket=bucket, Key="logs/a")["Expiration"] == expected
    assert "Expiration" not in s3.put_object(Bucket=bucket, Key="data/b", Body=b"x")


def test_lifecycle_rules_without_an_id_get_one(s3, bucket):
    put_lifecycle(s3, bucket, {"Filter": {"Prefix": ""}, "Status": "Enabled", "Expiration": {"Days": 1}})
    rule_id = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"][0]["ID"]
    assert len(rule_id) == 48 and rule_id.isalnum()


MIDNIGHT = datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize(
    "rule, err, msg",
    [
        ({"ID": "r", "Status": "Enabled", "Expiration": {"Days": 1}}, "MalformedXML", None),
        ({"ID": "r", "Prefix": "a", "Filter": {"Prefix": "a"}, "Status": "Enabled", "Expiration": {"Days": 1}}, "MalformedXML", None),
        ({"ID": "r", "Filter": {"Prefix": "a", "Tag": {"Key": "k", "Value": "v"}}, "Status": "Enabled", "Expiration": {"Days": 1}}, "MalformedXML", None),
        ({"ID": "r", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1, "Date": MIDNIGHT}}, "MalformedXML", None),
        ({"ID": "r", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1, "ExpiredObjectDeleteMarker": True}}, "MalformedXML", None),
        ({"ID": "r", "Filter": {}, "Status": "Enabled"}, "InvalidRequest", "At least one action needs to be specified in a rule"),
        ({"ID": "r", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 0}}, "InvalidArgument", "'Days' for Expiration action must be a positive integer"),
        ({"ID": "r", "Filter": {}, "Status": "Enabled", "Expiration": {"Date": MIDNIGHT + datetime.timedelta(hours=5)}},
         "InvalidArgument", "'Date' must be at midnight GMT"),
        ({"ID": "r", "Filter": {}, "Status": "Enabled", "Transitions": [{"Days": 10, "StorageClass": "STANDARD_IA"}]},
         "InvalidArgument", "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'"),
        ({"ID": "r", "Filter": {}, "Status": "Enabled", "NoncurrentVersionExpiration": {"NoncurrentDays": 0}},
         "InvalidArgument", "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer"),
        ({"ID": "r", "Filter": {}, "Status": "Enabled", "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 0}},
         "InvalidArgument", "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer"),
        ({"ID": "r", "Filter": {"Tag": {"Key": "k", "Value": "v"}}, "Status": "Enabled", "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}},
         "InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Tags."),
        ({"ID": "r" * 256, "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1}}, "InvalidArgument", "ID length should not exceed allowed limit of 255"),
    ],
)
def test_lifecycle_rules_are_checked_as_s3_checks_them(s3, bucket, rule, err, msg):
    with pytest.raises(ClientError) as e:
        put_lifecycle(s3, bucket, rule)
    assert (code(e), status(e)) == (err, 400)
    if msg:
        assert message(e) == msg
    else:
        assert message(e) == "The XML you provided was not well-formed or did not validate against our published schema"


def test_lifecycle_rule_ids_must_be_unique(s3, bucket):
    rule = {"ID": "same", "Filter": {"Prefix": "a"}, "Status": "Enabled", "Expiration": {"Days": 1}}
    with pytest.raises(ClientError) as e:
        put_lifecycle(s3, bucket, rule, dict(rule, Filter={"Prefix": "b"}))
    assert (code(e), status(e), message(e)) == ("InvalidArgument", 400, "Rule ID must be unique. Found same ID for more than one rule")


# The lifecycle worker runs in a server of its own whose lifecycle "day" is
# two seconds long and whose worker wakes every half second.
DAY_SECONDS = 2


@pytest.fixture(scope="module")
def fast_lifecycle():
    server = Server({"SIMFRA_S3_LIFECYCLE_INTERVAL_SECONDS": "0.5", "SIMFRA_S3_LIFECYCLE_DAY_SECONDS": str(DAY_SECONDS)})
    yield server.client("s3")
    server.stop()
    assert not server.hung, f"simfra did not stop on SIGTERM; stderr in {server.err.name}"


def wait_for(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return condition()


def exists(s3, bucket, key):
    try:
        s3.head_object(Bucket=bucket, Key=key)
        return True
    except ClientError as e:
        if e.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
            return False
        raise


def test_expiration_deletes_matching_objects_after_their_days(fast_lifecycle):
    s3 = fast_lifecycle
    bucket = unique("expire")
    s3.create_bucket(Bucket=bucket)
    for key in ("tmp/a", "tmp/b", "keep/c"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"data")
    s3.put_object(Bucket=bucket, Key="tmp/tagged-other", Body=b"x", Tagging="keep=yes")
    put_lifecycle(
        s3, bucket,
        {"ID": "tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 1}},
        {"ID": "off", "Filter": {"Prefix": "keep/"}, "Status": "Disabled", "Expiration": {"Days": 1}},
    )
    assert exists(s3, bucket, "tmp/a")  # not before its day has passed
    assert wait_for(lambda: not exists(s3, bucket, "tmp/a") and not exists(s3, bucket, "tmp/b"))
    time.sleep(DAY_SECONDS)
    assert exists(s3, bucket, "keep/c")  # its rule is disabled
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert keys == ["keep/c"]


def test_filters_by_tag_and_size(fast_lifecycle):
    s3 = fast_lifecycle
    bucket = unique("filters")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="t/tagged", Body=b"x", Tagging="expire=yes")
    s3.put_object(Bucket=bucket, Key="t/untagged", Body=b"x")
    s3.put_object(Bucket=bucket, Key="s/big", Body=b"x" * 2048)
    s3.put_object(Bucket=bucket, Key="s/small", Body=b"x" * 10)
    put_lifecycle(
        s3, bucket,
        {"ID": "tag", "Filter": {"And": {"Prefix": "t/", "Tags": [{"Key": "expire", "Value": "yes"}]}}, "Status": "Enabled", "Expiration": {"Days": 1}},
        {"ID": "size", "Filter": {"And": {"Prefix": "s/", "ObjectSizeGreaterThan": 1024}}, "Status": "Enabled", "Expiration": {"Days": 1}},
    )
    assert wait_for(lambda: not exists(s3, bucket, "t/tagged") and not exists(s3, bucket, "s/big"))
    assert exists(s3, bucket, "t/untagged") and exists(s3, bucket, "s/small")


def test_versioned_expiration_leaves_a_delete_marker_and_noncurrent_versions_expire(fast_lifecycle):
    s3 = fast_lifecycle
    bucket = unique("versions")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for body in (b"v1", b"v2", b"v3"):
        s3.put_object(Bucket=bucket, Key="doc", Body=body)
    put_lifecycle(
        s3, bucket,
        {"ID": "all", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 2, "NewerNoncurrentVersions": 1}},
    )

    def markers():
        return s3.list_object_versions(Bucket=bucket).get("DeleteMarkers", [])

    assert wait_for(lambda: len(markers()) == 1)
    assert markers()[0]["IsLatest"] is True
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="doc")
    assert code(e) == "NoSuchKey"
    # Of the noncurrent versions, the newest one is kept (NewerNoncurrentVersions=1).
    assert wait_for(lambda: len(s3.list_object_versions(Bucket=bucket).get("Versions", [])) == 1, seconds=30)
    kept = s3.list_object_versions(Bucket=bucket)["Versions"][0]
    assert s3.get_object(Bucket=bucket, Key="doc", VersionId=kept["VersionId"])["Body"].read() == b"v3"


def test_expired_object_delete_markers_are_removed(fast_lifecycle):
    s3 = fast_lifecycle
    bucket = unique("markers")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    version = s3.put_object(Bucket=bucket, Key="gone", Body=b"x")["VersionId"]
    s3.delete_object(Bucket=bucket, Key="gone")
    s3.delete_object(Bucket=bucket, Key="gone", VersionId=version)
    s3.put_object(Bucket=bucket, Key="other", Body=b"x")
    s3.delete_object(Bucket=bucket, Key="other")  # a marker with a noncurrent version behind it stays
    put_lifecycle(s3, bucket, {"ID": "markers", "Filter": {}, "Status": "Enabled", "Expiration": {"ExpiredObjectDeleteMarker": True}})
    assert wait_for(lambda: [m["Key"] for m in s3.list_object_versions(Bucket=bucket).get("DeleteMarkers", [])] == ["other"])


def test_stale_multipart_uploads_are_aborted(fast_lifecycle):
    s3 = fast_lifecycle
    bucket = unique("uploads")
    s3.create_bucket(Bucket=bucket)
    stale = s3.create_multipart_upload(Bucket=bucket, Key="big/file")["UploadId"]
    s3.create_multipart_upload(Bucket=bucket, Key="other/file")
    put_lifecycle(s3, bucket, {"ID": "mpu", "Filter": {"Prefix": "big/"}, "Status": "Enabled", "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}})
    assert wait_for(lambda: [u["Key"] for u in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])] == ["other/file"])
    with pytest.raises(ClientError) as e:
        s3.list_parts(Bucket=bucket, Key="big/file", UploadId=stale)
    assert code(e) == "NoSuchUpload"


def test_transitions_change_the_storage_class(fast_lifecycle):
    s3 = fast_lifecycle
    bucket = unique("transitions")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="archive/small", Body=b"x" * 100)
    s3.put_object(Bucket=bucket, Key="archive/large", Body=b"x" * (130 * 1024))
    put_lifecycle(s3, bucket, {"ID": "glacier", "Filter": {"Prefix": "archive/"}, "Status": "Enabled", "Transitions": [{"Days": 1, "StorageClass": "GLACIER"}]})

    def classes():
        return {o["Key"]: o["StorageClass"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}

    assert wait_for(lambda: classes()["archive/large"] == "GLACIER")
    # Objects under 128 KiB stay (all_storage_classes_128K, the default).
    assert classes()["archive/small"] == "STANDARD"


def test_lifecycle_expirations_are_announced(fast_lifecycle):
    s3 = fast_lifecycle
    sqs = boto_client(s3.meta.endpoint_url, "sqs")
    bucket = unique("announce")
    s3.create_bucket(Bucket=bucket)
    url = sqs.create_queue(QueueName=unique("lifecycle-events"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": arn}]})})
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [{"Id": "expiry", "QueueArn": arn, "Events": ["s3:LifecycleExpiration:*"]}]}
    )
    s3.put_object(Bucket=bucket, Key="old.log", Body=b"x")
    put_lifecycle(s3, bucket, {"ID": "all", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1}})
    found = []
    deadline = time.monotonic() + 20
    while not found and time.monotonic() < deadline:
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            found += json.loads(m["Body"]).get("Records", [])
    [record] = found
    assert record["eventName"] == "LifecycleExpiration:Delete"
    assert record["eventVersion"] == "2.3"
    assert record["userIdentity"]["principalId"] == "s3.amazonaws.com"
    assert record["s3"]["configurationId"] == "expiry" and record["s3"]["object"]["key"] == "old.log"


# ------------------------------------------------------------------ logging


def test_logging_needs_an_existing_target_and_round_trips(s3, bucket):
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": unique("nowhere"), "TargetPrefix": "logs/"}})
    assert (code(e), status(e), message(e)) == ("InvalidTargetBucketForLogging", 400, "The target bucket for logging does not exist")
    target = unique("logs")
    s3.create_bucket(Bucket=target)
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": target, "TargetPrefix": "logs/"}})
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"] == {"TargetBucket": target, "TargetPrefix": "logs/"}
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={})
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=bucket)


def test_logging_to_another_regions_bucket_is_refused(make_client, s3, bucket):
    other = make_client("s3", region="eu-west-1")
    target = unique("eu-logs")
    other.create_bucket(Bucket=target, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    with pytest.raises(ClientError) as e:
        s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": target, "TargetPrefix": "x/"}})
    assert (code(e), status(e), message(e)) == ("CrossLocationLoggingProhibitted", 403, "Cross S3 location logging not allowed. ")
    assert e.value.response["Error"]["TargetBucketLocation"] == "eu-west-1"
    assert e.value.response["Error"]["SourceBucketLocation"] == REGION


def test_logging_to_another_accounts_bucket_is_refused(make_client, s3, bucket, other_account):
    target = unique("their-logs")
    theirs = make_client("s3", access_key=other_account["RootAccessKeyId"], secret_key=other_account["RootSecretAccessKey"])
    theirs.create_bucket(Bucket=target)
    with pytest.raises(ClientError) as e:
        s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": target, "TargetPrefix": "x/"}})
    assert (code(e), status(e)) == ("InvalidTargetBucketForLogging", 400)
    assert message(e) == "The owner for the bucket to be logged and the target bucket must be the same."
    assert e.value.response["Error"]["TargetBucket"] == target


# ---------------------------------------------------- payment, acceleration


def test_request_payment_defaults_to_bucket_owner(s3, bucket):
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "BucketOwner"
    s3.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "Requester"})
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "Requester"


def test_unknown_values_in_configuration_documents_are_malformed_xml(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "Everyone"})
    assert (code(e), status(e)) == ("MalformedXML", 400)
    with pytest.raises(ClientError) as e:
        s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "On"})
    assert (code(e), status(e)) == ("MalformedXML", 400)
    with pytest.raises(ClientError) as e:
        put_lifecycle(s3, bucket, {"ID": "r", "Filter": {}, "Status": "enabled", "Expiration": {"Days": 1}})
    assert (code(e), status(e)) == ("MalformedXML", 400)


def test_acceleration_round_trip_and_dotted_names(s3, bucket):
    assert "Status" not in s3.get_bucket_accelerate_configuration(Bucket=bucket)
    s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_accelerate_configuration(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_accelerate_configuration(Bucket=bucket)["Status"] == "Suspended"
    dotted = unique("dotted") + ".example"
    s3.create_bucket(Bucket=dotted)
    with pytest.raises(ClientError) as e:
        s3.put_bucket_accelerate_configuration(Bucket=dotted, AccelerateConfiguration={"Status": "Enabled"})
    assert (code(e), status(e)) == ("InvalidRequest", 400)
    assert message(e) == "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names"


# -------------------------------------------------------------- replication


def replication(dest):
    return {
        "Role": f"arn:aws:iam::{ACCOUNT}:role/replication",
        "Rules": [{"ID": "all", "Priority": 1, "Filter": {"Prefix": ""}, "Status": "Enabled",
                   "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": f"arn:aws:s3:::{dest}"}}],
    }


def test_replication_needs_versioning_on_both_buckets(s3, bucket):
    dest = unique("replica")
    s3.create_bucket(Bucket=dest)
    with pytest.raises(ClientError) as e:
        s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=replication(dest))
    assert (code(e), status(e), message(e)) == ("InvalidRequest", 400, "Versioning must be 'Enabled' on the bucket to apply a replication configuration")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    with pytest.raises(ClientError) as e:
        s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=replication(dest))
    assert (code(e), message(e)) == ("InvalidRequest", "Destination bucket must have versioning enabled.")
    s3.put_bucket_versioning(Bucket=dest, VersioningConfiguration={"Status": "Enabled"})
    with pytest.raises(ClientError) as e:
        s3.get_bucket_replication(Bucket=bucket)
    assert (code(e), status(e)) == ("ReplicationConfigurationNotFoundError", 404)
    s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=replication(dest))
    assert s3.get_bucket_replication(Bucket=bucket)["ReplicationConfiguration"] == replication(dest)
    assert s3.delete_bucket_replication(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as e:
        s3.get_bucket_replication(Bucket=bucket)
    assert code(e) == "ReplicationConfigurationNotFoundError"


def test_new_versions_are_replicated_with_their_version_ids(s3, bucket):
    dest, other = unique("replica"), unique("replica-ia")
    for b in (bucket, dest, other):
        if b != bucket:
            s3.create_bucket(Bucket=b)
        s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="docs/before", Body=b"old")  # written before: not replicated
    s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration={
        "Role": f"arn:aws:iam::{ACCOUNT}:role/replication",
        "Rules": [
            {"ID": "docs", "Priority": 2, "Filter": {"Prefix": "docs/"}, "Status": "Enabled",
             "DeleteMarkerReplication": {"Status": "Enabled"}, "Destination": {"Bucket": f"arn:aws:s3:::{dest}"}},
            {"ID": "tagged", "Priority": 1, "Filter": {"Tag": {"Key": "tier", "Value": "cold"}}, "Status": "Enabled",
             "DeleteMarkerReplication": {"Status": "Disabled"}, "Destination": {"Bucket": f"arn:aws:s3:::{other}", "StorageClass": "STANDARD_IA"}},
        ],
    })
    put = s3.put_object(Bucket=bucket, Key="docs/a.txt", Body=b"replicate me")
    got = s3.get_object(Bucket=dest, Key="docs/a.txt")
    assert got["Body"].read() == b"replicate me" and got["VersionId"] == put["VersionId"] and got["ETag"] == put["ETag"]
    cold = s3.put_object(Bucket=bucket, Key="misc/c.bin", Body=b"cold", Tagging="tier=cold")
    head = s3.head_object(Bucket=other, Key="misc/c.bin")
    assert head["VersionId"] == cold["VersionId"] and head["StorageClass"] == "STANDARD_IA"
    s3.put_object(Bucket=bucket, Key="misc/plain", Body=b"x")
    for b, key in ((dest, "docs/before"), (dest, "misc/plain"), (other, "misc/plain")):
        with pytest.raises(ClientError) as e:
            s3.head_object(Bucket=b, Key=key)
        assert status(e) == 404
    # Delete markers follow where the rule says so; deleting a version is never replicated.
    marker = s3.delete_object(Bucket=bucket, Key="docs/a.txt")["VersionId"]
    markers = s3.list_object_versions(Bucket=dest, Prefix="docs/a.txt").get("DeleteMarkers", [])
    assert [m["VersionId"] for m in markers] == [marker]
    s3.delete_object(Bucket=bucket, Key="misc/c.bin")
    assert s3.head_object(Bucket=other, Key="misc/c.bin")["VersionId"] == cold["VersionId"]
    s3.delete_object(Bucket=bucket, Key="docs/a.txt", VersionId=put["VersionId"])
    assert s3.get_object(Bucket=dest, Key="docs/a.txt", VersionId=put["VersionId"])["Body"].read() == b"replicate me"


def test_filtered_replication_rules_need_a_priority_and_delete_marker_setting(s3, bucket):
    dest = unique("replica")
    s3.create_bucket(Bucket=dest)
    for b in (bucket, dest):
        s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    conf = replication(dest)
    del conf["Rules"][0]["DeleteMarkerReplication"]
    with pytest.raises(ClientError) as e:
        s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=conf)
    assert (code(e), message(e)) == ("InvalidRequest", "DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema.")


# ------------------------------ inventory, analytics, metrics, Intelligent-Tiering


def inventory(id_, dest):
    return {
        "Id": id_, "IsEnabled": True, "IncludedObjectVersions": "Current", "Schedule": {"Frequency": "Daily"},
        "Destination": {"S3BucketDestination": {"Bucket": f"arn:aws:s3:::{dest}", "Format": "CSV", "Prefix": "inv"}},
        "OptionalFields": ["Size", "ETag"],
    }


def test_inventory_configurations_by_id(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.get_bucket_inventory_configuration(Bucket=bucket, Id="daily")
    assert (code(e), status(e), message(e)) == ("NoSuchConfiguration", 404, "The specified configuration does not exist.")
    s3.put_bucket_inventory_configuration(Bucket=bucket, Id="daily", InventoryConfiguration=inventory("daily", bucket))
    s3.put_bucket_inventory_configuration(Bucket=bucket, Id="weekly", InventoryConfiguration=dict(inventory("weekly", bucket), Schedule={"Frequency": "Weekly"}))
    assert s3.get_bucket_inventory_configuration(Bucket=bucket, Id="daily")["InventoryConfiguration"] == inventory("daily", bucket)
    listed = s3.list_bucket_inventory_configurations(Bucket=bucket)
    assert [c["Id"] for c in listed["InventoryConfigurationList"]] == ["daily", "weekly"] and listed["IsTruncated"] is False
    assert s3.delete_bucket_inventory_configuration(Bucket=bucket, Id="daily")["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as e:
        s3.delete_bucket_inventory_configuration(Bucket=bucket, Id="daily")
    assert code(e) == "NoSuchConfiguration"


def test_metrics_configurations_page_with_continuation_tokens(s3, bucket):
    ids = [f"m{i:03d}" for i in range(130)]
    for i in ids:
        s3.put_bucket_metrics_configuration(Bucket=bucket, Id=i, MetricsConfiguration={"Id": i, "Filter": {"Prefix": i}})
    first = s3.list_bucket_metrics_configurations(Bucket=bucket)
    assert first["IsTruncated"] is True and len(first["MetricsConfigurationList"]) == 100
    second = s3.list_bucket_metrics_configurations(Bucket=bucket, ContinuationToken=first["NextContinuationToken"])
    assert second["IsTruncated"] is False and "NextContinuationToken" not in second
    assert second["ContinuationToken"] == first["NextContinuationToken"]
    assert [c["Id"] for c in first["MetricsConfigurationList"] + second["MetricsConfigurationList"]] == ids
    assert s3.get_bucket_metrics_configuration(Bucket=bucket, Id="m007")["MetricsConfiguration"] == {"Id": "m007", "Filter": {"Prefix": "m007"}}


def test_analytics_and_intelligent_tiering_configurations(s3, bucket):
    analytics = {"Id": "a1", "Filter": {"Prefix": "docs/"}, "StorageClassAnalysis": {}}
    s3.put_bucket_analytics_configuration(Bucket=bucket, Id="a1", AnalyticsConfiguration=analytics)
    assert s3.get_bucket_analytics_configuration(Bucket=bucket, Id="a1")["AnalyticsConfiguration"] == analytics
    assert [c["Id"] for c in s3.list_bucket_analytics_configurations(Bucket=bucket)["AnalyticsConfigurationList"]] == ["a1"]
    s3.delete_bucket_analytics_configuration(Bucket=bucket, Id="a1")
    assert "AnalyticsConfigurationList" not in s3.list_bucket_analytics_configurations(Bucket=bucket)
    tiering = {"Id": "t1", "Status": "Enabled", "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}]}
    s3.put_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="t1", IntelligentTieringConfiguration=tiering)
    assert s3.get_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="t1")["IntelligentTieringConfiguration"] == tiering
    with pytest.raises(ClientError) as e:
        s3.put_bucket_intelligent_tiering_configuration(
            Bucket=bucket, Id="t2", IntelligentTieringConfiguration={"Id": "t2", "Status": "Enabled", "Tierings": [{"Days": 10, "AccessTier": "ARCHIVE_ACCESS"}]}
        )
    assert (code(e), status(e)) == ("InvalidArgument", 400)
    s3.delete_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="t1")
    with pytest.raises(ClientError) as e:
        s3.get_bucket_intelligent_tiering_configuration(Bucket=bucket, Id="t1")
    assert code(e) == "NoSuchConfiguration"


# ------------------------------------------------------------------ AWS CLI

@pytest.mark.skipif(AWS_CLI is None, reason="needs the AWS CLI")
def test_settings_through_the_aws_cli(s3, bucket):
    ep = s3.meta.endpoint_url
    aws_cli(ep, "s3api", "put-bucket-tagging", "--bucket", bucket, "--tagging", "TagSet=[{Key=env,Value=dev}]")
    assert aws_cli(ep, "s3api", "get-bucket-tagging", "--bucket", bucket)["TagSet"] == [{"Key": "env", "Value": "dev"}]
    err = aws_cli(ep, "s3api", "put-bucket-tagging", "--bucket", bucket, "--tagging", "TagSet=[{Key=k,Value=1},{Key=k,Value=2}]", ok=False)
    assert "(InvalidTag)" in err and "Cannot provide multiple Tags with the same key" in err
    rules = {"Rules": [{"ID": "tmp", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled", "Expiration": {"Days": 7}}]}
    aws_cli(ep, "s3api", "put-bucket-lifecycle-configuration", "--bucket", bucket, "--lifecycle-configuration", json.dumps(rules))
    assert aws_cli(ep, "s3api", "get-bucket-lifecycle-configuration", "--bucket", bucket)["Rules"] == rules["Rules"]
    enc = aws_cli(ep, "s3api", "get-bucket-encryption", "--bucket", bucket)
    assert enc["ServerSideEncryptionConfiguration"]["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    aws_cli(ep, "s3api", "put-bucket-request-payment", "--bucket", bucket, "--request-payment-configuration", "Payer=Requester")
    assert aws_cli(ep, "s3api", "get-bucket-request-payment", "--bucket", bucket)["Payer"] == "Requester"
    aws_cli(ep, "s3api", "put-bucket-accelerate-configuration", "--bucket", bucket, "--accelerate-configuration", "Status=Enabled")
    assert aws_cli(ep, "s3api", "get-bucket-accelerate-configuration", "--bucket", bucket)["Status"] == "Enabled"
    assert aws_cli(ep, "s3api", "get-bucket-notification-configuration", "--bucket", bucket) == {}
    err = aws_cli(ep, "s3api", "get-bucket-replication", "--bucket", bucket, ok=False)
    assert "(ReplicationConfigurationNotFoundError)" in err
