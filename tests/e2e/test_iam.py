"""IAM end to end through boto3: entities and their errors as AWS words them,
policies (inline, managed with versions, AWS managed, boundaries) that decide
what IAM users may then do, access keys that sign requests as their user,
pagination, service-linked roles, identity providers, account settings, the
credential report and the policy simulator."""

import base64
import csv
import hashlib
import hmac
import io
import json
import struct
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, temporary_client
from conftest import unique, admin_api as admin

ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra):
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def trust(principal):
    return doc({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"})


def error(exc):
    """(code, HTTP status, message) of a ClientError."""
    r = exc.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"], r["Error"].get("Message")


@pytest.fixture(scope="module")
def iam(make_client):
    return make_client("iam")


@pytest.fixture
def user(iam):
    """A fresh user, deleted afterwards with everything hanging on it."""
    name = unique("user")
    iam.create_user(UserName=name)
    yield name
    purge_user(iam, name)


def purge_user(iam, name):
    try:
        for k in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
            iam.delete_access_key(UserName=name, AccessKeyId=k["AccessKeyId"])
        for p in iam.list_user_policies(UserName=name)["PolicyNames"]:
            iam.delete_user_policy(UserName=name, PolicyName=p)
        for p in iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]:
            iam.detach_user_policy(UserName=name, PolicyArn=p["PolicyArn"])
        for g in iam.list_groups_for_user(UserName=name)["Groups"]:
            iam.remove_user_from_group(GroupName=g["GroupName"], UserName=name)
        try:
            iam.delete_login_profile(UserName=name)
        except ClientError:
            pass
        iam.delete_user(UserName=name)
    except ClientError as e:
        if e.response["Error"]["Code"] != "NoSuchEntity":
            raise


def keys_for(iam, user_name):
    k = iam.create_access_key(UserName=user_name)["AccessKey"]
    return k["AccessKeyId"], k["SecretAccessKey"]


def client_as(make_client, service, keys):
    return make_client(service, access_key=keys[0], secret_key=keys[1])


@pytest.fixture
def fresh_account(simfra_endpoint, make_client):
    """An account of its own (account-wide settings and reports), as (iam client, account id)."""
    status, body = admin(simfra_endpoint, "POST", "/_simfra/accounts", {"Name": unique("iam")})
    assert status in (200, 201), body
    yield make_client("iam", access_key=body["RootAccessKeyId"], secret_key=body["RootSecretAccessKey"]), body["AccountId"]
    admin(simfra_endpoint, "DELETE", f"/_simfra/accounts/{body['AccountId']}")


# ------------------------------------------------------------------- users


def test_user_lifecycle_and_errors_in_aws_words(iam):
    name = unique("Alice")
    created = iam.create_user(UserName=name, Path="/eng/", Tags=[{"Key": "team", "Value": "blue"}])["User"]
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/eng/{name}"
    assert created["UserId"].startswith("AIDA") and len(created["UserId"]) == 21
    assert created["Path"] == "/eng/" and created["Tags"] == [{"Key": "team", "Value": "blue"}]
    # Names are unique and found regardless of case.
    assert iam.get_user(UserName=name.upper())["User"]["UserName"] == name
    with pytest.raises(ClientError) as e:
        iam.create_user(UserName=name.lower())
    assert error(e) == ("EntityAlreadyExists", 409, f"User with name {name.lower()} already exists.")
    listed = iam.list_users(PathPrefix="/eng/")["Users"]
    assert name in [u["UserName"] for u in listed]
    assert all("Tags" not in u for u in listed), "ListUsers leaves tags out, as AWS does"

    renamed = unique("Alicia")
    iam.update_user(UserName=name, NewUserName=renamed, NewPath="/ops/")
    assert iam.get_user(UserName=renamed)["User"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/ops/{renamed}"
    with pytest.raises(ClientError) as e:
        iam.get_user(UserName=name)
    assert error(e) == ("NoSuchEntity", 404, f"The user with name {name} cannot be found.")

    iam.tag_user(UserName=renamed, Tags=[{"Key": "env", "Value": "dev"}, {"Key": "TEAM", "Value": "red"}])
    tags = {t["Key"]: t["Value"] for t in iam.list_user_tags(UserName=renamed)["Tags"]}
    assert tags == {"TEAM": "red", "env": "dev"}
    iam.untag_user(UserName=renamed, TagKeys=["team"])
    assert [t["Key"] for t in iam.list_user_tags(UserName=renamed)["Tags"]] == ["env"]

    iam.delete_user(UserName=renamed)
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName=renamed)
    assert error(e)[0:2] == ("NoSuchEntity", 404)


def test_list_users_paginates_with_markers(iam):
    prefix = f"/page{uuid.uuid4().hex[:6]}/"
    names = sorted(unique(f"p{i}") for i in range(5))
    for n in names:
        iam.create_user(UserName=n, Path=prefix)
    try:
        first = iam.list_users(PathPrefix=prefix, MaxItems=2)
        assert first["IsTruncated"] is True and first["Marker"]
        second = iam.list_users(PathPrefix=prefix, MaxItems=2, Marker=first["Marker"])
        third = iam.list_users(PathPrefix=prefix, MaxItems=2, Marker=second["Marker"])
        assert third["IsTruncated"] is False and "Marker" not in third
        seen = [u["UserName"] for page in (first, second, third) for u in page["Users"]]
        assert seen == sorted(names, key=str.lower)
        paged = [u["UserName"] for p in iam.get_paginator("list_users").paginate(PathPrefix=prefix, PaginationConfig={"PageSize": 2}) for u in p["Users"]]
        assert paged == seen
    finally:
        for n in names:
            iam.delete_user(UserName=n)


def test_delete_user_waits_for_everything_hanging_on_it(iam, user):
    group = unique("grp")
    iam.create_group(GroupName=group)
    key_id, _ = keys_for(iam, user)
    iam.put_user_policy(UserName=user, PolicyName="inline", PolicyDocument=doc(allow("s3:ListAllMyBuckets")))
    iam.attach_user_policy(UserName=user, PolicyArn=ADMIN_ARN)
    iam.add_user_to_group(GroupName=group, UserName=user)
    iam.create_login_profile(UserName=user, Password="Corr3ct-Horse!")

    def conflict():
        with pytest.raises(ClientError) as e:
            iam.delete_user(UserName=user)
        code, status, message = error(e)
        assert (code, status) == ("DeleteConflict", 409)
        return message

    assert conflict() == "Cannot delete entity, must delete login profile first."
    iam.delete_login_profile(UserName=user)
    assert conflict() == "Cannot delete entity, must delete access keys first."
    iam.delete_access_key(UserName=user, AccessKeyId=key_id)
    assert conflict() == "Cannot delete entity, must delete policies first."
    iam.delete_user_policy(UserName=user, PolicyName="inline")
    assert conflict() == "Cannot delete entity, must detach all policies first."
    iam.detach_user_policy(UserName=user, PolicyArn=ADMIN_ARN)
    assert conflict() == "Cannot delete entity, must remove users from group first."
    with pytest.raises(ClientError) as e:
        iam.delete_group(GroupName=group)
    assert error(e) == ("DeleteConflict", 409, "Cannot delete entity, must remove users from group first.")
    iam.remove_user_from_group(GroupName=group, UserName=user)
    iam.delete_user(UserName=user)
    iam.delete_group(GroupName=group)


# ------------------------------------------------------------- access keys


def test_access_key_signs_requests_as_its_user(iam, make_client, user):
    # (GetCallerIdentity needs no permission on AWS; see the next test. The
    # allow keeps this test about the key itself.)
    iam.put_user_policy(UserName=user, PolicyName="whoami", PolicyDocument=doc(allow("sts:GetCallerIdentity")))
    created = iam.create_access_key(UserName=user)["AccessKey"]
    assert created["AccessKeyId"].startswith("AKIA") and len(created["AccessKeyId"]) == 20
    assert len(created["SecretAccessKey"]) == 40 and created["Status"] == "Active"
    me = iam.get_user(UserName=user)["User"]
    keys = (created["AccessKeyId"], created["SecretAccessKey"])
    identity = client_as(make_client, "sts", keys).get_caller_identity()
    assert identity["Arn"] == me["Arn"]
    assert identity["UserId"] == me["UserId"]
    assert identity["Account"] == ACCOUNT

    keys_for(iam, user)
    with pytest.raises(ClientError) as e:
        iam.create_access_key(UserName=user)
    assert error(e) == ("LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2")

    iam.update_access_key(UserName=user, AccessKeyId=keys[0], Status="Inactive")
    statuses = {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys(UserName=user)["AccessKeyMetadata"]}
    assert statuses[keys[0]] == "Inactive"
    with pytest.raises(ClientError) as e:
        client_as(make_client, "sts", keys).get_caller_identity()
    assert error(e)[0] == "InvalidClientTokenId"
    iam.update_access_key(UserName=user, AccessKeyId=keys[0], Status="Active")
    assert client_as(make_client, "sts", keys).get_caller_identity()["Arn"] == me["Arn"]

    iam.delete_access_key(UserName=user, AccessKeyId=keys[0])
    with pytest.raises(ClientError) as e:
        client_as(make_client, "sts", keys).get_caller_identity()
    assert error(e)[0] == "InvalidClientTokenId"
    with pytest.raises(ClientError) as e:
        iam.delete_access_key(UserName=user, AccessKeyId=keys[0])
    assert error(e) == ("NoSuchEntity", 404, f"The Access Key with id {keys[0]} cannot be found.")


def test_a_renamed_users_key_signs_as_the_new_name(iam, make_client):
    old, new = unique("before"), unique("after")
    iam.create_user(UserName=old)
    iam.put_user_policy(UserName=old, PolicyName="whoami", PolicyDocument=doc(allow("sts:GetCallerIdentity")))
    keys = keys_for(iam, old)
    iam.update_user(UserName=old, NewUserName=new, NewPath="/moved/")
    try:
        assert client_as(make_client, "sts", keys).get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/moved/{new}"
        assert [k["UserName"] for k in iam.list_access_keys(UserName=new)["AccessKeyMetadata"]] == [new]
    finally:
        purge_user(iam, new)


def test_get_caller_identity_needs_no_permission(iam, make_client, user):
    keys = keys_for(iam, user)
    iam.put_user_policy(UserName=user, PolicyName="deny-all", PolicyDocument=doc(deny("*")))
    assert client_as(make_client, "sts", keys).get_caller_identity()["Arn"] == iam.get_user(UserName=user)["User"]["Arn"]


def test_key_operations_without_user_name_act_on_the_calling_user(iam, make_client, user):
    iam.put_user_policy(UserName=user, PolicyName="own-keys", PolicyDocument=doc(
        allow(["iam:*AccessKey*", "iam:GetUser"])))
    keys = keys_for(iam, user)
    as_user = client_as(make_client, "iam", keys)
    assert as_user.get_user()["User"]["UserName"] == user
    listed = as_user.list_access_keys()["AccessKeyMetadata"]
    assert [(k["UserName"], k["AccessKeyId"]) for k in listed] == [(user, keys[0])]
    second = as_user.create_access_key()["AccessKey"]
    assert second["UserName"] == user
    as_user.delete_access_key(AccessKeyId=second["AccessKeyId"])
    assert len(iam.list_access_keys(UserName=user)["AccessKeyMetadata"]) == 1


def test_access_key_last_used_after_signing(iam, make_client, user):
    keys = keys_for(iam, user)
    before = iam.get_access_key_last_used(AccessKeyId=keys[0])
    assert before["UserName"] == user
    assert "LastUsedDate" not in before["AccessKeyLastUsed"] and before["AccessKeyLastUsed"]["ServiceName"] == "N/A"
    client_as(make_client, "sts", keys).get_caller_identity()
    after = iam.get_access_key_last_used(AccessKeyId=keys[0])["AccessKeyLastUsed"]
    assert after["ServiceName"] == "sts" and "LastUsedDate" in after


def test_self_service_calls_without_a_user_name_are_on_the_calling_user(iam, make_client, user):
    """AWS's "manage your own access keys" policy: the resource is the
    caller's own ARN, also when the request names no user."""
    iam.put_user_policy(UserName=user, PolicyName="own-keys", PolicyDocument=doc(
        allow(["iam:CreateAccessKey", "iam:ListAccessKeys", "iam:DeleteAccessKey", "iam:GetUser"],
              f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}")))
    as_user = client_as(make_client, "iam", keys_for(iam, user))
    assert as_user.get_user()["User"]["UserName"] == user
    made = as_user.create_access_key()["AccessKey"]
    assert made["UserName"] == user
    as_user.delete_access_key(AccessKeyId=made["AccessKeyId"])
    other = unique("other")
    iam.create_user(UserName=other)
    try:
        with pytest.raises(ClientError) as e:
            as_user.list_access_keys(UserName=other)
        assert f"is not authorized to perform: iam:ListAccessKeys on resource: arn:aws:iam::{ACCOUNT}:user/{other}" in error(e)[2]
    finally:
        iam.delete_user(UserName=other)


def test_passing_a_role_to_a_service_needs_iam_pass_role(iam, make_client, user):
    """CreateFunction hands its execution role to Lambda: iam:PassRole on the
    role is needed too, with iam:PassedToService naming the receiver."""
    keys = keys_for(iam, user)
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/{unique('exec')}"
    lam = client_as(make_client, "lambda", keys)

    def create():
        lam.create_function(FunctionName=unique("fn"), Runtime="python3.12", Role=role_arn, Handler="app.handler",
                            Code={"ZipFile": b"PK"})

    iam.put_user_policy(UserName=user, PolicyName="lambda", PolicyDocument=doc(allow("lambda:CreateFunction")))
    with pytest.raises(ClientError) as e:
        create()
    code, status, message = error(e)
    assert (code, status) == ("AccessDeniedException", 403)
    assert f"is not authorized to perform: iam:PassRole on resource: {role_arn} because" in message, message
    # Passed to another service only: still refused.
    iam.put_user_policy(UserName=user, PolicyName="pass", PolicyDocument=doc(
        allow("iam:PassRole", role_arn, Condition={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}})))
    with pytest.raises(ClientError) as e:
        create()
    assert "iam:PassRole" in error(e)[2]
    iam.put_user_policy(UserName=user, PolicyName="pass", PolicyDocument=doc(
        allow("iam:PassRole", role_arn, Condition={"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}})))
    try:
        create()
    except ClientError as e:
        # Past authorization, whatever Lambda itself answers.
        assert e.response["Error"]["Code"] != "AccessDeniedException", e.response["Error"]


# ---------------------------------------------------- policies decide access


def test_policies_decide_what_a_user_may_do(iam, make_client, user):
    keys = keys_for(iam, user)
    as_user = client_as(make_client, "iam", keys)
    with pytest.raises(ClientError) as e:
        as_user.list_roles()
    code, status, message = error(e)
    assert (code, status) == ("AccessDenied", 403)
    assert message.startswith(f"User: arn:aws:iam::{ACCOUNT}:user/{user} is not authorized to perform: iam:ListRoles")

    # Through a group's managed policy.
    group = unique("readers")
    policy_arn = iam.create_policy(PolicyName=unique("list-roles"), PolicyDocument=doc(allow("iam:ListRoles")))["Policy"]["Arn"]
    iam.create_group(GroupName=group)
    iam.attach_group_policy(GroupName=group, PolicyArn=policy_arn)
    iam.add_user_to_group(GroupName=group, UserName=user)
    as_user.list_roles()
    iam.remove_user_from_group(GroupName=group, UserName=user)
    with pytest.raises(ClientError):
        as_user.list_roles()

    # AWS managed AdministratorAccess, limited by a permissions boundary.
    iam.attach_user_policy(UserName=user, PolicyArn=ADMIN_ARN)
    as_user.list_roles()
    boundary_arn = iam.create_policy(PolicyName=unique("fence"), PolicyDocument=doc(allow("iam:ListUsers")))["Policy"]["Arn"]
    iam.put_user_permissions_boundary(UserName=user, PermissionsBoundary=boundary_arn)
    assert iam.get_user(UserName=user)["User"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == boundary_arn
    as_user.list_users(MaxItems=1)
    with pytest.raises(ClientError) as e:
        as_user.list_roles()
    assert "because no permissions boundary allows" in error(e)[2]
    # An explicit deny wins over AdministratorAccess.
    iam.delete_user_permissions_boundary(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="no-users", PolicyDocument=doc(deny("iam:ListUsers")))
    with pytest.raises(ClientError) as e:
        as_user.list_users()
    assert "with an explicit deny in an identity-based policy" in error(e)[2]

    iam.detach_user_policy(UserName=user, PolicyArn=ADMIN_ARN)
    iam.detach_group_policy(GroupName=group, PolicyArn=policy_arn)
    iam.delete_group(GroupName=group)
    iam.delete_policy(PolicyArn=policy_arn)
    iam.delete_policy(PolicyArn=boundary_arn)


def test_inline_policies_of_users_groups_and_roles(iam, user):
    group, role = unique("g"), unique("r")
    iam.create_group(GroupName=group)
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}))
    document = doc(allow("s3:GetObject", "arn:aws:s3:::bucket/*"))
    for kind, name in (("user", user), ("group", group), ("role", role)):
        Kind = kind.capitalize()
        put = getattr(iam, f"put_{kind}_policy")
        put(**{f"{Kind}Name": name, "PolicyName": "read", "PolicyDocument": document})
        got = getattr(iam, f"get_{kind}_policy")(**{f"{Kind}Name": name, "PolicyName": "read"})
        assert got["PolicyDocument"] == json.loads(document), "SDKs decode the URL-encoded document"
        assert getattr(iam, f"list_{kind}_policies")(**{f"{Kind}Name": name})["PolicyNames"] == ["read"]
        with pytest.raises(ClientError) as e:
            getattr(iam, f"get_{kind}_policy")(**{f"{Kind}Name": name, "PolicyName": "nope"})
        assert error(e) == ("NoSuchEntity", 404, f"The {kind} policy with name nope cannot be found.")
        with pytest.raises(ClientError) as e:
            put(**{f"{Kind}Name": name, "PolicyName": "bad", "PolicyDocument": '{"Statement": [{"Effect": "Allow", "Action": "s3:*"}]}'})
        assert error(e)[0:2] == ("MalformedPolicyDocument", 400)
        getattr(iam, f"delete_{kind}_policy")(**{f"{Kind}Name": name, "PolicyName": "read"})
        assert getattr(iam, f"list_{kind}_policies")(**{f"{Kind}Name": name})["PolicyNames"] == []
    with pytest.raises(ClientError) as e:
        iam.put_user_policy(UserName=user, PolicyName="big", PolicyDocument=doc(*[allow(f"s3:Get{i:04d}Object", f"arn:aws:s3:::{'x' * 40}/{i}") for i in range(40)]))
    assert error(e) == ("LimitExceeded", 409, f"Maximum policy size of 2048 bytes exceeded for user {user}")
    iam.delete_group(GroupName=group)
    iam.delete_role(RoleName=role)


# --------------------------------------------------------- managed policies


def test_managed_policy_versions_and_attachment_counts(iam, user):
    name = unique("versions")
    policy = iam.create_policy(PolicyName=name, Path="/team/", PolicyDocument=doc(allow("s3:GetObject")), Description="reads")["Policy"]
    arn = policy["Arn"]
    assert arn == f"arn:aws:iam::{ACCOUNT}:policy/team/{name}"
    assert policy["PolicyId"].startswith("ANPA") and policy["DefaultVersionId"] == "v1" and policy["AttachmentCount"] == 0
    with pytest.raises(ClientError) as e:
        iam.create_policy(PolicyName=name, PolicyDocument=doc(allow("s3:GetObject")))
    assert error(e) == ("EntityAlreadyExists", 409, f"A policy called {name} already exists. Duplicate names are not allowed.")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["Description"] == "reads"

    for i in range(2, 6):
        v = iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(allow(f"s3:Get{i}")), SetAsDefault=(i == 3))["PolicyVersion"]
        assert v["VersionId"] == f"v{i}"
    with pytest.raises(ClientError) as e:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(allow("s3:Get6")))
    assert error(e) == ("LimitExceeded", 409, "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    assert iam.get_policy_version(PolicyArn=arn, VersionId="v3")["PolicyVersion"]["Document"] == json.loads(doc(allow("s3:Get3")))
    with pytest.raises(ClientError) as e:
        iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
    assert error(e) == ("DeleteConflict", 409, "Cannot delete the default version of a policy.")
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v5")
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [v["IsDefaultVersion"] for v in versions if v["VersionId"] == "v5"] == [True]
    assert len(versions) == 5

    iam.attach_user_policy(UserName=user, PolicyArn=arn)
    iam.attach_user_policy(UserName=user, PolicyArn=arn)  # attaching again changes nothing
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 1
    assert iam.list_attached_user_policies(UserName=user)["AttachedPolicies"] == [{"PolicyName": name, "PolicyArn": arn}]
    entities = iam.list_entities_for_policy(PolicyArn=arn)
    assert [u["UserName"] for u in entities["PolicyUsers"]] == [user] and entities["PolicyGroups"] == []
    with pytest.raises(ClientError) as e:
        iam.delete_policy(PolicyArn=arn)
    assert error(e) == ("DeleteConflict", 409, "Cannot delete a policy attached to entities.")
    iam.detach_user_policy(UserName=user, PolicyArn=arn)
    with pytest.raises(ClientError) as e:
        iam.detach_user_policy(UserName=user, PolicyArn=arn)
    assert error(e) == ("NoSuchEntity", 404, f"Policy {arn} was not found.")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 0
    with pytest.raises(ClientError) as e:
        iam.delete_policy(PolicyArn=arn)
    assert error(e)[0] == "DeleteConflict" and "more than one version" in error(e)[2]
    for v in ("v1", "v2", "v3", "v4"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=v)
    iam.delete_policy(PolicyArn=arn)
    with pytest.raises(ClientError) as e:
        iam.get_policy(PolicyArn=arn)
    assert error(e) == ("NoSuchEntity", 404, f"Policy {arn} was not found.")


def test_aws_managed_policies_are_listed_and_attachable(iam, user):
    aws = iam.list_policies(Scope="AWS", MaxItems=1000)["Policies"]
    admin_policy = next(p for p in aws if p["PolicyName"] == "AdministratorAccess")
    assert admin_policy["Arn"] == ADMIN_ARN and admin_policy["PolicyId"].startswith("ANPA")
    assert all(p["Arn"].startswith("arn:aws:iam::aws:policy/") for p in aws)
    local_name = unique("local")
    local_arn = iam.create_policy(PolicyName=local_name, Path="/local/", PolicyDocument=doc(allow("sqs:*")))["Policy"]["Arn"]
    local = iam.list_policies(Scope="Local", PathPrefix="/local/")["Policies"]
    assert local_arn in [p["Arn"] for p in local] and all(not p["Arn"].startswith("arn:aws:iam::aws:") for p in local)

    version = iam.get_policy_version(PolicyArn=ADMIN_ARN, VersionId=admin_policy["DefaultVersionId"])["PolicyVersion"]
    assert version["Document"]["Statement"][0]["Action"] == "*"
    before = iam.get_policy(PolicyArn=ADMIN_ARN)["Policy"]["AttachmentCount"]
    iam.attach_user_policy(UserName=user, PolicyArn=ADMIN_ARN)
    assert iam.get_policy(PolicyArn=ADMIN_ARN)["Policy"]["AttachmentCount"] == before + 1
    attached = iam.list_policies(Scope="AWS", OnlyAttached=True)["Policies"]
    assert ADMIN_ARN in [p["Arn"] for p in attached]
    with pytest.raises(ClientError) as e:
        iam.attach_user_policy(UserName=user, PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicyAtAll")
    assert error(e) == ("NoSuchEntity", 404, "Policy arn:aws:iam::aws:policy/NoSuchPolicyAtAll does not exist or is not attachable.")
    iam.detach_user_policy(UserName=user, PolicyArn=ADMIN_ARN)
    iam.delete_policy(PolicyArn=local_arn)


# ------------------------------------------------------------------- roles


def test_roles_trust_policies_and_sts(iam, make_client, simfra_endpoint):
    name = unique("deployer")
    role = iam.create_role(RoleName=name, Path="/ci/", AssumeRolePolicyDocument=trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}),
                           MaxSessionDuration=7200, Description="CI", Tags=[{"Key": "k", "Value": "v"}])["Role"]
    assert role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/ci/{name}" and role["RoleId"].startswith("AROA")
    got = iam.get_role(RoleName=name)["Role"]
    assert got["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert got["MaxSessionDuration"] == 7200 and got["Description"] == "CI" and got["Tags"] == [{"Key": "k", "Value": "v"}]
    assert "RoleLastUsed" in got
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName=name.upper(), AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}))
    assert error(e) == ("EntityAlreadyExists", 409, f"Role with name {name.upper()} already exists.")
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName=unique("bad"), AssumeRolePolicyDocument=doc({"Effect": "Allow", "Action": "sts:AssumeRole"}))
    assert error(e)[0:2] == ("MalformedPolicyDocument", 400)

    iam.put_role_policy(RoleName=name, PolicyName="whoami", PolicyDocument=doc(allow("sts:GetCallerIdentity")))
    caller = unique("caller")
    iam.create_user(UserName=caller)
    iam.put_user_policy(UserName=caller, PolicyName="assume", PolicyDocument=doc(allow("sts:AssumeRole")))
    sts = client_as(make_client, "sts", keys_for(iam, caller))
    creds = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s1", DurationSeconds=7200)["Credentials"]
    ident = temporary_client(simfra_endpoint, "sts", creds).get_caller_identity()
    assert ident["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{name}/s1"
    assert ident["UserId"] == f"{role['RoleId']}:s1"
    with pytest.raises(ClientError) as e:
        sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s1", DurationSeconds=7201)
    assert error(e)[0] == "ValidationError", "MaxSessionDuration bounds the session"
    purge_user(iam, caller)

    assert iam.update_role_description(RoleName=name, Description="changed")["Role"]["Description"] == "changed"
    assert iam.get_role(RoleName=name)["Role"]["Description"] == "changed"
    listed = [r for r in iam.list_roles(PathPrefix="/ci/")["Roles"] if r["RoleName"] == name]
    assert listed and "Tags" not in listed[0], "ListRoles leaves tags out"
    iam.delete_role_policy(RoleName=name, PolicyName="whoami")
    iam.delete_role(RoleName=name)
    with pytest.raises(ClientError) as e:
        iam.get_role(RoleName=name)
    assert error(e) == ("NoSuchEntity", 404, f"The role with name {name} cannot be found.")


def test_trust_policy_must_name_the_caller(iam, make_client):
    name = unique("lambda-only")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust({"Service": "lambda.amazonaws.com"}))["Role"]["Arn"]
    caller = unique("caller")
    iam.create_user(UserName=caller)
    iam.put_user_policy(UserName=caller, PolicyName="assume", PolicyDocument=doc(allow("sts:AssumeRole")))
    try:
        with pytest.raises(ClientError) as e:
            client_as(make_client, "sts", keys_for(iam, caller)).assume_role(RoleArn=arn, RoleSessionName="s1")
        assert error(e)[0] == "AccessDenied"
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}))
        with pytest.raises(ClientError) as e:
            make_client("sts").assume_role(RoleArn=arn, RoleSessionName="s1")
        assert error(e) == ("AccessDenied", 403, "Roles may not be assumed by root accounts.")
    finally:
        purge_user(iam, caller)
        iam.delete_role(RoleName=name)


