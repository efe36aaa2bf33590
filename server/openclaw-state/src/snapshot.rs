//! The whole auth state of one OpenClaw install, read in one pass: every agent (from config and
//! from disk), each agent's profiles as OpenClaw would see them, the environment credentials, and
//! every problem met on the way.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use crate::config::Config;
use crate::credential::Credential;
use crate::env::{self, EnvCredentials, ProcessEnv};
use crate::ids::{DEFAULT_AGENT_ID, is_valid_agent_id};
use crate::models_json::{self, ModelsJson};
use crate::paths::{StateLocation, expand_tilde};
use crate::problem::Problem;
use crate::rules::{RuleSet, family_of_version};
use crate::store::json::{self, JsonStore};
use crate::store::sqlite::{self, AgentDb, SharedDb};
use crate::store::{AuthStore, StoreError, UsageStats};

pub use panel_common::Era;

/// Where a profile an agent sees is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileOrigin {
    /// The agent's own store (a JSON file, or its SQLite database).
    Agent(PathBuf),
    /// Era C's shared store, which every agent reads through.
    Shared(PathBuf),
    /// Eras A/B: the default agent's store, which OpenClaw merges under an agent's own.
    Inherited { agent: String, path: PathBuf },
    /// A JSON store that an SQLite-era OpenClaw refuses until `openclaw doctor --fix` imports it.
    Legacy(PathBuf),
}

impl ProfileOrigin {
    pub fn path(&self) -> &Path {
        match self {
            Self::Agent(p) | Self::Shared(p) | Self::Legacy(p) => p,
            Self::Inherited { path, .. } => path,
        }
    }
}

/// A profile as one agent sees it.
#[derive(Debug, Clone)]
pub struct StoredProfile {
    pub id: String,
    pub credential: Credential,
    pub origin: ProfileOrigin,
}

/// One agent and the auth state OpenClaw would use for it.
#[derive(Debug, Clone)]
pub struct AgentState {
    pub id: String,
    pub is_default: bool,
    pub in_config: bool,
    pub dir: PathBuf,
    pub dir_exists: bool,
    /// `None` when neither the agent nor the install has any store yet.
    pub era: Option<Era>,
    /// Era C refuses a legacy JSON store that was never imported into SQLite.
    pub migration_required: bool,
    /// The store OpenClaw writes this agent's credentials to.
    pub store_path: PathBuf,
    /// Where order, lastGood and usageStats live for this agent.
    pub state_path: PathBuf,
    pub profiles: Vec<StoredProfile>,
    pub order: IndexMap<String, Vec<String>>,
    pub last_good: IndexMap<String, String>,
    pub usage: IndexMap<String, UsageStats>,
    /// The agent's `models.json`, read with the rest of the state (`None`: no file, or unreadable,
    /// which is then a problem).
    pub models_json: Option<ModelsJson>,
}

impl AgentState {
    pub fn profile(&self, id: &str) -> Option<&StoredProfile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    /// Providers with a stored profile, sorted.
    pub fn providers(&self) -> BTreeSet<&str> {
        self.profiles.iter().map(|p| p.credential.provider.as_str()).collect()
    }
}

/// Everything the panel knows about one install at one moment.
#[derive(Debug, Clone)]
pub struct StateSnapshot {
    pub location: StateLocation,
    pub state_dir_exists: bool,
    pub config: Option<Config>,
    /// When the snapshot was taken (epoch ms); all remaining times are relative to it.
    pub now_ms: i64,
    pub agents: Vec<AgentState>,
    pub env: EnvCredentials,
    pub problems: Vec<Problem>,
    /// The rules that describe how the owning OpenClaw version reports status, and why.
    pub rules: &'static RuleSet,
    pub rules_reason: String,
}

impl StateSnapshot {
    pub fn agent(&self, id: &str) -> Option<&AgentState> {
        self.agents.iter().find(|a| a.id == id)
    }

    /// Whether there is nothing to show: no state dir, or no agent with any profile or store.
    pub fn is_empty(&self) -> bool {
        !self.state_dir_exists
            || (self.agents.iter().all(|a| a.profiles.is_empty() && a.era.is_none())
                && !self.env.values.keys().any(|k| crate::env::is_credential_var(k)))
    }
}

/// Options for one read.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Environment variables to treat as the process environment (only credential names matter).
    pub process_env: ProcessEnv,
    /// The moment to compute remaining times against (epoch ms).
    pub now_ms: i64,
    /// An OpenClaw version to take the rules from, overriding what the state says.
    pub openclaw_version: Option<String>,
}

