//! What the engine does for each operation of a service, decided once from
//! the schema: the resource types (nouns something creates or writes) and,
//! per operation, a plan on one of them or the reason it is not served.

use crate::words::{base_noun, singulars, split_verb, StateChange, VerbKind};
use simfra_model::{ServiceSchema, ShapeKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    /// The noun as operations spell it (`DBCluster`).
    pub noun: String,
    /// The type as ARNs spell it (`db-cluster`, or what the model's ARN
    /// patterns say: `apis` for AppSync's GraphqlApi).
    pub arn_type: String,
    /// What follows the type in the ARN: `/` mostly, `:` for RDS-style ARNs.
    pub arn_separator: char,
    /// Whether a `Create…`-like operation makes it (else only `Put`/`Update`
    /// write it: a configuration document or account setting).
    pub created: bool,
    /// Whether the engine serves at least one of its writes (a hand-written
    /// service may own the type, whose records then live elsewhere).
    pub engine_owned: bool,
    /// A run of something (`JobRun`, `Build`, `QueryExecution`): started, not
    /// created. Simfra records it and reports that it did not run.
    pub run: bool,
    /// Whether its ARN ends in its id rather than its name (operations
    /// address it by `…Id`).
    pub arn_uses_id: bool,
    /// Whether its reads or deletes find it by its name (then names are unique).
    pub named_address: bool,
    /// The identifier members its reads and deletes require (`FirewallRuleGroupId`,
    /// `FirewallDomainListId`): two records agreeing on all of them are one resource.
    pub address_members: Vec<&'static str>,
    /// An integer member numbering it within its parent (AppConfig's `DeploymentNumber`).
    pub number_member: Option<&'static str>,
    /// The status of requests (`AccountAssignmentCreationStatus`): recorded by
    /// the operations that answer one, read back by its `RequestId`.
    pub request_status: bool,
    /// The member reads address it by when it has no name of its own
    /// (`principalArn` of an EKS access entry): its value becomes the name.
    pub key_member: Option<&'static str>,
    /// The model's pattern for its ARN member, where one constrains it.
    pub arn_pattern: Option<&'static str>,
    /// `@pattern` and length limits of its generated identifier, if the model has them.
    pub id_pattern: Option<&'static str>,
    pub id_length: (Option<u64>, Option<u64>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// `upsert`: writing an existing resource replaces it instead of failing.
    Create { ty: usize, upsert: bool },
    Read { ty: usize },
    List { ty: usize },
    Update { ty: usize },
    Delete { ty: usize },
    State { ty: usize, change: StateChange },
    /// AWS's published answer (`DescribeAdjustmentTypes`): see `published.rs`.
    Published,
    /// An operation whose whole answer is the status of the request it
    /// makes (`ProvisionPermissionSet`): done at once, its status recorded.
    RequestOnly,
    /// `Copy…`/`Clone…`: a new resource from an existing one.
    Copy { ty: usize },
    /// `RetryBuild`: a new run of what an earlier run ran.
    Retry { ty: usize },
    /// `BatchGet…`: several reads in one request.
    BatchRead { ty: usize },
    /// `BatchCreate…`, `BatchDelete…`, `BatchUpdate…`: one write per entry,
    /// failures reported per entry.
    BatchWrite { ty: usize, each: BatchEach },
    /// A read of something nothing in the API creates (runs, builds,
    /// events): lists are empty, a named one does not exist.
    Absent { list: bool },
    Tag,
    Untag,
    ListTags,
    /// Not served, and why (shown in coverage and in the 501 message).
    Unserved(&'static str),
}

/// What a batch write does to each entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchEach {
    Create,
    Update,
    Delete,
}

impl Plan {
    /// The resource type the plan acts on, if one.
    pub fn resource_type(&self) -> Option<usize> {
        match *self {
            Plan::Create { ty, .. }
            | Plan::Read { ty }
            | Plan::List { ty }
            | Plan::Update { ty }
            | Plan::Delete { ty }
            | Plan::State { ty, .. }
            | Plan::BatchRead { ty }
            | Plan::BatchWrite { ty, .. }
            | Plan::Copy { ty }
            | Plan::Retry { ty } => Some(ty),
            _ => None,
        }
    }

    /// What the engine does, in a word (coverage listings); `None` when it does not serve the operation.
    pub fn role(&self) -> Option<&'static str> {
        Some(match self {
            Plan::Create { upsert: false, .. } => "create",
            Plan::Create { upsert: true, .. } => "put",
            Plan::Read { .. } => "read",
            Plan::List { .. } => "list",
            Plan::Update { .. } => "update",
            Plan::Delete { .. } => "delete",
            Plan::State { .. } => "state",
            Plan::BatchRead { .. } => "batch-read",
            Plan::BatchWrite { .. } => "batch-write",
            Plan::Copy { .. } => "copy",
            Plan::Retry { .. } => "retry",
            Plan::Published => "published",
            Plan::RequestOnly => "request",
            Plan::Absent { .. } => "absent",
            Plan::Tag | Plan::Untag | Plan::ListTags => "tags",
            Plan::Unserved(_) => return None,
        })
    }
}

