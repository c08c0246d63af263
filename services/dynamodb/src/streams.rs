//! DynamoDB Streams' record keeping: each table with a stream specification
//! owns a stream (one shard) of change records, written in the same step
//! as the item change, so every write path (items, batches, transactions,
//! PartiQL, TTL) produces records. Records older than 24 hours are dropped.

use crate::attr::Item;
use crate::table::{Change, KeySchema};
use simfra_gen_dynamodb::types::StreamViewType;
use simfra_model::Timestamp;
use std::collections::VecDeque;

pub const RETENTION_SECS: i64 = 24 * 3600;

/// Who made a change, when it was not the caller (TTL: the service itself).
#[derive(Debug, Clone)]
pub struct UserIdentity {
    pub principal_id: String,
    pub kind: String,
}

impl UserIdentity {
    pub fn ttl() -> UserIdentity {
        UserIdentity { principal_id: "dynamodb.amazonaws.com".into(), kind: "Service".into() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventName {
    Insert,
    Modify,
    Remove,
}

#[derive(Debug, Clone)]
pub struct StreamRecord {
    pub sequence: u128,
    pub event_id: String,
    pub at: Timestamp,
    pub event: EventName,
    pub keys: Item,
    pub new_image: Option<Item>,
    pub old_image: Option<Item>,
    pub size: i64,
    pub identity: Option<UserIdentity>,
}

pub struct TableStream {
    pub arn: String,
    pub label: String,
    pub view_type: StreamViewType,
    pub created: Timestamp,
    pub shard_id: String,
    pub first_sequence: u128,
    pub next_sequence: u128,
    pub records: VecDeque<StreamRecord>,
    /// False once the specification is turned off: the stream stays
    /// readable but takes no new records.
    pub enabled: bool,
    /// Sequence numbers below this were dropped after 24 hours.
    pub trimmed_below: u128,
    pub region: String,
    pub table_name: String,
    pub key_schema: KeySchema,
}

/// Sequence numbers are decimal strings of 21 or more digits, increasing.
pub fn sequence_text(n: u128) -> String {
    format!("{n:021}")
}

impl TableStream {
    pub fn new(table_arn: &str, table_name: &str, region: &str, view_type: StreamViewType, key_schema: KeySchema) -> TableStream {
        let created = Timestamp::now();
        // AWS's stream label is the creation time in ISO 8601 with milliseconds.
        let label = crate::iso_millis(&created);
        let first = 100_000_000_000_000_000_000u128 + (created.as_millis() as u128 % 1_000_000_000) * 1_000_000_000;
        TableStream {
            arn: format!("{table_arn}/stream/{label}"),
            label,
            view_type,
            shard_id: format!("shardId-{:020}-{}", created.as_millis(), &crate::new_id()[..8]),
            created,
            first_sequence: first,
            next_sequence: first,
            records: VecDeque::new(),
            enabled: true,
            trimmed_below: first,
            region: region.to_string(),
            table_name: table_name.to_string(),
            key_schema,
        }
    }

    pub fn record(&mut self, schema: &KeySchema, change: Change, identity: Option<&UserIdentity>) {
        if !self.enabled {
            return;
        }
        let now = Timestamp::now();
        while self.records.front().is_some_and(|r| now.secs - r.at.secs > RETENTION_SECS) {
            if let Some(r) = self.records.pop_front() {
                self.trimmed_below = r.sequence + 1;
            }
        }
        let event = match (&change.old, &change.new) {
            (None, Some(_)) => EventName::Insert,
            (Some(_), Some(_)) => EventName::Modify,
            _ => EventName::Remove,
        };
        let Some(any) = change.new.as_ref().or(change.old.as_ref()) else { return };
        let keys = schema.key_attributes(any);
        let (new_image, old_image) = match self.view_type {
            StreamViewType::NewImage => (change.new, None),
            StreamViewType::OldImage => (None, change.old),
            StreamViewType::NewAndOldImages => (change.new, change.old),
            _ => (None, None),
        };
        let size = crate::attr::item_size(&keys) as i64
            + new_image.as_ref().map(|i| crate::attr::item_size(i) as i64).unwrap_or(0)
            + old_image.as_ref().map(|i| crate::attr::item_size(i) as i64).unwrap_or(0);
        let sequence = self.next_sequence;
        self.next_sequence += 100;
        self.records.push_back(StreamRecord {
            sequence,
            event_id: crate::new_id().replace('-', ""),
            at: now,
            event,
            keys,
            new_image,
            old_image,
            size,
            identity: identity.cloned(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use simfra_gen_dynamodb::types::{AttributeValue, ScalarAttributeType};

    fn schema() -> KeySchema {
        KeySchema { hash: ("pk".into(), ScalarAttributeType::S), range: None }
    }

    fn item(pk: &str) -> Item {
        [("pk".to_string(), AttributeValue::S(pk.into()))].into_iter().collect()
    }

    #[test]
    fn records_older_than_a_day_are_dropped_when_new_ones_arrive() {
        let mut s = TableStream::new("arn:aws:dynamodb:us-east-1:1:table/t", "t", "us-east-1", StreamViewType::KeysOnly, schema());
        s.record(&schema(), Change { old: None, new: Some(item("a")) }, None);
        s.records[0].at = Timestamp::from_secs(Timestamp::now().secs - RETENTION_SECS - 1);
        s.record(&schema(), Change { old: Some(item("a")), new: None }, Some(&UserIdentity::ttl()));
        assert_eq!(s.records.len(), 1);
        assert!(s.trimmed_below > s.first_sequence, "readers of the dropped record are told it was trimmed");
        let r = &s.records[0];
        assert_eq!(r.event, EventName::Remove);
        assert_eq!(r.identity.as_ref().map(|i| i.principal_id.as_str()), Some("dynamodb.amazonaws.com"));
        assert!(r.old_image.is_none() && r.new_image.is_none(), "KEYS_ONLY keeps no images");
    }

    #[test]
    fn sequence_numbers_increase_and_print_with_21_digits() {
        let mut s = TableStream::new("arn:aws:dynamodb:us-east-1:1:table/t", "t", "us-east-1", StreamViewType::NewImage, schema());
        s.record(&schema(), Change { old: None, new: Some(item("a")) }, None);
        s.record(&schema(), Change { old: Some(item("a")), new: Some(item("a")) }, None);
        assert!(s.records[0].sequence < s.records[1].sequence);
        assert!(sequence_text(s.records[0].sequence).len() >= 21);
        assert_eq!(s.records[1].event, EventName::Modify);
    }
}
