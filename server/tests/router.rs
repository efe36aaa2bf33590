//! The whole HTTP surface driven with `oneshot`: no socket, no browser. The state is the demo
//! state (every era, type and status) in a temp dir; the client is logged in unless a test says
//! otherwise (the login itself is tested in `auth.rs`).

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{HOST, Panel, Reply, TOKEN, assert_no_secret};
use panel_server::http;

#[tokio::test]
async fn page_renders_every_agent_with_masks_and_no_secret() {
    let mut panel = Panel::logged_in().await;
    let Reply { status, body: html, .. } = panel.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert_no_secret(&html);
    let html = shown(&html);
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
    assert!(html.contains("cooldown 45m") || html.contains("cooldown 44m"), "cooldown shown with time left");
    assert!(html.contains("disabled 3h"), "disable shown with time left");
    assert_no_secret(&html);
}

#[tokio::test]
async fn server_function_returns_masked_data_only() {
    let mut panel = Panel::logged_in().await;
    let Reply { status, body, .. } = panel.call("overview", "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let overview: panel_views::Overview = serde_json::from_str(&body).unwrap();
    assert_eq!(overview.agent_ids, ["main", "archive", "ops", "work"]);
    let main = &overview.agents[0];
    let anthropic = main.providers.iter().find(|p| p.provider == "anthropic").unwrap();
    assert_eq!(anthropic.next.as_deref(), Some("anthropic:manual"));
    assert_eq!(anthropic.profiles[0].masked, "sk-ant-o...MAINTOKN");
    assert_no_secret(&body);
}

#[tokio::test]
async fn agent_filter_works_and_bad_ids_are_refused() {
    let mut panel = Panel::logged_in().await;
    let Reply { status, body, .. } = panel.call("overview", "agent=work").await;
    assert_eq!(status, StatusCode::OK);
    let overview: panel_views::Overview = serde_json::from_str(&body).unwrap();
    assert_eq!(overview.agents.len(), 1);
    assert_eq!(overview.agents[0].id, "work");
    let work_anthropic = &overview.agents[0].providers[0];
    assert_eq!(work_anthropic.effective_order, ["anthropic:work", "anthropic:manual"]);

    let Reply { status, body, .. } = panel.call("overview", "agent=..%2F..%2Fetc").await;
    assert!(status.is_server_error() || status.is_client_error());
    assert!(body.contains("BadAgentId"), "{body}");
    let body = panel.call("overview", "agent=nobody").await.body;
    assert!(body.contains("UnknownAgent"), "{body}");

    let Reply { status, body: html, .. } = panel.get("/?agent=work").await;
    assert_eq!(status, StatusCode::OK);
    let html = shown(&html);
    assert!(html.contains("Agent <code>work</code>") && !html.contains("Agent <code>ops</code>"));
    let html = panel.get("/?agent=nobody").await.body;
    assert!(html.contains("there is no agent"), "error shown in words");
    assert!(!html.contains("panicked") && !html.contains("RUST_BACKTRACE"));
}

#[tokio::test]
async fn missing_state_shows_the_empty_state() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("missing/.openclaw");
    let mut panel = Panel::over(dir, &state, true, |_| {});
    panel.login(common::PASSWORD).await.assert_status(StatusCode::OK);
    let Reply { status, body: html, .. } = panel.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("No OpenClaw state found at"), "{html}");
    assert!(html.contains("--state-dir"));
}

#[tokio::test]
async fn broken_files_are_named_and_the_rest_is_shown() {
    let mut panel = Panel::logged_in().await;
    let state = panel.state_dir();
    std::fs::write(state.join("agents/ops/agent/auth-state.json"), "{\"version\": 1, \"usageStats\": ").unwrap();
    std::fs::write(state.join("agents/work/agent/openclaw-agent.sqlite"), "garbage garbage garbage garbage").unwrap();
    let Reply { status, body: html, .. } = panel.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("auth-state.json is not valid JSON"), "JSON error named");
    assert!(html.contains("openclaw-agent.sqlite") && html.contains("not a database"), "database error named");
    assert!(html.contains("sk-ant-o...MAINTOKN"), "the rest is still shown");
    assert_no_secret(&html);
}

