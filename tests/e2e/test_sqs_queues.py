"""SQS queues through boto3: attributes with AWS's defaults and validation,
FIFO settings, re-creation rules, both queue URL forms, ListQueues prefixes
and pages, tags, permissions (AddPermission grants another account), SSE
settings, and the Query and CBOR wire forms of the same operations."""

import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import botocore.exceptions
import cbor2
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import ACCESS_KEY, ACCOUNT, REGION, SECRET_KEY
from conftest import unique, code, message


def admin(endpoint, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(endpoint + path, data=data, method=method, headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        text = r.read()
        return json.loads(text) if text else None


def signed(endpoint, body, headers, path="/"):
    req = AWSRequest(method="POST", url=endpoint + path, data=body, headers=headers)
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "sqs", REGION).add_auth(req)
    p = req.prepare()
    raw = urllib.request.Request(p.url, data=p.body, headers=dict(p.headers), method="POST")
    try:
        with urllib.request.urlopen(raw, timeout=30) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@pytest.fixture(scope="module")
def sqs(make_client):
    return make_client("sqs")


def test_new_queue_has_aws_defaults(sqs):
    name = unique("defaults")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert url.endswith(f"/{ACCOUNT}/{name}")
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["QueueArn"] == f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"
    expected = {
        "DelaySeconds": "0",
        "MaximumMessageSize": "262144",
        "MessageRetentionPeriod": "345600",
        "ReceiveMessageWaitTimeSeconds": "0",
        "VisibilityTimeout": "30",
        "SqsManagedSseEnabled": "true",
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
        "ApproximateNumberOfMessagesDelayed": "0",
    }
    assert {k: attrs[k] for k in expected} == expected
    assert "FifoQueue" not in attrs
    assert int(attrs["CreatedTimestamp"]) > 1_600_000_000
    # Asking for one attribute answers only that one.
    only = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["VisibilityTimeout"])["Attributes"]
    assert only == {"VisibilityTimeout": "30"}


def test_fifo_queue_defaults_and_name_rules(sqs):
    name = unique("defaults") + ".fifo"
    url = sqs.create_queue(QueueName=name, Attributes={"FifoQueue": "true"})["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["FifoQueue"] == "true"
    assert attrs["ContentBasedDeduplication"] == "false"
    assert attrs["DeduplicationScope"] == "queue"
    assert attrs["FifoThroughputLimit"] == "perQueue"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.create_queue(QueueName=unique("nofifo"), Attributes={"FifoQueue": "true"})
    assert code(e) == "InvalidParameterValue"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.create_queue(QueueName=unique("suffix") + ".fifo")
    assert code(e) == "InvalidParameterValue"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.create_queue(QueueName="bad name!")
    assert code(e) == "InvalidParameterValue"
    assert "alphanumeric" in message(e)


@pytest.mark.parametrize(
    "attribute,value",
    [
        ("VisibilityTimeout", "43201"),
        ("VisibilityTimeout", "-1"),
        ("DelaySeconds", "901"),
        ("MaximumMessageSize", "1023"),
        ("MaximumMessageSize", "262145"),
        ("MessageRetentionPeriod", "59"),
        ("MessageRetentionPeriod", "1209601"),
        ("ReceiveMessageWaitTimeSeconds", "21"),
        ("KmsDataKeyReusePeriodSeconds", "59"),
        ("SqsManagedSseEnabled", "maybe"),
        ("Policy", "{not json"),
        ("RedrivePolicy", '{"maxReceiveCount": 3}'),
        ("RedriveAllowPolicy", '{"redrivePermission": "byQueue"}'),
    ],
)
def test_attribute_values_are_validated(sqs, attribute, value):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.create_queue(QueueName=unique("invalid"), Attributes={attribute: value})
    assert code(e) == "InvalidAttributeValue"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert f"Invalid value for the parameter {attribute}." in message(e)
    url = sqs.create_queue(QueueName=unique("valid"))["QueueUrl"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={attribute: value})
    assert code(e) == "InvalidAttributeValue"


def test_fifo_only_attributes_are_unknown_on_standard_queues(sqs):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.create_queue(QueueName=unique("std"), Attributes={"ContentBasedDeduplication": "true"})
    assert code(e) == "InvalidAttributeName"
    assert message(e) == "Unknown Attribute ContentBasedDeduplication."


def test_per_group_throughput_needs_group_scoped_dedup(sqs):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.create_queue(
            QueueName=unique("ht") + ".fifo",
            Attributes={"FifoQueue": "true", "FifoThroughputLimit": "perMessageGroupId"},
        )
    assert code(e) == "InvalidAttributeValue"
    url = sqs.create_queue(
        QueueName=unique("ht") + ".fifo",
        Attributes={"FifoQueue": "true", "FifoThroughputLimit": "perMessageGroupId", "DeduplicationScope": "messageGroup"},
    )["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (attrs["FifoThroughputLimit"], attrs["DeduplicationScope"]) == ("perMessageGroupId", "messageGroup")


def test_recreating_a_queue(sqs):
    name = unique("again")
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
    assert sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "60"})["QueueUrl"] == url
    with pytest.raises(sqs.exceptions.QueueNameExists) as e:
        sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "61"})
    assert "VisibilityTimeout" in message(e)
    sqs.delete_queue(QueueUrl=url)
    with pytest.raises(sqs.exceptions.QueueDoesNotExist):
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    with pytest.raises(sqs.exceptions.QueueDeletedRecently):
        sqs.create_queue(QueueName=name)


