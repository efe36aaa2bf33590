//! Which files or rows a write to one agent touches: the agent resolved from a snapshot, its
//! storage era, and the backing (JSON files, or SQLite databases and rows).
//!
//! Invariants: an agent id from outside is validated before it becomes a path; an agent whose
//! legacy JSON credentials OpenClaw no longer reads is refused (writing SQLite beside it would
//! hide them); where a new agent's store goes and whether order/usage get a file of their own are
//! the rules table's answer ([`crate::rules::WriteRules`]), not version tests here.

use std::path::{Path, PathBuf};

use super::WriteError;
use crate::rules::RuleSet;
use crate::snapshot::{AgentState, Era};
use crate::store::sqlite::{AGENT_DB, SHARED_DB};
use crate::{StateLocation, StateSnapshot};

/// Where an agent's store and state live.
#[derive(Debug, Clone)]
pub(super) enum Backing {
    Json { profiles: PathBuf, state: Option<PathBuf> },
    Sqlite { store: SqliteStore, state_db: PathBuf },
}

/// Which database holds an era C agent's profiles.
#[derive(Debug, Clone)]
pub(super) enum SqliteStore {
    /// The shared database (`authProfiles.store` row): the default agent's.
    Shared(PathBuf),
    /// The agent's own database (`auth_profile_store` row).
    Agent(PathBuf),
}

impl SqliteStore {
    pub(super) fn db(&self) -> &Path {
        match self {
            Self::Shared(p) | Self::Agent(p) => p,
        }
    }
}

/// One agent, resolved for writing.
#[derive(Debug, Clone)]
pub(super) struct Target {
    pub agent: String,
    pub era: Era,
    pub rules: &'static RuleSet,
    pub backing: Backing,
}

impl Target {
    /// The file or database holding the profiles.
    pub(super) fn store_path(&self) -> &Path {
        match &self.backing {
            Backing::Json { profiles, .. } => profiles,
            Backing::Sqlite { store, .. } => store.db(),
        }
    }

    /// The same agent, but the profiles in another store at `path` (the default agent's JSON
    /// file, or the shared database), where an inherited or shared profile lives.
    pub(super) fn with_store_at(&self, path: &Path) -> Target {
        let backing = match &self.backing {
            Backing::Json { state, .. } => {
                let dir = path.parent().unwrap_or(Path::new("."));
                Backing::Json { profiles: path.to_owned(), state: state.as_ref().map(|_| dir.join("auth-state.json")) }
            }
            Backing::Sqlite { state_db, .. } => {
                Backing::Sqlite { store: SqliteStore::Shared(path.to_owned()), state_db: state_db.clone() }
            }
        };
        Target { backing, ..self.clone() }
    }
}

/// The agent a write names (`None`: the default agent), with its state as read.
pub(super) fn resolve(
    location: &StateLocation,
    snapshot: &StateSnapshot,
    agent: Option<&str>,
) -> Result<(Target, AgentState), WriteError> {
    let agent_id = match agent.map(str::trim).filter(|a| !a.is_empty()) {
        Some(id) => crate::ids::validate_agent_id(id).map_err(|_| WriteError::BadAgentId(id.to_owned()))?.to_owned(),
        None => snapshot
            .agents
            .iter()
            .find(|a| a.is_default)
            .map(|a| a.id.clone())
            .unwrap_or_else(|| crate::ids::DEFAULT_AGENT_ID.to_owned()),
    };
    let state = match snapshot.agent(&agent_id) {
        Some(a) => a.clone(),
        None => new_agent(location, &agent_id),
    };
    let rules = snapshot.rules;
    if state.migration_required {
        return Err(WriteError::MigrationRequired { agent: agent_id, family: "2026.6+" });
    }
    let sqlite = state.era == Some(Era::C) || (state.era.is_none() && rules.write.new_store_in_sqlite);
    let target = if sqlite {
        let agent_db = state.dir.join(AGENT_DB);
        let store = if state.is_default {
            SqliteStore::Shared(location.state_dir.join(SHARED_DB))
        } else {
            SqliteStore::Agent(agent_db.clone())
        };
        Target { agent: agent_id, era: Era::C, rules, backing: Backing::Sqlite { store, state_db: agent_db } }
    } else {
        // Files OpenClaw already split stay split; otherwise the version decides where order and
        // usage go (a 2026.5 install moves an era-A agent's state out on its first write).
        let separate = state.era == Some(Era::B) || rules.write.json_state_file;
        let profiles = state.dir.join("auth-profiles.json");
        let state_file = separate.then(|| state.dir.join("auth-state.json"));
        Target {
            agent: agent_id,
            era: if separate { Era::B } else { Era::A },
            rules,
            backing: Backing::Json { profiles, state: state_file },
        }
    };
    Ok((target, state))
}

/// An agent the snapshot does not know: its dir is made on the first write (OpenClaw's
/// `--agent` creates it too).
fn new_agent(location: &StateLocation, agent_id: &str) -> AgentState {
    let dir = location.agents_dir().join(agent_id).join("agent");
    AgentState {
        id: agent_id.to_owned(),
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
