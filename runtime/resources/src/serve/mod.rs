//! Carrying out a plan: reading the request by member names, finding and
//! writing records, and answering in the operation's output shape.

use crate::ids;
use crate::node::{from_value, key_value_members, to_value, Node};
use crate::plan::{BatchEach, Catalog, Plan, ResourceType};
use crate::store::{next_seq, with_records, Phase, Record, Records};
use crate::words::{is_control_member, is_identifier_name, is_noun_tail, is_token_member, names_itself, relative_name_with_heads, singulars, StateChange};
use base64::Engine as _;
use simfra_model::{Location, Operation, RequestContext, ServiceError, ServiceSchema, Shape, ShapeId, ShapeKind, Timestamp, Value};

mod answer;
mod batch;
mod requests;
mod errors;
mod lifecycle;
mod lists;
mod request;
mod tags;

use answer::*;
use batch::*;
use requests::*;
use errors::*;
use lifecycle::*;
use lists::*;
use request::*;
use tags::*;

/// Services whose resources belong to the account, not to a region.
const GLOBAL: &[&str] = &["iam", "route-53", "cloudfront", "organizations", "account"];

pub struct Call<'a> {
    pub schema: &'static ServiceSchema,
    pub catalog: &'a Catalog,
    pub ctx: &'a RequestContext,
    pub op: &'static Operation,
}

impl Call<'_> {
    fn region(&self) -> &str {
        if GLOBAL.contains(&self.schema.name) {
            simfra_store::GLOBAL
        } else {
            &self.ctx.region
        }
    }
    fn records<R>(&self, f: impl FnOnce(&mut Records) -> R) -> R {
        with_records(&self.ctx.account_id, self.region(), self.schema.name, f)
    }
    fn ty(&self, ty: usize) -> &ResourceType {
        &self.catalog.types[ty]
    }
    fn input_shape(&self) -> &'static Shape {
        self.schema.shape(self.op.input)
    }
}

pub fn serve(call: &Call, plan: Plan, input: &Value) -> Result<Value, ServiceError> {
    let node = from_value(call.schema, call.op.input, input);
    let mut answer = serve_plan(call, plan, node.clone())?;
    // Writes whose answer carries the status of the request they made record it.
    if !matches!(plan, Plan::Read { .. } | Plan::List { .. } | Plan::BatchRead { .. } | Plan::Absent { .. } | Plan::ListTags | Plan::Published) {
        record_request_statuses(call, &mut answer, &node);
    }
    Ok(answer)
}

fn serve_plan(call: &Call, plan: Plan, node: Node) -> Result<Value, ServiceError> {
    match plan {
        Plan::RequestOnly => {
            let mut v = Value::empty_struct();
            fill_required(call.schema, call.op.output, &mut v, 0);
            Ok(v)
        }
        Plan::Create { ty, upsert } => create(call, ty, upsert, node),
        Plan::Read { ty } => read(call, ty, &node),
        Plan::List { ty } => list(call, ty, &node),
        Plan::Update { ty } => update(call, ty, node),
        Plan::Delete { ty } => delete(call, ty, &node),
        Plan::State { ty, change } => state(call, ty, change, &node),
        Plan::BatchRead { ty } => batch_read(call, ty, &node),
        Plan::BatchWrite { ty, each } => batch_write(call, ty, each, node),
        Plan::Copy { ty } => copy(call, ty, node),
        Plan::Retry { ty } => retry(call, ty, &node),
        Plan::Published => {
            let text = crate::published::answer(call.schema.name, call.op.name).unwrap_or("{}");
            let mut json: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            fill_placeholders(call, &mut json);
            let mut v = to_value(call.schema, call.op.output, &crate::node::from_json(&json), "").unwrap_or_else(Value::empty_struct);
            fill_required(call.schema, call.op.output, &mut v, 0);
            Ok(v)
        }
        Plan::Absent { list } => absent(call, list, &node),
        Plan::Tag | Plan::Untag | Plan::ListTags => tags(call, plan, &node),
        Plan::Unserved(why) => Err(not_served(call.schema.name, call.op.name, why)),
    }
}

/// The time of a write, to the millisecond as AWS reports resource times.
pub(super) fn now() -> Timestamp {
    Timestamp::from_millis(Timestamp::now().as_millis())
}

pub fn not_served(service: &str, op: &str, why: &str) -> ServiceError {
    let mut e = ServiceError::not_implemented(service, op);
    e.message = Some(format!("The operation {op} of service {service} is not implemented by Simfra yet: it {why}"));
    e
}

/// Placeholders in a published answer: `"{count:AutoScalingGroup}"`, how
/// many records of that type the scope has; `"{caller}"`, the caller's ARN.
fn fill_placeholders(call: &Call, j: &mut serde_json::Value) {
    match j {
        serde_json::Value::String(s) if s == "{caller}" => {
            *s = call.ctx.principal_arn.clone().unwrap_or_else(|| format!("arn:aws:iam::{}:root", call.ctx.account_id));
        }
        serde_json::Value::String(s) => {
            if let Some(noun) = s.strip_prefix("{count:").and_then(|r| r.strip_suffix('}')) {
                let ty = call.catalog.types.iter().position(|t| t.noun == noun);
                let n = ty.map(|ty| call.records(|records| records.values().filter(|r| r.ty == ty).count())).unwrap_or(0);
                *j = serde_json::Value::from(n as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|i| fill_placeholders(call, i)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| fill_placeholders(call, v)),
        _ => {}
    }
}
