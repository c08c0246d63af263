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
            let c = if implemented.contains(&op.name) {
                Coverage::HandWritten
            } else {
                match plan {
                    Plan::Create { upsert: false, .. } => Coverage::Engine("create"),
                    Plan::Create { upsert: true, .. } => Coverage::Engine("put"),
                    Plan::Read { .. } => Coverage::Engine("read"),
                    Plan::List { .. } => Coverage::Engine("list"),
                    Plan::Update { .. } => Coverage::Engine("update"),
                    Plan::Delete { .. } => Coverage::Engine("delete"),
                    Plan::State { .. } => Coverage::Engine("state"),
                    Plan::BatchRead { .. } => Coverage::Engine("batch-read"),
                    Plan::BatchWrite { .. } => Coverage::Engine("batch-write"),
                    Plan::Copy { .. } => Coverage::Engine("copy"),
                    Plan::Retry { .. } => Coverage::Engine("retry"),
                    Plan::Published => Coverage::Engine("published"),
                    Plan::RequestOnly => Coverage::Engine("request"),
                    Plan::Absent { .. } => Coverage::Engine("absent"),
                    Plan::Tag | Plan::Untag | Plan::ListTags => Coverage::Engine("tags"),
                    Plan::Unserved(why) => Coverage::NotImplemented(why),
                }
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
                .filter_map(|(op, p)| {
                    let role = match *p {
                        Plan::Create { ty, upsert: false } if ty == i => "create",
                        Plan::Create { ty, upsert: true } if ty == i => "put",
                        Plan::Read { ty } if ty == i => "read",
                        Plan::List { ty } if ty == i => "list",
                        Plan::Update { ty } if ty == i => "update",
                        Plan::Delete { ty } if ty == i => "delete",
                        Plan::State { ty, .. } if ty == i => "state",
                        Plan::BatchRead { ty } if ty == i => "batch-read",
                        Plan::BatchWrite { ty, .. } if ty == i => "batch-write",
                        Plan::Copy { ty } if ty == i => "copy",
                        Plan::Retry { ty } if ty == i => "retry",
                        _ => return None,
                    };
                    (!implemented.contains(&op.name)).then_some((op.name, role))
                })
                .collect();
            (t.noun.clone(), t.created, ops)
        })
        .collect()
}