/// How many whole-state reads this process has made (see [`state_reads`]).
static STATE_READS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The number of [`read_state`] calls so far in this process: how tests prove that a flow reads
/// the state no more often than it says.
pub fn state_reads() -> u64 {
    STATE_READS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Reads the whole state. Never fails: what cannot be read becomes a [`Problem`].
pub fn read_state(location: &StateLocation, options: &ReadOptions) -> StateSnapshot {
    STATE_READS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut problems = Vec::new();
    let state_dir_exists = location.state_dir.is_dir();
    if !state_dir_exists && location.state_dir.exists() {
        problems.push(Problem::error(
            &location.state_dir,
            "the state dir is not a directory",
            "Point --state-dir at OpenClaw's state directory (usually ~/.openclaw).",
        ));
    }

    let config = match Config::read(&location.config_path) {
        Ok(cfg) => cfg,
        Err(e) => {
            problems.push(Problem::error(
                &location.config_path,
                e.to_string(),
                "Fix the syntax (OpenClaw reads JSON5) or restore openclaw.json.bak; until then agents from config and auth.order are not shown.",
            ));
            None
        }
    };

    let shared = match sqlite::read_shared(&location.state_dir) {
        Ok(shared) => shared,
        Err(e) => {
            problems.push(store_problem(&e));
            SharedDb { path: location.shared_db_path(), exists: true, store: None }
        }
    };

    let agents = discover_agents(location, config.as_ref(), &mut problems);
    let default_id = config.as_ref().map(Config::default_agent_id).unwrap_or_else(|| DEFAULT_AGENT_ID.to_owned());

    // Read every agent's own files first: eras A/B merge the default agent's store under the others.
    // Each agent's files are independent: read them on all cores (large installs have hundreds).
    let read = |(id, in_config, dir): (String, bool, PathBuf)| -> (RawAgent, Vec<Problem>) {
        let mut found = Vec::new();
        let (json, errors) = json::read_agent_dir(&dir);
        found.extend(errors.iter().map(store_problem));
        for (pid, err) in &json.store.rejected {
            found.push(rejected_problem(&json.profiles_path, pid, err));
        }
        let db = match sqlite::read_agent(&dir) {
            Ok(db) => db,
            Err(e) => {
                found.push(store_problem(&e));
                AgentDb { path: dir.join(sqlite::AGENT_DB), exists: true, store: None }
            }
        };
        if let Some(store) = &db.store {
            for (pid, err) in &store.rejected {
                found.push(rejected_problem(&db.path, pid, err));
            }
        }
        let models_json = models_json::read(&dir).unwrap_or_else(|problem| {
            found.push(problem);
            None
        });
        let raw = RawAgent {
            is_default: id == default_id,
            id,
            in_config,
            dir_exists: dir.is_dir(),
            dir,
            json,
            db,
            models_json,
        };
        (raw, found)
    };
    let mut raw = Vec::with_capacity(agents.len());
    for (agent, found) in read_parallel(agents, read) {
        problems.extend(found);
        raw.push(agent);
    }
    if let Some(store) = &shared.store {
        for (pid, err) in &store.rejected {
            problems.push(rejected_problem(&shared.path, pid, err));
        }
    }

    let sqlite_install = shared.exists || raw.iter().any(|a| a.db.exists);
    let default_json = raw.iter().find(|a| a.is_default).map(|a| (a.id.as_str(), &a.json));
    let built = read_parallel(raw.iter().collect(), |a| {
        let mut found = Vec::new();
        let state = build_agent(a, sqlite_install, &shared, default_json, &mut found);
        (state, found)
    });
    let mut agent_states = Vec::with_capacity(built.len());
    for (state, found) in built {
        problems.extend(found);
        agent_states.push(state);
    }
    agent_states.sort_by(|a, b| b.is_default.cmp(&a.is_default).then_with(|| a.id.cmp(&b.id)));

    let config_vars = config.as_ref().map(Config::env_vars).unwrap_or_default();
    let (env, env_problems) =
        env::collect(&options.process_env, &location.dotenv_path(), &location.config_path, &config_vars);
    problems.extend(env_problems);

    let (rules, rules_reason) = choose_rules(options.openclaw_version.as_deref(), config.as_ref(), &agent_states);

    StateSnapshot {
        location: location.clone(),
        state_dir_exists,
        config,
        now_ms: options.now_ms,
        agents: agent_states,
        env,
        problems,
        rules,
        rules_reason,
    }
}

/// Maps `items` with `f` on up to all available cores, keeping the order.
fn read_parallel<T: Send, R: Send>(items: Vec<T>, f: impl Fn(T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads < 2 || items.len() < 16 {
        return items.into_iter().map(f).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let mut chunks: Vec<Vec<T>> = Vec::new();
    let mut items = items.into_iter().peekable();
    while items.peek().is_some() {
        chunks.push(items.by_ref().take(chunk).collect());
    }
    let f = &f;
    std::thread::scope(|scope| {
        let handles: Vec<_> =
            chunks.into_iter().map(|c| scope.spawn(move || c.into_iter().map(f).collect::<Vec<R>>())).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
    })
}

struct RawAgent {
    id: String,
    is_default: bool,
    in_config: bool,
    dir: PathBuf,
    dir_exists: bool,
    json: JsonStore,
    db: AgentDb,
    models_json: Option<ModelsJson>,
}

/// Agents from config (with their `agentDir`) plus every `<state>/agents/<id>/agent` on disk,
/// plus the default agent.
fn discover_agents(
    location: &StateLocation,
    config: Option<&Config>,
    problems: &mut Vec<Problem>,
) -> Vec<(String, bool, PathBuf)> {
    let mut out: IndexMap<String, (bool, PathBuf)> = IndexMap::new();
    let config_dir = location.config_path.parent().map(Path::to_path_buf).unwrap_or_default();
    if let Some(cfg) = config {
        for agent in cfg.agents() {
            let dir = match agent.agent_dir.as_deref() {
                Some(d) => {
                    let p = expand_tilde(d, &location.home);
                    if p.is_relative() { config_dir.join(p) } else { p }
                }
                None => location.agents_dir().join(&agent.id).join("agent"),
            };
            out.entry(agent.id).or_insert((true, dir));
        }
    }
    let agents_dir = location.agents_dir();
    if let Ok(entries) = std::fs::read_dir(&agents_dir) {
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().join("agent").is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            if !is_valid_agent_id(&name) {
                problems.push(Problem::info(
                    agents_dir.join(&name),
                    format!("\"{name}\" is not a valid agent id, so OpenClaw never reads this directory"),
                    "Rename it to lower-case letters, digits, '-' or '_' if it should be an agent.",
                ));
                continue;
            }
            let dir = agents_dir.join(&name).join("agent");
            out.entry(name).or_insert((false, dir));
        }
    }
    let default_id = config.map(Config::default_agent_id).unwrap_or_else(|| DEFAULT_AGENT_ID.to_owned());
    out.entry(default_id.clone()).or_insert_with(|| (false, location.agents_dir().join(&default_id).join("agent")));
    out.into_iter().map(|(id, (in_config, dir))| (id, in_config, dir)).collect()
}

fn build_agent(
    raw: &RawAgent,
    sqlite_install: bool,
    shared: &SharedDb,
    default_json: Option<(&str, &JsonStore)>,
    problems: &mut Vec<Problem>,
) -> AgentState {
    let mut state = AgentState {
        id: raw.id.clone(),
        is_default: raw.is_default,
        in_config: raw.in_config,
        dir: raw.dir.clone(),
        dir_exists: raw.dir_exists,
        era: None,
        migration_required: false,
        store_path: raw.json.profiles_path.clone(),
        state_path: raw.json.profiles_path.clone(),
        profiles: Vec::new(),
        order: IndexMap::new(),
        last_good: IndexMap::new(),
        usage: IndexMap::new(),
        models_json: raw.models_json.clone(),
    };
    let own = &raw.json;
    let json_has_credentials = own.has_profiles_file && !own.store.profiles.is_empty();
    let has_json = own.has_profiles_file || own.has_state_file;
    let mut seen = BTreeSet::new();
    let empty = AuthStore::default();

    if raw.db.exists || (sqlite_install && !has_json) {
        // Era C: the agent's own database laid over the shared store.
        state.era = Some(Era::C);
        state.store_path = if raw.is_default { shared.path.clone() } else { raw.db.path.clone() };
        state.state_path = raw.db.path.clone();
        let base = shared.store.as_ref().unwrap_or(&empty);
        let over = raw.db.store.as_ref().unwrap_or(&empty);
        let merged = AuthStore::merged(base, over, true);
        apply(&mut state, &mut seen, &merged, |id| {
            if over.profiles.contains_key(id) {
                ProfileOrigin::Agent(raw.db.path.clone())
            } else {
                ProfileOrigin::Shared(shared.path.clone())
            }
        });
        // OpenClaw checks the agent's own database: JSON beside a populated one is leftover bytes it
        // ignores; beside an empty one it holds credentials that were never imported.
        if json_has_credentials && over.profiles.is_empty() {
            flag_migration(&mut state, own, &mut seen, problems);
        }
        return state;
    }

    if has_json {
        state.era = Some(if own.has_state_file { Era::B } else { Era::A });
        if own.has_state_file {
            state.state_path = own.state_path.clone();
        }
        if sqlite_install && json_has_credentials {
            // The install already runs on SQLite (2026.6+), which refuses this agent's JSON store.
            flag_migration(&mut state, own, &mut seen, problems);
            return state;
        }
    }
    let main = default_json.filter(|(_, main)| !raw.is_default && (main.has_profiles_file || main.has_state_file));
    match (has_json, main) {
        (true, None) => apply(&mut state, &mut seen, &own.store, |_| ProfileOrigin::Agent(own.profiles_path.clone())),
        (has_json, Some((main_id, main))) => {
            if !has_json {
                // No store of its own: the agent uses the default agent's.
                state.era = Some(if main.has_state_file { Era::B } else { Era::A });
            }
            let merged = AuthStore::merged(&main.store, &own.store, false);
            apply(&mut state, &mut seen, &merged, |id| {
                if own.store.profiles.contains_key(id) {
                    ProfileOrigin::Agent(own.profiles_path.clone())
                } else {
                    ProfileOrigin::Inherited { agent: main_id.to_owned(), path: main.profiles_path.clone() }
                }
            });
        }
        (false, None) => {}
    }
    state
}

fn apply(
    state: &mut AgentState,
    seen: &mut BTreeSet<String>,
    store: &AuthStore,
    origin: impl Fn(&str) -> ProfileOrigin,
) {
    for (id, cred) in &store.profiles {
        if seen.insert(id.clone()) {
            state.profiles.push(StoredProfile { id: id.clone(), credential: cred.clone(), origin: origin(id) });
        }
    }
    copy_state(state, store);
}

/// Marks an agent whose credentials sit in a legacy JSON store that OpenClaw 2026.6+ refuses, and
/// still lists those credentials (as legacy) so the admin sees what would be imported.
fn flag_migration(state: &mut AgentState, own: &JsonStore, seen: &mut BTreeSet<String>, problems: &mut Vec<Problem>) {
    state.migration_required = true;
    for (id, cred) in &own.store.profiles {
        if seen.insert(id.clone()) {
            let origin = ProfileOrigin::Legacy(own.profiles_path.clone());
            state.profiles.push(StoredProfile { id: id.clone(), credential: cred.clone(), origin });
        }
    }
    if state.order.is_empty() {
        copy_state(state, &own.store);
    }
    let providers: BTreeSet<_> = own.store.profiles.values().map(|c| c.provider.as_str()).collect();
    problems.push(Problem::error(
        &own.profiles_path,
        format!(
            "agent \"{}\" has credentials in a legacy JSON store ({} profile(s): {}) that were never imported into SQLite; OpenClaw 2026.6+ refuses these providers (AUTH_PROFILE_MIGRATION_REQUIRED)",
            state.id,
            own.store.profiles.len(),
            providers.into_iter().collect::<Vec<_>>().join(", ")
        ),
        "Run `openclaw doctor --fix` on the gateway host: it imports the JSON files into SQLite and archives them.",
    ));
}

fn copy_state(state: &mut AgentState, from: &AuthStore) {
    state.order = from.order.clone();
    state.last_good = from.last_good.clone();
    state.usage = from.usage.clone();
}

fn store_problem(e: &StoreError) -> Problem {
    Problem::error(e.path(), e.to_string(), e.hint())
}

fn rejected_problem(path: &Path, id: &str, err: &crate::credential::CredentialError) -> Problem {
    Problem::warning(
        path,
        format!("profile \"{id}\" is ignored by OpenClaw: {err}"),
        "Fix the entry (type must be api_key, token or oauth, with a provider) or remove it.",
    )
}

fn choose_rules(flag: Option<&str>, config: Option<&Config>, agents: &[AgentState]) -> (&'static RuleSet, String) {
    if let Some(v) = flag
        && let Some(family) = family_of_version(v)
    {
        return (RuleSet::for_family(family), format!("--openclaw-version {v}"));
    }
    if let Some(v) = config.and_then(Config::last_touched_version)
        && let Some(family) = family_of_version(v)
    {
        return (RuleSet::for_family(family), format!("meta.lastTouchedVersion {v} in openclaw.json"));
    }
    if let Some(era) = agents.iter().filter_map(|a| a.era).max() {
        return (RuleSet::for_era(era), format!("storage era {}", era.label()));
    }
    (RuleSet::newest(), "no version recorded and no store found: newest rules".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Severity;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn read(dir: &Path) -> StateSnapshot {
        read_state(&StateLocation::in_dir(dir), &ReadOptions { now_ms: 1_800_000_000_000, ..Default::default() })
    }

    const GOOD: &str = r#"{"version":1,"profiles":{"openai:default":{"type":"api_key","provider":"openai","key":"sk-0123456789abcdef0123"}}}"#;

    #[test]
    fn missing_state_dir_is_empty_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let snap = read(&dir.path().join("nope"));
        assert!(!snap.state_dir_exists);
        assert!(snap.is_empty());
        assert!(snap.problems.is_empty());
        assert_eq!(snap.agents.len(), 1, "the default agent is always listed");
    }

    #[test]
    fn huge_files_are_problems_not_reads() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(&d.join("agents/main/agent/auth-profiles.json"), GOOD);
        for huge in ["agents/big/agent/auth-profiles.json", ".env", "openclaw.json"] {
            write(&d.join(huge), "");
            std::fs::File::options()
                .write(true)
                .open(d.join(huge))
                .unwrap()
                .set_len(crate::bounded::MAX_FILE_BYTES + 1)
                .unwrap();
        }
        let snap = read(d);
        for huge in ["auth-profiles.json", ".env", "openclaw.json"] {
            assert!(
                snap.problems.iter().any(|p| p.path.ends_with(huge) && p.message.contains("larger than 16 MiB")),
                "{huge}: {:#?}",
                snap.problems
            );
        }
        assert!(snap.agent("main").unwrap().profile("openai:default").is_some(), "the rest is read");
    }

    #[test]
    fn bad_files_are_reported_and_the_rest_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(&d.join("openclaw.json"), "{ agents: { list: [ {id: 'main'}, ");
        write(&d.join("agents/main/agent/auth-profiles.json"), GOOD);
        write(&d.join("agents/broken/agent/auth-profiles.json"), "{\"version\":1,\"profiles\":{");
        write(
            &d.join("agents/odd/agent/auth-profiles.json"),
            r#"{"version":1,"profiles":{"x:pw":{"type":"password","provider":"x","password":"hunter2-secret"},"openai:ok":{"type":"api_key","provider":"openai","key":"k"}}}"#,
        );
        // A directory where a file should be: unreadable even for root.
        std::fs::create_dir_all(d.join("agents/dirfile/agent/auth-profiles.json")).unwrap();
        let snap = read(d);
        let messages: Vec<String> =
            snap.problems.iter().map(|p| format!("{} | {}", p.path.display(), p.message)).collect();
        assert!(messages.iter().any(|m| m.contains("openclaw.json") && m.contains("JSON5")), "{messages:#?}");
        assert!(
            messages.iter().any(|m| m.contains("broken/agent/auth-profiles.json") && m.contains("not valid JSON")),
            "{messages:#?}"
        );
        assert!(messages.iter().any(|m| m.contains("unknown credential type \"password\"")), "{messages:#?}");
        assert!(messages.iter().any(|m| m.contains("dirfile") && m.contains("cannot read")), "{messages:#?}");
        assert!(messages.iter().all(|m| !m.contains("hunter2")), "no secret in a problem");
        assert!(snap.problems.iter().all(|p| p.severity >= Severity::Warning));
        assert_eq!(snap.agent("main").unwrap().profiles.len(), 1);
        assert!(snap.agent("odd").unwrap().profile("openai:ok").is_some());
    }

    #[test]
    fn invalid_agent_dir_names_are_skipped_with_a_note() {
        let dir = tempfile::tempdir().unwrap();
        write(&dir.path().join("agents/Bad Name/agent/auth-profiles.json"), GOOD);
        let snap = read(dir.path());
        assert!(snap.agent("bad-name").is_none());
        assert_eq!(snap.problems.len(), 1);
        assert_eq!(snap.problems[0].severity, Severity::Info);
    }

    #[test]
    fn config_agents_and_default() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(&d.join("openclaw.json"), r#"{"agents":{"list":[{"id":"ops","default":true},{"id":"main"}]}}"#);
        write(&d.join("agents/ops/agent/auth-profiles.json"), GOOD);
        let snap = read(d);
        assert_eq!(snap.agents[0].id, "ops");
        assert!(snap.agents[0].is_default);
        // `main` has no store: in eras A/B it sees the default agent's.
        let main = snap.agent("main").unwrap();
        assert!(matches!(main.profiles[0].origin, ProfileOrigin::Inherited { .. }));
    }
}
