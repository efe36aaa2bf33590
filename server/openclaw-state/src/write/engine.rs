//! The write engine: one change to one agent's auth state, made as OpenClaw's own CLI makes it,
//! in whichever storage era the install is in.
//!
//! - Eras A/B (JSON files): under OpenClaw's sidecar lock on `auth-profiles.json`, re-read both
//!   files, check the version the caller based its change on, apply a minimal edit, write each
//!   changed file atomically as `JSON.stringify(x, null, 2) + "\n"`. Era B keeps `order`,
//!   `lastGood` and `usageStats` in `auth-state.json` and deletes it when they are all empty.
//! - Era C (SQLite): one `BEGIN IMMEDIATE` transaction with a busy timeout over the store's
//!   database and the agent's database (attached), rows written as compact `JSON.stringify`.
//!   The default agent's credentials go to the shared store (`state/openclaw.sqlite`), another
//!   agent's to its own database, which is created with OpenClaw's schema when missing.
//! - Config (`openclaw.json`) edits follow the store edit under the config's own sidecar lock,
//!   with the `.bak` ring.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde_json::{Map, Value};

use super::config_edit::{ConfigDoc, ConfigEditError};
use super::json_text::{stringify_compact, stringify_pretty};
use super::lock::{LockError, LockRetry, SidecarLock};
use super::normalize::{self, Hint, InputError, SecretKind};
use super::store_doc::StoreDocs;
use crate::rules::VersionFamily;
use crate::snapshot::{AgentState, Era, ProfileOrigin, ReadOptions};
use crate::store::sqlite::{AGENT_DB, SHARED_DB, SHARED_STORE_KEY};
use crate::{StateLocation, StateSnapshot, read_state};

/// The schema OpenClaw 2026.9.6 gives a new agent database.
const AGENT_SCHEMA: &str = include_str!("agent_schema_v23.sql");
/// The store row OpenClaw puts into an agent database whose profiles live in the shared store.
const EMPTY_AGENT_STORE: &str = r#"{"version":1,"profiles":{}}"#;
const AGENT_SCHEMA_VERSION: i64 = 23;
/// How long a write waits for OpenClaw's own SQLite writers.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a write did not happen. Nothing was changed when one of these is returned.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error("agent id {0:?} is not valid (letters, digits, `-` and `_`, at most 64)")]
    BadAgentId(String),
    #[error(
        "agent {agent:?} has credentials in a legacy JSON store that OpenClaw {family} no longer reads; run \
         `openclaw doctor --fix` on the host to import them first"
    )]
    MigrationRequired { agent: String, family: &'static str },
    #[error("there is no profile {id:?} for agent {agent:?}")]
    UnknownProfile { agent: String, id: String },
    #[error("profile {id:?} is a {found} profile, not {provider}")]
    WrongProvider { id: String, provider: String, found: String },
    #[error("the order lists {0:?} twice")]
    DuplicateInOrder(String),
    #[error(
        "the store changed since it was read (expected version {expected}, found {found}); reload to see the \
         current state, then repeat the change"
    )]
    Conflict { expected: String, found: String, current: Box<ConflictView> },
    #[error("{path} is not valid JSON ({message}); fix or restore it before writing (nothing was changed)")]
    Corrupt { path: PathBuf, message: String },
    #[error(transparent)]
    Env(super::env_file::EnvEditError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Config(#[from] ConfigEditError),
    #[error("cannot write {path}: {source} (the original is unchanged)")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("database {path}: {message} (nothing was changed)")]
    Sqlite { path: PathBuf, message: String },
}

/// What the store holds now, shown with a conflict so the admin can compare.
#[derive(Debug, Clone, Serialize)]
pub struct ConflictView {
    /// provider → stored order, as it is now.
    pub orders: Map<String, Value>,
    pub profile_ids: Vec<String>,
}

/// What a write did, for the CLI, the page and the audit log. Never holds a secret.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WriteReport {
    pub agent: String,
    pub era: &'static str,
    /// One line per change, in words, secrets masked.
    pub changes: Vec<String>,
    pub files: Vec<PathBuf>,
    pub hints: Vec<HintView>,
    pub warnings: Vec<String>,
    /// The gateway must restart to use the change (eras A/B and `.env`).
    pub restart_gateway: bool,
    pub restart_note: String,
    /// The store version after the write (to base the next change on).
    pub version: String,
    pub profile_id: Option<String>,
    pub masked: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HintView {
    #[serde(flatten)]
    pub hint: Hint,
    pub message: String,
}

impl From<Hint> for HintView {
    fn from(hint: Hint) -> Self {
        let message = hint.message();
        Self { hint, message }
    }
}

/// What a paste would write, for the page to show before the save. No secret.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PastePreview {
    pub agent: String,
    pub profile_id: String,
    pub masked: String,
    pub expires: Option<i64>,
    pub hints: Vec<HintView>,
}

struct PreparedPaste {
    provider: String,
    id: String,
    prepared: normalize::NormalizedSecret,
    expires: Option<i64>,
    target: Target,
    hints: Vec<Hint>,
}

/// Where an agent's store and state live.
#[derive(Debug, Clone)]
enum Backing {
    Json { profiles: PathBuf, state: Option<PathBuf> },
    Sqlite { store: SqliteRow, state_db: PathBuf },
}

#[derive(Debug, Clone)]
enum SqliteRow {
    Shared(PathBuf),
    Agent(PathBuf),
}

impl SqliteRow {
    fn db(&self) -> &Path {
        match self {
            Self::Shared(p) | Self::Agent(p) => p,
        }
    }
}