pub struct Catalog {
    pub types: Vec<ResourceType>,
    /// One plan per operation, in `schema.operations` order.
    pub plans: Vec<Plan>,
}

/// Why operations outside the engine's verbs are not served.
pub const COMPUTED: &str = "computes its answer or runs software";
pub const RUNS: &str = "starts work Simfra does not run";
pub const BATCH: &str = "batch form";
pub const NO_WRITER: &str = "reads what AWS computes; nothing in the API writes it";
pub const HAND_OWNED: &str = "acts on a resource its hand-written service keeps, which does not serve this operation yet";
pub const CATALOG: &str = "answers from AWS's own catalog (versions, offerings, limits, quotas)";

/// Nouns of AWS's catalogs and computed views: an empty answer would mislead.
fn is_catalog(noun: &str) -> bool {
    const WORDS: &[&str] = &[
        "Version", "Offering", "Type", "Option", "Limit", "Quota", "Region", "Product", "Release", "Image",
        "Recommendation", "Statistic", "Insight", "Metric", "Summary", "Compliance", "Graph", "Credential", "Health",
        "Track", "Parameter", "Categor", "Attribute", "FoundationModel", "Trend", "Diff", "Difference", "Conflict",
        "Setting", "Status", "Progress", "Capacit", "Usage", "Blob", "Folder", "Token", "Count", "Result", "Scenario",
        "Preview", "Storage", "Information", "Sample", "Quota", "Limit",
    ];
    WORDS.iter().any(|w| noun.contains(w))
}

enum TagOp {
    Tag,
    Untag,
    List,
}

fn tag_op(op: &str) -> Option<TagOp> {
    let starts = |p: &str| op.strip_prefix(p).is_some_and(|r| r.is_empty() || r.starts_with(|c: char| c.is_ascii_uppercase()));
    if starts("Untag") {
        return Some(TagOp::Untag);
    }
    if starts("Tag") {
        return Some(TagOp::Tag);
    }
    let (_, kind, rest) = split_verb(op);
    if !base_noun(rest).ends_with("Tags") {
        return None;
    }
    match kind {
        VerbKind::Create | VerbKind::Put => Some(TagOp::Tag),
        VerbKind::Delete => Some(TagOp::Untag),
        VerbKind::Read | VerbKind::List => Some(TagOp::List),
        _ => None,
    }
}

impl Catalog {
    /// Whether a noun is one of the service's resource types.
    pub fn is_type(&self, noun: &str) -> bool {
        self.types.iter().any(|t| t.noun.eq_ignore_ascii_case(noun))
    }

    /// Whether a member names a resource of type `noun` itself (its name,
    /// id or ARN), counting the noun's first words where they are no type.
    pub fn names_itself(&self, member: &str, noun: &str) -> bool {
        let rel = crate::words::relative_name_with_heads(&member.to_ascii_lowercase(), noun, |h| self.is_type(h));
        matches!(rel.trim_end_matches('s'), "" | "name" | "id" | "arn" | "identifier" | "key")
    }

