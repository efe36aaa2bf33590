//! `openclaw-auth-panel`: the web panel and its command line.

use panel_server::{
    alerts_cmd, auth_cmd, cli, demo, doctor_cmd, gateway_cmd, password_cmd, probe_cmd, serve, service_cmd, status_cmd,
};

use std::process::ExitCode;

// The status report allocates many small strings; mimalloc halves the time glibc's malloc takes.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    panel_server::logging::init();
    match cli.command {
        cli::Command::Serve(args) => serve::run(args),
        cli::Command::Status(args) => status_cmd::run(args),
        cli::Command::Doctor(args) => doctor_cmd::run(args),
        cli::Command::Gateway(args) => match args.command {
            cli::GatewayCommand::Status(args) => gateway_cmd::status(args),
            cli::GatewayCommand::Apply(args) => gateway_cmd::apply(args),
            cli::GatewayCommand::Restart(args) => gateway_cmd::restart(args),
        },
        cli::Command::Probe(args) => probe_cmd::run(args),
        cli::Command::Alerts(args) => alerts_cmd::run(args.command),
        cli::Command::Auth(args) => auth_cmd::run_auth(args.command),
        cli::Command::Env(args) => auth_cmd::run_env(args.command),
        cli::Command::Service(args) => match args.command {
            cli::ServiceCommand::Install(args) => service_cmd::install(args),
            cli::ServiceCommand::Uninstall(args) => service_cmd::uninstall(args),
            cli::ServiceCommand::Status(args) => service_cmd::status(args),
            cli::ServiceCommand::Unit { exec } => service_cmd::print_unit(&exec),
        },
        cli::Command::Generate { what, dir } => service_cmd::generate(what, &dir),
        cli::Command::ResetPassword(args) => password_cmd::run(&args.data.resolve()),
        cli::Command::SeedDemo { state_dir } => {
            let not_empty = std::fs::read_dir(&state_dir).map(|mut d| d.next().is_some()).unwrap_or(false);
            if not_empty {
                eprintln!("openclaw-auth-panel: {} is not empty; give a new directory", state_dir.display());
                return ExitCode::from(2);
            }
            match demo::seed(&state_dir, panel_service::now_ms()) {
                Ok(()) => {
                    println!("{}", state_dir.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("openclaw-auth-panel: cannot write the demo state: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
