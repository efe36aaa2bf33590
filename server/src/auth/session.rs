//! Admin sessions: tower-sessions with an in-memory store that drops expired sessions
//! ([`super::session_store`]; a restart logs the admin out and nothing secret is written to disk). The session holds the login time (for the absolute limit),
//! the CSRF token, and the epoch of the password it was opened with.

use std::time::Duration;

use base64::Engine;
use serde::{Deserialize, Serialize};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, Session, SessionManagerLayer};

use super::session_store::PrunedMemoryStore;

use super::{AuthService, AuthSettings, CredentialEpoch};

const KEY: &str = "admin";

/// What a session stores.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionData {
    pub login_at_ms: i64,
    pub csrf: String,
    pub epoch: CredentialEpoch,
}

/// The cookie name: `__Host-` with TLS (no Domain, Path=/, Secure enforced by the browser); the
/// port is in the name because cookies ignore ports.
pub fn cookie_name(settings: &AuthSettings) -> String {
    if settings.tls {
        format!("__Host-openclaw-panel-{}", settings.port)
    } else {
        format!("openclaw-panel-{}", settings.port)
    }
}

/// The session layer: HttpOnly, SameSite=Strict, Path=/, Secure exactly when TLS is on (a
/// browser drops a Secure cookie over plain HTTP), idle expiry, saved on every request so that
/// activity extends it.
pub fn layer(settings: &AuthSettings) -> SessionManagerLayer<PrunedMemoryStore> {
    let idle = time::Duration::try_from(settings.idle_timeout).unwrap_or(time::Duration::minutes(30));
    SessionManagerLayer::new(PrunedMemoryStore::start())
        .with_name(cookie_name(settings))
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_secure(settings.tls)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
        .with_always_save(true)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Opens an admin session: a new id (no fixation), a new CSRF token.
pub async fn begin(session: &Session, epoch: CredentialEpoch) -> Result<(), tower_sessions::session::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| {
        tower_sessions::session::Error::Store(tower_sessions::session_store::Error::Backend(e.to_string()))
    })?;
    let data = SessionData {
        login_at_ms: now_ms(),
        csrf: base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
        epoch,
    };
    session.cycle_id().await?;
    session.insert(KEY, data).await
}

/// Why a request has no valid session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoSession {
    /// No session cookie, or an unknown or idle-expired id.
    None,
    /// A session that was valid once: past its absolute limit, or opened with a password that was
    /// reset since. It is deleted.
    Ended,
}

/// The valid admin session of a request.
pub async fn current(session: &Session, auth: &AuthService) -> Result<SessionData, NoSession> {
    let data: Option<SessionData> = session.get(KEY).await.unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot read a session");
        None
    });
    let Some(data) = data else { return Err(NoSession::None) };
    let age = Duration::from_millis(now_ms().saturating_sub(data.login_at_ms).max(0) as u64);
    let epoch_ok = matches!(auth.epoch(), Ok(Some(epoch)) if epoch == data.epoch);
    if age >= auth.settings().absolute_timeout || !epoch_ok {
        tracing::info!(absolute = age >= auth.settings().absolute_timeout, "admin session ended");
        end(session).await;
        return Err(NoSession::Ended);
    }
    Ok(data)
}

/// Ends a session (logout): deleted from the store, cookie removed.
pub async fn end(session: &Session) {
    if let Err(e) = session.flush().await {
        tracing::warn!(error = %e, "cannot delete a session");
    }
}
