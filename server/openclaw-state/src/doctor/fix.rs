//! Applying a finding's fix. The caller names the finding by its key only; the doctor runs again
//! on a fresh read and applies the fix of the finding it finds under that key now. So a fix never
//! acts on a path or id that came from outside, nor on a problem that is already gone.

use std::path::PathBuf;

use super::{Finding, Fix};
use crate::snapshot::StateSnapshot;
use crate::write::engine::{WriteError, WriteReport, Writer};

#[derive(Debug, thiserror::Error)]
pub enum FixError {
    #[error("that problem is not there any more; run the doctor again to see what is left")]
    Gone,
    #[error("the panel cannot fix this one by itself: {0}")]
    Manual(String),
    #[error(transparent)]
    Write(#[from] WriteError),
    #[error("cannot change {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{0} is held again by a running process; nothing was removed")]
    LockHeld(String),
}

/// What a fix did.
#[derive(Debug, Clone)]
pub struct Applied {
    pub finding: Finding,
    /// In words, for the page, the CLI and the audit log.
    pub did: String,
    /// The write engine's report when the fix went through it.
    pub report: Option<WriteReport>,
}

/// Applies the fix of the finding `key` as found in `snapshot` (read just before).
pub fn apply(writer: &Writer, snapshot: &StateSnapshot, key: &str) -> Result<Applied, FixError> {
    let report = super::run(snapshot);
    let finding = report.findings.into_iter().find(|f| f.key == key).ok_or(FixError::Gone)?;
    let Some(fix) = finding.fix.clone() else { return Err(FixError::Manual(finding.fix_hint.clone())) };
    let did = fix.describe(&snapshot.location);
    let loc = &snapshot.location;
    let report = match &fix {
        Fix::Chmod { path, mode } => {
            // Only the state dir and what is under it, or the config file in its own dir: what
            // the checks list. Opened without following any link (no check-then-act window).
            let root = if path.starts_with(&loc.state_dir) {
                loc.state_dir.clone()
            } else if *path == loc.config_path {
                loc.config_path.parent().map(PathBuf::from).unwrap_or_default()
            } else {
                return Err(FixError::Manual(format!("{} is outside the state dir", loc.display(path))));
            };
            crate::write::beneath::chmod_beneath(&root, path, *mode).map_err(|e| match e {
                crate::write::beneath::BeneathError::Io(source) => FixError::Io { path: path.clone(), source },
                refused => {
                    FixError::Manual(refused.to_string().replace(&path.display().to_string(), &loc.display(path)))
                }
            })?;
            None
        }
        Fix::ClearCooldown { agent, profile_id } => Some(writer.clear_cooldown(Some(agent), profile_id, None)?),
        Fix::DropFromOrder { agent, provider, profile_id } => {
            Some(writer.order_drop(Some(agent), provider, profile_id, None)?)
        }
        Fix::Retype { agent, profile_id, to } => {
            let profile = snapshot.agent(agent).and_then(|a| a.profile(profile_id)).ok_or(FixError::Gone)?;
            let secret = profile.credential.secret.clone().ok_or(FixError::Gone)?;
            Some(writer.paste(
                Some(agent),
                &profile.credential.provider,
                Some(profile_id),
                *to,
                &secret,
                None,
                false,
                None,
            )?)
        }
        Fix::RemoveStaleLock { path } => {
            let removed = crate::write::lock::remove_if_stale(path)
                .map_err(|source| FixError::Io { path: path.clone(), source })?;
            if !removed && path.exists() {
                return Err(FixError::LockHeld(loc.display(path)));
            }
            None
        }
        Fix::RemoveTempFile { path } => {
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    return Err(FixError::Io { path: path.clone(), source: e });
                }
                _ => {}
            }
            if let Some(dir) = path.parent() {
                let _ = crate::write::atomic::sync_dir(dir);
            }
            None
        }
    };
    Ok(Applied { finding, did, report })
}
