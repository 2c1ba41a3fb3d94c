//! Unfractionated heparin: start doses and nomogram steps (clinical reference §9).

use super::rate::Rate;
use crate::model::{Hours, Kilograms, Minutes, MlPerHour, Units, UnitsPerHour, UnitsPerKgPerHour, num};
use crate::protocol::{Nomogram, NomogramInput, NomogramRow, Protocol};

/// The weight UFH doses are calculated on: the patient's, capped where the protocol says so (ECMO:
/// adjusted weight capped at 100 kg).
#[must_use]
pub fn dosing_weight(protocol: &Protocol, weight: Kilograms) -> Kilograms {
    match protocol.ufh.start.dosing_weight_cap_kg {
        Some(cap) => weight.min(cap),
        None => weight,
    }
}

/// The nomogram row for a value: `from <= value < to`.
#[must_use]
pub fn nomogram_row(nomogram: &Nomogram, value: f64) -> Option<(usize, &NomogramRow)> {
    nomogram.row(value)
}

/// Human text for a row's band.
#[must_use]
pub fn band_text(nomogram: &Nomogram, row: &NomogramRow) -> String {
    let (unit, decimals) = match nomogram.input {
        NomogramInput::AntiXa => (" units/mL", 2),
        NomogramInput::ApttRatio => (" × control", 2),
    };
    let prefix = match nomogram.input {
        NomogramInput::AntiXa => "anti-Xa",
        NomogramInput::ApttRatio => "aPTT",
    };
    match row.to {
        Some(to) if row.from == 0.0 => format!("{prefix} < {}{unit}", num(to, decimals)),
        Some(to) => format!("{prefix} {}–< {}{unit}", num(row.from, decimals), num(to, decimals)),
        None => format!("{prefix} ≥ {}{unit}", num(row.from, decimals)),
    }
}

/// One nomogram step applied to the running infusion.
#[derive(Debug, Clone, PartialEq)]
pub struct UfhStep {
    pub row_index: usize,
    pub bolus: Option<Units>,
    pub hold_min: Minutes,
    pub new_rate: UnitsPerKgPerHour,
    pub change: Rate,
    pub new_rate_per_hour: UnitsPerHour,
    pub pump: MlPerHour,
    pub recheck_h: Hours,
    pub dosing_weight: Kilograms,
}

impl UfhStep {
    /// The row applied, as the nomogram reads ("anti-Xa < 0.2 units/mL: bolus 80 units/kg, +4 units/kg/h,
    /// recheck in 6 h"), written when it is shown. `nomogram` is the one the step came from.
    #[must_use]
    pub fn row_text(&self, nomogram: &Nomogram) -> String {
        let Some(row) = nomogram.rows.get(self.row_index) else {
            return String::new();
        };
        let mut action = Vec::new();
        if row.bolus_units_per_kg.value() > 0.0 {
            action.push(format!("bolus {} units/kg", num(row.bolus_units_per_kg.value(), 1)));
        }
        if row.hold_min.value() > 0.0 {
            action.push(format!("hold {} min", row.hold_min.shown()));
        }
        action.push(
            Rate {
                value: row.rate_change_units_per_kg_per_h,
                unit: crate::dosing::RateUnit::UnitsPerKgPerHour,
            }
            .signed(),
        );
        action.push(format!("recheck in {} h", row.recheck_h.shown()));
        format!("{}: {}", band_text(nomogram, row), action.join(", "))
    }

    #[must_use]
    pub fn is_no_change(&self) -> bool {
        self.bolus.is_none() && self.hold_min.value() == 0.0 && self.change.value == 0.0
    }
}

/// Applies the row that matches `value` to the current rate (in units/kg/h of dosing weight).
#[must_use]
pub fn nomogram_step(
    protocol: &Protocol,
    nomogram: &Nomogram,
    value: f64,
    current: UnitsPerKgPerHour,
    weight: Kilograms,
) -> Option<UfhStep> {
    let (row_index, row) = nomogram_row(nomogram, value)?;
    let dosing_weight = dosing_weight(protocol, weight);
    let new_rate = current.stepped(row.rate_change_units_per_kg_per_h);
    let bolus = (row.bolus_units_per_kg.value() > 0.0).then(|| row.bolus_units_per_kg.for_weight(dosing_weight));
    let new_rate_per_hour = new_rate.for_weight(dosing_weight);
    let concentration = protocol.ufh.concentration_units_per_ml.value;
    let change = Rate {
        value: new_rate.value() - current.value(),
        unit: crate::dosing::RateUnit::UnitsPerKgPerHour,
    };
    Some(UfhStep {
        row_index,
        bolus,
        hold_min: row.hold_min,
        new_rate,
        change,
        new_rate_per_hour,
        pump: new_rate_per_hour.pump_rate(concentration),
        recheck_h: row.recheck_h,
        dosing_weight,
    })
}

