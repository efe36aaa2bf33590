//! Every check on a state that triggers it and on one that does not; every fix applied, leaving
//! its check passing and nothing else changed. States are copies of what the real OpenClaw wrote
//! (fixtures), with modes set as OpenClaw sets them, and one problem planted at a time.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::*;
use crate::snapshot::ReadOptions;
use crate::testing::{CaptureOptions, TreeSnapshot};
use crate::write::engine::Writer;

/// 29 days before the era-A fixture's `anthropic:work` expires: every token is `ok`.
const NOW_A: i64 = 1_798_244_296_378 - 29 * 86_400_000;

struct Base {
    _dir: tempfile::TempDir,
    state: PathBuf,
    now: i64,
}

fn chmod(path: &Path, mode: u32) {
    crate::write::atomic::set_mode(path, mode).unwrap();
}

fn private_tree(dir: &Path) {
    chmod(dir, 0o700);
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { private_tree(&path) } else { chmod(&path, 0o600) }
    }
}

impl Base {
    fn new(fixture: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let state = crate::testing::relocate_fixture(fixture, &dir.path().join("home"));
        private_tree(&state);
        let now = match fixture {
            "era-a-3.31" => NOW_A,
            // The other fixtures were written on 2026-11-26; a day later their 30-day tokens are ok.
            _ => crate::write::time::parse_iso_millis("2026-11-27T00:00:00.000Z").unwrap(),
        };
        Self { _dir: dir, state, now }
    }

    fn snapshot(&self) -> StateSnapshot {
        let location = crate::StateLocation::in_dir(&self.state);
        crate::read_state(&location, &ReadOptions { now_ms: self.now, ..ReadOptions::default() })
    }

    fn doctor(&self) -> DoctorReport {
        run(&self.snapshot())
    }

    fn findings(&self, check: &str) -> Vec<Finding> {
        self.doctor().findings.into_iter().filter(|f| f.check == check).collect()
    }

    fn main_store(&self) -> PathBuf {
        self.state.join("agents/main/agent/auth-profiles.json")
    }

    fn edit_json(&self, path: &Path, edit: impl FnOnce(&mut Value)) {
        let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        edit(&mut doc);
        std::fs::write(path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    }

    fn edit_store(&self, edit: impl FnOnce(&mut Value)) {
        self.edit_json(&self.main_store(), edit);
    }

    fn edit_config(&self, edit: impl FnOnce(&mut Value)) {
        self.edit_json(&self.state.join("openclaw.json"), edit);
    }

    /// Every path under the state dir with its bytes and mode: a fix may change only what its
    /// check names, in content or mode. Databases byte for byte: a fix that rewrites one without
    /// changing a row still touched it.
    fn tree(&self) -> TreeSnapshot {
        const BYTES_AND_MODES: CaptureOptions =
            CaptureOptions { bytes: true, sqlite_rows: false, modes: true, ignore: &[] };
        TreeSnapshot::capture(&self.state, BYTES_AND_MODES)
    }

    /// Applies the one finding of `check`; returns the paths that changed (content or mode).
    fn fix(&self, check: &str) -> Vec<PathBuf> {
        let found = self.findings(check);
        assert_eq!(found.len(), 1, "{check}: {found:#?}");
        assert!(found[0].fix.is_some(), "{check} has a fix");
        let before = self.tree();
        let others_before: Vec<String> =
            self.doctor().findings.into_iter().filter(|f| f.check != check).map(|f| f.key).collect();
        let writer = Writer::new(crate::StateLocation::in_dir(&self.state));
        let applied = fix::apply(&writer, &self.snapshot(), &found[0].key).unwrap();
        assert!(!applied.did.is_empty());
        assert!(self.findings(check).is_empty(), "{check} still found after its fix");
        let others_after: Vec<String> =
            self.doctor().findings.into_iter().filter(|f| f.check != check).map(|f| f.key).collect();
        assert_eq!(others_before, others_after, "{check}: the fix changed other findings");
        // One path per change, however many aspects of it changed.
        let mut changed: Vec<PathBuf> =
            before.diff(&self.tree()).into_iter().map(|change| self.state.join(change.path)).collect();
        changed.dedup();
        changed
    }

    fn rel(&self, paths: &[PathBuf]) -> Vec<String> {
        paths.iter().map(|p| p.strip_prefix(&self.state).unwrap().display().to_string()).collect()
    }
}

const SETUP_X: &str =
    "sk-ant-oat01-XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX-XXXXXX";

#[test]
fn clean_states_of_every_era_have_no_warning() {
    for fixture in ["era-a-3.31", "era-b-5.28", "era-c-9.6"] {
        let base = Base::new(fixture);
        let report = base.doctor();
        let serious: Vec<_> = report.findings.iter().filter(|f| f.severity >= Severity::Warning).collect();
        assert!(serious.is_empty(), "{fixture}: {serious:#?}");
        assert_ne!(report.exit_code, 1, "{fixture}");
        assert_eq!(report.checks_run, CHECKS.len());
    }
}

#[test]
fn every_check_has_a_test_below() {
    let source = include_str!("tests.rs");
    for check in CHECKS {
        assert!(source.contains(&format!("\"{}\"", check.id)), "no test names {}", check.id);
    }
}

#[test]
fn expiry_checks() {
    let base = Base::new("era-a-3.31");
    assert!(base.findings("token-expired").is_empty());
    assert!(base.findings("token-expiring").is_empty());
    assert!(base.findings("expiry-invalid").is_empty());
    let now = base.now;
    base.edit_store(|s| s["profiles"]["anthropic:work"]["expires"] = json!(now - 3_600_000));
    let f = base.findings("token-expired");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].profile_id.as_deref(), Some("anthropic:work"));
    assert!(f[0].message.contains("expired 1h ago"), "{}", f[0].message);
    assert!(f[0].fix_hint.contains("claude setup-token"));
    assert_eq!(base.doctor().exit_code, 1);
    base.edit_store(|s| s["profiles"]["anthropic:work"]["expires"] = json!(now + 2 * 3_600_000));
    assert!(base.findings("token-expired").is_empty());
    assert!(base.findings("token-expiring")[0].message.contains("expires in 2h"));
    assert_eq!(base.doctor().exit_code, 2);
    base.edit_store(|s| s["profiles"]["anthropic:work"]["expires"] = json!(-5));
    assert_eq!(base.findings("expiry-invalid").len(), 1);
}

