//! Which resources an event is about: `Resources` in `LookupEvents` (type and
//! name, what the `ResourceType`/`ResourceName` lookup attributes match) and
//! `resources` in the record (type and ARN; trails' data-event selectors
//! match on these ARNs).
//!
//! The rule: a resource is attributed when the request names it in a
//! top-level input member that identifies a resource of the service — the
//! table below (`Bucket` in S3, `UserName`/`RoleName`/`PolicyArn` … in IAM,
//! `TableName` in DynamoDB, `QueueUrl` in SQS, `InstanceIds` in EC2 …), a
//! string or a list of strings — or when a management write's output names
//! one it created (`CreateTopic`'s `TopicArn`, `RunInstances`' instance ids,
//! `CreateVpc`'s `VpcId`, found up to three structures deep). The resource
//! name is the value as given; the ARN is built where the service's ARN
//! format makes that possible from the value, the region and the account.

use crate::ApiCall;
use simfra_model::{ServiceSchema, ShapeId, Value};

/// One resource an event names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRef {
    /// CloudFormation-style type (`AWS::S3::Bucket`).
    pub kind: &'static str,
    /// As `LookupEvents` shows it (`ResourceName`).
    pub name: String,
    /// The ARN, when it can be told (log records list only these).
    pub arn: Option<String>,
    /// The account owning the resource, when it is not the caller's.
    pub account: Option<String>,
    /// `arn` is a prefix (`ARNPrefix`: S3 listings name the objects under a prefix).
    pub arn_prefix: bool,
}

/// (service, operation or "" for every operation, member, resource type).
const MEMBERS: &[(&str, &str, &str, &str)] = &[
    ("s3", "", "Bucket", "AWS::S3::Bucket"),
    ("iam", "", "UserName", "AWS::IAM::User"),
    ("iam", "", "RoleName", "AWS::IAM::Role"),
    ("iam", "", "GroupName", "AWS::IAM::Group"),
    ("iam", "", "PolicyArn", "AWS::IAM::Policy"),
    ("iam", "CreatePolicy", "PolicyName", "AWS::IAM::Policy"),
    ("iam", "", "InstanceProfileName", "AWS::IAM::InstanceProfile"),
    ("iam", "", "AccessKeyId", "AWS::IAM::AccessKey"),
    ("iam", "", "OpenIDConnectProviderArn", "AWS::IAM::OIDCProvider"),
    ("iam", "", "SAMLProviderArn", "AWS::IAM::SAMLProvider"),
    ("iam", "", "ServerCertificateName", "AWS::IAM::ServerCertificate"),
    ("sts", "", "RoleArn", "AWS::IAM::Role"),
    ("sts", "", "RoleSessionName", "AWS::STS::AssumedRole"),
    ("sts", "", "AccessKeyId", "AWS::IAM::AccessKey"),
    ("sqs", "", "QueueUrl", "AWS::SQS::Queue"),
    ("sqs", "CreateQueue", "QueueName", "AWS::SQS::Queue"),
    ("sqs", "GetQueueUrl", "QueueName", "AWS::SQS::Queue"),
    ("sns", "", "TopicArn", "AWS::SNS::Topic"),
    ("sns", "CreateTopic", "Name", "AWS::SNS::Topic"),
    ("sns", "", "SubscriptionArn", "AWS::SNS::Subscription"),
    ("dynamodb", "", "TableName", "AWS::DynamoDB::Table"),
    ("dynamodb", "", "RequestItems", "AWS::DynamoDB::Table"),
    ("lambda", "", "FunctionName", "AWS::Lambda::Function"),
    ("kinesis", "", "StreamName", "AWS::Kinesis::Stream"),
    ("kinesis", "", "StreamARN", "AWS::Kinesis::Stream"),
    ("ec2", "", "InstanceId", "AWS::EC2::Instance"),
    ("ec2", "", "InstanceIds", "AWS::EC2::Instance"),
    ("ec2", "", "VpcId", "AWS::EC2::VPC"),
    ("ec2", "", "SubnetId", "AWS::EC2::Subnet"),
    ("ec2", "", "GroupId", "AWS::EC2::SecurityGroup"),
    ("ec2", "", "GroupIds", "AWS::EC2::SecurityGroup"),
    ("ec2", "", "VolumeId", "AWS::EC2::Volume"),
    ("ec2", "", "ImageId", "AWS::EC2::Ami"),
    ("ec2", "", "SnapshotId", "AWS::EC2::Snapshot"),
    ("ec2", "", "KeyName", "AWS::EC2::KeyPair"),
    ("ec2", "", "InternetGatewayId", "AWS::EC2::InternetGateway"),
    ("ec2", "", "RouteTableId", "AWS::EC2::RouteTable"),
    ("ec2", "", "NetworkInterfaceId", "AWS::EC2::NetworkInterface"),
    ("cloudtrail", "", "TrailName", "AWS::CloudTrail::Trail"),
    ("cloudtrail", "CreateTrail", "Name", "AWS::CloudTrail::Trail"),
    ("cloudtrail", "UpdateTrail", "Name", "AWS::CloudTrail::Trail"),
    ("cloudtrail", "DeleteTrail", "Name", "AWS::CloudTrail::Trail"),
    ("cloudtrail", "StartLogging", "Name", "AWS::CloudTrail::Trail"),
    ("cloudtrail", "StopLogging", "Name", "AWS::CloudTrail::Trail"),
    ("cloudtrail", "AddTags", "ResourceId", "AWS::CloudTrail::Trail"),
    ("cloudtrail", "RemoveTags", "ResourceId", "AWS::CloudTrail::Trail"),
    ("cloudtrail", "", "TrailARN", "AWS::CloudTrail::Trail"),
    ("cloudwatch", "", "AlarmName", "AWS::CloudWatch::Alarm"),
    ("cloudwatch", "", "AlarmNames", "AWS::CloudWatch::Alarm"),
    ("cloudwatch-logs", "", "logGroupName", "AWS::Logs::LogGroup"),
    ("kms", "", "KeyId", "AWS::KMS::Key"),
    ("secrets-manager", "", "SecretId", "AWS::SecretsManager::Secret"),
    ("ecr", "", "repositoryName", "AWS::ECR::Repository"),
    ("rds", "", "DBInstanceIdentifier", "AWS::RDS::DBInstance"),
    ("organizations", "", "AccountId", "AWS::Organizations::Account"),
];

