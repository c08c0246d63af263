"""The IAM policy-evaluation matrix, as cases.

Every case builds its principals through the real IAM, STS and Organizations
APIs (users, groups, roles, managed and inline policies, boundaries, session
policies, SCPs, queue policies), then makes signed requests through the
gateway as one of them and states what AWS answers: the request succeeds and
did what it should, or it is refused with the service's error code, HTTP
status and the reason clause of AWS's message ("because no identity-based
policy allows the sqs:SendMessage action", "with an explicit deny in a
permissions boundary" ...).

Each case names the AWS documentation it follows (keys of `DOCS`). Cases
that rely on a piece of Simfra that is not there yet name it in `needs`
(see `STATIC_ABSENT` and the probes in test_iam_matrix.py); they are
expected to fail until it lands, and fail loudly once they pass.

`World` is the vocabulary the cases speak: principals, resources and the
operations they try, each operation knowing the IAM action and resource AWS
authorizes it as and how to prove its effect (or the absence of one).
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import admin_api

REGION = "us-east-1"

_IAM = "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
DOCS = {
    "eval": _IAM + "reference_policies_evaluation-logic.html",
    "eval-single": _IAM + "reference_policies_evaluation-logic_policy-eval-basics.html",
    "eval-denyallow": _IAM + "reference_policies_evaluation-logic_policy-eval-denyallow.html",
    "cross-account": _IAM + "reference_policies_evaluation-logic-cross-account.html",
    "boundaries": _IAM + "access_policies_boundaries.html",
    "session-policies": _IAM + "access_policies.html#policies_session",
    "managed-vs-inline": _IAM + "access_policies_managed-vs-inline.html",
    "managed-versions": _IAM + "access_policies_managed-versioning.html",
    "groups": _IAM + "id_groups.html",
    "action": _IAM + "reference_policies_elements_action.html",
    "notaction": _IAM + "reference_policies_elements_notaction.html",
    "resource": _IAM + "reference_policies_elements_resource.html",
    "notresource": _IAM + "reference_policies_elements_notresource.html",
    "principal": _IAM + "reference_policies_elements_principal.html",
    "condition": _IAM + "reference_policies_elements_condition.html",
    "condition-operators": _IAM + "reference_policies_elements_condition_operators.html",
    "global-keys": _IAM + "reference_policies_condition-keys.html",
    "multivalued": _IAM + "reference_policies_condition-single-vs-multi-valued-context-keys.html",
    "variables": _IAM + "reference_policies_variables.html",
    "version": _IAM + "reference_policies_elements_version.html",
    "mfa": _IAM + "id_credentials_mfa_configure-api-require.html",
    "principal-tags": _IAM + "access_iam-tags.html",
    "session-tags": _IAM + "id_session-tags.html",
    "role-chaining": _IAM + "id_roles.html#iam-term-role-chaining",
    "switch-role-permissions": _IAM + "id_roles_use_permissions-to-switch.html",
    "trust-update": _IAM + "id_roles_update-role-trust-policy.html",
    "access-keys": _IAM + "id_credentials_access-keys.html",
    "assume-role": "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html",
    "federation-token": "https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html",
    "session-token": "https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html",
    "session-token-permissions": _IAM + "id_credentials_temp_control-access_getsessiontoken.html",
    "caller-identity": "https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html",
    "scp": "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html",
    "scp-evaluation": "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html",
    "s3-403": "https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html",
    "s3-actions": "https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html",
    "s3-keys": "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html",
    "s3-bucket-policy-root": "https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketPolicy.html",
    "sqs-keys": "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html",
    "sqs-policies": "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-creating-custom-policies-access-policy-examples.html",
    "sns-errors": "https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html",
    "ddb-errors": "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html",
    "ddb-fgac": "https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html",
    "ec2-errors": "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html",
    "aws-managed": _IAM + "access_policies_managed-vs-inline.html#aws-managed-policies",
}

# Pieces of Simfra a case may need that are known to be missing. Probed
# pieces (an S3 API, an AWS managed policy) are decided at run time instead.
STATIC_ABSENT: dict = {}


@dataclass
class Case:
    id: str
    run: Callable[["World"], None]
    docs: tuple
    needs: tuple


CASES: dict[str, Case] = {}


def case(case_id, *docs, needs=()):
    for d in docs:
        assert d in DOCS, f"{case_id}: unknown doc {d}"
    assert docs, f"{case_id}: cite the AWS documentation the case follows"

    def register(fn):
        assert case_id not in CASES, f"duplicate case id {case_id}"
        CASES[case_id] = Case(case_id, fn, docs, tuple(needs))
        return fn

    return register


# ---------------------------------------------------------------- policies


def stmt(effect, action=None, resource="*", *, not_action=None, not_resource=None, condition=None, principal=None,
         not_principal=None, sid=None):
    s = {"Effect": effect}
    if sid:
        s["Sid"] = sid
    if principal is not None:
        s["Principal"] = principal
    if not_principal is not None:
        s["NotPrincipal"] = not_principal
    if not_action is not None:
        s["NotAction"] = not_action
    else:
        s["Action"] = action
    if not_resource is not None:
        s["NotResource"] = not_resource
    elif resource is not None:
        s["Resource"] = resource
    if condition:
        s["Condition"] = condition
    return s


def allow(action=None, resource="*", **kw):
    return stmt("Allow", action, resource, **kw)


def deny(action=None, resource="*", **kw):
    return stmt("Deny", action, resource, **kw)


def doc(*statements, version="2012-10-17"):
    d = {"Statement": list(statements)}
    if version:
        d = {"Version": version, **d}
    return d


def as_doc(p):
    """A statement or a whole document, as a document."""
    return p if "Statement" in p else doc(p)


def trust(principal, action="sts:AssumeRole", condition=None, *extra):
    return doc(allow(action, None, principal=principal, condition=condition), *extra)


def aws(*arns):
    return {"AWS": arns[0] if len(arns) == 1 else list(arns)}


def account_root(account):
    return f"arn:aws:iam::{account}:root"


ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def aws_managed(name):
    return f"arn:aws:iam::aws:policy/{name}"


# ---------------------------------------------------------------- denials

# What each service answers a refused request with.
DENIED = {
    "s3": ("AccessDenied", 403),
    # SQS speaks JSON but keeps its Query error codes (awsQueryCompatible).
    "sqs": ("AccessDenied", 403),
    "dynamodb": ("AccessDeniedException", 400),
    "sns": ("AuthorizationError", 403),
    "ec2": ("UnauthorizedOperation", 403),
    "iam": ("AccessDenied", 403),
    "sts": ("AccessDenied", 403),
}

REASONS = {
    "no-identity": "because no identity-based policy allows the {action} action",
    "deny-identity": "with an explicit deny in an identity-based policy",
    "no-resource": "because no resource-based policy allows the {action} action",
    "deny-resource": "with an explicit deny in a resource-based policy",
    "no-boundary": "because no permissions boundary allows the {action} action",
    "deny-boundary": "with an explicit deny in a permissions boundary",
    "no-session": "because no session policy allows the {action} action",
    "deny-session": "with an explicit deny in a session policy",
    "no-scp": "because no service control policy allows the {action} action",
    "deny-scp": "with an explicit deny in a service control policy",
}

_DENIAL = re.compile(r"User: (?P<arn>\S+) is not authorized to perform: (?P<action>\S+)(?: on resource: (?P<resource>\S+))? (?P<why>.+)", re.S)


def denial_problems(err, principal_arn, op, reason, check_resource):
    """What differs between a refusal and the one AWS gives (empty when none)."""
    code = err.response.get("Error", {}).get("Code")
    status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    message = err.response.get("Error", {}).get("Message", "") or ""
    problems = []
    want_code, want_status = DENIED[op.service]
    if (code, status) != (want_code, want_status):
        problems.append(f"expected {want_code} with HTTP {want_status}, got {code} with HTTP {status}")
    if op.generic_denial is not None:
        if message != op.generic_denial:
            problems.append(f"expected the message {op.generic_denial!r}")
        return problems
    text = message
    if op.service == "ec2":
        # EC2 wraps IAM's sentence (and may append an encoded authorization message).
        lead = "You are not authorized to perform this operation. "
        if not text.startswith(lead):
            problems.append(f"EC2's message should start with {lead!r}")
        text = text[len(lead):] if text.startswith(lead) else text
    m = _DENIAL.fullmatch(text)
    if not m:
        problems.append("message is not of the form 'User: <arn> is not authorized to perform: <action> on resource: <arn> <reason>'")
        return problems
    if m["arn"] != principal_arn:
        problems.append(f"message names principal {m['arn']}, expected {principal_arn}")
    # Services spell the action their own way in the message (SQS lowercases
    # it, SNS upper-cases the prefix); IAM actions are case-insensitive.
    if m["action"].lower() != op.action.lower():
        problems.append(f"message names action {m['action']}, expected {op.action}")
    if check_resource and op.resource is not None:
        got = (m["resource"] or "").strip('"')
        if got != op.resource:
            problems.append(f"message names resource {m['resource']}, expected {op.resource}")
    want_why = REASONS[reason].format(action=m["action"])
    why = m["why"]
    if op.service == "ec2":
        why = why.split(". Encoded authorization failure message")[0]
    if why.rstrip(".") != want_why:
        problems.append(f"reason is {why!r}, expected {want_why!r}")
    return problems


def fmt_error(e):
    r = e.response
    return f"{r.get('Error', {}).get('Code')} (HTTP {r.get('ResponseMetadata', {}).get('HTTPStatusCode')}): {r.get('Error', {}).get('Message')}"


# ---------------------------------------------------------------- the world

CONFIG = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 1, "mode": "standard"})


class Principal:
    """Someone who signs requests: a root user, an IAM user, a role or federated session."""

    def __init__(self, world, arn, key, secret, token=None, account=None, name=None, kind="user"):
        self.world, self.arn, self.key, self.secret, self.token = world, arn, key, secret, token
        self.account, self.name, self.kind = account, name, kind
        self._clients = {}

    def client(self, service, region=REGION):
        k = (service, region)
        if k not in self._clients:
            self._clients[k] = self.world.session.client(
                service,
                endpoint_url=self.world.endpoint,
                region_name=region,
                aws_access_key_id=self.key,
                aws_secret_access_key=self.secret,
                aws_session_token=self.token,
                config=CONFIG,
            )
        return self._clients[k]

    def __repr__(self):
        return self.arn


@dataclass
class Account:
    id: str
    root: Principal


@dataclass
class Role:
    name: str
    arn: str
    account: str


@dataclass
class Queue:
    name: str
    url: str
    arn: str
    account: Account


@dataclass
class Op:
    """One request a principal tries: the service call, the IAM action and
    resource AWS authorizes it as, and how to prove what it did."""

    service: str
    call: Callable[[Any], Any]
    action: str
    resource: Optional[str]
    region: str = REGION
    after_allow: Optional[Callable[[Any], None]] = None
    after_deny: Optional[Callable[[], None]] = None
    # Some refusals carry no IAM detail (S3 across accounts answers "Access Denied").
    generic_denial: Optional[str] = None


class World:
    """Principals, resources and operations for the cases, in accounts made
    through the admin API: the main one, another for cross-account cases, and
    an organization's management and member accounts."""

    def __init__(self, endpoint):
        self.endpoint = endpoint
        self.session = boto3.session.Session()
        self.made_accounts = []
        self.known_accounts = []
        # The matrix's own account, so that its hundreds of users, roles and
        # policies stay out of the server's default account.
        self.main = self.new_account("matrix-main")
        self.acct = self.main.id
        self.root = self.main.root
        self._other = None
        self._org = None
        self.objects = {}
        self.bucket = self.uid("matrix")
        s3 = self.root.client("s3")
        s3.create_bucket(Bucket=self.bucket)
        for key in ("public/a.txt", "public/b.txt", "private/secret.txt", "reports/2024/r.csv"):
            self.put_object(key)
        self.table = self.uid("matrix")
        self.root.client("dynamodb").create_table(
            TableName=self.table,
            KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        self.table_arn = f"arn:aws:dynamodb:{REGION}:{self.acct}:table/{self.table}"

    # ------------------------------------------------------------ naming, accounts

    @staticmethod
    def uid(prefix="m"):
        return f"{prefix}-{uuid.uuid4().hex[:12]}"

    def new_account(self, name="matrix"):
        status, body = admin_api(self.endpoint, "POST", "/_simfra/accounts", {"Name": name})
        assert status in (200, 201), body
        self.made_accounts.append(body["AccountId"])
        acct = body["AccountId"]
        made = Account(acct, Principal(self, account_root(acct), body["RootAccessKeyId"], body["RootSecretAccessKey"],
                                       account=acct, kind="root"))
        self.known_accounts.append(made)
        return made

    @property
    def other(self):
        """A second account, for cross-account cases."""
        if self._other is None:
            self._other = self.new_account("matrix-other")
        return self._other

    def close(self):
        if self._org is not None:
            orgs = self._org["client"]
            try:
                for a in orgs.list_accounts()["Accounts"]:
                    if a["Id"] != self._org["account"].id:
                        orgs.remove_account_from_organization(AccountId=a["Id"])
                orgs.delete_organization()
            except ClientError:
                pass
        for a in self.made_accounts:
            admin_api(self.endpoint, "DELETE", f"/_simfra/accounts/{a}")

    # ------------------------------------------------------------ IAM entities

    def _acct(self, account):
        return account or self.main

    def managed(self, policy, account=None):
        """A customer managed policy made from a statement or document: its ARN."""
        iam = self._acct(account).root.client("iam")
        return iam.create_policy(PolicyName=self.uid("pol"), PolicyDocument=json.dumps(as_doc(policy)))["Policy"]["Arn"]

    def _policy_arn(self, p, account):
        return p if isinstance(p, str) else self.managed(p, account)

    def user(self, *inline, managed=(), attach=(), groups=(), boundary=None, tags=None, account=None, path="/"):
        """An IAM user with an access key; `inline` are statements or documents
        put as inline policies, `managed` made into customer managed policies
        and attached, `attach` ARNs attached as they are."""
        acct = self._acct(account)
        iam = acct.root.client("iam")
        name = self.uid("user")
        extra = {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]} if tags else {}
        arn = iam.create_user(UserName=name, Path=path, **extra)["User"]["Arn"]
        for i, p in enumerate(inline):
            iam.put_user_policy(UserName=name, PolicyName=f"inline{i}", PolicyDocument=json.dumps(as_doc(p)))
        for p in managed:
            iam.attach_user_policy(UserName=name, PolicyArn=self.managed(p, acct))
        for a in attach:
            iam.attach_user_policy(UserName=name, PolicyArn=a)
        for g in groups:
            iam.add_user_to_group(GroupName=g, UserName=name)
        if boundary is not None:
            iam.put_user_permissions_boundary(UserName=name, PermissionsBoundary=self._policy_arn(boundary, acct))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return Principal(self, arn, key["AccessKeyId"], key["SecretAccessKey"], account=acct.id, name=name, kind="user")

    def _account_of(self, who):
        return next(a for a in self.known_accounts if a.id == who.account)

    def grant(self, who, *inline, account=None):
        """More inline policies for an existing user (for policies that name the user)."""
        iam = self._acct(account).root.client("iam")
        for p in inline:
            iam.put_user_policy(UserName=who.name, PolicyName=self.uid("later"), PolicyDocument=json.dumps(as_doc(p)))
        return who

    def group(self, *inline, managed=(), attach=(), account=None):
        acct = self._acct(account)
        iam = acct.root.client("iam")
        name = self.uid("group")
        iam.create_group(GroupName=name)
        for i, p in enumerate(inline):
            iam.put_group_policy(GroupName=name, PolicyName=f"inline{i}", PolicyDocument=json.dumps(as_doc(p)))
        for p in managed:
            iam.attach_group_policy(GroupName=name, PolicyArn=self.managed(p, acct))
        for a in attach:
            iam.attach_group_policy(GroupName=name, PolicyArn=a)
        return name

    def role(self, trust_policy, *inline, managed=(), attach=(), boundary=None, tags=None, account=None, max_session=None):
        acct = self._acct(account)
        iam = acct.root.client("iam")
        name = self.uid("role")
        extra = {"Tags": [{"Key": k, "Value": v} for k, v in tags.items()]} if tags else {}
        if max_session:
            extra["MaxSessionDuration"] = max_session
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust_policy), **extra)["Role"]["Arn"]
        for i, p in enumerate(inline):
            iam.put_role_policy(RoleName=name, PolicyName=f"inline{i}", PolicyDocument=json.dumps(as_doc(p)))
        for p in managed:
            iam.attach_role_policy(RoleName=name, PolicyArn=self.managed(p, acct))
        for a in attach:
            iam.attach_role_policy(RoleName=name, PolicyArn=a)
        if boundary is not None:
            iam.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=self._policy_arn(boundary, acct))
        return Role(name, arn, acct.id)

    def iam(self, account=None):
        return self._acct(account).root.client("iam")

    # ------------------------------------------------------------ STS sessions

    def _session(self, creds, arn, account, kind, name=None):
        return Principal(self, arn, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"],
                         account=account, name=name, kind=kind)

    def assume(self, who, role, session=None, **kw):
        """`who` assumes `role` (setup: must succeed)."""
        session = session or self.uid("s")[:32]
        try:
            out = who.client("sts").assume_role(RoleArn=role.arn, RoleSessionName=session, **kw)
        except ClientError as e:
            raise AssertionError(f"setup: {who} could not assume {role.arn}: {fmt_error(e)}") from None
        return self._session(out["Credentials"], out["AssumedRoleUser"]["Arn"], role.account, "assumed-role", session)

    def federate(self, who, name=None, **kw):
        name = name or self.uid("fed")[:32]
        try:
            out = who.client("sts").get_federation_token(Name=name, **kw)
        except ClientError as e:
            raise AssertionError(f"setup: {who} could not get a federation token: {fmt_error(e)}") from None
        return self._session(out["Credentials"], out["FederatedUser"]["Arn"], who.account, "federated-user", name)

    def session_token(self, who, **kw):
        """`who`'s GetSessionToken credentials. AWS needs no permission for
        GetSessionToken ("session/session-token-needs-no-permission" tests that)."""
        out = who.client("sts").get_session_token(**kw)
        return self._session(out["Credentials"], who.arn, who.account, "session", who.name)

    # ------------------------------------------------------------ resources

    def put_object(self, key, bucket=None, body=None):
        bucket = bucket or self.bucket
        body = body if body is not None else f"{bucket}/{key}".encode()
        self.root.client("s3").put_object(Bucket=bucket, Key=key, Body=body)
        self.objects[(bucket, key)] = body
        return key

    def object_exists(self, key, bucket=None):
        try:
            self.root.client("s3").head_object(Bucket=bucket or self.bucket, Key=key)
            return True
        except ClientError:
            return False

    def queue(self, policy=None, account=None, name=None, tags=None):
        """A new queue (owned by `account`, default the main one); `policy`
        is a function of the queue ARN giving its queue policy."""
        acct = self._acct(account)
        sqs = acct.root.client("sqs")
        name = name or self.uid("q")
        url = sqs.create_queue(QueueName=name, **({"tags": tags} if tags else {}))["QueueUrl"]
        arn = f"arn:aws:sqs:{REGION}:{acct.id}:{name}"
        q = Queue(name, url, arn, acct)
        if policy is not None:
            self.set_queue_policy(q, policy(arn))
        return q

    def set_queue_policy(self, q, policy):
        q.account.root.client("sqs").set_queue_attributes(QueueUrl=q.url, Attributes={"Policy": json.dumps(policy)})

    def queue_messages(self, q):
        got = q.account.root.client("sqs").receive_message(QueueUrl=q.url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
        return [m["Body"] for m in got.get("Messages", [])]

    # ------------------------------------------------------------ operations: S3

    def s3_get(self, key, bucket=None):
        bucket = bucket or self.bucket

        def proven(body):
            assert body == self.objects[(bucket, key)], f"GetObject returned {body!r}"

        return Op("s3", lambda c: c.get_object(Bucket=bucket, Key=key)["Body"].read(), "s3:GetObject",
                  f"arn:aws:s3:::{bucket}/{key}", after_allow=proven)

    def s3_put(self, key=None, bucket=None):
        bucket = bucket or self.bucket
        key = key or f"uploads/{self.uid('obj')}"
        body = self.uid("body").encode()

        def proven(_):
            got = self.root.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
            assert got == body, "PutObject did not store the object"

        def nothing():
            assert not self.object_exists(key, bucket), f"a refused PutObject created {key}"

        return Op("s3", lambda c: c.put_object(Bucket=bucket, Key=key, Body=body), "s3:PutObject",
                  f"arn:aws:s3:::{bucket}/{key}", after_allow=proven, after_deny=nothing)

    def s3_delete(self, key=None, bucket=None):
        bucket = bucket or self.bucket
        key = self.put_object(key or f"doomed/{self.uid('obj')}", bucket)

        def proven(_):
            assert not self.object_exists(key, bucket), "DeleteObject left the object"
            self.objects.pop((bucket, key), None)

        def nothing():
            assert self.object_exists(key, bucket), "a refused DeleteObject deleted the object"

        return Op("s3", lambda c: c.delete_object(Bucket=bucket, Key=key), "s3:DeleteObject",
                  f"arn:aws:s3:::{bucket}/{key}", after_allow=proven, after_deny=nothing)

    def s3_list(self, prefix=None, max_keys=None, bucket=None):
        bucket = bucket or self.bucket
        kw = {"Bucket": bucket}
        if prefix is not None:
            kw["Prefix"] = prefix
        if max_keys is not None:
            kw["MaxKeys"] = max_keys

        def proven(out):
            listed = {o["Key"] for o in out.get("Contents", [])}
            expected = {k for (b, k) in self.objects if b == bucket and k.startswith(prefix or "")}
            if max_keys is None:
                assert expected <= listed, f"ListObjectsV2 missed {expected - listed}"
            assert all(k.startswith(prefix or "") for k in listed)

        return Op("s3", lambda c: c.list_objects_v2(**kw), "s3:ListBucket", f"arn:aws:s3:::{bucket}", after_allow=proven)

    def s3_list_buckets(self):
        def proven(out):
            assert self.bucket in [b["Name"] for b in out["Buckets"]]

        return Op("s3", lambda c: c.list_buckets(), "s3:ListAllMyBuckets", None, after_allow=proven)

    def s3_create_bucket(self):
        name = self.uid("mb")

        def exists():
            try:
                self.root.client("s3").head_bucket(Bucket=name)
                return True
            except ClientError:
                return False

        def proven(_):
            assert exists(), "CreateBucket did not create the bucket"

        def nothing():
            assert not exists(), "a refused CreateBucket created the bucket"

        return Op("s3", lambda c: c.create_bucket(Bucket=name), "s3:CreateBucket", f"arn:aws:s3:::{name}",
                  after_allow=proven, after_deny=nothing)

    # ------------------------------------------------------------ operations: SQS

    def sqs_send(self, q=None, region=REGION):
        q = q or self.queue()
        body = self.uid("msg")

        def proven(out):
            assert out.get("MessageId")
            assert body in self.queue_messages(q), "the sent message is not in the queue"

        def nothing():
            assert body not in self.queue_messages(q), "a refused SendMessage enqueued the message"

        return Op("sqs", lambda c: c.send_message(QueueUrl=q.url, MessageBody=body), "sqs:SendMessage", q.arn,
                  region=region, after_allow=proven, after_deny=nothing)

    def sqs_receive(self, q=None):
        q = q or self.queue()
        body = self.uid("waiting")
        q.account.root.client("sqs").send_message(QueueUrl=q.url, MessageBody=body)

        def proven(out):
            assert body in [m["Body"] for m in out.get("Messages", [])], "ReceiveMessage did not return the message"

        return Op("sqs", lambda c: c.receive_message(QueueUrl=q.url, MaxNumberOfMessages=10, WaitTimeSeconds=0),
                  "sqs:ReceiveMessage", q.arn, after_allow=proven)

    def sqs_attributes(self, q=None):
        q = q or self.queue()

        def proven(out):
            assert out["Attributes"]["QueueArn"] == q.arn

        return Op("sqs", lambda c: c.get_queue_attributes(QueueUrl=q.url, AttributeNames=["QueueArn"]),
                  "sqs:GetQueueAttributes", q.arn, after_allow=proven)

    def sqs_list(self, region=REGION):
        return Op("sqs", lambda c: c.list_queues(), "sqs:ListQueues", None, region=region)

    def sqs_create(self, name=None, tags=None, account=None):
        acct = self._acct(account)
        name = name or self.uid("newq")

        def exists():
            try:
                acct.root.client("sqs").get_queue_url(QueueName=name)
                return True
            except ClientError:
                return False

        def proven(out):
            assert out["QueueUrl"].endswith(f"/{acct.id}/{name}"), out["QueueUrl"]
            assert exists()

        def nothing():
            assert not exists(), "a refused CreateQueue created the queue"

        kw = {"QueueName": name, **({"tags": tags} if tags else {})}
        return Op("sqs", lambda c: c.create_queue(**kw), "sqs:CreateQueue", f"arn:aws:sqs:{REGION}:{acct.id}:{name}",
                  after_allow=proven, after_deny=nothing)

    def sqs_tag(self, q=None, tags=None):
        q = q or self.queue()
        tags = tags or {"team": "blue"}

        def current():
            return q.account.root.client("sqs").list_queue_tags(QueueUrl=q.url).get("Tags", {})

        def proven(_):
            assert all(current().get(k) == v for k, v in tags.items()), "TagQueue did not tag"

        def nothing():
            assert not any(k in current() for k in tags), "a refused TagQueue tagged the queue"

        return Op("sqs", lambda c: c.tag_queue(QueueUrl=q.url, Tags=tags), "sqs:TagQueue", q.arn,
                  after_allow=proven, after_deny=nothing)

    # ------------------------------------------------------------ operations: others

    def ddb_put(self, table=None):
        table = table or self.table
        k = self.uid("item")

        def stored():
            return "Item" in self.root.client("dynamodb").get_item(TableName=table, Key={"k": {"S": k}})

        def proven(_):
            assert stored(), "PutItem did not store the item"

        def nothing():
            assert not stored(), "a refused PutItem stored the item"

        return Op("dynamodb", lambda c: c.put_item(TableName=table, Item={"k": {"S": k}}), "dynamodb:PutItem",
                  f"arn:aws:dynamodb:{REGION}:{self.acct}:table/{table}", after_allow=proven, after_deny=nothing)

    def ddb_get(self, table=None):
        table = table or self.table
        k = self.uid("item")
        self.root.client("dynamodb").put_item(TableName=table, Item={"k": {"S": k}, "v": {"S": "stored"}})

        def proven(out):
            assert out["Item"]["v"]["S"] == "stored"

        return Op("dynamodb", lambda c: c.get_item(TableName=table, Key={"k": {"S": k}}), "dynamodb:GetItem",
                  f"arn:aws:dynamodb:{REGION}:{self.acct}:table/{table}", after_allow=proven)

    def ddb_describe(self, table=None):
        table = table or self.table
        return Op("dynamodb", lambda c: c.describe_table(TableName=table), "dynamodb:DescribeTable",
                  f"arn:aws:dynamodb:{REGION}:{self.acct}:table/{table}")

    def sns_create_topic(self):
        name = self.uid("topic")
        arn = f"arn:aws:sns:{REGION}:{self.acct}:{name}"

        def listed():
            return arn in [t["TopicArn"] for t in self.root.client("sns").list_topics().get("Topics", [])]

        def proven(out):
            assert out["TopicArn"] == arn and listed()

        def nothing():
            assert not listed(), "a refused CreateTopic created the topic"

        return Op("sns", lambda c: c.create_topic(Name=name), "sns:CreateTopic", arn, after_allow=proven, after_deny=nothing)

    def sns_list_topics(self):
        return Op("sns", lambda c: c.list_topics(), "sns:ListTopics", None)

    def ec2_describe_regions(self):
        def proven(out):
            assert REGION in [r["RegionName"] for r in out["Regions"]]

        return Op("ec2", lambda c: c.describe_regions(), "ec2:DescribeRegions", None, after_allow=proven)

    def iam_list_users(self, account=None):
        return Op("iam", lambda c: c.list_users(), "iam:ListUsers", None)

    def iam_get_user(self, name, account=None):
        acct = self._acct(account)

        def proven(out):
            assert out["User"]["UserName"] == name

        return Op("iam", lambda c: c.get_user(UserName=name), "iam:GetUser", f"arn:aws:iam::{acct.id}:user/{name}",
                  after_allow=proven)

    def sts_assume(self, role, session="matrix", **kw):
        def proven(out):
            assert out["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{role.account}:assumed-role/{role.name}/{session}"
            assert out["Credentials"]["AccessKeyId"].startswith("ASIA")

        return Op("sts", lambda c: c.assume_role(RoleArn=role.arn, RoleSessionName=session, **kw), "sts:AssumeRole",
                  role.arn, after_allow=proven)

    def sts_federation_token(self, **kw):
        return Op("sts", lambda c: c.get_federation_token(Name="matrix-fed", **kw), "sts:GetFederationToken", None)

    # ------------------------------------------------------------ expectations

    def allow(self, who, op):
        """`who` may do `op`: it succeeds and has its effect."""
        try:
            out = op.call(who.client(op.service, op.region))
        except ClientError as e:
            raise AssertionError(f"{who} → {op.action}: expected success, got {fmt_error(e)}") from None
        if op.after_allow:
            op.after_allow(out)
        return out

    def deny(self, who, op, reason, resource=False):
        """`who` may not do `op`: refused as AWS refuses it (code, status,
        principal, action, reason; the resource too when `resource`), and
        nothing happened."""
        try:
            op.call(who.client(op.service, op.region))
        except ClientError as e:
            problems = denial_problems(e, who.arn, op, reason, resource)
            if problems:
                raise AssertionError(f"{who} → {op.action} ({reason}): " + "; ".join(problems) + f"\n    got {fmt_error(e)}") from None
        else:
            raise AssertionError(f"{who} → {op.action}: expected a denial ({reason}), but the request succeeded")
        if op.after_deny:
            op.after_deny()

    def refuse(self, who, op, code, status, message=None, message_prefix=None):
        """`who` may not do `op`, refused with this code/status (and message),
        for refusals outside the policy evaluation sentence (trust policies, STS rules)."""
        try:
            op.call(who.client(op.service, op.region))
        except ClientError as e:
            got_code = e.response.get("Error", {}).get("Code")
            got_status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            got_message = e.response.get("Error", {}).get("Message", "")
            problems = []
            if (got_code, got_status) != (code, status):
                problems.append(f"expected {code} with HTTP {status}")
            if message is not None and got_message != message:
                problems.append(f"expected the message {message!r}")
            if message_prefix is not None and not got_message.startswith(message_prefix):
                problems.append(f"expected the message to start with {message_prefix!r}")
            if problems:
                raise AssertionError(f"{who} → {op.action}: " + "; ".join(problems) + f"\n    got {fmt_error(e)}") from None
        else:
            raise AssertionError(f"{who} → {op.action}: expected {code}, but the request succeeded")
        if op.after_deny:
            op.after_deny()

    def trust_denied(self, who, role, **kw):
        """AssumeRole refused because the role's trust policy does not let `who` in."""
        self.refuse(who, self.sts_assume(role, **kw), "AccessDenied", 403,
                    message_prefix=f"User: {who.arn} is not authorized to perform: sts:AssumeRole on resource: {role.arn}")

    # ------------------------------------------------------------ Organizations

    def org(self):
        """An organization (all features, SCPs enabled) managed by a fresh account."""
        if self._org is None:
            mgmt = self.new_account("matrix-org")
            orgs = mgmt.root.client("organizations")
            orgs.create_organization(FeatureSet="ALL")
            root_id = orgs.list_roots()["Roots"][0]["Id"]
            orgs.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
            self._org = {"account": mgmt, "client": orgs, "root": root_id}
        return self._org

    def member(self, ou=None):
        """A new account that joined the organization (optionally moved into `ou`)."""
        o = self.org()
        acct = self.new_account("matrix-member")
        hs = o["client"].invite_account_to_organization(Target={"Id": acct.id, "Type": "ACCOUNT"})["Handshake"]
        acct.root.client("organizations").accept_handshake(HandshakeId=hs["Id"])
        if ou is not None:
            o["client"].move_account(AccountId=acct.id, SourceParentId=o["root"], DestinationParentId=ou)
        return acct

    def ou(self, name=None):
        o = self.org()
        return o["client"].create_organizational_unit(ParentId=o["root"], Name=name or self.uid("ou"))["OrganizationalUnit"]["Id"]

    def scp(self, policy, *targets):
        o = self.org()
        pid = o["client"].create_policy(Content=json.dumps(as_doc(policy)), Description="matrix", Name=self.uid("scp"),
                                        Type="SERVICE_CONTROL_POLICY")["Policy"]["PolicySummary"]["Id"]
        for t in targets:
            o["client"].attach_policy(PolicyId=pid, TargetId=t)
        return pid


# ================================================================ the cases
#
# Reading guide: `w.user(allow("sqs:SendMessage"))` is an IAM user whose
# inline policy allows that action on "*"; `w.allow(p, op)` asserts the
# request succeeds and did its effect; `w.deny(p, op, "no-identity")`
# asserts AWS's refusal with that reason clause (see REASONS) and that
# nothing happened.

# ---------------------------------------------------------------- implicit deny and the root user


@case("implicit/sqs-send-message", "eval-denyallow")
def _(w):
    w.deny(w.user(), w.sqs_send(), "no-identity")


@case("implicit/sqs-create-queue", "eval-denyallow")
def _(w):
    w.deny(w.user(), w.sqs_create(), "no-identity")


@case("implicit/s3-get-object", "eval-denyallow", "s3-403")
def _(w):
    w.deny(w.user(), w.s3_get("public/a.txt"), "no-identity")


@case("implicit/s3-put-object", "eval-denyallow", "s3-403")
def _(w):
    w.deny(w.user(), w.s3_put(), "no-identity")


@case("implicit/s3-list-bucket", "eval-denyallow", "s3-actions")
def _(w):
    # ListObjectsV2 is authorized as s3:ListBucket on the bucket.
    w.deny(w.user(), w.s3_list(), "no-identity", resource=True)


@case("implicit/s3-list-all-my-buckets", "eval-denyallow", "s3-actions")
def _(w):
    w.deny(w.user(), w.s3_list_buckets(), "no-identity", resource=True)


@case("implicit/dynamodb-put-item", "eval-denyallow", "ddb-errors")
def _(w):
    w.deny(w.user(), w.ddb_put(), "no-identity")


@case("implicit/sns-create-topic", "eval-denyallow", "sns-errors")
def _(w):
    w.deny(w.user(), w.sns_create_topic(), "no-identity")


@case("implicit/ec2-describe-regions", "eval-denyallow", "ec2-errors")
def _(w):
    w.deny(w.user(), w.ec2_describe_regions(), "no-identity")


@case("implicit/iam-list-users", "eval-denyallow")
def _(w):
    w.deny(w.user(), w.iam_list_users(), "no-identity")


@case("implicit/sts-get-federation-token", "eval-denyallow", "federation-token")
def _(w):
    w.deny(w.user(), w.sts_federation_token(), "no-identity")


@case("implicit/policy-for-another-action-does-not-allow", "eval-denyallow")
def _(w):
    w.deny(w.user(allow("sqs:ReceiveMessage")), w.sqs_send(), "no-identity")


@case("implicit/another-users-policy-does-not-apply", "eval-denyallow")
def _(w):
    w.user(allow("sqs:SendMessage"))
    w.deny(w.user(), w.sqs_send(), "no-identity")


def _caller_identity(expected_arn):
    def proven(out):
        assert out["Arn"] == expected_arn, out

    return Op("sts", lambda c: c.get_caller_identity(), "sts:GetCallerIdentity", None, after_allow=proven)


@case("caller-identity/needs-no-permission", "caller-identity")
def _(w):
    u = w.user()
    w.allow(u, _caller_identity(u.arn))


@case("caller-identity/explicit-deny-does-not-stop-it", "caller-identity")
def _(w):
    # "No permissions are required ... If an administrator attaches a policy to
    # your identity that explicitly denies access to sts:GetCallerIdentity, you
    # can still perform this operation."
    u = w.user(deny("sts:GetCallerIdentity"), deny("*"))
    w.allow(u, _caller_identity(u.arn))


@case("root/bypasses-iam-in-its-account", "eval-denyallow")
def _(w):
    # "all requests are implicitly denied with the exception of the AWS account root user, which has full access"
    w.allow(w.root, w.sqs_send())
    w.allow(w.root, w.s3_put())


@case("root/session-token-keeps-root-permissions", "eval-denyallow", "session-token")
def _(w):
    s = w.session_token(w.root, DurationSeconds=900)
    w.allow(s, w.sqs_create())


@case("access-keys/inactive-key-is-rejected", "access-keys")
def _(w):
    u = w.user(allow("*"))
    w.iam().update_access_key(UserName=u.name, AccessKeyId=u.key, Status="Inactive")
    w.refuse(u, _caller_identity(u.arn), "InvalidClientTokenId", 403,
             message="The security token included in the request is invalid.")


# ---------------------------------------------------------------- where an allow comes from


@case("identity/inline-user-policy-allows-sqs", "eval-single")
def _(w):
    w.allow(w.user(allow("sqs:SendMessage")), w.sqs_send())


@case("identity/inline-user-policy-allows-s3-get", "eval-single")
def _(w):
    w.allow(w.user(allow("s3:GetObject")), w.s3_get("public/a.txt"))


@case("identity/inline-user-policy-allows-s3-put", "eval-single")
def _(w):
    w.allow(w.user(allow("s3:PutObject")), w.s3_put())


@case("identity/inline-user-policy-allows-s3-delete", "eval-single")
def _(w):
    w.allow(w.user(allow("s3:DeleteObject")), w.s3_delete())


@case("identity/inline-user-policy-allows-dynamodb", "eval-single")
def _(w):
    u = w.user(allow(["dynamodb:PutItem", "dynamodb:GetItem"]))
    w.allow(u, w.ddb_put())
    w.allow(u, w.ddb_get())


@case("identity/inline-user-policy-allows-sns", "eval-single")
def _(w):
    w.allow(w.user(allow("sns:CreateTopic")), w.sns_create_topic())


@case("identity/inline-user-policy-allows-ec2", "eval-single")
def _(w):
    w.allow(w.user(allow("ec2:DescribeRegions")), w.ec2_describe_regions())


@case("identity/inline-user-policy-allows-iam", "eval-single")
def _(w):
    u = w.user(allow("iam:GetUser"))
    w.allow(u, w.iam_get_user(u.name))


@case("identity/customer-managed-policy-allows", "managed-vs-inline")
def _(w):
    w.allow(w.user(managed=[allow("sqs:SendMessage")]), w.sqs_send())


@case("identity/new-default-policy-version-applies-at-once", "managed-versions")
def _(w):
    arn = w.managed(allow("sqs:ReceiveMessage"))
    u = w.user(attach=[arn])
    w.deny(u, w.sqs_send(), "no-identity")
    w.iam().create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(doc(allow("sqs:SendMessage"))), SetAsDefault=True)
    w.allow(u, w.sqs_send())


@case("identity/non-default-policy-version-is-ignored", "managed-versions")
def _(w):
    arn = w.managed(allow("sqs:ReceiveMessage"))
    u = w.user(attach=[arn])
    w.iam().create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(doc(allow("sqs:SendMessage"))), SetAsDefault=False)
    w.deny(u, w.sqs_send(), "no-identity")


