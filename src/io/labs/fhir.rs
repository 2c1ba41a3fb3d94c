//! A reader of FHIR R4 laboratory results (issue 32): a Bundle of Observations (and the Patient), or a
//! single Observation, as JSON. No Rust FHIR crate was mature enough to depend on (checked:
//! `fhir-sdk`, `fhirbolt`, `fhir-rs`: large generated models, young, pre-1.0), so serde structs read
//! the few fields needed; every other field is ignored. A time must carry its offset (FHIR requires it
//! when a time is given).

use serde::Deserialize;

use super::{LabResult, PatientId, ResultStatus, parse_time};
use crate::io::labs::codes::ResultValue;
use crate::model::Zone;

/// The code system of a quantity's unit that the map reads (UCUM).
const UCUM: &str = "http://unitsofmeasure.org";

#[derive(Debug, Deserialize)]
#[serde(tag = "resourceType")]
enum Resource {
    Bundle {
        #[serde(default)]
        entry: Vec<Entry>,
    },
    Observation(Box<Observation>),
    Patient(Patient),
    #[serde(other)]
    Other,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    full_url: Option<String>,
    resource: Option<Resource>,
}

#[derive(Debug, Default, Deserialize)]
struct Coding {
    #[serde(default)]
    system: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    display: String,
}

#[derive(Debug, Default, Deserialize)]
struct CodeableConcept {
    #[serde(default)]
    coding: Vec<Coding>,
    #[serde(default)]
    text: String,
}

#[derive(Debug, Deserialize)]
struct Quantity {
    value: Option<f64>,
    comparator: Option<String>,
    #[serde(default)]
    system: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    unit: String,
}

#[derive(Debug, Deserialize)]
struct Identifier {
    #[serde(rename = "type")]
    kind: Option<CodeableConcept>,
    #[serde(default)]
    value: String,
    #[serde(default)]
    system: String,
}

