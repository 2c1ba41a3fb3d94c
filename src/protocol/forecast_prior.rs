//! The anti-Xa forecast's prior (issue 16): its own RON file (`protocols/forecast-ufh.ron`), versioned,
//! every number with its source, checked on load (positive values, the provisional flag stated). The
//! shipped file is compiled in; `check-protocol` validates an edited one.

use serde::Deserialize;

/// The prior file's format: 2 adds the forgetting half-life (issue 30); a format-1 file still loads
/// (it fits every result with the same weight, as format 1 did).
pub const FORECAST_PRIOR_FORMAT: u32 = 2;

/// The shipped prior.
pub const SHIPPED_PRIOR: &str = include_str!("../../protocols/forecast-ufh.ron");

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcedNumber {
    pub value: f64,
    pub source: String,
}

/// A one-compartment heparin model: typical values per kg of the heparin dosing weight, log-normal
/// between-patient variability, and the assay error.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForecastPrior {
    pub format_version: u32,
    pub name: String,
    /// Said on every screen and in the JSON while true.
    pub provisional: bool,
    pub volume_l_per_kg: SourcedNumber,
    pub clearance_l_per_h_per_kg: SourcedNumber,
    pub omega_clearance: SourcedNumber,
    pub omega_volume: SourcedNumber,
    pub error_proportional: SourcedNumber,
    pub error_additive_units_per_ml: SourcedNumber,
    /// Above this rate the "saturable clearance" caveat is attached to a rate to target.
    pub saturable_above_units_per_kg_per_h: SourcedNumber,
    /// Format 2 (issue 30): a result's weight in the fit halves every this many hours before the newest
    /// one, so that recent results lead when the patient's clearance changes. `None`: equal weights.
    #[serde(default)]
    pub forgetting_half_life_h: Option<SourcedNumber>,
    /// Format 2: a random walk on log clearance — its SD over 24 h — for patients whose clearance
    /// changes (AT falling, inflammation, a new circuit, renal failure).
    #[serde(default)]
    pub clearance_drift_sd_per_day: Option<SourcedNumber>,
    /// Format 2: the extra log-normal spread of clearance after a change of the facts that move it
    /// (renal replacement, setting, ECMO flow, a circuit change, a creatinine rise) in the last 24 h.
    #[serde(default)]
    pub changed_fact_widening_omega_cl: Option<SourcedNumber>,
    /// Format 2: a creatinine rise (mg/dL within 48 h) that counts as such a change.
    #[serde(default)]
    pub creatinine_rise_mg_per_dl: Option<SourcedNumber>,
    /// Format 2: whether the probability that a rate's steady state lies in the target is shown — only
    /// where the calibration study found it calibrated on every generator. `None`: not shown.
    #[serde(default)]
    pub probability_in_range_calibrated: Option<SourcedFlag>,
}

/// A yes/no with its source (the study that decided it).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcedFlag {
    pub value: bool,
    pub source: String,
}

/// Why a prior file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PriorError {
    #[error("{origin}:{line}:{column}: {message}")]
    Parse {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{origin}: {field} must be a positive number with a source (found {value})")]
    Value {
        origin: String,
        field: &'static str,
        value: String,
    },
    #[error("{origin}: format_version {found} is not supported (this build reads {FORECAST_PRIOR_FORMAT})")]
    Format { origin: String, found: u32 },
}

impl ForecastPrior {
    /// Parses and checks a prior file.
    ///
    /// # Errors
    /// A parse error with its line and column, an unsupported format, a value that is not positive or
    /// a number without a source.
    pub fn from_ron_str(text: &str, origin: &str) -> Result<Self, PriorError> {
        let prior: Self = ron::from_str(text).map_err(|e| PriorError::Parse {
            origin: origin.to_owned(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })?;
        if !(1..=FORECAST_PRIOR_FORMAT).contains(&prior.format_version) {
            return Err(PriorError::Format {
                origin: origin.to_owned(),
                found: prior.format_version,
            });
        }
        for (field, n) in [
            ("volume_l_per_kg", &prior.volume_l_per_kg),
            ("clearance_l_per_h_per_kg", &prior.clearance_l_per_h_per_kg),
            ("omega_clearance", &prior.omega_clearance),
            ("omega_volume", &prior.omega_volume),
            ("error_proportional", &prior.error_proportional),
            ("error_additive_units_per_ml", &prior.error_additive_units_per_ml),
            (
                "saturable_above_units_per_kg_per_h",
                &prior.saturable_above_units_per_kg_per_h,
            ),
        ]
        .into_iter()
        .chain(
            prior
                .forgetting_half_life_h
                .as_ref()
                .map(|n| ("forgetting_half_life_h", n)),
        )
        .chain(
            prior
                .changed_fact_widening_omega_cl
                .as_ref()
                .map(|n| ("changed_fact_widening_omega_cl", n)),
        )
        .chain(
            prior
                .creatinine_rise_mg_per_dl
                .as_ref()
                .map(|n| ("creatinine_rise_mg_per_dl", n)),
        )
        .chain(
            prior
                .clearance_drift_sd_per_day
                .as_ref()
                .map(|n| ("clearance_drift_sd_per_day", n)),
        ) {
            if !(n.value.is_finite() && n.value > 0.0) || n.source.trim().is_empty() {
                return Err(PriorError::Value {
                    origin: origin.to_owned(),
                    field,
                    value: n.value.to_string(),
                });
            }
        }
        Ok(prior)
    }

    /// The shipped prior.
    ///
    /// # Errors
    /// Only if the shipped file were broken (a test loads it).
    pub fn shipped() -> Result<Self, PriorError> {
        Self::from_ron_str(SHIPPED_PRIOR, "protocols/forecast-ufh.ron")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_prior_loads_and_a_broken_one_is_refused_by_name() {
        let p = ForecastPrior::shipped().unwrap_or_else(|e| panic!("{e}"));
        assert!(p.provisional);
        assert!((p.clearance_l_per_h_per_kg.value - 0.03).abs() < 1e-12);
        let zero = SHIPPED_PRIOR.replace("value: 0.07,", "value: 0,");
        let err = ForecastPrior::from_ron_str(&zero, "edited.ron")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("volume_l_per_kg"), "{err}");
        let unknown = SHIPPED_PRIOR.replace("provisional: true,", "provisional: true, colour: 1,");
        assert!(ForecastPrior::from_ron_str(&unknown, "edited.ron").is_err());
        // A format-1 file (before issue 30) still loads: equal weights, no drift, no probability shown.
        let format_1: String = SHIPPED_PRIOR
            .replace("format_version: 2,", "format_version: 1,")
            .lines()
            .filter(|l| {
                ![
                    "forgetting_half_life_h",
                    "clearance_drift_sd_per_day",
                    "changed_fact_widening_omega_cl",
                    "creatinine_rise_mg_per_dl",
                    "probability_in_range_calibrated",
                ]
                .iter()
                .any(|f| l.trim_start().starts_with(f))
            })
            .collect::<Vec<_>>()
            .join("\n");
        let old = ForecastPrior::from_ron_str(&format_1, "old.ron").unwrap_or_else(|e| panic!("{e}"));
        assert!(old.forgetting_half_life_h.is_none() && old.probability_in_range_calibrated.is_none());
        assert!(p.forgetting_half_life_h.is_some(), "the shipped prior forgets");
        let future = SHIPPED_PRIOR.replace("format_version: 2,", "format_version: 3,");
        assert!(ForecastPrior::from_ron_str(&future, "new.ron").is_err());
    }
}