@case("identity/group-inline-policy-allows", "groups")
def _(w):
    w.allow(w.user(groups=[w.group(allow("sqs:SendMessage"))]), w.sqs_send())


@case("identity/group-managed-policy-allows", "groups")
def _(w):
    w.allow(w.user(groups=[w.group(managed=[allow("sqs:SendMessage")])]), w.sqs_send())


@case("identity/two-groups-grant-the-union", "groups", "eval-single")
def _(w):
    u = w.user(groups=[w.group(allow("sqs:SendMessage")), w.group(allow("s3:GetObject"))])
    w.allow(u, w.sqs_send())
    w.allow(u, w.s3_get("public/b.txt"))


@case("identity/inline-and-managed-grant-the-union", "managed-vs-inline", "eval-single")
def _(w):
    u = w.user(allow("sqs:SendMessage"), managed=[allow("sqs:ReceiveMessage")])
    w.allow(u, w.sqs_send())
    w.allow(u, w.sqs_receive())


@case("identity/aws-managed-administrator-access", "aws-managed")
def _(w):
    u = w.user(attach=[ADMIN])
    w.allow(u, w.sqs_send())
    w.allow(u, w.ddb_put())


@case("identity/aws-managed-policy-through-group", "aws-managed", "groups")
def _(w):
    w.allow(w.user(groups=[w.group(attach=[ADMIN])]), w.s3_put())


