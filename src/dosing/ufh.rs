//! Unfractionated heparin: start doses and nomogram steps (clinical reference §9). Every dose is on the
//! heparin dosing weight the caller passes (`super::weight`); boluses are capped (10,000 units outside
//! bypass, 40 units/kg on ECMO), a decrease floors at the protocol's minimum rate, and a recommended rate
//! is rounded to the precision shown (0.1 units/kg/h) before its pump rate is worked out, so that what
//! is shown is what the pump gets.

use super::rate::{Rate, RateUnit};
use crate::model::{Hours, Kilograms, Minutes, MlPerHour, Units, UnitsPerHour, UnitsPerKgPerHour, num, round_half_up};
use crate::protocol::{Nomogram, NomogramInput, NomogramRow, Protocol};

/// The nomogram row for a value (rounded to reporting precision by the caller).
#[must_use]
pub fn nomogram_row(nomogram: &Nomogram, value: f64) -> Option<(usize, &NomogramRow)> {
    nomogram.row(value)
}

/// Human text for a row's band, with its open and closed ends: "anti-Xa 0.2–< 0.3", "anti-Xa
/// 0.3–0.7", "anti-Xa > 0.7–0.8", "aPTT > 3 × control".
#[must_use]
pub fn band_text(nomogram: &Nomogram, index: usize, row: &NomogramRow) -> String {
    let (unit, decimals) = match nomogram.input {
        NomogramInput::AntiXa => (" units/mL", 2),
        NomogramInput::ApttRatio => (" × control", 2),
    };
    let prefix = match nomogram.input {
        NomogramInput::AntiXa => "anti-Xa",
        NomogramInput::ApttRatio => "aPTT",
    };
    let (from, to) = (num(row.from, decimals), row.to.map(|t| num(t, decimals)));
    match (index.cmp(&nomogram.target_row), to) {
        (std::cmp::Ordering::Less, Some(to)) if row.from == 0.0 => format!("{prefix} < {to}{unit}"),
        (std::cmp::Ordering::Less, Some(to)) => format!("{prefix} {from}–< {to}{unit}"),
        (std::cmp::Ordering::Equal, Some(to)) => format!("{prefix} {from}–{to}{unit}"),
        (std::cmp::Ordering::Greater, Some(to)) => format!("{prefix} > {from}–{to}{unit}"),
        (_, None) => format!("{prefix} > {from}{unit}"),
    }
}

/// A bolus after the caps: what was calculated and what may be given.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CappedBolus {
    pub calculated: Units,
    pub given: Units,
}

impl CappedBolus {
    #[must_use]
    pub fn was_capped(&self) -> bool {
        self.given < self.calculated
    }
}

/// Caps a nomogram bolus at the protocol's maximum single bolus (units, and units/kg where set).
#[must_use]
pub fn capped_bolus(protocol: &Protocol, calculated: Units, dosing_weight: Kilograms) -> CappedBolus {
    let cap = &protocol.ufh.bolus_cap;
    let mut given = calculated.min(cap.max_units);
    if let Some(per_kg) = cap.max_units_per_kg {
        given = given.min(per_kg.for_weight(dosing_weight));
    }
    CappedBolus { calculated, given }
}

/// One nomogram step applied to the running infusion.
#[derive(Debug, Clone, PartialEq)]
pub struct UfhStep {
    pub row_index: usize,
    pub bolus: Option<CappedBolus>,
    pub hold_min: Minutes,
    pub new_rate: UnitsPerKgPerHour,
    pub change: Rate,
    pub new_rate_per_hour: UnitsPerHour,
    pub pump: MlPerHour,
    pub recheck_h: Hours,
    pub dosing_weight: Kilograms,
    /// The row's decrease would have gone below the protocol's minimum rate: the rate is the minimum,
    /// and the step is a hold with a call (clinical reference §5).
    pub floored_at_minimum: bool,
}

impl UfhStep {
    /// The row applied, as the nomogram reads ("anti-Xa < 0.2 units/mL: bolus 80 units/kg, +1.5
    /// units/kg/h, recheck in 6 h"). `nomogram` is the one the step came from.
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
                unit: RateUnit::UnitsPerKgPerHour,
            }
            .signed(),
        );
        action.push(format!("recheck in {} h", row.recheck_h.shown()));
        format!("{}: {}", band_text(nomogram, self.row_index, row), action.join(", "))
    }

    #[must_use]
    pub fn is_no_change(&self) -> bool {
        self.bolus.is_none() && self.hold_min.value() == 0.0 && self.change.value == 0.0
    }
}

/// A rate rounded to the precision it is shown with.
#[must_use]
pub fn shown_rate(rate: UnitsPerKgPerHour) -> UnitsPerKgPerHour {
    UnitsPerKgPerHour::new(round_half_up(rate.value(), UnitsPerKgPerHour::DECIMALS as u32)).unwrap_or(rate)
}

