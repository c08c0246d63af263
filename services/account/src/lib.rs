//! AWS Account Management: the account's Regions and their opt-in status,
//! its name, and its primary email. Calls may name another account only
//! where the caller is the management account of that account's
//! organization, as on AWS.
//!
//! Opt-in Regions start `DISABLED`; enabling one is recorded at once
//! (AWS takes minutes, during which it reports `ENABLING`). A primary email
//! change sends its one-time password to the new address, which lands in
//! Simfra's inbox (`/_simfra/inbox`), and takes effect when accepted.

use simfra_gen_account::types::*;
use simfra_gen_account::*;
use simfra_model::{RequestContext, SharedHandler, Timestamp};
use simfra_store::Scoped;
use std::sync::{Arc, Mutex};

/// Regions enabled in every account.
const DEFAULT_REGIONS: &[&str] = &[
    "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "ca-central-1",
    "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1", "us-west-2",
];

/// Regions an account must opt in to.
const OPT_IN_REGIONS: &[&str] = &[
    "af-south-1", "ap-east-1", "ap-east-2", "ap-south-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ca-west-1",
    "eu-central-2", "eu-south-1", "eu-south-2", "il-central-1", "me-central-1", "me-south-1", "mx-central-1",
];

#[derive(Default)]
struct AccountState {
    /// Opt-in Regions the account has enabled.
    enabled: Mutex<Vec<String>>,
    name: Mutex<Option<String>>,
    primary_email: Mutex<Option<String>>,
    /// A pending primary email change: (new address, one-time password).
    pending_email: Mutex<Option<(String, String)>>,
}

pub struct Account {
    state: Scoped<AccountState>,
}

pub fn handler() -> SharedHandler {
    simfra_gen_account::handler(Arc::new(Account { state: Scoped::new() }))
}

fn validation(message: impl Into<String>) -> ValidationException {
    ValidationException { message: message.into(), reason: Some(ValidationExceptionReason::InvalidRegionOptTarget), field_list: None }
}

fn field_validation(message: impl Into<String>) -> ValidationException {
    ValidationException { message: message.into(), reason: Some(ValidationExceptionReason::FieldValidationFailed), field_list: None }
}

fn status_of(enabled: &[String], region: &str) -> Option<RegionOptStatus> {
    if DEFAULT_REGIONS.contains(&region) {
        Some(RegionOptStatus::EnabledByDefault)
    } else if OPT_IN_REGIONS.contains(&region) {
        Some(if enabled.iter().any(|r| r == region) { RegionOptStatus::Enabled } else { RegionOptStatus::Disabled })
    } else {
        None
    }
}

impl Account {
    /// The account a request is about: the caller's own, or (given an
    /// `AccountId`) a member of the organization the caller manages.
    fn target(&self, ctx: &RequestContext, account_id: Option<&str>) -> Result<String, AccessDeniedException> {
        let Some(id) = account_id.filter(|id| *id != ctx.account_id) else {
            return Ok(ctx.account_id.clone());
        };
        let orgs = simfra_identity::organizations::store().read();
        match orgs.org_of(id) {
            Some(org) if org.management_account_id == ctx.account_id => Ok(id.to_string()),
            _ => Err(AccessDeniedException {
                message: format!("User: {} is not authorized to access account {id}", ctx.principal_arn.clone().unwrap_or_default()),
                error_type: None,
            }),
        }
    }

    fn of(&self, account: &str) -> Arc<AccountState> {
        self.state.get(account, simfra_store::GLOBAL)
    }

