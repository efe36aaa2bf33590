//! Messages: what a channel sends, made from the ledger's events. One message per event, or one
//! digest when many fire at once (more than [`DIGEST_AFTER`] for one channel), so a bad morning
//! is one notification, not forty.
//!
//! Invariants: a message is built from conditions only (ids, times, paths, the panel's links), so
//! it cannot hold a secret; the webhook's JSON is [`Message`] serialised as is (`version` 1,
//! documented in the README).

use panel_common::Severity;
use serde::{Deserialize, Serialize};

use crate::ledger::Event;

/// More events than this for one channel at one evaluation become one digest.
pub const DIGEST_AFTER: usize = 5;

/// What a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MessageKind {
    Fired,
    Recovered,
    Digest,
    Test,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fired => "fired",
            Self::Recovered => "recovered",
            Self::Digest => "digest",
            Self::Test => "test",
        }
    }
}

/// One event inside a message (the webhook's `events`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventItem {
    pub kind: String,
    pub key: String,
    pub level: String,
    pub severity: Severity,
    pub title: String,
    pub body: String,
    pub link: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
}

impl From<&Event> for EventItem {
    fn from(e: &Event) -> Self {
        let c = e.condition();
        Self {
            kind: e.kind().to_owned(),
            key: c.key.clone(),
            level: c.level.clone(),
            severity: e.severity(),
            title: c.title.clone(),
            body: c.body.clone(),
            link: c.link.clone(),
            agent: c.agent.clone(),
            provider: c.provider.clone(),
            profile: c.profile.clone(),
        }
    }
}

/// One message, as every channel renders it (and as the webhook's JSON body).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Always 1 for this shape.
    pub version: u32,
    /// Unique per message (a receiver can drop a retried duplicate).
    pub id: String,
    pub kind: MessageKind,
    pub severity: Severity,
    pub title: String,
    pub body: String,
    pub link: String,
    /// ISO time, UTC.
    pub at: String,
    /// The gateway host the panel runs on.
    pub host: String,
    pub events: Vec<EventItem>,
}

impl Message {
    /// The plain-text body channels send: the words, then the link.
    pub fn text(&self) -> String {
        if self.link.is_empty() { self.body.clone() } else { format!("{}\n\n{}", self.body, self.link) }
    }
}

/// Builds messages for one channel from the events it takes.
pub struct Composer<'a> {
    pub host: &'a str,
    pub now_ms: i64,
    /// The panel's alerts page, for a digest's link.
    pub alerts_link: &'a str,
}

impl Composer<'_> {
    /// One message per event, or one digest for more than [`DIGEST_AFTER`].
    pub fn messages(&self, events: &[&Event]) -> Vec<Message> {
        if events.len() > DIGEST_AFTER {
            return vec![self.digest(events)];
        }
        events
            .iter()
            .map(|e| {
                let c = e.condition();
                let kind = if matches!(e, Event::Fired { .. }) { MessageKind::Fired } else { MessageKind::Recovered };
                self.message(kind, e.severity(), c.title.clone(), c.body.clone(), c.link.clone(), vec![(*e).into()])
            })
            .collect()
    }

    fn digest(&self, events: &[&Event]) -> Message {
        let severity = events.iter().map(|e| e.severity()).max().unwrap_or(Severity::Info);
        let fired = events.iter().filter(|e| matches!(e, Event::Fired { .. })).count();
        let recovered = events.len() - fired;
        let title = match (fired, recovered) {
            (f, 0) => format!("{f} credential alerts on {}", self.host),
            (0, r) => format!("{r} credential alerts recovered on {}", self.host),
            (f, r) => format!("{f} credential alerts, {r} recovered, on {}", self.host),
        };
        let mut sorted: Vec<&&Event> = events.iter().collect();
        sorted.sort_by(|a, b| b.severity().cmp(&a.severity()).then(a.condition().key.cmp(&b.condition().key)));
        let body = sorted
            .iter()
            .map(|e| format!("- [{}] {}", e.severity().as_str(), e.condition().title))
            .collect::<Vec<_>>()
            .join("\n");
        self.message(
            MessageKind::Digest,
            severity,
            title,
            body,
            self.alerts_link.to_owned(),
            sorted.iter().map(|e| (**e).into()).collect(),
        )
    }

    /// The message of *Send a test*.
    pub fn test(&self, channel_name: &str) -> Message {
        self.message(
            MessageKind::Test,
            Severity::Info,
            format!("Test from the OpenClaw Auth Panel on {}", self.host),
            format!(
                "This is a test of the channel \"{channel_name}\". Alerts about expiring, expired or failing \
                 credentials will arrive here."
            ),
            self.alerts_link.to_owned(),
            Vec::new(),
        )
    }

    fn message(
        &self,
        kind: MessageKind,
        severity: Severity,
        title: String,
        body: String,
        link: String,
        events: Vec<EventItem>,
    ) -> Message {
        Message {
            version: 1,
            id: random_id(),
            kind,
            severity,
            title,
            body,
            link,
            at: openclaw_state::write::time::iso_millis(self.now_ms),
            host: self.host.to_owned(),
            events,
        }
    }
}

/// 16 random hex digits.
pub fn random_id() -> String {
    let mut bytes = [0u8; 8];
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::condition::Condition;

    fn fired(key: &str, severity: Severity) -> Event {
        Event::Fired {
            condition: Condition {
                key: key.to_owned(),
                level: "expired".to_owned(),
                severity,
                title: format!("{key} expired"),
                body: "b".to_owned(),
                link: "http://p/".to_owned(),
                agent: None,
                provider: None,
                profile: None,
            },
        }
    }

    #[test]
    fn many_events_become_one_digest_worst_first() {
        let composer = Composer { host: "gw", now_ms: 0, alerts_link: "http://p/alerts" };
        let events: Vec<Event> =
            (0..6).map(|i| fired(&format!("k{i}"), if i == 4 { Severity::Error } else { Severity::Warning })).collect();
        let refs: Vec<&Event> = events.iter().collect();
        let messages = composer.messages(&refs);
        assert_eq!(messages.len(), 1);
        let digest = &messages[0];
        assert_eq!(digest.kind, MessageKind::Digest);
        assert_eq!(digest.severity, Severity::Error);
        assert_eq!(digest.title, "6 credential alerts on gw");
        assert!(digest.body.starts_with("- [error] k4 expired\n"), "{}", digest.body);
        assert_eq!(digest.events.len(), 6);
        assert_eq!(composer.messages(&refs[..5]).len(), 5);
    }
}
