"""What the Lambda tests share: servers started with Lambda's settings (Docker
on with the local runtime images of images/build.sh, or Docker off), IAM
execution roles, and deployment packages built in memory."""

import io
import json
import os
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path

import boto3
import pytest

from conftest import ACCESS_KEY, HEALTH_TIMEOUT_S, REGION, ROOT, SECRET_KEY, client_config, free_port, get_json, server_env, unique

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


class Server:
    """A Simfra server of its own, with extra environment."""

    def __init__(self, extra_env):
        binary = os.environ.get("SIMFRA_BIN") or str(ROOT / "target" / "debug" / "simfra")
        self.port = free_port()
        env = server_env(self.port)
        # Containers reach the gateway through the Docker host, not loopback.
        env["SIMFRA_BIND"] = "0.0.0.0"
        env.update(extra_env)
        self.err = tempfile.NamedTemporaryFile(prefix="simfra-lambda-", suffix=".stderr", delete=False)
        self.proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=self.err)
        self.endpoint = f"http://localhost:{self.port}"
        deadline = time.monotonic() + HEALTH_TIMEOUT_S + 20
        while True:
            try:
                if get_json(self.endpoint + "/_simfra/health", timeout=1).get("status") == "ok":
                    break
            except (OSError, ValueError):
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"simfra did not start; stderr:\n{Path(self.err.name).read_text(errors='replace')[-3000:]}")
            time.sleep(0.05)
        self.session = boto3.session.Session()

    def client(self, service, **config):
        return self.session.client(
            service,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=client_config(**config),
        )

    def stderr(self):
        return Path(self.err.name).read_text(errors="replace")

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


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
