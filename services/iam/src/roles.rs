//! IAM roles: trust policies, session duration, boundaries, tags, and the
//! service-linked roles AWS services create for themselves (read-only to the
//! account: only their service may change them).

use crate::common::*;
use crate::policies::resolve_boundary;
use crate::shapes::{self, Detail};
use simfra_gen_iam::types::*;
use simfra_identity::iam::{self as store, key, IamData};
use simfra_model::RequestContext;
use std::collections::BTreeMap;

const ROLES_QUOTA: usize = 1000;
const TRUST_POLICY_SIZE: usize = 2048;

pub fn get<'a>(d: &'a IamData, name: &str) -> R<&'a store::Role> {
    d.roles.get(&key(name)).ok_or_else(|| no_such_role(name))
}

/// A role the account may change (not a service-linked one).
pub fn get_mut<'a>(d: &'a mut IamData, name: &str) -> R<&'a mut store::Role> {
    let r = d.roles.get_mut(&key(name)).ok_or_else(|| no_such_role(name))?;
    if r.linked_service().is_some() {
        return Err(protected_role(&r.name));
    }
    Ok(r)
}

fn check_trust_size(text: &str) -> R<()> {
    if crate::policies::policy_size(text) > TRUST_POLICY_SIZE {
        return Err(limit_exceeded(format!("Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_SIZE}")));
    }
    Ok(())
}

struct NewRole {
    name: String,
    path: String,
    trust: store::Document,
    description: Option<String>,
    max_session_duration: i32,
    boundary: Option<String>,
    tags: store::Tags,
    attached: Vec<String>,
}

fn insert(ctx: &RequestContext, d: &mut IamData, r: NewRole) -> R<store::Role> {
    if d.roles.len() >= ROLES_QUOTA {
        return Err(limit_exceeded(format!("Cannot exceed quota for RolesPerAccount: {ROLES_QUOTA}")));
    }
    let role = store::Role {
        arn: arn(&ctx.account_id, "role", &r.path, &r.name),
        id: unique_id("AROA"),
        name: r.name,
        path: r.path,
        created: now(),
        trust: r.trust,
        description: r.description,
        max_session_duration: r.max_session_duration,
        boundary: r.boundary,
        tags: r.tags,
        inline: BTreeMap::new(),
        attached: r.attached,
    };
    d.roles.insert(key(&role.name), role.clone());
    Ok(role)
}

pub fn create_role(ctx: &RequestContext, input: CreateRoleRequest) -> R<CreateRoleResponse> {
    let path = path_or_root(input.path);
    check_path(&path)?;
    let trust = trust_document(&input.assume_role_policy_document)?;
    check_trust_size(&input.assume_role_policy_document)?;
    let st = state(ctx);
    let mut d = st.write();
    if d.roles.contains_key(&key(&input.role_name)) {
        return Err(already_exists(format!("Role with name {} already exists.", input.role_name)));
    }
    let boundary = input.permissions_boundary.as_deref().map(|b| resolve_boundary(&d, &ctx.account_id, b)).transpose()?;
    let mut tags = store::Tags::default();
    apply_tags(&mut tags, input.tags.as_deref().unwrap_or(&[]))?;
    let role = insert(
        ctx,
        &mut d,
        NewRole {
            name: input.role_name,
            path,
            trust,
            description: input.description,
            max_session_duration: input.max_session_duration.unwrap_or(3600),
            boundary,
            tags,
            attached: Vec::new(),
        },
    )?;
    // CreateRole answers without RoleLastUsed.
    let mut shown = shapes::role(&st, &role, Detail::Full);
    shown.role_last_used = None;
    Ok(CreateRoleResponse { role: shown })
}

pub fn get_role(ctx: &RequestContext, input: GetRoleRequest) -> R<GetRoleResponse> {
    let st = state(ctx);
    let d = st.read();
    Ok(GetRoleResponse { role: shapes::role(&st, get(&d, &input.role_name)?, Detail::Full) })
}

