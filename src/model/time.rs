//! Wall-clock times of a case (the bedside clock, no time zone), minute precision.
//!
//! "Now" is never read inside the engine: every analysis takes an `as_of` time.

use std::fmt;
use std::str::FromStr;

use jiff::SignedDuration;
use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};

use super::units::{Hours, Minutes};

/// The one accepted text form, in CSV files, case files and on the command line.
pub const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// A time on the case's clock, e.g. `2019-01-06T23:00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClinicalTime(DateTime);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{text}' is not a time in the form YYYY-MM-DDTHH:MM (for example 2019-01-06T23:00)")]
pub struct TimeParseError {
    pub text: String,
}

impl ClinicalTime {
    /// Builds a time from its parts.
    ///
    /// # Errors
    /// Refuses impossible dates and times.
    pub fn from_parts(year: i16, month: i8, day: i8, hour: i8, minute: i8) -> Result<Self, TimeParseError> {
        DateTime::new(year, month, day, hour, minute, 0, 0)
            .map(Self)
            .map_err(|_| TimeParseError {
                text: format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}"),
            })
    }

    /// A fixed time for constants; use it only in a `const` item, where an impossible date is a
    /// compile error rather than a run-time panic.
    #[must_use]
    pub const fn constant(year: i16, month: i8, day: i8, hour: i8, minute: i8) -> Self {
        Self(jiff::civil::datetime(year, month, day, hour, minute, 0, 0))
    }

    /// Hours from `earlier` to `self` (negative when `earlier` is later).
    #[must_use]
    pub fn hours_since(self, earlier: Self) -> f64 {
        self.0.duration_since(earlier.0).as_secs_f64() / 3600.0
    }

    /// The time elapsed from `earlier` to `self`; zero when `earlier` is not earlier.
    #[must_use]
    pub fn elapsed_since(self, earlier: Self) -> Hours {
        Hours::elapsed_seconds(self.0.duration_since(earlier.0).as_secs())
    }

    /// This time moved by a duration in hours, rounded to the minute.
    #[must_use]
    pub fn after_hours(self, duration: Hours) -> Self {
        self.plus_hours(duration.value())
    }

    /// This time moved by a duration in minutes, rounded to the minute.
    #[must_use]
    pub fn after_minutes(self, duration: Minutes) -> Self {
        self.plus_hours(duration.in_hours().value())
    }

    /// Whole minutes from `earlier` to `self`.
    #[must_use]
    pub fn minutes_since(self, earlier: Self) -> i64 {
        self.0.duration_since(earlier.0).as_secs() / 60
    }

    /// This time moved by a number of minutes; saturates at the calendar's ends.
    #[must_use]
    pub fn plus_minutes(self, minutes: i64) -> Self {
        Self(self.0.saturating_add(SignedDuration::from_mins(minutes)))
    }

    /// This time moved by (fractional) hours, rounded to the minute.
    #[must_use]
    pub fn plus_hours(self, hours: f64) -> Self {
        let minutes = (hours * 60.0).round();
        // Clamp before converting: the calendar spans far less than i64 minutes.
        let minutes = minutes.clamp(-1.0e9, 1.0e9) as i64;
        self.plus_minutes(minutes)
    }

    /// The most recent moment at or before `self` (within the future tolerance) whose clock reads
    /// `hour:minute`: today's if it has come, else yesterday's. "14:05" typed at 08:20 is yesterday
    /// afternoon; typed at 15:00 it is today's. `None` for an impossible clock time.
    #[must_use]
    pub fn latest_at_clock(self, hour: i8, minute: i8) -> Option<Self> {
        let clock = jiff::civil::Time::new(hour, minute, 0, 0).ok()?;
        let candidate = Self(self.0.date().to_datetime(clock));
        Some(if candidate.is_in_future(self) {
            candidate.plus_minutes(-24 * 60)
        } else {
            candidate
        })
    }

    /// The calendar year, month (1–12), day, hour and minute, for axis labels.
    #[must_use]
    pub fn parts(self) -> (i16, i8, i8, i8, i8) {
        (
            self.0.year(),
            self.0.month(),
            self.0.day(),
            self.0.hour(),
            self.0.minute(),
        )
    }

    /// Midnight at the start of this time's day.
    #[must_use]
    pub fn start_of_day(self) -> Self {
        Self(self.0.date().to_datetime(jiff::civil::Time::midnight()))
    }

    /// Whether this time is too far after `now` to be a real result or dose: more than
    /// [`FUTURE_TOLERANCE_MIN`] minutes (a clock a little ahead on the analyser is tolerated).
    #[must_use]
    pub fn is_in_future(self, now: Self) -> bool {
        self > now.plus_minutes(FUTURE_TOLERANCE_MIN)
    }

    /// The current local wall-clock time, truncated to the minute. Only the shell (CLI, GUI) calls
    /// this, to refuse labs dated in the future; the engine never does.
    #[must_use]
    pub fn now_local() -> Self {
        let now = jiff::Zoned::now().datetime();
        Self(now.with().second(0).subsec_nanosecond(0).build().unwrap_or(now))
    }
}

