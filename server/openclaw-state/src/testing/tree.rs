//! One capture of a directory tree, and one comparison of two captures, for tests that ask
//! "what did this change on disk?" (usually: "nothing").
//!
//! What counts as a change is chosen by the caller through [`CaptureOptions`], never implied:
//! file bytes, SQLite databases by their logical rows, permission modes, and names to leave out.
//! Tests used to carry five walkers with four silent meanings of "nothing changed"; now each says
//! which aspects it compares.
//!
//! Invariants:
//! - Capturing never changes the tree: a database is read from a copy (with its `-wal` and
//!   `-journal`) in a temp dir, so no `-shm`/`-wal` is created and no checkpoint happens beside it.
//! - Paths are relative to the captured root, and the root itself is not an entry (its mode is
//!   the test's own business: a fix may change the state dir's mode and nothing under it).
//! - Directories are entries too (an added empty directory is a change); symlinks are not
//!   followed (with `bytes`, their target is their content).
//! - Two captures compare only if taken with the same options ([`TreeSnapshot::diff`] panics
//!   otherwise: comparing bytes with rows would report nonsense).
//!
//! A test helper: any IO or SQLite error panics with the path, as a failed `unwrap` would.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// What a capture records besides each path's presence and kind (file, directory, symlink).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaptureOptions {
    /// Every file's bytes (SQLite databases too, unless `sqlite_rows`).
    pub bytes: bool,
    /// SQLite databases (recognised by their header, whatever their name) by their schema and
    /// the rows of every table, in no particular order: a database rewritten, vacuumed or
    /// checkpointed with the same rows compares equal. Without it (and without `bytes`), a
    /// database is a file like any other.
    pub sqlite_rows: bool,
    /// The permission bits (`mode & 0o777`) of every file and directory (Unix only).
    pub modes: bool,
    /// File-name suffixes to leave out (`"-wal"`, `".lock"`); an ignored directory is not
    /// entered. Matched against the last path component only.
    pub ignore: &'static [&'static str],
}

/// What one path held when captured.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Content {
    Dir,
    /// A file whose contents were not asked for.
    File,
    Bytes(Vec<u8>),
    Sqlite(Database),
    /// A symlink, with its target if bytes were asked for.
    Symlink(Option<PathBuf>),
}

impl Content {
    fn kind(&self) -> &'static str {
        match self {
            Content::Dir => "directory",
            Content::File | Content::Bytes(_) => "file",
            Content::Sqlite(_) => "SQLite database",
            Content::Symlink(_) => "symlink",
        }
    }
}

/// A database's logical content: schema objects by `"<type> <name>"`, and per table its rows
/// rendered as text and sorted (so row order and rowids do not matter).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Database {
    schema: BTreeMap<String, String>,
    tables: BTreeMap<String, Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Entry {
    content: Content,
    mode: Option<u32>,
}

/// A directory tree as [`CaptureOptions`] asked to see it.
#[derive(Clone, Debug)]
pub struct TreeSnapshot {
    options: CaptureOptions,
    entries: BTreeMap<PathBuf, Entry>,
}

/// Which aspect of a path differs between two captures.
#[derive(Clone, PartialEq, Eq)]
pub enum Aspect {
    Added,
    Removed,
    /// A file became a directory, a database a plain file, etc.
    Kind {
        before: &'static str,
        after: &'static str,
    },
    /// The bytes differ (with the sizes, never the contents: they may hold a secret).
    Bytes {
        before: usize,
        after: usize,
    },
    /// A schema object (`"table auth_profile_store"`, `"index ..."`) was added, dropped or altered.
    Schema {
        object: String,
    },
    /// The rows of one table differ: those only before, those only after.
    Rows {
        table: String,
        removed: Vec<String>,
        added: Vec<String>,
    },
    Mode {
        before: u32,
        after: u32,
    },
    /// A symlink points elsewhere.
    Target {
        before: PathBuf,
        after: PathBuf,
    },
}

/// One difference between two captures: a path relative to the root, and what differs.
#[derive(Clone, PartialEq, Eq)]
pub struct TreeChange {
    pub path: PathBuf,
    pub aspect: Aspect,
}

