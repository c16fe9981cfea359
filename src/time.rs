//! Timestamp parsing for every form seen in real exports (reference/FORMATS.md).
//!
//! RFC 3339 with any fraction and offset is the native form. Other forms are accepted
//! and reported as non-standard so the caller can keep the original text
//! (`time_raw`); a value that names no real instant is an error, never a guess.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::json::Value;

/// A parsed timestamp: microseconds since the epoch, and whether the text was RFC 3339.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed {
    pub micros: i64,
    pub rfc3339: bool,
}

/// Non-RFC 3339 text forms seen in exports, tried in order (all read as UTC).
const NAIVE_FORMATS: &[&str] = &[
    "%Y-%m-%d %H:%M:%S%.f", // Panther fixtures: `2025-01-15 14:20:35.456`
    "%Y-%m-%dT%H:%M:%S%.f", // no zone
    "%m/%d/%Y %I:%M:%S %p", // Entra UserRiskEvents: `3/24/2022 2:42:35 PM`
    "%m/%d/%Y %H:%M:%S",
];

/// Parse a timestamp string. Errors say what was wrong in words a user can act on.
pub fn parse_str(s: &str) -> Result<Parsed, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("empty timestamp".into());
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(Parsed {
            micros: dt.with_timezone(&Utc).timestamp_micros(),
            rfc3339: true,
        });
    }
    // RFC 3339 with a zone but a one-digit hour (`2023-10-26T5:32:08.107Z`) or
    // other small deviations: chrono's strftime parser is lenient on widths.
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M:%S%.fZ"] {
        if let Ok(dt) = DateTime::parse_from_str(t, fmt) {
            return Ok(Parsed {
                micros: dt.with_timezone(&Utc).timestamp_micros(),
                rfc3339: false,
            });
        }
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, fmt) {
            return Ok(Parsed {
                micros: dt.and_utc().timestamp_micros(),
                rfc3339: false,
            });
        }
    }
    for fmt in NAIVE_FORMATS {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, fmt) {
            return Ok(Parsed {
                micros: dt.and_utc().timestamp_micros(),
                rfc3339: false,
            });
        }
    }
    if t.bytes().all(|b| b.is_ascii_digit()) && !t.is_empty() {
        if let Ok(n) = t.parse::<i64>() {
            return parse_epoch(n).map(|mut p| {
                p.rfc3339 = false;
                p
            });
        }
    }
    // Say why: an impossible calendar date reads differently from garbage.
    if t.len() >= 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-' {
        let y = t[0..4].parse::<i32>();
        let m = t[5..7].parse::<u32>();
        let d = t[8..10].parse::<u32>();
        if let (Ok(y), Ok(m), Ok(d)) = (y, m, d) {
            if NaiveDate::from_ymd_opt(y, m, d).is_none() {
                return Err(format!("impossible calendar date in timestamp {t:?}"));
            }
        }
    }
    Err(format!("unreadable timestamp {t:?}"))
}

/// Parse an epoch number. Values are milliseconds (GitHub) unless they are too small
/// for that to be plausible (before 2001 as ms), in which case seconds.
pub fn parse_epoch(n: i64) -> Result<Parsed, String> {
    // 1e12 ms = 2001-09-09; anything smaller is taken as seconds.
    let micros = if n.abs() >= 1_000_000_000_000 {
        n.checked_mul(1_000)
    } else {
        n.checked_mul(1_000_000)
    };
    match micros {
        Some(m) if DateTime::<Utc>::from_timestamp_micros(m).is_some() => Ok(Parsed {
            micros: m,
            rfc3339: false,
        }),
        _ => Err(format!("epoch timestamp {n} out of range")),
    }
}

/// Parse a JSON value that holds a timestamp (string or number).
pub fn parse_json(v: &Value<'_>) -> Result<Parsed, String> {
    match v {
        Value::String(s) => parse_str(s),
        Value::Number(n) => match n.as_i64() {
            Some(i) => parse_epoch(i),
            None => match n.as_f64() {
                Some(f) if f.is_finite() => parse_epoch(f.round() as i64),
                _ => Err(format!("unreadable numeric timestamp {n}")),
            },
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
    let d = NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")
        + chrono::Duration::days(i64::from(day));
    d.format("%Y-%m-%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn refuses_to_guess() {
        let e = parse_str("2017-09-31T22:23:07.777Z").unwrap_err();
        assert!(e.contains("impossible calendar date"), "{e}");
        assert!(parse_str("yesterday").unwrap_err().contains("unreadable"));
        assert!(parse_str("").is_err());
        assert!(parse_json(&Value::Null).is_err());
    }
}
