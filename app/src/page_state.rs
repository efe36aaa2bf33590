//! What the write pages share while the admin works: the notice about the last change, the row to
//! highlight, the paste form's prefill, and [`Write`], a page's `ServerAction` for one kind of
//! change. A page keys its data resource on its writes' versions ([`Write::changed`]), so after
//! every change it reads the state again and shows what is on disk, not what was sent.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::error::AppError;
use crate::views::{CredentialKind, FixOutcome, PasteKind, WriteOutcome};

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

    /// A native doctor fix that was applied.
    pub fn fixed(done: &FixOutcome) -> Self {
        Self {
            title: format!("Fixed: {}", done.did),
            lines: done.changes.clone(),
            next: None,
            masked: None,
            pin: None,
            gateway_note: None,
            must_restart: false,
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
    pub fn replace(agent: &str, profile_id: &str, kind: CredentialKind) -> Self {
        Self {
            agent: Some(agent.to_owned()),
            provider: panel_common::ids::profile_provider(profile_id).unwrap_or_default().to_owned(),
            profile_id: profile_id.to_owned(),
            kind: Some(if kind == CredentialKind::ApiKey { PasteKind::ApiKey } else { PasteKind::Token }),
            replacing: true,
        }
    }
}

/// A change that needs a yes first, with what it will do in words (the confirm dialog's content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmRequest {
    pub title: String,
    pub lines: Vec<String>,
    pub confirm_label: String,
    /// The yes is offered: false while what the change does is still being read, or could not be.
    pub can_confirm: bool,
}

/// The shared signals; `Copy`, provided as context by a write page.
#[derive(Debug, Clone, Copy)]
pub struct PageState {
    pub notice: RwSignal<Option<Notice>>,
    /// `(agent, profile id)` of the row the last change wrote.
    pub highlight: RwSignal<Option<(String, String)>>,
    /// `Some`: the paste form is open with these starting values.
    pub paste: RwSignal<Option<PastePrefill>>,
}

impl PageState {
    pub fn provide() -> Self {
        let state = Self { notice: RwSignal::new(None), highlight: RwSignal::new(None), paste: RwSignal::new(None) };
        provide_context(state);
        state
    }

    pub fn get() -> Self {
        expect_context::<Self>()
    }

    /// Shows a change's result (the page reads the state again through its writes' versions).
    pub fn changed(&self, notice: Notice, highlight: Option<(String, String)>) {
        self.highlight.set(highlight);
        self.notice.set(Some(notice));
        crate::dom::focus_later(".notice".to_owned());
    }

    /// Shows why a change did not happen.
    pub fn failed(&self, title: String, error: &AppError) {
        self.notice.set(Some(Notice::failed(title, error)));
        crate::dom::focus_later(".notice".to_owned());
    }
}

/// What the page says about one run of a [`Write`], given when it is dispatched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct About {
    /// The notice's title when the change is done.
    pub title: String,
    /// The notice's title when it is refused or fails (default: `title`).
    pub failed_title: Option<String>,
    /// `(agent, profile id)` of the row to highlight afterwards.
    pub highlight: Option<(String, String)>,
    /// Who asked (a form's or an editor's id), for answers shown in place rather than in the notice.
    pub from: String,
}

impl About {
    pub fn new(title: impl Into<String>) -> Self {
        Self { title: title.into(), ..Self::default() }
    }

    pub fn failed_title(mut self, title: impl Into<String>) -> Self {
        self.failed_title = Some(title.into());
        self
    }

    pub fn highlight(mut self, agent: &str, profile_id: &str) -> Self {
        self.highlight = Some((agent.to_owned(), profile_id.to_owned()));
        self
    }

    pub fn from(mut self, who: impl Into<String>) -> Self {
        self.from = who.into();
        self
    }

    /// The failure notice's title.
    pub fn failure(&self) -> String {
        self.failed_title.clone().unwrap_or_else(|| self.title.clone())
    }
}

/// One kind of change a page offers: its server function's [`ServerAction`] (busy state from
/// `pending()`, the answer from `value()`, a count of answers in `version()`), and the page's
/// words for the run in flight. Those are kept beside the action because the action's own
/// `input()` is cleared by the time its `value()` arrives.
pub struct Write<S>
where
    S: ServerFn + 'static,
    S::Output: 'static,
{
    pub action: ServerAction<S>,
    about: StoredValue<About>,
}

impl<S> Clone for Write<S>
where
    S: ServerFn + 'static,
    S::Output: 'static,
{
    fn clone(&self) -> Self {
        *self
    }
}

impl<S> Copy for Write<S>
where
    S: ServerFn + 'static,
    S::Output: 'static,
{
}

/// A server function's answer as the page receives it.
pub type Answer<S> = Result<<S as ServerFn>::Output, AppError>;

impl<S> Write<S>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Send + Sync + 'static,
{
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self { action: ServerAction::new(), about: StoredValue::new(About::default()) }
    }

    /// Sends the change; `about` is what the page says when it is answered.
    pub fn dispatch(&self, input: S, about: About) {
        self.about.set_value(about);
        self.action.dispatch(input);
    }

    /// A run is in flight.
    pub fn pending(&self) -> Memo<bool> {
        self.action.pending()
    }

    /// A run is in flight whose input passes `is`: the busy state of one row or editor.
    pub fn pending_for(&self, is: impl Fn(&S) -> bool + Send + Sync + 'static) -> Signal<bool> {
        let action = self.action;
        Signal::derive(move || action.pending().get() && action.input().with(|i| i.as_ref().is_some_and(&is)))
    }

    /// Calls `handle` with every answer that arrives from now on, and what was said about its run.
    /// Runs in the browser only (an effect), for as long as the calling component lives.
    pub fn on_answer(&self, handle: impl Fn(&Answer<S>, &About) + Send + Sync + 'static) {
        let (action, about) = (self.action, self.about);
        Effect::watch(
            move || action.version().get(),
            move |_, _, _| {
                action.value().with_untracked(|answer| {
                    if let Some(answer) = answer {
                        about.with_value(|about| handle(answer, about));
                    }
                })
            },
            false,
        );
    }

    /// The version of the last answer that passes `changed` (the state on disk may have moved): a
    /// page keys its data resource on it. Answers that leave the disk as it was and are shown in
    /// place (hints to confirm, an order conflict) do not count, so their form stays on screen.
    pub fn changed(&self, changed: fn(&Answer<S>) -> bool) -> Memo<usize> {
        let action = self.action;
        Memo::new(move |last: Option<&usize>| {
            let version = action.version().get();
            if action.value().with(|v| v.as_ref().is_some_and(changed)) { version } else { last.copied().unwrap_or(0) }
        })
    }
}
