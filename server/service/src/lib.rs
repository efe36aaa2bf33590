//! The panel's application layer: what the pages' server functions, the command line and the
//! monitoring endpoints call. A plain type ([`PanelService`]) over the domain crate
//! (`openclaw-state`), without HTTP or Leptos, so tests call it directly and every caller gets the
//! same behaviour.
//!
//! Architecture invariants: every credential change goes through the write engine and the audit
//! log ([`audit`]); blocking file and database work runs off the async executor
//! ([`error::blocking`]); what leaves this crate towards the browser is a `panel-views` type, so
//! it cannot hold a secret.

pub mod alerts;
pub mod audit;
pub mod clock;
mod doctor;
pub mod error;
pub mod gateway;
pub mod openclaw_doctor;
pub mod overview;
pub mod paste_budget;
pub mod probes;
pub mod scrub;
mod snapshot_cache;
mod writes;

use std::sync::Arc;

use openclaw_state::env::ProcessEnv;
use openclaw_state::snapshot::ReadOptions;
use openclaw_state::{StateLocation, StateSnapshot, read_state};

use panel_views::Overview;

pub use clock::{format_utc, now_ms};
pub use error::ServiceError;

/// What the panel reads and how.
#[derive(Debug, Clone)]
pub struct PanelConfig {
    pub location: StateLocation,
    /// Environment credentials of the panel's own process (empty with `--no-process-env`).
    pub process_env: ProcessEnv,
    /// Take status rules from this OpenClaw version instead of what the state says.
    pub openclaw_version: Option<String>,
    /// The panel's own data dir (the audit log); `None`: writes are not logged (tests only).
    pub data_dir: Option<std::path::PathBuf>,
}

/// Reads OpenClaw's state and turns it into page data.
#[derive(Debug, Clone)]
pub struct PanelService {
    config: Arc<PanelConfig>,
    /// Runs the real `openclaw doctor`, one at a time.
    openclaw_doctor: openclaw_doctor::DoctorRunner,
    /// Pastes checked per login session.
    paste_budget: Arc<paste_budget::PasteBudget>,
    /// The last apply to the gateway and its restart under way.
    gateway: Arc<gateway::GatewayMemory>,
    /// The last live check of each credential.
    probes: Arc<probes::ProbeMemory>,
    /// Sends live checks (bounded, with a deadline).
    checker: panel_probe::Checker,
    /// The alert monitor: its settings, channels and memory of what was told.
    alerts: Arc<alerts::AlertMonitor>,
    /// The last whole-state read, kept while no input file changes.
    snapshots: Arc<snapshot_cache::SnapshotCache>,
}

/// How long OpenClaw's doctor may take by default (50 agents take 11–14 s here).
pub const OPENCLAW_DOCTOR_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

impl PanelService {
    pub fn new(config: PanelConfig) -> Self {
        Self::with_openclaw(config, None, OPENCLAW_DOCTOR_TIMEOUT)
    }

    /// With the `openclaw` command to run for the Doctor page (`None`: the first on PATH).
    pub fn with_openclaw(
        config: PanelConfig,
        binary: Option<std::path::PathBuf>,
        timeout: std::time::Duration,
    ) -> Self {
        let openclaw_doctor = openclaw_doctor::DoctorRunner::new(openclaw_doctor::RunnerConfig {
            binary,
            timeout,
            state_dir: config.location.state_dir.clone(),
            config_path: config.location.config_path.clone(),
        });
        Self {
            config: Arc::new(config),
            openclaw_doctor,
            paste_budget: Arc::default(),
            gateway: Arc::default(),
            probes: Arc::default(),
            checker: panel_probe::Checker::new(panel_probe::Limits::default()),
            alerts: Arc::default(),
            snapshots: Arc::default(),
        }
    }

    /// With this checker for live checks (tests point providers' fixed hosts at a stand-in).
    pub fn with_probe_checker(mut self, checker: panel_probe::Checker) -> Self {
        self.checker = checker;
        self
    }

    /// With live checks of this concurrency and deadline (default: 4 at a time, 10 s each).
    pub fn with_probe_limits(mut self, limits: panel_probe::Limits) -> Self {
        self.checker = panel_probe::Checker::new(limits);
        self
    }

    /// With these alert settings (interval, window, the panel's address for links, retries).
    pub fn with_alerts(mut self, settings: alerts::AlertSettings) -> Self {
        self.alerts = Arc::new(alerts::AlertMonitor::new(settings));
        self
    }

    pub fn config(&self) -> &PanelConfig {
        &self.config
    }

    /// Reads the whole state now (blocking file and database reads).
    pub fn snapshot_blocking(&self) -> StateSnapshot {
        self.snapshot_at_blocking(now_ms())
    }

    /// The whole state as of `now` (the alert monitor's clock; tests move it): read from disk,
    /// or the last read again when none of its input files changed since (`snapshot_cache`).
    pub fn snapshot_at_blocking(&self, now: i64) -> StateSnapshot {
        self.snapshot_with_memo(now).0
    }

    /// The same with the memo of values derived from the snapshot's files.
    fn snapshot_with_memo(&self, now: i64) -> (StateSnapshot, Arc<snapshot_cache::Memo>) {
        self.snapshots.get(&self.config.location, now, |now| {
            let options = ReadOptions {
                process_env: self.config.process_env.clone(),
                now_ms: now,
                openclaw_version: self.config.openclaw_version.clone(),
            };
            read_state(&self.config.location, &options)
        })
    }

    /// Names the state the pages are rendered from while it stays unchanged on disk: the kept
    /// snapshot's generation, or `None` when no read is kept or a file changed since (a page
    /// rendered now would read it again). For caches of what is rendered from the state.
    pub async fn state_generation(&self) -> Option<u64> {
        let this = self.clone();
        error::blocking("state fingerprint task failed", move || this.snapshots.kept_generation(&this.config.location))
            .await
            .ok()
            .flatten()
    }

    /// Reads the state off the async executor (a busy database may make a read wait).
    pub async fn snapshot(&self) -> Result<StateSnapshot, ServiceError> {
        let this = self.clone();
        error::blocking("state read task failed", move || this.snapshot_blocking()).await
    }

    /// The profiles page, optionally filtered to one agent, with each store's version (for
    /// writes based on it). All file and database reads run off the async executor.
    pub async fn overview(&self, agent: Option<String>) -> Result<Overview, ServiceError> {
        let agent = agent.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty());
        if let Some(id) = &agent {
            openclaw_state::ids::validate_agent_id(id).map_err(|_| ServiceError::BadAgentId(id.clone()))?;
        }
        let this = self.clone();
        error::blocking("state read task failed", move || {
            let (snapshot, memo) = this.snapshot_with_memo(now_ms());
            if let Some(id) = &agent
                && snapshot.agent(id).is_none()
            {
                return Err(ServiceError::UnknownAgent(id.clone()));
            }
            let mut view = overview::build(&snapshot, agent.as_deref());
            let writer = this.writer();
            for agent in &mut view.agents {
                // Each store's revision reads its bytes: once per kept snapshot, not per page.
                agent.version = snapshot_cache::memoised(&memo, &agent.id, || {
                    writer.version_in(&snapshot, Some(&agent.id)).map(String::from).unwrap_or_default()
                });
            }
            Ok(view)
        })
        .await?
    }
}
