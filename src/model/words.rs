//! Events whose value is a word, not a number (case format 6, issue 23): a part of the ECMO circuit
//! changed, the end of an operation and its bleeding risk, a HIT test result. In a CSV the word goes in the
//! value column and the unit is empty.

use serde::{Deserialize, Serialize};

macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            /// Every value, as the entry form lists them.
            pub const ALL: [Self; [$(Self::$variant),+].len()] = [$(Self::$variant),+];

            /// The word in CSV files and the entry form.
            #[must_use]
            pub fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }

            /// The value with this word.
            #[must_use]
            pub fn from_code(code: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|v| v.code() == code)
            }

            /// Every word, for messages ("oxygenator, circuit, pump").
            #[must_use]
            pub fn codes() -> String {
                Self::ALL.map(Self::code).join(", ")
            }
        }
    };
}

word_enum! {
    /// What part of the ECMO circuit was changed.
    CircuitPart { Oxygenator => "oxygenator", Circuit => "circuit", Pump => "pump" }
}

word_enum! {
    /// The bleeding risk of an operation that ended (clinical reference §14.3: high — cardiac,
    /// intracranial, spinal, major vascular — or standard).
    SurgeryRisk { High => "high", Standard => "standard" }
}

word_enum! {
    /// A HIT test result.
    AssayResult { Positive => "positive", Negative => "negative" }
}

word_enum! {
    /// What the analyser flagged on a sample (its haemolysis, icterus and lipaemia indices; case format 6).
    Interference { Haemolysed => "haemolysed", Icteric => "icteric", Lipaemic => "lipaemic" }
}

word_enum! {
    /// A yes-or-no fact from a time on (hepatic impairment, high bleeding risk, bleeding, pregnancy).
    YesNo { Yes => "yes", No => "no" }
}

word_enum! {
    /// Blood flow through the ECMO circuit (low flow or stasis avoids bivalirudin).
    EcmoFlow { Normal => "normal", Low => "low" }
}

word_enum! {
    /// Renal replacement therapy from a time on (the words of `model::Rrt`).
    RrtWord { None => "none", Crrt => "crrt", Ihd => "ihd" }
}

impl YesNo {
    #[must_use]
    pub fn of(yes: bool) -> Self {
        if yes { Self::Yes } else { Self::No }
    }

    #[must_use]
    pub fn is_yes(self) -> bool {
        self == Self::Yes
    }
}

impl RrtWord {
    /// The therapy.
    #[must_use]
    pub fn rrt(self) -> super::patient::Rrt {
        match self {
            Self::None => super::patient::Rrt::None,
            Self::Crrt => super::patient::Rrt::Crrt,
            Self::Ihd => super::patient::Rrt::Ihd,
        }
    }

    /// The word of a therapy.
    #[must_use]
    pub fn of(rrt: super::patient::Rrt) -> Self {
        match rrt {
            super::patient::Rrt::None => Self::None,
            super::patient::Rrt::Crrt => Self::Crrt,
            super::patient::Rrt::Ihd => Self::Ihd,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_read_back() {
        for p in CircuitPart::ALL {
            assert_eq!(CircuitPart::from_code(p.code()), Some(p));
        }
        assert_eq!(SurgeryRisk::from_code("high"), Some(SurgeryRisk::High));
        assert_eq!(AssayResult::from_code("maybe"), None);
        assert_eq!(CircuitPart::codes(), "oxygenator, circuit, pump");
    }
}
