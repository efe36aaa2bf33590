//! Restarting the running gateway, the way its install supports, then waiting until it serves
//! again (issue 16, item 3). Which way, in order (measured and read in OpenClaw's source, facts
//! §11.1 and the gateway research note):
//! - a systemd **user** unit runs it → `systemctl --user restart <unit>`: a full stop and start,
//!   which also loads changed `.env` values;
//! - the gateway serves `gateway.restart.request` (2026.5+) → ask it; it restarts in-process
//!   (SIGUSR2 on 2026.9, SIGUSR1 on 2026.5) or, when it has active runs, when they end
//!   ("deferred");
//! - else a signal to the pid holding its port: SIGUSR1 for protocol-3 (2026.3.x) and 2026.5
//!   gateways; SIGUSR2 for anything newer. **Never SIGUSR1 to 2026.6+**: it opens Node's debugger
//!   on 127.0.0.1:9229 instead of restarting.
//!
//! Then: wait for the old process to drop the panel's connection (its `shutdown` event), then
//! poll `/readyz` (2026.5+) or the WebSocket handshake (2026.3.x, whose HTTP answers 500 on Node
//! 26) until it is ready, reporting each step through `progress`.
//!
//! Invariants: nothing here runs without the caller having the admin's confirmation (the
//! service and the CLI ask); a system unit is never touched (it needs root: the answer says how);
//! every wait has a deadline; an in-process restart keeps the old values of `.env` keys it had
//! already loaded, and [`RestartPlan::full`] says so before anything happens.

use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{Value, json};

use crate::discover::GatewayTarget;
use crate::probe;
use crate::process::{self, Supervisor};
use crate::rpc::{GatewayClient, RpcError, Timeouts};

/// The RPC method that asks the gateway to restart itself (2026.5+).
pub const RESTART_REQUEST: &str = "gateway.restart.request";

/// How the restart is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Method {
    Systemd { unit: String },
    RestartRequest,
    Signal { signal: String, pid: u32 },
}

impl Method {
    pub fn describe(&self) -> String {
        match self {
            Self::Systemd { unit } => format!("systemctl --user restart {unit}"),
            Self::RestartRequest => "the gateway's own restart (gateway.restart.request)".to_owned(),
            Self::Signal { signal, pid } => format!("{signal} to the gateway's process {pid}"),
        }
    }
}

/// What a restart would do, decided before it is asked for.
#[derive(Debug, Clone, Serialize)]
pub struct RestartPlan {
    pub method: Method,
    pub version: Option<String>,
    /// The pid holding the port now, when the panel can see it.
    pub pid: Option<u32>,
    pub supervisor: Option<Supervisor>,
    /// A full stop and start (systemd): changed `.env` values are loaded too. An in-process
    /// restart loads new `.env` keys only.
    pub full: bool,
    /// The gateway speaks protocol 3 (readiness is checked over the WebSocket).
    pub protocol: u64,
}

/// One step of a restart, for the page's progress line and the CLI's stderr.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "step", rename_all = "kebab-case")]
pub enum Progress {
    Requested {
        how: String,
    },
    /// The gateway waits for active runs to end before it restarts.
    Deferred {
        why: String,
    },
    /// The old process has let go; the new one is starting.
    Stopped,
    /// Answering but not ready: what `/readyz` says is failing.
    Starting {
        failing: Vec<String>,
    },
    Ready {
        after_ms: u64,
    },
}

impl Progress {
    pub fn describe(&self) -> String {
        match self {
            Self::Requested { how } => format!("restart requested: {how}"),
            Self::Deferred { why } => format!("the gateway restarts when its active runs end ({why})"),
            Self::Stopped => "the old gateway stopped; waiting for the new one".to_owned(),
            Self::Starting { failing } if failing.is_empty() => "starting".to_owned(),
            Self::Starting { failing } => format!("starting (not ready yet: {})", failing.join(", ")),
            Self::Ready { after_ms } => format!("ready again after {:.1} s", *after_ms as f64 / 1000.0),
        }
    }
}

