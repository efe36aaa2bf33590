//! A page as last rendered for one admin session, given again while nothing it shows can have
//! changed: rendering the profiles page took most of a page's server time (the state itself is
//! kept by the service's snapshot cache), and a browser, a reload or a monitor asks for the same
//! page again and again.
//!
//! Invariants:
//! - A kept page is given only to the session it was rendered for (the session's opaque key and
//!   the client's address), for the same path and query, never across sessions: the page holds
//!   the session's CSRF token.
//! - It is given only while the state snapshot it was rendered from is still the one the service
//!   keeps ([`PanelService::state_generation`]: no input file changed since) and for at most
//!   [`FRESH`], because the page shows times counted from now (to the minute). A page rendered
//!   while no snapshot was kept is not kept.
//! - Every answer has its own CSP nonce: the page is kept split where the nonce stood, and each
//!   answer joins it with a fresh one and sends the policy that names it.
//! - Only a whole `200` HTML answer to a `GET` is kept; anything else passes through untouched.
//!   At most [`ENTRIES`] pages are kept; the oldest goes first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use panel_service::PanelService;

use app::session::AdminSession;

/// How long a kept page may be given again: the page counts expiries and cooldowns to the
/// minute from the time it is rendered.
pub const FRESH: Duration = Duration::from_secs(1);

/// How many pages are kept (one admin, a few agent filters, a few browsers).
pub const ENTRIES: usize = 16;

/// The largest page kept (the profiles page of the demo state is ~75 KB; 500 agents are more).
const MAX_PAGE: usize = 8 * 1024 * 1024;

/// The cache and the service whose state generation it checks.
#[derive(Clone)]
pub struct PageCache {
    service: PanelService,
    pages: Arc<Mutex<HashMap<Key, Kept>>>,
}

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    session: String,
    client: String,
    path_and_query: String,
}

struct Kept {
    generation: u64,
    rendered: Instant,
    headers: HeaderMap,
    /// The page's HTML split at each occurrence of its nonce.
    parts: Vec<Bytes>,
}

