//! The command line. Every flag has an environment fallback and says what it does.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Manage the model-provider credentials of an OpenClaw gateway host from a browser.
#[derive(Debug, Parser)]
#[command(name = "openclaw-auth-panel", version = crate::service_cmd::VERSION, about, long_about = None)]
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
    /// Change credentials as `openclaw models auth …` does (paste-token, paste-api-key, order,
    /// remove, clear-cooldown), in every storage era. Secrets are read from stdin, never argv.
    Auth(AuthArgs),
    /// Edit `<state-dir>/.env` one line at a time (set: value from stdin; unset).
    Env(EnvArgs),
    /// Auth status of one agent, computed as `openclaw models status` does; with --check, exit 0
    /// (ok), 1 (expired or missing) or 2 (expiring within 24 h).
    Status(StatusArgs),
    /// Find auth problems (expired or expiring tokens, cooldowns, orders naming missing profiles,
    /// config and store disagreeing, file modes, stale locks, legacy files, ...), each with what to
    /// do. Exit 1 when an error is found, else 2 when a warning is, else 0.
    Doctor(DoctorArgs),
    /// Check credentials live against their providers, at zero token cost where the provider
    /// allows (Anthropic API keys, OpenAI and compatible, OpenRouter, Gemini: a model or key
    /// listing); an Anthropic setup token only with --allow-billed (one output token). Writes
    /// nothing: no cooldown, no usage. Exit 0 (all ok), 1 (one failed: invalid, wrong type,
    /// Claude-Code-only, expired, billing, region, unreachable, timed out), 2 (only warnings: rate
    /// limited, unknown answer, not checked).
    Probe(ProbeArgs),
    /// The running OpenClaw gateway of this state dir (`gateway status`): where it listens,
    /// whether it answers, and whether the panel can log in to apply changes.
    Gateway(GatewayArgs),
    /// Alerts pushed before a credential dies: channels (ntfy, a signed webhook, e-mail), what
    /// holds now and what was delivered (`list`), a test message (`test`), and one evaluation for
    /// cron (`check --once`, exit codes as `status --check`). `serve` evaluates by itself every
    /// --alert-interval minutes and after every write.
    Alerts(AlertsArgs),
    /// Run the panel as a systemd user service of this user (the one OpenClaw's gateway runs as):
    /// `install` writes the unit and starts it at every login (or boot, with lingering),
    /// `status` shows whether it runs, where, and the setup URL of a first start, `uninstall`
    /// removes it.
    Service(ServiceArgs),
    /// Write the man pages or the shell completions (bash, zsh, fish) into a directory.
    #[command(hide = true)]
    Generate {
        #[arg(value_enum)]
        what: GenerateWhat,
        /// The directory to write into (created if needed).
        #[arg(value_name = "DIR")]
        dir: PathBuf,
    },
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

    /// The `openclaw` command the Doctor page runs (`openclaw doctor --lint --json`, read-only).
    /// Default: the first `openclaw` on PATH.
    #[arg(long, env = "OPENCLAW_PANEL_OPENCLAW_BIN", value_name = "FILE")]
    pub openclaw_bin: Option<PathBuf>,

    /// Seconds OpenClaw's doctor may run before it is stopped.
    #[arg(long, env = "OPENCLAW_PANEL_OPENCLAW_TIMEOUT", default_value_t = 120, value_name = "SECS")]
    pub openclaw_timeout: u64,

    /// Seconds a live check of one credential may take (the page's *Check*; at most 25).
    #[arg(long, env = "OPENCLAW_PANEL_PROBE_TIMEOUT", default_value_t = 10, value_name = "SECONDS")]
    pub probe_timeout: u64,

    /// Minutes between the alert monitor's evaluations (it also evaluates at start and right after
    /// every write); 0 turns the monitor off.
    #[arg(long, env = "OPENCLAW_PANEL_ALERT_INTERVAL", default_value_t = 10, value_name = "MINUTES")]
    pub alert_interval: u64,

    /// Minutes within which the same alert (condition and level) is sent once only.
    #[arg(long, env = "OPENCLAW_PANEL_ALERT_WINDOW", default_value_t = 60, value_name = "MINUTES")]
    pub alert_window: u64,

    /// The panel's address as admins open it (`https://gw.lan:18785`), for the links in alerts.
    /// Default: the address it listens on.
    #[arg(long, env = "OPENCLAW_PANEL_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,

    /// Serve the site (wasm, JS, CSS) from this built site directory instead of the one built into
    /// the binary.
    #[arg(long, env = "OPENCLAW_PANEL_SITE_ROOT", value_name = "DIR")]
    pub site_root: Option<PathBuf>,
}