/// One agent, resolved for writing.
#[derive(Debug, Clone)]
struct Target {
    agent: String,
    era: Era,
    family: VersionFamily,
    backing: Backing,
}

/// Makes changes to one OpenClaw state dir.
#[derive(Debug, Clone)]
pub struct Writer {
    location: StateLocation,
    pub retry: LockRetry,
}

fn hash_of(parts: &[Option<&str>]) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for p in parts {
        p.hash(&mut h);
    }
    format!("{:016x}", h.finish())
}

fn read_json_file(path: &Path) -> Result<Option<(String, Value)>, WriteError> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let value = serde_json::from_str(&text)
                .map_err(|e| WriteError::Corrupt { path: path.to_owned(), message: e.to_string() })?;
            Ok(Some((text, value)))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(WriteError::Io { path: path.to_owned(), source }),
    }
}

fn masked(secret: &str) -> String {
    crate::mask::mask_secret(secret)
}

/// What changes, decided on the documents inside the lock or transaction.
type Edit<'a> = dyn FnMut(&mut StoreDocs) -> Result<Vec<String>, WriteError> + 'a;

impl Writer {
    pub fn new(location: StateLocation) -> Self {
        Self { location, retry: LockRetry::default() }
    }

    pub fn location(&self) -> &StateLocation {
        &self.location
    }

    fn snapshot(&self) -> StateSnapshot {
        read_state(&self.location, &ReadOptions { now_ms: super::time::now_ms(), ..Default::default() })
    }

    fn target(&self, snapshot: &StateSnapshot, agent: Option<&str>) -> Result<(Target, AgentState), WriteError> {
        let agent_id = match agent.map(str::trim).filter(|a| !a.is_empty()) {
            Some(id) => {
                crate::ids::validate_agent_id(id).map_err(|_| WriteError::BadAgentId(id.to_owned()))?.to_owned()
            }
            None => snapshot
                .agents
                .iter()
                .find(|a| a.is_default)
                .map(|a| a.id.clone())
                .unwrap_or_else(|| crate::ids::DEFAULT_AGENT_ID.to_owned()),
        };
        let state = match snapshot.agent(&agent_id) {
            Some(a) => a.clone(),
            None => {
                // A new agent dir (OpenClaw's `--agent` creates it too).
                let dir = self.location.agents_dir().join(&agent_id).join("agent");
                AgentState {
                    id: agent_id.clone(),
                    is_default: false,
                    in_config: false,
                    dir: dir.clone(),
                    dir_exists: false,
                    era: None,
                    migration_required: false,
                    store_path: dir.join("auth-profiles.json"),
                    state_path: dir.join("auth-profiles.json"),
                    profiles: Vec::new(),
                    order: Default::default(),
                    last_good: Default::default(),
                    usage: Default::default(),
                    models_json: None,
                }
            }
        };
        let family = snapshot.rules.family;
        if state.migration_required {
            return Err(WriteError::MigrationRequired { agent: agent_id, family: "2026.6+" });
        }
        let sqlite = state.era == Some(Era::C) || (state.era.is_none() && family == VersionFamily::V2026_9);
        let target = if sqlite {
            let agent_db = state.dir.join(AGENT_DB);
            let store = if state.is_default {
                SqliteRow::Shared(self.location.state_dir.join(SHARED_DB))
            } else {
                SqliteRow::Agent(agent_db.clone())
            };
            Target { agent: agent_id, era: Era::C, family, backing: Backing::Sqlite { store, state_db: agent_db } }
        } else {
            // Where order and usage go: `auth-state.json` from 2026.4.6 (era B files, or a 2026.5
            // install whose agent has no state file yet), inside `auth-profiles.json` before.
            let separate = match state.era {
                Some(Era::B) => true,
                Some(Era::A) => family == VersionFamily::V2026_5,
                _ => family != VersionFamily::V2026_3,
            };
            let profiles = state.dir.join("auth-profiles.json");
            let state_file = separate.then(|| state.dir.join("auth-state.json"));
            Target {
                agent: agent_id,
                era: if separate { Era::B } else { Era::A },
                family,
                backing: Backing::Json { profiles, state: state_file },
            }
        };
        Ok((target, state))
    }

    /// The version of an agent's store and state now (what a later write can be based on).
    pub fn version(&self, agent: Option<&str>) -> Result<String, WriteError> {
        self.version_in(&self.snapshot(), agent)
    }

    /// The same, for an agent of a snapshot already read (a page showing every agent reads the
    /// state once, then only each store's bytes).
    pub fn version_in(&self, snapshot: &StateSnapshot, agent: Option<&str>) -> Result<String, WriteError> {
        let (target, _) = self.target(snapshot, agent)?;
        match &target.backing {
            Backing::Json { profiles, state } => {
                let p = read_json_file(profiles)?.map(|(t, _)| t);
                let s = match state {
                    Some(s) => read_json_file(s)?.map(|(t, _)| t),
                    None => None,
                };
                Ok(hash_of(&[p.as_deref(), s.as_deref()]))
            }
            Backing::Sqlite { store, state_db } => {
                let (p, s) = read_sqlite_rows(store, state_db)?;
                Ok(hash_of(&[p.as_deref(), s.as_deref()]))
            }
        }
    }