impl PageCache {
    pub fn new(service: PanelService) -> Self {
        Self { service, pages: Arc::default() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Kept>> {
        self.pages.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The kept page for `key` rendered from `generation`, joined with a fresh nonce.
    fn answer(&self, key: &Key, generation: u64) -> Option<Response> {
        let pages = self.lock();
        let kept = pages.get(key)?;
        if kept.generation != generation || kept.rendered.elapsed() > FRESH {
            return None;
        }
        let nonce = fresh_nonce();
        let csp = HeaderValue::from_str(&app::page_csp(&nonce)).ok()?;
        let body = join(&kept.parts, nonce.as_bytes());
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = kept.headers.clone();
        response.headers_mut().insert(CONTENT_SECURITY_POLICY, csp);
        Some(response)
    }

    fn keep(&self, key: Key, kept: Kept) {
        let mut pages = self.lock();
        pages.retain(|_, page| page.rendered.elapsed() <= FRESH);
        if pages.len() >= ENTRIES
            && let Some(oldest) = pages.iter().min_by_key(|(_, page)| page.rendered).map(|(key, _)| key.clone())
        {
            pages.remove(&oldest);
        }
        pages.insert(key, kept);
    }
}

/// Middleware for a page route, inside the session check (it reads the [`AdminSession`] that
/// check adds).
pub async fn cache_page(State(cache): State<PageCache>, request: Request, next: Next) -> Response {
    let Some(session) = request.extensions().get::<AdminSession>() else { return next.run(request).await };
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let key = Key {
        session: session.key.clone(),
        client: session.client.clone(),
        path_and_query: request.uri().path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default(),
    };
    let generation = cache.service.state_generation().await;
    if let Some(generation) = generation
        && let Some(response) = cache.answer(&key, generation)
    {
        return response;
    }
    let response = next.run(request).await;
    let Some(generation) = generation else { return response };
    let Some(nonce) = nonce_of(&response) else { return response };
    let is_html =
        response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if response.status() != StatusCode::OK || !is_html {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_PAGE).await {
        Ok(bytes) => bytes,
        Err(e) => {
            // The page was larger than kept pages may be, or its rendering failed midway: the
            // body is gone, so say so rather than send half a page.
            tracing::warn!(error = %e, "a page could not be read whole for the page cache");
            return Response::builder()
                .status(StatusCode::INTERNAL_SERVER_ERROR)
                .body(Body::from("The page could not be rendered. Reload it; the server log says why."))
                .unwrap_or_default();
        }
    };
    let mut headers = parts.headers.clone();
    headers.remove(CONTENT_LENGTH);
    headers.remove(CONTENT_SECURITY_POLICY);
    cache.keep(key, Kept { generation, rendered: Instant::now(), headers, parts: split(&bytes, nonce.as_bytes()) });
    Response::from_parts(parts, Body::from(bytes))
}

/// The nonce the page's policy names (`'nonce-…'` in its CSP header).
fn nonce_of(response: &Response) -> Option<String> {
    let policy = response.headers().get(CONTENT_SECURITY_POLICY)?.to_str().ok()?;
    let start = policy.find("'nonce-")? + "'nonce-".len();
    let len = policy[start..].find('\'')?;
    let nonce = &policy[start..start + len];
    // Only a value as Leptos makes them (128 random bits, base64url): a short one could match
    // the page's text elsewhere.
    (nonce.len() >= 22 && nonce.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .then(|| nonce.to_owned())
}

/// A nonce as Leptos makes them: 16 random bytes, base64url without padding.
fn fresh_nonce() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// `page` cut at every occurrence of `nonce` (the nonce left out).
fn split(page: &Bytes, nonce: &[u8]) -> Vec<Bytes> {
    let mut parts = Vec::new();
    let mut from = 0;
    let mut at = 0;
    while at + nonce.len() <= page.len() {
        if page[at..].starts_with(nonce) {
            parts.push(page.slice(from..at));
            at += nonce.len();
            from = at;
        } else {
            at += 1;
        }
    }
    parts.push(page.slice(from..));
    parts
}

/// The parts joined with `nonce` between each two.
fn join(parts: &[Bytes], nonce: &[u8]) -> Bytes {
    let len = parts.iter().map(Bytes::len).sum::<usize>() + nonce.len() * parts.len().saturating_sub(1);
    let mut page = Vec::with_capacity(len);
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            page.extend_from_slice(nonce);
        }
        page.extend_from_slice(part);
    }
    page.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_split_at_its_nonce_joins_with_another() {
        let page =
            Bytes::from_static(b"<script nonce=\"AAAA\">x</script><p>AAA</p><script nonce=\"AAAA\"></script>AAAA");
        let parts = split(&page, b"AAAA");
        assert_eq!(parts.len(), 4, "three nonces, four parts");
        assert_eq!(join(&parts, b"AAAA"), page, "joined with the same nonce: the same page");
        assert_eq!(
            join(&parts, b"BBBBBB"),
            Bytes::from_static(
                b"<script nonce=\"BBBBBB\">x</script><p>AAA</p><script nonce=\"BBBBBB\"></script>BBBBBB"
            )
        );
        assert_eq!(split(&Bytes::from_static(b"no nonce here"), b"AAAA").len(), 1);
    }

    #[test]
    fn fresh_nonces_look_like_leptos_ones_and_differ() {
        let (a, b) = (fresh_nonce(), fresh_nonce());
        assert_eq!(a.len(), 22);
        assert_ne!(a, b);
        let mut response = Response::new(Body::empty());
        response.headers_mut().insert(CONTENT_SECURITY_POLICY, HeaderValue::from_str(&app::page_csp(&a)).unwrap());
        assert_eq!(nonce_of(&response), Some(a), "the policy names the nonce");
        response.headers_mut().insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static("script-src 'nonce-abc'"));
        assert_eq!(nonce_of(&response), None, "a short nonce could match the page's text: not used");
    }

    /// A router like the panel's: a page handler that counts its renders and answers with a
    /// nonce in its policy and body, behind the cache, behind a stand-in for the session check.
    struct Rig {
        router: axum::Router,
        renders: Arc<std::sync::atomic::AtomicUsize>,
        state: tempfile::TempDir,
    }

    impl Rig {
        fn new() -> Self {
            let state = tempfile::tempdir().unwrap();
            let agent = state.path().join("agents/main/agent");
            std::fs::create_dir_all(&agent).unwrap();
            std::fs::write(agent.join("auth-profiles.json"), r#"{"version":1,"profiles":{}}"#).unwrap();
            let service = PanelService::new(panel_service::PanelConfig {
                location: openclaw_state::StateLocation::in_dir(state.path()),
                process_env: Default::default(),
                openclaw_version: None,
                data_dir: None,
            });
            let renders = Arc::new(std::sync::atomic::AtomicUsize::new(0));
            let page = {
                let (renders, service) = (renders.clone(), service.clone());
                move |uri: axum::http::Uri| async move {
                    let n = renders.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    // The page reads the state as the real one does (the kept snapshot).
                    let _ = service.snapshot().await;
                    let nonce = fresh_nonce();
                    let status = if uri.query() == Some("fail") { StatusCode::NOT_FOUND } else { StatusCode::OK };
                    let mut response =
                        Response::new(Body::from(format!("<script nonce=\"{nonce}\">render {n}</script>{uri}")));
                    *response.status_mut() = status;
                    let headers = response.headers_mut();
                    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
                    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_str(&app::page_csp(&nonce)).unwrap());
                    response
                }
            };
            let router = axum::Router::new()
                .route("/", axum::routing::get(page))
                .layer(axum::middleware::from_fn_with_state(PageCache::new(service), cache_page))
                .layer(axum::middleware::from_fn(|mut request: Request, next: Next| async move {
                    // The session check's extension, from a test header.
                    if let Some(key) = request.headers().get("x-session").and_then(|v| v.to_str().ok()) {
                        let session =
                            AdminSession { csrf_token: String::new(), client: "127.0.0.1".into(), key: key.to_owned() };
                        request.extensions_mut().insert(session);
                    }
                    next.run(request).await
                }));
            Self { router, renders, state }
        }

        fn renders(&self) -> usize {
            self.renders.load(std::sync::atomic::Ordering::SeqCst)
        }

        /// The page for `session` at `uri`: status, the policy's nonce, the body.
        async fn get(&self, session: Option<&str>, uri: &str) -> (StatusCode, Option<String>, String) {
            use tower::ServiceExt;
            let mut request = Request::builder().uri(uri);
            if let Some(session) = session {
                request = request.header("x-session", session);
            }
            let response = self.router.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
            let status = response.status();
            let nonce = nonce_of(&response);
            let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
            (status, nonce, String::from_utf8(body.to_vec()).unwrap())
        }

        /// Past the time a just-written state is not trusted, so the next read is kept.
        async fn settle(&self) {
            tokio::time::sleep(Duration::from_millis(openclaw_state::freshness::SETTLE as u64 + 100)).await;
        }
    }

    #[tokio::test]
    async fn a_settled_page_is_given_again_to_its_session_with_a_new_nonce_until_it_may_be_stale() {
        let rig = Rig::new();
        rig.get(Some("a"), "/").await;
        rig.get(Some("a"), "/").await;
        assert_eq!(rig.renders(), 2, "a state just written is not kept, nor the page rendered from it");
        rig.settle().await;
        // This render reads the settled state, which is kept from now on; the next one is kept.
        rig.get(Some("a"), "/").await;
        let (status, first_nonce, first) = rig.get(Some("a"), "/").await;
        assert_eq!(status, StatusCode::OK);
        let renders = rig.renders();
        let (_, nonce, again) = rig.get(Some("a"), "/").await;
        assert_eq!(rig.renders(), renders, "the same session's second request is answered from the cache");
        let (first_nonce, nonce) = (first_nonce.unwrap(), nonce.unwrap());
        assert_ne!(first_nonce, nonce, "each answer has its own nonce");
        assert!(again.contains(&format!("nonce=\"{nonce}\"")), "the body carries the policy's nonce: {again}");
        assert_eq!(again.replace(&nonce, "N"), first.replace(&first_nonce, "N"), "otherwise the same page");

        rig.get(Some("b"), "/").await;
        assert_eq!(rig.renders(), renders + 1, "another session gets its own render");
        rig.get(Some("a"), "/?agent=main").await;
        assert_eq!(rig.renders(), renders + 2, "another query is another page");
        rig.get(None, "/").await;
        rig.get(None, "/").await;
        assert_eq!(rig.renders(), renders + 4, "without a session nothing is kept");
        rig.get(Some("a"), "/?fail").await;
        rig.get(Some("a"), "/?fail").await;
        assert_eq!(rig.renders(), renders + 6, "only a 200 page is kept");

        tokio::time::sleep(FRESH + Duration::from_millis(100)).await;
        rig.get(Some("a"), "/").await;
        assert_eq!(rig.renders(), renders + 7, "a page older than FRESH is rendered again");
    }

    #[tokio::test]
    async fn a_changed_state_file_is_rendered_again_at_once() {
        let rig = Rig::new();
        rig.settle().await;
        rig.get(Some("a"), "/").await;
        rig.get(Some("a"), "/").await;
        assert_eq!(rig.renders(), 2, "the first read after settling is kept from the next request on");
        rig.get(Some("a"), "/").await;
        assert_eq!(rig.renders(), 2);
        let file = rig.state.path().join("agents/main/agent/auth-profiles.json");
        std::fs::write(
            &file,
            r#"{"version":1,"profiles":{"anthropic:a":{"type":"api_key","provider":"anthropic","key":"x"}}}"#,
        )
        .unwrap();
        rig.get(Some("a"), "/").await;
        assert_eq!(rig.renders(), 3, "a state file changed: the page is rendered again");
    }
}
