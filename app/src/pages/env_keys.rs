//! The `.env keys` page: the keys of `<state>/.env` (OpenClaw reads provider API keys from it at
//! gateway start), masked; add, replace and remove keys. Comments and other lines of the file are
//! kept as they are.

use leptos::prelude::*;

use crate::api::{EnvSet, EnvUnset, env_file};
use crate::components::{BoundInput, ConfirmDialog, GatewayCard, LoadError, NoticeBar};
use crate::page_state::{About, ConfirmRequest, Notice, PageState, Write};
use crate::views::{EnvFileView, EnvKeyView};

/// The page's writes, as context for its rows and form.
#[derive(Clone, Copy)]
struct EnvWrites {
    set: Write<EnvSet>,
    unset: Write<EnvUnset>,
    /// The key whose remove dialog is open: `(key, masked value, file version)`.
    unsetting: RwSignal<Option<(String, String, String)>>,
}

#[component]
pub fn EnvKeysPage() -> impl IntoView {
    let state = PageState::provide();
    let writes = EnvWrites { set: Write::new(), unset: Write::new(), unsetting: RwSignal::new(None) };
    provide_context(writes);
    // A failed set is shown in its form; a removal is read back either way.
    let (set, unset) = (writes.set.changed(Result::is_ok), writes.unset.changed(|_| true));
    let data = Resource::new(move || (set.get(), unset.get()), |_| env_file());
    writes.set.on_answer(move |answer, about| {
        if let Ok(outcome) = answer {
            state.changed(Notice::saved(about.title.clone(), outcome), None);
        }
    });
    writes.unset.on_answer(move |answer, about| {
        writes.unsetting.set(None);
        match answer {
            Ok(outcome) => state.changed(Notice::saved(about.title.clone(), outcome), None),
            Err(e) => state.failed(about.failure(), e),
        }
    });
    let request = Signal::derive(move || {
        writes.unsetting.get().map(|(key, masked, _)| ConfirmRequest {
            title: format!("Remove {key} from .env?"),
            lines: vec![
                format!("The line {key}={masked} is deleted; comments and the other lines stay."),
                format!(
                    "After a gateway restart OpenClaw no longer has this key, unless {key} is set in the gateway's environment."
                ),
            ],
            confirm_label: format!("Remove {key}"),
            can_confirm: true,
        })
    });
    let confirm = Callback::new(move |()| {
        let Some((key, _, version)) = writes.unsetting.get_untracked() else { return };
        let about =
            About::new(format!("Removed {key} from .env")).failed_title(format!("Not done: Remove {key} from .env?"));
        writes.unset.dispatch(EnvUnset { key, base_version: Some(version) }, about);
    });
    view! {
        <section class="page-head">
            <h1>".env keys"</h1>
            <p class="meta">
                "Provider API keys OpenClaw reads from " <code>"<state>/.env"</code>
                " when the gateway starts (a variable already set in the gateway's environment wins). "
                "Values are shown masked. After a change the notice says what the running gateway needs: "
                "a new key, a restart (below); a changed value, a full stop and start."
            </p>
        </section>
        <GatewayCard />
        <Transition fallback=|| view! { <p class="loading">"Reading .env…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(file) => view! { <EnvKeys file /> }.into_any(),
                    Err(error) => view! { <LoadError title="Cannot show the .env keys" error /> }.into_any(),
                }
            })}
        </Transition>
        <NoticeBar />
        <ConfirmDialog
            request
            busy=writes.unset.pending()
            on_confirm=confirm
            on_cancel=Callback::new(move |()| writes.unsetting.set(None))
        />
    }
}

