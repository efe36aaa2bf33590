//! The fleet view through a real Prometheus (Debian's `prometheus`): the built panel serves a
//! state with a setup token that expires in 10 hours; Prometheus scrapes its `/metrics` every
//! second with the bearer token from the panel's data dir (`credentials_file`), evaluates
//! `monitoring/prometheus-rules.yml` every second, and fires `OpenClawCredentialExpiringSoon` for
//! that profile (agent, profile and `instance` labels) and nothing for a token with 30 days
//! left; its target is `up`, and the agent's check and the alert outbox are stored under the
//! names the other rules read. Both processes are stopped by pid when the test ends, also when it
//! fails.
//!
//! Ignored by default (it needs `prometheus` on PATH); `scripts/test.sh` installs it
//! (`scripts/ensure-tools.sh`) and runs this test with `--ignored` and
//! `PANEL_REQUIRE_PROMETHEUS=1`, so a missing `prometheus` fails there instead of skipping.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const SOON_SECRET: &str = "sk-ant-oat01-PROMPROMPROMPROMPROMPROMPROMPROMPROMPROMPROMPROMPROMPROMPROMPROM-SOON";
const LATER_SECRET: &str = "sk-ant-oat01-PROMPROMPROMPROMPROMPROMPROMPROMPROMPROMPROMPROMPROMPROMPROMPROM-LATER";

