//! The History page: the audit log, newest first, filterable by agent and provider. Every change
//! made here or with `openclaw-auth-panel auth …` is in it, with who made it; never a secret.

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::api::history;
use crate::components::LoadError;
use crate::views::HistoryEntry;

#[component]
pub fn HistoryPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        let q = query.read();
        let get = |k: &str| q.get(k).filter(|v| !v.trim().is_empty());
        (get("agent"), get("provider"))
    };
    let data = Resource::new(filter, |(agent, provider)| history(agent, provider));
    // The fields start with the filter in the address and are the admin's afterwards: a reactive
    // value would overwrite what was typed before the page finished hydrating.
    let (agent_now, provider_now) = {
        let (a, p) = untrack(filter);
        (a.unwrap_or_default(), p.unwrap_or_default())
    };
    view! {
        <section class="page-head">
            <h1>"History"</h1>
            <p class="meta">
                "Every change to OpenClaw's credentials made in this panel or with "
                <code>"openclaw-auth-panel auth …"</code>
                ", newest first, with who made it. Secrets appear masked, never whole."
            </p>
            <Form method="GET" action="/history" attr:class="filter">
                <label for="history-agent">"Agent"</label>
                <input id="history-agent" name="agent" type="text" value=agent_now />
                <label for="history-provider">"Provider"</label>
                <input id="history-provider" name="provider" type="text" value=provider_now />
                <button type="submit">"Filter"</button>
                <a href="/history">"All"</a>
            </Form>
        </section>
        <Suspense fallback=|| view! { <p class="loading">"Reading the history…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(entries) if entries.is_empty() => view! {
                        <section class="card empty-state">
                            <h2>"No changes yet"</h2>
                            <p>"Changes made here or with the command line appear here."</p>
                        </section>
                    }.into_any(),
                    Ok(entries) => view! { <HistoryTable entries /> }.into_any(),
                    Err(error) => view! { <LoadError title="Cannot show the history" error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HistoryTable(entries: Vec<HistoryEntry>) -> impl IntoView {
    let rows = entries
        .into_iter()
        .map(|e| {
            let result = if e.ok {
                view! { <span class="badge status-ok">"done"</span> }.into_any()
            } else {
                view! { <span class="badge status-expired">"refused"</span> }.into_any()
            };
            let action_attr = e.action.as_str();
            let ok_attr = e.ok.to_string();
            let when = format!("{} UTC", e.at.replace('T', " ").trim_end_matches('Z'));
            let changes = if e.changes.is_empty() { e.error.clone().unwrap_or_default() } else { e.changes.join("; ") };
            view! {
                <tr class="history-row" data-action=action_attr data-ok=ok_attr>
                    <td class="nowrap">{when}</td>
                    <td>{e.actor}</td>
                    <td><code>{e.action.as_str()}</code></td>
                    <td>{e.agent}</td>
                    <td>{e.provider.unwrap_or_default()}</td>
                    <td class="profile-id">{e.profile_id.unwrap_or_default()}</td>
                    <td>{result}</td>
                    <td class="history-changes">{changes}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="card table-wrap">
            <table class="profiles history">
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"Who"</th>
                        <th scope="col">"Action"</th>
                        <th scope="col">"Agent"</th>
                        <th scope="col">"Provider"</th>
                        <th scope="col">"Profile"</th>
                        <th scope="col">"Result"</th>
                        <th scope="col">"What changed"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
