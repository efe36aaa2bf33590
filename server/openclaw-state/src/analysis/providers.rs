//! Per-provider facts for one agent: its profiles, effective order, env and `models.json` keys,
//! where OpenClaw takes the credential from, what it tries first, and two statuses:
//!
//! - [`ProviderAnalysis::rollup`] is OpenClaw's roll-up (`auth.oauth.providers[].status`) under
//!   the version's rules. From 2026.5 on it is over the profiles OpenClaw would use (the
//!   effective order), so one expired token beside a valid one rolls up `ok`: OpenClaw skips it.
//! - [`ProviderAnalysis::worst_profile_status`] is the worst status of any of the provider's
//!   profiles, for the admin: the same pair reads `expired`, because that token needs renewing
//!   even though requests still succeed.
//!
//! Both exist on purpose; the page shows both, `status --json` and `/metrics` report the roll-up.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};

use super::profiles::ProfileAnalysis;
use crate::credential::CredentialKind;
use crate::env::EnvSource;
use crate::health::{HealthStatus, ProfileHealth, provider_rollup};
use crate::mask::mask_secret;
use crate::order::{EffectiveOrder, effective_order};
use crate::rules::{RollupStyle, RuleSet};
use crate::snapshot::{AgentState, ProfileOrigin, StateSnapshot};

/// An environment variable that gives a provider a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvHit {
    pub var: String,
    pub source: EnvSource,
    /// OpenClaw's mask of the value.
    pub mask: String,
    /// What `models status` prints as the env value: the mask, or `OAuth (env)` for an OAuth
    /// token variable (named, not masked).
    pub status_value: String,
}

impl EnvHit {
    pub fn is_oauth(&self) -> bool {
        self.var.contains("OAUTH_TOKEN")
    }
}

/// A key from config `models.providers.<id>.apiKey` or the agent's `models.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyHit {
    pub mask: String,
    /// `models.json: <path>`, as `models status` names it.
    pub source: String,
}

/// Where OpenClaw takes the provider's credential from (`auth.providers[].effective`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EffectiveSource {
    /// Stored profiles, in this store file.
    Profiles {
        path: PathBuf,
    },
    Env,
    ModelsJson,
    Missing,
}

/// What OpenClaw tries first for the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextCredential {
    /// The first profile of the effective order.
    Profile(String),
    /// No usable profile: the environment variable.
    Env(String),
    /// No usable profile nor env var: the `models.json` / config key.
    ModelsJson,
}

impl NextCredential {
    /// The page's words: a profile id, `env: VAR` or `models.json`.
    pub fn label(&self) -> String {
        match self {
            Self::Profile(id) => id.clone(),
            Self::Env(var) => format!("env: {var}"),
            Self::ModelsJson => "models.json".to_owned(),
        }
    }

    pub fn profile_id(&self) -> Option<&str> {
        match self {
            Self::Profile(id) => Some(id),
            _ => None,
        }
    }
}

/// One provider of one agent.
#[derive(Debug, Clone)]
pub struct ProviderAnalysis {
    pub provider: String,
    /// Its profiles OpenClaw reads (legacy ones excluded), sorted by id.
    pub profile_ids: Vec<String>,
    /// Its profiles in a legacy store OpenClaw refuses.
    pub legacy_ids: Vec<String>,
    /// The profiles `models status` lists under it: its own, or for a mirror (`claude-cli`) those
    /// of the provider it stands for.
    pub listed_profile_ids: Vec<String>,
    /// `models status` lists it only because it mirrors another provider's env var; the page
    /// leaves such providers out unless they have profiles.
    pub status_mirror: bool,
    pub order: EffectiveOrder,
    /// OpenClaw's roll-up (see the module doc); `None` when it has no profile OpenClaw reads.
    pub rollup: Option<HealthStatus>,
    /// The profiles the roll-up is over (2026.5+: the effective ones).
    pub rollup_profile_ids: Vec<String>,
    /// The worst status of any of its profiles, legacy ones included (see the module doc); with
    /// no profile, `static` when an env key covers it, else `missing`.
    pub worst_profile_status: HealthStatus,
    pub env: Option<EnvHit>,
    pub models_json: Option<KeyHit>,
    pub effective: EffectiveSource,
    pub next: Option<NextCredential>,
}

