"""The Docker orchestrator and the container control API (`/_internal/…`).

The control API is what containers Simfra runs call back on, with
`Authorization: Bearer $SIMFRA_TOKEN`. The service side of it (registering a
config, reading statuses, sending commands, running containers) is played
through the test hooks a server started with SIMFRA_INTERNAL_TEST_HOOKS=true
answers under `/_internal/test/`.

The Docker tests build a tiny image locally (no registry here): Debian's
static busybox imported with `docker import`. They are skipped when Docker or
busybox-static is absent, except in CI (CI=true), which has both.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import conftest
from conftest import HEALTH_TIMEOUT_S, ROOT, unique
from lambda_support import LOCAL_IMAGES, ensure_images, make_role, zip_of

BUSYBOX = Path("/bin/busybox")
APPLETS = ["sh", "wget", "sed", "cat", "hostname", "sleep", "env", "touch", "test", "httpd", "echo", "printf"]
# Tagged by what goes in, so an image of the same content is imported once.
_CONTENT = hashlib.sha256((BUSYBOX.read_bytes() if BUSYBOX.is_file() else b"") + " ".join(APPLETS).encode()).hexdigest()[:12]
IMAGE = f"simfra-test-busybox:{_CONTENT}"
HEALTHY_IMAGE = f"simfra-test-busybox:{_CONTENT}-healthcheck"


# ---------------------------------------------------------------- servers


class Server(conftest.Server):
    """A Simfra server of a test's own, with the control API's test hooks."""

    def __init__(self, port=None, **env):
        # Containers reach the server through the Docker bridge, not loopback.
        super().__init__({"SIMFRA_BIND": "0.0.0.0", "SIMFRA_INTERNAL_TEST_HOOKS": "true", **env}, port=port)
        # The address the server listens on, whatever `localhost` resolves to first.
        self.endpoint = self.url = f"http://127.0.0.1:{self.port}"
        self.token = self.call("GET", "/_internal/test/token")[1]["token"]

    def stop(self, kill=False):
        code = super().stop(kill=kill, grace=20)
        if self.hung:
            pytest.fail(f"simfra did not stop on SIGTERM; stderr in {self.err.name}")
        return code

    def call(self, method, path, body=None, token=None, headers=None, timeout=30):
        """(status, JSON or None, headers) of a request; `token` adds the bearer header."""
        data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=dict(headers or {}))
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                text = r.read()
                return r.status, (json.loads(text) if text else None), r.headers
        except urllib.error.HTTPError as e:
            text = e.read()
            return e.code, (json.loads(text) if text else None), e.headers

    def control(self, method, path, body=None, **kw):
        """A control API call with this server's token."""
        return self.call(method, path, body, token=self.token, **kw)


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    assert s.stop() in (0, -15), f"simfra exited badly; stderr in {s.err.name}"


# ---------------------------------------------------------------- the token


def test_control_api_wants_the_bearer_token(server):
    status, body, headers = server.call("GET", "/_internal/container/config?name=x")
    assert status == 401
    assert headers["WWW-Authenticate"] == "Bearer"
    assert "SIMFRA_TOKEN" in body["message"]
    status, body, _ = server.call("GET", "/_internal/container/config?name=x", token="0" * 64)
    assert status == 403
    status, _, _ = server.call("POST", "/_internal/container/status", {"name": "x", "status": "ready"}, token="nope")
    assert status == 403
    status, _, _ = server.call("POST", "/_internal/lambda/invoke/f", b"{}")
    assert status == 401
    assert len(server.token) == 64


def test_each_start_has_its_own_token(server):
    other = Server()
    try:
        assert other.token != server.token
        status, _, _ = other.call("GET", "/_internal/container/config?name=x", token=server.token)
        assert status == 403
    finally:
        other.stop()


