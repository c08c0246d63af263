//! What every part of the IAM API shares: AWS's errors, ids and ARNs,
//! policy documents (parsed, validated, URL-encoded on the way out), tags and
//! IAM's Marker/MaxItems pagination.

use simfra_gen_iam::types::*;
use simfra_identity::iam::{self, Document, IamState, Tags};
use simfra_model::{RequestContext, ServiceError, Timestamp};
use std::sync::Arc;

pub type R<T> = Result<T, ServiceError>;

pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

pub fn ts(secs: i64) -> Timestamp {
    Timestamp::from_secs(secs)
}

/// The caller's account's IAM state.
pub fn state(ctx: &RequestContext) -> Arc<IamState> {
    iam::state(&ctx.account_id)
}

// ------------------------------------------------------------------ errors

pub fn no_such_entity(message: impl Into<String>) -> ServiceError {
    NoSuchEntityException { message: Some(message.into()) }.into()
}
pub fn already_exists(message: impl Into<String>) -> ServiceError {
    EntityAlreadyExistsException { message: Some(message.into()) }.into()
}
pub fn delete_conflict(message: impl Into<String>) -> ServiceError {
    DeleteConflictException { message: Some(message.into()) }.into()
}
pub fn limit_exceeded(message: impl Into<String>) -> ServiceError {
    LimitExceededException { message: Some(message.into()) }.into()
}
pub fn invalid_input(message: impl Into<String>) -> ServiceError {
    InvalidInputException { message: Some(message.into()) }.into()
}
pub fn malformed_policy(message: impl Into<String>) -> ServiceError {
    MalformedPolicyDocumentException { message: Some(message.into()) }.into()
}
pub fn unmodifiable(message: impl Into<String>) -> ServiceError {
    UnmodifiableEntityException { message: Some(message.into()) }.into()
}
/// The generic `ValidationError` IAM answers for constraint violations.
pub fn validation(message: impl Into<String>) -> ServiceError {
    ServiceError::new("ValidationError", 400, message)
}

pub fn no_such_user(name: &str) -> ServiceError {
    no_such_entity(format!("The user with name {name} cannot be found."))
}
pub fn no_such_group(name: &str) -> ServiceError {
    no_such_entity(format!("The group with name {name} cannot be found."))
}
pub fn no_such_role(name: &str) -> ServiceError {
    no_such_entity(format!("The role with name {name} cannot be found."))
}
pub fn no_such_policy(arn: &str) -> ServiceError {
    no_such_entity(format!("Policy {arn} was not found."))
}
pub fn not_attachable(arn: &str) -> ServiceError {
    no_such_entity(format!("Policy {arn} does not exist or is not attachable."))
}
pub fn no_such_instance_profile(name: &str) -> ServiceError {
    no_such_entity(format!("Instance Profile {name} cannot be found."))
}

/// A service-linked role can only be changed by its service.
pub fn protected_role(name: &str) -> ServiceError {
    unmodifiable(format!("Cannot perform the operation on the protected role '{name}' - this role is only modifiable by AWS"))
}

// ------------------------------------------------------------ ids and ARNs

pub fn arn(account: &str, kind: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:{kind}{path}{name}")
}

pub fn unique_id(prefix: &str) -> String {
    simfra_identity::ids::unique_id(prefix)
}

/// `Path` defaults to `/`.
pub fn path_or_root(path: Option<String>) -> String {
    path.filter(|p| !p.is_empty()).unwrap_or_else(|| "/".into())
}

/// IAM paths begin and end with `/` (the model's pattern, checked again here
/// because an empty string passes some clients' checks).
pub fn check_path(path: &str) -> R<()> {
    if path == "/" || (path.len() >= 2 && path.starts_with('/') && path.ends_with('/') && path.bytes().all(|b| (0x21..=0x7e).contains(&b))) {
        Ok(())
    } else {
        Err(validation(
            "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.",
        ))
    }
}

/// The user name behind a user ARN (`arn:aws:iam::1:user/path/bob` → `bob`).
pub fn user_name_of_arn(arn: &str) -> Option<&str> {
    let resource = arn.splitn(6, ':').nth(5)?;
    resource.strip_prefix("user/").map(|p| p.rsplit('/').next().unwrap_or(p))
}

