//! The rule file against the models, and what AWS's Service Authorization
//! Reference says a handful of well-known requests need.

use super::rules;
use super::{required, Required};
use simfra_gen_all::SERVICES;
use simfra_model::{ServiceSchema, ShapeId, ShapeKind, Value};

fn schema(name: &str) -> &'static ServiceSchema {
    SERVICES.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no service {name}")).schema
}

/// A request value from JSON, by member names.
fn value(svc: &ServiceSchema, shape: ShapeId, json: &serde_json::Value) -> Value {
    let s = svc.shape(shape);
    match (s.kind, json) {
        (ShapeKind::Structure | ShapeKind::Union, serde_json::Value::Object(map)) => {
            let mut fields = Vec::new();
            for (k, v) in map {
                let idx = s.member_index(k).unwrap_or_else(|| panic!("{} has no member {k}", s.name));
                fields.push((idx as u16, value(svc, s.members[idx].target, v)));
            }
            Value::Struct(fields)
        }
        (ShapeKind::List, serde_json::Value::Array(items)) => Value::List(items.iter().map(|i| value(svc, s.members[0].target, i)).collect()),
        (ShapeKind::Map, serde_json::Value::Object(map)) => Value::Map(map.iter().map(|(k, v)| (k.clone(), value(svc, s.members[1].target, v))).collect()),
        (_, serde_json::Value::String(t)) => Value::String(t.clone()),
        (_, serde_json::Value::Number(n)) => Value::Int(n.as_i64().unwrap()),
        (_, serde_json::Value::Bool(b)) => Value::Bool(*b),
        (k, j) => panic!("cannot make a {k:?} of {j}"),
    }
}

fn need(service: &str, op: &str, input: serde_json::Value) -> Vec<Required> {
    let svc = schema(service);
    let (_, operation) = svc.operation(op).unwrap_or_else(|| panic!("{service} has no {op}"));
    let input = value(svc, operation.input, &input);
    required(svc, operation, &input, "111122223333", "us-east-1", Some("arn:aws:iam::111122223333:user/me"))
}

fn pairs(r: &[Required]) -> Vec<(&str, &str)> {
    r.iter().map(|r| (r.action.as_str(), r.resource.as_str())).collect()
}

fn ctx<'a>(r: &'a Required, key: &str) -> Option<&'a [String]> {
    r.context.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_slice())
}

#[test]
fn every_service_has_rules_and_every_rule_names_a_real_operation() {
    let index = rules::index();
    let mut problems = Vec::new();
    for s in SERVICES {
        assert!(index.contains_key(s.name), "rules.txt has no block for {}", s.name);
    }
    for (name, r) in index {
        let svc = schema(name);
        for op in r.named_ops() {
            if op != "*" && svc.operation(op).is_none() {
                problems.push(format!("{name} has no operation {op}"));
            }
        }
        for (op, t) in r.templates() {
            for path in t.members() {
                let found = if op.is_empty() || op == "*" {
                    svc.operations.iter().any(|o| has_path(svc, o.input, path))
                } else {
                    has_path(svc, svc.operation(op).unwrap().1.input, path)
                };
                if !found {
                    problems.push(format!("{name} {op}: no input has the member {}", path.join(".")));
                }
            }
        }
    }
    assert!(problems.is_empty(), "rules.txt:\n{}", problems.join("\n"));
}

fn has_path(svc: &ServiceSchema, shape: ShapeId, path: &[String]) -> bool {
    let s = svc.shape(shape);
    let Some((first, rest)) = path.split_first() else { return true };
    match s.kind {
        ShapeKind::List => has_path(svc, s.members[0].target, path),
        ShapeKind::Map => has_path(svc, s.members[1].target, path),
        ShapeKind::Structure | ShapeKind::Union => s.member(first).map(|m| has_path(svc, m.target, rest)).unwrap_or(false),
        _ => false,
    }
}

#[test]
fn rule_file_mistakes_are_refused() {
    assert!(rules::parse("service x x\nop A - @nope\n").is_err());
    assert!(rules::parse("op A -\n").is_err());
    assert!(rules::parse("service x x\nop A - {B|nofilter}\n").is_err());
}