@case("identity/aws-managed-s3-read-only-allows-get", "aws-managed", needs=("managed:AmazonS3ReadOnlyAccess",))
def _(w):
    w.allow(w.user(attach=[aws_managed("AmazonS3ReadOnlyAccess")]), w.s3_get("public/a.txt"))


@case("identity/aws-managed-s3-read-only-denies-put", "aws-managed", needs=("managed:AmazonS3ReadOnlyAccess",))
def _(w):
    w.deny(w.user(attach=[aws_managed("AmazonS3ReadOnlyAccess")]), w.s3_put(), "no-identity")


@case("identity/aws-managed-sqs-full-access", "aws-managed", needs=("managed:AmazonSQSFullAccess",))
def _(w):
    w.allow(w.user(attach=[aws_managed("AmazonSQSFullAccess")]), w.sqs_send())


@case("identity/aws-managed-sqs-read-only-denies-send", "aws-managed", needs=("managed:AmazonSQSReadOnlyAccess",))
def _(w):
    u = w.user(attach=[aws_managed("AmazonSQSReadOnlyAccess")])
    w.allow(u, w.sqs_attributes())
    w.deny(u, w.sqs_send(), "no-identity")


@case("identity/aws-managed-dynamodb-read-only", "aws-managed", needs=("managed:AmazonDynamoDBReadOnlyAccess",))
def _(w):
    u = w.user(attach=[aws_managed("AmazonDynamoDBReadOnlyAccess")])
    w.allow(u, w.ddb_get())
    w.deny(u, w.ddb_put(), "no-identity")


@case("identity/aws-managed-read-only-access", "aws-managed", needs=("managed:ReadOnlyAccess",))
def _(w):
    u = w.user(attach=[aws_managed("ReadOnlyAccess")])
    w.allow(u, w.sqs_attributes())
    w.deny(u, w.sqs_send(), "no-identity")


@case("identity/aws-managed-power-user-access", "aws-managed", "notaction", needs=("managed:PowerUserAccess",))
def _(w):
    # PowerUserAccess allows everything but IAM (and Organizations, Account) through NotAction.
    u = w.user(attach=[aws_managed("PowerUserAccess")])
    w.allow(u, w.ddb_put())
    w.deny(u, w.iam_list_users(), "no-identity")


@case("identity/user-with-path-is-named-by-its-full-arn", "principal", "eval-denyallow")
def _(w):
    u = w.user(path="/team/matrix/")
    assert u.arn == f"arn:aws:iam::{w.acct}:user/team/matrix/{u.name}", u.arn
    w.deny(u, w.sqs_send(), "no-identity")


@case("identity/role-inline-policy-allows-its-sessions", "eval-single", "assume-role")
def _(w):
    role = w.role(trust(aws(account_root(w.acct))), allow("sqs:SendMessage"))
    s = w.assume(w.user(allow("sts:AssumeRole")), role)
    w.allow(s, w.sqs_send())


@case("identity/role-managed-policy-allows-its-sessions", "eval-single", "assume-role")
def _(w):
    role = w.role(trust(aws(account_root(w.acct))), managed=[allow("s3:PutObject")])
    s = w.assume(w.user(allow("sts:AssumeRole")), role)
    w.allow(s, w.s3_put())


@case("identity/role-session-denied-what-the-role-lacks", "eval-single", "assume-role")
def _(w):
    role = w.role(trust(aws(account_root(w.acct))), allow("sqs:SendMessage"))
    s = w.assume(w.user(allow("sts:AssumeRole")), role)
    assert s.arn == f"arn:aws:sts::{w.acct}:assumed-role/{role.name}/{s.name}"
    w.deny(s, w.s3_put(), "no-identity")


@case("identity/the-user-does-not-keep-the-roles-permissions", "eval-single", "assume-role")
def _(w):
    role = w.role(trust(aws(account_root(w.acct))), allow("sqs:SendMessage"))
    u = w.user(allow("sts:AssumeRole"))
    w.assume(u, role)
    w.deny(u, w.sqs_send(), "no-identity")


# ---------------------------------------------------------------- changes take effect at once


@case("changes/deleting-an-inline-policy-revokes", "eval-single")
def _(w):
    u = w.user(allow("sqs:SendMessage"))
    w.allow(u, w.sqs_send())
    w.iam().delete_user_policy(UserName=u.name, PolicyName="inline0")
    w.deny(u, w.sqs_send(), "no-identity")


@case("changes/detaching-a-managed-policy-revokes", "managed-vs-inline")
def _(w):
    arn = w.managed(allow("sqs:SendMessage"))
    u = w.user(attach=[arn])
    w.allow(u, w.sqs_send())
    w.iam().detach_user_policy(UserName=u.name, PolicyArn=arn)
    w.deny(u, w.sqs_send(), "no-identity")


@case("changes/leaving-a-group-revokes", "groups")
def _(w):
    g = w.group(allow("sqs:SendMessage"))
    u = w.user(groups=[g])
    w.allow(u, w.sqs_send())
    w.iam().remove_user_from_group(GroupName=g, UserName=u.name)
    w.deny(u, w.sqs_send(), "no-identity")


@case("changes/adding-a-deny-revokes", "eval-denyallow")
def _(w):
    u = w.user(allow("sqs:*"))
    w.allow(u, w.sqs_send())
    w.iam().put_user_policy(UserName=u.name, PolicyName="later-deny", PolicyDocument=json.dumps(doc(deny("sqs:SendMessage"))))
    w.deny(u, w.sqs_send(), "deny-identity")


# ---------------------------------------------------------------- an explicit deny wins


@case("deny/identity-deny-beats-allow-in-the-same-policy", "eval-denyallow")
def _(w):
    w.deny(w.user(doc(allow("sqs:*"), deny("sqs:SendMessage"))), w.sqs_send(), "deny-identity")


@case("deny/identity-deny-in-another-inline-policy", "eval-denyallow")
def _(w):
    w.deny(w.user(allow("sqs:*"), deny("sqs:SendMessage")), w.sqs_send(), "deny-identity")


@case("deny/managed-policy-deny-beats-inline-allow", "eval-denyallow", "managed-vs-inline")
def _(w):
    w.deny(w.user(allow("sqs:SendMessage"), managed=[deny("sqs:SendMessage")]), w.sqs_send(), "deny-identity")


@case("deny/group-deny-beats-user-allow", "eval-denyallow", "groups")
def _(w):
    w.deny(w.user(allow("sqs:SendMessage"), groups=[w.group(deny("sqs:*"))]), w.sqs_send(), "deny-identity")


@case("deny/deny-beats-administrator-access", "eval-denyallow", "aws-managed")
def _(w):
    w.deny(w.user(deny("s3:PutObject"), attach=[ADMIN]), w.s3_put(), "deny-identity")


@case("deny/wildcard-action-deny", "eval-denyallow", "action")
def _(w):
    w.deny(w.user(allow("*"), deny("sqs:Send*")), w.sqs_send(), "deny-identity")


@case("deny/deny-everything", "eval-denyallow", "action")
def _(w):
    w.deny(w.user(attach=[ADMIN], managed=[deny("*")]), w.ddb_put(), "deny-identity")


@case("deny/deny-of-another-action-does-not-block", "eval-denyallow")
def _(w):
    w.allow(w.user(allow("sqs:*"), deny("sqs:DeleteQueue")), w.sqs_send())


@case("deny/notaction-deny-blocks-everything-else", "notaction", "eval-denyallow")
def _(w):
    u = w.user(allow("*"), deny(not_action="sqs:ReceiveMessage"))
    w.deny(u, w.sqs_send(), "deny-identity")
    w.allow(u, w.sqs_receive())


@case("deny/deny-with-unmet-condition-does-not-apply", "eval-denyallow", "condition")
def _(w):
    u = w.user(allow("sqs:*"), deny("sqs:SendMessage", condition={"StringEquals": {"aws:username": "somebody-else"}}))
    w.allow(u, w.sqs_send())


@case("deny/deny-with-met-condition-applies", "eval-denyallow", "condition")
def _(w):
    u = w.user(allow("sqs:*"), deny("sqs:SendMessage", condition={"StringLike": {"aws:username": "user-*"}}))
    w.deny(u, w.sqs_send(), "deny-identity")


@case("deny/role-policy-deny-binds-its-sessions", "eval-denyallow", "assume-role")
def _(w):
    role = w.role(trust(aws(account_root(w.acct))), allow("*"), deny("s3:PutObject"))
    s = w.assume(w.user(allow("sts:AssumeRole")), role)
    w.deny(s, w.s3_put(), "deny-identity")


@case("deny/deny-on-one-queue-only", "eval-denyallow", "resource")
def _(w):
    blocked, free = w.queue(), w.queue()
    u = w.user(allow("sqs:SendMessage"), deny("sqs:SendMessage", blocked.arn))
    w.deny(u, w.sqs_send(blocked), "deny-identity", resource=True)
    w.allow(u, w.sqs_send(free))


# ---------------------------------------------------------------- Action matching


@case("action/names-are-case-insensitive", "action")
def _(w):
    # "The prefix and the action name are case insensitive. For example,
    # iam:ListAccessKeys is the same as IAM:listaccesskeys."
    w.allow(w.user(allow("SQS:sendMESSAGE")), w.sqs_send())


@case("action/trailing-wildcard", "action")
def _(w):
    w.allow(w.user(allow("sqs:Send*")), w.sqs_send())


@case("action/leading-wildcard", "action")
def _(w):
    w.allow(w.user(allow("sqs:*Message")), w.sqs_send())


@case("action/single-character-wildcard", "action")
def _(w):
    w.allow(w.user(allow("sqs:SendMessag?")), w.sqs_send())


@case("action/wildcard-that-does-not-match", "action")
def _(w):
    w.deny(w.user(allow("sqs:Receive*")), w.sqs_send(), "no-identity")


@case("action/single-character-wildcard-needs-one-character", "action")
def _(w):
    w.deny(w.user(allow("sqs:SendMessage?")), w.sqs_send(), "no-identity")


@case("action/service-wildcard", "action")
def _(w):
    w.allow(w.user(allow("dynamodb:*")), w.ddb_put())


@case("action/everything", "action")
def _(w):
    w.allow(w.user(allow("*")), w.sns_create_topic())


@case("action/list-of-actions", "action")
def _(w):
    u = w.user(allow(["sqs:ReceiveMessage", "sqs:SendMessage"]))
    w.allow(u, w.sqs_send())
    w.allow(u, w.sqs_receive())


@case("action/same-name-in-another-service-does-not-match", "action")
def _(w):
    w.deny(w.user(allow("sns:SendMessage")), w.sqs_send(), "no-identity")


@case("notaction/allow-everything-but-one-action", "notaction")
def _(w):
    w.allow(w.user(allow(not_action="sqs:DeleteQueue")), w.sqs_send())


@case("notaction/the-excluded-action-is-not-allowed", "notaction")
def _(w):
    w.deny(w.user(allow(not_action="sqs:SendMessage")), w.sqs_send(), "no-identity")


@case("notaction/excluding-a-service", "notaction")
def _(w):
    u = w.user(allow(not_action="iam:*"))
    w.allow(u, w.s3_get("public/a.txt"))
    w.deny(u, w.iam_list_users(), "no-identity")


@case("notaction/wildcards-inside-notaction", "notaction")
def _(w):
    u = w.user(allow(not_action=["sqs:Delete*", "sqs:Purge*"]))
    w.allow(u, w.sqs_send())


# ---------------------------------------------------------------- Resource matching


@case("resource/exact-queue-arn", "resource")
def _(w):
    q = w.queue()
    w.allow(w.user(allow("sqs:SendMessage", q.arn)), w.sqs_send(q))


@case("resource/another-queue-arn", "resource")
def _(w):
    q, other = w.queue(), w.queue()
    w.deny(w.user(allow("sqs:SendMessage", other.arn)), w.sqs_send(q), "no-identity", resource=True)


