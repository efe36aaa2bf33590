//! The Gateway card (profiles and `.env` pages): the running gateway of this state dir as the
//! panel sees it (the same values as `openclaw-auth-panel gateway status`): version, state, what
//! supervises it, the panel's credential's source, the last apply, and where its memory differs
//! from the disk. *Apply to the gateway* makes it re-read every agent's credentials;
//! *Restart the gateway…* first says how it would restart it and whether that loads changed
//! `.env` values, and restarts only after *Restart now*, then shows each step until it is ready.
//! Read in the browser after the page is shown, so a slow or absent gateway never holds up the
//! page; every state comes with what to do.

use leptos::prelude::set_timeout;
use leptos::prelude::*;

use crate::api::{ApplyToGateway, RestartGateway, get_gateway_status};
use crate::views::{GatewayReach, GatewayView, RestartView};

type Status = RwSignal<Option<Result<GatewayView, crate::error::AppError>>>;

/// Reads the gateway's state now.
fn refresh(status: Status) {
    leptos::task::spawn_local(async move { status.set(Some(get_gateway_status().await)) });
}

/// Reads it again every second while a restart runs.
fn follow_restart(status: Status) {
    set_timeout(
        move || {
            leptos::task::spawn_local(async move {
                let now = get_gateway_status().await;
                let running = matches!(&now, Ok(g) if g.restart.as_ref().is_some_and(|r| r.running));
                status.set(Some(now));
                if running {
                    follow_restart(status);
                }
            })
        },
        std::time::Duration::from_secs(1),
    );
}

