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
        "ClientToken", "ClientRequestToken", "IdempotencyToken", "CallerReference", "DryRun", "MaxResults", "MaxItems",
        "MaxRecords", "NextToken", "Marker", "nextToken", "maxResults", "clientToken", "clientRequestToken", "Limit",
        "PageSize", "StartingToken", "ExpectedBucketOwner",
    ];
    CONTROL.contains(&name)
}

/// `DBClusterSnapshot` → `db-cluster-snapshot`, as resource types appear in ARNs.
pub fn kebab(noun: &str) -> String {
    let chars: Vec<char> = noun.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let prev_lower = chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit();
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev_lower || (next_lower && chars[i - 1].is_ascii_uppercase()) {
                out.push('-');
            }
        }
        out.push(c.to_ascii_lowercase());
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
    }
}
