//! Idle lock: counter PCs stand in public, so an unattended session locks itself.

use chrono::{DateTime, Duration, Utc};

/// Tracks the last input and says when the screen must lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdleTimer {
    timeout: Duration,
    last_activity: DateTime<Utc>,
}

impl IdleTimer {
    pub fn new(timeout_minutes: u32, now: DateTime<Utc>) -> Self {
        Self {
            timeout: Duration::minutes(i64::from(timeout_minutes.max(1))),
            last_activity: now,
        }
    }

    /// Any key, click or pointer movement counts as activity.
    pub fn touch(&mut self, now: DateTime<Utc>) {
        if now > self.last_activity {
            self.last_activity = now;
        }
    }

    pub fn should_lock(&self, now: DateTime<Utc>) -> bool {
        now - self.last_activity >= self.timeout
    }

    /// Time left before the lock; zero once it is due.
    pub fn remaining(&self, now: DateTime<Utc>) -> Duration {
        (self.timeout - (now - self.last_activity)).max(Duration::zero())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn locks_after_timeout_without_activity() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 20, 1, 0, 0).unwrap();
        let mut idle = IdleTimer::new(5, t0);
        assert!(!idle.should_lock(t0 + Duration::seconds(299)));
        assert!(idle.should_lock(t0 + Duration::seconds(300)));
        idle.touch(t0 + Duration::seconds(200));
        assert!(!idle.should_lock(t0 + Duration::seconds(499)));
        assert!(idle.should_lock(t0 + Duration::seconds(500)));
        assert_eq!(
            idle.remaining(t0 + Duration::seconds(450)),
            Duration::seconds(50)
        );
        assert_eq!(
            idle.remaining(t0 + Duration::seconds(900)),
            Duration::zero()
        );
    }

    #[test]
    fn clock_going_backwards_does_not_extend_the_session() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 20, 1, 0, 0).unwrap();
        let mut idle = IdleTimer::new(5, t0);
        idle.touch(t0 - Duration::hours(1));
        assert!(idle.should_lock(t0 + Duration::minutes(5)));
    }
}