#[component]
pub fn GatewayCard() -> impl IntoView {
    let apply = ServerAction::<ApplyToGateway>::new();
    let restart = ServerAction::<RestartGateway>::new();
    // Read in the browser only (an effect), after hydration: the server renders the "looking"
    // line and the browser starts from the same, then fills it in; looked at again after each apply.
    let status: Status = RwSignal::new(None);
    Effect::new(move |_| {
        apply.version().get();
        refresh(status);
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = restart.value().get() {
            follow_restart(status);
        }
    });
    let applied = move || {
        apply.value().get().map(|answer| match answer {
            Ok(lines) => view! {
                <ul class="gateway-applied" role="status">{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
            }
            .into_any(),
            Err(e) => view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    let restart_refused = move || {
        restart
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <p class="banner banner-error" role="alert">{e.to_string()}</p> })
    };
    view! {
        <section class="card gateway" aria-labelledby="gateway-title" aria-busy=move || apply.pending().get().to_string()>
            <h2 id="gateway-title">"Gateway"</h2>
            {move || match status.get() {
                None => view! { <p class="muted">"Looking for the running gateway…"</p> }.into_any(),
                Some(Ok(g)) => view! { <GatewayFacts g apply restart /> }.into_any(),
                Some(Err(e)) => view! { <p class="banner banner-error">{e.to_string()}</p> }.into_any(),
            }}
            {applied}
            {restart_refused}
        </section>
    }
}

#[component]
fn GatewayFacts(
    g: GatewayView,
    apply: ServerAction<ApplyToGateway>,
    restart: ServerAction<RestartGateway>,
) -> impl IntoView {
    let (word, class) = match g.reach {
        GatewayReach::Connected => ("running, connected", "status-ok"),
        GatewayReach::NotReady => ("running, not ready", "status-expiring"),
        GatewayReach::Unreachable => ("running, the panel cannot log in", "status-expired"),
        GatewayReach::NotRunning => ("not running", "status-static"),
    };
    let restarting = g.restart.as_ref().is_some_and(|r| r.running);
    let can_apply = g.reach == GatewayReach::Connected && !restarting;
    let asking = RwSignal::new(false);
    let plan = g.restart_plan.clone();
    let full = g.restart_full;
    let supervisor = g.supervisor.clone().map(|s| match g.pid {
        Some(pid) => format!("{s}, process {pid}"),
        None => s,
    });
    view! {
        <p class="gateway-state" data-reach=g.reach.as_str()>
            <span class=format!("chip {class}")>{word}</span>
            " " <code>{g.address.clone()}</code>
            {g.version.clone().map(|v| view! { " · OpenClaw " <strong>{v}</strong> })}
        </p>
        <dl class="facts">
            <div><dt>"Port"</dt><dd>{g.port_source.clone()}</dd></div>
            <div><dt>"Credential"</dt><dd>{g.credential_source.clone()}</dd></div>
            {supervisor.map(|s| view! { <div><dt>"Runs as"</dt><dd class="gateway-supervisor">{s}</dd></div> })}
            {(!g.methods.is_empty()).then(|| view! { <div><dt>"Can apply with"</dt><dd>{g.methods.join(", ")}</dd></div> })}
            {g.last_apply.clone().map(|a| view! {
                <div><dt>"Last apply"</dt><dd class="gateway-last-apply" data-ok=a.ok.to_string()>{a.at} ": " {a.result}</dd></div>
            })}
        </dl>
        {(!g.compared.is_empty()).then(|| {
            let agents = g.compared.join(", ");
            if g.differences.is_empty() {
                view! { <p class="gateway-same">"The gateway holds what is on disk (agents " {agents} ")."</p> }.into_any()
            } else {
                view! {
                    <div class="gateway-differences" role="status">
                        <p><strong>"The gateway's memory differs from the disk:"</strong></p>
                        <ul>{g.differences.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}</ul>
                        <p class="hint">"Apply to the gateway to make it read the disk."</p>
                    </div>
                }
                .into_any()
            }
        })}
        {g.problem.clone().map(|p| view! { <p class="gateway-problem">{p}</p> })}
        {g.fix.clone().map(|f| view! { <p class="hint">"What to do: " {f}</p> })}
        {g.restart.clone().map(|r| view! { <RestartSteps r /> })}
        {g.restart_blocked.clone().map(|b| view! { <p class="hint gateway-restart-blocked">"Restart: " {b}</p> })}
        <div class="gateway-actions">
            {can_apply.then(|| view! {
                <button
                    type="button"
                    class="primary"
                    id="gateway-apply"
                    disabled=move || apply.pending().get()
                    on:click=move |_| {
                        apply.dispatch(ApplyToGateway {});
                    }
                >
                    {move || if apply.pending().get() { "Applying…" } else { "Apply to the gateway" }}
                </button>
            })}
            {(plan.is_some() && !restarting).then(|| view! {
                <button
                    type="button"
                    id="gateway-restart"
                    aria-expanded=move || asking.get().to_string()
                    aria-controls="gateway-restart-confirm"
                    on:click=move |_| asking.update(|a| *a = !*a)
                >
                    "Restart the gateway…"
                </button>
            })}
        </div>
        {move || (asking.get() && !restarting).then(|| {
            let plan = plan.clone().unwrap_or_default();
            view! {
                <div class="gateway-confirm" id="gateway-restart-confirm" role="group" aria-labelledby="gateway-restart-question">
                    <p id="gateway-restart-question">
                        <strong>"Restart the running gateway?"</strong>
                        " The panel will use " {plan} ". Its running work stops for a moment; the page shows each step until it is ready again."
                    </p>
                    {(!full).then(|| view! {
                        <p class="hint">"This restart happens inside the gateway's process: it loads new .env keys and the stores, but keeps the old value of a changed .env key (only a full stop and start loads that)."</p>
                    })}
                    <button
                        type="button"
                        class="danger"
                        id="gateway-restart-now"
                        disabled=move || restart.pending().get()
                        on:click=move |_| {
                            asking.set(false);
                            restart.dispatch(RestartGateway { confirmed: true });
                        }
                    >
                        "Restart now"
                    </button>
                    " "
                    <button type="button" on:click=move |_| asking.set(false)>"Cancel"</button>
                </div>
            }
        })}
    }
}

/// The restart under way, or how the last one ended.
#[component]
fn RestartSteps(r: RestartView) -> impl IntoView {
    let (title, class) = match r.ok {
        None => ("Restarting the gateway…", "banner banner-info"),
        Some(true) => ("Gateway restarted", "banner banner-success"),
        Some(false) => ("The restart did not finish", "banner banner-error"),
    };
    view! {
        <div class=format!("gateway-restart {class}") role="status" aria-live="polite" data-running=r.running.to_string()>
            <p><strong>{title}</strong> <span class="muted small">" (started " {r.started_at} ")"</span></p>
            <ol class="gateway-restart-steps">{r.steps.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ol>
            {r.message.map(|m| view! { <p class="gateway-restart-result">{m}</p> })}
        </div>
    }
}
