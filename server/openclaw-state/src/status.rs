//! `models status --json --check`, computed the way OpenClaw computes it (facts file §4), with the
//! rules of the OpenClaw version that owns the state ([`crate::rules`]).
//!
//! The JSON follows OpenClaw's field names and values (`auth.oauth.profiles[]`,
//! `auth.providers[]`, `auth.unusableProfiles[]`, ...) so scripts written for OpenClaw read ours;
//! what we know beyond that sits under `panel`. Masks are OpenClaw's; no secret is ever included.

use std::collections::{BTreeMap, BTreeSet};

use indexmap::IndexMap;
use secrecy::ExposeSecret;
use serde::Serialize;

use crate::config::ModelRefs;
use crate::credential::{Credential, CredentialKind};
use crate::env::EnvValue;
use crate::health::{
    HealthStatus, ProfileHealth, ReasonCode, UnusableKind, WARN_AFTER_MS, format_remaining, profile_health,
    provider_rollup,
};
use crate::mask::mask_secret;
use crate::order::{EffectiveOrder, effective_order};
use crate::rules::{CheckScope, InvalidExpiresShown, RollupStyle, RuleSet};
use crate::snapshot::{AgentState, ProfileOrigin, StateSnapshot};

/// `--check` exit codes, as OpenClaw's.
pub const EXIT_OK: u8 = 0;
pub const EXIT_EXPIRED_OR_MISSING: u8 = 1;
pub const EXIT_EXPIRING: u8 = 2;

