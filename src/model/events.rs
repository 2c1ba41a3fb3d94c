//! Timeline events: laboratory results and doses, each at a time on the case clock.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::other_anticoagulant::{OtherAnticoagulant, OtherDose};
use super::patient::{Patient, Setting, StopReason};
use super::stamp::Stamp;
use super::time::ClinicalTime;
use super::units::{
    AntiXaLevel, Kilograms, McgPerKgPerMin, MgPerKgPerHour, Milligrams, Millilitres, MlPerHour, MlPerMin, Units,
    UnitsPerHour, UnitsPerKgPerHour, UnitsPerMl,
};
use super::words::{AssayResult, CircuitPart, EcmoFlow, Interference, RrtWord, SurgeryRisk, YesNo};

/// A heparin infusion rate as it was ordered: per kilogram or absolute.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum HeparinRate {
    UnitsPerKgPerHour(UnitsPerKgPerHour),
    UnitsPerHour(UnitsPerHour),
}

impl HeparinRate {
    #[must_use]
    pub fn units_per_hour(self, weight: Kilograms) -> UnitsPerHour {
        match self {
            Self::UnitsPerKgPerHour(r) => r.for_weight(weight),
            Self::UnitsPerHour(r) => r,
        }
    }

    #[must_use]
    pub fn units_per_kg_per_hour(self, weight: Kilograms) -> UnitsPerKgPerHour {
        match self {
            Self::UnitsPerKgPerHour(r) => r,
            Self::UnitsPerHour(r) => r.per_kg(weight),
        }
    }

    #[must_use]
    pub fn is_stop(self) -> bool {
        match self {
            Self::UnitsPerKgPerHour(r) => r.value() == 0.0,
            Self::UnitsPerHour(r) => r.value() == 0.0,
        }
    }
}

/// Fresh frozen plasma, recorded as a volume or as a number of bags when the volume is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum PlasmaAmount {
    Millilitres(Millilitres),
    Bags(u32),
}

/// Builds `EventKind` and `LabKind` from the one table of lab kinds (`model::lab_table`).
macro_rules! event_kinds {
    ($($lab:ident($ty:ty) $field:ident $code:literal $label:literal $noun:literal
        [$stored:literal $(, $alt:literal $op:tt $factor:literal)*]
        reported $reported:tt limit $limit:tt flowsheet $sheet:literal),+ $(,)?) => {
        /// What happened. Labs first (one per row of the lab table), then doses; the variant names are
        /// the CSV `kind` column in CamelCase.
        #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
        pub enum EventKind {
            $(
                #[doc = concat!("A result of ", $label, ", in ", $stored, ".")]
                $lab($ty),
            )+
            /// An anti-Xa below the assay's lower limit, which this value is (CSV `<0.1`; case format 4).
            /// The clinical algorithm reads it as the limit; the forecast as censored (a probability, not
            /// a value).
            AntiXaBelow(AntiXaLevel),
            UfhBolus(Units),
            /// A new infusion rate from this time on; 0 stops the infusion.
            UfhInfusion(HeparinRate),
            /// Plasma-derived antithrombin concentrate (e.g. Thrombate III).
            AtConcentrate(Units),
            /// Recombinant antithrombin (antithrombin alfa).
            AtRecombinant(Units),
            Ffp(PlasmaAmount),
            /// A new argatroban rate from this time on; 0 stops it.
            ArgatrobanInfusion(McgPerKgPerMin),
            /// A new bivalirudin rate from this time on; 0 stops it.
            BivalirudinInfusion(MgPerKgPerHour),
            Protamine(Milligrams),
            /// A dose of an oral anticoagulant, a low-molecular-weight heparin or fondaparinux (case
            /// format 6): recorded, not used by the algorithm yet.
            OtherAnticoagulant(OtherAnticoagulant, OtherDose),
            /// A part of the ECMO circuit changed (case format 6).
            CircuitChange(CircuitPart),
            /// The end of an operation, with its bleeding risk (case format 6).
            SurgeryEnd(SurgeryRisk),
            /// A HIT immunoassay (anti-PF4/heparin) result; its optical density, if any, in the note
            /// (case format 6).
            HitImmunoassay(AssayResult),
            /// A HIT functional assay (SRA, HIPA) result (case format 6).
            HitFunctionalAssay(AssayResult),
            /// Facts from this time on (clinical reference §14.8; case format 6): the analysis at a time
            /// reads the latest of each at or before it, else the patient's value at the case start.
            /// The setting (case format 7) also chooses the protocol in effect.
            SettingFrom(Setting),
            RrtFrom(RrtWord),
            CrclFrom(MlPerMin),
            HepaticImpairmentFrom(YesNo),
            HighBleedingRiskFrom(YesNo),
            /// Active bleeding (recorded; the rules of clinical reference §14 that read it come next).
            BleedingFrom(YesNo),
            PregnancyFrom(YesNo),
            EcmoFlowFrom(EcmoFlow),
        }

        /// Laboratory series, used to index the timeline per test (one per row of the lab table).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum LabKind {
            $($lab),+
        }

        impl LabKind {
            /// Every lab, in the table's order.
            pub const ALL: [Self; [$(Self::$lab),+].len()] = [$(Self::$lab),+];

            #[must_use]
            pub fn index(self) -> usize {
                self as usize
            }

            /// Whether the lab has a column of the flowsheet.
            #[must_use]
            pub const fn in_flowsheet(self) -> bool {
                match self {
                    $(Self::$lab => $sheet),+
                }
            }
        }

        impl EventKind {
            /// The lab and its value in the lab's display unit, if this is a lab.
            #[must_use]
            pub fn lab(self) -> Option<(LabKind, f64)> {
                Some(match self {
                    $(Self::$lab(v) => (LabKind::$lab, v.value()),)+
                    Self::AntiXaBelow(v) => (LabKind::AntiXa, v.value()),
                    Self::UfhBolus(_)
                    | Self::UfhInfusion(_)
                    | Self::AtConcentrate(_)
                    | Self::AtRecombinant(_)
                    | Self::Ffp(_)
                    | Self::ArgatrobanInfusion(_)
                    | Self::BivalirudinInfusion(_)
                    | Self::Protamine(_)
                    | Self::OtherAnticoagulant(..)
                    | Self::CircuitChange(_)
                    | Self::SurgeryEnd(_)
                    | Self::HitImmunoassay(_)
                    | Self::HitFunctionalAssay(_)
                    | Self::SettingFrom(_)
                    | Self::RrtFrom(_)
                    | Self::CrclFrom(_)
                    | Self::HepaticImpairmentFrom(_)
                    | Self::HighBleedingRiskFrom(_)
                    | Self::BleedingFrom(_)
                    | Self::PregnancyFrom(_)
                    | Self::EcmoFlowFrom(_) => return None,
                })
            }
        }
    };
}
super::lab_table::lab_table!(event_kinds);

