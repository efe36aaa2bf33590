//! Era C: the store in SQLite, read and written side by side, with the statements built from the
//! row descriptions in [`crate::store::sqlite`] (one place for table and column names).
//!
//! Read half: the profiles row (the shared database's `authProfiles.store` for the default agent,
//! else the agent database's `auth_profile_store`) and the agent database's `auth_profile_state`,
//! as text and documents; their bytes make the [`Revision`]. Write half: one `BEGIN IMMEDIATE`
//! transaction with a busy timeout over the store's database and the agent's (attached), rows
//! written as compact `JSON.stringify`. An agent database that does not exist yet is created with
//! the schema of the rules table, under a temp name, and only when the edit changes something.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

use super::WriteError;
use super::revision::Revision;
use super::runner::{Applied, Decide, Loaded};
use super::target::SqliteStore;
use crate::rules::AgentDbSchema;
use crate::store::sqlite::{
    AGENT_STATE_ROW, AGENT_STORE_ROW, JsonRow, SHARED_LOCATION_ROW, SHARED_LOCATION_STATE_DB, SHARED_STORE_ROW,
};
use crate::write::json_text::stringify_compact;
use crate::write::store_doc::StoreDocs;
use crate::write::{atomic, time};

/// How long a write waits for OpenClaw's own SQLite writers.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// The store row OpenClaw puts into an agent database whose profiles live in the shared store.
const EMPTY_AGENT_STORE: &str = r#"{"version":1,"profiles":{}}"#;

fn profiles_row(store: &SqliteStore) -> &'static JsonRow {
    match store {
        SqliteStore::Shared(_) => &SHARED_STORE_ROW,
        SqliteStore::Agent(_) => &AGENT_STORE_ROW,
    }
}

fn parse(text: Option<&str>, path: &Path) -> Result<Option<Value>, WriteError> {
    text.map(|t| {
        serde_json::from_str(t).map_err(|e| WriteError::Corrupt { path: path.to_owned(), message: e.to_string() })
    })
    .transpose()
}

fn loaded(
    profiles_text: Option<String>,
    state_text: Option<String>,
    store: &SqliteStore,
    state_db: &Path,
) -> Result<Loaded, WriteError> {
    let docs =
        StoreDocs::new(parse(profiles_text.as_deref(), store.db())?, parse(state_text.as_deref(), state_db)?, true);
    Ok(Loaded { docs, profiles_text, state_text })
}

/// Reads the rows as they are now, read-only (for a revision or a preview). A database that does
/// not exist holds no rows.
pub(super) fn load(store: &SqliteStore, state_db: &Path) -> Result<Loaded, WriteError> {
    let read = |path: &Path, row: &JsonRow| -> Result<Option<String>, WriteError> {
        if !path.is_file() {
            return Ok(None);
        }
        let conn = crate::store::sqlite::open_read_only(path).map_err(WriteError::sqlite(path))?;
        row.read_text(&conn, "main").map_err(WriteError::sqlite(path))
    };
    let p = read(store.db(), profiles_row(store))?;
    let s = read(state_db, &AGENT_STATE_ROW)?;
    loaded(p, s, store, state_db)
}

/// One record of the shared database's state row (`authProfiles.state`), which OpenClaw merges
/// under every agent's own state; `None` when there is no database, row or record.
pub(super) fn shared_state_record(shared_db: &Path, id: &str) -> Result<Option<Value>, WriteError> {
    if !shared_db.is_file() {
        return Ok(None);
    }
    let conn = crate::store::sqlite::open_read_only(shared_db).map_err(WriteError::sqlite(shared_db))?;
    let text =
        crate::store::sqlite::SHARED_STATE_ROW.read_text(&conn, "main").map_err(WriteError::sqlite(shared_db))?;
    let state: Option<Value> = text.as_deref().and_then(|t| serde_json::from_str(t).ok());
    Ok(state.and_then(|s| s.get("usageStats").and_then(|u| u.get(id)).cloned()))
}

fn open_rw(path: &Path) -> Result<Connection, WriteError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(WriteError::sqlite(path))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(WriteError::sqlite(path))?;
    Ok(conn)
}

