//! `serve`: resolve the state location, build the router, listen.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use openclaw_state::StateLocation;
use openclaw_state::paths::PathEnv;
use panel_service::{PanelConfig, PanelService};

use crate::cli::{ServeArgs, StateArgs};

/// Turns the shared state flags into the service's configuration.
pub fn panel_config(args: &StateArgs) -> PanelConfig {
    let location = StateLocation::resolve(args.state_dir.as_deref(), args.config.as_deref(), &PathEnv::from_process());
    PanelConfig {
        location,
        process_env: if args.no_process_env { Default::default() } else { openclaw_state::env::process_env() },
        openclaw_version: args.openclaw_version.clone(),
        data_dir: None,
    }
}

/// Why `serve` refuses to start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "--site-root {0} is not a built site ({1}): give the directory `scripts/build.sh --site` writes (target/site), or leave the flag out to serve the site built into the binary"
    )]
    NoSite(PathBuf, String),
    #[error("this binary carries no usable site ({0}): rebuild it with `cargo build -p server`")]
    NoEmbeddedSite(String),
    #[error("cannot create the demo state: {0}")]
    Demo(std::io::Error),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
    #[error("cannot prepare the panel's data dir {path}: {source}")]
    DataDir { path: PathBuf, source: std::io::Error },
    #[error("cannot start the login: {0}")]
    Auth(#[from] crate::auth::AuthError),
    #[error("cannot start HTTPS: {0}")]
    Tls(#[from] crate::tls::TlsError),
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

/// The site to serve: the one built into the binary, or a built site dir given with
/// `--site-root` (a front end rebuilt without rebuilding the server). Never looked for in the
/// working directory or beside the binary: a panel started in a directory another user can write
/// would serve that user's script to the admin (security issue 15, item 7).
fn site(flag: Option<&Path>) -> Result<crate::assets::Assets, ServeError> {
    let assets = match flag {
        Some(dir) => {
            crate::assets::Assets::load(dir).map_err(|e| ServeError::NoSite(dir.to_path_buf(), e.to_string()))?
        }
        None => crate::assets::Assets::embedded().map_err(|e| ServeError::NoEmbeddedSite(e.to_string()))?,
    };
    if !assets.is_complete() {
        return Err(match flag {
            Some(dir) => ServeError::NoSite(dir.to_path_buf(), "no pkg/ with the wasm, its JS and the CSS".to_owned()),
            None => ServeError::NoEmbeddedSite("the wasm, its JS or the CSS is missing".to_owned()),
        });
    }
    Ok(assets)
}

fn run_inner(args: ServeArgs) -> Result<(), ServeError> {
    let assets = site(args.site_root.as_deref())?;
    // The runtime first: the stop signals are caught from here on, and the router's session store
    // starts its pruning task on it.
    let runtime = tokio::runtime::Runtime::new().map_err(ServeError::Server)?;
    let _entered = runtime.enter();
    let signal = shutdown_signal().map_err(ServeError::Server)?;
    // The demo dir lives as long as the server; it is removed on exit.
    let mut _demo_dir = None;
    let config = if args.demo {
        let dir = tempfile::Builder::new().prefix("openclaw-auth-panel-demo-").tempdir().map_err(ServeError::Demo)?;
        let state_dir = dir.path().join(".openclaw");
        crate::demo::seed(&state_dir, panel_service::now_ms()).map_err(ServeError::Demo)?;
        let config = PanelConfig {
            location: StateLocation::in_dir(&state_dir),
            process_env: Default::default(),
            openclaw_version: args.state.openclaw_version.clone(),
            data_dir: None,
        };
        _demo_dir = Some(dir);
        config
    } else {
        panel_config(&args.state)
    };
    // The demo keeps its own data (password, certificate) in its temp dir unless told otherwise.
    let data_dir = match (&_demo_dir, &args.data.data_dir) {
        (Some(demo), None) => demo.path().join("panel-data"),
        _ => args.data.resolve(),
    };
    let token = crate::data_dir::monitoring_token(&data_dir)
        .map_err(|source| ServeError::DataDir { path: data_dir.clone(), source })?;

    // Bind first: with port 0 the real port is only known now, and it is part of the cookie name
    // and of the origin the guards accept.
    let descriptors = crate::listener::raise_descriptor_limit();
    let listener =
        std::net::TcpListener::bind(args.bind).map_err(|source| ServeError::Bind { addr: args.bind, source })?;
    let local = listener.local_addr().map_err(ServeError::Server)?;
    listener.set_nonblocking(true).map_err(ServeError::Server)?;

    let tls = match (&args.cert, &args.key) {
        (Some(cert), Some(key)) => Some(crate::tls::from_files(cert, key)?),
        _ if args.tls => Some(crate::tls::self_signed(&data_dir, &certificate_names(local, &args.allowed_hosts))?),
        _ => None,
    };
    let mut settings = crate::auth::AuthSettings::new(data_dir.clone(), tls.is_some(), local.port());
    settings.trusted_proxies = args.trusted_proxies.clone();
    let (auth, setup_token) = crate::auth::AuthService::start(settings)?;
    let plain_http_on_network = tls.is_none() && !local.ip().is_loopback();

    tracing::info!(
        state_dir = %config.location.state_dir.display(),
        config = %config.location.config_path.display(),
        demo = args.demo,
        "reading OpenClaw state"
    );
    let scheme = if tls.is_some() { "https" } else { "http" };
    let base = format!("{scheme}://{}", display_authority(local));
    // Where alerts link to, kept for the `alerts …` commands (cron has no flags of serve's).
    let link_base = args.public_url.clone().unwrap_or_else(|| base.clone());
    crate::private_fs::write_atomic(
        &data_dir.join(crate::data_dir::PUBLIC_URL_FILE),
        format!("{link_base}\n").as_bytes(),
    )
    .map_err(|source| ServeError::DataDir { path: data_dir.clone(), source })?;
    eprintln!("openclaw-auth-panel: serving on {base}/");
    if let Some(tls) = &tls {
        eprintln!("openclaw-auth-panel: certificate {}", tls.origin);
        eprintln!("openclaw-auth-panel: certificate SHA-256 fingerprint {}", tls.fingerprint);
    }
    if plain_http_on_network {
        eprintln!(
            "openclaw-auth-panel: WARNING: plain HTTP on a network address: the password, the session cookie and \
             pasted keys cross the network unencrypted. Restart with --tls."
        );
    }
    match &setup_token {
        Some(token) => {
            use secrecy::ExposeSecret;
            let url = format!("{base}/setup#token={}", token.expose_secret());
            let minutes = crate::auth::setup_window::SETUP_VALIDITY.as_secs() / 60;
            let mut notice = format!(
                "No admin password is set. Open this URL within {minutes} minutes to create it (valid once):\n  {url}\n"
            );
            if let Some(tls) = &tls {
                notice.push_str(&format!("Certificate SHA-256 fingerprint: {}\n", tls.fingerprint));
            }
            crate::private_fs::write_atomic(&auth.setup_url_file(), notice.as_bytes())
                .map_err(|source| ServeError::DataDir { path: data_dir.clone(), source })?;
            eprintln!("openclaw-auth-panel: {}", notice.trim_end().replace('\n', "\nopenclaw-auth-panel: "));
            eprintln!("openclaw-auth-panel: (also written to {}, mode 0600)", auth.setup_url_file().display());
        }
        None => eprintln!("openclaw-auth-panel: log in at {base}/login"),
    }
    eprintln!(
        "openclaw-auth-panel: monitoring at /metrics and /monitoring/status.json with `Authorization: Bearer $(cat {})`",
        data_dir.join(crate::data_dir::MONITORING_TOKEN_FILE).display()
    );

    let service = PanelService::with_openclaw(
        PanelConfig { data_dir: Some(data_dir.clone()), ..config },
        args.openclaw_bin.clone(),
        std::time::Duration::from_secs(args.openclaw_timeout),
    )
    .with_probe_limits(panel_probe::Limits {
        // A page's run of checks has 25 s in all (under the 30 s request limit).
        deadline: std::time::Duration::from_secs(args.probe_timeout.clamp(1, 25)),
        ..Default::default()
    })
    .with_alerts(panel_service::alerts::AlertSettings {
        interval: std::time::Duration::from_secs(args.alert_interval.max(1) * 60),
        window_ms: i64::try_from(args.alert_window.max(1)).unwrap_or(60).saturating_mul(60_000),
        links: panel_alerts::Links::new(link_base),
        ..Default::default()
    });
    let guard = crate::guard::GuardPolicy::for_bind(local, tls.is_some(), &args.allowed_hosts);
    if args.alert_interval > 0 {
        runtime.spawn(service.clone().run_alert_monitor());
    }
    let router = crate::http::router(crate::http::PanelApp {
        service,
        options: crate::http::site_options(local),
        assets,
        monitoring_token: token,
        guard,
        auth,
        site: app::session::SiteInfo { plain_http_on_network },
    });
    let tls = tls.as_ref().map(crate::tls::TlsMaterial::server_config).transpose()?;
    let mut limits = crate::listener::ConnectionLimits::for_descriptors(descriptors);
    limits.exempt = args.trusted_proxies.clone();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener).map_err(ServeError::Server)?;
        // Under systemd (`Type=notify`): ready now that the socket listens and the router is
        // built; "stopping" once SIGTERM arrives, while in-flight requests drain. Without
        // NOTIFY_SOCKET both are no-ops.
        notify(&[sd_notify::NotifyState::Ready, sd_notify::NotifyState::Status(&format!("serving on {base}/"))]);
        let shutdown = async {
            signal.await;
            tracing::info!("stopping: finishing the requests in flight (at most 5 s)");
            notify(&[sd_notify::NotifyState::Stopping]);
        };
        crate::listener::serve(listener, tls, router, limits, shutdown).await;
        Ok(())
    })
}

