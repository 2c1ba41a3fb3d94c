//! A small reader of HL7 v2 result messages (ORU^R01; issue 32) over the segment grammar — no
//! maintained Rust crate reads v2.x with jiff times and stays small (checked: `hl7-parser`, `rust-hl7`,
//! `hl7v2`; see README) — with its own fuzz target. Segments end with CR (LF and CRLF also taken);
//! the field separator and the encoding characters come from each MSH; escapes \F\ \S\ \T\ \R\ \E\ are
//! undone. What it reads: PID-3 (the patient identifier, its MR repetition else the first), OBR-3 (the
//! filler order number) and OBR-7 (the observation time), and each OBX — set id, value type, the coded
//! observation with its alternate, sub-id, value, units, status, time (OBX-14, else OBR-7).

use super::{LabResult, PatientId, ResultStatus, parse_time};
use crate::io::labs::codes::ResultValue;
use crate::model::Zone;

/// Why a file is not HL7 v2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Hl7Error {
    #[error("not an HL7 v2 message: it does not start with an MSH segment")]
    NoMessage,
    #[error("segment {segment}: the MSH segment is too short to name its separators")]
    ShortMsh { segment: usize },
}

/// The separators of one message.
#[derive(Debug, Clone, Copy)]
struct Separators {
    field: char,
    component: char,
    repetition: char,
    escape: char,
    subcomponent: char,
}

