//! The demo state: a realistic OpenClaw state dir with every credential type and state, so a
//! newcomer (and the browser tests) see the panel working without OpenClaw installed.
//!
//! Agents `main` and `work` are on SQLite (era C, as OpenClaw 2026.9 writes it); `archive` still
//! has an era-A `auth-profiles.json` and `ops` an era-B pair, which an SQLite-era OpenClaw refuses
//! until `openclaw doctor --fix` imports them. Every secret is fake and says so.

use std::io;
use std::path::Path;

use rusqlite::Connection;

use crate::private_fs;
use serde_json::{Value, json};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// Demo setup token (fake): 101 characters, like a real one.
pub const DEMO_SETUP_TOKEN: &str =
    "sk-ant-oat01-DEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKE-MAINTOKN";

fn pretty(value: &Value) -> String {
    // OpenClaw writes JSON.stringify(x, null, 2) + "\n".
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

fn sql_err(e: rusqlite::Error) -> io::Error {
    io::Error::other(e.to_string())
}

/// Creates `state_dir` and fills it; `now` is epoch ms so expiries are relative to the moment.
pub fn seed(state_dir: &Path, now: i64) -> io::Result<()> {
    private_fs::create_dir(state_dir)?;

    private_fs::write(
        &state_dir.join("openclaw.json"),
        &pretty(&json!({
            "auth": {
                "profiles": {
                    "anthropic:manual": { "provider": "anthropic", "mode": "token" },
                    "anthropic:default": { "provider": "anthropic", "mode": "api_key" },
                    "anthropic:work": { "provider": "anthropic", "mode": "token" },
                    "openai-codex:me@example.com": { "provider": "openai-codex", "mode": "oauth", "email": "me@example.com" },
                    "openrouter:manual": { "provider": "openrouter", "mode": "api_key" },
                    "google:default": { "provider": "google", "mode": "token" },
                    "xai:manual": { "provider": "xai", "mode": "token" }
                },
                "order": { "xai": ["xai:manual"] }
            },
            "meta": { "lastTouchedVersion": "2026.9.6" },
            "agents": {
                "ownership": "explicit",
                "defaults": {
                    "model": { "primary": "anthropic/claude-opus-4-6", "fallbacks": ["openai-codex/gpt-5.4"] },
                    "models": { "anthropic/claude-opus-4-6": { "alias": "opus" } }
                },
                "entries": {
                    "main": {},
                    "work": { "name": "work" },
                    "archive": { "name": "archive" },
                    "ops": { "name": "ops" }
                }
            }
        })),
    )?;

    private_fs::write(
        &state_dir.join(".env"),
        "# Provider keys for the gateway (OpenClaw reads this file at start)\nOPENAI_API_KEY=sk-proj-DEMOFAKEDEMOFAKEDEMOFAKE-ENVKEY01\n",
    )?;

    let shared_store = json!({
        "version": 1,
        "profiles": {
            "anthropic:manual": { "type": "token", "provider": "anthropic", "token": DEMO_SETUP_TOKEN, "expires": now + 30 * DAY },
            "anthropic:default": { "type": "api_key", "provider": "anthropic", "key": "sk-ant-api03-DEMOFAKEDEMOFAKEDEMOFAKE-APIKEY01" },
            "openai-codex:me@example.com": {
                "type": "oauth", "provider": "openai-codex",
                "access": "eyJhbGciOiJSUzI1NiJ9.DEMOFAKE.DEMOFAKE-ACCESS01", "refresh": "rt_DEMOFAKEDEMOFAKE",
                "expires": now + 6 * HOUR, "accountId": "acct_DEMO123", "email": "me@example.com"
            },
            "openrouter:manual": {
                "type": "api_key", "provider": "openrouter",
                "keyRef": { "source": "env", "provider": "default", "id": "OPENROUTER_API_KEY" }
            },
            "google:default": { "type": "token", "provider": "google", "token": "ya29.DEMOFAKEDEMOFAKEDEMO-GOOGLE01", "expires": now - 2 * DAY },
            "xai:manual": { "type": "token", "provider": "xai", "token": "xai-DEMOFAKEDEMOFAKEDEMOFAKE-XAITOKEN", "expires": "tomorrow" }
        }
    });
    let shared_state = json!({
        "version": 1,
        "order": { "anthropic": ["anthropic:manual", "anthropic:default"] },
        "lastGood": { "anthropic": "anthropic:manual" },
        "usageStats": {
            "anthropic:default": {
                "lastUsed": now - 10 * 60_000, "cooldownUntil": now + 45 * 60_000, "cooldownReason": "rate_limit",
                "cooldownModel": "claude-opus-4-6", "errorCount": 1, "failureCounts": { "rate_limit": 1 }
            },
            "google:default": {
                "lastUsed": now - 3 * DAY, "disabledUntil": now + 3 * HOUR, "disabledReason": "billing", "errorCount": 2
            }
        }
    });
    let shared_db = state_dir.join("state").join("openclaw.sqlite");
    private_fs::create_dir(shared_db.parent().unwrap_or(state_dir))?;
    let conn = Connection::open(&shared_db).map_err(sql_err)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         CREATE TABLE IF NOT EXISTS config_machine_state (
           state_key TEXT NOT NULL PRIMARY KEY, value_json TEXT NOT NULL, updated_at_ms INTEGER NOT NULL) STRICT;",
    )
    .map_err(sql_err)?;
    for (key, value) in [
        ("auth.sharedStore", json!({ "location": "state-db" })),
        ("authProfiles.store", shared_store),
        ("authProfiles.state", shared_state),
    ] {
        conn.execute(
            "INSERT OR REPLACE INTO config_machine_state (state_key, value_json, updated_at_ms) VALUES (?1, ?2, ?3)",
            rusqlite::params![key, value.to_string(), now],
        )
        .map_err(sql_err)?;
    }
    drop(conn);
    private_fs::set_mode(&shared_db, 0o600)?;

    let work_db = state_dir.join("agents/work/agent/openclaw-agent.sqlite");
    private_fs::create_dir(work_db.parent().unwrap_or(state_dir))?;
    let conn = Connection::open(&work_db).map_err(sql_err)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL;
         CREATE TABLE IF NOT EXISTS auth_profile_store (
           store_key TEXT NOT NULL PRIMARY KEY, store_json TEXT NOT NULL, updated_at INTEGER NOT NULL) STRICT;
         CREATE TABLE IF NOT EXISTS auth_profile_state (
           state_key TEXT NOT NULL PRIMARY KEY, state_json TEXT NOT NULL, updated_at INTEGER NOT NULL) STRICT;",
    )
    .map_err(sql_err)?;
    let work_store = json!({
        "version": 1,
        "profiles": {
            "anthropic:work": {
                "type": "token", "provider": "anthropic",
                "token": "sk-ant-oat01-DEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKE-WORKTOKN",
                "expires": now + 12 * HOUR, "displayName": "Work account"
            }
        }
    });
    let work_state = json!({ "version": 1, "order": { "anthropic": ["anthropic:work", "anthropic:manual"] } });
    conn.execute(
        "INSERT OR REPLACE INTO auth_profile_store (store_key, store_json, updated_at) VALUES ('primary', ?1, ?2)",
        rusqlite::params![work_store.to_string(), now],
    )
    .map_err(sql_err)?;
    conn.execute(
        "INSERT OR REPLACE INTO auth_profile_state (state_key, state_json, updated_at) VALUES ('primary', ?1, ?2)",
        rusqlite::params![work_state.to_string(), now],
    )
    .map_err(sql_err)?;
    drop(conn);
    private_fs::set_mode(&work_db, 0o600)?;

    // Era A: order and usage inside auth-profiles.json.
    private_fs::write(
        &state_dir.join("agents/archive/agent/auth-profiles.json"),
        &pretty(&json!({
            "version": 1,
            "profiles": {
                "anthropic:archive": {
                    "type": "token", "provider": "anthropic",
                    "token": "sk-ant-oat01-DEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKE-ARCHIVE1",
                    "expires": now + 200 * DAY
                }
            },
            "order": { "anthropic": ["anthropic:archive"] }
        })),
    )?;

    // Era B: credentials and state in two files.
    private_fs::write(
        &state_dir.join("agents/ops/agent/auth-profiles.json"),
        &pretty(&json!({
            "version": 1,
            "profiles": {
                "openrouter:ops": { "type": "api_key", "provider": "openrouter", "key": "sk-or-v1-DEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKE-OPSKEY01" }
            }
        })),
    )?;
    private_fs::write(
        &state_dir.join("agents/ops/agent/auth-state.json"),
        &pretty(&json!({ "version": 1, "usageStats": { "openrouter:ops": { "lastUsed": now - DAY } } })),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use openclaw_state::snapshot::{Era, ReadOptions};
    use openclaw_state::{StateLocation, read_state};

    #[test]
    fn demo_state_reads_cleanly_in_every_era() {
        let dir = tempfile::tempdir().unwrap();
        let now = 1_800_000_000_000;
        seed(dir.path(), now).unwrap();
        let snap = read_state(&StateLocation::in_dir(dir.path()), &ReadOptions { now_ms: now, ..Default::default() });
        let eras: Vec<_> = snap.agents.iter().map(|a| (a.id.as_str(), a.era)).collect();
        assert_eq!(
            eras,
            [("main", Some(Era::C)), ("archive", Some(Era::A)), ("ops", Some(Era::B)), ("work", Some(Era::C))]
        );
        let main = snap.agent("main").unwrap();
        assert_eq!(main.profiles.len(), 6);
        assert!(main.usage["anthropic:default"].cooldown_until.is_some());
        let work = snap.agent("work").unwrap();
        assert_eq!(work.order["anthropic"], ["anthropic:work", "anthropic:manual"]);
        assert!(snap.agent("archive").unwrap().migration_required);
        assert!(snap.agent("ops").unwrap().migration_required);
        // The two legacy agents are the only problems.
        assert_eq!(snap.problems.len(), 2, "{:?}", snap.problems);
    }
}
