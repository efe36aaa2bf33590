//! The gateway's state in one value, for `openclaw-auth-panel gateway status` (and the Gateway
//! card to come): where it should listen and with which credential (its source only), whether it
//! answers (`/healthz`, `/readyz`, `/startupz`), and whether the panel can log in to its RPC, with
//! its version and methods. Every failure is a state with a sentence saying what to do.

use std::time::Duration;

use serde::Serialize;

use crate::discover::{AuthMode, GatewayTarget};
use crate::probe::{self, ProbeError};
use crate::rpc::{GatewayClient, RpcError, Timeouts};

/// The overall answer, worst first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reach {
    /// Nothing listens on the port.
    NotRunning,
    /// Something listens but the panel cannot log in (credential, protocol, TLS, …).
    Unreachable,
    /// Running, but `/readyz` says it is not ready (yet).
    NotReady,
    /// Logged in as an operator: the panel can apply changes.
    Connected,
}

#[derive(Debug, Clone, Serialize)]
pub struct GatewayStatus {
    pub reach: Reach,
    pub url: String,
    pub port: u16,
    pub port_source: String,
    pub bind: String,
    pub auth_mode: AuthMode,
    /// Where the panel's credential for the gateway comes from (never the value).
    pub credential_source: String,
    /// `/healthz` answered 200.
    pub live: bool,
    /// `/readyz`'s `ready` (`None`: no answer, e.g. 2026.3.x on Node 26).
    pub ready: Option<bool>,
    pub version: Option<String>,
    pub protocol: Option<u64>,
    /// The RPC methods the gateway serves that the panel uses.
    pub methods: Vec<String>,
    /// The state dir the gateway says it serves, when it says.
    pub state_dir: Option<String>,
    /// The pid holding the port, when it is the panel user's process.
    pub pid: Option<u32>,
    /// What runs it (`None`: its process cannot be seen).
    pub supervisor: Option<crate::process::Supervisor>,
    /// Why not connected, in words.
    pub problem: Option<String>,
    /// What to do about it.
    pub fix: Option<String>,
}

/// The methods the panel uses, listed when the gateway serves them.
const USED: &[&str] = &["models.authRefresh", "models.authStatus", "secrets.reload", "gateway.restart.request"];

/// Looks at the gateway of `target` now.
pub async fn gateway_status(target: &GatewayTarget, timeouts: Timeouts) -> GatewayStatus {
    let (status, client) = gateway_status_connected(target, timeouts).await;
    if let Some(client) = client {
        client.close().await;
    }
    status
}

/// The same, keeping the logged-in connection (when there is one) for further calls.
pub async fn gateway_status_connected(
    target: &GatewayTarget,
    timeouts: Timeouts,
) -> (GatewayStatus, Option<GatewayClient>) {
    let mut status = GatewayStatus {
        reach: Reach::NotRunning,
        url: target.ws_url(),
        port: target.port,
        port_source: target.port_source.clone(),
        bind: target.bind.clone(),
        auth_mode: target.auth_mode,
        credential_source: target.secret_source.clone(),
        live: false,
        ready: None,
        version: None,
        protocol: None,
        methods: Vec::new(),
        state_dir: None,
        pid: None,
        supervisor: None,
        problem: None,
        fix: None,
    };
    let probe_wait = Duration::from_secs(2);
    match probe::get(target.port, "/healthz", probe_wait).await {
        Err(ProbeError::Refused(_)) => {
            status.problem =
                Some(format!("nothing listens on 127.0.0.1:{} (port from {})", target.port, target.port_source));
            status.fix = Some(
                "Start the gateway (`openclaw gateway run`, or `systemctl --user start openclaw-gateway`); changes are read at its next start."
                    .to_owned(),
            );
            return (status, None);
        }
        Ok(a) => status.live = a.status == 200,
        Err(_) => {}
    }
    if let Some(found) = crate::process::find(target.port) {
        status.pid = Some(found.pid);
        status.supervisor = Some(found.supervisor);
    }
    if let Ok(a) = probe::get(target.port, "/readyz", probe_wait).await {
        status.ready = a.json.as_ref().and_then(|j| j.get("ready")).and_then(serde_json::Value::as_bool);
    }
    if let Ok(a) = probe::get(target.port, "/startupz", probe_wait).await
        && a.status == 200
    {
        status.version = a.json.as_ref().and_then(|j| j.get("version")).and_then(|v| v.as_str()).map(str::to_owned);
    }
    if target.tls {
        status.reach = Reach::Unreachable;
        status.problem = Some(
            "the gateway speaks TLS (gateway.tls.enabled); the panel talks to it in plain ws:// on loopback only"
                .to_owned(),
        );
        status.fix = Some("Turn gateway.tls off for loopback, or apply changes with a gateway restart.".to_owned());
        return (status, None);
    }
    if target.secret.is_none()
        && matches!(target.auth_mode, AuthMode::Token | AuthMode::Password | AuthMode::TrustedProxy)
    {
        status.reach = Reach::Unreachable;
        status.problem = Some(format!("the panel has no credential for the gateway: {}", target.secret_source));
        status.fix = Some(
            "Set gateway.auth.token in openclaw.json (or OPENCLAW_GATEWAY_TOKEN in the panel's environment) to the gateway's token."
                .to_owned(),
        );
        return (status, None);
    }
    match GatewayClient::connect(target, timeouts).await {
        Ok(client) => {
            let hello = client.hello().clone();
            status.version = hello.version.or(status.version);
            status.protocol = Some(hello.protocol);
            status.methods =
                USED.iter().filter(|m| hello.methods.iter().any(|h| h == *m)).map(|m| (*m).to_owned()).collect();
            status.state_dir = hello.state_dir;
            let admin = hello.scopes.as_ref().is_none_or(|s| s.iter().any(|s| s == "operator.admin"));
            if !admin {
                status.reach = Reach::Unreachable;
                status.problem = Some("the gateway let the panel in without the operator.admin scope".to_owned());
                status.fix = Some(
                    "Check gateway.auth: the panel logs in as a backend client with the gateway's token.".to_owned(),
                );
            } else if status.ready == Some(false) {
                status.reach = Reach::NotReady;
                status.problem = Some("the gateway runs but says it is not ready (/readyz)".to_owned());
                status.fix = Some("Wait for it to finish starting; if it stays so, look at its log.".to_owned());
            } else {
                status.reach = Reach::Connected;
            }
            return (status, Some(client));
        }
        Err(e) => {
            if matches!(e, RpcError::Protocol { .. }) {
                status.protocol = Some(3);
            }
            status.reach =
                if matches!(e, RpcError::NotRunning { .. }) { Reach::NotRunning } else { Reach::Unreachable };
            status.fix = Some(match &e {
                RpcError::Unauthorized { .. } => format!(
                    "The panel's credential ({}) is not the one this gateway uses: make gateway.auth in openclaw.json match the running gateway, or restart the gateway so it reads it.",
                    target.secret_source
                ),
                RpcError::Starting => "Wait a few seconds and look again.".to_owned(),
                RpcError::Protocol { .. } => {
                    "Give the panel a data dir (--data-dir) for its device identity, or apply changes by restarting the gateway."
                        .to_owned()
                }
                _ => "Look at the gateway's log; restart it if it does not answer.".to_owned(),
            });
            status.problem = Some(e.to_string());
        }
    }
    (status, None)
}
