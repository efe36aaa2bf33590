//! ntfy: `POST <topic URL>` with the text as the body and the rest in headers, as ntfy documents
//! and OpenClaw's own `auth-monitor.sh` sends: `Title`, `Priority` (3 info, 4 warning, 5 error),
//! `Tags` (emoji short codes by severity), `Click` (the panel's page), and
//! `Authorization: Bearer <token>` for a protected topic.
//!
//! Invariant: the token goes into the one header and nowhere else.

use panel_common::Severity;
use secrecy::{ExposeSecret, SecretString};

use super::{AttemptError, http_answer, transport_words};
use crate::message::{Message, MessageKind};

/// ntfy's priority for a severity (1 min … 5 max).
pub fn priority(severity: Severity) -> u8 {
    match severity {
        Severity::Info => 3,
        Severity::Warning => 4,
        Severity::Error => 5,
    }
}

/// ntfy's tags (emoji short codes) for a message.
pub fn tags(message: &Message) -> &'static str {
    match (message.kind, message.severity) {
        (MessageKind::Recovered, _) => "white_check_mark,openclaw",
        (MessageKind::Test, _) => "test_tube,openclaw",
        (_, Severity::Error) => "rotating_light,openclaw",
        (_, Severity::Warning) => "warning,openclaw",
        (_, Severity::Info) => "information_source,openclaw",
    }
}

/// A header value ntfy reads back as the text: plain ASCII as is, anything else as RFC 2047
/// (`=?UTF-8?B?…?=`, which ntfy decodes).
fn header_text(text: &str) -> String {
    let text: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    if text.is_ascii() {
        text
    } else {
        use base64::Engine as _;
        format!("=?UTF-8?B?{}?=", base64::engine::general_purpose::STANDARD.encode(text.as_bytes()))
    }
}

pub(super) async fn send(
    client: &reqwest::Client,
    url: &SecretString,
    token: Option<&SecretString>,
    message: &Message,
) -> Result<String, AttemptError> {
    let mut request = client
        .post(url.expose_secret().trim())
        .header("Title", header_text(&message.title))
        .header("Priority", priority(message.severity).to_string())
        .header("Tags", tags(message))
        .header("Content-Type", "text/plain; charset=utf-8")
        .body(message.text());
    if !message.link.is_empty() {
        request = request.header("Click", header_text(&message.link));
    }
    if let Some(token) = token {
        request = request.bearer_auth(token.expose_secret().trim());
    }
    let response = request.send().await.map_err(transport_words)?;
    http_answer(response).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_outside_ascii_are_encoded_for_ntfy() {
        assert_eq!(header_text("plain title"), "plain title");
        assert_eq!(header_text("a\nb"), "a b");
        assert_eq!(header_text("läuft ab"), "=?UTF-8?B?bMOkdWZ0IGFi?=");
    }
}
