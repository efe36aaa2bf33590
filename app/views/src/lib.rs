//! The data the browser receives, built on the server by `panel-service` and rendered by the `app`
//! crate's pages.
//!
//! Architecture invariant: no type sent to the browser can hold a secret. A credential crosses as
//! its masked hint only; the one type here that carries a secret, [`PasteRequest`], only travels
//! towards the server and redacts it in `Debug`. Every type is plain data over `panel-common`'s
//! enums, serialisable both ways, and compiles for wasm32.

use serde::{Deserialize, Serialize};

pub use panel_common::{
    AuditAction, CredentialKind, Era, HealthStatus, HintCode, ProbeClass, ReasonCode, Severity, UnusableKind,
};

/// Where a credential comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SourceKind {
    /// The agent's own store.
    Store,
    /// Era C's shared store.
    Shared,
    /// The default agent's store, merged under this agent's (eras A/B).
    Inherited,
    /// A JSON store that OpenClaw 2026.6+ refuses until it is imported into SQLite.
    Legacy,
    /// The panel's process environment.
    Env,
    /// `<state>/.env`.
    DotEnv,
    /// `env` block of `openclaw.json`.
    ConfigEnv,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceView {
    pub kind: SourceKind,
    /// Short words: `store`, `shared store`, `env: OPENAI_API_KEY`, `.env: OPENAI_API_KEY`.
    pub label: String,
    /// The file it lives in, `~`-shortened, when there is one.
    pub path: Option<String>,
}

/// A cooldown or disable in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnusableView {
    pub kind: UnusableKind,
    pub reason: Option<String>,
    pub model: Option<String>,
    pub until: String,
    pub remaining: String,
}

/// One credential row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileView {
    /// The profile id, or `env: VAR` for an environment credential.
    pub id: String,
    pub kind: CredentialKind,
    /// OpenClaw's masked hint (`sk-ant-o...BBBBBBBB`), `ref(env:VAR)` or `missing`.
    pub masked: String,
    pub source: SourceView,
    pub status: HealthStatus,
    /// OpenClaw's reason code when not usable.
    pub reason: Option<ReasonCode>,
    pub expires_at: Option<String>,
    /// `expires in 29d`, `expired 2h ago`, or `—`.
    pub expiry_text: String,
    pub unusable: Option<UnusableView>,
    /// 1-based position in the stored order, if any.
    pub order_position: Option<usize>,
    pub is_last_good: bool,
    /// The profile OpenClaw would try first for this provider.
    pub is_next: bool,
    /// `displayName` or `email`.
    pub display: Option<String>,
    /// `/model <model>@<profileId>`; `None` for environment credentials (they cannot be pinned).
    pub pin_command: Option<String>,
    /// Why OpenClaw would skip it when choosing (ineligible, config mode mismatch...).
    pub skipped_because: Option<String>,
    /// `openclaw.json` has an `auth.profiles` entry for it (a removal deletes that entry too).
    pub in_config: bool,
}

/// All credentials of one provider for one agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderView {
    pub provider: String,
    /// The worst status of any of the provider's profiles (legacy ones too), for the admin: an
    /// expired token reads `expired` here even when OpenClaw skips it and uses a valid one.
    pub status: HealthStatus,
    /// OpenClaw's own roll-up (what `models status` reports, under its version's rules): from
    /// 2026.5 on over the profiles it would use. `None` when no stored profile of it is read.
    #[serde(default)]
    pub openclaw_status: Option<HealthStatus>,
    pub stored_order: Option<Vec<String>>,
    pub config_order: Option<Vec<String>>,
    /// Which rule decided the order (stored order, config auth.order, ...).
    pub order_source: String,
    pub effective_order: Vec<String>,
    /// What OpenClaw would use next: a profile id or `env: VAR`; `None` when nothing is usable.
    pub next: Option<String>,
    pub last_good: Option<String>,
    pub profiles: Vec<ProfileView>,
}

