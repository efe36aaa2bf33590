//! Turns a [`StateSnapshot`] into the profiles page's data. This is the only place where a secret
//! meets a view type: it leaves as OpenClaw's mask and nothing else.

use std::collections::BTreeSet;

use openclaw_state::config::ModelRefs;
use openclaw_state::env::{EnvSource, EnvValue};
use openclaw_state::health::{HealthStatus, ProfileHealth, format_remaining, profile_health, provider_rollup};
use openclaw_state::mask::mask_secret;
use openclaw_state::order::effective_order;
use openclaw_state::snapshot::{AgentState, ProfileOrigin, StoredProfile};
use openclaw_state::status::env_providers;
use openclaw_state::{Credential, CredentialKind, Problem, StateSnapshot};
use secrecy::ExposeSecret;

use super::clock::format_utc;
use panel_views::{AgentView, Overview, ProblemView, ProfileView, ProviderView, SourceKind, SourceView, Summary, UnusableView};

pub(super) fn build(snapshot: &StateSnapshot, agent: Option<&str>) -> Overview {
    let loc = &snapshot.location;
    let agents: Vec<AgentView> =
        snapshot.agents.iter().filter(|a| agent.is_none_or(|id| a.id == id)).map(|a| agent_view(snapshot, a)).collect();
    let mut summary = Summary { agents: agents.len(), ..Summary::default() };
    for p in agents.iter().flat_map(|a| &a.providers).flat_map(|p| &p.profiles) {
        summary.profiles += 1;
        match p.status {
            HealthStatus::Ok => summary.ok += 1,
            HealthStatus::Static => summary.static_ += 1,
            HealthStatus::Expiring => summary.expiring += 1,
            HealthStatus::Expired => summary.expired += 1,
            HealthStatus::Missing => summary.missing += 1,
        }
        if p.unusable.is_some() {
            summary.unusable += 1;
        }
    }
    Overview {
        state_dir: loc.display(&loc.state_dir),
        config_path: loc.display(&loc.config_path),
        state_found: snapshot.state_dir_exists && !snapshot.is_empty(),
        config_found: snapshot.config.is_some(),
        read_at: format_utc(snapshot.now_ms),
        rules_label: snapshot.rules.label.to_owned(),
        rules_reason: snapshot.rules_reason.clone(),
        agent_ids: snapshot.agents.iter().map(|a| a.id.clone()).collect(),
        selected_agent: agent.map(str::to_owned),
        agents,
        problems: snapshot.problems.iter().map(|p| problem_view(snapshot, p)).collect(),
        summary,
        known_providers: known_providers(snapshot),
    }
}

/// OpenClaw's providers with an environment key, and every provider the state names.
fn known_providers(snapshot: &StateSnapshot) -> Vec<String> {
    let mut all: BTreeSet<String> =
        openclaw_state::providers::PROVIDER_ENV_VARS.iter().map(|(p, _)| (*p).to_owned()).collect();
    for agent in &snapshot.agents {
        all.extend(agent.providers().into_iter().map(str::to_owned));
    }
    all.into_iter().collect()
}

fn problem_view(snapshot: &StateSnapshot, p: &Problem) -> ProblemView {
    ProblemView {
        severity: p.severity,
        path: snapshot.location.display(&p.path),
        message: p.message.clone(),
        hint: p.hint.clone(),
    }
}

