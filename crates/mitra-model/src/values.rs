//! Plain values the model stores as strings: dates, timestamps, document
//! links, and the ids of list items.
//!
//! Dates are `YYYY-MM-DD`; timestamps are RFC 3339 with an offset
//! (`2025-03-04T09:30:00+07:00`) next to an IANA zone name
//! (`Asia/Jakarta`), so that a meeting shows in every reader's local time and
//! still knows the zone it was planned in. The checks here are syntactic:
//! the crate has no time zone database.

/// Whether `s` is a calendar date `YYYY-MM-DD` (proleptic Gregorian).
pub fn is_date(s: &str) -> bool {
    is_date_bytes(s.as_bytes())
}

fn is_date_bytes(b: &[u8]) -> bool {
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let (Some(year), Some(month), Some(day)) =
        (digits(&b[0..4]), digits(&b[5..7]), digits(&b[8..10]))
    else {
        return false;
    };
    (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)
}

/// Whether `s` is an RFC 3339 timestamp with a date, a time and an offset
/// (`Z` or `±HH:MM`), e.g. `2025-03-04T09:30:00+07:00`.
pub fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 20 || !is_date_bytes(&b[..10]) || !matches!(b[10], b'T' | b't' | b' ') {
        return false;
    }
    let time = &b[11..];
    if time.len() < 8 || time[2] != b':' || time[5] != b':' {
        return false;
    }
    let (Some(h), Some(m), Some(sec)) = (
        digits(&time[0..2]),
        digits(&time[3..5]),
        digits(&time[6..8]),
    ) else {
        return false;
    };
    // 60 allows a leap second.
    if h > 23 || m > 59 || sec > 60 {
        return false;
    }
    let mut rest = &time[8..];
    if let [b'.', tail @ ..] = rest {
        let n = tail.iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return false;
        }
        rest = &tail[n..];
    }
    match rest {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', oh1, oh2, b':', om1, om2] => {
            matches!((digits(&[*oh1, *oh2]), digits(&[*om1, *om2])), (Some(oh), Some(om)) if oh <= 23 && om <= 59)
        }
        _ => false,
    }
}

/// Whether `s` looks like an automerge-repo document URL
/// (`automerge:` followed by a base58check document id).
pub fn is_automerge_url(s: &str) -> bool {
    s.strip_prefix("automerge:").is_some_and(|id| {
        !id.is_empty()
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() && !matches!(c, '0' | 'O' | 'I' | 'l'))
    })
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A source of ids for new list items.
///
/// The crate never makes ids up itself, so that it stays deterministic: the
/// caller passes ids in, or a generator. Any `FnMut() -> String` is one (for
/// example a closure returning `uuid::Uuid::new_v4().to_string()`);
/// [`SequentialIds`] is a deterministic one for tests and demos. Ids must be
/// unique within their list across all replicas, so real clients use random
/// ids.
pub trait IdGenerator {
    /// The next id.
    fn next_id(&mut self) -> String;
}

impl<F: FnMut() -> String> IdGenerator for F {
    fn next_id(&mut self) -> String {
        self()
    }
}

/// Deterministic ids `prefix-1`, `prefix-2`, ...: unique within one
/// generator, so give each replica its own prefix.
#[derive(Debug, Clone)]
pub struct SequentialIds {
    prefix: String,
    next: u64,
}

impl SequentialIds {
    /// Ids `prefix-1`, `prefix-2`, ...
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
            next: 1,
        }
    }
}

impl IdGenerator for SequentialIds {
    fn next_id(&mut self) -> String {
        let id = format!("{}-{}", self.prefix, self.next);
        self.next += 1;
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked_for_shape_and_calendar() {
        assert!(is_date("2025-02-28"));
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2025-02-29"));
        assert!(!is_date("2025-13-01"));
        assert!(!is_date("2025-1-01"));
        assert!(!is_date("next week"));
        assert!(!is_date(""));
    }

    #[test]
    fn timestamps_need_an_offset() {
        assert!(is_timestamp("2025-03-04T09:30:00+07:00"));
        assert!(is_timestamp("2025-03-04T02:30:00Z"));
        assert!(is_timestamp("2025-03-04T02:30:00.123-05:00"));
        assert!(!is_timestamp("2025-03-04T02:30:00"));
        assert!(!is_timestamp("2025-03-04 02:30"));
        assert!(!is_timestamp("2025-03-04T25:30:00Z"));
        assert!(!is_timestamp("2025-03-04T02:30:00+0700"));
    }

    #[test]
    fn automerge_urls_carry_a_base58_id() {
        assert!(is_automerge_url("automerge:4NMNnkMhL8jXrdJ9jamS58PAVdXu"));
        assert!(!is_automerge_url("automerge:"));
        assert!(!is_automerge_url("https://example.org"));
    }

    #[test]
    fn sequential_ids_count_up() {
        let mut ids = SequentialIds::new("a");
        assert_eq!(ids.next_id(), "a-1");
        assert_eq!(ids.next_id(), "a-2");
        let mut n = 0;
        let mut f = move || {
            n += 1;
            format!("f{n}")
        };
        assert_eq!(f.next_id(), "f1");
    }
}
