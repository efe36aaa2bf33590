//! The panel's own data dir: files that belong to the panel, not to OpenClaw (the monitoring
//! token now; the admin password and audit log later). Mode 0700, files 0600.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use base64::Engine;
use secrecy::{ExposeSecret, SecretString};

/// The file holding the bearer token for `/metrics` and `/monitoring/status.json`.
pub const MONITORING_TOKEN_FILE: &str = "monitoring-token";

/// The address `serve` puts in its alerts' links (`--public-url`, else where it listens), written
/// at each start so that `alerts test` and `alerts check --once` from cron link to the same place.
pub const PUBLIC_URL_FILE: &str = "public-url";

/// The link base `serve` last wrote, if any.
pub fn public_url(dir: &Path) -> Option<String> {
    let text = fs::read_to_string(dir.join(PUBLIC_URL_FILE)).ok()?;
    let url = text.trim();
    (url.starts_with("http://") || url.starts_with("https://")).then(|| url.to_owned())
}

/// Default: `$XDG_STATE_HOME/openclaw-auth-panel`, else `~/.local/state/openclaw-auth-panel`.
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_STATE_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("openclaw-auth-panel");
    }
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/"));
    home.join(".local/state/openclaw-auth-panel")
}

/// Creates the data dir (0700) if needed.
pub fn ensure(dir: &Path) -> io::Result<()> {
    crate::private_fs::create_dir(dir)
}

/// Reads the monitoring token, creating a random one (256 bits) on first use. The file is
/// created exclusively with mode 0600, so a concurrent start cannot leave two tokens.
pub fn monitoring_token(dir: &Path) -> io::Result<SecretString> {
    ensure(dir)?;
    let path = dir.join(MONITORING_TOKEN_FILE);
    match fs::read_to_string(&path) {
        Ok(text) if !text.trim().is_empty() => return Ok(SecretString::from(text.trim().to_owned())),
        Ok(_) => fs::remove_file(&path)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| io::Error::other(e.to_string()))?;
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(mut file) => {
            file.write_all(token.as_bytes())?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            Ok(SecretString::from(token))
        }
        // Another start won the race: use its token.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            Ok(SecretString::from(fs::read_to_string(&path)?.trim().to_owned()))
        }
        Err(e) => Err(e),
    }
}

/// Whether `given` equals the token, in constant time.
pub fn token_matches(token: &SecretString, given: &str) -> bool {
    use subtle::ConstantTimeEq;
    let expected = token.expose_secret().as_bytes();
    expected.len() == given.len() && bool::from(expected.ct_eq(given.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_created_once_private_and_stable() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let first = monitoring_token(&data).unwrap();
        let second = monitoring_token(&data).unwrap();
        assert_eq!(first.expose_secret(), second.expose_secret());
        assert_eq!(first.expose_secret().len(), 43);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(data.join(MONITORING_TOKEN_FILE)).unwrap().permissions().mode() & 0o777, 0o600);
            assert_eq!(fs::metadata(&data).unwrap().permissions().mode() & 0o777, 0o700);
        }
        assert!(token_matches(&first, first.expose_secret()));
        assert!(!token_matches(&first, "nope"));
        assert!(!token_matches(&first, &first.expose_secret()[1..]));
    }
}
