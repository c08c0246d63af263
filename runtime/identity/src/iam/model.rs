//! The IAM entities of one account, as plain data. The IAM service owns the
//! rules (names, limits, conflicts); this module only holds the state and
//! answers the questions other layers ask of it (which policies apply to a
//! principal, what a managed policy ARN resolves to).
//!
//! Entity maps are keyed by the lower-cased name: IAM names are unique
//! regardless of case ("bob" and "Bob" cannot both exist) and found
//! regardless of case, while the entity keeps the spelling it was created
//! with. Times are Unix seconds.

use simfra_policy::Policy;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// The map key of an IAM name.
pub fn key(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// A policy document as the caller gave it, and parsed.
#[derive(Debug, Clone)]
pub struct Document {
    pub text: String,
    pub parsed: Arc<Policy>,
}

/// An inline policy of a user, group or role.
#[derive(Debug, Clone)]
pub struct InlinePolicy {
    pub name: String,
    pub document: Document,
}

/// Tags in the order they were added; keys are matched without regard to case.
#[derive(Debug, Clone, Default)]
pub struct Tags(pub Vec<(String, String)>);

impl Tags {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.as_str())
    }
    /// Adds or replaces tags (a replaced tag keeps its place and the new spelling).
    pub fn set(&mut self, tags: impl IntoIterator<Item = (String, String)>) {
        for (k, v) in tags {
            match self.0.iter_mut().find(|(ek, _)| ek.eq_ignore_ascii_case(&k)) {
                Some(e) => *e = (k, v),
                None => self.0.push((k, v)),
            }
        }
    }
    pub fn remove(&mut self, keys: &[String]) {
        self.0.retain(|(k, _)| !keys.iter().any(|r| r.eq_ignore_ascii_case(k)));
    }
    /// How many tags there would be after `set(tags)`.
    pub fn count_after(&self, tags: &[(String, String)]) -> usize {
        let mut keys: Vec<String> = self.0.iter().map(|(k, _)| k.to_ascii_lowercase()).collect();
        for (k, _) in tags {
            let k = k.to_ascii_lowercase();
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        keys.len()
    }
}

/// When and where an access key or role was last used.
#[derive(Debug, Clone)]
pub struct LastUse {
    pub when: i64,
    pub service: String,
    pub region: String,
}

#[derive(Debug, Clone)]
pub struct AccessKey {
    pub id: String,
    pub active: bool,
    pub created: i64,
}

#[derive(Debug, Clone)]
pub struct LoginProfile {
    pub created: i64,
    pub password: String,
    pub password_reset_required: bool,
    pub password_last_changed: i64,
}

#[derive(Debug, Clone)]
pub struct SshPublicKey {
    /// `APKA…`
    pub id: String,
    pub body: String,
    pub fingerprint: String,
    pub active: bool,
    pub uploaded: i64,
}

#[derive(Debug, Clone)]
pub struct SigningCertificate {
    pub id: String,
    pub body: String,
    pub active: bool,
    pub uploaded: i64,
}

/// CodeCommit / Keyspaces / Bedrock credentials of a user.
#[derive(Debug, Clone)]
pub struct ServiceCredential {
    /// `ACCA…`
    pub id: String,
    pub service: String,
    pub service_user_name: Option<String>,
    pub password: Option<String>,
    pub alias: Option<String>,
    pub secret: Option<String>,
    pub created: i64,
    pub expires: Option<i64>,
    pub active: bool,
}

#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub id: String,
    pub path: String,
    pub arn: String,
    pub created: i64,
    pub password_last_used: Option<i64>,
    /// Permissions boundary: a managed policy ARN.
    pub boundary: Option<String>,
    pub tags: Tags,
    pub inline: BTreeMap<String, InlinePolicy>,
    /// Attached managed policy ARNs, in attachment order.
    pub attached: Vec<String>,
    pub access_keys: Vec<AccessKey>,
    pub login_profile: Option<LoginProfile>,
    /// Serial numbers of the MFA devices enabled for the user.
    pub mfa_devices: Vec<String>,
    pub ssh_keys: Vec<SshPublicKey>,
    pub signing_certificates: Vec<SigningCertificate>,
    pub service_credentials: Vec<ServiceCredential>,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    pub id: String,
    pub path: String,
    pub arn: String,
    pub created: i64,
    pub inline: BTreeMap<String, InlinePolicy>,
    pub attached: Vec<String>,
    /// Member users, by key.
    pub members: BTreeSet<String>,
}

