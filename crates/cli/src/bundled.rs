//! The open datasets built into the binary, loaded by `dossier init` (see data/README.md
//! for origin and licence).

/// A built-in file: the name it is reported under and its (compressed) bytes.
pub struct Bundled {
    pub name: &'static str,
    pub bytes: &'static [u8],
}

pub const BUNDLED: &[Bundled] = &[
    Bundled {
        name: "data/mitre-attack/enterprise-attack-v18.1.jsonl.gz",
        bytes: include_bytes!("../../../data/mitre-attack/enterprise-attack-v18.1.jsonl.gz"),
    },
    Bundled {
        name: "data/misp-galaxy/country.json.gz",
        bytes: include_bytes!("../../../data/misp-galaxy/country.json.gz"),
    },
    Bundled {
        name: "data/misp-galaxy/producer.json.gz",
        bytes: include_bytes!("../../../data/misp-galaxy/producer.json.gz"),
    },
    Bundled {
        name: "data/misp-galaxy/microsoft-activity-group.json.gz",
        bytes: include_bytes!("../../../data/misp-galaxy/microsoft-activity-group.json.gz"),
    },
    Bundled {
        name: "data/misp-galaxy/threat-actor.json.gz",
        bytes: include_bytes!("../../../data/misp-galaxy/threat-actor.json.gz"),
    },
];
