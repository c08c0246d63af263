//! Access Advisor: which services an entity's policies grant
//! (ListPoliciesGrantingServiceAccess, service-last-accessed jobs).
//!
//! Simfra does not track per-service authentication history, so every
//! service is reported as not accessed in the tracking period, which is what
//! AWS reports for entities that have not used a service.

use crate::common::*;
use simfra_gen_iam::types::*;
use simfra_identity::iam::{self as store, key, IamData};
use simfra_model::{RequestContext, ServiceError};
use simfra_policy::{Effect, Policy};
use std::sync::Arc;

/// Service namespaces and the names Access Advisor shows for them.
const SERVICES: &[(&str, &str)] = &[
    ("acm", "AWS Certificate Manager"),
    ("apigateway", "Amazon API Gateway"),
    ("athena", "Amazon Athena"),
    ("autoscaling", "Amazon EC2 Auto Scaling"),
    ("backup", "AWS Backup"),
    ("batch", "AWS Batch"),
    ("bedrock", "Amazon Bedrock"),
    ("cloudformation", "AWS CloudFormation"),
    ("cloudfront", "Amazon CloudFront"),
    ("cloudtrail", "AWS CloudTrail"),
    ("cloudwatch", "Amazon CloudWatch"),
    ("codebuild", "AWS CodeBuild"),
    ("codecommit", "AWS CodeCommit"),
    ("codedeploy", "AWS CodeDeploy"),
    ("codepipeline", "AWS CodePipeline"),
    ("cognito-identity", "Amazon Cognito Identity"),
    ("cognito-idp", "Amazon Cognito User Pools"),
    ("config", "AWS Config"),
    ("dynamodb", "Amazon DynamoDB"),
    ("ec2", "Amazon EC2"),
    ("ecr", "Amazon Elastic Container Registry"),
    ("ecs", "Amazon Elastic Container Service"),
    ("eks", "Amazon Elastic Kubernetes Service"),
    ("elasticache", "Amazon ElastiCache"),
    ("elasticfilesystem", "Amazon Elastic File System"),
    ("elasticloadbalancing", "Elastic Load Balancing"),
    ("elasticmapreduce", "Amazon EMR"),
    ("es", "Amazon OpenSearch Service"),
    ("events", "Amazon EventBridge"),
    ("firehose", "Amazon Data Firehose"),
    ("glue", "AWS Glue"),
    ("iam", "AWS Identity and Access Management"),
    ("kinesis", "Amazon Kinesis"),
    ("kms", "AWS Key Management Service"),
    ("lambda", "AWS Lambda"),
    ("logs", "Amazon CloudWatch Logs"),
    ("organizations", "AWS Organizations"),
    ("rds", "Amazon RDS"),
    ("redshift", "Amazon Redshift"),
    ("route53", "Amazon Route 53"),
    ("s3", "Amazon S3"),
    ("secretsmanager", "AWS Secrets Manager"),
    ("ses", "Amazon SES"),
    ("sns", "Amazon SNS"),
    ("sqs", "Amazon SQS"),
    ("ssm", "AWS Systems Manager"),
    ("states", "AWS Step Functions"),
    ("sts", "AWS Security Token Service"),
    ("xray", "AWS X-Ray"),
];

/// Whether a statement's actions reach into a service namespace.
fn grants_service(policy: &Policy, namespace: &str) -> bool {
    policy.statements.iter().filter(|s| s.effect == Effect::Allow).any(|s| {
        let matches = |pattern: &str| {
            let prefix = pattern.split(':').next().unwrap_or(pattern);
            pattern == "*" || simfra_policy::glob_match(&prefix.to_ascii_lowercase(), namespace, true)
        };
        if s.not_action {
            // NotAction grants the service unless it excludes all of it.
            !s.actions.iter().any(|a| a == "*" || a.eq_ignore_ascii_case(&format!("{namespace}:*")))
        } else {
            s.actions.iter().any(|a| matches(a))
        }
    })
}

/// A policy that applies to an entity, for ListPoliciesGrantingServiceAccess.
struct Granting {
    name: String,
    arn: Option<String>,
    /// The user, group or role it is attached to or embedded in.
    entity: (PolicyOwnerEntityType, String),
    policy: Arc<Policy>,
}