/// One agent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentView {
    pub id: String,
    pub is_default: bool,
    pub in_config: bool,
    /// `None` when there is no store yet.
    pub era: Option<Era>,
    pub store_path: String,
    pub state_path: String,
    pub migration_required: bool,
    pub providers: Vec<ProviderView>,
    /// The store's version now: a write based on it is refused as a conflict if the store changed
    /// in between.
    pub version: String,
}

/// A file that could not be read, or was read with trouble.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemView {
    pub severity: Severity,
    pub path: String,
    pub message: String,
    pub hint: String,
}

/// Counts for the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub agents: usize,
    pub profiles: usize,
    pub ok: usize,
    pub static_: usize,
    pub expiring: usize,
    pub expired: usize,
    pub missing: usize,
    pub unusable: usize,
}

impl Summary {
    /// The counts over `agents`' rows: the server's page and the browser's patched page use this
    /// one rule, so a patched agent cannot leave the line counting something else.
    pub fn of(agents: &[AgentView]) -> Self {
        let mut summary = Summary { agents: agents.len(), ..Summary::default() };
        for p in agents.iter().flat_map(|a| &a.providers).flat_map(|p| &p.profiles) {
            summary.profiles += 1;
            match p.status {
                HealthStatus::Ok => summary.ok += 1,
                HealthStatus::Static => summary.static_ += 1,
                HealthStatus::Expiring => summary.expiring += 1,
                HealthStatus::Expired => summary.expired += 1,
                HealthStatus::Missing => summary.missing += 1,
            }
            if p.unusable.is_some() {
                summary.unusable += 1;
            }
        }
        summary
    }
}

/// The profiles page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub state_dir: String,
    pub config_path: String,
    pub state_found: bool,
    pub config_found: bool,
    pub read_at: String,
    pub rules_label: String,
    pub rules_reason: String,
    /// Every agent id, for the filter.
    pub agent_ids: Vec<String>,
    /// The agent the page is filtered to, if any.
    pub selected_agent: Option<String>,
    pub agents: Vec<AgentView>,
    pub problems: Vec<ProblemView>,
    pub summary: Summary,
    /// Provider ids for the paste form's suggestions: OpenClaw's known providers and every one in
    /// the state.
    pub known_providers: Vec<String>,
}

/// What kind of secret a paste stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PasteKind {
    Token,
    ApiKey,
    /// An API key written to `<state>/.env` as the provider's `*_API_KEY` variable.
    ApiKeyToEnv,
}

/// A paste from the page. The only type that carries a secret, and only towards the server.
#[derive(Clone, Serialize, Deserialize)]
pub struct PasteRequest {
    pub agent: Option<String>,
    pub provider: String,
    pub profile_id: Option<String>,
    pub kind: PasteKind,
    pub secret: String,
    /// `30d`, `12h`, `1h30m` (a bare number is days), or a date (`2027-01-31`, UTC end of day) or
    /// date and time (RFC 3339); only for tokens.
    pub expires_in: Option<String>,
    /// The hints shown were read and accepted: save anyway.
    pub confirmed: bool,
}

impl std::fmt::Debug for PasteRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasteRequest")
            .field("agent", &self.agent)
            .field("provider", &self.provider)
            .field("profile_id", &self.profile_id)
            .field("kind", &self.kind)
            .field("secret", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

/// Something to look at before saving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HintItem {
    pub code: HintCode,
    pub message: String,
}

/// What a write did. Masked hints only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteOutcome {
    pub agent: String,
    pub changes: Vec<String>,
    pub hints: Vec<HintItem>,
    pub warnings: Vec<String>,
    pub restart_gateway: bool,
    pub restart_note: String,
    pub version: String,
    pub profile_id: Option<String>,
    pub masked: Option<String>,
    /// The provider the change was about, when one.
    pub provider: Option<String>,
    /// What OpenClaw tries first for that provider after the change (`env: VAR` for an
    /// environment key); `None` when nothing is usable or no provider was involved.
    pub next: Option<String>,
    /// `/model …@<profileId>` for the saved profile.
    pub pin_command: Option<String>,
    /// The written agent as the page shows it, read back after the change, so the page replaces
    /// that one agent instead of reading every agent again. `None` when the change was not about
    /// one agent (a `.env` key).
    pub refreshed: Option<Box<AgentRefresh>>,
    /// The panel can restart the running gateway so that it uses the change (after the admin
    /// confirms): the notice then offers *Restart the gateway*.
    #[serde(default)]
    pub can_restart: bool,
    /// For a `.env` change: `added`, `replaced`, `removed` or `unchanged`.
    #[serde(default)]
    pub env_change: Option<String>,
}

