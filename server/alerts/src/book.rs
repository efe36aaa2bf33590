//! The alert book: the channels (`<data dir>/alerts.json`) and what was told and delivered
//! (`<data dir>/alerts-state.json`: the ledger, the outbox, the last deliveries), both 0600 and
//! replaced atomically.
//!
//! The order of an evaluation keeps restarts quiet and failures loud: the ledger's events become
//! messages in the outbox and both are saved *before* anything is sent; a message leaves the outbox
//! once delivered, or after [`GIVE_UP_AFTER_MS`] of failed attempts. So a restart never repeats a
//! delivered message and never loses an undelivered one.
//!
//! Invariants: a damaged file is an error naming it, never silently replaced (it may hold the
//! only copy of a channel's secret); only [`AlertBook`] writes these files, and only under
//! [`AlertBook::lock`], opened after the lock was taken (so `serve` and an `alerts check --once`
//! from cron never tell the same change twice, and a channel added by one is seen by the other).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use panel_common::Severity;
use serde::{Deserialize, Serialize};

use crate::channel::{ChannelConfig, ChannelSettings, Sender};
use crate::condition::Condition;
use crate::ledger::{Event, Ledger};
use crate::message::{Composer, Message, MessageKind, random_id};

pub const CHANNELS_FILE: &str = "alerts.json";
pub const STATE_FILE: &str = "alerts-state.json";
/// Locked (advisory `flock`) by whoever changes the book: `serve` and `alerts …` commands take
/// turns, each on the files as the last one left them.
pub const LOCK_FILE: &str = "alerts.lock";
/// Deliveries kept for the page and `alerts list`.
pub const KEEP_DELIVERIES: usize = 50;
/// A message that could not be delivered for this long is dropped (and the drop recorded).
pub const GIVE_UP_AFTER_MS: i64 = 24 * 60 * 60 * 1000;
/// Channels at most (a form is not a way to fill the disk).
pub const MAX_CHANNELS: usize = 20;

/// Why the book cannot do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path} is damaged ({why}); fix or move it away (it may hold channel secrets), then try again")]
    Damaged { path: PathBuf, why: String },
    #[error("cannot save {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Invalid(String),
    #[error("there is no channel {0:?}; `openclaw-auth-panel alerts list` shows the channels")]
    NoChannel(String),
}

/// One message handed to one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// ISO time of the last attempt.
    pub at: String,
    pub channel_id: String,
    pub channel_name: String,
    pub channel_kind: String,
    pub message_id: String,
    pub kind: MessageKind,
    pub severity: Severity,
    pub title: String,
    pub ok: bool,
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Still in the outbox: it will be tried again.
    #[serde(default)]
    pub will_retry: bool,
}

/// A message waiting for its channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pending {
    pub channel_id: String,
    pub message: Message,
    pub queued_ms: i64,
    #[serde(default)]
    pub attempts: u32,
}

/// How a channel fares.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelHealth {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_ok_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_failure_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// Failed deliveries since the last good one.
    #[serde(default)]
    pub failures: u32,
}

impl ChannelHealth {
    /// Up unless the latest delivery failed.
    pub fn up(&self) -> bool {
        self.failures == 0
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BookState {
    #[serde(default)]
    ledger: Ledger,
    #[serde(default)]
    outbox: Vec<Pending>,
    #[serde(default)]
    deliveries: VecDeque<Delivery>,
    #[serde(default)]
    health: std::collections::BTreeMap<String, ChannelHealth>,
    /// When the state was last evaluated (ms).
    #[serde(default)]
    evaluated_ms: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct ChannelsFile {
    #[serde(default)]
    channels: Vec<ChannelConfig>,
}

/// The book's lock, held until dropped (`None` inside: the data dir does not exist yet, so there
/// is no book to share).
#[derive(Debug)]
pub struct BookLock {
    _file: Option<std::fs::File>,
}

/// The channels and the memory of what was told, in one data dir.
#[derive(Debug)]
pub struct AlertBook {
    dir: PathBuf,
    channels: Vec<ChannelConfig>,
    state: BookState,
}

fn load<T: serde::de::DeserializeOwned + Default>(path: &Path) -> Result<T, AlertError> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            serde_json::from_str(&text).map_err(|e| AlertError::Damaged { path: path.to_owned(), why: e.to_string() })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(source) => Err(AlertError::Read { path: path.to_owned(), source }),
    }
}

fn save<T: Serialize>(path: &Path, value: &T) -> Result<(), AlertError> {
    let mut text = serde_json::to_string_pretty(value).expect("alert files serialise");
    text.push('\n');
    openclaw_state::write::atomic::replace_file(path, text.as_bytes())
        .map_err(|source| AlertError::Write { path: path.to_owned(), source })
}

impl AlertBook {
    /// The book of `dir` (empty when its files do not exist yet).
    pub fn open(dir: &Path) -> Result<Self, AlertError> {
        let channels: ChannelsFile = load(&dir.join(CHANNELS_FILE))?;
        let state: BookState = load(&dir.join(STATE_FILE))?;
        Ok(Self { dir: dir.to_owned(), channels: channels.channels, state })
    }