#[test]
fn s3_names_buckets_objects_and_its_own_actions() {
    let r = need("s3", "ListObjectsV2", serde_json::json!({"Bucket": "b", "Prefix": "home/", "MaxKeys": 5}));
    assert_eq!(pairs(&r), [("s3:ListBucket", "arn:aws:s3:::b")]);
    assert_eq!(ctx(&r[0], "s3:prefix"), Some(&["home/".to_string()][..]));
    assert_eq!(ctx(&r[0], "s3:max-keys"), Some(&["5".to_string()][..]));
    assert_eq!(pairs(&need("s3", "ListBuckets", serde_json::json!({}))), [("s3:ListAllMyBuckets", "*")]);
    assert_eq!(pairs(&need("s3", "GetObject", serde_json::json!({"Bucket": "b", "Key": "a/b.txt"}))), [("s3:GetObject", "arn:aws:s3:::b/a/b.txt")]);
    assert_eq!(
        pairs(&need("s3", "GetObject", serde_json::json!({"Bucket": "b", "Key": "k", "VersionId": "v1"}))),
        [("s3:GetObjectVersion", "arn:aws:s3:::b/k")]
    );
    assert_eq!(pairs(&need("s3", "HeadBucket", serde_json::json!({"Bucket": "b"}))), [("s3:ListBucket", "arn:aws:s3:::b")]);
    assert_eq!(pairs(&need("s3", "PutBucketCors", serde_json::json!({"Bucket": "b", "CORSConfiguration": {"CORSRules": []}}))), [("s3:PutBucketCORS", "arn:aws:s3:::b")]);
    assert_eq!(
        pairs(&need("s3", "CopyObject", serde_json::json!({"Bucket": "d", "Key": "k2", "CopySource": "src/dir%2Fk1?versionId=3"}))),
        [("s3:PutObject", "arn:aws:s3:::d/k2"), ("s3:GetObjectVersion", "arn:aws:s3:::src/dir/k1")]
    );
    assert_eq!(
        pairs(&need("s3", "DeleteObjects", serde_json::json!({"Bucket": "b", "Delete": {"Objects": [{"Key": "x"}, {"Key": "y"}]}}))),
        [("s3:DeleteObject", "arn:aws:s3:::b/x"), ("s3:DeleteObject", "arn:aws:s3:::b/y")]
    );
    assert_eq!(
        pairs(&need("s3", "PutObject", serde_json::json!({"Bucket": "b", "Key": "k", "Tagging": "a=1"}))),
        [("s3:PutObject", "arn:aws:s3:::b/k"), ("s3:PutObjectTagging", "arn:aws:s3:::b/k")]
    );
}

#[test]
fn sqs_names_the_queue_of_the_url_in_its_account() {
    let r = need("sqs", "SendMessage", serde_json::json!({"QueueUrl": "http://sqs.us-east-1.localhost:4599/444455556666/jobs", "MessageBody": "x"}));
    assert_eq!(pairs(&r), [("sqs:SendMessage", "arn:aws:sqs:us-east-1:444455556666:jobs")]);
    let r = need("sqs", "SendMessageBatch", serde_json::json!({"QueueUrl": "http://localhost:4599/111122223333/q", "Entries": []}));
    assert_eq!(pairs(&r), [("sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:q")]);
    assert_eq!(pairs(&need("sqs", "ListQueues", serde_json::json!({}))), [("sqs:ListQueues", "*")]);
    let r = need("sqs", "CreateQueue", serde_json::json!({"QueueName": "q", "tags": {"team": "blue"}}));
    assert_eq!(pairs(&r), [("sqs:CreateQueue", "arn:aws:sqs:us-east-1:111122223333:q"), ("sqs:TagQueue", "arn:aws:sqs:us-east-1:111122223333:q")]);
    assert_eq!(ctx(&r[0], "aws:RequestTag/team"), Some(&["blue".to_string()][..]));
    assert_eq!(ctx(&r[1], "aws:TagKeys"), Some(&["team".to_string()][..]));
    let r = need("sqs", "UntagQueue", serde_json::json!({"QueueUrl": "http://localhost:4599/111122223333/q", "TagKeys": ["a", "b"]}));
    assert_eq!(ctx(&r[0], "aws:TagKeys"), Some(&["a".to_string(), "b".to_string()][..]));
}

