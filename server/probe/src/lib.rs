//! Live checks of model-provider credentials (issue 17): does this key work, and if not, why.
//! [`endpoint`] picks the cheapest request a provider answers for a credential (zero tokens
//! where one exists; a one-token request for Anthropic setup tokens, only when allowed),
//! [`check`] sends it with one deadline and no retry, [`classify`] sorts the answer into one
//! [`ProbeClass`] with the provider's own words and the fix.
//!
//! Invariants: a check writes nothing (no cooldown, no usage record: OpenClaw's state is never
//! touched); the secret travels only in the header the provider expects; no redirect is
//! followed; every result's words are secret-free.

pub mod check;
pub mod classify;
pub mod endpoint;

pub use check::{CheckResult, Checker, Limits, display_url};
pub use endpoint::{Credential, Endpoint, Family, OAuthFacts, endpoint};
pub use panel_common::ProbeClass;