def test_a_containers_token_speaks_for_that_container_only(server):
    mine, other = unique("mine"), unique("other")
    token = server.call("GET", f"/_internal/test/token?name={mine}")[1]["token"]
    assert token != server.token
    for name in (mine, other):
        server.call("PUT", f"/_internal/test/config?name={name}", {"owner": name})
    assert server.call("GET", f"/_internal/container/config?name={mine}", token=token)[1] == {"owner": mine}
    status, body, _ = server.call("GET", f"/_internal/container/config?name={other}", token=token)
    assert status == 403
    assert body["message"] == f"The bearer token is not the SIMFRA_TOKEN of the container {other}."
    assert server.call("POST", "/_internal/container/status", {"name": mine, "status": "ok"}, token=token)[0] == 200
    assert server.call("POST", "/_internal/container/status", {"name": other, "status": "ok"}, token=token)[0] == 403
    assert server.call("GET", f"/_internal/container/commands?name={other}&wait=0", token=token)[0] == 403
    # A command sent to the other container cannot be answered with this token.
    t, answer = send_command_in_background(server, other, {"op": "x"}, 10000)
    [command] = server.control("GET", f"/_internal/container/commands?name={other}&wait=10")[1]["commands"]
    status, _, _ = server.call("POST", "/_internal/container/command-result", {"id": command["id"], "result": "forged"}, token=token)
    assert status == 403
    other_token = server.call("GET", f"/_internal/test/token?name={other}")[1]["token"]
    status, _, _ = server.call("POST", "/_internal/container/command-result", {"id": command["id"], "result": "real"}, token=other_token)
    assert status == 200
    t.join(15)
    assert answer["response"][1] == {"result": "real"}
    # Invoking as another container is refused too.
    status, body, _ = server.call("POST", "/_internal/lambda/invoke/f", b"{}", token=token, headers={"X-Simfra-Container-Name": other})
    assert status == 403


def test_unknown_endpoints_and_methods(server):
    assert server.control("GET", "/_internal/container/nothing")[0] == 404
    assert server.control("DELETE", "/_internal/container/config?name=x")[0] == 405


# ---------------------------------------------------------------- configs


def test_config_with_etag_and_not_modified(server):
    name = unique("cfg")
    assert server.call("PUT", f"/_internal/test/config?name={name}", {"queue": "q1", "n": 1})[0] == 200
    status, body, headers = server.control("GET", f"/_internal/container/config?name={name}")
    assert status == 200
    assert body == {"queue": "q1", "n": 1}
    etag = headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')

    status, body, headers = server.control("GET", f"/_internal/container/config?name={name}", headers={"If-None-Match": etag})
    assert status == 304
    assert body is None
    assert headers["ETag"] == etag

    # Same document again: same ETag. A changed one: a new ETag and the new document.
    server.call("PUT", f"/_internal/test/config?name={name}", {"queue": "q1", "n": 1})
    assert server.control("GET", f"/_internal/container/config?name={name}", headers={"If-None-Match": etag})[0] == 304
    server.call("PUT", f"/_internal/test/config?name={name}", {"queue": "q2", "n": 2})
    status, body, headers = server.control("GET", f"/_internal/container/config?name={name}", headers={"If-None-Match": etag})
    assert status == 200
    assert body == {"queue": "q2", "n": 2}
    assert headers["ETag"] != etag


def test_config_of_an_unknown_container_is_404(server):
    status, body, _ = server.control("GET", f"/_internal/container/config?name={unique('none')}")
    assert status == 404
    assert "No config is registered" in body["message"]
    status, body, _ = server.control("GET", "/_internal/container/config")
    assert status == 400
    name = unique("gone")
    server.call("PUT", f"/_internal/test/config?name={name}", {"a": 1})
    server.call("DELETE", f"/_internal/test/config?name={name}")
    assert server.control("GET", f"/_internal/container/config?name={name}")[0] == 404


# ---------------------------------------------------------------- statuses


def test_status_reports_reach_the_store(server):
    name = unique("st")
    assert server.call("GET", f"/_internal/test/status?name={name}")[0] == 404
    doc = {"name": name, "status": "starting", "detail": {"step": 1}}
    assert server.control("POST", "/_internal/container/status", doc)[0] == 200
    status, body, _ = server.call("GET", f"/_internal/test/status?name={name}")
    assert status == 200
    assert body["status"] == "starting"
    assert body["document"] == doc
    first = body["sequence"]
    server.control("POST", "/_internal/container/status", {"name": name, "status": "ready"})
    body = server.call("GET", f"/_internal/test/status?name={name}")[1]
    assert body["status"] == "ready" and body["sequence"] > first


def test_bad_status_documents_are_400(server):
    status, body, _ = server.control("POST", "/_internal/container/status", {"status": "ready"})
    assert status == 400 and '"name"' in body["message"]
    status, body, _ = server.control("POST", "/_internal/container/status", {"name": "x"})
    assert status == 400 and '"status"' in body["message"]
    status, body, _ = server.control("POST", "/_internal/container/status", b"not json")
    assert status == 400 and "not JSON" in body["message"]


# ---------------------------------------------------------------- commands


def send_command_in_background(server, name, command, timeout_ms):
    answer = {}

    def send():
        answer["response"] = server.call("POST", f"/_internal/test/command?name={name}&timeout_ms={timeout_ms}", command)

    t = threading.Thread(target=send)
    t.start()
    return t, answer


