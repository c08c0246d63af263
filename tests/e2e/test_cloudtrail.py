"""CloudTrail end to end through boto3: the audit record of a scripted session
(root, an IAM user, a role session, a second account; successes, a modeled
error, a data event) read back with LookupEvents — every call there, with its
identity, names, parameters and error — then lookup filters, time ranges and
pagination; trails (checks, lifecycle, shadow trails in other regions,
selectors, Insights, tags) and the log files they deliver to S3.

This module runs a server of its own, so that its event history holds only
what the module did, and so that trails deliver every half second
(`SIMFRA_CLOUDTRAIL_DELIVERY_SECONDS`) instead of every ten."""

import datetime
import gzip
import json
import re
import time
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import ACCESS_KEY, ACCOUNT, SECRET_KEY, Server, boto_client
from conftest import unique, code, message

DELIVERY_SECONDS = 0.5
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"
LOG_KEY = re.compile(
    r"^(?:(?P<prefix>.+)/)?AWSLogs/(?P<account>\d{12})/CloudTrail/(?P<region>[a-z0-9-]+)/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/"
    r"(?P=account)_CloudTrail_(?P=region)_(?P=y)(?P=m)(?P=d)T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$"
)
RECORD_FIELDS = {
    "eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent",
    "requestParameters", "responseElements", "requestID", "eventID", "readOnly", "eventType", "managementEvent",
    "recipientAccountId", "eventCategory",
}


def request_id(response):
    return response["ResponseMetadata"]["RequestId"]


@pytest.fixture(scope="module")
def endpoint():
    """A server of this module's own, delivering trail logs every half second."""
    server = Server({"SIMFRA_CLOUDTRAIL_DELIVERY_SECONDS": str(DELIVERY_SECONDS)})
    yield server.endpoint
    assert server.stop() in (0, -15), f"simfra exited with {server.proc.returncode}; stderr in {server.err.name}"


@pytest.fixture(scope="module")
def client(endpoint):
    """client(service, region=..., key=..., secret=..., token=...): a boto3 client of this module's server."""
    session = boto3.session.Session()

    def make(service, region="us-east-1", key=ACCESS_KEY, secret=SECRET_KEY, token=None):
        return boto_client(endpoint, service, key, secret, region, session=session, token=token)

    return make


def lookup_all(ct, **kwargs):
    """Every event LookupEvents answers for these parameters, page by page."""
    events, token = [], None
    while True:
        page = ct.lookup_events(**kwargs, **({"NextToken": token} if token else {}))
        events.extend(page["Events"])
        token = page.get("NextToken")
        if not token:
            return events


def by_request_id(events):
    return {json.loads(e["CloudTrailEvent"])["requestID"]: e for e in events}


class Session:
    """The scripted session whose record the history tests read."""


@pytest.fixture(scope="module")
def session(endpoint, client):
    s = Session()
    s.started = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
    sqs, iam = client("sqs"), client("iam")
    s.calls = {}

    # The account's root user.
    s.queue = unique("ct-queue")
    s.calls["create_queue"] = request_id(sqs.create_queue(QueueName=s.queue))
    s.alice = unique("alice")
    user = iam.create_user(UserName=s.alice)
    s.alice_id = user["User"]["UserId"]
    s.calls["create_user"] = request_id(user)
    s.calls["put_user_policy"] = request_id(iam.put_user_policy(UserName=s.alice, PolicyName="all", PolicyDocument=json.dumps(ALLOW_ALL)))
    key = iam.create_access_key(UserName=s.alice)["AccessKey"]
    s.alice_key = key["AccessKeyId"]
    s.password = "Corr3ct-Horse-Battery!"
    s.calls["create_login_profile"] = request_id(iam.create_login_profile(UserName=s.alice, Password=s.password))
    s.role = unique("deployer")
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName=s.role, Path="/team/", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    s.role_arn, s.role_id = role["Arn"], role["RoleId"]
    iam.put_role_policy(RoleName=s.role, PolicyName="all", PolicyDocument=json.dumps(ALLOW_ALL))

    # An IAM user: a read, a modeled error, a role assumption.
    as_alice = lambda svc: client(svc, key=s.alice_key, secret=key["SecretAccessKey"])  # noqa: E731
    s.calls["alice_list_queues"] = request_id(as_alice("sqs").list_queues())
    s.missing_user = unique("nobody")
    with pytest.raises(ClientError) as e:
        as_alice("iam").get_user(UserName=s.missing_user)
    s.error = e.value.response["Error"]
    s.calls["alice_get_user"] = request_id(e.value.response)
    assumed = as_alice("sts").assume_role(RoleArn=s.role_arn, RoleSessionName="ci-run")
    s.calls["assume_role"] = request_id(assumed)
    creds = assumed["Credentials"]
    s.session_key = creds["AccessKeyId"]

    # The role session.
    as_role = lambda svc: client(svc, key=creds["AccessKeyId"], secret=creds["SecretAccessKey"], token=creds["SessionToken"])  # noqa: E731
    s.calls["role_get_queue_url"] = request_id(as_role("sqs").get_queue_url(QueueName=s.queue))
    s.calls["role_list_metrics"] = request_id(as_role("cloudwatch").list_metrics())

    # A bucket (management event) and an object written into it (a data event).
    s3 = client("s3")
    s.bucket = unique("ct-data")
    s.calls["create_bucket"] = request_id(s3.create_bucket(Bucket=s.bucket))
    s.calls["put_object"] = request_id(s3.put_object(Bucket=s.bucket, Key="a.txt", Body=b"hello"))

    # A second account, made through the admin API.
    req = urllib.request.Request(endpoint + "/_simfra/accounts", data=b"{}", method="POST", headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        other = json.loads(r.read())
    s.other_account = other["AccountId"]
    s.other = lambda svc, region="us-east-1": client(svc, region=region, key=other["RootAccessKeyId"], secret=other["RootSecretAccessKey"])  # noqa: E731
    s.other_queue = unique("other-queue")
    s.calls["other_create_queue"] = request_id(s.other("sqs").create_queue(QueueName=s.other_queue))

    s.ended = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=1)
    s.history = lookup_all(client("cloudtrail"))
    s.by_id = by_request_id(s.history)
    return s


