"""Lambda invocations that run code in Docker containers (the local runtime
images of images/build.sh): Python, Node.js and a custom runtime, sync and
async; the execution role's credentials inside the function (allowed and
denied through Simfra's IAM); reserved concurrency; timeouts; function
errors; async retries into an OnFailure destination."""

import base64
import json
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, REGION, code, unique
from lambda_support import LOCAL_IMAGES, Server, docker_available, ensure_images, lam, make_role, role, zip_of  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(not docker_available(), reason="needs a Docker engine")


@pytest.fixture(scope="module")
def server():
    ensure_images()
    s = Server({**LOCAL_IMAGES, "SIMFRA_LAMBDA_ASYNC_RETRY_DELAY_SECONDS": "0.5", "SIMFRA_LAMBDA_KEEP_ALIVE": "60"})
    yield s
    s.stop()


@pytest.fixture(scope="module")
def sqs(server):
    return server.client("sqs")


def create(lam, role, runtime, handler, files, **kw):
    name = unique("fn")
    lam.create_function(FunctionName=name, Runtime=runtime, Role=role, Handler=handler, Code={"ZipFile": zip_of(files)}, **kw)
    return name


def invoke(lam, name, payload, **kw):
    r = lam.invoke(FunctionName=name, Payload=json.dumps(payload).encode(), **kw)
    return r, json.loads(r["Payload"].read() or b"null")


PY_ECHO = """
import os
def handler(event, context):
    print("event", event)
    return {"event": event, "function": context.function_name, "arn": context.invoked_function_arn,
            "request": context.aws_request_id, "remaining": context.get_remaining_time_in_millis(),
            "memory": context.memory_limit_in_mb, "env": os.environ.get("GREETING"), "region": os.environ["AWS_REGION"]}
"""


def test_python_sync(lam, role):
    name = create(lam, role, "python3.11", "app.handler", {"app.py": PY_ECHO}, Environment={"Variables": {"GREETING": "hi"}}, MemorySize=256)
    r, body = invoke(lam, name, {"n": 1}, LogType="Tail")
    assert r["StatusCode"] == 200 and "FunctionError" not in r
    assert r["ExecutedVersion"] == "$LATEST"
    assert body["event"] == {"n": 1} and body["function"] == name and body["env"] == "hi" and body["region"] == REGION
    assert body["arn"] == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    assert body["memory"] == "256" and 0 < body["remaining"] <= 3000
    log = base64.b64decode(r["LogResult"]).decode()
    assert f"START RequestId: {body['request']} Version: $LATEST" in log
    assert "event {'n': 1}" in log
    assert f"END RequestId: {body['request']}" in log and f"REPORT RequestId: {body['request']}" in log
    assert re.search(r"Duration: [0-9.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB\tMax Memory Used: \d+ MB\tInit Duration: [0-9.]+ ms", log), log
    # Warm: the same environment answers again.
    _, again = invoke(lam, name, {"n": 2})
    assert again["event"] == {"n": 2}


