//! Carrying out a plan: reading the request by member names, finding and
//! writing records, and answering in the operation's output shape.

use crate::ids;
use crate::node::{from_value, key_value_members, to_value, Node};
use crate::plan::{Catalog, Plan, ResourceType};
use crate::store::{next_seq, with_records, Phase, Record, Records};
use crate::words::{is_control_member, is_identifier_name, is_noun_tail, is_token_member, names_itself, relative_name_with_heads, singulars, StateChange};
use base64::Engine as _;
use simfra_model::{Location, Operation, RequestContext, ServiceError, ServiceSchema, Shape, ShapeId, ShapeKind, Timestamp, Value};

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
    match plan {
        Plan::Create { ty, upsert } => create(call, ty, upsert, node),
        Plan::Read { ty } => read(call, ty, &node),
        Plan::List { ty } => list(call, ty, &node),
        Plan::Update { ty } => update(call, ty, node),
        Plan::Delete { ty } => delete(call, ty, &node),
        Plan::State { ty, change } => state(call, ty, change, &node),
        Plan::BatchRead { ty } => batch_read(call, ty, &node),
        Plan::Absent { list } => absent(call, list, &node),
        Plan::Tag | Plan::Untag | Plan::ListTags => tags(call, plan, &node),
        Plan::Unserved(why) => Err(not_served(call.schema.name, call.op.name, why)),
    }
}

/// The time of a write, to the millisecond as AWS reports resource times.
fn now() -> Timestamp {
    Timestamp::from_millis(Timestamp::now().as_millis())
}

pub fn not_served(service: &str, op: &str, why: &str) -> ServiceError {
    let mut e = ServiceError::not_implemented(service, op);
    e.message = Some(format!("The operation {op} of service {service} is not implemented by Simfra yet: it {why}"));
    e
}

// ------------------------------------------------------------------ errors

/// The operation's modeled error whose name reads like `wanted` (not found,
/// already exists), preferring one that names the resource.
fn modeled_error(call: &Call, noun: &str, wanted: &[&str]) -> Option<ShapeId> {
    let candidates = call.op.errors.iter().chain(call.schema.errors.iter()).copied();
    let mut best: Option<(u8, ShapeId)> = None;
    for id in candidates {
        let name = call.schema.shape(id).name;
        if !wanted.iter().any(|w| name.contains(w)) {
            continue;
        }
        let score = if name.starts_with(noun) { 3 } else if name.starts_with("Resource") { 2 } else { 1 };
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, id));
        }
    }
    best.map(|(_, id)| id)
}

fn error_with_message(call: &Call, shape: ShapeId, message: String) -> ServiceError {
    let s = call.schema.shape(shape);
    let mut fields = Vec::new();
    if let Some(i) = s.members.iter().position(|m| m.name.eq_ignore_ascii_case("message")) {
        fields.push((i as u16, Value::String(message.clone())));
    }
    let mut e = ServiceError::from_shape(call.schema, shape, Value::Struct(fields));
    e.message.get_or_insert(message);
    e
}

/// `DBCluster` → `DB cluster`, for messages.
fn words(noun: &str) -> String {
    let k = crate::words::kebab(noun).replace('-', " ");
    let mut c = k.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => k,
    }
}

fn not_found(call: &Call, noun: &str, what: &str) -> ServiceError {
    let message = format!("{} {what} not found", words(noun));
    // Services without a not-found error answer with their invalid-request one (X-Ray's GetGroup).
    let modeled = modeled_error(call, noun, &["NotFound", "NoSuch", "DoesNotExist", "NotExist", "NonExist", "Unknown"])
        .or_else(|| modeled_error(call, noun, GENERIC_CLIENT_ERRORS));
    match modeled {
        Some(id) => error_with_message(call, id, message),
        None => ServiceError::new("ResourceNotFoundException", 404, message),
    }
}

/// A service's catch-all client errors, for answers it models no error of its own for.
const GENERIC_CLIENT_ERRORS: &[&str] = &["InvalidRequest", "BadRequest", "ClientException", "InvalidParameter", "InvalidInput", "Validation"];

/// Names of errors that say a resource exists already.
const ALREADY_EXISTS: &[&str] = &["AlreadyExist", "Exists", "Duplicate", "Conflict", "InUse"];

fn already_exists(call: &Call, noun: &str, what: &str) -> ServiceError {
    let message = format!("{} {what} already exists", words(noun));
    // Services without an already-exists error answer with their generic
    // client error (AWS Batch's `ClientException`, X-Ray's `InvalidRequestException`).
    let modeled = modeled_error(call, noun, ALREADY_EXISTS).or_else(|| modeled_error(call, noun, GENERIC_CLIENT_ERRORS));
    match modeled {
        Some(id) => error_with_message(call, id, message),
        None => ServiceError::new("ResourceAlreadyExistsException", 409, message),
    }
}

// ------------------------------------------------------------------ reading requests

/// How strictly a request's members pick out a resource.
#[derive(Clone, Copy, PartialEq)]
enum Pick {
    /// Reads, deletes, state changes: every required member must agree with
    /// the record (a read naming a different `Scope` finds nothing).
    Strict,
    /// Updates and creates: only identifiers (the rest are new values).
    Identifiers,
}

