//! Mobile push and SMS settings: platform applications and their
//! endpoints (stored; publishes to them land in the inbox), account SMS
//! attributes and the opted-out phone number list.

use crate::*;

const PLATFORMS: &[&str] = &["ADM", "APNS", "APNS_SANDBOX", "GCM", "BAIDU", "MPNS", "WNS"];
const SMS_ATTRIBUTES: &[&str] = &[
    "MonthlySpendLimit",
    "DeliveryStatusIAMRole",
    "DeliveryStatusSuccessSamplingRate",
    "DefaultSenderID",
    "DefaultSMSType",
    "UsageReportS3Bucket",
];

fn app_not_found() -> ServiceError {
    NotFoundException { message: Some("PlatformApplication does not exist".into()) }.into()
}

fn endpoint_not_found() -> ServiceError {
    NotFoundException { message: Some("Endpoint does not exist".into()) }.into()
}

/// Credentials are stored but never answered back, as on AWS.
fn visible_attributes(attrs: &HashMap<String, String>) -> HashMap<String, String> {
    attrs.iter().filter(|(k, _)| !matches!(k.as_str(), "PlatformCredential" | "PlatformPrincipal")).map(|(k, v)| (k.clone(), v.clone())).collect()
}

pub fn create_application(ctx: &RequestContext, input: CreatePlatformApplicationInput) -> Result<CreatePlatformApplicationResponse, ServiceError> {
    let name_ok = !input.name.is_empty() && input.name.len() <= 256 && input.name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if !name_ok {
        return Err(invalid_parameter("Invalid parameter: Name"));
    }
    if !PLATFORMS.contains(&input.platform.as_str()) {
        return Err(invalid_parameter("Invalid parameter: Platform"));
    }
    if !input.attributes.contains_key("PlatformCredential") {
        return Err(invalid_parameter("Invalid parameter: Attributes Reason: PlatformCredential attribute is required"));
    }
    let arn = simfra_store::arn("sns", &ctx.region, &ctx.account_id, &format!("app/{}/{}", input.platform, input.name));
    let region = state().regional(ctx);
    let mut attributes = input.attributes;
    attributes.entry("Enabled".into()).or_insert_with(|| "true".into());
    region.lock().applications.insert(arn.clone(), PlatformApplication { attributes });
    Ok(CreatePlatformApplicationResponse { platform_application_arn: Some(arn) })
}

pub fn delete_application(ctx: &RequestContext, input: DeletePlatformApplicationInput) -> Result<(), ServiceError> {
    if let Some(region) = region_of(ctx, &input.platform_application_arn) {
        let mut data = region.lock();
        data.applications.remove(&input.platform_application_arn);
        data.endpoints.retain(|_, e| e.application_arn != input.platform_application_arn);
    }
    Ok(())
}

pub fn get_application(ctx: &RequestContext, input: GetPlatformApplicationAttributesInput) -> Result<GetPlatformApplicationAttributesResponse, ServiceError> {
    let region = region_of(ctx, &input.platform_application_arn).ok_or_else(app_not_found)?;
    let data = region.lock();
    let app = data.applications.get(&input.platform_application_arn).ok_or_else(app_not_found)?;
    Ok(GetPlatformApplicationAttributesResponse { attributes: Some(visible_attributes(&app.attributes)) })
}

pub fn set_application(ctx: &RequestContext, input: SetPlatformApplicationAttributesInput) -> Result<(), ServiceError> {
    let region = region_of(ctx, &input.platform_application_arn).ok_or_else(app_not_found)?;
    let mut data = region.lock();
    let app = data.applications.get_mut(&input.platform_application_arn).ok_or_else(app_not_found)?;
    app.attributes.extend(input.attributes);
    Ok(())
}

pub fn list_applications(ctx: &RequestContext, input: ListPlatformApplicationsInput) -> Result<ListPlatformApplicationsResponse, ServiceError> {
    let region = state().regional(ctx);
    let data = region.lock();
    let after = input.next_token.unwrap_or_default();
    let apps: Vec<_> = data.applications.iter().filter(|(a, _)| a.as_str() > after.as_str()).collect();
    let next_token = (apps.len() > 100).then(|| apps[99].0.clone());
    let page = apps
        .into_iter()
        .take(100)
        .map(|(arn, a)| simfra_gen_sns::types::PlatformApplication { platform_application_arn: Some(arn.clone()), attributes: Some(visible_attributes(&a.attributes)) })
        .collect();
    Ok(ListPlatformApplicationsResponse { platform_applications: Some(page), next_token })
}

pub fn create_endpoint(ctx: &RequestContext, input: CreatePlatformEndpointInput) -> Result<CreateEndpointResponse, ServiceError> {
    let region = region_of(ctx, &input.platform_application_arn).ok_or_else(app_not_found)?;
    let mut data = region.lock();
    if !data.applications.contains_key(&input.platform_application_arn) {
        return Err(app_not_found());
    }
    if input.token.is_empty() {
        return Err(invalid_parameter("Invalid parameter: Token"));
    }
    let mut attributes = input.attributes.unwrap_or_default();
    attributes.insert("Token".into(), input.token.clone());
    attributes.entry("Enabled".into()).or_insert_with(|| "true".into());
    if let Some(data_) = input.custom_user_data {
        attributes.insert("CustomUserData".into(), data_);
    }
    // The same token again answers the same endpoint, unless its attributes differ.
    if let Some((arn, e)) = data.endpoints.iter().find(|(_, e)| e.application_arn == input.platform_application_arn && e.attributes.get("Token") == Some(&input.token)) {
        if attributes.iter().any(|(k, v)| e.attributes.get(k) != Some(v)) {
            return Err(invalid_parameter(format!(
                "Invalid parameter: Token Reason: Endpoint {arn} already exists with the same Token, but different attributes."
            )));
        }
        return Ok(CreateEndpointResponse { endpoint_arn: Some(arn.clone()) });
    }
    let app_path = input.platform_application_arn.split(':').nth(5).and_then(|r| r.strip_prefix("app/")).unwrap_or("");
    let arn = simfra_store::arn("sns", &ctx.region, &ctx.account_id, &format!("endpoint/{app_path}/{}", uuid()));
    data.endpoints.insert(arn.clone(), PlatformEndpoint { application_arn: input.platform_application_arn, attributes });
    Ok(CreateEndpointResponse { endpoint_arn: Some(arn) })
}

