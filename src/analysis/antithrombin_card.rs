//! The antithrombin recommendation, one shape for the ICU (step 5) and bypass: the plasma-derived
//! product, the dose rounded to whole vials, and the vials it is made of. Each caller adds its target,
//! its reasoning and its sources (the dose itself comes from the label formula, the fixed bypass dose or
//! the andexanet dose, each from the protocol).

use super::context::Cx;
use super::types::{Action, Recommendation};
use crate::dosing::antithrombin::{VialPolicy, VialRounding, round_to_vials_by};
use crate::model::Units;

/// The recommendation to give `dose` of the protocol's plasma-derived antithrombin, rounded to vials,
/// with the rounding (for the caller's sentence, "1,500 units (1 × 1,000 + 1 × 500)").
pub(super) fn antithrombin_recommendation(cx: &Cx<'_>, dose: Units) -> (Recommendation, VialRounding) {
    let pd = &cx.p.antithrombin.plasma_derived;
    let rounded = round_to_vials_by(dose, &pd.vial_units, VialPolicy::of(cx.p, cx.at_kg()));
    let mut rec = Recommendation::new(Action::SupplementAntithrombin, format!("antithrombin ({})", pd.product));
    rec.dose_units = Some(rounded.rounded);
    rec.concentration = say!(
        cx,
        "{}: vials of {} units",
        pd.product,
        pd.vial_units
            .iter()
            .map(|v| v.number())
            .collect::<Vec<_>>()
            .join(" and ")
    );
    (rec, rounded)
}
