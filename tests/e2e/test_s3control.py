"""S3 Control end to end with boto3's `s3control` client (which puts the
account id in front of the host: `000000000000.localhost:PORT`): the account's
Block Public Access, access points and their policies, tags of S3 resources,
Batch Operations jobs (S3PutObjectCopy runs for real, other operations fail
saying so) and Storage Lens configurations."""

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT, REGION, code, message, status, temporary_client, unique


@pytest.fixture(scope="module")
def control(make_client):
    return make_client("s3control")


@pytest.fixture
def bucket(s3):
    name = unique("s3c")
    s3.create_bucket(Bucket=name)
    return name


# ---------------------------------------------------------------- account public access block


def test_account_public_access_block_round_trip(control):
    try:
        control.put_public_access_block(
            AccountId=ACCOUNT, PublicAccessBlockConfiguration={"BlockPublicAcls": True, "RestrictPublicBuckets": True}
        )
        got = control.get_public_access_block(AccountId=ACCOUNT)["PublicAccessBlockConfiguration"]
        # Flags left out are stored as false.
        assert got == {"BlockPublicAcls": True, "IgnorePublicAcls": False, "BlockPublicPolicy": False, "RestrictPublicBuckets": True}
    finally:
        control.delete_public_access_block(AccountId=ACCOUNT)
    with pytest.raises(ClientError) as e:
        control.get_public_access_block(AccountId=ACCOUNT)
    assert code(e) == "NoSuchPublicAccessBlockConfiguration" and status(e) == 404
    assert message(e) == "The public access block configuration was not found"
    # Deleting what is not there succeeds.
    control.delete_public_access_block(AccountId=ACCOUNT)


def test_another_accounts_id_is_refused(control, other_account):
    with pytest.raises(ClientError) as e:
        control.get_public_access_block(AccountId=other_account["AccountId"])
    assert code(e) == "AccessDenied" and status(e) == 403
    with pytest.raises(ClientError) as e:
        control.list_access_points(AccountId=other_account["AccountId"])
    assert code(e) == "AccessDenied" and status(e) == 403


