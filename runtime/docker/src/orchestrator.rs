//! The orchestrator: runs, watches and removes the containers of Simfra's
//! services on the local Docker engine.

use crate::control::{self, ContainerOwner};
use crate::{env_flag, DockerError, DockerErrorKind, DockerMode, GATEWAY_HOST};
use bollard::errors::Error as BollardError;
use bollard::models::{ContainerCreateBody, HealthStatusEnum, HostConfig, NetworkConnectRequest, NetworkCreateRequest, PortBinding};
use bollard::query_parameters::{
    CreateContainerOptionsBuilder, CreateImageOptionsBuilder, InspectContainerOptions, ListContainersOptionsBuilder, LogsOptionsBuilder,
    RemoveContainerOptionsBuilder, StopContainerOptionsBuilder, UploadToContainerOptionsBuilder,
};
use bollard::Docker;
use futures::StreamExt;
use std::collections::HashMap;
use std::time::{Duration, SystemTime};

/// How long the start-up ping waits for an engine.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

/// What Simfra needs to run one container.
#[derive(Debug, Clone, Default)]
pub struct ContainerSpec {
    /// The Docker container name, unique among Simfra's containers; `simfra-`
    /// is put in front unless it starts with it.
    pub name: String,
    pub image: String,
    pub env: Vec<(String, String)>,
    pub cmd: Option<Vec<String>>,
    pub entrypoint: Option<Vec<String>>,
    /// Added to Simfra's own (`simfra.managed`, `simfra.instance`,
    /// `simfra.service`, `simfra.resource`, `simfra.host`, `simfra.pid`, `simfra.port`).
    pub labels: Vec<(String, String)>,
    /// The service that owns the container (`lambda`, `rds`, …).
    pub service: String,
    /// The ARN of the resource the container serves.
    pub owner_resource: String,
    pub memory_mb: Option<u64>,
    /// (absolute path in the container, contents, mode), copied in before start.
    pub files: Vec<(String, Vec<u8>, u32)>,
    /// The network to join; by default Simfra's (`SIMFRA_DOCKER_NETWORK`, `simfra`).
    pub network: Option<String>,
    /// Container TCP ports published on random host ports.
    pub exposed_tcp_ports: Vec<u16>,
    /// When set, wait up to this long for the image's HEALTHCHECK to say healthy.
    pub health_timeout: Option<Duration>,
}

/// A started container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunningContainer {
    pub id: String,
    /// The Docker name (with the `simfra-` prefix), also its `SIMFRA_CONTAINER_NAME`.
    pub name: String,
    /// (container port, host port) of each exposed TCP port.
    pub ports: Vec<(u16, u16)>,
    /// Its address on the network it joined.
    pub ip: Option<String>,
}

pub struct Orchestrator {
    docker: Docker,
    /// Marks this process's containers (`simfra.instance`).
    instance: String,
    /// The gateway's port, as containers reach it.
    port: u16,
    network: String,
    /// `simfra.local:<address>` for every container's /etc/hosts.
    gateway_hosts_entry: String,
    cleanup_on_shutdown: bool,
}

/// Connects per `mode`; None when off or the engine does not answer.
pub(crate) async fn connect(mode: DockerMode, port: u16) -> Option<Orchestrator> {
    if mode == DockerMode::Off {
        eprintln!("simfra: Docker off (SIMFRA_DOCKER=false): Docker-backed services run without their data plane");
        return None;
    }
    let unreachable = |why: String| {
        if mode == DockerMode::On {
            eprintln!("simfra: SIMFRA_DOCKER=true but Docker is unreachable ({why}): Docker-backed services run without their data plane");
        } else {
            eprintln!("simfra: no Docker engine ({why}): Docker-backed services run without their data plane");
        }
        None
    };
    let docker = match Docker::connect_with_defaults() {
        Ok(d) => d,
        Err(e) => return unreachable(e.to_string()),
    };
    let docker = match tokio::time::timeout(PING_TIMEOUT, docker.negotiate_version()).await {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => return unreachable(e.to_string()),
        Err(_) => return unreachable(format!("no answer within {} s", PING_TIMEOUT.as_secs())),
    };
    if let Err(e) = tokio::time::timeout(PING_TIMEOUT, docker.ping()).await.unwrap_or(Err(BollardError::RequestTimeoutError)) {
        return unreachable(e.to_string());
    }
    let network = std::env::var("SIMFRA_DOCKER_NETWORK").ok().filter(|n| !n.is_empty()).unwrap_or_else(|| "simfra".into());
    let mut orchestrator = Orchestrator {
        docker,
        instance: simfra_identity::ids::random_hex(6),
        port,
        network,
        gateway_hosts_entry: format!("{GATEWAY_HOST}:host-gateway"),
        cleanup_on_shutdown: env_flag("SIMFRA_DOCKER_CLEANUP_ON_SHUTDOWN", true),
    };
    if let Err(e) = orchestrator.ensure_network(&orchestrator.network.clone()).await {
        return unreachable(e.message);
    }
    orchestrator.gateway_hosts_entry = format!("{GATEWAY_HOST}:{}", orchestrator.gateway_address().await);
    if env_flag("SIMFRA_DOCKER_CLEANUP_ON_START", true) {
        orchestrator.remove_stale().await;
    }
    eprintln!(
        "simfra: Docker on (instance {}, network {}, containers reach Simfra at {})",
        orchestrator.instance,
        orchestrator.network,
        orchestrator.gateway_endpoint()
    );
    Some(orchestrator)
}