/// A process started by this test; dropping it stops it by pid (SIGTERM, then SIGKILL after
/// 10 s), on every path out of the test.
struct Running {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Running {
    fn start(name: &'static str, cmd: &mut Command, log: PathBuf) -> Self {
        let file = std::fs::File::create(&log).unwrap();
        let child = cmd
            .stdin(Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Self { name, child, log }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Fails the test with the process's log if it has exited.
    fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("{} exited ({status}):\n{}", self.name, self.log());
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        let pid = rustix::process::Pid::from_child(&self.child);
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(10) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `prometheus` from an absolute PATH entry.
fn prometheus_on_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).filter(|dir| dir.is_absolute()).map(|dir| dir.join("prometheus")).find(|p| p.is_file())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `GET path` on loopback (HTTP/1.0: the answer ends when the connection closes, never
/// chunked): status and body, or `None` while nothing listens.
fn get(port: u16, path: &str, bearer: Option<&str>) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    let auth = bearer.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n{auth}\r\n").ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).ok()?;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, body.to_owned()))
}

/// An era-B state (OpenClaw 2026.5.28) whose default model is Anthropic's, with two setup
/// tokens: `anthropic:soon` expires in 10 hours, `anthropic:later` in 30 days.
fn state(dir: &Path) -> PathBuf {
    let state = dir.join(".openclaw");
    let agent = state.join("agents/main/agent");
    std::fs::create_dir_all(&agent).unwrap();
    let config = serde_json::json!({
        "meta": {"lastTouchedVersion": "2026.5.28"},
        "agents": {"defaults": {"model": {"primary": "anthropic/claude-sonnet-4-5"}}}
    });
    std::fs::write(state.join("openclaw.json"), serde_json::to_string_pretty(&config).unwrap()).unwrap();
    let now = panel_service::now_ms();
    let hour = 3_600_000i64;
    let store = serde_json::json!({"version": 1, "profiles": {
        "anthropic:soon": {"type": "token", "provider": "anthropic", "token": SOON_SECRET, "expires": now + 10 * hour},
        "anthropic:later": {"type": "token", "provider": "anthropic", "token": LATER_SECRET, "expires": now + 720 * hour}
    }});
    let store_path = agent.join("auth-profiles.json");
    std::fs::write(&store_path, serde_json::to_string_pretty(&store).unwrap()).unwrap();
    for file in [state.join("openclaw.json"), store_path] {
        openclaw_state::write::atomic::set_mode(&file, 0o600).unwrap();
    }
    state
}

/// The panel's port, from the `serving on` line of its start banner.
fn wait_for_banner(panel: &mut Running) -> u16 {
    let started = Instant::now();
    loop {
        let log = panel.log();
        if log.contains("monitoring at")
            && let Some(port) = log
                .split("serving on http://127.0.0.1:")
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .and_then(|p| p.parse().ok())
        {
            return port;
        }
        panel.assert_running();
        assert!(started.elapsed() < Duration::from_secs(30), "no start banner in 30 s:\n{log}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
#[ignore = "needs Debian's prometheus on PATH (scripts/ensure-tools.sh); scripts/test.sh runs it"]
fn prometheus_scrapes_the_panel_with_its_token_and_fires_the_expiring_alert() {
    let Some(prometheus) = prometheus_on_path() else {
        if std::env::var_os("PANEL_REQUIRE_PROMETHEUS").is_some() {
            panic!("`prometheus` is not on PATH: install Debian's prometheus (scripts/ensure-tools.sh does)");
        }
        eprintln!(
            "SKIPPED: `prometheus` is not on PATH (apt-get install prometheus; PANEL_REQUIRE_PROMETHEUS=1 makes this a failure)"
        );
        return;
    };
    let rules =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../monitoring/prometheus-rules.yml").canonicalize().unwrap();

    // Declared first, dropped last: both processes are stopped before their files go.
    let tmp = tempfile::tempdir().unwrap();
    let state = state(tmp.path());
    let data = tmp.path().join("panel-data");

    let mut panel = Running::start(
        "the panel",
        Command::new(env!("CARGO_BIN_EXE_openclaw-auth-panel"))
            .args(["serve", "--no-process-env", "--bind", "127.0.0.1:0", "--state-dir"])
            .arg(&state)
            .arg("--data-dir")
            .arg(&data)
            .env_remove("OPENCLAW_STATE_DIR")
            .env_remove("OPENCLAW_CONFIG_PATH")
            .env("OPENCLAW_PANEL_LOG", "warn"),
        tmp.path().join("panel.log"),
    );
    let panel_port = wait_for_banner(&mut panel);
    let token_file = data.join("monitoring-token");
    let token = std::fs::read_to_string(&token_file).unwrap().trim().to_owned();

    // The panel itself: the token opens /metrics, and the profile's expiry is there.
    let (code, metrics) = get(panel_port, "/metrics", Some(&token)).expect("the panel answers");
    assert_eq!(code, 200, "{metrics}");
    assert!(metrics.contains(r#"openclaw_auth_profile_status{agent="main",provider="anthropic",profile="anthropic:soon",type="token",status="expiring"} 1"#), "{metrics}");
    assert_eq!(get(panel_port, "/metrics", None).map(|(code, _)| code), Some(401));

    let prom_dir = tmp.path().join("prometheus");
    std::fs::create_dir_all(&prom_dir).unwrap();
    let config = format!(
        r#"global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - "{rules}"
scrape_configs:
  - job_name: openclaw-auth-panel
    metrics_path: /metrics
    authorization:
      type: Bearer
      credentials_file: "{token_file}"
    static_configs:
      - targets: ["127.0.0.1:{panel_port}"]
"#,
        rules = rules.display(),
        token_file = token_file.display(),
    );
    let config_file = prom_dir.join("prometheus.yml");
    std::fs::write(&config_file, config).unwrap();
    let prom_port = free_port();
    let mut prom = Running::start(
        "prometheus",
        Command::new(&prometheus)
            .arg(format!("--config.file={}", config_file.display()))
            .arg(format!("--storage.tsdb.path={}", prom_dir.join("data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{prom_port}"))
            .current_dir(&prom_dir),
        tmp.path().join("prometheus.log"),
    );

    let instance = format!("127.0.0.1:{panel_port}");
    let started = Instant::now();
    let (alerts, targets) = loop {
        prom.assert_running();
        panel.assert_running();
        let alerts = get(prom_port, "/api/v1/alerts", None)
            .filter(|(code, _)| *code == 200)
            .and_then(|(_, body)| serde_json::from_str::<Value>(&body).ok());
        let targets = get(prom_port, "/api/v1/targets", None)
            .filter(|(code, _)| *code == 200)
            .and_then(|(_, body)| serde_json::from_str::<Value>(&body).ok());
        if let (Some(alerts), Some(targets)) = (alerts, targets) {
            let firing = alerts["data"]["alerts"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a["labels"]["alertname"] == "OpenClawCredentialExpiringSoon" && a["state"] == "firing");
            if firing {
                break (alerts, targets);
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no firing OpenClawCredentialExpiringSoon in 60 s\nalerts: {alerts}\ntargets: {targets}\n\
                 prometheus log:\n{}\npanel log:\n{}",
                prom.log(),
                panel.log()
            );
        } else {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "prometheus's API did not answer in 60 s:\n{}",
                prom.log()
            );
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    println!("firing {:?} after prometheus started", started.elapsed());

    // Exactly the profile that expires within 24 h, on this instance, with what to do.
    let list = alerts["data"]["alerts"].as_array().unwrap();
    let expiring: Vec<&Value> =
        list.iter().filter(|a| a["labels"]["alertname"] == "OpenClawCredentialExpiringSoon").collect();
    assert_eq!(expiring.len(), 1, "{alerts}");
    let alert = expiring[0];
    assert_eq!(alert["state"], "firing", "{alert}");
    for (label, value) in [
        ("agent", "main"),
        ("provider", "anthropic"),
        ("profile", "anthropic:soon"),
        ("type", "token"),
        ("severity", "warning"),
        ("job", "openclaw-auth-panel"),
        ("instance", instance.as_str()),
    ] {
        assert_eq!(alert["labels"][label], value, "label {label}: {alert}");
    }
    let summary = alert["annotations"]["summary"].as_str().unwrap();
    assert!(summary.starts_with(&format!("anthropic:soon (agent main) on {instance} expires in 9h 5")), "{summary}");
    let description = alert["annotations"]["description"].as_str().unwrap();
    assert!(description.contains("`claude setup-token`"), "{description}");
    // Nothing else fires for a state whose worst is one token expiring (check = 2, not 1).
    let others: Vec<&Value> =
        list.iter().filter(|a| a["labels"]["alertname"] != "OpenClawCredentialExpiringSoon").collect();
    assert!(others.is_empty(), "{alerts}");
    assert!(!alerts.to_string().contains("anthropic:later"), "{alerts}");
    let text = alerts.to_string();
    assert!(
        !text.contains(SOON_SECRET) && !text.contains(LATER_SECRET) && !text.contains(&token),
        "no secret in alerts"
    );

    // The scrape itself: one target, up, through the bearer token.
    let active = targets["data"]["activeTargets"].as_array().unwrap();
    assert_eq!(active.len(), 1, "{targets}");
    let target = &active[0];
    assert_eq!(target["health"], "up", "{target}");
    assert_eq!(target["labels"]["instance"], instance.as_str(), "{target}");
    assert_eq!(target["labels"]["job"], "openclaw-auth-panel", "{target}");
    assert_eq!(target["lastError"], "", "{target}");

    // The series the other rules read are stored under the names they use: the agent's check
    // (2: expiring) and the alert outbox (empty).
    for (metric, labels, value) in [
        ("openclaw_auth_check", ("agent", "main"), "2"),
        ("openclaw_auth_alert_outbox_messages", ("job", "openclaw-auth-panel"), "0"),
    ] {
        let (code, body) = get(prom_port, &format!("/api/v1/query?query={metric}"), None).expect("prometheus answers");
        assert_eq!(code, 200, "{body}");
        let answer: Value = serde_json::from_str(&body).unwrap();
        let series = answer["data"]["result"].as_array().unwrap();
        assert_eq!(series.len(), 1, "{metric}: {answer}");
        assert_eq!(series[0]["metric"]["instance"], instance.as_str(), "{answer}");
        assert_eq!(series[0]["metric"][labels.0], labels.1, "{answer}");
        assert_eq!(series[0]["value"][1], value, "{metric}: {answer}");
    }

    drop(prom);
    drop(panel);
}
