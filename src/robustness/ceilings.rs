//! The fixed ceilings under randomly edited protocols (issue 26): any bytes choose a shipped protocol and
//! a list of numbers to scale (limits, starts, bolus caps, table rows, bags); the edited protocol is
//! written back to RON and loaded as a file would be. One that loads replays a bundled case of its setting,
//! and every recommendation must stay under the fixed ceilings of clinical reference §12 [rev 2]: a
//! breach panics (a real defect); a refused protocol is the expected answer to most edits.

use crate::analysis::{Analysis, CaseEngine, Detail};
use crate::dosing::DoseRate;
use crate::io::parse_case;
use crate::model::{Setting, Zone};
use crate::protocol::case_protocols::CaseProtocols;
use crate::protocol::ceilings::{self, Bound};
use crate::protocol::{BUILTIN_PROTOCOLS, Protocol, RawProtocol};

/// One knob: a number of the raw protocol scaled by a factor.
type Knob = fn(&mut RawProtocol, f64);

fn scale_opt(v: &mut Option<f64>, f: f64) {
    if let Some(x) = v {
        *x *= f;
    }
}

/// The numbers an institution could edit that bear on a dose.
const KNOBS: [Knob; 22] = [
    |p, f| scale_opt(&mut p.plausibility.ufh_rate_units_per_kg_per_h.hard_max, f),
    |p, f| scale_opt(&mut p.plausibility.ufh_rate_units_per_h.hard_from, f),
    |p, f| scale_opt(&mut p.plausibility.ufh_bolus_units.hard_from, f),
    |p, f| scale_opt(&mut p.plausibility.ufh_bolus_units_per_kg.hard_max, f),
    |p, f| scale_opt(&mut p.plausibility.argatroban_mcg_per_kg_per_min.hard_max, f),
    |p, f| scale_opt(&mut p.plausibility.bivalirudin_mg_per_kg_per_h.hard_max, f),
    |p, f| scale_opt(&mut p.plausibility.antithrombin_units.hard_max, f),
    |p, f| scale_opt(&mut p.plausibility.antithrombin_units_per_kg.hard_max, f),
    |p, f| p.ufh.start.rate_units_per_kg_per_h *= f,
    |p, f| scale_opt(&mut p.ufh.start.rate_max_units_per_h, f),
    |p, f| scale_opt(&mut p.ufh.start.bolus_units_per_kg, f),
    |p, f| scale_opt(&mut p.ufh.start.bolus_max_units, f),
    |p, f| p.ufh.bolus_cap.max_units *= f,
    |p, f| {
        p.ufh
            .anti_xa_nomogram
            .rows
            .iter_mut()
            .for_each(|r| r.bolus_units_per_kg *= f)
    },
    |p, f| {
        p.ufh
            .anti_xa_nomogram
            .rows
            .iter_mut()
            .for_each(|r| r.rate_change_units_per_kg_per_h *= f)
    },
    |p, f| {
        p.ufh
            .aptt_nomogram
            .rows
            .iter_mut()
            .for_each(|r| r.bolus_units_per_kg *= f)
    },
    |p, f| p.ufh.bag.amount *= f,
    |p, f| p.argatroban.start_mcg_per_kg_per_min.value *= f,
    |p, f| p.argatroban.max_mcg_per_kg_per_min.value *= f,
    |p, f| {
        p.bivalirudin
            .start_by_crcl
            .iter_mut()
            .for_each(|r| r.mg_per_kg_per_h *= f)
    },
    |p, f| p.antithrombin.plasma_derived.target_percent *= f,
    |p, f| {
        if let Some(b) = &mut p.bypass {
            b.initial_heparin_units_per_kg.value *= f;
            b.max_additional_units_per_kg.value *= f;
        }
    },
];

const FACTORS: [f64; 8] = [0.1, 0.5, 0.9, 1.0, 1.1, 2.0, 10.0, 100.0];

/// The bundled case each shipped protocol replays (one setting each, so the edited protocol is the one used).
const CASES: [(&str, &str); 3] = [
    ("adult-icu", include_str!("../../tests/cases/under-dosed.ron")),
    ("adult-ecmo", include_str!("../../assets/cases/cmaj-2019-ecmo.ron")),
    ("adult-cpb", include_str!("../../tests/cases/bypass-resistance.ron")),
];

/// What one run did: whether the edited protocol loaded, and how many analyses were checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CeilingRun {
    pub loaded: bool,
    pub analyses: usize,
}

