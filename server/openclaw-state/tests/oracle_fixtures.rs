//! The readers against states written by the real OpenClaw CLI (2026.3.31, 2026.5.28, 2026.9.6):
//! `fixtures/<era>/` is the state dir the CLI left, `fixtures/<era>.oracle/` what OpenClaw's own
//! `models status --json` said about it. We must read the same profiles, types, statuses, expiry
//! times and masked labels.

use std::path::{Path, PathBuf};

use openclaw_state::health::profile_health;
use openclaw_state::mask::{mask_secret, panel_mask_of_openclaw};
use openclaw_state::snapshot::{Era, ReadOptions};
use openclaw_state::testing::{CaptureOptions, TreeSnapshot};
use openclaw_state::{CredentialKind, StateLocation, read_state};
use secrecy::ExposeSecret;
use serde_json::Value;

fn fixtures() -> PathBuf {
    openclaw_state::testing::fixtures_dir()
}

/// A copy of a fixture in a temp dir, its absolute agent dirs pointed at the copy.
fn relocated(name: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let state = openclaw_state::testing::relocate_fixture(name, tmp.path());
    (tmp, state)
}

/// `models status --json` output (3.31 prints a log line before the JSON for some agents).
fn oracle(name: &str, file: &str) -> Value {
    let text = std::fs::read_to_string(fixtures().join(format!("{name}.oracle/{file}.stdout"))).unwrap();
    let start = text.find("\n{").map(|i| i + 1).unwrap_or(0);
    serde_json::from_str(&text[start..]).unwrap()
}

