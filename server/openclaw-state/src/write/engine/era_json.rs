//! Eras A and B: the store as JSON files, read and written side by side.
//!
//! Read half: `auth-profiles.json` and (era B) `auth-state.json` as text and documents; their
//! bytes make the [`Revision`]. Write half: under OpenClaw's sidecar lock on
//! `auth-profiles.json`, re-read both files, let the runner check the revision and edit, then
//! write each changed file atomically as `JSON.stringify(x, null, 2) + "\n"`. Era B deletes
//! `auth-state.json` when order, lastGood and usage are all empty, as OpenClaw does.
//!
//! Invariants: a file the edit did not change keeps its bytes (a hand-formatted file stays as it
//! is); the revision after a write hashes what is on disk then.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::WriteError;
use super::revision::Revision;
use super::runner::{Applied, Decide, Loaded};
use crate::write::atomic;
use crate::write::json_text::stringify_pretty;
use crate::write::lock::{LockRetry, SidecarLock};
use crate::write::store_doc::StoreDocs;

fn read_json_file(path: &Path) -> Result<Option<(String, Value)>, WriteError> {
    match crate::bounded::read_to_string(path) {
        Ok(text) => {
            let value = serde_json::from_str(&text)
                .map_err(|e| WriteError::Corrupt { path: path.to_owned(), message: e.to_string() })?;
            Ok(Some((text, value)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(WriteError::Io { path: path.to_owned(), source }),
    }
}

/// Reads the store as it is now (no lock: for a revision or a preview).
pub(super) fn load(profiles: &Path, state: Option<&Path>) -> Result<Loaded, WriteError> {
    let p = read_json_file(profiles)?;
    let s = match state {
        Some(path) => read_json_file(path)?,
        None => None,
    };
    let (profiles_text, profiles_doc) = p.unzip();
    let (state_text, state_doc) = s.unzip();
    Ok(Loaded { docs: StoreDocs::new(profiles_doc, state_doc, state.is_some()), profiles_text, state_text })
}

/// Locks, loads, lets `decide` check and edit, writes what changed.
pub(super) fn transact(
    retry: LockRetry,
    profiles: &Path,
    state: Option<&PathBuf>,
    decide: &mut Decide<'_>,
) -> Result<Applied, WriteError> {
    if let Some(dir) = profiles.parent() {
        atomic::create_private_dir(dir).map_err(WriteError::io(dir))?;
    }
    let _lock = SidecarLock::acquire(profiles, retry)?;
    atomic::remove_own_leftovers(profiles);
    if let Some(path) = state {
        atomic::remove_own_leftovers(path);
    }
    let loaded = load(profiles, state.map(PathBuf::as_path))?;
    let mut docs = loaded.docs.clone();
    let changes = decide(&loaded.revision(), &mut docs)?;
    let before = &loaded.docs;
    let mut files = Vec::new();
    let mut final_profiles = loaded.profiles_text.clone();
    if docs.profiles != before.profiles || loaded.profiles_text.is_none() {
        let text = stringify_pretty(&docs.profiles);
        atomic::replace_file(profiles, text.as_bytes()).map_err(WriteError::io(profiles))?;
        files.push(profiles.to_owned());
        final_profiles = Some(text);
    }
    let mut final_state = loaded.state_text.clone();
    let had_state = loaded.state_text.is_some();
    if let (Some(path), Some(state_doc)) = (state, &docs.state)
        && (docs.state != before.state || (had_state && docs.state_is_empty()))
    {
        if docs.state_is_empty() {
            if had_state {
                std::fs::remove_file(path).map_err(WriteError::io(path))?;
                atomic::sync_dir(path.parent().unwrap_or(Path::new("."))).map_err(WriteError::io(path))?;
                files.push(path.clone());
            }
            final_state = None;
        } else {
            let text = stringify_pretty(state_doc);
            atomic::replace_file(path, text.as_bytes()).map_err(WriteError::io(path))?;
            files.push(path.clone());
            final_state = Some(text);
        }
    }
    Ok(Applied { changes, files, revision: Revision::of(&[final_profiles.as_deref(), final_state.as_deref()]) })
}
