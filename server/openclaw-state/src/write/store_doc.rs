//! The auth store as documents, edited as OpenClaw edits them: `{"version":1,"profiles":{…}}`
//! plus the state (`order`, `lastGood`, `usageStats`), which lives in the same document in era A
//! and in its own document (`auth-state.json`, or the `auth_profile_state` row) from 2026.4.6.
//! Unknown keys and key order are kept; a key that is set keeps its place or goes last, as
//! JavaScript property assignment does.

use serde_json::{Map, Value};

/// The fields `resetAuthProfileFailureState` clears (2026.9.6), besides `errorCount` → 0.
const FAILURE_FIELDS: &[&str] = &[
    "blockedUntil",
    "blockedReason",
    "blockedSource",
    "blockedModel",
    "blockedScope",
    "cooldownUntil",
    "cooldownReason",
    "cooldownClassification",
    "cooldownModel",
    "disabledUntil",
    "disabledReason",
    "failureCounts",
];

/// The store of one agent (or the shared store), ready to edit.
#[derive(Debug, Clone, PartialEq)]
pub struct StoreDocs {
    pub profiles: Value,
    /// `None` in era A (state inside `profiles`).
    pub state: Option<Value>,
}

fn object(v: &mut Value) -> &mut Map<String, Value> {
    if !v.is_object() {
        *v = Value::Object(Map::new());
    }
    v.as_object_mut().expect("made an object")
}

fn new_doc() -> Value {
    let mut m = Map::new();
    m.insert("version".into(), Value::from(1));
    Value::Object(m)
}

/// The empty profiles document OpenClaw creates (`ensureAuthStoreFile`).
pub fn empty_profiles_doc() -> Value {
    let mut doc = new_doc();
    object(&mut doc).insert("profiles".into(), Value::Object(Map::new()));
    doc
}

impl StoreDocs {
    /// `profiles` and `state` as read (`None` = absent file or row).
    pub fn new(profiles: Option<Value>, state: Option<Value>, separate_state: bool) -> Self {
        let mut profiles = profiles.filter(Value::is_object).unwrap_or_else(empty_profiles_doc);
        if !profiles.get("profiles").is_some_and(Value::is_object) {
            object(&mut profiles).insert("profiles".into(), Value::Object(Map::new()));
        }
        let state = separate_state.then(|| state.filter(Value::is_object).unwrap_or_else(new_doc));
        Self { profiles, state }
    }

    fn profiles_map(&mut self) -> &mut Map<String, Value> {
        object(object(&mut self.profiles).entry("profiles").or_insert_with(|| Value::Object(Map::new())))
    }

    fn state_map(&mut self) -> &mut Map<String, Value> {
        match &mut self.state {
            Some(state) => object(state),
            None => object(&mut self.profiles),
        }
    }

    fn state_ref(&self) -> &Value {
        self.state.as_ref().unwrap_or(&self.profiles)
    }

    pub fn profile(&self, id: &str) -> Option<&Value> {
        self.profiles.get("profiles").and_then(|p| p.get(id))
    }