/// The moment OpenClaw computed its answer: expiresAt − remainingMs of any profile with expiry.
fn oracle_now(status: &Value) -> i64 {
    status["auth"]["oauth"]["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|p| Some(p.get("expiresAt")?.as_i64()? - p.get("remainingMs")?.as_i64()?))
        .expect("some profile has an expiry")
}

/// Compares what we read for `agent` with the oracle's `auth.oauth.profiles` and provider labels.
fn assert_matches_oracle(name: &str, file: &str, agent: &str, expected_era: Era) {
    let status = oracle(name, file);
    let now = oracle_now(&status);
    let (_tmp, state) = relocated(name);
    let snap = read_state(&StateLocation::in_dir(&state), &ReadOptions { now_ms: now, ..Default::default() });
    let a = snap.agent(agent).unwrap_or_else(|| panic!("{name}: agent {agent} missing"));
    assert_eq!(a.era, Some(expected_era), "{name}/{agent}: era");
    assert!(!a.migration_required, "{name}/{agent}");

    let expected: Vec<&Value> = status["auth"]["oauth"]["profiles"].as_array().unwrap().iter().collect();
    let mut ours: Vec<String> = a.profiles.iter().map(|p| p.id.clone()).collect();
    ours.sort();
    let mut theirs: Vec<String> = expected.iter().map(|p| p["profileId"].as_str().unwrap().to_owned()).collect();
    theirs.sort();
    assert_eq!(ours, theirs, "{name}/{agent}: profile ids");

    for p in expected {
        let id = p["profileId"].as_str().unwrap();
        let profile = a.profile(id).unwrap();
        assert_eq!(profile.credential.kind.as_str(), p["type"].as_str().unwrap(), "{name}/{id}: type");
        let health = profile_health(&profile.credential, a.usage.get(id), snap.rules, now);
        assert_eq!(health.status.as_str(), p["status"].as_str().unwrap(), "{name}/{id}: status");
        assert_eq!(health.expires_at, p.get("expiresAt").and_then(Value::as_i64), "{name}/{id}: expiresAt");
    }

    for provider in status["auth"]["providers"].as_array().unwrap() {
        for label in provider["profiles"]["labels"].as_array().unwrap() {
            let label = label.as_str().unwrap();
            let (id, shown) = label.split_once('=').unwrap();
            let cred = &a.profile(id).unwrap().credential;
            let secret = cred.secret.as_ref().unwrap().expose_secret();
            let mask = mask_secret(secret);
            let ours = match cred.kind {
                CredentialKind::Token => format!("token:{mask}"),
                _ => mask,
            };
            // Ours is OpenClaw's label, but 4 + 4 for a secret of 17–31 characters (on purpose).
            let len = secret.trim().encode_utf16().count();
            let expected = match shown.strip_prefix("token:") {
                Some(m) => format!("token:{}", panel_mask_of_openclaw(m, len)),
                None => panel_mask_of_openclaw(shown, len),
            };
            assert_eq!(ours, expected, "{name}/{id}: label (OpenClaw's: {shown})");
        }
    }
}

#[test]
fn era_a_written_by_2026_3_31() {
    assert_matches_oracle("era-a-3.31", "status-json", "main", Era::A);
    let (_tmp, state) = relocated("era-a-3.31");
    let snap = read_state(&StateLocation::in_dir(&state), &ReadOptions::default());
    let main = snap.agent("main").unwrap();
    // Era A keeps order inside auth-profiles.json.
    assert_eq!(main.order["anthropic"], ["anthropic:work", "anthropic:manual"]);
    assert_eq!(snap.rules.measured_on, "2026.3.31");
    // `work` has no store of its own yet: OpenClaw gives it main's.
    let work = snap.agent("work").unwrap();
    assert!(work.in_config);
    assert_eq!(work.profiles.len(), 2);
    assert!(snap.env.values.contains_key("OPENROUTER_API_KEY"));
    assert!(snap.problems.is_empty(), "{:?}", snap.problems);
}

#[test]
fn era_b_written_by_2026_5_28() {
    assert_matches_oracle("era-b-5.28", "status-json", "main", Era::B);
    assert_matches_oracle("era-b-5.28", "status-json-agent-work", "work", Era::B);
    let (_tmp, state) = relocated("era-b-5.28");
    let snap = read_state(&StateLocation::in_dir(&state), &ReadOptions::default());
    let main = snap.agent("main").unwrap();
    assert_eq!(main.order["anthropic"], ["anthropic:work", "anthropic:manual"]);
    assert!(main.state_path.ends_with("auth-state.json"));
    assert_eq!(snap.rules.measured_on, "2026.5.28");
    assert!(snap.problems.is_empty(), "{:?}", snap.problems);
}

#[test]
fn era_c_written_by_2026_9_6() {
    assert_matches_oracle("era-c-9.6", "status-json", "main", Era::C);
    assert_matches_oracle("era-c-9.6", "status-json-agent-work", "work", Era::C);
    let (_tmp, state) = relocated("era-c-9.6");
    let snap = read_state(&StateLocation::in_dir(&state), &ReadOptions::default());
    let main = snap.agent("main").unwrap();
    assert!(main.store_path.ends_with("state/openclaw.sqlite"));
    assert_eq!(main.order["anthropic"], ["anthropic:manual"]);
    let work = snap.agent("work").unwrap();
    assert_eq!(work.order["anthropic"], ["anthropic:work", "anthropic:manual"]);
    assert_eq!(snap.rules.measured_on, "2026.9.6");
    assert!(snap.problems.is_empty(), "{:?}", snap.problems);
    // Reading never writes: no journal, WAL or shared-memory file is left beside a database.
    let leftovers: Vec<_> = TreeSnapshot::capture(&state, CaptureOptions::default())
        .files()
        .filter(|p| ["-journal", "-wal", "-shm"].iter().any(|s| p.to_string_lossy().ends_with(s)))
        .map(Path::to_path_buf)
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn legacy_json_beside_sqlite_is_migration_required() {
    let (_tmp, state) = relocated("era-c-9.6");
    std::fs::write(
        state.join("agents/main/agent/auth-profiles.json"),
        r#"{"version":1,"profiles":{"openai:default":{"type":"api_key","provider":"openai","key":"sk-legacy-0123456789abcdef"}}}"#,
    )
    .unwrap();
    // The same file beside work's populated database is leftover bytes OpenClaw ignores.
    std::fs::write(
        state.join("agents/work/agent/auth-profiles.json"),
        r#"{"version":1,"profiles":{"x:y":{"type":"api_key","provider":"x","key":"k"}}}"#,
    )
    .unwrap();
    let snap = read_state(&StateLocation::in_dir(&state), &ReadOptions::default());
    let main = snap.agent("main").unwrap();
    assert!(main.migration_required);
    assert!(main.profile("openai:default").is_some(), "legacy profiles are still listed");
    assert!(!snap.agent("work").unwrap().migration_required);
    assert_eq!(snap.problems.len(), 1);
    assert!(snap.problems[0].message.contains("openai"), "{}", snap.problems[0].message);
}
