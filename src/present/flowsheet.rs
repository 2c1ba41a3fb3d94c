//! The flowsheet (issue 13): every draw up to the replay time as a row, each test a column, a value
//! outside its target or a sourced threshold flagged by a symbol and the reason in words (never by colour
//! alone). The aPTT is judged against the target of the drug running when it was drawn (one target per
//! drug: `analysis::targets`), the anti-Xa against the heparin target while heparin runs; platelets,
//! fibrinogen and INR against the protocol's bleeding-risk thresholds, antithrombin against its
//! deficiency threshold. Pure data, no UI crate: the app draws it, the tests read it.

use std::collections::BTreeMap;

use crate::analysis::targets::aptt_target;
use crate::analysis::timeline::Labs;
use crate::analysis::{Series, Timeline};
use crate::model::Anticoagulant;
use crate::model::{Case, ClinicalTime, LabKind, Quantity, num};
use crate::protocol::Protocol;

/// How many labs have a flowsheet column (the lab table's `flowsheet` column).
const COLUMN_COUNT: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < LabKind::ALL.len() {
        if LabKind::ALL[i].in_flowsheet() {
            n += 1;
        }
        i += 1;
    }
    n
};

/// The flowsheet's columns, in order: the labs whose row of the one lab table has a flowsheet column.
pub const COLUMNS: [LabKind; COLUMN_COUNT] = {
    let mut out = [LabKind::Aptt; COLUMN_COUNT];
    let (mut i, mut j) = (0, 0);
    while i < LabKind::ALL.len() {
        if LabKind::ALL[i].in_flowsheet() {
            out[j] = LabKind::ALL[i];
            j += 1;
        }
        i += 1;
    }
    out
};

/// The unit written under a column's name: the lab's unit type's (narrow columns fit a 1024-px window).
#[must_use]
pub fn column_unit(lab: LabKind) -> &'static str {
    Labs::unit(lab)
}

/// The position of a lab's column, if it has one.
#[must_use]
pub fn column_of(lab: LabKind) -> Option<usize> {
    COLUMNS.iter().position(|c| *c == lab)
}

/// Which side of its limit a flagged value is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    Low,
    High,
}

impl Flag {
    /// The symbol shown beside the value ("▼ 38").
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Low => "▼",
            Self::High => "▲",
        }
    }
}

/// One value of a row: the number in the column's unit, and its flag with the reason in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    pub flag: Option<(Flag, String)>,
}

/// One draw time.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub time: ClinicalTime,
    pub cells: [Option<Cell>; COLUMNS.len()],
    /// The infusion running when the sample was drawn, as a nurse charts it beside the result (issue 29):
    /// "heparin 18 units/kg/h · 14.4 mL/h", "argatroban 0.5 mcg/kg/min · 2.73 mL/h"; `None` when none runs
    /// (a draw at the minute of a change shows the new rate, as the flags judge it).
    pub rate: Option<String>,
}

/// An infusion row's pump rate (the dose tables' mL/h, issue 29): heparin at the protocol's bag on the
/// heparin dosing weight of `patient`, a DTI at its bag on the DTI dosing weight; `None` for any other
/// event. `patient`: the patient in effect at the row's time.
#[must_use]
pub fn infusion_pump_rate(
    kind: crate::model::EventKind,
    patient: &crate::model::Patient,
    protocol: &Protocol,
) -> Option<crate::model::MlPerHour> {
    use crate::dosing::DoseRate;
    use crate::dosing::weight::{Drug, dosing_weight};
    use crate::model::EventKind;
    let dti = |dose: DoseRate| {
        let kg = dosing_weight(patient, protocol, Drug::DirectThrombinInhibitor).kg;
        let drug = dose.drug().as_dti()?;
        dose.dti_pump_rate(kg, crate::dosing::dti::section(protocol, drug).concentration)
    };
    match kind {
        EventKind::UfhInfusion(rate) => {
            let kg = dosing_weight(patient, protocol, Drug::Heparin).kg;
            Some(
                rate.units_per_hour(kg)
                    .pump_rate(protocol.ufh.concentration_units_per_ml.value),
            )
        }
        EventKind::ArgatrobanInfusion(r) => dti(DoseRate::Argatroban(r)),
        EventKind::BivalirudinInfusion(r) => dti(DoseRate::Bivalirudin(r)),
        _ => None,
    }
}

