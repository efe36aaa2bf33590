//! The whole HTTP surface driven with `oneshot`: no socket, no browser. The state is the demo
//! state (every era, type and status) in a temp dir.

use std::net::SocketAddr;
use std::path::Path;

use app::service::{PanelConfig, PanelService, now_ms};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use openclaw_state::StateLocation;
use panel_server::{demo, http};
use secrecy::SecretString;
use tower::ServiceExt;

/// The port the test router believes it listens on.
const PORT: u16 = 18785;
/// The `Host` a browser sends for it.
const HOST: &str = "127.0.0.1:18785";

/// The monitoring token the test router is built with.
const TOKEN: &str = "test-monitoring-token-0123456789";

/// Every full secret the demo state holds; none may ever reach a response.
const DEMO_SECRETS: &[&str] = &[
    demo::DEMO_SETUP_TOKEN,
    "sk-ant-api03-DEMOFAKEDEMOFAKEDEMOFAKE-APIKEY01",
    "eyJhbGciOiJSUzI1NiJ9.DEMOFAKE.DEMOFAKE-ACCESS01",
    "rt_DEMOFAKEDEMOFAKE",
    "ya29.DEMOFAKEDEMOFAKEDEMO-GOOGLE01",
    "xai-DEMOFAKEDEMOFAKEDEMOFAKE-XAITOKEN",
    "sk-proj-DEMOFAKEDEMOFAKEDEMOFAKE-ENVKEY01",
    "sk-or-v1-DEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKE-OPSKEY01",
];

fn router_for(state_dir: &Path) -> axum::Router {
    let service = PanelService::new(PanelConfig {
        location: StateLocation::in_dir(state_dir),
        process_env: Default::default(),
        openclaw_version: None,
    });
    let site = state_dir.parent().unwrap().join("site");
    let bind = SocketAddr::from(([127, 0, 0, 1], PORT));
    let policy = panel_server::guard::GuardPolicy::for_bind(bind, false, &[]);
    http::router(service, http::site_options(site, bind), SecretString::from(TOKEN), policy)
}

fn demo_router() -> (tempfile::TempDir, axum::Router) {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join(".openclaw");
    demo::seed(&state, now_ms()).unwrap();
    let router = router_for(&state);
    (dir, router)
}

