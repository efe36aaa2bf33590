//! Checks on orders: a stored order or config `auth.order` naming a profile that does not exist or
//! belongs to another provider (OpenClaw skips it silently; an order of only such ids makes it
//! fall back to any stored profile, which is rarely what the admin meant).

use super::{Finding, FindingDraft, Fix, config_key, shown};
use crate::snapshot::StateSnapshot;

pub(super) fn run(snapshot: &StateSnapshot, out: &mut Vec<Finding>) {
    let default = snapshot.agents.iter().find(|a| a.is_default);
    for agent in &snapshot.agents {
        for (provider, ids) in &agent.order {
            // An order inherited from the default agent's store is reported (and fixed) there.
            if !agent.is_default && default.and_then(|d| d.order.get(provider)) == Some(ids) {
                continue;
            }
            for id in ids {
                let draft = |check| FindingDraft {
                    check,
                    agent: Some(&agent.id),
                    provider: Some(provider),
                    profile_id: Some(id),
                    subject: None,
                };
                let fix =
                    Fix::DropFromOrder { agent: agent.id.clone(), provider: provider.clone(), profile_id: id.clone() };
                match agent.profile(id) {
                    None => out.push(draft("order-missing-profile").finish(
                        format!(
                            "the stored order of {provider} (agent {}) names {id}, which no store of the agent holds",
                            agent.id
                        ),
                        shown(snapshot, &agent.state_path),
                        format!("Remove {id} from the order (the fix), or paste a credential as {id}."),
                        Some(fix),
                    )),
                    Some(p) if p.credential.provider != *provider => out.push(draft("order-wrong-provider").finish(
                        format!(
                            "the stored order of {provider} (agent {}) names {id}, a profile of {}",
                            agent.id, p.credential.provider
                        ),
                        shown(snapshot, &agent.state_path),
                        format!("Remove {id} from the order of {provider} (the fix)."),
                        Some(fix),
                    )),
                    Some(_) => {}
                }
            }
        }
    }
    let Some(config) = snapshot.config.as_ref() else { return };
    for (provider, ids) in config.auth_order() {
        for id in &ids {
            let holder = snapshot.agents.iter().find_map(|a| a.profile(id));
            let key = format!("auth.order.{provider}");
            let draft = |check| FindingDraft {
                check,
                agent: None,
                provider: Some(&provider),
                profile_id: Some(id),
                subject: None,
            };
            match holder {
                None => out.push(draft("config-order-missing-profile").finish(
                    format!("{key} names {id}, which no agent's store holds"),
                    config_key(snapshot, &key),
                    format!("Remove {id} from {key} in openclaw.json, or paste a credential as {id}."),
                    None,
                )),
                Some(p) if p.credential.provider != provider => out.push(draft("config-order-wrong-provider").finish(
                    format!("{key} names {id}, a profile of {}", p.credential.provider),
                    config_key(snapshot, &key),
                    format!("Remove {id} from {key} in openclaw.json."),
                    None,
                )),
                Some(_) => {}
            }
        }
    }
}