pub fn delete_endpoint(ctx: &RequestContext, input: DeleteEndpointInput) -> Result<(), ServiceError> {
    if let Some(region) = region_of(ctx, &input.endpoint_arn) {
        region.lock().endpoints.remove(&input.endpoint_arn);
    }
    Ok(())
}

pub fn get_endpoint(ctx: &RequestContext, input: GetEndpointAttributesInput) -> Result<GetEndpointAttributesResponse, ServiceError> {
    let region = region_of(ctx, &input.endpoint_arn).ok_or_else(endpoint_not_found)?;
    let data = region.lock();
    let e = data.endpoints.get(&input.endpoint_arn).ok_or_else(endpoint_not_found)?;
    Ok(GetEndpointAttributesResponse { attributes: Some(e.attributes.clone()) })
}

pub fn set_endpoint(ctx: &RequestContext, input: SetEndpointAttributesInput) -> Result<(), ServiceError> {
    let region = region_of(ctx, &input.endpoint_arn).ok_or_else(endpoint_not_found)?;
    let mut data = region.lock();
    let e = data.endpoints.get_mut(&input.endpoint_arn).ok_or_else(endpoint_not_found)?;
    if let Some(v) = input.attributes.get("Enabled") {
        if !matches!(v.as_str(), "true" | "false") {
            return Err(invalid_parameter("Invalid parameter: Attributes Reason: Enabled must be true or false"));
        }
    }
    e.attributes.extend(input.attributes);
    Ok(())
}

pub fn list_endpoints(ctx: &RequestContext, input: ListEndpointsByPlatformApplicationInput) -> Result<ListEndpointsByPlatformApplicationResponse, ServiceError> {
    let region = region_of(ctx, &input.platform_application_arn).ok_or_else(app_not_found)?;
    let data = region.lock();
    if !data.applications.contains_key(&input.platform_application_arn) {
        return Err(app_not_found());
    }
    let after = input.next_token.unwrap_or_default();
    let list: Vec<_> = data
        .endpoints
        .iter()
        .filter(|(a, e)| e.application_arn == input.platform_application_arn && a.as_str() > after.as_str())
        .collect();
    let next_token = (list.len() > 100).then(|| list[99].0.clone());
    let page = list
        .into_iter()
        .take(100)
        .map(|(arn, e)| Endpoint { endpoint_arn: Some(arn.clone()), attributes: Some(e.attributes.clone()) })
        .collect();
    Ok(ListEndpointsByPlatformApplicationResponse { endpoints: Some(page), next_token })
}

pub fn set_sms_attributes(ctx: &RequestContext, input: SetSmsAttributesInput) -> Result<SetSmsAttributesResponse, ServiceError> {
    for (k, v) in &input.attributes {
        if !SMS_ATTRIBUTES.contains(&k.as_str()) {
            return Err(invalid_parameter(format!("Invalid parameter: {k}")));
        }
        if k == "DefaultSMSType" && !matches!(v.as_str(), "Promotional" | "Transactional") {
            return Err(invalid_parameter("Invalid parameter: DefaultSMSType"));
        }
    }
    state().regional(ctx).lock().sms_attributes.extend(input.attributes);
    Ok(SetSmsAttributesResponse {})
}

pub fn get_sms_attributes(ctx: &RequestContext, input: GetSmsAttributesInput) -> Result<GetSmsAttributesResponse, ServiceError> {
    let region = state().regional(ctx);
    let data = region.lock();
    let wanted = input.attributes.unwrap_or_default();
    let attrs = data.sms_attributes.iter().filter(|(k, _)| wanted.is_empty() || wanted.contains(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    Ok(GetSmsAttributesResponse { attributes: Some(attrs) })
}

pub fn check_opted_out(ctx: &RequestContext, input: CheckIfPhoneNumberIsOptedOutInput) -> Result<CheckIfPhoneNumberIsOptedOutResponse, ServiceError> {
    let opted = state().regional(ctx).lock().opted_out.contains(&input.phone_number);
    Ok(CheckIfPhoneNumberIsOptedOutResponse { is_opted_out: Some(opted) })
}

pub fn list_opted_out(ctx: &RequestContext, _input: ListPhoneNumbersOptedOutInput) -> Result<ListPhoneNumbersOptedOutResponse, ServiceError> {
    let numbers = state().regional(ctx).lock().opted_out.iter().cloned().collect();
    Ok(ListPhoneNumbersOptedOutResponse { phone_numbers: Some(numbers), next_token: None })
}

pub fn opt_in(ctx: &RequestContext, input: OptInPhoneNumberInput) -> Result<OptInPhoneNumberResponse, ServiceError> {
    state().regional(ctx).lock().opted_out.remove(&input.phone_number);
    Ok(OptInPhoneNumberResponse {})
}
