//! The running gateway from the application's side: after a credential change it is told to
//! re-read the agent's credentials ([`panel_gateway::apply`]), and what it then lists becomes the
//! notice's gateway line, in place of the engine's generic advice; the Gateway card's view (one
//! connection: status, then the comparison with the disk); and the restart the admin confirmed,
//! run in the background with its steps kept for the card to show.
//!
//! Invariants: a write's result never depends on the gateway: the change is on disk before this
//! runs, and a gateway that fails or hangs only changes the sentence (short timeouts). Nothing
//! restarts a gateway unless [`PanelService::gateway_restart`] is called with the admin's
//! confirmation, and one restart runs at a time.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use panel_gateway::apply::{Applied, ApplyOutcome, apply_store_change};
use panel_gateway::discover::{GatewayTarget, StateEnv};
use panel_gateway::process::Supervisor;
use panel_gateway::restart::{self, Progress, RestartDeadlines};
use panel_gateway::rpc::{GatewayClient, RpcError, Timeouts};
use panel_gateway::status::{GatewayStatus, Reach, gateway_status_connected};
use panel_views::{GatewayReach, GatewayView, LastApply, RestartView, WriteOutcome};

use crate::error::ServiceError;
use crate::{PanelConfig, PanelService};

/// The page waits at most this long for the gateway (a write is already done by then).
pub(crate) const PAGE_TIMEOUTS: Timeouts =
    Timeouts { open: Duration::from_secs(1), challenge: Duration::from_secs(3), call: Duration::from_secs(5) };

/// The gateway of the state `config` names, as `gateway status` finds it, with the panel's
/// device key (for 2026.3.x) in its data dir. `process_env`: also look in the panel's own
/// environment for the gateway's token. A config that cannot be read is an error: the port and
/// the token come from it.
pub fn target(config: &PanelConfig, process_env: bool) -> Result<GatewayTarget, ServiceError> {
    let location = &config.location;
    let parsed = openclaw_state::config::Config::read(&location.config_path).map_err(|e| {
        ServiceError::Refused(format!("{e}; the gateway's port and token are read from it, so fix it first"))
    })?;
    let mut target = GatewayTarget::resolve(parsed.as_ref(), &StateEnv::read(location, process_env));
    target.device_key = config.data_dir.as_ref().map(|d| d.join(panel_gateway::device::FILE_NAME));
    Ok(target)
}

/// What the panel remembers about the gateway while it runs: the last apply and the restart
/// under way (or the last one).
#[derive(Debug, Default)]
pub struct GatewayMemory {
    last_apply: Mutex<Option<LastApply>>,
    restart: Mutex<Option<RestartView>>,
}

impl GatewayMemory {
    fn record_apply(&self, ok: bool, result: &str) {
        let entry = LastApply { at: crate::format_utc(crate::now_ms()), ok, result: result.to_owned() };
        *self.last_apply.lock().unwrap_or_else(|p| p.into_inner()) = Some(entry);
    }

