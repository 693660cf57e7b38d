//! Time: the [`Timestamp`] type every record carries and the per-tenant virtual
//! [`Clock`].
//!
//! This is the only module that reads the wall clock (`SystemTime::now` for running
//! clocks, `Instant::now` for [`Stopwatch`] durations in logs and metrics). Everything
//! the sandbox writes into a record takes its time from a tenant's `Clock`, so a frozen
//! clock makes responses byte-identical from run to run.

use std::fmt;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// A point in time as milliseconds since the Unix epoch (UTC).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The latest instant the sandbox accepts (9999-12-31T23:59:59.999Z), so every
    /// timestamp formats as a four-digit year.
    pub const MAX: Self = Self(253_402_300_799_999);
    /// The earliest instant the sandbox accepts (1970-01-01T00:00:00Z).
    pub const MIN: Self = Self(0);

    pub fn from_millis(ms: i64) -> Self {
        Self(ms.clamp(Self::MIN.0, Self::MAX.0))
    }

    pub fn from_secs(secs: i64) -> Self {
        Self::from_millis(secs.saturating_mul(1000))
    }

    pub fn as_millis(self) -> i64 {
        self.0
    }

    /// Whole seconds, rounded down.
    pub fn as_secs(self) -> i64 {
        self.0.div_euclid(1000)
    }

    pub fn plus_millis(self, ms: i64) -> Self {
        Self::from_millis(self.0.saturating_add(ms))
    }

    pub fn plus_secs(self, secs: i64) -> Self {
        self.plus_millis(secs.saturating_mul(1000))
    }

    /// Parses RFC 3339 (`2026-01-01T09:00:00Z`, `2026-01-01T17:00:00+08:00`, with or
    /// without fractional seconds).
    pub fn parse_rfc3339(text: &str) -> Result<Self, TimeError> {
        let parsed = OffsetDateTime::parse(text.trim(), &Rfc3339)
            .map_err(|e| TimeError::NotRfc3339(text.to_owned(), e.to_string()))?;
        let ms = parsed.unix_timestamp_nanos() / 1_000_000;
        let ms = i64::try_from(ms).map_err(|_| TimeError::OutOfRange(text.to_owned()))?;
        if !(Self::MIN.0..=Self::MAX.0).contains(&ms) {
            return Err(TimeError::OutOfRange(text.to_owned()));
        }
        Ok(Self(ms))
    }

    /// RFC 3339 in UTC with a `Z`; milliseconds appear only when they are not zero.
    pub fn to_rfc3339(self) -> String {
        self.format_with_offset(UtcOffset::UTC)
    }

    /// RFC 3339 at a fixed offset from UTC, given in seconds (OPCard prints `+08:00`).
    pub fn to_rfc3339_at_offset(self, offset_seconds: i32) -> String {
        let offset = UtcOffset::from_whole_seconds(offset_seconds).unwrap_or(UtcOffset::UTC);
        self.format_with_offset(offset)
    }

    fn format_with_offset(self, offset: UtcOffset) -> String {
        let dt = self.to_datetime().to_offset(offset);
        // Formatting a clamped four-digit-year datetime with RFC 3339 cannot fail.
        dt.format(&Rfc3339).unwrap_or_default()
    }

    /// The calendar fields in UTC, for formats such as `yyMMddHHmm`.
    pub fn to_datetime(self) -> OffsetDateTime {
        let nanos = i128::from(self.0) * 1_000_000;
        OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error("{0:?} is not an RFC 3339 time ({1}); write it like \"2026-01-01T09:00:00Z\"")]
    NotRfc3339(String, String),
    #[error("{0:?} is outside the years 1970 to 9999")]
    OutOfRange(String),
    #[error("the clock cannot move backwards: it reads {now} and {requested} is earlier")]
    Backwards {
        now: Timestamp,
        requested: Timestamp,
    },
}

