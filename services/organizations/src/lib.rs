//! AWS Organizations over `simfra_identity::organizations`: one
//! organization per management account, a tree of OUs and member accounts
//! under its root, policies of every type attached to the root, OUs and
//! accounts. Accounts made by CreateAccount are real Simfra accounts (own
//! root keys, own state) with an `OrganizationAccountAccessRole` the
//! management account can assume; existing accounts join by invitation.
//!
//! Service control policies are not evaluated here: authorization reads
//! them for every request of a member account (`scp_levels`), so an SCP
//! constrains even the member's root user, while the management account is
//! never restricted — as on AWS.
//!
//! Only the management account may manage the organization; a member may
//! describe it, leave it and answer invitations (delegated administrators
//! may also read it).

// Errors are the service's `ServiceError`, as large as every service's.
#![allow(clippy::result_large_err)]

mod common;
mod handshakes;
mod org;
mod policies;
mod tree;

use simfra_gen_organizations::types::*;
use simfra_gen_organizations::*;
use simfra_model::{RequestContext, SharedHandler};
use std::sync::Arc;

#[derive(Default)]
pub struct Organizations;

pub fn handler() -> SharedHandler {
    simfra_gen_organizations::handler(Arc::new(Organizations))
}

#[simfra_model::async_trait]
impl OrganizationsApi for Organizations {
    fn implemented(&self) -> &'static [&'static str] {
        &[
            "AcceptHandshake",
            "AttachPolicy",
            "CancelHandshake",
            "CloseAccount",
            "CreateAccount",
            "CreateOrganization",
            "CreateOrganizationalUnit",
            "CreatePolicy",
            "DeclineHandshake",
            "DeleteOrganization",
            "DeleteOrganizationalUnit",
            "DeletePolicy",
            "DeleteResourcePolicy",
            "DeregisterDelegatedAdministrator",
            "DescribeAccount",
            "DescribeCreateAccountStatus",
            "DescribeEffectivePolicy",
            "DescribeHandshake",
            "DescribeOrganization",
            "DescribeOrganizationalUnit",
            "DescribePolicy",
            "DescribeResourcePolicy",
            "DetachPolicy",
            "DisableAWSServiceAccess",
            "DisablePolicyType",
            "EnableAWSServiceAccess",
            "EnableAllFeatures",
            "EnablePolicyType",
            "InviteAccountToOrganization",
            "LeaveOrganization",
            "ListAWSServiceAccessForOrganization",
            "ListAccounts",
            "ListAccountsForParent",
            "ListChildren",
            "ListCreateAccountStatus",
            "ListDelegatedAdministrators",
            "ListDelegatedServicesForAccount",
            "ListHandshakesForAccount",
            "ListHandshakesForOrganization",
            "ListOrganizationalUnitsForParent",
            "ListParents",
            "ListPolicies",
            "ListPoliciesForTarget",
            "ListRoots",
            "ListTagsForResource",
            "ListTargetsForPolicy",
            "MoveAccount",
            "PutResourcePolicy",
            "RegisterDelegatedAdministrator",
            "RemoveAccountFromOrganization",
            "TagResource",
            "UntagResource",
            "UpdateOrganizationalUnit",
            "UpdatePolicy",
        ]
    }

    async fn accept_handshake(&self, ctx: &RequestContext, input: AcceptHandshakeRequest) -> Result<AcceptHandshakeResponse, AcceptHandshakeError> {
        handshakes::accept_handshake(ctx, input).map_err(Into::into)
    }

    async fn attach_policy(&self, ctx: &RequestContext, input: AttachPolicyRequest) -> Result<(), AttachPolicyError> {
        policies::attach_policy(ctx, input).map_err(Into::into)
    }

    async fn cancel_handshake(&self, ctx: &RequestContext, input: CancelHandshakeRequest) -> Result<CancelHandshakeResponse, CancelHandshakeError> {
        handshakes::cancel_handshake(ctx, input).map_err(Into::into)
    }

    async fn close_account(&self, ctx: &RequestContext, input: CloseAccountRequest) -> Result<(), CloseAccountError> {
        tree::close_account(ctx, input).map_err(Into::into)
    }

    async fn create_account(&self, ctx: &RequestContext, input: CreateAccountRequest) -> Result<CreateAccountResponse, CreateAccountError> {
        tree::create_account(ctx, input).map_err(Into::into)
    }

    async fn create_organization(&self, ctx: &RequestContext, input: CreateOrganizationRequest) -> Result<CreateOrganizationResponse, CreateOrganizationError> {
        org::create_organization(ctx, input).map_err(Into::into)
    }

    async fn create_organizational_unit(&self, ctx: &RequestContext, input: CreateOrganizationalUnitRequest) -> Result<CreateOrganizationalUnitResponse, CreateOrganizationalUnitError> {
        tree::create_organizational_unit(ctx, input).map_err(Into::into)
    }

    async fn create_policy(&self, ctx: &RequestContext, input: CreatePolicyRequest) -> Result<CreatePolicyResponse, CreatePolicyError> {
        policies::create_policy(ctx, input).map_err(Into::into)
    }

    async fn decline_handshake(&self, ctx: &RequestContext, input: DeclineHandshakeRequest) -> Result<DeclineHandshakeResponse, DeclineHandshakeError> {
        handshakes::decline_handshake(ctx, input).map_err(Into::into)
    }

    async fn delete_organization(&self, ctx: &RequestContext, _input: ()) -> Result<(), DeleteOrganizationError> {
        org::delete_organization(ctx).map_err(Into::into)
    }

    async fn delete_organizational_unit(&self, ctx: &RequestContext, input: DeleteOrganizationalUnitRequest) -> Result<(), DeleteOrganizationalUnitError> {
        tree::delete_organizational_unit(ctx, input).map_err(Into::into)
    }

    async fn delete_policy(&self, ctx: &RequestContext, input: DeletePolicyRequest) -> Result<(), DeletePolicyError> {
        policies::delete_policy(ctx, input).map_err(Into::into)
    }

    async fn delete_resource_policy(&self, ctx: &RequestContext, _input: ()) -> Result<(), DeleteResourcePolicyError> {
        org::delete_resource_policy(ctx).map_err(Into::into)
    }

    async fn deregister_delegated_administrator(&self, ctx: &RequestContext, input: DeregisterDelegatedAdministratorRequest) -> Result<(), DeregisterDelegatedAdministratorError> {
        org::deregister_delegated_administrator(ctx, input).map_err(Into::into)
    }

    async fn describe_account(&self, ctx: &RequestContext, input: DescribeAccountRequest) -> Result<DescribeAccountResponse, DescribeAccountError> {
        tree::describe_account(ctx, input).map_err(Into::into)
    }

    async fn describe_create_account_status(&self, ctx: &RequestContext, input: DescribeCreateAccountStatusRequest) -> Result<DescribeCreateAccountStatusResponse, DescribeCreateAccountStatusError> {
        tree::describe_create_account_status(ctx, input).map_err(Into::into)
    }

    async fn describe_effective_policy(&self, ctx: &RequestContext, input: DescribeEffectivePolicyRequest) -> Result<DescribeEffectivePolicyResponse, DescribeEffectivePolicyError> {
        policies::describe_effective_policy(ctx, input).map_err(Into::into)
    }

    async fn describe_handshake(&self, ctx: &RequestContext, input: DescribeHandshakeRequest) -> Result<DescribeHandshakeResponse, DescribeHandshakeError> {
        handshakes::describe_handshake(ctx, input).map_err(Into::into)
    }

    async fn describe_organization(&self, ctx: &RequestContext, _input: ()) -> Result<DescribeOrganizationResponse, DescribeOrganizationError> {
        org::describe_organization(ctx).map_err(Into::into)
    }

    async fn describe_organizational_unit(&self, ctx: &RequestContext, input: DescribeOrganizationalUnitRequest) -> Result<DescribeOrganizationalUnitResponse, DescribeOrganizationalUnitError> {
        tree::describe_organizational_unit(ctx, input).map_err(Into::into)
    }

    async fn describe_policy(&self, ctx: &RequestContext, input: DescribePolicyRequest) -> Result<DescribePolicyResponse, DescribePolicyError> {
        policies::describe_policy(ctx, input).map_err(Into::into)
    }

    async fn describe_resource_policy(&self, ctx: &RequestContext, _input: ()) -> Result<DescribeResourcePolicyResponse, DescribeResourcePolicyError> {
        org::describe_resource_policy(ctx).map_err(Into::into)
    }

    async fn detach_policy(&self, ctx: &RequestContext, input: DetachPolicyRequest) -> Result<(), DetachPolicyError> {
        policies::detach_policy(ctx, input).map_err(Into::into)
    }

    async fn disable_aws_service_access(&self, ctx: &RequestContext, input: DisableAwsServiceAccessRequest) -> Result<(), DisableAwsServiceAccessError> {
        org::disable_aws_service_access(ctx, input).map_err(Into::into)
    }

    async fn disable_policy_type(&self, ctx: &RequestContext, input: DisablePolicyTypeRequest) -> Result<DisablePolicyTypeResponse, DisablePolicyTypeError> {
        org::disable_policy_type(ctx, input).map_err(Into::into)
    }

    async fn enable_aws_service_access(&self, ctx: &RequestContext, input: EnableAwsServiceAccessRequest) -> Result<(), EnableAwsServiceAccessError> {
        org::enable_aws_service_access(ctx, input).map_err(Into::into)
    }

    async fn enable_all_features(&self, ctx: &RequestContext, input: EnableAllFeaturesRequest) -> Result<EnableAllFeaturesResponse, EnableAllFeaturesError> {
        org::enable_all_features(ctx, input).map_err(Into::into)
    }

    async fn enable_policy_type(&self, ctx: &RequestContext, input: EnablePolicyTypeRequest) -> Result<EnablePolicyTypeResponse, EnablePolicyTypeError> {
        org::enable_policy_type(ctx, input).map_err(Into::into)
    }

    async fn invite_account_to_organization(&self, ctx: &RequestContext, input: InviteAccountToOrganizationRequest) -> Result<InviteAccountToOrganizationResponse, InviteAccountToOrganizationError> {
        handshakes::invite_account_to_organization(ctx, input).map_err(Into::into)
    }

    async fn leave_organization(&self, ctx: &RequestContext, _input: ()) -> Result<(), LeaveOrganizationError> {
        tree::leave_organization(ctx).map_err(Into::into)
    }

    async fn list_aws_service_access_for_organization(&self, ctx: &RequestContext, input: ListAwsServiceAccessForOrganizationRequest) -> Result<ListAwsServiceAccessForOrganizationResponse, ListAwsServiceAccessForOrganizationError> {
        org::list_aws_service_access(ctx, input).map_err(Into::into)
    }

    async fn list_accounts(&self, ctx: &RequestContext, input: ListAccountsRequest) -> Result<ListAccountsResponse, ListAccountsError> {
        tree::list_accounts(ctx, input).map_err(Into::into)
    }

    async fn list_accounts_for_parent(&self, ctx: &RequestContext, input: ListAccountsForParentRequest) -> Result<ListAccountsForParentResponse, ListAccountsForParentError> {
        tree::list_accounts_for_parent(ctx, input).map_err(Into::into)
    }

    async fn list_children(&self, ctx: &RequestContext, input: ListChildrenRequest) -> Result<ListChildrenResponse, ListChildrenError> {
        tree::list_children(ctx, input).map_err(Into::into)
    }

    async fn list_create_account_status(&self, ctx: &RequestContext, input: ListCreateAccountStatusRequest) -> Result<ListCreateAccountStatusResponse, ListCreateAccountStatusError> {
        tree::list_create_account_status(ctx, input).map_err(Into::into)
    }

    async fn list_delegated_administrators(&self, ctx: &RequestContext, input: ListDelegatedAdministratorsRequest) -> Result<ListDelegatedAdministratorsResponse, ListDelegatedAdministratorsError> {
        org::list_delegated_administrators(ctx, input).map_err(Into::into)
    }

    async fn list_delegated_services_for_account(&self, ctx: &RequestContext, input: ListDelegatedServicesForAccountRequest) -> Result<ListDelegatedServicesForAccountResponse, ListDelegatedServicesForAccountError> {
        org::list_delegated_services_for_account(ctx, input).map_err(Into::into)
    }

    async fn list_handshakes_for_account(&self, ctx: &RequestContext, input: ListHandshakesForAccountRequest) -> Result<ListHandshakesForAccountResponse, ListHandshakesForAccountError> {
        handshakes::list_handshakes_for_account(ctx, input).map_err(Into::into)
    }

    async fn list_handshakes_for_organization(&self, ctx: &RequestContext, input: ListHandshakesForOrganizationRequest) -> Result<ListHandshakesForOrganizationResponse, ListHandshakesForOrganizationError> {
        handshakes::list_handshakes_for_organization(ctx, input).map_err(Into::into)
    }

    async fn list_organizational_units_for_parent(&self, ctx: &RequestContext, input: ListOrganizationalUnitsForParentRequest) -> Result<ListOrganizationalUnitsForParentResponse, ListOrganizationalUnitsForParentError> {
        tree::list_organizational_units_for_parent(ctx, input).map_err(Into::into)
    }

    async fn list_parents(&self, ctx: &RequestContext, input: ListParentsRequest) -> Result<ListParentsResponse, ListParentsError> {
        tree::list_parents(ctx, input).map_err(Into::into)
    }

    async fn list_policies(&self, ctx: &RequestContext, input: ListPoliciesRequest) -> Result<ListPoliciesResponse, ListPoliciesError> {
        policies::list_policies(ctx, input).map_err(Into::into)
    }

    async fn list_policies_for_target(&self, ctx: &RequestContext, input: ListPoliciesForTargetRequest) -> Result<ListPoliciesForTargetResponse, ListPoliciesForTargetError> {
        policies::list_policies_for_target(ctx, input).map_err(Into::into)
    }

    async fn list_roots(&self, ctx: &RequestContext, input: ListRootsRequest) -> Result<ListRootsResponse, ListRootsError> {
        org::list_roots(ctx, input).map_err(Into::into)
    }

    async fn list_tags_for_resource(&self, ctx: &RequestContext, input: ListTagsForResourceRequest) -> Result<ListTagsForResourceResponse, ListTagsForResourceError> {
        policies::list_tags_for_resource(ctx, input).map_err(Into::into)
    }

    async fn list_targets_for_policy(&self, ctx: &RequestContext, input: ListTargetsForPolicyRequest) -> Result<ListTargetsForPolicyResponse, ListTargetsForPolicyError> {
        policies::list_targets_for_policy(ctx, input).map_err(Into::into)
    }

    async fn move_account(&self, ctx: &RequestContext, input: MoveAccountRequest) -> Result<(), MoveAccountError> {
        tree::move_account(ctx, input).map_err(Into::into)
    }

    async fn put_resource_policy(&self, ctx: &RequestContext, input: PutResourcePolicyRequest) -> Result<PutResourcePolicyResponse, PutResourcePolicyError> {
        org::put_resource_policy(ctx, input).map_err(Into::into)
    }

    async fn register_delegated_administrator(&self, ctx: &RequestContext, input: RegisterDelegatedAdministratorRequest) -> Result<(), RegisterDelegatedAdministratorError> {
        org::register_delegated_administrator(ctx, input).map_err(Into::into)
    }

    async fn remove_account_from_organization(&self, ctx: &RequestContext, input: RemoveAccountFromOrganizationRequest) -> Result<(), RemoveAccountFromOrganizationError> {
        tree::remove_account_from_organization(ctx, input).map_err(Into::into)
    }

    async fn tag_resource(&self, ctx: &RequestContext, input: TagResourceRequest) -> Result<(), TagResourceError> {
        policies::tag_resource(ctx, input).map_err(Into::into)
    }

    async fn untag_resource(&self, ctx: &RequestContext, input: UntagResourceRequest) -> Result<(), UntagResourceError> {
        policies::untag_resource(ctx, input).map_err(Into::into)
    }

    async fn update_organizational_unit(&self, ctx: &RequestContext, input: UpdateOrganizationalUnitRequest) -> Result<UpdateOrganizationalUnitResponse, UpdateOrganizationalUnitError> {
        tree::update_organizational_unit(ctx, input).map_err(Into::into)
    }

    async fn update_policy(&self, ctx: &RequestContext, input: UpdatePolicyRequest) -> Result<UpdatePolicyResponse, UpdatePolicyError> {
        policies::update_policy(ctx, input).map_err(Into::into)
    }
}
