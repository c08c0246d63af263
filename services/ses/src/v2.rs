//! SES v2 (`sesv2`) over the same identities, quota and inbox as v1:
//! SendEmail (simple, raw and templated content), SendBulkEmail,
//! TestRenderEmailTemplate, SendCustomVerificationEmail and GetAccount.
//! Identities, templates and configuration sets made through v2 are the
//! resource engine's records (`EmailIdentity`, `EmailTemplate`,
//! `CustomVerificationEmailTemplate`); sends read them.

use crate::{mime, recipient_list, render, Outgoing, Ses, MAX_24_HOUR_SEND, MAX_SEND_RATE};
use simfra_gen_sesv2::types::*;
use simfra_gen_sesv2::*;
use simfra_model::{RequestContext, ServiceError, Timestamp};

pub struct SesV2;

fn rejected(message: String) -> MessageRejected {
    MessageRejected { message: Some(message) }
}

fn bad_request(message: impl Into<String>) -> BadRequestException {
    BadRequestException { message: Some(message.into()) }
}

fn not_found(message: impl Into<String>) -> NotFoundException {
    NotFoundException { message: Some(message.into()) }
}

fn recipients(d: Option<&Destination>) -> Result<Vec<String>, ServiceError> {
    let d = d.ok_or_else(|| ServiceError::from(bad_request("Destination is required.")))?;
    recipient_list([&d.to_addresses, &d.cc_addresses, &d.bcc_addresses])
        .map_err(|e| ServiceError::from(bad_request(e.message.unwrap_or_default())))
}

/// A v2 template (the engine's `EmailTemplate` record, or inline content), rendered.
fn template(ctx: &RequestContext, t: &Template, data_override: Option<&str>) -> Result<(Option<String>, Option<String>, Option<String>), ServiceError> {
    let data_text = data_override.or(t.template_data.as_deref()).unwrap_or("{}");
    let data: serde_json::Value =
        serde_json::from_str(data_text).map_err(|_| ServiceError::from(bad_request("Template data must be a valid JSON object.")))?;
    let (subject, text, html) = match (&t.template_content, t.template_name.as_deref()) {
        (Some(c), _) => (c.subject.clone(), c.text.clone(), c.html.clone()),
        (None, Some(name)) => {
            let record = simfra_resources::record(&ctx.account_id, &ctx.region, "sesv2", "EmailTemplate", name)
                .ok_or_else(|| ServiceError::from(not_found(format!("Template {name} does not exist."))))?;
            let content = record.fields.get("TemplateContent").cloned().unwrap_or_default();
            let part = |k: &str| content.get(k).and_then(|v| v.as_str()).map(str::to_string);
            (part("Subject"), part("Text"), part("Html"))
        }
        (None, None) => return Err(bad_request("A template name or content is required.").into()),
    };
    Ok((subject.map(|p| render(&p, &data)), text.map(|p| render(&p, &data)), html.map(|p| render(&p, &data))))
}