/// Creates an agent database with OpenClaw's schema when it does not exist yet.
fn ensure_agent_db(path: &Path, agent: &str, schema: &AgentDbSchema) -> Result<(), WriteError> {
    if path.is_file() {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        atomic::create_private_dir(dir).map_err(WriteError::io(dir))?;
    }
    // Built under a temp name and renamed, so OpenClaw never sees a half-made database.
    let temp = path.with_extension(format!("sqlite.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&temp);
    let result = (|| -> Result<(), rusqlite::Error> {
        let conn = Connection::open(&temp)?;
        conn.execute_batch(schema.sql)?;
        conn.pragma_update(None, "user_version", schema.schema_version)?;
        let now = time::now_ms();
        conn.execute(
            "INSERT INTO schema_meta(meta_key, role, schema_version, agent_id, app_version, created_at, updated_at) \
             VALUES ('primary', 'agent', ?1, ?2, ?3, ?4, ?4)",
            rusqlite::params![schema.schema_version, agent, schema.app_version, now],
        )?;
        conn.pragma_update(None, "journal_mode", "wal")?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        let first_line = e.to_string().lines().next().unwrap_or_default().to_owned();
        return Err(WriteError::Sqlite {
            path: path.to_owned(),
            message: format!("cannot create the agent database: {first_line}"),
        });
    }
    atomic::set_mode(&temp, 0o600).map_err(WriteError::io(&temp))?;
    std::fs::rename(&temp, path).map_err(WriteError::io(path))?;
    Ok(())
}

/// Opens a transaction over both databases, loads, lets `decide` check and edit, writes the rows
/// that changed, commits.
pub(super) fn transact(
    agent: &str,
    schema: Option<&AgentDbSchema>,
    store: &SqliteStore,
    state_db: &Path,
    decide: &mut Decide<'_>,
) -> Result<Applied, WriteError> {
    let store_db = store.db();
    if matches!(store, SqliteStore::Shared(_)) && !store_db.is_file() {
        return Err(WriteError::Sqlite {
            path: store_db.to_owned(),
            message: "the shared database does not exist; run OpenClaw once (e.g. `openclaw models status`)".into(),
        });
    }
    if !state_db.is_file() {
        // Decide before creating anything: a refused change, or one that changes nothing,
        // must not leave a new agent database behind.
        let now = load(store, state_db)?;
        let found = now.revision();
        let mut docs = now.docs.clone();
        let changes = decide(&found, &mut docs)?;
        if docs == now.docs {
            return Ok(Applied { changes, files: Vec::new(), revision: found });
        }
        let Some(schema) = schema else {
            return Err(WriteError::Sqlite {
                path: state_db.to_owned(),
                message: "this OpenClaw version's agent database schema is not known; run OpenClaw once for this agent"
                    .into(),
            });
        };
        ensure_agent_db(state_db, agent, schema)?;
    }
    let mut conn = open_rw(store_db)?;
    let same_db = store_db == state_db;
    if !same_db {
        conn.execute("ATTACH DATABASE ?1 AS st", [state_db.to_string_lossy()]).map_err(WriteError::sqlite(state_db))?;
    }
    let st = if same_db { "main" } else { "st" };
    // BEGIN IMMEDIATE: the write locks of both databases before reading, so what is read is what
    // the change is applied to.
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(WriteError::sqlite(store_db))?;
    let row = profiles_row(store);
    let p_text = row.read_text(&tx, "main").map_err(WriteError::sqlite(store_db))?;
    let s_text = AGENT_STATE_ROW.read_text(&tx, st).map_err(WriteError::sqlite(store_db))?;
    let now_loaded = loaded(p_text, s_text, store, state_db)?;
    let mut docs = now_loaded.docs.clone();
    let changes = decide(&now_loaded.revision(), &mut docs)?;
    let before = &now_loaded.docs;
    let now = time::now_ms();
    let new_p = stringify_compact(&docs.profiles);
    let mut files = Vec::new();
    if docs.profiles != before.profiles || now_loaded.profiles_text.is_none() {
        tx.execute(&row.upsert_sql("main"), rusqlite::params![row.key, new_p, now])
            .map_err(WriteError::sqlite(store_db))?;
        // Without its location row, OpenClaw 2026.9.6 ignores the shared store (it reads the
        // default agent's own database instead): on a fresh state the paste would be invisible.
        if matches!(store, SqliteStore::Shared(_)) {
            let at = &SHARED_LOCATION_ROW;
            tx.execute(&at.insert_if_absent_sql("main"), rusqlite::params![at.key, SHARED_LOCATION_STATE_DB, now])
                .map_err(WriteError::sqlite(store_db))?;
        }
        files.push(store_db.to_owned());
    }
    let mut new_s = now_loaded.state_text.clone();
    if docs.state != before.state || (now_loaded.state_text.is_some() && docs.state_is_empty()) {
        if docs.state_is_empty() {
            tx.execute(&AGENT_STATE_ROW.delete_sql(st), [AGENT_STATE_ROW.key]).map_err(WriteError::sqlite(state_db))?;
            new_s = None;
        } else {
            let text = stringify_compact(docs.state.as_ref().expect("era C keeps a separate state"));
            tx.execute(&AGENT_STATE_ROW.upsert_sql(st), rusqlite::params![AGENT_STATE_ROW.key, text, now])
                .map_err(WriteError::sqlite(state_db))?;
            new_s = Some(text);
        }
        // OpenClaw 2026.9.6 reads an agent database's state only beside a store row there; with
        // none it falls back to the shared state. Its own first write puts an empty store row in
        // (measured): so do we, or `order get` would not see this change.
        if new_s.is_some() && matches!(store, SqliteStore::Shared(_)) {
            tx.execute(
                &AGENT_STORE_ROW.insert_if_absent_sql(st),
                rusqlite::params![AGENT_STORE_ROW.key, EMPTY_AGENT_STORE, now],
            )
            .map_err(WriteError::sqlite(state_db))?;
        }
        if !files.iter().any(|f| f == state_db) {
            files.push(state_db.to_owned());
        }
    }
    tx.commit().map_err(WriteError::sqlite(store_db))?;
    let final_p = if files.iter().any(|f| f == store_db) { Some(new_p) } else { now_loaded.profiles_text };
    Ok(Applied { changes, files, revision: Revision::of(&[final_p.as_deref(), new_s.as_deref()]) })
}
