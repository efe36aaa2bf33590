//! The admin login: first-admin setup, password checks with brute-force limits, sessions and the
//! per-session CSRF token. [`AuthService`] is plain Rust (tests call it without HTTP);
//! [`routes`] puts it on the web.

pub mod failures;
pub mod password;
pub mod peer;
pub mod routes;
pub mod session;
pub mod session_store;
pub mod setup_window;

use std::hash::{Hash, Hasher};
use std::io;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use secrecy::SecretString;
use tokio::sync::Semaphore;

use self::failures::FailureLog;
use self::password::{PasswordFile, PolicyError};
use self::peer::ClientAddr;
use self::setup_window::{SetupRefusal, SetupWindow};

/// The file in the data dir that holds the setup URL while the setup window is open.
pub const SETUP_URL_FILE: &str = "setup-url";

/// How the login behaves; the defaults are the ones the panel serves with.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// The panel's own data dir (password file, setup URL file).
    pub data_dir: PathBuf,
    /// A session ends after this long without a request.
    pub idle_timeout: Duration,
    /// A session ends this long after login, active or not.
    pub absolute_timeout: Duration,
    /// Cookies get `Secure` and the `__Host-` prefix.
    pub tls: bool,
    /// The port served, part of the cookie name: cookies ignore ports, so two panels (or a TLS
    /// and a plain one) on one host would otherwise overwrite each other's session cookie.
    pub port: u16,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<IpAddr>,
    /// How long the first-admin setup token is valid.
    pub setup_validity: Duration,
}

impl AuthSettings {
    pub fn new(data_dir: PathBuf, tls: bool, port: u16) -> Self {
        Self {
            data_dir,
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            tls,
            port,
            trusted_proxies: Vec::new(),
            setup_validity: setup_window::SETUP_VALIDITY,
        }
    }
}

/// Why a login or setup is refused, or failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("wrong password")]
    WrongPassword {
        /// Set when this failure started a lockout.
        locked_for: Option<Duration>,
    },
    #[error("too many failed attempts from this address; try again in {} s", retry_after.as_secs().max(1))]
    Throttled { retry_after: Duration },
    #[error("no admin password is set yet; open the setup URL the server printed at start")]
    NoAdmin,
    #[error("an admin password is set already; log in, or run `openclaw-auth-panel reset-password` on the host")]
    AdminExists,
    #[error("{}", setup_refusal_text(*.0))]
    Setup(SetupRefusal),
    #[error("{0}")]
    Policy(#[from] PolicyError),
    #[error("cannot read or write the password file: {0}")]
    Storage(#[source] io::Error),
}

fn setup_refusal_text(reason: SetupRefusal) -> &'static str {
    match reason {
        SetupRefusal::WrongToken => "the setup token is wrong; copy the whole setup URL the server printed",
        SetupRefusal::Used => "the setup token was used already; log in with the password that was set",
        SetupRefusal::Expired => {
            "the setup token expired (it is valid for 15 minutes); restart the panel to get a new setup URL"
        }
        SetupRefusal::NeverOpened => "setup is closed; log in, or run `openclaw-auth-panel reset-password` on the host",
    }
}

/// Identifies the password a session was opened with: after `reset-password` every older
/// session ends at its next request.
pub type CredentialEpoch = u64;

fn epoch_of(phc: &str) -> CredentialEpoch {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    phc.hash(&mut hasher);
    hasher.finish()
}

struct Inner {
    settings: AuthSettings,
    password: PasswordFile,
    setup: SetupWindow,
    failures: FailureLog,
    clients: ClientAddr,
    /// At most two Argon2 runs at once (19 MiB and ~20 ms each): a flood cannot take every core.
    hashing: Semaphore,
    argon2_runs: AtomicU64,
}

/// The login service of one server run.
#[derive(Clone)]
pub struct AuthService {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for AuthService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthService").field("data_dir", &self.inner.settings.data_dir).finish_non_exhaustive()
    }
}

