//! The write server functions through the router (no browser): each needs a session and the CSRF
//! token; bad input gets a clear message and changes nothing on disk; a good call changes what it
//! says, returns no secret, and shows in the history with the client's address.

mod common;

use std::path::Path;

use axum::http::StatusCode;
use common::Panel;
use openclaw_state::testing::{CaptureOptions, TreeSnapshot};
use serde_json::{Value, json};

const TOKEN: &str = "sk-ant-oat01-APIAPIAPIAPIAPIAPIAPIAPIAPIAPIAPIAPIAPIAPIAPIAPIAPIAPIAPIAPIAPIAPIAPIAPI-NEWTOKEN";

/// Every path under the state dir with its bytes; an SQLite database by its rows (any connection
/// may checkpoint a WAL into the main file without changing a row), its `-wal`/`-shm` files
/// skipped for the same reason. Modes are left out: these calls are held to contents (the
/// doctor's tests hold fixes to modes).
fn tree(dir: &Path) -> TreeSnapshot {
    const CONTENTS: CaptureOptions =
        CaptureOptions { bytes: true, sqlite_rows: true, modes: false, ignore: &["-wal", "-shm"] };
    TreeSnapshot::capture(dir, CONTENTS)
}

fn calls() -> Vec<(&'static str, Value)> {
    vec![
        (
            "paste",
            json!({"request": {"agent": "main", "provider": "anthropic", "profile_id": null, "kind": "token", "secret": TOKEN, "expires_in": "30d", "confirmed": true}}),
        ),
        (
            "order-set",
            json!({"agent": "main", "provider": "anthropic", "ids": ["anthropic:manual"], "base_version": null}),
        ),
        ("order-clear", json!({"agent": "main", "provider": "anthropic", "base_version": null})),
        ("remove", json!({"agent": "main", "profile_id": "anthropic:manual", "base_version": null})),
        ("clear-cooldown", json!({"agent": "main", "profile_id": "anthropic:default"})),
        ("env", json!({})),
        ("env-set", json!({"key": "GROQ_API_KEY", "value": "gsk_APIAPIAPIAPI0001", "base_version": null})),
        ("env-unset", json!({"key": "OPENAI_API_KEY", "base_version": null})),
        ("history", json!({"agent": null, "provider": null})),
    ]
}

#[tokio::test]
async fn every_write_needs_a_session_and_the_csrf_token() {
    let mut panel = Panel::build(true, |_| {});
    let before = tree(&panel.state_dir());
    for (endpoint, body) in calls() {
        let reply = panel.call_json(endpoint, body).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{endpoint} without a session: {}", reply.body);
    }
    panel.login(common::PASSWORD).await.assert_status(StatusCode::OK);
    let csrf = panel.csrf.take();
    for (endpoint, body) in calls() {
        let reply = panel.call_json(endpoint, body).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{endpoint} without the CSRF token: {}", reply.body);
    }
    let changes = before.diff(&tree(&panel.state_dir()));
    assert!(changes.is_empty(), "nothing changed on disk: {changes:#?}");
    panel.csrf = csrf;
    for (endpoint, body) in calls() {
        let reply = panel.call_json(endpoint, body).await;
        assert_eq!(reply.status, StatusCode::OK, "{endpoint}: {}", reply.body);
        assert!(
            !reply.body.contains(TOKEN) && !reply.body.contains("gsk_APIAPIAPIAPI0001"),
            "{endpoint} returned a secret"
        );
        common::assert_no_secret(&reply.body);
    }
}