/// The panel's own files.
#[derive(Debug, Args, Clone)]
pub struct DataDirArgs {
    /// The panel's own data dir (0700): admin password hash, setup URL, monitoring token, TLS
    /// certificate, the device key for 2026.3.x gateways. Default: $XDG_STATE_HOME/openclaw-auth-panel, else
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

#[derive(Debug, Args)]
pub struct ProbeArgs {
    #[command(flatten)]
    pub state: StateArgs,

    /// History of the checks goes to the audit log in this data dir.
    #[command(flatten)]
    pub data: DataDirArgs,

    /// Only this agent's profiles (and the environment keys it uses).
    #[arg(long, value_name = "ID")]
    pub agent: Option<String>,

    /// Only this provider's credentials.
    #[arg(long, value_name = "PROVIDER")]
    pub provider: Option<String>,

    /// Only this profile id (or `env: VAR` for an environment key).
    #[arg(long, value_name = "ID")]
    pub profile: Option<String>,

    /// Where no free check exists (Anthropic setup tokens), send a one-token request; it is
    /// billed to the credential's account. Without it, such credentials are "not checked".
    #[arg(long)]
    pub allow_billed: bool,

    /// Seconds each check may take.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    pub timeout: u64,

    /// Print the results as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct GatewayArgs {
    #[command(subcommand)]
    pub command: GatewayCommand,
}

#[derive(Debug, Subcommand)]
pub enum GatewayCommand {
    /// Port (and where it came from), whether the gateway answers (/healthz, /readyz), its version,
    /// and whether the panel can log in to its RPC as an operator, with what to do if not. Exit 0
    /// (connected), 1 (not running), 2 (running, but not ready or the panel cannot log in).
    Status(GatewayStatusArgs),
    /// Make the running gateway use the credentials on disk for an agent, without a restart:
    /// `models.authRefresh` (2026.9+) or `secrets.reload` (2026.5), then list what the gateway now
    /// holds (`models.authStatus`). Exit 0 (applied), 1 (not running: it reads the disk at its
    /// next start), 2 (cannot apply: the panel cannot log in, or the gateway needs a restart).
    Apply(GatewayApplyArgs),
    /// Restart the running gateway so it loads what only a start reads (a new `.env` key; any
    /// change on 2026.3.x), the way its install supports: `systemctl --user restart` when a
    /// systemd user unit runs it (a full stop and start, which also loads changed `.env`
    /// values), else the gateway's own `gateway.restart.request` (2026.5+), else a signal to its
    /// process (SIGUSR1 on 2026.3/2026.5, SIGUSR2 on 2026.6+). Asks first unless --yes; then
    /// waits until it is ready again (/readyz, or the WebSocket on 2026.3.x), printing each step.
    /// Exit 0 (restarted and ready), 1 (not running), 2 (not restarted, or not ready in time).
    Restart(GatewayRestartArgs),
}

#[derive(Debug, Args)]
pub struct GatewayRestartArgs {
    #[command(flatten)]
    pub state: StateArgs,

    #[command(flatten)]
    pub data: DataDirArgs,

    /// Restart without asking (needed when stdin is not a terminal).
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// How long to wait for the gateway to be ready again, in seconds.
    #[arg(long, default_value_t = 120, value_name = "SECONDS")]
    pub timeout: u64,

    /// Print the outcome as JSON (the steps go to stderr).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct GatewayApplyArgs {
    #[command(flatten)]
    pub state: StateArgs,

    #[command(flatten)]
    pub data: DataDirArgs,

    /// The agent whose credentials changed (default: the default agent, usually `main`).
    #[arg(long, value_name = "ID")]
    pub agent: Option<String>,

