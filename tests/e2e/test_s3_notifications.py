"""S3 event notifications through boto3: configurations validated as S3
validates them (events, filter rules, ambiguous overlaps, destinations that
must exist and let s3.amazonaws.com deliver), the s3:TestEvent a new
destination receives, and the event JSON that object writes and deletes
deliver to SQS queues directly and through SNS topics."""

import json
import time
import urllib.parse

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, REGION, code, message, status, unique


@pytest.fixture(scope="module")
def sqs(make_client):
    return make_client("sqs")


@pytest.fixture(scope="module")
def sns(make_client):
    return make_client("sns")


@pytest.fixture
def bucket(s3):
    name = unique("events")
    s3.create_bucket(Bucket=name)
    return name


def queue_allowing(sqs, service, source_arn):
    """A queue whose policy lets `service` send to it for `source_arn`: (url, arn)."""
    url = sqs.create_queue(QueueName=unique("s3-events"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = {
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Principal": {"Service": service}, "Action": "sqs:SendMessage", "Resource": arn,
            "Condition": {"ArnLike": {"aws:SourceArn": source_arn}},
        }],
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(policy)})
    return url, arn


def receive(sqs, url, count=1, seconds=10):
    """The bodies of `count` messages (waiting up to `seconds`)."""
    bodies = []
    deadline = time.monotonic() + seconds
    while len(bodies) < count and time.monotonic() < deadline:
        out = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, AttributeNames=["All"])
        for m in out.get("Messages", []):
            bodies.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return bodies


def records(sqs, url, count=1):
    """The event records that arrive, skipping test events."""
    found = []
    deadline = time.monotonic() + 10
    while len(found) < count and time.monotonic() < deadline:
        for body in receive(sqs, url, 1, seconds=1):
            found.extend(body.get("Records", []))
    return found


def queue_config(arn, events=("s3:ObjectCreated:*",), rules=None, id_=None):
    c = {"QueueArn": arn, "Events": list(events)}
    if rules:
        c["Filter"] = {"Key": {"FilterRules": [{"Name": n, "Value": v} for n, v in rules]}}
    if id_:
        c["Id"] = id_
    return c


def test_configuration_round_trip_and_empty_default(s3, sqs, bucket):
    assert {k: v for k, v in s3.get_bucket_notification_configuration(Bucket=bucket).items() if k != "ResponseMetadata"} == {}
    _, arn = queue_allowing(sqs, "s3.amazonaws.com", f"arn:aws:s3:::{bucket}")
    conf = {
        "QueueConfigurations": [queue_config(arn, ("s3:ObjectCreated:Put", "s3:ObjectRemoved:*"), [("Prefix", "in/"), ("Suffix", ".csv")], "csv-in")],
        "EventBridgeConfiguration": {},
    }
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=conf)
    got = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert got["QueueConfigurations"] == conf["QueueConfigurations"]
    assert got["EventBridgeConfiguration"] == {}
    # A configuration without an Id gets one.
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [queue_config(arn)]})
    assert s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"][0]["Id"]
    # An empty configuration turns notifications off.
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
    assert "QueueConfigurations" not in s3.get_bucket_notification_configuration(Bucket=bucket)


def test_destinations_must_exist_and_allow_s3(s3, sqs, bucket):
    url = sqs.create_queue(QueueName=unique("no-policy"))["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    missing = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{unique('missing')}"
    for dest, why in (
        (arn, "Permissions on the destination queue do not allow S3 to publish notifications from this bucket"),
        (missing, "The destination queue does not exist"),
    ):
        with pytest.raises(ClientError) as e:
            s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [queue_config(dest)]})
        assert (code(e), status(e), message(e)) == ("InvalidArgument", 400, "Unable to validate the following destination configurations")
        assert (e.value.response["Error"]["ArgumentName1"], e.value.response["Error"]["ArgumentValue1"]) == (dest, why)
    # A policy for another bucket does not do.
    _, other = queue_allowing(sqs, "s3.amazonaws.com", "arn:aws:s3:::someone-elses-bucket")
    with pytest.raises(ClientError) as e:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [queue_config(other)]})
    assert code(e) == "InvalidArgument"
    # SkipDestinationValidation stores it regardless.
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [queue_config(arn)]}, SkipDestinationValidation=True
    )
    assert s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"][0]["QueueArn"] == arn