def record(session, call):
    event = session.by_id.get(session.calls[call])
    assert event is not None, f"{call} ({session.calls[call]}) is not in the event history"
    return event, json.loads(event["CloudTrailEvent"])


# --- The event history of the session ---------------------------------------


def test_every_management_call_is_in_the_history(session):
    management = [c for c in session.calls if c not in ("put_object", "other_create_queue")]
    for call in management:
        event, rec = record(session, call)
        assert RECORD_FIELDS <= rec.keys(), f"{call}: missing {RECORD_FIELDS - rec.keys()}"
        assert rec["eventVersion"] == "1.09"
        assert rec["eventType"] == "AwsApiCall"
        assert rec["managementEvent"] is True and rec["eventCategory"] == "Management"
        assert rec["recipientAccountId"] == ACCOUNT
        assert rec["userIdentity"]["accountId"] == ACCOUNT
        assert rec["eventID"] == event["EventId"]
        assert rec["eventName"] == event["EventName"]
        assert rec["eventSource"] == event["EventSource"]
        assert rec["readOnly"] == (event["ReadOnly"] == "true")
        assert rec["sourceIPAddress"] == "127.0.0.1"
        assert "Boto3" in rec["userAgent"] or "Botocore" in rec["userAgent"]
        assert rec["awsRegion"] == "us-east-1"
        assert datetime.datetime.fromisoformat(rec["eventTime"].replace("Z", "+00:00")) == event["EventTime"].astimezone(datetime.timezone.utc)


def test_names_sources_and_parameters(session):
    expected = {
        "create_queue": ("CreateQueue", "sqs.amazonaws.com", False, {"queueName": session.queue}),
        "create_user": ("CreateUser", "iam.amazonaws.com", False, {"userName": session.alice}),
        "alice_list_queues": ("ListQueues", "sqs.amazonaws.com", True, None),
        "assume_role": ("AssumeRole", "sts.amazonaws.com", True, {"roleArn": session.role_arn, "roleSessionName": "ci-run"}),
        "role_get_queue_url": ("GetQueueUrl", "sqs.amazonaws.com", True, {"queueName": session.queue}),
        "role_list_metrics": ("ListMetrics", "monitoring.amazonaws.com", True, None),
        "create_bucket": ("CreateBucket", "s3.amazonaws.com", False, {"bucketName": session.bucket}),
    }
    for call, (name, source, read_only, params) in expected.items():
        event, rec = record(session, call)
        assert (rec["eventName"], rec["eventSource"], rec["readOnly"]) == (name, source, read_only), call
        if params is None:
            assert rec["requestParameters"] is None, call
        else:
            assert {k: rec["requestParameters"].get(k) for k in params} == params, call
        if read_only:
            assert rec["responseElements"] is None, f"{call}: reads have no response elements"
    _, rec = record(session, "put_user_policy")
    assert json.loads(rec["requestParameters"]["policyDocument"]) == ALLOW_ALL


def test_sensitive_parameters_are_hidden(session):
    _, rec = record(session, "create_login_profile")
    assert rec["requestParameters"]["userName"] == session.alice
    assert rec["requestParameters"]["password"] == HIDDEN
    assert session.password not in json.dumps(rec)


def test_modeled_error_is_recorded(session):
    event, rec = record(session, "alice_get_user")
    assert rec["errorCode"] == session.error["Code"] == "NoSuchEntity"
    assert rec["errorMessage"] == session.error["Message"]
    assert rec["requestParameters"] == {"userName": session.missing_user}
    assert rec["responseElements"] is None


def test_root_identity(session):
    event, rec = record(session, "create_queue")
    assert rec["userIdentity"] == {
        "type": "Root",
        "principalId": ACCOUNT,
        "arn": f"arn:aws:iam::{ACCOUNT}:root",
        "accountId": ACCOUNT,
        "accessKeyId": ACCESS_KEY,
    }
    assert event["Username"] == "root"
    assert event["AccessKeyId"] == ACCESS_KEY