def test_each_account_has_its_own_block(control, make_client, other_account):
    theirs = make_client("s3control", access_key=other_account["RootAccessKeyId"], secret_key=other_account["RootSecretAccessKey"])
    none = {"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False, "RestrictPublicBuckets": False}
    try:
        control.put_public_access_block(AccountId=ACCOUNT, PublicAccessBlockConfiguration=none)
        theirs.put_public_access_block(AccountId=other_account["AccountId"], PublicAccessBlockConfiguration={k: True for k in none})
        assert theirs.get_public_access_block(AccountId=other_account["AccountId"])["PublicAccessBlockConfiguration"] == {k: True for k in none}
        assert control.get_public_access_block(AccountId=ACCOUNT)["PublicAccessBlockConfiguration"] == none
    finally:
        control.delete_public_access_block(AccountId=ACCOUNT)


# ---------------------------------------------------------------- access points


def test_create_and_get_access_point(control, bucket):
    name = unique("ap")
    created = control.create_access_point(AccountId=ACCOUNT, Name=name, Bucket=bucket)
    arn = f"arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/{name}"
    assert created["AccessPointArn"] == arn
    alias = created["Alias"]
    assert alias.endswith("-s3alias") and alias.startswith(name[:20]) and len(alias) <= 63

    got = control.get_access_point(AccountId=ACCOUNT, Name=name)
    assert got["Name"] == name and got["Bucket"] == bucket and got["BucketAccountId"] == ACCOUNT
    assert got["NetworkOrigin"] == "Internet" and "VpcConfiguration" not in got
    assert got["AccessPointArn"] == arn and got["Alias"] == alias
    # New access points block all public access unless told otherwise.
    assert got["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    assert got["Endpoints"]["ipv4"].startswith(f"s3-accesspoint.{REGION}.localhost")
    assert got["CreationDate"].year >= 2024

    with pytest.raises(ClientError) as e:
        control.create_access_point(AccountId=ACCOUNT, Name=name, Bucket=bucket)
    assert code(e) == "AccessPointAlreadyOwnedByYou" and status(e) == 409

    control.delete_access_point(AccountId=ACCOUNT, Name=name)
    with pytest.raises(ClientError) as e:
        control.get_access_point(AccountId=ACCOUNT, Name=name)
    assert code(e) == "NoSuchAccessPoint" and status(e) == 404
    assert message(e) == "The specified accesspoint does not exist"
    with pytest.raises(ClientError) as e:
        control.delete_access_point(AccountId=ACCOUNT, Name=name)
    assert code(e) == "NoSuchAccessPoint"


def test_vpc_access_point_and_its_own_block_settings(control, bucket):
    name = unique("vpc")
    control.create_access_point(
        AccountId=ACCOUNT,
        Name=name,
        Bucket=bucket,
        VpcConfiguration={"VpcId": "vpc-0123456789abcdef0"},
        PublicAccessBlockConfiguration={"BlockPublicAcls": False, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": True},
    )
    got = control.get_access_point(AccountId=ACCOUNT, Name=name)
    assert got["NetworkOrigin"] == "VPC" and got["VpcConfiguration"] == {"VpcId": "vpc-0123456789abcdef0"}
    assert got["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is False
    assert got["PublicAccessBlockConfiguration"]["IgnorePublicAcls"] is True


def test_access_point_needs_an_existing_bucket_and_a_valid_name(control, bucket):
    with pytest.raises(ClientError) as e:
        control.create_access_point(AccountId=ACCOUNT, Name=unique("ap"), Bucket=unique("nobucket"))
    assert code(e) == "InvalidRequest" and status(e) == 400
    assert message(e) == "An access point can be created only for an existing bucket."
    with pytest.raises(ClientError) as e:
        control.list_access_points(AccountId=ACCOUNT, Bucket=unique("nobucket"))
    assert code(e) == "InvalidRequest" and message(e) == "An access point can be listed only for an existing bucket."
    for bad in ("Upper-Case", "ends-with-", "xn--punycode", "my-ap-s3alias"):
        with pytest.raises(ClientError) as e:
            control.create_access_point(AccountId=ACCOUNT, Name=bad, Bucket=bucket)
        assert code(e) == "InvalidAccessPoint" and status(e) == 400, bad


def test_list_access_points_by_bucket_with_pages(control, s3, bucket):
    other_bucket = unique("s3c")
    s3.create_bucket(Bucket=other_bucket)
    names = sorted(unique(f"ap{i}") for i in range(3))
    for n in names:
        control.create_access_point(AccountId=ACCOUNT, Name=n, Bucket=bucket)
    control.create_access_point(AccountId=ACCOUNT, Name=unique("elsewhere"), Bucket=other_bucket)

    page = control.list_access_points(AccountId=ACCOUNT, Bucket=bucket, MaxResults=2)
    assert [a["Name"] for a in page["AccessPointList"]] == names[:2]
    rest = control.list_access_points(AccountId=ACCOUNT, Bucket=bucket, MaxResults=2, NextToken=page["NextToken"])
    assert [a["Name"] for a in rest["AccessPointList"]] == names[2:]
    assert "NextToken" not in rest
    entry = rest["AccessPointList"][0]
    assert entry["Bucket"] == bucket and entry["NetworkOrigin"] == "Internet"
    assert entry["AccessPointArn"] == f"arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/{names[2]}"
    assert entry["Alias"].endswith("-s3alias")


def test_no_directory_buckets_so_no_access_points_for_them(control):
    assert control.list_access_points_for_directory_buckets(AccountId=ACCOUNT).get("AccessPointList", []) == []
    with pytest.raises(ClientError) as e:
        control.list_access_points_for_directory_buckets(AccountId=ACCOUNT, DirectoryBucket="data--use1-az4--x-s3")
    assert code(e) == "NoSuchBucket" and status(e) == 404


def test_access_point_policy(control, bucket):
    name = unique("pol")
    control.create_access_point(AccountId=ACCOUNT, Name=name, Bucket=bucket)
    arn = f"arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/{name}"
    for call in (control.get_access_point_policy, control.get_access_point_policy_status):
        with pytest.raises(ClientError) as e:
            call(AccountId=ACCOUNT, Name=name)
        assert code(e) == "NoSuchAccessPointPolicy" and status(e) == 404

    private = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "s3:GetObject", "Resource": f"{arn}/object/*"}],
    }
    control.put_access_point_policy(AccountId=ACCOUNT, Name=name, Policy=json.dumps(private))
    assert json.loads(control.get_access_point_policy(AccountId=ACCOUNT, Name=name)["Policy"]) == private
    assert control.get_access_point_policy_status(AccountId=ACCOUNT, Name=name)["PolicyStatus"] == {"IsPublic": False}

    public = dict(private, Statement=[dict(private["Statement"][0], Principal="*")])
    control.put_access_point_policy(AccountId=ACCOUNT, Name=name, Policy=json.dumps(public))
    assert control.get_access_point_policy_status(AccountId=ACCOUNT, Name=name)["PolicyStatus"] == {"IsPublic": True}

    elsewhere = dict(private, Statement=[dict(private["Statement"][0], Resource=f"arn:aws:s3:::{bucket}/*")])
    with pytest.raises(ClientError) as e:
        control.put_access_point_policy(AccountId=ACCOUNT, Name=name, Policy=json.dumps(elsewhere))
    assert code(e) == "MalformedPolicy" and status(e) == 400 and message(e) == "Policy has invalid resource"
    with pytest.raises(ClientError) as e:
        control.put_access_point_policy(AccountId=ACCOUNT, Name=name, Policy="not json")
    assert code(e) == "MalformedPolicy"

    control.delete_access_point_policy(AccountId=ACCOUNT, Name=name)
    with pytest.raises(ClientError) as e:
        control.get_access_point_policy(AccountId=ACCOUNT, Name=name)
    assert code(e) == "NoSuchAccessPointPolicy"
    with pytest.raises(ClientError) as e:
        control.put_access_point_policy(AccountId=ACCOUNT, Name=unique("missing"), Policy=json.dumps(private))
    assert code(e) == "NoSuchAccessPoint"


# ---------------------------------------------------------------- tags of S3 resources


def test_tags_of_access_points_and_buckets(control, bucket):
    name = unique("tag")
    control.create_access_point(AccountId=ACCOUNT, Name=name, Bucket=bucket, Tags=[{"Key": "team", "Value": "a"}])
    arn = f"arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/{name}"
    assert control.list_tags_for_resource(AccountId=ACCOUNT, ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "a"}]
    control.tag_resource(AccountId=ACCOUNT, ResourceArn=arn, Tags=[{"Key": "team", "Value": "b"}, {"Key": "env", "Value": "test"}])
    assert control.list_tags_for_resource(AccountId=ACCOUNT, ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "b"}, {"Key": "env", "Value": "test"}]
    control.untag_resource(AccountId=ACCOUNT, ResourceArn=arn, TagKeys=["team"])
    assert control.list_tags_for_resource(AccountId=ACCOUNT, ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "test"}]

    with pytest.raises(ClientError) as e:
        control.tag_resource(AccountId=ACCOUNT, ResourceArn=arn, Tags=[{"Key": "aws:reserved", "Value": "x"}])
    assert code(e) == "InvalidTag" and status(e) == 400
    with pytest.raises(ClientError) as e:
        control.tag_resource(AccountId=ACCOUNT, ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}])
    assert code(e) == "InvalidTag"
    # A refused change leaves the tags as they were.
    assert control.list_tags_for_resource(AccountId=ACCOUNT, ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "test"}]
    with pytest.raises(ClientError) as e:
        control.list_tags_for_resource(AccountId=ACCOUNT, ResourceArn=f"arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/{unique('none')}")
    assert code(e) == "NoSuchResource" and status(e) == 404
    with pytest.raises(ClientError) as e:
        control.list_tags_for_resource(AccountId=ACCOUNT, ResourceArn=f"arn:aws:s3:eu-west-1:{ACCOUNT}:accesspoint/{name}")
    assert code(e) == "InvalidRequest" and status(e) == 400
    # The pinned model's S3ResourceArn pattern requires a region: bucket ARNs (`arn:aws:s3:::b`) do not pass it.
    with pytest.raises(ClientError) as e:
        control.list_tags_for_resource(AccountId=ACCOUNT, ResourceArn=f"arn:aws:s3:::{bucket}")
    assert status(e) == 400


def test_another_accounts_access_points_are_not_tagged_here(control, make_client, other_account, s3):
    theirs_s3 = make_client("s3", access_key=other_account["RootAccessKeyId"], secret_key=other_account["RootSecretAccessKey"])
    theirs = make_client("s3control", access_key=other_account["RootAccessKeyId"], secret_key=other_account["RootSecretAccessKey"])
    their_bucket, name = unique("theirs"), unique("theirs")
    theirs_s3.create_bucket(Bucket=their_bucket)
    theirs.create_access_point(AccountId=other_account["AccountId"], Name=name, Bucket=their_bucket)
    arn = f"arn:aws:s3:{REGION}:{other_account['AccountId']}:accesspoint/{name}"
    # IAM refuses first: the resource is another account's and no policy of its grants this one.
    with pytest.raises(ClientError) as e:
        control.tag_resource(AccountId=ACCOUNT, ResourceArn=arn, Tags=[{"Key": "k", "Value": "v"}])
    assert code(e) == "AccessDenied" and status(e) == 403
    # Access point names are per account: the same name is free in this one.
    mine = unique("mine")
    s3.create_bucket(Bucket=mine)
    control.create_access_point(AccountId=ACCOUNT, Name=name, Bucket=mine)
    assert control.get_access_point(AccountId=ACCOUNT, Name=name)["Bucket"] == mine


