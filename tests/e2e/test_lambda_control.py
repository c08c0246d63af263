"""Lambda's control plane through boto3, on a server with Docker and on one
with SIMFRA_DOCKER=false: every call behaves the same; only Invoke differs
(without Docker it answers that the function cannot run)."""

import base64
import hashlib
import json
import time
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, REGION, code, message, unique
from lambda_support import LOCAL_IMAGES, Server, docker_available, ensure_images, lam, make_role, role, zip_of  # noqa: F401 (fixtures)

HANDLER_PY = "def handler(event, context):\n    return event\n"


@pytest.fixture(scope="module", params=["docker-auto", "docker-off"])
def server(request):
    if request.param == "docker-off":
        env = {"SIMFRA_DOCKER": "false"}
    else:
        if docker_available():
            ensure_images()
        env = dict(LOCAL_IMAGES)
    s = Server(env)
    # Without an engine, "auto" is off too.
    s.docker_off = request.param == "docker-off" or not docker_available()
    yield s
    s.stop()


def create(lam, role, name=None, **kw):
    name = name or unique("fn")
    args = dict(FunctionName=name, Runtime="python3.11", Role=role, Handler="app.handler", Code={"ZipFile": zip_of({"app.py": HANDLER_PY})})
    args.update(kw)
    return lam.create_function(**args)


def test_create_get_list_update_delete(lam, role):
    name = unique("fn")
    created = create(lam, role, name, Description="first", Environment={"Variables": {"AB": "1"}}, Tags={"team": "x"})
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    assert created["FunctionArn"] == arn
    assert created["State"] == "Pending" and created["StateReasonCode"] == "Creating"
    assert created["Version"] == "$LATEST" and created["Timeout"] == 3 and created["MemorySize"] == 128
    zipped = zip_of({"app.py": HANDLER_PY})
    assert created["CodeSha256"] == base64.b64encode(hashlib.sha256(zipped).digest()).decode()
    assert created["CodeSize"] == len(zipped)
    assert created["PackageType"] == "Zip" and created["Architectures"] == ["x86_64"]
    lam.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 5})
    got = lam.get_function(FunctionName=name)
    assert got["Configuration"]["State"] == "Active"
    assert got["Configuration"]["LastUpdateStatus"] == "Successful"
    assert got["Configuration"]["Environment"]["Variables"] == {"AB": "1"}
    assert got["Tags"] == {"team": "x"}
    # Code.Location downloads the package.
    with urllib.request.urlopen(got["Code"]["Location"], timeout=10) as r:
        assert r.read() == zipped
    names = [f["FunctionName"] for f in lam.list_functions()["Functions"]]
    assert name in names
    updated = lam.update_function_configuration(FunctionName=name, Timeout=10, MemorySize=256, Description="second")
    assert updated["LastUpdateStatus"] == "InProgress"
    conf = lam.get_function_configuration(FunctionName=arn)
    assert (conf["Timeout"], conf["MemorySize"], conf["Description"]) == (10, 256, "second")
    assert conf["LastUpdateStatus"] == "Successful"
    assert conf["RevisionId"] != created["RevisionId"]
    new_zip = zip_of({"app.py": HANDLER_PY + "# v2\n"})
    code_update = lam.update_function_code(FunctionName=name, ZipFile=new_zip)
    assert code_update["CodeSha256"] == base64.b64encode(hashlib.sha256(new_zip).digest()).decode()
    lam.delete_function(FunctionName=name)
    with pytest.raises(ClientError) as e:
        lam.get_function(FunctionName=name)
    assert code(e) == "ResourceNotFoundException"
    assert message(e) == f"Function not found: {arn}"


