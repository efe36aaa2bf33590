//! The error type that crosses from server functions to the browser. Its texts say what happened
//! and what to do; they never carry a secret or a stack trace (details go to the server log).

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Transport or framework failure (network, bad request encoding).
    #[error("the request did not complete: {0}")]
    Request(String),
    #[error("there is no agent \"{0}\"; pick one from the list")]
    UnknownAgent(String),
    #[error("agent id \"{0}\" is not valid")]
    BadAgentId(String),
    /// No valid admin session: it expired, the admin logged out, or the password was reset.
    #[error("your session has ended; log in again")]
    LoggedOut,
    /// The request lacked this session's CSRF token (a page from before a new login).
    #[error("this page is out of date; reload it and try again")]
    StalePage,
    /// A write refused for a reason the admin can fix (bad input, unknown profile, …); nothing
    /// was changed. The text says what to do and never holds a secret.
    #[error("{0}")]
    Refused(String),
    /// The store changed since the page read it; nothing was changed.
    #[error("the store changed since this page was loaded; reload to see the current order, then repeat the change")]
    Conflict {
        /// provider → the stored order now.
        current_orders: Vec<(String, Vec<String>)>,
        version: String,
    },
    /// OpenClaw holds its lock (it is writing); nothing was changed.
    #[error("OpenClaw is writing this store right now; try again in a moment")]
    Busy,
    /// Something failed on the server; the log has the details.
    #[error("the panel hit an internal error; the server log has the details")]
    Internal,
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Request(value.to_string())
    }
}

/// The one place where the application layer's errors become what the browser sees. Causes of
/// internal failures were logged where they were made ([`panel_service::ServiceError::internal`]);
/// every other variant is already a sentence for the admin.
#[cfg(feature = "ssr")]
impl From<panel_service::ServiceError> for AppError {
    fn from(error: panel_service::ServiceError) -> Self {
        use panel_service::ServiceError as S;
        match error {
            S::UnknownAgent(id) => Self::UnknownAgent(id),
            S::BadAgentId(id) => Self::BadAgentId(id),
            S::Refused(why) => Self::Refused(why),
            S::Conflict { current_orders, version } => Self::Conflict { current_orders, version },
            S::Busy => Self::Busy,
            S::Internal => Self::Internal,
        }
    }
}
