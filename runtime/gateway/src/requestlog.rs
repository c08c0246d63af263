//! The last requests the gateway served, for `GET /_simfra/debug/requests`.

use serde_json::{json, Value as Json};
use std::collections::VecDeque;
use std::sync::Mutex;

pub const CAPACITY: usize = 100;

#[derive(Debug, Clone)]
pub struct LoggedRequest {
    pub request_id: String,
    pub service: Option<&'static str>,
    pub operation: Option<&'static str>,
    pub protocol: &'static str,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub duration_ms: f64,
    pub account: String,
    pub region: String,
    pub error_code: Option<String>,
}

impl LoggedRequest {
    pub fn to_json(&self) -> Json {
        json!({
            "request_id": self.request_id,
            "service": self.service,
            "operation": self.operation,
            "protocol": self.protocol,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "duration_ms": self.duration_ms,
            "account": self.account,
            "region": self.region,
            "error_code": self.error_code,
        })
    }
}

#[derive(Default)]
pub struct RequestLog {
    entries: Mutex<VecDeque<LoggedRequest>>,
}

impl RequestLog {
    pub fn push(&self, entry: LoggedRequest) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() == CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    /// Oldest first.
    pub fn snapshot(&self) -> Vec<LoggedRequest> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).iter().cloned().collect()
    }
}
