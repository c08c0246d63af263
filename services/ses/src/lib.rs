//! Amazon SES (the v1 API): verified identities and sending. Nothing leaves
//! the machine: every message lands in Simfra's inbox (`/_simfra/inbox`), one
//! entry per recipient, where tests read it.
//!
//! Verification: there is no mailbox to click a link in and no DNS to check,
//! so email addresses and domains are verified as soon as they are submitted
//! (`Success`), with the tokens AWS would ask to publish. Sending checks what
//! AWS checks for an account out of the sandbox: the source (or its domain)
//! must be a verified identity, else `MessageRejected`.
//!
//! Templates, configuration sets and receipt rules are the resource engine's
//! records; templated sends read them with `simfra_resources::record`.

mod mime;
mod v2;

use simfra_gen_ses::types::*;
use simfra_gen_ses::*;
use simfra_model::{RequestContext, ServiceError, SharedHandler, Timestamp};
use simfra_store::Scoped;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

/// AWS's quotas for an account with production access in a new region.
pub(crate) const MAX_24_HOUR_SEND: f64 = 50_000.0;
pub(crate) const MAX_SEND_RATE: f64 = 14.0;

#[derive(Clone)]
struct Identity {
    domain: bool,
    verification_token: Option<String>,
    dkim_tokens: Vec<String>,
    dkim_enabled: bool,
    topics: HashMap<&'static str, String>,
    headers_in: HashMap<&'static str, bool>,
    forwarding_enabled: bool,
}

#[derive(Default)]
struct Region {
    identities: Mutex<BTreeMap<String, Identity>>,
    /// When each message was sent (quota and statistics).
    sent: Mutex<Vec<Timestamp>>,
}

/// SES v1 and v2 share identities, quota and sending, as on AWS.
pub struct Ses;

fn state() -> &'static Scoped<Region> {
    static STATE: std::sync::OnceLock<Scoped<Region>> = std::sync::OnceLock::new();
    STATE.get_or_init(Scoped::new)
}

pub fn handler() -> SharedHandler {
    simfra_gen_ses::handler(Arc::new(Ses))
}

/// SES v2 (`sesv2`): sending, templates and the account over the same state.
pub fn v2_handler() -> SharedHandler {
    simfra_gen_sesv2::handler(Arc::new(v2::SesV2))
}

fn random_token(n: usize) -> String {
    simfra_identity::ids::random_string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", n)
}

/// A message id in SES's form (`0100018c1a2b3c4d-5e6f…-000000`).
fn message_id() -> String {
    use simfra_identity::ids::{random_hex, uuid};
    format!("{}-{}-000000", random_hex(8), uuid())
}

pub(crate) fn rejected(message: String) -> MessageRejected {
    MessageRejected { message: Some(message) }
}

pub(crate) fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::new("InvalidParameterValue", 400, message)
}

/// `Jane <jane@example.com>` → `jane@example.com`.
pub(crate) fn address_of(s: &str) -> String {
    match (s.rfind('<'), s.rfind('>')) {
        (Some(a), Some(b)) if a < b => s[a + 1..b].trim().to_string(),
        _ => s.trim().to_string(),
    }
}

pub(crate) fn valid_email(s: &str) -> bool {
    let a = address_of(s);
    matches!(a.split_once('@'), Some((l, d)) if !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.') && !a.contains(char::is_whitespace))
}

fn notification_key(t: &NotificationType) -> &'static str {
    match t {
        NotificationType::Bounce => "Bounce",
        NotificationType::Complaint => "Complaint",
        _ => "Delivery",
    }
}

