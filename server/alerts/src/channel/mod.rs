//! Channels: where messages go (ntfy, a signed webhook, e-mail), their settings as saved in the
//! panel's data dir, their masked view, and sending with retries.
//!
//! Invariants: a channel's secrets (ntfy token, webhook secret, SMTP password, and the URLs,
//! whose paths are often secrets themselves: an ntfy topic, a Slack hook) are `secrecy` types in
//! memory and leave this module only masked ([`ChannelConfig::view`]); an error sentence of a
//! failed delivery is scrubbed of every secret of its channel before anyone sees it.

mod email;
mod ntfy;
mod webhook;

use std::time::Duration;

use panel_common::Severity;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

pub use email::SmtpSecurity;
pub use webhook::{SIGNATURE_HEADER, signature};

use crate::message::Message;

/// One channel as saved in `alerts.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelConfig {
    /// Stable, generated (`ch-…`).
    pub id: String,
    pub name: String,
    /// The least severe message it takes.
    pub min_severity: Severity,
    pub created_at: String,
    pub settings: ChannelSettings,
}

/// A channel's kind and settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ChannelSettings {
    /// `POST <topic URL>` with `Title`, `Priority`, `Tags`, `Click` headers (ntfy.sh or self-hosted).
    Ntfy {
        #[serde(serialize_with = "expose")]
        url: SecretString,
        #[serde(default, serialize_with = "expose_opt", skip_serializing_if = "Option::is_none")]
        token: Option<SecretString>,
    },
    /// `POST <url>` with the message as JSON and `X-Signature: sha256=<HMAC-SHA256 of the body>`.
    Webhook {
        #[serde(serialize_with = "expose")]
        url: SecretString,
        #[serde(serialize_with = "expose")]
        secret: SecretString,
    },
    /// E-mail over SMTP.
    Email {
        host: String,
        port: u16,
        security: SmtpSecurity,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        username: Option<String>,
        #[serde(default, serialize_with = "expose_opt", skip_serializing_if = "Option::is_none")]
        password: Option<SecretString>,
        from: String,
        to: Vec<String>,
    },
}

fn expose<S: serde::Serializer>(s: &SecretString, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.expose_secret())
}

fn expose_opt<S: serde::Serializer>(s: &Option<SecretString>, ser: S) -> Result<S::Ok, S::Error> {
    match s {
        Some(s) => ser.serialize_some(s.expose_secret()),
        None => ser.serialize_none(),
    }
}

impl ChannelSettings {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Ntfy { .. } => "ntfy",
            Self::Webhook { .. } => "webhook",
            Self::Email { .. } => "email",
        }
    }

    /// Every secret of the channel (for scrubbing error sentences).
    fn secrets(&self) -> Vec<&str> {
        let mut out = Vec::new();
        match self {
            Self::Ntfy { url, token } => {
                out.push(url.expose_secret());
                out.extend(token.as_ref().map(|t| t.expose_secret()));
            }
            Self::Webhook { url, secret } => out.extend([url.expose_secret(), secret.expose_secret()]),
            Self::Email { password, .. } => out.extend(password.as_ref().map(|p| p.expose_secret())),
        }
        out
    }

    /// Whether the settings can work, in words that say what to change.
    pub fn validate(&self) -> Result<(), String> {
        let http_url = |url: &str, what: &str| -> Result<(), String> {
            let url = url.trim();
            let rest = url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://"))
                .ok_or_else(|| format!("the {what} must start with https:// (or http:// on a trusted network)"))?;
            if rest.split('/').next().unwrap_or("").is_empty() {
                return Err(format!("the {what} has no host"));
            }
            if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(format!("the {what} holds a space or a line break"));
            }
            Ok(())
        };
        match self {
            Self::Ntfy { url, token } => {
                http_url(url.expose_secret(), "topic URL")?;
                let rest = url.expose_secret().trim().split_once("://").map_or("", |(_, r)| r);
                let topic = rest.split_once('/').map_or("", |(_, path)| path.trim_matches('/'));
                if topic.is_empty() || topic.contains(['?', '#']) {
                    return Err("the topic URL must end with the topic: https://ntfy.sh/<topic>".to_owned());
                }
                if token.as_ref().is_some_and(|t| t.expose_secret().chars().any(char::is_whitespace)) {
                    return Err("the access token holds a space or a line break".to_owned());
                }
                Ok(())
            }
            Self::Webhook { url, secret } => {
                http_url(url.expose_secret(), "webhook URL")?;
                if secret.expose_secret().len() < 16 {
                    return Err(
                        "the signing secret must be at least 16 characters (e.g. `openssl rand -hex 32`)".into()
                    );
                }
                Ok(())
            }
            Self::Email { host, port, from, to, username, password, security } => {
                if host.trim().is_empty() || host.contains(char::is_whitespace) {
                    return Err("the SMTP host is empty or holds a space".to_owned());
                }
                email::security_allowed(host, *security)?;
                if *port == 0 {
                    return Err("the SMTP port must be 1–65535 (587 for STARTTLS, 465 for TLS)".to_owned());
                }
                email::parse_mailbox(from).map_err(|e| format!("the sender address: {e}"))?;
                if to.is_empty() {
                    return Err("name at least one recipient".to_owned());
                }
                for addr in to {
                    email::parse_mailbox(addr).map_err(|e| format!("the recipient {addr:?}: {e}"))?;
                }
                if password.is_some() && username.as_deref().is_none_or(str::is_empty) {
                    return Err("a password needs a user name".to_owned());
                }
                Ok(())
            }
        }
    }
}

