"""SNS HTTP, email, SMS and mobile push subscribers through boto3: the
confirmation flow (the SubscribeURL works when fetched unsigned, as an
endpoint or a mail reader would), signed notifications POSTed with AWS's
headers, the delivery retry policy and the dead-letter queue after the
last retry, and the inbox at /_simfra/inbox for email, SMS and push."""

import json
import threading
import time
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.exceptions
import pytest

from conftest import unique, code


@pytest.fixture(scope="module")
def sns(make_client):
    return make_client("sns")


@pytest.fixture(scope="module")
def sqs(make_client):
    return make_client("sqs")


class Endpoint:
    """A local HTTP endpoint recording what SNS POSTs; answers `status` (a list consumed in order, then 200)."""

    def __init__(self):
        self.requests = []
        self.statuses = []
        self.arrived = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                status = outer.statuses.pop(0) if outer.statuses else 200
                with outer.arrived:
                    outer.requests.append({"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body, "status": status, "at": time.monotonic()})
                    outer.arrived.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, n, timeout=10):
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.requests) >= n, timeout)
        return self.requests[:n]


@pytest.fixture
def endpoint():
    e = Endpoint()
    yield e
    e.server.shutdown()


def inbox(simfra_endpoint, **query):
    url = simfra_endpoint + "/_simfra/inbox"
    if query:
        url += "?" + urllib.parse.urlencode(query)
    return json.loads(urllib.request.urlopen(url, timeout=10).read())["Messages"]


def wait_inbox(simfra_endpoint, n, timeout=5, **query):
    deadline = time.monotonic() + timeout
    while True:
        got = inbox(simfra_endpoint, **query)
        if len(got) >= n or time.monotonic() > deadline:
            return got
        time.sleep(0.05)


