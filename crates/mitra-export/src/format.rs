//! Numbers, dates and times written out for people, in the document's
//! language. Everything returned here is safe to put into Markdown as is.

use crate::escape;
use crate::labels::Lang;

/// `value` with at most two decimals, grouped thousands and the language's
/// separators: `14,200.5` in English, `14.200,5` in Indonesian.
pub(crate) fn number(value: f64, lang: Lang) -> String {
    if !value.is_finite() {
        return escape::inline(&value.to_string());
    }
    let labels = lang.labels();
    let fixed = format!("{:.2}", value.abs());
    let (int, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let frac = frac.trim_end_matches('0');
    let mut out = String::new();
    if value < 0.0 && fixed.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
        out.push('-');
    }
    for (i, digit) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(labels.thousands);
        }
        out.push(digit);
    }
    if !frac.is_empty() {
        out.push(labels.decimal);
        out.push_str(frac);
    }
    out
}

/// An amount of money: `IDR 350,000,000`.
pub(crate) fn money(amount: f64, currency: Option<&str>, lang: Lang) -> String {
    match currency.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => format!("{} {}", escape::inline(c), number(amount, lang)),
        None => number(amount, lang),
    }
}

/// A fraction as a whole percentage with a ten-step bar: `████░░░░░░ 36%`.
pub(crate) fn progress(fraction: f64) -> String {
    if !fraction.is_finite() {
        return "—".into();
    }
    let percent = (fraction * 100.0).round() as i64;
    let filled = (fraction * 10.0).round().clamp(0.0, 10.0) as usize;
    format!(
        "{}{} {percent}%",
        "█".repeat(filled),
        "░".repeat(10 - filled)
    )
}

/// A calendar date `YYYY-MM-DD` written out (`16 September 2025`); other
/// text is returned escaped, as it is.
pub(crate) fn date(text: &str, lang: Lang) -> String {
    match parse_date(text) {
        Some((y, m, d)) => format!("{d} {} {y}", lang.labels().months[m as usize - 1]),
        None => escape::inline(text),
    }
}

/// An RFC 3339 timestamp written out with weekday, time, and zone:
/// `Tuesday, 16 September 2025, 09:30 (Asia/Jakarta, UTC+07:00)`. With
/// `long == false`, without the weekday and zone name. Other text is
/// returned escaped, as it is (with the zone name).
pub(crate) fn timestamp(text: &str, zone: &str, lang: Lang, long: bool) -> String {
    let labels = lang.labels();
    let zone = zone.trim();
    let Some(t) = parse_timestamp(text) else {
        let raw = escape::inline(text);
        return if zone.is_empty() || !long {
            raw
        } else {
            format!("{raw} ({})", escape::inline(zone))
        };
    };
    let offset = match t.offset_minutes {
        0 => "UTC".to_owned(),
        m => format!(
            "UTC{}{:02}:{:02}",
            if m < 0 { '-' } else { '+' },
            m.abs() / 60,
            m.abs() % 60
        ),
    };
    let day = format!(
        "{} {} {}",
        t.day,
        labels.months[t.month as usize - 1],
        t.year
    );
    let time = format!(
        "{}{:02}{}{:02}",
        labels.at, t.hour, labels.time_separator, t.minute
    );
    if long {
        let weekday = labels.weekdays[weekday(t.year, t.month, t.day)];
        let zone = if zone.is_empty() {
            offset
        } else {
            format!("{}, {offset}", escape::inline(zone))
        };
        format!("{weekday}, {day}, {time} ({zone})")
    } else {
        format!("{day}, {time} ({offset})")
    }
}

fn parse_date(text: &str) -> Option<(u32, u32, u32)> {
    if !mitra_model::values::is_date(text) {
        return None;
    }
    Some((
        text[0..4].parse().ok()?,
        text[5..7].parse().ok()?,
        text[8..10].parse().ok()?,
    ))
}

struct Timestamp {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    offset_minutes: i32,
}

