//! The SQS operations: request validation and answers. The queue mechanics
//! are in `queue`, attribute rules in `attributes`, message rules in
//! `validate`, batch rules in `batch`, dead-letter rules in `redrive`,
//! AddPermission/RemovePermission in `permissions`, move tasks in `moves`.

use crate::attributes;
use crate::queue::{ReceiveFilter, VisibilityError};
use crate::validate::{invalid_parameter, missing_parameter};
use crate::*;
use simfra_gen_sqs::*;

const MAX_WAIT_SECONDS: i32 = 20;
const MAX_VISIBILITY: i32 = 43_200;
const PURGE_INTERVAL: Duration = Duration::from_secs(60);
const NAME_REUSE_DELAY: Duration = Duration::from_secs(60);

impl Sqs {
    fn region_for(&self, ctx: &RequestContext, url: &str) -> Result<(Arc<Region>, String, String), ServiceError> {
        let name = queue_name(url)?;
        let owner = queue_owner(ctx, url)?;
        Ok((self.state.get(&owner, &ctx.region), owner, name))
    }

    fn with_queue<T>(
        &self,
        ctx: &RequestContext,
        url: &str,
        f: impl FnOnce(&mut Queue) -> Result<T, ServiceError>,
    ) -> Result<T, ServiceError> {
        let (region, _, name) = self.region_for(ctx, url)?;
        let mut queues = region.lock();
        let q = queues.get_mut(&name).ok_or_else(no_queue)?;
        f(q)
    }

    /// The caller as `SenderId` reports it: the account for root callers,
    /// otherwise the signing access key id (AWS shows the user's or role
    /// session's unique id, which Simfra does not keep apart from the key).
    fn sender_id(ctx: &RequestContext) -> String {
        match ctx.principal_arn.as_deref() {
            Some(arn) if arn.ends_with(":root") || arn.is_empty() => ctx.account_id.clone(),
            Some(_) => ctx.access_key_id.clone().unwrap_or_else(|| ctx.account_id.clone()),
            None => ctx.account_id.clone(),
        }
    }
}

fn invalid_handle(handle: &str) -> ServiceError {
    ReceiptHandleIsInvalid { message: Some(format!("The input receipt handle \"{handle}\" is not a valid receipt handle.")) }
        .into()
}

fn visibility_error(handle: &str, e: VisibilityError) -> ServiceError {
    match e {
        VisibilityError::BadHandle => invalid_handle(handle),
        VisibilityError::Gone => invalid_parameter(format!(
            "Value {handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change."
        )),
        VisibilityError::NotInFlight => MessageNotInflight {}.into(),
        VisibilityError::TooLong(t) => invalid_parameter(format!(
            "Value {t} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]"
        )),
    }
}

fn check_visibility(v: i32) -> Result<Duration, ServiceError> {
    if !(0..=MAX_VISIBILITY).contains(&v) {
        return Err(invalid_parameter(format!(
            "Value {v} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= {MAX_VISIBILITY}, if provided."
        )));
    }
    Ok(Duration::from_secs(v as u64))
}

