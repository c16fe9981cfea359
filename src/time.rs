//! Timestamp parsing for every form seen in real exports (reference/FORMATS.md).
//!
//! RFC 3339 with any fraction and offset is the native form. Other forms are accepted
//! and reported as non-standard so the caller can keep the original text
//! (`time_raw`); a value that names no real instant is an error, never a guess.
//!
//! **Accepted range** ([`MIN_MICROS`]..=[`MAX_MICROS`]): 1970-01-01T00:00:00Z up to
//! 2199-12-31T23:59:59.999999Z. Anything outside is an error naming the value. The lake
//! stores microseconds, but DataFusion and Arrow turn timestamps into nanoseconds in
//! places (casts, `date_trunc`, intervals), and an i64 of nanoseconds only reaches
//! 1677-09-21..2262-04-11: one event dated in the year 3000 used to make every
//! `analyze`/`score`/`report` of the lake fail. The range keeps 62 years of headroom
//! below 2262 for the day arithmetic of the analyses (as_of plus or minus N days), and
//! nothing an identity provider logged happened before 1970.
//!
//! **Epoch numbers** (JSON numbers, or strings of digits) carry no unit, so the unit is
//! told from the magnitude `|n|`; each band maps to 1973-03-03..5138-11-16 in its unit, so
//! the bands do not overlap over the accepted range:
//!
//! | `|n|` | unit |
//! |---|---|
//! | below 10^11 | seconds |
//! | 10^11 to below 10^14 | milliseconds (GitHub, Okta's `published` in some exports) |
//! | 10^14 to below 10^17 | microseconds |
//! | 10^17 and above | nanoseconds |
//!
//! The only ambiguity left is a millisecond value from the first 84 days of 1970 (read
//! as seconds, it lands inside the range); audit logs have no such events. Fractional
//! numbers are read in the same bands, keeping the fraction down to the microsecond.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::json::Value;

/// A parsed timestamp: microseconds since the epoch, and whether the text was RFC 3339.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed {
    pub micros: i64,
    pub rfc3339: bool,
}

/// Earliest accepted instant: 1970-01-01T00:00:00Z (see the module documentation).
pub const MIN_MICROS: i64 = 0;
/// Latest accepted instant: 2199-12-31T23:59:59.999999Z (2200-01-01 is 7,258,118,400
/// seconds after the epoch).
pub const MAX_MICROS: i64 = 7_258_118_400_000_000 - 1;
/// The accepted range in words, for messages.
pub const RANGE_TEXT: &str = "1970-01-01T00:00:00Z to 2199-12-31T23:59:59.999999Z";

/// `micros` when it is inside the accepted range, else an error saying that `what` is
/// outside it.
pub fn check_range(micros: i64, what: &str) -> Result<i64, String> {
    if (MIN_MICROS..=MAX_MICROS).contains(&micros) {
        Ok(micros)
    } else {
        Err(format!("{what} is outside the accepted range {RANGE_TEXT}"))
    }
}

/// Non-RFC 3339 text forms seen in exports, tried in order (all read as UTC).
const NAIVE_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f",  // Panther fixtures: `2025-01-15 14:20:35.456`
    "%Y-%m-%dT%H:%M:%S%.f",  // no zone
    "%Y-%m-%dT%H:%M:%S%.fZ", // one-digit hour and the like, in UTC
    "%m/%d/%Y %I:%M:%S %p",  // Entra UserRiskEvents: `3/24/2022 2:42:35 PM`
    "%m/%d/%Y %H:%M:%S",
];

/// Parse a timestamp string. Errors say what was wrong in words a user can act on.
pub fn parse_str(s: &str) -> Result<Parsed, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("empty timestamp".into());
    }
    let in_range = |micros: i64, rfc3339: bool| {
        check_range(micros, &format!("timestamp {t:?}")).map(|micros| Parsed { micros, rfc3339 })
    };
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return in_range(dt.with_timezone(&Utc).timestamp_micros(), true);
    }
    // RFC 3339 with a zone but a one-digit hour (`2023-10-26T5:32:08.107Z`) or other
    // small deviations: chrono's strftime parser is lenient on widths. An offset is
    // only ever read with its value: never dropped (see `offset_problem`).
    if let Ok(dt) = DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f%#z") {
        return in_range(dt.with_timezone(&Utc).timestamp_micros(), false);
    }
    for fmt in NAIVE_FORMATS {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, fmt) {
            return in_range(dt.and_utc().timestamp_micros(), false);
        }
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        return match t.parse::<i64>() {
            Ok(n) => parse_epoch(n),
            Err(_) => Err(format!(
                "epoch timestamp {t} is outside the accepted range {RANGE_TEXT}"
            )),
        };
    }
    if let Some(problem) = offset_problem(t) {
        return Err(problem);
    }
    // Say why: an impossible calendar date reads differently from garbage. `get` and not
    // indexing: the text may have a multi-byte character anywhere.
    let b = t.as_bytes();
    if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
        let y = t.get(0..4).and_then(|x| x.parse::<i32>().ok());
        let m = t.get(5..7).and_then(|x| x.parse::<u32>().ok());
        let d = t.get(8..10).and_then(|x| x.parse::<u32>().ok());
        if let (Some(y), Some(m), Some(d)) = (y, m, d) {
            if NaiveDate::from_ymd_opt(y, m, d).is_none() {
                return Err(format!("impossible calendar date in timestamp {t:?}"));
            }
        }
    }
    Err(format!("unreadable timestamp {t:?}"))
}

