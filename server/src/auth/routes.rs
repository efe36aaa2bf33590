//! The login on the web: `POST /login`, `POST /setup`, `POST /logout`, and the two middlewares
//! the router composes into its route groups: [`require_session`] (the protected group: session,
//! and the CSRF token for server-function writes) and [`redirect_auth_page`] (the public login
//! and setup pages).
//!
//! Invariant: nothing here decides *whether* a path is public; the router does, by the group a
//! route is registered in. A route added to the protected group is guarded by construction.
//!
//! The forms are plain HTML forms. A browser's form submission (`Sec-Fetch-Mode: navigate`) is
//! answered with a redirect (post/redirect/get: the page then shows what happened, and reload does
//! not resubmit); any other client gets the status code and a JSON body: 401 wrong password,
//! 429 throttled (with `Retry-After`), 410 setup closed, 400 bad input, 403 wrong token.

use std::net::SocketAddr;
use std::sync::Arc;

use app::error::AppError;
use app::session::{AdminSession, CSRF_HEADER};
use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use secrecy::SecretString;
use serde::Deserialize;
use tower_governor::GovernorLayer;
use tower_governor::governor::GovernorConfigBuilder;
use tower_sessions::Session;

use super::session::{self as admin_session, NoSession};
use super::setup_window::SetupRefusal;
use super::{AuthError, AuthService};

/// `POST /login`, `/setup` and `/logout`. Login and setup are rate-limited per client address
/// (burst of 10, then one every 6 s) before anything else runs; failures are counted on top.
pub fn routes(auth: AuthService) -> Router {
    let governor = Arc::new(
        GovernorConfigBuilder::default()
            .key_extractor(auth.clients().clone())
            .per_second(6)
            .burst_size(10)
            .finish()
            .expect("a valid rate-limit configuration"),
    );
    Router::new()
        .route("/login", post(login).layer(GovernorLayer::new(governor.clone())))
        .route("/setup", post(setup).layer(GovernorLayer::new(governor)))
        .route("/logout", post(logout))
        .with_state(auth)
}

#[derive(Deserialize)]
struct LoginForm {
    password: SecretString,
}

#[derive(Deserialize)]
struct SetupForm {
    token: String,
    password: SecretString,
    confirm: SecretString,
}

#[derive(Deserialize, Default)]
struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

/// How to answer: a browser's form navigation gets redirects, everything else status codes.
fn is_navigation(headers: &HeaderMap) -> bool {
    headers.get("sec-fetch-mode").is_some_and(|v| v == "navigate")
}

fn peer(request: &Request) -> Option<SocketAddr> {
    request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0)
}

async fn form_body<T: serde::de::DeserializeOwned>(request: Request) -> Option<T> {
    let bytes = axum::body::to_bytes(request.into_body(), crate::limits::BODY_LIMIT).await.ok()?;
    serde_urlencoded::from_bytes(&bytes).ok()
}

fn see_other(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location.to_owned())]).into_response()
}

