//! `serve`: resolve the state location, build the router, listen.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use app::service::{PanelConfig, PanelService};
use openclaw_state::StateLocation;
use openclaw_state::paths::PathEnv;

use crate::cli::{ServeArgs, StateArgs};

/// Turns the shared state flags into the service's configuration.
pub fn panel_config(args: &StateArgs) -> PanelConfig {
    let location = StateLocation::resolve(args.state_dir.as_deref(), args.config.as_deref(), &PathEnv::from_process());
    PanelConfig {
        location,
        process_env: if args.no_process_env { Default::default() } else { openclaw_state::env::process_env() },
        openclaw_version: args.openclaw_version.clone(),
    }
}

/// Why `serve` refuses to start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "refusing to listen on {0}: the panel has no login yet, so it only serves loopback addresses. \
         Use --bind 127.0.0.1:PORT and reach it from another machine with `ssh -L PORT:127.0.0.1:PORT <gateway-host>`."
    )]
    NotLoopback(SocketAddr),
    #[error(
        "the built site was not found at {0}: run `scripts/build.sh` first (it builds the wasm and CSS), or pass --site-root"
    )]
    NoSite(PathBuf),
    #[error("cannot create the demo state: {0}")]
    Demo(std::io::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("cannot prepare the panel's data dir {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("the server stopped: {0}")]
    Server(std::io::Error),
}

pub fn run(args: ServeArgs) -> ExitCode {
    match run_inner(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("openclaw-auth-panel: {e}");
            ExitCode::FAILURE
        }
    }
}

fn site_root(flag: Option<PathBuf>) -> Result<PathBuf, ServeError> {
    if let Some(dir) = flag {
        return if dir.join("pkg").is_dir() { Ok(dir) } else { Err(ServeError::NoSite(dir)) };
    }
    let cwd = PathBuf::from("target/site");
    if cwd.join("pkg").is_dir() {
        return Ok(cwd);
    }
    let beside_exe =
        std::env::current_exe().ok().and_then(|exe| exe.parent().and_then(|d| d.parent()).map(|d| d.join("site")));
    match beside_exe {
        Some(dir) if dir.join("pkg").is_dir() => Ok(dir),
        _ => Err(ServeError::NoSite(cwd)),
    }
}

fn run_inner(args: ServeArgs) -> Result<(), ServeError> {
    if !args.bind.ip().is_loopback() {
        return Err(ServeError::NotLoopback(args.bind));
    }
    let site_root = site_root(args.site_root.clone())?;
    // The demo dir lives as long as the server; it is removed on exit.
    let mut _demo_dir = None;
    let config = if args.demo {
        let dir = tempfile::Builder::new().prefix("openclaw-auth-panel-demo-").tempdir().map_err(ServeError::Demo)?;
        let state_dir = dir.path().join(".openclaw");
        crate::demo::seed(&state_dir, app::service::now_ms()).map_err(ServeError::Demo)?;
        let config = PanelConfig {
            location: StateLocation::in_dir(&state_dir),
            process_env: Default::default(),
            openclaw_version: args.state.openclaw_version.clone(),
        };
        _demo_dir = Some(dir);
        config
    } else {
        panel_config(&args.state)
    };
    let data_dir = match (&_demo_dir, &args.data_dir) {
        (Some(demo), _) => demo.path().join("panel-data"),
        (None, Some(dir)) => dir.clone(),
        (None, None) => crate::data_dir::default_data_dir(),
    };
    let token = crate::data_dir::monitoring_token(&data_dir)
        .map_err(|source| ServeError::DataDir { path: data_dir.clone(), source })?;
    tracing::info!(
        state_dir = %config.location.state_dir.display(),
        config = %config.location.config_path.display(),
        demo = args.demo,
        "reading OpenClaw state"
    );
    let service = PanelService::new(config);
    let runtime = tokio::runtime::Runtime::new().map_err(ServeError::Server)?;
    runtime.block_on(async move {
        let policy = crate::guard::GuardPolicy::for_bind(args.bind, false, &args.allowed_hosts);
        let router = crate::http::router(service, crate::http::site_options(site_root, args.bind), token, policy);
        let listener = tokio::net::TcpListener::bind(args.bind)
            .await
            .map_err(|source| ServeError::Bind { addr: args.bind, source })?;
        let local = listener.local_addr().map_err(ServeError::Server)?;
        eprintln!("openclaw-auth-panel: serving on http://{local}/");
        eprintln!(
            "openclaw-auth-panel: monitoring at /metrics and /monitoring/status.json with `Authorization: Bearer $(cat {})`",
            data_dir.join(crate::data_dir::MONITORING_TOKEN_FILE).display()
        );
        axum::serve(listener, router).with_graceful_shutdown(shutdown_signal()).await.map_err(ServeError::Server)
    })
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
