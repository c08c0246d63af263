"""S3 buckets and listings as boto3 sees them: naming and location rules,
the global namespace across accounts, region redirects, versioning state,
paginated bucket lists, and ListObjects/ListObjectsV2/ListObjectVersions
with prefixes, delimiters, markers, tokens and URL encoding."""

import urllib.parse

import pytest
from botocore.exceptions import ClientError

from conftest import code, message, status, unique


def test_bucket_names_follow_s3_rules(s3):
    for bad in ["ab", "A" * 5 + "bucket", "bad_name", "-leading", "trailing-", "two..dots", "192.168.1.1", "xn--punycode", "x" * 64, "name-s3alias"]:
        with pytest.raises(ClientError) as e:
            s3.create_bucket(Bucket=bad)
        assert (code(e), status(e)) == ("InvalidBucketName", 400), bad
    ok = unique("a.b-c")
    s3.create_bucket(Bucket=ok)
    s3.head_bucket(Bucket=ok)


def test_location_constraints(make_client, s3):
    # us-east-1 takes no constraint and refuses its own name as one.
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket=unique("loc"), CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
    assert (code(e), status(e)) == ("InvalidLocationConstraint", 400)
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket=unique("loc"), CreateBucketConfiguration={"LocationConstraint": "mars-north-1"})
    assert (code(e), status(e)) == ("InvalidLocationConstraint", 400)
    eu = make_client("s3", region="eu-west-1")
    with pytest.raises(ClientError) as e:
        eu.create_bucket(Bucket=unique("loc"))
    assert (code(e), status(e)) == ("IllegalLocationConstraintException", 400)
    with pytest.raises(ClientError) as e:
        eu.create_bucket(Bucket=unique("loc"), CreateBucketConfiguration={"LocationConstraint": "ap-south-1"})
    assert code(e) == "IllegalLocationConstraintException"
    assert "ap-south-1 location constraint is incompatible" in message(e)
    name = unique("loc")
    out = eu.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert name in out["Location"]
    assert eu.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
    # Answered from any region: it is how clients find the right one.
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
    home = unique("loc")
    s3.create_bucket(Bucket=home)
    assert s3.get_bucket_location(Bucket=home)["LocationConstraint"] is None
    assert eu.head_bucket(Bucket=name)["BucketRegion"] == "eu-west-1"


def test_requests_to_the_wrong_region_are_redirected(make_client, simfra_endpoint):
    eu = make_client("s3", region="eu-west-1")
    name = unique("redir")
    eu.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    eu.put_object(Bucket=name, Key="k", Body=b"v")
    # A raw request signed for us-east-1 gets S3's 301 with the bucket's region.
    import botocore.auth, botocore.awsrequest, botocore.credentials, urllib.request
    from conftest import ACCESS_KEY, SECRET_KEY
    req = botocore.awsrequest.AWSRequest(method="GET", url=f"{simfra_endpoint}/{name}/k")
    req.headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD"
    botocore.auth.S3SigV4Auth(botocore.credentials.Credentials(ACCESS_KEY, SECRET_KEY), "s3", "us-east-1").add_auth(req)
    prepared = req.prepare()
    r = urllib.request.Request(prepared.url, headers=dict(prepared.headers), method="GET")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(r)
    assert e.value.code == 301
    assert e.value.headers["x-amz-bucket-region"] == "eu-west-1"
    assert b"<Code>PermanentRedirect</Code>" in e.value.read()
    # boto3 follows the redirect by itself.
    us = make_client("s3")
    assert us.get_object(Bucket=name, Key="k")["Body"].read() == b"v"


def test_bucket_namespace_is_global_across_accounts(make_client, s3, other_account):
    name = unique("global")
    s3.create_bucket(Bucket=name)
    # Creating it again in us-east-1 succeeds for its owner (legacy behaviour) ...
    s3.create_bucket(Bucket=name)
    # ... and not elsewhere.
    eu = make_client("s3", region="eu-west-1")
    with pytest.raises(ClientError) as e:
        eu.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert (code(e), status(e)) == ("BucketAlreadyOwnedByYou", 409)
    theirs = make_client("s3", access_key=other_account["RootAccessKeyId"], secret_key=other_account["RootSecretAccessKey"])
    with pytest.raises(ClientError) as e:
        theirs.create_bucket(Bucket=name)
    assert (code(e), status(e)) == ("BucketAlreadyExists", 409)
    with pytest.raises(ClientError) as e:
        theirs.head_bucket(Bucket=name)
    assert status(e) == 403
    assert name not in [b["Name"] for b in theirs.list_buckets()["Buckets"]]


