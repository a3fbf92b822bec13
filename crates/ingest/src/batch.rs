use std::fmt;
use std::hash::BuildHasher;

use dossier_model::{EntityId, Object, Predicate, Source, SourceId, Statement, Tlp};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// A record was rejected.
    Error,
    /// A record was kept, but part of it was not understood.
    Warning,
    /// Something was skipped on purpose.
    Info,
}

/// One finding about one place in the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    pub line: Option<u64>,
    /// JSON path of the record or field (`objects[12].aliases[0]`).
    pub path: Option<String>,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(path) = &self.path {
            write!(f, ": at {path}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Counts of records (STIX objects, galaxy clusters, list entries) in one file.
///
/// `received = accepted + rejected + duplicate + ignored`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub received: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// Records repeated in the file (same id); the newest version is kept.
    pub duplicate: u64,
    /// Records of kinds dossier does not model (named in an info diagnostic).
    pub ignored: u64,
    pub diagnostics: Vec<Diagnostic>,
}

/// What one file contributes: its source, its statements and the report.
#[derive(Debug, Clone, Serialize)]
pub struct Batch {
    pub source: Source,
    pub statements: Vec<Statement>,
    pub report: Report,
    /// The STIX 2.1 objects of a STIX input as found (STIX 2.0 objects brought to 2.1),
    /// served again over TAXII; empty for other formats.
    #[serde(skip)]
    pub stix: Vec<StixObjectText>,
}

/// One STIX object of an input, kept as JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StixObjectText {
    pub id: String,
    pub ty: String,
    /// `modified`, else `created` (what TAXII calls the version).
    pub version: String,
    pub marking: Tlp,
    pub json: String,
}

/// Collects statements, dropping exact repeats.
#[derive(Debug, Default)]
pub(crate) struct Collector {
    /// Hash of a statement (a fast non-cryptographic hash; equal hashes are compared in
    /// full) to the position of the first statement with that hash.
    first: rustc_hash::FxHashMap<u64, usize>,
    /// The positions of further statements whose hash another one has (rare).
    more: rustc_hash::FxHashMap<u64, Vec<usize>>,
    pub statements: Vec<Statement>,
}

impl Collector {
    /// The hash [`Collector::push_hashed`] is given; readers that make statements on
    /// several threads work it out there.
    pub fn hash_of(s: &Statement) -> u64 {
        rustc_hash::FxBuildHasher.hash_one(s)
    }

    pub fn push(&mut self, s: Statement) {
        self.push_hashed(Self::hash_of(&s), s);
    }

    pub fn push_hashed(&mut self, hash: u64, s: Statement) {
        let at = self.statements.len();
        match self.first.entry(hash) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(at);
            }
            std::collections::hash_map::Entry::Occupied(first) => {
                if self.statements[*first.get()] == s {
                    return;
                }
                let more = self.more.entry(hash).or_default();
                if more.iter().any(|&i| self.statements[i] == s) {
                    return;
                }
                more.push(at);
            }
        }
        self.statements.push(s);
    }
}

/// What the statements a reader makes from one file share: the source, who says them
/// and their marking.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stamp<'a> {
    pub source: &'a SourceId,
    pub issuer: Option<&'a EntityId>,
    pub marking: Tlp,
}

impl<'a> Stamp<'a> {
    /// A statement with this stamp; dates, note and confidence are set on the result.
    pub fn statement(&self, subject: &EntityId, predicate: Predicate, object: Object) -> Statement {
        let mut s = Statement::new(subject.clone(), predicate, object, self.source.clone());
        s.issuer = self.issuer.cloned();
        s.marking = self.marking;
        s
    }

    /// The same stamp with another issuer.
    pub fn by<'b>(&self, issuer: &'b EntityId) -> Stamp<'b>
    where
        'a: 'b,
    {
        Stamp {
            source: self.source,
            issuer: Some(issuer),
            marking: self.marking,
        }
    }
}

impl Diagnostic {
    /// A note about the whole file.
    pub(crate) fn info(file: &str, message: String) -> Self {
        Diagnostic {
            severity: Severity::Info,
            file: file.to_owned(),
            line: None,
            path: None,
            message,
        }
    }
}
