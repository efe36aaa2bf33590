//! The command line. Every flag has an environment fallback and says what it does.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Manage the model-provider credentials of an OpenClaw gateway host from a browser.
#[derive(Debug, Parser)]
#[command(name = "openclaw-auth-panel", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the panel. With no admin yet, prints a one-time setup URL (valid 15 minutes).
    Serve(ServeArgs),
    /// Set the admin password (the only recovery when it is lost). Reads it twice from the
    /// terminal without echo, or one line from stdin when piped. Open sessions end at their next
    /// request; no restart needed.
    ResetPassword(ResetPasswordArgs),
    /// Auth status of one agent, computed as `openclaw models status` does; with --check, exit 0
    /// (ok), 1 (expired or missing) or 2 (expiring within 24 h).
    Status(StatusArgs),
    /// Write the demo state (sample profiles of every type, state and storage era) into a
    /// directory, for tests and screenshots. The secrets in it are fake.
    #[command(hide = true)]
    SeedDemo {
        /// The state directory to create (must not exist yet, or be empty).
        #[arg(long, value_name = "DIR")]
        state_dir: PathBuf,
    },
}

/// Where OpenClaw's state is; shared by every command that reads it.
#[derive(Debug, Args, Clone)]
pub struct StateArgs {
    /// OpenClaw's state directory. Default: $OPENCLAW_STATE_DIR, else ($OPENCLAW_HOME or $HOME)/.openclaw.
    #[arg(long, env = "OPENCLAW_STATE_DIR", value_name = "DIR")]
    pub state_dir: Option<PathBuf>,

    /// OpenClaw's config file. Default: $OPENCLAW_CONFIG_PATH, else <state-dir>/openclaw.json.
    #[arg(long, env = "OPENCLAW_CONFIG_PATH", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Ignore credentials in this process's own environment (ANTHROPIC_API_KEY, ...); `.env` and
    /// config `env` are still read.
    #[arg(long, env = "OPENCLAW_PANEL_NO_PROCESS_ENV")]
    pub no_process_env: bool,

    /// Apply the status rules of this OpenClaw version (e.g. 2026.5.28) instead of the version
    /// recorded in the state (meta.lastTouchedVersion, else the storage era).
    #[arg(long, env = "OPENCLAW_PANEL_OPENCLAW_VERSION", value_name = "VERSION")]
    pub openclaw_version: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub state: StateArgs,

    /// Address to listen on. A LAN address (e.g. 0.0.0.0:18785) needs --tls, or shows every page
    /// with a warning that passwords and keys cross the network unencrypted.
    #[arg(long, env = "OPENCLAW_PANEL_BIND", default_value = "127.0.0.1:18785", value_name = "ADDR")]
    pub bind: SocketAddr,

    /// Serve HTTPS with a self-signed certificate made at first start and kept in the data dir;
    /// its SHA-256 fingerprint is printed so you can check what the browser shows.
    #[arg(long, env = "OPENCLAW_PANEL_TLS")]
    pub tls: bool,

    /// Serve HTTPS with your own certificate (PEM, leaf first); needs --key.
    #[arg(long, env = "OPENCLAW_PANEL_CERT", value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,

    /// The private key (PEM) of --cert.
    #[arg(long, env = "OPENCLAW_PANEL_KEY", value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,

    /// Reverse proxies whose X-Forwarded-For header is believed for rate limits (IP addresses;
    /// repeat or separate with commas). From anyone else the header is ignored.
    #[arg(long = "trusted-proxy", env = "OPENCLAW_PANEL_TRUSTED_PROXIES", value_delimiter = ',', value_name = "IP")]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Extra host names the panel answers to (besides its bind address, localhost, 127.0.0.1 and
    /// [::1]); requests for any other `Host` are refused, against DNS rebinding. Repeat the flag or
    /// separate names with commas.
    #[arg(long = "allowed-host", env = "OPENCLAW_PANEL_ALLOWED_HOSTS", value_delimiter = ',', value_name = "NAME")]
    pub allowed_hosts: Vec<String>,

    /// Serve a temporary state dir seeded with sample profiles of every type and state (no
    /// OpenClaw needed). Ignores --state-dir and --config.
    #[arg(long, env = "OPENCLAW_PANEL_DEMO")]
    pub demo: bool,

    #[command(flatten)]
    pub data: DataDirArgs,

    /// The built site (wasm, JS, CSS). Default: target/site under the current directory, else next
    /// to the binary (../site).
    #[arg(long, env = "OPENCLAW_PANEL_SITE_ROOT", value_name = "DIR")]
    pub site_root: Option<PathBuf>,
}

/// The panel's own files.
#[derive(Debug, Args, Clone)]
pub struct DataDirArgs {
    /// The panel's own data dir (0700): admin password hash, setup URL, monitoring token, TLS
    /// certificate. Default: $XDG_STATE_HOME/openclaw-auth-panel, else
    /// ~/.local/state/openclaw-auth-panel.
    #[arg(long, env = "OPENCLAW_PANEL_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

impl DataDirArgs {
    pub fn resolve(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(crate::data_dir::default_data_dir)
    }
}

#[derive(Debug, Args)]
pub struct ResetPasswordArgs {
    #[command(flatten)]
    pub data: DataDirArgs,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub state: StateArgs,

    /// The agent to report on (default: the default agent, usually `main`).
    #[arg(long, value_name = "ID")]
    pub agent: Option<String>,

    /// Print OpenClaw-compatible JSON (`auth.oauth.profiles[]`, `auth.providers[]`, ...) plus a
    /// `panel` object with the era, store path and effective order.
    #[arg(long)]
    pub json: bool,

    /// Exit with OpenClaw's codes: 0 ok, 1 expired or missing, 2 expiring within 24 h.
    #[arg(long)]
    pub check: bool,
}
