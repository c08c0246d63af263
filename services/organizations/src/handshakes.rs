//! Invitations between an organization and existing Simfra accounts: the
//! management account invites (InviteAccountToOrganization), the invited
//! account accepts or declines, the management account may cancel. Open
//! handshakes expire after 15 days, as on AWS.

use crate::common::*;
use simfra_gen_organizations::types::*;
use simfra_identity::organizations::{self as orgs, store};
use simfra_model::{RequestContext, ServiceError};

const INVITATION_DAYS: i64 = 15;

fn handshake_not_found() -> ServiceError {
    err("HandshakeNotFoundException", "We can't find a handshake with the HandshakeId that you specified.")
}

fn already_in_organization() -> ServiceError {
    err_reason(
        "HandshakeConstraintViolationException",
        "The account is already a member of an organization.",
        Some("ALREADY_IN_AN_ORGANIZATION"),
    )
}

/// Open handshakes past their expiration become EXPIRED.
fn expire(data: &mut orgs::OrgsData) {
    let t = orgs::now();
    for h in data.handshakes.values_mut() {
        if (h.state == "OPEN" || h.state == "REQUESTED") && h.expires <= t {
            h.state = "EXPIRED".into();
        }
    }
}

/// The account an invitation names: an account id, or the e-mail address of
/// an account Organizations knows.
fn resolve_target(data: &orgs::OrgsData, target: &HandshakeParty) -> R<String> {
    match target.type_ {
        HandshakePartyType::Account => {
            if simfra_identity::accounts::accounts().get(&target.id).is_none() {
                return Err(account_not_found());
            }
            Ok(target.id.clone())
        }
        HandshakePartyType::Email => data
            .orgs
            .values()
            .flat_map(|o| o.accounts.values())
            .find(|m| m.email.eq_ignore_ascii_case(&target.id))
            .map(|m| m.id.clone())
            .or_else(|| {
                // Accounts outside any organization are known by their default address.
                target.id.strip_suffix("@example.com").filter(|id| simfra_identity::accounts::accounts().get(id).is_some()).map(str::to_string)
            })
            .ok_or_else(|| invalid_input("INVALID_EMAIL_ADDRESS_TARGET", "You specified an invalid email address for the invited account owner.")),
        _ => Err(invalid_input("INVALID_PARTY_TYPE_TARGET", "You specified the wrong type for the invitation target.")),
    }
}

pub fn invite_account_to_organization(
    ctx: &RequestContext,
    input: InviteAccountToOrganizationRequest,
) -> R<InviteAccountToOrganizationResponse> {
    let tags = tags_in(input.tags)?;
    let mut data = store().write();
    expire(&mut data);
    let org = managed_org(&data, ctx)?;
    let target = resolve_target(&data, &input.target)?;
    if data.org_of(&target).is_some() {
        return Err(already_in_organization());
    }
    if data.handshakes.values().any(|h| h.organization_id == org.id && h.target_account == target && h.state == "OPEN" && h.action == "INVITE") {
        return Err(err("DuplicateHandshakeException", "A handshake with the same action and target already exists."));
    }
    let t = orgs::now();
    let id = orgs::new_handshake_id();
    let mut resources = vec![
        orgs::HandshakeResource {
            kind: "ORGANIZATION".into(),
            value: org.id.clone(),
            resources: vec![
                orgs::HandshakeResource { kind: "MASTER_EMAIL".into(), value: org.management_email.clone(), resources: Vec::new() },
                orgs::HandshakeResource {
                    kind: "MASTER_NAME".into(),
                    value: org.accounts.get(&org.management_account_id).map(|m| m.name.clone()).unwrap_or_default(),
                    resources: Vec::new(),
                },
                orgs::HandshakeResource { kind: "ORGANIZATION_FEATURE_SET".into(), value: org.feature_set.clone(), resources: Vec::new() },
            ],
        },
        orgs::HandshakeResource {
            kind: if input.target.type_ == HandshakePartyType::Email { "EMAIL".into() } else { "ACCOUNT".into() },
            value: input.target.id.clone(),
            resources: Vec::new(),
        },
    ];
    if let Some(notes) = input.notes {
        resources.push(orgs::HandshakeResource { kind: "NOTES".into(), value: notes, resources: Vec::new() });
    }
    let h = orgs::Handshake {
        arn: org.handshake_arn(&id, "INVITE"),
        id: id.clone(),
        organization_id: org.id.clone(),
        management_account_id: org.management_account_id.clone(),
        parties: vec![(org.id.clone(), "ORGANIZATION".into()), (input.target.id.clone(), input.target.type_.as_str().to_string())],
        target_account: target,
        state: "OPEN".into(),
        requested: t,
        expires: t + INVITATION_DAYS * 86400,
        action: "INVITE".into(),
        resources,
        tags,
    };
    let out = handshake_out(&h);
    data.handshakes.insert(id, h);
    Ok(InviteAccountToOrganizationResponse { handshake: Some(out) })
}

/// A handshake the caller is party to: its target, or its organization's management account.
fn visible<'a>(data: &'a orgs::OrgsData, ctx: &RequestContext, id: &str) -> R<&'a orgs::Handshake> {
    data.handshakes
        .get(id)
        .filter(|h| h.target_account == ctx.account_id || h.management_account_id == ctx.account_id)
        .ok_or_else(handshake_not_found)
}

