//! Amazon S3 Control: the account's Block Public Access settings, access
//! points (policies, aliases, network origin), Object Lambda Access Points,
//! Multi-Region Access Points, S3 Access Grants (with real vended
//! credentials), tags of S3 resources, S3 Batch Operations jobs (S3PutObjectCopy
//! runs; the other operations fail saying so), Storage Lens configurations and
//! groups. S3 on Outposts answers NoSuchOutpost: Simfra has no Outposts.
//!
//! In-process API for S3 (which depends on this crate):
//! - [`account_public_access_block`]: the account's four Block Public Access flags;
//! - [`access_point`] / [`access_point_by_alias`]: what a request through an
//!   access point ARN, host or alias reaches (bucket, policy, settings);
//! - [`resource_facts`]: IAM's view of access points, jobs, Storage Lens and
//!   Access Grants resources (`arn:aws:s3:<region>:<account>:…`), for S3 to
//!   answer beside its buckets under the one `s3` ARN service IAM knows;
//! - [`object_lambda_access_point`]: an Object Lambda Access Point's
//!   supporting access point and transformations;
//! - [`multi_region_access_point`]: the buckets (regions, traffic dials)
//!   behind a Multi-Region Access Point alias;
//! - [`policy_is_public`]: AWS's "is this resource policy public" test.
//!
//! This crate reaches S3 through the [`S3Link`] the server gives [`handler`].

mod access_grants;
mod access_points;
mod jobs;
mod link;
mod multi_region;
mod object_lambda;
mod public_access_block;
mod storage_lens;
mod tagging;

pub use access_points::{access_point, access_point_by_alias, access_point_named, policy_is_public, AccessPointInfo};
pub use link::{BucketRef, S3Link};
pub use multi_region::multi_region_access_point;
pub use object_lambda::object_lambda_access_point;
pub use public_access_block::account_public_access_block;
pub use simfra_gen_s3_control::types::ObjectLambdaConfiguration;

use simfra_gen_s3_control::types::*;
use simfra_gen_s3_control::*;
use simfra_model::{RequestContext, ServiceError, SharedHandler};
use simfra_store::Scoped;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// Tags in the order they were set.
pub(crate) type TagSet = Vec<(String, String)>;

/// One account's S3 Control resources in one region.
#[derive(Default)]
pub(crate) struct Data {
    pub access_points: BTreeMap<String, access_points::StoredAccessPoint>,
    pub jobs: jobs::Jobs,
    pub storage_lens: BTreeMap<String, storage_lens::StoredConfiguration>,
    pub storage_lens_groups: BTreeMap<String, storage_lens::StoredGroup>,
    /// The S3 Access Grants instance, once created.
    pub access_grants: Option<access_grants::Instance>,
    pub object_lambda: BTreeMap<String, object_lambda::StoredObjectLambda>,
}

#[derive(Default)]
pub(crate) struct Regional {
    data: Mutex<Data>,
}

impl Regional {
    pub fn lock(&self) -> MutexGuard<'_, Data> {
        self.data.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Every account's and region's state, process-wide so that S3 and IAM
/// can look access points up.
pub(crate) fn state() -> &'static Scoped<Regional> {
    static STATE: OnceLock<Scoped<Regional>> = OnceLock::new();
    STATE.get_or_init(Scoped::new)
}

pub fn handler(link: S3Link) -> SharedHandler {
    link::connect(link);
    // Object Lambda Access Points have an ARN service of their own; `s3` ARNs
    // are S3's to register (it answers for ours through `resource_facts`).
    simfra_identity::authorize::register_resources("s3-object-lambda", object_lambda::facts);
    simfra_gen_s3_control::handler(Arc::new(S3Control))
}

/// IAM's view of the S3 Control resources an ARN names: access points
/// (and objects through them), Batch Operations jobs, Storage Lens
/// configurations and groups, Access Grants instances, locations and grants (the
/// instance's resource policy with each). `None` for buckets and anything else.
pub fn resource_facts(arn: &str) -> Option<simfra_identity::authorize::ResourceFacts> {
    let mut parts = arn.strip_prefix("arn:")?.splitn(5, ':');
    let (_partition, service, region, account, resource) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if service != "s3" || region.is_empty() || account.is_empty() {
        return None;
    }
    let (kind, rest) = resource.split_once('/')?;
    let id = rest.split('/').next()?;
    match kind {
        "accesspoint" => access_points::facts(account, region, id),
        "job" => jobs::facts(account, region, id),
        "storage-lens" => storage_lens::facts(account, region, id),
        "storage-lens-group" => storage_lens::group_facts(account, region, id),
        "access-grants" => access_grants::facts(account, region, rest),
        _ => None,
    }
}

/// What Outposts bucket operations answer: Simfra has no Outposts.
fn no_such_outpost() -> ServiceError {
    ServiceError::new("NoSuchOutpost", 404, "The specified Outpost does not exist.")
}

/// Every request names its account in `x-amz-account-id` (and the host);
/// AWS refuses one naming another account than the caller's.
fn check_account(ctx: &RequestContext, account_id: &str) -> Result<(), ServiceError> {
    if account_id == ctx.account_id {
        Ok(())
    } else {
        Err(ServiceError::new("AccessDenied", 403, "Access Denied"))
    }
}

pub struct S3Control;

