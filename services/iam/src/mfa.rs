//! Virtual MFA devices: a TOTP secret (RFC 6238: HMAC-SHA1, 30-second steps,
//! six digits) that a user's authenticator app shares. Enabling and
//! resynchronising a device checks two consecutive codes, as AWS does.

use crate::common::*;
use crate::shapes::{self, Detail};
use crate::users;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use simfra_gen_iam::types::*;
use simfra_identity::iam::{self as store, key, IamData};
use simfra_model::{Bytes, RequestContext, ServiceError};

const MFA_DEVICES_PER_USER: usize = 8;
/// How many 30-second steps back (and one forward) codes are accepted, for clock drift.
const DRIFT_STEPS: i64 = 10;

const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for b in bytes {
        buf = (buf << 8) | *b as u32;
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32[((buf >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn unbase32(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.bytes() {
        let Some(v) = BASE32.iter().position(|x| *x == c.to_ascii_uppercase()) else { continue };
        buf = (buf << 5) | v as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    out
}

/// The six-digit code of a TOTP secret at a time step.
pub fn totp(secret: &[u8], step: i64) -> String {
    let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(secret) else { return String::new() };
    mac.update(&(step as u64).to_be_bytes());
    let h = mac.finalize().into_bytes();
    let offset = (h[19] & 0x0f) as usize;
    let v = u32::from_be_bytes([h[offset] & 0x7f, h[offset + 1], h[offset + 2], h[offset + 3]]);
    format!("{:06}", v % 1_000_000)
}

/// Whether two codes are consecutive codes of the device around now.
fn codes_valid(seed: &str, code1: &str, code2: &str) -> bool {
    let secret = unbase32(seed);
    let current = now() / 30;
    ((current - DRIFT_STEPS)..=(current + 1)).any(|s| totp(&secret, s) == code1 && totp(&secret, s + 1) == code2)
}

fn invalid_code() -> ServiceError {
    InvalidAuthenticationCodeException { message: Some("Authentication code for device is not valid.".into()) }.into()
}

fn no_such_device(serial: &str) -> ServiceError {
    no_such_entity(format!("VirtualMFADevice with serial number {serial} doesn't exist."))
}

fn device<'a>(d: &'a IamData, serial: &str) -> R<&'a store::VirtualMfaDevice> {
    d.virtual_mfa_devices.get(serial).ok_or_else(|| no_such_device(serial))
}

fn device_mut<'a>(d: &'a mut IamData, serial: &str) -> R<&'a mut store::VirtualMfaDevice> {
    d.virtual_mfa_devices.get_mut(serial).ok_or_else(|| no_such_device(serial))
}

pub fn create_virtual_mfa_device(ctx: &RequestContext, input: CreateVirtualMfaDeviceRequest) -> R<CreateVirtualMfaDeviceResponse> {
    let path = path_or_root(input.path);
    check_path(&path)?;
    let serial = arn(&ctx.account_id, "mfa", &path, &input.virtual_mfa_device_name);
    let st = state(ctx);
    let mut d = st.write();
    if d.virtual_mfa_devices.contains_key(&serial) {
        return Err(already_exists("MFADevice entity at the same path and name already exists."));
    }
    let mut tags = store::Tags::default();
    apply_tags(&mut tags, input.tags.as_deref().unwrap_or(&[]))?;
    let secret: [u8; 40] = simfra_identity::ids::random_bytes();
    let dev = store::VirtualMfaDevice { serial: serial.clone(), seed: base32(&secret), created: now(), user: None, tags };
    let shown = VirtualMfaDevice {
        serial_number: serial.clone(),
        base32_string_seed: Some(Bytes::from(dev.seed.clone().into_bytes())),
        qr_code_png: None,
        user: None,
        enable_date: None,
        tags: tags_opt(&dev.tags),
    };
    d.virtual_mfa_devices.insert(serial, dev);
    Ok(CreateVirtualMfaDeviceResponse { virtual_mfa_device: shown })
}

pub fn delete_virtual_mfa_device(ctx: &RequestContext, input: DeleteVirtualMfaDeviceRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    if device(&d, &input.serial_number)?.user.is_some() {
        return Err(delete_conflict("MFA Device is still in use."));
    }
    d.virtual_mfa_devices.remove(&input.serial_number);
    Ok(())
}

pub fn list_virtual_mfa_devices(ctx: &RequestContext, input: ListVirtualMfaDevicesRequest) -> R<ListVirtualMfaDevicesResponse> {
    let st = state(ctx);
    let d = st.read();
    let wanted = |dev: &&store::VirtualMfaDevice| match input.assignment_status {
        Some(AssignmentStatusType::Assigned) => dev.user.is_some(),
        Some(AssignmentStatusType::Unassigned) => dev.user.is_none(),
        _ => true,
    };
    let all: Vec<&store::VirtualMfaDevice> = d.virtual_mfa_devices.values().filter(wanted).collect();
    let page = paginate(all, |dev| dev.serial.clone(), input.marker.as_deref(), input.max_items)?;
    Ok(ListVirtualMfaDevicesResponse {
        virtual_mfa_devices: page
            .items
            .iter()
            .map(|dev| {
                let user = dev.user.as_ref().and_then(|(k, _)| d.users.get(k));
                VirtualMfaDevice {
                    serial_number: dev.serial.clone(),
                    user: user.map(|u| shapes::user(u, Detail::Listed)),
                    enable_date: dev.user.as_ref().map(|(_, t)| ts(*t)),
                    ..Default::default()
                }
            })
            .collect(),
        is_truncated: page.is_truncated(),
        marker: page.marker.clone(),
    })
}

pub fn enable_mfa_device(ctx: &RequestContext, input: EnableMfaDeviceRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    let uk = key(&users::get(&d, &input.user_name)?.name);
    let dev = device(&d, &input.serial_number)?;
    if dev.user.is_some() {
        return Err(already_exists("MFA Device is already in use."));
    }
    if !codes_valid(&dev.seed, &input.authentication_code1, &input.authentication_code2) {
        return Err(invalid_code());
    }
    let u = users::get_mut(&mut d, &input.user_name)?;
    if u.mfa_devices.len() >= MFA_DEVICES_PER_USER {
        return Err(limit_exceeded(format!("Cannot exceed quota for MFADevicesPerUser: {MFA_DEVICES_PER_USER}")));
    }
    u.mfa_devices.push(input.serial_number.clone());
    device_mut(&mut d, &input.serial_number)?.user = Some((uk, now()));
    Ok(())
}

fn not_assigned(serial: &str) -> ServiceError {
    no_such_entity(format!("MFA Device with serial number {serial} does not exist."))
}

pub fn deactivate_mfa_device(ctx: &RequestContext, input: DeactivateMfaDeviceRequest) -> R<()> {
    let name = subject_user(ctx, input.user_name.as_deref())?;
    let st = state(ctx);
    let mut d = st.write();
    let u = users::get_mut(&mut d, &name)?;
    let before = u.mfa_devices.len();
    u.mfa_devices.retain(|s| *s != input.serial_number);
    if u.mfa_devices.len() == before {
        return Err(not_assigned(&input.serial_number));
    }
    if let Some(dev) = d.virtual_mfa_devices.get_mut(&input.serial_number) {
        dev.user = None;
    }
    Ok(())
}

pub fn resync_mfa_device(ctx: &RequestContext, input: ResyncMfaDeviceRequest) -> R<()> {
    let st = state(ctx);
    let d = st.read();
    let u = users::get(&d, &input.user_name)?;
    if !u.mfa_devices.contains(&input.serial_number) {
        return Err(not_assigned(&input.serial_number));
    }
    let dev = device(&d, &input.serial_number)?;
    if !codes_valid(&dev.seed, &input.authentication_code1, &input.authentication_code2) {
        return Err(invalid_code());
    }
    Ok(())
}

pub fn list_mfa_devices(ctx: &RequestContext, input: ListMfaDevicesRequest) -> R<ListMfaDevicesResponse> {
    let st = state(ctx);
    let d = st.read();
    let serials: Vec<(String, String, i64)> = match subject(ctx, input.user_name.as_deref())? {
        Subject::User(name) => {
            let u = users::get(&d, &name)?;
            u.mfa_devices
                .iter()
                .map(|s| (u.name.clone(), s.clone(), d.virtual_mfa_devices.get(s).and_then(|v| v.user.as_ref()).map(|(_, t)| *t).unwrap_or(0)))
                .collect()
        }
        // Root's MFA is not managed through these operations.
        Subject::Root => Vec::new(),
    };
    let page = paginate(serials, |(_, s, _)| s.clone(), input.marker.as_deref(), input.max_items)?;
    let truncated = page.is_truncated();
    Ok(ListMfaDevicesResponse {
        mfa_devices: page.items.into_iter().map(|(user_name, serial_number, t)| MfaDevice { user_name, serial_number, enable_date: ts(t) }).collect(),
        is_truncated: truncated,
        marker: page.marker,
    })
}

pub fn get_mfa_device(ctx: &RequestContext, input: GetMfaDeviceRequest) -> R<GetMfaDeviceResponse> {
    let st = state(ctx);
    let d = st.read();
    let dev = device(&d, &input.serial_number)?;
    let owner = dev.user.as_ref().and_then(|(k, t)| d.users.get(k).map(|u| (u.name.clone(), *t)));
    if let (Some(wanted), Some((name, _))) = (input.user_name.as_deref(), owner.as_ref()) {
        if !wanted.eq_ignore_ascii_case(name) {
            return Err(not_assigned(&input.serial_number));
        }
    }
    Ok(GetMfaDeviceResponse {
        user_name: owner.as_ref().map(|(n, _)| n.clone()),
        serial_number: dev.serial.clone(),
        enable_date: owner.map(|(_, t)| ts(t)),
        ..Default::default()
    })
}

pub fn tag_mfa_device(ctx: &RequestContext, input: TagMfaDeviceRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    apply_tags(&mut device_mut(&mut d, &input.serial_number)?.tags, &input.tags)
}

pub fn untag_mfa_device(ctx: &RequestContext, input: UntagMfaDeviceRequest) -> R<()> {
    let st = state(ctx);
    let mut d = st.write();
    device_mut(&mut d, &input.serial_number)?.tags.remove(&input.tag_keys);
    Ok(())
}

pub fn list_mfa_device_tags(ctx: &RequestContext, input: ListMfaDeviceTagsRequest) -> R<ListMfaDeviceTagsResponse> {
    let st = state(ctx);
    let d = st.read();
    let (tags, is_truncated, marker) = list_tags(&device(&d, &input.serial_number)?.tags, input.marker.as_deref(), input.max_items)?;
    Ok(ListMfaDeviceTagsResponse { tags, is_truncated, marker })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totp_matches_rfc_6238_test_vectors() {
        // RFC 6238 appendix B, SHA-1 secret "12345678901234567890", last six digits.
        let secret = b"12345678901234567890";
        assert_eq!(totp(secret, 59 / 30), "287082");
        assert_eq!(totp(secret, 1111111109 / 30), "081804");
        assert_eq!(totp(secret, 2000000000 / 30), "279037");
        assert_eq!(unbase32(&base32(secret)), secret.to_vec());
    }
}
