"""AWS Organizations end to end through boto3: the organization's lifecycle,
its OU tree, accounts created as real Simfra accounts (and their
OrganizationAccountAccessRole), invitations between existing accounts, policy
management with AWS's errors, and service control policies that constrain
member accounts — even their root user — while the management account is
never restricted.

Every organization here is managed by an account made for the test through the
admin API, so the default account and the other test files are untouched."""

import json
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import temporary_client
from conftest import unique, code, message, admin_api as admin

DENY_SQS = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "sqs:*", "Resource": "*"}]}
ALLOW_S3_ONLY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}


class Accounts:
    """Accounts made through the admin API (with their root keys), deleted at the end."""

    def __init__(self, endpoint, make_client):
        self.endpoint = endpoint
        self.make_client = make_client
        self.made = []
        self.admins = {}

    def new(self, name):
        status, body = admin(self.endpoint, "POST", "/_simfra/accounts", {"Name": name})
        assert status == 201, body
        self.made.append(body["AccountId"])
        return body

    def client(self, account, service):
        return self.make_client(service, access_key=account["RootAccessKeyId"], secret_key=account["RootSecretAccessKey"])

    def admin_client(self, account, service):
        """A client of an IAM user with AdministratorAccess in the account
        (root users may not assume roles, so role entries go through it)."""
        keys = self.admins.get(account["AccountId"])
        if keys is None:
            iam = self.client(account, "iam")
            name = f"admin-{uuid.uuid4().hex[:8]}"
            iam.create_user(UserName=name)
            iam.attach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
            key = iam.create_access_key(UserName=name)["AccessKey"]
            keys = self.admins[account["AccountId"]] = (key["AccessKeyId"], key["SecretAccessKey"])
        return self.make_client(service, access_key=keys[0], secret_key=keys[1])

    def session(self, service, creds):
        """A client signing with temporary credentials (an assumed role's)."""
        return temporary_client(self.endpoint, service, creds)

    def forget(self, account_id):
        """An account made another way (CreateAccount), to delete at the end too."""
        self.made.append(account_id)

    def cleanup(self):
        for account_id in self.made:
            admin(self.endpoint, "DELETE", f"/_simfra/accounts/{account_id}")


def dismantle(orgs):
    """Takes every member out and deletes the organization (whatever a test left behind)."""
    try:
        me = orgs.describe_organization()["Organization"]["MasterAccountId"]
    except ClientError:
        return
    for a in orgs.list_accounts()["Accounts"]:
        if a["Id"] != me:
            orgs.remove_account_from_organization(AccountId=a["Id"])
    orgs.delete_organization()


@pytest.fixture
def accounts(simfra_endpoint, make_client):
    acc = Accounts(simfra_endpoint, make_client)
    yield acc
    acc.cleanup()


@pytest.fixture
def org(accounts):
    """A new organization (all features) managed by a fresh account: (management account, its organizations client)."""
    mgmt = accounts.new("org-management")
    orgs = accounts.client(mgmt, "organizations")
    orgs.create_organization(FeatureSet="ALL")
    yield mgmt, orgs
    dismantle(orgs)


def root_id(orgs):
    return orgs.list_roots()["Roots"][0]["Id"]


def invite_and_join(accounts, orgs, name="member"):
    """An existing account (root keys known) invited into the organization and accepting."""
    member = accounts.new(name)
    hs = orgs.invite_account_to_organization(Target={"Id": member["AccountId"], "Type": "ACCOUNT"}, Notes="join us")["Handshake"]
    accounts.client(member, "organizations").accept_handshake(HandshakeId=hs["Id"])
    return member


def scp(orgs, doc, name=None):
    return orgs.create_policy(
        Content=json.dumps(doc), Description="test", Name=name or unique("scp"), Type="SERVICE_CONTROL_POLICY"
    )["Policy"]["PolicySummary"]["Id"]