# ---------------------------------------------------------------- Batch Operations jobs


BATCH_TRUST = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "batchoperations.s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


@pytest.fixture(scope="module")
def batch_role(make_client):
    """A role Batch Operations may assume, allowed to read and write objects."""
    iam = make_client("iam")
    name = unique("batch")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(BATCH_TRUST))["Role"]["Arn"]
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "*"}]}
    iam.put_role_policy(RoleName=name, PolicyName="objects", PolicyDocument=json.dumps(allow))
    return arn


@pytest.fixture(scope="module")
def powerless_role(make_client):
    """A role Batch Operations may assume, allowed nothing."""
    return make_client("iam").create_role(RoleName=unique("powerless"), AssumeRolePolicyDocument=json.dumps(BATCH_TRUST))["Role"]["Arn"]


@pytest.fixture
def manifest(s3, bucket):
    """A CSV manifest of two objects in `bucket` (one key needs URL-encoding) and one missing key."""
    s3.put_object(Bucket=bucket, Key="data/a.txt", Body=b"alpha")
    s3.put_object(Bucket=bucket, Key="data/b c.txt", Body=b"bravo")
    body = f"{bucket},data/a.txt\n{bucket},data/b%20c.txt\n{bucket},data/missing.txt\n".encode()
    etag = s3.put_object(Bucket=bucket, Key="manifest.csv", Body=body)["ETag"].strip('"')
    return {
        "Spec": {"Format": "S3BatchOperations_CSV_20180820", "Fields": ["Bucket", "Key"]},
        "Location": {"ObjectArn": f"arn:aws:s3:::{bucket}/manifest.csv", "ETag": etag},
    }


NO_REPORT = {"Enabled": False}


def waiting_job(control, manifest, role, **args):
    """The id of a job that deletes the manifest's object tags once confirmed
    (until then Suspended); `args` add to or replace CreateJob's."""
    return control.create_job(**{
        "AccountId": ACCOUNT, "ConfirmationRequired": True, "Operation": {"S3DeleteObjectTagging": {}},
        "Manifest": manifest, "Report": NO_REPORT, "Priority": 1, "RoleArn": role, **args,
    })["JobId"]


def test_copy_job_runs_and_reports(control, s3, bucket, manifest, batch_role):
    target = unique("target")
    s3.create_bucket(Bucket=target)
    report = {"Bucket": f"arn:aws:s3:::{target}", "Prefix": "reports", "Format": "Report_CSV_20180820", "Enabled": True, "ReportScope": "AllTasks"}
    job_id = control.create_job(
        AccountId=ACCOUNT,
        Operation={"S3PutObjectCopy": {"TargetResource": f"arn:aws:s3:::{target}", "TargetKeyPrefix": "copied"}},
        Manifest=manifest,
        Report=report,
        Priority=10,
        RoleArn=batch_role,
        Description="copy",
    )["JobId"]
    job = control.describe_job(AccountId=ACCOUNT, JobId=job_id)["Job"]
    assert job["Status"] == "Complete", job
    assert job["JobArn"] == f"arn:aws:s3:{REGION}:{ACCOUNT}:job/{job_id}"
    assert job["ProgressSummary"]["TotalNumberOfTasks"] == 3
    assert job["ProgressSummary"]["NumberOfTasksSucceeded"] == 2
    assert job["ProgressSummary"]["NumberOfTasksFailed"] == 1
    assert job["Priority"] == 10 and job["RoleArn"] == batch_role and job["Description"] == "copy"
    assert "TerminationDate" in job and "FailureReasons" not in job

    assert s3.get_object(Bucket=target, Key="copied/data/a.txt")["Body"].read() == b"alpha"
    assert s3.get_object(Bucket=target, Key="copied/data/b c.txt")["Body"].read() == b"bravo"
    report_manifest = json.loads(s3.get_object(Bucket=target, Key=f"reports/job-{job_id}/manifest.json")["Body"].read())
    results = s3.get_object(Bucket=target, Key=report_manifest["Results"][0]["Key"])["Body"].read().decode()
    assert f"{bucket},data/a.txt,,succeeded,200" in results
    assert f"{bucket},data/missing.txt,,failed,404,NoSuchKey" in results


def test_copy_tasks_are_authorized_as_the_jobs_role(control, s3, manifest, powerless_role):
    target = unique("target")
    s3.create_bucket(Bucket=target)
    report = {"Bucket": f"arn:aws:s3:::{target}", "Format": "Report_CSV_20180820", "Enabled": True, "ReportScope": "FailedTasksOnly"}
    job_id = control.create_job(
        AccountId=ACCOUNT,
        Operation={"S3PutObjectCopy": {"TargetResource": f"arn:aws:s3:::{target}"}},
        Manifest=manifest,
        Report=report,
        Priority=1,
        RoleArn=powerless_role,
    )["JobId"]
    job = control.describe_job(AccountId=ACCOUNT, JobId=job_id)["Job"]
    assert job["Status"] == "Complete"
    assert job["ProgressSummary"]["NumberOfTasksSucceeded"] == 0 and job["ProgressSummary"]["NumberOfTasksFailed"] == 3
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=target, Key="data/a.txt")
    assert code(e) == "NoSuchKey"
    report_manifest = json.loads(s3.get_object(Bucket=target, Key=f"job-{job_id}/manifest.json")["Body"].read())
    results = s3.get_object(Bucket=target, Key=report_manifest["Results"][0]["Key"])["Body"].read().decode()
    assert results.count(",failed,403,AccessDenied,") == 3


def test_copy_options_simfra_does_not_apply_fail_the_job(control, s3, manifest, batch_role):
    target = unique("target")
    s3.create_bucket(Bucket=target)
    job_id = control.create_job(
        AccountId=ACCOUNT,
        Operation={"S3PutObjectCopy": {"TargetResource": f"arn:aws:s3:::{target}", "StorageClass": "GLACIER"}},
        Manifest=manifest,
        Report=NO_REPORT,
        Priority=1,
        RoleArn=batch_role,
    )["JobId"]
    job = control.describe_job(AccountId=ACCOUNT, JobId=job_id)["Job"]
    assert job["Status"] == "Failed" and "StorageClass" in job["FailureReasons"][0]["FailureReason"]
    assert s3.list_objects_v2(Bucket=target)["KeyCount"] == 0


