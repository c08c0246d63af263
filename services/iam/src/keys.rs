//! A user's credentials: access keys (which go into the shared credential
//! store and sign requests at once), console passwords (login profiles), SSH
//! public keys for CodeCommit, X.509 signing certificates and
//! service-specific credentials. Operations without `UserName` act on the
//! caller: an IAM user's own credentials, or the root user's access keys.

use crate::common::*;
use crate::users;
use base64::Engine;
use md5::{Digest, Md5};
use simfra_gen_iam::types::*;
use simfra_identity::iam::{self as store, key, IamData};
use simfra_identity::{credentials, ids, Credential, PrincipalKind};
use simfra_model::{RequestContext, ServiceError};

const ACCESS_KEYS_PER_USER: usize = 2;
const SSH_KEYS_PER_USER: usize = 5;
const SIGNING_CERTS_PER_USER: usize = 2;
const SERVICE_CREDENTIALS_PER_SERVICE: usize = 2;

fn no_such_key(id: &str) -> ServiceError {
    no_such_entity(format!("The Access Key with id {id} cannot be found."))
}

fn status(active: bool) -> StatusType {
    if active {
        StatusType::Active
    } else {
        StatusType::Inactive
    }
}

fn is_active(s: &StatusType) -> R<bool> {
    match s {
        StatusType::Active => Ok(true),
        StatusType::Inactive => Ok(false),
        other => Err(validation(format!(
            "1 validation error detected: Value '{}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]",
            other.as_str()
        ))),
    }
}

// --------------------------------------------------------------- root keys

/// The root user's access keys: the account's own (from the accounts
/// registry) and those created through IAM, with their state.
fn root_keys(account: &str, d: &IamData) -> Vec<store::AccessKey> {
    let mut out = Vec::new();
    if let Some(a) = simfra_identity::accounts::accounts().get(account) {
        if let Some(c) = credentials().lookup(&a.root_access_key_id) {
            out.push(store::AccessKey { id: c.access_key_id, active: c.active, created: a.created });
        }
    }
    for k in &d.root_access_keys {
        if let Some(c) = credentials().lookup(&k.id) {
            out.push(store::AccessKey { active: c.active, ..k.clone() });
        }
    }
    out
}

// ------------------------------------------------------------- access keys

pub fn create_access_key(ctx: &RequestContext, input: CreateAccessKeyRequest) -> R<CreateAccessKeyResponse> {
    let subject = subject(ctx, input.user_name.as_deref())?;
    let st = state(ctx);
    let mut d = st.write();
    let created = now();
    let access_key_id = ids::access_key_id("AKIA");
    let secret = ids::secret_access_key();
    let user_name = match subject {
        Subject::User(name) => {
            let u = users::get_mut(&mut d, &name)?;
            if u.access_keys.len() >= ACCESS_KEYS_PER_USER {
                return Err(limit_exceeded(format!("Cannot exceed quota for AccessKeysPerUser: {ACCESS_KEYS_PER_USER}")));
            }
            u.access_keys.push(store::AccessKey { id: access_key_id.clone(), active: true, created });
            credentials().insert(Credential {
                access_key_id: access_key_id.clone(),
                secret_access_key: secret.clone(),
                account_id: ctx.account_id.clone(),
                principal_arn: u.arn.clone(),
                user_id: u.id.clone(),
                principal: PrincipalKind::User { name: u.name.clone(), user_id: u.id.clone() },
                session_token: None,
                expires_at: None,
                issued_at: None,
                active: true,
            });
            u.name.clone()
        }
        Subject::Root => {
            if root_keys(&ctx.account_id, &d).len() >= ACCESS_KEYS_PER_USER {
                return Err(limit_exceeded(format!("Cannot exceed quota for AccessKeysPerUser: {ACCESS_KEYS_PER_USER}")));
            }
            d.root_access_keys.push(store::AccessKey { id: access_key_id.clone(), active: true, created });
            credentials().insert(Credential::root(&ctx.account_id, &access_key_id, &secret));
            String::new()
        }
    };
    Ok(CreateAccessKeyResponse {
        access_key: AccessKey { user_name, access_key_id, status: StatusType::Active, secret_access_key: secret, create_date: Some(ts(created)) },
    })
}

