"""SQS FIFO queues through boto3: required group ids, explicit and
content-based deduplication in the 5-minute window (per queue or per
group), strict order within a group with the group locked while a message
is in flight, sequence numbers, and receive request attempt ids."""


import botocore.exceptions
import pytest

from conftest import unique, code


@pytest.fixture(scope="module")
def sqs(make_client):
    return make_client("sqs")


def fifo(sqs, **attrs):
    attributes = {"FifoQueue": "true", **{k: str(v) for k, v in attrs.items()}}
    return sqs.create_queue(QueueName=unique("fifo") + ".fifo", Attributes=attributes)["QueueUrl"]


def bodies(messages):
    return [m["Body"] for m in messages]


def test_fifo_sends_need_group_and_dedup_ids(sqs):
    url = fifo(sqs)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageDeduplicationId="d")
    assert code(e) == "MissingParameter"
    assert e.value.response["Error"]["Message"] == "The request must contain the parameter MessageGroupId."
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")
    assert code(e) == "InvalidParameterValue"
    assert "ContentBasedDeduplication" in e.value.response["Error"]["Message"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d", DelaySeconds=5)
    assert code(e) == "InvalidParameterValue"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g" * 129, MessageDeduplicationId="d")
    assert code(e) == "InvalidParameterValue"


def test_explicit_deduplication_within_the_window(sqs):
    url = fifo(sqs)
    first = sqs.send_message(QueueUrl=url, MessageBody="one", MessageGroupId="g", MessageDeduplicationId="same")
    second = sqs.send_message(QueueUrl=url, MessageBody="two", MessageGroupId="g", MessageDeduplicationId="same")
    assert second["MessageId"] == first["MessageId"]
    assert second["SequenceNumber"] == first["SequenceNumber"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert bodies(got) == ["one"]
    # Deleting the message does not end the deduplication window.
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    sqs.send_message(QueueUrl=url, MessageBody="three", MessageGroupId="g", MessageDeduplicationId="same")
    assert "Messages" not in sqs.receive_message(QueueUrl=url)


def test_content_based_deduplication(sqs):
    url = fifo(sqs, ContentBasedDeduplication="true")
    a = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g")
    b = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="h")
    c = sqs.send_message(QueueUrl=url, MessageBody="other body", MessageGroupId="g")
    assert a["MessageId"] == b["MessageId"] != c["MessageId"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"])["Messages"]
    assert sorted(bodies(got)) == ["other body", "same body"]
    import hashlib

    dedup = {m["Body"]: m["Attributes"]["MessageDeduplicationId"] for m in got}
    assert dedup["same body"] == hashlib.sha256(b"same body").hexdigest()


def test_deduplication_scope_message_group(sqs):
    url = fifo(sqs, DeduplicationScope="messageGroup")
    a = sqs.send_message(QueueUrl=url, MessageBody="a", MessageGroupId="g1", MessageDeduplicationId="d")
    b = sqs.send_message(QueueUrl=url, MessageBody="b", MessageGroupId="g2", MessageDeduplicationId="d")
    c = sqs.send_message(QueueUrl=url, MessageBody="c", MessageGroupId="g1", MessageDeduplicationId="d")
    assert a["MessageId"] != b["MessageId"] and c["MessageId"] == a["MessageId"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(bodies(got)) == ["a", "b"]


def test_order_within_groups_and_group_locking(sqs):
    url = fifo(sqs, ContentBasedDeduplication="true")
    sent = []
    for i in range(5):
        for g in ("a", "b"):
            r = sqs.send_message(QueueUrl=url, MessageBody=f"{g}{i}", MessageGroupId=g)
            sent.append(int(r["SequenceNumber"]))
    assert sent == sorted(sent) and len(set(sent)) == len(sent)
    assert all(len(str(s)) == 20 for s in sent)
    [first] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, MessageSystemAttributeNames=["MessageGroupId"])["Messages"]
    assert first["Body"] == "a0" and first["Attributes"]["MessageGroupId"] == "a"
    # Group a is locked while a0 is in flight: only b's messages come, in order.
    rest = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert bodies(rest) == ["b0", "b1", "b2", "b3", "b4"]
    assert "Messages" not in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"])
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]) == ["a1", "a2", "a3", "a4"]


def test_a_message_made_visible_again_is_redelivered_first(sqs):
    url = fifo(sqs, ContentBasedDeduplication="true")
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}", MessageGroupId="g")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2)["Messages"]
    assert bodies(got) == ["m0", "m1"]
    for m in got:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0)
    again = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["ApproximateReceiveCount"])["Messages"]
    assert bodies(again) == ["m0", "m1", "m2"]
    assert [m["Attributes"]["ApproximateReceiveCount"] for m in again] == ["2", "2", "1"]


def test_receive_request_attempt_id_replays_the_same_receive(sqs):
    url = fifo(sqs, ContentBasedDeduplication="true")
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}", MessageGroupId="g")
    first = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="attempt-1")["Messages"]
    replay = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="attempt-1")["Messages"]
    assert [(m["MessageId"], m["ReceiptHandle"]) for m in replay] == [(m["MessageId"], m["ReceiptHandle"]) for m in first]
    # Once the messages are deleted, the attempt id no longer replays them.
    sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(first)])
    after = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=2, ReceiveRequestAttemptId="attempt-1")["Messages"]
    assert bodies(after) == ["m2"]


def test_fifo_batch_send_keeps_order(sqs):
    url = fifo(sqs)
    out = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[{"Id": f"e{i}", "MessageBody": f"m{i}", "MessageGroupId": "g", "MessageDeduplicationId": f"d{i}"} for i in range(10)],
    )
    assert len(out["Successful"]) == 10
    seqs = [int(s["SequenceNumber"]) for s in sorted(out["Successful"], key=lambda s: int(s["Id"][1:]))]
    assert seqs == sorted(seqs)
    failed = sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "x", "MessageBody": "no group", "MessageDeduplicationId": "x"}])
    assert [(f["Id"], f["Code"]) for f in failed["Failed"]] == [("x", "MissingParameter")]
    assert bodies(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]) == [f"m{i}" for i in range(10)]
