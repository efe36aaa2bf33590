//! OpenClaw's sidecar lock, so the panel and a running gateway (or OpenClaw's CLI) never write the
//! same store at once. `flock()` would be invisible to OpenClaw (security.md §3.1, L5).
//!
//! The protocol is the one 2026.5.28 uses (`@openclaw/fs-safe` sidecar lock, read in its dist):
//! `<realpath(dir)>/<file>.lock` created with `O_CREAT|O_EXCL` ("wx"), holding
//! `JSON.stringify({pid, createdAt, starttime}, null, 2) + "\n"` (`starttime` = field 22 of
//! `/proc/<pid>/stat`); released by unlinking it, only if it is still ours. Older versions
//! (`proper-lockfile`, before 2026.2.13) made a lock *directory* of the same name; any existing
//! path makes our exclusive create fail, so both are honoured.
//!
//! Stale locks: a file whose owner process is gone (or whose pid now belongs to another process:
//! different `starttime`), a file without a pid whose `createdAt` is more than 30 s old, an
//! unreadable file or a directory not touched for 30 s. A lock whose owner is alive is never
//! removed, however old: we wait with OpenClaw's back-off and then give up with an error that
//! names the owner. Removal re-reads the lock first and only removes the exact file it judged.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// OpenClaw's `AUTH_STORE_LOCK_OPTIONS.stale`.
pub const STALE_AFTER: Duration = Duration::from_secs(30);

/// How long to keep trying, and how.
#[derive(Debug, Clone, Copy)]
pub struct LockRetry {
    /// Retries after the first attempt (OpenClaw: 10).
    pub retries: u32,
    /// First delay (OpenClaw: 100 ms), doubled each retry (factor 2), capped at `max_delay`
    /// (OpenClaw: 10 s), times a random factor in [1, 2).
    pub min_delay: Duration,
    pub max_delay: Duration,
    /// Give up after this long in total, whatever the retries (a web request should not hang
    /// for the 40+ s OpenClaw's full schedule can take).
    pub timeout: Duration,
}

impl Default for LockRetry {
    fn default() -> Self {
        Self {
            retries: 10,
            min_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(10),
            timeout: Duration::from_secs(15),
        }
    }
}

/// Why a lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "{path} is locked by a running process (pid {pid}{age}); OpenClaw is writing this store. Try again in a \
         moment; if it stays locked, check that process (`ps -p {pid}`)"
    )]
    Busy { path: PathBuf, pid: u32, age: String },
    #[error("{path} is locked (a lock {kind} that is not stale yet); try again in a moment")]
    BusyUnknown { path: PathBuf, kind: &'static str },
    #[error("cannot create the lock {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

/// A held lock; released on drop (best effort) or with [`SidecarLock::release`].
#[derive(Debug)]
pub struct SidecarLock {
    path: PathBuf,
    raw: String,
    #[cfg(unix)]
    ino: u64,
    released: bool,
}

/// The lock path OpenClaw uses for `target`: the real directory, the file name, `.lock`.
pub fn lock_path_for(target: &Path) -> PathBuf {
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let dir = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    dir.join(format!("{name}.lock"))
}

/// Field 22 (`starttime`) of `/proc/<pid>/stat`, as OpenClaw reads it.
pub fn process_start_time(pid: u32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 1..];
    after.split_whitespace().nth(19)?.parse().ok()
}

/// Whether `pid` certainly no longer runs (or is a zombie). Unsure → `false`.
pub fn pid_is_dead(pid: u32) -> bool {
    if pid == 0 || pid > i32::MAX as u32 {
        return true;
    }
    if !cfg!(target_os = "linux") {
        return false;
    }
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat.rfind(')').and_then(|i| stat[i + 1..].split_whitespace().next()) == Some("Z"),
        Err(e) => e.kind() == io::ErrorKind::NotFound,
    }
}

fn now_iso() -> String {
    let ms = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
    crate::write::time::iso_millis(ms)
}

/// What is at the lock path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Holder {
    Gone,
    Stale,
    Alive { pid: u32, created_at: Option<String> },
    Unknown { kind: &'static str },
}