/// Tells systemd the service's state; a failure is logged, never fatal (the panel still serves).
fn notify(state: &[sd_notify::NotifyState<'_>]) {
    if let Err(e) = sd_notify::notify(false, state) {
        tracing::warn!(error = %e, "cannot notify systemd");
    }
}

/// `127.0.0.1:18785`, `[::1]:18785`; an unspecified bind address is shown as loopback (the
/// LAN address works too).
fn display_authority(addr: SocketAddr) -> String {
    let ip = if addr.ip().is_unspecified() {
        match addr {
            SocketAddr::V4(_) => "127.0.0.1".parse().expect("literal"),
            SocketAddr::V6(_) => "::1".parse().expect("literal"),
        }
    } else {
        addr.ip()
    };
    SocketAddr::new(ip, addr.port()).to_string()
}

/// The names a self-signed certificate is made for: loopback, the bind address, --allowed-host.
fn certificate_names(bind: SocketAddr, allowed_hosts: &[String]) -> Vec<String> {
    let mut names = vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()];
    if !bind.ip().is_unspecified() && !bind.ip().is_loopback() {
        names.push(bind.ip().to_string());
    }
    for host in allowed_hosts {
        let host = host.trim().trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        if !host.is_empty() && !names.contains(&host) {
            names.push(host);
        }
    }
    names
}

/// SIGTERM (systemd's stop) or SIGINT (Ctrl-C), caught from the moment this is called: the
/// handlers are installed here, before readiness is announced, so a stop that comes right after
/// the start is still a clean one (the async part only waits).
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {},
            _ = interrupt.recv() => {},
        }
    })
}
