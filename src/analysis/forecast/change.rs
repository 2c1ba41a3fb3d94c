//! What changes a patient's heparin response between results (issue 30): a new renal replacement
//! state, setting (ECMO on or off) or ECMO flow, a circuit change, or a creatinine rise, in the last
//! 24 h. No covariate model of them has a readable published source here (docs/forecast.md, Lanoiselée
//! 2024), so a change only raises a warning and widens the clearance's spread by the prior's step.

use super::fit::Population;
use crate::analysis::timeline::Timeline;
use crate::analysis::types::Analysis;
use crate::model::{Case, ClinicalTime, EventKind, num};

/// The changes of the last 24 h before `as_of`, in words (none: an empty list).
#[must_use]
pub fn recent_changes(
    case: &Case,
    tl: &Timeline,
    analysis: &Analysis,
    pop: &Population,
    as_of: ClinicalTime,
) -> Vec<String> {
    let day_before = as_of.plus_minutes(-24 * 60);
    let recent = |since: ClinicalTime| since > day_before && since > case.case_start && since <= as_of;
    let f = &analysis.patient.facts;
    let mut out = Vec::new();
    if recent(f.setting.since) {
        out.push(format!("the setting changed at {}", f.setting.since));
    }
    if recent(f.rrt.since) {
        out.push(format!("renal replacement changed at {}", f.rrt.since));
    }
    if recent(f.ecmo_flow.since) {
        out.push(format!("the ECMO flow changed at {}", f.ecmo_flow.since));
    }
    if let Some(e) = case
        .events
        .iter()
        .rev()
        .find(|e| recent(e.time) && matches!(e.kind, EventKind::CircuitChange(_)))
    {
        out.push(format!("a circuit change at {}", e.time));
    }
    if let Some(rise) = pop.creatinine_rise_mg_per_dl {
        let window = as_of.plus_minutes(-48 * 60);
        let samples: Vec<_> = tl
            .labs
            .creatinine
            .until(as_of)
            .iter()
            .filter(|s| s.time >= window)
            .collect();
        if let (Some(low), Some(last)) = (
            samples.iter().map(|s| s.value.value()).min_by(f64::total_cmp),
            samples.last().filter(|s| recent(s.time)),
        ) && last.value.value() - low >= rise
        {
            out.push(format!(
                "creatinine rose from {} to {} mg/dL within 48 h (at {})",
                num(low, 2),
                num(last.value.value(), 2),
                last.time
            ));
        }
    }
    out
}
