//! What a publish becomes: the notification each subscriber receives, in
//! AWS's JSON envelope (Type, MessageId, TopicArn, Subject, Message,
//! Timestamp, SignatureVersion, Signature, SigningCertURL, UnsubscribeURL,
//! MessageAttributes), signed the way SNS signs (RSA with SHA1 for
//! SignatureVersion 1, SHA256 for 2) with Simfra's local signing key, whose
//! certificate is served at the SigningCertURL.
//!
//! The key in `signing/` is a throwaway key made for local use only.

use crate::invalid_parameter;
use base64::Engine;
use rsa::signature::{SignatureEncoding, Signer};
use serde_json::{json, Map, Value};
use simfra_gen_sns::types::MessageAttributeValue;
use simfra_model::{ServiceError, Timestamp};
use std::collections::HashMap;

pub const SIGNING_CERT_PATH: &str = "/_simfra/sns/SimpleNotificationService.pem";
pub const SIGNING_CERT: &str = include_str!("signing/SimpleNotificationService.pem");
const SIGNING_KEY: &[u8] = include_bytes!("signing/key.der");

/// Largest message (body plus attributes), as on AWS.
pub const MAX_MESSAGE_BYTES: usize = 262_144;

/// One published message, shared by every subscriber's delivery.
pub struct Notification {
    pub message_id: String,
    pub topic_arn: String,
    pub subject: Option<String>,
    /// The message, and per-protocol forms when MessageStructure is `json`.
    pub message: String,
    pub per_protocol: Option<Map<String, Value>>,
    pub attributes: HashMap<String, MessageAttributeValue>,
    pub group_id: Option<String>,
    pub dedup_id: Option<String>,
    pub sequence_number: Option<String>,
    pub timestamp: String,
    pub signature_version: String,
    /// `http://host:port` as the publisher addressed Simfra, for links in the envelope.
    pub endpoint_url: String,
    /// The signature, per protocol's message: it covers no subscription-specific
    /// field, so every subscriber of a protocol shares one (RSA is costly).
    pub signatures: std::sync::Mutex<HashMap<String, String>>,
}

impl Notification {
    /// The message a protocol's subscribers get (`sqs`, `http`, `email` … or `default`).
    pub fn message_for(&self, protocol: &str) -> &str {
        self.per_protocol
            .as_ref()
            .and_then(|m| m.get(protocol).or_else(|| m.get("default")))
            .and_then(Value::as_str)
            .unwrap_or(&self.message)
    }

    /// AWS's JSON envelope of a notification for one subscription.
    pub fn envelope(&self, protocol: &str, subscription_arn: &str) -> String {
        let message = self.message_for(protocol);
        let mut fields = vec![("Message", message), ("MessageId", self.message_id.as_str())];
        if let Some(s) = &self.subject {
            fields.push(("Subject", s.as_str()));
        }
        fields.push(("Timestamp", self.timestamp.as_str()));
        fields.push(("TopicArn", self.topic_arn.as_str()));
        fields.push(("Type", "Notification"));
        let signature = {
            let mut cache = self.signatures.lock().unwrap_or_else(|e| e.into_inner());
            cache.entry(message.to_string()).or_insert_with(|| sign(&self.signature_version, &fields)).clone()
        };
        let mut env = Map::new();
        env.insert("Type".into(), json!("Notification"));
        env.insert("MessageId".into(), json!(self.message_id));
        if let Some(seq) = &self.sequence_number {
            env.insert("SequenceNumber".into(), json!(seq));
        }
        env.insert("TopicArn".into(), json!(self.topic_arn));
        if let Some(s) = &self.subject {
            env.insert("Subject".into(), json!(s));
        }
        env.insert("Message".into(), json!(message));
        env.insert("Timestamp".into(), json!(self.timestamp));
        env.insert("SignatureVersion".into(), json!(self.signature_version));
        env.insert("Signature".into(), json!(signature));
        env.insert("SigningCertURL".into(), json!(format!("{}{SIGNING_CERT_PATH}", self.endpoint_url)));
        env.insert("UnsubscribeURL".into(), json!(unsubscribe_url(&self.endpoint_url, subscription_arn)));
        if !self.attributes.is_empty() {
            let mut names: Vec<&String> = self.attributes.keys().collect();
            names.sort();
            let attrs: Map<String, Value> = names
                .into_iter()
                .map(|n| {
                    let v = &self.attributes[n];
                    let value = match &v.binary_value {
                        Some(b) => base64::engine::general_purpose::STANDARD.encode(b),
                        None => v.string_value.clone().unwrap_or_default(),
                    };
                    (n.clone(), json!({"Type": v.data_type, "Value": value}))
                })
                .collect();
            env.insert("MessageAttributes".into(), Value::Object(attrs));
        }
        Value::Object(env).to_string()
    }
}

