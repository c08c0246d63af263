//! The model's own errors for what the engine finds: not found, already
//! exists, each the operation's modeled shape where it has one.

use super::*;

/// The operation's modeled error whose name reads like `wanted` (not found,
/// already exists), preferring one that names the resource.
pub(super) fn modeled_error(call: &Call, noun: &str, wanted: &[&str]) -> Option<ShapeId> {
    let candidates = call.op.errors.iter().chain(call.schema.errors.iter()).copied();
    let mut best: Option<(u8, ShapeId)> = None;
    for id in candidates {
        let name = call.schema.shape(id).name;
        if !wanted.iter().any(|w| name.contains(w)) {
            continue;
        }
        let score = if name.starts_with(noun) { 3 } else if name.starts_with("Resource") { 2 } else { 1 };
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, id));
        }
    }
    best.map(|(_, id)| id)
}

pub(super) fn error_with_message(call: &Call, shape: ShapeId, message: String) -> ServiceError {
    let s = call.schema.shape(shape);
    let mut fields = Vec::new();
    if let Some(i) = s.members.iter().position(|m| m.name.eq_ignore_ascii_case("message")) {
        fields.push((i as u16, Value::String(message.clone())));
    }
    let mut e = ServiceError::from_shape(call.schema, shape, Value::Struct(fields));
    e.message.get_or_insert(message);
    e
}

/// `DBCluster` → `DB cluster`, for messages.
pub(super) fn words(noun: &str) -> String {
    let k = crate::words::kebab(noun).replace('-', " ");
    let mut c = k.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => k,
    }
}

pub(super) fn not_found(call: &Call, noun: &str, what: &str) -> ServiceError {
    let message = format!("{} {what} not found", words(noun));
    // Services without a not-found error answer with their invalid-request one (X-Ray's GetGroup).
    let modeled = modeled_error(call, noun, &["NotFound", "NoSuch", "DoesNotExist", "NotExist", "NonExist", "Unknown"])
        .or_else(|| modeled_error(call, noun, GENERIC_CLIENT_ERRORS));
    match modeled {
        Some(id) => error_with_message(call, id, message),
        None => ServiceError::new("ResourceNotFoundException", 404, message),
    }
}

/// A service's catch-all client errors, for answers it models no error of its own for.
pub(super) const GENERIC_CLIENT_ERRORS: &[&str] = &["InvalidRequest", "BadRequest", "ClientException", "InvalidParameter", "InvalidInput", "Validation"];

/// Names of errors that say a resource exists already.
pub(super) const ALREADY_EXISTS: &[&str] = &["AlreadyExist", "Exists", "Duplicate", "Conflict", "InUse"];

pub(super) fn already_exists(call: &Call, noun: &str, what: &str) -> ServiceError {
    let message = format!("{} {what} already exists", words(noun));
    // Services without an already-exists error answer with their generic
    // client error (AWS Batch's `ClientException`, X-Ray's `InvalidRequestException`).
    // Failing those, the operation's own fault for a bad request about the
    // resource (Redshift's `CustomCnameAssociationFault`).
    let modeled = modeled_error(call, noun, ALREADY_EXISTS)
        .or_else(|| modeled_error(call, noun, GENERIC_CLIENT_ERRORS))
        .or_else(|| own_fault(call, noun));
    match modeled {
        Some(id) => error_with_message(call, id, message),
        None => ServiceError::new("ResourceAlreadyExistsException", 409, message),
    }
}

/// A client error of the operation that names its resource and is not about
/// something missing, a limit, throttling or access.
fn own_fault(call: &Call, noun: &str) -> Option<ShapeId> {
    const OTHER: &[&str] = &["NotFound", "NoSuch", "Limit", "Quota", "Throttl", "Access", "Unsupported", "Unauthorized", "Internal", "Service"];
    let last_word = crate::words::noun_tails(noun).last().unwrap_or(noun).to_string();
    call.op.errors.iter().copied().find(|id| {
        let s = call.schema.shape(*id);
        s.flags & simfra_model::shape_flags::ERROR_CLIENT != 0 && !OTHER.iter().any(|o| s.name.contains(o)) && s.name.contains(last_word.as_str())
    })
}
