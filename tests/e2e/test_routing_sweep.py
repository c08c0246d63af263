"""The routing sweep: every operation botocore knows for Simfra's 88 services,
sent by boto3 with minimal valid parameters (sampler.py), must reach the right
service and operation as the server's request log shows it, must not answer
"unknown operation", a stray 404 or a 5xx other than 501, and its answer must
parse in botocore.

Operations botocore has but Simfra's pinned models do not (botocore is newer)
cannot route to themselves; they must still be answered cleanly by the right
service. The figure printed at the end, `ROUTING SWEEP: routed N/M operations`,
counts the operations of Simfra's models (M) that routed to themselves (N)."""

import base64
import json
import re
import struct
import zlib
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import botocore.exceptions
import botocore.session
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import create_request_object, prepare_request_dict
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.serialize import create_serializer

from conftest import ACCESS_KEY, REGION, ROOT, SECRET_KEY, SUMMARY_LINES, Server, botocore_name, get_json, modeled_errors
from sampler import Sampler

# (service, operation) → why it cannot be swept. Keep it empty unless truly
# justified; an entry that starts routing fails the sweep as stale.
EXCLUSIONS: dict = {}

# Error codes that refuse a request's signature or credentials.
SIGNATURE_REFUSALS = {
    "SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature", "IncompleteSignatureException",
    "InvalidClientTokenId", "UnrecognizedClientException", "MissingAuthenticationToken",
    "MissingAuthenticationTokenException", "AuthFailure", "InvalidAccessKeyId", "AuthorizationHeaderMalformed",
}
# Error codes that say the server did not recognise the operation.
UNROUTED_CODES = {"UnknownOperationException", "UnknownOperation", "InvalidAction"}
# A routed operation may answer 404 for a resource that does not exist
# (S3 Access Grants says so as `AccessGrantsInstanceNotExistsError`).
NOT_FOUND_CODE = re.compile(r"NotFound|NoSuch|DoesNotExist|NotExists|NonExistent")

# Categories that fail the sweep.
PROBLEMS = (
    "not-sent", "misrouted", "unrouted", "404", "5xx", "unparsable", "undecodable", "auth-rejected",
    "stale-exclusion", "not-in-botocore",
)


@pytest.fixture(scope="module")
def services(simfra_endpoint):
    return get_json(simfra_endpoint + "/_simfra/services")["services"]


def test_every_service_maps_to_its_botocore_model(services):
    session = botocore.session.get_session()
    available = set(session.get_available_services())
    wrong = []
    for s in services:
        name = botocore_name(s["name"])
        if name not in available:
            wrong.append(f"{s['name']}: botocore has no {name}")
            continue
        model = session.get_service_model(name)
        theirs = (model.metadata.get("serviceId"), model.api_version, model.signing_name)
        ours = (s["sdk_id"], s["version"], s["signing_name"])
        if theirs != ours:
            wrong.append(f"{s['name']} → {name}: botocore {theirs}, Simfra {ours}")
    assert not wrong, wrong
    # The server serves exactly the pinned models' services.
    pinned = [line.split("\t")[0] for line in (ROOT / "models" / "pins.tsv").read_text().splitlines() if line and not line.startswith("#")]
    assert sorted(s["name"] for s in services) == sorted(pinned)
    assert len(pinned) == 88


