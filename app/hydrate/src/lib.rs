//! The browser entry point: wasm-bindgen calls `hydrate` once the module loads.

// Leptos views are deeply nested types; the paste form and the profiles table exceed the default.
#![recursion_limit = "512"]

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    app::hydrate();
}
