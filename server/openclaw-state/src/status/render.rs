//! Renders one agent's [`AgentAnalysis`] into OpenClaw's `models status --json` shape. Every
//! value comes from the analysis; what is decided here is only presentation: which fields
//! OpenClaw's version prints, in which order, and how it spells them.

use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::analysis::{AgentAnalysis, EffectiveSource, ProfileAnalysis};
use crate::credential::Expires;
use crate::health::WARN_AFTER_MS;
use crate::rules::{InvalidExpiresShown, RollupStyle, RuleSet};
use crate::snapshot::AgentState;

/// OpenClaw reports an ineligible token (expired, invalid expiry) without its expiry, and an
/// OAuth profile without a reason code.
fn profile_report(rules: &RuleSet, state: Option<&AgentState>, p: &ProfileAnalysis) -> ProfileReport {
    let h = &p.health;
    let token_ineligible = p.kind == CredentialKind::Token && h.reason.is_some();
    let expires = state.and_then(|a| a.profile(&p.id)).map(|s| &s.credential.expires);
    let expires_at = if token_ineligible {
        None
    } else if let Some(at) =
        h.expires_at.filter(|_| h.status != HealthStatus::Missing || p.kind != CredentialKind::OAuth)
    {
        Some(serde_json::Value::from(at))
    } else if p.kind == CredentialKind::OAuth {
        match (rules.oauth_invalid_expires, expires) {
            (InvalidExpiresShown::Echo, Some(Expires::Invalid(raw))) => Some(raw.clone()),
            (InvalidExpiresShown::Echo, Some(Expires::At(at))) => Some(serde_json::Value::from(*at)),
            (InvalidExpiresShown::Zero, Some(Expires::Invalid(_) | Expires::At(_))) => Some(serde_json::Value::from(0)),
            _ => None,
        }
    } else {
        None
    };
    ProfileReport {
        profile_id: p.id.clone(),
        provider: p.provider.clone(),
        kind: p.kind,
        status: h.status,
        reason_code: if p.kind == CredentialKind::OAuth { None } else { h.reason },
        expires_at,
        remaining_ms: if token_ineligible { None } else { h.remaining_ms },
        source: "store",
        label: match &p.display {
            Some(who) => format!("{} ({who})", p.id),
            None => p.id.clone(),
        },
    }
}