impl fmt::Display for TreeChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.aspect {
            Aspect::Added => write!(f, "added: {path}"),
            Aspect::Removed => write!(f, "removed: {path}"),
            Aspect::Kind { before, after } => write!(f, "changed kind: {path} ({before} -> {after})"),
            Aspect::Bytes { before, after } => write!(f, "changed bytes: {path} ({before} -> {after} bytes)"),
            Aspect::Schema { object } => write!(f, "changed schema: {path} ({object})"),
            Aspect::Rows { table, removed, added } => {
                write!(f, "changed rows: {path} table {table}")?;
                for row in removed {
                    write!(f, "\n  - {row}")?;
                }
                for row in added {
                    write!(f, "\n  + {row}")?;
                }
                Ok(())
            }
            Aspect::Mode { before, after } => write!(f, "changed mode: {path} ({before:03o} -> {after:03o})"),
            Aspect::Target { before, after } => {
                write!(f, "changed target: {path} ({} -> {})", before.display(), after.display())
            }
        }
    }
}

/// The readable form in `{:?}` too, so `assert!(changes.is_empty(), "{changes:?}")` reads well.
impl fmt::Debug for TreeChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl TreeSnapshot {
    /// Records every path under `root` (not `root` itself) as `options` say.
    ///
    /// # Panics
    /// On any error reading the tree or a database, naming the path.
    pub fn capture(root: &Path, options: CaptureOptions) -> Self {
        let mut entries = BTreeMap::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            let listing = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("read dir {}: {e}", dir.display()));
            for item in listing {
                let item = item.unwrap_or_else(|e| panic!("read dir {}: {e}", dir.display()));
                let name = item.file_name().to_string_lossy().into_owned();
                if options.ignore.iter().any(|suffix| name.ends_with(suffix)) {
                    continue;
                }
                let path = item.path();
                let meta = std::fs::symlink_metadata(&path).unwrap_or_else(|e| panic!("stat {}: {e}", path.display()));
                let content = if meta.is_dir() {
                    stack.push(path.clone());
                    Content::Dir
                } else if meta.file_type().is_symlink() {
                    Content::Symlink(options.bytes.then(|| {
                        std::fs::read_link(&path).unwrap_or_else(|e| panic!("read link {}: {e}", path.display()))
                    }))
                } else {
                    file_content(&path, options)
                };
                let mode = if options.modes { mode_of(&meta) } else { None };
                let rel = path.strip_prefix(root).expect("walked paths are under the root").to_path_buf();
                entries.insert(rel, Entry { content, mode });
            }
        }
        Self { options, entries }
    }

    /// Every recorded path (directories too), relative to the root, in order.
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.entries.keys().map(PathBuf::as_path)
    }

    /// The recorded paths that are not directories, relative to the root, in order.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.entries.iter().filter(|(_, e)| e.content != Content::Dir).map(|(p, _)| p.as_path())
    }

    /// What differs from `self` (before) to `after`, by path, then aspect. Empty: nothing changed
    /// in any aspect the options asked for.
    ///
    /// # Panics
    /// If the two captures were taken with different options.
    pub fn diff(&self, after: &TreeSnapshot) -> Vec<TreeChange> {
        assert_eq!(self.options, after.options, "compare captures taken with the same options");
        let mut changes = Vec::new();
        let mut push = |path: &Path, aspect| changes.push(TreeChange { path: path.to_path_buf(), aspect });
        for (path, old) in &self.entries {
            let Some(new) = after.entries.get(path) else {
                push(path, Aspect::Removed);
                continue;
            };
            match (&old.content, &new.content) {
                (Content::Bytes(a), Content::Bytes(b)) if a != b => {
                    push(path, Aspect::Bytes { before: a.len(), after: b.len() })
                }
                (Content::Sqlite(a), Content::Sqlite(b)) => {
                    for aspect in database_changes(a, b) {
                        push(path, aspect);
                    }
                }
                (Content::Symlink(a), Content::Symlink(b)) if a != b => push(
                    path,
                    Aspect::Target { before: a.clone().unwrap_or_default(), after: b.clone().unwrap_or_default() },
                ),
                (a, b) if std::mem::discriminant(a) != std::mem::discriminant(b) => {
                    push(path, Aspect::Kind { before: a.kind(), after: b.kind() })
                }
                _ => {}
            }
            if let (Some(before), Some(after)) = (old.mode, new.mode)
                && before != after
            {
                push(path, Aspect::Mode { before, after });
            }
        }
        for path in after.entries.keys().filter(|p| !self.entries.contains_key(*p)) {
            push(path, Aspect::Added);
        }
        changes.sort_by(|a, b| a.path.cmp(&b.path));
        changes
    }
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn mode_of(_: &std::fs::Metadata) -> Option<u32> {
    None
}

/// The first 16 bytes of every SQLite 3 database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