#[derive(Debug, Deserialize)]
struct Reference {
    reference: Option<String>,
    identifier: Option<Identifier>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Observation {
    id: Option<String>,
    #[serde(default)]
    status: String,
    #[serde(default)]
    code: CodeableConcept,
    value_quantity: Option<Quantity>,
    value_codeable_concept: Option<CodeableConcept>,
    value_string: Option<String>,
    effective_date_time: Option<String>,
    subject: Option<Reference>,
}

#[derive(Debug, Deserialize)]
struct Patient {
    id: Option<String>,
    #[serde(default)]
    identifier: Vec<Identifier>,
}

/// The identifiers typed MR, or untyped (a subject's business identifier) — the first is the MRN, the
/// others the same patient's — else the first identifier, typed otherwise (a social security number, a
/// patient internal id), which is not an MRN.
fn mrn(ids: &[Identifier]) -> Option<PatientId> {
    let is_mr = |i: &&Identifier| {
        i.kind.as_ref().is_none_or(|k| k.coding.iter().any(|c| c.code == "MR")) && !i.value.trim().is_empty()
    };
    let mr: Vec<&Identifier> = ids.iter().filter(is_mr).collect();
    let pick = mr
        .first()
        .copied()
        .or_else(|| ids.iter().find(|i| !i.value.trim().is_empty()))?;
    Some(PatientId {
        id: pick.value.trim().to_owned(),
        authority: (!pick.system.is_empty()).then(|| pick.system.clone()),
        is_mrn: !mr.is_empty(),
        also: mr.iter().skip(1).map(|i| i.value.trim().to_owned()).collect(),
    })
}

fn status_of(status: &str) -> ResultStatus {
    match status {
        "final" => ResultStatus::Final,
        "amended" | "corrected" => ResultStatus::Corrected,
        "cancelled" | "entered-in-error" => ResultStatus::Cancelled,
        "registered" => ResultStatus::Pending,
        other => ResultStatus::NotFinal(format!("status {other}")),
    }
}

fn value_of(o: &Observation) -> (Result<ResultValue, String>, String) {
    if let Some(q) = &o.value_quantity {
        let unit = if q.system == UCUM || q.system.is_empty() {
            q.code.clone()
        } else {
            format!("{} (not UCUM: {})", q.unit, q.system)
        };
        let value = match (q.value, q.comparator.as_deref()) {
            (None, _) => Ok(ResultValue::Missing),
            (Some(v), None) => Ok(ResultValue::Number { value: v, below: false }),
            (Some(v), Some("<")) => Ok(ResultValue::Number { value: v, below: true }),
            (Some(v), Some(c)) => Err(format!(
                "'{c}{v}': a result '{c}' a limit is not a value the app records"
            )),
        };
        return (value, unit);
    }
    if let Some(c) = &o.value_codeable_concept {
        let word = c
            .coding
            .iter()
            .map(|c| {
                if c.display.is_empty() {
                    c.code.clone()
                } else {
                    c.display.clone()
                }
            })
            .next()
            .unwrap_or_else(|| c.text.clone());
        return (Ok(ResultValue::Word(word)), String::new());
    }
    if let Some(s) = &o.value_string {
        return (Ok(ResultValue::Word(s.clone())), String::new());
    }
    (Ok(ResultValue::Missing), String::new())
}

/// The results and patients of a FHIR R4 JSON text: a Bundle, or one Observation.
///
/// # Errors
/// Not JSON, or not a resource this reader takes (with serde's line and column).
pub fn read(text: &str, file: &str, zone: Zone) -> Result<(Vec<PatientId>, Vec<LabResult>), String> {
    let resource: Resource = serde_json::from_str(text).map_err(|e| {
        // A quantity's value written as text ("0,45") reads as serde's words alone: say what it is.
        let hint = if e.to_string().contains("invalid type: string") {
            " — a number written as text: valueQuantity.value is a JSON number, and a decimal comma is refused"
        } else {
            ""
        };
        format!("line {}, column {}: {e}{hint}", e.line(), e.column())
    })?;
    // Each resource with the full URL its Bundle entry gives it (a subject may point at either).
    let resources: Vec<(Option<String>, Resource)> = match resource {
        Resource::Bundle { entry } => entry
            .into_iter()
            .filter_map(|e| e.resource.map(|r| (e.full_url, r)))
            .collect(),
        Resource::Other => return Err("not a Bundle, an Observation or a Patient resource".to_owned()),
        one => vec![(None, one)],
    };
    let mut patients: Vec<PatientId> = Vec::new();
    let mut results = Vec::new();
    let mut add_patient = |p: Option<PatientId>| {
        if let Some(p) = p
            && !patients.contains(&p)
        {
            patients.push(p);
        }
    };
    // How the file's Patient may be referred to: `Patient/id`, or its entry's full URL.
    let mut patient_refs: Vec<String> = Vec::new();
    for (full_url, r) in &resources {
        if let Resource::Patient(p) = r {
            add_patient(mrn(&p.identifier));
            patient_refs.extend(p.id.iter().map(|id| format!("Patient/{id}")));
            patient_refs.extend(full_url.iter().cloned());
        }
    }
    for (_, r) in resources {
        let Resource::Observation(o) = r else { continue };
        // Where the file names its patient, every result must be of that patient: a subject that is
        // another Patient (on this server or another), or none at all, refuses the file (as an HL7
        // message without a PID among others does).
        let subject = o.subject.as_ref();
        let reference = subject.and_then(|s| s.reference.as_deref());
        let of_the_patient = match reference {
            Some(r) => patient_refs.iter().any(|p| p == r),
            None => subject.and_then(|s| s.identifier.as_ref()).is_some(),
        };
        if !patient_refs.is_empty() && !of_the_patient {
            return Err(format!(
                "Observation/{} is of {}, not of the file's patient ({}): nothing is imported",
                o.id.as_deref().unwrap_or("?"),
                reference.unwrap_or("no subject"),
                patient_refs.join(", ")
            ));
        }
        let subject = o
            .subject
            .as_ref()
            .and_then(|s| s.identifier.as_ref())
            .and_then(|i| mrn(std::slice::from_ref(i)));
        add_patient(subject.clone());
        let id = o.id.clone().unwrap_or_default();
        let identity = format!("fhir:Observation/{id}");
        let (value, unit) = value_of(&o);
        let codings: Vec<(String, String, String)> = o
            .code
            .coding
            .iter()
            .map(|c| (c.system.clone(), c.code.clone(), c.display.clone()))
            .collect();
        let first = codings.first().map(|c| c.1.clone()).unwrap_or_default();
        let time = o
            .effective_date_time
            .as_deref()
            .ok_or_else(|| "no effectiveDateTime".to_owned())
            .and_then(fhir_time)
            .and_then(|t| parse_time(&t, zone));
        results.push(LabResult {
            source: format!("{identity} ({file})"),
            identity,
            hl7_systems: false,
            codings,
            value,
            unit: unit.clone(),
            status: status_of(&o.status),
            time,
            label: format!("Observation/{id} {first} {}", o.code.text),
            patient: subject,
        });
    }
    Ok((patients, results))
}

/// `2026-03-14T07:10:00+01:00` (seconds and fractions dropped) as `2026-03-14T07:10+01:00`; a time
/// without an offset is refused.
fn fhir_time(text: &str) -> Result<String, String> {
    let (date_time, offset) = if let Some(rest) = text.strip_suffix('Z') {
        (rest, "+00:00")
    } else if text.len() > 19 && matches!(text.as_bytes().get(text.len() - 6), Some(b'+' | b'-')) {
        (&text[..text.len() - 6], &text[text.len() - 6..])
    } else {
        return Err(format!(
            "'{text}': a FHIR time must carry its offset (e.g. 2026-03-14T07:10:00+01:00)"
        ));
    };
    let minute = date_time
        .get(..16)
        .filter(|_| date_time.len() >= 16)
        .ok_or_else(|| format!("'{text}': a time to the minute is needed"))?;
    Ok(format!("{minute}{offset}"))
}
