//! One direct thrombin inhibitor's protocol section in the shape every DTI shares: the one place that
//! reads a DTI's own section of the protocol (its concentration, limits, target and titration table), so
//! the titration, the target, the pump rate and the recommendation text are each written once for all
//! DTIs. A new DTI is a protocol section, a row of `model::Anticoagulant` and a `section` arm here.

use crate::dosing::DoseRate;
use crate::model::{Fraction, MgPerMl, Minutes, Range, Ratio, Seconds};
use crate::protocol::{ArgatrobanColumn, DtiDrug, Protocol, Source, Sourced};

/// How a titration band changes the rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// By an absolute amount in the drug's rate unit (argatroban: +0.25 mcg/kg/min).
    By(f64),
    /// By a signed percentage of the running rate (bivalirudin: +20%).
    Percent(f64),
}

impl Step {
    /// Whether the step lowers the rate.
    #[must_use]
    pub fn is_decrease(self) -> bool {
        match self {
            Self::By(v) | Self::Percent(v) => v < 0.0,
        }
    }

    /// Whether the step leaves the rate as it is.
    #[must_use]
    pub fn is_none(self) -> bool {
        match self {
            Self::By(v) | Self::Percent(v) => v == 0.0,
        }
    }
}

/// A DTI's titration table relative to the patient's target (clinical reference §8, rev 2).
#[derive(Debug, Clone, PartialEq)]
pub struct DtiSteps {
    /// Below the lower bound by more than the margin (0.2 × baseline); `None`: any amount below is
    /// `near_below`.
    pub far_below: Option<Step>,
    pub near_below: Step,
    pub above_target: Step,
    pub above_target_hold: Minutes,
    /// Above the DTI hold threshold (3 × baseline or 100 s): the step and the hold; `None`: no band.
    pub above_hold: Option<(Step, Minutes)>,
    /// Above the target's absolute cap: stop and call, restart at this fraction; `None`: no cap band.
    pub above_cap: Option<(Seconds, Fraction)>,
    /// Below this rate an increase is at most this fraction of the rate.
    pub small_rate: Option<(DoseRate, Fraction)>,
    /// Which column of the table is used, when the table has two ("critically ill column").
    pub column_note: Option<&'static str>,
    /// The other column's steps (far below, near below, above target), for the table on screen.
    pub other_column: Option<[Step; 3]>,
}

/// A DTI's section of the protocol.
#[derive(Debug, Clone, PartialEq)]
pub struct DtiSection<'p> {
    pub drug: DtiDrug,
    /// The bag, mg/mL (pump rates).
    pub concentration: MgPerMl,
    pub concentration_label: &'p str,
    pub target_ratio: &'p Sourced<Range<Ratio>>,
    /// The target's upper bound never exceeds this.
    pub target_cap: Option<Seconds>,
    pub minimum: DoseRate,
    /// The hard maximum rate, with its source.
    pub maximum: Option<(DoseRate, &'p Source)>,
    pub titration_source: &'p Source,
    /// False for an institutional example that is not validated (said beside every step).
    pub titration_validated: bool,
    pub steps: DtiSteps,
}

/// The section of a DTI.
#[must_use]
pub fn section(protocol: &Protocol, drug: DtiDrug) -> DtiSection<'_> {
    match drug {
        DtiDrug::Argatroban => {
            let a = &protocol.argatroban;
            let t = &a.titration;
            let (column, other) = match a.titration_column {
                ArgatrobanColumn::CriticallyIll => ("critically ill column", ArgatrobanColumn::NormalHepatic),
                ArgatrobanColumn::NormalHepatic => ("normal hepatic function column", ArgatrobanColumn::CriticallyIll),
            };
            let by = |s: crate::protocol::ArgatrobanStep, c| Step::By(s.of(c));
            DtiSection {
                drug,
                concentration: a.concentration_mg_per_ml.value,
                concentration_label: &a.concentration_label,
                target_ratio: &a.target_ratio,
                target_cap: Some(a.target_max_s.value),
                minimum: DoseRate::Argatroban(a.minimum_mcg_per_kg_per_min.value),
                maximum: Some((
                    DoseRate::Argatroban(a.max_mcg_per_kg_per_min.value),
                    &a.max_mcg_per_kg_per_min.source,
                )),
                titration_source: &a.titration_source,
                titration_validated: true,
                steps: DtiSteps {
                    far_below: Some(by(t.far_below, a.titration_column)),
                    near_below: by(t.near_below, a.titration_column),
                    above_target: by(t.above_target, a.titration_column),
                    above_target_hold: t.above_target_hold_min,
                    above_hold: None,
                    above_cap: Some((a.target_max_s.value, t.above_cap_restart_fraction)),
                    small_rate: Some((
                        DoseRate::Argatroban(t.small_rate_below),
                        t.small_rate_max_increase_fraction,
                    )),
                    column_note: Some(column),
                    other_column: Some([
                        by(t.far_below, other),
                        by(t.near_below, other),
                        by(t.above_target, other),
                    ]),
                },
            }
        }
        DtiDrug::Bivalirudin => {
            let b = &protocol.bivalirudin;
            let t = &b.titration;
            DtiSection {
                drug,
                concentration: b.concentration_mg_per_ml.value,
                concentration_label: &b.concentration_label,
                target_ratio: &b.target_ratio,
                target_cap: None,
                minimum: DoseRate::Bivalirudin(b.minimum_mg_per_kg_per_h.value),
                maximum: None,
                titration_source: &b.titration_source,
                titration_validated: b.titration_validated,
                steps: DtiSteps {
                    far_below: None,
                    near_below: Step::Percent(t.below_target_percent),
                    above_target: Step::Percent(t.above_target_percent),
                    above_target_hold: Minutes::ZERO,
                    above_hold: Some((Step::Percent(t.above_hold_percent), t.above_hold_hold_min)),
                    above_cap: None,
                    small_rate: None,
                    column_note: None,
                    other_column: None,
                },
            }
        }
    }
}
