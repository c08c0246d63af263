//! The DynamoDB Streams service (ListStreams, DescribeStream,
//! GetShardIterator, GetRecords) over the records tables keep. Each stream
//! has one shard; a shard iterator names the stream, the shard, the next
//! sequence number to read and when it was issued (iterators expire after
//! 15 minutes, as AWS's do).

use crate::streams::{sequence_text, EventName, StreamRecord, TableStream};
use crate::Region;
use simfra_gen_dynamodb_streams::types::*;
use simfra_gen_dynamodb_streams::*;
use simfra_model::{RequestContext, ServiceError, SharedHandler, Timestamp};
use std::sync::Arc;

const ITERATOR_LIFETIME_SECS: i64 = 15 * 60;

pub fn handler() -> SharedHandler {
    simfra_gen_dynamodb_streams::handler(Arc::new(Streams))
}

struct Streams;

fn validation(m: impl Into<String>) -> ServiceError {
    ServiceError::new("ValidationException", 400, m)
}

fn not_found(m: impl Into<String>) -> ServiceError {
    ResourceNotFoundException { message: Some(m.into()) }.into()
}

fn convert(v: &simfra_gen_dynamodb::types::AttributeValue) -> AttributeValue {
    use simfra_gen_dynamodb::types::AttributeValue as D;
    match v {
        D::S(s) => AttributeValue::S(s.clone()),
        D::N(n) => AttributeValue::N(n.clone()),
        D::B(b) => AttributeValue::B(b.clone()),
        D::Ss(s) => AttributeValue::Ss(s.clone()),
        D::Ns(s) => AttributeValue::Ns(s.clone()),
        D::Bs(s) => AttributeValue::Bs(s.clone()),
        D::M(m) => AttributeValue::M(m.iter().map(|(k, v)| (k.clone(), convert(v))).collect()),
        D::L(l) => AttributeValue::L(l.iter().map(convert).collect()),
        D::Null(b) => AttributeValue::Null(*b),
        D::Bool(b) => AttributeValue::Bool(*b),
        D::Unknown => AttributeValue::Unknown,
    }
}

fn image(item: &crate::attr::Item) -> std::collections::HashMap<String, AttributeValue> {
    item.iter().map(|(k, v)| (k.clone(), convert(v))).collect()
}

fn view_type(v: &simfra_gen_dynamodb::types::StreamViewType) -> StreamViewType {
    StreamViewType::from(v.as_str())
}

/// Runs `f` on the stream with this ARN, live or of a deleted table.
fn with_stream<T>(region: &Region, arn: &str, f: impl FnOnce(&TableStream) -> T) -> Option<T> {
    {
        let tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(s) = tables.values().filter_map(|t| t.stream.as_ref()).find(|s| s.arn == arn) {
            return Some(f(s));
        }
    }
    let orphans = region.orphan_streams.lock().unwrap_or_else(|e| e.into_inner());
    orphans.iter().find(|s| s.arn == arn).map(f)
}

fn all_streams(region: &Region) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    let now = Timestamp::now().secs;
    {
        let tables = region.tables.lock().unwrap_or_else(|e| e.into_inner());
        out.extend(tables.values().filter_map(|t| t.stream.as_ref()).map(|s| (s.arn.clone(), s.table_name.clone(), s.label.clone())));
    }
    let mut orphans = region.orphan_streams.lock().unwrap_or_else(|e| e.into_inner());
    orphans.retain(|s| now - s.created.secs < 2 * crate::streams::RETENTION_SECS);
    out.extend(orphans.iter().map(|s| (s.arn.clone(), s.table_name.clone(), s.label.clone())));
    out.sort();
    out
}

fn encode_iterator(arn: &str, shard: &str, next: u128) -> String {
    let raw = format!("{}|{}|{}|{}", Timestamp::now().secs, next, shard, arn);
    crate::base64(raw.as_bytes())
}

fn decode_iterator(it: &str) -> Option<(i64, u128, String, String)> {
    let raw = String::from_utf8(crate::base64_decode(it)?).ok()?;
    let mut parts = raw.splitn(4, '|');
    let issued = parts.next()?.parse().ok()?;
    let next = parts.next()?.parse().ok()?;
    let shard = parts.next()?.to_string();
    let arn = parts.next()?.to_string();
    Some((issued, next, shard, arn))
}