/// The input members that say which resource(s) a request means: URI labels,
/// identifier-like members, members naming the resource itself (`WorkGroup`)
/// and, when strict, every other required scalar. Numbers count as their text.
fn identifiers(call: &Call, node: &Node, noun: &str, pick: Pick) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for m in call.input_shape().members {
        if is_control_member(m.name) || is_token_member(m.name) || call.op.paginated.is_some_and(|p| p.input_token == Some(m.name)) {
            continue;
        }
        let v = match node.get(m.name, "") {
            Some(Node::Scalar(Value::String(s))) => s.clone(),
            Some(Node::Scalar(Value::Int(i))) => i.to_string(),
            _ => continue,
        };
        let identifying = m.location == Location::Label || is_identifier_name(m.name) || call.catalog.names_itself(m.name, noun);
        if identifying || (pick == Pick::Strict && m.is_required()) {
            out.push((m.name, v));
        }
    }
    out
}

/// Plural identifier filters (`FileSystemIds: [..]`, `Names: [..]`).
fn identifier_lists(call: &Call, node: &Node) -> Vec<(&'static str, Vec<String>)> {
    let mut out = Vec::new();
    for m in call.input_shape().members {
        if !is_identifier_name(m.name) || !m.name.ends_with('s') {
            continue;
        }
        if let Some(Node::List(items)) = node.get(m.name, "") {
            let vs: Vec<String> = items.iter().filter_map(Node::as_str).map(str::to_string).collect();
            if !vs.is_empty() {
                out.push((m.name, vs));
            }
        }
    }
    out
}

/// A record field's value as text (strings and numbers), for matching.
fn field_text(rec: &Record, member: &str, noun: &str) -> Option<String> {
    match rec.fields.get(member, noun)? {
        Node::Scalar(Value::String(s)) => Some(s.clone()),
        Node::Scalar(Value::Int(i)) => Some(i.to_string()),
        _ => None,
    }
}

/// Whether a record is the one (or among those) the request's identifiers name.
fn matches(rec: &Record, noun: &str, ids: &[(&str, String)], lists: &[(&str, Vec<String>)]) -> bool {
    let one = |member: &str, v: &str| -> Option<bool> {
        match field_text(rec, member, noun) {
            Some(f) if f == v => Some(true),
            // `FunctionName` given as an ARN: any of the record's names will do.
            Some(_) => Some(rec.is_named(v)),
            None if names_itself(member, noun) => Some(rec.is_named(v)),
            // A member the record does not have and that does not name it: not a filter here.
            None => None,
        }
    };
    ids.iter().all(|(m, v)| one(m, v).unwrap_or(true))
        && lists.iter().all(|(m, vs)| {
            let singular = m.trim_end_matches('s');
            vs.iter().any(|v| one(singular, v).unwrap_or(true))
        })
}

/// The identifiers the caller gave, for messages.
fn describe_ids(ids: &[(&str, String)]) -> String {
    ids.iter().rev().find(|(m, _)| is_identifier_name(m)).or(ids.last()).map(|(_, v)| format!("'{v}'")).unwrap_or_default()
}

fn find<'r>(records: &'r mut Records, ty: usize, noun: &str, ids: &[(&str, String)]) -> Option<(u64, &'r mut Record)> {
    records.iter_mut().find(|(_, r)| r.ty == ty && matches(r, noun, ids, &[])).map(|(k, r)| (*k, r))
}

fn strip_controls(node: &mut Node) {
    if let Node::Struct(fields) = node {
        fields.retain(|(k, _)| !is_control_member(k));
    }
}

