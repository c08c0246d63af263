//! S3 Batch Operations jobs.
//!
//! A job is prepared when it is created: its manifest is read from S3 and its
//! role must exist and trust `batchoperations.s3.amazonaws.com`; a job whose
//! preparation fails is `Failed` with the reason. A prepared job waits in
//! `Suspended` when it asks for confirmation, and otherwise runs at once.
//!
//! Simfra runs one operation for real, `S3PutObjectCopy`: every object of
//! the manifest is copied into the target bucket, under the target prefix,
//! each task authorized as the job's role, and the completion report is
//! written. A copy carries the object's bytes (what S3's in-process API
//! gives); a copy job asking for more (new metadata, tags, ACLs, storage
//! class, Object Lock settings, KMS, conditions) fails saying what Simfra
//! does not apply. Jobs of the other operations end `Failed` with a failure
//! reason saying Simfra does not run them: no job claims work not done.

use crate::{link::s3, state, Data, TagSet};
use simfra_gen_s3_control::types::*;
use simfra_model::{Bytes, RequestContext, ServiceError, Timestamp};
use std::collections::BTreeMap;

#[derive(Default)]
pub(crate) struct Jobs {
    by_id: BTreeMap<String, Job>,
    /// Creation order, for listings (newest first).
    next_seq: u64,
}

pub(crate) struct Job {
    seq: u64,
    /// The request that created the job, for idempotent retries and for describing it.
    request: CreateJobRequest,
    status: JobStatus,
    status_update_reason: Option<String>,
    failure_reasons: Vec<JobFailure>,
    created: Timestamp,
    terminated: Option<Timestamp>,
    suspended: Option<(Timestamp, String)>,
    /// The manifest's objects (bucket, key), once read.
    tasks: Vec<(String, String)>,
    succeeded: i64,
    failed: i64,
    tags: TagSet,
}

fn bad_request(message: impl Into<String>) -> ServiceError {
    let mut e: ServiceError = BadRequestException { message: None }.into();
    e.message = Some(message.into());
    e
}

fn not_found() -> ServiceError {
    let mut e: ServiceError = NotFoundException { message: None }.into();
    e.message = Some("The specified job does not exist".into());
    e
}

fn job_arn(account: &str, region: &str, id: &str) -> String {
    format!("arn:aws:s3:{region}:{account}:job/{id}")
}

fn is_terminal(s: &JobStatus) -> bool {
    matches!(s, JobStatus::Complete | JobStatus::Failed | JobStatus::Cancelled)
}

/// The name of the job's one operation.
fn operation_name(op: &JobOperation) -> Option<OperationName> {
    let named = [
        (op.lambda_invoke.is_some(), OperationName::LambdaInvoke),
        (op.s3_put_object_copy.is_some(), OperationName::S3PutObjectCopy),
        (op.s3_put_object_acl.is_some(), OperationName::S3PutObjectAcl),
        (op.s3_put_object_tagging.is_some(), OperationName::S3PutObjectTagging),
        (op.s3_delete_object_tagging.is_some(), OperationName::S3DeleteObjectTagging),
        (op.s3_initiate_restore_object.is_some(), OperationName::S3InitiateRestoreObject),
        (op.s3_put_object_legal_hold.is_some(), OperationName::S3PutObjectLegalHold),
        (op.s3_put_object_retention.is_some(), OperationName::S3PutObjectRetention),
        (op.s3_replicate_object.is_some(), OperationName::S3ReplicateObject),
    ];
    let mut set = named.into_iter().filter(|(on, _)| *on).map(|(_, n)| n);
    match (set.next(), set.next()) {
        (Some(n), None) => Some(n),
        _ => None,
    }
}

/// `arn:aws:s3:::bucket` → bucket.
fn bucket_of_arn(arn: &str) -> Option<&str> {
    arn.strip_prefix("arn:aws:s3:::").filter(|b| !b.is_empty() && !b.contains('/'))
}

