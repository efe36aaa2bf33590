//! Era C: SQLite. The shared store lives in `<state>/state/openclaw.sqlite`
//! (`config_machine_state`, row `authProfiles.store`); each agent may have its own
//! `agents/<id>/agent/openclaw-agent.sqlite` (`auth_profile_store` and `auth_profile_state`,
//! row `primary`).
//!
//! Databases are opened read-only with a busy timeout, so reading is safe while OpenClaw writes:
//! SQLite's own locking applies and committed WAL content is seen. Nothing is ever created.
//!
//! The four JSON rows are described once, as [`JsonRow`]s, with the SQL that reads and writes
//! them: the reader here and the write engine (`write::engine::era_sqlite`) both build their
//! statements from these, so a table or column name lives in one place.

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

/// One JSON document kept in one row of a key/value table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonRow {
    pub table: &'static str,
    pub key_column: &'static str,
    pub value_column: &'static str,
    /// The column holding the write time in epoch milliseconds.
    pub updated_column: &'static str,
    pub key: &'static str,
}

/// The shared store (`config_machine_state/authProfiles.store`).
pub const SHARED_STORE_ROW: JsonRow = JsonRow {
    table: "config_machine_state",
    key_column: "state_key",
    value_column: "value_json",
    updated_column: "updated_at_ms",
    key: SHARED_STORE_KEY,
};
/// The shared order / lastGood / usageStats (`config_machine_state/authProfiles.state`).
pub const SHARED_STATE_ROW: JsonRow = JsonRow { key: SHARED_STATE_KEY, ..SHARED_STORE_ROW };
/// Where the default agent's store lives (`config_machine_state/auth.sharedStore`). OpenClaw
/// 2026.9.6 reads the shared store row only when this says `{"location":"state-db"}`; its first
/// write of the shared store puts it in (measured on a fresh state).
pub const SHARED_LOCATION_ROW: JsonRow = JsonRow { key: "auth.sharedStore", ..SHARED_STORE_ROW };
/// [`SHARED_LOCATION_ROW`]'s value.
pub const SHARED_LOCATION_STATE_DB: &str = r#"{"location":"state-db"}"#;
/// An agent database's store (`auth_profile_store/primary`).
pub const AGENT_STORE_ROW: JsonRow = JsonRow {
    table: "auth_profile_store",
    key_column: "store_key",
    value_column: "store_json",
    updated_column: "updated_at",
    key: "primary",
};
/// An agent database's order / lastGood / usageStats (`auth_profile_state/primary`).
pub const AGENT_STATE_ROW: JsonRow = JsonRow {
    table: "auth_profile_state",
    key_column: "state_key",
    value_column: "state_json",
    updated_column: "updated_at",
    key: "primary",
};

impl JsonRow {
    /// `SELECT value FROM schema.table WHERE key = ?1` (bind [`Self::key`]).
    pub fn select_sql(&self, schema: &str) -> String {
        format!("SELECT {} FROM {schema}.{} WHERE {} = ?1", self.value_column, self.table, self.key_column)
    }

    /// Insert or replace the row: `?1` key, `?2` JSON text, `?3` now in epoch ms.
    pub fn upsert_sql(&self, schema: &str) -> String {
        let JsonRow { table, key_column: k, value_column: v, updated_column: u, .. } = self;
        format!(
            "INSERT INTO {schema}.{table}({k}, {v}, {u}) VALUES (?1, ?2, ?3) \
             ON CONFLICT({k}) DO UPDATE SET {v} = excluded.{v}, {u} = excluded.{u}"
        )
    }

    /// Insert the row only when there is none: `?1` key, `?2` JSON text, `?3` now in epoch ms.
    pub fn insert_if_absent_sql(&self, schema: &str) -> String {
        let JsonRow { table, key_column: k, value_column: v, updated_column: u, .. } = self;
        format!("INSERT OR IGNORE INTO {schema}.{table}({k}, {v}, {u}) VALUES (?1, ?2, ?3)")
    }

    /// `DELETE FROM schema.table WHERE key = ?1`.
    pub fn delete_sql(&self, schema: &str) -> String {
        format!("DELETE FROM {schema}.{} WHERE {} = ?1", self.table, self.key_column)
    }

    /// The row's JSON text; `None` when the row (or its table) is not there.
    pub fn read_text(&self, conn: &Connection, schema: &str) -> rusqlite::Result<Option<String>> {
        let exists: Option<i64> = conn
            .query_row(
                &format!("SELECT 1 FROM {schema}.sqlite_master WHERE type = 'table' AND name = ?1"),
                [self.table],
                |r| r.get(0),
            )
            .optional()?;
        if exists.is_none() {
            return Ok(None);
        }
        conn.query_row(&self.select_sql(schema), [self.key], |r| r.get(0)).optional()
    }
}

/// How long a read waits for a writer before reporting the database as busy.
const BUSY_TIMEOUT: Duration = Duration::from_millis(1500);

fn sqlite_err(path: &Path, e: rusqlite::Error) -> StoreError {
    StoreError::Sqlite { path: path.to_path_buf(), message: e.to_string() }
}

/// Whether the file's header says WAL mode (file format read/write versions 2 at offset 18).
fn header_says_wal(path: &Path) -> bool {
    use std::io::Read;
    let mut header = [0u8; 20];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut header)).is_ok() && header[18] == 2 && header[19] == 2
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Percent-encodes the characters that end or escape a path in an SQLite URI.
fn uri_path(path: &Path) -> String {
    path.to_string_lossy().replace('%', "%25").replace('?', "%3f").replace('#', "%23")
}