#[simfra_model::async_trait]
impl Sesv2Api for SesV2 {
    fn implemented(&self) -> &'static [&'static str] {
        &["GetAccount", "SendBulkEmail", "SendCustomVerificationEmail", "SendEmail", "TestRenderEmailTemplate"]
    }

    async fn send_email(&self, ctx: &RequestContext, input: SendEmailRequest) -> Result<SendEmailResponse, SendEmailError> {
        let ses = Ses;
        let content = input.content;
        let (source, outgoing) = if let Some(raw) = content.raw {
            let text = String::from_utf8_lossy(&raw.data).into_owned();
            let headers = mime::headers(&text);
            let source = input.from_email_address.clone().or_else(|| headers.get("from").cloned()).ok_or_else(|| ServiceError::from(bad_request("Missing required header 'From'.")))?;
            let recipients = match &input.destination {
                Some(d) => recipients(Some(d))?,
                None => ["to", "cc", "bcc"].iter().filter_map(|h| headers.get(*h)).flat_map(|v| mime::addresses(v)).collect(),
            };
            let subject = headers.get("subject").cloned();
            (source.clone(), Outgoing { source, recipients, subject, text: Some(mime::text_body(&text)), html: None, raw: Some(text) })
        } else {
            let source = input.from_email_address.clone().ok_or_else(|| ServiceError::from(bad_request("FromEmailAddress is required.")))?;
            let recipients = recipients(input.destination.as_ref())?;
            let (subject, text, html) = match (content.simple, content.template) {
                (Some(m), _) => (Some(m.subject.data), m.body.text.map(|c| c.data), m.body.html.map(|c| c.data)),
                (None, Some(t)) => template(ctx, &t, None)?,
                (None, None) => return Err(bad_request("Content must be Simple, Raw or Template.").into()),
            };
            (source.clone(), Outgoing { source, recipients, subject, text, html, raw: None })
        };
        ses.source_verified(ctx, &source).map_err(rejected)?;
        let id = ses.send(ctx, outgoing);
        Ok(SendEmailResponse { message_id: Some(id) })
    }

    async fn send_bulk_email(&self, ctx: &RequestContext, input: SendBulkEmailRequest) -> Result<SendBulkEmailResponse, SendBulkEmailError> {
        let ses = Ses;
        let source = input.from_email_address.clone().ok_or_else(|| ServiceError::from(bad_request("FromEmailAddress is required.")))?;
        if input.bulk_email_entries.is_empty() || input.bulk_email_entries.len() > 50 {
            return Err(bad_request("BulkEmailEntries must contain between 1 and 50 entries.").into());
        }
        ses.source_verified(ctx, &source).map_err(rejected)?;
        let default = input.default_content.template.ok_or_else(|| ServiceError::from(bad_request("DefaultContent must have a Template.")))?;
        // The template must exist before anything is sent.
        template(ctx, &default, None)?;
        let mut results = Vec::new();
        for entry in input.bulk_email_entries {
            let data = entry.replacement_email_content.and_then(|c| c.replacement_template).and_then(|t| t.replacement_template_data);
            let outcome = recipients(Some(&entry.destination)).and_then(|r| Ok((r, template(ctx, &default, data.as_deref())?)));
            results.push(match outcome {
                Ok((recipients, (subject, text, html))) => {
                    let id = ses.send(ctx, Outgoing { source: source.clone(), recipients, subject, text, html, raw: None });
                    BulkEmailEntryResult { status: Some(BulkEmailStatus::Success), error: None, message_id: Some(id) }
                }
                Err(e) => BulkEmailEntryResult { status: Some(BulkEmailStatus::MessageRejected), error: e.message, message_id: None },
            });
        }
        Ok(SendBulkEmailResponse { bulk_email_entry_results: results })
    }

    async fn test_render_email_template(
        &self,
        ctx: &RequestContext,
        input: TestRenderEmailTemplateRequest,
    ) -> Result<TestRenderEmailTemplateResponse, TestRenderEmailTemplateError> {
        let t = Template { template_name: Some(input.template_name), template_data: Some(input.template_data), ..Default::default() };
        let (subject, text, html) = template(ctx, &t, None)?;
        Ok(TestRenderEmailTemplateResponse { rendered_template: mime::compose(subject.as_deref(), text.as_deref(), html.as_deref()) })
    }

    async fn send_custom_verification_email(
        &self,
        ctx: &RequestContext,
        input: SendCustomVerificationEmailRequest,
    ) -> Result<SendCustomVerificationEmailResponse, SendCustomVerificationEmailError> {
        let id = Ses.send_custom_verification(ctx, "sesv2", &input.email_address, &input.template_name).ok_or_else(|| {
            ServiceError::from(not_found(format!("Custom verification email template {} does not exist.", input.template_name)))
        })?;
        Ok(SendCustomVerificationEmailResponse { message_id: Some(id) })
    }

    async fn get_account(&self, ctx: &RequestContext, _input: GetAccountRequest) -> Result<GetAccountResponse, GetAccountError> {
        let since = Timestamp::now().secs - 86_400;
        let sent = Ses.region(ctx).sent.lock().unwrap_or_else(|e| e.into_inner()).iter().filter(|t| t.secs >= since).count();
        Ok(GetAccountResponse {
            dedicated_ip_auto_warmup_enabled: Some(false),
            enforcement_status: Some("HEALTHY".into()),
            production_access_enabled: Some(true),
            send_quota: Some(SendQuota { max24_hour_send: Some(MAX_24_HOUR_SEND), max_send_rate: Some(MAX_SEND_RATE), sent_last24_hours: Some(sent as f64) }),
            sending_enabled: Some(true),
            suppression_attributes: None,
            details: None,
            vdm_attributes: None,
        })
    }
}
