//! The one parser for a pasted token's expiry, shared by the CLI (`--expires-in`) and the page's
//! form, so both accept the same texts and refuse them with the same sentences.
//!
//! Accepted: a duration as OpenClaw's `parseDurationMs` reads it (`365d`, `12h`, `1h30m`, a bare
//! number is days; zero means no expiry, as OpenClaw), a date (`2027-01-31`: the end of that day,
//! UTC) or an RFC 3339 time. Invariant: a date or time in the past, or one that does not exist,
//! is refused with a sentence saying what to give; it never becomes an already-expired token.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::normalize::{InputError, parse_duration_ms};

/// When a pasted token expires, as the admin gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// This many milliseconds after the write (a duration).
    After { ms: i64 },
    /// At this moment (epoch milliseconds; a date or time).
    At { ms: i64 },
}

impl Expiry {
    /// Parses the form's or the CLI's text; blank is `None` (no expiry). `now_ms` is only used to
    /// refuse a moment in the past.
    pub fn parse(text: Option<&str>, now_ms: i64) -> Result<Option<Expiry>, InputError> {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(None) };
        let bytes = text.as_bytes();
        let looks_like_date = bytes.len() >= 10 && bytes[4] == b'-' && bytes[7] == b'-';
        if !looks_like_date {
            let ms = parse_duration_ms(text)?;
            return Ok((ms > 0).then_some(Expiry::After { ms }));
        }
        let bad = || InputError::BadExpiry(text.to_owned());
        let at_ms = if text.len() == 10 {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            let date = time::Date::parse(text, &format).map_err(|_| bad())?;
            let end_of_day = date.with_hms(23, 59, 59).map_err(|_| bad())?.assume_utc();
            millis(end_of_day).ok_or_else(bad)?
        } else {
            millis(OffsetDateTime::parse(text, &Rfc3339).map_err(|_| bad())?).ok_or_else(bad)?
        };
        if at_ms <= now_ms {
            return Err(InputError::PastExpiry(text.to_owned()));
        }
        Ok(Some(Expiry::At { ms: at_ms }))
    }

    /// The `expires` to store (epoch ms) for a write at `now_ms`.
    pub fn at(self, now_ms: i64) -> i64 {
        match self {
            Expiry::After { ms } => now_ms.saturating_add(ms),
            Expiry::At { ms } => ms,
        }
    }
}

fn millis(t: OffsetDateTime) -> Option<i64> {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_790_000_000_000; // 2026-09-21

    fn parse(text: &str) -> Result<Option<Expiry>, InputError> {
        Expiry::parse(Some(text), NOW)
    }

    #[test]
    fn durations_are_openclaws_with_days_by_default() {
        assert_eq!(Expiry::parse(None, NOW).unwrap(), None);
        assert_eq!(parse("  ").unwrap(), None);
        assert_eq!(parse("365d").unwrap(), Some(Expiry::After { ms: 365 * 86_400_000 }));
        assert_eq!(parse("12h").unwrap(), Some(Expiry::After { ms: 12 * 3_600_000 }));
        assert_eq!(parse("1h30m").unwrap(), Some(Expiry::After { ms: 5_400_000 }));
        assert_eq!(parse("30").unwrap(), Some(Expiry::After { ms: 30 * 86_400_000 }));
        assert_eq!(parse("0").unwrap(), None, "zero: no expiry, as OpenClaw");
        assert_eq!(parse("30d").unwrap().unwrap().at(NOW), NOW + 30 * 86_400_000);
        assert!(matches!(parse("soon"), Err(InputError::BadDuration(_))));
    }

    #[test]
    fn dates_end_at_the_end_of_the_day_utc_and_times_are_rfc3339() {
        let end_of_day = 1_790_294_399_000; // 2026-09-24T23:59:59Z
        assert_eq!(parse("2026-09-24").unwrap(), Some(Expiry::At { ms: end_of_day }));
        assert_eq!(parse("2026-09-22T00:00:00Z").unwrap(), Some(Expiry::At { ms: 1_790_035_200_000 }));
        assert_eq!(parse("2026-09-22T02:00:00+02:00").unwrap(), Some(Expiry::At { ms: 1_790_035_200_000 }));
        assert_eq!(parse("2026-09-24").unwrap().unwrap().at(0), end_of_day, "a date does not move with now");
    }

    #[test]
    fn past_or_impossible_dates_say_what_to_give() {
        let past = parse("2020-01-01").unwrap_err().to_string();
        assert!(past.contains("in the past"), "{past}");
        for impossible in ["2026-13-40", "2027-02-30", "2027-01-31T25:00:00Z", "2027-01-31 noon"] {
            let bad = parse(impossible).unwrap_err().to_string();
            assert!(bad.contains("2027-01-31") && bad.contains("30d"), "{impossible}: {bad}");
        }
    }
}
