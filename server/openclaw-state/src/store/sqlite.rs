//! Era C: SQLite. The shared store lives in `<state>/state/openclaw.sqlite`
//! (`config_machine_state`, row `authProfiles.store`); each agent may have its own
//! `agents/<id>/agent/openclaw-agent.sqlite` (`auth_profile_store` and `auth_profile_state`,
//! row `primary`).
//!
//! Databases are opened read-only with a busy timeout, so reading is safe while OpenClaw writes:
//! SQLite's own locking applies and committed WAL content is seen. Nothing is ever created.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde_json::Value;

use super::{AuthStore, StoreError};

/// The shared database, relative to the state dir.
pub const SHARED_DB: &str = "state/openclaw.sqlite";
/// The per-agent database file in an agent dir.
pub const AGENT_DB: &str = "openclaw-agent.sqlite";
/// The shared-store row in `config_machine_state`.
pub const SHARED_STORE_KEY: &str = "authProfiles.store";
/// The shared store's order / lastGood / usageStats row in `config_machine_state`.
pub const SHARED_STATE_KEY: &str = "authProfiles.state";

/// How long a read waits for a writer before reporting the database as busy.
const BUSY_TIMEOUT: Duration = Duration::from_millis(1500);

fn sqlite_err(path: &Path, e: rusqlite::Error) -> StoreError {
    StoreError::Sqlite { path: path.to_path_buf(), message: e.to_string() }
}

/// Opens a database read-only. The file must exist: this never creates one.
pub fn open_read_only(path: &Path) -> Result<Connection, StoreError> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(|e| sqlite_err(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| sqlite_err(path, e))?;
    // A cheap read that fails early on a file that is not a database.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())).map_err(|e| sqlite_err(path, e))?;
    Ok(conn)
}

fn table_exists(conn: &Connection, path: &Path, table: &str) -> Result<bool, StoreError> {
    conn.query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |_| Ok(()))
        .optional()
        .map(|r| r.is_some())
        .map_err(|e| sqlite_err(path, e))
}

/// Reads one JSON row: `SELECT <column> FROM <table> WHERE <key_column> = ?`. A missing table or
/// row is `Ok(None)`.
fn read_row(
    conn: &Connection,
    path: &Path,
    table: &str,
    key_column: &str,
    value_column: &str,
    key: &str,
) -> Result<Option<Value>, StoreError> {
    if !table_exists(conn, path, table)? {
        return Ok(None);
    }
    let sql = format!("SELECT {value_column} FROM {table} WHERE {key_column} = ?1");
    let text: Option<String> =
        conn.query_row(&sql, [key], |row| row.get(0)).optional().map_err(|e| sqlite_err(path, e))?;
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| StoreError::RowJson {
            path: path.to_path_buf(),
            row: format!("{table}/{key}"),
            message: e.to_string(),
        })
    })
    .transpose()
}

/// What the shared database holds.
#[derive(Debug, Default)]
pub struct SharedDb {
    pub path: PathBuf,
    pub exists: bool,
    /// `None` when the database has no `authProfiles.store` row.
    pub store: Option<AuthStore>,
}

/// Reads the shared store of era C.
pub fn read_shared(state_dir: &Path) -> Result<SharedDb, StoreError> {
    let path = state_dir.join(SHARED_DB);
    if !path.is_file() {
        return Ok(SharedDb { path, exists: false, store: None });
    }
    let conn = open_read_only(&path)?;
    let doc = read_row(&conn, &path, "config_machine_state", "state_key", "value_json", SHARED_STORE_KEY)?;
    let state = read_row(&conn, &path, "config_machine_state", "state_key", "value_json", SHARED_STATE_KEY)?;
    let store = (doc.is_some() || state.is_some()).then(|| AuthStore::from_values(doc.as_ref(), state.as_ref()));
    Ok(SharedDb { path, exists: true, store })
}

/// What an agent database holds.
#[derive(Debug, Default)]
pub struct AgentDb {
    pub path: PathBuf,
    pub exists: bool,
    /// The `auth_profile_store` and `auth_profile_state` rows; `None` when neither exists.
    pub store: Option<AuthStore>,
}

/// Reads an agent's own database of era C.
pub fn read_agent(agent_dir: &Path) -> Result<AgentDb, StoreError> {
    let path = agent_dir.join(AGENT_DB);
    if !path.is_file() {
        return Ok(AgentDb { path, exists: false, store: None });
    }
    let conn = open_read_only(&path)?;
    let store_doc = read_row(&conn, &path, "auth_profile_store", "store_key", "store_json", "primary")?;
    let state_doc = read_row(&conn, &path, "auth_profile_state", "state_key", "state_json", "primary")?;
    let store = (store_doc.is_some() || state_doc.is_some())
        .then(|| AuthStore::from_values(store_doc.as_ref(), state_doc.as_ref()));
    Ok(AgentDb { store, path, exists: true })
}
