//! AssumeRoot: short privileged sessions as a member account's root user,
//! for the management account of an organization (or the account delegated
//! to administer IAM) to fix what only root can: an S3 bucket or SQS queue
//! policy that locks everyone out, the root user's own credentials.
//!
//! The session is scoped by one of AWS's root task policies. Those policies
//! are deny-only ("deny everything but these actions, and these only on the
//! root user"), applied on top of root's unlimited permissions; here they are
//! session policies that allow everything their denials leave, which comes to
//! the same. Organizations' SCPs still apply to the member account.

use simfra_policy::Policy;
use std::sync::Arc;

/// The service principal an account is registered as delegated administrator for.
const IAM_SERVICE_PRINCIPAL: &str = "iam.amazonaws.com";
/// "The value can range from 0 seconds up to the maximum session duration of 900 seconds."
pub const MAX_DURATION: i32 = 900;

const TASK_POLICY_PREFIX: &str = "arn:aws:iam::aws:policy/root-task/";

/// The documents of the root task policies (IAM User Guide, "AWS managed
/// policies for IAM"), by name.
const TASK_POLICIES: &[(&str, &str)] = &[
    (
        "IAMAuditRootUserCredentials",
        r#"[
  {"Sid": "DenyAllOtherActionsOnAnyResource", "Effect": "Deny", "Resource": "*",
   "NotAction": ["iam:ListAccessKeys", "iam:ListSigningCertificates", "iam:GetLoginProfile", "iam:ListMFADevices",
                 "iam:GetAccountSummary", "iam:GetUser", "iam:GetAccessKeyLastUsed"]},
  {"Sid": "DenyAuditingCredentialsOnNonRootUserResource", "Effect": "Deny", "NotResource": "arn:aws:iam::*:root",
   "Action": ["iam:ListAccessKeys", "iam:ListSigningCertificates", "iam:GetLoginProfile", "iam:ListMFADevices",
              "iam:GetUser", "iam:GetAccessKeyLastUsed"]}
]"#,
    ),
    (
        "IAMCreateRootUserPassword",
        r#"[
  {"Sid": "DenyAllOtherActionsOnAnyResource", "Effect": "Deny", "Resource": "*",
   "NotAction": ["iam:CreateLoginProfile", "iam:GetLoginProfile"]},
  {"Sid": "DenyCreatingPasswordOnNonRootUserResource", "Effect": "Deny", "NotResource": "arn:aws:iam::*:root",
   "Action": ["iam:CreateLoginProfile", "iam:GetLoginProfile"]}
]"#,
    ),
    (
        "IAMDeleteRootUserCredentials",
        r#"[
  {"Sid": "DenyAllOtherActionsOnAnyResource", "Effect": "Deny", "Resource": "*",
   "NotAction": ["iam:DeleteAccessKey", "iam:DeleteSigningCertificate", "iam:DeleteLoginProfile", "iam:DeactivateMFADevice",
                 "iam:ListAccessKeys", "iam:ListSigningCertificates", "iam:GetLoginProfile", "iam:ListMFADevices",
                 "iam:GetUser", "iam:GetAccessKeyLastUsed"]},
  {"Sid": "DenyDeletingRootUserCredentialsOnNonRootUserResource", "Effect": "Deny", "NotResource": "arn:aws:iam::*:root",
   "Action": ["iam:DeleteAccessKey", "iam:DeleteSigningCertificate", "iam:DeleteLoginProfile", "iam:DeactivateMFADevice",
              "iam:ListAccessKeys", "iam:ListSigningCertificates", "iam:GetLoginProfile", "iam:ListMFADevices",
              "iam:GetUser", "iam:GetAccessKeyLastUsed"]}
]"#,
    ),
    (
        "S3UnlockBucketPolicy",
        r#"[
  {"Sid": "DenyAllOtherActionsOnAnyResource", "Effect": "Deny", "Resource": "*",
   "NotAction": ["s3:DeleteBucketPolicy", "s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:ListAllMyBuckets"]},
  {"Sid": "DenyManagingBucketPolicyForNonRootCallers", "Effect": "Deny", "Resource": "*",
   "Action": ["s3:DeleteBucketPolicy", "s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:ListAllMyBuckets"],
   "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}}
]"#,
    ),
    // The guide shows this one's statements by name and purpose only; these
    // are they, over the actions removing a queue policy takes.
    (
        "SQSUnlockQueuePolicy",
        r#"[
  {"Sid": "DenyAllOtherActionsOnAnyResource", "Effect": "Deny", "Resource": "*",
   "NotAction": ["sqs:SetQueueAttributes", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueues"]},
  {"Sid": "DenyGettingQueueAttributesOnNonOwnQueue", "Effect": "Deny", "Resource": "*",
   "Action": ["sqs:GetQueueAttributes"],
   "Condition": {"StringNotEquals": {"aws:ResourceAccount": ["${aws:PrincipalAccount}"]}}},
  {"Sid": "DenyActionsForNonRootUser", "Effect": "Deny", "Resource": "*",
   "Action": ["sqs:SetQueueAttributes", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueues"],
   "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}}
]"#,
    ),
];

/// The session policy for a root task policy ARN: root's "everything" less
/// the task policy's denials. `None` for any other ARN.
pub fn task_policy(arn: &str) -> Option<Arc<Policy>> {
    let name = arn.strip_prefix(TASK_POLICY_PREFIX)?;
    let (_, denials) = TASK_POLICIES.iter().find(|(n, _)| *n == name)?;
    let document = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Sid": "RootUser", "Effect": "Allow", "Action": "*", "Resource": "*"}}, {}]}}"#,
        denials.trim().trim_start_matches('[').trim_end_matches(']')
    );
    simfra_policy::parse(&document).ok().map(Arc::new)
}

/// `123456789012` or `arn:aws:iam::123456789012:root` → the account.
pub fn target_account(target: &str) -> Option<&str> {
    let account = target.strip_prefix("arn:aws:iam::").and_then(|r| r.strip_suffix(":root")).unwrap_or(target);
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// Whether `caller_account` may open a root session in `target`: it manages
/// their organization, or is its delegated administrator for IAM, and the
/// target is another active member of that organization. The refusal says why.
pub fn may_assume_root(caller_account: &str, target: &str) -> Result<(), &'static str> {
    let data = simfra_identity::organizations::store().read();
    let org = data.org_of(caller_account).ok_or("The caller's account is not a member of an organization.")?;
    let manages = org.management_account_id == caller_account
        || org.delegated_admins.contains_key(&(caller_account.to_string(), IAM_SERVICE_PRINCIPAL.to_string()));
    if !manages {
        return Err("AssumeRoot can be called only from the organization's management account or its delegated administrator for IAM.");
    }
    let member = org.accounts.get(target).filter(|m| m.status == "ACTIVE");
    if member.is_none() || target == org.management_account_id {
        return Err("The target principal is not a member account of the caller's organization.");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_policy_parses_and_others_are_refused() {
        for (name, _) in TASK_POLICIES {
            let p = task_policy(&format!("{TASK_POLICY_PREFIX}{name}")).unwrap_or_else(|| panic!("{name} parses"));
            assert!(p.statements.len() >= 3, "{name}");
        }
        assert!(task_policy("arn:aws:iam::aws:policy/AdministratorAccess").is_none());
        assert!(task_policy("arn:aws:iam::aws:policy/root-task/Other").is_none());
    }

    #[test]
    fn target_principals_are_account_ids_or_root_arns() {
        assert_eq!(target_account("123456789012"), Some("123456789012"));
        assert_eq!(target_account("arn:aws:iam::123456789012:root"), Some("123456789012"));
        assert_eq!(target_account("arn:aws:iam::123456789012:user/x"), None);
        assert_eq!(target_account("12345"), None);
    }
}