def test_iam_user_identity(session):
    event, rec = record(session, "alice_list_queues")
    assert rec["userIdentity"] == {
        "type": "IAMUser",
        "principalId": session.alice_id,
        "arn": f"arn:aws:iam::{ACCOUNT}:user/{session.alice}",
        "accountId": ACCOUNT,
        "accessKeyId": session.alice_key,
        "userName": session.alice,
    }
    assert event["Username"] == session.alice


def test_assumed_role_identity(session):
    event, rec = record(session, "role_get_queue_url")
    identity = rec["userIdentity"]
    assert identity["type"] == "AssumedRole"
    assert identity["arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{session.role}/ci-run"
    assert identity["principalId"] == f"{session.role_id}:ci-run"
    assert identity["accessKeyId"] == session.session_key
    assert "userName" not in identity
    issuer = identity["sessionContext"]["sessionIssuer"]
    assert issuer == {"type": "Role", "principalId": session.role_id, "arn": session.role_arn, "accountId": ACCOUNT, "userName": session.role}
    attributes = identity["sessionContext"]["attributes"]
    assert attributes["mfaAuthenticated"] == "false"
    created = datetime.datetime.strptime(attributes["creationDate"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    assert session.started <= created <= session.ended
    assert event["Username"] == "ci-run"


def test_resources_are_attributed(session):
    event, _ = record(session, "create_queue")
    assert {"ResourceType": "AWS::SQS::Queue", "ResourceName": session.queue} in event["Resources"]
    event, _ = record(session, "create_user")
    assert {"ResourceType": "AWS::IAM::User", "ResourceName": session.alice} in event["Resources"]
    event, rec = record(session, "assume_role")
    assert {"ResourceType": "AWS::IAM::Role", "ResourceName": session.role_arn} in event["Resources"]
    assert {"accountId": ACCOUNT, "type": "AWS::IAM::Role", "ARN": session.role_arn} in rec["resources"]
    event, _ = record(session, "create_bucket")
    assert {"ResourceType": "AWS::S3::Bucket", "ResourceName": session.bucket} in event["Resources"]


def test_data_events_are_not_in_the_history(session):
    assert session.calls["put_object"] not in session.by_id
    assert not [e for e in session.history if e["EventName"] == "PutObject"]


def test_history_is_newest_first(session):
    times = [e["EventTime"] for e in session.history]
    assert times == sorted(times, reverse=True)
    order = [session.calls[c] for c in ("create_queue", "create_user", "alice_list_queues", "role_get_queue_url", "create_bucket")]
    positions = [next(i for i, e in enumerate(session.history) if json.loads(e["CloudTrailEvent"])["requestID"] == rid) for rid in order]
    assert positions == sorted(positions, reverse=True)


def test_accounts_are_kept_apart(session, client):
    assert session.calls["other_create_queue"] not in session.by_id
    theirs = by_request_id(lookup_all(session.other("cloudtrail")))
    assert session.calls["other_create_queue"] in theirs
    assert not set(theirs) & set(session.by_id)
    rec = json.loads(theirs[session.calls["other_create_queue"]]["CloudTrailEvent"])
    assert rec["recipientAccountId"] == session.other_account
    assert rec["userIdentity"]["type"] == "Root"
    assert rec["userIdentity"]["accountId"] == session.other_account
    assert rec["userIdentity"]["arn"] == f"arn:aws:iam::{session.other_account}:root"


def test_regions_are_kept_apart(session, client):
    """Regional services' events are in their region; IAM's and STS's in us-east-1."""
    eu = client("sqs", region="eu-west-1")
    rid = request_id(eu.create_queue(QueueName=unique("eu-queue")))
    assert rid in by_request_id(lookup_all(client("cloudtrail", region="eu-west-1"), LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateQueue"}]))
    assert rid not in by_request_id(lookup_all(client("cloudtrail"), LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateQueue"}]))
    rid = request_id(client("iam", region="eu-west-1").list_users())
    assert rid in by_request_id(lookup_all(client("cloudtrail"), LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "ListUsers"}]))


# --- Lookup attributes, time ranges, pages ----------------------------------


def lookup(client, key, value, **kwargs):
    return lookup_all(client("cloudtrail"), LookupAttributes=[{"AttributeKey": key, "AttributeValue": value}], **kwargs)


def test_lookup_by_each_attribute(session, client):
    def ids(events):
        return set(by_request_id(events))

    rid = session.calls
    event, _ = record(session, "create_user")
    assert ids(lookup(client, "EventId", event["EventId"])) == {rid["create_user"]}
    assert rid["create_queue"] in ids(lookup(client, "EventName", "CreateQueue"))
    assert all(e["EventName"] == "CreateQueue" for e in lookup(client, "EventName", "CreateQueue"))
    reads = lookup(client, "ReadOnly", "true")
    assert rid["alice_list_queues"] in ids(reads) and rid["create_queue"] not in ids(reads)
    assert all(e["ReadOnly"] == "true" for e in reads)
    writes = lookup(client, "ReadOnly", "false")
    assert rid["create_queue"] in ids(writes) and rid["alice_list_queues"] not in ids(writes)
    assert ids(lookup(client, "Username", session.alice)) == {rid["alice_list_queues"], rid["alice_get_user"], rid["assume_role"]}
    assert ids(lookup(client, "Username", "ci-run")) == {rid["role_get_queue_url"], rid["role_list_metrics"]}
    assert rid["create_queue"] in ids(lookup(client, "Username", "root"))
    assert ids(lookup(client, "AccessKeyId", session.alice_key)) == {rid["alice_list_queues"], rid["alice_get_user"], rid["assume_role"]}
    monitoring = lookup(client, "EventSource", "monitoring.amazonaws.com")
    assert rid["role_list_metrics"] in ids(monitoring) and all(e["EventSource"] == "monitoring.amazonaws.com" for e in monitoring)
    queues = ids(lookup(client, "ResourceName", session.queue))
    assert {rid["create_queue"], rid["role_get_queue_url"]} <= queues
    assert rid["create_user"] not in queues
    users = lookup(client, "ResourceType", "AWS::IAM::User")
    assert rid["create_user"] in ids(users) and rid["create_queue"] not in ids(users)
    assert lookup(client, "EventName", "NoSuchOperation") == []


def test_only_the_first_lookup_attribute_counts(session, client):
    attrs = [{"AttributeKey": "Username", "AttributeValue": "ci-run"}, {"AttributeKey": "EventName", "AttributeValue": "CreateQueue"}]
    events = lookup_all(client("cloudtrail"), LookupAttributes=attrs)
    assert set(by_request_id(events)) == {session.calls["role_get_queue_url"], session.calls["role_list_metrics"]}


def test_time_range(session, client):
    ct = client("cloudtrail")
    inside = by_request_id(lookup_all(ct, StartTime=session.started, EndTime=session.ended))
    assert session.calls["create_queue"] in inside and session.calls["role_list_metrics"] in inside
    before = lookup_all(ct, EndTime=session.started - datetime.timedelta(seconds=5))
    assert not set(by_request_id(before)) & set(session.calls.values())
    after = lookup_all(ct, StartTime=session.ended + datetime.timedelta(seconds=3600))
    assert after == []
    with pytest.raises(ClientError) as e:
        ct.lookup_events(StartTime=session.ended, EndTime=session.started)
    assert code(e) == "InvalidTimeRangeException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_pages(session, client):
    ct = client("cloudtrail")
    window = {"StartTime": session.started, "EndTime": session.ended}
    whole = ct.lookup_events(**window)["Events"]
    assert len(whole) <= 50
    pages, token = [], None
    while True:
        page = ct.lookup_events(MaxResults=3, **window, **({"NextToken": token} if token else {}))
        assert len(page["Events"]) <= 3
        pages.append(page["Events"])
        token = page.get("NextToken")
        if not token:
            break
    assert len(pages) > 1
    # The lookups themselves are management events that land in the window
    # while the test pages through it: compare what the session did.
    def session_ids(events):
        return [e["EventId"] for e in events if e["EventName"] != "LookupEvents"]
    assert session_ids(e for p in pages for e in p) == session_ids(whole)
    first = ct.lookup_events(MaxResults=2, **window)
    # A token belongs to the query that made it.
    with pytest.raises(ClientError) as e:
        ct.lookup_events(MaxResults=2, NextToken=first["NextToken"], LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "true"}], **window)
    assert code(e) == "InvalidNextTokenException"
    with pytest.raises(ClientError) as e:
        ct.lookup_events(NextToken="not-a-token")
    assert code(e) == "InvalidNextTokenException"


def test_default_and_largest_page_is_fifty(client):
    ct = client("cloudtrail")
    for _ in range(55):
        ct.list_trails()
    assert len(ct.lookup_events()["Events"]) == 50
    assert len(ct.lookup_events(MaxResults=50)["Events"]) == 50
    with pytest.raises(ClientError) as e:
        ct.lookup_events(MaxResults=51)
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_insight_events_are_not_management_events(session, client):
    assert client("cloudtrail").lookup_events(EventCategory="insight")["Events"] == []


# --- Trails ------------------------------------------------------------------


def delivery_policy(bucket, account=ACCOUNT, prefix=None):
    logs = f"{prefix}/AWSLogs/{account}/*" if prefix else f"AWSLogs/{account}/*"
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{bucket}"},
            {
                "Sid": "AWSCloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/{logs}",
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
            },
        ],
    })