#[tokio::test]
async fn bad_input_is_explained_and_changes_nothing() {
    let mut panel = Panel::logged_in().await;
    let before = tree(&panel.state_dir());
    let cases = vec![
        (
            "paste",
            json!({"request": {"agent": "main", "provider": "anthropic", "profile_id": null, "kind": "token", "secret": "sk-ant-oat01-short", "expires_in": null, "confirmed": true}}),
            "too short",
        ),
        (
            "paste",
            json!({"request": {"agent": "../../etc", "provider": "anthropic", "profile_id": null, "kind": "token", "secret": TOKEN, "expires_in": null, "confirmed": true}}),
            "not valid",
        ),
        (
            "paste",
            json!({"request": {"agent": "main", "provider": "anthropic", "profile_id": "anthropic:a/../b", "kind": "token", "secret": TOKEN, "expires_in": null, "confirmed": true}}),
            "not valid",
        ),
        (
            "paste",
            json!({"request": {"agent": "main", "provider": "anthropic", "profile_id": null, "kind": "token", "secret": TOKEN, "expires_in": "someday", "confirmed": true}}),
            "invalid duration",
        ),
        (
            "paste",
            json!({"request": {"agent": "main", "provider": "anthropic", "profile_id": null, "kind": "token", "secret": TOKEN, "expires_in": "2020-01-31", "confirmed": true}}),
            "in the past",
        ),
        (
            "paste",
            json!({"request": {"agent": "main", "provider": "anthropic", "profile_id": null, "kind": "token", "secret": TOKEN, "expires_in": "2027-02-30", "confirmed": true}}),
            "not a date",
        ),
        (
            "order-set",
            json!({"agent": "main", "provider": "anthropic", "ids": ["anthropic:nope"], "base_version": null}),
            "no profile",
        ),
        (
            "order-set",
            json!({"agent": "main", "provider": "anthropic", "ids": ["anthropic:manual"], "base_version": "0000000000000000"}),
            "changed since",
        ),
        ("remove", json!({"agent": "main", "profile_id": "anthropic:nope", "base_version": null}), "no profile"),
        ("env-set", json!({"key": "BAD-KEY", "value": "x", "base_version": null}), "not a valid variable name"),
        ("env-set", json!({"key": "OK_KEY", "value": "a\nb", "base_version": null}), "line break"),
        // The gateway loads .env into its own process: loaders, proxies and base URLs are refused.
        (
            "env-set",
            json!({"key": "NODE_OPTIONS", "value": "--require=/tmp/evil.js", "base_version": null}),
            "not a credential variable",
        ),
        (
            "env-set",
            json!({"key": "LD_PRELOAD", "value": "/tmp/evil.so", "base_version": null}),
            "not a credential variable",
        ),
        (
            "env-set",
            json!({"key": "OPENAI_BASE_URL", "value": "http://203.0.113.9/v1", "base_version": null}),
            "not a credential variable",
        ),
        (
            "env-set",
            json!({"key": "HTTPS_PROXY", "value": "http://203.0.113.9:3128", "base_version": null}),
            "not a credential variable",
        ),
        ("env-set", json!({"key": "PATH", "value": "/tmp/evil", "base_version": null}), "not a credential variable"),
    ];
    for (endpoint, body, expected) in cases {
        let reply = panel.call_json(endpoint, body).await;
        assert!(reply.status.is_client_error() || reply.status.is_server_error(), "{endpoint}: {}", reply.body);
        let error: app::error::AppError =
            serde_json::from_str(&reply.body).unwrap_or_else(|e| panic!("{endpoint}: {e}: {}", reply.body));
        assert!(error.to_string().contains(expected), "{endpoint}: {error}");
        assert!(!reply.body.contains(TOKEN));
    }
    let changes = before.diff(&tree(&panel.state_dir()));
    assert!(changes.is_empty(), "refused writes changed {changes:#?}");
}