#[simfra_model::async_trait]
impl SqsApi for Sqs {
    fn implemented(&self) -> &'static [&'static str] {
        &[
            "AddPermission",
            "CancelMessageMoveTask",
            "ChangeMessageVisibility",
            "ChangeMessageVisibilityBatch",
            "CreateQueue",
            "DeleteMessage",
            "DeleteMessageBatch",
            "DeleteQueue",
            "GetQueueAttributes",
            "GetQueueUrl",
            "ListDeadLetterSourceQueues",
            "ListMessageMoveTasks",
            "ListQueueTags",
            "ListQueues",
            "PurgeQueue",
            "ReceiveMessage",
            "RemovePermission",
            "SendMessage",
            "SendMessageBatch",
            "SetQueueAttributes",
            "StartMessageMoveTask",
            "TagQueue",
            "UntagQueue",
        ]
    }

    async fn create_queue(&self, ctx: &RequestContext, input: CreateQueueRequest) -> Result<CreateQueueResult, CreateQueueError> {
        if !valid_queue_name(&input.queue_name) {
            return Err(invalid_parameter(
                "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length",
            )
            .into());
        }
        let requested = input.attributes.unwrap_or_default();
        let fifo = requested.get("FifoQueue").map(|v| v == "true").unwrap_or(false);
        if fifo != input.queue_name.ends_with(".fifo") {
            return Err(invalid_parameter("The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.").into());
        }
        let mut attrs = attributes::defaults(fifo);
        for (k, v) in &requested {
            attributes::check(k, v, fifo)?;
            attrs.insert(k.clone(), v.clone());
        }
        if attrs.get("KmsMasterKeyId").is_some_and(|k| !k.is_empty()) && !requested.contains_key("SqsManagedSseEnabled") {
            attrs.insert("SqsManagedSseEnabled".into(), "false".into());
        }
        attributes::check_combination(&attrs)?;
        let tags = input.tags.unwrap_or_default();
        check_tags(&tags)?;
        let arn = simfra_store::arn("sqs", &ctx.region, &ctx.account_id, &input.queue_name);
        let region = self.state.regional(ctx);
        let mut queues = region.lock();
        if let Some(existing) = queues.get(&input.queue_name) {
            // Re-creating with identical attributes returns the queue; different ones fail.
            let differs: Vec<&String> = requested.keys().filter(|k| existing.attributes.get(*k) != requested.get(*k)).collect();
            if !differs.is_empty() {
                return Err(QueueNameExists {
                    message: Some(format!(
                        "A queue already exists with the same name and a different value for attribute {}",
                        differs.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                    )),
                }
                .into());
            }
            return Ok(CreateQueueResult { queue_url: Some(queue_url(ctx, &ctx.account_id, &input.queue_name)) });
        }
        {
            let mut deleted = region.deleted.lock().unwrap_or_else(|e| e.into_inner());
            deleted.retain(|_, at| at.elapsed() < NAME_REUSE_DELAY);
            if deleted.contains_key(&input.queue_name) {
                return Err(QueueDeletedRecently {
                    message: Some("You must wait 60 seconds after deleting a queue before you can create another with the same name.".into()),
                }
                .into());
            }
        }
        if let Some(p) = attrs.get("RedrivePolicy") {
            redrive::check_target(&queues, &arn, fifo, p)?;
        }
        queues.insert(input.queue_name.clone(), Queue::new(input.queue_name.clone(), arn, attrs, tags));
        Ok(CreateQueueResult { queue_url: Some(queue_url(ctx, &ctx.account_id, &input.queue_name)) })
    }

    async fn get_queue_url(&self, ctx: &RequestContext, input: GetQueueUrlRequest) -> Result<GetQueueUrlResult, GetQueueUrlError> {
        let owner = match input.queue_owner_aws_account_id.as_deref() {
            Some(a) if a != ctx.account_id => {
                if !ctx.may_reach(a) {
                    return Err(no_queue().into());
                }
                a.to_string()
            }
            _ => ctx.account_id.clone(),
        };
        let region = self.state.get(&owner, &ctx.region);
        if !region.lock().contains_key(&input.queue_name) {
            return Err(no_queue().into());
        }
        Ok(GetQueueUrlResult { queue_url: Some(queue_url(ctx, &owner, &input.queue_name)) })
    }

    async fn list_queues(&self, ctx: &RequestContext, input: ListQueuesRequest) -> Result<ListQueuesResult, ListQueuesError> {
        if let Some(m) = input.max_results {
            if !(1..=1000).contains(&m) {
                return Err(invalid_parameter(format!(
                    "Value {m} for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000."
                ))
                .into());
            }
        }
        let region = self.state.regional(ctx);
        let queues = region.lock();
        let prefix = input.queue_name_prefix.unwrap_or_default();
        let max = input.max_results.unwrap_or(1000) as usize;
        let after = match input.next_token.as_deref() {
            Some(t) => String::from_utf8(decode_hex(t).ok_or_else(|| invalid_parameter("Invalid NextToken value."))?)
                .map_err(|_| invalid_parameter("Invalid NextToken value."))?,
            None => String::new(),
        };
        let names: Vec<&String> =
            queues.keys().filter(|n| n.starts_with(&prefix) && n.as_str() > after.as_str()).collect();
        let page: Vec<String> = names.iter().take(max).map(|n| queue_url(ctx, &ctx.account_id, n)).collect();
        let next_token = (input.max_results.is_some() && names.len() > max).then(|| encode_hex(names[max - 1].as_bytes()));
        Ok(ListQueuesResult { queue_urls: (!page.is_empty()).then_some(page), next_token })
    }

    async fn delete_queue(&self, ctx: &RequestContext, input: DeleteQueueRequest) -> Result<(), DeleteQueueError> {
        let (region, _, name) = self.region_for(ctx, &input.queue_url)?;
        region.lock().remove(&name).ok_or_else(no_queue)?;
        region.deleted.lock().unwrap_or_else(|e| e.into_inner()).insert(name, Instant::now());
        region.arrivals.notify_waiters();
        Ok(())
    }

    async fn set_queue_attributes(&self, ctx: &RequestContext, input: SetQueueAttributesRequest) -> Result<(), SetQueueAttributesError> {
        let (region, _, name) = self.region_for(ctx, &input.queue_url)?;
        let mut queues = region.lock();
        let q = queues.get(&name).ok_or_else(no_queue)?;
        let mut attrs = q.attributes.clone();
        for (k, v) in &input.attributes {
            if k == "FifoQueue" {
                return Err(ServiceError::new("InvalidAttributeName", 400, "Attribute FifoQueue cannot be changed.").into());
            }
            attributes::check(k, v, q.fifo)?;
            // An empty policy removes it.
            if matches!(k.as_str(), "Policy" | "RedrivePolicy" | "RedriveAllowPolicy" | "KmsMasterKeyId") && v.is_empty() {
                attrs.remove(k);
            } else {
                attrs.insert(k.clone(), v.clone());
            }
        }
        if input.attributes.get("KmsMasterKeyId").is_some_and(|k| !k.is_empty()) && !input.attributes.contains_key("SqsManagedSseEnabled") {
            attrs.insert("SqsManagedSseEnabled".into(), "false".into());
        }
        attributes::check_combination(&attrs)?;
        if let Some(p) = input.attributes.get("RedrivePolicy") {
            redrive::check_target(&queues, &q.arn, q.fifo, p)?;
        }
        let q = queues.get_mut(&name).ok_or_else(no_queue)?;
        q.attributes = attrs;
        q.modified = Timestamp::now();
        Ok(())
    }

    async fn purge_queue(&self, ctx: &RequestContext, input: PurgeQueueRequest) -> Result<(), PurgeQueueError> {
        Ok(self.with_queue(ctx, &input.queue_url, |q| {
            if q.last_purge.is_some_and(|t| t.elapsed() < PURGE_INTERVAL) {
                return Err(PurgeQueueInProgress {
                    message: Some(format!("Only one PurgeQueue operation on {} is allowed every 60 seconds.", q.name)),
                }
                .into());
            }
            q.last_purge = Some(Instant::now());
            q.purge();
            Ok(())
        })?)
    }

    async fn get_queue_attributes(
        &self,
        ctx: &RequestContext,
        input: GetQueueAttributesRequest,
    ) -> Result<GetQueueAttributesResult, GetQueueAttributesError> {
        let wanted: Vec<String> = input.attribute_names.unwrap_or_default().iter().map(|a| a.as_str().to_string()).collect();
        for w in &wanted {
            if w != "All" && !attributes::SETTABLE.contains(&w.as_str()) && !attributes::COMPUTED.contains(&w.as_str()) {
                return Err(attributes::unknown_attribute(w).into());
            }
        }
        let attrs = self.with_queue(ctx, &input.queue_url, |q| {
            let (visible, in_flight, delayed) = q.counts();
            let mut all = q.attributes.clone();
            all.insert("ApproximateNumberOfMessages".into(), visible.to_string());
            all.insert("ApproximateNumberOfMessagesNotVisible".into(), in_flight.to_string());
            all.insert("ApproximateNumberOfMessagesDelayed".into(), delayed.to_string());
            all.insert("CreatedTimestamp".into(), q.created.secs.to_string());
            all.insert("LastModifiedTimestamp".into(), q.modified.secs.to_string());
            all.insert("QueueArn".into(), q.arn.clone());
            Ok(all)
        })?;
        let all = wanted.iter().any(|w| w == "All");
        let selected: HashMap<String, String> =
            attrs.into_iter().filter(|(k, _)| all || wanted.iter().any(|w| w == k)).collect();
        Ok(GetQueueAttributesResult { attributes: (!selected.is_empty()).then_some(selected) })
    }

    async fn send_message(&self, ctx: &RequestContext, input: SendMessageRequest) -> Result<SendMessageResult, SendMessageError> {
        let (region, _, name) = self.region_for(ctx, &input.queue_url)?;
        let spec = SendSpec {
            body: input.message_body,
            delay: input.delay_seconds,
            attributes: input.message_attributes.unwrap_or_default(),
            system_attributes: input.message_system_attributes.unwrap_or_default(),
            group_id: input.message_group_id,
            dedup_id: input.message_deduplication_id,
        };
        let (accepted, digests) = {
            let mut queues = region.lock();
            let q = queues.get_mut(&name).ok_or_else(no_queue)?;
            push_checked(q, spec, Self::sender_id(ctx))?
        };
        region.arrivals.notify_waiters();
        Ok(SendMessageResult {
            md5_of_message_body: Some(digests.body),
            md5_of_message_attributes: digests.attributes,
            md5_of_message_system_attributes: digests.system_attributes,
            message_id: Some(accepted.message_id),
            sequence_number: accepted.sequence_number,
        })
    }

    async fn send_message_batch(
        &self,
        ctx: &RequestContext,
        input: SendMessageBatchRequest,
    ) -> Result<SendMessageBatchResult, SendMessageBatchError> {
        batch::check_shape("SendMessageBatchRequestEntry", input.entries.iter().map(|e| e.id.as_str()))?;
        let total: usize = input
            .entries
            .iter()
            .map(|e| {
                e.message_body.len()
                    + e.message_attributes.as_ref().map_or(0, |a| {
                        a.iter()
                            .map(|(k, v)| {
                                k.len()
                                    + v.data_type.len()
                                    + v.string_value.as_ref().map_or(0, |s| s.len())
                                    + v.binary_value.as_ref().map_or(0, |b| b.len())
                            })
                            .sum()
                    })
            })
            .sum();
        if total > attributes::MAX_MESSAGE_SIZE as usize {
            return Err(BatchRequestTooLong {
                message: Some(format!(
                    "Batch requests cannot be longer than {} bytes. You have sent {total} bytes.",
                    attributes::MAX_MESSAGE_SIZE
                )),
            }
            .into());
        }
        let (region, _, name) = self.region_for(ctx, &input.queue_url)?;
        let sender = Self::sender_id(ctx);
        let mut result = SendMessageBatchResult::default();
        {
            let mut queues = region.lock();
            let q = queues.get_mut(&name).ok_or_else(no_queue)?;
            for e in input.entries {
                let spec = SendSpec {
                    body: e.message_body,
                    delay: e.delay_seconds,
                    attributes: e.message_attributes.unwrap_or_default(),
                    system_attributes: e.message_system_attributes.unwrap_or_default(),
                    group_id: e.message_group_id,
                    dedup_id: e.message_deduplication_id,
                };
                match push_checked(q, spec, sender.clone()) {
                    Ok((accepted, digests)) => result.successful.push(SendMessageBatchResultEntry {
                        id: e.id,
                        message_id: accepted.message_id,
                        md5_of_message_body: digests.body,
                        md5_of_message_attributes: digests.attributes,
                        md5_of_message_system_attributes: digests.system_attributes,
                        sequence_number: accepted.sequence_number,
                    }),
                    Err(err) => result.failed.push(batch::failure(&e.id, err)),
                }
            }
        }
        region.arrivals.notify_waiters();
        Ok(result)
    }

    async fn receive_message(
        &self,
        ctx: &RequestContext,
        input: ReceiveMessageRequest,
    ) -> Result<ReceiveMessageResult, ReceiveMessageError> {
        let max = input.max_number_of_messages.unwrap_or(1);
        if !(1..=10).contains(&max) {
            return Err(invalid_parameter(format!(
                "Value {max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."
            ))
            .into());
        }
        if let Some(wait) = input.wait_time_seconds {
            if !(0..=MAX_WAIT_SECONDS).contains(&wait) {
                return Err(invalid_parameter(format!(
                    "Value {wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided."
                ))
                .into());
            }
        }
        if let Some(v) = input.visibility_timeout {
            check_visibility(v)?;
        }
        let (region, _, name) = self.region_for(ctx, &input.queue_url)?;
        let (default_wait, default_visibility, fifo) = {
            let queues = region.lock();
            let q = queues.get(&name).ok_or_else(no_queue)?;
            (q.attr_i64("ReceiveMessageWaitTimeSeconds", 0) as i32, q.attr_i64("VisibilityTimeout", 30), q.fifo)
        };
        if let Some(a) = &input.receive_request_attempt_id {
            if a.is_empty() || a.len() > 128 || !a.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(invalid_parameter(format!(
                    "Value {a} for parameter ReceiveRequestAttemptId is invalid. Reason: ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length."
                ))
                .into());
            }
        }
        let attempt = input.receive_request_attempt_id.as_deref().filter(|_| fifo);
        let wait = input.wait_time_seconds.unwrap_or(default_wait);
        let visibility = Duration::from_secs(input.visibility_timeout.map(i64::from).unwrap_or(default_visibility).max(0) as u64);
        let mut system: Vec<String> =
            input.message_system_attribute_names.unwrap_or_default().iter().map(|a| a.as_str().to_string()).collect();
        system.extend(input.attribute_names.unwrap_or_default().iter().map(|a| a.as_str().to_string()));
        let filter = ReceiveFilter { system, user: input.message_attribute_names.unwrap_or_default() };
        let deadline = Instant::now() + Duration::from_secs(wait as u64);
        loop {
            // Register for wake-ups before looking, so a send in between is not missed.
            let arrived = region.arrivals.notified();
            let messages = {
                let mut queues = region.lock();
                let q = queues.get_mut(&name).ok_or_else(no_queue)?;
                let (messages, dead) = q.receive(max as usize, visibility, &filter, attempt);
                if !dead.is_empty() {
                    redrive::settle(&mut queues, &name, dead);
                }
                messages
            };
            let now = Instant::now();
            if !messages.is_empty() || now >= deadline {
                return Ok(ReceiveMessageResult { messages: (!messages.is_empty()).then_some(messages) });
            }
            // Delayed or invisible messages become visible without a send: look again at least every 100 ms.
            let nap = (deadline - now).min(Duration::from_millis(100));
            let _ = tokio::time::timeout(nap, arrived).await;
        }
    }

    async fn delete_message(&self, ctx: &RequestContext, input: DeleteMessageRequest) -> Result<(), DeleteMessageError> {
        let handle = input.receipt_handle;
        Ok(self.with_queue(ctx, &input.queue_url, |q| q.delete(&handle).map_err(|_| invalid_handle(&handle)))?)
    }

    async fn delete_message_batch(
        &self,
        ctx: &RequestContext,
        input: DeleteMessageBatchRequest,
    ) -> Result<DeleteMessageBatchResult, DeleteMessageBatchError> {
        batch::check_shape("DeleteMessageBatchRequestEntry", input.entries.iter().map(|e| e.id.as_str()))?;
        Ok(self.with_queue(ctx, &input.queue_url, |q| {
            let mut result = DeleteMessageBatchResult::default();
            for e in input.entries {
                match q.delete(&e.receipt_handle) {
                    Ok(()) => result.successful.push(DeleteMessageBatchResultEntry { id: e.id }),
                    Err(()) => {
                        let err = invalid_handle(&e.receipt_handle);
                        result.failed.push(batch::failure(&e.id, err))
                    }
                }
            }
            Ok(result)
        })?)
    }

    async fn change_message_visibility(
        &self,
        ctx: &RequestContext,
        input: ChangeMessageVisibilityRequest,
    ) -> Result<(), ChangeMessageVisibilityError> {
        let timeout = check_visibility(input.visibility_timeout)?;
        let handle = input.receipt_handle;
        self.with_queue(ctx, &input.queue_url, |q| q.change_visibility(&handle, timeout).map_err(|e| visibility_error(&handle, e)))?;
        if timeout.is_zero() {
            self.region_for(ctx, &input.queue_url)?.0.arrivals.notify_waiters();
        }
        Ok(())
    }

    async fn change_message_visibility_batch(
        &self,
        ctx: &RequestContext,
        input: ChangeMessageVisibilityBatchRequest,
    ) -> Result<ChangeMessageVisibilityBatchResult, ChangeMessageVisibilityBatchError> {
        batch::check_shape("ChangeMessageVisibilityBatchRequestEntry", input.entries.iter().map(|e| e.id.as_str()))?;
        let result = self.with_queue(ctx, &input.queue_url, |q| {
            let mut result = ChangeMessageVisibilityBatchResult::default();
            for e in input.entries {
                let outcome = check_visibility(e.visibility_timeout.unwrap_or(0)).and_then(|t| {
                    q.change_visibility(&e.receipt_handle, t).map_err(|err| visibility_error(&e.receipt_handle, err))
                });
                match outcome {
                    Ok(()) => result.successful.push(ChangeMessageVisibilityBatchResultEntry { id: e.id }),
                    Err(err) => result.failed.push(batch::failure(&e.id, err)),
                }
            }
            Ok(result)
        })?;
        self.region_for(ctx, &input.queue_url)?.0.arrivals.notify_waiters();
        Ok(result)
    }

    async fn list_dead_letter_source_queues(
        &self,
        ctx: &RequestContext,
        input: ListDeadLetterSourceQueuesRequest,
    ) -> Result<ListDeadLetterSourceQueuesResult, ListDeadLetterSourceQueuesError> {
        let (region, owner, name) = self.region_for(ctx, &input.queue_url)?;
        let queues = region.lock();
        let dlq = queues.get(&name).ok_or_else(no_queue)?;
        let after = input.next_token.as_deref().and_then(decode_hex).and_then(|b| String::from_utf8(b).ok()).unwrap_or_default();
        let sources: Vec<&String> = queues
            .values()
            .filter(|q| q.redrive_policy().is_some_and(|p| p.dead_letter_target_arn == dlq.arn))
            .map(|q| &q.name)
            .filter(|n| n.as_str() > after.as_str())
            .collect();
        let max = input.max_results.unwrap_or(1000).clamp(1, 1000) as usize;
        let next_token = (input.max_results.is_some() && sources.len() > max).then(|| encode_hex(sources[max - 1].as_bytes()));
        Ok(ListDeadLetterSourceQueuesResult {
            queue_urls: sources.iter().take(max).map(|n| queue_url(ctx, &owner, n)).collect(),
            next_token,
        })
    }

    async fn tag_queue(&self, ctx: &RequestContext, input: TagQueueRequest) -> Result<(), TagQueueError> {
        Ok(self.with_queue(ctx, &input.queue_url, |q| {
            let mut tags = q.tags.clone();
            tags.extend(input.tags);
            check_tags(&tags)?;
            q.tags = tags;
            Ok(())
        })?)
    }

    async fn untag_queue(&self, ctx: &RequestContext, input: UntagQueueRequest) -> Result<(), UntagQueueError> {
        Ok(self.with_queue(ctx, &input.queue_url, |q| {
            for k in &input.tag_keys {
                q.tags.remove(k);
            }
            Ok(())
        })?)
    }

    async fn list_queue_tags(&self, ctx: &RequestContext, input: ListQueueTagsRequest) -> Result<ListQueueTagsResult, ListQueueTagsError> {
        let tags = self.with_queue(ctx, &input.queue_url, |q| Ok(q.tags.clone()))?;
        Ok(ListQueueTagsResult { tags: (!tags.is_empty()).then_some(tags) })
    }

    async fn add_permission(&self, ctx: &RequestContext, input: AddPermissionRequest) -> Result<(), AddPermissionError> {
        if input.aws_account_ids.is_empty() {
            return Err(missing_parameter("AWSAccountIds").into());
        }
        if input.actions.is_empty() {
            return Err(missing_parameter("Actions").into());
        }
        Ok(self.with_queue(ctx, &input.queue_url, |q| permissions::add(q, &input))?)
    }

    async fn remove_permission(&self, ctx: &RequestContext, input: RemovePermissionRequest) -> Result<(), RemovePermissionError> {
        Ok(self.with_queue(ctx, &input.queue_url, |q| permissions::remove(q, &input))?)
    }

    async fn start_message_move_task(
        &self,
        ctx: &RequestContext,
        input: StartMessageMoveTaskRequest,
    ) -> Result<StartMessageMoveTaskResult, StartMessageMoveTaskError> {
        Ok(moves::start(self.state, ctx, input)?)
    }

    async fn cancel_message_move_task(
        &self,
        ctx: &RequestContext,
        input: CancelMessageMoveTaskRequest,
    ) -> Result<CancelMessageMoveTaskResult, CancelMessageMoveTaskError> {
        Ok(moves::cancel(self.state, ctx, input)?)
    }

    async fn list_message_move_tasks(
        &self,
        ctx: &RequestContext,
        input: ListMessageMoveTasksRequest,
    ) -> Result<ListMessageMoveTasksResult, ListMessageMoveTasksError> {
        Ok(moves::list(self.state, ctx, input)?)
    }
}

/// Tag limits: at most 50 tags, keys 1–128 and values up to 256 characters.
fn check_tags(tags: &HashMap<String, String>) -> Result<(), ServiceError> {
    if tags.len() > 50 {
        return Err(invalid_parameter("Too many tags added for queue. The maximum number of tags per queue is 50."));
    }
    for (k, v) in tags {
        if k.is_empty() || k.chars().count() > 128 {
            return Err(invalid_parameter(format!("Tag key must be between 1 and 128 characters: {k}")));
        }
        if v.chars().count() > 256 {
            return Err(invalid_parameter(format!("Tag value must be at most 256 characters, for tag key {k}")));
        }
    }
    Ok(())
}

pub(crate) fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}
