//! The systemd user unit of the panel and its environment file, as `service install` writes them
//! and as the Debian package ships the unit (`service unit`). Text only: no file or process
//! access here.
//!
//! The unit runs `openclaw-auth-panel serve` as the user whose OpenClaw state it manages (the
//! gateway's own service is a user unit too), `Type=notify` (ready once listening), restarted on
//! failure, sandboxed to what it needs: the system read-only, the home read-only but for the
//! OpenClaw state dir and the panel's data dir, a private /tmp, IP and Unix sockets only, the
//! `@system-service` system calls. Only directives a per-user service manager supports
//! (systemd.exec(5)): the mount namespaces through `PrivateUsers=yes`, no `ProtectControlGroups=`.
//!
//! Invariants: flags live in the environment file, never in `ExecStart=`, so an upgrade that
//! rewrites the unit keeps them; the state and data dirs are in the unit itself, because the
//! sandbox's `ReadWritePaths=` must name the same dirs the panel writes; every path is checked
//! and `%`-escaped, so no path can inject a directive.

use std::path::Path;

/// The unit's file name.
pub const UNIT_NAME: &str = "openclaw-auth-panel.service";

/// Where the panel's files are, as unit text (absolute paths, or systemd specifiers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitSpec {
    /// The binary (`ExecStart=`).
    pub exec: String,
    /// The environment file with the flags.
    pub env_file: String,
    /// `OPENCLAW_STATE_DIR` for the service; `None`: the panel's default (`~/.openclaw`).
    pub state_dir: Option<String>,
    /// `OPENCLAW_PANEL_DATA_DIR` for the service; `None`: the panel's default
    /// (`$XDG_STATE_HOME/openclaw-auth-panel`, which is `%S/openclaw-auth-panel`).
    pub data_dir: Option<String>,
    /// The version and revision of the binary that wrote the unit (in its header comment).
    pub version: String,
}

/// A path that cannot go into a unit file as it is.
#[derive(Debug, thiserror::Error)]
#[error(
    "{0} cannot be written into a systemd unit (it is not absolute, or holds a quote, a backslash or a line break): choose another path"
)]
pub struct UnsafePath(pub String);

/// `path` as unit text: absolute, UTF-8, `%` escaped as `%%`, no characters that end or quote a value.
pub fn unit_path(path: &Path) -> Result<String, UnsafePath> {
    let text = path.to_str().ok_or_else(|| UnsafePath(path.display().to_string()))?;
    if !path.is_absolute() || text.chars().any(|c| matches!(c, '"' | '\'' | '\\' | '\n' | '\r') || c.is_control()) {
        return Err(UnsafePath(text.to_owned()));
    }
    Ok(text.replace('%', "%%"))
}

/// Quotes a unit path that holds a space (systemd splits lists and command lines on spaces).
fn quoted(text: &str) -> String {
    if text.contains(' ') || text.contains('\t') { format!("\"{text}\"") } else { text.to_owned() }
}

impl UnitSpec {
    /// The unit the Debian package ships in `/usr/lib/systemd/user/`: every path by specifier, so
    /// it serves any user (`%h` home, `%E` the config home, `%S` the state home).
    pub fn packaged(exec: &str, version: &str) -> Self {
        Self {
            exec: exec.to_owned(),
            env_file: "%E/openclaw-auth-panel/panel.env".to_owned(),
            state_dir: None,
            data_dir: None,
            version: version.to_owned(),
        }
    }

