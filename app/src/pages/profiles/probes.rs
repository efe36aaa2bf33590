//! Live checks on the profiles page: *Check* on each row and *Check all* per agent send the
//! server's live check (nothing is written; a check of the last 30 s is reused unless asked
//! again) and show the result under the row, with the time it was checked. A credential that only
//! a billed request proves offers that request behind a sentence that says so.

use std::collections::{HashMap, HashSet};

use leptos::prelude::*;

use crate::components::ProbeResult;
use crate::views::ProbeView;

/// The results and the checks under way, for every row of the page.
#[derive(Clone, Copy)]
pub(super) struct ProbeBoard {
    results: RwSignal<HashMap<(String, String), ProbeView>>,
    busy: RwSignal<HashSet<(String, String)>>,
    error: RwSignal<Option<String>>,
}

/// The key of a row: an environment key is one credential for every agent.
fn key(agent: &str, credential: &str) -> (String, String) {
    if credential.starts_with("env: ") {
        (String::new(), credential.to_owned())
    } else {
        (agent.to_owned(), credential.to_owned())
    }
}

impl ProbeBoard {
    pub fn provide() -> Self {
        let board = Self {
            results: RwSignal::new(HashMap::new()),
            busy: RwSignal::new(HashSet::new()),
            error: RwSignal::new(None),
        };
        provide_context(board);
        board
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// Checks one credential of `agent` (`profile`), every credential of one of its providers,
    /// or every credential of `agent`. A result of the last 30 s is reused unless `force`.
    pub fn check(
        self,
        agent: String,
        provider: Option<String>,
        profile: Option<String>,
        allow_billed: bool,
        force: bool,
    ) {
        let scope =
            profile.clone().or_else(|| provider.as_ref().map(|p| format!("*{p}"))).unwrap_or_else(|| "*".to_owned());
        let busy_key = key(&agent, &scope);
        if self.busy.with_untracked(|b| b.contains(&busy_key)) {
            return;
        }
        self.busy.update(|b| {
            b.insert(busy_key.clone());
        });
        self.error.set(None);
        let agent_filter = (!profile.as_deref().is_some_and(|p| p.starts_with("env: "))).then_some(agent);
        leptos::task::spawn_local(async move {
            let answer = crate::api::probe_credentials(agent_filter, provider, profile, allow_billed, force).await;
            match answer {
                Ok(views) => self.results.update(|r| {
                    for v in views {
                        r.insert(key(v.agent.as_deref().unwrap_or(""), &v.credential), v);
                    }
                }),
                Err(e) => self.error.set(Some(e.to_string())),
            }
            self.busy.update(|b| {
                b.remove(&busy_key);
            });
        });
    }

    pub fn busy(self, agent: &str, credential: &str) -> Signal<bool> {
        let k = key(agent, credential);
        Signal::derive(move || self.busy.with(|b| b.contains(&k)))
    }

    pub fn result(self, agent: &str, credential: &str) -> Signal<Option<ProbeView>> {
        let k = key(agent, credential);
        Signal::derive(move || self.results.with(|r| r.get(&k).cloned()))
    }

    pub fn error(self) -> Signal<Option<String>> {
        self.error.into()
    }
}

/// *Check* for one row.
#[component]
pub(super) fn CheckButton(agent: String, id: String) -> impl IntoView {
    let board = ProbeBoard::get();
    let busy = board.busy(&agent, &id);
    let label = format!("Check {id} live with its provider");
    view! {
        <button
            type="button"
            class="small probe-check"
            aria-label=label.clone()
            title=label
            disabled=move || busy.get()
            on:click=move |_| board.check(agent.clone(), None, Some(id.clone()), false, false)
        >
            {move || if busy.get() { "Checking…" } else { "Check" }}
        </button>
    }
}

/// *Check all* of an agent.
#[component]
pub(super) fn CheckAllButton(agent: String) -> impl IntoView {
    let board = ProbeBoard::get();
    let busy = board.busy(&agent, "*");
    view! {
        <button
            type="button"
            class="small probe-check-all"
            aria-label=format!("Check every credential of agent {agent} live")
            disabled=move || busy.get()
            on:click=move |_| board.check(agent.clone(), None, None, false, false)
        >
            {move || if busy.get() { "Checking all…" } else { "Check all" }}
        </button>
        {move || board.error().get().map(|e| view! { <span class="banner banner-error small" role="alert">{e}</span> })}
    }
}

/// *Check all* of one provider of an agent.
#[component]
pub(super) fn CheckProviderButton(agent: String, provider: String) -> impl IntoView {
    let board = ProbeBoard::get();
    let busy = board.busy(&agent, &format!("*{provider}"));
    view! {
        <button
            type="button"
            class="small probe-check-provider"
            aria-label=format!("Check every {provider} credential of agent {agent} live")
            disabled=move || busy.get()
            on:click=move |_| board.check(agent.clone(), Some(provider.clone()), None, false, false)
        >
            {move || if busy.get() { "Checking…" } else { "Check all" }}
        </button>
    }
}

/// The result under a row, once there is one.
#[component]
pub(super) fn ProbeRow(agent: String, id: String) -> impl IntoView {
    let board = ProbeBoard::get();
    let result = board.result(&agent, &id);
    move || {
        result.get().map(|v| {
            let (agent, id) = (agent.clone(), id.clone());
            let billed = {
                let (agent, id) = (agent.clone(), id.clone());
                Callback::new(move |()| board.check(agent.clone(), None, Some(id.clone()), true, true))
            };
            let again = Callback::new(move |()| board.check(agent.clone(), None, Some(id.clone()), false, true));
            let credential = v.credential.clone();
            view! {
                <tr class="probe-row" data-probe-for=credential>
                    <td colspan="10"><ProbeResult v on_billed=billed on_again=again /></td>
                </tr>
            }
        })
    }
}