def test_create_errors(server, lam, role):
    name = unique("fn")
    create(lam, role, name)
    with pytest.raises(ClientError) as e:
        create(lam, role, name)
    assert code(e) == "ResourceConflictException"
    assert message(e) == f"Function already exist: {name}"
    with pytest.raises(ClientError) as e:
        lam.create_function(FunctionName=unique("fn"), Role=role, Code={"ZipFile": zip_of({"a.py": ""})})
    assert code(e) == "InvalidParameterValueException"
    assert "Runtime and Handler are mandatory" in message(e)
    untrusting = make_role(server.client("iam"), trust=json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    with pytest.raises(ClientError) as e:
        create(lam, untrusting)
    assert code(e) == "InvalidParameterValueException"
    assert message(e) == "The role defined for the function cannot be assumed by Lambda."
    with pytest.raises(ClientError) as e:
        create(lam, role, Code={"ZipFile": b"not a zip"})
    assert code(e) == "InvalidParameterValueException"
    assert "Could not unzip uploaded file" in message(e)
    with pytest.raises(ClientError) as e:
        lam.get_function(FunctionName="no-such-fn")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_code_from_s3(server, lam, role):
    s3 = server.client("s3")
    bucket = unique("code")
    s3.create_bucket(Bucket=bucket)
    package = zip_of({"app.py": HANDLER_PY})
    s3.put_object(Bucket=bucket, Key="fn.zip", Body=package)
    created = create(lam, role, Code={"S3Bucket": bucket, "S3Key": "fn.zip"})
    assert created["CodeSize"] == len(package)
    with pytest.raises(ClientError) as e:
        create(lam, role, Code={"S3Bucket": bucket, "S3Key": "missing.zip"})
    assert code(e) == "InvalidParameterValueException"
    assert "NoSuchKey" in message(e)


def test_versions_and_aliases(lam, role):
    name = unique("fn")
    create(lam, role, name)
    v1 = lam.publish_version(FunctionName=name, Description="one")
    assert v1["Version"] == "1" and v1["FunctionArn"].endswith(f":{name}:1")
    # Nothing changed: publishing again answers the same version.
    assert lam.publish_version(FunctionName=name)["Version"] == "1"
    lam.update_function_configuration(FunctionName=name, Description="changed")
    v2 = lam.publish_version(FunctionName=name)
    assert v2["Version"] == "2"
    with pytest.raises(ClientError) as e:
        lam.publish_version(FunctionName=name, CodeSha256="wrong")
    assert code(e) == "InvalidParameterValueException"
    versions = [v["Version"] for v in lam.list_versions_by_function(FunctionName=name)["Versions"]]
    assert versions == ["$LATEST", "1", "2"]
    alias = lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1", RoutingConfig={"AdditionalVersionWeights": {"2": 0.25}})
    assert alias["AliasArn"].endswith(f":{name}:live")
    assert alias["RoutingConfig"]["AdditionalVersionWeights"] == {"2": 0.25}
    with pytest.raises(ClientError) as e:
        lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    assert code(e) == "ResourceConflictException"
    with pytest.raises(ClientError) as e:
        lam.create_alias(FunctionName=name, Name="bad", FunctionVersion="9")
    assert code(e) == "ResourceNotFoundException"
    assert lam.get_function_configuration(FunctionName=name, Qualifier="live")["Version"] == "1"
    updated = lam.update_alias(FunctionName=name, Name="live", FunctionVersion="2", RoutingConfig={"AdditionalVersionWeights": {}})
    assert updated["FunctionVersion"] == "2"
    with pytest.raises(ClientError) as e:
        lam.update_alias(FunctionName=name, Name="live", RevisionId="stale")
    assert code(e) == "PreconditionFailedException"
    with pytest.raises(ClientError) as e:
        lam.delete_function(FunctionName=name, Qualifier="2")
    assert code(e) == "ResourceConflictException"
    assert [a["Name"] for a in lam.list_aliases(FunctionName=name)["Aliases"]] == ["live"]
    lam.delete_alias(FunctionName=name, Name="live")
    lam.delete_function(FunctionName=name, Qualifier="2")
    assert [v["Version"] for v in lam.list_versions_by_function(FunctionName=name)["Versions"]] == ["$LATEST", "1"]


def test_permissions(lam, role):
    name = unique("fn")
    arn = create(lam, role, name)["FunctionArn"]
    added = lam.add_permission(
        FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction", Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::bucket", SourceAccount=ACCOUNT
    )
    statement = json.loads(added["Statement"])
    assert statement == {
        "Sid": "s3",
        "Effect": "Allow",
        "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "lambda:InvokeFunction",
        "Resource": arn,
        "Condition": {"StringEquals": {"AWS:SourceAccount": ACCOUNT}, "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::bucket"}},
    }
    lam.add_permission(FunctionName=name, StatementId="acct", Action="lambda:GetFunction", Principal="111122223333")
    policy = json.loads(lam.get_policy(FunctionName=name)["Policy"])
    assert policy["Version"] == "2012-10-17" and policy["Id"] == "default"
    assert [s["Sid"] for s in policy["Statement"]] == ["s3", "acct"]
    assert policy["Statement"][1]["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    with pytest.raises(ClientError) as e:
        lam.add_permission(FunctionName=name, StatementId="s3", Action="lambda:InvokeFunction", Principal="sns.amazonaws.com")
    assert code(e) == "ResourceConflictException"
    lam.remove_permission(FunctionName=name, StatementId="s3")
    lam.remove_permission(FunctionName=name, StatementId="acct")
    with pytest.raises(ClientError) as e:
        lam.remove_permission(FunctionName=name, StatementId="acct")
    assert code(e) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        lam.get_policy(FunctionName=name)
    assert code(e) == "ResourceNotFoundException"


def wait_provisioned(lam, name, qualifier, timeout=60):
    deadline = time.time() + timeout
    while True:
        got = lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier=qualifier)
        if got["Status"] != "IN_PROGRESS" or time.time() > deadline:
            return got
        time.sleep(0.2)


