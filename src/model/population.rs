//! Who a protocol, a rule or a model is written for: a set of age groups. Every "is this patient in
//! it?" is [`Population::covers`]; no other code compares age groups, so a second population (a
//! paediatric protocol) is a new set, not a hunt through the rules.

use super::patient::AgeGroup;

/// A set of age groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Population(u8);

impl Population {
    /// Adults only: what the shipped protocols, the adult weight check, the adult R2 threshold and the
    /// forecast's prior are written for.
    pub const ADULTS: Self = Self::bit(AgeGroup::Adult);

    const fn bit(group: AgeGroup) -> Self {
        Self(1 << group as u8)
    }

    /// The set of these groups (a protocol's `age_groups`).
    #[must_use]
    pub fn of(groups: &[AgeGroup]) -> Self {
        Self(groups.iter().fold(0, |set, g| set | Self::bit(*g).0))
    }

    /// Whether a patient of this age group is in the population.
    #[must_use]
    pub const fn covers(self, group: AgeGroup) -> bool {
        self.0 & Self::bit(group).0 != 0
    }

    /// "adult", "adult and child": the groups in the order of [`AgeGroup::ALL`].
    #[must_use]
    pub fn describe(self) -> String {
        AgeGroup::ALL
            .into_iter()
            .filter(|g| self.covers(*g))
            .map(AgeGroup::code)
            .collect::<Vec<_>>()
            .join(" and ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_population_covers_exactly_its_groups() {
        assert!(Population::ADULTS.covers(AgeGroup::Adult));
        for other in [AgeGroup::Child, AgeGroup::Infant, AgeGroup::Neonate] {
            assert!(!Population::ADULTS.covers(other), "{other:?}");
        }
        let two = Population::of(&[AgeGroup::Child, AgeGroup::Adult]);
        assert!(two.covers(AgeGroup::Child) && two.covers(AgeGroup::Adult) && !two.covers(AgeGroup::Infant));
        assert_eq!(two.describe(), "adult and child");
        assert_eq!(Population::of(&[AgeGroup::Adult]), Population::ADULTS);
        assert_eq!(Population::ADULTS.describe(), "adult");
    }
}
