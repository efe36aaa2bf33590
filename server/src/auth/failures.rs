//! Failed-login accounting per client address: after [`MAX_FAILURES`] failures within
//! [`WINDOW`], the address is refused for [`LOCKOUT`] without the password being checked (so
//! Argon2 never runs for it). Locks end by themselves: the only admin can never be locked out
//! for good (security.md B2).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed within [`WINDOW`].
pub const MAX_FAILURES: usize = 5;
/// The window failures are counted in.
pub const WINDOW: Duration = Duration::from_secs(5 * 60);
/// How long an address is refused after too many failures.
pub const LOCKOUT: Duration = Duration::from_secs(5 * 60);
/// Addresses remembered at most; the oldest entries go first (a flood of spoofed-looking
/// addresses cannot grow memory without bound).
const MAX_TRACKED: usize = 10_000;

#[derive(Debug, Default)]
struct Peer {
    failures: VecDeque<Instant>,
    locked_until: Option<Instant>,
}

/// The failure log of every client address.
#[derive(Debug, Default)]
pub struct FailureLog {
    peers: Mutex<HashMap<IpAddr, Peer>>,
}

impl FailureLog {
    /// `Err(retry_after)` while `ip` is locked out.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let mut peers = self.peers.lock().unwrap_or_else(|p| p.into_inner());
        let Some(peer) = peers.get_mut(&ip) else { return Ok(()) };
        match peer.locked_until {
            Some(until) if now < until => Err(until - now),
            Some(_) => {
                peers.remove(&ip);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Records a failure; returns the lockout it started, if any.
    pub fn record_failure(&self, ip: IpAddr, now: Instant) -> Option<Duration> {
        let mut peers = self.peers.lock().unwrap_or_else(|p| p.into_inner());
        if peers.len() >= MAX_TRACKED && !peers.contains_key(&ip) {
            prune(&mut peers, now);
        }
        let peer = peers.entry(ip).or_default();
        while peer.failures.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
            peer.failures.pop_front();
        }
        peer.failures.push_back(now);
        if peer.failures.len() >= MAX_FAILURES {
            peer.locked_until = Some(now + LOCKOUT);
            peer.failures.clear();
            return Some(LOCKOUT);
        }
        None
    }

    /// Forgets the failures of `ip` after a successful login.
    pub fn record_success(&self, ip: IpAddr) {
        self.peers.lock().unwrap_or_else(|p| p.into_inner()).remove(&ip);
    }
}

fn prune(peers: &mut HashMap<IpAddr, Peer>, now: Instant) {
    peers.retain(|_, p| {
        p.locked_until.is_some_and(|u| now < u) || p.failures.back().is_some_and(|t| now.duration_since(*t) < WINDOW)
    });
    if peers.len() >= MAX_TRACKED {
        // Still full of live entries: drop the ones whose last activity is oldest.
        let mut by_age: Vec<(IpAddr, Instant)> =
            peers.iter().map(|(ip, p)| (*ip, p.failures.back().copied().or(p.locked_until).unwrap_or(now))).collect();
        by_age.sort_by_key(|(_, t)| *t);
        for (ip, _) in by_age.into_iter().take(MAX_TRACKED / 10) {
            peers.remove(&ip);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_lock_for_five_minutes_then_release() {
        let log = FailureLog::default();
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let other: IpAddr = "192.0.2.8".parse().unwrap();
        let t0 = Instant::now();
        for i in 0..4 {
            assert_eq!(log.record_failure(ip, t0 + Duration::from_secs(i)), None);
            assert_eq!(log.check(ip, t0 + Duration::from_secs(i)), Ok(()));
        }
        assert_eq!(log.record_failure(ip, t0 + Duration::from_secs(4)), Some(LOCKOUT));
        let retry = log.check(ip, t0 + Duration::from_secs(5)).unwrap_err();
        assert_eq!(retry, LOCKOUT - Duration::from_secs(1));
        assert_eq!(log.check(other, t0 + Duration::from_secs(5)), Ok(()), "another address is not locked");
        assert_eq!(log.check(ip, t0 + Duration::from_secs(4) + LOCKOUT), Ok(()), "never a permanent lockout");
    }

    #[test]
    fn failures_outside_the_window_do_not_count_and_success_forgets() {
        let log = FailureLog::default();
        let ip: IpAddr = "2001:db8::1".parse().unwrap();
        let t0 = Instant::now();
        for i in 0..4 {
            log.record_failure(ip, t0 + Duration::from_secs(i));
        }
        // Five minutes after the first four, one more failure is the first of a new window.
        assert_eq!(log.record_failure(ip, t0 + WINDOW + Duration::from_secs(10)), None);
        for i in 0..3 {
            log.record_failure(ip, t0 + WINDOW + Duration::from_secs(11 + i));
        }
        log.record_success(ip);
        assert_eq!(log.record_failure(ip, t0 + WINDOW + Duration::from_secs(20)), None);
    }
}
