"""The IAM policy-evaluation matrix: hundreds of real signed requests through
the gateway (boto3), each by a principal set up with given policies through
IAM, STS and Organizations, checked against what AWS documents — the request
succeeds and did its effect, or it is refused with the service's error code,
HTTP status and AWS's reason clause. One test id per case; the cases and the
documentation each follows live in iam_matrix_cases.py.

A case that needs a piece of Simfra that is not there yet (`needs`) is an
expected failure while the piece is absent, and a failure as soon as it
passes, so that the mark goes away when the piece lands."""

import pytest
from botocore.exceptions import ClientError

from conftest import SUMMARY_LINES
from iam_matrix_cases import CASES, STATIC_ABSENT, World, aws_managed

OUTCOMES = {}


@pytest.fixture(scope="module")
def world(simfra_endpoint):
    w = World(simfra_endpoint)
    yield w
    w.close()
    passed = sum(1 for o in OUTCOMES.values() if o == "passed")
    waiting = sum(1 for o in OUTCOMES.values() if o == "xfailed")
    SUMMARY_LINES.append(f"IAM MATRIX: {passed}/{len(OUTCOMES)} cases")
    SUMMARY_LINES.append(f"IAM MATRIX detail: {waiting} waiting on absent pieces, "
                         f"{len(OUTCOMES) - passed - waiting} failing")


@pytest.fixture(scope="module")
def absent(world):
    """Why a needed piece is missing, by name (None when it is present); probed once each."""
    known = dict(STATIC_ABSENT)

    def probe(name):
        if name in known:
            return known[name]
        reason = None
        if name == "bucket-policy":
            try:
                world.root.client("s3").get_bucket_policy(Bucket=world.bucket)
            except ClientError as e:
                if e.response["Error"]["Code"] == "NotImplemented":
                    reason = "S3 bucket policies (PutBucketPolicy) are not implemented"
        elif name.startswith("managed:"):
            policy = name.split(":", 1)[1]
            try:
                world.root.client("iam").get_policy(PolicyArn=aws_managed(policy))
            except ClientError:
                reason = f"the AWS managed policy {policy} is not shipped"
        else:
            raise AssertionError(f"unknown piece {name}")
        known[name] = reason
        return reason

    return probe


@pytest.mark.parametrize("case_id", list(CASES))
def test_iam_matrix(case_id, world, absent):
    case = CASES[case_id]
    missing = [n for n in case.needs if absent(n)]
    OUTCOMES[case_id] = "failed"
    try:
        case.run(world)
    except (AssertionError, ClientError) as e:
        if missing:
            OUTCOMES[case_id] = "xfailed"
            pytest.xfail(f"needs {', '.join(missing)} — {str(e).splitlines()[0][:200]}")
        raise
    if missing:
        pytest.fail("passes although it needs what is reported absent: " + "; ".join(f"{n}: {absent(n)}" for n in missing)
                    + " — drop the piece from STATIC_ABSENT, or the need from the case")
    OUTCOMES[case_id] = "passed"