fn policy_name(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_string()
}

fn entity_policies(d: &IamData, kind: PolicyOwnerEntityType, name: &str, inline: &std::collections::BTreeMap<String, store::InlinePolicy>, attached: &[String]) -> Vec<Granting> {
    let mut out: Vec<Granting> = inline
        .values()
        .map(|p| Granting { name: p.name.clone(), arn: None, entity: (kind.clone(), name.to_string()), policy: p.document.parsed.clone() })
        .collect();
    for arn in attached {
        if let Some(p) = d.managed_document(arn) {
            out.push(Granting { name: policy_name(arn), arn: Some(arn.clone()), entity: (kind.clone(), name.to_string()), policy: p });
        }
    }
    out
}

/// The policies that apply to the user, group or role an ARN names.
fn policies_of(d: &IamData, arn: &str) -> R<Vec<Granting>> {
    let resource = arn.splitn(6, ':').nth(5).unwrap_or("");
    let name = resource.rsplit('/').next().unwrap_or("");
    let missing = || no_such_entity(format!("The entity with ARN {arn} cannot be found."));
    if resource.starts_with("user/") {
        let u = d.users.get(&key(name)).filter(|u| u.arn == arn).ok_or_else(missing)?;
        let mut out = entity_policies(d, PolicyOwnerEntityType::User, &u.name, &u.inline, &u.attached);
        for g in d.groups_of(&key(&u.name)) {
            out.extend(entity_policies(d, PolicyOwnerEntityType::Group, &g.name, &g.inline, &g.attached));
        }
        Ok(out)
    } else if resource.starts_with("group/") {
        let g = d.groups.get(&key(name)).filter(|g| g.arn == arn).ok_or_else(missing)?;
        Ok(entity_policies(d, PolicyOwnerEntityType::Group, &g.name, &g.inline, &g.attached))
    } else if resource.starts_with("role/") {
        let r = d.roles.get(&key(name)).filter(|r| r.arn == arn).ok_or_else(missing)?;
        Ok(entity_policies(d, PolicyOwnerEntityType::Role, &r.name, &r.inline, &r.attached))
    } else if resource.starts_with("policy/") || arn.starts_with("arn:aws:iam::aws:policy/") {
        let p = d.managed_document(arn).ok_or_else(missing)?;
        Ok(vec![Granting { name: policy_name(arn), arn: Some(arn.to_string()), entity: (PolicyOwnerEntityType::User, String::new()), policy: p }])
    } else {
        Err(invalid_input(format!("ARN {arn} is not valid.")))
    }
}

pub fn list_policies_granting_service_access(
    ctx: &RequestContext,
    input: ListPoliciesGrantingServiceAccessRequest,
) -> R<ListPoliciesGrantingServiceAccessResponse> {
    let st = state(ctx);
    let d = st.read();
    let policies = policies_of(&d, &input.arn)?;
    let entries = input
        .service_namespaces
        .iter()
        .map(|ns| ListPoliciesGrantingServiceAccessEntry {
            service_namespace: Some(ns.clone()),
            policies: Some(
                policies
                    .iter()
                    .filter(|g| grants_service(&g.policy, &ns.to_ascii_lowercase()))
                    .map(|g| PolicyGrantingServiceAccess {
                        policy_name: g.name.clone(),
                        policy_type: if g.arn.is_some() { PolicyType::Managed } else { PolicyType::Inline },
                        policy_arn: g.arn.clone(),
                        // Managed policies are not embedded in an entity.
                        entity_type: g.arn.is_none().then(|| g.entity.0.clone()),
                        entity_name: g.arn.is_none().then(|| g.entity.1.clone()),
                    })
                    .collect(),
            ),
        })
        .collect();
    Ok(ListPoliciesGrantingServiceAccessResponse { policies_granting_service_access: entries, is_truncated: Some(false), marker: None })
}

