//! The application layer's one error type, and the one place where errors from below (the write
//! engine, blocking tasks) become it.
//!
//! Invariant: a [`ServiceError`]'s `Display` is a sentence the admin can act on and never holds a
//! secret, a path outside the state dir, or a raw IO/SQLite text; such causes are logged here,
//! once, when the error is made ([`ServiceError::internal`]), and the sentence says "the server
//! log has the details". The UI crate maps this type to its wire error in one module; the CLI
//! prints its `Display`.

use openclaw_state::write::engine::WriteError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    #[error("there is no agent \"{0}\"; pick one from the list")]
    UnknownAgent(String),
    #[error("agent id \"{0}\" is not valid")]
    BadAgentId(String),
    /// Refused for a reason the admin can fix (bad input, unknown profile, …); nothing was changed.
    #[error("{0}")]
    Refused(String),
    /// The store changed since the caller read it; nothing was changed.
    #[error("the store changed since this page was loaded; reload to see the current order, then repeat the change")]
    Conflict {
        /// provider → the stored order now.
        current_orders: Vec<(String, Vec<String>)>,
        version: String,
    },
    /// OpenClaw holds its lock (it is writing); nothing was changed.
    #[error("OpenClaw is writing this store right now; try again in a moment")]
    Busy,
    /// Something failed on the server; the cause was logged where this was made.
    #[error("the panel hit an internal error; the server log has the details")]
    Internal,
}

impl ServiceError {
    /// An internal failure: logs `what` and its cause (never shown to the caller).
    pub fn internal(what: &str, cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "{what}");
        Self::Internal
    }

    /// A write the engine refused or failed, as the caller may see it.
    pub fn from_write(error: &WriteError) -> Self {
        match error {
            WriteError::Conflict { current, found, .. } => Self::Conflict {
                current_orders: current
                    .orders
                    .iter()
                    .map(|(p, ids)| {
                        let ids =
                            ids.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect());
                        (p.clone(), ids.unwrap_or_default())
                    })
                    .collect(),
                version: found.to_string(),
            },
            WriteError::Lock(_) => Self::Busy,
            WriteError::Io { .. } | WriteError::Sqlite { .. } | WriteError::Config(_) | WriteError::Corrupt { .. } => {
                tracing::error!(error = %error, "a write failed");
                Self::Refused(
                    "the change could not be saved (nothing was changed); the server log has the details".to_owned(),
                )
            }
            other => Self::Refused(other.to_string()),
        }
    }
}

/// Runs blocking file and database work off the async executor; a task that panicked or was
/// cancelled is logged here and becomes [`ServiceError::Internal`].
pub async fn blocking<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ServiceError> {
    tokio::task::spawn_blocking(work).await.map_err(|e| ServiceError::internal(what, &e))
}
