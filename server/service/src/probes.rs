//! Live checks from the application's side (issue 17): which credentials of the state a
//! selection names (stored profiles and `models.json` keys, per agent; environment keys, once, as
//! OpenClaw would use them), the base URL OpenClaw would send them to (`models.providers.<id>.baseUrl`), the check
//! itself ([`panel_probe`]), and what the panel remembers: the last result of each credential
//! (the page, `/metrics` and the Doctor read the same values) and a History line per check.
//!
//! Invariants: a check writes nothing of OpenClaw's (no cooldown, no usage); a credential is
//! checked at most once per [`RECHECK_AFTER_MS`] unless asked again (`force`), and a replaced
//! secret is a new credential (the memory keys on a SHA-256 of it, kept in memory only); a
//! credential that only a billed request could prove is "not checked" unless billed requests
//! were allowed, never "ok"; no result holds a secret.

use std::collections::HashMap;
use std::sync::Mutex;

use openclaw_state::analysis::analyze_agent;
use openclaw_state::snapshot::StateSnapshot;
use panel_common::{CredentialKind, ProbeClass};
use panel_probe::{Credential, Endpoint};
use panel_views::{PasteKind, ProbeView};
use secrecy::{ExposeSecret, SecretString};
use sha2::Digest;

use crate::PanelService;
use crate::audit::{AuditAction, AuditEntry, AuditLog, AuditTarget};
use crate::error::ServiceError;

/// A credential is checked again only after this long, unless asked again.
pub const RECHECK_AFTER_MS: i64 = 30_000;

/// The most one run of checks (a page's *Check all*) may take: under the panel's 30 s limit per
/// request.
pub const RUN_BUDGET: std::time::Duration = std::time::Duration::from_secs(25);

/// Which credentials to check.
#[derive(Debug, Clone, Default)]
pub struct ProbeSelection {
    pub agent: Option<String>,
    pub provider: Option<String>,
    /// A profile id, or `env: VAR` for an environment key (as the page names its row).
    pub profile: Option<String>,
    /// Send a one-token request where nothing free proves the credential.
    pub allow_billed: bool,
    /// Check even when a result younger than [`RECHECK_AFTER_MS`] exists.
    pub force: bool,
}

/// The last result per credential.
#[derive(Debug, Default)]
pub struct ProbeMemory {
    last: Mutex<HashMap<String, (Vec<u8>, ProbeView)>>,
}

impl ProbeMemory {
    /// The result of the last 30 s, unless it was "not checked" for want of the billed request
    /// now allowed.
    fn recent(&self, key: &str, fingerprint: &[u8], now_ms: i64, allow_billed: bool) -> Option<ProbeView> {
        let last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        let (seen, view) = last.get(key)?;
        let fresh = seen == fingerprint && now_ms - view.checked_at_ms < RECHECK_AFTER_MS;
        (fresh && !(allow_billed && view.needs_billed)).then(|| ProbeView { cached: true, ..view.clone() })
    }

    fn remember(&self, key: String, fingerprint: Vec<u8>, view: ProbeView) {
        self.last.lock().unwrap_or_else(|p| p.into_inner()).insert(key, (fingerprint, view));
    }

    /// Every credential's last result, sorted.
    pub fn all(&self) -> Vec<ProbeView> {
        let mut all: Vec<ProbeView> =
            self.last.lock().unwrap_or_else(|p| p.into_inner()).values().map(|(_, v)| v.clone()).collect();
        all.sort_by(|a, b| (&a.agent, &a.provider, &a.credential).cmp(&(&b.agent, &b.provider, &b.credential)));
        all
    }
}

/// One credential to check.
struct Target {
    key: String,
    agent: Option<String>,
    provider: String,
    credential: String,
    kind: CredentialKind,
    secret: Option<SecretString>,
    endpoint: Option<Endpoint>,
    model: Option<String>,
    /// Why it cannot be checked, when known before sending.
    skip: Option<String>,
    /// For an OAuth login: what its account endpoint needs.
    oauth: Option<panel_probe::OAuthFacts>,
}

impl Target {
    /// The same credential without its secret (to name it in a result).
    fn name_only(&self) -> Self {
        Self {
            key: self.key.clone(),
            agent: self.agent.clone(),
            provider: self.provider.clone(),
            credential: self.credential.clone(),
            kind: self.kind,
            secret: None,
            endpoint: self.endpoint.clone(),
            model: None,
            skip: None,
            oauth: None,
        }
    }
}