def test_command_round_trip(server):
    name = unique("cmd")
    t, answer = send_command_in_background(server, name, {"op": "flush", "db": 3}, 10000)
    status, body, _ = server.control("GET", f"/_internal/container/commands?name={name}&wait=10")
    assert status == 200
    [command] = body["commands"]
    assert command["command"] == {"op": "flush", "db": 3}
    status, _, _ = server.control("POST", "/_internal/container/command-result", {"id": command["id"], "result": {"flushed": 42}})
    assert status == 200
    t.join(15)
    status, body, _ = answer["response"]
    assert status == 200
    assert body == {"result": {"flushed": 42}}
    # Answered once: a second result for it finds nobody waiting.
    status, body, _ = server.control("POST", "/_internal/container/command-result", {"id": command["id"], "result": {}})
    assert status == 404


def test_command_poll_waits_for_a_command(server):
    name = unique("cmd")
    polled = {}

    def poll():
        polled["response"] = server.control("GET", f"/_internal/container/commands?name={name}&wait=10")

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.5)
    t, answer = send_command_in_background(server, name, {"op": "late"}, 10000)
    poller.join(15)
    status, body, _ = polled["response"]
    assert status == 200 and body["commands"][0]["command"] == {"op": "late"}
    server.control("POST", "/_internal/container/command-result", {"id": body["commands"][0]["id"], "result": "ok"})
    t.join(15)
    assert answer["response"][1] == {"result": "ok"}


def test_command_times_out_when_unanswered(server):
    name = unique("cmd")
    start = time.monotonic()
    status, body, _ = server.call("POST", f"/_internal/test/command?name={name}&timeout_ms=400", {"op": "x"})
    assert status == 504
    assert f"container {name} did not answer the command within 0.4 seconds" == body["message"]
    assert time.monotonic() - start >= 0.35
    # The unanswered command was withdrawn: a poll now finds nothing.
    status, body, _ = server.control("GET", f"/_internal/container/commands?name={name}&wait=0.3")
    assert status == 200 and body == {"commands": []}


def test_result_after_the_timeout_is_refused(server):
    name = unique("cmd")
    t, answer = send_command_in_background(server, name, {"op": "slow"}, 500)
    body = server.control("GET", f"/_internal/container/commands?name={name}&wait=10")[1]
    t.join(10)
    assert answer["response"][0] == 504
    status, body, _ = server.control("POST", "/_internal/container/command-result", {"id": body["commands"][0]["id"], "result": 1})
    assert status == 404
    assert "timed out" in body["message"]


def test_empty_poll_answers_after_its_wait(server):
    start = time.monotonic()
    status, body, _ = server.control("GET", f"/_internal/container/commands?name={unique('idle')}&wait=0.5")
    assert status == 200 and body == {"commands": []}
    assert time.monotonic() - start >= 0.45
    assert server.control("GET", "/_internal/container/commands?name=x&wait=soon")[0] == 400


# ---------------------------------------------------------------- Docker


def docker(*args, check=True):
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=check, timeout=120)


def docker_or_skip():
    """Skips without Docker or a static busybox, except in CI, where both must be there."""
    ci = os.environ.get("CI") == "true"
    problem = None
    if shutil.which("docker") is None:
        problem = "no docker CLI"
    elif docker("info", check=False).returncode != 0:
        problem = "the Docker engine does not answer"
    elif not BUSYBOX.is_file() or b"/lib64/ld-linux" in BUSYBOX.read_bytes()[:4096]:
        problem = "no static busybox (apt-get install busybox-static)"
    if problem:
        if ci:
            pytest.fail(f"CI runs the Docker tests: {problem}")
        pytest.skip(problem)


@pytest.fixture(scope="module")
def images():
    """The test images, built here from busybox-static: plain, and one with a HEALTHCHECK."""
    docker_or_skip()
    if docker("image", "inspect", IMAGE, HEALTHY_IMAGE, check=False).returncode == 0:
        return IMAGE
    with tempfile.TemporaryDirectory() as d:
        rootfs = Path(d) / "rootfs.tar"
        with tarfile.open(rootfs, "w") as tar:
            tar.add(str(BUSYBOX), arcname="bin/busybox")
            for applet in APPLETS:
                link = tarfile.TarInfo(f"bin/{applet}")
                link.type = tarfile.SYMTYPE
                link.linkname = "busybox"
                tar.addfile(link)
            tmp = tarfile.TarInfo("tmp")
            tmp.type = tarfile.DIRTYPE
            tmp.mode = 0o1777
            tar.addfile(tmp)
        docker("import", "--change", "ENV PATH=/bin", str(rootfs), IMAGE)
        (Path(d) / "Dockerfile").write_text(
            f"FROM {IMAGE}\nHEALTHCHECK --interval=1s --timeout=2s --retries=30 CMD [\"/bin/test\", \"-f\", \"/tmp/ready\"]\n"
        )
        docker("build", "-q", "-t", HEALTHY_IMAGE, d)
    return IMAGE