fn record(stream: &TableStream, r: &StreamRecord) -> Record {
    Record {
        event_id: Some(r.event_id.clone()),
        event_name: Some(match r.event {
            EventName::Insert => OperationType::Insert,
            EventName::Modify => OperationType::Modify,
            EventName::Remove => OperationType::Remove,
        }),
        event_version: Some("1.1".into()),
        event_source: Some("aws:dynamodb".into()),
        aws_region: Some(stream.region.clone()),
        dynamodb: Some(StreamRecord_ {
            approximate_creation_date_time: Some(Timestamp::from_secs(r.at.secs)),
            keys: Some(image(&r.keys)),
            new_image: r.new_image.as_ref().map(image),
            old_image: r.old_image.as_ref().map(image),
            sequence_number: Some(sequence_text(r.sequence)),
            size_bytes: Some(r.size),
            stream_view_type: Some(view_type(&stream.view_type)),
        }),
        user_identity: r.identity.as_ref().map(|i| Identity { principal_id: Some(i.principal_id.clone()), type_: Some(i.kind.clone()) }),
    }
}

type StreamRecord_ = simfra_gen_dynamodb_streams::types::StreamRecord;

fn region(ctx: &RequestContext) -> Arc<Region> {
    crate::tables().regional(ctx)
}

#[simfra_model::async_trait]
impl DynamodbStreamsApi for Streams {
    fn implemented(&self) -> &'static [&'static str] {
        &["DescribeStream", "GetRecords", "GetShardIterator", "ListStreams"]
    }

    async fn list_streams(&self, ctx: &RequestContext, input: ListStreamsInput) -> Result<ListStreamsOutput, ListStreamsError> {
        let region = region(ctx);
        let limit = input.limit.unwrap_or(100).clamp(1, 100) as usize;
        let all: Vec<_> = all_streams(&region)
            .into_iter()
            .filter(|(_, t, _)| input.table_name.as_ref().is_none_or(|n| n == t))
            .filter(|(arn, _, _)| input.exclusive_start_stream_arn.as_ref().is_none_or(|s| arn > s))
            .collect();
        let page: Vec<Stream> = all
            .iter()
            .take(limit)
            .map(|(arn, t, l)| Stream { stream_arn: Some(arn.clone()), table_name: Some(t.clone()), stream_label: Some(l.clone()) })
            .collect();
        let last = (all.len() > limit).then(|| page.last().and_then(|s| s.stream_arn.clone())).flatten();
        Ok(ListStreamsOutput { streams: Some(page), last_evaluated_stream_arn: last })
    }

    async fn describe_stream(&self, ctx: &RequestContext, input: DescribeStreamInput) -> Result<DescribeStreamOutput, DescribeStreamError> {
        let region = region(ctx);
        let d = with_stream(&region, &input.stream_arn, |s| StreamDescription {
            stream_arn: Some(s.arn.clone()),
            stream_label: Some(s.label.clone()),
            stream_status: Some(if s.enabled { StreamStatus::Enabled } else { StreamStatus::Disabled }),
            stream_view_type: Some(view_type(&s.view_type)),
            creation_request_date_time: Some(s.created),
            table_name: Some(s.table_name.clone()),
            key_schema: Some(
                s.key_schema
                    .elements()
                    .into_iter()
                    .map(|k| KeySchemaElement { attribute_name: k.attribute_name, key_type: KeyType::from(k.key_type.as_str()) })
                    .collect(),
            ),
            shards: Some(vec![Shard {
                shard_id: Some(s.shard_id.clone()),
                sequence_number_range: Some(SequenceNumberRange {
                    starting_sequence_number: Some(sequence_text(s.first_sequence)),
                    ending_sequence_number: (!s.enabled).then(|| sequence_text(s.next_sequence.saturating_sub(100).max(s.first_sequence))),
                }),
                parent_shard_id: None,
            }]),
            last_evaluated_shard_id: None,
        })
        .ok_or_else(|| not_found(format!("Requested resource not found: Stream: {} not found", input.stream_arn)))?;
        Ok(DescribeStreamOutput { stream_description: Some(d) })
    }

    async fn get_shard_iterator(&self, ctx: &RequestContext, input: GetShardIteratorInput) -> Result<GetShardIteratorOutput, GetShardIteratorError> {
        let region = region(ctx);
        let wanted = |n: &Option<String>| -> Result<u128, ServiceError> {
            let n = n.as_ref().ok_or_else(|| validation("SequenceNumber is required for the shard iterator type"))?;
            n.parse::<u128>().map_err(|_| validation(format!("Invalid SequenceNumber: {n}")))
        };
        let position = match &input.shard_iterator_type {
            ShardIteratorType::AtSequenceNumber => Some(wanted(&input.sequence_number)?),
            ShardIteratorType::AfterSequenceNumber => Some(wanted(&input.sequence_number)? + 1),
            _ => None,
        };
        let it = with_stream(&region, &input.stream_arn, |s| {
            if s.shard_id != input.shard_id {
                return Err(not_found("Requested resource not found: Shard does not exist".to_string()));
            }
            let next = match (&input.shard_iterator_type, position) {
                (_, Some(p)) => {
                    if p < s.first_sequence || p > s.next_sequence {
                        return Err(validation(format!(
                            "Invalid SequenceNumber: {} for shard: {}",
                            input.sequence_number.clone().unwrap_or_default(),
                            s.shard_id
                        )));
                    }
                    p
                }
                (ShardIteratorType::Latest, _) => s.next_sequence,
                _ => s.records.front().map(|r| r.sequence).unwrap_or(s.next_sequence),
            };
            Ok(encode_iterator(&s.arn, &s.shard_id, next))
        })
        .ok_or_else(|| not_found(format!("Requested resource not found: Stream: {} not found", input.stream_arn)))??;
        Ok(GetShardIteratorOutput { shard_iterator: Some(it) })
    }

    async fn get_records(&self, ctx: &RequestContext, input: GetRecordsInput) -> Result<GetRecordsOutput, GetRecordsError> {
        let region = region(ctx);
        let (issued, next, shard, arn) =
            decode_iterator(&input.shard_iterator).ok_or_else(|| validation("Invalid ShardIterator"))?;
        if Timestamp::now().secs - issued > ITERATOR_LIFETIME_SECS {
            return Err(ExpiredIteratorException { message: Some("Iterator expired. The iterator was created over 15 minutes ago.".into()) }.into());
        }
        let limit = input.limit.unwrap_or(1000).clamp(1, 1000) as usize;
        let out = with_stream(&region, &arn, |s| {
            if next < s.trimmed_below {
                return Err(TrimmedDataAccessException {
                    message: Some("Attempted to access data that has been trimmed from the stream".into()),
                }
                .into());
            }
            let records: Vec<Record> = s.records.iter().filter(|r| r.sequence >= next).take(limit).map(|r| record(s, r)).collect();
            let after = s.records.iter().filter(|r| r.sequence >= next).nth(records.len()).map(|r| r.sequence).unwrap_or(s.next_sequence);
            let closed = !s.enabled && after >= s.next_sequence;
            Ok::<_, ServiceError>(GetRecordsOutput { records: Some(records), next_shard_iterator: (!closed).then(|| encode_iterator(&s.arn, &shard, after)) })
        })
        .ok_or_else(|| not_found("Requested resource not found: Stream does not exist"))??;
        Ok(out)
    }
}