/// This machine's name (in a container: the container's id prefix).
fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_string())
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".into())
}

/// Whether process `pid` runs on this machine (unknown → assumed running).
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

fn engine_error(e: BollardError, doing: &str) -> DockerError {
    match e {
        BollardError::DockerResponseServerError { status_code, message } => {
            let kind = match status_code {
                404 => DockerErrorKind::NotFound,
                409 => DockerErrorKind::Conflict,
                _ => DockerErrorKind::Engine,
            };
            DockerError::new(kind, format!("Docker could not {doing}: {}", message.trim()))
        }
        BollardError::RequestTimeoutError => DockerError::new(DockerErrorKind::Engine, format!("Docker did not answer while trying to {doing}.")),
        other => DockerError::new(DockerErrorKind::Engine, format!("Docker could not {doing}: {other}")),
    }
}

fn status_code(e: &BollardError) -> Option<u16> {
    match e {
        BollardError::DockerResponseServerError { status_code, .. } => Some(*status_code),
        _ => None,
    }
}

impl Orchestrator {
    /// The name containers reach Simfra by (`simfra.local`).
    pub fn gateway_host(&self) -> &str {
        GATEWAY_HOST
    }

    /// `http://simfra.local:<port>`: `SIMFRA_ENDPOINT` of every container.
    pub fn gateway_endpoint(&self) -> String {
        format!("http://{GATEWAY_HOST}:{}", self.port)
    }

    /// This process's `simfra.instance` label value.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// The host address containers reach as `simfra.local`, when Simfra runs
    /// on the engine's host (Docker's `host-gateway`: the default bridge's
    /// gateway, or `SIMFRA_DOCKER_HOST_GATEWAY`). A server bound to loopback
    /// only listens here too, so containers reach it. None when Simfra runs
    /// in a container (containers reach it on the network instead).
    pub async fn host_gateway_ip(&self) -> Option<std::net::IpAddr> {
        let target = self.gateway_hosts_entry.strip_prefix(GATEWAY_HOST)?.strip_prefix(':')?;
        if target != "host-gateway" {
            return std::env::var("SIMFRA_DOCKER_HOST_GATEWAY").ok().and_then(|a| a.parse().ok());
        }
        let bridge = self.docker.inspect_network("bridge", None).await.ok()?;
        let config = bridge.ipam?.config?;
        // The engine often leaves the default bridge's gateway out; it takes the subnet's first address.
        let stated = config.iter().find_map(|c| c.gateway.as_deref()?.parse().ok());
        stated.or_else(|| config.iter().find_map(|c| first_host(c.subnet.as_deref()?)))
    }

    /// The network containers join unless their spec names another.
    pub fn network(&self) -> &str {
        &self.network
    }

    /// `SIMFRA_DOCKER_CLEANUP_ON_SHUTDOWN` (default true).
    pub fn cleanup_on_shutdown(&self) -> bool {
        self.cleanup_on_shutdown
    }

    /// The bollard client, for what the methods here do not cover.
    pub fn docker(&self) -> &Docker {
        &self.docker
    }

