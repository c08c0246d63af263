//! An execution environment's output (its container's stdout and stderr)
//! since a moment, for `LogType=Tail`.

use futures::StreamExt;
use std::time::{Duration, SystemTime};

/// Lines the container wrote at or after `since`, without Docker's timestamps.
pub async fn since(docker: &simfra_docker::Orchestrator, id: &str, since: SystemTime) -> String {
    let from = since.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let options = bollard::query_parameters::LogsOptionsBuilder::default()
        .stdout(true)
        .stderr(true)
        .timestamps(true)
        .since(from.as_secs().saturating_sub(1) as i32)
        .build();
    let mut stream = docker.docker().logs(id, Some(options));
    let mut out = String::new();
    let collect = async {
        while let Some(Ok(chunk)) = stream.next().await {
            let text = String::from_utf8_lossy(chunk.as_ref()).into_owned();
            for line in text.lines() {
                let Some((stamp, rest)) = line.split_once(' ') else { continue };
                if parse_rfc3339(stamp).is_some_and(|t| t >= from) {
                    out.push_str(rest);
                    out.push('\n');
                }
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), collect).await;
    out
}

/// `2024-05-01T12:00:00.123456789Z` → time since the epoch.
fn parse_rfc3339(s: &str) -> Option<Duration> {
    let s = s.strip_suffix('Z')?;
    let (date, time) = s.split_once('T')?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let (hms, frac) = time.split_once('.').unwrap_or((time, "0"));
    let mut t = hms.split(':').map(|p| p.parse::<i64>().ok());
    let (h, mi, sec) = (t.next()??, t.next()??, t.next()??);
    let days = simfra_model::calendar::days_from_civil(y, m as u32, day as u32);
    let secs = days * 86_400 + h * 3600 + mi * 60 + sec;
    let digits: String = frac.chars().take(9).collect();
    let nanos = digits.parse::<u32>().ok()? * 10u32.pow(9 - digits.len() as u32);
    Some(Duration::new(secs.max(0) as u64, nanos))
}

#[cfg(test)]
mod tests {
    #[test]
    fn parses_docker_timestamps() {
        let t = super::parse_rfc3339("1970-01-02T00:00:01.5Z").unwrap();
        assert_eq!(t, std::time::Duration::new(86_401, 500_000_000));
        assert!(super::parse_rfc3339("garbage").is_none());
    }
}

/// The most memory the container has used, in MB (cgroup v1 keeps the
/// peak; elsewhere the current usage), for the REPORT line.
pub async fn max_memory_mb(docker: &simfra_docker::Orchestrator, id: &str) -> Option<u64> {
    let options = bollard::query_parameters::StatsOptionsBuilder::new().stream(false).one_shot(true).build();
    let mut stream = docker.docker().stats(id, Some(options));
    let stats = tokio::time::timeout(Duration::from_secs(2), stream.next()).await.ok()??.ok()?;
    let m = stats.memory_stats?;
    let bytes = m.max_usage.filter(|b| *b > 0).or(m.usage)?;
    Some(bytes.div_ceil(1024 * 1024))
}
