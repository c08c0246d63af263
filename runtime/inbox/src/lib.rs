//! The inbox: messages Simfra's services would have sent out of the cloud
//! (SES email, SNS email and SMS), kept so that tests and developers can read
//! them at `GET /_simfra/inbox`. One inbox for every service, oldest first,
//! the newest `KEEP` kept; `?Channel=`, `?Destination=` and `?Source=` narrow it.

use serde_json::{json, Map, Value};
use std::collections::VecDeque;
use std::sync::Mutex;

const KEEP: usize = 10_000;

static INBOX: Mutex<VecDeque<Value>> = Mutex::new(VecDeque::new());

/// One delivered message.
#[derive(Debug, Clone, Default)]
pub struct Letter {
    /// `email`, `sms`, `push` …
    pub channel: String,
    /// The service that sent it (`ses`, `sns`).
    pub service: String,
    pub source: Option<String>,
    pub destination: String,
    pub subject: Option<String>,
    pub body: String,
    pub message_id: String,
    /// Anything else the sender records (`TopicArn`, `Html`, `Raw` …).
    pub extra: Map<String, Value>,
}

/// Puts a message in the inbox, stamped with the time it arrived.
pub fn deliver(letter: Letter) {
    let now = simfra_model::Timestamp::now();
    let (y, mo, d, h, mi, s) = simfra_model::calendar::utc_parts(now.secs);
    let timestamp = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:03}Z", now.nanos / 1_000_000);
    let mut entry = json!({
        "Channel": letter.channel,
        "Service": letter.service,
        "Source": letter.source,
        "Destination": letter.destination,
        "Subject": letter.subject,
        "Body": letter.body,
        "MessageId": letter.message_id,
        "Timestamp": timestamp,
    });
    if let Value::Object(map) = &mut entry {
        map.extend(letter.extra);
    }
    let mut inbox = INBOX.lock().unwrap_or_else(|e| e.into_inner());
    if inbox.len() >= KEEP {
        inbox.pop_front();
    }
    inbox.push_back(entry);
}

/// The messages delivered under one message id (one per recipient).
pub fn by_message_id(message_id: &str) -> Vec<Value> {
    let inbox = INBOX.lock().unwrap_or_else(|e| e.into_inner());
    inbox.iter().filter(|m| m.get("MessageId").and_then(Value::as_str) == Some(message_id)).cloned().collect()
}

/// The inbox as `/_simfra/inbox` answers it, narrowed by the query's
/// `Channel`, `Destination`, `Source` and `Service`.
pub fn render(query: &str) -> Value {
    let params = simfra_protocols::http::parse_query(query);
    let wanted = |name: &str| params.iter().find(|p| p.key == name).map(|p| p.value.clone());
    let filters: Vec<(&str, String)> =
        ["Channel", "Destination", "Source", "Service"].into_iter().filter_map(|k| wanted(k).map(|v| (k, v))).collect();
    let inbox = INBOX.lock().unwrap_or_else(|e| e.into_inner());
    let messages: Vec<Value> = inbox
        .iter()
        .filter(|m| filters.iter().all(|(k, v)| m.get(*k).and_then(Value::as_str) == Some(v.as_str())))
        .cloned()
        .collect();
    json!({ "Messages": messages })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_by_channel_and_destination() {
        let letter = |dest: &str| Letter { channel: "email".into(), service: "ses".into(), destination: dest.into(), body: "hi".into(), message_id: "m".into(), ..Default::default() };
        deliver(letter("inbox-test-a@example.com"));
        deliver(letter("inbox-test-b@example.com"));
        let only_a = render("Destination=inbox-test-a%40example.com&Channel=email");
        assert_eq!(only_a["Messages"].as_array().map(Vec::len), Some(1));
        assert_eq!(only_a["Messages"][0]["Body"], "hi");
    }
}
