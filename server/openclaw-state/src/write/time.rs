//! Timestamps as OpenClaw writes them: `new Date().toISOString()` (UTC, milliseconds, `Z`).

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

/// `2026-11-26T03:17:09.025Z` for epoch milliseconds.
pub fn iso_millis(ms: i64) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00.000Z".to_owned())
}

/// Epoch milliseconds of an RFC 3339 / ISO timestamp (what `Date.parse` accepts from OpenClaw).
pub fn parse_iso_millis(text: &str) -> Option<i64> {
    let t = OffsetDateTime::parse(text.trim(), &Rfc3339).ok()?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

/// Now, in epoch milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_round_trip() {
        assert_eq!(iso_millis(1_764_127_029_025), "2025-11-26T03:17:09.025Z");
        assert_eq!(parse_iso_millis("2025-11-26T03:17:09.025Z"), Some(1_764_127_029_025));
        assert_eq!(parse_iso_millis("nonsense"), None);
    }
}
