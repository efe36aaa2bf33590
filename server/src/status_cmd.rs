//! `status`: OpenClaw's `models status [--json] [--check]`, from the panel's own reader, in
//! milliseconds and without Node.

use std::io::Write;
use std::process::ExitCode;

use openclaw_state::health::format_remaining;
use openclaw_state::snapshot::ReadOptions;
use openclaw_state::status::{StatusReport, build_status};
use openclaw_state::{HealthStatus, read_state};

use crate::cli::StatusArgs;

/// Exit code for a command that could not run (bad agent, unreadable state).
const EXIT_FAILURE: u8 = 1;

pub fn run(args: StatusArgs) -> ExitCode {
    let config = crate::serve::panel_config(&args.state);
    if let Some(agent) = &args.agent
        && let Err(e) = openclaw_state::ids::validate_agent_id(agent)
    {
        eprintln!("openclaw-auth-panel: {e}");
        return ExitCode::from(2);
    }
    let options = ReadOptions {
        process_env: config.process_env.clone(),
        now_ms: panel_service::now_ms(),
        openclaw_version: config.openclaw_version.clone(),
    };
    let snapshot = read_state(&config.location, &options);
    let report = match build_status(&snapshot, args.agent.as_deref()) {
        Ok(report) => report,
        Err(e) => {
            eprintln!(
                "openclaw-auth-panel: {e}; agents: {}",
                snapshot.agents.iter().map(|a| a.id.as_str()).collect::<Vec<_>>().join(", ")
            );
            return ExitCode::from(EXIT_FAILURE);
        }
    };
    for problem in &snapshot.problems {
        eprintln!("warning: {}: {} ({})", problem.path.display(), problem.message, problem.hint);
    }
    // Buffered: pretty JSON is a line per field, a `write` each otherwise.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &report).map_err(std::io::Error::from).and_then(|()| writeln!(out))
    } else {
        write_text(&mut out, &report)
    }
    .and_then(|()| out.flush());
    if let Err(e) = written {
        // A closed pipe (`| head`) is not worth a message.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("openclaw-auth-panel: {e}");
        }
    }
    if args.check { ExitCode::from(report.exit_code) } else { ExitCode::SUCCESS }
}

fn word(status: HealthStatus) -> &'static str {
    // OpenClaw prints `missing` as `unknown` in text mode.
    if status == HealthStatus::Missing { "unknown" } else { status.as_str() }
}

fn write_text(out: &mut impl Write, r: &StatusReport) -> std::io::Result<()> {
    writeln!(out, "{:<14}: {}", "Config", r.config_path)?;
    writeln!(out, "{:<14}: {}", "Agent dir", r.agent_dir)?;
    writeln!(out, "{:<14}: {}", "Default", r.default_model)?;
    writeln!(
        out,
        "{:<14}: {}",
        format!("Fallbacks ({})", r.fallbacks.len()),
        if r.fallbacks.is_empty() { "-".into() } else { r.fallbacks.join(", ") }
    )?;
    writeln!(out, "{:<14}: {}", "Era", r.panel.era.map(|e| e.label()).unwrap_or("no store yet"))?;
    writeln!(out, "{:<14}: {} (from {})", "Rules", r.panel.rules, r.panel.rules_reason)?;
    writeln!(out)?;
    writeln!(out, "Auth overview")?;
    writeln!(out, "{:<14}: {}", "Auth store", r.auth.store_path)?;
    for p in &r.auth.providers {
        let labels =
            if p.profiles.labels.is_empty() { String::new() } else { format!(" | {}", p.profiles.labels.join(", ")) };
        let env = p.env.as_ref().map(|e| format!(" | env={} | source={}", e.value, e.source)).unwrap_or_default();
        let next = r
            .panel
            .effective_order
            .get(&p.provider)
            .and_then(|o| o.first())
            .map(|id| format!(" | next={id}"))
            .unwrap_or_default();
        writeln!(
            out,
            "- {} effective={}:{} | profiles={} (oauth={}, token={}, api_key={}){labels}{env}{next}",
            p.provider,
            p.effective.kind,
            p.effective.detail,
            p.profiles.count,
            p.profiles.oauth,
            p.profiles.token,
            p.profiles.api_key
        )?;
    }
    if !r.auth.missing_providers_in_use.is_empty() {
        writeln!(out)?;
        writeln!(out, "Missing auth")?;
        for p in &r.auth.missing_providers_in_use {
            writeln!(out, "- {p} Paste a token or API key in the panel, or set {p}'s API key env var.")?;
        }
    }
    writeln!(out)?;
    writeln!(out, "OAuth/token status")?;
    for p in r.auth.oauth.profiles.iter().filter(|p| p.status != HealthStatus::Static) {
        let when = match p.remaining_ms {
            Some(ms) if ms > 0 => format!(" expires in {}", format_remaining(ms)),
            Some(_) => " expired".to_owned(),
            // An expired token is reported without its expiry; the status already says it all.
            None if p.status == HealthStatus::Expired => String::new(),
            None => " expires unknown".to_owned(),
        };
        writeln!(out, "  - {} {}{when}", p.label, word(p.status))?;
    }
    if !r.panel.check_reasons.is_empty() {
        writeln!(out)?;
        writeln!(out, "Check (exit {}):", r.exit_code)?;
        for reason in &r.panel.check_reasons {
            writeln!(out, "- {reason}")?;
        }
    }
    Ok(())
}
