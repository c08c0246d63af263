//! The AWS managed policies (`arn:aws:iam::aws:policy/…`), with the documents
//! AWS publishes for them. Every account sees the same set; they cannot be
//! changed or deleted.
//!
//! Each document under `runtime/identity/managed/` is the policy's default
//! version as AWS publishes it (GetPolicyVersion, the AWS Managed Policy
//! Reference), and the table below carries the facts IAM's GetPolicy shows
//! for it: path, `PolicyId`, default version, creation and update dates
//! (the update date is the default version's creation), description. Users
//! attach these by ARN from Terraform modules, CloudFormation templates and
//! tutorials, and expect the same permissions as on AWS, so a document is
//! shipped only as AWS wrote it, never approximated.

use simfra_policy::Policy;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// One AWS managed policy at its current default version.
#[derive(Debug)]
pub struct AwsManagedPolicy {
    pub name: &'static str,
    /// `/`, `/service-role/`, `/job-function/` …
    pub path: &'static str,
    /// IAM's `PolicyId` (`ANPA…`), as AWS shows it.
    pub policy_id: &'static str,
    pub default_version_id: &'static str,
    /// ISO 8601, as AWS shows it.
    pub create_date: &'static str,
    pub update_date: &'static str,
    /// Empty where no public record gives it (GetPolicy then omits it).
    pub description: &'static str,
    /// The policy document (JSON).
    pub document: &'static str,
}

impl AwsManagedPolicy {
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::aws:policy{}{}", self.path, self.name)
    }
}