pub fn update_access_key(ctx: &RequestContext, input: UpdateAccessKeyRequest) -> R<()> {
    let active = is_active(&input.status)?;
    let subject = subject(ctx, input.user_name.as_deref())?;
    let st = state(ctx);
    let mut d = st.write();
    match subject {
        Subject::User(name) => {
            let u = users::get_mut(&mut d, &name)?;
            let k = u.access_keys.iter_mut().find(|k| k.id == input.access_key_id).ok_or_else(|| no_such_key(&input.access_key_id))?;
            k.active = active;
        }
        Subject::Root => {
            if !root_keys(&ctx.account_id, &d).iter().any(|k| k.id == input.access_key_id) {
                return Err(no_such_key(&input.access_key_id));
            }
            if let Some(k) = d.root_access_keys.iter_mut().find(|k| k.id == input.access_key_id) {
                k.active = active;
            }
        }
    }
    credentials().set_active(&input.access_key_id, active);
    Ok(())
}

pub fn delete_access_key(ctx: &RequestContext, input: DeleteAccessKeyRequest) -> R<()> {
    let subject = subject(ctx, input.user_name.as_deref())?;
    let st = state(ctx);
    let mut d = st.write();
    match subject {
        Subject::User(name) => {
            let u = users::get_mut(&mut d, &name)?;
            let before = u.access_keys.len();
            u.access_keys.retain(|k| k.id != input.access_key_id);
            if u.access_keys.len() == before {
                return Err(no_such_key(&input.access_key_id));
            }
        }
        Subject::Root => {
            if !root_keys(&ctx.account_id, &d).iter().any(|k| k.id == input.access_key_id) {
                return Err(no_such_key(&input.access_key_id));
            }
            d.root_access_keys.retain(|k| k.id != input.access_key_id);
        }
    }
    credentials().remove(&input.access_key_id);
    st.forget_key_use(&input.access_key_id);
    Ok(())
}

pub fn list_access_keys(ctx: &RequestContext, input: ListAccessKeysRequest) -> R<ListAccessKeysResponse> {
    let subject = subject(ctx, input.user_name.as_deref())?;
    let st = state(ctx);
    let d = st.read();
    let (user_name, keys) = match subject {
        Subject::User(name) => {
            let u = users::get(&d, &name)?;
            (Some(u.name.clone()), u.access_keys.clone())
        }
        Subject::Root => (None, root_keys(&ctx.account_id, &d)),
    };
    let all: Vec<(usize, store::AccessKey)> = keys.into_iter().enumerate().collect();
    let page = paginate(all, |(i, _)| format!("{i:04}"), input.marker.as_deref(), input.max_items)?;
    let truncated = page.is_truncated();
    Ok(ListAccessKeysResponse {
        access_key_metadata: page
            .items
            .into_iter()
            .map(|(_, k)| AccessKeyMetadata {
                user_name: user_name.clone(),
                access_key_id: Some(k.id),
                status: Some(status(k.active)),
                create_date: Some(ts(k.created)),
            })
            .collect(),
        is_truncated: truncated,
        marker: page.marker,
    })
}

pub fn get_access_key_last_used(ctx: &RequestContext, input: GetAccessKeyLastUsedRequest) -> R<GetAccessKeyLastUsedResponse> {
    let cred = credentials()
        .lookup(&input.access_key_id)
        .filter(|c| c.account_id == ctx.account_id && c.session_token.is_none())
        .ok_or_else(|| no_such_key(&input.access_key_id))?;
    let user_name = match &cred.principal {
        PrincipalKind::User { name, .. } => Some(name.clone()),
        _ => None,
    };
    let used = iam_state_key_use(ctx, &input.access_key_id);
    let last = match used {
        Some(u) => AccessKeyLastUsed { last_used_date: Some(ts(u.when)), service_name: u.service, region: u.region },
        None => AccessKeyLastUsed { last_used_date: None, service_name: "N/A".into(), region: "N/A".into() },
    };
    Ok(GetAccessKeyLastUsedResponse { user_name, access_key_last_used: Some(last) })
}

fn iam_state_key_use(ctx: &RequestContext, id: &str) -> Option<store::LastUse> {
    state(ctx).key_last_used(id)
}

// ------------------------------------------------------------ login profiles

