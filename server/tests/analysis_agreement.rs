//! One analysis, four renderers: on every state the real OpenClaw wrote (the oracle fixtures, at
//! the moment OpenClaw answered and 40 days later when their tokens have expired) and on the demo
//! state, the profiles page, `status --json`, `/metrics` and the doctor must say the same about
//! each agent: the same OpenClaw roll-up per provider, the same next profile, the same profile
//! statuses and the same `--check` outcome. Each side is read from its rendered output, so a
//! renderer that derives a fact on its own (instead of taking the analysis's) makes this fail.

use std::collections::BTreeMap;
use std::path::PathBuf;

use openclaw_state::analysis::analyze;
use openclaw_state::snapshot::ReadOptions;
use openclaw_state::status::build_status;
use openclaw_state::{Severity, StateLocation, StateSnapshot, read_state};
use serde_json::Value;

const DAY: i64 = 86_400_000;
/// When the era B/C fixtures were written (2026-11-26) plus a day; era A's tokens are valid then.
const FIXTURE_NOW: i64 = 1_795_737_600_000;

/// `(name, state dir, moment)` for every fixture at two moments, and the demo state.
fn states(tmp: &std::path::Path) -> Vec<(String, PathBuf, i64)> {
    let mut out = Vec::new();
    for fixture in ["era-a-3.31", "era-b-5.28", "era-c-9.6"] {
        let state = openclaw_state::testing::relocate_fixture(fixture, &tmp.join(fixture));
        for now in [FIXTURE_NOW, FIXTURE_NOW + 40 * DAY] {
            out.push((format!("{fixture}@{now}"), state.clone(), now));
        }
    }
    let demo = tmp.join("demo");
    let now = panel_service::now_ms();
    panel_server::demo::seed(&demo, now).unwrap();
    out.push(("demo".to_owned(), demo, now));
    out
}

/// `name{labels} value` lines of one metric, as (labels, value).
fn metric(text: &str, name: &str) -> Vec<(BTreeMap<String, String>, f64)> {
    text.lines()
        .filter_map(|line| {
            let rest = line.strip_prefix(name)?.strip_prefix('{')?;
            let (labels, value) = rest.split_once("} ")?;
            let labels = labels
                .split(',')
                .filter_map(|kv| {
                    let (k, v) = kv.split_once('=')?;
                    Some((k.to_owned(), v.trim_matches('"').to_owned()))
                })
                .collect();
            Some((labels, value.trim().parse().ok()?))
        })
        .collect()
}

