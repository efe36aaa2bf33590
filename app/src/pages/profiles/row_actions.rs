//! The buttons of a credential row: clear a cooldown or disable, replace the secret, remove (the
//! remove dialog itself is [`super::remove_dialog`]).

use leptos::prelude::*;

use super::ProfileWrites;
use super::agent_section::RowScope;
use super::probes::CheckButton;
use super::remove_dialog::RemoveTarget;
use crate::api::ClearCooldown;
use crate::page_state::{About, PageState, PastePrefill};
use crate::views::{ProfileView, SourceKind};

/// The buttons of a row: clear cooldown (when one is in force), replace the secret, remove.
pub(super) fn row_actions(profile: &ProfileView, scope: &RowScope) -> AnyView {
    let state = PageState::get();
    let writes = expect_context::<ProfileWrites>();
    let id = profile.id.clone();
    let check = || view! { <CheckButton agent=scope.agent.clone() id=id.clone() /> };
    match profile.source.kind {
        SourceKind::DotEnv => {
            return view! { {check()} <a href="/env" class="small">"Edit in .env keys"</a> }.into_any();
        }
        SourceKind::Env | SourceKind::ConfigEnv => {
            return view! { {check()} <span class="muted small">"set outside the panel"</span> }.into_any();
        }
        SourceKind::Legacy => return view! { <span class="muted small">"import first"</span> }.into_any(),
        SourceKind::Inherited => {
            return view! { {check()} <span class="muted small">{profile.source.label.clone()}</span> }.into_any();
        }
        SourceKind::Store | SourceKind::Shared => {}
    }
    let check = check();
    let clear = profile.unusable.clone().map(|u| {
        let (agent, id) = (scope.agent.clone(), id.clone());
        let busy = {
            let (agent, id) = (agent.clone(), id.clone());
            writes.clear_cooldown.pending_for(move |i| i.agent == agent && i.profile_id == id)
        };
        let label = format!(
            "Clear {} of {id} ({}{} left)",
            u.kind,
            u.reason.as_deref().map(|r| format!("{r}, ")).unwrap_or_default(),
            u.remaining
        );
        view! {
            <button
                type="button"
                class="small clear-cooldown"
                aria-label=label.clone()
                title=label
                disabled=move || busy.get()
                on:click=move |_| {
                    if busy.get_untracked() {
                        return;
                    }
                    let about = About::new(format!("Cleared the {} of {id}", u.kind)).highlight(&agent, &id);
                    writes.clear_cooldown.dispatch(ClearCooldown { agent: agent.clone(), profile_id: id.clone() }, about);
                }
            >
                {
                    let word = format!("Clear {}", u.kind);
                    move || if busy.get() { "Clearing…".to_owned() } else { word.clone() }
                }
            </button>
        }
    });
    let replace = (profile.kind != crate::views::CredentialKind::OAuth).then(|| {
        let prefill = PastePrefill::replace(&scope.agent, &id, profile.kind);
        view! {
            <button
                type="button"
                class="small replace"
                aria-label=format!("Replace the secret of {id}")
                on:click=move |_| {
                    state.paste.set(Some(prefill.clone()));
                    crate::dom::scroll_into_view_later("section.paste".to_owned());
                    crate::dom::focus_later("#paste-secret".to_owned());
                }
            >
                "Replace"
            </button>
        }
    });
    let target = RemoveTarget { agent: scope.agent.clone(), profile_id: id.clone() };
    view! {
        {check}
        {clear}
        {replace}
        <button
            type="button"
            class="small danger remove"
            aria-label=format!("Remove {id}")
            on:click=move |_| writes.removing.set(Some(target.clone()))
        >
            "Remove"
        </button>
    }
    .into_any()
}