    fn one_time_password() -> String {
        let mut b = [0u8; 4];
        let _ = getrandom::fill(&mut b);
        format!("{:06}", u32::from_le_bytes(b) % 1_000_000)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[simfra_model::async_trait]
impl AccountApi for Account {
    fn implemented(&self) -> &'static [&'static str] {
        &[
            "AcceptPrimaryEmailUpdate",
            "DisableRegion",
            "EnableRegion",
            "GetAccountInformation",
            "GetPrimaryEmail",
            "GetRegionOptStatus",
            "ListRegions",
            "PutAccountName",
            "StartPrimaryEmailUpdate",
        ]
    }

    async fn list_regions(&self, ctx: &RequestContext, input: ListRegionsRequest) -> Result<ListRegionsResponse, ListRegionsError> {
        let account = self.target(ctx, input.account_id.as_deref())?;
        let enabled = lock(&self.of(&account).enabled).clone();
        let mut all: Vec<&str> = DEFAULT_REGIONS.iter().chain(OPT_IN_REGIONS.iter()).copied().collect();
        all.sort();
        let wanted: Vec<RegionOptStatus> = input.region_opt_status_contains.unwrap_or_default();
        let regions: Vec<Region> = all
            .into_iter()
            .filter_map(|r| status_of(&enabled, r).map(|s| (r, s)))
            .filter(|(_, s)| wanted.is_empty() || wanted.contains(s))
            .map(|(r, s)| Region { region_name: Some(r.to_string()), region_opt_status: Some(s) })
            .collect();
        let start: usize = match input.next_token.as_deref() {
            None | Some("") => 0,
            Some(t) => t.parse().map_err(|_| field_validation("The specified next token is not valid."))?,
        };
        let max = input.max_results.unwrap_or(50).clamp(1, 50) as usize;
        let end = (start + max).min(regions.len());
        Ok(ListRegionsResponse {
            next_token: (end < regions.len()).then(|| end.to_string()),
            regions: Some(regions.get(start..end).unwrap_or(&[]).to_vec()),
        })
    }

    async fn get_region_opt_status(&self, ctx: &RequestContext, input: GetRegionOptStatusRequest) -> Result<GetRegionOptStatusResponse, GetRegionOptStatusError> {
        let account = self.target(ctx, input.account_id.as_deref())?;
        let enabled = lock(&self.of(&account).enabled).clone();
        let status = status_of(&enabled, &input.region_name).ok_or_else(|| field_validation(format!("Invalid region name {}", input.region_name)))?;
        Ok(GetRegionOptStatusResponse { region_name: Some(input.region_name), region_opt_status: Some(status) })
    }

    async fn enable_region(&self, ctx: &RequestContext, input: EnableRegionRequest) -> Result<(), EnableRegionError> {
        let account = self.target(ctx, input.account_id.as_deref())?;
        if DEFAULT_REGIONS.contains(&input.region_name.as_str()) {
            return Err(validation(format!("{} is enabled by default and cannot be enabled or disabled.", input.region_name)).into());
        }
        if !OPT_IN_REGIONS.contains(&input.region_name.as_str()) {
            return Err(field_validation(format!("Invalid region name {}", input.region_name)).into());
        }
        let state = self.of(&account);
        let mut enabled = lock(&state.enabled);
        if !enabled.contains(&input.region_name) {
            enabled.push(input.region_name);
        }
        Ok(())
    }

    async fn disable_region(&self, ctx: &RequestContext, input: DisableRegionRequest) -> Result<(), DisableRegionError> {
        let account = self.target(ctx, input.account_id.as_deref())?;
        if DEFAULT_REGIONS.contains(&input.region_name.as_str()) {
            return Err(validation(format!("{} is enabled by default and cannot be enabled or disabled.", input.region_name)).into());
        }
        if !OPT_IN_REGIONS.contains(&input.region_name.as_str()) {
            return Err(field_validation(format!("Invalid region name {}", input.region_name)).into());
        }
        lock(&self.of(&account).enabled).retain(|r| *r != input.region_name);
        Ok(())
    }

    async fn get_account_information(&self, ctx: &RequestContext, input: GetAccountInformationRequest) -> Result<GetAccountInformationResponse, GetAccountInformationError> {
        let account = self.target(ctx, input.account_id.as_deref())?;
        let known = simfra_identity::accounts::accounts().get(&account);
        let name = lock(&self.of(&account).name).clone().or_else(|| known.as_ref().map(|a| a.name.clone()));
        Ok(GetAccountInformationResponse {
            account_id: Some(account),
            account_name: name,
            account_created_date: Some(Timestamp::from_secs(known.map(|a| a.created).unwrap_or_else(|| Timestamp::now().secs))),
        })
    }

    async fn put_account_name(&self, ctx: &RequestContext, input: PutAccountNameRequest) -> Result<(), PutAccountNameError> {
        let account = self.target(ctx, input.account_id.as_deref())?;
        *lock(&self.of(&account).name) = Some(input.account_name);
        Ok(())
    }

    async fn get_primary_email(&self, ctx: &RequestContext, input: GetPrimaryEmailRequest) -> Result<GetPrimaryEmailResponse, GetPrimaryEmailError> {
        let account = self.target(ctx, Some(&input.account_id))?;
        let email = lock(&self.of(&account).primary_email).clone().unwrap_or_else(|| format!("root+{account}@simfra.local"));
        Ok(GetPrimaryEmailResponse { primary_email: Some(email) })
    }

    async fn start_primary_email_update(
        &self,
        ctx: &RequestContext,
        input: StartPrimaryEmailUpdateRequest,
    ) -> Result<StartPrimaryEmailUpdateResponse, StartPrimaryEmailUpdateError> {
        let account = self.target(ctx, Some(&input.account_id))?;
        let otp = Self::one_time_password();
        *lock(&self.of(&account).pending_email) = Some((input.primary_email.clone(), otp.clone()));
        simfra_inbox::deliver(
            simfra_inbox::Letter {
                channel: "email".into(),
                service: "account".into(),
                source: Some("no-reply@signin.aws".into()),
                destination: input.primary_email.clone(),
                subject: Some("AWS Account primary email address update".into()),
                body: format!("Your one-time password to update the primary email address of account {account} is {otp}."),
                message_id: format!("{account}-{otp}"),
                extra: [("Otp".to_string(), otp.into())].into_iter().collect::<serde_json::Map<String, serde_json::Value>>(),
            },
        );
        Ok(StartPrimaryEmailUpdateResponse { status: Some(PrimaryEmailUpdateStatus::Pending) })
    }

    async fn accept_primary_email_update(
        &self,
        ctx: &RequestContext,
        input: AcceptPrimaryEmailUpdateRequest,
    ) -> Result<AcceptPrimaryEmailUpdateResponse, AcceptPrimaryEmailUpdateError> {
        let account = self.target(ctx, Some(&input.account_id))?;
        let state = self.of(&account);
        let mut pending = lock(&state.pending_email);
        match pending.as_ref() {
            Some((email, otp)) if *email == input.primary_email && *otp == input.otp => {
                *lock(&state.primary_email) = Some(email.clone());
                *pending = None;
                Ok(AcceptPrimaryEmailUpdateResponse { status: Some(PrimaryEmailUpdateStatus::Accepted) })
            }
            Some(_) => Err(field_validation("The one-time password is not valid for this primary email update.").into()),
            None => Err(ResourceNotFoundException { message: "No primary email update is pending for this account.".into(), error_type: None }.into()),
        }
    }
}

