//! The plain enums of the panel: each names one fact OpenClaw or the panel decides, with the
//! exact word OpenClaw prints for it. The domain computes them, the views carry them to the
//! browser, and the page, `status --json`, `/metrics` and the doctor print them with `as_str`,
//! so there is one spelling per word (a typo is a compile error, not a silent mismatch).

use serde::{Deserialize, Serialize};

/// The status words of `models status` (`missing` is printed as `unknown` in its text mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Ok,
    Static,
    Expiring,
    Expired,
    Missing,
}

impl HealthStatus {
    /// OpenClaw's word, also the word shown on the page (never colour alone).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Static => "static",
            Self::Expiring => "expiring",
            Self::Expired => "expired",
            Self::Missing => "missing",
        }
    }

    /// A short explanation for the tooltip and screen readers.
    pub fn explain(self) -> &'static str {
        match self {
            Self::Ok => "valid for more than 24 hours",
            Self::Static => "does not expire",
            Self::Expiring => "expires within 24 hours",
            Self::Expired => "expired: OpenClaw will not use it",
            Self::Missing => "no usable secret or expiry: OpenClaw will not use it",
        }
    }
}

/// The three credential types OpenClaw stores, by the `type` string it writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CredentialKind {
    #[serde(rename = "oauth")]
    OAuth,
    #[serde(rename = "token")]
    Token,
    #[serde(rename = "api_key")]
    ApiKey,
}

impl CredentialKind {
    /// The `type` string OpenClaw writes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OAuth => "oauth",
            Self::Token => "token",
            Self::ApiKey => "api_key",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "oauth" => Some(Self::OAuth),
            "token" => Some(Self::Token),
            "api_key" => Some(Self::ApiKey),
            _ => None,
        }
    }
}

/// Why a profile is not usable, in OpenClaw's reason codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    Expired,
    MissingCredential,
    InvalidExpires,
}

impl ReasonCode {
    /// OpenClaw's `reasonCode` string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::MissingCredential => "missing_credential",
            Self::InvalidExpires => "invalid_expires",
        }
    }
}

/// Cooldown (temporary, after failures) or disabled (billing / permanent auth failure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnusableKind {
    Cooldown,
    Disabled,
}

impl UnusableKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cooldown => "cooldown",
            Self::Disabled => "disabled",
        }
    }
}

/// How bad a problem or a doctor finding is for the admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

/// OpenClaw's credential storage generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Era {
    /// `auth-profiles.json` with order and usage inside (≤ 2026.4.5).
    A,
    /// `auth-profiles.json` + `auth-state.json` (2026.4.6 – 2026.5.x).
    B,
    /// SQLite (2026.6+).
    C,
}

impl Era {
    /// The letter, as `status --json` prints it under `panel.era`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::B => "B",
            Self::C => "C",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::A => "A: auth-profiles.json (OpenClaw ≤ 2026.4.5)",
            Self::B => "B: auth-profiles.json + auth-state.json (2026.4.6 – 2026.5.x)",
            Self::C => "C: SQLite (2026.6 and later)",
        }
    }
}

/// What a paste's hint is about: the stable code the page keys its buttons on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HintCode {
    /// A setup token pasted as an API key.
    SetupTokenAsApiKey,
    /// Line breaks inside the pasted text were joined.
    JoinedLines,
    /// Quotes around the value.
    SurroundingQuotes,
    /// Characters OpenClaw drops were removed.
    DroppedCharacters,
    /// The same secret is stored already under another profile id.
    SameSecretAs,
    /// Anthropic setup tokens may be refused outside Claude Code.
    ClaudeCodeOnly,
}

impl HintCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SetupTokenAsApiKey => "setup-token-as-api-key",
            Self::JoinedLines => "joined-lines",
            Self::SurroundingQuotes => "surrounding-quotes",
            Self::DroppedCharacters => "dropped-characters",
            Self::SameSecretAs => "same-secret-as",
            Self::ClaudeCodeOnly => "claude-code-only",
        }
    }
}

/// What the audit log says was done: one word per kind of change, the same from the page, the
/// CLI and the doctor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuditAction {
    PasteToken,
    PasteApiKey,
    OrderSet,
    OrderClear,
    Remove,
    ClearCooldown,
    EnvSet,
    EnvUnset,
    DoctorFix,
    /// A paste that was only checked (nothing saved) and named a profile holding the same
    /// secret: recorded so that guessing through previews leaves a trail.
    PastePreview,
    /// A live check of a credential against its provider (nothing changed).
    Probe,
    /// An alert channel added, removed or sent a test (issue 18).
    AlertChannelAdd,
    AlertChannelRemove,
    AlertTest,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PasteToken => "paste-token",
            Self::PasteApiKey => "paste-api-key",
            Self::OrderSet => "order-set",
            Self::OrderClear => "order-clear",
            Self::Remove => "remove",
            Self::ClearCooldown => "clear-cooldown",
            Self::EnvSet => "env-set",
            Self::EnvUnset => "env-unset",
            Self::DoctorFix => "doctor-fix",
            Self::PastePreview => "paste-preview",
            Self::Probe => "probe",
            Self::AlertChannelAdd => "alert-channel-add",
            Self::AlertChannelRemove => "alert-channel-remove",
            Self::AlertTest => "alert-test",
        }
    }
}