    /// `hand_written`: operations a hand-written service serves itself.
    pub fn build(schema: &'static ServiceSchema, hand_written: &[&str]) -> Catalog {
        let ops = schema.operations;
        let raw: Vec<(&str, VerbKind, &str)> = ops
            .iter()
            .map(|o| {
                let (verb, kind, rest) = split_verb(o.name);
                (verb, kind, base_noun(rest))
            })
            .collect();
        // Nouns other operations read, list or delete (plural forms included).
        let referenced = |noun: &str| {
            raw.iter().any(|(_, k, n)| {
                matches!(k, VerbKind::Read | VerbKind::List | VerbKind::Delete | VerbKind::Update)
                    && (*n == noun || singulars(n).iter().any(|s| s == noun))
            })
        };
        let split: Vec<(VerbKind, String)> = raw
            .iter()
            .map(|(verb, kind, noun)| {
                // `AssociateResolverRule` makes a `ResolverRuleAssociation`.
                let made = match *verb {
                    "Associate" | "Disassociate" | "Dissociate" => Some(format!("{noun}Association")),
                    "Attach" | "Detach" => Some(format!("{noun}Attachment")),
                    _ => None,
                };
                if let Some(m) = made.filter(|m| referenced(m)) {
                    return (*kind, m);
                }
                // `CreateHttpNamespace` makes one of the `Namespace`s that `GetNamespace` reads.
                if matches!(kind, VerbKind::Create) && !referenced(noun) {
                    if let Some(family) = crate::words::noun_tails(noun).skip(1).find(|s| referenced(s)) {
                        return (*kind, family.to_string());
                    }
                }
                (*kind, noun.to_string())
            })
            .collect();
        // Resource types: nouns something writes. `Create` nouns first; nouns
        // only `Put`/`Update`/`Enable` write are configuration documents.
        let mut types: Vec<ResourceType> = Vec::new();
        for (i, (kind, noun)) in split.iter().enumerate() {
            let noun = noun.as_str();
            if tag_op(ops[i].name).is_some() || not_stored(schema.name, ops[i].name).is_some() {
                continue;
            }
            let engine = !hand_written.contains(&ops[i].name);
            match kind {
                VerbKind::Create if !noun.is_empty() => {
                    add_type(&mut types, noun, true, engine);
                }
                VerbKind::Put if !noun.is_empty() => {
                    add_type(&mut types, noun, false, engine);
                }
                _ => {}
            }
        }
        // What `Start…`/`Submit…`/`Run…` begin, when other operations read it: a run.
        for (i, op) in ops.iter().enumerate() {
            let noun = split[i].1.as_str();
            let starts = matches!(split[i].0, VerbKind::State(StateChange::Start)) || op.name.starts_with("Submit") || op.name.starts_with("Run");
            let noun = run_noun(op.name).unwrap_or(noun);
            if starts && !noun.is_empty() && referenced(noun) && !types.iter().any(|t| t.noun == noun) {
                let ty = add_type(&mut types, noun, true, !hand_written.contains(&op.name));
                types[ty].run = true;
            }
        }
        // Statuses of requests operations answer (`{ AccountAssignmentCreationStatus: { RequestId, Status, … } }`).
        for op in ops.iter() {
            for m in schema.shape(op.output).members {
                let target = schema.shape(m.target);
                if target.kind == ShapeKind::Structure && target.member("RequestId").is_some() && target.member("Status").is_some() {
                    let ty = add_type(&mut types, m.name, true, !hand_written.contains(&op.name));
                    types[ty].request_status = true;
                }
            }
        }
        // What `Purchase…Offering` buys: a reservation (`ReservedNode`), when something lists them.
        for op in ops.iter() {
            if let Some(bought) = purchased(op.name) {
                let noun = singulars(bought).into_iter().find(|s| referenced(s)).unwrap_or_else(|| bought.to_string());
                if referenced(&noun) {
                    add_type(&mut types, &noun, true, !hand_written.contains(&op.name));
                }
            }
        }
        // Resources whose creation is work Simfra does not do (yet): recorded, and reported as not run.
        for t in types.iter_mut() {
            if NOT_RUN.contains(&(schema.name, t.noun.as_str())) {
                t.run = true;
            }
        }
        // Nouns only updated or enabled are settings too, when something reads them.
        for (i, (kind, noun)) in split.iter().enumerate() {
            let noun = noun.as_str();
            let engine = !hand_written.contains(&ops[i].name);
            let read = split.iter().any(|(k, n)| matches!(k, VerbKind::Read) && n == noun);
            if matches!(kind, VerbKind::Update | VerbKind::State(StateChange::Enable | StateChange::Disable)) && read && !noun.is_empty() {
                add_type(&mut types, noun, false, engine);
            }
        }
        let find = |noun: &str| types.iter().position(|t| t.noun == noun);
        let find_plural = |noun: &str| singulars(noun).iter().find_map(|s| find(s));
        let mut plans = Vec::with_capacity(ops.len());
        for (i, op) in ops.iter().enumerate() {
            if let Some(t) = tag_op(op.name) {
                plans.push(match t {
                    TagOp::Tag => Plan::Tag,
                    TagOp::Untag => Plan::Untag,
                    TagOp::List => Plan::ListTags,
                });
                continue;
            }
            let (kind, noun) = (split[i].0, split[i].1.as_str());
            // `GetDistributionConfig`, `UpdateNodegroupVersion`: an aspect of a resource type.
            let aspect_of = |aspects: Option<&[&str]>| {
                crate::words::noun_heads(noun).find_map(|(prefix, rest)| {
                    let ty = find(prefix)?;
                    aspects.is_none_or(|a| a.contains(&rest)).then_some(ty)
                })
            };
            // `EnableLogging(ClusterIdentifier)`: a write to the resource the request names.
            // A type its full noun names first (`ClusterIdentifier`), else one
            // a tail of its noun names (`SnapshotIdentifier` of a `ClusterSnapshot`).
            let written: Option<usize> = {
                // Required identifiers; where there are none, any (`SnapshotIdentifier` or `SnapshotArn`).
                let members = schema.shape(op.input).members;
                let mut required: Vec<&simfra_model::Member> = members.iter().filter(|m| m.is_required() && crate::words::is_identifier_name(m.name)).collect();
                if required.is_empty() {
                    required = members.iter().filter(|m| crate::words::is_identifier_name(m.name)).collect();
                }
                let candidates = |exact: bool| {
                    required.iter().find_map(|m| {
                        types.iter().position(|t| {
                            t.created
                                && !t.run
                                && if exact {
                                    member_names(m.name, &t.noun)
                                } else {
                                    crate::words::noun_tails(&t.noun).skip(1).any(|tail| member_names(m.name, tail))
                                }
                        })
                    })
                };
                candidates(true).or_else(|| candidates(false))
            };
            let plan = if let Some(why) = not_stored(schema.name, op.name) {
                Plan::Unserved(why)
            } else if crate::published::answer(schema.name, op.name).is_some() {
                Plan::Published
            } else if let Some(rest) = op.name.strip_prefix("BatchGet").or_else(|| op.name.strip_prefix("BatchDescribe")) {
                match find_plural(base_noun(rest)).or_else(|| find(base_noun(rest))) {
                    Some(ty) => Plan::BatchRead { ty },
                    None => Plan::Unserved(BATCH),
                }
            } else if let Some(rest) = op.name.strip_prefix("Batch") {
                let (_, each_kind, nouns) = split_verb(rest);
                let each = match each_kind {
                    VerbKind::Create | VerbKind::Put => Some(BatchEach::Create),
                    VerbKind::Update => Some(BatchEach::Update),
                    VerbKind::Delete => Some(BatchEach::Delete),
                    _ => None,
                };
                let nouns = base_noun(nouns);
                match (each, find_plural(nouns).or_else(|| find(nouns))) {
                    (Some(each), Some(ty)) => Plan::BatchWrite { ty, each },
                    _ => Plan::Unserved(BATCH),
                }
            } else {
                match kind {
                    VerbKind::Create | VerbKind::Put => match find(noun) {
                        Some(ty) => Plan::Create { ty, upsert: kind == VerbKind::Put || !op.name.starts_with("Create") },
                        // `AuthorizeSnapshotAccess(SnapshotIdentifier)`: a write to the snapshot.
                        None => match written {
                            Some(ty) => Plan::Update { ty },
                            None => Plan::Unserved(COMPUTED),
                        },
                    },
                    VerbKind::Read => match (find(noun), find_plural(noun), aspect_of(Some(ASPECTS))) {
                        (Some(ty), _, _) => Plan::Read { ty },
                        (None, Some(ty), _) => Plan::List { ty },
                        (None, None, Some(ty)) => Plan::Read { ty },
                        _ => absent(schema, op, noun, false),
                    },
                    VerbKind::List => match find_plural(noun).or_else(|| find(noun)) {
                        Some(ty) => Plan::List { ty },
                        None => absent(schema, op, noun, true),
                    },
                    VerbKind::Update => match find(noun).or_else(|| aspect_of(None)).or(written) {
                        Some(ty) => Plan::Update { ty },
                        None => missing_target(schema, op, noun),
                    },
                    VerbKind::Delete => match (find(noun), written) {
                        (Some(ty), _) => Plan::Delete { ty },
                        // `RevokeSnapshotAccess(SnapshotIdentifier)`: a write to the snapshot.
                        (None, Some(ty)) if op.name.starts_with("Revoke") || op.name.starts_with("Deauthorize") => Plan::Update { ty },
                        _ => missing_target(schema, op, noun),
                    },
                    VerbKind::State(StateChange::Start) if find(noun).is_some_and(|t| types[t].run) => {
                        Plan::Create { ty: find(noun).unwrap_or(0), upsert: false }
                    }
                    VerbKind::State(change) => match find(noun) {
                        Some(ty) => Plan::State { ty, change },
                        None if written.is_some() => Plan::Update { ty: written.unwrap_or(0) },
                        _ if change == StateChange::Start => Plan::Unserved(RUNS),
                        _ if matches!(change, StateChange::Stop | StateChange::Cancel) => missing_target(schema, op, noun),
                        _ => Plan::Unserved(COMPUTED),
                    },
                    VerbKind::Other if purchased(op.name).is_some_and(|b| find(b).or_else(|| find_plural(b)).is_some()) => {
                        let bought = purchased(op.name).unwrap_or_default();
                        Plan::Create { ty: find(bought).or_else(|| find_plural(bought)).unwrap_or(0), upsert: false }
                    }
                    VerbKind::Other if op.name.strip_prefix("Retry").map(base_noun).and_then(find).is_some_and(|t| types[t].run) => {
                        Plan::Retry { ty: op.name.strip_prefix("Retry").map(base_noun).and_then(find).unwrap_or(0) }
                    }
                    VerbKind::Other if copied(op.name).and_then(find).is_some_and(|t| types[t].created) => {
                        Plan::Copy { ty: copied(op.name).and_then(find).unwrap_or(0) }
                    }
                    VerbKind::Other if run_noun(op.name).and_then(find).is_some_and(|t| types[t].run) => {
                        Plan::Create { ty: run_noun(op.name).and_then(find).unwrap_or(0), upsert: false }
                    }
                    VerbKind::Other if WRITES.iter().any(|v| op.name.starts_with(v)) && written.is_some() => {
                        Plan::Update { ty: written.unwrap_or(0) }
                    }
                    VerbKind::Other if schema.shape(op.output).members.iter().any(|m| find(m.name).is_some_and(|t| types[t].request_status)) => {
                        Plan::RequestOnly
                    }
                    VerbKind::Other if ACTS_ON_EXISTING.iter().any(|v| op.name.starts_with(v)) => missing_target(schema, op, noun),
                    VerbKind::Other => Plan::Unserved(COMPUTED),
                }
            };
            plans.push(plan);
        }
        // A type whose writes the hand-written service serves lives in that
        // service's own store: the engine's records would disagree with it.
        let hand_owned_types = types.iter().any(|t| t.created && !t.engine_owned);
        for plan in plans.iter_mut() {
            let ty = match *plan {
                // Tags of resources the engine does not keep would be lost or refused.
                Plan::Tag | Plan::Untag | Plan::ListTags if hand_owned_types => {
                    *plan = Plan::Unserved(HAND_OWNED);
                    continue;
                }
                p => match p.resource_type() {
                    Some(ty) => ty,
                    None => continue,
                },
            };
            if !types[ty].engine_owned {
                *plan = Plan::Unserved(HAND_OWNED);
            }
        }
        let nouns: Vec<String> = types.iter().map(|t| t.noun.clone()).collect();
        for (i, t) in types.iter_mut().enumerate() {
            // Runs share names; their ARNs end in their ids.
            t.arn_uses_id = t.run || ops.iter().zip(plans.iter()).any(|(op, p)| {
                matches!(p, Plan::Read { ty } | Plan::Delete { ty } if *ty == i)
                    && schema.shape(op.input).members.iter().any(|m| {
                        m.is_required() && {
                            let lower = m.name.to_ascii_lowercase();
                            lower.ends_with("id") && !lower.ends_with("name")
                        }
                    })
            });
            let (pattern, length) = identifier_constraints(schema, &t.noun);
            t.id_pattern = pattern;
            t.id_length = length;
            // What its reads and deletes address it by: the member naming it
            // (its constraints are its id's or ARN's), else the last required
            // identifier that names nothing else.
            let addressing: Vec<&simfra_model::Member> = ops
                .iter()
                .zip(plans.iter())
                .filter(|(_, p)| matches!(p, Plan::Read { ty } | Plan::Delete { ty } if *ty == i))
                .flat_map(|(op, _)| {
                    // Its required members; where none identifies anything (X-Ray's
                    // `GetGroup(GroupName?, GroupARN?)`), its optional identifiers.
                    let members = schema.shape(op.input).members;
                    let ident = |m: &simfra_model::Member| crate::words::is_identifier_name(m.name) || crate::words::names_itself(m.name, &t.noun);
                    let required_ident = members.iter().any(|m| m.is_required() && ident(m));
                    members.iter().filter(move |m| if required_ident { m.is_required() } else { ident(m) })
                })
                .collect();
            // Ids first; a name's pattern only where there is no id (AppSync's `typeName`).
            for wanted in [["id", "identifier", "arn"], ["name", "name", "name"]] {
                for m in &addressing {
                    let rel = crate::words::relative_name_with_heads(&m.name.to_ascii_lowercase(), &t.noun, |h| nouns.iter().any(|n| n.eq_ignore_ascii_case(h)));
                    if !wanted.contains(&rel.as_str()) {
                        continue;
                    }
                    let pattern = m.constraints.pattern;
                    let arn_like = pattern.is_some_and(|p| p.contains("arn:"));
                    if arn_like || rel == "arn" {
                        // Bedrock's `jobIdentifier` takes the job's ARN.
                        if t.arn_pattern.is_none() {
                            t.arn_pattern = pattern;
                        }
                    } else if t.id_pattern.is_none() && pattern.is_some() {
                        t.id_pattern = pattern;
                        t.id_length = (m.constraints.length_min, m.constraints.length_max);
                    }
                }
            }
            // An ARN pattern ending in the id's pattern (`…:model-invocation-job/)?[a-z0-9]{12})$`) says the id's form.
            // The ARN its reads take says its type segment (`provisioned-model/` of a
            // `ProvisionedModelThroughput`) and the form of its id.
            if let Some((seg, separator)) = t.arn_pattern.and_then(arn_segment) {
                t.arn_type = seg.to_string();
                t.arn_separator = separator;
            }
            if t.id_pattern.is_none_or(|p| p.contains("arn:")) {
                if let Some(tail) = t.arn_pattern.or(t.id_pattern).and_then(arn_tail_pattern) {
                    t.id_pattern = Some(tail);
                    t.id_length = (None, None);
                }
            }
            // Found by its name (`…Identifier`s take names too: RDS's, Bedrock's):
            // two of one name could not be told apart.
            let is_type = |h: &str| nouns.iter().any(|n| n.eq_ignore_ascii_case(h));
            t.named_address = addressing
                .iter()
                .any(|m| matches!(crate::words::relative_name_with_heads(&m.name.to_ascii_lowercase(), &t.noun, is_type).as_str(), "" | "name" | "identifier"));
            // Every required addressing member; all must be identifier strings for
            // them to key the resource (Glue's partitions are keyed by a list of values too).
            let required_addressing: Vec<&simfra_model::Member> = addressing.iter().copied().filter(|m| m.is_required()).collect();
            t.address_members = if required_addressing.iter().all(|m| schema.shape(m.target).kind == ShapeKind::String && crate::words::is_identifier_name(m.name)) {
                required_addressing.iter().map(|m| m.name).collect()
            } else {
                Vec::new()
            };
            t.address_members.dedup();
            t.number_member = addressing
                .iter()
                .find(|m| {
                    m.is_required()
                        && schema.shape(m.target).kind.is_integer()
                        // `DeploymentNumber`, `Id`, or the noun itself (RAM's `permissionVersion`).
                        && (crate::words::is_identifier_name(m.name) || m.name.ends_with("Number") || m.name.eq_ignore_ascii_case(&t.noun) || crate::words::is_noun_tail(m.name, &t.noun))
                })
                .map(|m| m.name);
            // Addressed by id or ARN only: names may repeat, so ARNs end in ids.
            if !addressing.is_empty() && !t.named_address {
                t.arn_uses_id = true;
            }
            let others: Vec<String> = nouns.iter().filter(|n| **n != t.noun).cloned().collect();
            t.key_member = addressing
                .iter()
                .rev()
                .find(|m| {
                    crate::words::is_identifier_name(m.name)
                        && !crate::words::names_itself(m.name, &t.noun)
                        && !others.iter().any(|o| crate::words::names_itself(m.name, o) && m.name.to_ascii_lowercase().starts_with(&o.to_ascii_lowercase()))
                })
                .map(|m| m.name)
                .filter(|_| !addressing.iter().any(|m| crate::words::names_itself(m.name, &t.noun)));
            if let Some((arn_type, separator, tail)) = arn_pattern_for(schema, &t.noun) {
                t.arn_type = arn_type;
                t.arn_separator = separator;
                if t.id_pattern.is_none() {
                    t.id_pattern = tail;
                }
            }
        }
        Catalog { types, plans }
    }
}

