//! Unit tests of the analysis: roll-ups, models in use, the check's legacy-store rule.

use super::providers::rollup_9;
use crate::credential::CredentialKind;
use crate::health::{HealthStatus, ProfileHealth};

fn h(status: HealthStatus) -> ProfileHealth {
    ProfileHealth { status, reason: None, expires_at: None, remaining_ms: None, unusable: None }
}

#[test]
fn rollup_of_2026_6_ranks_expired_then_missing_then_expiring() {
    use CredentialKind::*;
    use HealthStatus::*;
    let (ok, exp, miss, soon, st) = (h(Ok), h(Expired), h(Missing), h(Expiring), h(Static));
    assert_eq!(rollup_9([(Token, &miss), (Token, &exp)]), Expired);
    assert_eq!(rollup_9([(Token, &soon), (ApiKey, &miss)]), Missing);
    assert_eq!(rollup_9([(Token, &soon), (Token, &ok)]), Expiring);
    assert_eq!(rollup_9([(ApiKey, &st)]), Static);
    assert_eq!(rollup_9([(ApiKey, &st), (Token, &st)]), Ok);
    assert_eq!(rollup_9(std::iter::empty()), Missing);
}

const NOW: i64 = 1_800_000_000_000;
const DAY: i64 = 86_400_000;

/// A state dir with `openclaw.json` and the main agent's era-A store.
fn state(config: serde_json::Value, profiles: serde_json::Value) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("openclaw.json"), config.to_string()).unwrap();
    let agent = dir.path().join("agents/main/agent");
    std::fs::create_dir_all(&agent).unwrap();
    let store = serde_json::json!({"version": 1, "profiles": profiles});
    std::fs::write(agent.join("auth-profiles.json"), store.to_string()).unwrap();
    dir
}

fn analysed(dir: &std::path::Path) -> super::AgentAnalysis {
    let snap = crate::read_state(
        &crate::StateLocation::in_dir(dir),
        &crate::snapshot::ReadOptions { now_ms: NOW, ..Default::default() },
    );
    super::analyze(&snap).agents.remove(0)
}

#[test]
fn one_expired_token_beside_a_valid_one_rolls_up_as_openclaw_and_worst_for_the_admin() {
    let dir = state(
        serde_json::json!({"meta": {"lastTouchedVersion": "2026.5.28"}}),
        serde_json::json!({
            "anthropic:old": {"type": "token", "provider": "anthropic", "token": "sk-ant-oat01-OLD", "expires": NOW - DAY},
            "anthropic:new": {"type": "token", "provider": "anthropic", "token": "sk-ant-oat01-NEW", "expires": NOW + 30 * DAY},
        }),
    );
    let a = analysed(dir.path());
    let p = &a.providers["anthropic"];
    assert_eq!(p.rollup, Some(HealthStatus::Ok), "OpenClaw skips the expired token");
    assert_eq!(p.rollup_profile_ids, ["anthropic:new"]);
    assert_eq!(p.worst_profile_status, HealthStatus::Expired, "the admin still has to renew it");
    assert_eq!(p.next, Some(super::NextCredential::Profile("anthropic:new".into())));
}

#[test]
fn a_blank_api_key_under_2026_9_rules_is_missing_everywhere() {
    let dir = state(
        serde_json::json!({"meta": {"lastTouchedVersion": "2026.9.6"}}),
        serde_json::json!({"openai:blank": {"type": "api_key", "provider": "openai", "key": " "}}),
    );
    let a = analysed(dir.path());
    assert_eq!(a.profile("openai:blank").unwrap().health.status, HealthStatus::Missing);
    let p = &a.providers["openai"];
    assert_eq!(p.rollup, Some(HealthStatus::Missing));
    assert_eq!(p.worst_profile_status, HealthStatus::Missing);
    assert_eq!(a.profile("openai:blank").unwrap().label, "openai:blank=missing");
}

#[test]
fn every_configured_model_is_in_use_with_its_role() {
    use super::ModelRole::*;
    let dir = state(
        serde_json::json!({
            "meta": {"lastTouchedVersion": "2026.9.6"},
            "agents": {"defaults": {
                "model": {"primary": "anthropic/opus", "fallbacks": ["openai/gpt", "xai/grok"]},
                "imageModel": {"primary": "google/imagen", "fallbacks": ["openrouter/flux"]},
                "utilityModel": "groq/llama",
            }},
        }),
        serde_json::json!({}),
    );
    let a = analysed(dir.path());
    let roles: Vec<(&str, super::ModelRole)> = a.models_in_use.iter().map(|m| (m.model_ref.as_str(), m.role)).collect();
    assert_eq!(
        roles,
        [
            ("anthropic/opus", Default),
            ("openai/gpt", Fallback),
            ("xai/grok", Fallback),
            ("groq/llama", Utility),
            ("google/imagen", Image),
            ("openrouter/flux", ImageFallback),
        ]
    );
    assert!(!a.has_any_credential("xai"));
}

#[test]
fn a_legacy_store_beside_sqlite_fails_the_check_like_openclaw_2026_9() {
    let tmp = tempfile::tempdir().unwrap();
    let state = crate::testing::relocate_fixture("era-c-9.6", tmp.path());
    let location = crate::StateLocation::in_dir(&state);
    let now = crate::write::time::parse_iso_millis("2026-11-27T00:00:00.000Z").unwrap();
    let read = || crate::read_state(&location, &crate::snapshot::ReadOptions { now_ms: now, ..Default::default() });
    let before = super::analyze(&read());
    assert_eq!(before.agent("main").unwrap().check.code, super::EXIT_OK, "{:?}", before.agent("main").unwrap().check);
    std::fs::write(
        state.join("agents/main/agent/auth-profiles.json"),
        r#"{"version":1,"profiles":{"openai:default":{"type":"api_key","provider":"openai","key":"sk-legacy-0123456789abcdef"}}}"#,
    )
    .unwrap();
    let snap = read();
    let after = super::analyze(&snap);
    let main = after.agent("main").unwrap();
    assert_eq!(main.check.code, super::EXIT_EXPIRED_OR_MISSING);
    assert!(main.check.reasons.iter().any(|r| r.contains("AUTH_PROFILE_MIGRATION_REQUIRED")), "{:?}", main.check);
    // `status --json` keeps its report and carries the reason.
    let report = crate::status::build_status(&snap, Some("main")).unwrap();
    assert_eq!((report.exit_code, report.panel.check_exit_code), (1, 1));
    assert!(report.panel.check_reasons.iter().any(|r| r.contains("legacy JSON store")));
    assert_eq!(after.agent("work").unwrap().check.code, before.agent("work").unwrap().check.code);
}