def test_set_attributes_changes_them_and_the_modified_time(sqs):
    url = sqs.create_queue(QueueName=unique("set"))["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "45", "DelaySeconds": "5", "MaximumMessageSize": "2048"})
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (attrs["VisibilityTimeout"], attrs["DelaySeconds"], attrs["MaximumMessageSize"]) == ("45", "5", "2048")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 2049)
    assert code(e) == "InvalidParameterValue"
    assert "Message must be shorter than 2048 bytes" in message(e)


def test_sse_settings(sqs):
    url = sqs.create_queue(QueueName=unique("kms"), Attributes={"KmsMasterKeyId": "alias/aws/sqs"})["QueueUrl"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["KmsMasterKeyId"] == "alias/aws/sqs"
    assert attrs["SqsManagedSseEnabled"] == "false"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.create_queue(
            QueueName=unique("both"), Attributes={"KmsMasterKeyId": "alias/aws/sqs", "SqsManagedSseEnabled": "true"}
        )
    assert code(e) == "InvalidAttributeName"
    url = sqs.create_queue(QueueName=unique("nosse"), Attributes={"SqsManagedSseEnabled": "false"})["QueueUrl"]
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["SqsManagedSseEnabled"])["Attributes"] == {
        "SqsManagedSseEnabled": "false"
    }


def test_both_queue_url_forms_name_the_same_queue(sqs, simfra_endpoint):
    name = unique("urls")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    port = urllib.parse.urlparse(simfra_endpoint).port
    regional = f"http://sqs.{REGION}.localhost:{port}/{ACCOUNT}/{name}"
    plain = f"http://localhost:{port}/{ACCOUNT}/{name}"
    sqs.send_message(QueueUrl=regional, MessageBody="via regional url")
    got = sqs.receive_message(QueueUrl=plain, WaitTimeSeconds=1)["Messages"]
    assert got[0]["Body"] == "via regional url"
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    assert sqs.get_queue_attributes(QueueUrl=regional, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"] == {
        "ApproximateNumberOfMessages": "0"
    }