def test_tags_concurrency_and_settings(server, lam, role):
    name = unique("fn")
    arn = create(lam, role, name)["FunctionArn"]
    lam.tag_resource(Resource=arn, Tags={"a": "1", "b": "2"})
    lam.untag_resource(Resource=arn, TagKeys=["a"])
    assert lam.list_tags(Resource=arn)["Tags"] == {"b": "2"}
    assert lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=5)["ReservedConcurrentExecutions"] == 5
    assert lam.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 5
    assert lam.get_function(FunctionName=name)["Concurrency"] == {"ReservedConcurrentExecutions": 5}
    with pytest.raises(ClientError) as e:
        lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=950)
    assert code(e) == "InvalidParameterValueException"
    lam.delete_function_concurrency(FunctionName=name)
    assert "ReservedConcurrentExecutions" not in lam.get_function_concurrency(FunctionName=name)
    lam.publish_version(FunctionName=name)
    put = lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1", ProvisionedConcurrentExecutions=2)
    assert put["Status"] == "IN_PROGRESS" and put["RequestedProvisionedConcurrentExecutions"] == 2
    got = wait_provisioned(lam, name, "1")
    if server.docker_off:
        # Nothing can be initialized without Docker: the status says so.
        assert got["Status"] == "FAILED" and "Docker is off" in got["StatusReason"]
        assert got["AllocatedProvisionedConcurrentExecutions"] == 0
    else:
        assert got["Status"] == "READY" and got["AllocatedProvisionedConcurrentExecutions"] == 2, got
    with pytest.raises(ClientError) as e:
        lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="$LATEST", ProvisionedConcurrentExecutions=1)
    assert code(e) == "InvalidParameterValueException"
    cfg = lam.put_function_event_invoke_config(
        FunctionName=name, MaximumRetryAttempts=1, DestinationConfig={"OnFailure": {"Destination": f"arn:aws:sqs:{REGION}:{ACCOUNT}:q"}}
    )
    assert cfg["MaximumRetryAttempts"] == 1 and cfg["FunctionArn"] == f"{arn}:$LATEST"
    assert lam.get_function_event_invoke_config(FunctionName=name)["DestinationConfig"]["OnFailure"]["Destination"].endswith(":q")
    lam.delete_function_event_invoke_config(FunctionName=name)
    with pytest.raises(ClientError) as e:
        lam.get_function_event_invoke_config(FunctionName=name)
    assert code(e) == "ResourceNotFoundException"
    url = lam.create_function_url_config(FunctionName=name, AuthType="NONE")
    assert url["FunctionUrl"].startswith("http://") and ".lambda-url.us-east-1." in url["FunctionUrl"]
    assert lam.get_function_url_config(FunctionName=name)["AuthType"] == "NONE"
    with pytest.raises(ClientError) as e:
        lam.create_function_url_config(FunctionName=name, AuthType="NONE")
    assert code(e) == "ResourceConflictException"
    lam.delete_function_url_config(FunctionName=name)
    settings = lam.get_account_settings()
    assert settings["AccountLimit"]["ConcurrentExecutions"] == 1000


def test_layers(lam, role):
    layer = unique("layer")
    content = zip_of({"python/helper.py": "VALUE = 42\n"})
    v1 = lam.publish_layer_version(LayerName=layer, Content={"ZipFile": content}, CompatibleRuntimes=["python3.11"])
    assert v1["Version"] == 1 and v1["LayerVersionArn"] == f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:{layer}:1"
    assert v1["Content"]["CodeSize"] == len(content)
    v2 = lam.publish_layer_version(LayerName=layer, Content={"ZipFile": content})
    assert v2["Version"] == 2
    assert [v["Version"] for v in lam.list_layer_versions(LayerName=layer)["LayerVersions"]] == [2, 1]
    assert lam.get_layer_version_by_arn(Arn=v1["LayerVersionArn"])["Version"] == 1
    fn = create(lam, role, Layers=[v1["LayerVersionArn"]])
    assert fn["Layers"][0]["Arn"] == v1["LayerVersionArn"]
    with pytest.raises(ClientError) as e:
        create(lam, role, Layers=[v1["LayerVersionArn"][:-1] + "9"])
    assert code(e) == "InvalidParameterValueException"
    perm = lam.add_layer_version_permission(LayerName=layer, VersionNumber=1, StatementId="all", Action="lambda:GetLayerVersion", Principal="*")
    assert json.loads(perm["Statement"])["Principal"] == "*"
    assert json.loads(lam.get_layer_version_policy(LayerName=layer, VersionNumber=1)["Policy"])["Statement"][0]["Sid"] == "all"
    lam.delete_layer_version(LayerName=layer, VersionNumber=2)
    with pytest.raises(ClientError) as e:
        lam.get_layer_version(LayerName=layer, VersionNumber=2)
    assert code(e) == "ResourceNotFoundException"


