//! Limits every request is held to, in one place so that the router (which enforces them) and
//! the handlers that read bodies themselves (the login forms) agree without importing each
//! other.
//!
//! Invariant: a handler that buffers a body itself uses [`BODY_LIMIT`], never a larger number;
//! the router's `RequestBodyLimitLayer` refuses anything bigger before it gets there.

use std::time::Duration;

/// The largest request body accepted (server-function arguments and login forms are small).
pub const BODY_LIMIT: usize = 64 * 1024;

/// How long a request may take before it is answered 408.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