    /// Where `simfra.local` points: `SIMFRA_DOCKER_HOST_GATEWAY` when set;
    /// when Simfra itself runs in a container of this engine, that container's
    /// address on Simfra's network (joined here); else Docker's `host-gateway`.
    async fn gateway_address(&self) -> String {
        if let Some(addr) = std::env::var("SIMFRA_DOCKER_HOST_GATEWAY").ok().filter(|a| !a.is_empty()) {
            return addr;
        }
        if std::path::Path::new("/.dockerenv").exists() {
            let me = hostname();
            if self.docker.inspect_container(&me, None::<InspectContainerOptions>).await.is_ok() {
                let join = NetworkConnectRequest { container: me.clone(), endpoint_config: None };
                // Already joined (a restart) answers an error; the address is what matters.
                let _ = self.docker.connect_network(&self.network, join).await;
                if let Ok(info) = self.docker.inspect_container(&me, None::<InspectContainerOptions>).await {
                    let ip = info
                        .network_settings
                        .and_then(|n| n.networks)
                        .and_then(|mut n| n.remove(&self.network))
                        .and_then(|e| e.ip_address)
                        .filter(|ip| !ip.is_empty());
                    if let Some(ip) = ip {
                        return ip;
                    }
                }
            }
        }
        "host-gateway".into()
    }

    async fn ensure_network(&self, name: &str) -> Result<(), DockerError> {
        if self.docker.inspect_network(name, None).await.is_ok() {
            return Ok(());
        }
        let request = NetworkCreateRequest {
            name: name.to_string(),
            driver: Some("bridge".into()),
            labels: Some(HashMap::from([("simfra.managed".to_string(), "true".to_string())])),
            ..Default::default()
        };
        match self.docker.create_network(request).await {
            Ok(_) => Ok(()),
            // Another Simfra created it meanwhile.
            Err(e) if status_code(&e) == Some(409) => Ok(()),
            Err(e) => Err(engine_error(e, &format!("create the network {name}"))),
        }
    }

    /// Whether the engine has `image` locally.
    pub async fn image_available(&self, image: &str) -> bool {
        self.docker.inspect_image(image).await.is_ok()
    }

    /// Makes `image` available: the local one, else a pull from its registry.
    /// The error says the image is neither local nor pullable, and why.
    pub async fn ensure_image(&self, image: &str) -> Result<(), DockerError> {
        if self.image_available(image).await {
            return Ok(());
        }
        let (repo, tag) = split_image(image);
        let options = CreateImageOptionsBuilder::default().from_image(repo).tag(tag).build();
        let mut pull = self.docker.create_image(Some(options), None, None);
        let mut failure = None;
        while let Some(step) = pull.next().await {
            if let Err(e) = step {
                failure = Some(match e {
                    BollardError::DockerResponseServerError { message, .. } => message,
                    BollardError::DockerStreamError { error } => error,
                    other => other.to_string(),
                });
                break;
            }
        }
        match failure {
            None if self.image_available(image).await => Ok(()),
            None => Err(DockerError::new(DockerErrorKind::ImageUnavailable, format!("The image {image} is not available: the pull ended without it."))),
            Some(why) => Err(DockerError::new(
                DockerErrorKind::ImageUnavailable,
                format!("The image {image} is not available locally and could not be pulled: {}", why.trim()),
            )),
        }
    }

