//! Timestamp text formats of the AWS protocols: RFC 3339 `date-time`,
//! IMF-fixdate `http-date`, and `epoch-seconds` with fractions.

use simfra_model::{Timestamp, TimestampFormat};

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

use simfra_model::calendar::{civil_from_days, days_from_civil};

struct Parts {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    min: u32,
    sec: u32,
    weekday: usize,
}

fn parts(t: Timestamp) -> Parts {
    let days = t.secs.div_euclid(86_400);
    let rem = t.secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    Parts {
        year,
        month,
        day,
        hour: (rem / 3600) as u32,
        min: ((rem % 3600) / 60) as u32,
        sec: (rem % 60) as u32,
        weekday: days.rem_euclid(7) as usize,
    }
}

/// Fraction digits as AWS writes them: none for whole seconds, else milliseconds
/// trimmed of trailing zeros (`.1`, `.123`), or more digits when present.
fn fraction(nanos: u32) -> String {
    if nanos == 0 {
        return String::new();
    }
    let mut s = format!(".{nanos:09}");
    while s.ends_with('0') {
        s.pop();
    }
    s
}

/// `2014-04-29T18:30:38Z` / `2014-04-29T18:30:38.123Z`
pub fn format_date_time(t: Timestamp) -> String {
    let p = parts(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}Z",
        p.year,
        p.month,
        p.day,
        p.hour,
        p.min,
        p.sec,
        fraction(t.nanos)
    )
}

/// `Tue, 29 Apr 2014 18:30:38 GMT` (fractions are dropped, as AWS does).
pub fn format_http_date(t: Timestamp) -> String {
    let p = parts(t);
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
        DAYS[p.weekday],
        p.day,
        MONTHS[(p.month - 1) as usize],
        p.year,
        p.hour,
        p.min,
        p.sec
    )
}

/// `1398796238` / `1398796238.123` as text (JSON numbers, query values, headers).
pub fn format_epoch_seconds(t: Timestamp) -> String {
    if t.nanos == 0 {
        t.secs.to_string()
    } else {
        let mut s = format!("{}.{:09}", t.secs, t.nanos);
        while s.ends_with('0') {
            s.pop();
        }
        s
    }
}

pub fn format(t: Timestamp, f: TimestampFormat) -> String {
    match f {
        TimestampFormat::DateTime => format_date_time(t),
        TimestampFormat::HttpDate => format_http_date(t),
        TimestampFormat::EpochSeconds => format_epoch_seconds(t),
    }
}

fn num(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn parse_fraction(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 9 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut padded = s.to_string();
    while padded.len() < 9 {
        padded.push('0');
    }
    padded.parse().ok()
}

fn valid(year: i64, month: u32, day: u32, hour: u32, min: u32, sec: u32) -> bool {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let mdays = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    (1..=12).contains(&month)
        && day >= 1
        && day <= mdays[(month - 1) as usize]
        && hour < 24
        && min < 60
        && sec < 61
}

/// RFC 3339 date-time, with optional fraction and `Z` or a numeric offset.
pub fn parse_date_time(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b't') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let year = num(&s[0..4])? as i64;
    let month = num(&s[5..7])?;
    let day = num(&s[8..10])?;
    let hour = num(&s[11..13])?;
    let min = num(&s[14..16])?;
    let sec = num(&s[17..19])?;
    let mut rest = &s[19..];
    let mut nanos = 0;
    if let Some(r) = rest.strip_prefix('.') {
        let end = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
        nanos = parse_fraction(&r[..end])?;
        rest = &r[end..];
    }
    let offset: i64 = match rest {
        "Z" | "z" => 0,
        _ => {
            let rb = rest.as_bytes();
            if rb.len() != 6 || !(rb[0] == b'+' || rb[0] == b'-') || rb[3] != b':' {
                return None;
            }
            let oh = num(&rest[1..3])? as i64;
            let om = num(&rest[4..6])? as i64;
            if oh > 23 || om > 59 {
                return None;
            }
            let o = oh * 3600 + om * 60;
            if rb[0] == b'+' {
                o
            } else {
                -o
            }
        }
    };
    if !valid(year, month, day, hour, min, sec) {
        return None;
    }
    let secs = days_from_civil(year, month, day) * 86_400 + (hour * 3600 + min * 60 + sec) as i64 - offset;
    Some(Timestamp { secs, nanos })
}

