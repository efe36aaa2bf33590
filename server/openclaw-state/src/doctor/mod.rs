//! The native auth doctor: every auth problem the panel knows, found in one pass over a
//! [`StateSnapshot`] plus a look at the files (modes, locks, temp files, legacy files), each with
//! an id, a severity, the file or config path, what to do, and — where the panel can do it — a
//! [`Fix`] that [`fix::apply`] carries out through the write engine.
//!
//! Checks only read. What OpenClaw sees (health, roll-ups, models in use, the `--check` outcome)
//! comes from the [`crate::analysis`] of the snapshot the profiles page uses, so the doctor, the
//! page and `status --json` never disagree about it.

mod checks_config;
mod checks_credentials;
mod checks_files;
mod checks_order;
pub mod fix;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::analysis::Analysis;
use crate::problem::Severity;
use crate::snapshot::StateSnapshot;

/// One check: what it looks for. The list is [`CHECKS`]; `doctor --list` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CheckInfo {
    pub id: &'static str,
    pub severity: Severity,
    pub looks_for: &'static str,
}

const fn check(id: &'static str, severity: Severity, looks_for: &'static str) -> CheckInfo {
    CheckInfo { id, severity, looks_for }
}

/// Every check, in report order.
pub const CHECKS: &[CheckInfo] = &[
    check("token-expired", Severity::Error, "a token or OAuth access token whose expiry has passed"),
    check("token-expiring", Severity::Warning, "a token or OAuth access token that expires within 24 hours"),
    check("expiry-invalid", Severity::Error, "an expires value OpenClaw cannot use (not a positive number)"),
    check("credential-missing", Severity::Error, "a stored profile with no usable secret"),
    check("cooldown-active", Severity::Warning, "a profile in a rate-limit or failure cooldown"),
    check("disabled-active", Severity::Warning, "a profile disabled (billing, permanent auth failure)"),
    check("setup-token-as-api-key", Severity::Error, "an Anthropic setup token stored as an API key"),
    check("api-key-as-token", Severity::Warning, "an Anthropic API key stored as a token"),
    check("duplicate-secret", Severity::Warning, "one secret stored under several profile ids"),
    check("order-missing-profile", Severity::Warning, "a stored order naming a profile that does not exist"),
    check("order-wrong-provider", Severity::Warning, "a stored order naming a profile of another provider"),
    check("config-order-missing-profile", Severity::Warning, "config auth.order naming a profile no store holds"),
    check("config-order-wrong-provider", Severity::Warning, "config auth.order naming a profile of another provider"),
    check("config-mode-mismatch", Severity::Error, "config auth.profiles mode disagreeing with the stored type"),
    check("config-provider-mismatch", Severity::Error, "config auth.profiles provider disagreeing with the store"),
    check("config-profile-without-credential", Severity::Warning, "a config auth.profiles entry no store holds"),
    check(
        "credential-not-in-config",
        Severity::Warning,
        "a stored profile OpenClaw skips: its provider's config auth.profiles leave it out",
    ),
    check(
        "model-provider-without-credential",
        Severity::Error,
        "a provider of a configured model with no (usable) credential anywhere: an error for the default model, \
         a warning when only a fallback, image or utility model uses it",
    ),
    check("env-and-store", Severity::Info, "a provider with both an environment key and stored profiles"),
    check("dotenv-unparsable", Severity::Warning, "a line of <state>/.env that does not parse"),
    check("state-dir-permissions", Severity::Warning, "a state dir readable or writable by group or others"),
    check("file-permissions", Severity::Warning, "a credential or config file readable by group or others"),
    check("stale-lock", Severity::Warning, "a lock file of a dead writer or older than 30 s"),
    check("leftover-temp-file", Severity::Info, "a temp file a killed writer left beside a store"),
    check("migration-required", Severity::Error, "a legacy JSON store beside SQLite (OpenClaw 2026.6+ refuses it)"),
    check("legacy-auth-json", Severity::Warning, "a pre-2026 agents/<id>/agent/auth.json"),
    check("legacy-oauth-json", Severity::Warning, "a legacy <state>/credentials/oauth.json"),
    check("unreadable-file", Severity::Error, "a store, state or config file that cannot be read"),
];

/// The description of check `id`.
pub fn check_info(id: &str) -> Option<&'static CheckInfo> {
    CHECKS.iter().find(|c| c.id == id)
}

/// Something the panel can do about a finding. Applied only when a fresh run finds it again
/// (see [`fix::apply`]), so a fix never acts on stale or forged input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Fix {
    /// `chmod <mode> <path>` (700 for the state dir, 600 for files).
    Chmod {
        path: PathBuf,
        mode: u32,
    },
    ClearCooldown {
        agent: String,
        profile_id: String,
    },
    /// Store the provider's order without this id (clear it when nothing is left).
    DropFromOrder {
        agent: String,
        provider: String,
        profile_id: String,
    },
    /// Store the secret again under the same id with the right type.
    Retype {
        agent: String,
        profile_id: String,
        to: crate::write::normalize::SecretKind,
    },
    RemoveStaleLock {
        path: PathBuf,
    },
    RemoveTempFile {
        path: PathBuf,
    },
}

