//! After a credential change from the page: the running gateway is told to re-read the agent's
//! credentials ([`panel_gateway::apply`]), and what it then lists becomes the notice's gateway
//! line, in place of the engine's generic advice. No gateway running is a sentence, not an error;
//! nothing here restarts a gateway.
//!
//! Invariant: a write's result never depends on the gateway: the change is on disk before this
//! runs, and a gateway that fails or hangs only changes the sentence (short timeouts).

use std::time::Duration;

use openclaw_state::StateLocation;
use panel_gateway::apply::{Applied, ApplyOutcome, apply_store_change};
use panel_gateway::discover::{GatewayTarget, StateEnv};
use panel_gateway::rpc::{RpcError, Timeouts};
use panel_gateway::status::{Reach, gateway_status};
use panel_views::{GatewayReach, GatewayView, WriteOutcome};

use crate::PanelService;
use crate::error::ServiceError;

/// The page waits at most this long for the gateway (a write is already done by then).
const PAGE_TIMEOUTS: Timeouts =
    Timeouts { open: Duration::from_secs(1), challenge: Duration::from_secs(3), call: Duration::from_secs(5) };

/// The gateway of `location`, as `gateway status` finds it (`process_env`: also look in the
/// panel's own environment for the gateway's token).
pub fn target(location: &StateLocation, process_env: bool) -> GatewayTarget {
    let config = openclaw_state::config::Config::read(&location.config_path).ok().flatten();
    GatewayTarget::resolve(config.as_ref(), &StateEnv::read(location, process_env))
}

/// Applies the change `done` describes to the running gateway and says what came of it in
/// `done.restart_note` / `done.restart_gateway`. Changes not about one agent (`.env`) keep the
/// engine's advice: the gateway reads `.env` only when it starts.
pub(crate) async fn apply_after_write(target: GatewayTarget, done: &mut WriteOutcome) {
    if done.agent.is_empty() {
        return;
    }
    let (must_restart, note) = apply_note(target, &done.agent, done.profile_id.as_deref()).await;
    done.restart_gateway = must_restart;
    done.restart_note = note;
}

/// Applies a change of `agent`'s credentials (about `profile_id`, when one) to the running
/// gateway: whether it must still restart, and the sentence that says what it did.
pub async fn apply_note(target: GatewayTarget, agent: &str, profile_id: Option<&str>) -> (bool, String) {
    let port = target.port;
    let result = apply_store_change(&target, agent, PAGE_TIMEOUTS).await;
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
                        "The running gateway ({version}) reads credentials only when it starts: restart it (`openclaw gateway restart`)."
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

impl PanelService {
    /// The running gateway now, for the Gateway card.
    pub async fn gateway_view(&self) -> Result<GatewayView, ServiceError> {
        let location = self.config().location.clone();
        let target = crate::error::blocking("gateway lookup failed", move || target(&location, true)).await?;
        let s = gateway_status(&target, PAGE_TIMEOUTS).await;
        let (compared, differences) =
            if s.reach == Reach::Connected { self.compare_with_disk(&target).await } else { (Vec::new(), Vec::new()) };
        Ok(GatewayView {
            compared,
            differences,
            reach: match s.reach {
                Reach::NotRunning => GatewayReach::NotRunning,
                Reach::Unreachable => GatewayReach::Unreachable,
                Reach::NotReady => GatewayReach::NotReady,
                Reach::Connected => GatewayReach::Connected,
            },
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
    async fn compare_with_disk(&self, target: &GatewayTarget) -> (Vec<String>, Vec<String>) {
        let this = self.clone();
        let Ok(snapshot) = crate::error::blocking("state read task failed", move || this.snapshot_blocking()).await
        else {
            return (Vec::new(), Vec::new());
        };
        let Ok(mut client) = panel_gateway::rpc::GatewayClient::connect(target, PAGE_TIMEOUTS).await else {
            return (Vec::new(), Vec::new());
        };
        let per_agent = client.has_method(panel_gateway::apply::AUTH_REFRESH);
        let agents: Vec<String> =
            snapshot.agents.iter().filter(|a| per_agent || a.is_default).map(|a| a.id.clone()).collect();
        let (mut compared, mut differences) = (Vec::new(), Vec::new());
        for agent in agents {
            let Ok(Some(listed)) = panel_gateway::apply::listed(&mut client, &agent).await else { continue };
            let Some(analysis) = openclaw_state::analysis::analyze_agent(&snapshot, Some(&agent)) else { continue };
            differences.extend(panel_gateway::compare::differences(&analysis, &listed));
            compared.push(agent);
        }
        client.close().await;
        (compared, differences)
    }

    /// *Apply to the gateway*: every agent's credentials re-read by the running gateway; one
    /// sentence per agent (one in all for `secrets.reload`, which re-reads every agent).
    pub async fn apply_to_gateway_all(&self) -> Result<Vec<String>, ServiceError> {
        let this = self.clone();
        let (target, agents) = crate::error::blocking("gateway lookup failed", move || {
            let snapshot = this.snapshot_blocking();
            let agents: Vec<String> = snapshot.agents.iter().map(|a| a.id.clone()).collect();
            (target(&this.config().location, true), agents)
        })
        .await?;
        let mut lines = Vec::new();
        for agent in &agents {
            match apply_store_change(&target, agent, PAGE_TIMEOUTS).await {
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
                            lines.push("This gateway reads credentials only when it starts: restart it.".to_owned());
                            break;
                        }
                    }
                }
                Err(e) => return Err(ServiceError::Refused(format!("not applied: {e}"))),
            }
        }
        Ok(lines)
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
