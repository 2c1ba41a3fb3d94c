//! The forecast as the window uses it (issue 16): fitted once per case edit and replay time, then
//! predicted again for any what-if plan in O(posterior nodes × times). The amount of heparin in the body
//! at the replay time is kept per posterior node, so moving the what-if rate never refits the samples
//! nor walks the history again.

use super::data::{Levels, PLAN_STARTS_AFTER_H, band_of, inputs};
use super::fit::Population;
use super::model::{Pk, concentrations};
use super::{Fitted, NoForecast, RateToTarget, fit_at};
use crate::analysis::timeline::Timeline;
use crate::analysis::types::{Analysis, Due};
use crate::model::{Case, ClinicalTime};
use crate::protocol::Protocol;
use crate::protocol::forecast_prior::ForecastPrior;

/// A plan from the replay time on: a total heparin rate and an optional bolus given then.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WhatIf {
    pub rate_units_per_h: f64,
    pub bolus_units: Option<f64>,
}

pub use super::data::Band;

/// One posterior node: its parameters, the heparin in the body at the replay time, its weight (`None`:
/// a point of the equal-probability grid).
#[derive(Debug, Clone, Copy)]
struct Node {
    pk: Pk,
    amount_units: f64,
    weight: Option<f64>,
}

/// The fit at the replay time, ready to predict any plan.
#[derive(Debug, Clone)]
pub struct Outlook {
    pub as_of: ClinicalTime,
    /// The replay time in hours from the case start (the plots' x axis).
    pub as_of_h: f64,
    pub dosing_weight_kg: f64,
    /// The heparin infusion running at the replay time (units/h), if one does.
    pub running_units_per_h: Option<f64>,
    pub samples_used: usize,
    /// When the next anti-Xa is due: the monitoring plan's time, else the protocol's recheck interval.
    pub next_anti_xa: ClinicalTime,
    pub rate_to_target: Option<RateToTarget>,
    /// The protocol's step as a plan, when it is a heparin rate that differs from the running one or a
    /// bolus (to say where following it leads).
    pub recommended: Option<WhatIf>,
    pub warnings: Vec<String>,
    /// Why the model is not following this patient (issue 30), if it is not: no rate to target then.
    pub misfit: Option<String>,
    pub provisional: bool,
    pop: Population,
    nodes: Vec<Node>,
}

impl Outlook {
    /// The fit at `as_of`.
    ///
    /// # Errors
    /// A non-adult or bypass patient (no forecast), or a failed fit.
    pub fn prepare(
        case: &Case,
        tl: &Timeline,
        protocol: &Protocol,
        prior: &ForecastPrior,
        analysis: &Analysis,
        as_of: ClinicalTime,
    ) -> Result<Self, NoForecast> {
        let fitted = fit_at(case, tl, protocol, prior, analysis, as_of)?;
        let Fitted { pop, post, .. } = &fitted;
        let as_of_h = as_of.hours_since(case.case_start);
        let history = inputs(case, tl, as_of, None, None);
        // When the plan starts, just after `as_of`: the doses given at that minute are in (a sample then
        // was drawn before them) — the same instant as the command line's plan.
        let just_after = [as_of_h + PLAN_STARTS_AFTER_H];
        let node = |eta: [f64; 2], weight: Option<f64>| {
            let pk = pop.at(eta);
            let level = concentrations(pk, &history, &just_after)[0];
            Node {
                pk,
                amount_units: level * pk.v_l * 1000.0,
                weight,
            }
        };
        let nodes = post
            .nodes
            .iter()
            .map(|(eta, w)| node(*eta, Some(*w)))
            .chain(post.grid.iter().map(|eta| node(*eta, None)))
            .collect();
        let next_anti_xa = analysis
            .monitoring
            .iter()
            .filter(|m| m.test.starts_with("anti-Xa"))
            .find_map(|m| match m.due {
                Due::At(t) if t > as_of => Some(t),
                _ => None,
            })
            .unwrap_or_else(|| as_of.after_hours(protocol.monitoring.ufh_recheck_h.value));
        let r = &analysis.recommendation;
        let recommended = r
            .heparin_rate()
            .map(|rate| WhatIf {
                rate_units_per_h: rate.value() * fitted.dosing_weight_kg,
                bolus_units: r.bolus_units.map(|b| b.value()),
            })
            .filter(|plan| {
                plan.bolus_units.is_some()
                    || fitted
                        .running_ufh_units_per_h
                        .is_none_or(|running| (running - plan.rate_units_per_h).abs() > 1e-6)
            });
        Ok(Self {
            as_of,
            as_of_h,
            recommended,
            dosing_weight_kg: fitted.dosing_weight_kg,
            running_units_per_h: fitted.running_ufh_units_per_h,
            samples_used: fitted.samples_used,
            next_anti_xa,
            rate_to_target: fitted.rate_to_target.clone(),
            warnings: fitted.warnings.clone(),
            misfit: fitted.misfit.clone(),
            provisional: prior.provisional,
            pop: fitted.pop,
            nodes,
        })
    }

    /// The plan with nothing changed: the running heparin rate (none: no infusion), no bolus.
    #[must_use]
    pub fn running_plan(&self) -> WhatIf {
        WhatIf {
            rate_units_per_h: self.running_units_per_h.unwrap_or(0.0),
            bolus_units: None,
        }
    }

    /// The forecast `hours_after` the replay time under `plan` (0 or more; a bolus at the replay time
    /// counts from just after it).
    #[must_use]
    pub fn band(&self, plan: WhatIf, hours_after: f64) -> Band {
        let dt = (hours_after - PLAN_STARTS_AFTER_H).max(0.0);
        let mut levels = Levels {
            mixture: Vec::with_capacity(49),
            grid: Vec::with_capacity(self.nodes.len()),
        };
        for n in &self.nodes {
            let k = n.pk.cl_l_per_h / n.pk.v_l;
            let decay = (-k * dt).exp();
            let amount =
                (n.amount_units + plan.bolus_units.unwrap_or(0.0)) * decay + plan.rate_units_per_h / k * (1.0 - decay);
            let level = (amount / n.pk.v_l / 1000.0).max(0.0);
            match n.weight {
                Some(w) => levels.mixture.push((level, w)),
                None => levels.grid.push(level),
            }
        }
        band_of(&self.pop, &levels)
    }

    /// The forecast at `t` (the replay time's band for a time before it).
    #[must_use]
    pub fn band_at(&self, plan: WhatIf, t: ClinicalTime) -> Band {
        self.band(plan, t.hours_since(self.as_of))
    }

    /// The curve at the given hours after the replay time: `(hours from the case start, band)`.
    #[must_use]
    pub fn curve_at(&self, plan: WhatIf, hours_after: impl IntoIterator<Item = f64>) -> Vec<(f64, Band)> {
        hours_after
            .into_iter()
            .map(|after| (self.as_of_h + after, self.band(plan, after)))
            .collect()
    }
}
