//! The open datasets built into the binary, loaded by `dossier init` (see data/README.md
//! for origin, date and licence).

use dossier_ingest::{Batch, ReadOptions};
use dossier_model::PartialDate;

/// What a built-in dataset is made of.
pub enum Content {
    /// One file, in a format `dossier_ingest::read` detects (gzip-compressed).
    File(&'static [u8]),
}

/// A built-in dataset: the name it is reported under, its content, and its publication
/// date where the format does not carry one.
pub struct Bundled {
    pub name: &'static str,
    pub content: Content,
    pub published: Option<&'static str>,
}

impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Content::File(b) => write!(f, "File({} bytes)", b.len()),
        }
    }
}

impl std::fmt::Debug for Bundled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bundled")
            .field("name", &self.name)
            .field("content", &self.content)
            .finish()
    }
}

impl Bundled {
    pub fn size(&self) -> u64 {
        match &self.content {
            Content::File(b) => b.len() as u64,
        }
    }

    pub fn read(&self) -> Result<Batch, String> {
        let options = ReadOptions::default();
        let mut batch = match &self.content {
            Content::File(bytes) => {
                dossier_ingest::read(self.name, bytes, &options).map_err(|e| e.to_string())?
            }
        };
        if batch.source.published.is_none() {
            batch.source.published = self.published.and_then(|p| PartialDate::parse(p).ok());
        }
        Ok(batch)
    }
}

pub const BUNDLED: &[Bundled] = &[
    Bundled {
        name: "data/mitre-attack/enterprise-attack-v18.1.jsonl.gz",
        content: Content::File(include_bytes!(
            "../../../data/mitre-attack/enterprise-attack-v18.1.jsonl.gz"
        )),
        published: None,
    },
    Bundled {
        name: "data/misp-galaxy/country.json.gz",
        content: Content::File(include_bytes!("../../../data/misp-galaxy/country.json.gz")),
        published: None,
    },
    Bundled {
        name: "data/misp-galaxy/producer.json.gz",
        content: Content::File(include_bytes!("../../../data/misp-galaxy/producer.json.gz")),
        published: None,
    },
    Bundled {
        name: "data/misp-galaxy/microsoft-activity-group.json.gz",
        content: Content::File(include_bytes!(
            "../../../data/misp-galaxy/microsoft-activity-group.json.gz"
        )),
        published: None,
    },
    Bundled {
        name: "data/misp-galaxy/threat-actor.json.gz",
        content: Content::File(include_bytes!(
            "../../../data/misp-galaxy/threat-actor.json.gz"
        )),
        published: None,
    },
    Bundled {
        name: "data/sanctions/un-consolidated-2026-02-27.xml.gz",
        content: Content::File(include_bytes!(
            "../../../data/sanctions/un-consolidated-2026-02-27.xml.gz"
        )),
        published: None,
    },
    Bundled {
        name: "data/sanctions/ofac-sdn-2024-05-07/sdn.xml.gz",
        content: Content::File(include_bytes!(
            "../../../data/sanctions/ofac-sdn-2024-05-07/sdn.xml.gz"
        )),
        published: None,
    },
    Bundled {
        name: "data/sanctions/ofac-consolidated-2024-05-06/consolidated.xml.gz",
        content: Content::File(include_bytes!(
            "../../../data/sanctions/ofac-consolidated-2024-05-06/consolidated.xml.gz"
        )),
        published: None,
    },
];
