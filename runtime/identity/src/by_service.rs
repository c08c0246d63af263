//! Functions services register for their own ARNs (`arn:aws:<service>:…`):
//! how IAM asks a service about its resources without a handle on it.

use std::collections::HashMap;
use std::sync::RwLock;

/// One function per ARN service name.
pub(crate) struct ByArnService<F: Copy>(RwLock<Option<HashMap<&'static str, F>>>);

impl<F: Copy> ByArnService<F> {
    pub const fn new() -> Self {
        ByArnService(RwLock::new(None))
    }

    pub fn register(&self, arn_service: &'static str, f: F) {
        self.0.write().unwrap_or_else(|p| p.into_inner()).get_or_insert_with(HashMap::new).insert(arn_service, f);
    }

    /// The function registered for the service an ARN names, if any.
    pub fn for_arn(&self, arn: &str) -> Option<F> {
        let service = arn.strip_prefix("arn:")?.split(':').nth(1)?;
        self.0.read().unwrap_or_else(|p| p.into_inner()).as_ref()?.get(service).copied()
    }
}