/// What CreateJob refuses outright (the rest shows in the job's state).
fn validate(input: &CreateJobRequest) -> Result<(), ServiceError> {
    if operation_name(&input.operation).is_none() {
        return Err(bad_request("Exactly one operation must be specified for a job"));
    }
    match (&input.manifest, &input.manifest_generator) {
        (Some(_), Some(_)) => return Err(bad_request("A job takes either a Manifest or a ManifestGenerator, not both")),
        (None, None) => return Err(bad_request("A job needs a Manifest or a ManifestGenerator")),
        (Some(m), None) => {
            let arn = &m.location.object_arn;
            let valid = arn.strip_prefix("arn:aws:s3:::").and_then(|r| r.split_once('/')).is_some_and(|(b, k)| !b.is_empty() && !k.is_empty());
            if !valid {
                return Err(bad_request(format!("Invalid manifest object ARN: {arn}")));
            }
            if m.spec.format == JobManifestFormat::S3BatchOperationsCsv20180820 {
                let fields: Vec<&str> = m.spec.fields.iter().flatten().map(|f| f.as_str()).collect();
                if !matches!(fields.as_slice(), ["Bucket", "Key"] | ["Bucket", "Key", "VersionId"]) {
                    return Err(bad_request("A CSV manifest's Fields must be Bucket, Key and optionally VersionId"));
                }
            }
        }
        (None, Some(_)) => {}
    }
    let r = &input.report;
    if r.enabled {
        match r.bucket.as_deref() {
            Some(b) if bucket_of_arn(b).is_some() => {}
            Some(b) => return Err(bad_request(format!("Invalid report bucket ARN: {b}"))),
            None => return Err(bad_request("A report bucket is required when the report is enabled")),
        }
        if r.format.is_none() {
            return Err(bad_request("A report format is required when the report is enabled"));
        }
        if r.report_scope.is_none() {
            return Err(bad_request("A report scope is required when the report is enabled"));
        }
    }
    if let Some(copy) = &input.operation.s3_put_object_copy {
        match copy.target_resource.as_deref() {
            Some(t) if bucket_of_arn(t).is_some() => {}
            _ => return Err(bad_request("S3PutObjectCopy needs a TargetResource bucket ARN")),
        }
    }
    Ok(())
}

fn failure(code: &str, reason: impl Into<String>) -> JobFailure {
    JobFailure { failure_code: Some(code.to_string()), failure_reason: Some(reason.into()) }
}