def test_python_function_error(lam, role):
    name = create(lam, role, "python3.11", "app.handler", {"app.py": "def handler(event, context):\n    raise ValueError('boom ' + str(event['n']))\n"})
    r, body = invoke(lam, name, {"n": 7})
    assert r["StatusCode"] == 200 and r["FunctionError"] == "Unhandled"
    assert body["errorType"] == "ValueError" and body["errorMessage"] == "boom 7"
    assert isinstance(body["stackTrace"], list) and body["stackTrace"]
    missing = create(lam, role, "python3.11", "nope.handler", {"app.py": PY_ECHO})
    r, body = invoke(lam, missing, {})
    assert r["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Runtime.ImportModuleError"
    assert body["errorMessage"].startswith("Unable to import module 'nope'")


def test_nodejs_sync_and_error(lam, role):
    files = {
        "index.js": """
exports.handler = async (event, context) => {
  if (event.fail) throw new TypeError('node failed');
  return { node: process.version, event, fn: context.functionName, id: context.awsRequestId };
};
""",
        "cb.js": "exports.handler = (event, context, callback) => callback(null, { callback: event.v });\n",
    }
    name = create(lam, role, "nodejs18.x", "index.handler", files)
    r, body = invoke(lam, name, {"x": 1})
    assert "FunctionError" not in r
    assert body["node"].startswith("v18.") and body["event"] == {"x": 1} and body["fn"] == name
    r, body = invoke(lam, name, {"fail": True})
    assert r["FunctionError"] == "Unhandled"
    assert body["errorType"] == "TypeError" and body["errorMessage"] == "node failed" and isinstance(body["trace"], list)
    cb = create(lam, role, "nodejs18.x", "cb.handler", files)
    assert invoke(lam, cb, {"v": 5})[1] == {"callback": 5}


PROVIDED_BOOTSTRAP = """#!/bin/sh
set -eu
API="http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  HEADERS=$(mktemp)
  EVENT=$(curl -sS -D "$HEADERS" "$API/invocation/next")
  ID=$(grep -i '^Lambda-Runtime-Aws-Request-Id:' "$HEADERS" | cut -d' ' -f2 | tr -d '\\r\\n')
  echo "custom runtime handling $ID"
  curl -sS -X POST "$API/invocation/$ID/response" -d "{\\"provided\\": true, \\"handler\\": \\"$_HANDLER\\", \\"event\\": $EVENT}" >/dev/null
done
"""


def test_provided_runtime(lam, role):
    name = create(lam, role, "provided.al2023", "my.handler", {"bootstrap": PROVIDED_BOOTSTRAP})
    r, body = invoke(lam, name, {"k": "v"}, LogType="Tail")
    assert "FunctionError" not in r
    assert body == {"provided": True, "handler": "my.handler", "event": {"k": "v"}}
    assert "custom runtime handling" in base64.b64decode(r["LogResult"]).decode()


def test_async_invocations_run(lam, sqs, role, server):
    """Event invocations of each runtime run: each function sends its event to a queue."""
    queue_url = sqs.create_queue(QueueName=unique("async-out"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    py = create(lam, role, "python3.11", "app.handler", {"app.py": "def handler(event, context):\n    return {'py': event}\n"})
    node = create(lam, role, "nodejs18.x", "index.handler", {"index.js": "exports.handler = async (e) => ({ node: e });\n"})
    custom = create(lam, role, "provided.al2023", "h", {"bootstrap": PROVIDED_BOOTSTRAP})
    for fn in (py, node, custom):
        lam.put_function_event_invoke_config(FunctionName=fn, DestinationConfig={"OnSuccess": {"Destination": queue_arn}})
        r = lam.invoke(FunctionName=fn, InvocationType="Event", Payload=json.dumps({"from": fn}).encode())
        assert r["StatusCode"] == 202
    seen = {}
    deadline = time.time() + 90
    while len(seen) < 3 and time.time() < deadline:
        for m in sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=2).get("Messages", []):
            record = json.loads(m["Body"])
            seen[record["requestContext"]["functionArn"].split(":")[6]] = record
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
    assert set(seen) == {py, node, custom}
    assert seen[py]["requestContext"]["condition"] == "Success"
    assert seen[py]["responsePayload"] == {"py": {"from": py}}
    assert seen[node]["responsePayload"] == {"node": {"from": node}}
    assert seen[custom]["responsePayload"]["event"] == {"from": custom}


SENDER = """
import boto3
def handler(event, context):
    sqs = boto3.client("sqs")
    try:
        r = sqs.send_message(QueueUrl=event["queue_url"], MessageBody=event["body"])
        return {"sent": r["MessageId"]}
    except Exception as e:
        return {"error": getattr(e, "response", {}).get("Error", {}).get("Code", repr(e))}
"""


def test_role_credentials_inside_the_function(server, lam, sqs):
    iam = server.client("iam")
    queue_url = sqs.create_queue(QueueName=unique("from-fn"))["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    allowed = make_role(iam, {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queue_arn}]})
    denied = make_role(iam)
    ok_fn = create(lam, allowed, "python3.11", "app.handler", {"app.py": SENDER}, Timeout=30)
    _, body = invoke(lam, ok_fn, {"queue_url": queue_url, "body": "from lambda"})
    assert "sent" in body, body
    got = sqs.receive_message(QueueUrl=queue_url, WaitTimeSeconds=2, AttributeNames=["SenderId"])["Messages"][0]
    assert got["Body"] == "from lambda"
    role_id = iam.get_role(RoleName=allowed.split("/")[-1])["Role"]["RoleId"]
    # Sent with the role session's temporary keys (SQS names the session or its key), not the caller's.
    assert got["Attributes"]["SenderId"] in (f"{role_id}:{ok_fn}",) or got["Attributes"]["SenderId"].startswith("ASIA")
    no_fn = create(lam, denied, "python3.11", "app.handler", {"app.py": SENDER}, Timeout=30)
    _, body = invoke(lam, no_fn, {"queue_url": queue_url, "body": "denied"})
    assert body.get("error") in ("AccessDenied", "AccessDeniedException"), body


def test_reserved_concurrency_throttles(lam, role):
    name = create(lam, role, "python3.11", "app.handler", {"app.py": "import time\ndef handler(e, c):\n    time.sleep(1.5)\n    return 'done'\n"}, Timeout=30)
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=2)

    def one(_):
        try:
            r = lam.invoke(FunctionName=name, Payload=b"{}")
            return r["Payload"].read().decode()
        except ClientError as e:
            return (code_of(e), e.response["Error"].get("Message"), e.response.get("Reason"), e.response["ResponseMetadata"]["HTTPStatusCode"])

    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(one, range(10)))
    done = [r for r in results if r == '"done"']
    throttled = [r for r in results if isinstance(r, tuple)]
    assert len(done) == 2, results
    assert len(throttled) == 8
    assert all(t[0] == "TooManyRequestsException" and t[1] == "Rate Exceeded." and t[3] == 429 for t in throttled), throttled
    assert all(t[2] == "ReservedFunctionConcurrentInvocationLimitExceeded" for t in throttled), throttled
    lam.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=0)
    with pytest.raises(ClientError) as e:
        lam.invoke(FunctionName=name, Payload=b"{}")
    assert code(e) == "TooManyRequestsException"