/// A date-time followed by an offset chrono refused: say whether the offset is out of
/// range (`+24:00`; offsets run from -23:59 to +23:59) or malformed (`+5`, `+05:0`).
fn offset_problem(t: &str) -> Option<String> {
    // The offset starts at the last sign after the date (whose own `-` are at 4 and 7).
    let (i, _) = t
        .char_indices()
        .rev()
        .find(|&(i, c)| i > 10 && (c == '+' || c == '-'))?;
    let (datetime, offset) = t.split_at(i);
    let readable = ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .any(|f| NaiveDateTime::parse_from_str(datetime, f).is_ok());
    if !readable {
        return None;
    }
    let (h, m) = match offset[1..].as_bytes() {
        &[h1, h2] => ([h1, h2], [b'0', b'0']),
        &[h1, h2, m1, m2] | &[h1, h2, b':', m1, m2] => ([h1, h2], [m1, m2]),
        _ => ([b'x', b'x'], [b'x', b'x']),
    };
    let number = |d: [u8; 2]| {
        d.iter()
            .all(u8::is_ascii_digit)
            .then(|| u32::from(d[0] - b'0') * 10 + u32::from(d[1] - b'0'))
    };
    if let (Some(hours), Some(minutes)) = (number(h), number(m)) {
        if hours > 23 || minutes > 59 {
            return Some(format!(
                "timestamp offset {offset} in {t:?} is outside -23:59 to +23:59"
            ));
        }
        return None;
    }
    Some(format!(
        "malformed timestamp offset {offset:?} in {t:?} (expected Z, +HH:MM or -HH:MM)"
    ))
}

/// The unit of an epoch number of magnitude `abs` (see the module documentation), as
/// its name and how many microseconds one unit is.
fn epoch_unit(abs: f64) -> (&'static str, f64) {
    if abs < 1e11 {
        ("seconds", 1e6)
    } else if abs < 1e14 {
        ("milliseconds", 1e3)
    } else if abs < 1e17 {
        ("microseconds", 1.0)
    } else {
        ("nanoseconds", 1e-3)
    }
}

/// Parse an epoch number, its unit told by its magnitude (module documentation).
pub fn parse_epoch(n: i64) -> Result<Parsed, String> {
    let abs = n.unsigned_abs();
    // Exact integer arithmetic; the bands keep every product far from overflow.
    let (unit, micros) = if abs < 100_000_000_000 {
        ("seconds", n * 1_000_000)
    } else if abs < 100_000_000_000_000 {
        ("milliseconds", n * 1_000)
    } else if abs < 100_000_000_000_000_000 {
        ("microseconds", n)
    } else {
        ("nanoseconds", n.div_euclid(1_000))
    };
    epoch_result(&n.to_string(), unit, micros)
}

/// Parse a fractional (or too large for i64) epoch number, in the same bands as
/// [`parse_epoch`], keeping the fraction to the microsecond.
pub fn parse_epoch_f64(f: f64) -> Result<Parsed, String> {
    if !f.is_finite() {
        return Err(format!("unreadable numeric timestamp {f}"));
    }
    let (unit, scale) = epoch_unit(f.abs());
    let micros = (f * scale).round();
    if !(MIN_MICROS as f64..=MAX_MICROS as f64).contains(&micros) {
        return Err(format!(
            "epoch timestamp {f} (read as {unit}) is outside the accepted range {RANGE_TEXT}"
        ));
    }
    epoch_result(&f.to_string(), unit, micros as i64)
}

fn epoch_result(text: &str, unit: &str, micros: i64) -> Result<Parsed, String> {
    check_range(
        micros,
        &format!(
            "epoch timestamp {text} (read as {unit}: {})",
            format_micros(micros)
        ),
    )
    .map(|micros| Parsed {
        micros,
        rfc3339: false,
    })
}

