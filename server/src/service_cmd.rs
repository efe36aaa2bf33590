//! `service install|uninstall|status`: the panel as a systemd user service of the user whose
//! OpenClaw state it manages, as `openclaw gateway install` does for the gateway.
//!
//! - `install` writes `~/.config/systemd/user/openclaw-auth-panel.service` (this binary, the state
//!   and data dirs resolved now) and, the first time, `~/.config/openclaw-auth-panel/panel.env`
//!   (0600; later installs change only the flags given), then `systemctl --user daemon-reload`
//!   and `enable --now`, and says whether the user manager outlives a logout (lingering).
//! - `status` tells whether the unit is installed and running, where the panel listens, and the
//!   setup URL of a first start (`<data-dir>/setup-url`) while no admin exists.
//! - `uninstall` stops and disables it and removes the unit; the flags and the panel's data stay.
//!
//! Exit codes: 0 done / running; 1 a step failed (the message says what to run by hand);
//! `status`: 3 installed but not running, 4 not installed.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crate::cli::{ServiceInstallArgs, ServiceStatusArgs, ServiceUninstallArgs};
use crate::service_unit::{self, UNIT_NAME, UnitSpec};

/// The version line of this build: the crate version and the git revision it was built from.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("OPENCLAW_PANEL_GIT_REV"), ")");

/// Why a service command failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("cannot find this program's own path: {0}")]
    OwnPath(std::io::Error),
    #[error(transparent)]
    UnsafePath(#[from] service_unit::UnsafePath),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot remove {path}: {source}")]
    Remove { path: PathBuf, source: std::io::Error },
    #[error(
        "`systemctl --user {args}` failed: {detail}\nThe unit is written; once your user's systemd is reachable (a login session, or `sudo loginctl enable-linger $USER`), run:\n  systemctl --user daemon-reload && systemctl --user enable --now {UNIT_NAME}"
    )]
    Systemctl { args: String, detail: String },
}

/// Where the user's systemd and panel config files go.
struct Paths {
    unit: PathBuf,
    env_file: PathBuf,
}