def test_organization_lifecycle_ids_and_arns(accounts):
    mgmt = accounts.new("lifecycle")
    orgs = accounts.client(mgmt, "organizations")
    with pytest.raises(ClientError) as e:
        orgs.describe_organization()
    assert code(e) == "AWSOrganizationsNotInUseException"

    o = orgs.create_organization()["Organization"]
    me = mgmt["AccountId"]
    assert o["Id"].startswith("o-") and len(o["Id"]) == 12
    assert o["FeatureSet"] == "ALL"
    assert o["Arn"] == f"arn:aws:organizations::{me}:organization/{o['Id']}"
    assert o["MasterAccountId"] == me
    assert o["MasterAccountArn"] == f"arn:aws:organizations::{me}:account/{o['Id']}/{me}"
    assert orgs.describe_organization()["Organization"]["Id"] == o["Id"]

    with pytest.raises(ClientError) as e:
        orgs.create_organization()
    assert code(e) == "AlreadyInOrganizationException"

    root = orgs.list_roots()["Roots"][0]
    assert root["Id"].startswith("r-") and len(root["Id"]) == 6
    assert root["Arn"] == f"arn:aws:organizations::{me}:root/{o['Id']}/{root['Id']}"
    assert root["Name"] == "Root" and root["PolicyTypes"] == []
    full = orgs.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
    assert [p["Id"] for p in full] == ["p-FullAWSAccess"]
    assert full[0]["Arn"] == "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
    assert full[0]["AwsManaged"] is True
    accounts_listed = orgs.list_accounts()["Accounts"]
    assert [(a["Id"], a["Status"]) for a in accounts_listed] == [(me, "ACTIVE")]

    # Not while it has members.
    member = invite_and_join(accounts, orgs)
    with pytest.raises(ClientError) as e:
        orgs.delete_organization()
    assert code(e) == "OrganizationNotEmptyException"
    orgs.remove_account_from_organization(AccountId=member["AccountId"])
    orgs.delete_organization()
    with pytest.raises(ClientError) as e:
        orgs.describe_organization()
    assert code(e) == "AWSOrganizationsNotInUseException"


def test_ou_tree(org):
    _, orgs = org
    root = root_id(orgs)
    eng = orgs.create_organizational_unit(ParentId=root, Name="Engineering")["OrganizationalUnit"]
    assert eng["Id"].startswith(f"ou-{root[2:]}-") and eng["Name"] == "Engineering"
    assert eng["Arn"].endswith(f"/{eng['Id']}") and ":ou/o-" in eng["Arn"]
    team = orgs.create_organizational_unit(ParentId=eng["Id"], Name="Platform")["OrganizationalUnit"]

    with pytest.raises(ClientError) as e:
        orgs.create_organizational_unit(ParentId=root, Name="Engineering")
    assert code(e) == "DuplicateOrganizationalUnitException"
    with pytest.raises(ClientError) as e:
        orgs.create_organizational_unit(ParentId="ou-zzzz-zzzzzzzz", Name="x")
    assert code(e) == "ParentNotFoundException"

    assert [o["Id"] for o in orgs.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]] == [eng["Id"]]
    assert orgs.list_children(ParentId=eng["Id"], ChildType="ORGANIZATIONAL_UNIT")["Children"] == [
        {"Id": team["Id"], "Type": "ORGANIZATIONAL_UNIT"}
    ]
    assert orgs.list_parents(ChildId=team["Id"])["Parents"] == [{"Id": eng["Id"], "Type": "ORGANIZATIONAL_UNIT"}]
    assert orgs.list_parents(ChildId=eng["Id"])["Parents"] == [{"Id": root, "Type": "ROOT"}]
    with pytest.raises(ClientError) as e:
        orgs.list_parents(ChildId="ou-zzzz-zzzzzzzz")
    assert code(e) == "ChildNotFoundException"

    renamed = orgs.update_organizational_unit(OrganizationalUnitId=team["Id"], Name="Infra")["OrganizationalUnit"]
    assert renamed["Name"] == "Infra"
    assert orgs.describe_organizational_unit(OrganizationalUnitId=team["Id"])["OrganizationalUnit"]["Name"] == "Infra"

    with pytest.raises(ClientError) as e:
        orgs.delete_organizational_unit(OrganizationalUnitId=eng["Id"])
    assert code(e) == "OrganizationalUnitNotEmptyException"
    orgs.delete_organizational_unit(OrganizationalUnitId=team["Id"])
    orgs.delete_organizational_unit(OrganizationalUnitId=eng["Id"])
    with pytest.raises(ClientError) as e:
        orgs.describe_organizational_unit(OrganizationalUnitId=eng["Id"])
    assert code(e) == "OrganizationalUnitNotFoundException"


