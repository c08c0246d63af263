"""Identity end to end: SigV4 as real clients produce it (and tampered), presigned
URLs fetched with curl, accounts from the admin API kept apart, and STS
credentials that sign requests."""

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest
from botocore.exceptions import ClientError

from conftest import ACCESS_KEY, ACCOUNT, AWS_CLI, REGION, SECRET_KEY
from conftest import aws_cli, temporary_client, unique, admin_api as admin


def error_code(exc):
    return exc.value.response["Error"]["Code"]


def signed_request(endpoint, body, secret=SECRET_KEY, service="sts"):
    """An STS Query request signed by botocore's own SigV4 signer."""
    req = botocore.awsrequest.AWSRequest(
        method="POST",
        url=endpoint + "/",
        data=body,
        headers={"content-type": "application/x-www-form-urlencoded; charset=utf-8", "host": endpoint.split("//")[1]},
    )
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(ACCESS_KEY, secret), service, REGION).add_auth(req)
    return req


def send(req, body=None):
    r = urllib.request.Request(req.url, data=body if body is not None else req.body, method=req.method, headers=dict(req.headers.items()))
    try:
        with urllib.request.urlopen(r, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


# ---------------------------------------------------------------- signatures


def test_botocore_signature_is_accepted_and_a_tampered_byte_is_not(simfra_endpoint):
    body = "Action=GetCallerIdentity&Version=2011-06-15"
    req = signed_request(simfra_endpoint, body)
    status, text = send(req)
    assert status == 200, text
    assert f"arn:aws:iam::{ACCOUNT}:root" in text
    # One byte of the signed body changed: the payload hash no longer matches.
    status, text = send(req, body=body.replace("2011", "2012").encode())
    assert status == 403 and "SignatureDoesNotMatch" in text, text
    # One character of a signed header changed.
    tampered = signed_request(simfra_endpoint, body)
    date = tampered.headers["X-Amz-Date"]
    tampered.headers.replace_header("X-Amz-Date", date[:-2] + ("1Z" if date[-2] != "1" else "2Z"))
    status, text = send(tampered)
    assert status == 403 and "SignatureDoesNotMatch" in text, text
    # The right key with the wrong secret.
    status, text = send(signed_request(simfra_endpoint, body, secret="x" * 40))
    assert status == 403 and "SignatureDoesNotMatch" in text, text


def test_unknown_keys_and_unsigned_requests_get_each_protocols_error(make_client, simfra_endpoint):
    with pytest.raises(ClientError) as e:
        make_client("sts", access_key="AKIAUNKNOWNKEY000000").get_caller_identity()
    assert error_code(e) == "InvalidClientTokenId"
    with pytest.raises(ClientError) as e:
        make_client("dynamodb", access_key="AKIAUNKNOWNKEY000000").list_tables()
    assert error_code(e) == "UnrecognizedClientException"
    with pytest.raises(ClientError) as e:
        make_client("s3", access_key="AKIAUNKNOWNKEY000000").list_buckets()
    assert error_code(e) == "InvalidAccessKeyId"
    status, text = send(botocore.awsrequest.AWSRequest(method="POST", url=simfra_endpoint + "/", data="Action=GetCallerIdentity&Version=2011-06-15",
                                                        headers={"content-type": "application/x-www-form-urlencoded"}))
    assert status == 403 and "MissingAuthenticationToken" in text, text


def test_aws_cli_signatures_are_accepted(simfra_endpoint):
    assert AWS_CLI, "the AWS CLI is installed from tests/e2e/requirements.txt"
    assert aws_cli(simfra_endpoint, "sts", "get-caller-identity")["Account"] == ACCOUNT
    err = aws_cli(simfra_endpoint, "sts", "get-caller-identity", ok=False, secret_key="y" * 40)
    assert "SignatureDoesNotMatch" in err, err


def test_presigned_get_works_with_curl_and_expires(make_client):
    curl = shutil.which("curl")
    if not curl:
        pytest.fail("curl is needed for this test")
    s3 = make_client("s3", signature_version="s3v4")
    bucket = unique("curl")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="dir/file name.txt", Body=b"fetched by curl")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "dir/file name.txt"}, ExpiresIn=2)
    out = subprocess.run([curl, "-s", "-w", "\n%{http_code}", url], capture_output=True, text=True, timeout=30)
    body, code = out.stdout.rsplit("\n", 1)
    assert code == "200" and body == "fetched by curl", out.stdout
    # A changed query string breaks the signature.
    out = subprocess.run([curl, "-s", "-w", "\n%{http_code}", url.replace("X-Amz-Expires=2", "X-Amz-Expires=3")], capture_output=True, text=True, timeout=30)
    assert out.stdout.endswith("403") and "SignatureDoesNotMatch" in out.stdout, out.stdout
    time.sleep(3.2)
    out = subprocess.run([curl, "-s", "-w", "\n%{http_code}", url], capture_output=True, text=True, timeout=30)
    assert out.stdout.endswith("403") and "Request has expired" in out.stdout, out.stdout


