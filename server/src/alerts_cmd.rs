//! `alerts list|add|remove|test|check --once`: the Alerts page on the command line, over the same
//! `panel-service` methods (the same files in the data dir, the same History lines). `check
//! --once` is one evaluation of the monitor `serve` runs, for hosts that prefer cron; it exits as
//! `status --check` (0 nothing holds, 1 an error-level alert holds, 2 only warnings).

use std::io::Write;
use std::process::ExitCode;

use panel_service::alerts::{AlertSettings, CheckReport, parse_severity};
use panel_service::{PanelConfig, PanelService};
use panel_views::{AlertChannelRequest, AlertsView};
use secrecy::ExposeSecret;

use crate::cli::{AlertsCommand, DataDirArgs, StateArgs};

fn fail(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("openclaw-auth-panel: {e}");
    ExitCode::from(2)
}

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(fail)
}

/// A service over `state` (the default state when `None`) with the data dir of `data`.
fn service(state: Option<&StateArgs>, data: &DataDirArgs, settings: AlertSettings) -> PanelService {
    let fallback = StateArgs { state_dir: None, config: None, no_process_env: true, openclaw_version: None };
    let config =
        PanelConfig { data_dir: Some(data.resolve()), ..crate::serve::panel_config(state.unwrap_or(&fallback)) };
    PanelService::new(config).with_alerts(settings)
}

/// Links go to `--public-url`, else where `serve` last said it is (its data dir's `public-url`),
/// else they stay relative (no `serve` has run with this data dir).
fn settings(public_url: Option<&str>, data: &DataDirArgs) -> AlertSettings {
    let base =
        public_url.map(str::to_owned).or_else(|| crate::data_dir::public_url(&data.resolve())).unwrap_or_default();
    AlertSettings { links: panel_alerts::Links::new(base), ..AlertSettings::default() }
}

fn print(result: std::io::Result<()>) {
    if let Err(e) = result
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("openclaw-auth-panel: {e}");
    }
}