    /// Waits for the book of `dir` to be free (blocking: call it off the async threads), then
    /// holds it. Open the book after this, not before.
    pub fn lock(dir: &Path) -> Result<BookLock, AlertError> {
        use std::os::unix::fs::OpenOptionsExt;
        let path = dir.join(LOCK_FILE);
        let file = match std::fs::OpenOptions::new().create(true).truncate(false).write(true).mode(0o600).open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BookLock { _file: None }),
            Err(source) => return Err(AlertError::Write { path, source }),
        };
        file.lock().map_err(|source| AlertError::Write { path, source })?;
        Ok(BookLock { _file: Some(file) })
    }

    pub fn channels(&self) -> &[ChannelConfig] {
        &self.channels
    }

    pub fn channel(&self, id: &str) -> Result<&ChannelConfig, AlertError> {
        self.channels.iter().find(|c| c.id == id || c.name == id).ok_or_else(|| AlertError::NoChannel(id.to_owned()))
    }

    pub fn health(&self, id: &str) -> ChannelHealth {
        self.state.health.get(id).cloned().unwrap_or_default()
    }

    pub fn ledger(&self) -> &Ledger {
        &self.state.ledger
    }

    pub fn outbox(&self) -> &[Pending] {
        &self.state.outbox
    }

    /// Newest first.
    pub fn deliveries(&self) -> impl Iterator<Item = &Delivery> {
        self.state.deliveries.iter().rev()
    }

    pub fn evaluated_ms(&self) -> Option<i64> {
        self.state.evaluated_ms
    }

    fn save_channels(&self) -> Result<(), AlertError> {
        save(&self.dir.join(CHANNELS_FILE), &ChannelsFile { channels: self.channels.clone() })
    }

    fn save_state(&self) -> Result<(), AlertError> {
        save(&self.dir.join(STATE_FILE), &self.state)
    }

    /// Adds a channel after checking its settings; returns it.
    pub fn add_channel(
        &mut self,
        name: &str,
        min_severity: Severity,
        settings: ChannelSettings,
        now_ms: i64,
    ) -> Result<ChannelConfig, AlertError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
            return Err(AlertError::Invalid("give the channel a name of 1–60 characters, on one line".into()));
        }
        if self.channels.iter().any(|c| c.name == name) {
            return Err(AlertError::Invalid(format!("a channel is already called {name:?}; choose another name")));
        }
        if self.channels.len() >= MAX_CHANNELS {
            return Err(AlertError::Invalid(format!("at most {MAX_CHANNELS} channels; remove one first")));
        }
        settings.validate().map_err(AlertError::Invalid)?;
        let channel = ChannelConfig {
            id: format!("ch-{}", &random_id()[..8]),
            name: name.to_owned(),
            min_severity,
            created_at: openclaw_state::write::time::iso_millis(now_ms),
            settings,
        };
        self.channels.push(channel.clone());
        if let Err(e) = self.save_channels() {
            self.channels.pop();
            return Err(e);
        }
        Ok(channel)
    }

    /// Removes a channel (by id or name) and what waits for it.
    pub fn remove_channel(&mut self, id: &str) -> Result<ChannelConfig, AlertError> {
        let index = self
            .channels
            .iter()
            .position(|c| c.id == id || c.name == id)
            .ok_or_else(|| AlertError::NoChannel(id.to_owned()))?;
        let removed = self.channels.remove(index);
        if let Err(e) = self.save_channels() {
            self.channels.insert(index, removed);
            return Err(e);
        }
        self.state.outbox.retain(|p| p.channel_id != removed.id);
        self.state.health.remove(&removed.id);
        self.save_state()?;
        Ok(removed)
    }

    /// Compares the conditions with the ledger and queues the messages of what changed for every
    /// channel that takes their severity; saved before anything is sent. Returns the events.
    pub fn evaluate(
        &mut self,
        conditions: &[Condition],
        now_ms: i64,
        window_ms: i64,
        composer: &Composer<'_>,
    ) -> Result<Vec<Event>, AlertError> {
        let events = self.state.ledger.evaluate_for(conditions, now_ms, window_ms, !self.channels.is_empty());
        for channel in &self.channels {
            let taken: Vec<&Event> = events.iter().filter(|e| e.routing_severity() >= channel.min_severity).collect();
            for message in composer.messages(&taken) {
                self.state.outbox.push(Pending {
                    channel_id: channel.id.clone(),
                    message,
                    queued_ms: now_ms,
                    attempts: 0,
                });
            }
        }
        self.state.evaluated_ms = Some(now_ms);
        self.save_state()?;
        Ok(events)
    }

    /// Whether the gateway was ever seen answering; `seen` records that it answers now.
    pub fn gateway_seen(&mut self, seen: bool) -> bool {
        let before = self.state.ledger.gateway_seen;
        self.state.ledger.gateway_seen |= seen;
        before
    }

    /// Sends what waits in the outbox (each message with the sender's retries); keeps what failed
    /// for the next round unless it has waited too long. Returns this round's deliveries.
    pub async fn deliver(&mut self, sender: &Sender, now_ms: i64) -> Result<Vec<Delivery>, AlertError> {
        let pending = std::mem::take(&mut self.state.outbox);
        let mut done = Vec::new();
        for mut item in pending {
            let Some(channel) = self.channels.iter().find(|c| c.id == item.channel_id).cloned() else { continue };
            let outcome = sender.send(&channel, &item.message).await;
            item.attempts += outcome.attempts;
            let keep = !outcome.ok && now_ms - item.queued_ms < GIVE_UP_AFTER_MS;
            let mut delivery = self.record(&channel, &item.message, &outcome, now_ms);
            delivery.will_retry = keep;
            if keep {
                self.state.outbox.push(item);
            } else if !outcome.ok {
                tracing::error!(channel = %channel.name, title = %item.message.title, "alert dropped after a day of failed deliveries");
            }
            if let Some(last) = self.state.deliveries.back_mut() {
                last.will_retry = keep;
            }
            done.push(delivery);
        }
        self.save_state()?;
        Ok(done)
    }

    /// *Send a test*: straight to the channel, recorded like any delivery.
    pub async fn test(&mut self, id: &str, sender: &Sender, composer: &Composer<'_>) -> Result<Delivery, AlertError> {
        let channel = self.channel(id)?.clone();
        let message = composer.test(&channel.name);
        let outcome = sender.send(&channel, &message).await;
        let delivery = self.record(&channel, &message, &outcome, composer.now_ms);
        self.save_state()?;
        Ok(delivery)
    }

    fn record(
        &mut self,
        channel: &ChannelConfig,
        message: &Message,
        outcome: &crate::channel::SendOutcome,
        now_ms: i64,
    ) -> Delivery {
        let health = self.state.health.entry(channel.id.clone()).or_default();
        if outcome.ok {
            health.last_ok_ms = Some(now_ms);
            health.failures = 0;
            health.last_error = None;
        } else {
            health.last_failure_ms = Some(now_ms);
            health.failures += 1;
            health.last_error = outcome.error.clone();
        }
        let delivery = Delivery {
            at: openclaw_state::write::time::iso_millis(now_ms),
            channel_id: channel.id.clone(),
            channel_name: channel.name.clone(),
            channel_kind: channel.settings.kind().to_owned(),
            message_id: message.id.clone(),
            kind: message.kind,
            severity: message.severity,
            title: message.title.clone(),
            ok: outcome.ok,
            attempts: outcome.attempts,
            answer: outcome.answer.clone(),
            error: outcome.error.clone(),
            will_retry: false,
        };
        self.state.deliveries.push_back(delivery.clone());
        while self.state.deliveries.len() > KEEP_DELIVERIES {
            self.state.deliveries.pop_front();
        }
        delivery
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::SecretString;

    fn ntfy(url: &str) -> ChannelSettings {
        ChannelSettings::Ntfy { url: SecretString::from(url), token: Some(SecretString::from("tk_secret_token")) }
    }

    use crate::ledger::test_condition as condition;

    /// (channel name, message kind, message severity) of what waits in the outbox.
    fn queued(book: &AlertBook) -> Vec<(String, &'static str, Severity)> {
        book.outbox()
            .iter()
            .map(|p| (book.channel(&p.channel_id).unwrap().name.clone(), p.message.kind.as_str(), p.message.severity))
            .collect()
    }

    #[test]
    fn a_recovery_goes_to_every_channel_that_took_its_alert() {
        let dir = tempfile::tempdir().unwrap();
        let mut book = AlertBook::open(dir.path()).unwrap();
        for (name, min) in [("all", Severity::Info), ("warnings", Severity::Warning), ("errors", Severity::Error)] {
            book.add_channel(name, min, ntfy("https://ntfy.sh/t"), 0).unwrap();
        }
        let composer = Composer { host: "gw", now_ms: 0, alerts_link: "/alerts" };
        let warning = [condition("lifetime|main|a:b", "expiring-24h", Severity::Warning)];
        book.evaluate(&warning, 0, 3_600_000, &composer).unwrap();
        assert_eq!(
            queued(&book),
            [("all".to_owned(), "fired", Severity::Warning), ("warnings".to_owned(), "fired", Severity::Warning)]
        );
        book.state.outbox.clear();
        // The new token: good news (info) for those who heard the warning, nothing to the rest.
        book.evaluate(&[], 1, 3_600_000, &composer).unwrap();
        assert_eq!(
            queued(&book),
            [("all".to_owned(), "recovered", Severity::Info), ("warnings".to_owned(), "recovered", Severity::Info)]
        );
        book.state.outbox.clear();
        let error = [condition("unusable|main|a:b", "disabled", Severity::Error)];
        book.evaluate(&error, 2, 3_600_000, &composer).unwrap();
        book.state.outbox.clear();
        book.evaluate(&[], 3, 3_600_000, &composer).unwrap();
        assert_eq!(queued(&book).len(), 3, "every channel took the error, every one hears it cleared");
        assert!(queued(&book).iter().all(|(_, kind, _)| *kind == "recovered"));
    }

    #[test]
    fn the_lock_makes_a_second_taker_wait_and_the_book_is_read_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let held = AlertBook::lock(dir.path()).unwrap();
        let path = dir.path().to_owned();
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = std::thread::spawn(move || {
            let _lock = AlertBook::lock(&path).unwrap();
            let book = AlertBook::open(&path).unwrap();
            tx.send(book.channels().len()).unwrap();
        });
        // The other taker waits while the lock is held; what it reads is what was saved under it.
        assert!(rx.recv_timeout(std::time::Duration::from_millis(300)).is_err());
        let mut book = AlertBook::open(dir.path()).unwrap();
        book.add_channel("phone", Severity::Warning, ntfy("https://ntfy.sh/t"), 0).unwrap();
        drop(held);
        assert_eq!(rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap(), 1);
        waiter.join().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(LOCK_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // No data dir yet: nothing to share, no error.
        assert!(AlertBook::lock(&dir.path().join("missing")).is_ok());
    }

    #[test]
    fn channels_persist_private_and_a_damaged_file_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let mut book = AlertBook::open(dir.path()).unwrap();
        let added = book.add_channel("phone", Severity::Warning, ntfy("https://ntfy.sh/alerts-x"), 0).unwrap();
        assert!(
            book.add_channel("phone", Severity::Info, ntfy("https://ntfy.sh/b"), 0)
                .unwrap_err()
                .to_string()
                .contains("already")
        );
        assert!(matches!(book.add_channel("bad", Severity::Info, ntfy("ntfy.sh/b"), 0), Err(AlertError::Invalid(_))));
        let again = AlertBook::open(dir.path()).unwrap();
        assert_eq!(again.channels().len(), 1);
        assert_eq!(again.channel("phone").unwrap().id, added.id);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(CHANNELS_FILE)).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(dir.path().join(CHANNELS_FILE), "{ not json").unwrap();
        let err = AlertBook::open(dir.path()).unwrap_err().to_string();
        assert!(err.contains("alerts.json is damaged"), "{err}");
        assert_eq!(std::fs::read_to_string(dir.path().join(CHANNELS_FILE)).unwrap(), "{ not json");
    }
}