#[component]
fn EnvKeys(file: EnvFileView) -> impl IntoView {
    let EnvFileView { path, keys, version } = file;
    let rows = if keys.is_empty() {
        view! { <p class="muted">"No keys yet. " <code>{path.clone()}</code> " is created with the first one (mode 0600)."</p> }
            .into_any()
    } else {
        let rows = keys.into_iter().map(|k| view! { <EnvKeyRow key_view=k version=version.clone() /> }).collect_view();
        view! {
            <div class="table-wrap">
                <table class="profiles env-keys">
                    <thead>
                        <tr>
                            <th scope="col">"Key"</th>
                            <th scope="col">"Value"</th>
                            <th scope="col">"Actions"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="env-file-title">
            <h2 id="env-file-title">"Keys in " <code>{path}</code></h2>
            {rows}
        </section>
        <AddKeyForm version />
    }
}

#[component]
fn EnvKeyRow(key_view: EnvKeyView, version: String) -> impl IntoView {
    let writes = expect_context::<EnvWrites>();
    let EnvKeyView { key, masked } = key_view;
    let editing = RwSignal::new(false);
    let value = RwSignal::new(String::new());
    let busy = {
        let key = key.clone();
        writes.set.pending_for(move |i| i.key == key)
    };
    let error = RwSignal::new(None::<String>);
    let input_id = format!("env-value-{key}");
    let from = input_id.clone();
    writes.set.on_answer(move |answer, about| {
        if let Err(e) = answer
            && about.from == from
        {
            error.set(Some(e.to_string()));
        }
    });
    let save = {
        let (key, version, from) = (key.clone(), version.clone(), input_id.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            let about = About::new(format!("Replaced {key} in .env")).from(from.clone());
            let input = EnvSet { key: key.clone(), value: value.get_untracked(), base_version: Some(version.clone()) };
            writes.set.dispatch(input, about);
        }
    };
    let remove = {
        let (key, masked, version) = (key.clone(), masked.clone(), version.clone());
        move |_| writes.unsetting.set(Some((key.clone(), masked.clone(), version.clone())))
    };
    let focus_sel = format!("#{input_id}");
    let (value_label, remove_label) = (format!("New value of {key}"), format!("Remove {key}"));
    view! {
        <tr data-key=key.clone()>
            <td data-label="Key"><div class="cell"><code>{key.clone()}</code></div></td>
            <td data-label="Value"><div class="cell"><code class="masked">{masked}</code></div></td>
            <td data-label="Actions"><div class="cell row-actions">
                <Show
                    when=move || editing.get()
                    fallback={
                        let key = key.clone();
                        let focus_sel = focus_sel.clone();
                        move || {
                            let focus_sel = focus_sel.clone();
                            view! {
                                <button type="button" class="small" aria-label=format!("Replace the value of {key}") on:click=move |_| {
                                    editing.set(true);
                                    crate::dom::focus_later(focus_sel.clone());
                                }>"Replace"</button>
                            }
                        }
                    }
                >
                    <form class="inline-form" on:submit=save.clone()>
                        <label class="sr-only" for=input_id.clone()>{value_label.clone()}</label>
                        <BoundInput id=input_id.clone() value secret=true />
                        <button type="submit" disabled=move || busy.get()>{move || if busy.get() { "Saving…" } else { "Save" }}</button>
                        <button type="button" class="button-quiet" on:click=move |_| editing.set(false)>"Cancel"</button>
                    </form>
                </Show>
                <button type="button" class="small danger" aria-label=remove_label on:click=remove.clone()>"Remove"</button>
                {move || error.get().map(|e| view! { <p class="banner banner-error" role="alert">{e}</p> })}
            </div></td>
        </tr>
    }
}

#[component]
fn AddKeyForm(version: String) -> impl IntoView {
    let writes = expect_context::<EnvWrites>();
    let key = RwSignal::new(String::new());
    let value = RwSignal::new(String::new());
    let busy = writes.set.pending();
    let error = RwSignal::new(None::<String>);
    writes.set.on_answer(move |answer, about| {
        if let Err(e) = answer
            && about.from == "env-add"
        {
            error.set(Some(e.to_string()));
            crate::dom::focus_later("#env-add-error".to_owned());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let name = key.get_untracked().trim().to_owned();
        if name.is_empty() || value.get_untracked().is_empty() {
            error.set(Some("Give both a key name (like OPENAI_API_KEY) and its value.".to_owned()));
            return;
        }
        let about = About::new(format!("Saved {name} in .env")).from("env-add");
        writes
            .set
            .dispatch(EnvSet { key: name, value: value.get_untracked(), base_version: Some(version.clone()) }, about);
    };
    view! {
        <section class="card" aria-labelledby="env-add-title">
            <h2 id="env-add-title">"Add or replace a key"</h2>
            <form class="paste-form" autocomplete="off" on:submit=submit>
                <div class="field">
                    <label for="env-add-key">"Key"</label>
                    <BoundInput id="env-add-key" value=key placeholder="OPENAI_API_KEY" />
                </div>
                <div class="field">
                    <label for="env-add-value">"Value"</label>
                    <BoundInput id="env-add-value" value secret=true />
                </div>
                {move || error.get().map(|e| view! { <p id="env-add-error" class="banner banner-error" role="alert" tabindex="-1">{e}</p> })}
                <div class="actions">
                    <button type="submit" disabled=move || busy.get()>{move || if busy.get() { "Saving…" } else { "Save key" }}</button>
                </div>
            </form>
        </section>
    }
}
