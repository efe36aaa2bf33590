//! The audit log: every change to OpenClaw's credentials, from the command line, the page or the
//! doctor, recorded the same way ([`entry_for_write`], [`AuditLog::append`]),
//! as one JSON line in `<data-dir>/audit.jsonl` (0600): when, who (CLI user or panel client
//! address), what, the masked hint. Never a secret. Rotated by size: `audit.jsonl.1` … `.3`.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use openclaw_state::write::engine::{WriteError, WriteReport};
use serde::{Deserialize, Serialize};

/// The log file in the data dir.
pub const AUDIT_FILE: &str = "audit.jsonl";
/// Rotate when the file grows past this.
pub const ROTATE_BYTES: u64 = 1024 * 1024;
/// Rotated files kept.
pub const KEEP: usize = 3;

pub use panel_common::AuditAction;

/// What a change was about, as far as the caller knows it before the change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditTarget {
    /// The agent named (`""`: not per agent, e.g. `.env`).
    pub agent: String,
    pub provider: Option<String>,
    pub profile_id: Option<String>,
}

impl AuditTarget {
    /// A target; the provider is taken from the profile id when not given, so History's provider
    /// filter finds a removal or a cleared cooldown whoever made it.
    pub fn new(agent: impl Into<String>, provider: Option<String>, profile_id: Option<String>) -> Self {
        let provider = provider
            .or_else(|| profile_id.as_deref().and_then(openclaw_state::ids::profile_provider).map(str::to_owned));
        Self { agent: agent.into(), provider, profile_id }
    }
}

/// One change, or one refused attempt.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    /// ISO time, UTC.
    pub at: String,
    /// `cli:<user>` or `panel:<client address>`.
    pub actor: String,
    pub action: AuditAction,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub agent: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<String>,
    /// What changed, in words, secrets masked.
    pub changes: Vec<String>,
    pub ok: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl AuditEntry {
    /// An entry stamped now: `Ok(changes)` for a change made, `Err(why)` for a refused attempt
    /// (nothing changed). Neither may hold a secret.
    pub fn new(actor: &str, action: AuditAction, target: AuditTarget, outcome: Result<Vec<String>, String>) -> Self {
        let (ok, changes, error) = match outcome {
            Ok(changes) => (true, changes, None),
            Err(why) => (false, Vec::new(), Some(why)),
        };
        Self {
            at: openclaw_state::write::time::iso_millis(crate::clock::now_ms()),
            actor: actor.to_owned(),
            action,
            agent: target.agent,
            provider: target.provider,
            profile_id: target.profile_id,
            changes,
            ok,
            error,
        }
    }
}

/// The one path by which a write of the engine is recorded, from the page, the CLI or the doctor:
/// a done change with what the engine reports it did (its agent and profile when the request did
/// not name them), a refused one with `refusal`'s sentence for the error.
pub fn entry_for_write(
    actor: &str,
    action: AuditAction,
    mut target: AuditTarget,
    result: &Result<WriteReport, WriteError>,
    refusal: impl FnOnce(&WriteError) -> String,
) -> AuditEntry {
    let outcome = match result {
        Ok(report) => {
            if !report.agent.is_empty() {
                target.agent = report.agent.clone();
            }
            if report.profile_id.is_some() {
                target = AuditTarget::new(target.agent, target.provider, report.profile_id.clone());
            }
            Ok(report.changes.clone())
        }
        Err(e) => Err(refusal(e)),
    };
    AuditEntry::new(actor, action, target, outcome)
}

/// The audit log of a data dir.
#[derive(Debug, Clone)]
pub struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    pub fn in_dir(data_dir: &Path) -> Self {
        Self { path: data_dir.join(AUDIT_FILE) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one entry (one `write` of one line, so concurrent writers do not interleave).
    pub fn append(&self, entry: &AuditEntry) -> io::Result<()> {
        if let Some(dir) = self.path.parent() {
            openclaw_state::write::atomic::create_private_dir(dir)?;
        }
        if std::fs::metadata(&self.path).is_ok_and(|m| m.len() >= ROTATE_BYTES) {
            self.rotate()?;
        }
        let mut line = serde_json::to_string(entry).map_err(io::Error::other)?;
        line.push('\n');
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&self.path)?;
        file.write_all(line.as_bytes())?;
        file.sync_data()
    }

    fn rotate(&self) -> io::Result<()> {
        let name = |i: usize| PathBuf::from(format!("{}.{i}", self.path.display()));
        for i in (1..KEEP).rev() {
            if name(i).exists() {
                std::fs::rename(name(i), name(i + 1))?;
            }
        }
        std::fs::rename(&self.path, name(1))
    }

    /// Every entry, newest first (current file, then the rotated ones).
    pub fn read_newest_first(&self) -> Vec<AuditEntry> {
        let mut files = vec![self.path.clone()];
        files.extend((1..=KEEP).map(|i| PathBuf::from(format!("{}.{i}", self.path.display()))));
        let mut out = Vec::new();
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else { continue };
            let mut entries: Vec<AuditEntry> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
            entries.reverse();
            out.extend(entries);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(i: usize) -> AuditEntry {
        AuditEntry {
            at: format!("2026-11-26T00:00:{i:02}.000Z"),
            actor: "cli:root".into(),
            action: AuditAction::OrderSet,
            agent: "main".into(),
            provider: Some("anthropic".into()),
            profile_id: None,
            changes: vec![format!("change {i} {}", "x".repeat(2000))],
            ok: true,
            error: None,
        }
    }

    #[test]
    fn appends_private_lines_rotates_and_reads_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let log = AuditLog::in_dir(&dir.path().join("data"));
        for i in 0..600 {
            log.append(&entry(i % 60)).unwrap();
        }
        assert!(dir.path().join("data/audit.jsonl.1").exists(), "rotated past 1 MiB");
        let all = log.read_newest_first();
        assert_eq!(all.first().unwrap().at, entry(599 % 60).at);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(log.path()).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}
