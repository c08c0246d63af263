//! Flows across modules, through the operation functions, against the
//! shared store (each test in an account of its own).

use crate::*;
use simfra_gen_iam::types::*;
use simfra_model::{Protocol, RequestContext};
use std::sync::Arc;

fn ctx(account: &str, principal: Option<&str>) -> RequestContext {
    RequestContext {
        request_id: "test".into(),
        account_id: account.into(),
        region: "us-east-1".into(),
        service: "iam",
        operation: "Test",
        protocol: Protocol::AwsQuery,
        host: "localhost".into(),
        access_key_id: None,
        principal_arn: principal.map(str::to_string),
        headers: Arc::new(Vec::new()),
        authorized_accounts: Vec::new(),
        answer_status: Default::default(),
    }
}

const DOC: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;

fn create_user(c: &RequestContext, name: &str) {
    users::create_user(c, CreateUserRequest { user_name: name.into(), ..Default::default() }).unwrap();
}

#[test]
fn attachment_counts_follow_attachments_and_deletions_wait_for_them() {
    let c = ctx("800000000001", None);
    create_user(&c, "ann");
    groups::create_group(&c, CreateGroupRequest { group_name: "devs".into(), ..Default::default() }).unwrap();
    let arn = policies::create_policy(&c, CreatePolicyRequest { policy_name: "p".into(), policy_document: DOC.into(), ..Default::default() })
        .unwrap()
        .policy
        .unwrap()
        .arn
        .unwrap();
    let count = || policies::get_policy(&c, GetPolicyRequest { policy_arn: arn.clone() }).unwrap().policy.unwrap().attachment_count;
    policies::attach_user_policy(&c, AttachUserPolicyRequest { user_name: "ANN".into(), policy_arn: arn.clone() }).unwrap();
    policies::attach_group_policy(&c, AttachGroupPolicyRequest { group_name: "devs".into(), policy_arn: arn.clone() }).unwrap();
    assert_eq!(count(), Some(2));
    let e = policies::delete_policy(&c, DeletePolicyRequest { policy_arn: arn.clone() }).unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("DeleteConflictException", 409));
    let e = users::delete_user(&c, DeleteUserRequest { user_name: "ann".into() }).unwrap_err();
    assert_eq!(e.message.as_deref(), Some("Cannot delete entity, must detach all policies first."));
    policies::detach_user_policy(&c, DetachUserPolicyRequest { user_name: "ann".into(), policy_arn: arn.clone() }).unwrap();
    policies::detach_group_policy(&c, DetachGroupPolicyRequest { group_name: "devs".into(), policy_arn: arn.clone() }).unwrap();
    assert_eq!(count(), Some(0));
    users::delete_user(&c, DeleteUserRequest { user_name: "ann".into() }).unwrap();
    policies::delete_policy(&c, DeletePolicyRequest { policy_arn: arn }).unwrap();
}

#[test]
fn a_renamed_user_keeps_its_keys_and_groups() {
    let c = ctx("800000000002", None);
    create_user(&c, "bob");
    groups::create_group(&c, CreateGroupRequest { group_name: "ops".into(), ..Default::default() }).unwrap();
    groups::add_user_to_group(&c, AddUserToGroupRequest { group_name: "ops".into(), user_name: "bob".into() }).unwrap();
    let key = keys::create_access_key(&c, CreateAccessKeyRequest { user_name: Some("bob".into()) }).unwrap().access_key;
    users::update_user(&c, UpdateUserRequest { user_name: "bob".into(), new_user_name: Some("robert".into()), new_path: Some("/x/".into()) })
        .unwrap();
    let cred = simfra_identity::credentials().lookup(&key.access_key_id).unwrap();
    assert_eq!(cred.principal_arn, "arn:aws:iam::800000000002:user/x/robert");
    assert!(matches!(cred.principal, simfra_identity::PrincipalKind::User { ref name, .. } if name == "robert"));
    let in_group = groups::get_group(&c, GetGroupRequest { group_name: "ops".into(), ..Default::default() }).unwrap().users;
    assert_eq!(in_group.iter().map(|u| u.user_name.as_str()).collect::<Vec<_>>(), vec!["robert"]);
    // Authorization sees the same user under its new name.
    assert!(simfra_identity::iam::user_policies("800000000002", "robert").is_some());
    assert!(simfra_identity::iam::user_policies("800000000002", "bob").is_none());
}

#[test]
fn calling_users_act_on_themselves_and_role_sessions_must_name_a_user() {
    let c = ctx("800000000003", None);
    create_user(&c, "carl");
    let as_carl = ctx("800000000003", Some("arn:aws:iam::800000000003:user/carl"));
    let key = keys::create_access_key(&as_carl, CreateAccessKeyRequest { user_name: None }).unwrap().access_key;
    assert_eq!(key.user_name, "carl");
    let as_role = ctx("800000000003", Some("arn:aws:sts::800000000003:assumed-role/R/s"));
    let e = keys::list_access_keys(&as_role, ListAccessKeysRequest::default()).unwrap_err();
    assert_eq!((e.code.as_str(), e.message.as_deref()), ("ValidationError", Some("Must specify userName when calling with non-User credentials")));
}

#[test]
fn service_linked_roles_carry_the_services_trust() {
    let c = ctx("800000000004", None);
    let role = roles::create_service_linked_role(&c, CreateServiceLinkedRoleRequest { aws_service_name: "ecs.amazonaws.com".into(), ..Default::default() })
        .unwrap()
        .role
        .unwrap();
    assert_eq!(role.role_name, "AWSServiceRoleForECS");
    let info = simfra_identity::iam::role("800000000004", "AWSServiceRoleForECS").unwrap();
    let req = simfra_policy::Request { action: "sts:AssumeRole".into(), resource: info.arn.clone(), service_principal: Some("ecs.amazonaws.com".into()), ..Default::default() };
    assert!(info.trust_policy.statements.iter().any(|s| s.applies(&req, true)));
}
