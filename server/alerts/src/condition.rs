//! The conditions worth telling an admin about, read off the one analysis (never derived again):
//! a token's lifetime crossing 24 h, 6 h, 1 h and its end; a profile in a cooldown or disabled;
//! several profiles of one provider down at once (a storm); a provider a model needs with no
//! credential; a file the panel cannot read; a doctor error; the running gateway differing from
//! disk or stopped.
//!
//! Invariants: a condition has a stable `key` (what it is about) and a `level` (how it stands);
//! at most one condition per key, so the ledger can tell a change (a new level) from the same
//! thing seen again. The words hold ids, times and file paths only, never a secret or a mask.

use openclaw_state::StateSnapshot;
use openclaw_state::analysis::Analysis;
use openclaw_state::doctor::DoctorReport;
use openclaw_state::health::HealthStatus;
use panel_common::{CredentialKind, Severity, UnusableKind};
use serde::{Deserialize, Serialize};

/// The marks before an expiry at which the admin is told, largest first (ms).
pub const EXPIRY_MARKS: [(i64, &str); 3] =
    [(24 * HOUR_MS, "expiring-24h"), (6 * HOUR_MS, "expiring-6h"), (HOUR_MS, "expiring-1h")];
const HOUR_MS: i64 = 60 * 60 * 1000;

/// How many down profiles of one provider make a storm.
pub const STORM_AT: usize = 2;

/// Doctor checks whose errors another condition already reports (or that are not credential
/// health): the lifetime, the missing provider, the unreadable file.
const DOCTOR_COVERED: &[&str] =
    &["token-expired", "model-provider-without-credential", "unreadable-file", "migration-required"];

/// One thing worth telling, as it stands now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    /// What it is about, stable across evaluations: `lifetime|main|anthropic:default`.
    pub key: String,
    /// How it stands: `expiring-6h`, `expired`, `cooldown`, `storm`, …
    pub level: String,
    pub severity: Severity,
    /// One line: what happened.
    pub title: String,
    /// What it means and what to do; ids, times and paths only.
    pub body: String,
    /// The panel's page for it (absolute when the panel knows its URL).
    pub link: String,
    /// What the condition is about, for the page, the webhook's JSON and History.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
}

/// What the running gateway looked like at this evaluation (from `panel-gateway`'s status and
/// comparison, made by the caller).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GatewayObservation {
    /// It answered (health endpoint or RPC).
    pub running: bool,
    /// Where it listens, for the words (`127.0.0.1:18789`).
    pub address: String,
    /// Per agent, the sentences of `compare` (empty: the gateway uses what disk holds).
    pub differences: Vec<(String, Vec<String>)>,
}

/// The panel's address for the links in messages (`https://gateway-host:18785`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Links {
    pub base: String,
}

impl Links {
    pub fn new(base: impl Into<String>) -> Self {
        Self { base: base.into().trim_end_matches('/').to_owned() }
    }

    pub fn page(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base)
    }

    fn agent(&self, agent: &str) -> String {
        self.page(&format!("/?agent={}", query_escape(agent)))
    }
}

/// Agent ids are `[a-z0-9_-]`, but a link must stay a link whatever the state holds.
fn query_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Everything one evaluation reads.
pub struct Inputs<'a> {
    pub snapshot: &'a StateSnapshot,
    pub analysis: &'a Analysis,
    /// The native doctor over the same analysis (`None`: not run).
    pub doctor: Option<&'a DoctorReport>,
    /// `None`: not asked (no gateway configured, or the caller chose not to).
    pub gateway: Option<&'a GatewayObservation>,
    /// The gateway answered at an earlier evaluation: only then is a silent one "stopped".
    pub gateway_seen_before: bool,
    pub links: &'a Links,
}