#[test]
fn dynamodb_names_tables_indexes_and_partiql_targets() {
    assert_eq!(
        pairs(&need("dynamodb", "DescribeTable", serde_json::json!({"TableName": "t"}))),
        [("dynamodb:DescribeTable", "arn:aws:dynamodb:us-east-1:111122223333:table/t")]
    );
    assert_eq!(
        pairs(&need("dynamodb", "Query", serde_json::json!({"TableName": "t", "IndexName": "i"}))),
        [("dynamodb:Query", "arn:aws:dynamodb:us-east-1:111122223333:table/t/index/i")]
    );
    let arn = "arn:aws:dynamodb:us-east-1:444455556666:table/theirs";
    assert_eq!(pairs(&need("dynamodb", "GetItem", serde_json::json!({"TableName": arn, "Key": {}}))), [("dynamodb:GetItem", arn)]);
    assert_eq!(
        pairs(&need("dynamodb", "BatchGetItem", serde_json::json!({"RequestItems": {"a": {"Keys": []}, "b": {"Keys": []}}}))),
        [("dynamodb:BatchGetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/a"), ("dynamodb:BatchGetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/b")]
    );
    assert_eq!(
        pairs(&need("dynamodb", "ExecuteStatement", serde_json::json!({"Statement": "SELECT * FROM \"t\".\"i\" WHERE k = ?"}))),
        [("dynamodb:PartiQLSelect", "arn:aws:dynamodb:us-east-1:111122223333:table/t/index/i")]
    );
    assert_eq!(
        pairs(&need("dynamodb", "ExecuteStatement", serde_json::json!({"Statement": "insert into orders value {'k': 1}"}))),
        [("dynamodb:PartiQLInsert", "arn:aws:dynamodb:us-east-1:111122223333:table/orders")]
    );
    let r = need(
        "dynamodb",
        "TransactWriteItems",
        serde_json::json!({"TransactItems": [{"Put": {"TableName": "a", "Item": {}}}, {"Delete": {"TableName": "b", "Key": {}}}]}),
    );
    assert_eq!(
        pairs(&r),
        [("dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:111122223333:table/a"), ("dynamodb:DeleteItem", "arn:aws:dynamodb:us-east-1:111122223333:table/b")]
    );
}

#[test]
fn sts_and_iam() {
    assert!(need("sts", "GetCallerIdentity", serde_json::json!({})).is_empty());
    assert!(need("sts", "GetSessionToken", serde_json::json!({})).is_empty());
    let role = "arn:aws:iam::444455556666:role/r";
    let r = need("sts", "AssumeRole", serde_json::json!({"RoleArn": role, "RoleSessionName": "s", "Tags": [{"Key": "team", "Value": "blue"}]}));
    // sts:TagSession is the STS service's to weigh against the trust policy.
    assert_eq!(pairs(&r), [("sts:AssumeRole", role)]);
    assert_eq!(ctx(&r[0], "aws:RequestTag/team"), Some(&["blue".to_string()][..]));
    assert_eq!(ctx(&r[0], "sts:RoleSessionName"), Some(&["s".to_string()][..]));
    assert_eq!(pairs(&need("iam", "GetUser", serde_json::json!({"UserName": "bob"}))), [("iam:GetUser", "arn:aws:iam::111122223333:user/bob")]);
    assert_eq!(pairs(&need("iam", "ListUsers", serde_json::json!({}))), [("iam:ListUsers", "*")]);
    // Without a UserName, the calling user.
    assert_eq!(pairs(&need("iam", "CreateAccessKey", serde_json::json!({}))), [("iam:CreateAccessKey", "arn:aws:iam::111122223333:user/me")]);
    assert_eq!(pairs(&need("iam", "ListAccessKeys", serde_json::json!({"UserName": "bob"}))), [("iam:ListAccessKeys", "arn:aws:iam::111122223333:user/bob")]);
    assert_eq!(
        pairs(&need("iam", "AddUserToGroup", serde_json::json!({"UserName": "bob", "GroupName": "g"}))),
        [("iam:AddUserToGroup", "arn:aws:iam::111122223333:group/g")]
    );
}

