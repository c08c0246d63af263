"""S3 access end to end: bucket policies across accounts and for anonymous
callers, Block Public Access (bucket and account), Object Ownership, ACLs
that grant access, CORS preflights and headers, website endpoints, and
presigned URLs — through boto3 and plain HTTP (http.client: no redirects
followed, OPTIONS and website hosts as browsers send them)."""

import http.client
import json
import time
import urllib.parse

import botocore
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCOUNT, aws_cli, code, message, unique

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
LOG_DELIVERY = "http://acs.amazonaws.com/groups/s3/LogDelivery"


def status(exc):
    return exc.value.response["ResponseMetadata"]["HTTPStatusCode"]


def canonical(account):
    return account.rjust(64, "0")


def raw(endpoint, method, path, headers=None, host=None, body=None):
    """One plain HTTP request (no redirects followed): (status, headers dict lower-cased, body bytes)."""
    parsed = urllib.parse.urlparse(endpoint)
    conn = http.client.HTTPConnection("127.0.0.1", parsed.port, timeout=10)
    h = dict(headers or {})
    h["Host"] = host or parsed.netloc
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    out = {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    return r.status, out, data


def port_of(endpoint):
    return urllib.parse.urlparse(endpoint).port


@pytest.fixture(scope="module")
def s3(make_client):
    return make_client("s3")


@pytest.fixture(scope="module")
def anonymous(make_client):
    return make_client("s3", signature_version=botocore.UNSIGNED)


@pytest.fixture(scope="module")
def theirs(make_client, other_account):
    return make_client("s3", access_key=other_account["RootAccessKeyId"], secret_key=other_account["RootSecretAccessKey"])


def public_read_policy(bucket, actions=("s3:GetObject",)):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": list(actions), "Resource": f"arn:aws:s3:::{bucket}/*"}],
        }
    )


def open_bucket(s3, prefix="open", ownership=None):
    """A bucket with Block Public Access off (and the ownership asked for)."""
    name = unique(prefix)
    if ownership:
        s3.create_bucket(Bucket=name, ObjectOwnership=ownership)
    else:
        s3.create_bucket(Bucket=name)
    s3.delete_public_access_block(Bucket=name)
    return name


# ---------------------------------------------------------------- Block Public Access


def test_public_access_block_round_trip(s3):
    bucket = unique("pab")
    s3.create_bucket(Bucket=bucket)
    # New buckets block all public access.
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={"BlockPublicPolicy": True})
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": False,
        "IgnorePublicAcls": False,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": False,
    }
    with pytest.raises(ClientError) as e:
        s3.get_public_access_block(Bucket=bucket, ExpectedBucketOwner="111122223333")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    s3.get_public_access_block(Bucket=bucket, ExpectedBucketOwner=ACCOUNT)
    s3.delete_public_access_block(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.get_public_access_block(Bucket=bucket)
    assert (code(e), status(e)) == ("NoSuchPublicAccessBlockConfiguration", 404)
    assert message(e) == "The public access block configuration was not found"
    with pytest.raises(ClientError) as e:
        s3.get_public_access_block(Bucket=unique("missing"))
    assert (code(e), status(e)) == ("NoSuchBucket", 404)


def test_block_public_policy_refuses_public_policies_only(s3):
    bucket = unique("bpp")
    s3.create_bucket(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.put_bucket_policy(Bucket=bucket, Policy=public_read_policy(bucket))
    assert (code(e), status(e)) == ("AccessDenied", 403)
    assert "BlockPublicPolicy" in message(e)
    # A grant to a named account is not public.
    named = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}],
        }
    )
    s3.put_bucket_policy(Bucket=bucket, Policy=named)
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is False
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={"BlockPublicPolicy": False, "RestrictPublicBuckets": True})
    s3.put_bucket_policy(Bucket=bucket, Policy=public_read_policy(bucket))
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"]["IsPublic"] is True


def test_a_policy_denying_everyone_still_lets_root_mend_it(s3):
    bucket = unique("lockout")
    s3.create_bucket(Bucket=bucket)
    deny_all = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [deny_all]}))
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_acl(Bucket=bucket)
    assert (code(e), status(e)) == ("AccessDenied", 403)
    # The owner account's root may still read and remove the policy.
    assert json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"][0]["Effect"] == "Deny"
    s3.delete_bucket_policy(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")


def test_anonymous_reads_through_a_public_policy_unless_restricted(s3, anonymous, simfra_endpoint):
    bucket = open_bucket(s3, "anon")
    s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"public words")
    with pytest.raises(ClientError) as e:
        anonymous.get_object(Bucket=bucket, Key="doc.txt")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    s3.put_bucket_policy(Bucket=bucket, Policy=public_read_policy(bucket))
    assert anonymous.get_object(Bucket=bucket, Key="doc.txt")["Body"].read() == b"public words"
    # Plain HTTP, path style and virtual-hosted.
    st, _, body = raw(simfra_endpoint, "GET", f"/{bucket}/doc.txt")
    assert (st, body) == (200, b"public words")
    st, _, body = raw(simfra_endpoint, "GET", "/doc.txt", host=f"{bucket}.s3.localhost:{port_of(simfra_endpoint)}")
    assert (st, body) == (200, b"public words")
    # The policy grants reads only.
    with pytest.raises(ClientError) as e:
        anonymous.put_object(Bucket=bucket, Key="x", Body=b"no")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    with pytest.raises(ClientError) as e:
        anonymous.list_objects_v2(Bucket=bucket)
    assert (code(e), status(e)) == ("AccessDenied", 403)
    # RestrictPublicBuckets: the public policy no longer lets anyone in; the owner still reads.
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={"RestrictPublicBuckets": True})
    with pytest.raises(ClientError) as e:
        anonymous.get_object(Bucket=bucket, Key="doc.txt")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    assert s3.get_object(Bucket=bucket, Key="doc.txt")["Body"].read() == b"public words"


def test_anonymous_callers_learn_of_missing_buckets_only(anonymous):
    missing = unique("nobody-has-this")
    with pytest.raises(ClientError) as e:
        anonymous.get_object(Bucket=missing, Key="k")
    assert (code(e), status(e)) == ("NoSuchBucket", 404)
    with pytest.raises(ClientError) as e:
        anonymous.list_objects_v2(Bucket=missing)
    assert (code(e), status(e)) == ("NoSuchBucket", 404)
    with pytest.raises(ClientError) as e:
        anonymous.create_bucket(Bucket=missing)
    assert (code(e), status(e)) == ("AccessDenied", 403)
    with pytest.raises(ClientError) as e:
        anonymous.list_buckets()
    assert (code(e), status(e)) == ("AccessDenied", 403)


def test_missing_keys_are_told_only_to_those_who_may_list(s3, anonymous):
    bucket = open_bucket(s3, "hidden")
    s3.put_bucket_policy(Bucket=bucket, Policy=public_read_policy(bucket))
    with pytest.raises(ClientError) as e:
        anonymous.get_object(Bucket=bucket, Key="nothing-here")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    with pytest.raises(ClientError) as e:
        anonymous.head_object(Bucket=bucket, Key="nothing-here")
    assert status(e) == 403
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="nothing-here")
    assert (code(e), status(e)) == ("NoSuchKey", 404)
    listing = {"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{bucket}"}
    policy = json.loads(public_read_policy(bucket))
    policy["Statement"].append(listing)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    with pytest.raises(ClientError) as e:
        anonymous.get_object(Bucket=bucket, Key="nothing-here")
    assert (code(e), status(e)) == ("NoSuchKey", 404)


def test_cross_account_access_through_the_bucket_policy(s3, theirs, other_account):
    other = other_account["AccountId"]
    bucket = open_bucket(s3, "xacct")
    s3.put_object(Bucket=bucket, Key="shared.txt", Body=b"for them")
    with pytest.raises(ClientError) as e:
        theirs.get_object(Bucket=bucket, Key="shared.txt")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    grant = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{other}:root"}, "Action": ["s3:GetObject", "s3:ListBucket"],
             "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [grant]}))
    assert theirs.get_object(Bucket=bucket, Key="shared.txt")["Body"].read() == b"for them"
    assert [o["Key"] for o in theirs.list_objects_v2(Bucket=bucket)["Contents"]] == ["shared.txt"]
    with pytest.raises(ClientError) as e:
        theirs.put_object(Bucket=bucket, Key="mine.txt", Body=b"x")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    # Even let in by the policy, another account may not touch the policy itself.
    grant_all = dict(grant, Action="s3:*")
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [grant_all]}))
    with pytest.raises(ClientError) as e:
        theirs.get_bucket_policy(Bucket=bucket)
    assert (code(e), status(e)) == ("MethodNotAllowed", 405)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [grant]}))
    # RestrictPublicBuckets leaves a non-public policy alone …
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={"RestrictPublicBuckets": True})
    assert theirs.get_object(Bucket=bucket, Key="shared.txt")["Body"].read() == b"for them"
    # … but once the policy is public, cross-account grants in it stop applying too.
    public = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/public/*"}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [grant, public]}))
    with pytest.raises(ClientError) as e:
        theirs.get_object(Bucket=bucket, Key="shared.txt")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    assert s3.get_object(Bucket=bucket, Key="shared.txt")["Body"].read() == b"for them"


def test_account_block_public_access_applies_to_every_bucket(make_client, other_account):
    keys = dict(access_key=other_account["RootAccessKeyId"], secret_key=other_account["RootSecretAccessKey"])
    s3 = make_client("s3", **keys)
    control = make_client("s3control", **keys)
    account = other_account["AccountId"]
    bucket = open_bucket(s3, "acctbpa")
    control.put_public_access_block(AccountId=account, PublicAccessBlockConfiguration={"BlockPublicPolicy": True, "BlockPublicAcls": True})
    try:
        with pytest.raises(ClientError) as e:
            s3.put_bucket_policy(Bucket=bucket, Policy=public_read_policy(bucket))
        assert (code(e), status(e)) == ("AccessDenied", 403)
    finally:
        control.delete_public_access_block(AccountId=account)
    s3.put_bucket_policy(Bucket=bucket, Policy=public_read_policy(bucket))


# ---------------------------------------------------------------- Object Ownership


def test_ownership_controls_round_trip_and_acls_disabled(s3):
    bucket = unique("own")
    s3.create_bucket(Bucket=bucket)
    # New buckets enforce bucket ownership: ACLs are disabled.
    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    for call in (
        lambda: s3.put_bucket_acl(Bucket=bucket, ACL="private"),
        lambda: s3.put_bucket_acl(Bucket=bucket, ACL="public-read"),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert (code(e), status(e)) == ("AccessControlListNotSupported", 400)
        assert message(e) == "The bucket does not allow ACLs"
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    with pytest.raises(ClientError) as e:
        s3.put_object_acl(Bucket=bucket, Key="k", ACL="public-read")
    assert (code(e), status(e)) == ("AccessControlListNotSupported", 400)
    # Reading ACLs still works: the owner's full control.
    acl = s3.get_bucket_acl(Bucket=bucket)
    assert acl["Owner"]["ID"] == canonical(ACCOUNT)
    assert [(g["Grantee"]["Type"], g["Grantee"]["ID"], g["Permission"]) for g in acl["Grants"]] == [("CanonicalUser", canonical(ACCOUNT), "FULL_CONTROL")]
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    assert s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "ObjectWriter"}]
    s3.put_bucket_acl(Bucket=bucket, ACL="private")
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_ownership_controls(Bucket=bucket)
    assert (code(e), status(e)) == ("OwnershipControlsNotFoundError", 404)


def test_enforced_ownership_needs_a_private_bucket_acl(s3):
    bucket = open_bucket(s3, "enf", ownership="ObjectWriter")
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    with pytest.raises(ClientError) as e:
        s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    assert (code(e), status(e)) == ("InvalidBucketAclWithObjectOwnership", 400)
    s3.put_bucket_acl(Bucket=bucket, ACL="private")
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})


def test_create_bucket_with_a_public_acl_meets_block_public_access(s3):
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket=unique("pubacl"), ACL="public-read", ObjectOwnership="ObjectWriter")
    assert (code(e), status(e)) == ("InvalidBucketAclWithBlockPublicAccessError", 400)
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket=unique("pubacl"), ACL="public-read")
    assert (code(e), status(e)) == ("InvalidBucketAclWithObjectOwnership", 400)
    bucket = unique("privacl")
    s3.create_bucket(Bucket=bucket, ACL="private", ObjectOwnership="ObjectWriter")
    assert len(s3.get_bucket_acl(Bucket=bucket)["Grants"]) == 1


# ---------------------------------------------------------------- ACLs


def grants_of(acl):
    out = []
    for g in acl["Grants"]:
        who = g["Grantee"].get("URI") or g["Grantee"].get("ID")
        out.append((g["Grantee"]["Type"], who, g["Permission"]))
    return sorted(out)


def test_bucket_acls_canned_headers_and_documents(s3, other_account):
    bucket = open_bucket(s3, "bacl", ownership="ObjectWriter")
    me, them = canonical(ACCOUNT), canonical(other_account["AccountId"])
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    assert grants_of(s3.get_bucket_acl(Bucket=bucket)) == sorted([("CanonicalUser", me, "FULL_CONTROL"), ("Group", ALL_USERS, "READ")])
    s3.put_bucket_acl(Bucket=bucket, ACL="log-delivery-write")
    assert grants_of(s3.get_bucket_acl(Bucket=bucket)) == sorted(
        [("CanonicalUser", me, "FULL_CONTROL"), ("Group", LOG_DELIVERY, "WRITE"), ("Group", LOG_DELIVERY, "READ_ACP")]
    )
    s3.put_bucket_acl(Bucket=bucket, GrantRead=f'uri="{AUTHENTICATED_USERS}"', GrantFullControl=f'id="{me}", id="{them}"')
    assert grants_of(s3.get_bucket_acl(Bucket=bucket)) == sorted(
        [("Group", AUTHENTICATED_USERS, "READ"), ("CanonicalUser", me, "FULL_CONTROL"), ("CanonicalUser", them, "FULL_CONTROL")]
    )
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]
    s3.put_bucket_acl(
        Bucket=bucket,
        AccessControlPolicy={
            "Owner": owner,
            "Grants": [
                {"Grantee": {"Type": "CanonicalUser", "ID": me}, "Permission": "FULL_CONTROL"},
                {"Grantee": {"Type": "CanonicalUser", "ID": them}, "Permission": "READ_ACP"},
            ],
        },
    )
    assert grants_of(s3.get_bucket_acl(Bucket=bucket)) == sorted([("CanonicalUser", me, "FULL_CONTROL"), ("CanonicalUser", them, "READ_ACP")])


def test_bucket_acl_errors(s3):
    bucket = open_bucket(s3, "baclerr", ownership="ObjectWriter")
    cases = [
        (dict(GrantRead='emailAddress="someone@example.com"'), ("UnresolvableGrantByEmailAddress", 400)),
        (dict(GrantRead='id="' + "f" * 64 + '"'), ("InvalidArgument", 400)),
        (dict(GrantRead='uri="http://acs.amazonaws.com/groups/global/Everyone"'), ("InvalidArgument", 400)),
        (dict(ACL="private", GrantRead=f'uri="{ALL_USERS}"'), ("InvalidRequest", 400)),
        (dict(), ("MissingSecurityHeader", 400)),
    ]
    for kwargs, want in cases:
        with pytest.raises(ClientError) as e:
            s3.put_bucket_acl(Bucket=bucket, **kwargs)
        assert (code(e), status(e)) == want, kwargs
    with pytest.raises(ClientError) as e:
        s3.put_bucket_acl(Bucket=bucket, GrantRead='id="' + "f" * 64 + '"')
    assert (message(e), e.value.response["Error"]["ArgumentName"], e.value.response["Error"]["ArgumentValue"]) == ("Invalid id", "CanonicalUser/ID", "f" * 64)
    with pytest.raises(ClientError) as e:
        s3.get_object_acl(Bucket=bucket, Key="k", VersionId="bad")
    assert (code(e), status(e), message(e)) == ("InvalidArgument", 400, "Invalid version id specified")
    with pytest.raises(ClientError) as e:
        s3.put_bucket_acl(
            Bucket=bucket,
            AccessControlPolicy={"Owner": {"ID": canonical(ACCOUNT)}, "Grants": [{"Grantee": {"Type": "AmazonCustomerByEmail", "EmailAddress": "a@example.com"}, "Permission": "READ"}]},
        )
    assert (code(e), status(e)) == ("UnresolvableGrantByEmailAddress", 400)


def test_block_public_acls_refuses_public_acls(s3):
    bucket = unique("bpa-acl")
    s3.create_bucket(Bucket=bucket, ObjectOwnership="ObjectWriter")
    with pytest.raises(ClientError) as e:
        s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    with pytest.raises(ClientError) as e:
        s3.put_bucket_acl(Bucket=bucket, GrantRead=f'uri="{AUTHENTICATED_USERS}"')
    assert (code(e), status(e)) == ("AccessDenied", 403)
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    with pytest.raises(ClientError) as e:
        s3.put_object_acl(Bucket=bucket, Key="k", ACL="public-read")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    # Non-public grants pass.
    s3.put_bucket_acl(Bucket=bucket, ACL="private")
    s3.put_object_acl(Bucket=bucket, Key="k", GrantRead=f'uri="{LOG_DELIVERY}"')


def test_object_acls_grant_anonymous_reads_unless_ignored(s3, anonymous, simfra_endpoint):
    bucket = open_bucket(s3, "oacl", ownership="ObjectWriter")
    s3.put_object(Bucket=bucket, Key="pic.png", Body=b"\x89PNG")
    acl = s3.get_object_acl(Bucket=bucket, Key="pic.png")
    assert acl["Owner"]["ID"] == canonical(ACCOUNT)
    assert grants_of(acl) == [("CanonicalUser", canonical(ACCOUNT), "FULL_CONTROL")]
    with pytest.raises(ClientError) as e:
        anonymous.get_object(Bucket=bucket, Key="pic.png")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    s3.put_object_acl(Bucket=bucket, Key="pic.png", ACL="public-read")
    assert grants_of(s3.get_object_acl(Bucket=bucket, Key="pic.png")) == sorted([("CanonicalUser", canonical(ACCOUNT), "FULL_CONTROL"), ("Group", ALL_USERS, "READ")])
    assert anonymous.get_object(Bucket=bucket, Key="pic.png")["Body"].read() == b"\x89PNG"
    st, _, body = raw(simfra_endpoint, "GET", f"/{bucket}/pic.png")
    assert (st, body) == (200, b"\x89PNG")
    # The object's ACL covers that object only.
    s3.put_object(Bucket=bucket, Key="other.png", Body=b"x")
    with pytest.raises(ClientError) as e:
        anonymous.get_object(Bucket=bucket, Key="other.png")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    # IgnorePublicAcls sets the grant aside.
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={"IgnorePublicAcls": True})
    with pytest.raises(ClientError) as e:
        anonymous.get_object(Bucket=bucket, Key="pic.png")
    assert (code(e), status(e)) == ("AccessDenied", 403)


def test_bucket_acls_grant_anonymous_listing_and_writes(s3, anonymous):
    bucket = open_bucket(s3, "pubbucket", ownership="ObjectWriter")
    s3.put_object(Bucket=bucket, Key="seen", Body=b"x")
    with pytest.raises(ClientError) as e:
        anonymous.list_objects_v2(Bucket=bucket)
    assert (code(e), status(e)) == ("AccessDenied", 403)
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    assert [o["Key"] for o in anonymous.list_objects_v2(Bucket=bucket)["Contents"]] == ["seen"]
    # READ on a bucket lists it; it does not read its objects, nor write.
    with pytest.raises(ClientError) as e:
        anonymous.get_object(Bucket=bucket, Key="seen")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    with pytest.raises(ClientError) as e:
        anonymous.put_object(Bucket=bucket, Key="new", Body=b"y")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read-write")
    anonymous.put_object(Bucket=bucket, Key="new", Body=b"y")
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={"IgnorePublicAcls": True})
    with pytest.raises(ClientError) as e:
        anonymous.list_objects_v2(Bucket=bucket)
    assert (code(e), status(e)) == ("AccessDenied", 403)


def test_object_acl_errors_and_versions(s3):
    bucket = open_bucket(s3, "oaclv", ownership="ObjectWriter")
    with pytest.raises(ClientError) as e:
        s3.put_object_acl(Bucket=bucket, Key="missing", ACL="private")
    assert (code(e), status(e)) == ("NoSuchKey", 404)
    with pytest.raises(ClientError) as e:
        s3.get_object_acl(Bucket=bucket, Key="missing")
    assert (code(e), status(e)) == ("NoSuchKey", 404)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"1")["VersionId"]
    s3.put_object(Bucket=bucket, Key="k", Body=b"2")
    s3.put_object_acl(Bucket=bucket, Key="k", VersionId=first, ACL="public-read")
    assert ("Group", ALL_USERS, "READ") in grants_of(s3.get_object_acl(Bucket=bucket, Key="k", VersionId=first))
    assert ("Group", ALL_USERS, "READ") not in grants_of(s3.get_object_acl(Bucket=bucket, Key="k"))
    with pytest.raises(ClientError) as e:
        s3.get_object_acl(Bucket=bucket, Key="k", VersionId="nonexistentversion00000000000000")
    assert (code(e), status(e)) == ("NoSuchVersion", 404)


def test_bucket_acl_grants_another_account(s3, theirs, other_account):
    bucket = open_bucket(s3, "xacl", ownership="ObjectWriter")
    s3.put_object(Bucket=bucket, Key="listed", Body=b"x")
    with pytest.raises(ClientError) as e:
        theirs.list_objects_v2(Bucket=bucket)
    assert (code(e), status(e)) == ("AccessDenied", 403)
    s3.put_bucket_acl(Bucket=bucket, GrantRead=f'id="{canonical(other_account["AccountId"])}"', GrantFullControl=f'id="{canonical(ACCOUNT)}"')
    assert [o["Key"] for o in theirs.list_objects_v2(Bucket=bucket)["Contents"]] == ["listed"]
    # READ on the bucket lists; it does not read objects.
    with pytest.raises(ClientError) as e:
        theirs.get_object(Bucket=bucket, Key="listed")
    assert (code(e), status(e)) == ("AccessDenied", 403)


def test_object_writes_with_acls(s3, anonymous):
    enforced = unique("wenf")
    s3.create_bucket(Bucket=enforced)
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=enforced, Key="k", Body=b"x", ACL="public-read")
    assert (code(e), status(e)) == ("AccessControlListNotSupported", 400)
    assert message(e) == "The bucket does not allow ACLs"
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=enforced, Key="k", Body=b"x", GrantRead=f'uri="{ALL_USERS}"')
    assert (code(e), status(e)) == ("AccessControlListNotSupported", 400)
    s3.put_object(Bucket=enforced, Key="k", Body=b"x", ACL="bucket-owner-full-control")
    blocked = unique("wbpa")
    s3.create_bucket(Bucket=blocked, ObjectOwnership="ObjectWriter")
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=blocked, Key="k", Body=b"x", ACL="public-read")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=blocked, Key="k", Body=b"x", ACL="private", GrantRead=f'uri="{ALL_USERS}"')
    assert (code(e), status(e)) == ("InvalidRequest", 400)
    bucket = open_bucket(s3, "wacl", ownership="ObjectWriter")
    s3.put_object(Bucket=bucket, Key="pub", Body=b"for all", ACL="public-read")
    assert anonymous.get_object(Bucket=bucket, Key="pub")["Body"].read() == b"for all"
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "pub"})
    # A copy gets its own (private) ACL unless it asks for one.
    with pytest.raises(ClientError) as e:
        anonymous.get_object(Bucket=bucket, Key="copy")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "pub"}, ACL="public-read")
    assert anonymous.get_object(Bucket=bucket, Key="copy")["Body"].read() == b"for all"


def test_object_owners_under_each_ownership_setting(s3, theirs, other_account):
    other = other_account["AccountId"]
    for ownership, acl, owner in (
        ("ObjectWriter", None, other),
        ("ObjectWriter", "bucket-owner-full-control", other),
        ("BucketOwnerPreferred", None, other),
        ("BucketOwnerPreferred", "bucket-owner-full-control", ACCOUNT),
        ("BucketOwnerEnforced", None, ACCOUNT),
    ):
        bucket = unique("owners")
        s3.create_bucket(Bucket=bucket, ObjectOwnership=ownership)
        writes = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{other}:root"}, "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [writes]}))
        extra = {"ACL": acl} if acl else {}
        theirs.put_object(Bucket=bucket, Key="theirs.txt", Body=b"x", **extra)
        # The owner reads the object's ACL; a writer who does not own the object may not.
        reader = theirs if owner == other else s3
        got = reader.get_object_acl(Bucket=bucket, Key="theirs.txt")
        assert got["Owner"]["ID"] == canonical(owner), (ownership, acl)
        assert s3.list_objects_v2(Bucket=bucket, FetchOwner=True)["Contents"][0]["Owner"]["ID"] == canonical(owner)
        if owner == ACCOUNT:
            with pytest.raises(ClientError) as e:
                theirs.get_object_acl(Bucket=bucket, Key="theirs.txt")
            assert (code(e), status(e)) == ("AccessDenied", 403)
        if acl == "bucket-owner-full-control" and owner == other:
            # The bucket owner is granted full control by the object's owner.
            assert ("CanonicalUser", canonical(ACCOUNT), "FULL_CONTROL") in grants_of(got)
            assert s3.get_object_acl(Bucket=bucket, Key="theirs.txt")["Owner"]["ID"] == canonical(other)
            assert s3.get_object(Bucket=bucket, Key="theirs.txt")["Body"].read() == b"x"
        elif owner == other:
            # Without a grant from the object's owner, the bucket owner can neither read the object nor its ACL …
            for call in (lambda: s3.get_object(Bucket=bucket, Key="theirs.txt"), lambda: s3.get_object_acl(Bucket=bucket, Key="theirs.txt")):
                with pytest.raises(ClientError) as e:
                    call()
                assert (code(e), status(e)) == ("AccessDenied", 403), ownership
            # … but may still delete it.
            s3.delete_object(Bucket=bucket, Key="theirs.txt")


# ---------------------------------------------------------------- CORS


CORS_RULES = [
    {
        "AllowedOrigins": ["https://app.example.com"],
        "AllowedMethods": ["GET", "PUT"],
        "AllowedHeaders": ["x-amz-*", "content-type"],
        "ExposeHeaders": ["ETag", "x-amz-request-id"],
        "MaxAgeSeconds": 600,
    },
    {"AllowedOrigins": ["*"], "AllowedMethods": ["HEAD"]},
]


def test_cors_configuration_round_trip_and_checks(s3):
    bucket = unique("cors")
    s3.create_bucket(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_cors(Bucket=bucket)
    assert (code(e), status(e)) == ("NoSuchCORSConfiguration", 404)
    assert message(e) == "The CORS configuration does not exist"
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": CORS_RULES})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == CORS_RULES
    with pytest.raises(ClientError) as e:
        s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}]})
    assert (code(e), status(e)) == ("InvalidRequest", 400)
    assert message(e) == "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"
    with pytest.raises(ClientError) as e:
        s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}] * 101})
    assert (code(e), status(e)) == ("InvalidRequest", 400)
    s3.delete_bucket_cors(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_cors(Bucket=bucket)
    assert code(e) == "NoSuchCORSConfiguration"


def test_cors_preflight(s3, make_client, simfra_endpoint):
    bucket = unique("preflight")
    s3.create_bucket(Bucket=bucket)
    ask = {"Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "Content-Type, X-Amz-Date"}
    st, _, body = raw(simfra_endpoint, "OPTIONS", f"/{bucket}/upload.bin", ask)
    assert st == 403 and b"<Code>AccessForbidden</Code>" in body and b"CORS is not enabled for this bucket" in body
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": CORS_RULES})
    # Path style and virtual-hosted both.
    for path, host in ((f"/{bucket}/upload.bin", None), ("/upload.bin", f"{bucket}.s3.localhost:{port_of(simfra_endpoint)}")):
        st, h, _ = raw(simfra_endpoint, "OPTIONS", path, ask, host=host)
        assert st == 200
        assert h["access-control-allow-origin"] == "https://app.example.com"
        assert h["access-control-allow-methods"] == "GET, PUT"
        assert h["access-control-allow-headers"] == "content-type, x-amz-date"
        assert h["access-control-expose-headers"] == "ETag, x-amz-request-id"
        assert h["access-control-max-age"] == "600"
        assert h["access-control-allow-credentials"] == "true"
        assert "Origin" in h["vary"]
    # A browser's preflight of a presigned upload carries the URL's query (and no signature of its own).
    signer = make_client("s3", signature_version="s3v4")
    url = signer.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "upload.bin"}, ExpiresIn=60)
    st, h, _ = raw(simfra_endpoint, "OPTIONS", path_of(url, simfra_endpoint), ask)
    assert (st, h["access-control-allow-origin"]) == (200, "https://app.example.com")
    # A wildcard origin is answered with `*`.
    st, h, _ = raw(simfra_endpoint, "OPTIONS", f"/{bucket}/x", {"Origin": "http://anywhere.test", "Access-Control-Request-Method": "HEAD"})
    assert (st, h["access-control-allow-origin"]) == (200, "*")
    assert "access-control-allow-credentials" not in h
    # No rule for this origin, method or header.
    for refused in (
        {"Origin": "https://evil.example.com", "Access-Control-Request-Method": "PUT"},
        {"Origin": "https://app.example.com", "Access-Control-Request-Method": "DELETE"},
        {"Origin": "https://app.example.com", "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "authorization"},
    ):
        st, h, body = raw(simfra_endpoint, "OPTIONS", f"/{bucket}/x", refused)
        assert st == 403, refused
        assert b"<Code>AccessForbidden</Code>" in body and b"CORSResponse: This CORS request is not allowed." in body
        assert "access-control-allow-origin" not in h
    st, _, body = raw(simfra_endpoint, "OPTIONS", f"/{bucket}/x", {"Access-Control-Request-Method": "GET"})
    assert st == 400 and b"<Code>BadRequest</Code>" in body
    st, _, body = raw(simfra_endpoint, "OPTIONS", f"/{bucket}/x", {"Origin": "https://app.example.com"})
    assert st == 400 and b"<Code>BadRequest</Code>" in body


def test_cors_headers_on_actual_requests(s3, simfra_endpoint):
    bucket = unique("corsget")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": CORS_RULES})
    s3.put_object(Bucket=bucket, Key="data.json", Body=b"{}")
    path = path_of(s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "data.json"}, ExpiresIn=60), simfra_endpoint)
    st, h, body = raw(simfra_endpoint, "GET", path, {"Origin": "https://app.example.com"})
    assert (st, body) == (200, b"{}")
    assert h["access-control-allow-origin"] == "https://app.example.com"
    assert h["access-control-expose-headers"] == "ETag, x-amz-request-id"
    assert "Origin" in h["vary"]
    st, h, _ = raw(simfra_endpoint, "GET", path, {"Origin": "https://evil.example.com"})
    assert st == 200 and "access-control-allow-origin" not in h
    st, h, _ = raw(simfra_endpoint, "GET", path)
    assert "access-control-allow-origin" not in h


# ---------------------------------------------------------------- website


def website_host(bucket, endpoint, dotted=False):
    sep = "." if dotted else "-"
    return f"{bucket}.s3-website{sep}us-east-1.localhost:{port_of(endpoint)}"


def website_bucket(s3, public=True):
    bucket = open_bucket(s3, "site")
    if public:
        s3.put_bucket_policy(Bucket=bucket, Policy=public_read_policy(bucket))
    for key, body in (("index.html", b"<h1>home</h1>"), ("docs/index.html", b"<h1>docs</h1>"), ("error.html", b"<h1>oops</h1>"), ("a.css", b"body{}")):
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="text/html" if key.endswith(".html") else "text/css")
    return bucket


def test_website_configuration_round_trip_and_checks(s3):
    bucket = unique("webconf")
    s3.create_bucket(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_website(Bucket=bucket)
    assert (code(e), status(e)) == ("NoSuchWebsiteConfiguration", 404)
    conf = {
        "IndexDocument": {"Suffix": "index.html"},
        "ErrorDocument": {"Key": "error.html"},
        "RoutingRules": [{"Condition": {"KeyPrefixEquals": "old/"}, "Redirect": {"ReplaceKeyPrefixWith": "new/", "HttpRedirectCode": "302"}}],
    }
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=conf)
    got = s3.get_bucket_website(Bucket=bucket)
    assert {k: got[k] for k in conf} == conf
    bad = [
        {"ErrorDocument": {"Key": "e.html"}},
        {"IndexDocument": {"Suffix": "a/b.html"}},
        {"IndexDocument": {"Suffix": "index.html"}, "RoutingRules": [{"Redirect": {"ReplaceKeyWith": "a", "ReplaceKeyPrefixWith": "b"}}]},
        {"IndexDocument": {"Suffix": "index.html"}, "RoutingRules": [{"Redirect": {"HttpRedirectCode": "300"}}]},
        {"IndexDocument": {"Suffix": "index.html"}, "RoutingRules": [{"Condition": {"HttpErrorCodeReturnedEquals": "200"}, "Redirect": {"HostName": "x"}}]},
        {"RedirectAllRequestsTo": {"HostName": "example.com"}, "IndexDocument": {"Suffix": "index.html"}},
    ]
    for b in bad:
        with pytest.raises(ClientError) as e:
            s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=b)
        assert (code(e), status(e)) == ("InvalidArgument", 400), b
    s3.delete_bucket_website(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_website(Bucket=bucket)
    assert code(e) == "NoSuchWebsiteConfiguration"


def test_website_endpoint_serves_documents(s3, simfra_endpoint):
    bucket = website_bucket(s3)
    host = website_host(bucket, simfra_endpoint)
    st, _, body = raw(simfra_endpoint, "GET", "/", host=host)
    assert st == 404 and b"NoSuchWebsiteConfiguration" in body
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
    st, h, body = raw(simfra_endpoint, "GET", "/", host=host)
    assert (st, body, h["content-type"]) == (200, b"<h1>home</h1>", "text/html")
    st, _, body = raw(simfra_endpoint, "GET", "/docs/", host=website_host(bucket, simfra_endpoint, dotted=True))
    assert (st, body) == (200, b"<h1>docs</h1>")
    # A folder without its slash is redirected to it.
    st, h, _ = raw(simfra_endpoint, "GET", "/docs", host=host)
    assert (st, h["location"]) == (302, "/docs/")
    st, h, body = raw(simfra_endpoint, "HEAD", "/a.css", host=host)
    assert (st, h["content-length"], body) == (200, "6", b"")
    # Cached copies are revalidated.
    st, _, body = raw(simfra_endpoint, "GET", "/a.css", {"If-None-Match": h["etag"]}, host=host)
    assert (st, body) == (304, b"")
    st, _, body = raw(simfra_endpoint, "GET", "/a.css", {"If-Match": '"0123"'}, host=host)
    assert st == 412 and b"PreconditionFailed" in body
    # Missing keys: 403 unless anonymous callers may list the bucket; without an error document, S3's HTML page.
    st, h, body = raw(simfra_endpoint, "GET", "/nope.html", host=host)
    assert st == 403 and b"<li>Code: AccessDenied</li>" in body and h["content-type"].startswith("text/html")
    s3.put_bucket_policy(Bucket=bucket, Policy=public_read_policy(bucket, ("s3:GetObject",)).replace(
        '"Statement": [', '"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::%s"}, ' % bucket))
    st, _, body = raw(simfra_endpoint, "GET", "/nope.html", host=host)
    assert st == 404 and b"<li>Code: NoSuchKey</li>" in body and b"<li>Key: nope.html</li>" in body
    # The error document, with the error's status.
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}})
    st, _, body = raw(simfra_endpoint, "GET", "/nope.html", host=host)
    assert (st, body) == (404, b"<h1>oops</h1>")
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "gone.html"}})
    st, _, body = raw(simfra_endpoint, "GET", "/nope.html", host=host)
    assert st == 404 and b"An Error Occurred While Attempting to Retrieve a Custom Error Document" in body
    # Only GET and HEAD.
    st, _, body = raw(simfra_endpoint, "POST", "/index.html", host=host, body=b"x")
    assert st == 405 and b"MethodNotAllowed" in body
    st, _, body = raw(simfra_endpoint, "GET", "/", host=website_host(unique("nobucket"), simfra_endpoint))
    assert st == 404 and b"NoSuchBucket" in body


def test_website_endpoint_applies_cors(s3, simfra_endpoint):
    bucket = website_bucket(s3)
    host = website_host(bucket, simfra_endpoint)
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": [{"AllowedOrigins": ["https://fonts.example.com"], "AllowedMethods": ["GET"]}]})
    st, h, body = raw(simfra_endpoint, "GET", "/a.css", {"Origin": "https://fonts.example.com"}, host=host)
    assert (st, body, h["access-control-allow-origin"]) == (200, b"body{}", "https://fonts.example.com")
    st, h, _ = raw(simfra_endpoint, "OPTIONS", "/a.css", {"Origin": "https://fonts.example.com", "Access-Control-Request-Method": "GET"}, host=host)
    assert (st, h["access-control-allow-methods"]) == (200, "GET")
    st, _, _ = raw(simfra_endpoint, "OPTIONS", "/a.css", {"Origin": "https://other.example.com", "Access-Control-Request-Method": "GET"}, host=host)
    assert st == 403


def test_website_endpoint_is_anonymous_only(s3, simfra_endpoint):
    bucket = website_bucket(s3, public=False)
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
    st, _, body = raw(simfra_endpoint, "GET", "/", host=website_host(bucket, simfra_endpoint))
    assert st == 403 and b"<li>Code: AccessDenied</li>" in body


def test_website_redirects(s3, simfra_endpoint):
    bucket = website_bucket(s3)
    host = website_host(bucket, simfra_endpoint)
    s3.put_object(Bucket=bucket, Key="moved.html", Body=b"", WebsiteRedirectLocation="/index.html")
    s3.put_bucket_website(
        Bucket=bucket,
        WebsiteConfiguration={
            "IndexDocument": {"Suffix": "index.html"},
            "RoutingRules": [
                {"Condition": {"KeyPrefixEquals": "old/"}, "Redirect": {"ReplaceKeyPrefixWith": "new/"}},
                {"Condition": {"KeyPrefixEquals": "blog/"}, "Redirect": {"HostName": "blog.example.com", "Protocol": "https", "ReplaceKeyWith": "home", "HttpRedirectCode": "307"}},
                {"Condition": {"HttpErrorCodeReturnedEquals": "403"}, "Redirect": {"ReplaceKeyWith": "index.html"}},
            ],
        },
    )
    st, h, _ = raw(simfra_endpoint, "GET", "/moved.html", host=host)
    assert (st, h["location"]) == (301, "/index.html")
    st, h, _ = raw(simfra_endpoint, "GET", "/old/page.html", host=host)
    assert (st, h["location"]) == (301, f"http://{host}/new/page.html")
    st, h, _ = raw(simfra_endpoint, "GET", "/blog/2024/post", host=host)
    assert (st, h["location"]) == (307, "https://blog.example.com/home")
    st, h, _ = raw(simfra_endpoint, "GET", "/missing.html", host=host)
    assert (st, h["location"]) == (301, f"http://{host}/index.html")
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"RedirectAllRequestsTo": {"HostName": "www.example.com", "Protocol": "https"}})
    st, h, _ = raw(simfra_endpoint, "GET", "/any/path.html", host=host)
    assert (st, h["location"]) == (301, "https://www.example.com/any/path.html")


def test_a_static_site_with_the_aws_cli(simfra_endpoint, tmp_path):
    bucket = unique("clisite")
    cli = lambda *a, **k: aws_cli(simfra_endpoint, *a, **k)
    cli("s3", "mb", f"s3://{bucket}", json_output=False)
    cli("s3api", "delete-public-access-block", "--bucket", bucket)
    policy = public_read_policy(bucket)
    cli("s3api", "put-bucket-policy", "--bucket", bucket, "--policy", policy)
    (tmp_path / "index.html").write_text("<h1>cli home</h1>")
    (tmp_path / "404.html").write_text("<h1>cli missing</h1>")
    cli("s3", "sync", str(tmp_path), f"s3://{bucket}/", json_output=False)
    cli("s3", "website", f"s3://{bucket}/", "--index-document", "index.html", "--error-document", "404.html", json_output=False)
    assert cli("s3api", "get-bucket-website", "--bucket", bucket)["IndexDocument"] == {"Suffix": "index.html"}
    host = website_host(bucket, simfra_endpoint)
    st, h, body = raw(simfra_endpoint, "GET", "/", host=host)
    assert (st, body, h["content-type"]) == (200, b"<h1>cli home</h1>", "text/html")
    st, _, body = raw(simfra_endpoint, "GET", "/missing", host=host)
    assert (st, body) == (403, b"<h1>cli missing</h1>")
    assert "AccessControlListNotSupported" in cli("s3", "cp", str(tmp_path / "index.html"), f"s3://{bucket}/copy.html", "--acl", "public-read", ok=False)


# ---------------------------------------------------------------- presigned URLs


def path_of(url, endpoint):
    return url.split(str(port_of(endpoint)), 1)[1]


def with_other_signature(path):
    """The URL with one character of its signature changed."""
    name = "X-Amz-Signature=" if "X-Amz-Signature=" in path else "Signature="
    head, sig = path.rsplit(name, 1)
    return head + name + ("A" if sig[0] != "A" else "B") + sig[1:]


def presigner(make_client, version):
    # boto3 presigns S3 URLs with Signature Version 2 unless told s3v4.
    return make_client("s3", signature_version="s3v4") if version == "s3v4" else make_client("s3")


@pytest.mark.parametrize("version", ["s3v4", "s3"])
def test_presigned_get_and_put(make_client, simfra_endpoint, version):
    s3 = presigner(make_client, version)
    bucket = unique("presign")
    s3.create_bucket(Bucket=bucket)
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "up.txt"}, ExpiresIn=60)
    assert ("X-Amz-Signature=" in put_url) == (version == "s3v4")
    st, _, _ = raw(simfra_endpoint, "PUT", path_of(put_url, simfra_endpoint), body=b"uploaded by URL")
    assert st == 200
    path = path_of(s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "up.txt"}, ExpiresIn=60), simfra_endpoint)
    st, _, body = raw(simfra_endpoint, "GET", path)
    assert (st, body) == (200, b"uploaded by URL")
    # Another key, or a changed signature: the signature no longer matches.
    for tampered in (path.replace("up.txt", "uq.txt"), with_other_signature(path)):
        st, _, body = raw(simfra_endpoint, "GET", tampered)
        assert st == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body, tampered
    # The URL signs its method too.
    st, _, body = raw(simfra_endpoint, "PUT", path, body=b"overwrite")
    assert st == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body
    assert s3.get_object(Bucket=bucket, Key="up.txt")["Body"].read() == b"uploaded by URL"


@pytest.mark.parametrize("version", ["s3v4", "s3"])
def test_presigned_url_expires(make_client, simfra_endpoint, version):
    s3 = presigner(make_client, version)
    bucket = unique("expire")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"soon gone")
    path = path_of(s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=1), simfra_endpoint)
    time.sleep(2.2)
    st, _, body = raw(simfra_endpoint, "GET", path)
    assert st == 403 and b"<Code>AccessDenied</Code>" in body and b"<Message>Request has expired</Message>" in body
