//! What the audit trail records about a caller beyond its ARN (principal id,
//! session issuer, session creation time), read from the identity store
//! when a call is recorded. Installed into `simfra_audit` by `handler()`:
//! the audit crate sits below the identity crate and cannot ask it itself.

use simfra_audit::{Caller, SessionIssuer};
use simfra_identity::PrincipalKind;

pub fn resolve(access_key_id: &str) -> Option<Caller> {
    let cred = simfra_identity::credentials().lookup(access_key_id)?;
    let issued = || Some(cred.issued_at.unwrap_or_else(|| simfra_model::Timestamp::now().secs));
    let mut caller = Caller { principal_id: cred.user_id.clone(), ..Default::default() };
    match &cred.principal {
        PrincipalKind::Root | PrincipalKind::User { .. } => {}
        PrincipalKind::AssumedRole { role_name, role_id, role_arn, source_identity, .. } => {
            caller.issuer = Some(SessionIssuer {
                kind: "Role",
                principal_id: role_id.clone(),
                arn: role_arn.clone(),
                account_id: cred.account_id.clone(),
                user_name: role_name.clone(),
            });
            caller.source_identity = source_identity.clone();
            caller.session_created = issued();
        }
        PrincipalKind::FederatedUser { parent_user, .. } => {
            let user = simfra_identity::iam::user(&cred.account_id, parent_user);
            caller.issuer = Some(SessionIssuer {
                kind: "IAMUser",
                principal_id: user.as_ref().map(|u| u.user_id.clone()).unwrap_or_default(),
                arn: user.as_ref().map(|u| u.arn.clone()).unwrap_or_else(|| format!("arn:aws:iam::{}:user/{parent_user}", cred.account_id)),
                account_id: cred.account_id.clone(),
                user_name: parent_user.clone(),
            });
            caller.session_created = issued();
        }
        // GetSessionToken: the user's (or root's) own identity, in a session;
        // AssumeRoot: the member account's root, in a session.
        PrincipalKind::UserSession { .. } | PrincipalKind::RootSession { .. } => caller.session_created = issued(),
    }
    Some(caller)
}
