//! AWS Organizations state: organizations, their roots, OUs, member accounts,
//! policies and where those are attached, account-creation requests and
//! handshakes. It spans accounts (an organization is a tree of accounts), so
//! it is one process-wide store rather than per-account state; the
//! Organizations service changes it, and authorization reads from it the
//! service control policies (SCPs) that apply to an account (`scp_levels`).
//!
//! `scp_levels` runs on every signed request, so the common case (no
//! organization has SCPs enabled) is answered from an atomic counter without
//! taking the lock.

use crate::ids;
use simfra_policy::Policy;
use std::collections::{BTreeMap, HashMap};
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

pub const SERVICE_CONTROL_POLICY: &str = "SERVICE_CONTROL_POLICY";
pub const RESOURCE_CONTROL_POLICY: &str = "RESOURCE_CONTROL_POLICY";

/// The AWS managed SCP every root, OU and account gets when SCPs are enabled.
pub const FULL_AWS_ACCESS: &str = "p-FullAWSAccess";
/// Its counterpart for resource control policies.
pub const RCP_FULL_AWS_ACCESS: &str = "p-RCPFullAWSAccess";

const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const LOWER_HEX: &[u8] = b"0123456789abcdef";

/// Unix seconds now.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// `o-` and 10 lower-case letters or digits.
pub fn new_organization_id() -> String {
    format!("o-{}", ids::random_string(LOWER_ALNUM, 10))
}

/// `r-` and 4 lower-case letters or digits.
pub fn new_root_id() -> String {
    format!("r-{}", ids::random_string(LOWER_ALNUM, 4))
}

/// `ou-<the root's 4 characters>-<8 characters>`, as AWS forms OU ids.
pub fn new_ou_id(root_id: &str) -> String {
    let root = root_id.strip_prefix("r-").unwrap_or(root_id);
    format!("ou-{root}-{}", ids::random_string(LOWER_ALNUM, 8))
}

/// `p-` and 8 lower-case letters or digits.
pub fn new_policy_id() -> String {
    format!("p-{}", ids::random_string(LOWER_ALNUM, 8))
}

/// `car-` and 32 hex digits.
pub fn new_create_account_request_id() -> String {
    format!("car-{}", ids::random_string(LOWER_HEX, 32))
}

/// `h-` and 10 lower-case letters or digits.
pub fn new_handshake_id() -> String {
    format!("h-{}", ids::random_string(LOWER_ALNUM, 10))
}

/// A policy of an organization (customer managed) or AWS managed
/// (`FullAWSAccess`), of any policy type.
#[derive(Debug, Clone)]
pub struct OrgPolicy {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub description: String,
    /// `SERVICE_CONTROL_POLICY`, `TAG_POLICY` …
    pub policy_type: String,
    /// The document as given.
    pub content: String,
    /// SCPs (and RCPs) parsed, for evaluation.
    pub parsed: Option<Arc<Policy>>,
    pub aws_managed: bool,
}

/// An organizational unit.
#[derive(Debug, Clone)]
pub struct OrganizationalUnit {
    pub id: String,
    pub arn: String,
    pub name: String,
    /// The root's or another OU's id.
    pub parent_id: String,
}

