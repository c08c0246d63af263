use super::*;
use std::collections::{BTreeMap, BTreeSet};

fn doc(text: &str) -> Document {
    Document { text: text.to_string(), parsed: Arc::new(simfra_policy::parse(text).unwrap()) }
}

fn allow(action: &str) -> Document {
    doc(&format!(r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Action":"{action}","Resource":"*"}}}}"#))
}

fn user(account: &str, name: &str) -> User {
    User {
        name: name.into(),
        id: format!("AIDA{name}"),
        path: "/".into(),
        arn: format!("arn:aws:iam::{account}:user/{name}"),
        created: 0,
        password_last_used: None,
        boundary: None,
        tags: Tags(vec![("team".into(), "blue".into())]),
        inline: BTreeMap::new(),
        attached: Vec::new(),
        access_keys: Vec::new(),
        login_profile: None,
        mfa_devices: Vec::new(),
        ssh_keys: Vec::new(),
        signing_certificates: Vec::new(),
        service_credentials: Vec::new(),
    }
}

fn managed(account: &str, name: &str, d: Document) -> ManagedPolicy {
    ManagedPolicy {
        name: name.into(),
        id: format!("ANPA{name}"),
        path: "/".into(),
        arn: format!("arn:aws:iam::{account}:policy/{name}"),
        created: 0,
        updated: 0,
        description: None,
        default_version: "v1".into(),
        versions: vec![PolicyVersion { id: "v1".into(), document: d, created: 0 }],
        next_version: 2,
        tags: Tags::default(),
    }
}

#[test]
fn user_policies_gather_inline_attached_group_and_boundary() {
    let account = "900000000001";
    {
        let st = state(account);
        let mut d = st.write();
        let mut u = user(account, "Alice");
        u.inline.insert("own".into(), InlinePolicy { name: "Own".into(), document: allow("s3:GetObject") });
        u.attached.push(format!("arn:aws:iam::{account}:policy/Mine"));
        u.attached.push("arn:aws:iam::aws:policy/AdministratorAccess".into());
        u.boundary = Some(format!("arn:aws:iam::{account}:policy/Fence"));
        d.users.insert(key("Alice"), u);
        d.policies.insert(key("Mine"), managed(account, "Mine", allow("sqs:*")));
        d.policies.insert(key("Fence"), managed(account, "Fence", allow("s3:*")));
        d.policies.insert(key("GroupPol"), managed(account, "GroupPol", allow("sns:*")));
        let mut inline = BTreeMap::new();
        inline.insert("gi".into(), InlinePolicy { name: "GI".into(), document: allow("ec2:*") });
        d.groups.insert(
            "devs".into(),
            Group {
                name: "Devs".into(),
                id: "AGPA1".into(),
                path: "/".into(),
                arn: format!("arn:aws:iam::{account}:group/Devs"),
                created: 0,
                inline,
                attached: vec![format!("arn:aws:iam::{account}:policy/GroupPol")],
                members: BTreeSet::from(["alice".to_string()]),
            },
        );
    }
    // Found regardless of the name's case, as IAM finds it.
    let p = user_policies(account, "alice").expect("the user exists");
    let ids: Vec<&str> = p.identity.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "Own",
            &format!("arn:aws:iam::{account}:policy/Mine"),
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "Devs/GI",
            &format!("arn:aws:iam::{account}:policy/GroupPol"),
        ]
    );
    assert_eq!(p.boundary.as_ref().map(|(id, _)| id.clone()), Some(format!("arn:aws:iam::{account}:policy/Fence")));
    assert_eq!(p.tags, vec![("team".to_string(), "blue".to_string())]);
    assert!(user_policies(account, "nobody").is_none());
    assert!(managed_policy(account, &format!("arn:aws:iam::{account}:policy/Mine")).is_some());
    assert!(managed_policy("000000000009", &format!("arn:aws:iam::{account}:policy/Mine")).is_some(), "the ARN names the owner");
    assert!(managed_policy(account, &format!("arn:aws:iam::{account}:policy/other/Mine")).is_none(), "the path must match");
    assert_eq!(state(account).read().attachment_count(&format!("arn:aws:iam::{account}:policy/Mine")), 1);
    assert_eq!(state(account).read().boundary_usage_count(&format!("arn:aws:iam::{account}:policy/Fence")), 1);
}

#[test]
fn tags_replace_without_regard_to_case() {
    let mut t = Tags::default();
    t.set([("Env".to_string(), "dev".to_string()), ("Team".to_string(), "a".to_string())]);
    assert_eq!(t.count_after(&[("env".into(), "x".into()), ("New".into(), "y".into())]), 3);
    t.set([("env".to_string(), "prod".to_string())]);
    assert_eq!(t.0, vec![("env".to_string(), "prod".to_string()), ("Team".to_string(), "a".to_string())]);
    t.remove(&["TEAM".to_string()]);
    assert_eq!(t.0.len(), 1);
    assert_eq!(t.get("ENV"), Some("prod"));
}

#[test]
fn a_boundary_that_no_longer_resolves_allows_nothing() {
    let account = "900000000002";
    {
        let st = state(account);
        let mut u = user(account, "carol");
        u.attached.push("arn:aws:iam::aws:policy/AdministratorAccess".into());
        u.boundary = Some(format!("arn:aws:iam::{account}:policy/Gone"));
        st.write().users.insert(key("carol"), u);
    }
    let p = user_policies(account, "carol").unwrap();
    let (id, boundary) = p.boundary.expect("the boundary is still there");
    assert_eq!(id, format!("arn:aws:iam::{account}:policy/Gone"));
    let admin = crate::managed::parsed("arn:aws:iam::aws:policy/AdministratorAccess").unwrap();
    let ev = simfra_policy::Evaluation { identity: vec![("admin", &admin)], boundary: Some((&id, &boundary)), ..Default::default() };
    let req = simfra_policy::Request::new("s3:ListBucket", "arn:aws:s3:::b", &format!("arn:aws:iam::{account}:user/carol"), account);
    assert!(!simfra_policy::evaluate(&ev, &req).0.is_allowed());
}
