//! Answers: an operation's output shape filled from a record by member
//! name, with what every resource has (ARN, id, name, status, times, tags).

use super::*;

/// The operation's output for one record.
pub(super) fn answer(call: &Call, ty: usize, r: &Record, phase: Phase) -> Value {
    let mut v = resource_struct(call, ty, r, phase, call.op.output, 0);
    fill_required(call.schema, call.op.output, &mut v, 0);
    v
}

/// Fills `shape` from a record: stored fields by name, then what the engine
/// knows of every resource (ARN, id, name, status, times, tags, owner), then
/// members that hold the whole resource (`{ "Cluster": {…} }`).
pub(super) fn resource_struct(call: &Call, ty: usize, r: &Record, phase: Phase, shape: ShapeId, depth: usize) -> Value {
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
    // An answer's (or list item's) only ARN member that nothing else claims
    // is the resource's own (`StartAsyncInvoke`'s `invocationArn`).
    if depth <= 1 {
        // `modelArn` beside the request's `modelId` is the model's: its ARN, from that id.
        for (i, m) in s.members.iter().enumerate() {
            if out.iter().any(|(k, _)| *k as usize == i) || schema.shape(m.target).kind != ShapeKind::String {
                continue;
            }
            if let Some(arn) = referenced_arn(call, r, m.name) {
                out.push((i as u16, Value::String(arn)));
            }
        }
        out.sort_by_key(|(i, _)| *i);
        let unresolved: Vec<usize> = s
            .members
            .iter()
            .enumerate()
            .filter(|(i, m)| {
                let l = m.name.to_ascii_lowercase();
                l.ends_with("arn") && schema.shape(m.target).kind == ShapeKind::String && !out.iter().any(|(k, _)| *k as usize == *i)
            })
            .map(|(i, _)| i)
            .collect();
        let any_arn = out.iter().any(|(k, _)| s.members[*k as usize].name.to_ascii_lowercase().ends_with("arn"));
        if let [only] = unresolved[..] {
            if !any_arn {
                out.push((only as u16, Value::String(r.arn.clone())));
                out.sort_by_key(|(i, _)| *i);
            }
        }
    }
    // A list of structures that repeat the record's fields (Redshift's
    // `CertificateAssociations: [{ CustomDomainName, ClusterIdentifier }]`): the record, viewed so.
    if depth >= 1 && depth < 3 {
        for (i, m) in s.members.iter().enumerate() {
            if out.iter().any(|(k, _)| *k as usize == i) || holders.contains(&i) {
                continue;
            }
            let target = schema.shape(m.target);
            let Some(elem) = target.members.first().filter(|_| target.kind == ShapeKind::List).map(|e| e.target) else { continue };
            let es = schema.shape(elem);
            let shared = es.members.iter().filter(|em| r.fields.get(em.name, noun).is_some()).count();
            if es.kind == ShapeKind::Structure && shared >= 2 {
                out.push((i as u16, Value::List(vec![resource_struct(call, ty, r, phase, elem, depth + 1)])));
            }
        }
        out.sort_by_key(|(i, _)| *i);
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
pub(super) fn holds_resource(schema: &ServiceSchema, member: &str, target: ShapeId, noun: &str) -> bool {
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
pub(super) fn known_field(call: &Call, ty: usize, r: &Record, phase: Phase, member: &str, target: ShapeId) -> Option<Value> {
    let schema = call.schema;
    let noun = call.ty(ty).noun.as_str();
    let t = schema.shape(target);
    let lower = member.to_ascii_lowercase();
    if let Some(v) = parent_field_named(call, ty, r, &lower, &[]).or_else(|| parent_field(call, ty, r, &lower)) {
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
pub(super) fn parent_field(call: &Call, ty: usize, r: &Record, lower: &str) -> Option<String> {
    // `SourceFileSystemArn` names a file system as much as `FileSystemArn` does.
    let rest = ROLE_PREFIXES.iter().find_map(|p| lower.strip_prefix(p)).filter(|rest| !rest.is_empty())?;
    parent_field_named(call, ty, r, rest, ROLE_PREFIXES)
}

/// `modelArn` where the record has `modelId` (or `modelName`): the ARN that
/// value is, or one made from it in the service's form.
fn referenced_arn(call: &Call, r: &Record, member: &str) -> Option<String> {
    let stem = member.strip_suffix("Arn").or_else(|| member.strip_suffix("ARN")).filter(|s| !s.is_empty())?;
    let value = ["Id", "Name", "Identifier"]
        .iter()
        .find_map(|suffix| r.fields.get(&format!("{stem}{suffix}"), "").and_then(Node::as_str))?;
    if value.starts_with("arn:") {
        return Some(value.to_string());
    }
    Some(format!("arn:aws:{}:{}:{}:{}/{value}", call.schema.arn_namespace, call.ctx.region, call.ctx.account_id, crate::words::kebab(stem)))
}

/// Words naming the part another resource plays (`SourceFileSystemId`).
const ROLE_PREFIXES: &[&str] = &["originalsource", "source", "original", "destination", "target", "primary"];

/// `FileSystemArn` in an answer: the id, ARN or name of the parent the
/// record names by any of its members (`FileSystemId`, `SourceFileSystemId`);
/// where that parent is not a record here, the ARN is the one it names, or
/// made from its id.
fn parent_field_named(call: &Call, ty: usize, r: &Record, lower: &str, prefixes: &[&str]) -> Option<String> {
    // Only a member naming another resource's role (`Source…`) surely names another resource.
    let reference = !prefixes.is_empty();
    for (pty, p) in call.catalog.types.iter().enumerate() {
        if pty == ty || !p.created {
            continue;
        }
        let pl = p.noun.to_ascii_lowercase();
        let Some(rel) = lower.strip_prefix(&pl) else { continue };
        if !matches!(rel, "arn" | "id" | "name") {
            continue;
        }
        let named_by = r.fields.fields().iter().find_map(|(k, v)| {
            let kl = k.to_ascii_lowercase();
            let kl = prefixes.iter().find_map(|pre| kl.strip_prefix(pre)).unwrap_or(&kl).to_string();
            (kl.starts_with(&pl) && matches!(&kl[pl.len()..], "name" | "id" | "arn" | "identifier")).then(|| v.as_str().map(str::to_string)).flatten()
        })?;
        let parent = call.records(|records| records.values().find(|x| x.ty == pty && x.is_named(&named_by)).cloned());
        if parent.is_none() && !reference {
            return None;
        }
        return Some(match (rel, parent) {
            ("arn", Some(p)) => p.arn,
            ("id", Some(p)) => p.id,
            (_, Some(p)) => p.name.unwrap_or(p.id),
            ("arn", None) if named_by.starts_with("arn:") => named_by,
            ("arn", None) => format!("arn:aws:{}:{}:{}:{}{}{named_by}", call.schema.arn_namespace, call.ctx.region, call.ctx.account_id, p.arn_type, p.arn_separator),
            (_, None) => named_by,
        });
    }
    None
}

/// A status field's value for a phase: the enum value AWS uses for it, where the enum has one.
pub(super) fn status_value(schema: &ServiceSchema, shape: &Shape, phase: Phase) -> Option<String> {
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
pub(super) fn fill_required(schema: &ServiceSchema, shape: ShapeId, v: &mut Value, depth: usize) {
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

pub(super) fn default_value(schema: &ServiceSchema, shape: ShapeId, depth: usize) -> Value {
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
