//! Unix times as text for the few messages the library words itself
//! (certificate validity in check details). The CLI formats every other date.
//!
//! The calendar arithmetic is the `time` crate's (already used by `x509-parser`).
//! A time outside the years −9999 to 9999 is printed as `Unix time N`.

use time::OffsetDateTime;
use time::macros::format_description;

/// Date and time: `2012-07-01 00:00:00 UTC`.
pub(crate) fn date_time(ts: i64) -> String {
    OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| {
            t.format(format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| format!("Unix time {ts}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(date_time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(date_time(1_430_968_247), "2015-05-07 03:10:47 UTC");
        assert_eq!(date_time(-1), "1969-12-31 23:59:59 UTC");
        assert_eq!(date_time(i64::MIN), format!("Unix time {}", i64::MIN));
    }
}