/// One agent read back after a change, with what the same read found state-wide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentRefresh {
    /// Its `version` is the revision the change left, for the next change based on it.
    pub agent: AgentView,
    /// Every read problem of that read (a change can fix or cause one).
    pub problems: Vec<ProblemView>,
    pub read_at: String,
}

/// The answer to a paste: saved, or hints to confirm first (nothing written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
// One answer per request, moved once: boxing `Saved` buys nothing (the lint fires on some targets).
#[allow(clippy::large_enum_variant)]
pub enum PasteOutcome {
    Saved(WriteOutcome),
    Confirm { profile_id: String, masked: String, hints: Vec<HintItem> },
}

/// A key in `<state>/.env`, masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvKeyView {
    pub key: String,
    pub masked: String,
}

/// `<state>/.env` as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvFileView {
    pub path: String,
    pub keys: Vec<EnvKeyView>,
    pub version: String,
}

/// One line of the history (the audit log), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: String,
    pub actor: String,
    pub action: AuditAction,
    pub agent: String,
    pub provider: Option<String>,
    pub profile_id: Option<String>,
    pub changes: Vec<String>,
    pub ok: bool,
    pub error: Option<String>,
}

/// One finding of the native doctor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingView {
    pub check: String,
    pub severity: Severity,
    pub agent: Option<String>,
    pub provider: Option<String>,
    pub profile_id: Option<String>,
    pub message: String,
    pub path: String,
    pub fix_hint: String,
    /// What the panel's fix does, in words; `None` when the admin must act.
    pub fix: Option<String>,
    /// The finding's key: a fix request names it, and the server finds it again before fixing.
    pub key: String,
}

/// The native doctor's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NativeDoctorView {
    pub state_dir: String,
    pub checks_run: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub findings: Vec<FindingView>,
    /// How long the read and the checks took, in microseconds.
    pub took_us: u64,
    pub read_at: String,
}

/// A finding of OpenClaw's `doctor --lint --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LintFindingView {
    pub check_id: String,
    /// OpenClaw's own word, passed through as it printed it: its set of severities is OpenClaw's,
    /// not ours, and may grow.
    pub severity: String,
    pub message: String,
    pub path: Option<String>,
    pub fix_hint: Option<String>,
}

/// A titled box of OpenClaw's text doctor (before `--lint` existed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextSectionView {
    pub title: String,
    pub items: Vec<String>,
}

/// What a run of OpenClaw's doctor gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunOutcomeView {
    Lint { checks_run: u32, checks_skipped: u32, findings: Vec<LintFindingView> },
    Sections { sections: Vec<TextSectionView> },
    TimedOut { after_s: u64 },
    Failed { message: String },
}

/// One run of OpenClaw's doctor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenClawRunView {
    pub version: Option<String>,
    pub command: String,
    pub started_at: String,
    pub took_ms: u64,
    pub exit_code: Option<i32>,
    pub outcome: RunOutcomeView,
    /// What it printed (known secrets masked), for the "raw output" view.
    pub raw_output: String,
}

/// OpenClaw's doctor as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenClawDoctorView {
    /// The `openclaw` that would run.
    pub binary: Option<String>,
    /// Why it cannot run, and what to do.
    pub not_installed: Option<String>,
    /// Set while a run is going on: seconds since it started.
    pub running_for_s: Option<u64>,
    pub running_command: Option<String>,
    pub timeout_s: u64,
    pub last: Option<OpenClawRunView>,
}

/// The Doctor page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoctorView {
    pub native: NativeDoctorView,
    pub openclaw: OpenClawDoctorView,
}

