//! The Simfra server: every generated service, with the hand-written ones in
//! place of their generated defaults, behind one gateway on one port.
//!
//! Environment: `SIMFRA_PORT` (default 4599), `SIMFRA_BIND` (default 0.0.0.0,
//! so containers can reach the gateway), plus the gateway's own settings
//! (`SIMFRA_DEFAULT_ACCOUNT_ID`, `SIMFRA_DEFAULT_REGION`, …).

mod coverage;

use simfra_gateway::{registry::Registry, Config, Gateway};
use simfra_model::SharedHandler;

/// Services with hand-written behaviour; they replace the generated all-501 handlers.
fn hand_written() -> Vec<SharedHandler> {
    vec![
        simfra_svc_account::handler(),
        simfra_svc_cloudtrail::handler(),
        simfra_svc_cloudwatch::handler(),
        simfra_svc_cognito_identity::handler(),
        simfra_svc_dynamodb::handler(),
        simfra_svc_dynamodb::streams_handler(),
        simfra_svc_ec2::handler(),
        simfra_svc_iam::handler(),
        simfra_svc_lambda::handler(),
        simfra_svc_organizations::handler(),
        simfra_svc_resource_groups_tagging_api::handler(),
        simfra_svc_s3::handler(),
        simfra_svc_s3_control::handler(s3_link()),
        simfra_svc_ses::handler(),
        simfra_svc_ses::v2_handler(),
        simfra_svc_sns::handler(),
        simfra_svc_sqs::handler(),
        simfra_svc_sts::handler(),
    ]
}

/// S3 as S3 Control reaches it (S3 depends on S3 Control for access points,
/// so S3 Control cannot depend on S3).
fn s3_link() -> simfra_svc_s3_control::S3Link {
    simfra_svc_s3_control::S3Link {
        bucket: |b| simfra_svc_s3::bucket_info(b).map(|i| simfra_svc_s3_control::BucketRef { owner_account: i.owner_account, region: i.region }),
        bucket_tags: simfra_svc_s3::bucket_tags,
        set_bucket_tags: simfra_svc_s3::set_bucket_tags,
        get_object: simfra_svc_s3::get_object_internal,
        put_object: simfra_svc_s3::put_object_internal,
    }
}

fn registry() -> Registry {
    let mut reg = Registry::new();
    // The resource engine serves whatever the hand-written services do not.
    for s in simfra_gen_all::SERVICES {
        reg.register(s.schema, simfra_resources::with_engine((s.not_implemented)()), s.tier, s.docker);
    }
    for handler in hand_written() {
        let schema = handler.schema();
        let generated = simfra_gen_all::SERVICES.iter().find(|s| s.name == schema.name);
        let (tier, docker) = generated.map(|g| (g.tier, g.docker)).unwrap_or(("C", false));
        reg.register(schema, simfra_resources::with_engine(handler), tier, docker);
    }
    reg
}

fn main() -> std::process::ExitCode {
    // `simfra coverage [--check]`: the README's coverage table and COVERAGE.md.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("coverage") {
        return coverage::run(&registry(), args.get(1).map(String::as_str) == Some("--check"));
    }
    let port: u16 = match std::env::var("SIMFRA_PORT").ok().filter(|p| !p.is_empty()).map(|p| p.parse()) {
        None => 4599,
        Some(Ok(p)) => p,
        Some(Err(_)) => {
            eprintln!("simfra: SIMFRA_PORT must be a port number");
            return std::process::ExitCode::FAILURE;
        }
    };
    let bind = std::env::var("SIMFRA_BIND").ok().filter(|b| !b.is_empty()).unwrap_or_else(|| "0.0.0.0".into());
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("simfra: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let gw = Gateway::new(Config::from_env(), registry());
        let listener = match tokio::net::TcpListener::bind((bind.as_str(), port)).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("simfra: cannot listen on {bind}:{port}: {e}");
                return std::process::ExitCode::FAILURE;
            }
        };
        eprintln!("simfra: {} services on http://{bind}:{port}", gw.registry.services.len());
        match simfra_gateway::serve(gw, listener).await {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("simfra: {e}");
                std::process::ExitCode::FAILURE
            }
        }
    })
}
