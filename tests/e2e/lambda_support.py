"""What the Lambda tests share: servers started with Lambda's settings (Docker
on with the local runtime images of images/build.sh, or Docker off), IAM
execution roles, and deployment packages built in memory."""

import io
import json
import subprocess
import time
import zipfile

import pytest

import conftest
from conftest import HEALTH_TIMEOUT_S, ROOT, unique

# The local images images/build.sh makes, as the server's per-runtime overrides.
LOCAL_IMAGES = {
    "SIMFRA_LAMBDA_IMAGE_PYTHON3_11": "simfra/lambda-python:3.11",
    "SIMFRA_LAMBDA_IMAGE_NODEJS18_X": "simfra/lambda-nodejs:18",
    "SIMFRA_LAMBDA_IMAGE_PROVIDED_AL2023": "simfra/lambda-provided:al2023",
}

# The same images under AWS's repository names, for SIMFRA_LAMBDA_IMAGE_REGISTRY=localhost/lambda.
REGISTRY_IMAGES = ["localhost/lambda/python:3.11", "localhost/lambda/nodejs:18", "localhost/lambda/provided:al2023"]

LAMBDA_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)


def docker_available():
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def ensure_images():
    """Builds the local runtime images unless they exist (images/build.sh skips what is up to date)."""
    missing = [img for img in [*LOCAL_IMAGES.values(), *REGISTRY_IMAGES] if subprocess.run(["docker", "image", "inspect", img], capture_output=True).returncode != 0]
    if missing:
        r = subprocess.run(["bash", str(ROOT / "images" / "build.sh")], capture_output=True, text=True, timeout=1800)
        if r.returncode != 0:
            pytest.fail(f"images/build.sh failed:\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}")


class Server(conftest.Server):
    """A Simfra server of its own, with extra environment, that Lambda's
    containers can reach."""

    def __init__(self, extra_env):
        # Containers reach the gateway through the Docker host, not loopback.
        super().__init__({"SIMFRA_BIND": "0.0.0.0", **extra_env}, start_timeout=HEALTH_TIMEOUT_S + 20)

    def stop(self):
        return super().stop(grace=20)


# Fixtures of the tests that start a Lambda server of their own (a `server`
# fixture in the test module); test modules import them to use them.


@pytest.fixture(scope="module")
def lam(server):
    return server.client("lambda")


@pytest.fixture(scope="module")
def role(server):
    """An execution role Lambda may assume, with no permissions."""
    return make_role(server.client("iam"))


def zip_of(files):
    """A .zip of {path: text}; paths named bootstrap are executable."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for path, text in files.items():
            info = zipfile.ZipInfo(path)
            mode = 0o755 if path.endswith("bootstrap") else 0o644
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)
    return buf.getvalue()


def make_role(iam, inline_policy=None, trust=LAMBDA_TRUST):
    name = unique("fn-role")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    if inline_policy is not None:
        iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=json.dumps(inline_policy))
    return arn


def queue(sqs, name, **attributes):
    """A queue with these attributes: (url, arn)."""
    url = sqs.create_queue(QueueName=name, Attributes={k: str(v) for k, v in attributes.items()})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def forwarding_function(server, source, out_url, out_arn, prefix="fn"):
    """A Python 3.11 function (`app.handler` of `source`) whose role may send
    to the queue `out_arn`, and whose environment has its URL as OUT:
    (Lambda client, function name)."""
    role = make_role(
        server.client("iam"),
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": out_arn}]},
    )
    lam = server.client("lambda")
    name = unique(prefix)
    lam.create_function(
        FunctionName=name, Runtime="python3.11", Role=role, Handler="app.handler", Timeout=30,
        Code={"ZipFile": zip_of({"app.py": source})}, Environment={"Variables": {"OUT": out_url}},
    )
    return lam, name


def drain(sqs, url, until, timeout=60, parse=json.loads):
    """Bodies received from `url` (deleting them; read with `parse`) until
    `until(bodies)` or the timeout."""
    got = []
    deadline = time.time() + timeout
    while time.time() < deadline and not until(got):
        for m in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", []):
            got.append(parse(m["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return got
