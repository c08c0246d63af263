"""SQS messages through boto3: digests computed independently of the
server, message and system attributes and which of them a receiver asked
for, body and attribute validation, visibility timeouts and receipt
handles, delays, long polling, batches with per-entry failures, the
ApproximateNumberOfMessages* figures and the purge rule."""

import hashlib
import struct
import threading
import time

import botocore.exceptions
import pytest

from conftest import unique, code, message


def attributes_md5(attrs):
    """AWS's documented digest of message attributes, computed here from scratch."""
    buf = b""
    for name in sorted(attrs):
        v = attrs[name]
        enc = lambda b: struct.pack(">I", len(b)) + b
        buf += enc(name.encode()) + enc(v["DataType"].encode())
        if "BinaryValue" in v:
            buf += b"\x02" + enc(v["BinaryValue"])
        else:
            buf += b"\x01" + enc(v["StringValue"].encode())
    return hashlib.md5(buf).hexdigest()


@pytest.fixture(scope="module")
def sqs(make_client):
    return make_client("sqs")


def new_queue(sqs, **attrs):
    return sqs.create_queue(QueueName=unique("msg"), Attributes={k: str(v) for k, v in attrs.items()})["QueueUrl"]


def counts(sqs, url):
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    return (
        int(a["ApproximateNumberOfMessages"]),
        int(a["ApproximateNumberOfMessagesNotVisible"]),
        int(a["ApproximateNumberOfMessagesDelayed"]),
    )


def test_digests_match_the_documented_algorithm(sqs):
    url = new_queue(sqs)
    attrs = {
        "city": {"DataType": "String", "StringValue": "Zürich"},
        "count": {"DataType": "Number", "StringValue": "12.5"},
        "blob": {"DataType": "Binary", "BinaryValue": b"\x00\xff\x10"},
        "kind": {"DataType": "String.custom", "StringValue": "x"},
    }
    trace = {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793"}}
    body = "héllo wörld"
    sent = sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes=attrs, MessageSystemAttributes=trace)
    assert sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest()
    assert sent["MD5OfMessageAttributes"] == attributes_md5(attrs)
    assert sent["MD5OfMessageSystemAttributes"] == attributes_md5(trace)
    [m] = sqs.receive_message(
        QueueUrl=url, MessageAttributeNames=["All"], MessageSystemAttributeNames=["AWSTraceHeader"], WaitTimeSeconds=1
    )["Messages"]
    assert m["MessageId"] == sent["MessageId"]
    assert m["Body"] == body and m["MD5OfBody"] == sent["MD5OfMessageBody"]
    assert m["MessageAttributes"] == attrs
    assert m["MD5OfMessageAttributes"] == attributes_md5(attrs)
    assert m["Attributes"] == {"AWSTraceHeader": trace["AWSTraceHeader"]["StringValue"]}


def test_receivers_get_the_attributes_they_ask_for(sqs):
    url = new_queue(sqs)
    attrs = {
        "order.id": {"DataType": "String", "StringValue": "1"},
        "order.total": {"DataType": "Number", "StringValue": "3"},
        "user": {"DataType": "String", "StringValue": "ann"},
    }
    sqs.send_message(QueueUrl=url, MessageBody="b", MessageAttributes=attrs)
    [m] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0, WaitTimeSeconds=1)["Messages"]
    assert "MessageAttributes" not in m and "Attributes" not in m and "MD5OfMessageAttributes" not in m
    [m] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0, MessageAttributeNames=["order.*"])["Messages"]
    assert set(m["MessageAttributes"]) == {"order.id", "order.total"}
    picked = {k: attrs[k] for k in ("order.id", "order.total")}
    assert m["MD5OfMessageAttributes"] == attributes_md5(picked)
    [m] = sqs.receive_message(
        QueueUrl=url, VisibilityTimeout=0, MessageAttributeNames=["user"], MessageSystemAttributeNames=["All"]
    )["Messages"]
    assert set(m["MessageAttributes"]) == {"user"}
    assert {"SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp"} <= set(m["Attributes"])
    assert m["Attributes"]["ApproximateReceiveCount"] == "3"
    assert abs(int(m["Attributes"]["SentTimestamp"]) / 1000 - time.time()) < 30
    [m] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0, MessageSystemAttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert m["Attributes"] == {"ApproximateReceiveCount": "4"}
    # The older AttributeNames member asks for the same attributes.
    [m] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0, AttributeNames=["All"])["Messages"]
    assert m["Attributes"]["ApproximateReceiveCount"] == "5" and "SenderId" in m["Attributes"]