/// Whose credentials an operation without `UserName` acts on.
pub enum Subject {
    User(String),
    Root,
}

/// For operations whose `UserName` defaults to the caller: the named user, or
/// the calling user, or the account's root user; role sessions must name one.
pub fn subject(ctx: &RequestContext, user_name: Option<&str>) -> R<Subject> {
    if let Some(n) = user_name.filter(|n| !n.is_empty()) {
        return Ok(Subject::User(n.to_string()));
    }
    let arn = ctx.principal_arn.clone().unwrap_or_else(|| format!("arn:aws:iam::{}:root", ctx.account_id));
    if arn.ends_with(":root") {
        return Ok(Subject::Root);
    }
    match user_name_of_arn(&arn) {
        Some(n) => Ok(Subject::User(n.to_string())),
        None => Err(validation("Must specify userName when calling with non-User credentials")),
    }
}

/// Like `subject`, for operations that only work on IAM users.
pub fn subject_user(ctx: &RequestContext, user_name: Option<&str>) -> R<String> {
    match subject(ctx, user_name)? {
        Subject::User(n) => Ok(n),
        Subject::Root => Err(validation("Must specify userName when calling with non-User credentials")),
    }
}

// ---------------------------------------------------------------- documents

/// Parses a policy document, with IAM's `MalformedPolicyDocument` on error.
fn parse(text: &str) -> R<Arc<simfra_policy::Policy>> {
    simfra_policy::parse(text).map(Arc::new).map_err(|e| malformed_policy(e.0))
}

/// An identity-based (inline or managed) policy document.
pub fn identity_document(text: &str) -> R<Document> {
    let parsed = parse(text)?;
    simfra_policy::validate_identity_policy(&parsed).map_err(|e| malformed_policy(e.0))?;
    Ok(Document { text: text.to_string(), parsed })
}

/// A role's trust policy: a resource policy naming principals, whose actions are STS's.
pub fn trust_document(text: &str) -> R<Document> {
    let parsed = parse(text)?;
    for st in &parsed.statements {
        if st.principal.is_none() && st.not_principal.is_none() {
            return Err(malformed_policy("Missing required field Principal"));
        }
        if !st.resource_absent {
            return Err(malformed_policy("Has prohibited field Resource"));
        }
        for a in &st.actions {
            let lower = a.to_ascii_lowercase();
            if !(lower == "*" || lower.starts_with("sts:")) {
                return Err(malformed_policy("AssumeRole policy may only specify STS AssumeRole actions."));
            }
        }
    }
    Ok(Document { text: text.to_string(), parsed })
}

/// IAM answers policy documents URL-encoded (RFC 3986), as AWS does; SDKs decode them.
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn encoded(d: &Document) -> String {
    url_encode(&d.text)
}

// ---------------------------------------------------------------------- tags

pub fn tag_list(tags: &Tags) -> Vec<Tag> {
    tags.0.iter().map(|(k, v)| Tag { key: k.clone(), value: v.clone() }).collect()
}

pub fn tags_opt(tags: &Tags) -> Option<Vec<Tag>> {
    if tags.0.is_empty() {
        None
    } else {
        Some(tag_list(tags))
    }
}

pub fn pairs(tags: &[Tag]) -> Vec<(String, String)> {
    tags.iter().map(|t| (t.key.clone(), t.value.clone())).collect()
}

const MAX_TAGS: usize = 50;

/// Checks a tag request against IAM's rules (no key twice, at most 50 on the resource).
pub fn check_tags(existing: &Tags, new: &[Tag]) -> R<()> {
    for (i, t) in new.iter().enumerate() {
        if new[..i].iter().any(|o| o.key.eq_ignore_ascii_case(&t.key)) {
            return Err(invalid_input("Duplicate tag keys found. Please note that Tag keys are case insensitive."));
        }
        if t.key.to_ascii_lowercase().starts_with("aws:") {
            return Err(invalid_input("User is not authorized to perform: aws: prefixed tag keys are reserved for AWS use."));
        }
    }
    if existing.count_after(&pairs(new)) > MAX_TAGS {
        return Err(limit_exceeded("The number of tags has reached the maximum limit."));
    }
    Ok(())
}

