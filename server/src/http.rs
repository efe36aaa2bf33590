//! The router factory: the whole HTTP surface in one function, so tests drive it with `oneshot`
//! and the binary only adds the socket.
//!
//! Who may reach a route is decided here, by the group it is registered in, never by looking at
//! the path of a request:
//! - **public**: the login and setup pages (with their redirects), `POST /login`, `/setup`,
//!   `/logout`, the built assets under `/pkg/` and the favicon;
//! - **monitoring**: `/metrics` and `/monitoring/*`, behind the bearer-token route layer;
//! - **protected**: every other page, the server functions under `/api/`, and every unknown
//!   path, behind the session layer (server-function writes also need the CSRF token).
//!
//! Architecture invariant: the protected group is the fallback of the others, so a page added to
//! the app, or a path nobody registered, needs a session unless it is explicitly made public.
//! Server functions are registered once, in the protected group only.
//!
//! Around all groups, outermost first: the request span ([`request_span`]: method, path without
//! the query, status, latency; never a header, cookie or body), the security headers, the
//! Host/Origin guard, the body limit, the timeout, compression and the session cookie. The
//! profiles page alone has, inside the session check, the page cache (`page_cache.rs`).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use app::session::SiteInfo;
use app::{App, shell};
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::Response;
use axum::routing::{MethodFilter, MethodRouter, any, on};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{AxumRouteListing, generate_route_list};
use leptos_router::SsrMode;
use panel_service::PanelService;
use secrecy::SecretString;
use tower_http::classify::ServerErrorsFailureClass;
use tower_http::trace::TraceLayer;
use tracing::Span;

use crate::auth::AuthService;
use crate::auth::routes::{Audience, AuthPage};
pub use crate::limits::{BODY_LIMIT, REQUEST_TIMEOUT};

/// The name wasm-bindgen gives the built files (`pkg/<name>.js`, `pkg/<name>_bg.wasm`).
pub const OUTPUT_NAME: &str = "openclaw-auth-panel";

/// Leptos options for the panel listening on `addr`. The site's files are [`Assets`]
/// (`crate::assets`), never read through Leptos' `site_root`.
pub fn site_options(addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder().output_name(OUTPUT_NAME).site_pkg_dir("pkg").site_addr(addr).build()
}

/// Everything the router serves with.
pub struct PanelApp {
    pub service: PanelService,
    pub options: LeptosOptions,
    /// The site's static files (embedded, or from `--site-root`); empty in router-only tests.
    pub assets: crate::assets::Assets,
    pub monitoring_token: SecretString,
    pub guard: crate::guard::GuardPolicy,
    pub auth: AuthService,
    pub site: SiteInfo,
}

/// Every route of the panel, composed from its [`RouteGroups`].
pub fn router(app: PanelApp) -> Router {
    RouteGroups::new(app).into_router()
}

/// The panel's routes sorted by who may reach them, before the groups' layers are applied.
/// Routes added with [`public`](Self::public), [`monitoring`](Self::monitoring) or
/// [`protected`](Self::protected) get that group's policy in [`into_router`](Self::into_router).
pub struct RouteGroups {
    public: Router,
    monitoring: Router,
    server_fns: Router,
    protected: Router,
    not_found: Router,
    auth: AuthService,
    guard: crate::guard::GuardPolicy,
    monitoring_token: Arc<SecretString>,
}