class Sweep:
    """Sends operations and judges them by the newest request-log entry."""

    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.session = botocore.session.get_session()
        self.results = []  # (service, operation, category, detail)

    def log_tail(self):
        entries = get_json(self.endpoint + "/_simfra/debug/requests")["requests"]
        return entries[-1] if entries else None

    def client(self, boto_name):
        return self.session.create_client(
            boto_name,
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(
                parameter_validation=False,
                inject_host_prefix=False,
                retries={"max_attempts": 1, "mode": "standard"},
                connect_timeout=5,
                read_timeout=20,
            ),
        )

    def service(self, simfra):
        client = self.client(botocore_name(simfra["name"]))
        model = client.meta.service_model
        sampler = Sampler(model)
        ours = set(simfra["operation_names"])
        for op in sorted(ours - set(model.operation_names)):
            self.results.append((simfra["name"], op, "not-in-botocore", "botocore's model has no such operation", False))
        for op in model.operation_names:
            self.operation(client, sampler, simfra["name"], op, op in ours)
        client.close()

    def operation(self, client, sampler, service, op, known):
        params = sampler.params(client.meta.service_model.operation_model(op))
        before = self.log_tail()
        error = None  # a failure that is not a modeled error answer
        message = ""
        method = getattr(client, botocore.xform_name(op), None)
        try:
            if method is None:
                # botocore models operations it cannot call (input event
                # streams): serialize and sign with its own parts instead.
                self.send_raw(client.meta.service_model, op, params)
                response = None
            else:
                response = method(**params)
            body = response.get("Body") if isinstance(response, dict) else None
            if hasattr(body, "close"):
                body.close()
        except botocore.exceptions.ClientError as e:
            message = e.response.get("Error", {}).get("Message", "")
        except Exception as e:  # noqa: BLE001 - anything else is a finding
            error = f"{type(e).__name__}: {e}"
        entry = self.log_tail()
        if entry is None or (before is not None and entry["request_id"] == before["request_id"]):
            entry = None
            category, detail = "not-sent", error or "no request reached the server"
        else:
            category, detail = self.judge(service, op, known, entry, error, message, modeled_errors(client, op))
        # Routed: the server named this service and operation, whatever it answered.
        routed = entry is not None and (entry["service"], entry["operation"]) == (service, op)
        if (service, op) in EXCLUSIONS:
            reason = EXCLUSIONS[(service, op)]
            category = "stale-exclusion" if category == "ok" else "excluded"
            detail = f"{detail} (excluded: {reason})"
        self.results.append((service, op, category, detail, routed))

    def send_raw(self, model, op, params):
        op_model = model.operation_model(op)
        request = create_serializer(model.resolved_protocol, include_validation=False).serialize_to_request(
            params, op_model
        )
        stream = op_model.get_event_stream_input()
        if stream is not None:
            request["body"] = one_event(stream, Sampler(model))
            request["headers"]["Content-Type"] = "application/vnd.amazon.eventstream"
        prepare_request_dict(request, endpoint_url=self.endpoint)
        request = create_request_object(request)
        SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), model.signing_name, REGION).add_auth(request)
        prepared = request.prepare()
        raw = urllib.request.Request(prepared.url, data=prepared.body, headers=dict(prepared.headers), method=prepared.method)
        try:
            with urllib.request.urlopen(raw, timeout=20) as r:
                r.read()
        except urllib.error.HTTPError as e:
            e.read()  # an error answer is judged from the request log

    @staticmethod
    def judge(service, op, known, entry, error, message, modeled=frozenset()):
        status, code = entry["status"], entry.get("error_code")
        seen = f"{entry['service']}.{entry['operation']} {entry['method']} {entry['path'][:80]} → {status} {code or ''}"
        if message:
            seen += f": {message[:160]}"
        # Operations newer than the pinned model may come back from no service
        # in particular: services sharing a signing name (apigateway and
        # apigatewayv2, es and opensearch) cannot tell whose unknown path it is.
        if entry["service"] != service and (known or entry["service"] is not None):
            return "misrouted", seen
        if status >= 500 and status != 501:
            return "5xx", seen
        if error:
            return "unparsable", f"{seen} — {error[:200]}"
        if not known:
            # A clean "unknown operation", or an operation sharing its wire form.
            if entry["operation"] is None and 400 <= status < 500:
                return "newer-unknown", seen
            return "newer-aliased", seen
        if entry["operation"] is None or code in UNROUTED_CODES:
            return "unrouted", seen
        if entry["operation"] != op:
            return "misrouted", seen
        # 404 is a stray unless it says "not found" or is a modeled error of
        # the operation (Organizations' AWSOrganizationsNotInUseException …).
        if status == 404 and not NOT_FOUND_CODE.search(code or "") and code not in modeled:
            return "404", seen
        if status in (401, 403) and code in SIGNATURE_REFUSALS:
            # The key is the account's root key, so a refusal of the signature
            # means the server could not verify an SDK's signature, or wants
            # one botocore does not send. (Other 403s are AWS's own answers,
            # e.g. "Roles may not be assumed by root accounts".)
            return "auth-rejected", seen
        if code == "SerializationException" or status == 415:
            # botocore serialized it, so the server failed to read an SDK's request.
            return "undecodable", seen
        return "ok", f"{status} {code or ''}"