pub fn unsubscribe_url(endpoint_url: &str, subscription_arn: &str) -> String {
    format!("{endpoint_url}/?Action=Unsubscribe&SubscriptionArn={}", encode_query(subscription_arn))
}

pub fn subscribe_url(endpoint_url: &str, topic_arn: &str, token: &str) -> String {
    format!("{endpoint_url}/?Action=ConfirmSubscription&TopicArn={}&Token={token}", encode_query(topic_arn))
}

fn encode_query(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The SubscriptionConfirmation message an HTTP/S or email-json endpoint receives.
pub fn confirmation(endpoint_url: &str, topic_arn: &str, token: &str, signature_version: &str) -> (String, String) {
    let message_id = crate::uuid();
    let timestamp = iso_now();
    let url = subscribe_url(endpoint_url, topic_arn, token);
    let message = format!(
        "You have chosen to subscribe to the topic {topic_arn}.\nTo confirm the subscription, visit the SubscribeURL included in this message."
    );
    let fields = [
        ("Message", message.as_str()),
        ("MessageId", message_id.as_str()),
        ("SubscribeURL", url.as_str()),
        ("Timestamp", timestamp.as_str()),
        ("Token", token),
        ("TopicArn", topic_arn),
        ("Type", "SubscriptionConfirmation"),
    ];
    let signature = sign(signature_version, &fields);
    let body = json!({
        "Type": "SubscriptionConfirmation",
        "MessageId": message_id,
        "Token": token,
        "TopicArn": topic_arn,
        "Message": message,
        "SubscribeURL": url,
        "Timestamp": timestamp,
        "SignatureVersion": signature_version,
        "Signature": signature,
        "SigningCertURL": format!("{endpoint_url}{SIGNING_CERT_PATH}"),
    });
    (message_id, body.to_string())
}

/// SNS's signature: the name/value lines of the signed fields, in order,
/// signed with RSA (SHA1 for version 1, SHA256 for version 2), base64.
pub fn sign(version: &str, fields: &[(&str, &str)]) -> String {
    let mut text = String::new();
    for (k, v) in fields {
        text.push_str(k);
        text.push('\n');
        text.push_str(v);
        text.push('\n');
    }
    let Some(key) = signing_key() else { return String::new() };
    let key = key.clone();
    let bytes = if version == "2" {
        rsa::pkcs1v15::SigningKey::<sha2_oid::Sha256>::new(key).sign(text.as_bytes()).to_vec()
    } else {
        rsa::pkcs1v15::SigningKey::<sha1::Sha1>::new(key).sign(text.as_bytes()).to_vec()
    };
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn signing_key() -> Option<&'static rsa::PrivateKey> {
    use rsa::pkcs1::DecodeRsaPrivateKey;
    static KEY: std::sync::OnceLock<Option<rsa::PrivateKey>> = std::sync::OnceLock::new();
    KEY.get_or_init(|| rsa::PrivateKey::from_pkcs1_der(SIGNING_KEY).ok()).as_ref()
}

/// `2012-05-02T00:54:06.655Z`
pub fn iso(t: Timestamp) -> String {
    let (y, mo, d, h, mi, s) = simfra_model::calendar::utc_parts(t.secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z", t.nanos / 1_000_000)
}

pub fn iso_now() -> String {
    iso(Timestamp::now())
}

/// Publish input checks shared by Publish and PublishBatch entries.
pub fn check_message(
    message: &str,
    subject: Option<&str>,
    structure: Option<&str>,
    attributes: &HashMap<String, MessageAttributeValue>,
) -> Result<Option<Map<String, Value>>, ServiceError> {
    if message.is_empty() {
        return Err(invalid_parameter("Invalid parameter: Empty message"));
    }
    if let Some(s) = subject {
        if s.is_empty() || s.len() > 100 || s.chars().any(|c| c.is_control()) {
            return Err(invalid_parameter("Invalid parameter: Subject"));
        }
    }
    let mut size = message.len();
    for (name, v) in attributes {
        size += name.len() + v.data_type.len() + v.string_value.as_ref().map_or(0, |s| s.len()) + v.binary_value.as_ref().map_or(0, |b| b.len());
        check_attribute(name, v)?;
    }
    if size > MAX_MESSAGE_BYTES {
        return Err(invalid_parameter("Invalid parameter: Message too long"));
    }
    match structure {
        None => Ok(None),
        Some("json") => {
            let parsed: Value = serde_json::from_str(message)
                .map_err(|_| invalid_parameter("Invalid parameter: Message Structure - JSON message body failed to parse"))?;
            let obj = parsed
                .as_object()
                .filter(|o| o.values().all(Value::is_string))
                .ok_or_else(|| invalid_parameter("Invalid parameter: Message Structure - JSON message body failed to parse"))?;
            if !obj.contains_key("default") {
                return Err(invalid_parameter("Invalid parameter: Message Structure - No default entry in JSON message body"));
            }
            Ok(Some(obj.clone()))
        }
        Some(_) => Err(invalid_parameter("Invalid parameter: MessageStructure")),
    }
}

fn check_attribute(name: &str, v: &MessageAttributeValue) -> Result<(), ServiceError> {
    let bad = |why: &str| invalid_parameter(format!("Invalid parameter: MessageAttributes Reason: {why}"));
    if name.is_empty() || name.len() > 256 || name.starts_with('.') || name.ends_with('.') || name.contains("..") {
        return Err(bad(&format!("Message attribute name '{name}' is invalid")));
    }
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("aws.") || lower.starts_with("amazon.") {
        return Err(bad(&format!("Message attribute name '{name}' is reserved")));
    }
    let base = v.data_type.split('.').next().unwrap_or("");
    match (base, v.data_type.as_str()) {
        (_, "String.Array") => {
            let s = v.string_value.as_deref().unwrap_or("");
            if !matches!(serde_json::from_str::<Value>(s), Ok(Value::Array(_))) {
                return Err(invalid_parameter(format!(
                    "Invalid parameter: MessageAttributes Reason: Message attribute '{name}' value is not a valid String.Array"
                )));
            }
        }
        ("String", _) | ("Number", _) => {
            let s = v.string_value.as_deref().filter(|s| !s.is_empty()).ok_or_else(|| {
                invalid_parameter(format!(
                    "Invalid parameter: MessageAttributes Reason: Message attribute '{name}' must contain non-empty message attribute value for message attribute type '{base}'."
                ))
            })?;
            if base == "Number" && s.trim().parse::<f64>().is_err() {
                return Err(invalid_parameter(format!(
                    "Invalid parameter: MessageAttributes Reason: Could not cast message attribute '{name}' value to number."
                )));
            }
        }
        ("Binary", _) => {
            if v.binary_value.as_ref().is_none_or(|b| b.is_empty()) {
                return Err(invalid_parameter(format!(
                    "Invalid parameter: MessageAttributes Reason: Message attribute '{name}' must contain non-empty message attribute value for message attribute type 'Binary'."
                )));
            }
        }
        _ => {
            return Err(invalid_parameter(format!(
                "Invalid parameter: MessageAttributes Reason: The message attribute '{name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."
            )))
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs1v15::VerifyingKey;
    use rsa::signature::Verifier;

    #[test]
    fn signatures_verify_with_the_served_key() {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        let key = rsa::PrivateKey::from_pkcs1_der(SIGNING_KEY).unwrap();
        let public = key.to_public_key();
        let fields = [("Message", "hi"), ("MessageId", "1"), ("Timestamp", "t"), ("TopicArn", "a"), ("Type", "Notification")];
        let sig = base64::engine::general_purpose::STANDARD.decode(sign("1", &fields)).unwrap();
        let sig = rsa::pkcs1v15::Signature::try_from(sig.as_slice()).unwrap();
        VerifyingKey::<sha1::Sha1>::new(public)
            .verify(b"Message\nhi\nMessageId\n1\nTimestamp\nt\nTopicArn\na\nType\nNotification\n", &sig)
            .unwrap();
    }

    #[test]
    fn iso_timestamps() {
        assert_eq!(iso(Timestamp { secs: 1335920046, nanos: 655_000_000 }), "2012-05-02T00:54:06.655Z");
    }
}