def test_update_role_changes_duration_and_description(iam):
    name = unique("upd")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}))
    try:
        iam.update_role(RoleName=name, MaxSessionDuration=14400, Description="longer")
        role = iam.get_role(RoleName=name)["Role"]
        assert (role["MaxSessionDuration"], role["Description"]) == (14400, "longer")
    finally:
        iam.delete_role(RoleName=name)


def test_instance_profiles_hold_one_role(iam):
    profile, role, other = unique("ip"), unique("ec2"), unique("ec2b")
    for r in (role, other):
        iam.create_role(RoleName=r, AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}))
    created = iam.create_instance_profile(InstanceProfileName=profile, Tags=[{"Key": "a", "Value": "b"}])["InstanceProfile"]
    assert created["InstanceProfileId"].startswith("AIPA") and created["Roles"] == []
    iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=role)
    with pytest.raises(ClientError) as e:
        iam.add_role_to_instance_profile(InstanceProfileName=profile, RoleName=other)
    assert error(e) == ("LimitExceeded", 409, "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1")
    got = iam.get_instance_profile(InstanceProfileName=profile)["InstanceProfile"]
    assert [r["RoleName"] for r in got["Roles"]] == [role]
    assert [p["InstanceProfileName"] for p in iam.list_instance_profiles_for_role(RoleName=role)["InstanceProfiles"]] == [profile]
    with pytest.raises(ClientError) as e:
        iam.delete_role(RoleName=role)
    assert error(e) == ("DeleteConflict", 409, "Cannot delete entity, must remove roles from instance profile first.")
    with pytest.raises(ClientError) as e:
        iam.delete_instance_profile(InstanceProfileName=profile)
    assert error(e)[0] == "DeleteConflict"
    iam.remove_role_from_instance_profile(InstanceProfileName=profile, RoleName=role)
    iam.delete_instance_profile(InstanceProfileName=profile)
    with pytest.raises(ClientError) as e:
        iam.get_instance_profile(InstanceProfileName=profile)
    assert error(e) == ("NoSuchEntity", 404, f"Instance Profile {profile} cannot be found.")
    for r in (role, other):
        iam.delete_role(RoleName=r)


