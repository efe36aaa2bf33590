//! Which process is the gateway, and what supervises it, from `/proc` (Linux): the pid that holds
//! the listening socket of its port (`/proc/net/tcp{,6}` → socket inode → `/proc/<pid>/fd`), and
//! whether a systemd unit runs it (`/proc/<pid>/cgroup`, OpenClaw's unit names, or the
//! `OPENCLAW_SYSTEMD_UNIT` in its environment).
//!
//! Invariants: read-only; only processes of the panel's own user can be seen (others' fds are
//! not readable), so "unknown" is an answer, never an error; a unit is taken as the gateway's only
//! when its name is OpenClaw's (`openclaw-gateway*`, the legacy `clawdbot-gateway*`) or the one
//! the gateway's environment names, so the panel never restarts some other service that
//! happens to have started a gateway (a CI runner's, a terminal's).

use std::path::Path;

use serde::Serialize;

/// What runs the gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Supervisor {
    /// A systemd user unit: `systemctl --user restart <unit>` stops and starts it.
    SystemdUser { unit: String },
    /// A system unit: only root can restart it.
    SystemdSystem { unit: String },
    /// Started by hand (a terminal, a script): restarts happen inside the process.
    Foreground,
}

impl Supervisor {
    /// In words, for the card and `gateway status`.
    pub fn describe(&self) -> String {
        match self {
            Self::SystemdUser { unit } => format!("systemd user unit {unit}"),
            Self::SystemdSystem { unit } => format!("systemd system unit {unit}"),
            Self::Foreground => "not supervised (started by hand)".to_owned(),
        }
    }
}

/// The gateway's process as far as `/proc` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GatewayProcess {
    pub pid: u32,
    pub supervisor: Supervisor,
}

/// The process listening on 127.0.0.1/0.0.0.0/[::] `port`, when it is the panel user's.
pub fn find(port: u16) -> Option<GatewayProcess> {
    let proc = Path::new("/proc");
    let inodes: Vec<u64> = ["net/tcp", "net/tcp6"]
        .iter()
        .filter_map(|f| std::fs::read_to_string(proc.join(f)).ok())
        .flat_map(|text| listening_inodes(&text, port))
        .collect();
    if inodes.is_empty() {
        return None;
    }
    let wanted: Vec<String> = inodes.iter().map(|i| format!("socket:[{i}]")).collect();
    let mut pids: Vec<u32> =
        std::fs::read_dir(proc).ok()?.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok()).collect();
    pids.sort_unstable();
    let pid = pids.into_iter().find(|pid| {
        std::fs::read_dir(proc.join(pid.to_string()).join("fd")).is_ok_and(|fds| {
            fds.filter_map(Result::ok).any(|fd| {
                std::fs::read_link(fd.path())
                    .is_ok_and(|target| wanted.iter().any(|w| target.as_os_str() == w.as_str()))
            })
        })
    })?;
    let dir = proc.join(pid.to_string());
    let cgroup = std::fs::read_to_string(dir.join("cgroup")).unwrap_or_default();
    let environ = std::fs::read(dir.join("environ")).unwrap_or_default();
    Some(GatewayProcess { pid, supervisor: supervisor_of(&cgroup, &environ) })
}

/// Socket inodes in LISTEN state (`0A`) on `port`, from a `/proc/net/tcp*` table.
fn listening_inodes(table: &str, port: u16) -> Vec<u64> {
    let port_hex = format!("{port:04X}");
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let local = fields.get(1)?;
            let state = fields.get(3)?;
            let inode = fields.get(9)?.parse::<u64>().ok()?;
            (local.rsplit(':').next() == Some(port_hex.as_str()) && *state == "0A" && inode != 0).then_some(inode)
        })
        .collect()
}

/// The unit from the process's cgroup path (its last `*.service` component), when it is the
/// gateway's; else foreground.
fn supervisor_of(cgroup: &str, environ: &[u8]) -> Supervisor {
    let named = environ
        .split(|b| *b == 0)
        .filter_map(|kv| std::str::from_utf8(kv).ok())
        .find_map(|kv| kv.strip_prefix("OPENCLAW_SYSTEMD_UNIT="))
        .map(|u| if u.ends_with(".service") { u.to_owned() } else { format!("{u}.service") });
    for line in cgroup.lines() {
        let path = line.splitn(3, ':').nth(2).unwrap_or_default();
        let Some(unit) = path.rsplit('/').find(|c| c.ends_with(".service")) else { continue };
        let ours = unit.starts_with("openclaw-gateway") || unit.starts_with("clawdbot-gateway");
        if !ours && named.as_deref() != Some(unit) {
            continue;
        }
        let unit = unit.to_owned();
        return if path.contains("/user@") {
            Supervisor::SystemdUser { unit }
        } else {
            Supervisor::SystemdSystem { unit }
        };
    }
    Supervisor::Foreground
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_sockets_are_found_by_port_and_state() {
        let table = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
   0: 0100007F:4965 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 123456 1 0000000000000000 100 0 0 10 0\n\
   1: 0100007F:4965 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000  1000        0 999 1 0000000000000000 100 0 0 10 0\n\
   2: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 777 1 0000000000000000 100 0 0 10 0\n";
        assert_eq!(listening_inodes(table, 18789), [123456]);
        assert_eq!(listening_inodes(table, 8080), [777]);
        assert!(listening_inodes(table, 1).is_empty());
    }

    #[test]
    fn only_openclaws_units_count_as_the_gateways_supervisor() {
        let user = "0::/user.slice/user-1000.slice/user@1000.service/app.slice/openclaw-gateway.service\n";
        assert_eq!(supervisor_of(user, b""), Supervisor::SystemdUser { unit: "openclaw-gateway.service".into() });
        let system = "0::/system.slice/openclaw-gateway-work.service\n";
        assert_eq!(
            supervisor_of(system, b""),
            Supervisor::SystemdSystem { unit: "openclaw-gateway-work.service".into() }
        );
        // A gateway started from a CI runner's or a terminal's unit is not that unit's to restart.
        let runner = "0::/system.slice/actions.runner.service\n";
        assert_eq!(supervisor_of(runner, b"INVOCATION_ID=1\0"), Supervisor::Foreground);
        let terminal = "0::/user.slice/user-1000.slice/user@1000.service/app.slice/vte-spawn-1.scope\n";
        assert_eq!(supervisor_of(terminal, b""), Supervisor::Foreground);
        // Unless the gateway's own environment names it.
        let custom = "0::/user.slice/user-1000.slice/user@1000.service/app.slice/my-claw.service\n";
        assert_eq!(
            supervisor_of(custom, b"HOME=/h\0OPENCLAW_SYSTEMD_UNIT=my-claw\0"),
            Supervisor::SystemdUser { unit: "my-claw.service".into() }
        );
    }

    #[test]
    fn this_tests_own_listener_is_found_with_its_pid() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let found = find(port).expect("our own listening socket");
        assert_eq!(found.pid, std::process::id());
        drop(listener);
        assert_eq!(find(port), None);
    }
}
