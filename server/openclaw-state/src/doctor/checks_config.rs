//! Checks between `openclaw.json` and the stores: `auth.profiles` entries that disagree with what
//! is stored or name nothing, stored profiles the config leaves out, providers of configured models
//! with no credential, and providers with both an environment key and stored profiles.

use super::{Finding, FindingDraft, config_key, shown};
use crate::analysis::{AgentAnalysis, Analysis, ModelRole};
use crate::credential::CredentialKind;
use crate::problem::Severity;
use crate::snapshot::{ProfileOrigin, StateSnapshot, StoredProfile};

fn holder<'a>(snapshot: &'a StateSnapshot, id: &str) -> Option<(&'a str, &'a StoredProfile)> {
    // The default agent first: its store is the one `paste-token` writes without --agent.
    let mut agents: Vec<_> = snapshot.agents.iter().collect();
    agents.sort_by_key(|a| !a.is_default);
    agents.into_iter().find_map(|a| a.profile(id).map(|p| (a.id.as_str(), p)))
}

pub(super) fn run(snapshot: &StateSnapshot, analysis: &Analysis, out: &mut Vec<Finding>) {
    if let Some(config) = snapshot.config.as_ref() {
        let profiles = config.auth_profiles();
        for (id, entry) in &profiles {
            let key = format!("auth.profiles[\"{id}\"]");
            let draft = |check| FindingDraft {
                check,
                agent: None,
                provider: Some(&entry.provider),
                profile_id: Some(id),
                subject: None,
            };
            let Some((agent, stored)) = holder(snapshot, id) else {
                out.push(draft("config-profile-without-credential").finish(
                    format!("{key} is configured, but no agent's store holds {id}; OpenClaw skips it"),
                    config_key(snapshot, &key),
                    format!(
                        "Paste a credential as {id} (Add a credential), or remove the entry from openclaw.json if \
                         it is gone for good."
                    ),
                    None,
                ));
                continue;
            };
            if stored.credential.provider != entry.provider {
                out.push(draft("config-provider-mismatch").finish(
                    format!(
                        "{key} says provider {}, the store of agent {agent} holds {id} for {}; OpenClaw skips it",
                        entry.provider, stored.credential.provider
                    ),
                    config_key(snapshot, &key),
                    format!("Set provider \"{}\" in {key}, or store the right credential.", stored.credential.provider),
                    None,
                ));
                continue;
            }
            if let Some(mode) = entry.mode.as_deref() {
                let kind = stored.credential.kind;
                let accepted = mode == kind.as_str() || (mode == "oauth" && kind == CredentialKind::Token);
                if !accepted {
                    out.push(draft("config-mode-mismatch").finish(
                        format!(
                            "{key} says mode {mode}, the store of agent {agent} holds a {}; OpenClaw skips the profile",
                            kind.as_str()
                        ),
                        config_key(snapshot, &key),
                        format!(
                            "Set mode \"{}\" in {key}, or paste the credential again as the type the config names.",
                            kind.as_str()
                        ),
                        None,
                    ));
                }
            }
        }
        not_in_config(snapshot, &profiles, out);
    }
    for agent in &analysis.agents {
        models_without_credential(snapshot, agent, out);
        env_and_store(snapshot, agent, out);
    }
}

/// A provider a configured model uses that has no credential OpenClaw can use. With none at all
/// anywhere, the default model's provider is an error (every request fails) and one only a
/// fallback, image or utility model uses is a warning (a failover to it fails). A provider whose
/// credentials exist but that `--check` counts as missing (all unusable) is an error, as before.
fn models_without_credential(snapshot: &StateSnapshot, agent: &AgentAnalysis, out: &mut Vec<Finding>) {
    let mut providers: Vec<&str> = Vec::new();
    for m in &agent.models_in_use {
        if !providers.contains(&m.provider.as_str()) {
            providers.push(&m.provider);
        }
    }
    for extra in &agent.check.missing {
        if !providers.contains(&extra.as_str()) {
            providers.push(extra);
        }
    }
    for provider in providers {
        let roles: Vec<ModelRole> = {
            let mut r: Vec<ModelRole> =
                agent.models_in_use.iter().filter(|m| m.provider == provider).map(|m| m.role).collect();
            r.dedup();
            r
        };
        let used_as = roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
        let draft = FindingDraft {
            check: "model-provider-without-credential",
            agent: Some(&agent.agent_id),
            provider: Some(provider),
            profile_id: None,
            subject: None,
        };
        let hint = format!(
            "Add a {provider} credential (Add a credential, or a key in .env), or take the {provider} model out of \
             the agent's model list."
        );
        let path = config_key(snapshot, "agents (models)");
        if !agent.has_any_credential(provider) {
            let is_default = roles.contains(&ModelRole::Default) || roles.is_empty();
            let (severity, consequence) = if is_default {
                (Severity::Error, "requests fail with \"No API key found\"")
            } else {
                (Severity::Warning, "a failover to it fails")
            };
            out.push(draft.finish_as(
                severity,
                format!(
                    "agent {} uses a {provider} model ({used_as}), but there is no {provider} credential in its \
                     stores or the environment; {consequence}",
                    agent.agent_id
                ),
                path,
                hint,
                None,
            ));
        } else if agent.check.missing.iter().any(|m| m == provider) {
            out.push(draft.finish(
                format!(
                    "agent {} uses a {provider} model ({used_as}), but none of its {provider} credentials is usable \
                     now; OpenClaw's --check counts it as missing",
                    agent.agent_id
                ),
                path,
                hint,
                None,
            ));
        }
    }
}