def run(server, **spec):
    spec.setdefault("image", IMAGE)
    spec.setdefault("service", "test")
    spec.setdefault("owner_resource", "arn:aws:test:us-east-1:000000000000:probe/p")
    return server.call("POST", "/_internal/test/run", spec, timeout=60)


def inspect(container):
    return json.loads(docker("inspect", container).stdout)[0]


def managed_containers(*filters):
    args = ["ps", "-a", "-q", "--no-trunc", "--filter", "label=simfra.managed=true"]
    for f in filters:
        args += ["--filter", f"label={f}"]
    return set(docker(*args).stdout.split())


PROBE_SCRIPT = r"""
auth="Authorization: Bearer $SIMFRA_TOKEN"
api="$SIMFRA_ENDPOINT/_internal/container"
cfg=$(wget -q -O - --header "$auth" "$api/config?name=$SIMFRA_CONTAINER_NAME") || cfg=null
wget -q -O /dev/null --header "$auth" --header "Content-Type: application/json" \
  --post-data "{\"name\":\"$SIMFRA_CONTAINER_NAME\",\"status\":\"ready\",\"config\":$cfg,\"file\":\"$(cat /opt/probe/greeting.txt)\",\"env\":\"$PROBE_ENV\"}" \
  "$api/status"
while true; do
  cmds=$(wget -q -O - --header "$auth" "$api/commands?name=$SIMFRA_CONTAINER_NAME&wait=5") || sleep 1
  id=$(echo "$cmds" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
  if [ -n "$id" ]; then
    wget -q -O /dev/null --header "$auth" --header "Content-Type: application/json" \
      --post-data "{\"id\":\"$id\",\"result\":{\"answered_by\":\"$SIMFRA_CONTAINER_NAME\"}}" "$api/command-result"
  fi
done
"""


def run_probe(server, name, greeting, **spec):
    """Runs PROBE_SCRIPT in a container named after `name`, with `greeting`
    as its file /opt/probe/greeting.txt: (status, body, headers)."""
    files = [
        {"path": "/opt/probe/run.sh", "content": PROBE_SCRIPT, "mode": 0o755},
        {"path": "/opt/probe/greeting.txt", "content": greeting, "mode": 0o644},
    ]
    return run(server, name=name, cmd=["/bin/sh", "/opt/probe/run.sh"], files=files, **spec)