    /// Creates the container, copies its files in, starts it and (when the spec
    /// asks) waits for it to be healthy. A container that fails any step is removed.
    pub async fn run(&self, spec: ContainerSpec) -> Result<RunningContainer, DockerError> {
        let name = if spec.name.starts_with("simfra-") { spec.name.clone() } else { format!("simfra-{}", spec.name) };
        let network = spec.network.clone().unwrap_or_else(|| self.network.clone());
        let mut env: Vec<String> = spec.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
        env.push(format!("SIMFRA_ENDPOINT={}", self.gateway_endpoint()));
        env.push(format!("SIMFRA_TOKEN={}", control::container_token(&name)));
        env.push(format!("SIMFRA_CONTAINER_NAME={name}"));
        let mut labels: HashMap<String, String> = spec.labels.iter().cloned().collect();
        labels.extend([
            ("simfra.managed".to_string(), "true".to_string()),
            ("simfra.instance".to_string(), self.instance.clone()),
            ("simfra.service".to_string(), spec.service.clone()),
            ("simfra.resource".to_string(), spec.owner_resource.clone()),
            ("simfra.host".to_string(), hostname()),
            ("simfra.pid".to_string(), std::process::id().to_string()),
            ("simfra.port".to_string(), self.port.to_string()),
        ]);
        let port_bindings: HashMap<String, Option<Vec<PortBinding>>> = spec
            .exposed_tcp_ports
            .iter()
            .map(|p| (format!("{p}/tcp"), Some(vec![PortBinding { host_ip: Some("0.0.0.0".into()), host_port: Some(String::new()) }])))
            .collect();
        let body = ContainerCreateBody {
            image: Some(spec.image.clone()),
            env: Some(env),
            cmd: spec.cmd.clone(),
            entrypoint: spec.entrypoint.clone(),
            labels: Some(labels),
            exposed_ports: (!spec.exposed_tcp_ports.is_empty()).then(|| spec.exposed_tcp_ports.iter().map(|p| format!("{p}/tcp")).collect()),
            host_config: Some(HostConfig {
                extra_hosts: Some(vec![self.gateway_hosts_entry.clone()]),
                memory: spec.memory_mb.map(|mb| (mb * 1024 * 1024) as i64),
                network_mode: Some(network.clone()),
                port_bindings: (!port_bindings.is_empty()).then_some(port_bindings),
                ..Default::default()
            }),
            ..Default::default()
        };
        let options = CreateContainerOptionsBuilder::default().name(&name).build();
        let created = match self.docker.create_container(Some(options.clone()), body.clone()).await {
            Ok(c) => c,
            // Simfra's network went away (someone pruned it): make it again, once.
            Err(e) if status_code(&e) == Some(404) && network == self.network && e_message(&e).contains("network") => {
                self.ensure_network(&network).await?;
                self.docker.create_container(Some(options), body).await.map_err(|e| engine_error(e, &format!("create the container {name}")))?
            }
            Err(e) if status_code(&e) == Some(404) && e_message(&e).to_ascii_lowercase().contains("image") => {
                return Err(DockerError::new(
                    DockerErrorKind::ImageUnavailable,
                    format!("The image {} is not available locally: {}", spec.image, e_message(&e)),
                ))
            }
            Err(e) => return Err(engine_error(e, &format!("create the container {name}"))),
        };
        let id = created.id;
        control::register_container(&name, ContainerOwner { id: id.clone(), service: spec.service.clone(), resource: spec.owner_resource.clone() });
        match self.start_created(&id, &name, &spec).await {
            Ok(()) => {}
            Err(e) => {
                let _ = self.remove(&id).await;
                control::forget(&name);
                return Err(e);
            }
        }
        let info = self.docker.inspect_container(&id, None::<InspectContainerOptions>).await.map_err(|e| engine_error(e, &format!("inspect the container {name}")))?;
        let settings = info.network_settings.unwrap_or_default();
        let ports = spec
            .exposed_tcp_ports
            .iter()
            .filter_map(|p| {
                let bindings = settings.ports.as_ref()?.get(&format!("{p}/tcp"))?.as_ref()?;
                let host: u16 = bindings.iter().find_map(|b| b.host_port.as_deref()?.parse().ok())?;
                Some((*p, host))
            })
            .collect();
        let ip = settings.networks.and_then(|mut n| n.remove(&network)).and_then(|e| e.ip_address).filter(|ip| !ip.is_empty());
        Ok(RunningContainer { id, name, ports, ip })
    }

    async fn start_created(&self, id: &str, name: &str, spec: &ContainerSpec) -> Result<(), DockerError> {
        if !spec.files.is_empty() {
            let tar = crate::tar::archive(&spec.files);
            let options = UploadToContainerOptionsBuilder::default().path("/").build();
            self.docker
                .upload_to_container(id, Some(options), bollard::body_full(tar.into()))
                .await
                .map_err(|e| engine_error(e, &format!("copy files into the container {name}")))?;
        }
        self.docker.start_container(id, None).await.map_err(|e| engine_error(e, &format!("start the container {name}")))?;
        if let Some(timeout) = spec.health_timeout {
            self.wait_healthy(id, name, timeout).await?;
        }
        Ok(())
    }

