//! What a template cannot say: request tags as condition keys, and the
//! resources (`@name` in rules.txt) that need parsing beyond member paths.

use super::template::{member_values, scalar_text};
use super::{Ctx, Required};
use simfra_model::{ShapeId, ShapeKind, UriSegment, Value};
use simfra_protocols::http::{parse_query, percent_decode};

/// The `@name` resources of rules.txt.
pub(crate) fn named(name: &str) -> Option<super::rules::SpecialFn> {
    Some(match name {
        "s3-copy-source" => s3_copy_source,
        "partiql" => partiql,
        "apigateway" => apigateway,
        _ => return None,
    })
}

/// `aws:RequestTag/<key>` and `aws:TagKeys` from the tags a request carries
/// (`Tags`, `tags`, `TagList`, `TagSpecifications`, S3's `Tagging`), and
/// `aws:TagKeys` from the keys an untag request names.
pub(crate) fn request_tags(ctx: &Ctx, out: &mut Vec<(String, Vec<String>)>) {
    let shape = ctx.svc.shape(ctx.op.input);
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut keys_only: Vec<String> = Vec::new();
    for (idx, m) in shape.members.iter().enumerate() {
        let Some(v) = ctx.input.field(idx) else { continue };
        match m.name.to_ascii_lowercase().as_str() {
            "tags" | "taglist" | "tagset" => tag_pairs(ctx, m.target, v, &mut pairs),
            "tagspecifications" => {
                for (i, spec) in list_items(ctx, m.target, v) {
                    let s = ctx.svc.shape(i);
                    if let (Some(ti), Some(tm)) = (s.member_index("Tags"), s.member("Tags")) {
                        if let Some(tags) = spec.field(ti) {
                            tag_pairs(ctx, tm.target, tags, &mut pairs);
                        }
                    }
                }
            }
            // S3 object tagging travels as a query string (`a=1&b=2`); bucket
            // tagging as a structure with a TagSet.
            "tagging" => match v {
                Value::String(q) => pairs.extend(parse_query(q).into_iter().map(|p| (p.key, p.value))),
                Value::Struct(_) => {
                    let s = ctx.svc.shape(m.target);
                    if let (Some(ti), Some(tm)) = (s.member_index("TagSet"), s.member("TagSet")) {
                        if let Some(set) = v.field(ti) {
                            tag_pairs(ctx, tm.target, set, &mut pairs);
                        }
                    }
                }
                _ => {}
            },
            "tagkeys" | "tagkeylist" => {
                keys_only.extend(member_values(ctx.svc, ctx.op.input, ctx.input, &[m.name.to_string()], false));
            }
            _ => {}
        }
    }
    if pairs.is_empty() && keys_only.is_empty() {
        return;
    }
    let mut keys: Vec<String> = pairs.iter().map(|(k, _)| k.clone()).chain(keys_only).collect();
    keys.dedup();
    out.push(("aws:TagKeys".into(), keys));
    for (k, v) in pairs {
        let key = format!("aws:RequestTag/{k}");
        if !out.iter().any(|(have, _)| *have == key) {
            out.push((key, vec![v]));
        }
    }
}

/// The elements of a list value with their shape.
fn list_items<'v>(ctx: &Ctx, shape: ShapeId, v: &'v Value) -> Vec<(ShapeId, &'v Value)> {
    let s = ctx.svc.shape(shape);
    match (s.kind, v, s.members.first()) {
        (ShapeKind::List, Value::List(items), Some(m)) => items.iter().map(|i| (m.target, i)).collect(),
        _ => Vec::new(),
    }
}

/// Tags as a map, or as a list of `{Key, Value}` structures (any casing).
fn tag_pairs(ctx: &Ctx, shape: ShapeId, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Map(entries) => {
            out.extend(entries.iter().filter_map(|(k, v)| scalar_text(v).map(|v| (k.clone(), v))));
        }
        Value::List(_) => {
            for (item_shape, item) in list_items(ctx, shape, v) {
                let s = ctx.svc.shape(item_shape);
                let find = |names: &[&str]| {
                    s.members.iter().position(|m| names.iter().any(|n| m.name.eq_ignore_ascii_case(n))).and_then(|i| item.field(i)).and_then(scalar_text)
                };
                if let Some(k) = find(&["Key", "TagKey"]) {
                    out.push((k, find(&["Value", "TagValue"]).unwrap_or_default()));
                }
            }
        }
        _ => {}
    }
}