@case("resource/queue-name-wildcard", "resource")
def _(w):
    q = w.queue(name=w.uid("team-a"))
    w.allow(w.user(allow("sqs:SendMessage", f"arn:aws:sqs:{REGION}:{w.acct}:team-a-*")), w.sqs_send(q))


@case("resource/queue-name-wildcard-miss", "resource")
def _(w):
    q = w.queue(name=w.uid("team-b"))
    w.deny(w.user(allow("sqs:SendMessage", f"arn:aws:sqs:{REGION}:{w.acct}:team-a-*")), w.sqs_send(q), "no-identity", resource=True)


@case("resource/region-and-account-wildcards", "resource")
def _(w):
    q = w.queue()
    w.allow(w.user(allow("sqs:SendMessage", f"arn:aws:sqs:*:*:{q.name}")), w.sqs_send(q))


@case("resource/wrong-region", "resource")
def _(w):
    q = w.queue()
    w.deny(w.user(allow("sqs:SendMessage", f"arn:aws:sqs:us-west-2:{w.acct}:{q.name}")), w.sqs_send(q), "no-identity", resource=True)


@case("resource/wrong-account", "resource")
def _(w):
    q = w.queue()
    w.deny(w.user(allow("sqs:SendMessage", f"arn:aws:sqs:{REGION}:123456789012:{q.name}")), w.sqs_send(q), "no-identity", resource=True)


@case("resource/arns-are-case-sensitive", "resource")
def _(w):
    q = w.queue()
    w.deny(w.user(allow("sqs:SendMessage", q.arn.upper().replace("ARN:AWS:SQS", "arn:aws:sqs"))), w.sqs_send(q), "no-identity")


@case("resource/s3-keys-are-case-sensitive", "resource")
def _(w):
    w.deny(w.user(allow("s3:GetObject", f"arn:aws:s3:::{w.bucket}/PUBLIC/*")), w.s3_get("public/a.txt"), "no-identity", resource=True)


@case("resource/s3-prefix-wildcard", "resource")
def _(w):
    w.allow(w.user(allow("s3:GetObject", f"arn:aws:s3:::{w.bucket}/public/*")), w.s3_get("public/a.txt"))


@case("resource/s3-prefix-wildcard-other-prefix", "resource")
def _(w):
    u = w.user(allow("s3:GetObject", f"arn:aws:s3:::{w.bucket}/public/*"))
    w.deny(u, w.s3_get("private/secret.txt"), "no-identity", resource=True)


@case("resource/s3-wildcard-spans-slashes", "resource")
def _(w):
    w.allow(w.user(allow("s3:GetObject", f"arn:aws:s3:::{w.bucket}/rep*.csv")), w.s3_get("reports/2024/r.csv"))


@case("resource/s3-single-character-wildcard", "resource")
def _(w):
    u = w.user(allow("s3:GetObject", f"arn:aws:s3:::{w.bucket}/public/?.txt"))
    w.allow(u, w.s3_get("public/b.txt"))


@case("resource/bucket-arn-does-not-cover-objects", "resource", "s3-actions")
def _(w):
    w.deny(w.user(allow("s3:GetObject", f"arn:aws:s3:::{w.bucket}")), w.s3_get("public/a.txt"), "no-identity", resource=True)


@case("resource/object-arn-does-not-cover-the-bucket", "resource", "s3-actions")
def _(w):
    w.deny(w.user(allow("s3:ListBucket", f"arn:aws:s3:::{w.bucket}/*")), w.s3_list(), "no-identity", resource=True)


@case("resource/bucket-arn-allows-listing", "resource", "s3-actions")
def _(w):
    w.allow(w.user(allow("s3:ListBucket", f"arn:aws:s3:::{w.bucket}")), w.s3_list())


@case("resource/list-all-my-buckets-on-star", "resource", "s3-actions")
def _(w):
    w.allow(w.user(allow("s3:ListAllMyBuckets")), w.s3_list_buckets())


@case("resource/dynamodb-table-arn", "resource")
def _(w):
    w.allow(w.user(allow("dynamodb:PutItem", w.table_arn)), w.ddb_put())


@case("resource/dynamodb-other-table", "resource")
def _(w):
    u = w.user(allow("dynamodb:PutItem", f"arn:aws:dynamodb:{REGION}:{w.acct}:table/other"))
    w.deny(u, w.ddb_put(), "no-identity", resource=True)


@case("resource/dynamodb-index-arn-is-not-the-table", "resource")
def _(w):
    u = w.user(allow("dynamodb:DescribeTable", f"{w.table_arn}/index/*"))
    w.deny(u, w.ddb_describe(), "no-identity", resource=True)


@case("resource/sns-topic-arn", "resource")
def _(w):
    op = w.sns_create_topic()
    w.allow(w.user(allow("sns:CreateTopic", op.resource)), op)


@case("resource/iam-own-user-arn", "resource")
def _(w):
    u = w.user()
    w.iam().put_user_policy(UserName=u.name, PolicyName="self", PolicyDocument=json.dumps(doc(allow("iam:GetUser", u.arn))))
    w.allow(u, w.iam_get_user(u.name))


@case("resource/iam-user-arn-carries-its-path", "resource")
def _(w):
    # GetUser names the user by name; the ARN it is authorized on has the path.
    u = w.user(path="/division/")
    w.iam().put_user_policy(UserName=u.name, PolicyName="self", PolicyDocument=json.dumps(
        doc(allow("iam:GetUser", f"arn:aws:iam::{w.acct}:user/division/*"))))
    w.allow(u, w.iam_get_user(u.name))
    w.deny(w.user(allow("iam:GetUser", f"arn:aws:iam::{w.acct}:user/{u.name}")), w.iam_get_user(u.name), "no-identity")


@case("resource/iam-other-user-arn", "resource")
def _(w):
    other = w.user()
    u = w.user(allow("iam:GetUser", f"arn:aws:iam::{w.acct}:user/someone-else"))
    w.deny(u, w.iam_get_user(other.name), "no-identity", resource=True)


@case("notresource/allows-only-outside-the-listed-resources", "notresource")
def _(w):
    u = w.user(allow("s3:GetObject", not_resource=f"arn:aws:s3:::{w.bucket}/private/*"))
    w.allow(u, w.s3_get("public/a.txt"))
    w.deny(u, w.s3_get("private/secret.txt"), "no-identity", resource=True)


@case("notresource/deny-everything-but-one-queue", "notresource")
def _(w):
    mine, other = w.queue(), w.queue()
    u = w.user(allow("sqs:*"), deny("sqs:*", not_resource=mine.arn))
    w.allow(u, w.sqs_send(mine))
    w.deny(u, w.sqs_send(other), "deny-identity", resource=True)


@case("statement/one-of-several-statements-matches", "eval-single")
def _(w):
    u = w.user(doc(allow("s3:GetObject"), allow("dynamodb:GetItem"), allow("sqs:SendMessage")))
    w.allow(u, w.sqs_send())


@case("statement/a-single-statement-object", "eval-single")
def _(w):
    w.allow(w.user({"Version": "2012-10-17", "Statement": allow("sqs:SendMessage")}), w.sqs_send())


@case("statement/several-resources-listed", "resource")
def _(w):
    a, b = w.queue(), w.queue()
    u = w.user(allow("sqs:SendMessage", [f"arn:aws:sqs:{REGION}:{w.acct}:nothing", b.arn]))
    w.allow(u, w.sqs_send(b))
    w.deny(u, w.sqs_send(a), "no-identity", resource=True)


# ---------------------------------------------------------------- permissions boundaries


@case("boundary/intersection-allows-what-both-allow", "boundaries")
def _(w):
    u = w.user(allow("sqs:*"), boundary=allow("sqs:SendMessage"))
    w.allow(u, w.sqs_send())


@case("boundary/identity-allow-outside-the-boundary", "boundaries")
def _(w):
    u = w.user(allow(["s3:PutObject", "sqs:SendMessage"]), boundary=allow("sqs:*"))
    w.deny(u, w.s3_put(), "no-boundary")


@case("boundary/grants-nothing-on-its-own", "boundaries")
def _(w):
    # "Policies that are used as permissions boundaries do not provide permissions."
    w.deny(w.user(boundary=allow("*")), w.sqs_send(), "no-identity")


@case("boundary/explicit-deny-in-the-boundary", "boundaries", "eval-denyallow")
def _(w):
    u = w.user(allow("sqs:*"), boundary=doc(allow("*"), deny("sqs:SendMessage")))
    w.deny(u, w.sqs_send(), "deny-boundary")


@case("boundary/aws-managed-policy-as-boundary", "boundaries")
def _(w):
    u = w.user(allow("sqs:SendMessage"), boundary=ADMIN)
    w.allow(u, w.sqs_send())
    w.deny(u, w.s3_put(), "no-identity")


@case("boundary/limits-group-policies", "boundaries", "groups")
def _(w):
    u = w.user(groups=[w.group(allow("sqs:*"))], boundary=allow("s3:*"))
    w.deny(u, w.sqs_send(), "no-boundary")


@case("boundary/limits-administrator-access", "boundaries")
def _(w):
    u = w.user(attach=[ADMIN], boundary=allow("s3:GetObject"))
    w.allow(u, w.s3_get("public/a.txt"))
    w.deny(u, w.ddb_put(), "no-boundary")


@case("boundary/removing-it-restores-access", "boundaries")
def _(w):
    u = w.user(allow("sqs:*"), boundary=allow("s3:*"))
    w.deny(u, w.sqs_send(), "no-boundary")
    w.iam().delete_user_permissions_boundary(UserName=u.name)
    w.allow(u, w.sqs_send())


@case("boundary/new-default-version-of-the-boundary-applies", "boundaries", "managed-versions")
def _(w):
    arn = w.managed(allow("sqs:*"))
    u = w.user(allow("sqs:*"), boundary=arn)
    w.allow(u, w.sqs_send())
    w.iam().create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(doc(allow("sqs:ReceiveMessage"))), SetAsDefault=True)
    w.deny(u, w.sqs_send(), "no-boundary")


@case("boundary/notaction-in-the-boundary", "boundaries", "notaction")
def _(w):
    u = w.user(allow(["sqs:*", "s3:*"]), boundary=allow(not_action="sqs:*"))
    w.allow(u, w.s3_put())
    w.deny(u, w.sqs_send(), "no-boundary")


@case("boundary/condition-in-the-boundary", "boundaries", "global-keys")
def _(w):
    u = w.user(allow("sqs:*"), boundary=allow("sqs:*", condition={"StringEquals": {"aws:RequestedRegion": REGION}}))
    w.allow(u, w.sqs_list())
    w.deny(u, w.sqs_list(region="us-west-2"), "no-boundary")


@case("boundary/on-a-role-limits-its-sessions", "boundaries", "assume-role")
def _(w):
    role = w.role(trust(aws(account_root(w.acct))), allow("sqs:*"), boundary=allow("sqs:ReceiveMessage"))
    s = w.assume(w.user(allow("sts:AssumeRole")), role)
    w.allow(s, w.sqs_receive())
    w.deny(s, w.sqs_send(), "no-boundary")


@case("boundary/of-one-user-does-not-touch-another", "boundaries")
def _(w):
    w.user(allow("sqs:*"), boundary=allow("s3:*"))
    w.allow(w.user(allow("sqs:*")), w.sqs_send())


@case("boundary/resource-policy-naming-the-user-is-not-limited", "boundaries", "eval-single")
def _(w):
    # "Within the same account, resource-based policies that grant permissions
    # to an IAM user ARN ... are not limited by an implicit deny in an
    # identity-based policy or permissions boundary."
    u = w.user(boundary=allow("s3:*"))
    q = w.queue(policy=lambda arn: doc(allow("sqs:SendMessage", arn, principal=aws(u.arn))))
    w.allow(u, w.sqs_send(q))


@case("boundary/resource-policy-naming-the-role-is-limited", "boundaries")
def _(w):
    # "Resource-based policies that grant permissions to an IAM role ARN are
    # limited by an implicit deny in a permissions boundary or session policy."
    role = w.role(trust(aws(account_root(w.acct))), allow("sqs:*"), boundary=allow("s3:*"))
    q = w.queue(policy=lambda arn: doc(allow("sqs:SendMessage", arn, principal=aws(role.arn))))
    s = w.assume(w.user(allow("sts:AssumeRole")), role)
    w.deny(s, w.sqs_send(q), "no-boundary", resource=True)


@case("boundary/resource-policy-naming-the-session-is-not-limited", "boundaries")
def _(w):
    # "resource-based policies that grant permissions to an IAM role session
    # ARN grant permissions directly to the assumed role session ... not
    # limited by an implicit deny in an identity-based policy, a permissions
    # boundary, or session policy."
    role = w.role(trust(aws(account_root(w.acct))), boundary=allow("s3:*"))
    s = w.assume(w.user(allow("sts:AssumeRole")), role)
    q = w.queue(policy=lambda arn: doc(allow("sqs:SendMessage", arn, principal=aws(s.arn))))
    w.allow(s, w.sqs_send(q))


@case("boundary/must-allow-assume-role-even-when-the-trust-names-the-user", "trust-update", "boundaries")
def _(w):
    # "If a user is listed as the principal in a role's trust policy but cannot
    # assume the role, check the user's permissions boundary. If a permissions
    # boundary is set for the user, then it must allow the sts:AssumeRole action."
    u = w.user(boundary=allow("s3:*"))
    role = w.role(trust(aws(u.arn)))
    w.deny(u, w.sts_assume(role), "no-boundary", resource=True)


# ---------------------------------------------------------------- session policies


def _role_for_user(w, *policies, **kw):
    """A role any principal of the main account with sts:AssumeRole may assume, and such a user."""
    role = w.role(trust(aws(account_root(w.acct))), *policies, **kw)
    return role, w.user(allow("sts:AssumeRole"))


@case("session/assume-role-policy-allows-within", "session-policies", "assume-role")
def _(w):
    role, u = _role_for_user(w, allow("sqs:*"))
    s = w.assume(u, role, Policy=json.dumps(doc(allow("sqs:SendMessage"))))
    w.allow(s, w.sqs_send())


@case("session/assume-role-policy-limits-the-role", "session-policies", "assume-role")
def _(w):
    role, u = _role_for_user(w, allow("sqs:*"))
    s = w.assume(u, role, Policy=json.dumps(doc(allow("sqs:SendMessage"))))
    w.deny(s, w.sqs_receive(), "no-session")


@case("session/assume-role-policy-cannot-add-permissions", "session-policies", "assume-role")
def _(w):
    # "You cannot use session policies to grant more permissions than those
    # allowed by the identity-based policy of the role that is being assumed."
    role, u = _role_for_user(w, allow("sqs:SendMessage"))
    s = w.assume(u, role, Policy=json.dumps(doc(allow("*"))))
    w.deny(s, w.s3_put(), "no-identity")


@case("session/assume-role-policy-explicit-deny", "session-policies", "eval-denyallow")
def _(w):
    role, u = _role_for_user(w, allow("sqs:*"))
    s = w.assume(u, role, Policy=json.dumps(doc(allow("*"), deny("sqs:SendMessage"))))
    w.deny(s, w.sqs_send(), "deny-session")


@case("session/assume-role-policy-arns-limit", "session-policies", "assume-role")
def _(w):
    role, u = _role_for_user(w, allow("sqs:*"))
    s = w.assume(u, role, PolicyArns=[{"arn": w.managed(allow("sqs:ReceiveMessage"))}])
    w.allow(s, w.sqs_receive())
    w.deny(s, w.sqs_send(), "no-session")


@case("session/assume-role-policy-arns-administrator-access", "session-policies", "assume-role")
def _(w):
    role, u = _role_for_user(w, allow("sqs:SendMessage"))
    s = w.assume(u, role, PolicyArns=[{"arn": ADMIN}])
    w.allow(s, w.sqs_send())
    w.deny(s, w.s3_put(), "no-identity")


@case("session/assume-role-policy-arns-explicit-deny", "session-policies", "eval-denyallow")
def _(w):
    role, u = _role_for_user(w, allow("sqs:*"))
    s = w.assume(u, role, PolicyArns=[{"arn": ADMIN}, {"arn": w.managed(deny("sqs:SendMessage"))}])
    w.deny(s, w.sqs_send(), "deny-session")


@case("session/no-session-policy-keeps-the-roles-permissions", "session-policies", "assume-role")
def _(w):
    role, u = _role_for_user(w, allow("sqs:*"))
    w.allow(w.assume(u, role), w.sqs_send())


@case("session/condition-in-the-session-policy", "session-policies", "global-keys")
def _(w):
    role, u = _role_for_user(w, allow("sqs:*"))
    s = w.assume(u, role, Policy=json.dumps(doc(allow("sqs:*", condition={"StringEquals": {"aws:RequestedRegion": REGION}}))))
    w.allow(s, w.sqs_list())
    w.deny(s, w.sqs_list(region="us-west-2"), "no-session")


@case("session/federation-token-policy-allows-within", "federation-token", "session-policies")
def _(w):
    u = w.user(allow(["sqs:*", "sts:GetFederationToken"]))
    f = w.federate(u, Policy=json.dumps(doc(allow("sqs:SendMessage"))))
    assert f.arn == f"arn:aws:sts::{w.acct}:federated-user/{f.name}"
    w.allow(f, w.sqs_send())


@case("session/federation-token-policy-limits-the-user", "federation-token", "session-policies")
def _(w):
    u = w.user(allow(["sqs:*", "sts:GetFederationToken"]))
    f = w.federate(u, Policy=json.dumps(doc(allow("sqs:SendMessage"))))
    w.deny(f, w.sqs_receive(), "no-session")


