//! The panel as a service (issue 20), with the real binary:
//! - `service install --no-start` writes a unit that systemd's own `systemd-analyze verify`
//!   accepts without a warning, a private flags file kept across reinstalls; `status` and
//!   `uninstall` read and remove what install wrote;
//! - `serve` tells a `NOTIFY_SOCKET` listener READY=1 once listening and STOPPING=1 on SIGTERM,
//!   then exits 0;
//! - the log written to a pipe holds no escape codes; written to the journal's stream
//!   (`JOURNAL_STREAM`), each line starts with its syslog priority;
//! - the man pages and the shell completions are generated.
//!
//! `systemd-analyze` is Debian's `systemd` package; `PANEL_REQUIRE_SYSTEMD=1` (CI) makes its
//! absence a failure rather than a skip.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn panel() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_openclaw-auth-panel"));
    for var in ["OPENCLAW_STATE_DIR", "OPENCLAW_PANEL_DATA_DIR", "OPENCLAW_HOME", "NOTIFY_SOCKET", "JOURNAL_STREAM"] {
        cmd.env_remove(var);
    }
    cmd
}

/// A home of its own: HOME, XDG_CONFIG_HOME and XDG_STATE_HOME under `dir`.
fn in_home(cmd: &mut Command, dir: &Path) {
    cmd.env("HOME", dir.join("home"))
        .env("XDG_CONFIG_HOME", dir.join("home/.config"))
        .env("XDG_STATE_HOME", dir.join("home/.local/state"))
        .env("PATH", "/usr/bin:/bin");
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn systemd_analyze() -> Option<PathBuf> {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join("systemd-analyze"))
        .find(|p| p.is_file());
    if found.is_none() && std::env::var("PANEL_REQUIRE_SYSTEMD").is_ok_and(|v| v == "1") {
        panic!("systemd-analyze is not installed (Debian package `systemd`) and PANEL_REQUIRE_SYSTEMD=1");
    }
    found
}

#[test]
fn install_writes_a_unit_systemd_accepts_and_a_private_flags_file_that_reinstalls_keep() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let (code, out, err) = run(panel()
        .args(["service", "install", "--no-start", "--bind", "0.0.0.0:18785", "--tls"])
        .tap(|c| in_home(c, dir.path())));
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("systemctl --user daemon-reload && systemctl --user enable --now"), "{out}");
    let unit_path = home.join(".config/systemd/user/openclaw-auth-panel.service");
    let env_path = home.join(".config/openclaw-auth-panel/panel.env");
    let unit = std::fs::read_to_string(&unit_path).unwrap();
    let exe = std::fs::canonicalize(env!("CARGO_BIN_EXE_openclaw-auth-panel")).unwrap();
    assert!(unit.contains(&format!("\nExecStart={} serve\n", exe.display())), "{unit}");
    assert!(unit.contains("\nType=notify\n") && unit.contains("\nRestart=on-failure\n"));
    for directive in [
        "NoNewPrivileges=yes",
        "ProtectSystem=strict",
        "ProtectHome=read-only",
        "PrivateTmp=yes",
        "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK",
        "SystemCallFilter=@system-service",
    ] {
        assert!(unit.lines().any(|l| l == directive), "{directive} missing:\n{unit}");
    }
    let state = home.join(".openclaw");
    let data = home.join(".local/state/openclaw-auth-panel");
    assert!(
        unit.contains(&format!("\nReadWritePaths=-{} -{}\n", state.display(), data.display())),
        "the sandbox lets it write exactly the state and data dirs:\n{unit}"
    );
    assert!(unit.contains(&format!("\nEnvironmentFile=-{}\n", env_path.display())));
    assert!(data.is_dir(), "the data dir is made for the sandbox to bind");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&env_path).unwrap().permissions().mode() & 0o777, 0o600);
    let flags = std::fs::read_to_string(&env_path).unwrap();
    assert!(flags.lines().any(|l| l == "OPENCLAW_PANEL_BIND=0.0.0.0:18785"), "{flags}");
    assert!(flags.lines().any(|l| l == "OPENCLAW_PANEL_TLS=true"), "{flags}");

    // systemd's own verdict: no error and not even a warning (an unknown key is only a warning).
    if let Some(analyze) = systemd_analyze() {
        let runtime = dir.path().join("run");
        std::fs::create_dir_all(&runtime).unwrap();
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
        let (code, out, err) = run(Command::new(&analyze)
            .args(["--user", "verify", "--man=no"])
            .arg(&unit_path)
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("HOME", &home));
        assert_eq!((code, err.trim()), (0, ""), "systemd-analyze verify: {out}");
        // And it does catch a misspelt directive (the check above can fail).
        let bad = dir.path().join("bad/openclaw-auth-panel.service");
        std::fs::create_dir_all(bad.parent().unwrap()).unwrap();
        std::fs::write(&bad, unit.replace("ProtectClock=yes", "ProtectClok=yes")).unwrap();
        let (_, _, err) = run(Command::new(&analyze)
            .args(["--user", "verify", "--man=no"])
            .arg(&bad)
            .env("XDG_RUNTIME_DIR", &runtime)
            .env("HOME", &home));
        assert!(err.contains("ProtectClok"), "{err}");
    }

    // The admin edits the flags file; a reinstall (an upgrade) keeps the edit and the flags.
    std::fs::write(&env_path, format!("{flags}OPENCLAW_PANEL_PUBLIC_URL=https://gw.lan:18785\n")).unwrap();
    let (code, out, err) = run(panel().args(["service", "install", "--no-start"]).tap(|c| in_home(c, dir.path())));
    assert_eq!(code, 0, "{out}{err}");
    let flags = std::fs::read_to_string(&env_path).unwrap();
    for kept in [
        "OPENCLAW_PANEL_PUBLIC_URL=https://gw.lan:18785",
        "OPENCLAW_PANEL_BIND=0.0.0.0:18785",
        "OPENCLAW_PANEL_TLS=true",
    ] {
        assert!(flags.lines().any(|l| l == kept), "{kept} lost:\n{flags}");
    }

    // Status: installed, not running (no user manager here), the address and the setup URL.
    std::fs::write(
        data.join("setup-url"),
        "No admin password is set. Open this URL:\n  https://127.0.0.1:18785/setup#token=abc\n",
    )
    .unwrap();
    let (code, out, _) = run(panel().args(["service", "status"]).tap(|c| in_home(c, dir.path())));
    assert_eq!(code, 3, "installed but not running:\n{out}");
    assert!(out.contains(&format!("installed: {}", unit_path.display())), "{out}");
    assert!(out.contains("address: https://127.0.0.1:18785/"), "{out}");
    assert!(out.contains("/setup#token=abc"), "the setup URL of a first start:\n{out}");

    // Uninstall removes the unit and keeps the flags and the data.
    let (code, out, err) = run(panel().args(["service", "uninstall", "--no-stop"]).tap(|c| in_home(c, dir.path())));
    assert_eq!(code, 0, "{out}{err}");
    assert!(!unit_path.exists() && env_path.exists() && data.join("setup-url").exists());
    let (code, out, _) = run(panel().args(["service", "status"]).tap(|c| in_home(c, dir.path())));
    assert_eq!(code, 4, "{out}");
    assert!(out.contains("not installed"), "{out}");
}