impl AuthService {
    /// Starts the service. With no admin yet, opens the setup window and returns its token (to
    /// be shown once to the operator).
    pub fn start(settings: AuthSettings) -> Result<(Self, Option<SecretString>), AuthError> {
        crate::data_dir::ensure(&settings.data_dir).map_err(AuthError::Storage)?;
        let password = PasswordFile::in_dir(&settings.data_dir);
        let has_admin = password.read().map_err(AuthError::Storage)?.is_some();
        let (setup, token) = if has_admin {
            // A leftover setup URL from an earlier run is useless now; do not leave it lying around.
            remove_quietly(&settings.data_dir.join(SETUP_URL_FILE));
            (SetupWindow::closed(), None)
        } else {
            let token = setup_window::new_token().map_err(AuthError::Storage)?;
            (SetupWindow::open(token.clone(), Instant::now(), settings.setup_validity), Some(token))
        };
        let clients = ClientAddr::new(settings.trusted_proxies.clone());
        let inner = Inner {
            password,
            setup,
            failures: FailureLog::default(),
            clients,
            hashing: Semaphore::new(2),
            argon2_runs: AtomicU64::new(0),
            settings,
        };
        Ok((Self { inner: Arc::new(inner) }, token))
    }

    pub fn settings(&self) -> &AuthSettings {
        &self.inner.settings
    }

    pub fn clients(&self) -> &ClientAddr {
        &self.inner.clients
    }

    /// Where the setup URL is written for headless installs.
    pub fn setup_url_file(&self) -> PathBuf {
        self.inner.settings.data_dir.join(SETUP_URL_FILE)
    }

    /// How many times Argon2 ran (hash or verify) since start; tests use it to prove that a
    /// refused request never reached it.
    pub fn argon2_runs(&self) -> u64 {
        self.inner.argon2_runs.load(Ordering::Relaxed)
    }

    /// The current password's epoch, `None` when no admin is set.
    pub fn epoch(&self) -> Result<Option<CredentialEpoch>, AuthError> {
        Ok(self.inner.password.read().map_err(AuthError::Storage)?.as_deref().map(epoch_of))
    }

    /// Why setup is closed now, `None` while it is open.
    pub fn setup_closed(&self) -> Option<SetupRefusal> {
        let reason = self.inner.setup.closed_reason(Instant::now());
        if reason.is_some() {
            remove_quietly(&self.setup_url_file());
        }
        reason
    }

    /// Checks the admin password for a client. Refused clients never reach Argon2.
    pub async fn login(&self, client: IpAddr, password: SecretString) -> Result<CredentialEpoch, AuthError> {
        let inner = &self.inner;
        inner.failures.check(client, Instant::now()).map_err(|retry_after| AuthError::Throttled { retry_after })?;
        let phc = inner.password.read().map_err(AuthError::Storage)?.ok_or(AuthError::NoAdmin)?;
        let ok = {
            use secrecy::ExposeSecret;
            if password.expose_secret().len() > password::MAX_PASSWORD_BYTES {
                false
            } else {
                let _permit =
                    inner.hashing.acquire().await.map_err(|_| AuthError::Storage(io::Error::other("closed")))?;
                inner.argon2_runs.fetch_add(1, Ordering::Relaxed);
                let phc = phc.clone();
                tokio::task::spawn_blocking(move || password::verify(&phc, &password))
                    .await
                    .map_err(|e| AuthError::Storage(io::Error::other(e.to_string())))?
            }
        };
        if ok {
            inner.failures.record_success(client);
            tracing::info!(%client, "admin logged in");
            Ok(epoch_of(&phc))
        } else {
            let locked_for = inner.failures.record_failure(client, Instant::now());
            tracing::warn!(%client, locked = locked_for.is_some(), "failed admin login");
            Err(AuthError::WrongPassword { locked_for })
        }
    }

