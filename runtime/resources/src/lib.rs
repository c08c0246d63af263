//! The resource engine: every operation that no hand-written service serves
//! is served from the Smithy model. Operation names say what happens
//! (`Create`, `Describe`, `List`, `Update`, `Delete`, `Tag` …) and to which
//! resource type (the noun); members say which resource (identifiers, URI
//! labels) and what it holds. Records keep the request's fields and get
//! AWS-format ids, ARNs, timestamps and status fields; answers are the
//! operation's output shape filled from them by member name.
//!
//! Hand-written services keep their operations: `with_engine` wraps a
//! service's handler and sends only the rest here. Operations whose answer
//! would have to be computed (or software run) stay "not implemented" with
//! the reason, and `coverage` says which are which.

mod ids;
mod node;
mod plan;
mod published;
mod serve;
mod store;
mod words;

pub use plan::{Catalog, Plan};
pub use store::{record, retag, tagged, RecordView, TaggedResource};

use simfra_model::{BoxFuture, RequestContext, ServiceError, ServiceHandler, ServiceSchema, SharedHandler, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// A service's handler with the engine behind it.
struct WithEngine {
    inner: SharedHandler,
    catalog: Arc<Catalog>,
    /// Per operation: whether the hand-written handler serves it.
    hand_written: Vec<bool>,
}

/// Wraps a service's handler (hand-written or the generated all-"not
/// implemented" one) so that the engine serves what it does not.
pub fn with_engine(inner: SharedHandler) -> SharedHandler {
    let schema = inner.schema();
    let implemented = inner.implemented();
    let hand_written = schema.operations.iter().map(|o| implemented.contains(&o.name)).collect();
    Arc::new(WithEngine { catalog: catalog(schema, implemented), inner, hand_written })
}

fn catalogs() -> &'static Mutex<HashMap<&'static str, Arc<Catalog>>> {
    static CATALOGS: OnceLock<Mutex<HashMap<&'static str, Arc<Catalog>>>> = OnceLock::new();
    CATALOGS.get_or_init(Default::default)
}

/// The engine's reading of a service (computed once per service).
pub fn catalog(schema: &'static ServiceSchema, implemented: &[&str]) -> Arc<Catalog> {
    let mut all = catalogs().lock().unwrap_or_else(|e| e.into_inner());
    all.entry(schema.name).or_insert_with(|| Arc::new(Catalog::build(schema, implemented))).clone()
}

/// A service's catalog, if the engine has read it (every registered service has).
fn catalog_of(service: &str) -> Option<Arc<Catalog>> {
    catalogs().lock().unwrap_or_else(|e| e.into_inner()).get(service).cloned()
}

impl ServiceHandler for WithEngine {
    fn schema(&self) -> &'static ServiceSchema {
        self.inner.schema()
    }
    fn implemented(&self) -> &'static [&'static str] {
        self.inner.implemented()
    }
    fn call<'a>(&'a self, ctx: &'a RequestContext, op: usize, input: Value) -> BoxFuture<'a, Result<Value, ServiceError>> {
        if self.hand_written.get(op).copied().unwrap_or(true) {
            return self.inner.call(ctx, op, input);
        }
        Box::pin(async move {
            let schema = self.inner.schema();
            let call = serve::Call { schema, catalog: &self.catalog, ctx, op: &schema.operations[op] };
            serve::serve(&call, self.catalog.plans[op], &input)
        })
    }
}

/// Who serves an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coverage {
    HandWritten,
    /// The engine, with what it does (`create`, `read`, `list` …).
    Engine(&'static str),
    /// Nobody, and why.
    NotImplemented(&'static str),
}

/// Per operation of a service, who serves it.
pub fn coverage(schema: &'static ServiceSchema, implemented: &[&str]) -> Vec<(&'static str, Coverage)> {
    let cat = catalog(schema, implemented);
    schema
        .operations
        .iter()
        .zip(cat.plans.iter())
        .map(|(op, plan)| {
            let c = match (implemented.contains(&op.name), plan) {
                (true, _) => Coverage::HandWritten,
                (false, Plan::Unserved(why)) => Coverage::NotImplemented(why),
                (false, p) => Coverage::Engine(p.role().unwrap_or("engine")),
            };
            (op.name, c)
        })
        .collect()
}

/// The resource types the engine recognizes in a service, with the
/// operations that act on each (for tests and `/_simfra/services`).
pub fn resource_types(schema: &'static ServiceSchema, implemented: &[&str]) -> Vec<(String, bool, Vec<(&'static str, &'static str)>)> {
    let cat = catalog(schema, implemented);
    cat.types
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let ops = schema
                .operations
                .iter()
                .zip(cat.plans.iter())
                .filter(|(op, p)| p.resource_type() == Some(i) && !implemented.contains(&op.name))
                .filter_map(|(op, p)| p.role().map(|role| (op.name, role)))
                .collect();
            (t.noun.clone(), t.created, ops)
        })
        .collect()
}