/// Any bytes as protocol edits; panics if an edited protocol that loads ever recommends above a ceiling.
#[must_use]
pub fn check_protocol_numbers(bytes: &[u8]) -> CeilingRun {
    let Some((&which, edits)) = bytes.split_first() else {
        return CeilingRun::default();
    };
    let (name, text) = BUILTIN_PROTOCOLS[usize::from(which) % BUILTIN_PROTOCOLS.len()];
    let Ok(mut raw) = ron::from_str::<RawProtocol>(text) else {
        panic!("the shipped protocol {name} does not parse");
    };
    for pair in edits.chunks_exact(2).take(16) {
        let knob = KNOBS[usize::from(pair[0]) % KNOBS.len()];
        knob(&mut raw, FACTORS[usize::from(pair[1]) % FACTORS.len()]);
    }
    let Ok(edited) = ron::ser::to_string_pretty(&raw, ron::ser::PrettyConfig::default()) else {
        return CeilingRun::default();
    };
    let Ok(protocol) = Protocol::from_ron_str(&edited, "edited.ron") else {
        return CeilingRun::default();
    };
    // The case is chosen apart from the protocol, so that a protocol is also tried in a setting it is not
    // written for (a bypass protocol in the ICU: the review of issue 26 found its ceilings followed it).
    let (_, case_text) = CASES[usize::from(which / 3) % CASES.len()];
    let Ok(loaded) = parse_case(case_text, "case.ron", None, Zone::UTC) else {
        panic!("the bundled case for {name} does not load");
    };
    let setting = loaded.case.patient.setting;
    let engine = CaseEngine::new(&loaded.case, CaseProtocols::single(setting, protocol.clone()));
    let mut analyses = 0;
    for analysis in engine.replay(&loaded.case, Detail::Decision) {
        if let Some(breach) = above_a_ceiling(&analysis, &protocol, setting) {
            panic!("a recommendation above a fixed ceiling: {breach}\nprotocol:\n{edited}");
        }
        analyses += 1;
    }
    CeilingRun { loaded: true, analyses }
}

/// The first dose of the recommendation above its fixed ceiling, in words.
fn above_a_ceiling(a: &Analysis, protocol: &Protocol, setting: Setting) -> Option<String> {
    let settings = [setting];
    let bound = |field: &str| ceilings::on_field(&settings, field).map(|c| c.bound);
    // The value and the value as shown (whole units, 0.1 units/kg, the rate's own decimals).
    let over = |field: &str, value: f64| {
        let decimals = if field.ends_with("per_kg") {
            1
        } else if field.contains("units") {
            0
        } else {
            3
        };
        let shown = crate::model::round_half_up(value, decimals);
        bound(field)
            .filter(|b: &Bound| !b.allows(value) || !b.allows(shown))
            .map(|b| format!("{field} {value} against {b:?}"))
    };
    let r = &a.recommendation;
    let heparin_kg = a.patient.dosing_weight_kg.value();
    let mut found = Vec::new();
    match r.rate {
        Some(DoseRate::Heparin(rate)) => {
            found.push(over("ufh_rate_units_per_kg_per_h", rate.value()));
            found.push(over("ufh_rate_units_per_h", rate.value() * heparin_kg));
            let bag = protocol.ufh.concentration_units_per_ml.value.value();
            if let Some(pump) = r.pump_ml_per_h {
                found.push(over("ufh_rate_units_per_h", pump.value() * bag));
            }
        }
        Some(DoseRate::Argatroban(rate)) => found.push(over("argatroban_mcg_per_kg_per_min", rate.value())),
        Some(DoseRate::Bivalirudin(rate)) => found.push(over("bivalirudin_mg_per_kg_per_h", rate.value())),
        None => {}
    }
    if let Some(bolus) = r.bolus_units {
        found.push(over("ufh_bolus_units", bolus.value()));
        found.push(over("ufh_bolus_units_per_kg", bolus.value() / heparin_kg));
    }
    if let Some(dose) = r
        .dose_units
        .filter(|_| r.action == crate::analysis::Action::SupplementAntithrombin)
    {
        found.push(over("antithrombin_units", dose.value()));
        found.push(over(
            "antithrombin_units_per_kg",
            dose.value() / a.patient.weight_kg.value(),
        ));
    }
    found.into_iter().flatten().next()
}
