//! The panel's user interface: pages, components and the server-function declarations. Compiled
//! twice: with `ssr` into the server (where each server function calls the application layer,
//! `panel-service`) and with `hydrate` into the browser's wasm (where the same functions are
//! HTTP calls). The view types they exchange live in `panel-views`.

#![recursion_limit = "512"]

pub mod api;
pub mod client;
pub mod components;
pub mod dom;
pub mod error;
pub mod page_state;
pub mod pages;
pub mod session;
/// The view types, from their own crate (the application layer builds them without Leptos).
pub use panel_views as views;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The HTML document around the app, rendered on the server. Its assets are named under the
/// build's `pkg/<hash>` (`site_pkg_dir`), so browsers may cache them for good.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let stylesheet = format!("/{}/openclaw-auth-panel.css", options.site_pkg_dir);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="stylesheet" href=stylesheet />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
                <SessionMeta />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Session facts for the browser, in the `<head>` (outside the hydrated body; see [`session`]).
#[component]
fn SessionMeta() -> impl IntoView {
    let csrf = session::csrf_token().map(|token| view! { <meta name=session::CSRF_META content=token /> });
    let plain = session::plain_http_on_network().then(|| view! { <meta name=session::PLAIN_HTTP_META content="1" /> });
    view! {
        {csrf}
        {plain}
    }
}

/// The page's Content-Security-Policy: scripts only with this response's nonce (and what they
/// load), wasm allowed, nothing framed, nothing from elsewhere.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
         base-uri 'none'; form-action 'self'; object-src 'none'"
    )
}

/// The root component: header and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    #[cfg(feature = "ssr")]
    if let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>())
        && let Ok(value) = http::HeaderValue::from_str(&page_csp(&nonce))
    {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
    let csrf = session::csrf_token();
    let plain_http = session::plain_http_on_network();
    #[cfg(not(feature = "ssr"))]
    {
        let logged_in = csrf.is_some();
        Effect::new(move |_| mark_hydrated(logged_in));
    }
    view! {
        <Title text="OpenClaw Auth Panel" />
        <Router>
            <header class="topbar">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"◆"</span>
                    " "
                    <span class="brand-long">"OpenClaw "</span>
                    "Auth Panel"
                </a>
                {csrf.clone().map(|token| view! {
                    <nav aria-label="Main">
                        <a href="/">"Profiles"</a>
                        <a href="/env">".env keys"</a>
                        <a href="/doctor">"Doctor"</a>
                        <a href="/alerts">"Alerts"</a>
                        <a href="/history">"History"</a>
                    </nav>
                    <form class="logout" method="post" action="/logout">
                        <input type="hidden" name="csrf" value=token />
                        <button type="submit" class="button-quiet">"Log out"</button>
                    </form>
                })}
            </header>
            {plain_http.then(|| view! {
                <p class="banner banner-warning transport-warning" role="alert">
                    <strong>"Not encrypted: "</strong>
                    "this panel is served over plain HTTP on a network address, so the password, the session "
                    "cookie and every pasted key cross the network readable. Restart it with "
                    <code>"--tls"</code>
                    " (or reach it through "
                    <code>"ssh -L"</code>
                    " on a loopback address)."
                </p>
            })}
            <main id="main">
                <Routes fallback=|| view! { <pages::NotFound /> }>
                    // Async: the whole table is in the first HTML, so the page reads with JavaScript off.
                    <Route path=path!("/") view=pages::ProfilesPage ssr=SsrMode::Async />
                    <Route path=path!("/env") view=pages::EnvKeysPage ssr=SsrMode::Async />
                    <Route path=path!("/doctor") view=pages::DoctorPage ssr=SsrMode::Async />
                    <Route path=path!("/alerts") view=pages::AlertsPage ssr=SsrMode::Async />
                    <Route path=path!("/history") view=pages::HistoryPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=pages::LoginPage />
                    <Route path=path!("/setup") view=pages::SetupPage />
                </Routes>
            </main>
        </Router>
    }
}

/// Marks the document as hydrated (`<html data-hydrated>`, for tests and for CSS that needs the
/// wasm), and forgets a setup token kept in this tab once the admin is logged in.
#[cfg(not(feature = "ssr"))]
fn mark_hydrated(logged_in: bool) {
    let Some(window) = web_sys::window() else { return };
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-hydrated", "true");
    }
    if logged_in && let Ok(Some(storage)) = window.session_storage() {
        let _ = storage.remove_item(pages::SETUP_TOKEN_STORAGE_KEY);
    }
    // A used setup link redirects here with its fragment (browsers carry it across redirects):
    // take the dead token out of the address bar.
    let location = window.location();
    if location.hash().is_ok_and(|h| h.starts_with("#token="))
        && location.pathname().is_ok_and(|p| p != "/setup")
        && let Ok(history) = window.history()
    {
        let url = format!("{}{}", location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The wasm entry point.
#[cfg(feature = "hydrate")]
pub fn hydrate() {
    leptos::mount::hydrate_body(App);
}
