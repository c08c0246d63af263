use super::*;

fn policy(text: &str) -> Policy {
    parse(text).unwrap()
}

fn alice(action: &str, resource: &str) -> Request {
    Request::new(action, resource, "arn:aws:iam::111111111111:user/alice", "111111111111").with("aws:username", &["alice"])
}

#[test]
fn explicit_deny_beats_allow_and_nothing_means_implicit_deny() {
    let allow = policy(r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#);
    let deny = policy(r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoDelete","Effect":"Deny","Action":"s3:Delete*","Resource":"arn:aws:s3:::b/*"}]}"#);
    let ev = Evaluation { identity: vec![("allow", &allow), ("deny", &deny)], ..Default::default() };
    assert_eq!(evaluate(&ev, &alice("s3:GetObject", "arn:aws:s3:::b/k")).0, Decision::Allowed);
    let (d, m) = evaluate(&ev, &alice("s3:DeleteObject", "arn:aws:s3:::b/k"));
    assert_eq!(d, Decision::ExplicitDeny);
    assert_eq!(m[0].sid.as_deref(), Some("NoDelete"));
    assert_eq!(evaluate(&ev, &alice("sqs:SendMessage", "arn:aws:sqs:us-east-1:111111111111:q")).0, Decision::ImplicitDeny);
}

#[test]
fn actions_ignore_case_resources_do_not() {
    let p = policy(r#"{"Statement":{"Effect":"Allow","Action":"S3:getobject","Resource":"arn:aws:s3:::Bucket/*"}}"#);
    let ev = Evaluation { identity: vec![("p", &p)], ..Default::default() };
    assert!(evaluate(&ev, &alice("s3:GetObject", "arn:aws:s3:::Bucket/a")).0.is_allowed());
    assert!(!evaluate(&ev, &alice("s3:GetObject", "arn:aws:s3:::bucket/a")).0.is_allowed());
}

#[test]
fn not_action_and_not_resource() {
    let p = policy(r#"{"Statement":{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::secret/*"}}"#);
    let ev = Evaluation { identity: vec![("p", &p)], ..Default::default() };
    assert!(evaluate(&ev, &alice("s3:GetObject", "arn:aws:s3:::b/a")).0.is_allowed());
    assert!(!evaluate(&ev, &alice("iam:ListUsers", "*")).0.is_allowed());
    assert!(!evaluate(&ev, &alice("s3:GetObject", "arn:aws:s3:::secret/x")).0.is_allowed());
}

#[test]
fn policy_variables_and_conditions() {
    let p = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*",
            "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"StringLikeIfExists":{"s3:prefix":"home/*"}}}]}"#,
    );
    let ev = Evaluation { identity: vec![("p", &p)], ..Default::default() };
    let ok = alice("s3:PutObject", "arn:aws:s3:::home/alice/f").with("aws:SourceIp", &["10.1.2.3"]);
    assert!(evaluate(&ev, &ok).0.is_allowed());
    let other_home = alice("s3:PutObject", "arn:aws:s3:::home/bob/f").with("aws:SourceIp", &["10.1.2.3"]);
    assert!(!evaluate(&ev, &other_home).0.is_allowed());
    let outside = alice("s3:PutObject", "arn:aws:s3:::home/alice/f").with("aws:SourceIp", &["192.168.0.1"]);
    assert!(!evaluate(&ev, &outside).0.is_allowed());
    // Without Version 2012-10-17 a variable is literal text.
    let old = policy(r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}]}"#);
    let ev = Evaluation { identity: vec![("p", &old)], ..Default::default() };
    assert!(!evaluate(&ev, &alice("s3:PutObject", "arn:aws:s3:::home/alice/f")).0.is_allowed());
    assert!(evaluate(&ev, &alice("s3:PutObject", "arn:aws:s3:::home/${aws:username}/f")).0.is_allowed());
}

#[test]
fn condition_operators() {
    let cases = [
        (r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#, "s3:max-keys", "5", true),
        (r#"{"NumericLessThan":{"s3:max-keys":"10"}}"#, "s3:max-keys", "50", false),
        (r#"{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}"#, "aws:CurrentTime", "2026-11-23T00:00:00Z", true),
        (r#"{"Bool":{"aws:SecureTransport":"false"}}"#, "aws:SecureTransport", "false", true),
        (r#"{"StringNotEquals":{"aws:PrincipalTag/team":"blue"}}"#, "aws:PrincipalTag/team", "red", true),
        (r#"{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:111111111111:*"}}"#, "aws:SourceArn", "arn:aws:sns:us-east-1:111111111111:t", true),
        (r#"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}"#, "aws:TagKeys", "a", true),
        (r#"{"ForAnyValue:StringEquals":{"aws:TagKeys":["z"]}}"#, "aws:TagKeys", "a", false),
    ];
    for (cond, key, value, expect) in cases {
        let text = format!(r#"{{"Statement":{{"Effect":"Allow","Action":"*","Resource":"*","Condition":{cond}}}}}"#);
        let p = policy(&text);
        let ev = Evaluation { identity: vec![("p", &p)], ..Default::default() };
        assert_eq!(evaluate(&ev, &alice("s3:ListBucket", "*").with(key, &[value])).0.is_allowed(), expect, "{cond} with {value}");
    }
    // Null: the key must be absent.
    let p = policy(r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Null":{"aws:MultiFactorAuthAge":"true"}}}}"#);
    let ev = Evaluation { identity: vec![("p", &p)], ..Default::default() };
    assert_eq!(evaluate(&ev, &alice("s3:ListBucket", "*")).0, Decision::ExplicitDeny);
}

#[test]
fn resource_policies_boundaries_and_cross_account() {
    let bucket = policy(
        r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#,
    );
    // Same account, the account named: it delegates to identity policies (as KMS key policies do).
    let ev = Evaluation { resource: Some(("bucket", &bucket)), resource_account: Some("111111111111"), ..Default::default() };
    assert_eq!(evaluate_detailed(&ev, &alice("s3:GetObject", "arn:aws:s3:::b/k")).reason, Reason::NoAllow(PolicyKind::Identity));
    // Same account, the user named: the resource policy alone allows, even past a boundary.
    let to_alice = policy(
        r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#,
    );
    let narrow = policy(r#"{"Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}}"#);
    let ev = Evaluation { resource: Some(("bucket", &to_alice)), boundary: Some(("b", &narrow)), resource_account: Some("111111111111"), ..Default::default() };
    assert!(evaluate(&ev, &alice("s3:GetObject", "arn:aws:s3:::b/k")).0.is_allowed());
    // Another account's bucket: the caller's identity policy must allow too.
    let ev = Evaluation { resource: Some(("bucket", &bucket)), resource_account: Some("222222222222"), ..Default::default() };
    assert!(!evaluate(&ev, &alice("s3:GetObject", "arn:aws:s3:::b/k")).0.is_allowed());
    let all = policy(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
    let ev = Evaluation { identity: vec![("all", &all)], resource: Some(("bucket", &bucket)), resource_account: Some("222222222222"), ..Default::default() };
    assert!(evaluate(&ev, &alice("s3:GetObject", "arn:aws:s3:::b/k")).0.is_allowed());
    // A boundary narrows identity grants.
    let boundary = policy(r#"{"Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}}"#);
    let ev = Evaluation { identity: vec![("all", &all)], boundary: Some(("b", &boundary)), ..Default::default() };
    assert!(evaluate(&ev, &alice("sqs:SendMessage", "*")).0.is_allowed());
    assert!(!evaluate(&ev, &alice("s3:GetObject", "*")).0.is_allowed());
    // Assumed-role sessions match their role's ARN.
    let role_policy = policy(r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/R"},"Action":"sqs:*","Resource":"*"}}"#);
    let ev = Evaluation { resource: Some(("q", &role_policy)), resource_account: Some("111111111111"), ..Default::default() };
    let session = Request::new("sqs:SendMessage", "*", "arn:aws:sts::111111111111:assumed-role/R/s1", "111111111111");
    assert!(evaluate(&ev, &session).0.is_allowed());
    // … but a session policy still limits a grant to the role.
    let only_s3 = policy(r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#);
    let ev = Evaluation { resource: Some(("q", &role_policy)), session: vec![("s", &only_s3)], resource_account: Some("111111111111"), ..Default::default() };
    assert_eq!(evaluate_detailed(&ev, &session).decision, Decision::ImplicitDeny);
}

#[test]
fn scps_deny_reasons_and_messages() {
    let all = policy(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#);
    let no_s3 = policy(r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#);
    let only_sqs = policy(r#"{"Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}}"#);
    let ev = Evaluation { identity: vec![("all", &all)], scps: vec![vec![("FullAWSAccess", &all)], vec![("NoS3", &no_s3)]], ..Default::default() };
    let o = evaluate_detailed(&ev, &alice("s3:GetObject", "*"));
    assert_eq!(o.reason, Reason::ExplicitDeny(PolicyKind::ServiceControl));
    assert_eq!(o.reason.explain("s3:GetObject"), "with an explicit deny in a service control policy");
    assert!(evaluate(&ev, &alice("sqs:SendMessage", "*")).0.is_allowed());
    // Every level must allow.
    let ev = Evaluation { identity: vec![("all", &all)], scps: vec![vec![("FullAWSAccess", &all)], vec![("OnlySqs", &only_sqs)]], ..Default::default() };
    let o = evaluate_detailed(&ev, &alice("dynamodb:GetItem", "*"));
    assert_eq!(o.reason.explain("dynamodb:GetItem"), "because no service control policy allows the dynamodb:GetItem action");
    let ev = Evaluation::default();
    assert_eq!(evaluate_detailed(&ev, &alice("s3:GetObject", "*")).reason.explain("s3:GetObject"), "because no identity-based policy allows the s3:GetObject action");
}

#[test]
fn malformed_documents_are_rejected_with_iam_messages() {
    assert!(parse("not json").is_err());
    assert!(parse(r#"{"Statement":[]}"#).is_err());
    assert!(parse(r#"{"Statement":{"Effect":"Maybe","Action":"*","Resource":"*"}}"#).is_err());
    assert!(parse(r#"{"Statement":{"Effect":"Allow","Resource":"*"}}"#).is_err());
    assert!(parse(r#"{"Statement":{"Effect":"Allow","Action":"GetObject","Resource":"*"}}"#).is_err());
    assert!(parse(r#"{"Version":"2020-01-01","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#).is_err());
    assert!(parse(r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringWhatever":{"a":"b"}}}}"#).is_err());
    let p = parse(r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}"#).unwrap();
    assert!(validate_identity_policy(&p).is_err());
}

#[test]
fn globs() {
    assert!(glob_match("a*b?c", "axxxbyc", false));
    assert!(!glob_match("a*b?c", "axxxbc", false));
    assert!(glob_match("*", "", false));
    assert!(arn_like("arn:aws:s3:::*", "arn:aws:s3:::bucket/key"));
}