fn file_content(path: &Path, options: CaptureOptions) -> Content {
    if !options.bytes && !options.sqlite_rows {
        return Content::File;
    }
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    if options.sqlite_rows && bytes.starts_with(SQLITE_HEADER) {
        Content::Sqlite(read_database(path))
    } else if options.bytes {
        Content::Bytes(bytes)
    } else {
        Content::File
    }
}

/// Reads a database's schema and rows from a copy, so the tree under test is never touched: a
/// connection on the original could leave a `-shm` beside it or checkpoint its WAL.
fn read_database(path: &Path) -> Database {
    let fail = |e: &dyn fmt::Display| -> ! { panic!("read database {}: {e}", path.display()) };
    let tmp = tempfile::tempdir().unwrap_or_else(|e| fail(&e));
    let copy = tmp.path().join("db");
    std::fs::copy(path, &copy).unwrap_or_else(|e| fail(&e));
    // A WAL holds committed rows not yet in the main file; a hot journal, a transaction to undo.
    for suffix in ["-wal", "-journal"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        if side.is_file() {
            std::fs::copy(&side, tmp.path().join(format!("db{suffix}"))).unwrap_or_else(|e| fail(&e));
        }
    }
    // Read-write on the copy: SQLite recovers a WAL or rolls back a journal only with write access.
    let conn = rusqlite::Connection::open(&copy).unwrap_or_else(|e| fail(&e));
    let mut schema = BTreeMap::new();
    let mut table_names = Vec::new();
    {
        let mut stmt = conn
            .prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL")
            .unwrap_or_else(|e| fail(&e));
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            .unwrap_or_else(|e| fail(&e));
        for row in rows {
            let (kind, name, sql) = row.unwrap_or_else(|e| fail(&e));
            // `sqlite_sequence` and `sqlite_stat*` are SQLite's bookkeeping, not data.
            if kind == "table" && !name.starts_with("sqlite_") {
                table_names.push(name.clone());
            }
            schema.insert(format!("{kind} {name}"), sql);
        }
    }
    let mut tables = BTreeMap::new();
    for table in table_names {
        let mut stmt =
            conn.prepare(&format!("SELECT * FROM \"{}\"", table.replace('"', "\"\""))).unwrap_or_else(|e| fail(&e));
        let columns: Vec<String> = stmt.column_names().map(str::to_owned).collect();
        let rows = stmt
            .query_map([], |r| {
                let cells: Vec<String> = (0..columns.len())
                    .map(|i| r.get_ref(i).map(|v| format!("{}={}", columns[i], render(v))))
                    .collect::<Result<_, _>>()?;
                Ok(cells.join(", "))
            })
            .unwrap_or_else(|e| fail(&e));
        let mut rows: Vec<String> = rows.map(|r| r.unwrap_or_else(|e| fail(&e))).collect();
        rows.sort();
        tables.insert(table, rows);
    }
    Database { schema, tables }
}

/// One SQLite value as text that keeps its type apart (`1`, `1.0`, `'1'`, `x'01'`, `NULL`).
fn render(value: rusqlite::types::ValueRef<'_>) -> String {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => "NULL".to_owned(),
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Real(r) => format!("{r:?}"),
        ValueRef::Text(t) => format!("'{}'", String::from_utf8_lossy(t).replace('\'', "''")),
        ValueRef::Blob(b) => format!("x'{}'", b.iter().map(|byte| format!("{byte:02x}")).collect::<String>()),
    }
}

/// The schema objects and tables whose rows differ; rows compare as multisets.
fn database_changes(before: &Database, after: &Database) -> Vec<Aspect> {
    let mut out = Vec::new();
    let objects: std::collections::BTreeSet<&String> = before.schema.keys().chain(after.schema.keys()).collect();
    for object in objects {
        if before.schema.get(object) != after.schema.get(object) {
            out.push(Aspect::Schema { object: object.clone() });
        }
    }
    let empty = Vec::new();
    let tables: std::collections::BTreeSet<&String> = before.tables.keys().chain(after.tables.keys()).collect();
    for table in tables {
        let (old, new) = (before.tables.get(table).unwrap_or(&empty), after.tables.get(table).unwrap_or(&empty));
        if old != new {
            out.push(Aspect::Rows { table: table.clone(), removed: minus(old, new), added: minus(new, old) });
        }
    }
    out
}