fn assert_agree(name: &str, snapshot: &StateSnapshot) {
    let analysis = analyze(snapshot);
    let page = panel_service::overview::build(snapshot, None);
    let metrics = panel_server::monitoring::render_metrics(snapshot, &analysis, &[]).unwrap();
    let doctor = openclaw_state::doctor::run(snapshot);
    let provider_metrics = metric(&metrics, "openclaw_auth_provider_status");
    let profile_metrics = metric(&metrics, "openclaw_auth_profile_status");
    let check_metrics = metric(&metrics, "openclaw_auth_check");
    assert!(!snapshot.agents.is_empty(), "{name}");

    for agent in &snapshot.agents {
        let id = agent.id.as_str();
        let ctx = format!("{name}/{id}");
        let report = build_status(snapshot, Some(id)).unwrap();
        let json = serde_json::to_value(&report).unwrap();
        let view = page.agents.iter().find(|a| a.id == id).unwrap_or_else(|| panic!("{ctx}: not on the page"));

        // The same roll-up: status JSON's `auth.oauth.providers[]` (those with profiles), the
        // page's OpenClaw status and the provider metric.
        let rollups: BTreeMap<String, String> = json["auth"]["oauth"]["providers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["profiles"].as_array().is_some_and(|a| !a.is_empty()))
            .map(|p| (p["provider"].as_str().unwrap().to_owned(), p["status"].as_str().unwrap().to_owned()))
            .collect();
        let from_metrics: BTreeMap<String, String> = provider_metrics
            .iter()
            .filter(|(l, v)| l["agent"] == id && *v == 1.0)
            .map(|(l, _)| (l["provider"].clone(), l["status"].clone()))
            .collect();
        assert_eq!(rollups, from_metrics, "{ctx}: status --json and /metrics roll-ups");
        for p in &view.providers {
            let status = rollups.get(&p.provider).map(String::as_str);
            assert_eq!(
                p.openclaw_status.map(|s| s.as_str()),
                status,
                "{ctx}/{}: page vs status --json roll-up",
                p.provider
            );
        }
        for provider in rollups.keys() {
            assert!(view.providers.iter().any(|p| p.provider == *provider), "{ctx}: {provider} missing on the page");
        }

        // The same next profile: the first of status's effective order is the page's next.
        for p in &view.providers {
            let first = json["panel"]["effectiveOrder"][&p.provider]["ids"].get(0).and_then(Value::as_str);
            if let Some(first) = first {
                assert_eq!(p.next.as_deref(), Some(first), "{ctx}/{}: next", p.provider);
                assert!(p.profiles.iter().any(|r| r.is_next && r.id == first), "{ctx}/{}: next row", p.provider);
            }
        }

        // The same profile statuses in status --json, /metrics and on the page.
        for profile in json["auth"]["oauth"]["profiles"].as_array().unwrap() {
            let pid = profile["profileId"].as_str().unwrap();
            let status = profile["status"].as_str().unwrap();
            let metric_status: Vec<&str> = profile_metrics
                .iter()
                .filter(|(l, v)| l["agent"] == id && l["profile"] == pid && *v == 1.0)
                .map(|(l, _)| l["status"].as_str())
                .collect();
            assert_eq!(metric_status, [status], "{ctx}/{pid}: /metrics");
            let row = view.providers.iter().flat_map(|p| &p.profiles).find(|r| r.id == pid);
            assert_eq!(row.map(|r| r.status.as_str()), Some(status), "{ctx}/{pid}: page");
        }

        // The same check outcome: status's exit code, the panel extras, /metrics.
        let check: Vec<f64> = check_metrics.iter().filter(|(l, _)| l["agent"] == id).map(|(_, v)| *v).collect();
        assert_eq!(check, [f64::from(report.exit_code)], "{ctx}: /metrics check");
        assert_eq!(json["panel"]["checkExitCode"], u64::from(report.exit_code), "{ctx}");
        assert_eq!(analysis.agent(id).unwrap().check.code, report.exit_code, "{ctx}");
        // ... and the doctor names every provider `--check` counts missing in use: an error when
        // the default model uses it, else (only a fallback, image or utility model) a warning.
        let analysed = analysis.agent(id).unwrap();
        for provider in &report.auth.missing_providers_in_use {
            let finding = doctor.findings.iter().find(|f| {
                f.check == "model-provider-without-credential"
                    && f.agent.as_deref() == Some(id)
                    && f.provider.as_deref() == Some(provider.as_str())
            });
            let finding = finding.unwrap_or_else(|| panic!("{ctx}: the doctor does not name {provider}"));
            let by_default = analysed.models_in_use.iter().any(|m| m.provider == *provider && m.role.is_default());
            if by_default || analysed.has_any_credential(provider) {
                assert_eq!(finding.severity, Severity::Error, "{ctx}/{provider}");
            } else {
                assert_eq!(finding.severity, Severity::Warning, "{ctx}/{provider}");
            }
        }
    }
}

#[test]
fn page_status_json_metrics_and_doctor_agree_on_every_oracle_state_and_the_demo() {
    let tmp = tempfile::tempdir().unwrap();
    let states = states(tmp.path());
    assert_eq!(states.len(), 7);
    for (name, state, now) in states {
        let location = StateLocation::in_dir(&state);
        for version in [None, Some("2026.3.31"), Some("2026.5.28"), Some("2026.9.6")] {
            let options =
                ReadOptions { now_ms: now, openclaw_version: version.map(str::to_owned), ..ReadOptions::default() };
            let snapshot = read_state(&location, &options);
            assert_agree(&format!("{name} rules {version:?}"), &snapshot);
        }
    }
}

#[test]
fn a_legacy_store_beside_sqlite_fails_status_check_and_the_metric() {
    let tmp = tempfile::tempdir().unwrap();
    let state = openclaw_state::testing::relocate_fixture("era-c-9.6", tmp.path());
    std::fs::write(
        state.join("agents/main/agent/auth-profiles.json"),
        r#"{"version":1,"profiles":{"openai:default":{"type":"api_key","provider":"openai","key":"sk-legacy-0123456789abcdef"}}}"#,
    )
    .unwrap();
    let snapshot =
        read_state(&StateLocation::in_dir(&state), &ReadOptions { now_ms: FIXTURE_NOW, ..ReadOptions::default() });
    let report = build_status(&snapshot, Some("main")).unwrap();
    assert_eq!(report.exit_code, 1, "{:?}", report.panel.check_reasons);
    assert!(report.panel.migration_required);
    assert_agree("era-c-9.6 with a legacy store", &snapshot);
}