#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    pub id: String,
    pub path: String,
    pub arn: String,
    pub created: i64,
    /// `AssumeRolePolicyDocument`.
    pub trust: Document,
    pub description: Option<String>,
    /// Seconds (3600 … 43200).
    pub max_session_duration: i32,
    pub boundary: Option<String>,
    pub tags: Tags,
    pub inline: BTreeMap<String, InlinePolicy>,
    pub attached: Vec<String>,
}

impl Role {
    /// The AWS service a service-linked role belongs to (`/aws-service-role/<service>/`).
    pub fn linked_service(&self) -> Option<&str> {
        self.path.strip_prefix("/aws-service-role/")?.strip_suffix('/').filter(|s| !s.is_empty())
    }
}

#[derive(Debug, Clone)]
pub struct PolicyVersion {
    /// `v1`, `v2` …
    pub id: String,
    pub document: Document,
    pub created: i64,
}

/// A customer managed policy.
#[derive(Debug, Clone)]
pub struct ManagedPolicy {
    pub name: String,
    pub id: String,
    pub path: String,
    pub arn: String,
    pub created: i64,
    pub updated: i64,
    pub description: Option<String>,
    pub default_version: String,
    /// Oldest first.
    pub versions: Vec<PolicyVersion>,
    /// The number the next version gets (versions are never renumbered).
    pub next_version: u32,
    pub tags: Tags,
}

impl ManagedPolicy {
    pub fn default_document(&self) -> Option<&Document> {
        self.versions.iter().find(|v| v.id == self.default_version).map(|v| &v.document)
    }
}

#[derive(Debug, Clone)]
pub struct InstanceProfile {
    pub name: String,
    pub id: String,
    pub path: String,
    pub arn: String,
    pub created: i64,
    /// Role keys (at most one).
    pub roles: Vec<String>,
    pub tags: Tags,
}

#[derive(Debug, Clone)]
pub struct OidcProvider {
    pub arn: String,
    /// As given, e.g. `https://token.actions.githubusercontent.com`.
    pub url: String,
    pub client_ids: Vec<String>,
    pub thumbprints: Vec<String>,
    pub created: i64,
    pub tags: Tags,
}

#[derive(Debug, Clone)]
pub struct SamlProvider {
    pub arn: String,
    pub name: String,
    pub uuid: String,
    pub metadata: String,
    pub created: i64,
    pub valid_until: i64,
    pub tags: Tags,
    pub assertion_encryption_mode: Option<String>,
    /// (key id, added at).
    pub private_keys: Vec<(String, i64)>,
}

#[derive(Debug, Clone)]
pub struct ServerCertificate {
    pub name: String,
    /// `ASCA…`
    pub id: String,
    pub path: String,
    pub arn: String,
    pub body: String,
    pub chain: Option<String>,
    pub uploaded: i64,
    pub expiration: Option<i64>,
    pub tags: Tags,
}

#[derive(Debug, Clone)]
pub struct VirtualMfaDevice {
    /// `arn:aws:iam::123456789012:mfa/name`
    pub serial: String,
    /// The TOTP secret, base-32.
    pub seed: String,
    pub created: i64,
    /// The user it is enabled for (by key), and since when.
    pub user: Option<(String, i64)>,
    pub tags: Tags,
}

#[derive(Debug, Clone, Default)]
pub struct PasswordPolicy {
    pub minimum_password_length: Option<i32>,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub allow_users_to_change_password: bool,
    pub max_password_age: Option<i32>,
    pub password_reuse_prevention: Option<i32>,
    pub hard_expiry: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct CredentialReport {
    pub generated: i64,
    pub csv: Vec<u8>,
}

/// A DeleteServiceLinkedRole task.
#[derive(Debug, Clone)]
pub struct DeletionTask {
    /// `SUCCEEDED`, `FAILED` …
    pub status: String,
    pub reason: Option<String>,
}

/// A GenerateServiceLastAccessedDetails job.
#[derive(Debug, Clone)]
pub struct AccessJob {
    pub arn: String,
    pub action_level: bool,
    pub created: i64,
}

/// Everything IAM holds for one account.
#[derive(Debug, Default)]
pub struct IamData {
    pub users: BTreeMap<String, User>,
    /// Root access keys created through IAM (the account's first root key is
    /// the accounts registry's).
    pub root_access_keys: Vec<AccessKey>,
    pub groups: BTreeMap<String, Group>,
    pub roles: BTreeMap<String, Role>,
    /// Customer managed policies, by name key.
    pub policies: BTreeMap<String, ManagedPolicy>,
    pub instance_profiles: BTreeMap<String, InstanceProfile>,
    /// By ARN.
    pub oidc_providers: BTreeMap<String, OidcProvider>,
    /// By ARN.
    pub saml_providers: BTreeMap<String, SamlProvider>,
    pub server_certificates: BTreeMap<String, ServerCertificate>,
    /// By serial number.
    pub virtual_mfa_devices: BTreeMap<String, VirtualMfaDevice>,
    /// At most one, as AWS allows.
    pub account_aliases: Vec<String>,
    pub password_policy: Option<PasswordPolicy>,
    pub credential_report: Option<CredentialReport>,
    pub deletion_tasks: HashMap<String, DeletionTask>,
    pub access_jobs: HashMap<String, AccessJob>,
    /// `v1Token` / `v2Token` (SetSecurityTokenServicePreferences).
    pub global_endpoint_token_version: Option<String>,
}

impl IamData {
    /// A customer managed policy by ARN (the ARN's path must match).
    pub fn policy_by_arn(&self, arn: &str) -> Option<&ManagedPolicy> {
        let name = arn.rsplit('/').next()?;
        self.policies.get(&key(name)).filter(|p| p.arn.eq_ignore_ascii_case(arn))
    }

