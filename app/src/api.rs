//! Server functions: the browser's only way to the server. Each one is thin: it takes the
//! service from context, checks the session, calls one method, and returns its result. They go
//! through [`crate::client::PanelClient`], which adds the session's CSRF token.

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::Overview;

/// The profiles page data, optionally for one agent.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "overview", agent = agent.as_deref())))]
#[server(prefix = "/api", endpoint = "overview", client = crate::client::PanelClient)]
pub async fn get_overview(agent: Option<String>) -> Result<Overview, AppError> {
    crate::session::require_admin()?;
    let service = use_context::<panel_service::PanelService>().ok_or_else(|| {
        tracing::error!("PanelService missing from context");
        AppError::Internal
    })?;
    Ok(service.overview(agent).await?)
}

/// The service and the admin's session, or why not.
#[cfg(feature = "ssr")]
fn service_and_actor() -> Result<(panel_service::PanelService, String), AppError> {
    let session = crate::session::require_admin()?;
    let service = use_context::<panel_service::PanelService>().ok_or_else(|| {
        tracing::error!("PanelService missing from context");
        AppError::Internal
    })?;
    Ok((service, format!("panel:{}", session.client)))
}

/// Paste a token or API key. Without `confirmed`, hints come back first and nothing is written.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "paste", agent = request.agent.as_deref(), provider = %request.provider)))]
#[server(prefix = "/api", endpoint = "paste", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn paste_secret(request: crate::views::PasteRequest) -> Result<crate::views::PasteOutcome, AppError> {
    let (service, actor) = service_and_actor()?;
    let session = crate::session::require_admin()?;
    Ok(service.paste(&actor, &session.key, request).await?)
}

/// Set a provider's stored order (first tried first), based on the version the page read.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "order-set", agent = %agent, provider = %provider)))]
#[server(prefix = "/api", endpoint = "order-set", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn set_order(
    agent: String,
    provider: String,
    ids: Vec<String>,
    base_version: Option<String>,
) -> Result<crate::views::WriteOutcome, AppError> {
    let (service, actor) = service_and_actor()?;
    Ok(service.set_order(&actor, agent, provider, ids, base_version).await?)
}

/// Clear a provider's stored order.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "order-clear", agent = %agent, provider = %provider)))]
#[server(prefix = "/api", endpoint = "order-clear", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn clear_order(
    agent: String,
    provider: String,
    base_version: Option<String>,
) -> Result<crate::views::WriteOutcome, AppError> {
    let (service, actor) = service_and_actor()?;
    Ok(service.clear_order(&actor, agent, provider, base_version).await?)
}

/// Remove a profile and every reference to it.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "remove", agent = %agent, profile = %profile_id)))]
#[server(prefix = "/api", endpoint = "remove", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn remove_profile(
    agent: String,
    profile_id: String,
    base_version: Option<String>,
) -> Result<crate::views::WriteOutcome, AppError> {
    let (service, actor) = service_and_actor()?;
    Ok(service.remove_profile(&actor, agent, profile_id, base_version).await?)
}

/// What removing a profile would delete, read from the state now (nothing is written).
#[server(prefix = "/api", endpoint = "remove-preview", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn preview_remove(agent: String, profile_id: String) -> Result<crate::views::RemovePreview, AppError> {
    let (service, _) = service_and_actor()?;
    Ok(service.preview_remove(agent, profile_id).await?)
}

/// Clear a profile's cooldown or disable.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "clear-cooldown", agent = %agent, profile = %profile_id)))]
#[server(prefix = "/api", endpoint = "clear-cooldown", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn clear_cooldown(agent: String, profile_id: String) -> Result<crate::views::WriteOutcome, AppError> {
    let (service, actor) = service_and_actor()?;
    Ok(service.clear_cooldown(&actor, agent, profile_id).await?)
}

/// The keys of `<state>/.env`, masked.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "env")))]
#[server(prefix = "/api", endpoint = "env", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn env_file() -> Result<crate::views::EnvFileView, AppError> {
    let (service, _) = service_and_actor()?;
    Ok(service.env_file().await?)
}

/// Add or replace one `.env` key.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "env-set", key = %key)))]
#[server(prefix = "/api", endpoint = "env-set", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn env_set(
    key: String,
    value: String,
    base_version: Option<String>,
) -> Result<crate::views::WriteOutcome, AppError> {
    let (service, actor) = service_and_actor()?;
    Ok(service.env_set(&actor, key, value, base_version).await?)
}

/// Remove one `.env` key.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "env-unset", key = %key)))]
#[server(prefix = "/api", endpoint = "env-unset", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn env_unset(key: String, base_version: Option<String>) -> Result<crate::views::WriteOutcome, AppError> {
    let (service, actor) = service_and_actor()?;
    Ok(service.env_unset(&actor, key, base_version).await?)
}

/// The history (audit log), newest first.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "history", agent = agent.as_deref())))]
#[server(prefix = "/api", endpoint = "history", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn history(
    agent: Option<String>,
    provider: Option<String>,
) -> Result<Vec<crate::views::HistoryEntry>, AppError> {
    let (service, _) = service_and_actor()?;
    Ok(service.history(agent, provider).await?)
}

/// The Doctor page: the native checks now, and where OpenClaw's doctor stands.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "doctor")))]
#[server(prefix = "/api", endpoint = "doctor", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn doctor() -> Result<crate::views::DoctorView, AppError> {
    let (service, _) = service_and_actor()?;
    Ok(service.doctor().await?)
}

/// Apply the fix of one native finding (the server finds it again first).
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "doctor-fix")))]
#[server(prefix = "/api", endpoint = "doctor-fix", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn doctor_fix(key: String) -> Result<crate::views::FixOutcome, AppError> {
    let (service, actor) = service_and_actor()?;
    Ok(service.doctor_fix(&actor, key).await?)
}