/// Operations a stored answer would misrepresent although their names read
/// like writes or reads, with the reason.
const NOT_STORED: &[(&str, &[&str], &str)] = &[
    (
        "cloudcontrol",
        &["CreateResource", "UpdateResource", "DeleteResource", "GetResource", "ListResources", "GetResourceRequestStatus", "ListResourceRequests", "CancelResourceRequest"],
        "acts on other services' resources through their CloudFormation resource types",
    ),
    (
        "codecommit",
        &["CreateCommit", "PutFile", "DeleteFile", "CreateBranch", "CreateUnreferencedMergeCommit"],
        "needs the repository's git objects, which Simfra does not keep",
    ),
];

fn not_stored(service: &str, op: &str) -> Option<&'static str> {
    NOT_STORED.iter().find(|(s, ops, _)| *s == service && ops.contains(&op)).map(|(_, _, why)| *why)
}

/// Types whose creation provisions other resources: a stored "complete"
/// would tell a deployment tool (CDK, CloudFormation) that work was done.
const NOT_RUN: &[(&str, &str)] = &[("cloudformation", "Stack"), ("cloudformation", "StackInstances")];

/// Verbs (outside the engine's own) that change a resource's settings.
const WRITES: &[&str] = &[
    "Configure", "Apply", "Reset", "Rotate", "Share", "Unshare", "Upgrade", "Resize",
    "Failover", "Promote", "Renew", "Restore", "Move", "Reorder", "Replace", "Invalidate", "Flush", "Record", "Enter", "Exit",
    "Complete",
];