@case("session/federation-token-policy-cannot-add-permissions", "federation-token", "session-policies")
def _(w):
    u = w.user(allow(["sqs:SendMessage", "sts:GetFederationToken"]))
    f = w.federate(u, Policy=json.dumps(doc(allow("*"))))
    w.deny(f, w.s3_put(), "no-identity")


@case("session/federation-token-without-policy-has-no-permissions", "federation-token")
def _(w):
    # "if you do not pass any session policies, then the resulting federated
    # user session has no permissions."
    u = w.user(allow(["sqs:*", "sts:GetFederationToken"]))
    f = w.federate(u)
    w.deny(f, w.sqs_send(), "no-session")


@case("session/federation-token-policy-arns", "federation-token", "session-policies")
def _(w):
    u = w.user(allow(["sqs:*", "sts:GetFederationToken"]))
    f = w.federate(u, PolicyArns=[{"arn": w.managed(allow("sqs:SendMessage"))}])
    w.allow(f, w.sqs_send())
    w.deny(f, w.sqs_receive(), "no-session")


@case("session/federation-token-keeps-the-users-denies", "federation-token", "eval-denyallow")
def _(w):
    u = w.user(allow("*"), deny("sqs:SendMessage"))
    f = w.federate(u, Policy=json.dumps(doc(allow("*"))))
    w.deny(f, w.sqs_send(), "deny-identity")


@case("session/federation-token-of-root", "federation-token", "session-policies")
def _(w):
    f = w.federate(w.root, Policy=json.dumps(doc(allow("sqs:SendMessage"))), DurationSeconds=900)
    w.allow(f, w.sqs_send())
    w.deny(f, w.sqs_receive(), "no-session")


@case("session/federated-user-identity", "federation-token", "caller-identity")
def _(w):
    u = w.user(allow("sts:GetFederationToken"))
    f = w.federate(u, Policy=json.dumps(doc(allow("sqs:*"))))
    w.allow(f, _caller_identity(f.arn))


@case("session/federated-user-cannot-call-iam", "federation-token")
def _(w):
    # "You cannot call any IAM operations using the AWS CLI or the AWS API."
    u = w.user(attach=[ADMIN])
    f = w.federate(u, Policy=json.dumps(doc(allow("*"))))
    w.refuse(f, w.iam_list_users(), "AccessDenied", 403)


@case("session/federated-user-cannot-call-sts-but-get-caller-identity", "federation-token")
def _(w):
    # "You cannot call any STS operations except GetCallerIdentity."
    u = w.user(attach=[ADMIN])
    f = w.federate(u, Policy=json.dumps(doc(allow("*"))))
    w.refuse(f, Op("sts", lambda c: c.get_session_token(), "sts:GetSessionToken", None), "AccessDenied", 403)


@case("session/session-token-needs-no-permission", "session-token-permissions")
def _(w):
    # "No permissions are required for a user to get a session token ... You
    # cannot use policies to control authentication operations."
    u = w.user(deny("*"))
    w.allow(u, Op("sts", lambda c: c.get_session_token(DurationSeconds=900), "sts:GetSessionToken", None))


@case("session/session-token-carries-the-users-permissions", "session-token")
def _(w):
    s = w.session_token(w.user(allow("sqs:SendMessage")))
    w.allow(s, w.sqs_send())
    w.deny(s, w.sqs_receive(), "no-identity")


@case("session/session-token-cannot-call-iam-without-mfa", "session-token")
def _(w):
    # "Cannot call any IAM API operations unless MFA authentication information is included in the request."
    s = w.session_token(w.user(attach=[ADMIN]))
    w.refuse(s, w.iam_list_users(), "AccessDenied", 403)


@case("session/session-token-cannot-call-other-sts-operations", "session-token")
def _(w):
    # "Cannot call any STS API except AssumeRole or GetCallerIdentity."
    s = w.session_token(w.user(attach=[ADMIN]))
    w.refuse(s, Op("sts", lambda c: c.get_federation_token(Name="nested"), "sts:GetFederationToken", None), "AccessDenied", 403)


@case("session/session-token-may-assume-a-role", "session-token", "assume-role")
def _(w):
    role, u = _role_for_user(w, allow("sqs:SendMessage"))
    s = w.session_token(u)
    w.allow(s, w.sts_assume(role))


@case("session/resource-policy-naming-the-session-is-not-limited", "session-policies")
def _(w):
    # Session policies doc: a resource-based policy that names the session ARN
    # grants directly to the session; session policies do not limit it.
    role, u = _role_for_user(w, allow("sqs:*"))
    s = w.assume(u, role, Policy=json.dumps(doc(allow("s3:*"))))
    q = w.queue(policy=lambda arn: doc(allow("sqs:SendMessage", arn, principal=aws(s.arn))))
    w.allow(s, w.sqs_send(q))


@case("session/resource-policy-naming-the-role-is-limited", "session-policies")
def _(w):
    role, u = _role_for_user(w, allow("sqs:*"))
    s = w.assume(u, role, Policy=json.dumps(doc(allow("s3:*"))))
    q = w.queue(policy=lambda arn: doc(allow("sqs:SendMessage", arn, principal=aws(role.arn))))
    w.deny(s, w.sqs_send(q), "no-session", resource=True)


@case("session/resource-policy-naming-the-federated-user-is-not-limited", "federation-token")
def _(w):
    # "If that policy specifically references the federated user session in the
    # Principal element of the policy, the session has the permissions allowed by the policy."
    u = w.user(allow(["sqs:*", "sts:GetFederationToken"]))
    f = w.federate(u, Policy=json.dumps(doc(allow("s3:*"))))
    q = w.queue(policy=lambda arn: doc(allow("sqs:SendMessage", arn, principal=aws(f.arn))))
    w.allow(f, w.sqs_send(q))


# ---------------------------------------------------------------- assuming roles


@case("assume/trust-naming-the-user-needs-no-identity-policy", "assume-role")
def _(w):
    # "To allow a user to assume a role in the same account, you can do either
    # of the following: attach a policy to the user that allows the user to
    # call AssumeRole (as long as the role's trust policy trusts the account);
    # or add the user as a principal directly in the role's trust policy."
    u = w.user()
    w.allow(u, w.sts_assume(w.role(trust(aws(u.arn)))))


@case("assume/trust-naming-the-account-needs-an-identity-policy", "assume-role")
def _(w):
    role = w.role(trust(aws(account_root(w.acct))))
    w.deny(w.user(), w.sts_assume(role), "no-identity")


@case("assume/identity-policy-naming-the-role", "assume-role")
def _(w):
    role = w.role(trust(aws(account_root(w.acct))))
    w.allow(w.user(allow("sts:AssumeRole", role.arn)), w.sts_assume(role))


@case("assume/identity-policy-on-any-role", "assume-role")
def _(w):
    role = w.role(trust(aws(account_root(w.acct))))
    w.allow(w.user(allow("sts:AssumeRole")), w.sts_assume(role))


@case("assume/identity-policy-naming-another-role", "assume-role")
def _(w):
    role = w.role(trust(aws(account_root(w.acct))))
    u = w.user(allow("sts:AssumeRole", f"arn:aws:iam::{w.acct}:role/not-this-one"))
    w.deny(u, w.sts_assume(role), "no-identity", resource=True)


@case("assume/identity-deny-beats-the-trust-policy", "assume-role", "eval-denyallow")
def _(w):
    u = w.user(allow("*"), deny("sts:AssumeRole"))
    w.deny(u, w.sts_assume(w.role(trust(aws(u.arn)))), "deny-identity")


@case("assume/trust-naming-someone-else", "assume-role", "switch-role-permissions")
def _(w):
    # Role trust policies must name the caller (or its account) even when the
    # caller's identity policy allows sts:AssumeRole on everything.
    other = w.user()
    w.trust_denied(w.user(allow("sts:AssumeRole")), w.role(trust(aws(other.arn))))


@case("assume/trust-naming-only-a-service", "assume-role")
def _(w):
    w.trust_denied(w.user(allow("sts:AssumeRole")), w.role(trust({"Service": "lambda.amazonaws.com"})))


@case("assume/trust-deny-statement", "assume-role", "eval-denyallow")
def _(w):
    u = w.user(allow("sts:AssumeRole"))
    role = w.role(trust(aws(account_root(w.acct)), "sts:AssumeRole", None,
                        deny("sts:AssumeRole", None, principal=aws(u.arn))))
    w.trust_denied(u, role)
    w.allow(w.user(allow("sts:AssumeRole")), w.sts_assume(role))


@case("assume/external-id-matches", "assume-role", "global-keys")
def _(w):
    role = w.role(trust(aws(account_root(w.acct)), condition={"StringEquals": {"sts:ExternalId": "shared-secret-42"}}))
    w.allow(w.user(allow("sts:AssumeRole")), w.sts_assume(role, ExternalId="shared-secret-42"))


@case("assume/external-id-missing", "assume-role", "global-keys")
def _(w):
    role = w.role(trust(aws(account_root(w.acct)), condition={"StringEquals": {"sts:ExternalId": "shared-secret-42"}}))
    w.trust_denied(w.user(allow("sts:AssumeRole")), role)


@case("assume/external-id-wrong", "assume-role", "global-keys")
def _(w):
    role = w.role(trust(aws(account_root(w.acct)), condition={"StringEquals": {"sts:ExternalId": "shared-secret-42"}}))
    w.trust_denied(w.user(allow("sts:AssumeRole")), role, ExternalId="shared-secret-43")


@case("assume/role-session-name-condition-met", "assume-role", "global-keys")
def _(w):
    role = w.role(trust(aws(account_root(w.acct)), condition={"StringLike": {"sts:RoleSessionName": "ci-*"}}))
    w.allow(w.user(allow("sts:AssumeRole")), w.sts_assume(role, session="ci-build-7"))


@case("assume/role-session-name-condition-unmet", "assume-role", "global-keys")
def _(w):
    role = w.role(trust(aws(account_root(w.acct)), condition={"StringLike": {"sts:RoleSessionName": "ci-*"}}))
    w.trust_denied(w.user(allow("sts:AssumeRole")), role, session="laptop")


@case("assume/trust-condition-on-principal-tag-met", "assume-role", "principal-tags")
def _(w):
    role = w.role(trust(aws(account_root(w.acct)), condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}}))
    w.allow(w.user(allow("sts:AssumeRole"), tags={"team": "blue"}), w.sts_assume(role))


@case("assume/trust-condition-on-principal-tag-unmet", "assume-role", "principal-tags")
def _(w):
    role = w.role(trust(aws(account_root(w.acct)), condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}}))
    w.trust_denied(w.user(allow("sts:AssumeRole"), tags={"team": "red"}), role)