def test_jobs_simfra_does_not_run_fail_saying_so(control, manifest, batch_role):
    job_id = control.create_job(
        AccountId=ACCOUNT,
        ConfirmationRequired=True,
        Operation={"S3PutObjectTagging": {"TagSet": [{"Key": "k", "Value": "v"}]}},
        Manifest=manifest,
        Report=NO_REPORT,
        Priority=1,
        RoleArn=batch_role,
    )["JobId"]
    job = control.describe_job(AccountId=ACCOUNT, JobId=job_id)["Job"]
    assert job["Status"] == "Suspended" and "SuspendedDate" in job and job["ConfirmationRequired"] is True
    assert job["ProgressSummary"]["TotalNumberOfTasks"] == 3

    updated = control.update_job_status(AccountId=ACCOUNT, JobId=job_id, RequestedJobStatus="Ready", StatusUpdateReason="go")
    assert updated["Status"] == "Failed" and updated["StatusUpdateReason"] == "go"
    job = control.describe_job(AccountId=ACCOUNT, JobId=job_id)["Job"]
    assert job["Status"] == "Failed"
    assert "Simfra does not run" in job["FailureReasons"][0]["FailureReason"]
    assert job["ProgressSummary"]["NumberOfTasksSucceeded"] == 0

    # An ended job moves no more.
    for requested in ("Cancelled", "Ready"):
        with pytest.raises(ClientError) as e:
            control.update_job_status(AccountId=ACCOUNT, JobId=job_id, RequestedJobStatus=requested)
        assert code(e) == "JobStatusException" and status(e) == 400


def test_suspended_job_is_cancelled(control, manifest, batch_role):
    job_id = waiting_job(control, manifest, batch_role)
    assert control.update_job_status(AccountId=ACCOUNT, JobId=job_id, RequestedJobStatus="Cancelled")["Status"] == "Cancelled"
    job = control.describe_job(AccountId=ACCOUNT, JobId=job_id)["Job"]
    assert job["Status"] == "Cancelled" and "TerminationDate" in job


def test_job_preparation_failures_are_the_jobs_state(control, s3, bucket, manifest, batch_role):
    missing = dict(manifest, Location={"ObjectArn": f"arn:aws:s3:::{bucket}/nope.csv", "ETag": manifest["Location"]["ETag"]})
    job_id = control.create_job(
        AccountId=ACCOUNT, Operation={"S3PutObjectTagging": {"TagSet": []}}, Manifest=missing, Report=NO_REPORT, Priority=1, RoleArn=batch_role
    )["JobId"]
    job = control.describe_job(AccountId=ACCOUNT, JobId=job_id)["Job"]
    assert job["Status"] == "Failed" and "nope.csv" in job["FailureReasons"][0]["FailureReason"]

    no_role = f"arn:aws:iam::{ACCOUNT}:role/{unique('none')}"
    job_id = control.create_job(
        AccountId=ACCOUNT, Operation={"S3PutObjectTagging": {"TagSet": []}}, Manifest=manifest, Report=NO_REPORT, Priority=1, RoleArn=no_role
    )["JobId"]
    job = control.describe_job(AccountId=ACCOUNT, JobId=job_id)["Job"]
    assert job["Status"] == "Failed" and no_role in job["FailureReasons"][0]["FailureReason"]


def test_create_job_validation_and_idempotency(control, manifest, batch_role):
    args = dict(AccountId=ACCOUNT, Manifest=manifest, Report=NO_REPORT, Priority=5, RoleArn=batch_role, ConfirmationRequired=True)
    with pytest.raises(ClientError) as e:
        control.create_job(Operation={"S3PutObjectTagging": {"TagSet": []}, "S3DeleteObjectTagging": {}}, **args)
    assert code(e) == "BadRequestException" and status(e) == 400
    with pytest.raises(ClientError) as e:
        control.create_job(Operation={"S3DeleteObjectTagging": {}}, **dict(args, Report={"Enabled": True}))
    assert code(e) == "BadRequestException"

    token = str(uuid.uuid4())
    first = control.create_job(Operation={"S3DeleteObjectTagging": {}}, ClientRequestToken=token, **args)["JobId"]
    again = control.create_job(Operation={"S3DeleteObjectTagging": {}}, ClientRequestToken=token, **args)["JobId"]
    assert first == again
    with pytest.raises(ClientError) as e:
        control.create_job(Operation={"S3DeleteObjectTagging": {}}, ClientRequestToken=token, **dict(args, Priority=6))
    assert code(e) == "IdempotencyException"


def test_list_jobs_filters_and_pages(control, manifest, batch_role):
    ids = [waiting_job(control, manifest, batch_role, Priority=i) for i in range(3)]
    suspended = control.list_jobs(AccountId=ACCOUNT, JobStatuses=["Suspended"])["Jobs"]
    listed = [j["JobId"] for j in suspended]
    assert all(i in listed for i in ids)
    assert all(j["Status"] == "Suspended" for j in suspended)
    mine = [j for j in suspended if j["JobId"] in ids]
    assert mine[0]["Operation"] == "S3DeleteObjectTagging"
    # Newest first.
    assert [j["JobId"] for j in mine] == ids[::-1]

    page = control.list_jobs(AccountId=ACCOUNT, MaxResults=1)
    assert len(page["Jobs"]) == 1 and "NextToken" in page
    nxt = control.list_jobs(AccountId=ACCOUNT, MaxResults=1, NextToken=page["NextToken"])
    assert nxt["Jobs"][0]["JobId"] != page["Jobs"][0]["JobId"]
    assert control.list_jobs(AccountId=ACCOUNT, JobStatuses=["Paused"]).get("Jobs", []) == []

    updated = control.update_job_priority(AccountId=ACCOUNT, JobId=ids[0], Priority=99)
    assert (updated["JobId"], updated["Priority"]) == (ids[0], 99)
    assert control.describe_job(AccountId=ACCOUNT, JobId=ids[0])["Job"]["Priority"] == 99


