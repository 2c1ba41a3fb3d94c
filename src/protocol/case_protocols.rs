//! The protocols of one case: one per setting it has been in (case format 7, issue 23). A course that goes
//! ICU → bypass → ICU reads the ICU protocol before and after the operation and the bypass protocol during
//! it; each setting's protocol is the one the case names for it, else the catalogue's default for the
//! setting and the patient's age group — said wherever it is used, never silently.

use super::catalogue::shipped_protocol_for;
use super::{Protocol, ProtocolError};
use std::collections::BTreeMap;

use crate::model::{Case, ClinicalTime, ProtocolPin, Setting};

/// The protocol a setting of the case uses.
#[derive(Debug, Clone)]
pub struct ProtocolChoice {
    pub setting: Setting,
    /// As the case names it (a shipped name or a path), or the catalogue's default's name.
    pub name: String,
    pub protocol: Protocol,
    /// The case names none for this setting: the catalogue's default is used, and the advice says so.
    pub catalogue_default: bool,
    /// Why the protocol the case names for this setting is not the one used, if it is not.
    pub problem: Option<String>,
}

impl ProtocolChoice {
    /// What the advice says of a protocol the case did not choose; `None` for a protocol the case names.
    #[must_use]
    pub fn default_note(&self) -> Option<String> {
        let why = self
            .problem
            .clone()
            .unwrap_or_else(|| format!("the case names no protocol for {}", self.setting.label()));
        (self.catalogue_default || self.problem.is_some()).then(|| {
            format!(
                "{why}: {} is used (choose one on the Patient view, or with --protocol and --setting {})",
                if self.catalogue_default {
                    format!("the catalogue's default for it, {},", self.name)
                } else {
                    format!("the protocol {}", self.protocol.name)
                },
                self.setting.code()
            )
        })
    }
}

/// A protocol problem of one setting: which setting, which name, what went wrong.
#[derive(Debug, thiserror::Error)]
#[error("the protocol {name} of {} ({}): {error}", setting.label(), setting.code())]
pub struct SettingProtocolError {
    pub setting: Setting,
    pub name: String,
    #[source]
    pub error: ProtocolError,
}

/// Every setting a case has been in, with its protocol (in the order the case first reached them).
#[derive(Debug, Clone)]
pub struct CaseProtocols {
    choices: Vec<ProtocolChoice>,
    /// The case's folder, where a protocol file it names is read (`None`: not a file yet).
    base_dir: Option<std::path::PathBuf>,
}

/// The settings of a case: its start setting, then each setting row's, each once, in time order.
#[must_use]
pub fn settings_of(case: &Case) -> Vec<Setting> {
    let mut settings = vec![case.patient.setting];
    let mut rows: Vec<(ClinicalTime, Setting)> = case
        .events
        .iter()
        .filter_map(|e| match e.kind {
            crate::model::EventKind::SettingFrom(s) => Some((e.time, s)),
            _ => None,
        })
        .collect();
    rows.sort_by_key(|(t, _)| *t);
    for (_, s) in rows {
        if !settings.contains(&s) {
            settings.push(s);
        }
    }
    settings
}

impl CaseProtocols {
    /// Each setting of the case with the protocol it names for it (read by `resolve`), else the
    /// catalogue's default.
    ///
    /// # Errors
    /// The first protocol that cannot be read, with its setting and name.
    pub fn resolve(
        case: &Case,
        mut resolve: impl FnMut(&str) -> Result<Protocol, ProtocolError>,
    ) -> Result<Self, SettingProtocolError> {
        let mut choices: Vec<ProtocolChoice> = Vec::new();
        for setting in settings_of(case) {
            let (name, catalogue_default) = match case.protocols.get(&setting) {
                Some(name) => (name.clone(), false),
                None => (shipped_protocol_for(setting, case.patient.age_group).to_owned(), true),
            };
            // One protocol read once, however many settings name it.
            let protocol = match choices.iter().find(|c| c.name == name) {
                Some(same) => same.protocol.clone(),
                None => resolve(&name).map_err(|error| SettingProtocolError {
                    setting,
                    name: name.clone(),
                    error,
                })?,
            };
            choices.push(ProtocolChoice {
                setting,
                name,
                protocol,
                catalogue_default,
                problem: None,
            });
        }
        Ok(Self {
            choices,
            base_dir: None,
        })
    }

    /// The same protocols, reading any protocol file named later (`cover`) in the case's folder `dir`.
    #[must_use]
    pub fn in_folder(mut self, dir: Option<&std::path::Path>) -> Self {
        self.base_dir = dir.map(std::path::Path::to_path_buf);
        self
    }