/// Checks a new password against the account's password policy, or AWS's
/// default policy when the account has none.
pub fn check_password(d: &IamData, user_name: &str, password: &str) -> R<()> {
    let violation = |m: String| -> ServiceError { PasswordPolicyViolationException { message: Some(m) }.into() };
    let upper = password.chars().any(|c| c.is_ascii_uppercase());
    let lower = password.chars().any(|c| c.is_ascii_lowercase());
    let digit = password.chars().any(|c| c.is_ascii_digit());
    let symbol = password.chars().any(|c| c.is_ascii_punctuation());
    match &d.password_policy {
        Some(p) => {
            let min = p.minimum_password_length.unwrap_or(6) as usize;
            if password.chars().count() < min {
                return Err(violation(format!("Password should have a minimum length of {min}")));
            }
            if p.require_uppercase_characters && !upper {
                return Err(violation("Password should have at least one uppercase letter".into()));
            }
            if p.require_lowercase_characters && !lower {
                return Err(violation("Password should have at least one lowercase letter".into()));
            }
            if p.require_numbers && !digit {
                return Err(violation("Password should have at least one number".into()));
            }
            if p.require_symbols && !symbol {
                return Err(violation("Password should have at least one symbol".into()));
            }
        }
        None => {
            // AWS's default: 8 characters, three of the four character types, not the user name.
            let kinds = [upper, lower, digit, symbol].iter().filter(|b| **b).count();
            if password.chars().count() < 8 || kinds < 3 || password.eq_ignore_ascii_case(user_name) {
                return Err(violation("Password does not conform to the account password policy.".into()));
            }
        }
    }
    Ok(())
}

fn no_login_profile(user: &str) -> ServiceError {
    no_such_entity(format!("Login Profile for User {user} cannot be found."))
}

pub fn create_login_profile(ctx: &RequestContext, input: CreateLoginProfileRequest) -> R<CreateLoginProfileResponse> {
    let name = subject_user(ctx, input.user_name.as_deref())?;
    let st = state(ctx);
    let mut d = st.write();
    let u = users::get(&d, &name)?;
    if u.login_profile.is_some() {
        return Err(already_exists(format!("Login Profile for user {} already exists.", u.name)));
    }
    let password = input.password.ok_or_else(|| validation("Password is required to create a login profile for an IAM user."))?;
    let user_name = u.name.clone();
    check_password(&d, &user_name, &password)?;
    let created = now();
    let reset = input.password_reset_required.unwrap_or(false);
    users::get_mut(&mut d, &name)?.login_profile =
        Some(store::LoginProfile { created, password, password_reset_required: reset, password_last_changed: created });
    Ok(CreateLoginProfileResponse {
        login_profile: LoginProfile { user_name, create_date: ts(created), password_reset_required: Some(reset) },
    })
}

pub fn get_login_profile(ctx: &RequestContext, input: GetLoginProfileRequest) -> R<GetLoginProfileResponse> {
    let name = subject_user(ctx, input.user_name.as_deref())?;
    let st = state(ctx);
    let d = st.read();
    let u = users::get(&d, &name)?;
    let lp = u.login_profile.as_ref().ok_or_else(|| no_login_profile(&u.name))?;
    Ok(GetLoginProfileResponse {
        login_profile: LoginProfile {
            user_name: u.name.clone(),
            create_date: ts(lp.created),
            password_reset_required: Some(lp.password_reset_required),
        },
    })
}

pub fn update_login_profile(ctx: &RequestContext, input: UpdateLoginProfileRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    let u = users::get(&d, &input.user_name)?;
    let user_name = u.name.clone();
    if u.login_profile.is_none() {
        return Err(no_login_profile(&user_name));
    }
    if let Some(p) = &input.password {
        check_password(&d, &user_name, p)?;
    }
    let lp = users::get_mut(&mut d, &input.user_name)?.login_profile.as_mut().ok_or_else(|| no_login_profile(&user_name))?;
    if let Some(p) = input.password {
        lp.password = p;
        lp.password_last_changed = now();
    }
    if let Some(r) = input.password_reset_required {
        lp.password_reset_required = r;
    }
    Ok(())
}

pub fn delete_login_profile(ctx: &RequestContext, input: DeleteLoginProfileRequest) -> R<()> {
    let name = subject_user(ctx, input.user_name.as_deref())?;
    let st = state(ctx);
    let mut d = st.write();
    let u = users::get_mut(&mut d, &name)?;
    if u.login_profile.take().is_none() {
        return Err(no_login_profile(&u.name));
    }
    Ok(())
}

pub fn change_password(ctx: &RequestContext, input: ChangePasswordRequest) -> R<()> {
    let Subject::User(name) = subject(ctx, None).map_err(|_| not_a_user())? else {
        return Err(not_a_user());
    };
    let st = state(ctx);
    let mut d = st.write();
    let u = users::get(&d, &name)?;
    let user_name = u.name.clone();
    let lp = u.login_profile.as_ref().ok_or_else(|| no_login_profile(&user_name))?;
    if lp.password != input.old_password {
        return Err(ServiceError::new("InvalidInput", 400, "The old password is incorrect."));
    }
    if let Some(p) = &d.password_policy {
        if !p.allow_users_to_change_password {
            return Err(ServiceError::new("AccessDenied", 403, "The account password policy does not allow users to change their own password."));
        }
    }
    check_password(&d, &user_name, &input.new_password)?;
    if let Some(lp) = users::get_mut(&mut d, &name)?.login_profile.as_mut() {
        lp.password = input.new_password;
        lp.password_last_changed = now();
        lp.password_reset_required = false;
    }
    Ok(())
}