/// S3 `CopySource` (`bucket/key`, `/bucket/key?versionId=v`, URL-encoded, or
/// an access point ARN): reading the source object. A version named makes it
/// `s3:GetObjectVersion`.
fn s3_copy_source(ctx: &Ctx, action: &str, out: &mut Vec<Required>) {
    for source in member_values(ctx.svc, ctx.op.input, ctx.input, &["CopySource".to_string()], false) {
        let (path, query) = source.split_once('?').unwrap_or((&source, ""));
        let path = percent_decode(path.trim_start_matches('/'));
        let versioned = query.split('&').any(|kv| kv.starts_with("versionId="));
        let action = if versioned && action.eq_ignore_ascii_case("s3:GetObject") { "s3:GetObjectVersion".to_string() } else { action.to_string() };
        let resource = if path.starts_with("arn:") { path } else { format!("arn:{}:s3:::{}", ctx.partition, path) };
        out.push(Required { action, resource, context: Vec::new() });
    }
}

/// DynamoDB PartiQL: the statement's verb names the action
/// (`dynamodb:PartiQLSelect` …) and its table (or `table.index`) the resource.
fn partiql(ctx: &Ctx, _action: &str, out: &mut Vec<Required>) {
    let mut statements = Vec::new();
    for path in [&["Statement"][..], &["Statements", "Statement"], &["TransactStatements", "Statement"]] {
        let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
        statements.extend(member_values(ctx.svc, ctx.op.input, ctx.input, &path, false));
    }
    for st in statements {
        let Some((verb, table)) = partiql_target(&st) else { continue };
        let resource = match table.split_once('.') {
            Some((t, index)) => format!("arn:{}:dynamodb:{}:{}:table/{}/index/{}", ctx.partition, ctx.region, ctx.account, t, index),
            None => format!("arn:{}:dynamodb:{}:{}:table/{}", ctx.partition, ctx.region, ctx.account, table),
        };
        let action = format!("dynamodb:PartiQL{verb}");
        if !out.iter().any(|r| r.action == action && r.resource == resource) {
            out.push(Required { action, resource, context: Vec::new() });
        }
    }
}

/// `SELECT * FROM "t"."i" WHERE …` → (`Select`, `t.i`).
fn partiql_target(statement: &str) -> Option<(&'static str, String)> {
    let tokens = tokenize(statement);
    let first = tokens.first()?.to_ascii_uppercase();
    let (verb, after) = match first.as_str() {
        "SELECT" => ("Select", "FROM"),
        "DELETE" => ("Delete", "FROM"),
        "INSERT" => ("Insert", "INTO"),
        "UPDATE" => ("Update", "UPDATE"),
        "EXISTS" => ("Select", "FROM"),
        _ => return None,
    };
    let pos = tokens.iter().position(|t| t.eq_ignore_ascii_case(after))?;
    let name = tokens.get(pos + 1)?;
    let mut table = name.trim_matches('"').to_string();
    if tokens.get(pos + 2).map(|t| t == ".").unwrap_or(false) {
        if let Some(index) = tokens.get(pos + 3) {
            table = format!("{table}.{}", index.trim_matches('"'));
        }
    }
    Some((verb, table))
}

/// PartiQL words, quoted names kept whole, `.` as its own token.
fn tokenize(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() || c == ',' || c == '(' || c == ')' {
            chars.next();
        } else if c == '"' || c == '\'' {
            let q = c;
            let mut t = String::from(q);
            chars.next();
            for d in chars.by_ref() {
                t.push(d);
                if d == q {
                    break;
                }
            }
            out.push(t);
        } else if c == '.' {
            out.push(".".into());
            chars.next();
        } else {
            let mut t = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_whitespace() || d == '.' || d == '"' || d == ',' || d == '(' || d == ')' {
                    break;
                }
                t.push(d);
                chars.next();
            }
            out.push(t);
        }
    }
    out
}

