//! How many pastes one login session may have checked: a stolen session must not turn the paste
//! preview into a guessing machine for stored secrets (security issue 15, item 1). Each paste
//! compares a clean value with the stored secrets of its agent and may answer "the same secret is
//! stored already as …"; so each session gets [`PASTES_PER_WINDOW`] pastes per [`WINDOW_MS`]: more
//! than an admin pastes (the benchmark's 51 saves in a row fit), far fewer than guessing even the 3
//! hidden characters of a 7-character secret needs (238,328 tries: 25 days of one session's budget,
//! each wrong guess saved as a profile and audited, each right one audited as a preview).
//!
//! Invariant: the count is kept per session key (an opaque id the server derives from the session,
//! never a secret), in memory only; a new login starts a new count.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

/// Pastes one session may have checked per window.
pub const PASTES_PER_WINDOW: usize = 100;
/// The window: 15 minutes.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;

/// Per session, the times of its checked pastes within the window.
#[derive(Debug, Default)]
pub struct PasteBudget {
    sessions: Mutex<HashMap<String, VecDeque<i64>>>,
}

/// The session has used its budget; `retry_ms`: when the oldest paste leaves the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spent {
    pub retry_ms: i64,
}

impl std::fmt::Display for Spent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let minutes = (self.retry_ms + 59_999) / 60_000;
        write!(
            f,
            "this session has checked {PASTES_PER_WINDOW} pasted secrets in {} minutes, the most it may; nothing was \
             saved. Try again in {minutes} minute{}, or log out and in again",
            WINDOW_MS / 60_000,
            if minutes == 1 { "" } else { "s" }
        )
    }
}

impl PasteBudget {
    /// Counts one paste of `session` at `now_ms`, or says it is over budget (not counted then).
    pub fn take(&self, session: &str, now_ms: i64) -> Result<(), Spent> {
        let mut sessions = self.sessions.lock().unwrap_or_else(|e| e.into_inner());
        // Forget sessions whose pastes all left the window, so the map stays small.
        sessions.retain(|_, times| times.back().is_some_and(|t| now_ms - t < WINDOW_MS));
        let times = sessions.entry(session.to_owned()).or_default();
        while times.front().is_some_and(|t| now_ms - t >= WINDOW_MS) {
            times.pop_front();
        }
        if times.len() >= PASTES_PER_WINDOW {
            let oldest = times.front().copied().unwrap_or(now_ms);
            return Err(Spent { retry_ms: oldest + WINDOW_MS - now_ms });
        }
        times.push_back(now_ms);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_gets_its_budget_per_window_and_others_theirs() {
        let budget = PasteBudget::default();
        for i in 0..PASTES_PER_WINDOW {
            budget.take("a", 1_000 + i as i64).unwrap();
        }
        let spent = budget.take("a", 2_000).unwrap_err();
        assert_eq!(spent.retry_ms, 1_000 + WINDOW_MS - 2_000);
        assert!(spent.to_string().contains("Try again in 15 minutes"), "{spent}");
        budget.take("b", 2_000).expect("another session has its own budget");
        // Once the first paste leaves the window, one more is allowed, and only one.
        budget.take("a", 1_000 + WINDOW_MS).unwrap();
        assert!(budget.take("a", 1_000 + WINDOW_MS).is_err());
    }
}
