//! Unix times as text, in UTC, without a date-time dependency.

/// A broken-down UTC time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    /// Year (proleptic Gregorian).
    pub year: i64,
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month, 1–31.
    pub day: u32,
    /// Hour, 0–23.
    pub hour: u32,
    /// Minute, 0–59.
    pub minute: u32,
    /// Second, 0–59.
    pub second: u32,
    /// Day of the week, 0 = Sunday.
    pub weekday: u32,
}

/// Splits a Unix time (seconds, may be negative) into a UTC date and time.
pub fn civil(ts: i64) -> Civil {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let small = |v: i64| u32::try_from(v).unwrap_or(0);
    Civil {
        year,
        month: small(month),
        day: small(day),
        hour: small(secs / 3600),
        minute: small(secs % 3600 / 60),
        second: small(secs % 60),
        // 1970-01-01 was a Thursday.
        weekday: small((days + 4).rem_euclid(7)),
    }
}

/// `2032-01-01`.
pub fn date(ts: i64) -> String {
    let c = civil(ts);
    format!("{:04}-{:02}-{:02}", c.year, c.month, c.day)
}

/// `2012-07-01 00:00:00 UTC`.
pub fn date_time(ts: i64) -> String {
    let c = civil(ts);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// RFC 3339, `2012-07-01T00:00:00Z` (for JSON).
pub fn rfc3339(ts: i64) -> String {
    let c = civil(ts);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// As CUCM's `show itl` prints a modification time (the `date` command's format):
/// `Sun Jul 01 00:00:00 UTC 2012`.
pub fn cucm(ts: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let c = civil(ts);
    let wd = DAYS.get(c.weekday as usize).copied().unwrap_or("???");
    let mon = MONTHS
        .get((c.month as usize).wrapping_sub(1))
        .copied()
        .unwrap_or("???");
    format!(
        "{wd} {mon} {:02} {:02}:{:02}:{:02} UTC {}",
        c.day, c.hour, c.minute, c.second, c.year
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
        // The real CTL's timestamp (docs/FORMAT.md §7.1).
        assert_eq!(date_time(1_430_968_247), "2015-05-07 03:10:47 UTC");
        assert_eq!(rfc3339(1_956_528_000), "2032-01-01T00:00:00Z");
        assert_eq!(date(951_782_400), "2000-02-29");
        assert_eq!(date(-86_400), "1969-12-31");
        assert_eq!(cucm(4_102_444_800), "Fri Jan 01 00:00:00 UTC 2100");
    }
}
