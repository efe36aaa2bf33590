//! Making a running gateway use what is on disk after a credential change, and reading back what
//! it uses (issue 16, items 3 and 4), by what the gateway serves (its `hello-ok` method list, not
//! its version string):
//! - `models.authRefresh {"operation":"update","agentId"}` (2026.9+): the gateway re-reads that
//!   agent's credentials; OpenClaw's own CLI calls it after each of its writes;
//! - else `secrets.reload` (2026.5): the gateway re-reads every agent's store;
//! - a protocol-3 gateway (2026.3.x) is measured to use a store edited behind its back only after
//!   a restart, and cannot list what it holds: it needs a restart (after the admin confirms).
//!
//! Then `models.authStatus` (2026.5+) says which profiles the gateway now lists for each provider,
//! with type and status: [`Listed`]. 2026.5 answers for the default agent only, and caches for
//! 60 s unless asked with `refresh`.
//!
//! Invariant: nothing here restarts a gateway; a change that needs a restart says so in its
//! outcome (the restart comes only after the admin confirms it, elsewhere).

use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};

use crate::discover::GatewayTarget;
use crate::rpc::{GatewayClient, RpcError, Timeouts};

/// One profile as the running gateway lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListedProfile {
    pub provider: String,
    pub profile_id: String,
    /// `oauth`, `token` or `api_key`.
    pub kind: String,
    /// `ok`, `expiring`, `expired`, `missing` or `static`.
    pub status: String,
}

/// What the gateway lists for one agent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Listed {
    /// The providers the gateway reports on (with or without profiles).
    pub providers: Vec<String>,
    pub profiles: Vec<ListedProfile>,
    /// Providers whose key the gateway takes from an environment variable, with its name.
    pub env_keys: Vec<(String, String)>,
    /// Each reported provider's explicit order (the stored one, else `auth.order` of the
    /// config), when it has one; `None`: this gateway does not report orders or env keys
    /// (2026.5).
    pub orders: Option<Vec<(String, Vec<String>)>>,
}

impl Listed {
    /// From `models.authStatus`'s payload; `detailed`: the gateway reports orders and env keys
    /// (2026.9+).
    pub fn from_auth_status(payload: &Value, detailed: bool) -> Self {
        let mut listed = Self { orders: detailed.then(Vec::new), ..Self::default() };
        for provider in payload.get("providers").and_then(Value::as_array).into_iter().flatten() {
            let name = provider.get("provider").and_then(Value::as_str).unwrap_or_default().to_owned();
            listed.providers.push(name.clone());
            for p in provider.get("profiles").and_then(Value::as_array).into_iter().flatten() {
                let text = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
                listed.profiles.push(ListedProfile {
                    provider: name.clone(),
                    profile_id: text("profileId"),
                    kind: text("type"),
                    status: text("status"),
                });
            }
            if provider.pointer("/apiKey/source").and_then(Value::as_str) == Some("env")
                && let Some(var) = provider.pointer("/apiKey/envVar").and_then(Value::as_str)
            {
                listed.env_keys.push((name.clone(), var.to_owned()));
            }
            if let (Some(orders), Some(order)) =
                (listed.orders.as_mut(), provider.get("profileOrder").and_then(Value::as_array))
            {
                orders.push((name.clone(), order.iter().filter_map(Value::as_str).map(str::to_owned).collect()));
            }
        }
        listed.profiles.sort_by(|a, b| a.profile_id.cmp(&b.profile_id));
        listed
    }

    pub fn profile(&self, id: &str) -> Option<&ListedProfile> {
        self.profiles.iter().find(|p| p.profile_id == id)
    }
}

/// How a change was applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applied {
    /// `models.authRefresh` for the agent.
    AuthRefresh,
    /// `secrets.reload` (every agent).
    SecretsReload,
    /// The gateway has neither: it needs a restart to use the change.
    NeedsRestart,
}

/// The result of applying a change to the running gateway.
#[derive(Debug, Clone, Serialize)]
pub struct ApplyOutcome {
    pub applied: Applied,
    pub version: Option<String>,
    /// What the gateway lists afterwards (`None`: it cannot say, 2026.3.x).
    pub listed: Option<Listed>,
    /// `models.authStatus` answered for the default agent only (2026.5): other agents unconfirmed.
    pub default_agent_only: bool,
}

/// The methods' names.
pub const AUTH_REFRESH: &str = "models.authRefresh";
pub const SECRETS_RELOAD: &str = "secrets.reload";
pub const AUTH_STATUS: &str = "models.authStatus";

