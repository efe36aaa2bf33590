//! The Alerts page (admin only, as every page): the channels alerts go to (ntfy, a signed webhook,
//! e-mail), added, tested and removed here; what holds now; the last deliveries with their result.
//! Secrets typed into the form travel to the server once and come back masked; the page never
//! holds them again.

use leptos::prelude::*;

use crate::api::{AddAlertChannel, RemoveAlertChannel, TestAlertChannel, get_alerts};
use crate::components::{BoundInput, ConfirmDialog, LoadError, NoticeBar};
use crate::page_state::{ConfirmRequest, Notice, PageState};
use crate::views::{AlertChannelRequest, AlertChannelView, AlertDeliveryView, AlertsView, Severity};

#[derive(Clone, Copy)]
struct AlertActions {
    add: ServerAction<AddAlertChannel>,
    remove: ServerAction<RemoveAlertChannel>,
    test: ServerAction<TestAlertChannel>,
    /// The channel whose remove dialog is open: `(id, name)`.
    removing: RwSignal<Option<(String, String)>>,
}

fn notice(title: String, lines: Vec<String>, is_error: bool) -> Notice {
    Notice { title, lines, next: None, masked: None, pin: None, gateway_note: None, must_restart: false, is_error }
}

#[component]
pub fn AlertsPage() -> impl IntoView {
    let state = PageState::provide();
    let actions = AlertActions {
        add: ServerAction::new(),
        remove: ServerAction::new(),
        test: ServerAction::new(),
        removing: RwSignal::new(None),
    };
    provide_context(actions);
    let data = Resource::new(
        move || (actions.add.version().get(), actions.remove.version().get(), actions.test.version().get()),
        |_| get_alerts(),
    );
    Effect::new(move |_| {
        if let Some(answer) = actions.test.value().get() {
            match answer {
                Ok(d) if d.ok => state.changed(
                    notice(
                        format!("Test delivered to {}", d.channel),
                        vec![format!("The channel answered {}.", d.answer.clone().unwrap_or_default())],
                        false,
                    ),
                    None,
                ),
                Ok(d) => state.changed(
                    notice(
                        format!("Test NOT delivered to {}", d.channel),
                        vec![
                            format!("After {} attempt(s): {}", d.attempts, d.error.clone().unwrap_or_default()),
                            "Check the URL, token or server settings; remove the channel and add it again to change them."
                                .to_owned(),
                        ],
                        true,
                    ),
                    None,
                ),
                Err(e) => state.failed("Cannot send the test".to_owned(), &e),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(answer) = actions.remove.value().get() {
            let name = actions.removing.get_untracked().map(|(_, n)| n).unwrap_or_default();
            actions.removing.set(None);
            match answer {
                Ok(()) => state.changed(notice(format!("Removed the channel {name}"), Vec::new(), false), None),
                Err(e) => state.failed(format!("Not removed: {name}"), &e),
            }
        }
    });
    let request = Signal::derive(move || {
        actions.removing.get().map(|(_, name)| ConfirmRequest {
            title: format!("Remove the channel {name}?"),
            lines: vec![
                "Alerts stop going there; its settings and secrets are deleted from the panel's data dir.".to_owned(),
            ],
            confirm_label: format!("Remove {name}"),
            can_confirm: true,
        })
    });
    let confirm = Callback::new(move |()| {
        if let Some((id, _)) = actions.removing.get_untracked() {
            actions.remove.dispatch(RemoveAlertChannel { id });
        }
    });
    view! {
        <section class="page-head">
            <h1>"Alerts"</h1>
            <p class="meta">
                "The panel tells you before a credential dies: 24 h, 6 h and 1 h before a token expires, when it "
                "expires, when a profile goes into a cooldown or is disabled, when a provider a model needs has no "
                "credential, when a file cannot be read, when the doctor finds an error, and when the running "
                "gateway stops or differs from disk; and once more when it recovers. Each alert is sent once per "
                "window; many at once become one digest."
            </p>
        </section>
        <Transition fallback=|| view! { <p class="loading">"Reading the alerts…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(view) => view! { <AlertsBody view /> }.into_any(),
                    Err(error) => view! { <LoadError title="Cannot show the alerts" error /> }.into_any(),
                }
            })}
        </Transition>
        <AddChannelForm />
        <NoticeBar />
        <ConfirmDialog
            request
            busy=actions.remove.pending()
            on_confirm=confirm
            on_cancel=Callback::new(move |()| actions.removing.set(None))
        />
    }
}

