//! Turning the writer's and readers' logs into figures, a table and a JSON line.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use automerge::ChangeHash;

/// p50, p99 and max of a set of durations, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 99th percentile (nearest rank).
    pub p99: f64,
    /// Largest.
    pub max: f64,
    /// How many values.
    pub count: usize,
}

impl Percentiles {
    /// Nearest-rank percentiles of `values` (sorted here); `None` when empty.
    pub fn of(mut values: Vec<f64>) -> Option<Percentiles> {
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let rank = |p: f64| {
            let r = (p / 100.0 * values.len() as f64).ceil() as usize;
            values[r.clamp(1, values.len()) - 1]
        };
        Some(Percentiles {
            p50: rank(50.0),
            p99: rank(99.0),
            max: values[values.len() - 1],
            count: values.len(),
        })
    }
}

/// The figures of the measured window.
#[derive(Debug, Clone, Default)]
pub struct Figures {
    /// Changes the writer sent during the measured window.
    pub changes_measured: usize,
    /// Of those, how many did not reach every reader within the loss timeout.
    pub changes_lost: usize,
    /// (reader, measured change) pairs that never arrived.
    pub deliveries_missing: usize,
    /// Per change: from its send to its arrival at the last reader.
    pub all_readers: Option<Percentiles>,
    /// Per (reader, change) arrival: from send to that arrival.
    pub per_delivery: Option<Percentiles>,
    /// Arrivals (of any typed change) within the measured window, per second.
    pub deliveries_per_s: f64,
    /// The change-to-all latencies at each of [`DISTRIBUTION_AT`], in ms.
    pub all_distribution: Vec<f64>,
}

/// Computes the figures. `sent` is every change a typist sent, with its
/// send instant and the index of the client that sent it; `arrivals` holds
/// each client's log, by client index. A change counts as measured when it
/// was sent within `[start, end)`; it must reach every client but its
/// sender, and counts as lost when one did not get it within `loss_timeout`.
pub fn compute(
    sent: &[(ChangeHash, Instant, usize)],
    arrivals: &[Vec<(ChangeHash, Instant)>],
    start: Instant,
    end: Instant,
    loss_timeout: Duration,
) -> Figures {
    let measured: Vec<(ChangeHash, Instant, usize)> = sent
        .iter()
        .copied()
        .filter(|(_, at, _)| *at >= start && *at < end)
        .collect();
    let index: HashMap<ChangeHash, usize> = measured
        .iter()
        .enumerate()
        .map(|(i, (h, _, _))| (*h, i))
        .collect();
    let clients = arrivals.len();
    let mut last = vec![None::<Instant>; measured.len()];
    let mut got = vec![0usize; measured.len()];
    let mut per_delivery = Vec::new();
    let mut in_window = 0usize;
    for (client, log) in arrivals.iter().enumerate() {
        for (hash, at) in log {
            if *at >= start && *at <= end {
                in_window += 1;
            }
            let Some(&i) = index.get(hash) else { continue };
            let (_, sent_at, from) = measured[i];
            if from == client {
                continue;
            }
            let latency = at.saturating_duration_since(sent_at);
            if latency > loss_timeout {
                continue;
            }
            got[i] += 1;
            per_delivery.push(ms(latency));
            last[i] = Some(last[i].map_or(*at, |l: Instant| l.max(*at)));
        }
    }
    let receivers = |from: usize| clients - usize::from(from < clients);
    let mut all = Vec::new();
    let mut lost = 0;
    let mut missing = 0;
    for (i, (_, sent_at, from)) in measured.iter().enumerate() {
        let want = receivers(*from);
        missing += want.saturating_sub(got[i]);
        match last[i] {
            Some(l) if got[i] >= want => all.push(ms(l.saturating_duration_since(*sent_at))),
            None if want == 0 => {}
            _ => lost += 1,
        }
    }
    let window = end.saturating_duration_since(start).as_secs_f64();
    let distribution = distribution(&all);
    Figures {
        changes_measured: measured.len(),
        changes_lost: lost,
        deliveries_missing: missing,
        all_readers: Percentiles::of(all),
        per_delivery: Percentiles::of(per_delivery),
        deliveries_per_s: if window > 0.0 {
            in_window as f64 / window
        } else {
            0.0
        },
        all_distribution: distribution,
    }
}

/// The percentiles at which [`distribution`] samples a latency distribution.
pub const DISTRIBUTION_AT: [f64; 23] = [
    0.0, 5.0, 10.0, 15.0, 20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0, 55.0, 60.0, 65.0, 70.0, 75.0,
    80.0, 85.0, 90.0, 95.0, 99.0, 99.9, 100.0,
];

