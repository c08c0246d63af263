//! Amazon EC2. (Instances as containers are a later issue's work.)

use simfra_gen_ec2::types::*;
use simfra_gen_ec2::*;
use simfra_model::{RequestContext, SharedHandler};
use std::sync::Arc;

#[derive(Default)]
pub struct Ec2;

pub fn handler() -> SharedHandler {
    simfra_gen_ec2::handler(Arc::new(Ec2))
}

/// The commercial regions, with whether they need opting in.
const REGIONS: &[(&str, bool)] = &[
    ("af-south-1", true),
    ("ap-east-1", true),
    ("ap-northeast-1", false),
    ("ap-northeast-2", false),
    ("ap-northeast-3", false),
    ("ap-south-1", false),
    ("ap-south-2", true),
    ("ap-southeast-1", false),
    ("ap-southeast-2", false),
    ("ap-southeast-3", true),
    ("ap-southeast-4", true),
    ("ca-central-1", false),
    ("ca-west-1", true),
    ("eu-central-1", false),
    ("eu-central-2", true),
    ("eu-north-1", false),
    ("eu-south-1", true),
    ("eu-south-2", true),
    ("eu-west-1", false),
    ("eu-west-2", false),
    ("eu-west-3", false),
    ("il-central-1", true),
    ("me-central-1", true),
    ("me-south-1", true),
    ("sa-east-1", false),
    ("us-east-1", false),
    ("us-east-2", false),
    ("us-west-1", false),
    ("us-west-2", false),
];

#[simfra_model::async_trait]
impl Ec2Api for Ec2 {
    fn implemented(&self) -> &'static [&'static str] {
        &["DescribeRegions"]
    }

    async fn describe_regions(
        &self,
        ctx: &RequestContext,
        input: DescribeRegionsRequest,
    ) -> Result<DescribeRegionsResult, DescribeRegionsError> {
        let all = input.all_regions.unwrap_or(false);
        let names = input.region_names.unwrap_or_default();
        let filters = input.filters.unwrap_or_default();
        let host = ctx.host.split(':').nth(1).map(|p| format!("localhost:{p}")).unwrap_or_else(|| ctx.host.clone());
        let regions = REGIONS
            .iter()
            .filter(|(name, opt_in)| all || !opt_in || names.iter().any(|n| n == name))
            .filter(|(name, _)| names.is_empty() || names.iter().any(|n| n == name))
            .filter(|(name, opt_in)| {
                filters.iter().all(|f| {
                    let values = f.values.clone().unwrap_or_default();
                    match f.name.as_deref() {
                        Some("region-name") => values.iter().any(|v| v == name),
                        Some("opt-in-status") => {
                            let status = if *opt_in { "not-opted-in" } else { "opt-in-not-required" };
                            values.iter().any(|v| v == status)
                        }
                        Some("endpoint") => values.iter().any(|v| v.contains(name)),
                        _ => true,
                    }
                })
            })
            .map(|(name, opt_in)| Region {
                region_name: Some(name.to_string()),
                endpoint: Some(format!("ec2.{name}.{host}")),
                opt_in_status: Some(if *opt_in { "not-opted-in" } else { "opt-in-not-required" }.to_string()),
                ..Default::default()
            })
            .collect();
        Ok(DescribeRegionsResult { regions: Some(regions) })
    }
}
