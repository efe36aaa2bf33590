//! The Doctor page's server functions through the whole router: session and CSRF token needed, a
//! fix named by a finding's key only (found again before it is applied), audited; the page itself.

mod common;

use axum::http::StatusCode;
use common::{Panel, Reply};
use serde_json::json;

fn doctor_of(reply: &Reply) -> panel_views::DoctorView {
    serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("{e}: {}", reply.body))
}

#[tokio::test]
async fn the_doctor_needs_a_session_and_fixes_need_the_token() {
    let mut panel = Panel::build(true, |_| {});
    panel.call_json("doctor", json!({})).await.assert_status(StatusCode::UNAUTHORIZED);
    panel.call_json("doctor-fix", json!({"key": "x"})).await.assert_status(StatusCode::UNAUTHORIZED);
    panel.call_json("openclaw-doctor-run", json!({})).await.assert_status(StatusCode::UNAUTHORIZED);
    assert_eq!(panel.get("/doctor").await.location(), Some("/login"));
    panel.login(common::PASSWORD).await.assert_status(StatusCode::OK);
    let csrf = panel.csrf.take();
    panel.call_json("doctor-fix", json!({"key": "x"})).await.assert_status(StatusCode::FORBIDDEN);
    panel.csrf = csrf;
    let reply = panel.call_json("doctor", json!({})).await;
    reply.assert_status(StatusCode::OK);
    common::assert_no_secret(&reply.body);
}

#[tokio::test]
async fn a_fix_is_found_again_applied_audited_and_gone() {
    use std::os::unix::fs::PermissionsExt;
    let mut panel = Panel::logged_in().await;
    let env = panel.state_dir().join(".env");
    std::fs::set_permissions(&env, std::fs::Permissions::from_mode(0o644)).unwrap();
    let view = doctor_of(&panel.call_json("doctor", json!({})).await);
    let finding = view
        .native
        .findings
        .iter()
        .find(|f| f.check == "file-permissions")
        .unwrap_or_else(|| panic!("{:#?}", view.native.findings))
        .clone();
    assert_eq!(finding.severity.as_str(), "warning");
    assert!(finding.fix.as_deref().is_some_and(|f| f.starts_with("chmod 600")), "{finding:?}");

    // A key that names nothing (or a forged path) does nothing.
    let reply = panel.call_json("doctor-fix", json!({"key": "file-permissions||||/etc/passwd"})).await;
    let error: app::error::AppError = serde_json::from_str(&reply.body).unwrap();
    assert!(error.to_string().contains("not there any more"), "{error}");

    let reply = panel.call_json("doctor-fix", json!({"key": finding.key})).await;
    reply.assert_status(StatusCode::OK);
    let outcome: panel_views::FixOutcome = serde_json::from_str(&reply.body).unwrap();
    assert!(outcome.did.starts_with("chmod 600"), "{outcome:?}");
    assert!(outcome.changes.iter().all(|c| !c.contains("gateway")), "a file mode is not the gateway's: {outcome:?}");
    assert_eq!(std::fs::metadata(&env).unwrap().permissions().mode() & 0o777, 0o600);
    let view = doctor_of(&panel.call_json("doctor", json!({})).await);
    assert!(view.native.findings.iter().all(|f| f.check != "file-permissions"));

    // The same fix again: gone, said plainly.
    let reply = panel.call_json("doctor-fix", json!({"key": finding.key})).await;
    assert!(!reply.status.is_success(), "{}", reply.body);
    assert!(reply.body.contains("not there any more"), "{}", reply.body);

    let history = panel.call_json("history", json!({"agent": null, "provider": null})).await;
    let history: Vec<panel_views::HistoryEntry> = serde_json::from_str(&history.body).unwrap();
    assert!(
        history.iter().any(|e| e.action.as_str() == "doctor-fix" && e.ok && e.changes[0].starts_with("chmod 600")),
        "{history:?}"
    );
    assert!(
        history.iter().any(|e| e.action.as_str() == "doctor-fix" && !e.ok),
        "the refused attempts are recorded too"
    );
}

#[tokio::test]
async fn a_fix_that_changes_credentials_is_applied_to_the_running_gateway() {
    let mut panel = Panel::logged_in().await;
    let view = doctor_of(&panel.call_json("doctor", json!({})).await);
    let finding = view
        .native
        .findings
        .iter()
        .find(|f| f.fix.as_deref().is_some_and(|f| f.starts_with("clear the cooldown")))
        .unwrap_or_else(|| panic!("the demo has a cooldown to clear: {:#?}", view.native.findings))
        .clone();
    let reply = panel.call_json("doctor-fix", json!({"key": finding.key})).await;
    reply.assert_status(StatusCode::OK);
    let outcome: panel_views::FixOutcome = serde_json::from_str(&reply.body).unwrap();
    // No gateway runs in the tests (the demo names OpenClaw's default port): the fix says so.
    assert!(outcome.changes.iter().any(|c| c.starts_with("No gateway is running on 127.0.0.1:18789")), "{outcome:?}");
}

#[tokio::test]
async fn the_doctor_page_renders_findings_and_says_when_openclaw_is_missing() {
    let mut panel = Panel::logged_in().await;
    let page = panel.get("/doctor").await;
    page.assert_status(StatusCode::OK);
    assert!(page.body.contains("Auth checks"), "{}", page.body);
    assert!(page.body.contains("data-check=\"token-expired\""), "the demo's expired token");
    assert!(page.body.contains("OpenClaw&#x27;s doctor") || page.body.contains("OpenClaw's doctor"));
    common::assert_no_secret(&page.body);
}
