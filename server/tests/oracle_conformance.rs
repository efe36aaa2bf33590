//! Oracle conformance: for every case `scripts/oracle-cases.py` built with the real OpenClaw
//! (2026.3.31, 2026.5.28, 2026.9.6), run our `status --json --check` on the same state and compare
//! with what OpenClaw's `models status --json --check` said: profile ids, types, statuses,
//! `expiresAt`, reason codes, masked labels, per-provider effective kind, the per-provider roll-up
//! (`auth.oauth.providers[]`), unusable profiles, providers missing in use, and the exit code.
//!
//! Ignored by default (it needs the cases built first); `scripts/test.sh` runs it with
//! `ORACLE_CASES_DIR` set after running the case builder against the installed oracle.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn cases_dir() -> PathBuf {
    PathBuf::from(
        std::env::var("ORACLE_CASES_DIR").expect("set ORACLE_CASES_DIR to the output of scripts/oracle-cases.py"),
    )
}

/// OpenClaw's JSON, skipping log lines some versions print before it.
fn parse_json(text: &str) -> Option<Value> {
    let start = text.find("\n{").map(|i| i + 1).or_else(|| text.starts_with('{').then_some(0))?;
    serde_json::from_str(&text[start..]).ok()
}

/// Cooldown labels carry a rounded time left that moves while the suite runs: compare without it.
fn label_key(label: &str) -> String {
    match label.find(" [") {
        Some(i) => {
            let suffix = &label[i..];
            let kind = suffix.trim_start_matches(" [").split(' ').next().unwrap_or("");
            format!("{} [{kind}]", &label[..i])
        }
        None => label.to_owned(),
    }
}

