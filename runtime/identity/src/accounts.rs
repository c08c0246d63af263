//! AWS accounts: each has an id, a root access key, and state that is kept
//! apart from every other account's. The default account exists from the start.

use crate::credentials::{credentials, Credential};
use crate::ids;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::sync::RwLock;

#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub root_access_key_id: String,
    pub root_secret_access_key: String,
    pub created: i64,
}

impl Account {
    /// The account as the admin API shows it; the secret only when asked (at creation).
    pub fn to_json(&self, with_secret: bool) -> Json {
        let mut j = json!({
            "AccountId": self.id,
            "Name": self.name,
            "RootAccessKeyId": self.root_access_key_id,
            "RootArn": format!("arn:aws:iam::{}:root", self.id),
            "CreatedAt": self.created,
        });
        if with_secret {
            j["RootSecretAccessKey"] = json!(self.root_secret_access_key);
        }
        j
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum AccountError {
    InvalidId,
    Exists,
    NotFound,
    DefaultAccount,
}

#[derive(Default)]
pub struct Accounts {
    accounts: RwLock<BTreeMap<String, Account>>,
}

/// The process-wide account registry (the admin API and Organizations both add accounts).
pub fn accounts() -> &'static Accounts {
    static ACCOUNTS: std::sync::OnceLock<Accounts> = std::sync::OnceLock::new();
    ACCOUNTS.get_or_init(Accounts::default)
}

fn root_credential(a: &Account) -> Credential {
    Credential::root(&a.id, &a.root_access_key_id, &a.root_secret_access_key)
}

impl Accounts {
    /// Adds an account and registers its root key. A missing id is generated,
    /// as are missing keys.
    pub fn create(
        &self,
        id: Option<String>,
        name: Option<String>,
        keys: Option<(String, String)>,
    ) -> Result<Account, AccountError> {
        let id = match id {
            Some(id) if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) => id,
            Some(_) => return Err(AccountError::InvalidId),
            None => loop {
                let candidate = ids::random_string(b"0123456789", 12);
                if !candidate.starts_with('0') && !self.accounts.read().unwrap_or_else(|p| p.into_inner()).contains_key(&candidate) {
                    break candidate;
                }
            },
        };
        let mut map = self.accounts.write().unwrap_or_else(|p| p.into_inner());
        if map.contains_key(&id) {
            return Err(AccountError::Exists);
        }
        let (akid, secret) = keys.unwrap_or_else(|| (ids::access_key_id("AKIA"), ids::secret_access_key()));
        let account = Account {
            name: name.unwrap_or_else(|| format!("account-{id}")),
            id: id.clone(),
            root_access_key_id: akid,
            root_secret_access_key: secret,
            created: std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0),
        };
        credentials().insert(root_credential(&account));
        map.insert(id, account.clone());
        Ok(account)
    }

    pub fn get(&self, id: &str) -> Option<Account> {
        self.accounts.read().unwrap_or_else(|p| p.into_inner()).get(id).cloned()
    }

    pub fn list(&self) -> Vec<Account> {
        self.accounts.read().unwrap_or_else(|p| p.into_inner()).values().cloned().collect()
    }

    /// Deletes an account, its root key and all of its state.
    pub fn delete(&self, id: &str, default_account: &str) -> Result<(), AccountError> {
        if id == default_account {
            return Err(AccountError::DefaultAccount);
        }
        let removed = self.accounts.write().unwrap_or_else(|p| p.into_inner()).remove(id).ok_or(AccountError::NotFound)?;
        // Its root key, its IAM users' keys and its STS sessions go with it.
        credentials().retain_account(&removed.id, |_| false);
        simfra_store::reset_account(id);
        simfra_audit::log().remove_account(id);
        Ok(())
    }

    /// Empties every service's state of the account; the account and its keys stay.
    pub fn reset(&self, id: &str) -> Result<(), AccountError> {
        if self.get(id).is_none() {
            return Err(AccountError::NotFound);
        }
        simfra_store::reset_account(id);
        simfra_audit::log().remove_account(id);
        // IAM users' keys and STS sessions were state too; the root key stays.
        credentials().retain_account(id, |c| c.principal == crate::PrincipalKind::Root);
        Ok(())
    }
}
