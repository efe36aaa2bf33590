//! Edits of `openclaw.json` that OpenClaw's own CLI makes when it stores or removes a profile,
//! with its exact key placement (JavaScript object spread: an existing key keeps its place, a new
//! one goes last, a key that is filtered out and added back goes last), written as OpenClaw writes
//! config: 2-space JSON plus a newline, mode 0600, the previous file kept in the `.bak` ring.
//!
//! Read in 2026.9.6's dist: `applyAuthProfileConfig` and `removeAuthProfileConfig`
//! (provider-auth-helpers).

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

/// How many backups OpenClaw keeps: `.bak`, `.bak.1` … `.bak.4`.
pub const BACKUP_RING: usize = 5;

/// A config file as read for editing.
#[derive(Debug, Clone)]
pub struct ConfigDoc {
    pub path: PathBuf,
    /// The bytes on disk (`None`: no file yet).
    pub original: Option<String>,
    pub value: Value,
    /// The file uses JSON5 syntax (comments, trailing commas, unquoted keys): OpenClaw itself would
    /// rewrite it as plain JSON, dropping comments.
    pub is_json5: bool,
}

/// Why the config cannot be edited.
#[derive(Debug, thiserror::Error)]
pub enum ConfigEditError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path} is not valid JSON5 ({message}); fix it (or run `openclaw doctor`) before changing auth through it")]
    Parse { path: PathBuf, message: String },
    #[error("{path} is not a JSON object")]
    NotAnObject { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

impl ConfigDoc {
    pub fn read(path: &Path) -> Result<Self, ConfigEditError> {
        let original = match crate::bounded::read_to_string(path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => return Err(ConfigEditError::Read { path: path.to_owned(), source }),
        };
        let (value, is_json5) = match &original {
            None => (Value::Object(Map::new()), false),
            Some(text) => match serde_json::from_str::<Value>(text) {
                Ok(v) => (v, false),
                Err(_) => {
                    let v: Value = json5::from_str(text)
                        .map_err(|e| ConfigEditError::Parse { path: path.to_owned(), message: e.to_string() })?;
                    (v, true)
                }
            },
        };
        if !value.is_object() {
            return Err(ConfigEditError::NotAnObject { path: path.to_owned() });
        }
        Ok(Self { path: path.to_owned(), original, value, is_json5 })
    }

    /// The text OpenClaw would write for the current value.
    pub fn text(&self) -> String {
        super::json_text::stringify_pretty(&self.value)
    }

    /// Whether the edit changed anything (byte comparison with the file).
    pub fn changed(&self) -> bool {
        self.original.as_deref() != Some(self.text().as_str())
    }

    /// Rotates the `.bak` ring, keeps the current file as `.bak` (0600), writes the new text.
    pub fn save(&self) -> Result<(), ConfigEditError> {
        let err = |source| ConfigEditError::Write { path: self.path.clone(), source };
        if self.original.is_some() {
            rotate_backups(&self.path).map_err(err)?;
        }
        super::atomic::replace_file(&self.path, self.text().as_bytes()).map_err(err)
    }

    fn auth_mut(&mut self) -> &mut Map<String, Value> {
        let root = self.value.as_object_mut().expect("checked at read");
        let auth = root.entry("auth").or_insert_with(|| Value::Object(Map::new()));
        if !auth.is_object() {
            *auth = Value::Object(Map::new());
        }
        auth.as_object_mut().expect("just made an object")
    }

    /// Sets `meta.lastTouchedAt` when the config records it (2026.3–5.x do on every write;
    /// 2026.6+ keep it in the database instead). `lastTouchedVersion` stays: it names the
    /// OpenClaw version that owns the state.
    pub fn touch(&mut self, now_iso: &str) {
        if let Some(meta) = self.value.get_mut("meta").and_then(Value::as_object_mut)
            && meta.contains_key("lastTouchedAt")
        {
            meta.insert("lastTouchedAt".into(), Value::String(now_iso.to_owned()));
        }
    }

    /// `applyAuthProfileConfig` with `preferProfileFirst: true` (paste-token, paste-api-key).
    pub fn apply_profile(&mut self, profile_id: &str, provider: &str, mode: &str) {
        let norm = crate::providers::normalize_provider;
        let provider_norm = norm(provider);
        let auth = self.auth_mut();
        let configured: Vec<(String, Value)> = auth
            .get("profiles")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        let order_entries: Vec<(String, Vec<String>)> = auth
            .get("order")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        let ids =
                            v.as_array().map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect());
                        (k.clone(), ids.unwrap_or_default())
                    })
                    .collect()
            })
            .unwrap_or_default();

        // profiles = {...profiles, [id]: {provider, mode}}
        let mut entry = Map::new();
        entry.insert("provider".into(), Value::String(provider.to_owned()));
        entry.insert("mode".into(), Value::String(mode.to_owned()));
        let profiles = auth.entry("profiles").or_insert_with(|| Value::Object(Map::new()));
        if !profiles.is_object() {
            *profiles = Value::Object(Map::new());
        }
        profiles.as_object_mut().expect("object").insert(profile_id.to_owned(), Value::Object(entry));

        let mode_of = |v: &Value| v.get("mode").and_then(Value::as_str).map(str::to_owned);
        let provider_of = |v: &Value| v.get("provider").and_then(Value::as_str).map(norm);
        let mixed = configured.iter().any(|(id, p)| id != profile_id && mode_of(p).as_deref() != Some(mode));
        if order_entries.is_empty() && !mixed {
            return;
        }
        let matching: Vec<&(String, Vec<String>)> =
            order_entries.iter().filter(|(p, _)| norm(p) == provider_norm).collect();
        let provider_order: Option<Vec<String>> = if !matching.is_empty() {
            let mut existing: Vec<String> = Vec::new();
            for (_, ids) in &matching {
                for id in ids {
                    if !existing.contains(id) {
                        existing.push(id.clone());
                    }
                }
            }
            let mut order = vec![profile_id.to_owned()];
            order.extend(existing.into_iter().filter(|id| id != profile_id));
            Some(order)
        } else {
            let peers: Vec<&(String, Value)> =
                configured.iter().filter(|(_, p)| provider_of(p).as_deref() == Some(provider_norm.as_str())).collect();
            if peers.iter().any(|(id, p)| id != profile_id && mode_of(p).as_deref() != Some(mode)) {
                let mut order = vec![profile_id.to_owned()];
                order.extend(peers.iter().map(|(id, _)| id.clone()).filter(|id| id != profile_id));
                Some(order)
            } else {
                None
            }
        };
        if let Some(order) = provider_order {
            // {...entries of other providers, [provider]: order}: the provider's key goes last.
            let mut next = Map::new();
            for (p, ids) in order_entries.iter().filter(|(p, _)| norm(p) != provider_norm) {
                next.insert(p.clone(), Value::Array(ids.iter().cloned().map(Value::String).collect()));
            }
            next.insert(provider_norm, Value::Array(order.into_iter().map(Value::String).collect()));
            // Keeps the original values of untouched providers (not re-built from strings).
            if let Some(old) = auth.get("order").and_then(Value::as_object) {
                for (k, v) in next.iter_mut() {
                    if let Some(orig) = old.get(k)
                        && matching.iter().all(|(p, _)| p != k)
                    {
                        *v = orig.clone();
                    }
                }
            }
            auth.insert("order".into(), Value::Object(next));
        }
    }

    /// Whether config still names `profile_id` (`auth.profiles`, an `auth.order` list, or a
    /// `models.providers.*.apiKey`).
    pub fn references(&self, profile_id: &str) -> bool {
        let auth = self.value.get("auth");
        auth.and_then(|a| a.get("profiles")).and_then(|p| p.get(profile_id)).is_some()
            || auth
                .and_then(|a| a.get("order"))
                .and_then(Value::as_object)
                .is_some_and(|o| o.values().any(|l| l.as_array().is_some_and(|a| a.iter().any(|s| s == profile_id))))
            || self
                .value
                .get("models")
                .and_then(|m| m.get("providers"))
                .and_then(Value::as_object)
                .is_some_and(|p| p.values().any(|e| e.get("apiKey").and_then(Value::as_str) == Some(profile_id)))
    }

    /// `removeAuthProfileConfig`: drops the id from `auth.profiles`, every `auth.order` list (an
    /// emptied list is deleted, not left as the "select nothing" `[]`), and provider `apiKey`
    /// references. Returns whether anything changed.
    pub fn remove_profile(&mut self, profile_id: &str) -> bool {
        if !self.references(profile_id) {
            return false;
        }
        let root = self.value.as_object_mut().expect("object");
        let auth_refs = {
            let auth = root.get("auth");
            auth.and_then(|a| a.get("profiles")).and_then(|p| p.get(profile_id)).is_some()
                || auth.and_then(|a| a.get("order")).and_then(Value::as_object).is_some_and(|o| {
                    o.values().any(|l| l.as_array().is_some_and(|a| a.iter().any(|s| s == profile_id)))
                })
        };
        if auth_refs && let Some(auth) = root.get_mut("auth").and_then(Value::as_object_mut) {
            let old_order = auth.shift_remove("order");
            if let Some(profiles) = auth.get_mut("profiles").and_then(Value::as_object_mut) {
                profiles.shift_remove(profile_id);
            } else {
                auth.insert("profiles".into(), Value::Object(Map::new()));
            }
            let mut order = Map::new();
            if let Some(Value::Object(old)) = old_order {
                for (provider, list) in old {
                    let items = list.as_array().cloned().unwrap_or_default();
                    let kept: Vec<Value> = items.iter().filter(|s| *s != profile_id).cloned().collect();
                    if !kept.is_empty() || kept.len() == items.len() {
                        order.insert(provider, Value::Array(kept));
                    }
                }
            }
            if !order.is_empty() {
                auth.insert("order".into(), Value::Object(order));
            }
        }
        if let Some(providers) =
            root.get_mut("models").and_then(|m| m.get_mut("providers")).and_then(Value::as_object_mut)
        {
            for entry in providers.values_mut() {
                if let Some(e) = entry.as_object_mut()
                    && e.get("apiKey").and_then(Value::as_str) == Some(profile_id)
                {
                    e.shift_remove("apiKey");
                }
            }
        }
        true
    }
}