def test_service_linked_roles_belong_to_their_service(iam):
    suffix = uuid.uuid4().hex[:8]
    role = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", CustomSuffix=suffix)["Role"]
    name = f"AWSServiceRoleForAutoScaling_{suffix}"
    assert role["RoleName"] == name
    assert role["Path"] == "/aws-service-role/autoscaling.amazonaws.com/"
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "autoscaling.amazonaws.com"}
    with pytest.raises(ClientError) as e:
        iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", CustomSuffix=suffix)
    assert error(e)[0] == "InvalidInput"
    for attempt in (lambda: iam.delete_role(RoleName=name),
                    lambda: iam.put_role_policy(RoleName=name, PolicyName="p", PolicyDocument=doc(allow("s3:*"))),
                    lambda: iam.update_assume_role_policy(RoleName=name, PolicyDocument=trust({"Service": "ec2.amazonaws.com"}))):
        with pytest.raises(ClientError) as e:
            attempt()
        assert error(e) == ("UnmodifiableEntity", 400,
                            f"Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS")
    task = iam.delete_service_linked_role(RoleName=name)["DeletionTaskId"]
    assert task.startswith(f"task/aws-service-role/autoscaling.amazonaws.com/{name}/")
    assert iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == "SUCCEEDED"
    with pytest.raises(ClientError) as e:
        iam.get_role(RoleName=name)
    assert error(e)[0] == "NoSuchEntity"


