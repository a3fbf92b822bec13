//! What the evaluations share: a store of the bundled threat-intelligence datasets, as
//! `dossier read` sees them.

use std::path::Path;

use dossier_extract::mentions::Gazetteer;
use dossier_ingest::{read, ReadOptions};
use dossier_store::{ReadFilter, Store};

/// A store holding the bundled MITRE ATT&CK and MISP galaxies.
pub fn threat_intel_store() -> Store {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let mut store = Store::in_memory().unwrap_or_else(|e| panic!("{e}"));
    for rel in [
        "mitre-attack/enterprise-attack-v18.1.jsonl.gz",
        "misp-galaxy/threat-actor.json.gz",
        "misp-galaxy/microsoft-activity-group.json.gz",
        "misp-galaxy/producer.json.gz",
        "misp-galaxy/country.json.gz",
    ] {
        let bytes = std::fs::read(data.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let batch =
            read(rel, &bytes, &ReadOptions::default()).unwrap_or_else(|e| panic!("{rel}: {e}"));
        store
            .import(&batch, "2026-01-01T00:00:00Z")
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
    }
    store
}

/// Every visible name of [`threat_intel_store`], kept when `keep` says so.
pub fn gazetteer(keep: impl Fn(&str) -> bool) -> Gazetteer {
    let names = threat_intel_store()
        .gazetteer_names(ReadFilter::default())
        .unwrap_or_else(|e| panic!("{e}"));
    Gazetteer::new(names.into_iter().filter(|n| keep(&n.kind)))
}
