//! Alerts from the application's side: one evaluation reads the state once (at the monitor's
//! clock), analyses it once, runs the native doctor over that analysis and asks the running
//! gateway how it stands, then hands the conditions to `panel-alerts`' book, which keeps what
//! changed and delivers it. The monitor inside `serve` evaluates at start, every interval, and
//! shortly after every write (the writes wake it).
//!
//! Invariants: one change of the book at a time, across processes too (this process's turn, then
//! the book's lock file), each on the files as they are then, so two evaluations never send the
//! same change and a channel added by `alerts add` is heard by a running `serve`;
//! channel secrets leave only masked (`panel_views::AlertChannelView`); every channel change and
//! test is recorded in the audit log (History).

use std::time::Duration;

use panel_alerts::{
    AlertBook, AlertError, ChannelSettings, Composer, GatewayObservation, Inputs, Links, RetryPolicy, Sender,
    SmtpSecurity,
};
use panel_views::{ActiveAlertView, AlertChannelRequest, AlertChannelView, AlertDeliveryView, AlertsView, Severity};
use secrecy::SecretString;
use serde::Serialize;
use tokio::sync::{Mutex, Notify};

use super::PanelService;
use crate::audit::{AuditAction, AuditEntry, AuditLog, AuditTarget};
use crate::error::ServiceError;

/// How the monitor runs.
#[derive(Debug, Clone)]
pub struct AlertSettings {
    /// Between evaluations (`serve --alert-interval`, minutes; default 10).
    pub interval: Duration,
    /// One message per condition and level per window (default 1 h).
    pub window_ms: i64,
    /// The panel's own address, for the links in messages.
    pub links: Links,
    /// The host's name in messages.
    pub host: String,
    pub retry: RetryPolicy,
    /// Ask the running gateway at each evaluation (differs from disk, stopped).
    pub gateway: bool,
}

impl Default for AlertSettings {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(10 * 60),
            window_ms: panel_alerts::DEFAULT_WINDOW_MS,
            links: Links::default(),
            host: host_name(),
            retry: RetryPolicy::default(),
            gateway: true,
        }
    }
}

/// This machine's name (for the messages), or a plain word when it cannot be read.
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "the gateway host".to_owned())
}

/// The monitor's shared parts.
#[derive(Debug)]
pub struct AlertMonitor {
    settings: AlertSettings,
    sender: Sender,
    /// This process's turn at the book (before its lock file, which a blocked thread would wait
    /// on).
    turn: Mutex<()>,
    wake: Notify,
    /// The loop runs in this process (`serve`), not in a one-shot command.
    running: std::sync::atomic::AtomicBool,
}

impl AlertMonitor {
    pub fn new(settings: AlertSettings) -> Self {
        Self {
            sender: Sender::new(settings.retry),
            settings,
            turn: Mutex::new(()),
            wake: Notify::new(),
            running: Default::default(),
        }
    }

    /// Asks for an evaluation soon (after a write).
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

impl Default for AlertMonitor {
    fn default() -> Self {
        Self::new(AlertSettings::default())
    }
}

/// One alert channel's health, for `/metrics`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelMetric {
    pub name: String,
    pub kind: String,
    pub up: bool,
    pub last_ok_ms: Option<i64>,
}

/// The alert channels and the outbox, for `/metrics`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertMetrics {
    pub channels: Vec<ChannelMetric>,
    /// Messages waiting for a retry.
    pub outbox: usize,
}

/// What one evaluation did (`alerts check --once --json`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckReport {
    pub evaluated_at: String,
    /// What changed now (fired or recovered).
    pub events: Vec<panel_alerts::message::EventItem>,
    /// What was sent this round (retries of earlier failures included).
    pub deliveries: Vec<panel_alerts::Delivery>,
    /// What holds now, worst first.
    pub active: Vec<panel_alerts::Condition>,
    /// As `status --check`: 1 when an error-level condition holds (expired, missing, …), else 2
    /// when a warning does (expiring, cooldown, …), else 0.
    pub exit_code: u8,
}