/// Whether a member (`ClusterIdentifier`, `clusterName`) names a resource of type `noun`.
fn member_names(member: &str, noun: &str) -> bool {
    let m = member.to_ascii_lowercase();
    let n = noun.to_ascii_lowercase();
    m.strip_prefix(&n).is_some_and(|rest| matches!(rest, "name" | "id" | "arn" | "identifier"))
}

/// What `PurchaseReservedNodeOffering` buys (`ReservedNode`; `ReservedNodes` for MemoryDB's plural).
fn purchased(op: &str) -> Option<&str> {
    op.strip_prefix("Purchase")?.strip_suffix("Offering").filter(|n| !n.is_empty())
}

/// What `CopyClusterSnapshot`, `CloneReceiptRuleSet` copy (`ClusterSnapshot`, `ReceiptRuleSet`).
fn copied(op: &str) -> Option<&str> {
    ["Copy", "Clone"].iter().find_map(|v| op.strip_prefix(v)).map(base_noun).filter(|n| !n.is_empty())
}

/// What `SubmitJob`, `RunJobFlow`, `StartBuild` begin (`Job`, `JobFlow`, `Build`).
fn run_noun(op: &str) -> Option<&str> {
    ["Submit", "Run", "Start"].iter().find_map(|v| op.strip_prefix(v)).map(base_noun).filter(|n| !n.is_empty())
}