def log_bucket(client, prefix=None):
    s3 = client("s3")
    bucket = unique("ct-logs")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=delivery_policy(bucket, prefix=prefix))
    return bucket


def delivered(client, bucket):
    """Every record delivered to the bucket so far, with the key of its file."""
    s3 = client("s3")
    out = []
    for obj in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        body = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
        for rec in json.loads(gzip.decompress(body))["Records"]:
            out.append((obj["Key"], rec))
    return out


def wait_for(client, bucket, request_ids, timeout=15):
    """The delivered records, once those of `request_ids` are among them."""
    deadline = time.monotonic() + timeout
    while True:
        records = delivered(client, bucket)
        if set(request_ids) <= {r["requestID"] for _, r in records}:
            return records
        if time.monotonic() > deadline:
            pytest.fail(f"not delivered within {timeout}s: {set(request_ids) - {r['requestID'] for _, r in records}}")
        time.sleep(DELIVERY_SECONDS)


def test_create_trail_checks(client):
    ct, s3 = client("cloudtrail"), client("s3")
    with pytest.raises(ClientError) as e:
        ct.create_trail(Name="ab", S3BucketName="whatever")
    assert code(e) == "InvalidTrailNameException"
    assert message(e) == "Trail name too short. Minimum allowed length: 3 characters. Specified name length: 2 characters."
    with pytest.raises(ClientError) as e:
        ct.create_trail(Name="-trail", S3BucketName="whatever")
    assert message(e) == "Trail name must starts with a letter or number."
    with pytest.raises(ClientError) as e:
        ct.create_trail(Name="my--trail", S3BucketName="whatever")
    assert code(e) == "InvalidTrailNameException"
    missing = unique("no-such-bucket")
    with pytest.raises(ClientError) as e:
        ct.create_trail(Name=unique("trail"), S3BucketName=missing)
    assert code(e) == "S3BucketDoesNotExistException"
    assert message(e) == f"S3 bucket {missing} does not exist!"
    bare = unique("bare")
    s3.create_bucket(Bucket=bare)
    with pytest.raises(ClientError) as e:
        ct.create_trail(Name=unique("trail"), S3BucketName=bare)
    assert code(e) == "InsufficientS3BucketPolicyException"
    assert message(e) == f"Incorrect S3 bucket policy is detected for bucket: {bare}"
    # A policy for the bucket's root does not cover a prefix.
    s3.put_bucket_policy(Bucket=bare, Policy=delivery_policy(bare))
    with pytest.raises(ClientError) as e:
        ct.create_trail(Name=unique("trail"), S3BucketName=bare, S3KeyPrefix="elsewhere")
    assert code(e) == "InsufficientS3BucketPolicyException"
    with pytest.raises(ClientError) as e:
        ct.create_trail(Name=unique("trail"), S3BucketName=bare, IsMultiRegionTrail=True, IncludeGlobalServiceEvents=False)
    assert code(e) == "InvalidParameterCombinationException"
    assert message(e) == "Multi-Region trail must include global service events."
    name = unique("trail")
    ct.create_trail(Name=name, S3BucketName=bare)
    with pytest.raises(ClientError) as e:
        ct.create_trail(Name=name, S3BucketName=bare)
    assert code(e) == "TrailAlreadyExistsException"
    with pytest.raises(ClientError) as e:
        ct.get_trail(Name=unique("missing"))
    assert code(e) == "TrailNotFoundException"
    missing_trail = unique("missing")
    with pytest.raises(ClientError) as e:
        ct.get_trail_status(Name=missing_trail)
    assert message(e) == f"Unknown trail: arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/{missing_trail} for the user: {ACCOUNT}"
    ct.delete_trail(Name=name)