/// TagX: checks and adds.
pub fn apply_tags(tags: &mut Tags, new: &[Tag]) -> R<()> {
    check_tags(tags, new)?;
    tags.set(pairs(new));
    Ok(())
}

/// ListXTags, paginated by key.
pub fn list_tags(tags: &Tags, marker: Option<&str>, max_items: Option<i32>) -> R<(Vec<Tag>, Option<bool>, Option<String>)> {
    let mut all = tag_list(tags);
    all.sort_by(|a, b| a.key.cmp(&b.key));
    let mut page = paginate(all, |t| t.key.clone(), marker, max_items)?;
    let items = std::mem::take(&mut page.items);
    Ok((items, Some(page.truncated), page.marker))
}

// --------------------------------------------------------------- pagination

pub struct Page<T> {
    pub items: Vec<T>,
    pub truncated: bool,
    pub marker: Option<String>,
}

impl<T> Page<T> {
    pub fn is_truncated(&self) -> Option<bool> {
        Some(self.truncated)
    }
}

fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<String> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..s.len()).step_by(2).map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok()).collect();
    String::from_utf8(bytes?).ok()
}

/// One page of `items` (already in order of `sort_key`): those from the
/// marker on, at most `max_items` (default 100). The marker names the first
/// item of the next page, opaquely.
pub fn paginate<T>(items: Vec<T>, sort_key: impl Fn(&T) -> String, marker: Option<&str>, max_items: Option<i32>) -> R<Page<T>> {
    let max = max_items.unwrap_or(100).clamp(1, 1000) as usize;
    let from = match marker.filter(|m| !m.is_empty()) {
        Some(m) => Some(unhex(m).ok_or_else(|| invalid_input("Invalid Marker."))?),
        None => None,
    };
    let mut rest: Vec<T> = match &from {
        Some(f) => items.into_iter().filter(|i| sort_key(i).as_str() >= f.as_str()).collect(),
        None => items,
    };
    if rest.len() > max {
        let tail = rest.split_off(max);
        let next = sort_key(&tail[0]);
        Ok(Page { items: rest, truncated: true, marker: Some(hex(&next)) })
    } else {
        Ok(Page { items: rest, truncated: false, marker: None })
    }
}

/// Items with a path filter (`PathPrefix`).
pub fn path_matches(path: &str, prefix: Option<&str>) -> bool {
    prefix.map(|p| path.starts_with(p)).unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_markers_to_the_end() {
        let items: Vec<String> = (0..7).map(|i| format!("u{i}")).collect();
        let p1 = paginate(items.clone(), |s| s.clone(), None, Some(3)).unwrap();
        assert_eq!(p1.items, vec!["u0", "u1", "u2"]);
        assert!(p1.truncated);
        let p2 = paginate(items.clone(), |s| s.clone(), p1.marker.as_deref(), Some(3)).unwrap();
        assert_eq!(p2.items, vec!["u3", "u4", "u5"]);
        let p3 = paginate(items, |s| s.clone(), p2.marker.as_deref(), Some(3)).unwrap();
        assert_eq!(p3.items, vec!["u6"]);
        assert!(!p3.truncated && p3.marker.is_none());
        assert!(paginate(vec!["a".to_string()], |s| s.clone(), Some("zz"), None).is_err());
    }

    #[test]
    fn documents_are_url_encoded_like_aws() {
        assert_eq!(url_encode(r#"{"A": "b*"}"#), "%7B%22A%22%3A%20%22b%2A%22%7D");
    }

    #[test]
    fn trust_policies_need_principals_and_sts_actions() {
        assert!(trust_document(r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}"#).is_ok());
        let e = trust_document(r#"{"Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}"#).unwrap_err();
        assert_eq!(e.message.as_deref(), Some("Missing required field Principal"));
        let e = trust_document(r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}}"#).unwrap_err();
        assert_eq!(e.message.as_deref(), Some("AssumeRole policy may only specify STS AssumeRole actions."));
        let e = trust_document(r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Resource":"*"}}"#).unwrap_err();
        assert_eq!(e.message.as_deref(), Some("Has prohibited field Resource"));
    }
}
