//! The panel's live check against OpenClaw's own `models.probe`, on the same provider stand-in
//! on loopback (`tests/fake_provider`): an Anthropic API key that works, and one the provider
//! rate limits (429). Ours: the service's check, 20 runs each (median). OpenClaw's: the real
//! 2026.9.6 gateway's `models.probe` over its RPC, 5 runs when it works, 1 run on a 429 (it
//! retries for minutes). Prints one JSON line for `scripts/bench.sh`.
//!
//! Run: `ORACLE_DIR=… cargo bench -p server --bench probe_vs_openclaw`.

#[path = "../tests/fake_provider/mod.rs"]
mod fake_provider;
#[path = "../tests/real_gateway/mod.rs"]
mod real_gateway;

use std::time::{Duration, Instant};

use fake_provider::FakeProvider;
use panel_service::probes::ProbeSelection;
use serde_json::json;

const TOKEN: &str = "bench-gateway-token-0123456789abcdef";
const PAD: &str = "BENCHBENCHBENCHBENCHBENCHBENCHBENCHBENCH";

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    (v[v.len() / 2] * 10.0).round() / 10.0
}

fn main() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let state = home.join(".openclaw");
    std::fs::create_dir_all(&state).unwrap();
    let provider = FakeProvider::start();
    let port = real_gateway::free_port();
    let config = json!({
        "meta": {"lastTouchedVersion": "2026.9.6"},
        "gateway": {"mode": "local", "port": port, "bind": "loopback", "auth": {"mode": "token", "token": TOKEN}},
        "models": {"providers": {"anthropic": {"baseUrl": provider.base_url(),
            "models": [{"id": "claude-sonnet-4-5", "name": "Claude Sonnet 4.5"}]}}},
        "agents": {"defaults": {"model": {"primary": "anthropic/claude-sonnet-4-5"}, "utilityModel": ""}}
    });
    std::fs::write(state.join("openclaw.json"), serde_json::to_string_pretty(&config).unwrap()).unwrap();
    let service = panel_service::PanelService::new(panel_service::PanelConfig {
        location: openclaw_state::StateLocation::in_dir(&state),
        process_env: Default::default(),
        openclaw_version: None,
        data_dir: None,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let mut gateway = real_gateway::start("2026.9.6", &home, port);
    let target = panel_gateway::GatewayTarget::resolve(
        openclaw_state::config::Config::read(&state.join("openclaw.json")).unwrap().as_ref(),
        &panel_gateway::discover::StateEnv::from_dotenv(Vec::new()),
    );
    let timeouts = panel_gateway::rpc::Timeouts { call: Duration::from_secs(300), ..Default::default() };
    let started = Instant::now();
    let mut client = loop {
        match runtime.block_on(panel_gateway::rpc::GatewayClient::connect(&target, timeouts)) {
            Ok(c) => break c,
            Err(e) => {
                if let Ok(Some(exit)) = gateway.child.try_wait() {
                    panic!("the gateway exited ({exit}): {}", gateway.log());
                }
                assert!(started.elapsed() < Duration::from_secs(150), "{e}");
                std::thread::sleep(Duration::from_millis(500));
            }
        }
    };
    let writer = openclaw_state::write::engine::Writer::new(openclaw_state::StateLocation::in_dir(&state));
    for (name, outcome) in [("works", "OK"), ("busy", "RATE")] {
        let secret = secrecy::SecretString::from(format!("sk-ant-api03-{PAD}-{outcome}"));
        let kind = openclaw_state::write::normalize::SecretKind::ApiKey;
        writer.paste(None, "anthropic", Some(name), kind, &secret, None, false, None).unwrap();
    }
    // The running 2026.9.6 gateway uses a store changed behind its back only after it is told.
    runtime.block_on(panel_gateway::apply::apply_store_change(&target, "main", timeouts, false)).unwrap();
    let ours = |profile: &str| {
        let ms: Vec<f64> = (0..20)
            .map(|_| {
                let selection = ProbeSelection { profile: Some(profile.into()), force: true, ..Default::default() };
                let started = Instant::now();
                let views = runtime.block_on(service.probe("bench", selection)).unwrap();
                assert_eq!(views.len(), 1);
                started.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        median(ms)
    };
    let ours_ok = ours("anthropic:works");
    let ours_429 = ours("anthropic:busy");

    let mut openclaw = |profile: &str| {
        let params = json!({"provider": "anthropic", "profileId": profile, "timeoutMs": 10_000, "agentId": "main"});
        let started = Instant::now();
        let answer = runtime.block_on(client.call("models.probe", params)).unwrap();
        let status = answer.pointer("/results/0/status").or_else(|| answer.get("status"));
        (started.elapsed().as_secs_f64() * 1000.0, status.and_then(|s| s.as_str()).unwrap_or_default().to_owned())
    };
    let runs: Vec<(f64, String)> = (0..5).map(|_| openclaw("anthropic:works")).collect();
    assert!(runs.iter().all(|(_, s)| s == "ok"), "{runs:?}");
    let openclaw_ok = median(runs.iter().map(|(ms, _)| *ms).collect());
    let openclaw_first = runs[0].0;
    let (openclaw_429, status_429) = openclaw("anthropic:busy");
    let requests_429 = provider.seen().iter().filter(|r| r.credential.ends_with("-RATE")).count();
    println!(
        "{}",
        json!({
            "ours_ok_ms": ours_ok,
            "ours_429_ms": ours_429,
            "openclaw_ok_ms": openclaw_ok,
            "openclaw_ok_first_ms": (openclaw_first * 10.0).round() / 10.0,
            "openclaw_429_ms": (openclaw_429 * 10.0).round() / 10.0,
            "openclaw_429_status": status_429,
            "openclaw_429_requests": requests_429,
        })
    );
    drop(gateway);
}