/// Every condition that holds now, one per key, in a stable order.
pub fn conditions(input: &Inputs<'_>) -> Vec<Condition> {
    let mut out = Vec::new();
    for agent in &input.analysis.agents {
        let agent_id = agent.agent_id.as_str();
        for p in agent.usable_store() {
            if let Some(c) = lifetime(agent_id, p, input) {
                out.push(c);
            }
            if let Some(u) = &p.health.unusable {
                let disabled = u.kind == UnusableKind::Disabled;
                let why = u.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
                let until = words_time(u.until);
                let (title, severity) = if disabled {
                    (format!("{} of agent {agent_id} is disabled{why}", p.id), Severity::Error)
                } else {
                    (format!("{} of agent {agent_id} is in a cooldown{why}", p.id), Severity::Warning)
                };
                out.push(Condition {
                    key: format!("unusable|{agent_id}|{}", p.id),
                    level: u.kind.as_str().to_owned(),
                    severity,
                    body: format!(
                        "OpenClaw skips this profile until {until} and tries the next one in the order. {}",
                        if disabled {
                            "A disable follows a billing or permanent authentication failure: check the account, \
                             paste a working credential, then clear the disable on the panel."
                        } else {
                            "A cooldown ends by itself; if it keeps coming back, check the provider's limits or \
                             add another profile to the order."
                        }
                    ),
                    title,
                    link: input.links.agent(agent_id),
                    agent: Some(agent_id.to_owned()),
                    provider: Some(p.provider.clone()),
                    profile: Some(p.id.clone()),
                });
            }
        }
        for provider in agent.providers.values() {
            let down: Vec<&str> = provider
                .profile_ids
                .iter()
                .filter_map(|id| agent.profile(id))
                .filter(|p| p.health.unusable.is_some() || p.health.status == HealthStatus::Expired)
                .map(|p| p.id.as_str())
                .collect();
            if down.len() >= STORM_AT {
                let all = down.len() == provider.profile_ids.len();
                out.push(Condition {
                    key: format!("storm|{agent_id}|{}", provider.provider),
                    level: "storm".to_owned(),
                    severity: Severity::Error,
                    title: format!(
                        "{} of {} profiles of {} are down for agent {agent_id}",
                        down.len(),
                        provider.profile_ids.len(),
                        provider.provider
                    ),
                    body: format!(
                        "Down now (expired, in a cooldown or disabled): {}. {}",
                        down.join(", "),
                        if all {
                            "None is left: requests to this provider fail until one recovers or a new credential \
                             is pasted."
                        } else {
                            "The rest of the order carries the load; check the provider's status and limits."
                        }
                    ),
                    link: input.links.agent(agent_id),
                    agent: Some(agent_id.to_owned()),
                    provider: Some(provider.provider.clone()),
                    profile: None,
                });
            }
        }
        for provider in &agent.check.missing {
            // A provider whose profiles expired or are down is already told by their own
            // conditions (one cause, one message); "missing" is for nothing there at all.
            let told = agent.usable_store().any(|p| {
                &p.provider == provider && (p.health.status == HealthStatus::Expired || p.health.unusable.is_some())
            });
            if told {
                continue;
            }
            out.push(Condition {
                key: format!("missing|{agent_id}|{provider}"),
                level: "missing".to_owned(),
                severity: Severity::Error,
                title: format!("No credential for {provider}, which agent {agent_id}'s models use"),
                body: format!(
                    "`openclaw models status --check` fails: a configured model of agent {agent_id} calls {provider} \
                     and OpenClaw finds no usable profile, environment key or models.json key for it. Paste a \
                     token or key for {provider} on the panel."
                ),
                link: input.links.agent(agent_id),
                agent: Some(agent_id.to_owned()),
                provider: Some(provider.clone()),
                profile: None,
            });
        }
    }
    for problem in &input.snapshot.problems {
        let path = input.snapshot.location.display(&problem.path);
        out.push(Condition {
            key: format!("read|{path}|{}", short_hash(&problem.message)),
            level: "read-problem".to_owned(),
            severity: if problem.severity == openclaw_state::problem::Severity::Error {
                Severity::Error
            } else {
                Severity::Warning
            },
            title: format!("The panel cannot read {path} cleanly"),
            body: format!("{} {}", problem.message, problem.hint),
            link: input.links.page("/doctor"),
            agent: None,
            provider: None,
            profile: None,
        });
    }
    if let Some(report) = input.doctor {
        for f in report.findings.iter().filter(|f| f.severity == Severity::Error) {
            if DOCTOR_COVERED.contains(&f.check) {
                continue;
            }
            out.push(Condition {
                key: format!("doctor|{}", f.key),
                level: "doctor-error".to_owned(),
                severity: Severity::Error,
                title: format!("Doctor: {}", f.message),
                body: format!("{} ({})", f.fix_hint, f.path),
                link: input.links.page("/doctor"),
                agent: f.agent.clone(),
                provider: f.provider.clone(),
                profile: f.profile_id.clone(),
            });
        }
    }
    if let Some(gateway) = input.gateway {
        gateway_conditions(gateway, input.links, input.gateway_seen_before, &mut out);
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out.dedup_by(|a, b| a.key == b.key);
    out
}

/// The lifetime of a token (or an OAuth access token OpenClaw would report expiring): the mark it
/// has crossed, or expired. A static key, or OAuth OpenClaw keeps refreshing, has none.
fn lifetime(agent_id: &str, p: &openclaw_state::analysis::ProfileAnalysis, input: &Inputs<'_>) -> Option<Condition> {
    let h = &p.health;
    if !matches!(h.status, HealthStatus::Expiring | HealthStatus::Expired) {
        return None;
    }
    let remaining = h.remaining_ms?;
    let expires = words_time(h.expires_at?);
    let what = match p.kind {
        CredentialKind::Token => "token",
        CredentialKind::OAuth => "OAuth login",
        CredentialKind::ApiKey => "key",
    };
    let renew = renew_hint(&p.provider, p.kind);
    let (level, severity, title) = if remaining <= 0 {
        ("expired", Severity::Error, format!("{} of agent {agent_id} expired", p.id))
    } else {
        let (_, level) = EXPIRY_MARKS.iter().rev().find(|(mark, _)| remaining <= *mark)?;
        let severity = if remaining <= HOUR_MS { Severity::Error } else { Severity::Warning };
        (*level, severity, format!("{} of agent {agent_id} expires in {}", p.id, duration_words(remaining)))
    };
    let body = if remaining <= 0 {
        format!("The {what} {} expired at {expires}; OpenClaw no longer uses it. {renew}", p.id)
    } else {
        format!("The {what} {} expires at {expires}. {renew}", p.id)
    };
    Some(Condition {
        key: format!("lifetime|{agent_id}|{}", p.id),
        level: level.to_owned(),
        severity,
        title,
        body,
        link: input.links.agent(agent_id),
        agent: Some(agent_id.to_owned()),
        provider: Some(p.provider.clone()),
        profile: Some(p.id.clone()),
    })
}

/// How a new credential of this kind is made (the words OpenClaw's own monitor script uses for
/// setup tokens), then where it goes.
fn renew_hint(provider: &str, kind: CredentialKind) -> String {
    let paste = "and paste the new one on the panel's profiles page; the panel applies it to the running gateway.";
    match (provider, kind) {
        ("anthropic", CredentialKind::Token) => format!("Run `claude setup-token` on a machine with a browser {paste}"),
        (_, CredentialKind::OAuth) => format!(
            "Log in again on the gateway host (`openclaw models auth login --provider {provider}`), or make a token \
             and paste it on the panel's profiles page."
        ),
        _ => format!("Make a new {provider} token {paste}"),
    }
}

fn gateway_conditions(g: &GatewayObservation, links: &Links, seen_before: bool, out: &mut Vec<Condition>) {
    let link = links.page("/");
    if !g.running {
        if seen_before {
            out.push(Condition {
                key: "gateway|running".to_owned(),
                level: "stopped".to_owned(),
                severity: Severity::Error,
                title: format!("The OpenClaw gateway at {} stopped answering", g.address),
                body: "It answered before and does not now: agents get no answers. Start it again (`openclaw \
                       gateway` or its service) and look at its log."
                    .to_owned(),
                link,
                agent: None,
                provider: None,
                profile: None,
            });
        }
        return;
    }
    for (agent, differences) in &g.differences {
        if differences.is_empty() {
            continue;
        }
        out.push(Condition {
            key: format!("gateway|differs|{agent}"),
            level: "differs".to_owned(),
            severity: Severity::Warning,
            title: format!("The running gateway does not use what disk holds for agent {agent}"),
            body: format!(
                "{} Apply the change from the panel's Gateway card (or `openclaw-auth-panel gateway apply`).",
                differences.join(" ")
            ),
            link: links.agent(agent),
            agent: Some(agent.clone()),
            provider: None,
            profile: None,
        });
    }
}

/// `2026-12-02 06:37 UTC`.
pub fn words_time(ms: i64) -> String {
    let iso = openclaw_state::write::time::iso_millis(ms);
    match (iso.get(..10), iso.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => iso,
    }
}

/// `23 h 59 min`, `45 min`, `2 d 3 h`.
pub fn duration_words(ms: i64) -> String {
    let minutes = (ms.max(0) + 59_999) / 60_000;
    // Under two days in hours: "24 h" reads better than "1 d" at the first mark.
    let (d, h, m) = if minutes < 48 * 60 {
        (0, minutes / 60, minutes % 60)
    } else {
        (minutes / (24 * 60), minutes / 60 % 24, minutes % 60)
    };
    match (d, h, m) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

fn short_hash(s: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(s.as_bytes());
    digest.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_words() {
        assert_eq!(duration_words(45 * 60_000), "45 min");
        assert_eq!(duration_words(6 * HOUR_MS), "6 h");
        assert_eq!(duration_words(23 * HOUR_MS + 59 * 60_000), "23 h 59 min");
        assert_eq!(duration_words(51 * HOUR_MS), "2 d 3 h");
        assert_eq!(duration_words(1), "1 min");
        assert_eq!(duration_words(24 * HOUR_MS), "24 h");
        assert_eq!(duration_words(47 * HOUR_MS), "47 h");
    }

    #[test]
    fn a_gateway_is_stopped_only_once_it_was_seen_and_differs_per_agent() {
        let links = Links::new("http://p");
        let down = GatewayObservation { running: false, address: "127.0.0.1:18789".into(), differences: Vec::new() };
        let mut out = Vec::new();
        gateway_conditions(&down, &links, false, &mut out);
        assert!(out.is_empty(), "never seen: a host without a running gateway is not an alert");
        gateway_conditions(&down, &links, true, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].key.as_str(), out[0].level.as_str(), out[0].severity),
            ("gateway|running", "stopped", Severity::Error)
        );
        assert!(out[0].title.contains("127.0.0.1:18789"));
        let up = GatewayObservation {
            running: true,
            address: String::new(),
            differences: vec![
                ("main".into(), vec!["The gateway holds anthropic:a; disk does not.".into()]),
                ("ops".into(), Vec::new()),
            ],
        };
        let mut out = Vec::new();
        gateway_conditions(&up, &links, true, &mut out);
        assert_eq!(out.len(), 1, "only the agent that differs");
        assert_eq!(out[0].key, "gateway|differs|main");
        assert!(out[0].body.starts_with("The gateway holds anthropic:a; disk does not. Apply"));
        assert_eq!(out[0].link, "http://p/?agent=main");
    }

    #[test]
    fn links_escape_what_is_not_an_id() {
        let links = Links::new("http://127.0.0.1:18785/");
        assert_eq!(links.agent("main"), "http://127.0.0.1:18785/?agent=main");
        assert_eq!(links.agent("a b&c"), "http://127.0.0.1:18785/?agent=a%20b%26c");
    }
}