/// Parse a JSON value that holds a timestamp (string or number).
pub fn parse_json(v: &Value<'_>) -> Result<Parsed, String> {
    match v {
        Value::String(s) => parse_str(s),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => parse_epoch(i),
            (None, Some(f)) => parse_epoch_f64(f),
            (None, None) => Err(format!("unreadable numeric timestamp {n}")),
        },
        Value::Null => Err("null timestamp".into()),
        other => Err(format!("timestamp is not a string or number: {other}")),
    }
}

/// Format microseconds as RFC 3339 UTC (`2026-11-27T10:00:00.123456Z`).
pub fn format_micros(micros: i64) -> String {
    DateTime::<Utc>::from_timestamp_micros(micros)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
        .unwrap_or_else(|| micros.to_string())
}

/// `YYYY-MM-DD` of a day number since the epoch.
pub fn format_day(day: i32) -> String {
    date_of_day(day).format("%Y-%m-%d").to_string()
}

fn date_of_day(day: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch") + chrono::Duration::days(i64::from(day))
}

/// The UTC day (days since the epoch) of a time in microseconds.
pub fn day_of_micros(micros: i64) -> i32 {
    micros.div_euclid(86_400_000_000) as i32
}

/// The month of a day number, as months since year 0 (`year * 12 + month - 1`): the
/// key of the lake's `event_month` partitions.
pub fn month_of_day(day: i32) -> i32 {
    use chrono::Datelike;
    let d = date_of_day(day);
    d.year() * 12 + d.month0() as i32
}