#[test]
fn a_profile_without_a_secret() {
    let base = Base::new("era-a-3.31");
    assert!(base.findings("credential-missing").is_empty());
    base.edit_store(|s| s["profiles"]["anthropic:manual"]["token"] = json!(""));
    assert_eq!(base.findings("credential-missing")[0].profile_id.as_deref(), Some("anthropic:manual"));
}

#[test]
fn cooldowns_and_disables_are_found_and_cleared() {
    let base = Base::new("era-a-3.31");
    assert!(base.findings("cooldown-active").is_empty());
    assert!(base.findings("disabled-active").is_empty());
    let now = base.now;
    base.edit_store(|s| {
        s["usageStats"] = json!({
            "anthropic:manual": {"lastUsed": now - 60_000, "cooldownUntil": now + 600_000, "cooldownReason": "rate_limit", "errorCount": 1},
        })
    });
    assert!(base.findings("cooldown-active")[0].message.contains("rate_limit"));
    assert_eq!(base.rel(&base.fix("cooldown-active")), ["agents/main/agent/auth-profiles.json"]);
    base.edit_store(|s| {
        s["usageStats"]["anthropic:work"] =
            json!({"disabledUntil": now + 3_600_000, "disabledReason": "billing", "errorCount": 2})
    });
    assert!(base.findings("disabled-active")[0].fix_hint.contains("Top up"));
    assert_eq!(base.rel(&base.fix("disabled-active")), ["agents/main/agent/auth-profiles.json"]);
}