pub fn run(command: AlertsCommand) -> ExitCode {
    let runtime = match runtime() {
        Ok(r) => r,
        Err(code) => return code,
    };
    match command {
        AlertsCommand::List(args) => {
            let service = service(None, &args.data, settings(None, &args.data));
            match runtime.block_on(service.alerts_view()) {
                Ok(view) => {
                    let mut out = std::io::stdout().lock();
                    print(if args.json {
                        serde_json::to_writer_pretty(&mut out, &view)
                            .map_err(std::io::Error::from)
                            .and_then(|()| writeln!(out))
                    } else {
                        write_list(&mut out, &view)
                    });
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        AlertsCommand::Add(args) => {
            let secret = if args.secret_stdin {
                match crate::auth_cmd::read_secret("Secret: ") {
                    Ok(s) => s.expose_secret().trim().to_owned(),
                    Err(e) => return fail(e),
                }
            } else {
                String::new()
            };
            let min_severity = match parse_severity(&args.min_severity) {
                Ok(s) => s,
                Err(e) => return fail(e),
            };
            let kind = args.kind.trim().to_ascii_lowercase();
            let request = AlertChannelRequest {
                name: args.name.clone(),
                kind: kind.clone(),
                min_severity: Some(min_severity),
                url: args.url.clone().unwrap_or_default(),
                token: if kind == "ntfy" { secret.clone() } else { String::new() },
                secret: if kind == "webhook" { secret.clone() } else { String::new() },
                smtp_host: args.smtp_host.clone().unwrap_or_default(),
                smtp_port: args.smtp_port,
                smtp_security: args.smtp_security.clone().unwrap_or_default(),
                smtp_user: args.smtp_user.clone().unwrap_or_default(),
                smtp_password: if kind == "email" { secret } else { String::new() },
                from: args.from.clone().unwrap_or_default(),
                to: args.to.clone().unwrap_or_default(),
            };
            let service = service(None, &args.data, settings(None, &args.data));
            match runtime.block_on(service.alerts_add(&crate::auth_cmd::actor(), &request)) {
                Ok(c) => {
                    println!(
                        "added {} ({}): {} to {}, {} and worse",
                        c.name,
                        c.id,
                        c.kind,
                        c.target,
                        c.min_severity.as_str()
                    );
                    println!("send it a test: openclaw-auth-panel alerts test {}", c.id);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        AlertsCommand::Remove(args) => {
            let service = service(None, &args.data, settings(None, &args.data));
            match runtime.block_on(service.alerts_remove(&crate::auth_cmd::actor(), &args.channel)) {
                Ok(()) => {
                    println!("removed {}", args.channel);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        AlertsCommand::Test(args) => {
            let service = service(None, &args.data, settings(args.public_url.as_deref(), &args.data));
            let ids: Vec<String> = if args.all {
                match runtime.block_on(service.alerts_view()) {
                    Ok(view) => view.channels.into_iter().map(|c| c.id).collect(),
                    Err(e) => return fail(e),
                }
            } else {
                args.channel.into_iter().collect()
            };
            if ids.is_empty() {
                return fail("no channel to test; add one with `openclaw-auth-panel alerts add`");
            }
            let mut all_ok = true;
            for id in ids {
                match runtime.block_on(service.alerts_test(&crate::auth_cmd::actor(), &id)) {
                    Ok(d) if d.ok => {
                        println!("{}: delivered ({})", d.channel, d.answer.unwrap_or_default());
                    }
                    Ok(d) => {
                        all_ok = false;
                        println!(
                            "{}: NOT delivered after {} attempts: {}",
                            d.channel,
                            d.attempts,
                            d.error.unwrap_or_default()
                        );
                    }
                    Err(e) => return fail(e),
                }
            }
            if all_ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        AlertsCommand::Check(args) => {
            let mut alert_settings = settings(args.public_url.as_deref(), &args.data);
            alert_settings.window_ms = i64::try_from(args.window.max(1)).unwrap_or(60).saturating_mul(60_000);
            alert_settings.gateway = !args.no_gateway;
            let service = service(Some(&args.state), &args.data, alert_settings);
            match runtime.block_on(service.alerts_check()) {
                Ok(report) => {
                    let mut out = std::io::stdout().lock();
                    print(if args.json {
                        serde_json::to_writer_pretty(&mut out, &report)
                            .map_err(std::io::Error::from)
                            .and_then(|()| writeln!(out))
                    } else {
                        write_check(&mut out, &report)
                    });
                    ExitCode::from(report.exit_code)
                }
                Err(e) => fail(e),
            }
        }
    }
}

fn write_list(out: &mut impl Write, view: &AlertsView) -> std::io::Result<()> {
    if view.channels.is_empty() {
        writeln!(
            out,
            "No channels. Add one: openclaw-auth-panel alerts add ntfy --name phone --url https://ntfy.sh/<topic>"
        )?;
    } else {
        writeln!(out, "Channels:")?;
        for c in &view.channels {
            let health = if c.up {
                c.last_ok_at
                    .as_deref()
                    .map(|at| format!("ok, last delivery {at}"))
                    .unwrap_or_else(|| "nothing sent yet".into())
            } else {
                format!("FAILING ({} in a row): {}", c.failures, c.last_error.as_deref().unwrap_or(""))
            };
            let settings: Vec<String> = c.settings.iter().map(|(k, v)| format!("{k} {v}")).collect();
            writeln!(
                out,
                "  {} ({}) {} to {}, {} and worse; {}",
                c.name,
                c.id,
                c.kind,
                c.target,
                c.min_severity.as_str(),
                health
            )?;
            if !settings.is_empty() {
                writeln!(out, "      {}", settings.join(", "))?;
            }
        }
    }
    if view.outbox > 0 {
        writeln!(out, "{} message(s) wait for a retry.", view.outbox)?;
    }
    match &view.evaluated_at {
        Some(at) => writeln!(out, "Last evaluated {at}.")?,
        None => writeln!(out, "Not evaluated yet (`serve` evaluates every few minutes; or `alerts check --once`).")?,
    }
    if view.active.is_empty() {
        writeln!(out, "Nothing holds now.")?;
    } else {
        writeln!(out, "Holding now:")?;
        for a in &view.active {
            let told = if a.notified { "" } else { " (not sent yet: within its window)" };
            writeln!(out, "  [{}] {} since {}{told}", a.severity.as_str(), a.title, a.since)?;
        }
    }
    if !view.deliveries.is_empty() {
        writeln!(out, "Last deliveries:")?;
        for d in view.deliveries.iter().take(15) {
            let result = if d.ok {
                d.answer.clone().unwrap_or_else(|| "ok".into())
            } else {
                format!("FAILED after {} attempts: {}", d.attempts, d.error.as_deref().unwrap_or(""))
            };
            writeln!(out, "  {} {} {} [{}] {}: {}", d.at, d.channel, d.kind, d.severity.as_str(), d.title, result)?;
        }
    }
    Ok(())
}

fn write_check(out: &mut impl Write, report: &CheckReport) -> std::io::Result<()> {
    if report.events.is_empty() {
        writeln!(out, "No change since the last evaluation.")?;
    }
    for e in &report.events {
        writeln!(out, "{} [{}] {}", e.kind, e.severity.as_str(), e.title)?;
    }
    for d in &report.deliveries {
        if d.ok {
            writeln!(out, "  sent to {}: {}", d.channel_name, d.answer.as_deref().unwrap_or("ok"))?;
        } else {
            let retry = if d.will_retry { "; kept for the next evaluation" } else { "; dropped" };
            writeln!(out, "  NOT sent to {}: {}{retry}", d.channel_name, d.error.as_deref().unwrap_or(""))?;
        }
    }
    if !report.active.is_empty() {
        writeln!(out, "Holding now:")?;
        for c in &report.active {
            writeln!(out, "  [{}] {}", c.severity.as_str(), c.title)?;
        }
    }
    Ok(())
}