fn severity_badge(severity: Severity) -> impl IntoView {
    // The status colours: info as static, warning as expiring, error as expired.
    let class = match severity {
        Severity::Info => "badge status-static",
        Severity::Warning => "badge status-expiring",
        Severity::Error => "badge status-expired",
    };
    view! { <span class=class>{severity.as_str()}</span> }
}

#[component]
fn AlertsBody(view: AlertsView) -> impl IntoView {
    let AlertsView { channels, active, deliveries, outbox, interval_minutes, window_minutes, evaluated_at } = view;
    let schedule = if interval_minutes > 0 {
        format!(
            "Evaluated every {interval_minutes} min and after every change; one message per alert per {window_minutes} min."
        )
    } else {
        "The monitor does not run in this process; `openclaw-auth-panel alerts check --once` evaluates from cron."
            .to_owned()
    };
    let evaluated = evaluated_at.map(|at| format!(" Last evaluated {at}.")).unwrap_or_default();
    let active_view = if active.is_empty() {
        view! { <p class="muted">"Nothing holds now."</p> }.into_any()
    } else {
        view! {
            <ul class="alert-list">
                {active
                    .into_iter()
                    .map(|a| {
                        let waiting = (!a.notified).then_some(" (waiting for its window)");
                        view! {
                            <li>
                                {severity_badge(a.severity)} " "
                                <a href=a.link>{a.title}</a>
                                <span class="muted">" since " {a.since} {waiting}</span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <p class="meta">{schedule}{evaluated}</p>
        <section class="card" aria-labelledby="alerts-active-title">
            <h2 id="alerts-active-title">"Holding now"</h2>
            {active_view}
        </section>
        <section class="card" aria-labelledby="alerts-channels-title">
            <h2 id="alerts-channels-title">"Channels"</h2>
            {if channels.is_empty() {
                view! { <p class="muted">"No channel yet: nothing is sent. Add one below."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="profiles alert-channels">
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Sends to"</th>
                                    <th scope="col">"Takes"</th>
                                    <th scope="col">"Health"</th>
                                    <th scope="col">"Actions"</th>
                                </tr>
                            </thead>
                            <tbody>{channels.into_iter().map(|c| view! { <ChannelRow channel=c /> }).collect_view()}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
            {(outbox > 0).then(|| view! {
                <p class="banner banner-warning">{format!("{outbox} message(s) wait for a retry at the next evaluation.")}</p>
            })}
        </section>
        <section class="card" aria-labelledby="alerts-deliveries-title">
            <h2 id="alerts-deliveries-title">"Last deliveries"</h2>
            {if deliveries.is_empty() {
                view! { <p class="muted">"Nothing sent yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="profiles alert-deliveries">
                            <thead>
                                <tr>
                                    <th scope="col">"When"</th>
                                    <th scope="col">"Channel"</th>
                                    <th scope="col">"Message"</th>
                                    <th scope="col">"Result"</th>
                                </tr>
                            </thead>
                            <tbody>{deliveries.into_iter().map(delivery_row).collect_view()}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </section>
    }
}

fn delivery_row(d: AlertDeliveryView) -> impl IntoView {
    let result = if d.ok {
        view! { <span class="badge status-ok">"delivered"</span> " " {d.answer.unwrap_or_default()} }.into_any()
    } else {
        let retry = if d.will_retry { "; tried again at the next evaluation" } else { "" };
        view! {
            <span class="badge status-expired">"failed"</span>
            " " {format!("after {} attempt(s): {}{retry}", d.attempts, d.error.unwrap_or_default())}
        }
        .into_any()
    };
    view! {
        <tr class="delivery" data-ok=d.ok.to_string()>
            <td data-label="When"><div class="cell">{d.at}</div></td>
            <td data-label="Channel"><div class="cell">{d.channel} <span class="muted">" (" {d.channel_kind} ")"</span></div></td>
            <td data-label="Message"><div class="cell">{severity_badge(d.severity)} " " {d.kind} ": " {d.title}</div></td>
            <td data-label="Result"><div class="cell">{result}</div></td>
        </tr>
    }
}

#[component]
fn ChannelRow(channel: AlertChannelView) -> impl IntoView {
    let actions = expect_context::<AlertActions>();
    let AlertChannelView {
        id, name, kind, target, settings, min_severity, up, failures, last_ok_at, last_error, ..
    } = channel;
    let testing = {
        let id = id.clone();
        Signal::derive(move || {
            actions.test.pending().get() && actions.test.input().with(|i| i.as_ref().is_some_and(|i| i.id == id))
        })
    };
    let health = if up {
        view! {
            <span class="badge status-ok">"ok"</span>
            " " {last_ok_at.map(|at| format!("last delivery {at}")).unwrap_or_else(|| "nothing sent yet".to_owned())}
        }
        .into_any()
    } else {
        view! {
            <span class="badge status-expired">"failing"</span>
            " " {format!("{failures} in a row: {}", last_error.unwrap_or_default())}
        }
        .into_any()
    };
    let settings_line = settings.iter().map(|(k, v)| format!("{k}: {v}")).collect::<Vec<_>>().join(", ");
    let (test_id, remove_id, remove_name) = (id.clone(), id.clone(), name.clone());
    view! {
        <tr data-channel=name.clone()>
            <td data-label="Name"><div class="cell"><strong>{name.clone()}</strong> <span class="muted">" " {kind}</span></div></td>
            <td data-label="Sends to"><div class="cell"><code class="masked">{target}</code>
                {(!settings_line.is_empty()).then(|| view! { <br /><span class="muted">{settings_line}</span> })}
            </div></td>
            <td data-label="Takes"><div class="cell">{severity_badge(min_severity)} " and worse"</div></td>
            <td data-label="Health"><div class="cell">{health}</div></td>
            <td data-label="Actions"><div class="cell row-actions">
                <button type="button" class="small" aria-label=format!("Send a test to {name}") disabled=move || testing.get()
                    on:click=move |_| { actions.test.dispatch(TestAlertChannel { id: test_id.clone() }); }>
                    {move || if testing.get() { "Sending…" } else { "Send a test" }}
                </button>
                <button type="button" class="small danger" aria-label=format!("Remove {name}")
                    on:click=move |_| actions.removing.set(Some((remove_id.clone(), remove_name.clone())))>"Remove"</button>
            </div></td>
        </tr>
    }
}

#[component]
fn AddChannelForm() -> impl IntoView {
    let actions = expect_context::<AlertActions>();
    let state = PageState::get();
    let kind = RwSignal::new("ntfy".to_owned());
    let name = RwSignal::new(String::new());
    let severity = RwSignal::new("warning".to_owned());
    let url = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let smtp_host = RwSignal::new(String::new());
    let smtp_port = RwSignal::new(String::new());
    let smtp_security = RwSignal::new("starttls".to_owned());
    let smtp_user = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = actions.add.pending();
    Effect::new(move |_| {
        if let Some(answer) = actions.add.value().get() {
            match answer {
                Ok(c) => {
                    error.set(None);
                    for s in [name, url, secret, smtp_host, smtp_port, smtp_user, from, to] {
                        s.set(String::new());
                    }
                    state.changed(
                        notice(
                            format!("Added the channel {}", c.name),
                            vec![
                                format!("{} to {}, {} and worse.", c.kind, c.target, c.min_severity.as_str()),
                                "Its secrets are kept in the panel's data dir and shown masked from now on. Send it a test."
                                    .to_owned(),
                            ],
                            false,
                        ),
                        None,
                    );
                }
                Err(e) => {
                    error.set(Some(e.to_string()));
                    crate::dom::focus_later("#alert-add-error".to_owned());
                }
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let k = kind.get_untracked();
        let min_severity = match severity.get_untracked().as_str() {
            "info" => Severity::Info,
            "error" => Severity::Error,
            _ => Severity::Warning,
        };
        let port = smtp_port.get_untracked();
        let port = if port.trim().is_empty() {
            None
        } else {
            match port.trim().parse::<u16>() {
                Ok(p) => Some(p),
                Err(_) => {
                    error.set(Some("The SMTP port is a number, 1–65535.".to_owned()));
                    return;
                }
            }
        };
        let s = secret.get_untracked();
        let request = AlertChannelRequest {
            name: name.get_untracked(),
            kind: k.clone(),
            min_severity: Some(min_severity),
            url: url.get_untracked(),
            token: if k == "ntfy" { s.clone() } else { String::new() },
            secret: if k == "webhook" { s.clone() } else { String::new() },
            smtp_host: smtp_host.get_untracked(),
            smtp_port: port,
            smtp_security: smtp_security.get_untracked(),
            smtp_user: smtp_user.get_untracked(),
            smtp_password: if k == "email" { s } else { String::new() },
            from: from.get_untracked(),
            to: to.get_untracked(),
        };
        actions.add.dispatch(AddAlertChannel { request });
    };
    let is = move |k: &'static str| move || kind.get() == k;
    view! {
        <section class="card" aria-labelledby="alert-add-title">
            <h2 id="alert-add-title">"Add a channel"</h2>
            <form class="paste-form alert-form" autocomplete="off" on:submit=submit>
                <div class="field">
                    <label for="alert-kind">"Kind"</label>
                    <select id="alert-kind" prop:value=move || kind.get() on:change=move |ev| kind.set(event_target_value(&ev))>
                        <option value="ntfy">"ntfy (phone push)"</option>
                        <option value="webhook">"Webhook (JSON, signed)"</option>
                        <option value="email">"E-mail (SMTP)"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="alert-name">"Name"</label>
                    <BoundInput id="alert-name" value=name placeholder="phone" />
                </div>
                <div class="field">
                    <label for="alert-severity">"Send"</label>
                    <select id="alert-severity" prop:value=move || severity.get() on:change=move |ev| severity.set(event_target_value(&ev))>
                        <option value="info">"everything, recoveries too"</option>
                        <option value="warning">"warnings and errors"</option>
                        <option value="error">"errors only"</option>
                    </select>
                </div>
                <Show when=move || kind.get() != "email">
                    <div class="field">
                        <label for="alert-url">{move || if kind.get() == "ntfy" { "Topic URL" } else { "Webhook URL" }}</label>
                        <BoundInput id="alert-url" value=url placeholder=Signal::derive(move || if kind.get() == "ntfy" { "https://ntfy.sh/your-secret-topic".to_owned() } else { "https://example.com/hooks/openclaw".to_owned() }) />
                    </div>
                </Show>
                <Show when=is("ntfy")>
                    <div class="field">
                        <label for="alert-secret-ntfy">"Access token (optional, for a protected topic)"</label>
                        <BoundInput id="alert-secret-ntfy" value=secret secret=true placeholder="tk_…" />
                    </div>
                </Show>
                <Show when=is("webhook")>
                    <div class="field">
                        <label for="alert-secret-webhook">"Signing secret (16+ characters; the receiver checks X-Signature with it)"</label>
                        <BoundInput id="alert-secret-webhook" value=secret secret=true />
                    </div>
                </Show>
                <Show when=is("email")>
                    <div class="field">
                        <label for="alert-smtp-host">"SMTP server"</label>
                        <BoundInput id="alert-smtp-host" value=smtp_host placeholder="smtp.example.com" />
                    </div>
                    <div class="field">
                        <label for="alert-smtp-security">"Security"</label>
                        <select id="alert-smtp-security" prop:value=move || smtp_security.get() on:change=move |ev| smtp_security.set(event_target_value(&ev))>
                            <option value="starttls">"STARTTLS (port 587)"</option>
                            <option value="tls">"TLS (port 465)"</option>
                            <option value="none">"none (a relay on this host only)"</option>
                        </select>
                    </div>
                    <div class="field">
                        <label for="alert-smtp-port">"Port (optional)"</label>
                        <BoundInput id="alert-smtp-port" value=smtp_port placeholder="587" />
                    </div>
                    <div class="field">
                        <label for="alert-smtp-user">"User (optional)"</label>
                        <BoundInput id="alert-smtp-user" value=smtp_user />
                    </div>
                    <div class="field">
                        <label for="alert-secret-email">"Password (optional)"</label>
                        <BoundInput id="alert-secret-email" value=secret secret=true />
                    </div>
                    <div class="field">
                        <label for="alert-from">"From"</label>
                        <BoundInput id="alert-from" value=from placeholder="panel@example.com" />
                    </div>
                    <div class="field">
                        <label for="alert-to">"To (commas between addresses)"</label>
                        <BoundInput id="alert-to" value=to placeholder="ops@example.com" />
                    </div>
                </Show>
                {move || error.get().map(|e| view! { <p id="alert-add-error" class="banner banner-error" role="alert" tabindex="-1">{e}</p> })}
                <div class="actions">
                    <button type="submit" disabled=move || busy.get()>{move || if busy.get() { "Adding…" } else { "Add channel" }}</button>
                </div>
            </form>
        </section>
    }
}
