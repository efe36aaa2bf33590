//! One analysis of a read state: what OpenClaw sees, computed once per read, that every renderer
//! (`status --json`, the profiles page, `/metrics`, the doctor) only renders.
//!
//! [`analyze`] (every agent) or [`analyze_agent`] (one) take a [`StateSnapshot`] and return per
//! agent and provider: each profile's health under the version rules ([`crate::rules`]), OpenClaw's
//! label and mask, the effective order with skip reasons, the env and `models.json` sources,
//! OpenClaw's provider roll-up beside the page's worst-profile status, what OpenClaw tries first,
//! every configured model with its role, and the `--check` outcome.
//!
//! Architecture invariants:
//! - Nothing here reads a file: the snapshot holds everything (including `models.json`), so two
//!   renderers of one analysis cannot disagree about what was on disk.
//! - No secret leaves: secrets appear only as OpenClaw's masks ([`crate::mask`]).
//! - A fact is computed in one place. A renderer that needs something not here adds it here.

mod check;
mod models;
mod profiles;
mod providers;

use std::collections::BTreeMap;

use crate::config::ModelRefs;
use crate::rules::RuleSet;
use crate::snapshot::{AgentState, StateSnapshot};

pub use check::{CheckOutcome, EXIT_EXPIRED_OR_MISSING, EXIT_EXPIRING, EXIT_OK};
pub use models::{ModelRole, ModelUse};
pub use profiles::{ProfileAnalysis, secret_mask};
pub use providers::{EffectiveSource, EnvHit, KeyHit, NextCredential, ProviderAnalysis, env_providers, provider_keys};

/// The analysis of every agent of one snapshot.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The rules the analysis applied (the snapshot's).
    pub rules: &'static RuleSet,
    pub now_ms: i64,
    /// In the snapshot's agent order (default agent first).
    pub agents: Vec<AgentAnalysis>,
}

impl Analysis {
    pub fn agent(&self, id: &str) -> Option<&AgentAnalysis> {
        self.agents.iter().find(|a| a.agent_id == id)
    }
}

/// What OpenClaw sees for one agent.
#[derive(Debug, Clone)]
pub struct AgentAnalysis {
    pub agent_id: String,
    pub is_default: bool,
    /// The configured model refs as written (aliases and the allow-list included).
    pub config_models: ModelRefs,
    /// The default model: configured, else the version's built-in default.
    pub default_model: String,
    /// Every model the agent may call, each with its role (a ref used in two roles is listed
    /// twice): default, fallbacks, the utility model (on versions that have one), image model
    /// and image fallbacks, in that order.
    pub models_in_use: Vec<ModelUse>,
    /// Every profile the agent sees, legacy ones included, sorted by id.
    pub profiles: Vec<ProfileAnalysis>,
    /// Every provider that has a profile (legacy too), an env key or a `models.json` key.
    pub providers: BTreeMap<String, ProviderAnalysis>,
    /// `models status --check` under the applied rules.
    pub check: CheckOutcome,
}

impl AgentAnalysis {
    pub fn profile(&self, id: &str) -> Option<&ProfileAnalysis> {
        self.profiles.iter().find(|p| p.id == id)
    }

    /// The profiles OpenClaw reads (legacy ones excluded), sorted by id.
    pub fn usable_store(&self) -> impl Iterator<Item = &ProfileAnalysis> {
        self.profiles.iter().filter(|p| !p.legacy)
    }

    /// Whether `provider` has a credential anywhere OpenClaw would read it: a stored profile it
    /// reads (usable now or not), an env var, or a `models.json` / config key.
    pub fn has_any_credential(&self, provider: &str) -> bool {
        self.providers.get(provider).is_some_and(|p| !p.profile_ids.is_empty() || p.has_key())
    }
}

/// Analyses every agent of `snapshot`.
pub fn analyze(snapshot: &StateSnapshot) -> Analysis {
    Analysis {
        rules: snapshot.rules,
        now_ms: snapshot.now_ms,
        agents: snapshot.agents.iter().map(|a| analyze_state(snapshot, a)).collect(),
    }
}

/// Analyses one agent (the default one when `agent` is `None`); `None` when there is no such agent.
pub fn analyze_agent(snapshot: &StateSnapshot, agent: Option<&str>) -> Option<AgentAnalysis> {
    let state = match agent {
        Some(id) => snapshot.agent(id)?,
        None => snapshot.agents.iter().find(|a| a.is_default)?,
    };
    Some(analyze_state(snapshot, state))
}

fn analyze_state(snapshot: &StateSnapshot, agent: &AgentState) -> AgentAnalysis {
    let rules = snapshot.rules;
    let config_models = snapshot.config.as_ref().map(|c| c.model_refs(&agent.id)).unwrap_or_default();
    let default_model = config_models.primary.clone().unwrap_or_else(|| rules.default_model.to_owned());
    let models_in_use = models::models_in_use(&config_models, &default_model, rules);
    let profiles = profiles::analyze_profiles(agent, rules, snapshot.now_ms);
    let providers = providers::analyze_providers(snapshot, agent, &profiles);
    let check = check::compute(&check::CheckInput {
        rules,
        agent,
        profiles: &profiles,
        providers: &providers,
        models: &models_in_use,
        env: &snapshot.env,
    });
    AgentAnalysis {
        agent_id: agent.id.clone(),
        is_default: agent.is_default,
        config_models,
        default_model,
        models_in_use,
        profiles,
        providers,
        check,
    }
}

#[cfg(test)]
mod tests;
