use super::*;
use serde_json::{json, Value as Json};
use simfra_model::ServiceSchema;

/// An input value of `op` with the given top-level members.
fn input(schema: &'static ServiceSchema, op: &str, members: &[(&str, Value)]) -> Value {
    let (_, o) = schema.operation(op).expect("operation");
    let shape = schema.shape(o.input);
    Value::Struct(
        members
            .iter()
            .map(|(name, v)| {
                let idx = shape.members.iter().position(|m| m.name == *name).unwrap_or_else(|| panic!("no member {name}"));
                (idx as u16, v.clone())
            })
            .collect(),
    )
}

fn call(schema: &'static ServiceSchema, op: &'static str, input: Option<Value>, arn: &str) -> ApiCall {
    let (_, o) = schema.operation(op).expect("operation");
    ApiCall {
        event_id: "e1".into(),
        time: Timestamp::from_secs(1_700_000_000),
        schema,
        operation: o.name,
        input_shape: o.input,
        input,
        account_id: "111122223333".into(),
        region: "eu-west-1".into(),
        access_key_id: Some("AKIAEXAMPLE".into()),
        principal_arn: Some(arn.into()),
        source_ip: "127.0.0.1".into(),
        user_agent: "test".into(),
        request_id: "5f0c9a1e-1111-4222-8333-944445555666".into(),
        read_only: is_read_only(op, o.has(simfra_model::op_flags::READONLY)),
        error_code: None,
        error_message: None,
    }
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

#[test]
fn classifies_events() {
    assert!(!is_management("s3", "GetObject"));
    assert!(!is_management("s3", "ListObjectsV2"));
    assert!(is_management("s3", "CreateBucket"));
    assert!(is_read_only("DescribeInstances", false));
    assert!(!is_read_only("CreateQueue", false));
    assert!(is_read_only_in("sts", "AssumeRole", false));
    assert!(is_read_only_in("kms", "Decrypt", false));
    assert_eq!(event_region("iam", "eu-west-1"), "us-east-1");
    assert_eq!(event_source(&simfra_gen_s3::SCHEMA), "s3.amazonaws.com");
    assert_eq!(event_source(&simfra_gen_cloudwatch::SCHEMA), "monitoring.amazonaws.com");
}

#[test]
fn iam_user_record_hides_sensitive_members_and_names_the_user() {
    let schema = &simfra_gen_iam::SCHEMA;
    let c = call(
        schema,
        "CreateLoginProfile",
        Some(input(schema, "CreateLoginProfile", &[("UserName", s("bob")), ("Password", s("hunter2"))])),
        "arn:aws:iam::111122223333:user/alice",
    );
    let caller = Caller { principal_id: "AIDAEXAMPLE".into(), ..Default::default() };
    let ev = Event::new(1, c, Some(caller), None);
    let r = ev.record();
    assert_eq!(
        r["userIdentity"],
        json!({
            "type": "IAMUser",
            "principalId": "AIDAEXAMPLE",
            "arn": "arn:aws:iam::111122223333:user/alice",
            "accountId": "111122223333",
            "accessKeyId": "AKIAEXAMPLE",
            "userName": "alice",
        })
    );
    assert_eq!(r["requestParameters"], json!({ "userName": "bob", "password": "HIDDEN_DUE_TO_SECURITY_REASONS" }));
    assert_eq!(r["eventSource"], "iam.amazonaws.com");
    // IAM is global: its events are in us-east-1.
    assert_eq!(r["awsRegion"], "us-east-1");
    assert_eq!(r["readOnly"], false);
    assert_eq!(r["eventCategory"], "Management");
    assert_eq!(r["managementEvent"], true);
    assert_eq!(r["eventType"], "AwsApiCall");
    assert_eq!(r["recipientAccountId"], "111122223333");
    assert_eq!(r["eventVersion"], "1.09");
    assert_eq!(r["responseElements"], Json::Null);
    let res = ev.resources();
    assert_eq!(res.len(), 1);
    assert_eq!((res[0].kind, res[0].name.as_str()), ("AWS::IAM::User", "bob"));
}

#[test]
fn assumed_role_identity_has_its_session_context() {
    let schema = &simfra_gen_sqs::SCHEMA;
    let c = call(schema, "ListQueues", None, "arn:aws:sts::111122223333:assumed-role/Deployer/ci-run");
    let caller = Caller {
        principal_id: "AROAEXAMPLE:ci-run".into(),
        issuer: Some(SessionIssuer {
            kind: "Role",
            principal_id: "AROAEXAMPLE".into(),
            arn: "arn:aws:iam::111122223333:role/team/Deployer".into(),
            account_id: "111122223333".into(),
            user_name: "Deployer".into(),
        }),
        session_created: Some(1_699_999_000),
        mfa_authenticated: false,
        source_identity: None,
    };
    let ev = Event::new(1, c, Some(caller), None);
    let r = ev.record();
    let id = &r["userIdentity"];
    assert_eq!(id["type"], "AssumedRole");
    assert_eq!(id["principalId"], "AROAEXAMPLE:ci-run");
    assert!(id.get("userName").is_none());
    assert_eq!(id["sessionContext"]["sessionIssuer"]["arn"], "arn:aws:iam::111122223333:role/team/Deployer");
    assert_eq!(id["sessionContext"]["sessionIssuer"]["type"], "Role");
    assert_eq!(id["sessionContext"]["attributes"], json!({ "creationDate": "2023-11-14T21:56:40Z", "mfaAuthenticated": "false" }));
    assert_eq!(ev.call.username().as_deref(), Some("ci-run"));
    // A read with no parameters: both null.
    assert_eq!(r["requestParameters"], Json::Null);
    assert_eq!(r["responseElements"], Json::Null);
    assert_eq!(r["readOnly"], true);
}

#[test]
fn s3_records_use_s3_names_and_request_ids() {
    let schema = &simfra_gen_s3::SCHEMA;
    let inp = input(schema, "PutObject", &[("Bucket", s("logs")), ("Key", s("a/b.txt")), ("ContentType", s("text/plain"))]);
    let kept = audited_input(schema, schema.operation("PutObject").unwrap().1, &inp);
    let ev = Event::new(1, call(schema, "PutObject", kept, "arn:aws:iam::111122223333:root"), None, None);
    let r = ev.record();
    assert_eq!(r["requestParameters"], json!({ "bucketName": "logs", "key": "a/b.txt" }));
    assert_eq!(r["requestID"], "5F0C9A1E11114222");
    assert_eq!(r["eventCategory"], "Data");
    assert_eq!(r["managementEvent"], false);
    assert_eq!(r["userIdentity"]["type"], "Root");
    assert_eq!(r["userIdentity"]["principalId"], "111122223333");
    assert_eq!(
        r["resources"],
        json!([
            { "accountId": "111122223333", "type": "AWS::S3::Object", "ARN": "arn:aws:s3:::logs/a/b.txt" },
            { "accountId": "111122223333", "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::logs" },
        ])
    );
    let list = input(schema, "ListObjectsV2", &[("Bucket", s("logs")), ("Prefix", s("a/")), ("MaxKeys", Value::Int(5))]);
    let ev = Event::new(2, call(schema, "ListObjectsV2", Some(list), "arn:aws:iam::111122223333:root"), None, None);
    let r = ev.record();
    assert_eq!(r["requestParameters"], json!({ "bucketName": "logs", "prefix": "a/", "max-keys": "5" }));
    assert_eq!(r["resources"][0], json!({ "type": "AWS::S3::Object", "ARNPrefix": "arn:aws:s3:::logs/a/" }));
}

#[test]
fn data_event_inputs_keep_only_what_names_the_resource() {
    let schema = &simfra_gen_s3::SCHEMA;
    let (_, op) = schema.operation("PutObject").unwrap();
    let inp = input(schema, "PutObject", &[("Bucket", s("b")), ("Key", s("k")), ("Body", Value::Blob(simfra_model::Bytes::from_static(b"data")))]);
    let kept = audited_input(schema, op, &inp).unwrap();
    let Value::Struct(fields) = kept else { panic!() };
    assert_eq!(fields.len(), 2);
}

#[test]
fn write_outputs_become_response_elements_with_service_dates() {
    let schema = &simfra_gen_iam::SCHEMA;
    let (_, op) = schema.operation("CreateUser").unwrap();
    let out_shape = schema.shape(op.output);
    let user_idx = out_shape.members.iter().position(|m| m.name == "User").unwrap() as u16;
    let user_shape = schema.shape(out_shape.members[user_idx as usize].target);
    let idx = |n: &str| user_shape.members.iter().position(|m| m.name == n).unwrap() as u16;
    let output = Value::Struct(vec![(
        user_idx,
        Value::Struct(vec![
            (idx("UserName"), s("Richard")),
            (idx("Arn"), s("arn:aws:iam::111122223333:user/Richard")),
            (idx("CreateDate"), Value::Timestamp(Timestamp::from_secs(1689801909))),
        ]),
    )]);
    assert!(audited_output(schema, op, &output).is_some());
    let c = call(schema, "CreateUser", Some(input(schema, "CreateUser", &[("UserName", s("Richard"))])), "arn:aws:iam::111122223333:root");
    let ev = Event::new(1, c, None, Some(output));
    let r = ev.record();
    assert_eq!(
        r["responseElements"],
        json!({ "user": { "userName": "Richard", "arn": "arn:aws:iam::111122223333:user/Richard", "createDate": "Jul 19, 2023 9:25:09 PM" } })
    );
    // Reads keep no output.
    let (_, get) = schema.operation("GetUser").unwrap();
    assert!(audited_output(schema, get, &Value::empty_struct()).is_none());
}

#[test]
fn failed_calls_carry_error_code_and_no_response() {
    let schema = &simfra_gen_sqs::SCHEMA;
    let mut c = call(schema, "DeleteQueue", Some(input(schema, "DeleteQueue", &[("QueueUrl", s("http://localhost/111122223333/q1"))])), "arn:aws:iam::111122223333:root");
    c.error_code = Some("AWS.SimpleQueueService.NonExistentQueue".into());
    c.error_message = Some("The specified queue does not exist.".into());
    let ev = Event::new(1, c, None, Some(Value::empty_struct()));
    let r = ev.record();
    assert_eq!(r["errorCode"], "AWS.SimpleQueueService.NonExistentQueue");
    assert_eq!(r["errorMessage"], "The specified queue does not exist.");
    assert_eq!(r["responseElements"], Json::Null);
    assert_eq!(ev.resources()[0].arn.as_deref(), Some("arn:aws:sqs:eu-west-1:111122223333:q1"));
}

#[test]
fn log_keeps_scopes_apart_and_numbers_events() {
    let log = AuditLog::default();
    let schema = &simfra_gen_sqs::SCHEMA;
    let mut a = call(schema, "ListQueues", None, "arn:aws:iam::111122223333:root");
    a.time = Timestamp::now();
    let mut b = a.clone();
    b.operation = "SendMessage";
    let mut other = a.clone();
    other.account_id = "444455556666".into();
    log.record(a.clone());
    log.record(b);
    log.record(other);
    log.record(a);
    let mgmt = log.management_events("111122223333", "eu-west-1");
    assert_eq!(mgmt.len(), 2, "data events stay out of the event history");
    assert!(mgmt[0].seq > mgmt[1].seq, "newest first");
    let all = log.events_after("111122223333", "eu-west-1", 0);
    assert_eq!(all.len(), 3);
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(log.events_after("111122223333", "eu-west-1", all[1].seq).len(), 1);
    assert_eq!(log.regions("444455556666"), vec!["eu-west-1".to_string()]);
    // Events older than 90 days are not history any more.
    let mut old = call(schema, "ListQueues", None, "arn:aws:iam::111122223333:root");
    old.region = "ap-south-1".into();
    old.time = Timestamp::from_secs(Timestamp::now().secs - RETENTION_SECS - 10);
    log.record(old);
    assert!(log.management_events("111122223333", "ap-south-1").is_empty());
}
