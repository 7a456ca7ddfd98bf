//! Unix times as text, in UTC, for what the CLI words itself (signed files):
//! the header's TIMESTAMP, a file's modification time. itl-core's renderers
//! have their own.
//!
//! The calendar arithmetic is the `time` crate's (already used by `x509-parser`).
//! A time outside the years −9999 to 9999, which neither a u32 TIMESTAMP nor an
//! X.509 validity can express, is printed as `Unix time N` instead.

use time::OffsetDateTime;
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;

/// Formats `ts` with `description`, or says the number if it is out of range.
fn format(ts: i64, description: &[BorrowedFormatItem<'_>]) -> String {
    OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| t.format(description).ok())
        .unwrap_or_else(|| format!("Unix time {ts}"))
}

/// Date and time: `2012-07-01 00:00:00 UTC`.
pub fn date_time(ts: i64) -> String {
    format(
        ts,
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC"),
    )
}

/// As CUCM's `show itl` prints a modification time (the `date` command's format):
/// `Sun Jul 01 00:00:00 UTC 2012`.
pub fn cucm(ts: i64) -> String {
    format(
        ts,
        format_description!(
            "[weekday repr:short] [month repr:short] [day] [hour]:[minute]:[second] UTC [year padding:none]"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(date_time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(cucm(0), "Thu Jan 01 00:00:00 UTC 1970");
        // The replica's timestamp; `date -u -d @1341100800`.
        assert_eq!(cucm(1_341_100_800), "Sun Jul 01 00:00:00 UTC 2012");
        assert_eq!(date_time(1_341_100_800), "2012-07-01 00:00:00 UTC");
        // The real CTL's timestamp (docs/FORMAT.md §7.1).
        assert_eq!(date_time(1_430_968_247), "2015-05-07 03:10:47 UTC");
        assert_eq!(date_time(1_956_528_000), "2032-01-01 00:00:00 UTC");
        assert_eq!(date_time(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(date_time(-1), "1969-12-31 23:59:59 UTC");
        assert_eq!(cucm(4_102_444_800), "Fri Jan 01 00:00:00 UTC 2100");
        // The largest u32 TIMESTAMP; `date -u -d @4294967295`.
        assert_eq!(cucm(i64::from(u32::MAX)), "Sun Feb 07 06:28:15 UTC 2106");
    }

    #[test]
    fn certificate_extremes() {
        // X.509 GeneralizedTime 00010101000000Z.
        assert_eq!(cucm(-62_135_596_800), "Mon Jan 01 00:00:00 UTC 1");
    }

    #[test]
    fn out_of_range_says_the_number() {
        assert_eq!(date_time(i64::MIN), format!("Unix time {}", i64::MIN));
        assert_eq!(cucm(i64::MAX), format!("Unix time {}", i64::MAX));
    }
}
