//! The write engine on real files and databases in temp dirs, on copies of states OpenClaw wrote:
//! each command's effect, refusals that change nothing, conflicts, and the eras' quirks. (The
//! comparison with OpenClaw's own writes is `server/tests/oracle_writes.rs`.)

use std::path::{Path, PathBuf};

use openclaw_state::snapshot::ReadOptions;
use openclaw_state::testing::{CaptureOptions, TreeSnapshot, relocate_fixture};
use openclaw_state::write::engine::{WriteError, Writer};
use openclaw_state::write::normalize::{InputError, SecretKind};
use openclaw_state::{StateLocation, read_state};
use proptest::prelude::*;
use secrecy::SecretString;
use serde_json::Value;

const TOKEN: &str = "sk-ant-oat01-TESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTEST-NEWTOKEN";

fn setup(fixture: &str) -> (tempfile::TempDir, PathBuf, Writer) {
    let tmp = tempfile::tempdir().unwrap();
    let state = relocate_fixture(fixture, tmp.path());
    let writer = Writer::new(StateLocation::in_dir(&state));
    (tmp, state, writer)
}

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

/// Every path under the state dir with its bytes, SQLite files byte for byte too: a refused write
/// must not touch a database at all. Modes are left out: this test is about contents
/// (the doctor's tests compare modes).
const EVERY_BYTE: CaptureOptions = CaptureOptions { bytes: true, sqlite_rows: false, modes: false, ignore: &[] };

fn status_of(state: &Path, agent: &str) -> openclaw_state::AgentState {
    let snap = read_state(
        &StateLocation::in_dir(state),
        &ReadOptions { now_ms: openclaw_state::write::time::now_ms(), ..Default::default() },
    );
    snap.agent(agent).unwrap().clone()
}

#[test]
fn paste_then_read_back_in_every_era() {
    for fixture in ["era-a-3.31", "era-b-5.28", "era-c-9.6"] {
        let (_tmp, state, w) = setup(fixture);
        let report = w
            .paste(
                Some("main"),
                "anthropic",
                Some("Work Laptop"),
                SecretKind::Token,
                &secret(TOKEN),
                Some("30d"),
                false,
                None,
            )
            .unwrap();
        assert_eq!(report.profile_id.as_deref(), Some("anthropic:work-laptop"), "{fixture}");
        assert_eq!(report.masked.as_deref(), Some("sk-ant-o...NEWTOKEN"));
        assert!(!serde_json::to_string(&report).unwrap().contains(TOKEN), "no secret in the report");
        let agent = status_of(&state, "main");
        let p = agent.profile("anthropic:work-laptop").unwrap_or_else(|| panic!("{fixture}: not read back"));
        let expires = p.credential.expires.at().unwrap();
        let days = (expires - openclaw_state::write::time::now_ms()) as f64 / 86_400_000.0;
        assert!((29.99..=30.0).contains(&days), "{fixture}: {days}");
        let config: Value =
            serde_json::from_str(&std::fs::read_to_string(state.join("openclaw.json")).unwrap()).unwrap();
        assert_eq!(
            config["auth"]["profiles"]["anthropic:work-laptop"],
            serde_json::json!({"provider":"anthropic","mode":"token"})
        );
        assert!(state.join("openclaw.json.bak").is_file());
        // Only 2026.3 needs a restart; 2026.5 and 2026.9 re-read on `gateway apply` (facts §11.1).
        assert_eq!(report.restart_gateway, fixture == "era-a-3.31", "{fixture}");
    }
}