/// The infusion running at `t` in its order's unit and as the pump's mL/h (the protocol's bag and the
/// drug's dosing weight in effect at `t`).
#[must_use]
pub fn rate_in_effect(case: &Case, tl: &Timeline, protocol: &Protocol, t: ClinicalTime) -> Option<String> {
    use crate::dosing::weight::{Drug, dosing_weight};
    let segment = tl.running(t)?;
    let patient = tl.patient_at(&case.patient, t);
    if let Some(per_hour) = segment.rate.heparin() {
        let kg = dosing_weight(&patient, protocol, Drug::Heparin).kg;
        let pump = per_hour.pump_rate(protocol.ufh.concentration_units_per_ml.value);
        return Some(format!("heparin {} · {pump}", per_hour.per_kg(kg)));
    }
    let name = segment.drug().name();
    let dose = segment.rate.dti_rate()?;
    let kg = dosing_weight(&patient, protocol, Drug::DirectThrombinInhibitor).kg;
    let pump = dose
        .drug()
        .as_dti()
        .and_then(|drug| dose.dti_pump_rate(kg, crate::dosing::dti::section(protocol, drug).concentration));
    Some(match pump {
        Some(ml) => format!("{name} {dose} · {ml}"),
        None => format!("{name} {dose}"),
    })
}

/// The rows up to `as_of`, newest first.
#[must_use]
pub fn flowsheet(case: &Case, tl: &Timeline, protocol: &Protocol, as_of: ClinicalTime) -> Vec<Row> {
    let mut rows: BTreeMap<ClinicalTime, [Option<Cell>; COLUMNS.len()]> = BTreeMap::new();
    let labs = &tl.labs;
    let baseline = case.patient.baseline_aptt;
    let b = &protocol.bleeding_risk;
    let at_deficiency = protocol.antithrombin.deficiency_below_percent.value;
    let anti_xa = protocol.ufh.anti_xa_target.value;
    let agent_at = |t: ClinicalTime| tl.running(t).map(|s| s.drug());
    for (column, lab) in COLUMNS.into_iter().enumerate() {
        for point in labs.points_until(lab, as_of) {
            rows.entry(point.time).or_default()[column] = Some(Cell {
                text: num(point.value, Labs::decimals(lab)).to_string(),
                flag: None,
            });
        }
    }
    flag_column(&mut rows, LabKind::Aptt, &labs.aptt, as_of, |t, v| {
        let target = aptt_target(agent_at(t)?, protocol, baseline)?;
        let name = target.agent.name();
        if v < target.range.low {
            Some((
                Flag::Low,
                format!("below the {name} target {}–{}", target.range.low, target.range.high),
            ))
        } else if v > target.range.high {
            Some((
                Flag::High,
                format!("above the {name} target {}–{}", target.range.low, target.range.high),
            ))
        } else {
            None
        }
    });
    flag_column(&mut rows, LabKind::AntiXa, &labs.anti_xa, as_of, |t, v| {
        if agent_at(t) != Some(Anticoagulant::Heparin) {
            return None;
        }
        if v < anti_xa.low {
            Some((
                Flag::Low,
                format!("below the heparin target {}–{}", anti_xa.low, anti_xa.high),
            ))
        } else if v > anti_xa.high {
            Some((
                Flag::High,
                format!("above the heparin target {}–{}", anti_xa.low, anti_xa.high),
            ))
        } else {
            None
        }
    });
    flag_column(&mut rows, LabKind::Antithrombin, &labs.antithrombin, as_of, |_, v| {
        (v < at_deficiency).then(|| (Flag::Low, format!("below the deficiency threshold {at_deficiency}")))
    });
    flag_column(&mut rows, LabKind::Platelets, &labs.platelets, as_of, |_, v| {
        (v < b.platelets_below).then(|| (Flag::Low, format!("below {} (bleeding risk)", b.platelets_below)))
    });
    flag_column(&mut rows, LabKind::Fibrinogen, &labs.fibrinogen, as_of, |_, v| {
        (v < b.fibrinogen_below).then(|| (Flag::Low, format!("below {} (bleeding risk)", b.fibrinogen_below)))
    });
    flag_column(&mut rows, LabKind::Inr, &labs.inr, as_of, |_, v| {
        (v > b.inr_above).then(|| (Flag::High, format!("above {} (bleeding risk)", b.inr_above)))
    });
    // An anti-Xa below the assay's limit is written as it was reported ("<0.1").
    if let Some(column) = column_of(LabKind::AntiXa) {
        for s in labs.anti_xa.until(as_of) {
            if case.is_below_assay_limit(s.event)
                && let Some(Some(cell)) = rows.get_mut(&s.time).map(|r| &mut r[column])
            {
                cell.text = format!("<{}", cell.text);
            }
        }
    }
    rows.into_iter()
        .rev()
        .map(|(time, cells)| Row {
            time,
            cells,
            rate: rate_in_effect(case, tl, protocol, time),
        })
        .collect()
}