fn map_error(e: AlertError) -> ServiceError {
    match e {
        AlertError::Invalid(_) | AlertError::NoChannel(_) => ServiceError::Refused(e.to_string()),
        AlertError::Damaged { .. } => {
            tracing::error!(error = %e, "alert files damaged");
            ServiceError::Refused(
                "an alert file in the panel's data dir (alerts.json or alerts-state.json) is damaged; the server log \
                 names it: fix or move it away, then reload"
                    .to_owned(),
            )
        }
        AlertError::Read { .. } | AlertError::Write { .. } => ServiceError::internal("alert files", &e),
    }
}

fn severity_parse(s: &str) -> Option<Severity> {
    match s.trim().to_ascii_lowercase().as_str() {
        "info" => Some(Severity::Info),
        "warning" | "warn" => Some(Severity::Warning),
        "error" | "critical" => Some(Severity::Error),
        _ => None,
    }
}

/// `warning` from `--min-severity warning`.
pub fn parse_severity(s: &str) -> Result<Severity, ServiceError> {
    severity_parse(s)
        .ok_or_else(|| ServiceError::Refused(format!("unknown severity {s:?}: use info, warning or error")))
}

/// The form's fields as channel settings; what is missing is said in words.
pub fn settings_from_request(r: &AlertChannelRequest) -> Result<ChannelSettings, ServiceError> {
    let secret = |s: &str| SecretString::from(s.trim().to_owned());
    let refused = |s: &str| ServiceError::Refused(s.to_owned());
    match r.kind.trim() {
        "ntfy" => Ok(ChannelSettings::Ntfy {
            url: secret(&r.url),
            token: Some(r.token.trim()).filter(|t| !t.is_empty()).map(secret),
        }),
        "webhook" => Ok(ChannelSettings::Webhook { url: secret(&r.url), secret: secret(&r.secret) }),
        "email" => {
            let security = if r.smtp_security.trim().is_empty() {
                SmtpSecurity::Starttls
            } else {
                SmtpSecurity::parse(&r.smtp_security)
                    .ok_or_else(|| refused("SMTP security must be starttls, tls or none"))?
            };
            let port = r.smtp_port.unwrap_or(match security {
                SmtpSecurity::Tls => 465,
                SmtpSecurity::Starttls => 587,
                SmtpSecurity::None => 25,
            });
            Ok(ChannelSettings::Email {
                host: r.smtp_host.trim().to_owned(),
                port,
                security,
                username: Some(r.smtp_user.trim().to_owned()).filter(|u| !u.is_empty()),
                password: Some(r.smtp_password.as_str())
                    .filter(|p| !p.is_empty())
                    .map(|p| SecretString::from(p.to_owned())),
                from: r.from.trim().to_owned(),
                to: r.to.split([',', ';', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
            })
        }
        "" => Err(refused("choose a channel kind: ntfy, webhook or email")),
        other => Err(ServiceError::Refused(format!("unknown channel kind {other:?}: use ntfy, webhook or email"))),
    }
}

impl PanelService {
    fn alert_links(&self) -> &Links {
        &self.alerts.settings.links
    }

    fn composer_parts(&self) -> (String, String) {
        (self.alerts.settings.host.clone(), self.alert_links().page("/alerts"))
    }

    fn alert_dir(&self) -> Result<std::path::PathBuf, ServiceError> {
        self.config()
            .data_dir
            .clone()
            .ok_or_else(|| ServiceError::Refused("alerts need the panel's data dir (--data-dir)".to_owned()))
    }

    /// The book to change: this process's turn, then the book's lock (shared with `alerts …`
    /// commands in other processes), then its files as they are now. `Refused` without a data
    /// dir; a damaged file is an error here, not at start.
    async fn book(&self) -> Result<BookGuard<'_>, ServiceError> {
        let dir = self.alert_dir()?;
        let turn = self.alerts.turn.lock().await;
        let (lock, book) = crate::error::blocking("alert book", move || {
            let lock = AlertBook::lock(&dir)?;
            Ok::<_, AlertError>((lock, AlertBook::open(&dir)?))
        })
        .await?
        .map_err(map_error)?;
        Ok(BookGuard { book, _lock: lock, _turn: turn })
    }

    /// The book to show, as its files are now (read off the executor, as every file read); no
    /// waiting on a change in progress (each file is replaced whole).
    async fn read_book(&self) -> Result<AlertBook, ServiceError> {
        let dir = self.alert_dir()?;
        crate::error::blocking("alert book read", move || AlertBook::open(&dir)).await?.map_err(map_error)
    }

    fn audit_alert(&self, actor: &str, action: AuditAction, outcome: Result<Vec<String>, String>) {
        let Some(dir) = &self.config().data_dir else { return };
        let entry = AuditEntry::new(actor, action, AuditTarget::default(), outcome);
        if let Err(e) = AuditLog::in_dir(dir).append(&entry) {
            tracing::error!(error = %e, "cannot write the audit log");
        }
    }

    /// How the running gateway stands, for the conditions (`None`: not asked or not configured).
    async fn gateway_observation(&self, snapshot: &openclaw_state::StateSnapshot) -> Option<GatewayObservation> {
        if !self.alerts.settings.gateway {
            return None;
        }
        let target = self.gateway_target().await.ok()?;
        let (status, client) =
            panel_gateway::status::gateway_status_connected(&target, super::gateway::PAGE_TIMEOUTS).await;
        let running = status.reach != panel_gateway::status::Reach::NotRunning;
        let differences = match client {
            Some(client) => self.compare_per_agent(client, snapshot).await,
            None => Vec::new(),
        };
        Some(GatewayObservation { running, address: status.url, differences })
    }

    /// One evaluation at `now_ms`: read, analyse, compare with what was told, deliver.
    pub async fn alerts_check_at(&self, now_ms: i64) -> Result<CheckReport, ServiceError> {
        let this = self.clone();
        let (snapshot, analysis, doctor) = crate::error::blocking("alert evaluation", move || {
            let snapshot = this.snapshot_at_blocking(now_ms);
            let analysis = openclaw_state::analysis::analyze(&snapshot);
            let doctor = openclaw_state::doctor::run_with(&snapshot, &analysis);
            (snapshot, analysis, doctor)
        })
        .await?;
        let gateway = self.gateway_observation(&snapshot).await;
        let mut book = self.book().await?;
        let seen_before = book.gateway_seen(gateway.as_ref().is_some_and(|g| g.running));
        let conditions = panel_alerts::conditions(&Inputs {
            snapshot: &snapshot,
            analysis: &analysis,
            doctor: Some(&doctor),
            gateway: gateway.as_ref(),
            gateway_seen_before: seen_before,
            links: self.alert_links(),
        });
        let (host, alerts_link) = self.composer_parts();
        let composer = Composer { host: &host, now_ms, alerts_link: &alerts_link };
        let events =
            book.evaluate(&conditions, now_ms, self.alerts.settings.window_ms, &composer).map_err(map_error)?;
        let deliveries = book.deliver(&self.alerts.sender, now_ms).await.map_err(map_error)?;
        for d in deliveries.iter().filter(|d| !d.ok) {
            tracing::warn!(channel = %d.channel_name, title = %d.title, error = d.error.as_deref().unwrap_or(""), "alert not delivered");
        }
        let exit_code = if conditions.iter().any(|c| c.severity == Severity::Error) {
            1
        } else if conditions.iter().any(|c| c.severity == Severity::Warning) {
            2
        } else {
            0
        };
        let mut active = conditions;
        active.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.key.cmp(&b.key)));
        Ok(CheckReport {
            evaluated_at: openclaw_state::write::time::iso_millis(now_ms),
            events: events.iter().map(Into::into).collect(),
            deliveries,
            active,
            exit_code,
        })
    }

    /// One evaluation now.
    pub async fn alerts_check(&self) -> Result<CheckReport, ServiceError> {
        self.alerts_check_at(crate::now_ms()).await
    }

    /// The monitor of `serve`: evaluates now, then every interval and shortly after each write,
    /// until the process ends. An evaluation that fails is logged and the next one tried.
    pub async fn run_alert_monitor(self) {
        self.alerts.running.store(true, std::sync::atomic::Ordering::Relaxed);
        loop {
            if let Err(e) = self.alerts_check().await {
                tracing::warn!(error = %e, "alert evaluation failed");
            }
            tokio::select! {
                _ = tokio::time::sleep(self.alerts.settings.interval) => {}
                _ = self.alerts.wake.notified() => {
                    // A burst of writes (a paste, then its order) becomes one evaluation.
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
    }

    /// The Alerts page.
    pub async fn alerts_view(&self) -> Result<AlertsView, ServiceError> {
        let book = self.read_book().await?;
        let time = |ms: i64| crate::format_utc(ms);
        Ok(AlertsView {
            channels: book
                .channels()
                .iter()
                .map(|c| {
                    let health = book.health(&c.id);
                    AlertChannelView {
                        id: c.id.clone(),
                        name: c.name.clone(),
                        kind: c.settings.kind().to_owned(),
                        target: c.target_masked(),
                        settings: c.secrets_masked(),
                        min_severity: c.min_severity,
                        created_at: c.created_at.clone(),
                        up: health.up(),
                        failures: health.failures,
                        last_ok_at: health.last_ok_ms.map(time),
                        last_error: health.last_error.clone(),
                    }
                })
                .collect(),
            active: book
                .ledger()
                .active()
                .into_iter()
                .map(|(entry, c)| ActiveAlertView {
                    title: c.title.clone(),
                    level: c.level.clone(),
                    severity: c.severity,
                    since: time(entry.since_ms),
                    link: relative_link(&c.link, self.alert_links()),
                    notified: entry.notified.is_some(),
                })
                .collect(),
            deliveries: book
                .deliveries()
                .map(|d| AlertDeliveryView {
                    at: iso_words(&d.at),
                    channel: d.channel_name.clone(),
                    channel_kind: d.channel_kind.clone(),
                    kind: d.kind.as_str().to_owned(),
                    severity: d.severity,
                    title: d.title.clone(),
                    ok: d.ok,
                    attempts: d.attempts,
                    answer: d.answer.clone(),
                    error: d.error.clone(),
                    will_retry: d.will_retry,
                })
                .collect(),
            outbox: book.outbox().len(),
            interval_minutes: if self.alerts.running.load(std::sync::atomic::Ordering::Relaxed) {
                self.alerts.settings.interval.as_secs().div_ceil(60)
            } else {
                0
            },
            window_minutes: (self.alerts.settings.window_ms / 60_000) as u64,
            evaluated_at: book.evaluated_ms().map(time),
        })
    }

    /// Adds a channel from the page or the CLI; recorded in History (without its secrets).
    pub async fn alerts_add(
        &self,
        actor: &str,
        request: &AlertChannelRequest,
    ) -> Result<AlertChannelView, ServiceError> {
        let result = async {
            let settings = settings_from_request(request)?;
            let min = request.min_severity.unwrap_or(Severity::Warning);
            let mut book = self.book().await?;
            book.add_channel(&request.name, min, settings, crate::now_ms()).map_err(map_error)
        }
        .await;
        match &result {
            Ok(c) => self.audit_alert(
                actor,
                AuditAction::AlertChannelAdd,
                Ok(vec![format!(
                    "alert channel \"{}\" added: {} to {}, {} and worse",
                    c.name,
                    c.settings.kind(),
                    c.target_masked(),
                    c.min_severity.as_str()
                )]),
            ),
            Err(e) => self.audit_alert(actor, AuditAction::AlertChannelAdd, Err(e.to_string())),
        }
        let channel = result?;
        // What holds now goes to the new channel at the next evaluation: ask for it now.
        self.alerts_wake();
        let view = self.alerts_view().await?;
        view.channels.into_iter().find(|c| c.id == channel.id).ok_or(ServiceError::Internal)
    }

    /// Removes a channel (by id or name); recorded in History.
    pub async fn alerts_remove(&self, actor: &str, id: &str) -> Result<(), ServiceError> {
        let result = async { self.book().await?.remove_channel(id).map_err(map_error) }.await;
        match &result {
            Ok(c) => self.audit_alert(
                actor,
                AuditAction::AlertChannelRemove,
                Ok(vec![format!(
                    "alert channel \"{}\" removed ({} to {})",
                    c.name,
                    c.settings.kind(),
                    c.target_masked()
                )]),
            ),
            Err(e) => self.audit_alert(actor, AuditAction::AlertChannelRemove, Err(e.to_string())),
        }
        result.map(|_| ())
    }

    /// *Send a test*; recorded in History with its result.
    pub async fn alerts_test(&self, actor: &str, id: &str) -> Result<AlertDeliveryView, ServiceError> {
        let now_ms = crate::now_ms();
        let (host, alerts_link) = self.composer_parts();
        let composer = Composer { host: &host, now_ms, alerts_link: &alerts_link };
        let delivery = {
            let mut book = self.book().await?;
            book.test(id, &self.alerts.sender, &composer).await.map_err(map_error)
        };
        let delivery = match delivery {
            Ok(d) => d,
            Err(e) => {
                self.audit_alert(actor, AuditAction::AlertTest, Err(e.to_string()));
                return Err(e);
            }
        };
        let line = if delivery.ok {
            format!("test sent to \"{}\": {}", delivery.channel_name, delivery.answer.as_deref().unwrap_or("delivered"))
        } else {
            format!(
                "test to \"{}\" failed after {} attempts: {}",
                delivery.channel_name,
                delivery.attempts,
                delivery.error.as_deref().unwrap_or("no answer")
            )
        };
        self.audit_alert(actor, AuditAction::AlertTest, if delivery.ok { Ok(vec![line]) } else { Err(line) });
        Ok(AlertDeliveryView {
            at: iso_words(&delivery.at),
            channel: delivery.channel_name,
            channel_kind: delivery.channel_kind,
            kind: delivery.kind.as_str().to_owned(),
            severity: delivery.severity,
            title: delivery.title,
            ok: delivery.ok,
            attempts: delivery.attempts,
            answer: delivery.answer,
            error: delivery.error,
            will_retry: false,
        })
    }

    /// The alert channels' health for `/metrics`. Empty without a data dir or with a damaged
    /// file.
    pub async fn alert_metrics(&self) -> AlertMetrics {
        let Ok(book) = self.read_book().await else { return AlertMetrics::default() };
        AlertMetrics {
            channels: book
                .channels()
                .iter()
                .map(|c| {
                    let h = book.health(&c.id);
                    ChannelMetric {
                        name: c.name.clone(),
                        kind: c.settings.kind().to_owned(),
                        up: h.up(),
                        last_ok_ms: h.last_ok_ms,
                    }
                })
                .collect(),
            outbox: book.outbox().len(),
        }
    }

    /// Wakes the monitor after a write.
    pub(crate) fn alerts_wake(&self) {
        self.alerts.wake();
    }
}

/// The book while this process changes it; its lock goes with it.
struct BookGuard<'a> {
    book: AlertBook,
    _lock: panel_alerts::BookLock,
    _turn: tokio::sync::MutexGuard<'a, ()>,
}

impl std::ops::Deref for BookGuard<'_> {
    type Target = AlertBook;
    fn deref(&self) -> &AlertBook {
        &self.book
    }
}

impl std::ops::DerefMut for BookGuard<'_> {
    fn deref_mut(&mut self) -> &mut AlertBook {
        &mut self.book
    }
}

/// `2026-12-01 05:44:44 UTC` from an ISO time.
fn iso_words(iso: &str) -> String {
    match (iso.get(..10), iso.get(11..19)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => iso.to_owned(),
    }
}

/// The page's links are the panel's own: shown relative so they work whatever address the admin
/// used.
fn relative_link(link: &str, links: &Links) -> String {
    link.strip_prefix(&links.base).filter(|_| !links.base.is_empty()).unwrap_or(link).to_owned()
}