#[test]
fn refused_input_changes_nothing() {
    for fixture in ["era-b-5.28", "era-c-9.6"] {
        let (_tmp, state, w) = setup(fixture);
        let before = TreeSnapshot::capture(&state, EVERY_BYTE);
        let cases: Vec<Result<_, WriteError>> = vec![
            w.paste(None, "anthropic", None, SecretKind::Token, &secret("sk-ant-oat01-short"), None, false, None),
            w.paste(
                None,
                "anthropic",
                None,
                SecretKind::Token,
                &secret("sk-ant-api03-abcdefghijkl"),
                None,
                false,
                None,
            ),
            w.paste(None, "anthropic", Some("../../etc"), SecretKind::Token, &secret(TOKEN), None, false, None),
            w.paste(Some("../../etc"), "anthropic", None, SecretKind::Token, &secret(TOKEN), None, false, None),
            w.paste(None, "anthropic", None, SecretKind::Token, &secret(TOKEN), Some("soon"), false, None),
            w.paste(None, "openai", Some("anthropic:x"), SecretKind::ApiKey, &secret("sk-abc"), None, false, None),
            w.paste(None, "anthropic", None, SecretKind::ApiKey, &secret(TOKEN), None, true, None),
            w.order_set(Some("main"), "anthropic", &["anthropic:nope".into()], None),
            w.order_set(Some("main"), "anthropic", &["openrouter:manual".into()], None),
            w.order_set(Some("main"), "anthropic", &["anthropic:manual".into(), "anthropic:manual".into()], None),
            w.remove(Some("main"), "anthropic:nope", None),
            w.remove(Some("main"), "a/../../b:c", None),
            w.clear_cooldown(Some("main"), "anthropic:nope", None),
            w.env_set("BAD-KEY", &secret("v"), None),
            w.env_set("OK_KEY", &secret("a\nb"), None),
        ];
        for (i, result) in cases.into_iter().enumerate() {
            let err = result.err().unwrap_or_else(|| panic!("{fixture} case {i} was accepted"));
            assert!(!err.to_string().is_empty());
            assert!(!err.to_string().contains(TOKEN), "no secret in errors");
        }
        let changes = before.diff(&TreeSnapshot::capture(&state, EVERY_BYTE));
        assert!(changes.is_empty(), "{fixture}: changed by refused writes: {changes:#?}");
    }
}

#[test]
fn a_change_based_on_an_old_version_is_a_conflict_that_shows_the_current_order() {
    for fixture in ["era-a-3.31", "era-b-5.28", "era-c-9.6"] {
        let (_tmp, _state, w) = setup(fixture);
        let v0 = w.version(Some("main")).unwrap();
        // Every fixture has a stored anthropic order for main: clearing it is a change.
        let r = w.order_clear(Some("main"), "anthropic", Some(&v0)).unwrap();
        assert_eq!(w.version(Some("main")).unwrap(), r.version, "{fixture}: report carries the new version");
        let err = w.order_set(Some("main"), "anthropic", &["anthropic:manual".into()], Some(&v0)).unwrap_err();
        match err {
            WriteError::Conflict { current, .. } => {
                assert!(current.orders.get("anthropic").is_none(), "{fixture}: shows the order as it is now");
                assert!(current.profile_ids.contains(&"anthropic:manual".to_owned()));
            }
            other => panic!("{fixture}: {other}"),
        }
        w.order_set(Some("main"), "anthropic", &["anthropic:manual".into()], Some(&r.version)).unwrap();
    }
}

#[test]
fn the_reported_version_is_the_one_on_disk_even_for_hand_formatted_files() {
    // Era B: an order change leaves a hand-formatted (compact) auth-profiles.json as it is.
    let (_tmp, state, w) = setup("era-b-5.28");
    let profiles = state.join("agents/main/agent/auth-profiles.json");
    let value: Value = serde_json::from_str(&std::fs::read_to_string(&profiles).unwrap()).unwrap();
    let compact = serde_json::to_string(&value).unwrap();
    std::fs::write(&profiles, &compact).unwrap();
    let r = w.order_set(Some("main"), "anthropic", &["anthropic:manual".into()], None).unwrap();
    assert_eq!(std::fs::read_to_string(&profiles).unwrap(), compact, "untouched");
    assert_eq!(r.version, w.version(Some("main")).unwrap());
    w.order_clear(Some("main"), "anthropic", Some(&r.version)).unwrap();
}

#[test]
fn remove_drops_every_reference() {
    for fixture in ["era-a-3.31", "era-b-5.28", "era-c-9.6"] {
        let (_tmp, state, w) = setup(fixture);
        // A config order that names it too.
        let cfg_path = state.join("openclaw.json");
        let mut cfg: Value = serde_json::from_str(&std::fs::read_to_string(&cfg_path).unwrap()).unwrap();
        cfg["auth"]["order"] = serde_json::json!({"anthropic": ["anthropic:manual"]});
        std::fs::write(&cfg_path, openclaw_state::write::json_text::stringify_pretty(&cfg)).unwrap();
        w.order_set(Some("main"), "anthropic", &["anthropic:manual".into()], None).unwrap();
        let report = w.remove(Some("main"), "anthropic:manual", None).unwrap();
        let agent = status_of(&state, "main");
        assert!(agent.profile("anthropic:manual").is_none(), "{fixture}");
        assert!(
            agent.order.values().all(|ids| !ids.iter().any(|i| i == "anthropic:manual")),
            "{fixture}: {:?}",
            agent.order
        );
        let cfg: Value = serde_json::from_str(&std::fs::read_to_string(&cfg_path).unwrap()).unwrap();
        assert!(cfg["auth"]["profiles"].get("anthropic:manual").is_none(), "{fixture}");
        assert!(cfg["auth"].get("order").is_none(), "{fixture}: an emptied config order is dropped: {cfg}");
        assert!(report.changes.iter().any(|c| c.contains("config")), "{report:?}");
    }
}

