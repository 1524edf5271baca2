//! Login lockout: N consecutive failures lock an account for a while.
//! Pure: the caller passes the clock reading and the stored counters.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Configurable lockout policy (stored in settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockoutPolicy {
    pub max_failures: u32,
    pub lock_minutes: u32,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            lock_minutes: 15,
        }
    }
}

/// What the store holds per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LockoutState {
    pub failures: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

/// Outcome of a login attempt as far as lockout is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// The account is locked; the password was not even checked.
    Locked { until: DateTime<Utc> },
    /// Wrong password; `remaining` more tries before the account locks.
    Failed { remaining: u32 },
    /// Wrong password and this failure locked the account.
    LockedNow { until: DateTime<Utc> },
    /// Right password.
    Succeeded,
}

impl LockoutPolicy {
    /// Is the account locked at `now`?
    pub fn locked_until(&self, state: &LockoutState, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        state.locked_until.filter(|until| *until > now)
    }

    /// Applies one attempt. `password_ok` is only consulted when the account is
    /// not locked. Returns the outcome and the new state to store.
    pub fn apply(
        &self,
        state: LockoutState,
        now: DateTime<Utc>,
        password_ok: impl FnOnce() -> bool,
    ) -> (Attempt, LockoutState) {
        if let Some(until) = self.locked_until(&state, now) {
            return (Attempt::Locked { until }, state);
        }
        // A lock that has expired starts a fresh count.
        let failures = if state.locked_until.is_some() {
            0
        } else {
            state.failures
        };
        if password_ok() {
            return (Attempt::Succeeded, LockoutState::default());
        }
        let failures = failures + 1;
        let max = self.max_failures.max(1);
        if failures >= max {
            let until = now + Duration::minutes(i64::from(self.lock_minutes));
            (
                Attempt::LockedNow { until },
                LockoutState {
                    failures,
                    locked_until: Some(until),
                },
            )
        } else {
            (
                Attempt::Failed {
                    remaining: max - failures,
                },
                LockoutState {
                    failures,
                    locked_until: None,
                },
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 20, 1, 0, 0).unwrap()
    }

    #[test]
    fn five_failures_lock_for_fifteen_minutes() {
        let p = LockoutPolicy::default();
        let mut s = LockoutState::default();
        for expected in [4, 3, 2, 1] {
            let (a, next) = p.apply(s, t0(), || false);
            assert_eq!(
                a,
                Attempt::Failed {
                    remaining: expected
                }
            );
            s = next;
        }
        let (a, s) = p.apply(s, t0(), || false);
        let until = t0() + Duration::minutes(15);
        assert_eq!(a, Attempt::LockedNow { until });
        // Even the right password is refused while locked.
        let (a, s) = p.apply(s, t0() + Duration::minutes(14), || true);
        assert_eq!(a, Attempt::Locked { until });
        // After the lock expires the right password works and resets the count.
        let (a, s) = p.apply(s, until, || true);
        assert_eq!(a, Attempt::Succeeded);
        assert_eq!(s, LockoutState::default());
    }

    #[test]
    fn expired_lock_starts_a_fresh_count() {
        let p = LockoutPolicy::default();
        let s = LockoutState {
            failures: 5,
            locked_until: Some(t0()),
        };
        let (a, s) = p.apply(s, t0() + Duration::seconds(1), || false);
        assert_eq!(a, Attempt::Failed { remaining: 4 });
        assert_eq!(s.failures, 1);
    }

    #[test]
    fn success_resets_failures() {
        let p = LockoutPolicy::default();
        let s = LockoutState {
            failures: 3,
            locked_until: None,
        };
        let (a, s) = p.apply(s, t0(), || true);
        assert_eq!(a, Attempt::Succeeded);
        assert_eq!(s.failures, 0);
    }

    #[test]
    fn configurable_policy() {
        let p = LockoutPolicy {
            max_failures: 2,
            lock_minutes: 1,
        };
        let (a, s) = p.apply(LockoutState::default(), t0(), || false);
        assert_eq!(a, Attempt::Failed { remaining: 1 });
        let (a, _) = p.apply(s, t0(), || false);
        assert_eq!(
            a,
            Attempt::LockedNow {
                until: t0() + Duration::minutes(1)
            }
        );
    }
}