#[simfra_model::async_trait]
impl S3ControlApi for S3Control {
    fn implemented(&self) -> &'static [&'static str] {
        &[
            "CreateAccessGrant",
            "CreateAccessGrantsInstance",
            "CreateAccessGrantsLocation",
            "CreateAccessPoint",
            "CreateAccessPointForObjectLambda",
            "CreateBucket",
            "CreateJob",
            "CreateMultiRegionAccessPoint",
            "CreateStorageLensGroup",
            "DeleteAccessGrant",
            "DeleteAccessGrantsInstance",
            "DeleteAccessGrantsInstanceResourcePolicy",
            "DeleteAccessGrantsLocation",
            "DeleteAccessPoint",
            "DeleteAccessPointForObjectLambda",
            "DeleteAccessPointPolicy",
            "DeleteAccessPointPolicyForObjectLambda",
            "DeleteBucket",
            "DeleteBucketLifecycleConfiguration",
            "DeleteBucketPolicy",
            "DeleteBucketReplication",
            "DeleteBucketTagging",
            "DeleteJobTagging",
            "DeleteMultiRegionAccessPoint",
            "DeletePublicAccessBlock",
            "DeleteStorageLensConfiguration",
            "DeleteStorageLensConfigurationTagging",
            "DeleteStorageLensGroup",
            "DescribeJob",
            "DescribeMultiRegionAccessPointOperation",
            "GetAccessGrant",
            "GetAccessGrantsInstance",
            "GetAccessGrantsInstanceForPrefix",
            "GetAccessGrantsInstanceResourcePolicy",
            "GetAccessGrantsLocation",
            "GetAccessPoint",
            "GetAccessPointConfigurationForObjectLambda",
            "GetAccessPointForObjectLambda",
            "GetAccessPointPolicy",
            "GetAccessPointPolicyForObjectLambda",
            "GetAccessPointPolicyStatus",
            "GetAccessPointPolicyStatusForObjectLambda",
            "GetBucket",
            "GetBucketLifecycleConfiguration",
            "GetBucketPolicy",
            "GetBucketReplication",
            "GetBucketTagging",
            "GetBucketVersioning",
            "GetDataAccess",
            "GetJobTagging",
            "GetMultiRegionAccessPoint",
            "GetMultiRegionAccessPointPolicy",
            "GetMultiRegionAccessPointPolicyStatus",
            "GetMultiRegionAccessPointRoutes",
            "GetPublicAccessBlock",
            "GetStorageLensConfiguration",
            "GetStorageLensConfigurationTagging",
            "GetStorageLensGroup",
            "ListAccessGrants",
            "ListAccessGrantsInstances",
            "ListAccessGrantsLocations",
            "ListAccessPoints",
            "ListAccessPointsForDirectoryBuckets",
            "ListAccessPointsForObjectLambda",
            "ListCallerAccessGrants",
            "ListJobs",
            "ListMultiRegionAccessPoints",
            "ListStorageLensConfigurations",
            "ListStorageLensGroups",
            "ListTagsForResource",
            "PutAccessGrantsInstanceResourcePolicy",
            "PutAccessPointConfigurationForObjectLambda",
            "PutAccessPointPolicy",
            "PutAccessPointPolicyForObjectLambda",
            "PutBucketLifecycleConfiguration",
            "PutBucketPolicy",
            "PutBucketReplication",
            "PutBucketTagging",
            "PutBucketVersioning",
            "PutJobTagging",
            "PutMultiRegionAccessPointPolicy",
            "PutPublicAccessBlock",
            "PutStorageLensConfiguration",
            "PutStorageLensConfigurationTagging",
            "SubmitMultiRegionAccessPointRoutes",
            "TagResource",
            "UntagResource",
            "UpdateAccessGrantsLocation",
            "UpdateJobPriority",
            "UpdateJobStatus",
            "UpdateStorageLensGroup",
        ]
    }

    // ---------------------------------------------------------------- account public access block

    async fn put_public_access_block(&self, ctx: &RequestContext, input: PutPublicAccessBlockRequest) -> Result<(), PutPublicAccessBlockError> {
        check_account(ctx, &input.account_id)?;
        public_access_block::put(ctx, &input.public_access_block_configuration);
        Ok(())
    }

    async fn get_public_access_block(&self, ctx: &RequestContext, input: GetPublicAccessBlockRequest) -> Result<GetPublicAccessBlockOutput, GetPublicAccessBlockError> {
        check_account(ctx, &input.account_id)?;
        Ok(GetPublicAccessBlockOutput { public_access_block_configuration: Some(public_access_block::get(ctx)?) })
    }

    async fn delete_public_access_block(&self, ctx: &RequestContext, input: DeletePublicAccessBlockRequest) -> Result<(), DeletePublicAccessBlockError> {
        check_account(ctx, &input.account_id)?;
        public_access_block::delete(ctx);
        Ok(())
    }

    // ---------------------------------------------------------------- access points

    async fn create_access_point(&self, ctx: &RequestContext, input: CreateAccessPointRequest) -> Result<CreateAccessPointResult, CreateAccessPointError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_points::create(ctx, input)?)
    }

    async fn get_access_point(&self, ctx: &RequestContext, input: GetAccessPointRequest) -> Result<GetAccessPointResult, GetAccessPointError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_points::get(ctx, &input.name)?)
    }

    async fn list_access_points(&self, ctx: &RequestContext, input: ListAccessPointsRequest) -> Result<ListAccessPointsResult, ListAccessPointsError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_points::list(ctx, &input)?)
    }

    /// Simfra has no directory buckets (S3 refuses `--x-s3` names), so none
    /// has access points.
    async fn list_access_points_for_directory_buckets(
        &self,
        ctx: &RequestContext,
        input: ListAccessPointsForDirectoryBucketsRequest,
    ) -> Result<ListAccessPointsForDirectoryBucketsResult, ListAccessPointsForDirectoryBucketsError> {
        check_account(ctx, &input.account_id)?;
        if input.directory_bucket.is_some() {
            return Err(ServiceError::new("NoSuchBucket", 404, "The specified bucket does not exist").into());
        }
        Ok(ListAccessPointsForDirectoryBucketsResult { access_point_list: Some(Vec::new()), next_token: None })
    }

    async fn delete_access_point(&self, ctx: &RequestContext, input: DeleteAccessPointRequest) -> Result<(), DeleteAccessPointError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_points::delete(ctx, &input.name)?)
    }

    async fn put_access_point_policy(&self, ctx: &RequestContext, input: PutAccessPointPolicyRequest) -> Result<(), PutAccessPointPolicyError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_points::put_policy(ctx, &input.name, &input.policy)?)
    }

    async fn get_access_point_policy(&self, ctx: &RequestContext, input: GetAccessPointPolicyRequest) -> Result<GetAccessPointPolicyResult, GetAccessPointPolicyError> {
        check_account(ctx, &input.account_id)?;
        Ok(GetAccessPointPolicyResult { policy: Some(access_points::get_policy(ctx, &input.name)?) })
    }

    async fn delete_access_point_policy(&self, ctx: &RequestContext, input: DeleteAccessPointPolicyRequest) -> Result<(), DeleteAccessPointPolicyError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_points::delete_policy(ctx, &input.name)?)
    }

    async fn get_access_point_policy_status(
        &self,
        ctx: &RequestContext,
        input: GetAccessPointPolicyStatusRequest,
    ) -> Result<GetAccessPointPolicyStatusResult, GetAccessPointPolicyStatusError> {
        check_account(ctx, &input.account_id)?;
        let public = access_points::policy_status(ctx, &input.name)?;
        Ok(GetAccessPointPolicyStatusResult { policy_status: Some(PolicyStatus { is_public: Some(public) }) })
    }

    // ---------------------------------------------------------------- S3 on Outposts
    // Simfra has no Outposts: every Outposts bucket operation names an
    // Outpost that does not exist.

    async fn create_bucket(&self, _ctx: &RequestContext, input: CreateBucketRequest) -> Result<CreateBucketResult, CreateBucketError> {
        let _ = input;
        Err(no_such_outpost().into())
    }

    async fn delete_bucket(&self, ctx: &RequestContext, input: DeleteBucketRequest) -> Result<(), DeleteBucketError> {
        check_account(ctx, &input.account_id)?;
        Err(no_such_outpost().into())
    }

    async fn get_bucket(&self, ctx: &RequestContext, input: GetBucketRequest) -> Result<GetBucketResult, GetBucketError> {
        check_account(ctx, &input.account_id)?;
        Err(no_such_outpost().into())
    }

    async fn delete_bucket_lifecycle_configuration(&self, ctx: &RequestContext, input: DeleteBucketLifecycleConfigurationRequest) -> Result<(), DeleteBucketLifecycleConfigurationError> {
        check_account(ctx, &input.account_id)?;
        Err(no_such_outpost().into())
    }

    async fn get_bucket_lifecycle_configuration(&self, ctx: &RequestContext, input: GetBucketLifecycleConfigurationRequest) -> Result<GetBucketLifecycleConfigurationResult, GetBucketLifecycleConfigurationError> {
        check_account(ctx, &input.account_id)?;
        Err(no_such_outpost().into())
    }

    async fn put_bucket_lifecycle_configuration(&self, ctx: &RequestContext, input: PutBucketLifecycleConfigurationRequest) -> Result<(), PutBucketLifecycleConfigurationError> {
        check_account(ctx, &input.account_id)?;
        Err(no_such_outpost().into())
    }

    async fn delete_bucket_policy(&self, ctx: &RequestContext, input: DeleteBucketPolicyRequest) -> Result<(), DeleteBucketPolicyError> {
        check_account(ctx, &input.account_id)?;
        Err(no_such_outpost().into())
    }

    async fn get_bucket_policy(&self, ctx: &RequestContext, input: GetBucketPolicyRequest) -> Result<GetBucketPolicyResult, GetBucketPolicyError> {
        check_account(ctx, &input.account_id)?;
        Err(no_such_outpost().into())
    }

    async fn put_bucket_policy(&self, ctx: &RequestContext, input: PutBucketPolicyRequest) -> Result<(), PutBucketPolicyError> {
        check_account(ctx, &input.account_id)?;
        Err(no_such_outpost().into())
    }

    async fn delete_bucket_replication(&self, ctx: &RequestContext, input: DeleteBucketReplicationRequest) -> Result<(), DeleteBucketReplicationError> {
        check_account(ctx, &input.account_id)?;
        Err(no_such_outpost().into())
    }

    async fn get_bucket_replication(&self, ctx: &RequestContext, input: GetBucketReplicationRequest) -> Result<GetBucketReplicationResult, GetBucketReplicationError> {
        check_account(ctx, &input.account_id)?;
        Err(no_such_outpost().into())
    }

    async fn put_bucket_replication(&self, ctx: &RequestContext, input: PutBucketReplicationRequest) -> Result<(), PutBucketReplicationError> {
        check_account(ctx, &input.account_id)?;
        Err(no_such_outpost().into())
    }

    async fn delete_bucket_tagging(&self, ctx: &RequestContext, input: DeleteBucketTaggingRequest) -> Result<(), DeleteBucketTaggingError> {
        check_account(ctx, &input.account_id)?;
        Err(no_such_outpost().into())
    }

    async fn get_bucket_tagging(&self, ctx: &RequestContext, input: GetBucketTaggingRequest) -> Result<GetBucketTaggingResult, GetBucketTaggingError> {
        check_account(ctx, &input.account_id)?;
        Err(no_such_outpost().into())
    }

    async fn put_bucket_tagging(&self, ctx: &RequestContext, input: PutBucketTaggingRequest) -> Result<(), PutBucketTaggingError> {
        check_account(ctx, &input.account_id)?;
        Err(no_such_outpost().into())
    }

    async fn get_bucket_versioning(&self, ctx: &RequestContext, input: GetBucketVersioningRequest) -> Result<GetBucketVersioningResult, GetBucketVersioningError> {
        check_account(ctx, &input.account_id)?;
        Err(no_such_outpost().into())
    }

    async fn put_bucket_versioning(&self, ctx: &RequestContext, input: PutBucketVersioningRequest) -> Result<(), PutBucketVersioningError> {
        check_account(ctx, &input.account_id)?;
        Err(no_such_outpost().into())
    }

    // ---------------------------------------------------------------- Object Lambda Access Points

    async fn create_access_point_for_object_lambda(
        &self,
        ctx: &RequestContext,
        input: CreateAccessPointForObjectLambdaRequest,
    ) -> Result<CreateAccessPointForObjectLambdaResult, CreateAccessPointForObjectLambdaError> {
        check_account(ctx, &input.account_id)?;
        Ok(object_lambda::create(ctx, input)?)
    }

    async fn get_access_point_for_object_lambda(
        &self,
        ctx: &RequestContext,
        input: GetAccessPointForObjectLambdaRequest,
    ) -> Result<GetAccessPointForObjectLambdaResult, GetAccessPointForObjectLambdaError> {
        check_account(ctx, &input.account_id)?;
        Ok(object_lambda::get(ctx, &input.name)?)
    }

    async fn get_access_point_configuration_for_object_lambda(
        &self,
        ctx: &RequestContext,
        input: GetAccessPointConfigurationForObjectLambdaRequest,
    ) -> Result<GetAccessPointConfigurationForObjectLambdaResult, GetAccessPointConfigurationForObjectLambdaError> {
        check_account(ctx, &input.account_id)?;
        Ok(GetAccessPointConfigurationForObjectLambdaResult { configuration: Some(object_lambda::configuration(ctx, &input.name)?) })
    }

    async fn put_access_point_configuration_for_object_lambda(
        &self,
        ctx: &RequestContext,
        input: PutAccessPointConfigurationForObjectLambdaRequest,
    ) -> Result<(), PutAccessPointConfigurationForObjectLambdaError> {
        check_account(ctx, &input.account_id)?;
        Ok(object_lambda::put_configuration(ctx, &input.name, input.configuration)?)
    }

    async fn delete_access_point_for_object_lambda(
        &self,
        ctx: &RequestContext,
        input: DeleteAccessPointForObjectLambdaRequest,
    ) -> Result<(), DeleteAccessPointForObjectLambdaError> {
        check_account(ctx, &input.account_id)?;
        Ok(object_lambda::delete(ctx, &input.name)?)
    }

    async fn list_access_points_for_object_lambda(
        &self,
        ctx: &RequestContext,
        input: ListAccessPointsForObjectLambdaRequest,
    ) -> Result<ListAccessPointsForObjectLambdaResult, ListAccessPointsForObjectLambdaError> {
        check_account(ctx, &input.account_id)?;
        Ok(object_lambda::list(ctx, &input))
    }

    async fn put_access_point_policy_for_object_lambda(
        &self,
        ctx: &RequestContext,
        input: PutAccessPointPolicyForObjectLambdaRequest,
    ) -> Result<(), PutAccessPointPolicyForObjectLambdaError> {
        check_account(ctx, &input.account_id)?;
        Ok(object_lambda::put_policy(ctx, &input.name, &input.policy)?)
    }

    async fn get_access_point_policy_for_object_lambda(
        &self,
        ctx: &RequestContext,
        input: GetAccessPointPolicyForObjectLambdaRequest,
    ) -> Result<GetAccessPointPolicyForObjectLambdaResult, GetAccessPointPolicyForObjectLambdaError> {
        check_account(ctx, &input.account_id)?;
        Ok(GetAccessPointPolicyForObjectLambdaResult { policy: Some(object_lambda::get_policy(ctx, &input.name)?) })
    }

    async fn delete_access_point_policy_for_object_lambda(
        &self,
        ctx: &RequestContext,
        input: DeleteAccessPointPolicyForObjectLambdaRequest,
    ) -> Result<(), DeleteAccessPointPolicyForObjectLambdaError> {
        check_account(ctx, &input.account_id)?;
        Ok(object_lambda::delete_policy(ctx, &input.name)?)
    }

    async fn get_access_point_policy_status_for_object_lambda(
        &self,
        ctx: &RequestContext,
        input: GetAccessPointPolicyStatusForObjectLambdaRequest,
    ) -> Result<GetAccessPointPolicyStatusForObjectLambdaResult, GetAccessPointPolicyStatusForObjectLambdaError> {
        check_account(ctx, &input.account_id)?;
        let public = object_lambda::policy_status(ctx, &input.name)?;
        Ok(GetAccessPointPolicyStatusForObjectLambdaResult { policy_status: Some(PolicyStatus { is_public: Some(public) }) })
    }

    // ---------------------------------------------------------------- S3 Access Grants

    async fn create_access_grants_instance(
        &self,
        ctx: &RequestContext,
        input: CreateAccessGrantsInstanceRequest,
    ) -> Result<CreateAccessGrantsInstanceResult, CreateAccessGrantsInstanceError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_grants::create_instance(ctx, input)?)
    }

    async fn get_access_grants_instance(
        &self,
        ctx: &RequestContext,
        input: GetAccessGrantsInstanceRequest,
    ) -> Result<GetAccessGrantsInstanceResult, GetAccessGrantsInstanceError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_grants::get_instance(ctx)?)
    }

    async fn list_access_grants_instances(
        &self,
        ctx: &RequestContext,
        input: ListAccessGrantsInstancesRequest,
    ) -> Result<ListAccessGrantsInstancesResult, ListAccessGrantsInstancesError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_grants::list_instances(ctx))
    }

    async fn delete_access_grants_instance(&self, ctx: &RequestContext, input: DeleteAccessGrantsInstanceRequest) -> Result<(), DeleteAccessGrantsInstanceError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_grants::delete_instance(ctx)?)
    }

    async fn get_access_grants_instance_for_prefix(
        &self,
        ctx: &RequestContext,
        input: GetAccessGrantsInstanceForPrefixRequest,
    ) -> Result<GetAccessGrantsInstanceForPrefixResult, GetAccessGrantsInstanceForPrefixError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_grants::instance_for_prefix(ctx, &input.s3_prefix)?)
    }

    async fn put_access_grants_instance_resource_policy(
        &self,
        ctx: &RequestContext,
        input: PutAccessGrantsInstanceResourcePolicyRequest,
    ) -> Result<PutAccessGrantsInstanceResourcePolicyResult, PutAccessGrantsInstanceResourcePolicyError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_grants::put_policy(ctx, input.policy, input.organization)?)
    }

    async fn get_access_grants_instance_resource_policy(
        &self,
        ctx: &RequestContext,
        input: GetAccessGrantsInstanceResourcePolicyRequest,
    ) -> Result<GetAccessGrantsInstanceResourcePolicyResult, GetAccessGrantsInstanceResourcePolicyError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_grants::get_policy(ctx)?)
    }

    async fn delete_access_grants_instance_resource_policy(
        &self,
        ctx: &RequestContext,
        input: DeleteAccessGrantsInstanceResourcePolicyRequest,
    ) -> Result<(), DeleteAccessGrantsInstanceResourcePolicyError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_grants::delete_policy(ctx)?)
    }

    async fn create_access_grants_location(
        &self,
        ctx: &RequestContext,
        input: CreateAccessGrantsLocationRequest,
    ) -> Result<CreateAccessGrantsLocationResult, CreateAccessGrantsLocationError> {
        check_account(ctx, &input.account_id)?;
        let l = access_grants::create_location(ctx, input)?;
        Ok(CreateAccessGrantsLocationResult {
            created_at: l.created_at,
            access_grants_location_id: l.access_grants_location_id,
            access_grants_location_arn: l.access_grants_location_arn,
            location_scope: l.location_scope,
            iam_role_arn: l.iam_role_arn,
        })
    }

    async fn get_access_grants_location(
        &self,
        ctx: &RequestContext,
        input: GetAccessGrantsLocationRequest,
    ) -> Result<GetAccessGrantsLocationResult, GetAccessGrantsLocationError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_grants::get_location(ctx, &input.access_grants_location_id)?)
    }

    async fn update_access_grants_location(
        &self,
        ctx: &RequestContext,
        input: UpdateAccessGrantsLocationRequest,
    ) -> Result<UpdateAccessGrantsLocationResult, UpdateAccessGrantsLocationError> {
        check_account(ctx, &input.account_id)?;
        let l = access_grants::update_location(ctx, &input.access_grants_location_id, &input.iam_role_arn)?;
        Ok(UpdateAccessGrantsLocationResult {
            created_at: l.created_at,
            access_grants_location_id: l.access_grants_location_id,
            access_grants_location_arn: l.access_grants_location_arn,
            location_scope: l.location_scope,
            iam_role_arn: l.iam_role_arn,
        })
    }

    async fn delete_access_grants_location(&self, ctx: &RequestContext, input: DeleteAccessGrantsLocationRequest) -> Result<(), DeleteAccessGrantsLocationError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_grants::delete_location(ctx, &input.access_grants_location_id)?)
    }

    async fn list_access_grants_locations(
        &self,
        ctx: &RequestContext,
        input: ListAccessGrantsLocationsRequest,
    ) -> Result<ListAccessGrantsLocationsResult, ListAccessGrantsLocationsError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_grants::list_locations(ctx, input.location_scope.as_deref())?)
    }

    async fn create_access_grant(&self, ctx: &RequestContext, input: CreateAccessGrantRequest) -> Result<CreateAccessGrantResult, CreateAccessGrantError> {
        check_account(ctx, &input.account_id)?;
        let g = access_grants::create_grant(ctx, input)?;
        Ok(CreateAccessGrantResult {
            created_at: g.created_at,
            access_grant_id: g.access_grant_id,
            access_grant_arn: g.access_grant_arn,
            grantee: g.grantee,
            access_grants_location_id: g.access_grants_location_id,
            access_grants_location_configuration: g.access_grants_location_configuration,
            permission: g.permission,
            application_arn: g.application_arn,
            grant_scope: g.grant_scope,
        })
    }

    async fn get_access_grant(&self, ctx: &RequestContext, input: GetAccessGrantRequest) -> Result<GetAccessGrantResult, GetAccessGrantError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_grants::get_grant(ctx, &input.access_grant_id)?)
    }

    async fn delete_access_grant(&self, ctx: &RequestContext, input: DeleteAccessGrantRequest) -> Result<(), DeleteAccessGrantError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_grants::delete_grant(ctx, &input.access_grant_id)?)
    }

    async fn list_access_grants(&self, ctx: &RequestContext, input: ListAccessGrantsRequest) -> Result<ListAccessGrantsResult, ListAccessGrantsError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_grants::list_grants(ctx, &input)?)
    }

    async fn list_caller_access_grants(
        &self,
        ctx: &RequestContext,
        input: ListCallerAccessGrantsRequest,
    ) -> Result<ListCallerAccessGrantsResult, ListCallerAccessGrantsError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_grants::list_caller_grants(ctx, input.grant_scope.as_deref())?)
    }

    async fn get_data_access(&self, ctx: &RequestContext, input: GetDataAccessRequest) -> Result<GetDataAccessResult, GetDataAccessError> {
        check_account(ctx, &input.account_id)?;
        Ok(access_grants::get_data_access(ctx, &input)?)
    }

    // ---------------------------------------------------------------- Multi-Region Access Points

    async fn create_multi_region_access_point(
        &self,
        ctx: &RequestContext,
        input: CreateMultiRegionAccessPointRequest,
    ) -> Result<CreateMultiRegionAccessPointResult, CreateMultiRegionAccessPointError> {
        check_account(ctx, &input.account_id)?;
        Ok(CreateMultiRegionAccessPointResult { request_token_arn: Some(multi_region::create(ctx, input)?) })
    }

    async fn delete_multi_region_access_point(
        &self,
        ctx: &RequestContext,
        input: DeleteMultiRegionAccessPointRequest,
    ) -> Result<DeleteMultiRegionAccessPointResult, DeleteMultiRegionAccessPointError> {
        check_account(ctx, &input.account_id)?;
        Ok(DeleteMultiRegionAccessPointResult { request_token_arn: Some(multi_region::delete(ctx, input)?) })
    }

    async fn put_multi_region_access_point_policy(
        &self,
        ctx: &RequestContext,
        input: PutMultiRegionAccessPointPolicyRequest,
    ) -> Result<PutMultiRegionAccessPointPolicyResult, PutMultiRegionAccessPointPolicyError> {
        check_account(ctx, &input.account_id)?;
        Ok(PutMultiRegionAccessPointPolicyResult { request_token_arn: Some(multi_region::put_policy(ctx, input)?) })
    }

    async fn describe_multi_region_access_point_operation(
        &self,
        ctx: &RequestContext,
        input: DescribeMultiRegionAccessPointOperationRequest,
    ) -> Result<DescribeMultiRegionAccessPointOperationResult, DescribeMultiRegionAccessPointOperationError> {
        check_account(ctx, &input.account_id)?;
        Ok(DescribeMultiRegionAccessPointOperationResult { async_operation: Some(multi_region::describe_operation(ctx, &input.request_token_arn)?) })
    }

    async fn get_multi_region_access_point(
        &self,
        ctx: &RequestContext,
        input: GetMultiRegionAccessPointRequest,
    ) -> Result<GetMultiRegionAccessPointResult, GetMultiRegionAccessPointError> {
        check_account(ctx, &input.account_id)?;
        Ok(GetMultiRegionAccessPointResult { access_point: Some(multi_region::get(ctx, &input.name)?) })
    }

    async fn list_multi_region_access_points(
        &self,
        ctx: &RequestContext,
        input: ListMultiRegionAccessPointsRequest,
    ) -> Result<ListMultiRegionAccessPointsResult, ListMultiRegionAccessPointsError> {
        check_account(ctx, &input.account_id)?;
        Ok(multi_region::list(ctx, &input))
    }

    async fn get_multi_region_access_point_policy(
        &self,
        ctx: &RequestContext,
        input: GetMultiRegionAccessPointPolicyRequest,
    ) -> Result<GetMultiRegionAccessPointPolicyResult, GetMultiRegionAccessPointPolicyError> {
        check_account(ctx, &input.account_id)?;
        Ok(GetMultiRegionAccessPointPolicyResult { policy: Some(multi_region::get_policy(ctx, &input.name)?) })
    }

    async fn get_multi_region_access_point_policy_status(
        &self,
        ctx: &RequestContext,
        input: GetMultiRegionAccessPointPolicyStatusRequest,
    ) -> Result<GetMultiRegionAccessPointPolicyStatusResult, GetMultiRegionAccessPointPolicyStatusError> {
        check_account(ctx, &input.account_id)?;
        Ok(GetMultiRegionAccessPointPolicyStatusResult { established: Some(multi_region::policy_status(ctx, &input.name)?) })
    }

    async fn get_multi_region_access_point_routes(
        &self,
        ctx: &RequestContext,
        input: GetMultiRegionAccessPointRoutesRequest,
    ) -> Result<GetMultiRegionAccessPointRoutesResult, GetMultiRegionAccessPointRoutesError> {
        check_account(ctx, &input.account_id)?;
        let routes = multi_region::routes(ctx, &input.mrap)?;
        Ok(GetMultiRegionAccessPointRoutesResult { mrap: Some(input.mrap), routes: Some(routes) })
    }

    async fn submit_multi_region_access_point_routes(
        &self,
        ctx: &RequestContext,
        input: SubmitMultiRegionAccessPointRoutesRequest,
    ) -> Result<SubmitMultiRegionAccessPointRoutesResult, SubmitMultiRegionAccessPointRoutesError> {
        check_account(ctx, &input.account_id)?;
        multi_region::submit_routes(ctx, &input.mrap, &input.route_updates)?;
        Ok(SubmitMultiRegionAccessPointRoutesResult {})
    }

    // ---------------------------------------------------------------- tags of S3 resources

    async fn tag_resource(&self, ctx: &RequestContext, input: TagResourceRequest) -> Result<TagResourceResult, TagResourceError> {
        check_account(ctx, &input.account_id)?;
        let tags = input.tags.into_iter().map(|t| (t.key, t.value)).collect();
        tagging::tag_resource(ctx, &input.resource_arn, tags)?;
        Ok(TagResourceResult {})
    }

    async fn untag_resource(&self, ctx: &RequestContext, input: UntagResourceRequest) -> Result<UntagResourceResult, UntagResourceError> {
        check_account(ctx, &input.account_id)?;
        tagging::untag_resource(ctx, &input.resource_arn, &input.tag_keys)?;
        Ok(UntagResourceResult {})
    }

    async fn list_tags_for_resource(&self, ctx: &RequestContext, input: ListTagsForResourceRequest) -> Result<ListTagsForResourceResult, ListTagsForResourceError> {
        check_account(ctx, &input.account_id)?;
        let tags = tagging::list_tags(ctx, &input.resource_arn)?;
        Ok(ListTagsForResourceResult { tags: Some(tags.into_iter().map(|(key, value)| Tag { key, value }).collect()) })
    }

    async fn put_job_tagging(&self, ctx: &RequestContext, input: PutJobTaggingRequest) -> Result<PutJobTaggingResult, PutJobTaggingError> {
        check_account(ctx, &input.account_id)?;
        if input.tags.len() > 50 {
            let mut e: ServiceError = TooManyTagsException { message: None }.into();
            e.message = Some("The number of tags exceeds the limit of 50 tags.".into());
            return Err(e.into());
        }
        let tags = tagging::checked(input.tags.into_iter().map(|t| (t.key, t.value)).collect())?;
        jobs::set_tags(ctx, &input.job_id, tags)?;
        Ok(PutJobTaggingResult {})
    }

    async fn get_job_tagging(&self, ctx: &RequestContext, input: GetJobTaggingRequest) -> Result<GetJobTaggingResult, GetJobTaggingError> {
        check_account(ctx, &input.account_id)?;
        let tags = jobs::tags(ctx, &input.job_id)?;
        Ok(GetJobTaggingResult { tags: Some(tags.into_iter().map(|(key, value)| S3Tag { key, value }).collect()) })
    }

    async fn delete_job_tagging(&self, ctx: &RequestContext, input: DeleteJobTaggingRequest) -> Result<DeleteJobTaggingResult, DeleteJobTaggingError> {
        check_account(ctx, &input.account_id)?;
        jobs::set_tags(ctx, &input.job_id, Vec::new())?;
        Ok(DeleteJobTaggingResult {})
    }

    // ---------------------------------------------------------------- Batch Operations jobs

    async fn create_job(&self, ctx: &RequestContext, input: CreateJobRequest) -> Result<CreateJobResult, CreateJobError> {
        check_account(ctx, &input.account_id)?;
        Ok(CreateJobResult { job_id: Some(jobs::create(ctx, input)?) })
    }

    async fn describe_job(&self, ctx: &RequestContext, input: DescribeJobRequest) -> Result<DescribeJobResult, DescribeJobError> {
        check_account(ctx, &input.account_id)?;
        Ok(DescribeJobResult { job: Some(jobs::describe(ctx, &input.job_id)?) })
    }

    async fn list_jobs(&self, ctx: &RequestContext, input: ListJobsRequest) -> Result<ListJobsResult, ListJobsError> {
        check_account(ctx, &input.account_id)?;
        Ok(jobs::list(ctx, &input)?)
    }

    async fn update_job_priority(&self, ctx: &RequestContext, input: UpdateJobPriorityRequest) -> Result<UpdateJobPriorityResult, UpdateJobPriorityError> {
        check_account(ctx, &input.account_id)?;
        jobs::set_priority(ctx, &input.job_id, input.priority)?;
        Ok(UpdateJobPriorityResult { job_id: input.job_id, priority: input.priority })
    }

    async fn update_job_status(&self, ctx: &RequestContext, input: UpdateJobStatusRequest) -> Result<UpdateJobStatusResult, UpdateJobStatusError> {
        check_account(ctx, &input.account_id)?;
        Ok(jobs::update_status(ctx, &input)?)
    }

    // ---------------------------------------------------------------- Storage Lens configurations

    async fn put_storage_lens_configuration(&self, ctx: &RequestContext, input: PutStorageLensConfigurationRequest) -> Result<(), PutStorageLensConfigurationError> {
        check_account(ctx, &input.account_id)?;
        Ok(storage_lens::put(ctx, input)?)
    }

    async fn get_storage_lens_configuration(
        &self,
        ctx: &RequestContext,
        input: GetStorageLensConfigurationRequest,
    ) -> Result<GetStorageLensConfigurationResult, GetStorageLensConfigurationError> {
        check_account(ctx, &input.account_id)?;
        Ok(GetStorageLensConfigurationResult { storage_lens_configuration: Some(storage_lens::get(ctx, &input.config_id)?) })
    }

    async fn delete_storage_lens_configuration(&self, ctx: &RequestContext, input: DeleteStorageLensConfigurationRequest) -> Result<(), DeleteStorageLensConfigurationError> {
        check_account(ctx, &input.account_id)?;
        Ok(storage_lens::delete(ctx, &input.config_id)?)
    }

    async fn list_storage_lens_configurations(
        &self,
        ctx: &RequestContext,
        input: ListStorageLensConfigurationsRequest,
    ) -> Result<ListStorageLensConfigurationsResult, ListStorageLensConfigurationsError> {
        check_account(ctx, &input.account_id)?;
        Ok(storage_lens::list(ctx, input.next_token.as_deref())?)
    }

    async fn create_storage_lens_group(&self, ctx: &RequestContext, input: CreateStorageLensGroupRequest) -> Result<(), CreateStorageLensGroupError> {
        check_account(ctx, &input.account_id)?;
        Ok(storage_lens::create_group(ctx, input)?)
    }

    async fn get_storage_lens_group(&self, ctx: &RequestContext, input: GetStorageLensGroupRequest) -> Result<GetStorageLensGroupResult, GetStorageLensGroupError> {
        check_account(ctx, &input.account_id)?;
        Ok(GetStorageLensGroupResult { storage_lens_group: Some(storage_lens::get_group(ctx, &input.name)?) })
    }

    async fn update_storage_lens_group(&self, ctx: &RequestContext, input: UpdateStorageLensGroupRequest) -> Result<(), UpdateStorageLensGroupError> {
        check_account(ctx, &input.account_id)?;
        Ok(storage_lens::update_group(ctx, &input.name, input.storage_lens_group)?)
    }

    async fn delete_storage_lens_group(&self, ctx: &RequestContext, input: DeleteStorageLensGroupRequest) -> Result<(), DeleteStorageLensGroupError> {
        check_account(ctx, &input.account_id)?;
        Ok(storage_lens::delete_group(ctx, &input.name)?)
    }

    async fn list_storage_lens_groups(&self, ctx: &RequestContext, input: ListStorageLensGroupsRequest) -> Result<ListStorageLensGroupsResult, ListStorageLensGroupsError> {
        check_account(ctx, &input.account_id)?;
        Ok(storage_lens::list_groups(ctx))
    }

    async fn put_storage_lens_configuration_tagging(
        &self,
        ctx: &RequestContext,
        input: PutStorageLensConfigurationTaggingRequest,
    ) -> Result<PutStorageLensConfigurationTaggingResult, PutStorageLensConfigurationTaggingError> {
        check_account(ctx, &input.account_id)?;
        let tags = tagging::checked(input.tags.into_iter().map(|t| (t.key, t.value)).collect())?;
        storage_lens::set_tags(ctx, &input.config_id, tags)?;
        Ok(PutStorageLensConfigurationTaggingResult {})
    }

    async fn get_storage_lens_configuration_tagging(
        &self,
        ctx: &RequestContext,
        input: GetStorageLensConfigurationTaggingRequest,
    ) -> Result<GetStorageLensConfigurationTaggingResult, GetStorageLensConfigurationTaggingError> {
        check_account(ctx, &input.account_id)?;
        let tags = storage_lens::tags(ctx, &input.config_id)?;
        Ok(GetStorageLensConfigurationTaggingResult { tags: Some(tags.into_iter().map(|(key, value)| StorageLensTag { key, value }).collect()) })
    }

    async fn delete_storage_lens_configuration_tagging(
        &self,
        ctx: &RequestContext,
        input: DeleteStorageLensConfigurationTaggingRequest,
    ) -> Result<DeleteStorageLensConfigurationTaggingResult, DeleteStorageLensConfigurationTaggingError> {
        check_account(ctx, &input.account_id)?;
        storage_lens::set_tags(ctx, &input.config_id, Vec::new())?;
        Ok(DeleteStorageLensConfigurationTaggingResult {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use simfra_model::Protocol;

    fn ctx(account: &str) -> RequestContext {
        RequestContext {
            request_id: "test".into(),
            account_id: account.into(),
            region: "us-east-1".into(),
            service: "s3-control",
            operation: "Test",
            protocol: Protocol::RestXml,
            host: "111122223333.localhost:4599".into(),
            access_key_id: None,
            principal_arn: None,
            headers: Arc::new(Vec::new()),
            authorized_accounts: Vec::new(),
            answer_status: Default::default(),
        }
    }

    /// What S3 reads of access points and the account's block, as S3 would call it.
    #[test]
    fn the_in_process_api_for_s3() {
        link::connect(S3Link {
            bucket: |_| Some(BucketRef { owner_account: "111122223333".into(), region: "us-east-1".into() }),
            bucket_tags: |_| Some(Vec::new()),
            set_bucket_tags: |_, _| Ok(()),
            get_object: |_, _| None,
            put_object: |_, _, _, _| Ok("\"etag\"".into()),
        });
        let c = ctx("111122223333");
        let created = access_points::create(&c, CreateAccessPointRequest { name: "reports".into(), bucket: "data".into(), ..Default::default() }).unwrap();
        let alias = created.alias.unwrap();
        let arn = "arn:aws:s3:us-east-1:111122223333:accesspoint/reports";
        let policy = format!(r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"222233334444"}},"Action":"s3:GetObject","Resource":"{arn}/object/*"}}]}}"#);
        access_points::put_policy(&c, "reports", &policy).unwrap();

        let ap = access_point("111122223333", "us-east-1", "reports").unwrap();
        assert_eq!((ap.bucket.as_str(), ap.bucket_account.as_str(), ap.arn.as_str()), ("data", "111122223333", arn));
        assert_eq!((ap.network_origin.as_str(), ap.public_access_block), ("Internet", (true, true, true, true)));
        assert_eq!(ap.policy.as_deref(), Some(policy.as_str()));
        assert_eq!(access_point_by_alias(&alias), Some(ap));
        assert_eq!(access_point("111122223333", "eu-west-1", "reports"), None);
        assert_eq!(access_point_by_alias("nothing-s3alias"), None);

        let facts = resource_facts(&format!("{arn}/object/some/key")).unwrap();
        assert_eq!(facts.owner, "111122223333");
        assert!(facts.policy.is_some());
        assert!(resource_facts("arn:aws:s3:::data").is_none());

        assert_eq!(account_public_access_block("111122223333"), None);
        public_access_block::put(&c, &PublicAccessBlockConfiguration { block_public_policy: Some(true), ..Default::default() });
        assert_eq!(account_public_access_block("111122223333"), Some((false, false, true, false)));
    }
}
