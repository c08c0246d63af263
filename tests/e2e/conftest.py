"""Fixtures shared by the end-to-end tests: one Simfra server per test session
(the binary from $SIMFRA_BIN, on a free port), boto3 clients pointed at it, and
the server's request log."""

import json
import shutil
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import boto3
import botocore.session
import pytest
from botocore.config import Config

ROOT = Path(__file__).resolve().parents[2]
ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
REGION = "us-east-1"
# The server's default account, which every key maps to unless accounts are configured.
ACCOUNT = "000000000000"
HEALTH_TIMEOUT_S = 20

# `*.localhost` is loopback (RFC 6761), but glibc's files backend does not know
# it. SDKs put bucket names and account ids into the host
# (`bucket.localhost:PORT`, `123456789012.s3-control.localhost`), so resolve
# those the way a standard resolver does.
_getaddrinfo = socket.getaddrinfo


def _loopback_localhost(host, *args, **kwargs):
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback_localhost

# Lines tests want printed at the end of the run, passed or failed (e.g. the
# routing sweep's figure, which tests/run.sh greps from pytest's output).
SUMMARY_LINES = []


def pytest_terminal_summary(terminalreporter):
    for line in SUMMARY_LINES:
        terminalreporter.write_line(line)


# Simfra's service names (models/pins.tsv) that are not botocore's.
# Checked against the models' serviceId, API version and signing name by
# test_routing_sweep.py.
BOTOCORE_NAMES = {
    "api-gateway": "apigateway",
    "application-auto-scaling": "application-autoscaling",
    "auto-scaling": "autoscaling",
    "cloudwatch-logs": "logs",
    "cognito-identity-provider": "cognito-idp",
    "config-service": "config",
    "directory-service": "ds",
    "dynamodb-streams": "dynamodbstreams",
    "elastic-load-balancing": "elb",
    "elastic-load-balancing-v2": "elbv2",
    "elasticsearch-service": "es",
    "eventbridge": "events",
    "resource-groups-tagging-api": "resourcegroupstaggingapi",
    "route-53": "route53",
    "s3-control": "s3control",
    "secrets-manager": "secretsmanager",
    "sfn": "stepfunctions",
}


def botocore_name(simfra_name):
    return BOTOCORE_NAMES.get(simfra_name, simfra_name)


def modeled_errors(client, op):
    """The codes the operation's modeled errors go by (shape names and Query codes)."""
    codes = set()
    for shape in client.meta.service_model.operation_model(op).error_shapes:
        codes.add(shape.name)
        code = shape.metadata.get("error", {}).get("code")
        if code:
            codes.add(code)
    return frozenset(codes)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(port):
    """The caller's environment without SIMFRA_* settings (an admin token, strict
    auth or another default account would change what the tests expect)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIMFRA_")}
    env.update(SIMFRA_PORT=str(port), SIMFRA_BIND="127.0.0.1")
    return env


def get_json(url, timeout=10):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read())


def wait_healthy(endpoint, timeout, alive=lambda: True, interval=0.05):
    """Whether the server at `endpoint` answers its health check within
    `timeout` seconds (giving up early once `alive()` is false)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if get_json(endpoint + "/_simfra/health", timeout=1).get("status") == "ok":
                return True
        except (OSError, ValueError):
            pass
        if not alive() or time.monotonic() > deadline:
            return False
        time.sleep(interval)


def boto_client(endpoint, service, access_key=ACCESS_KEY, secret_key=SECRET_KEY, region=REGION, session=None, token=None, **config):
    """A boto3 client for the Simfra at `endpoint` (with a session `token` for
    temporary credentials), without retries."""
    return (session or boto3.session.Session()).client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        aws_session_token=token,
        config=client_config(**config),
    )


def temporary_client(endpoint, service, creds, region=REGION):
    """A boto3 client signing with temporary credentials: STS's `Credentials`
    (or Cognito Identity's, whose secret is `SecretKey`)."""
    secret = creds.get("SecretAccessKey") or creds["SecretKey"]
    return boto_client(endpoint, service, creds["AccessKeyId"], secret, region, token=creds["SessionToken"])


class Server:
    """A Simfra process of a test's own: `endpoint`, `port`, `proc`, its log
    files and boto3 clients for it. `extra_env` adds server settings; `port`
    reuses a port (a successor of a stopped server)."""

    def __init__(self, extra_env=None, port=None, start_timeout=HEALTH_TIMEOUT_S):
        binary = os.environ.get("SIMFRA_BIN") or str(ROOT / "target" / "debug" / "simfra")
        if not Path(binary).is_file():
            pytest.fail(f"no server binary at {binary}: run `cargo build -p simfra` or set SIMFRA_BIN")
        self.port = port or free_port()
        self.out = tempfile.NamedTemporaryFile(prefix="simfra-e2e-", suffix=".stdout", delete=False)
        self.err = tempfile.NamedTemporaryFile(prefix="simfra-e2e-", suffix=".stderr", delete=False)
        env = server_env(self.port)
        env.update(extra_env or {})
        self.proc = subprocess.Popen([binary], env=env, stdout=self.out, stderr=self.err)
        self.endpoint = f"http://localhost:{self.port}"
        self.session = boto3.session.Session()
        self.hung = False
        if not wait_healthy(self.endpoint, start_timeout, alive=lambda: self.proc.poll() is None):
            exited = self.proc.poll()
            self.proc.kill()
            self.proc.wait()
            why = f"exited with {exited}" if exited is not None else "no health answer"
            pytest.fail(f"simfra did not start on port {self.port} ({why}); stderr:\n{self.stderr()[-3000:]}")

    def client(self, service, **config):
        return boto_client(self.endpoint, service, session=self.session, **config)

    def stderr(self):
        return Path(self.err.name).read_text(errors="replace")

    def stop(self, kill=False, grace=10):
        """Stops the server (SIGTERM, or SIGKILL with `kill`), killing it if it
        is still running after `grace` seconds (then `hung` is set); answers
        its exit code."""
        if kill:
            self.proc.kill()
        else:
            self.proc.terminate()
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.hung = True
            self.proc.kill()
            self.proc.wait()
        return self.proc.returncode