def test_create_account_makes_a_real_account_the_management_account_can_enter(org, accounts, simfra_endpoint):
    mgmt, orgs = org
    email = f"{unique('dev')}@example.com"
    status = orgs.create_account(Email=email, AccountName="dev")["CreateAccountStatus"]
    assert status["Id"].startswith("car-") and status["State"] == "IN_PROGRESS" and status["AccountName"] == "dev"

    done = orgs.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
    assert done["State"] == "SUCCEEDED"
    new_id = done["AccountId"]
    accounts.forget(new_id)
    assert len(new_id) == 12 and new_id.isdigit()
    assert [s["Id"] for s in orgs.list_create_account_status(States=["SUCCEEDED"])["CreateAccountStatuses"]] == [status["Id"]]
    assert orgs.list_create_account_status(States=["FAILED"])["CreateAccountStatuses"] == []

    # A real Simfra account: the admin API lists it.
    _, listed = admin(simfra_endpoint, "GET", "/_simfra/accounts")
    assert new_id in [a["AccountId"] for a in listed["Accounts"]]

    acct = orgs.describe_account(AccountId=new_id)["Account"]
    assert acct["Email"] == email and acct["Name"] == "dev" and acct["JoinedMethod"] == "CREATED" and acct["Status"] == "ACTIVE"
    with pytest.raises(ClientError) as e:
        orgs.describe_account(AccountId="999999999999")
    assert code(e) == "AccountNotFoundException"

    # The same e-mail address cannot make a second account.
    again = orgs.create_account(Email=email, AccountName="dup")["CreateAccountStatus"]
    failed = orgs.describe_create_account_status(CreateAccountRequestId=again["Id"])["CreateAccountStatus"]
    assert failed["State"] == "FAILED" and failed["FailureReason"] == "EMAIL_ALREADY_EXISTS"

    # The management account assumes OrganizationAccountAccessRole in it.
    sts = accounts.admin_client(mgmt, "sts")
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{new_id}:role/OrganizationAccountAccessRole", RoleSessionName="admin")["Credentials"]
    inside = accounts.session("sts", creds)
    assert inside.get_caller_identity()["Account"] == new_id
    iam = accounts.session("iam", creds)
    role = iam.get_role(RoleName="OrganizationAccountAccessRole")["Role"]
    assert role["Arn"] == f"arn:aws:iam::{new_id}:role/OrganizationAccountAccessRole"
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{mgmt['AccountId']}:root"}
    attached = iam.list_attached_role_policies(RoleName="OrganizationAccountAccessRole")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == ["arn:aws:iam::aws:policy/AdministratorAccess"]
    # A role of another name when asked for one.
    named = orgs.create_account(Email=f"{unique('ops')}@example.com", AccountName="ops", RoleName="OpsAdmin")["CreateAccountStatus"]
    ops_id = orgs.describe_create_account_status(CreateAccountRequestId=named["Id"])["CreateAccountStatus"]["AccountId"]
    accounts.forget(ops_id)
    sts.assume_role(RoleArn=f"arn:aws:iam::{ops_id}:role/OpsAdmin", RoleSessionName="ops")
    # Only the management account may enter it.
    with pytest.raises(ClientError) as e:
        accounts.admin_client(accounts.new("stranger"), "sts").assume_role(
            RoleArn=f"arn:aws:iam::{new_id}:role/OrganizationAccountAccessRole", RoleSessionName="stranger"
        )
    assert code(e) == "AccessDenied"

    # Moving it between parents.
    root = root_id(orgs)
    ou = orgs.create_organizational_unit(ParentId=root, Name="Sandbox")["OrganizationalUnit"]["Id"]
    with pytest.raises(ClientError) as e:
        orgs.move_account(AccountId=new_id, SourceParentId=root, DestinationParentId=root)
    assert code(e) == "DuplicateAccountException"
    with pytest.raises(ClientError) as e:
        orgs.move_account(AccountId=new_id, SourceParentId=root, DestinationParentId="ou-zzzz-zzzzzzzz")
    assert code(e) == "DestinationParentNotFoundException"
    orgs.move_account(AccountId=new_id, SourceParentId=root, DestinationParentId=ou)
    assert [a["Id"] for a in orgs.list_accounts_for_parent(ParentId=ou)["Accounts"]] == [new_id]
    assert new_id not in [a["Id"] for a in orgs.list_accounts_for_parent(ParentId=root)["Accounts"]]
    assert orgs.list_children(ParentId=ou, ChildType="ACCOUNT")["Children"] == [{"Id": new_id, "Type": "ACCOUNT"}]
    orgs.move_account(AccountId=new_id, SourceParentId=ou, DestinationParentId=root)


