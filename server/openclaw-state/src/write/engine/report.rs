//! What the engine answers: the refusals ([`WriteError`]) and what a write did ([`WriteReport`]).
//!
//! Invariant: neither ever holds a secret. Changes name secrets by their mask, errors name ids,
//! paths and what to do. A `WriteError` means nothing was changed.

use std::path::PathBuf;

use serde::Serialize;
use serde_json::{Map, Value};

use super::revision::Revision;
use super::target::Target;
use crate::snapshot::Era;
use crate::write::config_edit::ConfigEditError;
use crate::write::lock::LockError;
use crate::write::normalize::{Hint, InputError};

/// Why a write did not happen. Nothing was changed when one of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("agent id {0:?} is not valid (letters, digits, `-` and `_`, at most 64)")]
    BadAgentId(String),
    #[error(
        "agent {agent:?} has credentials in a legacy JSON store that OpenClaw {family} no longer reads; run \
         `openclaw doctor --fix` on the host to import them first"
    )]
    MigrationRequired { agent: String, family: &'static str },
    #[error("there is no profile {id:?} for agent {agent:?}")]
    UnknownProfile { agent: String, id: String },
    #[error("profile {id:?} is a {found} profile, not {provider}")]
    WrongProvider { id: String, provider: String, found: String },
    #[error("the order lists {0:?} twice")]
    DuplicateInOrder(String),
    #[error(
        "the store changed since it was read (expected version {expected}, found {found}); reload to see the \
         current state, then repeat the change"
    )]
    Conflict { expected: Revision, found: Revision, current: Box<ConflictView> },
    #[error("{path} is not valid JSON ({message}); fix or restore it before writing (nothing was changed)")]
    Corrupt { path: PathBuf, message: String },
    #[error(transparent)]
    Env(crate::write::env_file::EnvEditError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Config(#[from] ConfigEditError),
    #[error("cannot write {path}: {source} (the original is unchanged)")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("database {path}: {message} (nothing was changed)")]
    Sqlite { path: PathBuf, message: String },
}

impl WriteError {
    pub(super) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
        move |source| WriteError::Io { path: path.to_owned(), source }
    }

    pub(super) fn sqlite<E: std::fmt::Display>(path: &std::path::Path) -> impl FnOnce(E) -> WriteError + '_ {
        move |e| WriteError::Sqlite { path: path.to_owned(), message: e.to_string() }
    }
}

/// What the store holds now, shown with a conflict so the admin can compare.
#[derive(Debug, Clone, Serialize)]
pub struct ConflictView {
    /// provider → stored order, as it is now.
    pub orders: Map<String, Value>,
    pub profile_ids: Vec<String>,
}

/// What a write did, for the CLI, the page and the audit log. Never holds a secret.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WriteReport {
    pub agent: String,
    pub era: &'static str,
    /// One line per change, in words, secrets masked.
    pub changes: Vec<String>,
    pub files: Vec<PathBuf>,
    pub hints: Vec<HintView>,
    pub warnings: Vec<String>,
    /// The gateway must restart to use the change (eras A/B and `.env`).
    pub restart_gateway: bool,
    pub restart_note: String,
    /// The store's revision after the write (to base the next change on).
    pub version: Revision,
    pub profile_id: Option<String>,
    pub masked: Option<String>,
    /// For a `.env` edit: whether the key was added, replaced or removed (a running gateway
    /// loads new keys on a restart, changed values only on a full stop and start).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env_change: Option<crate::write::env_file::EnvChange>,
}

/// A hint with its sentence, as the CLI prints it and the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct HintView {
    #[serde(flatten)]
    pub hint: Hint,
    pub message: String,
}

impl From<Hint> for HintView {
    fn from(hint: Hint) -> Self {
        let message = hint.message();
        Self { hint, message }
    }
}

pub(super) fn era_code(era: Era) -> &'static str {
    match era {
        Era::A => "A",
        Era::B => "B",
        Era::C => "C",
    }
}

/// The report of a store write to `target`, with the restart advice of its era.
pub(super) fn store_report(
    target: &Target,
    changes: Vec<String>,
    files: Vec<PathBuf>,
    version: Revision,
) -> WriteReport {
    // What a running gateway does with a store change, measured (facts §11.1): 2026.3 reads it
    // only at start; 2026.5 may use the old secret for a run and re-reads on `secrets.reload`;
    // 2026.9 never re-reads a store changed behind its back until `models.authRefresh`.
    let (restart_gateway, restart_note) = match target.era {
        Era::A => (
            true,
            "Restart the gateway (`openclaw gateway restart`): a running gateway of this version reads credentials \
             only when it starts, and can write its own copy back over this change."
                .to_owned(),
        ),
        Era::B | Era::C => (
            false,
            "A running gateway keeps its old copy until told: run `openclaw-auth-panel gateway apply` (the panel's \
             page does it after each change), or restart the gateway."
                .to_owned(),
        ),
    };
    WriteReport {
        agent: target.agent.clone(),
        era: era_code(target.era),
        changes,
        files,
        hints: Vec::new(),
        warnings: Vec::new(),
        restart_gateway,
        restart_note,
        version,
        profile_id: None,
        masked: None,
        env_change: None,
    }
}
