use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
            resp.set_status(http_not_found());
        }
    }
    view! {
        <section class="card empty-state">
            <h1>"Page not found"</h1>
            <p>"This address is not part of the panel. " <a href="/">"Go to the profiles"</a> "."</p>
        </section>
    }
}

#[cfg(feature = "ssr")]
fn http_not_found() -> http::StatusCode {
    http::StatusCode::NOT_FOUND
}
