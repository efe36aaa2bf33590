//! `gateway status`, `gateway apply` and `gateway restart`: the running OpenClaw gateway of the
//! state dir, as `panel-gateway` sees it, in words or as JSON. `status` exits 0 when the panel
//! can log in as an operator, 1 when nothing runs, 2 when something runs that is not ready or
//! will not let the panel in; `apply` exits 0 when the gateway re-read the disk, 1 when nothing
//! runs, 2 when it could not be applied; `restart` exits 0 when it restarted and is ready, 1 when
//! nothing runs, 2 when it was not restarted or did not become ready in time.

use std::io::Write;
use std::process::ExitCode;

use panel_gateway::discover::GatewayTarget;
use panel_gateway::rpc::Timeouts;
use panel_gateway::status::{GatewayStatus, Reach, gateway_status};

use crate::cli::{DataDirArgs, GatewayApplyArgs, GatewayRestartArgs, GatewayStatusArgs};

/// The gateway of the state `args` name (the same lookup as the page's), and a runtime to talk
/// to it; `Err`: the exit code.
fn target_and_runtime(
    args: &crate::cli::StateArgs,
    data: &DataDirArgs,
) -> Result<(GatewayTarget, tokio::runtime::Runtime), ExitCode> {
    let config = panel_service::PanelConfig { data_dir: Some(data.resolve()), ..crate::serve::panel_config(args) };
    let target = panel_service::gateway::target(&config, !args.no_process_env).map_err(|e| {
        eprintln!("openclaw-auth-panel: {e}");
        ExitCode::from(2)
    })?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| {
        eprintln!("openclaw-auth-panel: {e}");
        ExitCode::from(2)
    })?;
    Ok((target, runtime))
}

