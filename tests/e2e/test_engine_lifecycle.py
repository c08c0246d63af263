"""Generated lifecycle tests for the resource engine (runtime/resources).

For every resource type the engine recognizes in the B and C tier services of
../shared/services.txt, boto3 drives

    create → read → list (finds it) → duplicate create (fails; for runs, a
    second start succeeds) → update(s) → delete → read (not found)

and each step must answer the way the service's model says.

How the cases are generated
---------------------------
* The catalogue: at collection time the server binary ($SIMFRA_BIN, as the
  `simfra_endpoint` fixture uses) is started for a moment and its
  `/_simfra/services` read. A type becomes one test, `[service:Type]`, when it
  has an engine-served `create` operation (not only `put`) and a `read` or
  `list` one. The tests themselves run against the session's server.
* Inputs: sampler.py builds minimal valid parameters from botocore's input
  shapes (the engine's operation names are botocore's). botocore's models are
  newer than Simfra's pinned ones, so the required members, lengths, ranges and
  patterns of the pinned Smithy models (models/pins.tsv) are added where they
  are stricter: the server validates with those. On top of that:
  - a create gets a unique name in its name-like member (`Name`,
    `ClusterName`, `DBClusterIdentifier`, `TemplateName` of an EmailTemplate,
    or such a member of a nested structure such as Glue's `DatabaseInput`),
    unique idempotency tokens and unique values in its other required
    identifier members;
  - a required member naming another resource type of the service
    (`clusterName` of EKS CreateNodegroup) gets a parent created first
    (recursively, up to PARENT_DEPTH deep);
  - every later request fills its required members from the values known of
    the resource: the create's input and every string of its output, by member
    name ignoring case and the type's noun in front (`Name` ~ `ClusterName`,
    `Id` ~ `FileSystemId`, `TaskArn` ~ `TagSyncTaskArn`).
* Checks: every step answers without error, except that a duplicate create
  (when the create carried a user-given name; fresh idempotency tokens) must
  fail with one of the create operation's modeled errors where the resource
  is found by its name (its read takes the name) or the operation models an
  error saying the resource exists; otherwise it makes a second resource, and the read after
  the delete with one of the read's modeled errors or a not-found-like code.
  Runs (`Start…`, `Submit…`, `Run…`) are not duplicates when started twice:
  the second start must succeed with another id.
  The create's answer must carry the resource's id and ARN where its output
  models them (and no id or ARN as ""); the list must hold the resource's name,
  id or ARN. Types without a read operation are looked for with their list
  operation after the delete instead (filtered by their own identifier where
  the list takes one); types without a delete operation stop after the updates.

Failures that are this test's own (an input it cannot build) go in SKIP with
the reason; everything else is the engine's to fix. Every run writes
target/e2e/engine-lifecycle.json (one entry per type: outcome, failing step,
request, answer, and the requests before it) and prints an
`ENGINE LIFECYCLE:` line at the end."""

import copy
import itertools
import json
import os
import re
import subprocess
import time
from functools import lru_cache
from pathlib import Path

import botocore.exceptions
import botocore.session
from botocore import xform_name
import pytest

from conftest import (
    ACCESS_KEY, REGION, ROOT, SECRET_KEY, SUMMARY_LINES, botocore_name, client_config, free_port, get_json,
    modeled_errors, server_env,
)
from sampler import Sampler, fits

# (service, type) → why this test cannot exercise the type. Only for reasons
# that are the test's own (inputs it cannot build); engine failures stay failures.
SKIP = {
    ("lakeformation", "LakeFormationOptIn"):
        "known only by its principal and resource structures, whose members are all optional: "
        "nothing unique tells its record in the list",
}

# Types the engine does not yet carry through their lifecycle, each with
# what is missing. Marked strict xfail: when the engine learns one, its
# test passes, pytest reports it, and it comes off this list.
ENGINE_GAPS = {
}

# How deep parents of parents are created (a node group's cluster's …).
PARENT_DEPTH = 3
# Members that make a create idempotent (besides those botocore marks): each create gets its own value.
TOKEN_MEMBERS = {"clienttoken", "clientrequesttoken", "idempotencytoken", "callerreference", "creationtoken", "creatorrequestid"}
# Verbs of operations that start a run (a build, a job): starting twice makes two.
RUN_VERBS = ("Start", "Submit", "Run")
# Error codes that say "no such resource", whatever the model calls them.
NOT_FOUND_CODE = re.compile(r"NotFound|NoSuch|DoesNotExist|NotExist|NonExist|Unknown", re.I)
CONFLICT_CODE = re.compile(r"AlreadyExist|Exists|Duplicate|Conflict|InUse")
# Endings of identifier member names (`ClusterName`, `FileSystemId` …).
ID_SUFFIXES = ("name", "id", "arn", "identifier")


