//! The order editor of one provider of one agent: which stored profile OpenClaw tries first.
//! Items move by pointer drag (mouse, pen, touch) or by keyboard (focus a grip, ArrowUp or
//! ArrowDown; Home and End), each move said in a live region. Save stores the order as
//! `openclaw models auth order set` does, based on the version the page read: if the store changed
//! meanwhile, both orders are shown and the admin reloads or overwrites.

use leptos::prelude::*;

use crate::api::{ClearOrder, SetOrder};
use crate::error::AppError;
use crate::page_state::{About, Answer, Write};

/// What the editor starts from, computed from the provider's view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderDraft {
    pub agent: String,
    pub provider: String,
    /// The agent store's version when the page was read.
    pub version: String,
    /// The list the editor starts with, first tried first.
    pub items: Vec<String>,
    /// Stored profiles of the provider left out of the list.
    pub others: Vec<String>,
    /// Ids the store does not hold (an order may name them).
    pub not_stored: Vec<String>,
    /// There is a stored order now (Clear override is possible).
    pub has_stored_order: bool,
    /// Why the order cannot be edited here, or needs an explicit unlock first.
    pub lock: Option<OrderLock>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderLock {
    /// `auth.order` in openclaw.json decides; a stored order would override it for this agent.
    ConfigDecides(Vec<String>),
    /// The agent's credentials wait for OpenClaw's import into SQLite.
    MigrationRequired,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum SaveState {
    Idle,
    Conflict { theirs: Option<Vec<String>>, version: String },
    Failed(String),
}

fn join(ids: &[String]) -> String {
    if ids.is_empty() { "(none)".to_owned() } else { ids.join(" → ") }
}

/// Moves the item at `from` to `to` (both clamped); returns the new index.
fn move_item(items: &mut Vec<String>, from: usize, to: usize) -> usize {
    if items.is_empty() || from >= items.len() {
        return from;
    }
    let to = to.min(items.len() - 1);
    let item = items.remove(from);
    items.insert(to, item);
    to
}

/// A CSS-safe token for an id (ids hold `:`, `@`, `.`), for element ids and selectors.
fn dom_key(id: &str) -> String {
    id.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect::<String>()
        + &format!("{:x}", id.bytes().fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))))
}

