//! Files only the panel's user may read: directories 0700, files 0600 (OpenClaw's own modes for
//! credential files).

use std::fs;
use std::io;
use std::path::Path;

/// Sets a Unix mode (no-op elsewhere).
#[cfg(unix)]
pub fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
pub fn set_mode(_: &Path, _: u32) -> io::Result<()> {
    Ok(())
}

/// Creates `dir` (and parents) and makes it 0700.
pub fn create_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    set_mode(dir, 0o700)
}

/// Writes `contents` to `path` (creating its directory 0700) and makes the file 0600.
pub fn write(path: &Path, contents: &str) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        create_dir(dir)?;
    }
    fs::write(path, contents)?;
    set_mode(path, 0o600)
}
