//! Docker for Simfra's services: the orchestrator that runs the containers
//! AWS would run (Lambda functions, databases, brokers …) and the shared state
//! of the container control API those containers talk to.
//!
//! # Orchestrator ([`Orchestrator`])
//! One per process, made by [`init`] at server start and found with [`get`].
//! It talks to the engine on the local socket (`DOCKER_HOST` when set), marks
//! every container with labels (`simfra.managed=true`, `simfra.instance`,
//! `simfra.service`, `simfra.resource` = the owner ARN), puts it on the
//! `simfra` bridge network, and gives it
//! - `SIMFRA_ENDPOINT` (`http://simfra.local:<port>`), `SIMFRA_TOKEN` (its
//!   bearer token for the control API, derived from the per-start secret and
//!   good for this container only) and `SIMFRA_CONTAINER_NAME`;
//! - the name `simfra.local`, resolving to the host gateway (or, when Simfra
//!   itself runs in a container, to that container's address on the network).
//!
//! Environment: `SIMFRA_DOCKER` = `auto` (default: on when the socket answers)
//! | `true` | `false`; `SIMFRA_DOCKER_CLEANUP_ON_START` (default true: remove
//! containers left by an earlier Simfra on this host); `SIMFRA_DOCKER_CLEANUP_ON_SHUTDOWN`
//! (default true); `SIMFRA_DOCKER_NETWORK` (default `simfra`);
//! `SIMFRA_DOCKER_HOST_GATEWAY` (the address `simfra.local` resolves to, when
//! Docker's `host-gateway` is not the right one).
//!
//! With Docker off or unreachable [`get`] answers `None`: services still
//! accept and store every call and report states truthfully; only the data
//! plane is absent.
//!
//! # Control API state ([`control`])
//! The HTTP side lives in the gateway (`/_internal/…`, runtime/gateway/src/internal.rs);
//! everything a service touches lives here, so services depend on this crate only:
//! configs per container ([`control::register_config`]), statuses the containers
//! report ([`control::container_status`]), synchronous commands
//! ([`control::send_command`]) and the cross-service invoke hook that Lambda
//! registers ([`control::register_lambda_invoke`]).

pub mod control;
mod orchestrator;
mod tar;

pub use orchestrator::{ContainerSpec, Orchestrator, RunningContainer};

use std::fmt;
use std::sync::OnceLock;

/// `SIMFRA_DOCKER`: whether Simfra runs containers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DockerMode {
    /// On when the socket answers (the default).
    Auto,
    /// Required: an unreachable engine is reported loudly at start.
    On,
    /// Never: Docker-backed services keep their control plane only.
    Off,
}

impl DockerMode {
    /// `auto` | `true` | `false` (also `on`/`off`, `1`/`0`, `yes`/`no`); unknown values are `Auto`.
    pub fn parse(value: Option<&str>) -> DockerMode {
        match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
            Some("true" | "on" | "1" | "yes") => DockerMode::On,
            Some("false" | "off" | "0" | "no") => DockerMode::Off,
            _ => DockerMode::Auto,
        }
    }

    pub fn from_env() -> DockerMode {
        DockerMode::parse(std::env::var("SIMFRA_DOCKER").ok().as_deref())
    }
}

/// A boolean setting: `false`/`0`/`no`/`off` are false, anything else (or unset) is `default`.
pub(crate) fn env_flag(name: &str, default: bool) -> bool {
    match std::env::var(name).ok().map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        Some("false" | "0" | "no" | "off") => false,
        Some("true" | "1" | "yes" | "on") => true,
        _ => default,
    }
}

/// What went wrong with a Docker operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DockerErrorKind {
    /// The image is neither local nor pullable.
    ImageUnavailable,
    /// No such container (or network).
    NotFound,
    /// A container of that name exists already.
    Conflict,
    /// The container exited or reported unhealthy before it became healthy.
    Unhealthy,
    /// The health wait ran out.
    Timeout,
    /// Anything else the engine answered, or no answer at all.
    Engine,
}

/// A failed Docker operation. `message` is written to be shown to an AWS
/// caller as the message of the service's error (one sentence, no Rust types).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerError {
    pub kind: DockerErrorKind,
    pub message: String,
}

impl DockerError {
    pub fn new(kind: DockerErrorKind, message: impl Into<String>) -> Self {
        DockerError { kind, message: message.into() }
    }
}

impl fmt::Display for DockerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DockerError {}

static ORCHESTRATOR: OnceLock<Option<Orchestrator>> = OnceLock::new();

/// Connects to Docker as `SIMFRA_DOCKER` says, once per process; `port` is the
/// gateway's port (`SIMFRA_PORT`), which containers reach as
/// `http://simfra.local:<port>`. Answers `None` when Docker is off or the
/// engine does not answer within a couple of seconds. Removes stale
/// containers of earlier Simfra runs when `SIMFRA_DOCKER_CLEANUP_ON_START`
/// (default true). Later calls return the first call's answer.
pub async fn init(port: u16) -> Option<&'static Orchestrator> {
    if let Some(done) = ORCHESTRATOR.get() {
        return done.as_ref();
    }
    let made = orchestrator::connect(DockerMode::from_env(), port).await;
    // A concurrent first call may have won; either answer is the process's one.
    let _ = ORCHESTRATOR.set(made);
    get()
}

/// The orchestrator [`init`] made, or `None` (Docker off, unreachable, or
/// `init` not called yet).
pub fn get() -> Option<&'static Orchestrator> {
    ORCHESTRATOR.get().and_then(Option::as_ref)
}

/// The host name containers reach Simfra by.
pub const GATEWAY_HOST: &str = "simfra.local";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_mode_values() {
        assert_eq!(DockerMode::parse(None), DockerMode::Auto);
        assert_eq!(DockerMode::parse(Some("auto")), DockerMode::Auto);
        assert_eq!(DockerMode::parse(Some("TRUE")), DockerMode::On);
        assert_eq!(DockerMode::parse(Some("false")), DockerMode::Off);
        assert_eq!(DockerMode::parse(Some("0")), DockerMode::Off);
    }
}