def test_sdk_streaming_upload_with_trailing_checksum_verifies(make_client, last_request):
    s3 = make_client("s3", request_checksum_calculation="when_supported")
    bucket = unique("chunked")
    s3.create_bucket(Bucket=bucket)
    payload = b"0123456789abcdef" * 8192  # 128 KiB, several chunks
    s3.put_object(Bucket=bucket, Key="big", Body=payload, ChecksumAlgorithm="CRC32")
    assert s3.get_object(Bucket=bucket, Key="big")["Body"].read() == payload


# ---------------------------------------------------------------- accounts


def test_admin_api_accounts_lifecycle(simfra_endpoint, make_client):
    account_id = "210987654321"
    status, body = admin(simfra_endpoint, "POST", "/_simfra/accounts", {"AccountId": account_id, "Name": "lifecycle"})
    assert status in (200, 201), body
    assert body["AccountId"] == account_id and body["RootSecretAccessKey"]
    status, listed = admin(simfra_endpoint, "GET", "/_simfra/accounts")
    assert account_id in [a["AccountId"] for a in listed["Accounts"]]
    # The new root key works and names the new account.
    sts = make_client("sts", access_key=body["RootAccessKeyId"], secret_key=body["RootSecretAccessKey"])
    assert sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{account_id}:root"
    status, again = admin(simfra_endpoint, "POST", "/_simfra/accounts", {"AccountId": account_id})
    assert status == 409, again
    status, _ = admin(simfra_endpoint, "DELETE", f"/_simfra/accounts/{account_id}")
    assert status in (200, 204)
    with pytest.raises(ClientError) as e:
        sts.get_caller_identity()
    assert error_code(e) == "InvalidClientTokenId"
    status, _ = admin(simfra_endpoint, "GET", f"/_simfra/accounts/{account_id}")
    assert status == 404


def test_accounts_do_not_see_each_others_resources(make_client, other_account):
    mine = {s: make_client(s) for s in ("sqs", "s3", "dynamodb", "sns")}
    theirs = {s: make_client(s, access_key=other_account["RootAccessKeyId"], secret_key=other_account["RootSecretAccessKey"]) for s in mine}
    queue = unique("iso")
    url = mine["sqs"].create_queue(QueueName=queue)["QueueUrl"]
    assert ACCOUNT in url
    assert queue not in json.dumps(theirs["sqs"].list_queues())
    with pytest.raises(ClientError) as e:
        theirs["sqs"].get_queue_url(QueueName=queue)
    assert "NonExistentQueue" in error_code(e) or error_code(e) == "QueueDoesNotExist"
    # Addressing the other account's queue by URL does not reach it without a queue policy.
    with pytest.raises(ClientError):
        theirs["sqs"].send_message(QueueUrl=url, MessageBody="sneaky")
    assert "Messages" not in mine["sqs"].receive_message(QueueUrl=url, WaitTimeSeconds=0)

    bucket = unique("iso")
    mine["s3"].create_bucket(Bucket=bucket)
    mine["s3"].put_object(Bucket=bucket, Key="secret", Body=b"x")
    assert bucket not in [b["Name"] for b in theirs["s3"].list_buckets()["Buckets"]]
    with pytest.raises(ClientError) as e:
        theirs["s3"].get_object(Bucket=bucket, Key="secret")
    assert error_code(e) == "AccessDenied"

    table = unique("iso")
    mine["dynamodb"].create_table(TableName=table, KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                                  AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    assert table not in theirs["dynamodb"].list_tables()["TableNames"]
    with pytest.raises(ClientError) as e:
        theirs["dynamodb"].describe_table(TableName=table)
    assert error_code(e) == "ResourceNotFoundException"

    topic = mine["sns"].create_topic(Name=unique("iso"))["TopicArn"]
    assert topic not in json.dumps(theirs["sns"].list_topics())


def test_a_queue_policy_grants_another_account(make_client, other_account):
    mine = make_client("sqs")
    theirs = make_client("sqs", access_key=other_account["RootAccessKeyId"], secret_key=other_account["RootSecretAccessKey"])
    other = other_account["AccountId"]
    url = mine.create_queue(QueueName=unique("shared"))["QueueUrl"]
    arn = mine.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    mine.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{other}:root"}, "Action": "sqs:SendMessage", "Resource": arn}],
    })})
    theirs.send_message(QueueUrl=url, MessageBody="across accounts")
    got = mine.receive_message(QueueUrl=url, WaitTimeSeconds=0)["Messages"]
    assert [m["Body"] for m in got] == ["across accounts"]
    # The policy grants sending, nothing else.
    with pytest.raises(ClientError) as e:
        theirs.receive_message(QueueUrl=url, WaitTimeSeconds=0)
    assert error_code(e) in ("AccessDenied", "AccessDeniedException"), e.value.response
    assert "because no resource-based policy allows the sqs:ReceiveMessage action" in e.value.response["Error"]["Message"]


