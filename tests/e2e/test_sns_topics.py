"""SNS topics and subscriptions through boto3: creation rules and
idempotency, attributes with AWS's defaults and validation, the default
topic policy and AddPermission evaluated for another account, tags, data
protection policies, subscription validation per protocol and listings."""

import json
import urllib.request

import botocore.exceptions
import pytest

from conftest import ACCOUNT, REGION
from conftest import unique, code


def admin(endpoint, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(endpoint + path, data=data, method=method, headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        text = r.read()
        return json.loads(text) if text else None


@pytest.fixture(scope="module")
def sns(make_client):
    return make_client("sns")


@pytest.fixture(scope="module")
def sqs(make_client):
    return make_client("sqs")


def test_topic_defaults(sns):
    name = unique("t")
    arn = sns.create_topic(Name=name)["TopicArn"]
    assert arn == f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attrs["TopicArn"] == arn and attrs["Owner"] == ACCOUNT
    assert (attrs["SubscriptionsConfirmed"], attrs["SubscriptionsPending"], attrs["SubscriptionsDeleted"]) == ("0", "0", "0")
    assert attrs["DisplayName"] == ""
    policy = json.loads(attrs["Policy"])
    assert policy["Statement"][0]["Condition"] == {"StringEquals": {"AWS:SourceOwner": ACCOUNT}}
    assert json.loads(attrs["EffectiveDeliveryPolicy"])["http"]["defaultHealthyRetryPolicy"]["numRetries"] == 3
    assert "FifoTopic" not in attrs
    fifo = sns.create_topic(Name=unique("f") + ".fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    fattrs = sns.get_topic_attributes(TopicArn=fifo)["Attributes"]
    assert (fattrs["FifoTopic"], fattrs["ContentBasedDeduplication"]) == ("true", "false")


def test_create_topic_is_idempotent_unless_attributes_differ(sns):
    name = unique("idem")
    arn = sns.create_topic(Name=name, Attributes={"DisplayName": "d"})["TopicArn"]
    assert sns.create_topic(Name=name, Attributes={"DisplayName": "d"})["TopicArn"] == arn
    assert sns.create_topic(Name=name)["TopicArn"] == arn
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.create_topic(Name=name, Attributes={"DisplayName": "other"})
    assert code(e) == "InvalidParameter"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.create_topic(Name="bad name")
    assert code(e) == "InvalidParameter"
    assert e.value.response["Error"]["Message"] == "Invalid parameter: Topic Name"


@pytest.mark.parametrize(
    "name,value",
    [
        ("SignatureVersion", "3"),
        ("TracingConfig", "Sometimes"),
        ("ContentBasedDeduplication", "true"),
        ("Policy", "{not json"),
        ("DeliveryPolicy", "[]x"),
        ("NoSuchAttribute", "x"),
    ],
)
def test_topic_attribute_validation(sns, name, value):
    arn = sns.create_topic(Name=unique("attr"))["TopicArn"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.set_topic_attributes(TopicArn=arn, AttributeName=name, AttributeValue=value)
    assert code(e) == "InvalidParameter"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_set_topic_attributes(sns):
    arn = sns.create_topic(Name=unique("set"))["TopicArn"]
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Shown")
    sns.set_topic_attributes(TopicArn=arn, AttributeName="TracingConfig", AttributeValue="Active")
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert (attrs["DisplayName"], attrs["TracingConfig"]) == ("Shown", "Active")


def test_missing_topics(sns):
    arn = f"arn:aws:sns:{REGION}:{ACCOUNT}:{unique('none')}"
    with pytest.raises(sns.exceptions.NotFoundException) as e:
        sns.get_topic_attributes(TopicArn=arn)
    assert e.value.response["Error"]["Message"] == "Topic does not exist"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(sns.exceptions.NotFoundException):
        sns.publish(TopicArn=arn, Message="x")
    # Deleting a missing topic succeeds.
    sns.delete_topic(TopicArn=arn)


def test_delete_topic_removes_its_subscriptions(sns, sqs):
    arn = sns.create_topic(Name=unique("del"))["TopicArn"]
    url = sqs.create_queue(QueueName=unique("q"))["QueueUrl"]
    qarn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sub = sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=qarn)["SubscriptionArn"]
    assert sub in [s["SubscriptionArn"] for s in sns.list_subscriptions()["Subscriptions"]]
    sns.delete_topic(TopicArn=arn)
    assert arn not in [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    assert sub not in [s["SubscriptionArn"] for s in sns.list_subscriptions()["Subscriptions"]]


def test_list_topics_pages(sns):
    made = {sns.create_topic(Name=unique("page"))["TopicArn"] for _ in range(3)}
    seen = [t["TopicArn"] for p in sns.get_paginator("list_topics").paginate() for t in p["Topics"]]
    assert made <= set(seen) and len(seen) == len(set(seen))


@pytest.mark.parametrize(
    "protocol,endpoint",
    [
        ("carrier-pigeon", "x"),
        ("http", "https://example.com"),
        ("https", "http://example.com"),
        ("email", "not-an-address"),
        ("sqs", "not-an-arn"),
        ("lambda", "arn:aws:sqs:us-east-1:000000000000:q"),
        ("sms", "call me"),
    ],
)
def test_subscribe_validates_endpoints(sns, protocol, endpoint):
    arn = sns.create_topic(Name=unique("subv"))["TopicArn"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.subscribe(TopicArn=arn, Protocol=protocol, Endpoint=endpoint)
    assert code(e) == "InvalidParameter"


def test_subscription_attributes_and_resubscribe(sns, sqs):
    arn = sns.create_topic(Name=unique("subattr"))["TopicArn"]
    url = sqs.create_queue(QueueName=unique("q"))["QueueUrl"]
    qarn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sub = sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=qarn)["SubscriptionArn"]
    assert sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=qarn)["SubscriptionArn"] == sub
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=qarn, Attributes={"RawMessageDelivery": "true"})
    assert code(e) == "InvalidParameter"
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attrs["Protocol"] == "sqs" and attrs["Endpoint"] == qarn and attrs["TopicArn"] == arn
    assert attrs["Owner"] == ACCOUNT and attrs["PendingConfirmation"] == "false" and attrs["RawMessageDelivery"] == "false"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="Colour", AttributeValue="x")
    assert code(e) == "InvalidParameter"
    email = sns.subscribe(TopicArn=arn, Protocol="email", Endpoint="x@example.com", ReturnSubscriptionArn=True)["SubscriptionArn"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.set_subscription_attributes(SubscriptionArn=email, AttributeName="RawMessageDelivery", AttributeValue="true")
    assert "does not support raw message delivery" in e.value.response["Error"]["Message"]
    topic_attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert (topic_attrs["SubscriptionsConfirmed"], topic_attrs["SubscriptionsPending"]) == ("1", "1")
    listed = {s["Endpoint"]: s["SubscriptionArn"] for s in sns.list_subscriptions_by_topic(TopicArn=arn)["Subscriptions"]}
    assert listed == {qarn: sub, "x@example.com": "PendingConfirmation"}


def test_tags(sns):
    arn = sns.create_topic(Name=unique("tags"), Tags=[{"Key": "team", "Value": "a"}])["TopicArn"]
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "b"}])
    tags = {t["Key"]: t["Value"] for t in sns.list_tags_for_resource(ResourceArn=arn)["Tags"]}
    assert tags == {"team": "b", "env": "dev"}
    sns.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]
    with pytest.raises(sns.exceptions.TagLimitExceededException):
        sns.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(51)])
    with pytest.raises(sns.exceptions.ResourceNotFoundException):
        sns.list_tags_for_resource(ResourceArn=arn + "-missing")


