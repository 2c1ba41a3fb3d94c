//! One table for the kinds of event: the code written in CSV files, typed in the entry form and read
//! by the command line; the label on screen; how an event of the kind is described; and the units it
//! accepts (the first is the one the case file stores). Every list of event kinds is read from here.

use super::events::{Event, EventKind, HeparinRate, LabKind, PlasmaAmount};
use super::other_anticoagulant::OtherAnticoagulant;
use super::patient::StopReason;

/// Builds `EventCode` from the lab table's rows (`model::lab_table`) and the dose rows below.
macro_rules! lab_codes_then_doses {
    ($($lab:ident($ty:ty) $field:ident $code:literal $label:literal $noun:literal
        [$stored:literal $(, $alt:literal $op:tt $factor:literal)*]
        reported $reported:tt limit $limit:tt flowsheet $sheet:literal),+ $(,)?) => {
        event_codes! {
            labs { $($lab => ($code, $label, $noun, [$stored $(, $alt)*])),+ }
            doses {
                UfhBolus => ("ufh_bolus", "heparin bolus", "heparin bolus", ["units"]),
                UfhInfusion => (
                    "ufh_infusion", "heparin infusion rate", "heparin infusion", ["units/kg/h", "units/h"]
                ),
                AtConcentrate => (
                    "at_concentrate",
                    "antithrombin concentrate (plasma-derived)",
                    "antithrombin concentrate (plasma-derived)",
                    ["units"]
                ),
                AtRecombinant => (
                    "at_recombinant",
                    "antithrombin alfa (recombinant)",
                    "antithrombin alfa (recombinant)",
                    ["units"]
                ),
                Ffp => ("ffp", "fresh frozen plasma", "fresh frozen plasma", ["mL", "bags"]),
                ArgatrobanInfusion => (
                    "argatroban_infusion", "argatroban infusion rate", "argatroban infusion", ["mcg/kg/min"]
                ),
                BivalirudinInfusion => (
                    "bivalirudin_infusion", "bivalirudin infusion rate", "bivalirudin infusion", ["mg/kg/h"]
                ),
                Protamine => ("protamine", "protamine", "protamine", ["mg"]),
                Apixaban => ("apixaban", "apixaban", "apixaban", ["mg"]),
                Rivaroxaban => ("rivaroxaban", "rivaroxaban", "rivaroxaban", ["mg"]),
                Edoxaban => ("edoxaban", "edoxaban", "edoxaban", ["mg"]),
                Dabigatran => ("dabigatran", "dabigatran", "dabigatran", ["mg"]),
                Enoxaparin => ("enoxaparin", "enoxaparin", "enoxaparin", ["mg"]),
                Dalteparin => ("dalteparin", "dalteparin", "dalteparin", ["units"]),
                Tinzaparin => ("tinzaparin", "tinzaparin", "tinzaparin", ["units"]),
                Fondaparinux => ("fondaparinux", "fondaparinux", "fondaparinux", ["mg"]),
                CircuitChange => ("circuit_change", "circuit change", "circuit change", [""]),
                SurgeryEnd => ("surgery_end", "end of surgery", "end of surgery", [""]),
                HitImmunoassay => ("hit_immunoassay", "HIT immunoassay", "HIT immunoassay", [""]),
                HitFunctionalAssay => (
                    "hit_functional_assay", "HIT functional assay", "HIT functional assay", [""]
                ),
                SettingFrom => ("setting", "setting", "setting", [""]),
                RrtFrom => ("rrt", "renal replacement therapy", "renal replacement therapy", [""]),
                CrclFrom => ("crcl", "creatinine clearance", "creatinine clearance", ["mL/min"]),
                HepaticImpairmentFrom => ("hepatic_impairment", "hepatic impairment", "hepatic impairment", [""]),
                HighBleedingRiskFrom => ("high_bleeding_risk", "high bleeding risk", "high bleeding risk", [""]),
                BleedingFrom => ("bleeding", "active bleeding", "active bleeding", [""]),
                PregnancyFrom => ("pregnancy", "pregnancy", "pregnancy", [""]),
                EcmoFlowFrom => ("ecmo_flow", "ECMO flow", "ECMO flow", [""]),
            }
        }

        impl EventCode {
            /// The kind of an event.
            #[must_use]
            pub fn of(kind: EventKind) -> Self {
                match kind {
                    $(EventKind::$lab(_) => Self::$lab,)+
                    EventKind::AntiXaBelow(_) => Self::AntiXa,
                    EventKind::UfhBolus(_) => Self::UfhBolus,
                    EventKind::UfhInfusion(_) => Self::UfhInfusion,
                    EventKind::AtConcentrate(_) => Self::AtConcentrate,
                    EventKind::AtRecombinant(_) => Self::AtRecombinant,
                    EventKind::Ffp(_) => Self::Ffp,
                    EventKind::ArgatrobanInfusion(_) => Self::ArgatrobanInfusion,
                    EventKind::BivalirudinInfusion(_) => Self::BivalirudinInfusion,
                    EventKind::Protamine(_) => Self::Protamine,
                    EventKind::OtherAnticoagulant(drug, _) => match drug {
                        OtherAnticoagulant::Apixaban => Self::Apixaban,
                        OtherAnticoagulant::Rivaroxaban => Self::Rivaroxaban,
                        OtherAnticoagulant::Edoxaban => Self::Edoxaban,
                        OtherAnticoagulant::Dabigatran => Self::Dabigatran,
                        OtherAnticoagulant::Enoxaparin => Self::Enoxaparin,
                        OtherAnticoagulant::Dalteparin => Self::Dalteparin,
                        OtherAnticoagulant::Tinzaparin => Self::Tinzaparin,
                        OtherAnticoagulant::Fondaparinux => Self::Fondaparinux,
                    },
                    EventKind::CircuitChange(_) => Self::CircuitChange,
                    EventKind::SurgeryEnd(_) => Self::SurgeryEnd,
                    EventKind::HitImmunoassay(_) => Self::HitImmunoassay,
                    EventKind::HitFunctionalAssay(_) => Self::HitFunctionalAssay,
                    EventKind::SettingFrom(_) => Self::SettingFrom,
                    EventKind::RrtFrom(_) => Self::RrtFrom,
                    EventKind::CrclFrom(_) => Self::CrclFrom,
                    EventKind::HepaticImpairmentFrom(_) => Self::HepaticImpairmentFrom,
                    EventKind::HighBleedingRiskFrom(_) => Self::HighBleedingRiskFrom,
                    EventKind::BleedingFrom(_) => Self::BleedingFrom,
                    EventKind::PregnancyFrom(_) => Self::PregnancyFrom,
                    EventKind::EcmoFlowFrom(_) => Self::EcmoFlowFrom,
                }
            }

            /// The lab series of a lab kind.
            #[must_use]
            pub fn lab(self) -> Option<LabKind> {
                match self {
                    $(Self::$lab => Some(LabKind::$lab),)+
                    _ => None,
                }
            }

            /// The code of a lab series.
            #[must_use]
            pub fn of_lab(lab: LabKind) -> Self {
                match lab {
                    $(LabKind::$lab => Self::$lab),+
                }
            }
        }

        /// The columns of an event value: its code, its value as written in a CSV (a number in full, `<L`
        /// below an assay's limit, or a word) and its unit as stored — the inverse of reading a CSV row;
        /// used to export and to prefill the entry form.
        #[must_use]
        pub fn event_fields(kind: EventKind) -> (EventCode, String, &'static str) {
            let code = EventCode::of(kind);
            let stored = code.units()[0];
            let number = |v: f64, unit: &'static str| (code, format!("{v}"), unit);
            match kind {
                $(EventKind::$lab(v) => number(v.value(), stored),)+
                EventKind::AntiXaBelow(v) => (code, format!("<{}", v.value()), stored),
                EventKind::UfhBolus(v) | EventKind::AtConcentrate(v) | EventKind::AtRecombinant(v) => {
                    number(v.value(), stored)
                }
                EventKind::UfhInfusion(HeparinRate::UnitsPerKgPerHour(r)) => number(r.value(), "units/kg/h"),
                EventKind::UfhInfusion(HeparinRate::UnitsPerHour(r)) => number(r.value(), "units/h"),
                EventKind::Ffp(PlasmaAmount::Millilitres(v)) => number(v.value(), "mL"),
                EventKind::Ffp(PlasmaAmount::Bags(n)) => number(f64::from(n), "bags"),
                EventKind::ArgatrobanInfusion(r) => number(r.value(), stored),
                EventKind::BivalirudinInfusion(r) => number(r.value(), stored),
                EventKind::Protamine(v) => number(v.value(), stored),
                EventKind::OtherAnticoagulant(_, dose) => number(dose.value(), stored),
                EventKind::CrclFrom(v) => number(v.value(), stored),
                EventKind::CircuitChange(_)
                | EventKind::SurgeryEnd(_)
                | EventKind::HitImmunoassay(_)
                | EventKind::HitFunctionalAssay(_)
                | EventKind::SettingFrom(_)
                | EventKind::RrtFrom(_)
                | EventKind::HepaticImpairmentFrom(_)
                | EventKind::HighBleedingRiskFrom(_)
                | EventKind::BleedingFrom(_)
                | EventKind::PregnancyFrom(_)
                | EventKind::EcmoFlowFrom(_) => (code, kind.word().unwrap_or_default().to_owned(), ""),
            }
        }

        impl EventKind {
            /// Plain-language description with units, for reports and the timeline table.
            #[must_use]
            pub fn describe(self) -> String {
                let noun = EventCode::of(self).noun();
                match self {
                    $(Self::$lab(v) => format!("{noun} {v}"),)+
                    Self::AntiXaBelow(v) => format!("{noun} <{v} (below the assay's limit)"),
                    Self::UfhBolus(u) | Self::AtConcentrate(u) | Self::AtRecombinant(u) => format!("{noun} {u}"),
                    Self::UfhInfusion(HeparinRate::UnitsPerKgPerHour(r)) => format!("{noun} {r}"),
                    Self::UfhInfusion(HeparinRate::UnitsPerHour(r)) => format!("{noun} {r}"),
                    Self::Ffp(PlasmaAmount::Millilitres(v)) => format!("{noun} {v}"),
                    Self::Ffp(PlasmaAmount::Bags(n)) => {
                        format!("{noun} {n} bag{}", if n == 1 { "" } else { "s" })
                    }
                    Self::ArgatrobanInfusion(r) => format!("{noun} {r}"),
                    Self::BivalirudinInfusion(r) => format!("{noun} {r}"),
                    Self::Protamine(mg) => format!("{noun} {mg}"),
                    Self::OtherAnticoagulant(_, dose) => format!("{noun} {dose}"),
                    Self::CircuitChange(part) => format!("{noun}: {}", part.code()),
                    Self::SurgeryEnd(risk) => format!("{noun} ({} bleeding risk)", risk.code()),
                    Self::HitImmunoassay(r) | Self::HitFunctionalAssay(r) => format!("{noun} {}", r.code()),
                    Self::CrclFrom(v) => format!("{noun} {v} from then on"),
                    Self::SettingFrom(_)
                    | Self::RrtFrom(_)
                    | Self::HepaticImpairmentFrom(_)
                    | Self::HighBleedingRiskFrom(_)
                    | Self::BleedingFrom(_)
                    | Self::PregnancyFrom(_)
                    | Self::EcmoFlowFrom(_) => {
                        format!("{noun}: {} from then on", self.word().unwrap_or_default())
                    }
                }
            }
        }
    };
}