    /// Applies `edit` to the target's store documents, atomically and under OpenClaw's locks.
    fn apply(
        &self,
        target: &Target,
        expected: Option<&str>,
        edit: &mut Edit<'_>,
    ) -> Result<(Vec<String>, Vec<PathBuf>, String), WriteError> {
        match &target.backing {
            Backing::Json { profiles, state } => {
                if let Some(dir) = profiles.parent() {
                    super::atomic::create_private_dir(dir)
                        .map_err(|source| WriteError::Io { path: dir.to_owned(), source })?;
                }
                let _lock = SidecarLock::acquire(profiles, self.retry)?;
                super::atomic::remove_own_leftovers(profiles);
                if let Some(path) = state {
                    super::atomic::remove_own_leftovers(path);
                }
                let p = read_json_file(profiles)?;
                let s = match state {
                    Some(path) => read_json_file(path)?,
                    None => None,
                };
                let found = hash_of(&[p.as_ref().map(|(t, _)| t.as_str()), s.as_ref().map(|(t, _)| t.as_str())]);
                let mut docs = StoreDocs::new(
                    p.as_ref().map(|(_, v)| v.clone()),
                    s.as_ref().map(|(_, v)| v.clone()),
                    state.is_some(),
                );
                check_version(expected, &found, &docs)?;
                let before = docs.clone();
                let changes = edit(&mut docs)?;
                let mut files = Vec::new();
                // The version after the write hashes what is on disk: the new text where we wrote,
                // the bytes as they were where we did not (a hand-formatted file stays as it is).
                let mut final_profiles = p.as_ref().map(|(t, _)| t.clone());
                if docs.profiles != before.profiles || p.is_none() {
                    let text = stringify_pretty(&docs.profiles);
                    super::atomic::replace_file(profiles, text.as_bytes()).map_err(io(profiles))?;
                    files.push(profiles.clone());
                    final_profiles = Some(text);
                }
                let mut new_state = None;
                if let (Some(path), Some(state_doc)) = (state, &docs.state)
                    && (docs.state != before.state || (s.is_some() && docs.state_is_empty()))
                {
                    if docs.state_is_empty() {
                        if s.is_some() {
                            std::fs::remove_file(path).map_err(io(path))?;
                            super::atomic::sync_dir(path.parent().unwrap_or(Path::new("."))).map_err(io(path))?;
                            files.push(path.clone());
                        }
                    } else {
                        let text = stringify_pretty(state_doc);
                        super::atomic::replace_file(path, text.as_bytes()).map_err(io(path))?;
                        files.push(path.clone());
                        new_state = Some(text);
                    }
                } else if let Some((t, _)) = &s {
                    new_state = Some(t.clone());
                }
                Ok((changes, files, hash_of(&[final_profiles.as_deref(), new_state.as_deref()])))
            }
            Backing::Sqlite { store, state_db } => self.apply_sqlite(target, store, state_db, expected, edit),
        }
    }