fn fingerprint(secret: Option<&SecretString>) -> Vec<u8> {
    secret.map(|s| sha2::Sha256::digest(s.expose_secret().as_bytes()).to_vec()).unwrap_or_default()
}

/// The provider's endpoint as OpenClaw would reach it.
fn endpoint_of(snapshot: &StateSnapshot, provider: &str) -> Option<Endpoint> {
    let raw = snapshot.config.as_ref().and_then(|c| c.raw.pointer(&format!("/models/providers/{provider}")));
    let text = |k: &str| raw.and_then(|r| r.get(k)).and_then(serde_json::Value::as_str);
    panel_probe::endpoint(provider, text("baseUrl"), text("api"))
}

/// `models.providers.<id>.baseUrl` of the config, when set.
fn config_base_url(snapshot: &StateSnapshot, provider: &str) -> Option<String> {
    snapshot
        .config
        .as_ref()
        .and_then(|c| c.raw.pointer(&format!("/models/providers/{provider}/baseUrl")))
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
}

/// The model a billed check asks for: the agent's default when it is this provider's.
fn model_of(default_model: &str, provider: &str) -> Option<String> {
    default_model.strip_prefix(&format!("{provider}/")).map(str::to_owned)
}

/// The credentials `selection` names in `snapshot`.
fn targets(snapshot: &StateSnapshot, selection: &ProbeSelection) -> Vec<Target> {
    let wanted = |provider: &str| selection.provider.as_deref().is_none_or(|p| p == provider);
    let mut out = Vec::new();
    let mut env_done: Vec<String> = Vec::new();
    for agent in snapshot.agents.iter().filter(|a| selection.agent.as_deref().is_none_or(|id| id == a.id)) {
        let Some(analysis) = analyze_agent(snapshot, Some(&agent.id)) else { continue };
        for p in analysis.profiles.iter().filter(|p| !p.legacy && wanted(&p.provider)) {
            if selection.profile.as_deref().is_some_and(|id| id != p.id) {
                continue;
            }
            let stored = agent.profile(&p.id).map(|s| &s.credential);
            // A SecretRef to an environment variable is resolved as OpenClaw resolves it.
            let secret = stored.and_then(|c| {
                c.secret.clone().or_else(|| {
                    let r = c.secret_ref.as_ref().filter(|r| r.source == "env")?;
                    snapshot.env.values.get(&r.id).map(|v| v.value.clone())
                })
            });
            let skip = match (stored, &secret) {
                (Some(c), None) if c.secret_ref.is_some() => Some(format!(
                    "the secret is kept elsewhere ({}); the panel checks stored secrets only",
                    c.secret_ref.as_ref().map(|r| r.label()).unwrap_or_default()
                )),
                (_, None) => Some("no secret is stored for it".to_owned()),
                _ => None,
            };
            out.push(Target {
                key: format!("{}\u{1f}{}", agent.id, p.id),
                agent: Some(agent.id.clone()),
                provider: p.provider.clone(),
                credential: p.id.clone(),
                kind: p.kind,
                secret,
                endpoint: endpoint_of(snapshot, &p.provider),
                model: model_of(&analysis.default_model, &p.provider),
                skip,
                oauth: (p.kind == CredentialKind::OAuth).then(|| panel_probe::OAuthFacts {
                    account_id: stored.and_then(|c| c.account_id.clone()),
                    config_base_url: config_base_url(snapshot, &p.provider),
                }),
            });
        }
        // A provider key of config `models.providers.<id>.apiKey` or the agent's `models.json`, as
        // OpenClaw reads it.
        let provider_keys = openclaw_state::analysis::provider_keys(snapshot, agent);
        for (provider, _) in analysis.providers.iter().filter(|(p, a)| wanted(p) && a.models_json.is_some()) {
            let label = format!("models.json: {provider}");
            if selection.profile.as_deref().is_some_and(|id| id != label) {
                continue;
            }
            // The same key the analysis counts: config first, then models.json, markers resolved.
            let secret = provider_keys.get(provider).cloned();
            // OpenClaw 2026.9 writes a profile's id there as a reference: that profile is checked.
            if secret.as_ref().is_some_and(|k| agent.profile(k.expose_secret()).is_some()) {
                continue;
            }
            out.push(Target {
                key: format!("{}\u{1f}{label}", agent.id),
                agent: Some(agent.id.clone()),
                provider: provider.clone(),
                credential: label,
                kind: CredentialKind::ApiKey,
                skip: secret.is_none().then(|| "the key in config or models.json is empty".to_owned()),
                secret,
                endpoint: endpoint_of(snapshot, provider),
                model: model_of(&analysis.default_model, provider),
                oauth: None,
            });
        }
        for (provider, a) in analysis.providers.iter().filter(|(p, _)| wanted(p)) {
            let Some(hit) = &a.env else { continue };
            let label = format!("env: {}", hit.var);
            if env_done.contains(&label) || selection.profile.as_deref().is_some_and(|id| id != label) {
                continue;
            }
            env_done.push(label.clone());
            let secret = snapshot.env.values.get(&hit.var).map(|v| v.value.clone());
            let kind = if hit.is_oauth() { CredentialKind::Token } else { CredentialKind::ApiKey };
            out.push(Target {
                key: format!("\u{1f}{label}"),
                agent: None,
                provider: provider.clone(),
                credential: label,
                kind,
                skip: secret.is_none().then(|| "the variable is empty".to_owned()),
                secret,
                endpoint: endpoint_of(snapshot, provider),
                model: model_of(&analysis.default_model, provider),
                oauth: None,
            });
        }
    }
    out
}