/// Opens a database read-only. The file must exist: this never creates one, and it leaves no
/// file behind. A read-only connection to a WAL database would create `-wal` and `-shm` files it
/// cannot remove (owned by the panel's user, in OpenClaw's dir), so:
/// - WAL mode and a `-wal` file present: OpenClaw has the database open; read through its WAL
///   with SQLite's normal locking (the files already exist).
/// - WAL mode and no `-wal` file: no connection is open and every commit is in the main file,
///   which WAL writers do not touch until a checkpoint; read it as immutable.
/// - Rollback-journal mode: a plain read-only connection (shared lock, busy timeout).
pub fn open_read_only(path: &Path) -> Result<Connection, StoreError> {
    let immutable = header_says_wal(path) && !sibling(path, "-wal").exists();
    let uri = format!("file:{}?{}", uri_path(path), if immutable { "immutable=1" } else { "mode=ro" });
    let conn = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(|e| sqlite_err(path, e))?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| sqlite_err(path, e))?;
    // A cheap read that fails early on a file that is not a database.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())).map_err(|e| sqlite_err(path, e))?;
    Ok(conn)
}

/// Reads one JSON row. A missing table or row is `Ok(None)`.
fn read_row(conn: &Connection, path: &Path, row: &JsonRow) -> Result<Option<Value>, StoreError> {
    let text = row.read_text(conn, "main").map_err(|e| sqlite_err(path, e))?;
    text.map(|t| {
        serde_json::from_str(&t).map_err(|e| StoreError::RowJson {
            path: path.to_path_buf(),
            row: format!("{}/{}", row.table, row.key),
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
    let doc = read_row(&conn, &path, &SHARED_STORE_ROW)?;
    let state = read_row(&conn, &path, &SHARED_STATE_ROW)?;
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
    let store_doc = read_row(&conn, &path, &AGENT_STORE_ROW)?;
    let state_doc = read_row(&conn, &path, &AGENT_STATE_ROW)?;
    let store = (store_doc.is_some() || state_doc.is_some())
        .then(|| AuthStore::from_values(store_doc.as_ref(), state_doc.as_ref()));
    Ok(AgentDb { store, path, exists: true })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{CaptureOptions, TreeSnapshot};

    fn make_agent_db(dir: &Path, journal: &str) -> Connection {
        let conn = Connection::open(dir.join(AGENT_DB)).unwrap();
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = {journal};
             CREATE TABLE auth_profile_store (store_key TEXT NOT NULL PRIMARY KEY, store_json TEXT NOT NULL, updated_at INTEGER NOT NULL) STRICT;
             CREATE TABLE auth_profile_state (state_key TEXT NOT NULL PRIMARY KEY, state_json TEXT NOT NULL, updated_at INTEGER NOT NULL) STRICT;
             INSERT INTO auth_profile_store VALUES ('primary', '{{\"version\":1,\"profiles\":{{\"a:one\":{{\"type\":\"api_key\",\"provider\":\"a\",\"key\":\"k1\"}}}}}}', 1);"
        ))
        .unwrap();
        conn
    }

    #[test]
    fn sees_commits_still_in_the_wal_of_a_running_writer() {
        let dir = tempfile::tempdir().unwrap();
        let writer = make_agent_db(dir.path(), "WAL");
        writer.execute_batch("PRAGMA wal_autocheckpoint = 0;").unwrap();
        writer
            .execute(
                "UPDATE auth_profile_store SET store_json = ?1",
                [r#"{"version":1,"profiles":{"a:two":{"type":"api_key","provider":"a","key":"k2"}}}"#],
            )
            .unwrap();
        assert!(sibling(&dir.path().join(AGENT_DB), "-wal").exists());
        let db = read_agent(dir.path()).unwrap();
        let store = db.store.unwrap();
        assert!(store.profiles.contains_key("a:two"), "the committed WAL content is read");
        drop(writer);
    }

    #[test]
    fn leaves_no_file_behind_on_a_closed_wal_database() {
        let dir = tempfile::tempdir().unwrap();
        drop(make_agent_db(dir.path(), "WAL"));
        // Which files exist is the point (a reader must not leave `-wal`/`-shm`), not their bytes.
        let files = || TreeSnapshot::capture(dir.path(), CaptureOptions::default());
        let before = files();
        assert_eq!(before.paths().count(), 1, "writer cleaned up: {before:?}");
        assert!(read_agent(dir.path()).unwrap().store.unwrap().profiles.contains_key("a:one"));
        let changes = before.diff(&files());
        assert!(changes.is_empty(), "{changes:?}");
    }

    #[test]
    fn a_locked_database_is_reported_not_waited_on_forever() {
        let dir = tempfile::tempdir().unwrap();
        let writer = make_agent_db(dir.path(), "DELETE");
        writer.execute_batch("BEGIN EXCLUSIVE; UPDATE auth_profile_store SET updated_at = 2;").unwrap();
        let err = read_agent(dir.path()).unwrap_err();
        assert!(err.to_string().contains("locked"), "{err}");
        assert!(err.hint().contains("reload"), "{}", err.hint());
        writer.execute_batch("COMMIT").unwrap();
        assert!(read_agent(dir.path()).is_ok());
    }

    #[test]
    fn a_corrupt_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(AGENT_DB), b"this is not a database, just text that is long enough").unwrap();
        let err = read_agent(dir.path()).unwrap_err();
        assert!(err.to_string().contains("not a database"), "{err}");
    }

    #[test]
    fn paths_with_uri_characters_open() {
        let dir = tempfile::tempdir().unwrap();
        let odd = dir.path().join("we?ird#dir %20");
        std::fs::create_dir(&odd).unwrap();
        drop(make_agent_db(&odd, "WAL"));
        assert!(read_agent(&odd).unwrap().store.is_some());
    }
}