/// Why a status could not be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    #[error("there is no agent \"{0}\"")]
    UnknownAgent(String),
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusReport {
    pub config_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    pub agent_dir: String,
    pub default_model: String,
    pub resolved_default: String,
    pub fallbacks: Vec<String>,
    pub image_model: Option<String>,
    pub image_fallbacks: Vec<String>,
    pub aliases: IndexMap<String, String>,
    pub allowed: Vec<String>,
    pub auth: AuthReport,
    /// What the panel knows beyond OpenClaw's report.
    pub panel: PanelExtras,
    /// The `--check` exit code under the applied rules (not part of OpenClaw's JSON).
    #[serde(skip)]
    pub exit_code: u8,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthReport {
    pub store_path: String,
    pub shell_env_fallback: ShellEnvFallback,
    #[serde(rename = "providersWithOAuth")]
    pub providers_with_oauth: Vec<String>,
    pub missing_providers_in_use: Vec<String>,
    pub providers: Vec<ProviderReport>,
    pub unusable_profiles: Vec<UnusableReport>,
    pub oauth: OAuthReport,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShellEnvFallback {
    pub enabled: bool,
    pub applied_keys: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderReport {
    pub provider: String,
    pub effective: Effective,
    pub profiles: ProfileCounts,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env: Option<EnvReport>,
    #[serde(rename = "modelsJson", skip_serializing_if = "Option::is_none")]
    pub models_json: Option<EnvReport>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Effective {
    /// `profiles`, `env`, `models.json` or `missing`.
    pub kind: &'static str,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileCounts {
    pub count: usize,
    pub oauth: usize,
    pub token: usize,
    pub api_key: usize,
    pub labels: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnvReport {
    pub value: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnusableReport {
    pub profile_id: String,
    pub provider: String,
    pub kind: UnusableKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub until: i64,
    pub remaining_ms: i64,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuthReport {
    pub warn_after_ms: i64,
    pub profiles: Vec<ProfileReport>,
    pub providers: Vec<ProviderHealthReport>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileReport {
    pub profile_id: String,
    pub provider: String,
    #[serde(rename = "type")]
    pub kind: CredentialKind,
    pub status: HealthStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<ReasonCode>,
    /// A number, or what the version echoes for an unusable OAuth `expires`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining_ms: Option<i64>,
    pub source: &'static str,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderHealthReport {
    pub provider: String,
    pub status: HealthStatus,
    pub profiles: Vec<ProfileReport>,
    /// 2026.5+: the profiles the roll-up is over (those OpenClaw would use).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_profiles: Option<Vec<ProfileReport>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining_ms: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PanelExtras {
    /// `A`, `B`, `C`, or null when the agent has no store.
    pub era: Option<crate::snapshot::Era>,
    pub store_path: String,
    pub state_path: String,
    pub migration_required: bool,
    /// The rules applied and why.
    pub rules: &'static str,
    pub rules_reason: String,
    /// Per provider: the order OpenClaw would try, and where that order came from.
    pub effective_order: BTreeMap<String, EffectiveOrder>,
    /// What `--check` exits with under the applied rules, and why, in words.
    pub check_exit_code: u8,
    pub check_reasons: Vec<String>,
    pub problems: Vec<crate::problem::Problem>,
}

/// The env vars a rule set recognises, provider → vars; with `mirrors`, also the providers
/// `models status` lists as mirrors of another's variable (an entry replaces a base one).
pub fn env_providers(rules: &RuleSet, mirrors: bool) -> Vec<(&'static str, &'static [&'static str])> {
    let mirror_list: &[crate::rules::EnvMirror] = if mirrors { rules.env_status_mirrors } else { &[] };
    crate::providers::PROVIDER_ENV_VARS
        .iter()
        .copied()
        .filter(|(p, _)| !rules.env_providers_ignored.contains(p))
        .filter(|(p, _)| !mirror_list.iter().any(|m| m.provider == *p))
        .chain(rules.env_providers_extra.iter().copied())
        .chain(mirror_list.iter().map(|m| (m.provider, m.vars)))
        .collect()
}

/// A key from `models.providers.<id>.apiKey` (config) or the agent's `models.json`; env-var
/// name markers are left out (the env var itself is reported as `env`).
fn models_json_keys(snapshot: &StateSnapshot, agent: &AgentState) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    let path = agent.dir.join("models.json");
    let source = format!("models.json: {}", snapshot.location.display(&path));
    let file = std::fs::read(&path).ok().and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
    let from_file = file.as_ref().and_then(|v| v.get("providers")).and_then(|v| v.as_object()).map(|m| {
        m.iter()
            .filter_map(|(id, cfg)| Some((crate::providers::normalize_provider(id), cfg.get("apiKey")?.clone())))
            .collect::<Vec<_>>()
    });
    let from_config = snapshot.config.as_ref().map(|c| c.provider_api_keys().into_iter().collect::<Vec<_>>());
    for (provider, key) in from_config.into_iter().flatten().chain(from_file.into_iter().flatten()) {
        let Some(key) = key.as_str().map(str::trim).filter(|k| !k.is_empty()) else { continue };
        // An env-var name is a marker, resolved from the environment.
        let is_marker = key.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        let value = if is_marker {
            match snapshot.env.values.get(key) {
                Some(v) if !v.value.expose_secret().trim().is_empty() => v.value.expose_secret().to_owned(),
                _ => continue,
            }
        } else {
            key.to_owned()
        };
        out.entry(provider).or_insert_with(|| (mask_secret(&value), source.clone()));
    }
    out
}

fn label_secret(cred: &Credential) -> String {
    let value = match (&cred.secret, &cred.secret_ref) {
        (Some(s), _) if !s.expose_secret().trim().is_empty() => mask_secret(s.expose_secret()),
        (_, Some(r)) => format!("ref({})", r.label()),
        _ => "missing".to_owned(),
    };
    match cred.kind {
        CredentialKind::ApiKey => value,
        CredentialKind::Token => format!("token:{value}"),
        CredentialKind::OAuth => match cred.display_suffix() {
            Some(who) => format!("OAuth ({who})"),
            None => "OAuth".to_owned(),
        },
    }
}

fn unusable_suffix(h: &ProfileHealth) -> String {
    match &h.unusable {
        None => String::new(),
        Some(u) => match (u.kind, &u.reason) {
            (UnusableKind::Disabled, Some(reason)) => {
                format!(" [disabled:{reason} {}]", format_remaining(u.remaining_ms))
            }
            (UnusableKind::Disabled, None) => format!(" [disabled {}]", format_remaining(u.remaining_ms)),
            (UnusableKind::Cooldown, _) => format!(" [cooldown {}]", format_remaining(u.remaining_ms)),
        },
    }
}

/// Builds the report for one agent (the default agent when `agent` is `None`).
pub fn build_status(snapshot: &StateSnapshot, agent: Option<&str>) -> Result<StatusReport, StatusError> {
    let rules = snapshot.rules;
    let now = snapshot.now_ms;
    let loc = &snapshot.location;
    let agent_state = match agent {
        Some(id) => snapshot.agent(id).ok_or_else(|| StatusError::UnknownAgent(id.to_owned()))?,
        None => {
            snapshot.agents.iter().find(|a| a.is_default).ok_or_else(|| StatusError::UnknownAgent("main".to_owned()))?
        }
    };
    let models = snapshot.config.as_ref().map(|c| c.model_refs(&agent_state.id)).unwrap_or_default();
    let default_model = models.primary.clone().unwrap_or_else(|| rules.default_model.to_owned());

    // Per-profile health, in id order.
    let mut profiles: Vec<(&crate::snapshot::StoredProfile, ProfileHealth)> = agent_state
        .profiles
        .iter()
        .filter(|p| !matches!(p.origin, ProfileOrigin::Legacy(_)))
        .map(|p| (p, profile_health(&p.credential, agent_state.usage.get(&p.id), rules, now)))
        .collect();
    profiles.sort_by(|a, b| a.0.id.cmp(&b.0.id));

    // OpenClaw reports an ineligible token (expired, invalid expiry) without its expiry, and an
    // OAuth profile without a reason code.
    let profile_report = |p: &crate::snapshot::StoredProfile, h: &ProfileHealth| {
        let token_ineligible = p.credential.kind == CredentialKind::Token && h.reason.is_some();
        ProfileReport {
            profile_id: p.id.clone(),
            provider: p.credential.provider.clone(),
            kind: p.credential.kind,
            status: h.status,
            reason_code: if p.credential.kind == CredentialKind::OAuth { None } else { h.reason },
            expires_at: if token_ineligible {
                None
            } else if let Some(at) =
                h.expires_at.filter(|_| h.status != HealthStatus::Missing || p.credential.kind != CredentialKind::OAuth)
            {
                Some(serde_json::Value::from(at))
            } else if p.credential.kind == CredentialKind::OAuth {
                match (rules.oauth_invalid_expires, &p.credential.expires) {
                    (InvalidExpiresShown::Echo, crate::credential::Expires::Invalid(raw)) => Some(raw.clone()),
                    (InvalidExpiresShown::Echo, crate::credential::Expires::At(at)) => {
                        Some(serde_json::Value::from(*at))
                    }
                    (
                        InvalidExpiresShown::Zero,
                        crate::credential::Expires::Invalid(_) | crate::credential::Expires::At(_),
                    ) => Some(serde_json::Value::from(0)),
                    _ => None,
                }
            } else {
                None
            },
            remaining_ms: if token_ineligible { None } else { h.remaining_ms },
            source: "store",
            label: match p.credential.display_suffix() {
                Some(who) => format!("{} ({who})", p.id),
                None => p.id.clone(),
            },
        }
    };

    let env_table = env_providers(rules, true);
    let models_keys = models_json_keys(snapshot, agent_state);
    let env_hits: Vec<(&str, &str, &EnvValue)> = env_table
        .iter()
        .filter_map(|(provider, vars)| snapshot.env.for_provider(vars).map(|(var, value)| (*provider, var, value)))
        .collect();

    let by_provider: BTreeMap<&str, Vec<usize>> =
        profiles.iter().enumerate().fold(BTreeMap::new(), |mut m, (i, (p, _))| {
            m.entry(p.credential.provider.as_str()).or_default().push(i);
            m
        });
    let mut provider_names: BTreeSet<&str> = by_provider.keys().copied().collect();
    provider_names.extend(env_hits.iter().map(|(p, _, _)| *p));
    provider_names.extend(models_keys.keys().map(String::as_str));

    // A mirror provider (claude-cli) shows the profiles of the provider it stands for.
    fn profiles_of<'p>(rules: &RuleSet, provider: &'p str) -> &'p str {
        rules.env_status_mirrors.iter().find(|m| m.provider == provider).and_then(|m| m.profiles_of).unwrap_or(provider)
    }
    let mut providers = Vec::new();
    for provider in &provider_names {
        let idx = by_provider.get(profiles_of(rules, provider)).cloned().unwrap_or_default();
        let env = env_hits.iter().find(|(p, _, _)| p == provider);
        // An OAuth token in the environment is named, not masked.
        let env_report = env.map(|(_, var, value)| EnvReport {
            value: if var.contains("OAUTH_TOKEN") {
                "OAuth (env)".to_owned()
            } else {
                mask_secret(value.value.expose_secret())
            },
            source: format!("env: {var}"),
        });
        let effective = if !idx.is_empty() {
            let local = idx.iter().any(|&i| matches!(profiles[i].0.origin, ProfileOrigin::Agent(_)));
            let path = if local {
                agent_state
                    .profiles
                    .iter()
                    .find(|p| matches!(p.origin, ProfileOrigin::Agent(_)))
                    .map(|p| p.origin.path().to_path_buf())
            } else {
                profiles[idx[0]].0.origin.path().to_path_buf().into()
            };
            Effective { kind: "profiles", detail: path.map(|p| loc.display(&p)).unwrap_or_default() }
        } else if let Some(env) = &env_report {
            Effective { kind: "env", detail: env.value.clone() }
        } else if let Some((masked, _)) = models_keys.get(*provider) {
            Effective { kind: "models.json", detail: masked.clone() }
        } else {
            Effective { kind: "missing", detail: String::new() }
        };
        let mut counts = ProfileCounts { count: idx.len(), oauth: 0, token: 0, api_key: 0, labels: Vec::new() };
        for &i in &idx {
            let (p, h) = &profiles[i];
            match p.credential.kind {
                CredentialKind::OAuth => counts.oauth += 1,
                CredentialKind::Token => counts.token += 1,
                CredentialKind::ApiKey => counts.api_key += 1,
            }
            counts.labels.push(format!("{}={}{}", p.id, label_secret(&p.credential), unusable_suffix(h)));
        }
        let models_json = models_keys
            .get(*provider)
            .map(|(value, source)| EnvReport { value: value.clone(), source: source.clone() });
        providers.push(ProviderReport {
            provider: (*provider).to_owned(),
            effective,
            profiles: counts,
            env: env_report,
            models_json,
        });
    }

    let unusable_profiles = profiles
        .iter()
        .filter_map(|(p, h)| {
            h.unusable.as_ref().map(|u| UnusableReport {
                profile_id: p.id.clone(),
                provider: p.credential.provider.clone(),
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

    // One report per profile, in `profiles` order; the provider views reuse them.
    let oauth_profiles: Vec<ProfileReport> = profiles.iter().map(|(p, h)| profile_report(p, h)).collect();
    let orders: BTreeMap<String, EffectiveOrder> = by_provider
        .keys()
        .map(|p| ((*p).to_owned(), effective_order(agent_state, snapshot.config.as_ref(), p, rules, now)))
        .collect();

    let mut provider_health: Vec<ProviderHealthReport> = by_provider
        .iter()
        .map(|(provider, idx)| {
            // 2026.5+ rolls up over the profiles OpenClaw would use (effective order), else the
            // explicit order's, else all; 2026.3 over all of them.
            let chosen: Vec<usize> = match rules.oauth_providers_rollup {
                RollupStyle::AllProfiles => idx.clone(),
                RollupStyle::Effective5 | RollupStyle::Effective9 => {
                    let order = orders.get(*provider);
                    let pick = |ids: &[String]| -> Vec<usize> {
                        ids.iter().filter_map(|id| idx.iter().copied().find(|&i| profiles[i].0.id == *id)).collect()
                    };
                    let effective = order.map(|o| pick(&o.ids)).unwrap_or_default();
                    let explicit = order.map(|o| pick(&o.base)).unwrap_or_default();
                    if !effective.is_empty() {
                        effective
                    } else if !explicit.is_empty() {
                        explicit
                    } else {
                        idx.clone()
                    }
                }
            };
            let healths = chosen.iter().map(|&i| (profiles[i].0.credential.kind, &profiles[i].1));
            let status = match rules.oauth_providers_rollup {
                RollupStyle::Effective9 => rollup_9(healths),
                _ => provider_rollup(healths),
            };
            // The earliest expiry among what the profiles report (an expired token reports none).
            let expires_at = chosen
                .iter()
                .filter(|&&i| profiles[i].0.credential.kind != CredentialKind::ApiKey)
                .filter_map(|&i| oauth_profiles[i].expires_at.as_ref()?.as_i64())
                .min();
            ProviderHealthReport {
                provider: (*provider).to_owned(),
                status,
                profiles: idx.iter().map(|&i| oauth_profiles[i].clone()).collect(),
                effective_profiles: (rules.oauth_providers_rollup != RollupStyle::AllProfiles)
                    .then(|| chosen.iter().map(|&i| oauth_profiles[i].clone()).collect()),
                expires_at,
                remaining_ms: expires_at.map(|at| at - now),
            }
        })
        .collect();
    if rules.oauth_providers_rollup == RollupStyle::AllProfiles {
        // 2026.3 also lists, as `missing`, every provider it considered that has no profile: those
        // with env or models.json auth and those the configured models use.
        let considered: BTreeSet<String> = providers
            .iter()
            .map(|p| p.provider.clone())
            .chain(
                std::iter::once(default_model.as_str())
                    .chain(models.all())
                    .filter_map(|r| r.split_once('/').map(|(p, _)| p.to_owned())),
            )
            .collect();
        for provider in considered {
            if !by_provider.contains_key(provider.as_str()) {
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
        provider_health.sort_by(|a, b| a.provider.cmp(&b.provider));
    }
    let providers_with_oauth = provider_names
        .iter()
        .filter_map(|provider| {
            let stored = by_provider.get(profiles_of(rules, provider)).map_or(0, |idx| {
                idx.iter().filter(|&&i| profiles[i].0.credential.kind != CredentialKind::ApiKey).count()
            });
            let env_oauth = env_hits.iter().any(|(p, var, _)| p == provider && var.contains("OAUTH_TOKEN"));
            let n = stored + usize::from(env_oauth);
            (n > 0).then(|| format!("{provider} ({n})"))
        })
        .collect();

    let routes = model_routes(&models, &default_model, rules);
    let mut in_use: Vec<&str> = Vec::new();
    // The utility model is a 2026.6+ route; the older scopes look at default, fallbacks and image.
    for route in &routes {
        if !in_use.contains(&route.provider) {
            in_use.push(route.provider);
        }
    }
    let check = compute_check(&CheckInput {
        rules,
        agent: agent_state,
        profiles: &profiles,
        orders: &orders,
        in_use: &in_use,
        routes: &routes,
        has_key: &|p: &str| env_hits.iter().any(|(e, _, _)| *e == p) || models_keys.contains_key(p),
        env: &snapshot.env,
        now,
    });
    let missing_in_use = check.missing.clone();

    Ok(StatusReport {
        config_path: loc.config_path.display().to_string(),
        agent_id: agent.map(str::to_owned),
        agent_dir: agent_state.dir.display().to_string(),
        resolved_default: default_model.clone(),
        default_model,
        fallbacks: models.fallbacks.clone(),
        image_model: models.image.clone(),
        image_fallbacks: models.image_fallbacks.clone(),
        aliases: models.aliases.iter().cloned().collect(),
        allowed: models.allowed.clone(),
        auth: AuthReport {
            store_path: agent_state.store_path.display().to_string(),
            shell_env_fallback: ShellEnvFallback { enabled: false, applied_keys: Vec::new() },
            providers_with_oauth,
            missing_providers_in_use: missing_in_use,
            providers,
            unusable_profiles,
            oauth: OAuthReport { warn_after_ms: WARN_AFTER_MS, profiles: oauth_profiles, providers: provider_health },
        },
        panel: PanelExtras {
            era: agent_state.era,
            store_path: loc.display(&agent_state.store_path),
            state_path: loc.display(&agent_state.state_path),
            migration_required: agent_state.migration_required,
            rules: rules.label,
            rules_reason: snapshot.rules_reason.clone(),
            effective_order: orders,
            check_exit_code: check.code,
            check_reasons: check.reasons,
            problems: snapshot.problems.clone(),
        },
        exit_code: check.code,
    })
}

/// 2026.6+'s provider roll-up: expired wins, then missing (an API key without a value counts),
/// then expiring; API keys alone are static.
fn rollup_9<'a>(profiles: impl IntoIterator<Item = (CredentialKind, &'a ProfileHealth)>) -> HealthStatus {
    let mut any = false;
    let (mut expired, mut missing, mut expiring, mut expirable) = (false, false, false, false);
    for (kind, h) in profiles {
        any = true;
        if kind != CredentialKind::ApiKey {
            expirable = true;
        }
        match h.status {
            HealthStatus::Expired => expired = true,
            HealthStatus::Missing => missing = true,
            HealthStatus::Expiring => expiring = true,
            _ => {}
        }
    }
    if !any {
        HealthStatus::Missing
    } else if expired {
        HealthStatus::Expired
    } else if missing {
        HealthStatus::Missing
    } else if expiring {
        HealthStatus::Expiring
    } else if expirable {
        HealthStatus::Ok
    } else {
        HealthStatus::Static
    }
}

/// One model a configured route uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Route<'a> {
    provider: &'a str,
    model: &'a str,
    /// Image routes are checked for availability only: they can fail but never warn.
    image: bool,
}

/// The model routes the configured models make: the default, fallbacks, the utility model
/// (2026.6+), the image model and image fallbacks, without repeats.
fn model_routes<'a>(models: &'a ModelRefs, default_model: &'a str, rules: &RuleSet) -> Vec<Route<'a>> {
    let default_provider = default_model.split_once('/').map(|(p, _)| p).unwrap_or_default();
    let utility: Option<&str> = match models.utility.as_deref() {
        Some("") => None,
        Some(configured) => Some(configured),
        None => rules.utility_models.iter().find(|(p, _)| *p == default_provider).map(|(_, m)| *m),
    };
    let text = std::iter::once(default_model)
        .chain(models.fallbacks.iter().map(String::as_str))
        .chain(utility.filter(|_| !rules.utility_models.is_empty()))
        .map(|r| (r, false));
    let image = models.image.iter().chain(models.image_fallbacks.iter()).map(|r| (r.as_str(), true));
    let mut out: Vec<Route> = Vec::new();
    for (r, image) in text.chain(image) {
        if let Some((provider, model)) = r.split_once('/')
            && !out.iter().any(|o| o.provider == provider && o.model == model)
        {
            out.push(Route { provider, model, image });
        }
    }
    out
}

struct CheckInput<'a> {
    rules: &'a RuleSet,
    agent: &'a AgentState,
    profiles: &'a [(&'a crate::snapshot::StoredProfile, ProfileHealth)],
    orders: &'a BTreeMap<String, EffectiveOrder>,
    in_use: &'a [&'a str],
    routes: &'a [Route<'a>],
    /// Whether a provider has a key outside the store (env var or models.json).
    has_key: &'a dyn Fn(&str) -> bool,
    env: &'a crate::env::EnvCredentials,
    now: i64,
}

struct CheckOutcome {
    code: u8,
    reasons: Vec<String>,
    /// `auth.missingProvidersInUse`.
    missing: Vec<String>,
}

impl CheckInput<'_> {
    fn health(&self, id: &str) -> Option<&ProfileHealth> {
        self.profiles.iter().find(|(p, _)| p.id == id).map(|(_, h)| h)
    }

    fn has_profiles(&self, provider: &str) -> bool {
        self.profiles.iter().any(|(p, _)| p.credential.provider == provider)
    }

    fn eligible(&self, provider: &str) -> &[String] {
        self.orders.get(provider).map(|o| o.ids.as_slice()).unwrap_or(&[])
    }
}

/// `--check`, by the scope of the rules in force (facts file §4.2, §4.2.1):
/// - 2026.3: every oauth/token profile counts, used or not; a provider used by a model with no
///   credential at all is missing.
/// - 2026.5: only providers used by the configured models count, through their eligible profiles;
///   one with no eligible credential is missing.
/// - 2026.6+: per model route, the profile OpenClaw would actually pick (effective order,
///   cooldowns skipped) decides; every profile unusable means missing; no credential at all, or a
///   SecretRef that does not resolve, makes the route indeterminate.
fn compute_check(input: &CheckInput<'_>) -> CheckOutcome {
    let mut bad = Vec::new();
    let mut warn = Vec::new();
    let mut missing = Vec::new();
    let grade = |status: HealthStatus, what: String, bad: &mut Vec<String>, warn: &mut Vec<String>| match status {
        HealthStatus::Expired | HealthStatus::Missing => bad.push(format!("{what} is {}", status.as_str())),
        HealthStatus::Expiring => warn.push(format!("{what} expires within 24 h")),
        _ => {}
    };
    match input.rules.check_scope {
        CheckScope::AllProfiles => {
            for provider in input.in_use {
                if !input.has_profiles(provider) && !(input.has_key)(provider) {
                    missing.push((*provider).to_owned());
                    bad.push(format!("{provider} is used by a configured model and has no credential"));
                }
            }
            for (p, h) in input.profiles {
                if p.credential.kind != CredentialKind::ApiKey {
                    grade(h.status, format!("profile {}", p.id), &mut bad, &mut warn);
                }
            }
        }
        CheckScope::ProvidersInUse => {
            for provider in input.in_use {
                // A key in the environment (or models.json) satisfies the provider.
                if (input.has_key)(provider) {
                    continue;
                }
                let eligible = input.eligible(provider);
                if eligible.is_empty() {
                    {
                        missing.push((*provider).to_owned());
                        bad.push(format!("{provider} is used by a configured model and has no usable credential"));
                    }
                    continue;
                }
                let healths: Vec<(CredentialKind, &ProfileHealth)> = eligible
                    .iter()
                    .filter_map(|id| {
                        let kind = input.agent.profile(id)?.credential.kind;
                        Some((kind, input.health(id)?))
                    })
                    .collect();
                grade(provider_rollup(healths), format!("provider {provider} (in use)"), &mut bad, &mut warn);
            }
        }
        CheckScope::ModelRoutes => {
            for route in input.routes {
                let (provider, model) = (&route.provider, &route.model);
                // A rate-limit cooldown scoped to another model leaves this route free to use it.
                let free = |h: &ProfileHealth| match &h.unusable {
                    None => true,
                    Some(u) => {
                        input.rules.model_scoped_cooldowns
                            && u.kind == UnusableKind::Cooldown
                            && u.model.as_deref().is_some_and(|m| m != *model)
                    }
                };
                let usable: Vec<&String> =
                    input.eligible(provider).iter().filter(|id| input.health(id).is_some_and(free)).collect();
                let Some(selected) = usable.first() else {
                    if (input.has_key)(provider) {
                        continue;
                    }
                    if input.has_profiles(provider) {
                        if !missing.iter().any(|m| m == provider) {
                            missing.push((*provider).to_owned());
                        }
                        bad.push(format!("{provider}: every profile is unusable (expired, cooling down or disabled)"));
                    } else {
                        bad.push(format!("{provider} is used by a configured model and has no credential"));
                    }
                    continue;
                };
                let Some(profile) = input.agent.profile(selected) else { continue };
                if let Some(r) = &profile.credential.secret_ref
                    && !profile.credential.has_secret()
                    && r.source == "env"
                    && !input.env.values.contains_key(&r.id)
                {
                    bad.push(format!("{provider}: {selected} refers to ${} which is not set", r.id));
                    continue;
                }
                if let Some(h) = input.health(selected) {
                    let what = format!("{provider}/{model} would use {selected}, which");
                    if route.image {
                        // Image routes are judged on availability: they fail, never warn.
                        grade(h.status, what, &mut bad, &mut Vec::new());
                    } else {
                        grade(h.status, what, &mut bad, &mut warn);
                    }
                }
            }
        }
    }
    let _ = input.now;
    let code = if !bad.is_empty() {
        EXIT_EXPIRED_OR_MISSING
    } else if !warn.is_empty() {
        EXIT_EXPIRING
    } else {
        EXIT_OK
    };
    bad.extend(warn);
    CheckOutcome { code, reasons: bad, missing }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(status: HealthStatus) -> ProfileHealth {
        ProfileHealth { status, reason: None, expires_at: None, remaining_ms: None, unusable: None }
    }

    #[test]
    fn rollup_of_2026_6_ranks_expired_then_missing_then_expiring() {
        use CredentialKind::*;
        use HealthStatus::*;
        let (ok, exp, miss, soon, st) = (h(Ok), h(Expired), h(Missing), h(Expiring), h(Static));
        assert_eq!(rollup_9([(Token, &miss), (Token, &exp)]), Expired);
        assert_eq!(rollup_9([(Token, &soon), (ApiKey, &miss)]), Missing);
        assert_eq!(rollup_9([(Token, &soon), (Token, &ok)]), Expiring);
        assert_eq!(rollup_9([(ApiKey, &st)]), Static);
        assert_eq!(rollup_9([(ApiKey, &st), (Token, &st)]), Ok);
        assert_eq!(rollup_9(std::iter::empty()), Missing);
    }
}