def test_list_buckets_pages_and_filters(s3):
    tag = unique("lb")
    names = sorted(f"{tag}-{i}" for i in range(5))
    for n in names:
        s3.create_bucket(Bucket=n)
    page = s3.list_buckets(Prefix=tag, MaxBuckets=2)
    assert [b["Name"] for b in page["Buckets"]] == names[:2]
    assert page["ContinuationToken"]
    seen = [b["Name"] for b in page["Buckets"]]
    while "ContinuationToken" in page:
        page = s3.list_buckets(Prefix=tag, MaxBuckets=2, ContinuationToken=page["ContinuationToken"])
        seen += [b["Name"] for b in page["Buckets"]]
    assert seen == names
    assert all(b["BucketRegion"] == "us-east-1" for b in s3.list_buckets(Prefix=tag)["Buckets"])
    assert s3.list_buckets(Prefix=tag, BucketRegion="eu-west-1")["Buckets"] == []
    assert s3.list_buckets()["Owner"]["ID"]


def test_delete_bucket_only_when_empty(s3):
    name = unique("del")
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="k", Body=b"x")
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=name)
    assert (code(e), status(e)) == ("BucketNotEmpty", 409)
    s3.delete_object(Bucket=name, Key="k")
    s3.delete_bucket(Bucket=name)
    with pytest.raises(ClientError) as e:
        s3.head_bucket(Bucket=name)
    assert status(e) == 404
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=name)
    assert (code(e), status(e)) == ("NoSuchBucket", 404)


def test_versioned_bucket_with_delete_markers_is_not_empty(s3):
    name = unique("verdel")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=name, Key="k", Body=b"x")
    s3.delete_object(Bucket=name, Key="k")
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket=name)
    assert code(e) == "BucketNotEmpty"


def test_versioning_states(s3):
    name = unique("ver")
    s3.create_bucket(Bucket=name)
    assert "Status" not in s3.get_bucket_versioning(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=name)["Status"] == "Suspended"
    with pytest.raises(ClientError) as e:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
    assert code(e) == "InvalidRequest"
    locked = unique("lock")
    s3.create_bucket(Bucket=locked, ObjectLockEnabledForBucket=True)
    assert s3.get_bucket_versioning(Bucket=locked)["Status"] == "Enabled"
    with pytest.raises(ClientError) as e:
        s3.put_bucket_versioning(Bucket=locked, VersioningConfiguration={"Status": "Suspended"})
    assert (code(e), status(e)) == ("InvalidBucketState", 409)


def test_unknown_bucket(s3):
    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket=unique("nope"))
    assert (code(e), status(e)) == ("NoSuchBucket", 404)


# ---------------------------------------------------------------- listings


@pytest.fixture(scope="module")
def tree(s3):
    """A bucket holding a small tree of keys, in S3's (byte) order."""
    name = unique("tree")
    s3.create_bucket(Bucket=name)
    keys = ["a.txt", "b/1.txt", "b/2.txt", "b/c/3.txt", "d/4.txt", "e.txt", "é.txt", "f g+h.txt"]
    for k in keys:
        s3.put_object(Bucket=name, Key=k, Body=k.encode())
    return name, sorted(keys, key=lambda k: k.encode())


def test_list_v2_in_byte_order_with_sizes(s3, tree):
    name, keys = tree
    out = s3.list_objects_v2(Bucket=name)
    assert [o["Key"] for o in out["Contents"]] == keys
    assert [o["Size"] for o in out["Contents"]] == [len(k.encode()) for k in keys]
    assert out["KeyCount"] == len(keys) and out["IsTruncated"] is False
    assert "Owner" not in out["Contents"][0]
    assert "Owner" in s3.list_objects_v2(Bucket=name, FetchOwner=True)["Contents"][0]


def test_list_v2_delimiter_rolls_up_prefixes(s3, tree):
    name, _ = tree
    out = s3.list_objects_v2(Bucket=name, Delimiter="/")
    assert [o["Key"] for o in out["Contents"]] == ["a.txt", "e.txt", "f g+h.txt", "é.txt"]
    assert [p["Prefix"] for p in out["CommonPrefixes"]] == ["b/", "d/"]
    assert out["KeyCount"] == 6
    inner = s3.list_objects_v2(Bucket=name, Delimiter="/", Prefix="b/")
    assert [o["Key"] for o in inner["Contents"]] == ["b/1.txt", "b/2.txt"]
    assert [p["Prefix"] for p in inner["CommonPrefixes"]] == ["b/c/"]