#[test]
fn a_path_that_could_inject_a_directive_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let evil = dir.path().join("state\nExecStartPre=/bin/sh -c id");
    let (code, out, err) = run(panel()
        .args(["service", "install", "--no-start", "--state-dir"])
        .arg(&evil)
        .tap(|c| in_home(c, dir.path())));
    assert_eq!(code, 1, "{out}");
    assert!(err.contains("cannot be written into a systemd unit"), "{err}");
    assert!(!dir.path().join("home/.config/systemd/user/openclaw-auth-panel.service").exists());
}

/// A `serve --demo` child with its stderr readable line by line.
struct Served {
    child: Child,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Served {
    fn start(cmd: &mut Command) -> Self {
        let mut child = cmd.stderr(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
        Self::with_stderr(child.stderr.take().unwrap(), child)
    }

    fn with_stderr(stderr: impl Read + Send + 'static, child: Child) -> Self {
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self { child, lines }
    }

    /// Lines until one contains `marker` (30 s at most).
    fn until(&self, marker: &str) -> Vec<String> {
        let mut seen = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            match self.lines.recv_timeout(Duration::from_millis(200)) {
                Ok(line) => {
                    let done = line.contains(marker);
                    seen.push(line);
                    if done {
                        return seen;
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => continue,
                Err(_) => break,
            }
        }
        panic!("no line with {marker:?} in:\n{}", seen.join("\n"));
    }

    fn terminate(&mut self) -> (i32, Duration) {
        let pid = rustix::process::Pid::from_child(&self.child);
        rustix::process::kill_process(pid, rustix::process::Signal::TERM).unwrap();
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status.code().unwrap_or(-1), start.elapsed());
            }
            assert!(start.elapsed() < Duration::from_secs(10), "still running 10 s after SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve_demo(dir: &Path) -> Command {
    let mut cmd = panel();
    cmd.current_dir(dir)
        .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--alert-interval", "0", "--data-dir"])
        .arg(dir.join("data"))
        .env("OPENCLAW_PANEL_LOG", "info")
        .env_remove("NO_COLOR");
    cmd
}

#[test]
fn readiness_and_stopping_reach_the_notify_socket_and_sigterm_exits_0_with_a_clean_log() {
    let dir = tempfile::tempdir().unwrap();
    let socket_path = dir.path().join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut served = Served::start(serve_demo(dir.path()).env("NOTIFY_SOCKET", &socket_path));
    let mut buf = [0u8; 4096];
    let n = socket.recv(&mut buf).expect("a notification within 30 s");
    let ready = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(ready.lines().any(|l| l == "READY=1"), "{ready:?}");
    let banner = served.until("monitoring at");
    let port: u16 = banner
        .iter()
        .find_map(|l| l.split("serving on http://127.0.0.1:").nth(1))
        .and_then(|rest| rest.trim_end_matches('/').parse().ok())
        .expect("the banner names the port");
    assert!(ready.contains(&format!("STATUS=serving on http://127.0.0.1:{port}/")), "{ready:?}");
    // Ready means listening: the page answers at once.
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());

    let (code, took) = served.terminate();
    let n = socket.recv(&mut buf).expect("STOPPING=1 after SIGTERM");
    assert!(String::from_utf8_lossy(&buf[..n]).lines().any(|l| l == "STOPPING=1"));
    assert_eq!(code, 0, "SIGTERM is a clean stop");
    assert!(took < Duration::from_secs(6), "stopped in {took:?}");

    // Everything it wrote to the pipe: plain text, not a single escape code.
    let mut log = banner.join("\n");
    while let Ok(line) = served.lines.recv_timeout(Duration::from_secs(2)) {
        log.push('\n');
        log.push_str(&line);
    }
    assert!(log.contains("INFO") && log.contains("stopping"), "{log}");
    assert!(!log.contains('\u{1b}'), "escape codes in a piped log:\n{log:?}");
}

#[test]
fn under_the_journal_each_line_carries_its_priority_and_no_time_stamp() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let (reader, writer) = std::io::pipe().unwrap();
    let writer_file = std::fs::File::from(std::os::fd::OwnedFd::from(writer));
    let meta = writer_file.metadata().unwrap();
    let child = serve_demo(dir.path())
        .env("JOURNAL_STREAM", format!("{}:{}", meta.dev(), meta.ino()))
        .stderr(Stdio::from(writer_file))
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut served = Served::with_stderr(reader, child);
    let lines = served.until("monitoring at");
    let record = lines.iter().find(|l| l.contains("reading OpenClaw state")).expect("the info record");
    assert!(record.starts_with("<6>"), "{record:?}");
    assert!(!record.contains("INFO") && !record.contains("2026-") && !record.contains('\u{1b}'), "{record:?}");
    assert_eq!(served.terminate().0, 0);
}

#[test]
fn the_man_pages_and_completions_are_generated_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(panel().args(["generate", "man"]).arg(dir.path().join("man")));
    assert_eq!(code, 0, "{err}");
    let main = std::fs::read_to_string(dir.path().join("man/openclaw-auth-panel.1")).unwrap();
    assert!(main.contains(".TH openclaw-auth-panel 1") && main.contains("service"), "{main}");
    let serve = std::fs::read_to_string(dir.path().join("man/openclaw-auth-panel-serve.1")).unwrap();
    assert!(serve.contains("OPENCLAW_PANEL_BIND"), "flags with their variables");
    let (code, _, err) = run(panel().args(["generate", "completions"]).arg(dir.path().join("comp")));
    assert_eq!(code, 0, "{err}");
    for file in ["openclaw-auth-panel.bash", "_openclaw-auth-panel", "openclaw-auth-panel.fish"] {
        let text = std::fs::read_to_string(dir.path().join("comp").join(file)).unwrap();
        assert!(text.contains("service"), "{file}");
    }
}

#[test]
fn version_names_the_git_revision() {
    let (code, out, _) = run(panel().arg("--version"));
    assert_eq!(code, 0);
    let line = out.trim();
    let revision = line.split(['(', ')']).nth(1).unwrap_or("");
    assert!(line.starts_with(&format!("openclaw-auth-panel {} (", env!("CARGO_PKG_VERSION"))), "{line}");
    let expected = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    match expected {
        Some(head) => assert_eq!(revision, head, "{line}"),
        None => assert_eq!(revision, "unknown", "{line}"),
    }
}

/// `Command` builder calls in one expression.
trait Tap {
    fn tap(&mut self, f: impl FnOnce(&mut Self)) -> &mut Self;
}

impl Tap for Command {
    fn tap(&mut self, f: impl FnOnce(&mut Self)) -> &mut Self {
        f(self);
        self
    }
}