impl ProviderAnalysis {
    /// A key outside the store (env or `models.json`) satisfies the provider.
    pub fn has_key(&self) -> bool {
        self.env.is_some() || self.models_json.is_some()
    }
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

/// Keys from `models.providers.<id>.apiKey` (config) and the agent's `models.json`, config first;
/// an env-var name marker is resolved from the environment (and skipped when unset).
fn models_json_keys(snapshot: &StateSnapshot, agent: &AgentState) -> BTreeMap<String, KeyHit> {
    let path = agent.dir.join(crate::models_json::MODELS_JSON);
    let source = format!("models.json: {}", snapshot.location.display(&path));
    provider_keys(snapshot, agent)
        .into_iter()
        .map(|(provider, key)| (provider, KeyHit { mask: mask_secret(key.expose_secret()), source: source.clone() }))
        .collect()
}

/// The provider keys of config and `models.json` that OpenClaw would use for `agent`, each with
/// its value (a marker already resolved from the environment): the first per provider wins.
pub fn provider_keys(snapshot: &StateSnapshot, agent: &AgentState) -> BTreeMap<String, SecretString> {
    let mut out = BTreeMap::new();
    let from_config = snapshot.config.as_ref().map(|c| {
        c.provider_api_keys().into_iter().filter_map(|(p, v)| Some((p, v.as_str()?.to_owned()))).collect::<Vec<_>>()
    });
    let from_file = agent
        .models_json
        .as_ref()
        .map(|m| m.api_keys.iter().map(|(p, k)| (p.clone(), k.expose_secret().to_owned())).collect::<Vec<_>>());
    for (provider, key) in from_config.into_iter().flatten().chain(from_file.into_iter().flatten()) {
        let key = key.trim();
        if key.is_empty() {
            continue;
        }
        // An env-var name is a marker, resolved from the environment.
        let is_marker = key.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        let value = if is_marker {
            match snapshot.env.values.get(key) {
                Some(v) if !v.value.expose_secret().trim().is_empty() => v.value.clone(),
                _ => continue,
            }
        } else {
            SecretString::from(key.to_owned())
        };
        out.entry(provider).or_insert(value);
    }
    out
}

/// 2026.6+'s provider roll-up: expired wins, then missing (an API key without a value counts),
/// then expiring; API keys alone are static.
pub(super) fn rollup_9<'a>(profiles: impl IntoIterator<Item = (CredentialKind, &'a ProfileHealth)>) -> HealthStatus {
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

/// How bad a status is for the admin: expired, then missing, then expiring; ok before static so a
/// provider with a valid expiring-capable token and an API key reads `ok`.
fn badness(s: HealthStatus) -> u8 {
    match s {
        HealthStatus::Static => 0,
        HealthStatus::Ok => 1,
        HealthStatus::Expiring => 2,
        HealthStatus::Missing => 3,
        HealthStatus::Expired => 4,
    }
}

/// OpenClaw's roll-up over the provider's profiles, and the ids it is over.
fn openclaw_rollup(rules: &RuleSet, own: &[&ProfileAnalysis], order: &EffectiveOrder) -> (HealthStatus, Vec<String>) {
    // 2026.5+ rolls up over the profiles OpenClaw would use (effective order), else the explicit
    // order's, else all; 2026.3 over all of them.
    let pick = |ids: &[String]| -> Vec<&ProfileAnalysis> {
        ids.iter().filter_map(|id| own.iter().copied().find(|p| p.id == *id)).collect()
    };
    let chosen: Vec<&ProfileAnalysis> = match rules.oauth_providers_rollup {
        RollupStyle::AllProfiles => own.to_vec(),
        RollupStyle::Effective5 | RollupStyle::Effective9 => {
            let effective = pick(&order.ids);
            let explicit = pick(&order.base);
            if !effective.is_empty() {
                effective
            } else if !explicit.is_empty() {
                explicit
            } else {
                own.to_vec()
            }
        }
    };
    let healths = chosen.iter().map(|p| (p.kind, &p.health));
    let status = match rules.oauth_providers_rollup {
        RollupStyle::Effective9 => rollup_9(healths),
        _ => provider_rollup(healths),
    };
    (status, chosen.iter().map(|p| p.id.clone()).collect())
}

pub(super) fn analyze_providers(
    snapshot: &StateSnapshot,
    agent: &AgentState,
    profiles: &[ProfileAnalysis],
) -> BTreeMap<String, ProviderAnalysis> {
    let rules = snapshot.rules;
    let base: BTreeSet<&str> = env_providers(rules, false).into_iter().map(|(p, _)| p).collect();
    let env_hits: BTreeMap<&str, EnvHit> = env_providers(rules, true)
        .into_iter()
        .filter_map(|(provider, vars)| {
            let (var, value) = snapshot.env.for_provider(vars)?;
            let mask = mask_secret(value.value.expose_secret());
            let status_value = if var.contains("OAUTH_TOKEN") { "OAuth (env)".to_owned() } else { mask.clone() };
            Some((provider, EnvHit { var: var.to_owned(), source: value.source.clone(), mask, status_value }))
        })
        .collect();
    let keys = models_json_keys(snapshot, agent);

    let mut names: BTreeSet<&str> = profiles.iter().map(|p| p.provider.as_str()).collect();
    names.extend(env_hits.keys().copied());
    names.extend(keys.keys().map(String::as_str));

    // A mirror provider (claude-cli) shows the profiles of the provider it stands for.
    let profiles_of = |provider: &str| -> String {
        rules
            .env_status_mirrors
            .iter()
            .find(|m| m.provider == provider)
            .and_then(|m| m.profiles_of)
            .unwrap_or(provider)
            .to_owned()
    };
    let own_of = |provider: &str| -> Vec<&ProfileAnalysis> {
        profiles.iter().filter(|p| !p.legacy && p.provider == provider).collect()
    };

    let mut out = BTreeMap::new();
    for provider in names {
        let own = own_of(provider);
        let listed = own_of(&profiles_of(provider));
        let all_own: Vec<&ProfileAnalysis> = profiles.iter().filter(|p| p.provider == provider).collect();
        let order = effective_order(agent, snapshot.config.as_ref(), provider, rules, snapshot.now_ms);
        let env = env_hits.get(provider).cloned();
        let models_json = keys.get(provider).cloned();
        let (rollup, rollup_profile_ids) = if own.is_empty() {
            (None, Vec::new())
        } else {
            let (status, ids) = openclaw_rollup(rules, &own, &order);
            (Some(status), ids)
        };
        let worst_profile_status = match all_own.iter().map(|p| p.health.status).max_by_key(|s| badness(*s)) {
            Some(worst) => worst,
            None if env.is_some() => HealthStatus::Static,
            None => HealthStatus::Missing,
        };
        let effective = if let Some(first) = listed.first() {
            // `models status` names the agent's own store when it holds any of these profiles.
            let local = listed.iter().any(|p| matches!(p.origin, ProfileOrigin::Agent(_)));
            let path = if local {
                agent.profiles.iter().find(|p| matches!(p.origin, ProfileOrigin::Agent(_))).map(|p| p.origin.path())
            } else {
                Some(first.origin.path())
            };
            EffectiveSource::Profiles { path: path.map(|p| p.to_path_buf()).unwrap_or_default() }
        } else if env.is_some() {
            EffectiveSource::Env
        } else if models_json.is_some() {
            EffectiveSource::ModelsJson
        } else {
            EffectiveSource::Missing
        };
        let next = match (order.first(), &env, &models_json) {
            (Some(id), _, _) => Some(NextCredential::Profile(id.to_owned())),
            (None, Some(hit), _) => Some(NextCredential::Env(hit.var.clone())),
            (None, None, Some(_)) => Some(NextCredential::ModelsJson),
            (None, None, None) => None,
        };
        out.insert(
            provider.to_owned(),
            ProviderAnalysis {
                provider: provider.to_owned(),
                profile_ids: own.iter().map(|p| p.id.clone()).collect(),
                legacy_ids: all_own.iter().filter(|p| p.legacy).map(|p| p.id.clone()).collect(),
                listed_profile_ids: listed.iter().map(|p| p.id.clone()).collect(),
                status_mirror: !base.contains(provider)
                    && rules.env_status_mirrors.iter().any(|m| m.provider == provider),
                order,
                rollup,
                rollup_profile_ids,
                worst_profile_status,
                env,
                models_json,
                effective,
                next,
            },
        );
    }
    out
}