/// A refusal as JSON: `{"error": code, "message": text, "retryAfterSeconds": n}`.
fn json_refusal(status: StatusCode, code: &str, message: &str, retry: Option<u64>) -> Response {
    let mut body = serde_json::json!({ "error": code, "message": message });
    if let Some(secs) = retry {
        body["retryAfterSeconds"] = secs.into();
    }
    let mut response = (status, axum::Json(body)).into_response();
    if let Some(secs) = retry
        && let Ok(value) = HeaderValue::from_str(&secs.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// Status, code and retry time of an auth error (the message is its Display, which never holds
/// a secret; storage details go to the log only).
fn classify(error: &AuthError) -> (StatusCode, &'static str, Option<u64>) {
    match error {
        AuthError::WrongPassword { locked_for: Some(d) } => (StatusCode::UNAUTHORIZED, "locked", Some(d.as_secs())),
        AuthError::WrongPassword { locked_for: None } => (StatusCode::UNAUTHORIZED, "wrong", None),
        AuthError::Throttled { retry_after } => {
            (StatusCode::TOO_MANY_REQUESTS, "locked", Some(retry_after.as_secs().max(1)))
        }
        AuthError::NoAdmin => (StatusCode::CONFLICT, "no-admin", None),
        AuthError::AdminExists => (StatusCode::GONE, "used", None),
        AuthError::Setup(SetupRefusal::WrongToken) => (StatusCode::FORBIDDEN, "wrong-token", None),
        AuthError::Setup(SetupRefusal::Used) => (StatusCode::GONE, "used", None),
        AuthError::Setup(SetupRefusal::Expired) => (StatusCode::GONE, "expired", None),
        AuthError::Setup(SetupRefusal::NeverOpened) => (StatusCode::GONE, "never", None),
        AuthError::Policy(p) => (StatusCode::BAD_REQUEST, p.code(), None),
        AuthError::Storage(_) => (StatusCode::INTERNAL_SERVER_ERROR, "server", None),
    }
}

fn client_message(error: &AuthError) -> String {
    match error {
        AuthError::Storage(e) => {
            tracing::error!(error = %e, "login storage failure");
            "the panel could not read or write its password file; the server log has the details".to_owned()
        }
        other => other.to_string(),
    }
}

async fn login(State(auth): State<AuthService>, session: Session, request: Request) -> Response {
    let navigate = is_navigation(request.headers());
    let client = auth.clients().resolve(peer(&request), request.headers());
    let form: Option<LoginForm> = form_body(request).await;
    let (Some(client), Some(form)) = (client, form) else {
        return if navigate {
            see_other("/login?error=bad-request")
        } else {
            json_refusal(StatusCode::BAD_REQUEST, "bad-request", "send the form field `password`", None)
        };
    };
    match auth.login(client, form.password).await {
        Ok(epoch) => start_session(&session, epoch, navigate).await,
        Err(AuthError::NoAdmin) if navigate => see_other("/setup"),
        Err(error) => {
            let (status, code, retry) = classify(&error);
            if navigate {
                see_other(&with_retry(&format!("/login?error={code}"), retry))
            } else {
                json_refusal(status, code, &client_message(&error), retry)
            }
        }
    }
}

async fn setup(State(auth): State<AuthService>, session: Session, request: Request) -> Response {
    let navigate = is_navigation(request.headers());
    let client = auth.clients().resolve(peer(&request), request.headers());
    let form: Option<SetupForm> = form_body(request).await;
    let (Some(client), Some(form)) = (client, form) else {
        return if navigate {
            see_other("/setup?error=bad-request")
        } else {
            json_refusal(
                StatusCode::BAD_REQUEST,
                "bad-request",
                "send the form fields `token`, `password`, `confirm`",
                None,
            )
        };
    };
    match auth.setup(client, &form.token, form.password, form.confirm).await {
        Ok(epoch) => start_session(&session, epoch, navigate).await,
        Err(error) => {
            let (status, code, retry) = classify(&error);
            if navigate {
                let location = match &error {
                    AuthError::AdminExists | AuthError::Setup(SetupRefusal::Used | SetupRefusal::NeverOpened) => {
                        "/login".to_owned()
                    }
                    AuthError::Setup(SetupRefusal::Expired) => "/setup?closed=expired".to_owned(),
                    _ => with_retry(&format!("/setup?error={code}"), retry),
                };
                see_other(&location)
            } else {
                json_refusal(status, code, &client_message(&error), retry)
            }
        }
    }
}

fn with_retry(location: &str, retry: Option<u64>) -> String {
    match retry {
        Some(secs) => format!("{location}&retry={secs}"),
        None => location.to_owned(),
    }
}

async fn start_session(session: &Session, epoch: super::CredentialEpoch, navigate: bool) -> Response {
    if let Err(e) = admin_session::begin(session, epoch).await {
        tracing::error!(error = %e, "cannot start a session");
        return json_refusal(StatusCode::INTERNAL_SERVER_ERROR, "server", "cannot start a session", None);
    }
    if navigate {
        see_other("/")
    } else {
        (StatusCode::OK, axum::Json(serde_json::json!({ "ok": true, "redirect": "/" }))).into_response()
    }
}

async fn logout(State(auth): State<AuthService>, session: Session, request: Request) -> Response {
    let navigate = is_navigation(request.headers());
    let header_token = request.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let form: LogoutForm = form_body(request).await.unwrap_or_default();
    let given = header_token.unwrap_or(form.csrf);
    match admin_session::current(&session, &auth).await {
        Ok(data) if token_eq(&data.csrf, &given) => {
            admin_session::end(&session).await;
            tracing::info!("admin logged out");
            let mut response = if navigate {
                see_other("/login?error=logged-out")
            } else {
                (StatusCode::OK, axum::Json(serde_json::json!({ "ok": true, "redirect": "/login" }))).into_response()
            };
            expire_cookie(&mut response, &auth);
            response
        }
        Ok(_) => json_refusal(
            StatusCode::FORBIDDEN,
            "stale-page",
            "the logout form is out of date; reload the page and log out again",
            None,
        ),
        Err(_) if navigate => see_other("/login"),
        Err(_) => json_refusal(StatusCode::UNAUTHORIZED, "logged-out", "no session", None),
    }
}

/// Tells the browser to drop the session cookie. tower-sessions sends a removal cookie too, but
/// built from the request's cookie, without `Secure`, which a browser refuses for a `__Host-`
/// name; this one carries the attributes the cookie was set with.
fn expire_cookie(response: &mut Response, auth: &AuthService) {
    let settings = auth.settings();
    let secure = if settings.tls { "; Secure" } else { "" };
    let value = format!(
        "{}=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict{secure}",
        admin_session::cookie_name(settings)
    );
    if let Ok(value) = HeaderValue::from_str(&value) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

fn token_eq(expected: &str, given: &str) -> bool {
    use subtle::ConstantTimeEq;
    expected.len() == given.len() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

fn server_fn_refusal(status: StatusCode, error: AppError) -> Response {
    let body = serde_json::to_string(&error).unwrap_or_else(|_| "\"Internal\"".into());
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Who a protected route answers, which decides how a refusal is worded: a page request is sent
/// to the login (or setup) page, a server-function call gets the JSON error the wasm client
/// decodes. The router picks it per route group, so no handler looks at the path to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Pages (and unknown paths): redirects for GET, 401 text otherwise.
    Page,
    /// Server functions: `AppError` JSON, and writes need the session's CSRF token.
    ServerFn,
}

/// The session layer of the protected group: the request needs a valid admin session, and a
/// server-function write the session's CSRF token in `X-CSRF-Token`. On success the handler
/// finds an [`AdminSession`] in the request's extensions.
pub async fn require_session(
    State((auth, audience)): State<(AuthService, Audience)>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let is_get = matches!(*request.method(), Method::GET | Method::HEAD);
    let data = match admin_session::current(&session, &auth).await {
        Ok(data) => data,
        Err(why) => {
            let mut response = refuse_without_session(&auth, audience, is_get, why);
            if why == NoSession::Ended {
                expire_cookie(&mut response, &auth);
            }
            return response;
        }
    };
    if audience == Audience::ServerFn && !is_get {
        let given = request.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !token_eq(&data.csrf, given) {
            tracing::warn!(
                path = request.uri().path(),
                "refused a server-function call without this session's CSRF token"
            );
            return server_fn_refusal(StatusCode::FORBIDDEN, AppError::StalePage);
        }
    }
    let client = auth
        .clients()
        .resolve(peer(&request), request.headers())
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".to_owned());
    // The session's key for per-session limits: a digest of its CSRF token, which is made per
    // login and never leaves the server in this form.
    let key = {
        use sha2::{Digest, Sha256};
        Sha256::digest(format!("session-key:{}", data.csrf)).iter().take(12).map(|b| format!("{b:02x}")).collect()
    };
    request.extensions_mut().insert(AdminSession { csrf_token: data.csrf, client, key });
    next.run(request).await
}

fn refuse_without_session(auth: &AuthService, audience: Audience, is_get: bool, why: NoSession) -> Response {
    if audience == Audience::ServerFn {
        return server_fn_refusal(StatusCode::UNAUTHORIZED, AppError::LoggedOut);
    }
    if !is_get {
        return (StatusCode::UNAUTHORIZED, "Log in first.\n").into_response();
    }
    match auth.epoch() {
        Ok(None) => see_other("/setup"),
        _ if why == NoSession::Ended => see_other("/login?error=expired"),
        _ => see_other("/login"),
    }
}

/// The two pages reachable without a session. Each sends the visitor on when it is the wrong
/// page for the panel's state (see [`redirect_auth_page`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthPage {
    Login,
    Setup,
}

impl AuthPage {
    pub const ALL: [AuthPage; 2] = [AuthPage::Login, AuthPage::Setup];

    /// The page's route in the app's `<Routes>`.
    pub fn path(self) -> &'static str {
        match self {
            AuthPage::Login => "/login",
            AuthPage::Setup => "/setup",
        }
    }
}

/// The route layer of the login and setup pages: `GET /login` with a session goes to the
/// profiles; without an admin, to setup. `GET /setup` with an admin goes to login; with the
/// window closed, to the page that says why (410).
pub async fn redirect_auth_page(
    State((auth, page)): State<(AuthService, AuthPage)>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD) {
        let query = request.uri().query().unwrap_or("");
        if let Some(redirect) = auth_page_redirect(&auth, &session, query, page).await {
            return redirect;
        }
    }
    next.run(request).await
}

async fn auth_page_redirect(auth: &AuthService, session: &Session, query: &str, page: AuthPage) -> Option<Response> {
    let has_admin = match auth.epoch() {
        Ok(epoch) => epoch.is_some(),
        Err(e) => {
            tracing::error!(error = %e, "cannot read the password file");
            return Some(
                (StatusCode::INTERNAL_SERVER_ERROR, Body::from(format!("{}\n", client_message(&e)))).into_response(),
            );
        }
    };
    match page {
        AuthPage::Login if !has_admin => Some(see_other("/setup")),
        AuthPage::Login if admin_session::current(session, auth).await.is_ok() => Some(see_other("/")),
        AuthPage::Login => None,
        AuthPage::Setup if has_admin => Some(see_other("/login")),
        AuthPage::Setup => match auth.setup_closed() {
            Some(reason) if !query.contains("closed=") => Some(see_other(&format!(
                "/setup?closed={}",
                match reason {
                    SetupRefusal::Expired => "expired",
                    SetupRefusal::Used => "used",
                    _ => "never",
                }
            ))),
            _ => None,
        },
    }
}