fn judge(path: &Path, now: SystemTime) -> io::Result<(Holder, Option<(String, u64)>)> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Holder::Gone, None)),
        Err(e) => return Err(e),
    };
    let age = now.duration_since(meta.modified().unwrap_or(now)).unwrap_or_default();
    #[cfg(unix)]
    let ino = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let ino = 0;
    if meta.is_dir() {
        // proper-lockfile refreshes the directory's mtime while it holds the lock.
        let holder = if age > STALE_AFTER { Holder::Stale } else { Holder::Unknown { kind: "directory" } };
        return Ok((holder, None));
    }
    let raw = match fs::read_to_string(path) {
        Ok(raw) => raw,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Holder::Gone, None)),
        Err(_) => String::new(),
    };
    let payload: Option<serde_json::Value> =
        serde_json::from_str(&raw).ok().filter(|v: &serde_json::Value| v.is_object());
    let pid = payload.as_ref().and_then(|p| p.get("pid")).and_then(|v| v.as_u64()).map(|p| p as u32);
    let created_at = payload.as_ref().and_then(|p| p.get("createdAt")).and_then(|v| v.as_str()).map(str::to_owned);
    let starttime = payload.as_ref().and_then(|p| p.get("starttime")).and_then(|v| v.as_u64());
    let holder = match (pid, &created_at) {
        (Some(pid), _) => {
            let recycled = starttime.is_some_and(|st| process_start_time(pid).is_some_and(|now_st| now_st != st));
            if recycled || pid_is_dead(pid) {
                Holder::Stale
            } else {
                Holder::Alive { pid, created_at: created_at.clone() }
            }
        }
        (None, Some(created)) => match crate::write::time::parse_iso_millis(created) {
            Some(ms) => {
                let now_ms = now.duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0);
                if now_ms - ms > STALE_AFTER.as_millis() as i64 {
                    Holder::Stale
                } else {
                    Holder::Unknown { kind: "file" }
                }
            }
            None => Holder::Stale,
        },
        // Empty or unparseable (a writer between create and write, or a crash): stale by age.
        (None, None) => {
            if age > STALE_AFTER {
                Holder::Stale
            } else {
                Holder::Unknown { kind: "file" }
            }
        }
    };
    Ok((holder, Some((raw, ino))))
}

/// A lock file found on disk, as the doctor reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockState {
    /// Its writer is gone (dead or recycled pid) or it is older than [`STALE_AFTER`] with no pid.
    Stale,
    /// A live process holds it, or it is too young to judge.
    Held { pid: Option<u32> },
}

/// What is at `path` (a `<file>.lock`); `None` when there is nothing.
pub fn inspect(path: &Path) -> io::Result<Option<LockState>> {
    Ok(match judge(path, SystemTime::now())?.0 {
        Holder::Gone => None,
        Holder::Stale => Some(LockState::Stale),
        Holder::Alive { pid, .. } => Some(LockState::Held { pid: Some(pid) }),
        Holder::Unknown { .. } => Some(LockState::Held { pid: None }),
    })
}

/// Removes the lock at `path` if it is stale now (judged again right before, and removed only if
/// unchanged since); `false` when it is held or gone.
pub fn remove_if_stale(path: &Path) -> io::Result<bool> {
    let (holder, judged) = judge(path, SystemTime::now())?;
    if holder != Holder::Stale {
        return Ok(false);
    }
    remove_if_unchanged(path, &judged)?;
    Ok(fs::symlink_metadata(path).is_err())
}

