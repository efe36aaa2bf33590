//! Replacing a file so that a crash leaves the old or the new version, never a mix, and the new
//! version survives a power cut once we return (security.md §3.2): a 0600 temp file in the same
//! directory (named as OpenClaw names its own, `<file>.<random>.tmp`, so its doctor and ours
//! recognise leftovers), write, fsync, rename over the target, fsync the directory. A symlinked
//! target is followed (OpenClaw writes through to the real file too). Directories we create are
//! 0700.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Test hooks: where a write can be made to fail, to prove the original survives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailPoint {
    AfterTempWrite,
    BeforeRename,
}

#[cfg(test)]
thread_local! {
    pub(crate) static FAIL_AT: std::cell::Cell<Option<FailPoint>> = const { std::cell::Cell::new(None) };
}

fn fail_point(_at: FailPoint) -> io::Result<()> {
    #[cfg(test)]
    if FAIL_AT.with(|f| f.get()) == Some(_at) {
        return Err(io::Error::other(format!("injected failure at {_at:?}")));
    }
    Ok(())
}

/// Sets a Unix mode (no-op elsewhere).
pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
    }
    #[cfg(not(unix))]
    {
        let _ = (path, mode);
        Ok(())
    }
}

/// Creates `dir` and its missing parents with mode 0700 (existing ones are left as they are).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Flushes a directory's entries to disk.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// The real file a write to `path` lands in (symlinks followed; the path itself if it does not
/// exist yet).
pub fn write_target(path: &Path) -> PathBuf {
    match fs::canonicalize(path) {
        Ok(real) => real,
        Err(_) => path.to_owned(),
    }
}

fn random_suffix() -> String {
    let mut bytes = [0u8; 8];
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Replaces `path` with `contents`, mode 0600.
pub fn replace_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    let target = write_target(path);
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_owned();
    create_private_dir(&dir)?;
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "file".into());
    let temp = dir.join(format!("{name}.{}.tmp", random_suffix()));
    let result = (|| {
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temp)?;
        file.write_all(contents)?;
        fail_point(FailPoint::AfterTempWrite)?;
        file.sync_all()?;
        drop(file);
        set_mode(&temp, 0o600)?;
        fail_point(FailPoint::BeforeRename)?;
        fs::rename(&temp, &target)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    sync_dir(&dir)
}

/// Temp files a crashed writer (ours or OpenClaw's) left beside `file`: `<name>.<id>.tmp`.
pub fn leftover_temp_files(file: &Path) -> Vec<PathBuf> {
    let Some(dir) = file.parent() else { return Vec::new() };
    let Some(name) = file.file_name().map(|n| n.to_string_lossy().into_owned()) else { return Vec::new() };
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let names: Vec<std::ffi::OsString> = entries.filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    leftover_temps_among(dir, &names, &name)
}

/// [`leftover_temp_files`] of the file `file_name` in `dir`, from a listing of `dir` already made
/// (`names`), so that a caller checking several files of one directory lists it once.
pub fn leftover_temps_among(dir: &Path, names: &[std::ffi::OsString], file_name: &str) -> Vec<PathBuf> {
    let prefix = format!("{file_name}.");
    let mut found: Vec<PathBuf> = names
        .iter()
        .filter(|n| {
            let n = n.to_string_lossy();
            n.len() > prefix.len() + 4
                && n.starts_with(&prefix)
                && n.ends_with(".tmp")
                && !n[prefix.len()..].contains('/')
        })
        .map(|n| dir.join(n))
        .collect();
    found.sort();
    found
}

/// Whether a leftover temp file is one of ours (`<name>.<16 hex>.tmp`; OpenClaw's use a UUID).
fn is_own_temp(name: &str, file_name: &str) -> bool {
    let Some(rest) = name.strip_prefix(file_name).and_then(|r| r.strip_prefix('.')) else { return false };
    let Some(id) = rest.strip_suffix(".tmp") else { return false };
    id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Removes temp files a killed writer of ours left beside `file`. Call it only while holding the
/// file's lock: every writer of ours holds it while its temp file exists, so any we find is dead.
/// OpenClaw's own temp files are left alone (its unlocked writes may be in flight).
pub fn remove_own_leftovers(file: &Path) -> Vec<PathBuf> {
    let Some(name) = file.file_name().map(|n| n.to_string_lossy().into_owned()) else { return Vec::new() };
    let removed: Vec<PathBuf> = leftover_temp_files(file)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| is_own_temp(&n.to_string_lossy(), &name)))
        .filter(|p| fs::remove_file(p).is_ok())
        .collect();
    if !removed.is_empty()
        && let Some(dir) = file.parent()
    {
        let _ = sync_dir(dir);
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_privately_and_follows_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/auth-profiles.json");
        replace_file(&path, b"one").unwrap();
        replace_file(&path, b"two").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        assert!(leftover_temp_files(&path).is_empty());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(fs::metadata(dir.path().join("a/b")).unwrap().permissions().mode() & 0o777, 0o700);
            let link = dir.path().join("link.json");
            std::os::unix::fs::symlink(&path, &link).unwrap();
            replace_file(&link, b"three").unwrap();
            assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
            assert_eq!(fs::read(&path).unwrap(), b"three");
        }
    }

    #[test]
    fn a_failed_write_leaves_the_original_and_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.json");
        replace_file(&path, b"original").unwrap();
        for point in [FailPoint::AfterTempWrite, FailPoint::BeforeRename] {
            FAIL_AT.with(|f| f.set(Some(point)));
            let err = replace_file(&path, b"new").unwrap_err();
            FAIL_AT.with(|f| f.set(None));
            assert!(err.to_string().contains("injected"), "{err}");
            assert_eq!(fs::read(&path).unwrap(), b"original", "{point:?}");
            assert!(leftover_temp_files(&path).is_empty(), "{point:?}");
        }
        fs::write(dir.path().join("store.json.0123abcd.tmp"), "x").unwrap();
        fs::write(dir.path().join("store.json.0123456789abcdef.tmp"), "x").unwrap();
        fs::write(dir.path().join("store.json.6f1d0c2e-8d0b-4a43-9a57-2b1c3d4e5f60.tmp"), "x").unwrap();
        assert_eq!(leftover_temp_files(&path).len(), 3);
        assert_eq!(remove_own_leftovers(&path), vec![dir.path().join("store.json.0123456789abcdef.tmp")]);
        assert_eq!(leftover_temp_files(&path).len(), 2, "OpenClaw's and unknown temp files stay");
    }
}