#[component]
pub fn OrderEditor(
    draft: OrderDraft,
    /// The page's writes: a saved or cleared order is the page's to announce; a conflict or a
    /// refusal is shown here.
    set: Write<SetOrder>,
    clear: Write<ClearOrder>,
    /// Reads the state again (after a conflict).
    on_reload: Callback<()>,
    on_close: Callback<()>,
) -> impl IntoView {
    let OrderDraft { agent, provider, version, items, others, not_stored, has_stored_order, lock } = draft;
    let items = RwSignal::new(items);
    let others = RwSignal::new(others);
    let unlocked = RwSignal::new(false);
    let busy = {
        let (saving, clearing) = {
            let (a, p, a2, p2) = (agent.clone(), provider.clone(), agent.clone(), provider.clone());
            (
                set.pending_for(move |i| i.agent == a && i.provider == p),
                clear.pending_for(move |i| i.agent == a2 && i.provider == p2),
            )
        };
        Signal::derive(move || saving.get() || clearing.get())
    };
    let save_state = RwSignal::new(SaveState::Idle);
    let announce = RwSignal::new(String::new());
    // The id being dragged, the pointer's start and its current offset, and where it would land.
    let drag = RwSignal::new(None::<(String, f64, f64)>);
    let drop_at = RwSignal::new(None::<usize>);
    let list_ref = NodeRef::<leptos::html::Ol>::new();
    let editor_id = format!("order-{}-{}", dom_key(&agent), dom_key(&provider));
    let locked = {
        let lock = lock.clone();
        Signal::derive(move || match &lock {
            Some(OrderLock::MigrationRequired) => true,
            Some(OrderLock::ConfigDecides(_)) => !unlocked.get(),
            None => false,
        })
    };
    let not_stored = StoredValue::new(not_stored);

    let editor_sel = editor_id.clone();
    let move_to = move |id: &str, to: usize, how: &str| {
        let mut list = items.get_untracked();
        let Some(from) = list.iter().position(|i| i == id) else { return };
        let landed = move_item(&mut list, from, to);
        let total = list.len();
        items.set(list);
        announce.set(format!("{id} {how} position {} of {total}", landed + 1));
        save_state.set(SaveState::Idle);
    };
    let keep_focus = move |id: &str| crate::dom::focus_later(format!("#{editor_sel} [data-grip=\"{}\"]", dom_key(id)));

    // Answers to this editor's own requests: a conflict shows both orders, a refusal its reason.
    let theirs_of = provider.clone();
    let in_place = move |answer: Result<(), &AppError>, about: &About, editor: &str| match answer {
        Err(AppError::Conflict { current_orders, version }) if about.from == editor => {
            let theirs = current_orders.iter().find(|(p, _)| *p == theirs_of).map(|(_, ids)| ids.clone());
            save_state.set(SaveState::Conflict { theirs, version: version.clone() });
        }
        Err(e) if about.from == editor => save_state.set(SaveState::Failed(e.to_string())),
        _ => {}
    };
    {
        let (in_place, editor) = (in_place.clone(), editor_id.clone());
        set.on_answer(move |answer: &Answer<SetOrder>, about| in_place(answer.as_ref().map(|_| ()), about, &editor));
    }
    {
        let (in_place, editor) = (in_place.clone(), editor_id.clone());
        clear.on_answer(move |answer: &Answer<ClearOrder>, about| {
            // A cleared order's conflict has no order of ours to compare: reload or overwrite.
            match answer {
                Err(AppError::Conflict { version, .. }) if about.from == editor => {
                    save_state.set(SaveState::Conflict { theirs: None, version: version.clone() })
                }
                other => in_place(other.as_ref().map(|_| ()), about, &editor),
            }
        });
    }
    let save = {
        let (agent, provider, editor) = (agent.clone(), provider.clone(), editor_id.clone());
        move |base: String| {
            if busy.get_untracked() {
                return;
            }
            let list = items.get_untracked();
            let about = About::new(format!("Order of {provider} saved for agent {agent}: {}", join(&list)))
                .from(editor.clone());
            set.dispatch(
                SetOrder { agent: agent.clone(), provider: provider.clone(), ids: list, base_version: Some(base) },
                about,
            );
        }
    };
    let save_now = {
        let (save, version) = (save.clone(), version.clone());
        move |_| save(version.clone())
    };
    let overwrite = {
        let save = save.clone();
        move |_| {
            if let SaveState::Conflict { version, .. } = save_state.get_untracked() {
                save(version);
            }
        }
    };
    let clear_now = {
        let (agent, provider, version, editor) = (agent.clone(), provider.clone(), version.clone(), editor_id.clone());
        move |_| {
            if busy.get_untracked() {
                return;
            }
            let about =
                About::new(format!("Stored order of {provider} cleared for agent {agent}")).from(editor.clone());
            clear.dispatch(
                ClearOrder { agent: agent.clone(), provider: provider.clone(), base_version: Some(version.clone()) },
                about,
            );
        }
    };

    let heading = format!("Order of {provider} for agent {agent}");
    let instructions_id = format!("{editor_id}-help");
    let lock_view = lock.clone().map(|l| match l {
        OrderLock::MigrationRequired => view! {
            <p class="banner banner-error lock" role="note">
                "Locked: this agent's credentials are waiting for OpenClaw's import into SQLite ("
                <code>"openclaw doctor --fix"</code> "). Until then OpenClaw 2026.6+ ignores them, and so would an order."
            </p>
        }
        .into_any(),
        OrderLock::ConfigDecides(config) => view! {
            <div class="banner banner-info lock" role="note">
                <p>
                    "Locked: " <code>{format!("auth.order.{provider}")}</code> " in openclaw.json decides this order ("
                    {join(&config)} "). A stored order for this agent takes precedence over it, as "
                    <code>"openclaw models auth order set"</code> " does; other agents keep the config's order."
                </p>
                <Show when=move || !unlocked.get()>
                    <button type="button" on:click=move |_| unlocked.set(true)>"Override for this agent"</button>
                </Show>
            </div>
        }
        .into_any(),
    });

    view! {
        <section class="order-editor" id=editor_id.clone() aria-label=heading.clone()>
            <h3>{heading.clone()}</h3>
            {lock_view}
            <p id=instructions_id.clone() class="muted small">
                "First tried first. Drag a row by its grip, or focus a grip and press ArrowUp or ArrowDown (Home, End). "
                "Profiles in cooldown are tried last whatever the order."
            </p>
            <ol class="order-list" node_ref=list_ref class:locked=move || locked.get()>
                <For
                    each=move || items.get().into_iter().enumerate()
                    key=|(i, id)| (*i, id.clone())
                    children=move |(index, id)| {
                        let total = move || items.get().len();
                        let grip_label = {
                            let id = id.clone();
                            move || format!("Move {id}, position {} of {}", index + 1, total())
                        };
                        let key = dom_key(&id);
                        let is_dragged = {
                            let id = id.clone();
                            Memo::new(move |_| drag.with(|d| d.as_ref().is_some_and(|(d, _, _)| *d == id)))
                        };
                        // Through CSSOM (`style:`), which the page's CSP allows; a style attribute it would block.
                        let offset = move || {
                            if is_dragged.get() {
                                drag.get().map(|(_, _, dy)| format!("translateY({dy}px)")).unwrap_or_default()
                            } else {
                                String::new()
                            }
                        };
                        let drop_before = move || drop_at.get() == Some(index) && !is_dragged.get();
                        let missing = not_stored.with_value(|n| n.contains(&id));
                        let (id_down, id_move, id_up, id_key, id_out) = (id.clone(), id.clone(), id.clone(), id.clone(), id.clone());
                        let keep = keep_focus.clone();
                        view! {
                            <li class="order-item" class:dragging=is_dragged class:drop-before=drop_before data-id=id.clone() style:transform=offset>
                                <button
                                    type="button"
                                    class="grip"
                                    data-grip=key
                                    aria-label=grip_label
                                    aria-describedby=instructions_id.clone()
                                    disabled=move || locked.get() || busy.get()
                                    on:keydown=move |ev| {
                                        let len = items.get_untracked().len();
                                        let to = match ev.key().as_str() {
                                            "ArrowUp" if index > 0 => index - 1,
                                            "ArrowDown" if index + 1 < len => index + 1,
                                            "Home" => 0,
                                            "End" => len.saturating_sub(1),
                                            "ArrowUp" | "ArrowDown" => {
                                                ev.prevent_default();
                                                announce.set(format!("{id_key} is already at position {} of {len}", index + 1));
                                                return;
                                            }
                                            _ => return,
                                        };
                                        ev.prevent_default();
                                        move_to(&id_key, to, "moved to");
                                        keep(&id_key);
                                    }
                                    on:pointerdown=move |ev| {
                                        if ev.button() != 0 || locked.get_untracked() { return; }
                                        ev.prevent_default();
                                        crate::dom::capture_pointer(&ev);
                                        drag.set(Some((id_down.clone(), f64::from(ev.client_y()), 0.0)));
                                        drop_at.set(Some(index));
                                    }
                                    on:pointermove=move |ev| {
                                        let Some((dragged, start, _)) = drag.get_untracked() else { return };
                                        if dragged != id_move { return; }
                                        let y = f64::from(ev.client_y());
                                        drag.set(Some((dragged, start, y - start)));
                                        let mids = crate::dom::child_midpoints(&list_ref);
                                        drop_at.set(Some(crate::dom::drop_index(&mids, index, y)));
                                    }
                                    on:pointerup=move |_| {
                                        let Some((dragged, _, _)) = drag.get_untracked() else { return };
                                        drag.set(None);
                                        if let Some(to) = drop_at.get_untracked() && dragged == id_up {
                                            move_to(&id_up, to, "dropped at");
                                        }
                                        drop_at.set(None);
                                    }
                                    on:pointercancel=move |_| {
                                        drag.set(None);
                                        drop_at.set(None);
                                    }
                                >
                                    <span aria-hidden="true">"⠿"</span>
                                </button>
                                <span class="position" aria-hidden="true">{index + 1}</span>
                                <code class="profile-id">{id.clone()}</code>
                                {missing.then(|| view! { <span class="tag warn-text">"not stored"</span> })}
                                <button
                                    type="button"
                                    class="button-quiet small leave-out"
                                    aria-label=format!("Leave {id} out of the order")
                                    disabled=move || locked.get() || busy.get()
                                    on:click=move |_| {
                                        items.update(|l| l.retain(|i| *i != id_out));
                                        if !not_stored.with_value(|n| n.contains(&id_out)) {
                                            others.update(|o| o.push(id_out.clone()));
                                        }
                                        announce.set(format!("{id_out} left out of the order"));
                                    }
                                >
                                    "Leave out"
                                </button>
                            </li>
                        }
                    }
                />
            </ol>
            <Show when=move || !others.get().is_empty()>
                <div class="order-others">
                    <p class="muted small">"Not in the order: OpenClaw does not try these while an order is set."</p>
                    <ul>
                        <For
                            each=move || others.get()
                            key=|id| id.clone()
                            children=move |id| {
                                let add = id.clone();
                                view! {
                                    <li>
                                        <code>{id.clone()}</code>
                                        " "
                                        <button type="button" class="small" aria-label=format!("Add {id} to the order") on:click=move |_| {
                                            others.update(|o| o.retain(|i| *i != add));
                                            items.update(|l| l.push(add.clone()));
                                            announce.set(format!("{add} added at the end"));
                                        }>"Add"</button>
                                    </li>
                                }
                            }
                        />
                    </ul>
                </div>
            </Show>
            <p class="live" role="status" aria-live="assertive">{move || announce.get()}</p>
            {move || match save_state.get() {
                SaveState::Idle => None,
                SaveState::Failed(why) => Some(view! { <p class="banner banner-error" role="alert">{why}</p> }.into_any()),
                SaveState::Conflict { theirs, .. } => Some(view! {
                    <div class="banner banner-warning conflict" role="alert">
                        <p><strong>"The store changed since this page was loaded."</strong> " Nothing was saved."</p>
                        <dl>
                            <dt>"On disk now"</dt>
                            <dd><code>{theirs.map(|t| join(&t)).unwrap_or_else(|| "no stored order".to_owned())}</code></dd>
                            <dt>"Yours"</dt>
                            <dd><code>{join(&items.get_untracked())}</code></dd>
                        </dl>
                        <div class="actions">
                            <button type="button" on:click=move |_| on_reload.run(())>"Reload"</button>
                            <button type="button" class="danger" on:click=overwrite.clone()>"Overwrite with mine"</button>
                        </div>
                    </div>
                }.into_any()),
            }}
            <div class="actions">
                <button type="button" class="primary" on:click=save_now disabled=move || locked.get() || busy.get() || items.get().is_empty()>
                    {move || if busy.get() { "Saving…" } else { "Save order" }}
                </button>
                {has_stored_order.then(|| view! {
                    <button type="button" on:click=clear_now.clone() disabled=move || busy.get()
                        title="Delete this agent's stored order: OpenClaw falls back to auth.order in openclaw.json, or to its own rotation">
                        "Clear override"
                    </button>
                })}
                <button type="button" class="button-quiet" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_clamp_and_report_where_the_item_landed() {
        let mut l: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        assert_eq!(move_item(&mut l, 2, 0), 0);
        assert_eq!(l, ["c", "a", "b"]);
        assert_eq!(move_item(&mut l, 0, 9), 2);
        assert_eq!(l, ["a", "b", "c"]);
        assert_eq!(move_item(&mut l, 7, 0), 7);
        assert_eq!(l, ["a", "b", "c"]);
    }

    #[test]
    fn dom_keys_are_selector_safe_and_distinct() {
        let a = dom_key("anthropic:me@x.com");
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
        assert_ne!(dom_key("a:b"), dom_key("a_b"));
    }
}