    fn apply_sqlite(
        &self,
        target: &Target,
        store: &SqliteRow,
        state_db: &Path,
        expected: Option<&str>,
        edit: &mut Edit<'_>,
    ) -> Result<(Vec<String>, Vec<PathBuf>, String), WriteError> {
        let shared_path = store.db().to_owned();
        if matches!(store, SqliteRow::Shared(_)) && !shared_path.is_file() {
            return Err(WriteError::Sqlite {
                path: shared_path,
                message: "the shared database does not exist; run OpenClaw once (e.g. `openclaw models status`)".into(),
            });
        }
        if !state_db.is_file() {
            // Decide before creating anything: a refused change, or one that changes nothing,
            // must not leave a new agent database behind.
            let (p_text, _) = read_sqlite_rows(store, state_db)?;
            let found = hash_of(&[p_text.as_deref(), None]);
            let parsed = p_text
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| WriteError::Corrupt { path: store.db().to_owned(), message: e.to_string() })?;
            let mut docs = StoreDocs::new(parsed, None, true);
            check_version(expected, &found, &docs)?;
            let before = docs.clone();
            let changes = edit(&mut docs)?;
            if docs == before {
                return Ok((changes, Vec::new(), found));
            }
            ensure_agent_db(state_db, &target.agent)?;
        }
        let mut conn = open_rw(store.db())?;
        let same_db = store.db() == state_db;
        if !same_db {
            conn.execute("ATTACH DATABASE ?1 AS st", [state_db.to_string_lossy()]).map_err(sq(state_db))?;
        }
        let st = if same_db { "main" } else { "st" };
        // BEGIN IMMEDIATE: the write locks of both databases before reading, so what is read is
        // what the change is applied to.
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(sq(store.db()))?;
        let (p_text, s_text) = read_rows(&tx, store, st).map_err(sq(store.db()))?;
        let found = hash_of(&[p_text.as_deref(), s_text.as_deref()]);
        let parse = |text: &Option<String>, path: &Path| -> Result<Option<Value>, WriteError> {
            text.as_deref()
                .map(|t| {
                    serde_json::from_str(t)
                        .map_err(|e| WriteError::Corrupt { path: path.to_owned(), message: e.to_string() })
                })
                .transpose()
        };
        let mut docs = StoreDocs::new(parse(&p_text, store.db())?, parse(&s_text, state_db)?, true);
        check_version(expected, &found, &docs)?;
        let before = docs.clone();
        let changes = edit(&mut docs)?;
        let now = super::time::now_ms();
        let new_p = stringify_compact(&docs.profiles);
        let mut files = Vec::new();
        if docs.profiles != before.profiles || p_text.is_none() {
            match store {
                SqliteRow::Shared(_) => tx.execute(
                    "INSERT INTO config_machine_state(state_key, value_json, updated_at_ms) VALUES (?1, ?2, ?3) \
                     ON CONFLICT(state_key) DO UPDATE SET value_json = excluded.value_json, updated_at_ms = excluded.updated_at_ms",
                    rusqlite::params![SHARED_STORE_KEY, new_p, now],
                ),
                SqliteRow::Agent(_) => tx.execute(
                    "INSERT INTO auth_profile_store(store_key, store_json, updated_at) VALUES ('primary', ?1, ?2) \
                     ON CONFLICT(store_key) DO UPDATE SET store_json = excluded.store_json, updated_at = excluded.updated_at",
                    rusqlite::params![new_p, now],
                ),
            }
            .map_err(sq(store.db()))?;
            files.push(store.db().to_owned());
        }
        let mut new_s = s_text.clone();
        if docs.state != before.state || (s_text.is_some() && docs.state_is_empty()) {
            if docs.state_is_empty() {
                tx.execute(&format!("DELETE FROM {st}.auth_profile_state WHERE state_key = 'primary'"), [])
                    .map_err(sq(state_db))?;
                new_s = None;
            } else {
                let text = stringify_compact(docs.state.as_ref().expect("separate state"));
                tx.execute(
                    &format!(
                        "INSERT INTO {st}.auth_profile_state(state_key, state_json, updated_at) VALUES ('primary', ?1, ?2) \
                         ON CONFLICT(state_key) DO UPDATE SET state_json = excluded.state_json, updated_at = excluded.updated_at"
                    ),
                    rusqlite::params![text, now],
                )
                .map_err(sq(state_db))?;
                new_s = Some(text);
            }
            // OpenClaw 2026.9.6 reads an agent database's state only beside a store row there; with
            // none it falls back to the shared state. Its own first write puts an empty store row
            // in (measured): so do we, or `order get` would not see this change.
            if new_s.is_some() && matches!(store, SqliteRow::Shared(_)) {
                tx.execute(
                    &format!(
                        "INSERT OR IGNORE INTO {st}.auth_profile_store(store_key, store_json, updated_at) \
                         VALUES ('primary', ?1, ?2)"
                    ),
                    rusqlite::params![EMPTY_AGENT_STORE, now],
                )
                .map_err(sq(state_db))?;
            }
            if !files.iter().any(|f| f == state_db) {
                files.push(state_db.to_owned());
            }
        }
        tx.commit().map_err(sq(store.db()))?;
        let final_p = if files.iter().any(|f| f == store.db()) { Some(new_p) } else { p_text };
        Ok((changes, files, hash_of(&[final_p.as_deref(), new_s.as_deref()])))
    }

    fn config_edit(
        &self,
        edit: impl FnOnce(&mut ConfigDoc) -> bool,
    ) -> Result<(Option<PathBuf>, Vec<String>), WriteError> {
        let path = self.location.config_path.clone();
        let _lock = SidecarLock::acquire(&path, self.retry)?;
        super::atomic::remove_own_leftovers(&path);
        let mut doc = ConfigDoc::read(&path)?;
        if !edit(&mut doc) {
            return Ok((None, Vec::new()));
        }
        doc.touch(&super::time::iso_millis(super::time::now_ms()));
        if !doc.changed() {
            return Ok((None, Vec::new()));
        }
        let mut warnings = Vec::new();
        if doc.is_json5 {
            warnings.push(format!(
                "{} used JSON5 syntax (comments, trailing commas or unquoted keys); it was rewritten as plain JSON, \
                 as OpenClaw itself does on every config write. The previous text is in {}.bak",
                path.display(),
                path.display()
            ));
        }
        doc.save()?;
        Ok((Some(path), warnings))
    }

    fn report(&self, target: &Target, changes: Vec<String>, files: Vec<PathBuf>, version: String) -> WriteReport {
        let (restart_gateway, restart_note) = match target.era {
            Era::A | Era::B => (
                true,
                "Restart the gateway (`openclaw gateway restart`): a running gateway keeps its own copy of the JSON \
                 store and can write it back over this change."
                    .to_owned(),
            ),
            Era::C => (
                false,
                "A running gateway reads the change from SQLite within a second; if it does not, run `openclaw \
                 gateway restart`."
                    .to_owned(),
            ),
        };
        WriteReport {
            agent: target.agent.clone(),
            era: era_code(target.era),
            changes,
            files,
            hints: Vec::new(),
            warnings: Vec::new(),
            restart_gateway,
            restart_note,
            version,
            profile_id: None,
            masked: None,
        }
    }

    /// Everything a paste checks, without writing: the profile id it would write, the masked
    /// secret, the expiry and the hints (for a page that shows them before the save).
    pub fn preview_paste(
        &self,
        agent: Option<&str>,
        provider: &str,
        profile_id: Option<&str>,
        kind: SecretKind,
        raw_secret: &SecretString,
        expires_in: Option<&str>,
    ) -> Result<PastePreview, WriteError> {
        let p = self.prepare_paste(agent, provider, profile_id, kind, raw_secret, expires_in)?;
        Ok(PastePreview {
            agent: p.target.agent.clone(),
            profile_id: p.id,
            masked: masked(p.prepared.value.expose_secret()),
            expires: p.expires,
            hints: p.hints.into_iter().map(HintView::from).collect(),
        })
    }

    fn prepare_paste(
        &self,
        agent: Option<&str>,
        provider: &str,
        profile_id: Option<&str>,
        kind: SecretKind,
        raw_secret: &SecretString,
        expires_in: Option<&str>,
    ) -> Result<PreparedPaste, WriteError> {
        let provider = crate::providers::normalize_provider(provider);
        if provider.is_empty() {
            return Err(InputError::EmptyProvider.into());
        }
        if !provider.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')) {
            return Err(InputError::BadProvider(provider).into());
        }
        let id = normalize::resolve_profile_id(&provider, profile_id)?;
        let prepared = normalize::prepare_secret(&provider, kind, raw_secret.expose_secret())?;
        let expires = match kind {
            SecretKind::Token => normalize::expires_at(super::time::now_ms(), expires_in)?,
            SecretKind::ApiKey => None,
        };
        let snapshot = self.snapshot();
        let (target, agent_state) = self.target(&snapshot, agent)?;
        let mut hints = prepared.hints.clone();
        for other in &agent_state.profiles {
            if other.id != id
                && other.credential.secret.as_ref().is_some_and(|s| s.expose_secret() == prepared.value.expose_secret())
            {
                hints.push(Hint::SameSecretAs { profile_id: other.id.clone() });
            }
        }
        Ok(PreparedPaste { provider, id, prepared, expires, target, hints })
    }

    /// `paste-token` / `paste-api-key` into the store.
    #[allow(clippy::too_many_arguments)]
    pub fn paste(
        &self,
        agent: Option<&str>,
        provider: &str,
        profile_id: Option<&str>,
        kind: SecretKind,
        raw_secret: &SecretString,
        expires_in: Option<&str>,
        strict: bool,
        expected: Option<&str>,
    ) -> Result<WriteReport, WriteError> {
        let PreparedPaste { provider, id, prepared, expires, target, hints } =
            self.prepare_paste(agent, provider, profile_id, kind, raw_secret, expires_in)?;
        if strict && let Some(h) = hints.iter().find(|h| !matches!(h, Hint::ClaudeCodeOnly)) {
            return Err(InputError::Strict(h.message()).into());
        }
        let secret = prepared.value.expose_secret().to_owned();
        let mask = masked(&secret);
        let mode = match kind {
            SecretKind::Token => "token",
            SecretKind::ApiKey => "api_key",
        };
        let mut credential = Map::new();
        credential.insert("type".into(), Value::String(mode.into()));
        credential.insert("provider".into(), Value::String(provider.clone()));
        match kind {
            SecretKind::Token => {
                // Key order of a fresh paste as each version writes it (measured: 2026.5.28 and
                // 2026.9.6 put `expires` before `token`; 2026.3.x builds `{type, provider, token,
                // expires}`).
                let expires_first = target.family != VersionFamily::V2026_3;
                if let (true, Some(e)) = (expires_first, expires) {
                    credential.insert("expires".into(), Value::from(e));
                }
                credential.insert("token".into(), Value::String(secret));
                if let (false, Some(e)) = (expires_first, expires) {
                    credential.insert("expires".into(), Value::from(e));
                }
            }
            SecretKind::ApiKey => {
                credential.insert("key".into(), Value::String(secret));
            }
        }
        let credential = Value::Object(credential);
        let id_for_edit = id.clone();
        let mask_for_edit = mask.clone();
        let (mut changes, mut files, version) = self.apply(&target, expected, &mut |docs| {
            let existed = docs.profile(&id_for_edit).is_some();
            docs.upsert_profile(&id_for_edit, credential.clone());
            let expiry = expires.map(|e| format!(", expires {}", super::time::iso_millis(e))).unwrap_or_default();
            Ok(vec![format!(
                "{} {id_for_edit} ({provider}/{mode}) = {mask_for_edit}{expiry}",
                if existed { "replaced" } else { "stored" }
            )])
        })?;
        let (config_path, warnings) = self.config_edit(|doc| {
            doc.apply_profile(&id, &crate::providers::normalize_provider(provider_of(&id)), mode);
            true
        })?;
        if let Some(path) = config_path {
            changes.push(format!("config auth.profiles[{id}] = {{provider, mode: {mode}}}"));
            files.push(path);
        }
        let mut report = self.report(&target, changes, files, version);
        report.hints = hints.into_iter().map(HintView::from).collect();
        report.warnings = warnings;
        report.profile_id = Some(id);
        report.masked = Some(mask);
        Ok(report)
    }

    /// `auth order get`: the stored order of a provider (`None`: no stored order).
    pub fn order_get(&self, agent: Option<&str>, provider: &str) -> Result<Option<Vec<String>>, WriteError> {
        let snapshot = self.snapshot();
        let (_, state) = self.target(&snapshot, agent)?;
        Ok(state.order.get(&crate::providers::normalize_provider(provider)).cloned())
    }

    /// `auth order set`: the stored order of a provider. Every id must be a stored profile of
    /// that provider the agent sees.
    pub fn order_set(
        &self,
        agent: Option<&str>,
        provider: &str,
        ids: &[String],
        expected: Option<&str>,
    ) -> Result<WriteReport, WriteError> {
        let provider = crate::providers::normalize_provider(provider);
        let snapshot = self.snapshot();
        let (target, state) = self.target(&snapshot, agent)?;
        let mut clean: Vec<String> = Vec::new();
        for raw in ids {
            let id = raw.trim().to_owned();
            let Some(profile) = state.profile(&id) else {
                return Err(WriteError::UnknownProfile { agent: target.agent.clone(), id });
            };
            if crate::providers::normalize_provider(&profile.credential.provider) != provider {
                return Err(WriteError::WrongProvider { id, provider, found: profile.credential.provider.clone() });
            }
            if clean.contains(&id) {
                return Err(WriteError::DuplicateInOrder(id));
            }
            clean.push(id);
        }
        let list = clean.join(", ");
        let (changes, files, version) = self.apply(&target, expected, &mut |docs| {
            docs.set_order(&provider, &clean);
            Ok(vec![format!("stored order of {provider} = [{list}]")])
        })?;
        Ok(self.report(&target, changes, files, version))
    }

    /// Takes one id out of a provider's stored order and leaves the other ids as they are (even
    /// ids `order_set` would refuse): the doctor's fix for an order naming a missing profile or one
    /// of another provider. An order left empty is cleared, as OpenClaw does.
    pub fn order_drop(
        &self,
        agent: Option<&str>,
        provider: &str,
        profile_id: &str,
        expected: Option<&str>,
    ) -> Result<WriteReport, WriteError> {
        let snapshot = self.snapshot();
        let (target, _) = self.target(&snapshot, agent)?;
        let id = profile_id.trim().to_owned();
        let (changes, files, version) = self.apply(&target, expected, &mut |docs| {
            let Some(order) = docs.order(provider) else {
                return Ok(vec![format!("no stored order of {provider}; nothing to drop")]);
            };
            if !order.contains(&id) {
                return Ok(vec![format!("the stored order of {provider} does not name {id}; nothing to drop")]);
            }
            let rest: Vec<String> = order.into_iter().filter(|i| *i != id).collect();
            if rest.is_empty() {
                docs.clear_order(provider);
                Ok(vec![format!("stored order of {provider} cleared (it named only {id})")])
            } else {
                let list = rest.join(", ");
                docs.set_order(provider, &rest);
                Ok(vec![format!("{id} dropped from the stored order of {provider} = [{list}]")])
            }
        })?;
        Ok(self.report(&target, changes, files, version))
    }

    /// `auth order clear`.
    pub fn order_clear(
        &self,
        agent: Option<&str>,
        provider: &str,
        expected: Option<&str>,
    ) -> Result<WriteReport, WriteError> {
        let provider = crate::providers::normalize_provider(provider);
        let snapshot = self.snapshot();
        let (target, _) = self.target(&snapshot, agent)?;
        let (changes, files, version) = self.apply(&target, expected, &mut |docs| {
            Ok(if docs.clear_order(&provider) {
                vec![format!("stored order of {provider} cleared")]
            } else {
                vec![format!("no stored order of {provider}; nothing to clear")]
            })
        })?;
        Ok(self.report(&target, changes, files, version))
    }

    /// `auth remove`: the profile, and every reference to it (stored order, lastGood, usage
    /// stats, config `auth.profiles` and `auth.order`), so no order points at nothing.
    pub fn remove(
        &self,
        agent: Option<&str>,
        profile_id: &str,
        expected: Option<&str>,
    ) -> Result<WriteReport, WriteError> {
        let id = profile_id.trim().to_owned();
        crate::ids::validate_profile_id(&id).map_err(|_| InputError::BadProfileId(id.clone()))?;
        let snapshot = self.snapshot();
        let (mut target, state) = self.target(&snapshot, agent)?;
        let Some(profile) = state.profile(&id) else {
            return Err(WriteError::UnknownProfile { agent: target.agent.clone(), id });
        };
        // Remove it where it lives: an inherited or shared profile lives in another store.
        let origin = profile.origin.clone();
        let (changes, files, version) = match &origin {
            ProfileOrigin::Inherited { path, .. } | ProfileOrigin::Shared(path)
                if path != state_store_path(&target) =>
            {
                let mut store_target = target.clone();
                store_target.backing = retarget(&target.backing, path);
                let id2 = id.clone();
                let (mut changes, mut files, _) = self.apply(&store_target, None, &mut |docs| {
                    docs.remove_profile(&id2);
                    Ok(vec![format!("removed {id2} from {} (shared with other agents)", path.display())])
                })?;
                let id3 = id.clone();
                let (more, more_files, version) =
                    self.apply(&target, expected, &mut |docs| Ok(docs.forget_in_state(&id3)))?;
                changes.extend(more);
                files.extend(more_files);
                (changes, files, version)
            }
            _ => {
                let id2 = id.clone();
                self.apply(&target, expected, &mut |docs| {
                    let mut changes = vec![format!("removed {id2}")];
                    docs.remove_profile(&id2);
                    changes.extend(docs.forget_in_state(&id2).into_iter().map(|c| format!("dropped {id2} from {c}")));
                    Ok(changes)
                })?
            }
        };
        let mut changes = changes;
        let mut files = files;
        let (config_path, warnings) = self.config_edit(|doc| doc.remove_profile(&id))?;
        if let Some(path) = config_path {
            changes.push(format!("dropped {id} from config auth.profiles and auth.order"));
            files.push(path);
        }
        target.agent = state.id.clone();
        let mut report = self.report(&target, changes, files, version);
        report.warnings = warnings;
        report.profile_id = Some(id);
        Ok(report)
    }

    /// `auth clear-cooldown`: cooldown, disable and failure counts of one profile reset.
    pub fn clear_cooldown(
        &self,
        agent: Option<&str>,
        profile_id: &str,
        expected: Option<&str>,
    ) -> Result<WriteReport, WriteError> {
        let id = profile_id.trim().to_owned();
        crate::ids::validate_profile_id(&id).map_err(|_| InputError::BadProfileId(id.clone()))?;
        let snapshot = self.snapshot();
        let (target, state) = self.target(&snapshot, agent)?;
        if state.profile(&id).is_none() {
            return Err(WriteError::UnknownProfile { agent: target.agent.clone(), id });
        }
        let shared = self.shared_usage_record(&target, &id)?;
        let (changes, files, version) = self.apply(&target, expected, &mut |docs| {
            Ok(match docs.clear_cooldown_over(&id, shared.as_ref()) {
                Some(cleared) if !cleared.is_empty() => vec![format!("cleared {} of {id}", cleared.join(", "))],
                _ => vec![format!("{id} had no cooldown or disable; nothing to clear")],
            })
        })?;
        let mut report = self.report(&target, changes, files, version);
        report.profile_id = Some(id);
        Ok(report)
    }
}

