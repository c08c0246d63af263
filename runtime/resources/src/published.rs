//! Answers AWS publishes and does not vary per account: the enumerations
//! behind some `Describe…Types`, version listings and default limits.
//! `"{count:Type}"` stands for the number of the account's records of an
//! engine type (Auto Scaling's `NumberOfAutoScalingGroups`), `"{caller}"`
//! for the calling principal's ARN. A stored answer here
//! tells the truth, where an empty one would mislead, so these operations
//! are served with AWS's documented values.

/// (service, operation, output as JSON by member name).
pub const PUBLISHED: &[(&str, &str, &str)] = &[
    ("auto-scaling", "DescribeAdjustmentTypes", r#"{"AdjustmentTypes": [{"AdjustmentType": "ChangeInCapacity"}, {"AdjustmentType": "ExactCapacity"}, {"AdjustmentType": "PercentChangeInCapacity"}]}"#),
    ("auto-scaling", "DescribeAutoScalingNotificationTypes", r#"{"AutoScalingNotificationTypes": ["autoscaling:EC2_INSTANCE_LAUNCH", "autoscaling:EC2_INSTANCE_LAUNCH_ERROR", "autoscaling:EC2_INSTANCE_TERMINATE", "autoscaling:EC2_INSTANCE_TERMINATE_ERROR", "autoscaling:TEST_NOTIFICATION"]}"#),
    ("auto-scaling", "DescribeLifecycleHookTypes", r#"{"LifecycleHookTypes": ["autoscaling:EC2_INSTANCE_LAUNCHING", "autoscaling:EC2_INSTANCE_TERMINATING"]}"#),
    ("auto-scaling", "DescribeMetricCollectionTypes", r#"{"Metrics": [{"Metric": "GroupMinSize"}, {"Metric": "GroupMaxSize"}, {"Metric": "GroupDesiredCapacity"}, {"Metric": "GroupInServiceInstances"}, {"Metric": "GroupPendingInstances"}, {"Metric": "GroupTerminatingInstances"}, {"Metric": "GroupStandbyInstances"}, {"Metric": "GroupTotalInstances"}, {"Metric": "GroupInServiceCapacity"}, {"Metric": "GroupPendingCapacity"}, {"Metric": "GroupTerminatingCapacity"}, {"Metric": "GroupStandbyCapacity"}, {"Metric": "GroupTotalCapacity"}, {"Metric": "WarmPoolDesiredCapacity"}, {"Metric": "WarmPoolWarmedCapacity"}, {"Metric": "WarmPoolPendingCapacity"}, {"Metric": "WarmPoolTerminatingCapacity"}, {"Metric": "WarmPoolTotalCapacity"}, {"Metric": "GroupAndWarmPoolDesiredCapacity"}, {"Metric": "GroupAndWarmPoolTotalCapacity"}], "Granularities": [{"Granularity": "1Minute"}]}"#),
    ("auto-scaling", "DescribeScalingProcessTypes", r#"{"Processes": [{"ProcessName": "AZRebalance"}, {"ProcessName": "AddToLoadBalancer"}, {"ProcessName": "AlarmNotification"}, {"ProcessName": "HealthCheck"}, {"ProcessName": "InstanceRefresh"}, {"ProcessName": "Launch"}, {"ProcessName": "ReplaceUnhealthy"}, {"ProcessName": "ScheduledActions"}, {"ProcessName": "Terminate"}]}"#),
    ("auto-scaling", "DescribeTerminationPolicyTypes", r#"{"TerminationPolicyTypes": ["AllocationStrategy", "ClosestToNextInstanceHour", "Default", "NewestInstance", "OldestInstance", "OldestLaunchConfiguration", "OldestLaunchTemplate"]}"#),
    ("elasticsearch-service", "ListElasticsearchVersions", r#"{"ElasticsearchVersions": ["7.10", "7.9", "7.8", "7.7", "7.4", "7.1", "6.8", "6.7", "6.5", "6.4", "6.3", "6.2", "6.0", "5.6", "5.5", "5.3", "5.1", "2.3", "1.5"]}"#),
    ("opensearch", "ListVersions", r#"{"Versions": ["OpenSearch_2.19", "OpenSearch_2.17", "OpenSearch_2.15", "OpenSearch_2.13", "OpenSearch_2.11", "OpenSearch_2.9", "OpenSearch_2.7", "OpenSearch_2.5", "OpenSearch_2.3", "OpenSearch_1.3", "OpenSearch_1.2", "OpenSearch_1.1", "OpenSearch_1.0", "Elasticsearch_7.10", "Elasticsearch_7.9", "Elasticsearch_7.8", "Elasticsearch_7.7", "Elasticsearch_7.4", "Elasticsearch_7.1", "Elasticsearch_6.8", "Elasticsearch_6.7", "Elasticsearch_6.5", "Elasticsearch_6.4", "Elasticsearch_6.3", "Elasticsearch_6.2", "Elasticsearch_6.0", "Elasticsearch_5.6", "Elasticsearch_5.5", "Elasticsearch_5.3", "Elasticsearch_5.1", "Elasticsearch_2.3", "Elasticsearch_1.5"]}"#),
    ("memorydb", "DescribeEngineVersions", r#"{"EngineVersions": [{"Engine": "valkey", "EngineVersion": "7.2", "EnginePatchVersion": "7.2.6", "ParameterGroupFamily": "memorydb_valkey7"}, {"Engine": "redis", "EngineVersion": "7.1", "EnginePatchVersion": "7.1.2", "ParameterGroupFamily": "memorydb_redis7"}, {"Engine": "redis", "EngineVersion": "7.0", "EnginePatchVersion": "7.0.7", "ParameterGroupFamily": "memorydb_redis7"}, {"Engine": "redis", "EngineVersion": "6.2", "EnginePatchVersion": "6.2.6", "ParameterGroupFamily": "memorydb_redis6"}]}"#),
    ("auto-scaling", "DescribeAccountLimits", r#"{"MaxNumberOfAutoScalingGroups": 200, "MaxNumberOfLaunchConfigurations": 200, "NumberOfAutoScalingGroups": "{count:AutoScalingGroup}", "NumberOfLaunchConfigurations": "{count:LaunchConfiguration}"}"#),
    ("elastic-load-balancing", "DescribeAccountLimits", r#"{"Limits": [{"Name": "classic-load-balancers", "Max": "20"}, {"Name": "classic-listeners", "Max": "100"}, {"Name": "classic-registered-instances", "Max": "1000"}]}"#),
    // Only the console connects GitHub accounts: through the API there are none.
    ("codedeploy", "ListGitHubAccountTokenNames", r#"{"tokenNameList": []}"#),
    ("lakeformation", "GetDataLakePrincipal", r#"{"Identity": "{caller}"}"#),
    ("athena", "ListEngineVersions", r#"{"EngineVersions": [{"SelectedEngineVersion": "Athena engine version 3", "EffectiveEngineVersion": "Athena engine version 3"}, {"SelectedEngineVersion": "PySpark engine version 3", "EffectiveEngineVersion": "PySpark engine version 3"}]}"#),
    ("backup", "GetSupportedResourceTypes", r#"{"ResourceTypes": ["Aurora", "CloudFormation", "DocumentDB", "DynamoDB", "EBS", "EC2", "EFS", "FSx", "Neptune", "RDS", "Redshift", "S3", "SAP HANA on Amazon EC2", "Storage Gateway", "Timestream", "VirtualMachine"]}"#),
    ("kafka", "ListKafkaVersions", r#"{"KafkaVersions": [{"Version": "2.8.1", "Status": "ACTIVE"}, {"Version": "3.5.1", "Status": "ACTIVE"}, {"Version": "3.6.0", "Status": "ACTIVE"}, {"Version": "3.7.x", "Status": "ACTIVE"}, {"Version": "3.8.x", "Status": "ACTIVE"}, {"Version": "3.9.x", "Status": "ACTIVE"}]}"#),
    ("mq", "DescribeBrokerEngineTypes", r#"{"BrokerEngineTypes": [{"EngineType": "ACTIVEMQ", "EngineVersions": [{"Name": "5.18"}, {"Name": "5.17.6"}]}, {"EngineType": "RABBITMQ", "EngineVersions": [{"Name": "3.13"}]}]}"#),
    ("redshift", "DescribeClusterVersions", r#"{"ClusterVersions": [{"ClusterVersion": "1.0", "ClusterParameterGroupFamily": "redshift-1.0", "Description": "Redshift Cluster Version 1.0"}]}"#),
];

/// The published answer of an operation, if there is one.
pub fn answer(service: &str, operation: &str) -> Option<&'static str> {
    PUBLISHED.iter().find(|(s, o, _)| *s == service && *o == operation).map(|(_, _, a)| *a)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_answer_is_json() {
        for (s, o, a) in super::PUBLISHED {
            assert!(serde_json::from_str::<serde_json::Value>(a).is_ok(), "{s} {o}");
        }
    }
}