def test_http_subscription_confirms_through_the_subscribe_url(sns, endpoint):
    topic = sns.create_topic(Name=unique("http"))["TopicArn"]
    assert sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url)["SubscriptionArn"] == "pending confirmation"
    [req] = endpoint.wait_for(1)
    assert req["headers"]["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert req["headers"]["x-amz-sns-topic-arn"] == topic
    confirmation = json.loads(req["body"])
    assert confirmation["Type"] == "SubscriptionConfirmation" and confirmation["TopicArn"] == topic
    assert confirmation["SubscribeURL"].startswith("http://")
    [listed] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed["SubscriptionArn"] == "PendingConfirmation"
    # Nothing is delivered before confirmation.
    sns.publish(TopicArn=topic, Message="too early")
    time.sleep(0.3)
    assert len(endpoint.requests) == 1
    # The endpoint fetches the SubscribeURL, unsigned, as AWS expects.
    answer = urllib.request.urlopen(confirmation["SubscribeURL"], timeout=10).read().decode()
    assert "<SubscriptionArn>" in answer
    [listed] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    sub = listed["SubscriptionArn"]
    assert sub.startswith(topic + ":")
    assert sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["PendingConfirmation"] == "false"
    sns.publish(TopicArn=topic, Message="hello endpoint", Subject="hi")
    req = endpoint.wait_for(2)[1]
    assert req["headers"]["x-amz-sns-message-type"] == "Notification"
    assert req["headers"]["x-amz-sns-subscription-arn"] == sub
    assert req["headers"]["content-type"].startswith("text/plain")
    note = json.loads(req["body"])
    assert (note["Type"], note["Message"], note["Subject"]) == ("Notification", "hello endpoint", "hi")


def test_confirm_subscription_with_the_token_and_a_wrong_token(sns, endpoint):
    topic = sns.create_topic(Name=unique("tok"))["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url, Attributes={"RawMessageDelivery": "true"})
    token = json.loads(endpoint.wait_for(1)[0]["body"])["Token"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.confirm_subscription(TopicArn=topic, Token="0" * 64)
    assert code(e) == "InvalidParameter"
    sub = sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"]
    sns.publish(TopicArn=topic, Message="raw body")
    req = endpoint.wait_for(2)[1]
    assert req["body"] == "raw body" and req["headers"]["x-amz-sns-rawdelivery"] == "true"
    assert sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["RawMessageDelivery"] == "true"


def test_failed_http_deliveries_follow_the_retry_policy_then_the_dlq(sns, sqs, endpoint):
    topic = sns.create_topic(Name=unique("retry"))["TopicArn"]
    dlq_url = sqs.create_queue(QueueName=unique("httpdlq"))["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sqs.set_queue_attributes(QueueUrl=dlq_url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage",
                       "Resource": dlq_arn, "Condition": {"ArnEquals": {"aws:SourceArn": topic}}}],
    })})
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=endpoint.url)
    token = json.loads(endpoint.wait_for(1)[0]["body"])["Token"]
    sub = sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"]
    policy = {"healthyRetryPolicy": {"numRetries": 3, "numNoDelayRetries": 1, "minDelayTarget": 1, "maxDelayTarget": 1, "backoffFunction": "linear"}}
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="DeliveryPolicy", AttributeValue=json.dumps(policy))
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="RedrivePolicy", AttributeValue=json.dumps({"deadLetterTargetArn": dlq_arn}))
    effective = json.loads(sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["EffectiveDeliveryPolicy"])
    assert effective["http"]["defaultHealthyRetryPolicy"]["numRetries"] == 3
    # Two failures, then success: delivered on the third attempt, nothing in the DLQ.
    endpoint.statuses = [500, 503]
    sns.publish(TopicArn=topic, Message="eventually")
    attempts = endpoint.wait_for(4)[1:]
    assert [a["status"] for a in attempts] == [500, 503, 200]
    assert attempts[1]["at"] - attempts[0]["at"] < 0.5  # the no-delay retry
    assert 0.8 < attempts[2]["at"] - attempts[1]["at"] < 2.5  # then the 1-second delay
    # Every attempt fails: 1 + 3 retries, then the message goes to the DLQ.
    endpoint.statuses = [500] * 4
    sns.publish(TopicArn=topic, Message="never")
    assert [a["status"] for a in endpoint.wait_for(8)[4:]] == [500] * 4
    got = sqs.receive_message(QueueUrl=dlq_url, WaitTimeSeconds=5)["Messages"]
    assert json.loads(got[0]["Body"])["Message"] == "never"


def test_invalid_delivery_policy_is_rejected(sns, endpoint):
    topic = sns.create_topic(Name=unique("badpol"))["TopicArn"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.set_topic_attributes(
            TopicArn=topic, AttributeName="DeliveryPolicy",
            AttributeValue=json.dumps({"http": {"defaultHealthyRetryPolicy": {"minDelayTarget": 30, "maxDelayTarget": 10}}}),
        )
    assert code(e) == "InvalidParameter"


def test_email_subscription_confirmation_and_delivery_through_the_inbox(sns, simfra_endpoint):
    topic = sns.create_topic(Name=unique("mail"))["TopicArn"]
    address = f"{unique('user')}@example.com"
    assert sns.subscribe(TopicArn=topic, Protocol="email", Endpoint=address)["SubscriptionArn"] == "pending confirmation"
    [letter] = wait_inbox(simfra_endpoint, 1, Destination=address)
    assert letter["Channel"] == "email"
    assert letter["Subject"] == "AWS Notification - Subscription Confirmation"
    assert letter["SubscribeURL"] in letter["Body"]
    urllib.request.urlopen(letter["SubscribeURL"], timeout=10).read()
    sns.publish(TopicArn=topic, Message="You have mail", Subject="Greetings")
    letters = wait_inbox(simfra_endpoint, 2, Destination=address)
    assert letters[1]["Subject"] == "Greetings"
    assert letters[1]["Body"].startswith("You have mail")
    assert "unsubscribe" in letters[1]["Body"]
    assert letters[1]["TopicArn"] == topic


def test_email_json_gets_the_envelope(sns, simfra_endpoint):
    topic = sns.create_topic(Name=unique("mailjson"))["TopicArn"]
    address = f"{unique('json')}@example.com"
    sns.subscribe(TopicArn=topic, Protocol="email-json", Endpoint=address)
    [letter] = wait_inbox(simfra_endpoint, 1, Destination=address)
    token = json.loads(letter["Body"])["Token"]
    sns.confirm_subscription(TopicArn=topic, Token=token)
    sns.publish(TopicArn=topic, Message="structured")
    body = json.loads(wait_inbox(simfra_endpoint, 2, Destination=address)[1]["Body"])
    assert body["Type"] == "Notification" and body["Message"] == "structured"


def test_sms_subscriptions_and_direct_sms(sns, simfra_endpoint):
    topic = sns.create_topic(Name=unique("sms"))["TopicArn"]
    phone = "+1555" + str(uuid.uuid4().int)[:7]
    sub = sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint=phone)["SubscriptionArn"]
    assert sub.startswith(topic)
    sns.publish(TopicArn=topic, Message="via topic")
    sns.publish(PhoneNumber=phone, Message="direct")
    got = wait_inbox(simfra_endpoint, 2, Channel="sms", Destination=phone)
    assert sorted(m["Body"] for m in got) == ["direct", "via topic"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.publish(PhoneNumber="not-a-number", Message="x")
    assert code(e) == "InvalidParameter"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint="12ab")
    assert code(e) == "InvalidParameter"


