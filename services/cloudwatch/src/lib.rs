//! Amazon CloudWatch metrics: data points are kept per metric identity
//! (namespace, name, dimensions). (Statistics, alarms and dashboards are the
//! CloudWatch issue's work.)

use simfra_gen_cloudwatch::types::*;
use simfra_gen_cloudwatch::*;
use simfra_model::{RequestContext, ServiceError, SharedHandler, Timestamp};
use simfra_store::Scoped;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// A metric's identity: namespace, name and its dimensions sorted by name.
type MetricKey = (String, String, Vec<(String, String)>);

/// Stored for the statistics operations (GetMetricData/GetMetricStatistics), which come with the CloudWatch issue.
#[allow(dead_code)]
struct DataPoint {
    timestamp: Timestamp,
    values: Vec<(f64, f64)>,
    unit: Option<StandardUnit>,
}

#[derive(Default)]
struct Region {
    metrics: Mutex<BTreeMap<MetricKey, Vec<DataPoint>>>,
}

#[derive(Default)]
pub struct CloudWatch {
    state: Scoped<Region>,
}

pub fn handler() -> SharedHandler {
    simfra_gen_cloudwatch::handler(Arc::new(CloudWatch::default()))
}

const PAGE: usize = 500;

fn invalid(message: String) -> ServiceError {
    InvalidParameterValueException { message: Some(message) }.into()
}

#[simfra_model::async_trait]
impl CloudwatchApi for CloudWatch {
    fn implemented(&self) -> &'static [&'static str] {
        &["ListMetrics", "PutMetricData"]
    }

    async fn put_metric_data(&self, ctx: &RequestContext, input: PutMetricDataInput) -> Result<(), PutMetricDataError> {
        if input.namespace.starts_with("AWS/") {
            return Err(invalid("The value AWS/ for parameter Namespace is invalid.".into()).into());
        }
        let data = input.metric_data.unwrap_or_default();
        let region = self.state.regional(ctx);
        let mut metrics = region.metrics.lock().unwrap_or_else(|e| e.into_inner());
        for (i, d) in data.into_iter().enumerate() {
            let values: Vec<(f64, f64)> = match (&d.value, &d.values, &d.statistic_values) {
                (Some(v), None, None) => vec![(*v, 1.0)],
                (None, Some(vs), None) => {
                    let counts = d.counts.clone().unwrap_or_else(|| vec![1.0; vs.len()]);
                    if counts.len() != vs.len() {
                        return Err(invalid(format!(
                            "The parameters MetricData.member.{}.Values and MetricData.member.{}.Counts must be of the same size.",
                            i + 1,
                            i + 1
                        ))
                        .into());
                    }
                    vs.iter().copied().zip(counts).collect()
                }
                (None, None, Some(s)) => vec![(s.sum / s.sample_count.max(1.0), s.sample_count)],
                (None, None, None) => Vec::new(),
                _ => {
                    return Err(ServiceError::new(
                        "InvalidParameterCombination",
                        400,
                        format!("The parameters MetricData.member.{}.Value, Values and StatisticValues are mutually exclusive.", i + 1),
                    )
                    .into())
                }
            };
            let mut dims: Vec<(String, String)> =
                d.dimensions.unwrap_or_default().into_iter().map(|x| (x.name, x.value)).collect();
            dims.sort();
            metrics
                .entry((input.namespace.clone(), d.metric_name, dims))
                .or_default()
                .push(DataPoint { timestamp: d.timestamp.unwrap_or_else(Timestamp::now), values, unit: d.unit });
        }
        Ok(())
    }

    async fn list_metrics(&self, ctx: &RequestContext, input: ListMetricsInput) -> Result<ListMetricsOutput, ListMetricsError> {
        let region = self.state.regional(ctx);
        let metrics = region.metrics.lock().unwrap_or_else(|e| e.into_inner());
        let filters = input.dimensions.unwrap_or_default();
        let start: usize = input.next_token.as_deref().and_then(|t| t.parse().ok()).unwrap_or(0);
        let matching: Vec<&MetricKey> = metrics
            .keys()
            .filter(|(ns, name, dims)| {
                input.namespace.as_ref().map(|n| n == ns).unwrap_or(true)
                    && input.metric_name.as_ref().map(|m| m == name).unwrap_or(true)
                    && filters.iter().all(|f| {
                        dims.iter().any(|(k, v)| *k == f.name && f.value.as_ref().map(|fv| fv == v).unwrap_or(true))
                    })
            })
            .collect();
        let page: Vec<Metric> = matching
            .iter()
            .skip(start)
            .take(PAGE)
            .map(|(ns, name, dims)| Metric {
                namespace: Some(ns.clone()),
                metric_name: Some(name.clone()),
                dimensions: Some(dims.iter().map(|(k, v)| Dimension { name: k.clone(), value: v.clone() }).collect()),
            })
            .collect();
        let next_token = (matching.len() > start + PAGE).then(|| (start + PAGE).to_string());
        Ok(ListMetricsOutput { metrics: Some(page), next_token, owning_accounts: None })
    }
}
