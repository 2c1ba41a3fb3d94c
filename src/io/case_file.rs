//! Case files: RON, versioned, human-readable. Loading never guesses: a malformed file, a missing field,
//! an unknown field, a newer version or an implausible value is an error that names the file, the line
//! and what is allowed. Saving is atomic (temporary file in the same folder, flushed, then renamed).

use std::path::Path;

use serde::Deserialize;

pub use super::safe_write::{SaveStep, write_atomically, write_atomically_until};
use crate::model::{CASE_FORMAT_VERSION, Case, Zone, reading_in};
use crate::protocol::case_protocols::CaseProtocols;
use crate::protocol::plausibility::{check_event, check_weight};
use crate::protocol::{Protocol, ProtocolError};

#[derive(Debug, thiserror::Error)]
pub enum CaseFileError {
    #[error("cannot read {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("cannot save {path}: {error} (the previous file, if any, is unchanged)")]
    Write { path: String, error: std::io::Error },
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{path} was written by a newer anticoag-planner (case format {found}; this version reads {supported}): open it with the newer version; it will not be overwritten"
    )]
    NewerVersion { path: String, found: u32, supported: u32 },
    #[error("{path}: case format version {found} is not supported (expected {supported})")]
    UnsupportedVersion { path: String, found: u32, supported: u32 },
    #[error("{path}: protocol '{name}' of {setting}: {error}")]
    Protocol {
        path: String,
        name: String,
        /// The setting it is the protocol of ("ICU", "cardiopulmonary bypass").
        setting: &'static str,
        error: Box<ProtocolError>,
    },
    #[error("cannot save {path}: {error}")]
    ProtocolPath {
        path: String,
        error: super::protocol_paths::ProtocolPathError,
    },
    #[error("{path}: the case has {} problem(s):\n{}", problems.len(), problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid { path: String, problems: Vec<String> },
}

/// A case with the resolved protocol of each of its settings. Values above a soft limit are not reported
/// here: the prepared case ([`crate::analysis::Prepared`]) lists them, once, with the wording the analysis
/// shows.
#[derive(Debug, Clone)]
pub struct LoadedCase {
    pub case: Case,
    pub protocols: CaseProtocols,
    /// The file's version when it was older than this build's: migrated in memory, written in the
    /// newest version only when the user saves ([`super::case_migration::migration_note`] says what
    /// changed).
    pub migrated_from: Option<u32>,
    /// The file named no time zone (a format older than 5): its times were read as wall-clock times of
    /// the workstation's zone, which the case now carries (said on screen; written only on save).
    pub zone_from_workstation: bool,
    /// Each setting whose protocol is not the one recorded when the case was saved (issue 26): the window
    /// offers "use this protocol (audited)" or "open read-only"; the command line prints a warning.
    pub protocol_changes: Vec<crate::protocol::case_protocols::PinChange>,
    /// Where the audit trail's hash chain breaks, if it does (issue 27): the file was edited by hand. The
    /// window shows it in a banner and records it; the command line warns.
    pub audit_broken: Option<String>,
}

impl LoadedCase {
    /// The case prepared by each setting's protocol: what analyses it at any time.
    #[must_use]
    pub fn engine(&self) -> crate::analysis::CaseEngine {
        crate::analysis::CaseEngine::new(&self.case, self.protocols.clone())
    }

    /// The case-start setting's protocol: the only one of a case that stays in one setting (a case that
    /// changes setting is analysed through [`Self::engine`]).
    #[must_use]
    pub fn start_protocol(&self) -> &Protocol {
        &self.protocols.first().protocol
    }
}

/// A case file's `time_zone`, read before the rest: every other time of the file is a wall-clock time of
/// it.
#[derive(Deserialize)]
struct ZoneProbe {
    #[serde(default, deserialize_with = "present_string")]
    time_zone: Option<String>,
}

/// A string field that may be absent (written as a plain string, not `Some(…)`).
fn present_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    String::deserialize(d).map(Some)
}

#[derive(Deserialize)]
struct VersionProbe {
    version: u32,
}

/// The file's format version, if it says one: from the first field when it is `version` (as in every
/// file this program writes), else by parsing the file for its `version` field.
fn format_version(text: &str) -> Option<u32> {
    version_in_first_field(text).or_else(|| ron::from_str::<VersionProbe>(text).ok().map(|p| p.version))
}