/// Why a restart could not be made or did not finish.
#[derive(Debug, Clone, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RestartError {
    #[error("no gateway runs on 127.0.0.1:{port}: start it instead (`openclaw gateway run`, or its service)")]
    NotRunning { port: u16 },
    #[error(
        "the gateway runs as the system unit {unit}; the panel cannot restart it: run `sudo systemctl restart {unit}`"
    )]
    SystemUnit { unit: String },
    #[error(
        "the panel cannot restart this gateway: {why}. Restart it where it was started (`openclaw gateway restart`, or stop and start it)"
    )]
    NoWay { why: String },
    #[error("the restart failed: {0}")]
    Failed(String),
    #[error("the gateway did not become ready within {seconds} s after the restart (last: {last}); look at its log")]
    NotReady { seconds: u64, last: String },
}

/// How long each phase may take.
#[derive(Debug, Clone, Copy)]
pub struct RestartDeadlines {
    /// For the old process to let go after the request (a deferred restart waits for runs).
    pub stop: Duration,
    /// For the new one to be ready (2026.9 takes 20–60 s).
    pub ready: Duration,
    pub poll: Duration,
}

impl Default for RestartDeadlines {
    fn default() -> Self {
        Self { stop: Duration::from_secs(60), ready: Duration::from_secs(120), poll: Duration::from_millis(250) }
    }
}

/// Decides how the gateway of `target` would be restarted (nothing is done yet).
pub async fn plan(target: &GatewayTarget, timeouts: Timeouts) -> Result<RestartPlan, RestartError> {
    let found = process::find(target.port);
    let supervisor = found.as_ref().map(|p| p.supervisor.clone());
    let pid = found.as_ref().map(|p| p.pid);
    if let Some(Supervisor::SystemdSystem { unit }) = &supervisor {
        return Err(RestartError::SystemUnit { unit: unit.clone() });
    }
    let (hello, protocol) = match GatewayClient::connect(target, timeouts).await {
        Ok(client) => {
            let hello = client.hello().clone();
            client.close().await;
            let protocol = hello.protocol;
            (Some(hello), protocol)
        }
        Err(RpcError::NotRunning { port }) => return Err(RestartError::NotRunning { port }),
        // 2026.3.x without the panel's device identity: known by its answer, restarted by signal.
        Err(RpcError::Protocol { .. }) => (None, 3),
        Err(_) if matches!(supervisor, Some(Supervisor::SystemdUser { .. })) => (None, 4),
        Err(e) => return Err(RestartError::NoWay { why: e.to_string() }),
    };
    let version = hello.as_ref().and_then(|h| h.version.clone());
    let methods = hello.map(|h| h.methods).unwrap_or_default();
    choose(supervisor, pid, &methods, protocol, version)
}

/// The way to restart a gateway with these facts (what `gateway status` found).
pub fn choose(
    supervisor: Option<Supervisor>,
    pid: Option<u32>,
    methods: &[String],
    protocol: u64,
    version: Option<String>,
) -> Result<RestartPlan, RestartError> {
    if let Some(Supervisor::SystemdSystem { unit }) = &supervisor {
        return Err(RestartError::SystemUnit { unit: unit.clone() });
    }
    let method = if let Some(Supervisor::SystemdUser { unit }) = &supervisor {
        Method::Systemd { unit: unit.clone() }
    } else if methods.iter().any(|m| m == RESTART_REQUEST) {
        Method::RestartRequest
    } else if let Some(pid) = pid {
        let signal =
            if protocol <= 3 || version.as_deref().is_some_and(older_than_2026_6) { "SIGUSR1" } else { "SIGUSR2" };
        Method::Signal { signal: signal.to_owned(), pid }
    } else {
        return Err(RestartError::NoWay {
            why: "it has no restart method and its process is not the panel user's".to_owned(),
        });
    };
    Ok(RestartPlan { full: matches!(method, Method::Systemd { .. }), method, version, pid, supervisor, protocol })
}

