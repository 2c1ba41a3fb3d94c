//! Times of a case. A `ClinicalTime` is an absolute instant (minute precision) with the IANA time zone
//! whose wall clock shows it (clinical reference §14.8, issue 22): every duration is computed on the
//! instant, so a night with a clock change is 23 or 25 h long; every time written for a person is the
//! wall clock of the case's zone. A wall-clock time that does not exist (spring forward) is refused,
//! naming the clock change; one that occurs twice (fall back) is refused unless it is written with its
//! offset (`2026-10-25T02:30+01:00`).
//!
//! "Now" and the workstation's zone are never read inside the engine: every analysis takes an `as_of`
//! time, and the loaders take the workstation's zone as a parameter (the shell reads both).

use std::fmt;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, Offset};
use serde::{Deserialize, Serialize};

use super::units::{Hours, Minutes};
pub use super::zone::{Zone, ZoneError, reading_in, reading_zone};

/// The one accepted text form of a wall-clock time, in CSV files, case files and on the command line
/// (an offset, `+01:00`, may follow; it is required for a time that occurs twice).
pub const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// A time on the case's clock: an instant, minute precision, and the zone whose wall clock shows it.
/// Two times are equal, and ordered, by their instants.
#[derive(Clone, Copy)]
pub struct ClinicalTime {
    /// Minutes since 1970-01-01T00:00Z.
    minute: i64,
    zone: Zone,
}

impl PartialEq for ClinicalTime {
    fn eq(&self, other: &Self) -> bool {
        self.minute == other.minute
    }
}

impl Eq for ClinicalTime {}

impl PartialOrd for ClinicalTime {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ClinicalTime {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.minute.cmp(&other.minute)
    }
}

impl std::hash::Hash for ClinicalTime {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.minute.hash(state);
    }
}

impl fmt::Debug for ClinicalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClinicalTime({} {})", self.with_offset(), self.zone.name())
    }
}

/// Why a text is not a time of the case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeParseError {
    #[error(
        "'{text}' is not a time in the form YYYY-MM-DDTHH:MM (for example 2019-01-06T23:00; an offset such as +01:00 may follow)"
    )]
    Form { text: String },
    /// Spring forward: the clock jumped over it.
    #[error("{clock} on {day} does not exist in {zone}: clocks went from {from} to {to}")]
    DoesNotExist {
        clock: String,
        day: String,
        zone: String,
        from: String,
        to: String,
    },
    /// Fall back: the clock showed it twice.
    #[error("{0}")]
    OccursTwice(Box<RepeatedHour>),
    /// A time when the zone kept local mean time, whose offset had seconds (before about 1900): a case's
    /// clock counts whole minutes.
    #[error(
        "'{text}' is before {zone} kept standard time (its clock was then offset by seconds as well as minutes): a case's times are after that"
    )]
    BeforeStandardTime { text: String, zone: String },
    /// An offset the zone did not have at that time.
    #[error("{text}: {zone} was at {actual} then (that instant), not {written}")]
    WrongOffset {
        text: String,
        zone: String,
        actual: String,
        written: String,
    },
}

/// jiff's range (years −9999 to 9999), in minutes since the epoch, a minute inside each end.
/// A wall-clock time the clock showed twice, and how to write each.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{clock} on {day} occurs twice in {zone} (clocks went back from {back_from} to {back_to}): write it with its offset, {first} for the first or {second} for the second"
)]
pub struct RepeatedHour {
    pub clock: String,
    pub day: String,
    pub zone: String,
    pub back_from: String,
    pub back_to: String,
    pub first: String,
    pub second: String,
}

const MINUTES_MIN: i64 = -377_705_116_800 / 60 + 1;
const MINUTES_MAX: i64 = 253_402_207_200 / 60 - 1;

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm), for `const` times.
const fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// "+01:00".
fn offset_text(offset: Offset) -> String {
    let seconds = offset.seconds();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

/// "29 Mar".
fn day_month_text(civil: DateTime) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS
        .get(civil.month().unsigned_abs() as usize - 1)
        .copied()
        .unwrap_or("?");
    format!("{} {month}", civil.day())
}

/// "29 Mar 2026".
fn day_text(civil: DateTime) -> String {
    format!("{} {}", day_month_text(civil), civil.year())
}

