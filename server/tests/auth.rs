//! The login, the session and the CSRF token, attacked through the router (no browser): every
//! test here is one line of the attack list in the LAN-security issue.

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{PASSWORD, Panel};
use secrecy::ExposeSecret;

fn setup_form(token: &str, password: &str, confirm: &str) -> String {
    serde_urlencoded::to_string([("token", token), ("password", password), ("confirm", confirm)]).unwrap()
}

#[tokio::test]
async fn without_an_admin_everything_leads_to_setup() {
    let mut panel = Panel::build(false, |_| {});
    for uri in ["/", "/login", "/?agent=work"] {
        let reply = panel.get(uri).await;
        assert_eq!((reply.status, reply.location()), (StatusCode::SEE_OTHER, Some("/setup")), "{uri}");
    }
    let page = panel.get("/setup").await;
    page.assert_status(StatusCode::OK);
    assert!(page.body.contains("Create the admin password") && page.body.contains("name=\"token\""));
    assert!(panel.auth.setup_url_file().parent().unwrap().is_dir());
    panel.login(PASSWORD).await.assert_status(StatusCode::CONFLICT);
}

#[tokio::test]
async fn setup_checks_token_and_password_then_is_gone() {
    let mut panel = Panel::build(false, |_| {});
    let token = panel.setup_token.clone().unwrap();
    let token = token.expose_secret();
    let runs = panel.auth.argon2_runs();

    let reply = panel.post_form("/setup", &setup_form("not-the-token", PASSWORD, PASSWORD)).await;
    reply.assert_status(StatusCode::FORBIDDEN);
    assert!(reply.body.contains("wrong-token"));
    let reply = panel.post_form("/setup", &setup_form(token, "too short", "too short")).await;
    reply.assert_status(StatusCode::BAD_REQUEST);
    assert!(reply.body.contains("at least 12 characters"), "{}", reply.body);
    panel
        .post_form("/setup", &setup_form(token, PASSWORD, "another password"))
        .await
        .assert_status(StatusCode::BAD_REQUEST);
    assert_eq!(panel.auth.argon2_runs(), runs, "refused setups never hash");
    // A browser's form submission gets redirects that carry the reason.
    let reply = panel.submit_form("/setup", &setup_form(token, "short", "short")).await;
    assert_eq!(reply.location(), Some("/setup?error=too-short"));

    let reply = panel.post_form("/setup", &setup_form(token, PASSWORD, PASSWORD)).await;
    reply.assert_status(StatusCode::OK);
    assert!(panel.cookie.is_some(), "setup logs the admin in");
    assert!(!panel.auth.setup_url_file().exists(), "the setup URL file is removed once used");
    let phc = std::fs::read_to_string(panel.dir.path().join("panel-data/admin-password")).unwrap();
    assert!(phc.starts_with("$argon2id$"), "{phc}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(panel.dir.path().join("panel-data/admin-password")).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }
    panel.get("/").await.assert_status(StatusCode::OK);

    // The token again, from this browser or another: gone.
    let reply = panel.post_form("/setup", &setup_form(token, "a different password", "a different password")).await;
    reply.assert_status(StatusCode::GONE);
    panel.cookie = None;
    panel.post_form("/setup", &setup_form(token, PASSWORD, PASSWORD)).await.assert_status(StatusCode::GONE);
    let reply = panel.get("/setup").await;
    assert_eq!(reply.location(), Some("/login"));
}

#[tokio::test]
async fn an_expired_setup_token_is_gone_until_restart() {
    let mut panel = Panel::build(false, |s| s.setup_validity = Duration::ZERO);
    let token = panel.setup_token.clone().unwrap();
    let reply = panel.post_form("/setup", &setup_form(token.expose_secret(), PASSWORD, PASSWORD)).await;
    reply.assert_status(StatusCode::GONE);
    assert!(reply.body.contains("restart the panel"), "{}", reply.body);
    let reply = panel.get("/setup").await;
    assert_eq!(reply.location(), Some("/setup?closed=expired"));
    let page = panel.get("/setup?closed=expired").await;
    page.assert_status(StatusCode::GONE);
    assert!(page.body.contains("Restart the panel"));
    assert!(!page.body.contains("name=\"token\""), "no form on a closed window");
}

#[tokio::test]
async fn the_sixth_failed_login_is_throttled_without_argon2() {
    let mut panel = Panel::build(true, |_| {});
    for attempt in 1..=5 {
        let reply = panel.login("wrong password!").await;
        reply.assert_status(StatusCode::UNAUTHORIZED);
        assert_eq!(reply.body.contains("\"locked\""), attempt == 5, "the fifth failure says the lock started");
    }
    let runs = panel.auth.argon2_runs();
    let started = std::time::Instant::now();
    let reply = panel.login("wrong password!").await;
    reply.assert_status(StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = reply.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!((290..=300).contains(&retry), "{retry}");
    // Even the right password is refused while locked, and Argon2 never ran for either.
    panel.login(PASSWORD).await.assert_status(StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(panel.auth.argon2_runs(), runs, "a throttled login never reaches Argon2");
    eprintln!("throttled login answered in {:?}", started.elapsed());
    let reply = panel.submit_form("/login", "password=x").await;
    assert!(reply.location().unwrap().starts_with("/login?error=locked&retry="), "{:?}", reply.location());

    // Another address is not locked out.
    panel.peer = "192.0.2.99:40000".parse().unwrap();
    panel.login(PASSWORD).await.assert_status(StatusCode::OK);
}

#[tokio::test]
async fn the_rate_limit_refuses_a_flood_before_the_handler() {
    let mut panel = Panel::build(true, |_| {});
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let form = "token=x&password=y&confirm=y";
        statuses.push(panel.post_form("/setup", form).await.status);
    }
    assert!(statuses[..10].iter().all(|s| *s != StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    assert_eq!(statuses[11], StatusCode::TOO_MANY_REQUESTS, "burst of 10 per address: {statuses:?}");
}

#[tokio::test]
async fn pages_and_server_functions_need_a_session_and_writes_the_csrf_token() {
    let mut panel = Panel::build(true, |_| {});
    for uri in ["/", "/?agent=work", "/no/such/page"] {
        let reply = panel.get(uri).await;
        assert_eq!((reply.status, reply.location()), (StatusCode::SEE_OTHER, Some("/login")), "{uri}");
        common::assert_no_secret(&reply.body);
    }
    let reply = panel.call("overview", "").await;
    reply.assert_status(StatusCode::UNAUTHORIZED);
    assert_eq!(reply.body, "\"LoggedOut\"", "the wasm client decodes this as AppError::LoggedOut");

    panel.login(PASSWORD).await.assert_status(StatusCode::OK);
    let csrf = panel.csrf.take().unwrap();
    let reply = panel.call("overview", "").await;
    reply.assert_status(StatusCode::FORBIDDEN);
    assert_eq!(reply.body, "\"StalePage\"");
    panel.csrf = Some(format!("{}x", &csrf[..csrf.len() - 1]));
    panel.call("overview", "").await.assert_status(StatusCode::FORBIDDEN);
    panel.csrf = Some(csrf);
    panel.call("overview", "").await.assert_status(StatusCode::OK);
    let reply = panel.get("/login").await;
    assert_eq!(reply.location(), Some("/"), "a logged-in admin is sent on to the profiles");
}

#[tokio::test]
async fn login_cycles_the_session_id_and_sets_strict_cookie_attributes() {
    let mut panel = Panel::build(true, |_| {});
    panel.cookie = Some("openclaw-panel-18785=planted-by-attacker".into());
    let reply = panel.login(PASSWORD).await;
    let set = reply.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(set.starts_with("openclaw-panel-18785="), "{set}");
    assert!(!set.contains("planted-by-attacker"));
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=1800"] {
        assert!(set.contains(attribute), "{attribute} missing: {set}");
    }
    assert!(!set.contains("Secure"), "plain HTTP: a Secure cookie would be dropped by the browser");

    let before = panel.cookie.clone().unwrap();
    panel.login(PASSWORD).await.assert_status(StatusCode::OK);
    assert_ne!(panel.cookie.clone().unwrap(), before, "a new id at every login");

    let mut tls = Panel::build(true, |s| s.tls = true);
    let reply = tls
        .send(
            Request::post("/login")
                .header("origin", "https://127.0.0.1:18785")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("password={}", PASSWORD.replace(' ', "+"))))
                .unwrap(),
        )
        .await;
    reply.assert_status(StatusCode::OK);
    let set = reply.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(set.starts_with("__Host-openclaw-panel-18785=") && set.contains("Secure"), "{set}");
}

#[tokio::test]
async fn sessions_expire_when_idle() {
    let mut panel = Panel::build(true, |s| s.idle_timeout = Duration::from_secs(1));
    panel.login(PASSWORD).await.assert_status(StatusCode::OK);
    // Activity keeps it alive past the idle limit.
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        panel.get("/").await.assert_status(StatusCode::OK);
    }
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let reply = panel.get("/").await;
    assert_eq!(reply.location(), Some("/login"));
    panel.call("overview", "").await.assert_status(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sessions_end_at_the_absolute_limit_and_after_a_password_reset() {
    let mut panel = Panel::build(true, |s| s.absolute_timeout = Duration::from_secs(1));
    // The bare login post: the harness's page read after it could itself pass the second on a
    // loaded machine.
    let form = serde_urlencoded::to_string([("password", PASSWORD)]).unwrap();
    panel.post_form("/login", &form).await.assert_status(StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(panel.get("/").await.location(), Some("/login?error=expired"));

    let mut panel = Panel::build(true, |_| {});
    panel.login(PASSWORD).await.assert_status(StatusCode::OK);
    panel_server::auth::set_password_from(
        &panel.dir.path().join("panel-data"),
        "a brand new password".to_owned().into(),
    )
    .unwrap();
    assert_eq!(panel.get("/").await.location(), Some("/login?error=expired"));
    panel.login(PASSWORD).await.assert_status(StatusCode::UNAUTHORIZED);
    panel.login("a brand new password").await.assert_status(StatusCode::OK);
}

#[tokio::test]
async fn logout_needs_the_token_and_ends_the_session() {
    let mut panel = Panel::logged_in().await;
    let reply = panel.submit_form("/logout", "csrf=wrong").await;
    reply.assert_status(StatusCode::FORBIDDEN);
    panel.get("/").await.assert_status(StatusCode::OK);
    let old_cookie = panel.cookie.clone();
    let form = format!("csrf={}", panel.csrf.clone().unwrap());
    let reply = panel.submit_form("/logout", &form).await;
    assert_eq!(reply.location(), Some("/login?error=logged-out"));
    assert_eq!(panel.get("/").await.location(), Some("/login"));
    // The old cookie replayed (stolen before logout) is dead too.
    panel.cookie = old_cookie;
    assert_eq!(panel.get("/").await.location(), Some("/login"));
}

#[tokio::test]
async fn cross_site_and_origin_less_logins_are_refused() {
    let mut panel = Panel::build(true, |_| {});
    let form = format!("password={}", PASSWORD.replace(' ', "+"));
    for headers in [vec![("sec-fetch-site", "cross-site")], vec![("origin", "http://evil.example")], vec![]] {
        let mut request = Request::post("/login").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        for (k, v) in &headers {
            request = request.header(*k, *v);
        }
        let reply = panel.send(request.body(Body::from(form.clone())).unwrap()).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{headers:?}");
    }
    assert_eq!(panel.auth.argon2_runs(), 0, "refused before the password was checked");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let mut panel = Panel::build(true, |_| {});
    let mut replies = vec![
        ("login page", panel.get("/login").await),
        ("redirect", panel.get("/").await),
        (
            "wrong host",
            panel.send(Request::get("/").header(header::HOST, "evil.example").body(Body::empty()).unwrap()).await,
        ),
        ("wrong password", panel.login("wrong password!").await),
        ("api without session", panel.call("overview", "").await),
        ("monitoring 401", panel.get("/metrics").await),
    ];
    for _ in 0..4 {
        panel.login("wrong password!").await;
    }
    replies.push(("throttled", panel.login("wrong password!").await));
    panel.peer = "192.0.2.50:1".parse().unwrap();
    replies.push(("login", panel.login(PASSWORD).await));
    replies.push(("page", panel.get("/").await));
    replies.push(("404", panel.get("/no/such/page").await));
    replies.push(("server fn", panel.call("overview", "").await));
    replies.push((
        "cross-site",
        panel
            .send(Request::post("/api/overview").header("sec-fetch-site", "cross-site").body(Body::empty()).unwrap())
            .await,
    ));
    replies.push(("setup gone", panel.post_form("/setup", "token=x&password=y&confirm=y").await));
    let statuses: Vec<u16> = replies.iter().map(|(_, r)| r.status.as_u16()).collect();
    for expected in [200, 303, 401, 403, 404, 410, 421, 429] {
        assert!(statuses.contains(&expected), "{expected} covered: {statuses:?}");
    }
    for (what, reply) in replies {
        for (name, value) in [
            ("x-frame-options", "DENY"),
            ("x-content-type-options", "nosniff"),
            ("referrer-policy", "no-referrer"),
            ("cache-control", "no-store"),
            ("cross-origin-opener-policy", "same-origin"),
        ] {
            assert_eq!(reply.headers.get(name).map(|v| v.to_str().unwrap()), Some(value), "{what}: {name}");
        }
        let csp = reply.headers.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    }
}

#[tokio::test]
async fn agent_ids_that_leave_the_state_dir_are_refused() {
    let mut panel = Panel::logged_in().await;
    for id in ["../../etc", "..", "a/b", "a\0b", "/etc"] {
        let form = serde_urlencoded::to_string([("agent", id)]).unwrap();
        let reply = panel.call("overview", &form).await;
        assert!(reply.status.is_client_error() || reply.status.is_server_error(), "{id:?}");
        assert!(reply.body.contains("BadAgentId"), "{id:?}: {}", reply.body);
        let page = panel.get(&format!("/?{form}")).await;
        assert!(page.body.contains("is not valid"), "{id:?}");
    }
}

#[tokio::test]
async fn plain_http_on_a_network_address_warns_on_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join(".openclaw");
    panel_server::demo::seed(&state, panel_service::now_ms()).unwrap();
    let site = app::session::SiteInfo { plain_http_on_network: true };
    let mut panel = Panel::over_with_site(dir, &state, true, |_| {}, site);
    let login = panel.get("/login").await;
    assert!(login.body.contains("Not encrypted") && login.body.contains("--tls"), "{}", login.body);
    panel.login(PASSWORD).await.assert_status(StatusCode::OK);
    assert!(panel.get("/").await.body.contains("Not encrypted"));

    let mut loopback = Panel::build(true, |_| {});
    assert!(!loopback.get("/login").await.body.contains("Not encrypted"));
}
