//! How long our status takes as installs grow: N agents × M profiles each, era-B JSON files
//! (`auth-profiles.json` + `auth-state.json` with order and usage), read from disk and turned into
//! the `status --json` report of every agent. Prints one JSON line per size (medians over runs),
//! which `scripts/bench.sh` puts into BENCHMARKS.md.
//!
//! Run: `cargo bench -p server --bench status_scale`.

use std::path::Path;
use std::time::Instant;

use openclaw_state::snapshot::ReadOptions;
use openclaw_state::status::build_status;
use openclaw_state::{StateLocation, read_state};
use serde_json::{Map, Value, json};

const NOW: i64 = 1_800_000_000_000;

// The same allocator as the binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn write_state(dir: &Path, agents: usize, profiles: usize) {
    let providers = ["anthropic", "openai", "openrouter", "google", "xai"];
    let mut list = Vec::new();
    for a in 0..agents {
        let id = if a == 0 { "main".to_owned() } else { format!("agent-{a}") };
        list.push(json!({ "id": id }));
        let mut store = Map::new();
        let mut usage = Map::new();
        let mut order: Map<String, Value> = Map::new();
        for p in 0..profiles {
            let provider = providers[p % providers.len()];
            let pid = format!("{provider}:p{p}");
            let secret = format!("sk-bench-{a:04}-{p:04}-0123456789abcdefghijklmnopqrstuvwxyz");
            let cred = match p % 3 {
                0 => {
                    json!({"type": "token", "provider": provider, "token": secret, "expires": NOW + (p as i64 + 1) * 3_600_000})
                }
                1 => json!({"type": "api_key", "provider": provider, "key": secret}),
                _ => {
                    json!({"type": "oauth", "provider": provider, "access": secret, "refresh": "rt", "expires": NOW - 1000, "email": "me@example.com"})
                }
            };
            store.insert(pid.clone(), cred);
            if p % 4 == 0 {
                usage.insert(
                    pid.clone(),
                    json!({"lastUsed": NOW - 60_000, "cooldownUntil": NOW + 60_000, "cooldownReason": "rate_limit"}),
                );
            }
            order.entry(provider.to_owned()).or_insert_with(|| json!([])).as_array_mut().unwrap().push(json!(pid));
        }
        let agent_dir = dir.join("agents").join(&id).join("agent");
        std::fs::create_dir_all(&agent_dir).unwrap();
        std::fs::write(
            agent_dir.join("auth-profiles.json"),
            serde_json::to_vec_pretty(&json!({"version": 1, "profiles": store})).unwrap(),
        )
        .unwrap();
        std::fs::write(
            agent_dir.join("auth-state.json"),
            serde_json::to_vec_pretty(&json!({"version": 1, "order": order, "usageStats": usage})).unwrap(),
        )
        .unwrap();
    }
    let config = json!({
        "meta": {"lastTouchedVersion": "2026.5.28"},
        "agents": {"defaults": {"model": {"primary": "anthropic/claude-opus-4-6", "fallbacks": ["openai/gpt-5.5"]}}, "list": list}
    });
    std::fs::write(dir.join("openclaw.json"), serde_json::to_vec_pretty(&config).unwrap()).unwrap();
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    for (agents, profiles, runs) in [(1, 2, 50), (50, 10, 20), (500, 20, 10)] {
        let dir = tempfile::tempdir().unwrap();
        write_state(dir.path(), agents, profiles);
        let location = StateLocation::in_dir(dir.path());
        let options = ReadOptions { now_ms: NOW, ..Default::default() };
        let mut read_ms = Vec::new();
        let mut total_ms = Vec::new();
        let mut doctor_ms = Vec::new();
        for _ in 0..runs {
            let start = Instant::now();
            let snapshot = read_state(&location, &options);
            read_ms.push(start.elapsed().as_secs_f64() * 1000.0);
            let mut bytes = 0;
            for agent in &snapshot.agents {
                let report = build_status(&snapshot, Some(&agent.id)).unwrap();
                bytes += serde_json::to_vec(&report).unwrap().len();
            }
            total_ms.push(start.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(snapshot.agents.len(), agents);
            assert!(bytes > 0);
            // The native doctor: a fresh read and every check, as the Doctor page runs it.
            let start = Instant::now();
            let snapshot = read_state(&location, &options);
            let report = openclaw_state::doctor::run(&snapshot);
            doctor_ms.push(start.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(report.checks_run, openclaw_state::doctor::CHECKS.len());
        }
        println!(
            "{}",
            json!({
                "agents": agents, "profiles_per_agent": profiles, "runs": runs,
                "read_ms_median": (median(read_ms) * 100.0).round() / 100.0,
                "read_and_status_all_agents_ms_median": (median(total_ms) * 100.0).round() / 100.0,
                "read_and_doctor_ms_median": (median(doctor_ms) * 100.0).round() / 100.0,
            })
        );
    }
}
