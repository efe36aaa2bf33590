//! A confirmed paste from the page reads OpenClaw's state at most twice (once to prepare and
//! write, once to read the written agent back), and its answer carries that agent as the page
//! shows it, so the page patches one card instead of reading every agent again. Alone in its test
//! binary: the read counter is process-wide.

mod common;

use axum::http::StatusCode;
use common::{Panel, assert_no_secret};
use serde_json::json;

const TOKEN: &str = "sk-ant-oat01-READSREADSREADSREADSREADSREADSREADSREADSREADSREADSREADSREADSREADS-COUNTED01";

#[tokio::test]
async fn a_confirmed_paste_reads_the_state_twice_and_answers_with_the_refreshed_agent() {
    let mut panel = Panel::logged_in().await;
    let before = openclaw_state::snapshot::state_reads();
    let reply = panel
        .call_json(
            "paste",
            json!({"request": {"agent": "main", "provider": "anthropic", "profile_id": "anthropic:counted", "kind": "token", "secret": TOKEN, "expires_in": "30d", "confirmed": true}}),
        )
        .await;
    let reads = openclaw_state::snapshot::state_reads() - before;
    reply.assert_status(StatusCode::OK);
    assert_no_secret(&reply.body);
    assert!(!reply.body.contains(TOKEN), "the answer carries no secret");
    assert!(reads <= 2, "a confirmed paste read the whole state {reads} times");

    let app::views::PasteOutcome::Saved(done) = serde_json::from_str(&reply.body).unwrap() else {
        panic!("saved expected: {}", reply.body)
    };
    let refreshed = done.refreshed.expect("the written agent comes back");
    assert_eq!(refreshed.agent.id, "main");
    assert_eq!(refreshed.agent.version, done.version, "the card can base the next change on it");
    let row = refreshed
        .agent
        .providers
        .iter()
        .flat_map(|p| &p.profiles)
        .find(|p| p.id == "anthropic:counted")
        .expect("the new row is in the card");
    assert_eq!(row.masked, done.masked.clone().unwrap());
    assert_eq!(row.pin_command, done.pin_command);

    // The card is exactly what a fresh read of the page shows for that agent.
    let page = panel.call("overview", "").await;
    page.assert_status(StatusCode::OK);
    let overview: app::views::Overview = serde_json::from_str(&page.body).unwrap();
    let fresh = overview.agents.iter().find(|a| a.id == "main").unwrap();
    assert_eq!(fresh, &refreshed.agent);
    assert_eq!(overview.problems, refreshed.problems);
}