#[test]
fn anthropic_secrets_of_the_wrong_type_are_stored_again_as_the_right_one() {
    let base = Base::new("era-a-3.31");
    assert!(base.findings("setup-token-as-api-key").is_empty());
    assert!(base.findings("api-key-as-token").is_empty());
    base.edit_store(|s| {
        s["profiles"]["anthropic:key"] = json!({"type": "api_key", "provider": "anthropic", "key": SETUP_X});
    });
    // Configured as what is stored, so the type is the only problem.
    base.edit_config(|c| {
        c["auth"]["profiles"]["anthropic:key"] = json!({"provider": "anthropic", "mode": "api_key"});
        c["auth"]["profiles"]["anthropic:tok"] = json!({"provider": "anthropic", "mode": "token"});
    });
    let changed = base.rel(&base.fix("setup-token-as-api-key"));
    assert_eq!(changed.first().map(String::as_str), Some("agents/main/agent/auth-profiles.json"), "{changed:?}");
    assert!(
        changed.iter().all(|p| p.starts_with("agents/main/agent/auth-profiles.json") || p.starts_with("openclaw.json")),
        "{changed:?}"
    );
    let snapshot = base.snapshot();
    let retyped = snapshot.agent("main").unwrap().profile("anthropic:key").unwrap();
    assert_eq!(retyped.credential.kind, crate::CredentialKind::Token);

    base.edit_store(|s| {
        s["profiles"]["anthropic:tok"] =
            json!({"type": "token", "provider": "anthropic", "token": "sk-ant-api03-YYYYYYYYYYYYYYYYYYYYYYYYYYYY-YYYYYYYY"});
    });
    base.fix("api-key-as-token");
    let snapshot = base.snapshot();
    assert_eq!(
        snapshot.agent("main").unwrap().profile("anthropic:tok").unwrap().credential.kind,
        crate::CredentialKind::ApiKey
    );
}

#[test]
fn one_secret_under_two_ids() {
    let base = Base::new("era-a-3.31");
    assert!(base.findings("duplicate-secret").is_empty());
    base.edit_store(|s| {
        let copy = s["profiles"]["anthropic:manual"].clone();
        s["profiles"]["anthropic:copy"] = copy;
    });
    let f = base.findings("duplicate-secret");
    assert_eq!(f.len(), 1);
    assert!(f[0].message.contains("anthropic:copy") && f[0].message.contains("anthropic:manual"));
    assert!(!f[0].message.contains("FAKEFAKE"), "never the secret");
}

#[test]
fn stored_orders_naming_missing_or_foreign_profiles() {
    let base = Base::new("era-a-3.31");
    assert!(base.findings("order-missing-profile").is_empty());
    assert!(base.findings("order-wrong-provider").is_empty());
    base.edit_store(|s| {
        s["profiles"]["openrouter:x"] =
            json!({"type": "api_key", "provider": "openrouter", "key": "sk-or-v1-ZZZZZZZZZZZZZZZZ"});
        s["order"]["anthropic"] = json!(["anthropic:work", "anthropic:gone", "anthropic:manual", "openrouter:x"]);
    });
    assert_eq!(base.findings("order-missing-profile")[0].profile_id.as_deref(), Some("anthropic:gone"));
    assert_eq!(base.rel(&base.fix("order-missing-profile")), ["agents/main/agent/auth-profiles.json"]);
    assert_eq!(base.fix("order-wrong-provider").len(), 1);
    let order = base.snapshot().agent("main").unwrap().order["anthropic"].clone();
    assert_eq!(order, ["anthropic:work", "anthropic:manual"]);
}

#[test]
fn config_orders_naming_missing_or_foreign_profiles() {
    let base = Base::new("era-a-3.31");
    assert!(base.findings("config-order-missing-profile").is_empty());
    assert!(base.findings("config-order-wrong-provider").is_empty());
    base.edit_store(|s| {
        s["profiles"]["openrouter:x"] =
            json!({"type": "api_key", "provider": "openrouter", "key": "sk-or-v1-ZZZZZZZZZZZZZZZZ"});
    });
    base.edit_config(|c| {
        c["auth"]["order"] = json!({"anthropic": ["anthropic:gone", "openrouter:x", "anthropic:manual"]})
    });
    let f = base.findings("config-order-missing-profile");
    assert_eq!(f[0].profile_id.as_deref(), Some("anthropic:gone"));
    assert!(f[0].path.ends_with("openclaw.json: auth.order.anthropic"), "{}", f[0].path);
    assert_eq!(base.findings("config-order-wrong-provider")[0].profile_id.as_deref(), Some("openrouter:x"));
}

