//! Checks on each credential: expiry, missing secrets, cooldowns and disables, the wrong type for
//! an Anthropic secret, and one secret stored under several ids.

use std::collections::{BTreeMap, HashMap, HashSet};

use secrecy::ExposeSecret;

use super::{Finding, FindingDraft, Fix, shown};
use crate::analysis::{AgentAnalysis, Analysis};
use crate::credential::CredentialKind;
use crate::health::{HealthStatus, ReasonCode, UnusableKind, format_remaining};
use crate::snapshot::{ProfileOrigin, StateSnapshot, StoredProfile};
use crate::write::normalize::{ANTHROPIC_API_KEY_PREFIX, ANTHROPIC_SETUP_TOKEN_PREFIX, SecretKind};

/// Profiles each checked once: a profile of a shared or inherited store shows in several agents,
/// but its secret and expiry are one. Returns `(agent, profile)` with the agent that owns it.
/// Hashed, not ordered: a large install has tens of thousands of profiles, and ordering paths
/// compares them component by component.
fn owned_profiles(snapshot: &StateSnapshot) -> Vec<(&str, &StoredProfile)> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for agent in &snapshot.agents {
        for p in &agent.profiles {
            if matches!(p.origin, ProfileOrigin::Legacy(_) | ProfileOrigin::Inherited { .. }) {
                continue;
            }
            // The path's bytes, not `Path` (which hashes component by component): the paths
            // of one snapshot are all built by the same joins.
            if seen.insert((p.origin.path().as_os_str(), p.id.as_str())) {
                out.push((agent.id.as_str(), p));
            }
        }
    }
    out
}

pub(super) fn run(snapshot: &StateSnapshot, analysis: &Analysis, out: &mut Vec<Finding>) {
    // Each agent's analysis found once, not by a scan per profile (500 agents × 20 profiles).
    let analysed: HashMap<&str, &AgentAnalysis> = analysis.agents.iter().map(|a| (a.agent_id.as_str(), a)).collect();
    for (agent, p) in owned_profiles(snapshot) {
        let Some(health) = analysed.get(agent).and_then(|a| a.profile(&p.id)).map(|a| &a.health) else { continue };
        let draft = |check| FindingDraft {
            check,
            agent: Some(agent),
            provider: Some(&p.credential.provider),
            profile_id: Some(&p.id),
            subject: None,
        };
        let path = shown(snapshot, p.origin.path());
        let renew = renew_hint(&p.credential.provider, p.credential.kind, &p.id);
        match (health.status, health.reason) {
            (_, Some(ReasonCode::InvalidExpires)) => out.push(
                draft("expiry-invalid").finish(
                    format!("{} has an expires value OpenClaw cannot use, so it never uses the profile", p.id),
                    path.clone(),
                    "Paste the secret again with a valid expiry (or none): Replace on the profiles page, or \
                 `openclaw-auth-panel auth paste-token --expires-in 365d`."
                        .to_owned(),
                    None,
                ),
            ),
            (HealthStatus::Expired, _) => out.push(draft("token-expired").finish(
                format!(
                    "{} ({}) expired {} ago; OpenClaw skips it",
                    p.id,
                    p.credential.kind.as_str(),
                    format_remaining(-health.remaining_ms.unwrap_or(0))
                ),
                path.clone(),
                renew.clone(),
                None,
            )),
            (HealthStatus::Expiring, _) => out.push(draft("token-expiring").finish(
                format!(
                    "{} ({}) expires in {}",
                    p.id,
                    p.credential.kind.as_str(),
                    format_remaining(health.remaining_ms.unwrap_or(0))
                ),
                path.clone(),
                renew.clone(),
                None,
            )),
            (HealthStatus::Missing, _) => out.push(draft("credential-missing").finish(
                format!("{} has no usable secret; OpenClaw skips it", p.id),
                path.clone(),
                format!("Paste the secret again (Replace on the profiles page) or remove {}.", p.id),
                None,
            )),
            _ => {}
        }
        anthropic_type_checks(agent, p, &path, out);
    }
    cooldowns(snapshot, out);
    duplicates(snapshot, out);
}

fn renew_hint(provider: &str, kind: CredentialKind, id: &str) -> String {
    match (provider, kind) {
        ("anthropic", CredentialKind::Token) => format!(
            "Run `claude setup-token` on a machine with Claude Code and paste the new token as {id} (Add a credential \
             → Anthropic setup token)."
        ),
        (_, CredentialKind::OAuth) => format!(
            "Log in again on the gateway host: `openclaw models auth login --provider {provider}` (OAuth cannot be \
             pasted)."
        ),
        _ => format!("Paste a new secret for {id} (Replace on the profiles page)."),
    }
}