def event_message(headers, payload):
    """One message of the AWS event stream encoding: lengths and CRCs around
    string-valued headers and the payload."""
    encoded = b""
    for name, value in headers.items():
        n, v = name.encode(), value.encode()
        encoded += struct.pack(">B", len(n)) + n + struct.pack(">BH", 7, len(v)) + v  # 7: string
    prelude = struct.pack(">II", 16 + len(encoded) + len(payload), len(encoded))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + encoded + payload
    return message + struct.pack(">I", zlib.crc32(message))


def one_event(stream_shape, sampler):
    """An input event stream holding one event of the union's first kind, its
    members as a JSON payload (the only protocol with input streams here is
    restJson1)."""
    kind, shape = next(iter(stream_shape.members.items()))
    value = sampler.value(shape, kind, 2) or {}
    payload = json.dumps(
        {k: base64.b64encode(v).decode() if isinstance(v, bytes) else v for k, v in value.items()}, default=str
    ).encode()
    headers = {":message-type": "event", ":event-type": kind, ":content-type": "application/json"}
    return event_message(headers, payload)


@pytest.fixture(scope="module")
def sweep_endpoint():
    """A server of the sweep's own: it calls every operation with made-up
    input, which leaves state (an account-wide Block Public Access, policies,
    settings) that the other tests' shared server must not inherit."""
    server = Server()
    yield server.endpoint
    server.stop()


def test_every_operation_is_routed(sweep_endpoint, services):
    sweep = Sweep(sweep_endpoint)
    try:
        for simfra in services:
            sweep.service(simfra)
    except Exception as e:
        # E.g. the server died: still leave a figure for tests/run.sh's summary.
        last = sweep.results[-1][:2] if sweep.results else None
        SUMMARY_LINES.append(f"ROUTING SWEEP: aborted after {len(sweep.results)} operations (last {last}): {e!r}")
        raise
    results = sweep.results

    categories = Counter(r[2] for r in results)
    known = [r for r in results if not r[2].startswith("newer-")]
    routed = sum(1 for r in known if r[4])
    statuses = Counter(r[3].split()[0] for r in results if r[2] == "ok")
    SUMMARY_LINES.append(
        f"ROUTING SWEEP: routed {routed}/{len(known)} operations "
        f"(botocore {botocore.__version__}; " + ", ".join(f"{k} {v}" for k, v in sorted(categories.items())) + "; "
        "statuses " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())) + ")"
    )
    problems = [r for r in results if r[2] in PROBLEMS]
    for service, op, category, detail, _ in problems[:30]:
        SUMMARY_LINES.append(f"  {category}: {service}.{op}: {detail}")
    for service, op, _, detail, _ in (r for r in results if r[2] == "excluded"):
        SUMMARY_LINES.append(f"  excluded: {service}.{op}: {detail}")
    aliased = [f"{r[0]}.{r[1]} as {r[3].split(' ', 1)[0]} ({r[3].split('→ ')[1].split(':')[0].strip()})" for r in results if r[2] == "newer-aliased"]
    if aliased:
        SUMMARY_LINES.append(f"  note: taken as another operation, not being in the pinned models: {'; '.join(aliased)}")

    out = Path(ROOT / "target" / "e2e")
    out.mkdir(parents=True, exist_ok=True)
    (out / "routing-sweep.json").write_text(json.dumps([list(r) for r in results], indent=1))
    assert not problems, f"{len(problems)} operations not cleanly routed, first: {problems[:5]}"