fn config_home() -> PathBuf {
    std::env::var_os("XDG_CONFIG_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".config"))
}

fn home() -> PathBuf {
    std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/"))
}

fn paths() -> Paths {
    let config = config_home();
    Paths { unit: config.join("systemd/user").join(UNIT_NAME), env_file: config.join("openclaw-auth-panel/panel.env") }
}

fn report(result: Result<ExitCode, ServiceError>) -> ExitCode {
    result.unwrap_or_else(|e| {
        eprintln!("openclaw-auth-panel: {e}");
        ExitCode::FAILURE
    })
}

/// `service install`.
pub fn install(args: ServiceInstallArgs) -> ExitCode {
    report(install_inner(args))
}

fn install_inner(args: ServiceInstallArgs) -> Result<ExitCode, ServiceError> {
    let paths = paths();
    let exe = std::env::current_exe().and_then(|p| p.canonicalize()).map_err(ServiceError::OwnPath)?;
    let location = openclaw_state::StateLocation::resolve(
        args.state_dir.as_deref(),
        None,
        &openclaw_state::paths::PathEnv::from_process(),
    );
    let data_dir = args.data.resolve();
    let spec = UnitSpec {
        exec: service_unit::unit_path(&exe)?,
        env_file: service_unit::unit_path(&paths.env_file)?,
        state_dir: Some(service_unit::unit_path(&location.state_dir)?),
        data_dir: Some(service_unit::unit_path(&data_dir)?),
        version: VERSION.to_owned(),
    };

    // The flags given now; on a first install also the `openclaw` found on this shell's PATH
    // (the user manager's PATH rarely has npm's bin dirs).
    let mut settings: Vec<(&str, String)> = Vec::new();
    if let Some(bind) = args.bind {
        settings.push(("OPENCLAW_PANEL_BIND", bind.to_string()));
    }
    if args.tls {
        settings.push(("OPENCLAW_PANEL_TLS", "true".to_owned()));
    }
    let env_text = match std::fs::read_to_string(&paths.env_file) {
        Ok(existing) => service_unit::update_env_file(&existing, &settings),
        Err(_) => {
            if let Some(openclaw) = find_on_path("openclaw") {
                settings.push(("OPENCLAW_PANEL_OPENCLAW_BIN", openclaw.display().to_string()));
            }
            service_unit::env_file(&settings)
        }
    };
    write_private(&paths.env_file, env_text.as_bytes())?;
    crate::data_dir::ensure(&data_dir).map_err(|source| ServiceError::Write { path: data_dir.clone(), source })?;
    write_file(&paths.unit, spec.render().as_bytes())?;
    println!("wrote {}", paths.unit.display());
    println!("flags in {}", paths.env_file.display());
    println!("OpenClaw state {}, panel data {}", location.state_dir.display(), data_dir.display());

    if args.no_start {
        println!("not started (--no-start); to start it now and at every login:");
        println!("  systemctl --user daemon-reload && systemctl --user enable --now {UNIT_NAME}");
    } else {
        systemctl(&["daemon-reload"])?;
        systemctl(&["enable", "--now", UNIT_NAME])?;
        println!("started and enabled {UNIT_NAME}");
    }
    linger_advice();
    if !args.no_start {
        // `enable --now` of a Type=notify unit returns once the panel is listening (or failed).
        return Ok(status_report(&paths));
    }
    Ok(ExitCode::SUCCESS)
}

/// Says how to keep the service running with no login session, unless it already is.
fn linger_advice() {
    let user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_default();
    if user.is_empty() || Path::new("/var/lib/systemd/linger").join(&user).exists() {
        return;
    }
    println!(
        "Your user's services stop when you log out. To keep the panel running (and start it at boot):\n  sudo loginctl enable-linger {user}"
    );
}

/// `service uninstall`.
pub fn uninstall(args: ServiceUninstallArgs) -> ExitCode {
    report(uninstall_inner(args))
}

fn uninstall_inner(args: ServiceUninstallArgs) -> Result<ExitCode, ServiceError> {
    let paths = paths();
    if !paths.unit.exists() {
        println!("{} is not installed ({} does not exist)", UNIT_NAME, paths.unit.display());
        return Ok(ExitCode::SUCCESS);
    }
    if !args.no_stop {
        systemctl(&["disable", "--now", UNIT_NAME])?;
    }
    std::fs::remove_file(&paths.unit).map_err(|source| ServiceError::Remove { path: paths.unit.clone(), source })?;
    if !args.no_stop {
        systemctl(&["daemon-reload"])?;
    }
    println!("removed {}", paths.unit.display());
    println!(
        "kept the flags ({}) and the panel's data (admin password, certificate, history); remove them by hand if you want them gone",
        paths.env_file.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `service status`.
pub fn status(_args: ServiceStatusArgs) -> ExitCode {
    status_report(&paths())
}

fn status_report(paths: &Paths) -> ExitCode {
    let Ok(unit) = std::fs::read_to_string(&paths.unit) else {
        println!("not installed: {} does not exist; run `openclaw-auth-panel service install`", paths.unit.display());
        return ExitCode::from(4);
    };
    println!("installed: {}", paths.unit.display());
    let env_text = std::fs::read_to_string(&paths.env_file).unwrap_or_default();
    let bind =
        service_unit::env_value(&env_text, "OPENCLAW_PANEL_BIND").unwrap_or_else(|| "127.0.0.1:18785".to_owned());
    let tls = service_unit::env_value(&env_text, "OPENCLAW_PANEL_TLS")
        .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on"))
        || service_unit::env_value(&env_text, "OPENCLAW_PANEL_CERT").is_some();
    let data_dir = service_unit::unit_environment(&unit, "OPENCLAW_PANEL_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(crate::data_dir::default_data_dir);

    let running = match systemctl_show(&["ActiveState", "SubState", "MainPID"]) {
        Ok(props) => {
            let get = |k: &str| props.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str()).unwrap_or("?");
            println!("state: {} ({}), pid {}", get("ActiveState"), get("SubState"), get("MainPID"));
            get("ActiveState") == "active"
        }
        Err(e) => {
            println!("state: unknown ({e})");
            false
        }
    };
    let scheme = if tls { "https" } else { "http" };
    let authority = bind.replace("0.0.0.0", "127.0.0.1").replace("[::]", "[::1]");
    println!("address: {scheme}://{authority}/ (OPENCLAW_PANEL_BIND={bind} in {})", paths.env_file.display());
    match std::fs::read_to_string(data_dir.join(crate::auth::SETUP_URL_FILE)) {
        Ok(notice) => {
            println!("first start: no admin yet.");
            print!("{notice}");
        }
        Err(_) if data_dir.join("admin-password").exists() => {
            println!("admin set: log in at {scheme}://{authority}/login")
        }
        Err(_) => println!("no admin yet and no setup URL in {}: start the service to get one", data_dir.display()),
    }
    println!("logs: journalctl --user -u {UNIT_NAME}");
    if running { ExitCode::SUCCESS } else { ExitCode::from(3) }
}

fn systemctl(args: &[&str]) -> Result<(), ServiceError> {
    let output = Command::new("systemctl")
        .arg("--user")
        .args(args)
        .output()
        .map_err(|e| ServiceError::Systemctl { args: args.join(" "), detail: e.to_string() })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(ServiceError::Systemctl {
            args: args.join(" "),
            detail: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        })
    }
}

fn systemctl_show(properties: &[&str]) -> Result<Vec<(String, String)>, String> {
    let output = Command::new("systemctl")
        .args(["--user", "show", UNIT_NAME, "--property", &properties.join(",")])
        .output()
        .map_err(|e| format!("cannot run systemctl: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_owned());
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect())
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .and_then(|p| p.canonicalize().ok())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ServiceError> {
    let parent = path.parent().unwrap_or(Path::new("/"));
    std::fs::create_dir_all(parent).map_err(|source| ServiceError::Write { path: parent.to_path_buf(), source })?;
    let mut file = tempfile::NamedTempFile::new_in(parent)
        .map_err(|source| ServiceError::Write { path: path.to_path_buf(), source })?;
    std::io::Write::write_all(&mut file, bytes)
        .map_err(|source| ServiceError::Write { path: path.to_path_buf(), source })?;
    // A unit is read by the user's systemd only; 0644 as systemd's own are.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(file.path(), std::fs::Permissions::from_mode(0o644))
        .map_err(|source| ServiceError::Write { path: path.to_path_buf(), source })?;
    file.persist(path).map_err(|e| ServiceError::Write { path: path.to_path_buf(), source: e.error })?;
    Ok(())
}

/// The environment file may hold a certificate's key path or a public URL: 0600 in a 0700 dir.
fn write_private(path: &Path, bytes: &[u8]) -> Result<(), ServiceError> {
    let parent = path.parent().unwrap_or(Path::new("/"));
    crate::private_fs::create_dir(parent)
        .map_err(|source| ServiceError::Write { path: parent.to_path_buf(), source })?;
    crate::private_fs::write_atomic(path, bytes)
        .map_err(|source| ServiceError::Write { path: path.to_path_buf(), source })
}

/// `generate man|completions <DIR>`: the man pages (one per command) and shell completions,
/// from the command line's own definition (for `scripts/package.sh`).
pub fn generate(what: crate::cli::GenerateWhat, dir: &Path) -> ExitCode {
    use clap::CommandFactory;
    let result = (|| -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let command = crate::cli::Cli::command();
        match what {
            crate::cli::GenerateWhat::Man => clap_mangen::generate_to(command, dir),
            crate::cli::GenerateWhat::Completions => {
                use clap_complete::Shell;
                for shell in [Shell::Bash, Shell::Zsh, Shell::Fish] {
                    clap_complete::generate_to(shell, &mut crate::cli::Cli::command(), "openclaw-auth-panel", dir)?;
                }
                Ok(())
            }
        }
    })();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("openclaw-auth-panel: cannot write into {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}

/// `service unit --exec PATH`: the packaged unit (every path by systemd specifier) on stdout.
pub fn print_unit(exec: &Path) -> ExitCode {
    match service_unit::unit_path(exec) {
        Ok(exec) => {
            print!("{}", UnitSpec::packaged(&exec, VERSION).render());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("openclaw-auth-panel: {e}");
            ExitCode::from(2)
        }
    }
}
