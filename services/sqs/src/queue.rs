//! One queue's messages and the rules that move them between states:
//! delayed → visible → in flight (invisible) → visible again or deleted, with
//! expiry after the retention period and moves to a dead-letter queue after
//! `maxReceiveCount` receives.
//!
//! Standard queues keep a `ready` list of messages believed visible and a
//! heap of messages that become visible at an instant; entries that no longer
//! match the message (deleted, received again, visibility changed) are
//! skipped when met, so every operation costs O(log n) rather than a scan.
//! FIFO queues keep one ordered list per message group: a group whose first
//! message is in flight is locked, so messages of a group are delivered
//! strictly in order and one batch at a time.

use crate::digest::md5_of_attributes;
use simfra_gen_sqs::types::{Message, MessageAttributeValue, MessageSystemAttributeValue};
use simfra_model::Timestamp;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, VecDeque};
use std::time::{Duration, Instant};

/// How long FIFO deduplication ids and receive request attempt ids are remembered.
pub const DEDUP_WINDOW: Duration = Duration::from_secs(300);

/// The longest a received message can stay invisible, counted from its first receive.
pub const MAX_INVISIBLE: Duration = Duration::from_secs(43_200);

pub struct StoredMessage {
    pub id: String,
    pub body: String,
    pub md5_of_body: String,
    pub attributes: HashMap<String, MessageAttributeValue>,
    pub system_attributes: HashMap<String, MessageSystemAttributeValue>,
    pub sent: Timestamp,
    /// When the message entered its first queue (retention counts from here).
    pub enqueued_at: Instant,
    /// Not deliverable before this instant (delay or visibility timeout).
    pub visible_at: Instant,
    pub receive_count: u32,
    pub first_received: Option<Timestamp>,
    /// Bumped on every receive: a receipt handle names one generation.
    pub generation: u32,
    pub group_id: Option<String>,
    pub dedup_id: Option<String>,
    pub sequence_number: Option<String>,
    pub sender_id: String,
    pub dead_letter_source_arn: Option<String>,
}

/// A message on its way into a queue (from SendMessage, SNS, a redrive).
pub struct NewMessage {
    pub id: String,
    pub body: String,
    pub attributes: HashMap<String, MessageAttributeValue>,
    pub system_attributes: HashMap<String, MessageSystemAttributeValue>,
    pub delay: Duration,
    pub group_id: Option<String>,
    pub dedup_id: Option<String>,
    pub sender_id: String,
    pub sent: Timestamp,
    pub enqueued_at: Instant,
    pub dead_letter_source_arn: Option<String>,
}

/// What happened to a message handed to `Queue::push`.
pub struct Accepted {
    pub message_id: String,
    pub sequence_number: Option<String>,
}

/// Which system attributes a receiver asked for, and which user attributes.
#[derive(Default, Clone)]
pub struct ReceiveFilter {
    pub system: Vec<String>,
    pub user: Vec<String>,
}

impl ReceiveFilter {
    fn wants_system(&self, name: &str) -> bool {
        self.system.iter().any(|s| s == "All" || s == name)
    }
    fn wants_user(&self, name: &str) -> bool {
        self.user.iter().any(|w| {
            w == "All" || w == ".*" || w == name || w.strip_suffix(".*").is_some_and(|p| name.starts_with(p) && name[p.len()..].starts_with('.'))
        })
    }
}

pub struct Queue {
    pub name: String,
    pub arn: String,
    /// Distinguishes this queue from an earlier one of the same name in receipt handles.
    pub incarnation: String,
    pub created: Timestamp,
    pub modified: Timestamp,
    pub attributes: BTreeMap<String, String>,
    pub tags: HashMap<String, String>,
    pub fifo: bool,
    messages: HashMap<u64, StoredMessage>,
    next_seq: u64,
    ready: VecDeque<u64>,
    timed: BinaryHeap<Reverse<(Instant, u64)>>,
    groups: HashMap<String, VecDeque<u64>>,
    group_order: VecDeque<String>,
    by_age: VecDeque<(Instant, u64)>,
    dedup: HashMap<String, (Instant, Accepted)>,
    dedup_order: VecDeque<(Instant, String)>,
    pub last_purge: Option<Instant>,
    attempts: HashMap<String, Attempt>,
    attempts_order: VecDeque<(Instant, String)>,
}

