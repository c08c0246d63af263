//! The organization's tree: organizational units under the root, accounts
//! in them. CreateAccount makes a real Simfra account (with root keys and
//! its own state) and, as AWS does, a role in it that the management
//! account can assume.

use crate::common::*;
use simfra_gen_organizations::types::*;
use simfra_identity::organizations::{self as orgs, store};
use simfra_model::RequestContext;

/// AWS's limit on OU nesting under the root.
const MAX_OU_DEPTH: usize = 5;
const MAX_OUS: usize = 2000;

// ---------------------------------------------------------------- OUs

pub fn create_organizational_unit(
    ctx: &RequestContext,
    input: CreateOrganizationalUnitRequest,
) -> R<CreateOrganizationalUnitResponse> {
    let tags = tags_in(input.tags)?;
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    if !org.is_parent(&input.parent_id) {
        return Err(parent_not_found());
    }
    if org.ou_depth(&input.parent_id) + 1 > MAX_OU_DEPTH {
        return Err(constraint(
            "OU_DEPTH_LIMIT_EXCEEDED",
            "You attempted to create an OU tree that is too many levels deep.",
        ));
    }
    if org.ous.len() >= MAX_OUS {
        return Err(constraint("OU_NUMBER_LIMIT_EXCEEDED", "You attempted to exceed the number of OUs that you can have in an organization."));
    }
    if org.ous.values().any(|o| o.parent_id == input.parent_id && o.name == input.name) {
        return Err(err("DuplicateOrganizationalUnitException", "An OU with the same name already exists."));
    }
    let id = orgs::new_ou_id(&org.root_id);
    let ou = orgs::OrganizationalUnit { id: id.clone(), arn: org.ou_arn(&id), name: input.name, parent_id: input.parent_id };
    let out = ou_out(&ou);
    org.ous.insert(id.clone(), ou);
    org.attach_defaults(&id);
    if !tags.is_empty() {
        set_tags(org, &id, tags)?;
    }
    Ok(CreateOrganizationalUnitResponse { organizational_unit: Some(out) })
}

pub fn update_organizational_unit(
    ctx: &RequestContext,
    input: UpdateOrganizationalUnitRequest,
) -> R<UpdateOrganizationalUnitResponse> {
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    let parent = org.ous.get(&input.organizational_unit_id).ok_or_else(ou_not_found)?.parent_id.clone();
    if let Some(name) = input.name {
        if org.ous.values().any(|o| o.parent_id == parent && o.name == name && o.id != input.organizational_unit_id) {
            return Err(err("DuplicateOrganizationalUnitException", "An OU with the same name already exists."));
        }
        if let Some(ou) = org.ous.get_mut(&input.organizational_unit_id) {
            ou.name = name;
        }
    }
    let ou = org.ous.get(&input.organizational_unit_id).ok_or_else(ou_not_found)?;
    Ok(UpdateOrganizationalUnitResponse { organizational_unit: Some(ou_out(ou)) })
}

pub fn delete_organizational_unit(ctx: &RequestContext, input: DeleteOrganizationalUnitRequest) -> R<()> {
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    let id = input.organizational_unit_id;
    if !org.ous.contains_key(&id) {
        return Err(ou_not_found());
    }
    if org.ous.values().any(|o| o.parent_id == id) || org.accounts.values().any(|a| a.parent_id == id) {
        return Err(err(
            "OrganizationalUnitNotEmptyException",
            "The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.",
        ));
    }
    org.ous.remove(&id);
    org.attachments.remove(&id);
    org.tags.remove(&id);
    Ok(())
}

pub fn describe_organizational_unit(
    ctx: &RequestContext,
    input: DescribeOrganizationalUnitRequest,
) -> R<DescribeOrganizationalUnitResponse> {
    let data = store().read();
    let org = readable_org(&data, ctx)?;
    let ou = org.ous.get(&input.organizational_unit_id).ok_or_else(ou_not_found)?;
    Ok(DescribeOrganizationalUnitResponse { organizational_unit: Some(ou_out(ou)) })
}

pub fn list_organizational_units_for_parent(
    ctx: &RequestContext,
    input: ListOrganizationalUnitsForParentRequest,
) -> R<ListOrganizationalUnitsForParentResponse> {
    let data = store().read();
    let org = readable_org(&data, ctx)?;
    if !org.is_parent(&input.parent_id) {
        return Err(parent_not_found());
    }
    let all = org.ous.values().filter(|o| o.parent_id == input.parent_id).map(ou_out).collect();
    let (items, next_token) = page(all, input.next_token.as_deref(), input.max_results)?;
    Ok(ListOrganizationalUnitsForParentResponse { organizational_units: Some(items), next_token })
}