/// Whether a clock follows the wall clock or stands still.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockMode {
    /// Wall time plus an offset: time passes as it does for the caller.
    Running,
    /// Stands at one instant until told to move.
    Frozen,
}

impl ClockMode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Frozen => "frozen",
        }
    }
}

/// The clock authentication counts on (scenario `clock.auth`). Real clients sign
/// requests and count token lifetimes on the wall clock and know nothing of the tenant
/// clock, so by default a moved or frozen tenant clock never breaks them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AuthClock {
    /// A signed timestamp is fresh within its window of the wall clock or of the tenant
    /// clock; credentials lapse on the wall clock. The default.
    #[default]
    Wall,
    /// Freshness windows and credential lifetimes count on the tenant clock only, for
    /// suites that test expiry by moving the tenant clock.
    Tenant,
}

impl AuthClock {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wall => "wall",
            Self::Tenant => "tenant",
        }
    }
}

/// A tenant's virtual clock. Never moves backwards: `jump_to` and `freeze_at` refuse an
/// earlier instant, so records written in clock order stay in time order.
#[derive(Debug, Clone)]
pub struct Clock {
    mode: ClockMode,
    /// The instant a frozen clock shows, or a running clock showed at `anchor_wall_ms`.
    frozen_at: Timestamp,
    /// The wall clock when a running clock last stood at `frozen_at`, in milliseconds.
    anchor_wall_ms: i64,
    /// How many tenant milliseconds a running clock moves per wall millisecond.
    scale: u32,
    /// The clock authentication counts on.
    auth: AuthClock,
}

impl Clock {
    pub fn frozen(at: Timestamp) -> Self {
        Self {
            mode: ClockMode::Frozen,
            frozen_at: at,
            anchor_wall_ms: 0,
            scale: 1,
            auth: AuthClock::Wall,
        }
    }

    /// A running clock that reads `start` now and moves with the wall clock.
    pub fn running_from(start: Timestamp) -> Self {
        Self {
            mode: ClockMode::Running,
            frozen_at: start,
            anchor_wall_ms: wall_millis(),
            scale: 1,
            auth: AuthClock::Wall,
        }
    }

    /// The same clock running `scale` times faster than the wall clock (at least 1);
    /// a frozen clock keeps the scale for when it resumes.
    pub fn with_scale(mut self, scale: u32) -> Self {
        let now = self.now();
        self.scale = scale.max(1);
        if self.mode == ClockMode::Running {
            self.frozen_at = now;
            self.anchor_wall_ms = wall_millis();
        }
        self
    }

    pub fn scale(&self) -> u32 {
        self.scale
    }

    /// The same clock, authenticating on `auth`.
    pub fn with_auth(mut self, auth: AuthClock) -> Self {
        self.auth = auth;
        self
    }

    pub fn auth(&self) -> AuthClock {
        self.auth
    }

    /// Whether a client's timestamp (unix seconds) is within `window` seconds of the
    /// tenant clock or, authenticating on the wall clock, of the wall clock.
    pub fn is_fresh(&self, timestamp_secs: i64, window: u64) -> bool {
        let near = |now: Timestamp| timestamp_secs.abs_diff(now.as_secs()) <= window;
        near(self.now()) || (self.auth == AuthClock::Wall && near(wall_now()))
    }

    /// Where a credential issued now for `seconds` lapses on the wall clock, when the
    /// tenant authenticates on it (`None` on the tenant clock).
    pub fn wall_expiry(&self, seconds: i64) -> Option<Timestamp> {
        (self.auth == AuthClock::Wall).then(|| wall_now().plus_secs(seconds))
    }

    /// Whether a credential with these expiries has been lapsed for `grace` seconds:
    /// on the wall clock when it carries a wall expiry and the tenant authenticates on
    /// the wall clock, otherwise on the tenant clock (credentials restored from an
    /// export carry none).
    pub fn has_lapsed(
        &self,
        tenant_expiry: Timestamp,
        wall: Option<Timestamp>,
        grace: i64,
    ) -> bool {
        match (self.auth, wall) {
            (AuthClock::Wall, Some(wall)) => wall.plus_secs(grace) <= wall_now(),
            _ => tenant_expiry.plus_secs(grace) <= self.now(),
        }
    }

