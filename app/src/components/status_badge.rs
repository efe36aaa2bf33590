//! Status and type badges: always a word, with colour as a second cue, never colour alone.

use leptos::prelude::*;

use crate::views::{CredentialKind, HealthStatus};

#[component]
pub fn StatusBadge(status: HealthStatus) -> impl IntoView {
    let icon = match status {
        HealthStatus::Ok => "✓",
        HealthStatus::Static => "•",
        HealthStatus::Expiring => "!",
        HealthStatus::Expired => "✕",
        HealthStatus::Missing => "?",
    };
    view! {
        <span class=format!("badge status-{}", status.as_str()) title=status.explain()>
            <span aria-hidden="true">{icon}</span>
            " "
            {status.as_str()}
        </span>
    }
}

#[component]
pub fn KindBadge(kind: CredentialKind) -> impl IntoView {
    view! { <span class=format!("kind kind-{}", kind.as_str())>{kind.as_str()}</span> }
}