impl RouteGroups {
    /// The panel's own routes in their groups.
    pub fn new(app: PanelApp) -> Self {
        let PanelApp { service, mut options, assets, monitoring_token, guard, auth, site } = app;
        // The built files, in memory with their precompressed variants; the page names them under
        // this build's hash.
        options.site_pkg_dir = assets.pkg_dir().into();
        let context = {
            let (service, site, options) = (service.clone(), site, options.clone());
            move || {
                provide_context(options.clone());
                provide_context(service.clone());
                provide_context(site.clone());
            }
        };
        let app_fn = {
            let options = options.clone();
            move || shell(options.clone())
        };

        let (auth_pages, pages): (Vec<_>, Vec<_>) =
            generate_route_list(App).into_iter().partition(|listing| auth_page(listing).is_some());
        let mut public = Router::new();
        for page in AuthPage::ALL {
            let listing = auth_pages.iter().find(|l| l.path() == page.path());
            let listing = listing.unwrap_or_else(|| panic!("the app has no {} page", page.path()));
            let routes =
                Router::new().route(listing.path(), page_route(listing, context.clone(), app_fn.clone())).route_layer(
                    axum::middleware::from_fn_with_state((auth.clone(), page), crate::auth::routes::redirect_auth_page),
                );
            public = public.merge(routes);
        }
        let public = public.merge(crate::auth::routes::routes(auth.clone())).merge(assets.routes());

        // The profiles page, the one opened most, is given again while its state is unchanged.
        let page_cache = crate::page_cache::PageCache::new(service.clone());
        let monitoring = crate::monitoring::routes(crate::monitoring::MonitoringState { service });

        let mut protected = Router::new();
        for listing in &pages {
            let mut route = page_route(listing, context.clone(), app_fn.clone());
            if listing.path() == "/" {
                route = route
                    .layer(axum::middleware::from_fn_with_state(page_cache.clone(), crate::page_cache::cache_page));
            }
            protected = protected.route(listing.path(), route);
        }

        let mut server_fns = Router::new();
        for (path, method) in leptos::server_fn::axum::server_fn_paths() {
            let context = context.clone();
            let handler = move |request: Request| {
                let context = context.clone();
                async move { leptos_axum::handle_server_fns_with_context(context, request).await }
            };
            let filter = MethodFilter::try_from(method.clone())
                .unwrap_or_else(|_| panic!("unsupported server-function method {method} for {path}"));
            server_fns = server_fns.route(path, on(filter, handler));
        }
        // Unknown server functions get the 404 page, but only after the session and CSRF checks
        // of the server-function group, as the ones that exist.
        server_fns = server_fns
            .route("/api/{*unknown}", any(leptos_axum::file_and_error_handler(shell)).with_state(options.clone()));

        let not_found = Router::new().fallback(leptos_axum::file_and_error_handler(shell)).with_state(options);

        Self {
            public,
            monitoring,
            server_fns,
            protected,
            not_found,
            auth,
            guard,
            monitoring_token: Arc::new(monitoring_token),
        }
    }

    /// Adds routes anyone may reach (they still pass the Host/Origin guard and the limits).
    pub fn public(mut self, routes: Router) -> Self {
        self.public = self.public.merge(routes);
        self
    }

    /// Adds routes behind the monitoring bearer token.
    pub fn monitoring(mut self, routes: Router) -> Self {
        self.monitoring = self.monitoring.merge(routes);
        self
    }

    /// Adds page routes behind the admin session (without one: redirect to login or setup).
    pub fn protected(mut self, routes: Router) -> Self {
        self.protected = self.protected.merge(routes);
        self
    }

    /// The groups with their layers, and the layers every request passes.
    pub fn into_router(self) -> Router {
        let Self { public, monitoring, server_fns, protected, not_found, auth, guard, monitoring_token } = self;
        let session_layer = crate::auth::session::layer(auth.settings());
        let monitoring = monitoring
            .route_layer(axum::middleware::from_fn_with_state(monitoring_token, crate::monitoring::require_bearer));
        let server_fns = server_fns.layer(axum::middleware::from_fn_with_state(
            (auth.clone(), Audience::ServerFn),
            crate::auth::routes::require_session,
        ));
        // `layer`, not `route_layer`: the fallback (unknown paths) is protected too.
        let protected = protected
            .fallback_service(not_found)
            .layer(axum::middleware::from_fn_with_state((auth, Audience::Page), crate::auth::routes::require_session));
        Router::new()
            .merge(public)
            .merge(monitoring)
            .merge(server_fns)
            .fallback_service(protected)
            .layer(session_layer)
            // Pages and server-function answers, compressed as they are made. Level 4: brotli's
            // default (11) took most of a page's server time; 4 is as fast as gzip's default and
            // still smaller. Static files come precompressed at the highest levels (`assets.rs`)
            // and an encoded answer is left alone.
            .layer(
                tower_http::compression::CompressionLayer::new()
                    .quality(tower_http::compression::CompressionLevel::Precise(4)),
            )
            .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                axum::http::StatusCode::REQUEST_TIMEOUT,
                REQUEST_TIMEOUT,
            ))
            .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
            .layer(axum::middleware::from_fn_with_state(Arc::new(guard), crate::guard::check_request))
            // Outside the guards, so refusals carry the headers too.
            .layer(axum::middleware::from_fn(crate::guard::add_headers))
            // Outermost, so the span covers refusals and its latency the whole stack.
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(request_span)
                    .on_request(())
                    .on_response(record_response)
                    .on_body_chunk(())
                    .on_eos(())
                    .on_failure(log_failure),
            )
    }
}

