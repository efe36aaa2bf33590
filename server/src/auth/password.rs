//! The admin password: policy, Argon2id hashing, and the 0600 file that holds its PHC string.
//! The file is re-read at every login, so `reset-password` takes effect without a restart.

use std::io;
use std::path::{Path, PathBuf};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};

/// The file in the panel's data dir that holds the Argon2id PHC string.
pub const PASSWORD_FILE: &str = "admin-password";
/// Shortest password accepted, in characters (Grafana's policy length; security.md A3).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted, in bytes: bounds the hashing work one request can ask for.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// Why a new password is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("the password must have at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("the password must have at most {MAX_PASSWORD_BYTES} bytes")]
    TooLong,
    #[error("the two passwords differ; type the same password twice")]
    Mismatch,
}

impl PolicyError {
    /// A short code for URLs and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Self::TooShort => "too-short",
            Self::TooLong => "too-long",
            Self::Mismatch => "mismatch",
        }
    }
}

/// Checks a new password (and its confirmation, when the form has one).
pub fn check_policy(password: &SecretString, confirm: Option<&SecretString>) -> Result<(), PolicyError> {
    let text = password.expose_secret();
    if text.len() > MAX_PASSWORD_BYTES {
        return Err(PolicyError::TooLong);
    }
    if text.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PolicyError::TooShort);
    }
    if let Some(confirm) = confirm
        && confirm.expose_secret() != text
    {
        return Err(PolicyError::Mismatch);
    }
    Ok(())
}

/// Argon2id with the crate's defaults (m = 19 MiB, t = 2, p = 1: OWASP's minimum).
fn hasher() -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// Hashes a password into a PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash(password: &SecretString) -> Result<String, io::Error> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.expose_secret().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| io::Error::other(format!("cannot hash the password: {e}")))
}

/// Whether `password` matches the PHC string. The parameters come from the string itself, so a
/// hash made with other parameters still verifies.
pub fn verify(phc: &str, password: &SecretString) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => hasher().verify_password(password.expose_secret().as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// The password file in a data dir.
#[derive(Debug, Clone)]
pub struct PasswordFile {
    path: PathBuf,
}

impl PasswordFile {
    pub fn in_dir(data_dir: &Path) -> Self {
        Self { path: data_dir.join(PASSWORD_FILE) }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The stored PHC string, or `None` when no admin is configured yet. A file that holds no
    /// valid PHC string is an error (it must be fixed with `reset-password`, never ignored: that
    /// would reopen the first-admin setup).
    pub fn read(&self) -> io::Result<Option<String>> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => {
                let phc = text.trim().to_owned();
                PasswordHash::new(&phc).map_err(|_| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!(
                            "{} does not hold a password hash; run `openclaw-auth-panel reset-password`",
                            self.path.display()
                        ),
                    )
                })?;
                Ok(Some(phc))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Replaces the file atomically (temp file 0600 in the same dir, fsync, rename, dir fsync).
    pub fn write(&self, phc: &str) -> io::Result<()> {
        crate::private_fs::write_atomic(&self.path, format!("{phc}\n").as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn policy_counts_characters_and_checks_the_confirmation() {
        assert_eq!(check_policy(&secret("short"), None), Err(PolicyError::TooShort));
        assert_eq!(check_policy(&secret("elevenchars"), None), Err(PolicyError::TooShort));
        assert_eq!(check_policy(&secret("twelve chars"), None), Ok(()));
        // Twelve characters, more bytes: characters count.
        assert_eq!(check_policy(&secret("ääääääääääää"), None), Ok(()));
        assert_eq!(check_policy(&secret(&"x".repeat(MAX_PASSWORD_BYTES + 1)), None), Err(PolicyError::TooLong));
        assert_eq!(check_policy(&secret("twelve chars"), Some(&secret("twelve charz"))), Err(PolicyError::Mismatch));
    }

    #[test]
    fn hash_verifies_only_the_right_password_and_the_file_round_trips_private() {
        let phc = hash(&secret("correct horse battery")).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify(&phc, &secret("correct horse battery")));
        assert!(!verify(&phc, &secret("correct horse batterY")));
        assert!(!verify("not a hash", &secret("correct horse battery")));

        let dir = tempfile::tempdir().unwrap();
        let file = PasswordFile::in_dir(&dir.path().join("data"));
        assert_eq!(file.read().unwrap(), None);
        file.write(&phc).unwrap();
        assert_eq!(file.read().unwrap().as_deref(), Some(phc.as_str()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(file.path()).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(file.path(), "garbage").unwrap();
        let err = file.read().unwrap_err();
        assert!(err.to_string().contains("reset-password"), "{err}");
    }
}