/// A lab or dose time more than this many minutes after now is refused — one constant for the CSV
/// import, the entry form and case files (decisions.md).
pub const FUTURE_TOLERANCE_MIN: i64 = 5;

/// The one refusal text for a time in the future.
#[must_use]
pub fn future_refusal(time: ClinicalTime, now: ClinicalTime) -> String {
    format!("{time} is in the future (now is {now}; a time more than {FUTURE_TOLERANCE_MIN} minutes ahead is refused)")
}

impl FromStr for ClinicalTime {
    type Err = TimeParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        DateTime::strptime(TIME_FORMAT, text.trim())
            .map(Self)
            .map_err(|_| TimeParseError { text: text.to_owned() })
    }
}

impl TryFrom<String> for ClinicalTime {
    type Error = TimeParseError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<ClinicalTime> for String {
    fn from(t: ClinicalTime) -> Self {
        t.to_string()
    }
}

impl fmt::Display for ClinicalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Same text as TIME_FORMAT, assembled directly: this is on the engine's hot path (every
        // explanation names times) and strftime or padded format! cost more than the arithmetic.
        let d = self.0;
        let year = d.year();
        if !(0..=9999).contains(&year) {
            return write!(
                f,
                "{:04}-{:02}-{:02}T{:02}:{:02}",
                year,
                d.month(),
                d.day(),
                d.hour(),
                d.minute()
            );
        }
        let two = |v: i8| [b'0' + (v / 10) as u8, b'0' + (v % 10) as u8];
        let y = year as u16;
        let (mo, da, ho, mi) = (two(d.month()), two(d.day()), two(d.hour()), two(d.minute()));
        let text = [
            b'0' + (y / 1000) as u8,
            b'0' + (y / 100 % 10) as u8,
            b'0' + (y / 10 % 10) as u8,
            b'0' + (y % 10) as u8,
            b'-',
            mo[0],
            mo[1],
            b'-',
            da[0],
            da[1],
            b'T',
            ho[0],
            ho[1],
            b':',
            mi[0],
            mi[1],
        ];
        f.write_str(std::str::from_utf8(&text).map_err(|_| fmt::Error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_minute_precision() {
        let t: ClinicalTime = "2019-01-06T23:00".parse().unwrap();
        assert_eq!(t.to_string(), "2019-01-06T23:00");
        assert_eq!(t.plus_minutes(245).to_string(), "2019-01-07T03:05");
        assert_eq!(
            "0999-12-31T09:05".parse::<ClinicalTime>().unwrap().to_string(),
            "0999-12-31T09:05"
        );
        assert!((t.plus_minutes(90).hours_since(t) - 1.5).abs() < 1e-12);
    }

    #[test]
    fn refuses_other_forms() {
        for bad in [
            "2019-01-06 23:00",
            "06/01/2019 23:00",
            "2019-02-30T10:00",
            "2019-01-06T25:00",
            "",
            "2019-01-06T23:00:00",
        ] {
            assert!(bad.parse::<ClinicalTime>().is_err(), "{bad} should be refused");
        }
    }
}