/// Applies the row that matches `value` to the current rate (units/kg/h of the dosing weight).
#[must_use]
pub fn nomogram_step(
    protocol: &Protocol,
    nomogram: &Nomogram,
    value: f64,
    current: UnitsPerKgPerHour,
    dosing_weight: Kilograms,
) -> Option<UfhStep> {
    let (row_index, row) = nomogram_row(nomogram, value)?;
    let minimum = protocol.ufh.minimum_rate_units_per_kg_per_h.value;
    // A row without a change keeps the running rate exactly as it runs (clinical reference §14.4: 18.75
    // units/kg/h is not "adjusted" to 18.8, and 14 units/h is not re-derived as 16).
    let stepped = if row.rate_change_units_per_kg_per_h == 0.0 {
        current
    } else {
        shown_rate(current.stepped(row.rate_change_units_per_kg_per_h))
    };
    let floored_at_minimum = row.rate_change_units_per_kg_per_h < 0.0 && stepped < minimum;
    let new_rate = if floored_at_minimum {
        minimum.min(current)
    } else {
        stepped
    };
    let bolus = (row.bolus_units_per_kg.value() > 0.0).then(|| {
        capped_bolus(
            protocol,
            row.bolus_units_per_kg.for_weight(dosing_weight),
            dosing_weight,
        )
    });
    let new_rate_per_hour = new_rate.for_weight(dosing_weight);
    let concentration = protocol.ufh.concentration_units_per_ml.value;
    let change = Rate {
        value: new_rate.value() - current.value(),
        unit: RateUnit::UnitsPerKgPerHour,
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
        floored_at_minimum,
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
pub fn start(protocol: &Protocol, dosing_weight: Kilograms) -> UfhStart {
    let s = &protocol.ufh.start;
    let w = dosing_weight;
    let bolus = s.bolus_units_per_kg.map(|b| {
        let raw = b.for_weight(w);
        s.bolus_max_units.map_or(raw, |max| raw.min(max))
    });
    let mut rate_per_hour = s.rate_units_per_kg_per_h.for_weight(w);
    let mut capped = false;
    if let Some(max) = s.rate_max_units_per_h {
        capped = rate_per_hour > max;
        rate_per_hour = rate_per_hour.min(max);
    }
    // Shown to 0.1 units/kg/h; a capped rate is rounded down so that it stays under the cap.
    let per_kg = rate_per_hour.per_kg(w).value();
    let factor = 10f64.powi(UnitsPerKgPerHour::DECIMALS as i32);
    let rate = if capped {
        UnitsPerKgPerHour::new((per_kg * factor + 1e-9).floor() / factor).unwrap_or(rate_per_hour.per_kg(w))
    } else {
        shown_rate(rate_per_hour.per_kg(w))
    };
    let rate_per_hour = rate.for_weight(w);
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
    fn the_target_row_is_closed_and_rows_above_it_open_below() {
        let icu = protocol("adult-icu");
        let n = &icu.ufh.anti_xa_nomogram;
        let row = |v: f64| n.row(v).map(|(i, _)| i);
        assert_eq!(row(0.19), Some(0));
        assert_eq!(row(0.2), Some(1), "[0.2, 0.3)");
        assert_eq!(row(0.3), Some(2), "the target row is closed at 0.3");
        assert_eq!(row(0.7), Some(2), "… and at 0.7");
        assert_eq!(row(0.71), Some(3), "(0.7, 0.8]");
        assert_eq!(row(0.8), Some(3));
        assert_eq!(row(0.81), Some(4), "(0.8, 0.99]: hold 30 min");
        assert_eq!(row(0.99), Some(4));
        assert_eq!(row(1.0), Some(5), "≥ 1.0: hold 60 min");
        let ecmo = protocol("adult-ecmo");
        let e = &ecmo.ufh.anti_xa_nomogram;
        let hold = |v: f64| e.row(v).map(|(_, r)| r.hold_min.value());
        assert_eq!(hold(0.5), Some(0.0), "0.5 is in the ECMO target");
        assert_eq!(hold(0.65), Some(0.0), "above 0.5 up to 0.7: decrease without a hold");
        assert_eq!(hold(0.7), Some(0.0));
        assert_eq!(hold(0.71), Some(60.0), "above 0.7: hold 60 min");
        assert_eq!(e.first_hold_row().map(|(_, r)| r.from), Some(0.7));
        assert_eq!(n.first_hold_row().map(|(_, r)| r.from), Some(0.8));
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
    fn boluses_are_capped_and_say_what_was_calculated() {
        // ICU: 80 units/kg at 150 kg = 12,000 → 10,000. ECMO: 40 units/kg of 100 kg = 4,000 (cap 40/kg).
        let icu = protocol("adult-icu");
        let b = capped_bolus(&icu, Units::constant(12_000.0), Kilograms::constant(150.0));
        assert_eq!((b.calculated.value(), b.given.value()), (12_000.0, 10_000.0));
        assert!(b.was_capped());
        let ecmo = protocol("adult-ecmo");
        let b = capped_bolus(&ecmo, Units::constant(8_000.0), Kilograms::constant(100.0));
        assert_eq!(b.given.value(), 4_000.0);
    }

    #[test]
    fn a_decrease_floors_at_the_minimum_rate_and_says_so() {
        let p = protocol("adult-icu");
        let step = nomogram_step(
            &p,
            &p.ufh.anti_xa_nomogram,
            1.5,
            UnitsPerKgPerHour::constant(3.0),
            Kilograms::constant(80.0),
        )
        .unwrap_or_else(|| panic!("row"));
        assert_eq!(step.new_rate.value(), 2.0, "3 − 3 floors at the minimum 2 units/kg/h");
        assert!(step.floored_at_minimum);
    }

    #[test]
    fn a_recommended_rate_is_rounded_to_the_shown_precision() {
        // 1,000 units/h at 90.9 kg = 11.001… units/kg/h; +1 → 12.0, pump from 12.0.
        let p = protocol("adult-icu");
        let current = UnitsPerHour::constant(1000.0).per_kg(Kilograms::constant(90.9));
        let step = nomogram_step(&p, &p.ufh.anti_xa_nomogram, 0.25, current, Kilograms::constant(90.9))
            .unwrap_or_else(|| panic!("row"));
        assert_eq!(step.new_rate.value(), 12.0);
        assert!((step.pump.value() - 12.0 * 90.9 / 100.0).abs() < 1e-9);
    }
}