pub fn list_roles(ctx: &RequestContext, input: ListRolesRequest) -> R<ListRolesResponse> {
    let st = state(ctx);
    let d = st.read();
    let all: Vec<&store::Role> = d.roles.values().filter(|r| path_matches(&r.path, input.path_prefix.as_deref())).collect();
    let page = paginate(all, |r| key(&r.name), input.marker.as_deref(), input.max_items)?;
    Ok(ListRolesResponse {
        roles: page.items.iter().map(|r| shapes::role(&st, r, Detail::Listed)).collect(),
        is_truncated: page.is_truncated(),
        marker: page.marker.clone(),
    })
}

pub fn update_role(ctx: &RequestContext, input: UpdateRoleRequest) -> R<UpdateRoleResponse> {
    let st = state(ctx);
    let mut d = st.write();
    let r = d.roles.get_mut(&key(&input.role_name)).ok_or_else(|| no_such_role(&input.role_name))?;
    // A service-linked role's description may be edited, nothing else.
    if r.linked_service().is_some() && input.max_session_duration.is_some() {
        return Err(protected_role(&r.name));
    }
    if let Some(desc) = input.description {
        r.description = Some(desc).filter(|s| !s.is_empty());
    }
    if let Some(m) = input.max_session_duration {
        r.max_session_duration = m;
    }
    Ok(UpdateRoleResponse {})
}

pub fn update_role_description(ctx: &RequestContext, input: UpdateRoleDescriptionRequest) -> R<UpdateRoleDescriptionResponse> {
    let st = state(ctx);
    let mut d = st.write();
    let r = d.roles.get_mut(&key(&input.role_name)).ok_or_else(|| no_such_role(&input.role_name))?;
    r.description = Some(input.description).filter(|s| !s.is_empty());
    let r = r.clone();
    Ok(UpdateRoleDescriptionResponse { role: Some(shapes::role(&st, &r, Detail::Full)) })
}

pub fn update_assume_role_policy(ctx: &RequestContext, input: UpdateAssumeRolePolicyRequest) -> R<()> {
    let trust = trust_document(&input.policy_document)?;
    check_trust_size(&input.policy_document)?;
    let st = state(ctx);
    let mut d = st.write();
    get_mut(&mut d, &input.role_name)?.trust = trust;
    Ok(())
}

/// Why a role cannot be deleted yet, in AWS's words.
fn delete_blocker(d: &IamData, r: &store::Role) -> Option<&'static str> {
    let k = key(&r.name);
    if d.instance_profiles.values().any(|ip| ip.roles.contains(&k)) {
        Some("Cannot delete entity, must remove roles from instance profile first.")
    } else if !r.inline.is_empty() {
        Some("Cannot delete entity, must delete policies first.")
    } else if !r.attached.is_empty() {
        Some("Cannot delete entity, must detach all policies first.")
    } else {
        None
    }
}

pub fn delete_role(ctx: &RequestContext, input: DeleteRoleRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    let r = get(&d, &input.role_name)?;
    if r.linked_service().is_some() {
        return Err(protected_role(&r.name));
    }
    if let Some(m) = delete_blocker(&d, r) {
        return Err(delete_conflict(m));
    }
    d.roles.remove(&key(&input.role_name));
    st.forget_role_use(&input.role_name);
    Ok(())
}

pub fn tag_role(ctx: &RequestContext, input: TagRoleRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    let r = d.roles.get_mut(&key(&input.role_name)).ok_or_else(|| no_such_role(&input.role_name))?;
    apply_tags(&mut r.tags, &input.tags)
}

pub fn untag_role(ctx: &RequestContext, input: UntagRoleRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    let r = d.roles.get_mut(&key(&input.role_name)).ok_or_else(|| no_such_role(&input.role_name))?;
    r.tags.remove(&input.tag_keys);
    Ok(())
}

pub fn list_role_tags(ctx: &RequestContext, input: ListRoleTagsRequest) -> R<ListRoleTagsResponse> {
    let st = state(ctx);
    let d = st.read();
    let (tags, is_truncated, marker) = list_tags(&get(&d, &input.role_name)?.tags, input.marker.as_deref(), input.max_items)?;
    Ok(ListRoleTagsResponse { tags, is_truncated, marker })
}