def test_platform_applications_endpoints_and_push(sns, simfra_endpoint):
    app = sns.create_platform_application(Name=unique("app"), Platform="GCM", Attributes={"PlatformCredential": "server-key"})["PlatformApplicationArn"]
    assert ":app/GCM/" in app
    assert "PlatformCredential" not in sns.get_platform_application_attributes(PlatformApplicationArn=app)["Attributes"]
    ep = sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-token", CustomUserData="me")["EndpointArn"]
    assert sns.create_platform_endpoint(PlatformApplicationArn=app, Token="device-token", CustomUserData="me")["EndpointArn"] == ep
    attrs = sns.get_endpoint_attributes(EndpointArn=ep)["Attributes"]
    assert attrs == {"Token": "device-token", "Enabled": "true", "CustomUserData": "me"}
    assert [e["EndpointArn"] for e in sns.list_endpoints_by_platform_application(PlatformApplicationArn=app)["Endpoints"]] == [ep]
    assert app in [a["PlatformApplicationArn"] for a in sns.list_platform_applications()["PlatformApplications"]]
    sns.publish(TargetArn=ep, MessageStructure="json", Message=json.dumps({"default": "d", "GCM": json.dumps({"data": {"k": 1}})}))
    [push] = wait_inbox(simfra_endpoint, 1, Channel="push", Destination=ep)
    assert json.loads(push["Body"]) == {"data": {"k": 1}}
    sns.set_endpoint_attributes(EndpointArn=ep, Attributes={"Enabled": "false"})
    with pytest.raises(sns.exceptions.EndpointDisabledException):
        sns.publish(TargetArn=ep, Message="x")
    sns.delete_platform_application(PlatformApplicationArn=app)
    with pytest.raises(sns.exceptions.NotFoundException):
        sns.get_endpoint_attributes(EndpointArn=ep)


def test_sms_attributes_and_opt_outs(sns):
    sns.set_sms_attributes(attributes={"DefaultSMSType": "Transactional", "DefaultSenderID": "Simfra"})
    assert sns.get_sms_attributes(attributes=["DefaultSMSType"])["attributes"] == {"DefaultSMSType": "Transactional"}
    with pytest.raises(botocore.exceptions.ClientError):
        sns.set_sms_attributes(attributes={"DefaultSMSType": "Loud"})
    assert sns.check_if_phone_number_is_opted_out(phoneNumber="+15550100")["isOptedOut"] is False