/// Nearest-rank values of `values` at each of [`DISTRIBUTION_AT`] (empty
/// when there are none): enough to draw the distribution.
pub fn distribution(values: &[f64]) -> Vec<f64> {
    if values.is_empty() {
        return Vec::new();
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    DISTRIBUTION_AT
        .iter()
        .map(|p| {
            let r = (p / 100.0 * v.len() as f64).ceil() as usize;
            v[r.clamp(1, v.len()) - 1]
        })
        .collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A JSON object written by hand: keys in insertion order, numbers and strings.
#[derive(Debug, Default)]
pub struct Json(String);

impl Json {
    fn key(&mut self, key: &str) {
        self.0.push(if self.0.is_empty() { '{' } else { ',' });
        string_into(&mut self.0, key);
        self.0.push(':');
    }

    /// Adds a string field.
    pub fn str(&mut self, key: &str, value: &str) -> &mut Json {
        self.key(key);
        string_into(&mut self.0, value);
        self
    }

    /// Adds a number field (`null` when absent or not finite).
    pub fn num(&mut self, key: &str, value: Option<f64>) -> &mut Json {
        self.key(key);
        match value {
            Some(v) if v.is_finite() => {
                let _ = write!(self.0, "{}", (v * 1000.0).round() / 1000.0);
            }
            _ => self.0.push_str("null"),
        }
        self
    }

    /// Adds an array of numbers.
    pub fn nums(&mut self, key: &str, values: &[f64]) -> &mut Json {
        self.key(key);
        self.0.push('[');
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.0.push(',');
            }
            if v.is_finite() {
                let _ = write!(self.0, "{}", (v * 1000.0).round() / 1000.0);
            } else {
                self.0.push_str("null");
            }
        }
        self.0.push(']');
        self
    }

    /// Adds an integer field.
    pub fn int(&mut self, key: &str, value: u64) -> &mut Json {
        self.key(key);
        let _ = write!(self.0, "{value}");
        self
    }

    /// The finished object.
    pub fn finish(&self) -> String {
        if self.0.is_empty() {
            "{}".to_owned()
        } else {
            format!("{}}}", self.0)
        }
    }
}

fn string_into(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let p = Percentiles::of((1..=100).map(f64::from).collect()).unwrap();
        assert_eq!((p.p50, p.p99, p.max, p.count), (50.0, 99.0, 100.0, 100));
        let one = Percentiles::of(vec![3.0]).unwrap();
        assert_eq!((one.p50, one.p99, one.max), (3.0, 3.0, 3.0));
        assert!(Percentiles::of(vec![]).is_none());
    }

    #[test]
    fn figures_count_latency_to_the_last_reader_and_losses() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let h = |n: u8| ChangeHash([n; 32]);
        // Change 1 before the window, 2 and 3 inside, 4 after.
        // Client 0 types; clients 1 and 2 read.
        let sent = vec![
            (h(1), at(0), 0),
            (h(2), at(100), 0),
            (h(3), at(200), 0),
            (h(4), at(1100), 0),
        ];
        let r1 = vec![
            (h(1), at(5)),
            (h(2), at(110)),
            (h(3), at(205)),
            (h(4), at(1101)),
        ];
        let r2 = vec![(h(1), at(9)), (h(2), at(130))]; // never got 3
        let f = compute(
            &sent,
            &[Vec::new(), r1, r2],
            at(50),
            at(1050),
            Duration::from_secs(5),
        );
        assert_eq!(f.changes_measured, 2);
        assert_eq!(f.changes_lost, 1);
        assert_eq!(f.deliveries_missing, 1);
        let all = f.all_readers.unwrap();
        assert_eq!(all.count, 1);
        assert!((all.p50 - 30.0).abs() < 0.5);
        assert_eq!(f.per_delivery.unwrap().count, 3);
        // 3 arrivals inside [50, 1050] over one second.
        assert!((f.deliveries_per_s - 3.0).abs() < 1e-9);
    }

    #[test]
    fn a_typist_does_not_wait_for_its_own_change() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let h = |n: u8| ChangeHash([n; 32]);
        // Two typists, each the other's only receiver.
        let sent = vec![(h(1), at(10), 0), (h(2), at(20), 1)];
        let logs = vec![vec![(h(2), at(25))], vec![(h(1), at(40))]];
        let f = compute(&sent, &logs, at(0), at(100), Duration::from_secs(1));
        assert_eq!((f.changes_measured, f.changes_lost), (2, 0));
        let all = f.all_readers.unwrap();
        assert_eq!((all.p50, all.max), (5.0, 30.0));
        assert_eq!(f.all_distribution.len(), DISTRIBUTION_AT.len());
        assert_eq!(f.all_distribution[0], 5.0);
        assert_eq!(*f.all_distribution.last().unwrap(), 30.0);
    }

    #[test]
    fn json_is_well_formed() {
        let mut j = Json::default();
        j.str("label", "a \"b\"\n")
            .num("x", Some(1.23456))
            .num("y", None)
            .int("n", 3)
            .nums("d", &[1.0, 2.5]);
        assert_eq!(
            j.finish(),
            r#"{"label":"a \"b\"\n","x":1.235,"y":null,"n":3,"d":[1,2.5]}"#
        );
    }
}
