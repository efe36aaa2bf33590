//! The runner every store operation goes through: lock (or transaction) → load → check the
//! revision → edit the documents → write what changed atomically → report.
//!
//! Operations only describe an edit on [`StoreDocs`]; the eras ([`super::era_json`],
//! [`super::era_sqlite`]) own locking, loading and writing. Invariants: the revision is checked
//! on what was loaded under the lock, so a change based on an old read is refused, never merged;
//! a refused check or edit writes nothing; a preview runs the same edit on a copy read without a
//! lock and writes nothing.

use std::path::PathBuf;

use serde_json::Value;

use super::report::{ConflictView, WriteError};
use super::revision::Revision;
use super::target::{Backing, Target};
use super::{Writer, era_json, era_sqlite};
use crate::write::config_edit::ConfigDoc;
use crate::write::lock::SidecarLock;
use crate::write::store_doc::StoreDocs;
use crate::write::{atomic, time};

/// A store as loaded: the bytes (what the revision hashes) and the documents.
#[derive(Debug, Clone)]
pub(super) struct Loaded {
    pub docs: StoreDocs,
    pub profiles_text: Option<String>,
    pub state_text: Option<String>,
}

impl Loaded {
    pub(super) fn revision(&self) -> Revision {
        Revision::of(&[self.profiles_text.as_deref(), self.state_text.as_deref()])
    }
}

/// What a store write did.
#[derive(Debug)]
pub(super) struct Applied {
    pub changes: Vec<String>,
    pub files: Vec<PathBuf>,
    pub revision: Revision,
}

/// An operation's edit: decided on the documents as loaded, returns the changes in words.
pub(super) type Edit<'a> = dyn FnMut(&mut StoreDocs) -> Result<Vec<String>, WriteError> + 'a;
/// What an era calls inside its lock or transaction: the revision found, the documents to edit.
pub(super) type Decide<'a> = dyn FnMut(&Revision, &mut StoreDocs) -> Result<Vec<String>, WriteError> + 'a;

/// A conflict when the caller based its change on another revision than the one found.
pub(super) fn check_revision(
    expected: Option<&Revision>,
    found: &Revision,
    docs: &StoreDocs,
) -> Result<(), WriteError> {
    match expected {
        Some(e) if e != found => {
            let orders = docs
                .state
                .as_ref()
                .unwrap_or(&docs.profiles)
                .get("order")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            Err(WriteError::Conflict {
                expected: e.clone(),
                found: found.clone(),
                current: Box::new(ConflictView { orders, profile_ids: docs.profile_ids() }),
            })
        }
        _ => Ok(()),
    }
}

impl Writer {
    /// Applies `edit` to the target's store, atomically and under OpenClaw's locks, if the store
    /// is still at `expected` (when given).
    pub(super) fn apply(
        &self,
        target: &Target,
        expected: Option<&Revision>,
        edit: &mut Edit<'_>,
    ) -> Result<Applied, WriteError> {
        let mut decide = |found: &Revision, docs: &mut StoreDocs| {
            check_revision(expected, found, docs)?;
            edit(docs)
        };
        match &target.backing {
            Backing::Json { profiles, state } => era_json::transact(self.retry, profiles, state.as_ref(), &mut decide),
            Backing::Sqlite { store, state_db } => {
                era_sqlite::transact(&target.agent, target.rules.write.agent_db.as_ref(), store, state_db, &mut decide)
            }
        }
    }

    /// The target's store as it is now, read without a lock.
    pub(super) fn load(&self, target: &Target) -> Result<Loaded, WriteError> {
        match &target.backing {
            Backing::Json { profiles, state } => era_json::load(profiles, state.as_deref()),
            Backing::Sqlite { store, state_db } => era_sqlite::load(store, state_db),
        }
    }

    /// Edits `openclaw.json` under its own sidecar lock, with the `.bak` ring. Returns the path
    /// when it was written, and a warning when JSON5 syntax was rewritten as plain JSON.
    pub(super) fn config_edit(
        &self,
        edit: impl FnOnce(&mut ConfigDoc) -> bool,
    ) -> Result<(Option<PathBuf>, Vec<String>), WriteError> {
        let path = self.location.config_path.clone();
        let _lock = SidecarLock::acquire(&path, self.retry)?;
        atomic::remove_own_leftovers(&path);
        let mut doc = ConfigDoc::read(&path)?;
        if !edit(&mut doc) {
            return Ok((None, Vec::new()));
        }
        doc.touch(&time::iso_millis(time::now_ms()));
        if !doc.changed() {
            return Ok((None, Vec::new()));
        }
        let mut warnings = Vec::new();
        if doc.is_json5 {
            warnings.push(format!(
                "{} used JSON5 syntax (comments, trailing commas or unquoted keys); it was rewritten as plain JSON, \
                 as OpenClaw itself does on every config write. The previous text is in {}.bak",
                path.display(),
                path.display()
            ));
        }
        doc.save()?;
        Ok((Some(path), warnings))
    }
}
