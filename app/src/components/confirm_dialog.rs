//! The confirm dialog of changes that lose something (remove a profile, remove a `.env` key, apply
//! a doctor fix): a modal `<dialog>` naming everything the change touches, Cancel focused first.
//! It only renders: the page says what to ask and what a yes does.

use leptos::prelude::*;

use crate::page_state::ConfirmRequest;

#[component]
pub fn ConfirmDialog(
    /// What to ask; `None`: the dialog is closed. It may change while open (lines read later).
    #[prop(into)]
    request: Signal<Option<ConfirmRequest>>,
    /// The change runs: the yes waits.
    #[prop(into)]
    busy: Signal<bool>,
    /// The admin said yes.
    on_confirm: Callback<()>,
    /// The admin said no (Cancel, Escape), or the dialog closed.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    let open = Memo::new(move |_| request.with(Option::is_some));
    Effect::new(move |_| {
        let open = open.get();
        crate::dom::set_dialog_open(&dialog, open);
        if open {
            crate::dom::focus_later("#confirm-cancel".to_owned());
        }
    });
    let read = move |f: fn(&ConfirmRequest) -> String| move || request.with(|r| r.as_ref().map(f).unwrap_or_default());
    let can_confirm = move || request.with(|r| r.as_ref().is_some_and(|r| r.can_confirm));
    let label = read(|r| r.confirm_label.clone());
    // The content stays while the dialog is open, so the focus stays on Cancel when the lines arrive.
    view! {
        <dialog node_ref=dialog class="confirm card" aria-labelledby="confirm-title" on:close=move |_| on_cancel.run(())>
            <Show when=move || open.get()>
                <h2 id="confirm-title">{read(|r| r.title.clone())}</h2>
                <ul class="confirm-lines">
                    {move || {
                        request
                            .with(|r| r.as_ref().map(|r| r.lines.clone()).unwrap_or_default())
                            .into_iter()
                            .map(|l| view! { <li>{l}</li> })
                            .collect_view()
                    }}
                </ul>
                <div class="actions">
                    <button
                        type="button"
                        class="danger"
                        on:click=move |_| on_confirm.run(())
                        disabled=move || busy.get() || !can_confirm()
                    >
                        {move || if busy.get() { "Working…".to_owned() } else { label() }}
                    </button>
                    <button type="button" id="confirm-cancel" on:click=move |_| on_cancel.run(())>
                        "Cancel"
                    </button>
                </div>
            </Show>
        </dialog>
    }
}