def test_destinations_in_another_region_or_fifo_queues_are_refused(s3, sqs, make_client, bucket):
    west = make_client("sqs", region="us-west-2")
    url = west.create_queue(QueueName=unique("west"))["QueueUrl"]
    arn = west.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    with pytest.raises(ClientError) as e:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [queue_config(arn)]})
    assert (code(e), status(e), message(e)) == (
        "InvalidArgument", 400, "The notification destination service region is not valid for the bucket location constraint")
    fifo = sqs.create_queue(QueueName=unique("events") + ".fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    fifo_arn = sqs.get_queue_attributes(QueueUrl=fifo, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    with pytest.raises(ClientError) as e:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [queue_config(fifo_arn)]})
    assert (code(e), message(e)) == ("InvalidArgument", "Unable to validate the following destination configurations")
    assert e.value.response["Error"]["ArgumentName1"] == fifo_arn


def test_topics_need_a_policy_for_s3_too(s3, sns, bucket):
    topic = sns.create_topic(Name=unique("no-s3"))["TopicArn"]
    with pytest.raises(ClientError) as e:
        s3.put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration={"TopicConfigurations": [{"TopicArn": topic, "Events": ["s3:ObjectCreated:*"]}]}
        )
    assert (code(e), status(e), message(e)) == ("InvalidArgument", 400, "Unable to validate the following destination configurations")


@pytest.mark.parametrize(
    "configs, msg",
    [
        ([queue_config("Q", ("s3:ObjectCreated:*",), [("prefix", "a/")]), queue_config("Q", ("s3:ObjectCreated:Put",), [("prefix", "a/b")])],
         "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type."),
        ([queue_config("Q", ("s3:ObjectCreated:*",), [("suffix", ".jpg")]), queue_config("Q", ("s3:ObjectCreated:*",), [("suffix", "x.jpg")])],
         "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type."),
        ([queue_config("Q", ("s3:ObjectCreated:Everything",))], "The event is not supported for notifications"),
        ([queue_config("Q", ("s3:ObjectCreated:*",), [("prefix", "a"), ("prefix", "b")])], "Cannot specify more than one prefix rule in a filter."),
        ([queue_config("Q", ("s3:ObjectCreated:*",), [("middle", "a")])], "filter rule name must be either prefix or suffix"),
    ],
)
def test_configurations_are_checked_as_s3_checks_them(s3, sqs, bucket, configs, msg):
    _, arn = queue_allowing(sqs, "s3.amazonaws.com", f"arn:aws:s3:::{bucket}")
    for c in configs:
        c["QueueArn"] = arn
    with pytest.raises(ClientError) as e:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": configs})
    assert (code(e), status(e), message(e)) == ("InvalidArgument", 400, msg)


def test_non_overlapping_filters_are_accepted(s3, sqs, bucket):
    _, arn = queue_allowing(sqs, "s3.amazonaws.com", f"arn:aws:s3:::{bucket}")
    configs = [
        queue_config(arn, ("s3:ObjectCreated:*",), [("prefix", "images/"), ("suffix", ".jpg")]),
        queue_config(arn, ("s3:ObjectCreated:*",), [("prefix", "images/"), ("suffix", ".png")]),
        queue_config(arn, ("s3:ObjectRemoved:*",), [("prefix", "images/")]),
    ]
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": configs})
    assert len(s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"]) == 3


def test_queue_receives_test_event_then_object_created_put(s3, sqs, bucket):
    url, arn = queue_allowing(sqs, "s3.amazonaws.com", f"arn:aws:s3:::{bucket}")
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [queue_config(arn, ("s3:ObjectCreated:*",), id_="uploads")]}
    )
    [test_event] = receive(sqs, url)
    assert test_event["Service"] == "Amazon S3" and test_event["Event"] == "s3:TestEvent" and test_event["Bucket"] == bucket
    assert test_event["Time"].endswith("Z") and test_event["RequestId"] and test_event["HostId"]

    key = "reports/Q1 summary (final).csv"
    put = s3.put_object(Bucket=bucket, Key=key, Body=b"hello world")
    request_id = put["ResponseMetadata"]["HTTPHeaders"]["x-amz-request-id"]
    [record] = records(sqs, url)
    assert record["eventVersion"] == "2.1"
    assert record["eventSource"] == "aws:s3"
    assert record["awsRegion"] == REGION
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["eventTime"].endswith("Z") and "T" in record["eventTime"]
    assert record["userIdentity"]["principalId"]
    assert record["requestParameters"]["sourceIPAddress"]
    assert record["responseElements"]["x-amz-request-id"] == request_id
    assert record["responseElements"]["x-amz-id-2"]
    s3_part = record["s3"]
    assert s3_part["s3SchemaVersion"] == "1.0"
    assert s3_part["configurationId"] == "uploads"
    assert s3_part["bucket"]["name"] == bucket and s3_part["bucket"]["arn"] == f"arn:aws:s3:::{bucket}"
    assert s3_part["bucket"]["ownerIdentity"]["principalId"]
    obj = s3_part["object"]
    assert obj["key"] == "reports/Q1+summary+%28final%29.csv"
    assert urllib.parse.unquote_plus(obj["key"]) == key
    assert obj["size"] == 11
    assert obj["eTag"] == put["ETag"].strip('"')
    assert "versionId" not in obj  # the bucket is not versioned
    assert len(obj["sequencer"]) >= 16 and int(obj["sequencer"], 16) > 0


