//! `doctor`: the native auth doctor on the command line. Exit codes as `status --check`: 1 when an
//! error is found, else 2 when a warning is, else 0 — so a monitor alerts on real breakage and
//! not on every notice (OpenClaw's `doctor --lint` exits 1 on any warning).

use std::io::Write;
use std::process::ExitCode;

use openclaw_state::doctor::{CHECKS, DoctorReport, Finding};
use openclaw_state::read_state;
use openclaw_state::snapshot::ReadOptions;

use crate::cli::DoctorArgs;

pub fn run(args: DoctorArgs) -> ExitCode {
    let mut out = std::io::stdout().lock();
    if args.list {
        let written = if args.json {
            serde_json::to_writer_pretty(&mut out, CHECKS).map_err(std::io::Error::from).and_then(|()| writeln!(out))
        } else {
            CHECKS.iter().try_for_each(|c| writeln!(out, "{:<8} {:<36} {}", c.severity.as_str(), c.id, c.looks_for))
        };
        return finish(written, 0);
    }
    let config = crate::serve::panel_config(&args.state);
    let options = ReadOptions {
        process_env: config.process_env.clone(),
        now_ms: panel_service::now_ms(),
        openclaw_version: config.openclaw_version.clone(),
    };
    let snapshot = read_state(&config.location, &options);
    let report = openclaw_state::doctor::run(&snapshot);
    // Buffered: pretty JSON of a large install is thousands of lines, a `write` each otherwise.
    let mut out = std::io::BufWriter::new(out);
    let written = if args.json {
        serde_json::to_writer_pretty(&mut out, &report).map_err(std::io::Error::from).and_then(|()| writeln!(out))
    } else {
        write_text(&mut out, &report, &snapshot.location)
    };
    finish(written.and_then(|()| out.flush()), report.exit_code)
}

fn finish(written: std::io::Result<()>, code: u8) -> ExitCode {
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("openclaw-auth-panel: {e}");
    }
    ExitCode::from(code)
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn write_text(out: &mut impl Write, r: &DoctorReport, location: &openclaw_state::StateLocation) -> std::io::Result<()> {
    writeln!(
        out,
        "Auth doctor for {}: {} checks, {}, {}, {}",
        r.state_dir,
        r.checks_run,
        plural(r.errors, "error"),
        plural(r.warnings, "warning"),
        plural(r.infos, "notice")
    )?;
    if r.findings.is_empty() {
        writeln!(out, "Nothing found: every credential, order, config entry and file looks right.")?;
    }
    for f in &r.findings {
        writeln!(out)?;
        write_finding(out, f, location)?;
    }
    Ok(())
}

fn write_finding(out: &mut impl Write, f: &Finding, location: &openclaw_state::StateLocation) -> std::io::Result<()> {
    let subject = match (&f.profile_id, &f.agent) {
        (Some(p), Some(a)) => format!("  {p} (agent {a})"),
        (Some(p), None) => format!("  {p}"),
        (None, Some(a)) => format!("  agent {a}"),
        (None, None) => String::new(),
    };
    writeln!(out, "{:<8} {}{subject}", f.severity.as_str(), f.check)?;
    writeln!(out, "         {}", f.message)?;
    writeln!(out, "         at {}", f.path)?;
    writeln!(out, "         what to do: {}", f.fix_hint)?;
    if let Some(fix) = &f.fix {
        writeln!(out, "         the panel's Doctor page can: {}", fix.describe(location))?;
    }
    Ok(())
}