fn credential_of(kind: CredentialKind) -> Credential {
    match kind {
        CredentialKind::ApiKey => Credential::ApiKey,
        CredentialKind::Token => Credential::Token,
        CredentialKind::OAuth => Credential::OAuth,
    }
}

fn view_of(target: &Target, result: panel_probe::CheckResult, now_ms: i64) -> ProbeView {
    ProbeView {
        agent: target.agent.clone(),
        provider: target.provider.clone(),
        credential: target.credential.clone(),
        kind: target.kind,
        class: result.class,
        latency_ms: result.latency_ms,
        cost: result.cost.to_owned(),
        http_status: result.http_status,
        provider_message: result.provider_message,
        fix: result.fix,
        details: result.details,
        request: result.request,
        needs_billed: result.needs_billed,
        base_url: target
            .endpoint
            .as_ref()
            .map(|e| format!("{} ({})", panel_probe::display_url(&e.base_url), e.base_url_source)),
        checked_at: crate::format_utc(now_ms),
        checked_at_ms: now_ms,
        cached: false,
    }
}

fn not_checked(target: &Target, why: String, now_ms: i64) -> ProbeView {
    let result = panel_probe::CheckResult {
        class: ProbeClass::NotChecked,
        latency_ms: None,
        cost: "none",
        http_status: None,
        provider_message: None,
        fix: why,
        details: Vec::new(),
        request: None,
        needs_billed: false,
    };
    view_of(target, result, now_ms)
}

impl PanelService {
    /// Checks the credentials `selection` names, live, against their providers.
    pub async fn probe(&self, actor: &str, selection: ProbeSelection) -> Result<Vec<ProbeView>, ServiceError> {
        if let Some(agent) = &selection.agent {
            openclaw_state::ids::validate_agent_id(agent).map_err(|_| ServiceError::BadAgentId(agent.clone()))?;
        }
        let snapshot = self.snapshot().await?;
        if let Some(agent) = &selection.agent
            && snapshot.agent(agent).is_none()
        {
            return Err(ServiceError::UnknownAgent(agent.clone()));
        }
        let targets = targets(&snapshot, &selection);
        let names: Vec<Target> = targets.iter().map(Target::name_only).collect();
        let mut tasks = tokio::task::JoinSet::new();
        for (index, target) in targets.into_iter().enumerate() {
            let this = self.clone();
            let allow_billed = selection.allow_billed;
            let force = selection.force;
            tasks.spawn(async move { (index, this.check_one(target, allow_billed, force).await) });
        }
        // One budget for the whole run, under the page's 30 s request limit: checks still waiting
        // for a slot when it ends are reported as not checked in this run.
        let until = tokio::time::Instant::now() + RUN_BUDGET;
        let mut done = Vec::new();
        while let Ok(Some(joined)) = tokio::time::timeout_at(until, tasks.join_next()).await {
            done.push(joined.map_err(|e| ServiceError::internal("a live check task failed", &e))?);
        }
        tasks.abort_all();
        let now = crate::now_ms();
        for (index, target) in names.into_iter().enumerate() {
            if !done.iter().any(|(i, _)| *i == index) {
                let why = format!(
                    "This run's {} s were spent before this check's turn came; check it alone.",
                    RUN_BUDGET.as_secs()
                );
                done.push((index, not_checked(&target, why, now)));
            }
        }
        done.sort_by_key(|(i, _)| *i);
        let views: Vec<ProbeView> = done.into_iter().map(|(_, v)| v).collect();
        self.audit_probes(actor, &views);
        Ok(views)
    }

