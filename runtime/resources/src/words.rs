//! Reading operation and member names: the verb an operation starts with, the
//! noun it acts on, plural and singular forms, and which member names are
//! identifiers. AWS names operations `<Verb><Noun>` with remarkable
//! consistency, which is what lets one engine serve thousands of them.

/// What a verb does to the resource its noun names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerbKind {
    /// Makes a new resource (an identifier may be generated).
    Create,
    /// Writes a resource whether or not it exists (configuration documents).
    Put,
    Read,
    /// `List…`, or `Describe…` of a plural noun.
    List,
    Update,
    Delete,
    /// Changes a resource's state field (start, stop, enable …).
    State(StateChange),
    /// Anything else: the answer would have to be computed or software run.
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateChange {
    Start,
    Stop,
    Enable,
    Disable,
    Cancel,
    Reboot,
}

/// Verbs by what they do. Longer verbs first where one is a prefix of another.
const VERBS: &[(&str, VerbKind)] = &[
    ("Create", VerbKind::Create),
    ("Register", VerbKind::Create),
    ("Allocate", VerbKind::Create),
    ("Import", VerbKind::Create),
    ("Associate", VerbKind::Create),
    ("Attach", VerbKind::Create),
    ("Add", VerbKind::Create),
    ("Request", VerbKind::Create),
    ("Grant", VerbKind::Create),
    ("Authorize", VerbKind::Create),
    ("Put", VerbKind::Put),
    ("Set", VerbKind::Put),
    ("Get", VerbKind::Read),
    ("Describe", VerbKind::Read),
    ("List", VerbKind::List),
    ("Update", VerbKind::Update),
    ("Modify", VerbKind::Update),
    ("Change", VerbKind::Update),
    ("Delete", VerbKind::Delete),
    ("Deregister", VerbKind::Delete),
    ("Remove", VerbKind::Delete),
    ("Disassociate", VerbKind::Delete),
    ("Dissociate", VerbKind::Delete),
    ("Detach", VerbKind::Delete),
    ("Release", VerbKind::Delete),
    ("Revoke", VerbKind::Delete),
    ("Deauthorize", VerbKind::Delete),
    ("Start", VerbKind::State(StateChange::Start)),
    ("Resume", VerbKind::State(StateChange::Start)),
    ("Stop", VerbKind::State(StateChange::Stop)),
    ("Suspend", VerbKind::State(StateChange::Stop)),
    ("Pause", VerbKind::State(StateChange::Stop)),
    ("Enable", VerbKind::State(StateChange::Enable)),
    ("Disable", VerbKind::State(StateChange::Disable)),
    ("Cancel", VerbKind::State(StateChange::Cancel)),
    ("Reboot", VerbKind::State(StateChange::Reboot)),
];

/// `DescribeDBClusters` → ("Describe", kind, "DBClusters"). Operations whose
/// first word is no known verb come back as `Other` with the whole name.
pub fn split_verb(op: &str) -> (&'static str, VerbKind, &str) {
    for (verb, kind) in VERBS {
        if let Some(rest) = op.strip_prefix(verb) {
            if rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_uppercase()) {
                return (verb, *kind, rest);
            }
        }
    }
    ("", VerbKind::Other, op)
}

/// The noun phrase without qualifiers AWS appends (`AliasesByFunction` →
/// `Aliases`, `TagsForResource` → `Tags`, `ClusterV2` → `Cluster`).
pub fn base_noun(noun: &str) -> &str {
    let mut n = noun;
    for sep in ["For", "By", "In", "Of", "From", "With"] {
        // Split at a word boundary: the separator followed by an upper-case letter.
        let mut search = 1;
        while let Some(pos) = n[search..].find(sep).map(|p| p + search) {
            let after = &n[pos + sep.len()..];
            if after.starts_with(|c: char| c.is_ascii_uppercase()) {
                n = &n[..pos];
                break;
            }
            search = pos + 1;
        }
    }
    // `ClusterV2`: a second version of the same resource.
    let no_digits = n.trim_end_matches(|c: char| c.is_ascii_digit());
    match no_digits.strip_suffix('V') {
        Some(base) if no_digits.len() < n.len() && !base.is_empty() => base,
        _ => n,
    }
}

/// Candidate singular forms of a plural noun, most likely first.
pub fn singulars(noun: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(s) = noun.strip_suffix("ies") {
        out.push(format!("{s}y"));
    }
    for suffix in ["sses", "xes", "ches", "shes", "zes", "ses"] {
        if let Some(s) = noun.strip_suffix(suffix) {
            out.push(format!("{s}{}", &suffix[..suffix.len() - 2]));
        }
    }
    if let Some(s) = noun.strip_suffix("Statuses") {
        out.push(format!("{s}Status"));
    }
    if let Some(s) = noun.strip_suffix('s') {
        if !s.ends_with('s') {
            out.push(s.to_string());
        }
    }
    if let Some(s) = noun.strip_suffix("Data") {
        out.push(format!("{s}Data"));
    }
    out
}