#[test]
fn era_b_deletes_auth_state_json_when_empty_and_era_c_creates_an_agent_database() {
    let (_tmp, state, w) = setup("era-b-5.28");
    let state_file = state.join("agents/main/agent/auth-state.json");
    assert!(state_file.is_file());
    w.order_clear(Some("main"), "anthropic", None).unwrap();
    assert!(!state_file.exists(), "emptied auth-state.json is deleted, as 5.28 does");

    let (_tmp, state, w) = setup("era-c-9.6");
    let db = state.join("agents/fresh/agent/openclaw-agent.sqlite");
    assert!(!db.exists());
    w.paste(
        Some("fresh"),
        "openai",
        None,
        SecretKind::ApiKey,
        &secret("sk-proj-FRESHFRESHFRESH-0001"),
        None,
        false,
        None,
    )
    .unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 23);
    let schema = |c: &rusqlite::Connection| -> Vec<(String, String, Option<String>)> {
        let mut st = c.prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name").unwrap();
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(|r| r.unwrap()).collect()
    };
    let theirs = rusqlite::Connection::open(state.join("agents/work/agent/openclaw-agent.sqlite")).unwrap();
    assert_eq!(schema(&conn), schema(&theirs), "the same schema as a database OpenClaw 2026.9.6 made");
    let agent_id: String = conn.query_row("SELECT agent_id FROM schema_meta", [], |r| r.get(0)).unwrap();
    assert_eq!(agent_id, "fresh");
    let store: String = conn.query_row("SELECT store_json FROM auth_profile_store", [], |r| r.get(0)).unwrap();
    assert!(store.contains("\"openai:manual\":{\"type\":\"api_key\",\"provider\":\"openai\",\"key\":"), "{store}");
    assert!(status_of(&state, "fresh").profile("openai:manual").is_some());
}

#[test]
fn clear_cooldown_resets_failure_state_only() {
    let (_tmp, state, w) = setup("era-b-5.28");
    let path = state.join("agents/main/agent/auth-state.json");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    doc["usageStats"] = serde_json::json!({"anthropic:manual": {"lastUsed": 1, "errorCount": 4, "cooldownUntil": 9_999_999_999_999i64, "cooldownReason": "rate_limit"}});
    std::fs::write(&path, openclaw_state::write::json_text::stringify_pretty(&doc)).unwrap();
    let report = w.clear_cooldown(Some("main"), "anthropic:manual", None).unwrap();
    assert_eq!(report.changes, ["cleared cooldownUntil, cooldownReason of anthropic:manual"]);
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(doc["usageStats"]["anthropic:manual"], serde_json::json!({"lastUsed": 1, "errorCount": 0}));
}