/// A FIFO receive remembered by its ReceiveRequestAttemptId: when, which
/// (message, receive generation) pairs it took, and the answer given.
type Attempt = (Instant, Vec<(u64, u32)>, Vec<Message>);

/// A message taken out of a queue to go to its dead-letter queue.
pub struct DeadLetter {
    pub target_arn: String,
    pub message: NewMessage,
}

impl Queue {
    pub fn new(name: String, arn: String, attributes: BTreeMap<String, String>, tags: HashMap<String, String>) -> Self {
        let now = Timestamp::now();
        Queue {
            fifo: name.ends_with(".fifo"),
            name,
            arn,
            incarnation: crate::random_hex(4),
            created: now,
            modified: now,
            attributes,
            tags,
            messages: HashMap::new(),
            next_seq: 1,
            ready: VecDeque::new(),
            timed: BinaryHeap::new(),
            groups: HashMap::new(),
            group_order: VecDeque::new(),
            by_age: VecDeque::new(),
            dedup: HashMap::new(),
            dedup_order: VecDeque::new(),
            last_purge: None,
            attempts: HashMap::new(),
            attempts_order: VecDeque::new(),
        }
    }

    pub fn attr_i64(&self, name: &str, default: i64) -> i64 {
        self.attributes.get(name).and_then(|v| v.parse().ok()).unwrap_or(default)
    }

    fn attr_is(&self, name: &str, value: &str) -> bool {
        self.attributes.get(name).is_some_and(|v| v == value)
    }

    pub fn content_based_dedup(&self) -> bool {
        self.attr_is("ContentBasedDeduplication", "true")
    }

    pub fn redrive_policy(&self) -> Option<crate::attributes::RedrivePolicy> {
        self.attributes.get("RedrivePolicy").and_then(|p| crate::attributes::parse_redrive_policy(p).ok())
    }

    /// Drops messages past the retention period and forgets old deduplication ids.
    pub fn expire(&mut self, now: Instant) {
        let retention = Duration::from_secs(self.attr_i64("MessageRetentionPeriod", 345_600).max(0) as u64);
        while let Some(&(at, seq)) = self.by_age.front() {
            if !self.messages.contains_key(&seq) {
                self.by_age.pop_front();
            } else if at + retention <= now {
                self.by_age.pop_front();
                self.messages.remove(&seq);
            } else {
                break;
            }
        }
        while let Some((at, _)) = self.dedup_order.front() {
            if *at + DEDUP_WINDOW > now {
                break;
            }
            if let Some((_, key)) = self.dedup_order.pop_front() {
                if self.dedup.get(&key).is_some_and(|(t, _)| *t + DEDUP_WINDOW <= now) {
                    self.dedup.remove(&key);
                }
            }
        }
        while self.attempts_order.front().is_some_and(|(t, _)| *t + DEDUP_WINDOW <= now) {
            if let Some((_, id)) = self.attempts_order.pop_front() {
                if self.attempts.get(&id).is_some_and(|(t, _, _)| *t + DEDUP_WINDOW <= now) {
                    self.attempts.remove(&id);
                }
            }
        }
    }