/// Verbs that act on something that must already exist (an invitation, a run, a request).
const ACTS_ON_EXISTING: &[&str] = &["Accept", "Reject", "Decline", "Revoke", "Retry", "Rollback", "Terminate", "Acknowledge", "Unlink", "Override", "Resume", "Continue", "Skip"];

/// An operation on a named thing nothing in the API creates: that thing
/// cannot exist, so the answer is the model's not-found error.
fn missing_target(schema: &ServiceSchema, op: &simfra_model::Operation, noun: &str) -> Plan {
    let input = schema.shape(op.input);
    let named = input.members.iter().any(|m| m.is_required() && crate::words::is_identifier_name(m.name));
    if named && !is_catalog(noun) {
        Plan::Absent { list: false }
    } else {
        Plan::Unserved(COMPUTED)
    }
}

/// The plan for reading a noun nothing creates: runs and events nobody
/// started are truly absent; catalogs and computed views are not served.
fn absent(schema: &ServiceSchema, op: &simfra_model::Operation, noun: &str, list: bool) -> Plan {
    if is_catalog(noun) {
        return Plan::Unserved(CATALOG);
    }
    let input = schema.shape(op.input);
    let plural = op.paginated.is_some() || singulars(noun).iter().any(|s| !s.is_empty() && noun != s);
    let named = input.members.iter().any(|m| m.is_required() && crate::words::is_identifier_name(m.name));
    match (list || plural, named) {
        (true, _) => Plan::Absent { list: true },
        (false, true) => Plan::Absent { list: false },
        (false, false) => Plan::Unserved(NO_WRITER),
    }
}

