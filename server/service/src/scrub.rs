//! Masks every secret the state holds in text the panel did not write itself (what OpenClaw's own
//! doctor printed), before it is kept, shown or logged.
//!
//! Invariant: what leaves a [`Scrubber`] holds no secret the state knows of (store and `.env`
//! secrets, environment credentials, every secret-bearing value of `openclaw.json` and of each
//! agent's `models.json`), and no token of a known secret shape (`sk-…`, `Bearer …`) either, as a
//! last net for secrets the panel cannot see (a gateway token from the process environment, a key
//! OpenClaw resolved from a SecretRef). Secrets are replaced by OpenClaw's mask, so a finding still
//! says which key it is about.

use openclaw_state::StateSnapshot;
use openclaw_state::mask::mask_secret;
use secrecy::ExposeSecret;
use serde_json::Value;

/// Values shorter than this are not masked by value (they would mangle ordinary words).
const MIN_SECRET_LEN: usize = 8;
/// Tokens of a known shape shorter than this are left (`sk-` alone, `Bearer x`).
const MIN_SHAPED_LEN: usize = 16;

/// The secrets of one read of the state, longest first, and the shape net.
#[derive(Clone, Default)]
pub struct Scrubber {
    secrets: Vec<String>,
}

impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scrubber").field("secrets", &self.secrets.len()).finish()
    }
}

impl Scrubber {
    /// Every secret `snapshot` holds.
    pub fn from_snapshot(snapshot: &StateSnapshot) -> Self {
        let mut secrets: Vec<String> = snapshot
            .agents
            .iter()
            .flat_map(|a| &a.profiles)
            .flat_map(|p| [p.credential.secret.as_ref(), p.credential.refresh.as_ref()])
            .flatten()
            .chain(snapshot.env.values.values().map(|v| &v.value))
            .map(|s| s.expose_secret().trim().to_owned())
            .collect();
        if let Some(config) = &snapshot.config {
            secret_values(&config.raw, false, &mut secrets);
        }
        for agent in &snapshot.agents {
            if let Some(models) = &agent.models_json {
                secrets.extend(models.api_keys.iter().map(|(_, key)| key.expose_secret().trim().to_owned()));
            }
        }
        secrets.retain(|s| s.len() >= MIN_SECRET_LEN && !is_env_var_name(s));
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Self { secrets }
    }

    /// `text` with every known secret and every token of a known secret shape masked.
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), &mask_secret(secret));
            }
        }
        mask_shapes(&out)
    }
}

/// Collects the string values under keys that name a secret (`apiKey`, `token`, `secret`,
/// `password`, …), at any depth; `all` takes every string below (a value already known to be one).
fn secret_values(value: &Value, all: bool, out: &mut Vec<String>) {
    match value {
        Value::String(s) if all => out.push(s.trim().to_owned()),
        Value::Object(map) => {
            for (key, v) in map {
                let lower = key.to_ascii_lowercase();
                let named =
                    ["key", "token", "secret", "password", "passwd", "credential"].iter().any(|w| lower.contains(w));
                secret_values(v, all || named, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| secret_values(v, all, out)),
        _ => {}
    }
}

/// `OPENAI_API_KEY` as a value is a reference to the variable, not a secret: masking it would
/// garble every message that names it.
fn is_env_var_name(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Masks `sk-…` tokens (OpenAI, Anthropic, OpenRouter keys) and the token after `Bearer `.
fn mask_shapes(text: &str) -> String {
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '+' | '/' | '=');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let next = [rest.find("sk-"), rest.find("Bearer ").map(|i| i + "Bearer ".len())].into_iter().flatten().min();
        let Some(start) = next else {
            out.push_str(rest);
            break;
        };
        // `sk-` inside a longer word (`task-runner`) is not a key.
        let inside_word = rest[..start].chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric());
        let len = rest[start..].find(|c: char| !is_token_char(c)).unwrap_or(rest.len() - start);
        let token = &rest[start..start + len];
        out.push_str(&rest[..start]);
        if !inside_word && token.len() >= MIN_SHAPED_LEN {
            out.push_str(&mask_secret(token));
        } else {
            out.push_str(token);
        }
        let advance = start + len.max(1);
        let advance = (advance..=rest.len()).find(|i| rest.is_char_boundary(*i)).unwrap_or(rest.len());
        if len == 0 {
            out.push_str(&rest[start..advance]);
        }
        rest = &rest[advance..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_secrets_and_secret_shapes_are_masked() {
        let raw = serde_json::json!({
            "models": {"providers": {"custom": {"apiKey": "cfg-PROVIDERKEY-0123456789", "baseUrl": "http://x"},
                                     "openai": {"apiKey": "OPENAI_API_KEY"}}},
            "gateway": {"auth": {"token": "gw-TOKEN-abcdefghijkl", "mode": "token"}},
            "channels": {"telegram": {"botToken": "123456:TELEGRAMBOTTOKENSECRET"}},
        });
        let mut secrets = Vec::new();
        secret_values(&raw, false, &mut secrets);
        secrets.retain(|s| s.len() >= MIN_SECRET_LEN && !is_env_var_name(s));
        secrets.sort();
        assert_eq!(secrets, ["123456:TELEGRAMBOTTOKENSECRET", "cfg-PROVIDERKEY-0123456789", "gw-TOKEN-abcdefghijkl"]);
        let s = Scrubber { secrets };
        let text = "apiKey cfg-PROVIDERKEY-0123456789 token gw-TOKEN-abcdefghijkl bot 123456:TELEGRAMBOTTOKENSECRET \
                    env OPENAI_API_KEY unknown sk-ant-api03-UNSEENUNSEENUNSEEN-0123 header Authorization: Bearer \
                    abcdefghijklmnopqrstuvwxyz0123 task-runner sk-short";
        let out = s.scrub(text);
        for leak in [
            "PROVIDERKEY",
            "gw-TOKEN-abcdefghijkl",
            "TELEGRAMBOTTOKENSECRET",
            "UNSEENUNSEENUNSEEN",
            "abcdefghijklmnopqrstuvwxyz0123",
        ] {
            assert!(!out.contains(leak), "{leak} in {out}");
        }
        assert!(out.contains("env OPENAI_API_KEY "), "{out}");
        assert!(out.contains("task-runner sk-short"), "{out}");
        // 26 characters: 4 + 4 shown (the panel's stricter mask for 17–31).
        assert!(out.contains("cfg-...6789"), "{out}");
    }

    #[test]
    fn shapes_keep_the_text_around_them() {
        assert_eq!(mask_shapes("no secrets here, ümlaut sk-"), "no secrets here, ümlaut sk-");
        assert_eq!(mask_shapes("k=sk-or-v1-0123456789abcdef."), "k=sk-o...def.");
    }
}
