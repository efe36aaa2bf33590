//! A provider's rows in an agent's table: the provider line (status, next, order, the order
//! editor) and one row per credential with its status, expiry, cooldown, order position, pin
//! command and actions.

use leptos::prelude::*;

use super::ProfileWrites;
use super::agent_section::RowScope;
use super::probes::{CheckProviderButton, ProbeRow};
use super::row_actions::row_actions;
use crate::components::{CopyButton, KindBadge, OrderDraft, OrderEditor, OrderLock, StatusBadge};
use crate::page_state::PageState;
use crate::views::{ProfileView, ProviderView, SourceKind};

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
pub(super) fn ProviderRows(provider: ProviderView, scope: RowScope) -> impl IntoView {
    let writes = expect_context::<ProfileWrites>();
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
                            " OpenClaw says: " {o.as_str()}
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
                    " "
                    <CheckProviderButton agent=scope.agent.clone() provider=provider.clone() />
                </th>
            </tr>
            {move || editing.get().then(|| {
                let draft = draft.clone();
                view! {
                    <tr class="order-editor-row">
                        <td colspan="10">
                            <OrderEditor
                                draft
                                set=writes.set_order
                                clear=writes.clear_order
                                on_reload=writes.reload
                                on_close=Callback::new(move |_| editing.set(false))
                            />
                        </td>
                    </tr>
                }
            })}
            {profiles.into_iter().map(|p| {
                let (agent, id) = (scope.agent.clone(), p.id.clone());
                view! {
                    <ProfileRow profile=p scope=scope.clone() />
                    <ProbeRow agent id />
                }
            }).collect_view()}
        </tbody>
    }
}

#[component]
fn ProfileRow(profile: ProfileView, scope: RowScope) -> impl IntoView {
    let state = PageState::get();
    let actions = row_actions(&profile, &scope);
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
        <tr class=row_class class:highlighted=highlighted data-profile=id.clone() data-status=status.as_str()>
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
                {reason.map(|r| view! { <div class="muted small">{r.as_str()}</div> })}
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