    fn last_apply(&self) -> Option<LastApply> {
        self.last_apply.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn restart(&self) -> Option<RestartView> {
        self.restart.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn update_restart(&self, f: impl FnOnce(&mut RestartView)) {
        if let Some(r) = self.restart.lock().unwrap_or_else(|p| p.into_inner()).as_mut() {
            f(r);
        }
    }

    /// Marks a restart as started, unless one runs.
    fn begin_restart(&self) -> bool {
        let mut slot = self.restart.lock().unwrap_or_else(|p| p.into_inner());
        if slot.as_ref().is_some_and(|r| r.running) {
            return false;
        }
        *slot = Some(RestartView {
            running: true,
            ok: None,
            started_at: crate::format_utc(crate::now_ms()),
            steps: Vec::new(),
            message: None,
        });
        true
    }
}

/// Applies a change of `agent`'s credentials (about `profile_id`, when one) to the running
/// gateway: whether it must still restart, and the sentence that says what it did.
/// `listened_before`: its port accepted a connection just before the write.
pub async fn apply_note(
    target: GatewayTarget,
    agent: &str,
    profile_id: Option<&str>,
    listened_before: bool,
) -> (bool, String) {
    let port = target.port;
    let result = apply_store_change(&target, agent, PAGE_TIMEOUTS, listened_before).await;
    describe(result, port, agent, profile_id)
}

fn describe(
    result: Result<ApplyOutcome, RpcError>,
    port: u16,
    agent: &str,
    profile_id: Option<&str>,
) -> (bool, String) {
    match result {
        Ok(outcome) => {
            let version = outcome.version.as_deref().unwrap_or("the gateway");
            if outcome.applied == Applied::NeedsRestart {
                return (
                    true,
                    format!(
                        "The running gateway ({version}) uses a changed store only after a restart: restart it (Restart the gateway on the Gateway card, or `openclaw-auth-panel gateway restart`)."
                    ),
                );
            }
            let how = match outcome.applied {
                Applied::AuthRefresh => "re-read this agent's credentials",
                _ => "re-read every agent's credentials",
            };
            let confirmed = match (&outcome.listed, profile_id) {
                (Some(listed), Some(id)) => match listed.profile(id) {
                    Some(p) => format!(" It now lists {id} as {}, {}.", p.kind, p.status),
                    None if outcome.default_agent_only && agent != "main" => {
                        " It reports on its default agent only, so this agent's listing cannot be checked here."
                            .to_owned()
                    }
                    None => format!(" It does not list {id}."),
                },
                _ => String::new(),
            };
            (false, format!("Applied: the running gateway ({version}) {how}.{confirmed}"))
        }
        Err(RpcError::NotRunning { .. }) => {
            (false, format!("No gateway is running on 127.0.0.1:{port}: it reads this change when it starts."))
        }
        Err(e) => (
            true,
            format!(
                "Saved, but not applied to the running gateway ({e}). Run `openclaw-auth-panel gateway status` to see why, or restart the gateway."
            ),
        ),
    }
}

/// What a `.env` change (`change`: added, replaced, removed) needs from the running gateway:
/// (must restart, the panel's restart would load it, the sentence). Measured (facts §11.1): a
/// new key is used by 2026.5's next run, and by 2026.9/2026.3 only after a restart; a changed
/// or removed value only after a full stop and start (an in-process restart keeps the value it
/// loaded first), which the panel can do only through a systemd user unit.
async fn env_note(target: &GatewayTarget, change: &str) -> (bool, bool, String) {
    if change == "unchanged" {
        return (false, false, "The value was already so: the gateway needs nothing.".to_owned());
    }
    let (status, client) = gateway_status_connected(target, PAGE_TIMEOUTS).await;
    if let Some(client) = client {
        client.close().await;
    }
    let version = status.version.clone().unwrap_or_else(|| "version unknown".to_owned());
    match status.reach {
        Reach::NotRunning => {
            return (
                false,
                false,
                format!("No gateway is running on 127.0.0.1:{}: it reads .env when it starts.", status.port),
            );
        }
        Reach::Unreachable if status.protocol != Some(3) => {
            return (
                true,
                false,
                format!(
                    "The gateway reads .env only when it starts, and the panel cannot reach it ({}): restart it yourself.",
                    status.problem.unwrap_or_default()
                ),
            );
        }
        _ => {}
    }
    let plan = restart_choice(&status);
    let how = "Restart the gateway on the Gateway card, or `openclaw-auth-panel gateway restart`";
    if change == "added" {
        let reads_next_run = status.protocol == Some(4)
            && !status.methods.iter().any(|m| m == panel_gateway::apply::AUTH_REFRESH)
            && status.version.as_deref().is_some_and(|v| v.starts_with("2026.5"));
        if reads_next_run {
            return (
                false,
                false,
                format!("The running gateway ({version}) reads a new .env key at its next run: nothing to restart."),
            );
        }
        return match plan {
            Ok(_) => (
                true,
                true,
                format!("The running gateway ({version}) reads new .env keys only when it starts: restart it ({how})."),
            ),
            Err(e) => {
                (true, false, format!("The running gateway ({version}) reads new .env keys only when it starts: {e}"))
            }
        };
    }
    match plan {
        Ok(p) if p.full => (
            true,
            true,
            format!(
                "The running gateway ({version}) loads a changed .env value only on a full stop and start; its {} does that: restart it ({how}).",
                status.supervisor.as_ref().map(Supervisor::describe).unwrap_or_default()
            ),
        ),
        _ => (
            true,
            false,
            format!(
                "The running gateway ({version}) keeps the old value of a changed .env key until it is stopped and started again (a restart inside the process keeps it): stop it and start it again."
            ),
        ),
    }
}

/// How the gateway `status` describes would be restarted.
fn restart_choice(status: &GatewayStatus) -> Result<restart::RestartPlan, restart::RestartError> {
    if status.reach == Reach::NotRunning {
        return Err(restart::RestartError::NotRunning { port: status.port });
    }
    restart::choose(
        status.supervisor.clone(),
        status.pid,
        &status.methods,
        status.protocol.unwrap_or(4),
        status.version.clone(),
    )
}

impl PanelService {
    /// The gateway of this state (see [`target`]); the gateway's token is not a provider
    /// credential, so the panel's own environment counts even with --no-process-env.
    pub async fn gateway_target(&self) -> Result<GatewayTarget, ServiceError> {
        let config = self.config().clone();
        crate::error::blocking("gateway lookup failed", move || target(&config, true)).await?
    }

    /// [`apply_note`], remembered as the card's "last apply".
    pub(crate) async fn apply_note_recorded(
        &self,
        target: GatewayTarget,
        agent: &str,
        profile_id: Option<&str>,
        listened_before: bool,
    ) -> (bool, String) {
        let (must_restart, note) = apply_note(target, agent, profile_id, listened_before).await;
        if !note.starts_with("No gateway is running") {
            self.gateway.record_apply(!must_restart, &note);
        }
        (must_restart, note)
    }

    /// Applies the change `done` describes to the running gateway and says what came of it in
    /// `done.restart_note` / `restart_gateway` / `can_restart`.
    pub(crate) async fn apply_after_write(
        &self,
        target: GatewayTarget,
        done: &mut WriteOutcome,
        listened_before: bool,
    ) {
        if done.agent.is_empty() {
            let Some(change) = done.env_change.clone() else { return };
            let (must, can, note) = env_note(&target, &change).await;
            (done.restart_gateway, done.can_restart, done.restart_note) = (must, can, note);
            return;
        }
        let (must_restart, note) =
            self.apply_note_recorded(target, &done.agent, done.profile_id.as_deref(), listened_before).await;
        done.can_restart = must_restart && note.contains("only after a restart");
        done.restart_gateway = must_restart;
        done.restart_note = note;
    }

    /// The running gateway now, for the Gateway card: one connection for its status and the
    /// comparison with the disk.
    pub async fn gateway_view(&self) -> Result<GatewayView, ServiceError> {
        let target = self.gateway_target().await?;
        let (s, client) = gateway_status_connected(&target, PAGE_TIMEOUTS).await;
        let (compared, differences) = match client {
            Some(client) => self.compare_with_disk(client).await,
            None => (Vec::new(), Vec::new()),
        };
        let plan = restart_choice(&s);
        Ok(GatewayView {
            compared,
            differences,
            reach: match s.reach {
                Reach::NotRunning => GatewayReach::NotRunning,
                Reach::Unreachable => GatewayReach::Unreachable,
                Reach::NotReady => GatewayReach::NotReady,
                Reach::Connected => GatewayReach::Connected,
            },
            supervisor: s.supervisor.as_ref().map(Supervisor::describe),
            pid: s.pid,
            restart_full: plan.as_ref().is_ok_and(|p| p.full),
            restart_plan: plan.as_ref().ok().map(|p| p.method.describe()),
            restart_blocked: plan.err().filter(|_| s.reach != Reach::NotRunning).map(|e| e.to_string()),
            restart: self.gateway.restart(),
            last_apply: self.gateway.last_apply(),
            address: s.url,
            port_source: s.port_source,
            version: s.version,
            credential_source: s.credential_source,
            methods: s.methods,
            problem: s.problem,
            fix: s.fix,
        })
    }

    /// What the gateway lists for each agent it reports on (every agent on 2026.9, the default
    /// agent on 2026.5) against the analysis of the disk: the agents compared, and the differences.
    async fn compare_with_disk(&self, client: GatewayClient) -> (Vec<String>, Vec<String>) {
        let Ok(snapshot) = self.snapshot().await else {
            client.close().await;
            return (Vec::new(), Vec::new());
        };
        let per_agent = self.compare_per_agent(client, &snapshot).await;
        let compared = per_agent.iter().map(|(agent, _)| agent.clone()).collect();
        (compared, per_agent.into_iter().flat_map(|(_, d)| d).collect())
    }

    /// Each agent the gateway reports on, with its differences from `snapshot` (the Gateway card
    /// and the alert monitor read the same comparison). Closes the connection.
    pub(crate) async fn compare_per_agent(
        &self,
        mut client: GatewayClient,
        snapshot: &openclaw_state::StateSnapshot,
    ) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        let per_agent = client.has_method(panel_gateway::apply::AUTH_REFRESH);
        let agents: Vec<String> =
            snapshot.agents.iter().filter(|a| per_agent || a.is_default).map(|a| a.id.clone()).collect();
        for agent in agents {
            let Ok(Some(listed)) = panel_gateway::apply::listed(&mut client, &agent).await else { continue };
            let Some(analysis) = openclaw_state::analysis::analyze_agent(snapshot, Some(&agent)) else {
                continue;
            };
            out.push((agent, panel_gateway::compare::differences(&analysis, &listed)));
        }
        client.close().await;
        out
    }

    /// *Apply to the gateway*: every agent's credentials re-read by the running gateway; one
    /// sentence per agent (one in all for `secrets.reload`, which re-reads every agent).
    pub async fn apply_to_gateway_all(&self) -> Result<Vec<String>, ServiceError> {
        let target = self.gateway_target().await?;
        let snapshot = self.snapshot().await?;
        let agents: Vec<String> = snapshot.agents.iter().map(|a| a.id.clone()).collect();
        let mut lines = Vec::new();
        for agent in &agents {
            match apply_store_change(&target, agent, PAGE_TIMEOUTS, false).await {
                Ok(done) => {
                    let listed = done.listed.as_ref().map(|l| l.profiles.len());
                    let count = match listed {
                        Some(n) if done.default_agent_only => {
                            format!("; it lists {n} profile(s) for its default agent")
                        }
                        Some(n) => format!("; it lists {n} profile(s)"),
                        None => String::new(),
                    };
                    match done.applied {
                        Applied::AuthRefresh => {
                            lines.push(format!("Agent {agent}: re-read (models.authRefresh){count}."))
                        }
                        Applied::SecretsReload => {
                            lines.push(format!("Every agent: re-read (secrets.reload){count}."));
                            break;
                        }
                        Applied::NeedsRestart => {
                            lines.push(
                                "This gateway uses a changed store only after a restart: use Restart the gateway."
                                    .to_owned(),
                            );
                            break;
                        }
                    }
                }
                Err(e) => {
                    self.gateway.record_apply(false, &format!("not applied: {e}"));
                    return Err(ServiceError::Refused(format!("not applied: {e}")));
                }
            }
        }
        self.gateway.record_apply(true, &lines.join(" "));
        Ok(lines)
    }

    /// *Restart the gateway*, after the admin confirmed what [`GatewayView::restart_plan`] said:
    /// started in the background; the card follows its steps through [`Self::gateway_view`].
    pub async fn gateway_restart(&self, actor: &str, confirmed: bool) -> Result<RestartView, ServiceError> {
        if !confirmed {
            return Err(ServiceError::Refused(
                "a restart stops the gateway's running work for a moment: confirm it first".to_owned(),
            ));
        }
        let target = self.gateway_target().await?;
        let plan = restart::plan(&target, PAGE_TIMEOUTS).await.map_err(|e| ServiceError::Refused(e.to_string()))?;
        if !self.gateway.begin_restart() {
            return Err(ServiceError::Refused("a restart is already under way: wait for it".to_owned()));
        }
        tracing::info!(actor, how = %plan.method.describe(), "gateway restart confirmed");
        let memory = Arc::clone(&self.gateway);
        let this = self.clone();
        tokio::spawn(async move {
            let steps = Arc::clone(&memory);
            let progress = move |p: Progress| steps.update_restart(|r| r.steps.push(p.describe()));
            let result = restart::restart(&target, &plan, PAGE_TIMEOUTS, RestartDeadlines::default(), &progress).await;
            let (ok, message) = match result {
                Ok(took) => {
                    let agent = this
                        .snapshot()
                        .await
                        .ok()
                        .and_then(|s| s.agents.iter().find(|a| a.is_default).map(|a| a.id.clone()));
                    let listing = match (agent, GatewayClient::connect(&target, PAGE_TIMEOUTS).await) {
                        (Some(agent), Ok(mut client)) => {
                            let listed = panel_gateway::apply::listed(&mut client, &agent).await;
                            client.close().await;
                            match listed {
                                Ok(Some(l)) => format!(" It lists {} profile(s) for agent {agent}.", l.profiles.len()),
                                _ => String::new(),
                            }
                        }
                        _ => String::new(),
                    };
                    (
                        true,
                        format!(
                            "Restarted by {}; ready after {:.1} s.{listing}",
                            plan.method.describe(),
                            took.as_secs_f64()
                        ),
                    )
                }
                Err(e) => (false, e.to_string()),
            };
            tracing::info!(ok, %message, "gateway restart finished");
            memory.update_restart(|r| {
                r.running = false;
                r.ok = Some(ok);
                r.message = Some(message);
            });
        });
        self.gateway.restart().ok_or_else(|| ServiceError::Refused("the restart could not be started".to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use panel_gateway::apply::{Listed, ListedProfile};

    use super::*;

    #[test]
    fn each_outcome_is_a_sentence_that_says_what_the_gateway_did() {
        let listed = Listed {
            providers: vec!["anthropic".into()],
            profiles: vec![ListedProfile {
                provider: "anthropic".into(),
                profile_id: "anthropic:work".into(),
                kind: "token".into(),
                status: "ok".into(),
            }],
            env_keys: vec![],
            orders: None,
        };
        let applied = ApplyOutcome {
            applied: Applied::AuthRefresh,
            version: Some("2026.9.6".into()),
            listed: Some(listed),
            default_agent_only: false,
        };
        let (restart, note) = describe(Ok(applied.clone()), 18789, "main", Some("anthropic:work"));
        assert!(!restart);
        assert_eq!(
            note,
            "Applied: the running gateway (2026.9.6) re-read this agent's credentials. It now lists anthropic:work as token, ok."
        );
        let (_, note) = describe(Ok(applied), 18789, "main", Some("anthropic:gone"));
        assert!(note.ends_with("It does not list anthropic:gone."), "{note}");
        let (restart, note) = describe(Err(RpcError::NotRunning { port: 18789 }), 18789, "main", None);
        assert!(!restart && note.contains("No gateway is running on 127.0.0.1:18789"), "{note}");
        let refused = RpcError::Unauthorized { code: "AUTH_TOKEN_MISMATCH".into(), message: "unauthorized".into() };
        let (restart, note) = describe(Err(refused), 18789, "main", None);
        assert!(restart && note.contains("gateway status"), "{note}");
    }
}
