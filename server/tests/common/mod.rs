//! A panel router on a temp demo state, and a tiny cookie-keeping client that speaks to it with
//! `oneshot` (no socket, no browser): right `Host`, a peer address, the session cookie and the
//! CSRF token, like the panel's own page.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use openclaw_state::StateLocation;
use panel_server::auth::{AuthService, AuthSettings};
use panel_server::{demo, http};
use panel_service::{PanelConfig, PanelService, now_ms};
use secrecy::SecretString;
use tower::ServiceExt;

/// The port the test router believes it listens on.
pub const PORT: u16 = 18785;
/// The `Host` a browser sends for it.
pub const HOST: &str = "127.0.0.1:18785";
/// The monitoring token the test router is built with.
pub const TOKEN: &str = "test-monitoring-token-0123456789";
/// The admin password of a panel made with [`Panel::logged_in`].
pub const PASSWORD: &str = "correct horse battery staple";

/// Every full secret the demo state holds; none may ever reach a response.
pub const DEMO_SECRETS: &[&str] = &[
    demo::DEMO_SETUP_TOKEN,
    "sk-ant-api03-DEMOFAKEDEMOFAKEDEMOFAKE-APIKEY01",
    "eyJhbGciOiJSUzI1NiJ9.DEMOFAKE.DEMOFAKE-ACCESS01",
    "rt_DEMOFAKEDEMOFAKE",
    "ya29.DEMOFAKEDEMOFAKEDEMO-GOOGLE01",
    "xai-DEMOFAKEDEMOFAKEDEMOFAKE-XAITOKEN",
    "sk-proj-DEMOFAKEDEMOFAKEDEMOFAKE-ENVKEY01",
    "sk-or-v1-DEMOFAKEDEMOFAKEDEMOFAKEDEMOFAKE-OPSKEY01",
];

/// One Argon2 hash of [`PASSWORD`] for every test (hashing takes a while in debug builds).
fn password_phc() -> &'static str {
    static PHC: OnceLock<String> = OnceLock::new();
    PHC.get_or_init(|| panel_server::auth::password::hash(&SecretString::from(PASSWORD)).unwrap())
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn location(&self) -> Option<&str> {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok())
    }
}

/// A router over a temp dir, with the client state of one browser.
pub struct Panel {
    pub dir: tempfile::TempDir,
    pub router: axum::Router,
    pub auth: AuthService,
    pub setup_token: Option<SecretString>,
    pub peer: SocketAddr,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
}

impl Panel {
    /// A panel on the demo state. `with_admin`: the password file exists already.
    pub fn build(with_admin: bool, tune: impl FnOnce(&mut AuthSettings)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join(".openclaw");
        demo::seed(&state, now_ms()).unwrap();
        Self::over(dir, &state, with_admin, tune)
    }

    /// A panel over any state dir inside `dir`.
    pub fn over(dir: tempfile::TempDir, state: &Path, with_admin: bool, tune: impl FnOnce(&mut AuthSettings)) -> Self {
        Self::over_with_site(dir, state, with_admin, tune, Default::default())
    }

    /// The same, served as `site` says (e.g. plain HTTP on a network address).
    pub fn over_with_site(
        dir: tempfile::TempDir,
        state: &Path,
        with_admin: bool,
        tune: impl FnOnce(&mut AuthSettings),
        site: app::session::SiteInfo,
    ) -> Self {
        Self::assemble(dir, state, with_admin, tune, site, |groups| groups)
    }

