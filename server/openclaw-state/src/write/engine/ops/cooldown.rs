//! `auth clear-cooldown`: cooldown, disable, block and failure counts of one profile reset, the
//! rest of its usage history kept (OpenClaw's `resetAuthProfileFailureState`).
//!
//! Era C: a cooldown may sit in the shared database's state, which OpenClaw merges under the
//! agent's own record by record; the agent then gets its own record without the failure fields,
//! which hides the shared one as OpenClaw's merge does.

use crate::write::engine::report::{WriteError, WriteReport, store_report};
use crate::write::engine::revision::Revision;
use crate::write::engine::target::{Backing, Target};
use crate::write::engine::{Writer, era_sqlite};
use crate::write::normalize::InputError;

impl Writer {
    pub fn clear_cooldown(
        &self,
        agent: Option<&str>,
        profile_id: &str,
        expected: Option<&Revision>,
    ) -> Result<WriteReport, WriteError> {
        let id = profile_id.trim().to_owned();
        crate::ids::validate_profile_id(&id).map_err(|_| InputError::BadProfileId(id.clone()))?;
        let snapshot = self.snapshot();
        let (target, state) = self.target(&snapshot, agent)?;
        if state.profile(&id).is_none() {
            return Err(WriteError::UnknownProfile { agent: target.agent.clone(), id });
        }
        let shared = self.shared_usage_record(&target, &id)?;
        let applied = self.apply(&target, expected, &mut |docs| {
            Ok(match docs.clear_cooldown_over(&id, shared.as_ref()) {
                Some(cleared) if !cleared.is_empty() => vec![format!("cleared {} of {id}", cleared.join(", "))],
                _ => vec![format!("{id} had no cooldown or disable; nothing to clear")],
            })
        })?;
        let mut report = store_report(&target, applied.changes, applied.files, applied.revision);
        report.profile_id = Some(id);
        Ok(report)
    }

    /// Era C: the shared database's usage record of `id`; `None` in the JSON eras.
    fn shared_usage_record(&self, target: &Target, id: &str) -> Result<Option<serde_json::Value>, WriteError> {
        match target.backing {
            Backing::Sqlite { .. } => era_sqlite::shared_state_record(&self.location.shared_db_path(), id),
            Backing::Json { .. } => Ok(None),
        }
    }
}
