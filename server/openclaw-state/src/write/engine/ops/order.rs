//! `auth order get | set | clear` and the doctor's "drop one id from an order": edits of the
//! stored order of one provider.
//!
//! Invariant: `set` only stores ids of profiles the agent sees, of that provider, once each (what
//! OpenClaw's CLI accepts); `drop` leaves the other ids as they are, even ones `set` would refuse,
//! because it is the repair for such an order.

use crate::write::engine::Writer;
use crate::write::engine::report::{WriteError, WriteReport, store_report};
use crate::write::engine::revision::Revision;

impl Writer {
    /// `auth order get`: the stored order of a provider (`None`: no stored order).
    pub fn order_get(&self, agent: Option<&str>, provider: &str) -> Result<Option<Vec<String>>, WriteError> {
        let snapshot = self.snapshot();
        let (_, state) = self.target(&snapshot, agent)?;
        Ok(state.order.get(&crate::providers::normalize_provider(provider)).cloned())
    }

    /// `auth order set`: the stored order of a provider. Every id must be a stored profile of
    /// that provider the agent sees.
    pub fn order_set(
        &self,
        agent: Option<&str>,
        provider: &str,
        ids: &[String],
        expected: Option<&Revision>,
    ) -> Result<WriteReport, WriteError> {
        let provider = crate::providers::normalize_provider(provider);
        let snapshot = self.snapshot();
        let (target, state) = self.target(&snapshot, agent)?;
        let mut clean: Vec<String> = Vec::new();
        for raw in ids {
            let id = raw.trim().to_owned();
            let Some(profile) = state.profile(&id) else {
                return Err(WriteError::UnknownProfile { agent: target.agent.clone(), id });
            };
            if crate::providers::normalize_provider(&profile.credential.provider) != provider {
                return Err(WriteError::WrongProvider { id, provider, found: profile.credential.provider.clone() });
            }
            if clean.contains(&id) {
                return Err(WriteError::DuplicateInOrder(id));
            }
            clean.push(id);
        }
        let list = clean.join(", ");
        let applied = self.apply(&target, expected, &mut |docs| {
            docs.set_order(&provider, &clean);
            Ok(vec![format!("stored order of {provider} = [{list}]")])
        })?;
        Ok(store_report(&target, applied.changes, applied.files, applied.revision))
    }

    /// Takes one id out of a provider's stored order and leaves the other ids as they are (even
    /// ids `order_set` would refuse): the doctor's fix for an order naming a missing profile or one
    /// of another provider. An order left empty is cleared, as OpenClaw does.
    pub fn order_drop(
        &self,
        agent: Option<&str>,
        provider: &str,
        profile_id: &str,
        expected: Option<&Revision>,
    ) -> Result<WriteReport, WriteError> {
        let snapshot = self.snapshot();
        let (target, _) = self.target(&snapshot, agent)?;
        let id = profile_id.trim().to_owned();
        let applied = self.apply(&target, expected, &mut |docs| {
            let Some(order) = docs.order(provider) else {
                return Ok(vec![format!("no stored order of {provider}; nothing to drop")]);
            };
            if !order.contains(&id) {
                return Ok(vec![format!("the stored order of {provider} does not name {id}; nothing to drop")]);
            }
            let rest: Vec<String> = order.into_iter().filter(|i| *i != id).collect();
            if rest.is_empty() {
                docs.clear_order(provider);
                Ok(vec![format!("stored order of {provider} cleared (it named only {id})")])
            } else {
                let list = rest.join(", ");
                docs.set_order(provider, &rest);
                Ok(vec![format!("{id} dropped from the stored order of {provider} = [{list}]")])
            }
        })?;
        Ok(store_report(&target, applied.changes, applied.files, applied.revision))
    }

    /// `auth order clear`.
    pub fn order_clear(
        &self,
        agent: Option<&str>,
        provider: &str,
        expected: Option<&Revision>,
    ) -> Result<WriteReport, WriteError> {
        let provider = crate::providers::normalize_provider(provider);
        let snapshot = self.snapshot();
        let (target, _) = self.target(&snapshot, agent)?;
        let applied = self.apply(&target, expected, &mut |docs| {
            Ok(if docs.clear_order(&provider) {
                vec![format!("stored order of {provider} cleared")]
            } else {
                vec![format!("no stored order of {provider}; nothing to clear")]
            })
        })?;
        Ok(store_report(&target, applied.changes, applied.files, applied.revision))
    }
}
