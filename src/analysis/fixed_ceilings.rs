//! The fixed ceilings of clinical reference §12 [rev 2] (`protocol::ceilings`), checked on every
//! recommendation against the setting in effect (issue 26). Loading already keeps a protocol's own limits
//! under the ceilings of the settings it is written for; this catches a protocol used in a setting it is not
//! written for (a bypass protocol's 1,000 units/kg bolus ceiling in the ICU), and it checks each value as it
//! is shown (39,999.6 units is shown as 40,000, which §12 refuses).

use super::context::Cx;
use super::types::{Action, HardLimitExceeded, Recommendation};
use crate::dosing::DoseRate;
use crate::model::{Quantity, round_half_up};
use crate::protocol::ceilings::{self, Bound};

/// Each dose of the recommendation above its fixed ceiling.
pub(super) fn checks(cx: &Cx<'_>, rec: &Recommendation) -> Vec<HardLimitExceeded> {
    let settings = [cx.patient.setting];
    let mut out = Vec::new();
    let mut check = |field: &str, value: f64, decimals: usize| {
        let Some(ceiling) = ceilings::on_field(&settings, field) else {
            return;
        };
        let shown = round_half_up(value, decimals as u32);
        if !ceiling.bound.allows(shown) || !ceiling.bound.allows(value) {
            let limit = match ceiling.bound {
                Bound::Max(v) | Bound::From(v) => v,
            };
            out.push(HardLimitExceeded {
                calculated: value,
                limit,
                unit: ceiling.unit,
            });
        }
    };
    match rec.rate {
        Some(DoseRate::Heparin(r)) => {
            check("ufh_rate_units_per_kg_per_h", r.value(), r.shown_decimals());
            let concentration = cx.p.ufh.concentration_units_per_ml.value.value();
            let per_hour = rec.pump_ml_per_h.map_or_else(
                || r.for_weight(cx.hkg()).value(),
                |p| round_half_up(p.value(), p.shown_decimals() as u32) * concentration,
            );
            check("ufh_rate_units_per_h", per_hour, 0);
        }
        Some(DoseRate::Argatroban(r)) => check("argatroban_mcg_per_kg_per_min", r.value(), r.shown_decimals()),
        Some(DoseRate::Bivalirudin(r)) => check("bivalirudin_mg_per_kg_per_h", r.value(), r.shown_decimals()),
        None => {}
    }
    if let Some(b) = rec.bolus_units {
        check("ufh_bolus_units", b.value(), 0);
        check("ufh_bolus_units_per_kg", b.per_kg(cx.hkg()).value(), 1);
    }
    if let Some(d) = rec.dose_units.filter(|_| rec.action == Action::SupplementAntithrombin) {
        check("antithrombin_units", d.value(), 0);
        check("antithrombin_units_per_kg", d.per_kg(cx.at_kg()).value(), 1);
    }
    out
}
