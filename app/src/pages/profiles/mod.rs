//! The profiles page: every agent → provider → credential, with status, expiry, cooldowns, order
//! and the pin command. Rendered completely on the server; hydration adds the copy buttons and
//! the writes. This module holds the page, its writes and its head; one agent's card is
//! [`agent_section`], a provider's rows [`provider_table`], a row's buttons [`row_actions`], the
//! remove dialog [`remove_dialog`].

mod agent_section;
mod probes;
mod provider_table;
mod remove_dialog;
mod row_actions;

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::{ClearCooldown, ClearOrder, PasteSecret, RemoveProfile, SetOrder, get_overview};
use crate::components::{GatewayCard, NoticeBar, PasteForm};
use crate::error::AppError;
use crate::page_state::{Notice, PageState, PastePrefill, Write};
use crate::views::{AgentRefresh, AgentView, Overview, PasteOutcome, ProblemView, Summary, WriteOutcome};
use agent_section::AgentSection;
use remove_dialog::{RemoveDialog, RemoveTarget};

/// The page's writes, as context for its parts.
#[derive(Clone, Copy)]
struct ProfileWrites {
    paste: Write<PasteSecret>,
    set_order: Write<SetOrder>,
    clear_order: Write<ClearOrder>,
    remove: Write<RemoveProfile>,
    clear_cooldown: Write<ClearCooldown>,
    /// The profile whose remove dialog is open.
    removing: RwSignal<Option<RemoveTarget>>,
    /// The last change's agent, read back: the card to replace.
    refreshed: RwSignal<Option<AgentRefresh>>,
    /// Reads the state again (an order editor's "Reload" after a conflict).
    reload: Callback<()>,
}

#[component]
pub fn ProfilesPage() -> impl IntoView {
    let state = PageState::provide();
    probes::ProbeBoard::provide();
    let query = use_query_map();
    let agent = move || query.read().get("agent").filter(|a| !a.is_empty());
    let (paste, set_order, clear_order, remove, clear_cooldown) =
        (Write::new(), Write::new(), Write::new(), Write::new(), Write::new());
    let data = Resource::new(agent, get_overview);
    let refreshed = RwSignal::new(None);
    // After a change the page shows what is on disk: the answer carries the written agent read
    // back, and only that agent's card is replaced ([`OverviewView`]). An answer without one
    // (nothing per agent), and a failed removal or cooldown clear (the disk may have moved), read
    // the page again. A paste's hints and an order's conflict changed nothing and are shown in
    // their form, which must stay.
    let land = move |outcome: &WriteOutcome| match &outcome.refreshed {
        Some(agent) => refreshed.set(Some(AgentRefresh::clone(agent))),
        None => data.refetch(),
    };
    paste.on_answer(move |answer, _| {
        if let Ok(PasteOutcome::Saved(outcome)) = answer {
            land(outcome)
        }
    });
    set_order.on_answer(move |answer, _| {
        if let Ok(outcome) = answer {
            land(outcome)
        }
    });
    clear_order.on_answer(move |answer, _| {
        if let Ok(outcome) = answer {
            land(outcome)
        }
    });
    remove.on_answer(move |answer, _| match answer {
        Ok(outcome) => land(outcome),
        Err(_) => data.refetch(),
    });
    clear_cooldown.on_answer(move |answer, _| match answer {
        Ok(outcome) => land(outcome),
        Err(_) => data.refetch(),
    });
    let writes = ProfileWrites {
        paste,
        set_order,
        clear_order,
        remove,
        clear_cooldown,
        removing: RwSignal::new(None),
        refreshed,
        reload: Callback::new(move |()| data.refetch()),
    };
    provide_context(writes);
    paste.on_answer(move |answer, about| {
        if let Ok(PasteOutcome::Saved(outcome)) = answer {
            state.paste.set(None);
            let title = match &outcome.profile_id {
                Some(id) => format!("Saved {id} for agent {}", outcome.agent),
                None => about.title.clone(),
            };
            let highlight = outcome.profile_id.clone().map(|id| (outcome.agent.clone(), id));
            state.changed(Notice::saved(title, outcome), highlight);
        }
    });
    set_order.on_answer(move |answer, about| {
        if let Ok(outcome) = answer {
            state.changed(Notice::saved(about.title.clone(), outcome), None);
        }
    });
    clear_order.on_answer(move |answer, about| {
        if let Ok(outcome) = answer {
            state.changed(Notice::saved(about.title.clone(), outcome), None);
        }
    });
    clear_cooldown.on_answer(move |answer, about| match answer {
        Ok(outcome) => state.changed(Notice::saved(about.title.clone(), outcome), about.highlight.clone()),
        Err(e) => state.failed(about.failure(), e),
    });
    view! {
        // A transition keeps the current table on screen while the state is read again.
        <Transition fallback=|| view! { <p class="loading">"Reading OpenClaw's state…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(overview) => view! { <OverviewView overview /> }.into_any(),
                    Err(error) => view! { <ErrorCard error /> }.into_any(),
                }
            })}
        </Transition>
        <NoticeBar />
        <RemoveDialog />
    }
}

