//! The remove dialog: what removing a profile deletes, as the server reads it from the state when
//! the dialog opens (`preview_remove`), never guessed in the browser; a yes removes the profile
//! based on the store version that preview read.

use leptos::prelude::*;

use super::ProfileWrites;
use crate::api::{RemoveProfile, preview_remove};
use crate::components::ConfirmDialog;
use crate::error::AppError;
use crate::page_state::{About, ConfirmRequest, Notice, PageState};
use crate::views::{OrderChange, RemovePreview};

/// The profile whose remove dialog is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RemoveTarget {
    pub agent: String,
    pub profile_id: String,
}

fn title(target: &RemoveTarget) -> String {
    format!("Remove {} from agent {}?", target.profile_id, target.agent)
}

fn arrow(ids: &[String]) -> String {
    if ids.is_empty() { "nothing".to_owned() } else { ids.join(" → ") }
}

/// The dialog's lines: everything the removal changes, in words.
fn lines(p: &RemovePreview) -> Vec<String> {
    let mut lines = vec![format!(
        "The secret ({}) is deleted from {}; OpenClaw can no longer use it, and the panel cannot bring it back.",
        p.masked,
        p.store_path.as_deref().unwrap_or("the store")
    )];
    if p.shared {
        lines.push("It is in the shared store: every agent loses it.".to_owned());
    }
    if let Some(OrderChange { before, after }) = &p.stored_order {
        lines.push(format!(
            "The stored order of {} becomes {} (was {}).",
            p.provider,
            arrow(after),
            before.join(" → ")
        ));
    }
    if let Some(OrderChange { after, .. }) = &p.config_order {
        lines.push(format!("auth.order.{} in openclaw.json becomes {} (a backup is kept).", p.provider, arrow(after)));
    }
    if p.config_entry {
        lines.push(format!(
            "Its entry auth.profiles[\"{}\"] in openclaw.json is removed (a backup is kept).",
            p.profile_id
        ));
    }
    if p.usage_record {
        lines.push("Its usage statistics, cooldown and last-good mark go too.".to_owned());
    }
    lines
}

/// The question for `target`, from its preview once read (`None`: still being read).
fn request(target: &RemoveTarget, preview: Option<&Result<RemovePreview, AppError>>) -> ConfirmRequest {
    let (lines, can_confirm) = match preview {
        None => (vec!["Reading what the removal changes…".to_owned()], false),
        Some(Ok(p)) => (lines(p), true),
        Some(Err(e)) => (vec![format!("Cannot say what the removal changes: {e}")], false),
    };
    ConfirmRequest { title: title(target), lines, confirm_label: format!("Remove {}", target.profile_id), can_confirm }
}

/// The dialog of the page's `removing` profile, and what its answer does to the page.
#[component]
pub(super) fn RemoveDialog() -> impl IntoView {
    let state = PageState::get();
    let writes = expect_context::<ProfileWrites>();
    let removing = writes.removing;
    // Read when the dialog opens, in the browser only; kept with the target it is about, so an
    // answer for an earlier dialog is never shown in a later one.
    let preview = LocalResource::new(move || {
        let target = removing.get();
        async move {
            let target = target?;
            let answer = preview_remove(target.agent.clone(), target.profile_id.clone()).await;
            Some((target, answer))
        }
    });
    let current = move || {
        let target = removing.get()?;
        let answer = preview.get().flatten().filter(|(t, _)| *t == target).map(|(_, answer)| answer);
        Some((target, answer))
    };
    let request = Signal::derive(move || current().map(|(target, answer)| request(&target, answer.as_ref())));
    let confirm = Callback::new(move |()| {
        let Some((target, Some(Ok(p)))) = untrack(current) else { return };
        let about = About::new(format!("Removed {} from agent {}", target.profile_id, target.agent))
            .failed_title(format!("Not done: {}", title(&target)));
        let input = RemoveProfile { agent: target.agent, profile_id: target.profile_id, base_version: Some(p.version) };
        writes.remove.dispatch(input, about);
    });
    writes.remove.on_answer(move |answer, about| {
        removing.set(None);
        match answer {
            Ok(outcome) => state.changed(Notice::saved(about.title.clone(), outcome), None),
            Err(e) => state.failed(about.failure(), e),
        }
    });
    view! {
        <ConfirmDialog
            request
            busy=writes.remove.pending()
            on_confirm=confirm
            on_cancel=Callback::new(move |()| removing.set(None))
        />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preview() -> RemovePreview {
        RemovePreview {
            agent: "work".into(),
            profile_id: "anthropic:work".into(),
            provider: "anthropic".into(),
            masked: "sk-ant-o...WORK0001".into(),
            store_path: Some("~/.openclaw/agents/work/agent/auth-profiles.json".into()),
            shared: false,
            stored_order: Some(OrderChange {
                before: vec!["anthropic:manual".into(), "anthropic:work".into()],
                after: vec!["anthropic:manual".into()],
            }),
            config_order: Some(OrderChange { before: vec!["anthropic:work".into()], after: vec![] }),
            config_entry: true,
            usage_record: false,
            version: "v1".into(),
        }
    }

    #[test]
    fn the_lines_say_what_the_server_read() {
        let text = lines(&preview()).join("\n");
        assert!(text.contains(
            "The stored order of anthropic becomes anthropic:manual (was anthropic:manual → anthropic:work)."
        ));
        assert!(text.contains("auth.order.anthropic in openclaw.json becomes nothing"));
        assert!(text.contains("auth.profiles[\"anthropic:work\"] in openclaw.json is removed"));
        assert!(!text.contains("usage statistics"));
    }

    #[test]
    fn no_yes_before_the_preview_or_after_it_failed() {
        let target = RemoveTarget { agent: "work".into(), profile_id: "anthropic:work".into() };
        assert!(!request(&target, None).can_confirm);
        assert!(!request(&target, Some(&Err(AppError::Internal))).can_confirm);
        let ready = request(&target, Some(&Ok(preview())));
        assert!(ready.can_confirm);
        assert_eq!(ready.title, "Remove anthropic:work from agent work?");
        assert_eq!(ready.confirm_label, "Remove anthropic:work");
    }
}
