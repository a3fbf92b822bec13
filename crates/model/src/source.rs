use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{deterministic_uuid, PartialDate};

/// SHA-256 of a source document's bytes, lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ContentHash(String);

impl ContentHash {
    pub fn of(bytes: &[u8]) -> Self {
        ContentHash(crate::id::hex(&Sha256::digest(bytes)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A source's identifier, derived from its content hash: the same bytes are the same source,
/// whatever the file is called.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SourceId(String);

impl SourceId {
    pub fn for_content(hash: &ContentHash) -> Self {
        SourceId(format!(
            "source--{}",
            deterministic_uuid(&format!("content:{hash}"))
        ))
    }

    /// The id of content read with non-default options (`qualifier` names them), so it
    /// differs from the same bytes read with the defaults.
    pub fn for_content_qualified(hash: &ContentHash, qualifier: &str) -> Self {
        SourceId(format!(
            "source--{}",
            deterministic_uuid(&format!("content:{hash};{qualifier}"))
        ))
    }

    /// Accepts an id read back from storage or typed by a user.
    pub fn parse(s: &str) -> Option<Self> {
        s.strip_prefix("source--")
            .filter(|rest| {
                !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
            })
            .map(|_| SourceId(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of document a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    StixBundle,
    MispGalaxy,
    SanctionsList,
    Report,
    /// An analyst's own entry.
    Manual,
    /// Output of dossier's alias resolver, recomputed from the other sources.
    Resolver,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::StixBundle => "stix_bundle",
            SourceKind::MispGalaxy => "misp_galaxy",
            SourceKind::SanctionsList => "sanctions_list",
            SourceKind::Report => "report",
            SourceKind::Manual => "manual",
            SourceKind::Resolver => "resolver",
        }
    }
}

/// A document statements come from: one version of a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub id: SourceId,
    pub kind: SourceKind,
    /// The series this document is a version of ("mitre-attack/enterprise-attack",
    /// "misp-galaxy/threat-actor"). A newer version of a dataset supersedes the older one.
    pub dataset: String,
    pub title: String,
    pub publisher: Option<String>,
    pub version: Option<String>,
    pub published: Option<PartialDate>,
    pub file_name: Option<String>,
    pub content_hash: ContentHash,
}

impl Source {
    pub fn new(kind: SourceKind, dataset: &str, title: &str, content_hash: ContentHash) -> Self {
        Source {
            id: SourceId::for_content(&content_hash),
            kind,
            dataset: dataset.to_owned(),
            title: title.to_owned(),
            publisher: None,
            version: None,
            published: None,
            file_name: None,
            content_hash,
        }
    }
}
