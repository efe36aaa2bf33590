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
use crate::rules::RuleSet;
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

/// Whether OpenClaw can use a credential at all (before cooldowns), under `rules`.
pub fn eligibility(cred: &Credential, rules: &RuleSet, now: i64) -> Result<(), String> {
    let has_ref = cred.secret_ref.as_ref().is_some_and(|r| r.is_valid());
    match cred.kind {
        CredentialKind::ApiKey if !cred.has_secret() && !has_ref => Err("no key stored".to_owned()),
        CredentialKind::Token if !cred.has_secret() && !has_ref => Err("no token stored".to_owned()),
        CredentialKind::Token => match cred.expires.valid_at(rules) {
            Err(_) => Err("invalid expires value".to_owned()),
            Ok(Some(at)) if at <= now => Err("token expired".to_owned()),
            _ => Ok(()),
        },
        CredentialKind::OAuth if !cred.has_secret() && !cred.has_refresh() => {
            Err("no access or refresh token".to_owned())
        }
        CredentialKind::OAuth
            if rules.oauth_expired_without_refresh_ineligible
                && !cred.has_refresh()
                && matches!(cred.expires, Expires::At(at) if at <= now) =>
        {
            Err("access token expired and there is no refresh token".to_owned())
        }
        _ => Ok(()),
    }
}

/// Resolves the order OpenClaw would try `provider`'s profiles in for `agent`.
pub fn effective_order(
    agent: &AgentState,
    config: Option<&Config>,
    provider: &str,
    rules: &RuleSet,
    now: i64,
) -> EffectiveOrder {
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
        if matches!(profile.origin, crate::snapshot::ProfileOrigin::Legacy(_)) {
            let detail = "in a legacy JSON store OpenClaw 2026.6+ refuses until `openclaw doctor --fix` imports it";
            skipped.push((id, SkipReason::Ineligible { detail: detail.to_owned() }));
            continue;
        }
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
        if let Err(detail) = eligibility(cred, rules, now) {
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
            .filter(|p| {
                p.credential.provider == provider
                    && !matches!(p.origin, crate::snapshot::ProfileOrigin::Legacy(_))
                    && eligibility(&p.credential, rules, now).is_ok()
            })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{ProfileOrigin, StoredProfile};
    use crate::store::UsageStats;
    use indexmap::IndexMap;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000_000;

    fn agent(profiles: &[(&str, serde_json::Value)]) -> AgentState {
        AgentState {
            id: "main".into(),
            is_default: true,
            in_config: true,
            dir: "/x".into(),
            dir_exists: true,
            era: None,
            migration_required: false,
            store_path: "/x".into(),
            state_path: "/x".into(),
            profiles: profiles
                .iter()
                .map(|(id, v)| StoredProfile {
                    id: (*id).into(),
                    credential: crate::credential::parse_credential(v).unwrap(),
                    origin: ProfileOrigin::Agent("/x".into()),
                })
                .collect(),
            order: IndexMap::new(),
            last_good: IndexMap::new(),
            usage: IndexMap::new(),
            models_json: None,
        }
    }

    fn three() -> AgentState {
        agent(&[
            ("a:key", json!({"type":"api_key","provider":"a","key":"k"})),
            ("a:tok", json!({"type":"token","provider":"a","token":"t"})),
            ("a:oauth", json!({"type":"oauth","provider":"a","access":"x","expires": NOW + 1})),
        ])
    }

    #[test]
    fn without_order_types_rank_then_least_recently_used() {
        let mut a = three();
        assert_eq!(effective_order(&a, None, "a", RuleSet::newest(), NOW).ids, ["a:oauth", "a:tok", "a:key"]);
        a.profiles.push(StoredProfile {
            id: "a:tok2".into(),
            credential: crate::credential::parse_credential(&json!({"type":"token","provider":"a","token":"t"}))
                .unwrap(),
            origin: ProfileOrigin::Agent("/x".into()),
        });
        a.usage.insert("a:tok".into(), UsageStats { last_used: Some(NOW - 10), ..Default::default() });
        a.usage.insert("a:tok2".into(), UsageStats { last_used: Some(NOW - 1000), ..Default::default() });
        let order = effective_order(&a, None, "a", RuleSet::newest(), NOW);
        assert_eq!(order.source, OrderSource::AllStored);
        assert_eq!(order.ids, ["a:oauth", "a:tok2", "a:tok", "a:key"]);
    }

    #[test]
    fn stored_order_is_kept_and_cooldowns_go_last() {
        let mut a = three();
        a.order.insert("a".into(), vec!["a:key".into(), "a:gone".into(), "a:tok".into()]);
        a.usage.insert("a:key".into(), UsageStats { cooldown_until: Some(NOW + 60_000), ..Default::default() });
        let order = effective_order(&a, None, "a", RuleSet::newest(), NOW);
        assert_eq!(order.source, OrderSource::Stored);
        assert_eq!(order.ids, ["a:tok", "a:key"]);
        assert_eq!(order.skipped, [("a:gone".to_owned(), SkipReason::NotInStore)]);
    }

    #[test]
    fn config_mode_mismatch_and_expired_tokens_are_skipped() {
        let mut a = three();
        a.profiles.push(StoredProfile {
            id: "a:old".into(),
            credential: crate::credential::parse_credential(
                &json!({"type":"token","provider":"a","token":"t","expires": NOW - 1}),
            )
            .unwrap(),
            origin: ProfileOrigin::Agent("/x".into()),
        });
        let cfg = crate::config::Config::parse(
            std::path::Path::new("c"),
            r#"{"auth":{"order":{"a":["a:old","a:key","a:tok"]},"profiles":{"a:key":{"provider":"a","mode":"token"}}}}"#,
        )
        .unwrap();
        let order = effective_order(&a, Some(&cfg), "a", RuleSet::newest(), NOW);
        assert_eq!(order.source, OrderSource::ConfigOrder);
        assert_eq!(order.ids, ["a:tok"]);
        assert_eq!(order.skipped.len(), 2);
    }

    #[test]
    fn nothing_configured_usable_falls_back_to_any_valid_profile() {
        let mut a = three();
        a.order.insert("a".into(), vec!["a:gone".into()]);
        let order = effective_order(&a, None, "a", RuleSet::newest(), NOW);
        assert_eq!(order.source, OrderSource::AllStored);
        assert_eq!(order.first(), Some("a:oauth"));
    }
}