@pytest.fixture(scope="session")
def simfra_endpoint():
    server = Server()
    yield server.endpoint
    if server.stop() not in (0, -15):
        # A crash during the session is a finding even when every test passed.
        SUMMARY_LINES.append(f"simfra exited with {server.proc.returncode}; stderr in {server.err.name}")


def client_config(**extra):
    extra.setdefault("retries", {"max_attempts": 1, "mode": "standard"})
    return Config(connect_timeout=5, read_timeout=60, **extra)


@pytest.fixture(scope="session")
def make_client(simfra_endpoint):
    """make_client("sqs", **Config kwargs): a boto3 client for Simfra, without retries."""
    session = boto3.session.Session()

    def make(service, access_key=ACCESS_KEY, secret_key=SECRET_KEY, region=REGION, **config):
        return boto_client(simfra_endpoint, service, access_key, secret_key, region, session=session, **config)

    return make


@pytest.fixture(scope="module")
def s3(make_client):
    return make_client("s3")


@pytest.fixture(scope="module")
def other_account(simfra_endpoint):
    """A second account created through the admin API, with its root keys
    (`AccountId`, `RootAccessKeyId`, `RootSecretAccessKey`)."""
    status, body = admin_api(simfra_endpoint, "POST", "/_simfra/accounts", {"Name": unique("other")})
    assert status in (200, 201), body
    yield body
    admin_api(simfra_endpoint, "DELETE", f"/_simfra/accounts/{body['AccountId']}")


@pytest.fixture(scope="session")
def request_log(simfra_endpoint):
    """request_log(): the server's last 100 requests, oldest first."""

    def read():
        return get_json(simfra_endpoint + "/_simfra/debug/requests")["requests"]

    return read


@pytest.fixture(scope="session")
def last_request(request_log):
    """last_request(operation=None): the newest request-log entry, or the newest
    one for that operation (None when there is none)."""

    def find(operation=None):
        for entry in reversed(request_log()):
            if operation is None or entry["operation"] == operation:
                return entry
        return None

    return find


@pytest.fixture(scope="session")
def make_protocol_client(simfra_endpoint, tmp_path_factory):
    """make_protocol_client("cloudwatch", "query"): a botocore client speaking
    one of the protocols its model lists, rather than botocore's preferred one.
    The model is botocore's own, rewritten to list only that protocol and
    loaded from a data path placed before botocore's."""
    root = tmp_path_factory.mktemp("botocore-data")

    def make(service, protocol):
        session = botocore.session.get_session()
        loader = session.get_component("data_loader")
        model = loader.load_service_model(service, "service-2")
        assert protocol in model["metadata"].get("protocols", [model["metadata"]["protocol"]])
        model["metadata"].update(protocol=protocol, protocols=[protocol])
        folder = root / protocol / service / model["metadata"]["apiVersion"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "service-2.json").write_text(json.dumps(model))
        loader.search_paths.insert(0, str(root / protocol))
        client = session.create_client(
            service,
            endpoint_url=simfra_endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=client_config(),
        )
        assert client.meta.service_model.resolved_protocol == protocol
        return client

    return make


# ---------------------------------------------------------------- helpers the test files share


def unique(prefix):
    """A name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def code(exc):
    """The error code of a `pytest.raises(ClientError)` result."""
    return exc.value.response["Error"]["Code"]


def message(exc):
    return exc.value.response["Error"]["Message"]


def status(exc):
    """The HTTP status of a `pytest.raises(ClientError)` result."""
    return exc.value.response["ResponseMetadata"]["HTTPStatusCode"]


AWS_CLI = shutil.which("aws", path=str(Path(sys.executable).parent)) or shutil.which("aws")


def aws_cli(endpoint, *args, ok=True, json_output=True, timeout=600, region=REGION, access_key=ACCESS_KEY, secret_key=SECRET_KEY, max_attempts=None):
    """Runs the AWS CLI against Simfra with the default account's keys (or
    those given) and no settings from the user's AWS config files; retries
    as the CLI does by default (as users run it) unless `max_attempts` is given. With `ok`,
    asserts success and answers the parsed JSON output (or the text with
    `json_output=False`); otherwise asserts failure and answers stderr."""
    env = dict(
        os.environ,
        AWS_ACCESS_KEY_ID=access_key,
        AWS_SECRET_ACCESS_KEY=secret_key,
        AWS_DEFAULT_REGION=region,
        AWS_PAGER="",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_MAX_ATTEMPTS"):
        env.pop(name, None)
    if max_attempts is not None:
        env["AWS_MAX_ATTEMPTS"] = str(max_attempts)
    out = ["--output", "json"] if json_output else []
    p = subprocess.run([AWS_CLI, "--endpoint-url", endpoint, *out, *args], env=env, capture_output=True, text=True, timeout=timeout)
    if not ok:
        assert p.returncode != 0, f"aws {' '.join(args)} unexpectedly succeeded: {p.stdout}"
        return p.stderr
    assert p.returncode == 0, f"aws {' '.join(args)} failed: {p.stderr[-2000:]}"
    if not json_output:
        return p.stdout
    return json.loads(p.stdout) if p.stdout.strip() else {}


def admin_api(endpoint, method, path, body=None):
    """A call to the admin API (`/_simfra/…`): (status, JSON answer)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(endpoint + path, data=data, method=method, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            text = r.read()
            return r.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")
