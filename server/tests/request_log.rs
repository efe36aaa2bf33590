//! What the request spans write: a span per request with method, path, status and latency, and
//! never a query string, cookie, CSRF token, password or body. Its own test binary: the capturing
//! subscriber is set for this thread, and `tracing` caches per call site whether anyone listens,
//! which tests on other threads of the same binary would race with.

mod common;

use axum::http::StatusCode;
use common::Panel;

/// Log lines written while requests are answered, collected from this thread only.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn request_log_lines_hold_no_query_cookie_or_body() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        // Span closes too, so every field of every span is in the text checked below.
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_writer(move || writer.clone())
        .finish();
    // A `#[tokio::test]` runs on one thread, so every request below logs to this subscriber.
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut panel = Panel::build(true, |_| {});
    panel.login(common::PASSWORD).await.assert_status(StatusCode::OK);
    panel.get("/?agent=work&probe=QUERYMARK").await.assert_status(StatusCode::OK);
    panel.call("overview", "agent=work").await.assert_status(StatusCode::OK);
    let reply = panel
        .call_json("env-set", serde_json::json!({ "key": "PROBE_API_KEY", "value": "sk-BODYMARK-0123456789" }))
        .await;
    assert!(reply.status.is_success() || reply.status.is_client_error(), "{}", reply.body);
    panel.get("/no/such/page?probe=QUERYMARK").await.assert_status(StatusCode::NOT_FOUND);

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let answered: Vec<&str> = log.lines().filter(|l| l.contains("answered")).collect();
    assert!(
        answered.iter().any(|l| l.contains("method=GET path=\"/\" status=200 latency_ms=")),
        "a span per request with method, path, status and latency:\n{log}"
    );
    assert!(answered.iter().any(|l| l.contains("path=\"/api/overview\" status=200")), "{log}");
    assert!(answered.iter().any(|l| l.contains("path=\"/no/such/page\" status=404")), "{log}");
    assert!(log.contains("action=\"overview\"") || log.contains("action=overview"), "server-function span:\n{log}");
    let session_id = panel.cookie.as_deref().unwrap().split_once('=').unwrap().1.to_owned();
    for leak in [
        "QUERYMARK",
        "probe=",
        &session_id,
        panel.csrf.as_deref().unwrap(),
        common::PASSWORD,
        "BODYMARK",
        "openclaw-panel-18785",
    ] {
        assert!(!log.contains(leak), "the log holds {leak:?}:\n{log}");
    }
    common::assert_no_secret(&log);
}