/// A callback for [`lab_table`](super::lab_table::lab_table) that expands to a pattern matching any lab event of the table (not
/// `AntiXaBelow`, which each match handles itself): `lab_table!(lab_event_pattern) => …`.
macro_rules! lab_event_pattern {
    ($($lab:ident($ty:ty) $field:ident $code:literal $label:literal $noun:literal
        [$stored:literal $(, $alt:literal $op:tt $factor:literal)*]
        reported $reported:tt limit $limit:tt flowsheet $sheet:literal),+ $(,)?) => {
        $($crate::model::events::EventKind::$lab(_))|+
    };
}
pub(crate) use lab_event_pattern;

impl EventKind {
    /// Recorded and shown, but not read by any rule yet (issue 23: the rules of clinical reference §14 that
    /// use them come with the next issues).
    #[must_use]
    pub fn is_recorded_only(self) -> bool {
        matches!(self, Self::Crp(_) | Self::CircuitChange(_))
    }

    /// Whether this is a fact from a time on (clinical reference §14.8).
    #[must_use]
    pub fn is_fact(self) -> bool {
        matches!(
            self,
            Self::SettingFrom(_)
                | Self::RrtFrom(_)
                | Self::CrclFrom(_)
                | Self::HepaticImpairmentFrom(_)
                | Self::HighBleedingRiskFrom(_)
                | Self::BleedingFrom(_)
                | Self::PregnancyFrom(_)
                | Self::EcmoFlowFrom(_)
        )
    }

    /// Sets the patient's value of a fact from a time on; other events leave the patient as it is
    /// (active bleeding has no patient field: the timeline keeps it).
    pub fn apply_to(self, patient: &mut Patient) {
        match self {
            Self::SettingFrom(v) => patient.setting = v,
            Self::RrtFrom(v) => patient.rrt = v.rrt(),
            Self::CrclFrom(v) => patient.crcl = Some(v),
            Self::HepaticImpairmentFrom(v) => patient.hepatic_impairment = v.is_yes(),
            Self::HighBleedingRiskFrom(v) => patient.high_bleeding_risk = v.is_yes(),
            Self::PregnancyFrom(v) => patient.pregnant = v.is_yes(),
            Self::EcmoFlowFrom(v) => patient.ecmo_low_flow = v == EcmoFlow::Low,
            _ => {}
        }
    }