    /// Adds a message; a FIFO duplicate within the deduplication window is
    /// accepted without being enqueued again, answering the original's id.
    pub fn push(&mut self, m: NewMessage) -> Accepted {
        let now = Instant::now();
        let dedup_key = m.dedup_id.as_ref().map(|d| {
            if self.attr_is("DeduplicationScope", "messageGroup") {
                format!("{}\u{0}{d}", m.group_id.as_deref().unwrap_or(""))
            } else {
                d.clone()
            }
        });
        if let Some(key) = &dedup_key {
            if let Some((at, first)) = self.dedup.get(key) {
                if *at + DEDUP_WINDOW > now {
                    return Accepted { message_id: first.message_id.clone(), sequence_number: first.sequence_number.clone() };
                }
            }
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        let sequence_number = self.fifo.then(|| (18_000_000_000_000_000_000u128 + seq as u128).to_string());
        let visible_at = now + m.delay;
        if let Some(key) = dedup_key {
            self.dedup.insert(
                key.clone(),
                (now, Accepted { message_id: m.id.clone(), sequence_number: sequence_number.clone() }),
            );
            self.dedup_order.push_back((now, key));
        }
        if self.fifo {
            let group = m.group_id.clone().unwrap_or_default();
            let list = self.groups.entry(group.clone()).or_default();
            if list.is_empty() {
                self.group_order.push_back(group);
            }
            list.push_back(seq);
        } else if m.delay.is_zero() {
            self.ready.push_back(seq);
        } else {
            self.timed.push(Reverse((visible_at, seq)));
        }
        self.by_age.push_back((m.enqueued_at, seq));
        let accepted = Accepted { message_id: m.id.clone(), sequence_number: sequence_number.clone() };
        self.messages.insert(
            seq,
            StoredMessage {
                md5_of_body: crate::digest::md5_hex(m.body.as_bytes()),
                id: m.id,
                body: m.body,
                attributes: m.attributes,
                system_attributes: m.system_attributes,
                sent: m.sent,
                enqueued_at: m.enqueued_at,
                visible_at,
                receive_count: 0,
                first_received: None,
                generation: 0,
                group_id: m.group_id,
                dedup_id: m.dedup_id,
                sequence_number,
                sender_id: m.sender_id,
                dead_letter_source_arn: m.dead_letter_source_arn,
            },
        );
        accepted
    }

    /// The next messages to deliver, in delivery order, without taking them.
    fn candidates(&mut self, now: Instant, max: usize) -> Vec<u64> {
        let mut out = Vec::new();
        if self.fifo {
            let mut emptied = Vec::new();
            for group in self.group_order.iter() {
                if out.len() >= max {
                    break;
                }
                let Some(list) = self.groups.get_mut(group) else { continue };
                while list.front().is_some_and(|s| !self.messages.contains_key(s)) {
                    list.pop_front();
                }
                if list.is_empty() {
                    emptied.push(group.clone());
                    continue;
                }
                for seq in list.iter() {
                    if out.len() >= max {
                        break;
                    }
                    match self.messages.get(seq) {
                        Some(m) if m.visible_at <= now => out.push(*seq),
                        // Deleted out of order: skip it.
                        None => continue,
                        // In flight or delayed: the rest of the group waits.
                        Some(_) => break,
                    }
                }
            }
            for g in emptied {
                self.groups.remove(&g);
                self.group_order.retain(|x| x != &g);
            }
            return out;
        }
        while let Some(Reverse((at, seq))) = self.timed.peek().copied() {
            if at > now {
                break;
            }
            self.timed.pop();
            if self.messages.get(&seq).is_some_and(|m| m.visible_at == at) {
                self.ready.push_back(seq);
            }
        }
        while out.len() < max {
            let Some(seq) = self.ready.pop_front() else { break };
            if self.messages.get(&seq).is_some_and(|m| m.visible_at <= now) && !out.contains(&seq) {
                out.push(seq);
            }
        }
        out
    }

    /// Receives up to `max` messages, making them invisible for `visibility`.
    /// Messages received `maxReceiveCount` times already go to the returned
    /// dead-letter list instead.
    pub fn receive(&mut self, max: usize, visibility: Duration, filter: &ReceiveFilter, attempt: Option<&str>) -> (Vec<Message>, Vec<DeadLetter>) {
        let now = Instant::now();
        self.expire(now);
        if let Some(attempt) = attempt {
            if let Some((_, taken, answer)) = self.attempts.get(attempt) {
                let unchanged = taken.iter().all(|(seq, gen)| {
                    self.messages.get(seq).is_some_and(|m| m.generation == *gen && m.visible_at > now)
                });
                if unchanged && !taken.is_empty() {
                    return (answer.clone(), Vec::new());
                }
            }
        }
        let redrive = self.redrive_policy();
        let mut out = Vec::new();
        let mut taken = Vec::new();
        let mut dead = Vec::new();
        // Messages moved to the DLQ free their slot, so look again until full or empty.
        loop {
            let want = max - out.len();
            let picks = self.candidates(now, want);
            if picks.is_empty() {
                break;
            }
            let mut moved_any = false;
            for seq in picks {
                if let Some(policy) = &redrive {
                    if self.messages.get(&seq).is_some_and(|m| m.receive_count >= policy.max_receive_count) {
                        if let Some(m) = self.messages.remove(&seq) {
                            moved_any = true;
                            dead.push(DeadLetter { target_arn: policy.dead_letter_target_arn.clone(), message: self.to_dead_letter(m) });
                        }
                        continue;
                    }
                }
                let Some(m) = self.messages.get_mut(&seq) else { continue };
                m.receive_count += 1;
                m.generation += 1;
                m.first_received.get_or_insert_with(Timestamp::now);
                m.visible_at = now + visibility;
                let handle = receipt_handle(&self.incarnation, seq, m.generation);
                taken.push((seq, m.generation));
                out.push(deliverable(m, handle, filter));
                if visibility.is_zero() {
                    if !self.fifo {
                        self.ready.push_back(seq);
                    }
                } else if !self.fifo {
                    self.timed.push(Reverse((m.visible_at, seq)));
                }
            }
            if !moved_any || out.len() >= max {
                break;
            }
        }
        if let Some(attempt) = attempt {
            self.attempts.insert(attempt.to_string(), (now, taken, out.clone()));
            self.attempts_order.push_back((now, attempt.to_string()));
        }
        (out, dead)
    }

    fn to_dead_letter(&self, m: StoredMessage) -> NewMessage {
        NewMessage {
            id: m.id,
            body: m.body,
            attributes: m.attributes,
            system_attributes: m.system_attributes,
            delay: Duration::ZERO,
            group_id: m.group_id,
            dedup_id: None,
            sender_id: m.sender_id,
            sent: m.sent,
            enqueued_at: m.enqueued_at,
            dead_letter_source_arn: Some(self.arn.clone()),
        }
    }

    /// Resolves a receipt handle of this queue to its message, if the handle
    /// is well-formed and names this queue. `Ok(None)`: the message is gone.
    fn resolve(&self, handle: &str) -> Result<Option<(u64, u32)>, ()> {
        let (incarnation, seq, generation) = parse_receipt_handle(handle).ok_or(())?;
        if incarnation != self.incarnation {
            return Err(());
        }
        Ok(self.messages.contains_key(&seq).then_some((seq, generation)))
    }

    /// Deletes the message a receipt handle names. A handle from before the
    /// message's latest receive deletes nothing and still succeeds, as on AWS.
    pub fn delete(&mut self, handle: &str) -> Result<(), ()> {
        if let Some((seq, generation)) = self.resolve(handle)? {
            if self.messages.get(&seq).is_some_and(|m| m.generation == generation) {
                self.messages.remove(&seq);
            }
        }
        Ok(())
    }

    /// Sets a received message's remaining invisibility.
    pub fn change_visibility(&mut self, handle: &str, timeout: Duration) -> Result<(), VisibilityError> {
        let now = Instant::now();
        let (seq, generation) = self.resolve(handle).map_err(|_| VisibilityError::BadHandle)?.ok_or(VisibilityError::Gone)?;
        let fifo = self.fifo;
        let m = self.messages.get_mut(&seq).ok_or(VisibilityError::Gone)?;
        if m.generation != generation {
            return Err(VisibilityError::Gone);
        }
        if m.receive_count == 0 || m.visible_at <= now {
            return Err(VisibilityError::NotInFlight);
        }
        // A message stays invisible at most 12 hours from its first receive.
        let since_first_ms = m.first_received.map_or(0, |t| (Timestamp::now().as_millis() - t.as_millis()).max(0) as u128);
        if since_first_ms + timeout.as_millis() > MAX_INVISIBLE.as_millis() {
            return Err(VisibilityError::TooLong(timeout.as_secs()));
        }
        m.visible_at = now + timeout;
        if !fifo {
            if timeout.is_zero() {
                self.ready.push_back(seq);
            } else {
                self.timed.push(Reverse((m.visible_at, seq)));
            }
        }
        Ok(())
    }

    pub fn purge(&mut self) {
        self.messages.clear();
        self.ready.clear();
        self.timed.clear();
        self.groups.clear();
        self.group_order.clear();
        self.by_age.clear();
        self.attempts.clear();
        self.attempts_order.clear();
    }

    /// (visible, in flight, delayed): the ApproximateNumberOfMessages* figures.
    pub fn counts(&mut self) -> (usize, usize, usize) {
        let now = Instant::now();
        self.expire(now);
        let (mut visible, mut in_flight, mut delayed) = (0, 0, 0);
        for m in self.messages.values() {
            if m.visible_at <= now {
                visible += 1;
            } else if m.receive_count > 0 {
                in_flight += 1;
            } else {
                delayed += 1;
            }
        }
        (visible, in_flight, delayed)
    }

    /// Takes up to `max` visible messages out of the queue (message move tasks).
    pub fn take_for_move(&mut self, max: usize) -> Vec<StoredMessage> {
        let now = Instant::now();
        self.expire(now);
        let mut out = Vec::new();
        while out.len() < max {
            let picks = self.candidates(now, max - out.len());
            if picks.is_empty() {
                break;
            }
            for seq in picks {
                if let Some(m) = self.messages.remove(&seq) {
                    out.push(m);
                }
            }
        }
        out
    }
}

pub enum VisibilityError {
    BadHandle,
    Gone,
    NotInFlight,
    /// The requested timeout (seconds) would pass the 12-hour limit.
    TooLong(u64),
}

/// The answer form of a stored message, with only the attributes asked for.
fn deliverable(m: &StoredMessage, handle: String, filter: &ReceiveFilter) -> Message {
    let mut attributes = HashMap::new();
    let mut put = |name: &str, value: Option<String>| {
        if let Some(v) = value {
            if filter.wants_system(name) {
                attributes.insert(name.to_string(), v);
            }
        }
    };
    put("SenderId", Some(m.sender_id.clone()));
    put("SentTimestamp", Some(m.sent.as_millis().to_string()));
    put("ApproximateReceiveCount", Some(m.receive_count.to_string()));
    put("ApproximateFirstReceiveTimestamp", m.first_received.map(|t| t.as_millis().to_string()));
    put("MessageGroupId", m.group_id.clone());
    put("MessageDeduplicationId", m.dedup_id.clone());
    put("SequenceNumber", m.sequence_number.clone());
    put("DeadLetterQueueSourceArn", m.dead_letter_source_arn.clone());
    put("AWSTraceHeader", m.system_attributes.get("AWSTraceHeader").and_then(|v| v.string_value.clone()));
    let user: HashMap<String, MessageAttributeValue> =
        m.attributes.iter().filter(|(k, _)| filter.wants_user(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    Message {
        message_id: Some(m.id.clone()),
        receipt_handle: Some(handle),
        md5_of_body: Some(m.md5_of_body.clone()),
        body: Some(m.body.clone()),
        attributes: (!attributes.is_empty()).then_some(attributes),
        md5_of_message_attributes: md5_of_attributes(&user),
        message_attributes: (!user.is_empty()).then_some(user),
    }
}

const HANDLE_PREFIX: &str = "AQEB";

/// An opaque receipt handle naming the queue incarnation, the message and its receive.
fn receipt_handle(incarnation: &str, seq: u64, generation: u32) -> String {
    format!("{HANDLE_PREFIX}{incarnation}{seq:016x}{generation:08x}{}", crate::random_hex(24))
}

fn parse_receipt_handle(handle: &str) -> Option<(&str, u64, u32)> {
    let rest = handle.strip_prefix(HANDLE_PREFIX)?;
    if rest.len() != 8 + 16 + 8 + 48 || !rest.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let seq = u64::from_str_radix(&rest[8..24], 16).ok()?;
    let generation = u32::from_str_radix(&rest[24..32], 16).ok()?;
    Some((&rest[..8], seq, generation))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(body: &str, group: Option<&str>) -> NewMessage {
        NewMessage {
            id: crate::uuid(),
            body: body.into(),
            attributes: HashMap::new(),
            system_attributes: HashMap::new(),
            delay: Duration::ZERO,
            group_id: group.map(str::to_string),
            dedup_id: None,
            sender_id: "x".into(),
            sent: Timestamp::now(),
            enqueued_at: Instant::now(),
            dead_letter_source_arn: None,
        }
    }

    #[test]
    fn fifo_group_is_locked_while_its_head_is_in_flight() {
        let mut q = Queue::new("q.fifo".into(), "arn".into(), crate::attributes::defaults(true), HashMap::new());
        for b in ["a1", "a2"] {
            q.push(msg(b, Some("a")));
        }
        q.push(msg("b1", Some("b")));
        let f = ReceiveFilter::default();
        let (first, _) = q.receive(1, Duration::from_secs(30), &f, None);
        assert_eq!(first[0].body.as_deref(), Some("a1"));
        let (second, _) = q.receive(10, Duration::from_secs(30), &f, None);
        let bodies: Vec<_> = second.iter().filter_map(|m| m.body.clone()).collect();
        assert_eq!(bodies, vec!["b1"]);
        q.delete(first[0].receipt_handle.as_deref().unwrap()).unwrap();
        let (third, _) = q.receive(10, Duration::from_secs(30), &f, None);
        assert_eq!(third[0].body.as_deref(), Some("a2"));
    }

    #[test]
    fn messages_expire_after_the_retention_period() {
        let mut attrs = crate::attributes::defaults(false);
        attrs.insert("MessageRetentionPeriod".into(), "60".into());
        let mut q = Queue::new("q".into(), "arn".into(), attrs, HashMap::new());
        let mut old = msg("old", None);
        old.enqueued_at = Instant::now() - Duration::from_secs(61);
        q.push(old);
        q.push(msg("new", None));
        assert_eq!(q.counts(), (1, 0, 0));
        let (got, _) = q.receive(10, Duration::from_secs(30), &ReceiveFilter::default(), None);
        assert_eq!(got.iter().filter_map(|m| m.body.clone()).collect::<Vec<_>>(), vec!["new"]);
    }

    #[test]
    fn dead_letters_leave_after_max_receives() {
        let mut attrs = crate::attributes::defaults(false);
        attrs.insert("RedrivePolicy".into(), r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":1}"#.into());
        let mut q = Queue::new("q".into(), "arn:aws:sqs:us-east-1:000000000000:q".into(), attrs, HashMap::new());
        q.push(msg("poison", None));
        let f = ReceiveFilter::default();
        let (first, dead) = q.receive(1, Duration::ZERO, &f, None);
        assert_eq!((first.len(), dead.len()), (1, 0));
        let (second, dead) = q.receive(1, Duration::ZERO, &f, None);
        assert!(second.is_empty());
        assert_eq!(dead.len(), 1);
        assert_eq!(dead[0].message.dead_letter_source_arn.as_deref(), Some("arn:aws:sqs:us-east-1:000000000000:q"));
    }

    #[test]
    fn handles_round_trip_and_reject_garbage() {
        let h = receipt_handle("0a0b0c0d", 42, 7);
        assert_eq!(parse_receipt_handle(&h), Some(("0a0b0c0d", 42, 7)));
        assert!(parse_receipt_handle("nonsense").is_none());
    }
}