/// Adds a resource type (or widens an existing one); answers its index.
fn add_type(types: &mut Vec<ResourceType>, noun: &str, created: bool, engine: bool) -> usize {
    if let Some(i) = types.iter().position(|t| t.noun == noun) {
        types[i].created |= created;
        types[i].engine_owned |= engine;
        return i;
    }
    types.push(ResourceType {
        noun: noun.to_string(),
        arn_type: crate::words::kebab(noun),
        arn_separator: '/',
        created,
        engine_owned: engine,
        run: false,
        arn_uses_id: false,
        named_address: false,
        request_status: false,
        address_members: Vec::new(),
        number_member: None,
        key_member: None,
        arn_pattern: None,
        id_pattern: None,
        id_length: (None, None),
    });
    types.len() - 1
}

/// Words after a resource type's noun that name a view of it, not another thing.
const ASPECTS: &[&str] = &[
    "Config", "Configuration", "Settings", "Setting", "Attributes", "Attribute", "Details", "Detail", "Info", "Status",
    "Description", "Summary", "Properties", "Metadata", "State", "Options", "Info", "Data", "Definition",
];

/// The alternative of a pattern that describes an ARN (patterns often allow
/// `arn:…/id` or the bare id: `^(arn:…)|^([0-9a-zA-Z][_-]?){1,63}$`).
pub(crate) fn arn_alternative(p: &'static str) -> &'static str {
    let mut depth = 0i32;
    let mut start = 0;
    let mut parts = Vec::new();
    for (i, c) in p.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            '|' if depth == 0 => {
                parts.push(&p[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&p[start..]);
    parts.into_iter().find(|a| a.contains("arn:")).unwrap_or(p)
}

/// The pattern after an ARN pattern's last `/` (`[a-z0-9]{12}` of
/// `^((arn:…:model-invocation-job/)?[a-z0-9]{12})$`), when it reads alone.
fn arn_tail_pattern(p: &'static str) -> Option<&'static str> {
    let p = arn_alternative(p);
    let mut tail = &p[p.rfind('/')? + 1..];
    tail = tail.trim_end_matches('$');
    let depth = |s: &str| s.matches('(').count() as i64 - s.matches(')').count() as i64;
    // The close of an optional ARN prefix (`)?`) before the id, and groups closing after it.
    while depth(tail) < 0 && tail.starts_with(')') {
        tail = tail[1..].trim_start_matches(['?', '*']);
    }
    while depth(tail) < 0 && tail.ends_with(')') {
        tail = &tail[..tail.len() - 1];
    }
    (depth(tail) == 0 && !tail.is_empty() && !tail.contains('|') && crate::ids::from_pattern(tail).is_some()).then_some(tail)
}

/// What the model's ARN patterns say of a type's ARNs: the resource type
/// segment (`apis`), its separator, and the pattern of the id after it
/// (`[0-9A-Za-z_-]{26}`), from patterns like
/// `^arn:aws:appsync:[A-Za-z0-9_/.-]{0,63}:\d{12}:apis/[0-9A-Za-z_-]{26}$`.
fn arn_pattern_for(schema: &ServiceSchema, noun: &str) -> Option<(String, char, Option<&'static str>)> {
    let ns = format!(":{}:", schema.arn_namespace);
    let noun_l = noun.to_ascii_lowercase();
    let patterns = schema.shapes.iter().flat_map(|s| s.members.iter().filter_map(|m| m.constraints.pattern)).chain(schema.shapes.iter().filter_map(|s| s.constraints.pattern));
    for p in patterns {
        if !p.starts_with("^arn:") || !p.contains(&ns) || p.contains('|') {
            continue;
        }
        let Some((seg, separator)) = arn_segment(p) else { continue };
        let norm = seg.replace('-', "");
        let singular = norm.strip_suffix('s').unwrap_or(&norm);
        if singular.is_empty() || !(noun_l == norm || noun_l == singular || noun_l.ends_with(singular)) {
            continue;
        }
        return Some((seg.to_string(), separator, arn_tail_pattern(p)));
    }
    None
}

/// The resource type segment of an ARN pattern and what follows it: the
/// literal after the account (`\d{12}:` or `[0-9]{12}:`): (`provisioned-model`, `/`).
fn arn_segment(p: &'static str) -> Option<(&'static str, char)> {
    let pos = p.find("{12}:")?;
    let rest = &p[pos + 5..];
    let seg_len = rest.bytes().take_while(|b| b.is_ascii_lowercase() || *b == b'-').count();
    let (seg, after) = rest.split_at(seg_len);
    let separator = after.chars().next().filter(|c| *c == '/' || *c == ':')?;
    (!seg.is_empty()).then_some((seg, separator))
}

/// The model's constraints on a resource's identifier member (`FileSystemId`:
/// `^fs-[0-9a-f]{8,40}$`), found on any structure that names it.
fn identifier_constraints(schema: &ServiceSchema, noun: &str) -> (Option<&'static str>, (Option<u64>, Option<u64>)) {
    let wanted = [format!("{noun}Id"), format!("{noun}Identifier")];
    for s in schema.shapes.iter().filter(|s| s.kind == ShapeKind::Structure) {
        for m in s.members {
            if wanted.iter().any(|w| w.eq_ignore_ascii_case(m.name)) && schema.shape(m.target).kind == ShapeKind::String {
                let c = m.constraints;
                if c.pattern.is_some() || c.length_max.is_some() {
                    return (c.pattern, (c.length_min, c.length_max));
                }
            }
        }
    }
    (None, (None, None))
}
