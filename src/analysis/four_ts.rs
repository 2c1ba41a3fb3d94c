//! The HIT 4Ts score as an analysis reports it (clinical reference §7, rev 2): each item with the
//! range it can take while unentered, the total or its range, and the band.

use serde::Serialize;

use crate::protocol::Source;

/// Explanation text (the same alias as `types::Text`; spelled out here so the two files do not import
/// each other).
type Text = std::borrow::Cow<'static, str>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FourTsBand {
    Low,
    Intermediate,
    High,
}

impl FourTsBand {
    /// The probability band in words.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Intermediate => "intermediate",
            Self::High => "high",
        }
    }
}

/// One 4Ts item: its points when known, and the range it can take (the points themselves when known;
/// 0–2 for an entered item not entered yet).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FourTsItem {
    /// `None`: not entered (or, for timing, depending on an exposure not entered).
    pub points: Option<u8>,
    pub min: u8,
    pub max: u8,
    /// Computed from the timeline (true) or entered by the clinician (false).
    pub computed: bool,
    pub basis: Text,
}

impl FourTsItem {
    /// A known score.
    #[must_use]
    pub fn known(points: u8, computed: bool, basis: impl Into<Text>) -> Self {
        Self {
            points: Some(points),
            min: points,
            max: points,
            computed,
            basis: basis.into(),
        }
    }

    /// An unknown score between `min` and `max`.
    #[must_use]
    pub fn unknown(min: u8, max: u8, computed: bool, basis: impl Into<Text>) -> Self {
        Self {
            points: None,
            min,
            max,
            computed,
            basis: basis.into(),
        }
    }

    /// "2", or "0–2" when unknown.
    #[must_use]
    pub fn shown(&self) -> String {
        match self.points {
            Some(p) => p.to_string(),
            None => format!("{}–{} (not entered)", self.min, self.max),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FourTsItems {
    pub thrombocytopenia: FourTsItem,
    pub timing: FourTsItem,
    pub thrombosis: FourTsItem,
    pub other_causes: FourTsItem,
}

impl FourTsItems {
    #[must_use]
    pub fn all(&self) -> [&FourTsItem; 4] {
        [
            &self.thrombocytopenia,
            &self.timing,
            &self.thrombosis,
            &self.other_causes,
        ]
    }
}

/// Where the 4Ts stands (clinical reference §7, rev 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FourTsStatus {
    /// No trigger (platelet fall ≥ 30% on heparin, or an entered thrombosis item): not scored for a
    /// decision; the items are shown for information.
    NotSuspected,
    /// Suspected, and an item is not entered: the score is a range that straddles the acting threshold
    /// or may do so.
    NeedsData,
    /// Suspected and every item known.
    Scored,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FourTs {
    pub status: FourTsStatus,
    /// What made HIT a question (a platelet fall, an entered thrombosis item); `None`: not suspected.
    pub suspected_by: Option<String>,
    /// The total when every item is known.
    pub score: Option<u8>,
    pub score_min: u8,
    pub score_max: u8,
    /// The band of the score, when known.
    pub band: Option<FourTsBand>,
    pub items: FourTsItems,
    pub caveat: Option<Source>,
    pub source: Source,
}

impl FourTs {
    /// "5", or "3–7" with unknown items.
    #[must_use]
    pub fn score_text(&self) -> String {
        match self.score {
            Some(s) => s.to_string(),
            None => format!("{}–{}", self.score_min, self.score_max),
        }
    }
}