def test_job_tagging_and_missing_jobs(control, manifest, batch_role):
    job_id = waiting_job(control, manifest, batch_role, Tags=[{"Key": "a", "Value": "1"}])
    assert control.get_job_tagging(AccountId=ACCOUNT, JobId=job_id)["Tags"] == [{"Key": "a", "Value": "1"}]
    control.put_job_tagging(AccountId=ACCOUNT, JobId=job_id, Tags=[{"Key": "b", "Value": "2"}])
    assert control.get_job_tagging(AccountId=ACCOUNT, JobId=job_id)["Tags"] == [{"Key": "b", "Value": "2"}]
    job_arn = f"arn:aws:s3:{REGION}:{ACCOUNT}:job/{job_id}"
    assert control.list_tags_for_resource(AccountId=ACCOUNT, ResourceArn=job_arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    control.delete_job_tagging(AccountId=ACCOUNT, JobId=job_id)
    assert control.get_job_tagging(AccountId=ACCOUNT, JobId=job_id).get("Tags", []) == []

    missing = str(uuid.uuid4())
    for call, extra in (
        (control.describe_job, {}),
        (control.get_job_tagging, {}),
        (control.update_job_priority, {"Priority": 1}),
        (control.update_job_status, {"RequestedJobStatus": "Cancelled"}),
    ):
        with pytest.raises(ClientError) as e:
            call(AccountId=ACCOUNT, JobId=missing, **extra)
        assert code(e) == "NotFoundException", call


# ---------------------------------------------------------------- Storage Lens


def test_storage_lens_configurations(control):
    config_id = unique("lens")
    config = {"Id": config_id, "AccountLevel": {"BucketLevel": {}}, "IsEnabled": True}
    control.put_storage_lens_configuration(ConfigId=config_id, AccountId=ACCOUNT, StorageLensConfiguration=config, Tags=[{"Key": "k", "Value": "v"}])
    got = control.get_storage_lens_configuration(ConfigId=config_id, AccountId=ACCOUNT)["StorageLensConfiguration"]
    assert got["Id"] == config_id and got["IsEnabled"] is True
    arn = f"arn:aws:s3:{REGION}:{ACCOUNT}:storage-lens/{config_id}"
    assert got["StorageLensArn"] == arn
    listed = control.list_storage_lens_configurations(AccountId=ACCOUNT)["StorageLensConfigurationList"]
    assert {"Id": config_id, "StorageLensArn": arn, "HomeRegion": REGION, "IsEnabled": True} in listed
    assert control.get_storage_lens_configuration_tagging(ConfigId=config_id, AccountId=ACCOUNT)["Tags"] == [{"Key": "k", "Value": "v"}]
    control.put_storage_lens_configuration_tagging(ConfigId=config_id, AccountId=ACCOUNT, Tags=[{"Key": "x", "Value": "y"}])
    assert control.list_tags_for_resource(AccountId=ACCOUNT, ResourceArn=arn)["Tags"] == [{"Key": "x", "Value": "y"}]
    control.delete_storage_lens_configuration_tagging(ConfigId=config_id, AccountId=ACCOUNT)
    assert control.get_storage_lens_configuration_tagging(ConfigId=config_id, AccountId=ACCOUNT).get("Tags", []) == []
    with pytest.raises(ClientError) as e:
        control.put_storage_lens_configuration(ConfigId=config_id, AccountId=ACCOUNT, StorageLensConfiguration=dict(config, Id="other"))
    assert code(e) == "InvalidConfigId" and status(e) == 400
    with pytest.raises(ClientError) as e:
        control.put_storage_lens_configuration(
            ConfigId=config_id, AccountId=ACCOUNT, StorageLensConfiguration=dict(config, Include={"Regions": ["us-east-1"]}, Exclude={"Regions": ["eu-west-1"]})
        )
    assert code(e) == "InvalidIncludeExcludeContainers"
    control.delete_storage_lens_configuration(ConfigId=config_id, AccountId=ACCOUNT)
    with pytest.raises(ClientError) as e:
        control.get_storage_lens_configuration(ConfigId=config_id, AccountId=ACCOUNT)
    assert code(e) == "NoSuchConfiguration" and status(e) == 404


# ---------------------------------------------------------------- Multi-Region Access Points


def operation(control, token):
    return control.describe_multi_region_access_point_operation(AccountId=ACCOUNT, RequestTokenARN=token)["AsyncOperation"]


def test_multi_region_access_point_lifecycle(control, bucket):
    name = unique("mrap")
    token = control.create_multi_region_access_point(
        AccountId=ACCOUNT, ClientToken=str(uuid.uuid4()), Details={"Name": name, "Regions": [{"Bucket": bucket}]}
    )["RequestTokenARN"]
    assert token.startswith(f"arn:aws:s3:us-west-2:{ACCOUNT}:async-request/mrap/create/")
    op = operation(control, token)
    assert op["Operation"] == "CreateMultiRegionAccessPoint" and op["RequestStatus"] == "SUCCEEDED"
    assert op["RequestParameters"]["CreateMultiRegionAccessPointRequest"]["Name"] == name

    mrap = control.get_multi_region_access_point(AccountId=ACCOUNT, Name=name)["AccessPoint"]
    assert mrap["Status"] == "READY" and mrap["Alias"].endswith(".mrap")
    assert mrap["Regions"] == [{"Bucket": bucket, "Region": REGION, "BucketAccountId": ACCOUNT}]
    assert mrap["PublicAccessBlock"]["BlockPublicPolicy"] is True
    assert name in [m["Name"] for m in control.list_multi_region_access_points(AccountId=ACCOUNT)["AccessPoints"]]

    arn = f"arn:aws:s3::{ACCOUNT}:accesspoint/{mrap['Alias']}"
    # The pinned model's pattern for Mrap admits no `/`: routes are asked for by alias.
    alias = mrap["Alias"]
    routes = control.get_multi_region_access_point_routes(AccountId=ACCOUNT, Mrap=alias)
    assert routes["Routes"] == [{"Bucket": bucket, "Region": REGION, "TrafficDialPercentage": 100}]
    control.submit_multi_region_access_point_routes(AccountId=ACCOUNT, Mrap=alias, RouteUpdates=[{"Bucket": bucket, "TrafficDialPercentage": 0}])
    assert control.get_multi_region_access_point_routes(AccountId=ACCOUNT, Mrap=alias)["Routes"][0]["TrafficDialPercentage"] == 0
    with pytest.raises(ClientError) as e:
        control.submit_multi_region_access_point_routes(AccountId=ACCOUNT, Mrap=alias, RouteUpdates=[{"Bucket": bucket, "TrafficDialPercentage": 50}])
    assert code(e) == "InvalidRequest" and status(e) == 400

    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"{arn}/object/*"}]}
    token = control.put_multi_region_access_point_policy(
        AccountId=ACCOUNT, ClientToken=str(uuid.uuid4()), Details={"Name": name, "Policy": json.dumps(policy)}
    )["RequestTokenARN"]
    assert operation(control, token)["RequestStatus"] == "SUCCEEDED"
    got = control.get_multi_region_access_point_policy(AccountId=ACCOUNT, Name=name)["Policy"]
    assert json.loads(got["Established"]["Policy"]) == policy
    assert control.get_multi_region_access_point_policy_status(AccountId=ACCOUNT, Name=name)["Established"] == {"IsPublic": True}

    token = control.delete_multi_region_access_point(AccountId=ACCOUNT, ClientToken=str(uuid.uuid4()), Details={"Name": name})["RequestTokenARN"]
    assert operation(control, token)["RequestStatus"] == "SUCCEEDED"
    with pytest.raises(ClientError) as e:
        control.get_multi_region_access_point(AccountId=ACCOUNT, Name=name)
    assert code(e) == "NoSuchMultiRegionAccessPoint" and status(e) == 404


