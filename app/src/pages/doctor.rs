//! The Doctor page: the native auth checks (milliseconds, every finding with what to do and, where
//! the panel can, a fix applied after a confirm), and OpenClaw's own doctor run on request in the
//! background and shown grouped by severity, its raw output one click away.

use leptos::prelude::*;

use crate::api::{DoctorFix, OpenclawDoctorRun, doctor, openclaw_doctor_status};
use crate::components::{ConfirmDialog, LoadError, NoticeBar};
use crate::page_state::{About, ConfirmRequest, Notice, PageState, Write};
use crate::views::{
    DoctorView, FindingView, LintFindingView, NativeDoctorView, OpenClawDoctorView, OpenClawRunView, RunOutcomeView,
};

const SEVERITIES: [(&str, &str); 3] = [("error", "Errors"), ("warning", "Warnings"), ("info", "Notices")];

/// A native finding whose fix waits for the admin's yes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FixTarget {
    key: String,
    check: String,
    /// What the fix does, in words.
    what: String,
}

/// The page's write and the finding whose fix dialog is open, as context for the findings.
#[derive(Clone, Copy)]
struct DoctorWrites {
    fix: Write<DoctorFix>,
    fixing: RwSignal<Option<FixTarget>>,
}

#[component]
pub fn DoctorPage() -> impl IntoView {
    let state = PageState::provide();
    let writes = DoctorWrites { fix: Write::new(), fixing: RwSignal::new(None) };
    provide_context(writes);
    // The checks run again after every fix, done or not: the finding may have moved.
    let fixes = writes.fix.changed(|_| true);
    let data = Resource::new(move || fixes.get(), |_| doctor());
    writes.fix.on_answer(move |answer, about| {
        writes.fixing.set(None);
        match answer {
            Ok(done) => state.changed(Notice::fixed(done), None),
            Err(e) => state.failed(about.failure(), e),
        }
    });
    let request = Signal::derive(move || {
        writes.fixing.get().map(|target| ConfirmRequest {
            title: format!("Fix: {}?", target.check),
            lines: vec![
                format!("The panel will {}.", target.what),
                "Nothing else changes; the doctor runs again afterwards.".to_owned(),
            ],
            confirm_label: "Apply the fix".to_owned(),
            can_confirm: true,
        })
    });
    let confirm = Callback::new(move |()| {
        let Some(target) = writes.fixing.get_untracked() else { return };
        let about = About::default().failed_title(format!("Not done: Fix: {}?", target.check));
        writes.fix.dispatch(DoctorFix { key: target.key }, about);
    });
    view! {
        <section class="page-head">
            <h1>"Doctor"</h1>
            <p class="meta">
                "The panel's own auth checks run on every visit and take milliseconds. OpenClaw's "
                <code>"openclaw doctor"</code> " covers far more than auth and takes seconds: run it below when you want its view too (read-only, never "
                <code>"--fix"</code> ")."
            </p>
        </section>
        <Transition fallback=|| view! { <p class="loading">"Checking…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    // One root element: the transition swaps it whole after a fix.
                    Ok(DoctorView { native, openclaw }) => view! {
                        <div class="doctor">
                            <NativeDoctor native />
                            <super::doctor_live::LiveChecks />
                            <OpenClawDoctor initial=openclaw />
                        </div>
                    }.into_any(),
                    Err(error) => view! { <LoadError title="Cannot run the doctor" error /> }.into_any(),
                }
            })}
        </Transition>
        <NoticeBar />
        <ConfirmDialog
            request
            busy=writes.fix.pending()
            on_confirm=confirm
            on_cancel=Callback::new(move |()| writes.fixing.set(None))
        />
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[component]
fn NativeDoctor(native: NativeDoctorView) -> impl IntoView {
    let summary =
        format!("{} checks in {:.1} ms at {}", native.checks_run, native.took_us as f64 / 1000.0, native.read_at);
    let groups = SEVERITIES
        .iter()
        .filter_map(|(severity, title)| {
            let findings: Vec<FindingView> =
                native.findings.iter().filter(|f| f.severity.as_str() == *severity).cloned().collect();
            (!findings.is_empty()).then(|| {
                let count = findings.len();
                view! {
                    <div class=format!("finding-group sev-group-{severity}")>
                        <h3>{format!("{title} ({count})")}</h3>
                        <ul class="findings">
                            {findings.into_iter().map(|finding| view! { <NativeFinding finding /> }).collect_view()}
                        </ul>
                    </div>
                }
            })
        })
        .collect_view();
    view! {
        <section class="card doctor-native" aria-labelledby="native-title">
            <h2 id="native-title">"Auth checks"</h2>
            <ul class="summary" aria-label="Doctor summary">
                <li class="chip status-expired"><strong>{native.errors}</strong> {if native.errors == 1 { " error" } else { " errors" }}</li>
                <li class="chip status-expiring"><strong>{native.warnings}</strong> {if native.warnings == 1 { " warning" } else { " warnings" }}</li>
                <li class="chip"><strong>{native.infos}</strong> {if native.infos == 1 { " notice" } else { " notices" }}</li>
                <li class="chip muted">{summary}</li>
            </ul>
            {native.findings.is_empty().then(|| view! {
                <p class="all-clear">"Nothing found: every credential, order, config entry and file of " <code>{native.state_dir.clone()}</code> " looks right."</p>
            })}
            {groups}
        </section>
    }
}