#[tokio::test]
async fn profile_ids_are_escaped() {
    let mut panel = Panel::logged_in().await;
    let state = panel.state_dir();
    std::fs::write(
        state.join("agents/archive/agent/auth-profiles.json"),
        r#"{"version":1,"profiles":{"x:<script>alert(1)</script>":{"type":"api_key","provider":"x","key":"k-0123456789abcdefgh"}}}"#,
    )
    .unwrap();
    let html = panel.get("/").await.body;
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") || html.contains("&lt;script>alert(1)&lt;/script>"));
}

#[tokio::test]
async fn unknown_pages_are_404() {
    let mut panel = Panel::logged_in().await;
    let Reply { status, body: html, .. } = panel.get("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
}

#[tokio::test]
async fn responses_are_gzipped_when_the_browser_asks() {
    let mut panel = Panel::logged_in().await;
    let reply =
        panel.send(Request::get("/").header(header::ACCEPT_ENCODING, "gzip").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.headers.get(header::CONTENT_ENCODING).map(|v| v.to_str().unwrap()), Some("gzip"));
}

async fn get_with_token(panel: &mut Panel, uri: &str, token: Option<&str>) -> Reply {
    let mut request = Request::get(uri).header(header::COOKIE, "none=1");
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    panel.send(request.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn monitoring_needs_the_bearer_token_not_a_session() {
    let mut panel = Panel::build(true, |_| {});
    for uri in ["/metrics", "/monitoring/status.json"] {
        get_with_token(&mut panel, uri, None).await.assert_status(StatusCode::UNAUTHORIZED);
        get_with_token(&mut panel, uri, Some("wrong-token-wrong-token-wrong-tok"))
            .await
            .assert_status(StatusCode::UNAUTHORIZED);
        get_with_token(&mut panel, uri, Some(TOKEN)).await.assert_status(StatusCode::OK);
    }
}

#[tokio::test]
async fn status_json_matches_the_cli_report_and_carries_no_secret() {
    let mut panel = Panel::build(true, |_| {});
    let Reply { status, headers, body } =
        get_with_token(&mut panel, "/monitoring/status.json?agent=work", Some(TOKEN)).await;
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
    get_with_token(&mut panel, "/monitoring/status.json?agent=..%2Fx", Some(TOKEN))
        .await
        .assert_status(StatusCode::BAD_REQUEST);
    get_with_token(&mut panel, "/monitoring/status.json?agent=nobody", Some(TOKEN))
        .await
        .assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn metrics_expose_expiry_and_status_per_profile_without_masks() {
    let mut panel = Panel::build(true, |_| {});
    let Reply { status, headers, body } = get_with_token(&mut panel, "/metrics", Some(TOKEN)).await;
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

/// A server-function call with the given extra headers (a `host` among them replaces ours), with
/// the session cookie and CSRF token of `panel`.
fn overview_post(panel: &Panel, extra: &[(&str, &str)], body: &str) -> Request<Body> {
    let host = extra.iter().find(|(k, _)| *k == "host").map_or(HOST, |(_, v)| *v);
    let mut request = Request::post("/api/overview")
        .header(header::HOST, host)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, body.len());
    if let Some(csrf) = &panel.csrf {
        request = request.header("x-csrf-token", csrf);
    }
    for (k, v) in extra.iter().filter(|(k, _)| *k != "host") {
        request = request.header(*k, *v);
    }
    request.body(Body::from(body.to_owned())).unwrap()
}

#[tokio::test]
async fn cross_origin_and_origin_less_writes_are_refused() {
    let mut panel = Panel::logged_in().await;
    for (headers, expected) in [
        (vec![("sec-fetch-site", "cross-site")], StatusCode::FORBIDDEN),
        // Another port on the same IP (OpenClaw's own UI) is the same site, not the same origin.
        (vec![("sec-fetch-site", "same-site")], StatusCode::FORBIDDEN),
        (vec![], StatusCode::FORBIDDEN),
        (vec![("origin", "http://evil.example:18785")], StatusCode::FORBIDDEN),
        (vec![("origin", "http://127.0.0.1:18789")], StatusCode::FORBIDDEN),
        (vec![("origin", "null")], StatusCode::FORBIDDEN),
        (vec![("origin", "http://127.0.0.1:18785")], StatusCode::OK),
        (vec![("sec-fetch-site", "same-origin")], StatusCode::OK),
    ] {
        let request = overview_post(&panel, &headers, "");
        let reply = panel.send(request).await;
        assert_eq!(reply.status, expected, "{headers:?}: {}", reply.body);
    }
}

#[tokio::test]
async fn other_host_names_are_refused_everywhere() {
    let mut panel = Panel::logged_in().await;
    for uri in ["/", "/login", "/setup", "/metrics", "/pkg/openclaw-auth-panel.css", "/no/such/page"] {
        let request = Request::get(uri).header(header::HOST, "rebind.evil.example:18785").body(Body::empty()).unwrap();
        let reply = panel.send(request).await;
        assert_eq!(reply.status, StatusCode::MISDIRECTED_REQUEST, "{uri}");
        assert!(reply.body.contains("--allowed-host"), "{}", reply.body);
    }
    for uri in ["/login", "/setup", "/logout"] {
        let request = Request::post(uri)
            .header(header::HOST, "rebind.evil.example:18785")
            .header("sec-fetch-site", "same-origin")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("password={}", common::PASSWORD.replace(' ', "+"))))
            .unwrap();
        panel.send(request).await.assert_status(StatusCode::MISDIRECTED_REQUEST);
    }
    let request = overview_post(&panel, &[("sec-fetch-site", "same-origin"), ("host", "rebind.evil.example")], "");
    panel.send(request).await.assert_status(StatusCode::MISDIRECTED_REQUEST);
    let request = Request::get("/").header(header::HOST, "localhost:18785").body(Body::empty()).unwrap();
    panel.send(request).await.assert_status(StatusCode::OK);
}

#[tokio::test]
async fn the_page_names_its_assets_under_the_build_hash_and_they_are_cached_for_good() {
    let mut panel = Panel::logged_in().await;
    let html = panel.get("/").await.body;
    let css = html.split("href=\"").find_map(|rest| rest.split('"').next().filter(|h| h.ends_with(".css"))).unwrap();
    let hash = css.strip_prefix("/pkg/").and_then(|rest| rest.strip_suffix("/openclaw-auth-panel.css")).unwrap();
    assert!(hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()), "{css}");
    assert!(html.contains(&format!("/pkg/{hash}/openclaw-auth-panel.js")), "hydration script under the hash");
    assert!(html.contains(&format!("/pkg/{hash}/openclaw-auth-panel_bg.wasm")), "wasm under the hash");
    let request = Request::get(css).header(header::ACCEPT_ENCODING, "gzip, deflate, br").body(Body::empty()).unwrap();
    let reply = panel.send(request).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, "br:body{}", "the precompressed variant, not compressed again");
    assert_eq!(reply.headers[header::CONTENT_ENCODING], "br");
    assert_eq!(reply.headers[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert_eq!(reply.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "the guard's headers still added");
    // The page itself is never stored.
    assert_eq!(panel.get("/").await.headers[header::CACHE_CONTROL], "no-store");
    panel.get("/pkg/0000000000000000/openclaw-auth-panel.css").await.assert_status(StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_page_csp_carries_this_responses_nonce() {
    let mut panel = Panel::logged_in().await;
    let Reply { headers, body: html, .. } = panel.get("/").await;
    let csp = headers.get("content-security-policy").unwrap().to_str().unwrap().to_owned();
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_owned();
    assert!(nonce.len() >= 16);
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "inline scripts carry the CSP nonce");
    let again = panel.get("/").await;
    assert_ne!(
        again.headers.get("content-security-policy").unwrap().to_str().unwrap(),
        csp,
        "a new nonce per response"
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let mut panel = Panel::logged_in().await;
    let body = format!("agent={}", "a".repeat(http::BODY_LIMIT + 1));
    let request = overview_post(&panel, &[("sec-fetch-site", "same-origin")], &body);
    panel.send(request).await.assert_status(StatusCode::PAYLOAD_TOO_LARGE);
}

/// A route lands in the policy of the group it is added to, whatever its path: nothing names
/// public paths apart from the router's groups.
#[tokio::test]
async fn a_route_gets_the_policy_of_its_group() {
    use axum::routing::get;
    let mut panel = Panel::with_routes(|groups| {
        groups
            .public(axum::Router::new().route("/probe/public", get(|| async { "public" })))
            .protected(axum::Router::new().route("/probe/protected", get(|| async { "protected" })))
            .monitoring(axum::Router::new().route("/probe/monitoring", get(|| async { "monitoring" })))
    });

    let reply = panel.get("/probe/public").await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "public"));
    let reply = panel.get("/probe/protected").await;
    assert_eq!((reply.status, reply.location()), (StatusCode::SEE_OTHER, Some("/login")));
    get_with_token(&mut panel, "/probe/monitoring", None).await.assert_status(StatusCode::UNAUTHORIZED);
    let reply = get_with_token(&mut panel, "/probe/monitoring", Some(TOKEN)).await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "monitoring"));
    // Unknown monitoring paths are the monitoring group's: behind the token, then 404.
    get_with_token(&mut panel, "/monitoring/nosuch", None).await.assert_status(StatusCode::UNAUTHORIZED);
    get_with_token(&mut panel, "/monitoring/nosuch", Some(TOKEN)).await.assert_status(StatusCode::NOT_FOUND);

    panel.login(common::PASSWORD).await.assert_status(StatusCode::OK);
    let reply = panel.get("/probe/protected").await;
    assert_eq!((reply.status, reply.body.as_str()), (StatusCode::OK, "protected"));
    // A session does not open the monitoring group.
    panel.get("/probe/monitoring").await.assert_status(StatusCode::UNAUTHORIZED);
    // Every group still passes the guards outside them.
    let request = Request::get("/probe/public").header(header::HOST, "evil.example").body(Body::empty()).unwrap();
    panel.send(request).await.assert_status(StatusCode::MISDIRECTED_REQUEST);
}

