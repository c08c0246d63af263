"""Operations the resource engine serves beyond create/read/update/delete:
batch writes (each entry as the single operation would do it, failures per
entry in the service's own error shape), copies (a new resource from an
existing one's fields), grants revoked by their content, and the answers AWS
publishes for every account (enumerations, version lists), and the
statuses of requests (recorded by the writes that answer them)."""

import botocore.exceptions
import pytest


def test_redshift_batch_delete_reports_missing_snapshots(make_client):
    rs = make_client("redshift")
    rs.create_cluster(ClusterIdentifier="bw-c1", NodeType="dc2.large", MasterUsername="u", MasterUserPassword="Passw0rd!")
    for name in ("bw-s1", "bw-s2"):
        rs.create_cluster_snapshot(SnapshotIdentifier=name, ClusterIdentifier="bw-c1")
    out = rs.batch_delete_cluster_snapshots(Identifiers=[{"SnapshotIdentifier": "bw-s1"}, {"SnapshotIdentifier": "bw-none"}])
    assert out["Resources"] == ["bw-s1"]
    assert [(e["SnapshotIdentifier"], e["FailureCode"]) for e in out["Errors"]] == [("bw-none", "ClusterSnapshotNotFoundFault")]
    left = {s["SnapshotIdentifier"] for s in rs.describe_cluster_snapshots(ClusterIdentifier="bw-c1")["Snapshots"]}
    assert left == {"bw-s2"}


def test_glue_batch_create_and_delete(make_client):
    glue = make_client("glue")
    glue.create_database(DatabaseInput={"Name": "bwdb"})
    glue.create_table(DatabaseName="bwdb", TableInput={"Name": "events"})
    glue.create_table(DatabaseName="bwdb", TableInput={"Name": "other"})
    out = glue.batch_create_partition(DatabaseName="bwdb", TableName="events",
                                      PartitionInputList=[{"Values": ["2024"]}, {"Values": ["2025"]}])
    assert out["Errors"] == []
    assert len(glue.get_partitions(DatabaseName="bwdb", TableName="events")["Partitions"]) == 2
    out = glue.batch_delete_table(DatabaseName="bwdb", TablesToDelete=["other", "missing"])
    assert [(e["TableName"], e["ErrorDetail"]["ErrorCode"]) for e in out["Errors"]] == [("missing", "EntityNotFoundException")]
    assert [t["Name"] for t in glue.get_tables(DatabaseName="bwdb")["TableList"]] == ["events"]


def test_copy_makes_a_new_resource_from_the_source(make_client):
    rs = make_client("redshift")
    rs.create_cluster(ClusterIdentifier="cp-c1", NodeType="dc2.large", MasterUsername="u", MasterUserPassword="Passw0rd!")
    rs.create_cluster_snapshot(SnapshotIdentifier="cp-s1", ClusterIdentifier="cp-c1", Tags=[{"Key": "team", "Value": "a"}])
    copy = rs.copy_cluster_snapshot(SourceSnapshotIdentifier="cp-s1", TargetSnapshotIdentifier="cp-s1-copy")["Snapshot"]
    assert (copy["SnapshotIdentifier"], copy["ClusterIdentifier"]) == ("cp-s1-copy", "cp-c1")
    assert copy["Tags"] == [{"Key": "team", "Value": "a"}]
    names = {s["SnapshotIdentifier"] for s in rs.describe_cluster_snapshots(ClusterIdentifier="cp-c1")["Snapshots"]}
    assert names == {"cp-s1", "cp-s1-copy"}
    try:
        rs.copy_cluster_snapshot(SourceSnapshotIdentifier="cp-none", TargetSnapshotIdentifier="x")
        raise AssertionError("copied a snapshot that does not exist")
    except rs.exceptions.ClusterSnapshotNotFoundFault:
        pass


def test_grants_are_revoked_by_their_content(make_client):
    lf = make_client("lakeformation")
    who = {"DataLakePrincipalIdentifier": "arn:aws:iam::000000000000:role/analyst"}
    lf.grant_permissions(Principal=who, Resource={"Database": {"Name": "gr-db1"}}, Permissions=["ALTER"])
    lf.grant_permissions(Principal=who, Resource={"Database": {"Name": "gr-db2"}}, Permissions=["DROP"])
    lf.revoke_permissions(Principal=who, Resource={"Database": {"Name": "gr-db2"}}, Permissions=["DROP"])
    left = [p["Resource"] for p in lf.list_permissions()["PrincipalResourcePermissions"] if p["Principal"] == who]
    assert left == [{"Database": {"Name": "gr-db1"}}]