fn resource_type(service: &str, operation: &str, member: &str) -> Option<&'static str> {
    MEMBERS.iter().find(|(s, op, m, _)| *s == service && (op.is_empty() || *op == operation) && *m == member).map(|(_, _, _, t)| *t)
}

/// The ARN of a resource named `value`, where the value says enough.
fn arn_of(kind: &str, value: &str, region: &str, account: &str) -> Option<String> {
    if value.starts_with("arn:") {
        return Some(value.to_string());
    }
    Some(match kind {
        "AWS::S3::Bucket" => format!("arn:aws:s3:::{value}"),
        "AWS::DynamoDB::Table" => format!("arn:aws:dynamodb:{region}:{account}:table/{value}"),
        "AWS::Lambda::Function" => {
            // A name, `name:qualifier`, or `account:function:name`.
            let parts: Vec<&str> = value.split(':').collect();
            match parts.as_slice() {
                [a, "function", rest @ ..] => format!("arn:aws:lambda:{region}:{a}:function:{}", rest.join(":")),
                _ => format!("arn:aws:lambda:{region}:{account}:function:{value}"),
            }
        }
        "AWS::SQS::Queue" => {
            // A queue URL: `http(s)://host/<account>/<name>`.
            let mut seg = value.trim_end_matches('/').rsplit('/');
            let name = seg.next()?;
            let owner = seg.next().filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit())).unwrap_or(account);
            format!("arn:aws:sqs:{region}:{owner}:{name}")
        }
        "AWS::Kinesis::Stream" => format!("arn:aws:kinesis:{region}:{account}:stream/{value}"),
        "AWS::CloudTrail::Trail" => format!("arn:aws:cloudtrail:{region}:{account}:trail/{value}"),
        "AWS::KMS::Key" if value.starts_with("alias/") => format!("arn:aws:kms:{region}:{account}:{value}"),
        "AWS::KMS::Key" => format!("arn:aws:kms:{region}:{account}:key/{value}"),
        "AWS::SNS::Topic" => format!("arn:aws:sns:{region}:{account}:{value}"),
        "AWS::IAM::User" => format!("arn:aws:iam::{account}:user/{value}"),
        "AWS::IAM::Role" => format!("arn:aws:iam::{account}:role/{value}"),
        "AWS::IAM::Group" => format!("arn:aws:iam::{account}:group/{value}"),
        "AWS::EC2::Instance" => format!("arn:aws:ec2:{region}:{account}:instance/{value}"),
        "AWS::EC2::VPC" => format!("arn:aws:ec2:{region}:{account}:vpc/{value}"),
        "AWS::EC2::Subnet" => format!("arn:aws:ec2:{region}:{account}:subnet/{value}"),
        "AWS::EC2::SecurityGroup" => format!("arn:aws:ec2:{region}:{account}:security-group/{value}"),
        "AWS::EC2::Volume" => format!("arn:aws:ec2:{region}:{account}:volume/{value}"),
        _ => return None,
    })
}