# ------------------------------------------------ tags on the other entities


def test_tags_on_roles_policies_and_profiles(iam):
    role, profile = unique("tagged"), unique("tagged")
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}))
    policy = iam.create_policy(PolicyName=unique("tagged"), PolicyDocument=doc(allow("s3:*")))["Policy"]["Arn"]
    iam.create_instance_profile(InstanceProfileName=profile)
    cases = [
        (iam.tag_role, iam.untag_role, iam.list_role_tags, {"RoleName": role}),
        (iam.tag_policy, iam.untag_policy, iam.list_policy_tags, {"PolicyArn": policy}),
        (iam.tag_instance_profile, iam.untag_instance_profile, iam.list_instance_profile_tags, {"InstanceProfileName": profile}),
    ]
    for tag, untag, list_tags, ident in cases:
        tag(Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}], **ident)
        assert list_tags(**ident)["Tags"] == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}]
        untag(TagKeys=["a"], **ident)
        assert list_tags(**ident)["Tags"] == [{"Key": "b", "Value": "2"}]
        with pytest.raises(ClientError) as e:
            tag(Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)], **ident)
        assert error(e)[0] == "LimitExceeded"
    iam.delete_role(RoleName=role)
    iam.delete_policy(PolicyArn=policy)
    iam.delete_instance_profile(InstanceProfileName=profile)