def test_published_enumerations(make_client):
    asg = make_client("autoscaling")
    assert [a["AdjustmentType"] for a in asg.describe_adjustment_types()["AdjustmentTypes"]] == [
        "ChangeInCapacity", "ExactCapacity", "PercentChangeInCapacity"]
    assert "autoscaling:EC2_INSTANCE_LAUNCHING" in asg.describe_lifecycle_hook_types()["LifecycleHookTypes"]
    assert "Default" in asg.describe_termination_policy_types()["TerminationPolicyTypes"]
    versions = make_client("opensearch").list_versions()["Versions"]
    assert "Elasticsearch_7.10" in versions and any(v.startswith("OpenSearch_2.") for v in versions)


def test_request_statuses_are_recorded_and_polled(make_client):
    """Terraform polls IAM Identity Center's request statuses by RequestId."""
    sso = make_client("sso-admin")
    inst = sso.create_instance(Name="rs-instance")["InstanceArn"]
    ps = sso.create_permission_set(InstanceArn=inst, Name="rs-admin")["PermissionSet"]["PermissionSetArn"]
    created = sso.create_account_assignment(InstanceArn=inst, TargetId="111111111111", TargetType="AWS_ACCOUNT", PermissionSetArn=ps,
                                            PrincipalType="USER", PrincipalId="a1b2c3d4-0000-1111-2222-333333333333")["AccountAssignmentCreationStatus"]
    assert created["Status"] == "SUCCEEDED" and created["TargetId"] == "111111111111"
    polled = sso.describe_account_assignment_creation_status(InstanceArn=inst, AccountAssignmentCreationRequestId=created["RequestId"])
    assert polled["AccountAssignmentCreationStatus"]["RequestId"] == created["RequestId"]
    assert polled["AccountAssignmentCreationStatus"]["PermissionSetArn"] == ps
    provisioned = sso.provision_permission_set(InstanceArn=inst, PermissionSetArn=ps, TargetType="ALL_PROVISIONED_ACCOUNTS")["PermissionSetProvisioningStatus"]
    status = sso.describe_permission_set_provisioning_status(InstanceArn=inst, ProvisionPermissionSetRequestId=provisioned["RequestId"])
    assert status["PermissionSetProvisioningStatus"]["Status"] == "SUCCEEDED"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sso.describe_account_assignment_creation_status(InstanceArn=inst, AccountAssignmentCreationRequestId="11111111-1111-4111-8111-111111111111")
    assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_retrying_a_run_records_a_new_run(make_client):
    cb = make_client("codebuild")
    cb.create_project(name="rt-project", source={"type": "NO_SOURCE", "buildspec": "version: 0.2"}, artifacts={"type": "NO_ARTIFACTS"},
                      environment={"type": "LINUX_CONTAINER", "image": "img", "computeType": "BUILD_GENERAL1_SMALL"},
                      serviceRole="arn:aws:iam::000000000000:role/r")
    first = cb.start_build(projectName="rt-project")["build"]
    # Simfra records builds but does not run them, and says so.
    assert first["buildStatus"] == "FAILED"
    again = cb.retry_build(id=first["id"])["build"]
    assert again["id"] != first["id"] and again["projectName"] == "rt-project"
    assert set(cb.list_builds_for_project(projectName="rt-project")["ids"]) == {first["id"], again["id"]}


def test_published_limits_count_the_accounts_resources(make_client):
    asg = make_client("autoscaling")
    before = asg.describe_account_limits()
    assert before["MaxNumberOfAutoScalingGroups"] == 200
    asg.create_launch_configuration(LaunchConfigurationName="pl-lc", ImageId="ami-12345678", InstanceType="t3.micro")
    after = asg.describe_account_limits()
    assert after["NumberOfLaunchConfigurations"] == before["NumberOfLaunchConfigurations"] + 1
    assert make_client("lakeformation").get_data_lake_principal()["Identity"] == "arn:aws:iam::000000000000:root"
