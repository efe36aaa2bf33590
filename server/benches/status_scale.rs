//! How long our status and doctor take as installs grow: N agents × M profiles each, read from
//! disk and turned into the `status --json` report of every agent, or every doctor check.
//! - era B: JSON files (`auth-profiles.json` + `auth-state.json` with order and usage);
//! - era C: one SQLite database per agent as OpenClaw 2026.9.6 writes them: its own database
//!   (from the fixture it wrote, with its whole schema) grown by our write engine's pastes (which
//!   the oracle tests hold to OpenClaw's own), then copied to every agent.
//!
//! With `PANEL_BIN` set (a release binary), also the whole process, start included:
//! `status --json` and `doctor --json` on the same state, medians of 9.
//! Prints one JSON line per era and size (medians over runs), which `scripts/bench.sh` puts into
//! BENCHMARKS.md.
//!
//! Run: `PANEL_BIN=target/release/openclaw-auth-panel cargo bench -p server --bench status_scale`.

use std::path::Path;
use std::time::Instant;

use openclaw_state::snapshot::ReadOptions;
use openclaw_state::status::build_status;
use openclaw_state::write::engine::Writer;
use openclaw_state::write::normalize::SecretKind;
use openclaw_state::{StateLocation, read_state};
use secrecy::SecretString;
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

/// Era C: the fixture OpenClaw 2026.9.6 wrote (agents `main` and `work`), both given `profiles`
/// profiles by our writer, then its agent dir copied until there are `agents` agents. Returns the
/// state dir.
fn write_era_c(home: &Path, agents: usize, profiles: usize) -> std::path::PathBuf {
    let state = openclaw_state::testing::relocate_fixture("era-c-9.6", home);
    let writer = Writer::new(StateLocation::in_dir(&state));
    let providers = ["anthropic", "openai", "openrouter", "google", "xai"];
    // Both of the fixture's agents grow to `profiles` (the copies are of `work`).
    for agent in ["main", "work"] {
        let have = read_state(&StateLocation::in_dir(&state), &ReadOptions::default())
            .agent(agent)
            .map_or(0, |a| a.profiles.len());
        for p in have..profiles {
            let provider = providers[p % providers.len()];
            let (kind, secret, expires) = if provider == "anthropic" {
                (
                    SecretKind::Token,
                    format!("sk-ant-oat01-{}-{p:04}AA", "BENCHTOKEN".repeat(8)),
                    Some(format!("{}h", p + 1)),
                )
            } else {
                (SecretKind::ApiKey, format!("sk-bench-{p:04}-0123456789abcdefghijklmnopqrstuvwxyz"), None)
            };
            writer
                .paste(
                    Some(agent),
                    provider,
                    Some(&format!("{provider}:p{p}")),
                    kind,
                    &SecretString::from(secret),
                    expires.as_deref(),
                    false,
                    None,
                )
                .unwrap();
        }
    }
    let work = state.join("agents/work/agent");
    for a in 2..agents {
        let dir = state.join(format!("agents/agent-{a}/agent"));
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&work).unwrap() {
            let entry = entry.unwrap();
            std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
        }
    }
    state
}

/// The whole process: `$PANEL_BIN <command> --json --state-dir <state>`, median wall ms of 9
/// (one warm-up first). Exit 0 or 1 (a finding) are both a run.
fn process_ms(bin: &str, command: &str, state: &Path) -> f64 {
    let run = || {
        let start = Instant::now();
        let out = std::process::Command::new(bin)
            .args([command, "--json", "--state-dir"])
            .arg(state)
            .env("HOME", state.parent().unwrap())
            .output()
            .unwrap();
        let took = start.elapsed().as_secs_f64() * 1000.0;
        assert!(matches!(out.status.code(), Some(0..=2)), "{command}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(out.stdout.starts_with(b"{") || out.stdout.starts_with(b"["), "{command} printed JSON");
        took
    };
    run();
    median((0..9).map(|_| run()).collect())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    // Relative to the workspace, where `scripts/bench.sh` runs (cargo runs a bench in its package).
    let bin = std::env::var("PANEL_BIN")
        .ok()
        .map(|bin| Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(bin).to_string_lossy().into_owned());
    let cases = [("B", 1, 2, 50), ("B", 50, 10, 20), ("B", 500, 20, 10), ("C", 50, 10, 20), ("C", 500, 20, 10)];
    for (era, agents, profiles, runs) in cases {
        let dir = tempfile::tempdir().unwrap();
        let state = if era == "B" {
            write_state(dir.path(), agents, profiles);
            dir.path().to_path_buf()
        } else {
            write_era_c(dir.path(), agents, profiles)
        };
        let location = StateLocation::in_dir(&state);
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
            assert!(snapshot.agents.iter().all(|a| a.profiles.len() >= profiles), "every agent has its profiles");
            assert!(bytes > 0);
            // The native doctor: a fresh read and every check, as the Doctor page runs it.
            let start = Instant::now();
            let snapshot = read_state(&location, &options);
            let report = openclaw_state::doctor::run(&snapshot);
            doctor_ms.push(start.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(report.checks_run, openclaw_state::doctor::CHECKS.len());
        }
        let round = |ms: f64| (ms * 100.0).round() / 100.0;
        let mut line = json!({
            "era": era, "agents": agents, "profiles_per_agent": profiles, "runs": runs,
            "read_ms_median": round(median(read_ms)),
            "read_and_status_all_agents_ms_median": round(median(total_ms)),
            "read_and_doctor_ms_median": round(median(doctor_ms)),
        });
        if let Some(bin) = bin.as_deref().filter(|_| agents == 50) {
            line["process_status_ms"] = json!(round(process_ms(bin, "status", &state)));
            line["process_doctor_ms"] = json!(round(process_ms(bin, "doctor", &state)));
        }
        println!("{line}");
    }
}