def test_account_reset_empties_its_state_but_keeps_its_keys(simfra_endpoint, make_client):
    status, acct = admin(simfra_endpoint, "POST", "/_simfra/accounts", {"Name": "reset-me"})
    assert status in (200, 201)
    sqs = make_client("sqs", access_key=acct["RootAccessKeyId"], secret_key=acct["RootSecretAccessKey"])
    sqs.create_queue(QueueName="before-reset")
    assert sqs.list_queues().get("QueueUrls")
    status, _ = admin(simfra_endpoint, "POST", f"/_simfra/accounts/{acct['AccountId']}/reset")
    assert status in (200, 204)
    assert not sqs.list_queues().get("QueueUrls")
    admin(simfra_endpoint, "DELETE", f"/_simfra/accounts/{acct['AccountId']}")


# ---------------------------------------------------------------- STS


def trust(principal):
    return json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})


def assumer(iam):
    """Keys of a new IAM user allowed sts:AssumeRole (root users may not assume roles)."""
    name = unique("assumer")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="assume", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return dict(access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])


def test_assumed_role_credentials_sign_requests_and_carry_the_roles_permissions(make_client):
    iam = make_client("iam")
    sts = make_client("sts", **assumer(iam))
    role = unique("reader")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
    iam.put_role_policy(RoleName=role, PolicyName="sqs-list", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*"}]}))
    out = sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{role}", RoleSessionName="s1", DurationSeconds=900)
    c = out["Credentials"]
    assert c["AccessKeyId"].startswith("ASIA") and c["SessionToken"]
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/s1"
    session = dict(access_key=c["AccessKeyId"], secret_key=c["SecretAccessKey"])
    endpoint = sts.meta.endpoint_url
    who = temporary_client(endpoint, "sts", c).get_caller_identity()
    assert who["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/s1"
    assert who["UserId"].endswith(":s1") and who["UserId"].startswith("AROA")
    temporary_client(endpoint, "sqs", c).list_queues()
    with pytest.raises(ClientError) as e:
        temporary_client(endpoint, "sqs", c).create_queue(QueueName=unique("denied"))
    msg = e.value.response["Error"]["Message"]
    assert f"assumed-role/{role}/s1 is not authorized to perform: sqs:CreateQueue" in msg, msg
    # The session token must come with the key.
    with pytest.raises(ClientError) as e:
        make_client("sts", **session).get_caller_identity()
    assert error_code(e) == "InvalidClientTokenId"


def test_a_role_that_does_not_trust_the_caller_cannot_be_assumed(make_client, other_account):
    iam = make_client("iam")
    role = unique("private")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust({"Service": "lambda.amazonaws.com"}))
    with pytest.raises(ClientError) as e:
        make_client("sts", **assumer(iam)).assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{role}", RoleSessionName="xy")
    assert error_code(e) == "AccessDenied"
    # Another account's principals are trusted only when the trust policy names that account.
    their_iam = make_client("iam", access_key=other_account["RootAccessKeyId"], secret_key=other_account["RootSecretAccessKey"])
    theirs = make_client("sts", **assumer(their_iam))
    with pytest.raises(ClientError):
        theirs.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{role}", RoleSessionName="xy")
    shared = unique("shared")
    iam.create_role(RoleName=shared, AssumeRolePolicyDocument=trust({"AWS": other_account["AccountId"]}))
    out = theirs.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{shared}", RoleSessionName="visitor")
    assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{shared}/visitor"
    with pytest.raises(ClientError) as e:
        theirs.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{shared}", RoleSessionName="xy", DurationSeconds=43201)
    assert error_code(e) == "ValidationError"


def test_session_and_federation_tokens(make_client):
    sts = make_client("sts")
    c = sts.get_session_token(DurationSeconds=900)["Credentials"]
    endpoint = sts.meta.endpoint_url
    assert temporary_client(endpoint, "sts", c).get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:root"
    with pytest.raises(ClientError) as e:
        temporary_client(endpoint, "sts", c).get_session_token()
    assert error_code(e) == "AccessDenied"
    fed = sts.get_federation_token(Name="visitor", DurationSeconds=900, Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:ListQueues", "Resource": "*"}]}))
    assert fed["FederatedUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:federated-user/visitor"
    assert make_client("sts").get_access_key_info(AccessKeyId=fed["Credentials"]["AccessKeyId"])["Account"] == ACCOUNT