def wait_for_status(server, name, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status, body, _ = server.call("GET", f"/_internal/test/status?name={name}")
        if status == 200:
            return body
        time.sleep(0.2)
    return None


def test_container_reaches_simfra_through_the_control_api(server, images):
    name = unique("probe")
    container_name = f"simfra-{name}"
    server.call("PUT", f"/_internal/test/config?name={container_name}", {"greeting": "hello"})
    status, body, _ = run_probe(server, name, "from-a-file", env={"PROBE_ENV": "from-env"}, labels={"test.label": "yes"}, memory_mb=64)
    assert status == 200, body
    assert body["name"] == container_name
    assert body["ip"]
    try:
        # The container read its config over simfra.local with the token and reported back.
        reported = wait_for_status(server, container_name)
        assert reported, f"no status from the container; logs: {server.call('GET', '/_internal/test/logs?id=' + body['id'])[1]}"
        assert reported["document"]["config"] == {"greeting": "hello"}
        assert reported["document"]["file"] == "from-a-file"
        assert reported["document"]["env"] == "from-env"
        # A synchronous command to the container and its answer.
        status, answer, _ = server.call("POST", f"/_internal/test/command?name={container_name}&timeout_ms=15000", {"op": "ping"})
        assert status == 200, answer
        assert answer == {"result": {"answered_by": container_name}}

        info = inspect(body["id"])
        labels = info["Config"]["Labels"]
        docker_info = server.call("GET", "/_internal/test/docker")[1]
        assert labels["simfra.managed"] == "true"
        assert labels["simfra.instance"] == docker_info["instance"]
        assert labels["simfra.service"] == "test"
        assert labels["simfra.resource"] == "arn:aws:test:us-east-1:000000000000:probe/p"
        assert labels["test.label"] == "yes"
        env = dict(e.split("=", 1) for e in info["Config"]["Env"])
        assert env["SIMFRA_ENDPOINT"] == f"http://simfra.local:{server.port}"
        assert env["SIMFRA_TOKEN"] == server.call("GET", f"/_internal/test/token?name={container_name}")[1]["token"]
        assert env["SIMFRA_TOKEN"] != server.token
        assert env["SIMFRA_CONTAINER_NAME"] == container_name
        assert "simfra.local:host-gateway" in info["HostConfig"]["ExtraHosts"]
        assert info["HostConfig"]["Memory"] == 64 * 1024 * 1024
        assert list(info["NetworkSettings"]["Networks"]) == ["simfra"]
        assert body["id"] in managed_containers(f"simfra.instance={docker_info['instance']}")
    finally:
        assert server.call("POST", f"/_internal/test/remove?id={body['id']}")[0] == 200
    assert docker("inspect", body["id"], check=False).returncode != 0
    # Removing a container drops what the control API kept for it.
    assert server.call("GET", f"/_internal/test/status?name={container_name}")[0] == 404


def test_loopback_bound_server_is_reached_through_the_bridge(images):
    """A server bound to 127.0.0.1 (as the shared test server is) also listens on the
    Docker bridge's gateway, so its containers still reach simfra.local."""
    s = Server(SIMFRA_BIND="127.0.0.1")
    try:
        assert "for containers" in s.stderr()
        name = unique("loop")
        s.call("PUT", f"/_internal/test/config?name=simfra-{name}", {"via": "bridge"})
        status, body, _ = run_probe(s, name, "hi")
        assert status == 200, body
        reported = wait_for_status(s, f"simfra-{name}")
        assert reported and reported["document"]["config"] == {"via": "bridge"}
    finally:
        s.stop()


def test_logs_stop_and_running(server, images):
    script = "echo out-line; echo err-line >&2; sleep 2; echo later-line; exec sleep 300"
    status, body, _ = run(server, name=unique("logs"), cmd=["/bin/sh", "-c", script])
    assert status == 200, body
    cid = body["id"]
    try:
        assert server.call("GET", f"/_internal/test/running?id={cid}")[1] == {"running": True}
        assert server.call("GET", f"/_internal/test/exit-code?id={cid}")[1] == {"exit_code": None}
        deadline = time.monotonic() + 10
        logs = ""
        while "err-line" not in logs and time.monotonic() < deadline:
            logs = server.call("GET", f"/_internal/test/logs?id={cid}&tail=10")[1]["logs"]
            time.sleep(0.2)
        assert "out-line" in logs and "err-line" in logs
        # Output since a moment: the line written after it, without Docker's timestamps.
        moment_ms = int(time.time() * 1000)
        deadline = time.monotonic() + 10
        while "later-line" not in logs and time.monotonic() < deadline:
            logs = server.call("GET", f"/_internal/test/logs-since?id={cid}&since_ms={moment_ms}")[1]["logs"]
            time.sleep(0.2)
        assert logs == "later-line\n"
        assert server.call("POST", f"/_internal/test/stop?id={cid}")[0] == 200
        assert server.call("GET", f"/_internal/test/running?id={cid}")[1] == {"running": False}
        # As PID 1 sleep has no SIGTERM handler, so the kernel ignores the signal: SIGKILL
        # after the stop timeout ends it (128 + 9).
        assert server.call("GET", f"/_internal/test/exit-code?id={cid}")[1] == {"exit_code": 137}
        # Stopping a stopped container is fine.
        assert server.call("POST", f"/_internal/test/stop?id={cid}")[0] == 200
    finally:
        server.call("POST", f"/_internal/test/remove?id={cid}")
    assert server.call("GET", f"/_internal/test/running?id={cid}")[1] == {"running": False}


def test_published_ports(server, images):
    status, body, _ = run(
        server,
        name=unique("web"),
        cmd=["/bin/httpd", "-f", "-p", "8080", "-h", "/www"],
        files=[{"path": "/www/index.html", "content": "served-from-the-container", "mode": 0o644}],
        exposed_tcp_ports=[8080],
    )
    assert status == 200, body
    try:
        [[container_port, host_port]] = body["ports"]
        assert container_port == 8080 and host_port > 0
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{host_port}/index.html", timeout=2) as r:
                    assert r.read() == b"served-from-the-container"
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
    finally:
        server.call("POST", f"/_internal/test/remove?id={body['id']}")


def test_health_wait(server, images):
    name = unique("healthy")
    start = time.monotonic()
    status, body, _ = run(
        server, name=name, image=HEALTHY_IMAGE, cmd=["/bin/sh", "-c", "sleep 2; touch /tmp/ready; exec sleep 300"], health_timeout_s=30
    )
    assert status == 200, body
    try:
        assert time.monotonic() - start >= 2
        assert inspect(body["id"])["State"]["Health"]["Status"] == "healthy"
    finally:
        server.call("POST", f"/_internal/test/remove?id={body['id']}")


def test_health_wait_reports_an_exit(server, images):
    name = unique("dies")
    status, body, _ = run(server, name=name, image=HEALTHY_IMAGE, cmd=["/bin/sh", "-c", "echo cannot start; exit 3"], health_timeout_s=30)
    assert status == 502
    assert body["kind"] == "Unhealthy"
    assert body["message"].startswith(f"The container simfra-{name} exited with code 3 before it was healthy.")
    assert "cannot start" in body["message"]
    # A container that failed to start is not left behind.
    assert docker("inspect", f"simfra-{name}", check=False).returncode != 0


def test_health_wait_times_out(server, images):
    name = unique("slow")
    status, body, _ = run(server, name=name, image=HEALTHY_IMAGE, cmd=["/bin/sleep", "300"], health_timeout_s=2)
    assert status == 502
    assert body["kind"] == "Timeout"
    assert body["message"] == f"The container simfra-{name} was not healthy within 2 seconds."
    assert docker("inspect", f"simfra-{name}", check=False).returncode != 0


def test_missing_image_is_reported_truthfully(server, images):
    status, body, _ = server.call("POST", "/_internal/test/ensure-image?image=simfra-test/absent:1")
    assert status == 502
    assert body["message"].startswith("The image simfra-test/absent:1 is not available locally and could not be pulled: ")
    assert server.call("POST", f"/_internal/test/ensure-image?image={IMAGE}")[0] == 200
    status, body, _ = run(server, name=unique("noimage"), image="simfra-test/absent:1", cmd=["/bin/true"])
    assert status == 502
    assert body["kind"] == "ImageUnavailable"
    assert body["message"].startswith("The image simfra-test/absent:1 is not available locally")


def test_an_unknown_network_is_not_an_image_problem(server, images):
    status, body, _ = run(server, name=unique("nonet"), network="simfra-test-no-such-network", cmd=["/bin/true"])
    assert status == 502
    assert body["kind"] == "NotFound"
    assert "simfra-test-no-such-network not found" in body["message"]


def test_duplicate_names_conflict(server, images):
    name = unique("dup")
    status, body, _ = run(server, name=name, cmd=["/bin/sleep", "300"])
    assert status == 200
    try:
        status, again, _ = run(server, name=name, cmd=["/bin/sleep", "300"])
        assert status == 502 and again["kind"] == "Conflict"
        # The first container is untouched by the failed second one.
        assert server.call("GET", f"/_internal/test/running?id={body['id']}")[1] == {"running": True}
    finally:
        server.call("POST", f"/_internal/test/remove?id={body['id']}")


# ---------------------------------------------------------------- cleanup


def test_containers_are_removed_on_shutdown(images):
    s = Server()
    instance = s.call("GET", "/_internal/test/docker")[1]["instance"]
    for _ in range(2):
        assert run(s, name=unique("bye"), cmd=["/bin/sleep", "300"])[0] == 200
    assert len(managed_containers(f"simfra.instance={instance}")) == 2
    assert s.stop() in (0, -15)
    assert managed_containers(f"simfra.instance={instance}") == set()


def test_cleanup_on_shutdown_can_be_turned_off(images):
    s = Server(SIMFRA_DOCKER_CLEANUP_ON_SHUTDOWN="false")
    instance = s.call("GET", "/_internal/test/docker")[1]["instance"]
    assert run(s, name=unique("kept"), cmd=["/bin/sleep", "300"])[0] == 200
    s.stop()
    left = managed_containers(f"simfra.instance={instance}")
    assert len(left) == 1
    docker("rm", "-f", *left)


def test_stale_containers_are_removed_on_start_but_not_a_live_servers(server, images):
    # A live server's container (the module's server, still running) must survive.
    status, live, _ = run(server, name=unique("live"), cmd=["/bin/sleep", "300"])
    assert status == 200
    # A server that dies without cleaning up leaves its containers behind.
    dead = Server()
    dead_instance = dead.call("GET", "/_internal/test/docker")[1]["instance"]
    assert run(dead, name=unique("stale"), cmd=["/bin/sleep", "300"])[0] == 200
    dead.stop(kill=True)
    assert len(managed_containers(f"simfra.instance={dead_instance}")) == 1
    try:
        # The next server on that port removes them at start.
        successor = Server(port=dead.port)
        try:
            assert managed_containers(f"simfra.instance={dead_instance}") == set()
            assert server.call("GET", f"/_internal/test/running?id={live['id']}")[1] == {"running": True}
        finally:
            successor.stop()
    finally:
        server.call("POST", f"/_internal/test/remove?id={live['id']}")
        leftovers = managed_containers(f"simfra.instance={dead_instance}")
        if leftovers:
            docker("rm", "-f", *leftovers)


def test_stale_cleanup_on_start_can_be_turned_off(images):
    dead = Server()
    dead_instance = dead.call("GET", "/_internal/test/docker")[1]["instance"]
    assert run(dead, name=unique("stale"), cmd=["/bin/sleep", "300"])[0] == 200
    dead.stop(kill=True)
    successor = Server(port=dead.port, SIMFRA_DOCKER_CLEANUP_ON_START="false")
    try:
        assert len(managed_containers(f"simfra.instance={dead_instance}")) == 1
    finally:
        successor.stop()
        leftovers = managed_containers(f"simfra.instance={dead_instance}")
        if leftovers:
            docker("rm", "-f", *leftovers)


def test_docker_off_means_no_orchestrator():
    s = Server(SIMFRA_DOCKER="false")
    try:
        assert s.call("GET", "/_internal/test/docker")[1] == {"enabled": False}
        status, body, _ = s.call("POST", "/_internal/test/run", {"name": "x", "image": IMAGE})
        assert status == 503 and body["message"] == "Docker is off or unreachable."
        # The control API itself does not need Docker.
        assert s.control("GET", "/_internal/container/config?name=x")[0] == 404
        assert "Docker off (SIMFRA_DOCKER=false)" in s.stderr()
    finally:
        s.stop()


def test_no_engine_means_no_orchestrator_and_a_quick_start(tmp_path):
    started = time.monotonic()
    s = Server(DOCKER_HOST=f"unix://{tmp_path}/absent.sock", SIMFRA_DOCKER="true")
    try:
        assert time.monotonic() - started < 5
        assert s.call("GET", "/_internal/test/docker")[1] == {"enabled": False}
        assert "SIMFRA_DOCKER=true but Docker is unreachable" in s.stderr()
    finally:
        s.stop()


def test_an_engine_that_never_answers_is_given_up_on(tmp_path):
    """A socket that accepts and stays silent: the start-up ping gives up after 2 s."""
    import socket

    path = str(tmp_path / "silent.sock")
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.bind(path)
    silent.listen(16)
    try:
        started = time.monotonic()
        s = Server(DOCKER_HOST=f"unix://{path}")
        try:
            assert time.monotonic() - started < 8
            assert s.call("GET", "/_internal/test/docker")[1] == {"enabled": False}
            assert "no Docker engine (no answer within 2 s)" in s.stderr()
        finally:
            s.stop()
    finally:
        silent.close()


# ---------------------------------------------------------------- invoking Lambda from a container

INVOKE_SCRIPT = r"""
out=$(wget -q -O - --header "Authorization: Bearer $SIMFRA_TOKEN" --header "X-Simfra-Container-Name: $SIMFRA_CONTAINER_NAME" \
  --post-data '{"n": 7}' "$SIMFRA_ENDPOINT/_internal/lambda/invoke/$FUNCTION" 2>&1) && answer="{\"ok\":true,\"body\":$out}" \
  || answer="{\"ok\":false,\"error\":\"$(echo $out | sed 's/"//g')\"}"
wget -q -O /dev/null --header "Authorization: Bearer $SIMFRA_TOKEN" --header "Content-Type: application/json" \
  --post-data "{\"name\":\"$SIMFRA_CONTAINER_NAME\",\"status\":\"done\",\"answer\":$answer}" "$SIMFRA_ENDPOINT/_internal/container/status"
exec sleep 300
"""


def invoke_from_a_container(s, function, owner):
    name = unique("caller")
    status, body, _ = run(
        s,
        name=name,
        service="elasticloadbalancing",
        owner_resource=owner,
        env={"FUNCTION": function},
        cmd=["/bin/sh", "/opt/caller.sh"],
        files=[{"path": "/opt/caller.sh", "content": INVOKE_SCRIPT, "mode": 0o755}],
    )
    assert status == 200, body
    try:
        reported = wait_for_status(s, f"simfra-{name}", timeout=90)
        assert reported, s.call("GET", f"/_internal/test/logs?id={body['id']}")[1]
        return reported["document"]["answer"]
    finally:
        s.call("POST", f"/_internal/test/remove?id={body['id']}")


def test_a_container_invokes_lambda_as_its_owner_by_the_resource_policy(images):
    """The invoke endpoint names the container's owner to Lambda, which lets it in
    only by the function's resource policy (service principal and source ARN)."""
    ensure_images()
    s = Server(**LOCAL_IMAGES)
    try:
        lam = s.client("lambda")
        role = make_role(s.client("iam"))
        function = unique("fn")
        lam.create_function(
            FunctionName=function, Runtime="python3.11", Role=role, Handler="app.handler",
            Code={"ZipFile": zip_of({"app.py": "def handler(event, context):\n    return {'doubled': event['n'] * 2}\n"})},
        )
        owner = "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/tg/0123456789abcdef"

        answer = invoke_from_a_container(s, function, owner)
        assert answer["ok"] is False and "403" in answer["error"]

        # Another source ARN is not enough.
        lam.add_permission(
            FunctionName=function, StatementId="other-tg", Action="lambda:InvokeFunction",
            Principal="elasticloadbalancing.amazonaws.com", SourceArn=owner.replace("0123456789abcdef", "fedcba9876543210"),
        )
        answer = invoke_from_a_container(s, function, owner)
        assert answer["ok"] is False and "403" in answer["error"]

        lam.add_permission(
            FunctionName=function, StatementId="this-tg", Action="lambda:InvokeFunction",
            Principal="elasticloadbalancing.amazonaws.com", SourceArn=owner,
        )
        answer = invoke_from_a_container(s, function, owner)
        assert answer == {"ok": True, "body": {"doubled": 14}}
    finally:
        s.stop()


# ---------------------------------------------------------------- Simfra in a container


class ContainerizedServer(Server):
    """Simfra itself in a container of the same engine (the socket mounted in), published on a random port."""

    def __init__(self):
        binary = Path(os.environ.get("SIMFRA_BIN") or ROOT / "target" / "debug" / "simfra").resolve()
        self.name = unique("simfra-in-docker")
        docker(
            "run", "-d", "--name", self.name, "-v", "/var/run/docker.sock:/var/run/docker.sock",
            "-v", f"{binary}:/usr/local/bin/simfra:ro", "-e", "SIMFRA_INTERNAL_TEST_HOOKS=true",
            "-p", "127.0.0.1::4599", "simfra/lambda-base:bookworm", "/usr/local/bin/simfra",
        )
        self.port = int(docker("port", self.name, "4599/tcp").stdout.split(":")[-1])
        self.url = f"http://127.0.0.1:{self.port}"
        if not conftest.wait_healthy(self.url, HEALTH_TIMEOUT_S, interval=0.1):
            logs = docker("logs", self.name, check=False)
            docker("rm", "-f", self.name, check=False)
            pytest.fail(f"simfra did not start in its container: {logs.stdout[-1000:]} {logs.stderr[-2000:]}")
        self.token = self.call("GET", "/_internal/test/token")[1]["token"]

    def stderr(self):
        return docker("logs", self.name, check=False).stderr

    def stop(self, kill=False):
        docker("kill" if kill else "stop", self.name, check=False)

    def remove(self):
        docker("rm", "-f", self.name, check=False)


def test_simfra_in_a_container_is_reached_on_the_network(images):
    """Simfra running in a container joins its network and points simfra.local at itself there."""
    ensure_images()
    s = ContainerizedServer()
    try:
        instance = s.call("GET", "/_internal/test/docker")[1]["instance"]
        simfra_ip = inspect(s.name)["NetworkSettings"]["Networks"]["simfra"]["IPAddress"]
        name = unique("probe")
        s.call("PUT", f"/_internal/test/config?name=simfra-{name}", {"from": "inside"})
        status, body, _ = run_probe(s, name, "hi")
        assert status == 200, body
        assert inspect(body["id"])["HostConfig"]["ExtraHosts"] == [f"simfra.local:{simfra_ip}"]
        reported = wait_for_status(s, f"simfra-{name}")
        assert reported and reported["document"]["config"] == {"from": "inside"}
        # `docker stop` is SIGTERM to Simfra, which removes its containers before it exits.
        s.stop()
        assert managed_containers(f"simfra.instance={instance}") == set()
    finally:
        s.remove()