def test_trail_lifecycle_and_shadow_trails(client):
    ct, eu = client("cloudtrail"), client("cloudtrail", region="eu-west-1")
    bucket = log_bucket(client, prefix="audit")
    name = unique("org-trail")
    made = ct.create_trail(Name=name, S3BucketName=bucket, S3KeyPrefix="audit", IsMultiRegionTrail=True, TagsList=[{"Key": "team", "Value": "sec"}])
    arn = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/{name}"
    assert made["TrailARN"] == arn
    assert (made["IsMultiRegionTrail"], made["IncludeGlobalServiceEvents"], made["LogFileValidationEnabled"]) == (True, True, False)
    assert made["S3KeyPrefix"] == "audit"
    trail = ct.get_trail(Name=name)["Trail"]
    assert trail["HomeRegion"] == "us-east-1" and trail["HasCustomEventSelectors"] is False and trail["HasInsightSelectors"] is False
    assert ct.get_trail(Name=arn)["Trail"]["Name"] == name
    assert {"TrailARN": arn, "Name": name, "HomeRegion": "us-east-1"} in ct.list_trails()["Trails"]

    # The shadow trail in another region.
    assert arn in [t["TrailARN"] for t in eu.describe_trails()["trailList"]]
    assert arn not in [t["TrailARN"] for t in eu.describe_trails(includeShadowTrails=False)["trailList"]]
    assert arn in [t["TrailARN"] for t in eu.list_trails()["Trails"]]
    assert eu.get_trail(Name=name)["Trail"]["HomeRegion"] == "us-east-1"
    with pytest.raises(ClientError) as e:
        eu.get_trail_status(Name=name)
    assert code(e) == "TrailNotFoundException"
    assert eu.get_trail_status(Name=arn)["IsLogging"] is False
    for call in (lambda: eu.update_trail(Name=arn, EnableLogFileValidation=True), lambda: eu.start_logging(Name=arn), lambda: eu.delete_trail(Name=arn)):
        with pytest.raises(ClientError) as e:
            call()
        assert code(e) == "InvalidHomeRegionException"

    # A single-region trail shows only in its region.
    local_bucket = log_bucket(client)
    local = unique("local-trail")
    ct.create_trail(Name=local, S3BucketName=local_bucket)
    assert local not in [t["Name"] for t in eu.describe_trails()["trailList"]]
    assert local in [t["Name"] for t in ct.describe_trails(trailNameList=[local])["trailList"]]
    assert eu.describe_trails(trailNameList=[local])["trailList"] == []

    # Update.
    updated = ct.update_trail(Name=name, EnableLogFileValidation=True)
    assert updated["LogFileValidationEnabled"] is True and updated["S3KeyPrefix"] == "audit"
    with pytest.raises(ClientError) as e:
        ct.update_trail(Name=name, S3KeyPrefix="not-allowed")
    assert code(e) == "InsufficientS3BucketPolicyException"
    with pytest.raises(ClientError) as e:
        ct.update_trail(Name=name, IncludeGlobalServiceEvents=False)
    assert code(e) == "InvalidParameterCombinationException"

    # Tags.
    assert ct.list_tags(ResourceIdList=[arn])["ResourceTagList"] == [{"ResourceId": arn, "TagsList": [{"Key": "team", "Value": "sec"}]}]
    ct.add_tags(ResourceId=arn, TagsList=[{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "ops"}])
    tags = ct.list_tags(ResourceIdList=[arn])["ResourceTagList"][0]["TagsList"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("env", "dev"), ("team", "ops")]
    ct.remove_tags(ResourceId=arn, TagsList=[{"Key": "env"}])
    assert [t["Key"] for t in ct.list_tags(ResourceIdList=[arn])["ResourceTagList"][0]["TagsList"]] == ["team"]
    with pytest.raises(ClientError) as e:
        ct.add_tags(ResourceId=name, TagsList=[{"Key": "k", "Value": "v"}])
    assert code(e) == "CloudTrailARNInvalidException"

    # Logging status.
    ct.start_logging(Name=name)
    status = ct.get_trail_status(Name=name)
    assert status["IsLogging"] is True and "StartLoggingTime" in status and status["TimeLoggingStopped"] == ""
    ct.stop_logging(Name=name)
    status = ct.get_trail_status(Name=arn)
    assert status["IsLogging"] is False and status["StopLoggingTime"] >= status["StartLoggingTime"]

    # Delete: gone everywhere.
    ct.delete_trail(Name=name)
    ct.delete_trail(Name=local)
    with pytest.raises(ClientError) as e:
        ct.get_trail(Name=arn)
    assert code(e) == "TrailNotFoundException"
    assert arn not in [t["TrailARN"] for t in eu.describe_trails()["trailList"]]