@pytest.mark.parametrize(
    "kwargs,error",
    [
        ({"MessageBody": "bad \x01 char"}, "InvalidMessageContents"),
        ({"MessageBody": "x" * 262_145}, "InvalidParameterValue"),
        ({"MessageBody": "x", "DelaySeconds": 901}, "InvalidParameterValue"),
        ({"MessageBody": "x", "MessageDeduplicationId": "d"}, "InvalidParameterValue"),
        (
            {"MessageBody": "x", "MessageAttributes": {f"a{i}": {"DataType": "String", "StringValue": "v"} for i in range(11)}},
            "InvalidParameterValue",
        ),
        ({"MessageBody": "x", "MessageAttributes": {"a": {"DataType": "String", "StringValue": ""}}}, "InvalidParameterValue"),
        ({"MessageBody": "x", "MessageAttributes": {"a": {"DataType": "Number", "StringValue": "ten"}}}, "InvalidParameterValue"),
        ({"MessageBody": "x", "MessageAttributes": {"a": {"DataType": "Date", "StringValue": "1"}}}, "InvalidParameterValue"),
        ({"MessageBody": "x", "MessageAttributes": {"AWS.x": {"DataType": "String", "StringValue": "1"}}}, "InvalidParameterValue"),
    ],
)
def test_sends_are_validated(sqs, kwargs, error):
    url = new_queue(sqs)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.send_message(QueueUrl=url, **kwargs)
    assert code(e) == error
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert counts(sqs, url) == (0, 0, 0)


def test_invalid_character_message_is_awss(sqs):
    url = new_queue(sqs)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="a\x1fb")
    assert message(e).startswith("Invalid binary character '#x1F' was found in the message body")


def test_receive_parameters_are_validated(sqs):
    url = new_queue(sqs)
    for kwargs in ({"MaxNumberOfMessages": 11}, {"MaxNumberOfMessages": 0}, {"WaitTimeSeconds": 21}, {"VisibilityTimeout": 43201}):
        with pytest.raises(botocore.exceptions.ClientError) as e:
            sqs.receive_message(QueueUrl=url, **kwargs)
        assert code(e) == "InvalidParameterValue", kwargs


def test_visibility_timeout_hides_a_message_until_it_expires(sqs):
    url = new_queue(sqs, VisibilityTimeout=1)
    sqs.send_message(QueueUrl=url, MessageBody="once")
    first = sqs.receive_message(QueueUrl=url, MessageSystemAttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert first[0]["Attributes"]["ApproximateReceiveCount"] == "1"
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    assert counts(sqs, url) == (0, 1, 0)
    again = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=3, MessageSystemAttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert again[0]["MessageId"] == first[0]["MessageId"]
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"
    assert again[0]["ReceiptHandle"] != first[0]["ReceiptHandle"]
    # The first receive's handle is stale: deleting with it succeeds but deletes nothing.
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])
    assert counts(sqs, url) == (0, 1, 0)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=again[0]["ReceiptHandle"])
    assert counts(sqs, url) == (0, 0, 0)


def test_change_message_visibility(sqs):
    url = new_queue(sqs, VisibilityTimeout=300)
    sqs.send_message(QueueUrl=url, MessageBody="m")
    [m] = sqs.receive_message(QueueUrl=url)["Messages"]
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
    [back] = sqs.receive_message(QueueUrl=url)["Messages"]
    assert back["MessageId"] == m["MessageId"]
    # Extending the current receive keeps it hidden.
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=back["ReceiptHandle"], VisibilityTimeout=1)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=3)["Messages"][0]["MessageId"] == m["MessageId"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle="garbage", VisibilityTimeout=10)
    assert code(e) == "ReceiptHandleIsInvalid"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=43201)
    assert code(e) == "InvalidParameterValue"