def test_list_queues_by_prefix_and_pages(sqs):
    prefix = unique("lst")
    names = sorted(f"{prefix}-{i:02d}" for i in range(7))
    for n in names:
        sqs.create_queue(QueueName=n)
    sqs.create_queue(QueueName=unique("other"))
    assert [u.rsplit("/", 1)[1] for u in sqs.list_queues(QueueNamePrefix=prefix)["QueueUrls"]] == names
    seen, token = [], None
    while True:
        kw = {"QueueNamePrefix": prefix, "MaxResults": 3}
        if token:
            kw["NextToken"] = token
        page = sqs.list_queues(**kw)
        assert len(page["QueueUrls"]) <= 3
        seen += [u.rsplit("/", 1)[1] for u in page["QueueUrls"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == names
    paginated = [u for p in sqs.get_paginator("list_queues").paginate(QueueNamePrefix=prefix, PaginationConfig={"PageSize": 2}) for u in p["QueueUrls"]]
    assert [u.rsplit("/", 1)[1] for u in paginated] == names
    assert "QueueUrls" not in sqs.list_queues(QueueNamePrefix=unique("none"))
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.list_queues(MaxResults=1001)
    assert code(e) == "InvalidParameterValue"


def test_tags(sqs):
    url = sqs.create_queue(QueueName=unique("tags"), tags={"team": "a", "env": "dev"})["QueueUrl"]
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "a", "env": "dev"}
    sqs.tag_queue(QueueUrl=url, Tags={"env": "prod", "cost": "42"})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "a", "env": "prod", "cost": "42"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["team", "cost"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "prod"}
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.tag_queue(QueueUrl=url, Tags={f"k{i}": "v" for i in range(51)})
    assert code(e) == "InvalidParameterValue"


def test_add_permission_grants_another_account(sqs, make_client, simfra_endpoint):
    other = admin(simfra_endpoint, "POST", "/_simfra/accounts", {"Name": unique("perm")})
    try:
        theirs = make_client("sqs", access_key=other["RootAccessKeyId"], secret_key=other["RootSecretAccessKey"])
        name = unique("shared")
        url = sqs.create_queue(QueueName=name)["QueueUrl"]
        with pytest.raises(botocore.exceptions.ClientError):
            theirs.send_message(QueueUrl=url, MessageBody="not yet")
        sqs.add_permission(QueueUrl=url, Label="letin", AWSAccountIds=[other["AccountId"]], Actions=["SendMessage"])
        policy = json.loads(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])["Attributes"]["Policy"])
        [stmt] = policy["Statement"]
        assert stmt["Sid"] == "letin"
        assert stmt["Principal"] == {"AWS": f"arn:aws:iam::{other['AccountId']}:root"}
        assert stmt["Action"] == "SQS:SendMessage"
        assert stmt["Resource"] == f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"
        theirs.send_message(QueueUrl=url, MessageBody="granted")
        # Only SendMessage was granted.
        with pytest.raises(botocore.exceptions.ClientError):
            theirs.receive_message(QueueUrl=url)
        assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"][0]["Body"] == "granted"
        with pytest.raises(botocore.exceptions.ClientError) as e:
            sqs.add_permission(QueueUrl=url, Label="letin", AWSAccountIds=[other["AccountId"]], Actions=["SendMessage"])
        assert code(e) == "InvalidParameterValue"
        sqs.remove_permission(QueueUrl=url, Label="letin")
        assert "Policy" not in sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        with pytest.raises(botocore.exceptions.ClientError):
            theirs.send_message(QueueUrl=url, MessageBody="revoked")
        with pytest.raises(botocore.exceptions.ClientError) as e:
            sqs.remove_permission(QueueUrl=url, Label="letin")
        assert code(e) == "InvalidParameterValue"
    finally:
        admin(simfra_endpoint, "DELETE", f"/_simfra/accounts/{other['AccountId']}")


