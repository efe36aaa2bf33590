//! Status and type badges: always a word, with colour as a second cue, never colour alone.

use leptos::prelude::*;

use crate::views::{Kind, Status};

#[component]
pub fn StatusBadge(status: Status) -> impl IntoView {
    let icon = match status {
        Status::Ok => "✓",
        Status::Static => "•",
        Status::Expiring => "!",
        Status::Expired => "✕",
        Status::Missing => "?",
    };
    view! {
        <span class=format!("badge status-{}", status.word()) title=status.explain()>
            <span aria-hidden="true">{icon}</span>
            " "
            {status.word()}
        </span>
    }
}

#[component]
pub fn KindBadge(kind: Kind) -> impl IntoView {
    view! { <span class=format!("kind kind-{}", kind.word())>{kind.word()}</span> }
}