def test_list_v2_pages_with_tokens_and_start_after(s3, tree):
    name, keys = tree
    seen, token = [], None
    prefixes = []
    while True:
        kw = {"ContinuationToken": token} if token else {}
        page = s3.list_objects_v2(Bucket=name, Delimiter="/", MaxKeys=2, **kw)
        assert page["KeyCount"] <= 2
        seen += [o["Key"] for o in page.get("Contents", [])]
        prefixes += [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert seen == ["a.txt", "e.txt", "f g+h.txt", "é.txt"] and prefixes == ["b/", "d/"]
    after = s3.list_objects_v2(Bucket=name, StartAfter="b/2.txt")
    assert [o["Key"] for o in after["Contents"]] == keys[keys.index("b/2.txt") + 1 :]
    with pytest.raises(ClientError) as e:
        s3.list_objects_v2(Bucket=name, ContinuationToken="not-a-token")
    assert (code(e), status(e)) == ("InvalidArgument", 400)


def test_list_v1_markers(s3, tree):
    name, keys = tree
    page = s3.list_objects(Bucket=name, MaxKeys=3)
    assert [o["Key"] for o in page["Contents"]] == keys[:3]
    assert page["IsTruncated"] is True and "NextMarker" not in page
    rest = s3.list_objects(Bucket=name, Marker=keys[2])
    assert [o["Key"] for o in rest["Contents"]] == keys[3:]
    assert "Owner" in rest["Contents"][0]
    rolled = s3.list_objects(Bucket=name, Delimiter="/", MaxKeys=2)
    assert rolled["IsTruncated"] is True and rolled["NextMarker"] == "b/"


def test_list_url_encoding(s3, simfra_endpoint, tree):
    name, _ = tree
    # boto3 asks for encoding-type=url and decodes the keys itself.
    out = s3.list_objects_v2(Bucket=name, Prefix="f")
    assert [o["Key"] for o in out["Contents"]] == ["f g+h.txt"]
    raw = s3.list_objects_v2(Bucket=name, Prefix="f", EncodingType="url")
    assert raw["EncodingType"] == "url"


def test_list_object_versions_orders_and_pages(s3):
    name = unique("versions")
    s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    ids = [s3.put_object(Bucket=name, Key="k", Body=str(i).encode())["VersionId"] for i in range(3)]
    marker = s3.delete_object(Bucket=name, Key="k")
    assert marker["DeleteMarker"] is True
    s3.put_object(Bucket=name, Key="z", Body=b"z")
    out = s3.list_object_versions(Bucket=name)
    assert [v["VersionId"] for v in out["Versions"] if v["Key"] == "k"] == ids[::-1]
    assert [(m["Key"], m["IsLatest"]) for m in out["DeleteMarkers"]] == [("k", True)]
    assert all(not v["IsLatest"] for v in out["Versions"] if v["Key"] == "k")
    assert s3.list_objects_v2(Bucket=name)["KeyCount"] == 1
    page = s3.list_object_versions(Bucket=name, MaxKeys=2)
    assert page["IsTruncated"] and page["NextKeyMarker"] == "k"
    rest = s3.list_object_versions(Bucket=name, KeyMarker=page["NextKeyMarker"], VersionIdMarker=page["NextVersionIdMarker"])
    shown = [m["VersionId"] for m in page.get("DeleteMarkers", [])] + [v["VersionId"] for v in page.get("Versions", [])]
    later = [v["VersionId"] for v in rest.get("Versions", [])]
    assert len(shown) == 2 and set(shown).isdisjoint(later)
    assert [v["Key"] for v in rest["Versions"]][-1] == "z"
    with pytest.raises(ClientError) as e:
        s3.list_object_versions(Bucket=name, VersionIdMarker=ids[0])
    assert code(e) == "InvalidArgument"


# ---------------------------------------------------------------- access points


def test_requests_through_access_points(make_client, s3):
    from conftest import ACCOUNT
    control = make_client("s3control")
    bucket = unique("apb")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="shared.txt", Body=b"via the bucket")
    name = unique("ap")
    control.create_access_point(AccountId=ACCOUNT, Name=name, Bucket=bucket)
    ap = control.get_access_point(AccountId=ACCOUNT, Name=name)
    # By ARN: the SDK addresses <name>-<account> on the endpoint.
    arn = ap["AccessPointArn"]
    assert s3.get_object(Bucket=arn, Key="shared.txt")["Body"].read() == b"via the bucket"
    s3.put_object(Bucket=arn, Key="written.txt", Body=b"via the access point")
    assert s3.get_object(Bucket=bucket, Key="written.txt")["Body"].read() == b"via the access point"
    # By alias, used like a bucket name.
    alias = ap["Alias"]
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket=alias)["Contents"]) == ["shared.txt", "written.txt"]
    # The access point's policy applies: a Deny there refuses what the bucket allows.
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": f"{arn}/object/shared.txt"}],
    }
    import json
    control.put_access_point_policy(AccountId=ACCOUNT, Name=name, Policy=json.dumps(deny))
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=arn, Key="shared.txt")
    assert (code(e), status(e)) == ("AccessDenied", 403)
    assert s3.get_object(Bucket=bucket, Key="shared.txt")["Body"].read() == b"via the bucket"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=f"arn:aws:s3:us-east-1:{ACCOUNT}:accesspoint/{unique('none')}", Key="k")
    assert status(e) == 404
