//! The Simfra server: every generated service, with the hand-written ones in
//! place of their generated defaults, behind one gateway on one port.
//!
//! Environment: `SIMFRA_PORT` (default 4599), `SIMFRA_BIND` (default 0.0.0.0,
//! so containers can reach the gateway), plus the gateway's own settings
//! (`SIMFRA_DEFAULT_ACCOUNT_ID`, `SIMFRA_DEFAULT_REGION`, …) and Docker's
//! (`SIMFRA_DOCKER`, `SIMFRA_DOCKER_CLEANUP_ON_START`, `SIMFRA_DOCKER_CLEANUP_ON_SHUTDOWN`:
//! see simfra-docker).

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
    // Function URLs: the gateway hands their requests to Lambda.
    simfra_gateway::lambda_url::install(|r| {
        Box::pin(simfra_svc_lambda::serve_function_url(r.url_id, r.region, r.request, r.caller, r.bad_signature, r.source_ip, r.request_id))
    });
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
        // S3's answers outside its operations: CORS preflights and headers, website endpoints.
        simfra_gateway::s3web::install(simfra_gateway::s3web::S3Web {
            preflight: simfra_svc_s3::cors_preflight,
            cors_headers: simfra_svc_s3::cors_response_headers,
            website: simfra_svc_s3::website,
        });
        let listener = match tokio::net::TcpListener::bind((bind.as_str(), port)).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("simfra: cannot listen on {bind}:{port}: {e}");
                return std::process::ExitCode::FAILURE;
            }
        };
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
        // After the bind: containers of an earlier Simfra on this port are stale now.
        simfra_docker::init(port).await;
        eprintln!("simfra: {} services on http://{bind}:{port}", gw.registry.services.len());
        if let Some(extra) = container_listener(&bind, port).await {
            tokio::spawn(simfra_gateway::serve(gw.clone(), extra));
        }
        let served = serve_until_shutdown(gw, listener).await;
        remove_containers().await;
        match served {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("simfra: {e}");
                std::process::ExitCode::FAILURE
            }
        }
    })
}

/// A server bound to loopback only (`SIMFRA_BIND=127.0.0.1`) is out of its
/// containers' reach: it also listens on the host address they reach as
/// `simfra.local` (the Docker bridge's gateway), which only this host and its
/// containers can reach.
async fn container_listener(bind: &str, port: u16) -> Option<tokio::net::TcpListener> {
    let loopback = bind == "localhost" || bind.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        return None;
    }
    let ip = simfra_docker::get()?.host_gateway_ip().await?;
    match tokio::net::TcpListener::bind((ip, port)).await {
        Ok(l) => {
            eprintln!("simfra: also on http://{ip}:{port} for containers");
            Some(l)
        }
        Err(e) => {
            eprintln!("simfra: containers cannot reach Simfra: listening on {ip}:{port} failed: {e}");
            None
        }
    }
}

/// How long the graceful shutdown waits for open requests after a signal.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// Serves until SIGINT/SIGTERM. On the signal, long polls are told to answer
/// and Simfra's containers are removed at once (their open requests end with
/// them); requests still open after the grace period are abandoned.
async fn serve_until_shutdown(gw: std::sync::Arc<Gateway>, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let mut on_signal = tokio::spawn(async {
        simfra_gateway::shutdown_signal().await;
        simfra_docker::control::begin_shutdown();
        remove_containers().await;
    });
    tokio::select! {
        served = simfra_gateway::serve(gw, listener) => served,
        _ = async {
            let _ = (&mut on_signal).await;
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } => {
            eprintln!("simfra: requests still open {} s after the shutdown signal were abandoned", SHUTDOWN_GRACE.as_secs());
            Ok(())
        }
    }
}

/// Removes this process's containers when `SIMFRA_DOCKER_CLEANUP_ON_SHUTDOWN` (default true); once.
async fn remove_containers() {
    static DONE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    DONE.get_or_init(|| async {
        if let Some(docker) = simfra_docker::get().filter(|d| d.cleanup_on_shutdown()) {
            docker.cleanup().await;
        }
    })
    .await;
}