def test_multi_region_access_point_failures_are_the_operations(control, bucket):
    missing = unique("nobucket")
    client_token = str(uuid.uuid4())
    details = {"Name": unique("mrap"), "Regions": [{"Bucket": missing}]}
    token = control.create_multi_region_access_point(AccountId=ACCOUNT, ClientToken=client_token, Details=details)["RequestTokenARN"]
    op = operation(control, token)
    assert op["RequestStatus"] == "FAILED"
    assert op["ResponseDetails"]["ErrorDetails"]["Code"] == "NoSuchBucket"
    # The same client token is the same request.
    assert control.create_multi_region_access_point(AccountId=ACCOUNT, ClientToken=client_token, Details=details)["RequestTokenARN"] == token
    with pytest.raises(ClientError) as e:
        control.get_multi_region_access_point(AccountId=ACCOUNT, Name=details["Name"])
    assert code(e) == "NoSuchMultiRegionAccessPoint"

    name = unique("mrap")
    control.create_multi_region_access_point(AccountId=ACCOUNT, ClientToken=str(uuid.uuid4()), Details={"Name": name, "Regions": [{"Bucket": bucket}]})
    token = control.create_multi_region_access_point(AccountId=ACCOUNT, ClientToken=str(uuid.uuid4()), Details={"Name": name, "Regions": [{"Bucket": bucket}]})[
        "RequestTokenARN"
    ]
    assert operation(control, token)["ResponseDetails"]["ErrorDetails"]["Code"] == "MultiRegionAccessPointAlreadyOwnedByYou"
    # A client token names one request.
    with pytest.raises(ClientError) as e:
        control.create_multi_region_access_point(AccountId=ACCOUNT, ClientToken=client_token, Details=dict(details, Name=unique("other")))
    assert code(e) == "ClientTokenConflict" and status(e) == 409
    with pytest.raises(ClientError) as e:
        operation(control, f"arn:aws:s3:us-west-2:{ACCOUNT}:async-request/mrap/create/nothing")
    assert code(e) == "NoSuchAsyncRequest" and status(e) == 404
    with pytest.raises(ClientError) as e:
        control.create_multi_region_access_point(AccountId=ACCOUNT, ClientToken=str(uuid.uuid4()), Details={"Name": "Bad_Name", "Regions": [{"Bucket": bucket}]})
    assert status(e) == 400


# ---------------------------------------------------------------- S3 Access Grants


ACCESS_GRANTS_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "access-grants.s3.amazonaws.com"}, "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}],
}


@pytest.fixture(scope="module")
def grants_instance(control):
    """The account's Access Grants instance in this region, removed (with what it holds) afterwards."""
    control.create_access_grants_instance(AccountId=ACCOUNT)
    yield
    for g in control.list_access_grants(AccountId=ACCOUNT).get("AccessGrantsList", []):
        control.delete_access_grant(AccountId=ACCOUNT, AccessGrantId=g["AccessGrantId"])
    for loc in control.list_access_grants_locations(AccountId=ACCOUNT).get("AccessGrantsLocationsList", []):
        control.delete_access_grants_location(AccountId=ACCOUNT, AccessGrantsLocationId=loc["AccessGrantsLocationId"])
    control.delete_access_grants_instance(AccountId=ACCOUNT)


@pytest.fixture(scope="module")
def location_role(make_client):
    """A role Access Grants may assume, allowed every object action (the grant narrows it)."""
    iam = make_client("iam")
    name = unique("grants")
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(ACCESS_GRANTS_TRUST))["Role"]["Arn"]
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    iam.put_role_policy(RoleName=name, PolicyName="s3", PolicyDocument=json.dumps(allow))
    return arn


def test_access_grants_instance_lifecycle(control, grants_instance):
    got = control.get_access_grants_instance(AccountId=ACCOUNT)
    assert got["AccessGrantsInstanceId"] == "default"
    assert got["AccessGrantsInstanceArn"] == f"arn:aws:s3:{REGION}:{ACCOUNT}:access-grants/default"
    with pytest.raises(ClientError) as e:
        control.create_access_grants_instance(AccountId=ACCOUNT)
    assert code(e) == "AccessGrantsInstanceAlreadyExists" and status(e) == 409
    listed = control.list_access_grants_instances(AccountId=ACCOUNT)["AccessGrantsInstancesList"]
    assert [i["AccessGrantsInstanceId"] for i in listed] == ["default"]

    with pytest.raises(ClientError) as e:
        control.get_access_grants_instance_resource_policy(AccountId=ACCOUNT)
    assert code(e) == "AccessGrantsInstanceResourcePolicyNotExists" and status(e) == 404
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "s3:ListAccessGrants", "Resource": got["AccessGrantsInstanceArn"]}]}
    control.put_access_grants_instance_resource_policy(AccountId=ACCOUNT, Policy=json.dumps(policy))
    assert json.loads(control.get_access_grants_instance_resource_policy(AccountId=ACCOUNT)["Policy"]) == policy
    control.delete_access_grants_instance_resource_policy(AccountId=ACCOUNT)

    arn = got["AccessGrantsInstanceArn"]
    control.tag_resource(AccountId=ACCOUNT, ResourceArn=arn, Tags=[{"Key": "team", "Value": "data"}])
    assert control.list_tags_for_resource(AccountId=ACCOUNT, ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "data"}]


def test_access_grants_need_an_instance(control, other_account, make_client):
    theirs = make_client("s3control", access_key=other_account["RootAccessKeyId"], secret_key=other_account["RootSecretAccessKey"])
    for call in (theirs.get_access_grants_instance, theirs.list_access_grants_locations, theirs.list_access_grants):
        with pytest.raises(ClientError) as e:
            call(AccountId=other_account["AccountId"])
        assert code(e) == "AccessGrantsInstanceNotExistsError" and status(e) == 404
    assert theirs.list_access_grants_instances(AccountId=other_account["AccountId"]).get("AccessGrantsInstancesList", []) == []
    # Simfra's Access Grants do not integrate with IAM Identity Center, and say so.
    with pytest.raises(ClientError) as e:
        theirs.create_access_grants_instance(AccountId=other_account["AccountId"], IdentityCenterArn="arn:aws:sso:::instance/ssoins-1234567890abcdef")
    assert code(e) == "NotImplemented" and status(e) == 501


