//! The ledger: what was told, so that changes become messages and nothing else does.
//!
//! Per condition key it keeps the level that holds now, the level last told (`notified`) and when
//! each level was last sent. An evaluation compares the conditions that hold with it:
//! - a level not yet told is sent, unless the same (key, level) went out within the window (a
//!   flapping condition): then it waits, and is sent once the window has passed if it still holds
//!   (no spam, no silence);
//! - a key that was told and holds no more gets one recovery message;
//! - a level seen again is nothing.
//!
//! Invariants: [`Ledger::evaluate`] is a pure function of the ledger, the conditions and `now`
//! (the caller owns the clock, so tests move it); the ledger is saved by the caller after the
//! messages it returned were handed to delivery, so a restart never repeats them.

use std::collections::BTreeMap;

use panel_common::Severity;
use serde::{Deserialize, Serialize};

use crate::condition::Condition;

/// The default window: one message per (condition, level) per hour, as OpenClaw's own
/// `auth-monitor.sh`.
pub const DEFAULT_WINDOW_MS: i64 = 60 * 60 * 1000;

/// What is known of one condition key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// The level that holds now (`None`: cleared).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    /// The level last told as firing (`None`: nothing told, or its recovery told).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notified: Option<String>,
    /// When each level was last sent (ms).
    #[serde(default)]
    pub sent: BTreeMap<String, i64>,
    /// Since when the current level holds (ms).
    #[serde(default)]
    pub since_ms: i64,
    /// The condition as last seen (its words for the recovery and for the page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<Condition>,
}

/// Every key's entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ledger {
    #[serde(default)]
    pub entries: BTreeMap<String, Entry>,
    /// The gateway answered at some evaluation (only then does a silent one count as stopped).
    #[serde(default)]
    pub gateway_seen: bool,
}

/// What an evaluation found worth sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "event")]
pub enum Event {
    /// A condition reached a level not told yet.
    Fired { condition: Condition },
    /// A condition that was told holds no more. `cleared` is the severity of what was told (the
    /// condition itself reads as info): a channel hears the recovery when it heard the alert.
    Recovered {
        condition: Condition,
        #[serde(default = "info")]
        cleared: Severity,
    },
}

fn info() -> Severity {
    Severity::Info
}

impl Event {
    pub fn condition(&self) -> &Condition {
        match self {
            Self::Fired { condition } | Self::Recovered { condition, .. } => condition,
        }
    }

    /// A recovery is good news: info.
    pub fn severity(&self) -> Severity {
        match self {
            Self::Fired { condition } => condition.severity,
            Self::Recovered { .. } => Severity::Info,
        }
    }

    /// Which channels take it (those whose minimum it reaches): a recovery goes where its alert
    /// went, or a channel set to warnings would hear "expires in 1 h" and never "recovered".
    pub fn routing_severity(&self) -> Severity {
        match self {
            Self::Fired { condition } => condition.severity,
            Self::Recovered { cleared, .. } => *cleared,
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Self::Fired { .. } => "fired",
            Self::Recovered { .. } => "recovered",
        }
    }
}

impl Ledger {
    /// Compares what holds now with what was told; returns what to send, in key order, and updates
    /// the ledger as if it was sent.
    pub fn evaluate(&mut self, now: &[Condition], now_ms: i64, window_ms: i64) -> Vec<Event> {
        self.evaluate_for(now, now_ms, window_ms, true)
    }

    /// As [`Ledger::evaluate`]; with `tell` false (no channel to tell) it only follows what holds,
    /// so the first channel added later hears of it at the next evaluation.
    pub fn evaluate_for(&mut self, now: &[Condition], now_ms: i64, window_ms: i64, tell: bool) -> Vec<Event> {
        let mut events = Vec::new();
        let holding: BTreeMap<&str, &Condition> = now.iter().map(|c| (c.key.as_str(), c)).collect();
        for (key, entry) in &mut self.entries {
            if entry.level.is_some() && !holding.contains_key(key.as_str()) {
                if entry.notified.is_some()
                    && let Some(last) = entry.last.clone()
                {
                    let cleared = last.severity;
                    events.push(Event::Recovered { condition: recovered_words(last), cleared });
                }
                entry.level = None;
                entry.notified = None;
                entry.since_ms = now_ms;
            }
        }
        for condition in now {
            let entry = self.entries.entry(condition.key.clone()).or_default();
            if entry.level.as_deref() != Some(condition.level.as_str()) {
                entry.since_ms = now_ms;
            }
            entry.level = Some(condition.level.clone());
            entry.last = Some(condition.clone());
            if !tell || entry.notified.as_deref() == Some(condition.level.as_str()) {
                continue;
            }
            let recently = entry.sent.get(&condition.level).is_some_and(|at| now_ms - at < window_ms);
            if recently {
                continue;
            }
            entry.notified = Some(condition.level.clone());
            entry.sent.insert(condition.level.clone(), now_ms);
            events.push(Event::Fired { condition: condition.clone() });
        }
        // Forget what is cleared and past every window: the file stays small.
        self.entries.retain(|_, e| e.level.is_some() || e.sent.values().any(|at| now_ms - at < window_ms));
        events.sort_by(|a, b| a.condition().key.cmp(&b.condition().key).then(a.kind().cmp(b.kind())));
        events
    }

