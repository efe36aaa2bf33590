//! What a page knows about the admin's session and the connection, the same on the server and
//! in the browser: the server puts it in the document's `<head>` (never in the hydrated body), the
//! browser reads it back from there, so both render the same thing.

/// The request header that carries the session's CSRF token on every server-function call.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The `<meta name>` that carries the CSRF token to the browser.
pub const CSRF_META: &str = "csrf-token";
/// The `<meta name>` that says the page came over plain HTTP on a network address.
pub const PLAIN_HTTP_META: &str = "panel-plain-http";

/// Set by the server's session check on every request that has a valid admin session.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone)]
pub struct AdminSession {
    pub csrf_token: String,
    /// The client's address (behind a trusted proxy: the forwarded one), for the audit log.
    pub client: String,
    /// An opaque key of this login session (not a secret, never the cookie): per-session limits
    /// such as the paste budget are counted under it.
    pub key: String,
}

/// Facts about how this server is reached, provided as context to every render.
#[derive(Debug, Clone, Default)]
pub struct SiteInfo {
    /// Plain HTTP on a non-loopback address: passwords cross the network in clear.
    pub plain_http_on_network: bool,
}

/// The CSRF token of the current admin session, if there is one.
pub fn csrf_token() -> Option<String> {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<AdminSession>().map(|s| s.csrf_token.clone()))
    }
    #[cfg(not(feature = "ssr"))]
    {
        meta_content(CSRF_META)
    }
}

/// Whether the page was served over plain HTTP on a network address.
pub fn plain_http_on_network() -> bool {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<SiteInfo>().is_some_and(|s| s.plain_http_on_network)
    }
    #[cfg(not(feature = "ssr"))]
    {
        meta_content(PLAIN_HTTP_META).is_some()
    }
}

/// The `content` of `<meta name=…>` in the document.
#[cfg(not(feature = "ssr"))]
pub fn meta_content(name: &str) -> Option<String> {
    let document = web_sys::window()?.document()?;
    let element = document.query_selector(&format!("meta[name=\"{name}\"]")).ok()??;
    element.get_attribute("content").filter(|c| !c.is_empty())
}

/// The session check inside server functions (the router's middleware checked it already; this
/// keeps a server function safe even if it were mounted without that middleware).
#[cfg(feature = "ssr")]
pub fn require_admin() -> Result<AdminSession, crate::error::AppError> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<AdminSession>().cloned())
        .ok_or(crate::error::AppError::LoggedOut)
}
