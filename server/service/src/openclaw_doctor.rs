//! Runs the real `openclaw doctor`, read-only, and turns its output into findings the page can
//! show: `doctor --lint --json [--all]` where OpenClaw has it (2026.5+; `--all` from 2026.9, where
//! the auth and file-permission checks run only with it), else `doctor --non-interactive` and its
//! titled text boxes (2026.3.x). Never `--fix`. One run at a time, with a timeout that kills the
//! whole process group; the last result is kept with its time.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Deserialize;

use panel_views::{LintFindingView, OpenClawDoctorView, OpenClawRunView, RunOutcomeView, TextSectionView};

/// What OpenClaw's doctor can do, by version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoctorMode {
    /// `doctor --lint --json --all` (2026.9+).
    LintAll,
    /// `doctor --lint --json` (2026.5 – 2026.8).
    Lint,
    /// `doctor --non-interactive`, text boxes (before 2026.5).
    Text,
}

impl DoctorMode {
    pub fn for_version(version: Option<(u32, u32)>) -> Self {
        match version {
            Some((y, m)) if (y, m) >= (2026, 9) => Self::LintAll,
            Some((y, m)) if (y, m) >= (2026, 5) => Self::Lint,
            Some(_) => Self::Text,
            // Unknown version: try the newest form; a refusal falls back (see `run_once`).
            None => Self::LintAll,
        }
    }

    pub fn args(self) -> &'static [&'static str] {
        match self {
            Self::LintAll => &["doctor", "--lint", "--json", "--all"],
            Self::Lint => &["doctor", "--lint", "--json"],
            Self::Text => &["doctor", "--non-interactive"],
        }
    }

    fn fallback(self) -> Option<Self> {
        match self {
            Self::LintAll => Some(Self::Lint),
            Self::Lint => Some(Self::Text),
            Self::Text => None,
        }
    }
}

