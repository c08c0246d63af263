"""SNS to SQS through boto3: enveloped notifications with AWS's fields and a
signature that verifies against the certificate at SigningCertURL, raw
delivery with message attributes, MessageStructure json, filter policies
on attributes and bodies with every operator, a topic fanning out to ten
queues with different filters, FIFO topics to FIFO queues (order and
deduplication), PublishBatch, and the subscription's dead-letter queue."""

import base64
import json
import time
import urllib.parse
import urllib.request

import botocore.exceptions
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from conftest import unique, code


@pytest.fixture(scope="module")
def sns(make_client):
    return make_client("sns")


@pytest.fixture(scope="module")
def sqs(make_client):
    return make_client("sqs")


def sns_may_send(queue_arn, source="arn:aws:sns:us-east-1:000000000000:*"):
    """The queue policy AWS requires before SNS delivers into a queue."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": queue_arn,
            "Condition": {"ArnLike": {"aws:SourceArn": source}},
        }],
    })


def queue(sqs, fifo=False, policy=True):
    name = unique("sub") + (".fifo" if fifo else "")
    attrs = {"FifoQueue": "true"} if fifo else {}
    url = sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    if policy:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": sns_may_send(arn)})
    return url, arn


def drain(sqs, url, expect, timeout=5.0, **kw):
    """Receives until `expect` messages arrived (or the timeout), deleting them."""
    got, deadline = [], time.monotonic() + timeout
    while len(got) < expect and time.monotonic() < deadline:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, **kw).get("Messages", [])
        for m in batch:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        got += batch
    return got


def settle(sqs, url, seconds=0.5):
    """Nothing more arrives within a short wait."""
    time.sleep(seconds)
    return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])


def verify_signature(envelope):
    pem = urllib.request.urlopen(envelope["SigningCertURL"], timeout=10).read()
    cert = x509.load_pem_x509_certificate(pem)
    if envelope["Type"] == "Notification":
        keys = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
    else:
        keys = ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
    text = "".join(f"{k}\n{envelope[k]}\n" for k in keys if k in envelope)
    digest = hashes.SHA1() if envelope["SignatureVersion"] == "1" else hashes.SHA256()
    cert.public_key().verify(base64.b64decode(envelope["Signature"]), text.encode(), padding.PKCS1v15(), digest)


def test_enveloped_delivery_has_awss_fields_and_a_valid_signature(sns, sqs):
    topic = sns.create_topic(Name=unique("env"))["TopicArn"]
    url, arn = queue(sqs)
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
    assert sub.startswith(topic + ":")
    attrs = {
        "color": {"DataType": "String", "StringValue": "red"},
        "size": {"DataType": "Number", "StringValue": "7"},
        "raw": {"DataType": "Binary", "BinaryValue": b"\x01\x02"},
    }
    sent = sns.publish(TopicArn=topic, Message="hello queue", Subject="greeting", MessageAttributes=attrs)
    [m] = drain(sqs, url, 1, MessageSystemAttributeNames=["SenderId"])
    env = json.loads(m["Body"])
    assert list(env)[:4] == ["Type", "MessageId", "TopicArn", "Subject"]
    assert env["Type"] == "Notification"
    assert env["MessageId"] == sent["MessageId"]
    assert env["TopicArn"] == topic
    assert env["Subject"] == "greeting"
    assert env["Message"] == "hello queue"
    assert env["SignatureVersion"] == "1"
    assert env["Timestamp"].endswith("Z") and len(env["Timestamp"]) == 24
    assert env["UnsubscribeURL"].endswith("Action=Unsubscribe&SubscriptionArn=" + urllib.parse.quote(sub, safe=""))
    assert env["MessageAttributes"] == {
        "color": {"Type": "String", "Value": "red"},
        "raw": {"Type": "Binary", "Value": base64.b64encode(b"\x01\x02").decode()},
        "size": {"Type": "Number", "Value": "7"},
    }
    # Enveloped delivery carries no SQS message attributes.
    assert "MessageAttributes" not in m
    verify_signature(env)
    # SignatureVersion 2 signs with SHA256.
    sns.set_topic_attributes(TopicArn=topic, AttributeName="SignatureVersion", AttributeValue="2")
    sns.publish(TopicArn=topic, Message="v2")
    [m] = drain(sqs, url, 1)
    env = json.loads(m["Body"])
    assert env["SignatureVersion"] == "2" and "Subject" not in env
    verify_signature(env)


def test_raw_delivery_passes_body_and_attributes(sns, sqs):
    topic = sns.create_topic(Name=unique("raw"))["TopicArn"]
    url, arn = queue(sqs)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    sns.publish(
        TopicArn=topic,
        Message="just the body",
        MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}, "n": {"DataType": "Number", "StringValue": "1.5"}},
    )
    [m] = drain(sqs, url, 1, MessageAttributeNames=["All"])
    assert m["Body"] == "just the body"
    assert m["MessageAttributes"] == {
        "k": {"DataType": "String", "StringValue": "v"},
        "n": {"DataType": "Number", "StringValue": "1.5"},
    }


def test_message_structure_json_picks_the_sqs_entry(sns, sqs):
    topic = sns.create_topic(Name=unique("struct"))["TopicArn"]
    url, arn = queue(sqs)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    sns.publish(TopicArn=topic, MessageStructure="json", Message=json.dumps({"default": "for all", "sqs": "for queues"}))
    assert [m["Body"] for m in drain(sqs, url, 1)] == ["for queues"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.publish(TopicArn=topic, MessageStructure="json", Message=json.dumps({"sqs": "no default"}))
    assert code(e) == "InvalidParameter"
    assert "No default entry in JSON message body" in e.value.response["Error"]["Message"]


def test_fan_out_to_ten_queues_with_different_filter_policies(sns, sqs):
    topic = sns.create_topic(Name=unique("fan"))["TopicArn"]
    policies = {
        "exact": {"color": ["red"]},
        "or-values": {"color": ["red", "blue"]},
        "prefix": {"color": [{"prefix": "gr"}]},
        "suffix": {"shape": [{"suffix": "gon"}]},
        "anything-but": {"color": [{"anything-but": ["red", "blue"]}]},
        "numeric": {"price": [{"numeric": [">=", 10, "<", 100]}]},
        "exists": {"shape": [{"exists": True}]},
        "not-exists": {"shape": [{"exists": False}]},
        "cidr": {"source_ip": [{"cidr": "10.0.0.0/16"}]},
        "or-keys": {"$or": [{"color": ["blue"]}, {"price": [{"numeric": [">", 500]}]}]},
    }
    queues = {}
    for name, policy in policies.items():
        url, arn = queue(sqs)
        sns.subscribe(
            TopicArn=topic, Protocol="sqs", Endpoint=arn,
            Attributes={"RawMessageDelivery": "true", "FilterPolicy": json.dumps(policy)},
        )
        queues[name] = url
    s = lambda v: {"DataType": "String", "StringValue": v}
    n = lambda v: {"DataType": "Number", "StringValue": str(v)}
    messages = {
        "m1": {"color": s("red"), "price": n(50)},
        "m2": {"color": s("blue"), "shape": s("hexagon")},
        "m3": {"color": s("green"), "price": n(5), "source_ip": s("10.0.3.4")},
        "m4": {"price": n(1000), "source_ip": s("192.168.0.1")},
        "m5": {"shape": s("square")},
    }
    for body, attrs in messages.items():
        sns.publish(TopicArn=topic, Message=body, MessageAttributes=attrs)
    expected = {
        "exact": {"m1"},
        "or-values": {"m1", "m2"},
        "prefix": {"m3"},
        "suffix": {"m2"},
        "anything-but": {"m3"},
        "numeric": {"m1"},
        "exists": {"m2", "m5"},
        "not-exists": {"m1", "m3", "m4"},
        "cidr": {"m3"},
        "or-keys": {"m2", "m4"},
    }
    for name, want in expected.items():
        got = {m["Body"] for m in drain(sqs, queues[name], len(want))}
        assert got == want, name
        assert settle(sqs, queues[name], 0.2) == [], name


def test_filter_policy_on_the_message_body(sns, sqs):
    topic = sns.create_topic(Name=unique("body"))["TopicArn"]
    url, arn = queue(sqs)
    policy = {"order": {"kind": ["book"], "total": [{"numeric": [">", 20]}]}, "region": [{"anything-but": {"prefix": "eu-"}}]}
    sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=arn,
        Attributes={"RawMessageDelivery": "true", "FilterPolicyScope": "MessageBody", "FilterPolicy": json.dumps(policy)},
    )
    bodies = [
        {"order": {"kind": "book", "total": 25}, "region": "us-east-1"},
        {"order": {"kind": "book", "total": 15}, "region": "us-east-1"},
        {"order": {"kind": "cd", "total": 25}, "region": "us-east-1"},
        {"order": {"kind": "book", "total": 99}, "region": "eu-west-1"},
    ]
    for b in bodies:
        sns.publish(TopicArn=topic, Message=json.dumps(b))
    sns.publish(TopicArn=topic, Message="not json at all")
    got = drain(sqs, url, 1)
    assert [json.loads(m["Body"]) for m in got] == [bodies[0]]
    assert settle(sqs, url) == []
    attrs = sns.get_subscription_attributes(SubscriptionArn=sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"][0]["SubscriptionArn"])["Attributes"]
    assert attrs["FilterPolicyScope"] == "MessageBody" and json.loads(attrs["FilterPolicy"]) == policy


def test_changing_a_filter_policy_applies_to_later_messages(sns, sqs):
    topic = sns.create_topic(Name=unique("chg"))["TopicArn"]
    url, arn = queue(sqs)
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})["SubscriptionArn"]
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicy", AttributeValue=json.dumps({"k": ["yes"]}))
    sns.publish(TopicArn=topic, Message="no attrs")
    sns.publish(TopicArn=topic, Message="match", MessageAttributes={"k": {"DataType": "String", "StringValue": "yes"}})
    assert [m["Body"] for m in drain(sqs, url, 1)] == ["match"]
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicy", AttributeValue="")
    sns.publish(TopicArn=topic, Message="everything again")
    assert [m["Body"] for m in drain(sqs, url, 1)] == ["everything again"]


@pytest.mark.parametrize(
    "policy",
    ['{"a": [{"prefixx": "x"}]}', '{"a": "not-a-list"}', '{"a": [{"numeric": [">", 5, "<", 1]}]}', "not json", '{"a": {"nested": ["x"]}}'],
)
def test_invalid_filter_policies_are_rejected(sns, sqs, policy):
    topic = sns.create_topic(Name=unique("badf"))["TopicArn"]
    _, arn = queue(sqs)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"FilterPolicy": policy})
    assert code(e) == "InvalidParameter"
    assert e.value.response["Error"]["Message"].startswith("Invalid parameter: FilterPolicy")


def test_fifo_topic_to_fifo_queue_keeps_order_and_deduplicates(sns, sqs):
    topic = sns.create_topic(Name=unique("ft") + ".fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    url, arn = queue(sqs, fifo=True)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    seqs = []
    for i in range(20):
        r = sns.publish(TopicArn=topic, Message=f"m{i}", MessageGroupId="g", MessageDeduplicationId=f"d{i}")
        seqs.append(int(r["SequenceNumber"]))
    assert seqs == sorted(seqs)
    again = sns.publish(TopicArn=topic, Message="dup", MessageGroupId="g", MessageDeduplicationId="d3")
    assert int(again["SequenceNumber"]) == seqs[3]
    got = drain(sqs, url, 20, MessageSystemAttributeNames=["MessageGroupId"])
    assert [m["Body"] for m in got] == [f"m{i}" for i in range(20)]
    assert {m["Attributes"]["MessageGroupId"] for m in got} == {"g"}
    assert settle(sqs, url) == []


def test_fifo_topic_rules(sns, sqs):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.create_topic(Name=unique("nofifo") + ".fifo")
    assert code(e) == "InvalidParameter"
    topic = sns.create_topic(Name=unique("ft") + ".fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.publish(TopicArn=topic, Message="x", MessageDeduplicationId="d")
    assert "MessageGroupId parameter is required for FIFO topics" in e.value.response["Error"]["Message"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.publish(TopicArn=topic, Message="x", MessageGroupId="g")
    assert "ContentBasedDeduplication" in e.value.response["Error"]["Message"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.com")
    assert code(e) == "InvalidParameter"
    standard = sns.create_topic(Name=unique("std"))["TopicArn"]
    _, fifo_arn = queue(sqs, fifo=True)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.subscribe(TopicArn=standard, Protocol="sqs", Endpoint=fifo_arn)
    assert "FIFO SQS Queues can not be subscribed to standard SNS topics" in e.value.response["Error"]["Message"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.publish(TopicArn=standard, Message="x", MessageDeduplicationId="d")
    assert code(e) == "InvalidParameter"


def test_content_based_dedup_on_fifo_topic(sns, sqs):
    topic = sns.create_topic(
        Name=unique("cbd") + ".fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"}
    )["TopicArn"]
    url, arn = queue(sqs, fifo=True)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    a = sns.publish(TopicArn=topic, Message="same", MessageGroupId="g")
    b = sns.publish(TopicArn=topic, Message="same", MessageGroupId="g")
    assert a["MessageId"] == b["MessageId"]
    got = drain(sqs, url, 1)
    env = json.loads(got[0]["Body"])
    assert env["Message"] == "same" and env["SequenceNumber"] == a["SequenceNumber"]
    assert settle(sqs, url) == []


def test_publish_batch_with_per_entry_failures(sns, sqs):
    topic = sns.create_topic(Name=unique("batch"))["TopicArn"]
    url, arn = queue(sqs)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    out = sns.publish_batch(
        TopicArn=topic,
        PublishBatchRequestEntries=[
            {"Id": "a", "Message": "one"},
            {"Id": "b", "Message": ""},
            {"Id": "c", "Message": "three", "MessageAttributes": {"k": {"DataType": "Number", "StringValue": "x"}}},
            {"Id": "d", "Message": "four"},
        ],
    )
    assert sorted(s["Id"] for s in out["Successful"]) == ["a", "d"]
    assert {f["Id"]: f["Code"] for f in out["Failed"]} == {"b": "InvalidParameter", "c": "InvalidParameter"}
    assert all(f["SenderFault"] for f in out["Failed"])
    assert sorted(m["Body"] for m in drain(sqs, url, 2)) == ["four", "one"]
    with pytest.raises(sns.exceptions.EmptyBatchRequestException):
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[])
    with pytest.raises(sns.exceptions.TooManyEntriesInBatchRequestException):
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": str(i), "Message": "x"} for i in range(11)])
    with pytest.raises(sns.exceptions.BatchEntryIdsNotDistinctException):
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": "x", "Message": "1"}, {"Id": "x", "Message": "2"}])
    with pytest.raises(sns.exceptions.InvalidBatchEntryIdException):
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": "bad id!", "Message": "1"}])


def test_fifo_publish_batch_keeps_order(sns, sqs):
    topic = sns.create_topic(Name=unique("fb") + ".fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    url, arn = queue(sqs, fifo=True)
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"})
    out = sns.publish_batch(
        TopicArn=topic,
        PublishBatchRequestEntries=[
            {"Id": f"e{i}", "Message": f"m{i}", "MessageGroupId": "g", "MessageDeduplicationId": f"d{i}"} for i in range(10)
        ],
    )
    assert len(out["Successful"]) == 10 and all("SequenceNumber" in s for s in out["Successful"])
    assert [m["Body"] for m in drain(sqs, url, 10)] == [f"m{i}" for i in range(10)]


def test_subscription_dead_letter_queue_gets_undeliverable_messages(sns, sqs):
    topic = sns.create_topic(Name=unique("dlq"))["TopicArn"]
    gone_url, gone_arn = queue(sqs)
    dlq_url, dlq_arn = queue(sqs)
    sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=gone_arn,
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})},
    )
    sqs.delete_queue(QueueUrl=gone_url)
    sns.publish(TopicArn=topic, Message="nowhere to go", MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}})
    [m] = drain(sqs, dlq_url, 1, MessageAttributeNames=["All"])
    assert json.loads(m["Body"])["Message"] == "nowhere to go"
    assert m["MessageAttributes"]["k"] == {"DataType": "String", "StringValue": "v"}
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.subscribe(
            TopicArn=topic, Protocol="sqs", Endpoint=dlq_arn,
            Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": "arn:aws:sqs:us-east-1:000000000000:" + unique("absent")})},
        )
    assert code(e) == "InvalidParameter"


def test_unsubscribed_queues_get_nothing_more(sns, sqs):
    topic = sns.create_topic(Name=unique("unsub"))["TopicArn"]
    url, arn = queue(sqs)
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)["SubscriptionArn"]
    sns.publish(TopicArn=topic, Message="before")
    assert len(drain(sqs, url, 1)) == 1
    sns.unsubscribe(SubscriptionArn=sub)
    sns.publish(TopicArn=topic, Message="after")
    assert settle(sqs, url) == []
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsDeleted"] == "1"
    with pytest.raises(sns.exceptions.NotFoundException):
        sns.get_subscription_attributes(SubscriptionArn=sub)


def test_queue_policy_must_let_sns_send(sns, sqs):
    topic = sns.create_topic(Name=unique("pol"))["TopicArn"]
    other_topic = sns.create_topic(Name=unique("other"))["TopicArn"]
    closed_url, closed_arn = queue(sqs, policy=False)
    wrong_url, wrong_arn = queue(sqs, policy=False)
    sqs.set_queue_attributes(QueueUrl=wrong_url, Attributes={"Policy": sns_may_send(wrong_arn, source=other_topic)})
    open_url, open_arn = queue(sqs, policy=False)
    sqs.set_queue_attributes(QueueUrl=open_url, Attributes={"Policy": sns_may_send(open_arn, source=topic)})
    dlq_url, dlq_arn = queue(sqs)
    for arn in (closed_arn, wrong_arn):
        sns.subscribe(
            TopicArn=topic, Protocol="sqs", Endpoint=arn,
            Attributes={"RawMessageDelivery": "true", "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})},
        )
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=open_arn, Attributes={"RawMessageDelivery": "true"})
    sns.publish(TopicArn=topic, Message="who may hear")
    assert [m["Body"] for m in drain(sqs, open_url, 1)] == ["who may hear"]
    # Refused deliveries are not retried; they go to the subscription's DLQ.
    assert [m["Body"] for m in drain(sqs, dlq_url, 2)] == ["who may hear"] * 2
    assert settle(sqs, closed_url) == [] and settle(sqs, wrong_url, 0) == []


@pytest.mark.parametrize(
    "policy,scope,matching,other",
    [
        ({"env": [{"equals-ignore-case": "PROD"}]}, "MessageAttributes", {"env": "prod"}, {"env": "production"}),
        ({"file": [{"wildcard": "logs/*.gz"}]}, "MessageAttributes", {"file": "logs/2026/app.gz"}, {"file": "logs/app.txt"}),
        ({"env": [{"anything-but": {"prefix": "dev"}}]}, "MessageAttributes", {"env": "prod"}, {"env": "dev-1"}),
        ({"count": [{"numeric": ["=", 3]}]}, "MessageAttributes", {"count": 3}, {"count": 4}),
        ({"tags": ["urgent"]}, "MessageAttributes", {"tags": ["low", "urgent"]}, {"tags": ["low"]}),
        ({"ok": [True], "note": [None]}, "MessageBody", {"ok": True, "note": None}, {"ok": False, "note": None}),
        ({"items": {"sku": [{"prefix": "A-"}]}}, "MessageBody", {"items": [{"sku": "B-1"}, {"sku": "A-7"}]}, {"items": [{"sku": "B-1"}]}),
        ({"ip": [{"cidr": "2001:db8::/32"}]}, "MessageBody", {"ip": "2001:db8::1"}, {"ip": "2001:db9::1"}),
    ],
)
def test_filter_operators(sns, sqs, policy, scope, matching, other):
    topic = sns.create_topic(Name=unique("ops"))["TopicArn"]
    url, arn = queue(sqs)
    sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=arn,
        Attributes={"RawMessageDelivery": "true", "FilterPolicyScope": scope, "FilterPolicy": json.dumps(policy)},
    )

    def send(values, body_tag):
        if scope == "MessageBody":
            sns.publish(TopicArn=topic, Message=json.dumps({**values, "tag": body_tag}))
            return
        attrs = {}
        for k, v in values.items():
            if isinstance(v, list):
                attrs[k] = {"DataType": "String.Array", "StringValue": json.dumps(v)}
            elif isinstance(v, (int, float)):
                attrs[k] = {"DataType": "Number", "StringValue": str(v)}
            else:
                attrs[k] = {"DataType": "String", "StringValue": v}
        sns.publish(TopicArn=topic, Message=body_tag, MessageAttributes=attrs)

    send(other, "other")
    send(matching, "matching")
    got = drain(sqs, url, 1)
    bodies = [m["Body"] if scope == "MessageAttributes" else json.loads(m["Body"])["tag"] for m in got]
    assert bodies == ["matching"]
    assert settle(sqs, url, 0.3) == []


def test_concurrent_publishers_lose_nothing(sns, sqs, make_client):
    """8 publishers, 2,000 messages, 3 subscribed queues (raw and enveloped): every queue gets every message once."""
    import threading

    topic = sns.create_topic(Name=unique("conc"))["TopicArn"]
    queues = []
    for raw in ("true", "true", "false"):
        url, arn = queue(sqs)
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": raw})
        queues.append((url, raw == "true"))
    errors = []

    def publish(p):
        try:
            client = make_client("sns")
            for b in range(25):
                entries = [{"Id": str(i), "Message": f"{p}:{b}:{i}"} for i in range(10)]
                out = client.publish_batch(TopicArn=topic, PublishBatchRequestEntries=entries)
                if out.get("Failed"):
                    errors.append(out["Failed"])
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=publish, args=(p,)) for p in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    expected = {f"{p}:{b}:{i}" for p in range(8) for b in range(25) for i in range(10)}
    for url, raw in queues:
        got = []
        deadline = time.monotonic() + 60
        while len(got) < len(expected) and time.monotonic() < deadline:
            batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
            if batch:
                sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)])
            got += [m["Body"] if raw else json.loads(m["Body"])["Message"] for m in batch]
        assert len(got) == len(set(got)) and set(got) == expected
