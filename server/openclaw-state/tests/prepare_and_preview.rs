//! The two-step paste (prepare once, commit that preparation) and the remove preview, on copies
//! of states OpenClaw wrote.

use std::path::{Path, PathBuf};

use openclaw_state::StateLocation;
use openclaw_state::testing::relocate_fixture;
use openclaw_state::write::engine::{OrderChange, PasteInput, WriteError, Writer};
use openclaw_state::write::expiry::Expiry;
use openclaw_state::write::normalize::{Hint, InputError, SecretKind};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

const TOKEN: &str = "sk-ant-oat01-TESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTESTTEST-NEWTOKEN";

fn setup(fixture: &str) -> (tempfile::TempDir, PathBuf, Writer) {
    let tmp = tempfile::tempdir().unwrap();
    let state = relocate_fixture(fixture, tmp.path());
    let writer = Writer::new(StateLocation::in_dir(&state));
    (tmp, state, writer)
}

fn input(profile: &str, kind: SecretKind, secret: &str) -> PasteInput {
    PasteInput {
        agent: Some("main".into()),
        provider: "anthropic".into(),
        profile_id: Some(profile.into()),
        kind,
        secret: SecretString::from(secret.to_owned()),
        expiry: Some(Expiry::After { ms: 86_400_000 }),
    }
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_prepared_paste_previews_without_writing_and_commits_what_was_shown() {
    for fixture in ["era-a-3.31", "era-b-5.28", "era-c-9.6"] {
        let (_tmp, state, w) = setup(fixture);
        let before = tree(&state);
        let prepared = w.prepare_paste(&input("anthropic:k", SecretKind::ApiKey, TOKEN)).unwrap();
        assert_eq!(tree(&state), before, "{fixture}: preparing writes nothing");
        assert_eq!(prepared.profile_id(), "anthropic:k");
        assert_eq!(prepared.expires(), None, "an API key does not expire");
        assert_eq!(prepared.revision(), &w.version(Some("main")).unwrap(), "{fixture}");
        let needs_yes = prepared.hints_needing_yes();
        assert_eq!(needs_yes.len(), 1, "{fixture}: {needs_yes:?}");
        assert_eq!(needs_yes[0].hint, Hint::SetupTokenAsApiKey);
        let preview = prepared.preview();
        assert!(!serde_json::to_string(&preview).unwrap().contains(TOKEN), "no secret in the preview");
        let masked = prepared.masked();
        let report = w.commit_paste(prepared, false, None).unwrap();
        assert_eq!(report.profile_id.as_deref(), Some("anthropic:k"));
        assert_eq!(report.masked.as_deref(), Some(masked.as_str()));
        assert_eq!(report.version, w.version(Some("main")).unwrap(), "{fixture}");
    }
}

#[test]
fn a_token_expiry_is_resolved_when_prepared() {
    let (_tmp, _state, w) = setup("era-b-5.28");
    let at = 4_102_444_799_000; // 2099-12-31T23:59:59Z
    let mut token = input("anthropic:t", SecretKind::Token, TOKEN);
    token.expiry = Some(Expiry::At { ms: at });
    let prepared = w.prepare_paste(&token).unwrap();
    assert_eq!(prepared.expires(), Some(at));
    // Claude-Code-only advice is shown, but needs no yes.
    assert!(prepared.hints().contains(&Hint::ClaudeCodeOnly));
    assert!(prepared.hints_needing_yes().is_empty());
    let report = w.commit_paste(prepared, true, None).unwrap();
    assert!(report.changes[0].contains("expires 2099-12-31T23:59:59.000Z"), "{:?}", report.changes);
}

#[test]
fn a_preparation_based_on_its_own_read_conflicts_with_a_later_change() {
    for fixture in ["era-b-5.28", "era-c-9.6"] {
        let (_tmp, state, w) = setup(fixture);
        let prepared = w.prepare_paste(&input("anthropic:k", SecretKind::ApiKey, "sk-ant-api03-abcdef")).unwrap();
        let base = prepared.revision().clone();
        w.order_clear(Some("main"), "anthropic", None).unwrap();
        let between = tree(&state);
        let err = w.commit_paste(prepared.clone(), false, Some(&base)).unwrap_err();
        assert!(matches!(err, WriteError::Conflict { .. }), "{fixture}: {err}");
        assert_eq!(tree(&state), between, "{fixture}: a refused commit writes nothing");
        // Without a base it is a plain upsert of one entry, as OpenClaw's paste.
        let report = w.commit_paste(prepared, false, None).unwrap();
        assert_eq!(report.profile_id.as_deref(), Some("anthropic:k"));
    }
}

#[test]
fn strict_refuses_the_hints_that_need_a_yes() {
    let (_tmp, state, w) = setup("era-b-5.28");
    let before = tree(&state);
    let prepared = w.prepare_paste(&input("anthropic:k", SecretKind::ApiKey, TOKEN)).unwrap();
    let err = w.commit_paste(prepared, true, None).unwrap_err();
    assert!(matches!(err, WriteError::Input(InputError::Strict(_))), "{err}");
    assert_eq!(tree(&state), before);
}

#[test]
fn the_remove_preview_is_what_remove_then_does() {
    for fixture in ["era-a-3.31", "era-b-5.28", "era-c-9.6"] {
        let (_tmp, state, w) = setup(fixture);
        let cfg_path = state.join("openclaw.json");
        let mut cfg: Value = serde_json::from_str(&std::fs::read_to_string(&cfg_path).unwrap()).unwrap();
        cfg["auth"]["order"] = serde_json::json!({"anthropic": ["anthropic:manual"]});
        std::fs::write(&cfg_path, openclaw_state::write::json_text::stringify_pretty(&cfg)).unwrap();
        w.order_set(Some("main"), "anthropic", &["anthropic:manual".into()], None).unwrap();
        let stored = openclaw_state::read_state(&StateLocation::in_dir(&state), &Default::default())
            .agent("main")
            .and_then(|a| a.profile("anthropic:manual"))
            .and_then(|p| p.credential.secret.as_ref().map(|s| s.expose_secret().to_owned()))
            .unwrap();
        let before = tree(&state);
        let preview = w.preview_remove(Some("main"), "anthropic:manual").unwrap();
        assert_eq!(tree(&state), before, "{fixture}: a preview writes nothing");
        assert_eq!(preview.profile_id, "anthropic:manual");
        assert_eq!(preview.provider, "anthropic");
        assert_eq!(
            preview.stored_orders,
            [OrderChange { provider: "anthropic".into(), before: vec!["anthropic:manual".into()], after: vec![] }],
            "{fixture}"
        );
        assert_eq!(
            preview.config_orders,
            [OrderChange { provider: "anthropic".into(), before: vec!["anthropic:manual".into()], after: vec![] }],
            "{fixture}"
        );
        assert!(preview.config_entry, "{fixture}: the fixture's config has auth.profiles[anthropic:manual]");
        assert!(preview.masked.is_some());
        let json = serde_json::to_string(&preview).unwrap();
        assert!(!json.contains(&stored), "masks only: {json}");
        let report = w.remove(Some("main"), "anthropic:manual", Some(&preview.version)).unwrap();
        assert_eq!(report.changes, preview.changes, "{fixture}");
    }
}

#[test]
fn the_remove_preview_refuses_what_remove_refuses() {
    let (_tmp, _state, w) = setup("era-b-5.28");
    assert!(matches!(w.preview_remove(Some("main"), "anthropic:nope"), Err(WriteError::UnknownProfile { .. })));
    assert!(w.preview_remove(Some("main"), "a/../../b:c").is_err());
    assert!(w.preview_remove(Some("../x"), "anthropic:manual").is_err());
}