def test_invitations_and_what_members_may_do(org, accounts):
    mgmt, orgs = org
    member = accounts.new("invitee")
    theirs = accounts.client(member, "organizations")
    hs = orgs.invite_account_to_organization(Target={"Id": member["AccountId"], "Type": "ACCOUNT"}, Notes="welcome")["Handshake"]
    assert hs["Id"].startswith("h-") and hs["State"] == "OPEN" and hs["Action"] == "INVITE"
    assert {"Id": member["AccountId"], "Type": "ACCOUNT"} in hs["Parties"]
    with pytest.raises(ClientError) as e:
        orgs.invite_account_to_organization(Target={"Id": member["AccountId"], "Type": "ACCOUNT"})
    assert code(e) == "DuplicateHandshakeException"

    assert [h["Id"] for h in theirs.list_handshakes_for_account()["Handshakes"]] == [hs["Id"]]
    assert theirs.accept_handshake(HandshakeId=hs["Id"])["Handshake"]["State"] == "ACCEPTED"
    with pytest.raises(ClientError) as e:
        theirs.accept_handshake(HandshakeId=hs["Id"])
    assert code(e) == "HandshakeAlreadyInStateException"
    joined = orgs.describe_account(AccountId=member["AccountId"])["Account"]
    assert joined["JoinedMethod"] == "INVITED"

    # A member sees its organization but may not manage it.
    assert theirs.describe_organization()["Organization"]["MasterAccountId"] == mgmt["AccountId"]
    with pytest.raises(ClientError) as e:
        theirs.list_accounts()
    assert code(e) == "AccessDeniedException"
    assert message(e) == "You don't have permissions to access this resource."
    with pytest.raises(ClientError) as e:
        theirs.create_organizational_unit(ParentId=root_id(orgs), Name="x")
    assert code(e) == "AccessDeniedException"

    # Nor can it start another organization, and the management account cannot leave.
    with pytest.raises(ClientError) as e:
        theirs.create_organization()
    assert code(e) == "AlreadyInOrganizationException"
    with pytest.raises(ClientError) as e:
        orgs.leave_organization()
    assert code(e) == "MasterCannotLeaveOrganizationException"

    theirs.leave_organization()
    with pytest.raises(ClientError) as e:
        theirs.describe_organization()
    assert code(e) == "AWSOrganizationsNotInUseException"
    assert member["AccountId"] not in [a["Id"] for a in orgs.list_accounts()["Accounts"]]

    # A declined invitation stays declined.
    hs2 = orgs.invite_account_to_organization(Target={"Id": member["AccountId"], "Type": "ACCOUNT"})["Handshake"]
    assert theirs.decline_handshake(HandshakeId=hs2["Id"])["Handshake"]["State"] == "DECLINED"
    with pytest.raises(ClientError) as e:
        theirs.accept_handshake(HandshakeId=hs2["Id"])
    assert code(e) == "InvalidHandshakeTransitionException"