def test_locations_and_grants(control, grants_instance, location_role, bucket):
    loc = control.create_access_grants_location(AccountId=ACCOUNT, LocationScope=f"s3://{bucket}", IAMRoleArn=location_role)
    loc_id = loc["AccessGrantsLocationId"]
    assert loc["AccessGrantsLocationArn"] == f"arn:aws:s3:{REGION}:{ACCOUNT}:access-grants/default/location/{loc_id}"
    with pytest.raises(ClientError) as e:
        control.create_access_grants_location(AccountId=ACCOUNT, LocationScope=f"s3://{bucket}", IAMRoleArn=location_role)
    assert code(e) == "AccessGrantsLocationAlreadyExistsError" and status(e) == 409
    with pytest.raises(ClientError) as e:
        control.create_access_grants_location(AccountId=ACCOUNT, LocationScope=f"s3://{unique('b')}", IAMRoleArn=f"arn:aws:iam::{ACCOUNT}:role/{unique('none')}")
    assert code(e) == "InvalidIamRole" and status(e) == 400
    assert control.get_access_grants_location(AccountId=ACCOUNT, AccessGrantsLocationId=loc_id)["LocationScope"] == f"s3://{bucket}"

    grantee = {"GranteeType": "IAM", "GranteeIdentifier": f"arn:aws:iam::{ACCOUNT}:user/{unique('u')}"}
    grant = control.create_access_grant(
        AccountId=ACCOUNT, AccessGrantsLocationId=loc_id, AccessGrantsLocationConfiguration={"S3SubPrefix": "logs/*"}, Grantee=grantee, Permission="READ"
    )
    assert grant["GrantScope"] == f"s3://{bucket}/logs/*" and grant["Permission"] == "READ"
    with pytest.raises(ClientError) as e:
        control.create_access_grant(
            AccountId=ACCOUNT, AccessGrantsLocationId=loc_id, AccessGrantsLocationConfiguration={"S3SubPrefix": "logs/*"}, Grantee=grantee, Permission="READ"
        )
    assert code(e) == "AccessGrantAlreadyExists" and status(e) == 409
    listed = control.list_access_grants(AccountId=ACCOUNT, GranteeIdentifier=grantee["GranteeIdentifier"])["AccessGrantsList"]
    assert [g["AccessGrantId"] for g in listed] == [grant["AccessGrantId"]]

    with pytest.raises(ClientError) as e:
        control.delete_access_grants_location(AccountId=ACCOUNT, AccessGrantsLocationId=loc_id)
    assert code(e) == "AccessGrantsLocationNotEmptyError" and status(e) == 400
    with pytest.raises(ClientError) as e:
        control.delete_access_grants_instance(AccountId=ACCOUNT)
    assert code(e) == "AccessGrantsInstanceNotEmptyError" and status(e) == 400

    control.delete_access_grant(AccountId=ACCOUNT, AccessGrantId=grant["AccessGrantId"])
    with pytest.raises(ClientError) as e:
        control.get_access_grant(AccountId=ACCOUNT, AccessGrantId=grant["AccessGrantId"])
    assert code(e) == "NoSuchAccessGrantError" and status(e) == 404
    control.delete_access_grants_location(AccountId=ACCOUNT, AccessGrantsLocationId=loc_id)
    with pytest.raises(ClientError) as e:
        control.get_access_grants_location(AccountId=ACCOUNT, AccessGrantsLocationId=loc_id)
    assert code(e) == "NoSuchAccessGrantsLocationError" and status(e) == 404


def test_get_data_access_vends_credentials_limited_to_the_grant(control, make_client, simfra_endpoint, grants_instance, location_role, bucket, s3):
    iam = make_client("iam")
    user = unique("reader")
    user_arn = iam.create_user(UserName=user)["User"]["Arn"]
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetDataAccess", "s3:ListCallerAccessGrants"], "Resource": "*"}]}
    iam.put_user_policy(UserName=user, PolicyName="grants", PolicyDocument=json.dumps(allow))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    as_user = make_client("s3control", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])

    loc_id = control.create_access_grants_location(AccountId=ACCOUNT, LocationScope=f"s3://{bucket}", IAMRoleArn=location_role)["AccessGrantsLocationId"]
    control.create_access_grant(
        AccountId=ACCOUNT,
        AccessGrantsLocationId=loc_id,
        AccessGrantsLocationConfiguration={"S3SubPrefix": "shared/*"},
        Grantee={"GranteeType": "IAM", "GranteeIdentifier": user_arn},
        Permission="READ",
    )
    mine = as_user.list_caller_access_grants(AccountId=ACCOUNT)["CallerAccessGrantsList"]
    assert mine == [{"Permission": "READ", "GrantScope": f"s3://{bucket}/shared/*"}]

    with pytest.raises(ClientError) as e:
        as_user.get_data_access(AccountId=ACCOUNT, Target=f"s3://{bucket}/shared/*", Permission="WRITE")
    assert code(e) == "AccessDenied" and status(e) == 403
    assert message(e) == f"You do not have WRITE permissions to the requested S3 Prefix: s3://{bucket}/shared/*"

    got = as_user.get_data_access(AccountId=ACCOUNT, Target=f"s3://{bucket}/shared/*", Permission="READ")
    assert got["MatchedGrantTarget"] == f"s3://{bucket}/shared/*"
    assert got["Grantee"] == {"GranteeType": "IAM", "GranteeIdentifier": user_arn}
    creds = got["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA") and creds["SessionToken"]

    s3.put_object(Bucket=bucket, Key="shared/report.txt", Body=b"granted")
    s3.put_object(Bucket=bucket, Key="private/secret.txt", Body=b"not granted")
    vended = temporary_client(simfra_endpoint, "s3", creds)
    assert vended.get_object(Bucket=bucket, Key="shared/report.txt")["Body"].read() == b"granted"
    with pytest.raises(ClientError) as e:
        vended.get_object(Bucket=bucket, Key="private/secret.txt")
    assert code(e) == "AccessDenied"
    with pytest.raises(ClientError) as e:
        vended.put_object(Bucket=bucket, Key="shared/new.txt", Body=b"x")
    assert code(e) == "AccessDenied"


