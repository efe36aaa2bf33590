//! The profiles page: every agent → provider → credential, with status, expiry, cooldowns, order
//! and the pin command. Rendered completely on the server; hydration adds the copy buttons.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::get_overview;
use crate::components::{
    ConfirmDialog, CopyButton, KindBadge, NoticeBar, OrderDraft, OrderEditor, OrderLock, PasteForm, StatusBadge,
};
use crate::error::AppError;
use crate::page_state::{ConfirmAction, ConfirmRequest, Notice, PageState, PastePrefill, spawn_call};
use crate::views::{AgentView, Overview, ProblemView, ProfileView, ProviderView, SourceKind, Summary};

#[component]
pub fn ProfilesPage() -> impl IntoView {
    let state = PageState::provide();
    let query = use_query_map();
    let agent = move || query.read().get("agent").filter(|a| !a.is_empty());
    // Read again after every change (`tick`), so the page shows what is on disk.
    let data = Resource::new(move || (agent(), state.tick.get()), |(agent, _)| get_overview(agent));
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
        <ConfirmDialog />
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
        summary,
        known_providers,
    } = overview;
    let state = PageState::get();
    let default_agent = selected_agent
        .clone()
        .or_else(|| agents.iter().find(|a| a.is_default).map(|a| a.id.clone()))
        .or_else(|| agent_ids.first().cloned())
        .unwrap_or_else(|| "main".to_owned());
    let existing: Vec<(String, String)> = agents
        .iter()
        .flat_map(|a| a.providers.iter().flat_map(|p| &p.profiles).map(|p| (a.id.clone(), p.id.clone())))
        .collect();
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
                <div><dt>"Read at"</dt><dd>{read_at} " · " <a href="" rel="external" class="reload">"Reload"</a></dd></div>
                <div><dt>"Status rules"</dt><dd title=rules_title>{rules_label} <span class="muted">" (from " {rules_reason} ")"</span></dd></div>
            </dl>
        </section>
        {(!problems.is_empty()).then(|| view! { <Problems problems /> })}
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
                    prefill
                    agent_ids=paste_agents.clone()
                    default_agent=paste_default.clone()
                    known_providers=known_providers.clone()
                    existing=existing.clone()
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
                <SummaryLine summary />
                <AgentFilter agent_ids selected=selected_agent />
                {agents.into_iter().map(|agent| view! { <AgentSection agent /> }).collect_view()}
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
                                <span class="sev">{p.severity.clone()}</span>
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