def test_policy_management_and_errors(org, accounts):
    _, orgs = org
    root = root_id(orgs)
    member = invite_and_join(accounts, orgs)
    pid = scp(orgs, DENY_SQS, name="deny-sqs")
    assert pid.startswith("p-")
    described = orgs.describe_policy(PolicyId=pid)["Policy"]
    assert json.loads(described["Content"]) == DENY_SQS
    assert described["PolicySummary"]["Arn"].endswith(f"/service_control_policy/{pid}")
    assert described["PolicySummary"]["AwsManaged"] is False

    with pytest.raises(ClientError) as e:
        scp(orgs, DENY_SQS, name="deny-sqs")
    assert code(e) == "DuplicatePolicyException"
    with_principal = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": "*"}]}
    with pytest.raises(ClientError) as e:
        scp(orgs, with_principal)
    assert code(e) == "MalformedPolicyDocumentException"
    huge = {"Version": "2012-10-17", "Statement": [{"Sid": "a" * 5200, "Effect": "Deny", "Action": "sqs:*", "Resource": "*"}]}
    with pytest.raises(ClientError) as e:
        scp(orgs, huge)
    assert code(e) == "ConstraintViolationException"
    assert e.value.response["Reason"] == "POLICY_CONTENT_LIMIT_EXCEEDED"

    # SCPs must be enabled in the root before any is attached.
    with pytest.raises(ClientError) as e:
        orgs.attach_policy(PolicyId=pid, TargetId=member["AccountId"])
    assert code(e) == "PolicyTypeNotEnabledException"
    enabled = orgs.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")["Root"]
    assert enabled["PolicyTypes"] == [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]
    with pytest.raises(ClientError) as e:
        orgs.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    assert code(e) == "PolicyTypeAlreadyEnabledException"
    # FullAWSAccess is everywhere by default.
    for target in (root, member["AccountId"]):
        assert [p["Id"] for p in orgs.list_policies_for_target(TargetId=target, Filter="SERVICE_CONTROL_POLICY")["Policies"]] == ["p-FullAWSAccess"]

    orgs.attach_policy(PolicyId=pid, TargetId=member["AccountId"])
    with pytest.raises(ClientError) as e:
        orgs.attach_policy(PolicyId=pid, TargetId=member["AccountId"])
    assert code(e) == "DuplicatePolicyAttachmentException"
    with pytest.raises(ClientError) as e:
        orgs.attach_policy(PolicyId=pid, TargetId="999999999999")
    assert code(e) == "TargetNotFoundException"
    with pytest.raises(ClientError) as e:
        orgs.detach_policy(PolicyId=pid, TargetId=root)
    assert code(e) == "PolicyNotAttachedException"
    with pytest.raises(ClientError) as e:
        orgs.describe_policy(PolicyId="p-zzzzzzzz")
    assert code(e) == "PolicyNotFoundException"
    targets = orgs.list_targets_for_policy(PolicyId=pid)["Targets"]
    assert [(t["TargetId"], t["Type"]) for t in targets] == [(member["AccountId"], "ACCOUNT")]
    with pytest.raises(ClientError) as e:
        orgs.delete_policy(PolicyId=pid)
    assert code(e) == "PolicyInUseException"
    with pytest.raises(ClientError) as e:
        orgs.update_policy(PolicyId="p-FullAWSAccess", Name="mine")
    assert code(e) == "InvalidInputException"

    updated = orgs.update_policy(PolicyId=pid, Name="deny-queues", Content=json.dumps(ALLOW_S3_ONLY))["Policy"]
    assert updated["PolicySummary"]["Name"] == "deny-queues" and json.loads(updated["Content"]) == ALLOW_S3_ONLY

    # Tags on policies, OUs and accounts.
    orgs.tag_resource(ResourceId=pid, Tags=[{"Key": "team", "Value": "sec"}, {"Key": "env", "Value": "prod"}])
    orgs.untag_resource(ResourceId=pid, TagKeys=["env"])
    assert orgs.list_tags_for_resource(ResourceId=pid)["Tags"] == [{"Key": "team", "Value": "sec"}]
    orgs.tag_resource(ResourceId=member["AccountId"], Tags=[{"Key": "owner", "Value": "x"}])
    assert orgs.list_tags_for_resource(ResourceId=member["AccountId"])["Tags"] == [{"Key": "owner", "Value": "x"}]
    with pytest.raises(ClientError) as e:
        orgs.tag_resource(ResourceId="999999999999", Tags=[{"Key": "a", "Value": "b"}])
    assert code(e) == "TargetNotFoundException"

    orgs.detach_policy(PolicyId=pid, TargetId=member["AccountId"])
    orgs.delete_policy(PolicyId=pid)
    assert [p["Id"] for p in orgs.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]] == ["p-FullAWSAccess"]

    # Disabling the type detaches every SCP.
    orgs.disable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    assert orgs.list_policies_for_target(TargetId=root, Filter="SERVICE_CONTROL_POLICY")["Policies"] == []
    with pytest.raises(ClientError) as e:
        orgs.disable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    assert code(e) == "PolicyTypeNotEnabledException"


