//! Create, read, update, delete and state changes of one resource.

use super::*;

pub(super) fn create(call: &Call, ty: usize, upsert: bool, mut node: Node) -> Result<Value, ServiceError> {
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
    let mut id = relative(&["id"]).unwrap_or_else(|| ids::identifier(&prefix(noun), t.id_pattern, t.id_length));
    // Identifiers of other things: the parents a node group names (its cluster).
    let ids_given: Vec<(&str, String)> =
        identifiers(call, &node, noun, Pick::Identifiers).into_iter().filter(|(m, _)| !names_itself(m, noun)).collect();
    let (parents, parent_arn) = check_parents(call, ty, &ids_given)?;
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
    // A version shares its resource's ARN (RAM's permission versions).
    if noun.ends_with("Version") {
        if let Some(p) = parent_arn {
            arn = p;
        }
    }
    // Where the model constrains the ARN (SSO's `arn:aws:sso:::instance/ssoins-…`), honour it.
    if let Some(p) = t.arn_pattern {
        if !simfra_protocols::validate::regex_matches(p, &arn) {
            if let Some(generated) = ids::from_pattern(crate::plan::arn_alternative(p)).filter(|g| simfra_protocols::validate::regex_matches(p, g)) {
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
    // The members its reads address it by, all given: a record agreeing on them is this one.
    let address: Vec<(&str, String)> =
        t.address_members.iter().filter_map(|m| node.get(m, "").and_then(Node::as_str).map(|v| (*m, v.to_string()))).collect();
    let keyed = !t.run && !t.address_members.is_empty() && address.len() == t.address_members.len();
    let result = call.records(|records| {
        // Numbered within its parent (`DeploymentNumber` 1, 2, …).
        if let Some(member) = t.number_member {
            let next = 1 + records
                .values()
                .filter(|r| r.ty == ty && ids_given.iter().all(|(m, v)| field_text(r, m, noun).is_none_or(|f| f == *v)))
                .filter_map(|r| match r.fields.get(member, "") {
                    Some(Node::Scalar(Value::Int(n))) => Some(*n),
                    _ => None,
                })
                .max()
                .unwrap_or(0);
            node.set(member, Node::Scalar(Value::Int(next)));
            id = next.to_string();
        }
        if keyed && !upsert {
            if let Some(existing) = records.values().find(|r| r.ty == ty && address.iter().all(|(m, v)| field_text(r, m, noun).as_deref() == Some(v.as_str()))) {
                return Err(already_exists(call, noun, &format!("'{}'", existing.name.clone().unwrap_or_else(|| existing.id.clone()))));
            }
        }
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
pub(super) fn flatten_input(node: &mut Node, noun: &str) {
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
    // A request that is one structure (`CreateDataCellsFilter { TableData: {…} }`) is the resource.
    let wrapped = if wrapped.is_empty() && node.fields().len() == 1 {
        node.fields().iter().filter(|(_, v)| matches!(v, Node::Struct(_))).map(|(_, v)| v.clone()).collect()
    } else {
        wrapped
    };
    for inner in wrapped {
        for (k, v) in inner.fields() {
            if node.get(k, "").is_none() {
                node.set(k, v.clone());
            }
        }
    }
}

/// The id prefix of a noun without a modeled pattern: its initials (`FileSystem` → `fs`).
pub(super) fn prefix(noun: &str) -> String {
    let initials: String = noun.chars().filter(|c| c.is_ascii_uppercase()).collect::<String>().to_ascii_lowercase();
    if initials.is_empty() {
        noun.chars().take(3).collect::<String>().to_ascii_lowercase()
    } else {
        initials
    }
}

/// Checks that the parents a create names exist; answers their names and the last one's ARN.
pub(super) fn check_parents(call: &Call, ty: usize, ids_given: &[(&str, String)]) -> Result<(Vec<String>, Option<String>), ServiceError> {
    let mut names = Vec::new();
    let mut last_arn = None;
    for (member, value) in ids_given {
        for (pty, p) in call.catalog.types.iter().enumerate() {
            if pty == ty || !p.created || p.run || !p.engine_owned || !names_itself(member, &p.noun) || member.eq_ignore_ascii_case("name") {
                continue;
            }
            if !member.to_ascii_lowercase().starts_with(&p.noun.to_ascii_lowercase()) {
                continue;
            }
            let parent = call.records(|records| records.values().find(|r| r.ty == pty && r.is_named(value)).map(|r| (r.name.clone().unwrap_or_else(|| r.id.clone()), r.arn.clone())));
            match parent {
                Some((n, arn)) => {
                    names.push(n);
                    last_arn = Some(arn);
                }
                None => return Err(not_found(call, &p.noun, &format!("'{value}'"))),
            }
        }
    }
    Ok((names, last_arn))
}

pub(super) fn read(call: &Call, ty: usize, node: &Node) -> Result<Value, ServiceError> {
    let t = call.ty(ty);
    let ids = identifiers(call, node, &t.noun, Pick::Strict);
    let found = call.records(|records| {
        if ids.is_empty() {
            records.values().find(|r| r.ty == ty).cloned()
        } else {
            find(call.catalog, records, ty, &t.noun, &ids).map(|(_, r)| r.clone())
        }
    });
    match found {
        Some(r) => Ok(answer(call, ty, &r, r.phase)),
        // A setting never written reads as its defaults.
        None if ids.is_empty() && !t.created => Ok(default_value(call.schema, call.op.output, 0)),
        None => Err(not_found(call, &t.noun, &describe_ids(&ids))),
    }
}

pub(super) fn update(call: &Call, ty: usize, mut node: Node) -> Result<Value, ServiceError> {
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
        let hit = if ids.is_empty() { records.iter_mut().find(|(_, r)| r.ty == ty).map(|(k, r)| (*k, r)) } else { find(call.catalog, records, ty, &t.noun, &ids) };
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

pub(super) fn delete(call: &Call, ty: usize, node: &Node) -> Result<Value, ServiceError> {
    let t = call.ty(ty);
    let ids = identifiers(call, node, &t.noun, Pick::Strict);
    let mut content = node.clone();
    strip_controls(&mut content);
    let removed = call.records(|records| {
        let key = if !ids.is_empty() {
            find(call.catalog, records, ty, &t.noun, &ids).map(|(k, _)| k)
        } else if !content.fields().is_empty() {
            // Nothing names it (Lake Formation's RevokePermissions): the record written with these fields.
            records.iter().find(|(_, r)| r.ty == ty && holds_all(&r.fields, &content)).map(|(k, _)| *k)
        } else {
            records.iter().find(|(_, r)| r.ty == ty).map(|(k, _)| *k)
        };
        key.and_then(|k| records.remove(&k))
    });
    match removed {
        Some(r) => Ok(answer(call, ty, &r, Phase::Deleting)),
        None => Err(not_found(call, &t.noun, &describe_ids(&ids))),
    }
}

pub(super) fn state(call: &Call, ty: usize, change: StateChange, node: &Node) -> Result<Value, ServiceError> {
    let t = call.ty(ty).clone();
    let ids = identifiers(call, node, &t.noun, Pick::Strict);
    let phase = match change {
        StateChange::Start | StateChange::Enable | StateChange::Reboot => Phase::Active,
        StateChange::Stop => Phase::Stopped,
        StateChange::Disable => Phase::Disabled,
        StateChange::Cancel => Phase::Cancelled,
    };
    let changed = call.records(|records| {
        let hit = if ids.is_empty() { records.iter_mut().find(|(_, r)| r.ty == ty).map(|(k, r)| (*k, r)) } else { find(call.catalog, records, ty, &t.noun, &ids) };
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

/// `CopyClusterSnapshot(SourceSnapshotIdentifier, TargetSnapshotIdentifier)`,
/// `CloneReceiptRuleSet(OriginalRuleSetName, RuleSetName)`: a new record with
/// the source's fields, under the target's name, created as a create would.
pub(super) fn copy(call: &Call, ty: usize, node: Node) -> Result<Value, ServiceError> {
    let noun = call.ty(ty).noun.clone();
    const SOURCE: &[&str] = &["Source", "Original", "Primary"];
    let source_value = node.fields().iter().find_map(|(k, v)| {
        (SOURCE.iter().any(|p| k.starts_with(p)) && is_identifier_name(k)).then(|| v.as_str().map(str::to_string)).flatten()
    });
    let Some(source_value) = source_value else {
        return Err(not_served(call.schema.name, call.op.name, "names no source to copy"));
    };
    let source = call
        .records(|records| records.values().find(|r| r.ty == ty && r.is_named(&source_value)).cloned())
        .ok_or_else(|| not_found(call, &noun, &format!("'{source_value}'")))?;
    // The copy: the source's fields, then the request's (without its source
    // members; `TargetSnapshotIdentifier` becomes `SnapshotIdentifier`).
    let mut fresh = source.fields.clone();
    for (k, v) in node.fields() {
        if SOURCE.iter().any(|p| k.starts_with(p)) {
            continue;
        }
        match k.strip_prefix("Target") {
            Some(rest) if !rest.is_empty() => fresh.set(rest, v.clone()),
            _ => fresh.set(k, v.clone()),
        }
    }
    if let Node::Struct(fields) = &mut fresh {
        fields.push(("Tags".into(), Node::Map(source.tags.iter().map(|(k, v)| (k.clone(), Node::str(v.clone()))).collect())));
    }
    create(call, ty, false, fresh)
}

/// Whether a record's fields include every field of `wanted`, equal.
fn holds_all(fields: &Node, wanted: &Node) -> bool {
    wanted.fields().iter().all(|(k, v)| fields.get(k, "").is_some_and(|f| f == v))
}

/// `RetryBuild(id)`: a new run with what the earlier one ran (recorded, not run, like it).
pub(super) fn retry(call: &Call, ty: usize, node: &Node) -> Result<Value, ServiceError> {
    let noun = call.ty(ty).noun.clone();
    let ids = identifiers(call, node, &noun, Pick::Identifiers);
    let earlier = call
        .records(|records| find(call.catalog, records, ty, &noun, &ids).map(|(_, r)| r.clone()))
        .ok_or_else(|| not_found(call, &noun, &describe_ids(&ids)))?;
    create(call, ty, false, earlier.fields)
}
