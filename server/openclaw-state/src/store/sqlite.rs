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