def test_skipping_validation_skips_the_test_event(s3, sqs, bucket):
    url, arn = queue_allowing(sqs, "s3.amazonaws.com", f"arn:aws:s3:::{bucket}")
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [queue_config(arn)]}, SkipDestinationValidation=True
    )
    assert receive(sqs, url, 1, seconds=2) == []
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert [r["eventName"] for r in records(sqs, url)] == ["ObjectCreated:Put"]


def test_filters_select_keys_and_deletes_are_announced(s3, sqs, bucket):
    url, arn = queue_allowing(sqs, "s3.amazonaws.com", f"arn:aws:s3:::{bucket}")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={"QueueConfigurations": [
            queue_config(arn, ("s3:ObjectCreated:Put",), [("prefix", "in/"), ("suffix", ".json")], "created"),
            queue_config(arn, ("s3:ObjectRemoved:*",), [("prefix", "in/")], "removed"),
        ]},
    )
    receive(sqs, url)  # the test event
    s3.put_object(Bucket=bucket, Key="out/a.json", Body=b"{}")
    s3.put_object(Bucket=bucket, Key="in/a.txt", Body=b"{}")
    version = s3.put_object(Bucket=bucket, Key="in/a.json", Body=b"{}")["VersionId"]
    marker = s3.delete_object(Bucket=bucket, Key="in/a.json")["VersionId"]
    got = records(sqs, url, 2)
    assert [(r["eventName"], r["s3"]["configurationId"], r["s3"]["object"]["key"]) for r in got] == [
        ("ObjectCreated:Put", "created", "in/a.json"),
        ("ObjectRemoved:DeleteMarkerCreated", "removed", "in/a.json"),
    ]
    created, removed = got
    assert created["s3"]["object"]["versionId"] == version
    assert removed["s3"]["object"]["versionId"] == marker
    assert "eTag" not in removed["s3"]["object"] and "size" not in removed["s3"]["object"]
    assert int(removed["s3"]["object"]["sequencer"], 16) > int(created["s3"]["object"]["sequencer"], 16)
    # Nothing else arrived (the other keys did not match).
    assert receive(sqs, url, 1, seconds=2) == []


def test_topic_delivers_to_a_subscribed_queue(s3, sqs, sns, bucket):
    topic = sns.create_topic(Name=unique("s3-topic"))["TopicArn"]
    sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "SNS:Publish", "Resource": topic,
            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}, "ArnLike": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"}},
        }],
    }))
    url, queue_arn = queue_allowing(sqs, "sns.amazonaws.com", topic)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"TopicConfigurations": [{"Id": "to-topic", "TopicArn": topic, "Events": ["s3:ObjectCreated:*"]}]}
    )
    [test_note] = receive(sqs, url)
    assert test_note["Type"] == "Notification" and test_note["TopicArn"] == topic
    assert test_note["Subject"] == "Amazon S3 Notification"
    assert json.loads(test_note["Message"])["Event"] == "s3:TestEvent"
    s3.put_object(Bucket=bucket, Key="via/topic.txt", Body=b"12345")
    [note] = receive(sqs, url)
    assert note["Subject"] == "Amazon S3 Notification"
    [record] = json.loads(note["Message"])["Records"]
    assert record["eventName"] == "ObjectCreated:Put"
    assert record["s3"]["configurationId"] == "to-topic"
    assert record["s3"]["object"]["key"] == "via/topic.txt" and record["s3"]["object"]["size"] == 5