def test_visibility_is_limited_to_twelve_hours_from_the_first_receive(sqs):
    url = new_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="m")
    [m] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=600)["Messages"]
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=43_000)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=43_200)
    assert code(e) == "InvalidParameterValue"
    assert "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]" in message(e)


def test_change_visibility_of_a_visible_message_is_not_in_flight(sqs):
    url = new_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="m")
    [m] = sqs.receive_message(QueueUrl=url, VisibilityTimeout=0)["Messages"]
    with pytest.raises(sqs.exceptions.MessageNotInflight):
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=10)


def test_change_visibility_of_a_deleted_message_fails(sqs):
    url = new_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="m")
    [m] = sqs.receive_message(QueueUrl=url)["Messages"]
    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=10)
    assert code(e) == "InvalidParameterValue"
    assert "Message does not exist or is not available for visibility timeout change" in message(e)
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid) as e:
        sqs.delete_message(QueueUrl=url, ReceiptHandle="not-a-handle")
    assert message(e) == 'The input receipt handle "not-a-handle" is not a valid receipt handle.'


def test_receipt_handles_belong_to_their_queue(sqs):
    a, b = new_queue(sqs), new_queue(sqs)
    sqs.send_message(QueueUrl=a, MessageBody="a")
    sqs.send_message(QueueUrl=b, MessageBody="b")
    [m] = sqs.receive_message(QueueUrl=a)["Messages"]
    with pytest.raises(sqs.exceptions.ReceiptHandleIsInvalid):
        sqs.delete_message(QueueUrl=b, ReceiptHandle=m["ReceiptHandle"])
    assert counts(sqs, b) == (1, 0, 0)


def test_delay_queue_and_per_message_delay(sqs):
    url = new_queue(sqs, DelaySeconds=2)
    sqs.send_message(QueueUrl=url, MessageBody="queue delay")
    sqs.send_message(QueueUrl=url, MessageBody="no delay", DelaySeconds=0)
    assert counts(sqs, url) == (1, 0, 1)
    [m] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert m["Body"] == "no delay"
    started = time.monotonic()
    [m] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"]
    assert m["Body"] == "queue delay"
    assert 1.0 < time.monotonic() - started < 3.5


def test_long_poll_wakes_within_100ms_of_a_send(sqs, make_client):
    url = new_queue(sqs)
    receiver = make_client("sqs")
    results = {}

    def poll():
        results["messages"] = receiver.receive_message(QueueUrl=url, WaitTimeSeconds=10)
        results["returned"] = time.monotonic()

    t = threading.Thread(target=poll)
    t.start()
    time.sleep(0.7)
    assert "returned" not in results, "the receive did not wait"
    sent_at = time.monotonic()
    sqs.send_message(QueueUrl=url, MessageBody="wake up")
    t.join(15)
    assert results["messages"]["Messages"][0]["Body"] == "wake up"
    assert results["returned"] - sent_at < 0.1, f"woke {results['returned'] - sent_at:.3f}s after the send"


def test_long_poll_returns_empty_after_the_wait(sqs):
    url = new_queue(sqs, ReceiveMessageWaitTimeSeconds=1)
    started = time.monotonic()
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    assert 0.9 < time.monotonic() - started < 3


