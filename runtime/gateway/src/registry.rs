//! The services the gateway serves, indexed by every name a request can carry.

use simfra_model::{Protocol, ServiceSchema, SharedHandler};
use std::collections::HashMap;

pub struct ServiceEntry {
    pub schema: &'static ServiceSchema,
    pub handler: SharedHandler,
    /// `A`, `B` or `C` (depth of Simfra's implementation).
    pub tier: &'static str,
    pub docker: bool,
    /// Indexes of operations with an `@http` binding, most specific pattern first.
    pub rest_routes: Vec<usize>,
}

#[derive(Default)]
pub struct Registry {
    pub services: Vec<ServiceEntry>,
    by_name: HashMap<&'static str, usize>,
    /// Service shape name: the awsJson `X-Amz-Target` prefix and rpcv2 `/service/{name}`.
    by_shape_name: HashMap<&'static str, usize>,
    by_signing_name: HashMap<&'static str, Vec<usize>>,
    by_endpoint_prefix: HashMap<&'static str, Vec<usize>>,
}

impl Registry {
    pub fn new() -> Self {
        Registry::default()
    }

    /// Adds a service; a later registration of the same name replaces the earlier one.
    pub fn register(&mut self, schema: &'static ServiceSchema, handler: SharedHandler, tier: &'static str, docker: bool) {
        let mut rest_routes: Vec<usize> =
            schema.operations.iter().enumerate().filter(|(_, op)| op.http.is_some()).map(|(i, _)| i).collect();
        rest_routes.sort_by_key(|&i| std::cmp::Reverse(simfra_protocols::rest::specificity(schema.operations[i].http.as_ref().unwrap())));
        let entry = ServiceEntry { schema, handler, tier, docker, rest_routes };
        if let Some(&i) = self.by_name.get(schema.name) {
            self.services[i] = entry;
            return;
        }
        let i = self.services.len();
        self.services.push(entry);
        self.by_name.insert(schema.name, i);
        self.by_shape_name.insert(schema.shape_name, i);
        self.by_signing_name.entry(schema.signing_name).or_default().push(i);
        self.by_endpoint_prefix.entry(schema.endpoint_prefix).or_default().push(i);
    }

    pub fn by_name(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }
    pub fn by_shape_name(&self, name: &str) -> Option<usize> {
        self.by_shape_name.get(name).copied()
    }
    pub fn by_signing_name(&self, name: &str) -> &[usize] {
        self.by_signing_name.get(name).map(Vec::as_slice).unwrap_or(&[])
    }
    pub fn by_endpoint_prefix(&self, prefix: &str) -> &[usize] {
        self.by_endpoint_prefix.get(prefix).map(Vec::as_slice).unwrap_or(&[])
    }
    pub fn protocol(&self, i: usize) -> Protocol {
        self.services[i].schema.protocol
    }
}