/// What the gateway lists for `agent` now (no apply).
pub async fn listed(client: &mut GatewayClient, agent: &str) -> Result<Option<Listed>, RpcError> {
    if !client.has_method(AUTH_STATUS) {
        return Ok(None);
    }
    // 2026.9 takes `agentId`; 2026.5's schema is open but it answers for the default agent only.
    let params = if client.has_method(AUTH_REFRESH) {
        json!({"agentId": agent, "refresh": true})
    } else {
        json!({"refresh": true})
    };
    let detailed = client.has_method(AUTH_REFRESH);
    client.call(AUTH_STATUS, params).await.map(|payload| Some(Listed::from_auth_status(&payload, detailed)))
}

/// Makes the gateway of `target` re-read `agent`'s credentials, then reads back what it lists.
/// `listened_before`: the gateway's port accepted a connection just before the write (see
/// [`listening`]), so a refused one now is a restart, not an absent gateway.
pub async fn apply_store_change(
    target: &GatewayTarget,
    agent: &str,
    timeouts: Timeouts,
    listened_before: bool,
) -> Result<ApplyOutcome, RpcError> {
    // A gateway that drops or refuses the connection right after a write is most often restarting
    // itself: OpenClaw 2026.5 restarts in process when its config changes (a paste writes
    // `auth.profiles` there; CI saw both a reset and a refused connection), and is back within
    // seconds, having read the new credentials anyway. So those are tried again for a while; the
    // calls are idempotent.
    let deadline = tokio::time::Instant::now() + RESTART_GRACE;
    let mut dropped = listened_before;
    loop {
        match apply_once(target, agent, timeouts).await {
            Err(RpcError::Connection(_) | RpcError::Starting) if tokio::time::Instant::now() < deadline => {
                dropped = true;
            }
            Err(RpcError::NotRunning { .. }) if dropped && tokio::time::Instant::now() < deadline => {}
            other => return other,
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// Whether something accepts connections on the gateway's loopback port now (a refused
/// connection on loopback answers at once; the wait only bounds a stalled one).
pub fn listening(port: u16) -> bool {
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    std::net::TcpStream::connect_timeout(&address, Duration::from_millis(300)).is_ok()
}

/// How long a gateway that dropped the connection is given to come back from a restart.
pub const RESTART_GRACE: Duration = Duration::from_secs(12);

async fn apply_once(target: &GatewayTarget, agent: &str, timeouts: Timeouts) -> Result<ApplyOutcome, RpcError> {
    let mut client = GatewayClient::connect(target, timeouts).await?;
    let applied = if client.hello().protocol <= 3 {
        Applied::NeedsRestart
    } else if client.has_method(AUTH_REFRESH) {
        client.call(AUTH_REFRESH, json!({"operation": "update", "agentId": agent})).await?;
        Applied::AuthRefresh
    } else if client.has_method(SECRETS_RELOAD) {
        client.call(SECRETS_RELOAD, json!({})).await?;
        Applied::SecretsReload
    } else {
        Applied::NeedsRestart
    };
    let listed = listed(&mut client, agent).await?;
    let outcome = ApplyOutcome {
        applied,
        version: client.hello().version.clone(),
        default_agent_only: listed.is_some() && !client.has_method(AUTH_REFRESH),
        listed,
    };
    client.close().await;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_status_is_read_into_profiles_and_env_keys() {
        let payload = json!({"ts": 1, "providers": [
            {"provider": "anthropic", "status": "ok", "profileOrder": ["anthropic:work", "anthropic:api"], "profiles": [
                {"profileId": "anthropic:work", "type": "token", "status": "ok", "source": "saved"},
                {"profileId": "anthropic:api", "type": "api_key", "status": "static"}]},
            {"provider": "openai", "status": "static", "profiles": [], "apiKey": {"source": "env", "envVar": "OPENAI_API_KEY"}}
        ]});
        let listed = Listed::from_auth_status(&payload, true);
        assert_eq!(listed.profiles.len(), 2);
        assert_eq!(listed.profile("anthropic:work").unwrap().kind, "token");
        assert_eq!(listed.profiles[0].profile_id, "anthropic:api", "sorted by id");
        assert_eq!(listed.env_keys, [("openai".to_owned(), "OPENAI_API_KEY".to_owned())]);
        assert_eq!(
            listed.orders,
            Some(vec![("anthropic".to_owned(), vec!["anthropic:work".to_owned(), "anthropic:api".to_owned()])])
        );
        assert_eq!(Listed::from_auth_status(&payload, false).orders, None, "2026.5 reports no orders");
        assert_eq!(Listed::from_auth_status(&json!({}), false), Listed::default());
    }
}
