//! What the write pages share while the admin works: a counter that makes the page read the state
//! again after every change (so it shows what is on disk, not what was sent), the notice about the
//! last change, the row to highlight, the paste form's prefill and the open confirm dialog.

use leptos::prelude::*;

use crate::error::AppError;
use crate::views::{Kind, PasteKind, WriteOutcome};

/// The last change's result, shown in the notice at the bottom of the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub title: String,
    /// What changed, warnings, advice: one sentence each.
    pub lines: Vec<String>,
    /// What OpenClaw now tries first for the provider.
    pub next: Option<String>,
    pub masked: Option<String>,
    pub pin: Option<String>,
    /// What the running gateway does with the change (reads it at once, or needs a restart).
    pub gateway_note: Option<String>,
    /// The gateway must restart to see the change.
    pub must_restart: bool,
    pub is_error: bool,
}

impl Notice {
    /// A change that was made.
    pub fn saved(title: String, outcome: &WriteOutcome) -> Self {
        let mut lines = outcome.changes.clone();
        lines.extend(outcome.warnings.iter().cloned());
        lines.extend(outcome.hints.iter().map(|h| h.message.clone()));
        Self {
            title,
            lines,
            next: outcome.next.clone(),
            masked: outcome.masked.clone(),
            pin: outcome.pin_command.clone(),
            gateway_note: Some(outcome.restart_note.clone()).filter(|n| !n.is_empty()),
            must_restart: outcome.restart_gateway,
            is_error: false,
        }
    }

    /// A change that was refused or failed: nothing changed on disk.
    pub fn failed(title: String, error: &AppError) -> Self {
        Self {
            title,
            lines: vec![error.to_string()],
            next: None,
            masked: None,
            pin: None,
            gateway_note: None,
            must_restart: false,
            is_error: true,
        }
    }
}

/// The paste form's starting values ("Add a credential" or "Replace the secret" of a row).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PastePrefill {
    pub agent: Option<String>,
    pub provider: String,
    pub profile_id: String,
    pub kind: Option<PasteKind>,
    /// Replacing the secret of this existing profile.
    pub replacing: bool,
}

impl PastePrefill {
    /// The form to replace a stored profile's secret (same agent, id and type).
    pub fn replace(agent: &str, profile_id: &str, kind: Kind) -> Self {
        Self {
            agent: Some(agent.to_owned()),
            provider: panel_common::ids::profile_provider(profile_id).unwrap_or_default().to_owned(),
            profile_id: profile_id.to_owned(),
            kind: Some(if kind == Kind::ApiKey { PasteKind::ApiKey } else { PasteKind::Token }),
            replacing: true,
        }
    }
}

/// A change that needs a yes first, with what it will do in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmRequest {
    pub title: String,
    pub lines: Vec<String>,
    pub confirm_label: String,
    pub action: ConfirmAction,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfirmAction {
    RemoveProfile {
        agent: String,
        profile_id: String,
        version: String,
    },
    UnsetEnvKey {
        key: String,
        version: String,
    },
    /// Apply the native doctor's fix of the finding with this key.
    DoctorFix {
        key: String,
    },
}

/// The shared signals; `Copy`, provided as context by a write page.
#[derive(Debug, Clone, Copy)]
pub struct PageState {
    /// Bumped after every change: the page's data resource reads the state again.
    pub tick: RwSignal<u32>,
    pub notice: RwSignal<Option<Notice>>,
    /// `(agent, profile id)` of the row the last change wrote.
    pub highlight: RwSignal<Option<(String, String)>>,
    /// `Some`: the paste form is open with these starting values.
    pub paste: RwSignal<Option<PastePrefill>>,
    pub confirm: RwSignal<Option<ConfirmRequest>>,
}

impl PageState {
    pub fn provide() -> Self {
        let state = Self {
            tick: RwSignal::new(0),
            notice: RwSignal::new(None),
            highlight: RwSignal::new(None),
            paste: RwSignal::new(None),
            confirm: RwSignal::new(None),
        };
        provide_context(state);
        state
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// Shows a change's result and reads the state again.
    pub fn changed(&self, notice: Notice, highlight: Option<(String, String)>) {
        self.highlight.set(highlight);
        self.notice.set(Some(notice));
        self.tick.update(|t| *t += 1);
        crate::dom::focus_later(".notice".to_owned());
    }

    /// Shows why a change did not happen (the state is read again too: it may have moved).
    pub fn failed(&self, title: String, error: &AppError) {
        self.notice.set(Some(Notice::failed(title, error)));
        self.tick.update(|t| *t += 1);
        crate::dom::focus_later(".notice".to_owned());
    }
}

/// Runs a server call from an event handler: `busy` is true while it runs; `done` gets the result.
pub fn spawn_call<T: 'static>(
    busy: RwSignal<bool>,
    call: impl std::future::Future<Output = Result<T, AppError>> + 'static,
    done: impl FnOnce(Result<T, AppError>) + 'static,
) {
    if busy.get_untracked() {
        return;
    }
    busy.set(true);
    leptos::task::spawn_local(async move {
        let result = call.await;
        busy.set(false);
        done(result);
    });
}