    /// The unit's text.
    pub fn render(&self) -> String {
        let state = self.state_dir.clone().unwrap_or_else(|| "%h/.openclaw".to_owned());
        let data = self.data_dir.clone().unwrap_or_else(|| "%S/openclaw-auth-panel".to_owned());
        let mut environment = String::new();
        for (name, value) in [("OPENCLAW_STATE_DIR", &self.state_dir), ("OPENCLAW_PANEL_DATA_DIR", &self.data_dir)] {
            if let Some(value) = value {
                environment.push_str(&format!("Environment=\"{name}={value}\"\n"));
            }
        }
        format!(
            "\
# OpenClaw Auth Panel as a systemd user service, written by openclaw-auth-panel {version}.
# Flags (address, TLS, ...): edit {env_file}, then
#   systemctl --user restart openclaw-auth-panel
# Other state or data dirs: run `openclaw-auth-panel service install --state-dir ... --data-dir ...`
# again (the sandbox below must name the dirs the panel writes).
[Unit]
Description=OpenClaw Auth Panel (model-provider credentials of the OpenClaw gateway)
Documentation=man:openclaw-auth-panel(1)
StartLimitIntervalSec=300
StartLimitBurst=5

[Service]
Type=notify
NotifyAccess=main
ExecStart={exec} serve
EnvironmentFile=-{env_file}
{environment}Restart=on-failure
RestartSec=5s
TimeoutStartSec=60s
# The panel drains in-flight requests for at most 5 s after SIGTERM.
TimeoutStopSec=15s
UMask=0077

# Sandbox: read-only system and home, but for OpenClaw's state and the panel's own data. A user
# manager sets up the namespaces below only inside a user namespace of the service's own
# (PrivateUsers=yes; the user stays itself in it, others appear as nobody).
PrivateUsers=yes
NoNewPrivileges=yes
ProtectSystem=strict
ProtectHome=read-only
ReadWritePaths=-{state_rw} -{data_rw}
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectClock=yes
ProtectHostname=yes
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallErrorNumber=EPERM

[Install]
WantedBy=default.target
",
            version = self.version,
            exec = quoted(&self.exec),
            env_file = quoted(&self.env_file),
            state_rw = quoted(&state),
            data_rw = quoted(&data),
        )
    }
}

/// The environment file's text on first install: the flags `serve` reads, the given ones set,
/// the common others as comments.
pub fn env_file(settings: &[(&str, String)]) -> String {
    let mut text = String::from(
        "# Flags of the OpenClaw Auth Panel service: each `serve` flag has a variable (see\n\
         # `openclaw-auth-panel serve --help` or `man openclaw-auth-panel-serve`). After a change:\n\
         #   systemctl --user restart openclaw-auth-panel\n",
    );
    let commented = [
        ("OPENCLAW_PANEL_BIND", "127.0.0.1:18785"),
        ("OPENCLAW_PANEL_TLS", "true"),
        ("OPENCLAW_PANEL_ALLOWED_HOSTS", "gateway.lan"),
        ("OPENCLAW_PANEL_PUBLIC_URL", "https://gateway.lan:18785"),
        ("OPENCLAW_PANEL_OPENCLAW_BIN", "/usr/local/bin/openclaw"),
        ("OPENCLAW_PANEL_LOG", "info"),
    ];
    for (name, example) in commented {
        match settings.iter().find(|(n, _)| *n == name) {
            Some((_, value)) => text.push_str(&format!("{name}={value}\n")),
            None => text.push_str(&format!("#{name}={example}\n")),
        }
    }
    for (name, value) in settings {
        if !commented.iter().any(|(n, _)| n == name) {
            text.push_str(&format!("{name}={value}\n"));
        }
    }
    text
}