/// `{{name}}` replaced by the template data's values (missing ones render empty, as SES does).
pub(crate) fn render(part: &str, data: &serde_json::Value) -> String {
    let mut out = String::new();
    let mut rest = part;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = after[..end].trim();
        let value = key.split('.').try_fold(data, |v, k| v.get(k));
        match value {
            Some(serde_json::Value::String(s)) => out.push_str(s),
            Some(serde_json::Value::Null) | None => {}
            Some(other) => out.push_str(&other.to_string()),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// To, Cc and Bcc together, checked as SES checks them.
pub(crate) fn recipient_list(lists: [&Option<Vec<String>>; 3]) -> Result<Vec<String>, ServiceError> {
    let all: Vec<String> = lists.into_iter().flatten().flatten().cloned().collect();
    if all.is_empty() {
        return Err(invalid("Missing final '@domain'"));
    }
    if all.len() > 50 {
        return Err(invalid("Recipient count exceeds 50."));
    }
    if let Some(bad) = all.iter().find(|a| !valid_email(a)) {
        return Err(invalid(format!("Missing final '@domain' in address {bad}")));
    }
    Ok(all)
}

/// A message as the inbox keeps it, before it goes to each recipient.
pub(crate) struct Outgoing {
    pub source: String,
    pub recipients: Vec<String>,
    pub subject: Option<String>,
    pub text: Option<String>,
    pub html: Option<String>,
    pub raw: Option<String>,
}

impl Ses {
    pub(crate) fn region(&self, ctx: &RequestContext) -> Arc<Region> {
        state().regional(ctx)
    }

    /// The v1 form of `source_verified`.
    pub(crate) fn check_source(&self, ctx: &RequestContext, source: &str) -> Result<(), MessageRejected> {
        self.source_verified(ctx, source).map_err(rejected)
    }

    /// The source must be a verified address or belong to a verified domain;
    /// else AWS's message.
    pub(crate) fn source_verified(&self, ctx: &RequestContext, source: &str) -> Result<(), String> {
        let address = address_of(source);
        let domain = address.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase()).unwrap_or_default();
        let ids = self.region(ctx).identities.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if ids.contains_key(&address) || ids.iter().any(|(k, i)| i.domain && k.eq_ignore_ascii_case(&domain)) {
            return Ok(());
        }
        // Identities made with SES v2's CreateEmailIdentity (kept by the resource engine).
        let v2 = |name: &str| simfra_resources::record(&ctx.account_id, &ctx.region, "sesv2", "EmailIdentity", name).is_some();
        if v2(&address) || v2(&domain) {
            return Ok(());
        }
        Err(format!(
            "Email address is not verified. The following identities failed the check in region {}: {address}",
            ctx.region.to_ascii_uppercase()
        ))
    }

    pub(crate) fn send(&self, ctx: &RequestContext, m: Outgoing) -> String {
        let id = message_id();
        let now = Timestamp::now();
        for to in &m.recipients {
            let mut extra = serde_json::Map::new();
            if let Some(h) = &m.html {
                extra.insert("Html".into(), serde_json::Value::String(h.clone()));
            }
            if let Some(r) = &m.raw {
                extra.insert("Raw".into(), serde_json::Value::String(r.clone()));
            }
            extra.insert("Region".into(), serde_json::Value::String(ctx.region.clone()));
            simfra_inbox::deliver(
                simfra_inbox::Letter {
                    channel: "email".into(),
                    service: "ses".into(),
                    source: Some(m.source.clone()),
                    destination: address_of(to),
                    subject: m.subject.clone(),
                    body: m.text.clone().unwrap_or_default(),
                    message_id: id.clone(),
                    extra,
                },
            );
        }
        self.region(ctx).sent.lock().unwrap_or_else(|e| e.into_inner()).push(now);
        id
    }

    pub(crate) fn recipients(d: &Destination) -> Result<Vec<String>, ServiceError> {
        recipient_list([&d.to_addresses, &d.cc_addresses, &d.bcc_addresses])
    }

    /// Sends a custom verification email (the template is the engine's record in
    /// `service`, v1's or v2's) and verifies the address, as the recipient
    /// would by following its link. `None` when the template does not exist.
    pub(crate) fn send_custom_verification(&self, ctx: &RequestContext, service: &'static str, address: &str, template: &str) -> Option<String> {
        let record = simfra_resources::record(&ctx.account_id, &ctx.region, service, "CustomVerificationEmailTemplate", template)?;
        let field = |k: &str| record.fields.get(k).and_then(|v| v.as_str()).map(str::to_string);
        self.verify(ctx, address, false);
        Some(self.send(
            ctx,
            Outgoing {
                source: field("FromEmailAddress").unwrap_or_default(),
                recipients: vec![address.to_string()],
                subject: field("TemplateSubject"),
                text: None,
                html: field("TemplateContent"),
                raw: None,
            },
        ))
    }

    /// A template the engine keeps (CreateTemplate), rendered with the data.
    fn template(&self, ctx: &RequestContext, name: &str, data: &str) -> Result<(Option<String>, Option<String>, Option<String>), ServiceError> {
        let data: serde_json::Value =
            serde_json::from_str(data).map_err(|_| ServiceError::new("InvalidRenderingParameter", 400, "Template data must be a valid JSON object."))?;
        let record = simfra_resources::record(&ctx.account_id, &ctx.region, "ses", "Template", name).ok_or_else(|| {
            ServiceError::from(TemplateDoesNotExistException { template_name: Some(name.into()), message: Some(format!("Template {name} does not exist.")) })
        })?;
        let part = |k: &str| record.fields.get(k).and_then(|v| v.as_str()).map(|p| render(p, &data));
        Ok((part("SubjectPart"), part("TextPart"), part("HtmlPart")))
    }

    fn identity_attr<T>(&self, ctx: &RequestContext, names: &[String], f: impl Fn(&str, Option<&Identity>) -> Option<T>) -> HashMap<String, T> {
        let ids = self.region(ctx).identities.lock().unwrap_or_else(|e| e.into_inner()).clone();
        names.iter().filter_map(|n| f(n, ids.get(n)).map(|v| (n.clone(), v))).collect()
    }

    pub(crate) fn verify(&self, ctx: &RequestContext, name: &str, domain: bool) -> Identity {
        let region = self.region(ctx);
        let mut ids = region.identities.lock().unwrap_or_else(|e| e.into_inner());
        ids.entry(name.to_string())
            .or_insert_with(|| Identity {
                domain,
                verification_token: domain.then(|| random_token(44)),
                dkim_tokens: Vec::new(),
                dkim_enabled: false,
                topics: HashMap::new(),
                headers_in: HashMap::new(),
                forwarding_enabled: true,
            })
            .clone()
    }

    fn with_identity<T>(&self, ctx: &RequestContext, name: &str, f: impl FnOnce(&mut Identity) -> T) -> Result<T, ServiceError> {
        let region = self.region(ctx);
        let mut ids = region.identities.lock().unwrap_or_else(|e| e.into_inner());
        match ids.get_mut(name) {
            Some(i) => Ok(f(i)),
            None => Err(invalid(format!("Identity <{name}> does not exist."))),
        }
    }
}

#[simfra_model::async_trait]
impl SesApi for Ses {
    fn implemented(&self) -> &'static [&'static str] {
        &[
            "DeleteIdentity",
            "DeleteVerifiedEmailAddress",
            "GetIdentityDkimAttributes",
            "GetIdentityNotificationAttributes",
            "GetIdentityVerificationAttributes",
            "GetSendQuota",
            "GetSendStatistics",
            "ListIdentities",
            "ListVerifiedEmailAddresses",
            "SendBounce",
            "SendBulkTemplatedEmail",
            "SendCustomVerificationEmail",
            "SendEmail",
            "SendRawEmail",
            "SendTemplatedEmail",
            "SetIdentityDkimEnabled",
            "SetIdentityFeedbackForwardingEnabled",
            "SetIdentityHeadersInNotificationsEnabled",
            "SetIdentityNotificationTopic",
            "TestRenderTemplate",
            "VerifyDomainDkim",
            "VerifyDomainIdentity",
            "VerifyEmailAddress",
            "VerifyEmailIdentity",
        ]
    }

    async fn verify_email_identity(&self, ctx: &RequestContext, input: VerifyEmailIdentityRequest) -> Result<VerifyEmailIdentityResponse, VerifyEmailIdentityError> {
        if !valid_email(&input.email_address) {
            return Err(invalid(format!("Invalid email address <{}>.", input.email_address)).into());
        }
        self.verify(ctx, &input.email_address, false);
        Ok(VerifyEmailIdentityResponse {})
    }

    async fn verify_email_address(&self, ctx: &RequestContext, input: VerifyEmailAddressRequest) -> Result<(), VerifyEmailAddressError> {
        if !valid_email(&input.email_address) {
            return Err(invalid(format!("Invalid email address <{}>.", input.email_address)).into());
        }
        self.verify(ctx, &input.email_address, false);
        Ok(())
    }

    async fn verify_domain_identity(&self, ctx: &RequestContext, input: VerifyDomainIdentityRequest) -> Result<VerifyDomainIdentityResponse, VerifyDomainIdentityError> {
        if input.domain.is_empty() || input.domain.contains('@') || !input.domain.contains('.') {
            return Err(invalid(format!("Invalid domain name <{}>.", input.domain)).into());
        }
        let identity = self.verify(ctx, &input.domain.to_ascii_lowercase(), true);
        Ok(VerifyDomainIdentityResponse { verification_token: identity.verification_token.unwrap_or_default() })
    }

    async fn verify_domain_dkim(&self, ctx: &RequestContext, input: VerifyDomainDkimRequest) -> Result<VerifyDomainDkimResponse, VerifyDomainDkimError> {
        let domain = input.domain.to_ascii_lowercase();
        self.verify(ctx, &domain, true);
        let tokens = self.with_identity(ctx, &domain, |i| {
            if i.dkim_tokens.is_empty() {
                i.dkim_tokens = (0..3).map(|_| random_token(32).to_ascii_lowercase()).collect();
            }
            i.dkim_enabled = true;
            i.dkim_tokens.clone()
        })?;
        Ok(VerifyDomainDkimResponse { dkim_tokens: tokens })
    }

    async fn delete_identity(&self, ctx: &RequestContext, input: DeleteIdentityRequest) -> Result<DeleteIdentityResponse, DeleteIdentityError> {
        // AWS answers success whether or not the identity existed.
        self.region(ctx).identities.lock().unwrap_or_else(|e| e.into_inner()).remove(&input.identity);
        Ok(DeleteIdentityResponse {})
    }

    async fn delete_verified_email_address(&self, ctx: &RequestContext, input: DeleteVerifiedEmailAddressRequest) -> Result<(), DeleteVerifiedEmailAddressError> {
        self.region(ctx).identities.lock().unwrap_or_else(|e| e.into_inner()).remove(&input.email_address);
        Ok(())
    }

    async fn list_identities(&self, ctx: &RequestContext, input: ListIdentitiesRequest) -> Result<ListIdentitiesResponse, ListIdentitiesError> {
        let max = input.max_items.unwrap_or(1000).clamp(1, 1000) as usize;
        let start = input.next_token.as_deref().unwrap_or("");
        let ids = self.region(ctx).identities.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let wanted = |i: &Identity| match &input.identity_type {
            Some(IdentityType::Domain) => i.domain,
            Some(IdentityType::EmailAddress) => !i.domain,
            _ => true,
        };
        let mut names = ids.iter().filter(|(k, i)| wanted(i) && k.as_str() > start || (start.is_empty() && wanted(i))).map(|(k, _)| k.clone());
        let identities: Vec<String> = names.by_ref().take(max).collect();
        let next_token = names.next().and(identities.last().cloned());
        Ok(ListIdentitiesResponse { identities, next_token })
    }

    async fn list_verified_email_addresses(&self, ctx: &RequestContext, _input: ()) -> Result<ListVerifiedEmailAddressesResponse, ListVerifiedEmailAddressesError> {
        let ids = self.region(ctx).identities.lock().unwrap_or_else(|e| e.into_inner()).clone();
        Ok(ListVerifiedEmailAddressesResponse { verified_email_addresses: Some(ids.iter().filter(|(_, i)| !i.domain).map(|(k, _)| k.clone()).collect()) })
    }

    async fn get_identity_verification_attributes(
        &self,
        ctx: &RequestContext,
        input: GetIdentityVerificationAttributesRequest,
    ) -> Result<GetIdentityVerificationAttributesResponse, GetIdentityVerificationAttributesError> {
        let attrs = self.identity_attr(ctx, &input.identities, |_, i| {
            i.map(|i| IdentityVerificationAttributes { verification_status: VerificationStatus::Success, verification_token: i.verification_token.clone() })
        });
        Ok(GetIdentityVerificationAttributesResponse { verification_attributes: attrs })
    }

    async fn get_identity_dkim_attributes(&self, ctx: &RequestContext, input: GetIdentityDkimAttributesRequest) -> Result<GetIdentityDkimAttributesResponse, GetIdentityDkimAttributesError> {
        let attrs = self.identity_attr(ctx, &input.identities, |_, i| {
            i.map(|i| IdentityDkimAttributes {
                dkim_enabled: i.dkim_enabled,
                dkim_verification_status: if i.dkim_tokens.is_empty() { VerificationStatus::NotStarted } else { VerificationStatus::Success },
                dkim_tokens: (!i.dkim_tokens.is_empty()).then(|| i.dkim_tokens.clone()),
            })
        });
        Ok(GetIdentityDkimAttributesResponse { dkim_attributes: attrs })
    }

    async fn get_identity_notification_attributes(
        &self,
        ctx: &RequestContext,
        input: GetIdentityNotificationAttributesRequest,
    ) -> Result<GetIdentityNotificationAttributesResponse, GetIdentityNotificationAttributesError> {
        let attrs = self.identity_attr(ctx, &input.identities, |_, i| {
            i.map(|i| IdentityNotificationAttributes {
                bounce_topic: i.topics.get("Bounce").cloned().unwrap_or_default(),
                complaint_topic: i.topics.get("Complaint").cloned().unwrap_or_default(),
                delivery_topic: i.topics.get("Delivery").cloned().unwrap_or_default(),
                forwarding_enabled: i.forwarding_enabled,
                headers_in_bounce_notifications_enabled: Some(*i.headers_in.get("Bounce").unwrap_or(&false)),
                headers_in_complaint_notifications_enabled: Some(*i.headers_in.get("Complaint").unwrap_or(&false)),
                headers_in_delivery_notifications_enabled: Some(*i.headers_in.get("Delivery").unwrap_or(&false)),
            })
        });
        Ok(GetIdentityNotificationAttributesResponse { notification_attributes: attrs })
    }

    async fn set_identity_notification_topic(
        &self,
        ctx: &RequestContext,
        input: SetIdentityNotificationTopicRequest,
    ) -> Result<SetIdentityNotificationTopicResponse, SetIdentityNotificationTopicError> {
        let key = notification_key(&input.notification_type);
        self.with_identity(ctx, &input.identity, |i| match input.sns_topic {
            Some(t) => {
                i.topics.insert(key, t);
            }
            None => {
                i.topics.remove(key);
            }
        })?;
        Ok(SetIdentityNotificationTopicResponse {})
    }

    async fn set_identity_feedback_forwarding_enabled(
        &self,
        ctx: &RequestContext,
        input: SetIdentityFeedbackForwardingEnabledRequest,
    ) -> Result<SetIdentityFeedbackForwardingEnabledResponse, SetIdentityFeedbackForwardingEnabledError> {
        self.with_identity(ctx, &input.identity, |i| i.forwarding_enabled = input.forwarding_enabled)?;
        Ok(SetIdentityFeedbackForwardingEnabledResponse {})
    }

    async fn set_identity_headers_in_notifications_enabled(
        &self,
        ctx: &RequestContext,
        input: SetIdentityHeadersInNotificationsEnabledRequest,
    ) -> Result<SetIdentityHeadersInNotificationsEnabledResponse, SetIdentityHeadersInNotificationsEnabledError> {
        let key = notification_key(&input.notification_type);
        self.with_identity(ctx, &input.identity, |i| {
            i.headers_in.insert(key, input.enabled);
        })?;
        Ok(SetIdentityHeadersInNotificationsEnabledResponse {})
    }

    async fn set_identity_dkim_enabled(&self, ctx: &RequestContext, input: SetIdentityDkimEnabledRequest) -> Result<SetIdentityDkimEnabledResponse, SetIdentityDkimEnabledError> {
        self.with_identity(ctx, &input.identity, |i| i.dkim_enabled = input.dkim_enabled)?;
        Ok(SetIdentityDkimEnabledResponse {})
    }

    async fn get_send_quota(&self, ctx: &RequestContext, _input: ()) -> Result<GetSendQuotaResponse, GetSendQuotaError> {
        let since = Timestamp::now().secs - 86_400;
        let sent = self.region(ctx).sent.lock().unwrap_or_else(|e| e.into_inner()).iter().filter(|t| t.secs >= since).count();
        Ok(GetSendQuotaResponse { max24_hour_send: Some(MAX_24_HOUR_SEND), max_send_rate: Some(MAX_SEND_RATE), sent_last24_hours: Some(sent as f64) })
    }

    async fn get_send_statistics(&self, ctx: &RequestContext, _input: ()) -> Result<GetSendStatisticsResponse, GetSendStatisticsError> {
        // Fifteen-minute buckets of the last two weeks, as SES reports them.
        let since = Timestamp::now().secs - 14 * 86_400;
        let mut buckets: BTreeMap<i64, i64> = BTreeMap::new();
        for t in self.region(ctx).sent.lock().unwrap_or_else(|e| e.into_inner()).iter().filter(|t| t.secs >= since) {
            *buckets.entry(t.secs - t.secs.rem_euclid(900)).or_default() += 1;
        }
        let points = buckets
            .into_iter()
            .map(|(start, n)| SendDataPoint { timestamp: Some(Timestamp::from_secs(start)), delivery_attempts: Some(n), bounces: Some(0), complaints: Some(0), rejects: Some(0) })
            .collect();
        Ok(GetSendStatisticsResponse { send_data_points: Some(points) })
    }

    async fn send_email(&self, ctx: &RequestContext, input: SendEmailRequest) -> Result<SendEmailResponse, SendEmailError> {
        let recipients = Self::recipients(&input.destination)?;
        self.check_source(ctx, &input.source)?;
        let id = self.send(
            ctx,
            Outgoing {
                source: input.source,
                recipients,
                subject: Some(input.message.subject.data),
                text: input.message.body.text.map(|c| c.data),
                html: input.message.body.html.map(|c| c.data),
                raw: None,
            },
        );
        Ok(SendEmailResponse { message_id: id })
    }

    async fn send_raw_email(&self, ctx: &RequestContext, input: SendRawEmailRequest) -> Result<SendRawEmailResponse, SendRawEmailError> {
        let raw = String::from_utf8_lossy(&input.raw_message.data).into_owned();
        let parsed = mime::headers(&raw);
        let source = input.source.clone().or_else(|| parsed.get("from").cloned()).ok_or_else(|| invalid("Missing required header 'From'."))?;
        let recipients: Vec<String> = match &input.destinations {
            Some(d) if !d.is_empty() => d.clone(),
            _ => ["to", "cc", "bcc"].iter().filter_map(|h| parsed.get(*h)).flat_map(|v| mime::addresses(v)).collect(),
        };
        if recipients.is_empty() {
            return Err(invalid("Missing final '@domain'").into());
        }
        self.check_source(ctx, &source)?;
        let id = self.send(
            ctx,
            Outgoing { source, recipients, subject: parsed.get("subject").cloned(), text: Some(mime::text_body(&raw)), html: None, raw: Some(raw) },
        );
        Ok(SendRawEmailResponse { message_id: id })
    }

    async fn send_templated_email(&self, ctx: &RequestContext, input: SendTemplatedEmailRequest) -> Result<SendTemplatedEmailResponse, SendTemplatedEmailError> {
        let recipients = Self::recipients(&input.destination)?;
        self.check_source(ctx, &input.source)?;
        let (subject, text, html) = self.template(ctx, &input.template, &input.template_data)?;
        let id = self.send(ctx, Outgoing { source: input.source, recipients, subject, text, html, raw: None });
        Ok(SendTemplatedEmailResponse { message_id: id })
    }

    async fn send_bulk_templated_email(
        &self,
        ctx: &RequestContext,
        input: SendBulkTemplatedEmailRequest,
    ) -> Result<SendBulkTemplatedEmailResponse, SendBulkTemplatedEmailError> {
        if input.destinations.is_empty() || input.destinations.len() > 50 {
            return Err(invalid("Destinations must contain between 1 and 50 destinations.").into());
        }
        self.check_source(ctx, &input.source)?;
        // The template must exist before anything is sent.
        self.template(ctx, &input.template, &input.default_template_data)?;
        let mut status = Vec::new();
        for d in input.destinations {
            let data = d.replacement_template_data.unwrap_or_else(|| input.default_template_data.clone());
            let outcome = Self::recipients(&d.destination).and_then(|r| Ok((r, self.template(ctx, &input.template, &data)?)));
            status.push(match outcome {
                Ok((recipients, (subject, text, html))) => {
                    let id = self.send(ctx, Outgoing { source: input.source.clone(), recipients, subject, text, html, raw: None });
                    BulkEmailDestinationStatus { status: Some(BulkEmailStatus::Success), error: None, message_id: Some(id) }
                }
                Err(e) => BulkEmailDestinationStatus { status: Some(BulkEmailStatus::MessageRejected), error: e.message, message_id: None },
            });
        }
        Ok(SendBulkTemplatedEmailResponse { status })
    }

    async fn send_custom_verification_email(
        &self,
        ctx: &RequestContext,
        input: SendCustomVerificationEmailRequest,
    ) -> Result<SendCustomVerificationEmailResponse, SendCustomVerificationEmailError> {
        let id = self.send_custom_verification(ctx, "ses", &input.email_address, &input.template_name).ok_or_else(|| {
            ServiceError::from(CustomVerificationEmailTemplateDoesNotExistException {
                custom_verification_email_template_name: Some(input.template_name.clone()),
                message: Some(format!("Custom verification email template {} does not exist.", input.template_name)),
            })
        })?;
        Ok(SendCustomVerificationEmailResponse { message_id: Some(id) })
    }

    async fn send_bounce(&self, ctx: &RequestContext, input: SendBounceRequest) -> Result<SendBounceResponse, SendBounceError> {
        // The bounce goes back to whoever sent the original message.
        let original = simfra_inbox::by_message_id(&input.original_message_id);
        let Some(sender) = original.first().and_then(|m| m.get("Source")).and_then(|s| s.as_str()).map(str::to_string) else {
            return Err(invalid(format!("Could not find message with id {}.", input.original_message_id)).into());
        };
        self.check_source(ctx, &input.bounce_sender)?;
        let recipients: Vec<String> = input.bounced_recipient_info_list.iter().map(|r| r.recipient.clone()).collect();
        let body = format!(
            "{}\n\nThe message {} could not be delivered to: {}",
            input.explanation.unwrap_or_default(),
            input.original_message_id,
            recipients.join(", ")
        );
        let id = self.send(
            ctx,
            Outgoing { source: input.bounce_sender, recipients: vec![address_of(&sender)], subject: Some("Delivery Status Notification (Failure)".into()), text: Some(body.trim_start().to_string()), html: None, raw: None },
        );
        Ok(SendBounceResponse { message_id: Some(id) })
    }

    async fn test_render_template(&self, ctx: &RequestContext, input: TestRenderTemplateRequest) -> Result<TestRenderTemplateResponse, TestRenderTemplateError> {
        let (subject, text, html) = self.template(ctx, &input.template_name, &input.template_data)?;
        Ok(TestRenderTemplateResponse { rendered_template: Some(mime::compose(subject.as_deref(), text.as_deref(), html.as_deref())) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_template_variables() {
        let data = serde_json::json!({"name": "Ana", "order": {"id": 7}});
        assert_eq!(render("Hi {{name}}, order {{ order.id }}{{missing}}!", &data), "Hi Ana, order 7!");
    }

    #[test]
    fn addresses() {
        assert_eq!(address_of("Jane Doe <jane@example.com>"), "jane@example.com");
        assert!(valid_email("a@b.co"));
        assert!(!valid_email("nobody"));
        assert!(message_id().ends_with("-000000"));
    }
}