/// The login or setup page a route listing renders, if it is one of them.
fn auth_page(listing: &AxumRouteListing) -> Option<AuthPage> {
    AuthPage::ALL.into_iter().find(|page| page.path() == listing.path())
}

/// One Leptos page, rendered the way its `ssr` mode asks, as `leptos_routes_with_context` does
/// (which cannot be used here: it also registers every server function, in whatever group it
/// is called for).
fn page_route<IV>(
    listing: &AxumRouteListing,
    context: impl Fn() + Clone + Send + Sync + 'static,
    app_fn: impl Fn() -> IV + Clone + Send + Sync + 'static,
) -> MethodRouter
where
    IV: leptos::prelude::IntoView + 'static,
{
    let mut route = MethodRouter::new();
    for method in listing.methods() {
        let context = {
            let context = context.clone();
            move || {
                provide_context(method);
                context();
            }
        };
        let filter = match method {
            leptos_router::Method::Get => MethodFilter::GET,
            leptos_router::Method::Post => MethodFilter::POST,
            leptos_router::Method::Put => MethodFilter::PUT,
            leptos_router::Method::Delete => MethodFilter::DELETE,
            leptos_router::Method::Patch => MethodFilter::PATCH,
        };
        let app_fn = app_fn.clone();
        route = match listing.mode() {
            SsrMode::OutOfOrder => route.on(filter, leptos_axum::render_app_to_stream_with_context(context, app_fn)),
            SsrMode::PartiallyBlocked => route
                .on(filter, leptos_axum::render_app_to_stream_with_context_and_replace_blocks(context, app_fn, true)),
            SsrMode::InOrder => {
                route.on(filter, leptos_axum::render_app_to_stream_in_order_with_context(context, app_fn))
            }
            SsrMode::Async => route.on(filter, leptos_axum::render_app_async_with_context(context, app_fn)),
            other => panic!("page {} uses ssr mode {other:?}, which the panel does not serve", listing.path()),
        };
    }
    route
}

/// The span of one request: method and path (the query may hold what the admin typed, so it is
/// left out); [`record_response`] adds status and latency. No header, cookie or body is ever
/// recorded.
fn request_span(request: &Request) -> Span {
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = request.uri().path(),
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    )
}

/// Records status and latency on the request's span, with a `debug` event that makes an access
/// log (`OPENCLAW_PANEL_LOG=info,panel_server::http=debug`).
fn record_response(response: &Response<Body>, latency: Duration, span: &Span) {
    span.record("status", response.status().as_u16());
    span.record("latency_ms", latency.as_millis() as u64);
    tracing::debug!("answered");
}

/// 5xx answers (and errors from the stack, e.g. a timeout) are logged as errors, in the span.
fn log_failure(failure: ServerErrorsFailureClass, latency: Duration, _: &Span) {
    let latency_ms = latency.as_millis() as u64;
    match failure {
        ServerErrorsFailureClass::StatusCode(status) => {
            tracing::error!(status = status.as_u16(), latency_ms, "answered with a server error")
        }
        ServerErrorsFailureClass::Error(error) => tracing::error!(%error, latency_ms, "request failed"),
    }
}