def is_identifier(member):
    """`FirewallRuleGroupId`, `Name`, `ResourceArn`: a member naming something."""
    return member.lower().endswith(ID_SUFFIXES)

# Values tried for a string whose pattern the sampler cannot satisfy.
EXTRA_STRINGS = ("Simfra-Passw0rd1", "Aa1-aaaa", "Passw0rd!", "a1.example.com")

RESULTS = []  # one dict per type, written to target/e2e/engine-lifecycle.json
_COUNTER = itertools.count(1)
_USED = set()  # every unique value handed out this run


# ------------------------------------------------------------------ the catalogue


def shared_dir():
    """../shared next to the repository, or $SIMFRA_SHARED."""
    return Path(os.environ.get("SIMFRA_SHARED") or ROOT.parent / "shared")


def tiers(catalogue):
    """Service name → tier, from services.txt (else from the catalogue's own `tier`)."""
    path = shared_dir() / "services.txt"
    if not path.is_file():
        return {s["name"]: s.get("tier") for s in catalogue}
    out = {}
    for line in path.read_text().splitlines():
        cols = line.split("#", 1)[0].split()
        if len(cols) >= 2:
            out[cols[0]] = cols[1]
    return out


def read_catalogue():
    """`/_simfra/services` of a server started for the purpose (collection runs
    before any fixture, so the session's server is not there yet)."""
    binary = os.environ.get("SIMFRA_BIN") or str(ROOT / "target" / "debug" / "simfra")
    if not Path(binary).is_file():
        raise RuntimeError(f"no server binary at {binary}: run `cargo build -p simfra` or set SIMFRA_BIN")
    port = free_port()
    proc = subprocess.Popen([binary], env=server_env(port), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                return get_json(f"http://localhost:{port}/_simfra/services", timeout=2)["services"]
            except (OSError, ValueError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{binary} did not answer /_simfra/services (exit {proc.poll()})")
                time.sleep(0.05)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def lifecycle_applies(rtype):
    roles = {o["role"] for o in rtype["operations"]}
    return "create" in roles and bool(roles & {"read", "list"})


def pytest_generate_tests(metafunc):
    if "case" not in metafunc.fixturenames:
        return
    try:
        catalogue = read_catalogue()
    except RuntimeError as e:
        # Still one test, failing with the reason, rather than a silent empty run.
        metafunc.parametrize("case", [pytest.param(("catalogue", str(e)), id="catalogue-unavailable")])
        return
    tier = tiers(catalogue)
    cases = []
    for service in catalogue:
        if tier.get(service["name"]) not in ("B", "C"):
            continue
        for rtype in service["resource_types"]:
            if lifecycle_applies(rtype):
                cases.append(pytest.param((service, rtype), id=f"{service['name']}:{rtype['type']}"))
    metafunc.parametrize("case", cases)


# ------------------------------------------------------------------ the pinned models


@lru_cache(maxsize=None)
def pinned_constraints(service):
    """Shape name → {"members", "required": sets, "min", "max", "pattern"} from the Smithy
    model the server was generated from (empty when it cannot be found)."""
    models = Path(os.environ.get("SIMFRA_MODELS_DIR") or shared_dir() / "aws-models")
    path = None
    for line in (ROOT / "models" / "pins.tsv").read_text().splitlines():
        cols = line.split("\t")
        if len(cols) >= 4 and cols[0] == service:
            path = models / cols[3]
    if path is None or not path.is_file():
        return {}
    out = {}
    for full, shape in json.loads(path.read_text())["shapes"].items():
        traits = shape.get("traits", {})
        c = {}
        if shape.get("type") == "structure":
            c["members"] = set(shape.get("members", {}))
            c["required"] = {m for m, v in shape.get("members", {}).items() if "smithy.api#required" in v.get("traits", {})}
        for trait in ("smithy.api#length", "smithy.api#range"):
            c.update({k: v for k, v in traits.get(trait, {}).items() if k in ("min", "max")})
        if "smithy.api#pattern" in traits:
            c["pattern"] = traits["smithy.api#pattern"]
        out[full.split("#", 1)[1]] = c
    return out


# Java's Unicode classes, which Python's `re` lacks, as ASCII ranges (enough to
# generate and check the ASCII values the test sends). Others stay as they are.
UNICODE_CLASSES = {
    "L": "a-zA-Z", "N": "0-9", "Z": " ", "Zs": " ", "M": "", "P": r"!-/:-@\[-`{-~", "S": r"$+<->^`|~",
    "Alnum": "a-zA-Z0-9", "Alpha": "a-zA-Z", "IsAlphabetic": "a-zA-Z", "Digit": "0-9", "Upper": "A-Z",
    "XDigit": "0-9a-fA-F", "Punct": r"!-/:-@\[-`{-~", "ASCII": r"\x00-\x7f", "Print": r" -~", "Graph": r"!-~",
    "LD": "a-zA-Z0-9",
}


def python_pattern(pattern):
    r"""A Smithy (Java) pattern Python can read: `\p{L}` → `[a-zA-Z]` (inside a class, `a-zA-Z`)."""
    out, in_class, i = [], False, 0
    while i < len(pattern):
        m = re.match(r"\\p\{(\w+)\}", pattern[i:])
        if m and m.group(1) in UNICODE_CLASSES:
            ranges = UNICODE_CLASSES[m.group(1)]
            out.append(ranges if in_class else f"[{ranges}]" if ranges else "(?:)")
            i += m.end()
            continue
        ch = pattern[i]
        if ch == "\\":
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
        elif ch == "]" and in_class and out and out[-1] not in ("[", "[^"):
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


class Constrained:
    """A botocore shape seen with the pinned model's constraints where they are stricter."""

    def __init__(self, shape, pinned):
        self.enum, self.name, self.type_name = getattr(shape, "enum", []), shape.name, shape.type_name
        meta = dict(shape.metadata)
        if pinned.get("min") is not None and pinned["min"] > (meta.get("min") or 0):
            meta["min"] = pinned["min"]
        if pinned.get("max") is not None and (meta.get("max") is None or pinned["max"] < meta["max"]):
            meta["max"] = pinned["max"]
        if pinned.get("pattern"):
            meta["pattern"] = pinned["pattern"]
        if meta.get("pattern"):
            meta["pattern"] = python_pattern(meta["pattern"])
        self.metadata = meta


class PinnedSampler(Sampler):
    """sampler.Sampler, with the pinned model's required members and constraints added."""

    def __init__(self, service_model, service):
        super().__init__(service_model)
        self.pinned = pinned_constraints(service)

    def constrained(self, shape):
        return Constrained(shape, self.pinned.get(shape.name, {}))

    def required(self, shape):
        extra = [m for m in self.pinned.get(shape.name, {}).get("required", ()) if m in shape.members]
        return list(dict.fromkeys([*shape.required_members, *extra]))

    def params(self, operation_model):
        shape = operation_model.input_shape
        if shape is None:
            return {}
        out = {}
        for name in self.required(shape):
            member = shape.members[name]
            if member.serialization.get("eventstream") or getattr(member, "is_event_stream", False):
                continue
            value = self.value(member, name, 1)
            if value is not None:
                out[name] = value
        return out

    def structure(self, shape, depth):
        names = self.required(shape) or list(shape.members)[:1]
        out = {}
        for name in names:
            value = self.value(shape.members[name], name, depth + 1)
            if value is not None:
                out[name] = value
        return out

    def number(self, shape):
        return Sampler.number(self.constrained(shape))

    def string(self, shape, name):
        c = self.constrained(shape)
        value = super().string(c, name)
        lo, hi, pattern = c.metadata.get("min", 1) or 1, c.metadata.get("max"), c.metadata.get("pattern")
        if c.enum or fits(value, lo, hi, pattern):
            return value
        # Look-aheads (passwords) are beyond the sampler's generator: try typical values.
        return next((v for v in EXTRA_STRINGS if fits(v, lo, hi, pattern)), value)


# ------------------------------------------------------------------ names and values


def words(noun):
    """`TagSyncTask` → ["tag", "sync", "task"]."""
    return [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+", noun)]


def noun_parts(noun, others=(), leading=False):
    """How members may abbreviate a noun: its trailing word runs (`Task` of
    `TagSyncTask`), and with `leading`, leading ones that are no other type of
    the service (`ProvisionedModel` of `ProvisionedModelThroughput`)."""
    w = words(noun)
    parts = {"".join(w[i:]) for i in range(len(w))}
    if leading:
        parts |= {"".join(w[:i]) for i in range(1, len(w))} - {o.lower() for o in others}
    return parts


def canon(member, noun, others=()):
    """A member name relative to a noun: `ClusterName` → "name" for Cluster,
    `TaskArn` → "arn" for TagSyncTask, `provisionedModelName` → "name" for
    ProvisionedModelThroughput (a leading abbreviation, for names only: a
    VpcConnection's `VpcId` is its VPC's), Athena's `WorkGroup` → "identifier"
    for WorkGroup (the noun alone); other names lower-cased."""
    m = member.lower()
    if m == noun.lower():
        return "identifier"
    for s in ID_SUFFIXES:
        if m.endswith(s) and (m == s or m[: -len(s)] in noun_parts(noun, others, leading=s == "name")):
            return s
    return m


def letters(n):
    """1 → "b", 27 → "bb": a counter spelled in lower-case letters."""
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = "abcdefghijklmnopqrstuvwxyz"[r] + out
        if n == 0:
            return out


def unique_string(shape, sampler, member):
    """A value for a string member no other call of this run got, within the
    member's lengths and pattern (the pinned model's where stricter); None
    when none could be made."""
    c = sampler.constrained(shape)
    lo, hi, pattern = c.metadata.get("min", 1) or 1, c.metadata.get("max"), c.metadata.get("pattern")
    n = next(_COUNTER)
    readable = [f"life{n}@example.com"] if "email" in member.lower() else []
    readable += [f"life{n}", f"life{letters(n)}", f"Life{letters(n)}", f"life-{n}", f"l{n}", f"{n}", letters(n)]
    for base in readable:
        for value in (base, base.ljust(lo, "x"), base.ljust(lo, "0")):
            if value not in _USED and fits(value, lo, hi, pattern):
                _USED.add(value)
                return value
    # The pattern wants something else: vary the sampler's own value, last characters first.
    base = sampler.string(shape, member)
    for i in reversed(range(len(base))):
        for ch in "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
            value = base[:i] + ch + base[i + 1:]
            if value not in _USED and fits(value, lo, hi, pattern):
                _USED.add(value)
                return value
    return None


def flatten(value, known):
    """Adds every string in a request or answer to `known` by lower-cased
    member name, shallower ones first (a resource's own `Name` before its
    tags' `Key`); names already known keep their value."""
    level = [value]
    while level:
        deeper = []
        for v in level:
            items = v.items() if isinstance(v, dict) else enumerate(v) if isinstance(v, list) else ()
            for k, x in items:
                if isinstance(k, str) and isinstance(x, str) and x:
                    known.setdefault(k.lower(), x)
                elif isinstance(x, (dict, list)) and k != "ResponseMetadata":
                    deeper.append(x)
        level = deeper
    return known


def json_of(response):
    return json.dumps({k: v for k, v in (response or {}).items() if k != "ResponseMetadata"}, default=str)


def error_text(e):
    err = e.response.get("Error", {})
    status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return f"{status} {err.get('Code')}: {(err.get('Message') or '')[:200]}"


# ------------------------------------------------------------------ the lifecycle


class Failure(Exception):
    """A step that did not answer as the model says. `side` is "engine" or "test"."""

    def __init__(self, step, operation, params, detail, side="engine"):
        super().__init__(f"{step} {operation}: {detail}")
        self.step, self.operation, self.params, self.detail, self.side = step, operation, params, detail, side


class Created:
    """A resource the test made: its type, the create's input and what is known of it."""

    def __init__(self, noun, operation, params, output, given_name, generated=(), parent_values=()):
        self.noun, self.operation, self.params, self.output, self.given_name = noun, operation, params, output, given_name
        # Unique values the test put in the request (besides the name), and its parents' identifiers.
        self.generated, self.parent_values = set(generated), set(parent_values)
        # The request's own members first, then the answer, then the request's nested values.
        top = {k.lower(): v for k, v in params.items() if isinstance(v, str)}
        self.known = flatten(params, flatten(output, top))

    def identifiers(self, others):
        """Values that name it: its given name, and the identifiers its create
        answered that the request did not carry (a generated id or ARN). Else
        the unique values of its request (a contact's e-mail address), else its
        parents' identifiers (a resource known by its parent and settings).
        Answers the values and where they came from."""
        sent = set(flatten(self.params, {}).values())
        out = {self.given_name} if self.given_name else set()
        for k, v in flatten(self.output, {}).items():
            if canon(k, self.noun, others) in ID_SUFFIXES and v not in sent and len(v) >= 3:
                out.add(v)
        if out:
            return out, "name or answer"
        if self.generated:
            return set(self.generated), "request"
        return set(self.parent_values), "parents"


class Lifecycle:
    """One service's resource types and a boto3 client to drive them."""

    def __init__(self, service, client):
        self.service = service
        self.client = client
        self.model = client.meta.service_model
        self.sampler = PinnedSampler(self.model, service["name"])
        self.types = {t["type"]: t for t in service["resource_types"]}
        # Of the current test: its successful requests and their answers, the
        # strings the server answered that no request carried, the resources made
        # (parents first) and where the list check's identifiers came from.
        self.steps, self.answered, self.parents, self.identified_by = [], set(), [], None

    def others(self, noun):
        return [t for t in self.types if t != noun]

    # ---- operations

    def ops(self, noun, *roles):
        """The type's operations in those roles, the one named after the noun first."""
        found = [o["operation"] for o in self.types[noun]["operations"] if o["role"] in roles]
        return sorted(found, key=lambda op: (noun not in op, len(op), op))

    def op_model(self, step, op):
        if op not in self.model.operation_names:
            raise Failure(step, op, {}, f"botocore {botocore.__version__} has no {op}", side="test")
        return self.model.operation_model(op)

    def call(self, step, op, params):
        """Sends one request; answers the response, raises Failure for what is not a ClientError."""
        method = getattr(self.client, botocore.xform_name(op))
        try:
            response = method(**params)
        except botocore.exceptions.ParamValidationError as e:
            # A value the server answered (an id it generated) is the server's; the rest is the sampler's.
            theirs = sorted(set(flatten(params, {}).values()) & self.answered)
            if theirs:
                raise Failure(step, op, params, f"botocore refuses values the server answered {theirs}: {e}") from None
            raise Failure(step, op, params, f"botocore refused the generated input: {e}", side="test") from None
        except botocore.exceptions.ClientError:
            raise
        except Exception as e:  # noqa: BLE001 - an unreadable answer is the engine's
            raise Failure(step, op, params, f"{type(e).__name__}: {e}") from None
        body = response.get("Body")
        if hasattr(body, "read"):
            response["Body"] = body.read()
        self.steps.append({"step": step, "operation": op, "params": params, "answer": json_of(response)[:600]})
        self.answered |= set(flatten(response, {}).values()) - set(flatten(params, {}).values())
        return response

    def must_succeed(self, step, op, params):
        try:
            return self.call(step, op, params)
        except botocore.exceptions.ClientError as e:
            raise Failure(step, op, params, error_text(e)) from None

    def must_fail(self, step, op, params, accepted, why):
        """Sends a request that must answer an error whose code is in `accepted`."""
        try:
            response = self.call(step, op, params)
        except botocore.exceptions.ClientError as e:
            code = e.response.get("Error", {}).get("Code", "")
            status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
            if code in accepted or (why == "not found" and NOT_FOUND_CODE.search(code)):
                return
            if not accepted and 400 <= status < 500:
                return  # the operation models no errors at all: any client error
            raise Failure(step, op, params, f"{error_text(e)}; expected one of {sorted(accepted)}") from None
        raise Failure(step, op, params, f"succeeded, expected an error ({why}): {json_of(response)[:300]}")

    # ---- inputs

    def candidates(self, member, known, noun):
        """Known values that may fill a member of a request about a resource of
        `noun`, best first: the same member, the same relative to the noun
        (`Name` ~ `ClusterName`), then, for ids and identifiers, its name, id or ARN."""
        out = [known[member.lower()]] if member.lower() in known else []
        want = canon(member, noun, self.others(noun))
        kinds = {"identifier": ("identifier", "name", "id", "arn"), "id": ("id", "name", "arn")}.get(want, (want,))
        for kind in kinds:
            out += [v for k, v in known.items() if canon(k, noun, self.others(noun)) == kind]
        return list(dict.fromkeys(out))

    def resolve(self, member, known, noun, shape=None):
        """The known value for a member, preferring one that fits its pattern and lengths."""
        found = self.candidates(member, known, noun)
        if shape is not None and shape.type_name == "string":
            c = self.sampler.constrained(shape)
            lo, hi, pattern = c.metadata.get("min", 1) or 1, c.metadata.get("max"), c.metadata.get("pattern")
            fitting = [v for v in found if fits(v, lo, hi, pattern)]
            if not fitting and pattern:
                # A member taking the resource's ARN under another name (`provisionedModelId`).
                fitting = [v for v in known.values() if isinstance(v, str) and v.startswith("arn:") and fits(v, lo, hi, pattern)]
            found = fitting + [v for v in found if v not in fitting]
        return found[0] if found else None

    def fill(self, step, op, known, noun, filter_by_self=False):
        """Minimal input for `op`, its required members taken from what is known
        of the resource. `filter_by_self`: also optional members naming the
        resource itself (a list's filter)."""
        model = self.op_model(step, op)
        params = self.sampler.params(model)
        shape = model.input_shape
        if shape is None:
            return params
        required = self.sampler.required(shape)
        for name, member in shape.members.items():
            singular = name[:-1] if name.endswith("s") else name
            own = filter_by_self and canon(singular, noun, self.others(noun)) in ID_SUFFIXES
            if name not in required and not own:
                continue
            if member.type_name == "string":
                value = self.resolve(name, known, noun, member)
                if value is not None:
                    params[name] = value
            elif member.type_name == "list" and member.member.type_name == "string":
                value = self.resolve(singular, known, noun, member.member)
                if value is not None:
                    params[name] = [value]
        return params

    def is_name_member(self, member, noun, required):
        """Whether a create's member is the name the caller gives the resource."""
        kind = canon(member, noun, self.others(noun))
        return kind in ("name", "identifier") or (kind == "id" and required)

    def parent_type(self, member, noun):
        """Another type of the service the member names (`clusterName` →
        Cluster, `EmailIdentity` → EmailIdentity), unless it names the resource
        itself (`jobName` of a ServiceJob)."""
        m = member.lower()
        if canon(member, noun, self.others(noun)) in ID_SUFFIXES:
            return None
        for other in self.others(noun):
            # The bare noun only when it is several words (`EmailIdentity`, not AppSync's `type`).
            if (m == other.lower() and len(words(other)) > 1) or any(m == other.lower() + s for s in ID_SUFFIXES):
                return other
        return None

    def create_op(self, noun):
        """The engine's create (or put) of a type, or botocore's `Create<Noun>` (a hand-written one)."""
        ops = self.ops(noun, "create") or self.ops(noun, "put")
        if ops:
            return ops[0]
        return f"Create{noun}" if f"Create{noun}" in self.model.operation_names else None

    def name_structure(self, shape, params, noun, required, generated):
        """Gives the resource its unique name and identifiers in one structure of
        the request (adding them to `generated`); answers the name given, if any."""
        given = None
        for name in list(shape.members):
            member = shape.members[name]
            if member.type_name != "string" or member.enum:
                continue
            token = name.lower() in TOKEN_MEMBERS or member.metadata.get("idempotencyToken")
            is_required = name in required
            # Other required identifiers too (the engine tells unnamed resources
            # apart by them), unless they name something else: a parent, the
            # account, a bucket (what the sampler has a hint for).
            lname = name.lower()
            other_id = is_required and (lname.endswith(("name", "id", "identifier")) or "email" in lname) and not (
                self.parent_type(name, noun) or any(True for _ in self.sampler.hints(name) if "email" not in lname))
            if token or self.is_name_member(name, noun, is_required) or other_id:
                value = unique_string(member, self.sampler, name)
                if value is None:
                    raise Failure("create", "-", params, f"cannot make a unique value for {name}", side="test")
                params[name] = value
                if not token:
                    generated.append(value)
                if not token and self.is_name_member(name, noun, is_required) and given is None:
                    given = value
        return given

    def create_input(self, noun, op, depth, chain):
        """The create's input: sampled, with a unique name, identifiers and
        tokens, and parents' identifiers. Answers (params, given name,
        generated values, parents' values)."""
        model = self.op_model("create", op)
        params = self.sampler.params(model)
        shape = model.input_shape
        generated, parent_values = [], []
        if shape is None:
            return params, None, generated, parent_values
        required = self.sampler.required(shape)
        given = self.name_structure(shape, params, noun, required, generated)
        if given is None:
            given = self.nested_name(shape, params, noun, required, generated)
        for name in required:
            parent = self.parent_type(name, noun)
            member = shape.members[name]
            if parent and member.type_name == "string" and not member.enum and depth < PARENT_DEPTH and parent not in chain:
                # One parent of a type per test: a partition index's table lives in its database.
                made = next((p for p in self.parents if p.noun == parent), None)
                if made is None and self.create_op(parent):
                    made = self.create(parent, depth + 1, chain + (noun,))
                if made is not None:
                    value = self.resolve(name, made.known, parent, member)
                    if value is not None:
                        params[name] = value
                        parent_values.append(value)
        return params, given, generated, parent_values

    def nested_name(self, shape, params, noun, required, generated):
        """A name inside a structure that describes the resource (Glue's
        `DatabaseInput.Name`, X-Ray's `SamplingRule.RuleName`): the required
        structures first, then an optional one named for the resource (Glue's
        `GrokClassifier`)."""
        for name in required:
            member = shape.members[name]
            if member.type_name == "structure" and isinstance(params.get(name), dict):
                given = self.name_structure(member, params[name], noun, self.sampler.required(member), generated)
                if given:
                    return given
        for name, member in shape.members.items():
            related = noun.lower() in name.lower() or name.lower() in noun_parts(noun, self.others(noun))
            if name in required or member.type_name != "structure" or not related:
                continue
            value = self.sampler.value(member, name, 2)
            if not isinstance(value, dict):
                continue
            named = []
            given = self.name_structure(member, value, noun, self.sampler.required(member), named)
            if given:
                params[name] = value
                generated += named
                return given
        return None

    # ---- steps

    def create(self, noun, depth=0, chain=()):
        """Creates a resource of `noun` (a parent when depth > 0)."""
        step = "create" if depth == 0 else f"create parent {noun}"
        op = self.create_op(noun)
        params, given, generated, parent_values = self.create_input(noun, op, depth, chain)
        output = self.must_succeed(step, op, params)
        if depth == 0:
            self.answers_identifiers(op, params, output, noun)
        made = Created(noun, op, params, output, given, generated, parent_values)
        self.parents.append(made)
        return made

    def answers_identifiers(self, op, params, output, noun):
        """The create's answer carries the resource's id and ARN where its output
        models them (at the top, or in a structure named for the resource), and
        no id or ARN answered as an empty string."""
        missing = []

        def walk(shape, answer, path, depth):
            pinned = self.sampler.pinned.get(shape.name, {}).get("members")
            for name, member in shape.members.items():
                if pinned is not None and name not in pinned:
                    continue  # botocore's model is newer than the server's
                value = answer.get(name) if isinstance(answer, dict) else None
                kind = canon(name, noun, self.others(noun))
                own = kind in ("id", "arn", "identifier") or name.lower() == noun.lower()
                if member.type_name == "string" and (own or name.lower().endswith(("id", "arn"))):
                    # Its own id missing, or any id or ARN answered empty (never a valid one).
                    if (own and not value) or value == "":
                        missing.append(path + name)
                elif member.type_name == "structure" and depth == 0 and (
                        name.lower() in noun_parts(noun, self.others(noun), leading=True)
                        or name.lower().startswith(noun.lower())):
                    walk(member, value or {}, f"{path}{name}.", depth + 1)

        shape = self.model.operation_model(op).output_shape
        if shape is not None:
            walk(shape, output, "", 0)
        if missing:
            raise Failure("create", op, params, f"the answer lacks ids or ARNs (missing or empty): {missing}: "
                                                f"{json_of(output)[:300]}")

    def run(self, noun):
        """The lifecycle of one type; answers a note when it stopped short (no delete)."""
        self.steps, self.answered, self.parents, self.identified_by = [], set(), [], None
        made = self.create(noun)
        # Parents' values are known too (a node group's read needs its cluster's name).
        for p in self.parents[:-1]:
            for k, v in p.known.items():
                made.known.setdefault(k, v)
        reads, lists = self.ops(noun, "read"), self.ops(noun, "list")

        if reads:
            self.must_succeed("read", reads[0], self.fill("read", reads[0], made.known, noun))
        if lists:
            self.list_contains(noun, lists[0], made)
        if made.operation.startswith(RUN_VERBS):
            self.second_run(made)
        elif made.given_name:
            self.duplicate(made)
        for op in self.ops(noun, "update"):
            self.must_succeed("update", op, self.fill("update", op, made.known, noun))
        deletes = self.ops(noun, "delete")
        if not deletes:
            return "no delete operation"
        self.must_succeed("delete", deletes[0], self.fill("delete", deletes[0], made.known, noun))
        if reads:
            params = self.fill("read after delete", reads[0], made.known, noun)
            accepted = modeled_errors(self.client, reads[0])
            self.must_fail("read after delete", reads[0], params, accepted, "not found")
        else:
            self.list_lacks(noun, lists[0], made)
        return None

    def list_contains(self, noun, op, made):
        idents, self.identified_by = made.identifiers(self.others(noun))
        if not idents:
            raise Failure("list", op, {}, "nothing the test knows identifies the resource", side="test")
        idents = set(idents) | self.listed_as(made)
        params = self.fill("list", op, made.known, noun)
        text = json_of(self.must_succeed("list", op, params))
        # Other tests' resources may fill the first pages: follow the pages (up to 50).
        for page in self.later_pages(op, params, text):
            if any(i in text for i in idents):
                break
            text += page
        if not any(i in text for i in idents):
            raise Failure("list", op, params, f"none of {sorted(idents)} in the answer: {text[:400]}")

    def listed_as(self, made):
        """What else a list may show the resource by: values its read requires
        that the create carried and that name no parent (an EKS access entry's
        principal ARN), and its number where it has one (`"DeploymentNumber": 1`)."""
        out = set()
        reads = self.ops(made.noun, "read")
        if reads:
            shape = self.model.operation_model(reads[0]).input_shape
            for name in shape.required_members:
                value = made.params.get(name)
                if isinstance(value, str) and len(value) >= 3 and not self.parent_type(name, made.noun):
                    out.add(value)
        for holder in [made.output] + [v for v in made.output.values() if isinstance(v, dict)]:
            for k, v in holder.items():
                if isinstance(v, int) and not isinstance(v, bool) and (k.endswith("Number") or k in ("Id", "id")):
                    out.add(f'"{k}": {v}')
        return out

    def later_pages(self, op, params, first):
        """The JSON of the pages after the first, through botocore's paginator."""
        name = xform_name(op)
        if not self.client.can_paginate(name):
            return
        pages = self.client.get_paginator(name).paginate(**params, PaginationConfig={"MaxItems": None})
        for i, page in enumerate(pages):
            if i == 0:
                continue
            if i > 50:
                return
            yield json_of(page)

    def list_lacks(self, noun, op, made):
        """After the delete, a type without a read: its list (filtered by its
        identifier where it takes one) no longer holds it."""
        idents, _ = made.identifiers(self.others(noun))
        params = self.fill("list after delete", op, made.known, noun, filter_by_self=True)
        try:
            text = json_of(self.call("list after delete", op, params))
        except botocore.exceptions.ClientError as e:
            code = e.response.get("Error", {}).get("Code", "")
            if code in modeled_errors(self.client, op) or NOT_FOUND_CODE.search(code):
                return
            raise Failure("list after delete", op, params, error_text(e)) from None
        left = sorted(i for i in idents if i in text)
        if left:
            raise Failure("list after delete", op, params, f"still lists {left}: {text[:300]}")

    def own_ids(self, made, output):
        """The resource's own id and ARN values in a create's answer."""
        others = self.others(made.noun)
        return {v for k, v in flatten(output, {}).items() if canon(k, made.noun, others) in ("id", "arn")}

    def second_run(self, made):
        """Starting a run again (fresh tokens) starts a second one: it succeeds
        and answers another id (AWS names are not unique among runs)."""
        params = self.fresh_tokens(made)
        output = self.must_succeed("second start", made.operation, params)
        same = self.own_ids(made, made.output) & self.own_ids(made, output)
        if same:
            raise Failure("second start", made.operation, params, f"answered the first run's id {sorted(same)}")

    def fresh_tokens(self, made):
        """The create's request again, with new idempotency tokens."""
        params = copy.deepcopy(made.params)
        shape = self.model.operation_model(made.operation).input_shape
        for name, member in shape.members.items():
            if name in params and (name.lower() in TOKEN_MEMBERS or member.metadata.get("idempotencyToken")):
                params[name] = unique_string(member, self.sampler, name)
        return params

    def addressed_by_name(self, made):
        """Whether the type's read (else delete) finds it by its name: then
        two of the same name could not be told apart, and AWS refuses the second."""
        ops = self.ops(made.noun, "read") or self.ops(made.noun, "delete")
        if not ops:
            return True
        shape = self.model.operation_model(ops[0]).input_shape
        others = self.others(made.noun)
        # Its required members, or (none of them an identifier) its optional ones.
        names = shape.required_members
        if not any(canon(n, made.noun, others) in ("name", "identifier", "id", "arn") for n in names):
            names = list(shape.members)
        return any(canon(n, made.noun, others) in ("name", "identifier") for n in names)

    def addressed_by_request(self, made):
        """Whether the type's read (else delete) finds it by members the
        create gave, all of them identifiers (a Route 53 Resolver firewall
        rule by its group and domain list): a second create with the same
        values would be the same resource."""
        ops = self.ops(made.noun, "read") or self.ops(made.noun, "delete")
        if not ops:
            return False
        shape = self.model.operation_model(ops[0]).input_shape
        required = [n for n in shape.required_members if shape.members[n].type_name == "string"]
        return bool(required) and all(n in made.params and is_identifier(n) for n in required)

    def duplicate(self, made):
        """The same create again (fresh tokens) must fail with one of its
        modeled errors; where the operation models no error for an existing
        resource, names are not unique on AWS and it makes a second one."""
        accepted = modeled_errors(self.client, made.operation)
        if not any(CONFLICT_CODE.search(code) for code in accepted) and not self.addressed_by_name(made) and not self.addressed_by_request(made):
            self.second_run(made)
            return
        params = self.fresh_tokens(made)
        self.must_fail("duplicate create", made.operation, params, accepted, "already exists")


# ------------------------------------------------------------------ the test


@pytest.fixture(scope="module")
def lifecycles(simfra_endpoint):
    """Service name → Lifecycle, made on first use (one botocore client per service)."""
    session = botocore.session.get_session()
    made = {}

    def get(service):
        if service["name"] not in made:
            client = session.create_client(
                botocore_name(service["name"]), endpoint_url=simfra_endpoint, region_name=REGION,
                aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, config=client_config(),
            )
            made[service["name"]] = Lifecycle(service, client)
        return made[service["name"]]

    yield get
    write_results()


def write_results():
    outcomes = {}
    for r in RESULTS:
        outcomes[r["outcome"]] = outcomes.get(r["outcome"], 0) + 1
    SUMMARY_LINES.append(
        f"ENGINE LIFECYCLE: {outcomes.get('passed', 0)}/{len(RESULTS)} resource types pass "
        + "(" + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())) + ")"
    )
    out = ROOT / "target" / "e2e"
    out.mkdir(parents=True, exist_ok=True)
    (out / "engine-lifecycle.json").write_text(json.dumps(RESULTS, indent=1, default=str))


def test_lifecycle(case, lifecycles, request):
    service, rtype = case
    if service == "catalogue":
        pytest.fail(rtype)
    key = (service["name"], rtype["type"])
    result = {"service": key[0], "type": key[1]}
    RESULTS.append(result)
    if key in SKIP:
        result["outcome"] = "skipped"
        pytest.skip(SKIP[key])
    if key in ENGINE_GAPS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=ENGINE_GAPS[key]))
    life = lifecycles(service)
    result["outcome"] = "failed-test"  # until it ends otherwise (a crash of this test is its own)
    try:
        note = life.run(rtype["type"])
    except Failure as f:
        result.update(outcome=f"failed-{f.side}", step=f.step, operation=f.operation, params=f.params, detail=f.detail,
                      before=life.steps)
        request = json.dumps(f.params, default=str)[:300]
        pytest.fail(f"{key[0]}:{key[1]}: {f.step} {f.operation}({request}): {f.detail}", pytrace=False)
    result["outcome"] = "passed"
    result["identified_by"] = life.identified_by
    if note:
        result["note"] = note