pub fn status(args: GatewayStatusArgs) -> ExitCode {
    let (target, runtime) = match target_and_runtime(&args.state, &args.data) {
        Ok(pair) => pair,
        Err(code) => return code,
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
    if let Some(supervisor) = &s.supervisor {
        let pid = s.pid.map(|p| format!(", process {p}")).unwrap_or_default();
        writeln!(out, "Runs as:     {}{pid}", supervisor.describe())?;
    }
    if s.protocol == Some(3) && s.reach == Reach::Connected {
        writeln!(out, "Protocol:    3, with the panel's device identity")?;
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

pub fn apply(args: GatewayApplyArgs) -> ExitCode {
    let (target, runtime) = match target_and_runtime(&args.state, &args.data) {
        Ok(pair) => pair,
        Err(code) => return code,
    };
    let agent = match &args.agent {
        Some(agent) => match openclaw_state::ids::validate_agent_id(agent) {
            Ok(_) => agent.clone(),
            Err(e) => {
                eprintln!("openclaw-auth-panel: {e}");
                return ExitCode::from(2);
            }
        },
        None => {
            let config = crate::serve::panel_config(&args.state);
            // The gateway's default agent, as the config names it.
            openclaw_state::config::Config::read(&config.location.config_path)
                .ok()
                .flatten()
                .map(|c| c.default_agent_id())
                .unwrap_or_else(|| "main".to_owned())
        }
    };
    let outcome =
        runtime.block_on(panel_gateway::apply::apply_store_change(&target, &agent, Timeouts::default(), false));
    let mut out = std::io::stdout().lock();
    let (written, code) = match &outcome {
        Ok(done) => {
            let code = if done.applied == panel_gateway::apply::Applied::NeedsRestart { 2 } else { 0 };
            let written = if args.json {
                serde_json::to_writer_pretty(&mut out, done).map_err(std::io::Error::from).and_then(|()| writeln!(out))
            } else {
                write_applied(&mut out, &agent, done)
            };
            (written, code)
        }
        Err(e) => {
            let code = if matches!(e, panel_gateway::rpc::RpcError::NotRunning { .. }) { 1 } else { 2 };
            let written = if args.json {
                serde_json::to_writer_pretty(&mut out, &serde_json::json!({"error": e, "message": e.to_string()}))
                    .map_err(std::io::Error::from)
                    .and_then(|()| writeln!(out))
            } else {
                writeln!(out, "Not applied: {e}")
            };
            (written, code)
        }
    };
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("openclaw-auth-panel: {e}");
    }
    ExitCode::from(code)
}

fn write_applied(out: &mut impl Write, agent: &str, done: &panel_gateway::apply::ApplyOutcome) -> std::io::Result<()> {
    use panel_gateway::apply::Applied;
    let how = match done.applied {
        Applied::AuthRefresh => {
            format!("applied: the gateway re-read agent {agent}'s credentials (models.authRefresh)")
        }
        Applied::SecretsReload => "applied: the gateway re-read every agent's credentials (secrets.reload)".to_owned(),
        Applied::NeedsRestart => "not applied: this gateway reads credentials only at start; restart it".to_owned(),
    };
    writeln!(out, "Gateway {}: {how}", done.version.as_deref().unwrap_or("(version unknown)"))?;
    match &done.listed {
        Some(listed) => {
            let whose = if done.default_agent_only { "the default agent" } else { agent };
            writeln!(out, "The gateway now lists for {whose}:")?;
            for p in &listed.profiles {
                writeln!(out, "  {} ({}, {}), provider {}", p.profile_id, p.kind, p.status, p.provider)?;
            }
            for (provider, var) in &listed.env_keys {
                writeln!(out, "  {provider}: key from {var}")?;
            }
            if listed.profiles.is_empty() && listed.env_keys.is_empty() {
                writeln!(out, "  nothing")?;
            }
        }
        None => writeln!(out, "The gateway cannot say what it holds (no models.authStatus).")?,
    }
    Ok(())
}

/// Whether the gateway of `state` accepts connections on its port now (false when it has none).
pub fn listening(state: &crate::cli::StateArgs) -> bool {
    let config = crate::serve::panel_config(state);
    panel_service::gateway::target(&config, !state.no_process_env)
        .is_ok_and(|target| panel_gateway::apply::listening(target.port))
}

/// `--apply` of the write commands: the change applied to the running gateway of `state`, as
/// after a change from the page; whether it must still restart, and what it did in words.
/// `listened_before`: the gateway's port accepted a connection before the write.
pub fn apply_note(
    state: &crate::cli::StateArgs,
    agent: &str,
    profile_id: Option<&str>,
    listened_before: bool,
) -> (bool, String) {
    let (target, runtime) = match target_and_runtime(
        state,
        &DataDirArgs { data_dir: std::env::var_os("OPENCLAW_PANEL_DATA_DIR").map(Into::into) },
    ) {
        Ok(pair) => pair,
        Err(_) => return (true, "not applied to the running gateway (see above)".to_owned()),
    };
    runtime.block_on(panel_service::gateway::apply_note(target, agent, profile_id, listened_before))
}

pub fn restart(args: GatewayRestartArgs) -> ExitCode {
    use panel_gateway::restart::{self, RestartDeadlines, RestartError};
    let (target, runtime) = match target_and_runtime(&args.state, &args.data) {
        Ok(pair) => pair,
        Err(code) => return code,
    };
    let fail = |e: &RestartError, json: bool| {
        if json {
            println!("{}", serde_json::json!({"restarted": false, "error": e, "message": e.to_string()}));
        }
        eprintln!("openclaw-auth-panel: {e}");
        ExitCode::from(if matches!(e, RestartError::NotRunning { .. }) { 1 } else { 2 })
    };
    let plan = match runtime.block_on(restart::plan(&target, Timeouts::default())) {
        Ok(plan) => plan,
        Err(e) => return fail(&e, args.json),
    };
    let what = format!(
        "Restart the gateway ({}) on 127.0.0.1:{} by {}?{}",
        plan.version.as_deref().unwrap_or("version unknown"),
        target.port,
        plan.method.describe(),
        if plan.full {
            ""
        } else {
            " (in-process: changed .env values keep their old value until a full stop and start)"
        }
    );
    if !args.yes {
        use std::io::IsTerminal;
        if !std::io::stdin().is_terminal() {
            eprintln!(
                "openclaw-auth-panel: {what}\nopenclaw-auth-panel: not restarted: pass --yes to confirm without a terminal"
            );
            return ExitCode::from(2);
        }
        eprint!("{what} [y/N] ");
        let mut answer = String::new();
        if std::io::stdin().read_line(&mut answer).is_err() || !matches!(answer.trim(), "y" | "Y" | "yes") {
            eprintln!("openclaw-auth-panel: not restarted");
            return ExitCode::from(2);
        }
    }
    let deadlines = RestartDeadlines { ready: std::time::Duration::from_secs(args.timeout), ..Default::default() };
    let progress = |p: restart::Progress| eprintln!("openclaw-auth-panel: {}", p.describe());
    match runtime.block_on(restart::restart(&target, &plan, Timeouts::default(), deadlines, &progress)) {
        Ok(took) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::json!({"restarted": true, "method": plan.method, "full": plan.full, "readyAfterMs": took.as_millis() as u64})
                );
            } else {
                println!("Restarted ({}); ready after {:.1} s.", plan.method.describe(), took.as_secs_f64());
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e, args.json),
    }
}
