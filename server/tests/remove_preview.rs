//! The remove dialog's preview through the router: on the demo state it names the orders and
//! the config entry a removal touches, writes nothing, carries no secret, and its version is the
//! one the removal can be based on.

mod common;

use axum::http::StatusCode;
use common::{Panel, assert_no_secret};
use serde_json::json;

#[tokio::test]
async fn the_preview_names_what_a_removal_deletes_and_the_removal_can_follow_it() {
    let mut panel = Panel::logged_in().await;
    let reply = panel.call_json("remove-preview", json!({"agent": "work", "profile_id": "anthropic:work"})).await;
    reply.assert_status(StatusCode::OK);
    assert_no_secret(&reply.body);
    let preview: app::views::RemovePreview = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(preview.provider, "anthropic");
    let stored = preview.stored_order.clone().expect("the stored order names it");
    assert!(stored.before.iter().any(|id| id == "anthropic:work"), "{stored:?}");
    let rest: Vec<&String> = stored.before.iter().filter(|id| *id != "anthropic:work").collect();
    assert_eq!(stored.after.iter().collect::<Vec<_>>(), rest);
    assert!(preview.config_entry, "{preview:?}");
    assert!(!preview.version.is_empty());

    let again = panel.call_json("remove-preview", json!({"agent": "work", "profile_id": "anthropic:work"})).await;
    assert_eq!(again.body, reply.body, "a preview writes nothing");

    panel
        .call_json("remove", json!({"agent": "work", "profile_id": "anthropic:work", "base_version": preview.version}))
        .await
        .assert_status(StatusCode::OK);
    let gone = panel.call_json("remove-preview", json!({"agent": "work", "profile_id": "anthropic:work"})).await;
    assert!(gone.status.is_client_error() || gone.status.is_server_error(), "{}", gone.body);
    let error: app::error::AppError = serde_json::from_str(&gone.body).unwrap();
    assert!(error.to_string().contains("no profile \"anthropic:work\""), "{error}");
}
