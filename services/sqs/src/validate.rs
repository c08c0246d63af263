//! Validation of what senders put in a message: body characters, size,
//! delay, message attributes and system attributes, with AWS's sentences.

use simfra_gen_sqs::types::{MessageAttributeValue, MessageSystemAttributeValue};
use simfra_model::ServiceError;
use std::collections::HashMap;

pub fn invalid_parameter(message: impl Into<String>) -> ServiceError {
    ServiceError::new("InvalidParameterValue", 400, message)
}

pub fn missing_parameter(name: &str) -> ServiceError {
    ServiceError::new("MissingParameter", 400, format!("The request must contain the parameter {name}."))
}

/// The characters SQS accepts in bodies and string attribute values.
fn allowed_char(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{A}' | '\u{D}' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

pub fn check_body(body: &str) -> Result<(), ServiceError> {
    if body.is_empty() {
        return Err(missing_parameter("MessageBody"));
    }
    if let Some(c) = body.chars().find(|c| !allowed_char(*c)) {
        return Err(ServiceError::new(
            "InvalidMessageContents",
            400,
            format!(
                "Invalid binary character '#x{:X}' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
                c as u32
            ),
        ));
    }
    Ok(())
}

pub fn check_delay(delay: i32) -> Result<(), ServiceError> {
    if !(0..=900).contains(&delay) {
        return Err(invalid_parameter(format!(
            "Value {delay} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900."
        )));
    }
    Ok(())
}

fn valid_attribute_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !name.is_empty()
        && name.len() <= 256
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
        && !name.starts_with('.')
        && !name.ends_with('.')
        && !name.contains("..")
        && !lower.starts_with("aws.")
        && !lower.starts_with("amazon.")
}

fn check_value(kind: &str, name: &str, data_type: &str, string: Option<&str>, binary: Option<&[u8]>) -> Result<(), ServiceError> {
    let base = data_type.split('.').next().unwrap_or("");
    if !matches!(base, "String" | "Number" | "Binary") || data_type.len() > 256 {
        return Err(invalid_parameter(format!(
            "The type of message ({kind}) attribute '{name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String."
        )));
    }
    let empty = |t: &str| {
        invalid_parameter(format!("Message ({kind}) attribute '{name}' must contain a non-empty value of message attribute type '{t}'."))
    };
    match base {
        "Binary" => {
            if binary.is_none_or(|b| b.is_empty()) {
                return Err(empty("Binary"));
            }
        }
        _ => {
            let s = string.filter(|s| !s.is_empty()).ok_or_else(|| empty(base))?;
            if base == "Number" && s.trim().parse::<f64>().is_err() {
                return Err(invalid_parameter(format!("Can't cast the value of message ({kind}) attribute '{name}' to a number.")));
            }
            if s.chars().any(|c| !allowed_char(c)) {
                return Err(ServiceError::new(
                    "InvalidMessageContents",
                    400,
                    format!("Invalid character in the value of message ({kind}) attribute '{name}'."),
                ));
            }
        }
    }
    Ok(())
}

/// User message attributes: at most 10, valid names, types and values.
/// Returns their size as SQS counts it toward the message size limit.
pub fn check_attributes(attrs: &HashMap<String, MessageAttributeValue>) -> Result<usize, ServiceError> {
    if attrs.len() > 10 {
        return Err(invalid_parameter(format!(
            "Number of message attributes [{}] exceeds the allowed maximum [10].",
            attrs.len()
        )));
    }
    let mut size = 0;
    for (name, v) in attrs {
        if !valid_attribute_name(name) {
            return Err(invalid_parameter(format!("Message (user) attribute name '{name}' is invalid.")));
        }
        check_value("user", name, &v.data_type, v.string_value.as_deref(), v.binary_value.as_deref())?;
        size += name.len()
            + v.data_type.len()
            + v.string_value.as_ref().map_or(0, |s| s.len())
            + v.binary_value.as_ref().map_or(0, |b| b.len());
    }
    Ok(size)
}

/// System attributes on sends: only `AWSTraceHeader`, a String.
pub fn check_system_attributes(attrs: &HashMap<String, MessageSystemAttributeValue>) -> Result<(), ServiceError> {
    for (name, v) in attrs {
        if name != "AWSTraceHeader" {
            return Err(invalid_parameter(format!("Message system attribute name '{name}' is invalid.")));
        }
        if v.data_type != "String" {
            return Err(invalid_parameter(format!(
                "The type of message (system) attribute '{name}' is invalid. You must use only the following supported type: String."
            )));
        }
        check_value("system", name, &v.data_type, v.string_value.as_deref(), v.binary_value.as_deref())?;
    }
    Ok(())
}

/// FIFO ids (group and deduplication): 1 to 128 characters, alphanumeric or punctuation.
pub fn check_fifo_id(parameter: &str, value: &str) -> Result<(), ServiceError> {
    if value.is_empty() || value.len() > 128 || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(invalid_parameter(format!(
            "Value {value} for parameter {parameter} is invalid. Reason: {parameter} can only include alphanumeric and punctuation characters. 1 to 128 in length."
        )));
    }
    Ok(())
}
