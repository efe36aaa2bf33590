//! The write engine: one change to one agent's auth state, made as OpenClaw's own CLI makes it,
//! in whichever storage era the install is in.
//!
//! Code map, one job per module:
//! - [`report`]: what the engine answers ([`WriteError`], [`WriteReport`]); never a secret.
//! - [`revision`]: the optimistic-concurrency token ([`Revision`], a SHA-256 of the store's bytes).
//! - `target`: which agent, era and files or rows a write touches (era rules from
//!   [`crate::rules::WriteRules`]).
//! - `era_json`, `era_sqlite`: each storage era's load and write halves side by side (eras A/B as
//!   JSON files under OpenClaw's sidecar lock; era C in one SQLite transaction).
//! - `runner`: lock → load → check revision → edit → write atomically; config edits.
//! - `ops`: the operations (paste, order, remove, clear cooldown, `.env`) as edits on the loaded
//!   documents, with the checks each makes first.
//!
//! Invariants: every change goes through the runner (no operation writes a file itself); a
//! refused change writes nothing; config (`openclaw.json`) edits follow the store edit under the
//! config's own sidecar lock, with the `.bak` ring; secrets stay `secrecy` types and leave only
//! as masks.

mod era_json;
mod era_sqlite;
mod ops;
pub mod report;
pub mod revision;
mod runner;
mod target;

pub use ops::paste::{PasteInput, PastePreview, PreparedPaste};
pub use ops::remove::{OrderChange, RemovePreview};
pub use report::{ConflictView, HintView, WriteError, WriteReport};
pub use revision::Revision;

use crate::snapshot::{AgentState, ReadOptions};
use crate::write::lock::LockRetry;
use crate::{StateLocation, StateSnapshot, read_state};

/// Makes changes to one OpenClaw state dir.
#[derive(Debug, Clone)]
pub struct Writer {
    location: StateLocation,
    pub retry: LockRetry,
}

impl Writer {
    pub fn new(location: StateLocation) -> Self {
        Self { location, retry: LockRetry::default() }
    }

    pub fn location(&self) -> &StateLocation {
        &self.location
    }

    /// The whole state, read now (every operation resolves its agent on one of these).
    fn snapshot(&self) -> StateSnapshot {
        read_state(&self.location, &ReadOptions { now_ms: super::time::now_ms(), ..Default::default() })
    }

    fn target(
        &self,
        snapshot: &StateSnapshot,
        agent: Option<&str>,
    ) -> Result<(target::Target, AgentState), WriteError> {
        target::resolve(&self.location, snapshot, agent)
    }

    /// The revision of an agent's store now (what a later write can be based on).
    pub fn version(&self, agent: Option<&str>) -> Result<Revision, WriteError> {
        self.version_in(&self.snapshot(), agent)
    }

    /// The same, for an agent of a snapshot already read (a page showing every agent reads the
    /// state once, then only each store's bytes).
    pub fn version_in(&self, snapshot: &StateSnapshot, agent: Option<&str>) -> Result<Revision, WriteError> {
        let (target, _) = self.target(snapshot, agent)?;
        Ok(self.load(&target)?.revision())
    }
}
