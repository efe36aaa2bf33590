//! What the running gateway holds in memory against what is on disk, for one agent: the
//! panel's analysis of the state (the same values every page shows) beside `models.authStatus`.
//! Only providers the gateway reports on are compared (it reports on the providers its models
//! and stores name; a provider it does not mention is not a difference). Compared: which
//! profiles it lists, their type and status; and where the gateway says (2026.9+) the explicit
//! order and the environment variable it takes a provider's key from.
//!
//! Invariant: each difference is one sentence naming the agent and the profile, provider or
//! variable, never a secret.

use openclaw_state::analysis::AgentAnalysis;
use openclaw_state::env::EnvSource;
use openclaw_state::order::OrderSource;

use crate::apply::Listed;

/// The differences between `disk` (the agent's analysis) and `listed` (what the gateway lists
/// for it), one sentence each; empty when they agree.
pub fn differences(disk: &AgentAnalysis, listed: &Listed) -> Vec<String> {
    let agent = &disk.agent_id;
    let mut out = Vec::new();
    let reported = |provider: &str| listed.providers.iter().any(|p| p == provider);
    for p in disk.profiles.iter().filter(|p| !p.legacy && reported(&p.provider)) {
        match listed.profile(&p.id) {
            None => out.push(format!("agent {agent}: {} is on disk, but the gateway does not list it", p.id)),
            Some(g) if g.kind != p.kind.as_str() => out.push(format!(
                "agent {agent}: {} is {} on disk, but {} in the gateway",
                p.id,
                p.kind.as_str(),
                g.kind
            )),
            Some(g) if !g.status.is_empty() && g.status != p.health.status.as_str() => out.push(format!(
                "agent {agent}: {} is {} on disk, but {} in the gateway",
                p.id,
                p.health.status.as_str(),
                g.status
            )),
            Some(_) => {}
        }
    }
    for g in &listed.profiles {
        if !disk.profiles.iter().any(|p| p.id == g.profile_id && !p.legacy) {
            out.push(format!("agent {agent}: the gateway still lists {}, which is not on disk", g.profile_id));
        }
    }
    if let Some(orders) = &listed.orders {
        for provider in &listed.providers {
            let on_disk = disk
                .providers
                .get(provider)
                .filter(|p| matches!(p.order.source, OrderSource::Stored | OrderSource::ConfigOrder))
                .map(|p| &p.order.base);
            let in_gateway = orders.iter().find(|(p, _)| p == provider).map(|(_, o)| o);
            match (on_disk, in_gateway) {
                (Some(d), Some(g)) if d != g => out.push(format!(
                    "agent {agent}: {provider}'s order is {} on disk, but {} in the gateway",
                    d.join(" > "),
                    g.join(" > ")
                )),
                (Some(d), None) => out.push(format!(
                    "agent {agent}: {provider} has the order {} on disk, but the gateway has none",
                    d.join(" > ")
                )),
                (None, Some(g)) => out.push(format!(
                    "agent {agent}: the gateway still orders {provider} as {}, which is no longer on disk",
                    g.join(" > ")
                )),
                _ => {}
            }
        }
        for provider in listed.providers.iter().filter(|p| disk.providers.get(*p).is_none_or(|a| a.env.is_none())) {
            if let Some((_, var)) = listed.env_keys.iter().find(|(p, _)| p == provider) {
                out.push(format!(
                    "agent {agent}: the gateway takes {provider}'s key from {var}, which the panel does not find (.env, config env)"
                ));
            }
        }
        // A variable of the panel's own environment is not the gateway's: only files count.
        for (provider, analysis) in disk.providers.iter().filter(|(p, _)| reported(p)) {
            let Some(env) = analysis.env.as_ref().filter(|e| !matches!(e.source, EnvSource::Process)) else { continue };
            if !listed.env_keys.iter().any(|(p, _)| p == provider) && analysis.profile_ids.is_empty() {
                out.push(format!(
                    "agent {agent}: {} is set in {}, but the gateway does not use it for {provider} (it loads new .env keys when it restarts)",
                    env.var,
                    env.source.label()
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apply::ListedProfile;
    use openclaw_state::snapshot::ReadOptions;

    #[test]
    fn missing_extra_and_retyped_profiles_are_named_only_for_reported_providers() {
        let tmp = tempfile::tempdir().unwrap();
        let state = openclaw_state::testing::relocate_fixture("era-b-5.28", tmp.path());
        let snapshot = openclaw_state::read_state(
            &openclaw_state::StateLocation::in_dir(&state),
            &ReadOptions { now_ms: 1_800_000_000_000, ..ReadOptions::default() },
        );
        let disk = openclaw_state::analysis::analyze_agent(&snapshot, Some("main")).unwrap();
        let on_disk: Vec<&str> =
            disk.profiles.iter().filter(|p| p.provider == "anthropic").map(|p| p.id.as_str()).collect();
        assert!(on_disk.len() >= 2, "{on_disk:?}");
        let listed_as = |id: &str, kind: &str| ListedProfile {
            provider: "anthropic".into(),
            profile_id: id.into(),
            kind: kind.into(),
            status: disk.profile(id).map_or("ok", |p| p.health.status.as_str()).into(),
        };
        let first = disk.profiles.iter().find(|p| p.id == on_disk[0]).unwrap();
        let mut listed = Listed {
            providers: vec!["anthropic".into()],
            profiles: on_disk
                .iter()
                .map(|id| listed_as(id, disk.profiles.iter().find(|p| p.id == *id).unwrap().kind.as_str()))
                .collect(),
            env_keys: vec![],
            orders: None,
        };
        assert!(differences(&disk, &listed).is_empty(), "{:?}", differences(&disk, &listed));

        // A status the gateway computed differently, and an order it still holds.
        let mut stale = listed.clone();
        let other_status = if stale.profiles[0].status == "expired" { "ok" } else { "expired" };
        stale.profiles[0].status = other_status.into();
        stale.orders = Some(vec![("anthropic".into(), vec!["anthropic:elsewhere".into()])]);
        let found = differences(&disk, &stale);
        assert!(found.iter().any(|d| d.ends_with(&format!("but {other_status} in the gateway"))), "{found:?}");
        assert!(
            found.iter().any(|d| d.contains("anthropic:elsewhere") && d.contains("order")),
            "an order the gateway holds that the disk does not: {found:?}"
        );
        // The gateway takes a key from a variable the disk does not have.
        let mut env = listed.clone();
        env.orders = Some(Vec::new());
        env.providers.push("openrouter".into());
        env.env_keys.push(("openrouter".into(), "OPENROUTER_API_KEY".into()));
        let found = differences(&disk, &env);
        assert!(
            found.iter().any(|d| d.contains("from OPENROUTER_API_KEY, which the panel does not find")),
            "{found:?}"
        );

        listed.profiles.retain(|p| p.profile_id != on_disk[1]);
        listed.profiles.push(listed_as("anthropic:gone", "token"));
        let other = if first.kind.as_str() == "token" { "api_key" } else { "token" };
        listed.profiles[0].kind = other.into();
        let found = differences(&disk, &listed);
        assert!(
            found.iter().any(|d| d.contains(&format!("{} is on disk, but the gateway does not list it", on_disk[1]))),
            "{found:?}"
        );
        assert!(found.iter().any(|d| d.contains("still lists anthropic:gone")), "{found:?}");
        assert!(found.iter().any(|d| d.contains(&format!("but {other} in the gateway"))), "{found:?}");
        assert!(found.iter().all(|d| !d.contains("openai")), "an unreported provider is no difference: {found:?}");
    }
}
