//! The paste preview is no oracle for stored secrets (security issue 15, item 1), tried as the
//! attack was: a session holder stores nothing and asks, guess after guess, whether a guess
//! equals a stored 17-character key. Before: the mask showed 16 of its 17 characters, a control
//! character in the guess guaranteed a hint (so nothing was ever saved) and the "same secret"
//! hint answered; the key came back in 17 previews.

mod common;

use axum::http::StatusCode;
use common::Panel;
use panel_service::paste_budget::PASTES_PER_WINDOW;
use serde_json::{Value, json};

/// The stored key: 17 characters, the length OpenClaw's mask shows 16 of.
const KEY: &str = "gsk_Q7x2Lm9Pw4Rt8";

fn paste(secret: &str, confirmed: bool, profile: &str) -> Value {
    json!({"request": {"agent": "main", "provider": "groq", "profile_id": profile, "kind": "api_key", "secret": secret, "expires_in": null, "confirmed": confirmed}})
}

fn answer(body: &str) -> app::views::PasteOutcome {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

fn hint_codes(outcome: &app::views::PasteOutcome) -> Vec<String> {
    match outcome {
        app::views::PasteOutcome::Confirm { hints, .. } => hints.iter().map(|h| h.code.to_string()).collect(),
        app::views::PasteOutcome::Saved(done) => done.hints.iter().map(|h| h.code.to_string()).collect(),
    }
}

#[tokio::test]
async fn stored_secrets_cannot_be_recovered_through_paste_previews() {
    assert_eq!(KEY.len(), 17);
    let mut panel = Panel::logged_in().await;
    panel.call_json("paste", paste(KEY, true, "groq:team")).await.assert_status(StatusCode::OK);

    // The page shows 4 + 4 of a 17-character secret (9 hidden), not OpenClaw's 8 + 8 (1 hidden).
    let page = panel.call("overview", "").await;
    assert!(!page.body.contains(&KEY[..8]), "more than 4 leading characters shown");
    let overview: app::views::Overview = serde_json::from_str(&page.body).unwrap();
    let row = overview
        .agents
        .iter()
        .flat_map(|a| &a.providers)
        .flat_map(|p| &p.profiles)
        .find(|p| p.id == "groq:team")
        .unwrap();
    assert_eq!(row.masked, "gsk_...4Rt8");

    // A right guess made to carry a hint (a control character: nothing would be saved whatever
    // the answer) is not compared with the stored secrets.
    let guess = format!("{KEY}\u{7}");
    let reply = panel.call_json("paste", paste(&guess, false, "groq:probe")).await;
    reply.assert_status(StatusCode::OK);
    let codes = hint_codes(&answer(&reply.body));
    assert!(codes.contains(&"dropped-characters".to_owned()), "{codes:?}");
    assert!(!codes.contains(&"same-secret-as".to_owned()), "a hinted guess learned the answer: {codes:?}");

    // A clean right guess is told (an admin pasting a key twice must hear it), and that preview
    // leaves a line in the audit log though nothing was saved.
    let reply = panel.call_json("paste", paste(KEY, false, "groq:probe")).await;
    let codes = hint_codes(&answer(&reply.body));
    assert_eq!(codes, vec!["same-secret-as".to_owned()]);
    let audit = std::fs::read_to_string(panel.dir.path().join("panel-data/audit.jsonl")).unwrap();
    let preview = audit.lines().find(|l| l.contains("\"paste-preview\"")).expect("the preview is in the audit log");
    assert!(preview.contains("groq:team") && preview.contains("nothing saved"), "{preview}");
    assert!(!audit.contains(KEY), "the audit log holds no secret");

    // Guessing on: the session's budget ends it. 3 pastes were made; the rest of the budget is
    // answered, then every paste is refused, the right guess included.
    for i in 3..PASTES_PER_WINDOW {
        // A clean wrong guess is saved (a noisy trail of its own); the guesser can only go on.
        let wrong = format!("gsk_Q7x2Lm9Pw4R{i:02}");
        panel.call_json("paste", paste(&wrong, false, "groq:probe")).await.assert_status(StatusCode::OK);
    }
    let refused = panel.call_json("paste", paste(KEY, false, "groq:probe")).await;
    assert!(refused.status.is_client_error() || refused.status.is_server_error(), "{}", refused.body);
    let error: app::error::AppError = serde_json::from_str(&refused.body).unwrap();
    assert!(error.to_string().contains("Try again in"), "{error}");
    assert!(!refused.body.contains("same-secret-as"));

    // A new login session (the admin, logging in again) has its own budget.
    panel.cookie = None;
    panel.csrf = None;
    panel.login(common::PASSWORD).await.assert_status(StatusCode::OK);
    panel.call_json("paste", paste(KEY, false, "groq:probe")).await.assert_status(StatusCode::OK);
}
