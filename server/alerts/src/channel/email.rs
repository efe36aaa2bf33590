//! E-mail over SMTP through `lettre`: STARTTLS (587), implicit TLS (465) or, for a relay on the
//! same host only, plain; login when a user is set. The subject carries the severity; the body is
//! the message's text.
//!
//! Invariant: the password goes to the SMTP server's AUTH and nowhere else; plain SMTP is only
//! allowed to a loopback host, so it never crosses a network in clear.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use super::{AttemptError, ChannelSettings};
use crate::message::Message;

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS, required (port 587).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only to a relay on this host (127.0.0.1, ::1, localhost).
    None,
}

impl SmtpSecurity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Starttls => "starttls",
            Self::Tls => "tls",
            Self::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "starttls" => Some(Self::Starttls),
            "tls" | "ssl" | "smtps" => Some(Self::Tls),
            "none" | "plain" => Some(Self::None),
            _ => None,
        }
    }
}

pub(super) fn parse_mailbox(s: &str) -> Result<Mailbox, String> {
    s.trim().parse::<Mailbox>().map_err(|e| format!("not an e-mail address ({e})"))
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim().trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

pub(super) fn security_allowed(host: &str, security: SmtpSecurity) -> Result<(), String> {
    if security == SmtpSecurity::None && !is_loopback(host) {
        return Err("plain SMTP is only allowed to a relay on this host; use starttls or tls".to_owned());
    }
    Ok(())
}

pub(super) async fn send(
    settings: &ChannelSettings,
    message: &Message,
    timeout: Duration,
) -> Result<String, AttemptError> {
    let ChannelSettings::Email { host, port, security, username, password, from, to } = settings else {
        unreachable!("email::send is called for e-mail channels only");
    };
    let permanent = |words: String| AttemptError { words, retry: false };
    security_allowed(host, *security).map_err(permanent)?;
    let mut email = lettre::Message::builder()
        .from(parse_mailbox(from).map_err(permanent)?)
        .subject(format!("[OpenClaw {}] {}", message.severity.as_str(), message.title))
        .header(lettre::message::header::ContentType::TEXT_PLAIN);
    for addr in to {
        email = email.to(parse_mailbox(addr).map_err(permanent)?);
    }
    let email = email
        .body(format!("{}\n\n-- \nOpenClaw Auth Panel on {}\n", message.text(), message.host))
        .map_err(|e| permanent(format!("cannot build the e-mail: {e}")))?;
    let builder = match security {
        SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
        SmtpSecurity::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)),
    }
    .map_err(|e| permanent(format!("the SMTP host: {e}")))?;
    let mut builder = builder.port(*port).timeout(Some(timeout));
    if let (Some(user), Some(password)) = (username, password) {
        builder = builder.credentials(Credentials::new(user.clone(), password.expose_secret().to_owned()));
    }
    let transport = builder.build();
    match transport.send(email).await {
        Ok(response) => {
            let words: Vec<&str> = response.message().collect();
            Ok(format!("{} {}", response.code(), words.join(" ")).trim().to_owned())
        }
        Err(e) => Err(AttemptError { words: format!("SMTP: {e}"), retry: !e.is_permanent() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_smtp_only_to_this_host() {
        assert!(security_allowed("127.0.0.1", SmtpSecurity::None).is_ok());
        assert!(security_allowed("localhost", SmtpSecurity::None).is_ok());
        assert!(security_allowed("[::1]", SmtpSecurity::None).is_ok());
        assert!(security_allowed("smtp.example.com", SmtpSecurity::None).is_err());
        assert!(security_allowed("smtp.example.com", SmtpSecurity::Starttls).is_ok());
    }
}
