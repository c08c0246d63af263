"""SQS dead-letter queues through boto3: RedrivePolicy validation against
existing queues, RedriveAllowPolicy, messages moved after maxReceiveCount
receives (keeping id and body, naming their source), ListDeadLetterSourceQueues,
and message move tasks back out of a DLQ."""

import json
import time

import botocore.exceptions
import pytest

from conftest import unique, code


@pytest.fixture(scope="module")
def sqs(make_client):
    return make_client("sqs")


def make(sqs, name=None, **attrs):
    url = sqs.create_queue(QueueName=name or unique("dlq"), Attributes={k: str(v) for k, v in attrs.items()})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def redrive(arn, count):
    return json.dumps({"deadLetterTargetArn": arn, "maxReceiveCount": count})


def visible(sqs, url):
    return int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]["ApproximateNumberOfMessages"])


def test_redrive_policy_needs_an_existing_queue_of_the_same_type(sqs):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        make(sqs, RedrivePolicy=redrive("arn:aws:sqs:us-east-1:000000000000:" + unique("absent"), 3))
    assert code(e) == "InvalidParameterValue"
    assert "Dead letter target does not exist" in e.value.response["Error"]["Message"]
    _, fifo_arn = make(sqs, name=unique("f") + ".fifo", FifoQueue="true")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        make(sqs, RedrivePolicy=redrive(fifo_arn, 3))
    assert code(e) == "InvalidParameterValue"
    _, dlq_arn = make(sqs)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        make(sqs, RedrivePolicy=redrive(dlq_arn, 1001))
    assert code(e) == "InvalidAttributeValue"


def test_messages_move_to_the_dlq_after_max_receives(sqs):
    dlq_url, dlq_arn = make(sqs)
    src_url, src_arn = make(sqs, RedrivePolicy=redrive(dlq_arn, 2))
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=src_url, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"])
    assert policy == {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}
    sent = sqs.send_message(QueueUrl=src_url, MessageBody="poison", MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}})
    for n in (1, 2):
        [m] = sqs.receive_message(QueueUrl=src_url, VisibilityTimeout=0, MessageSystemAttributeNames=["ApproximateReceiveCount"])["Messages"]
        assert m["Attributes"]["ApproximateReceiveCount"] == str(n)
    assert "Messages" not in sqs.receive_message(QueueUrl=src_url)
    [dead] = sqs.receive_message(
        QueueUrl=dlq_url, MessageAttributeNames=["All"], MessageSystemAttributeNames=["DeadLetterQueueSourceArn"], WaitTimeSeconds=1
    )["Messages"]
    assert dead["MessageId"] == sent["MessageId"] and dead["Body"] == "poison"
    assert dead["MessageAttributes"] == {"k": {"DataType": "String", "StringValue": "v"}}
    assert dead["Attributes"]["DeadLetterQueueSourceArn"] == src_arn
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq_url)["queueUrls"] == [src_url]


def test_fifo_dlq_keeps_group_order(sqs):
    dlq_url, dlq_arn = make(sqs, name=unique("fd") + ".fifo", FifoQueue="true")
    src_url, _ = make(sqs, name=unique("fs") + ".fifo", FifoQueue="true", ContentBasedDeduplication="true", RedrivePolicy=redrive(dlq_arn, 1))
    for i in range(3):
        sqs.send_message(QueueUrl=src_url, MessageBody=f"m{i}", MessageGroupId="g")
    got = sqs.receive_message(QueueUrl=src_url, MaxNumberOfMessages=10, VisibilityTimeout=0)["Messages"]
    assert [m["Body"] for m in got] == ["m0", "m1", "m2"]
    assert "Messages" not in sqs.receive_message(QueueUrl=src_url, MaxNumberOfMessages=10)
    dead = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["MessageGroupId"])["Messages"]
    assert [(m["Body"], m["Attributes"]["MessageGroupId"]) for m in dead] == [("m0", "g"), ("m1", "g"), ("m2", "g")]