impl Writer {
    /// Era C: the shared database's usage record of `id` (`authProfiles.state`), which OpenClaw
    /// merges under every agent's own state; `None` in the JSON eras or when there is none.
    fn shared_usage_record(&self, target: &Target, id: &str) -> Result<Option<Value>, WriteError> {
        if !matches!(target.backing, Backing::Sqlite { .. }) {
            return Ok(None);
        }
        let path = self.location.shared_db_path();
        if !path.is_file() {
            return Ok(None);
        }
        let sql_err = |e: rusqlite::Error| WriteError::Sqlite { path: path.clone(), message: e.to_string() };
        let conn = crate::store::sqlite::open_read_only(&path)
            .map_err(|e| WriteError::Sqlite { path: path.clone(), message: e.to_string() })?;
        let text: Option<String> = conn
            .query_row(
                "SELECT value_json FROM config_machine_state WHERE state_key = ?1",
                [crate::store::sqlite::SHARED_STATE_KEY],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql_err)?;
        let state: Option<Value> = text.as_deref().and_then(|t| serde_json::from_str(t).ok());
        Ok(state.and_then(|s| s.get("usageStats").and_then(|u| u.get(id)).cloned()))
    }
}

fn era_code(era: Era) -> &'static str {
    match era {
        Era::A => "A",
        Era::B => "B",
        Era::C => "C",
    }
}