/// Whether a member name reads as an identifier of something.
pub fn is_identifier_name(name: &str) -> bool {
    let n = name.trim_start_matches('_');
    const ENDINGS: &[&str] = &["Name", "Id", "ID", "Arn", "ARN", "Identifier", "Ids", "Names", "Arns", "ARNs", "Identifiers", "Key", "Uri", "URI"];
    const EXACT: &[&str] = &["name", "id", "arn", "identifier", "key"];
    EXACT.contains(&n.to_ascii_lowercase().as_str()) || ENDINGS.iter().any(|e| n.ends_with(e) && n.len() > e.len())
        || ["name", "id", "arn", "identifier"].iter().any(|e| n.ends_with(e) && n.len() > e.len() && n[..n.len() - e.len()].ends_with(|c: char| c.is_ascii_lowercase()))
}

/// Member names that steer a request rather than describe a resource.
pub fn is_control_member(name: &str) -> bool {
    const CONTROL: &[&str] = &[
        "DryRun", "MaxResults", "MaxItems",
        "MaxRecords", "NextToken", "Marker", "nextToken", "maxResults", "Limit",
        "PageSize", "StartingToken", "ExpectedBucketOwner",
    ];
    CONTROL.contains(&name)
}

/// Idempotency tokens: kept with the resource (outputs echo some of them),
/// never what identifies it.
pub const TOKEN_MEMBERS: &[&str] = &[
    "ClientToken", "ClientRequestToken", "IdempotencyToken", "CallerReference", "CreationToken", "CreatorRequestId",
    "clientToken", "clientRequestToken", "idempotencyToken", "creatorRequestId",
];

pub fn is_token_member(name: &str) -> bool {
    TOKEN_MEMBERS.contains(&name)
}

/// `DBClusterSnapshot` → `db-cluster-snapshot`, as resource types appear in ARNs.
pub fn kebab(noun: &str) -> String {
    let mut out = String::new();
    let mut last = 0;
    for i in word_starts(noun).into_iter().chain(std::iter::once(noun.len())) {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&noun[last..i].to_ascii_lowercase());
        last = i;
    }
    out
}

/// Whether two member names mean the same field: equal ignoring case, or one
/// is the other with the resource's noun in front (`ClusterName` ~ `Name`).
pub fn same_field(a: &str, b: &str, noun: &str) -> bool {
    if a.eq_ignore_ascii_case(b) {
        return true;
    }
    let strip = |s: &str| -> Option<String> {
        (s.len() > noun.len() && s[..noun.len()].eq_ignore_ascii_case(noun)).then(|| s[noun.len()..].to_ascii_lowercase())
    };
    match (strip(a), strip(b)) {
        (Some(x), None) => x == b.to_ascii_lowercase(),
        (None, Some(y)) => y == a.to_ascii_lowercase(),
        _ => false,
    }
}

/// The noun and its shorter word-suffixes (`ReceiptRule`, `Rule`), which
/// members often use for the resource (`Rule: {…}`, `RuleName`).
pub fn noun_tails(noun: &str) -> impl Iterator<Item = &str> {
    std::iter::once(noun).chain(word_starts(noun).into_iter().map(move |i| &noun[i..]))
}

/// Where the words of a noun start, after the first (`IPSet` → [2], `DBClusterSnapshot` → [2, 9]):
/// an upper-case letter after a lower-case one or a digit, or the last
/// capital of an acronym followed by a lower-case letter.
fn word_starts(noun: &str) -> Vec<usize> {
    let c: Vec<char> = noun.chars().collect();
    (1..c.len())
        .filter(|&i| {
            c[i].is_ascii_uppercase()
                && (c[i - 1].is_ascii_lowercase() || c[i - 1].is_ascii_digit() || (c[i - 1].is_ascii_uppercase() && c.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())))
        })
        .collect()
}

/// The noun's first words, longest first (`ProvisionedModel`, `Provisioned` of a `ProvisionedModelThroughput`).
pub fn noun_heads(noun: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut cuts = word_starts(noun);
    cuts.reverse();
    cuts.into_iter().map(move |i| (&noun[..i], &noun[i..]))
}

