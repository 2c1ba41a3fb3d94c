//! The one table of laboratory kinds. A new lab is one row here (plus its tests): the event kind and the
//! timeline series, the code and the words, the units accepted with their conversion to the stored one,
//! the precision a rule reads it at, the plausibility limit that applies and its flowsheet column are all
//! generated from the row by the rooms that need them:
//! - `model::events` — the `EventKind` variant, the `LabKind` series, `EventKind::lab`;
//! - `model::event_code` — the `EventCode`, its code, label, noun and units, `describe`, `event_fields`;
//! - `io::csv_events` — reading a value in any accepted unit (CSV, entry forms, quick draw, CLI);
//! - `analysis::series` — the typed series on the timeline and the one rounding point ("as reported");
//! - `protocol::plausibility` — the hard and soft limits (the numbers stay in the protocol);
//! - `present::flowsheet` — the columns and their units.
//!
//! Doses are not in this table: each dose kind has its own arithmetic (rates, weights, stops) written out
//! where it is used. LOINC codes do not belong here either (they will live with the lab import's code map).
//!
//! A row reads:
//! `Variant(ValueType) series_field "code" "label" "noun" ["stored unit", "other unit" op factor, …]
//!  reported decimals|- limit plausibility_field|- flowsheet true|false`
//! where `op factor` turns a value in the other unit into the stored unit (`"units/mL" * 100.0` reads
//! 0.8 units/mL as 80%), `reported 0` rounds the value half up to that many decimals before any band or
//! threshold reads it (`-`: as entered), and `limit` names the field of the protocol's plausibility
//! section that checks it (`-`: none).

/// Calls `$callback! { rows }` with the table's rows (see the module documentation for a row's shape).
macro_rules! lab_table {
    ($callback:ident) => {
        $callback! {
            Aptt($crate::model::units::Seconds) aptt "aptt" "aPTT" "aPTT" ["s"]
                reported 0 limit aptt_s flowsheet true,
            AntiXa($crate::model::units::AntiXaLevel) anti_xa "anti_xa" "anti-Xa" "anti-Xa" ["units/mL"]
                reported 2 limit anti_xa_units_per_ml flowsheet true,
            Antithrombin($crate::model::units::Percent) antithrombin "antithrombin" "antithrombin" "antithrombin"
                ["%", "units/mL" * 100.0]
                reported - limit antithrombin_percent flowsheet true,
            Act($crate::model::units::Seconds) act "act" "ACT" "ACT" ["s"]
                reported - limit act_s flowsheet true,
            Platelets($crate::model::units::PlateletCount) platelets "platelets" "platelets" "platelets" ["10^9/L"]
                reported - limit platelets flowsheet true,
            Fibrinogen($crate::model::units::GramsPerLitre) fibrinogen "fibrinogen" "fibrinogen" "fibrinogen"
                ["g/L", "mg/dL" / 100.0]
                reported - limit fibrinogen_g_per_l flowsheet true,
            Inr($crate::model::units::Inr) inr "inr" "INR" "INR" [""]
                reported - limit inr flowsheet true,
            Hemoglobin($crate::model::units::GramsPerLitre) hemoglobin "hemoglobin" "hemoglobin" "hemoglobin"
                ["g/L", "g/dL" * 10.0]
                reported - limit - flowsheet false,
            FactorViii($crate::model::units::Percent) factor_viii "factor_viii" "factor VIII" "factor VIII"
                ["%", "units/mL" * 100.0]
                reported - limit - flowsheet false,
            PlasmaFreeHb($crate::model::units::MgPerDl) plasma_free_hb "plasma_free_hb" "plasma free hemoglobin"
                "plasma free hemoglobin" ["mg/dL", "g/L" * 100.0]
                reported - limit - flowsheet false,
            // 1 mg/dL = 17.1 µmol/L (molar mass 584.7 g/mol).
            Bilirubin($crate::model::units::MgPerDl) bilirubin "bilirubin" "bilirubin" "bilirubin"
                ["mg/dL", "umol/L" / 17.1]
                reported - limit - flowsheet false,
            // Case format 6 (issue 23). 1 mmol/L = 88.57 mg/dL (triglyceride as triolein, 885.7 g/mol).
            // Recorded, not used by the algorithm yet; no plausibility limit (clinical reference §12 lists
            // none).
            Triglycerides($crate::model::units::MgPerDl) triglycerides "triglycerides" "triglycerides"
                "triglycerides" ["mg/dL", "mmol/L" * 88.57]
                reported - limit - flowsheet true,
            // Case format 8 (issue 25, clinical reference §14.5/§14.6): a thrombin time ends dabigatran's
            // window when normal; an anti-Xa from an assay that adds no antithrombin decides after an AT dose
            // when the case's usual assay adds it. Same unit and limit as the anti-Xa.
            ThrombinTime($crate::model::units::Seconds) thrombin_time "thrombin_time" "thrombin time"
                "thrombin time" ["s"]
                reported - limit - flowsheet false,
            AntiXaNotSupplemented($crate::model::units::AntiXaLevel) anti_xa_not_supplemented
                "anti_xa_not_supplemented" "anti-Xa (assay without added antithrombin)"
                "non-supplemented anti-Xa" ["units/mL"]
                reported 2 limit anti_xa_units_per_ml flowsheet false,
            Crp($crate::model::units::MgPerLitre) crp "crp" "CRP" "C-reactive protein" ["mg/L", "mg/dL" * 10.0]
                reported - limit - flowsheet false,
            // Shown, not used to derive CrCl (clinical reference §14.8). 1 mg/dL = 88.4 µmol/L.
            Creatinine($crate::model::units::MgPerDl) creatinine "creatinine" "creatinine" "creatinine"
                ["mg/dL", "umol/L" / 88.4]
                reported - limit - flowsheet true,
        }
    };
}
pub(crate) use lab_table;

/// A value in the unit it was written in, as the stored unit: `value`, `value * 100.0`, `value / 17.1`.
macro_rules! converted {
    ($value:expr) => {
        $value
    };
    ($value:expr, $op:tt $factor:literal) => {
        $value $op $factor
    };
}
pub(crate) use converted;