def test_event_selectors(client):
    ct = client("cloudtrail")
    name = unique("sel-trail")
    ct.create_trail(Name=name, S3BucketName=log_bucket(client))
    default = ct.get_event_selectors(TrailName=name)
    assert default["EventSelectors"] == [{"ReadWriteType": "All", "IncludeManagementEvents": True, "DataResources": [], "ExcludeManagementEventSources": []}]
    basic = [{"ReadWriteType": "WriteOnly", "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::some-bucket/"]}]}]
    put = ct.put_event_selectors(TrailName=name, EventSelectors=basic)
    assert put["EventSelectors"][0]["IncludeManagementEvents"] is True
    assert put["EventSelectors"][0]["DataResources"] == basic[0]["DataResources"]
    assert ct.get_trail(Name=name)["Trail"]["HasCustomEventSelectors"] is True
    for bad in (
        [{"DataResources": [{"Type": "AWS::SQS::Queue", "Values": ["arn:aws:sqs"]}]}],
        [{"DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::no-slash"]}]}],
        [{"ExcludeManagementEventSources": ["iam.amazonaws.com"]}],
        [{}] * 6,
    ):
        with pytest.raises(ClientError) as e:
            ct.put_event_selectors(TrailName=name, EventSelectors=bad)
        assert code(e) == "InvalidEventSelectorsException", bad
    advanced = [
        {"Name": "writes", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "readOnly", "Equals": ["false"]}]},
        {"Name": "objects", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}, {"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::some-bucket/"]}]},
    ]
    put = ct.put_event_selectors(TrailName=name, AdvancedEventSelectors=advanced)
    assert put["AdvancedEventSelectors"] == advanced and "EventSelectors" not in put
    got = ct.get_event_selectors(TrailName=name)
    assert got["AdvancedEventSelectors"] == advanced and "EventSelectors" not in got
    for bad in (
        [{"FieldSelectors": [{"Field": "readOnly", "Equals": ["true"]}]}],
        [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}]}],
        [{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "eventName", "Equals": ["X"]}]}],
        [{"FieldSelectors": [{"Field": "eventCategory", "StartsWith": ["Man"]}]}],
    ):
        with pytest.raises(ClientError) as e:
            ct.put_event_selectors(TrailName=name, AdvancedEventSelectors=bad)
        assert code(e) == "InvalidEventSelectorsException", bad
    with pytest.raises(ClientError) as e:
        ct.put_event_selectors(TrailName=unique("missing"), EventSelectors=basic)
    assert code(e) == "TrailNotFoundException"
    ct.delete_trail(Name=name)