def code_of(e):
    return e.response["Error"]["Code"]


def test_timeout_kills_and_reports(lam, role):
    name = create(lam, role, "python3.11", "app.handler", {"app.py": "import time\ndef handler(e, c):\n    print('sleeping')\n    time.sleep(30)\n"}, Timeout=1)
    start = time.time()
    r, body = invoke(lam, name, {}, LogType="Tail")
    elapsed = time.time() - start
    assert r["FunctionError"] == "Unhandled"
    assert body["errorType"] == "Sandbox.Timedout"
    assert body["errorMessage"].endswith("Task timed out after 1.00 seconds")
    assert elapsed < 15
    assert "Status: timeout" in base64.b64decode(r["LogResult"]).decode()
    # The killed environment is replaced: the next invocation runs (and times out) again.
    r, body = invoke(lam, name, {})
    assert body["errorType"] == "Sandbox.Timedout"


def test_async_failure_retried_twice_then_on_failure(lam, sqs, role):
    """A failing event runs three times (two retries), then its record goes to the OnFailure queue."""
    counter_q = sqs.create_queue(QueueName=unique("attempts"))["QueueUrl"]
    failures = sqs.create_queue(QueueName=unique("on-failure"))["QueueUrl"]
    failures_arn = sqs.get_queue_attributes(QueueUrl=failures, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    name = create(lam, role, "python3.11", "app.handler", {"app.py": "def handler(e, c):\n    print('attempt', c.aws_request_id)\n    raise RuntimeError('always fails')\n"})
    lam.put_function_event_invoke_config(FunctionName=name, DestinationConfig={"OnFailure": {"Destination": failures_arn}})
    assert lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"job": 1}')["StatusCode"] == 202
    deadline = time.time() + 90
    messages = []
    while not messages and time.time() < deadline:
        messages = sqs.receive_message(QueueUrl=failures, WaitTimeSeconds=2).get("Messages", [])
    assert messages, "no failure record"
    record = json.loads(messages[0]["Body"])
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == 3
    assert record["requestPayload"] == {"job": 1}
    assert record["responseContext"]["functionError"] == "Unhandled"
    assert record["responsePayload"]["errorMessage"] == "always fails"
    assert counter_q