/// Moves a handshake to `to` if its state allows it.
fn transition(h: &mut orgs::Handshake, to: &str) -> R<()> {
    if h.state == to {
        return Err(err("HandshakeAlreadyInStateException", "The specified handshake is already in the requested state."));
    }
    if h.state != "OPEN" {
        return Err(err(
            "InvalidHandshakeTransitionException",
            "You can't perform the operation on the handshake in its current state.",
        ));
    }
    h.state = to.to_string();
    Ok(())
}

pub fn accept_handshake(ctx: &RequestContext, input: AcceptHandshakeRequest) -> R<AcceptHandshakeResponse> {
    let mut data = store().write();
    expire(&mut data);
    let h = visible(&data, ctx, &input.handshake_id)?;
    if h.target_account != ctx.account_id {
        return Err(access_denied());
    }
    let org_id = h.organization_id.clone();
    let (state, action) = (h.state.clone(), h.action.clone());
    if state == "OPEN" && action == "INVITE" {
        if data.org_of(&ctx.account_id).is_some() {
            return Err(already_in_organization());
        }
        let Some(org) = data.orgs.get(&org_id) else {
            return Err(err("InvalidHandshakeTransitionException", "You can't perform the operation on the handshake in its current state."));
        };
        let root = org.root_id.clone();
        let name = crate::org::name_of(&ctx.account_id);
        let email = crate::org::email_of(&ctx.account_id);
        data.join(&org_id, &ctx.account_id, &name, &email, "INVITED", &root);
    }
    let h = data.handshakes.get_mut(&input.handshake_id).ok_or_else(handshake_not_found)?;
    transition(h, "ACCEPTED")?;
    Ok(AcceptHandshakeResponse { handshake: Some(handshake_out(h)) })
}

pub fn decline_handshake(ctx: &RequestContext, input: DeclineHandshakeRequest) -> R<DeclineHandshakeResponse> {
    let mut data = store().write();
    expire(&mut data);
    let h = visible(&data, ctx, &input.handshake_id)?;
    if h.target_account != ctx.account_id {
        return Err(access_denied());
    }
    let h = data.handshakes.get_mut(&input.handshake_id).ok_or_else(handshake_not_found)?;
    transition(h, "DECLINED")?;
    Ok(DeclineHandshakeResponse { handshake: Some(handshake_out(h)) })
}

pub fn cancel_handshake(ctx: &RequestContext, input: CancelHandshakeRequest) -> R<CancelHandshakeResponse> {
    let mut data = store().write();
    expire(&mut data);
    let h = visible(&data, ctx, &input.handshake_id)?;
    if h.management_account_id != ctx.account_id {
        return Err(access_denied());
    }
    let h = data.handshakes.get_mut(&input.handshake_id).ok_or_else(handshake_not_found)?;
    transition(h, "CANCELED")?;
    Ok(CancelHandshakeResponse { handshake: Some(handshake_out(h)) })
}

pub fn describe_handshake(ctx: &RequestContext, input: DescribeHandshakeRequest) -> R<DescribeHandshakeResponse> {
    let mut data = store().write();
    expire(&mut data);
    let h = visible(&data, ctx, &input.handshake_id)?;
    Ok(DescribeHandshakeResponse { handshake: Some(handshake_out(h)) })
}

fn filtered<'a>(hs: impl Iterator<Item = &'a orgs::Handshake>, filter: Option<&HandshakeFilter>) -> R<Vec<Handshake>> {
    if let Some(f) = filter {
        if f.action_type.is_some() && f.parent_handshake_id.is_some() {
            return Err(invalid_input(
                "MAX_LIMIT_EXCEEDED_FILTER",
                "You can specify only one filter parameter for the operation.",
            ));
        }
    }
    Ok(hs
        .filter(|h| match filter {
            Some(HandshakeFilter { action_type: Some(a), .. }) => h.action == a.as_str(),
            // Simfra's handshakes have no parents.
            Some(HandshakeFilter { parent_handshake_id: Some(_), .. }) => false,
            _ => true,
        })
        .map(handshake_out)
        .collect())
}

pub fn list_handshakes_for_account(
    ctx: &RequestContext,
    input: ListHandshakesForAccountRequest,
) -> R<ListHandshakesForAccountResponse> {
    let mut data = store().write();
    expire(&mut data);
    let all = filtered(data.handshakes.values().filter(|h| h.target_account == ctx.account_id), input.filter.as_ref())?;
    let (items, next_token) = page(all, input.next_token.as_deref(), input.max_results)?;
    Ok(ListHandshakesForAccountResponse { handshakes: Some(items), next_token })
}

pub fn list_handshakes_for_organization(
    ctx: &RequestContext,
    input: ListHandshakesForOrganizationRequest,
) -> R<ListHandshakesForOrganizationResponse> {
    let mut data = store().write();
    expire(&mut data);
    let org_id = readable_org(&data, ctx)?.id.clone();
    let all = filtered(data.handshakes.values().filter(|h| h.organization_id == org_id), input.filter.as_ref())?;
    let (items, next_token) = page(all, input.next_token.as_deref(), input.max_results)?;
    Ok(ListHandshakesForOrganizationResponse { handshakes: Some(items), next_token })
}