impl Fix {
    /// What the fix does, in words (the confirm dialog and `--json` say it).
    pub fn describe(&self, location: &crate::StateLocation) -> String {
        match self {
            Self::Chmod { path, mode } => format!("chmod {mode:o} {}", location.display(path)),
            Self::ClearCooldown { profile_id, agent } => {
                format!("clear the cooldown or disable of {profile_id} (agent {agent})")
            }
            Self::DropFromOrder { agent, provider, profile_id } => {
                format!("remove {profile_id} from the stored order of {provider} (agent {agent})")
            }
            Self::Retype { agent, profile_id, to } => {
                let word = match to {
                    crate::write::normalize::SecretKind::Token => "a token",
                    crate::write::normalize::SecretKind::ApiKey => "an API key",
                };
                format!("store {profile_id} again as {word} (agent {agent}), same secret")
            }
            Self::RemoveStaleLock { path } => format!("remove the stale lock {}", location.display(path)),
            Self::RemoveTempFile { path } => format!("remove the leftover {}", location.display(path)),
        }
    }
}

/// One problem found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub check: &'static str,
    pub severity: Severity,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<String>,
    /// What is wrong; never a secret.
    pub message: String,
    /// The file, or `openclaw.json: auth.order.anthropic` for a config key (`~`-shortened).
    pub path: String,
    /// What to do about it.
    pub fix_hint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// A stable id of this finding (check, agent, subject), for a fix request from the page.
    pub key: String,
}

/// What the checks build findings from.
pub(crate) struct FindingDraft<'a> {
    pub check: &'static str,
    pub agent: Option<&'a str>,
    pub provider: Option<&'a str>,
    pub profile_id: Option<&'a str>,
    /// The subject when there is no profile (a path, an env var, a config key).
    pub subject: Option<String>,
}

impl FindingDraft<'_> {
    pub fn finish(self, message: String, path: String, fix_hint: String, fix: Option<Fix>) -> Finding {
        let severity = check_info(self.check).map_or(Severity::Warning, |c| c.severity);
        self.finish_as(severity, message, path, fix_hint, fix)
    }

    pub fn finish_as(
        self,
        severity: Severity,
        message: String,
        path: String,
        fix_hint: String,
        fix: Option<Fix>,
    ) -> Finding {
        let key = [
            self.check,
            self.agent.unwrap_or(""),
            self.provider.unwrap_or(""),
            self.profile_id.unwrap_or(""),
            self.subject.as_deref().unwrap_or(""),
        ]
        .join("|");
        Finding {
            check: self.check,
            severity,
            agent: self.agent.map(str::to_owned),
            provider: self.provider.map(str::to_owned),
            profile_id: self.profile_id.map(str::to_owned),
            message,
            path,
            fix_hint,
            fix,
            key,
        }
    }
}

/// All findings of one run, worst first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DoctorReport {
    pub state_dir: String,
    pub checks_run: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub findings: Vec<Finding>,
    /// 1 when an error was found, else 2 when a warning was, else 0 (as `status --check`).
    pub exit_code: u8,
}

/// Runs every check on `snapshot` (and the files under its state dir).
pub fn run(snapshot: &StateSnapshot) -> DoctorReport {
    run_with(snapshot, &crate::analysis::analyze(snapshot))
}

/// Runs every check on `snapshot` with its [`Analysis`] (computed once by the caller, so the
/// doctor reads the same roll-ups, orders and check outcome as every other renderer).
pub fn run_with(snapshot: &StateSnapshot, analysis: &Analysis) -> DoctorReport {
    let mut findings = Vec::new();
    checks_credentials::run(snapshot, analysis, &mut findings);
    checks_order::run(snapshot, &mut findings);
    checks_config::run(snapshot, analysis, &mut findings);
    checks_files::run(snapshot, &mut findings);
    let rank = |id: &str| CHECKS.iter().position(|c| c.id == id).unwrap_or(usize::MAX);
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(rank(a.check).cmp(&rank(b.check))));
    findings.dedup_by(|a, b| a.key == b.key);
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let (errors, warnings, infos) = (count(Severity::Error), count(Severity::Warning), count(Severity::Info));
    DoctorReport {
        state_dir: snapshot.location.display(&snapshot.location.state_dir),
        checks_run: CHECKS.len(),
        errors,
        warnings,
        infos,
        findings,
        exit_code: if errors > 0 {
            1
        } else if warnings > 0 {
            2
        } else {
            0
        },
    }
}

/// `~`-shortened path for a finding.
pub(crate) fn shown(snapshot: &StateSnapshot, path: &Path) -> String {
    snapshot.location.display(path)
}

/// `openclaw.json: <key>` for a finding about a config key.
pub(crate) fn config_key(snapshot: &StateSnapshot, key: &str) -> String {
    format!("{}: {key}", snapshot.location.display(&snapshot.location.config_path))
}

#[cfg(test)]
mod tests;