#[component]
fn AgentSection(agent: AgentView) -> impl IntoView {
    let AgentView {
        id,
        is_default,
        in_config,
        era,
        era_label,
        store_path,
        state_path,
        migration_required,
        providers,
        version,
        ..
    } = agent;
    let title_id = format!("agent-{id}");
    let caption = format!("Credentials of agent {id}");
    let labelled_by = title_id.clone();
    view! {
        <section class="card agent" aria-labelledby=labelled_by data-agent=id.clone()>
            <h2 id=title_id>
                "Agent " <code>{id.clone()}</code>
                {is_default.then(|| view! { <span class="tag">"default"</span> })}
                {(!in_config).then(|| view! { <span class="tag muted" title="Found on disk, not listed in openclaw.json">"not in config"</span> })}
                {match era {
                    Some(e) => view! { <span class=format!("tag era era-{e}") title=era_label.clone()>{format!("era {e}")}</span> }.into_any(),
                    None => view! { <span class="tag muted">"no store yet"</span> }.into_any(),
                }}
            </h2>
            <p class="meta">
                "Store: " <code>{store_path}</code>
                {(state_path_differs(&state_path)).then(|| view! { " · State: " <code>{state_path.clone()}</code> })}
            </p>
            {migration_required.then(|| view! {
                <p class="banner banner-error" role="alert">
                    <strong>"Migration required. "</strong>
                    "This agent's credentials are still in JSON files beside the SQLite store; OpenClaw 2026.6+ refuses these providers. Run "
                    <code>"openclaw doctor --fix"</code> " on the gateway host to import them."
                </p>
            })}
            {if providers.is_empty() {
                view! { <p class="muted">"No credentials for this agent: no stored profile and no provider key in the environment."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="profiles">
                            <caption class="sr-only">{caption}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">"Profile"</th>
                                    <th scope="col">"Type"</th>
                                    <th scope="col">"Secret"</th>
                                    <th scope="col">"Source"</th>
                                    <th scope="col">"Status"</th>
                                    <th scope="col">"Expiry"</th>
                                    <th scope="col">"Cooldown"</th>
                                    <th scope="col">"Order"</th>
                                    <th scope="col">"Pin for one session"</th>
                                    <th scope="col">"Actions"</th>
                                </tr>
                            </thead>
                            {providers.into_iter().map(|p| {
                                let scope = RowScope { agent: id.clone(), version: version.clone(), migration_required };
                                view! { <ProviderRows provider=p scope /> }
                            }).collect_view()}
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

fn state_path_differs(state_path: &str) -> bool {
    !state_path.ends_with("auth-profiles.json")
}

/// The agent a table row belongs to, and the store version the page read.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RowScope {
    agent: String,
    version: String,
    migration_required: bool,
}

/// Credentials the agent's stores hold (what an order may name and what the row actions change).
fn is_stored(kind: SourceKind) -> bool {
    matches!(kind, SourceKind::Store | SourceKind::Shared | SourceKind::Inherited)
}

/// The order editor's starting point for a provider.
fn order_draft(view: &ProviderView, scope: &RowScope) -> OrderDraft {
    let stored: Vec<String> = view.profiles.iter().filter(|p| is_stored(p.source.kind)).map(|p| p.id.clone()).collect();
    let (items, lock) = match (&view.stored_order, &view.config_order) {
        (Some(order), _) => (order.clone(), None),
        (None, Some(config)) => (config.clone(), Some(OrderLock::ConfigDecides(config.clone()))),
        // No order: start from the order OpenClaw uses now, then the profiles it skips.
        (None, None) => {
            let mut items: Vec<String> =
                view.effective_order.iter().filter(|id| stored.contains(id)).cloned().collect();
            items.extend(stored.iter().filter(|id| !items.contains(id)).cloned().collect::<Vec<_>>());
            (items, None)
        }
    };
    let lock = if scope.migration_required { Some(OrderLock::MigrationRequired) } else { lock };
    OrderDraft {
        agent: scope.agent.clone(),
        provider: view.provider.clone(),
        version: scope.version.clone(),
        not_stored: items.iter().filter(|id| !stored.contains(id)).cloned().collect(),
        others: stored.iter().filter(|id| !items.contains(id)).cloned().collect(),
        items,
        has_stored_order: view.stored_order.is_some(),
        lock,
    }
}

#[component]
fn ProviderRows(provider: ProviderView, scope: RowScope) -> impl IntoView {
    let draft = order_draft(&provider, &scope);
    let can_order = !draft.items.is_empty() || !draft.others.is_empty();
    let editing = RwSignal::new(false);
    let ProviderView {
        provider,
        status,
        openclaw_status,
        stored_order,
        config_order,
        order_source,
        effective_order: _,
        next,
        last_good,
        profiles,
    } = provider;
    let orders = (stored_order.clone(), config_order.clone());
    let order_text = match (&stored_order, &config_order) {
        (Some(o), _) => format!("stored order: {}", o.join(" → ")),
        (None, Some(o)) => format!("config auth.order: {}", o.join(" → ")),
        (None, None) => order_source.clone(),
    };
    view! {
        <tbody class="provider" data-provider=provider.clone()>
            <tr class="provider-row">
                <th colspan="10" scope="rowgroup">
                    <span class="provider-name">{provider.clone()}</span>
                    " "
                    <StatusBadge status />
                    {openclaw_status.filter(|o| *o != status).map(|o| view! {
                        <span class="openclaw-status" title="OpenClaw's own roll-up, over the profiles it would use">
                            " OpenClaw says: " {o.word()}
                        </span>
                    })}
                    <span class="provider-facts">
                        <span class="next">
                            "Next: "
                            {match next {
                                Some(n) => view! { <code>{n}</code> }.into_any(),
                                None => view! { <strong class="warn-text">"nothing usable"</strong> }.into_any(),
                            }}
                        </span>
                        <span class="order-note" title=order_source>{order_text}</span>
                        {last_good.map(|g| view! { <span>"Last good: " <code>{g}</code></span> })}
                    </span>
                    {can_order.then(|| view! {
                        <button
                            type="button"
                            class="small edit-order"
                            aria-expanded=move || editing.get().to_string()
                            on:click=move |_| editing.update(|e| *e = !*e)
                        >
                            "Edit order"
                        </button>
                    })}
                </th>
            </tr>
            {move || editing.get().then(|| {
                let draft = draft.clone();
                view! {
                    <tr class="order-editor-row">
                        <td colspan="10">
                            <OrderEditor draft on_close=Callback::new(move |_| editing.set(false)) />
                        </td>
                    </tr>
                }
            })}
            {profiles.into_iter().map(|p| {
                view! { <ProfileRow profile=p scope=scope.clone() orders=orders.clone() /> }
            }).collect_view()}
        </tbody>
    }
}

#[component]
fn ProfileRow(
    profile: ProfileView,
    scope: RowScope,
    /// The provider's stored order and config `auth.order`, for the remove dialog.
    orders: (Option<Vec<String>>, Option<Vec<String>>),
) -> impl IntoView {
    let state = PageState::get();
    let actions = row_actions(&profile, &scope, orders);
    let highlight_key = (scope.agent.clone(), profile.id.clone());
    let highlighted = move || state.highlight.with(|h| h.as_ref() == Some(&highlight_key));
    if highlighted() {
        crate::dom::scroll_into_view_later("tr.profile.highlighted".to_owned());
    }
    let ProfileView {
        id,
        kind,
        masked,
        source,
        status,
        reason,
        expires_at,
        expiry_text,
        unusable,
        order_position,
        is_last_good,
        is_next,
        display,
        pin_command,
        skipped_because,
        in_config: _,
    } = profile;
    let row_class = if is_next { "profile is-next" } else { "profile" };
    view! {
        <tr class=row_class class:highlighted=highlighted data-profile=id.clone() data-status=status.word()>
            <td data-label="Profile"><div class="cell">
                <code class="profile-id">{id.clone()}</code>
                {display.map(|d| view! { <span class="muted">" (" {d} ")"</span> })}
                {is_next.then(|| view! { <span class="tag tag-next">"next"</span> })}
                {is_last_good.then(|| view! { <span class="tag">"last good"</span> })}
                {skipped_because.map(|s| view! { <div class="muted small">"skipped: " {s}</div> })}
            </div></td>
            <td data-label="Type"><div class="cell"><KindBadge kind /></div></td>
            <td data-label="Secret"><div class="cell"><code class="masked">{masked}</code></div></td>
            <td data-label="Source"><div class="cell">
                {source.label}
                {source.path.map(|p| view! { <div class="muted small path">{p}</div> })}
            </div></td>
            <td data-label="Status"><div class="cell">
                <StatusBadge status />
                {reason.map(|r| view! { <div class="muted small">{r}</div> })}
            </div></td>
            <td data-label="Expiry"><div class="cell">
                {expiry_text}
                {expires_at.map(|at| view! { <div class="muted small">{at}</div> })}
            </div></td>
            <td data-label="Cooldown"><div class="cell">
                {match unusable {
                    Some(u) => view! {
                        <span class=format!("badge status-cooldown")>
                            {format!("{} {}", u.kind, u.remaining)}
                        </span>
                        <div class="muted small">
                            {u.reason.map(|r| format!("{r} · ")).unwrap_or_default()}
                            {u.model.map(|m| format!("{m} · ")).unwrap_or_default()}
                            "until " {u.until}
                        </div>
                    }.into_any(),
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </div></td>
            <td data-label="Order"><div class="cell">
                {match order_position {
                    Some(n) => view! { <span>{format!("#{n}")}</span> }.into_any(),
                    None => view! { <span class="muted">"—"</span> }.into_any(),
                }}
            </div></td>
            <td data-label="Pin"><div class="cell">
                {match pin_command {
                    Some(cmd) => view! { <CopyButton text=cmd label=format!("pin command for {id}") /> }.into_any(),
                    None => view! { <span class="muted" title="Environment keys cannot be pinned to a session">"—"</span> }.into_any(),
                }}
            </div></td>
            <td data-label="Actions"><div class="cell row-actions">{actions}</div></td>
        </tr>
    }
}

/// The buttons of a row: clear cooldown (when one is in force), replace the secret, remove.
fn row_actions(
    profile: &ProfileView,
    scope: &RowScope,
    (stored_order, config_order): (Option<Vec<String>>, Option<Vec<String>>),
) -> AnyView {
    let state = PageState::get();
    let id = profile.id.clone();
    match profile.source.kind {
        SourceKind::DotEnv => return view! { <a href="/env" class="small">"Edit in .env keys"</a> }.into_any(),
        SourceKind::Env | SourceKind::ConfigEnv => {
            return view! { <span class="muted small">"set outside the panel"</span> }.into_any();
        }
        SourceKind::Legacy => return view! { <span class="muted small">"import first"</span> }.into_any(),
        SourceKind::Inherited => {
            return view! { <span class="muted small">{profile.source.label.clone()}</span> }.into_any();
        }
        SourceKind::Store | SourceKind::Shared => {}
    }
    let busy = RwSignal::new(false);
    let clear = profile.unusable.clone().map(|u| {
        let (agent, id) = (scope.agent.clone(), id.clone());
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
                    let title = format!("Cleared the {} of {id}", u.kind);
                    let highlight = Some((agent.clone(), id.clone()));
                    spawn_call(busy, crate::api::clear_cooldown(agent.clone(), id.clone()), move |r| match r {
                        Ok(outcome) => state.changed(Notice::saved(title, &outcome), highlight),
                        Err(e) => state.failed(title, &e),
                    });
                }
            >
                {
                    let word = format!("Clear {}", u.kind);
                    move || if busy.get() { "Clearing…".to_owned() } else { word.clone() }
                }
            </button>
        }
    });
    let replace = (profile.kind != crate::views::Kind::OAuth).then(|| {
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
    let request = remove_request(profile, scope, stored_order, config_order);
    view! {
        {clear}
        {replace}
        <button
            type="button"
            class="small danger remove"
            aria-label=format!("Remove {id}")
            on:click=move |_| state.confirm.set(Some(request.clone()))
        >
            "Remove"
        </button>
    }
    .into_any()
}

/// The remove dialog: everything a removal changes, in words.
fn remove_request(
    profile: &ProfileView,
    scope: &RowScope,
    stored_order: Option<Vec<String>>,
    config_order: Option<Vec<String>>,
) -> ConfirmRequest {
    let id = &profile.id;
    let provider = openclaw_ids::profile_provider(id).unwrap_or_default();
    let mut lines = vec![format!(
        "The secret ({}) is deleted from {}; OpenClaw can no longer use it, and the panel cannot bring it back.",
        profile.masked,
        profile.source.path.as_deref().unwrap_or("the store")
    )];
    if profile.source.kind == SourceKind::Shared {
        lines.push("It is in the shared store: every agent loses it.".to_owned());
    }
    let without = |order: &[String]| {
        let rest: Vec<&str> = order.iter().filter(|i| *i != id).map(String::as_str).collect();
        if rest.is_empty() { "nothing".to_owned() } else { rest.join(" → ") }
    };
    if let Some(order) = stored_order.filter(|o| o.contains(id)) {
        lines.push(format!("The stored order of {provider} becomes {} (was {}).", without(&order), order.join(" → ")));
    }
    if let Some(order) = config_order.filter(|o| o.contains(id)) {
        lines.push(format!("auth.order.{provider} in openclaw.json becomes {} (a backup is kept).", without(&order)));
    }
    if profile.in_config {
        lines.push(format!("Its entry auth.profiles[\"{id}\"] in openclaw.json is removed (a backup is kept)."));
    }
    lines.push("Its usage statistics, cooldown and last-good mark go too.".to_owned());
    ConfirmRequest {
        title: format!("Remove {id} from agent {}?", scope.agent),
        lines,
        confirm_label: format!("Remove {id}"),
        action: ConfirmAction::RemoveProfile {
            agent: scope.agent.clone(),
            profile_id: id.clone(),
            version: scope.version.clone(),
        },
    }
}
