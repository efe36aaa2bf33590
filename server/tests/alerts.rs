//! Alerts (issue 18) end to end through real sockets: an HTTP sink (ntfy topic and webhook) and an
//! SMTP sink on 127.0.0.1, the panel's service with a clock the test moves, the real CLI for the
//! writes and for `alerts … ` in separate processes.
//!
//! - A token planted to expire in 25 h gives exactly one message per channel at 24 h, 6 h, 1 h,
//!   at expiry, and one recovery once a new token is written; nothing in between and nothing after
//!   a restart of the panel (a new service over the same data dir).
//! - The webhook's `X-Signature` verifies (HMAC-SHA256 computed here with the `hmac` crate).
//! - A sink that answers 500 is retried (with backoff), the failure is shown on the page's view
//!   and in `/metrics`, the message waits in the outbox and is delivered once the sink recovers.
//! - No message, e-mail, log line, alert file or History line holds a secret.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use panel_alerts::{Links, RetryPolicy};
use panel_service::alerts::AlertSettings;
use panel_service::{PanelConfig, PanelService};
use panel_views::{AlertChannelRequest, Severity};

mod piped;
mod sinks;
use sinks::{HttpSink, SmtpSink};

const H: i64 = 60 * 60 * 1000;
const MIN: i64 = 60 * 1000;
const TOKEN_OLD: &str = "sk-ant-oat01-ALERTOLDALERTOLDALERTOLDALERTOLDALERTOLDALERTOLDALERTOLDALERTOLDALERTOLD-ZZZZ";
const TOKEN_NEW: &str = "sk-ant-oat01-ALERTNEWALERTNEWALERTNEWALERTNEWALERTNEWALERTNEWALERTNEWALERTNEWALERTNEW-YYYY";
const NTFY_TOKEN: &str = "tk_ntfyaccesstoken0123456789";
const HOOK_SECRET: &str = "hook-signing-secret-0123456789abcdef";
const SMTP_PASSWORD: &str = "smtp-password-S3cret!";

fn cli(state: &Path, data: &Path, args: &[&str], stdin: Option<&str>) -> (i32, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_openclaw-auth-panel"));
    cmd.args(args)
        .env("OPENCLAW_STATE_DIR", state)
        .env_remove("OPENCLAW_CONFIG_PATH")
        .env("OPENCLAW_PANEL_NO_PROCESS_ENV", "true")
        .env("OPENCLAW_PANEL_DATA_DIR", data)
        .env("OPENCLAW_PANEL_LOG", "debug");
    piped::run(&mut cmd, stdin)
}

/// A 2026.5 state whose default model is Anthropic's, with one setup token expiring in 25 h
/// (written by our CLI as `models auth paste-token` would); returns its expiry (ms).
fn plant(state: &Path, data: &Path, expires_in: &str) -> i64 {
    std::fs::create_dir_all(state).unwrap();
    let config = serde_json::json!({
        "meta": {"lastTouchedVersion": "2026.5.28"},
        "agents": {"defaults": {"model": {"primary": "anthropic/claude-sonnet-4-5"}}}
    });
    std::fs::write(state.join("openclaw.json"), serde_json::to_string_pretty(&config).unwrap()).unwrap();
    let (code, out) = cli(
        state,
        data,
        &[
            "auth",
            "paste-token",
            "--provider",
            "anthropic",
            "--profile-id",
            "anthropic:work",
            "--expires-in",
            expires_in,
        ],
        Some(TOKEN_OLD),
    );
    assert_eq!(code, 0, "{out}");
    expiry(state)
}

/// The new token for anthropic:work, good for 90 days (as the page or the CLI writes it); the
/// CLI's output.
fn renew(state: &Path, data: &Path) -> String {
    let (code, out) = cli(
        state,
        data,
        &["auth", "paste-token", "--provider", "anthropic", "--profile-id", "anthropic:work", "--expires-in", "90d"],
        Some(TOKEN_NEW),
    );
    assert_eq!(code, 0, "{out}");
    out
}

fn expiry(state: &Path) -> i64 {
    let store: serde_json::Value =
        serde_json::from_slice(&std::fs::read(state.join("agents/main/agent/auth-profiles.json")).unwrap()).unwrap();
    store["profiles"]["anthropic:work"]["expires"].as_i64().expect("an expiry was written")
}

