//! Reads OpenClaw's model-auth state the way OpenClaw does, in all three storage eras.
//!
//! Era A (up to 2026.4.5): one `auth-profiles.json` per agent with order and usage inside.
//! Era B (2026.4.6–5.x): the same file plus `auth-state.json`.
//! Era C (2026.6+): SQLite, a shared `state/openclaw.sqlite` and a per-agent `openclaw-agent.sqlite`.
//!
//! Nothing here speaks HTTP or knows about the UI: [`read_state`] takes a [`StateLocation`] and
//! returns a [`StateSnapshot`] with every agent, every profile (secrets kept as `secrecy` types),
//! every environment credential and a list of [`Problem`]s for whatever could not be read.
//! Reading never writes: databases are opened read-only, nothing is created or migrated.
//! [`write`] holds the write side: OpenClaw's lock protocol, atomic replacement and JSON text.

pub mod analysis;
pub mod bounded;
pub mod config;
pub mod credential;
pub mod doctor;
pub mod env;
pub mod freshness;
pub mod health;
pub use panel_common::ids;
pub mod mask;
pub mod models_json;
pub mod order;
pub mod paths;
pub mod problem;
pub mod providers;
pub mod rules;
pub mod snapshot;
pub mod status;
pub mod store;
/// Test helpers (fixtures, tree capture): only with the `test-support` feature, never shipped.
#[cfg(any(test, feature = "test-support"))]
pub mod testing;
pub mod write;

pub use credential::{Credential, CredentialKind, Expires, SecretRef};
pub use health::{HealthStatus, ProfileHealth, Unusable, UnusableKind};
pub use paths::StateLocation;
pub use problem::{Problem, Severity};
pub use rules::{RuleSet, VersionFamily};
pub use snapshot::{AgentState, Era, ProfileOrigin, StateSnapshot, StoredProfile, read_state};
