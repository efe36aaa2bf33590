//! What the running gateway holds in memory against what is on disk, for one agent: the
//! panel's analysis of the state (the same values every page shows) beside `models.authStatus`.
//! Only providers the gateway reports on are compared (it reports on the providers its models
//! and stores name; a provider it does not mention is not a difference).
//!
//! Invariant: each difference is one sentence naming the agent and the profile, never a secret.

use openclaw_state::analysis::AgentAnalysis;

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
            Some(_) => {}
        }
    }
    for g in &listed.profiles {
        if !disk.profiles.iter().any(|p| p.id == g.profile_id && !p.legacy) {
            out.push(format!("agent {agent}: the gateway still lists {}, which is not on disk", g.profile_id));
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
            status: "ok".into(),
        };
        let first = disk.profiles.iter().find(|p| p.id == on_disk[0]).unwrap();
        let mut listed = Listed {
            providers: vec!["anthropic".into()],
            profiles: on_disk
                .iter()
                .map(|id| listed_as(id, disk.profiles.iter().find(|p| p.id == *id).unwrap().kind.as_str()))
                .collect(),
            env_keys: vec![],
        };
        assert!(differences(&disk, &listed).is_empty(), "{:?}", differences(&disk, &listed));
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