def test_insight_selectors(client):
    ct = client("cloudtrail")
    name = unique("insight-trail")
    ct.create_trail(Name=name, S3BucketName=log_bucket(client))
    with pytest.raises(ClientError) as e:
        ct.get_insight_selectors(TrailName=name)
    assert code(e) == "InsightNotEnabledException"
    put = ct.put_insight_selectors(TrailName=name, InsightSelectors=[{"InsightType": "ApiCallRateInsight"}])
    assert put["InsightSelectors"] == [{"InsightType": "ApiCallRateInsight"}]
    assert ct.get_insight_selectors(TrailName=name)["InsightSelectors"] == [{"InsightType": "ApiCallRateInsight"}]
    assert ct.get_trail(Name=name)["Trail"]["HasInsightSelectors"] is True
    # Call-rate Insights need write management events.
    ct.put_insight_selectors(TrailName=name, InsightSelectors=[])
    ct.put_event_selectors(TrailName=name, EventSelectors=[{"ReadWriteType": "ReadOnly"}])
    with pytest.raises(ClientError) as e:
        ct.put_insight_selectors(TrailName=name, InsightSelectors=[{"InsightType": "ApiCallRateInsight"}])
    assert code(e) == "InvalidInsightSelectorsException"
    ct.put_insight_selectors(TrailName=name, InsightSelectors=[{"InsightType": "ApiErrorRateInsight"}])
    ct.delete_trail(Name=name)


# --- Delivery ----------------------------------------------------------------


def test_delivered_log_files(client):
    ct = client("cloudtrail")
    bucket = log_bucket(client, prefix="audit")
    name = unique("deliver-trail")
    ct.create_trail(Name=name, S3BucketName=bucket, S3KeyPrefix="audit", IsMultiRegionTrail=True)
    before = request_id(client("sqs").create_queue(QueueName=unique("before")))
    start = request_id(ct.start_logging(Name=name))
    here = request_id(client("sqs").create_queue(QueueName=unique("here")))
    there = request_id(client("sqs", region="eu-west-1").create_queue(QueueName=unique("there")))
    iam_call = request_id(client("iam").list_users())
    records = wait_for(client, bucket, [start, here, there, iam_call])
    for key, rec in records:
        m = LOG_KEY.match(key)
        assert m, key
        assert (m["prefix"], m["account"]) == ("audit", ACCOUNT)
        assert m["region"] == rec["awsRegion"], key
        assert RECORD_FIELDS <= rec.keys()
        assert rec["recipientAccountId"] == ACCOUNT
    by_id = {r["requestID"]: (k, r) for k, r in records}
    assert before not in by_id, "events before StartLogging are not delivered"
    assert by_id[here][1]["eventName"] == "CreateQueue"
    assert "/CloudTrail/eu-west-1/" in by_id[there][0]
    assert "/CloudTrail/us-east-1/" in by_id[iam_call][0]
    status = ct.get_trail_status(Name=name)
    assert "LatestDeliveryTime" in status and status["LatestDeliveryAttemptSucceeded"] != ""
    assert "LatestDeliveryError" not in status

    # Stopped: nothing more is delivered.
    ct.stop_logging(Name=name)
    after = request_id(client("sqs").create_queue(QueueName=unique("after")))
    time.sleep(DELIVERY_SECONDS * 4)
    assert after not in {r["requestID"] for _, r in delivered(client, bucket)}

    # A bucket that no longer lets CloudTrail in: the delivery error shows in the status.
    ct.start_logging(Name=name)
    client("s3").delete_bucket_policy(Bucket=bucket)
    client("sqs").create_queue(QueueName=unique("refused"))
    deadline = time.monotonic() + 15
    while ct.get_trail_status(Name=name).get("LatestDeliveryError") != "AccessDenied":
        assert time.monotonic() < deadline, "no delivery error reported"
        time.sleep(DELIVERY_SECONDS)
    ct.delete_trail(Name=name)


def test_single_region_trail_without_global_events(client):
    ct = client("cloudtrail")
    bucket = log_bucket(client)
    name = unique("regional-trail")
    ct.create_trail(Name=name, S3BucketName=bucket, IncludeGlobalServiceEvents=False)
    ct.start_logging(Name=name)
    iam_call = request_id(client("iam").list_users())
    there = request_id(client("sqs", region="eu-west-1").create_queue(QueueName=unique("there")))
    here = request_id(client("sqs").create_queue(QueueName=unique("here")))
    records = wait_for(client, bucket, [here])
    time.sleep(DELIVERY_SECONDS * 3)
    ids = {r["requestID"] for _, r in delivered(client, bucket)}
    assert iam_call not in ids, "global service events stay out"
    assert there not in ids, "other regions stay out"
    assert all(r["awsRegion"] == "us-east-1" for _, r in records)
    ct.delete_trail(Name=name)


