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
    /// Serve the panel (read-only profiles page) on a loopback address.
    Serve(ServeArgs),
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

    /// Address to listen on. Only loopback addresses are accepted until login protection exists;
    /// reach the panel from another machine with `ssh -L 18785:127.0.0.1:18785 <gateway-host>`.
    #[arg(long, env = "OPENCLAW_PANEL_BIND", default_value = "127.0.0.1:18785", value_name = "ADDR")]
    pub bind: SocketAddr,

    /// Extra host names the panel answers to (besides its bind address, localhost, 127.0.0.1 and
    /// [::1]); requests for any other `Host` are refused, against DNS rebinding. Repeat the flag or
    /// separate names with commas.
    #[arg(long = "allowed-host", env = "OPENCLAW_PANEL_ALLOWED_HOSTS", value_delimiter = ',', value_name = "NAME")]
    pub allowed_hosts: Vec<String>,

    /// Serve a temporary state dir seeded with sample profiles of every type and state (no
    /// OpenClaw needed). Ignores --state-dir and --config.
    #[arg(long, env = "OPENCLAW_PANEL_DEMO")]
    pub demo: bool,

    /// The panel's own data dir (0700): the monitoring token now. Default:
    /// $XDG_STATE_HOME/openclaw-auth-panel, else ~/.local/state/openclaw-auth-panel.
    #[arg(long, env = "OPENCLAW_PANEL_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// The built site (wasm, JS, CSS). Default: target/site under the current directory, else next
    /// to the binary (../site).
    #[arg(long, env = "OPENCLAW_PANEL_SITE_ROOT", value_name = "DIR")]
    pub site_root: Option<PathBuf>,
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