fn profiles(v: &Value) -> BTreeMap<String, (String, String, Option<i64>, Option<String>)> {
    v["auth"]["oauth"]["profiles"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p["profileId"].as_str().unwrap_or_default().to_owned(),
                        (
                            p["type"].as_str().unwrap_or_default().to_owned(),
                            p["status"].as_str().unwrap_or_default().to_owned(),
                            p.get("expiresAt").and_then(Value::as_i64),
                            p.get("reasonCode").and_then(Value::as_str).map(str::to_owned),
                        ),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn providers(v: &Value) -> BTreeMap<String, (String, Vec<String>, Option<String>)> {
    v["auth"]["providers"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    let mut labels: Vec<String> = p["profiles"]["labels"]
                        .as_array()
                        .map(|l| l.iter().filter_map(Value::as_str).map(label_key).collect())
                        .unwrap_or_default();
                    labels.sort();
                    (
                        p["provider"].as_str().unwrap_or_default().to_owned(),
                        (
                            p["effective"]["kind"].as_str().unwrap_or_default().to_owned(),
                            labels,
                            p["env"]["value"].as_str().map(str::to_owned),
                        ),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The panel's one deliberate difference from `models status`: a secret of 17–31 characters is
/// shown 4 + 4, not 8 + 8 (`openclaw_state::mask`; which lengths, is pinned by its unit tests and
/// the fixture tests, which know the secrets). Where OpenClaw printed an 8 + 8 mask and ours is
/// exactly that mask cut to 4 + 4, OpenClaw's is taken as ours; anything else still differs.
fn with_our_stricter_masks(
    ours: &BTreeMap<String, (String, Vec<String>, Option<String>)>,
    mut theirs: BTreeMap<String, (String, Vec<String>, Option<String>)>,
) -> BTreeMap<String, (String, Vec<String>, Option<String>)> {
    fn cut(mask: &str) -> Option<String> {
        let dots = mask.find("...")?;
        let head = mask.get(..dots)?;
        let tail = mask.get(dots + 3..)?;
        let tail_end = tail.find(' ').unwrap_or(tail.len());
        let (tail, rest) = tail.split_at(tail_end);
        (head.len() >= 8 && tail.len() == 8 && head.is_char_boundary(head.len() - 4))
            .then(|| format!("{}...{}{rest}", &head[..head.len() - 4], &tail[4..]))
    }
    for (provider, (_, labels, env)) in theirs.iter_mut() {
        let Some((_, our_labels, our_env)) = ours.get(provider) else { continue };
        for (theirs, ours) in labels.iter_mut().zip(our_labels) {
            if cut(theirs).as_ref() == Some(ours) {
                *theirs = ours.clone();
            }
        }
        if let (Some(t), Some(o)) = (env.as_mut(), our_env)
            && cut(t).as_ref() == Some(o)
        {
            *t = o.clone();
        }
    }
    theirs
}

/// `auth.oauth.providers[]`: provider → (roll-up status, earliest numeric expiry).
fn rollups(v: &Value) -> BTreeMap<String, (String, Option<i64>)> {
    v["auth"]["oauth"]["providers"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p["provider"].as_str().unwrap_or_default().to_owned(),
                        (
                            p["status"].as_str().unwrap_or_default().to_owned(),
                            p.get("expiresAt").and_then(Value::as_i64),
                        ),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn unusable(v: &Value) -> Vec<(String, String, Option<String>)> {
    let mut out: Vec<_> = v["auth"]["unusableProfiles"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|u| {
                    (
                        u["profileId"].as_str().unwrap_or_default().to_owned(),
                        u["kind"].as_str().unwrap_or_default().to_owned(),
                        u.get("reason").and_then(Value::as_str).map(str::to_owned),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn string_list(v: &Value, pointer: &str) -> Vec<String> {
    let mut out: Vec<String> = v
        .pointer(pointer)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    out.sort();
    out
}

fn run_ours(case: &Path, meta: &Value) -> (Option<Value>, i32, String) {
    let home = case.join("home");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_openclaw-auth-panel"));
    cmd.env_clear()
        .env("HOME", &home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .arg("status")
        .arg("--json")
        .arg("--check")
        .arg("--state-dir")
        .arg(home.join(".openclaw"));
    if let Some(agent) = meta["agent"].as_str() {
        cmd.arg("--agent").arg(agent);
    }
    if let Some(env) = meta["env"].as_object() {
        for (k, v) in env {
            cmd.env(k, v.as_str().unwrap_or_default());
        }
    }
    let out = cmd.output().unwrap();
    (
        serde_json::from_slice(&out.stdout).ok(),
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
#[ignore = "needs the oracle cases: scripts/test.sh builds them with the real OpenClaw"]
fn status_matches_openclaw_on_every_case() {
    let dir = cases_dir();
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("case.json").is_file())
        .collect();
    names.sort();
    let mut failures = Vec::new();
    let mut compared = 0;
    let mut skipped = Vec::new();
    for case in &names {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let meta: Value = serde_json::from_str(&std::fs::read_to_string(case.join("case.json")).unwrap()).unwrap();
        if meta["comparable"] == Value::Bool(false) {
            skipped.push(format!("{name}: {}", meta["why_not_comparable"].as_str().unwrap_or("")));
            continue;
        }
        let oracle_rc: i32 = std::fs::read_to_string(case.join("oracle.rc")).unwrap().trim().parse().unwrap();
        let oracle = parse_json(&std::fs::read_to_string(case.join("oracle.stdout")).unwrap());
        let (ours, rc, stderr) = run_ours(case, &meta);
        compared += 1;
        let mut diffs = Vec::new();
        if rc != oracle_rc {
            diffs.push(format!("exit code: ours {rc}, OpenClaw {oracle_rc}"));
        }
        match (&ours, &oracle) {
            (Some(ours), Some(theirs)) => {
                if profiles(ours) != profiles(theirs) {
                    diffs.push(format!(
                        "profiles:\n    ours   {:?}\n    theirs {:?}",
                        profiles(ours),
                        profiles(theirs)
                    ));
                }
                let theirs_providers = with_our_stricter_masks(&providers(ours), providers(theirs));
                if providers(ours) != theirs_providers {
                    diffs.push(format!(
                        "providers:\n    ours   {:?}\n    theirs {:?}",
                        providers(ours),
                        theirs_providers
                    ));
                }
                if rollups(ours) != rollups(theirs) {
                    diffs.push(format!(
                        "oauth.providers:\n    ours   {:?}\n    theirs {:?}",
                        rollups(ours),
                        rollups(theirs)
                    ));
                }
                if unusable(ours) != unusable(theirs) {
                    diffs.push(format!(
                        "unusable:\n    ours   {:?}\n    theirs {:?}",
                        unusable(ours),
                        unusable(theirs)
                    ));
                }
                for pointer in ["/auth/missingProvidersInUse", "/auth/providersWithOAuth"] {
                    if string_list(ours, pointer) != string_list(theirs, pointer) {
                        diffs.push(format!(
                            "{pointer}: ours {:?}, theirs {:?}",
                            string_list(ours, pointer),
                            string_list(theirs, pointer)
                        ));
                    }
                }
            }
            (None, _) => diffs.push(format!("our output is not JSON; stderr: {stderr}")),
            (Some(_), None) => diffs.push("OpenClaw's output is not JSON".to_owned()),
        }
        if !diffs.is_empty() {
            failures.push(format!(
                "{name} ({}):\n  {}",
                meta["description"].as_str().unwrap_or(""),
                diffs.join("\n  ")
            ));
        }
    }
    println!("compared {compared} cases, {} not comparable:", skipped.len());
    for s in &skipped {
        println!("  - {s}");
    }
    assert!(compared >= 30, "only {compared} comparable cases");
    assert!(failures.is_empty(), "{} of {compared} cases differ:\n{}", failures.len(), failures.join("\n"));
}
