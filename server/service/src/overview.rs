//! Renders the [`analysis`](openclaw_state::analysis) of a [`StateSnapshot`] into the profiles
//! page's data. Statuses, orders, "next", masks and env sources are the analysis's (the same values
//! `status --json`, `/metrics` and the doctor render); only wording and layout are decided here.
//! No secret meets a view type: credentials arrive here as OpenClaw's masks.

use std::collections::BTreeSet;

use openclaw_state::analysis::{AgentAnalysis, EnvHit, ProfileAnalysis, ProviderAnalysis, analyze, analyze_agent};
use openclaw_state::config::ModelRefs;
use openclaw_state::env::EnvSource;
use openclaw_state::health::{HealthStatus, ProfileHealth, format_remaining};
use openclaw_state::snapshot::{AgentState, ProfileOrigin};
use openclaw_state::{CredentialKind, Expires, Problem, StateSnapshot};

use super::clock::format_utc;
use panel_views::{
    AgentRefresh, AgentView, Overview, ProblemView, ProfileView, ProviderView, SourceKind, SourceView, Summary,
    UnusableView,
};

/// The profiles page for every agent, or only `agent`; one analysis of `snapshot` underneath.
pub fn build(snapshot: &StateSnapshot, agent: Option<&str>) -> Overview {
    let loc = &snapshot.location;
    // One analysis per read: of the selected agent only when the page is filtered to one.
    let analysed: Vec<AgentAnalysis> = match agent {
        Some(id) => analyze_agent(snapshot, Some(id)).into_iter().collect(),
        None => analyze(snapshot).agents,
    };
    let agents: Vec<AgentView> =
        analysed.iter().filter_map(|a| Some(agent_view(snapshot, snapshot.agent(&a.agent_id)?, a))).collect();
    let summary = Summary::of(&agents);
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
        problems: problems(snapshot),
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

fn agent_view(snapshot: &StateSnapshot, agent: &AgentState, analysis: &AgentAnalysis) -> AgentView {
    let loc = &snapshot.location;
    let providers = analysis
        .providers
        .values()
        // The page leaves out the mirror providers `models status` lists (claude-cli, ...): noise here.
        .filter(|p| !p.profile_ids.is_empty() || !p.legacy_ids.is_empty() || (p.env.is_some() && !p.status_mirror))
        .map(|p| provider_view(snapshot, agent, analysis, p))
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

fn provider_view(
    snapshot: &StateSnapshot,
    agent: &AgentState,
    analysis: &AgentAnalysis,
    p: &ProviderAnalysis,
) -> ProviderView {
    let provider = p.provider.as_str();
    let order = &p.order;
    let stored_order = agent.order.get(provider).cloned();
    let config_order = snapshot.config.as_ref().and_then(|c| c.auth_order().get(provider).cloned());
    let last_good = agent.last_good.get(provider).cloned();
    let next = p.next.as_ref().map(|n| n.label());
    let mut rows: Vec<ProfileView> = p
        .profile_ids
        .iter()
        .chain(&p.legacy_ids)
        .filter_map(|id| analysis.profile(id))
        .map(|q| {
            let skipped = order.skipped.iter().find(|(id, _)| *id == q.id).map(|(_, r)| r.describe());
            profile_view(
                snapshot,
                q,
                agent.profile(&q.id).map(|s| &s.credential.expires),
                &analysis.config_models,
                stored_order.as_deref(),
                last_good.as_deref(),
                next.as_deref(),
                skipped,
            )
        })
        .collect();
    if let Some(hit) = p.env.as_ref().filter(|_| !p.status_mirror) {
        rows.push(env_view(snapshot, hit, next.as_deref()));
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
    ProviderView {
        provider: provider.to_owned(),
        status: p.worst_profile_status,
        openclaw_status: p.rollup,
        stored_order,
        config_order,
        order_source: order.source.describe().to_owned(),
        effective_order: order.ids.clone(),
        next,
        last_good,
        profiles: rows,
    }
}

fn expiry_text(h: &ProfileHealth, kind: CredentialKind, expires: Option<&Expires>) -> String {
    match (h.remaining_ms, expires) {
        (Some(ms), _) if ms > 0 => format!("expires in {}", format_remaining(ms)),
        (Some(ms), _) => format!("expired {} ago", format_remaining(-ms)),
        (None, Some(Expires::Invalid(_))) => "invalid expires value".to_owned(),
        (None, _) if kind == CredentialKind::OAuth => "no expiry recorded".to_owned(),
        (None, _) => "never expires".to_owned(),
    }
}

/// Agent `agent_id` as its card shows it, read from `snapshot` (one agent's analysis, not the
/// whole page), with the snapshot's read problems: what the page patches in after a write.
/// `None` when the snapshot has no such agent.
pub fn agent_refresh(snapshot: &StateSnapshot, agent_id: &str, version: String) -> Option<AgentRefresh> {
    let analysis = analyze_agent(snapshot, Some(agent_id))?;
    let mut agent = agent_view(snapshot, snapshot.agent(agent_id)?, &analysis);
    agent.version = version;
    Some(AgentRefresh { agent, problems: problems(snapshot), read_at: format_utc(snapshot.now_ms) })
}

fn problems(snapshot: &StateSnapshot) -> Vec<ProblemView> {
    snapshot.problems.iter().map(|p| problem_view(snapshot, p)).collect()
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
    p: &ProfileAnalysis,
    expires: Option<&Expires>,
    models: &ModelRefs,
    stored_order: Option<&[String]>,
    last_good: Option<&str>,
    next: Option<&str>,
    skipped: Option<String>,
) -> ProfileView {
    let loc = &snapshot.location;
    let h = &p.health;
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
        kind: p.kind,
        masked: p.mask.clone(),
        source,
        status: h.status,
        reason: h.reason,
        expires_at: h.expires_at.map(format_utc),
        expiry_text: expiry_text(h, p.kind, expires),
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
        display: p.display.clone(),
        pin_command: Some(pin_command(models, &p.provider, &p.id)),
        skipped_because: skipped,
        in_config: snapshot.config.as_ref().is_some_and(|c| c.auth_profiles().contains_key(&p.id)),
    }
}

fn env_view(snapshot: &StateSnapshot, hit: &EnvHit, next: Option<&str>) -> ProfileView {
    let loc = &snapshot.location;
    let var = hit.var.as_str();
    let id = format!("env: {var}");
    let (source_kind, label, path) = match &hit.source {
        EnvSource::Process => (SourceKind::Env, format!("env: {var}"), None),
        EnvSource::DotEnv(path) => (SourceKind::DotEnv, format!(".env: {var}"), Some(loc.display(path))),
        EnvSource::Config(path) => (SourceKind::ConfigEnv, format!("config env: {var}"), Some(loc.display(path))),
    };
    ProfileView {
        is_next: next == Some(id.as_str()),
        id,
        kind: if hit.is_oauth() { CredentialKind::Token } else { CredentialKind::ApiKey },
        masked: hit.mask.clone(),
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
