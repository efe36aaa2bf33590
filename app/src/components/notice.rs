//! The notice about the last change: what changed, which profile OpenClaw now tries first, the
//! masked secret and pin command of a saved profile, and whether the gateway must restart. It
//! stays at the bottom of the window until dismissed, and takes the focus so a screen reader says it.

use leptos::prelude::*;

use crate::components::CopyButton;
use crate::page_state::PageState;

#[component]
pub fn NoticeBar() -> impl IntoView {
    let state = PageState::get();
    move || {
        state.notice.get().map(|n| {
            let class = if n.is_error { "notice card notice-error" } else { "notice card notice-ok" };
            let role = if n.is_error { "alert" } else { "status" };
            view! {
                <section class=class role=role tabindex="-1" aria-labelledby="notice-title">
                    <div class="notice-head">
                        <h2 id="notice-title">{n.title.clone()}</h2>
                        <button type="button" class="button-quiet" on:click=move |_| state.notice.set(None)>
                            "Dismiss"
                        </button>
                    </div>
                    <ul class="notice-lines">
                        {n.lines.iter().map(|l| view! { <li>{l.clone()}</li> }).collect_view()}
                    </ul>
                    {n.masked.clone().map(|m| view! { <p>"Stored secret: " <code class="masked">{m}</code></p> })}
                    {n.next.clone().map(|next| view! {
                        <p class="notice-next">"OpenClaw now tries " <code>{next}</code> " first."</p>
                    })}
                    {n.pin.clone().map(|pin| view! {
                        <p class="notice-pin">
                            "Use it for one chat session: "
                            <CopyButton text=pin label="pin command of the saved profile" />
                        </p>
                    })}
                    {n.gateway_note.clone().map(|note| {
                        let class = if n.must_restart { "banner banner-warning gateway-note must-restart" } else { "banner banner-info gateway-note" };
                        view! { <p class=class>{note}</p> }
                    })}
                </section>
            }
        })
    }
}