#[test]
fn config_profiles_that_disagree_with_the_store_or_name_nothing() {
    let base = Base::new("era-a-3.31");
    for check in ["config-mode-mismatch", "config-provider-mismatch", "config-profile-without-credential"] {
        assert!(base.findings(check).is_empty(), "{check}");
    }
    base.edit_config(|c| {
        c["auth"]["profiles"]["anthropic:manual"]["mode"] = json!("api_key");
        c["auth"]["profiles"]["anthropic:work"]["provider"] = json!("openai");
        c["auth"]["profiles"]["anthropic:ghost"] = json!({"provider": "anthropic", "mode": "token"});
    });
    assert_eq!(base.findings("config-mode-mismatch")[0].profile_id.as_deref(), Some("anthropic:manual"));
    assert_eq!(base.findings("config-provider-mismatch")[0].profile_id.as_deref(), Some("anthropic:work"));
    assert_eq!(base.findings("config-profile-without-credential")[0].profile_id.as_deref(), Some("anthropic:ghost"));
    // Config mode oauth accepts a stored token (OpenClaw's exception).
    base.edit_config(|c| c["auth"]["profiles"]["anthropic:manual"]["mode"] = json!("oauth"));
    assert!(base.findings("config-mode-mismatch").is_empty());
}

#[test]
fn a_stored_profile_the_config_leaves_out() {
    let base = Base::new("era-a-3.31");
    assert!(base.findings("credential-not-in-config").is_empty());
    base.edit_store(|s| {
        s.as_object_mut().unwrap().remove("order");
    });
    assert!(base.findings("credential-not-in-config").is_empty(), "both are in auth.profiles");
    base.edit_config(|c| {
        c["auth"]["profiles"].as_object_mut().unwrap().remove("anthropic:work");
    });
    let f = base.findings("credential-not-in-config");
    assert_eq!(f[0].profile_id.as_deref(), Some("anthropic:work"));
    assert_eq!(f[0].severity, Severity::Warning, "OpenClaw never tries it");
    // A provider with no config entry at all: OpenClaw uses the profile; only a notice.
    base.edit_store(|s| {
        s["profiles"]["xai:solo"] = json!({"type": "api_key", "provider": "xai", "key": "xai-SOLOSOLOSOLOSOLO-0001"});
    });
    let solo: Vec<_> = base
        .findings("credential-not-in-config")
        .into_iter()
        .filter(|f| f.profile_id.as_deref() == Some("xai:solo"))
        .collect();
    assert_eq!(solo.len(), 1);
    assert_eq!(solo[0].severity, Severity::Info);
}

#[test]
fn a_configured_model_with_no_credential() {
    let base = Base::new("era-a-3.31");
    assert!(base.findings("model-provider-without-credential").is_empty());
    base.edit_config(|c| c["agents"]["defaults"]["model"] = json!({"primary": "xai/grok-4"}));
    let f = base.findings("model-provider-without-credential");
    assert_eq!(f[0].provider.as_deref(), Some("xai"), "{f:#?}");
}

#[test]
fn a_provider_only_a_fallback_image_or_utility_model_uses_with_no_credential_is_a_warning() {
    // Era C (2026.9 rules): `--check` does not name such a provider; the doctor must.
    let base = Base::new("era-c-9.6");
    assert!(base.findings("model-provider-without-credential").is_empty());
    base.edit_config(|c| {
        c["agents"]["defaults"]["model"]["fallbacks"] = json!(["xai/grok-4"]);
        c["agents"]["defaults"]["imageModel"] = json!({"primary": "fal/flux", "fallbacks": []});
        c["agents"]["defaults"]["utilityModel"] = json!("cerebras/llama");
    });
    let f = base.findings("model-provider-without-credential");
    let by_provider =
        |p: &str| f.iter().find(|f| f.provider.as_deref() == Some(p)).unwrap_or_else(|| panic!("{p}: {f:#?}"));
    for (provider, role) in [("xai", "fallback model"), ("fal", "image model"), ("cerebras", "utility model")] {
        let finding = by_provider(provider);
        assert_eq!(finding.severity, Severity::Warning, "{finding:#?}");
        assert!(finding.message.contains("a failover to it fails"), "{}", finding.message);
        assert!(finding.message.contains(role), "{}", finding.message);
    }
    // The same provider as the default model is an error.
    base.edit_config(|c| c["agents"]["defaults"]["model"]["primary"] = json!("xai/grok-4"));
    let f = base.findings("model-provider-without-credential");
    let xai: Vec<_> = f.iter().filter(|f| f.provider.as_deref() == Some("xai")).collect();
    assert!(!xai.is_empty() && xai.iter().all(|f| f.severity == Severity::Error), "{xai:#?}");
    assert!(xai[0].message.contains("No API key found"), "{}", xai[0].message);
}