/// `2026.9.6` out of `openclaw --version` output (`OpenClaw 2026.9.6 (abc123)` or bare).
pub fn parse_version(text: &str) -> Option<(String, (u32, u32))> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.')).find_map(|word| {
        let mut parts = word.split('.');
        let year: u32 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let _day: u32 = parts.next()?.parse().ok()?;
        (2000..3000).contains(&year).then(|| (word.to_owned(), (year, month)))
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LintReport {
    #[serde(default)]
    checks_run: Option<u32>,
    #[serde(default)]
    checks_skipped: Option<u32>,
    #[serde(default)]
    findings: Vec<LintFinding>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LintFinding {
    #[serde(default)]
    check_id: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    fix_hint: Option<String>,
}

/// The JSON object of `doctor --lint --json` (stdout may have log lines before it).
pub fn parse_lint(stdout: &str) -> Option<RunOutcomeView> {
    let start = stdout.find("{\"schemaVersion\"").or_else(|| stdout.find('{'))?;
    let report: LintReport = serde_json::Deserializer::from_str(&stdout[start..]).into_iter().next()?.ok()?;
    let mut findings: Vec<LintFindingView> = report
        .findings
        .into_iter()
        .map(|f| LintFindingView {
            check_id: f.check_id,
            severity: match f.severity.as_str() {
                "error" | "warning" | "info" => f.severity,
                _ => "info".to_owned(),
            },
            message: f.message,
            path: f.path.or(f.target),
            fix_hint: f.fix_hint,
        })
        .collect();
    let rank = |s: &str| match s {
        "error" => 0,
        "warning" => 1,
        _ => 2,
    };
    findings.sort_by_key(|f| rank(&f.severity));
    Some(RunOutcomeView::Lint {
        checks_run: report.checks_run.unwrap_or(0),
        checks_skipped: report.checks_skipped.unwrap_or(0),
        findings,
    })
}

/// The titled boxes of the full doctor's text output (clack: `◇  Title ──╮`, `│  line  │`,
/// `├──╯`): one section per box, bullet items joined with their wrapped continuation lines.
pub fn parse_sections(stdout: &str) -> Vec<TextSectionView> {
    let mut sections = Vec::new();
    let mut current: Option<TextSectionView> = None;
    for raw in stdout.lines() {
        let line = raw.trim_end();
        if let Some(rest) = line.strip_prefix('◇') {
            if let Some(done) = current.take() {
                sections.push(done);
            }
            let title = rest.trim_end_matches(['─', '╮', ' ']).trim().to_owned();
            current = Some(TextSectionView { title, items: Vec::new() });
            continue;
        }
        let Some(section) = current.as_mut() else { continue };
        if line.starts_with('├') || line.starts_with('└') {
            sections.push(current.take().expect("open section"));
            continue;
        }
        let Some(body) = line.strip_prefix('│') else { continue };
        let body = body.trim_end_matches('│');
        let text = body.trim();
        if text.is_empty() {
            continue;
        }
        // A wrapped line: indented past a bullet, or a sentence going on (no end mark before it,
        // lower case after it).
        let indent = body.len() - body.trim_start().len();
        let sentence_goes_on = section.items.last().is_some_and(|l: &String| !l.ends_with(['.', ':', '!', '?']))
            && text.starts_with(|c: char| c.is_lowercase());
        let continues = indent > 2 || (!text.starts_with("- ") && sentence_goes_on);
        match section.items.last_mut() {
            Some(last) if continues => {
                last.push(' ');
                last.push_str(text);
            }
            _ => section.items.push(text.to_owned()),
        }
    }
    if let Some(done) = current {
        sections.push(done);
    }
    sections
}

/// Where to find `openclaw`: the configured path, else the first on `PATH`.
pub fn find_binary(configured: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(path) = configured {
        return if path.is_file() {
            Ok(path.to_owned())
        } else {
            Err(format!("--openclaw-bin {} does not exist; give the path of the openclaw command", path.display()))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    path_candidates(&path, "openclaw").find(|p| p.is_file()).ok_or_else(|| {
        "OpenClaw is not installed here (no `openclaw` on PATH). Install it (`npm install -g openclaw`) or start the \
         panel with --openclaw-bin /path/to/openclaw."
            .to_owned()
    })
}

/// Where `name` may be on `path`, in order. Empty and relative entries are skipped: they mean the
/// working directory, which another user may be able to write (a planted `./openclaw` would run
/// as the panel's user with the state dir in its environment).
fn path_candidates<'a>(path: &'a std::ffi::OsStr, name: &'a str) -> impl Iterator<Item = PathBuf> + 'a {
    std::env::split_paths(path).filter(|dir| dir.is_absolute()).map(move |dir| dir.join(name))
}

/// How the runner is set up.
#[derive(Debug, Clone)]
pub struct RunnerConfig {
    pub binary: Option<PathBuf>,
    pub timeout: Duration,
    pub state_dir: PathBuf,
    pub config_path: PathBuf,
}

#[derive(Debug, Default)]
struct RunnerState {
    running_since: Option<(Instant, String)>,
    last: Option<OpenClawRunView>,
}

/// One runner per panel: runs one doctor at a time and keeps the last result.
#[derive(Debug, Clone)]
pub struct DoctorRunner {
    config: RunnerConfig,
    state: Arc<Mutex<RunnerState>>,
}

/// Output kept for the page's "raw output" view.
const RAW_LIMIT: usize = 256 * 1024;

struct Finished {
    status: Option<i32>,
    stdout: String,
    stderr: String,
    timed_out: bool,
}

async fn run_command(
    binary: &Path,
    args: &[&str],
    config: &RunnerConfig,
    timeout: Duration,
) -> std::io::Result<Finished> {
    let mut command = tokio::process::Command::new(binary);
    command
        .args(args)
        .env("OPENCLAW_STATE_DIR", &config.state_dir)
        .env("OPENCLAW_CONFIG_PATH", &config.config_path)
        .env("NO_COLOR", "1")
        .env("CI", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    command.process_group(0);
    let mut child = command.spawn()?;
    let pid = child.id();
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let output = async move {
        let (stdout, stderr) = tokio::try_join!(read_capped(stdout), read_capped(stderr))?;
        let status = child.wait().await?;
        Ok::<_, std::io::Error>((status, stdout, stderr))
    };
    match tokio::time::timeout(timeout, output).await {
        Ok(result) => {
            let (status, stdout, stderr) = result?;
            Ok(Finished {
                status: status.code(),
                stdout: String::from_utf8_lossy(&stdout).into_owned(),
                stderr: String::from_utf8_lossy(&stderr).into_owned(),
                timed_out: false,
            })
        }
        Err(_) => {
            // The whole group: node's helpers, or a wrapper script's children.
            #[cfg(unix)]
            if let Some(pid) = pid.and_then(|p| rustix::process::Pid::from_raw(p as i32)) {
                let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
            }
            Ok(Finished { status: None, stdout: String::new(), stderr: String::new(), timed_out: true })
        }
    }
}

/// The most kept of each of OpenClaw's output streams: a doctor that prints without end is read to
/// its end (so it is not blocked on a full pipe) but only this much is held in memory.
const READ_LIMIT: u64 = 4 * 1024 * 1024;

async fn read_capped(pipe: Option<impl tokio::io::AsyncRead + Unpin>) -> std::io::Result<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let Some(mut pipe) = pipe else { return Ok(Vec::new()) };
    let mut kept = Vec::new();
    (&mut pipe).take(READ_LIMIT).read_to_end(&mut kept).await?;
    tokio::io::copy(&mut pipe, &mut tokio::io::sink()).await?;
    Ok(kept)
}

fn clip(mut text: String) -> String {
    if text.len() > RAW_LIMIT {
        let mut cut = RAW_LIMIT;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str("\n… (cut)");
    }
    text
}

impl DoctorRunner {
    pub fn new(config: RunnerConfig) -> Self {
        Self { config, state: Arc::new(Mutex::new(RunnerState::default())) }
    }

    /// Where things stand: not installed, idle, running (since when) or the last result.
    pub fn view(&self) -> OpenClawDoctorView {
        let binary = find_binary(self.config.binary.as_deref());
        let state = self.state.lock().expect("runner state");
        OpenClawDoctorView {
            binary: binary.as_ref().ok().map(|p| p.display().to_string()),
            not_installed: binary.err(),
            running_for_s: state.running_since.as_ref().map(|(t, _)| t.elapsed().as_secs()),
            running_command: state.running_since.as_ref().map(|(_, c)| c.clone()),
            timeout_s: self.config.timeout.as_secs(),
            last: state.last.clone(),
        }
    }

    /// Starts a run in the background; `false` when one is running already or OpenClaw is missing.
    /// `scrub` masks known secrets in what OpenClaw printed before it is kept.
    pub fn start(&self, scrub: impl Fn(String) -> String + Send + Sync + 'static) -> Result<bool, String> {
        let binary = find_binary(self.config.binary.as_deref())?;
        {
            let mut state = self.state.lock().expect("runner state");
            if state.running_since.is_some() {
                return Ok(false);
            }
            state.running_since = Some((Instant::now(), "openclaw --version".to_owned()));
        }
        let this = self.clone();
        tokio::spawn(async move {
            let result = this.run(&binary, &scrub).await;
            let mut state = this.state.lock().expect("runner state");
            state.running_since = None;
            state.last = Some(result);
        });
        Ok(true)
    }

    fn set_command(&self, command: String) {
        if let Some((_, c)) = self.state.lock().expect("runner state").running_since.as_mut() {
            *c = command;
        }
    }

    /// Runs it now and waits (the CLI, tests and the background task).
    pub async fn run(&self, binary: &Path, scrub: &(impl Fn(String) -> String + Send + Sync)) -> OpenClawRunView {
        let started = Instant::now();
        let started_at = super::clock::format_utc(super::now_ms());
        let deadline = self.config.timeout;
        let version_out =
            run_command(binary, &["--version"], &self.config, deadline.min(Duration::from_secs(30))).await;
        let (version, parsed) = match &version_out {
            Ok(f) if !f.timed_out => match parse_version(&f.stdout).or_else(|| parse_version(&f.stderr)) {
                Some((v, p)) => (Some(v), Some(p)),
                None => (None, None),
            },
            _ => (None, None),
        };
        let mut mode = DoctorMode::for_version(parsed);
        loop {
            let command = format!("openclaw {}", mode.args().join(" "));
            self.set_command(command.clone());
            let left = deadline.saturating_sub(started.elapsed());
            let finished = run_command(binary, mode.args(), &self.config, left).await;
            let took_ms = started.elapsed().as_millis() as u64;
            let view = |outcome, exit_code, raw: String| OpenClawRunView {
                version: version.clone(),
                command: command.clone(),
                started_at: started_at.clone(),
                took_ms,
                exit_code,
                outcome,
                raw_output: clip(scrub(raw)),
            };
            let f = match finished {
                Ok(f) => f,
                Err(e) => {
                    return view(
                        RunOutcomeView::Failed { message: format!("could not start {}: {e}", binary.display()) },
                        None,
                        String::new(),
                    );
                }
            };
            if f.timed_out {
                return view(RunOutcomeView::TimedOut { after_s: deadline.as_secs() }, None, String::new());
            }
            let raw = format!(
                "$ {command}\n{}{}{}",
                f.stdout,
                if f.stderr.is_empty() { "" } else { "\n--- stderr ---\n" },
                f.stderr
            );
            let outcome = match mode {
                DoctorMode::LintAll | DoctorMode::Lint => parse_lint(&scrub(f.stdout.clone())),
                DoctorMode::Text => {
                    let sections = parse_sections(&scrub(f.stdout.clone()));
                    (!sections.is_empty()).then_some(RunOutcomeView::Sections { sections })
                }
            };
            match (outcome, mode.fallback()) {
                (Some(outcome), _) => return view(outcome, f.status, raw),
                // An older OpenClaw refusing a flag: try the form before it.
                (None, Some(next)) if f.status != Some(0) => mode = next,
                (None, _) => {
                    let first =
                        f.stderr.lines().chain(f.stdout.lines()).find(|l| !l.trim().is_empty()).unwrap_or("no output");
                    return view(
                        RunOutcomeView::Failed {
                            message: format!(
                                "OpenClaw's doctor exited with {} and printed nothing the panel can read: {}",
                                f.status.map_or("a signal".to_owned(), |c| format!("code {c}")),
                                scrub(first.to_owned())
                            ),
                        },
                        f.status,
                        raw,
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_lookup_skips_empty_and_relative_entries() {
        let path = std::ffi::OsString::from(":.:bin:/usr/local/bin::./node_modules/.bin:/opt/openclaw/bin");
        let found: Vec<PathBuf> = path_candidates(&path, "openclaw").collect();
        assert_eq!(found, [PathBuf::from("/usr/local/bin/openclaw"), PathBuf::from("/opt/openclaw/bin/openclaw")]);
    }

    #[test]
    fn versions_choose_the_doctor_form() {
        assert_eq!(parse_version("OpenClaw 2026.9.6 (1c4198)"), Some(("2026.9.6".to_owned(), (2026, 9))));
        assert_eq!(parse_version("2026.3.31\n"), Some(("2026.3.31".to_owned(), (2026, 3))));
        assert_eq!(parse_version("node v26.0.0"), None);
        assert_eq!(DoctorMode::for_version(Some((2026, 9))), DoctorMode::LintAll);
        assert_eq!(DoctorMode::for_version(Some((2026, 5))), DoctorMode::Lint);
        assert_eq!(DoctorMode::for_version(Some((2026, 3))), DoctorMode::Text);
        assert_eq!(DoctorMode::LintAll.args(), ["doctor", "--lint", "--json", "--all"]);
        assert!(DoctorMode::Text.args().iter().all(|a| *a != "--fix" && *a != "--repair"));
    }

    #[test]
    fn lint_json_is_read_after_log_lines_and_sorted_worst_first() {
        let out = "[plugins] loaded\n{\"schemaVersion\":1,\"ok\":false,\"checksRun\":65,\"checksSkipped\":0,\"findings\":[\
            {\"checkId\":\"a/b\",\"severity\":\"warning\",\"message\":\"w\",\"path\":\"gateway.mode\",\"fixHint\":\"do\"},\
            {\"checkId\":\"c/d\",\"severity\":\"error\",\"message\":\"e\",\"target\":\"ws://x\"}]}\n";
        let Some(RunOutcomeView::Lint { checks_run, findings, .. }) = parse_lint(out) else { panic!() };
        assert_eq!(checks_run, 65);
        assert_eq!(findings[0].severity, "error");
        assert_eq!(findings[0].path.as_deref(), Some("ws://x"));
        assert_eq!(findings[1].fix_hint.as_deref(), Some("do"));
        assert!(parse_lint("error: unknown option '--lint'").is_none());
    }

    #[test]
    fn text_boxes_become_sections_with_joined_items() {
        let out = "┌  OpenClaw doctor\n│\n◇  Gateway auth ──╮\n│  Gateway auth is off. Token auth is now the  │\n│  recommended default.  │\n├──╯\n◇  State integrity ─────────╮\n│                            │\n\
            │  - State directory permissions are too open (~/.openclaw). Recommend  │\n\
            │    chmod 700.                                                         │\n\
            │  - CRITICAL: Session store dir missing  │\n│                            │\n├────────────╯\n│\n\
            ◇  Gateway ──╮\n│  gateway.mode is unset.  │\n│  Fix: run openclaw configure.  │\n├──╯\n└  Doctor complete.\n";
        let sections = parse_sections(out);
        assert_eq!(sections.len(), 3);
        assert_eq!(sections[0].items, ["Gateway auth is off. Token auth is now the recommended default."]);
        let sections = &sections[1..];
        assert_eq!(sections[0].title, "State integrity");
        assert_eq!(
            sections[0].items,
            [
                "- State directory permissions are too open (~/.openclaw). Recommend chmod 700.",
                "- CRITICAL: Session store dir missing"
            ]
        );
        assert_eq!(sections[1].items, ["gateway.mode is unset.", "Fix: run openclaw configure."]);
    }
}