impl ChannelConfig {
    /// What the channel sends to, masked: `https://ntfy.sh/al...(12)`, `ops@example.com via smtp.example.com:587`.
    pub fn target_masked(&self) -> String {
        match &self.settings {
            ChannelSettings::Ntfy { url, .. } | ChannelSettings::Webhook { url, .. } => mask_url(url.expose_secret()),
            ChannelSettings::Email { host, port, to, .. } => format!("{} via {host}:{port}", to.join(", ")),
        }
    }

    /// The secret settings, masked, by name (`token: set`, `secret: ab…(32)`).
    pub fn secrets_masked(&self) -> Vec<(String, String)> {
        let mask = |s: &SecretString| openclaw_state::mask::mask_secret(s.expose_secret());
        match &self.settings {
            ChannelSettings::Ntfy { token, .. } => token.iter().map(|t| ("access token".to_owned(), mask(t))).collect(),
            ChannelSettings::Webhook { secret, .. } => vec![("signing secret".to_owned(), mask(secret))],
            ChannelSettings::Email { username, password, security, .. } => {
                let mut out = vec![("security".to_owned(), security.as_str().to_owned())];
                if let Some(user) = username {
                    out.push(("user".to_owned(), user.clone()));
                }
                if let Some(p) = password {
                    out.push((
                        "password".to_owned(),
                        format!("set ({} characters)", p.expose_secret().chars().count()),
                    ));
                }
                out
            }
        }
    }
}

/// Scheme and host as they are, the path masked (an ntfy topic or a Slack hook path is the secret).
pub fn mask_url(url: &str) -> String {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let path = path.split(['?', '#']).next().unwrap_or("").trim_start_matches('/');
    let shown = if path.is_empty() {
        String::new()
    } else {
        format!("/{}...({})", path.chars().take(2).collect::<String>(), path.chars().count())
    };
    format!("{scheme}://{host}{shown}")
}

/// How hard to try one message.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: u32,
    /// The wait before the second attempt; doubled before each next one.
    pub first_backoff: Duration,
    /// One attempt's limit.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self { attempts: 3, first_backoff: Duration::from_secs(2), timeout: Duration::from_secs(15) }
    }
}

/// What sending one message to one channel came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SendOutcome {
    pub ok: bool,
    pub attempts: u32,
    /// The receiver's answer: `HTTP 200`, `250 2.0.0 Ok`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// Why it failed, scrubbed of the channel's secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One attempt's failure: whether another attempt may help.
#[derive(Debug)]
pub(crate) struct AttemptError {
    pub words: String,
    pub retry: bool,
}

/// Sends messages; one HTTP client for every channel.
#[derive(Debug, Clone)]
pub struct Sender {
    client: reqwest::Client,
    policy: RetryPolicy,
}

impl Sender {
    pub fn new(policy: RetryPolicy) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("openclaw-auth-panel/", env!("CARGO_PKG_VERSION")))
            .timeout(policy.timeout)
            .build()
            .expect("the HTTP client builds with static settings");
        Self { client, policy }
    }

    pub fn policy(&self) -> RetryPolicy {
        self.policy
    }

    /// Sends `message`, retrying a failure that may pass (network, 5xx, 429, SMTP 4xx) with
    /// doubling waits.
    pub async fn send(&self, channel: &ChannelConfig, message: &Message) -> SendOutcome {
        let mut wait = self.policy.first_backoff;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let result = match &channel.settings {
                ChannelSettings::Ntfy { url, token } => ntfy::send(&self.client, url, token.as_ref(), message).await,
                ChannelSettings::Webhook { url, secret } => webhook::send(&self.client, url, secret, message).await,
                ChannelSettings::Email { .. } => email::send(&channel.settings, message, self.policy.timeout).await,
            };
            match result {
                Ok(answer) => return SendOutcome { ok: true, attempts, answer: Some(answer), error: None },
                Err(e) if e.retry && attempts < self.policy.attempts => {
                    tracing::warn!(channel = %channel.name, attempt = attempts, error = %scrub(&e.words, &channel.settings), "alert delivery failed, retrying");
                    tokio::time::sleep(wait).await;
                    wait = wait.saturating_mul(2);
                }
                Err(e) => {
                    return SendOutcome {
                        ok: false,
                        attempts,
                        answer: None,
                        error: Some(scrub(&e.words, &channel.settings)),
                    };
                }
            }
        }
    }
}