/// Removes a stale lock only if it is still the one judged (same content and inode).
fn remove_if_unchanged(path: &Path, judged: &Option<(String, u64)>) -> io::Result<()> {
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if meta.is_dir() {
        // Only an empty lock directory is ever removed.
        return match fs::remove_dir(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        };
    }
    #[cfg(unix)]
    let ino = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let ino = 0;
    let raw = fs::read_to_string(path).unwrap_or_default();
    if judged.as_ref().is_some_and(|(r, i)| *r == raw && *i == ino) {
        match fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

fn jitter() -> f64 {
    let mut b = [0u8; 2];
    let _ = getrandom::fill(&mut b);
    1.0 + f64::from(u16::from_le_bytes(b)) / 65536.0
}

impl SidecarLock {
    /// Takes the lock for `target` (e.g. `<agentDir>/auth-profiles.json`), waiting as OpenClaw
    /// does while another process holds it.
    pub fn acquire(target: &Path, retry: LockRetry) -> Result<Self, LockError> {
        let path = lock_path_for(target);
        let started = std::time::Instant::now();
        let mut attempt = 0u32;
        loop {
            match Self::try_create(&path) {
                Ok(lock) => return Ok(lock),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                Err(source) => return Err(LockError::Io { path, source }),
            }
            let (holder, judged) =
                judge(&path, SystemTime::now()).map_err(|source| LockError::Io { path: path.clone(), source })?;
            match holder {
                Holder::Gone => continue,
                Holder::Stale => {
                    tracing::info!(lock = %path.display(), "removing a stale OpenClaw lock");
                    remove_if_unchanged(&path, &judged)
                        .map_err(|source| LockError::Io { path: path.clone(), source })?;
                    continue;
                }
                Holder::Alive { .. } | Holder::Unknown { .. } => {}
            }
            if attempt >= retry.retries || started.elapsed() >= retry.timeout {
                return Err(match holder {
                    Holder::Alive { pid, created_at } => LockError::Busy {
                        path,
                        pid,
                        age: created_at.map(|c| format!(", since {c}")).unwrap_or_default(),
                    },
                    Holder::Unknown { kind } => LockError::BusyUnknown { path, kind },
                    Holder::Gone | Holder::Stale => unreachable!("handled above"),
                });
            }
            let base = retry.min_delay.as_secs_f64() * 2f64.powi(attempt as i32);
            let delay = Duration::from_secs_f64(
                (base.min(retry.max_delay.as_secs_f64()) * jitter()).min(retry.max_delay.as_secs_f64()),
            );
            let remaining = retry.timeout.saturating_sub(started.elapsed());
            std::thread::sleep(delay.min(remaining));
            attempt += 1;
        }
    }

    /// Creates the lock with its whole payload in one step, so a process killed at any moment
    /// never leaves an empty lock (which OpenClaw would have to wait 30 s for): the payload goes
    /// into an anonymous file (`O_TMPFILE`), which is then linked in place; linking fails if the
    /// lock exists, like `O_EXCL`. Where anonymous files are not supported, a plain exclusive
    /// create is used.
    fn try_create(path: &Path) -> io::Result<Self> {
        let pid = std::process::id();
        let mut payload = serde_json::Map::new();
        payload.insert("pid".into(), pid.into());
        payload.insert("createdAt".into(), now_iso().into());
        if let Some(st) = process_start_time(pid) {
            payload.insert("starttime".into(), st.into());
        }
        let raw = crate::write::json_text::stringify_pretty(&serde_json::Value::Object(payload));
        #[cfg(target_os = "linux")]
        if let Some(result) = linked_lock(path, &raw) {
            let ino = result?;
            return Ok(Self { path: path.to_owned(), raw, ino, released: false });
        }
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path)?;
        let written = file.write_all(raw.as_bytes()).and_then(|_| file.sync_all());
        if let Err(e) = written {
            drop(file);
            let _ = fs::remove_file(path);
            return Err(e);
        }
        #[cfg(unix)]
        let ino = std::os::unix::fs::MetadataExt::ino(&file.metadata()?);
        Ok(Self {
            path: path.to_owned(),
            raw,
            #[cfg(unix)]
            ino,
            released: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Releases the lock: unlinks it if it is still ours.
    pub fn release(mut self) -> io::Result<()> {
        self.release_inner()
    }

    fn release_inner(&mut self) -> io::Result<()> {
        if self.released {
            return Ok(());
        }
        self.released = true;
        #[cfg(unix)]
        let ino = self.ino;
        #[cfg(not(unix))]
        let ino = 0;
        remove_if_unchanged(&self.path, &Some((self.raw.clone(), ino)))
    }
}

impl Drop for SidecarLock {
    fn drop(&mut self) {
        if let Err(e) = self.release_inner() {
            tracing::warn!(lock = %self.path.display(), error = %e, "cannot release a lock");
        }
    }
}

/// `O_TMPFILE` + `linkat`: `None` when the filesystem has no anonymous files (then the caller
/// falls back to an exclusive create); otherwise the lock's inode, or the error (`AlreadyExists`
/// when the lock is held).
#[cfg(target_os = "linux")]
fn linked_lock(path: &Path, raw: &str) -> Option<io::Result<u64>> {
    use rustix::fs::{AtFlags, CWD, Mode, OFlags};
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let fd = match rustix::fs::openat(
        CWD,
        dir,
        OFlags::TMPFILE | OFlags::WRONLY | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    ) {
        Ok(fd) => fd,
        Err(rustix::io::Errno::OPNOTSUPP | rustix::io::Errno::ISDIR | rustix::io::Errno::INVAL) => return None,
        Err(e) => return Some(Err(e.into())),
    };
    let mut file = fs::File::from(fd);
    let result = (|| {
        file.write_all(raw.as_bytes())?;
        file.sync_all()?;
        let proc_path = format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&file));
        rustix::fs::linkat(CWD, proc_path.as_str(), CWD, path, AtFlags::SYMLINK_FOLLOW)?;
        Ok(std::os::unix::fs::MetadataExt::ino(&file.metadata()?))
    })();
    Some(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quick() -> LockRetry {
        LockRetry {
            retries: 3,
            min_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
            timeout: Duration::from_millis(300),
        }
    }

    #[test]
    fn payload_is_openclaws_and_release_removes_it() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("auth-profiles.json");
        let lock = SidecarLock::acquire(&target, quick()).unwrap();
        let raw = fs::read_to_string(dir.path().join("auth-profiles.json.lock")).unwrap();
        let payload: serde_json::Value = serde_json::from_str(&raw).unwrap();
        assert_eq!(payload["pid"], std::process::id());
        assert!(payload["createdAt"].as_str().unwrap().ends_with('Z'));
        assert!(raw.starts_with("{\n  \"pid\": ") && raw.ends_with("}\n"), "{raw}");
        #[cfg(target_os = "linux")]
        assert!(payload["starttime"].as_u64().is_some());
        // Held: a second taker waits, then says who holds it.
        let err = SidecarLock::acquire(&target, quick()).unwrap_err();
        assert!(matches!(err, LockError::Busy { pid, .. } if pid == std::process::id()), "{err}");
        lock.release().unwrap();
        assert!(!dir.path().join("auth-profiles.json.lock").exists());
    }

    #[test]
    fn stale_locks_are_reclaimed_and_live_ones_never() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("auth-profiles.json");
        let lock_path = dir.path().join("auth-profiles.json.lock");
        // A dead pid.
        fs::write(&lock_path, "{\n  \"pid\": 2147483000,\n  \"createdAt\": \"2026-01-01T00:00:00.000Z\"\n}\n").unwrap();
        SidecarLock::acquire(&target, quick()).unwrap().release().unwrap();
        // A live pid (ours) with a recycled start time.
        fs::write(
            &lock_path,
            format!(
                "{{\"pid\": {}, \"createdAt\": \"2026-01-01T00:00:00.000Z\", \"starttime\": 1}}",
                std::process::id()
            ),
        )
        .unwrap();
        if cfg!(target_os = "linux") {
            SidecarLock::acquire(&target, quick()).unwrap().release().unwrap();
        }
        // Old-style payload without pid: createdAt decides.
        fs::write(&lock_path, "{\"createdAt\": \"2020-01-01T00:00:00.000Z\"}").unwrap();
        SidecarLock::acquire(&target, quick()).unwrap().release().unwrap();
        fs::write(&lock_path, format!("{{\"createdAt\": \"{}\"}}", now_iso())).unwrap();
        assert!(matches!(SidecarLock::acquire(&target, quick()), Err(LockError::BusyUnknown { .. })));
        fs::remove_file(&lock_path).unwrap();
        // A fresh empty file (a writer between create and write) is waited for.
        fs::write(&lock_path, "").unwrap();
        assert!(matches!(SidecarLock::acquire(&target, quick()), Err(LockError::BusyUnknown { .. })));
        fs::remove_file(&lock_path).unwrap();
        // proper-lockfile's directory, fresh: honoured.
        fs::create_dir(&lock_path).unwrap();
        assert!(matches!(
            SidecarLock::acquire(&target, quick()),
            Err(LockError::BusyUnknown { kind: "directory", .. })
        ));
        assert!(lock_path.is_dir(), "a live lock directory is never removed");
        // A live process holding it for a long time: never removed.
        fs::remove_dir(&lock_path).unwrap();
        fs::write(
            &lock_path,
            format!("{{\"pid\": {}, \"createdAt\": \"2020-01-01T00:00:00.000Z\"}}", std::process::id()),
        )
        .unwrap();
        assert!(matches!(SidecarLock::acquire(&target, quick()), Err(LockError::Busy { .. })));
        assert!(lock_path.exists());
    }

    #[test]
    fn release_leaves_a_lock_that_is_no_longer_ours() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("x.json");
        let lock = SidecarLock::acquire(&target, quick()).unwrap();
        // Someone judged ours stale and took it over.
        fs::remove_file(lock.path()).unwrap();
        fs::write(lock.path(), "{\"pid\": 1, \"createdAt\": \"2026-01-01T00:00:00.000Z\"}").unwrap();
        let path = lock.path().to_owned();
        lock.release().unwrap();
        assert!(path.exists(), "another owner's lock stays");
    }
}
