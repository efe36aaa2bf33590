//! The last whole-state read, given again while none of its input files changed: a page, a status
//! or a metrics scrape costs a few `stat`s instead of reading every store (SQLite opens included).
//!
//! Invariants: the fingerprint is taken before the read it vouches for (a change during the read
//! is seen next time); a read whose inputs changed in the last `SETTLE` is not kept (coarse
//! timestamps could hide a second change); a kept snapshot is handed out with the caller's `now`,
//! since nothing in a read depends on the time, only what is computed from it later. The write
//! engine never reads through here: it reads under OpenClaw's lock itself. Values derived from
//! the same files (each store's revision, which reads the store's bytes) are memoised with the
//! kept snapshot and dropped with it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use openclaw_state::freshness::{Fingerprint, extra_dirs};
use openclaw_state::{StateLocation, StateSnapshot};

/// What is kept between reads.
#[derive(Default)]
struct Kept {
    /// Agent dirs outside `agents/` that the last read found (the config names them): the
    /// fingerprint must cover them too.
    extra_dirs: Vec<PathBuf>,
    /// The last read and the fingerprint taken before it, if it may be given again.
    snapshot: Option<(Fingerprint, StateSnapshot, Arc<Memo>)>,
    /// Counts the snapshots kept: names the kept one for what is rendered from it (the page
    /// cache), and never repeats in a process.
    generation: u64,
}

/// Values computed from a kept snapshot's files, by key (an agent's store revision by agent id).
pub(crate) type Memo = Mutex<HashMap<String, String>>;

/// A memoised value: computed once per kept snapshot, on every call when nothing is kept.
pub(crate) fn memoised(memo: &Memo, key: &str, compute: impl FnOnce() -> String) -> String {
    if let Some(value) = memo.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(key) {
        return value.clone();
    }
    let value = compute();
    memo.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(key.to_owned(), value.clone());
    value
}

/// One kept snapshot; concurrent callers wait for one read rather than each reading.
#[derive(Default)]
pub(crate) struct SnapshotCache {
    kept: Mutex<Kept>,
}

impl std::fmt::Debug for SnapshotCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SnapshotCache").finish_non_exhaustive()
    }
}

impl SnapshotCache {
    /// The state as of `now`: the kept snapshot if its inputs are unchanged, else `read(now)`;
    /// with the memo of values derived from it (a fresh one when the read is not kept).
    pub(crate) fn get(
        &self,
        location: &StateLocation,
        now: i64,
        read: impl FnOnce(i64) -> StateSnapshot,
    ) -> (StateSnapshot, Arc<Memo>) {
        let mut kept = self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let fingerprint = Fingerprint::take(location, &kept.extra_dirs);
        if let Some((print, snapshot, memo)) = &kept.snapshot
            && *print == fingerprint
        {
            let mut snapshot = snapshot.clone();
            snapshot.now_ms = now;
            return (snapshot, memo.clone());
        }
        let snapshot = read(now);
        let found = extra_dirs(&snapshot);
        let vouched = found == kept.extra_dirs && fingerprint.settled(openclaw_state::write::time::now_ms());
        let memo = Arc::new(Memo::default());
        kept.snapshot = vouched.then(|| (fingerprint, snapshot.clone(), memo.clone()));
        if vouched {
            kept.generation += 1;
        }
        kept.extra_dirs = found;
        (snapshot, memo)
    }

    /// The kept snapshot's generation if its input files are still as it read them, else `None`
    /// (nothing kept, or the state changed since: the next read reads it). Costs the same few
    /// `stat`s as [`get`](Self::get).
    pub(crate) fn kept_generation(&self, location: &StateLocation) -> Option<u64> {
        let kept = self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (print, _, _) = kept.snapshot.as_ref()?;
        (*print == Fingerprint::take(location, &kept.extra_dirs)).then_some(kept.generation)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_settled_state_is_read_once_and_a_change_is_read_again() {
        let tmp = tempfile::tempdir().unwrap();
        let agent = tmp.path().join("agents/main/agent");
        std::fs::create_dir_all(&agent).unwrap();
        std::fs::write(agent.join("auth-profiles.json"), r#"{"version":1,"profiles":{}}"#).unwrap();
        let location = StateLocation::in_dir(tmp.path());
        let cache = SnapshotCache::default();
        let reads = Cell::new(0);
        let get = |now: i64| {
            cache
                .get(&location, now, |now| {
                    reads.set(reads.get() + 1);
                    openclaw_state::read_state(
                        &location,
                        &openclaw_state::snapshot::ReadOptions { now_ms: now, ..Default::default() },
                    )
                })
                .0
        };
        // Just written: not trusted yet, each call reads.
        get(1);
        get(2);
        assert_eq!(reads.get(), 2, "a fresh state is not kept");
        assert_eq!(cache.kept_generation(&location), None, "nothing kept, no generation");
        std::thread::sleep(std::time::Duration::from_millis(openclaw_state::freshness::SETTLE as u64 + 100));
        get(3);
        let again = get(4);
        assert_eq!(reads.get(), 3, "a settled, unchanged state is read once");
        assert_eq!(again.now_ms, 4, "given with the caller's clock");
        assert_eq!(again.agents.len(), 1);
        let first = cache.kept_generation(&location).expect("the kept snapshot has a generation");
        assert_eq!(cache.kept_generation(&location), Some(first), "unchanged files, same generation");

        std::fs::write(agent.join("auth-profiles.json.tmp"), r#"{"version":1,"profiles":{"anthropic:a":{"type":"api_key","provider":"anthropic","key":"sk-ant-api03-x"}}}"#).unwrap();
        std::fs::rename(agent.join("auth-profiles.json.tmp"), agent.join("auth-profiles.json")).unwrap();
        assert_eq!(cache.kept_generation(&location), None, "a changed file ends the kept generation");
        let changed = get(5);
        assert_eq!(reads.get(), 4, "a changed file is read again");
        assert_eq!(changed.agents[0].profiles.len(), 1);
        std::thread::sleep(std::time::Duration::from_millis(openclaw_state::freshness::SETTLE as u64 + 100));
        get(6);
        let second = cache.kept_generation(&location).expect("the settled change is kept");
        assert!(second > first, "a new kept snapshot has a new generation ({first} then {second})");
    }

    #[test]
    fn a_memoised_value_lives_as_long_as_its_snapshot() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join(".env"), "A=1\n").unwrap();
        let location = StateLocation::in_dir(tmp.path());
        let cache = SnapshotCache::default();
        let read = |now| {
            openclaw_state::read_state(
                &location,
                &openclaw_state::snapshot::ReadOptions { now_ms: now, ..Default::default() },
            )
        };
        let computed = Cell::new(0);
        let value = |memo: &Memo| {
            memoised(memo, "main", || {
                computed.set(computed.get() + 1);
                format!("v{}", computed.get())
            })
        };
        // Not kept (fresh files): a memo per call.
        assert_eq!(value(&cache.get(&location, 1, read).1), "v1");
        assert_eq!(value(&cache.get(&location, 2, read).1), "v2");
        std::thread::sleep(std::time::Duration::from_millis(openclaw_state::freshness::SETTLE as u64 + 100));
        assert_eq!(value(&cache.get(&location, 3, read).1), "v3");
        assert_eq!(value(&cache.get(&location, 4, read).1), "v3", "kept with its snapshot");
        std::fs::write(tmp.path().join(".env"), "A=2\n").unwrap();
        assert_eq!(value(&cache.get(&location, 5, read).1), "v4", "dropped with it");
    }
}
