//! One agent's card: its store, era and migration state, and the table of its providers'
//! credentials (one `<tbody>` per provider, see [`super::provider_table`]).

use leptos::prelude::*;

use super::probes::CheckAllButton;
use super::provider_table::ProviderRows;
use crate::views::AgentView;

#[component]
pub(super) fn AgentSection(agent: AgentView) -> impl IntoView {
    let AgentView {
        id,
        is_default,
        in_config,
        era,
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
                    Some(e) => view! { <span class=format!("tag era era-{e}") title=e.label()>{format!("era {e}")}</span> }.into_any(),
                    None => view! { <span class="tag muted">"no store yet"</span> }.into_any(),
                }}
            </h2>
            {(!providers.is_empty()).then(|| view! {
                <div class="agent-actions"><CheckAllButton agent=id.clone() /></div>
            })}
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
pub(super) struct RowScope {
    pub agent: String,
    pub version: String,
    pub migration_required: bool,
}
