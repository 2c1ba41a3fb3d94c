//! Which shipped protocol a case gets, by setting and age group: one table. A protocol for another
//! population (a paediatric one) is a row of `FOR_POPULATION` and its file in `protocols/`.

use crate::model::{AgeGroup, Population, Setting};

/// The shipped protocol of each setting (written for adults: `protocols/*.ron`, `age_groups`).
fn default_for(setting: Setting) -> &'static str {
    match setting {
        Setting::Icu => "adult-icu",
        Setting::EcmoVv | Setting::EcmoVa => "adult-ecmo",
        Setting::Cpb => "adult-cpb",
    }
}

/// Shipped protocols written for a population the setting's default is not: none yet.
const FOR_POPULATION: &[(Setting, Population, &str)] = &[];

/// The shipped protocol for a setting and an age group: one written for the age group, else the
/// setting's own — there is no shipped protocol for children, so a child gets the adult one, and the
/// analysis then shows no dose from it and says why (clinical reference §1, rev 2).
#[must_use]
pub fn shipped_protocol_for(setting: Setting, age_group: AgeGroup) -> &'static str {
    FOR_POPULATION
        .iter()
        .find(|(s, population, _)| *s == setting && population.covers(age_group))
        .map_or_else(|| default_for(setting), |(_, _, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Protocol;

    #[test]
    fn every_setting_and_age_group_gets_a_shipped_protocol_for_its_setting() {
        for setting in Setting::ALL {
            for age in AgeGroup::ALL {
                let name = shipped_protocol_for(setting, age);
                let protocol = Protocol::builtin(name).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(protocol.settings.contains(&setting), "{name} for {setting:?}");
                assert_eq!(
                    protocol.population.covers(age),
                    age == AgeGroup::Adult,
                    "{name} for {age:?}: the shipped protocols are for adults"
                );
            }
        }
        for (setting, population, name) in FOR_POPULATION {
            let protocol = Protocol::builtin(name).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(protocol.population, *population, "{name}");
            assert!(protocol.settings.contains(setting), "{name}");
        }
        assert_eq!(shipped_protocol_for(Setting::EcmoVa, AgeGroup::Adult), "adult-ecmo");
    }
}
