//! Per-profile health as OpenClaw's `models status` computes it (facts file §4.1): expiry state,
//! reason code, time left, and whether a cooldown or disable makes the profile unusable now.

use crate::credential::{Credential, CredentialKind};
use crate::rules::RuleSet;
use crate::store::UsageStats;

/// OpenClaw's warning window: a token expiring within 24 h is `expiring`.
pub const WARN_AFTER_MS: i64 = 24 * 60 * 60 * 1000;

pub use panel_common::{HealthStatus, ReasonCode, UnusableKind};

/// A profile that OpenClaw skips until `until`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unusable {
    pub kind: UnusableKind,
    pub reason: Option<String>,
    /// For model-scoped rate-limit cooldowns: the model it applies to.
    pub model: Option<String>,
    pub until: i64,
    pub remaining_ms: i64,
}

/// The health of one profile at one moment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProfileHealth {
    pub status: HealthStatus,
    pub reason: Option<ReasonCode>,
    pub expires_at: Option<i64>,
    pub remaining_ms: Option<i64>,
    pub unusable: Option<Unusable>,
}

fn by_expiry(expires_at: i64, now: i64) -> (HealthStatus, Option<ReasonCode>) {
    let remaining = expires_at - now;
    if remaining <= 0 {
        (HealthStatus::Expired, Some(ReasonCode::Expired))
    } else if remaining <= WARN_AFTER_MS {
        (HealthStatus::Expiring, None)
    } else {
        (HealthStatus::Ok, None)
    }
}

/// Computes a profile's health under `rules` at `now` (epoch ms).
pub fn profile_health(cred: &Credential, usage: Option<&UsageStats>, rules: &RuleSet, now: i64) -> ProfileHealth {
    let has_value = cred.has_secret() || cred.secret_ref.as_ref().is_some_and(|r| r.is_valid());
    let (status, reason) = match cred.kind {
        CredentialKind::ApiKey => {
            if rules.blank_api_key_is_missing && !has_value {
                (HealthStatus::Missing, Some(ReasonCode::MissingCredential))
            } else {
                (HealthStatus::Static, None)
            }
        }
        CredentialKind::Token => match cred.expires.valid_at(rules) {
            _ if !has_value => (HealthStatus::Missing, Some(ReasonCode::MissingCredential)),
            Err(_) => (HealthStatus::Missing, Some(ReasonCode::InvalidExpires)),
            Ok(None) => (HealthStatus::Static, None),
            Ok(Some(at)) => by_expiry(at, now),
        },
        CredentialKind::OAuth => match cred.expires.valid_at(rules) {
            Ok(Some(at)) => {
                let (status, reason) = by_expiry(at, now);
                if rules.oauth_refresh_counts_as_ok && cred.has_refresh() && status != HealthStatus::Ok {
                    (HealthStatus::Ok, None)
                } else {
                    (status, reason)
                }
            }
            _ => (HealthStatus::Missing, Some(ReasonCode::InvalidExpires)),
        },
    };
    let expires_at = cred.expires.at();
    ProfileHealth {
        status,
        reason,
        expires_at,
        remaining_ms: expires_at.map(|at| at - now),
        unusable: usage.and_then(|u| unusable(u, now)),
    }
}

/// Whether usage stats make a profile unusable now: the later of an active cooldown and an active
/// disable, reported as `disabled` when a disable is active.
pub fn unusable(usage: &UsageStats, now: i64) -> Option<Unusable> {
    let cooldown = usage.cooldown_until.filter(|until| *until > now);
    let disabled = usage.disabled_until.filter(|until| *until > now);
    let until = cooldown.max(disabled)?;
    let (kind, reason, model) = if disabled.is_some() {
        (UnusableKind::Disabled, usage.disabled_reason.clone(), None)
    } else {
        (UnusableKind::Cooldown, usage.cooldown_reason.clone(), usage.cooldown_model.clone())
    };
    Some(Unusable { kind, reason, model, until, remaining_ms: until - now })
}

/// Rolls profile statuses up to a provider status: only oauth/token profiles count; any
/// expired/missing → expired; else any expiring → expiring; else ok; api_key only → static;
/// nothing → missing.
pub fn provider_rollup<'a>(profiles: impl IntoIterator<Item = (CredentialKind, &'a ProfileHealth)>) -> HealthStatus {
    let mut any = false;
    let mut any_expiring_capable = false;
    let mut worst = HealthStatus::Ok;
    for (kind, health) in profiles {
        any = true;
        if kind == CredentialKind::ApiKey {
            continue;
        }
        any_expiring_capable = true;
        match health.status {
            HealthStatus::Expired | HealthStatus::Missing => worst = HealthStatus::Expired,
            HealthStatus::Expiring if worst != HealthStatus::Expired => worst = HealthStatus::Expiring,
            _ => {}
        }
    }
    match (any, any_expiring_capable) {
        (false, _) => HealthStatus::Missing,
        (true, false) => HealthStatus::Static,
        (true, true) => worst,
    }
}

