//! Server functions: the browser's only way to the server. Each one is thin: it takes the
//! service from context, checks the session, calls one method, and returns its result. They go
//! through [`crate::client::PanelClient`], which adds the session's CSRF token.

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::Overview;

/// The profiles page data, optionally for one agent.
#[server(prefix = "/api", endpoint = "overview", client = crate::client::PanelClient)]
pub async fn get_overview(agent: Option<String>) -> Result<Overview, AppError> {
    crate::session::require_admin()?;
    let service = use_context::<crate::service::PanelService>().ok_or_else(|| {
        tracing::error!("PanelService missing from context");
        AppError::Internal
    })?;
    service.overview(agent).await
}