    async fn check_one(&self, target: Target, allow_billed: bool, force: bool) -> ProbeView {
        let now = crate::now_ms();
        let print = fingerprint(target.secret.as_ref());
        if !force && let Some(recent) = self.probes.recent(&target.key, &print, now, allow_billed) {
            return recent;
        }
        let view = match (&target.skip, &target.secret, &target.endpoint) {
            (Some(why), _, _) => not_checked(&target, format!("{}{}.", why[..1].to_uppercase(), &why[1..]), now),
            // An OAuth login: its account endpoint, as OpenClaw's usage reader calls it (free).
            (None, Some(secret), _) if target.kind == CredentialKind::OAuth => {
                let facts = target.oauth.clone().unwrap_or_default();
                let result = self.checker.check_oauth(&target.provider, secret, &facts).await;
                view_of(&target, result, crate::now_ms())
            }
            (None, Some(secret), Some(endpoint)) => {
                let result = self
                    .checker
                    .check(endpoint, credential_of(target.kind), secret, target.model.as_deref(), allow_billed)
                    .await;
                view_of(&target, result, crate::now_ms())
            }
            (None, _, None) => not_checked(
                &target,
                format!(
                    "The panel knows no check for provider {} (set models.providers.{}.baseUrl and api in openclaw.json for a custom one).",
                    target.provider, target.provider
                ),
                now,
            ),
            (None, None, Some(_)) => not_checked(&target, "No secret is stored for it.".to_owned(), now),
        };
        self.probes.remember(target.key.clone(), print, view.clone());
        view
    }

    /// *Check before saving*: the secret being pasted, checked as it would be stored; nothing is
    /// written and nothing is remembered.
    pub async fn probe_pasted(
        &self,
        actor: &str,
        session: &str,
        provider: &str,
        kind: PasteKind,
        secret: String,
        allow_billed: bool,
    ) -> Result<ProbeView, ServiceError> {
        let provider = openclaw_state::providers::normalize_provider(provider);
        if provider.is_empty() {
            return Err(ServiceError::Refused("name the provider first".to_owned()));
        }
        // The same budget as pastes: a stolen session must not test keys without end.
        self.paste_budget.take(session, crate::now_ms()).map_err(|spent| ServiceError::Refused(spent.to_string()))?;
        let secret_kind = match kind {
            PasteKind::Token => openclaw_state::write::normalize::SecretKind::Token,
            PasteKind::ApiKey | PasteKind::ApiKeyToEnv => openclaw_state::write::normalize::SecretKind::ApiKey,
        };
        // Checked as it would be saved: OpenClaw's normalisation of the pasted text.
        let secret = openclaw_state::write::normalize::prepare_secret(&provider, secret_kind, &secret)
            .map_err(|e| ServiceError::Refused(e.to_string()))?
            .value;
        let snapshot = self.snapshot().await?;
        let default_model = snapshot
            .agents
            .iter()
            .find(|a| a.is_default)
            .and_then(|a| analyze_agent(&snapshot, Some(&a.id)))
            .map(|a| a.default_model)
            .unwrap_or_default();
        let kind = match kind {
            PasteKind::Token => CredentialKind::Token,
            PasteKind::ApiKey | PasteKind::ApiKeyToEnv => CredentialKind::ApiKey,
        };
        let target = Target {
            key: String::new(),
            agent: None,
            provider: provider.clone(),
            credential: "the pasted secret".to_owned(),
            kind,
            secret: Some(secret),
            endpoint: endpoint_of(&snapshot, &provider),
            model: model_of(&default_model, &provider),
            skip: None,
            oauth: None,
        };
        let now = crate::now_ms();
        let view = match &target.endpoint {
            Some(endpoint) => {
                let secret = target.secret.as_ref().expect("set above");
                let result = self
                    .checker
                    .check(endpoint, credential_of(kind), secret, target.model.as_deref(), allow_billed)
                    .await;
                view_of(&target, result, crate::now_ms())
            }
            None => not_checked(&target, format!("The panel knows no check for provider {provider}."), now),
        };
        self.audit_probes(actor, std::slice::from_ref(&view));
        Ok(view)
    }

