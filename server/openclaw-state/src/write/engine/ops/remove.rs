//! `auth remove`: the profile, and every reference to it (stored order, lastGood, usage stats,
//! config `auth.profiles`, `auth.order` and provider `apiKey` references), so no order points at
//! nothing; and [`Writer::preview_remove`], which says what that removal would change.
//!
//! Invariant: the preview runs the very edits `remove` runs, on copies of the documents read
//! without a lock, and reports the difference; there is no second copy of the rule (the page asks
//! this instead of predicting). An inherited or shared profile is removed where it lives (another
//! agent's or the shared store), its references from this agent's state.

use std::path::PathBuf;

use secrecy::ExposeSecret;
use serde::Serialize;
use serde_json::Value;

use crate::snapshot::ProfileOrigin;
use crate::write::config_edit::ConfigDoc;
use crate::write::engine::Writer;
use crate::write::engine::report::{WriteError, WriteReport, store_report};
use crate::write::engine::revision::Revision;
use crate::write::engine::runner::check_revision;
use crate::write::engine::target::Target;
use crate::write::normalize::InputError;
use crate::write::store_doc::StoreDocs;

/// A list that a removal shortens (`after` empty: the list is deleted).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderChange {
    pub provider: String,
    pub before: Vec<String>,
    pub after: Vec<String>,
}

/// What `remove` would change, computed by the engine's own edits. No secret: the credential
/// appears as its mask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RemovePreview {
    pub agent: String,
    pub profile_id: String,
    pub provider: String,
    /// The stored secret's mask (`None`: the profile holds no literal secret).
    pub masked: Option<String>,
    /// The file or database the entry is deleted from.
    pub store: PathBuf,
    /// The entry lives in a store other agents read too (inherited or shared): they lose it.
    pub shared_with_other_agents: bool,
    /// Stored orders (`order`) that name it.
    pub stored_orders: Vec<OrderChange>,
    /// Providers whose `lastGood` is this profile.
    pub last_good: Vec<String>,
    /// It has usage statistics (cooldowns, failure counts), which go.
    pub usage_stats: bool,
    /// `openclaw.json` has an `auth.profiles` entry for it.
    pub config_entry: bool,
    /// `auth.order` lists in `openclaw.json` that name it.
    pub config_orders: Vec<OrderChange>,
    /// Providers in `models.providers` whose `apiKey` refers to it.
    pub config_api_key_refs: Vec<String>,
    /// The change lines the removal's report will have.
    pub changes: Vec<String>,
    /// The revision of the agent's store this was computed on: base the removal on it.
    pub version: Revision,
}

/// What a removal touches, decided on the state as read.
struct Plan {
    target: Target,
    id: String,
    /// The store the entry lives in when it is not the agent's own.
    other_store: Option<(Target, PathBuf)>,
    masked: Option<String>,
}

/// The agent's own store: the entry and every reference to it.
fn edit_own(docs: &mut StoreDocs, id: &str) -> Vec<String> {
    let mut changes = vec![format!("removed {id}")];
    docs.remove_profile(id);
    changes.extend(docs.forget_in_state(id).into_iter().map(|c| format!("dropped {id} from {c}")));
    changes
}

/// Another store holding the entry (its state is that store's owner's, so it stays).
fn edit_other_store(docs: &mut StoreDocs, id: &str, path: &std::path::Path) -> Vec<String> {
    docs.remove_profile(id);
    vec![format!("removed {id} from {} (shared with other agents)", path.display())]
}

fn config_change(id: &str) -> String {
    format!("dropped {id} from config auth.profiles and auth.order")
}

fn state_object<'a>(docs: &'a StoreDocs, key: &str) -> Option<&'a serde_json::Map<String, Value>> {
    docs.state.as_ref().unwrap_or(&docs.profiles).get(key).and_then(Value::as_object)
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

/// The lists of `before` that differ in `after` (a list gone from `after` is now empty).
fn order_changes(
    before: Option<&serde_json::Map<String, Value>>,
    after: Option<&serde_json::Map<String, Value>>,
) -> Vec<OrderChange> {
    let Some(before) = before else { return Vec::new() };
    before
        .iter()
        .filter_map(|(provider, list)| {
            let old = strings(list);
            let new = after.and_then(|a| a.get(provider)).map(strings).unwrap_or_default();
            (old != new).then(|| OrderChange { provider: provider.clone(), before: old, after: new })
        })
        .collect()
}

impl Writer {
    fn plan_remove(&self, agent: Option<&str>, profile_id: &str) -> Result<Plan, WriteError> {
        let id = profile_id.trim().to_owned();
        crate::ids::validate_profile_id(&id).map_err(|_| InputError::BadProfileId(id.clone()))?;
        let snapshot = self.snapshot();
        let (target, state) = self.target(&snapshot, agent)?;
        let Some(profile) = state.profile(&id) else {
            return Err(WriteError::UnknownProfile { agent: target.agent.clone(), id });
        };
        let other_store = match &profile.origin {
            ProfileOrigin::Inherited { path, .. } | ProfileOrigin::Shared(path) if path != target.store_path() => {
                Some((target.with_store_at(path), path.clone()))
            }
            _ => None,
        };
        let masked = profile.credential.secret.as_ref().map(|s| crate::mask::mask_secret(s.expose_secret()));
        Ok(Plan { target, id, other_store, masked })
    }

