//! `gateway status`: the running OpenClaw gateway of the state dir, as `panel-gateway` sees it,
//! in words or as JSON. Exit 0 when the panel can log in as an operator, 1 when nothing runs,
//! 2 when something runs that is not ready or will not let the panel in.

use std::io::Write;
use std::process::ExitCode;

use panel_gateway::discover::{GatewayTarget, StateEnv};
use panel_gateway::rpc::Timeouts;
use panel_gateway::status::{GatewayStatus, Reach, gateway_status};

use crate::cli::GatewayStatusArgs;

pub fn status(args: GatewayStatusArgs) -> ExitCode {
    let config = crate::serve::panel_config(&args.state);
    let location = &config.location;
    let parsed = match openclaw_state::config::Config::read(&location.config_path) {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("openclaw-auth-panel: {e}; the gateway's port and token are read from it");
            return ExitCode::from(2);
        }
    };
    let target = GatewayTarget::resolve(parsed.as_ref(), &StateEnv::read(location, !args.state.no_process_env));
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("openclaw-auth-panel: {e}");
            return ExitCode::from(2);
        }
    };
    let status = runtime.block_on(gateway_status(&target, Timeouts::default()));
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &status).map_err(std::io::Error::from).and_then(|()| writeln!(out))
    } else {
        write_text(&mut out, &status)
    };
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("openclaw-auth-panel: {e}");
    }
    ExitCode::from(match status.reach {
        Reach::Connected => 0,
        Reach::NotRunning => 1,
        Reach::NotReady | Reach::Unreachable => 2,
    })
}

fn write_text(out: &mut impl Write, s: &GatewayStatus) -> std::io::Result<()> {
    let state = match s.reach {
        Reach::Connected => "running, the panel is logged in as an operator",
        Reach::NotReady => "running, not ready",
        Reach::Unreachable => "running, the panel cannot log in",
        Reach::NotRunning => "not running",
    };
    writeln!(out, "Gateway:     {state}")?;
    writeln!(out, "Address:     {} (port from {}; bind {})", s.url, s.port_source, s.bind)?;
    if let Some(version) = &s.version {
        writeln!(out, "Version:     {version}")?;
    }
    if s.reach != Reach::NotRunning {
        let ready = match s.ready {
            Some(true) => "ready",
            Some(false) => "not ready",
            None => "no answer from /readyz",
        };
        writeln!(out, "Health:      {}, {ready}", if s.live { "live" } else { "no answer from /healthz" })?;
    }
    writeln!(out, "Credential:  {:?} auth; {}", s.auth_mode, s.credential_source)?;
    if !s.methods.is_empty() {
        writeln!(out, "Methods:     {}", s.methods.join(", "))?;
    }
    if let Some(dir) = &s.state_dir {
        writeln!(out, "State dir:   {dir}")?;
    }
    if let Some(problem) = &s.problem {
        writeln!(out, "Problem:     {problem}")?;
    }
    if let Some(fix) = &s.fix {
        writeln!(out, "What to do:  {fix}")?;
    }
    Ok(())
}
