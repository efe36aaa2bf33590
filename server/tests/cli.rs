//! The binary as an admin runs it: help text, refusals, the demo seeder.

use std::process::Command;

fn panel() -> Command {
    Command::new(env!("CARGO_BIN_EXE_openclaw-auth-panel"))
}

/// Starts `serve` with the given extra arguments on a free port, reads its start banner, stops it.
fn serve_banner(dir: &std::path::Path, extra: &[&str]) -> String {
    serve_banner_on(dir, "127.0.0.1:0", extra)
}

/// The same on another bind address.
fn serve_banner_on(dir: &std::path::Path, bind: &str, extra: &[&str]) -> String {
    use std::io::{BufRead, BufReader};
    let mut child = panel()
        .args(["serve", "--bind", bind, "--state-dir"])
        .arg(dir.join("state"))
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(extra)
        .env("OPENCLAW_PANEL_LOG", "warn")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        let done = line.contains("monitoring at");
        banner.push_str(&line);
        banner.push('\n');
        if done {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    banner
}

#[test]
fn first_start_prints_a_one_time_setup_url_and_writes_it_private() {
    let dir = tempfile::tempdir().unwrap();
    let banner = serve_banner(dir.path(), &[]);
    let url = banner.split_whitespace().find(|w| w.contains("/setup#token=")).expect(&banner).to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(!url.contains('?'), "the token is in the fragment, never the query");
    assert!(banner.contains("within 15 minutes"), "{banner}");
    let file = dir.path().join("data/setup-url");
    assert!(std::fs::read_to_string(&file).unwrap().contains(&url));
    // The link base for alerts sent by `alerts …` commands: where this serve listens.
    let base = banner.split("serving on ").nth(1).unwrap().split_whitespace().next().unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("data/public-url")).unwrap(),
        format!("{}\n", base.trim_end_matches('/'))
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(dir.path().join("data")).unwrap().permissions().mode() & 0o777, 0o700);
    }
}

#[test]
fn tls_prints_the_certificate_fingerprint_and_a_network_bind_warns_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let banner = serve_banner(dir.path(), &["--tls"]);
    assert!(banner.contains("serving on https://127.0.0.1:"), "{banner}");
    let fingerprint = banner.split("fingerprint ").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
    assert_eq!(fingerprint.len(), 95, "{fingerprint}");
    assert!(banner.contains("/setup#token=") && banner.contains("https://"));
    // A second start keeps the certificate the admin accepted.
    let again = serve_banner(dir.path(), &["--tls"]);
    assert!(again.contains(&fingerprint), "{again}");

    let dir = tempfile::tempdir().unwrap();
    let banner = serve_banner_on(dir.path(), "0.0.0.0:0", &[]);
    assert!(banner.contains("WARNING: plain HTTP on a network address"), "{banner}");
}

#[test]
fn reset_password_reads_stdin_checks_the_policy_and_writes_argon2id_private() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let run = |input: &str| {
        let mut child = panel()
            .args(["reset-password", "--data-dir"])
            .arg(&data)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let out = run("too short\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 12 characters"));
    assert!(!data.join("admin-password").exists(), "nothing written on a refusal");

    let out = run("a good long password\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let phc = std::fs::read_to_string(data.join("admin-password")).unwrap();
    assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("a good long password"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(data.join("admin-password")).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn a_site_root_that_is_not_a_built_site_is_refused_with_what_to_give() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("pkg")).unwrap();
    std::fs::write(dir.path().join("pkg/openclaw-auth-panel.js"), "half a site").unwrap();
    for root in [dir.path().to_path_buf(), dir.path().join("missing")] {
        let out = panel()
            .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path().join("data"))
            .arg("--site-root")
            .arg(&root)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("is not a built site") && stderr.contains("leave the flag out"), "{stderr}");
    }
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
        "--tls",
        "--cert",
        "--key",
        "--trusted-proxy",
        "--data-dir",
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

#[test]
fn the_binary_serves_the_site_built_into_it_from_any_directory_and_never_one_found_there() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let bin_dir = dir.path().join("bin");
    std::fs::create_dir_all(&bin_dir).unwrap();
    let bin = bin_dir.join("openclaw-auth-panel");
    std::fs::copy(env!("CARGO_BIN_EXE_openclaw-auth-panel"), &bin).unwrap();
    // Another user's directory with a planted site where old defaults looked, and one beside
    // the binary: neither is served.
    let work = dir.path().join("work");
    std::fs::create_dir_all(work.join("target/site/pkg")).unwrap();
    std::fs::write(work.join("target/site/pkg/openclaw-auth-panel.js"), "planted()").unwrap();
    std::fs::create_dir_all(bin_dir.join("site/pkg")).unwrap();
    std::fs::write(bin_dir.join("site/pkg/openclaw-auth-panel.js"), "beside()").unwrap();
    let serve = |bin: &std::path::Path| {
        let mut cmd = Command::new(bin);
        cmd.current_dir(&work)
            .args(["serve", "--demo", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path().join("data"))
            .env_remove("OPENCLAW_PANEL_SITE_ROOT")
            .env("HOME", dir.path())
            .env("OPENCLAW_PANEL_LOG", "warn");
        cmd
    };
    let mut child = serve(&bin).stderr(std::process::Stdio::piped()).spawn().unwrap();
    // Read the banner for the port, and keep draining stderr (a closed pipe would stop the server).
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(rest) = line.split("serving on http://127.0.0.1:").nth(1) {
                let _ = tx.send(rest.trim_end_matches('/').parse::<u16>().ok());
            }
        }
    });
    let port = rx.recv_timeout(std::time::Duration::from_secs(30)).ok().flatten().expect("the banner names the port");
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET /pkg/openclaw-auth-panel.js HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("__wbindgen"), "wasm-bindgen's glue");
    assert!(!answer.contains("beside()") && !answer.contains("planted()"), "{answer}");
}
