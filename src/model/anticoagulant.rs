//! The one table of anticoagulants: every drug whose infusion the timeline follows, with what identifies
//! it everywhere — its name and whether it is a direct thrombin inhibitor (titrated by the aPTT against the patient's own target, by
//! the DTI titration of `dosing::dti`). The numbers (starts, limits, steps, concentrations) stay in the
//! protocol, one section per drug; the rate types per drug are `dosing::DoseRate`'s variants.

use serde::{Deserialize, Serialize};

/// An anticoagulant given by infusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Anticoagulant {
    /// Unfractionated heparin.
    Heparin,
    Argatroban,
    Bivalirudin,
}

impl Anticoagulant {
    /// Every drug, heparin first.
    pub const ALL: [Self; 3] = [Self::Heparin, Self::Argatroban, Self::Bivalirudin];

    /// The drug's name in a sentence.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Heparin => "unfractionated heparin",
            Self::Argatroban => "argatroban",
            Self::Bivalirudin => "bivalirudin",
        }
    }

    /// A direct thrombin inhibitor (titrated by the aPTT against the patient's own target).
    #[must_use]
    pub fn is_dti(self) -> bool {
        match self {
            Self::Heparin => false,
            Self::Argatroban | Self::Bivalirudin => true,
        }
    }
}

/// A direct thrombin inhibitor: the anticoagulants a protocol may name for a switch (its DTI preference,
/// the bypass HIT agent). Same names as [`Anticoagulant`]'s, in protocol files and JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DtiDrug {
    Argatroban,
    Bivalirudin,
}

impl DtiDrug {
    /// Every DTI, in the order a tie is broken.
    pub const ALL: [Self; 2] = [Self::Argatroban, Self::Bivalirudin];

    /// The anticoagulant this is.
    #[must_use]
    pub fn drug(self) -> Anticoagulant {
        match self {
            Self::Argatroban => Anticoagulant::Argatroban,
            Self::Bivalirudin => Anticoagulant::Bivalirudin,
        }
    }

    #[must_use]
    pub fn name(self) -> &'static str {
        self.drug().name()
    }
}

impl Anticoagulant {
    /// The drug as a DTI, if it is one.
    #[must_use]
    pub fn as_dti(self) -> Option<DtiDrug> {
        match self {
            Self::Heparin => None,
            Self::Argatroban => Some(DtiDrug::Argatroban),
            Self::Bivalirudin => Some(DtiDrug::Bivalirudin),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dtis_are_the_table_s_dtis() {
        assert!(!Anticoagulant::Heparin.is_dti());
        for drug in Anticoagulant::ALL {
            assert_eq!(drug.as_dti().map(DtiDrug::drug), drug.is_dti().then_some(drug));
        }
    }
}
