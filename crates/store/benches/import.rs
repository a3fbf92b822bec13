//! Import of the bundled datasets (all of MITRE ATT&CK Enterprise v18.1, 24,771 objects,
//! and the MISP country, producer, Microsoft activity group and threat-actor galaxies) into a fresh SQLite file:
//! parse, write in one bulk import as `dossier ingest` does, resolve aliases, commit; and
//! the writing alone, of batches read beforehand. `bench/import_vs_stix2.sh` times the
//! whole command beside Python's `stix2.parse` of the same files.
//!
//! Run: `cargo bench -p dossier-store --bench import`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use dossier_ingest::{read, ReadOptions};
use dossier_store::{Prepared, Store};

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

fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = Store::open(&dir.path().join("bench.db")).unwrap_or_else(|e| panic!("{e}"));
    (dir, store)
}

/// Reads the inputs and prepares their rows, as `dossier ingest`'s reading thread does.
fn prepared(inputs: &[(String, Vec<u8>)]) -> Vec<Prepared> {
    inputs
        .iter()
        .map(|(name, bytes)| {
            Prepared::new(
                read(name, bytes, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}")),
            )
        })
        .collect()
}

/// Writes the batches as `dossier ingest` does: one bulk import, resolver once, commit.
fn write_all(store: &mut Store, batches: &[Prepared]) {
    let mut bulk = store
        .bulk_import("2026-01-01T00:00:00Z")
        .unwrap_or_else(|e| panic!("{e}"));
    for b in batches {
        bulk.import_prepared(b, &mut |_, _| {})
            .unwrap_or_else(|e| panic!("{e}"));
    }
    bulk.finish().unwrap_or_else(|e| panic!("{e}"));
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
                let (dir, mut store) = fresh();
                let batches = prepared(&inputs);
                write_all(&mut store, &batches);
                (dir, batches)
            })
        },
    );
    // The writing thread's share alone: the same batches, read beforehand.
    let batches = prepared(&inputs);
    group.bench_function("write_only_into_fresh_sqlite", |b| {
        b.iter_with_large_drop(|| {
            let (dir, mut store) = fresh();
            write_all(&mut store, &batches);
            dir
        })
    });
    group.bench_function("parse_attack_enterprise_only", |b| {
        let (name, bytes) = &inputs[0];
        b.iter(|| read(name, bytes, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}")))
    });
    group.finish();
}

criterion_group!(benches, import_all);
criterion_main!(benches);