#[test]
fn a_provider_in_env_and_in_the_store() {
    let base = Base::new("era-a-3.31");
    assert!(base.findings("env-and-store").is_empty());
    std::fs::write(base.state.join(".env"), "ANTHROPIC_API_KEY=sk-ant-api03-ENVENVENVENVENV-00000000\n").unwrap();
    let f = base.findings("env-and-store");
    assert_eq!(f[0].severity, Severity::Info);
    assert!(f[0].message.contains("stored profiles win"), "{}", f[0].message);
    assert_eq!(base.doctor().exit_code, 0, "info only");
}

#[test]
fn dotenv_lines_that_do_not_parse_are_named_by_number() {
    let base = Base::new("era-a-3.31");
    assert!(base.findings("dotenv-unparsable").is_empty());
    let env = base.state.join(".env");
    let text = std::fs::read_to_string(&env).unwrap();
    std::fs::write(&env, format!("{text}# fine\nBROKEN LINE sk-secret-value\n")).unwrap();
    let f = base.findings("dotenv-unparsable");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(f[0].path.ends_with(".env:3"), "{}", f[0].path);
    assert!(!f[0].message.contains("sk-secret-value"));
}

#[test]
fn modes_are_found_and_fixed() {
    use std::os::unix::fs::PermissionsExt;
    let base = Base::new("era-a-3.31");
    assert!(base.findings("state-dir-permissions").is_empty());
    assert!(base.findings("file-permissions").is_empty());
    chmod(&base.state, 0o755);
    chmod(&base.main_store(), 0o644);
    chmod(&base.state.join(".env"), 0o640);
    assert!(base.fix("state-dir-permissions").is_empty(), "only the dir's own mode changes");
    assert_eq!(std::fs::metadata(&base.state).unwrap().permissions().mode() & 0o777, 0o700);
    assert_eq!(base.findings("file-permissions").len(), 2);
    let first = base.findings("file-permissions")[0].key.clone();
    let writer = Writer::new(crate::StateLocation::in_dir(&base.state));
    fix::apply(&writer, &base.snapshot(), &first).unwrap();
    assert_eq!(base.findings("file-permissions").len(), 1);
    // A fix asked for again after it was applied: gone, nothing done.
    assert!(matches!(fix::apply(&writer, &base.snapshot(), &first), Err(fix::FixError::Gone)));
    assert_eq!(base.fix("file-permissions").len(), 1);
}