    /// Print the outcome as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct GatewayStatusArgs {
    #[command(flatten)]
    pub state: StateArgs,

    /// Where the panel keeps its device key for 2026.3.x gateways.
    #[command(flatten)]
    pub data: DataDirArgs,

    /// Print the status as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub state: StateArgs,

    /// Print the report as JSON (`findings[]` with check id, severity, message, path, fix hint and
    /// the fix the panel can apply).
    #[arg(long)]
    pub json: bool,

    /// List the checks instead of running them.
    #[arg(long)]
    pub list: bool,
}

/// Flags every write command takes.
#[derive(Debug, Args, Clone)]
pub struct WriteArgs {
    #[command(flatten)]
    pub state: StateArgs,

    #[command(flatten)]
    pub data: DataDirArgs,

    /// Print what changed as JSON (masked secrets, files, hints, whether to restart the gateway).
    #[arg(long)]
    pub json: bool,

    /// Refuse the write if the store changed since this version (from a previous `--json`
    /// output's `version`), instead of writing over someone else's change.
    #[arg(long, value_name = "VERSION")]
    pub if_version: Option<String>,

    /// After the write, make the running gateway use it (as `gateway apply`) and say what it
    /// confirmed; with --json, in a `gateway` object.
    #[arg(long)]
    pub apply: bool,
}

#[derive(Debug, Args)]
pub struct AuthArgs {
    #[command(subcommand)]
    pub command: AuthCommand,
}

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Store a token (e.g. from `claude setup-token` on another machine), read from stdin.
    PasteToken(PasteTokenArgs),
    /// Store an API key, read from stdin: in the agent's store, or with `--to env` in
    /// `<state-dir>/.env` as the provider's `*_API_KEY` variable.
    PasteApiKey(PasteApiKeyArgs),
    /// Show, set or clear the stored order of a provider's profiles.
    Order(OrderArgs),
    /// Remove a profile, and every reference to it (stored and configured orders, usage stats,
    /// config `auth.profiles`).
    Remove(ProfileArgs),
    /// Clear a profile's cooldown or disable (and its failure counts).
    ClearCooldown(ProfileArgs),
}

#[derive(Debug, Args)]
pub struct PasteTokenArgs {
    /// Provider id, e.g. anthropic.
    #[arg(long)]
    pub provider: String,
    /// Profile id (default `<provider>:manual`); a bare name is slugged under the provider.
    #[arg(long)]
    pub profile_id: Option<String>,
    /// Expiry: 365d, 12h, 30m, 1h30m; a bare number is days. Without it the token is `static`.
    #[arg(long, value_name = "DURATION")]
    pub expires_in: Option<String>,
    /// The agent (default: the default agent).
    #[arg(long)]
    pub agent: Option<String>,
    /// Refuse instead of only printing hints (e.g. a value cut at a line break).
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub write: WriteArgs,
}

/// Where `paste-api-key` stores the key.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum KeyDestination {
    Store,
    Env,
}

#[derive(Debug, Args)]
pub struct PasteApiKeyArgs {
    /// Provider id, e.g. openai.
    #[arg(long)]
    pub provider: String,
    /// Profile id (default `<provider>:manual`); ignored with `--to env`.
    #[arg(long)]
    pub profile_id: Option<String>,
    /// The agent (default: the default agent); ignored with `--to env` (.env is for all agents).
    #[arg(long)]
    pub agent: Option<String>,
    /// `store` (the agent's auth store) or `env` (`<state-dir>/.env`).
    #[arg(long, value_enum, default_value = "store")]
    pub to: KeyDestination,
    /// Refuse instead of only printing hints (e.g. a setup token given as an API key).
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Debug, Args)]
pub struct OrderArgs {
    #[command(subcommand)]
    pub command: OrderCommand,
}