def test_event_source_mappings(server, lam, role):
    sqs = server.client("sqs")
    queue_url = sqs.create_queue(QueueName=unique("esm"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    name = unique("fn")
    create(lam, role, name)
    m = lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=name, BatchSize=5, Enabled=False)
    assert m["State"] == "Creating" and m["BatchSize"] == 5
    got = lam.get_event_source_mapping(UUID=m["UUID"])
    assert got["State"] == "Disabled"
    with pytest.raises(ClientError) as e:
        lam.create_event_source_mapping(EventSourceArn=queue_arn, FunctionName=name)
    assert code(e) == "ResourceConflictException"
    with pytest.raises(ClientError) as e:
        lam.create_event_source_mapping(EventSourceArn=queue_arn + "-none", FunctionName=name)
    assert code(e) == "InvalidParameterValueException"
    with pytest.raises(ClientError) as e:
        lam.update_event_source_mapping(UUID=m["UUID"], BatchSize=50)
    assert code(e) == "InvalidParameterValueException"
    lam.update_event_source_mapping(UUID=m["UUID"], BatchSize=50, MaximumBatchingWindowInSeconds=1, FilterCriteria={"Filters": [{"Pattern": '{"body": {"k": ["v"]}}'}]})
    assert lam.get_event_source_mapping(UUID=m["UUID"])["BatchSize"] == 50
    assert [x["UUID"] for x in lam.list_event_source_mappings(FunctionName=name)["EventSourceMappings"]] == [m["UUID"]]
    assert lam.delete_event_source_mapping(UUID=m["UUID"])["State"] == "Deleting"
    with pytest.raises(ClientError) as e:
        lam.get_event_source_mapping(UUID=m["UUID"])
    assert code(e) == "ResourceNotFoundException"


def test_invoke_dry_run_and_without_docker(server, lam, role):
    name = unique("fn")
    create(lam, role, name)
    assert lam.invoke(FunctionName=name, InvocationType="DryRun")["StatusCode"] == 204
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName=name + "-none", InvocationType="DryRun")
    assert code(e) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName=name, Payload=b"not json")
    assert code(e) == "InvalidRequestContentException"
    if server.docker_off:
        with pytest.raises(ClientError) as e:
            lam.invoke(FunctionName=name, Payload=b"{}")
        assert code(e) == "ResourceNotReadyException"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 502
        assert "Docker is off" in message(e)
        # Events are still accepted: Lambda queues them.
        assert lam.invoke(FunctionName=name, InvocationType="Event", Payload=b"{}")["StatusCode"] == 202


def test_resource_policy_admits_another_account(server, lam, role):
    """Another account invokes a function only once the function's policy names it."""
    import boto3

    from conftest import admin_api, client_config

    name = unique("fn")
    arn = create(lam, role, name)["FunctionArn"]
    status, other = admin_api(server.endpoint, "POST", "/_simfra/accounts", {"Name": unique("other")})
    assert status in (200, 201), other
    theirs = boto3.client(
        "lambda", endpoint_url=server.endpoint, region_name=REGION,
        aws_access_key_id=other["RootAccessKeyId"], aws_secret_access_key=other["RootSecretAccessKey"], config=client_config(),
    )
    with pytest.raises(ClientError) as e:
        theirs.invoke(FunctionName=arn, InvocationType="DryRun")
    assert code(e) == "AccessDeniedException"
    lam.add_permission(FunctionName=name, StatementId="other", Action="lambda:InvokeFunction", Principal=other["AccountId"])
    assert theirs.invoke(FunctionName=arn, InvocationType="DryRun")["StatusCode"] == 204
    # The policy grants invocation only.
    with pytest.raises(ClientError) as e:
        theirs.get_function(FunctionName=arn)
    assert code(e) == "AccessDeniedException"
