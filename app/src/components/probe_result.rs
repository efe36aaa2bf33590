//! One live check's result, as every page shows it (a row of the profiles table, the paste
//! form, the Doctor's live section): the class as a word on a coloured chip (never colour
//! alone), when and how it was checked (latency, free or billed), the provider's own words, the
//! fix, and what the provider said about the account. A credential that only a billed request
//! proves offers that request, behind a sentence that says it is billed.

use leptos::prelude::*;

use crate::views::{ProbeClass, ProbeView};

/// The chip class of a result (the page's status colours).
pub fn class_chip(class: ProbeClass) -> &'static str {
    match class {
        ProbeClass::Ok => "status-ok",
        ProbeClass::RateLimited | ProbeClass::Unknown => "status-expiring",
        ProbeClass::NotChecked => "status-static",
        _ => "status-expired",
    }
}

#[component]
pub fn ProbeResult(
    v: ProbeView,
    /// Asks for the billed check (shown only when one would prove the credential).
    #[prop(optional)]
    on_billed: Option<Callback<()>>,
    /// Asks for a new check (shown when the result was reused from the last 30 s).
    #[prop(optional)]
    on_again: Option<Callback<()>>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let billed = v.needs_billed.then_some(on_billed).flatten();
    let how = match (v.latency_ms, v.cost.as_str()) {
        (Some(ms), "billed") => format!("{ms} ms, billed request (1 token)"),
        (Some(ms), _) => format!("{ms} ms, free request"),
        (None, _) => "nothing sent".to_owned(),
    };
    let cached = v.cached.then_some(" (result from the last 30 s)");
    let again = v.cached.then_some(on_again).flatten().map(|again| {
        view! { <button type="button" class="small button-quiet probe-again" on:click=move |_| again.run(())>"Check again"</button> }
    });
    view! {
        <div class=format!("probe probe-{}", v.class.as_str()) data-class=v.class.as_str() role="status">
            <p class="probe-head">
                <span class=format!("chip {}", class_chip(v.class))>{v.class.label()}</span>
                " "
                <span class="muted small">"checked " {v.checked_at.clone()} " · " {how} {cached}</span>
                {again}
            </p>
            {v.provider_message.clone().map(|m| view! {
                <p class="probe-said">"The provider said: " <q>{m}</q>
                    {v.http_status.map(|s| view! { <span class="muted small">" (HTTP " {s} ")"</span> })}
                </p>
            })}
            {(v.class != ProbeClass::Ok).then(|| view! { <p class="hint probe-fix">"What to do: " {v.fix.clone()}</p> })}
            {(!v.details.is_empty()).then(|| view! {
                <dl class="facts probe-details">
                    {v.details.iter().map(|(k, val)| view! { <div><dt>{k.clone()}</dt><dd>{val.clone()}</dd></div> }).collect_view()}
                </dl>
            })}
            {billed.map(|ask| view! {
                {move || if asking.get() {
                    view! {
                        <div class="probe-billed" role="group" aria-label="Confirm a billed check">
                            <p>"This sends one real request to the provider with this credential (one output token, billed to its account). Nothing is saved and OpenClaw's state is not touched."</p>
                            <button type="button" class="small danger probe-billed-confirm" on:click=move |_| { asking.set(false); ask.run(()); }>
                                "Send the billed check"
                            </button>
                            " "
                            <button type="button" class="small" on:click=move |_| asking.set(false)>"Cancel"</button>
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <button type="button" class="small probe-billed-ask" on:click=move |_| asking.set(true)>
                            "Check with a billed request…"
                        </button>
                    }.into_any()
                }}
            })}
        </div>
    }
}