    /// `auth remove`.
    pub fn remove(
        &self,
        agent: Option<&str>,
        profile_id: &str,
        expected: Option<&Revision>,
    ) -> Result<WriteReport, WriteError> {
        let Plan { target, id, other_store, .. } = self.plan_remove(agent, profile_id)?;
        let (mut changes, mut files, revision) = match &other_store {
            Some((store_target, path)) => {
                // Two stores, two transactions: check the base first, so a stale page does not
                // get the entry deleted and then its references refused.
                let now = self.load(&target)?;
                check_revision(expected, &now.revision(), &now.docs)?;
                let first = self.apply(store_target, None, &mut |docs| Ok(edit_other_store(docs, &id, path)))?;
                let second = self.apply(&target, expected, &mut |docs| Ok(docs.forget_in_state(&id)))?;
                let mut changes = first.changes;
                changes.extend(second.changes);
                let mut files = first.files;
                files.extend(second.files);
                (changes, files, second.revision)
            }
            None => {
                let applied = self.apply(&target, expected, &mut |docs| Ok(edit_own(docs, &id)))?;
                (applied.changes, applied.files, applied.revision)
            }
        };
        let (config_path, warnings) = self.config_edit(|doc| doc.remove_profile(&id))?;
        if let Some(path) = config_path {
            changes.push(config_change(&id));
            files.push(path);
        }
        let mut report = store_report(&target, changes, files, revision);
        report.warnings = warnings;
        report.profile_id = Some(id);
        Ok(report)
    }

    /// What [`Writer::remove`] would change now, by running its edits on copies. Nothing is
    /// written and no lock is taken.
    pub fn preview_remove(&self, agent: Option<&str>, profile_id: &str) -> Result<RemovePreview, WriteError> {
        let Plan { target, id, other_store, masked } = self.plan_remove(agent, profile_id)?;
        let own = self.load(&target)?;
        let mut after = own.docs.clone();
        let mut changes = match &other_store {
            Some((store_target, path)) => {
                let mut store_docs = self.load(store_target)?.docs;
                let mut changes = edit_other_store(&mut store_docs, &id, path);
                changes.extend(after.forget_in_state(&id));
                changes
            }
            None => edit_own(&mut after, &id),
        };
        let before = &own.docs;
        let last_good = state_object(before, "lastGood")
            .map(|m| {
                m.iter()
                    .filter(|(provider, v)| {
                        v.as_str() == Some(id.as_str())
                            && state_object(&after, "lastGood").and_then(|a| a.get(*provider)) != Some(*v)
                    })
                    .map(|(provider, _)| provider.clone())
                    .collect()
            })
            .unwrap_or_default();
        let had_usage = |docs: &StoreDocs| state_object(docs, "usageStats").is_some_and(|u| u.contains_key(&id));
        let usage_stats = had_usage(before) && !had_usage(&after);

        let config_before = ConfigDoc::read(&self.location.config_path)?;
        let mut config_after = config_before.clone();
        let mut config_api_key_refs = Vec::new();
        let mut config_orders = Vec::new();
        let mut config_entry = false;
        if config_after.remove_profile(&id) {
            changes.push(config_change(&id));
            let auth = |doc: &ConfigDoc, key: &str| doc.value.get("auth").and_then(|a| a.get(key)).cloned();
            config_entry = auth(&config_before, "profiles").is_some_and(|p| p.get(&id).is_some());
            let (old, new) = (auth(&config_before, "order"), auth(&config_after, "order"));
            config_orders =
                order_changes(old.as_ref().and_then(Value::as_object), new.as_ref().and_then(Value::as_object));
            let providers = |doc: &ConfigDoc| {
                doc.value.get("models").and_then(|m| m.get("providers")).and_then(Value::as_object).cloned()
            };
            if let (Some(old), new) = (providers(&config_before), providers(&config_after)) {
                config_api_key_refs = old
                    .iter()
                    .filter(|(name, entry)| {
                        entry.get("apiKey").is_some()
                            && new.as_ref().and_then(|n| n.get(*name)).and_then(|e| e.get("apiKey")).is_none()
                    })
                    .map(|(name, _)| name.clone())
                    .collect();
            }
        }
        Ok(RemovePreview {
            agent: target.agent.clone(),
            provider: crate::ids::profile_provider(&id).unwrap_or(&id).to_owned(),
            profile_id: id,
            masked,
            store: other_store.as_ref().map_or_else(|| target.store_path().to_owned(), |(_, p)| p.clone()),
            shared_with_other_agents: other_store.is_some(),
            stored_orders: order_changes(state_object(before, "order"), state_object(&after, "order")),
            last_good,
            usage_stats,
            config_entry,
            config_orders,
            config_api_key_refs,
            changes,
            version: own.revision(),
        })
    }
}
