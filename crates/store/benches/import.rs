//! Import of the bundled datasets (all of MITRE ATT&CK Enterprise v18.1, 24,771 objects,
//! and the MISP country, producer, Microsoft activity group and threat-actor galaxies) into a fresh SQLite file:
//! parse, write, resolve aliases, commit. `bench/import_vs_stix2.sh` runs the same files
//! through Python's `stix2.parse` for comparison.
//!
//! Run: `cargo bench -p dossier-store --bench import`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use dossier_ingest::{read, ReadOptions};
use dossier_store::Store;

fn files() -> Vec<(String, Vec<u8>)> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    [
        "mitre-attack/enterprise-attack-v18.1.jsonl.gz",
        "misp-galaxy/country.json.gz",
        "misp-galaxy/producer.json.gz",
        "misp-galaxy/microsoft-activity-group.json.gz",
        "misp-galaxy/threat-actor.json.gz",
    ]
    .iter()
    .map(|rel| {
        let path: PathBuf = data.join(rel);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        ((*rel).to_owned(), bytes)
    })
    .collect()
}

fn import_all(c: &mut Criterion) {
    let inputs = files();
    let mut group = c.benchmark_group("import");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function(
        "attack_enterprise_and_misp_galaxies_into_fresh_sqlite",
        |b| {
            b.iter_with_large_drop(|| {
                let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
                let mut store =
                    Store::open(&dir.path().join("bench.db")).unwrap_or_else(|e| panic!("{e}"));
                for (name, bytes) in &inputs {
                    let batch = read(name, bytes, &ReadOptions::default())
                        .unwrap_or_else(|e| panic!("{e}"));
                    store
                        .import(&batch, "2026-01-01T00:00:00Z")
                        .unwrap_or_else(|e| panic!("{e}"));
                }
                dir
            })
        },
    );
    group.bench_function("parse_attack_enterprise_only", |b| {
        let (name, bytes) = &inputs[0];
        b.iter(|| read(name, bytes, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}")))
    });
    group.finish();
}

criterion_group!(benches, import_all);
criterion_main!(benches);
