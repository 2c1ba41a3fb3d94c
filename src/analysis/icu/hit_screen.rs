//! Step 4, the HIT screen (clinical reference §7): the 4Ts, with each item's basis, and — when HIT is
//! suspected — the switch to a direct thrombin inhibitor with all heparin stopped.

use super::super::context::{Cx, StepBasis};
use super::super::dti_switch;
use super::super::hit::{self, HistoryUse};
use super::super::types::{FindingCode, FourTs, Recommendation, StepId, StepStatus};

/// Step 4: records the 4Ts and says whether HIT is suspected.
pub(super) fn record(cx: &mut Cx<'_>, four_ts: Option<&FourTs>) -> bool {
    let p = cx.p;
    let h = &p.hit;
    let Some(ft) = four_ts else {
        let values = vec![say!(cx, "needs heparin exposure and at least two platelet counts")];
        let threshold = say!(cx, "stop heparin at 4Ts ≥ {}", h.suspect_from);
        let rule = say!(cx, "4Ts ≥ {} → stop all heparin and switch to a DTI", h.suspect_from);
        cx.step(
            StepId::HitScreen,
            StepStatus::NeedsData,
            values,
            StepBasis::new(threshold, rule, h.source.clone()),
            "not scored",
        );
        return false;
    };
    // In the ICU and on ECMO a history of HIT does not count on its own here (it does on bypass).
    let suspected = hit::suspected(Some(ft), h, HistoryUse::NotConsidered);
    let values = vec![
        say!(
            cx,
            "thrombocytopenia {} ({})",
            ft.items.thrombocytopenia.points,
            ft.items.thrombocytopenia.basis
        ),
        say!(cx, "timing {} ({})", ft.items.timing.points, ft.items.timing.basis),
        say!(cx, "thrombosis {} (entered)", ft.items.thrombosis.points),
        say!(cx, "other causes {} (entered)", ft.items.other_causes.points),
        say!(cx, "score {} ({})", ft.score, ft.band.label()),
    ];
    if suspected {
        cx.finding(
            FindingCode::HitSuspected,
            say!(
                cx,
                "4Ts score {} ≥ {}: stop all heparin and switch to a DTI; send HIT immunoassay",
                ft.score,
                h.suspect_from
            ),
            h.source.clone(),
        );
    }
    let conclusion = if suspected {
        "HIT suspected: stop all heparin (flushes, and the coated circuit if HIT is confirmed)".to_owned()
    } else {
        match &ft.caveat {
            Some(c) => say!(cx, "low probability; {c}"),
            None => "HIT not suspected".to_owned(),
        }
    };
    let threshold = say!(
        cx,
        "bands 0–{} low, {}–{} intermediate, {}–8 high; act at ≥ {}",
        h.low_max,
        h.low_max + 1,
        h.intermediate_max,
        h.intermediate_max + 1,
        h.suspect_from
    );
    cx.step(
        StepId::HitScreen,
        if suspected { StepStatus::Met } else { StepStatus::NotMet },
        values,
        StepBasis::new(
            threshold,
            "thrombocytopenia and timing computed from the timeline; thrombosis and other causes entered; acts only with a platelet fall (thrombocytopenia item ≥ 1)",
            h.source.clone(),
        ),
        conclusion,
    );
    suspected
}

/// HIT suspected: stop every heparin and switch to the DTI the patient's organ function points to.
pub(super) fn switch_for_hit(cx: &mut Cx<'_>, four_ts: Option<&FourTs>) -> Recommendation {
    let p = cx.p;
    let reason = match four_ts {
        Some(f) => say!(cx, "HIT suspected: 4Ts {} ≥ {}", f.score, p.hit.suspect_from),
        None => say!(cx, "HIT suspected"),
    };
    let mut rec = dti_switch::switch_to_dti(cx, vec![reason], vec![p.hit.source.clone()], Vec::new());
    rec.caveats.push(say!(cx, "Stop ALL heparin, including flushes and heparin-coated lines; replace a heparin-coated circuit if HIT is confirmed"));
    rec.caveats.push(say!(
        cx,
        "Send a HIT immunoassay; do not give platelets unless bleeding"
    ));
    rec
}

#[cfg(test)]
mod tests {
    use super::super::super::tests_support::{analyse, analyse_patient, case_with, h, platelets, ufh_rate};
    use super::super::super::{Action, Detail};
    use super::*;
    use crate::model::FourTsPoints;

    /// A fall of more than 50% from 250 on day 6 of heparin, nadir ≥ 20: thrombocytopenia 2, timing 2.
    fn falling() -> crate::model::Case {
        case_with(vec![
            (0, platelets(250.0)),
            (0, ufh_rate(18.0)),
            (24 * 3, platelets(240.0)),
            (24 * 6, platelets(100.0)),
        ])
    }

    #[test]
    fn four_ts_at_or_above_four_with_a_fall_switches_to_a_dti() {
        let mut c = falling();
        c.patient.hit_other_causes = FourTsPoints::new(1).unwrap();
        let a = analyse(&c, h(24 * 6), Detail::Explained);
        assert!(a.has_finding(FindingCode::HitSuspected));
        assert_eq!(a.recommendation.action, Action::SwitchToArgatroban);
        assert_eq!(a.steps[3].status, StepStatus::Met);
    }

    #[test]
    fn a_score_from_entered_items_alone_does_not_act() {
        // No platelet fall (thrombocytopenia 0), entered items 2 + 2 = 4.
        let mut c = case_with(vec![(0, platelets(250.0)), (0, ufh_rate(18.0)), (24, platelets(245.0))]);
        c.patient.hit_thrombosis = FourTsPoints::new(2).unwrap();
        c.patient.hit_other_causes = FourTsPoints::new(2).unwrap();
        let a = analyse(&c, h(24), Detail::Explained);
        assert_eq!(a.hit_4ts.as_ref().map(|f| f.score), Some(4));
        assert!(!a.has_finding(FindingCode::HitSuspected));
    }

    #[test]
    fn outside_bypass_the_history_alone_does_not_act_today() {
        let c = case_with(vec![(0, platelets(250.0)), (0, ufh_rate(18.0)), (24, platelets(245.0))]);
        let a = analyse_patient(&c, h(24), |p| p.hit_history = true);
        assert!(!a.has_finding(FindingCode::HitSuspected));
    }

    #[test]
    fn the_history_counts_only_where_the_caller_says_so() {
        let p = crate::protocol::Protocol::builtin("adult-icu").unwrap();
        assert!(hit::suspected(
            None,
            &p.hit,
            HistoryUse::Considered { hit_history: true }
        ));
        assert!(!hit::suspected(
            None,
            &p.hit,
            HistoryUse::Considered { hit_history: false }
        ));
        assert!(!hit::suspected(None, &p.hit, HistoryUse::NotConsidered));
    }
}
