//! `probe`: live checks of the state's credentials against their providers, as the page's
//! *Check* makes them (`panel-service`), printed as a table or JSON. Exit codes like
//! `status --check`: 0 every credential ok, 1 one failed (invalid, wrong type, Claude-Code-only,
//! expired, billing, region, unreachable or timed out), 2 only warnings remain (rate limited, an
//! unknown answer, or not checked, e.g. a setup token without `--allow-billed`) or nothing
//! matched the selection.

use std::io::Write;
use std::process::ExitCode;

use panel_service::probes::{ProbeSelection, exit_code};
use panel_views::ProbeView;

use crate::cli::ProbeArgs;

pub fn run(args: ProbeArgs) -> ExitCode {
    let config =
        panel_service::PanelConfig { data_dir: Some(args.data.resolve()), ..crate::serve::panel_config(&args.state) };
    let limits =
        panel_probe::Limits { deadline: std::time::Duration::from_secs(args.timeout.max(1)), ..Default::default() };
    let service = panel_service::PanelService::new(config).with_probe_limits(limits);
    let selection = ProbeSelection {
        agent: args.agent.clone(),
        provider: args.provider.clone(),
        profile: args.profile.clone(),
        allow_billed: args.allow_billed,
        force: true,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("openclaw-auth-panel: {e}");
            return ExitCode::from(2);
        }
    };
    let views = match runtime.block_on(service.probe(&crate::auth_cmd::actor(), selection)) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("openclaw-auth-panel: {e}");
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &serde_json::json!({"results": views, "exitCode": exit_code(&views)}))
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        write_text(&mut out, &views)
    };
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("openclaw-auth-panel: {e}");
    }
    if views.is_empty() {
        // A mistyped --profile must not look like "every credential works".
        return ExitCode::from(2);
    }
    ExitCode::from(exit_code(&views))
}

fn write_text(out: &mut impl Write, views: &[ProbeView]) -> std::io::Result<()> {
    if views.is_empty() {
        return writeln!(out, "No credential matches: nothing checked.");
    }
    for v in views {
        let whose = v.agent.as_deref().map(|a| format!("agent {a}, ")).unwrap_or_default();
        let took = v.latency_ms.map(|ms| format!(", {ms} ms, {} request", v.cost)).unwrap_or_default();
        writeln!(out, "{} ({whose}{}): {}{took}", v.credential, v.provider, v.class.label())?;
        if let Some(m) = &v.provider_message {
            writeln!(out, "  the provider said: {m}")?;
        }
        for (k, value) in &v.details {
            writeln!(out, "  {k}: {value}")?;
        }
        if v.class != panel_views::ProbeClass::Ok {
            writeln!(out, "  what to do: {}", v.fix)?;
        }
    }
    Ok(())
}