/// `2026.5.28` and older (they restart on SIGUSR1; 2026.6+ opens a debugger on it).
fn older_than_2026_6(version: &str) -> bool {
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (year, month) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (year, month) < (2026, 6)
}

/// Restarts the gateway of `target` as `plan` says and waits until it is ready again.
pub async fn restart(
    target: &GatewayTarget,
    plan: &RestartPlan,
    timeouts: Timeouts,
    deadlines: RestartDeadlines,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<Duration, RestartError> {
    let started = Instant::now();
    // A connection held across the request: its end says the old process has let go (systemctl
    // returns only once the old process has stopped).
    let mut watcher = match plan.method {
        Method::Systemd { .. } => None,
        _ => GatewayClient::connect(target, timeouts).await.ok(),
    };
    match &plan.method {
        Method::Systemd { unit } => {
            progress(Progress::Requested { how: plan.method.describe() });
            let out = tokio::time::timeout(
                deadlines.stop,
                tokio::process::Command::new("systemctl").args(["--user", "restart", unit]).output(),
            )
            .await
            .map_err(|_| RestartError::Failed(format!("systemctl did not finish within {:?}", deadlines.stop)))?
            .map_err(|e| RestartError::Failed(format!("cannot run systemctl: {e}")))?;
            if !out.status.success() {
                return Err(RestartError::Failed(format!(
                    "systemctl --user restart {unit}: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                )));
            }
        }
        Method::RestartRequest => {
            let client = watcher.as_mut().ok_or_else(|| RestartError::Failed("cannot connect to ask it".to_owned()))?;
            let answer = client
                .call(RESTART_REQUEST, json!({"reason": "openclaw-auth-panel: credentials changed"}))
                .await
                .map_err(|e| RestartError::Failed(e.to_string()))?;
            progress(Progress::Requested { how: plan.method.describe() });
            if answer.get("status").and_then(Value::as_str) == Some("deferred") {
                let why = answer
                    .pointer("/preflight/summary")
                    .and_then(Value::as_str)
                    .unwrap_or("it has active runs")
                    .to_owned();
                progress(Progress::Deferred { why });
            }
        }
        Method::Signal { signal, pid } => {
            let sig = if signal == "SIGUSR1" { rustix::process::Signal::USR1 } else { rustix::process::Signal::USR2 };
            let pid_t = rustix::process::Pid::from_raw(*pid as i32)
                .ok_or_else(|| RestartError::Failed(format!("bad pid {pid}")))?;
            rustix::process::kill_process(pid_t, sig)
                .map_err(|e| RestartError::Failed(format!("cannot signal process {pid}: {e}")))?;
            progress(Progress::Requested { how: plan.method.describe() });
        }
    }
    if let Some(mut client) = watcher.take()
        && !client.wait_closed(deadlines.stop).await
    {
        return Err(RestartError::NotReady {
            seconds: deadlines.stop.as_secs(),
            last: "the old gateway kept running".to_owned(),
        });
    }
    progress(Progress::Stopped);
    let ready_by = Instant::now() + deadlines.ready;
    let mut last = "no answer".to_owned();
    let mut last_failing: Option<Vec<String>> = None;
    while Instant::now() < ready_by {
        if plan.protocol <= 3 {
            let answered = match GatewayClient::connect(target, timeouts).await {
                Ok(client) => {
                    client.close().await;
                    true
                }
                // It completed a handshake far enough to say which protocol it speaks.
                Err(RpcError::Protocol { .. }) => true,
                Err(e) => {
                    last = e.to_string();
                    false
                }
            };
            if answered {
                let after = started.elapsed();
                progress(Progress::Ready { after_ms: after.as_millis() as u64 });
                return Ok(after);
            }
        } else {
            match probe::get(target.port, "/readyz", Duration::from_secs(2)).await {
                Ok(answer) if answer.status == 200 => {
                    let after = started.elapsed();
                    progress(Progress::Ready { after_ms: after.as_millis() as u64 });
                    return Ok(after);
                }
                Ok(answer) => {
                    let failing: Vec<String> = answer
                        .json
                        .as_ref()
                        .and_then(|j| j.get("failing"))
                        .and_then(Value::as_array)
                        .map(|f| f.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                        .unwrap_or_default();
                    last = format!("/readyz {}", answer.status);
                    if last_failing.as_ref() != Some(&failing) {
                        progress(Progress::Starting { failing: failing.clone() });
                        last_failing = Some(failing);
                    }
                }
                Err(e) => last = e.to_string(),
            }
        }
        tokio::time::sleep(deadlines.poll).await;
    }
    Err(RestartError::NotReady { seconds: deadlines.ready.as_secs(), last })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigusr1_only_below_2026_6() {
        assert!(older_than_2026_6("2026.5.28"));
        assert!(older_than_2026_6("2026.3.31"));
        assert!(!older_than_2026_6("2026.6.0"));
        assert!(!older_than_2026_6("2026.9.6"));
        assert!(!older_than_2026_6("2027.1.2"));
    }

    #[test]
    fn the_way_follows_the_install_and_never_sends_sigusr1_to_2026_9() {
        let methods = |m: &[&str]| m.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let user = Supervisor::SystemdUser { unit: "openclaw-gateway.service".into() };
        let plan = choose(Some(user), Some(9), &methods(&[RESTART_REQUEST]), 4, Some("2026.9.6".into())).unwrap();
        assert_eq!(plan.method, Method::Systemd { unit: "openclaw-gateway.service".into() });
        assert!(plan.full, "systemd stops and starts: changed .env values load");
        let plan = choose(Some(Supervisor::Foreground), Some(9), &methods(&[RESTART_REQUEST]), 4, None).unwrap();
        assert_eq!(plan.method, Method::RestartRequest);
        assert!(!plan.full);
        let signal = |version: &str, protocol| {
            choose(Some(Supervisor::Foreground), Some(9), &[], protocol, Some(version.into())).unwrap().method
        };
        assert_eq!(signal("2026.3.31", 3), Method::Signal { signal: "SIGUSR1".into(), pid: 9 });
        assert_eq!(signal("2026.5.28", 4), Method::Signal { signal: "SIGUSR1".into(), pid: 9 });
        assert_eq!(signal("2026.9.6", 4), Method::Signal { signal: "SIGUSR2".into(), pid: 9 });
        let unknown = choose(None, Some(9), &[], 4, None).unwrap().method;
        assert_eq!(unknown, Method::Signal { signal: "SIGUSR2".into(), pid: 9 }, "unknown 4.x: never SIGUSR1");
        let system = Supervisor::SystemdSystem { unit: "openclaw-gateway.service".into() };
        let err = choose(Some(system), Some(9), &methods(&[RESTART_REQUEST]), 4, None).unwrap_err();
        assert!(err.to_string().contains("sudo systemctl restart openclaw-gateway.service"), "{err}");
        assert!(matches!(choose(None, None, &[], 4, None), Err(RestartError::NoWay { .. })));
    }

    #[test]
    fn each_step_reads_as_a_sentence() {
        assert_eq!(Progress::Ready { after_ms: 12_340 }.describe(), "ready again after 12.3 s");
        assert_eq!(
            Progress::Starting { failing: vec!["startup-sidecars".into()] }.describe(),
            "starting (not ready yet: startup-sidecars)"
        );
        assert!(
            Method::Signal { signal: "SIGUSR2".into(), pid: 7 }
                .describe()
                .contains("SIGUSR2 to the gateway's process 7")
        );
    }
}
