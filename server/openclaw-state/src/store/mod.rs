//! An auth store as OpenClaw holds it in memory: profiles, and the per-agent state (order,
//! lastGood, usageStats). [`json`] reads eras A and B, [`sqlite`] reads era C; both end in
//! [`AuthStore::from_values`], so every era is parsed by the same rules.

pub mod json;
pub mod sqlite;

use std::path::PathBuf;

use indexmap::IndexMap;
use serde_json::Value;

use crate::config::order_map;
use crate::credential::{Credential, CredentialError, parse_credential};
use crate::providers::normalize_provider;

/// Why a store could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is not valid JSON (line {line}, column {column}): {message}")]
    Json { path: PathBuf, line: usize, column: usize, message: String },
    #[error("{path} has no \"profiles\" object, so OpenClaw does not treat it as an auth store")]
    NotAStore { path: PathBuf },
    #[error("cannot read the SQLite database {path}: {message}")]
    Sqlite { path: PathBuf, message: String },
    #[error("{path}: row {row} does not hold valid JSON: {message}")]
    RowJson { path: PathBuf, row: String, message: String },
}

impl StoreError {
    pub fn path(&self) -> &std::path::Path {
        match self {
            Self::Io { path, .. }
            | Self::Json { path, .. }
            | Self::NotAStore { path }
            | Self::Sqlite { path, .. }
            | Self::RowJson { path, .. } => path,
        }
    }

    /// What the admin should do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            Self::Io { source, .. } if source.kind() == std::io::ErrorKind::PermissionDenied => {
                "Give the panel's user read access to this file (it runs as the same user as OpenClaw)."
            }
            Self::Io { .. } => "Check that the file exists and can be read.",
            Self::Json { .. } | Self::RowJson { .. } => {
                "Fix the JSON by hand or restore it from a backup; OpenClaw cannot use this store either."
            }
            Self::NotAStore { .. } => {
                "Run `openclaw doctor --fix`: it rewrites a hand-written flat file into provider:default profiles."
            }
            Self::Sqlite { .. } => {
                "If OpenClaw is writing right now, reload in a moment; otherwise check the file with `sqlite3 <file> 'PRAGMA integrity_check'`."
            }
        }
    }
}

/// Per-profile usage: cooldowns, disables and last use (`usageStats.<id>`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsageStats {
    pub last_used: Option<i64>,
    pub cooldown_until: Option<i64>,
    pub cooldown_reason: Option<String>,
    pub cooldown_model: Option<String>,
    pub disabled_until: Option<i64>,
    pub disabled_reason: Option<String>,
    pub error_count: Option<i64>,
}

impl UsageStats {
    fn from_value(value: &Value) -> Self {
        let num = |k: &str| value.get(k).and_then(Value::as_f64).filter(|f| f.is_finite()).map(|f| f as i64);
        let text = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_owned);
        Self {
            last_used: num("lastUsed"),
            cooldown_until: num("cooldownUntil"),
            cooldown_reason: text("cooldownReason"),
            cooldown_model: text("cooldownModel"),
            disabled_until: num("disabledUntil"),
            disabled_reason: text("disabledReason"),
            error_count: num("errorCount"),
        }
    }
}

/// One parsed store: what a single file or database row set holds.
#[derive(Debug, Clone, Default)]
pub struct AuthStore {
    pub profiles: IndexMap<String, Credential>,
    /// Entries OpenClaw would drop, with the reason.
    pub rejected: Vec<(String, CredentialError)>,
    pub order: IndexMap<String, Vec<String>>,
    pub last_good: IndexMap<String, String>,
    pub usage: IndexMap<String, UsageStats>,
}

impl AuthStore {
    /// Builds a store from the credential document (`{version, profiles, [order, lastGood,
    /// usageStats]}`) and, from era B on, a separate state document. As OpenClaw 2026.5+ loads
    /// them, the state document's entries win key by key over state kept in the credential
    /// document (era A's place for it).
    pub fn from_values(profiles_doc: Option<&Value>, state_doc: Option<&Value>) -> Self {
        let mut store = Self::default();
        if let Some(profiles) = profiles_doc.and_then(|d| d.get("profiles")).and_then(Value::as_object) {
            for (id, entry) in profiles {
                match parse_credential(entry) {
                    Ok(mut cred) => {
                        cred.provider = normalize_provider(&cred.provider);
                        store.profiles.insert(id.clone(), cred);
                    }
                    Err(e) => store.rejected.push((id.clone(), e)),
                }
            }
        }
        for doc in [profiles_doc, state_doc].into_iter().flatten() {
            store.order.extend(order_map(doc.get("order")));
            if let Some(map) = doc.get("lastGood").and_then(Value::as_object) {
                for (provider, id) in map {
                    if let Some(id) = id.as_str() {
                        store.last_good.insert(normalize_provider(provider), id.to_owned());
                    }
                }
            }
            if let Some(map) = doc.get("usageStats").and_then(Value::as_object) {
                for (id, stats) in map {
                    store.usage.insert(id.clone(), UsageStats::from_value(stats));
                }
            }
        }
        store
    }

