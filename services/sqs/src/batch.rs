//! What all batch operations share: entry count and id rules, checked
//! before any entry is applied, and per-entry failures in AWS's form.

use crate::*;
use std::collections::HashSet;

const BATCH_MAX: usize = 10;

/// Checks a batch as a whole: 1 to 10 entries with distinct, well-formed ids.
pub fn check_shape<'a>(kind: &str, ids: impl Iterator<Item = &'a str> + Clone) -> Result<(), ServiceError> {
    let n = ids.clone().count();
    if n == 0 {
        return Err(EmptyBatchRequest {
            message: Some(format!("There should be at least one {kind} in the request.")),
        }
        .into());
    }
    if n > BATCH_MAX {
        return Err(TooManyEntriesInBatchRequest {
            message: Some(format!("Maximum number of entries per request are {BATCH_MAX}. You have sent {n}.")),
        }
        .into());
    }
    let mut seen = HashSet::new();
    for id in ids {
        if id.is_empty() || id.len() > 80 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(InvalidBatchEntryId {
                message: Some(
                    "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long."
                        .into(),
                ),
            }
            .into());
        }
        if !seen.insert(id) {
            return Err(BatchEntryIdsNotDistinct { message: Some(format!("Id {id} repeated.")) }.into());
        }
    }
    Ok(())
}

pub fn failure(id: &str, e: ServiceError) -> BatchResultErrorEntry {
    BatchResultErrorEntry { id: id.to_string(), sender_fault: e.status < 500, code: e.code.clone(), message: e.message }
}
