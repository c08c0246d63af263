"""SQS retention through boto3: a message older than the queue's
MessageRetentionPeriod (60 s, AWS's minimum) is gone, whether it waited
visible or was received and never deleted. This test waits out the minute."""

import time
import uuid


def test_messages_expire_after_the_retention_period(make_client):
    sqs = make_client("sqs")
    url = sqs.create_queue(QueueName=f"retain-{uuid.uuid4().hex[:10]}", Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="waits visible")
    sqs.send_message(QueueUrl=url, MessageBody="received, never deleted")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=5)["Messages"]
    assert len(got) == 1
    time.sleep(45)
    sqs.send_message(QueueUrl=url, MessageBody="young")
    time.sleep(16.5)
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert (attrs["ApproximateNumberOfMessages"], attrs["ApproximateNumberOfMessagesNotVisible"]) == ("1", "0")
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["Body"] for m in got] == ["young"]
