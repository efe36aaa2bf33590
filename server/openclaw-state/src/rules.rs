//! OpenClaw's rules by version family (facts file §4.2.1): how it reports status, and how it
//! writes (where order and usage go, key order of a pasted credential, the schema of a new agent
//! database). Every difference between versions lives in this one table, so the status code and
//! the write engine ask "what do these rules say" instead of testing version numbers.

/// The three families whose rules were measured with the real CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub enum VersionFamily {
    /// Up to 2026.4.5 (measured: 2026.3.31). Storage era A.
    V2026_3,
    /// 2026.4.6 – 2026.5.x (measured: 2026.5.28). Storage era B.
    V2026_5,
    /// 2026.6 and later (measured: 2026.9.6). Storage era C.
    V2026_9,
}

/// Which profiles `models status --check` looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum CheckScope {
    /// Every oauth/token profile, used by a model or not.
    AllProfiles,
    /// Providers used by the default, fallback and image models, through their roll-up.
    ProvidersInUse,
    /// Per model route, the profile that route would actually use (effective order, cooldowns).
    ModelRoutes,
}

/// The rules one OpenClaw version family applies when it reports auth status.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleSet {
    pub family: VersionFamily,
    /// The release these rules were measured on.
    pub measured_on: &'static str,
    /// Human label for the page: which rules were applied.
    pub label: &'static str,
    /// An expired/expiring OAuth access token with a refresh token reads `ok`.
    pub oauth_refresh_counts_as_ok: bool,
    /// An `api_key` profile with a blank key reads `missing` (else `static`).
    pub blank_api_key_is_missing: bool,
    pub check_scope: CheckScope,
    /// The default model when none is configured.
    pub default_model: &'static str,
    /// Env-var providers this family does not recognise.
    pub env_providers_ignored: &'static [&'static str],
    /// Extra env-var providers this family lists (provider, vars).
    pub env_providers_extra: &'static [(&'static str, &'static [&'static str])],
    /// Providers `models status` lists as mirrors of another provider's env var (e.g.
    /// `claude-cli` for `ANTHROPIC_API_KEY`); an entry replaces a base entry of the same name.
    /// Only the status report shows them: on the page they would be noise.
    pub env_status_mirrors: &'static [EnvMirror],
    /// `unusableProfiles[].reason` is given for cooldowns too (else only for disables).
    pub cooldown_reason_shown: bool,
    /// An `expires` beyond JavaScript's Date range (8.64e15 ms) is invalid (else accepted).
    pub expires_upper_bound: bool,
    /// An expired OAuth access token without a refresh token is not eligible for selection.
    pub oauth_expired_without_refresh_ineligible: bool,
    /// How `expiresAt` of an OAuth profile with an unusable `expires` is reported.
    pub oauth_invalid_expires: InvalidExpiresShown,
    /// Rate-limit cooldowns apply to their `cooldownModel` only when choosing a profile for a route.
    pub model_scoped_cooldowns: bool,
    /// How `auth.oauth.providers[]` rolls profiles up.
    pub oauth_providers_rollup: RollupStyle,
    /// The utility model checked beside a default of this provider, unless config sets one
    /// (`utilityModel`, `""` = disabled): (default's provider, utility model ref).
    pub utility_models: &'static [(&'static str, &'static str)],
    /// `models status --check` fails (`{ok:false,error}`, exit 1) for an agent whose credentials
    /// sit in a legacy JSON store beside SQLite (measured on 2026.9.6).
    pub legacy_store_fails_check: bool,
    /// How this family writes credentials.
    pub write: WriteRules,
}

/// What differs in how a version family writes the auth store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct WriteRules {
    /// A new agent's store goes to SQLite (era C); else to JSON files.
    pub new_store_in_sqlite: bool,
    /// A JSON store this family writes keeps order, lastGood and usage in `auth-state.json`
    /// (era B) rather than inside `auth-profiles.json` (era A). 2026.6+ writes SQLite and leaves
    /// a legacy era-A file as it is.
    pub json_state_file: bool,
    /// A pasted token is built `{type, provider, expires, token}` (else `{…, token, expires}`).
    pub token_expires_before_secret: bool,
    /// The database this family creates for an agent that has none (era C only).
    #[serde(skip)]
    pub agent_db: Option<AgentDbSchema>,
}

