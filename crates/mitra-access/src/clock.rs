//! Where the store gets the time from, so tests can move it.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use time::OffsetDateTime;

use crate::AccessError;

/// A source of the current time. Every timestamp the store writes (creation
/// times, expiries, audit and attribution times it fills in itself) comes
/// from here, truncated to milliseconds, which is what the database keeps.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time, UTC.
    fn now(&self) -> OffsetDateTime;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        truncate(OffsetDateTime::now_utc())
    }
}

/// A clock that only moves when told, for tests (of this crate and of the
/// server): clones share the same time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<OffsetDateTime>>,
}

impl ManualClock {
    /// A clock standing at `start` (truncated to milliseconds).
    pub fn new(start: OffsetDateTime) -> ManualClock {
        ManualClock {
            now: Arc::new(Mutex::new(truncate(start))),
        }
    }

    /// A clock standing at the current real time.
    pub fn starting_now() -> ManualClock {
        ManualClock::new(OffsetDateTime::now_utc())
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now = truncate(add(*now, by));
    }

    /// Sets the clock to `to` (truncated to milliseconds).
    pub fn set(&self, to: OffsetDateTime) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = truncate(to);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Drops everything below the millisecond, so a time survives a round trip
/// through the database unchanged.
pub fn truncate(t: OffsetDateTime) -> OffsetDateTime {
    let nanos = t.unix_timestamp_nanos();
    let millis = nanos.div_euclid(1_000_000);
    OffsetDateTime::from_unix_timestamp_nanos(millis * 1_000_000).unwrap_or(t)
}

/// A time as stored: milliseconds since the Unix epoch.
pub(crate) fn to_millis(t: OffsetDateTime) -> i64 {
    let millis = t.unix_timestamp_nanos().div_euclid(1_000_000);
    i64::try_from(millis).unwrap_or(if millis < 0 { i64::MIN } else { i64::MAX })
}

/// The inverse of [`to_millis`].
pub(crate) fn from_millis(millis: i64) -> Result<OffsetDateTime, AccessError> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .map_err(|e| AccessError::Corrupt(format!("timestamp {millis} out of range: {e}")))
}

/// `start + by`, saturating instead of overflowing.
pub(crate) fn add(start: OffsetDateTime, by: Duration) -> OffsetDateTime {
    time::Duration::try_from(by)
        .ok()
        .and_then(|by| start.checked_add(by))
        .unwrap_or(time::PrimitiveDateTime::MAX.assume_utc())
}