    /// The wall clock's reading when the tenant authenticates on it, for credentials
    /// that remember when they were seen (HyperCard nonces).
    pub fn auth_wall_now(&self) -> Option<Timestamp> {
        (self.auth == AuthClock::Wall).then(wall_now)
    }

    pub fn mode(&self) -> ClockMode {
        self.mode
    }

    pub fn now(&self) -> Timestamp {
        match self.mode {
            ClockMode::Frozen => self.frozen_at,
            ClockMode::Running => {
                let elapsed = (wall_millis() - self.anchor_wall_ms).max(0);
                Timestamp::from_millis(
                    self.frozen_at
                        .as_millis()
                        .saturating_add(elapsed.saturating_mul(i64::from(self.scale))),
                )
            }
        }
    }

    /// The same clock as if it had read `start` at the wall instant `since`: a running
    /// clock re-anchored there (keeping its scale), a frozen one unchanged. A tenant
    /// copied from a template takes the clock a build at `since` would have given it.
    pub fn started_at(&self, start: Timestamp, since: Timestamp) -> Self {
        let mut clock = self.clone();
        if clock.mode == ClockMode::Running {
            clock.frozen_at = start;
            clock.anchor_wall_ms = since.as_millis();
        }
        clock
    }

    /// Moves the clock to `to` and keeps its mode. Used by the scheduler to stand on each
    /// event's due time while it runs, and by `advance`.
    pub fn jump_to(&mut self, to: Timestamp) -> Result<(), TimeError> {
        let now = self.now();
        if to < now {
            return Err(TimeError::Backwards { now, requested: to });
        }
        match self.mode {
            ClockMode::Frozen => self.frozen_at = to,
            ClockMode::Running => {
                self.frozen_at = to;
                self.anchor_wall_ms = wall_millis();
            }
        }
        Ok(())
    }

    /// Stops the clock at `at` (not earlier than now).
    pub fn freeze_at(&mut self, at: Timestamp) -> Result<(), TimeError> {
        self.jump_to(at)?;
        self.frozen_at = at;
        self.mode = ClockMode::Frozen;
        Ok(())
    }

    /// Lets a frozen clock run again from the instant it shows.
    pub fn resume(&mut self) {
        if self.mode == ClockMode::Frozen {
            *self = Self::running_from(self.frozen_at)
                .with_scale(self.scale)
                .with_auth(self.auth);
        }
    }
}

/// Measures how long something took, for logs and metrics only (never for a record).
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch(Instant);

impl Stopwatch {
    #[allow(clippy::disallowed_methods)]
    pub fn start() -> Self {
        Self(Instant::now())
    }

    pub fn elapsed(self) -> Duration {
        self.0.elapsed()
    }
}

/// The wall clock, read only here. Log lines' timestamps take it as it is
/// (`telemetry`); a record's time never does: it comes from its tenant's [`Clock`].
#[allow(clippy::disallowed_methods)]
pub fn wall_system_time() -> SystemTime {
    SystemTime::now()
}