/// Stored profiles with no `auth.profiles` entry. With entries naming other profiles of the same
/// provider (and no order), OpenClaw's base list is exactly those ids: this one is never tried (a
/// warning). Otherwise OpenClaw still uses it, but the config does not record its mode (a notice).
fn not_in_config(
    snapshot: &StateSnapshot,
    profiles: &indexmap::IndexMap<String, crate::config::ConfigProfile>,
    out: &mut Vec<Finding>,
) {
    let config_order = snapshot.config.as_ref().map(|c| c.auth_order()).unwrap_or_default();
    for agent in &snapshot.agents {
        for p in &agent.profiles {
            let owned = match p.origin {
                ProfileOrigin::Agent(_) => true,
                // One finding for a shared profile, under the default agent.
                ProfileOrigin::Shared(_) => agent.is_default,
                ProfileOrigin::Legacy(_) | ProfileOrigin::Inherited { .. } => false,
            };
            if !owned || profiles.contains_key(&p.id) {
                continue;
            }
            let provider = p.credential.provider.as_str();
            let ordered = agent.order.contains_key(provider) || config_order.contains_key(provider);
            let others_configured = profiles.values().any(|c| c.provider == provider);
            let draft = FindingDraft {
                check: "credential-not-in-config",
                agent: Some(&agent.id),
                provider: Some(provider),
                profile_id: Some(&p.id),
                subject: None,
            };
            let path = shown(snapshot, p.origin.path());
            if !ordered && others_configured {
                out.push(draft.finish(
                    format!(
                        "{} is stored for agent {}, but auth.profiles in openclaw.json lists other {provider} \
                         profiles and not this one, and no order names it: OpenClaw never tries it",
                        p.id, agent.id
                    ),
                    path,
                    format!(
                        "Put {} in an order (Edit order), add it to auth.profiles, or remove it if it is unused.",
                        p.id
                    ),
                    None,
                ));
            } else {
                out.push(draft.finish_as(
                    Severity::Info,
                    format!(
                        "{} is stored for agent {} but has no auth.profiles entry in openclaw.json; OpenClaw still \
                         uses it, but the config does not record its mode",
                        p.id, agent.id
                    ),
                    path,
                    format!(
                        "Nothing breaks. To record it, paste it again (Replace on the profiles page adds the entry) or \
                         add auth.profiles[\"{}\"] = {{ provider: \"{provider}\", mode: \"{}\" }}.",
                        p.id,
                        p.credential.kind.as_str()
                    ),
                    None,
                ));
            }
        }
    }
}

/// A provider with stored profiles and an environment key: the profiles win, the key is the
/// fallback. Worth knowing when a rotated key "does nothing".
fn env_and_store(snapshot: &StateSnapshot, agent: &AgentAnalysis, out: &mut Vec<Finding>) {
    for (provider, p) in &agent.providers {
        // Mirrors are `models status` listings of another provider's variable, not a second key.
        let Some(hit) = p.env.as_ref().filter(|_| !p.status_mirror) else { continue };
        let var = hit.var.as_str();
        let stored = p.profile_ids.len() + p.legacy_ids.len();
        if stored == 0 {
            continue;
        }
        out.push(
            FindingDraft {
                check: "env-and-store",
                agent: Some(&agent.agent_id),
                provider: Some(provider),
                profile_id: None,
                subject: Some(var.to_owned()),
            }
            .finish(
                format!(
                    "{provider} has {stored} stored profile(s) for agent {} and {var} in {}: the stored profiles win; \
                     {var} is used only when none of them is usable",
                    agent.agent_id,
                    hit.source.label()
                ),
                match &hit.source {
                    crate::env::EnvSource::DotEnv(path) | crate::env::EnvSource::Config(path) => shown(snapshot, path),
                    crate::env::EnvSource::Process => "the gateway's environment".to_owned(),
                },
                format!("Nothing to do if that is intended; remove {var} or the profiles if one of them is stale."),
                None,
            ),
        );
    }
}