fn not_a_user() -> ServiceError {
    InvalidUserTypeException { message: Some("Only IAM users can change their own password.".into()) }.into()
}

// ----------------------------------------------------------- SSH public keys

/// An SSH public key, in both encodings IAM shows.
#[derive(Debug)]
struct SshKey {
    /// `ssh-rsa AAAA…`
    ssh: String,
    /// The DER `SubjectPublicKeyInfo`.
    der: Vec<u8>,
    /// The SSH wire-format blob.
    blob: Vec<u8>,
}

fn ssh_invalid() -> ServiceError {
    InvalidPublicKeyException { message: Some("The public key is not valid.".into()) }.into()
}

fn ssh_unrecognized() -> ServiceError {
    UnrecognizedPublicKeyEncodingException { message: Some("The public key encoding format is unsupported or unrecognized.".into()) }.into()
}

/// Reads a length-prefixed SSH wire string.
fn ssh_string<'a>(b: &mut &'a [u8]) -> Option<&'a [u8]> {
    let len = u32::from_be_bytes(b.get(..4)?.try_into().ok()?) as usize;
    let s = b.get(4..4 + len)?;
    *b = &b[4 + len..];
    Some(s)
}

fn der_len(n: usize) -> Vec<u8> {
    if n < 0x80 {
        vec![n as u8]
    } else {
        let bytes: Vec<u8> = n.to_be_bytes().iter().copied().skip_while(|b| *b == 0).collect();
        let mut v = vec![0x80 | bytes.len() as u8];
        v.extend(bytes);
        v
    }
}

fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut v = vec![tag];
    v.extend(der_len(content.len()));
    v.extend_from_slice(content);
    v
}

fn der_uint(x: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = x.iter().copied().skip_while(|b| *b == 0).collect();
    let mut c = if trimmed.first().map(|b| b & 0x80 != 0).unwrap_or(true) { vec![0] } else { Vec::new() };
    c.extend(trimmed);
    der(0x02, &c)
}

/// Reads one DER element: (tag, content, rest).
pub(crate) fn der_read(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *b.first()?;
    let first = *b.get(1)? as usize;
    let (len, header) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = (len << 8) | *b.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let content = b.get(header..header + len)?;
    Some((tag, content, &b[header + len..]))
}

const RSA_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

fn ssh_blob(n: &[u8], e: &[u8]) -> Vec<u8> {
    let mut blob = Vec::new();
    for part in [&b"ssh-rsa"[..], &mpint(e), &mpint(n)] {
        blob.extend((part.len() as u32).to_be_bytes());
        blob.extend_from_slice(part);
    }
    blob
}

fn mpint(x: &[u8]) -> Vec<u8> {
    let trimmed: Vec<u8> = x.iter().copied().skip_while(|b| *b == 0).collect();
    let mut v = if trimmed.first().map(|b| b & 0x80 != 0).unwrap_or(false) { vec![0] } else { Vec::new() };
    v.extend(trimmed);
    v
}

pub(crate) fn pem_body(text: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)? + begin.len();
    let stop = text[start..].find(&end)? + start;
    let b64: String = text[start..stop].chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(b64).ok()
}

fn pem(der: &[u8], label: &str) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap_or("")).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}