macro_rules! event_codes {
    (
        labs { $($lab:ident => ($lcode:literal, $llabel:literal, $lnoun:literal, [$($lunit:literal),+])),+ }
        doses { $($variant:ident => ($code:literal, $label:literal, $noun:literal, [$($unit:literal),+])),+ $(,)? }
    ) => {
        /// A kind of event, as a code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EventCode {
            $($lab,)+
            $($variant),+
        }

        impl EventCode {
            /// Every kind, labs first, in the order the entry form lists them.
            pub const ALL: [Self; [$(Self::$lab,)+ $(Self::$variant),+].len()] = [$(Self::$lab,)+ $(Self::$variant),+];

            /// The code in CSV files, the entry form and the CLI (`aptt`, `ufh_infusion`, …).
            #[must_use]
            pub fn code(self) -> &'static str {
                match self { $(Self::$lab => $lcode,)+ $(Self::$variant => $code),+ }
            }

            /// The name on screen ("aPTT", "heparin infusion rate").
            #[must_use]
            pub fn label(self) -> &'static str {
                match self { $(Self::$lab => $llabel,)+ $(Self::$variant => $label),+ }
            }

            /// What an event of this kind is called in a sentence ("heparin infusion 18 units/kg/h").
            #[must_use]
            pub fn noun(self) -> &'static str {
                match self { $(Self::$lab => $lnoun,)+ $(Self::$variant => $noun),+ }
            }

            /// The units accepted as written (`IU` reads as `units`); the first is the stored one.
            #[must_use]
            pub fn units(self) -> &'static [&'static str] {
                match self { $(Self::$lab => &[$($lunit),+],)+ $(Self::$variant => &[$($unit),+]),+ }
            }
        }
    };
}

