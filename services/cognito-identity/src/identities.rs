//! Identities of identity pools and the logins linked to them, kept per
//! account and region (the pool's scope), so an account reset clears them.
//!
//! The unsigned operations (GetCredentialsForIdentity, GetOpenIdToken,
//! UnlinkIdentity) name only an identity id, which on AWS is globally unique;
//! `locate` finds its scope from the id alone.

use simfra_model::Timestamp;
use simfra_store::Scoped;
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// A login linked to an identity: the provider's name and the user it vouches
/// for (a developer user identifier, a token's `sub` …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    pub provider: String,
    pub user: String,
}

#[derive(Debug, Clone)]
pub struct Identity {
    pub id: String,
    pub pool_id: String,
    /// Creation order, for listing.
    pub seq: u64,
    pub logins: Vec<Login>,
    pub created: Timestamp,
    pub modified: Timestamp,
    /// Every login was unlinked from a once-authenticated identity: AWS
    /// makes it inaccessible and lists it as disabled.
    pub disabled: bool,
}

impl Identity {
    pub fn is_authenticated(&self) -> bool {
        !self.logins.is_empty()
    }

    /// The provider names of its logins, each once, as DescribeIdentity lists them.
    pub fn provider_names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for l in &self.logins {
            if !out.contains(&l.provider) {
                out.push(l.provider.clone());
            }
        }
        out
    }

    pub fn has(&self, login: &Login) -> bool {
        self.logins.contains(login)
    }
}

/// Two identities that cannot be merged: each has a different user of the same provider.
#[derive(Debug)]
pub struct Conflict;

#[derive(Default)]
pub struct Book {
    identities: Mutex<Identities>,
}

#[derive(Default)]
pub struct Identities {
    by_id: HashMap<String, Identity>,
    next_seq: u64,
}

impl Identities {
    pub fn get(&self, id: &str) -> Option<&Identity> {
        self.by_id.get(id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Identity> {
        self.by_id.get_mut(id)
    }

    /// The identity of `pool` that `login` is linked to.
    pub fn with_login(&self, pool_id: &str, login: &Login) -> Option<&Identity> {
        self.by_id.values().find(|i| i.pool_id == pool_id && i.has(login))
    }

    /// A new identity of the pool, `<region>:<uuid>`.
    pub fn create(&mut self, pool_id: &str, region: &str, logins: Vec<Login>) -> Identity {
        let now = Timestamp::now();
        self.next_seq += 1;
        let identity = Identity {
            id: format!("{region}:{}", simfra_identity::ids::uuid()),
            pool_id: pool_id.to_string(),
            seq: self.next_seq,
            logins,
            created: now,
            modified: now,
            disabled: false,
        };
        self.by_id.insert(identity.id.clone(), identity.clone());
        identity
    }

    pub fn remove(&mut self, id: &str) -> Option<Identity> {
        self.by_id.remove(id)
    }

    /// Links logins to an identity (each once) and marks it modified.
    pub fn link(&mut self, id: &str, logins: impl IntoIterator<Item = Login>) {
        if let Some(identity) = self.by_id.get_mut(id) {
            for login in logins {
                if !identity.has(&login) {
                    identity.logins.push(login);
                }
            }
            identity.disabled = false;
            identity.modified = Timestamp::now();
        }
    }

    /// Moves every login of `from` to `into` and deletes `from`: two
    /// identities found to be one user. Refused when both have a login of
    /// the same public provider for different users (developer providers may
    /// vouch for several users of one identity).
    pub fn merge(&mut self, from: &str, into: &str, developer_provider: Option<&str>) -> Result<(), Conflict> {
        if from == into {
            return Ok(());
        }
        let (Some(source), Some(target)) = (self.by_id.get(from), self.by_id.get(into)) else { return Ok(()) };
        let clash = source.logins.iter().any(|s| {
            Some(s.provider.as_str()) != developer_provider
                && target.logins.iter().any(|t| t.provider == s.provider && t.user != s.user)
        });
        if clash {
            return Err(Conflict);
        }
        if let Some(source) = self.by_id.remove(from) {
            self.link(into, source.logins);
        }
        Ok(())
    }

    /// The pool's identities in creation order.
    pub fn of_pool(&self, pool_id: &str) -> Vec<&Identity> {
        let mut out: Vec<&Identity> = self.by_id.values().filter(|i| i.pool_id == pool_id).collect();
        out.sort_by_key(|i| i.seq);
        out
    }
}

fn books() -> &'static Scoped<Book> {
    static BOOKS: OnceLock<Scoped<Book>> = OnceLock::new();
    BOOKS.get_or_init(Scoped::new)
}

/// Runs `f` on the identities of (account, region), holding their lock.
pub fn with<R>(account: &str, region: &str, f: impl FnOnce(&mut Identities) -> R) -> R {
    let book = books().get(account, region);
    let mut guard = book.identities.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut guard)
}

/// The (account, region) holding identity `id`: first where the caller's
/// account and the id's region say, then anywhere (unsigned callers name no account).
pub fn locate(id: &str, account: &str, region: &str) -> Option<(String, String)> {
    if with(account, region, |ids| ids.get(id).is_some()) {
        return Some((account.to_string(), region.to_string()));
    }
    books().all().into_iter().find_map(|((a, r), book)| {
        let guard = book.identities.lock().unwrap_or_else(|e| e.into_inner());
        guard.get(id).is_some().then_some((a, r))
    })
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_ids_are_region_and_uuid() {
        let id = with("111111111111", "eu-west-1", |ids| ids.create("eu-west-1:p", "eu-west-1", Vec::new()).id);
        let (region, uuid) = id.split_once(':').unwrap();
        assert_eq!(region, "eu-west-1");
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert_eq!(locate(&id, "000000000000", "us-east-1"), Some(("111111111111".into(), "eu-west-1".into())));
    }

    #[test]
    fn merging_moves_logins_unless_a_public_provider_clashes() {
        let login = |p: &str, u: &str| Login { provider: p.into(), user: u.into() };
        let mut ids = Identities::default();
        let a = ids.create("p", "us-east-1", vec![login("dev", "alice"), login("graph.facebook.com", "fa")]).id;
        let b = ids.create("p", "us-east-1", vec![login("dev", "bob")]).id;
        let c = ids.create("p", "us-east-1", vec![login("dev", "carol"), login("graph.facebook.com", "fc")]).id;
        ids.merge(&b, &a, Some("dev")).unwrap();
        assert!(ids.get(&b).is_none());
        assert_eq!(ids.with_login("p", &login("dev", "bob")).map(|i| i.id.clone()), Some(a.clone()));
        assert!(ids.merge(&c, &a, Some("dev")).is_err());
        assert!(ids.get(&c).is_some());
    }
}
