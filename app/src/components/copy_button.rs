//! A button that copies a text (the `/model …@profile` pin) to the clipboard. The Clipboard API
//! exists only in secure contexts (HTTPS or localhost); elsewhere the text is selected so the
//! admin can press Ctrl+C.

use leptos::prelude::*;

#[component]
pub fn CopyButton(text: String, #[prop(into)] label: String) -> impl IntoView {
    let (state, set_state) = signal(None::<&'static str>);
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let copy_text = text.clone();
    let on_click = move |_| {
        let done = copy_to_clipboard(&copy_text);
        if !done && let Some(input) = input_ref.get() {
            input.select();
        }
        set_state.set(Some(if done { "copied" } else { "press Ctrl+C" }));
    };
    view! {
        <span class="pin">
            <input
                class="pin-text"
                type="text"
                readonly=true
                value=text.clone()
                node_ref=input_ref
                aria-label=label.clone()
                size=text.len().min(60)
            />
            <button type="button" class="copy" on:click=on_click title=format!("Copy {label}")>
                "Copy"
            </button>
            <span class="copy-state" role="status" aria-live="polite">
                {move || state.get().unwrap_or("")}
            </span>
        </span>
    }
}

/// Writes to `navigator.clipboard` when it exists; returns whether a write was started.
fn copy_to_clipboard(text: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsValue;
        let Some(window) = web_sys::window() else { return false };
        let navigator = window.navigator();
        let clipboard = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")).unwrap_or(JsValue::UNDEFINED);
        if clipboard.is_undefined() || clipboard.is_null() {
            return false;
        }
        let write = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText")).unwrap_or(JsValue::UNDEFINED);
        let Ok(write) = write.dyn_into::<js_sys::Function>() else { return false };
        write.call1(&clipboard, &JsValue::from_str(text)).is_ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
        false
    }
}

#[cfg(feature = "hydrate")]
use wasm_bindgen::JsCast;