    /// The conditions that hold now, worst first.
    pub fn active(&self) -> Vec<(&Entry, &Condition)> {
        let mut out: Vec<_> = self
            .entries
            .values()
            .filter(|e| e.level.is_some())
            .filter_map(|e| e.last.as_ref().map(|c| (e, c)))
            .collect();
        out.sort_by(|a, b| b.1.severity.cmp(&a.1.severity).then(a.1.key.cmp(&b.1.key)));
        out
    }
}

/// The words of a recovery, from the condition that held.
fn recovered_words(mut c: Condition) -> Condition {
    c.title = format!("Recovered: {}", c.title);
    c.body = match c.key.split('|').next() {
        Some("lifetime") => "A new credential was written; the profile no longer expires soon.".to_owned(),
        Some("unusable") => "The cooldown or disable is over: OpenClaw uses the profile again.".to_owned(),
        Some("storm") => "The provider's profiles are back.".to_owned(),
        Some("missing") => "The provider has a usable credential again.".to_owned(),
        Some("read") => "The file reads cleanly again.".to_owned(),
        Some("doctor") => "The doctor no longer finds this.".to_owned(),
        Some("gateway") => "The running gateway is back in line with disk.".to_owned(),
        _ => "This no longer holds.".to_owned(),
    };
    c.severity = Severity::Info;
    c
}

/// A bare condition for this crate's tests.
#[cfg(test)]
pub(crate) fn test_condition(key: &str, level: &str, severity: Severity) -> Condition {
    Condition {
        key: key.to_owned(),
        level: level.to_owned(),
        severity,
        title: format!("{key} {level}"),
        body: String::new(),
        link: String::new(),
        agent: None,
        provider: None,
        profile: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 60 * 60 * 1000;

    fn cond(key: &str, level: &str) -> Condition {
        test_condition(key, level, Severity::Warning)
    }

    fn kinds(events: &[Event]) -> Vec<String> {
        events.iter().map(|e| format!("{} {}", e.kind(), e.condition().level)).collect()
    }

    #[test]
    fn each_level_is_told_once_and_the_recovery_once() {
        let mut l = Ledger::default();
        assert_eq!(kinds(&l.evaluate(&[cond("k", "expiring-24h")], 0, H)), ["fired expiring-24h"]);
        for t in 1..10 {
            assert!(l.evaluate(&[cond("k", "expiring-24h")], t * H, H).is_empty());
        }
        assert_eq!(kinds(&l.evaluate(&[cond("k", "expiring-6h")], 18 * H, H)), ["fired expiring-6h"]);
        assert_eq!(kinds(&l.evaluate(&[cond("k", "expired")], 25 * H, H)), ["fired expired"]);
        assert!(l.evaluate(&[cond("k", "expired")], 26 * H, H).is_empty());
        assert_eq!(kinds(&l.evaluate(&[], 27 * H, H)), ["recovered expired"]);
        assert!(l.evaluate(&[], 28 * H, H).is_empty());
    }

    #[test]
    fn a_flapping_condition_waits_for_its_window_then_is_told_if_it_still_holds() {
        let mut l = Ledger::default();
        assert_eq!(kinds(&l.evaluate(&[cond("k", "cooldown")], 0, H)), ["fired cooldown"]);
        assert_eq!(kinds(&l.evaluate(&[], H / 6, H)), ["recovered cooldown"]);
        // Back within the hour: held, and no recovery either since nothing was told.
        assert!(l.evaluate(&[cond("k", "cooldown")], H / 3, H).is_empty());
        assert!(l.evaluate(&[], H / 2, H).is_empty());
        assert!(l.evaluate(&[cond("k", "cooldown")], 2 * H / 3, H).is_empty());
        // Still holding once the hour has passed: told now (no silence).
        assert_eq!(kinds(&l.evaluate(&[cond("k", "cooldown")], H + 1, H)), ["fired cooldown"]);
    }

    #[test]
    fn with_nobody_to_tell_nothing_is_consumed() {
        let mut l = Ledger::default();
        assert!(l.evaluate_for(&[cond("k", "expired")], 0, H, false).is_empty());
        assert_eq!(l.active().len(), 1);
        assert_eq!(kinds(&l.evaluate(&[cond("k", "expired")], 1, H)), ["fired expired"]);
    }

    #[test]
    fn the_ledger_survives_a_round_trip_and_forgets_old_cleared_keys() {
        let mut l = Ledger::default();
        l.evaluate(&[cond("a", "expired"), cond("b", "storm")], 0, H);
        let text = serde_json::to_string(&l).unwrap();
        let mut back: Ledger = serde_json::from_str(&text).unwrap();
        assert_eq!(back, l);
        assert!(back.evaluate(&[cond("a", "expired"), cond("b", "storm")], 1, H).is_empty());
        assert_eq!(kinds(&back.evaluate(&[cond("a", "expired")], 2, H)), ["recovered storm"]);
        back.evaluate(&[cond("a", "expired")], 3 * H, H);
        assert_eq!(back.entries.keys().collect::<Vec<_>>(), ["a"]);
    }
}
