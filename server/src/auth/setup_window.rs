//! The first-admin setup window: one random token, valid once and for a limited time. After it
//! is used or expired only a restart opens a new one, so the setup page is never "first visitor
//! wins" (security.md A1, A2).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use secrecy::{ExposeSecret, SecretString};

/// How long a setup token is valid.
pub const SETUP_VALIDITY: Duration = Duration::from_secs(15 * 60);

/// Why the window refuses a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupRefusal {
    /// The token does not match (counts as a failed attempt).
    WrongToken,
    /// The token was used already: an admin exists.
    Used,
    /// The token's time ran out; restart the panel for a new one.
    Expired,
    /// No window was opened at start (an admin existed then).
    NeverOpened,
}

#[derive(Debug)]
enum State {
    Open {
        token: SecretString,
        expires: Instant,
    },
    /// Taken by a setup in progress; restored if that setup fails to save.
    Taken {
        token: SecretString,
        expires: Instant,
    },
    Closed(SetupRefusal),
}

/// The setup window of one server run.
#[derive(Debug)]
pub struct SetupWindow {
    state: Mutex<State>,
}

/// A token made for a new window; shown once to the operator.
pub fn new_token() -> std::io::Result<SecretString> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(SecretString::from(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)))
}

impl SetupWindow {
    /// An open window for `token`, closing `validity` after `now`.
    pub fn open(token: SecretString, now: Instant, validity: Duration) -> Self {
        Self { state: Mutex::new(State::Open { token, expires: now + validity }) }
    }

    /// A window that never opened (an admin exists).
    pub fn closed() -> Self {
        Self { state: Mutex::new(State::Closed(SetupRefusal::NeverOpened)) }
    }

    /// Why setup is refused now, without a token: `None` while the window is open.
    pub fn closed_reason(&self, now: Instant) -> Option<SetupRefusal> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        expire(&mut state, now);
        match &*state {
            State::Open { .. } => None,
            State::Taken { .. } => Some(SetupRefusal::Used),
            State::Closed(reason) => Some(*reason),
        }
    }

    /// Takes the token if `given` matches it (constant time). A taken token cannot be taken
    /// again; [`Self::restore`] puts it back when the setup could not be saved.
    pub fn take(&self, given: &str, now: Instant) -> Result<(), SetupRefusal> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        expire(&mut state, now);
        match &*state {
            State::Open { token, expires } => {
                if !crate::data_dir::token_matches(token, given.trim()) {
                    return Err(SetupRefusal::WrongToken);
                }
                let taken = State::Taken { token: token.clone(), expires: *expires };
                *state = taken;
                Ok(())
            }
            State::Taken { .. } => Err(SetupRefusal::Used),
            State::Closed(reason) => Err(*reason),
        }
    }

    /// Reopens a taken token (its original expiry still holds).
    pub fn restore(&self) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if let State::Taken { token, expires } = &*state {
            *state = State::Open { token: token.clone(), expires: *expires };
        }
    }

    /// Closes the window for good after a successful setup.
    pub fn finish(&self) {
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = State::Closed(SetupRefusal::Used);
    }

    /// Whether `token` is the open window's token (for tests and the start banner).
    pub fn is_token(&self, token: &str) -> bool {
        match &*self.state.lock().unwrap_or_else(|p| p.into_inner()) {
            State::Open { token: t, .. } | State::Taken { token: t, .. } => t.expose_secret() == token,
            State::Closed(_) => false,
        }
    }
}

fn expire(state: &mut State, now: Instant) {
    if let State::Open { expires, .. } = state
        && now >= *expires
    {
        *state = State::Closed(SetupRefusal::Expired);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_works_once_and_only_in_time() {
        let now = Instant::now();
        let window = SetupWindow::open(SecretString::from("tok".to_owned()), now, SETUP_VALIDITY);
        assert_eq!(window.closed_reason(now), None);
        assert_eq!(window.take("nope", now), Err(SetupRefusal::WrongToken));
        assert_eq!(window.take("tok", now), Ok(()));
        assert_eq!(window.take("tok", now), Err(SetupRefusal::Used), "a second setup while the first saves");
        window.restore();
        assert_eq!(window.take(" tok ", now), Ok(()), "restored after a failed save");
        window.finish();
        assert_eq!(window.take("tok", now), Err(SetupRefusal::Used));
        assert_eq!(window.closed_reason(now), Some(SetupRefusal::Used));

        let window = SetupWindow::open(SecretString::from("tok".to_owned()), now, SETUP_VALIDITY);
        let later = now + SETUP_VALIDITY;
        assert_eq!(window.take("tok", later), Err(SetupRefusal::Expired));
        assert_eq!(window.closed_reason(later), Some(SetupRefusal::Expired));
        assert_eq!(SetupWindow::closed().take("tok", now), Err(SetupRefusal::NeverOpened));
        assert_eq!(new_token().unwrap().expose_secret().len(), 43);
    }
}