    /// Every credential's last live check (for `/metrics` and the Doctor).
    pub fn probe_results(&self) -> Vec<ProbeView> {
        self.probes.all()
    }

    /// One History line per check made (not for results reused from the last 30 s).
    fn audit_probes(&self, actor: &str, views: &[ProbeView]) {
        let Some(dir) = &self.config().data_dir else { return };
        let log = AuditLog::in_dir(dir);
        for v in views.iter().filter(|v| !v.cached) {
            let target = AuditTarget::new(
                v.agent.clone().unwrap_or_default(),
                Some(v.provider.clone()),
                (!v.credential.starts_with("env: ") && v.credential != "the pasted secret")
                    .then(|| v.credential.clone()),
            );
            let mut line = format!("live check of {}: {}", v.credential, v.class.label());
            if let Some(ms) = v.latency_ms {
                line.push_str(&format!(" ({} request, {ms} ms)", v.cost));
            }
            if let Some(m) = &v.provider_message {
                line.push_str(&format!("; the provider said: {m}"));
            }
            let entry = AuditEntry::new(actor, AuditAction::Probe, target, Ok(vec![line]));
            if let Err(e) = log.append(&entry) {
                tracing::error!(error = %e, "cannot write the audit log");
            }
        }
    }
}

/// The exit code of `probe` for these results: 0 every one ok, 1 one failed (invalid, wrong
/// type, Claude-Code-only, expired, billing, region, unreachable, timed out), 2 only warnings
/// remain (rate limited, unknown, not checked).
pub fn exit_code(views: &[ProbeView]) -> u8 {
    if views.iter().any(|v| v.class.severity() == panel_common::Severity::Error) {
        1
    } else if views.iter().any(|v| v.class != ProbeClass::Ok) {
        2
    } else {
        0
    }
}

/// OpenClaw's own probe's `status` as a class (its words: ok, auth, format, billing,
/// rate_limit, timeout, no_model, unknown).
fn openclaw_class(status: &str, error: &str) -> ProbeClass {
    match status {
        "ok" => ProbeClass::Ok,
        "auth" => ProbeClass::Invalid,
        "format" if error.contains("only authorized for use with Claude Code") => ProbeClass::ClaudeCodeOnly,
        "billing" => ProbeClass::Billing,
        "rate_limit" => ProbeClass::RateLimited,
        "timeout" => ProbeClass::Timeout,
        _ => ProbeClass::Unknown,
    }
}

impl PanelService {
    /// OpenClaw's own `models.probe` of one profile through the running 2026.9 gateway, after
    /// the admin confirmed its cost and its side effect (a real request, a cooldown on failure).
    pub async fn openclaw_probe(
        &self,
        actor: &str,
        agent: &str,
        profile_id: &str,
        confirmed: bool,
    ) -> Result<ProbeView, ServiceError> {
        if !confirmed {
            return Err(ServiceError::Refused(
                "OpenClaw's probe sends a real, billed request and puts the profile in cooldown when it fails: confirm it first"
                    .to_owned(),
            ));
        }
        openclaw_state::ids::validate_agent_id(agent).map_err(|_| ServiceError::BadAgentId(agent.to_owned()))?;
        let snapshot = self.snapshot().await?;
        let stored = snapshot
            .agent(agent)
            .ok_or_else(|| ServiceError::UnknownAgent(agent.to_owned()))?
            .profile(profile_id)
            .ok_or_else(|| ServiceError::Refused(format!("agent {agent} has no stored profile {profile_id}")))?;
        let (provider, kind) = (stored.credential.provider.clone(), stored.credential.kind);
        let target = self.gateway_target().await?;
        let timeouts = panel_gateway::rpc::Timeouts {
            open: std::time::Duration::from_secs(2),
            challenge: std::time::Duration::from_secs(5),
            // OpenClaw retries a 429 for up to ~2.5 minutes whatever its timeout (facts §11.3).
            call: std::time::Duration::from_secs(180),
        };
        let mut client = panel_gateway::rpc::GatewayClient::connect(&target, timeouts).await.map_err(|e| {
            ServiceError::Refused(format!(
                "OpenClaw's probe needs the running gateway: {}",
                panel_probe::classify::cut(&e.to_string())
            ))
        })?;
        if !client.has_method("models.probe") {
            client.close().await;
            return Err(ServiceError::Refused(
                "this gateway has no models.probe (OpenClaw 2026.9+ has it); use the panel's Check".to_owned(),
            ));
        }
        // OpenClaw retries a rate-limited provider for minutes, longer than a page request may
        // take: the call runs on its own; the page gets its result if it comes within the
        // budget, else a line saying where it will be (the Doctor's list and History).
        let (done_tx, done_rx) = tokio::sync::oneshot::channel();
        let this = self.clone();
        let (actor, agent, profile_id) = (actor.to_owned(), agent.to_owned(), profile_id.to_owned());
        let (agent_bg, profile_bg, provider_bg) = (agent.clone(), profile_id.clone(), provider.clone());
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            let params = serde_json::json!({"provider": provider_bg, "profileId": profile_bg, "timeoutMs": 10_000, "agentId": agent_bg});
            let answer = client.call("models.probe", params).await;
            client.close().await;
            let view = openclaw_view(&agent_bg, &provider_bg, &profile_bg, kind, answer, started.elapsed());
            this.probes.remember(format!("openclaw\u{1f}{agent_bg}\u{1f}{profile_bg}"), Vec::new(), view.clone());
            this.audit_probes(&actor, std::slice::from_ref(&view));
            let _ = done_tx.send(view);
        });
        match tokio::time::timeout(RUN_BUDGET, done_rx).await {
            Ok(Ok(view)) => Ok(view),
            _ => Ok(ProbeView {
                class: ProbeClass::NotChecked,
                fix: format!(
                    "OpenClaw's probe is still running after {} s (it retries a rate-limited provider for minutes); its result will be in this list and in History when it ends.",
                    RUN_BUDGET.as_secs()
                ),
                ..openclaw_base(&agent, &provider, &profile_id, kind)
            }),
        }
    }
}