/// Sends a request as the panel's own page would: right `Host`, and `Sec-Fetch-Site: same-origin`
/// on writes (unless the test set those headers itself).
async fn send(router: &axum::Router, mut request: Request<Body>) -> (StatusCode, String) {
    let headers = request.headers_mut();
    if !headers.contains_key(header::HOST) {
        headers.insert(header::HOST, HOST.parse().unwrap());
    }
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn get(router: &axum::Router, uri: &str) -> (StatusCode, String) {
    send(router, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn call_overview(router: &axum::Router, form: &str) -> (StatusCode, String) {
    let request = Request::post("/api/overview")
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .body(Body::from(form.to_owned()))
        .unwrap();
    send(router, request).await
}

fn assert_no_secret(body: &str) {
    for secret in DEMO_SECRETS {
        assert!(!body.contains(secret), "a full secret leaked: {secret}");
    }
}

#[tokio::test]
async fn page_renders_every_agent_with_masks_and_no_secret() {
    let (_dir, router) = demo_router();
    let (status, html) = get(&router, "/").await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        "Agent <code>main</code>",
        "Agent <code>work</code>",
        "era A",
        "era B",
        "era C",
        "sk-ant-o...MAINTOKN",
        "ref(env:OPENROUTER_API_KEY)",
        ".env: OPENAI_API_KEY",
        "/model anthropic/claude-opus-4-6@anthropic:manual",
        "Migration required",
        "invalid_expires",
    ] {
        assert!(html.contains(needle), "page lacks {needle:?}");
    }
    for status in ["ok", "static", "expiring", "expired", "missing"] {
        assert!(html.contains(&format!("data-status=\"{status}\"")), "no {status} row");
    }
    assert!(html.contains("cooldown 4m") || html.contains("cooldown 3m"), "cooldown shown with time left");
    assert!(html.contains("disabled 3h"), "disable shown with time left");
    assert_no_secret(&html);
}

#[tokio::test]
async fn server_function_returns_masked_data_only() {
    let (_dir, router) = demo_router();
    let (status, body) = call_overview(&router, "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let overview: app::views::Overview = serde_json::from_str(&body).unwrap();
    assert_eq!(overview.agent_ids, ["main", "archive", "ops", "work"]);
    let main = &overview.agents[0];
    let anthropic = main.providers.iter().find(|p| p.provider == "anthropic").unwrap();
    assert_eq!(anthropic.next.as_deref(), Some("anthropic:manual"));
    assert_eq!(anthropic.profiles[0].masked, "sk-ant-o...MAINTOKN");
    assert_no_secret(&body);
}

#[tokio::test]
async fn agent_filter_works_and_bad_ids_are_refused() {
    let (_dir, router) = demo_router();
    let (status, body) = call_overview(&router, "agent=work").await;
    assert_eq!(status, StatusCode::OK);
    let overview: app::views::Overview = serde_json::from_str(&body).unwrap();
    assert_eq!(overview.agents.len(), 1);
    assert_eq!(overview.agents[0].id, "work");
    let work_anthropic = &overview.agents[0].providers[0];
    assert_eq!(work_anthropic.effective_order, ["anthropic:work", "anthropic:manual"]);

    let (status, body) = call_overview(&router, "agent=..%2F..%2Fetc").await;
    assert!(status.is_server_error() || status.is_client_error());
    assert!(body.contains("BadAgentId"), "{body}");
    let (_, body) = call_overview(&router, "agent=nobody").await;
    assert!(body.contains("UnknownAgent"), "{body}");

    let (status, html) = get(&router, "/?agent=work").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Agent <code>work</code>") && !html.contains("Agent <code>ops</code>"));
    let (_, html) = get(&router, "/?agent=nobody").await;
    assert!(html.contains("there is no agent"), "error shown in words");
    assert!(!html.contains("panicked") && !html.contains("RUST_BACKTRACE"));
}

#[tokio::test]
async fn missing_state_shows_the_empty_state() {
    let dir = tempfile::tempdir().unwrap();
    let router = router_for(&dir.path().join("missing/.openclaw"));
    let (status, html) = get(&router, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No OpenClaw state found at"), "{html}");
    assert!(html.contains("--state-dir"));
}

#[tokio::test]
async fn broken_files_are_named_and_the_rest_is_shown() {
    let (dir, router) = demo_router();
    let state = dir.path().join(".openclaw");
    std::fs::write(state.join("agents/ops/agent/auth-state.json"), "{\"version\": 1, \"usageStats\": ").unwrap();
    std::fs::write(state.join("agents/work/agent/openclaw-agent.sqlite"), "garbage garbage garbage garbage").unwrap();
    let (status, html) = get(&router, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("auth-state.json is not valid JSON"), "JSON error named");
    assert!(html.contains("openclaw-agent.sqlite") && html.contains("not a database"), "database error named");
    assert!(html.contains("sk-ant-o...MAINTOKN"), "the rest is still shown");
    assert_no_secret(&html);
}

#[tokio::test]
async fn profile_ids_are_escaped() {
    let (dir, router) = demo_router();
    let state = dir.path().join(".openclaw");
    std::fs::write(
        state.join("agents/archive/agent/auth-profiles.json"),
        r#"{"version":1,"profiles":{"x:<script>alert(1)</script>":{"type":"api_key","provider":"x","key":"k-0123456789abcdefgh"}}}"#,
    )
    .unwrap();
    let (_, html) = get(&router, "/").await;
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") || html.contains("&lt;script>alert(1)&lt;/script>"));
}

#[tokio::test]
async fn unknown_pages_are_404() {
    let (_dir, router) = demo_router();
    let (status, html) = get(&router, "/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
}

#[tokio::test]
async fn responses_are_gzipped_when_the_browser_asks() {
    let (_dir, router) = demo_router();
    let request = Request::get("/")
        .header(header::HOST, HOST)
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.headers().get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap()), Some("gzip"));
}

async fn get_with_token(
    router: &axum::Router,
    uri: &str,
    token: Option<&str>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut request = Request::get(uri).header(header::HOST, HOST);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let response = router.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn monitoring_needs_the_bearer_token() {
    let (_dir, router) = demo_router();
    for uri in ["/metrics", "/monitoring/status.json"] {
        let (status, _, _) = get_with_token(&router, uri, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
        let (status, _, _) = get_with_token(&router, uri, Some("wrong-token-wrong-token-wrong-tok")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{uri}");
    }
}

#[tokio::test]
async fn status_json_matches_the_cli_report_and_carries_no_secret() {
    let (_dir, router) = demo_router();
    let (status, headers, body) = get_with_token(&router, "/monitoring/status.json?agent=work", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let report: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(report["agentId"], "work");
    let code = headers.get("x-openclaw-check").unwrap().to_str().unwrap().to_owned();
    assert_eq!(report["panel"]["checkExitCode"].to_string(), code);
    let ids: Vec<&str> = report["auth"]["oauth"]["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["profileId"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"anthropic:work") && ids.contains(&"anthropic:manual"));
    assert_eq!(report["panel"]["effectiveOrder"]["anthropic"]["ids"][0], "anthropic:work");
    assert_no_secret(&body);
    let (status, _, _) = get_with_token(&router, "/monitoring/status.json?agent=..%2Fx", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = get_with_token(&router, "/monitoring/status.json?agent=nobody", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn metrics_expose_expiry_and_status_per_profile_without_masks() {
    let (_dir, router) = demo_router();
    let (status, headers, body) = get_with_token(&router, "/metrics", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/openmetrics-text"));
    for needle in [
        "# TYPE openclaw_auth_profile_expiry_seconds gauge",
        r#"openclaw_auth_profile_status{agent="main",provider="google",profile="google:default",type="token",status="expired"} 1"#,
        r#"openclaw_auth_profile_status{agent="work",provider="anthropic",profile="anthropic:work",type="token",status="expiring"} 1"#,
        r#"openclaw_auth_profile_unusable_seconds{agent="main",provider="anthropic",profile="anthropic:default",kind="cooldown",reason="rate_limit"}"#,
        r#"openclaw_auth_check{agent="main"}"#,
        "openclaw_auth_read_problems 2",
    ] {
        assert!(body.contains(needle), "metrics lack {needle}:\n{body}");
    }
    let line = body
        .lines()
        .find(|l| {
            l.starts_with(
                r#"openclaw_auth_profile_expiry_seconds{agent="main",provider="anthropic",profile="anthropic:manual""#,
            )
        })
        .unwrap();
    let seconds: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!((29.9 * 86400.0..=30.0 * 86400.0).contains(&seconds), "{line}");
    assert_no_secret(&body);
    assert!(!body.contains("..."), "no mask in metrics");
}

/// Sends a raw request and returns status, headers and body.
async fn raw(router: &axum::Router, request: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&bytes).into_owned())
}

/// A server-function call with the given extra headers (a `host` among them replaces ours).
fn overview_post(extra: &[(&str, &str)], body: &str) -> Request<Body> {
    let host = extra.iter().find(|(k, _)| *k == "host").map_or(HOST, |(_, v)| *v);
    let mut request = Request::post("/api/overview")
        .header(header::HOST, host)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, body.len());
    for (k, v) in extra.iter().filter(|(k, _)| *k != "host") {
        request = request.header(*k, *v);
    }
    request.body(Body::from(body.to_owned())).unwrap()
}

#[tokio::test]
async fn cross_origin_and_origin_less_writes_are_refused() {
    let (_dir, router) = demo_router();
    for (headers, expected) in [
        (vec![("sec-fetch-site", "cross-site")], StatusCode::FORBIDDEN),
        // Another port on the same IP (OpenClaw's own UI) is the same site, not the same origin.
        (vec![("sec-fetch-site", "same-site")], StatusCode::FORBIDDEN),
        (vec![], StatusCode::FORBIDDEN),
        (vec![("origin", "http://evil.example:18785")], StatusCode::FORBIDDEN),
        (vec![("origin", "http://127.0.0.1:18789")], StatusCode::FORBIDDEN),
        (vec![("origin", "http://127.0.0.1:18785")], StatusCode::OK),
        (vec![("sec-fetch-site", "same-origin")], StatusCode::OK),
    ] {
        let (status, _, body) = raw(&router, overview_post(&headers, "")).await;
        assert_eq!(status, expected, "{headers:?}: {body}");
    }
}

#[tokio::test]
async fn other_host_names_are_refused_everywhere() {
    let (_dir, router) = demo_router();
    for uri in ["/", "/metrics", "/pkg/openclaw-auth-panel.css", "/no/such/page"] {
        let request = Request::get(uri).header(header::HOST, "rebind.evil.example:18785").body(Body::empty()).unwrap();
        let (status, _, body) = raw(&router, request).await;
        assert_eq!(status, StatusCode::MISDIRECTED_REQUEST, "{uri}");
        assert!(body.contains("--allowed-host"), "{body}");
    }
    let request = overview_post(&[("sec-fetch-site", "same-origin"), ("host", "rebind.evil.example")], "");
    let (status, _, _) = raw(&router, request).await;
    assert_eq!(status, StatusCode::MISDIRECTED_REQUEST);
    let (status, _, _) =
        raw(&router, Request::get("/").header(header::HOST, "localhost:18785").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let (_dir, router) = demo_router();
    let requests = vec![
        Request::get("/").header(header::HOST, HOST).body(Body::empty()).unwrap(),
        Request::get("/no/such/page").header(header::HOST, HOST).body(Body::empty()).unwrap(),
        Request::get("/metrics").header(header::HOST, HOST).body(Body::empty()).unwrap(),
        Request::get("/").header(header::HOST, "evil.example").body(Body::empty()).unwrap(),
        overview_post(&[("sec-fetch-site", "same-origin")], ""),
        overview_post(&[("sec-fetch-site", "cross-site")], ""),
    ];
    for request in requests {
        let uri = request.uri().clone();
        let (_, headers, _) = raw(&router, request).await;
        for (name, value) in [
            ("x-frame-options", "DENY"),
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "no-referrer"),
            ("cache-control", "no-store"),
            ("cross-origin-opener-policy", "same-origin"),
        ] {
            assert_eq!(headers.get(name).map(|v| v.to_str().unwrap()), Some(value), "{uri}: {name}");
        }
        let csp = headers.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
    }
}

#[tokio::test]
async fn the_page_csp_carries_this_responses_nonce() {
    let (_dir, router) = demo_router();
    let (_, headers, html) =
        raw(&router, Request::get("/").header(header::HOST, HOST).body(Body::empty()).unwrap()).await;
    let csp = headers.get("content-security-policy").unwrap().to_str().unwrap().to_owned();
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_owned();
    assert!(nonce.len() >= 16);
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "inline scripts carry the CSP nonce");
    let (_, again, _) = raw(&router, Request::get("/").header(header::HOST, HOST).body(Body::empty()).unwrap()).await;
    assert_ne!(again.get("content-security-policy").unwrap().to_str().unwrap(), csp, "a new nonce per response");
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let (_dir, router) = demo_router();
    let body = format!("agent={}", "a".repeat(http::BODY_LIMIT + 1));
    let (status, _, _) = raw(&router, overview_post(&[("sec-fetch-site", "same-origin")], &body)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}