fn provider_of(id: &str) -> &str {
    crate::ids::profile_provider(id).unwrap_or(id)
}

fn state_store_path(target: &Target) -> &Path {
    match &target.backing {
        Backing::Json { profiles, .. } => profiles,
        Backing::Sqlite { store, .. } => store.db(),
    }
}

/// The backing of another store at `path` (the default agent's JSON file, or the shared database).
fn retarget(backing: &Backing, path: &Path) -> Backing {
    match backing {
        Backing::Json { state, .. } => {
            let dir = path.parent().unwrap_or(Path::new("."));
            Backing::Json { profiles: path.to_owned(), state: state.as_ref().map(|_| dir.join("auth-state.json")) }
        }
        Backing::Sqlite { state_db, .. } => {
            Backing::Sqlite { store: SqliteRow::Shared(path.to_owned()), state_db: state_db.clone() }
        }
    }
}

fn check_version(expected: Option<&str>, found: &str, docs: &StoreDocs) -> Result<(), WriteError> {
    match expected {
        Some(e) if e != found => {
            let orders = docs
                .state
                .as_ref()
                .unwrap_or(&docs.profiles)
                .get("order")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            Err(WriteError::Conflict {
                expected: e.to_owned(),
                found: found.to_owned(),
                current: Box::new(ConflictView { orders, profile_ids: docs.profile_ids() }),
            })
        }
        _ => Ok(()),
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io { path: path.to_owned(), source }
}

fn sq(path: &Path) -> impl FnOnce(rusqlite::Error) -> WriteError + '_ {
    move |e| WriteError::Sqlite { path: path.to_owned(), message: e.to_string() }
}

