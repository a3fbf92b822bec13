//! The open datasets built into the binary, loaded by `dossier init` (see data/README.md
//! for origin, date and licence).

use dossier_ingest::{Batch, ReadOptions};

/// A built-in dataset: the name it is reported under and its bytes, one file in a
/// format `dossier_ingest::read` detects (gzip-compressed).
pub struct Bundled {
    pub name: &'static str,
    pub bytes: &'static [u8],
}

impl std::fmt::Debug for Bundled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bundled")
            .field("name", &self.name)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

impl Bundled {
    pub fn size(&self) -> u64 {
        self.bytes.len() as u64
    }

    pub fn read(&self) -> Result<Batch, String> {
        dossier_ingest::read(self.name, self.bytes, &ReadOptions::default())
            .map_err(|e| e.to_string())
    }
}

/// One entry of [`BUNDLED`]: the file's path from the repository root, read into the binary.
macro_rules! bundled {
    ($path:literal) => {
        Bundled {
            name: $path,
            bytes: include_bytes!(concat!("../../../", $path)),
        }
    };
}

pub const BUNDLED: &[Bundled] = &[
    bundled!("data/mitre-attack/enterprise-attack-v18.1.jsonl.gz"),
    bundled!("data/misp-galaxy/country.json.gz"),
    bundled!("data/misp-galaxy/producer.json.gz"),
    bundled!("data/misp-galaxy/microsoft-activity-group.json.gz"),
    bundled!("data/misp-galaxy/threat-actor.json.gz"),
    bundled!("data/sanctions/un-consolidated-2026-02-27.xml.gz"),
    bundled!("data/sanctions/ofac-sdn-2024-05-07/sdn.xml.gz"),
    bundled!("data/sanctions/ofac-consolidated-2024-05-06/consolidated.xml.gz"),
];