    /// OpenClaw's `mergeAuthProfileStores`: an agent's own store (`over`) laid over the default
    /// agent's or the shared store (`base`). Profiles, order, lastGood and usageStats merge key by
    /// key with `over` winning; lastGood and usageStats keep only profiles that exist. With
    /// `local_ids_lead` (2026.6+), a provider the agent holds profiles for but has no order of its
    /// own gets its profiles first, then the base order.
    pub fn merged(base: &AuthStore, over: &AuthStore, local_ids_lead: bool) -> AuthStore {
        let mut profiles = over.profiles.clone();
        for (id, cred) in &base.profiles {
            profiles.entry(id.clone()).or_insert_with(|| cred.clone());
        }
        let mut order = base.order.clone();
        order.extend(over.order.iter().map(|(k, v)| (k.clone(), v.clone())));
        if local_ids_lead {
            let mut providers: Vec<&str> = over.profiles.values().map(|c| c.provider.as_str()).collect();
            providers.dedup();
            for provider in providers {
                if over.order.contains_key(provider) {
                    continue;
                }
                let Some(base_ids) = base.order.get(provider) else { continue };
                let mut ids: Vec<String> =
                    over.profiles.iter().filter(|(_, c)| c.provider == provider).map(|(id, _)| id.clone()).collect();
                for id in base_ids {
                    if !ids.contains(id) {
                        ids.push(id.clone());
                    }
                }
                order.insert(provider.to_owned(), ids);
            }
        }
        let mut last_good = base.last_good.clone();
        last_good.extend(over.last_good.iter().map(|(k, v)| (k.clone(), v.clone())));
        last_good.retain(|_, id| profiles.contains_key(id));
        let mut usage = base.usage.clone();
        usage.extend(over.usage.iter().map(|(k, v)| (k.clone(), v.clone())));
        usage.retain(|id, _| profiles.contains_key(id));
        let mut rejected = over.rejected.clone();
        rejected.extend(base.rejected.iter().cloned());
        AuthStore { profiles, rejected, order, last_good, usage }
    }

    pub fn is_empty(&self) -> bool {
        self.profiles.is_empty() && self.rejected.is_empty()
    }

    pub fn has_state(&self) -> bool {
        !self.order.is_empty() || !self.last_good.is_empty() || !self.usage.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn era_a_document_holds_everything() {
        let doc = json!({
            "version": 1,
            "profiles": {
                "anthropic:manual": {"type":"token","provider":"Anthropic","token":"t"},
                "bad:x": {"type":"password","provider":"bad"}
            },
            "order": {"anthropic": ["anthropic:manual"]},
            "lastGood": {"anthropic": "anthropic:manual"},
            "usageStats": {"anthropic:manual": {"lastUsed": 5, "cooldownUntil": 10, "cooldownReason": "rate_limit"}}
        });
        let store = AuthStore::from_values(Some(&doc), None);
        assert_eq!(store.profiles["anthropic:manual"].provider, "anthropic");
        assert_eq!(store.rejected.len(), 1);
        assert_eq!(store.order["anthropic"], ["anthropic:manual"]);
        assert_eq!(store.last_good["anthropic"], "anthropic:manual");
        assert_eq!(store.usage["anthropic:manual"].cooldown_until, Some(10));
    }

    #[test]
    fn merge_lets_the_agent_win_and_leads_with_local_ids() {
        let base = AuthStore::from_values(
            Some(&json!({"profiles":{"a:shared":{"type":"api_key","provider":"a","key":"k"}}})),
            Some(&json!({"order":{"a":["a:shared"]},"usageStats":{"a:shared":{"lastUsed":1},"a:gone":{"lastUsed":2}}})),
        );
        let over = AuthStore::from_values(
            Some(&json!({"profiles":{"a:local":{"type":"token","provider":"a","token":"t"}}})),
            None,
        );
        let merged = AuthStore::merged(&base, &over, true);
        assert_eq!(merged.profiles.keys().collect::<Vec<_>>(), ["a:local", "a:shared"]);
        assert_eq!(merged.order["a"], ["a:local", "a:shared"]);
        assert!(merged.usage.contains_key("a:shared") && !merged.usage.contains_key("a:gone"));
        assert_eq!(AuthStore::merged(&base, &over, false).order["a"], ["a:shared"]);
    }

    #[test]
    fn era_b_state_document_wins() {
        let profiles = json!({"version":1,"profiles":{},"order":{"a":["a:old"]}});
        let state = json!({"version":1,"order":{"a":["a:new"]},"lastGood":{"b":"b:x"}});
        let store = AuthStore::from_values(Some(&profiles), Some(&state));
        assert_eq!(store.order["a"], ["a:new"]);
        assert_eq!(store.last_good["b"], "b:x");
    }
}