def test_copy_and_multipart_events(s3, sqs, bucket):
    url, arn = queue_allowing(sqs, "s3.amazonaws.com", f"arn:aws:s3:::{bucket}")
    s3.put_object(Bucket=bucket, Key="src", Body=b"source")
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [queue_config(arn)]})
    receive(sqs, url)
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    upload = s3.create_multipart_upload(Bucket=bucket, Key="mpu")["UploadId"]
    part = s3.upload_part(Bucket=bucket, Key="mpu", UploadId=upload, PartNumber=1, Body=b"only part")
    done = s3.complete_multipart_upload(Bucket=bucket, Key="mpu", UploadId=upload, MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    got = records(sqs, url, 2)
    assert [(r["eventName"], r["s3"]["object"]["key"]) for r in got] == [("ObjectCreated:Copy", "dst"), ("ObjectCreated:CompleteMultipartUpload", "mpu")]
    assert got[1]["s3"]["object"]["eTag"] == done["ETag"].strip('"')


# ------------------------------------------------------------------ Lambda


@pytest.fixture(scope="module")
def lambda_server():
    from lambda_support import LOCAL_IMAGES, Server, docker_available, ensure_images

    if not docker_available():
        pytest.skip("needs a Docker engine")
    ensure_images()
    s = Server({**LOCAL_IMAGES, "SIMFRA_LAMBDA_KEEP_ALIVE": "60"})
    yield s
    s.stop()


def test_lambda_destinations_need_permission_and_get_the_event(lambda_server):
    from lambda_support import make_role, zip_of

    s3, sqs, lam = lambda_server.client("s3"), lambda_server.client("sqs"), lambda_server.client("lambda")
    bucket = unique("to-lambda")
    s3.create_bucket(Bucket=bucket)
    name = unique("on-upload")
    code = "def handler(event, context):\n    r = event['Records'][0]\n    return {'name': r['eventName'], 'key': r['s3']['object']['key'], 'id': r['s3']['configurationId']}\n"
    fn_arn = lam.create_function(
        FunctionName=name, Runtime="python3.11", Role=make_role(lambda_server.client("iam")), Handler="app.handler", Code={"ZipFile": zip_of({"app.py": code})}
    )["FunctionArn"]
    conf = {"LambdaFunctionConfigurations": [{"Id": "fn", "LambdaFunctionArn": fn_arn, "Events": ["s3:ObjectCreated:*"]}]}
    with pytest.raises(ClientError) as e:
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=conf)
    assert (e.value.response["Error"]["Code"], e.value.response["Error"]["Message"]) == (
        "InvalidArgument", "Unable to validate the following destination configurations")
    missing = fn_arn.replace(name, unique("missing"))
    with pytest.raises(ClientError) as e:
        s3.put_bucket_notification_configuration(
            Bucket=bucket, NotificationConfiguration={"LambdaFunctionConfigurations": [{"LambdaFunctionArn": missing, "Events": ["s3:ObjectCreated:*"]}]})
    assert e.value.response["Error"]["ArgumentValue1"] == "The destination function does not exist"
    lam.add_permission(FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com",
                       SourceArn=f"arn:aws:s3:::{bucket}", SourceAccount=ACCOUNT)
    # The function's outcome goes to a queue, which shows what the function received.
    url = sqs.create_queue(QueueName=unique("fn-out"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    lam.put_function_event_invoke_config(FunctionName=name, DestinationConfig={"OnSuccess": {"Destination": queue_arn}})
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=conf)
    s3.put_object(Bucket=bucket, Key="new file.txt", Body=b"x")
    [outcome] = receive(sqs, url, 1, seconds=90)
    assert outcome["requestContext"]["condition"] == "Success"
    assert outcome["responsePayload"] == {"name": "ObjectCreated:Put", "key": "new+file.txt", "id": "fn"}
    assert outcome["requestPayload"]["Records"][0]["s3"]["bucket"]["name"] == bucket


def test_log_files_services_write_are_announced(make_client, s3, sqs, bucket):
    """CloudTrail's log files land in the bucket through S3's in-process API; they are announced too."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}"},
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
             "Resource": f"arn:aws:s3:::{bucket}/AWSLogs/{ACCOUNT}/*", "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}},
        ],
    }
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    url, arn = queue_allowing(sqs, "s3.amazonaws.com", f"arn:aws:s3:::{bucket}")
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [queue_config(arn, rules=[("prefix", "AWSLogs/")], id_="trail-logs")]}
    )
    receive(sqs, url)  # the test event
    ct = make_client("cloudtrail")
    trail = unique("trail")
    ct.create_trail(Name=trail, S3BucketName=bucket)
    ct.start_logging(Name=trail)
    try:
        s3.list_buckets()
        found = []
        deadline = time.monotonic() + 40
        while not found and time.monotonic() < deadline:
            found = records(sqs, url)
        assert found, "no log file was announced"
        record = found[0]
        assert record["eventName"] == "ObjectCreated:Put" and record["s3"]["configurationId"] == "trail-logs"
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        assert key.startswith(f"AWSLogs/{ACCOUNT}/CloudTrail/") and key.endswith(".json.gz")
        assert s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == record["s3"]["object"]["size"]
    finally:
        ct.delete_trail(Name=trail)
