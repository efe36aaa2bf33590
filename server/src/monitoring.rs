//! Read-only endpoints for monitoring: `GET /monitoring/status.json[?agent=ID]` (the `status
//! --json` report, plus its check code in `panel.checkExitCode` and the `X-OpenClaw-Check`
//! header) and `GET /metrics` (Prometheus text, every agent). Neither carries a secret, and the
//! only masks in the JSON are OpenClaw's own.
//!
//! The handlers do not check who asks: the router puts [`routes`] in its monitoring group behind
//! [`require_bearer`] (`Authorization: Bearer <token>` with the token from the panel's data dir),
//! so a route added here is guarded by construction. Monitoring never needs, or reads, a session.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use axum::Router;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use openclaw_state::StateSnapshot;
use openclaw_state::analysis::{Analysis, analyze};
use openclaw_state::status::build_status;
use panel_service::PanelService;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use secrecy::SecretString;

use crate::data_dir::token_matches;

/// What the monitoring handlers read from (the token is the layer's, not theirs).
#[derive(Clone)]
pub struct MonitoringState {
    pub service: PanelService,
}

/// The monitoring routes, unguarded: the router adds [`require_bearer`] around them. Unknown paths
/// under `/monitoring/` answer 404 here (behind the token too) rather than falling through to
/// the pages.
pub fn routes(state: MonitoringState) -> Router {
    Router::new()
        .route("/monitoring/status.json", get(status_json))
        .route("/metrics", get(metrics))
        .route("/monitoring/{*rest}", any(not_found))
        .with_state(state)
}

/// The bearer-token layer of the monitoring group: 401 unless `Authorization: Bearer <token>`
/// carries the monitoring token (compared in constant time).
pub async fn require_bearer(State(token): State<Arc<SecretString>>, request: Request, next: Next) -> Response {
    let authorized = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|given| token_matches(&token, given.trim()));
    if !authorized {
        return unauthorized();
    }
    next.run(request).await
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "no such monitoring endpoint; there are /metrics and /monitoring/status.json\n")
        .into_response()
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        "monitoring needs `Authorization: Bearer <token>`; the token is in the panel's data dir (file monitoring-token)\n",
    )
        .into_response()
}

#[derive(serde::Deserialize)]
pub struct AgentQuery {
    agent: Option<String>,
}