#[component]
fn ErrorCard(error: AppError) -> impl IntoView {
    let (href, link) = match error {
        AppError::LoggedOut => ("/login?error=expired", "Log in again"),
        AppError::StalePage => ("/", "Reload the page"),
        _ => ("/", "Show all agents"),
    };
    view! {
        <section class="card error-card" role="alert">
            <h1>"Cannot show the profiles"</h1>
            <p>{error.to_string()}</p>
            <p><a href=href>{link}</a></p>
        </section>
    }
}

#[component]
fn OverviewView(overview: Overview) -> impl IntoView {
    let Overview {
        state_dir,
        config_path,
        state_found,
        config_found,
        read_at,
        rules_label,
        rules_reason,
        agent_ids,
        selected_agent,
        agents,
        problems,
        summary: _,
        known_providers,
    } = overview;
    let state = PageState::get();
    let writes = expect_context::<ProfileWrites>();
    // One signal per agent's card, so a change re-renders the card it wrote and nothing else; the
    // summary, the problems and the read time follow the last read.
    let cards: Vec<(String, RwSignal<AgentView>)> =
        agents.into_iter().map(|a| (a.id.clone(), RwSignal::new(a))).collect();
    let problems = RwSignal::new(problems);
    let read_at = RwSignal::new(read_at);
    {
        let cards = cards.clone();
        Effect::watch(
            move || writes.refreshed.get(),
            move |refreshed, _, _| {
                let Some(AgentRefresh { agent, problems: now, read_at: at }) = refreshed else { return };
                match cards.iter().find(|(id, _)| *id == agent.id) {
                    Some((_, card)) => {
                        card.set(agent.clone());
                        problems.set(now.clone());
                        read_at.set(at.clone());
                    }
                    // An agent this page does not show yet (a new one): read the page again.
                    None => writes.reload.run(()),
                }
            },
            false,
        );
    }
    let summary = {
        let cards = cards.clone();
        Memo::new(move |_| Summary::of(&cards.iter().map(|(_, c)| c.get()).collect::<Vec<_>>()))
    };
    let default_agent = selected_agent
        .clone()
        .or_else(|| cards.iter().find(|(_, a)| a.with_untracked(|a| a.is_default)).map(|(id, _)| id.clone()))
        .or_else(|| agent_ids.first().cloned())
        .unwrap_or_else(|| "main".to_owned());
    let existing = {
        let cards = cards.clone();
        move || -> Vec<(String, String)> {
            cards
                .iter()
                .flat_map(|(id, card)| {
                    card.with_untracked(|a| {
                        a.providers
                            .iter()
                            .flat_map(|p| &p.profiles)
                            .map(|p| (id.clone(), p.id.clone()))
                            .collect::<Vec<_>>()
                    })
                })
                .collect()
        }
    };
    let paste_agents = agent_ids.clone();
    let paste_default = default_agent.clone();
    let rules_title = rules_reason.clone();
    let config_note = if config_found { config_path.clone() } else { format!("{config_path} (not found)") };
    let head = view! {
        <section class="page-head">
            <h1>"Auth profiles"</h1>
            <dl class="facts">
                <div><dt>"State dir"</dt><dd><code>{state_dir.clone()}</code></dd></div>
                <div><dt>"Config"</dt><dd><code>{config_note}</code></dd></div>
                <div><dt>"Read at"</dt><dd>{move || read_at.get()} " · " <a href="" rel="external" class="reload">"Reload"</a></dd></div>
                <div><dt>"Status rules"</dt><dd title=rules_title>{rules_label} <span class="muted">" (from " {rules_reason} ")"</span></dd></div>
            </dl>
        </section>
        {move || {
            let problems = problems.get();
            (!problems.is_empty()).then(|| view! { <Problems problems /> })
        }}
        <GatewayCard />
    }
    .into_any();
    let toolbar = view! {
        <div class="toolbar">
            <button
                type="button"
                class="primary"
                id="add-credential"
                aria-expanded=move || state.paste.get().is_some().to_string()
                on:click=move |_| {
                    state.paste.set(Some(PastePrefill { agent: None, ..PastePrefill::default() }));
                    crate::dom::focus_later("#paste-provider".to_owned());
                }
            >
                "Add a credential"
            </button>
        </div>
    }
    .into_any();
    let paste = move || {
        state.paste.get().map(|prefill| {
            view! {
                <PasteForm
                    save=writes.paste
                    prefill
                    agent_ids=paste_agents.clone()
                    default_agent=paste_default.clone()
                    known_providers=known_providers.clone()
                    existing=existing()
                />
            }
            .into_any()
        })
    };
    view! {
        {head}
        {toolbar}
        {paste}
        {if state_found {
            view! {
                {move || view! { <SummaryLine summary=summary.get() /> }}
                <AgentFilter agent_ids selected=selected_agent />
                {cards
                    .into_iter()
                    .map(|(_, card)| move || view! { <AgentSection agent=card.get() /> })
                    .collect_view()}
            }
                .into_any()
        } else {
            view! { <EmptyState state_dir /> }.into_any()
        }}
    }
}