#[test]
fn the_chmod_fix_never_changes_a_file_outside_the_state_dir() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let mode = |p: &Path| std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777;
    let base = Base::new("era-a-3.31");
    let outside = base.state.parent().unwrap().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let writer = Writer::new(crate::StateLocation::in_dir(&base.state));

    // An agent dir that is a link to a dir elsewhere, whose store is 0644: the fix refuses.
    let agent_dir = base.state.join("agents/main/agent");
    std::fs::rename(&agent_dir, outside.join("agent")).unwrap();
    symlink(outside.join("agent"), &agent_dir).unwrap();
    let victim = outside.join("agent/auth-profiles.json");
    chmod(&victim, 0o644);
    let found = base.findings("file-permissions");
    let through_link = found.iter().find(|f| f.path.contains("auth-profiles.json")).expect("the store is found");
    let e = fix::apply(&writer, &base.snapshot(), &through_link.key).unwrap_err();
    assert!(e.to_string().contains("symbolic link"), "{e}");
    assert_eq!(mode(&victim), 0o644, "the file outside is untouched");

    // `.env` swapped between a 0640 file and a link to an outside file while fixes are asked for
    // again and again: the outside file never changes (no window between check and chmod).
    let target = outside.join("victim.env");
    std::fs::write(&target, "X=1\n").unwrap();
    chmod(&target, 0o644);
    let env = base.state.join(".env");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let swapper = {
        let (env, target, stop) = (env.clone(), target.clone(), stop.clone());
        std::thread::spawn(move || {
            let (file, link) = (env.with_extension("swap-file"), env.with_extension("swap-link"));
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                std::fs::write(&file, "OPENAI_API_KEY=sk-x\n").unwrap();
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
                std::fs::rename(&file, &env).unwrap();
                let _ = std::fs::remove_file(&link);
                symlink(&target, &link).unwrap();
                std::fs::rename(&link, &env).unwrap();
            }
        })
    };
    let (mut attempts, started) = (0, std::time::Instant::now());
    while attempts < 300 && started.elapsed() < std::time::Duration::from_secs(30) {
        if let Some(f) = base.findings("file-permissions").into_iter().find(|f| f.path.contains(".env")) {
            let _ = fix::apply(&writer, &base.snapshot(), &f.key);
            attempts += 1;
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    swapper.join().unwrap();
    assert!(attempts >= 20, "only {attempts} fixes were tried");
    assert_eq!(mode(&target), 0o644, "a swapped-in link's target was changed");
}

#[test]
fn stale_locks_are_removed_and_live_ones_left_alone() {
    let base = Base::new("era-a-3.31");
    assert!(base.findings("stale-lock").is_empty());
    let lock = base.state.join("agents/main/agent/auth-profiles.json.lock");
    std::fs::write(&lock, r#"{"pid": 3999999, "createdAt": "2026-01-01T00:00:00.000Z"}"#).unwrap();
    assert_eq!(base.rel(&base.fix("stale-lock")), ["agents/main/agent/auth-profiles.json.lock"]);
    assert!(!lock.exists());
    std::fs::write(&lock, format!(r#"{{"pid": {}, "createdAt": "2026-01-01T00:00:00.000Z"}}"#, std::process::id()))
        .unwrap();
    assert!(base.findings("stale-lock").is_empty(), "a live writer's lock is not stale");
}

#[test]
fn old_temp_files_are_removed_and_fresh_ones_left_alone() {
    let base = Base::new("era-a-3.31");
    assert!(base.findings("leftover-temp-file").is_empty());
    let temp = base.state.join("agents/main/agent/auth-profiles.json.0123456789abcdef.tmp");
    std::fs::write(&temp, "{}").unwrap();
    assert!(base.findings("leftover-temp-file").is_empty(), "a writer may still be at work");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(300);
    std::fs::File::options().write(true).open(&temp).unwrap().set_modified(old).unwrap();
    assert_eq!(
        base.rel(&base.fix("leftover-temp-file")),
        ["agents/main/agent/auth-profiles.json.0123456789abcdef.tmp"]
    );
}

#[test]
fn legacy_files() {
    let base = Base::new("era-c-9.6");
    for check in ["migration-required", "legacy-auth-json", "legacy-oauth-json"] {
        assert!(base.findings(check).is_empty(), "{check}");
    }
    let old = base.state.join("agents/old/agent");
    std::fs::create_dir_all(&old).unwrap();
    std::fs::write(
        old.join("auth-profiles.json"),
        json!({"version": 1, "profiles": {"anthropic:old": {"type": "token", "provider": "anthropic", "token": SETUP_X}}}).to_string(),
    )
    .unwrap();
    let f = base.findings("migration-required");
    assert_eq!(f[0].agent.as_deref(), Some("old"), "{f:#?}");
    assert!(f[0].fix_hint.contains("openclaw doctor --fix"));
    std::fs::write(base.state.join("agents/main/agent/auth.json"), "{}").unwrap();
    assert_eq!(base.findings("legacy-auth-json").len(), 1);
    std::fs::create_dir_all(base.state.join("credentials")).unwrap();
    std::fs::write(base.state.join("credentials/oauth.json"), "{}").unwrap();
    assert_eq!(base.findings("legacy-oauth-json").len(), 1);
}

#[test]
fn files_that_cannot_be_read() {
    let base = Base::new("era-a-3.31");
    assert!(base.findings("unreadable-file").is_empty());
    std::fs::write(base.main_store(), "{ not json").unwrap();
    let f = base.findings("unreadable-file");
    assert_eq!(f[0].severity, Severity::Error, "{f:#?}");
    assert!(f[0].path.ends_with("auth-profiles.json"));
}

#[test]
fn findings_are_worst_first_and_keys_are_unique() {
    let base = Base::new("era-a-3.31");
    let now = base.now;
    base.edit_store(|s| {
        s["profiles"]["anthropic:work"]["expires"] = json!(now + 3_600_000);
        s["order"]["anthropic"] = json!(["anthropic:gone", "anthropic:manual"]);
        s["profiles"]["anthropic:manual"]["token"] = json!("");
    });
    let report = base.doctor();
    let severities: Vec<Severity> = report.findings.iter().map(|f| f.severity).collect();
    let mut sorted = severities.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(severities, sorted);
    let keys: std::collections::BTreeSet<&str> = report.findings.iter().map(|f| f.key.as_str()).collect();
    assert_eq!(keys.len(), report.findings.len());
    assert_eq!(report.exit_code, 1);
}