/// Parses an `ssh-rsa` key (OpenSSH format) or an RSA public key in PEM.
fn parse_ssh_key(body: &str) -> R<SshKey> {
    let body = body.trim();
    let (n, e) = if body.starts_with("-----BEGIN PUBLIC KEY-----") {
        let spki = pem_body(body, "PUBLIC KEY").ok_or_else(ssh_invalid)?;
        let parse = || -> Option<(Vec<u8>, Vec<u8>)> {
            let (_, seq, _) = der_read(&spki)?;
            let (_, alg, rest) = der_read(seq)?;
            let (_, oid, _) = der_read(alg)?;
            if oid != RSA_OID {
                return None;
            }
            let (_, bits, _) = der_read(rest)?;
            let (_, rsa, _) = der_read(bits.get(1..)?)?;
            let (_, n, rest) = der_read(rsa)?;
            let (_, e, _) = der_read(rest)?;
            Some((n.to_vec(), e.to_vec()))
        };
        parse().ok_or_else(ssh_invalid)?
    } else if body.starts_with("ssh-rsa ") {
        let b64 = body.split_whitespace().nth(1).ok_or_else(ssh_invalid)?;
        let blob = base64::engine::general_purpose::STANDARD.decode(b64).map_err(|_| ssh_invalid())?;
        let mut b = blob.as_slice();
        let kind = ssh_string(&mut b).ok_or_else(ssh_invalid)?;
        if kind != b"ssh-rsa" {
            return Err(ssh_invalid());
        }
        let e = ssh_string(&mut b).ok_or_else(ssh_invalid)?.to_vec();
        let n = ssh_string(&mut b).ok_or_else(ssh_invalid)?.to_vec();
        (n, e)
    } else {
        return Err(ssh_unrecognized());
    };
    let bits = n.iter().skip_while(|b| **b == 0).count() * 8;
    if bits < 2048 {
        return Err(InvalidPublicKeyException { message: Some("The public key must be at least 2048 bits long.".into()) }.into());
    }
    let blob = ssh_blob(&n, &e);
    let rsa = der(0x30, &[der_uint(&n), der_uint(&e)].concat());
    let mut bit_string = vec![0u8];
    bit_string.extend(rsa);
    let alg = der(0x30, &[der(0x06, RSA_OID), vec![0x05, 0x00]].concat());
    let spki = der(0x30, &[alg, der(0x03, &bit_string)].concat());
    Ok(SshKey { ssh: format!("ssh-rsa {}", base64::engine::general_purpose::STANDARD.encode(&blob)), der: spki, blob })
}

fn fingerprint(blob: &[u8]) -> String {
    let digest = Md5::digest(blob);
    digest.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
}

fn no_such_ssh_key(id: &str) -> ServiceError {
    no_such_entity(format!("The Public Key with id {id} cannot be found."))
}

pub fn upload_ssh_public_key(ctx: &RequestContext, input: UploadSshPublicKeyRequest) -> R<UploadSshPublicKeyResponse> {
    let parsed = parse_ssh_key(&input.ssh_public_key_body)?;
    let fp = fingerprint(&parsed.blob);
    let st = state(ctx);
    let mut d = st.write();
    let u = users::get_mut(&mut d, &input.user_name)?;
    if u.ssh_keys.iter().any(|k| k.fingerprint == fp) {
        return Err(DuplicateSshPublicKeyException { message: Some("The public key is already associated with the specified IAM user.".into()) }.into());
    }
    if u.ssh_keys.len() >= SSH_KEYS_PER_USER {
        return Err(limit_exceeded(format!("Cannot exceed quota for KeysPerUser: {SSH_KEYS_PER_USER}")));
    }
    let k = store::SshPublicKey { id: ids::access_key_id("APKA"), body: parsed.ssh, fingerprint: fp, active: true, uploaded: now() };
    let shown = ssh_shape(&u.name, &k, &k.body);
    u.ssh_keys.push(k);
    Ok(UploadSshPublicKeyResponse { ssh_public_key: Some(shown) })
}

fn ssh_shape(user: &str, k: &store::SshPublicKey, body: &str) -> SshPublicKey {
    SshPublicKey {
        user_name: user.to_string(),
        ssh_public_key_id: k.id.clone(),
        fingerprint: k.fingerprint.clone(),
        ssh_public_key_body: body.to_string(),
        status: status(k.active),
        upload_date: Some(ts(k.uploaded)),
    }
}

pub fn get_ssh_public_key(ctx: &RequestContext, input: GetSshPublicKeyRequest) -> R<GetSshPublicKeyResponse> {
    let st = state(ctx);
    let d = st.read();
    let u = users::get(&d, &input.user_name)?;
    let k = u.ssh_keys.iter().find(|k| k.id == input.ssh_public_key_id).ok_or_else(|| no_such_ssh_key(&input.ssh_public_key_id))?;
    let body = match input.encoding {
        EncodingType::Pem => pem(&parse_ssh_key(&k.body)?.der, "PUBLIC KEY"),
        _ => k.body.clone(),
    };
    Ok(GetSshPublicKeyResponse { ssh_public_key: Some(ssh_shape(&u.name, k, &body)) })
}

pub fn update_ssh_public_key(ctx: &RequestContext, input: UpdateSshPublicKeyRequest) -> R<()> {
    let active = is_active(&input.status)?;
    let st = state(ctx);
    let mut d = st.write();
    let u = users::get_mut(&mut d, &input.user_name)?;
    let k = u.ssh_keys.iter_mut().find(|k| k.id == input.ssh_public_key_id).ok_or_else(|| no_such_ssh_key(&input.ssh_public_key_id))?;
    k.active = active;
    Ok(())
}