/// `version: N` as the first field of the case, read without parsing the rest: plain decimal digits
/// followed by `,`, `)`, white space or a comment. Anything else — digits running to the end of the
/// text read (a number cut by a partial read), `1_0`, `0x10` — is `None`, and the caller parses the
/// whole file as RON does.
fn version_in_first_field(text: &str) -> Option<u32> {
    /// The text after white space and comments (block comments nest, as in RON).
    fn skip(mut rest: &str) -> &str {
        loop {
            rest = rest.trim_start();
            if let Some(comment) = rest.strip_prefix("//") {
                rest = comment.find('\n').map_or("", |i| &comment[i..]);
            } else if rest.starts_with("/*") {
                let mut depth = 0_usize;
                let mut i = 0;
                while i < rest.len() {
                    if rest[i..].starts_with("/*") {
                        depth += 1;
                        i += 2;
                    } else if rest[i..].starts_with("*/") {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += rest[i..].chars().next().map_or(1, char::len_utf8);
                    }
                }
                rest = &rest[i.min(rest.len())..];
            } else {
                return rest;
            }
        }
    }
    let rest = skip(text.strip_prefix('\u{feff}').unwrap_or(text));
    // An optional struct name before the parenthesis.
    let rest = skip(rest.trim_start_matches(|c: char| c.is_alphanumeric() || c == '_'));
    let rest = skip(skip(rest.strip_prefix('(')?).strip_prefix("version")?);
    let rest = skip(rest.strip_prefix(':')?);
    let digits = rest.find(|c: char| !c.is_ascii_digit())?;
    let after = &rest[digits..];
    let ends = after.starts_with([',', ')']) || after.starts_with(char::is_whitespace) || after.starts_with('/');
    if ends { rest[..digits].parse().ok() } else { None }
}

/// The case-format version of the file at `path` when it is a case file (issue 27: a handover is never
/// written over one).
#[must_use]
pub fn case_format_version_of(path: &Path) -> Option<u32> {
    version_on_disk(path)
}

/// The format version of the file at `path`, if there is one: from its first 4 kB when the version is
/// its first field, so that saving over a large case does not read and parse the old file whole.
fn version_on_disk(path: &Path) -> Option<u32> {
    use std::io::Read as _;
    // Only a regular file is opened (a FIFO would wait for a writer).
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path).ok()?.take(4096).read_to_end(&mut head).ok()?;
    let head = match std::str::from_utf8(&head) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&head[..e.valid_up_to()]).ok()?,
    };
    version_in_first_field(head).or_else(|| format_version(&std::fs::read_to_string(path).ok()?))
}

/// The top-level `time_zone` read from the text before the events alone (the unit board reads dozens
/// of files: issue 31): the text up to the first line `    events: [`, closed with `)`, parsed as the
/// probe. Only a parse that succeeds and finds the field counts — a cut inside a string or a nested
/// value does not parse, and a file whose zone comes after its events finds none — and then the whole
/// file is probed as before.
fn zone_before_events(text: &str) -> Option<String> {
    let cut = text.find("\n    events: [")?;
    ron::from_str::<ZoneProbe>(&format!("{})", &text[..cut]))
        .ok()?
        .time_zone
}

/// The zone a case file's times are read in, and whether it is the workstation's (an older file that
/// names none).
fn case_zone(text: &str, version: Option<u32>, origin: &str, workstation: Zone) -> Result<(Zone, bool), CaseFileError> {
    // The file's own zone whenever it names one (a hand-edited older file too: its times and its zone
    // must agree); a file older than format 5 without one is read in the workstation's zone.
    let named = if version.is_some_and(|v| v < 2) {
        None
    } else if let Some(zone) = zone_before_events(text) {
        Some(zone)
    } else {
        ron::from_str::<ZoneProbe>(text)
            .map_err(|e| match parse_error(origin, e) {
                // The probe is ours, not the user's: name what the file should be.
                CaseFileError::Parse {
                    path,
                    line,
                    column,
                    message,
                } => CaseFileError::Parse {
                    path,
                    line,
                    column,
                    message: message.replace("struct `ZoneProbe`", "a case file (a RON struct)"),
                },
                other => other,
            })?
            .time_zone
    };
    let zone_from_workstation = named.is_none() && version.is_some_and(|v| v < 5);
    let zone = match named {
        Some(name) => Zone::named(&name).map_err(|e| CaseFileError::Invalid {
            path: origin.to_owned(),
            problems: vec![format!("time_zone: {e}")],
        })?,
        None if zone_from_workstation => workstation,
        None => {
            return Err(CaseFileError::Invalid {
                path: origin.to_owned(),
                problems: vec![format!(
                    "time_zone is missing: a case of format {CASE_FORMAT_VERSION} names the IANA time zone of its clock (time_zone: \"Europe/Paris\")"
                )],
            });
        }
    };
    Ok((zone, zone_from_workstation))
}