#[derive(Debug, Subcommand)]
pub enum OrderCommand {
    /// Print the stored order (one id per line; nothing when there is none).
    Get {
        #[arg(long)]
        provider: String,
        #[arg(long)]
        agent: Option<String>,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Set the stored order: profile ids, first tried first.
    Set {
        #[arg(long)]
        provider: String,
        #[arg(long)]
        agent: Option<String>,
        #[arg(required = true, value_name = "PROFILE_ID")]
        ids: Vec<String>,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Clear the stored order (config `auth.order`, else OpenClaw's default order applies).
    Clear {
        #[arg(long)]
        provider: String,
        #[arg(long)]
        agent: Option<String>,
        #[command(flatten)]
        write: WriteArgs,
    },
}

#[derive(Debug, Args)]
pub struct ProfileArgs {
    /// The profile id, e.g. anthropic:manual.
    pub profile_id: String,
    #[arg(long)]
    pub agent: Option<String>,
    #[command(flatten)]
    pub write: WriteArgs,
}

#[derive(Debug, Args)]
pub struct EnvArgs {
    #[command(subcommand)]
    pub command: EnvCommand,
}

#[derive(Debug, Subcommand)]
pub enum EnvCommand {
    /// Set KEY to the value read from stdin (one line; a value with a line break is refused).
    Set {
        key: String,
        #[command(flatten)]
        write: WriteArgs,
    },
    /// Remove every line that defines KEY.
    Unset {
        key: String,
        #[command(flatten)]
        write: WriteArgs,
    },
}

#[derive(Debug, Args)]
pub struct AlertsArgs {
    #[command(subcommand)]
    pub command: AlertsCommand,
}

#[derive(Debug, Subcommand)]
pub enum AlertsCommand {
    /// The channels (secrets masked) with their health, what holds now, and the last deliveries.
    List(AlertsListArgs),
    /// Add a channel. The secret (ntfy access token, webhook signing secret, SMTP password) is
    /// read from stdin with --secret-stdin, never from argv.
    Add(AlertsAddArgs),
    /// Remove a channel (by id or name).
    Remove(AlertsRemoveArgs),
    /// Send a test message to one channel (by id or name), or to every channel with --all.
    /// Exit 0 when every test was delivered, 1 otherwise.
    Test(AlertsTestArgs),
    /// Evaluate once (for cron): send what changed since the last evaluation, retry what failed,
    /// print what holds. Exit as `status --check`: 0 nothing, 1 an error-level alert holds
    /// (expired, missing, disabled, …), 2 only warnings (expiring, cooldown, …).
    Check(AlertsCheckArgs),
}

#[derive(Debug, Args)]
pub struct AlertsListArgs {
    #[command(flatten)]
    pub data: DataDirArgs,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AlertsAddArgs {
    #[command(flatten)]
    pub data: DataDirArgs,
    /// ntfy, webhook or email.
    #[arg(value_name = "KIND")]
    pub kind: String,
    /// A name for the channel (shown in lists and History).
    #[arg(long)]
    pub name: String,
    /// The least severe alert it takes: info (recoveries too), warning, error.
    #[arg(long, default_value = "warning", value_name = "SEVERITY")]
    pub min_severity: String,
    /// ntfy: the topic URL (`https://ntfy.sh/<topic>`); webhook: the URL to POST to.
    #[arg(long)]
    pub url: Option<String>,
    /// Read the secret (ntfy token, webhook signing secret, SMTP password) as one line from stdin.
    #[arg(long)]
    pub secret_stdin: bool,
    /// E-mail: the SMTP server.
    #[arg(long, value_name = "HOST")]
    pub smtp_host: Option<String>,
    /// E-mail: its port (default 587 for starttls, 465 for tls).
    #[arg(long, value_name = "PORT")]
    pub smtp_port: Option<u16>,
    /// E-mail: starttls (default), tls, or none (only to a relay on this host).
    #[arg(long, value_name = "MODE")]
    pub smtp_security: Option<String>,
    /// E-mail: the login (with --secret-stdin for its password).
    #[arg(long, value_name = "USER")]
    pub smtp_user: Option<String>,
    /// E-mail: the sender address.
    #[arg(long, value_name = "ADDRESS")]
    pub from: Option<String>,
    /// E-mail: recipients, separated by commas.
    #[arg(long, value_name = "ADDRESSES")]
    pub to: Option<String>,
}

#[derive(Debug, Args)]
pub struct AlertsRemoveArgs {
    #[command(flatten)]
    pub data: DataDirArgs,
    /// The channel's id or name.
    pub channel: String,
}

#[derive(Debug, Args)]
pub struct AlertsTestArgs {
    #[command(flatten)]
    pub data: DataDirArgs,
    /// The channel's id or name.
    #[arg(required_unless_present = "all")]
    pub channel: Option<String>,
    /// Test every channel.
    #[arg(long, conflicts_with = "channel")]
    pub all: bool,
    /// The panel's address for the message's link [default: the one the last `serve` with this
    /// data dir used]
    #[arg(long, env = "OPENCLAW_PANEL_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct AlertsCheckArgs {
    #[command(flatten)]
    pub state: StateArgs,
    #[command(flatten)]
    pub data: DataDirArgs,
    /// Evaluate once and exit (required: the monitor that keeps running is `serve`'s).
    #[arg(long, required = true)]
    pub once: bool,
    /// One message per condition and level per this many minutes.
    #[arg(long, default_value_t = 60, value_name = "MINUTES")]
    pub window: u64,
    /// The panel's address for the links in alerts [default: the one the last `serve` with this
    /// data dir used]
    #[arg(long, env = "OPENCLAW_PANEL_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// Do not ask the running gateway (no "differs from disk" or "stopped" alerts).
    #[arg(long)]
    pub no_gateway: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum GenerateWhat {
    /// Man pages: openclaw-auth-panel.1 and one per command.
    Man,
    /// Shell completions for bash, zsh and fish.
    Completions,
}

#[derive(Debug, Args)]
pub struct ServiceArgs {
    #[command(subcommand)]
    pub command: ServiceCommand,
}

#[derive(Debug, Subcommand)]
pub enum ServiceCommand {
    /// Write ~/.config/systemd/user/openclaw-auth-panel.service (this binary, the state and data
    /// dirs) and its flags file ~/.config/openclaw-auth-panel/panel.env, then
    /// `systemctl --user daemon-reload` and `enable --now`. Run again after an upgrade or to
    /// change a flag given here; other flags: edit the flags file.
    Install(ServiceInstallArgs),
    /// Stop and disable the service and remove its unit. The flags file and the panel's data
    /// (admin password, certificate, history) are kept.
    Uninstall(ServiceUninstallArgs),
    /// Whether the service is installed and running, its address, and the setup URL of a first
    /// start. Exit 0 running, 3 installed but not running, 4 not installed.
    Status(ServiceStatusArgs),
    /// Print the unit as the Debian package ships it (paths by systemd specifier), for packagers.
    #[command(hide = true)]
    Unit {
        /// The binary's installed path.
        #[arg(long, value_name = "FILE", default_value = "/usr/bin/openclaw-auth-panel")]
        exec: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ServiceInstallArgs {
    /// A user unit, run as you (the default, and the only kind: the panel manages your
    /// ~/.openclaw, as OpenClaw's gateway service runs as you).
    #[arg(long, default_value_t = true)]
    pub user: bool,

    /// OpenClaw's state directory the service manages. Default: as `serve` finds it now
    /// ($OPENCLAW_STATE_DIR, else ~/.openclaw), written into the unit.
    #[arg(long, env = "OPENCLAW_STATE_DIR", value_name = "DIR")]
    pub state_dir: Option<PathBuf>,

    #[command(flatten)]
    pub data: DataDirArgs,

    /// The address the service listens on (OPENCLAW_PANEL_BIND in the flags file). Default:
    /// 127.0.0.1:18785, or what the flags file already says.
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<SocketAddr>,

    /// Serve HTTPS with the self-signed certificate (OPENCLAW_PANEL_TLS in the flags file).
    #[arg(long)]
    pub tls: bool,

    /// Write the files only; print the systemctl commands instead of running them.
    #[arg(long)]
    pub no_start: bool,
}

#[derive(Debug, Args)]
pub struct ServiceUninstallArgs {
    /// A user unit (the default and only kind).
    #[arg(long, default_value_t = true)]
    pub user: bool,

    /// Remove the unit file only; do not call systemctl.
    #[arg(long)]
    pub no_stop: bool,
}

#[derive(Debug, Args)]
pub struct ServiceStatusArgs {
    /// A user unit (the default and only kind).
    #[arg(long, default_value_t = true)]
    pub user: bool,
}
