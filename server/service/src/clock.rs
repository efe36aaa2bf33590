//! Timestamps for the page: epoch milliseconds to `2026-11-26 14:05 UTC`.

use time::OffsetDateTime;
use time::macros::format_description;

/// Now, in epoch milliseconds.
pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Formats epoch ms as a UTC date and minute; out-of-range values are shown as the raw number.
pub fn format_utc(ms: i64) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| format!("{ms} ms"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats() {
        assert_eq!(super::format_utc(1_798_761_600_000), "2027-01-01 00:00 UTC");
        assert_eq!(super::format_utc(i64::MAX), format!("{} ms", i64::MAX));
    }
}