/// A RON error as a parse error of the file, with its line and column.
fn parse_error(origin: &str, e: ron::error::SpannedError) -> CaseFileError {
    CaseFileError::Parse {
        path: origin.to_owned(),
        line: e.span.start.line,
        column: e.span.start.col,
        message: e.code.to_string(),
    }
}

/// Parses case text. `origin` names the file in messages; `base_dir` resolves a protocol given as a
/// relative path; a file older than format 5 (no `time_zone`) is read in the `workstation` zone.
///
/// # Errors
/// See [`CaseFileError`].
pub fn parse_case(
    text: &str,
    origin: &str,
    base_dir: Option<&Path>,
    workstation: Zone,
) -> Result<LoadedCase, CaseFileError> {
    let version = format_version(text);
    if let Some(found) = version {
        if found > CASE_FORMAT_VERSION {
            return Err(CaseFileError::NewerVersion {
                path: origin.to_owned(),
                found,
                supported: CASE_FORMAT_VERSION,
            });
        }
        if found == 0 {
            return Err(CaseFileError::UnsupportedVersion {
                path: origin.to_owned(),
                found,
                supported: CASE_FORMAT_VERSION,
            });
        }
    }
    let migrated_from = version.filter(|v| *v < CASE_FORMAT_VERSION);
    let (zone, zone_from_workstation) = case_zone(text, version, origin, workstation)?;
    // An older file read in the workstation's zone may hold a time that zone skipped or repeated.
    let parse_error = |e: ron::error::SpannedError| {
        let mut error = parse_error(origin, e);
        if zone_from_workstation && let CaseFileError::Parse { message, .. } = &mut error {
            message.push_str(&format!(
                " (this file is older than case format 5 and names no time zone, so it is read in {workstation}: open it with --time-zone ZONE, or write the offset)"
            ));
        }
        error
    };
    let mut case: Case = reading_in(zone, || match migrated_from {
        Some(1) => super::case_migration::from_v1(text),
        // Versions 2 to 5 lack only what later versions added (3: identifiers, entry stamps, the audit
        // trail, deleted events, all optional; 4: the anti-Xa below a limit, a new event kind; 5: the time
        // zone, read as the workstation's; 6 and 8: new event kinds): they read as they are and are
        // written as the newest version when saved.
        _ => ron::from_str(text),
    })
    .map_err(parse_error)?;
    case.version = CASE_FORMAT_VERSION;
    protocols_before_v7(&mut case, migrated_from, origin)?;
    let protocols = CaseProtocols::resolve(&case, |name| super::protocol_paths::resolve_protocol(name, base_dir))
        .map(|p| p.in_folder(base_dir))
        .map_err(|e| CaseFileError::Protocol {
            path: origin.to_owned(),
            name: e.name,
            setting: e.setting.label(),
            error: Box::new(e.error),
        })?;
    // Each event is checked by the protocol of the setting in effect at its time.
    let setting_changes = setting_changes(&case);
    let protocol_at = |t: crate::model::ClinicalTime| {
        let setting = setting_changes[..setting_changes.partition_point(|(at, _)| *at <= t)]
            .last()
            .map_or(case.patient.setting, |(_, s)| *s);
        protocols
            .of(setting)
            .map_or(&protocols.first().protocol, |c| &c.protocol)
    };
    let protocol = &protocols.first().protocol;
    let event_lines = event_lines(text);
    let line_of = |i: usize| event_lines.get(i).map_or(String::new(), |l| format!("line {l}: "));
    let mut problems = case.forging_text();
    for (i, event) in case.events.iter().enumerate() {
        if event.reason.is_some() && !event.kind.is_infusion_stop() {
            problems.push(format!(
                "{}event {i} at {}: a stop reason belongs only to an infusion stopped with rate 0",
                line_of(i),
                event.time
            ));
        }
    }
    if let Err(e) = check_weight(&protocol.plausibility, case.patient.weight.kg) {
        problems.push(format!("patient.weight.kg: {e}"));
    }
    // Per series, times must increase in the file.
    let mut last: Vec<(crate::model::EventCode, usize)> = Vec::new();
    for (i, event) in case.events.iter().enumerate() {
        if let Err(e) = check_event(
            &protocol_at(event.time).plausibility,
            event.kind,
            case.patient.weight.kg,
        ) {
            problems.push(format!("{}event {i} at {}: {e}", line_of(i), event.time));
        }
        let series = event.kind.series();
        if let Some((_, prev)) = last.iter_mut().find(|(s, _)| *s == series) {
            let before = &case.events[*prev];
            if event.time < before.time {
                problems.push(format!(
                    "{}event {i} ({}) at {} is earlier than event {} of the same kind at {}: events of one kind must be in time order",
                    line_of(i),
                    event.kind.describe(),
                    event.time,
                    prev,
                    before.time
                ));
            }
            *prev = i;
        } else {
            last.push((series, i));
        }
    }
    // A result or dose in the future is refused as the CSV import refuses it (issue 27: a case file
    // accepted events dated 2099). The one place the loader reads the clock.
    if let Err(errors) = case.check_timeline(Some(crate::model::ClinicalTime::now(case.time_zone))) {
        problems.extend(errors.into_iter().map(|e| match e {
            crate::model::TimelineError::BeforeStart { index, .. }
            | crate::model::TimelineError::Duplicate { index, .. }
            | crate::model::TimelineError::InFuture { index, .. } => format!("{}{e}", line_of(index)),
        }));
    }
    if !problems.is_empty() {
        return Err(CaseFileError::Invalid {
            path: origin.to_owned(),
            problems,
        });
    }
    case.sort_events();
    let protocol_changes = protocols.changes_since(&case.protocol_pins);
    let audit_broken = checked_trail(&mut case);
    Ok(LoadedCase {
        audit_broken,
        case,
        protocols,
        migrated_from,
        zone_from_workstation,
        protocol_changes,
    })
}