/// What a doctor fix did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixOutcome {
    pub did: String,
    pub changes: Vec<String>,
}

/// One order that names a profile, before and after its removal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderChange {
    pub before: Vec<String>,
    /// Empty: nothing is left in the order.
    pub after: Vec<String>,
}

/// What removing a stored profile deletes, read on the server from the state now (the remove
/// dialog's lines; nothing is written). The credential appears as its masked hint only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovePreview {
    pub agent: String,
    pub profile_id: String,
    pub provider: String,
    /// OpenClaw's masked hint of the secret deleted.
    pub masked: String,
    /// The store file the credential is deleted from, `~`-shortened.
    pub store_path: Option<String>,
    /// It is in era C's shared store: every agent loses it.
    pub shared: bool,
    /// The agent's stored order of the provider, when it names the profile.
    pub stored_order: Option<OrderChange>,
    /// `auth.order.<provider>` in `openclaw.json`, when it names the profile.
    pub config_order: Option<OrderChange>,
    /// `openclaw.json` has an `auth.profiles` entry for it, which goes too.
    pub config_entry: bool,
    /// Usage statistics, a cooldown or the last-good mark exist for it, and go too.
    pub usage_record: bool,
    /// The store's version this preview was read at: the removal is based on it, so it is
    /// refused if the store changed after the admin read the dialog.
    pub version: String,
}

/// How far the panel gets with the running gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GatewayReach {
    NotRunning,
    Unreachable,
    NotReady,
    Connected,
}

impl GatewayReach {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotRunning => "not-running",
            Self::Unreachable => "unreachable",
            Self::NotReady => "not-ready",
            Self::Connected => "connected",
        }
    }
}

/// The running gateway as the Gateway card shows it (never its credential, only where it is from).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayView {
    pub reach: GatewayReach,
    /// `ws://127.0.0.1:<port>`.
    pub address: String,
    pub port_source: String,
    pub version: Option<String>,
    pub credential_source: String,
    /// The RPC methods the panel can apply changes with.
    pub methods: Vec<String>,
    pub problem: Option<String>,
    pub fix: Option<String>,
    /// The agents whose credentials were compared with what the gateway lists.
    pub compared: Vec<String>,
    /// Where the gateway's memory and the disk differ, one sentence each.
    pub differences: Vec<String>,
    /// What runs it ("systemd user unit …", "not supervised (started by hand)"), when the panel
    /// can see its process, with the pid.
    pub supervisor: Option<String>,
    pub pid: Option<u32>,
    /// What *Restart the gateway* would do, in words (shown before the admin confirms); `None`
    /// with `restart_blocked` saying why the panel cannot restart it.
    pub restart_plan: Option<String>,
    pub restart_blocked: Option<String>,
    /// Whether that restart also loads changed `.env` values (a full stop and start).
    pub restart_full: bool,
    /// The restart under way or the last one, since the panel started.
    pub restart: Option<RestartView>,
    /// The last apply to the gateway, since the panel started.
    pub last_apply: Option<LastApply>,
}

/// A gateway restart the panel made: its steps so far and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestartView {
    pub running: bool,
    /// `None` while running.
    pub ok: Option<bool>,
    pub started_at: String,
    /// One line per step, in order ("restart requested: …", "starting …", "ready again after 12.3 s").
    pub steps: Vec<String>,
    /// How it ended, in words.
    pub message: Option<String>,
}

/// The last time the panel applied a change to the gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastApply {
    pub at: String,
    pub ok: bool,
    pub result: String,
}

