//! Per-profile facts: health under the version rules, OpenClaw's mask and label.
//!
//! Invariant: this is the only place that turns a stored secret into text, and the text is
//! OpenClaw's mask (`sk-ant-o...BBBBBBBB`), `ref(env:VAR)` or a fixed word; never the secret.

use secrecy::ExposeSecret;

use crate::credential::{Credential, CredentialKind};
use crate::health::{ProfileHealth, UnusableKind, format_remaining, profile_health};
use crate::mask::mask_secret;
use crate::rules::RuleSet;
use crate::snapshot::{AgentState, ProfileOrigin};

/// One profile as the agent sees it.
#[derive(Debug, Clone)]
pub struct ProfileAnalysis {
    pub id: String,
    pub provider: String,
    pub kind: CredentialKind,
    pub origin: ProfileOrigin,
    /// In a legacy JSON store that OpenClaw 2026.6+ refuses: shown to the admin, never used, and
    /// left out of everything OpenClaw reports (roll-ups, `--check`, labels).
    pub legacy: bool,
    /// Health under the applied rules, cooldowns and disables included. Under 2026.6+ rules a
    /// blank API key is `missing` here, and every renderer reads this one value.
    pub health: ProfileHealth,
    /// OpenClaw's mask of the secret ([`secret_mask`]).
    pub mask: String,
    /// OpenClaw's entry in `auth.providers[].profiles.labels`: `id=<secret label>[ [cooldown 5m]]`.
    pub label: String,
    /// `displayName` or `email`.
    pub display: Option<String>,
}

/// The secret part as OpenClaw shows it: the mask of a non-blank secret, `ref(source:id)` for a
/// SecretRef without a value, `refresh token only` for OAuth with nothing but a refresh token,
/// else `missing`.
pub fn secret_mask(cred: &Credential) -> String {
    match (&cred.secret, &cred.secret_ref) {
        (Some(s), _) if !s.expose_secret().trim().is_empty() => mask_secret(s.expose_secret()),
        (_, Some(r)) => format!("ref({})", r.label()),
        _ if cred.kind == CredentialKind::OAuth && cred.has_refresh() => "refresh token only".to_owned(),
        _ => "missing".to_owned(),
    }
}

/// The label `models status` prints for a profile's secret: the mask for an API key,
/// `token:<mask>` for a token, `OAuth (who)` for OAuth.
fn secret_label(cred: &Credential, mask: &str) -> String {
    match cred.kind {
        CredentialKind::ApiKey => mask.to_owned(),
        CredentialKind::Token => format!("token:{mask}"),
        CredentialKind::OAuth => match cred.display_suffix() {
            Some(who) => format!("OAuth ({who})"),
            None => "OAuth".to_owned(),
        },
    }
}

fn unusable_suffix(h: &ProfileHealth) -> String {
    match &h.unusable {
        None => String::new(),
        Some(u) => match (u.kind, &u.reason) {
            (UnusableKind::Disabled, Some(reason)) => {
                format!(" [disabled:{reason} {}]", format_remaining(u.remaining_ms))
            }
            (UnusableKind::Disabled, None) => format!(" [disabled {}]", format_remaining(u.remaining_ms)),
            (UnusableKind::Cooldown, _) => format!(" [cooldown {}]", format_remaining(u.remaining_ms)),
        },
    }
}

/// Every profile of `agent`, sorted by id.
pub(super) fn analyze_profiles(agent: &AgentState, rules: &RuleSet, now: i64) -> Vec<ProfileAnalysis> {
    let mut out: Vec<ProfileAnalysis> = agent
        .profiles
        .iter()
        .map(|p| {
            let health = profile_health(&p.credential, agent.usage.get(&p.id), rules, now);
            let mask = secret_mask(&p.credential);
            // `models status` masks an OAuth profile's label by who it is, so the refresh-only
            // wording never reaches a label.
            let label_mask = if mask == "refresh token only" { "missing" } else { mask.as_str() };
            let label = format!("{}={}{}", p.id, secret_label(&p.credential, label_mask), unusable_suffix(&health));
            ProfileAnalysis {
                id: p.id.clone(),
                provider: p.credential.provider.clone(),
                kind: p.credential.kind,
                origin: p.origin.clone(),
                legacy: matches!(p.origin, ProfileOrigin::Legacy(_)),
                health,
                mask,
                label,
                display: p.credential.display_suffix().map(str::to_owned),
            }
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}
