//! The Doctor's live section: every credential checked live against its provider on request (the
//! panel's zero-token checks; nothing is written), the last results since the panel started, and
//! for a stored profile OpenClaw's own `models.probe` through a running 2026.9 gateway, offered
//! with its cost and its side effect (a failure puts the profile in cooldown).

use std::collections::HashMap;

use leptos::prelude::*;

use crate::api::{openclaw_probe, probe_credentials, probe_results};
use crate::components::ProbeResult;
use crate::views::ProbeView;

fn key(v: &ProbeView) -> (String, String) {
    (v.agent.clone().unwrap_or_default(), v.credential.clone())
}

#[component]
pub fn LiveChecks() -> impl IntoView {
    let results = RwSignal::new(Vec::<ProbeView>::new());
    let running = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let openclaw = RwSignal::new(HashMap::<(String, String), Result<ProbeView, String>>::new());
    // The last results, read after hydration (the server renders the empty state).
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(last) = probe_results().await {
                results.set(last);
            }
        })
    });
    let merge = move |views: Vec<ProbeView>| {
        results.update(|r| {
            for v in views {
                match r.iter_mut().find(|x| key(x) == key(&v)) {
                    Some(slot) => *slot = v,
                    None => r.push(v),
                }
            }
        })
    };
    let run = move |agent: Option<String>, profile: Option<String>, allow_billed: bool, force: bool| {
        if running.get_untracked() {
            return;
        }
        running.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            match probe_credentials(agent, None, profile, allow_billed, force).await {
                Ok(views) => merge(views),
                Err(e) => error.set(Some(e.to_string())),
            }
            running.set(false);
        });
    };
    view! {
        <section class="card live-checks" aria-labelledby="live-title" aria-busy=move || running.get().to_string()>
            <h2 id="live-title">"Live checks"</h2>
            <p class="meta">
                "Asks each provider whether the credential works: a model or key listing where the provider has one (no tokens spent). "
                "Nothing is written: no cooldown, no usage record. Anthropic setup tokens need a one-token request, sent only when you allow it."
            </p>
            <button type="button" class="primary" id="live-run" disabled=move || running.get() on:click=move |_| run(None, None, false, false)>
                {move || if running.get() { "Checking…" } else { "Run live checks" }}
            </button>
            {move || error.get().map(|e| view! { <p class="banner banner-error" role="alert">{e}</p> })}
            {move || {
                let list = results.get();
                if list.is_empty() {
                    return view! { <p class="muted">"No live check yet since the panel started."</p> }.into_any();
                }
                view! {
                    <ul class="live-results">
                        {list.into_iter().map(|v| {
                            let k = key(&v);
                            let (agent, credential) = k.clone();
                            let stored = !agent.is_empty() && !credential.starts_with("env: ") && !credential.ends_with("(OpenClaw's probe)");
                            let billed = {
                                let (agent, credential) = (agent.clone(), credential.clone());
                                Callback::new(move |()| run((!agent.is_empty()).then(|| agent.clone()), Some(credential.clone()), true, true))
                            };
                            let again = {
                                let (agent, credential) = (agent.clone(), credential.clone());
                                Callback::new(move |()| run((!agent.is_empty()).then(|| agent.clone()), Some(credential.clone()), false, true))
                            };
                            let whose = if agent.is_empty() { "environment".to_owned() } else { format!("agent {agent}") };
                            view! {
                                <li class="live-result" data-credential=credential.clone() data-agent=agent.clone()>
                                    <h3><code>{credential.clone()}</code> " " <span class="muted small">{whose} " · " {v.provider.clone()}</span></h3>
                                    <ProbeResult v on_billed=billed on_again=again />
                                    {stored.then(|| view! { <OpenClawProbe agent=agent.clone() profile_id=credential.clone() results=openclaw /> })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// OpenClaw's own probe of one stored profile, after a confirm that names its cost and side effect.
#[component]
fn OpenClawProbe(
    agent: String,
    profile_id: String,
    results: RwSignal<HashMap<(String, String), Result<ProbeView, String>>>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let k = (agent.clone(), profile_id.clone());
    let shown = {
        let k = k.clone();
        move || results.with(|r| r.get(&k).cloned())
    };
    let send = move || {
        busy.set(true);
        asking.set(false);
        let (agent, profile_id, k) = (agent.clone(), profile_id.clone(), k.clone());
        leptos::task::spawn_local(async move {
            let answer = openclaw_probe(agent, profile_id, true).await.map_err(|e| e.to_string());
            results.update(|r| {
                r.insert(k, answer);
            });
            busy.set(false);
        });
    };
    view! {
        <div class="openclaw-probe">
            {move || match (asking.get(), busy.get()) {
                (_, true) => view! { <p class="muted" role="status">"OpenClaw's probe is running (up to ~2.5 minutes when the provider rate limits)…"</p> }.into_any(),
                (true, false) => {
                    let send = send.clone();
                    view! {
                        <div class="probe-billed" role="group" aria-label="Confirm OpenClaw's probe">
                            <p>"OpenClaw's own " <code>"models.probe"</code> " through the running gateway sends a real request (billed, and often a second ~240-token recap request) and "
                                <strong>"puts the profile in cooldown if it fails"</strong> ", so the gateway stops using it for a while."</p>
                            <button type="button" class="small danger" on:click=move |_| send()>"Run OpenClaw's probe"</button>
                            " "
                            <button type="button" class="small" on:click=move |_| asking.set(false)>"Cancel"</button>
                        </div>
                    }.into_any()
                }
                (false, false) => view! {
                    <button type="button" class="small button-quiet openclaw-probe-ask" on:click=move |_| asking.set(true)>
                        "Ask OpenClaw's own probe (billed; cooldown on failure)…"
                    </button>
                }.into_any(),
            }}
            {move || shown().map(|answer| match answer {
                Ok(v) => view! { <div class="openclaw-probe-result"><p class="small"><strong>"OpenClaw's probe:"</strong></p><ProbeResult v /></div> }.into_any(),
                Err(e) => view! { <p class="banner banner-error small" role="alert">{e}</p> }.into_any(),
            })}
        </div>
    }
}