/// API Gateway's control plane authorizes by HTTP method on the resource
/// path: `apigateway:POST` on `arn:aws:apigateway:us-east-1::/restapis/a1/resources`.
fn apigateway(ctx: &Ctx, _action: &str, out: &mut Vec<Required>) {
    let Some(http) = ctx.op.http else { return };
    let shape = ctx.svc.shape(ctx.op.input);
    let mut path = String::new();
    for seg in http.path {
        path.push('/');
        match seg {
            UriSegment::Literal(l) => path.push_str(l),
            UriSegment::Label(name) | UriSegment::Greedy(name) => {
                let v = shape.member_index(name).and_then(|i| ctx.input.field(i)).and_then(scalar_text).unwrap_or_default();
                path.push_str(&v);
            }
        }
    }
    if path.is_empty() {
        path.push('/');
    }
    let method = http.method.to_ascii_uppercase();
    out.push(Required { action: format!("apigateway:{method}"), resource: format!("arn:{}:apigateway:{}::{}", ctx.partition, ctx.region, path), context: Vec::new() });
}

/// Operations that hand a role to a service (`CreateFunction`'s `Role`,
/// `RegisterTaskDefinition`'s `taskRoleArn` …) also need `iam:PassRole` on
/// that role, with `iam:PassedToService` naming the service that receives it.
pub(crate) fn passed_roles(ctx: &Ctx, out: &mut Vec<Required>) {
    const VERBS: [&str; 11] = ["Create", "Update", "Put", "Start", "Run", "Register", "Set", "Modify", "Enable", "Associate", "Import"];
    if matches!(ctx.svc.name, "iam" | "sts") || !VERBS.iter().any(|v| ctx.op.name.starts_with(v)) {
        return;
    }
    let mut found: Vec<(String, &'static str)> = Vec::new();
    collect_roles(ctx, ctx.op.input, ctx.input, 0, &mut found);
    for (arn, member) in found {
        if out.iter().any(|r| r.action == "iam:PassRole" && r.resource == arn) {
            continue;
        }
        let service = passed_to(ctx.svc.name, ctx.svc.signing_name, member);
        out.push(Required { action: "iam:PassRole".into(), resource: arn, context: vec![("iam:PassedToService".into(), vec![service])] });
    }
}

/// Role ARNs in role-named members, at the top and inside structures and
/// lists of structures (EventBridge targets …), two levels down at most.
fn collect_roles(ctx: &Ctx, shape: ShapeId, v: &Value, depth: usize, out: &mut Vec<(String, &'static str)>) {
    let s = ctx.svc.shape(shape);
    match (s.kind, v) {
        (ShapeKind::Structure | ShapeKind::Union, Value::Struct(fields)) => {
            for (idx, fv) in fields {
                let Some(m) = s.members.get(*idx as usize) else { continue };
                let lower = m.name.to_ascii_lowercase();
                let role_member = lower.ends_with("rolearn") || lower.ends_with("role");
                match fv {
                    Value::String(arn) if role_member && arn.contains(":iam::") && arn.contains(":role/") => out.push((arn.clone(), m.name)),
                    _ if depth < 2 => collect_roles(ctx, m.target, fv, depth + 1, out),
                    _ => {}
                }
            }
        }
        (ShapeKind::List, Value::List(items)) if depth < 3 => {
            if let Some(m) = s.members.first() {
                for item in items {
                    collect_roles(ctx, m.target, item, depth, out);
                }
            }
        }
        _ => {}
    }
}

/// The service principal a role is passed to.
fn passed_to(service: &str, signing_name: &str, member: &str) -> String {
    match (service, member) {
        ("ecs", "taskRoleArn" | "executionRoleArn") => "ecs-tasks.amazonaws.com".into(),
        ("rds", "MonitoringRoleArn") => "monitoring.rds.amazonaws.com".into(),
        _ => format!("{signing_name}.amazonaws.com"),
    }
}