def assert_denied(exc, why):
    err = exc.value.response["Error"]
    assert err["Code"] in ("AccessDenied", "AccessDeniedException"), err
    assert why in err["Message"], err["Message"]


def test_scp_explicit_deny_binds_a_member_root_user_but_not_the_management_account(org, accounts):
    mgmt, orgs = org
    root = root_id(orgs)
    member = invite_and_join(accounts, orgs)
    their_sqs = accounts.client(member, "sqs")
    their_s3 = accounts.client(member, "s3")
    my_sqs = accounts.client(mgmt, "sqs")
    their_sqs.list_queues()  # nothing restricts it yet

    orgs.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    their_sqs.list_queues()  # FullAWSAccess everywhere still allows everything
    pid = scp(orgs, DENY_SQS)
    orgs.attach_policy(PolicyId=pid, TargetId=member["AccountId"])

    with pytest.raises(ClientError) as e:
        their_sqs.list_queues()
    assert_denied(e, "with an explicit deny in a service control policy")
    assert f"arn:aws:iam::{member['AccountId']}:root" in message(e)
    with pytest.raises(ClientError) as e:
        their_sqs.create_queue(QueueName=unique("q"))
    assert_denied(e, "with an explicit deny in a service control policy")
    their_s3.list_buckets()  # other services still work
    my_sqs.list_queues()

    # Attached at the root, it binds every member, never the management account.
    orgs.detach_policy(PolicyId=pid, TargetId=member["AccountId"])
    their_sqs.list_queues()
    orgs.attach_policy(PolicyId=pid, TargetId=root)
    with pytest.raises(ClientError) as e:
        their_sqs.list_queues()
    assert_denied(e, "with an explicit deny in a service control policy")
    my_sqs.create_queue(QueueName=unique("mgmt"))
    my_sqs.list_queues()

    # Once the account leaves, the organization's SCPs are gone with it.
    orgs.remove_account_from_organization(AccountId=member["AccountId"])
    their_sqs.list_queues()
    orgs.detach_policy(PolicyId=pid, TargetId=root)