    /// Polls the container's HEALTHCHECK state until healthy, unhealthy, exited or `timeout`.
    async fn wait_healthy(&self, id: &str, name: &str, timeout: Duration) -> Result<(), DockerError> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let info = self.docker.inspect_container(id, None::<InspectContainerOptions>).await.map_err(|e| engine_error(e, &format!("inspect the container {name}")))?;
            let state = info.state.unwrap_or_default();
            if state.running != Some(true) {
                let tail = self.logs(id, 20).await.unwrap_or_default();
                return Err(DockerError::new(
                    DockerErrorKind::Unhealthy,
                    format!("The container {name} exited with code {} before it was healthy. {}", state.exit_code.unwrap_or(-1), last_line(&tail)),
                ));
            }
            match state.health.and_then(|h| h.status) {
                Some(HealthStatusEnum::HEALTHY) => return Ok(()),
                Some(HealthStatusEnum::UNHEALTHY) => {
                    return Err(DockerError::new(DockerErrorKind::Unhealthy, format!("The container {name} reported unhealthy.")))
                }
                // No HEALTHCHECK in the image: running is as healthy as it gets.
                None | Some(HealthStatusEnum::NONE) | Some(HealthStatusEnum::EMPTY) => return Ok(()),
                Some(HealthStatusEnum::STARTING) => {}
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(DockerError::new(
                    DockerErrorKind::Timeout,
                    format!("The container {name} was not healthy within {} seconds.", timeout.as_secs()),
                ));
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Stops the container (SIGTERM, then SIGKILL after `timeout_secs`); a stopped one is fine.
    pub async fn stop(&self, id: &str, timeout_secs: i64) -> Result<(), DockerError> {
        let options = StopContainerOptionsBuilder::default().t(timeout_secs.clamp(0, i32::MAX as i64) as i32).build();
        match self.docker.stop_container(id, Some(options)).await {
            Ok(()) => Ok(()),
            Err(e) if status_code(&e) == Some(304) => Ok(()),
            Err(e) => Err(engine_error(e, &format!("stop the container {id}"))),
        }
    }

    /// SIGKILL; a container that is not running is fine.
    pub async fn kill(&self, id: &str) -> Result<(), DockerError> {
        match self.docker.kill_container(id, None).await {
            Ok(()) => Ok(()),
            Err(e) if status_code(&e) == Some(409) => Ok(()),
            Err(e) => Err(engine_error(e, &format!("kill the container {id}"))),
        }
    }

    /// Removes the container, running or not, and what the control API kept for it.
    pub async fn remove(&self, id: &str) -> Result<(), DockerError> {
        let name = self
            .docker
            .inspect_container(id, None::<InspectContainerOptions>)
            .await
            .ok()
            .and_then(|i| i.name)
            .map(|n| n.trim_start_matches('/').to_string());
        let options = RemoveContainerOptionsBuilder::default().force(true).v(true).build();
        let removed = match self.docker.remove_container(id, Some(options)).await {
            Ok(()) => Ok(()),
            Err(e) if status_code(&e) == Some(404) => Ok(()),
            // Removal already in progress.
            Err(e) if status_code(&e) == Some(409) => Ok(()),
            Err(e) => Err(engine_error(e, &format!("remove the container {id}"))),
        };
        if let Some(name) = name {
            control::forget(&name);
        }
        removed
    }

    /// The last `tail` lines of the container's stdout and stderr, interleaved.
    pub async fn logs(&self, id: &str, tail: usize) -> Result<String, DockerError> {
        let options = LogsOptionsBuilder::default().stdout(true).stderr(true).tail(&tail.to_string()).build();
        let mut stream = self.docker.logs(id, Some(options));
        let mut out = Vec::new();
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(c) => out.extend_from_slice(c.as_ref()),
                Err(e) => return Err(engine_error(e, &format!("read the logs of the container {id}"))),
            }
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// What the container wrote to stdout and stderr at or after `since`
    /// (Docker's log timestamps, which are dropped from the text).
    pub async fn logs_since(&self, id: &str, since: SystemTime) -> Result<String, DockerError> {
        let from = since.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
        // Docker's `since` has whole seconds: ask from the second before, keep the lines at or after `since`.
        let options = LogsOptionsBuilder::default()
            .stdout(true)
            .stderr(true)
            .timestamps(true)
            .since(from.as_secs().saturating_sub(1).min(i32::MAX as u64) as i32)
            .build();
        let mut stream = self.docker.logs(id, Some(options));
        let mut raw = Vec::new();
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(c) => raw.extend_from_slice(c.as_ref()),
                Err(e) => return Err(engine_error(e, &format!("read the logs of the container {id}"))),
            }
        }
        let mut out = String::new();
        for line in String::from_utf8_lossy(&raw).lines() {
            let Some((stamp, text)) = line.split_once(' ') else { continue };
            let at = simfra_protocols::timefmt::parse_date_time(stamp);
            if at.is_some_and(|t| Duration::new(t.secs.max(0) as u64, t.nanos) >= from) {
                out.push_str(text);
                out.push('\n');
            }
        }
        Ok(out)
    }

    /// The exit code of a container that is no longer running; None while it
    /// runs (or when Docker cannot say, e.g. it was removed).
    pub async fn exit_code(&self, id: &str) -> Option<i64> {
        let state = self.docker.inspect_container(id, None::<InspectContainerOptions>).await.ok()?.state?;
        if state.running == Some(true) {
            return None;
        }
        Some(state.exit_code.unwrap_or(-1))
    }

    pub async fn is_running(&self, id: &str) -> bool {
        match self.docker.inspect_container(id, None::<InspectContainerOptions>).await {
            Ok(info) => info.state.and_then(|s| s.running).unwrap_or(false),
            Err(_) => false,
        }
    }

    /// Removes every container of this process.
    pub async fn cleanup(&self) {
        self.remove_labelled(&[format!("simfra.instance={}", self.instance)], |_| true).await;
    }

    /// Removes the containers an earlier Simfra on this host left: those whose
    /// process is gone, or that served this port (whose owner must be gone,
    /// since this process holds the port now). Containers of a Simfra still
    /// running elsewhere on the host are left alone.
    async fn remove_stale(&self) {
        let host = hostname();
        let me = std::process::id().to_string();
        let port = self.port.to_string();
        let instance = self.instance.clone();
        let removed = self
            .remove_labelled(&["simfra.managed=true".to_string(), format!("simfra.host={host}")], |labels| {
                let label = |k: &str| labels.get(k).map(String::as_str).unwrap_or("");
                if label("simfra.instance") == instance {
                    return false;
                }
                let pid = label("simfra.pid");
                label("simfra.port") == port || pid == me || pid.parse().map(|p| !process_alive(p)).unwrap_or(true)
            })
            .await;
        if removed > 0 {
            eprintln!("simfra: removed {removed} stale container(s) of an earlier run");
        }
    }

    /// Removes the containers matching every label filter and `select`; answers how many.
    async fn remove_labelled(&self, filters: &[String], select: impl Fn(&HashMap<String, String>) -> bool) -> usize {
        let filters = HashMap::from([("label".to_string(), filters.to_vec())]);
        let options = ListContainersOptionsBuilder::default().all(true).filters(&filters).build();
        let Ok(list) = self.docker.list_containers(Some(options)).await else { return 0 };
        let ids: Vec<String> = list.into_iter().filter(|c| select(&c.labels.clone().unwrap_or_default())).filter_map(|c| c.id).collect();
        let count = ids.len();
        futures::future::join_all(ids.iter().map(|id| self.remove(id))).await;
        count
    }
}