super::lab_table::lab_table!(lab_codes_then_doses);

impl EventCode {
    /// The kind with this code.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Every code, for messages ("allowed: aptt, anti_xa, …").
    #[must_use]
    pub fn codes() -> String {
        Self::ALL.map(Self::code).join(", ")
    }
}

impl LabKind {
    /// Name on screen (from the one table of event kinds).
    #[must_use]
    pub fn label(self) -> &'static str {
        EventCode::of_lab(self).label()
    }
}

impl EventKind {
    /// The series the event belongs to (one per kind): results and doses of one series must be in time
    /// order, one per minute.
    #[must_use]
    pub fn series(self) -> EventCode {
        EventCode::of(self)
    }
}

/// A stop reason on an event that is not a stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a stop reason ({}) belongs only to an infusion stopped with rate 0; {what} is not a stop", reason.code())]
pub struct ReasonNotOnStop {
    pub reason: StopReason,
    pub what: &'static str,
}

impl Event {
    /// The same event with a stop reason.
    ///
    /// # Errors
    /// A reason on anything but an infusion stopped with rate 0.
    pub fn with_reason(self, reason: Option<StopReason>) -> Result<Self, ReasonNotOnStop> {
        match reason {
            Some(r) if !self.kind.is_infusion_stop() => Err(ReasonNotOnStop {
                reason: r,
                what: EventCode::of(self.kind).label(),
            }),
            _ => Ok(Self { reason, ..self }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_read_back() {
        for code in EventCode::ALL {
            assert_eq!(EventCode::from_code(code.code()), Some(code));
            assert!(!code.units().is_empty());
        }
        let mut codes: Vec<&str> = EventCode::ALL.iter().map(|c| c.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), EventCode::ALL.len());
        assert_eq!(EventCode::from_code("heparin"), None);
    }

    #[test]
    fn every_lab_series_has_its_code_and_its_label() {
        for lab in LabKind::ALL {
            let code = EventCode::of_lab(lab);
            assert_eq!(code.lab(), Some(lab));
            assert_eq!(code.label(), lab.label());
        }
    }
}