/// The shipped policies, by name.
static POLICIES: &[AwsManagedPolicy] = &[
    AwsManagedPolicy {
        name: "AdministratorAccess",
        path: "/",
        policy_id: "ANPAIWMBCKSKIEE64ZLYK",
        default_version_id: "v1",
        create_date: "2015-02-06T18:39:46Z",
        update_date: "2015-02-06T18:39:46Z",
        description: "Provides full access to AWS services and resources.",
        document: include_str!("../managed/AdministratorAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonAPIGatewayAdministrator",
        path: "/",
        policy_id: "ANPAJ4PT6VY5NLKTNUYSI",
        default_version_id: "v1",
        create_date: "2015-07-09T17:34:45Z",
        update_date: "2015-07-09T17:34:45Z",
        description: "Provides full access to create/edit/delete APIs in Amazon API Gateway via the AWS Management Console.",
        document: include_str!("../managed/AmazonAPIGatewayAdministrator.json"),
    },
    AwsManagedPolicy {
        name: "AmazonAPIGatewayInvokeFullAccess",
        path: "/",
        policy_id: "ANPAIIWAX2NOOQJ4AIEQ6",
        default_version_id: "v2",
        create_date: "2015-07-09T17:36:12Z",
        update_date: "2018-12-18T18:25:10Z",
        description: "Provides full access to invoke APIs in Amazon API Gateway.",
        document: include_str!("../managed/AmazonAPIGatewayInvokeFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonAPIGatewayPushToCloudWatchLogs",
        path: "/service-role/",
        policy_id: "ANPAIK4GFO7HLKYN64ASK",
        default_version_id: "v1",
        create_date: "2015-11-11T23:41:46Z",
        update_date: "2015-11-11T23:41:46Z",
        description: "Allows API Gateway to push logs to user's account.",
        document: include_str!("../managed/AmazonAPIGatewayPushToCloudWatchLogs.json"),
    },
    AwsManagedPolicy {
        name: "AmazonDynamoDBFullAccess",
        path: "/",
        policy_id: "ANPAINUGF2JSOSUY76KYA",
        default_version_id: "v15",
        create_date: "2015-02-06T18:40:11Z",
        update_date: "2021-01-29T17:38:30Z",
        description: "Provides full access to Amazon DynamoDB via the AWS Management Console.",
        document: include_str!("../managed/AmazonDynamoDBFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonDynamoDBReadOnlyAccess",
        path: "/",
        policy_id: "ANPAIY2XFNA232XJ6J7X2",
        default_version_id: "v14",
        create_date: "2015-02-06T18:40:12Z",
        update_date: "2024-03-20T15:45:01Z",
        description: "Provides read only access to Amazon DynamoDB via the AWS Management Console.",
        document: include_str!("../managed/AmazonDynamoDBReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonEC2ContainerRegistryFullAccess",
        path: "/",
        policy_id: "ANPAIESRL7KD7IIVF6V4W",
        default_version_id: "v3",
        create_date: "2015-12-21T17:06:48Z",
        update_date: "2020-12-05T00:04:19Z",
        description: "Provides administrative access to Amazon ECR resources",
        document: include_str!("../managed/AmazonEC2ContainerRegistryFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonEC2ContainerRegistryPowerUser",
        path: "/",
        policy_id: "ANPAJDNE5PIHROIBGGDDW",
        default_version_id: "v3",
        create_date: "2015-12-21T17:05:33Z",
        update_date: "2019-12-10T20:48:08Z",
        description: "Provides full access to Amazon EC2 Container Registry repositories, but does not allow repository deletion or policy changes.",
        document: include_str!("../managed/AmazonEC2ContainerRegistryPowerUser.json"),
    },
    AwsManagedPolicy {
        name: "AmazonEC2ContainerRegistryReadOnly",
        path: "/",
        policy_id: "ANPAIFYZPA37OOHVIH7KQ",
        default_version_id: "v3",
        create_date: "2015-12-21T17:04:15Z",
        update_date: "2019-12-10T20:56:32Z",
        description: "Provides read-only access to Amazon EC2 Container Registry repositories.",
        document: include_str!("../managed/AmazonEC2ContainerRegistryReadOnly.json"),
    },
    AwsManagedPolicy {
        name: "AmazonEC2ContainerServiceforEC2Role",
        path: "/service-role/",
        policy_id: "ANPAJLYJCVHC7TQHCSQDS",
        default_version_id: "v7",
        create_date: "2015-03-19T18:45:18Z",
        update_date: "2023-03-06T22:19:04Z",
        description: "Default policy for the Amazon EC2 Role for Amazon EC2 Container Service.",
        document: include_str!("../managed/AmazonEC2ContainerServiceforEC2Role.json"),
    },
    AwsManagedPolicy {
        name: "AmazonEC2FullAccess",
        path: "/",
        policy_id: "ANPAI3VAJF5ZCRZ7MCQE6",
        default_version_id: "v5",
        create_date: "2015-02-06T18:40:15Z",
        update_date: "2018-11-27T02:16:56Z",
        description: "Provides full access to Amazon EC2 via the AWS Management Console.",
        document: include_str!("../managed/AmazonEC2FullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonEC2ReadOnlyAccess",
        path: "/",
        policy_id: "ANPAIGDT4SV4GSETWTBZK",
        default_version_id: "v2",
        create_date: "2015-02-06T18:40:17Z",
        update_date: "2024-02-14T15:17:04Z",
        description: "Provides read only access to Amazon EC2 via the AWS Management Console.",
        document: include_str!("../managed/AmazonEC2ReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonEC2RoleforSSM",
        path: "/service-role/",
        policy_id: "ANPAI6TL3SMY22S4KMMX6",
        default_version_id: "v8",
        create_date: "2015-05-29T17:48:35Z",
        update_date: "2019-01-24T19:20:51Z",
        description: "This policy will soon be deprecated. Please use AmazonSSMManagedInstanceCore policy to enable AWS Systems Manager service core functionality on EC2 instances. For more information see https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-profile.html",
        document: include_str!("../managed/AmazonEC2RoleforSSM.json"),
    },
    AwsManagedPolicy {
        name: "AmazonECS_FullAccess",
        path: "/",
        policy_id: "ANPAJ7S7AN6YQPTJC7IFS",
        default_version_id: "v20",
        create_date: "2017-11-07T21:36:54Z",
        update_date: "2023-01-04T16:26:05Z",
        description: "Provides administrative access to Amazon ECS resources and enables ECS features through access to other AWS service resources, including VPCs, Auto Scaling groups, and CloudFormation stacks.",
        document: include_str!("../managed/AmazonECS_FullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonECSTaskExecutionRolePolicy",
        path: "/service-role/",
        policy_id: "ANPAJG4T4G4PV56DE72PY",
        default_version_id: "v1",
        create_date: "2017-11-16T18:48:22Z",
        update_date: "2017-11-16T18:48:22Z",
        description: "Provides access to other AWS service resources that are required to run Amazon ECS tasks",
        document: include_str!("../managed/AmazonECSTaskExecutionRolePolicy.json"),
    },
    AwsManagedPolicy {
        name: "AmazonEKS_CNI_Policy",
        path: "/",
        policy_id: "ANPAJWLAS474LDBXNNTM4",
        default_version_id: "v5",
        create_date: "2018-05-27T21:07:42Z",
        update_date: "2024-03-04T20:20:55Z",
        description: "This policy provides the Amazon VPC CNI Plugin (amazon-vpc-cni-k8s) the permissions it requires to modify the IP address configuration on your EKS worker nodes. This permission set allows the CNI to list, describe, and modify Elastic Network Interfaces on your behalf. More information on the AWS VPC CNI Plugin is available here: https://github.com/aws/amazon-vpc-cni-k8s",
        document: include_str!("../managed/AmazonEKS_CNI_Policy.json"),
    },
    AwsManagedPolicy {
        name: "AmazonEKSClusterPolicy",
        path: "/",
        policy_id: "ANPAIBTLDQMIC6UOIGFWA",
        default_version_id: "v9",
        create_date: "2018-05-27T21:06:14Z",
        update_date: "2026-02-11T22:21:13Z",
        description: "This policy provides Kubernetes the permissions it requires to manage resources on your behalf. Kubernetes requires Ec2:CreateTags permissions to place identifying information on EC2 resources including but not limited to Instances, Security Groups, and Elastic Network Interfaces.",
        document: include_str!("../managed/AmazonEKSClusterPolicy.json"),
    },
    AwsManagedPolicy {
        name: "AmazonEKSWorkerNodePolicy",
        path: "/",
        policy_id: "ANPAIBVMOY52IPQ6HD3PO",
        default_version_id: "v3",
        create_date: "2018-05-27T21:09:01Z",
        update_date: "2023-11-27T00:06:13Z",
        description: "This policy allows Amazon EKS worker nodes to connect to Amazon EKS Clusters.",
        document: include_str!("../managed/AmazonEKSWorkerNodePolicy.json"),
    },
    AwsManagedPolicy {
        name: "AmazonElastiCacheFullAccess",
        path: "/",
        policy_id: "ANPAIA2V44CPHAUAAECKG",
        default_version_id: "v3",
        create_date: "2015-02-06T18:40:20Z",
        update_date: "2023-11-28T03:49:56Z",
        description: "Provides full access to Amazon ElastiCache via the AWS Management Console.",
        document: include_str!("../managed/AmazonElastiCacheFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonEventBridgeFullAccess",
        path: "/",
        policy_id: "ANPAZKAPJZG4BUM4GCASI",
        default_version_id: "v4",
        create_date: "2019-07-11T14:08:55Z",
        update_date: "2022-12-01T17:00:46Z",
        description: "Provides full access to Amazon EventBridge.",
        document: include_str!("../managed/AmazonEventBridgeFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonEventBridgeReadOnlyAccess",
        path: "/",
        policy_id: "ANPAZKAPJZG4BDMP3LZME",
        default_version_id: "v6",
        create_date: "2019-07-11T13:59:07Z",
        update_date: "2022-12-01T17:02:48Z",
        description: "Provides read only access to Amazon EventBridge.",
        document: include_str!("../managed/AmazonEventBridgeReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonKinesisFullAccess",
        path: "/",
        policy_id: "ANPAIVF32HAMOXCUYRAYE",
        default_version_id: "v1",
        create_date: "2015-02-06T18:40:29Z",
        update_date: "2015-02-06T18:40:29Z",
        description: "Provides full access to all streams via the AWS Management Console.",
        document: include_str!("../managed/AmazonKinesisFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonKinesisReadOnlyAccess",
        path: "/",
        policy_id: "ANPAIOCMTDT5RLKZ2CAJO",
        default_version_id: "v1",
        create_date: "2015-02-06T18:40:30Z",
        update_date: "2015-02-06T18:40:30Z",
        description: "Provides read only access to all streams via the AWS Management Console.",
        document: include_str!("../managed/AmazonKinesisReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonRDSFullAccess",
        path: "/",
        policy_id: "ANPAI3R4QMOG6Q5A4VWVG",
        default_version_id: "v13",
        create_date: "2015-02-06T18:40:52Z",
        update_date: "2023-04-14T12:27:01Z",
        description: "Provides full access to Amazon RDS via the AWS Management Console.",
        document: include_str!("../managed/AmazonRDSFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonRDSReadOnlyAccess",
        path: "/",
        policy_id: "ANPAJKTTTYV2IIHKLZ346",
        default_version_id: "v7",
        create_date: "2015-02-06T18:40:53Z",
        update_date: "2023-04-14T12:32:09Z",
        description: "Provides read only access to Amazon RDS via the AWS Management Console.",
        document: include_str!("../managed/AmazonRDSReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonRoute53FullAccess",
        path: "/",
        policy_id: "ANPAJWVDLG5RPST6PHQ3A",
        default_version_id: "v5",
        create_date: "2015-02-06T18:40:54Z",
        update_date: "2025-05-15T18:07:06Z",
        description: "Provides full access to all Amazon Route 53 via the AWS Management Console.",
        document: include_str!("../managed/AmazonRoute53FullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonRoute53ReadOnlyAccess",
        path: "/",
        policy_id: "ANPAITOYK2ZAOQFXV2JNC",
        default_version_id: "v2",
        create_date: "2015-02-06T18:40:55Z",
        update_date: "2016-11-15T21:15:16Z",
        description: "Provides read only access to all Amazon Route 53 via the AWS Management Console.",
        document: include_str!("../managed/AmazonRoute53ReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonS3FullAccess",
        path: "/",
        policy_id: "ANPAIFIR6V6BVTRAHWINE",
        default_version_id: "v2",
        create_date: "2015-02-06T18:40:58Z",
        update_date: "2021-09-27T20:16:37Z",
        description: "Provides full access to all buckets via the AWS Management Console.",
        document: include_str!("../managed/AmazonS3FullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonS3ReadOnlyAccess",
        path: "/",
        policy_id: "ANPAIZTJ4DXE7G6AGAE6M",
        default_version_id: "v3",
        create_date: "2015-02-06T18:40:59Z",
        update_date: "2023-08-10T21:31:39Z",
        description: "Provides read only access to all buckets via the AWS Management Console.",
        document: include_str!("../managed/AmazonS3ReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonSESFullAccess",
        path: "/",
        policy_id: "ANPAJ2P4NXCHAT7NDPNR4",
        default_version_id: "v1",
        create_date: "2015-02-06T18:41:02Z",
        update_date: "2015-02-06T18:41:02Z",
        description: "Provides full access to Amazon SES via the AWS Management Console.",
        document: include_str!("../managed/AmazonSESFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonSNSFullAccess",
        path: "/",
        policy_id: "ANPAJWEKLCXXUNT2SOLSG",
        default_version_id: "v2",
        create_date: "2015-02-06T18:41:05Z",
        update_date: "2024-09-24T22:32:05Z",
        description: "Provides full access to Amazon SNS via the AWS Management Console.",
        document: include_str!("../managed/AmazonSNSFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonSNSReadOnlyAccess",
        path: "/",
        policy_id: "ANPAIZGQCQTFOFPMHSB6W",
        default_version_id: "v1",
        create_date: "2015-02-06T18:41:06Z",
        update_date: "2015-02-06T18:41:06Z",
        description: "Provides read only access to Amazon SNS via the AWS Management Console.",
        document: include_str!("../managed/AmazonSNSReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonSQSFullAccess",
        path: "/",
        policy_id: "ANPAI65L554VRJ33ECQS6",
        default_version_id: "v1",
        create_date: "2015-02-06T18:41:07Z",
        update_date: "2015-02-06T18:41:07Z",
        description: "Provides full access to Amazon SQS via the AWS Management Console.",
        document: include_str!("../managed/AmazonSQSFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonSQSReadOnlyAccess",
        path: "/",
        policy_id: "ANPAIUGSSQY362XGCM6KW",
        default_version_id: "v3",
        create_date: "2015-02-06T18:41:08Z",
        update_date: "2023-06-15T15:37:35Z",
        description: "Provides read only access to Amazon SQS via the AWS Management Console.",
        document: include_str!("../managed/AmazonSQSReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonSSMFullAccess",
        path: "/",
        policy_id: "ANPAJA7V6HI4ISQFMDYAG",
        default_version_id: "v4",
        create_date: "2015-05-29T17:39:47Z",
        update_date: "2019-11-20T20:08:56Z",
        description: "Provides full access to Amazon SSM.",
        document: include_str!("../managed/AmazonSSMFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonSSMManagedInstanceCore",
        path: "/",
        policy_id: "ANPAIXSHM2BNB2D3AXXRU",
        default_version_id: "v2",
        create_date: "2019-03-15T17:22:12Z",
        update_date: "2019-05-23T16:54:21Z",
        description: "The policy for Amazon EC2 Role to enable AWS Systems Manager service core functionality.",
        document: include_str!("../managed/AmazonSSMManagedInstanceCore.json"),
    },
    AwsManagedPolicy {
        name: "AmazonSSMReadOnlyAccess",
        path: "/",
        policy_id: "ANPAJODSKQGGJTHRYZ5FC",
        default_version_id: "v1",
        create_date: "2015-05-29T17:44:19Z",
        update_date: "2015-05-29T17:44:19Z",
        description: "Provides read only access to Amazon SSM.",
        document: include_str!("../managed/AmazonSSMReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonVPCFullAccess",
        path: "/",
        policy_id: "ANPAJBWPGNOVKZD3JI2P2",
        default_version_id: "v10",
        create_date: "2015-02-06T18:41:16Z",
        update_date: "2024-02-08T16:03:24Z",
        description: "Provides full access to Amazon VPC via the AWS Management Console.",
        document: include_str!("../managed/AmazonVPCFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AmazonVPCReadOnlyAccess",
        path: "/",
        policy_id: "ANPAIICZJNOJN36GTG6CM",
        default_version_id: "v10",
        create_date: "2015-02-06T18:41:17Z",
        update_date: "2024-12-09T15:06:07Z",
        description: "Provides read only access to Amazon VPC via the AWS Management Console.",
        document: include_str!("../managed/AmazonVPCReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "AWSCloudFormationFullAccess",
        path: "/",
        policy_id: "ANPAZKAPJZG4CRR3ZS723",
        default_version_id: "v1",
        create_date: "2019-07-26T21:50:35Z",
        update_date: "2019-07-26T21:50:35Z",
        description: "Provides full access to AWS CloudFormation.",
        document: include_str!("../managed/AWSCloudFormationFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AWSCloudFormationReadOnlyAccess",
        path: "/",
        policy_id: "ANPAJWVBEE4I2POWLODLW",
        default_version_id: "v4",
        create_date: "2015-02-06T18:39:49Z",
        update_date: "2019-11-13T17:40:07Z",
        description: "Provides access to AWS CloudFormation via the AWS Management Console.",
        document: include_str!("../managed/AWSCloudFormationReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "AWSCodeBuildAdminAccess",
        path: "/",
        policy_id: "ANPAJQJGIOIE3CD2TQXDS",
        default_version_id: "v14",
        create_date: "2016-12-01T19:04:44Z",
        update_date: "2024-05-02T01:45:44Z",
        description: "Provides full access to AWS CodeBuild via the AWS Management Console. Also attach AmazonS3ReadOnlyAccess to provide access to download build artifacts, and attach IAMFullAccess to create and manage the service role for CodeBuild.",
        document: include_str!("../managed/AWSCodeBuildAdminAccess.json"),
    },
    AwsManagedPolicy {
        name: "AWSKeyManagementServicePowerUser",
        path: "/",
        policy_id: "ANPAJNPP7PPPPMJRV2SA4",
        default_version_id: "v2",
        create_date: "2015-02-06T18:40:40Z",
        update_date: "2017-03-07T00:55:11Z",
        description: "Provides access to AWS Key Management Service (KMS).",
        document: include_str!("../managed/AWSKeyManagementServicePowerUser.json"),
    },
    AwsManagedPolicy {
        name: "AWSLambda_FullAccess",
        path: "/",
        policy_id: "ANPAZKAPJZG4OXQPYWZ5D",
        default_version_id: "v5",
        create_date: "2020-11-17T21:14:08Z",
        update_date: "2026-02-11T22:18:56Z",
        description: "Grants full access to AWS Lambda service, AWS Lambda console features, and other related AWS services.",
        document: include_str!("../managed/AWSLambda_FullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AWSLambda_ReadOnlyAccess",
        path: "/",
        policy_id: "ANPAZKAPJZG4IERNVMNPE",
        default_version_id: "v5",
        create_date: "2020-11-17T21:10:32Z",
        update_date: "2026-02-12T18:02:55Z",
        description: "Grants read-only access to AWS Lambda service, AWS Lambda console features, and other related AWS services.",
        document: include_str!("../managed/AWSLambda_ReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "AWSLambdaBasicExecutionRole",
        path: "/service-role/",
        policy_id: "ANPAJNCQGXC42545SKXIK",
        default_version_id: "v1",
        create_date: "2015-04-09T15:03:43Z",
        update_date: "2015-04-09T15:03:43Z",
        description: "Provides write permissions to CloudWatch Logs.",
        document: include_str!("../managed/AWSLambdaBasicExecutionRole.json"),
    },
    AwsManagedPolicy {
        name: "AWSLambdaDynamoDBExecutionRole",
        path: "/service-role/",
        policy_id: "ANPAIP7WNAGMIPYNW4WQG",
        default_version_id: "v1",
        create_date: "2015-04-09T15:09:29Z",
        update_date: "2015-04-09T15:09:29Z",
        description: "Provides list and read access to DynamoDB streams and write permissions to CloudWatch logs.",
        document: include_str!("../managed/AWSLambdaDynamoDBExecutionRole.json"),
    },
    AwsManagedPolicy {
        name: "AWSLambdaENIManagementAccess",
        path: "/service-role/",
        policy_id: "ANPAJXAW2Q3KPTURUT2QC",
        default_version_id: "v2",
        create_date: "2016-12-06T00:37:27Z",
        update_date: "2020-10-01T20:07:26Z",
        description: "Provides minimum permissions for a Lambda function to manage ENIs (create, describe, delete) used by a VPC-enabled Lambda Function.",
        document: include_str!("../managed/AWSLambdaENIManagementAccess.json"),
    },
    AwsManagedPolicy {
        name: "AWSLambdaExecute",
        path: "/",
        policy_id: "ANPAJE5FX7FQZSU5XAKGO",
        default_version_id: "v1",
        create_date: "2015-02-06T18:40:46Z",
        update_date: "2015-02-06T18:40:46Z",
        description: "Provides Put, Get access to S3 and full access to CloudWatch Logs.",
        document: include_str!("../managed/AWSLambdaExecute.json"),
    },
    AwsManagedPolicy {
        name: "AWSLambdaInvocation-DynamoDB",
        path: "/",
        policy_id: "ANPAJTHQ3EKCQALQDYG5G",
        default_version_id: "v1",
        create_date: "2015-02-06T18:40:47Z",
        update_date: "2015-02-06T18:40:47Z",
        description: "Provides read access to DynamoDB Streams.",
        document: include_str!("../managed/AWSLambdaInvocation-DynamoDB.json"),
    },
    AwsManagedPolicy {
        name: "AWSLambdaKinesisExecutionRole",
        path: "/service-role/",
        policy_id: "ANPAJHOLKJPXV4GBRMJUQ",
        default_version_id: "v2",
        create_date: "2015-04-09T15:14:16Z",
        update_date: "2018-11-19T20:09:24Z",
        description: "Provides list and read access to Kinesis streams and write permissions to CloudWatch logs.",
        document: include_str!("../managed/AWSLambdaKinesisExecutionRole.json"),
    },
    AwsManagedPolicy {
        name: "AWSLambdaMSKExecutionRole",
        path: "/service-role/",
        policy_id: "ANPAZKAPJZG4FHMXOHIS5",
        default_version_id: "v2",
        create_date: "2020-08-11T17:35:05Z",
        update_date: "2022-08-02T20:08:02Z",
        description: "Provides permissions required to access MSK Cluster within a VPC, manage ENIs (create, describe, delete) in the VPC and write permissions to CloudWatch Logs.",
        document: include_str!("../managed/AWSLambdaMSKExecutionRole.json"),
    },
    AwsManagedPolicy {
        name: "AWSLambdaRole",
        path: "/service-role/",
        policy_id: "ANPAJX4DPCRGTC4NFDUXI",
        default_version_id: "v1",
        create_date: "2015-02-06T18:41:28Z",
        update_date: "2015-02-06T18:41:28Z",
        description: "Default policy for AWS Lambda service role.",
        document: include_str!("../managed/AWSLambdaRole.json"),
    },
    AwsManagedPolicy {
        name: "AWSLambdaSQSQueueExecutionRole",
        path: "/service-role/",
        policy_id: "ANPAJFWJZI6JNND4TSELK",
        default_version_id: "v1",
        create_date: "2018-06-14T21:50:45Z",
        update_date: "2018-06-14T21:50:45Z",
        description: "Provides receive message, delete message, and read attribute access to SQS queues, and write permissions to CloudWatch logs.",
        document: include_str!("../managed/AWSLambdaSQSQueueExecutionRole.json"),
    },
    AwsManagedPolicy {
        name: "AWSLambdaVPCAccessExecutionRole",
        path: "/service-role/",
        policy_id: "ANPAJVTME3YLVNL72YR2K",
        default_version_id: "v3",
        create_date: "2016-02-11T23:15:26Z",
        update_date: "2024-01-05T22:38:26Z",
        description: "Provides minimum permissions for a Lambda function to execute while accessing a resource within a VPC - create, describe, delete network interfaces and write permissions to CloudWatch Logs.",
        document: include_str!("../managed/AWSLambdaVPCAccessExecutionRole.json"),
    },
    AwsManagedPolicy {
        name: "AWSStepFunctionsFullAccess",
        path: "/",
        policy_id: "ANPAJXKA6VP3UFBVHDPPA",
        default_version_id: "v1",
        create_date: "2017-01-11T21:51:32Z",
        update_date: "2017-01-11T21:51:32Z",
        description: "An access policy for providing a user/role/etc access to the AWS StepFunctions API. For full access, in addition to this policy, a user MUST have iam:PassRole permission on at least one IAM role that can be assumed by the service.",
        document: include_str!("../managed/AWSStepFunctionsFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AWSStepFunctionsReadOnlyAccess",
        path: "/",
        policy_id: "ANPAJONHB2TJQDJPFW5TM",
        default_version_id: "v4",
        create_date: "2017-01-11T21:46:19Z",
        update_date: "2024-04-26T18:53:54Z",
        description: "An access policy for providing a user/role/etc read only access to the AWS StepFunctions service.",
        document: include_str!("../managed/AWSStepFunctionsReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "AWSSupportAccess",
        path: "/",
        policy_id: "ANPAJSNKQX2OW67GF4S7E",
        default_version_id: "v3",
        create_date: "2015-02-06T18:41:11Z",
        update_date: "2026-02-11T22:17:43Z",
        description: "Allows users to access the AWS Support Center.",
        document: include_str!("../managed/AWSSupportAccess.json"),
    },
    AwsManagedPolicy {
        name: "AWSXRayDaemonWriteAccess",
        path: "/",
        policy_id: "ANPAIOE47HSUE5AVBNEDM",
        default_version_id: "v2",
        create_date: "2018-08-28T23:00:33Z",
        update_date: "2024-02-13T21:58:30Z",
        description: "Allow the AWS X-Ray Daemon to relay raw trace segments data to the service's API and retrieve sampling data (rules, targets, etc.) to be used by the X-Ray SDK.",
        document: include_str!("../managed/AWSXRayDaemonWriteAccess.json"),
    },
    AwsManagedPolicy {
        name: "AWSXrayFullAccess",
        path: "/",
        policy_id: "ANPAJQBYG45NSJMVQDB2K",
        default_version_id: "v2",
        create_date: "2016-12-01T18:30:55Z",
        update_date: "2024-04-11T17:07:36Z",
        description: "AWS X-Ray full access managed policy",
        document: include_str!("../managed/AWSXrayFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "AWSXrayReadOnlyAccess",
        path: "/",
        policy_id: "ANPAIH4OFXWPS6ZX6OPGQ",
        default_version_id: "v7",
        create_date: "2016-12-01T18:27:02Z",
        update_date: "2022-11-15T23:13:57Z",
        description: "AWS X-Ray read only managed policy",
        document: include_str!("../managed/AWSXrayReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "AWSXrayWriteOnlyAccess",
        path: "/",
        policy_id: "ANPAIAACM4LMYSRGBCTM6",
        default_version_id: "v2",
        create_date: "2016-12-01T18:19:53Z",
        update_date: "2018-08-28T23:03:04Z",
        description: "AWS X-Ray write only managed policy",
        document: include_str!("../managed/AWSXrayWriteOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "CloudWatchAgentServerPolicy",
        path: "/",
        policy_id: "ANPAIGOPKN7KRDAKTLG4I",
        default_version_id: "v3",
        create_date: "2018-03-07T01:06:44Z",
        update_date: "2024-02-06T16:37:37Z",
        description: "Permissions required to use AmazonCloudWatchAgent on servers",
        document: include_str!("../managed/CloudWatchAgentServerPolicy.json"),
    },
    AwsManagedPolicy {
        name: "CloudWatchEventsFullAccess",
        path: "/",
        policy_id: "ANPAJZLOYLNHESMYOJAFU",
        default_version_id: "v2",
        create_date: "2016-01-14T18:37:08Z",
        update_date: "2022-12-01T17:05:05Z",
        description: "Provides full access to Amazon CloudWatch Events.",
        document: include_str!("../managed/CloudWatchEventsFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "CloudWatchFullAccess",
        path: "/",
        policy_id: "ANPAIKEABORKUXN6DEAZU",
        default_version_id: "v4",
        create_date: "2015-02-06T18:40:00Z",
        update_date: "2022-11-27T13:23:49Z",
        description: "Provides full access to CloudWatch.",
        document: include_str!("../managed/CloudWatchFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "CloudWatchFullAccessV2",
        path: "/",
        policy_id: "ANPAZKAPJZG4K5ELCXZSW",
        default_version_id: "v4",
        create_date: "2023-08-01T11:32:57Z",
        update_date: "2025-10-08T17:34:07Z",
        description: "",
        document: include_str!("../managed/CloudWatchFullAccessV2.json"),
    },
    AwsManagedPolicy {
        name: "CloudWatchLogsFullAccess",
        path: "/",
        policy_id: "ANPAJ3ZGNWK2R5HW5BQFO",
        default_version_id: "v3",
        create_date: "2015-02-06T18:40:02Z",
        update_date: "2025-05-20T17:07:06Z",
        description: "Provides full access to CloudWatch Logs",
        document: include_str!("../managed/CloudWatchLogsFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "CloudWatchLogsReadOnlyAccess",
        path: "/",
        policy_id: "ANPAJ2YIYDYSNNEHK3VKW",
        default_version_id: "v12",
        create_date: "2015-02-06T18:40:03Z",
        update_date: "2026-02-12T17:59:13Z",
        description: "Provides read only access to CloudWatch Logs",
        document: include_str!("../managed/CloudWatchLogsReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "CloudWatchReadOnlyAccess",
        path: "/",
        policy_id: "ANPAJN23PDQP7SZQAE3QE",
        default_version_id: "v14",
        create_date: "2015-02-06T18:40:01Z",
        update_date: "2025-12-02T16:49:09Z",
        description: "Provides read only access to CloudWatch.",
        document: include_str!("../managed/CloudWatchReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "DatabaseAdministrator",
        path: "/job-function/",
        policy_id: "ANPAIGBMAW4VUQKOQNVT6",
        default_version_id: "v4",
        create_date: "2016-11-10T17:25:43Z",
        update_date: "2026-02-11T22:21:19Z",
        description: "Grants full access permissions to AWS services and actions required to set up and configure AWS database services.",
        document: include_str!("../managed/DatabaseAdministrator.json"),
    },
    AwsManagedPolicy {
        name: "ElasticLoadBalancingFullAccess",
        path: "/",
        policy_id: "ANPAIDPMLA3IUIOQCISJ4",
        default_version_id: "v7",
        create_date: "2018-09-20T20:42:07Z",
        update_date: "2022-11-29T01:45:49Z",
        description: "Provides full access to Amazon ElasticLoadBalancing, and limited access to other services necessary to provide ElasticLoadBalancing features.",
        document: include_str!("../managed/ElasticLoadBalancingFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "IAMFullAccess",
        path: "/",
        policy_id: "ANPAI7XKCFMBPM3QQRRVQ",
        default_version_id: "v2",
        create_date: "2015-02-06T18:40:38Z",
        update_date: "2019-06-21T19:40:00Z",
        description: "Provides full access to IAM via the AWS Management Console.",
        document: include_str!("../managed/IAMFullAccess.json"),
    },
    AwsManagedPolicy {
        name: "IAMReadOnlyAccess",
        path: "/",
        policy_id: "ANPAJKSO7NDY4T57MWDSQ",
        default_version_id: "v4",
        create_date: "2015-02-06T18:40:39Z",
        update_date: "2018-01-25T19:11:27Z",
        description: "Provides read only access to IAM via the AWS Management Console.",
        document: include_str!("../managed/IAMReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "IAMUserChangePassword",
        path: "/",
        policy_id: "ANPAJ4L4MM2A7QIEB56MS",
        default_version_id: "v2",
        create_date: "2016-11-15T00:25:16Z",
        update_date: "2016-11-15T23:18:55Z",
        description: "Provides the ability for an IAM user to change their own password.",
        document: include_str!("../managed/IAMUserChangePassword.json"),
    },
    AwsManagedPolicy {
        name: "NetworkAdministrator",
        path: "/job-function/",
        policy_id: "ANPAJPNMADZFJCVPJVZA2",
        default_version_id: "v11",
        create_date: "2016-11-10T17:31:35Z",
        update_date: "2021-09-16T20:22:54Z",
        description: "Grants full access permissions to AWS services and actions required to set up and configure AWS network resources.",
        document: include_str!("../managed/NetworkAdministrator.json"),
    },
    AwsManagedPolicy {
        name: "PowerUserAccess",
        path: "/",
        policy_id: "ANPAJYRXTHIB4FOVS3ZXS",
        default_version_id: "v12",
        create_date: "2015-02-06T18:39:47Z",
        update_date: "2026-02-12T17:59:14Z",
        description: "Provides full access to AWS services and resources, but does not allow management of Users and groups.",
        document: include_str!("../managed/PowerUserAccess.json"),
    },
    AwsManagedPolicy {
        name: "ReadOnlyAccess",
        path: "/",
        policy_id: "ANPAILL3HVNFSB6DCOWYQ",
        default_version_id: "v133",
        create_date: "2015-02-06T18:39:48Z",
        update_date: "2025-09-12T16:34:07Z",
        description: "Provides read-only access to AWS services and resources.",
        document: include_str!("../managed/ReadOnlyAccess.json"),
    },
    AwsManagedPolicy {
        name: "SecretsManagerReadWrite",
        path: "/",
        policy_id: "ANPAI3VG7CI5BIQZQ6G2E",
        default_version_id: "v6",
        create_date: "2018-04-04T18:05:29Z",
        update_date: "2026-08-25T23:37:10Z",
        description: "Provides read/write access to AWS Secrets Manager via the AWS Management Console. Note: this exludes IAM actions, so combine with IAMFullAccess if rotation configuration is required.",
        document: include_str!("../managed/SecretsManagerReadWrite.json"),
    },
    AwsManagedPolicy {
        name: "SystemAdministrator",
        path: "/job-function/",
        policy_id: "ANPAITJPEZXCYCBXANDSW",
        default_version_id: "v6",
        create_date: "2016-11-10T17:23:56Z",
        update_date: "2020-08-24T20:05:29Z",
        description: "Grants full access permissions necessary for resources required for application and development operations.",
        document: include_str!("../managed/SystemAdministrator.json"),
    },
    AwsManagedPolicy {
        name: "ViewOnlyAccess",
        path: "/job-function/",
        policy_id: "ANPAID22R6XPJATWOFDK6",
        default_version_id: "v36",
        create_date: "2016-11-10T17:20:15Z",
        update_date: "2026-02-11T22:19:13Z",
        description: "This policy grants permissions to view resources and basic metadata across all AWS services.",
        document: include_str!("../managed/ViewOnlyAccess.json"),
    },
];

/// Every AWS managed policy Simfra ships.
pub fn aws_managed() -> &'static [AwsManagedPolicy] {
    POLICIES
}

/// An AWS managed policy by ARN.
pub fn by_arn(arn: &str) -> Option<&'static AwsManagedPolicy> {
    let rest = arn.strip_prefix("arn:aws:iam::aws:policy")?;
    POLICIES.iter().find(|p| rest.len() == p.path.len() + p.name.len() && rest.starts_with(p.path) && rest.ends_with(p.name))
}

/// The parsed document of an AWS managed policy, parsed once.
pub fn parsed(arn: &str) -> Option<Arc<Policy>> {
    static CACHE: OnceLock<HashMap<String, Arc<Policy>>> = OnceLock::new();
    CACHE
        .get_or_init(|| {
            POLICIES
                .iter()
                .filter_map(|p| simfra_policy::parse(p.document).ok().map(|doc| (p.arn(), Arc::new(doc))))
                .collect()
        })
        .get(arn)
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use simfra_policy::{evaluate, Decision, Evaluation, Request};
    use std::collections::HashSet;

    #[test]
    fn every_shipped_document_parses_and_is_found_by_arn() {
        let mut failures = Vec::new();
        for p in aws_managed() {
            if let Err(e) = simfra_policy::parse(p.document) {
                failures.push(format!("{}: {}", p.name, e));
                continue;
            }
            assert_eq!(by_arn(&p.arn()).map(|q| q.name), Some(p.name));
            assert!(parsed(&p.arn()).is_some());
        }
        assert!(failures.is_empty(), "documents the parser rejects:\n{}", failures.join("\n"));
        assert!(by_arn("arn:aws:iam::aws:policy/NoSuchPolicy").is_none());
        // The path is part of the ARN: a service-role or job-function policy is not found at the root.
        for p in aws_managed().iter().filter(|p| p.path != "/") {
            assert!(by_arn(&format!("arn:aws:iam::aws:policy/{}", p.name)).is_none(), "{} found without its path", p.name);
        }
        assert!(by_arn("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole").is_some());
    }

    #[test]
    fn the_table_holds_what_get_policy_shows() {
        let mut names = HashSet::new();
        let mut ids = HashSet::new();
        for p in aws_managed() {
            assert!(names.insert(p.name), "{} listed twice", p.name);
            assert!(ids.insert(p.policy_id), "{} reuses a PolicyId", p.name);
            assert!(p.policy_id.len() == 21 && p.policy_id.starts_with("ANPA"), "{}: {}", p.name, p.policy_id);
            assert!(p.policy_id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()), "{}", p.name);
            assert!(p.path.starts_with('/') && p.path.ends_with('/'), "{}: {}", p.name, p.path);
            assert!(
                p.default_version_id.strip_prefix('v').is_some_and(|n| n.parse::<u32>().is_ok_and(|n| n >= 1)),
                "{}: {}",
                p.name,
                p.default_version_id
            );
            for date in [p.create_date, p.update_date] {
                assert!(date.len() == 20 && date.ends_with('Z') && date.as_bytes()[10] == b'T', "{}: {}", p.name, date);
            }
            assert!(p.create_date <= p.update_date, "{} updated before it was created", p.name);
            if p.default_version_id == "v1" {
                assert_eq!(p.create_date, p.update_date, "{} has one version", p.name);
            }
            assert!(p.document.contains("\"2012-10-17\""), "{}", p.name);
        }
    }

    /// Whether the managed policy alone lets a caller do `action` on `resource`.
    fn allows(arn: &str, action: &str, resource: &str, context: &[(&str, &[&str])]) -> bool {
        let policy = parsed(arn).unwrap_or_else(|| panic!("{arn} is not shipped"));
        let mut req = Request::new(action, resource, "arn:aws:iam::123456789012:user/alice", "123456789012");
        for (key, values) in context {
            req = req.with(key, values);
        }
        let ev = Evaluation { identity: vec![(arn, &policy)], ..Default::default() };
        evaluate(&ev, &req).0 == Decision::Allowed
    }

    const P: &str = "arn:aws:iam::aws:policy/";

    #[test]
    fn known_statements_of_the_common_policies() {
        let s3_ro = &format!("{P}AmazonS3ReadOnlyAccess");
        assert!(allows(s3_ro, "s3:GetObject", "arn:aws:s3:::bucket/key", &[]));
        assert!(allows(s3_ro, "s3:ListBucket", "arn:aws:s3:::bucket", &[]));
        assert!(!allows(s3_ro, "s3:PutObject", "arn:aws:s3:::bucket/key", &[]));
        assert!(allows(&format!("{P}AmazonS3FullAccess"), "s3:DeleteBucket", "arn:aws:s3:::bucket", &[]));

        let basic = &format!("{P}service-role/AWSLambdaBasicExecutionRole");
        assert!(allows(basic, "logs:CreateLogGroup", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/f", &[]));
        assert!(allows(basic, "logs:PutLogEvents", "*", &[]));
        assert!(!allows(basic, "logs:DeleteLogGroup", "*", &[]));
        assert!(!allows(basic, "s3:GetObject", "arn:aws:s3:::bucket/key", &[]));

        let admin = &format!("{P}AdministratorAccess");
        assert!(allows(admin, "iam:CreateUser", "arn:aws:iam::123456789012:user/bob", &[]));

        let power = &format!("{P}PowerUserAccess");
        assert!(allows(power, "ec2:RunInstances", "*", &[]));
        assert!(!allows(power, "iam:CreateUser", "arn:aws:iam::123456789012:user/bob", &[]));
        assert!(allows(power, "iam:CreateServiceLinkedRole", "*", &[]));
        assert!(!allows(power, "organizations:CreateAccount", "*", &[]));

        let iam_ro = &format!("{P}IAMReadOnlyAccess");
        assert!(allows(iam_ro, "iam:GetUser", "arn:aws:iam::123456789012:user/bob", &[]));
        assert!(!allows(iam_ro, "iam:DeleteUser", "arn:aws:iam::123456789012:user/bob", &[]));

        let read_only = &format!("{P}ReadOnlyAccess");
        assert!(allows(read_only, "s3:GetObject", "arn:aws:s3:::bucket/key", &[]));
        assert!(allows(read_only, "ec2:DescribeInstances", "*", &[]));
        assert!(allows(read_only, "dynamodb:Query", "arn:aws:dynamodb:us-east-1:123456789012:table/t", &[]));
        assert!(allows(read_only, "sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:123456789012:q", &[]));
        assert!(!allows(read_only, "s3:PutObject", "arn:aws:s3:::bucket/key", &[]));
        assert!(!allows(read_only, "ec2:RunInstances", "*", &[]));
        assert!(!allows(read_only, "iam:CreateUser", "arn:aws:iam::123456789012:user/bob", &[]));

        // A policy variable: only the caller's own password.
        let change_password = &format!("{P}IAMUserChangePassword");
        let me = [("aws:username", &["alice"][..])];
        assert!(allows(change_password, "iam:ChangePassword", "arn:aws:iam::123456789012:user/alice", &me));
        assert!(!allows(change_password, "iam:ChangePassword", "arn:aws:iam::123456789012:user/bob", &me));

        let view_only = &format!("{P}job-function/ViewOnlyAccess");
        assert!(allows(view_only, "s3:ListAllMyBuckets", "*", &[]));
        assert!(!allows(view_only, "s3:GetObject", "arn:aws:s3:::bucket/key", &[]));

        // NotResource: CreateVpcEndpoint on anything but an endpoint ARN, or on one only for ElastiCache serverless.
        let elasticache = &format!("{P}AmazonElastiCacheFullAccess");
        let endpoint = "arn:aws:ec2:us-east-1:123456789012:vpc-endpoint/vpce-1";
        assert!(allows(elasticache, "ec2:CreateVpcEndpoint", "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1", &[]));
        assert!(!allows(elasticache, "ec2:CreateVpcEndpoint", endpoint, &[]));
        let serverless = [("ec2:VpceServiceName", &["com.amazonaws.elasticache.serverless.us-east-1.x"][..])];
        assert!(allows(elasticache, "ec2:CreateVpcEndpoint", endpoint, &serverless));

        // iam:PassRole only towards Lambda.
        let lambda_full = &format!("{P}AWSLambda_FullAccess");
        let role = "arn:aws:iam::123456789012:role/fn";
        assert!(allows(lambda_full, "lambda:CreateFunction", "*", &[]));
        assert!(allows(lambda_full, "iam:PassRole", role, &[("iam:PassedToService", &["lambda.amazonaws.com"])]));
        assert!(!allows(lambda_full, "iam:PassRole", role, &[("iam:PassedToService", &["ec2.amazonaws.com"])]));
    }
}
