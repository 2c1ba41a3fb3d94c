//! The patient flags of an events CSV on the command line (a case file carries its own patient), and the
//! patient they build.

use anyhow::{Result, anyhow};
use clap::{Args, ValueEnum};

use crate::model::{
    AgeGroup, AntiXaAssay, Centimetres, ClinicalTime, FourTsPoints, HitHistory, Kilograms, MlPerMin, Patient,
    PriorHeparin, Rrt, Seconds, Setting, Sex, Weight, WeightKind,
};

#[derive(Clone, Copy, Debug, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum SettingArg {
    Icu,
    EcmoVv,
    EcmoVa,
    Cpb,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum RrtArg {
    None,
    Crrt,
    Ihd,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum AgeArg {
    Adult,
    Child,
    Infant,
    Neonate,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum PriorArg {
    None,
    #[value(name = "within_30_days")]
    Within30Days,
    #[value(name = "between_30_and_100_days")]
    Between30And100Days,
}

/// A history of HIT (clinical reference §1).
#[derive(Clone, Copy, Debug, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum HitHistoryArg {
    /// No history of HIT.
    None,
    /// HIT more than 100 days ago, HIT immunoassay negative this admission.
    RemoteAntibodyNegative,
    /// HIT within 100 days, antibody-positive, or untested (heparin contraindicated).
    RecentOrPositive,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum SexArg {
    Female,
    Male,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum AssayArg {
    Unknown,
    AtSupplemented,
    NotSupplemented,
}

/// Patient facts for CSV input (a case file carries its own).
#[derive(Args, Debug, Default)]
pub struct PatientArgs {
    /// Weight in kg (required for CSV input).
    #[arg(long)]
    pub weight_kg: Option<f64>,
    /// The weight is checked and right although unusual (an adult under the protocol's minimum, 35 kg in
    /// the shipped protocols): without it no dose is shown for such a patient.
    #[arg(long)]
    pub weight_confirmed: bool,
    /// Setting (required for CSV input); selects the default protocol.
    #[arg(long, value_enum)]
    pub setting: Option<SettingArg>,
    /// Baseline (control) aPTT in seconds.
    #[arg(long)]
    pub baseline_aptt: Option<f64>,
    /// Creatinine clearance in mL/min.
    #[arg(long)]
    pub crcl: Option<f64>,
    #[arg(long, value_enum)]
    pub rrt: Option<RrtArg>,
    /// Child-Pugh B–C or bilirubin > 1.5 mg/dL.
    #[arg(long)]
    pub hepatic_impairment: bool,
    #[arg(long, value_enum)]
    pub age_group: Option<AgeArg>,
    /// Height in cm (with --sex, the ideal body weight behind an adjusted dosing weight).
    #[arg(long)]
    pub height_cm: Option<f64>,
    #[arg(long, value_enum)]
    pub sex: Option<SexArg>,
    /// 4Ts thrombosis item (0, 1 or 2); not given = not entered (the score becomes a range).
    #[arg(long)]
    pub hit_thrombosis: Option<u8>,
    /// 4Ts other-causes item (0 definite, 1 possible, 2 none apparent); not given = not entered.
    #[arg(long)]
    pub hit_other_causes: Option<u8>,
    /// Heparin before this case (4Ts timing); not given = not entered.
    #[arg(long, value_enum)]
    pub prior_heparin: Option<PriorArg>,
    #[arg(long)]
    pub heparin_coated_circuit: bool,
    #[arg(long)]
    pub ecmo_low_flow: bool,
    #[arg(long)]
    pub pregnant: bool,
    #[arg(long)]
    pub andexanet_exposure: bool,
    #[arg(long)]
    pub high_bleeding_risk: bool,
    /// History of HIT. Write `--hit-history=VALUE`; a bare `--hit-history` means recent_or_positive.
    #[arg(long, value_enum, num_args = 0..=1, require_equals = true, default_missing_value = "recent_or_positive")]
    pub hit_history: Option<HitHistoryArg>,
    #[arg(long, value_enum)]
    pub anti_xa_assay: Option<AssayArg>,
}

impl PatientArgs {
    pub(super) fn any_given(&self) -> bool {
        self.weight_kg.is_some()
            || self.weight_confirmed
            || self.setting.is_some()
            || self.baseline_aptt.is_some()
            || self.crcl.is_some()
            || self.rrt.is_some()
            || self.hepatic_impairment
            || self.age_group.is_some()
            || self.height_cm.is_some()
            || self.sex.is_some()
            || self.hit_thrombosis.is_some()
            || self.hit_other_causes.is_some()
            || self.prior_heparin.is_some()
            || self.heparin_coated_circuit
            || self.ecmo_low_flow
            || self.pregnant
            || self.andexanet_exposure
            || self.high_bleeding_risk
            || self.hit_history.is_some()
            || self.anti_xa_assay.is_some()
    }

    /// The setting `--setting` gives, if given.
    pub(super) fn setting(&self) -> Option<Setting> {
        self.setting.map(|s| match s {
            SettingArg::Icu => Setting::Icu,
            SettingArg::EcmoVv => Setting::EcmoVv,
            SettingArg::EcmoVa => Setting::EcmoVa,
            SettingArg::Cpb => Setting::Cpb,
        })
    }

    /// Builds and checks the patient in `setting` (the flag's, or the first row's); also returns notes on
    /// defaults taken.
    pub(super) fn patient(&self, measured_at: ClinicalTime, setting: Setting) -> Result<(Patient, Vec<String>)> {
        let kg = self
            .weight_kg
            .ok_or_else(|| anyhow!("--weight-kg is required for CSV input (the patient's weight in kg)"))?;
        let kg = Kilograms::new(kg).map_err(|e| anyhow!("--weight-kg: {e}"))?;
        let mut p = Patient::new(
            Weight {
                kg,
                measured_at,
                kind: WeightKind::Actual,
            },
            setting,
        );
        p.weight_confirmed = self.weight_confirmed;
        let mut notes = Vec::new();
        p.baseline_aptt = self
            .baseline_aptt
            .map(|v| Seconds::new(v).map_err(|e| anyhow!("--baseline-aptt: {e}")))
            .transpose()?;
        p.crcl = self
            .crcl
            .map(|v| {
                let crcl = MlPerMin::new(v).map_err(|e| anyhow!("--crcl: {e}"))?;
                crate::protocol::plausibility::check_crcl(crcl).map_err(|e| anyhow!("--crcl: {e}"))?;
                Ok::<_, anyhow::Error>(crcl)
            })
            .transpose()?;
        p.rrt = match self.rrt {
            None | Some(RrtArg::None) => Rrt::None,
            Some(RrtArg::Crrt) => Rrt::Crrt,
            Some(RrtArg::Ihd) => Rrt::Ihd,
        };
        p.hepatic_impairment = self.hepatic_impairment;
        p.age_group = match self.age_group {
            None | Some(AgeArg::Adult) => AgeGroup::Adult,
            Some(AgeArg::Child) => AgeGroup::Child,
            Some(AgeArg::Infant) => AgeGroup::Infant,
            Some(AgeArg::Neonate) => AgeGroup::Neonate,
        };
        p.height_cm = self
            .height_cm
            .map(|v| Centimetres::new(v).map_err(|e| anyhow!("--height-cm: {e}")))
            .transpose()?;
        p.sex = self.sex.map(|s| match s {
            SexArg::Female => Sex::Female,
            SexArg::Male => Sex::Male,
        });
        p.hit_thrombosis = self
            .hit_thrombosis
            .map(|v| FourTsPoints::new(v).map_err(|e| anyhow!("--hit-thrombosis: {e}")))
            .transpose()?;
        p.hit_other_causes = self
            .hit_other_causes
            .map(|v| FourTsPoints::new(v).map_err(|e| anyhow!("--hit-other-causes: {e}")))
            .transpose()?;
        let unentered: Vec<&str> = [
            ("--hit-thrombosis", self.hit_thrombosis.is_none()),
            ("--hit-other-causes", self.hit_other_causes.is_none()),
            ("--prior-heparin", self.prior_heparin.is_none()),
        ]
        .into_iter()
        .filter_map(|(flag, missing)| missing.then_some(flag))
        .collect();
        if !unentered.is_empty() {
            notes.push(format!(
                "4Ts items not entered ({}): they count as unknown, so a 4Ts score is a range; nothing is assumed",
                unentered.join(", ")
            ));
        }
        p.prior_heparin = self.prior_heparin.map(|prior| match prior {
            PriorArg::None => PriorHeparin::None,
            PriorArg::Within30Days => PriorHeparin::Within30Days,
            PriorArg::Between30And100Days => PriorHeparin::Between30And100Days,
        });
        p.heparin_coated_circuit = self.heparin_coated_circuit;
        p.ecmo_low_flow = self.ecmo_low_flow;
        p.pregnant = self.pregnant;
        p.andexanet_exposure = self.andexanet_exposure;
        p.high_bleeding_risk = self.high_bleeding_risk;
        p.hit_history = match self.hit_history {
            None | Some(HitHistoryArg::None) => HitHistory::None,
            Some(HitHistoryArg::RemoteAntibodyNegative) => HitHistory::RemoteAntibodyNegative,
            Some(HitHistoryArg::RecentOrPositive) => HitHistory::RecentOrPositive,
        };
        p.anti_xa_assay = match self.anti_xa_assay {
            None | Some(AssayArg::Unknown) => AntiXaAssay::Unknown,
            Some(AssayArg::AtSupplemented) => AntiXaAssay::AtSupplemented,
            Some(AssayArg::NotSupplemented) => AntiXaAssay::NotSupplemented,
        };
        Ok((p, notes))
    }
}
