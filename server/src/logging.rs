//! Where the log goes and how it looks. Every command logs to stderr, filtered by
//! `OPENCLAW_PANEL_LOG` (`RUST_LOG` syntax, default `info`), in one of three styles:
//! - **journal**: stderr is the journal's stream (systemd sets `JOURNAL_STREAM` to its device and
//!   inode): each record is one line prefixed with its syslog priority (`<3>` error, `<4>` warning,
//!   `<6>` info, `<7>` debug; sd-daemon(3)), with no time stamp (the journal adds its own) and no
//!   colour;
//! - **terminal**: stderr is a terminal and `NO_COLOR` is unset: coloured, with time stamps;
//! - **plain**: anything else (a file, a pipe, a log collector): the same lines without colour.
//!
//! Invariant: no escape code is written unless stderr is a terminal.

use std::io::IsTerminal;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::{DefaultFields, Format, Full, Writer};
use tracing_subscriber::fmt::{FmtContext, FormatEvent};
use tracing_subscriber::registry::LookupSpan;

/// How the log is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogStyle {
    Journal,
    Terminal,
    Plain,
}

impl LogStyle {
    /// The style for this process's stderr.
    pub fn for_stderr() -> Self {
        let journal = std::env::var("JOURNAL_STREAM").ok();
        if journal.as_deref().and_then(parse_journal_stream).is_some_and(|id| stderr_id() == Some(id)) {
            LogStyle::Journal
        } else if std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) {
            LogStyle::Terminal
        } else {
            LogStyle::Plain
        }
    }
}

/// `JOURNAL_STREAM=<device>:<inode>` (both decimal), as systemd.exec(5) sets it.
fn parse_journal_stream(value: &str) -> Option<(u64, u64)> {
    let (dev, ino) = value.trim().split_once(':')?;
    Some((dev.parse().ok()?, ino.parse().ok()?))
}

/// The device and inode of stderr.
fn stderr_id() -> Option<(u64, u64)> {
    let stat = rustix::fs::fstat(std::io::stderr()).ok()?;
    Some((stat.st_dev, stat.st_ino))
}

/// Installs the global subscriber. Called once, first thing in `main`.
pub fn init() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("OPENCLAW_PANEL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match LogStyle::for_stderr() {
        LogStyle::Terminal => builder.with_ansi(true).init(),
        LogStyle::Plain => builder.with_ansi(false).init(),
        LogStyle::Journal => builder
            .with_ansi(false)
            .event_format(JournalFormat(Format::default().without_time().with_level(false)))
            .init(),
    }
}

/// The journal's line format: the syslog priority, then the record without time or level.
struct JournalFormat(Format<Full, ()>);

fn priority(level: &Level) -> u8 {
    match *level {
        Level::ERROR => 3,
        Level::WARN => 4,
        Level::INFO => 6,
        _ => 7,
    }
}

impl<S> FormatEvent<S, DefaultFields> for JournalFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, DefaultFields>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        // Through a buffer: the journal makes one entry per line, so a multi-line message gets
        // the priority on each of its lines.
        let mut line = String::new();
        self.0.format_event(ctx, Writer::new(&mut line), event)?;
        let p = priority(event.metadata().level());
        let body = line.trim_end_matches('\n').replace('\n', &format!("\n<{p}>"));
        writeln!(writer, "<{p}>{body}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_journal_stream_variable_is_device_colon_inode() {
        assert_eq!(parse_journal_stream("8:1234"), Some((8, 1234)));
        assert_eq!(parse_journal_stream(" 64769:99\n"), Some((64769, 99)));
        assert_eq!(parse_journal_stream("8"), None);
        assert_eq!(parse_journal_stream("a:b"), None);
    }

    #[test]
    fn levels_map_to_syslog_priorities() {
        assert_eq!(
            [&Level::ERROR, &Level::WARN, &Level::INFO, &Level::DEBUG, &Level::TRACE].map(priority),
            [3, 4, 6, 7, 7]
        );
    }
}