fn service(state: &Path, data: &Path) -> PanelService {
    let config = PanelConfig {
        location: openclaw_state::StateLocation::in_dir(state),
        process_env: Default::default(),
        openclaw_version: None,
        data_dir: Some(data.to_owned()),
    };
    PanelService::new(config).with_alerts(AlertSettings {
        interval: Duration::from_secs(600),
        window_ms: H,
        links: Links::new("http://127.0.0.1:18785"),
        host: "gw-test".to_owned(),
        retry: RetryPolicy { attempts: 3, first_backoff: Duration::from_millis(50), timeout: Duration::from_secs(5) },
        gateway: false,
    })
}

fn request(kind: &str, name: &str) -> AlertChannelRequest {
    AlertChannelRequest {
        name: name.to_owned(),
        kind: kind.to_owned(),
        min_severity: Some(Severity::Info),
        ..Default::default()
    }
}

/// Log lines of the test's thread (the service logs through `tracing`).
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

const SECRETS: [&str; 5] = [TOKEN_OLD, TOKEN_NEW, NTFY_TOKEN, HOOK_SECRET, SMTP_PASSWORD];

fn assert_clean(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} holds a secret: {text}");
        // Nor a long piece of it.
        assert!(!text.contains(&secret[..20]), "{what} holds part of a secret: {text}");
    }
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(files_under(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[tokio::test(flavor = "current_thread")]
async fn expiry_marks_are_told_once_each_then_the_recovery_and_nothing_after_a_restart() {
    let (logs, _guard) = capture_logs();
    let home = tempfile::tempdir().unwrap();
    let (state, data) = (home.path().join(".openclaw"), home.path().join("panel-data"));
    let expires = plant(&state, &data, "25h");
    let http = HttpSink::start();
    let smtp = SmtpSink::start();

    let panel = service(&state, &data);
    let actor = "panel:127.0.0.1";
    panel
        .alerts_add(
            actor,
            &AlertChannelRequest {
                url: http.url("/ntfy/oc-alerts"),
                token: NTFY_TOKEN.into(),
                ..request("ntfy", "phone")
            },
        )
        .await
        .unwrap();
    panel
        .alerts_add(
            actor,
            &AlertChannelRequest {
                url: http.url("/hook"),
                secret: HOOK_SECRET.into(),
                ..request("webhook", "ops hook")
            },
        )
        .await
        .unwrap();
    panel
        .alerts_add(
            actor,
            &AlertChannelRequest {
                smtp_host: "127.0.0.1".into(),
                smtp_port: Some(smtp.port),
                smtp_security: "none".into(),
                smtp_user: "panel".into(),
                smtp_password: SMTP_PASSWORD.into(),
                from: "OpenClaw Panel <panel@gw.test>".into(),
                to: "ops@example.test, oncall@example.test".into(),
                ..request("email", "ops mail")
            },
        )
        .await
        .unwrap();

    // The clock walks from 25 h before the expiry to past it, every 20 minutes.
    let mut fired_at = Vec::new();
    let mut t = expires - 25 * H;
    while t <= expires + 40 * MIN {
        let report = panel.alerts_check_at(t).await.unwrap();
        for e in &report.events {
            fired_at.push((e.level.clone(), e.kind.clone(), (expires - t) / MIN));
        }
        assert!(report.deliveries.iter().all(|d| d.ok), "{:?}", report.deliveries);
        t += 20 * MIN;
    }
    let levels: Vec<(String, String)> = fired_at.iter().map(|(l, k, _)| (l.clone(), k.clone())).collect();
    assert_eq!(
        levels,
        [
            ("expiring-24h".to_owned(), "fired".to_owned()),
            ("expiring-6h".into(), "fired".into()),
            ("expiring-1h".into(), "fired".into()),
            ("expired".into(), "fired".into()),
        ],
        "{fired_at:?}"
    );
    // Each at the first evaluation past its mark.
    for ((_, _, left), mark) in fired_at.iter().zip([24 * 60, 6 * 60, 60, 0]) {
        assert!(*left <= mark && *left > mark - 20, "{fired_at:?}");
    }

    // A new token is written (as the page or the CLI writes it): recovered at the next evaluation.
    renew(&state, &data);
    let report = panel.alerts_check_at(t).await.unwrap();
    let got: Vec<(String, String)> = report.events.iter().map(|e| (e.kind.clone(), e.level.clone())).collect();
    assert_eq!(got, [("recovered".to_owned(), "expired".to_owned())]);
    assert!(report.active.is_empty(), "{:?}", report.active);
    assert!(panel.alerts_check_at(t + 20 * MIN).await.unwrap().events.is_empty());

    // A restart: a new service over the same data dir remembers; nothing is sent again.
    drop(panel);
    let restarted = service(&state, &data);
    for later in [t + 30 * MIN, t + 3 * H, t + 30 * H] {
        let report = restarted.alerts_check_at(later).await.unwrap();
        assert!(report.events.is_empty() && report.deliveries.is_empty(), "{report:?}");
    }

    // ntfy: five messages, with ntfy's headers and the token only in Authorization.
    let ntfy = http.seen("/ntfy/oc-alerts");
    let titles: Vec<&str> = ntfy.iter().map(|s| s.header("title").unwrap()).collect();
    assert_eq!(titles.len(), 5, "{titles:?}");
    assert!(titles[0].ends_with("expires in 24 h") || titles[0].contains("expires in 23 h"), "{titles:?}");
    assert!(titles[1].contains("expires in 5 h") || titles[1].ends_with("expires in 6 h"), "{titles:?}");
    assert!(titles[3].ends_with("expired"), "{titles:?}");
    assert!(titles[4].starts_with("Recovered: "), "{titles:?}");
    let priorities: Vec<&str> = ntfy.iter().map(|s| s.header("priority").unwrap()).collect();
    assert_eq!(priorities, ["4", "4", "5", "5", "3"]);
    assert_eq!(ntfy[3].header("tags"), Some("rotating_light,openclaw"));
    assert_eq!(ntfy[4].header("tags"), Some("white_check_mark,openclaw"));
    assert_eq!(ntfy[0].header("click"), Some("http://127.0.0.1:18785/?agent=main"));
    assert!(ntfy.iter().all(|s| s.header("authorization") == Some(&format!("Bearer {NTFY_TOKEN}"))));
    assert!(ntfy[3].text().contains("claude setup-token"), "{}", ntfy[3].text());
    println!(
        "ntfy message (expired): Title: {} | Priority: {} | Tags: {} | Click: {} | body: {}",
        titles[3],
        priorities[3],
        ntfy[3].header("tags").unwrap(),
        ntfy[3].header("click").unwrap(),
        ntfy[3].text()
    );

    // Webhook: five JSON messages whose signature verifies with the shared secret.
    let hooks = http.seen("/hook");
    assert_eq!(hooks.len(), 5);
    for hook in &hooks {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(HOOK_SECRET.as_bytes()).unwrap();
        mac.update(&hook.body);
        let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        assert_eq!(hook.header("x-signature"), Some(expected.as_str()));
        let body: serde_json::Value = serde_json::from_slice(&hook.body).unwrap();
        assert_eq!(body["version"], 1);
        assert_eq!(body["host"], "gw-test");
        assert_eq!(body["events"][0]["profile"], "anthropic:work");
        assert_eq!(hook.header("x-openclaw-panel-event"), body["kind"].as_str());
    }
    let kinds: Vec<String> = hooks
        .iter()
        .map(|h| {
            serde_json::from_slice::<serde_json::Value>(&h.body).unwrap()["events"][0]["level"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(kinds, ["expiring-24h", "expiring-6h", "expiring-1h", "expired", "expired"]);
    println!("webhook body (expired): {}", hooks[3].text());
    // A body changed in transit no longer verifies.
    let mut tampered = hooks[0].body.clone();
    tampered[10] ^= 1;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(HOOK_SECRET.as_bytes()).unwrap();
    mac.update(&tampered);
    assert_ne!(hooks[0].header("x-signature").unwrap(), format!("sha256={}", hex::encode(mac.finalize().into_bytes())));

    // E-mail: five, to both recipients, logged in, with the severity in the subject.
    let mails = smtp.mails();
    assert_eq!(mails.len(), 5);
    assert_eq!(mails[0].to, ["ops@example.test", "oncall@example.test"]);
    assert_eq!(mails[0].from, "panel@gw.test");
    assert_eq!(mails[0].auth.as_deref(), Some(format!("panel:{SMTP_PASSWORD}").as_str()));
    assert!(mails[3].subject().starts_with("[OpenClaw error] "), "{}", mails[3].subject());
    assert!(mails[4].subject().starts_with("[OpenClaw info] Recovered: "), "{}", mails[4].subject());
    println!("e-mail (expired): Subject: {}\n{}", mails[3].subject(), mails[3].data);

    // No secret anywhere it could leak: messages, e-mails, logs, the alert files, History.
    for s in http.all() {
        assert_clean("an HTTP message body", &s.text());
        let headers: Vec<String> =
            s.headers.iter().filter(|(n, _)| n != "authorization").map(|(n, v)| format!("{n}: {v}")).collect();
        assert_clean("HTTP headers", &headers.join("\n"));
    }
    for m in &mails {
        assert_clean("an e-mail", &m.data);
    }
    assert_clean("the log", &String::from_utf8_lossy(&logs.0.lock().unwrap()));
    let view = restarted.alerts_view().await.unwrap();
    assert_clean("the Alerts page", &serde_json::to_string(&view).unwrap());
    assert!(view.channels.iter().all(|c| c.up));
    for file in ["alerts-state.json", "audit.jsonl"] {
        assert_clean(file, &std::fs::read_to_string(data.join(file)).unwrap());
    }
    let history = std::fs::read_to_string(data.join("audit.jsonl")).unwrap();
    assert_eq!(history.matches("\"alert-channel-add\"").count(), 3, "{history}");
    for f in files_under(&data) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("alerts") {
                assert_eq!(std::fs::metadata(&f).unwrap().permissions().mode() & 0o777, 0o600, "{name}");
            }
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_failing_sink_is_retried_shown_and_delivered_once_it_recovers() {
    let (logs, _guard) = capture_logs();
    let home = tempfile::tempdir().unwrap();
    let (state, data) = (home.path().join(".openclaw"), home.path().join("panel-data"));
    let expires = plant(&state, &data, "3h");
    let http = HttpSink::start();
    let panel = service(&state, &data);
    panel
        .alerts_add(
            "panel:t",
            &AlertChannelRequest { url: http.url("/hook"), secret: HOOK_SECRET.into(), ..request("webhook", "hook") },
        )
        .await
        .unwrap();
    // Down: every attempt answers 500.
    http.answer_always(Some(500));
    let report = panel.alerts_check_at(expires - 3 * H + MIN).await.unwrap();
    assert_eq!(report.events.len(), 1);
    let d = &report.deliveries[0];
    assert!(!d.ok && d.will_retry && d.attempts == 3, "{d:?}");
    assert_eq!(d.error.as_deref(), Some("HTTP 500: sink says no"));
    assert_eq!(http.seen("/hook").len(), 3, "three attempts, with backoff");
    // The same delivery id on each attempt (a receiver can drop duplicates).
    let ids: Vec<String> =
        http.seen("/hook").iter().map(|s| s.header("x-openclaw-panel-delivery").unwrap().to_owned()).collect();
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");

    let view = panel.alerts_view().await.unwrap();
    assert!(!view.channels[0].up);
    assert_eq!(view.channels[0].last_error.as_deref(), Some("HTTP 500: sink says no"));
    assert_eq!(view.outbox, 1);
    assert!(!view.deliveries[0].ok && view.deliveries[0].will_retry);
    let metrics =
        panel_server::monitoring::render_alert_metrics("# EOF\n".to_owned(), &panel.alert_metrics().await).unwrap();
    assert!(metrics.contains("openclaw_auth_alert_channel_up{channel=\"hook\",kind=\"webhook\"} 0"), "{metrics}");
    assert!(metrics.contains("openclaw_auth_alert_outbox_messages 1"), "{metrics}");
    assert!(metrics.trim_end().ends_with("# EOF"));

    // Back up: the waiting message goes out at the next evaluation, once; nothing new fired.
    http.answer_always(None);
    http.answer_next(&[503]);
    let report = panel.alerts_check_at(expires - 3 * H + 11 * MIN).await.unwrap();
    assert!(report.events.is_empty());
    assert_eq!(report.deliveries.len(), 1);
    assert!(report.deliveries[0].ok && report.deliveries[0].attempts == 2, "{:?}", report.deliveries);
    assert_eq!(http.seen("/hook").len(), 5);
    let view = panel.alerts_view().await.unwrap();
    assert!(view.channels[0].up && view.outbox == 0);
    let metrics =
        panel_server::monitoring::render_alert_metrics("# EOF\n".to_owned(), &panel.alert_metrics().await).unwrap();
    assert!(metrics.contains("openclaw_auth_alert_channel_up{channel=\"hook\",kind=\"webhook\"} 1"), "{metrics}");
    assert!(panel.alerts_check_at(expires - 2 * H).await.unwrap().deliveries.is_empty());

    // A receiver that refuses for good (404) is not hammered: one attempt.
    http.answer_always(Some(404));
    let test = panel.alerts_test("panel:t", "hook").await.unwrap();
    assert!(!test.ok && test.attempts == 1, "{test:?}");
    let log = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(log.contains("retrying"), "{log}");
    assert_clean("the log", &log);
}

#[test]
fn the_cli_adds_tests_checks_once_for_cron_and_stays_quiet_on_the_next_run() {
    let home = tempfile::tempdir().unwrap();
    let (state, data) = (home.path().join(".openclaw"), home.path().join("panel-data"));
    plant(&state, &data, "5h");
    let http = HttpSink::start();
    let url = http.url("/ntfy/cron");
    let (code, out) = cli(
        &state,
        &data,
        &["alerts", "add", "ntfy", "--name", "phone", "--url", &url, "--secret-stdin"],
        Some(NTFY_TOKEN),
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("added phone") && out.contains("http://127.0.0.1"), "{out}");
    assert_clean("`alerts add`", &out);
    // The secret never goes on argv: a missing --url is said in words.
    let (code, out) = cli(&state, &data, &["alerts", "add", "ntfy", "--name", "other"], None);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("https://"), "{out}");

    let (code, out) = cli(&state, &data, &["alerts", "test", "phone"], None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("phone: delivered (HTTP 200)"), "{out}");
    assert!(http.seen("/ntfy/cron")[0].header("title").unwrap().starts_with("Test from the OpenClaw Auth Panel"));

    let (code, out) = cli(&state, &data, &["alerts", "check", "--once", "--no-gateway"], None);
    assert_eq!(code, 2, "a warning holds (expiring within 6 h): {out}");
    assert!(out.contains("fired [warning] anthropic:work of agent main expires in"), "{out}");
    assert!(out.contains("sent to phone: HTTP 200"), "{out}");
    // The next cron run: the same state, nothing new to say.
    let (code, out) = cli(&state, &data, &["alerts", "check", "--once", "--no-gateway", "--json"], None);
    assert_eq!(code, 2, "{out}");
    // stdout (the JSON) comes first, then the log on stderr.
    let report: serde_json::Value =
        serde_json::Deserializer::from_str(&out).into_iter().next().unwrap().unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_clean("`alerts check` output and log", &out);
    assert_eq!(report["events"].as_array().unwrap().len(), 0, "{out}");
    assert_eq!(report["active"][0]["level"], "expiring-6h");
    assert_eq!(http.seen("/ntfy/cron").len(), 2);

    let (code, out) = cli(&state, &data, &["alerts", "list"], None);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("phone (ch-") && out.contains("ntfy to http://127.0.0.1:"), "{out}");
    assert!(out.contains("access token tk…89") || out.contains("access token tk_n"), "{out}");
    assert_clean("`alerts list`", &out);
    let (code, out) = cli(&state, &data, &["alerts", "remove", "phone"], None);
    assert_eq!(code, 0, "{out}");
    let history = std::fs::read_to_string(data.join("audit.jsonl")).unwrap();
    for action in ["alert-channel-add", "alert-test", "alert-channel-remove"] {
        assert!(history.contains(action), "{history}");
    }
    assert_clean("History", &history);
}

/// Every kind of condition the demo state holds (every type, status and era), read off the one
/// analysis: what the page lists under "Holding now" with no channel yet, and nothing sent.
#[tokio::test(flavor = "current_thread")]
async fn the_demo_state_holds_each_kind_of_condition_once() {
    let home = tempfile::tempdir().unwrap();
    let (state, data) = (home.path().join(".openclaw"), home.path().join("panel-data"));
    let now = panel_service::now_ms();
    panel_server::demo::seed(&state, now).unwrap();
    let panel = service(&state, &data);
    let report = panel.alerts_check_at(now).await.unwrap();
    assert!(report.events.is_empty() && report.deliveries.is_empty(), "no channel: nothing told");
    let levels: std::collections::BTreeSet<&str> = report.active.iter().map(|c| c.level.as_str()).collect();
    for level in ["expired", "cooldown", "disabled"] {
        assert!(levels.contains(level), "{level} missing from {levels:?}");
    }
    // One condition per key, every one with words and a link to the panel.
    let keys: std::collections::BTreeSet<&str> = report.active.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys.len(), report.active.len());
    for c in &report.active {
        assert!(!c.title.is_empty() && !c.body.is_empty(), "{c:?}");
        assert!(c.link.starts_with("http://127.0.0.1:18785/"), "{c:?}");
    }
    assert_eq!(report.exit_code, 1, "an error-level condition holds");
    let view = panel.alerts_view().await.unwrap();
    assert_eq!(view.active.len(), report.active.len());
    assert!(view.active.iter().all(|a| a.link.starts_with('/') && !a.notified));
    // The first channel hears of them at the next evaluation, as one digest if many.
    let http = HttpSink::start();
    panel.alerts_add("panel:t", &AlertChannelRequest { url: http.url("/d"), ..request("ntfy", "d") }).await.unwrap();
    let report = panel.alerts_check_at(now + MIN).await.unwrap();
    let told: usize = report.events.len();
    assert!(told >= 3, "{report:?}");
    let sent = http.seen("/d");
    if told > panel_alerts::message::DIGEST_AFTER {
        assert_eq!(sent.len(), 1, "one digest");
        assert!(sent[0].header("title").unwrap().contains("credential alerts on gw-test"), "{:?}", sent[0]);
    } else {
        assert_eq!(sent.len(), told);
    }
    println!(
        "{}",
        report.active.iter().map(|c| format!("[{}] {} | {}", c.level, c.title, c.body)).collect::<Vec<_>>().join("\n")
    );
}

/// `serve` and the `alerts …` commands on one data dir: a channel added from the command line
/// while the panel runs is used at the panel's next evaluation; two evaluations at once (two
/// services, each with its own in-process turn, as two processes would be) tell a change once;
/// a cron `check --once` after them is quiet; a channel that takes warnings (the default) hears
/// the recovery of the warning it heard; links from the command line go where `serve` said it is.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_panel_and_the_commands_share_one_book() {
    let home = tempfile::tempdir().unwrap();
    let (state, data) = (home.path().join(".openclaw"), home.path().join("panel-data"));
    let expires = plant(&state, &data, "5h");
    let http = HttpSink::start();
    let panel = service(&state, &data);
    // The panel runs and has evaluated once, with no channel yet.
    let start = expires - 5 * H + MIN;
    assert!(panel.alerts_check_at(start).await.unwrap().deliveries.is_empty());
    // What `serve` writes at its start (tested in cli.rs): its link base.
    std::fs::write(data.join("public-url"), "https://gw.lan:18785\n").unwrap();

    let url = http.url("/ntfy/shared");
    let (code, out) = cli(&state, &data, &["alerts", "add", "ntfy", "--name", "phone", "--url", &url], None);
    assert_eq!(code, 0, "{out}");
    let (code, out) = cli(&state, &data, &["alerts", "test", "phone"], None);
    assert_eq!(code, 0, "{out}");
    assert_eq!(http.seen("/ntfy/shared")[0].header("click"), Some("https://gw.lan:18785/alerts"));

    let other = service(&state, &data);
    let at = start + MIN;
    let (a, b) = tokio::join!(panel.alerts_check_at(at), other.alerts_check_at(at));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.deliveries.len() + b.deliveries.len(), 1, "{a:?}\n{b:?}");
    assert_eq!(a.events.len() + b.events.len(), 1);
    let seen = http.seen("/ntfy/shared");
    assert_eq!(seen.len(), 2, "the test, then the warning once");
    assert_eq!(seen[1].header("priority"), Some("4"));
    assert_eq!(seen[1].header("click"), Some("http://127.0.0.1:18785/?agent=main"));

    let (code, out) = cli(&state, &data, &["alerts", "check", "--once", "--no-gateway", "--json"], None);
    assert_eq!(code, 2, "{out}");
    let report: serde_json::Value =
        serde_json::Deserializer::from_str(&out).into_iter().next().unwrap().unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(report["events"].as_array().unwrap().len(), 0, "{out}");
    assert_eq!(http.seen("/ntfy/shared").len(), 2);

    let out = renew(&state, &data);
    let book = std::fs::read_to_string(data.join("alerts-state.json")).unwrap();
    let report = panel.alerts_check_at(at + MIN).await.unwrap();
    assert_eq!(report.deliveries.len(), 1, "{report:?}\nthe book before: {book}\nthe paste: {out}");
    let seen = http.seen("/ntfy/shared");
    assert_eq!(seen.len(), 3);
    assert!(seen[2].header("title").unwrap().starts_with("Recovered: "), "{:?}", seen[2].header("title"));
    assert_eq!(seen[2].header("priority"), Some("3"));
    assert!(data.join("alerts.lock").exists());
}