/// The schema of an agent database as one OpenClaw release creates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgentDbSchema {
    /// The DDL, as dumped from a database that release made.
    pub sql: &'static str,
    /// `PRAGMA user_version` and `schema_meta.schema_version`.
    pub schema_version: i64,
    /// `schema_meta.app_version`: the release that made it.
    pub app_version: &'static str,
}

/// A provider `models status` lists because another provider's env var is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct EnvMirror {
    pub provider: &'static str,
    pub vars: &'static [&'static str],
    /// Whose stored profiles it shows as its own (`claude-cli` shows `anthropic`'s).
    pub profiles_of: Option<&'static str>,
}

const fn mirror(provider: &'static str, vars: &'static [&'static str], profiles_of: Option<&'static str>) -> EnvMirror {
    EnvMirror { provider, vars, profiles_of }
}

/// How a version rolls a provider's profiles up in `auth.oauth.providers[]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum RollupStyle {
    /// Every profile; providers with auth but no profile listed as `missing` (2026.3).
    AllProfiles,
    /// The effective profiles; expired or missing → `expired` (2026.5).
    Effective5,
    /// The effective profiles; `expired`, then `missing`, then `expiring` (2026.6+).
    Effective9,
}

/// How a version reports a non-numeric OAuth `expires` in `expiresAt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum InvalidExpiresShown {
    /// The stored value, as written (`"tomorrow"`).
    Echo,
    /// `0`.
    Zero,
    /// Left out.
    Omit,
}

/// The rule sets, oldest first.
pub static RULES: [RuleSet; 3] = [
    RuleSet {
        family: VersionFamily::V2026_3,
        measured_on: "2026.3.31",
        label: "OpenClaw ≤ 2026.4.5 rules (measured on 2026.3.31)",
        oauth_refresh_counts_as_ok: true,
        blank_api_key_is_missing: false,
        check_scope: CheckScope::AllProfiles,
        default_model: "anthropic/claude-opus-4-6",
        // Measured: 2026.3.31 does not list DEEPSEEK_API_KEY.
        env_providers_ignored: &["deepseek"],
        env_providers_extra: &[],
        env_status_mirrors: &[],
        cooldown_reason_shown: false,
        expires_upper_bound: false,
        oauth_expired_without_refresh_ineligible: false,
        oauth_invalid_expires: InvalidExpiresShown::Echo,
        model_scoped_cooldowns: false,
        oauth_providers_rollup: RollupStyle::AllProfiles,
        utility_models: &[],
        legacy_store_fails_check: false,
        // Measured: 2026.3.31 builds `{type, provider, token, expires}`.
        write: WriteRules {
            new_store_in_sqlite: false,
            json_state_file: false,
            token_expires_before_secret: false,
            agent_db: None,
        },
    },
    RuleSet {
        family: VersionFamily::V2026_5,
        measured_on: "2026.5.28",
        label: "OpenClaw 2026.4.6 – 2026.5.x rules (measured on 2026.5.28)",
        oauth_refresh_counts_as_ok: false,
        blank_api_key_is_missing: false,
        check_scope: CheckScope::ProvidersInUse,
        default_model: "openai/gpt-5.5",
        env_providers_ignored: &[],
        env_providers_extra: &[],
        env_status_mirrors: &[
            mirror("anthropic-openai", &["ANTHROPIC_API_KEY"], None),
            mirror("claude-cli", &["ANTHROPIC_OAUTH_TOKEN", "ANTHROPIC_API_KEY"], Some("anthropic")),
            mirror("openai-codex", &["OPENAI_API_KEY"], None),
            mirror("perplexity", &["PERPLEXITY_API_KEY", "OPENROUTER_API_KEY"], None),
        ],
        cooldown_reason_shown: false,
        expires_upper_bound: false,
        oauth_expired_without_refresh_ineligible: false,
        oauth_invalid_expires: InvalidExpiresShown::Zero,
        model_scoped_cooldowns: false,
        oauth_providers_rollup: RollupStyle::Effective5,
        utility_models: &[],
        legacy_store_fails_check: false,
        // Measured: 2026.5.28 puts `expires` before `token`, and order/usage in auth-state.json.
        write: WriteRules {
            new_store_in_sqlite: false,
            json_state_file: true,
            token_expires_before_secret: true,
            agent_db: None,
        },
    },
    RuleSet {
        family: VersionFamily::V2026_9,
        measured_on: "2026.9.6",
        label: "OpenClaw ≥ 2026.6 rules (measured on 2026.9.6)",
        oauth_refresh_counts_as_ok: false,
        blank_api_key_is_missing: true,
        check_scope: CheckScope::ModelRoutes,
        default_model: "openai/gpt-6-astra",
        // Measured: 2026.9.6 lists none of GROQ_API_KEY, MISTRAL_API_KEY, DEEPSEEK_API_KEY.
        env_providers_ignored: &["groq", "mistral", "deepseek"],
        env_providers_extra: &[("x-ai", &["XAI_API_KEY"])],
        env_status_mirrors: &[
            mirror("anthropic-openai", &["ANTHROPIC_API_KEY"], None),
            mirror("claude-cli", &["ANTHROPIC_OAUTH_TOKEN", "ANTHROPIC_API_KEY"], Some("anthropic")),
        ],
        cooldown_reason_shown: true,
        expires_upper_bound: true,
        oauth_expired_without_refresh_ineligible: true,
        oauth_invalid_expires: InvalidExpiresShown::Omit,
        model_scoped_cooldowns: true,
        oauth_providers_rollup: RollupStyle::Effective9,
        utility_models: &[("anthropic", "anthropic/claude-haiku-4-5"), ("openai", "openai/gpt-5.6-luna")],
        legacy_store_fails_check: true,
        // Measured: 2026.9.6 puts `expires` before `token` and creates agent databases at schema 23.
        write: WriteRules {
            new_store_in_sqlite: true,
            json_state_file: false,
            token_expires_before_secret: true,
            agent_db: Some(AgentDbSchema {
                sql: include_str!("agent_schema_v23.sql"),
                schema_version: 23,
                app_version: "2026.9.6",
            }),
        },
    },
];