#[component]
fn EmptyState(state_dir: String) -> impl IntoView {
    view! {
        <section class="card empty-state">
            <h2>"No OpenClaw state found at " <code>{state_dir}</code></h2>
            <p>
                "The panel reads OpenClaw's state directory (usually " <code>"~/.openclaw"</code>
                "). Start it with " <code>"--state-dir /path/to/.openclaw"</code> " or set "
                <code>"OPENCLAW_STATE_DIR"</code> "."
            </p>
            <p>
                "To look around without OpenClaw, run " <code>"openclaw-auth-panel serve --demo"</code>
                ": it serves sample profiles of every type and state."
            </p>
        </section>
    }
}

#[component]
fn Problems(problems: Vec<ProblemView>) -> impl IntoView {
    let count = problems.len();
    view! {
        <section class="card problems" aria-labelledby="problems-title">
            <h2 id="problems-title">
                {format!("{count} problem{} while reading", if count == 1 { "" } else { "s" })}
            </h2>
            <p class="muted">"Everything else that could be read is shown below."</p>
            <ul>
                {problems
                    .into_iter()
                    .map(|p| {
                        view! {
                            <li class=format!("problem sev-{}", p.severity)>
                                <span class="sev">{p.severity.as_str()}</span>
                                " "
                                <code class="path">{p.path}</code>
                                <p>{p.message}</p>
                                <p class="hint">"What to do: " {p.hint}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn SummaryLine(summary: Summary) -> impl IntoView {
    let chip = |n: usize, word: &'static str, class: &'static str| {
        (n > 0).then(|| view! { <li class=format!("chip {class}")><strong>{n}</strong> " " {word}</li> })
    };
    view! {
        <ul class="summary" aria-label="Summary">
            <li class="chip">
                <strong>{summary.agents}</strong>
                {if summary.agents == 1 { " agent" } else { " agents" }}
            </li>
            <li class="chip">
                <strong>{summary.profiles}</strong>
                {if summary.profiles == 1 { " credential" } else { " credentials" }}
            </li>
            {chip(summary.ok, "ok", "status-ok")}
            {chip(summary.static_, "static", "status-static")}
            {chip(summary.expiring, "expiring", "status-expiring")}
            {chip(summary.expired, "expired", "status-expired")}
            {chip(summary.missing, "missing", "status-missing")}
            {chip(summary.unusable, "in cooldown or disabled", "status-cooldown")}
        </ul>
    }
}

#[component]
fn AgentFilter(agent_ids: Vec<String>, selected: Option<String>) -> impl IntoView {
    view! {
        <Form method="GET" action="" attr:class="filter">
            <label for="agent-filter">"Agent"</label>
            <select id="agent-filter" name="agent">
                <option value="" selected=selected.is_none()>"All agents"</option>
                {agent_ids
                    .into_iter()
                    .map(|id| {
                        let is_selected = selected.as_deref() == Some(id.as_str());
                        view! { <option value=id.clone() selected=is_selected>{id.clone()}</option> }
                    })
                    .collect_view()}
            </select>
            <button type="submit">"Show"</button>
        </Form>
    }
}
