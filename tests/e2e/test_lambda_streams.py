"""DynamoDB Streams event source mappings running a Python function in
Docker: records arrive in order in batches; a failing batch is retried
MaximumRetryAttempts times and then reported to the OnFailure destination."""

import time

import pytest
from botocore.exceptions import ClientError

from conftest import code, unique
from lambda_support import Server, docker_available, drain, ensure_images, forwarding_function, queue

pytestmark = pytest.mark.skipif(not docker_available(), reason="needs a Docker engine")

FORWARDER = """
import json, os, boto3
sqs = boto3.client("sqs")
def handler(event, context):
    for r in event["Records"]:
        if r["dynamodb"]["Keys"]["pk"]["S"].startswith("bad"):
            raise RuntimeError("bad record")
    body = json.dumps([{"event": r["eventName"], "pk": r["dynamodb"]["Keys"]["pk"]["S"], "source": r["eventSource"],
                        "new": r["dynamodb"].get("NewImage")} for r in event["Records"]])
    sqs.send_message(QueueUrl=os.environ["OUT"], MessageBody=body)
"""


@pytest.fixture(scope="module")
def server():
    ensure_images()
    # The registry setting instead of per-runtime images: build.sh tags them under localhost/lambda too.
    s = Server({"SIMFRA_LAMBDA_IMAGE_REGISTRY": "localhost/lambda"})
    yield s
    s.stop()


def table_with_stream(ddb):
    name = unique("streamed")
    t = ddb.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return name, t["TableDescription"]["LatestStreamArn"]


def test_records_arrive_in_order(server):
    ddb, sqs = server.client("dynamodb"), server.client("sqs")
    table, stream = table_with_stream(ddb)
    out_url, out_arn = queue(sqs, unique("stream-out"))
    lam, name = forwarding_function(server, FORWARDER, out_url, out_arn, "stream-fn")
    with pytest.raises(ClientError) as e:
        lam.create_event_source_mapping(EventSourceArn=stream + "x", FunctionName=name, StartingPosition="TRIM_HORIZON")
    assert code(e) == "InvalidParameterValueException"
    for i in range(5):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"early-{i}"}})
    lam.create_event_source_mapping(EventSourceArn=stream, FunctionName=name, StartingPosition="TRIM_HORIZON", BatchSize=4)
    for i in range(15):
        ddb.put_item(TableName=table, Item={"pk": {"S": f"k-{i:02}"}, "n": {"N": str(i)}})
    ddb.delete_item(TableName=table, Key={"pk": {"S": "k-00"}})
    batches = drain(sqs, out_url, lambda g: sum(len(b) for b in g) >= 21)
    records = [r for b in batches for r in b]
    assert all(len(b) <= 4 for b in batches)
    assert [r["pk"] for r in records] == [f"early-{i}" for i in range(5)] + [f"k-{i:02}" for i in range(15)] + ["k-00"]
    assert [r["event"] for r in records] == ["INSERT"] * 20 + ["REMOVE"]
    assert records[5]["new"] == {"pk": {"S": "k-00"}, "n": {"N": "0"}}
    assert all(r["source"] == "aws:dynamodb" for r in records)


def test_failing_batches_are_retried_then_reported(server):
    ddb, sqs = server.client("dynamodb"), server.client("sqs")
    table, stream = table_with_stream(ddb)
    out_url, out_arn = queue(sqs, unique("stream-ok"))
    fail_url, fail_arn = queue(sqs, unique("stream-failed"))
    lam, name = forwarding_function(server, FORWARDER, out_url, out_arn, "stream-fn")
    lam.create_event_source_mapping(
        EventSourceArn=stream, FunctionName=name, StartingPosition="LATEST", BatchSize=1,
        MaximumRetryAttempts=1, DestinationConfig={"OnFailure": {"Destination": fail_arn}},
    )
    time.sleep(1)
    ddb.put_item(TableName=table, Item={"pk": {"S": "bad-1"}})
    ddb.put_item(TableName=table, Item={"pk": {"S": "good-1"}})
    failures = drain(sqs, fail_url, lambda g: len(g) >= 1)
    assert len(failures) == 1
    info = failures[0]["DDBStreamBatchInfo"]
    assert info["streamArn"] == stream and info["batchSize"] == 1
    assert failures[0]["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failures[0]["requestContext"]["approximateInvokeCount"] == 2
    # The stream moves on past the failed record.
    ok = drain(sqs, out_url, lambda g: len(g) >= 1)
    assert [r["pk"] for b in ok for r in b] == ["good-1"]