/// Start OpenClaw's own doctor (read-only) in the background, unless one is running.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "openclaw-doctor-run")))]
#[server(prefix = "/api", endpoint = "openclaw-doctor-run", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn openclaw_doctor_run() -> Result<crate::views::OpenClawDoctorView, AppError> {
    let (service, _) = service_and_actor()?;
    Ok(service.openclaw_doctor_start().await?)
}

/// Where OpenClaw's doctor run stands (the page asks every second while it runs).
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "openclaw-doctor-status")))]
#[server(prefix = "/api", endpoint = "openclaw-doctor-status", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn openclaw_doctor_status() -> Result<crate::views::OpenClawDoctorView, AppError> {
    let (service, _) = service_and_actor()?;
    Ok(service.openclaw_doctor_status())
}

/// The running gateway, as the Gateway card shows it.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "gateway-status")))]
#[server(prefix = "/api", endpoint = "gateway-status", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn get_gateway_status() -> Result<crate::views::GatewayView, AppError> {
    let (service, _) = service_and_actor()?;
    Ok(service.gateway_view().await?)
}

/// Makes the running gateway re-read every agent's credentials; one sentence per agent.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "gateway-apply")))]
#[server(prefix = "/api", endpoint = "gateway-apply", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn apply_to_gateway() -> Result<Vec<String>, AppError> {
    let (service, _) = service_and_actor()?;
    Ok(service.apply_to_gateway_all().await?)
}

/// Restarts the running gateway the way its install supports, after the admin confirmed what
/// the Gateway card said it would do; the card follows the steps through `gateway-status`.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "gateway-restart")))]
#[server(prefix = "/api", endpoint = "gateway-restart", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn restart_gateway(confirmed: bool) -> Result<crate::views::RestartView, AppError> {
    let (service, actor) = service_and_actor()?;
    Ok(service.gateway_restart(&actor, confirmed).await?)
}

/// Live checks of the credentials named (all of them when nothing is named), against their
/// providers: zero-token requests where the provider has one; a billed one-token request only
/// with `allow_billed`. A credential checked in the last 30 s gives that result unless `force`.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "probe")))]
#[server(prefix = "/api", endpoint = "probe", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn probe_credentials(
    agent: Option<String>,
    provider: Option<String>,
    profile: Option<String>,
    allow_billed: bool,
    force: bool,
) -> Result<Vec<crate::views::ProbeView>, AppError> {
    let (service, actor) = service_and_actor()?;
    let selection = panel_service::probes::ProbeSelection { agent, provider, profile, allow_billed, force };
    Ok(service.probe(&actor, selection).await?)
}

/// *Check before saving*: the secret being pasted, checked as it would be stored; nothing is
/// written. It counts against the session's paste budget.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "probe-paste")))]
#[server(prefix = "/api", endpoint = "probe-paste", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn probe_pasted(request: crate::views::ProbePasteRequest) -> Result<crate::views::ProbeView, AppError> {
    let (service, actor) = service_and_actor()?;
    let session = crate::session::require_admin()?;
    let crate::views::ProbePasteRequest { provider, kind, secret, allow_billed } = request;
    Ok(service.probe_pasted(&actor, &session.key, &provider, kind, secret, allow_billed).await?)
}

/// The last live check of every credential (the Doctor's live section).
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "probe-results")))]
#[server(prefix = "/api", endpoint = "probe-results", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn probe_results() -> Result<Vec<crate::views::ProbeView>, AppError> {
    let (service, _) = service_and_actor()?;
    Ok(service.probe_results())
}

/// OpenClaw's own probe of one profile through the running 2026.9 gateway (`models.probe`): a
/// real, billed request, and a failure puts the profile in cooldown.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "openclaw-probe")))]
#[server(prefix = "/api", endpoint = "openclaw-probe", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn openclaw_probe(
    agent: String,
    profile_id: String,
    confirmed: bool,
) -> Result<crate::views::ProbeView, AppError> {
    let (service, actor) = service_and_actor()?;
    Ok(service.openclaw_probe(&actor, &agent, &profile_id, confirmed).await?)
}

/// The Alerts page: channels (secrets masked), what holds now, the last deliveries.
#[server(prefix = "/api", endpoint = "alerts", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn get_alerts() -> Result<crate::views::AlertsView, AppError> {
    let (service, _) = service_and_actor()?;
    Ok(service.alerts_view().await?)
}

/// Adds an alert channel; its secrets go into the panel's data dir and come back masked.
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, fields(action = "alert-channel-add", kind = %request.kind)))]
#[server(prefix = "/api", endpoint = "alert-channel-add", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn add_alert_channel(
    request: crate::views::AlertChannelRequest,
) -> Result<crate::views::AlertChannelView, AppError> {
    let (service, actor) = service_and_actor()?;
    Ok(service.alerts_add(&actor, &request).await?)
}

#[server(prefix = "/api", endpoint = "alert-channel-remove", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn remove_alert_channel(id: String) -> Result<(), AppError> {
    let (service, actor) = service_and_actor()?;
    Ok(service.alerts_remove(&actor, &id).await?)
}

/// *Send a test*: the answer says whether the channel took it.
#[server(prefix = "/api", endpoint = "alert-test", client = crate::client::PanelClient, input = leptos::server_fn::codec::Json)]
pub async fn test_alert_channel(id: String) -> Result<crate::views::AlertDeliveryView, AppError> {
    let (service, actor) = service_and_actor()?;
    Ok(service.alerts_test(&actor, &id).await?)
}