fn open_rw(path: &Path) -> Result<Connection, WriteError> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| WriteError::Sqlite { path: path.to_owned(), message: e.to_string() })?;
    conn.busy_timeout(BUSY_TIMEOUT)
        .map_err(|e| WriteError::Sqlite { path: path.to_owned(), message: e.to_string() })?;
    Ok(conn)
}

/// Creates an agent database with OpenClaw's schema when it does not exist yet.
fn ensure_agent_db(path: &Path, agent: &str) -> Result<(), WriteError> {
    if path.is_file() {
        return Ok(());
    }
    let err = |message: String| WriteError::Sqlite { path: path.to_owned(), message };
    if let Some(dir) = path.parent() {
        super::atomic::create_private_dir(dir).map_err(|source| WriteError::Io { path: dir.to_owned(), source })?;
    }
    // Built under a temp name and renamed, so OpenClaw never sees a half-made database.
    let temp = path.with_extension(format!("sqlite.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&temp);
    let result = (|| -> Result<(), rusqlite::Error> {
        let conn = Connection::open(&temp)?;
        conn.execute_batch(AGENT_SCHEMA)?;
        conn.pragma_update(None, "user_version", AGENT_SCHEMA_VERSION)?;
        let now = super::time::now_ms();
        conn.execute(
            "INSERT INTO schema_meta(meta_key, role, schema_version, agent_id, app_version, created_at, updated_at) \
             VALUES ('primary', 'agent', ?1, ?2, ?3, ?4, ?4)",
            rusqlite::params![AGENT_SCHEMA_VERSION, agent, "2026.9.6", now],
        )?;
        conn.pragma_update(None, "journal_mode", "wal")?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temp);
        let first_line = e.to_string().lines().next().unwrap_or_default().to_owned();
        return Err(err(format!("cannot create the agent database: {first_line}")));
    }
    super::atomic::set_mode(&temp, 0o600).map_err(|source| WriteError::Io { path: temp.clone(), source })?;
    std::fs::rename(&temp, path).map_err(|source| WriteError::Io { path: path.to_owned(), source })?;
    Ok(())
}

fn read_rows(
    conn: &Connection,
    store: &SqliteRow,
    st: &str,
) -> Result<(Option<String>, Option<String>), rusqlite::Error> {
    let p = match store {
        SqliteRow::Shared(_) => conn
            .query_row(
                "SELECT value_json FROM main.config_machine_state WHERE state_key = ?1",
                [SHARED_STORE_KEY],
                |r| r.get(0),
            )
            .optional()?,
        SqliteRow::Agent(_) => conn
            .query_row("SELECT store_json FROM main.auth_profile_store WHERE store_key = 'primary'", [], |r| r.get(0))
            .optional()?,
    };
    let s = conn
        .query_row(&format!("SELECT state_json FROM {st}.auth_profile_state WHERE state_key = 'primary'"), [], |r| {
            r.get(0)
        })
        .optional()?;
    Ok((p, s))
}

fn read_sqlite_rows(store: &SqliteRow, state_db: &Path) -> Result<(Option<String>, Option<String>), WriteError> {
    let read = |path: &Path, sql: &str, key: Option<&str>| -> Result<Option<String>, WriteError> {
        if !path.is_file() {
            return Ok(None);
        }
        let conn = crate::store::sqlite::open_read_only(path)
            .map_err(|e| WriteError::Sqlite { path: path.to_owned(), message: e.to_string() })?;
        let r = match key {
            Some(k) => conn.query_row(sql, [k], |r| r.get(0)).optional(),
            None => conn.query_row(sql, [], |r| r.get(0)).optional(),
        };
        r.map_err(|e| WriteError::Sqlite { path: path.to_owned(), message: e.to_string() })
    };
    let p = match store {
        SqliteRow::Shared(path) => {
            read(path, "SELECT value_json FROM config_machine_state WHERE state_key = ?1", Some(SHARED_STORE_KEY))?
        }
        SqliteRow::Agent(path) => {
            read(path, "SELECT store_json FROM auth_profile_store WHERE store_key = 'primary'", None)?
        }
    };
    let s = read(state_db, "SELECT state_json FROM auth_profile_state WHERE state_key = 'primary'", None)?;
    Ok((p, s))
}

impl Writer {
    /// `env set KEY`: one line of `<state>/.env` added or replaced, every other byte kept.
    pub fn env_set(&self, key: &str, value: &SecretString, expected: Option<&str>) -> Result<WriteReport, WriteError> {
        let path = self.location.dotenv_path();
        let value = value.expose_secret();
        let mask = masked(value);
        self.edit_env(&path, expected, |text| {
            let (out, change) = super::env_file::set(text, key, value).map_err(env_err)?;
            Ok((out, format!("{change} {key}={mask} in {}", path.display())))
        })
        .map(|mut r| {
            r.masked = Some(mask.clone());
            r
        })
    }

    /// `env unset KEY`: every line defining it removed.
    pub fn env_unset(&self, key: &str, expected: Option<&str>) -> Result<WriteReport, WriteError> {
        let path = self.location.dotenv_path();
        self.edit_env(&path, expected, |text| {
            let (out, change) = super::env_file::unset(text, key).map_err(env_err)?;
            Ok((out, format!("{change} {key} in {}", path.display())))
        })
    }

    /// The version of `<state>/.env` now.
    pub fn env_version(&self) -> Result<String, WriteError> {
        let path = self.location.dotenv_path();
        let text = read_text(&path)?;
        Ok(hash_of(&[text.as_deref()]))
    }

    /// `paste-api-key --to env`: the provider's `*_API_KEY` variable in `<state>/.env`.
    pub fn paste_api_key_to_env(
        &self,
        provider: &str,
        raw_secret: &SecretString,
        strict: bool,
        expected: Option<&str>,
    ) -> Result<WriteReport, WriteError> {
        let provider = crate::providers::normalize_provider(provider);
        if provider.is_empty() {
            return Err(InputError::EmptyProvider.into());
        }
        let prepared = normalize::prepare_secret(&provider, SecretKind::ApiKey, raw_secret.expose_secret())?;
        if strict && let Some(h) = prepared.hints.first() {
            return Err(InputError::Strict(h.message()).into());
        }
        let var = crate::providers::api_key_env_var(&provider);
        let mut report = self.env_set(&var, &prepared.value, expected)?;
        report.hints = prepared.hints.into_iter().map(HintView::from).collect();
        Ok(report)
    }

    fn edit_env(
        &self,
        path: &Path,
        expected: Option<&str>,
        edit: impl FnOnce(&str) -> Result<(String, String), WriteError>,
    ) -> Result<WriteReport, WriteError> {
        // OpenClaw takes no lock for `.env`; ours keeps two panel writers apart.
        let _lock = SidecarLock::acquire(path, self.retry)?;
        super::atomic::remove_own_leftovers(path);
        let before = read_text(path)?;
        let found = hash_of(&[before.as_deref()]);
        if let Some(e) = expected
            && e != found
        {
            return Err(WriteError::Conflict {
                expected: e.to_owned(),
                found,
                current: Box::new(ConflictView { orders: Map::new(), profile_ids: Vec::new() }),
            });
        }
        let (after, change) = edit(before.as_deref().unwrap_or(""))?;
        let mut files = Vec::new();
        if before.as_deref() != Some(after.as_str()) {
            super::atomic::replace_file(path, after.as_bytes()).map_err(io(path))?;
            files.push(path.to_owned());
        }
        Ok(WriteReport {
            agent: String::new(),
            era: "env",
            changes: vec![change],
            files,
            hints: Vec::new(),
            warnings: Vec::new(),
            restart_gateway: true,
            restart_note: "Restart the gateway (`openclaw gateway restart`): it reads .env only when it starts.".into(),
            version: hash_of(&[Some(after.as_str())]),
            profile_id: None,
            masked: None,
        })
    }
}

fn read_text(path: &Path) -> Result<Option<String>, WriteError> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(WriteError::Io { path: path.to_owned(), source }),
    }
}

fn env_err(e: super::env_file::EnvEditError) -> WriteError {
    WriteError::Env(e)
}