def test_query_form_batch_send_with_a_failed_entry(sqs, simfra_endpoint):
    url = sqs.create_queue(QueueName=unique("query"))["QueueUrl"]
    form = {
        "Action": "SendMessageBatch",
        "Version": "2012-11-05",
        "QueueUrl": url,
        "SendMessageBatchRequestEntry.1.Id": "good",
        "SendMessageBatchRequestEntry.1.MessageBody": "fine",
        "SendMessageBatchRequestEntry.2.Id": "bad",
        "SendMessageBatchRequestEntry.2.MessageBody": "fine",
        "SendMessageBatchRequestEntry.2.DelaySeconds": "901",
    }
    status, raw = signed(simfra_endpoint, urllib.parse.urlencode(form).encode(), {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200, raw
    root = ET.fromstring(raw)
    texts = {e.tag.rsplit("}", 1)[-1]: e.text for e in root.iter()}
    assert texts["Id"] in ("good", "bad")
    ok = [e for e in root.iter() if e.tag.endswith("SendMessageBatchResultEntry")]
    failed = [e for e in root.iter() if e.tag.endswith("BatchResultErrorEntry")]
    assert len(ok) == 1 and len(failed) == 1
    failure = {c.tag.rsplit("}", 1)[-1]: c.text for c in failed[0]}
    assert failure["Id"] == "bad" and failure["Code"] == "InvalidParameterValue" and failure["SenderFault"] == "true"
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"][0]["Body"] == "fine"


def test_cbor_form_round_trips_a_message(sqs, simfra_endpoint):
    url = sqs.create_queue(QueueName=unique("cbor"))["QueueUrl"]
    headers = {"Content-Type": "application/cbor", "Accept": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}
    path = "/service/AmazonSQS/operation/"
    status, raw = signed(simfra_endpoint, cbor2.dumps({"QueueUrl": url, "MessageBody": "über cbor"}), headers, path + "SendMessage")
    assert status == 200, raw
    sent = cbor2.loads(raw)
    status, raw = signed(simfra_endpoint, cbor2.dumps({"QueueUrl": url, "WaitTimeSeconds": 1}), headers, path + "ReceiveMessage")
    assert status == 200, raw
    [m] = cbor2.loads(raw)["Messages"]
    assert m["MessageId"] == sent["MessageId"] and m["Body"] == "über cbor"
    assert m["MD5OfBody"] == sent["MD5OfMessageBody"]


def test_query_form_addressed_by_queue_url_path(sqs, simfra_endpoint):
    """Older SDKs POST the Action to the queue URL itself, without a QueueUrl parameter."""
    url = sqs.create_queue(QueueName=unique("path"))["QueueUrl"]
    path = urllib.parse.urlparse(url).path
    body = urllib.parse.urlencode({"Action": "SendMessage", "Version": "2012-11-05", "MessageBody": "to the path"}).encode()
    status, raw = signed(simfra_endpoint, body, {"Content-Type": "application/x-www-form-urlencoded"}, path)
    assert status == 200, raw
    sent_id = [e.text for e in ET.fromstring(raw).iter() if e.tag.endswith("MessageId")][0]
    body = urllib.parse.urlencode({"Action": "ReceiveMessage", "Version": "2012-11-05", "WaitTimeSeconds": "1"}).encode()
    status, raw = signed(simfra_endpoint, body, {"Content-Type": "application/x-www-form-urlencoded"}, path)
    assert status == 200, raw
    texts = {e.tag.rsplit("}", 1)[-1]: e.text for e in ET.fromstring(raw).iter()}
    assert (texts["MessageId"], texts["Body"]) == (sent_id, "to the path")


def test_attribute_names_are_sqs_own_to_judge(make_client):
    """Older code asks ReceiveMessage for message attributes through
    AttributeNames; SQS answers them. Unknown names get SQS's own error."""
    sqs = make_client("sqs")
    url = sqs.create_queue(QueueName=unique("attr-names"))["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x")
    msg = sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount"])["Messages"][0]
    assert msg["Attributes"] == {"ApproximateReceiveCount": "1"}
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Bogus"])
    assert code(e) == "InvalidAttributeName"
