//! dossier's vocabulary: what the store holds and the readers produce.
//!
//! Everything is a [`Statement`] with provenance: a subject entity, a predicate, an object
//! (another entity or a value), whether the issuer asserts or denies it, the [`Source`]
//! document it came from, and when and how confidently it was said. This crate does no IO
//! and reads no clock: times and ids are passed in or derived from content.

mod country;
mod date;
mod id;
mod kind;
mod marking;
mod name;
mod source;
mod statement;

pub use country::{all_countries, country_by_code, country_by_misp_uuid, country_by_name, Country};
pub use date::{DateError, PartialDate};
pub use id::{deterministic_uuid, EntityId, IdError, StatementId};
pub use kind::EntityKind;
pub use marking::{Tlp, TlpError};
pub use name::name_key;
pub use source::{ContentHash, Source, SourceId, SourceKind};
pub use statement::{
    Confidence, ConfidenceError, Object, Predicate, PredicateError, Stance, Statement, Value,
};