#[component]
fn NativeFinding(finding: FindingView) -> impl IntoView {
    let writes = expect_context::<DoctorWrites>();
    let subject = match (&finding.profile_id, &finding.agent) {
        (Some(p), Some(a)) => format!("{p} · agent {a}"),
        (Some(p), None) => p.clone(),
        (None, Some(a)) => format!("agent {a}"),
        (None, None) => String::new(),
    };
    let fix = finding.fix.clone().map(|what| {
        let target = FixTarget { key: finding.key.clone(), check: finding.check.clone(), what: what.clone() };
        view! {
            <button
                type="button"
                class="small primary apply-fix"
                aria-label=format!("Fix {}: {what}", finding.check)
                on:click=move |_| writes.fixing.set(Some(target.clone()))
            >
                {format!("Fix: {what}")}
            </button>
        }
    });
    view! {
        <li class=format!("finding sev-{}", finding.severity) data-check=finding.check.clone()>
            <div class="finding-head">
                <span class="sev">{finding.severity.as_str()}</span>
                " "
                <code class="check-id">{finding.check.clone()}</code>
                " "
                <span class="muted">{subject}</span>
            </div>
            <p>{finding.message.clone()}</p>
            <p class="muted small path">{finding.path.clone()}</p>
            <p class="hint">"What to do: " {finding.fix_hint.clone()}</p>
            {fix}
        </li>
    }
}

/// Asks for the run's state every second while it runs.
fn poll(view: RwSignal<OpenClawDoctorView>) {
    set_timeout(
        move || {
            leptos::task::spawn_local(async move {
                if let Ok(now) = openclaw_doctor_status().await {
                    let running = now.running_for_s.is_some();
                    view.set(now);
                    if running {
                        poll(view);
                    }
                }
            })
        },
        std::time::Duration::from_secs(1),
    );
}

#[component]
fn OpenClawDoctor(initial: OpenClawDoctorView) -> impl IntoView {
    let view_state = RwSignal::new(initial);
    // Starting a run writes nothing on disk: a plain action of this card, no page refetch.
    let start = ServerAction::<OpenclawDoctorRun>::new();
    let busy = start.pending();
    let error = RwSignal::new(None::<String>);
    Effect::watch(
        move || start.version().get(),
        move |_, _, _| {
            start.value().with_untracked(|answer| match answer {
                Some(Ok(now)) => {
                    let running = now.running_for_s.is_some();
                    view_state.set(now.clone());
                    if running {
                        poll(view_state);
                    }
                }
                Some(Err(e)) => error.set(Some(e.to_string())),
                None => {}
            })
        },
        false,
    );
    // A run started before this page loaded: follow it.
    Effect::new(move |started: Option<bool>| {
        if started != Some(true) && view_state.get_untracked().running_for_s.is_some() {
            poll(view_state);
        }
        true
    });
    let run = move |_| {
        error.set(None);
        start.dispatch(OpenclawDoctorRun {});
    };
    let running = move || view_state.with(|v| v.running_for_s.is_some());
    view! {
        <section class="card doctor-openclaw" aria-labelledby="openclaw-title">
            <h2 id="openclaw-title">"OpenClaw's doctor"</h2>
            {move || view_state.with(|v| match (&v.not_installed, &v.binary) {
                (Some(why), _) => view! { <p class="banner banner-warning not-installed" role="note">{why.clone()}</p> }.into_any(),
                (None, Some(bin)) => view! {
                    <p class="muted">"Runs " <code>{bin.clone()}</code> " with " <code>"doctor --lint --json"</code>
                    " (plus " <code>"--all"</code> " on 2026.9+, where its auth and permission checks need it; the full text doctor before 2026.5). Stopped after "
                    {v.timeout_s} " s."</p>
                }.into_any(),
                (None, None) => ().into_any(),
            })}
            <div class="actions">
                <button
                    type="button"
                    class="primary"
                    id="run-openclaw-doctor"
                    disabled=move || busy.get() || running() || view_state.with(|v| v.not_installed.is_some())
                    on:click=run
                >
                    {move || if running() { "Running…" } else { "Run OpenClaw's doctor" }}
                </button>
            </div>
            {move || error.get().map(|e| view! { <p class="banner banner-error" role="alert">{e}</p> })}
            <div class="run-progress" role="status" aria-live="polite">
                {move || view_state.with(|v| v.running_for_s.map(|s| view! {
                    <progress aria-label="OpenClaw's doctor is running"></progress>
                    <span>
                        "Running " <code>{v.running_command.clone().unwrap_or_default()}</code>
                        {format!(" — {s} s so far (OpenClaw's doctor loads every plugin; it usually takes 5–15 s)")}
                    </span>
                }))}
            </div>
            {move || view_state.with(|v| v.last.clone()).map(|run| view! { <RunResult run /> })}
        </section>
    }
}