fn string_field<'a>(schema: &ServiceSchema, shape: ShapeId, v: &'a Value, member: &str) -> Option<&'a str> {
    let s = schema.shape(shape);
    let Value::Struct(fields) = v else { return None };
    fields.iter().find_map(|(i, x)| (s.members.get(*i as usize)?.name == member).then(|| x.as_str()).flatten())
}

struct Collector<'a> {
    call: &'a ApiCall,
    region: String,
    out: Vec<ResourceRef>,
}

impl Collector<'_> {
    fn push(&mut self, kind: &'static str, name: &str) {
        if name.is_empty() || self.out.iter().any(|r| r.kind == kind && r.name == name) {
            return;
        }
        let arn = arn_of(kind, name, &self.region, &self.call.account_id);
        self.out.push(ResourceRef { kind, name: name.to_string(), arn, account: None, arn_prefix: false });
    }

    /// Top-level members of the input: strings, lists of strings, and map keys (BatchWriteItem's tables).
    fn input(&mut self, v: &Value) {
        let schema = self.call.schema;
        let s = schema.shape(self.call.input_shape);
        let Value::Struct(fields) = v else { return };
        for (i, x) in fields {
            let Some(m) = s.members.get(*i as usize) else { continue };
            let Some(kind) = resource_type(schema.name, self.call.operation, m.name) else { continue };
            match x {
                Value::String(name) => self.push(kind, name),
                Value::List(items) => items.iter().filter_map(Value::as_str).for_each(|n| self.push(kind, n)),
                Value::Map(entries) => entries.iter().for_each(|(k, _)| self.push(kind, k)),
                _ => {}
            }
        }
    }

    /// Members of the output naming created resources, a few structures deep.
    fn output(&mut self, shape: ShapeId, v: &Value, depth: usize) {
        if depth > 3 {
            return;
        }
        let schema = self.call.schema;
        let s = schema.shape(shape);
        match v {
            Value::Struct(fields) => {
                for (i, x) in fields {
                    let Some(m) = s.members.get(*i as usize) else { continue };
                    match (resource_type(schema.name, self.call.operation, m.name), x) {
                        (Some(kind), Value::String(name)) => self.push(kind, name),
                        (_, Value::Struct(_) | Value::List(_)) => self.output(m.target, x, depth + 1),
                        _ => {}
                    }
                }
            }
            Value::List(items) => {
                let t = s.members.first().map(|m| m.target).unwrap_or(shape);
                items.iter().for_each(|i| self.output(t, i, depth));
            }
            _ => {}
        }
    }

    /// S3 data events name the object (or, for listings, the objects under
    /// the bucket) as well as the bucket.
    fn s3_objects(&mut self, input: &Value) {
        let schema = self.call.schema;
        let Some(bucket) = string_field(schema, self.call.input_shape, input, "Bucket") else { return };
        let key = string_field(schema, self.call.input_shape, input, "Key");
        let mut objects = Vec::new();
        if let Some(key) = key {
            objects.push(ResourceRef {
                kind: "AWS::S3::Object",
                name: format!("{bucket}/{key}"),
                arn: Some(format!("arn:aws:s3:::{bucket}/{key}")),
                account: None,
                arn_prefix: false,
            });
        } else if self.call.operation.starts_with("List") || self.call.operation == "DeleteObjects" {
            let prefix = string_field(schema, self.call.input_shape, input, "Prefix").unwrap_or("");
            objects.push(ResourceRef {
                kind: "AWS::S3::Object",
                name: format!("{bucket}/{prefix}"),
                arn: Some(format!("arn:aws:s3:::{bucket}/{prefix}")),
                account: None,
                arn_prefix: true,
            });
        }
        // The object comes first in AWS's records, then its bucket.
        self.out.splice(0..0, objects);
    }
}

/// The resources an event names (see the module docs for the rule).
pub(crate) fn attribute(call: &ApiCall, output: Option<&Value>) -> Vec<ResourceRef> {
    let mut c = Collector { call, region: crate::event_region(call.schema.name, &call.region), out: Vec::new() };
    if let Some(input) = &call.input {
        c.input(input);
        if call.schema.name == "s3" && !call.is_management() {
            c.s3_objects(input);
        }
    }
    if let (Some(out), Some(op)) = (output, call.operation_schema()) {
        c.output(op.output, out, 0);
    }
    c.out
}
