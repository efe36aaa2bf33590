//! Changing a file's mode without ever leaving a directory: the doctor's chmod fix (security
//! issue 15, item 6). Checking a path and then changing it leaves a window in which another
//! local user can swap a file for a symbolic link to something outside; so the path is opened
//! one component at a time from the directory, each with `O_NOFOLLOW` (a symlink anywhere on the
//! way refuses, `..` is not accepted), and the mode is changed on the opened descriptor
//! (`fchmod`), which is the file checked, whatever the path points at a moment later.
//!
//! Invariant: [`chmod_beneath`] changes nothing but a regular file or a directory that is `root`
//! itself or inside it, reached without following any symbolic link below `root`.

use std::io;
use std::os::fd::OwnedFd;
use std::path::{Component, Path};

use rustix::fs::{FileType, Mode, OFlags};

/// Why a mode was not changed.
#[derive(Debug, thiserror::Error)]
pub enum BeneathError {
    #[error("{0} is not inside the directory it must stay in")]
    Outside(String),
    #[error("{0} is, or passes through, a symbolic link; change its target's mode yourself if that is meant")]
    Symlink(String),
    #[error("{0} is neither a regular file nor a directory")]
    NotAFile(String),
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// Sets `mode` on `path`, which must be `root` or below it, through descriptors opened without
/// following symbolic links below `root` (`root` itself is opened as given).
pub fn chmod_beneath(root: &Path, path: &Path, mode: u32) -> Result<(), BeneathError> {
    let relative = path.strip_prefix(root).map_err(|_| BeneathError::Outside(path.display().to_string()))?;
    let mut names = Vec::new();
    for component in relative.components() {
        match component {
            Component::Normal(name) => names.push(name),
            Component::CurDir => {}
            _ => return Err(BeneathError::Outside(path.display().to_string())),
        }
    }
    let walk = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NOFOLLOW | OFlags::NONBLOCK;
    let symlink = |e: rustix::io::Errno| -> BeneathError {
        // O_NOFOLLOW on a symlink: ELOOP; O_DIRECTORY on one: ENOTDIR.
        if e == rustix::io::Errno::LOOP || e == rustix::io::Errno::NOTDIR {
            BeneathError::Symlink(path.display().to_string())
        } else {
            BeneathError::Io(e.into())
        }
    };
    let mut fd: OwnedFd = if names.is_empty() {
        // The root itself: it must not be a link either (the fix names the real dir).
        rustix::fs::open(root, walk | OFlags::DIRECTORY, Mode::empty()).map_err(symlink)?
    } else {
        rustix::fs::open(root, OFlags::RDONLY | OFlags::CLOEXEC | OFlags::DIRECTORY, Mode::empty())
            .map_err(|e| BeneathError::Io(e.into()))?
    };
    for (i, name) in names.iter().enumerate() {
        let last = i + 1 == names.len();
        let flags = if last { walk } else { walk | OFlags::DIRECTORY };
        fd = rustix::fs::openat(&fd, *name, flags, Mode::empty()).map_err(symlink)?;
    }
    let stat = rustix::fs::fstat(&fd).map_err(|e| BeneathError::Io(e.into()))?;
    match FileType::from_raw_mode(stat.st_mode) {
        FileType::RegularFile | FileType::Directory => {}
        _ => return Err(BeneathError::NotAFile(path.display().to_string())),
    }
    rustix::fs::fchmod(&fd, Mode::from_raw_mode(mode)).map_err(|e| BeneathError::Io(e.into()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::{PermissionsExt, symlink};

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn changes_a_file_or_dir_inside_and_nothing_through_a_link() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("state");
        let outside = tmp.path().join("outside");
        std::fs::create_dir_all(root.join("agents/main")).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        std::fs::write(root.join("agents/main/store.json"), "{}").unwrap();
        std::fs::write(outside.join("victim"), "x").unwrap();
        std::fs::set_permissions(outside.join("victim"), std::fs::Permissions::from_mode(0o644)).unwrap();

        chmod_beneath(&root, &root.join("agents/main/store.json"), 0o600).unwrap();
        assert_eq!(mode(&root.join("agents/main/store.json")), 0o600);
        chmod_beneath(&root, &root, 0o700).unwrap();
        assert_eq!(mode(&root), 0o700);

        // A linked agent dir, a linked file, `..`, a path elsewhere: refused, the victim as it was.
        symlink(&outside, root.join("agents/linked")).unwrap();
        symlink(outside.join("victim"), root.join("link")).unwrap();
        for (path, why) in [
            (root.join("agents/linked/victim"), "symbolic link"),
            (root.join("link"), "symbolic link"),
            (root.join("agents/../../outside/victim"), "not inside"),
            (outside.join("victim"), "not inside"),
        ] {
            let e = chmod_beneath(&root, &path, 0o600).unwrap_err();
            assert!(e.to_string().contains(why), "{}: {e}", path.display());
        }
        assert_eq!(mode(&outside.join("victim")), 0o644);
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("fifo");
        rustix::fs::mknodat(rustix::fs::CWD, &fifo, FileType::Fifo, Mode::from_raw_mode(0o644), 0).unwrap();
        let e = chmod_beneath(tmp.path(), &fifo, 0o600).unwrap_err();
        assert!(matches!(e, BeneathError::NotAFile(_)), "{e}");
    }
}