fn agent_view(snapshot: &StateSnapshot, agent: &AgentState) -> AgentView {
    let loc = &snapshot.location;
    let now = snapshot.now_ms;
    let models = snapshot.config.as_ref().map(|c| c.model_refs(&agent.id)).unwrap_or_default();
    // The page leaves out the mirror providers `models status` lists (claude-cli, ...): noise here.
    let table = env_providers(snapshot.rules, false);
    let env_hits = page_env_hits(snapshot, &table);

    let mut providers: BTreeSet<&str> = agent.providers();
    providers.extend(env_hits.iter().map(|(p, _, _)| *p));

    let providers = providers
        .into_iter()
        .map(|provider| {
            let order = effective_order(agent, snapshot.config.as_ref(), provider, snapshot.rules, now);
            let stored_order = agent.order.get(provider).cloned();
            let config_order = snapshot.config.as_ref().and_then(|c| c.auth_order().get(provider).cloned());
            let last_good = agent.last_good.get(provider).cloned();
            let mine: Vec<&StoredProfile> =
                agent.profiles.iter().filter(|p| p.credential.provider == provider).collect();
            let healths: Vec<(CredentialKind, ProfileHealth)> = mine
                .iter()
                .map(|p| {
                    (p.credential.kind, profile_health(&p.credential, agent.usage.get(&p.id), snapshot.rules, now))
                })
                .collect();
            let env = env_hits.iter().find(|(p, _, _)| *p == provider);
            let next = next_of(order.first(), env.map(|(_, var, _)| *var));
            let mut rows: Vec<ProfileView> = mine
                .iter()
                .zip(&healths)
                .map(|(p, (_, h))| {
                    let skipped = order.skipped.iter().find(|(id, _)| *id == p.id).map(|(_, r)| r.describe());
                    profile_view(
                        snapshot,
                        p,
                        h,
                        &models,
                        stored_order.as_deref(),
                        last_good.as_deref(),
                        next.as_deref(),
                        skipped,
                    )
                })
                .collect();
            if let Some((_, var, value)) = env {
                rows.push(env_view(snapshot, var, value, next.as_deref()));
            }
            // Try order first (as OpenClaw would), then the rest by id.
            rows.sort_by_key(|r| {
                let pos = order.ids.iter().position(|id| *id == r.id).unwrap_or(usize::MAX);
                (
                    pos,
                    r.source.kind == SourceKind::Env
                        || r.source.kind == SourceKind::DotEnv
                        || r.source.kind == SourceKind::ConfigEnv,
                    r.id.clone(),
                )
            });
            let status = if healths.is_empty() {
                if env.is_some() { HealthStatus::Static } else { HealthStatus::Missing }
            } else {
                provider_rollup(healths.iter().map(|(k, h)| (*k, h)))
            };
            ProviderView {
                provider: provider.to_owned(),
                status,
                stored_order,
                config_order,
                order_source: order.source.describe().to_owned(),
                effective_order: order.ids.clone(),
                next,
                last_good,
                profiles: rows,
            }
        })
        .collect();

    AgentView {
        id: agent.id.clone(),
        is_default: agent.is_default,
        in_config: agent.in_config,
        era: agent.era,
        store_path: loc.display(&agent.store_path),
        state_path: loc.display(&agent.state_path),
        migration_required: agent.migration_required,
        providers,
        // Filled in by the service, which can read the store's version.
        version: String::new(),
    }
}

/// OpenClaw's label for the secret part: mask, `ref(env:VAR)`, or `missing`.
fn masked(cred: &Credential) -> String {
    if let Some(r) = &cred.secret_ref
        && !cred.has_secret()
    {
        return format!("ref({})", r.label());
    }
    match &cred.secret {
        Some(s) => mask_secret(s.expose_secret()),
        None if cred.kind == CredentialKind::OAuth && cred.has_refresh() => "refresh token only".to_owned(),
        None => "missing".to_owned(),
    }
}

fn expiry_text(h: &ProfileHealth, cred: &Credential) -> String {
    match (h.remaining_ms, &cred.expires) {
        (Some(ms), _) if ms > 0 => format!("expires in {}", format_remaining(ms)),
        (Some(ms), _) => format!("expired {} ago", format_remaining(-ms)),
        (None, openclaw_state::Expires::Invalid(_)) => "invalid expires value".to_owned(),
        (None, _) if cred.kind == CredentialKind::OAuth => "no expiry recorded".to_owned(),
        (None, _) => "never expires".to_owned(),
    }
}

/// The env credentials the page shows: (provider, variable, value).
fn page_env_hits<'a>(
    snapshot: &'a StateSnapshot,
    table: &'a [(&'a str, &'a [&'a str])],
) -> Vec<(&'a str, &'a str, &'a EnvValue)> {
    table
        .iter()
        .filter_map(|(provider, vars)| snapshot.env.for_provider(vars).map(|(var, value)| (*provider, var, value)))
        .collect()
}

/// What OpenClaw tries first: the effective order's first profile, else the env variable.
fn next_of(first: Option<&str>, env_var: Option<&str>) -> Option<String> {
    first.map(str::to_owned).or_else(|| env_var.map(|var| format!("env: {var}")))
}