/// `words` without any secret of the channel.
fn scrub(words: &str, settings: &ChannelSettings) -> String {
    let mut out = words.to_owned();
    for secret in settings.secrets() {
        let secret = secret.trim();
        if secret.len() >= 4 {
            out = out.replace(secret, "[redacted]");
        }
    }
    out
}

/// A reqwest failure in words, without the URL (whose path may be the secret).
pub(crate) fn transport_words(e: reqwest::Error) -> AttemptError {
    let e = e.without_url();
    let mut words = if e.is_connect() {
        "connection failed".to_owned()
    } else if e.is_timeout() {
        "timed out".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        words = format!("{words}: {s}");
        source = s.source();
    }
    AttemptError { words, retry: true }
}

/// An HTTP answer: 2xx is done; 5xx, 408 and 429 may pass on another attempt; the rest will not.
pub(crate) async fn http_answer(response: reqwest::Response) -> Result<String, AttemptError> {
    let status = response.status();
    if status.is_success() {
        return Ok(format!("HTTP {}", status.as_u16()));
    }
    let body = response.text().await.unwrap_or_default();
    let body: String = body.chars().filter(|c| !c.is_control()).take(200).collect();
    let retry = status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429;
    let words = if body.trim().is_empty() {
        format!("HTTP {}", status.as_u16())
    } else {
        format!("HTTP {}: {}", status.as_u16(), body.trim())
    };
    Err(AttemptError { words, retry })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_show_their_host_and_hide_their_path() {
        assert_eq!(mask_url("https://ntfy.sh/openclaw-alerts-7f3k"), "https://ntfy.sh/op...(20)");
        assert_eq!(
            mask_url("https://user:pw@hooks.slack.com/services/T0/B0/XYZ?x=1"),
            "https://hooks.slack.com/se...(18)"
        );
        assert_eq!(mask_url("http://127.0.0.1:9/"), "http://127.0.0.1:9");
    }

    #[test]
    fn saved_settings_round_trip_and_show_only_masks() {
        let channel = ChannelConfig {
            id: "ch-1".into(),
            name: "phone".into(),
            min_severity: Severity::Warning,
            created_at: "2026-12-01T00:00:00.000Z".into(),
            settings: ChannelSettings::Webhook {
                url: SecretString::from("https://example.com/hook/abcdef"),
                secret: SecretString::from("0123456789abcdef0123"),
            },
        };
        let text = serde_json::to_string(&channel).unwrap();
        assert!(text.contains("\"kind\":\"webhook\""), "{text}");
        let back: ChannelConfig = serde_json::from_str(&text).unwrap();
        assert_eq!(back.settings.kind(), "webhook");
        let shown = format!("{} {:?}", back.target_masked(), back.secrets_masked());
        assert!(!shown.contains("0123456789abcdef0123") && !shown.contains("abcdef"), "{shown}");
        assert!(!format!("{back:?}").contains("0123456789abcdef0123"));
    }

    #[test]
    fn validation_says_what_to_change() {
        let ntfy = |url: &str| ChannelSettings::Ntfy { url: SecretString::from(url), token: None };
        assert!(ntfy("https://ntfy.sh/alerts").validate().is_ok());
        assert!(ntfy("ntfy.sh/alerts").validate().unwrap_err().contains("https://"));
        assert!(ntfy("https://ntfy.sh/").validate().unwrap_err().contains("topic"));
        let hook = ChannelSettings::Webhook {
            url: SecretString::from("https://x.example/h"),
            secret: SecretString::from("short"),
        };
        assert!(hook.validate().unwrap_err().contains("16 characters"));
        let mail = ChannelSettings::Email {
            host: "smtp.example.com".into(),
            port: 587,
            security: SmtpSecurity::Starttls,
            username: None,
            password: None,
            from: "panel@example.com".into(),
            to: vec!["not an address".into()],
        };
        assert!(mail.validate().unwrap_err().contains("recipient"));
    }

    #[test]
    fn errors_lose_every_secret_of_their_channel() {
        let settings = ChannelSettings::Ntfy {
            url: SecretString::from("https://ntfy.sh/topic-secret"),
            token: Some(SecretString::from("tk_abcdefgh")),
        };
        assert_eq!(scrub("bad tk_abcdefgh at https://ntfy.sh/topic-secret", &settings), "bad [redacted] at [redacted]");
    }
}