/// An account of an organization (the management account included).
#[derive(Debug, Clone)]
pub struct Member {
    pub id: String,
    pub arn: String,
    pub email: String,
    pub name: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`.
    pub status: String,
    /// `CREATED` or `INVITED`.
    pub joined_method: String,
    pub joined: i64,
    /// The root's or an OU's id.
    pub parent_id: String,
}

/// One CreateAccount request.
#[derive(Debug, Clone)]
pub struct CreateAccountRecord {
    pub id: String,
    pub account_name: String,
    /// `IN_PROGRESS`, `SUCCEEDED`, `FAILED`.
    pub state: String,
    pub requested: i64,
    pub completed: Option<i64>,
    pub account_id: Option<String>,
    pub failure_reason: Option<String>,
}

/// A handshake resource (`ACCOUNT`, `ORGANIZATION`, `NOTES` …), possibly nested.
#[derive(Debug, Clone)]
pub struct HandshakeResource {
    pub kind: String,
    pub value: String,
    pub resources: Vec<HandshakeResource>,
}

/// An invitation (or another multi-party request) between an organization and an account.
#[derive(Debug, Clone)]
pub struct Handshake {
    pub id: String,
    pub arn: String,
    pub organization_id: String,
    /// The management account that sent it.
    pub management_account_id: String,
    /// (id, `ACCOUNT` | `ORGANIZATION` | `EMAIL`).
    pub parties: Vec<(String, String)>,
    /// The account invited.
    pub target_account: String,
    /// `REQUESTED`, `OPEN`, `CANCELED`, `ACCEPTED`, `DECLINED`, `EXPIRED`.
    pub state: String,
    pub requested: i64,
    pub expires: i64,
    /// `INVITE` …
    pub action: String,
    pub resources: Vec<HandshakeResource>,
    pub tags: Vec<(String, String)>,
}

/// One organization.
#[derive(Debug, Clone)]
pub struct Organization {
    pub id: String,
    pub arn: String,
    /// `ALL` or `CONSOLIDATED_BILLING`.
    pub feature_set: String,
    pub management_account_id: String,
    pub management_email: String,
    pub root_id: String,
    pub root_arn: String,
    /// Policy types enabled in the root, with their status (`ENABLED`).
    pub policy_types: BTreeMap<String, String>,
    pub ous: BTreeMap<String, OrganizationalUnit>,
    pub accounts: BTreeMap<String, Member>,
    /// Customer managed and AWS managed policies, by id.
    pub policies: BTreeMap<String, OrgPolicy>,
    /// Target (root, OU, account) id → attached policy ids, in attachment order.
    pub attachments: HashMap<String, Vec<String>>,
    /// Resource (root, OU, account, policy) id → tags in the order added.
    pub tags: HashMap<String, Vec<(String, String)>>,
    pub create_account_statuses: Vec<CreateAccountRecord>,
    /// Trusted service access: service principal → when enabled.
    pub enabled_services: BTreeMap<String, i64>,
    /// Delegated administrators: (account, service principal) → when registered.
    pub delegated_admins: BTreeMap<(String, String), i64>,
    /// The organization's resource policy (PutResourcePolicy), as given.
    pub resource_policy: Option<String>,
    pub created: i64,
}

/// The AWS managed policies every organization sees.
fn aws_managed_policies() -> Vec<OrgPolicy> {
    const SCP_DOC: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}"#;
    const RCP_DOC: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": "*",
      "Action": "*",
      "Resource": "*"
    }
  ]
}"#;
    vec![
        OrgPolicy {
            id: FULL_AWS_ACCESS.into(),
            arn: format!("arn:aws:organizations::aws:policy/service_control_policy/{FULL_AWS_ACCESS}"),
            name: "FullAWSAccess".into(),
            description: "Allows access to every operation".into(),
            policy_type: SERVICE_CONTROL_POLICY.into(),
            content: SCP_DOC.into(),
            parsed: simfra_policy::parse(SCP_DOC).ok().map(Arc::new),
            aws_managed: true,
        },
        OrgPolicy {
            id: RCP_FULL_AWS_ACCESS.into(),
            arn: format!("arn:aws:organizations::aws:policy/resource_control_policy/{RCP_FULL_AWS_ACCESS}"),
            name: "RCPFullAWSAccess".into(),
            description: "Allows access to every operation".into(),
            policy_type: RESOURCE_CONTROL_POLICY.into(),
            content: RCP_DOC.into(),
            parsed: simfra_policy::parse(RCP_DOC).ok().map(Arc::new),
            aws_managed: true,
        },
    ]
}

impl Organization {
    /// A new organization with `management` as its management account, in its root.
    pub fn new(management: &str, management_name: &str, management_email: &str, feature_set: &str) -> Self {
        let id = new_organization_id();
        let root_id = new_root_id();
        let t = now();
        let mut org = Organization {
            arn: format!("arn:aws:organizations::{management}:organization/{id}"),
            root_arn: format!("arn:aws:organizations::{management}:root/{id}/{root_id}"),
            id,
            feature_set: feature_set.to_string(),
            management_account_id: management.to_string(),
            management_email: management_email.to_string(),
            root_id,
            policy_types: BTreeMap::new(),
            ous: BTreeMap::new(),
            accounts: BTreeMap::new(),
            policies: aws_managed_policies().into_iter().map(|p| (p.id.clone(), p)).collect(),
            attachments: HashMap::new(),
            tags: HashMap::new(),
            create_account_statuses: Vec::new(),
            enabled_services: BTreeMap::new(),
            delegated_admins: BTreeMap::new(),
            resource_policy: None,
            created: t,
        };
        let root = org.root_id.clone();
        org.add_account(management, management_name, management_email, "CREATED", &root);
        org
    }

    pub fn ou_arn(&self, ou_id: &str) -> String {
        format!("arn:aws:organizations::{}:ou/{}/{ou_id}", self.management_account_id, self.id)
    }

    pub fn account_arn(&self, account: &str) -> String {
        format!("arn:aws:organizations::{}:account/{}/{account}", self.management_account_id, self.id)
    }

    pub fn policy_arn(&self, policy_id: &str, policy_type: &str) -> String {
        format!(
            "arn:aws:organizations::{}:policy/{}/{}/{policy_id}",
            self.management_account_id,
            self.id,
            policy_type.to_ascii_lowercase()
        )
    }

    pub fn handshake_arn(&self, handshake_id: &str, action: &str) -> String {
        format!(
            "arn:aws:organizations::{}:handshake/{}/{}/{handshake_id}",
            self.management_account_id,
            self.id,
            action.to_ascii_lowercase()
        )
    }

    pub fn is_enabled(&self, policy_type: &str) -> bool {
        self.policy_types.contains_key(policy_type)
    }

    /// Whether `id` names this organization's root or one of its OUs.
    pub fn is_parent(&self, id: &str) -> bool {
        id == self.root_id || self.ous.contains_key(id)
    }

    /// Whether `id` names the root, an OU or an account of this organization.
    pub fn is_target(&self, id: &str) -> bool {
        self.is_parent(id) || self.accounts.contains_key(id)
    }

    /// The parent of an OU or account.
    pub fn parent_of(&self, child: &str) -> Option<&str> {
        self.ous
            .get(child)
            .map(|o| o.parent_id.as_str())
            .or_else(|| self.accounts.get(child).map(|a| a.parent_id.as_str()))
    }

    /// How deep an OU is: 1 for an OU directly under the root.
    pub fn ou_depth(&self, ou_id: &str) -> usize {
        let mut depth = 0;
        let mut at = ou_id;
        while let Some(ou) = self.ous.get(at) {
            depth += 1;
            at = &ou.parent_id;
        }
        depth
    }

    /// The chain from the root down to `target` (root, each OU, the target).
    pub fn path_to(&self, target: &str) -> Vec<String> {
        let mut path = vec![target.to_string()];
        let mut at = target;
        while let Some(parent) = self.parent_of(at) {
            path.push(parent.to_string());
            at = parent;
            if path.len() > 16 {
                break; // a cycle cannot be made through the API; never loop on one anyway
            }
        }
        path.reverse();
        path
    }

    /// The policies of a type attached to a target, in attachment order.
    pub fn attached(&self, target: &str, policy_type: &str) -> Vec<&OrgPolicy> {
        self.attachments
            .get(target)
            .into_iter()
            .flatten()
            .filter_map(|id| self.policies.get(id))
            .filter(|p| p.policy_type == policy_type)
            .collect()
    }

    /// The targets a policy is attached to.
    pub fn targets_of(&self, policy_id: &str) -> Vec<String> {
        let mut t: Vec<String> =
            self.attachments.iter().filter(|(_, ps)| ps.iter().any(|p| p == policy_id)).map(|(t, _)| t.clone()).collect();
        t.sort();
        t
    }

    pub fn attach(&mut self, policy_id: &str, target: &str) {
        let list = self.attachments.entry(target.to_string()).or_default();
        if !list.iter().any(|p| p == policy_id) {
            list.push(policy_id.to_string());
        }
    }

    pub fn detach(&mut self, policy_id: &str, target: &str) {
        if let Some(list) = self.attachments.get_mut(target) {
            list.retain(|p| p != policy_id);
            if list.is_empty() {
                self.attachments.remove(target);
            }
        }
    }

    /// A new root/OU/account gets the AWS managed default of each enabled
    /// policy type that has one (FullAWSAccess for SCPs and RCPs).
    pub fn attach_defaults(&mut self, target: &str) {
        if self.is_enabled(SERVICE_CONTROL_POLICY) {
            self.attach(FULL_AWS_ACCESS, target);
        }
        if self.is_enabled(RESOURCE_CONTROL_POLICY) {
            self.attach(RCP_FULL_AWS_ACCESS, target);
        }
    }

    /// Every target: the root, the OUs, the accounts.
    pub fn all_targets(&self) -> Vec<String> {
        std::iter::once(self.root_id.clone()).chain(self.ous.keys().cloned()).chain(self.accounts.keys().cloned()).collect()
    }

    /// Enables a policy type in the root; SCPs and RCPs start with their
    /// FullAWSAccess policy attached everywhere.
    pub fn enable_policy_type(&mut self, policy_type: &str) {
        self.policy_types.insert(policy_type.to_string(), "ENABLED".into());
        let default = match policy_type {
            SERVICE_CONTROL_POLICY => Some(FULL_AWS_ACCESS),
            RESOURCE_CONTROL_POLICY => Some(RCP_FULL_AWS_ACCESS),
            _ => None,
        };
        if let Some(default) = default {
            for t in self.all_targets() {
                self.attach(default, &t);
            }
        }
    }

    /// Disables a policy type: every policy of that type is detached everywhere.
    pub fn disable_policy_type(&mut self, policy_type: &str) {
        self.policy_types.remove(policy_type);
        let of_type: Vec<String> =
            self.policies.values().filter(|p| p.policy_type == policy_type).map(|p| p.id.clone()).collect();
        for list in self.attachments.values_mut() {
            list.retain(|p| !of_type.contains(p));
        }
        self.attachments.retain(|_, l| !l.is_empty());
    }

    /// Adds an account under `parent` with the default policies.
    pub fn add_account(&mut self, id: &str, name: &str, email: &str, joined_method: &str, parent: &str) {
        let member = Member {
            id: id.to_string(),
            arn: self.account_arn(id),
            email: email.to_string(),
            name: name.to_string(),
            status: "ACTIVE".into(),
            joined_method: joined_method.to_string(),
            joined: now(),
            parent_id: parent.to_string(),
        };
        self.accounts.insert(id.to_string(), member);
        self.attach_defaults(id);
    }

    /// Takes an account out: its attachments and tags go with it.
    pub fn remove_account(&mut self, id: &str) -> Option<Member> {
        self.attachments.remove(id);
        self.tags.remove(id);
        self.delegated_admins.retain(|(a, _), _| a != id);
        self.accounts.remove(id)
    }

    /// The SCPs over a member account, one list per level from the root down
    /// to the account. Empty for the management account, for accounts not in
    /// this organization and when SCPs are not enabled.
    pub fn scp_levels(&self, account: &str) -> Vec<Vec<(String, Arc<Policy>)>> {
        if account == self.management_account_id || !self.is_enabled(SERVICE_CONTROL_POLICY) || !self.accounts.contains_key(account) {
            return Vec::new();
        }
        self.path_to(account)
            .iter()
            .map(|target| {
                self.attached(target, SERVICE_CONTROL_POLICY)
                    .into_iter()
                    .filter_map(|p| p.parsed.clone().map(|parsed| (p.id.clone(), parsed)))
                    .collect()
            })
            .collect()
    }
}

/// Every organization, and which account belongs to which.
#[derive(Debug, Default)]
pub struct OrgsData {
    /// By organization id.
    pub orgs: BTreeMap<String, Organization>,
    /// Account id → the id of the organization it belongs to.
    pub membership: HashMap<String, String>,
    /// Handshakes by id (they involve accounts outside the organization, so they live here).
    pub handshakes: BTreeMap<String, Handshake>,
}

impl OrgsData {
    /// The organization an account belongs to.
    pub fn org_of(&self, account: &str) -> Option<&Organization> {
        self.orgs.get(self.membership.get(account)?)
    }

    pub fn org_of_mut(&mut self, account: &str) -> Option<&mut Organization> {
        let id = self.membership.get(account)?.clone();
        self.orgs.get_mut(&id)
    }

    /// Records a new organization and its management account's membership.
    pub fn insert_org(&mut self, org: Organization) {
        for account in org.accounts.keys() {
            self.membership.insert(account.clone(), org.id.clone());
        }
        self.orgs.insert(org.id.clone(), org);
    }

    /// Deletes an organization; its accounts belong to none afterwards.
    pub fn remove_org(&mut self, org_id: &str) -> Option<Organization> {
        let org = self.orgs.remove(org_id)?;
        self.membership.retain(|_, o| o != org_id);
        Some(org)
    }

    /// Adds an account to an organization (under `parent`).
    pub fn join(&mut self, org_id: &str, account: &str, name: &str, email: &str, joined_method: &str, parent: &str) {
        if let Some(org) = self.orgs.get_mut(org_id) {
            org.add_account(account, name, email, joined_method, parent);
            self.membership.insert(account.to_string(), org_id.to_string());
        }
    }

    /// Takes an account out of its organization.
    pub fn leave(&mut self, account: &str) -> Option<Member> {
        let org_id = self.membership.remove(account)?;
        self.orgs.get_mut(&org_id)?.remove_account(account)
    }
}

/// The store, with a count of the organizations that have SCPs enabled so
/// that `scp_levels` can skip the lock when there are none.
#[derive(Default)]
pub struct Organizations {
    data: RwLock<OrgsData>,
    scp_orgs: AtomicUsize,
}

/// Write access to the store; the SCP counter is brought up to date when it is released.
pub struct OrgsWrite<'a> {
    guard: RwLockWriteGuard<'a, OrgsData>,
    counter: &'a AtomicUsize,
}

impl Deref for OrgsWrite<'_> {
    type Target = OrgsData;
    fn deref(&self) -> &OrgsData {
        &self.guard
    }
}

impl DerefMut for OrgsWrite<'_> {
    fn deref_mut(&mut self) -> &mut OrgsData {
        &mut self.guard
    }
}

impl Drop for OrgsWrite<'_> {
    fn drop(&mut self) {
        let n = self.guard.orgs.values().filter(|o| o.is_enabled(SERVICE_CONTROL_POLICY)).count();
        self.counter.store(n, Ordering::Release);
    }
}

impl Organizations {
    pub fn read(&self) -> RwLockReadGuard<'_, OrgsData> {
        self.data.read().unwrap_or_else(|p| p.into_inner())
    }

    pub fn write(&self) -> OrgsWrite<'_> {
        OrgsWrite { guard: self.data.write().unwrap_or_else(|p| p.into_inner()), counter: &self.scp_orgs }
    }
}

/// The process-wide Organizations store.
pub fn store() -> &'static Organizations {
    static STORE: OnceLock<Organizations> = OnceLock::new();
    STORE.get_or_init(Organizations::default)
}

/// The SCPs that apply to `account`, one list per level of its organization
/// (root, each OU down to the account, the account itself); empty when the
/// account is in no organization or is the management account (SCPs never
/// restrict the management account), or when its organization has not
/// enabled SCPs. Every level must allow a request; an explicit deny at any
/// level denies it.
pub fn scp_levels(account: &str) -> Vec<Vec<(String, Arc<Policy>)>> {
    let s = store();
    if s.scp_orgs.load(Ordering::Acquire) == 0 {
        return Vec::new();
    }
    let data = s.read();
    data.org_of(account).map(|o| o.scp_levels(account)).unwrap_or_default()
}

/// Takes a deleted account out of its organization (and the handshakes
/// addressed to it), so that nothing refers to it any more. An account that
/// manages an organization takes the organization with it.
pub fn forget_account(account: &str) {
    let s = store();
    let mut data = s.write();
    let managed: Vec<String> =
        data.orgs.values().filter(|o| o.management_account_id == account).map(|o| o.id.clone()).collect();
    for org in managed {
        data.remove_org(&org);
    }
    data.leave(account);
    data.handshakes.retain(|_, h| h.target_account != account);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scp(id: &str, doc: &str) -> OrgPolicy {
        OrgPolicy {
            id: id.into(),
            arn: format!("arn:aws:organizations::111111111111:policy/o-x/service_control_policy/{id}"),
            name: id.into(),
            description: String::new(),
            policy_type: SERVICE_CONTROL_POLICY.into(),
            content: doc.into(),
            parsed: Some(Arc::new(simfra_policy::parse(doc).expect("valid"))),
            aws_managed: false,
        }
    }

    fn ids_of(levels: &[Vec<(String, Arc<Policy>)>]) -> Vec<Vec<&str>> {
        levels.iter().map(|l| l.iter().map(|(id, _)| id.as_str()).collect()).collect()
    }

    /// An organization of management 111…, an OU tree root → a → b and account 222… in b.
    fn tree() -> (Organization, String, String) {
        let mut org = Organization::new("111111111111", "mgmt", "m@example.com", "ALL");
        let root = org.root_id.clone();
        let a = new_ou_id(&root);
        let b = new_ou_id(&root);
        for (id, parent) in [(&a, &root), (&b, &a)] {
            org.ous.insert(
                id.clone(),
                OrganizationalUnit { id: id.clone(), arn: org.ou_arn(id), name: id.clone(), parent_id: parent.clone() },
            );
        }
        org.add_account("222222222222", "member", "x@example.com", "CREATED", &b);
        (org, a, b)
    }

    #[test]
    fn ids_and_arns_have_aws_forms() {
        let (org, a, _) = tree();
        assert!(org.id.starts_with("o-") && org.id.len() == 12);
        assert!(org.root_id.starts_with("r-") && org.root_id.len() == 6);
        assert!(a.starts_with(&format!("ou-{}-", &org.root_id[2..])) && a.len() == 3 + 4 + 1 + 8);
        assert_eq!(org.arn, format!("arn:aws:organizations::111111111111:organization/{}", org.id));
        assert_eq!(org.root_arn, format!("arn:aws:organizations::111111111111:root/{}/{}", org.id, org.root_id));
        assert_eq!(org.account_arn("222222222222"), format!("arn:aws:organizations::111111111111:account/{}/222222222222", org.id));
        assert_eq!(
            org.policy_arn("p-abcdefgh", SERVICE_CONTROL_POLICY),
            format!("arn:aws:organizations::111111111111:policy/{}/service_control_policy/p-abcdefgh", org.id)
        );
        assert!(new_create_account_request_id().starts_with("car-"));
    }

    #[test]
    fn no_levels_before_scps_are_enabled_nor_for_management() {
        let (mut org, _, _) = tree();
        assert!(org.scp_levels("222222222222").is_empty());
        org.enable_policy_type(SERVICE_CONTROL_POLICY);
        assert!(org.scp_levels("111111111111").is_empty(), "the management account is never restricted");
        assert!(org.scp_levels("333333333333").is_empty(), "not a member");
        org.disable_policy_type(SERVICE_CONTROL_POLICY);
        assert!(org.scp_levels("222222222222").is_empty());
        assert!(org.attachments.is_empty(), "disabling detaches every SCP");
    }

    #[test]
    fn levels_run_from_the_root_to_the_account() {
        let (mut org, a, b) = tree();
        org.enable_policy_type(SERVICE_CONTROL_POLICY);
        let levels = org.scp_levels("222222222222");
        assert_eq!(ids_of(&levels), vec![vec![FULL_AWS_ACCESS]; 4], "root, a, b, the account");

        org.policies.insert("p-denysqs1".into(), scp("p-denysqs1", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sqs:*","Resource":"*"}]}"#));
        org.policies.insert("p-onlys3xx".into(), scp("p-onlys3xx", r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#));
        org.attach("p-denysqs1", "222222222222");
        org.attach("p-onlys3xx", &a);
        org.detach(FULL_AWS_ACCESS, &a);
        let levels = org.scp_levels("222222222222");
        assert_eq!(
            ids_of(&levels),
            vec![vec![FULL_AWS_ACCESS], vec!["p-onlys3xx"], vec![FULL_AWS_ACCESS], vec![FULL_AWS_ACCESS, "p-denysqs1"]]
        );
        assert_eq!(org.path_to("222222222222"), vec![org.root_id.clone(), a.clone(), b.clone(), "222222222222".into()]);

        // Evaluated as authorization does: every level must allow, a deny anywhere denies.
        let eval = |action: &str| {
            let ev = simfra_policy::Evaluation {
                identity: vec![],
                scps: levels.iter().map(|l| l.iter().map(|(id, p)| (id.as_str(), p.as_ref())).collect()).collect(),
                ..Default::default()
            };
            simfra_policy::evaluate_detailed(&ev, &simfra_policy::Request::new(action, "*", "arn:aws:iam::222222222222:root", "222222222222")).reason
        };
        use simfra_policy::{PolicyKind, Reason};
        assert_eq!(eval("sqs:ListQueues"), Reason::ExplicitDeny(PolicyKind::ServiceControl));
        assert_eq!(eval("ec2:DescribeVpcs"), Reason::NoAllow(PolicyKind::ServiceControl));
        // s3 passes every SCP level; with no identity policy it then stops there.
        assert_eq!(eval("s3:ListAllMyBuckets"), Reason::NoAllow(PolicyKind::Identity));
    }

    #[test]
    fn the_global_store_answers_cheaply_and_forgets_accounts() {
        // Accounts of this test only: the store is shared by the crate's tests.
        let (mut org, _, _) = tree();
        org.management_account_id = "444444444444".into();
        org.accounts.clear();
        org.attachments.clear();
        let root = org.root_id.clone();
        org.add_account("444444444444", "m", "m@example.com", "CREATED", &root);
        let org_id = org.id.clone();
        store().write().insert_org(org);
        assert!(scp_levels("555555555555").is_empty());
        store().write().join(&org_id, "555555555555", "n", "n@example.com", "INVITED", &root);
        assert!(scp_levels("555555555555").is_empty(), "SCPs not enabled yet");
        store().write().orgs.get_mut(&org_id).expect("inserted").enable_policy_type(SERVICE_CONTROL_POLICY);
        assert_eq!(ids_of(&scp_levels("555555555555")), vec![vec![FULL_AWS_ACCESS]; 2]);
        assert!(scp_levels("444444444444").is_empty());
        forget_account("555555555555");
        assert!(scp_levels("555555555555").is_empty());
        assert!(store().read().org_of("555555555555").is_none());
        forget_account("444444444444");
        assert!(!store().read().orgs.contains_key(&org_id), "the organization goes with its management account");
    }
}
