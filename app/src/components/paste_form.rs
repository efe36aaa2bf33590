//! The paste form: a token or API key generated elsewhere goes into an agent's store (or an API
//! key into `<state>/.env`). The profile id is shown as OpenClaw will save it while the admin
//! types; the server's hints come back before anything is written, as questions with a way to
//! fix them, never as errors.

use leptos::prelude::*;

use crate::api::PasteSecret;
use crate::components::{BoundInput, ProbeResult};
use crate::page_state::{About, PageState, PastePrefill, Write};
use crate::views::{HintCode, HintItem, PasteKind, PasteOutcome, PasteRequest};

/// Hints the server wants confirmed, for the id and masked value it would save.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ToConfirm {
    profile_id: String,
    masked: String,
    hints: Vec<HintItem>,
}

fn kind_value(kind: PasteKind) -> &'static str {
    match kind {
        PasteKind::Token => "token",
        PasteKind::ApiKey => "api_key",
        PasteKind::ApiKeyToEnv => "api_key_to_env",
    }
}

/// The id a paste will be saved under, or why the name cannot be used.
fn id_preview(provider: &str, name: &str) -> Result<String, String> {
    let provider = provider.trim();
    if provider.is_empty() {
        return Err("give a provider first".to_owned());
    }
    panel_common::ids::resolve_profile_id(provider, Some(name)).map_err(|e| e.to_string())
}