fn anthropic_type_checks(agent: &str, p: &StoredProfile, path: &str, out: &mut Vec<Finding>) {
    let Some(secret) = p.credential.secret.as_ref() else { return };
    let value: String = secret.expose_secret().chars().filter(|c| !c.is_whitespace()).collect();
    let (check, to, message, hint) = match p.credential.kind {
        CredentialKind::ApiKey if value.starts_with(ANTHROPIC_SETUP_TOKEN_PREFIX) => (
            "setup-token-as-api-key",
            SecretKind::Token,
            format!(
                "{} holds an Anthropic setup token stored as an API key: OpenClaw sends it as x-api-key and \
                 Anthropic refuses it",
                p.id
            ),
            "Store it as a token (the fix does it, same secret and id).",
        ),
        CredentialKind::Token if value.starts_with(ANTHROPIC_API_KEY_PREFIX) => (
            "api-key-as-token",
            SecretKind::ApiKey,
            format!("{} holds an Anthropic API key stored as a token: OpenClaw sends it as a bearer token", p.id),
            "Store it as an API key (the fix does it, same secret and id).",
        ),
        _ => return,
    };
    out.push(
        FindingDraft {
            check,
            agent: Some(agent),
            provider: Some(&p.credential.provider),
            profile_id: Some(&p.id),
            subject: None,
        }
        .finish(
            message,
            path.to_owned(),
            hint.to_owned(),
            Some(Fix::Retype { agent: agent.to_owned(), profile_id: p.id.clone(), to }),
        ),
    );
}

/// Cooldowns and disables are per agent (each agent keeps its own usage).
fn cooldowns(snapshot: &StateSnapshot, out: &mut Vec<Finding>) {
    let default = snapshot.agents.iter().find(|a| a.is_default);
    for agent in &snapshot.agents {
        for (id, usage) in &agent.usage {
            let Some(unusable) = crate::health::unusable(usage, snapshot.now_ms) else { continue };
            // An agent that inherits the default agent's store sees its usage too: one finding,
            // under the agent whose store holds the record.
            let inherited = !agent.is_default
                && default.and_then(|d| d.usage.get(id)).is_some_and(|d| {
                    d.cooldown_until == usage.cooldown_until && d.disabled_until == usage.disabled_until
                });
            if inherited {
                continue;
            }
            let Some(profile) = agent.profile(id) else { continue };
            let check = match unusable.kind {
                UnusableKind::Cooldown => "cooldown-active",
                UnusableKind::Disabled => "disabled-active",
            };
            let reason = unusable.reason.as_deref().unwrap_or("unknown");
            let scope = unusable.model.as_deref().map(|m| format!(" for {m}")).unwrap_or_default();
            let hint = match (unusable.kind, reason) {
                (UnusableKind::Disabled, "billing") => {
                    "Top up the provider account, then clear the disable (the fix) so OpenClaw tries it again."
                }
                (UnusableKind::Disabled, _) => {
                    "Replace or renew the credential, then clear the disable (the fix) so OpenClaw tries it again."
                }
                _ => "It ends by itself; clear it (the fix) if the cause is gone and you want OpenClaw to try it now.",
            };
            out.push(
                FindingDraft {
                    check,
                    agent: Some(&agent.id),
                    provider: Some(&profile.credential.provider),
                    profile_id: Some(id),
                    subject: None,
                }
                .finish(
                    format!(
                        "{id} is {} ({reason}){scope} for {} more; OpenClaw tries it last",
                        match unusable.kind {
                            UnusableKind::Cooldown => "in cooldown",
                            UnusableKind::Disabled => "disabled",
                        },
                        format_remaining(unusable.remaining_ms)
                    ),
                    shown(snapshot, &agent.state_path),
                    hint.to_owned(),
                    Some(Fix::ClearCooldown { agent: agent.id.clone(), profile_id: id.clone() }),
                ),
            );
        }
    }
}

/// One secret under several ids (of one provider): they share one rate limit and one revocation.
fn duplicates(snapshot: &StateSnapshot, out: &mut Vec<Finding>) {
    let mut by_secret: BTreeMap<(&str, &str), Vec<(&str, &StoredProfile)>> = BTreeMap::new();
    for (agent, p) in owned_profiles(snapshot) {
        let Some(secret) = p.credential.secret.as_ref() else { continue };
        let value = secret.expose_secret().trim();
        if value.is_empty() {
            continue;
        }
        by_secret.entry((p.credential.provider.as_str(), value)).or_default().push((agent, p));
    }
    for ((provider, _), holders) in by_secret {
        if holders.len() < 2 {
            continue;
        }
        let ids: Vec<String> = holders.iter().map(|(a, p)| format!("{} (agent {a})", p.id)).collect();
        let (agent, first) = holders[0];
        out.push(
            FindingDraft {
                check: "duplicate-secret",
                agent: Some(agent),
                provider: Some(provider),
                profile_id: Some(&first.id),
                subject: Some(ids.join(",")),
            }
            .finish(
                format!(
                    "the same {provider} secret is stored {} times: {}; they share one rate limit, so rotating \
                     between them gains nothing",
                    holders.len(),
                    ids.join(", ")
                ),
                shown(snapshot, first.origin.path()),
                "Keep one of them: remove the others (Remove on the profiles page).".to_owned(),
                None,
            ),
        );
    }
}
