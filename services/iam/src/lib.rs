//! AWS IAM over the shared identity store (`simfra_identity::iam`): users,
//! groups, roles, managed and inline policies, access keys and other user
//! credentials, instance profiles, identity providers, account settings,
//! reports and the policy simulator. IAM is global: state is per account.
//!
//! The entities live in `simfra-identity` so that the gateway's authorization
//! and STS see every change at once: an access key created here signs the
//! next request, a policy attached here decides it.
//!
//! Each operation is a function of its module taking the request context and
//! input; this file only binds them to the generated trait.

// Every operation answers a ServiceError, as the generated trait does; boxing it would only move the size.
#![allow(clippy::result_large_err)]

mod access;
mod account;
mod certificates;
mod common;
mod groups;
mod inline;
mod instance_profiles;
mod keys;
mod mfa;
mod policies;
mod providers;
mod roles;
mod shapes;
mod simulate;
#[cfg(test)]
mod tests;
mod users;

use simfra_gen_iam::types::*;
use simfra_gen_iam::*;
use simfra_model::{RequestContext, SharedHandler};
use std::sync::Arc;

#[derive(Default)]
pub struct Iam;

pub fn handler() -> SharedHandler {
    simfra_gen_iam::handler(Arc::new(Iam))
}

#[simfra_model::async_trait]
impl IamApi for Iam {
    fn implemented(&self) -> &'static [&'static str] {
        &[
            "AddClientIDToOpenIDConnectProvider",
            "AddRoleToInstanceProfile",
            "AddUserToGroup",
            "AttachGroupPolicy",
            "AttachRolePolicy",
            "AttachUserPolicy",
            "ChangePassword",
            "CreateAccessKey",
            "CreateAccountAlias",
            "CreateGroup",
            "CreateInstanceProfile",
            "CreateLoginProfile",
            "CreateOpenIDConnectProvider",
            "CreatePolicy",
            "CreatePolicyVersion",
            "CreateRole",
            "CreateSAMLProvider",
            "CreateServiceLinkedRole",
            "CreateServiceSpecificCredential",
            "CreateUser",
            "CreateVirtualMFADevice",
            "DeactivateMFADevice",
            "DeleteAccessKey",
            "DeleteAccountAlias",
            "DeleteAccountPasswordPolicy",
            "DeleteGroup",
            "DeleteGroupPolicy",
            "DeleteInstanceProfile",
            "DeleteLoginProfile",
            "DeleteOpenIDConnectProvider",
            "DeletePolicy",
            "DeletePolicyVersion",
            "DeleteRole",
            "DeleteRolePermissionsBoundary",
            "DeleteRolePolicy",
            "DeleteSAMLProvider",
            "DeleteSSHPublicKey",
            "DeleteServerCertificate",
            "DeleteServiceLinkedRole",
            "DeleteServiceSpecificCredential",
            "DeleteSigningCertificate",
            "DeleteUser",
            "DeleteUserPermissionsBoundary",
            "DeleteUserPolicy",
            "DeleteVirtualMFADevice",
            "DetachGroupPolicy",
            "DetachRolePolicy",
            "DetachUserPolicy",
            "DisableOrganizationsRootCredentialsManagement",
            "DisableOrganizationsRootSessions",
            "EnableMFADevice",
            "EnableOrganizationsRootCredentialsManagement",
            "EnableOrganizationsRootSessions",
            "GenerateCredentialReport",
            "GenerateOrganizationsAccessReport",
            "GenerateServiceLastAccessedDetails",
            "GetAccessKeyLastUsed",
            "GetAccountAuthorizationDetails",
            "GetAccountPasswordPolicy",
            "GetAccountSummary",
            "GetContextKeysForCustomPolicy",
            "GetContextKeysForPrincipalPolicy",
            "GetCredentialReport",
            "GetGroup",
            "GetGroupPolicy",
            "GetInstanceProfile",
            "GetLoginProfile",
            "GetMFADevice",
            "GetOpenIDConnectProvider",
            "GetOrganizationsAccessReport",
            "GetPolicy",
            "GetPolicyVersion",
            "GetRole",
            "GetRolePolicy",
            "GetSAMLProvider",
            "GetSSHPublicKey",
            "GetServerCertificate",
            "GetServiceLastAccessedDetails",
            "GetServiceLastAccessedDetailsWithEntities",
            "GetServiceLinkedRoleDeletionStatus",
            "GetUser",
            "GetUserPolicy",
            "ListAccessKeys",
            "ListAccountAliases",
            "ListAttachedGroupPolicies",
            "ListAttachedRolePolicies",
            "ListAttachedUserPolicies",
            "ListEntitiesForPolicy",
            "ListGroupPolicies",
            "ListGroups",
            "ListGroupsForUser",
            "ListInstanceProfileTags",
            "ListInstanceProfiles",
            "ListInstanceProfilesForRole",
            "ListMFADeviceTags",
            "ListMFADevices",
            "ListOpenIDConnectProviderTags",
            "ListOpenIDConnectProviders",
            "ListOrganizationsFeatures",
            "ListPolicies",
            "ListPoliciesGrantingServiceAccess",
            "ListPolicyTags",
            "ListPolicyVersions",
            "ListRolePolicies",
            "ListRoleTags",
            "ListRoles",
            "ListSAMLProviderTags",
            "ListSAMLProviders",
            "ListSSHPublicKeys",
            "ListServerCertificateTags",
            "ListServerCertificates",
            "ListServiceSpecificCredentials",
            "ListSigningCertificates",
            "ListUserPolicies",
            "ListUserTags",
            "ListUsers",
            "ListVirtualMFADevices",
            "PutGroupPolicy",
            "PutRolePermissionsBoundary",
            "PutRolePolicy",
            "PutUserPermissionsBoundary",
            "PutUserPolicy",
            "RemoveClientIDFromOpenIDConnectProvider",
            "RemoveRoleFromInstanceProfile",
            "RemoveUserFromGroup",
            "ResetServiceSpecificCredential",
            "ResyncMFADevice",
            "SetDefaultPolicyVersion",
            "SetSecurityTokenServicePreferences",
            "SimulateCustomPolicy",
            "SimulatePrincipalPolicy",
            "TagInstanceProfile",
            "TagMFADevice",
            "TagOpenIDConnectProvider",
            "TagPolicy",
            "TagRole",
            "TagSAMLProvider",
            "TagServerCertificate",
            "TagUser",
            "UntagInstanceProfile",
            "UntagMFADevice",
            "UntagOpenIDConnectProvider",
            "UntagPolicy",
            "UntagRole",
            "UntagSAMLProvider",
            "UntagServerCertificate",
            "UntagUser",
            "UpdateAccessKey",
            "UpdateAccountPasswordPolicy",
            "UpdateAssumeRolePolicy",
            "UpdateGroup",
            "UpdateLoginProfile",
            "UpdateOpenIDConnectProviderThumbprint",
            "UpdateRole",
            "UpdateRoleDescription",
            "UpdateSAMLProvider",
            "UpdateSSHPublicKey",
            "UpdateServerCertificate",
            "UpdateServiceSpecificCredential",
            "UpdateSigningCertificate",
            "UpdateUser",
            "UploadSSHPublicKey",
            "UploadServerCertificate",
            "UploadSigningCertificate",
        ]
    }

    async fn add_client_id_to_open_id_connect_provider(&self, ctx: &RequestContext, input: AddClientIdToOpenIdConnectProviderRequest) -> Result<(), AddClientIdToOpenIdConnectProviderError> {
        Ok(providers::add_client_id_to_open_id_connect_provider(ctx, input)?)
    }

    async fn add_role_to_instance_profile(&self, ctx: &RequestContext, input: AddRoleToInstanceProfileRequest) -> Result<(), AddRoleToInstanceProfileError> {
        Ok(instance_profiles::add_role_to_instance_profile(ctx, input)?)
    }

    async fn add_user_to_group(&self, ctx: &RequestContext, input: AddUserToGroupRequest) -> Result<(), AddUserToGroupError> {
        Ok(groups::add_user_to_group(ctx, input)?)
    }

    async fn attach_group_policy(&self, ctx: &RequestContext, input: AttachGroupPolicyRequest) -> Result<(), AttachGroupPolicyError> {
        Ok(policies::attach_group_policy(ctx, input)?)
    }

    async fn attach_role_policy(&self, ctx: &RequestContext, input: AttachRolePolicyRequest) -> Result<(), AttachRolePolicyError> {
        Ok(policies::attach_role_policy(ctx, input)?)
    }

    async fn attach_user_policy(&self, ctx: &RequestContext, input: AttachUserPolicyRequest) -> Result<(), AttachUserPolicyError> {
        Ok(policies::attach_user_policy(ctx, input)?)
    }

    async fn change_password(&self, ctx: &RequestContext, input: ChangePasswordRequest) -> Result<(), ChangePasswordError> {
        Ok(keys::change_password(ctx, input)?)
    }

    async fn create_access_key(&self, ctx: &RequestContext, input: CreateAccessKeyRequest) -> Result<CreateAccessKeyResponse, CreateAccessKeyError> {
        Ok(keys::create_access_key(ctx, input)?)
    }

    async fn create_account_alias(&self, ctx: &RequestContext, input: CreateAccountAliasRequest) -> Result<(), CreateAccountAliasError> {
        Ok(account::create_account_alias(ctx, input)?)
    }

    async fn create_group(&self, ctx: &RequestContext, input: CreateGroupRequest) -> Result<CreateGroupResponse, CreateGroupError> {
        Ok(groups::create_group(ctx, input)?)
    }

    async fn create_instance_profile(&self, ctx: &RequestContext, input: CreateInstanceProfileRequest) -> Result<CreateInstanceProfileResponse, CreateInstanceProfileError> {
        Ok(instance_profiles::create_instance_profile(ctx, input)?)
    }

    async fn create_login_profile(&self, ctx: &RequestContext, input: CreateLoginProfileRequest) -> Result<CreateLoginProfileResponse, CreateLoginProfileError> {
        Ok(keys::create_login_profile(ctx, input)?)
    }

    async fn create_open_id_connect_provider(&self, ctx: &RequestContext, input: CreateOpenIdConnectProviderRequest) -> Result<CreateOpenIdConnectProviderResponse, CreateOpenIdConnectProviderError> {
        Ok(providers::create_open_id_connect_provider(ctx, input)?)
    }

    async fn create_policy(&self, ctx: &RequestContext, input: CreatePolicyRequest) -> Result<CreatePolicyResponse, CreatePolicyError> {
        Ok(policies::create_policy(ctx, input)?)
    }

    async fn create_policy_version(&self, ctx: &RequestContext, input: CreatePolicyVersionRequest) -> Result<CreatePolicyVersionResponse, CreatePolicyVersionError> {
        Ok(policies::create_policy_version(ctx, input)?)
    }

    async fn create_role(&self, ctx: &RequestContext, input: CreateRoleRequest) -> Result<CreateRoleResponse, CreateRoleError> {
        Ok(roles::create_role(ctx, input)?)
    }

    async fn create_saml_provider(&self, ctx: &RequestContext, input: CreateSamlProviderRequest) -> Result<CreateSamlProviderResponse, CreateSamlProviderError> {
        Ok(providers::create_saml_provider(ctx, input)?)
    }

    async fn create_service_linked_role(&self, ctx: &RequestContext, input: CreateServiceLinkedRoleRequest) -> Result<CreateServiceLinkedRoleResponse, CreateServiceLinkedRoleError> {
        Ok(roles::create_service_linked_role(ctx, input)?)
    }

    async fn create_service_specific_credential(&self, ctx: &RequestContext, input: CreateServiceSpecificCredentialRequest) -> Result<CreateServiceSpecificCredentialResponse, CreateServiceSpecificCredentialError> {
        Ok(keys::create_service_specific_credential(ctx, input)?)
    }

    async fn create_user(&self, ctx: &RequestContext, input: CreateUserRequest) -> Result<CreateUserResponse, CreateUserError> {
        Ok(users::create_user(ctx, input)?)
    }

    async fn create_virtual_mfa_device(&self, ctx: &RequestContext, input: CreateVirtualMfaDeviceRequest) -> Result<CreateVirtualMfaDeviceResponse, CreateVirtualMfaDeviceError> {
        Ok(mfa::create_virtual_mfa_device(ctx, input)?)
    }

    async fn deactivate_mfa_device(&self, ctx: &RequestContext, input: DeactivateMfaDeviceRequest) -> Result<(), DeactivateMfaDeviceError> {
        Ok(mfa::deactivate_mfa_device(ctx, input)?)
    }

    async fn delete_access_key(&self, ctx: &RequestContext, input: DeleteAccessKeyRequest) -> Result<(), DeleteAccessKeyError> {
        Ok(keys::delete_access_key(ctx, input)?)
    }

    async fn delete_account_alias(&self, ctx: &RequestContext, input: DeleteAccountAliasRequest) -> Result<(), DeleteAccountAliasError> {
        Ok(account::delete_account_alias(ctx, input)?)
    }

    async fn delete_account_password_policy(&self, ctx: &RequestContext, _input: ()) -> Result<(), DeleteAccountPasswordPolicyError> {
        Ok(account::delete_account_password_policy(ctx)?)
    }

    async fn delete_group(&self, ctx: &RequestContext, input: DeleteGroupRequest) -> Result<(), DeleteGroupError> {
        Ok(groups::delete_group(ctx, input)?)
    }

    async fn delete_group_policy(&self, ctx: &RequestContext, input: DeleteGroupPolicyRequest) -> Result<(), DeleteGroupPolicyError> {
        Ok(inline::delete_group_policy(ctx, input)?)
    }

    async fn delete_instance_profile(&self, ctx: &RequestContext, input: DeleteInstanceProfileRequest) -> Result<(), DeleteInstanceProfileError> {
        Ok(instance_profiles::delete_instance_profile(ctx, input)?)
    }

    async fn delete_login_profile(&self, ctx: &RequestContext, input: DeleteLoginProfileRequest) -> Result<(), DeleteLoginProfileError> {
        Ok(keys::delete_login_profile(ctx, input)?)
    }

    async fn delete_open_id_connect_provider(&self, ctx: &RequestContext, input: DeleteOpenIdConnectProviderRequest) -> Result<(), DeleteOpenIdConnectProviderError> {
        Ok(providers::delete_open_id_connect_provider(ctx, input)?)
    }

    async fn delete_policy(&self, ctx: &RequestContext, input: DeletePolicyRequest) -> Result<(), DeletePolicyError> {
        Ok(policies::delete_policy(ctx, input)?)
    }

    async fn delete_policy_version(&self, ctx: &RequestContext, input: DeletePolicyVersionRequest) -> Result<(), DeletePolicyVersionError> {
        Ok(policies::delete_policy_version(ctx, input)?)
    }

    async fn delete_role(&self, ctx: &RequestContext, input: DeleteRoleRequest) -> Result<(), DeleteRoleError> {
        Ok(roles::delete_role(ctx, input)?)
    }

    async fn delete_role_permissions_boundary(&self, ctx: &RequestContext, input: DeleteRolePermissionsBoundaryRequest) -> Result<(), DeleteRolePermissionsBoundaryError> {
        Ok(roles::delete_role_permissions_boundary(ctx, input)?)
    }

    async fn delete_role_policy(&self, ctx: &RequestContext, input: DeleteRolePolicyRequest) -> Result<(), DeleteRolePolicyError> {
        Ok(inline::delete_role_policy(ctx, input)?)
    }

    async fn delete_saml_provider(&self, ctx: &RequestContext, input: DeleteSamlProviderRequest) -> Result<(), DeleteSamlProviderError> {
        Ok(providers::delete_saml_provider(ctx, input)?)
    }

    async fn delete_ssh_public_key(&self, ctx: &RequestContext, input: DeleteSshPublicKeyRequest) -> Result<(), DeleteSshPublicKeyError> {
        Ok(keys::delete_ssh_public_key(ctx, input)?)
    }

    async fn delete_server_certificate(&self, ctx: &RequestContext, input: DeleteServerCertificateRequest) -> Result<(), DeleteServerCertificateError> {
        Ok(certificates::delete_server_certificate(ctx, input)?)
    }

    async fn delete_service_linked_role(&self, ctx: &RequestContext, input: DeleteServiceLinkedRoleRequest) -> Result<DeleteServiceLinkedRoleResponse, DeleteServiceLinkedRoleError> {
        Ok(roles::delete_service_linked_role(ctx, input)?)
    }

    async fn delete_service_specific_credential(&self, ctx: &RequestContext, input: DeleteServiceSpecificCredentialRequest) -> Result<(), DeleteServiceSpecificCredentialError> {
        Ok(keys::delete_service_specific_credential(ctx, input)?)
    }

    async fn delete_signing_certificate(&self, ctx: &RequestContext, input: DeleteSigningCertificateRequest) -> Result<(), DeleteSigningCertificateError> {
        Ok(keys::delete_signing_certificate(ctx, input)?)
    }

    async fn delete_user(&self, ctx: &RequestContext, input: DeleteUserRequest) -> Result<(), DeleteUserError> {
        Ok(users::delete_user(ctx, input)?)
    }

    async fn delete_user_permissions_boundary(&self, ctx: &RequestContext, input: DeleteUserPermissionsBoundaryRequest) -> Result<(), DeleteUserPermissionsBoundaryError> {
        Ok(users::delete_user_permissions_boundary(ctx, input)?)
    }

    async fn delete_user_policy(&self, ctx: &RequestContext, input: DeleteUserPolicyRequest) -> Result<(), DeleteUserPolicyError> {
        Ok(inline::delete_user_policy(ctx, input)?)
    }

    async fn delete_virtual_mfa_device(&self, ctx: &RequestContext, input: DeleteVirtualMfaDeviceRequest) -> Result<(), DeleteVirtualMfaDeviceError> {
        Ok(mfa::delete_virtual_mfa_device(ctx, input)?)
    }

    async fn detach_group_policy(&self, ctx: &RequestContext, input: DetachGroupPolicyRequest) -> Result<(), DetachGroupPolicyError> {
        Ok(policies::detach_group_policy(ctx, input)?)
    }

    async fn detach_role_policy(&self, ctx: &RequestContext, input: DetachRolePolicyRequest) -> Result<(), DetachRolePolicyError> {
        Ok(policies::detach_role_policy(ctx, input)?)
    }

    async fn detach_user_policy(&self, ctx: &RequestContext, input: DetachUserPolicyRequest) -> Result<(), DetachUserPolicyError> {
        Ok(policies::detach_user_policy(ctx, input)?)
    }

    async fn disable_organizations_root_credentials_management(&self, ctx: &RequestContext, input: DisableOrganizationsRootCredentialsManagementRequest) -> Result<DisableOrganizationsRootCredentialsManagementResponse, DisableOrganizationsRootCredentialsManagementError> {
        Ok(account::disable_organizations_root_credentials_management(ctx, input)?)
    }

    async fn disable_organizations_root_sessions(&self, ctx: &RequestContext, input: DisableOrganizationsRootSessionsRequest) -> Result<DisableOrganizationsRootSessionsResponse, DisableOrganizationsRootSessionsError> {
        Ok(account::disable_organizations_root_sessions(ctx, input)?)
    }

    async fn enable_mfa_device(&self, ctx: &RequestContext, input: EnableMfaDeviceRequest) -> Result<(), EnableMfaDeviceError> {
        Ok(mfa::enable_mfa_device(ctx, input)?)
    }

    async fn enable_organizations_root_credentials_management(&self, ctx: &RequestContext, input: EnableOrganizationsRootCredentialsManagementRequest) -> Result<EnableOrganizationsRootCredentialsManagementResponse, EnableOrganizationsRootCredentialsManagementError> {
        Ok(account::enable_organizations_root_credentials_management(ctx, input)?)
    }

    async fn enable_organizations_root_sessions(&self, ctx: &RequestContext, input: EnableOrganizationsRootSessionsRequest) -> Result<EnableOrganizationsRootSessionsResponse, EnableOrganizationsRootSessionsError> {
        Ok(account::enable_organizations_root_sessions(ctx, input)?)
    }

    async fn generate_credential_report(&self, ctx: &RequestContext, _input: ()) -> Result<GenerateCredentialReportResponse, GenerateCredentialReportError> {
        Ok(account::generate_credential_report(ctx)?)
    }

    async fn generate_organizations_access_report(&self, ctx: &RequestContext, input: GenerateOrganizationsAccessReportRequest) -> Result<GenerateOrganizationsAccessReportResponse, GenerateOrganizationsAccessReportError> {
        Ok(access::generate_organizations_access_report(ctx, input)?)
    }

    async fn generate_service_last_accessed_details(&self, ctx: &RequestContext, input: GenerateServiceLastAccessedDetailsRequest) -> Result<GenerateServiceLastAccessedDetailsResponse, GenerateServiceLastAccessedDetailsError> {
        Ok(access::generate_service_last_accessed_details(ctx, input)?)
    }

    async fn get_access_key_last_used(&self, ctx: &RequestContext, input: GetAccessKeyLastUsedRequest) -> Result<GetAccessKeyLastUsedResponse, GetAccessKeyLastUsedError> {
        Ok(keys::get_access_key_last_used(ctx, input)?)
    }

    async fn get_account_authorization_details(&self, ctx: &RequestContext, input: GetAccountAuthorizationDetailsRequest) -> Result<GetAccountAuthorizationDetailsResponse, GetAccountAuthorizationDetailsError> {
        Ok(account::get_account_authorization_details(ctx, input)?)
    }

    async fn get_account_password_policy(&self, ctx: &RequestContext, _input: ()) -> Result<GetAccountPasswordPolicyResponse, GetAccountPasswordPolicyError> {
        Ok(account::get_account_password_policy(ctx)?)
    }

    async fn get_account_summary(&self, ctx: &RequestContext, _input: ()) -> Result<GetAccountSummaryResponse, GetAccountSummaryError> {
        Ok(account::get_account_summary(ctx)?)
    }

    async fn get_context_keys_for_custom_policy(&self, ctx: &RequestContext, input: GetContextKeysForCustomPolicyRequest) -> Result<GetContextKeysForPolicyResponse, GetContextKeysForCustomPolicyError> {
        Ok(simulate::get_context_keys_for_custom_policy(ctx, input)?)
    }

    async fn get_context_keys_for_principal_policy(&self, ctx: &RequestContext, input: GetContextKeysForPrincipalPolicyRequest) -> Result<GetContextKeysForPolicyResponse, GetContextKeysForPrincipalPolicyError> {
        Ok(simulate::get_context_keys_for_principal_policy(ctx, input)?)
    }

    async fn get_credential_report(&self, ctx: &RequestContext, _input: ()) -> Result<GetCredentialReportResponse, GetCredentialReportError> {
        Ok(account::get_credential_report(ctx)?)
    }

    async fn get_group(&self, ctx: &RequestContext, input: GetGroupRequest) -> Result<GetGroupResponse, GetGroupError> {
        Ok(groups::get_group(ctx, input)?)
    }

    async fn get_group_policy(&self, ctx: &RequestContext, input: GetGroupPolicyRequest) -> Result<GetGroupPolicyResponse, GetGroupPolicyError> {
        Ok(inline::get_group_policy(ctx, input)?)
    }

    async fn get_instance_profile(&self, ctx: &RequestContext, input: GetInstanceProfileRequest) -> Result<GetInstanceProfileResponse, GetInstanceProfileError> {
        Ok(instance_profiles::get_instance_profile(ctx, input)?)
    }

    async fn get_login_profile(&self, ctx: &RequestContext, input: GetLoginProfileRequest) -> Result<GetLoginProfileResponse, GetLoginProfileError> {
        Ok(keys::get_login_profile(ctx, input)?)
    }

    async fn get_mfa_device(&self, ctx: &RequestContext, input: GetMfaDeviceRequest) -> Result<GetMfaDeviceResponse, GetMfaDeviceError> {
        Ok(mfa::get_mfa_device(ctx, input)?)
    }

    async fn get_open_id_connect_provider(&self, ctx: &RequestContext, input: GetOpenIdConnectProviderRequest) -> Result<GetOpenIdConnectProviderResponse, GetOpenIdConnectProviderError> {
        Ok(providers::get_open_id_connect_provider(ctx, input)?)
    }

    async fn get_organizations_access_report(&self, ctx: &RequestContext, input: GetOrganizationsAccessReportRequest) -> Result<GetOrganizationsAccessReportResponse, GetOrganizationsAccessReportError> {
        Ok(access::get_organizations_access_report(ctx, input)?)
    }

    async fn get_policy(&self, ctx: &RequestContext, input: GetPolicyRequest) -> Result<GetPolicyResponse, GetPolicyError> {
        Ok(policies::get_policy(ctx, input)?)
    }

    async fn get_policy_version(&self, ctx: &RequestContext, input: GetPolicyVersionRequest) -> Result<GetPolicyVersionResponse, GetPolicyVersionError> {
        Ok(policies::get_policy_version(ctx, input)?)
    }

    async fn get_role(&self, ctx: &RequestContext, input: GetRoleRequest) -> Result<GetRoleResponse, GetRoleError> {
        Ok(roles::get_role(ctx, input)?)
    }

    async fn get_role_policy(&self, ctx: &RequestContext, input: GetRolePolicyRequest) -> Result<GetRolePolicyResponse, GetRolePolicyError> {
        Ok(inline::get_role_policy(ctx, input)?)
    }

    async fn get_saml_provider(&self, ctx: &RequestContext, input: GetSamlProviderRequest) -> Result<GetSamlProviderResponse, GetSamlProviderError> {
        Ok(providers::get_saml_provider(ctx, input)?)
    }

    async fn get_ssh_public_key(&self, ctx: &RequestContext, input: GetSshPublicKeyRequest) -> Result<GetSshPublicKeyResponse, GetSshPublicKeyError> {
        Ok(keys::get_ssh_public_key(ctx, input)?)
    }

    async fn get_server_certificate(&self, ctx: &RequestContext, input: GetServerCertificateRequest) -> Result<GetServerCertificateResponse, GetServerCertificateError> {
        Ok(certificates::get_server_certificate(ctx, input)?)
    }

    async fn get_service_last_accessed_details(&self, ctx: &RequestContext, input: GetServiceLastAccessedDetailsRequest) -> Result<GetServiceLastAccessedDetailsResponse, GetServiceLastAccessedDetailsError> {
        Ok(access::get_service_last_accessed_details(ctx, input)?)
    }

    async fn get_service_last_accessed_details_with_entities(&self, ctx: &RequestContext, input: GetServiceLastAccessedDetailsWithEntitiesRequest) -> Result<GetServiceLastAccessedDetailsWithEntitiesResponse, GetServiceLastAccessedDetailsWithEntitiesError> {
        Ok(access::get_service_last_accessed_details_with_entities(ctx, input)?)
    }

    async fn get_service_linked_role_deletion_status(&self, ctx: &RequestContext, input: GetServiceLinkedRoleDeletionStatusRequest) -> Result<GetServiceLinkedRoleDeletionStatusResponse, GetServiceLinkedRoleDeletionStatusError> {
        Ok(roles::get_service_linked_role_deletion_status(ctx, input)?)
    }

    async fn get_user(&self, ctx: &RequestContext, input: GetUserRequest) -> Result<GetUserResponse, GetUserError> {
        Ok(users::get_user(ctx, input)?)
    }

    async fn get_user_policy(&self, ctx: &RequestContext, input: GetUserPolicyRequest) -> Result<GetUserPolicyResponse, GetUserPolicyError> {
        Ok(inline::get_user_policy(ctx, input)?)
    }

    async fn list_access_keys(&self, ctx: &RequestContext, input: ListAccessKeysRequest) -> Result<ListAccessKeysResponse, ListAccessKeysError> {
        Ok(keys::list_access_keys(ctx, input)?)
    }

    async fn list_account_aliases(&self, ctx: &RequestContext, input: ListAccountAliasesRequest) -> Result<ListAccountAliasesResponse, ListAccountAliasesError> {
        Ok(account::list_account_aliases(ctx, input)?)
    }

    async fn list_attached_group_policies(&self, ctx: &RequestContext, input: ListAttachedGroupPoliciesRequest) -> Result<ListAttachedGroupPoliciesResponse, ListAttachedGroupPoliciesError> {
        Ok(policies::list_attached_group_policies(ctx, input)?)
    }

    async fn list_attached_role_policies(&self, ctx: &RequestContext, input: ListAttachedRolePoliciesRequest) -> Result<ListAttachedRolePoliciesResponse, ListAttachedRolePoliciesError> {
        Ok(policies::list_attached_role_policies(ctx, input)?)
    }

    async fn list_attached_user_policies(&self, ctx: &RequestContext, input: ListAttachedUserPoliciesRequest) -> Result<ListAttachedUserPoliciesResponse, ListAttachedUserPoliciesError> {
        Ok(policies::list_attached_user_policies(ctx, input)?)
    }

    async fn list_entities_for_policy(&self, ctx: &RequestContext, input: ListEntitiesForPolicyRequest) -> Result<ListEntitiesForPolicyResponse, ListEntitiesForPolicyError> {
        Ok(policies::list_entities_for_policy(ctx, input)?)
    }

    async fn list_group_policies(&self, ctx: &RequestContext, input: ListGroupPoliciesRequest) -> Result<ListGroupPoliciesResponse, ListGroupPoliciesError> {
        Ok(inline::list_group_policies(ctx, input)?)
    }

    async fn list_groups(&self, ctx: &RequestContext, input: ListGroupsRequest) -> Result<ListGroupsResponse, ListGroupsError> {
        Ok(groups::list_groups(ctx, input)?)
    }

    async fn list_groups_for_user(&self, ctx: &RequestContext, input: ListGroupsForUserRequest) -> Result<ListGroupsForUserResponse, ListGroupsForUserError> {
        Ok(groups::list_groups_for_user(ctx, input)?)
    }

    async fn list_instance_profile_tags(&self, ctx: &RequestContext, input: ListInstanceProfileTagsRequest) -> Result<ListInstanceProfileTagsResponse, ListInstanceProfileTagsError> {
        Ok(instance_profiles::list_instance_profile_tags(ctx, input)?)
    }

    async fn list_instance_profiles(&self, ctx: &RequestContext, input: ListInstanceProfilesRequest) -> Result<ListInstanceProfilesResponse, ListInstanceProfilesError> {
        Ok(instance_profiles::list_instance_profiles(ctx, input)?)
    }

    async fn list_instance_profiles_for_role(&self, ctx: &RequestContext, input: ListInstanceProfilesForRoleRequest) -> Result<ListInstanceProfilesForRoleResponse, ListInstanceProfilesForRoleError> {
        Ok(instance_profiles::list_instance_profiles_for_role(ctx, input)?)
    }

    async fn list_mfa_device_tags(&self, ctx: &RequestContext, input: ListMfaDeviceTagsRequest) -> Result<ListMfaDeviceTagsResponse, ListMfaDeviceTagsError> {
        Ok(mfa::list_mfa_device_tags(ctx, input)?)
    }

    async fn list_mfa_devices(&self, ctx: &RequestContext, input: ListMfaDevicesRequest) -> Result<ListMfaDevicesResponse, ListMfaDevicesError> {
        Ok(mfa::list_mfa_devices(ctx, input)?)
    }

    async fn list_open_id_connect_provider_tags(&self, ctx: &RequestContext, input: ListOpenIdConnectProviderTagsRequest) -> Result<ListOpenIdConnectProviderTagsResponse, ListOpenIdConnectProviderTagsError> {
        Ok(providers::list_open_id_connect_provider_tags(ctx, input)?)
    }

    async fn list_open_id_connect_providers(&self, ctx: &RequestContext, input: ListOpenIdConnectProvidersRequest) -> Result<ListOpenIdConnectProvidersResponse, ListOpenIdConnectProvidersError> {
        Ok(providers::list_open_id_connect_providers(ctx, input)?)
    }

    async fn list_organizations_features(&self, ctx: &RequestContext, input: ListOrganizationsFeaturesRequest) -> Result<ListOrganizationsFeaturesResponse, ListOrganizationsFeaturesError> {
        Ok(account::list_organizations_features(ctx, input)?)
    }

    async fn list_policies(&self, ctx: &RequestContext, input: ListPoliciesRequest) -> Result<ListPoliciesResponse, ListPoliciesError> {
        Ok(policies::list_policies(ctx, input)?)
    }

    async fn list_policies_granting_service_access(&self, ctx: &RequestContext, input: ListPoliciesGrantingServiceAccessRequest) -> Result<ListPoliciesGrantingServiceAccessResponse, ListPoliciesGrantingServiceAccessError> {
        Ok(access::list_policies_granting_service_access(ctx, input)?)
    }

    async fn list_policy_tags(&self, ctx: &RequestContext, input: ListPolicyTagsRequest) -> Result<ListPolicyTagsResponse, ListPolicyTagsError> {
        Ok(policies::list_policy_tags(ctx, input)?)
    }

    async fn list_policy_versions(&self, ctx: &RequestContext, input: ListPolicyVersionsRequest) -> Result<ListPolicyVersionsResponse, ListPolicyVersionsError> {
        Ok(policies::list_policy_versions(ctx, input)?)
    }

    async fn list_role_policies(&self, ctx: &RequestContext, input: ListRolePoliciesRequest) -> Result<ListRolePoliciesResponse, ListRolePoliciesError> {
        Ok(inline::list_role_policies(ctx, input)?)
    }

    async fn list_role_tags(&self, ctx: &RequestContext, input: ListRoleTagsRequest) -> Result<ListRoleTagsResponse, ListRoleTagsError> {
        Ok(roles::list_role_tags(ctx, input)?)
    }

    async fn list_roles(&self, ctx: &RequestContext, input: ListRolesRequest) -> Result<ListRolesResponse, ListRolesError> {
        Ok(roles::list_roles(ctx, input)?)
    }

    async fn list_saml_provider_tags(&self, ctx: &RequestContext, input: ListSamlProviderTagsRequest) -> Result<ListSamlProviderTagsResponse, ListSamlProviderTagsError> {
        Ok(providers::list_saml_provider_tags(ctx, input)?)
    }

    async fn list_saml_providers(&self, ctx: &RequestContext, input: ListSamlProvidersRequest) -> Result<ListSamlProvidersResponse, ListSamlProvidersError> {
        Ok(providers::list_saml_providers(ctx, input)?)
    }

    async fn list_ssh_public_keys(&self, ctx: &RequestContext, input: ListSshPublicKeysRequest) -> Result<ListSshPublicKeysResponse, ListSshPublicKeysError> {
        Ok(keys::list_ssh_public_keys(ctx, input)?)
    }

    async fn list_server_certificate_tags(&self, ctx: &RequestContext, input: ListServerCertificateTagsRequest) -> Result<ListServerCertificateTagsResponse, ListServerCertificateTagsError> {
        Ok(certificates::list_server_certificate_tags(ctx, input)?)
    }

    async fn list_server_certificates(&self, ctx: &RequestContext, input: ListServerCertificatesRequest) -> Result<ListServerCertificatesResponse, ListServerCertificatesError> {
        Ok(certificates::list_server_certificates(ctx, input)?)
    }

    async fn list_service_specific_credentials(&self, ctx: &RequestContext, input: ListServiceSpecificCredentialsRequest) -> Result<ListServiceSpecificCredentialsResponse, ListServiceSpecificCredentialsError> {
        Ok(keys::list_service_specific_credentials(ctx, input)?)
    }

    async fn list_signing_certificates(&self, ctx: &RequestContext, input: ListSigningCertificatesRequest) -> Result<ListSigningCertificatesResponse, ListSigningCertificatesError> {
        Ok(keys::list_signing_certificates(ctx, input)?)
    }

    async fn list_user_policies(&self, ctx: &RequestContext, input: ListUserPoliciesRequest) -> Result<ListUserPoliciesResponse, ListUserPoliciesError> {
        Ok(inline::list_user_policies(ctx, input)?)
    }

    async fn list_user_tags(&self, ctx: &RequestContext, input: ListUserTagsRequest) -> Result<ListUserTagsResponse, ListUserTagsError> {
        Ok(users::list_user_tags(ctx, input)?)
    }

    async fn list_users(&self, ctx: &RequestContext, input: ListUsersRequest) -> Result<ListUsersResponse, ListUsersError> {
        Ok(users::list_users(ctx, input)?)
    }

    async fn list_virtual_mfa_devices(&self, ctx: &RequestContext, input: ListVirtualMfaDevicesRequest) -> Result<ListVirtualMfaDevicesResponse, ListVirtualMfaDevicesError> {
        Ok(mfa::list_virtual_mfa_devices(ctx, input)?)
    }

    async fn put_group_policy(&self, ctx: &RequestContext, input: PutGroupPolicyRequest) -> Result<(), PutGroupPolicyError> {
        Ok(inline::put_group_policy(ctx, input)?)
    }

    async fn put_role_permissions_boundary(&self, ctx: &RequestContext, input: PutRolePermissionsBoundaryRequest) -> Result<(), PutRolePermissionsBoundaryError> {
        Ok(roles::put_role_permissions_boundary(ctx, input)?)
    }

    async fn put_role_policy(&self, ctx: &RequestContext, input: PutRolePolicyRequest) -> Result<(), PutRolePolicyError> {
        Ok(inline::put_role_policy(ctx, input)?)
    }

    async fn put_user_permissions_boundary(&self, ctx: &RequestContext, input: PutUserPermissionsBoundaryRequest) -> Result<(), PutUserPermissionsBoundaryError> {
        Ok(users::put_user_permissions_boundary(ctx, input)?)
    }

    async fn put_user_policy(&self, ctx: &RequestContext, input: PutUserPolicyRequest) -> Result<(), PutUserPolicyError> {
        Ok(inline::put_user_policy(ctx, input)?)
    }

    async fn remove_client_id_from_open_id_connect_provider(&self, ctx: &RequestContext, input: RemoveClientIdFromOpenIdConnectProviderRequest) -> Result<(), RemoveClientIdFromOpenIdConnectProviderError> {
        Ok(providers::remove_client_id_from_open_id_connect_provider(ctx, input)?)
    }

    async fn remove_role_from_instance_profile(&self, ctx: &RequestContext, input: RemoveRoleFromInstanceProfileRequest) -> Result<(), RemoveRoleFromInstanceProfileError> {
        Ok(instance_profiles::remove_role_from_instance_profile(ctx, input)?)
    }

    async fn remove_user_from_group(&self, ctx: &RequestContext, input: RemoveUserFromGroupRequest) -> Result<(), RemoveUserFromGroupError> {
        Ok(groups::remove_user_from_group(ctx, input)?)
    }

    async fn reset_service_specific_credential(&self, ctx: &RequestContext, input: ResetServiceSpecificCredentialRequest) -> Result<ResetServiceSpecificCredentialResponse, ResetServiceSpecificCredentialError> {
        Ok(keys::reset_service_specific_credential(ctx, input)?)
    }

    async fn resync_mfa_device(&self, ctx: &RequestContext, input: ResyncMfaDeviceRequest) -> Result<(), ResyncMfaDeviceError> {
        Ok(mfa::resync_mfa_device(ctx, input)?)
    }

    async fn set_default_policy_version(&self, ctx: &RequestContext, input: SetDefaultPolicyVersionRequest) -> Result<(), SetDefaultPolicyVersionError> {
        Ok(policies::set_default_policy_version(ctx, input)?)
    }

    async fn set_security_token_service_preferences(&self, ctx: &RequestContext, input: SetSecurityTokenServicePreferencesRequest) -> Result<(), SetSecurityTokenServicePreferencesError> {
        Ok(account::set_security_token_service_preferences(ctx, input)?)
    }

    async fn simulate_custom_policy(&self, ctx: &RequestContext, input: SimulateCustomPolicyRequest) -> Result<SimulatePolicyResponse, SimulateCustomPolicyError> {
        Ok(simulate::simulate_custom_policy(ctx, input)?)
    }

    async fn simulate_principal_policy(&self, ctx: &RequestContext, input: SimulatePrincipalPolicyRequest) -> Result<SimulatePolicyResponse, SimulatePrincipalPolicyError> {
        Ok(simulate::simulate_principal_policy(ctx, input)?)
    }

    async fn tag_instance_profile(&self, ctx: &RequestContext, input: TagInstanceProfileRequest) -> Result<(), TagInstanceProfileError> {
        Ok(instance_profiles::tag_instance_profile(ctx, input)?)
    }

    async fn tag_mfa_device(&self, ctx: &RequestContext, input: TagMfaDeviceRequest) -> Result<(), TagMfaDeviceError> {
        Ok(mfa::tag_mfa_device(ctx, input)?)
    }

    async fn tag_open_id_connect_provider(&self, ctx: &RequestContext, input: TagOpenIdConnectProviderRequest) -> Result<(), TagOpenIdConnectProviderError> {
        Ok(providers::tag_open_id_connect_provider(ctx, input)?)
    }

    async fn tag_policy(&self, ctx: &RequestContext, input: TagPolicyRequest) -> Result<(), TagPolicyError> {
        Ok(policies::tag_policy(ctx, input)?)
    }

    async fn tag_role(&self, ctx: &RequestContext, input: TagRoleRequest) -> Result<(), TagRoleError> {
        Ok(roles::tag_role(ctx, input)?)
    }

    async fn tag_saml_provider(&self, ctx: &RequestContext, input: TagSamlProviderRequest) -> Result<(), TagSamlProviderError> {
        Ok(providers::tag_saml_provider(ctx, input)?)
    }

    async fn tag_server_certificate(&self, ctx: &RequestContext, input: TagServerCertificateRequest) -> Result<(), TagServerCertificateError> {
        Ok(certificates::tag_server_certificate(ctx, input)?)
    }

    async fn tag_user(&self, ctx: &RequestContext, input: TagUserRequest) -> Result<(), TagUserError> {
        Ok(users::tag_user(ctx, input)?)
    }

    async fn untag_instance_profile(&self, ctx: &RequestContext, input: UntagInstanceProfileRequest) -> Result<(), UntagInstanceProfileError> {
        Ok(instance_profiles::untag_instance_profile(ctx, input)?)
    }

    async fn untag_mfa_device(&self, ctx: &RequestContext, input: UntagMfaDeviceRequest) -> Result<(), UntagMfaDeviceError> {
        Ok(mfa::untag_mfa_device(ctx, input)?)
    }

    async fn untag_open_id_connect_provider(&self, ctx: &RequestContext, input: UntagOpenIdConnectProviderRequest) -> Result<(), UntagOpenIdConnectProviderError> {
        Ok(providers::untag_open_id_connect_provider(ctx, input)?)
    }

    async fn untag_policy(&self, ctx: &RequestContext, input: UntagPolicyRequest) -> Result<(), UntagPolicyError> {
        Ok(policies::untag_policy(ctx, input)?)
    }

    async fn untag_role(&self, ctx: &RequestContext, input: UntagRoleRequest) -> Result<(), UntagRoleError> {
        Ok(roles::untag_role(ctx, input)?)
    }

    async fn untag_saml_provider(&self, ctx: &RequestContext, input: UntagSamlProviderRequest) -> Result<(), UntagSamlProviderError> {
        Ok(providers::untag_saml_provider(ctx, input)?)
    }

    async fn untag_server_certificate(&self, ctx: &RequestContext, input: UntagServerCertificateRequest) -> Result<(), UntagServerCertificateError> {
        Ok(certificates::untag_server_certificate(ctx, input)?)
    }

    async fn untag_user(&self, ctx: &RequestContext, input: UntagUserRequest) -> Result<(), UntagUserError> {
        Ok(users::untag_user(ctx, input)?)
    }

    async fn update_access_key(&self, ctx: &RequestContext, input: UpdateAccessKeyRequest) -> Result<(), UpdateAccessKeyError> {
        Ok(keys::update_access_key(ctx, input)?)
    }

    async fn update_account_password_policy(&self, ctx: &RequestContext, input: UpdateAccountPasswordPolicyRequest) -> Result<(), UpdateAccountPasswordPolicyError> {
        Ok(account::update_account_password_policy(ctx, input)?)
    }

    async fn update_assume_role_policy(&self, ctx: &RequestContext, input: UpdateAssumeRolePolicyRequest) -> Result<(), UpdateAssumeRolePolicyError> {
        Ok(roles::update_assume_role_policy(ctx, input)?)
    }

    async fn update_group(&self, ctx: &RequestContext, input: UpdateGroupRequest) -> Result<(), UpdateGroupError> {
        Ok(groups::update_group(ctx, input)?)
    }

    async fn update_login_profile(&self, ctx: &RequestContext, input: UpdateLoginProfileRequest) -> Result<(), UpdateLoginProfileError> {
        Ok(keys::update_login_profile(ctx, input)?)
    }

    async fn update_open_id_connect_provider_thumbprint(&self, ctx: &RequestContext, input: UpdateOpenIdConnectProviderThumbprintRequest) -> Result<(), UpdateOpenIdConnectProviderThumbprintError> {
        Ok(providers::update_open_id_connect_provider_thumbprint(ctx, input)?)
    }

    async fn update_role(&self, ctx: &RequestContext, input: UpdateRoleRequest) -> Result<UpdateRoleResponse, UpdateRoleError> {
        Ok(roles::update_role(ctx, input)?)
    }

    async fn update_role_description(&self, ctx: &RequestContext, input: UpdateRoleDescriptionRequest) -> Result<UpdateRoleDescriptionResponse, UpdateRoleDescriptionError> {
        Ok(roles::update_role_description(ctx, input)?)
    }

    async fn update_saml_provider(&self, ctx: &RequestContext, input: UpdateSamlProviderRequest) -> Result<UpdateSamlProviderResponse, UpdateSamlProviderError> {
        Ok(providers::update_saml_provider(ctx, input)?)
    }

    async fn update_ssh_public_key(&self, ctx: &RequestContext, input: UpdateSshPublicKeyRequest) -> Result<(), UpdateSshPublicKeyError> {
        Ok(keys::update_ssh_public_key(ctx, input)?)
    }

    async fn update_server_certificate(&self, ctx: &RequestContext, input: UpdateServerCertificateRequest) -> Result<(), UpdateServerCertificateError> {
        Ok(certificates::update_server_certificate(ctx, input)?)
    }

    async fn update_service_specific_credential(&self, ctx: &RequestContext, input: UpdateServiceSpecificCredentialRequest) -> Result<(), UpdateServiceSpecificCredentialError> {
        Ok(keys::update_service_specific_credential(ctx, input)?)
    }

    async fn update_signing_certificate(&self, ctx: &RequestContext, input: UpdateSigningCertificateRequest) -> Result<(), UpdateSigningCertificateError> {
        Ok(keys::update_signing_certificate(ctx, input)?)
    }

    async fn update_user(&self, ctx: &RequestContext, input: UpdateUserRequest) -> Result<(), UpdateUserError> {
        Ok(users::update_user(ctx, input)?)
    }

    async fn upload_ssh_public_key(&self, ctx: &RequestContext, input: UploadSshPublicKeyRequest) -> Result<UploadSshPublicKeyResponse, UploadSshPublicKeyError> {
        Ok(keys::upload_ssh_public_key(ctx, input)?)
    }

    async fn upload_server_certificate(&self, ctx: &RequestContext, input: UploadServerCertificateRequest) -> Result<UploadServerCertificateResponse, UploadServerCertificateError> {
        Ok(certificates::upload_server_certificate(ctx, input)?)
    }

    async fn upload_signing_certificate(&self, ctx: &RequestContext, input: UploadSigningCertificateRequest) -> Result<UploadSigningCertificateResponse, UploadSigningCertificateError> {
        Ok(keys::upload_signing_certificate(ctx, input)?)
    }
}