/// `YYYY-MM` of a month key of [`month_of_day`] (years past 9999 get a `+`, as
/// [`format_day`]'s).
pub fn format_month(month: i32) -> String {
    let d = NaiveDate::from_ymd_opt(month.div_euclid(12), month.rem_euclid(12) as u32 + 1, 1)
        .expect("a month of a valid day");
    d.format("%Y-%m").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_of_days() {
        let day = |s: &str| day_of_micros(parse_str(s).unwrap().micros);
        assert_eq!(
            format_month(month_of_day(day("2026-11-30T23:59:59Z"))),
            "2026-11"
        );
        assert_eq!(
            format_month(month_of_day(day("2026-12-01T00:00:00Z"))),
            "2026-12"
        );
        assert_eq!(format_month(month_of_day(-1)), "1969-12");
        assert_eq!(month_of_day(day("2027-01-01T00:00:00Z")), 2027 * 12);
    }

    fn ok(s: &str) -> (String, bool) {
        let p = parse_str(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        (format_micros(p.micros), p.rfc3339)
    }

    #[test]
    fn reads_every_form_in_the_samples() {
        assert_eq!(
            ok("2020-02-14T22:18:51.843Z"),
            ("2020-02-14T22:18:51.843Z".into(), true)
        );
        assert_eq!(
            ok("2024-07-30T21:31:21Z"),
            ("2024-07-30T21:31:21Z".into(), true)
        );
        assert_eq!(
            ok("2024-01-01T10:00:00.1234567+00:00"),
            ("2024-01-01T10:00:00.123456Z".into(), true)
        );
        assert_eq!(ok("2024-01-01T12:00:00+02:00").0, "2024-01-01T10:00:00Z");
        assert_eq!(
            ok("2025-01-15 14:20:35.456"),
            ("2025-01-15T14:20:35.456Z".into(), false)
        );
        assert_eq!(
            ok("2025-01-15 14:20:35"),
            ("2025-01-15T14:20:35Z".into(), false)
        );
        assert_eq!(
            ok("2025-01-15 14:20:35.123456789").0,
            "2025-01-15T14:20:35.123456Z"
        );
        assert_eq!(
            ok("3/24/2022 2:42:35 PM"),
            ("2022-03-24T14:42:35Z".into(), false)
        );
        assert_eq!(
            ok("2023-10-26T5:32:08.107Z"),
            ("2023-10-26T05:32:08.107Z".into(), false)
        );
        assert_eq!(ok("1700000000000").0, "2023-11-14T22:13:20Z");
    }

    #[test]
    fn epoch_milliseconds_and_seconds() {
        assert_eq!(
            format_micros(parse_epoch(1_700_000_000_123).unwrap().micros),
            "2023-11-14T22:13:20.123Z"
        );
        assert_eq!(
            format_micros(parse_epoch(1_700_000_000).unwrap().micros),
            "2023-11-14T22:13:20Z"
        );
        assert!(parse_epoch(i64::MAX).is_err());
    }

    #[test]
    fn epoch_units_are_told_apart_by_magnitude() {
        let t = |n: i64| format_micros(parse_epoch(n).unwrap().micros);
        assert_eq!(t(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(t(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(t(1_700_000_000_123_456), "2023-11-14T22:13:20.123456Z");
        assert_eq!(t(1_700_000_000_123_456_789), "2023-11-14T22:13:20.123456Z");
        // Milliseconds before 2001 (below 10^12) are milliseconds, not seconds of the
        // year 32971.
        assert_eq!(t(978_307_200_000), "2001-01-01T00:00:00Z");
        assert_eq!(t(0), "1970-01-01T00:00:00Z");
        // Digit strings and JSON numbers, fractions kept.
        assert_eq!(ok("1700000000123456").0, "2023-11-14T22:13:20.123456Z");
        let f = |text: &str| {
            let v = crate::json::from_str(text).unwrap();
            parse_json(&v).map(|p| format_micros(p.micros))
        };
        assert_eq!(f("1700000000.25").unwrap(), "2023-11-14T22:13:20.250Z");
        assert_eq!(f("1.7e12").unwrap(), "2023-11-14T22:13:20Z");
        assert_eq!(f("1700000000123").unwrap(), "2023-11-14T22:13:20.123Z");
    }

    #[test]
    fn times_outside_1970_to_2199_are_errors_naming_the_value() {
        for text in [
            "3000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "1600-01-01T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999999Z",
            "2200-01-01T00:00:00Z",
            "2200-01-01 00:00:00",
            "1/1/2300 10:00:00",
        ] {
            let e = parse_str(text).unwrap_err();
            assert!(
                e.contains(text) && e.contains("outside the accepted range"),
                "{text}: {e}"
            );
        }
        assert_eq!(
            ok("2199-12-31T23:59:59.999999Z").0,
            "2199-12-31T23:59:59.999999Z"
        );
        assert_eq!(ok("1970-01-01T00:00:00Z").0, "1970-01-01T00:00:00Z");
        // Epochs: seconds of the year 3000, milliseconds of the year 32971, negative
        // ones, and the extremes of i64 and of floats.
        for n in [
            32_503_680_000,
            9_000_000_000_000_000_000,
            -1,
            -1_700_000_000_000,
            i64::MIN,
            i64::MAX,
        ] {
            let e = parse_epoch(n).unwrap_err();
            assert!(
                e.contains(&n.to_string()) && e.contains("outside the accepted range"),
                "{n}: {e}"
            );
        }
        for text in [
            "-9223372036854775808",
            "-1e20",
            "1e20",
            "-1e300",
            "18446744073709551615",
            "-0.5",
        ] {
            let v = crate::json::from_str(text).unwrap();
            let e = parse_json(&v).unwrap_err();
            assert!(e.contains("outside the accepted range"), "{text}: {e}");
        }
        let e = parse_str("99999999999999999999").unwrap_err();
        assert!(e.contains("outside the accepted range"), "{e}");
        assert!(check_range(MAX_MICROS + 1, "x").is_err());
        assert!(check_range(MIN_MICROS - 1, "x").is_err());
    }

    #[test]
    fn multi_byte_characters_never_split() {
        for text in [
            "2017-09-0é",
            "2017-09-é1T00:00:00Z",
            "é017-09-01",
            "2017-09-01T00:00:00+0é",
            "2017-09-01T00:00:00+é",
        ] {
            let e = parse_str(text).unwrap_err();
            assert!(e.contains("timestamp"), "{text}: {e}");
        }
    }

    #[test]
    fn offsets_are_read_never_dropped() {
        assert_eq!(ok("2024-01-01T10:00:00+23:59").0, "2023-12-31T10:01:00Z");
        assert_eq!(ok("2024-01-01T10:00:00-23:59").0, "2024-01-02T09:59:00Z");
        assert_eq!(ok("2024-01-01T5:00:00+02:00").0, "2024-01-01T03:00:00Z");
        for text in [
            "2024-01-01T10:00:00+24:00",
            "2024-01-01T10:00:00-24:00",
            "2024-01-01T10:00:00+99:00",
            "2024-01-01T10:00:00+2400",
            "2024-01-01T10:00:00+05:60",
            "2024-01-01T5:00:00+24:00",
            "2024-01-01 10:00:00+24:00",
        ] {
            let e = parse_str(text).unwrap_err();
            assert!(e.contains("outside -23:59 to +23:59"), "{text}: {e}");
        }
        for text in [
            "2024-01-01T10:00:00+5",
            "2024-01-01T10:00:00+05:0",
            "2024-01-01T10:00:00+05:00:00",
            "2024-01-01T10:00:00+ab:cd",
            "2024-01-01T10:00:00-",
        ] {
            let e = parse_str(text).unwrap_err();
            assert!(e.contains("malformed timestamp offset"), "{text}: {e}");
        }
    }

    #[test]
    fn refuses_to_guess() {
        let e = parse_str("2017-09-31T22:23:07.777Z").unwrap_err();
        assert!(e.contains("impossible calendar date"), "{e}");
        assert!(parse_str("yesterday").unwrap_err().contains("unreadable"));
        assert!(parse_str("").is_err());
        assert!(parse_json(&Value::Null).is_err());
    }
}