/// A lower-cased member name without the noun (or one of its tails) in
/// front: `graphqlapiid`, `apiid` → `id` for a `GraphqlApi`; `rulename` → `name`
/// for a `ReceiptRule`. The whole noun alone gives the empty string.
pub fn relative_name(lower: &str, noun: &str) -> String {
    for tail in noun_tails(noun) {
        if let Some(rest) = lower.strip_prefix(tail.to_ascii_lowercase().as_str()) {
            return rest.to_string();
        }
    }
    lower.to_string()
}

/// `relative_name`, also stripping the noun's first words where they name
/// no other type (`EndpointName` → `name` for an `EndpointAccess`, but a
/// `ClusterSnapshot`'s `ClusterIdentifier` stays its cluster's).
pub fn relative_name_with_heads(lower: &str, noun: &str, is_type: impl Fn(&str) -> bool) -> String {
    let rel = relative_name(lower, noun);
    if rel != lower {
        return rel;
    }
    for (head, _) in noun_heads(noun) {
        let h = head.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix(h.as_str()) {
            // A one-word head is a weak sign: enough for a name (`EndpointName`
            // of an `EndpointAccess`), not for an id (`modelId` of a
            // `ModelInvocationJob` is its model's, `AccountId` its account's).
            let one_word = word_starts(head).is_empty();
            if !rest.is_empty() && !is_type(head) && (!one_word || rest == "name") {
                return rest.to_string();
            }
        }
    }
    rel
}

/// Whether a member names the resource itself (`Name`, `ClusterArn`,
/// `apiId`, `Identifier`, or the noun alone: S3's `Bucket`).
pub fn names_itself(member: &str, noun: &str) -> bool {
    let rel = relative_name(&member.to_ascii_lowercase(), noun);
    matches!(rel.trim_end_matches('s'), "" | "name" | "id" | "arn" | "identifier" | "key")
}

/// Whether a member or shape name is the noun or one of its tails (`Snapshot` for a `ClusterSnapshot`).
pub fn is_noun_tail(name: &str, noun: &str) -> bool {
    noun_tails(noun).any(|t| t.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbs_and_nouns() {
        assert_eq!(split_verb("DescribeDBClusters").2, "DBClusters");
        assert_eq!(split_verb("Deregister").1, VerbKind::Delete);
        assert_eq!(split_verb("Settle").1, VerbKind::Other);
        assert_eq!(split_verb("StartQueryExecution").1, VerbKind::State(StateChange::Start));
        assert_eq!(base_noun("TagsForResource"), "Tags");
        assert_eq!(base_noun("AliasesByFunction"), "Aliases");
        assert_eq!(base_noun("Information"), "Information");
        assert_eq!(base_noun("ClusterV2"), "Cluster");
    }

    #[test]
    fn plurals() {
        assert!(singulars("Policies").contains(&"Policy".to_string()));
        assert!(singulars("Clusters").contains(&"Cluster".to_string()));
        assert!(singulars("Aliases").contains(&"Alias".to_string()));
        assert!(singulars("Addresses").contains(&"Address".to_string()));
        assert!(singulars("Statuses").contains(&"Status".to_string()));
    }

    #[test]
    fn names() {
        assert_eq!(kebab("DBClusterSnapshot"), "db-cluster-snapshot");
        assert_eq!(kebab("FileSystem"), "file-system");
        assert!(is_identifier_name("clusterName"));
        assert!(is_identifier_name("FileSystemId"));
        assert!(is_identifier_name("Name"));
        assert!(!is_identifier_name("Description"));
        assert!(same_field("ClusterName", "Name", "Cluster"));
        assert!(same_field("name", "Name", "Cluster"));
        assert!(!same_field("ClusterName", "Description", "Cluster"));
        assert_eq!(relative_name("apiid", "GraphqlApi"), "id");
        assert_eq!(relative_name("rulename", "ReceiptRule"), "name");
        assert!(names_itself("TemplateName", "CustomVerificationEmailTemplate"));
        assert!(names_itself("Bucket", "Bucket"));
        assert!(!names_itself("clusterName", "Nodegroup"));
        assert!(is_noun_tail("Snapshot", "ClusterSnapshot"));
        assert_eq!(kebab("IPSet"), "ip-set");
        assert_eq!(noun_tails("ACL").collect::<Vec<_>>(), vec!["ACL"]);
        assert_eq!(relative_name_with_heads("id", "IPSet", |_| false), "id");
        assert_eq!(relative_name_with_heads("arn", "ACL", |_| false), "arn");
        assert_eq!(relative_name_with_heads("endpointname", "EndpointAccess", |_| false), "name");
        assert_eq!(relative_name_with_heads("modelid", "ModelInvocationJob", |_| false), "modelid");
        assert_eq!(relative_name_with_heads("provisionedmodelid", "ProvisionedModelThroughput", |_| false), "id");
    }
}
