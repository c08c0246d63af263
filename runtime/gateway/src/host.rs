//! What the `Host` header tells: a service endpoint prefix and region
//! (`sqs.us-east-1.localhost:4599`), or an S3 virtual-hosted bucket
//! (`bucket.s3.us-east-1.localhost:4599`), under `localhost` or `simfra.local`.

/// The domains Simfra answers under.
const BASE_DOMAINS: &[&str] = &["localhost", "simfra.local", "localhost.localstack.cloud"];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostInfo {
    /// Labels in front of the base domain, left to right (`["bucket", "s3", "us-east-1"]`).
    pub labels: Vec<String>,
}

/// Looks like an AWS region (`us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`).
pub fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[0].bytes().all(|b| b.is_ascii_lowercase())
        && parts[1..parts.len() - 1].iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts.last().map(|n| (1..=2).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit())).unwrap_or(false)
}

impl HostInfo {
    pub fn parse(host: &str) -> HostInfo {
        let name = host.rsplit_once(':').filter(|(_, p)| p.bytes().all(|b| b.is_ascii_digit())).map(|(h, _)| h).unwrap_or(host);
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        for base in BASE_DOMAINS {
            if let Some(prefix) = name.strip_suffix(base).and_then(|p| p.strip_suffix('.')) {
                return HostInfo { labels: prefix.split('.').map(String::from).collect() };
            }
        }
        HostInfo::default()
    }

    /// The region named in the host, if any.
    pub fn region(&self) -> Option<&str> {
        self.labels.iter().map(String::as_str).find(|l| is_region(l))
    }

    /// For `bucket.s3.region.localhost` / `my.bucket.s3.localhost`: the bucket
    /// (bucket names may contain dots, so it is everything before the `s3` label).
    pub fn s3_bucket(&self) -> Option<String> {
        let n = self.labels.len();
        let s3 = (0..n).rev().find(|&i| self.labels[i] == "s3" && self.labels[i + 1..].iter().all(|l| is_region(l)))?;
        (s3 > 0).then(|| self.labels[..s3].join("."))
    }

    /// The virtual-hosted bucket of a request: `s3_bucket`, or for a request
    /// signed for S3 any host under the base domain without an `s3` label
    /// (`myap-123456789012.localhost`: SDKs address access point ARNs and
    /// virtual-hosted buckets on a custom endpoint that way).
    pub fn bucket_for(&self, signing_service: Option<&str>) -> Option<String> {
        if let Some(b) = self.s3_bucket() {
            return Some(b);
        }
        // `123456789012.localhost` is S3 Control's host (the account id in front), not a bucket.
        let account = self.labels.len() == 1 && self.labels[0].len() == 12 && self.labels[0].bytes().all(|b| b.is_ascii_digit());
        let bare = signing_service == Some("s3") && !account && !self.labels.is_empty() && !self.labels.iter().any(|l| l == "s3" || is_region(l));
        bare.then(|| self.labels.join("."))
    }

    /// The first label, taken as a service endpoint prefix (`sqs`, `dynamodb`).
    pub fn service_prefix(&self) -> Option<&str> {
        self.labels.first().map(String::as_str).filter(|l| !is_region(l))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hosts() {
        let h = HostInfo::parse("sqs.us-east-1.localhost:4599");
        assert_eq!(h.service_prefix(), Some("sqs"));
        assert_eq!(h.region(), Some("us-east-1"));
        let b = HostInfo::parse("mybucket.s3.eu-west-1.simfra.local:4599");
        assert_eq!(b.s3_bucket().as_deref(), Some("mybucket"));
        assert_eq!(HostInfo::parse("my.bucket.s3.localhost").s3_bucket().as_deref(), Some("my.bucket"));
        assert_eq!(HostInfo::parse("localhost:4599"), HostInfo::default());
        assert_eq!(HostInfo::parse("s3.localhost").s3_bucket(), None);
        assert_eq!(HostInfo::parse("ap-123456789012.localhost:4599").bucket_for(Some("s3")).as_deref(), Some("ap-123456789012"));
        assert_eq!(HostInfo::parse("ap-123456789012.localhost:4599").bucket_for(Some("sqs")), None);
        assert_eq!(HostInfo::parse("localhost:4599").bucket_for(Some("s3")), None);
        assert_eq!(HostInfo::parse("123456789012.localhost:4599").bucket_for(Some("s3")), None);
        // An access point host can look like a region at a glance.
        assert!(!is_region("ap-abcdef1234-000000000000") && is_region("ap-southeast-2") && is_region("us-gov-west-1"));
        assert!(is_region("us-gov-west-1"));
        assert!(!is_region("s3"));
    }
}