#[tokio::test]
async fn a_paste_with_hints_asks_first_then_saves_and_shows_in_history() {
    let mut panel = Panel::logged_in().await;
    let before = tree(&panel.state_dir());
    // A setup token pasted as an API key: hints come back, nothing is written.
    let request = json!({"request": {"agent": "main", "provider": "anthropic", "profile_id": "anthropic:key", "kind": "api_key", "secret": TOKEN, "expires_in": null, "confirmed": false}});
    let reply = panel.call_json("paste", request.clone()).await;
    reply.assert_status(StatusCode::OK);
    let outcome: panel_views::PasteOutcome = serde_json::from_str(&reply.body).unwrap();
    match &outcome {
        panel_views::PasteOutcome::Confirm { profile_id, masked, hints } => {
            assert_eq!(profile_id, "anthropic:key");
            assert_eq!(masked, "sk-ant-o...NEWTOKEN");
            assert!(hints.iter().any(|h| h.code.as_str() == "setup-token-as-api-key"), "{hints:?}");
        }
        other => panic!("expected hints first: {other:?}"),
    }
    let changes = before.diff(&tree(&panel.state_dir()));
    assert!(changes.is_empty(), "nothing written before the confirmation: {changes:#?}");

    // Confirmed: saved.
    let mut confirmed = request;
    confirmed["request"]["confirmed"] = json!(true);
    let reply = panel.call_json("paste", confirmed).await;
    reply.assert_status(StatusCode::OK);
    let outcome: panel_views::PasteOutcome = serde_json::from_str(&reply.body).unwrap();
    let panel_views::PasteOutcome::Saved(saved) = outcome else { panic!("not saved") };
    assert_eq!(saved.profile_id.as_deref(), Some("anthropic:key"));
    assert!(saved.changes.iter().any(|c| c.contains("anthropic:key")));

    // The order editor's conflict: based on an old version.
    let overview = panel.call("overview", "agent=main").await;
    let overview: panel_views::Overview = serde_json::from_str(&overview.body).unwrap();
    let version = overview.agents[0].version.clone();
    assert!(!version.is_empty());
    panel.call_json("order-set", json!({"agent": "main", "provider": "anthropic", "ids": ["anthropic:key", "anthropic:manual"], "base_version": version})).await.assert_status(StatusCode::OK);
    let reply = panel
        .call_json(
            "order-set",
            json!({"agent": "main", "provider": "anthropic", "ids": ["anthropic:manual"], "base_version": version}),
        )
        .await;
    let error: app::error::AppError = serde_json::from_str(&reply.body).unwrap();
    match error {
        app::error::AppError::Conflict { current_orders, .. } => {
            assert!(
                current_orders.contains(&(
                    "anthropic".to_owned(),
                    vec!["anthropic:key".to_owned(), "anthropic:manual".to_owned()]
                ))
            );
        }
        other => panic!("{other}"),
    }

    let reply = panel.call_json("history", json!({"agent": "main", "provider": "anthropic"})).await;
    let history: Vec<panel_views::HistoryEntry> = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(history[0].action.as_str(), "order-set");
    assert!(!history[0].ok, "the refused conflict is recorded");
    assert!(
        history.iter().any(|e| e.action.as_str() == "paste-api-key" && e.ok && e.actor == "panel:192.0.2.10"),
        "{history:?}"
    );
    assert!(!reply.body.contains(TOKEN));
}

#[tokio::test]
async fn a_saved_change_says_what_openclaw_tries_next_and_how_to_pin_it() {
    let mut panel = Panel::logged_in().await;
    // An expiry given as a date: the end of that day, UTC.
    let request = json!({"request": {"agent": "main", "provider": "anthropic", "profile_id": "Dated", "kind": "token", "secret": TOKEN, "expires_in": "2099-01-31", "confirmed": false}});
    let reply = panel.call_json("paste", request).await;
    reply.assert_status(StatusCode::OK);
    let panel_views::PasteOutcome::Saved(saved) = serde_json::from_str(&reply.body).unwrap() else {
        panic!("a plain setup token needs no confirmation: {}", reply.body)
    };
    assert_eq!(saved.profile_id.as_deref(), Some("anthropic:dated"));
    assert_eq!(saved.provider.as_deref(), Some("anthropic"));
    assert_eq!(saved.pin_command.as_deref(), Some("/model anthropic/claude-opus-4-6@anthropic:dated"));
    assert_eq!(saved.masked.as_deref(), Some("sk-ant-o...NEWTOKEN"));
    assert!(saved.next.is_some());
    assert!(!saved.restart_note.is_empty());
    let overview: panel_views::Overview =
        serde_json::from_str(&panel.call("overview", "agent=main").await.body).unwrap();
    let row =
        overview.agents[0].providers.iter().flat_map(|p| &p.profiles).find(|p| p.id == "anthropic:dated").unwrap();
    assert_eq!(row.expires_at.as_deref(), Some("2099-01-31 23:59 UTC"), "{row:?}");
    assert!(row.in_config, "paste-token adds the config entry");

    // Put it first: the outcome names it as what OpenClaw tries next.
    let version = overview.agents[0].version.clone();
    let reply = panel.call_json("order-set",
        json!({"agent": "main", "provider": "anthropic", "ids": ["anthropic:dated", "anthropic:manual"], "base_version": version}),
    )
    .await;
    reply.assert_status(StatusCode::OK);
    let outcome: panel_views::WriteOutcome = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(outcome.next.as_deref(), Some("anthropic:dated"));

    // A cleared cooldown reports its provider too.
    let reply = panel.call_json("clear-cooldown", json!({"agent": "main", "profile_id": "anthropic:default"})).await;
    reply.assert_status(StatusCode::OK);
    let outcome: panel_views::WriteOutcome = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(outcome.provider.as_deref(), Some("anthropic"));
    assert!(outcome.changes.iter().any(|c| c.contains("cooldownUntil")), "{:?}", outcome.changes);
    let overview: panel_views::Overview =
        serde_json::from_str(&panel.call("overview", "agent=main").await.body).unwrap();
    let row =
        overview.agents[0].providers.iter().flat_map(|p| &p.profiles).find(|p| p.id == "anthropic:default").unwrap();
    assert!(row.unusable.is_none(), "{row:?}");
}