/// For the line the page shows after a write: what OpenClaw now tries first for `provider` of
/// agent `agent_id`, and the pin command of profile `id`. The same values as that provider's row,
/// without building the whole page.
pub(super) fn next_and_pin(
    snapshot: &StateSnapshot,
    agent_id: &str,
    provider: &str,
    id: Option<&str>,
) -> (Option<String>, Option<String>) {
    let Some(agent) = snapshot.agent(agent_id) else { return (None, None) };
    let table = env_providers(snapshot.rules, false);
    let env = page_env_hits(snapshot, &table).into_iter().find(|(p, _, _)| *p == provider);
    if env.is_none() && !agent.providers().contains(provider) {
        return (None, None);
    }
    let order = effective_order(agent, snapshot.config.as_ref(), provider, snapshot.rules, snapshot.now_ms);
    let next = next_of(order.first(), env.map(|(_, var, _)| var));
    let models = snapshot.config.as_ref().map(|c| c.model_refs(&agent.id)).unwrap_or_default();
    let pin = id
        .and_then(|id| agent.profiles.iter().find(|p| p.id == id && p.credential.provider == provider))
        .map(|p| pin_command(&models, &p.credential.provider, &p.id));
    (next, pin)
}

fn pin_command(models: &ModelRefs, provider: &str, id: &str) -> String {
    match models.model_for_provider(provider) {
        Some(model) => format!("/model {model}@{id}"),
        None => format!("/model {provider}/<model>@{id}"),
    }
}

#[allow(clippy::too_many_arguments)]
fn profile_view(
    snapshot: &StateSnapshot,
    p: &StoredProfile,
    h: &ProfileHealth,
    models: &ModelRefs,
    stored_order: Option<&[String]>,
    last_good: Option<&str>,
    next: Option<&str>,
    skipped: Option<String>,
) -> ProfileView {
    let loc = &snapshot.location;
    let source = match &p.origin {
        ProfileOrigin::Agent(path) => {
            SourceView { kind: SourceKind::Store, label: "store".into(), path: Some(loc.display(path)) }
        }
        ProfileOrigin::Shared(path) => {
            SourceView { kind: SourceKind::Shared, label: "shared store".into(), path: Some(loc.display(path)) }
        }
        ProfileOrigin::Legacy(path) => SourceView {
            kind: SourceKind::Legacy,
            label: "legacy JSON, not imported".into(),
            path: Some(loc.display(path)),
        },
        ProfileOrigin::Inherited { agent: from, path } => SourceView {
            kind: SourceKind::Inherited,
            label: format!("inherited from {from}"),
            path: Some(loc.display(path)),
        },
    };
    ProfileView {
        id: p.id.clone(),
        kind: p.credential.kind,
        masked: masked(&p.credential),
        source,
        status: h.status,
        reason: h.reason,
        expires_at: h.expires_at.map(format_utc),
        expiry_text: expiry_text(h, &p.credential),
        unusable: h.unusable.as_ref().map(|u| UnusableView {
            kind: u.kind,
            reason: u.reason.clone(),
            model: u.model.clone(),
            until: format_utc(u.until),
            remaining: format_remaining(u.remaining_ms),
        }),
        order_position: stored_order.and_then(|o| o.iter().position(|id| *id == p.id)).map(|i| i + 1),
        is_last_good: last_good == Some(p.id.as_str()),
        is_next: next == Some(p.id.as_str()),
        display: p.credential.display_suffix().map(str::to_owned),
        pin_command: Some(pin_command(models, &p.credential.provider, &p.id)),
        skipped_because: skipped,
        in_config: snapshot.config.as_ref().is_some_and(|c| c.auth_profiles().contains_key(&p.id)),
    }
}

fn env_view(snapshot: &StateSnapshot, var: &str, value: &EnvValue, next: Option<&str>) -> ProfileView {
    let loc = &snapshot.location;
    let id = format!("env: {var}");
    let (source_kind, label, path) = match &value.source {
        EnvSource::Process => (SourceKind::Env, format!("env: {var}"), None),
        EnvSource::DotEnv(path) => (SourceKind::DotEnv, format!(".env: {var}"), Some(loc.display(path))),
        EnvSource::Config(path) => (SourceKind::ConfigEnv, format!("config env: {var}"), Some(loc.display(path))),
    };
    ProfileView {
        is_next: next == Some(id.as_str()),
        id,
        kind: if var.contains("OAUTH_TOKEN") { CredentialKind::Token } else { CredentialKind::ApiKey },
        masked: mask_secret(value.value.expose_secret()),
        source: SourceView { kind: source_kind, label, path },
        status: HealthStatus::Static,
        reason: None,
        expires_at: None,
        expiry_text: "never expires".into(),
        unusable: None,
        order_position: None,
        is_last_good: false,
        display: None,
        pin_command: None,
        skipped_because: None,
        in_config: false,
    }
}