/// One live check of a credential (no secret: the provider's words are masked server-side).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeView {
    /// `None` for an environment key (shared by every agent).
    pub agent: Option<String>,
    pub provider: String,
    /// The profile id, `env: VAR`, or "the pasted secret".
    pub credential: String,
    pub kind: CredentialKind,
    pub class: ProbeClass,
    pub latency_ms: Option<u64>,
    /// `free`, `billed` or `none` (nothing sent).
    pub cost: String,
    pub http_status: Option<u16>,
    pub provider_message: Option<String>,
    pub fix: String,
    /// What the provider said about the account (OpenRouter: limit, remaining, expiry).
    pub details: Vec<(String, String)>,
    /// `GET https://…/v1/models` (no secret, no query).
    pub request: Option<String>,
    /// Not checked only because a billed request was not allowed.
    pub needs_billed: bool,
    /// The base URL and where it came from.
    pub base_url: Option<String>,
    pub checked_at: String,
    pub checked_at_ms: i64,
    /// Reused from a check in the last 30 s.
    pub cached: bool,
}

/// *Check before saving* from the paste form: carries the secret towards the server only.
#[derive(Clone, Serialize, Deserialize)]
pub struct ProbePasteRequest {
    pub provider: String,
    pub kind: PasteKind,
    pub secret: String,
    /// A one-token billed request may be sent where nothing free proves the credential.
    pub allow_billed: bool,
}

impl std::fmt::Debug for ProbePasteRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProbePasteRequest")
            .field("provider", &self.provider)
            .field("kind", &self.kind)
            .field("secret", &"[REDACTED]")
            .field("allow_billed", &self.allow_billed)
            .finish()
    }
}

/// The Alerts page: the channels (secrets masked), what holds now, the last deliveries.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertsView {
    pub channels: Vec<AlertChannelView>,
    /// What holds now, worst first.
    pub active: Vec<ActiveAlertView>,
    /// Newest first.
    pub deliveries: Vec<AlertDeliveryView>,
    /// Messages waiting for a retry.
    pub outbox: usize,
    /// How often the monitor evaluates (minutes; 0: not running in this process).
    pub interval_minutes: u64,
    /// One message per condition and level per this many minutes.
    pub window_minutes: u64,
    /// When the state was last evaluated (`2026-12-01 10:00 UTC`).
    pub evaluated_at: Option<String>,
}

/// One channel, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertChannelView {
    pub id: String,
    pub name: String,
    /// `ntfy`, `webhook`, `email`.
    pub kind: String,
    /// Where it sends, masked (`https://ntfy.sh/al...(12)`).
    pub target: String,
    /// Secret settings, masked, by name.
    pub settings: Vec<(String, String)>,
    pub min_severity: Severity,
    pub created_at: String,
    /// The latest delivery worked (or none was tried yet).
    pub up: bool,
    pub failures: u32,
    pub last_ok_at: Option<String>,
    pub last_error: Option<String>,
}

/// A condition that holds now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveAlertView {
    pub title: String,
    pub level: String,
    pub severity: Severity,
    pub since: String,
    pub link: String,
    /// Told to the channels (false: waiting for its window).
    pub notified: bool,
}

/// One message handed to one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertDeliveryView {
    pub at: String,
    pub channel: String,
    pub channel_kind: String,
    /// `fired`, `recovered`, `digest`, `test`.
    pub kind: String,
    pub severity: Severity,
    pub title: String,
    pub ok: bool,
    pub attempts: u32,
    pub answer: Option<String>,
    pub error: Option<String>,
    pub will_retry: bool,
}

/// A channel to add, from the page's form: carries secrets towards the server only.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct AlertChannelRequest {
    pub name: String,
    /// `ntfy`, `webhook`, `email`.
    pub kind: String,
    pub min_severity: Option<Severity>,
    /// ntfy topic URL or webhook URL.
    pub url: String,
    /// ntfy access token (optional).
    pub token: String,
    /// Webhook signing secret.
    pub secret: String,
    pub smtp_host: String,
    pub smtp_port: Option<u16>,
    /// `starttls`, `tls`, `none`.
    pub smtp_security: String,
    pub smtp_user: String,
    pub smtp_password: String,
    pub from: String,
    /// Recipients, separated by commas.
    pub to: String,
}

impl std::fmt::Debug for AlertChannelRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AlertChannelRequest")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("min_severity", &self.min_severity)
            .field("url", &"[REDACTED]")
            .field("token", &"[REDACTED]")
            .field("secret", &"[REDACTED]")
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_password", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}
