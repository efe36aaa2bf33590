//! The binary as an admin runs it: help text, refusals, the demo seeder.

use std::process::Command;

fn panel() -> Command {
    Command::new(env!("CARGO_BIN_EXE_openclaw-auth-panel"))
}

#[test]
fn serve_refuses_a_non_loopback_address_with_advice() {
    let out = panel().args(["serve", "--demo", "--bind", "0.0.0.0:18785"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refusing to listen on 0.0.0.0:18785"), "{err}");
    assert!(err.contains("ssh -L"), "{err}");
}

#[test]
fn serve_without_a_built_site_says_how_to_build_it() {
    let dir = tempfile::tempdir().unwrap();
    let out =
        panel().args(["serve", "--demo", "--bind", "127.0.0.1:0", "--site-root"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("scripts/build.sh"));
}

#[test]
fn help_names_every_flag_with_its_env_var() {
    let out = panel().args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--state-dir",
        "OPENCLAW_STATE_DIR",
        "--config",
        "OPENCLAW_CONFIG_PATH",
        "--bind",
        "--demo",
        "--no-process-env",
        "--allowed-host",
        "OPENCLAW_PANEL_ALLOWED_HOSTS",
    ] {
        assert!(help.contains(flag), "help lacks {flag}:\n{help}");
    }
}

#[test]
fn seed_demo_writes_a_private_state_dir_and_refuses_a_used_one() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join(".openclaw");
    let out = panel().args(["seed-demo", "--state-dir"]).arg(&state).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(state.join("state/openclaw.sqlite").is_file());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(state.join("openclaw.json")).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let mode = std::fs::metadata(&state).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
    }
    let again = panel().args(["seed-demo", "--state-dir"]).arg(&state).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
}