    /// One protocol for a case in one setting (a test, a caller with its own protocol).
    #[must_use]
    pub fn single(setting: Setting, protocol: Protocol) -> Self {
        Self {
            choices: vec![ProtocolChoice {
                setting,
                name: protocol.name.clone(),
                protocol,
                catalogue_default: false,
                problem: None,
            }],
            base_dir: None,
        }
    }

    /// Adds a protocol for each setting of the case that has none yet (a setting row just recorded): the one
    /// the case names for it, else the catalogue's default. Never fails: a named protocol that cannot be
    /// read gives way to the catalogue's default, and the advice says so.
    pub fn cover(&mut self, case: &Case) {
        for setting in settings_of(case) {
            if self.of(setting).is_some() {
                continue;
            }
            let default_name = shipped_protocol_for(setting, case.patient.age_group);
            let base_dir = self.base_dir.as_deref();
            let named = case
                .protocols
                .get(&setting)
                .map(|name| (name, super::paths::resolve_protocol(name, base_dir)));
            let (name, protocol, catalogue_default, problem) = match named {
                Some((name, Ok(protocol))) => (name.clone(), Some(protocol), false, None),
                Some((name, Err(e))) => (
                    default_name.to_owned(),
                    Protocol::builtin(default_name).ok(),
                    true,
                    Some(format!(
                        "the protocol {name} named for {} cannot be read ({e})",
                        setting.label()
                    )),
                ),
                None => (
                    default_name.to_owned(),
                    Protocol::builtin(default_name).ok(),
                    true,
                    None,
                ),
            };
            // A shipped protocol always reads (the catalogue's tests read each one); were it not to, the
            // case start's protocol is used and said.
            let (protocol, problem) = match protocol {
                Some(p) => (p, problem),
                None => (
                    self.first().protocol.clone(),
                    Some(format!("the shipped protocol {default_name} cannot be read")),
                ),
            };
            self.choices.push(ProtocolChoice {
                setting,
                name,
                protocol,
                catalogue_default,
                problem,
            });
        }
    }

    /// The choice of a setting, if the case has been in it.
    #[must_use]
    pub fn of(&self, setting: Setting) -> Option<&ProtocolChoice> {
        self.choices.iter().find(|c| c.setting == setting)
    }

    /// Sets a setting's protocol (the user chose it).
    pub fn set(&mut self, setting: Setting, name: String, protocol: Protocol) {
        let choice = ProtocolChoice {
            setting,
            name,
            protocol,
            catalogue_default: false,
            problem: None,
        };
        match self.choices.iter_mut().find(|c| c.setting == setting) {
            Some(c) => *c = choice,
            None => self.choices.push(choice),
        }
    }

    /// Every choice, in the order the case reached its setting.
    #[must_use]
    pub fn choices(&self) -> &[ProtocolChoice] {
        &self.choices
    }

    /// The first setting's choice (the case start's).
    #[must_use]
    pub fn first(&self) -> &ProtocolChoice {
        &self.choices[0]
    }

    /// What a saved case records of each setting's protocol (issue 26).
    #[must_use]
    pub fn pins(&self) -> BTreeMap<Setting, ProtocolPin> {
        self.choices.iter().map(|c| (c.setting, c.protocol.pin())).collect()
    }

    /// Each setting whose protocol is not the one the case recorded when it was saved: another version, or
    /// the same name with other bytes, or no record at all (a case saved before case format 8).
    #[must_use]
    pub fn changes_since(&self, pins: &BTreeMap<Setting, ProtocolPin>) -> Vec<PinChange> {
        self.choices
            .iter()
            .filter_map(|c| {
                let now = c.protocol.pin();
                let was = pins.get(&c.setting);
                let same = was.is_some_and(|w| {
                    w.name == now.name && w.version == now.version && w.sha256.eq_ignore_ascii_case(&now.sha256)
                });
                (!same).then(|| PinChange {
                    setting: c.setting,
                    was: was.cloned(),
                    now,
                })
            })
            .collect()
    }
}

/// A setting whose protocol changed since the case was saved (issue 26).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinChange {
    pub setting: Setting,
    /// What the case recorded (`None`: a case saved before case format 8 records nothing).
    pub was: Option<ProtocolPin>,
    pub now: ProtocolPin,
}

impl PinChange {
    /// "the protocol of ICU changed since this case was saved: adult-icu v2 (SHA-256 …) → adult-icu v3 (…)".
    #[must_use]
    pub fn sentence(&self) -> String {
        match &self.was {
            Some(was) => format!(
                "the protocol of {} changed since this case was saved: {} → {}",
                self.setting.label(),
                was.short(),
                self.now.short()
            ),
            None => format!(
                "this case records no protocol fingerprint for {} (saved before case format 8): it now uses {}",
                self.setting.label(),
                self.now.short()
            ),
        }
    }
}
