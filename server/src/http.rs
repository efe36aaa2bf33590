//! The router factory: the whole HTTP surface in one function, so tests drive it with `oneshot`
//! and the binary only adds the socket.

use std::net::SocketAddr;
use std::path::PathBuf;

use panel_service::PanelService;
use app::session::SiteInfo;
use app::{App, shell};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use secrecy::SecretString;

use crate::auth::AuthService;

/// The name wasm-bindgen gives the built files (`pkg/<name>.js`, `pkg/<name>_bg.wasm`).
pub const OUTPUT_NAME: &str = "openclaw-auth-panel";

/// Leptos options for a built site at `site_root`.
pub fn site_options(site_root: PathBuf, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

/// The largest request body accepted (server-function arguments are small).
pub const BODY_LIMIT: usize = 64 * 1024;
/// How long a request may take before it is answered 408.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Everything the router serves with.
pub struct PanelApp {
    pub service: PanelService,
    pub options: LeptosOptions,
    pub monitoring_token: SecretString,
    pub guard: crate::guard::GuardPolicy,
    pub auth: AuthService,
    pub site: SiteInfo,
}

/// Every route of the panel: pages, server functions, login, monitoring, static files, behind the
/// guards of [`crate::guard`] and the session check of [`crate::auth::routes`].
pub fn router(app: PanelApp) -> Router {
    let PanelApp { service, options, monitoring_token, guard, auth, site } = app;
    let routes = generate_route_list(App);
    let monitoring = crate::monitoring::routes(crate::monitoring::MonitoringState {
        service: service.clone(),
        token: std::sync::Arc::new(monitoring_token),
    });
    let context_service = service.clone();
    let session_layer = crate::auth::session::layer(auth.settings());
    Router::new()
        .leptos_routes_with_context(
            &options,
            routes,
            move || {
                provide_context(context_service.clone());
                provide_context(site.clone());
            },
            {
                let options = options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler(shell))
        .with_state(options)
        .merge(crate::auth::routes::routes(auth.clone()))
        .merge(monitoring)
        .layer(axum::middleware::from_fn_with_state(auth, crate::auth::routes::require_session))
        .layer(session_layer)
        // The wasm bundle is ~0.9 MB raw, ~0.3 MB gzipped.
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(std::sync::Arc::new(guard), crate::guard::check_request))
        // Outermost, so refusals carry the headers too.
        .layer(axum::middleware::from_fn(crate::guard::add_headers))
}
