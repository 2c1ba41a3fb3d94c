//! A dose rate tagged with its unit, for recommendations that may concern any of the three drugs.
//! Changes may be negative, so this is a (value, unit) pair rather than one of the non-negative
//! quantity types; it is only ever built from those types.

use std::fmt;

use serde::Serialize;

use crate::model::{
    Anticoagulant, Kilograms, McgPerKgPerMin, MgPerKgPerHour, MgPerMl, MlPerHour, UnitsPerKgPerHour, num,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RateUnit {
    #[serde(rename = "units/kg/h")]
    UnitsPerKgPerHour,
    #[serde(rename = "mcg/kg/min")]
    McgPerKgPerMin,
    #[serde(rename = "mg/kg/h")]
    MgPerKgPerHour,
}

impl RateUnit {
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            Self::UnitsPerKgPerHour => "units/kg/h",
            Self::McgPerKgPerMin => "mcg/kg/min",
            Self::MgPerKgPerHour => "mg/kg/h",
        }
    }

    fn decimals(self) -> usize {
        match self {
            Self::UnitsPerKgPerHour => UnitsPerKgPerHour::DECIMALS,
            Self::McgPerKgPerMin => McgPerKgPerMin::DECIMALS,
            Self::MgPerKgPerHour => MgPerKgPerHour::DECIMALS,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub value: f64,
    pub unit: RateUnit,
}

/// In JSON the value is rounded to its unit's shown precision.
impl Serialize for Rate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Rate", 2)?;
        st.serialize_field(
            "value",
            &crate::model::round_half_up(self.value, self.unit.decimals() as u32),
        )?;
        st.serialize_field("unit", &self.unit)?;
        st.end()
    }
}

impl Rate {
    #[must_use]
    pub fn ufh(r: UnitsPerKgPerHour) -> Self {
        Self {
            value: r.value(),
            unit: RateUnit::UnitsPerKgPerHour,
        }
    }

    #[must_use]
    pub fn argatroban(r: McgPerKgPerMin) -> Self {
        Self {
            value: r.value(),
            unit: RateUnit::McgPerKgPerMin,
        }
    }

    #[must_use]
    pub fn bivalirudin(r: MgPerKgPerHour) -> Self {
        Self {
            value: r.value(),
            unit: RateUnit::MgPerKgPerHour,
        }
    }

    /// The difference `self − before` (same unit), for `rate_change`.
    #[must_use]
    pub fn change_from(self, before: Self) -> Option<Self> {
        (self.unit == before.unit).then_some(Self {
            value: self.value - before.value,
            unit: self.unit,
        })
    }

    /// Signed text for a change: "+0.25 mcg/kg/min", "−2 units/kg/h".
    #[must_use]
    pub fn signed(self) -> String {
        let n = num(self.value.abs(), self.unit.decimals()).to_string();
        if n == "0" {
            "no change".to_owned()
        } else if self.value < 0.0 {
            format!("−{n} {}", self.unit.symbol())
        } else {
            format!("+{n} {}", self.unit.symbol())
        }
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", num(self.value, self.unit.decimals()), self.unit.symbol())
    }
}

/// A rate to run, in its drug's own unit type: what a recommendation tells the bedside to set. It cannot
/// be negative, and no code has to read its unit back from a tag to know what the number is. JSON as
/// [`Rate`]: `{"value": …, "unit": "…"}`, rounded to the unit's precision.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DoseRate {
    Heparin(UnitsPerKgPerHour),
    Argatroban(McgPerKgPerMin),
    Bivalirudin(MgPerKgPerHour),
}

impl DoseRate {
    /// The rate as a unit-tagged number (for differences and the shared text).
    #[must_use]
    pub fn tagged(self) -> Rate {
        match self {
            Self::Heparin(r) => Rate::ufh(r),
            Self::Argatroban(r) => Rate::argatroban(r),
            Self::Bivalirudin(r) => Rate::bivalirudin(r),
        }
    }

    #[must_use]
    pub fn value(self) -> f64 {
        self.tagged().value
    }

    #[must_use]
    pub fn unit(self) -> RateUnit {
        self.tagged().unit
    }

    /// A DTI rate's pump rate on a weight at a mg/mL bag (`None` for heparin, dosed in units).
    #[must_use]
    pub fn dti_pump_rate(self, weight: Kilograms, concentration: MgPerMl) -> Option<MlPerHour> {
        match self {
            Self::Heparin(_) => None,
            Self::Argatroban(r) => Some(r.pump_rate(weight, concentration)),
            Self::Bivalirudin(r) => Some(r.pump_rate(weight, concentration)),
        }
    }

    /// The drug the rate is of.
    #[must_use]
    pub fn drug(self) -> Anticoagulant {
        match self {
            Self::Heparin(_) => Anticoagulant::Heparin,
            Self::Argatroban(_) => Anticoagulant::Argatroban,
            Self::Bivalirudin(_) => Anticoagulant::Bivalirudin,
        }
    }

    /// The same drug changed by `step` in its unit, floored at zero and rounded half up to the unit's
    /// shown precision.
    #[must_use]
    pub fn stepped_rounded(self, step: f64) -> Self {
        match self {
            Self::Heparin(r) => Self::Heparin(r.stepped_rounded(step)),
            Self::Argatroban(r) => Self::Argatroban(r.stepped_rounded(step)),
            Self::Bivalirudin(r) => Self::Bivalirudin(r.stepped_rounded(step)),
        }
    }

    /// The same drug times `factor`, floored at zero and rounded half up to the unit's shown precision.
    #[must_use]
    pub fn times_rounded(self, factor: f64) -> Self {
        match self {
            Self::Heparin(r) => Self::Heparin(r.times_rounded(factor)),
            Self::Argatroban(r) => Self::Argatroban(r.times_rounded(factor)),
            Self::Bivalirudin(r) => Self::Bivalirudin(r.times_rounded(factor)),
        }
    }

    /// The heparin rate, when this is one.
    #[must_use]
    pub fn heparin(self) -> Option<UnitsPerKgPerHour> {
        match self {
            Self::Heparin(r) => Some(r),
            Self::Argatroban(_) | Self::Bivalirudin(_) => None,
        }
    }
}

impl Serialize for DoseRate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.tagged().serialize(s)
    }
}

impl fmt::Display for DoseRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.tagged().fmt(f)
    }
}