pub fn delete_ssh_public_key(ctx: &RequestContext, input: DeleteSshPublicKeyRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    let u = users::get_mut(&mut d, &input.user_name)?;
    let before = u.ssh_keys.len();
    u.ssh_keys.retain(|k| k.id != input.ssh_public_key_id);
    if u.ssh_keys.len() == before {
        return Err(no_such_ssh_key(&input.ssh_public_key_id));
    }
    Ok(())
}

pub fn list_ssh_public_keys(ctx: &RequestContext, input: ListSshPublicKeysRequest) -> R<ListSshPublicKeysResponse> {
    let name = subject_user(ctx, input.user_name.as_deref())?;
    let st = state(ctx);
    let d = st.read();
    let u = users::get(&d, &name)?;
    let all: Vec<(usize, &store::SshPublicKey)> = u.ssh_keys.iter().enumerate().collect();
    let page = paginate(all, |(i, _)| format!("{i:04}"), input.marker.as_deref(), input.max_items)?;
    Ok(ListSshPublicKeysResponse {
        ssh_public_keys: Some(
            page.items
                .iter()
                .map(|(_, k)| SshPublicKeyMetadata {
                    user_name: u.name.clone(),
                    ssh_public_key_id: k.id.clone(),
                    status: status(k.active),
                    upload_date: ts(k.uploaded),
                })
                .collect(),
        ),
        is_truncated: page.is_truncated(),
        marker: page.marker.clone(),
    })
}

// ------------------------------------------------------- signing certificates

fn no_such_certificate(id: &str) -> ServiceError {
    no_such_entity(format!("The Certificate with id {id} cannot be found."))
}

/// The DER of a PEM certificate, or IAM's MalformedCertificate.
pub fn certificate_der(body: &str) -> R<Vec<u8>> {
    let der = pem_body(body, "CERTIFICATE")
        .ok_or_else(|| -> ServiceError { MalformedCertificateException { message: Some("Unable to parse certificate. Please ensure the certificate is in PEM format.".into()) }.into() })?;
    match der_read(&der) {
        Some((0x30, _, _)) => Ok(der),
        _ => Err(MalformedCertificateException { message: Some("Unable to parse certificate. Please ensure the certificate is in PEM format.".into()) }.into()),
    }
}

pub fn upload_signing_certificate(ctx: &RequestContext, input: UploadSigningCertificateRequest) -> R<UploadSigningCertificateResponse> {
    let name = subject_user(ctx, input.user_name.as_deref())?;
    let der = certificate_der(&input.certificate_body)?;
    let st = state(ctx);
    let mut d = st.write();
    let u = users::get_mut(&mut d, &name)?;
    if u.signing_certificates.iter().any(|c| certificate_der(&c.body).ok().as_ref() == Some(&der)) {
        return Err(DuplicateCertificateException { message: Some("The Certificate already exists.".into()) }.into());
    }
    if u.signing_certificates.len() >= SIGNING_CERTS_PER_USER {
        return Err(limit_exceeded(format!("Cannot exceed quota for SigningCertificatesPerUser: {SIGNING_CERTS_PER_USER}")));
    }
    let c = store::SigningCertificate {
        id: ids::random_string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32),
        body: input.certificate_body,
        active: true,
        uploaded: now(),
    };
    let shown = SigningCertificate {
        user_name: u.name.clone(),
        certificate_id: c.id.clone(),
        certificate_body: c.body.clone(),
        status: StatusType::Active,
        upload_date: Some(ts(c.uploaded)),
    };
    u.signing_certificates.push(c);
    Ok(UploadSigningCertificateResponse { certificate: shown })
}

pub fn update_signing_certificate(ctx: &RequestContext, input: UpdateSigningCertificateRequest) -> R<()> {
    let active = is_active(&input.status)?;
    let name = subject_user(ctx, input.user_name.as_deref())?;
    let st = state(ctx);
    let mut d = st.write();
    let u = users::get_mut(&mut d, &name)?;
    let c = u.signing_certificates.iter_mut().find(|c| c.id == input.certificate_id).ok_or_else(|| no_such_certificate(&input.certificate_id))?;
    c.active = active;
    Ok(())
}