/// The first host address of an IPv4 subnet (`172.17.0.0/16` → 172.17.0.1).
fn first_host(subnet: &str) -> Option<std::net::IpAddr> {
    let (net, bits) = subnet.split_once('/')?;
    let net: std::net::Ipv4Addr = net.parse().ok()?;
    let bits: u32 = bits.parse().ok().filter(|b| *b < 31)?;
    let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
    Some(std::net::IpAddr::V4(std::net::Ipv4Addr::from((u32::from(net) & mask) + 1)))
}

fn e_message(e: &BollardError) -> String {
    match e {
        BollardError::DockerResponseServerError { message, .. } => message.trim().to_string(),
        other => other.to_string(),
    }
}

fn last_line(text: &str) -> String {
    text.lines().rev().find(|l| !l.trim().is_empty()).map(|l| format!("Last output: {}", l.trim())).unwrap_or_default()
}

/// `repo[:tag][@digest]` → (repo, tag); the tag defaults to `latest`. A colon
/// inside the registry's host:port is not a tag.
fn split_image(image: &str) -> (&str, &str) {
    if image.contains('@') {
        return (image, "");
    }
    match image.rfind(':') {
        Some(i) if !image[i + 1..].contains('/') => (&image[..i], &image[i + 1..]),
        _ => (image, "latest"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_split_into_repo_and_tag() {
        assert_eq!(split_image("python"), ("python", "latest"));
        assert_eq!(split_image("public.ecr.aws/lambda/python:3.11"), ("public.ecr.aws/lambda/python", "3.11"));
        assert_eq!(split_image("localhost:5000/x"), ("localhost:5000/x", "latest"));
        assert_eq!(split_image("localhost:5000/x:1"), ("localhost:5000/x", "1"));
    }

    #[test]
    fn first_host_of_a_subnet() {
        assert_eq!(first_host("172.17.0.0/16"), Some("172.17.0.1".parse().unwrap()));
        assert_eq!(first_host("10.1.2.64/26"), Some("10.1.2.65".parse().unwrap()));
        assert_eq!(first_host("fd00::/64"), None);
    }
}
