//! The write commands as an admin's script runs them: secrets on stdin, exit codes 0 / 1 / 2,
//! `--json`, the audit log; and the failure modes: a writer killed at random moments, a full disk.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const TOKEN: &str = "sk-ant-oat01-CLICLICLICLICLICLICLICLICLICLICLICLICLICLICLICLICLICLICLICLICLICLICLICLI-NEWTOKEN";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_openclaw-auth-panel"))
}

fn run(state: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = bin();
    cmd.args(args)
        .arg("--state-dir")
        .arg(state)
        .arg("--data-dir")
        .arg(state.parent().unwrap().join("panel-data"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin
            && let Err(e) = input.write_all(text.as_bytes())
        {
            // A command refused before it reads stdin (a usage error) may be gone already.
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
    }
    child.wait_with_output().unwrap()
}

fn state(fixture: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let state = openclaw_state::testing::relocate_fixture(fixture, tmp.path());
    (tmp, state)
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

#[test]
fn exit_codes_json_output_and_the_audit_log() {
    let (tmp, state) = state("era-b-5.28");
    let out = run(
        &state,
        &["auth", "paste-token", "--provider", "anthropic", "--expires-in", "30d", "--json"],
        Some(&format!("{TOKEN}\n")),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["profileId"], "anthropic:manual");
    assert_eq!(report["masked"], "sk-ant-o...NEWTOKEN");
    // 2026.5 needs no restart: `gateway apply` (secrets.reload) makes it re-read (facts §11.1).
    assert_eq!(report["restartGateway"], false);
    assert!(!text(&out).contains(TOKEN), "the secret is never printed");

    // Refused: exit 1, nothing written, the reason on stderr.
    let out = run(&state, &["auth", "paste-token", "--provider", "anthropic"], Some("sk-ant-oat01-short\n"));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("too short"), "{}", text(&out));
    // Bad usage: exit 2.
    let out = run(&state, &["auth", "order", "set", "--provider", "anthropic"], None);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = run(&state, &["auth", "paste-token"], Some("x"));
    assert_eq!(out.status.code(), Some(2));

    // Order get/set, text output.
    let out =
        run(&state, &["auth", "order", "set", "--provider", "anthropic", "anthropic:manual", "anthropic:work"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("openclaw-auth-panel gateway apply"), "{}", text(&out));
    let out = run(&state, &["auth", "order", "get", "--provider", "anthropic"], None);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "anthropic:manual\nanthropic:work\n");

    // A write based on an old version is refused as a conflict.
    let out = run(
        &state,
        &["auth", "order", "clear", "--provider", "anthropic", "--if-version", "0000000000000000", "--json"],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        body["conflict"]["current"]["orders"]["anthropic"],
        serde_json::json!(["anthropic:manual", "anthropic:work"])
    );

    // env set / unset with the value on stdin.
    let out = run(&state, &["env", "set", "GROQ_API_KEY"], Some("gsk_ENVENVENVENV0001\n"));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(std::fs::read_to_string(state.join(".env")).unwrap().contains("GROQ_API_KEY=gsk_ENVENVENVENV0001\n"));
    let out = run(&state, &["env", "set", "GROQ_API_KEY"], Some("two\nlines\n"));
    assert_eq!(out.status.code(), Some(1), "a value with a line break is refused");

    let audit = std::fs::read_to_string(tmp.path().join("panel-data/audit.jsonl")).unwrap();
    let entries: Vec<Value> = audit.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["paste-token", "paste-token", "order-set", "order-clear", "env-set", "env-set"]);
    assert_eq!(entries.iter().filter(|e| e["ok"] == false).count(), 3);
    assert!(!audit.contains(TOKEN) && !audit.contains("gsk_ENVENVENVENV0001"), "no secret in the audit log");
    assert!(audit.contains("sk-ant-o...NEWTOKEN"), "the masked hint is");
}

/// Whether a store file parses and is one of the versions a writer could have left.
fn check_store(path: &Path, known: &[String]) {
    let text = std::fs::read_to_string(path).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
    let order = value.pointer("/order/anthropic").cloned().unwrap_or(Value::Null);
    assert!(known.contains(&order.to_string()), "an order no writer wrote: {order}");
}

/// A writer in a loop, killed with SIGKILL at random moments: the store always parses and is an
/// old or a new version, no temp file of ours survives the next write, and no lock is left that
/// blocks OpenClaw (a dead writer's lock is stale by its pid).
#[test]
#[cfg(unix)]
fn killed_writers_leave_a_whole_store_and_no_blocking_lock() {
    let iterations: usize = std::env::var("PANEL_CRASH_ITERATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    for fixture in ["era-a-3.31", "era-b-5.28", "era-c-9.6"] {
        let (_tmp, state) = state(fixture);
        let orders = [["anthropic:manual", "anthropic:work"], ["anthropic:work", "anthropic:manual"]];
        let agent = if fixture == "era-c-9.6" { "work" } else { "main" };
        let known: Vec<String> =
            orders.iter().map(|o| serde_json::json!(o).to_string()).chain([Value::Null.to_string()]).collect();
        let mut seed = 0x2545F4914F6CDD1Du64 ^ iterations as u64;
        let (mut finished, mut killed) = (0, 0);
        for i in 0..iterations {
            let ids = orders[i % 2];
            let mut child = bin()
                .args(["auth", "order", "set", "--provider", "anthropic", "--agent", agent])
                .args(ids)
                .arg("--state-dir")
                .arg(&state)
                .arg("--data-dir")
                .arg(state.parent().unwrap().join("panel-data"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            std::thread::sleep(std::time::Duration::from_micros(seed % 12_000));
            let _ = child.kill();
            match child.wait().map(|s| s.success()) {
                Ok(true) => finished += 1,
                _ => killed += 1,
            }
            match fixture {
                "era-c-9.6" => {
                    let db = state.join("agents/work/agent/openclaw-agent.sqlite");
                    let conn = rusqlite::Connection::open(&db).unwrap();
                    let row: Option<String> = conn
                        .query_row("SELECT state_json FROM auth_profile_state WHERE state_key = 'primary'", [], |r| {
                            r.get(0)
                        })
                        .ok();
                    let order = row
                        .map(|r| {
                            serde_json::from_str::<Value>(&r)
                                .unwrap()
                                .pointer("/order/anthropic")
                                .cloned()
                                .unwrap_or(Value::Null)
                        })
                        .unwrap_or(Value::Null);
                    assert!(known.contains(&order.to_string()), "{fixture}: {order}");
                    let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
                    assert_eq!(check, "ok");
                }
                "era-a-3.31" => check_store(&state.join("agents/main/agent/auth-profiles.json"), &known),
                _ => {
                    let path = state.join("agents/main/agent/auth-state.json");
                    if path.exists() {
                        check_store(&path, &known);
                    }
                    let profiles = std::fs::read_to_string(state.join("agents/main/agent/auth-profiles.json")).unwrap();
                    serde_json::from_str::<Value>(&profiles).unwrap();
                }
            }
        }
        // The next write succeeds at once (a dead writer's lock is stale), cleans our temp files
        // and leaves no lock.
        let out = run(
            &state,
            &["auth", "order", "set", "--provider", "anthropic", "--agent", agent, "anthropic:manual"],
            None,
        );
        assert_eq!(out.status.code(), Some(0), "{fixture}: {}", text(&out));
        let dir = state.join(format!("agents/{agent}/agent"));
        let leftovers: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp") || n.ends_with(".lock"))
            .collect();
        assert!(leftovers.is_empty(), "{fixture}: {leftovers:?}");
        eprintln!(
            "{fixture}: {iterations} writers, {killed} killed before finishing, {finished} finished; store whole every time"
        );
        assert!(killed > iterations / 10, "{fixture}: the kills must land mid-run ({killed} of {iterations})");
    }
}

/// A full disk (RLIMIT_FSIZE: the write fails with EFBIG): the original is byte-identical and the
/// error says so.
#[test]
#[cfg(unix)]
fn a_full_disk_leaves_the_original_byte_identical() {
    let (_tmp, state) = state("era-b-5.28");
    let store = state.join("agents/main/agent/auth-profiles.json");
    let before = std::fs::read(&store).unwrap();
    let big = format!("sk-ant-oat01-{}", "X".repeat(6000));
    // `trap '' XFSZ` ignores SIGXFSZ (inherited across exec), so the write returns EFBIG.
    let script = format!(
        "trap '' XFSZ; ulimit -f 2; exec {} auth paste-token --provider anthropic --profile-id anthropic:big \
         --state-dir {} --data-dir {}",
        env!("CARGO_BIN_EXE_openclaw-auth-panel"),
        state.display(),
        state.parent().unwrap().join("panel-data").display()
    );
    let mut child = Command::new("bash")
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(big.as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("the original is unchanged"), "{}", text(&out));
    assert_eq!(std::fs::read(&store).unwrap(), before, "byte-identical");
    let names: Vec<String> = std::fs::read_dir(store.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp") && !n.ends_with(".lock")), "{names:?}");
}
