//! Time zones of cases (issue 22): an IANA zone by name, loaded once per run from jiff's database (the
//! system's, else the copy bundled in the binary), and the zone a case file's times are read in.

use std::cell::Cell;
use std::fmt;
use std::sync::Mutex;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};
use serde::{Deserialize, Serialize};

/// A time zone by its IANA name (`Europe/Paris`), from jiff's database (the system's, else the one
/// bundled). Copied freely: each zone is loaded once and kept for the run.
#[derive(Clone, Copy)]
pub struct Zone(Option<&'static LoadedZone>);

struct LoadedZone {
    name: &'static str,
    tz: TimeZone,
}

/// Every zone loaded in this run (a handful: the workstation's and the cases').
static LOADED: Mutex<Vec<&'static LoadedZone>> = Mutex::new(Vec::new());

/// Names of UTC itself, all read as `UTC`.
const UTC_NAMES: [&str; 8] = [
    "UTC",
    "Etc/UTC",
    "UCT",
    "Etc/UCT",
    "Universal",
    "Etc/Universal",
    "Zulu",
    "Etc/Zulu",
];

/// A zone name that is not in the time-zone database.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone '{name}': use an IANA name such as Europe/Paris, America/New_York or UTC")]
pub struct ZoneError {
    pub name: String,
}

impl Zone {
    /// Coordinated Universal Time.
    pub const UTC: Self = Self(None);

    /// The zone of an IANA name.
    ///
    /// # Errors
    /// A name the database does not know.
    pub fn named(name: &str) -> Result<Self, ZoneError> {
        let name = name.trim();
        if UTC_NAMES.iter().any(|utc| utc.eq_ignore_ascii_case(name)) {
            return Ok(Self::UTC);
        }
        let refused = || ZoneError { name: name.to_owned() };
        // The database's own spelling (`europe/paris` is Europe/Paris), so that one zone has one name; a
        // POSIX rule (`CET-1CEST,M3.5.0,M10.5.0/3`, as TZ may hold) is kept as written.
        let (tz, spelled) = match TimeZone::get(name) {
            Ok(tz) => {
                let spelled = tz.iana_name().unwrap_or(name).to_owned();
                (tz, spelled)
            }
            Err(_) => (TimeZone::posix(name).map_err(|_| refused())?, name.to_owned()),
        };
        if UTC_NAMES.contains(&spelled.as_str()) {
            return Ok(Self::UTC);
        }
        let mut loaded = LOADED.lock().map_err(|_| refused())?;
        if let Some(found) = loaded.iter().find(|z| z.name == spelled) {
            return Ok(Self(Some(found)));
        }
        // Kept for the run: a handful of zones, each a few kB.
        let zone: &'static LoadedZone = Box::leak(Box::new(LoadedZone {
            name: Box::leak(spelled.into_boxed_str()),
            tz,
        }));
        loaded.push(zone);
        Ok(Self(Some(zone)))
    }

    /// The workstation's zone (`TZ` — an IANA name or a POSIX rule —, else the system's setting), UTC
    /// when it has neither a name nor a rule; read once per run. Only the shell calls this; the engine takes the zone as a parameter.
    #[must_use]
    pub fn workstation() -> Self {
        static WORKSTATION: std::sync::OnceLock<Zone> = std::sync::OnceLock::new();
        *WORKSTATION.get_or_init(|| {
            let from_tz = std::env::var("TZ").ok().and_then(|tz| {
                let tz = tz.trim_start_matches(':');
                Self::named(tz).ok()
            });
            from_tz
                .or_else(|| TimeZone::system().iana_name().and_then(|name| Self::named(name).ok()))
                .unwrap_or(Self::UTC)
        })
    }

    /// Whether this is UTC (no clock changes).
    #[must_use]
    pub fn is_utc(self) -> bool {
        self.0.is_none()
    }

    /// The IANA name (`UTC` for UTC).
    #[must_use]
    pub fn name(self) -> &'static str {
        self.0.map_or("UTC", |z| z.name)
    }

    pub(super) fn offset_at(self, at: Timestamp) -> Offset {
        self.0.map_or(Offset::UTC, |z| z.tz.to_offset(at))
    }

    /// The clock change next to a wall-clock time in a gap or a fold, as the clock read just before and
    /// just after it (02:00 and 03:00): the first change after `civil` read at `lower`'s offset.
    pub(super) fn change_around(
        self,
        civil: DateTime,
        lower: Offset,
        old: Offset,
        new: Offset,
    ) -> Option<(DateTime, DateTime)> {
        let from = lower.to_timestamp(civil).ok()?;
        let at = self.0?.tz.following(from).next()?.timestamp();
        Some((old.to_datetime(at), new.to_datetime(at)))
    }

    /// Where a wall-clock time falls in this zone: once, in a gap or twice.
    pub(super) fn ambiguity(self, civil: DateTime) -> AmbiguousOffset {
        match self.0 {
            None => AmbiguousOffset::Unambiguous { offset: Offset::UTC },
            Some(z) => z.tz.to_ambiguous_timestamp(civil).offset(),
        }
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Zone {}

impl fmt::Debug for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Zone({})", self.name())
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Zone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Zone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Self::named(&name).map_err(serde::de::Error::custom)
    }
}

thread_local! {
    /// The zone a time read from a file without its offset is a wall-clock time of: set by the loader
    /// around one read (`reading_in`), UTC otherwise.
    static READING_ZONE: Cell<Zone> = const { Cell::new(Zone::UTC) };
}

/// The zone times are being read in (the default of an older case file's `time_zone`).
#[must_use]
pub fn reading_zone() -> Zone {
    READING_ZONE.with(Cell::get)
}

/// Runs `read` with times read by serde taken as wall-clock times of `zone` (a case file's times are in
/// its own zone, named in the file).
pub fn reading_in<T>(zone: Zone, read: impl FnOnce() -> T) -> T {
    struct Restore(Zone);
    impl Drop for Restore {
        fn drop(&mut self) {
            READING_ZONE.with(|z| z.set(self.0));
        }
    }
    let _restore = Restore(READING_ZONE.with(|z| z.replace(zone)));
    read()
}
