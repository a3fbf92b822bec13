//! Name screening: normalise, transliterate, index, score and explain. Pure and in memory:
//! the index is built from records the caller hands in (the store reads them), and every
//! score comes with the features that made it.
//!
//! The score is in 0..=1. [`THRESHOLD`] is the one decision point: at or above it the two
//! names are read as the same name, allowing for spelling, romanisation, script, word
//! order, legal form and annotations, with every distinctive word accounted for and the
//! numbers agreeing.

pub mod compare;
pub mod index;
pub mod lexicon;
pub mod name;
pub mod similarity;
pub mod token;
pub mod translit;

use serde::Serialize;

pub use compare::{Feature, NameMatch, WordPair};
pub use index::{Hit, Index, Listing, Query, Record, RecordName};
pub use name::Name;

/// Scores at or above this mean "the same name" (calibrated on the labelled pair sets,
/// see the README's evaluation section).
pub const THRESHOLD: f64 = 0.8;

/// What is being screened; it changes how names are read (a person's name has no legal
/// form and no former names; a vessel's has no legal form either).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Person,
    Organization,
    Vessel,
    Aircraft,
    Any,
}

impl Kind {
    /// From a FollowTheMoney schema name or a dossier entity kind.
    pub fn from_schema(schema: &str) -> Kind {
        match schema.trim().to_ascii_lowercase().as_str() {
            "person" | "individual" => Kind::Person,
            "company" | "organization" | "organisation" | "publicbody" | "entity" | "identity"
            | "threat-actor" | "intrusion-set" => Kind::Organization,
            "vessel" => Kind::Vessel,
            "airplane" | "aircraft" => Kind::Aircraft,
            _ => Kind::Any,
        }
    }

    /// Whether a record of kind `record` can answer a query of this kind.
    pub fn admits(self, record: Kind) -> bool {
        self == Kind::Any || record == Kind::Any || self == record
    }
}

/// The comparison of two names, with its explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub score: f64,
    pub matched: bool,
    #[serde(flatten)]
    pub detail: NameMatch,
}

/// Compares two names as names of the given kind.
pub fn compare(a: &str, b: &str, kind: Kind) -> Comparison {
    let detail = compare::compare_names(&Name::parse(a, kind), &Name::parse(b, kind), kind);
    Comparison {
        score: detail.score,
        matched: detail.score >= THRESHOLD,
        detail,
    }
}
