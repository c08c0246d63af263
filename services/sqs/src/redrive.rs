//! Dead-letter queues: checking a RedrivePolicy against the queues of the
//! region (the target exists, has the same type and its RedriveAllowPolicy
//! admits the source), and settling the dead letters a receive produced.

use crate::attributes::{parse_redrive_allow_policy, parse_redrive_policy};
use crate::validate::invalid_parameter;
use crate::*;

/// Checks a RedrivePolicy against the queues of the region: the target must
/// exist, be of the same type, and allow this source.
pub fn check_target(queues: &BTreeMap<String, Queue>, source_arn: &str, fifo: bool, policy: &str) -> Result<(), ServiceError> {
    if policy.is_empty() {
        return Ok(());
    }
    let p = parse_redrive_policy(policy)?;
    let bad = |reason: &str| invalid_parameter(format!("Value {policy} for parameter RedrivePolicy is invalid. Reason: {reason}"));
    let target_name = p.dead_letter_target_arn.rsplit(':').next().unwrap_or("");
    let target = queues
        .get(target_name)
        .filter(|t| t.arn == p.dead_letter_target_arn)
        .ok_or_else(|| bad("Dead letter target does not exist."))?;
    if target.fifo != fifo {
        return Err(bad("Dead-letter queue must be same type of queue as the source."));
    }
    if let Some(allow) = target.attributes.get("RedriveAllowPolicy").and_then(|p| parse_redrive_allow_policy(p).ok()) {
        if !allow.allows(source_arn) {
            return Err(bad(&format!("Queue {source_arn} is not allowed to be a source queue for dead-letter queue {}.", target.arn)));
        }
    }
    Ok(())
}

/// Moves dead letters a receive produced into their dead-letter queues.
pub fn settle(queues: &mut BTreeMap<String, Queue>, source: &str, dead: Vec<queue::DeadLetter>) {
    for d in dead {
        let target = d.target_arn.rsplit(':').next().unwrap_or("").to_string();
        match queues.get_mut(&target) {
            Some(t) if t.arn == d.target_arn => {
                t.push(d.message);
            }
            // The DLQ is gone: the message stays where it was.
            _ => {
                if let Some(s) = queues.get_mut(source) {
                    s.push(queue::NewMessage { dead_letter_source_arn: None, ..d.message });
                }
            }
        }
    }
}
