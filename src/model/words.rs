//! Events whose value is a word, not a number (case format 6, issue 23): a part of the ECMO circuit
//! changed, the end of an operation and its bleeding risk, a HIT test result. In a CSV the word goes in the
//! value column and the unit is empty.

use serde::{Deserialize, Serialize};

macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
