//! Anticoagulants a patient may have had before or beside the infusions the timeline follows: the oral
//! ones (DOACs), the low-molecular-weight heparins and fondaparinux (case format 6, issue 23). Each is
//! recorded as a dose with its time — in mg, or in units for dalteparin and tinzaparin — and shown as
//! "recorded, not used by the algorithm yet" until the rules of clinical reference §14 use them.

use serde::{Deserialize, Serialize};

use super::units::{Milligrams, Units};

macro_rules! other_anticoagulants {
    ($($drug:ident => ($code:literal, $in_units:literal)),+ $(,)?) => {
        /// An anticoagulant recorded by its doses (the CSV kind is its code).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum OtherAnticoagulant {
            $($drug),+
        }

        impl OtherAnticoagulant {
            /// Every one, in the order the entry form lists them.
            pub const ALL: [Self; [$(Self::$drug),+].len()] = [$(Self::$drug),+];

            /// The code in CSV files and the entry form; also its name in a sentence.
            #[must_use]
            pub fn code(self) -> &'static str {
                match self { $(Self::$drug => $code),+ }
            }

            /// Whether its doses are in units (dalteparin, tinzaparin) rather than mg.
            #[must_use]
            pub fn dosed_in_units(self) -> bool {
                match self { $(Self::$drug => $in_units),+ }
            }
        }
    };
}

other_anticoagulants! {
    Apixaban => ("apixaban", false),
    Rivaroxaban => ("rivaroxaban", false),
    Edoxaban => ("edoxaban", false),
    Dabigatran => ("dabigatran", false),
    Enoxaparin => ("enoxaparin", false),
    Dalteparin => ("dalteparin", true),
    Tinzaparin => ("tinzaparin", true),
    Fondaparinux => ("fondaparinux", false),
}

impl OtherAnticoagulant {
    /// The one with this code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.code() == code)
    }

    /// The unit its doses are written in.
    #[must_use]
    pub fn unit(self) -> &'static str {
        if self.dosed_in_units() {
            Units::UNIT
        } else {
            Milligrams::UNIT
        }
    }
}

/// A dose of one of them, in its unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum OtherDose {
    Milligrams(Milligrams),
    Units(Units),
}

impl OtherDose {
    #[must_use]
    pub fn value(self) -> f64 {
        match self {
            Self::Milligrams(v) => v.value(),
            Self::Units(v) => v.value(),
        }
    }
}

impl std::fmt::Display for OtherDose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Milligrams(v) => v.fmt(f),
            Self::Units(v) => v.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back_and_units_follow_the_drug() {
        for d in OtherAnticoagulant::ALL {
            assert_eq!(OtherAnticoagulant::from_code(d.code()), Some(d));
        }
        assert_eq!(OtherAnticoagulant::Dalteparin.unit(), "units");
        assert_eq!(OtherAnticoagulant::Apixaban.unit(), "mg");
    }
}