/// OpenClaw's `formatRemainingShort`: ≤0 → `0m`; minutes rounded (at least 1) below an hour;
/// hours rounded below 48 h; else days rounded.
pub fn format_remaining(ms: i64) -> String {
    if ms <= 0 {
        return "0m".to_owned();
    }
    let minutes = ((ms as f64) / 60_000.0).round() as i64;
    if minutes < 1 {
        return "1m".to_owned();
    }
    if minutes < 60 {
        return format!("{minutes}m");
    }
    let hours = ((minutes as f64) / 60.0).round() as i64;
    if hours < 48 {
        return format!("{hours}h");
    }
    format!("{}d", ((hours as f64) / 24.0).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credential::parse_credential;
    use crate::rules::{RuleSet, VersionFamily};
    use serde_json::json;

    const NOW: i64 = 1_800_000_000_000;
    const H: i64 = 3_600_000;

    fn health(v: serde_json::Value, family: VersionFamily) -> ProfileHealth {
        profile_health(&parse_credential(&v).unwrap(), None, RuleSet::for_family(family), NOW)
    }

    #[test]
    fn token_states() {
        let f = VersionFamily::V2026_9;
        let s = |v| health(v, f).status;
        assert_eq!(s(json!({"type":"token","provider":"a","token":"t"})), HealthStatus::Static);
        assert_eq!(s(json!({"type":"token","provider":"a","token":"t","expires": NOW + 48*H})), HealthStatus::Ok);
        assert_eq!(s(json!({"type":"token","provider":"a","token":"t","expires": NOW + 24*H})), HealthStatus::Expiring);
        assert_eq!(s(json!({"type":"token","provider":"a","token":"t","expires": NOW})), HealthStatus::Expired);
        let invalid = health(json!({"type":"token","provider":"a","token":"t","expires":"soon"}), f);
        assert_eq!((invalid.status, invalid.reason), (HealthStatus::Missing, Some(ReasonCode::InvalidExpires)));
        let empty = health(json!({"type":"token","provider":"a","token":"  "}), f);
        assert_eq!((empty.status, empty.reason), (HealthStatus::Missing, Some(ReasonCode::MissingCredential)));
        let by_ref = health(
            json!({"type":"token","provider":"a","tokenRef":{"source":"env","provider":"default","id":"TOK"}}),
            f,
        );
        assert_eq!(by_ref.status, HealthStatus::Static);
    }

    #[test]
    fn oauth_refresh_rule_differs_by_version() {
        let expired = json!({"type":"oauth","provider":"o","access":"a","refresh":"r","expires": NOW - H});
        assert_eq!(health(expired.clone(), VersionFamily::V2026_3).status, HealthStatus::Ok);
        assert_eq!(health(expired.clone(), VersionFamily::V2026_5).status, HealthStatus::Expired);
        assert_eq!(health(expired, VersionFamily::V2026_9).status, HealthStatus::Expired);
        let no_expiry = json!({"type":"oauth","provider":"o","access":"a"});
        assert_eq!(health(no_expiry, VersionFamily::V2026_3).status, HealthStatus::Missing);
    }

    #[test]
    fn blank_api_key_rule_differs_by_version() {
        let blank = json!({"type":"api_key","provider":"a","key":" "});
        assert_eq!(health(blank.clone(), VersionFamily::V2026_5).status, HealthStatus::Static);
        assert_eq!(health(blank, VersionFamily::V2026_9).status, HealthStatus::Missing);
    }

    #[test]
    fn cooldowns_and_disables() {
        let usage = UsageStats {
            cooldown_until: Some(NOW + 60_000),
            cooldown_reason: Some("rate_limit".into()),
            ..Default::default()
        };
        let u = unusable(&usage, NOW).unwrap();
        assert_eq!((u.kind, u.remaining_ms), (UnusableKind::Cooldown, 60_000));
        let usage = UsageStats { disabled_until: Some(NOW + 5 * H), disabled_reason: Some("billing".into()), ..usage };
        let u = unusable(&usage, NOW).unwrap();
        assert_eq!((u.kind, u.reason.as_deref()), (UnusableKind::Disabled, Some("billing")));
        assert!(unusable(&UsageStats { cooldown_until: Some(NOW - 1), ..Default::default() }, NOW).is_none());
    }

    #[test]
    fn rollup() {
        let ok = ProfileHealth {
            status: HealthStatus::Ok,
            reason: None,
            expires_at: None,
            remaining_ms: None,
            unusable: None,
        };
        let expiring = ProfileHealth { status: HealthStatus::Expiring, ..ok.clone() };
        let missing = ProfileHealth { status: HealthStatus::Missing, ..ok.clone() };
        let stat = ProfileHealth { status: HealthStatus::Static, ..ok.clone() };
        use CredentialKind::*;
        assert_eq!(provider_rollup([(Token, &ok), (Token, &expiring)]), HealthStatus::Expiring);
        assert_eq!(provider_rollup([(Token, &expiring), (OAuth, &missing)]), HealthStatus::Expired);
        assert_eq!(provider_rollup([(ApiKey, &stat)]), HealthStatus::Static);
        assert_eq!(provider_rollup([(ApiKey, &stat), (Token, &ok)]), HealthStatus::Ok);
        assert_eq!(provider_rollup(std::iter::empty()), HealthStatus::Missing);
    }

    #[test]
    fn remaining_like_openclaw() {
        assert_eq!(format_remaining(-5), "0m");
        assert_eq!(format_remaining(10_000), "1m");
        assert_eq!(format_remaining(59 * 60_000), "59m");
        assert_eq!(format_remaining(90 * 60_000), "2h");
        assert_eq!(format_remaining(47 * H), "47h");
        assert_eq!(format_remaining(30 * 24 * H), "30d");
    }
}