/// Tags from a `Tags`/`TagList`/`tags` member, in either form.
fn tag_pairs(n: &Node) -> Vec<(String, String)> {
    match n {
        Node::Map(entries) => entries.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string())).collect(),
        Node::List(items) => items
            .iter()
            .filter_map(|item| {
                let fields = item.fields();
                let key = fields.iter().find(|(k, _)| k.to_ascii_lowercase().ends_with("key"))?.1.as_str()?;
                let value = fields.iter().find(|(k, _)| k.to_ascii_lowercase().ends_with("value")).and_then(|(_, v)| v.as_str());
                Some((key.to_string(), value.unwrap_or("").to_string()))
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn is_tags_member(name: &str) -> bool {
    matches!(name.to_ascii_lowercase().as_str(), "tags" | "taglist" | "tagset" | "resourcetags" | "tagstoadd")
}

fn merge_tags(into: &mut Vec<(String, String)>, new: Vec<(String, String)>) {
    for (k, v) in new {
        match into.iter_mut().find(|(x, _)| *x == k) {
            Some(slot) => slot.1 = v,
            None => into.push((k, v)),
        }
    }
}

// ------------------------------------------------------------------ operations

fn create(call: &Call, ty: usize, upsert: bool, mut node: Node) -> Result<Value, ServiceError> {
    let t = call.ty(ty).clone();
    let noun = t.noun.as_str();
    let client_token = crate::words::TOKEN_MEMBERS.iter().find_map(|k| node.get(k, "").and_then(Node::as_str).map(str::to_string));
    strip_controls(&mut node);
    flatten_input(&mut node, noun);
    let mut tags = Vec::new();
    if let Node::Struct(fields) = &mut node {
        if let Some(pos) = fields.iter().position(|(k, _)| is_tags_member(k)) {
            tags = tag_pairs(&fields.remove(pos).1);
        }
    }
    // The name the caller gives it (`Name`, `ClusterName`, `PoolName`, the
    // noun alone as S3's `Bucket`, else the member its reads address it by)
    // and an id, given or generated.
    let relative = |want: &[&str]| {
        node.fields().iter().find_map(|(k, v)| {
            let rel = relative_name_with_heads(&k.to_ascii_lowercase(), noun, |h| call.catalog.is_type(h));
            (want.contains(&rel.as_str()) && !is_token_member(k)).then(|| v.as_str().map(str::to_string)).flatten()
        })
    };
    let name = relative(&["name"])
        .or_else(|| relative(&["identifier"]))
        .or_else(|| relative(&[""]))
        .or_else(|| t.key_member.and_then(|k| node.get(k, "").and_then(Node::as_str).map(str::to_string)));
    let id = relative(&["id"]).unwrap_or_else(|| ids::identifier(&prefix(noun), t.id_pattern, t.id_length));
    // Identifiers of other things: the parents a node group names (its cluster).
    let ids_given: Vec<(&str, String)> =
        identifiers(call, &node, noun, Pick::Identifiers).into_iter().filter(|(m, _)| !names_itself(m, noun)).collect();
    let parents = check_parents(call, ty, &ids_given)?;
    let region = call.region().to_string();
    let mut path = parents;
    path.push(if t.arn_uses_id { id.clone() } else { name.clone().unwrap_or_else(|| id.clone()) });
    let mut arn = format!(
        "arn:aws:{}:{}:{}:{}{}{}",
        call.schema.arn_namespace,
        region,
        call.ctx.account_id,
        t.arn_type,
        t.arn_separator,
        path.join("/")
    );
    // Where the model constrains the ARN (SSO's `arn:aws:sso:::instance/ssoins-…`), honour it.
    if let Some(p) = t.arn_pattern {
        if !simfra_protocols::validate::regex_matches(p, &arn) {
            if let Some(generated) = ids::from_pattern(p).filter(|g| simfra_protocols::validate::regex_matches(p, g)) {
                arn = generated;
            }
        }
    }
    // Runs are never duplicates. Other resources are unique where something
    // addresses them by name (their reads or deletes), by a caller-given id,
    // or where the model has an error for the duplicate; resources addressed
    // by a generated id or ARN may share names (AppConfig applications).
    let id_given = relative(&["id"]).is_some();
    let unique = !t.run && (upsert || t.named_address || id_given || modeled_error(call, noun, ALREADY_EXISTS).is_some());
    let now = now();
    let result = call.records(|records| {
        if let Some(token) = &client_token {
            if let Some(r) = records.values().find(|r| r.ty == ty && r.client_token.as_ref() == Some(token)) {
                return Ok(r.clone());
            }
        }
        // The same resource: same name under the same parents; for writes
        // of settings, the same identifying members.
        let same = records.iter().find(|(_, r)| {
            unique
                && r.ty == ty
                && (r.name == name || (id_given && r.id == id))
                && ids_given.iter().all(|(m, v)| field_text(r, m, noun).is_none_or(|f| f == *v))
                && (name.is_some() || id_given || (upsert && (!ids_given.is_empty() || !t.created)))
        });
        if let Some((&seq, existing)) = same {
            if !upsert {
                return Err(already_exists(call, noun, &format!("'{}'", name.clone().unwrap_or_else(|| existing.id.clone()))));
            }
            let mut r = existing.clone();
            r.fields = node.clone();
            merge_tags(&mut r.tags, tags.clone());
            r.updated = now;
            records.insert(seq, r.clone());
            return Ok(r);
        }
        let r = Record {
            ty,
            fields: node.clone(),
            name: name.clone(),
            id: id.clone(),
            arn: arn.clone(),
            tags: tags.clone(),
            created: now,
            updated: now,
            phase: if t.run {
                Phase::NotRun
            } else if t.created {
                Phase::Creating
            } else {
                Phase::Active
            },
            client_token: client_token.clone(),
        };
        records.insert(next_seq(), r.clone());
        Ok(r)
    })?;
    let out = answer(call, ty, &result, result.phase);
    // Later reads see it settled, as a waiter polling after creation would.
    call.records(|records| {
        if let Some(r) = records.values_mut().find(|r| r.id == result.id && r.ty == ty) {
            if r.phase == Phase::Creating {
                r.phase = Phase::Active;
            }
        }
    });
    Ok(out)
}

/// `CreateDatabase { DatabaseInput: { Name, … } }`: the resource's fields come
/// wrapped in a structure named for it; they are the resource's own fields.
fn flatten_input(node: &mut Node, noun: &str) {
    const WRAPPERS: &[&str] = &["input", "definition", "configuration", "config", "spec", "details", "endpointconfig"];
    let noun_l = noun.to_ascii_lowercase();
    let wrapped: Vec<Node> = node
        .fields()
        .iter()
        .filter(|(k, v)| {
            let k = k.to_ascii_lowercase();
            matches!(v, Node::Struct(_))
                && (WRAPPERS.contains(&k.as_str())
                    // `GrokClassifier` for a `Classifier`
                    || k.ends_with(&noun_l)
                    || crate::words::noun_tails(noun).any(|tail| {
                        k.strip_prefix(&tail.to_ascii_lowercase()).is_some_and(|rest| rest.is_empty() || WRAPPERS.contains(&rest))
                    }))
        })
        .map(|(_, v)| v.clone())
        .collect();
    for inner in wrapped {
        for (k, v) in inner.fields() {
            if node.get(k, "").is_none() {
                node.set(k, v.clone());
            }
        }
    }
}

/// The id prefix of a noun without a modeled pattern: its initials (`FileSystem` → `fs`).
fn prefix(noun: &str) -> String {
    let initials: String = noun.chars().filter(|c| c.is_ascii_uppercase()).collect::<String>().to_ascii_lowercase();
    if initials.is_empty() {
        noun.chars().take(3).collect::<String>().to_ascii_lowercase()
    } else {
        initials
    }
}

/// Checks that the parents a create names exist; answers their names.
fn check_parents(call: &Call, ty: usize, ids_given: &[(&str, String)]) -> Result<Vec<String>, ServiceError> {
    let mut names = Vec::new();
    for (member, value) in ids_given {
        for (pty, p) in call.catalog.types.iter().enumerate() {
            if pty == ty || !p.created || p.run || !p.engine_owned || !names_itself(member, &p.noun) || member.eq_ignore_ascii_case("name") {
                continue;
            }
            if !member.to_ascii_lowercase().starts_with(&p.noun.to_ascii_lowercase()) {
                continue;
            }
            let parent = call.records(|records| records.values().find(|r| r.ty == pty && r.is_named(value)).map(|r| r.name.clone().unwrap_or_else(|| r.id.clone())));
            match parent {
                Some(n) => names.push(n),
                None => return Err(not_found(call, &p.noun, &format!("'{value}'"))),
            }
        }
    }
    Ok(names)
}

fn read(call: &Call, ty: usize, node: &Node) -> Result<Value, ServiceError> {
    let t = call.ty(ty);
    let ids = identifiers(call, node, &t.noun, Pick::Strict);
    let found = call.records(|records| {
        if ids.is_empty() {
            records.values().find(|r| r.ty == ty).cloned()
        } else {
            find(records, ty, &t.noun, &ids).map(|(_, r)| r.clone())
        }
    });
    match found {
        Some(r) => Ok(answer(call, ty, &r, r.phase)),
        // A setting never written reads as its defaults.
        None if ids.is_empty() && !t.created => Ok(default_value(call.schema, call.op.output, 0)),
        None => Err(not_found(call, &t.noun, &describe_ids(&ids))),
    }
}

fn update(call: &Call, ty: usize, mut node: Node) -> Result<Value, ServiceError> {
    let t = call.ty(ty).clone();
    strip_controls(&mut node);
    flatten_input(&mut node, &t.noun);
    let mut new_tags = None;
    if let Node::Struct(fields) = &mut node {
        if let Some(pos) = fields.iter().position(|(k, _)| is_tags_member(k)) {
            new_tags = Some(tag_pairs(&fields.remove(pos).1));
        }
    }
    let ids = identifiers(call, &node, &t.noun, Pick::Identifiers);
    let updated = call.records(|records| {
        let hit = if ids.is_empty() { records.iter_mut().find(|(_, r)| r.ty == ty).map(|(k, r)| (*k, r)) } else { find(records, ty, &t.noun, &ids) };
        match hit {
            Some((_, r)) => {
                r.fields.merge(node.clone());
                if let Some(tags) = new_tags.clone() {
                    merge_tags(&mut r.tags, tags);
                }
                r.updated = now();
                Some(r.clone())
            }
            None => None,
        }
    });
    match updated {
        Some(r) => Ok(answer(call, ty, &r, r.phase)),
        // Settings exist from the first write.
        None if !t.created => create(call, ty, true, node),
        None => Err(not_found(call, &t.noun, &describe_ids(&ids))),
    }
}

fn delete(call: &Call, ty: usize, node: &Node) -> Result<Value, ServiceError> {
    let t = call.ty(ty);
    let ids = identifiers(call, node, &t.noun, Pick::Strict);
    let removed = call.records(|records| {
        let key = if ids.is_empty() { records.iter().find(|(_, r)| r.ty == ty).map(|(k, _)| *k) } else { find(records, ty, &t.noun, &ids).map(|(k, _)| k) };
        key.and_then(|k| records.remove(&k))
    });
    match removed {
        Some(r) => Ok(answer(call, ty, &r, Phase::Deleting)),
        None => Err(not_found(call, &t.noun, &describe_ids(&ids))),
    }
}

fn state(call: &Call, ty: usize, change: StateChange, node: &Node) -> Result<Value, ServiceError> {
    let t = call.ty(ty).clone();
    let ids = identifiers(call, node, &t.noun, Pick::Strict);
    let phase = match change {
        StateChange::Start | StateChange::Enable | StateChange::Reboot => Phase::Active,
        StateChange::Stop => Phase::Stopped,
        StateChange::Disable => Phase::Disabled,
        StateChange::Cancel => Phase::Cancelled,
    };
    let changed = call.records(|records| {
        let hit = if ids.is_empty() { records.iter_mut().find(|(_, r)| r.ty == ty).map(|(k, r)| (*k, r)) } else { find(records, ty, &t.noun, &ids) };
        hit.map(|(_, r)| {
            r.phase = phase;
            r.updated = now();
            r.clone()
        })
    });
    match changed {
        Some(r) => Ok(answer(call, ty, &r, r.phase)),
        // Enabling a setting writes it.
        None if !t.created => {
            let v = create(call, ty, true, node.clone())?;
            call.records(|records| {
                if let Some(r) = records.values_mut().rev().find(|r| r.ty == ty) {
                    r.phase = phase;
                }
            });
            Ok(v)
        }
        None => Err(not_found(call, &t.noun, &describe_ids(&ids))),
    }
}

fn list(call: &Call, ty: usize, node: &Node) -> Result<Value, ServiceError> {
    let t = call.ty(ty).clone();
    let noun = t.noun.as_str();
    let ids = identifiers(call, node, noun, Pick::Identifiers);
    let lists = identifier_lists(call, node);
    let paginated = call.op.paginated;
    let start: u64 = paginated
        .and_then(|p| p.input_token)
        .and_then(|m| node.get(m, "").and_then(Node::as_str))
        .and_then(|tok| base64::engine::general_purpose::STANDARD.decode(tok).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let page = paginated
        .and_then(|p| p.page_size)
        .and_then(|m| node.get(m, "").and_then(|n| match n {
            Node::Scalar(Value::Int(i)) => Some(*i),
            _ => None,
        }))
        .filter(|n| *n > 0)
        .unwrap_or(100) as usize;
    let (items, next): (Vec<Record>, Option<u64>) = call.records(|records| {
        let mut it = records.range(start..).filter(|(_, r)| r.ty == ty && matches(r, noun, &ids, &lists));
        let items: Vec<Record> = it.by_ref().take(page).map(|(_, r)| r.clone()).collect();
        let next = it.next().map(|(k, _)| *k);
        (items, next)
    });
    // A request naming one resource that does not exist is an error, not an empty list.
    if items.is_empty() && start == 0 && ids.iter().any(|(m, _)| names_itself(m, noun)) && t.created {
        return Err(not_found(call, noun, &describe_ids(&ids)));
    }
    let schema = call.schema;
    let mut v = Value::empty_struct();
    if let Some(path) = items_path(schema, call.op.output, paginated.and_then(|p| p.items), noun) {
        let (list_shape, member_name) = member_at(schema, call.op.output, &path);
        if let Some(elem) = schema.shape(list_shape).members.first().map(|e| e.target) {
            let values: Vec<Value> = items.iter().filter_map(|r| list_item(call, ty, r, elem, member_name)).collect();
            let count = values.len() as i64;
            set_path(&mut v, &path, Value::List(values));
            // REST/XML lists wrap their items with a count and a truncation flag (CloudFront's `Quantity`, `IsTruncated`).
            let container = member_container(schema, call.op.output, &path);
            for (sibling, value) in [("Quantity", Value::Int(count)), ("IsTruncated", Value::Bool(next.is_some())), ("MaxItems", Value::Int(page as i64))] {
                if let Some(k) = schema.shape(container.0).member_index(sibling) {
                    let mut p = container.1.clone();
                    p.push(k);
                    set_path(&mut v, &p, value);
                }
            }
        }
    }
    if let (Some(next), Some(tok)) = (next, paginated.and_then(|p| p.output_token)) {
        if let Some(path) = resolve_path(schema, call.op.output, tok) {
            set_path(&mut v, &path, Value::String(base64::engine::general_purpose::STANDARD.encode(next.to_string())));
        }
    }
    fill_required(call.schema, call.op.output, &mut v, 0);
    Ok(v)
}

/// Member indexes along a dotted member path (`DistributionList.Items`).
fn resolve_path(schema: &ServiceSchema, shape: ShapeId, path: &str) -> Option<Vec<usize>> {
    let mut out = Vec::new();
    let mut cur = shape;
    for part in path.split('.') {
        let s = schema.shape(cur);
        let i = s.member_index(part)?;
        out.push(i);
        cur = s.members[i].target;
    }
    Some(out)
}

/// Where a list operation's items go: the paginated `items` path, else a
/// list member of the output (one naming the resource first), else one
/// inside a wrapper structure (CloudFront's `CachePolicyList.Items`).
fn items_path(schema: &ServiceSchema, output: ShapeId, paginated_items: Option<&str>, noun: &str) -> Option<Vec<usize>> {
    if let Some(p) = paginated_items.and_then(|p| resolve_path(schema, output, p)) {
        if schema.shape(member_at(schema, output, &p).0).kind == ShapeKind::List {
            return Some(p);
        }
    }
    let direct = |shape: ShapeId| {
        let s = schema.shape(shape);
        s.members
            .iter()
            .position(|m| is_list_of(schema, m.target, noun))
            .or_else(|| s.members.iter().position(|m| schema.shape(m.target).kind == ShapeKind::List && !is_tags_member(m.name)))
    };
    if let Some(i) = direct(output) {
        return Some(vec![i]);
    }
    let out = schema.shape(output);
    out.members.iter().enumerate().find_map(|(i, m)| {
        (schema.shape(m.target).kind == ShapeKind::Structure).then(|| direct(m.target).map(|j| vec![i, j])).flatten()
    })
}

/// The shape at a member path, and the last member's name.
fn member_at(schema: &ServiceSchema, shape: ShapeId, path: &[usize]) -> (ShapeId, &'static str) {
    let mut cur = shape;
    let mut name = "";
    for &i in path {
        let m = &schema.shape(cur).members[i];
        cur = m.target;
        name = m.name;
    }
    (cur, name)
}

/// The structure holding the last member of a path, and the path to it.
fn member_container(schema: &ServiceSchema, shape: ShapeId, path: &[usize]) -> (ShapeId, Vec<usize>) {
    let parent = &path[..path.len().saturating_sub(1)];
    (member_at(schema, shape, parent).0, parent.to_vec())
}

/// Sets a value at a member path, creating the structures on the way.
fn set_path(v: &mut Value, path: &[usize], value: Value) {
    match path {
        [] => *v = value,
        [last] => v.set_field(*last, value),
        [first, rest @ ..] => {
            if v.field(*first).is_none() {
                v.set_field(*first, Value::empty_struct());
            }
            if let Some(child) = v.field_mut(*first) {
                set_path(child, rest, value);
            }
        }
    }
}

fn is_list_of(schema: &ServiceSchema, shape: ShapeId, noun: &str) -> bool {
    let s = schema.shape(shape);
    s.kind == ShapeKind::List
        && s.members.first().is_some_and(|e| {
            let es = schema.shape(e.target);
            es.name.starts_with(noun) || singulars(s.name).iter().any(|x| x.starts_with(noun))
        })
}

/// One list entry: a structure filled from the record, or the identifier the list holds.
fn list_item(call: &Call, ty: usize, r: &Record, elem: ShapeId, member: &str) -> Option<Value> {
    let es = call.schema.shape(elem);
    match es.kind {
        ShapeKind::Structure => Some(resource_struct(call, ty, r, r.phase, elem, 1)),
        ShapeKind::String | ShapeKind::Enum => {
            let lower = member.to_ascii_lowercase();
            let v = if lower.contains("arn") {
                r.arn.clone()
            } else if lower.ends_with("ids") || lower.contains("identifier") {
                r.id.clone()
            } else {
                r.name.clone().unwrap_or_else(|| r.id.clone())
            };
            Some(Value::String(v))
        }
        _ => None,
    }
}

fn batch_read(call: &Call, ty: usize, node: &Node) -> Result<Value, ServiceError> {
    let noun = call.ty(ty).noun.clone();
    let lists = identifier_lists(call, node);
    let found: Vec<Record> = call.records(|records| {
        records.values().filter(|r| r.ty == ty && !lists.is_empty() && matches(r, &noun, &[], &lists)).cloned().collect()
    });
    let out_shape = call.schema.shape(call.op.output);
    let mut fields = Vec::new();
    if let Some(i) = out_shape.members.iter().position(|m| is_list_of(call.schema, m.target, &noun) && !m.name.contains("NotFound")) {
        let m = &out_shape.members[i];
        if let Some(elem) = call.schema.shape(m.target).members.first() {
            fields.push((i as u16, Value::List(found.iter().filter_map(|r| list_item(call, ty, r, elem.target, m.name)).collect())));
        }
    }
    // The names asked for that matched nothing, where the output has a place for them.
    let missing: Vec<Value> = lists
        .iter()
        .flat_map(|(_, vs)| vs.iter())
        .filter(|v| !found.iter().any(|r| r.is_named(v)))
        .map(|v| Value::String(v.to_string()))
        .collect();
    if let Some(i) = out_shape.members.iter().position(|m| {
        m.name.contains("NotFound") && call.schema.shape(m.target).members.first().is_some_and(|e| call.schema.shape(e.target).kind == ShapeKind::String)
    }) {
        fields.push((i as u16, Value::List(missing)));
    }
    let mut v = Value::Struct(fields);
    fill_required(call.schema, call.op.output, &mut v, 0);
    Ok(v)
}

fn absent(call: &Call, list: bool, node: &Node) -> Result<Value, ServiceError> {
    if list {
        return Ok(default_value(call.schema, call.op.output, 0));
    }
    let (_, _, noun) = crate::words::split_verb(call.op.name);
    let noun = crate::words::base_noun(noun);
    Err(not_found(call, noun, &describe_ids(&identifiers(call, node, noun, Pick::Identifiers))))
}

// ------------------------------------------------------------------ tags

fn tags(call: &Call, plan: Plan, node: &Node) -> Result<Value, ServiceError> {
    let target = identifiers(call, node, "Resource", Pick::Identifiers).first().map(|(_, v)| v.clone()).ok_or_else(|| {
        ServiceError::new("ValidationException", 400, "The request names no resource to tag")
    })?;
    // Tags to add: any map or list of key/value pairs (`Tags`, `TagsToAdd`, `TagList`);
    // keys to remove: any list of strings (`TagKeys`, `TagsToRemove`, `TagKeyList`).
    let new_tags: Vec<(String, String)> = node.fields().iter().flat_map(|(_, v)| tag_pairs(v)).collect();
    let keys: Vec<String> = node
        .fields()
        .iter()
        .flat_map(|(_, v)| match v {
            Node::List(items) => items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect::<Vec<_>>(),
            _ => Vec::new(),
        })
        .chain(new_tags.iter().map(|(k, _)| k.clone()))
        .collect();
    let current = call.records(|records| {
        let r = records.values_mut().find(|r| r.is_named(&target))?;
        match plan {
            Plan::Tag => merge_tags(&mut r.tags, new_tags.clone()),
            Plan::Untag => r.tags.retain(|(k, _)| !keys.contains(k)),
            _ => {}
        }
        Some(r.tags.clone())
    });
    let Some(current) = current else {
        return Err(not_found(call, "Resource", &format!("'{target}'")));
    };
    let out_shape = call.schema.shape(call.op.output);
    let mut fields = Vec::new();
    if plan == Plan::ListTags {
        if let Some(i) = out_shape.members.iter().position(|m| is_tags_member(m.name)).or_else(|| {
            out_shape.members.iter().position(|m| matches!(call.schema.shape(m.target).kind, ShapeKind::List | ShapeKind::Map))
        }) {
            if let Some(v) = tags_value(call.schema, out_shape.members[i].target, &current) {
                fields.push((i as u16, v));
            }
        }
    }
    let mut v = Value::Struct(fields);
    fill_required(call.schema, call.op.output, &mut v, 0);
    Ok(v)
}

fn tags_value(schema: &ServiceSchema, shape: ShapeId, tags: &[(String, String)]) -> Option<Value> {
    let node = Node::Map(tags.iter().map(|(k, v)| (k.clone(), Node::str(v.clone()))).collect());
    let s = schema.shape(shape);
    if s.kind == ShapeKind::List && s.members.first().and_then(|e| key_value_members(schema, e.target)).is_none() {
        return None;
    }
    to_value(schema, shape, &node, "")
}

// ------------------------------------------------------------------ answers

/// The operation's output for one record.
fn answer(call: &Call, ty: usize, r: &Record, phase: Phase) -> Value {
    let mut v = resource_struct(call, ty, r, phase, call.op.output, 0);
    fill_required(call.schema, call.op.output, &mut v, 0);
    v
}

/// Fills `shape` from a record: stored fields by name, then what the engine
/// knows of every resource (ARN, id, name, status, times, tags, owner), then
/// members that hold the whole resource (`{ "Cluster": {…} }`).
fn resource_struct(call: &Call, ty: usize, r: &Record, phase: Phase, shape: ShapeId, depth: usize) -> Value {
    let schema = call.schema;
    let noun = call.ty(ty).noun.as_str();
    let s = schema.shape(shape);
    let mut out = Vec::new();
    let mut holders = Vec::new();
    for (i, m) in s.members.iter().enumerate() {
        if matches!(m.location, Location::ResponseCode) {
            continue;
        }
        let stored = r.fields.get(m.name, noun).and_then(|n| to_value(schema, m.target, n, noun));
        match stored.or_else(|| known_field(call, ty, r, phase, m.name, m.target)) {
            Some(v) => out.push((i as u16, v)),
            None if holds_resource(schema, m.name, m.target, noun) => holders.push(i),
            None => {}
        }
    }
    // A member holding the resource as a whole (`{ "Cluster": {…} }`): at the
    // top of an answer, or inside a wrapper that holds nothing else of it
    // (CloudFront's `CachePolicySummary { Type, CachePolicy }`), not inside the
    // resource's own fields (Glue's `Database.TargetDatabase`).
    let wrapper = depth == 0 || out.iter().all(|(i, _)| !r.fields.fields().iter().any(|(k, _)| k.eq_ignore_ascii_case(s.members[*i as usize].name)));
    if wrapper && depth < 3 {
        for i in holders {
            let m = &s.members[i];
            let target = schema.shape(m.target);
            let v = match target.kind {
                ShapeKind::Structure => resource_struct(call, ty, r, phase, m.target, depth + 1),
                _ => Value::List(vec![resource_struct(call, ty, r, phase, target.members[0].target, depth + 1)]),
            };
            out.push((i as u16, v));
        }
        out.sort_by_key(|(i, _)| *i);
    }
    Value::Struct(out)
}

/// Whether an output member holds the resource as a whole: a structure named
/// for it (`Cluster`, `ClusterInfo`, `FileSystemDescription`), or a list of them.
fn holds_resource(schema: &ServiceSchema, member: &str, target: ShapeId, noun: &str) -> bool {
    let t = schema.shape(target);
    let noun_l = noun.to_ascii_lowercase();
    // `Cluster`, `ClusterInfo`, a tail (`Snapshot` of a `ClusterSnapshot`), or
    // the resource a configuration noun configures (`FieldLevelEncryption` of a `FieldLevelEncryptionConfig`).
    let named = |name: &str| {
        let l = name.to_ascii_lowercase();
        l.starts_with(&noun_l)
            || is_noun_tail(name, noun)
            || noun_l.strip_prefix(&l).is_some_and(|rest| matches!(rest, "config" | "configuration"))
    };
    match t.kind {
        ShapeKind::Structure => !t.is_error() && (named(member) || named(t.name)),
        ShapeKind::List => t.members.first().is_some_and(|e| {
            let es = schema.shape(e.target);
            es.kind == ShapeKind::Structure && (named(es.name) || named(member)) && singulars(member).iter().any(|x| named(x))
        }),
        _ => false,
    }
}

/// What every resource has, by the member names AWS gives it.
fn known_field(call: &Call, ty: usize, r: &Record, phase: Phase, member: &str, target: ShapeId) -> Option<Value> {
    let schema = call.schema;
    let noun = call.ty(ty).noun.as_str();
    let t = schema.shape(target);
    let lower = member.to_ascii_lowercase();
    if let Some(v) = parent_field(call, ty, r, &lower) {
        return matches!(t.kind, ShapeKind::String).then_some(Value::String(v));
    }
    // `provisionedModelArn` of a `ProvisionedModelThroughput`.
    let rel = relative_name_with_heads(&lower, noun, |h| call.catalog.is_type(h));
    match t.kind {
        ShapeKind::String | ShapeKind::Enum => {
            let s = match rel.as_str() {
                // The noun alone: S3's `Bucket`, WAF's `APIKey`.
                "" => r.name.clone().unwrap_or_else(|| r.id.clone()),
                "arn" | "resourcearn" => r.arn.clone(),
                "id" | "identifier" | "resourceid" => r.id.clone(),
                "name" => r.name.clone().unwrap_or_else(|| r.id.clone()),
                "status" | "state" | "lifecyclestate" | "statuscode" => status_value(schema, t, phase)?,
                _ if lower.ends_with("status") || lower.ends_with("state") => status_value(schema, t, phase)?,
                _ if phase == Phase::NotRun && (lower.contains("reason") || lower.ends_with("message") || lower.contains("error")) => {
                    format!("Simfra records this {} but does not run it", words(noun).to_lowercase())
                }
                "ownerid" | "accountid" | "owneraccount" | "owneraccountid" | "awsaccountid" | "owner" => call.ctx.account_id.clone(),
                "region" | "awsregion" => call.ctx.region.clone(),
                _ => return None,
            };
            Some(Value::String(s))
        }
        ShapeKind::Timestamp => {
            if lower.contains("creat") {
                Some(Value::Timestamp(r.created))
            } else if lower.contains("modif") || lower.contains("updat") || lower.contains("lastchange") {
                Some(Value::Timestamp(r.updated))
            } else {
                None
            }
        }
        ShapeKind::List | ShapeKind::Map if is_tags_member(member) => tags_value(schema, target, &r.tags),
        _ => None,
    }
}

/// `RestoreTestingPlanArn` in a selection's answer: the parent's id, ARN or
/// name, from the parent record the resource names.
fn parent_field(call: &Call, ty: usize, r: &Record, lower: &str) -> Option<String> {
    for (pty, p) in call.catalog.types.iter().enumerate() {
        if pty == ty || !p.created {
            continue;
        }
        let pl = p.noun.to_ascii_lowercase();
        let Some(rel) = lower.strip_prefix(&pl) else { continue };
        if !matches!(rel, "arn" | "id" | "name") {
            continue;
        }
        // The value by which the record names its parent (`RestoreTestingPlanName`).
        let named_by = r.fields.fields().iter().find_map(|(k, v)| {
            let kl = k.to_ascii_lowercase();
            (kl.starts_with(&pl) && matches!(&kl[pl.len()..], "name" | "id" | "arn" | "identifier")).then(|| v.as_str().map(str::to_string)).flatten()
        })?;
        let parent = call.records(|records| records.values().find(|x| x.ty == pty && x.is_named(&named_by)).cloned())?;
        return Some(match rel {
            "arn" => parent.arn,
            "id" => parent.id,
            _ => parent.name.unwrap_or(parent.id),
        });
    }
    None
}

/// A status field's value for a phase: the enum value AWS uses for it, where the enum has one.
fn status_value(schema: &ServiceSchema, shape: &Shape, phase: Phase) -> Option<String> {
    let preferred: &[&str] = match phase {
        Phase::Creating => &["CREATING", "PENDING", "CREATE_IN_PROGRESS", "PROVISIONING", "IN_PROGRESS", "INPROGRESS", "STARTING"],
        Phase::Active => &[
            "ACTIVE", "AVAILABLE", "READY", "ENABLED", "CREATED", "RUNNING", "INSERVICE", "IN_SERVICE", "ISSUED", "DEPLOYED",
            "SUCCEEDED", "SUCCESS", "COMPLETED", "COMPLETE", "HEALTHY", "OK", "VALID", "PUBLISHED", "ONLINE", "UP", "IDLE",
            "CREATE_COMPLETE", "APPROVED", "ASSOCIATED", "ATTACHED", "CONNECTED",
        ],
        Phase::Stopped => &["STOPPED", "STOPPING", "INACTIVE", "PAUSED", "SUSPENDED", "DISABLED"],
        Phase::Disabled => &["DISABLED", "INACTIVE", "STOPPED"],
        Phase::Cancelled => &["CANCELLED", "CANCELED", "CANCELLING", "STOPPED", "ABORTED"],
        Phase::Deleting => &["DELETING", "DELETE_IN_PROGRESS", "DELETED", "DISASSOCIATING", "DETACHING"],
        Phase::NotRun => &["FAILED", "CREATE_FAILED", "ERROR", "CANCELLED", "CANCELED", "ABORTED", "STOPPED"],
    };
    let norm = |v: &str| v.to_ascii_uppercase().replace(['-', ' '], "_");
    let pick = |values: &[&'static str]| -> Option<String> {
        preferred.iter().find_map(|p| values.iter().find(|v| norm(v) == *p || norm(v).replace('_', "") == p.replace('_', "")).map(|v| v.to_string()))
    };
    if shape.kind == ShapeKind::Enum {
        if let Some(v) = pick(shape.enum_values) {
            return Some(v);
        }
        // Creating with no transitional value: report the settled one.
        if phase == Phase::Creating {
            return status_value(schema, shape, Phase::Active);
        }
        return None;
    }
    // A plain string: spelled as the service's enums spell such values
    // (MemoryDB says `active`), else as most of AWS does.
    let spelled: Vec<&'static str> = schema.shapes.iter().filter(|s| s.kind == ShapeKind::Enum).flat_map(|s| s.enum_values.iter().copied()).collect();
    Some(pick(&spelled).unwrap_or_else(|| preferred[0].to_string()))
}

/// Required output members still missing get their type's zero value, so
/// every answer is complete in the model's terms.
fn fill_required(schema: &ServiceSchema, shape: ShapeId, v: &mut Value, depth: usize) {
    let s = schema.shape(shape);
    if s.kind != ShapeKind::Structure || depth > 4 {
        return;
    }
    for (i, m) in s.members.iter().enumerate() {
        if !m.is_required() || matches!(m.location, Location::ResponseCode) {
            continue;
        }
        match v.field_mut(i) {
            Some(child) => fill_required(schema, m.target, child, depth + 1),
            None => v.set_field(i, default_value(schema, m.target, depth + 1)),
        }
    }
}

fn default_value(schema: &ServiceSchema, shape: ShapeId, depth: usize) -> Value {
    let s = schema.shape(shape);
    match s.kind {
        ShapeKind::String => Value::String(String::new()),
        ShapeKind::Enum => Value::String(s.enum_values.first().unwrap_or(&"").to_string()),
        ShapeKind::Boolean => Value::Bool(false),
        k if k.is_integer() => Value::Int(0),
        ShapeKind::Float | ShapeKind::Double => Value::Float(0.0),
        ShapeKind::BigInteger | ShapeKind::BigDecimal => Value::BigNumber("0".into()),
        ShapeKind::Timestamp => Value::Timestamp(now()),
        ShapeKind::Blob => Value::Blob(Default::default()),
        ShapeKind::List => Value::List(Vec::new()),
        ShapeKind::Map => Value::Map(Vec::new()),
        ShapeKind::Document => Value::Document(Default::default()),
        // A union holds exactly one member.
        ShapeKind::Union => match s.members.first() {
            Some(m) if depth < 6 => Value::Struct(vec![(0, default_value(schema, m.target, depth + 1))]),
            _ => Value::empty_struct(),
        },
        _ => {
            let mut v = Value::empty_struct();
            fill_required(schema, shape, &mut v, depth);
            v
        }
    }
}