fn parse_timestamp(text: &str) -> Option<Timestamp> {
    if !mitra_model::values::is_timestamp(text) {
        return None;
    }
    let (year, month, day) = parse_date(&text[..10])?;
    let hour = text[11..13].parse().ok()?;
    let minute = text[14..16].parse().ok()?;
    let offset_minutes = if text.ends_with(['Z', 'z']) {
        0
    } else {
        let offset = &text[text.len() - 6..];
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let h: i32 = offset[1..3].parse().ok()?;
        let m: i32 = offset[4..6].parse().ok()?;
        sign * (h * 60 + m)
    };
    Some(Timestamp {
        year,
        month,
        day,
        hour,
        minute,
        offset_minutes,
    })
}

/// The day of the week, 0 = Monday (proleptic Gregorian calendar).
fn weekday(year: u32, month: u32, day: u32) -> usize {
    // Sakamoto's method gives 0 = Sunday.
    const T: [u32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if month < 3 { year - 1 } else { year };
    let sunday_based = (y + y / 4 - y / 100 + y / 400 + T[month as usize - 1] + day) % 7;
    ((sunday_based + 6) % 7) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_use_the_languages_separators() {
        assert_eq!(number(14200.0, Lang::En), "14,200");
        assert_eq!(number(14200.0, Lang::Id), "14.200");
        assert_eq!(number(36.5, Lang::En), "36.5");
        assert_eq!(number(36.5, Lang::Id), "36,5");
        assert_eq!(number(1_234_567.891, Lang::En), "1,234,567.89");
        assert_eq!(number(-0.001, Lang::En), "0");
        assert_eq!(number(-3.25, Lang::Id), "-3,25");
        assert_eq!(number(0.0, Lang::En), "0");
        assert_eq!(number(999.999, Lang::En), "1,000");
        assert_eq!(
            money(350_000_000.0, Some("IDR"), Lang::Id),
            "IDR 350.000.000"
        );
    }

    #[test]
    fn progress_is_a_bar_and_a_percentage() {
        assert_eq!(progress(0.357), "████░░░░░░ 36%");
        assert_eq!(progress(1.03), "██████████ 103%");
        assert_eq!(progress(-0.2), "░░░░░░░░░░ -20%");
        assert_eq!(progress(f64::NAN), "—");
    }

    #[test]
    fn dates_and_times_are_written_out() {
        assert_eq!(date("2025-09-16", Lang::En), "16 September 2025");
        assert_eq!(date("2025-03-04", Lang::Id), "4 Maret 2025");
        assert_eq!(date("next week", Lang::En), "next week");
        assert_eq!(
            timestamp("2025-09-16T09:30:00+07:00", "Asia/Jakarta", Lang::En, true),
            "Tuesday, 16 September 2025, 09:30 (Asia/Jakarta, UTC+07:00)"
        );
        assert_eq!(
            timestamp("2025-09-16T09:30:00+07:00", "Asia/Jakarta", Lang::Id, true),
            "Selasa, 16 September 2025, pukul 09.30 (Asia/Jakarta, UTC+07:00)"
        );
        assert_eq!(
            timestamp("2024-02-29T23:05:00Z", "", Lang::En, true),
            "Thursday, 29 February 2024, 23:05 (UTC)"
        );
        assert_eq!(
            timestamp(
                "2025-01-05T08:00:00.5-03:30",
                "America/St_Johns",
                Lang::En,
                false
            ),
            "5 January 2025, 08:00 (UTC-03:30)"
        );
        assert_eq!(
            timestamp("tomorrow *9*", "Asia/Jakarta", Lang::En, true),
            "tomorrow \\*9\\* (Asia/Jakarta)"
        );
    }

    #[test]
    fn weekdays_are_right() {
        assert_eq!(weekday(2025, 9, 16), 1); // Tuesday
        assert_eq!(weekday(2000, 1, 1), 5); // Saturday
        assert_eq!(weekday(2024, 3, 3), 6); // Sunday
    }
}
