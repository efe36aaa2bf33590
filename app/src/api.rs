//! Server functions: the browser's only way to the server. Each one is thin: it takes the
//! service from context, calls one method, and returns its result.

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::Overview;

/// The profiles page data, optionally for one agent.
#[server(prefix = "/api", endpoint = "overview")]
pub async fn get_overview(agent: Option<String>) -> Result<Overview, AppError> {
    let service = use_context::<crate::service::PanelService>().ok_or_else(|| {
        tracing::error!("PanelService missing from context");
        AppError::Internal
    })?;
    service.overview(agent).await
}
