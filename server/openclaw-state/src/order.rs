//! Which profile OpenClaw tries first, and why (facts file §7, `resolveAuthProfileOrder`).
//!
//! Base list: stored order > config `auth.order` > config `auth.profiles` ids > every stored profile
//! of the provider. Ineligible entries are dropped (with the reason kept for the page); if nothing
//! configured is usable, any valid stored profile of the provider is used. With an explicit order
//! the given order is kept; without one, oauth < token < api_key, then least recently used first.
//! Profiles in cooldown or disabled always go last, soonest-free first.

use crate::config::Config;
use crate::credential::{Credential, CredentialKind, Expires};
use crate::health::unusable;
use crate::snapshot::AgentState;

/// Which rule produced the base list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderSource {
    /// The agent's stored order (`order` in the store / state).
    Stored,
    /// `auth.order` in `openclaw.json`.
    ConfigOrder,
    /// The ids of `auth.profiles` in `openclaw.json`.
    ConfigProfiles,
    /// No order anywhere: every stored profile of the provider.
    AllStored,
}

impl OrderSource {
    pub fn describe(self) -> &'static str {
        match self {
            Self::Stored => "stored order (models auth order set)",
            Self::ConfigOrder => "auth.order in openclaw.json",
            Self::ConfigProfiles => "auth.profiles in openclaw.json",
            Self::AllStored => "no order set: oauth, then token, then api_key, least recently used first",
        }
    }

    fn is_explicit(self) -> bool {
        matches!(self, Self::Stored | Self::ConfigOrder)
    }
}

/// Why an entry of the base list is not tried.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
pub enum SkipReason {
    /// The order names a profile the store does not hold.
    NotInStore,
    /// The profile belongs to another provider.
    ProviderMismatch { actual: String },
    /// Config `auth.profiles.<id>.mode` disagrees with the stored type.
    ModeMismatch { config: String, stored: String },
    /// No usable secret, or an expired / invalid token expiry.
    Ineligible { detail: String },
}

impl SkipReason {
    pub fn describe(&self) -> String {
        match self {
            Self::NotInStore => "named in the order but not stored".to_owned(),
            Self::ProviderMismatch { actual } => format!("belongs to provider {actual}"),
            Self::ModeMismatch { config, stored } => format!("config says mode {config}, the store holds {stored}"),
            Self::Ineligible { detail } => detail.clone(),
        }
    }
}

/// The resolved order for one provider of one agent.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EffectiveOrder {
    pub source: OrderSource,
    /// The base list before filtering.
    pub base: Vec<String>,
    /// The profiles OpenClaw would try, first to last.
    pub ids: Vec<String>,
    pub skipped: Vec<(String, SkipReason)>,
}

impl EffectiveOrder {
    pub fn first(&self) -> Option<&str> {
        self.ids.first().map(String::as_str)
    }
}

/// Whether OpenClaw can use a credential at all (before cooldowns).
pub fn eligibility(cred: &Credential, now: i64) -> Result<(), String> {
    let has_ref = cred.secret_ref.as_ref().is_some_and(|r| r.is_valid());
    match cred.kind {
        CredentialKind::ApiKey if !cred.has_secret() && !has_ref => Err("no key stored".to_owned()),
        CredentialKind::Token if !cred.has_secret() && !has_ref => Err("no token stored".to_owned()),
        CredentialKind::Token => match cred.expires {
            Expires::Invalid(_) => Err("invalid expires value".to_owned()),
            Expires::At(at) if at <= now => Err("token expired".to_owned()),
            _ => Ok(()),
        },
        CredentialKind::OAuth if !cred.has_secret() && !cred.has_refresh() => {
            Err("no access or refresh token".to_owned())
        }
        _ => Ok(()),
    }
}

/// Resolves the order OpenClaw would try `provider`'s profiles in for `agent`.
pub fn effective_order(agent: &AgentState, config: Option<&Config>, provider: &str, now: i64) -> EffectiveOrder {
    let config_profiles = config.map(Config::auth_profiles).unwrap_or_default();
    let (source, base): (OrderSource, Vec<String>) = if let Some(ids) = agent.order.get(provider) {
        (OrderSource::Stored, ids.clone())
    } else if let Some(ids) = config.and_then(|c| c.auth_order().get(provider).cloned()) {
        (OrderSource::ConfigOrder, ids)
    } else {
        let from_config: Vec<String> =
            config_profiles.iter().filter(|(_, p)| p.provider == provider).map(|(id, _)| id.clone()).collect();
        if from_config.is_empty() {
            (
                OrderSource::AllStored,
                agent.profiles.iter().filter(|p| p.credential.provider == provider).map(|p| p.id.clone()).collect(),
            )
        } else {
            (OrderSource::ConfigProfiles, from_config)
        }
    };

    let mut skipped = Vec::new();
    let mut eligible: Vec<String> = Vec::new();
    for id in dedup(&base) {
        let Some(profile) = agent.profile(&id) else {
            skipped.push((id, SkipReason::NotInStore));
            continue;
        };
        let cred = &profile.credential;
        if cred.provider != provider {
            skipped.push((id, SkipReason::ProviderMismatch { actual: cred.provider.clone() }));
            continue;
        }
        if let Some(mode) = config_profiles.get(&id).and_then(|p| p.mode.as_deref()) {
            let stored = cred.kind.as_str();
            let accepted = mode == stored || (mode == "oauth" && cred.kind == CredentialKind::Token);
            if !accepted {
                skipped.push((id, SkipReason::ModeMismatch { config: mode.to_owned(), stored: stored.to_owned() }));
                continue;
            }
        }
        if let Err(detail) = eligibility(cred, now) {
            skipped.push((id, SkipReason::Ineligible { detail }));
            continue;
        }
        eligible.push(id);
    }
    let mut source = source;
    if eligible.is_empty() && source != OrderSource::AllStored {
        // Nothing configured is usable: OpenClaw falls back to any valid stored profile.
        let fallback: Vec<String> = agent
            .profiles
            .iter()
            .filter(|p| p.credential.provider == provider && eligibility(&p.credential, now).is_ok())
            .map(|p| p.id.clone())
            .collect();
        if !fallback.is_empty() {
            eligible = fallback;
            source = OrderSource::AllStored;
        }
    }

    if !source.is_explicit() {
        eligible.sort_by_key(|id| {
            let p = agent.profile(id).map(|p| &p.credential);
            let rank = match p.map(|c| c.kind) {
                Some(CredentialKind::OAuth) => 0,
                Some(CredentialKind::Token) => 1,
                _ => 2,
            };
            let last_used = agent.usage.get(id).and_then(|u| u.last_used).unwrap_or(0);
            (rank, last_used)
        });
    }
    let (mut cooling, mut ready): (Vec<_>, Vec<_>) = eligible
        .into_iter()
        .map(|id| {
            let until = agent.usage.get(&id).and_then(|u| unusable(u, now)).map(|u| u.until);
            (id, until)
        })
        .partition(|(_, until)| until.is_some());
    cooling.sort_by_key(|(_, until)| *until);
    ready.extend(cooling);
    EffectiveOrder { source, base, ids: ready.into_iter().map(|(id, _)| id).collect(), skipped }
}

fn dedup(ids: &[String]) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    ids.iter().filter(|id| seen.insert(id.as_str())).cloned().collect()
}