def test_weighted_alias_routes_between_versions(lam, role):
    name = create(lam, role, "python3.11", "app.handler", {"app.py": "def handler(e, c):\n    return c.function_version\n"})
    lam.publish_version(FunctionName=name)
    lam.update_function_configuration(FunctionName=name, Description="v2")
    lam.publish_version(FunctionName=name)
    lam.create_alias(FunctionName=name, Name="split", FunctionVersion="1", RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
    versions = set()
    for _ in range(30):
        r = lam.invoke(FunctionName=name, Qualifier="split", Payload=b"{}")
        versions.add((r["ExecutedVersion"], json.loads(r["Payload"].read())))
        if len(versions) == 2:
            break
    assert versions == {("1", "1"), ("2", "2")}


def test_container_image_function(lam, role):
    """PackageType Image: the image runs with its ImageConfig (here a custom runtime loop as the entrypoint)."""
    name = unique("img")
    loop = PROVIDED_BOOTSTRAP.replace("#!/bin/sh\n", "").replace("$_HANDLER", "image")
    created = lam.create_function(
        FunctionName=name,
        Role=role,
        PackageType="Image",
        Code={"ImageUri": LOCAL_IMAGES["SIMFRA_LAMBDA_IMAGE_PROVIDED_AL2023"]},
        ImageConfig={"EntryPoint": ["/bin/sh", "-c", loop]},
    )
    assert created["PackageType"] == "Image"
    got = lam.get_function(FunctionName=name)
    assert got["Code"]["ImageUri"] == LOCAL_IMAGES["SIMFRA_LAMBDA_IMAGE_PROVIDED_AL2023"]
    r, body = invoke(lam, name, {"from": "image"})
    assert "FunctionError" not in r
    assert body == {"provided": True, "handler": "image", "event": {"from": "image"}}


URL_HANDLER = """
import json
def handler(event, context):
    return {"statusCode": 201, "headers": {"x-fn": "yes"}, "cookies": ["a=1"],
            "body": json.dumps({"path": event["rawPath"], "query": event.get("queryStringParameters"),
                                "body": event.get("body"), "method": event["requestContext"]["http"]["method"],
                                "version": event["version"], "caller": event["requestContext"].get("authorizer", {}).get("iam", {}).get("userArn")})}
"""


def url_request(url, data=None, headers=None):
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


def test_function_url_serves_the_function(server, lam, role):
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    from conftest import ACCESS_KEY, SECRET_KEY

    name = create(lam, role, "python3.11", "app.handler", {"app.py": URL_HANDLER})
    url = lam.create_function_url_config(FunctionName=name, AuthType="NONE")["FunctionUrl"]
    # NONE still needs the resource policy to let everyone invoke the URL.
    status, _, body = url_request(url + "items?x=1&x=2", data=b'{"k":"v"}', headers={"content-type": "application/json"})
    assert (status, json.loads(body)) == (403, {"Message": "Forbidden"})
    lam.add_permission(FunctionName=name, StatementId="url", Action="lambda:InvokeFunctionUrl", Principal="*", FunctionUrlAuthType="NONE")
    status, headers, body = url_request(url + "items?x=1&x=2", data=b'{"k":"v"}', headers={"content-type": "application/json"})
    assert status == 201
    assert headers.get("x-fn") == "yes" and headers.get("set-cookie") == "a=1"
    assert json.loads(body) == {"path": "/items", "query": {"x": "1,2"}, "body": '{"k":"v"}', "method": "POST", "version": "2.0", "caller": None}
    # AWS_IAM: unsigned requests are refused, signed ones by an allowed caller run.
    lam.update_function_url_config(FunctionName=name, AuthType="AWS_IAM")
    assert url_request(url)[0] == 403
    aws_req = AWSRequest(method="GET", url=url + "signed", headers={})
    SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "lambda", REGION).add_auth(aws_req)
    status, _, body = url_request(url + "signed", headers=dict(aws_req.headers))
    assert status == 201, body
    assert json.loads(body)["caller"] == f"arn:aws:iam::{ACCOUNT}:root"