    /// A demo panel with an admin, whose router has routes added to its groups by `extend`.
    pub fn with_routes(extend: impl FnOnce(http::RouteGroups) -> http::RouteGroups) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join(".openclaw");
        demo::seed(&state, now_ms()).unwrap();
        Self::assemble(dir, &state, true, |_| {}, Default::default(), extend)
    }

    fn assemble(
        dir: tempfile::TempDir,
        state: &Path,
        with_admin: bool,
        tune: impl FnOnce(&mut AuthSettings),
        site: app::session::SiteInfo,
        extend: impl FnOnce(http::RouteGroups) -> http::RouteGroups,
    ) -> Self {
        // A built site as scripts/build.sh leaves it: pkg files with precompressed variants.
        let pkg = dir.path().join("site/pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        for (name, body) in [("openclaw-auth-panel.css", "body{}"), ("openclaw-auth-panel.js", "init()")] {
            std::fs::write(pkg.join(name), body).unwrap();
            std::fs::write(pkg.join(format!("{name}.br")), format!("br:{body}")).unwrap();
            std::fs::write(pkg.join(format!("{name}.gz")), format!("gz:{body}")).unwrap();
        }
        std::fs::write(pkg.join("openclaw-auth-panel_bg.wasm"), b"\0asm").unwrap();
        std::fs::write(dir.path().join("site/favicon.svg"), "<svg/>").unwrap();
        let data = dir.path().join("panel-data");
        if with_admin {
            std::fs::create_dir_all(&data).unwrap();
            std::fs::write(data.join("admin-password"), format!("{}\n", password_phc())).unwrap();
        }
        let mut settings = AuthSettings::new(data, false, PORT);
        tune(&mut settings);
        let tls = settings.tls;
        let (auth, setup_token) = AuthService::start(settings).unwrap();
        let service = PanelService::new(PanelConfig {
            location: StateLocation::in_dir(state),
            process_env: Default::default(),
            openclaw_version: None,
            data_dir: Some(dir.path().join("panel-data")),
        });
        let bind = SocketAddr::from(([127, 0, 0, 1], PORT));
        let app = http::PanelApp {
            service,
            options: http::site_options(bind),
            assets: panel_server::assets::Assets::load(&dir.path().join("site")).unwrap(),
            monitoring_token: SecretString::from(TOKEN),
            guard: panel_server::guard::GuardPolicy::for_bind(bind, tls, &[]),
            auth: auth.clone(),
            site,
        };
        let router = extend(http::RouteGroups::new(app)).into_router();
        Self { dir, router, auth, setup_token, peer: "192.0.2.10:40000".parse().unwrap(), cookie: None, csrf: None }
    }

    /// A demo panel with an admin, logged in.
    pub async fn logged_in() -> Self {
        let mut panel = Self::build(true, |_| {});
        panel.login(PASSWORD).await.assert_status(StatusCode::OK);
        panel
    }

    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join(".openclaw")
    }

    /// Sends a request with `Host` (unless set), the peer address, and the cookie (unless set).
    pub async fn send(&mut self, mut request: Request<Body>) -> Reply {
        let headers = request.headers_mut();
        if !headers.contains_key(header::HOST) {
            headers.insert(header::HOST, HOST.parse().unwrap());
        }
        if let Some(cookie) = &self.cookie
            && !headers.contains_key(header::COOKIE)
        {
            headers.insert(header::COOKIE, cookie.parse().unwrap());
        }
        request.extensions_mut().insert(ConnectInfo(self.peer));
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        for set in headers.get_all(header::SET_COOKIE) {
            let set = set.to_str().unwrap();
            let pair = set.split(';').next().unwrap().to_owned();
            // A removal cookie (empty value or Max-Age=0) ends the browser's copy.
            if pair.ends_with('=') || set.contains("Max-Age=0") {
                self.cookie = None;
            } else {
                self.cookie = Some(pair);
            }
        }
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    pub async fn get(&mut self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).unwrap()).await
    }

    /// A same-origin form post, as `fetch` sends it (no navigation).
    pub async fn post_form(&mut self, uri: &str, form: &str) -> Reply {
        let request = Request::post(uri)
            .header("sec-fetch-site", "same-origin")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.to_owned()))
            .unwrap();
        self.send(request).await
    }

    /// The same post as a browser's form submission (answered with redirects).
    pub async fn submit_form(&mut self, uri: &str, form: &str) -> Reply {
        let request = Request::post(uri)
            .header("sec-fetch-site", "same-origin")
            .header("sec-fetch-mode", "navigate")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.to_owned()))
            .unwrap();
        self.send(request).await
    }

    pub async fn login(&mut self, password: &str) -> Reply {
        let form = serde_urlencoded::to_string([("password", password)]).unwrap();
        let reply = self.post_form("/login", &form).await;
        if reply.status == StatusCode::OK {
            self.refresh_csrf().await;
        }
        reply
    }

    /// Reads the CSRF token from the page's `<meta name="csrf-token">`, as the wasm client does.
    pub async fn refresh_csrf(&mut self) {
        let page = self.get("/").await;
        self.csrf = page
            .body
            .split("<meta name=\"csrf-token\" content=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(str::to_owned);
        assert!(
            self.csrf.is_some(),
            "the page of a logged-in admin carries the CSRF token; got {} {:?}: {}",
            page.status,
            page.location(),
            page.body.chars().take(400).collect::<String>()
        );
    }

    /// A server-function call as the hydrated page makes it (same origin, CSRF header).
    pub async fn call(&mut self, endpoint: &str, form: &str) -> Reply {
        self.api(endpoint, "application/x-www-form-urlencoded", form.to_owned()).await
    }

    /// A server-function call with a JSON body (the write functions take JSON).
    pub async fn call_json(&mut self, endpoint: &str, body: serde_json::Value) -> Reply {
        self.api(endpoint, "application/json", body.to_string()).await
    }

    async fn api(&mut self, endpoint: &str, content_type: &str, body: String) -> Reply {
        let mut request = Request::post(format!("/api/{endpoint}"))
            .header("sec-fetch-site", "same-origin")
            .header(header::CONTENT_TYPE, content_type)
            .header(header::ACCEPT, "application/json");
        if let Some(csrf) = &self.csrf {
            request = request.header("x-csrf-token", csrf);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }
}

impl Reply {
    #[track_caller]
    pub fn assert_status(&self, status: StatusCode) -> &Self {
        assert_eq!(self.status, status, "body: {}", self.body);
        self
    }
}

pub fn assert_no_secret(text: &str) {
    for secret in DEMO_SECRETS {
        assert!(!text.contains(secret), "a full secret leaked: {secret}");
    }
}
