//! `models status --check`: the exit code, the reasons in words, and `missingProvidersInUse`,
//! by the scope of the rules in force (facts file §4.2, §4.2.1):
//! - 2026.3: every oauth/token profile counts, used or not; a provider used by a model with no
//!   credential at all is missing.
//! - 2026.5: only providers used by the configured models count, through their eligible profiles;
//!   one with no eligible credential is missing.
//! - 2026.6+: per model route, the profile OpenClaw would actually pick (effective order,
//!   cooldowns skipped) decides; every profile unusable means missing; no credential at all, or a
//!   SecretRef that does not resolve, makes the route fail. An agent whose credentials sit in a
//!   legacy JSON store beside SQLite fails the check outright: 2026.9.6 answers `{ok:false}`.

use std::collections::BTreeMap;

use super::models::{ModelUse, routes};
use super::profiles::ProfileAnalysis;
use super::providers::ProviderAnalysis;
use crate::credential::CredentialKind;
use crate::health::{HealthStatus, ProfileHealth, UnusableKind, provider_rollup};
use crate::rules::{CheckScope, RuleSet};
use crate::snapshot::AgentState;

/// `--check` exit codes, as OpenClaw's.
pub const EXIT_OK: u8 = 0;
pub const EXIT_EXPIRED_OR_MISSING: u8 = 1;
pub const EXIT_EXPIRING: u8 = 2;

/// What `--check` answers for one agent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CheckOutcome {
    /// [`EXIT_OK`], [`EXIT_EXPIRED_OR_MISSING`] or [`EXIT_EXPIRING`].
    pub code: u8,
    /// Why, failures first, then warnings.
    pub reasons: Vec<String>,
    /// `auth.missingProvidersInUse`.
    pub missing: Vec<String>,
}

pub(super) struct CheckInput<'a> {
    pub rules: &'a RuleSet,
    pub agent: &'a AgentState,
    pub profiles: &'a [ProfileAnalysis],
    pub providers: &'a BTreeMap<String, ProviderAnalysis>,
    pub models: &'a [ModelUse],
    pub env: &'a crate::env::EnvCredentials,
}

impl CheckInput<'_> {
    /// Health of a profile OpenClaw reads.
    fn health(&self, id: &str) -> Option<&ProfileHealth> {
        self.profiles.iter().find(|p| p.id == id && !p.legacy).map(|p| &p.health)
    }

    fn has_profiles(&self, provider: &str) -> bool {
        self.profiles.iter().any(|p| !p.legacy && p.provider == provider)
    }

    fn has_key(&self, provider: &str) -> bool {
        self.providers.get(provider).is_some_and(ProviderAnalysis::has_key)
    }

    fn eligible(&self, provider: &str) -> &[String] {
        self.providers.get(provider).map(|p| p.order.ids.as_slice()).unwrap_or(&[])
    }
}

fn grade(status: HealthStatus, what: String, bad: &mut Vec<String>, warn: &mut Vec<String>) {
    match status {
        HealthStatus::Expired | HealthStatus::Missing => bad.push(format!("{what} is {}", status.as_str())),
        HealthStatus::Expiring => warn.push(format!("{what} expires within 24 h")),
        _ => {}
    }
}

pub(super) fn compute(input: &CheckInput<'_>) -> CheckOutcome {
    let mut bad = Vec::new();
    let mut warn = Vec::new();
    let mut missing = Vec::new();
    let routes = routes(input.models);
    let mut in_use: Vec<&str> = Vec::new();
    for route in &routes {
        if !in_use.contains(&route.provider.as_str()) {
            in_use.push(&route.provider);
        }
    }
    match input.rules.check_scope {
        CheckScope::AllProfiles => {
            for provider in &in_use {
                if !input.has_profiles(provider) && !input.has_key(provider) {
                    missing.push((*provider).to_owned());
                    bad.push(format!("{provider} is used by a configured model and has no credential"));
                }
            }
            for p in input.profiles.iter().filter(|p| !p.legacy) {
                if p.kind != CredentialKind::ApiKey {
                    grade(p.health.status, format!("profile {}", p.id), &mut bad, &mut warn);
                }
            }
        }
        CheckScope::ProvidersInUse => {
            for provider in &in_use {
                // A key in the environment (or models.json) satisfies the provider.
                if input.has_key(provider) {
                    continue;
                }
                let eligible = input.eligible(provider);
                if eligible.is_empty() {
                    missing.push((*provider).to_owned());
                    bad.push(format!("{provider} is used by a configured model and has no usable credential"));
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
        CheckScope::ModelRoutes => model_routes(input, &routes, &mut bad, &mut warn, &mut missing),
    }
    if input.rules.legacy_store_fails_check && input.agent.migration_required {
        bad.push(format!(
            "agent {} has credentials in a legacy JSON store that OpenClaw refuses until `openclaw doctor --fix` \
             imports them (AUTH_PROFILE_MIGRATION_REQUIRED); OpenClaw's own --check fails",
            input.agent.id
        ));
    }
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

fn model_routes(
    input: &CheckInput<'_>,
    routes: &[&ModelUse],
    bad: &mut Vec<String>,
    warn: &mut Vec<String>,
    missing: &mut Vec<String>,
) {
    for route in routes {
        let (provider, model) = (&route.provider, &route.model);
        // A rate-limit cooldown scoped to another model leaves this route free to use it.
        let free = |h: &ProfileHealth| match &h.unusable {
            None => true,
            Some(u) => {
                input.rules.model_scoped_cooldowns
                    && u.kind == UnusableKind::Cooldown
                    && u.model.as_deref().is_some_and(|m| m != model)
            }
        };
        let usable: Vec<&String> =
            input.eligible(provider).iter().filter(|id| input.health(id).is_some_and(free)).collect();
        let Some(selected) = usable.first() else {
            if input.has_key(provider) {
                continue;
            }
            if input.has_profiles(provider) {
                if !missing.iter().any(|m| m == provider) {
                    missing.push(provider.clone());
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
            if route.role.is_image() {
                // Image routes are judged on availability: they fail, never warn.
                grade(h.status, what, bad, &mut Vec::new());
            } else {
                grade(h.status, what, bad, warn);
            }
        }
    }
}
