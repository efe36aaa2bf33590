//! The words both sides of the panel share: OpenClaw's id rules ([`ids`]) and the plain enums
//! ([`vocab`]) that the domain computes, the views carry and the page renders.
//!
//! Architecture invariant: this crate compiles for wasm32 and pulls nothing server-side (no
//! files, no tokio, no Leptos). It holds no type that can carry a secret.
//!
//! One enum per fact: the domain crate (`openclaw-state`) re-exports these where it always had
//! them, and the view types (`panel-views`) use them directly, so a status word cannot be typed
//! differently on the page than in `status --json`.

pub mod ids;
pub mod vocab;

pub use vocab::{
    AuditAction, CredentialKind, Era, HealthStatus, HintCode, ProbeClass, ReasonCode, Severity, UnusableKind,
};