pub fn delete_signing_certificate(ctx: &RequestContext, input: DeleteSigningCertificateRequest) -> R<()> {
    let name = subject_user(ctx, input.user_name.as_deref())?;
    let st = state(ctx);
    let mut d = st.write();
    let u = users::get_mut(&mut d, &name)?;
    let before = u.signing_certificates.len();
    u.signing_certificates.retain(|c| c.id != input.certificate_id);
    if u.signing_certificates.len() == before {
        return Err(no_such_certificate(&input.certificate_id));
    }
    Ok(())
}

pub fn list_signing_certificates(ctx: &RequestContext, input: ListSigningCertificatesRequest) -> R<ListSigningCertificatesResponse> {
    let name = subject_user(ctx, input.user_name.as_deref())?;
    let st = state(ctx);
    let d = st.read();
    let u = users::get(&d, &name)?;
    let all: Vec<(usize, &store::SigningCertificate)> = u.signing_certificates.iter().enumerate().collect();
    let page = paginate(all, |(i, _)| format!("{i:04}"), input.marker.as_deref(), input.max_items)?;
    Ok(ListSigningCertificatesResponse {
        certificates: page
            .items
            .iter()
            .map(|(_, c)| SigningCertificate {
                user_name: u.name.clone(),
                certificate_id: c.id.clone(),
                certificate_body: c.body.clone(),
                status: status(c.active),
                upload_date: Some(ts(c.uploaded)),
            })
            .collect(),
        is_truncated: page.is_truncated(),
        marker: page.marker.clone(),
    })
}

// ------------------------------------------------ service-specific credentials

const CREDENTIAL_SERVICES: &[&str] = &["codecommit.amazonaws.com", "cassandra.amazonaws.com", "bedrock.amazonaws.com"];

fn no_such_service_credential(id: &str) -> ServiceError {
    no_such_entity(format!("No such credential {id} exists"))
}

fn service_password() -> String {
    ids::random_string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=", 44)
}

fn credential_shape(user: &str, c: &store::ServiceCredential) -> ServiceSpecificCredential {
    ServiceSpecificCredential {
        create_date: ts(c.created),
        expiration_date: c.expires.map(ts),
        service_name: c.service.clone(),
        service_user_name: c.service_user_name.clone(),
        service_password: c.password.clone(),
        service_credential_alias: c.alias.clone(),
        service_credential_secret: c.secret.clone(),
        service_specific_credential_id: c.id.clone(),
        user_name: user.to_string(),
        status: status(c.active),
    }
}

pub fn create_service_specific_credential(
    ctx: &RequestContext,
    input: CreateServiceSpecificCredentialRequest,
) -> R<CreateServiceSpecificCredentialResponse> {
    if !CREDENTIAL_SERVICES.contains(&input.service_name.as_str()) {
        return Err(ServiceNotSupportedException {
            message: Some(format!("No such service {} is supported for Service-Specific Credentials", input.service_name)),
        }
        .into());
    }
    let st = state(ctx);
    let mut d = st.write();
    let u = users::get_mut(&mut d, &input.user_name)?;
    if u.service_credentials.iter().filter(|c| c.service == input.service_name).count() >= SERVICE_CREDENTIALS_PER_SERVICE {
        return Err(limit_exceeded(format!(
            "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: {SERVICE_CREDENTIALS_PER_SERVICE}"
        )));
    }
    let created = now();
    let login = format!("{}-at-{}", u.name, ctx.account_id);
    // Bedrock API keys are an alias and secret that expire; the others a user name and password.
    let bedrock = input.service_name == "bedrock.amazonaws.com";
    let c = store::ServiceCredential {
        id: ids::unique_id("ACCA"),
        service: input.service_name.clone(),
        service_user_name: (!bedrock).then(|| login.clone()),
        password: (!bedrock).then(service_password),
        alias: bedrock.then(|| login.clone()),
        secret: bedrock.then(service_password),
        created,
        expires: input.credential_age_days.filter(|_| bedrock).map(|days| created + days as i64 * 86400),
        active: true,
    };
    let shown = credential_shape(&u.name, &c);
    u.service_credentials.push(c);
    Ok(CreateServiceSpecificCredentialResponse { service_specific_credential: Some(shown) })
}

pub fn reset_service_specific_credential(
    ctx: &RequestContext,
    input: ResetServiceSpecificCredentialRequest,
) -> R<ResetServiceSpecificCredentialResponse> {
    let name = subject_user(ctx, input.user_name.as_deref())?;
    let st = state(ctx);
    let mut d = st.write();
    let u = users::get_mut(&mut d, &name)?;
    let user = u.name.clone();
    let c = u
        .service_credentials
        .iter_mut()
        .find(|c| c.id == input.service_specific_credential_id)
        .ok_or_else(|| no_such_service_credential(&input.service_specific_credential_id))?;
    if c.password.is_some() {
        c.password = Some(service_password());
    }
    if c.secret.is_some() {
        c.secret = Some(service_password());
    }
    Ok(ResetServiceSpecificCredentialResponse { service_specific_credential: Some(credential_shape(&user, c)) })
}