impl RuleSet {
    pub fn for_family(family: VersionFamily) -> &'static RuleSet {
        match family {
            VersionFamily::V2026_3 => &RULES[0],
            VersionFamily::V2026_5 => &RULES[1],
            VersionFamily::V2026_9 => &RULES[2],
        }
    }

    /// The rule family that goes with a storage era when no version is recorded.
    pub fn for_era(era: crate::snapshot::Era) -> &'static RuleSet {
        use crate::snapshot::Era;
        Self::for_family(match era {
            Era::A => VersionFamily::V2026_3,
            Era::B => VersionFamily::V2026_5,
            Era::C => VersionFamily::V2026_9,
        })
    }

    /// The newest rules, used when nothing tells which version owns the state.
    pub fn newest() -> &'static RuleSet {
        &RULES[2]
    }
}

/// Which family an OpenClaw version string (`2026.5.28`, `2026.9.6-beta.1`) belongs to; `None`
/// for something that is not a calendar version.
pub fn family_of_version(version: &str) -> Option<VersionFamily> {
    let core = version.trim().trim_start_matches('v');
    let core = core.split(['-', '+', ' ']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u32>().ok());
    let year = parts.next()??;
    let month = parts.next()??;
    let day = parts.next().flatten().unwrap_or(0);
    Some(match (year, month, day) {
        (y, _, _) if y < 2026 => VersionFamily::V2026_3,
        (2026, m, _) if m < 4 => VersionFamily::V2026_3,
        (2026, 4, d) if d <= 5 => VersionFamily::V2026_3,
        (2026, m, _) if m <= 5 => VersionFamily::V2026_5,
        _ => VersionFamily::V2026_9,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_map_to_families() {
        assert_eq!(family_of_version("2026.3.31"), Some(VersionFamily::V2026_3));
        assert_eq!(family_of_version("2026.1.5"), Some(VersionFamily::V2026_3));
        assert_eq!(family_of_version("2026.4.5"), Some(VersionFamily::V2026_3));
        assert_eq!(family_of_version("2026.4.6"), Some(VersionFamily::V2026_5));
        assert_eq!(family_of_version("2026.5.28"), Some(VersionFamily::V2026_5));
        assert_eq!(family_of_version("2026.6.1"), Some(VersionFamily::V2026_9));
        assert_eq!(family_of_version("v2026.9.6-beta.2"), Some(VersionFamily::V2026_9));
        assert_eq!(family_of_version("2027.1.1"), Some(VersionFamily::V2026_9));
        assert_eq!(family_of_version("latest"), None);
    }

    #[test]
    fn table_is_ordered_by_family() {
        for (i, r) in RULES.iter().enumerate() {
            assert_eq!(RuleSet::for_family(r.family), &RULES[i]);
            assert_eq!(family_of_version(r.measured_on), Some(r.family));
        }
    }
}