# ------------------------------------------------------ identity providers


SAML_METADATA = """<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/saml" validUntil="2049-01-01T00:00:00Z">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>""" + "<!-- padding -->" * 60


def test_oidc_and_saml_providers(iam):
    host = f"{uuid.uuid4().hex[:8]}.oidc.example.com"
    arn = iam.create_open_id_connect_provider(Url=f"https://{host}", ClientIDList=["sts.amazonaws.com"],
                                              ThumbprintList=["a" * 40], Tags=[{"Key": "t", "Value": "1"}])["OpenIDConnectProviderArn"]
    assert arn == f"arn:aws:iam::{ACCOUNT}:oidc-provider/{host}"
    with pytest.raises(ClientError) as e:
        iam.create_open_id_connect_provider(Url=f"https://{host}", ClientIDList=["x"], ThumbprintList=["a" * 40])
    assert error(e)[0:2] == ("EntityAlreadyExists", 409)
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="my-app")
    iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=arn, ThumbprintList=["b" * 40])
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["Url"] == host and got["ClientIDList"] == ["sts.amazonaws.com", "my-app"] and got["ThumbprintList"] == ["b" * 40]
    assert arn in [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)  # idempotent, as on AWS
    with pytest.raises(ClientError) as e:
        iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert error(e)[0:2] == ("NoSuchEntity", 404)

    name = unique("Okta")
    saml_arn = iam.create_saml_provider(Name=name, SAMLMetadataDocument=SAML_METADATA)["SAMLProviderArn"]
    assert saml_arn == f"arn:aws:iam::{ACCOUNT}:saml-provider/{name}"
    got = iam.get_saml_provider(SAMLProviderArn=saml_arn)
    assert got["SAMLMetadataDocument"] == SAML_METADATA and got["ValidUntil"].year == 2049
    assert saml_arn in [p["Arn"] for p in iam.list_saml_providers()["SAMLProviderList"]]
    with pytest.raises(ClientError) as e:
        iam.create_saml_provider(Name=unique("bad"), SAMLMetadataDocument="x" * 1000)
    assert error(e)[0] == "InvalidInput"
    iam.delete_saml_provider(SAMLProviderArn=saml_arn)
    with pytest.raises(ClientError) as e:
        iam.get_saml_provider(SAMLProviderArn=saml_arn)
    assert error(e)[0] == "NoSuchEntity"


