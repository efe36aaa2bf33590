//! Failed-login accounting, per client address and for all of them together.
//!
//! Per address: after [`MAX_FAILURES`] failures within [`WINDOW`], the address is refused for
//! [`LOCKOUT`] without the password being checked (so Argon2 never runs for it).
//!
//! Together: guessing spread over many addresses (each staying under its own budget) is slowed by
//! a global budget. Once more than [`GLOBAL_FREE`] failures from any addresses fall within
//! [`GLOBAL_WINDOW`], password checks are spaced out for everyone: one check per delay, the delay
//! doubling with every further failure up to [`GLOBAL_MAX_DELAY`]; an attempt before its slot is
//! refused without Argon2 running.
//!
//! Invariant: nothing here locks the only admin out for good. Every lock and every delay ends by
//! itself; under a distributed attack the admin, from any address that has not used up its own
//! budget, waits at most [`GLOBAL_MAX_DELAY`] for a slot and is let in; and `reset-password` on
//! the host never depends on this log (security.md B2).

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
/// Failures from all addresses together within [`GLOBAL_WINDOW`] before checks are spaced out.
pub const GLOBAL_FREE: usize = 20;
/// The window the global failures are counted in.
pub const GLOBAL_WINDOW: Duration = Duration::from_secs(15 * 60);
/// The longest wait between two password checks under a distributed attack.
pub const GLOBAL_MAX_DELAY: Duration = Duration::from_secs(60);

/// Addresses remembered at most; the oldest entries go first (a flood of spoofed-looking
/// addresses cannot grow memory without bound).
const MAX_TRACKED: usize = 10_000;

#[derive(Debug, Default)]
struct Peer {
    failures: VecDeque<Instant>,
    locked_until: Option<Instant>,
}

/// Failures from every address, and the next moment a password may be checked once they are
/// over the free budget.
#[derive(Debug, Default)]
struct Global {
    failures: VecDeque<Instant>,
    next_check: Option<Instant>,
}

impl Global {
    fn forget_old(&mut self, now: Instant) {
        while self.failures.front().is_some_and(|t| now.duration_since(*t) >= GLOBAL_WINDOW) {
            self.failures.pop_front();
        }
    }

    /// The spacing between checks now: none within the free budget, then 1 s, doubling with each
    /// further failure, at most [`GLOBAL_MAX_DELAY`].
    fn delay(&self) -> Option<Duration> {
        let over = self.failures.len().checked_sub(GLOBAL_FREE + 1)?;
        let doubled = Duration::from_secs(1).checked_mul(1u32.checked_shl(over as u32).unwrap_or(u32::MAX));
        Some(doubled.map_or(GLOBAL_MAX_DELAY, |d| d.min(GLOBAL_MAX_DELAY)))
    }
}

/// The failure log of every client address.
#[derive(Debug, Default)]
pub struct FailureLog {
    peers: Mutex<HashMap<IpAddr, Peer>>,
    global: Mutex<Global>,
}

impl FailureLog {
    /// `Err(retry_after)` while `ip` is locked out, or while the global budget is spent and the
    /// next check slot has not come. `Ok` takes that slot: two attempts cannot share it.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        self.check_address(ip, now)?;
        let mut global = self.global.lock().unwrap_or_else(|p| p.into_inner());
        global.forget_old(now);
        let Some(delay) = global.delay() else { return Ok(()) };
        match global.next_check {
            Some(next) if now < next => Err(next - now),
            _ => {
                global.next_check = Some(now + delay);
                Ok(())
            }
        }
    }

    fn check_address(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
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
        {
            let mut global = self.global.lock().unwrap_or_else(|p| p.into_inner());
            global.forget_old(now);
            global.failures.push_back(now);
        }
        if peer.failures.len() >= MAX_FAILURES {
            peer.locked_until = Some(now + LOCKOUT);
            peer.failures.clear();
            return Some(LOCKOUT);
        }
        None
    }

    /// Forgets the failures of `ip` after a successful login. The global count stays: an admin
    /// login in the middle of an attack must not hand the attacker a fresh free budget.
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

    /// Twelve addresses guessing five times each (each under its own budget) get slower and slower
    /// once the global budget is spent; the admin, from a thirteenth address, still gets a check
    /// within the longest delay.
    #[test]
    fn distributed_guessing_slows_down_and_the_admin_still_gets_in() {
        let log = FailureLog::default();
        let t0 = Instant::now();
        let mut now = t0;
        let mut refused = 0;
        let mut waits = Vec::new();
        for host in 1..=12u8 {
            let ip: IpAddr = format!("192.0.2.{host}").parse().unwrap();
            for _ in 0..(MAX_FAILURES - 1) {
                // Each attacker retries as soon as it is told it may.
                loop {
                    match log.check(ip, now) {
                        Ok(()) => break,
                        Err(wait) => {
                            refused += 1;
                            waits.push(wait);
                            now += wait;
                        }
                    }
                }
                log.record_failure(ip, now);
                now += Duration::from_millis(10);
            }
        }
        // 48 guesses: the first 20 free, the rest spaced out (without the global budget all 48 take
        // half a second).
        assert!(refused > 0, "the global budget made attackers wait");
        assert!(waits.iter().all(|w| *w <= GLOBAL_MAX_DELAY), "{waits:?}");
        assert!(waits.iter().any(|w| *w > Duration::from_secs(30)), "delays grow: {waits:?}");
        assert!(now.duration_since(t0) > Duration::from_secs(10 * 60), "48 guesses took only {:?}", now - t0);
        let admin: IpAddr = "198.51.100.20".parse().unwrap();
        let wait = log.check(admin, now).err().unwrap_or_default();
        assert!(wait <= GLOBAL_MAX_DELAY, "{wait:?}");
        assert_eq!(log.check(admin, now + wait), Ok(()), "after one delay at most, the admin is checked");
        log.record_success(admin);
    }

    #[test]
    fn a_slot_is_taken_once() {
        let log = FailureLog::default();
        let t0 = Instant::now();
        for i in 0..=GLOBAL_FREE {
            let ip: IpAddr = format!("203.0.113.{}", i % 200 + 1).parse().unwrap();
            log.record_failure(ip, t0);
        }
        let (a, b): (IpAddr, IpAddr) = ("198.51.100.1".parse().unwrap(), "198.51.100.2".parse().unwrap());
        assert_eq!(log.check(a, t0), Ok(()));
        assert!(log.check(b, t0).is_err(), "a second attempt in the same slot waits");
    }
}
