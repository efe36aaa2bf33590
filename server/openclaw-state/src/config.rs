//! `openclaw.json`: the parts of OpenClaw's config that concern model auth, read as JSON5.
//!
//! The whole document is kept as a `serde_json::Value` (key order preserved) so later writers can
//! patch it; accessors pull out agents, `auth.profiles`, `auth.order`, `env` and model refs.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde_json::{Map, Value};

use crate::ids::{DEFAULT_AGENT_ID, normalize_agent_id};
use crate::providers::normalize_provider;

/// Why the config could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path} is not valid JSON5: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("{path} must hold a JSON object at the top level")]
    NotAnObject { path: PathBuf },
}

/// An agent named in config: `agents.list[]` (eras A/B) or `agents.entries.<id>` (era C).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigAgent {
    pub id: String,
    pub default: bool,
    pub agent_dir: Option<String>,
}

/// `auth.profiles.<id>`: routing metadata, never a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProfile {
    pub provider: String,
    pub mode: Option<String>,
    pub email: Option<String>,
}

/// The parsed config.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub path: PathBuf,
    pub raw: Value,
}

impl Config {
    /// Reads the config; a missing file is `Ok(None)` (OpenClaw runs without one).
    pub fn read(path: &Path) -> Result<Option<Self>, ConfigError> {
        let text = match crate::bounded::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(ConfigError::Io { path: path.to_path_buf(), source }),
        };
        Self::parse(path, &text).map(Some)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let raw: Value = if text.trim().is_empty() {
            Value::Object(Map::new())
        } else {
            json5::from_str(text)
                .map_err(|e| ConfigError::Syntax { path: path.to_path_buf(), message: e.to_string() })?
        };
        if !raw.is_object() {
            return Err(ConfigError::NotAnObject { path: path.to_path_buf() });
        }
        Ok(Self { path: path.to_path_buf(), raw })
    }

    fn at(&self, pointer: &str) -> Option<&Value> {
        self.raw.pointer(pointer)
    }

    /// `meta.lastTouchedVersion`: the OpenClaw version that last wrote the config.
    pub fn last_touched_version(&self) -> Option<&str> {
        self.at("/meta/lastTouchedVersion").and_then(Value::as_str)
    }

    /// Agents named in config, ids normalised, in config order.
    pub fn agents(&self) -> Vec<ConfigAgent> {
        let mut out = Vec::new();
        if let Some(list) = self.at("/agents/list").and_then(Value::as_array) {
            for entry in list {
                let Some(obj) = entry.as_object() else { continue };
                let Some(id) = obj.get("id").and_then(Value::as_str) else { continue };
                out.push(ConfigAgent {
                    id: normalize_agent_id(id),
                    default: obj.get("default").and_then(Value::as_bool).unwrap_or(false),
                    agent_dir: obj.get("agentDir").and_then(Value::as_str).map(str::to_owned),
                });
            }
        }
        if let Some(entries) = self.at("/agents/entries").and_then(Value::as_object) {
            for (id, entry) in entries {
                let obj = entry.as_object();
                out.push(ConfigAgent {
                    id: normalize_agent_id(id),
                    default: obj.and_then(|o| o.get("default")).and_then(Value::as_bool).unwrap_or(false),
                    agent_dir: obj.and_then(|o| o.get("agentDir")).and_then(Value::as_str).map(str::to_owned),
                });
            }
        }
        out
    }

    /// The default agent: first marked `default: true`, else the first listed, else `main`.
    pub fn default_agent_id(&self) -> String {
        let agents = self.agents();
        agents
            .iter()
            .find(|a| a.default)
            .or_else(|| agents.first())
            .map(|a| a.id.clone())
            .unwrap_or_else(|| DEFAULT_AGENT_ID.to_owned())
    }

    /// `auth.profiles`, provider ids normalised.
    pub fn auth_profiles(&self) -> IndexMap<String, ConfigProfile> {
        let mut out = IndexMap::new();
        if let Some(map) = self.at("/auth/profiles").and_then(Value::as_object) {
            for (id, entry) in map {
                let Some(obj) = entry.as_object() else { continue };
                let provider = obj
                    .get("provider")
                    .and_then(Value::as_str)
                    .map(normalize_provider)
                    .or_else(|| crate::ids::profile_provider(id).map(normalize_provider))
                    .unwrap_or_default();
                out.insert(
                    id.clone(),
                    ConfigProfile {
                        provider,
                        mode: obj.get("mode").and_then(Value::as_str).map(str::to_owned),
                        email: obj.get("email").and_then(Value::as_str).map(str::to_owned),
                    },
                );
            }
        }
        out
    }

    /// `auth.order`: provider → profile ids (blank entries dropped, like OpenClaw's loader).
    pub fn auth_order(&self) -> IndexMap<String, Vec<String>> {
        order_map(self.at("/auth/order"))
    }

    /// Credentials set in the config's `env` block: `env.vars.KEY` and the sugar `env.KEY`.
    pub fn env_vars(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let Some(env) = self.at("/env").and_then(Value::as_object) else { return out };
        if let Some(vars) = env.get("vars").and_then(Value::as_object) {
            for (k, v) in vars {
                if let Some(s) = v.as_str() {
                    out.push((k.clone(), s.to_owned()));
                }
            }
        }
        for (k, v) in env {
            if k == "vars" || k == "shellEnv" {
                continue;
            }
            if let Some(s) = v.as_str() {
                out.push((k.clone(), s.to_owned()));
            }
        }
        out
    }

    /// Model refs configured for an agent: default, fallbacks, image model and image fallbacks,
    /// the agent's own settings over `agents.defaults`.
    pub fn model_refs(&self, agent_id: &str) -> ModelRefs {
        let defaults = self.at("/agents/defaults");
        let agent = self.agent_entry(agent_id);
        let pick = |key: &str| agent.and_then(|a| a.get(key)).or_else(|| defaults.and_then(|d| d.get(key)));
        let (primary, fallbacks) = split_model(pick("model"));
        let (image, image_fallbacks) = split_model(pick("imageModel"));
        let aliases = defaults
            .and_then(|d| d.get("models"))
            .and_then(Value::as_object)
            .map(|models| {
                models
                    .iter()
                    .filter_map(|(model, cfg)| {
                        cfg.get("alias").and_then(Value::as_str).map(|alias| (alias.to_owned(), model.clone()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let allowed = defaults
            .and_then(|d| d.get("models"))
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let utility = pick("utilityModel").and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o.get("primary").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        });
        ModelRefs { primary, fallbacks, image, image_fallbacks, utility, aliases, allowed }
    }

    fn agent_entry(&self, agent_id: &str) -> Option<&Map<String, Value>> {
        let listed = self.at("/agents/list").and_then(Value::as_array).and_then(|list| {
            list.iter()
                .filter_map(Value::as_object)
                .find(|o| o.get("id").and_then(Value::as_str).map(normalize_agent_id).as_deref() == Some(agent_id))
        });
        if listed.is_some() {
            return listed;
        }
        self.at("/agents/entries")
            .and_then(Value::as_object)
            .and_then(|m| m.iter().find(|(id, _)| normalize_agent_id(id) == agent_id))
            .and_then(|(_, v)| v.as_object())
    }

    /// Providers with a key in `models.providers.<id>.apiKey`.
    pub fn provider_api_keys(&self) -> IndexMap<String, Value> {
        let mut out = IndexMap::new();
        if let Some(map) = self.at("/models/providers").and_then(Value::as_object) {
            for (id, cfg) in map {
                if let Some(key) = cfg.get("apiKey") {
                    out.insert(normalize_provider(id), key.clone());
                }
            }
        }
        out
    }
}

/// Model refs for one agent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelRefs {
    pub primary: Option<String>,
    pub fallbacks: Vec<String>,
    pub image: Option<String>,
    pub image_fallbacks: Vec<String>,
    /// `utilityModel` from config: `Some("")` means disabled.
    pub utility: Option<String>,
    /// alias → model ref.
    pub aliases: Vec<(String, String)>,
    /// The allow-list (`agents.defaults.models` keys).
    pub allowed: Vec<String>,
}

impl ModelRefs {
    /// Every configured model ref, in the order OpenClaw lists them.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.primary
            .iter()
            .chain(self.fallbacks.iter())
            .chain(self.image.iter())
            .chain(self.image_fallbacks.iter())
            .chain(self.allowed.iter())
            .map(String::as_str)
    }

    /// A configured model of `provider`, to build a `/model <model>@<profile>` pin with.
    pub fn model_for_provider(&self, provider: &str) -> Option<&str> {
        self.all().find(|m| m.split_once('/').is_some_and(|(p, _)| normalize_provider(p) == provider))
    }
}

fn split_model(value: Option<&Value>) -> (Option<String>, Vec<String>) {
    match value {
        Some(Value::String(s)) => (Some(s.clone()), Vec::new()),
        Some(Value::Object(obj)) => (
            obj.get("primary").and_then(Value::as_str).map(str::to_owned),
            obj.get("fallbacks")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                .unwrap_or_default(),
        ),
        _ => (None, Vec::new()),
    }
}

/// Reads an `order` map (`provider → [ids]`) as OpenClaw's loader does: entries trimmed, blanks
/// and empty lists dropped, provider keys normalised.
pub fn order_map(value: Option<&Value>) -> IndexMap<String, Vec<String>> {
    let mut out = IndexMap::new();
    let Some(map) = value.and_then(Value::as_object) else { return out };
    for (provider, ids) in map {
        let Some(ids) = ids.as_array() else { continue };
        let list: Vec<String> =
            ids.iter().filter_map(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        if !list.is_empty() {
            out.insert(normalize_provider(provider), list);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ERA_AB: &str = r#"{
      // comments and trailing commas are fine in JSON5
      meta: { lastTouchedVersion: "2026.5.28" },
      auth: {
        profiles: { "anthropic:manual": { provider: "anthropic", mode: "token" } },
        order: { Anthropic: ["anthropic:manual", " ", "anthropic:default"], openai: [] },
      },
      env: { shellEnv: { enabled: false }, vars: { GROQ_API_KEY: "gsk-1" }, OPENROUTER_API_KEY: "sk-or-1" },
      agents: {
        defaults: { model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["openai/gpt-5.5"] },
                    models: { "anthropic/claude-opus-4-6": { alias: "opus" } } },
        list: [ { id: "main" }, { id: "Work", default: true, agentDir: "~/work/agent", model: "openrouter/x" } ],
      },
    }"#;

    #[test]
    fn reads_era_ab_config() {
        let cfg = Config::parse(Path::new("openclaw.json"), ERA_AB).unwrap();
        assert_eq!(cfg.last_touched_version(), Some("2026.5.28"));
        let agents = cfg.agents();
        assert_eq!(agents.len(), 2);
        assert_eq!(agents[1].id, "work");
        assert_eq!(cfg.default_agent_id(), "work");
        assert_eq!(cfg.auth_order()["anthropic"], vec!["anthropic:manual", "anthropic:default"]);
        assert!(!cfg.auth_order().contains_key("openai"));
        assert_eq!(cfg.auth_profiles()["anthropic:manual"].mode.as_deref(), Some("token"));
        assert_eq!(
            cfg.env_vars(),
            vec![("GROQ_API_KEY".into(), "gsk-1".into()), ("OPENROUTER_API_KEY".into(), "sk-or-1".into())]
        );
        let main = cfg.model_refs("main");
        assert_eq!(main.primary.as_deref(), Some("anthropic/claude-opus-4-6"));
        assert_eq!(main.fallbacks, vec!["openai/gpt-5.5"]);
        assert_eq!(main.model_for_provider("anthropic"), Some("anthropic/claude-opus-4-6"));
        assert_eq!(cfg.model_refs("work").primary.as_deref(), Some("openrouter/x"));
    }

    #[test]
    fn reads_era_c_agents() {
        let cfg =
            Config::parse(Path::new("c"), r#"{"agents":{"entries":{"main":{},"ops":{"agentDir":"/x"}}}}"#).unwrap();
        let ids: Vec<_> = cfg.agents().into_iter().map(|a| a.id).collect();
        assert_eq!(ids, ["main", "ops"]);
        assert_eq!(cfg.default_agent_id(), "main");
    }

    #[test]
    fn syntax_errors_name_the_file() {
        let err = Config::parse(Path::new("/s/openclaw.json"), "{ auth: ").unwrap_err();
        assert!(err.to_string().starts_with("/s/openclaw.json is not valid JSON5"), "{err}");
        assert!(matches!(Config::parse(Path::new("x"), "[1]"), Err(ConfigError::NotAnObject { .. })));
    }
}