def test_data_protection_policy_is_stored(sns):
    arn = sns.create_topic(Name=unique("dp"))["TopicArn"]
    assert sns.get_data_protection_policy(ResourceArn=arn)["DataProtectionPolicy"] == ""
    policy = {"Name": "basic", "Description": "", "Version": "2021-06-01", "Statement": [{"Sid": "x", "DataDirection": "Inbound", "Principal": ["*"], "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"], "Operation": {"Audit": {"SampleRate": "99", "FindingsDestination": {}}}}]}
    sns.put_data_protection_policy(ResourceArn=arn, DataProtectionPolicy=json.dumps(policy))
    assert json.loads(sns.get_data_protection_policy(ResourceArn=arn)["DataProtectionPolicy"]) == policy
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.put_data_protection_policy(ResourceArn=arn, DataProtectionPolicy="{}")
    assert code(e) == "InvalidParameter"


def test_topic_policy_decides_for_another_account(sns, make_client, simfra_endpoint, sqs):
    other = admin(simfra_endpoint, "POST", "/_simfra/accounts", {"Name": unique("snsx")})
    try:
        theirs = make_client("sns", access_key=other["RootAccessKeyId"], secret_key=other["RootSecretAccessKey"])
        arn = sns.create_topic(Name=unique("shared"))["TopicArn"]
        url = sqs.create_queue(QueueName=unique("q"))["QueueUrl"]
        qarn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
                           "Resource": qarn, "Condition": {"ArnEquals": {"aws:SourceArn": arn}}}],
        })})
        sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=qarn, Attributes={"RawMessageDelivery": "true"})
        with pytest.raises(botocore.exceptions.ClientError) as e:
            theirs.publish(TopicArn=arn, Message="not allowed")
        assert code(e) in ("AuthorizationError", "AccessDenied", "AccessDeniedException")
        sns.add_permission(TopicArn=arn, Label="pub", AWSAccountId=[other["AccountId"]], ActionName=["Publish"])
        stmt = [s for s in json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])["Statement"] if s["Sid"] == "pub"][0]
        assert stmt["Principal"] == {"AWS": f"arn:aws:iam::{other['AccountId']}:root"} and stmt["Action"] == "SNS:Publish"
        theirs.publish(TopicArn=arn, Message="allowed now")
        got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"]
        assert got[0]["Body"] == "allowed now"
        # Publish was granted, not deleting the topic.
        with pytest.raises(botocore.exceptions.ClientError):
            theirs.delete_topic(TopicArn=arn)
        sns.remove_permission(TopicArn=arn, Label="pub")
        with pytest.raises(botocore.exceptions.ClientError):
            theirs.publish(TopicArn=arn, Message="revoked")
    finally:
        admin(simfra_endpoint, "DELETE", f"/_simfra/accounts/{other['AccountId']}")


def test_another_accounts_queue_confirms_through_the_queue(sns, make_client, simfra_endpoint):
    other = admin(simfra_endpoint, "POST", "/_simfra/accounts", {"Name": unique("snsq")})
    try:
        their_sqs = make_client("sqs", access_key=other["RootAccessKeyId"], secret_key=other["RootSecretAccessKey"])
        topic = sns.create_topic(Name=unique("xacct"))["TopicArn"]
        url = their_sqs.create_queue(QueueName=unique("theirs"))["QueueUrl"]
        qarn = their_sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        their_sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
                           "Resource": qarn, "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}],
        })})
        assert sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=qarn)["SubscriptionArn"] == "pending confirmation"
        [m] = their_sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"]
        confirmation = json.loads(m["Body"])
        assert confirmation["Type"] == "SubscriptionConfirmation" and confirmation["TopicArn"] == topic
        their_sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
        urllib.request.urlopen(confirmation["SubscribeURL"], timeout=10).read()
        sns.publish(TopicArn=topic, Message="across accounts")
        [m] = their_sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5)["Messages"]
        assert json.loads(m["Body"])["Message"] == "across accounts"
    finally:
        admin(simfra_endpoint, "DELETE", f"/_simfra/accounts/{other['AccountId']}")