pub fn put_role_permissions_boundary(ctx: &RequestContext, input: PutRolePermissionsBoundaryRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    get_mut(&mut d, &input.role_name)?;
    let arn = resolve_boundary(&d, &ctx.account_id, &input.permissions_boundary)?;
    get_mut(&mut d, &input.role_name)?.boundary = Some(arn);
    Ok(())
}

pub fn delete_role_permissions_boundary(ctx: &RequestContext, input: DeleteRolePermissionsBoundaryRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    get_mut(&mut d, &input.role_name)?.boundary = None;
    Ok(())
}

// ------------------------------------------------------ service-linked roles

/// A service's service-linked role: its name after `AWSServiceRoleFor`, and
/// the AWS managed policy (under `/aws-service-role/`) AWS attaches to it.
struct LinkedRole {
    service: &'static str,
    suffix: &'static str,
    policy: &'static str,
}

const LINKED_ROLES: &[LinkedRole] = &[
    LinkedRole { service: "autoscaling.amazonaws.com", suffix: "AutoScaling", policy: "AutoScalingServiceRolePolicy" },
    LinkedRole { service: "ecs.amazonaws.com", suffix: "ECS", policy: "AmazonECSServiceRolePolicy" },
    LinkedRole { service: "eks.amazonaws.com", suffix: "AmazonEKS", policy: "AmazonEKSServiceRolePolicy" },
    LinkedRole { service: "eks-nodegroup.amazonaws.com", suffix: "AmazonEKSNodegroup", policy: "AWSServiceRoleForAmazonEKSNodegroup" },
    LinkedRole { service: "eks-fargate.amazonaws.com", suffix: "AmazonEKSForFargate", policy: "AmazonEKSForFargateServiceRolePolicy" },
    LinkedRole {
        service: "elasticloadbalancing.amazonaws.com",
        suffix: "ElasticLoadBalancing",
        policy: "AWSElasticLoadBalancingServiceRolePolicy",
    },
    LinkedRole { service: "rds.amazonaws.com", suffix: "RDS", policy: "AmazonRDSServiceRolePolicy" },
    LinkedRole { service: "spot.amazonaws.com", suffix: "EC2Spot", policy: "AWSEC2SpotServiceRolePolicy" },
    LinkedRole { service: "spotfleet.amazonaws.com", suffix: "EC2SpotFleet", policy: "AWSEC2SpotFleetServiceRolePolicy" },
    LinkedRole { service: "organizations.amazonaws.com", suffix: "Organizations", policy: "AWSOrganizationsServiceTrustPolicy" },
    LinkedRole { service: "elasticache.amazonaws.com", suffix: "ElastiCache", policy: "ElastiCacheServiceRolePolicy" },
    LinkedRole { service: "es.amazonaws.com", suffix: "AmazonOpenSearchService", policy: "AmazonOpenSearchServiceRolePolicy" },
    LinkedRole { service: "opensearchservice.amazonaws.com", suffix: "AmazonOpenSearchService", policy: "AmazonOpenSearchServiceRolePolicy" },
    LinkedRole {
        service: "dynamodb.application-autoscaling.amazonaws.com",
        suffix: "ApplicationAutoScaling_DynamoDBTable",
        policy: "AWSApplicationAutoscalingDynamoDBTablePolicy",
    },
    LinkedRole {
        service: "ecs.application-autoscaling.amazonaws.com",
        suffix: "ApplicationAutoScaling_ECSService",
        policy: "AWSApplicationAutoscalingECSServicePolicy",
    },
    LinkedRole {
        service: "lambda.application-autoscaling.amazonaws.com",
        suffix: "ApplicationAutoScaling_LambdaConcurrency",
        policy: "AWSApplicationAutoscalingLambdaConcurrencyPolicy",
    },
    LinkedRole { service: "replicator.lambda.amazonaws.com", suffix: "LambdaReplicator", policy: "AWSLambdaReplicator" },
    LinkedRole { service: "config.amazonaws.com", suffix: "Config", policy: "AWSConfigServiceRolePolicy" },
    LinkedRole { service: "cloudtrail.amazonaws.com", suffix: "CloudTrail", policy: "CloudTrailServiceRolePolicy" },
    LinkedRole { service: "guardduty.amazonaws.com", suffix: "AmazonGuardDuty", policy: "AmazonGuardDutyServiceRolePolicy" },
    LinkedRole { service: "securityhub.amazonaws.com", suffix: "SecurityHub", policy: "AWSSecurityHubServiceRolePolicy" },
    LinkedRole { service: "support.amazonaws.com", suffix: "Support", policy: "AWSSupportServiceRolePolicy" },
    LinkedRole { service: "trustedadvisor.amazonaws.com", suffix: "TrustedAdvisor", policy: "AWSTrustedAdvisorServiceRolePolicy" },
    LinkedRole { service: "sso.amazonaws.com", suffix: "SSO", policy: "AWSSSOServiceRolePolicy" },
    LinkedRole { service: "elasticbeanstalk.amazonaws.com", suffix: "ElasticBeanstalk", policy: "AWSElasticBeanstalkServiceRolePolicy" },
    LinkedRole { service: "elasticmapreduce.amazonaws.com", suffix: "EMRCleanup", policy: "AmazonEMRCleanupPolicy" },
    LinkedRole { service: "transitgateway.amazonaws.com", suffix: "VPCTransitGateway", policy: "AWSVPCTransitGatewayServiceRolePolicy" },
    LinkedRole { service: "ops.apigateway.amazonaws.com", suffix: "APIGateway", policy: "APIGatewayServiceRolePolicy" },
    LinkedRole { service: "ssm.amazonaws.com", suffix: "AmazonSSM", policy: "AmazonSSMServiceRolePolicy" },
    LinkedRole { service: "backup.amazonaws.com", suffix: "Backup", policy: "AWSBackupServiceLinkedRolePolicyForBackup" },
    LinkedRole { service: "kafka.amazonaws.com", suffix: "Kafka", policy: "KafkaServiceRolePolicy" },
    LinkedRole { service: "redshift.amazonaws.com", suffix: "Redshift", policy: "AmazonRedshiftServiceLinkedRolePolicy" },
    LinkedRole { service: "batch.amazonaws.com", suffix: "Batch", policy: "BatchServiceRolePolicy" },
    LinkedRole { service: "delivery.logs.amazonaws.com", suffix: "LogDelivery", policy: "AWSServiceRoleForLogDeliveryPolicy" },
    LinkedRole { service: "dax.amazonaws.com", suffix: "DAX", policy: "AmazonDAXServiceRolePolicy" },
    LinkedRole { service: "acm.amazonaws.com", suffix: "CertificateManager", policy: "CertificateManagerServiceRolePolicy" },
    LinkedRole { service: "fsx.amazonaws.com", suffix: "AmazonFSx", policy: "AWSServiceRoleForAmazonFSx" },
    LinkedRole {
        service: "elasticfilesystem.amazonaws.com",
        suffix: "AmazonElasticFileSystem",
        policy: "AmazonElasticFileSystemServiceRolePolicy",
    },
    LinkedRole { service: "replication.ecr.amazonaws.com", suffix: "ECRReplication", policy: "ECRReplicationServiceRolePolicy" },
    LinkedRole { service: "globalaccelerator.amazonaws.com", suffix: "GlobalAccelerator", policy: "AWSGlobalAcceleratorSLRPolicy" },
    LinkedRole { service: "cloudformation.amazonaws.com", suffix: "CloudFormationStackSetsOrgAdmin", policy: "AWSCloudFormationStackSetsOrgAdminServiceRolePolicy" },
];