/// `.bak.3` → `.bak.4`, …, `.bak` → `.bak.1`, then the current file → `.bak` (0600).
pub fn rotate_backups(path: &Path) -> std::io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let bak = |i: usize| -> PathBuf {
        if i == 0 { path.with_file_name(format!("{name}.bak")) } else { path.with_file_name(format!("{name}.bak.{i}")) }
    };
    for i in (0..BACKUP_RING - 1).rev() {
        let from = bak(i);
        if from.exists() {
            std::fs::rename(&from, bak(i + 1))?;
        }
    }
    let bytes = crate::bounded::read(path)?;
    super::atomic::replace_file(&bak(0), &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(json: &str) -> ConfigDoc {
        ConfigDoc {
            path: "openclaw.json".into(),
            original: Some(json.into()),
            value: serde_json::from_str(json).unwrap(),
            is_json5: false,
        }
    }

    #[test]
    fn paste_adds_the_profile_and_front_inserts_into_an_existing_order() {
        let mut d = doc(
            r#"{"auth":{"order":{"anthropic":["anthropic:a","anthropic:b"],"openai":["openai:x"]},"profiles":{"anthropic:a":{"provider":"anthropic","mode":"token"}}},"meta":{"lastTouchedAt":"x"}}"#,
        );
        d.apply_profile("anthropic:b", "anthropic", "token");
        d.touch("2026-11-26T00:00:00.000Z");
        assert_eq!(
            serde_json::to_string(&d.value).unwrap(),
            r#"{"auth":{"order":{"openai":["openai:x"],"anthropic":["anthropic:b","anthropic:a"]},"profiles":{"anthropic:a":{"provider":"anthropic","mode":"token"},"anthropic:b":{"provider":"anthropic","mode":"token"}}},"meta":{"lastTouchedAt":"2026-11-26T00:00:00.000Z"}}"#
        );
    }

    #[test]
    fn paste_creates_an_order_only_for_mixed_modes() {
        let mut d = doc(r#"{}"#);
        d.apply_profile("anthropic:manual", "anthropic", "token");
        assert_eq!(
            serde_json::to_string(&d.value).unwrap(),
            r#"{"auth":{"profiles":{"anthropic:manual":{"provider":"anthropic","mode":"token"}}}}"#
        );
        d.apply_profile("anthropic:default", "anthropic", "api_key");
        assert_eq!(d.value["auth"]["order"]["anthropic"], serde_json::json!(["anthropic:default", "anthropic:manual"]));
    }

    #[test]
    fn remove_drops_the_id_everywhere_and_empty_orders() {
        let mut d = doc(
            r#"{"auth":{"order":{"anthropic":["anthropic:a"],"openai":[],"x":["anthropic:a","x:1"]},"profiles":{"anthropic:a":{},"x:1":{}},"cooldowns":{}},"models":{"providers":{"p":{"apiKey":"anthropic:a","baseUrl":"u"}}}}"#,
        );
        assert!(d.remove_profile("anthropic:a"));
        assert_eq!(
            serde_json::to_string(&d.value).unwrap(),
            r#"{"auth":{"profiles":{"x:1":{}},"cooldowns":{},"order":{"openai":[],"x":["x:1"]}},"models":{"providers":{"p":{"baseUrl":"u"}}}}"#
        );
        assert!(!d.remove_profile("anthropic:a"));
    }

    #[test]
    fn backups_rotate_in_a_ring_of_five() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("openclaw.json");
        for i in 0..7 {
            std::fs::write(&path, format!("{{\"v\":{i}}}\n")).unwrap();
            rotate_backups(&path).unwrap();
        }
        assert_eq!(std::fs::read_to_string(dir.path().join("openclaw.json.bak")).unwrap(), "{\"v\":6}\n");
        assert_eq!(std::fs::read_to_string(dir.path().join("openclaw.json.bak.4")).unwrap(), "{\"v\":2}\n");
        assert!(!dir.path().join("openclaw.json.bak.5").exists());
    }
}