def test_redrive_allow_policy(sqs):
    dlq_url, dlq_arn = make(sqs, RedriveAllowPolicy=json.dumps({"redrivePermission": "denyAll"}))
    with pytest.raises(botocore.exceptions.ClientError) as e:
        make(sqs, RedrivePolicy=redrive(dlq_arn, 3))
    assert code(e) == "InvalidParameterValue"
    allowed_url, allowed_arn = make(sqs)
    sqs.set_queue_attributes(
        QueueUrl=dlq_url,
        Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "byQueue", "sourceQueueArns": [allowed_arn]})},
    )
    sqs.set_queue_attributes(QueueUrl=allowed_url, Attributes={"RedrivePolicy": redrive(dlq_arn, 3)})
    other_url, _ = make(sqs)
    with pytest.raises(botocore.exceptions.ClientError):
        sqs.set_queue_attributes(QueueUrl=other_url, Attributes={"RedrivePolicy": redrive(dlq_arn, 3)})
    # An empty RedrivePolicy removes it.
    sqs.set_queue_attributes(QueueUrl=allowed_url, Attributes={"RedrivePolicy": ""})
    assert "RedrivePolicy" not in sqs.get_queue_attributes(QueueUrl=allowed_url, AttributeNames=["All"])["Attributes"]


def wait_for_task(sqs, arn, status, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        [task] = sqs.list_message_move_tasks(SourceArn=arn)["Results"]
        if task["Status"] == status or time.monotonic() > deadline:
            return task
        time.sleep(0.1)


def test_message_move_task_returns_messages_to_their_source(sqs):
    dlq_url, dlq_arn = make(sqs)
    src_url, src_arn = make(sqs, RedrivePolicy=redrive(dlq_arn, 1))
    for i in range(5):
        sqs.send_message(QueueUrl=src_url, MessageBody=f"m{i}")
    for _ in range(3):
        sqs.receive_message(QueueUrl=src_url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert visible(sqs, src_url) == 0 and visible(sqs, dlq_url) == 5
    handle = sqs.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]
    task = wait_for_task(sqs, dlq_arn, "COMPLETED")
    assert task["Status"] == "COMPLETED"
    assert task["ApproximateNumberOfMessagesMoved"] == 5 and task["ApproximateNumberOfMessagesToMove"] == 5
    assert task["SourceArn"] == dlq_arn
    assert visible(sqs, src_url) == 5 and visible(sqs, dlq_url) == 0
    got = sqs.receive_message(QueueUrl=src_url, MaxNumberOfMessages=10)["Messages"]
    assert sorted(m["Body"] for m in got) == [f"m{i}" for i in range(5)]
    with pytest.raises(botocore.exceptions.ClientError):
        sqs.cancel_message_move_task(TaskHandle=handle)


def test_message_move_task_to_a_destination_at_a_rate_can_be_cancelled(sqs):
    dlq_url, dlq_arn = make(sqs)
    make(sqs, RedrivePolicy=redrive(dlq_arn, 1))
    dest_url, dest_arn = make(sqs)
    sqs.send_message_batch(QueueUrl=dlq_url, Entries=[{"Id": str(i), "MessageBody": str(i)} for i in range(10)])
    sqs.send_message_batch(QueueUrl=dlq_url, Entries=[{"Id": str(i), "MessageBody": str(i)} for i in range(10)])
    handle = sqs.start_message_move_task(SourceArn=dlq_arn, DestinationArn=dest_arn, MaxNumberOfMessagesPerSecond=1)["TaskHandle"]
    with pytest.raises(botocore.exceptions.ClientError):
        sqs.start_message_move_task(SourceArn=dlq_arn)
    time.sleep(1.5)
    running = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"][0]
    assert running["Status"] == "RUNNING" and running["TaskHandle"] == handle
    assert running["MaxNumberOfMessagesPerSecond"] == 1 and running["DestinationArn"] == dest_arn
    moved = sqs.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"]
    assert 1 <= moved <= 3
    task = wait_for_task(sqs, dlq_arn, "CANCELLED")
    assert task["Status"] == "CANCELLED"
    assert visible(sqs, dest_url) == task["ApproximateNumberOfMessagesMoved"]
    assert visible(sqs, dlq_url) == 20 - task["ApproximateNumberOfMessagesMoved"]


def test_move_tasks_need_a_dead_letter_queue(sqs):
    _, plain_arn = make(sqs)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sqs.start_message_move_task(SourceArn=plain_arn)
    assert code(e) == "InvalidParameterValue"
    with pytest.raises(sqs.exceptions.ResourceNotFoundException):
        sqs.start_message_move_task(SourceArn="arn:aws:sqs:us-east-1:000000000000:" + unique("absent"))