impl Separators {
    fn unescape(self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find(self.escape) {
            out.push_str(&rest[..start]);
            let after = &rest[start + self.escape.len_utf8()..];
            match after.find(self.escape) {
                Some(end) => {
                    match &after[..end] {
                        "F" => out.push(self.field),
                        "S" => out.push(self.component),
                        "T" => out.push(self.subcomponent),
                        "R" => out.push(self.repetition),
                        "E" => out.push(self.escape),
                        // Formatting and hexadecimal escapes are dropped, not guessed.
                        _ => {}
                    }
                    rest = &after[end + self.escape.len_utf8()..];
                }
                None => {
                    out.push_str(&rest[start..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// One segment's fields (index 0 is the segment name; for MSH, index 1 is the field separator itself,
/// as the standard numbers them).
struct Segment<'a> {
    fields: Vec<&'a str>,
    sep: Separators,
}

impl Segment<'_> {
    fn field(&self, n: usize) -> &str {
        self.fields.get(n).copied().unwrap_or("")
    }

    /// Component `c` (1-based) of the first repetition of field `n`, unescaped.
    fn component(&self, n: usize, c: usize) -> String {
        let first = self.field(n).split(self.sep.repetition).next().unwrap_or("");
        self.sep
            .unescape(first.split(self.sep.component).nth(c - 1).unwrap_or("").trim())
    }
}

/// The results of every ORU message of `text` (other message types are skipped), with the patient of
/// each message.
///
/// # Errors
/// The text holds no MSH segment, or an MSH too short to read.
pub fn read(text: &str, file: &str, zone: Zone) -> Result<(Vec<PatientId>, Vec<LabResult>), Hl7Error> {
    let lines: Vec<&str> = text
        .split(['\r', '\n'])
        .map(|l| l.trim_start_matches('\u{feff}'))
        .filter(|l| !l.trim().is_empty())
        .collect();
    if !lines.first().is_some_and(|l| l.starts_with("MSH")) {
        return Err(Hl7Error::NoMessage);
    }
    let mut patients: Vec<PatientId> = Vec::new();
    let mut results = Vec::new();
    let mut sep = None;
    let (mut message_id, mut patient, mut filler, mut obr_time) = (String::new(), None, String::new(), String::new());
    for (index, line) in lines.iter().enumerate() {
        if line.starts_with("MSH") {
            let chars: Vec<char> = line.chars().collect();
            if chars.len() < 8 {
                return Err(Hl7Error::ShortMsh { segment: index + 1 });
            }
            let s = Separators {
                field: chars[3],
                component: chars[4],
                repetition: chars[5],
                escape: chars[6],
                subcomponent: chars[7],
            };
            sep = Some(s);
            // MSH-1 is the separator itself: the fields from MSH-2 on follow it.
            let mut fields = vec!["MSH", ""];
            fields.extend(line[3 + s.field.len_utf8()..].split(s.field));
            let msh = Segment { fields, sep: s };
            message_id = msh.component(10, 1);
            patient = None;
            filler.clear();
            obr_time.clear();
            continue;
        }
        let Some(s) = sep else { continue };
        let seg = Segment {
            fields: line.split(s.field).collect(),
            sep: s,
        };
        match seg.field(0) {
            "PID" => {
                let id = patient_of(&seg);
                if let Some(id) = &id
                    && !patients.contains(id)
                {
                    patients.push(id.clone());
                }
                patient = id;
            }
            "OBR" => {
                filler = seg.component(3, 1);
                obr_time = seg.component(7, 1);
            }
            "OBX" => results.push(result_of(
                &seg,
                file,
                &message_id,
                &filler,
                &obr_time,
                zone,
                patient.as_ref(),
            )),
            _ => {}
        }
    }
    Ok((patients, results))
}

/// PID-3: the repetitions typed MR (component 5) — the first is the MRN, the others the same patient's
/// other record numbers — else the first repetition, which is not an MRN; with its assigning authority.
fn patient_of(pid: &Segment<'_>) -> Option<PatientId> {
    let parts = |rep: &str| -> Vec<String> {
        rep.split(pid.sep.component)
            .map(|p| pid.sep.unescape(p.trim()))
            .collect()
    };
    let reps: Vec<Vec<String>> = pid
        .field(3)
        .split(pid.sep.repetition)
        .map(parts)
        .filter(|p| p.first().is_some_and(|id| !id.is_empty()))
        .collect();
    let mr: Vec<&Vec<String>> = reps
        .iter()
        .filter(|p| p.get(4).map(String::as_str) == Some("MR"))
        .collect();
    let pick = mr.first().copied().or(reps.first())?;
    let authority = pick.get(3).filter(|s| !s.is_empty()).map(|a| {
        // The authority's first subcomponent (namespace id).
        a.split(pid.sep.subcomponent).next().unwrap_or("").to_owned()
    });
    Some(PatientId {
        id: pick[0].clone(),
        authority,
        is_mrn: !mr.is_empty(),
        also: mr.iter().skip(1).map(|p| p[0].clone()).collect(),
    })
}

fn status_of(code: &str) -> ResultStatus {
    match code {
        "F" => ResultStatus::Final,
        "C" => ResultStatus::Corrected,
        "X" | "D" | "W" => ResultStatus::Cancelled,
        "I" | "O" => ResultStatus::Pending,
        "" => ResultStatus::NotFinal("no status".to_owned()),
        other => ResultStatus::NotFinal(format!("status {other}")),
    }
}

/// OBX-5 by its value type: a number (NM, or SN with `<`), a word (CWE, CE, ST, TX), or none.
fn value_of(obx: &Segment<'_>) -> Result<ResultValue, String> {
    let kind = obx.component(2, 1);
    let raw = obx.field(5).split(obx.sep.repetition).next().unwrap_or("").trim();
    if raw.is_empty() {
        return Ok(ResultValue::Missing);
    }
    let number = |text: &str, below: bool| {
        let text = text.trim();
        if text.contains(',') {
            return Err(format!(
                "'{text}': a decimal comma is refused, never guessed (write it with a point)"
            ));
        }
        text.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(|value| ResultValue::Number { value, below })
            .ok_or_else(|| format!("'{text}' is not a number"))
    };
    match kind.as_str() {
        "NM" => number(&obx.sep.unescape(raw), false),
        "SN" => {
            let parts: Vec<String> = raw.split(obx.sep.component).map(|p| obx.sep.unescape(p)).collect();
            match (parts.first().map(String::as_str).unwrap_or(""), parts.get(1)) {
                ("" | "=", Some(v)) => number(v, false),
                ("<", Some(v)) => number(v, true),
                (other, _) => Err(format!(
                    "'{}': a result '{other}' a limit is not a value the app records",
                    parts.join("")
                )),
            }
        }
        // CWE/CE: the text (else the code); ST/TX and the rest: the text as sent.
        _ => {
            let text = obx.component(5, 2);
            Ok(ResultValue::Word(if text.is_empty() {
                obx.component(5, 1)
            } else {
                text
            }))
        }
    }
}

fn result_of(
    obx: &Segment<'_>,
    file: &str,
    message_id: &str,
    filler: &str,
    obr_time: &str,
    zone: Zone,
    patient: Option<&PatientId>,
) -> LabResult {
    let set_id = obx.component(1, 1);
    let codings: Vec<(String, String, String)> = [(1, 2, 3), (4, 5, 6)]
        .into_iter()
        .map(|(c, t, s)| (obx.component(3, s), obx.component(3, c), obx.component(3, t)))
        .filter(|(_, code, _)| !code.is_empty())
        .collect();
    let first_code = codings.first().map(|c| c.1.clone()).unwrap_or_default();
    let sub_id = obx.component(4, 1);
    let identity = format!("hl7:{filler}|{first_code}|{sub_id}");
    let time_text = Some(obx.component(14, 1))
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| obr_time.to_owned());
    let raw_value = obx.sep.unescape(&obx.field(5).replace(obx.sep.component, ""));
    let unit = obx.component(6, 1);
    LabResult {
        source: format!("{identity} ({file}, message {message_id}, OBX {set_id})"),
        identity,
        hl7_systems: true,
        codings,
        value: value_of(obx),
        unit,
        status: status_of(&obx.component(11, 1)),
        time: hl7_time(&time_text).and_then(|t| parse_time(&t, zone)),
        label: format!("OBX {set_id} {} {} {}", first_code, raw_value, obx.component(6, 1)),
        patient: patient.cloned(),
    }
}

/// `YYYYMMDDHHMM[SS[.S]][+/-ZZZZ]` as `YYYY-MM-DDTHH:MM[+HH:MM]`.
fn hl7_time(text: &str) -> Result<String, String> {
    let (clock, offset) = match text.find(['+', '-']) {
        Some(i) => (&text[..i], Some(&text[i..])),
        None => (text, None),
    };
    // ASCII first: a slice by byte index inside a multi-byte character would panic (found by the fuzzer).
    if !text.is_ascii() || clock.len() < 12 || !clock[..12].chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("'{text}': an HL7 time to the minute (YYYYMMDDHHMM) is needed"));
    }
    let c = clock;
    let mut out = format!("{}-{}-{}T{}:{}", &c[..4], &c[4..6], &c[6..8], &c[8..10], &c[10..12]);
    if let Some(o) = offset {
        if o.len() != 5 || !o[1..].chars().all(|c| c.is_ascii_digit()) {
            return Err(format!("'{text}': the offset must be +HHMM or -HHMM"));
        }
        out.push_str(&format!("{}:{}", &o[..3], &o[3..5]));
    }
    Ok(out)
}