/// "02:30".
fn clock_text(civil: DateTime) -> String {
    format!("{:02}:{:02}", civil.hour(), civil.minute())
}

/// `YYYY-MM-DDTHH:MM`, written directly: this is on the engine's hot path (every explanation names
/// times), where strftime or padded `format!` cost more than the arithmetic.
fn write_civil(f: &mut impl fmt::Write, d: DateTime) -> fmt::Result {
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

impl ClinicalTime {
    /// Builds a UTC time from its parts (tests, generated courses).
    ///
    /// # Errors
    /// Refuses impossible dates and times.
    pub fn from_parts(year: i16, month: i8, day: i8, hour: i8, minute: i8) -> Result<Self, TimeParseError> {
        let text = format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}");
        let civil = DateTime::new(year, month, day, hour, minute, 0, 0)
            .map_err(|_| TimeParseError::Form { text: text.clone() })?;
        Self::from_civil(civil, Zone::UTC, &text)
    }

    /// A fixed UTC time for constants; use it only in a `const` item, where an impossible date is a
    /// compile error rather than a run-time panic.
    #[must_use]
    pub const fn constant(year: i16, month: i8, day: i8, hour: i8, minute: i8) -> Self {
        // Validates the date at compile time.
        let _ = jiff::civil::datetime(year, month, day, hour, minute, 0, 0);
        let days = days_from_civil(year as i64, month as i64, day as i64);
        Self {
            minute: days * 1440 + hour as i64 * 60 + minute as i64,
            zone: Zone::UTC,
        }
    }

    /// This time at `now` (the shell's clock), truncated to the minute, shown in `zone`.
    #[must_use]
    pub fn now(zone: Zone) -> Self {
        Self {
            minute: Timestamp::now().as_second().div_euclid(60),
            zone,
        }
    }

    /// A wall-clock text of `zone` (`2019-01-06T23:00`; a space is not the `T`), or an instant written
    /// with its offset (`2026-10-25T02:30+01:00`, `…Z`), which must be one the zone had then.
    ///
    /// # Errors
    /// Another form, an impossible date, a time the clock skipped, a time the clock showed twice written
    /// without its offset, an offset the zone did not have.
    pub fn parse_in(text: &str, zone: Zone) -> Result<Self, TimeParseError> {
        let text = text.trim();
        let form = || TimeParseError::Form { text: text.to_owned() };
        let (clock, offset) = match text.get(..16) {
            Some(clock) if text.len() > 16 => (clock, text.get(16..).map(str::trim)),
            _ => (text, None),
        };
        let civil = DateTime::strptime(TIME_FORMAT, clock).map_err(|_| form())?;
        match offset {
            None => Self::from_civil(civil, zone, text),
            Some(written) => {
                let offset = parse_offset(written).ok_or_else(form)?;
                let at = offset.to_timestamp(civil).map_err(|_| form())?;
                let actual = zone.offset_at(at);
                if actual.seconds() % 60 != 0 {
                    return Err(TimeParseError::BeforeStandardTime {
                        text: text.to_owned(),
                        zone: zone.name().to_owned(),
                    });
                }
                if actual != offset {
                    return Err(TimeParseError::WrongOffset {
                        text: text.to_owned(),
                        zone: zone.name().to_owned(),
                        actual: offset_text(actual),
                        written: offset_text(offset),
                    });
                }
                Ok(Self {
                    minute: at.as_second().div_euclid(60),
                    zone,
                })
            }
        }
    }

    /// The instant a text written with an offset names (`2026-10-25T02:30+01:00`), in UTC; `None` without
    /// an offset or in another form.
    fn instant_with_offset(text: &str) -> Option<Self> {
        let text = text.trim();
        let (clock, offset) = (text.get(..16)?, text.get(16..)?.trim());
        let offset = parse_offset(offset)?;
        let civil = DateTime::strptime(TIME_FORMAT, clock).ok()?;
        let at = offset.to_timestamp(civil).ok()?;
        Some(Self {
            minute: at.as_second().div_euclid(60),
            zone: Zone::UTC,
        })
    }

    /// A wall-clock time of `zone`: refused in a gap, refused when it occurs twice.
    fn from_civil(civil: DateTime, zone: Zone, text: &str) -> Result<Self, TimeParseError> {
        let at = |offset: Offset| {
            if offset.seconds() % 60 != 0 {
                return Err(TimeParseError::BeforeStandardTime {
                    text: text.to_owned(),
                    zone: zone.name().to_owned(),
                });
            }
            offset
                .to_timestamp(civil)
                .map(|t| Self {
                    minute: t.as_second().div_euclid(60),
                    zone,
                })
                .map_err(|_| TimeParseError::Form { text: text.to_owned() })
        };
        match zone.ambiguity(civil) {
            AmbiguousOffset::Unambiguous { offset } => at(offset),
            AmbiguousOffset::Gap { before, after } => {
                let (from, to) = change_text(zone.change_around(civil, after, before, after), before, after);
                Err(TimeParseError::DoesNotExist {
                    clock: clock_text(civil),
                    day: day_text(civil),
                    zone: zone.name().to_owned(),
                    from,
                    to,
                })
            }
            AmbiguousOffset::Fold { before, after } => {
                let (back_from, back_to) = change_text(zone.change_around(civil, before, before, after), before, after);
                let clock = text.get(..16).unwrap_or(text);
                Err(TimeParseError::OccursTwice(Box::new(RepeatedHour {
                    clock: clock_text(civil),
                    day: day_text(civil),
                    zone: zone.name().to_owned(),
                    back_from,
                    back_to,
                    first: format!("{clock}{}", offset_text(before)),
                    second: format!("{clock}{}", offset_text(after)),
                })))
            }
        }
    }

    fn timestamp(self) -> Timestamp {
        Timestamp::from_second(self.minute.clamp(MINUTES_MIN, MINUTES_MAX) * 60).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    /// The wall clock of the time's zone.
    fn civil(self) -> DateTime {
        let at = self.timestamp();
        self.zone.offset_at(at).to_datetime(at)
    }

    /// The zone whose wall clock shows this time.
    #[must_use]
    pub fn zone(self) -> Zone {
        self.zone
    }

    /// The same instant on another zone's clock.
    #[must_use]
    pub fn in_zone(self, zone: Zone) -> Self {
        Self { zone, ..self }
    }

    /// The time as people read it (decisions.md, issue 29): the clock alone ("18:40") on the day of
    /// `reference` (the as-of time), "5 Dec 18:40" in its year, "5 Dec 2025 18:40" in another; with the
    /// offset in the hour a clock change repeats. Files, CSV and JSON keep ISO 8601.
    #[must_use]
    pub fn for_people(self, reference: Self) -> String {
        let civil = self.civil();
        let anchor = reference.in_zone(self.zone).civil();
        let clock = clock_text(civil);
        let mut text = if civil.date() == anchor.date() {
            clock
        } else if civil.year() == anchor.year() {
            format!("{} {clock}", day_month_text(civil))
        } else {
            format!("{} {clock}", day_text(civil))
        };
        if self.is_repeated() {
            text.push_str(&offset_text(self.zone.offset_at(self.timestamp())));
        }
        text
    }

    /// "5 Dec 2026 18:40": a time named on its own, with its day and year (the as-of time heading a
    /// document, the time a page was printed).
    #[must_use]
    pub fn dated_for_people(self) -> String {
        let civil = self.civil();
        let mut text = format!("{} {}", day_text(civil), clock_text(civil));
        if self.is_repeated() {
            text.push_str(&offset_text(self.zone.offset_at(self.timestamp())));
        }
        text
    }

    /// `2026-10-25T02:30+01:00`: the wall clock with its offset (JSON, case files).
    #[must_use]
    pub fn with_offset(self) -> String {
        let mut text = String::with_capacity(22);
        let _ = write_civil(&mut text, self.civil());
        text.push_str(&offset_text(self.zone.offset_at(self.timestamp())));
        text
    }

    /// Hours from `earlier` to `self` on absolute time (negative when `earlier` is later).
    #[must_use]
    pub fn hours_since(self, earlier: Self) -> f64 {
        (self.minute - earlier.minute) as f64 / 60.0
    }

    /// The time elapsed from `earlier` to `self`; zero when `earlier` is not earlier.
    #[must_use]
    pub fn elapsed_since(self, earlier: Self) -> Hours {
        Hours::elapsed_seconds((self.minute - earlier.minute).saturating_mul(60))
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
        self.minute - earlier.minute
    }

    /// This time moved by a number of minutes of absolute time; saturates at the calendar's ends.
    #[must_use]
    pub fn plus_minutes(self, minutes: i64) -> Self {
        Self {
            minute: self.minute.saturating_add(minutes).clamp(MINUTES_MIN, MINUTES_MAX),
            zone: self.zone,
        }
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
    /// `hour:minute` in this time's zone: today's if it has come, else yesterday's. "14:05" typed at 08:20
    /// is yesterday afternoon; typed at 15:00 it is today's.
    ///
    /// # Errors
    /// An impossible clock time, one the clock skipped that day, or one it showed twice.
    pub fn latest_at_clock(self, hour: i8, minute: i8) -> Result<Self, TimeParseError> {
        let form = || TimeParseError::Form {
            text: format!("{hour:02}:{minute:02}"),
        };
        let clock = jiff::civil::Time::new(hour, minute, 0, 0).map_err(|_| form())?;
        let today = self.civil().date();
        let yesterday = today.yesterday().map_err(|_| form())?;
        // Every moment the clock read `hour:minute` today and yesterday (none on a skipped hour, two on a
        // repeated one); the latest that has come is meant. Only when none has: why not.
        let mut last_refusal = None;
        let mut latest: Option<Self> = None;
        for date in [yesterday, today] {
            let civil = date.to_datetime(clock);
            let mut text = String::new();
            let _ = write_civil(&mut text, civil);
            let moments = match self.zone.ambiguity(civil) {
                AmbiguousOffset::Fold { before, after } => vec![before, after],
                AmbiguousOffset::Unambiguous { offset } => vec![offset],
                AmbiguousOffset::Gap { .. } => {
                    last_refusal = Self::from_civil(civil, self.zone, &text).err();
                    Vec::new()
                }
            };
            for offset in moments {
                let Ok(at) = offset.to_timestamp(civil) else { continue };
                let moment = Self {
                    minute: at.as_second().div_euclid(60),
                    zone: self.zone,
                };
                if !moment.is_in_future(self) && latest.is_none_or(|l| moment > l) {
                    latest = Some(moment);
                }
            }
        }
        latest.ok_or_else(|| last_refusal.unwrap_or_else(form))
    }

    /// The moment the zone's clock reads this time's wall clock plus `hours` (calendar hours: across a
    /// clock change, 24 of them are the same clock time the next day); in a repeated hour the first, `None`
    /// in a skipped one. For clock-aligned axis ticks.
    #[must_use]
    pub fn wall_clock_plus_hours(self, hours: i64) -> Option<Self> {
        let civil = self.civil().checked_add(jiff::SignedDuration::from_hours(hours)).ok()?;
        let offset = match self.zone.ambiguity(civil) {
            AmbiguousOffset::Unambiguous { offset } | AmbiguousOffset::Fold { before: offset, .. } => offset,
            AmbiguousOffset::Gap { .. } => return None,
        };
        let at = offset.to_timestamp(civil).ok()?;
        Some(Self {
            minute: at.as_second().div_euclid(60),
            zone: self.zone,
        })
    }

    /// The calendar year, month (1–12), day, hour and minute on the zone's clock, for axis labels.
    #[must_use]
    pub fn parts(self) -> (i16, i8, i8, i8, i8) {
        let c = self.civil();
        (c.year(), c.month(), c.day(), c.hour(), c.minute())
    }

    /// The start of this time's day on the zone's clock (midnight, or the first minute that exists).
    #[must_use]
    pub fn start_of_day(self) -> Self {
        let midnight = self.civil().date().to_datetime(jiff::civil::Time::midnight());
        match self.zone.ambiguity(midnight) {
            AmbiguousOffset::Unambiguous { offset } | AmbiguousOffset::Fold { before: offset, .. } => {
                offset.to_timestamp(midnight).map_or(self, |t| Self {
                    minute: t.as_second().div_euclid(60),
                    zone: self.zone,
                })
            }
            // Midnight skipped: the day starts when the clock jumps.
            AmbiguousOffset::Gap { before, .. } => before.to_timestamp(midnight).map_or(self, |t| Self {
                minute: t.as_second().div_euclid(60),
                zone: self.zone,
            }),
        }
    }

    /// Whether this time is too far after `now` to be a real result or dose: more than
    /// [`FUTURE_TOLERANCE_MIN`] minutes (a clock a little ahead on the analyser is tolerated).
    #[must_use]
    pub fn is_in_future(self, now: Self) -> bool {
        self > now.plus_minutes(FUTURE_TOLERANCE_MIN)
    }

    /// Whether this time's wall clock occurs twice in its zone (the hour after a clock goes back): then
    /// it is written with its offset.
    fn is_repeated(self) -> bool {
        !self.zone.is_utc() && matches!(self.zone.ambiguity(self.civil()), AmbiguousOffset::Fold { .. })
    }
}

/// A clock change as the clock read it ("02:00", "03:00"), or as the offsets when it cannot be found.
fn change_text(change: Option<(DateTime, DateTime)>, old: Offset, new: Offset) -> (String, String) {
    change.map_or_else(
        || (offset_text(old), offset_text(new)),
        |(from, to)| (clock_text(from), clock_text(to)),
    )
}

/// `+01:00`, `-05:30` or `Z`.
fn parse_offset(text: &str) -> Option<Offset> {
    if text == "Z" {
        return Some(Offset::UTC);
    }
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = text.get(1..)?.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if m >= 60 {
        return None;
    }
    Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

/// A lab or dose time more than this many minutes after now is refused — one constant for the CSV
/// import, the entry form and case files (decisions.md).
pub const FUTURE_TOLERANCE_MIN: i64 = 5;

/// The one refusal text for a time in the future.
#[must_use]
pub fn future_refusal(time: ClinicalTime, now: ClinicalTime) -> String {
    // "Now" on the same clock as the time refused (the workstation's may be another zone's).
    let now = now.in_zone(time.zone());
    format!("{time} is in the future (now is {now}; a time more than {FUTURE_TOLERANCE_MIN} minutes ahead is refused)")
}

/// Case files and JSON: the wall clock with its offset, `2026-03-29T03:10+02:00`.
impl Serialize for ClinicalTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.with_offset())
    }
}