pub fn list_children(ctx: &RequestContext, input: ListChildrenRequest) -> R<ListChildrenResponse> {
    let data = store().read();
    let org = readable_org(&data, ctx)?;
    if !org.is_parent(&input.parent_id) {
        return Err(parent_not_found());
    }
    let all: Vec<Child> = match input.child_type {
        ChildType::OrganizationalUnit => org
            .ous
            .values()
            .filter(|o| o.parent_id == input.parent_id)
            .map(|o| Child { id: Some(o.id.clone()), type_: Some(ChildType::OrganizationalUnit) })
            .collect(),
        _ => accounts_in_order(org)
            .into_iter()
            .filter(|a| a.parent_id == input.parent_id)
            .map(|a| Child { id: Some(a.id.clone()), type_: Some(ChildType::Account) })
            .collect(),
    };
    let (items, next_token) = page(all, input.next_token.as_deref(), input.max_results)?;
    Ok(ListChildrenResponse { children: Some(items), next_token })
}

pub fn list_parents(ctx: &RequestContext, input: ListParentsRequest) -> R<ListParentsResponse> {
    let data = store().read();
    let org = readable_org(&data, ctx)?;
    let parent = org.parent_of(&input.child_id).ok_or_else(|| {
        err("ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
    })?;
    let kind = if parent == org.root_id { ParentType::Root } else { ParentType::OrganizationalUnit };
    let (items, next_token) =
        page(vec![Parent { id: Some(parent.to_string()), type_: Some(kind) }], input.next_token.as_deref(), input.max_results)?;
    Ok(ListParentsResponse { parents: Some(items), next_token })
}

// ---------------------------------------------------------------- accounts

/// The accounts in the order they joined.
fn accounts_in_order(org: &orgs::Organization) -> Vec<&orgs::Member> {
    let mut all: Vec<&orgs::Member> = org.accounts.values().collect();
    all.sort_by(|a, b| (a.joined, &a.id).cmp(&(b.joined, &b.id)));
    all
}

pub fn list_accounts(ctx: &RequestContext, input: ListAccountsRequest) -> R<ListAccountsResponse> {
    let data = store().read();
    let org = readable_org(&data, ctx)?;
    let all = accounts_in_order(org).into_iter().map(account_out).collect();
    let (items, next_token) = page(all, input.next_token.as_deref(), input.max_results)?;
    Ok(ListAccountsResponse { accounts: Some(items), next_token })
}

pub fn list_accounts_for_parent(ctx: &RequestContext, input: ListAccountsForParentRequest) -> R<ListAccountsForParentResponse> {
    let data = store().read();
    let org = readable_org(&data, ctx)?;
    if !org.is_parent(&input.parent_id) {
        return Err(parent_not_found());
    }
    let all = accounts_in_order(org).into_iter().filter(|a| a.parent_id == input.parent_id).map(account_out).collect();
    let (items, next_token) = page(all, input.next_token.as_deref(), input.max_results)?;
    Ok(ListAccountsForParentResponse { accounts: Some(items), next_token })
}

pub fn describe_account(ctx: &RequestContext, input: DescribeAccountRequest) -> R<DescribeAccountResponse> {
    let data = store().read();
    let org = readable_org(&data, ctx)?;
    let m = org.accounts.get(&input.account_id).ok_or_else(account_not_found)?;
    Ok(DescribeAccountResponse { account: Some(account_out(m)) })
}

/// The role CreateAccount puts in a new account: full administrator rights,
/// assumable by the management account.
fn create_access_role(account: &str, role_name: &str, management: &str) {
    use simfra_identity::iam;
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{management}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let Ok(parsed) = simfra_policy::parse(&trust) else { return };
    let role = iam::Role {
        name: role_name.to_string(),
        id: simfra_identity::ids::unique_id("AROA"),
        path: "/".into(),
        arn: format!("arn:aws:iam::{account}:role/{role_name}"),
        created: orgs::now(),
        trust: iam::Document { text: trust, parsed: std::sync::Arc::new(parsed) },
        description: None,
        max_session_duration: 3600,
        boundary: None,
        tags: iam::Tags::default(),
        inline: Default::default(),
        attached: vec!["arn:aws:iam::aws:policy/AdministratorAccess".into()],
    };
    iam::state(account).write().roles.insert(iam::key(role_name), role);
}

/// Every e-mail address an organization account has, so that a new account cannot reuse one.
fn email_in_use(data: &orgs::OrgsData, email: &str) -> bool {
    data.orgs.values().flat_map(|o| o.accounts.values()).any(|m| m.email.eq_ignore_ascii_case(email))
}

pub fn create_account(ctx: &RequestContext, input: CreateAccountRequest) -> R<CreateAccountResponse> {
    let tags = tags_in(input.tags)?;
    // The new account and its role are made without holding the
    // Organizations lock (they take the accounts, keys and IAM locks).
    let (email_taken, management) = {
        let data = store().read();
        let org = managed_org(&data, ctx)?;
        (email_in_use(&data, &input.email), org.management_account_id.clone())
    };
    let mut record = orgs::CreateAccountRecord {
        id: orgs::new_create_account_request_id(),
        account_name: input.account_name.clone(),
        state: "IN_PROGRESS".into(),
        requested: orgs::now(),
        completed: None,
        account_id: None,
        failure_reason: None,
    };
    // AWS answers at once with the request IN_PROGRESS and reports the
    // outcome through DescribeCreateAccountStatus; Simfra's outcome is
    // decided here, so the status is final as soon as it can be asked.
    let answer = create_account_status_out(&record);
    let outcome = if email_taken {
        Err("EMAIL_ALREADY_EXISTS")
    } else {
        simfra_identity::accounts::accounts().create(None, Some(input.account_name.clone()), None).map_err(|_| "INTERNAL_FAILURE")
    };
    if let Ok(account) = &outcome {
        let role = input.role_name.as_deref().unwrap_or("OrganizationAccountAccessRole");
        create_access_role(&account.id, role, &management);
    }
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    record.completed = Some(orgs::now());
    match outcome {
        Ok(account) => {
            let (root, org_id) = (org.root_id.clone(), org.id.clone());
            record.state = "SUCCEEDED".into();
            record.account_id = Some(account.id.clone());
            org.create_account_statuses.push(record);
            if !tags.is_empty() {
                set_tags(org, &account.id, tags)?;
            }
            data.join(&org_id, &account.id, &input.account_name, &input.email, "CREATED", &root);
        }
        Err(reason) => {
            record.state = "FAILED".into();
            record.failure_reason = Some(reason.into());
            org.create_account_statuses.push(record);
        }
    }
    Ok(CreateAccountResponse { create_account_status: Some(answer) })
}

pub fn describe_create_account_status(
    ctx: &RequestContext,
    input: DescribeCreateAccountStatusRequest,
) -> R<DescribeCreateAccountStatusResponse> {
    let data = store().read();
    let org = readable_org(&data, ctx)?;
    let r = org.create_account_statuses.iter().find(|r| r.id == input.create_account_request_id).ok_or_else(|| {
        err(
            "CreateAccountStatusNotFoundException",
            "We can't find an create account request with the CreateAccountRequestId that you specified.",
        )
    })?;
    Ok(DescribeCreateAccountStatusResponse { create_account_status: Some(create_account_status_out(r)) })
}

pub fn list_create_account_status(
    ctx: &RequestContext,
    input: ListCreateAccountStatusRequest,
) -> R<ListCreateAccountStatusResponse> {
    let data = store().read();
    let org = readable_org(&data, ctx)?;
    let states: Vec<String> = input.states.unwrap_or_default().iter().map(|s| s.as_str().to_string()).collect();
    let all = org
        .create_account_statuses
        .iter()
        .filter(|r| states.is_empty() || states.contains(&r.state))
        .map(create_account_status_out)
        .collect();
    let (items, next_token) = page(all, input.next_token.as_deref(), input.max_results)?;
    Ok(ListCreateAccountStatusResponse { create_account_statuses: Some(items), next_token })
}

pub fn move_account(ctx: &RequestContext, input: MoveAccountRequest) -> R<()> {
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    if !org.is_parent(&input.source_parent_id) {
        return Err(err("SourceParentNotFoundException", "We can't find a source root or OU with the ParentId that you specified."));
    }
    if !org.is_parent(&input.destination_parent_id) {
        return Err(err(
            "DestinationParentNotFoundException",
            "We can't find the destination container (a root or OU) with the ParentId that you specified.",
        ));
    }
    let m = org.accounts.get_mut(&input.account_id).ok_or_else(account_not_found)?;
    if m.parent_id != input.source_parent_id {
        return Err(account_not_found());
    }
    if m.parent_id == input.destination_parent_id {
        return Err(err("DuplicateAccountException", "That account is already present in the specified destination."));
    }
    m.parent_id = input.destination_parent_id;
    Ok(())
}

fn management_cannot_leave() -> simfra_model::ServiceError {
    err(
        "MasterCannotLeaveOrganizationException",
        "You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization of the management account.",
    )
}

pub fn remove_account_from_organization(ctx: &RequestContext, input: RemoveAccountFromOrganizationRequest) -> R<()> {
    let mut data = store().write();
    let org = managed_org(&data, ctx)?;
    if input.account_id == org.management_account_id {
        return Err(management_cannot_leave());
    }
    if !org.accounts.contains_key(&input.account_id) {
        return Err(account_not_found());
    }
    data.leave(&input.account_id);
    Ok(())
}

pub fn leave_organization(ctx: &RequestContext) -> R<()> {
    let mut data = store().write();
    let org = member_org(&data, ctx)?;
    if org.management_account_id == ctx.account_id {
        return Err(management_cannot_leave());
    }
    data.leave(&ctx.account_id);
    Ok(())
}

/// Closing suspends the account; it stays in the organization, as on AWS
/// during the post-closure period.
pub fn close_account(ctx: &RequestContext, input: CloseAccountRequest) -> R<()> {
    let mut data = store().write();
    let org = managed_org_mut(&mut data, ctx)?;
    if input.account_id == org.management_account_id {
        return Err(constraint("CANNOT_CLOSE_MANAGEMENT_ACCOUNT", "You can't close the management account with this operation."));
    }
    let m = org.accounts.get_mut(&input.account_id).ok_or_else(account_not_found)?;
    if m.status != "ACTIVE" {
        return Err(err("AccountAlreadyClosedException", "You attempted to close an account that is already closed."));
    }
    m.status = "SUSPENDED".into();
    Ok(())
}