pub fn generate_service_last_accessed_details(
    ctx: &RequestContext,
    input: GenerateServiceLastAccessedDetailsRequest,
) -> R<GenerateServiceLastAccessedDetailsResponse> {
    let st = state(ctx);
    let mut d = st.write();
    policies_of(&d, &input.arn)?;
    let job_id = crate::roles::uuid();
    let action_level = matches!(input.granularity, Some(AccessAdvisorUsageGranularityType::ActionLevel));
    d.access_jobs.insert(job_id.clone(), store::AccessJob { arn: input.arn, action_level, created: now() });
    Ok(GenerateServiceLastAccessedDetailsResponse { job_id: Some(job_id) })
}

fn no_such_job(id: &str) -> ServiceError {
    no_such_entity(format!("The job with id {id} cannot be found."))
}

pub fn get_service_last_accessed_details(
    ctx: &RequestContext,
    input: GetServiceLastAccessedDetailsRequest,
) -> R<GetServiceLastAccessedDetailsResponse> {
    let st = state(ctx);
    let d = st.read();
    let job = d.access_jobs.get(&input.job_id).ok_or_else(|| no_such_job(&input.job_id))?;
    // The entity may have been deleted since: then nothing is granted.
    let policies = policies_of(&d, &job.arn).unwrap_or_default();
    let services: Vec<ServiceLastAccessed> = SERVICES
        .iter()
        .filter(|(ns, _)| policies.iter().any(|g| grants_service(&g.policy, ns)))
        .map(|(ns, name)| ServiceLastAccessed {
            service_name: name.to_string(),
            service_namespace: ns.to_string(),
            total_authenticated_entities: Some(0),
            tracked_actions_last_accessed: job.action_level.then(Vec::new),
            ..Default::default()
        })
        .collect();
    let page = paginate(services, |s| s.service_namespace.clone(), input.marker.as_deref(), input.max_items)?;
    let truncated = page.is_truncated();
    Ok(GetServiceLastAccessedDetailsResponse {
        job_status: JobStatusType::Completed,
        job_type: Some(if job.action_level { AccessAdvisorUsageGranularityType::ActionLevel } else { AccessAdvisorUsageGranularityType::ServiceLevel }),
        job_creation_date: ts(job.created),
        services_last_accessed: page.items,
        job_completion_date: ts(job.created),
        is_truncated: truncated,
        marker: page.marker,
        error: None,
    })
}

pub fn get_service_last_accessed_details_with_entities(
    ctx: &RequestContext,
    input: GetServiceLastAccessedDetailsWithEntitiesRequest,
) -> R<GetServiceLastAccessedDetailsWithEntitiesResponse> {
    let st = state(ctx);
    let d = st.read();
    let job = d.access_jobs.get(&input.job_id).ok_or_else(|| no_such_job(&input.job_id))?;
    Ok(GetServiceLastAccessedDetailsWithEntitiesResponse {
        job_status: JobStatusType::Completed,
        job_creation_date: ts(job.created),
        job_completion_date: ts(job.created),
        entity_details_list: Vec::new(),
        is_truncated: Some(false),
        marker: None,
        error: None,
    })
}

/// Organizations access reports need an organization.
fn no_organization() -> ServiceError {
    OrganizationNotFoundException { message: Some("The request failed because your account is not a member of an organization.".into()) }.into()
}

pub fn generate_organizations_access_report(
    _ctx: &RequestContext,
    _input: GenerateOrganizationsAccessReportRequest,
) -> R<GenerateOrganizationsAccessReportResponse> {
    Err(no_organization())
}

pub fn get_organizations_access_report(ctx: &RequestContext, input: GetOrganizationsAccessReportRequest) -> R<GetOrganizationsAccessReportResponse> {
    let _ = ctx;
    Err(no_such_job(&input.job_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_services_a_policy_reaches() {
        let p = simfra_policy::parse(r#"{"Statement":[{"Effect":"Allow","Action":["s3:Get*","sq*:Send*"],"Resource":"*"},{"Effect":"Deny","Action":"ec2:*","Resource":"*"}]}"#).unwrap();
        assert!(grants_service(&p, "s3"));
        assert!(grants_service(&p, "sqs"));
        assert!(!grants_service(&p, "ec2"));
        let not = simfra_policy::parse(r#"{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#).unwrap();
        assert!(grants_service(&not, "s3"));
        assert!(!grants_service(&not, "iam"));
    }
}