def test_batches_report_failures_per_entry(sqs):
    url = new_queue(sqs)
    out = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "a", "MessageBody": "one"},
            {"Id": "b", "MessageBody": "bad \x00"},
            {"Id": "c", "MessageBody": "three", "DelaySeconds": 0},
            {"Id": "d", "MessageBody": "x", "DelaySeconds": 1000},
        ],
    )
    assert sorted(s["Id"] for s in out["Successful"]) == ["a", "c"]
    failed = {f["Id"]: f for f in out["Failed"]}
    assert failed["b"]["Code"] == "InvalidMessageContents" and failed["b"]["SenderFault"] is True
    assert failed["d"]["Code"] == "InvalidParameterValue"
    for s in out["Successful"]:
        assert s["MD5OfMessageBody"] == hashlib.md5({"a": b"one", "c": b"three"}[s["Id"]]).hexdigest()
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    assert sorted(m["Body"] for m in got) == ["one", "three"]
    deleted = sqs.delete_message_batch(
        QueueUrl=url,
        Entries=[{"Id": "x", "ReceiptHandle": got[0]["ReceiptHandle"]}, {"Id": "y", "ReceiptHandle": "bogus"}],
    )
    assert [s["Id"] for s in deleted["Successful"]] == ["x"]
    assert [(f["Id"], f["Code"]) for f in deleted["Failed"]] == [("y", "ReceiptHandleIsInvalid")]
    changed = sqs.change_message_visibility_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "p", "ReceiptHandle": got[1]["ReceiptHandle"], "VisibilityTimeout": 0},
            {"Id": "q", "ReceiptHandle": "bogus", "VisibilityTimeout": 0},
        ],
    )
    assert [s["Id"] for s in changed["Successful"]] == ["p"]
    assert [(f["Id"], f["Code"]) for f in changed["Failed"]] == [("q", "ReceiptHandleIsInvalid")]
    assert counts(sqs, url) == (1, 0, 0)


@pytest.mark.parametrize(
    "entries,exception",
    [
        ([], "EmptyBatchRequest"),
        ([{"Id": f"e{i}", "MessageBody": "x"} for i in range(11)], "TooManyEntriesInBatchRequest"),
        ([{"Id": "same", "MessageBody": "x"}, {"Id": "same", "MessageBody": "y"}], "BatchEntryIdsNotDistinct"),
        ([{"Id": "has space", "MessageBody": "x"}], "InvalidBatchEntryId"),
        ([{"Id": f"e{i}", "MessageBody": "x" * 30_000} for i in range(10)], "BatchRequestTooLong"),
    ],
)
def test_malformed_batches_fail_whole(sqs, entries, exception):
    url = new_queue(sqs)
    with pytest.raises(getattr(sqs.exceptions, exception)):
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    assert counts(sqs, url) == (0, 0, 0)


def test_approximate_counts_are_true(sqs):
    url = new_queue(sqs)
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": str(i)} for i in range(5)])
    sqs.send_message(QueueUrl=url, MessageBody="later", DelaySeconds=60)
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)["Messages"]
    assert len(got) == 2
    assert counts(sqs, url) == (3, 2, 1)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    assert counts(sqs, url) == (3, 1, 1)


def test_purge_empties_the_queue_once_a_minute(sqs):
    url = new_queue(sqs)
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": str(i)} for i in range(3)])
    sqs.purge_queue(QueueUrl=url)
    assert counts(sqs, url) == (0, 0, 0)
    assert "Messages" not in sqs.receive_message(QueueUrl=url)
    with pytest.raises(sqs.exceptions.PurgeQueueInProgress) as e:
        sqs.purge_queue(QueueUrl=url)
    assert "Only one PurgeQueue operation on" in message(e) and "allowed every 60 seconds" in message(e)
    # Sending still works after a purge.
    sqs.send_message(QueueUrl=url, MessageBody="after")
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"] == "after"


def test_operations_on_a_missing_queue(sqs, simfra_endpoint):
    url = f"{simfra_endpoint}/000000000000/{unique('missing')}"
    for call in (
        lambda: sqs.send_message(QueueUrl=url, MessageBody="x"),
        lambda: sqs.receive_message(QueueUrl=url),
        lambda: sqs.purge_queue(QueueUrl=url),
        lambda: sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": "a", "ReceiptHandle": "h"}]),
    ):
        with pytest.raises(sqs.exceptions.QueueDoesNotExist) as e:
            call()
        assert message(e) == "The specified queue does not exist."