#[tokio::test]
async fn the_history_page_lists_changes_newest_first_and_filters() {
    let mut panel = Panel::logged_in().await;
    let page = panel.get("/history").await;
    page.assert_status(StatusCode::OK);
    assert!(page.body.contains("No changes yet"), "{}", page.body);
    panel
        .call_json(
            "order-set",
            json!({"agent": "main", "provider": "anthropic", "ids": ["anthropic:manual"], "base_version": null}),
        )
        .await
        .assert_status(StatusCode::OK);
    let paste = json!({"request": {"agent": "main", "provider": "openai", "profile_id": null, "kind": "api_key", "secret": "sk-proj-HISTORYHISTORY-0001", "expires_in": null, "confirmed": true}});
    panel.call_json("paste", paste).await.assert_status(StatusCode::OK);
    let page = panel.get("/history").await;
    let order_at = page.body.find("data-action=\"order-set\"").expect("order-set row");
    let paste_at = page.body.find("data-action=\"paste-api-key\"").expect("paste row");
    assert!(paste_at < order_at, "newest first");
    assert!(page.body.contains("panel:192.0.2.10"));
    assert!(page.body.contains("sk-p...0001"), "the masked hint (4 + 4 of 27 characters)");
    assert!(!page.body.contains("sk-proj-HISTORYHISTORY-0001"), "never the secret");
    let filtered = panel.get("/history?provider=anthropic").await;
    assert!(
        filtered.body.contains("data-action=\"order-set\"") && !filtered.body.contains("data-action=\"paste-api-key\"")
    );
    assert_eq!(panel.get("/history").await.status, StatusCode::OK);
    panel.cookie = None;
    assert_eq!(panel.get("/history").await.location(), Some("/login"), "needs a session");
}

#[tokio::test]
async fn the_env_keys_page_lists_masked_keys_and_needs_a_session() {
    let mut panel = Panel::logged_in().await;
    panel
        .call_json("env-set", json!({"key": "GROQ_API_KEY", "value": "gsk_ENVPAGEENVPAGE-0001", "base_version": null}))
        .await
        .assert_status(StatusCode::OK);
    let page = panel.get("/env").await;
    page.assert_status(StatusCode::OK);
    assert!(page.body.contains("data-key=\"GROQ_API_KEY\""), "{}", page.body);
    assert!(page.body.contains("gsk_...0001"), "the masked value (4 + 4 of 23 characters)");
    assert!(!page.body.contains("gsk_ENVPAGEENVPAGE-0001"), "never the value");
    common::assert_no_secret(&page.body);
    panel.cookie = None;
    assert_eq!(panel.get("/env").await.location(), Some("/login"), "needs a session");
}