/// The protocol's start: bolus (capped) and rate (capped), on the dosing weight.
#[derive(Debug, Clone, PartialEq)]
pub struct UfhStart {
    pub bolus: Option<Units>,
    pub rate: UnitsPerKgPerHour,
    pub rate_per_hour: UnitsPerHour,
    pub pump: MlPerHour,
    pub text: String,
}

#[must_use]
pub fn start(protocol: &Protocol, weight: Kilograms) -> UfhStart {
    let s = &protocol.ufh.start;
    let w = dosing_weight(protocol, weight);
    let bolus = s.bolus_units_per_kg.map(|b| {
        let raw = b.for_weight(w);
        s.bolus_max_units.map_or(raw, |max| raw.min(max))
    });
    let mut rate_per_hour = s.rate_units_per_kg_per_h.for_weight(w);
    if let Some(max) = s.rate_max_units_per_h {
        rate_per_hour = rate_per_hour.min(max);
    }
    let rate = rate_per_hour.per_kg(w);
    let concentration = protocol.ufh.concentration_units_per_ml.value;
    let text = format!(
        "{}{} ({}) on {}",
        bolus.map_or(String::new(), |b| format!("bolus {b}, then ")),
        rate,
        rate_per_hour,
        w
    );
    UfhStart {
        bolus,
        rate,
        rate_per_hour,
        pump: rate_per_hour.pump_rate(concentration),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn protocol(name: &str) -> Protocol {
        Protocol::builtin(name).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_dosing_weight_is_capped_where_the_protocol_says_so() {
        let ecmo = protocol("adult-ecmo");
        assert_eq!(dosing_weight(&ecmo, Kilograms::constant(150.0)).value(), 100.0);
        assert_eq!(dosing_weight(&ecmo, Kilograms::constant(80.0)).value(), 80.0);
        let icu = protocol("adult-icu");
        assert_eq!(dosing_weight(&icu, Kilograms::constant(150.0)).value(), 150.0);
    }

    #[test]
    fn the_start_caps_the_bolus_and_the_rate() {
        // ICU (Michigan): 80 units/kg (max 10,000) + 18 units/kg/h (max 1,800 units/h).
        let icu = protocol("adult-icu");
        let s = start(&icu, Kilograms::constant(80.0));
        assert_eq!(s.bolus.map(Units::value), Some(6400.0));
        assert_eq!(s.rate_per_hour.value(), 1440.0);
        assert!((s.pump.value() - 14.4).abs() < 1e-12, "100 units/mL");
        let heavy = start(&icu, Kilograms::constant(150.0));
        assert_eq!(heavy.bolus.map(Units::value), Some(10_000.0), "bolus capped");
        assert_eq!(heavy.rate_per_hour.value(), 1800.0, "rate capped");
        assert!(
            (heavy.rate.value() - 12.0).abs() < 1e-12,
            "1,800 units/h is 12 units/kg/h at 150 kg"
        );
    }

    #[test]
    fn every_row_of_the_shipped_nomograms_applies_its_step() {
        for name in ["adult-icu", "adult-ecmo"] {
            let p = protocol(name);
            for nomogram in [&p.ufh.anti_xa_nomogram, &p.ufh.aptt_nomogram] {
                for (i, row) in nomogram.rows.iter().enumerate() {
                    let value = row.to.map_or(row.from + 1.0, |to| (row.from + to) / 2.0);
                    let current = UnitsPerKgPerHour::constant(18.0);
                    let step = nomogram_step(&p, nomogram, value, current, Kilograms::constant(80.0))
                        .unwrap_or_else(|| panic!("{name} row {i}"));
                    assert_eq!(step.row_index, i);
                    assert!((step.change.value - row.rate_change_units_per_kg_per_h).abs() < 1e-12);
                    assert_eq!(step.bolus.is_some(), row.bolus_units_per_kg.value() > 0.0);
                    assert_eq!(step.is_no_change(), row.is_no_change());
                    assert!(!step.row_text(nomogram).is_empty());
                }
            }
        }
    }

    #[test]
    fn a_decrease_never_goes_below_zero() {
        let p = protocol("adult-icu");
        let step = nomogram_step(
            &p,
            &p.ufh.anti_xa_nomogram,
            1.5,
            UnitsPerKgPerHour::constant(1.0),
            Kilograms::constant(80.0),
        )
        .unwrap_or_else(|| panic!("row"));
        assert_eq!(step.new_rate.value(), 0.0);
    }
}
