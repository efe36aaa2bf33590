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
//! - A kept page is also kept compressed ([`GzipParts`]): each part deflated on its own, so an
//!   answer to a client that takes gzip joins compressed parts around its nonce (a stored block)
//!   instead of compressing the whole page again, which was most of a kept page's server time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::header::{
    ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE, VARY,
};
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
    /// The same parts, deflated one by one.
    gzip: GzipParts,
}

impl PageCache {
    pub fn new(service: PanelService) -> Self {
        Self { service, pages: Arc::default() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Kept>> {
        self.pages.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The kept page for `key` rendered from `generation`, joined with a fresh nonce, gzipped
    /// when the client takes it.
    fn answer(&self, key: &Key, generation: u64, gzip: bool) -> Option<Response> {
        let pages = self.lock();
        let kept = pages.get(key)?;
        if kept.generation != generation || kept.rendered.elapsed() > FRESH {
            return None;
        }
        let nonce = fresh_nonce();
        let csp = HeaderValue::from_str(&app::page_csp(&nonce)).ok()?;
        let body =
            if gzip { kept.gzip.join(&kept.parts, nonce.as_bytes()) } else { join(&kept.parts, nonce.as_bytes()) };
        let mut response = Response::new(Body::from(body));
        let headers = response.headers_mut();
        *headers = kept.headers.clone();
        headers.insert(CONTENT_SECURITY_POLICY, csp);
        headers.append(VARY, HeaderValue::from_static("accept-encoding"));
        if gzip {
            headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
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
        && let Some(response) = cache.answer(&key, generation, accepts_gzip(request.headers()))
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
    let pieces = split(&bytes, nonce.as_bytes());
    // Deflating a large page takes a few milliseconds: off the executor, like file reads.
    let deflated = {
        let pieces = pieces.clone();
        tokio::task::spawn_blocking(move || GzipParts::of(&pieces)).await
    };
    match deflated {
        Ok(gzip) => cache.keep(key, Kept { generation, rendered: Instant::now(), headers, parts: pieces, gzip }),
        Err(e) => tracing::warn!(error = %e, "a page could not be compressed for the page cache; not kept"),
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Whether the request's `Accept-Encoding` takes gzip (named, or `*`, with a weight above 0).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    let (mut named, mut any) = (None, None);
    for value in headers.get_all(ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()) {
        for item in value.split(',') {
            let mut fields = item.split(';');
            let coding = fields.next().unwrap_or_default().trim().to_ascii_lowercase();
            let weight = fields
                .filter_map(|f| f.trim().strip_prefix("q=").or_else(|| f.trim().strip_prefix("Q=")))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            match coding.as_str() {
                "gzip" | "x-gzip" => named = Some(weight > 0.0),
                "*" => any = Some(weight > 0.0),
                _ => {}
            }
        }
    }
    named.or(any).unwrap_or(false)
}

/// A page's parts, each deflated on its own with a full flush: no part refers back into
/// another and each ends on a byte boundary, so deflated parts with stored blocks between them
/// form one deflate stream (RFC 1951 §3.2.3–3.2.4), which a gzip header and trailer wrap
/// (RFC 1952).
struct GzipParts {
    deflated: Vec<Bytes>,
}

impl GzipParts {
    /// Deflate's default level: a page is compressed once per state change and sent many times.
    const LEVEL: u32 = 6;

    fn of(parts: &[Bytes]) -> Self {
        let deflated = parts
            .iter()
            .map(|part| {
                let mut compress = flate2::Compress::new(flate2::Compression::new(Self::LEVEL), false);
                let mut out = Vec::with_capacity(part.len() / 4 + 64);
                loop {
                    let consumed = usize::try_from(compress.total_in()).unwrap_or(usize::MAX);
                    out.reserve(part.len() / 8 + 64);
                    compress
                        .compress_vec(&part[consumed.min(part.len())..], &mut out, flate2::FlushCompress::Full)
                        .expect("deflate into a vector with room cannot fail");
                    // The flush is complete once all input is in and it left room unused.
                    let all_in = usize::try_from(compress.total_in()).unwrap_or(usize::MAX) >= part.len();
                    if all_in && out.len() < out.capacity() {
                        break;
                    }
                }
                Bytes::from(out)
            })
            .collect();
        Self { deflated }
    }

    /// The gzip member of `parts` joined with `nonce` between each two (`parts`: the raw parts
    /// these were deflated from, for the trailer's CRC-32 and length).
    fn join(&self, parts: &[Bytes], nonce: &[u8]) -> Bytes {
        // A stored block holds at most 65,535 bytes; a nonce is 22.
        let nonce_len = u16::try_from(nonce.len()).expect("a nonce is short");
        let mut crc = flate2::Crc::new();
        let size = self.deflated.iter().map(Bytes::len).sum::<usize>() + (nonce.len() + 5) * parts.len() + 23;
        let mut out = Vec::with_capacity(size);
        // ID1 ID2, deflate, no flags, no time, no extra flags, OS unknown.
        out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
        for (i, (raw, deflated)) in parts.iter().zip(&self.deflated).enumerate() {
            if i > 0 {
                // A stored block, not the last: BFINAL 0, BTYPE 00, then LEN and its complement.
                out.push(0);
                out.extend_from_slice(&nonce_len.to_le_bytes());
                out.extend_from_slice(&(!nonce_len).to_le_bytes());
                out.extend_from_slice(nonce);
                crc.update(nonce);
            }
            out.extend_from_slice(deflated);
            crc.update(raw);
        }
        // The last block: empty and stored (BFINAL 1).
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
        out.extend_from_slice(&crc.sum().to_le_bytes());
        out.extend_from_slice(&crc.amount().to_le_bytes());
        out.into()
    }
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

    fn gunzip(gzip: &[u8]) -> Vec<u8> {
        use std::io::Read;
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(gzip).read_to_end(&mut raw).expect("a valid gzip member");
        raw
    }

    #[test]
    fn deflated_parts_joined_around_a_nonce_are_the_gzip_of_the_joined_page() {
        // A page larger than a stored block and than deflate's window, with repeats across the
        // nonce (a part must not refer back into another), the nonce at both ends and twice in a
        // row (empty parts), and a body without any nonce.
        let mut text = String::from("NNNN<html>");
        for i in 0..6000 {
            text.push_str(&format!("<tr data-row=\"{i}\"><td>anthropic:{}</td></tr>", i % 7));
            if i % 1500 == 0 {
                text.push_str("<script nonce=\"NNNN\">x</script>NNNNNNNN");
            }
        }
        text.push_str("NNNN");
        for page in [text.as_str(), "no nonce at all", "NNNN", ""] {
            let page = Bytes::from(page.to_owned());
            let parts = split(&page, b"NNNN");
            let gzip = GzipParts::of(&parts);
            for nonce in [&b"NNNN"[..], b"a-fresh_nonce-of-22-ch"] {
                let joined = gzip.join(&parts, nonce);
                assert_eq!(gunzip(&joined), join(&parts, nonce).to_vec(), "nonce {:?}", String::from_utf8_lossy(nonce));
            }
            if page.len() > 100_000 {
                let sent = gzip.join(&parts, b"a-fresh_nonce-of-22-ch").len();
                assert!(sent * 5 < page.len(), "compressed: {sent} bytes of {}", page.len());
            }
        }
    }

    #[test]
    fn gzip_is_sent_when_the_client_takes_it() {
        let takes = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(ACCEPT_ENCODING, HeaderValue::from_str(value).unwrap());
            accepts_gzip(&headers)
        };
        assert!(takes("gzip, deflate, br, zstd"), "Chromium's");
        assert!(takes("br;q=1.0, GZIP;q=0.5"));
        assert!(takes("*"));
        assert!(takes("x-gzip"));
        assert!(!takes("br"));
        assert!(!takes("identity"));
        assert!(!takes("gzip;q=0, *"), "refused by name, whatever * says");
        assert!(!takes("*;q=0"));
        assert!(!accepts_gzip(&HeaderMap::new()), "no header: as it is");
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
    async fn a_kept_page_goes_gzipped_to_a_client_that_takes_gzip_and_plain_to_one_that_does_not() {
        use tower::ServiceExt;
        let rig = Rig::new();
        rig.settle().await;
        rig.get(Some("a"), "/").await;
        let (_, nonce, plain) = rig.get(Some("a"), "/").await;
        let renders = rig.renders();
        let request = Request::builder()
            .uri("/")
            .header("x-session", "a")
            .header(ACCEPT_ENCODING, "gzip, deflate, br")
            .body(Body::empty())
            .unwrap();
        let response = rig.router.clone().oneshot(request).await.unwrap();
        assert_eq!(rig.renders(), renders, "from the cache");
        assert_eq!(response.headers().get(CONTENT_ENCODING).unwrap(), "gzip");
        assert!(response.headers().get_all(VARY).iter().any(|v| v == "accept-encoding"));
        let gzip_nonce = nonce_of(&response).unwrap();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let page = String::from_utf8(gunzip(&body)).unwrap();
        assert!(page.contains(&format!("nonce=\"{gzip_nonce}\"")), "the policy's nonce is in the page: {page}");
        assert_eq!(page.replace(&gzip_nonce, "N"), plain.replace(&nonce.unwrap(), "N"));
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
