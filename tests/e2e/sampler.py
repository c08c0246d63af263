"""Minimal valid parameters for a botocore operation, built from its input
shape: every required member (recursively), strings within their length
bounds and, where the pattern is simple enough, matching it; enums' first
value; numbers within min/max; one element in lists and maps."""

import datetime
import re

try:  # Python 3.11+ keeps the regex parser here; older ones as sre_parse.
    import re._parser as sre_parse
    from re._constants import MAXREPEAT
except ImportError:  # pragma: no cover
    import sre_parse
    from sre_constants import MAXREPEAT

ACCOUNT = "000000000000"
REGION = "us-east-1"
BUCKET = "simfra-sweep-bucket"
NOW = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
MAX_DEPTH = 12

# Characters tried, in order, for a regex character class: letters first, as
# identifiers usually start with one.
_CLASS_CANDIDATES = "aA0b1-_.:/ =+@,"


def _in_class(items, ch):
    """Whether `ch` is in a parsed character class ([...])."""
    negate = False
    hit = False
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            hit |= ord(ch) == av
        elif name == "RANGE":
            hit |= av[0] <= ord(ch) <= av[1]
        elif name == "CATEGORY":
            hit |= _in_category(str(av), ch)
    return hit != negate


def _in_category(cat, ch):
    tests = {
        "CATEGORY_DIGIT": ch.isdigit(),
        "CATEGORY_NOT_DIGIT": not ch.isdigit(),
        "CATEGORY_WORD": ch.isalnum() or ch == "_",
        "CATEGORY_NOT_WORD": not (ch.isalnum() or ch == "_"),
        "CATEGORY_SPACE": ch.isspace(),
        "CATEGORY_NOT_SPACE": not ch.isspace(),
    }
    return tests.get(cat, False)


def _pick(test):
    return next((c for c in _CLASS_CANDIDATES if test(c)), None)


def _generate(tree, stretch):
    """One string the parsed regex matches; unbounded repeats repeat `stretch`
    times so a caller can grow the string to a minimum length. None when the
    regex uses something this does not handle (back references …)."""
    out = []
    for op, av in tree:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(av))
        elif name == "NOT_LITERAL":
            out.append(_pick(lambda c: ord(c) != av))
        elif name == "ANY":
            out.append("a")
        elif name == "IN":
            out.append(_pick(lambda c: _in_class(av, c)))
        elif name == "CATEGORY":
            out.append(_pick(lambda c: _in_category(str(av), c)))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, hi, sub = av
            hi = lo + 64 if hi == MAXREPEAT else hi
            count = min(hi, max(lo, stretch))
            part = _generate(sub, stretch)
            if part is None:
                return None
            out.append(part * count)
        elif name == "SUBPATTERN":
            part = _generate(av[-1], stretch)
            if part is None:
                return None
            out.append(part)
        elif name == "BRANCH":
            part = _generate(av[1][0], stretch)
            if part is None:
                return None
            out.append(part)
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # anchors and look-arounds add nothing; the result is checked below
        else:
            return None
        if out[-1] is None:
            return None
    return "".join(out)


def fits(value, lo, hi, pattern):
    if len(value) < lo or (hi is not None and len(value) > hi):
        return False
    if pattern:
        try:
            # Smithy's @pattern is not implicitly anchored: a search, like the server's.
            return re.search(pattern, value) is not None
        except re.error:
            return True  # a pattern Python cannot read (e.g. \p{L}); the server judges it
    return True


def from_pattern(pattern, lo, hi):
    try:
        tree = sre_parse.parse(pattern)
    except (re.error, RecursionError):
        return None
    for stretch in (1, 2, 3, 5, 8, 12, 20, 32, 64):
        value = _generate(tree, stretch)
        if value is not None and fits(value, lo, hi, pattern):
            return value
    return None


class Sampler:
    def __init__(self, service_model):
        # ARNs name the service the way IAM does (its signing name).
        self.arn_service = service_model.signing_name or service_model.endpoint_prefix

    def params(self, operation_model):
        shape = operation_model.input_shape
        if shape is None:
            return {}
        out = {}
        for name in shape.required_members:
            member = shape.members[name]
            if member.serialization.get("eventstream") or getattr(member, "is_event_stream", False):
                continue  # input event streams are left empty: the request still routes
            value = self.value(member, name, 1)
            if value is not None:
                out[name] = value
        return out

    def value(self, shape, name, depth):
        if depth > MAX_DEPTH:
            return None
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, depth)
        if kind == "list":
            item = self.value(shape.member, name, depth + 1)
            return [] if item is None else [item] * max(1, shape.metadata.get("min", 1))
        if kind == "map":
            key = self.value(shape.key, "key", depth + 1) or "k"
            item = self.value(shape.value, name, depth + 1)
            return {} if item is None else {key: item}
        if kind == "string":
            return self.string(shape, name)
        if kind in ("integer", "long", "short", "byte"):
            return int(self.number(shape))
        if kind in ("float", "double"):
            return float(self.number(shape))
        if kind == "boolean":
            return True
        if kind == "timestamp":
            return NOW
        if kind == "blob":
            return b"x"
        return None

    def structure(self, shape, depth):
        names = list(shape.required_members)
        if not names and shape.members:
            # A member structure without required members (unions, DynamoDB's
            # AttributeValue, EC2's Tag): one member, so it is not sent empty.
            names = [next(iter(shape.members))]
        out = {}
        for name in names:
            value = self.value(shape.members[name], name, depth + 1)
            if value is not None:
                out[name] = value
        return out

    @staticmethod
    def number(shape):
        lo = shape.metadata.get("min")
        hi = shape.metadata.get("max")
        value = 1 if lo is None else max(lo, 1) if hi is None or hi >= 1 else lo
        return value if hi is None else min(value, hi)

    def hints(self, name):
        """Values that make sense for a member by its name."""
        lname = name.lower()
        if lname.endswith(("arn", "arns")):
            yield f"arn:aws:{self.arn_service}:{REGION}:{ACCOUNT}:x/y"
        if name == "CopySource":
            yield f"{BUCKET}/a1"
        if lname == "bucket" or lname.endswith("bucketname"):
            yield BUCKET
        if lname.endswith(("accountid", "account")):
            yield ACCOUNT
        if lname.endswith("region"):
            yield REGION
        if "email" in lname:
            yield "a@example.com"
        if lname.endswith("url"):
            yield f"http://localhost/{ACCOUNT}/sweep"

    def string(self, shape, name):
        if shape.enum:
            return shape.enum[0]
        lo = shape.metadata.get("min", 1) or 1
        hi = shape.metadata.get("max")
        pattern = shape.metadata.get("pattern")
        candidates = [*self.hints(name), "a1", "sweep", "a", "1", "A1", ACCOUNT, "a-1", "a/1"]
        for value in candidates:
            if fits(value, lo, hi, pattern):
                return value
        if pattern:
            value = from_pattern(pattern, lo, hi)
            if value is not None:
                return value
        # Nothing fits the pattern: at least respect the lengths.
        value = candidates[0].ljust(lo, "a")
        return value if hi is None else value[:hi]