/// What every result of OpenClaw's probe of `profile_id` says, whatever it found.
fn openclaw_base(agent: &str, provider: &str, profile_id: &str, kind: CredentialKind) -> ProbeView {
    let now = crate::now_ms();
    ProbeView {
        agent: Some(agent.to_owned()),
        provider: provider.to_owned(),
        credential: format!("{profile_id} (OpenClaw's probe)"),
        kind,
        class: ProbeClass::Unknown,
        latency_ms: None,
        cost: "billed".to_owned(),
        http_status: None,
        provider_message: None,
        fix: String::new(),
        details: vec![("checked by".to_owned(), "OpenClaw's models.probe through the gateway".to_owned())],
        request: Some("models.probe (gateway RPC)".to_owned()),
        needs_billed: false,
        base_url: None,
        checked_at: crate::format_utc(now),
        checked_at_ms: now,
        cached: false,
    }
}

/// OpenClaw's probe's answer (or the call's failure) as a result.
fn openclaw_view(
    agent: &str,
    provider: &str,
    profile_id: &str,
    kind: CredentialKind,
    answer: Result<serde_json::Value, panel_gateway::rpc::RpcError>,
    took: std::time::Duration,
) -> ProbeView {
    let text =
        |v: &serde_json::Value, k: &str| v.get(k).and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
    let (status, error) = match &answer {
        Ok(answer) => {
            let result = answer
                .get("results")
                .and_then(serde_json::Value::as_array)
                .and_then(|r| {
                    r.iter().find(|x| x.get("profileId").and_then(serde_json::Value::as_str) == Some(profile_id))
                })
                .unwrap_or(answer);
            (text(result, "status"), text(result, "error"))
        }
        Err(e) => ("unknown".to_owned(), format!("the call failed: {e}")),
    };
    let class = if answer.is_err() { ProbeClass::Unknown } else { openclaw_class(&status, &error) };
    ProbeView {
        class,
        latency_ms: Some(took.as_millis() as u64),
        provider_message: (!error.is_empty()).then(|| panel_probe::classify::cut(&error)),
        fix: match class {
            ProbeClass::Ok => "Nothing to do.".to_owned(),
            ProbeClass::Invalid | ProbeClass::ClaudeCodeOnly | ProbeClass::Billing | ProbeClass::RateLimited => {
                format!(
                    "OpenClaw's probe says {status}; OpenClaw puts {profile_id} in cooldown for a while after such a failure. Clear it on the profiles page once fixed."
                )
            }
            _ => format!("OpenClaw's probe says {status}; look at the gateway's log, or use the panel's Check."),
        },
        ..openclaw_base(agent, provider, profile_id, kind)
    }
}