    /// Sets the first admin password with the setup token.
    pub async fn setup(
        &self,
        client: IpAddr,
        token: &str,
        password: SecretString,
        confirm: SecretString,
    ) -> Result<CredentialEpoch, AuthError> {
        let inner = &self.inner;
        inner.failures.check(client, Instant::now()).map_err(|retry_after| AuthError::Throttled { retry_after })?;
        if inner.password.read().map_err(AuthError::Storage)?.is_some() {
            return Err(AuthError::AdminExists);
        }
        if let Some(reason) = self.setup_closed() {
            return Err(AuthError::Setup(reason));
        }
        self::password::check_policy(&password, Some(&confirm))?;
        match inner.setup.take(token, Instant::now()) {
            Ok(()) => {}
            Err(SetupRefusal::WrongToken) => {
                let locked = inner.failures.record_failure(client, Instant::now());
                tracing::warn!(%client, locked = locked.is_some(), "setup with a wrong token");
                return Err(AuthError::Setup(SetupRefusal::WrongToken));
            }
            Err(other) => return Err(AuthError::Setup(other)),
        }
        let saved = async {
            let _permit = inner.hashing.acquire().await.map_err(|_| AuthError::Storage(io::Error::other("closed")))?;
            inner.argon2_runs.fetch_add(1, Ordering::Relaxed);
            let file = inner.password.clone();
            tokio::task::spawn_blocking(move || -> io::Result<String> {
                let phc = password::hash(&password)?;
                file.write(&phc)?;
                Ok(phc)
            })
            .await
            .map_err(|e| AuthError::Storage(io::Error::other(e.to_string())))?
            .map_err(AuthError::Storage)
        }
        .await;
        match saved {
            Ok(phc) => {
                inner.setup.finish();
                remove_quietly(&self.setup_url_file());
                inner.failures.record_success(client);
                tracing::info!(%client, path = %inner.password.path().display(), "admin password set by first-admin setup");
                Ok(epoch_of(&phc))
            }
            Err(e) => {
                inner.setup.restore();
                tracing::error!(error = %e, "first-admin setup could not save the password");
                Err(e)
            }
        }
    }
}

fn remove_quietly(path: &Path) {
    if let Err(e) = std::fs::remove_file(path)
        && e.kind() != io::ErrorKind::NotFound
    {
        tracing::warn!(path = %path.display(), error = %e, "cannot remove a stale file");
    }
}

/// `reset-password`: sets the admin password from the host (the only recovery). Reads it twice
/// without echo from a terminal, or once from a line on stdin when scripted.
pub fn set_password_from(data_dir: &Path, password: SecretString) -> Result<PathBuf, AuthError> {
    password::check_policy(&password, None)?;
    crate::data_dir::ensure(data_dir).map_err(AuthError::Storage)?;
    let file = PasswordFile::in_dir(data_dir);
    let phc = password::hash(&password).map_err(AuthError::Storage)?;
    file.write(&phc).map_err(AuthError::Storage)?;
    remove_quietly(&data_dir.join(SETUP_URL_FILE));
    Ok(file.path().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[tokio::test]
    async fn setup_then_login_and_lockout_without_argon2() {
        let dir = tempfile::tempdir().unwrap();
        let (auth, token) = AuthService::start(AuthSettings::new(dir.path().join("data"), false, 1)).unwrap();
        let token = token.expect("no admin yet: a setup token");
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        assert!(matches!(auth.login(ip, secret("whatever")).await, Err(AuthError::NoAdmin)));
        assert!(matches!(
            auth.setup(ip, token.expose_secret(), secret("short"), secret("short")).await,
            Err(AuthError::Policy(PolicyError::TooShort))
        ));
        let epoch =
            auth.setup(ip, token.expose_secret(), secret("a long password"), secret("a long password")).await.unwrap();
        assert_eq!(auth.epoch().unwrap(), Some(epoch));
        assert!(matches!(
            auth.setup(ip, token.expose_secret(), secret("a long password"), secret("a long password")).await,
            Err(AuthError::AdminExists)
        ));
        assert_eq!(auth.login(ip, secret("a long password")).await.unwrap(), epoch);
        for _ in 0..4 {
            assert!(matches!(
                auth.login(ip, secret("wrong password")).await,
                Err(AuthError::WrongPassword { locked_for: None })
            ));
        }
        assert!(matches!(
            auth.login(ip, secret("wrong password")).await,
            Err(AuthError::WrongPassword { locked_for: Some(_) })
        ));
        let runs = auth.argon2_runs();
        assert!(matches!(auth.login(ip, secret("a long password")).await, Err(AuthError::Throttled { .. })));
        assert_eq!(auth.argon2_runs(), runs, "a refused login never runs Argon2");

        // A restart with an admin set opens no setup window.
        let (_, token) = AuthService::start(AuthSettings::new(dir.path().join("data"), false, 1)).unwrap();
        assert!(token.is_none());
        // reset-password changes the epoch: sessions of the old password end.
        set_password_from(&dir.path().join("data"), secret("another long one")).unwrap();
        assert_ne!(auth.epoch().unwrap(), Some(epoch));
    }
}