    pub fn policy_by_arn_mut(&mut self, arn: &str) -> Option<&mut ManagedPolicy> {
        let name = arn.rsplit('/').next()?;
        self.policies.get_mut(&key(name)).filter(|p| p.arn.eq_ignore_ascii_case(arn))
    }

    /// The default-version document of a managed policy: customer managed, or AWS managed.
    pub fn managed_document(&self, arn: &str) -> Option<Arc<Policy>> {
        if arn.starts_with("arn:aws:iam::aws:policy/") {
            return crate::managed::parsed(arn);
        }
        self.policy_by_arn(arn).and_then(|p| p.default_document()).map(|d| d.parsed.clone())
    }

    /// The groups a user is a member of, in name order.
    pub fn groups_of(&self, user_key: &str) -> impl Iterator<Item = &Group> {
        let user_key = user_key.to_string();
        self.groups.values().filter(move |g| g.members.contains(&user_key))
    }

    /// Users, groups and roles a managed policy is attached to (not as a boundary).
    pub fn attachment_count(&self, arn: &str) -> usize {
        let has = |list: &Vec<String>| list.iter().any(|a| a == arn);
        self.users.values().filter(|u| has(&u.attached)).count()
            + self.groups.values().filter(|g| has(&g.attached)).count()
            + self.roles.values().filter(|r| has(&r.attached)).count()
    }

    /// Users and roles using a managed policy as their permissions boundary.
    pub fn boundary_usage_count(&self, arn: &str) -> usize {
        let is = |b: &Option<String>| b.as_deref() == Some(arn);
        self.users.values().filter(|u| is(&u.boundary)).count() + self.roles.values().filter(|r| is(&r.boundary)).count()
    }

    /// The identity policies of a user: inline, attached, and those of each of its groups.
    pub fn user_identity_policies(&self, user: &User) -> Vec<(String, Arc<Policy>)> {
        let mut out: Vec<(String, Arc<Policy>)> =
            user.inline.values().map(|p| (p.name.clone(), p.document.parsed.clone())).collect();
        out.extend(user.attached.iter().filter_map(|arn| self.managed_document(arn).map(|p| (arn.clone(), p))));
        for g in self.groups_of(&key(&user.name)) {
            out.extend(g.inline.values().map(|p| (format!("{}/{}", g.name, p.name), p.document.parsed.clone())));
            for arn in &g.attached {
                if !out.iter().any(|(id, _)| id == arn) {
                    if let Some(p) = self.managed_document(arn) {
                        out.push((arn.clone(), p));
                    }
                }
            }
        }
        out
    }

    pub fn role_identity_policies(&self, role: &Role) -> Vec<(String, Arc<Policy>)> {
        let mut out: Vec<(String, Arc<Policy>)> =
            role.inline.values().map(|p| (p.name.clone(), p.document.parsed.clone())).collect();
        out.extend(role.attached.iter().filter_map(|arn| self.managed_document(arn).map(|p| (arn.clone(), p))));
        out
    }

    /// A boundary ARN with its document. A boundary that no longer resolves
    /// allows nothing: failing closed, never widening the principal's rights.
    pub fn boundary(&self, arn: Option<&String>) -> Option<(String, Arc<Policy>)> {
        let arn = arn?;
        let doc = self
            .managed_document(arn)
            .unwrap_or_else(|| Arc::new(Policy { version: Some("2012-10-17".into()), id: None, statements: Vec::new() }));
        Some((arn.clone(), doc))
    }
}