def test_data_events_are_delivered_when_selected(client):
    ct, s3 = client("cloudtrail"), client("s3")
    bucket = log_bucket(client)
    data_bucket = unique("objects")
    s3.create_bucket(Bucket=data_bucket)
    name = unique("data-trail")
    ct.create_trail(Name=name, S3BucketName=bucket)
    ct.start_logging(Name=name)
    unselected = request_id(s3.put_object(Bucket=data_bucket, Key="one.txt", Body=b"1"))
    marker = request_id(client("sqs").create_queue(QueueName=unique("marker")))
    wait_for(client, bucket, [marker])
    time.sleep(DELIVERY_SECONDS * 2)
    assert unselected not in {r["requestID"] for _, r in delivered(client, bucket)}, "no data events without a selector"

    ct.put_event_selectors(
        TrailName=name,
        EventSelectors=[{"ReadWriteType": "All", "IncludeManagementEvents": False, "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}],
    )
    put = request_id(s3.put_object(Bucket=data_bucket, Key="two.txt", Body=b"2"))
    get = request_id(s3.get_object(Bucket=data_bucket, Key="two.txt"))
    management = request_id(client("sqs").create_queue(QueueName=unique("mgmt")))
    records = {r["requestID"]: r for _, r in wait_for(client, bucket, [put, get])}
    assert records[put]["eventName"] == "PutObject" and records[put]["readOnly"] is False
    assert records[get]["eventName"] == "GetObject" and records[get]["readOnly"] is True
    for rid in (put, get):
        rec = records[rid]
        assert (rec["eventCategory"], rec["managementEvent"], rec["eventSource"]) == ("Data", False, "s3.amazonaws.com")
    time.sleep(DELIVERY_SECONDS * 2)
    assert management not in {r["requestID"] for _, r in delivered(client, bucket)}, "management events were deselected"

    # Write-only advanced selector: reads stay out.
    ct.put_event_selectors(
        TrailName=name,
        AdvancedEventSelectors=[{"FieldSelectors": [{"Field": "eventCategory", "Equals": ["Data"]}, {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}, {"Field": "readOnly", "Equals": ["false"]}]}],
    )
    read = request_id(s3.get_object(Bucket=data_bucket, Key="two.txt"))
    write = request_id(s3.put_object(Bucket=data_bucket, Key="three.txt", Body=b"3"))
    wait_for(client, bucket, [write])
    time.sleep(DELIVERY_SECONDS * 2)
    assert read not in {r["requestID"] for _, r in delivered(client, bucket)}
    ct.delete_trail(Name=name)


# What the gateway hands the audit log: data events' inputs, writes' outputs.


def test_data_events_name_their_object(client):
    ct, s3 = client("cloudtrail"), client("s3")
    bucket = log_bucket(client)
    data_bucket = unique("named")
    s3.create_bucket(Bucket=data_bucket)
    name = unique("named-trail")
    ct.create_trail(Name=name, S3BucketName=bucket)
    ct.put_event_selectors(TrailName=name, EventSelectors=[{"DataResources": [{"Type": "AWS::S3::Object", "Values": [f"arn:aws:s3:::{data_bucket}/in/"]}]}])
    ct.start_logging(Name=name)
    try:
        outside = request_id(s3.put_object(Bucket=data_bucket, Key="out/x.txt", Body=b"x"))
        inside = request_id(s3.put_object(Bucket=data_bucket, Key="in/x.txt", Body=b"x"))
        rec = {r["requestID"]: r for _, r in wait_for(client, bucket, [inside], timeout=5)}[inside]
        assert rec["requestParameters"]["bucketName"] == data_bucket and rec["requestParameters"]["key"] == "in/x.txt"
        assert {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{data_bucket}/in/x.txt", "accountId": ACCOUNT} in rec["resources"]
        assert outside not in {r["requestID"] for _, r in delivered(client, bucket)}
    finally:
        ct.delete_trail(Name=name)


def test_writes_record_their_response_elements(client):
    iam = client("iam")
    user = unique("responder")
    made = iam.create_user(UserName=user)
    rec = json.loads(by_request_id(lookup(client, "EventName", "CreateUser"))[request_id(made)]["CloudTrailEvent"])
    assert rec["responseElements"]["user"]["userName"] == user
    assert rec["responseElements"]["user"]["userId"] == made["User"]["UserId"]
    key = iam.create_access_key(UserName=user)
    rec = json.loads(by_request_id(lookup(client, "EventName", "CreateAccessKey"))[request_id(key)]["CloudTrailEvent"])
    assert rec["responseElements"]["accessKey"]["accessKeyId"] == key["AccessKey"]["AccessKeyId"]
    assert key["AccessKey"]["SecretAccessKey"] not in json.dumps(rec)
