//! The running OpenClaw gateway, as the panel sees it (issue 16, first part): where the gateway of
//! a state dir listens and with which credential ([`discover`]), whether it is up ([`probe`]: its
//! `/healthz`, `/readyz` and `/startupz`), and its WebSocket RPC ([`rpc`]: the connect handshake
//! as a `gateway-client`/`backend` operator, then calls). [`status`] puts them together for the
//! `gateway status` command.
//!
//! Invariants: every network step has a timeout and talks to 127.0.0.1 only; a gateway that is
//! down, refuses our credential or never answers is a [`status::GatewayStatus`] state, never a
//! panic or an error page; [`apply`] makes it re-read the credentials on disk and lists what it
//! then holds; the gateway's credential is a `SecretString`, sent only in the
//! `connect` frame, never logged or rendered (only where it came from is).

pub mod apply;
pub mod compare;
pub mod device;
pub mod discover;
pub mod probe;
pub mod process;
pub mod restart;
pub mod rpc;
pub mod status;

pub use discover::{AuthMode, GatewayTarget};
pub use status::{GatewayStatus, gateway_status};
