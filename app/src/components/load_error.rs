//! What a page shows when its data cannot be loaded: the error's sentence (what to do), never a
//! trace.

use leptos::prelude::*;

use crate::error::AppError;

#[component]
pub fn LoadError(#[prop(into)] title: String, error: AppError) -> impl IntoView {
    view! {
        <section class="card error-card" role="alert">
            <h2>{title}</h2>
            <p>{error.to_string()}</p>
        </section>
    }
}