def test_provisioned_concurrency_initializes_ahead(lam, role):
    """A READY provisioned configuration has initialized environments: the next invocation has no Init Duration."""
    name = create(lam, role, "python3.11", "app.handler", {"app.py": "import os\ndef handler(e, c):\n    return os.environ['AWS_LAMBDA_INITIALIZATION_TYPE']\n"})
    lam.publish_version(FunctionName=name)
    lam.put_provisioned_concurrency_config(FunctionName=name, Qualifier="1", ProvisionedConcurrentExecutions=1)
    deadline = time.time() + 60
    while (got := lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier="1"))["Status"] == "IN_PROGRESS" and time.time() < deadline:
        time.sleep(0.2)
    assert got["Status"] == "READY" and got["AvailableProvisionedConcurrentExecutions"] == 1, got
    r, body = invoke(lam, name, {}, Qualifier="1", LogType="Tail")
    assert body == "provisioned-concurrency"
    assert "Init Duration" not in base64.b64decode(r["LogResult"]).decode()
    # $LATEST is on demand.
    assert invoke(lam, name, {})[1] == "on-demand"
    lam.delete_provisioned_concurrency_config(FunctionName=name, Qualifier="1")


def test_layers_are_mounted_under_opt(lam, role):
    layer = lam.publish_layer_version(LayerName=unique("lib"), Content={"ZipFile": zip_of({"python/helper.py": "VALUE = 42\n"})})
    name = create(
        lam, role, "python3.11", "app.handler", {"app.py": "import helper\ndef handler(e, c):\n    return {'value': helper.VALUE, 'file': helper.__file__}\n"},
        Layers=[layer["LayerVersionArn"]],
    )
    _, body = invoke(lam, name, {})
    assert body == {"value": 42, "file": "/opt/python/helper.py"}


def test_async_failure_goes_to_the_dead_letter_queue(lam, sqs, role):
    dlq = sqs.create_queue(QueueName=unique("fn-dlq"))["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    name = create(lam, role, "python3.11", "app.handler", {"app.py": "def handler(e, c):\n    raise ValueError('nope')\n"}, DeadLetterConfig={"TargetArn": dlq_arn})
    lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=0)
    assert lam.invoke(FunctionName=name, InvocationType="Event", Payload=b'{"order": 9}')["StatusCode"] == 202
    deadline = time.time() + 60
    messages = []
    while not messages and time.time() < deadline:
        messages = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=2, MessageAttributeNames=["All"]).get("Messages", [])
    assert messages, "nothing in the dead-letter queue"
    m = messages[0]
    assert json.loads(m["Body"]) == {"order": 9}
    attrs = {k: v["StringValue"] for k, v in m["MessageAttributes"].items()}
    assert attrs["ErrorMessage"] == "nope" and attrs["ErrorCode"] == "200" and attrs["RequestID"]


def test_log_lines_as_aws_runtimes_write_them(lam, role):
    node = create(lam, role, "nodejs18.x", "index.handler", {"index.js": "exports.handler = async (e, c) => { console.log('hello', 42); return c.awsRequestId; };\n"})
    r, request_id = invoke(lam, node, {}, LogType="Tail")
    log = base64.b64decode(r["LogResult"]).decode()
    assert f"\t{request_id}\tINFO\thello 42" in log, log
    py = create(lam, role, "python3.11", "app.handler", {"app.py": "import logging\ndef handler(e, c):\n    logging.getLogger().warning('careful')\n    logging.getLogger().info('not shown')\n    return c.aws_request_id\n"})
    r, request_id = invoke(lam, py, {}, LogType="Tail")
    log = base64.b64decode(r["LogResult"]).decode()
    assert "[WARNING]\t" in log and f"\t{request_id}\tcareful" in log, log
    assert "not shown" not in log


def test_nodejs_es_module_handler(lam, role):
    name = create(lam, role, "nodejs18.x", "index.handler", {"index.mjs": "export const handler = async (event) => ({ esm: true, got: event.v });\n"})
    r, body = invoke(lam, name, {"v": 3})
    assert "FunctionError" not in r and body == {"esm": True, "got": 3}
    missing = create(lam, role, "nodejs18.x", "nope.handler", {"index.js": "exports.handler = async () => 1;\n"})
    r, body = invoke(lam, missing, {})
    assert r["FunctionError"] == "Unhandled" and body["errorType"] == "Runtime.ImportModuleError"