/// The report for one analysed agent; `named` says whether the caller named the agent (OpenClaw
/// prints `agentId` only then).
pub fn render(snapshot: &StateSnapshot, a: &AgentAnalysis, named: bool) -> StatusReport {
    let rules = snapshot.rules;
    let now = snapshot.now_ms;
    let loc = &snapshot.location;
    let state = snapshot.agent(&a.agent_id);
    let store: Vec<&ProfileAnalysis> = a.usable_store().collect();
    // One report per profile, in id order; the provider views reuse them.
    let reports: BTreeMap<&str, ProfileReport> =
        store.iter().map(|p| (p.id.as_str(), profile_report(rules, state, p))).collect();
    let report_of = |id: &String| reports.get(id.as_str()).cloned();

    let mut providers = Vec::new();
    let mut providers_with_oauth = Vec::new();
    for (name, p) in &a.providers {
        let listed: Vec<&ProfileAnalysis> = p.listed_profile_ids.iter().filter_map(|id| a.profile(id)).collect();
        // A provider with only legacy profiles (and no key) is not one `models status` knows.
        if listed.is_empty() && !p.has_key() {
            continue;
        }
        let env =
            p.env.as_ref().map(|e| EnvReport { value: e.status_value.clone(), source: format!("env: {}", e.var) });
        let effective = match &p.effective {
            EffectiveSource::Profiles { path } => Effective { kind: "profiles", detail: loc.display(path) },
            EffectiveSource::Env => {
                Effective { kind: "env", detail: env.as_ref().map(|e| e.value.clone()).unwrap_or_default() }
            }
            EffectiveSource::ModelsJson => Effective {
                kind: "models.json",
                detail: p.models_json.as_ref().map(|k| k.mask.clone()).unwrap_or_default(),
            },
            EffectiveSource::Missing => Effective { kind: "missing", detail: String::new() },
        };
        let mut counts = ProfileCounts { count: listed.len(), oauth: 0, token: 0, api_key: 0, labels: Vec::new() };
        for q in &listed {
            match q.kind {
                CredentialKind::OAuth => counts.oauth += 1,
                CredentialKind::Token => counts.token += 1,
                CredentialKind::ApiKey => counts.api_key += 1,
            }
            counts.labels.push(q.label.clone());
        }
        let stored_oauth = listed.iter().filter(|q| q.kind != CredentialKind::ApiKey).count();
        let n = stored_oauth + usize::from(p.env.as_ref().is_some_and(|e| e.is_oauth()));
        if n > 0 {
            providers_with_oauth.push(format!("{name} ({n})"));
        }
        providers.push(ProviderReport {
            provider: name.clone(),
            effective,
            profiles: counts,
            env,
            models_json: p.models_json.as_ref().map(|k| EnvReport { value: k.mask.clone(), source: k.source.clone() }),
        });
    }

    let unusable_profiles = store
        .iter()
        .filter_map(|p| {
            p.health.unusable.as_ref().map(|u| UnusableReport {
                profile_id: p.id.clone(),
                provider: p.provider.clone(),
                kind: u.kind,
                reason: if u.kind == UnusableKind::Disabled || rules.cooldown_reason_shown {
                    u.reason.clone()
                } else {
                    None
                },
                until: u.until,
                remaining_ms: u.remaining_ms,
            })
        })
        .collect();

    let mut provider_health: Vec<ProviderHealthReport> = a
        .providers
        .values()
        .filter_map(|p| {
            let status = p.rollup?;
            let chosen: Vec<ProfileReport> = p.rollup_profile_ids.iter().filter_map(report_of).collect();
            // The earliest expiry among what the profiles report (an expired token reports none).
            let expires_at = p
                .rollup_profile_ids
                .iter()
                .filter(|id| a.profile(id).is_some_and(|q| q.kind != CredentialKind::ApiKey))
                .filter_map(|id| reports.get(id.as_str())?.expires_at.as_ref()?.as_i64())
                .min();
            Some(ProviderHealthReport {
                provider: p.provider.clone(),
                status,
                profiles: p.profile_ids.iter().filter_map(report_of).collect(),
                effective_profiles: (rules.oauth_providers_rollup != RollupStyle::AllProfiles).then_some(chosen),
                expires_at,
                remaining_ms: expires_at.map(|at| at - now),
            })
        })
        .collect();
    if rules.oauth_providers_rollup == RollupStyle::AllProfiles {
        // 2026.3 also lists, as `missing`, every provider it considered that has no profile: those
        // with env or models.json auth and those the configured models use.
        let considered: BTreeSet<String> = providers
            .iter()
            .map(|p| p.provider.clone())
            .chain(
                std::iter::once(a.default_model.as_str())
                    .chain(a.config_models.all())
                    .filter_map(|r| r.split_once('/').map(|(p, _)| p.to_owned())),
            )
            .collect();
        for provider in considered {
            if a.providers.get(&provider).is_none_or(|p| p.rollup.is_none()) {
                provider_health.push(ProviderHealthReport {
                    provider,
                    status: HealthStatus::Missing,
                    profiles: Vec::new(),
                    effective_profiles: None,
                    expires_at: None,
                    remaining_ms: None,
                });
            }
        }
        provider_health.sort_by(|x, y| x.provider.cmp(&y.provider));
    }
    let effective_order: BTreeMap<String, EffectiveOrder> = a
        .providers
        .iter()
        .filter(|(_, p)| !p.profile_ids.is_empty())
        .map(|(name, p)| (name.clone(), p.order.clone()))
        .collect();

    StatusReport {
        config_path: loc.config_path.display().to_string(),
        agent_id: named.then(|| a.agent_id.clone()),
        agent_dir: state.map(|s| s.dir.display().to_string()).unwrap_or_default(),
        resolved_default: a.default_model.clone(),
        default_model: a.default_model.clone(),
        fallbacks: a.config_models.fallbacks.clone(),
        image_model: a.config_models.image.clone(),
        image_fallbacks: a.config_models.image_fallbacks.clone(),
        aliases: a.config_models.aliases.iter().cloned().collect(),
        allowed: a.config_models.allowed.clone(),
        auth: AuthReport {
            store_path: state.map(|s| s.store_path.display().to_string()).unwrap_or_default(),
            shell_env_fallback: ShellEnvFallback { enabled: false, applied_keys: Vec::new() },
            providers_with_oauth,
            missing_providers_in_use: a.check.missing.clone(),
            providers,
            unusable_profiles,
            oauth: OAuthReport {
                warn_after_ms: WARN_AFTER_MS,
                profiles: reports.into_values().collect(),
                providers: provider_health,
            },
        },
        panel: PanelExtras {
            era: state.and_then(|s| s.era),
            store_path: state.map(|s| loc.display(&s.store_path)).unwrap_or_default(),
            state_path: state.map(|s| loc.display(&s.state_path)).unwrap_or_default(),
            migration_required: state.is_some_and(|s| s.migration_required),
            rules: rules.label,
            rules_reason: snapshot.rules_reason.clone(),
            effective_order,
            check_exit_code: a.check.code,
            check_reasons: a.check.reasons.clone(),
            problems: snapshot.problems.clone(),
        },
        exit_code: a.check.code,
    }
}