/// `text` (an environment file) with `settings` set: an existing line for the variable, set or
/// commented out, is replaced in place; a new one is appended. Every other line is kept.
pub fn update_env_file(text: &str, settings: &[(&str, String)]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for (name, value) in settings {
        let line = format!("{name}={value}");
        let existing = lines.iter().position(|l| {
            let l = l.trim_start().trim_start_matches('#').trim_start();
            l.strip_prefix(name).is_some_and(|rest| rest.starts_with('='))
        });
        match existing {
            Some(i) => lines[i] = line,
            None => lines.push(line),
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// The value of `name` in an environment file (the last uncommented assignment), unquoted.
pub fn env_value(text: &str, name: &str) -> Option<String> {
    text.lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix(name)?.strip_prefix('='))
        .map(|v| v.trim().trim_matches('"').trim_matches('\'').to_owned())
}

/// The value of `Environment="NAME=value"` in a unit written by [`UnitSpec::render`].
pub fn unit_environment(unit: &str, name: &str) -> Option<String> {
    unit.lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("Environment=")?.trim_matches('"').strip_prefix(name)?.strip_prefix('='))
        .map(|v| v.replace("%%", "%"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_escaped_and_unsafe_ones_refused() {
        assert_eq!(unit_path(Path::new("/home/ann/100%/.openclaw")).unwrap(), "/home/ann/100%%/.openclaw");
        for bad in ["relative/dir", "/tmp/a\nExecStartPre=/bin/sh", "/tmp/\"quoted\"", "/tmp/back\\slash"] {
            assert!(unit_path(Path::new(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_unit_names_the_dirs_it_may_write_and_keeps_flags_out_of_exec_start() {
        let spec = UnitSpec {
            exec: "/opt/panel bin/openclaw-auth-panel".to_owned(),
            env_file: "/home/ann/.config/openclaw-auth-panel/panel.env".to_owned(),
            state_dir: Some("/srv/openclaw state".to_owned()),
            data_dir: Some("/home/ann/.local/state/openclaw-auth-panel".to_owned()),
            version: "0.1.0 (abc)".to_owned(),
        };
        let unit = spec.render();
        assert!(unit.contains("\nExecStart=\"/opt/panel bin/openclaw-auth-panel\" serve\n"));
        assert!(unit.contains("\nType=notify\n"));
        assert!(
            unit.contains("\nReadWritePaths=-\"/srv/openclaw state\" -/home/ann/.local/state/openclaw-auth-panel\n")
        );
        assert!(unit.contains("\nEnvironment=\"OPENCLAW_STATE_DIR=/srv/openclaw state\"\n"));
        assert_eq!(unit_environment(&unit, "OPENCLAW_STATE_DIR").as_deref(), Some("/srv/openclaw state"));
        assert_eq!(
            unit_environment(&unit, "OPENCLAW_PANEL_DATA_DIR").as_deref(),
            Some("/home/ann/.local/state/openclaw-auth-panel")
        );
        let packaged = UnitSpec::packaged("/usr/bin/openclaw-auth-panel", "0.1.0").render();
        assert!(packaged.contains("ReadWritePaths=-%h/.openclaw -%S/openclaw-auth-panel\n"));
        assert!(!packaged.contains("Environment="));
    }

    #[test]
    fn an_existing_environment_file_keeps_its_other_lines() {
        let first = env_file(&[("OPENCLAW_PANEL_BIND", "0.0.0.0:18785".to_owned())]);
        assert_eq!(env_value(&first, "OPENCLAW_PANEL_BIND").as_deref(), Some("0.0.0.0:18785"));
        assert_eq!(env_value(&first, "OPENCLAW_PANEL_TLS"), None, "commented out");
        let edited = format!("{first}OPENCLAW_PANEL_PUBLIC_URL=https://gw.lan:18785\n");
        let updated = update_env_file(&edited, &[("OPENCLAW_PANEL_TLS", "true".to_owned())]);
        assert_eq!(env_value(&updated, "OPENCLAW_PANEL_TLS").as_deref(), Some("true"));
        assert_eq!(env_value(&updated, "OPENCLAW_PANEL_PUBLIC_URL").as_deref(), Some("https://gw.lan:18785"));
        assert_eq!(env_value(&updated, "OPENCLAW_PANEL_BIND").as_deref(), Some("0.0.0.0:18785"));
        assert_eq!(updated.matches("OPENCLAW_PANEL_TLS").count(), 1, "replaced in place:\n{updated}");
    }
}