/// The role name a service's linked role gets when the service is not in
/// the table: `AWSServiceRoleFor` and the service's first label, capitalised.
fn derived_suffix(service: &str) -> Option<String> {
    let label = service.strip_suffix(".amazonaws.com")?.split('.').next()?;
    let mut out = String::new();
    for part in label.split('-').filter(|p| !p.is_empty()) {
        let mut c = part.chars();
        if let Some(first) = c.next() {
            out.push(first.to_ascii_uppercase());
            out.push_str(c.as_str());
        }
    }
    (!out.is_empty()).then_some(out)
}

pub fn create_service_linked_role(ctx: &RequestContext, input: CreateServiceLinkedRoleRequest) -> R<CreateServiceLinkedRoleResponse> {
    let service = input.aws_service_name.trim().to_ascii_lowercase();
    let known = LINKED_ROLES.iter().find(|l| l.service == service);
    let suffix = match known {
        Some(l) => l.suffix.to_string(),
        None => derived_suffix(&service).ok_or_else(|| invalid_input(format!("Invalid service name: {}", input.aws_service_name)))?,
    };
    let mut name = format!("AWSServiceRoleFor{suffix}");
    if let Some(custom) = input.custom_suffix.as_deref().filter(|s| !s.is_empty()) {
        name = format!("{name}_{custom}");
    }
    let path = format!("/aws-service-role/{service}/");
    let trust_text = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let trust = trust_document(&trust_text)?;
    let st = state(ctx);
    let mut d = st.write();
    if d.roles.contains_key(&key(&name)) {
        return Err(invalid_input(format!("Service role name {name} has been taken in this account, please try a different suffix.")));
    }
    // The service's managed policy, where Simfra's catalogue has it.
    let attached: Vec<String> = known
        .map(|l| format!("arn:aws:iam::aws:policy/aws-service-role/{}", l.policy))
        .filter(|arn| simfra_identity::managed::by_arn(arn).is_some())
        .into_iter()
        .collect();
    let role = insert(
        ctx,
        &mut d,
        NewRole {
            name,
            path,
            trust,
            description: input.description.filter(|s| !s.is_empty()),
            max_session_duration: 3600,
            boundary: None,
            tags: store::Tags::default(),
            attached,
        },
    )?;
    let mut shown = shapes::role(&st, &role, Detail::Full);
    shown.role_last_used = None;
    Ok(CreateServiceLinkedRoleResponse { role: Some(shown) })
}

