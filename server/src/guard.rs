//! Request guards every route passes through, whatever its group, before any handler runs (the
//! router applies them outside the route groups, so no route can be added without them):
//! - **Host allow-list** against DNS rebinding: the bind address, `localhost`, `127.0.0.1`,
//!   `[::1]` and names given with `--allowed-host`; anything else is refused (a rebinding page
//!   would otherwise reach the panel with the admin's browser).
//! - **Cross-origin writes**: a request that is not GET/HEAD/OPTIONS must come from this origin:
//!   `Sec-Fetch-Site: same-origin` (or `none`), else an `Origin` on the allow-list; with neither
//!   header it is refused. `SameSite` cookies alone cannot do this: every port of the host is the
//!   same *site* (OpenClaw's Control UI runs on 18789), but not the same *origin*.
//! - **Response headers** on everything: a strict CSP where the page does not set its own (the
//!   page sets one with the per-request nonce), `X-Frame-Options: DENY`, `nosniff`,
//!   `Referrer-Policy: no-referrer`, COOP/CORP, `Permissions-Policy`, `Cache-Control: no-store`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// What the guards allow.
#[derive(Debug, Clone)]
pub struct GuardPolicy {
    /// Host names (without port) the panel answers to.
    pub allowed_hosts: Vec<String>,
    /// The port it listens on (what `Origin` must carry).
    pub port: u16,
    /// Whether it serves HTTPS (the scheme `Origin` must carry).
    pub tls: bool,
}

impl GuardPolicy {
    /// The default list for a bind address plus extra names.
    pub fn for_bind(bind: SocketAddr, tls: bool, extra_hosts: &[String]) -> Self {
        let mut allowed_hosts: Vec<String> = vec!["localhost".into(), "127.0.0.1".into(), "[::1]".into()];
        if !bind.ip().is_unspecified() {
            let ip = match bind.ip() {
                std::net::IpAddr::V6(v6) => format!("[{v6}]"),
                v4 => v4.to_string(),
            };
            allowed_hosts.push(ip);
        }
        for host in extra_hosts {
            let host = host.trim().to_ascii_lowercase();
            if !host.is_empty() && !allowed_hosts.contains(&host) {
                allowed_hosts.push(host);
            }
        }
        Self { allowed_hosts, port: bind.port(), tls }
    }

    fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let name = match host.rsplit_once(':') {
            // `[::1]:18785` or `name:18785`; a bare IPv6 literal has no port outside brackets.
            Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) && !name.ends_with(':') => name.to_owned(),
            _ => host,
        };
        self.allowed_hosts.contains(&name)
    }

    fn origin_allowed(&self, origin: &str) -> bool {
        let scheme = if self.tls { "https://" } else { "http://" };
        let Some(rest) = origin.strip_prefix(scheme) else { return false };
        let default_port = if self.tls { 443 } else { 80 };
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) && !h.ends_with(':') => (h, p.parse().unwrap_or(0)),
            _ => (rest, default_port),
        };
        port == self.port && self.allowed_hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    }
}

fn refuse(status: StatusCode, message: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], message).into_response()
}

/// Refuses requests for other host names and cross-origin writes.
pub async fn check_request(State(policy): State<Arc<GuardPolicy>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    match host {
        Some(host) if policy.host_allowed(host) => {}
        _ => {
            tracing::warn!(host = ?host, "refused a request for a host name that is not allowed");
            return refuse(
                StatusCode::MISDIRECTED_REQUEST,
                "This host name is not allowed. Open the panel by its address, or start it with --allowed-host NAME.\n",
            );
        }
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && !same_origin(&policy, request.headers())
    {
        // The path only: a query string may carry what the admin typed, and logs keep no input.
        tracing::warn!(method = %request.method(), path = request.uri().path(), "refused a cross-origin or origin-less write");
        return refuse(
            StatusCode::FORBIDDEN,
            "Cross-origin request refused: the panel only accepts changes from its own pages.\n",
        );
    }
    next.run(request).await
}

fn same_origin(policy: &GuardPolicy, headers: &HeaderMap) -> bool {
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some("same-origin" | "none") => return true,
        Some(_) => return false,
        None => {}
    }
    headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).is_some_and(|o| policy.origin_allowed(o))
}

/// The CSP of responses that do not set their own (the page sets one with its nonce).
pub const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Adds the fixed security headers to every response.
pub async fn add_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(DEFAULT_CSP));
    }
    for (name, value) in [
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // Static files set their own (`assets.rs`: immutable under the build hash); the rest is
    // never stored.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    headers.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_origins() {
        let p = GuardPolicy::for_bind("127.0.0.1:18785".parse().unwrap(), false, &["Panel.LAN".into()]);
        for ok in ["127.0.0.1:18785", "localhost:18785", "[::1]:18785", "panel.lan", "PANEL.LAN:18785", "127.0.0.1"] {
            assert!(p.host_allowed(ok), "{ok}");
        }
        for bad in ["evil.example:18785", "127.0.0.1.evil.example", "", "10.0.0.5:18785"] {
            assert!(!p.host_allowed(bad), "{bad}");
        }
        assert!(p.origin_allowed("http://127.0.0.1:18785"));
        assert!(p.origin_allowed("http://panel.lan:18785"));
        assert!(!p.origin_allowed("http://127.0.0.1:18789"), "another port is another origin");
        assert!(!p.origin_allowed("https://127.0.0.1:18785"), "another scheme is another origin");
        assert!(!p.origin_allowed("http://evil.example:18785"));
        assert!(!p.origin_allowed("null"));
    }
}