/// What a live check of a credential found (issue 17): one word per class, the same on the page,
/// in `probe --json` and in `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProbeClass {
    /// The provider accepted the credential.
    Ok,
    /// Wrong, revoked or deleted.
    Invalid,
    /// A setup token stored as an API key, or the reverse.
    WrongType,
    /// An Anthropic setup token refused outside Claude Code.
    ClaudeCodeOnly,
    Expired,
    /// No credit, quota used up, a key's own limit reached.
    Billing,
    /// Rate limited or overloaded now; the credential may be fine.
    RateLimited,
    /// The provider refuses this host's country or region.
    RegionBlocked,
    /// No connection (DNS, network, TLS).
    Unreachable,
    /// No answer within the deadline.
    Timeout,
    /// An answer the panel does not know.
    Unknown,
    /// Nothing was sent: only a billed request proves it and none was allowed, or no check
    /// exists for it. Never counted as ok.
    NotChecked,
}

impl ProbeClass {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Invalid => "invalid",
            Self::WrongType => "wrong-type",
            Self::ClaudeCodeOnly => "claude-code-only",
            Self::Expired => "expired",
            Self::Billing => "billing",
            Self::RateLimited => "rate-limited",
            Self::RegionBlocked => "region-blocked",
            Self::Unreachable => "unreachable",
            Self::Timeout => "timeout",
            Self::Unknown => "unknown",
            Self::NotChecked => "not-checked",
        }
    }

    /// In words, for the page and the CLI.
    pub fn label(self) -> &'static str {
        match self {
            Self::Ok => "works",
            Self::Invalid => "invalid",
            Self::WrongType => "wrong type",
            Self::ClaudeCodeOnly => "Claude Code only",
            Self::Expired => "expired",
            Self::Billing => "billing problem",
            Self::RateLimited => "rate limited",
            Self::RegionBlocked => "region blocked",
            Self::Unreachable => "unreachable",
            Self::Timeout => "timed out",
            Self::Unknown => "unknown answer",
            Self::NotChecked => "not checked",
        }
    }

    /// Error: the credential does not work as stored; warning: it may (rate limited, unknown,
    /// not checked); info: it works.
    pub fn severity(self) -> Severity {
        match self {
            Self::Ok => Severity::Info,
            Self::RateLimited | Self::Unknown | Self::NotChecked => Severity::Warning,
            _ => Severity::Error,
        }
    }

    pub const ALL: [Self; 12] = [
        Self::Ok,
        Self::Invalid,
        Self::WrongType,
        Self::ClaudeCodeOnly,
        Self::Expired,
        Self::Billing,
        Self::RateLimited,
        Self::RegionBlocked,
        Self::Unreachable,
        Self::Timeout,
        Self::Unknown,
        Self::NotChecked,
    ];
}

/// Each enum prints as its word, so `format!` and the page use the same spelling as the JSON.
macro_rules! display_as_str {
    ($($t:ty),*) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}

display_as_str!(
    HealthStatus,
    CredentialKind,
    ReasonCode,
    UnusableKind,
    Severity,
    Era,
    HintCode,
    AuditAction,
    ProbeClass
);

#[cfg(test)]
mod tests {
    use super::*;

    /// The serde form and `as_str` are the same word: JSON and the page cannot drift apart.
    #[test]
    fn serde_words_are_the_printed_words() {
        fn word<T: Serialize>(v: T) -> String {
            serde_json::to_value(v).unwrap().as_str().unwrap().to_owned()
        }
        for s in [
            HealthStatus::Ok,
            HealthStatus::Static,
            HealthStatus::Expiring,
            HealthStatus::Expired,
            HealthStatus::Missing,
        ] {
            assert_eq!(word(s), s.as_str());
        }
        for k in [CredentialKind::OAuth, CredentialKind::Token, CredentialKind::ApiKey] {
            assert_eq!(word(k), k.as_str());
            assert_eq!(CredentialKind::parse(k.as_str()), Some(k));
        }
        for s in [Severity::Error, Severity::Warning, Severity::Info] {
            assert_eq!(word(s), s.as_str());
        }
        for e in [Era::A, Era::B, Era::C] {
            assert_eq!(word(e), e.as_str());
        }
        for r in [ReasonCode::Expired, ReasonCode::MissingCredential, ReasonCode::InvalidExpires] {
            assert_eq!(word(r), r.as_str());
        }
        for u in [UnusableKind::Cooldown, UnusableKind::Disabled] {
            assert_eq!(word(u), u.as_str());
        }
        for a in [
            AuditAction::PasteToken,
            AuditAction::PasteApiKey,
            AuditAction::OrderSet,
            AuditAction::OrderClear,
            AuditAction::Remove,
            AuditAction::ClearCooldown,
            AuditAction::EnvSet,
            AuditAction::EnvUnset,
            AuditAction::DoctorFix,
            AuditAction::PastePreview,
            AuditAction::Probe,
            AuditAction::AlertChannelAdd,
            AuditAction::AlertChannelRemove,
            AuditAction::AlertTest,
        ] {
            assert_eq!(word(a), a.as_str());
        }
        for c in ProbeClass::ALL {
            assert_eq!(word(c), c.as_str());
        }
        for h in [
            HintCode::SetupTokenAsApiKey,
            HintCode::JoinedLines,
            HintCode::SurroundingQuotes,
            HintCode::DroppedCharacters,
            HintCode::SameSecretAs,
            HintCode::ClaudeCodeOnly,
        ] {
            assert_eq!(word(h), h.as_str());
        }
    }
}