/// Percent-decoding of a manifest's URL-encoded keys.
fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match u8::from_str_radix(&s[i + 1..i + 3], 16) {
                Ok(b) => {
                    out.push(b);
                    i += 3;
                    continue;
                }
                Err(_) => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The CSV manifest's (bucket, key) rows.
fn parse_csv_manifest(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .filter_map(|l| {
            let mut cols = l.split(',');
            let bucket = cols.next()?.trim_matches('"').to_string();
            let key = url_decode(cols.next()?.trim_matches('"'));
            Some((bucket, key))
        })
        .collect()
}

/// Preparing: the role must be one Batch Operations may assume, the
/// manifest must be readable. Answers the manifest's tasks, or why not.
fn prepare(request: &CreateJobRequest) -> Result<Vec<(String, String)>, JobFailure> {
    let role_ok = simfra_identity::iam::role_of_arn(&request.role_arn)
        .and_then(|(account, name)| simfra_identity::iam::role(account, name))
        .is_some_and(|role| {
            let req = simfra_policy::Request {
                action: "sts:AssumeRole".into(),
                resource: role.arn.clone(),
                service_principal: Some("batchoperations.s3.amazonaws.com".into()),
                ..Default::default()
            };
            role.trust_policy.trusts(&req)
        });
    if !role_ok {
        return Err(failure(
            "AccessDenied",
            format!("Unable to assume {}: the role does not exist or does not trust batchoperations.s3.amazonaws.com", request.role_arn),
        ));
    }
    let Some(manifest) = &request.manifest else {
        return Err(failure("NotImplemented", "Simfra does not generate manifests (ManifestGenerator); give the job a Manifest object"));
    };
    let (bucket, key) = manifest.location.object_arn.strip_prefix("arn:aws:s3:::").and_then(|r| r.split_once('/')).unwrap_or_default();
    let Some(body) = (s3().get_object)(bucket, key) else {
        return Err(failure("ManifestNotFound", format!("Reading the manifest failed: arn:aws:s3:::{bucket}/{key} does not exist")));
    };
    let etag = md5_hex(&body);
    if manifest.location.e_tag.trim_matches('"') != etag {
        return Err(failure("ManifestETagMismatch", format!("The manifest's ETag is {etag}, not {}", manifest.location.e_tag)));
    }
    match manifest.spec.format {
        JobManifestFormat::S3BatchOperationsCsv20180820 => Ok(parse_csv_manifest(&String::from_utf8_lossy(&body))),
        _ => Err(failure("NotImplemented", "Simfra reads CSV manifests only (S3BatchOperations_CSV_20180820), not inventory reports")),
    }
}

fn iso8601(secs: i64) -> String {
    let (y, mo, d, h, mi, s) = simfra_model::calendar::utc_parts(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

fn md5_hex(data: &[u8]) -> String {
    use md5::{Digest, Md5};
    Md5::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

impl Job {
    fn finish(&mut self, status: JobStatus) {
        self.status = status;
        self.terminated = Some(Timestamp::now());
    }

    fn fail(&mut self, why: JobFailure) {
        self.failure_reasons.push(why);
        self.finish(JobStatus::Failed);
    }

    fn progress(&self) -> JobProgressSummary {
        JobProgressSummary {
            total_number_of_tasks: Some(self.tasks.len() as i64),
            number_of_tasks_succeeded: Some(self.succeeded),
            number_of_tasks_failed: Some(self.failed),
            timers: Some(JobTimers { elapsed_time_in_active_seconds: Some(0) }),
        }
    }

    /// Records how a run ended.
    fn apply(&mut self, ran: Ran) {
        match ran {
            Ran::Complete { succeeded, failed } => {
                self.succeeded = succeeded;
                self.failed = failed;
                self.finish(JobStatus::Complete);
            }
            Ran::Failed(why) => self.fail(why),
        }
    }
}

/// How a run ended.
enum Ran {
    Complete { succeeded: i64, failed: i64 },
    Failed(JobFailure),
}

/// A task's failure: HTTP status, error code, message.
type TaskError = (u16, String, String);

/// Whether Simfra enforces IAM (`SIMFRA_IAM`, `enforce` by default): then
/// each task is authorized as the job's role, as on AWS.
fn iam_enforced() -> bool {
    use simfra_identity::authorize::IamMode;
    IamMode::parse(&std::env::var("SIMFRA_IAM").unwrap_or_default()).unwrap_or(IamMode::Enforce) == IamMode::Enforce
}

/// Batch Operations' session of the job's role (it assumes the role to do the work).
fn role_session(role_arn: &str) -> Option<simfra_identity::credentials::Credential> {
    use simfra_identity::credentials::{credentials, issue_role_session, RoleSessionSpec};
    let (account, name) = simfra_identity::iam::role_of_arn(role_arn)?;
    let role = simfra_identity::iam::role(account, name)?;
    let now = Timestamp::now().secs;
    let spec = RoleSessionSpec {
        session_name: "s3-batch-operations".into(),
        issued_at: now,
        expires_at: now + 3600,
        session_policies: Vec::new(),
        session_tags: Vec::new(),
        source_identity: None,
    };
    let keys = issue_role_session(account, &role, spec);
    credentials().lookup(&keys.access_key_id)
}

/// The options of a copy operation Simfra does not apply.
fn unsupported_copy_options(c: &S3CopyObjectOperation) -> Vec<&'static str> {
    let replace = c.metadata_directive.as_ref().is_some_and(|d| d.as_str() == "REPLACE");
    [
        (c.canned_access_control_list.is_some(), "CannedAccessControlList"),
        (c.access_control_grants.is_some(), "AccessControlGrants"),
        (replace || c.new_object_metadata.is_some(), "NewObjectMetadata"),
        (c.new_object_tagging.is_some(), "NewObjectTagging"),
        (c.modified_since_constraint.is_some(), "ModifiedSinceConstraint"),
        (c.un_modified_since_constraint.is_some(), "UnModifiedSinceConstraint"),
        (c.redirect_location.is_some(), "RedirectLocation"),
        (c.requester_pays == Some(true), "RequesterPays"),
        (c.storage_class.is_some(), "StorageClass"),
        (c.sse_aws_kms_key_id.is_some(), "SSEAwsKmsKeyId"),
        (c.object_lock_legal_hold_status.is_some() || c.object_lock_mode.is_some() || c.object_lock_retain_until_date.is_some(), "Object Lock settings"),
        (c.checksum_algorithm.is_some(), "ChecksumAlgorithm"),
    ]
    .into_iter()
    .filter_map(|(set, name)| set.then_some(name))
    .collect()
}

/// Runs a Ready job (outside the state lock: it reads and writes S3).
fn run(id: &str, region: &str, request: &CreateJobRequest, tasks: &[(String, String)]) -> Ran {
    let Some(copy) = &request.operation.s3_put_object_copy else {
        let op = operation_name(&request.operation).map(|o| o.as_str().to_string()).unwrap_or_default();
        return Ran::Failed(failure("NotImplemented", format!("Simfra does not run S3 Batch Operations jobs of operation {op}; only S3PutObjectCopy jobs run")));
    };
    let unsupported = unsupported_copy_options(copy);
    if !unsupported.is_empty() {
        return Ran::Failed(failure(
            "NotImplemented",
            format!("Simfra copies object bytes only; it does not apply {} in S3PutObjectCopy jobs", unsupported.join(", ")),
        ));
    }
    let target = copy.target_resource.as_deref().and_then(bucket_of_arn).unwrap_or_default();
    let prefix = copy.target_key_prefix.as_deref().unwrap_or("").trim_end_matches('/');
    let session = if iam_enforced() { role_session(&request.role_arn) } else { None };
    let facts = simfra_identity::authorize::RequestFacts { region: region.to_string(), now: Timestamp::now().secs, ..Default::default() };
    let mut results = Vec::new();
    let (mut succeeded, mut failed) = (0, 0);
    for (bucket, key) in tasks {
        let dest = if prefix.is_empty() { key.clone() } else { format!("{prefix}/{key}") };
        let needs = [
            simfra_identity::actions::Required { action: "s3:GetObject".into(), resource: format!("arn:aws:s3:::{bucket}/{key}"), context: Vec::new() },
            simfra_identity::actions::Required { action: "s3:PutObject".into(), resource: format!("arn:aws:s3:::{target}/{dest}"), context: Vec::new() },
        ];
        let allowed = session.as_ref().is_none_or(|cred| simfra_identity::authorize::authorize(cred, &needs, &facts).is_ok());
        let outcome: Result<(), TaskError> = if !allowed {
            Err((403, "AccessDenied".into(), "Access Denied".into()))
        } else {
            match (s3().get_object)(bucket, key) {
                None => Err((404, "NoSuchKey".into(), "The specified key does not exist.".into())),
                Some(body) => (s3().put_object)(target, &dest, body, None).map(|_| ()).map_err(|e| (e.status, e.code, e.message.unwrap_or_default())),
            }
        };
        if outcome.is_ok() {
            succeeded += 1;
        } else {
            failed += 1;
        }
        results.push((bucket.clone(), key.clone(), outcome));
    }
    write_report(id, &request.report, &results);
    Ran::Complete { succeeded, failed }
}

/// The completion report: `<prefix>/job-<id>/results/<name>.csv` with a
/// row per task, and `manifest.json` naming it, as AWS writes them.
fn write_report(id: &str, r: &JobReport, results: &[(String, String, Result<(), TaskError>)]) {
    let Some(bucket) = r.bucket.as_deref().and_then(bucket_of_arn).filter(|_| r.enabled) else { return };
    let failed_only = r.report_scope == Some(JobReportScope::FailedTasksOnly);
    let base = match r.prefix.as_deref().map(|p| p.trim_end_matches('/')) {
        Some(p) if !p.is_empty() => format!("{p}/job-{id}"),
        _ => format!("job-{id}"),
    };
    let mut csv = String::new();
    for (b, k, outcome) in results {
        match outcome {
            Ok(()) if failed_only => continue,
            Ok(()) => csv.push_str(&format!("{b},{k},,succeeded,200,,Successful\n")),
            Err((status, code, message)) => csv.push_str(&format!("{b},{k},,failed,{status},{code},{message}\n")),
        }
    }
    let results_key = format!("{base}/results/{}.csv", simfra_identity::ids::random_hex(20));
    let _ = (s3().put_object)(bucket, &results_key, Bytes::from(csv), Some("text/csv"));
    let manifest = serde_json::json!({
        "Format": "Report_CSV_20180820",
        "ReportCreationDate": iso8601(Timestamp::now().secs),
        "Results": [{"TaskExecutionStatus": if failed_only { "failed" } else { "all" }, "Bucket": bucket, "Key": results_key}],
        "ReportSchema": "Bucket, Key, VersionId, TaskStatus, HTTPStatusCode, ErrorCode, ResultMessage",
    });
    let _ = (s3().put_object)(bucket, &format!("{base}/manifest.json"), Bytes::from(manifest.to_string()), Some("application/json"));
}

pub(crate) fn create(ctx: &RequestContext, mut input: CreateJobRequest) -> Result<String, ServiceError> {
    validate(&input)?;
    let tags = crate::tagging::checked(input.tags.iter().flatten().map(|t| (t.key.clone(), t.value.clone())).collect())?;
    input.account_id.clear();
    let scope = state().regional(ctx);
    let mut data = scope.lock();
    // A retry with the same token is the same job; the token reused for another request is refused.
    if let Some((id, job)) = data.jobs.by_id.iter().find(|(_, j)| j.request.client_request_token == input.client_request_token) {
        if job.request != input {
            let mut e: ServiceError = IdempotencyException { message: None }.into();
            e.message = Some("The ClientRequestToken was already used for a different job request".into());
            return Err(e);
        }
        return Ok(id.clone());
    }
    let id = simfra_identity::ids::uuid();
    let seq = data.jobs.next_seq;
    data.jobs.next_seq += 1;
    let job = Job {
        seq,
        request: input,
        status: JobStatus::New,
        status_update_reason: None,
        failure_reasons: Vec::new(),
        created: Timestamp::now(),
        terminated: None,
        suspended: None,
        tasks: Vec::new(),
        succeeded: 0,
        failed: 0,
        tags,
    };
    let request = job.request.clone();
    data.jobs.by_id.insert(id.clone(), job);
    drop(data);

    // Preparing and running read and write S3: outside the lock.
    let prepared = prepare(&request);
    let ran = match &prepared {
        Ok(tasks) if request.confirmation_required != Some(true) => Some(run(&id, &ctx.region, &request, tasks)),
        _ => None,
    };
    let mut data = scope.lock();
    // A job cancelled while it was being prepared stays cancelled.
    if let Some(job) = data.jobs.by_id.get_mut(&id).filter(|j| j.status == JobStatus::New) {
        match prepared {
            Err(why) => job.fail(why),
            Ok(tasks) => {
                job.tasks = tasks;
                match ran {
                    Some(ran) => job.apply(ran),
                    None => {
                        job.status = JobStatus::Suspended;
                        job.suspended = Some((Timestamp::now(), "AwaitingConfirmation".into()));
                    }
                }
            }
        }
    }
    Ok(id)
}

fn with_job<T>(ctx: &RequestContext, id: &str, f: impl FnOnce(&mut Job) -> Result<T, ServiceError>) -> Result<T, ServiceError> {
    let scope = state().regional(ctx);
    let mut data = scope.lock();
    data.jobs.by_id.get_mut(id).ok_or_else(not_found).and_then(f)
}

pub(crate) fn describe(ctx: &RequestContext, id: &str) -> Result<JobDescriptor, ServiceError> {
    with_job(ctx, id, |job| {
        let r = &job.request;
        Ok(JobDescriptor {
            job_id: Some(id.to_string()),
            confirmation_required: r.confirmation_required,
            description: r.description.clone(),
            job_arn: Some(job_arn(&ctx.account_id, &ctx.region, id)),
            status: Some(job.status.clone()),
            manifest: r.manifest.clone(),
            operation: Some(r.operation.clone()),
            priority: Some(r.priority),
            progress_summary: Some(job.progress()),
            status_update_reason: job.status_update_reason.clone(),
            failure_reasons: (!job.failure_reasons.is_empty()).then(|| job.failure_reasons.clone()),
            report: Some(r.report.clone()),
            creation_time: Some(job.created),
            termination_date: job.terminated,
            role_arn: Some(r.role_arn.clone()),
            suspended_date: job.suspended.as_ref().map(|(t, _)| *t),
            suspended_cause: job.suspended.as_ref().map(|(_, c)| c.clone()),
            manifest_generator: r.manifest_generator.clone(),
            generated_manifest_descriptor: None,
        })
    })
}

pub(crate) fn list(ctx: &RequestContext, input: &ListJobsRequest) -> Result<ListJobsResult, ServiceError> {
    let max = input.max_results.unwrap_or(1000).clamp(1, 1000) as usize;
    let before: u64 = match &input.next_token {
        None => u64::MAX,
        Some(t) => t.parse().map_err(|_| {
            let mut e: ServiceError = InvalidNextTokenException { message: None }.into();
            e.message = Some("The continuation token provided is invalid".into());
            e
        })?,
    };
    let scope = state().regional(ctx);
    let data = scope.lock();
    let mut jobs: Vec<(&String, &Job)> = data
        .jobs
        .by_id
        .iter()
        .filter(|(_, j)| j.seq < before)
        .filter(|(_, j)| input.job_statuses.as_ref().is_none_or(|s| s.is_empty() || s.contains(&j.status)))
        .collect();
    jobs.sort_by_key(|(_, j)| std::cmp::Reverse(j.seq));
    let more = jobs.len() > max;
    jobs.truncate(max);
    let next_token = if more { jobs.last().map(|(_, j)| j.seq.to_string()) } else { None };
    let list = jobs
        .into_iter()
        .map(|(id, j)| JobListDescriptor {
            job_id: Some(id.clone()),
            description: j.request.description.clone(),
            operation: operation_name(&j.request.operation),
            priority: Some(j.request.priority),
            status: Some(j.status.clone()),
            creation_time: Some(j.created),
            termination_date: j.terminated,
            progress_summary: Some(j.progress()),
        })
        .collect();
    Ok(ListJobsResult { next_token, jobs: Some(list) })
}

pub(crate) fn set_priority(ctx: &RequestContext, id: &str, priority: i32) -> Result<(), ServiceError> {
    with_job(ctx, id, |job| {
        job.request.priority = priority;
        Ok(())
    })
}

/// AWS's transitions: `Ready` confirms a `Suspended` job; `Cancelled`
/// ends any job that has not ended. Anything else is a `JobStatusException`.
pub(crate) fn update_status(ctx: &RequestContext, input: &UpdateJobStatusRequest) -> Result<UpdateJobStatusResult, ServiceError> {
    let id = input.job_id.clone();
    let confirmed = with_job(ctx, &id, |job| {
        let refuse = |job: &Job| {
            let mut e: ServiceError = JobStatusException { message: None }.into();
            e.message = Some(format!("Job {id} is in status {} and cannot be moved to {}", job.status.as_str(), input.requested_job_status.as_str()));
            e
        };
        match (&input.requested_job_status, &job.status) {
            (RequestedJobStatus::Ready, JobStatus::Suspended) => {
                job.status = JobStatus::Ready;
                job.status_update_reason = input.status_update_reason.clone();
                Ok(Some((job.request.clone(), job.tasks.clone())))
            }
            (RequestedJobStatus::Cancelled, s) if !is_terminal(s) => {
                job.status_update_reason = input.status_update_reason.clone();
                job.finish(JobStatus::Cancelled);
                Ok(None)
            }
            _ => Err(refuse(job)),
        }
    })?;
    // A confirmed job runs now (outside the lock); a cancellation landed meanwhile wins.
    if let Some((request, tasks)) = confirmed {
        let ran = run(&id, &ctx.region, &request, &tasks);
        with_job(ctx, &id, |job| {
            if job.status == JobStatus::Ready {
                job.apply(ran);
            }
            Ok(())
        })?;
    }
    with_job(ctx, &id, |job| {
        Ok(UpdateJobStatusResult { job_id: Some(id.clone()), status: Some(job.status.clone()), status_update_reason: job.status_update_reason.clone() })
    })
}

pub(crate) fn tags_mut<'d>(data: &'d mut Data, id: &str) -> Result<&'d mut TagSet, ServiceError> {
    data.jobs.by_id.get_mut(id).map(|j| &mut j.tags).ok_or_else(not_found)
}

pub(crate) fn set_tags(ctx: &RequestContext, id: &str, tags: TagSet) -> Result<(), ServiceError> {
    with_job(ctx, id, |job| {
        job.tags = tags;
        Ok(())
    })
}

pub(crate) fn tags(ctx: &RequestContext, id: &str) -> Result<TagSet, ServiceError> {
    with_job(ctx, id, |job| Ok(job.tags.clone()))
}

pub(crate) fn facts(account: &str, region: &str, id: &str) -> Option<simfra_identity::authorize::ResourceFacts> {
    let scope = state().all().into_iter().find(|((a, r), _)| a == account && r == region)?.1;
    let data = scope.lock();
    let job = data.jobs.by_id.get(id)?;
    Some(simfra_identity::authorize::ResourceFacts { owner: account.to_string(), policy: None, tags: job.tags.clone() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_decode_keys() {
        let rows = parse_csv_manifest("b,a%2Fb%20c.txt\nb,plain\n\n\"b\",\"q+x\"\n");
        assert_eq!(rows, vec![("b".into(), "a/b c.txt".into()), ("b".into(), "plain".into()), ("b".into(), "q x".into())]);
        assert_eq!(url_decode("100%"), "100%");
    }
}