    pub fn profile_ids(&self) -> Vec<String> {
        self.profiles
            .get("profiles")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// `store.profiles[id] = credential` (replaces the whole entry, as `upsertAuthProfile`).
    pub fn upsert_profile(&mut self, id: &str, credential: Value) {
        self.profiles_map().insert(id.to_owned(), credential);
    }

    /// Deletes a profile; `false` when it was not there.
    pub fn remove_profile(&mut self, id: &str) -> bool {
        self.profiles_map().shift_remove(id).is_some()
    }

    pub fn order(&self, provider: &str) -> Option<Vec<String>> {
        self.state_ref()
            .get("order")
            .and_then(|o| o.get(provider))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
    }

    /// `store.order = store.order ?? {}; store.order[provider] = ids`.
    pub fn set_order(&mut self, provider: &str, ids: &[String]) {
        let state = self.state_map();
        let order = object(state.entry("order").or_insert_with(|| Value::Object(Map::new())));
        order.insert(provider.to_owned(), Value::Array(ids.iter().cloned().map(Value::String).collect()));
    }

    /// Deletes `order[provider]`, and `order` when it becomes empty. `false` when absent.
    pub fn clear_order(&mut self, provider: &str) -> bool {
        let state = self.state_map();
        let Some(order) = state.get_mut("order").and_then(Value::as_object_mut) else { return false };
        let removed = order.shift_remove(provider).is_some();
        if order.is_empty() {
            state.shift_remove("order");
        }
        removed
    }

    /// Drops `id` from every stored order list (an emptied list goes), `lastGood` and
    /// `usageStats`. Returns what it dropped, in words.
    pub fn forget_in_state(&mut self, id: &str) -> Vec<String> {
        let mut dropped = Vec::new();
        let state = self.state_map();
        if let Some(order) = state.get_mut("order").and_then(Value::as_object_mut) {
            let providers: Vec<String> = order.keys().cloned().collect();
            for provider in providers {
                if let Some(list) = order.get_mut(&provider).and_then(Value::as_array_mut)
                    && list.iter().any(|s| s == id)
                {
                    list.retain(|s| s != id);
                    dropped.push(format!("stored order of {provider}"));
                    if list.is_empty() {
                        order.shift_remove(&provider);
                    }
                }
            }
            if order.is_empty() {
                state.shift_remove("order");
            }
        }
        if let Some(last_good) = state.get_mut("lastGood").and_then(Value::as_object_mut) {
            let providers: Vec<String> =
                last_good.iter().filter(|(_, v)| v.as_str() == Some(id)).map(|(k, _)| k.clone()).collect();
            for provider in providers {
                last_good.shift_remove(&provider);
                dropped.push(format!("lastGood of {provider}"));
            }
            if last_good.is_empty() {
                state.shift_remove("lastGood");
            }
        }
        if let Some(usage) = state.get_mut("usageStats").and_then(Value::as_object_mut) {
            if usage.shift_remove(id).is_some() {
                dropped.push("usage stats".to_owned());
            }
            if usage.is_empty() {
                state.shift_remove("usageStats");
            }
        }
        dropped
    }

    /// `resetAuthProfileFailureState`: cooldown, disable, block and failure counts cleared,
    /// `errorCount` 0, other usage history kept. `None` when the profile had no usage entry.
    /// Clears `id`'s cooldown where the agent's own state has no record for it but a shared one
    /// does (era C: `authProfiles.state` of the shared database, which OpenClaw merges under the
    /// agent's state record by record). The agent gets the shared record without its failure
    /// fields: its own record hides the shared one, as OpenClaw's merge does.
    pub fn clear_cooldown_over(&mut self, id: &str, shared: Option<&Value>) -> Option<Vec<String>> {
        let has_own = self.state_map().get("usageStats").and_then(Value::as_object).is_some_and(|u| u.contains_key(id));
        if !has_own && let Some(record) = shared.filter(|r| r.is_object()) {
            let usage = object(self.state_map().entry("usageStats").or_insert_with(|| Value::Object(Map::new())));
            usage.insert(id.to_owned(), record.clone());
        }
        self.clear_cooldown(id)
    }

    pub fn clear_cooldown(&mut self, id: &str) -> Option<Vec<String>> {
        let state = self.state_map();
        let stats = state.get_mut("usageStats").and_then(Value::as_object_mut)?.get_mut(id)?;
        let stats = object(stats);
        let cleared: Vec<String> =
            FAILURE_FIELDS.iter().filter(|f| stats.shift_remove(**f).is_some()).map(|f| (*f).to_owned()).collect();
        stats.insert("errorCount".into(), Value::from(0));
        Some(cleared)
    }

    /// Whether the separate state document holds nothing (OpenClaw then deletes the file or row).
    pub fn state_is_empty(&self) -> bool {
        let Some(state) = &self.state else { return false };
        ["order", "lastGood", "usageStats"]
            .iter()
            .all(|k| state.get(*k).is_none_or(|v| v.as_object().is_none_or(Map::is_empty)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_shared_cooldown_is_cleared_by_the_agents_own_record() {
        let mut d = StoreDocs::new(Some(json!({"version":1,"profiles":{}})), None, true);
        let shared = json!({"lastUsed": 5, "cooldownUntil": 9, "cooldownReason": "rate_limit", "errorCount": 1});
        assert_eq!(d.clear_cooldown_over("a:1", Some(&shared)).unwrap(), ["cooldownUntil", "cooldownReason"]);
        assert_eq!(
            serde_json::to_string(d.state.as_ref().unwrap()).unwrap(),
            r#"{"version":1,"usageStats":{"a:1":{"lastUsed":5,"errorCount":0}}}"#
        );
        // The agent's own record wins over the shared one, as in OpenClaw's merge.
        let mut d = StoreDocs::new(
            Some(json!({"version":1,"profiles":{}})),
            Some(json!({"version":1,"usageStats":{"a:1":{"lastUsed":7,"disabledUntil":9}}})),
            true,
        );
        assert_eq!(d.clear_cooldown_over("a:1", Some(&shared)).unwrap(), ["disabledUntil"]);
        assert_eq!(d.state.as_ref().unwrap()["usageStats"]["a:1"], json!({"lastUsed":7,"errorCount":0}));
        assert!(
            StoreDocs::new(Some(json!({"version":1,"profiles":{}})), None, true)
                .clear_cooldown_over("a:1", None)
                .is_none()
        );
    }

    #[test]
    fn era_a_keeps_state_in_the_profiles_document() {
        let mut d = StoreDocs::new(
            Some(json!({"version":1,"profiles":{"a:1":{"type":"token"}},"lastGood":{"a":"a:1"}})),
            None,
            false,
        );
        d.set_order("a", &["a:1".into()]);
        assert_eq!(
            serde_json::to_string(&d.profiles).unwrap(),
            r#"{"version":1,"profiles":{"a:1":{"type":"token"}},"lastGood":{"a":"a:1"},"order":{"a":["a:1"]}}"#
        );
        assert_eq!(d.forget_in_state("a:1"), ["stored order of a", "lastGood of a"]);
        assert_eq!(serde_json::to_string(&d.profiles).unwrap(), r#"{"version":1,"profiles":{"a:1":{"type":"token"}}}"#);
    }

    #[test]
    fn separate_state_empties_and_cooldowns_clear_like_openclaw() {
        let mut d = StoreDocs::new(
            Some(json!({"version":1,"profiles":{}})),
            Some(
                json!({"version":1,"usageStats":{"a:1":{"lastUsed":5,"errorCount":3,"cooldownUntil":9,"cooldownReason":"rate_limit","failureCounts":{"rate_limit":3}}}}),
            ),
            true,
        );
        assert_eq!(d.clear_cooldown("a:1").unwrap(), ["cooldownUntil", "cooldownReason", "failureCounts"]);
        assert_eq!(d.state.as_ref().unwrap()["usageStats"]["a:1"], json!({"lastUsed":5,"errorCount":0}));
        assert!(d.clear_cooldown("nobody").is_none());
        assert!(!d.state_is_empty());
        d.forget_in_state("a:1");
        assert!(d.state_is_empty());
        d.set_order("a", &["a:2".into()]);
        assert!(d.clear_order("a"));
        assert!(!d.clear_order("a"));
        assert!(d.state_is_empty());
    }
}
