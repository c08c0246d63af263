"""SQS event source mappings running a Python function in Docker: a queue of
1,000 messages drains into the function with none lost; with
ReportBatchItemFailures only the failed messages return to the queue (and
reach its dead-letter queue through the queue's redrive policy); filters
drop what they do not match."""

import json
import time

import pytest

from conftest import unique
from lambda_support import LOCAL_IMAGES, Server, docker_available, drain, ensure_images, forwarding_function, queue

pytestmark = pytest.mark.skipif(not docker_available(), reason="needs a Docker engine")

# Forwards every record's body (and how often it was received) to the queue in OUT.
FORWARDER = """
import json, os, boto3
sqs = boto3.client("sqs")
def handler(event, context):
    records = event["Records"]
    for i in range(0, len(records), 10):
        chunk = records[i:i + 10]
        entries = [{"Id": str(n), "MessageBody": json.dumps({"body": r["body"], "count": r["attributes"]["ApproximateReceiveCount"], "source": r["eventSourceARN"]})}
                   for n, r in enumerate(chunk)]
        sqs.send_message_batch(QueueUrl=os.environ["OUT"], Entries=entries)
    failed = [{"itemIdentifier": r["messageId"]} for r in records if r["body"].startswith("fail")]
    return {"batchItemFailures": failed}
"""


@pytest.fixture(scope="module")
def server():
    ensure_images()
    s = Server(dict(LOCAL_IMAGES))
    yield s
    s.stop()


def counts(sqs, url):
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(a["ApproximateNumberOfMessages"]), int(a["ApproximateNumberOfMessagesNotVisible"])


def test_thousand_messages_drain_none_lost(server):
    sqs = server.client("sqs")
    src_url, src_arn = queue(sqs, unique("esm-src"))
    out_url, out_arn = queue(sqs, unique("esm-out"))
    for start in range(0, 1000, 10):
        sqs.send_message_batch(QueueUrl=src_url, Entries=[{"Id": str(i), "MessageBody": f"m-{start + i}"} for i in range(10)])
    lam, name = forwarding_function(server, FORWARDER, out_url, out_arn, "esm-fn")
    mapping = lam.create_event_source_mapping(EventSourceArn=src_arn, FunctionName=name, BatchSize=10)
    expected = {f"m-{i}" for i in range(1000)}
    got = drain(sqs, out_url, lambda g: {x["body"] for x in g} >= expected, timeout=180)
    bodies = {x["body"] for x in got}
    assert bodies == expected, f"missing {len(expected - bodies)}"
    # Every message was deleted after its batch succeeded.
    deadline = time.time() + 30
    while counts(sqs, src_url) != (0, 0) and time.time() < deadline:
        time.sleep(0.5)
    assert counts(sqs, src_url) == (0, 0)
    assert all(x["source"] == src_arn for x in got)
    lam.delete_event_source_mapping(UUID=mapping["UUID"])


def test_partial_batch_failures_return_only_failed_messages(server):
    sqs = server.client("sqs")
    dlq_url, dlq_arn = queue(sqs, unique("esm-dlq"))
    src_url, src_arn = queue(
        sqs, unique("esm-partial"), VisibilityTimeout=8, RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    )
    out_url, out_arn = queue(sqs, unique("esm-partial-out"))
    ok = [f"ok-{i}" for i in range(5)]
    bad = [f"fail-{i}" for i in range(3)]
    sqs.send_message_batch(QueueUrl=src_url, Entries=[{"Id": str(i), "MessageBody": b} for i, b in enumerate(ok + bad)])
    lam, name = forwarding_function(server, FORWARDER, out_url, out_arn, "esm-fn")
    # Warm first: a cold start must not outlast the visibility timeout of the first batch.
    lam.invoke(FunctionName=name, Payload=json.dumps({"Records": []}).encode())
    lam.create_event_source_mapping(
        EventSourceArn=src_arn, FunctionName=name, BatchSize=10, MaximumBatchingWindowInSeconds=1, FunctionResponseTypes=["ReportBatchItemFailures"]
    )
    # The failed messages reach the dead-letter queue after their second receive.
    dead_bodies = drain(sqs, dlq_url, lambda g: len(g) >= 3, timeout=60, parse=str)
    assert sorted(dead_bodies) == sorted(bad)
    processed = drain(sqs, out_url, lambda g: False, timeout=3)
    by_body = {}
    for x in processed:
        by_body.setdefault(x["body"], []).append(x["count"])
    # Successful messages were deleted after their first batch: processed once.
    assert all(by_body.get(b) == ["1"] for b in ok), by_body
    # Failed ones came back: received twice before the redrive.
    assert all(sorted(by_body.get(b, [])) == ["1", "2"] for b in bad), by_body
    assert counts(sqs, src_url) == (0, 0)


def test_filters_drop_unmatched_messages(server):
    sqs = server.client("sqs")
    src_url, src_arn = queue(sqs, unique("esm-filter"))
    out_url, out_arn = queue(sqs, unique("esm-filter-out"))
    lam, name = forwarding_function(server, FORWARDER, out_url, out_arn, "esm-fn")
    lam.create_event_source_mapping(
        EventSourceArn=src_arn, FunctionName=name, FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": {"kind": ["keep"]}})}]}
    )
    sqs.send_message(QueueUrl=src_url, MessageBody=json.dumps({"kind": "drop", "n": 1}))
    sqs.send_message(QueueUrl=src_url, MessageBody=json.dumps({"kind": "keep", "n": 2}))
    sqs.send_message(QueueUrl=src_url, MessageBody="not json")
    got = drain(sqs, out_url, lambda g: len(g) >= 1, timeout=60)
    got += drain(sqs, out_url, lambda g: False, timeout=3)
    assert [json.loads(x["body"])["n"] for x in got] == [2]
    # Filtered-out messages are consumed, not left in the queue.
    deadline = time.time() + 10
    while counts(sqs, src_url) != (0, 0) and time.time() < deadline:
        time.sleep(0.5)
    assert counts(sqs, src_url) == (0, 0)


def test_disabled_mapping_leaves_the_queue_alone(server):
    sqs = server.client("sqs")
    src_url, src_arn = queue(sqs, unique("esm-disabled"))
    out_url, out_arn = queue(sqs, unique("esm-disabled-out"))
    lam, name = forwarding_function(server, FORWARDER, out_url, out_arn, "esm-fn")
    mapping = lam.create_event_source_mapping(EventSourceArn=src_arn, FunctionName=name, Enabled=False)
    sqs.send_message(QueueUrl=src_url, MessageBody="waiting")
    time.sleep(3)
    assert counts(sqs, src_url) == (1, 0)
    assert lam.update_event_source_mapping(UUID=mapping["UUID"], Enabled=True)["State"] == "Enabling"
    got = drain(sqs, out_url, lambda g: len(g) >= 1, timeout=60)
    assert [x["body"] for x in got] == ["waiting"]
    assert lam.get_event_source_mapping(UUID=mapping["UUID"])["State"] == "Enabled"