@case("assume/trust-condition-on-source-ip-met", "assume-role", "global-keys")
def _(w):
    role = w.role(trust(aws(account_root(w.acct)), condition={"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}))
    w.allow(w.user(allow("sts:AssumeRole")), w.sts_assume(role))


@case("assume/trust-condition-on-source-ip-unmet", "assume-role", "global-keys")
def _(w):
    role = w.role(trust(aws(account_root(w.acct)), condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    w.trust_denied(w.user(allow("sts:AssumeRole")), role)


@case("assume/trust-condition-on-principal-arn", "assume-role", "global-keys")
def _(w):
    u = w.user(allow("sts:AssumeRole"))
    role = w.role(trust(aws(account_root(w.acct)), condition={"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{w.acct}:user/{u.name}"}}))
    w.allow(u, w.sts_assume(role))
    w.trust_denied(w.user(allow("sts:AssumeRole")), role)


@case("assume/trust-condition-on-mfa", "assume-role", "mfa")
def _(w):
    # Long-term keys carry no aws:MultiFactorAuthPresent: `Bool ... true` cannot hold.
    role = w.role(trust(aws(account_root(w.acct)), condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    w.trust_denied(w.user(allow("sts:AssumeRole")), role)


@case("assume/root-user-cannot-assume-roles", "assume-role")
def _(w):
    # "You cannot use AWS account root user credentials to call AssumeRole."
    role = w.role(trust(aws(account_root(w.acct))))
    w.refuse(w.root, w.sts_assume(role), "AccessDenied", 403, message="Roles may not be assumed by root accounts.")


@case("assume/root-user-of-a-trusted-account-cannot-assume-roles", "assume-role", "cross-account")
def _(w):
    role = w.role(trust(aws(account_root(w.other.id))))
    w.refuse(w.other.root, w.sts_assume(role), "AccessDenied", 403, message="Roles may not be assumed by root accounts.")


@case("assume/a-role-that-does-not-exist", "assume-role")
def _(w):
    ghost = Role("no-such-role", f"arn:aws:iam::{w.acct}:role/no-such-role", w.acct)
    w.trust_denied(w.user(allow("sts:AssumeRole")), ghost)


@case("assume/trust-policy-update-applies-at-once", "trust-update")
def _(w):
    u = w.user(allow("sts:AssumeRole"))
    role = w.role(trust(aws(u.arn)))
    w.allow(u, w.sts_assume(role))
    w.iam().update_assume_role_policy(RoleName=role.name, PolicyDocument=json.dumps(trust({"Service": "ec2.amazonaws.com"})))
    w.trust_denied(u, role)


@case("assume/session-tags-need-tag-session-in-the-trust", "session-tags")
def _(w):
    # "the role's trust policy must ... allow the sts:TagSession action" to pass session tags.
    role = w.role(trust(aws(account_root(w.acct))))
    u = w.user(allow(["sts:AssumeRole", "sts:TagSession"]))
    w.refuse(u, w.sts_assume(role, Tags=[{"Key": "team", "Value": "blue"}]), "AccessDenied", 403,
             message_prefix=f"User: {u.arn} is not authorized to perform: sts:")


def _tag_trust(w, condition=None):
    return doc(allow("sts:AssumeRole", None, principal=aws(account_root(w.acct))),
               allow("sts:TagSession", None, principal=aws(account_root(w.acct)), condition=condition))


def _tagger(w):
    return w.user(allow(["sts:AssumeRole", "sts:TagSession"]))


@case("assume/session-tags-with-tag-session", "session-tags")
def _(w):
    role = w.role(_tag_trust(w))
    w.allow(_tagger(w), w.sts_assume(role, Tags=[{"Key": "team", "Value": "blue"}]))


@case("assume/for-any-value-tag-keys-met", "session-tags", "multivalued")
def _(w):
    role = w.role(_tag_trust(w, {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}))
    w.allow(_tagger(w), w.sts_assume(role, Tags=[{"Key": "team", "Value": "blue"}, {"Key": "cost", "Value": "1"}]))


@case("assume/for-any-value-tag-keys-unmet", "session-tags", "multivalued")
def _(w):
    role = w.role(_tag_trust(w, {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}))
    w.trust_denied(_tagger(w), role, Tags=[{"Key": "cost", "Value": "1"}])


@case("assume/for-all-values-tag-keys-subset", "session-tags", "multivalued")
def _(w):
    role = w.role(_tag_trust(w, {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}))
    w.allow(_tagger(w), w.sts_assume(role, Tags=[{"Key": "team", "Value": "blue"}]))


@case("assume/for-all-values-tag-keys-extra-key", "session-tags", "multivalued")
def _(w):
    role = w.role(_tag_trust(w, {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}))
    w.trust_denied(_tagger(w), role, Tags=[{"Key": "team", "Value": "blue"}, {"Key": "cost", "Value": "1"}])


@case("assume/request-tag-value-met", "session-tags", "global-keys")
def _(w):
    role = w.role(_tag_trust(w, {"StringEquals": {"aws:RequestTag/team": "blue"}}))
    w.allow(_tagger(w), w.sts_assume(role, Tags=[{"Key": "team", "Value": "blue"}]))


@case("assume/request-tag-value-unmet", "session-tags", "global-keys")
def _(w):
    role = w.role(_tag_trust(w, {"StringEquals": {"aws:RequestTag/team": "blue"}}))
    w.trust_denied(_tagger(w), role, Tags=[{"Key": "team", "Value": "red"}])


_TEAM_BLUE = {"StringEquals": {"aws:PrincipalTag/team": "blue"}}


@case("assume/session-tags-are-principal-tags", "session-tags", "principal-tags")
def _(w):
    role = w.role(_tag_trust(w), allow("sqs:SendMessage", condition=_TEAM_BLUE))
    s = w.assume(_tagger(w), role, Tags=[{"Key": "team", "Value": "blue"}])
    w.allow(s, w.sqs_send())


@case("assume/session-tag-value-mismatch", "session-tags", "principal-tags")
def _(w):
    role = w.role(_tag_trust(w), allow("sqs:SendMessage", condition=_TEAM_BLUE))
    s = w.assume(_tagger(w), role, Tags=[{"Key": "team", "Value": "red"}])
    w.deny(s, w.sqs_send(), "no-identity")


@case("assume/role-tags-are-principal-tags", "principal-tags", "session-tags")
def _(w):
    role = w.role(trust(aws(account_root(w.acct))), allow("sqs:SendMessage", condition=_TEAM_BLUE), tags={"team": "blue"})
    w.allow(w.assume(w.user(allow("sts:AssumeRole")), role), w.sqs_send())


@case("assume/session-tag-overrides-role-tag", "session-tags")
def _(w):
    # "If a session tag has the same key as a role tag, the session tag value overrides the role tag."
    role = w.role(_tag_trust(w), allow("sqs:SendMessage", condition=_TEAM_BLUE), tags={"team": "blue"})
    s = w.assume(_tagger(w), role, Tags=[{"Key": "team", "Value": "red"}])
    w.deny(s, w.sqs_send(), "no-identity")


def _chain(w, target_policies=(), target_trust=None):
    """Role A (assumable by a user, may assume roles) and role B trusting A's role ARN."""
    a, u = _role_for_user(w, allow(["sts:AssumeRole", "sqs:SendMessage"]))
    b = w.role(target_trust(a) if target_trust else trust(aws(a.arn)), *target_policies)
    return a, b, w.assume(u, a)


@case("assume/role-chaining", "role-chaining", "assume-role")
def _(w):
    a, b, session_a = _chain(w)
    w.allow(session_a, w.sts_assume(b))


@case("assume/chained-session-has-only-the-target-roles-permissions", "role-chaining")
def _(w):
    a, b, session_a = _chain(w, [allow("sqs:ReceiveMessage")])
    session_b = w.assume(session_a, b)
    w.allow(session_b, w.sqs_receive())
    w.deny(session_b, w.sqs_send(), "no-identity")


@case("assume/chained-session-is-limited-to-one-hour", "role-chaining", "assume-role")
def _(w):
    a, u = _role_for_user(w, allow("sts:AssumeRole"))
    b = w.role(trust(aws(a.arn)), max_session=7200)
    session_a = w.assume(u, a)
    w.refuse(session_a, w.sts_assume(b, DurationSeconds=7200), "ValidationError", 400)


@case("assume/principal-arn-of-a-role-session-is-the-role", "global-keys", "role-chaining")
def _(w):
    # aws:PrincipalArn for an assumed-role session is the role's ARN.
    a, b, session_a = _chain(w, target_trust=lambda a: trust(aws(account_root(w.acct)),
                                                            condition={"ArnEquals": {"aws:PrincipalArn": a.arn}}))
    w.allow(session_a, w.sts_assume(b))


@case("assume/cross-account-trust-and-identity", "cross-account", "assume-role")
def _(w):
    role = w.role(trust(aws(account_root(w.other.id))), allow("sqs:SendMessage"))
    u = w.user(allow("sts:AssumeRole"), account=w.other)
    s = w.assume(u, role)
    assert s.arn == f"arn:aws:sts::{w.acct}:assumed-role/{role.name}/{s.name}"
    w.allow(s, w.sqs_send())


@case("assume/cross-account-without-identity-policy", "cross-account", "assume-role")
def _(w):
    role = w.role(trust(aws(account_root(w.other.id))))
    w.deny(w.user(account=w.other), w.sts_assume(role), "no-identity")


@case("assume/cross-account-trust-naming-the-user", "cross-account", "assume-role")
def _(w):
    u = w.user(allow("sts:AssumeRole"), account=w.other)
    role = w.role(trust(aws(u.arn)))
    w.allow(u, w.sts_assume(role))
    w.trust_denied(w.user(allow("sts:AssumeRole"), account=w.other), role)


@case("assume/cross-account-trust-naming-the-user-still-needs-identity", "cross-account", "assume-role")
def _(w):
    u = w.user(account=w.other)
    w.deny(u, w.sts_assume(w.role(trust(aws(u.arn)))), "no-identity")


@case("assume/cross-account-untrusted-account", "cross-account", "assume-role")
def _(w):
    role = w.role(trust(aws(account_root(w.acct))))
    w.trust_denied(w.user(allow("sts:AssumeRole"), account=w.other), role)


@case("assume/cross-account-session-acts-in-the-roles-account", "cross-account", "assume-role")
def _(w):
    role = w.role(trust(aws(account_root(w.other.id))), allow("sqs:CreateQueue"))
    s = w.assume(w.user(allow("sts:AssumeRole"), account=w.other), role)
    w.allow(s, w.sqs_create())


# ---------------------------------------------------------------- resource policies: SQS queue policies


def _shared_queue(w, principal, actions="sqs:SendMessage", effect="Allow", condition=None, extra=()):
    """A queue of the main account whose policy lets (or denies) `principal` do `actions`."""
    return w.queue(policy=lambda arn: doc(stmt(effect, actions, arn, principal=principal, condition=condition), *extra))


@case("queue-policy/cross-account-both-sides-allow", "cross-account", "sqs-policies")
def _(w):
    # "the principal's identity-based policy must allow the requested access ...
    # and the resource-based policy in the trusting account must specify the principal".
    q = _shared_queue(w, aws(account_root(w.other.id)))
    w.allow(w.user(allow("sqs:SendMessage"), account=w.other), w.sqs_send(q))


@case("queue-policy/cross-account-without-identity-policy", "cross-account")
def _(w):
    q = _shared_queue(w, aws(account_root(w.other.id)))
    w.deny(w.user(account=w.other), w.sqs_send(q), "no-identity", resource=True)


@case("queue-policy/cross-account-root-of-the-trusted-account", "cross-account")
def _(w):
    q = _shared_queue(w, aws(w.other.id))
    w.allow(w.other.root, w.sqs_send(q))


@case("queue-policy/cross-account-naming-the-user", "cross-account", "principal")
def _(w):
    u = w.user(allow("sqs:SendMessage"), account=w.other)
    q = _shared_queue(w, aws(u.arn))
    w.allow(u, w.sqs_send(q))


@case("queue-policy/cross-account-naming-another-user", "cross-account", "principal")
def _(w):
    named = w.user(allow("sqs:SendMessage"), account=w.other)
    q = _shared_queue(w, aws(named.arn))
    w.deny(w.user(allow("sqs:SendMessage"), account=w.other), w.sqs_send(q), "no-resource", resource=True)


@case("queue-policy/cross-account-without-queue-policy", "cross-account")
def _(w):
    q = w.queue()
    w.deny(w.user(allow("sqs:SendMessage"), account=w.other), w.sqs_send(q), "no-resource", resource=True)


@case("queue-policy/cross-account-explicit-deny", "cross-account", "eval-denyallow")
def _(w):
    q = _shared_queue(w, aws(account_root(w.other.id)), "sqs:*",
                      extra=[deny("sqs:SendMessage", "*", principal=aws(account_root(w.other.id)))])
    w.deny(w.user(allow("sqs:*"), account=w.other), w.sqs_send(q), "deny-resource", resource=True)


@case("queue-policy/cross-account-grants-only-the-named-action", "cross-account")
def _(w):
    q = _shared_queue(w, aws(account_root(w.other.id)))
    w.deny(w.user(allow("sqs:*"), account=w.other), w.sqs_receive(q), "no-resource", resource=True)


@case("queue-policy/cross-account-everyone-with-identity", "cross-account", "principal")
def _(w):
    q = _shared_queue(w, "*")
    w.allow(w.user(allow("sqs:SendMessage"), account=w.other), w.sqs_send(q))


@case("queue-policy/cross-account-everyone-without-identity", "cross-account", "principal")
def _(w):
    q = _shared_queue(w, "*")
    w.deny(w.user(account=w.other), w.sqs_send(q), "no-identity", resource=True)


@case("queue-policy/cross-account-principal-account-condition-met", "cross-account", "global-keys")
def _(w):
    q = _shared_queue(w, "*", condition={"StringEquals": {"aws:PrincipalAccount": w.other.id}})
    w.allow(w.user(allow("sqs:SendMessage"), account=w.other), w.sqs_send(q))


@case("queue-policy/cross-account-principal-account-condition-unmet", "cross-account", "global-keys")
def _(w):
    q = _shared_queue(w, "*", condition={"StringEquals": {"aws:PrincipalAccount": "123456789012"}})
    w.deny(w.user(allow("sqs:SendMessage"), account=w.other), w.sqs_send(q), "no-resource", resource=True)


@case("queue-policy/cross-account-identity-deny-wins", "cross-account", "eval-denyallow")
def _(w):
    q = _shared_queue(w, aws(account_root(w.other.id)))
    w.deny(w.user(allow("*"), deny("sqs:SendMessage"), account=w.other), w.sqs_send(q), "deny-identity", resource=True)


@case("queue-policy/cross-account-role-session", "cross-account")
def _(w):
    role = w.role(trust(aws(account_root(w.other.id))), allow("sqs:SendMessage"), account=w.other)
    s = w.assume(w.user(allow("sts:AssumeRole"), account=w.other), role)
    q = _shared_queue(w, aws(role.arn))
    w.allow(s, w.sqs_send(q))


@case("queue-policy/cross-account-boundary-still-limits", "cross-account", "boundaries")
def _(w):
    q = _shared_queue(w, aws(account_root(w.other.id)))
    u = w.user(allow("sqs:SendMessage"), boundary=allow("s3:*"), account=w.other)
    w.deny(u, w.sqs_send(q), "no-boundary", resource=True)


@case("queue-policy/cross-account-session-policy-still-limits", "cross-account", "session-policies")
def _(w):
    role = w.role(trust(aws(account_root(w.other.id))), allow("sqs:*"), account=w.other)
    s = w.assume(w.user(allow("sts:AssumeRole"), account=w.other), role, Policy=json.dumps(doc(allow("s3:*"))))
    q = _shared_queue(w, aws(account_root(w.other.id)))
    w.deny(s, w.sqs_send(q), "no-session", resource=True)


@case("queue-policy/cross-account-get-attributes", "cross-account")
def _(w):
    q = _shared_queue(w, aws(account_root(w.other.id)), "sqs:GetQueueAttributes")
    w.allow(w.user(allow("sqs:GetQueueAttributes"), account=w.other), w.sqs_attributes(q))


@case("queue-policy/same-account-naming-the-user-needs-no-identity-policy", "eval-single")
def _(w):
    # "If either the identity-based policy or the resource-based policy within
    # the same account allows the request and the other doesn't, the request is still allowed."
    u = w.user()
    w.allow(u, w.sqs_send(_shared_queue(w, aws(u.arn))))


@case("queue-policy/same-account-naming-the-account-delegates-to-iam", "principal", "eval-single")
def _(w):
    # Naming the account (its root) in Principal delegates to the account's
    # IAM policies: it grants nothing to a user no identity policy allows.
    w.deny(w.user(), w.sqs_send(_shared_queue(w, aws(account_root(w.acct)))), "no-identity")


@case("queue-policy/same-account-naming-everyone", "principal", "eval-single")
def _(w):
    w.allow(w.user(), w.sqs_send(_shared_queue(w, "*")))


@case("queue-policy/same-account-deny-beats-identity-allow", "eval-denyallow")
def _(w):
    u = w.user(allow("sqs:*"))
    q = _shared_queue(w, aws(u.arn), effect="Deny")
    w.deny(u, w.sqs_send(q), "deny-resource", resource=True)
    w.allow(w.user(allow("sqs:*")), w.sqs_send(q))


@case("queue-policy/same-account-deny-beats-its-own-allow", "eval-denyallow")
def _(w):
    u = w.user()
    q = _shared_queue(w, "*", "sqs:*", extra=[deny("sqs:SendMessage", "*", principal=aws(u.arn))])
    w.deny(u, w.sqs_send(q), "deny-resource", resource=True)


@case("queue-policy/deny-binds-the-account-root-user", "s3-bucket-policy-root", "eval-denyallow")
def _(w):
    # Resource-based policies bind the owner account's root user too: S3 keeps
    # only Get/Put/DeleteBucketPolicy open to the root "even if their bucket
    # policy explicitly denies the root principal's access".
    q = _shared_queue(w, "*", effect="Deny")
    w.deny(w.root, w.sqs_send(q), "deny-resource", resource=True)


@case("queue-policy/not-principal-deny", "principal", "eval-denyallow")
def _(w):
    keeper = w.user(allow("sqs:*"))
    q = w.queue(policy=lambda arn: doc(deny("sqs:SendMessage", arn, not_principal=aws(keeper.arn, account_root(w.acct)))))
    w.allow(keeper, w.sqs_send(q))
    w.deny(w.user(allow("sqs:*")), w.sqs_send(q), "deny-resource", resource=True)


@case("queue-policy/cross-account-condition-on-source-ip", "cross-account", "global-keys")
def _(w):
    q = _shared_queue(w, aws(account_root(w.other.id)), condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})
    w.deny(w.user(allow("sqs:SendMessage"), account=w.other), w.sqs_send(q), "no-resource", resource=True)
    q = _shared_queue(w, aws(account_root(w.other.id)), condition={"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}})
    w.allow(w.user(allow("sqs:SendMessage"), account=w.other), w.sqs_send(q))


# ---------------------------------------------------------------- resource policies: S3 bucket policies


def _bucket_with_policy(w, policy, public=False):
    """A new bucket of the main account with one object and the given policy
    (a function of the bucket name). A `public` policy needs the bucket's
    Block Public Access (on for new buckets) removed first."""
    name = w.uid("bp")
    w.root.client("s3").create_bucket(Bucket=name)
    if public:
        w.root.client("s3").delete_public_access_block(Bucket=name)
    w.put_object("doc.txt", bucket=name)
    w.put_object("private/doc.txt", bucket=name)
    w.root.client("s3").put_bucket_policy(Bucket=name, Policy=json.dumps(policy(name)))
    return name


@case("bucket-policy/naming-the-user-needs-no-identity-policy", "eval-single", needs=("bucket-policy",))
def _(w):
    u = w.user()
    b = _bucket_with_policy(w, lambda n: doc(allow("s3:GetObject", f"arn:aws:s3:::{n}/*", principal=aws(u.arn))))
    w.allow(u, w.s3_get("doc.txt", bucket=b))


@case("bucket-policy/deny-on-a-prefix-beats-identity-allow", "eval-denyallow", needs=("bucket-policy",))
def _(w):
    u = w.user(allow("s3:GetObject"))
    b = _bucket_with_policy(w, lambda n: doc(deny("s3:GetObject", f"arn:aws:s3:::{n}/private/*", principal="*")))
    w.allow(u, w.s3_get("doc.txt", bucket=b))
    w.deny(u, w.s3_get("private/doc.txt", bucket=b), "deny-resource", resource=True)


@case("bucket-policy/cross-account-both-sides-allow", "cross-account", needs=("bucket-policy",))
def _(w):
    b = _bucket_with_policy(w, lambda n: doc(allow("s3:GetObject", f"arn:aws:s3:::{n}/*", principal=aws(account_root(w.other.id)))))
    w.allow(w.user(allow("s3:GetObject"), account=w.other), w.s3_get("doc.txt", bucket=b))


@case("bucket-policy/cross-account-without-identity-policy", "cross-account", "s3-403", needs=("bucket-policy",))
def _(w):
    # "Enhanced access denied messages are returned only for same-account
    # requests or requests within the same organization. Cross-account requests
    # outside the same organization return a generic Access Denied message."
    b = _bucket_with_policy(w, lambda n: doc(allow("s3:GetObject", f"arn:aws:s3:::{n}/*", principal=aws(account_root(w.other.id)))))
    op = w.s3_get("doc.txt", bucket=b)
    op.generic_denial = "Access Denied"
    w.deny(w.user(account=w.other), op, "no-identity")


@case("bucket-policy/secure-transport-deny", "global-keys", needs=("bucket-policy",))
def _(w):
    u = w.user(allow("s3:GetObject"))
    b = _bucket_with_policy(w, lambda n: doc(deny("s3:*", [f"arn:aws:s3:::{n}", f"arn:aws:s3:::{n}/*"], principal="*",
                                                   condition={"Bool": {"aws:SecureTransport": "false"}})))
    w.deny(u, w.s3_get("doc.txt", bucket=b), "deny-resource", resource=True)


@case("bucket-policy/anonymous-read-when-everyone-is-granted", "principal", needs=("bucket-policy",))
def _(w):
    b = _bucket_with_policy(w, lambda n: doc(allow("s3:GetObject", f"arn:aws:s3:::{n}/*", principal="*")), public=True)
    anon = w.session.client("s3", endpoint_url=w.endpoint, region_name=REGION, config=CONFIG.merge(Config(signature_version=UNSIGNED)))
    assert anon.get_object(Bucket=b, Key="doc.txt")["Body"].read() == w.objects[(b, "doc.txt")]


@case("bucket-policy/deny-binds-the-account-root-user", "s3-bucket-policy-root", needs=("bucket-policy",))
def _(w):
    b = _bucket_with_policy(w, lambda n: doc(deny("s3:GetObject", f"arn:aws:s3:::{n}/*", principal="*")))
    w.deny(w.root, w.s3_get("doc.txt", bucket=b), "deny-resource", resource=True)
    # The root user keeps the bucket policy operations, whatever the policy says.
    w.root.client("s3").delete_bucket_policy(Bucket=b)
    w.allow(w.root, w.s3_get("doc.txt", bucket=b))


# ---------------------------------------------------------------- service control policies


def _scp_member(w, scp_policy, *inline, attach=(), at=None):
    """A member account, a user in it (with `inline` / `attach` policies) made
    before the SCP is attached to the account (or to `at`), and the account."""
    acct = w.member()
    u = w.user(*inline, attach=attach, account=acct)
    w.scp(scp_policy, at or acct.id)
    return acct, u


@case("scp/explicit-deny-binds-an-administrator", "scp", "scp-evaluation")
def _(w):
    acct = w.member()
    q = w.queue(account=acct)
    u = w.user(attach=[ADMIN], account=acct)
    w.scp(deny("sqs:*"), acct.id)
    op = w.sqs_send(q)
    # The SCP hides the queue from every principal of the account, root
    # included, so what is in it cannot be read back afterwards.
    op.after_deny = None
    w.deny(u, op, "deny-scp")


@case("scp/explicit-deny-binds-the-member-root-user", "scp", "scp-evaluation")
def _(w):
    # "SCPs affect all users and roles in attached accounts, including the root user."
    acct, _ = _scp_member(w, deny("sqs:CreateQueue"))
    w.deny(acct.root, w.sqs_create(account=acct), "deny-scp")


@case("scp/deny-leaves-other-services-alone", "scp")
def _(w):
    acct, u = _scp_member(w, deny("sqs:*"), attach=[ADMIN])
    w.allow(u, w.ec2_describe_regions())


@case("scp/management-account-is-not-restricted", "scp")
def _(w):
    # "SCPs don't affect users or roles in the management account."
    o = w.org()
    mgmt = o["account"]
    u = w.user(attach=[ADMIN], account=mgmt)
    pid = w.scp(deny("sqs:*"), o["root"])
    try:
        w.allow(u, w.sqs_send(w.queue(account=mgmt)))
        w.allow(mgmt.root, w.sqs_create(account=mgmt))
    finally:
        o["client"].detach_policy(PolicyId=pid, TargetId=o["root"])


@case("scp/allow-list-outside-the-list", "scp", "scp-evaluation")
def _(w):
    acct, u = _scp_member(w, allow("s3:*"), attach=[ADMIN])
    w.org()["client"].detach_policy(PolicyId="p-FullAWSAccess", TargetId=acct.id)
    w.deny(u, w.ec2_describe_regions(), "no-scp")


@case("scp/allow-list-inside-the-list", "scp", "scp-evaluation")
def _(w):
    acct, u = _scp_member(w, allow(["sqs:*", "s3:*"]), attach=[ADMIN])
    w.org()["client"].detach_policy(PolicyId="p-FullAWSAccess", TargetId=acct.id)
    w.allow(u, w.sqs_send(w.queue(account=acct)))


@case("scp/does-not-grant-permissions", "scp")
def _(w):
    # "SCPs do not grant permissions ... an identity-based or resource-based policy must still allow."
    acct, u = _scp_member(w, allow("*"))
    w.deny(u, w.ec2_describe_regions(), "no-identity")


@case("scp/condition-on-requested-region", "scp", "global-keys")
def _(w):
    acct, u = _scp_member(w, deny("*", condition={"StringNotEquals": {"aws:RequestedRegion": REGION}}), attach=[ADMIN])
    w.allow(u, w.sqs_list())
    w.deny(u, w.sqs_list(region="us-west-2"), "deny-scp")


@case("scp/binds-role-sessions-in-the-member", "scp")
def _(w):
    acct = w.member()
    role = w.role(trust(aws(account_root(acct.id))), attach=[ADMIN], account=acct)
    u = w.user(allow("sts:AssumeRole"), account=acct)
    w.scp(deny("sqs:*"), acct.id)
    s = w.assume(u, role)
    w.deny(s, w.sqs_list(), "deny-scp")


@case("scp/detaching-restores-at-once", "scp")
def _(w):
    acct, u = _scp_member(w, deny("sqs:*"), attach=[ADMIN])
    w.deny(u, w.sqs_list(), "deny-scp")
    pid = w.org()["client"].list_policies_for_target(TargetId=acct.id, Filter="SERVICE_CONTROL_POLICY")["Policies"]
    for p in pid:
        if p["Id"] != "p-FullAWSAccess":
            w.org()["client"].detach_policy(PolicyId=p["Id"], TargetId=acct.id)
    w.allow(u, w.sqs_list())


@case("scp/every-level-must-allow", "scp-evaluation")
def _(w):
    # "For a permission to be allowed for a specific account, there must be an
    # explicit Allow statement at every level from the root through each OU in
    # the direct path to the account."
    ou = w.ou()
    w.scp(allow(["sqs:*", "s3:*"]), ou)
    w.org()["client"].detach_policy(PolicyId="p-FullAWSAccess", TargetId=ou)
    acct = w.member()
    u = w.user(attach=[ADMIN], account=acct)
    w.org()["client"].move_account(AccountId=acct.id, SourceParentId=w.org()["root"], DestinationParentId=ou)
    w.allow(u, w.sqs_list())
    w.deny(u, w.ec2_describe_regions(), "no-scp")


@case("scp/notaction-deny", "scp", "notaction")
def _(w):
    acct, u = _scp_member(w, deny(not_action=["iam:*", "sts:*"]), attach=[ADMIN])
    w.deny(u, w.sqs_list(), "deny-scp")
    w.allow(u, w.iam_list_users())


@case("scp/condition-on-principal-arn", "scp", "global-keys")
def _(w):
    acct = w.member()
    admin_user = w.user(attach=[ADMIN], account=acct)
    other = w.user(attach=[ADMIN], account=acct)
    w.scp(deny("sqs:*", condition={"ArnNotLike": {"aws:PrincipalArn": admin_user.arn}}), acct.id)
    w.allow(admin_user, w.sqs_list())
    w.deny(other, w.sqs_list(), "deny-scp")


@case("scp/identity-deny-still-applies-inside", "scp", "eval-denyallow")
def _(w):
    acct, u = _scp_member(w, allow("*"), allow("*"), deny("sqs:*"))
    w.deny(u, w.sqs_list(), "deny-identity")


# ---------------------------------------------------------------- condition operators and global keys


def _cond_user(w, condition, action="sqs:SendMessage", **kw):
    return w.user(allow(action, condition=condition), **kw)


@case("condition/string-equals-username", "condition-operators", "global-keys")
def _(w):
    u = w.user()
    w.grant(u, allow("sqs:SendMessage", condition={"StringEquals": {"aws:username": u.name}}))
    w.allow(u, w.sqs_send())


@case("condition/string-equals-username-mismatch", "condition-operators", "global-keys")
def _(w):
    w.deny(_cond_user(w, {"StringEquals": {"aws:username": "somebody-else"}}), w.sqs_send(), "no-identity")


@case("condition/string-equals-is-case-sensitive", "condition-operators")
def _(w):
    u = w.user()
    w.grant(u, allow("sqs:SendMessage", condition={"StringEquals": {"aws:username": u.name.upper()}}))
    w.deny(u, w.sqs_send(), "no-identity")


@case("condition/string-equals-ignore-case", "condition-operators")
def _(w):
    u = w.user()
    w.grant(u, allow("sqs:SendMessage", condition={"StringEqualsIgnoreCase": {"aws:username": u.name.upper()}}))
    w.allow(u, w.sqs_send())


@case("condition/key-names-are-case-insensitive", "condition", "global-keys")
def _(w):
    # "Condition key names are not case-sensitive."
    u = w.user()
    w.grant(u, allow("sqs:SendMessage", condition={"StringEquals": {"AWS:UserName": u.name}}))
    w.allow(u, w.sqs_send())


@case("condition/string-like-wildcards", "condition-operators")
def _(w):
    w.allow(_cond_user(w, {"StringLike": {"aws:username": "user-*"}}), w.sqs_send())


@case("condition/string-like-single-character", "condition-operators")
def _(w):
    u = w.user()
    w.grant(u, allow("sqs:SendMessage", condition={"StringLike": {"aws:username": u.name[:-1] + "?"}}))
    w.allow(u, w.sqs_send())


@case("condition/string-like-miss", "condition-operators")
def _(w):
    w.deny(_cond_user(w, {"StringLike": {"aws:username": "admin-*"}}), w.sqs_send(), "no-identity")


@case("condition/string-not-equals-deny-spares-the-named", "condition-operators", "eval-denyallow")
def _(w):
    u = w.user(allow("sqs:*"))
    w.grant(u, deny("sqs:SendMessage", condition={"StringNotEquals": {"aws:username": u.name}}))
    w.allow(u, w.sqs_send())


@case("condition/string-not-equals-deny-binds-others", "condition-operators", "eval-denyallow")
def _(w):
    w.deny(w.user(allow("sqs:*"), deny("sqs:SendMessage", condition={"StringNotEquals": {"aws:username": "the-boss"}})),
           w.sqs_send(), "deny-identity")


@case("condition/string-not-like-deny", "condition-operators", "eval-denyallow")
def _(w):
    w.deny(w.user(allow("sqs:*"), deny("sqs:SendMessage", condition={"StringNotLike": {"aws:username": "svc-*"}})),
           w.sqs_send(), "deny-identity")


@case("condition/several-values-are-ored", "condition")
def _(w):
    u = w.user()
    w.grant(u, allow("sqs:SendMessage", condition={"StringEquals": {"aws:username": ["alice", u.name, "bob"]}}))
    w.allow(u, w.sqs_send())


@case("condition/several-keys-are-anded", "condition")
def _(w):
    u = w.user()
    w.grant(u, allow("sqs:SendMessage", condition={"StringEquals": {"aws:username": u.name, "aws:RequestedRegion": "eu-west-1"}}))
    w.deny(u, w.sqs_send(), "no-identity")


@case("condition/several-operators-are-anded", "condition")
def _(w):
    u = w.user()
    w.grant(u, allow("sqs:SendMessage", condition={"StringEquals": {"aws:username": u.name},
                                                   "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    w.deny(u, w.sqs_send(), "no-identity")


@case("condition/requested-region-allowed", "global-keys")
def _(w):
    w.allow(_cond_user(w, {"StringEquals": {"aws:RequestedRegion": REGION}}, "sqs:ListQueues"), w.sqs_list())


@case("condition/requested-region-other-region", "global-keys")
def _(w):
    u = _cond_user(w, {"StringEquals": {"aws:RequestedRegion": REGION}}, "sqs:ListQueues")
    w.deny(u, w.sqs_list(region="us-west-2"), "no-identity")


@case("condition/requested-region-deny-outside", "global-keys", "eval-denyallow")
def _(w):
    u = w.user(allow("sqs:*"), deny("*", condition={"StringNotEquals": {"aws:RequestedRegion": [REGION, "eu-west-1"]}}))
    w.allow(u, w.sqs_list())
    w.deny(u, w.sqs_list(region="us-west-2"), "deny-identity")


@case("condition/if-exists-on-an-absent-key", "condition-operators")
def _(w):
    # "...IfExists: if the policy key is present in the context of the request,
    # process the key as specified in the policy. If the key is not present,
    # evaluate the condition element as true."
    w.allow(_cond_user(w, {"StringEqualsIfExists": {"aws:RequestTag/team": "blue"}}), w.sqs_send())


@case("condition/if-exists-on-a-present-key", "condition-operators")
def _(w):
    w.deny(_cond_user(w, {"StringEqualsIfExists": {"aws:username": "somebody-else"}}), w.sqs_send(), "no-identity")


@case("condition/absent-key-fails-a-positive-operator", "condition-operators")
def _(w):
    # "If the key that you specify in a policy condition is not present in the
    # request context, the values do not match and the condition is false."
    w.deny(_cond_user(w, {"StringEquals": {"aws:RequestTag/team": "blue"}}), w.sqs_send(), "no-identity")


@case("condition/absent-key-satisfies-a-negated-operator", "condition-operators")
def _(w):
    # "If the policy condition requires that the key is not matched, such as
    # StringNotLike or ArnNotLike, and the right key is not present, the condition is true."
    w.allow(_cond_user(w, {"StringNotEquals": {"aws:RequestTag/team": "blue"}}), w.sqs_send())


@case("condition/null-true-on-an-absent-key", "condition-operators", "global-keys")
def _(w):
    # Long-term access keys carry no aws:TokenIssueTime.
    w.allow(_cond_user(w, {"Null": {"aws:TokenIssueTime": "true"}}), w.sqs_send())


@case("condition/null-false-on-an-absent-key", "condition-operators", "global-keys")
def _(w):
    w.deny(_cond_user(w, {"Null": {"aws:TokenIssueTime": "false"}}), w.sqs_send(), "no-identity")


@case("condition/null-false-on-a-present-key", "condition-operators", "global-keys")
def _(w):
    # Temporary credentials carry aws:TokenIssueTime.
    s = w.session_token(_cond_user(w, {"Null": {"aws:TokenIssueTime": "false"}}))
    w.allow(s, w.sqs_send())


@case("condition/null-true-on-a-present-key", "condition-operators", "global-keys")
def _(w):
    s = w.session_token(_cond_user(w, {"Null": {"aws:TokenIssueTime": "true"}}))
    w.deny(s, w.sqs_send(), "no-identity")


@case("condition/bool-secure-transport-false-deny", "condition-operators", "global-keys")
def _(w):
    # The gateway is reached over plain HTTP: aws:SecureTransport is false.
    u = w.user(allow("sqs:*"), deny("*", condition={"Bool": {"aws:SecureTransport": "false"}}))
    w.deny(u, w.sqs_send(), "deny-identity")


@case("condition/bool-secure-transport-true-allow", "condition-operators", "global-keys")
def _(w):
    w.deny(_cond_user(w, {"Bool": {"aws:SecureTransport": "true"}}), w.sqs_send(), "no-identity")


@case("condition/bool-if-exists-mfa-deny-binds-long-term-keys", "mfa", "condition-operators")
def _(w):
    # The MFA guide's pattern: "BoolIfExists": {"aws:MultiFactorAuthPresent":
    # "false"} denies long-term keys, which carry no MFA key at all.
    u = w.user(allow("sqs:*"), deny("sqs:*", condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}))
    w.deny(u, w.sqs_send(), "deny-identity")


@case("condition/bool-mfa-deny-without-if-exists-misses-long-term-keys", "mfa", "condition-operators")
def _(w):
    # Without IfExists the key is absent for long-term keys, so the Deny does not apply.
    u = w.user(allow("sqs:*"), deny("sqs:*", condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}}))
    w.allow(u, w.sqs_send())


@case("condition/bool-mfa-deny-binds-sessions-without-mfa", "mfa", "condition-operators")
def _(w):
    u = w.user(allow("sqs:*"), deny("sqs:*", condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}}))
    w.deny(w.session_token(u), w.sqs_send(), "deny-identity")


@case("condition/ip-address-in-range", "condition-operators", "global-keys")
def _(w):
    w.allow(_cond_user(w, {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}), w.sqs_send())


@case("condition/ip-address-out-of-range", "condition-operators", "global-keys")
def _(w):
    w.deny(_cond_user(w, {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}), w.sqs_send(), "no-identity")


@case("condition/ip-address-without-mask", "condition-operators", "global-keys")
def _(w):
    w.allow(_cond_user(w, {"IpAddress": {"aws:SourceIp": "127.0.0.1"}}), w.sqs_send())


@case("condition/ip-address-list", "condition-operators")
def _(w):
    w.allow(_cond_user(w, {"IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "127.0.0.1/32"]}}), w.sqs_send())


@case("condition/not-ip-address-deny-spares-the-range", "condition-operators", "eval-denyallow")
def _(w):
    u = w.user(allow("sqs:*"), deny("*", condition={"NotIpAddress": {"aws:SourceIp": "127.0.0.0/8"}}))
    w.allow(u, w.sqs_send())


@case("condition/not-ip-address-deny-binds-outside", "condition-operators", "eval-denyallow")
def _(w):
    u = w.user(allow("sqs:*"), deny("*", condition={"NotIpAddress": {"aws:SourceIp": "192.0.2.0/24"}}))
    w.deny(u, w.sqs_send(), "deny-identity")


@case("condition/date-greater-than-past", "condition-operators", "global-keys")
def _(w):
    w.allow(_cond_user(w, {"DateGreaterThan": {"aws:CurrentTime": "2000-01-01T00:00:00Z"}}), w.sqs_send())


@case("condition/date-greater-than-future", "condition-operators", "global-keys")
def _(w):
    w.deny(_cond_user(w, {"DateGreaterThan": {"aws:CurrentTime": "2999-01-01T00:00:00Z"}}), w.sqs_send(), "no-identity")


@case("condition/date-less-than-future", "condition-operators", "global-keys")
def _(w):
    w.allow(_cond_user(w, {"DateLessThan": {"aws:CurrentTime": "2999-01-01T00:00:00Z"}}), w.sqs_send())


@case("condition/date-less-than-past", "condition-operators", "global-keys")
def _(w):
    w.deny(_cond_user(w, {"DateLessThan": {"aws:CurrentTime": "2000-01-01T00:00:00Z"}}), w.sqs_send(), "no-identity")


@case("condition/date-window", "condition-operators", "global-keys")
def _(w):
    w.allow(_cond_user(w, {"DateGreaterThan": {"aws:CurrentTime": "2000-01-01T00:00:00Z"},
                           "DateLessThan": {"aws:CurrentTime": "2999-12-31T23:59:59Z"}}), w.sqs_send())


@case("condition/date-with-epoch-value", "condition-operators", "global-keys")
def _(w):
    # Date operators take ISO 8601 dates or epoch (UNIX) times.
    w.allow(_cond_user(w, {"DateLessThan": {"aws:CurrentTime": "32503680000"}}), w.sqs_send())


@case("condition/numeric-on-epoch-time", "condition-operators", "global-keys")
def _(w):
    # aws:EpochTime works with date or numeric operators.
    u = w.user(allow("sqs:SendMessage", condition={"NumericGreaterThan": {"aws:EpochTime": "946684800"}}))
    w.allow(u, w.sqs_send())
    w.deny(_cond_user(w, {"NumericLessThan": {"aws:EpochTime": "946684800"}}), w.sqs_send(), "no-identity")


@case("condition/token-issue-time-revokes-older-sessions", "global-keys")
def _(w):
    # The "revoke older sessions" policy: deny sessions issued before a moment.
    role, u = _role_for_user(w, allow("sqs:*"))
    s = w.assume(u, role)
    w.allow(s, w.sqs_send())
    w.iam().put_role_policy(RoleName=role.name, PolicyName="revoke", PolicyDocument=json.dumps(
        doc(deny("*", condition={"DateLessThan": {"aws:TokenIssueTime": "2999-01-01T00:00:00Z"}}))))
    w.deny(s, w.sqs_send(), "deny-identity")


@case("condition/arn-like-principal-arn", "condition-operators", "global-keys")
def _(w):
    w.allow(_cond_user(w, {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{w.acct}:user/user-*"}}), w.sqs_send())


@case("condition/arn-like-principal-arn-miss", "condition-operators", "global-keys")
def _(w):
    w.deny(_cond_user(w, {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{w.acct}:role/*"}}), w.sqs_send(), "no-identity")


@case("condition/arn-equals-principal-arn", "condition-operators", "global-keys")
def _(w):
    u = w.user()
    w.grant(u, allow("sqs:SendMessage", condition={"ArnEquals": {"aws:PrincipalArn": u.arn}}))
    w.allow(u, w.sqs_send())


@case("condition/arn-not-like-deny", "condition-operators", "eval-denyallow")
def _(w):
    u = w.user(allow("sqs:*"), deny("sqs:*", condition={"ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{w.acct}:role/*"}}))
    w.deny(u, w.sqs_send(), "deny-identity")


@case("condition/principal-arn-of-a-session-is-the-role-arn", "global-keys")
def _(w):
    role, u = _role_for_user(w)
    w.iam().put_role_policy(RoleName=role.name, PolicyName="by-arn", PolicyDocument=json.dumps(
        doc(allow("sqs:SendMessage", condition={"ArnEquals": {"aws:PrincipalArn": role.arn}}))))
    w.allow(w.assume(u, role), w.sqs_send())


@case("condition/principal-arn-of-a-session-is-not-the-session-arn", "global-keys")
def _(w):
    role, u = _role_for_user(w)
    w.iam().put_role_policy(RoleName=role.name, PolicyName="by-arn", PolicyDocument=json.dumps(
        doc(allow("sqs:SendMessage", condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:sts::*:assumed-role/*"}}))))
    w.deny(w.assume(u, role), w.sqs_send(), "no-identity")


@case("condition/principal-type-user", "global-keys")
def _(w):
    w.allow(_cond_user(w, {"StringEquals": {"aws:PrincipalType": "User"}}), w.sqs_send())
    w.deny(_cond_user(w, {"StringEquals": {"aws:PrincipalType": "AssumedRole"}}), w.sqs_send(), "no-identity")


@case("condition/principal-type-assumed-role", "global-keys")
def _(w):
    role, u = _role_for_user(w, allow("sqs:SendMessage", condition={"StringEquals": {"aws:PrincipalType": "AssumedRole"}}))
    w.allow(w.assume(u, role), w.sqs_send())


@case("condition/principal-type-federated-user", "global-keys", "federation-token")
def _(w):
    u = w.user(allow("sts:GetFederationToken"), allow("sqs:SendMessage", condition={"StringEquals": {"aws:PrincipalType": "FederatedUser"}}))
    f = w.federate(u, Policy=json.dumps(doc(allow("sqs:*"))))
    w.allow(f, w.sqs_send())
    w.deny(u, w.sqs_send(), "no-identity")


@case("condition/userid-of-a-user", "global-keys")
def _(w):
    w.allow(_cond_user(w, {"StringLike": {"aws:userid": "AIDA*"}}), w.sqs_send())


@case("condition/userid-of-a-role-session", "global-keys")
def _(w):
    role, u = _role_for_user(w, allow("sqs:SendMessage", condition={"StringLike": {"aws:userid": "AROA*:matrix-session"}}))
    w.allow(w.assume(u, role, session="matrix-session"), w.sqs_send())


@case("condition/principal-account", "global-keys")
def _(w):
    w.allow(_cond_user(w, {"StringEquals": {"aws:PrincipalAccount": w.acct}}), w.sqs_send())
    w.deny(_cond_user(w, {"StringEquals": {"aws:PrincipalAccount": "123456789012"}}), w.sqs_send(), "no-identity")


@case("condition/resource-account-of-an-own-resource", "global-keys")
def _(w):
    # aws:ResourceAccount: "the resource owner's AWS account ID", present on requests to resources.
    w.allow(_cond_user(w, {"StringEquals": {"aws:ResourceAccount": w.acct}}), w.sqs_send())


@case("condition/resource-account-mismatch", "global-keys")
def _(w):
    w.deny(_cond_user(w, {"StringEquals": {"aws:ResourceAccount": "123456789012"}}), w.sqs_send(), "no-identity")


@case("condition/principal-tag-of-a-user", "principal-tags", "global-keys")
def _(w):
    w.allow(_cond_user(w, _TEAM_BLUE, tags={"team": "blue"}), w.sqs_send())


@case("condition/principal-tag-mismatch", "principal-tags", "global-keys")
def _(w):
    w.deny(_cond_user(w, _TEAM_BLUE, tags={"team": "red"}), w.sqs_send(), "no-identity")


@case("condition/principal-tag-removed-revokes-at-once", "principal-tags")
def _(w):
    u = _cond_user(w, _TEAM_BLUE, tags={"team": "blue"})
    w.allow(u, w.sqs_send())
    w.iam().untag_user(UserName=u.name, TagKeys=["team"])
    w.deny(u, w.sqs_send(), "no-identity")


@case("condition/principal-tag-added-grants-at-once", "principal-tags")
def _(w):
    u = _cond_user(w, _TEAM_BLUE)
    w.deny(u, w.sqs_send(), "no-identity")
    w.iam().tag_user(UserName=u.name, Tags=[{"Key": "team", "Value": "blue"}])
    w.allow(u, w.sqs_send())


@case("condition/principal-tag-as-a-variable", "variables", "principal-tags")
def _(w):
    cond = {"StringEquals": {"aws:RequestedRegion": "${aws:PrincipalTag/home-region}"}}
    w.allow(_cond_user(w, cond, tags={"home-region": REGION}), w.sqs_send())
    w.deny(_cond_user(w, cond, tags={"home-region": "eu-west-1"}), w.sqs_send(), "no-identity")


@case("condition/resource-tag-of-the-queue", "global-keys", "sqs-keys")
def _(w):
    # ABAC: "aws:ResourceTag/tag-key" compares the tags of the resource the
    # request acts on.
    cond = {"StringEquals": {"aws:ResourceTag/team": "blue"}}
    w.allow(_cond_user(w, cond), w.sqs_send(w.queue(tags={"team": "blue"})))
    w.deny(_cond_user(w, cond), w.sqs_send(w.queue(tags={"team": "red"})), "no-identity", resource=True)
    w.deny(_cond_user(w, cond), w.sqs_send(w.queue()), "no-identity", resource=True)


@case("condition/resource-tag-matches-the-principal-tag", "variables", "principal-tags")
def _(w):
    cond = {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}
    u = _cond_user(w, cond, tags={"team": "blue"})
    w.allow(u, w.sqs_send(w.queue(tags={"team": "blue"})))
    w.deny(u, w.sqs_send(w.queue(tags={"team": "red"})), "no-identity", resource=True)


@case("condition/resource-tag-of-a-role-in-its-trust", "global-keys", "assume-role")
def _(w):
    # A role's own tags are its aws:ResourceTag when it is assumed.
    cond = {"StringEquals": {"aws:ResourceTag/tier": "dev"}}
    u = _cond_user(w, cond, "sts:AssumeRole")
    dev = w.role(trust(aws(account_root(w.acct))), tags={"tier": "dev"})
    prod = w.role(trust(aws(account_root(w.acct))), tags={"tier": "prod"})
    w.allow(u, w.sts_assume(dev))
    w.deny(u, w.sts_assume(prod), "no-identity", resource=True)


@case("condition/dynamodb-leading-keys-of-the-caller", "ddb-fgac", "variables")
def _(w):
    # Fine-grained access: items whose partition key is the caller's name only.
    u = w.user()
    w.grant(u, allow(["dynamodb:PutItem", "dynamodb:GetItem"], w.table_arn,
                     condition={"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${aws:username}"]}}))
    ddb = u.client("dynamodb")
    ddb.put_item(TableName=w.table, Item={"k": {"S": u.name}, "v": {"S": "mine"}})
    assert ddb.get_item(TableName=w.table, Key={"k": {"S": u.name}})["Item"]["v"]["S"] == "mine"
    theirs = w.uid("someone")
    try:
        ddb.put_item(TableName=w.table, Item={"k": {"S": theirs}})
    except ClientError as e:
        assert (e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"]) == ("AccessDeniedException", 400), fmt_error(e)
    else:
        raise AssertionError("PutItem of another partition key was allowed")
    assert "Item" not in w.root.client("dynamodb").get_item(TableName=w.table, Key={"k": {"S": theirs}})


@case("condition/for-any-value-on-a-single-valued-key", "multivalued")
def _(w):
    u = w.user()
    w.grant(u, allow("sqs:SendMessage", condition={"ForAnyValue:StringEquals": {"aws:username": ["x", u.name]}}))
    w.allow(u, w.sqs_send())


@case("condition/for-all-values-on-an-absent-key-is-true", "multivalued")
def _(w):
    # "ForAllValues ... also returns true if there are no context keys in the request"
    w.allow(_cond_user(w, {"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}), w.sqs_send())


@case("condition/for-any-value-on-an-absent-key-is-false", "multivalued")
def _(w):
    w.deny(_cond_user(w, {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}), w.sqs_send(), "no-identity")


@case("condition/tag-keys-for-any-value-on-tag-queue", "multivalued", "sqs-keys")
def _(w):
    u = _cond_user(w, {"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}, "sqs:TagQueue")
    w.allow(u, w.sqs_tag(tags={"team": "blue", "cost": "1"}))
    w.deny(u, w.sqs_tag(tags={"cost": "1"}), "no-identity", resource=True)


@case("condition/tag-keys-for-all-values-on-tag-queue", "multivalued", "sqs-keys")
def _(w):
    u = _cond_user(w, {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]}}, "sqs:TagQueue")
    w.allow(u, w.sqs_tag(tags={"team": "blue"}))
    w.deny(u, w.sqs_tag(tags={"team": "blue", "cost": "1"}), "no-identity", resource=True)


@case("condition/request-tag-on-create-queue", "global-keys", "sqs-keys")
def _(w):
    u = _cond_user(w, {"StringEquals": {"aws:RequestTag/team": "blue"}}, ["sqs:CreateQueue", "sqs:TagQueue"])
    w.allow(u, w.sqs_create(tags={"team": "blue"}))
    w.deny(u, w.sqs_create(tags={"team": "red"}), "no-identity", resource=True)


@case("condition/s3-prefix-match", "s3-keys", "condition-operators")
def _(w):
    u = _cond_user(w, {"StringLike": {"s3:prefix": "public/*"}}, "s3:ListBucket")
    w.allow(u, w.s3_list(prefix="public/"))


@case("condition/s3-prefix-other-prefix", "s3-keys")
def _(w):
    u = _cond_user(w, {"StringLike": {"s3:prefix": "public/*"}}, "s3:ListBucket")
    w.deny(u, w.s3_list(prefix="private/"), "no-identity", resource=True)


@case("condition/s3-prefix-absent", "s3-keys")
def _(w):
    u = _cond_user(w, {"StringLike": {"s3:prefix": "public/*"}}, "s3:ListBucket")
    w.deny(u, w.s3_list(), "no-identity", resource=True)


@case("condition/s3-max-keys-below", "s3-keys", "condition-operators")
def _(w):
    u = _cond_user(w, {"NumericLessThan": {"s3:max-keys": "10"}}, "s3:ListBucket")
    w.allow(u, w.s3_list(max_keys=5))


@case("condition/s3-max-keys-above", "s3-keys", "condition-operators")
def _(w):
    u = _cond_user(w, {"NumericLessThan": {"s3:max-keys": "10"}}, "s3:ListBucket")
    w.deny(u, w.s3_list(max_keys=50), "no-identity", resource=True)


@case("condition/s3-max-keys-equal-boundary", "s3-keys", "condition-operators")
def _(w):
    u = _cond_user(w, {"NumericLessThanEquals": {"s3:max-keys": "10"}}, "s3:ListBucket")
    w.allow(u, w.s3_list(max_keys=10))
    w.deny(_cond_user(w, {"NumericLessThan": {"s3:max-keys": "10"}}, "s3:ListBucket"), w.s3_list(max_keys=10), "no-identity", resource=True)


@case("condition/s3-max-keys-absent", "s3-keys", "condition-operators")
def _(w):
    u = _cond_user(w, {"NumericLessThan": {"s3:max-keys": "10"}}, "s3:ListBucket")
    w.deny(u, w.s3_list(), "no-identity", resource=True)


# ---------------------------------------------------------------- policy variables


@case("variables/username-in-an-s3-resource", "variables")
def _(w):
    u = w.user(allow("s3:GetObject", f"arn:aws:s3:::{w.bucket}/home/${{aws:username}}/*"))
    key = w.put_object(f"home/{u.name}/notes.txt")
    w.allow(u, w.s3_get(key))


@case("variables/username-in-an-s3-resource-other-home", "variables")
def _(w):
    u = w.user(allow("s3:GetObject", f"arn:aws:s3:::{w.bucket}/home/${{aws:username}}/*"))
    key = w.put_object(f"home/{w.uid('someone')}/notes.txt")
    w.deny(u, w.s3_get(key), "no-identity", resource=True)


@case("variables/username-in-an-s3-prefix-condition", "variables", "s3-keys")
def _(w):
    u = _cond_user(w, {"StringLike": {"s3:prefix": "home/${aws:username}/*"}}, "s3:ListBucket")
    w.put_object(f"home/{u.name}/a.txt")
    w.allow(u, w.s3_list(prefix=f"home/{u.name}/"))
    w.deny(u, w.s3_list(prefix="home/"), "no-identity", resource=True)


@case("variables/username-in-a-queue-arn", "variables")
def _(w):
    u = w.user(allow("sqs:SendMessage", "arn:aws:sqs:*:*:${aws:username}-*"))
    mine = w.queue(name=f"{u.name}-inbox")
    w.allow(u, w.sqs_send(mine))
    w.deny(u, w.sqs_send(w.queue()), "no-identity", resource=True)


@case("variables/username-in-a-condition-value", "variables")
def _(w):
    w.allow(_cond_user(w, {"StringEquals": {"aws:PrincipalArn": f"arn:aws:iam::{w.acct}:user/${{aws:username}}"}}), w.sqs_send())


@case("variables/need-version-2012-10-17", "version", "variables")
def _(w):
    # With Version 2008-10-17, "${aws:username} aren't recognized as variables
    # and are instead treated as literal strings in the policy."
    u = w.user(doc(allow("sqs:SendMessage", condition={"StringEquals": {"aws:username": "${aws:username}"}}), version="2008-10-17"))
    w.deny(u, w.sqs_send(), "no-identity")


@case("variables/without-version-are-literal", "version", "variables")
def _(w):
    # "If you do not include a Version element, the value defaults to 2008-10-17".
    u = w.user(doc(allow("sqs:SendMessage", condition={"StringEquals": {"aws:username": "${aws:username}"}}), version=None))
    w.deny(u, w.sqs_send(), "no-identity")


@case("variables/default-value", "variables")
def _(w):
    # "${aws:PrincipalTag/missing, 'blue'}": a default for a key the request lacks.
    u = _cond_user(w, {"StringEquals": {"aws:PrincipalTag/team": "${aws:PrincipalTag/nothing-here, 'blue'}"}}, tags={"team": "blue"})
    w.allow(u, w.sqs_send())


@case("variables/unknown-key-matches-nothing", "variables")
def _(w):
    u = _cond_user(w, {"StringLike": {"aws:username": "${aws:PrincipalTag/nothing-here}*"}})
    w.deny(u, w.sqs_send(), "no-identity")


# ---------------------------------------------------------------- how a refusal reads (resource ARNs)


@case("message/sqs-names-the-queue-arn", "eval-denyallow", "sqs-keys")
def _(w):
    q = w.queue()
    w.deny(w.user(), w.sqs_send(q), "no-identity", resource=True)


@case("message/s3-names-the-object-arn-in-quotes", "s3-403")
def _(w):
    # S3: "User: user-arn is not authorized to perform: action on resource: "resource-arn" because context".
    u = w.user()
    try:
        u.client("s3").get_object(Bucket=w.bucket, Key="public/a.txt")
    except ClientError as e:
        msg = e.response["Error"]["Message"]
        want = (f'User: {u.arn} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::{w.bucket}/public/a.txt" '
                f"because no identity-based policy allows the s3:GetObject action")
        assert msg == want, f"got {msg!r}\nwant {want!r}"
    else:
        raise AssertionError("GetObject without permission succeeded")


@case("message/s3-names-the-bucket-arn-for-listing", "s3-403", "s3-actions")
def _(w):
    w.deny(w.user(), w.s3_list(), "no-identity", resource=True)


@case("message/dynamodb-names-the-table-arn", "ddb-errors")
def _(w):
    w.deny(w.user(), w.ddb_get(), "no-identity", resource=True)


@case("message/sns-names-the-topic-arn", "sns-errors")
def _(w):
    w.deny(w.user(), w.sns_create_topic(), "no-identity", resource=True)


@case("message/iam-names-the-user-arn", "eval-denyallow")
def _(w):
    u = w.user()
    w.deny(u, w.iam_get_user(u.name), "no-identity", resource=True)


@case("message/sts-names-the-role-arn", "assume-role")
def _(w):
    role = w.role(trust(aws(account_root(w.acct))))
    w.deny(w.user(), w.sts_assume(role), "no-identity", resource=True)


@case("message/assumed-role-session-is-named", "eval-denyallow")
def _(w):
    role, u = _role_for_user(w)
    s = w.assume(u, role, session="who-am-i")
    assert s.arn == f"arn:aws:sts::{w.acct}:assumed-role/{role.name}/who-am-i"
    w.deny(s, w.sqs_send(), "no-identity")


@case("message/federated-user-is-named", "federation-token")
def _(w):
    u = w.user(allow(["sts:GetFederationToken", "sqs:*"]))
    f = w.federate(u, name="visitor-7", Policy=json.dumps(doc(allow("s3:*"))))
    assert f.arn == f"arn:aws:sts::{w.acct}:federated-user/visitor-7"
    w.deny(f, w.sqs_send(), "no-session")