async fn status_json(State(state): State<MonitoringState>, Query(q): Query<AgentQuery>) -> Response {
    if let Some(agent) = &q.agent
        && let Err(e) = openclaw_state::ids::validate_agent_id(agent)
    {
        return (StatusCode::BAD_REQUEST, format!("{e}\n")).into_response();
    }
    let snapshot = match state.service.snapshot().await {
        Ok(s) => s,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    };
    match build_status(&snapshot, q.agent.as_deref()) {
        Ok(report) => {
            let code = report.exit_code;
            let mut response = axum::Json(report).into_response();
            response.headers_mut().insert("x-openclaw-check", HeaderValue::from(u16::from(code)));
            response
        }
        Err(e) => (StatusCode::NOT_FOUND, format!("{e}\n")).into_response(),
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ProfileLabels {
    agent: String,
    provider: String,
    profile: String,
    r#type: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    agent: String,
    provider: String,
    profile: String,
    r#type: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct UnusableLabels {
    agent: String,
    provider: String,
    profile: String,
    kind: String,
    reason: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ProviderLabels {
    agent: String,
    provider: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ProbeLabels {
    /// Empty for an environment key (shared by every agent).
    agent: String,
    provider: String,
    credential: String,
    class: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ProbeTimeLabels {
    agent: String,
    provider: String,
    credential: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AgentLabels {
    agent: String,
}

type FloatGauge = Gauge<f64, AtomicU64>;

async fn metrics(State(state): State<MonitoringState>) -> Response {
    let snapshot = match state.service.snapshot().await {
        Ok(s) => s,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    };
    let alerts = state.service.alert_metrics().await;
    match render_metrics(&snapshot, &analyze(&snapshot), &state.service.probe_results())
        .and_then(|body| render_alert_metrics(body, &alerts))
    {
        Ok(body) => ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], body)
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "metrics encoding failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ChannelLabels {
    channel: String,
    kind: String,
}

/// Alert channels' health (issue 18), appended to `body` (OpenMetrics text from
/// [`render_metrics`]): `openclaw_auth_alert_channel_up`, `…_last_success_timestamp_seconds`,
/// `openclaw_auth_alert_outbox_messages`.
pub fn render_alert_metrics(
    body: String,
    alerts: &panel_service::alerts::AlertMetrics,
) -> Result<String, std::fmt::Error> {
    let up = Family::<ChannelLabels, Gauge>::default();
    let last = Family::<ChannelLabels, FloatGauge>::default();
    for c in &alerts.channels {
        let labels = ChannelLabels { channel: c.name.clone(), kind: c.kind.clone() };
        up.get_or_create(&labels).set(i64::from(c.up));
        if let Some(ms) = c.last_ok_ms {
            last.get_or_create(&labels).set(ms as f64 / 1000.0);
        }
    }
    let outbox = Gauge::<i64>::default();
    outbox.set(alerts.outbox as i64);
    let mut registry = Registry::with_prefix("openclaw_auth_alert");
    registry.register(
        "channel_up",
        "1 when the alert channel's latest delivery worked (or none was tried), 0 when it failed",
        up,
    );
    registry.register(
        "channel_last_success_timestamp_seconds",
        "When the alert channel last delivered a message (Unix time)",
        last,
    );
    registry.register("outbox_messages", "Alert messages waiting for a retry", outbox);
    let mut extra = String::new();
    prometheus_client::encoding::text::encode(&mut extra, &registry)?;
    // One exposition: the first body's `# EOF` goes, the second's stays.
    let head = body.strip_suffix("# EOF\n").unwrap_or(&body);
    Ok(format!("{head}{extra}"))
}

/// The `/metrics` body (OpenMetrics text): a renderer of the analysis, so every value is the one
/// the page, `status --json` and the doctor show. Profiles in a legacy store are left out (OpenClaw
/// does not read them). `probes`: the last live check of each credential (the same values the
/// page shows).
pub fn render_metrics(
    snapshot: &StateSnapshot,
    analysis: &Analysis,
    probes: &[panel_views::ProbeView],
) -> Result<String, std::fmt::Error> {
    let expiry = Family::<ProfileLabels, FloatGauge>::default();
    let status = Family::<StatusLabels, Gauge>::default();
    let unusable = Family::<UnusableLabels, FloatGauge>::default();
    let provider_status = Family::<ProviderLabels, Gauge>::default();
    let check = Family::<AgentLabels, Gauge>::default();
    let problems = Gauge::<i64>::default();
    for agent in &analysis.agents {
        for p in agent.usable_store() {
            let h = &p.health;
            let base = ProfileLabels {
                agent: agent.agent_id.clone(),
                provider: p.provider.clone(),
                profile: p.id.clone(),
                r#type: p.kind.as_str().to_owned(),
            };
            if let Some(ms) = h.remaining_ms {
                expiry.get_or_create(&base).set(ms as f64 / 1000.0);
            }
            status
                .get_or_create(&StatusLabels {
                    agent: base.agent.clone(),
                    provider: base.provider.clone(),
                    profile: base.profile.clone(),
                    r#type: base.r#type.clone(),
                    status: h.status.as_str().to_owned(),
                })
                .set(1);
            if let Some(u) = &h.unusable {
                unusable
                    .get_or_create(&UnusableLabels {
                        agent: base.agent.clone(),
                        provider: base.provider.clone(),
                        profile: base.profile.clone(),
                        kind: u.kind.as_str().to_owned(),
                        reason: u.reason.clone().unwrap_or_default(),
                    })
                    .set(u.remaining_ms as f64 / 1000.0);
            }
        }
        for p in agent.providers.values() {
            if let Some(rollup) = p.rollup {
                provider_status
                    .get_or_create(&ProviderLabels {
                        agent: agent.agent_id.clone(),
                        provider: p.provider.clone(),
                        status: rollup.as_str().to_owned(),
                    })
                    .set(1);
            }
        }
        check.get_or_create(&AgentLabels { agent: agent.agent_id.clone() }).set(i64::from(agent.check.code));
    }
    problems.set(snapshot.problems.len() as i64);
    let probe_ok = Family::<ProbeLabels, Gauge>::default();
    let probe_at = Family::<ProbeTimeLabels, FloatGauge>::default();
    let probe_latency = Family::<ProbeTimeLabels, FloatGauge>::default();
    for p in probes {
        let at = ProbeTimeLabels {
            agent: p.agent.clone().unwrap_or_default(),
            provider: p.provider.clone(),
            credential: p.credential.clone(),
        };
        probe_ok
            .get_or_create(&ProbeLabels {
                agent: at.agent.clone(),
                provider: at.provider.clone(),
                credential: at.credential.clone(),
                class: p.class.as_str().to_owned(),
            })
            .set(i64::from(p.class == panel_views::ProbeClass::Ok));
        probe_at.get_or_create(&at).set(p.checked_at_ms as f64 / 1000.0);
        if let Some(ms) = p.latency_ms {
            probe_latency.get_or_create(&at).set(ms as f64 / 1000.0);
        }
    }

    let mut registry = Registry::with_prefix("openclaw_auth");
    registry.register(
        "profile_expiry_seconds",
        "Seconds until the profile's token expires (negative once expired); only profiles with an expiry",
        expiry,
    );
    registry.register(
        "profile_status",
        "1 for the profile's current status (ok, static, expiring, expired, missing)",
        status,
    );
    registry.register("profile_unusable_seconds", "Seconds until a cooldown or disable ends", unusable);
    registry.register(
        "provider_status",
        "1 for OpenClaw's roll-up of the provider (what `models status` reports under its version's rules)",
        provider_status,
    );
    registry.register(
        "check",
        "What `status --check` would exit with for the agent: 0 ok, 1 expired or missing, 2 expiring",
        check,
    );
    registry.register("read_problems", "Files the panel could not read, or read with trouble", problems);
    registry.register(
        "probe_ok",
        "1 when the credential's last live check found it working, else 0; the class label says what it found",
        probe_ok,
    );
    registry.register(
        "probe_last_timestamp_seconds",
        "When the credential was last checked live (Unix time)",
        probe_at,
    );
    registry.register("probe_latency_seconds", "How long the credential's last live check took", probe_latency);
    let mut body = String::new();
    prometheus_client::encoding::text::encode(&mut body, &registry)?;
    Ok(body)
}
