//! The confirm dialog of changes that lose something (remove a profile, remove a `.env` key): a
//! modal `<dialog>` naming everything the change touches, Cancel focused first.

use leptos::prelude::*;

use crate::api::{doctor_fix, env_unset, remove_profile};
use crate::error::AppError;
use crate::page_state::{ConfirmAction, Notice, PageState, spawn_call};
use crate::views::{FixOutcome, WriteOutcome};

/// A doctor fix's result in the notice's terms.
fn fix_outcome(done: FixOutcome) -> WriteOutcome {
    WriteOutcome {
        agent: String::new(),
        changes: done.changes,
        hints: Vec::new(),
        warnings: Vec::new(),
        restart_gateway: false,
        restart_note: String::new(),
        version: String::new(),
        profile_id: None,
        masked: None,
        provider: None,
        next: None,
        pin_command: None,
    }
}

#[component]
pub fn ConfirmDialog() -> impl IntoView {
    let state = PageState::get();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        let open = state.confirm.get().is_some();
        crate::dom::set_dialog_open(&dialog, open);
        if open {
            crate::dom::focus_later("#confirm-cancel".to_owned());
        }
    });
    let confirm = move |_| {
        let Some(request) = state.confirm.get_untracked() else { return };
        let title = request.title.clone();
        let finish =
            move |result: Result<WriteOutcome, AppError>, done_title: String, highlight: Option<(String, String)>| {
                state.confirm.set(None);
                match result {
                    Ok(outcome) => state.changed(Notice::saved(done_title, &outcome), highlight),
                    Err(e) => state.failed(format!("Not done: {title}"), &e),
                }
            };
        match request.action {
            ConfirmAction::RemoveProfile { agent, profile_id, version } => {
                let done_title = format!("Removed {profile_id} from agent {agent}");
                spawn_call(busy, remove_profile(agent, profile_id, Some(version)), move |r| {
                    finish(r, done_title, None)
                });
            }
            ConfirmAction::DoctorFix { key } => {
                spawn_call(busy, doctor_fix(key), move |r| {
                    let did = r.as_ref().map(|d| d.did.clone()).unwrap_or_default();
                    finish(r.map(fix_outcome), format!("Fixed: {did}"), None)
                });
            }
            ConfirmAction::UnsetEnvKey { key, version } => {
                let done_title = format!("Removed {key} from .env");
                spawn_call(busy, env_unset(key, Some(version)), move |r| finish(r, done_title, None));
            }
        }
    };
    view! {
        <dialog
            node_ref=dialog
            class="confirm card"
            aria-labelledby="confirm-title"
            on:close=move |_| state.confirm.set(None)
        >
            {move || state.confirm.get().map(|request| view! {
                <h2 id="confirm-title">{request.title.clone()}</h2>
                <ul class="confirm-lines">
                    {request.lines.iter().map(|l| view! { <li>{l.clone()}</li> }).collect_view()}
                </ul>
                <div class="actions">
                    <button type="button" class="danger" on:click=confirm disabled=move || busy.get()>
                        {move || if busy.get() { "Working…".to_owned() } else { request.confirm_label.clone() }}
                    </button>
                    <button type="button" id="confirm-cancel" on:click=move |_| state.confirm.set(None)>"Cancel"</button>
                </div>
            })}
        </dialog>
    }
}