/// Where the audit trail's chain breaks, if it does (issue 27). In memory the head then becomes the trail's
/// own, as found: the next entry links to what is there, so a recorded break verifies on the next opening.
fn checked_trail(case: &mut Case) -> Option<String> {
    let broken = case.audit_chain_break();
    let trail = std::mem::take(&mut case.audit);
    case.set_audit_trail(trail);
    broken
}

/// A file older than case format 7 names one protocol, `protocol`: it becomes the protocol of the case-start
/// setting. A newer file names them per setting, `protocols`, and `protocol` is refused by name.
fn protocols_before_v7(case: &mut Case, migrated_from: Option<u32>, origin: &str) -> Result<(), CaseFileError> {
    let refuse = |message: &str| CaseFileError::Parse {
        path: origin.to_owned(),
        line: 1,
        column: 1,
        message: message.to_owned(),
    };
    match (migrated_from.is_some_and(|v| v < 7), case.protocol_before_v7.take()) {
        (true, Some(name)) => {
            if !case.protocols.is_empty() {
                return Err(refuse(
                    "both `protocol` and `protocols`: a file older than case format 7 names one `protocol`",
                ));
            }
            case.protocols.insert(case.patient.setting, name);
            Ok(())
        }
        // A version-1 file is read by its own struct, which names the protocol already.
        (true, None) if !case.protocols.is_empty() => Ok(()),
        (true, None) => Err(refuse(
            "missing field `protocol` (the case's protocol, e.g. \"adult-icu\")",
        )),
        (false, Some(_)) => Err(refuse(
            "`protocol` was replaced by `protocols` in case format 7: write protocols: {icu: \"adult-icu\"} (one per setting)",
        )),
        (false, None) => Ok(()),
    }
}

/// The setting rows of a case, in time order (the loader and the window's CSV import read them).
#[must_use]
pub fn setting_changes(case: &Case) -> Vec<(crate::model::ClinicalTime, crate::model::Setting)> {
    let mut changes: Vec<_> = case
        .events
        .iter()
        .filter_map(|e| match e.kind {
            crate::model::EventKind::SettingFrom(s) => Some((e.time, s)),
            _ => None,
        })
        .collect();
    changes.sort_by_key(|(t, _)| *t);
    changes
}

/// Line numbers of each event's `time:` key, in order (for messages).
fn event_lines(text: &str) -> Vec<usize> {
    let Some(start) = text.find("events:") else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    let mut line = text[..start].matches('\n').count() + 1;
    for (i, l) in text[start..].split('\n').enumerate() {
        if i > 0 {
            line += 1;
        }
        let mut rest = l;
        while let Some(pos) = rest.find("time:") {
            lines.push(line);
            rest = &rest[pos + 5..];
        }
    }
    lines
}