def test_scp_allow_list_at_an_ou_limits_root_and_role_sessions(org, accounts):
    mgmt, orgs = org
    root = root_id(orgs)
    orgs.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    ou = orgs.create_organizational_unit(ParentId=root, Name="S3Only")["OrganizationalUnit"]["Id"]
    # New OUs start with FullAWSAccess too.
    assert [p["Id"] for p in orgs.list_policies_for_target(TargetId=ou, Filter="SERVICE_CONTROL_POLICY")["Policies"]] == ["p-FullAWSAccess"]

    member = invite_and_join(accounts, orgs)
    orgs.move_account(AccountId=member["AccountId"], SourceParentId=root, DestinationParentId=ou)
    s3_only = scp(orgs, ALLOW_S3_ONLY)

    # The last SCP of a target cannot be detached: the replacement comes first.
    with pytest.raises(ClientError) as e:
        orgs.detach_policy(PolicyId="p-FullAWSAccess", TargetId=ou)
    assert code(e) == "ConstraintViolationException"
    assert e.value.response["Reason"] == "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"
    orgs.attach_policy(PolicyId=s3_only, TargetId=ou)
    orgs.detach_policy(PolicyId="p-FullAWSAccess", TargetId=ou)
    with pytest.raises(ClientError) as e:
        orgs.detach_policy(PolicyId=s3_only, TargetId=ou)
    assert e.value.response["Reason"] == "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"

    their_sqs = accounts.client(member, "sqs")
    with pytest.raises(ClientError) as e:
        their_sqs.list_queues()
    assert_denied(e, "because no service control policy allows the sqs:")
    accounts.client(member, "s3").list_buckets()

    # A role session in an account created under the OU is held to it as well.
    status = orgs.create_account(Email=f"{unique('ou')}@example.com", AccountName="in-ou")["CreateAccountStatus"]
    created = orgs.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]["AccountId"]
    accounts.forget(created)
    orgs.move_account(AccountId=created, SourceParentId=root, DestinationParentId=ou)
    creds = accounts.admin_client(mgmt, "sts").assume_role(
        RoleArn=f"arn:aws:iam::{created}:role/OrganizationAccountAccessRole", RoleSessionName="ops"
    )["Credentials"]
    session_sqs = accounts.session("sqs", creds)
    with pytest.raises(ClientError) as e:
        session_sqs.list_queues()
    assert_denied(e, "because no service control policy allows the sqs:")
    assert "assumed-role/OrganizationAccountAccessRole/ops" in message(e)

    # The management account is never restricted.
    accounts.client(mgmt, "sqs").list_queues()

    # Back to FullAWSAccess, the member is free again.
    orgs.attach_policy(PolicyId="p-FullAWSAccess", TargetId=ou)
    orgs.detach_policy(PolicyId=s3_only, TargetId=ou)
    their_sqs.list_queues()


def test_pagination_follows_next_token(org):
    _, orgs = org
    root = root_id(orgs)
    made = {orgs.create_organizational_unit(ParentId=root, Name=f"ou{i}")["OrganizationalUnit"]["Id"] for i in range(5)}
    first = orgs.list_organizational_units_for_parent(ParentId=root, MaxResults=2)
    assert len(first["OrganizationalUnits"]) == 2 and "NextToken" in first
    seen = {o["Id"] for o in first["OrganizationalUnits"]}
    token = first["NextToken"]
    while token:
        page = orgs.list_organizational_units_for_parent(ParentId=root, MaxResults=2, NextToken=token)
        seen |= {o["Id"] for o in page["OrganizationalUnits"]}
        token = page.get("NextToken")
    assert seen == made
    paginated = orgs.get_paginator("list_organizational_units_for_parent").paginate(ParentId=root, PaginationConfig={"PageSize": 3})
    assert {o["Id"] for p in paginated for o in p["OrganizationalUnits"]} == made
    for ou in made:
        orgs.delete_organizational_unit(OrganizationalUnitId=ou)
