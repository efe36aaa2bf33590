//! The first-admin page: the setup token (from the link's fragment, or pasted), a password
//! twice. Like the login page, a plain form; messages come back in the query.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

fn setup_error(code: &str, retry: Option<u64>) -> String {
    match code {
        "too-short" => "The password must have at least 12 characters.".to_owned(),
        "too-long" => "The password must have at most 1024 bytes.".to_owned(),
        "mismatch" => "The two passwords differ; type the same password twice.".to_owned(),
        "wrong-token" => {
            "The setup token is wrong. Open the whole setup URL the server printed (the token is the part after \
             #token=), or copy it from the file setup-url in the panel's data dir."
                .to_owned()
        }
        "locked" | "throttled" => format!(
            "Too many failed attempts from your address; try again in {} minutes.",
            retry.map(|s| s.div_ceil(60).max(1)).unwrap_or(5)
        ),
        "bad-request" => "The form was incomplete; fill in every field.".to_owned(),
        _ => "The panel could not save the password; the server log has the details.".to_owned(),
    }
}

fn closed_text(reason: &str) -> &'static str {
    match reason {
        "expired" => {
            "The setup token expired: it is valid for 15 minutes after the panel starts. Restart the panel \
             (for example `systemctl --user restart openclaw-auth-panel`) and open the new setup URL it prints."
        }
        "used" => "The setup token was used already: an admin password is set. Log in with it.",
        _ => "Setup is closed. Log in, or set a new password on the host with `openclaw-auth-panel reset-password`.",
    }
}

/// Where the token waits in this tab between a refused submission and the next try (the
/// fragment is gone by then). `sessionStorage` ends with the tab; the token is single-use anyway.
pub const SETUP_TOKEN_STORAGE_KEY: &str = "openclaw-panel-setup-token";

/// Reads `#token=…` from the address and removes it from the address bar and history, so the
/// token is not left in the URL the browser shows or remembers; else the token kept in this tab.
#[cfg(not(feature = "ssr"))]
fn take_fragment_token() -> Option<String> {
    let window = web_sys::window()?;
    let storage = window.session_storage().ok().flatten();
    let hash = window.location().hash().unwrap_or_default();
    let from_fragment = hash
        .trim_start_matches('#')
        .split('&')
        .find_map(|kv| kv.strip_prefix("token=").map(str::to_owned))
        .filter(|t| !t.is_empty());
    match from_fragment {
        Some(token) => {
            if let Ok(history) = window.history() {
                let path = window.location().pathname().unwrap_or_else(|_| "/setup".into());
                let search = window.location().search().unwrap_or_default();
                let _ =
                    history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("{path}{search}")));
            }
            if let Some(storage) = &storage {
                let _ = storage.set_item(SETUP_TOKEN_STORAGE_KEY, &token);
            }
            Some(token)
        }
        None => storage?.get_item(SETUP_TOKEN_STORAGE_KEY).ok().flatten().filter(|t| !t.is_empty()),
    }
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let query = use_query_map();
    let closed = query.read_untracked().get("closed");
    #[cfg(feature = "ssr")]
    if closed.is_some()
        && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
    {
        response.set_status(http::StatusCode::GONE);
    }
    if let Some(reason) = closed {
        return view! {
            <section class="card auth-card">
                <h1>"Setup is closed"</h1>
                <p class="banner banner-info" role="status">{closed_text(&reason)}</p>
                <p><a href="/login">"Go to the login page"</a></p>
            </section>
        }
        .into_any();
    }
    let error = move || {
        let q = query.read();
        q.get("error").map(|code| setup_error(&code, q.get("retry").and_then(|r| r.parse().ok())))
    };
    let token = RwSignal::new(String::new());
    let from_link = RwSignal::new(false);
    #[cfg(not(feature = "ssr"))]
    {
        let fill = move || {
            if let Some(t) = take_fragment_token() {
                token.set(t);
                from_link.set(true);
            }
        };
        Effect::new(move |_| fill());
        // The setup URL opened in a tab that shows /setup already only changes the fragment: no
        // reload, so listen for it.
        let listener = window_event_listener(leptos::ev::hashchange, move |_| fill());
        on_cleanup(move || listener.remove());
    }
    view! {
        <section class="card auth-card">
            <h1>"Create the admin password"</h1>
            <p>
                "This panel has no admin yet. The setup token proves you can read the server's output; "
                "the password you choose here is the only way in afterwards."
            </p>
            {move || error().map(|text| view! { <p class="banner banner-error" role="alert">{text}</p> })}
            <form method="post" action="/setup" class="auth-form">
                <label for="token">"Setup token"</label>
                <input
                    id="token"
                    name="token"
                    type="password"
                    autocomplete="off"
                    spellcheck="false"
                    required
                    prop:value=move || token.get()
                    on:input=move |ev| token.set(event_target_value(&ev))
                />
                <p class="hint">
                    {move || if from_link.get() {
                        "Filled in from the setup link (the address bar no longer shows it)."
                    } else {
                        "The part after #token= in the setup URL the server printed, also in the file setup-url in the panel's data dir."
                    }}
                </p>
                <label for="new-password">"New password (at least 12 characters)"</label>
                <input id="new-password" name="password" type="password" autocomplete="new-password" minlength="12" required />
                <label for="confirm-password">"The same password again"</label>
                <input id="confirm-password" name="confirm" type="password" autocomplete="new-password" minlength="12" required />
                <button type="submit" class="button-primary">"Create admin and log in"</button>
            </form>
        </section>
    }
    .into_any()
}
