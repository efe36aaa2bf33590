//! Login latency through the whole router (guards, session layer, rate limit, Argon2id verify,
//! session start), and the latency of a refused login from a locked-out address (which must
//! never reach Argon2). In process with `oneshot`: no TCP. Prints one JSON line that
//! `scripts/bench.sh` puts into BENCHMARKS.md.
//!
//! Run: `cargo bench -p server --bench login`.

use std::net::SocketAddr;
use std::time::Instant;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use openclaw_state::StateLocation;
use panel_server::auth::{AuthService, AuthSettings};
use panel_server::http;
use panel_service::{PanelConfig, PanelService};
use secrecy::SecretString;
use serde_json::json;
use tower::ServiceExt;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PASSWORD: &str = "benchmark admin password";

fn percentile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    (v[i] * 1000.0).round() / 1000.0
}

fn login_request(password: &str, peer: SocketAddr) -> Request<Body> {
    let mut request = Request::post("/login")
        .header(header::HOST, "127.0.0.1:18785")
        .header("sec-fetch-site", "same-origin")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(serde_urlencoded::to_string([("password", password)]).unwrap()))
        .unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    request
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    panel_server::auth::set_password_from(&data, SecretString::from(PASSWORD)).unwrap();
    let (auth, _) = AuthService::start(AuthSettings::new(data, false, 18785)).unwrap();
    let bind = SocketAddr::from(([127, 0, 0, 1], 18785));
    let router = http::router(http::PanelApp {
        service: PanelService::new(PanelConfig {
            location: StateLocation::in_dir(dir.path().join("state")),
            process_env: Default::default(),
            openclaw_version: None,
            data_dir: None,
        }),
        options: http::site_options(bind),
        assets: panel_server::assets::Assets::empty(),
        monitoring_token: SecretString::from("bench-token-bench-token-bench-tok"),
        guard: panel_server::guard::GuardPolicy::for_bind(bind, false, &[]),
        auth: auth.clone(),
        site: Default::default(),
    });

    // Successful logins, each from its own address (the rate limit is per address).
    let runs = 40;
    let mut ok_ms = Vec::new();
    for i in 0..runs {
        let peer = SocketAddr::from(([10, 0, (i / 250) as u8, (i % 250) as u8 + 1], 5000));
        let start = Instant::now();
        let response = router.clone().oneshot(login_request(PASSWORD, peer)).await.unwrap();
        ok_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(response.status(), StatusCode::OK);
    }

    // Lock one address out (5 failures), then time refused attempts.
    let attacker = SocketAddr::from(([192, 0, 2, 66], 6000));
    for _ in 0..5 {
        let response = router.clone().oneshot(login_request("wrong password!!", attacker)).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let argon2_before = auth.argon2_runs();
    let throttled_runs = 200;
    let mut throttled_ms = Vec::new();
    for _ in 0..throttled_runs {
        let start = Instant::now();
        let response = router.clone().oneshot(login_request("wrong password!!", attacker)).await.unwrap();
        throttled_ms.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!(auth.argon2_runs(), argon2_before, "throttled attempts never ran Argon2");

    // A flood of 100 concurrent attempts from one address: all refused, time for all of them.
    let flood = 100;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..flood {
        let router = router.clone();
        tasks.push(tokio::spawn(async move { router.oneshot(login_request("guess guess guess", attacker)).await }));
    }
    let mut refused = 0;
    for task in tasks {
        if task.await.unwrap().unwrap().status() == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
        }
    }
    let flood_ms = start.elapsed().as_secs_f64() * 1000.0;
    assert_eq!(refused, flood);
    assert_eq!(auth.argon2_runs(), argon2_before);

    println!(
        "{}",
        json!({
            "login_runs": runs,
            "login_p50_ms": percentile(ok_ms.clone(), 0.5),
            "login_p99_ms": percentile(ok_ms, 0.99),
            "throttled_runs": throttled_runs,
            "throttled_p50_ms": percentile(throttled_ms.clone(), 0.5),
            "throttled_p99_ms": percentile(throttled_ms, 0.99),
            "flood_requests": flood,
            "flood_total_ms": (flood_ms * 100.0).round() / 100.0,
        })
    );
}