/// The rows of sorted `a` not matched one-for-one in sorted `b`.
fn minus(a: &[String], b: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = b.iter().peekable();
    for row in a {
        while rest.next_if(|other| *other < row).is_some() {}
        if rest.next_if(|other| *other == row).is_none() {
            out.push(row.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const BYTES: CaptureOptions = CaptureOptions { bytes: true, sqlite_rows: false, modes: false, ignore: &[] };
    const ROWS: CaptureOptions = CaptureOptions { bytes: true, sqlite_rows: true, modes: false, ignore: &[] };
    const MODES: CaptureOptions = CaptureOptions { bytes: false, sqlite_rows: false, modes: true, ignore: &[] };

    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("a.json"), b"{\"a\":1}").unwrap();
        std::fs::write(dir.path().join("sub/b.txt"), b"bee").unwrap();
        dir
    }

    fn database(path: &Path, rows: &[(&str, &str)]) {
        let _ = std::fs::remove_file(path);
        let conn = rusqlite::Connection::open(path).unwrap();
        conn.execute_batch("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)").unwrap();
        for (k, v) in rows {
            conn.execute("INSERT INTO kv VALUES (?1, ?2)", [k, v]).unwrap();
        }
    }

    fn changes(dir: &Path, options: CaptureOptions, act: impl FnOnce()) -> Vec<TreeChange> {
        let before = TreeSnapshot::capture(dir, options);
        act();
        before.diff(&TreeSnapshot::capture(dir, options))
    }

    #[test]
    fn an_untouched_tree_has_no_changes_and_relative_paths() {
        let dir = tree();
        let snap = TreeSnapshot::capture(dir.path(), ROWS);
        assert_eq!(snap.paths().collect::<Vec<_>>(), [Path::new("a.json"), Path::new("sub"), Path::new("sub/b.txt")]);
        assert_eq!(snap.files().count(), 2);
        assert!(snap.diff(&TreeSnapshot::capture(dir.path(), ROWS)).is_empty());
    }

    #[test]
    fn a_changed_byte_is_found_only_when_bytes_are_asked_for() {
        let dir = tree();
        let flip = || std::fs::write(dir.path().join("sub/b.txt"), b"bea").unwrap();
        let found = changes(dir.path(), BYTES, flip);
        assert_eq!(found, [TreeChange { path: "sub/b.txt".into(), aspect: Aspect::Bytes { before: 3, after: 3 } }]);
        assert_eq!(found[0].to_string(), "changed bytes: sub/b.txt (3 -> 3 bytes)");
        let flip_back = || std::fs::write(dir.path().join("sub/b.txt"), b"bee").unwrap();
        assert!(changes(dir.path(), CaptureOptions::default(), flip_back).is_empty(), "presence only");
    }

    #[cfg(unix)]
    #[test]
    fn a_changed_mode_is_found_only_when_modes_are_asked_for() {
        let dir = tree();
        let file = dir.path().join("a.json");
        crate::write::atomic::set_mode(&file, 0o644).unwrap();
        let found = changes(dir.path(), MODES, || crate::write::atomic::set_mode(&file, 0o600).unwrap());
        assert_eq!(found, [TreeChange { path: "a.json".into(), aspect: Aspect::Mode { before: 0o644, after: 0o600 } }]);
        assert_eq!(found[0].to_string(), "changed mode: a.json (644 -> 600)");
        let dir_mode = || crate::write::atomic::set_mode(&dir.path().join("sub"), 0o700).unwrap();
        assert_eq!(changes(dir.path(), MODES, dir_mode).len(), 1, "directories' modes count");
        let root_mode = || crate::write::atomic::set_mode(dir.path(), 0o711).unwrap();
        assert!(changes(dir.path(), MODES, root_mode).is_empty(), "the root is not an entry");
        assert!(changes(dir.path(), BYTES, || crate::write::atomic::set_mode(&file, 0o640).unwrap()).is_empty());
    }

    #[test]
    fn added_and_removed_paths_are_found_in_every_mode() {
        let dir = tree();
        for options in [CaptureOptions::default(), BYTES, ROWS, MODES] {
            let add = || std::fs::create_dir(dir.path().join("sub/new")).unwrap();
            assert_eq!(
                changes(dir.path(), options, add),
                [TreeChange { path: "sub/new".into(), aspect: Aspect::Added }],
                "{options:?}"
            );
            let remove = || std::fs::remove_dir(dir.path().join("sub/new")).unwrap();
            let found = changes(dir.path(), options, remove);
            assert_eq!(found, [TreeChange { path: "sub/new".into(), aspect: Aspect::Removed }]);
            assert_eq!(found[0].to_string(), "removed: sub/new");
        }
        let add_file = || std::fs::write(dir.path().join("c"), b"").unwrap();
        assert_eq!(changes(dir.path(), BYTES, add_file)[0].to_string(), "added: c");
    }

    #[test]
    fn ignored_names_are_left_out() {
        let dir = tree();
        let options = CaptureOptions { ignore: &["-wal", ".lock"], ..BYTES };
        let noise = || {
            std::fs::write(dir.path().join("x.sqlite-wal"), b"1").unwrap();
            std::fs::write(dir.path().join("sub/b.txt.lock"), b"1").unwrap();
        };
        assert!(changes(dir.path(), options, noise).is_empty());
        assert_eq!(TreeSnapshot::capture(dir.path(), BYTES).files().count(), 4);
    }

    #[test]
    fn databases_compare_by_rows_when_asked() {
        let dir = tree();
        let db = dir.path().join("state.sqlite");
        database(&db, &[("a", "1"), ("b", "2")]);
        // The same rows inserted in another order into a new file: other bytes, the same rows.
        let rewrite = || database(&db, &[("b", "2"), ("a", "1")]);
        assert!(changes(dir.path(), ROWS, rewrite).is_empty(), "identical rows are equal");
        let vacuum = || rusqlite::Connection::open(&db).unwrap().execute_batch("VACUUM").unwrap();
        assert!(changes(dir.path(), ROWS, vacuum).is_empty());

        let update = || {
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.execute("UPDATE kv SET v = '3' WHERE k = 'b'", []).unwrap();
        };
        let found = changes(dir.path(), ROWS, update);
        assert_eq!(
            found,
            [TreeChange {
                path: "state.sqlite".into(),
                aspect: Aspect::Rows {
                    table: "kv".into(),
                    removed: vec!["k='b', v='2'".into()],
                    added: vec!["k='b', v='3'".into()]
                }
            }]
        );
        assert_eq!(found[0].to_string(), "changed rows: state.sqlite table kv\n  - k='b', v='2'\n  + k='b', v='3'");

        let alter = || rusqlite::Connection::open(&db).unwrap().execute_batch("CREATE INDEX kv_v ON kv (v)").unwrap();
        assert_eq!(
            changes(dir.path(), ROWS, alter),
            [TreeChange { path: "state.sqlite".into(), aspect: Aspect::Schema { object: "index kv_v".into() } }]
        );
    }

    #[test]
    fn databases_compare_by_bytes_without_rows() {
        let dir = tree();
        let db = dir.path().join("state.sqlite");
        database(&db, &[("a", "1")]);
        let rewrite = || {
            database(&db, &[("a", "1")]);
            // Another page layout for the same row: the bytes differ for sure.
            rusqlite::Connection::open(&db).unwrap().execute_batch("PRAGMA page_size = 1024; VACUUM").unwrap();
        };
        let found = changes(dir.path(), BYTES, rewrite);
        assert!(matches!(found[..], [TreeChange { aspect: Aspect::Bytes { .. }, .. }]), "{found:?}");
    }

    #[test]
    fn rows_committed_to_a_wal_are_read_and_the_tree_is_not_touched() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("wal.sqlite");
        database(&db, &[("a", "1")]);
        // An open writer in WAL mode that never checkpoints: row `b` lives only in `-wal`.
        let writer = rusqlite::Connection::open(&db).unwrap();
        writer.execute_batch("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;").unwrap();
        writer.execute("INSERT INTO kv VALUES ('b', '2')", []).unwrap();
        let bytes_before = TreeSnapshot::capture(dir.path(), BYTES);
        let rows = TreeSnapshot::capture(dir.path(), CaptureOptions { ignore: &["-wal", "-shm"], ..ROWS });
        let touched = bytes_before.diff(&TreeSnapshot::capture(dir.path(), BYTES));
        assert!(touched.is_empty(), "capturing rows changed the tree: {touched:?}");
        assert_eq!(rows.paths().collect::<Vec<_>>(), [Path::new("wal.sqlite")]);
        let Content::Sqlite(read) = &rows.entries[Path::new("wal.sqlite")].content else { panic!("{rows:?}") };
        assert_eq!(read.tables["kv"], ["k='a', v='1'", "k='b', v='2'"], "the WAL's committed row is read");
        drop(writer);
    }

    #[test]
    #[should_panic(expected = "same options")]
    fn captures_with_different_options_do_not_compare() {
        let dir = tree();
        TreeSnapshot::capture(dir.path(), BYTES).diff(&TreeSnapshot::capture(dir.path(), ROWS));
    }
}