/// A wall-clock time of the zone being read (`reading_in`), or an instant written with any offset — a
/// file written on a workstation in another zone is the same instants — shown on the zone's clock.
impl<'de> Deserialize<'de> for ClinicalTime {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let zone = reading_zone();
        Self::instant_with_offset(&text)
            .map(|t| Ok(t.in_zone(zone)))
            .unwrap_or_else(|| Self::parse_in(&text, zone))
            .map_err(serde::de::Error::custom)
    }
}

/// The wall clock of the time's zone, `2019-01-06T23:00`; in the hour a clock goes back, with the
/// offset that tells the two apart (`2026-10-25T02:30+01:00`).
impl fmt::Display for ClinicalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_civil(f, self.civil())?;
        if self.is_repeated() {
            f.write_str(&offset_text(self.zone.offset_at(self.timestamp())))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_for_people_drop_what_the_as_of_time_already_says() {
        let as_of = ClinicalTime::constant(2026, 12, 5, 20, 0);
        let people = |y, mo, d, h, mi| ClinicalTime::constant(y, mo, d, h, mi).for_people(as_of);
        assert_eq!(people(2026, 12, 5, 18, 40), "18:40", "the as-of day: the clock alone");
        assert_eq!(people(2026, 12, 4, 23, 5), "4 Dec 23:05");
        assert_eq!(people(2025, 12, 31, 23, 0), "31 Dec 2025 23:00", "another year");
        assert_eq!(as_of.dated_for_people(), "5 Dec 2026 20:00");
        // The hour a clock change repeats keeps its offset.
        let paris = Zone::named("Europe/Paris").unwrap_or_else(|e| panic!("{e}"));
        let first = ClinicalTime::parse_in("2026-10-25T02:30+02:00", paris).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first.for_people(first), "02:30+02:00");
    }

    #[test]
    fn parses_and_prints_minute_precision() {
        let t = ClinicalTime::parse_in("2019-01-06T23:00", Zone::UTC).unwrap();
        assert_eq!(t.to_string(), "2019-01-06T23:00");
        assert_eq!(t.plus_minutes(245).to_string(), "2019-01-07T03:05");
        assert_eq!(
            ClinicalTime::parse_in("0999-12-31T09:05", Zone::UTC)
                .unwrap()
                .to_string(),
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
            assert!(
                ClinicalTime::parse_in(bad, Zone::UTC).is_err(),
                "{bad} should be refused"
            );
        }
    }
}