#[component]
pub fn PasteForm(
    /// The page's paste write: a saved paste is the page's to announce; hints and refusals are
    /// shown here.
    save: Write<PasteSecret>,
    prefill: PastePrefill,
    agent_ids: Vec<String>,
    default_agent: String,
    known_providers: Vec<String>,
    /// `(agent, profile id)` of every stored profile, to say when a save replaces one.
    existing: Vec<(String, String)>,
) -> impl IntoView {
    let state = PageState::get();
    let agent = RwSignal::new(prefill.agent.clone().unwrap_or(default_agent));
    let provider = RwSignal::new(prefill.provider.clone());
    let name = RwSignal::new(prefill.profile_id.clone());
    let kind = RwSignal::new(prefill.kind.unwrap_or(PasteKind::Token));
    let secret = RwSignal::new(String::new());
    let expiry = RwSignal::new(String::new());
    let busy = save.pending();
    let error = RwSignal::new(None::<String>);
    let to_confirm = RwSignal::new(None::<ToConfirm>);
    // *Check before saving*: a live check of the secret being pasted (nothing stored).
    let live = RwSignal::new(None::<Result<crate::views::ProbeView, String>>);
    let checking = RwSignal::new(false);
    save.on_answer(move |answer, _| match answer {
        Ok(PasteOutcome::Saved(_)) => secret.set(String::new()),
        Ok(PasteOutcome::Confirm { profile_id, masked, hints }) => {
            to_confirm.set(Some(ToConfirm {
                profile_id: profile_id.clone(),
                masked: masked.clone(),
                hints: hints.clone(),
            }));
            crate::dom::focus_later("#paste-hints-title".to_owned());
        }
        Err(e) => {
            error.set(Some(e.to_string()));
            crate::dom::focus_later("#paste-error".to_owned());
        }
    });

    let preview = Memo::new(move |_| id_preview(&provider.get(), &name.get()));
    let existing = StoredValue::new(existing);
    let replaces = move || match preview.get() {
        Ok(id) => existing.with_value(|e| e.iter().any(|(a, p)| *a == agent.get() && *p == id)).then_some(id),
        Err(_) => None,
    };
    // Any edit makes the hints shown stale: back to the form.
    Effect::new(move |_| {
        let _ = (agent.get(), provider.get(), name.get(), kind.get(), secret.get(), expiry.get());
        to_confirm.set(None);
        live.set(None);
    });

    let check_live = move |allow_billed: bool| {
        if checking.get_untracked() {
            return;
        }
        if secret.get_untracked().trim().is_empty() {
            error.set(Some("Paste the secret into the secret field.".to_owned()));
            crate::dom::focus_later("#paste-secret".to_owned());
            return;
        }
        error.set(None);
        checking.set(true);
        let request = crate::views::ProbePasteRequest {
            provider: provider.get_untracked(),
            kind: kind.get_untracked(),
            secret: secret.get_untracked(),
            allow_billed,
        };
        leptos::task::spawn_local(async move {
            let answer = crate::api::probe_pasted(request).await.map_err(|e| e.to_string());
            live.set(Some(answer));
            checking.set(false);
        });
    };

    let send = move |confirmed: bool| {
        if busy.get_untracked() {
            return;
        }
        error.set(None);
        let provider_now = provider.get_untracked().trim().to_owned();
        if provider_now.is_empty() {
            error.set(Some("Give a provider, for example anthropic.".to_owned()));
            crate::dom::focus_later("#paste-provider".to_owned());
            return;
        }
        if secret.get_untracked().trim().is_empty() {
            error.set(Some("Paste the secret into the secret field.".to_owned()));
            crate::dom::focus_later("#paste-secret".to_owned());
            return;
        }
        let kind_now = kind.get_untracked();
        let request = PasteRequest {
            agent: Some(agent.get_untracked()),
            provider: provider_now.clone(),
            profile_id: Some(name.get_untracked())
                .filter(|n| kind_now != PasteKind::ApiKeyToEnv && !n.trim().is_empty()),
            kind: kind_now,
            secret: secret.get_untracked(),
            expires_in: Some(expiry.get_untracked()).filter(|e| kind_now == PasteKind::Token && !e.trim().is_empty()),
            confirmed,
        };
        // A saved profile's notice is titled from the answer; an API key in .env has no profile id.
        let about = About::new(format!("Saved the {provider_now} API key in .env")).from("paste");
        save.dispatch(PasteSecret { request }, about);
    };
    let save_as_token = move |_| {
        kind.set(PasteKind::Token);
        send(false);
    };
    let fill_setup_token = move |_| {
        provider.set("anthropic".to_owned());
        kind.set(PasteKind::Token);
        if expiry.get_untracked().trim().is_empty() {
            expiry.set("365d".to_owned());
        }
        crate::dom::focus_later("#paste-secret".to_owned());
    };

    let title = if prefill.replacing {
        format!("Replace the secret of {}", prefill.profile_id)
    } else {
        "Add a credential".to_owned()
    };
    view! {
        <section class="card paste" aria-labelledby="paste-title">
            <h2 id="paste-title">{title}</h2>
            <p class="muted">
                "Paste a token or API key made on another machine. The panel stores it the way "
                <code>"openclaw models auth paste-token"</code>
                " does; afterwards the page shows only its masked hint."
            </p>
            <details class="guide">
                <summary>"Anthropic setup token (Claude Pro or Max): step by step"</summary>
                <ol>
                    <li>
                        "On a computer with Claude Code installed and logged in to a Pro or Max subscription, open a terminal (it needs a real terminal, not a script) and run "
                        <code>"claude setup-token"</code> "."
                    </li>
                    <li>"Log in in the browser it opens. It prints a token that starts with " <code>"sk-ant-oat01-"</code> ". Copy all of it; if the terminal broke it over lines, the panel joins them."</li>
                    <li>"Paste it below as a " <strong>"token"</strong> " for provider " <code>"anthropic"</code> ". Setup tokens last about a year: give " <code>"365d"</code> " as expiry and the panel warns before it runs out."</li>
                    <li>
                        "If Anthropic later answers " <q>"This credential is only authorized for use with Claude Code"</q>
                        ", this use needs an API key instead: create one at console.anthropic.com and paste it here as an API key."
                    </li>
                </ol>
                <button type="button" on:click=fill_setup_token>"Fill in for a setup token"</button>
            </details>
            <form
                class="paste-form"
                autocomplete="off"
                on:submit=move |ev| {
                    ev.prevent_default();
                    send(false);
                }
            >
                <div class="field">
                    <label for="paste-agent">"Agent"</label>
                    <select id="paste-agent" on:change=move |ev| agent.set(event_target_value(&ev)) prop:value=move || agent.get()>
                        {agent_ids.into_iter().map(|id| {
                            let selected = id == agent.get_untracked();
                            view! { <option value=id.clone() selected=selected>{id.clone()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="paste-provider">"Provider"</label>
                    <BoundInput id="paste-provider" value=provider list="paste-providers" placeholder="anthropic" />
                    <datalist id="paste-providers">
                        {known_providers.into_iter().map(|p| view! { <option value=p></option> }).collect_view()}
                    </datalist>
                </div>
                <fieldset class="field kind-choice">
                    <legend>"Kind"</legend>
                    {[
                        (PasteKind::Token, "Token", "setup token, personal access token; may expire"),
                        (PasteKind::ApiKey, "API key", "in the agent's store"),
                        (PasteKind::ApiKeyToEnv, "API key in .env", "as the provider's *_API_KEY variable, for every agent"),
                    ].into_iter().map(|(k, label, note)| {
                        let id = format!("paste-kind-{}", kind_value(k));
                        let label_for = id.clone();
                        view! {
                            <label class="radio" for=label_for>
                                <input
                                    type="radio"
                                    id=id
                                    name="paste-kind"
                                    value=kind_value(k)
                                    prop:checked=move || kind.get() == k
                                    on:change=move |_| kind.set(k)
                                />
                                <span>{label} <span class="muted small">" — " {note}</span></span>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <Show when=move || kind.get() != PasteKind::ApiKeyToEnv>
                    <div class="field">
                        <label for="paste-profile">"Profile id"</label>
                        <BoundInput
                            id="paste-profile"
                            value=name
                            placeholder=Signal::derive(move || {
                                let p = provider.get().trim().to_owned();
                                format!("{}:manual", if p.is_empty() { "<provider>" } else { &p })
                            })
                            described_by="paste-profile-preview"
                        />
                        <p id="paste-profile-preview" class="field-note" aria-live="polite">
                            {move || match preview.get() {
                                Ok(id) => view! { "Saved as " <code class="profile-id">{id}</code> }.into_any(),
                                Err(why) => view! { <span class="warn-text">{why}</span> }.into_any(),
                            }}
                            {move || replaces().map(|id| view! {
                                <span class="replaces">" — replaces the secret of the existing " <code>{id}</code></span>
                            })}
                        </p>
                    </div>
                </Show>
                <div class="field">
                    <label for="paste-secret">"Secret"</label>
                    <BoundInput id="paste-secret" value=secret secret=true />
                    <p class="field-note muted">"Sent once over this connection; the page never shows it again."</p>
                </div>
                <Show when=move || kind.get() == PasteKind::Token>
                    <div class="field">
                        <label for="paste-expiry">"Expires"</label>
                        <BoundInput
                            id="paste-expiry"
                            value=expiry
                            placeholder="365d, 12h or 2027-01-31"
                            described_by="paste-expiry-note"
                        />
                        <p id="paste-expiry-note" class="field-note muted">
                            "Optional. A duration (" <code>"30d"</code> ", " <code>"12h"</code> ", " <code>"1h30m"</code>
                            ") or a date (the end of that day, UTC). Empty: never expires."
                        </p>
                    </div>
                </Show>
                {move || error.get().map(|e| view! {
                    <p id="paste-error" class="banner banner-error" role="alert" tabindex="-1">{e}</p>
                })}
                {move || to_confirm.get().map(|c| {
                    let fixable = c.hints.iter().any(|h| h.code == HintCode::SetupTokenAsApiKey);
                    view! {
                        <div class="paste-hints banner banner-warning" role="group" aria-labelledby="paste-hints-title">
                            <h3 id="paste-hints-title" tabindex="-1">"Confirm before saving"</h3>
                            <ul>
                                {c.hints.iter().map(|h| view! { <li data-hint=h.code.as_str()>{h.message.clone()}</li> }).collect_view()}
                            </ul>
                            <p>"It would be saved as " <code>{c.profile_id.clone()}</code> ": " <code class="masked">{c.masked.clone()}</code></p>
                            <div class="actions">
                                {fixable.then(|| view! {
                                    <button type="button" class="primary" on:click=save_as_token disabled=move || busy.get()>
                                        "Save as a token instead"
                                    </button>
                                })}
                                <button type="button" on:click=move |_| send(true) disabled=move || busy.get()>"Save anyway"</button>
                                <button type="button" class="button-quiet" on:click=move |_| {
                                    to_confirm.set(None);
                                    crate::dom::focus_later("#paste-secret".to_owned());
                                }>"Change the input"</button>
                            </div>
                        </div>
                    }
                })}
                {move || live.get().map(|answer| match answer {
                    Ok(v) => view! {
                        <div class="paste-live" aria-label="Live check of the pasted secret">
                            <ProbeResult v on_billed=Callback::new(move |()| check_live(true)) />
                        </div>
                    }.into_any(),
                    Err(e) => view! { <p class="banner banner-error" role="alert">{e}</p> }.into_any(),
                })}
                <div class="actions">
                    <button type="submit" disabled=move || busy.get() aria-describedby="paste-progress">
                        {move || if busy.get() { "Saving…" } else { "Check and save" }}
                    </button>
                    <button
                        type="button"
                        id="paste-check-live"
                        title="Ask the provider whether this secret works, before saving it (nothing is stored)"
                        disabled=move || checking.get() || busy.get()
                        on:click=move |_| check_live(false)
                    >
                        {move || if checking.get() { "Checking with the provider…" } else { "Check before saving" }}
                    </button>
                    <button type="button" class="button-quiet" on:click=move |_| state.paste.set(None)>"Cancel"</button>
                    <span id="paste-progress" class="muted" role="status">
                        {move || busy.get().then_some("Checking and saving…")}
                    </span>
                </div>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::id_preview;

    #[test]
    fn the_preview_is_the_id_openclaw_saves() {
        assert_eq!(id_preview("anthropic", "").unwrap(), "anthropic:manual");
        assert_eq!(id_preview(" anthropic ", "Work Account!").unwrap(), "anthropic:work-account");
        assert_eq!(id_preview("openai", "openai:me@example.com").unwrap(), "openai:me@example.com");
        assert!(id_preview("anthropic", "openai:x").unwrap_err().contains("belongs to provider"));
        assert!(id_preview("", "x").is_err());
    }
}