fn wall_millis() -> i64 {
    let since = wall_system_time()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

/// The wall clock as a [`Timestamp`], for a scenario that gives no `clock.start`.
pub fn wall_now() -> Timestamp {
    Timestamp::from_millis(wall_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_rfc3339(text).expect("valid test time")
    }

    #[test]
    fn rfc3339_round_trips_and_prints_offsets() {
        let t = at("2026-01-01T17:00:00+08:00");
        assert_eq!(t.to_rfc3339(), "2026-01-01T09:00:00Z");
        assert_eq!(
            t.to_rfc3339_at_offset(8 * 3600),
            "2026-01-01T17:00:00+08:00"
        );
        assert_eq!(t.plus_millis(250).to_rfc3339(), "2026-01-01T09:00:00.25Z");
        assert_eq!(t.as_secs(), 1_767_258_000);
        assert!(Timestamp::parse_rfc3339("yesterday").is_err());
    }

    #[test]
    fn frozen_clock_stands_still_and_never_goes_back() {
        let mut clock = Clock::frozen(at("2026-01-01T00:00:00Z"));
        assert_eq!(clock.now(), at("2026-01-01T00:00:00Z"));
        clock
            .jump_to(at("2026-01-02T00:00:00Z"))
            .expect("forward is fine");
        assert_eq!(clock.now(), at("2026-01-02T00:00:00Z"));
        let err = clock
            .freeze_at(at("2026-01-01T00:00:00Z"))
            .expect_err("backwards is refused");
        assert!(matches!(err, TimeError::Backwards { .. }));
        assert_eq!(clock.now(), at("2026-01-02T00:00:00Z"));
    }

    #[test]
    fn a_scaled_clock_runs_faster_and_keeps_its_scale_through_freeze_and_resume() {
        let start = at("2030-06-01T00:00:00Z");
        let mut clock = Clock::running_from(start).with_scale(3600);
        std::thread::sleep(Duration::from_millis(20));
        let moved = clock.now().as_millis() - start.as_millis();
        assert!(
            moved >= 20 * 3600,
            "an hour per wall second: moved {moved} ms"
        );
        let stop = clock.now();
        clock.freeze_at(stop).expect("not backwards");
        clock.resume();
        assert_eq!(clock.scale(), 3600);
        std::thread::sleep(Duration::from_millis(5));
        assert!(clock.now().as_millis() - stop.as_millis() >= 5 * 3600);
        assert_eq!(Clock::frozen(start).with_scale(0).scale(), 1, "at least 1");
    }

    #[test]
    fn running_clock_keeps_its_offset_and_can_freeze_and_resume() {
        let start = at("2030-06-01T00:00:00Z");
        let mut clock = Clock::running_from(start);
        assert_eq!(clock.mode(), ClockMode::Running);
        let now = clock.now();
        assert!(now >= start && now < start.plus_secs(60));
        clock
            .freeze_at(start.plus_secs(3600))
            .expect("an hour ahead is forward");
        assert_eq!(clock.now(), start.plus_secs(3600));
        clock.resume();
        assert_eq!(clock.mode(), ClockMode::Running);
        assert!(clock.now() >= start.plus_secs(3600));
    }

    #[test]
    fn auth_counts_on_the_wall_clock_unless_told_the_tenant_clock() {
        let past = at("2024-01-01T00:00:00Z");
        let wall = wall_now().as_secs();
        let mut clock = Clock::frozen(past);
        assert!(clock.is_fresh(wall, 300), "wall time is fresh by default");
        assert!(
            clock.is_fresh(past.as_secs() + 299, 300),
            "so is tenant time"
        );
        assert!(!clock.is_fresh(wall - 3600, 300));
        assert!(clock.wall_expiry(60).is_some());
        assert!(!clock.has_lapsed(past, clock.wall_expiry(60), 0));
        assert!(
            clock.has_lapsed(past.plus_secs(3600), Some(past), 0),
            "lapsed on the wall"
        );
        clock.resume();
        assert_eq!(clock.auth(), AuthClock::Wall, "resume keeps the auth clock");

        let clock = Clock::frozen(past).with_auth(AuthClock::Tenant);
        assert!(
            !clock.is_fresh(wall, 300),
            "wall time is stale on the tenant clock"
        );
        assert!(clock.is_fresh(past.as_secs() - 300, 300));
        assert_eq!(clock.wall_expiry(60), None);
        assert!(
            !clock.has_lapsed(past.plus_secs(1), Some(past), 0),
            "tenant clock decides"
        );
        assert!(clock.has_lapsed(past, None, 0));
        assert_eq!(clock.auth_wall_now(), None);
    }
}