/// The profiles page is kept per session while its state is unchanged (`page_cache.rs`), yet a
/// write shows on the very next load, and every load has its own nonce.
#[tokio::test]
async fn a_kept_profiles_page_has_a_new_nonce_each_time_and_shows_a_write_at_once() {
    let mut panel = Panel::logged_in().await;
    // Past the time a just-written state is not kept; then one load reads it, the next is kept.
    tokio::time::sleep(std::time::Duration::from_millis(openclaw_state::freshness::SETTLE as u64 + 100)).await;
    panel.get("/").await;
    let nonce = |reply: &Reply| {
        let csp = reply.headers["content-security-policy"].to_str().unwrap().to_owned();
        csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_owned()
    };
    let (first, second) = (panel.get("/").await, panel.get("/").await);
    let (a, b) = (nonce(&first), nonce(&second));
    assert_ne!(a, b, "a new nonce per answer, kept page or not");
    assert!(second.body.contains(&format!("nonce=\"{b}\"")), "the inline scripts carry the answer's nonce");
    assert!(!second.body.contains(&a), "no trace of the earlier nonce");
    assert_eq!(first.body.replace(&a, "N"), second.body.replace(&b, "N"), "the same page otherwise");
    assert!(!first.body.contains("groq:cache"));

    let paste = serde_json::json!({"request": {"agent": "main", "provider": "groq", "profile_id": "groq:cache", "kind": "api_key", "secret": "gsk_CacheTest9Pw4Rt8xx", "expires_in": null, "confirmed": true}});
    panel.call_json("paste", paste).await.assert_status(StatusCode::OK);
    let after = panel.get("/").await;
    assert!(after.body.contains("groq:cache"), "the pasted profile shows on the next load");
    assert_no_secret(&after.body);
}

/// The page without Leptos's hydration markers (`<!>` after each dynamic text: the browser shows
/// nothing for them), so a test can look for markup as it is shown.
fn shown(html: &str) -> String {
    html.replace("<!>", "")
}
