//! The anti-Xa forecast's prior (issue 16): its own RON file (`protocols/forecast-ufh.ron`), versioned,
//! every number with its source, checked on load (positive values, the provisional flag stated). The
//! shipped file is compiled in; `check-protocol` validates an edited one.

use serde::Deserialize;

/// The prior file's format.
pub const FORECAST_PRIOR_FORMAT: u32 = 1;

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
        if prior.format_version != FORECAST_PRIOR_FORMAT {
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
        ] {
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
    }
}