#[test]
fn env_edits_one_line_and_paste_to_env_uses_the_provider_variable() {
    let (_tmp, state, w) = setup("era-b-5.28");
    let env = state.join(".env");
    std::fs::write(&env, "# mine\nOPENAI_API_KEY=old\nOTHER=1\n").unwrap();
    let r = w.paste_api_key_to_env("openai", &secret("sk-proj-NEWNEWNEW-0001\n"), false, None).unwrap();
    assert!(r.restart_gateway);
    assert_eq!(std::fs::read_to_string(&env).unwrap(), "# mine\nOPENAI_API_KEY=sk-proj-NEWNEWNEW-0001\nOTHER=1\n");
    w.env_unset("OTHER", None).unwrap();
    assert_eq!(std::fs::read_to_string(&env).unwrap(), "# mine\nOPENAI_API_KEY=sk-proj-NEWNEWNEW-0001\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&env).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn hints_are_reported_and_strict_refuses_them() {
    let (_tmp, _state, w) = setup("era-b-5.28");
    let r =
        w.paste(None, "anthropic", Some("anthropic:k"), SecretKind::ApiKey, &secret(TOKEN), None, false, None).unwrap();
    assert!(r.hints.iter().any(|h| h.message.contains("setup token")), "{:?}", r.hints);
    let again = w
        .paste(None, "anthropic", Some("anthropic:k2"), SecretKind::ApiKey, &secret(TOKEN), None, false, None)
        .unwrap();
    // A paste that carries a hint is not compared with the stored secrets (that made the preview
    // an oracle for guesses, security issue 15); a clean paste of the same secret is.
    assert!(!again.hints.iter().any(|h| h.message.contains("stored already")), "{:?}", again.hints);
    let clean =
        w.paste(None, "anthropic", Some("anthropic:k4"), SecretKind::Token, &secret(TOKEN), None, false, None).unwrap();
    assert!(
        clean.hints.iter().any(|h| h.message.contains("stored already as anthropic:k")),
        "same secret named: {:?}",
        clean.hints
    );
    let err = w
        .paste(None, "anthropic", Some("anthropic:k3"), SecretKind::ApiKey, &secret(TOKEN), None, true, None)
        .unwrap_err();
    assert!(matches!(err, WriteError::Input(InputError::Strict(_))), "{err}");
}

#[test]
fn json5_config_is_rewritten_with_a_warning_and_kept_in_the_backup() {
    let (_tmp, state, w) = setup("era-b-5.28");
    let cfg = state.join("openclaw.json");
    let json5 = "// my notes\n{ auth: { profiles: {}, }, meta: { lastTouchedVersion: '2026.5.28' } }\n";
    std::fs::write(&cfg, json5).unwrap();
    let r = w
        .paste(None, "openai", None, SecretKind::ApiKey, &secret("sk-proj-J5J5J5J5J5-0001"), None, false, None)
        .unwrap();
    assert!(r.warnings.iter().any(|x| x.contains("JSON5")), "{:?}", r.warnings);
    assert_eq!(std::fs::read_to_string(state.join("openclaw.json.bak")).unwrap(), json5);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A reorder stores exactly the permutation given and leaves the profiles file byte-identical.
    #[test]
    fn a_reorder_is_a_permutation_and_touches_nothing_else(seed in any::<u64>()) {
        let (_tmp, state, w) = setup("era-a-3.31");
        let ids = ["anthropic:manual", "anthropic:work", "anthropic:p3", "anthropic:p4"];
        for id in &ids[2..] {
            w.paste(None, "anthropic", Some(id), SecretKind::Token, &secret(TOKEN), None, false, None).unwrap();
        }
        let profiles_path = state.join("agents/main/agent/auth-profiles.json");
        let before: Value = serde_json::from_str(&std::fs::read_to_string(&profiles_path).unwrap()).unwrap();
        let mut order: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        let mut x = seed;
        for i in (1..order.len()).rev() {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            order.swap(i, (x >> 33) as usize % (i + 1));
        }
        w.order_set(None, "anthropic", &order, None).unwrap();
        let after: Value = serde_json::from_str(&std::fs::read_to_string(&profiles_path).unwrap()).unwrap();
        prop_assert_eq!(&after["order"]["anthropic"], &serde_json::json!(order));
        prop_assert_eq!(&after["profiles"], &before["profiles"]);
        let mut sorted = order.clone();
        sorted.sort();
        let mut expected: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        expected.sort();
        prop_assert_eq!(sorted, expected);
    }

    /// Ids that could leave the state dir are refused before any path is built.
    #[test]
    fn ids_that_leave_the_state_dir_are_refused(prefix in "[a-z]{0,3}", bad in prop::sample::select(vec!["..", "/", "\0", "\\", "../x"]), suffix in "[a-z]{0,3}") {
        let (_tmp, _state, w) = setup("era-b-5.28");
        let id = format!("{prefix}{bad}{suffix}");
        prop_assert!(w.paste(Some(&id), "openai", None, SecretKind::ApiKey, &secret("sk-x-0123456789"), None, false, None).is_err());
        let profile = format!("openai:{id}");
        prop_assert!(w.paste(None, "openai", Some(&profile), SecretKind::ApiKey, &secret("sk-x-0123456789"), None, false, None).is_err());
        prop_assert!(w.remove(Some(&id), "openai:x", None).is_err());
    }
}
