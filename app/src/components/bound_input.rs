//! A text or secret input bound to a signal: the one place the forms of the write pages set the
//! attributes that keep a pasted secret out of browser autofill, spell checkers and password
//! managers.

use leptos::prelude::*;

#[component]
pub fn BoundInput(
    #[prop(into)] id: String,
    value: RwSignal<String>,
    /// A password field: the value is never shown and no manager offers to keep it.
    #[prop(optional)]
    secret: bool,
    #[prop(optional, into)] placeholder: MaybeProp<String>,
    #[prop(optional, into)] described_by: Option<String>,
    /// The id of a `<datalist>` with suggestions.
    #[prop(optional, into)]
    list: Option<String>,
) -> impl IntoView {
    view! {
        <input
            id=id
            type=if secret { "password" } else { "text" }
            autocomplete="off"
            spellcheck="false"
            autocapitalize="off"
            data-1p-ignore=secret.then_some("true")
            data-lpignore=secret.then_some("true")
            placeholder=move || placeholder.get()
            aria-describedby=described_by
            list=list
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}