# ------------------------------------------------------- account settings


def test_account_alias_password_policy_and_summary(fresh_account, make_client):
    iam, account = fresh_account
    alias = unique("alias")
    iam.create_account_alias(AccountAlias=alias)
    assert iam.list_account_aliases()["AccountAliases"] == [alias]
    with pytest.raises(ClientError) as e:
        make_client("iam").create_account_alias(AccountAlias=alias)
    assert error(e) == ("EntityAlreadyExists", 409, f"The account alias {alias} already exists.")
    iam.delete_account_alias(AccountAlias=alias)
    assert iam.list_account_aliases()["AccountAliases"] == []

    with pytest.raises(ClientError) as e:
        iam.get_account_password_policy()
    assert error(e) == ("NoSuchEntity", 404, f"The Password Policy with domain name {account} cannot be found.")
    iam.update_account_password_policy(MinimumPasswordLength=12, RequireSymbols=True, MaxPasswordAge=90)
    policy = iam.get_account_password_policy()["PasswordPolicy"]
    assert policy["MinimumPasswordLength"] == 12 and policy["RequireSymbols"] is True
    assert policy["ExpirePasswords"] is True and policy["MaxPasswordAge"] == 90 and policy["RequireNumbers"] is False

    iam.create_user(UserName="pw")
    with pytest.raises(ClientError) as e:
        iam.create_login_profile(UserName="pw", Password="short!")
    assert error(e)[0:2] == ("PasswordPolicyViolation", 400)
    with pytest.raises(ClientError) as e:
        iam.create_login_profile(UserName="pw", Password="longenoughbutnosymbol")
    assert error(e)[0] == "PasswordPolicyViolation"
    profile = iam.create_login_profile(UserName="pw", Password="long-enough-with-symbol", PasswordResetRequired=True)["LoginProfile"]
    assert profile["UserName"] == "pw" and profile["PasswordResetRequired"] is True
    with pytest.raises(ClientError) as e:
        iam.create_login_profile(UserName="pw", Password="long-enough-with-symbol")
    assert error(e)[0:2] == ("EntityAlreadyExists", 409)
    iam.update_login_profile(UserName="pw", PasswordResetRequired=False)
    assert iam.get_login_profile(UserName="pw")["LoginProfile"]["PasswordResetRequired"] is False
    iam.delete_login_profile(UserName="pw")
    with pytest.raises(ClientError) as e:
        iam.get_login_profile(UserName="pw")
    assert error(e) == ("NoSuchEntity", 404, "Login Profile for User pw cannot be found.")
    iam.delete_account_password_policy()

    iam.create_group(GroupName="g")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}))
    p = iam.create_policy(PolicyName="p", PolicyDocument=doc(allow("s3:*")))["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="r", PolicyArn=p)
    summary = iam.get_account_summary()["SummaryMap"]
    assert (summary["Users"], summary["Groups"], summary["Roles"], summary["Policies"]) == (1, 1, 1, 1)
    assert summary["UsersQuota"] == 5000 and summary["AccessKeysPerUserQuota"] == 2 and summary["PolicyVersionsInUse"] == 1
    assert summary["AccountAccessKeysPresent"] == 1

    details = iam.get_account_authorization_details()
    assert [u["UserName"] for u in details["UserDetailList"]] == ["pw"]
    role = details["RoleDetailList"][0]
    assert role["RoleName"] == "r" and role["AttachedManagedPolicies"] == [{"PolicyName": "p", "PolicyArn": p}]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    managed = details["Policies"][0]
    assert managed["Arn"] == p and managed["AttachmentCount"] == 1
    assert managed["PolicyVersionList"][0]["Document"]["Statement"][0]["Action"] == "s3:*"
    only_groups = iam.get_account_authorization_details(Filter=["Group"])
    assert [g["GroupName"] for g in only_groups["GroupDetailList"]] == ["g"] and only_groups["UserDetailList"] == []


def test_credential_report_lists_root_and_users(fresh_account):
    iam, account = fresh_account
    with pytest.raises(ClientError) as e:
        iam.get_credential_report()
    assert error(e)[0:2] == ("ReportNotPresent", 410)
    iam.create_user(UserName="reported")
    key_id = iam.create_access_key(UserName="reported")["AccessKey"]["AccessKeyId"]
    assert iam.generate_credential_report()["State"] == "STARTED"
    assert iam.generate_credential_report()["State"] == "COMPLETE"
    report = iam.get_credential_report()
    assert report["ReportFormat"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(report["Content"].decode())))
    assert [r["user"] for r in rows] == ["<root_account>", "reported"]
    assert rows[0]["arn"] == f"arn:aws:iam::{account}:root" and rows[0]["password_enabled"] == "not_supported"
    user = rows[1]
    assert user["arn"] == f"arn:aws:iam::{account}:user/reported"
    assert user["password_enabled"] == "false" and user["access_key_1_active"] == "true" and user["access_key_2_active"] == "false"
    assert user["access_key_1_last_rotated"].endswith("+00:00")
    assert key_id  # the key is what made access_key_1 active