pub fn update_service_specific_credential(ctx: &RequestContext, input: UpdateServiceSpecificCredentialRequest) -> R<()> {
    let active = is_active(&input.status)?;
    let name = subject_user(ctx, input.user_name.as_deref())?;
    let st = state(ctx);
    let mut d = st.write();
    let u = users::get_mut(&mut d, &name)?;
    let c = u
        .service_credentials
        .iter_mut()
        .find(|c| c.id == input.service_specific_credential_id)
        .ok_or_else(|| no_such_service_credential(&input.service_specific_credential_id))?;
    c.active = active;
    Ok(())
}

pub fn delete_service_specific_credential(ctx: &RequestContext, input: DeleteServiceSpecificCredentialRequest) -> R<()> {
    let name = subject_user(ctx, input.user_name.as_deref())?;
    let st = state(ctx);
    let mut d = st.write();
    let u = users::get_mut(&mut d, &name)?;
    let before = u.service_credentials.len();
    u.service_credentials.retain(|c| c.id != input.service_specific_credential_id);
    if u.service_credentials.len() == before {
        return Err(no_such_service_credential(&input.service_specific_credential_id));
    }
    Ok(())
}

pub fn list_service_specific_credentials(
    ctx: &RequestContext,
    input: ListServiceSpecificCredentialsRequest,
) -> R<ListServiceSpecificCredentialsResponse> {
    let st = state(ctx);
    let d = st.read();
    let users: Vec<&store::User> = if input.all_users == Some(true) {
        d.users.values().collect()
    } else {
        let name = subject_user(ctx, input.user_name.as_deref())?;
        vec![users::get(&d, &name)?]
    };
    let mut all: Vec<(String, ServiceSpecificCredentialMetadata)> = Vec::new();
    for u in users {
        for c in u.service_credentials.iter().filter(|c| input.service_name.as_deref().map(|s| s == c.service).unwrap_or(true)) {
            all.push((
                format!("{}|{}", key(&u.name), c.id),
                ServiceSpecificCredentialMetadata {
                    user_name: u.name.clone(),
                    status: status(c.active),
                    service_user_name: c.service_user_name.clone(),
                    service_credential_alias: c.alias.clone(),
                    create_date: ts(c.created),
                    expiration_date: c.expires.map(ts),
                    service_specific_credential_id: c.id.clone(),
                    service_name: c.service.clone(),
                },
            ));
        }
    }
    let page = paginate(all, |(k, _)| k.clone(), input.marker.as_deref(), input.max_items)?;
    let truncated = page.is_truncated();
    Ok(ListServiceSpecificCredentialsResponse {
        service_specific_credentials: Some(page.items.into_iter().map(|(_, m)| m).collect()),
        marker: page.marker,
        is_truncated: truncated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssh_keys_convert_between_openssh_and_pem() {
        // A 2048-bit modulus (any bytes with the top bit set) and e = 65537.
        let mut n = vec![0xc1u8];
        n.extend((1..256).map(|i| (i * 7) as u8));
        let blob = ssh_blob(&n, &[1, 0, 1]);
        let openssh = format!("ssh-rsa {} user@host", base64::engine::general_purpose::STANDARD.encode(&blob));
        let a = parse_ssh_key(&openssh).unwrap();
        let b = parse_ssh_key(&pem(&a.der, "PUBLIC KEY")).unwrap();
        assert_eq!(a.ssh, b.ssh);
        assert_eq!(fingerprint(&a.blob).len(), 47);
        let short = format!("ssh-rsa {}", base64::engine::general_purpose::STANDARD.encode(ssh_blob(&[0xc1; 64], &[3])));
        assert!(parse_ssh_key(&short).is_err());
        assert_eq!(parse_ssh_key("ecdsa-sha2 AAAA").unwrap_err().code, "UnrecognizedPublicKeyEncodingException");
    }

    #[test]
    fn default_password_policy_wants_three_kinds_of_characters() {
        let d = IamData::default();
        assert!(check_password(&d, "bob", "Passw0rd!").is_ok());
        assert!(check_password(&d, "bob", "password").is_err());
        assert!(check_password(&d, "bob", "Sh0rt!").is_err());
    }
}