/// Where a reader outside the API (Lambda's event source mappings) starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamPosition {
    TrimHorizon,
    Latest,
    /// At this sequence number (a checkpoint).
    At(u128),
}

/// For Lambda's event source mappings: up to `limit` records of a stream
/// from `from`, as GetRecords answers them, and the position after them;
/// None when the stream does not exist. (The stream's account and region
/// come from its ARN.)
pub fn read_stream(stream_arn: &str, from: StreamPosition, limit: usize) -> Option<(Vec<Record>, u128)> {
    let mut parts = stream_arn.split(':');
    let (region, account) = (parts.nth(3)?, parts.next()?);
    let state = crate::tables().get(account, region);
    with_stream(&state, stream_arn, |s| {
        let start = match from {
            StreamPosition::TrimHorizon => s.records.front().map(|r| r.sequence).unwrap_or(s.next_sequence),
            StreamPosition::Latest => s.next_sequence,
            StreamPosition::At(n) => n.max(s.trimmed_below),
        };
        let records: Vec<Record> = s.records.iter().filter(|r| r.sequence >= start).take(limit).map(|r| record(s, r)).collect();
        let after = s.records.iter().filter(|r| r.sequence >= start).nth(records.len()).map(|r| r.sequence).unwrap_or(s.next_sequence);
        (records, after)
    })
}