fn lint_item(f: LintFindingView) -> impl IntoView {
    view! {
        <li class=format!("finding sev-{}", f.severity) data-check=f.check_id.clone()>
            <div class="finding-head">
                <span class="sev">{f.severity.clone()}</span> " " <code class="check-id">{f.check_id.clone()}</code>
            </div>
            <p>{f.message.clone()}</p>
            {f.path.clone().map(|p| view! { <p class="muted small path">{p}</p> })}
            {f.fix_hint.clone().map(|h| view! { <p class="hint">"What to do: " {h}</p> })}
        </li>
    }
}

/// A severity's findings by check, in first-seen order; a check with many findings (OpenClaw's
/// skill readiness lists one per skill) folded behind its count.
fn by_check(list: Vec<LintFindingView>) -> impl IntoView {
    let mut checks: Vec<(String, Vec<LintFindingView>)> = Vec::new();
    for f in list {
        match checks.iter_mut().find(|(id, _)| *id == f.check_id) {
            Some((_, group)) => group.push(f),
            None => checks.push((f.check_id.clone(), vec![f])),
        }
    }
    checks
        .into_iter()
        .map(|(id, group)| {
            let n = group.len();
            if n <= 3 {
                view! { <ul class="findings">{group.into_iter().map(lint_item).collect_view()}</ul> }.into_any()
            } else {
                view! {
                    <details class="check-fold">
                        <summary><code class="check-id">{id}</code> {format!(" — {n} findings")}</summary>
                        <ul class="findings">{group.into_iter().map(lint_item).collect_view()}</ul>
                    </details>
                }
                .into_any()
            }
        })
        .collect_view()
}

#[component]
fn RunResult(run: OpenClawRunView) -> impl IntoView {
    let OpenClawRunView { version, command, started_at, took_ms, exit_code, outcome, raw_output } = run;
    let facts = format!(
        "{}{command} · started {started_at} · took {:.1} s · exit {}",
        version.map(|v| format!("OpenClaw {v} · ")).unwrap_or_default(),
        took_ms as f64 / 1000.0,
        exit_code.map_or("—".to_owned(), |c| c.to_string())
    );
    let body = match outcome {
        RunOutcomeView::Lint { checks_run, checks_skipped, findings } => {
            let head = format!(
                "{} in {checks_run} checks ({checks_skipped} skipped)",
                plural(findings.len(), "finding", "findings")
            );
            let groups = SEVERITIES
                .iter()
                .filter_map(|(severity, title)| {
                    let list: Vec<LintFindingView> = findings.iter().filter(|f| f.severity == *severity).cloned().collect();
                    (!list.is_empty()).then(|| {
                        let count = list.len();
                        view! {
                            <div class=format!("finding-group sev-group-{severity}")>
                                <h4>{format!("{title} ({count})")}</h4>
                                {by_check(list)}
                            </div>
                        }
                    })
                })
                .collect_view();
            view! { <p class="run-head">{head}</p> {groups} }.into_any()
        }
        RunOutcomeView::Sections { sections } => view! {
            <p class="run-head">{format!("{} (this OpenClaw has no --lint: its text report, box by box)", plural(sections.len(), "section", "sections"))}</p>
            <div class="text-sections">
                {sections.into_iter().map(|s| view! {
                    <div class="text-section">
                        <h4>{s.title}</h4>
                        <ul>{s.items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}</ul>
                    </div>
                }).collect_view()}
            </div>
        }
        .into_any(),
        RunOutcomeView::TimedOut { after_s } => view! {
            <p class="banner banner-error run-failed" role="alert">
                {format!("OpenClaw's doctor did not finish within {after_s} s and was stopped. ")}
                "On a large or slow host start the panel with a longer " <code>"--openclaw-timeout"</code>
                " (seconds), or run " <code>"openclaw doctor --lint"</code> " in a shell."
            </p>
        }
        .into_any(),
        RunOutcomeView::Failed { message } => view! {
            <p class="banner banner-error run-failed" role="alert">{message}
                " Check that " <code>"openclaw --version"</code> " works for the panel's user."</p>
        }
        .into_any(),
    };
    view! {
        <div class="run-result">
            <p class="muted small run-facts">{facts}</p>
            {body}
            <details class="raw-output">
                <summary>"Raw output"</summary>
                <pre>{raw_output}</pre>
            </details>
        </div>
    }
}
