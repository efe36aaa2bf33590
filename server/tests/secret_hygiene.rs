//! Planted secrets never leave the server: not in any response body or header, not in the log.
//! The whole log of a session (setup, wrong and right logins, pages, server functions, monitoring,
//! errors) is captured at TRACE level, from every thread, and searched.
//!
//! Its own test binary: the log capture is process-global.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use common::{DEMO_SECRETS, Panel, TOKEN};
use secrecy::ExposeSecret;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_planted_secret_in_any_response_or_log_line() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let admin_password = "planted admin password 9f3k";
    let wrong_password = "planted wrong password 2x7q";
    let mut panel = Panel::build(false, |_| {});
    // One more planted credential, in `.env` (the demo has the others in every store era).
    let planted_env = "sk-ant-api03-PLANTEDPLANTEDPLANTED-ENVFILE9";
    let env_path = panel.state_dir().join(".env");
    let mut env = std::fs::read_to_string(&env_path).unwrap_or_default();
    env.push_str(&format!("ANTHROPIC_API_KEY={planted_env}\n"));
    std::fs::write(&env_path, env).unwrap();
    let setup_token = panel.setup_token.clone().unwrap().expose_secret().to_owned();

    let mut texts = Vec::new();
    let mut keep = |reply: common::Reply| {
        let headers: String = reply
            .headers
            .iter()
            .filter(|(name, _)| *name != "set-cookie")
            .map(|(k, v)| format!("{k}: {}\n", v.to_str().unwrap_or("")))
            .collect();
        texts.push(format!("{headers}\n{}", reply.body));
        reply.status
    };
    let form = |pairs: &[(&str, &str)]| serde_urlencoded::to_string(pairs).unwrap();
    keep(panel.get("/").await);
    keep(panel.get("/setup").await);
    keep(
        panel.post_form("/setup", &form(&[("token", &setup_token), ("password", "short"), ("confirm", "short")])).await,
    );
    let status = keep(
        panel
            .post_form(
                "/setup",
                &form(&[("token", &setup_token), ("password", admin_password), ("confirm", admin_password)]),
            )
            .await,
    );
    assert_eq!(status, StatusCode::OK);
    panel.cookie = None;
    keep(panel.login(wrong_password).await);
    keep(panel.submit_form("/login", &form(&[("password", wrong_password)])).await);
    assert_eq!(keep(panel.login(admin_password).await), StatusCode::OK);
    keep(panel.get("/").await);
    keep(panel.get("/?agent=work").await);
    keep(panel.get("/?agent=..%2F..%2Fetc").await);
    keep(panel.call("overview", "").await);
    keep(panel.call("overview", "agent=ops").await);
    keep(panel.get("/no/such/page").await);
    for uri in ["/metrics", "/monitoring/status.json", "/monitoring/status.json?agent=work"] {
        let request = axum::http::Request::get(uri)
            .header("authorization", format!("Bearer {TOKEN}"))
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(keep(panel.send(request).await), StatusCode::OK);
    }
    let csrf = panel.csrf.clone().unwrap();
    keep(panel.submit_form("/logout", &form(&[("csrf", &csrf)])).await);

    let log = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("admin logged in") && log.contains("failed admin login"), "the log was captured:\n{log}");
    let mut planted: Vec<&str> = DEMO_SECRETS.to_vec();
    planted.extend([admin_password, wrong_password, planted_env, "PLANTEDPLANTED", "DEMOFAKEDEMOFAKEDEMOFAKE"]);
    for secret in &planted {
        assert!(!log.contains(secret), "the log holds {secret}");
        for (i, text) in texts.iter().enumerate() {
            assert!(!text.contains(secret), "response {i} holds {secret}");
        }
    }
    // The setup token is printed once to the operator at start (by `serve`), never by the router.
    assert!(!log.contains(&setup_token));
    // The password hash never leaves the server either.
    let phc = std::fs::read_to_string(panel.dir.path().join("panel-data/admin-password")).unwrap();
    let hash_part = phc.trim().rsplit('$').next().unwrap();
    assert!(!log.contains(hash_part) && texts.iter().all(|t| !t.contains(hash_part)));
}