/// IMF-fixdate (`Tue, 29 Apr 2014 18:30:38 GMT`), tolerating fractional seconds.
pub fn parse_http_date(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    let (wd, rest) = s.split_once(", ")?;
    if !DAYS.contains(&wd) {
        return None;
    }
    let mut it = rest.split(' ');
    let day = num(it.next()?)?;
    let mon = it.next()?;
    let month = MONTHS.iter().position(|m| *m == mon)? as u32 + 1;
    let year_s = it.next()?;
    if year_s.len() != 4 {
        return None;
    }
    let year = num(year_s)? as i64;
    let time = it.next()?;
    if it.next()? != "GMT" || it.next().is_some() {
        return None;
    }
    let (hms, frac) = match time.split_once('.') {
        Some((a, f)) => (a, parse_fraction(f)?),
        None => (time, 0),
    };
    let mut t = hms.split(':');
    let hour = num(t.next()?)?;
    let min = num(t.next()?)?;
    let sec = num(t.next()?)?;
    if t.next().is_some() || !valid(year, month, day, hour, min, sec) {
        return None;
    }
    Some(Timestamp { secs: days_from_civil(year, month, day) * 86_400 + (hour * 3600 + min * 60 + sec) as i64, nanos: frac })
}

/// Epoch seconds as text (`1398796238`, `1398796238.5`, `-1.5`).
pub fn parse_epoch_seconds(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if s.is_empty() || s.contains(['e', 'E']) && s.parse::<f64>().is_err() {
        return None;
    }
    match s.split_once('.') {
        None => s.parse::<i64>().ok().map(Timestamp::from_secs),
        Some((whole, frac)) => {
            let secs: i64 = if whole.is_empty() || whole == "-" { 0 } else { whole.parse().ok()? };
            let nanos = parse_fraction(frac)?;
            if s.starts_with('-') && nanos > 0 {
                Some(Timestamp { secs: secs - 1, nanos: 1_000_000_000 - nanos })
            } else {
                Some(Timestamp { secs, nanos })
            }
        }
    }
}

/// Parses a timestamp a client sent. Servers accept date-times only in UTC
/// (`Z`), as Smithy requires; offsets are refused.
pub fn parse(s: &str, f: TimestampFormat) -> Option<Timestamp> {
    match f {
        TimestampFormat::DateTime => parse_date_time(s).filter(|_| s.ends_with('Z') || s.ends_with('z')),
        TimestampFormat::HttpDate => parse_http_date(s),
        TimestampFormat::EpochSeconds => parse_epoch_seconds(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let t = Timestamp::from_secs(1398796238);
        assert_eq!(format_date_time(t), "2014-04-29T18:30:38Z");
        assert_eq!(format_http_date(t), "Tue, 29 Apr 2014 18:30:38 GMT");
        assert_eq!(parse_date_time("2014-04-29T18:30:38Z"), Some(t));
        assert_eq!(parse_http_date("Tue, 29 Apr 2014 18:30:38 GMT"), Some(t));
        assert_eq!(parse_date_time("2019-12-16T22:48:18-01:00"), Some(Timestamp::from_secs(1576540098)));
        let f = Timestamp { secs: 946845296, nanos: 123_000_000 };
        assert_eq!(format_date_time(f), "2000-01-02T20:34:56.123Z");
        assert_eq!(format_epoch_seconds(f), "946845296.123");
        assert_eq!(parse_epoch_seconds("946845296.123"), Some(f));
        assert_eq!(parse_date_time("2000-01-02T20:34:56.123Z"), Some(f));
        assert_eq!(parse_date_time("1985-04-12T23:20:50.52ZZ"), None);
    }
}