# ------------------------------------------------------------ MFA devices


def totp(seed, at):
    key = base64.b32decode(seed + "=" * (-len(seed) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000:06d}"


def test_virtual_mfa_device_needs_two_consecutive_codes(iam, user):
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName=unique("phone"))["VirtualMFADevice"]
    serial, seed = device["SerialNumber"], device["Base32StringSeed"].decode()
    assert serial.startswith(f"arn:aws:iam::{ACCOUNT}:mfa/")
    now = time.time()
    with pytest.raises(ClientError) as e:
        iam.enable_mfa_device(UserName=user, SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321")
    assert error(e) == ("InvalidAuthenticationCode", 403, "Authentication code for device is not valid.")
    iam.enable_mfa_device(UserName=user, SerialNumber=serial, AuthenticationCode1=totp(seed, now - 30), AuthenticationCode2=totp(seed, now))
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName=user)["MFADevices"]] == [serial]
    assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert any(d["SerialNumber"] == serial and d["User"]["UserName"] == user for d in assigned)
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName=user)
    assert error(e)[2] == "Cannot delete entity, must delete MFA device first."
    with pytest.raises(ClientError) as e:
        iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert error(e)[0] == "DeleteConflict"
    iam.deactivate_mfa_device(UserName=user, SerialNumber=serial)
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert serial not in [d["SerialNumber"] for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"]]


# --------------------------------------------------------- policy simulator


def test_simulate_principal_policy(iam, user):
    iam.put_user_policy(UserName=user, PolicyName="s3-read", PolicyDocument=doc(
        {"Sid": "Read", **allow("s3:Get*")},
        {"Sid": "NotSecrets", **deny("s3:GetObject", "arn:aws:s3:::vault/*")},
        {"Sid": "FromOffice", **allow("sqs:SendMessage", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})},
    ))
    arn = iam.get_user(UserName=user)["User"]["Arn"]
    results = iam.simulate_principal_policy(
        PolicySourceArn=arn,
        ActionNames=["s3:GetObject", "s3:PutObject"],
        ResourceArns=["arn:aws:s3:::open/file", "arn:aws:s3:::vault/file"],
    )["EvaluationResults"]
    decisions = {(r["EvalActionName"], r["EvalResourceName"]): r["EvalDecision"] for r in results}
    assert decisions == {
        ("s3:GetObject", "arn:aws:s3:::open/file"): "allowed",
        ("s3:GetObject", "arn:aws:s3:::vault/file"): "explicitDeny",
        ("s3:PutObject", "arn:aws:s3:::open/file"): "implicitDeny",
        ("s3:PutObject", "arn:aws:s3:::vault/file"): "implicitDeny",
    }
    denied = next(r for r in results if r["EvalDecision"] == "explicitDeny")
    assert denied["MatchedStatements"][0]["SourcePolicyId"] == "s3-read"
    assert denied["MatchedStatements"][0]["SourcePolicyType"] == "user"

    without = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["sqs:SendMessage"])["EvaluationResults"][0]
    assert without["EvalDecision"] == "implicitDeny" and without["EvalResourceName"] == "*"
    assert without["MissingContextValues"] == ["aws:SourceIp"]
    given = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["sqs:SendMessage"], ContextEntries=[
        {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["10.1.2.3"], "ContextKeyType": "ip"}])["EvaluationResults"][0]
    assert given["EvalDecision"] == "allowed"
    keys = iam.get_context_keys_for_principal_policy(PolicySourceArn=arn)["ContextKeyNames"]
    assert keys == ["aws:SourceIp"]


