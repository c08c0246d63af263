//! Access keys and what they stand for. Root keys come from the accounts, IAM
//! adds its users' keys, STS its temporary session credentials.

use simfra_policy::Policy;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

/// The kind of principal an access key signs for; authorization gathers
/// policies from it.
#[derive(Debug, Clone, PartialEq)]
pub enum PrincipalKind {
    /// The account's root user: bypasses IAM (not SCPs).
    Root,
    /// An IAM user (`arn:aws:iam::A:user/path/name`).
    User { name: String, user_id: String },
    /// A role session from AssumeRole* (`arn:aws:sts::A:assumed-role/Role/session`).
    AssumedRole {
        role_name: String,
        role_id: String,
        role_arn: String,
        session_name: String,
        /// The inline session policy and the managed policies passed by ARN at assumption.
        session_policies: Vec<(String, Arc<Policy>)>,
        session_tags: Vec<(String, String)>,
        source_identity: Option<String>,
    },
    /// GetFederationToken (`arn:aws:sts::A:federated-user/name`): the calling
    /// user's permissions limited by the session policies.
    FederatedUser { name: String, parent_user: String, session_policies: Vec<(String, Arc<Policy>)> },
    /// GetSessionToken: the user's (or root's) own permissions, temporary keys.
    UserSession { parent: Box<PrincipalKind> },
    /// AssumeRoot: a member account's root user for one privileged task,
    /// limited by the task policy (`arn:aws:iam::aws:policy/root-task/…`).
    RootSession { task_policies: Vec<(String, Arc<Policy>)> },
}

/// One access key.
#[derive(Debug, Clone)]
pub struct Credential {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub account_id: String,
    /// `arn:aws:iam::123456789012:root`, a user's or an assumed role's ARN.
    pub principal_arn: String,
    /// What `GetCallerIdentity` reports as `UserId` (`AIDA…`, `AROA…:session`, the account id for root).
    pub user_id: String,
    pub principal: PrincipalKind,
    /// Temporary credentials carry a session token that must come with them.
    pub session_token: Option<String>,
    /// Unix seconds after which temporary credentials are refused.
    pub expires_at: Option<i64>,
    /// Unix seconds when temporary credentials were issued (`aws:TokenIssueTime`).
    pub issued_at: Option<i64>,
    /// IAM `UpdateAccessKey --status Inactive` keeps the key but refuses it.
    pub active: bool,
}

impl Credential {
    /// The root key of an account.
    pub fn root(account_id: &str, access_key_id: &str, secret: &str) -> Self {
        Credential {
            access_key_id: access_key_id.to_string(),
            secret_access_key: secret.to_string(),
            account_id: account_id.to_string(),
            principal_arn: format!("arn:aws:iam::{account_id}:root"),
            user_id: account_id.to_string(),
            principal: PrincipalKind::Root,
            session_token: None,
            expires_at: None,
            issued_at: None,
            active: true,
        }
    }
}

/// Every access key the server knows.
#[derive(Default)]
pub struct Credentials {
    keys: RwLock<HashMap<String, Credential>>,
}

impl Credentials {
    pub fn insert(&self, c: Credential) {
        self.keys.write().unwrap_or_else(|p| p.into_inner()).insert(c.access_key_id.clone(), c);
    }
    pub fn remove(&self, access_key_id: &str) -> Option<Credential> {
        self.keys.write().unwrap_or_else(|p| p.into_inner()).remove(access_key_id)
    }
    pub fn lookup(&self, access_key_id: &str) -> Option<Credential> {
        self.keys.read().unwrap_or_else(|p| p.into_inner()).get(access_key_id).cloned()
    }
    /// Marks a key active or inactive; false if there is no such key.
    pub fn set_active(&self, access_key_id: &str, active: bool) -> bool {
        match self.keys.write().unwrap_or_else(|p| p.into_inner()).get_mut(access_key_id) {
            Some(c) => {
                c.active = active;
                true
            }
            None => false,
        }
    }
    /// Drops every key of an account except those `keep` says to keep (account reset/delete).
    pub fn retain_account(&self, account_id: &str, keep: impl Fn(&Credential) -> bool) {
        self.keys.write().unwrap_or_else(|p| p.into_inner()).retain(|_, c| c.account_id != account_id || keep(c));
    }
    /// Drops the expired temporary credentials (called now and then, so the map does not grow forever).
    pub fn purge_expired(&self, now: i64) {
        self.keys.write().unwrap_or_else(|p| p.into_inner()).retain(|_, c| c.expires_at.map(|e| e > now).unwrap_or(true));
    }
}

/// The process-wide key store.
pub fn credentials() -> &'static Credentials {
    static STORE: OnceLock<Credentials> = OnceLock::new();
    STORE.get_or_init(Credentials::default)
}

/// The keys of a new role session, as STS and Cognito Identity hand them out.
pub struct RoleSessionKeys {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    /// `arn:aws:sts::A:assumed-role/Role/session`
    pub arn: String,
    /// `AROA…:session`
    pub assumed_role_id: String,
    pub expires_at: i64,
}

/// What a role session is, besides its role.
pub struct RoleSessionSpec {
    pub session_name: String,
    pub issued_at: i64,
    pub expires_at: i64,
    pub session_policies: Vec<(String, Arc<Policy>)>,
    pub session_tags: Vec<(String, String)>,
    pub source_identity: Option<String>,
}

/// Issues temporary keys for a session of `role` into the credential store
/// (AssumeRole*, Cognito Identity's enhanced flow): they sign requests until
/// they expire.
pub fn issue_role_session(account: &str, role: &crate::iam::RoleInfo, spec: RoleSessionSpec) -> RoleSessionKeys {
    let keys = RoleSessionKeys {
        access_key_id: crate::ids::access_key_id("ASIA"),
        secret_access_key: crate::ids::secret_access_key(),
        session_token: crate::ids::session_token(),
        arn: format!("arn:aws:sts::{account}:assumed-role/{}/{}", role.name, spec.session_name),
        assumed_role_id: format!("{}:{}", role.role_id, spec.session_name),
        expires_at: spec.expires_at,
    };
    credentials().purge_expired(spec.issued_at);
    credentials().insert(Credential {
        access_key_id: keys.access_key_id.clone(),
        secret_access_key: keys.secret_access_key.clone(),
        account_id: account.to_string(),
        principal_arn: keys.arn.clone(),
        user_id: keys.assumed_role_id.clone(),
        principal: PrincipalKind::AssumedRole {
            role_name: role.name.clone(),
            role_id: role.role_id.clone(),
            role_arn: role.arn.clone(),
            session_name: spec.session_name,
            session_policies: spec.session_policies,
            session_tags: spec.session_tags,
            source_identity: spec.source_identity,
        },
        session_token: Some(keys.session_token.clone()),
        expires_at: Some(spec.expires_at),
        issued_at: Some(spec.issued_at),
        active: true,
    });
    keys
}