def test_storage_lens_groups(control):
    name = unique("group").replace("-", "_")
    group = {"Name": name, "Filter": {"MatchAnyPrefix": ["logs/"]}}
    control.create_storage_lens_group(AccountId=ACCOUNT, StorageLensGroup=group, Tags=[{"Key": "k", "Value": "v"}])
    arn = f"arn:aws:s3:{REGION}:{ACCOUNT}:storage-lens-group/{name}"
    got = control.get_storage_lens_group(AccountId=ACCOUNT, Name=name)["StorageLensGroup"]
    assert got == dict(group, StorageLensGroupArn=arn)
    with pytest.raises(ClientError) as e:
        control.create_storage_lens_group(AccountId=ACCOUNT, StorageLensGroup=group)
    assert code(e) == "ConfigurationAlreadyExists" and status(e) == 409
    assert {"Name": name, "StorageLensGroupArn": arn, "HomeRegion": REGION} in control.list_storage_lens_groups(AccountId=ACCOUNT)["StorageLensGroupList"]
    assert control.list_tags_for_resource(AccountId=ACCOUNT, ResourceArn=arn)["Tags"] == [{"Key": "k", "Value": "v"}]

    control.update_storage_lens_group(AccountId=ACCOUNT, Name=name, StorageLensGroup=dict(group, Filter={"MatchAnySuffix": [".csv"]}))
    assert control.get_storage_lens_group(AccountId=ACCOUNT, Name=name)["StorageLensGroup"]["Filter"] == {"MatchAnySuffix": [".csv"]}
    with pytest.raises(ClientError) as e:
        control.update_storage_lens_group(AccountId=ACCOUNT, Name=name, StorageLensGroup=dict(group, Name="other"))
    assert code(e) == "MismatchedName" and status(e) == 400

    control.delete_storage_lens_group(AccountId=ACCOUNT, Name=name)
    with pytest.raises(ClientError) as e:
        control.get_storage_lens_group(AccountId=ACCOUNT, Name=name)
    assert code(e) == "NoSuchStorageLensGroup" and status(e) == 404


# ---------------------------------------------------------------- Object Lambda Access Points


def test_object_lambda_access_points(control, bucket):
    supporting = unique("support")
    control.create_access_point(AccountId=ACCOUNT, Name=supporting, Bucket=bucket)
    config = {
        "SupportingAccessPoint": f"arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/{supporting}",
        "TransformationConfigurations": [
            {"Actions": ["GetObject"], "ContentTransformation": {"AwsLambda": {"FunctionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:redact"}}}
        ],
    }
    name = unique("olap")
    created = control.create_access_point_for_object_lambda(AccountId=ACCOUNT, Name=name, Configuration=config)
    arn = f"arn:aws:s3-object-lambda:{REGION}:{ACCOUNT}:accesspoint/{name}"
    assert created["ObjectLambdaAccessPointArn"] == arn
    assert created["Alias"]["Value"].endswith("--ol-s3") and created["Alias"]["Status"] == "READY"
    with pytest.raises(ClientError) as e:
        control.create_access_point_for_object_lambda(AccountId=ACCOUNT, Name=name, Configuration=config)
    assert code(e) == "AccessPointAlreadyOwnedByYou" and status(e) == 409

    got = control.get_access_point_for_object_lambda(AccountId=ACCOUNT, Name=name)
    assert got["Name"] == name and got["Alias"] == created["Alias"]
    assert got["PublicAccessBlockConfiguration"]["BlockPublicPolicy"] is True
    # CloudWatchMetricsEnabled defaults to false.
    assert control.get_access_point_configuration_for_object_lambda(AccountId=ACCOUNT, Name=name)["Configuration"] == dict(config, CloudWatchMetricsEnabled=False)
    listed = control.list_access_points_for_object_lambda(AccountId=ACCOUNT)["ObjectLambdaAccessPointList"]
    assert {"Name": name, "ObjectLambdaAccessPointArn": arn, "Alias": created["Alias"]} in listed

    updated = dict(config, AllowedFeatures=["GetObject-Range"])
    control.put_access_point_configuration_for_object_lambda(AccountId=ACCOUNT, Name=name, Configuration=updated)
    assert control.get_access_point_configuration_for_object_lambda(AccountId=ACCOUNT, Name=name)["Configuration"]["AllowedFeatures"] == ["GetObject-Range"]

    with pytest.raises(ClientError) as e:
        control.get_access_point_policy_for_object_lambda(AccountId=ACCOUNT, Name=name)
    assert code(e) == "NoSuchAccessPointPolicy" and status(e) == 404
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "s3-object-lambda:GetObject", "Resource": arn}]}
    control.put_access_point_policy_for_object_lambda(AccountId=ACCOUNT, Name=name, Policy=json.dumps(policy))
    assert json.loads(control.get_access_point_policy_for_object_lambda(AccountId=ACCOUNT, Name=name)["Policy"]) == policy
    assert control.get_access_point_policy_status_for_object_lambda(AccountId=ACCOUNT, Name=name)["PolicyStatus"] == {"IsPublic": False}
    control.delete_access_point_policy_for_object_lambda(AccountId=ACCOUNT, Name=name)

    missing = dict(config, SupportingAccessPoint=f"arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/{unique('none')}")
    with pytest.raises(ClientError) as e:
        control.create_access_point_for_object_lambda(AccountId=ACCOUNT, Name=unique("olap"), Configuration=missing)
    assert code(e) == "InvalidRequest" and status(e) == 400

    control.delete_access_point_for_object_lambda(AccountId=ACCOUNT, Name=name)
    with pytest.raises(ClientError) as e:
        control.get_access_point_for_object_lambda(AccountId=ACCOUNT, Name=name)
    assert code(e) == "NoSuchAccessPoint" and status(e) == 404


def test_outposts_buckets_name_an_outpost_that_does_not_exist(control):
    """Simfra has no Outposts: S3 on Outposts bucket operations answer NoSuchOutpost."""
    with pytest.raises(ClientError) as e:
        control.create_bucket(Bucket=unique("ob"), OutpostId="op-01ac5d28a6a232904")
    assert code(e) == "NoSuchOutpost" and status(e) == 404
    for call in (control.get_bucket, control.get_bucket_tagging, control.get_bucket_versioning):
        with pytest.raises(ClientError) as e:
            call(AccountId=ACCOUNT, Bucket=unique("ob"))
        assert code(e) == "NoSuchOutpost" and status(e) == 404


def test_iam_policies_name_access_points_by_arn(control, make_client, bucket):
    allowed, other = unique("iamap"), unique("iamap")
    for name in (allowed, other):
        control.create_access_point(AccountId=ACCOUNT, Name=name, Bucket=bucket)
    iam = make_client("iam")
    user = unique("apuser")
    iam.create_user(UserName=user)
    arn = f"arn:aws:s3:{REGION}:{ACCOUNT}:accesspoint/{allowed}"
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetAccessPoint", "Resource": arn}]}
    iam.put_user_policy(UserName=user, PolicyName="one", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    as_user = make_client("s3control", access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    assert as_user.get_access_point(AccountId=ACCOUNT, Name=allowed)["AccessPointArn"] == arn
    with pytest.raises(ClientError) as e:
        as_user.get_access_point(AccountId=ACCOUNT, Name=other)
    assert code(e) == "AccessDenied" and status(e) == 403
    with pytest.raises(ClientError) as e:
        as_user.delete_access_point(AccountId=ACCOUNT, Name=allowed)
    assert code(e) == "AccessDenied"
