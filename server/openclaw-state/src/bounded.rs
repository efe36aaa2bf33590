//! Reading OpenClaw's files with a size cap: a state file, config, `.env` or `models.json` that
//! grew (or was made) huge becomes a read problem that says so, not a process that reads
//! gigabytes into memory (security issue 15, item 8).
//!
//! Invariant: no file under the state dir is read past [`MAX_FILE_BYTES`] (+1 byte to notice).

use std::io::{self, Read};
use std::path::Path;

/// The largest file read: far above any real store (50 agents × 20 profiles is ~0.5 MB of JSON).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// `std::fs::read`, refusing a file over [`MAX_FILE_BYTES`] with an error that says what to do.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "the file is larger than {} MiB, far more than OpenClaw writes; it was not read (look at what filled it, \
                 and restore it from a backup)",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    Ok(bytes)
}

/// `std::fs::read_to_string` with the same cap.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    String::from_utf8(read(path)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "stream did not contain valid UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_over_the_cap_is_refused_and_one_at_it_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(MAX_FILE_BYTES + 1).unwrap();
        let e = read(&path).unwrap_err();
        assert!(e.to_string().contains("larger than 16 MiB"), "{e}");
        file.set_len(MAX_FILE_BYTES).unwrap();
        assert_eq!(read(&path).unwrap().len() as u64, MAX_FILE_BYTES);
        assert_eq!(read(&dir.path().join("none")).unwrap_err().kind(), io::ErrorKind::NotFound);
    }
}