    /// The value of an event whose value is a word (`oxygenator`, `high`, `positive`).
    #[must_use]
    pub fn word(self) -> Option<&'static str> {
        match self {
            Self::CircuitChange(v) => Some(v.code()),
            Self::SurgeryEnd(v) => Some(v.code()),
            Self::HitImmunoassay(v) | Self::HitFunctionalAssay(v) => Some(v.code()),
            Self::SettingFrom(v) => Some(v.code()),
            Self::RrtFrom(v) => Some(v.code()),
            Self::HepaticImpairmentFrom(v)
            | Self::HighBleedingRiskFrom(v)
            | Self::BleedingFrom(v)
            | Self::PregnancyFrom(v) => Some(v.code()),
            Self::EcmoFlowFrom(v) => Some(v.code()),
            _ => None,
        }
    }

    #[must_use]
    pub fn is_lab(self) -> bool {
        self.lab().is_some()
    }

    /// The drug of an infusion event (a rate, or 0 to stop).
    #[must_use]
    pub fn infusion_drug(self) -> Option<super::anticoagulant::Anticoagulant> {
        use super::anticoagulant::Anticoagulant;
        match self {
            Self::UfhInfusion(_) => Some(Anticoagulant::Heparin),
            Self::ArgatrobanInfusion(_) => Some(Anticoagulant::Argatroban),
            Self::BivalirudinInfusion(_) => Some(Anticoagulant::Bivalirudin),
            _ => None,
        }
    }

    /// An infusion rate of 0: the infusion stops.
    #[must_use]
    pub fn is_infusion_stop(self) -> bool {
        match self {
            Self::UfhInfusion(r) => r.is_stop(),
            Self::ArgatrobanInfusion(r) => r.value() == 0.0,
            Self::BivalirudinInfusion(r) => r.value() == 0.0,
            _ => false,
        }
    }
}

/// A handle on one event, unique in this run of the program, so that an edit or a deletion finds its
/// event by identity, not by value (two results can be equal; rows move when others are deleted). It
/// is not written to case files: every event read gets a fresh one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(u64);

impl EventId {
    /// A handle no other event of this run has.
    #[must_use]
    pub fn fresh() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Self(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// One entry of the timeline.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// This event's handle (not part of the record).
    #[serde(skip, default = "EventId::fresh")]
    pub id: EventId,
    pub time: ClinicalTime,
    pub kind: EventKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Why an infusion was stopped (only on a stop: an infusion rate of 0). Case format 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<StopReason>,
    /// When and by whom it was entered (case format 3; absent for older records and bundled cases).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered: Option<Stamp>,
    /// What the analyser flagged on the sample (labs only; case format 6): recorded, not used by the
    /// algorithm yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interference: Option<Interference>,
    /// Checked and confirmed as right although unusual (case format 6; audited with the event).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub confirmed: bool,
    /// Where the record came from (a file, a message or a resource id; case format 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// An infusion rate as it was entered on the pump's scale, with the bag it was converted at (case
    /// format 6), so that "14 mL/h" stays 14 mL/h (clinical reference §14.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entered_as: Option<EnteredRate>,
}

/// A rate entered in mL/h and the concentration that converted it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnteredRate {
    pub ml_per_h: MlPerHour,
    pub concentration_units_per_ml: UnitsPerMl,
}

/// Two events are equal when they record the same thing; their handles do not take part.
impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time
            && self.kind == other.kind
            && self.note == other.note
            && self.reason == other.reason
            && self.interference == other.interference
            && self.confirmed == other.confirmed
            && self.source == other.source
            && self.entered_as == other.entered_as
    }
}

impl Event {
    #[must_use]
    pub fn new(time: ClinicalTime, kind: EventKind) -> Self {
        Self {
            id: EventId::fresh(),
            time,
            kind,
            note: None,
            reason: None,
            entered: None,
            interference: None,
            confirmed: false,
            source: None,
            entered_as: None,
        }
    }

    /// The same event with a note (`None` for an empty one).
    #[must_use]
    pub fn with_note(self, note: Option<String>) -> Self {
        Self {
            note: note.filter(|n| !n.trim().is_empty()),
            ..self
        }
    }
}
