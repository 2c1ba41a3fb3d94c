//! A case with the protocol of each setting it has been in, prepared once per protocol (case format 7,
//! issue 23): the analysis at a time reads the protocol of the setting in effect then, so a course that goes
//! ICU → bypass → ICU is advised by the ICU protocol, then the bypass one, then the ICU one again.

use super::run::{Prepared, run};
use super::types::{Analysis, Detail};
use crate::model::{Case, ClinicalTime, EventCode, EventKind, Setting};
use crate::protocol::Protocol;
use crate::protocol::case_protocols::{CaseProtocols, ProtocolChoice};

/// The protocols of a case and the case prepared for each.
#[derive(Debug, Clone)]
pub struct CaseEngine {
    protocols: CaseProtocols,
    /// One per choice, in the same order (a protocol named by two settings is prepared twice: rare, small).
    prepared: Vec<Prepared>,
}

impl CaseEngine {
    /// Prepares `case` for each of its settings' protocols; a setting `protocols` lacks (a setting row just
    /// recorded) takes the one the case names, else the catalogue's default ([`CaseProtocols::cover`]).
    #[must_use]
    pub fn new(case: &Case, mut protocols: CaseProtocols) -> Self {
        protocols.cover(case);
        let mut prepared: Vec<Prepared> = protocols
            .choices()
            .iter()
            .map(|c| Prepared::new(case, &c.protocol))
            .collect();
        if prepared.len() > 1 {
            // Each entry is checked by the limits of the setting in effect at its time (a 32,000-unit bolus
            // is expected on bypass, not in ICU): every prepared case then reports the same warnings.
            let setting_at = |t: ClinicalTime| match prepared[0].timeline.latest_fact(EventCode::SettingFrom, t) {
                Some((_, EventKind::SettingFrom(s))) => s,
                _ => case.patient.setting,
            };
            let mut merged: Vec<(ClinicalTime, String)> = prepared
                .iter()
                .zip(protocols.choices())
                .flat_map(|(p, c)| {
                    p.warnings()
                        .iter()
                        .filter(|(t, _)| setting_at(*t) == c.setting)
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .collect();
            merged.sort_by_key(|(t, _)| *t);
            for p in &mut prepared {
                p.set_warnings(merged.clone());
            }
        }
        Self { protocols, prepared }
    }

    /// One protocol for every setting of the case (tests; a caller with a protocol of its own for a
    /// one-setting case).
    #[must_use]
    pub fn single(case: &Case, protocol: &Protocol) -> Self {
        let protocols = CaseProtocols::single(case.patient.setting, protocol.clone());
        let mut engine = Self {
            prepared: vec![Prepared::new(case, protocol)],
            protocols,
        };
        // Other settings of the case read the same protocol.
        for setting in crate::protocol::case_protocols::settings_of(case) {
            if engine.protocols.of(setting).is_none() {
                engine.protocols.set(setting, protocol.name.clone(), protocol.clone());
                engine.prepared.push(engine.prepared[0].clone());
            }
        }
        engine
    }

    /// The setting in effect at `t`: the latest setting row at or before it, else the case start's.
    #[must_use]
    pub fn setting_at(&self, case: &Case, t: ClinicalTime) -> Setting {
        match self.prepared[0].timeline.latest_fact(EventCode::SettingFrom, t) {
            Some((_, EventKind::SettingFrom(s))) => s,
            _ => case.patient.setting,
        }
    }

    /// The protocol choice and prepared case in effect at `t`.
    #[must_use]
    pub fn at(&self, case: &Case, t: ClinicalTime) -> (&ProtocolChoice, &Prepared) {
        let setting = self.setting_at(case, t);
        let index = self
            .protocols
            .choices()
            .iter()
            .position(|c| c.setting == setting)
            // Unreachable: `new` covers every setting of the case.
            .unwrap_or(0);
        (&self.protocols.choices()[index], &self.prepared[index])
    }

    /// The protocol in effect at `t`.
    #[must_use]
    pub fn protocol_at(&self, case: &Case, t: ClinicalTime) -> &Protocol {
        &self.at(case, t).0.protocol
    }

    /// The prepared case in effect at `t` (its timeline is the same for every protocol but for the
    /// dosing weight of per-kg figures).
    #[must_use]
    pub fn prepared_at(&self, case: &Case, t: ClinicalTime) -> &Prepared {
        self.at(case, t).1
    }

    /// The first setting's prepared case: the timeline for what does not depend on a protocol (event times,
    /// facts).
    #[must_use]
    pub fn prepared(&self) -> &Prepared {
        &self.prepared[0]
    }

    #[must_use]
    pub fn protocols(&self) -> &CaseProtocols {
        &self.protocols
    }

    /// The analysis at `t` by the protocol in effect then, saying when it is a catalogue default.
    #[must_use]
    pub fn analyze(&self, case: &Case, t: ClinicalTime, detail: Detail) -> Analysis {
        let (choice, prepared) = self.at(case, t);
        let mut analysis = run(case, prepared, &choice.protocol, t, detail);
        if let Some(note) = choice.default_note() {
            analysis.warnings.push(note);
        }
        analysis
    }

    /// The analysis at every distinct event time, each by the protocol in effect then (see
    /// [`super::replay`]).
    pub fn replay<'a>(&'a self, case: &'a Case, detail: Detail) -> impl Iterator<Item = Analysis> + 'a {
        self.prepared[0]
            .timeline
            .event_times()
            .iter()
            .map(move |&t| self.analyze(case, t, detail))
    }
}