/// Flags the cells of one series, each value judged by `judge` (its draw time, its value).
fn flag_column<Q: Quantity>(
    rows: &mut BTreeMap<ClinicalTime, [Option<Cell>; COLUMNS.len()]>,
    lab: LabKind,
    series: &Series<Q>,
    as_of: ClinicalTime,
    judge: impl Fn(ClinicalTime, Q) -> Option<(Flag, String)>,
) {
    let Some(column) = column_of(lab) else { return };
    for s in series.until(as_of) {
        if let Some(Some(cell)) = rows.get_mut(&s.time).map(|r| &mut r[column]) {
            cell.flag = judge(s.time, s.value);
        }
    }
}

/// Where the thresholds come from, for the flowsheet's footnote.
#[must_use]
pub fn flowsheet_basis(protocol: &Protocol) -> [String; 3] {
    [
        "aPTT: the target of the drug running when drawn; anti-Xa: the heparin target while heparin runs".to_owned(),
        format!("Platelets, fibrinogen, INR: {}", protocol.bleeding_risk.source),
        format!("AT: {}", protocol.antithrombin.deficiency_below_percent.source),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tests_support::{antithrombin, aptt, case_with, fibrinogen, inr, platelets, ufh_rate, xa};

    #[test]
    fn flags_follow_the_drug_running_at_the_draw_and_the_sourced_thresholds() {
        // 80 kg, baseline aPTT 30 s: the heparin aPTT target is 45–69 s (1.5–2.3 × control).
        let case = case_with(vec![
            (0, aptt(40.0)),
            (0, platelets(45.0)),
            (1, ufh_rate(18.0)),
            (7, aptt(40.0)),
            (7, xa(0.5)),
            (7, antithrombin(55.0)),
            (7, fibrinogen(0.8)),
            (7, inr(2.5)),
            (13, aptt(90.0)),
            (13, xa(0.2)),
            (13, antithrombin(80.0)),
            (13, platelets(120.0)),
        ]);
        let p = Protocol::builtin("adult-icu").unwrap_or_else(|e| panic!("{e}"));
        let tl = Timeline::new(&case, case.patient.weight.kg);
        let as_of = case.events.last().map_or(case.case_start, |e| e.time);
        let rows = flowsheet(&case, &tl, &p, as_of);
        assert_eq!(rows.len(), 3, "one row per draw time");
        assert!(rows.windows(2).all(|w| w[0].time > w[1].time), "newest first");
        let flag = |row: usize, col: LabKind| {
            rows[row].cells[column_of(col).unwrap_or(usize::MAX)]
                .as_ref()
                .and_then(|c| c.flag.as_ref().map(|(f, _)| *f))
        };
        let (last, middle, first) = (0, 1, 2);
        assert_eq!(
            flag(first, LabKind::Aptt),
            None,
            "no anticoagulant running: no target to miss"
        );
        assert_eq!(flag(first, LabKind::Platelets), Some(Flag::Low), "45 < 50");
        assert_eq!(flag(middle, LabKind::Aptt), Some(Flag::Low), "40 < 45 on heparin");
        assert_eq!(flag(middle, LabKind::AntiXa), None, "0.5 is inside 0.3–0.7");
        assert_eq!(flag(middle, LabKind::Antithrombin), Some(Flag::Low), "55 < 70");
        assert_eq!(flag(middle, LabKind::Fibrinogen), Some(Flag::Low), "0.8 < 1");
        assert_eq!(flag(middle, LabKind::Inr), Some(Flag::High), "2.5 > 2");
        assert_eq!(flag(last, LabKind::Aptt), Some(Flag::High), "90 > 69");
        assert_eq!(flag(last, LabKind::AntiXa), Some(Flag::Low), "0.2 < 0.3");
        assert_eq!(flag(last, LabKind::Antithrombin), None, "80 is not deficient");
        assert_eq!(flag(last, LabKind::Platelets), None);
        assert!(
            rows[middle].cells[column_of(LabKind::Act).unwrap_or(usize::MAX)].is_none(),
            "no ACT drawn"
        );
        let why = rows[middle].cells[column_of(LabKind::Aptt).unwrap_or(usize::MAX)]
            .as_ref()
            .and_then(|c| c.flag.clone());
        assert!(why.is_some_and(|(_, w)| w.contains("below the unfractionated heparin target")));
        let half = flowsheet(&case, &tl, &p, crate::analysis::tests_support::h(8));
        assert_eq!(half.len(), 2, "nothing after the replay time");
        // The rate beside each draw (issue 29): none before the infusion, then 18 units/kg/h of 80 kg at the
        // adult ICU bag (25,000 units in 250 mL: 100 units/mL): 1,440 units/h = 14.4 mL/h.
        assert_eq!(rows[first].rate, None);
        let shown = rows[middle].rate.clone().unwrap_or_default();
        assert!(
            shown.contains("18 units/kg/h") && shown.ends_with("14.4 mL/h"),
            "{shown}"
        );
    }
}
