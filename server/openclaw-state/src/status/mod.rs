//! `models status --json --check` in OpenClaw's shape (facts file §4): a renderer of the
//! [`crate::analysis`], which holds every fact under the rules of the OpenClaw version that owns
//! the state ([`crate::rules`]). Nothing is derived here that a second renderer could need.
//!
//! The JSON follows OpenClaw's field names and values (`auth.oauth.profiles[]`,
//! `auth.providers[]`, `auth.unusableProfiles[]`, ...) so scripts written for OpenClaw read ours;
//! what we know beyond that sits under `panel`. Masks are OpenClaw's; no secret is ever included.

mod render;

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Serialize;

pub use crate::analysis::{EXIT_EXPIRED_OR_MISSING, EXIT_EXPIRING, EXIT_OK, env_providers};
use crate::credential::CredentialKind;
use crate::health::{HealthStatus, ReasonCode, UnusableKind};
use crate::order::EffectiveOrder;
use crate::snapshot::StateSnapshot;
pub use render::render;

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

/// Builds the report for one agent (the default agent when `agent` is `None`): analyses that
/// agent and renders it. A caller that already holds the analysis uses [`render`].
pub fn build_status(snapshot: &StateSnapshot, agent: Option<&str>) -> Result<StatusReport, StatusError> {
    let analysis = crate::analysis::analyze_agent(snapshot, agent)
        .ok_or_else(|| StatusError::UnknownAgent(agent.unwrap_or(crate::ids::DEFAULT_AGENT_ID).to_owned()))?;
    Ok(render(snapshot, &analysis, agent.is_some()))
}
