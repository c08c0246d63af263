//! What SNS would have sent out of the cloud — email, SMS and mobile push —
//! goes to Simfra's shared inbox (`simfra-inbox`, read at
//! `GET /_simfra/inbox`), with the topic, subscription and confirmation
//! link alongside. Also serves the certificate of SNS's signing key.

use serde_json::{Map, Value};

pub struct Letter<'a> {
    pub channel: &'a str,
    pub destination: &'a str,
    pub subject: Option<&'a str>,
    pub body: &'a str,
    pub topic_arn: Option<&'a str>,
    pub subscription_arn: Option<&'a str>,
    pub message_id: &'a str,
    /// The confirmation link of a SubscriptionConfirmation email.
    pub subscribe_url: Option<&'a str>,
}

pub fn deliver(letter: Letter) {
    let mut extra = Map::new();
    for (k, v) in [("TopicArn", letter.topic_arn), ("SubscriptionArn", letter.subscription_arn), ("SubscribeURL", letter.subscribe_url)] {
        if let Some(v) = v {
            extra.insert(k.into(), Value::String(v.to_string()));
        }
    }
    simfra_inbox::deliver(
        simfra_inbox::Letter {
            channel: letter.channel.into(),
            service: "sns".into(),
            source: None,
            destination: letter.destination.into(),
            subject: letter.subject.map(str::to_string),
            body: letter.body.into(),
            message_id: letter.message_id.into(),
            extra,
        },
    );
}

fn certificate(_query: &str) -> (&'static str, Vec<u8>) {
    ("application/x-pem-file", crate::message::SIGNING_CERT.as_bytes().to_vec())
}

pub fn register_pages() {
    simfra_store::pages::register(crate::message::SIGNING_CERT_PATH, certificate);
}