pub fn delete_service_linked_role(ctx: &RequestContext, input: DeleteServiceLinkedRoleRequest) -> R<DeleteServiceLinkedRoleResponse> {
    let st = state(ctx);
    let mut d = st.write();
    let r = get(&d, &input.role_name)?;
    let Some(service) = r.linked_service().map(str::to_string) else {
        return Err(invalid_input(format!("Role {} is not a service-linked role.", r.name)));
    };
    let task_id = format!("task{}{}/{}", r.path, r.name, uuid());
    let k = key(&r.name);
    // The service cleans up after its role: its policies go with it.
    let blocked = d.instance_profiles.values().any(|ip| ip.roles.contains(&k));
    let task = if blocked {
        store::DeletionTask { status: "FAILED".into(), reason: Some(format!("The role is in use by {service}.")) }
    } else {
        d.roles.remove(&k);
        st.forget_role_use(&input.role_name);
        store::DeletionTask { status: "SUCCEEDED".into(), reason: None }
    };
    d.deletion_tasks.insert(task_id.clone(), task);
    Ok(DeleteServiceLinkedRoleResponse { deletion_task_id: task_id })
}

pub fn get_service_linked_role_deletion_status(
    ctx: &RequestContext,
    input: GetServiceLinkedRoleDeletionStatusRequest,
) -> R<GetServiceLinkedRoleDeletionStatusResponse> {
    let st = state(ctx);
    let d = st.read();
    let t = d
        .deletion_tasks
        .get(&input.deletion_task_id)
        .ok_or_else(|| no_such_entity(format!("Deletion task {} cannot be found.", input.deletion_task_id)))?;
    Ok(GetServiceLinkedRoleDeletionStatusResponse {
        status: DeletionTaskStatusType::from(t.status.as_str()),
        reason: t.reason.as_ref().map(|r| DeletionTaskFailureReasonType { reason: Some(r.clone()), role_usage_list: None }),
    })
}

/// A random UUID (version 4), as IAM's task ids and SAML provider ids use.
pub use simfra_identity::ids::uuid;

#[cfg(test)]
mod tests {
    #[test]
    fn unknown_services_get_a_derived_role_name() {
        assert_eq!(super::derived_suffix("my-service.amazonaws.com").as_deref(), Some("MyService"));
        assert_eq!(super::derived_suffix("example.com"), None);
    }
}