/// Loads a case file (one older than format 5 in the `workstation` zone).
///
/// # Errors
/// See [`CaseFileError`].
pub fn load_case(path: &Path, workstation: Zone) -> Result<LoadedCase, CaseFileError> {
    let origin = path.display().to_string();
    let bytes = super::bounded::read_regular_file(path, super::bounded::CASE_MAX_BYTES, "case").map_err(|e| {
        CaseFileError::Read {
            path: origin.clone(),
            error: std::io::Error::other(e.to_string()),
        }
    })?;
    let text = String::from_utf8(bytes).map_err(|e| CaseFileError::Parse {
        path: origin.clone(),
        line: 1,
        column: 1,
        message: format!(
            "the file is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
    })?;
    parse_case(&text, &origin, path.parent(), workstation)
}

/// The case as RON text, one event per line, with a header comment.
#[must_use]
pub fn to_ron_string(case: &Case) -> String {
    let config = ron::ser::PrettyConfig::new().depth_limit(2).indentor("    ".to_owned());
    let body = ron::ser::to_string_pretty(case, config).unwrap_or_else(|e| format!("// serialisation failed: {e}"));
    format!(
        "// anticoag-planner case file, format version {CASE_FORMAT_VERSION}.\n// Times are YYYY-MM-DDTHH:MM±HH:MM: the bedside clock of time_zone, with its offset. Edit with care: the app validates every field on load.\n{body}\n"
    )
}

/// Saves atomically: write a temporary file beside the target, flush it to disk, rename over the target.
/// A crash at any point leaves either the old file or the new one, never a truncated one. A file written
/// by a newer version is never overwritten.
///
/// # Errors
/// I/O failure, or the target is a newer-version case file.
pub fn save_case(path: &Path, case: &Case) -> Result<(), CaseFileError> {
    let origin = path.display().to_string();
    if let Some(found) = version_on_disk(path)
        && found > CASE_FORMAT_VERSION
    {
        return Err(CaseFileError::NewerVersion {
            path: origin,
            found,
            supported: CASE_FORMAT_VERSION,
        });
    }
    let text = to_ron_string(case);
    write_atomically(path, text.as_bytes()).map_err(|error| CaseFileError::Write { path: origin, error })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_version_is_read_from_the_first_field_or_from_the_whole_file() {
        let written = "// anticoag-planner case file\n/* a note */\n(\n    version: 5,\n    title: \"x\",";
        assert_eq!(
            version_in_first_field(written),
            Some(5),
            "first field, the rest not parsed"
        );
        assert_eq!(
            version_in_first_field("Case(version:12)"),
            Some(12),
            "a struct name before it"
        );
        let later = "(title: \"x\", version: 7)";
        assert_eq!(version_in_first_field(later), None);
        assert_eq!(format_version(later), Some(7), "elsewhere: the whole file is parsed");
        assert_eq!(format_version("(title: \"x\")"), None);
        assert_eq!(format_version("not a case"), None);
        // A number cut by a partial read, or written in a form RON reads differently, is not taken from
        // the first field: the whole file decides (review of issue 20).
        assert_eq!(version_in_first_field("(\n    version: 1"), None);
        assert_eq!(version_in_first_field("(version: 1_0, title: \"x\")"), None);
        assert_eq!(version_in_first_field("(version: 0x10)"), None);
        assert_eq!(format_version("(version: 1_0)"), Some(10));
        assert_eq!(
            version_in_first_field("/* a /* b */ (version: 9) */\n(version: 4, title: \"x\")"),
            Some(4)
        );
    }

    /// The quick zone read (issue 31) takes only a field it can be sure of; anything else falls back to
    /// the whole file's probe, which reads the same zone.
    #[test]
    fn the_zone_is_read_before_the_events_only_when_that_is_certain() {
        let zone = |text: &str| {
            case_zone(
                text,
                Some(8),
                "t.ron",
                Zone::named("UTC").unwrap_or_else(|e| panic!("{e}")),
            )
        };
        let written = "(\n    version: 8,\n    title: \"x\",\n    time_zone: \"Europe/Paris\",\n    events: [\n        (time: \"2026-01-01T00:00\"),\n    ],\n)";
        assert_eq!(zone_before_events(written).as_deref(), Some("Europe/Paris"));
        // A title holding the marker: the cut falls inside the string, which does not parse.
        let spoof = "(\n    version: 8,\n    title: \"a\n    events: [ time_zone: \\\"Asia/Tokyo\\\"\",\n    time_zone: \"Europe/Paris\",\n    events: [],\n)";
        assert_eq!(zone_before_events(spoof), None);
        assert_eq!(
            zone(spoof).map(|(z, _)| z.name().to_owned()).ok().as_deref(),
            Some("Europe/Paris")
        );
        // The zone after the events: none before them, the whole file finds it.
        let after = "(\n    version: 8,\n    title: \"x\",\n    events: [],\n    time_zone: \"America/New_York\",\n)";
        assert_eq!(zone_before_events(after), None);
        assert_eq!(
            zone(after).map(|(z, _)| z.name().to_owned()).ok().as_deref(),
            Some("America/New_York")
        );
    }
}
