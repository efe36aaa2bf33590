//! The Gateway card at the top of the profiles page: the running gateway of this state dir as
//! the panel sees it (the same values as `openclaw-auth-panel gateway status`), and *Apply to the
//! gateway*, which makes it re-read every agent's credentials (`gateway apply` for each agent).
//! Read in the browser after the page is shown, so a slow or absent gateway never holds up the
//! page; every state comes with what to do.

use leptos::prelude::*;

use crate::api::{ApplyToGateway, get_gateway_status};
use crate::views::{GatewayReach, GatewayView};

#[component]
pub(super) fn GatewayCard() -> impl IntoView {
    let apply = ServerAction::<ApplyToGateway>::new();
    // Read in the browser only (an effect), after hydration: the server renders the "looking"
    // line and the browser starts from the same, then fills it in; looked at again after each apply.
    let status = RwSignal::new(None::<Result<GatewayView, crate::error::AppError>>);
    Effect::new(move |_| {
        apply.version().get();
        leptos::task::spawn_local(async move { status.set(Some(get_gateway_status().await)) });
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
    view! {
        <section class="card gateway" aria-labelledby="gateway-title" aria-busy=move || apply.pending().get().to_string()>
            <h2 id="gateway-title">"Gateway"</h2>
            {move || match status.get() {
                None => view! { <p class="muted">"Looking for the running gateway…"</p> }.into_any(),
                Some(Ok(g)) => view! { <GatewayFacts g apply /> }.into_any(),
                Some(Err(e)) => view! { <p class="banner banner-error">{e.to_string()}</p> }.into_any(),
            }}
            {applied}
        </section>
    }
}

#[component]
fn GatewayFacts(g: GatewayView, apply: ServerAction<ApplyToGateway>) -> impl IntoView {
    let (word, class) = match g.reach {
        GatewayReach::Connected => ("running, connected", "status-ok"),
        GatewayReach::NotReady => ("running, not ready", "status-expiring"),
        GatewayReach::Unreachable => ("running, the panel cannot log in", "status-expired"),
        GatewayReach::NotRunning => ("not running", "status-static"),
    };
    let can_apply = g.reach == GatewayReach::Connected;
    view! {
        <p class="gateway-state" data-reach=g.reach.as_str()>
            <span class=format!("chip {class}")>{word}</span>
            " " <code>{g.address.clone()}</code>
            {g.version.clone().map(|v| view! { " · OpenClaw " <strong>{v}</strong> })}
        </p>
        <dl class="facts">
            <div><dt>"Port"</dt><dd>{g.port_source.clone()}</dd></div>
            <div><dt>"Credential"</dt><dd>{g.credential_source.clone()}</dd></div>
            {(!g.methods.is_empty()).then(|| view! { <div><dt>"Can apply with"</dt><dd>{g.methods.join(", ")}</dd></div> })}
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
    }
}
