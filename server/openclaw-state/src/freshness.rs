//! Whether the files a snapshot was read from may have changed since: a [`Fingerprint`] of every
//! input's metadata (no content is read), cheap enough to take before each page so a server can
//! keep one snapshot until OpenClaw, the panel or an admin changes something.
//!
//! What it covers, as [`crate::read_state`] reads it: the config file, the `.env`, the state dir,
//! its `state/` dir (the shared database and its `-wal`/`-journal`), the `agents/` dir, and every
//! agent dir (each `agents/<id>/` and `agents/<id>/agent/`, plus dirs the config names elsewhere)
//! with each entry in it. A file replaced by rename changes its dir's entry (inode, ctime); a
//! database written in place changes its own or its WAL's size and mtime; a new agent changes
//! `agents/`.
//!
//! Invariants: take the fingerprint *before* the read it vouches for, so a change made during the
//! read is seen next time; a fingerprint with an input changed in the last [`SETTLE`] is
//! [`Fingerprint::settled`] `false` and must not be trusted (a filesystem with coarse timestamps
//! could hide a second change within the same tick, as Git's "racy clean" entries).

use std::ffi::OsString;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::StateLocation;

/// How recent a change must be for a fingerprint not to vouch for what follows it (ms).
pub const SETTLE: i64 = 2_000;

/// One input's metadata; `None` when it does not exist.
type Stamp = Option<(u64, u64, i64, i64, i64, i64)>;

fn stamp(path: &Path) -> Stamp {
    let meta = std::fs::symlink_metadata(path).ok()?;
    Some((
        meta.dev(),
        meta.ino(),
        meta.size() as i64,
        meta.mtime() * 1_000_000_000 + meta.mtime_nsec(),
        meta.ctime() * 1_000_000_000 + meta.ctime_nsec(),
        i64::from(meta.mode()),
    ))
}

/// The metadata of a snapshot's inputs at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    entries: Vec<(OsString, Stamp)>,
    /// The latest mtime or ctime seen (epoch ms).
    newest_ms: i64,
}

impl Fingerprint {
    /// Takes the fingerprint of the state at `location`; `extra_dirs` are agent dirs outside
    /// `agents/` (from the config, as the last snapshot found them).
    pub fn take(location: &StateLocation, extra_dirs: &[PathBuf]) -> Self {
        let mut this = Self { entries: Vec::new(), newest_ms: 0 };
        this.add(&location.config_path);
        this.add(&location.dotenv_path());
        this.add(&location.state_dir);
        this.add_dir(&location.state_dir.join("state"));
        let agents_dir = location.agents_dir();
        this.add(&agents_dir);
        let mut names: Vec<OsString> = std::fs::read_dir(&agents_dir)
            .map(|entries| entries.filter_map(Result::ok).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        names.sort();
        for name in names {
            let dir = agents_dir.join(&name);
            this.add(&dir);
            this.add_dir(&dir.join("agent"));
        }
        for dir in extra_dirs {
            this.add_dir(dir);
        }
        this
    }

    /// Whether nothing changed in the last [`SETTLE`] before `now_ms`.
    pub fn settled(&self, now_ms: i64) -> bool {
        self.newest_ms + SETTLE <= now_ms
    }

    fn add(&mut self, path: &Path) {
        let stamp = stamp(path);
        if let Some((.., mtime, ctime, _)) = stamp {
            self.newest_ms = self.newest_ms.max(mtime.max(ctime) / 1_000_000);
        }
        self.entries.push((path.as_os_str().to_owned(), stamp));
    }

    /// The dir and each entry in it, in name order.
    fn add_dir(&mut self, dir: &Path) {
        self.add(dir);
        let mut names: Vec<OsString> = std::fs::read_dir(dir)
            .map(|entries| entries.filter_map(Result::ok).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        names.sort();
        for name in names {
            self.add(&dir.join(name));
        }
    }
}

/// The agent dirs of `snapshot` outside `agents/`: what [`Fingerprint::take`] cannot find alone.
pub fn extra_dirs(snapshot: &crate::StateSnapshot) -> Vec<PathBuf> {
    let agents_dir = snapshot.location.agents_dir();
    snapshot.agents.iter().filter(|a| !a.dir.starts_with(&agents_dir)).map(|a| a.dir.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(dir: &Path) -> StateLocation {
        StateLocation::in_dir(dir)
    }

    #[test]
    fn every_kind_of_change_a_read_would_see_changes_the_fingerprint() {
        let tmp = tempfile::tempdir().unwrap();
        let state = tmp.path().join(".openclaw");
        let agent = state.join("agents/main/agent");
        std::fs::create_dir_all(&agent).unwrap();
        std::fs::create_dir_all(state.join("state")).unwrap();
        std::fs::write(agent.join("auth-profiles.json"), "{}").unwrap();
        std::fs::write(state.join("state/openclaw.sqlite"), "db").unwrap();
        let loc = location(&state);
        let mut last = Fingerprint::take(&loc, &[]);
        assert_eq!(Fingerprint::take(&loc, &[]), last, "nothing changed, same fingerprint");

        let mut changed = |what: &str, change: &dyn Fn()| {
            change();
            let now = Fingerprint::take(&loc, &[]);
            assert_ne!(now, last, "{what} not seen");
            last = now;
        };
        changed("a file replaced by rename", &|| {
            std::fs::write(agent.join("auth-profiles.json.tmp"), "{}").unwrap();
            std::fs::rename(agent.join("auth-profiles.json.tmp"), agent.join("auth-profiles.json")).unwrap();
        });
        changed("a database written in place", &|| {
            use std::io::Write;
            std::fs::OpenOptions::new()
                .append(true)
                .open(state.join("state/openclaw.sqlite"))
                .unwrap()
                .write_all(b"x")
                .unwrap();
        });
        changed("a WAL appearing", &|| std::fs::write(state.join("state/openclaw.sqlite-wal"), "w").unwrap());
        changed("a new agent", &|| std::fs::create_dir_all(state.join("agents/work/agent")).unwrap());
        changed("the .env", &|| std::fs::write(state.join(".env"), "A=1\n").unwrap());
        changed("the config", &|| std::fs::write(state.join("openclaw.json"), "{}").unwrap());
        changed("a mode change", &|| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(state.join(".env"), std::fs::Permissions::from_mode(0o600)).unwrap();
        });

        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap();
        let before = Fingerprint::take(&loc, std::slice::from_ref(&elsewhere));
        std::fs::write(elsewhere.join("auth-profiles.json"), "{}").unwrap();
        assert_ne!(Fingerprint::take(&loc, std::slice::from_ref(&elsewhere)), before, "an agent dir the config names");
    }

    #[test]
    fn a_fresh_change_is_not_settled() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join(".env"), "A=1\n").unwrap();
        let print = Fingerprint::take(&location(tmp.path()), &[]);
        let now = crate::write::time::now_ms();
        assert!(!print.settled(now), "just written");
        assert!(print.settled(now + SETTLE + 1_000));
    }
}