def test_simulate_custom_policy_with_boundary_and_resource_policy(iam):
    identity = doc(allow("s3:*"))
    boundary = doc(allow("s3:GetObject"))
    out = iam.simulate_custom_policy(PolicyInputList=[identity], PermissionsBoundaryPolicyInputList=[boundary],
                                     ActionNames=["s3:GetObject", "s3:DeleteObject"])["EvaluationResults"]
    assert [(r["EvalActionName"], r["EvalDecision"]) for r in out] == [("s3:GetObject", "allowed"), ("s3:DeleteObject", "implicitDeny")]
    assert out[1]["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}
    assert out[0]["MatchedStatements"][0]["SourcePolicyId"] == "PolicyInputList.1"

    resource_policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/carol"},
                                                                          "Action": "sqs:SendMessage", "Resource": "*"}]})
    by_resource = iam.simulate_custom_policy(PolicyInputList=[doc(allow("s3:ListBucket"))], ActionNames=["sqs:SendMessage"],
                                             ResourcePolicy=resource_policy, CallerArn=f"arn:aws:iam::{ACCOUNT}:user/carol")["EvaluationResults"][0]
    assert by_resource["EvalDecision"] == "allowed"
    with pytest.raises(ClientError) as e:
        iam.simulate_custom_policy(PolicyInputList=["{not json"], ActionNames=["s3:GetObject"])
    assert error(e)[0] == "InvalidInput"
    keys = iam.get_context_keys_for_custom_policy(PolicyInputList=[doc(allow("s3:*", "arn:aws:s3:::home/${aws:username}/*",
                                                                              Condition={"Bool": {"aws:SecureTransport": "true"}}))])
    assert keys["ContextKeyNames"] == ["aws:SecureTransport", "aws:username"]