#[test]
fn passing_a_role_to_a_service_needs_pass_role() {
    let role = "arn:aws:iam::111122223333:role/exec";
    let r = need("lambda", "CreateFunction", serde_json::json!({"FunctionName": "f", "Role": role, "Code": {}}));
    assert_eq!(pairs(&r), [("lambda:CreateFunction", "arn:aws:lambda:us-east-1:111122223333:function:f"), ("iam:PassRole", role)]);
    assert_eq!(ctx(&r[1], "iam:PassedToService"), Some(&["lambda.amazonaws.com".to_string()][..]));
    let r = need("ecs", "RegisterTaskDefinition", serde_json::json!({"family": "web", "containerDefinitions": [], "taskRoleArn": role}));
    assert_eq!(ctx(&r[1], "iam:PassedToService"), Some(&["ecs-tasks.amazonaws.com".to_string()][..]));
    let r = need("eventbridge", "PutTargets", serde_json::json!({"Rule": "r", "Targets": [{"Id": "1", "Arn": "arn:aws:sqs:us-east-1:111122223333:q", "RoleArn": role}]}));
    assert_eq!(r[1].action, "iam:PassRole");
    // Reading a role's name is not passing it.
    assert_eq!(need("lambda", "GetFunction", serde_json::json!({"FunctionName": "f"})).len(), 1);
    assert_eq!(need("sts", "AssumeRole", serde_json::json!({"RoleArn": role, "RoleSessionName": "s"})).len(), 1);
}

#[test]
fn services_with_another_iam_prefix_and_shared_resource_arns() {
    assert_eq!(pairs(&need("cloudwatch", "PutMetricData", serde_json::json!({"Namespace": "n"}))), [("cloudwatch:PutMetricData", "*")]);
    assert_eq!(super::iam_prefix("cloudwatch-logs"), Some("logs"));
    let arn = "arn:aws:sns:us-east-1:111122223333:t";
    assert_eq!(pairs(&need("sns", "TagResource", serde_json::json!({"ResourceArn": arn, "Tags": []}))), [("sns:TagResource", arn)]);
    assert_eq!(
        pairs(&need("sns", "Unsubscribe", serde_json::json!({"SubscriptionArn": format!("{arn}:0f1e")}))),
        [("sns:Unsubscribe", arn)]
    );
    assert_eq!(
        pairs(&need("lambda", "Invoke", serde_json::json!({"FunctionName": "f", "Qualifier": "live"}))),
        [("lambda:InvokeFunction", "arn:aws:lambda:us-east-1:111122223333:function:f:live")]
    );
    assert_eq!(
        pairs(&need("kms", "Encrypt", serde_json::json!({"KeyId": "alias/app", "Plaintext": "eA=="}))),
        [("kms:Encrypt", "arn:aws:kms:us-east-1:111122223333:alias/app")]
    );
    assert_eq!(
        pairs(&need("ssm", "GetParameter", serde_json::json!({"Name": "db-password"}))),
        [("ssm:GetParameter", "arn:aws:ssm:us-east-1:111122223333:parameter/db-password")]
    );
    assert_eq!(
        pairs(&need("api-gateway", "GetRestApi", serde_json::json!({"restApiId": "a1"}))),
        [("apigateway:GET", "arn:aws:apigateway:us-east-1::/restapis/a1")]
    );
    assert_eq!(pairs(&need("ec2", "DescribeInstances", serde_json::json!({"InstanceIds": ["i-1"]}))), [("ec2:DescribeInstances", "*")]);
    assert_eq!(
        pairs(&need("ec2", "StopInstances", serde_json::json!({"InstanceIds": ["i-1", "i-2"]}))),
        [("ec2:StopInstances", "arn:aws:ec2:us-east-1:111122223333:instance/i-1"), ("ec2:StopInstances", "arn:aws:ec2:us-east-1:111122223333:instance/i-2")]
    );
}
