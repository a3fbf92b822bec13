//! Screening speed and scale. Prints a table (no criterion: percentiles matter here):
//!
//! 1. All bundled data (OFAC SDN 2024-05-07 and consolidated 2024-05-06, UN 2026-02-27,
//!    MITRE ATT&CK, MISP galaxies)
//!    imported into a store, the screening index built from the store's records; then
//!    every record name as a query, and the same names misspelt and reordered: p50/p99
//!    latency on one core and queries per second.
//! 2. 1,000,000 synthetic entities made from the real name parts of those records:
//!    index build time, resident memory, p50/p99.
//!
//! Run: `cargo bench -p dossier-store --bench screen` (SCREEN_SCALE=200000 for a smaller
//! synthetic set).

use std::path::Path;
use std::time::{Duration, Instant};

use dossier_ingest::{read, ReadOptions};
use dossier_screen::{Index, Kind, Query, Record, RecordName};
use dossier_store::{ReadFilter, Store};

fn bundled_store() -> Store {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data");
    let mut store = Store::in_memory().unwrap_or_else(|e| panic!("{e}"));
    let options = ReadOptions::default();
    for rel in [
        "mitre-attack/enterprise-attack-v18.1.jsonl.gz",
        "misp-galaxy/country.json.gz",
        "misp-galaxy/producer.json.gz",
        "misp-galaxy/microsoft-activity-group.json.gz",
        "misp-galaxy/threat-actor.json.gz",
        "sanctions/un-consolidated-2026-02-27.xml.gz",
        "sanctions/ofac-sdn-2024-05-07/sdn.xml.gz",
        "sanctions/ofac-consolidated-2024-05-06/consolidated.xml.gz",
    ] {
        let bytes = std::fs::read(data.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let batch = read(rel, &bytes, &options).unwrap_or_else(|e| panic!("{rel}: {e}"));
        store
            .import(&batch, "2026-01-01T00:00:00Z")
            .unwrap_or_else(|e| panic!("{rel}: {e}"));
    }
    store
}

/// A deterministic xorshift generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, items: &'a [String]) -> &'a str {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

/// A misspelling: one letter dropped, or the name's words reversed.
fn perturb(name: &str, rng: &mut Rng) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() > 1 && rng.next() % 2 == 0 {
        return words.iter().rev().copied().collect::<Vec<_>>().join(" ");
    }
    let chars: Vec<char> = name.chars().collect();
    if chars.len() < 6 {
        return name.to_owned();
    }
    let drop = 2 + (rng.next() % (chars.len() as u64 - 3)) as usize;
    chars
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != drop)
        .map(|(_, c)| c)
        .collect()
}

fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration, f64) {
    times.sort();
    let total: Duration = times.iter().sum();
    let qps = times.len() as f64 / total.as_secs_f64();
    let at = |p: f64| times[((times.len() as f64 - 1.0) * p) as usize];
    (at(0.5), at(0.99), qps)
}

fn run(index: &Index, queries: &[(String, Kind)]) -> (Duration, Duration, f64, usize) {
    let mut times = Vec::with_capacity(queries.len());
    let mut found = 0;
    for (name, kind) in queries {
        let mut q = Query::new(name.clone());
        q.kind = *kind;
        let t = Instant::now();
        let hits = index.screen(&q);
        times.push(t.elapsed());
        if !hits.is_empty() {
            found += 1;
        }
    }
    let (p50, p99, qps) = percentiles(times);
    (p50, p99, qps, found)
}

fn resident_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<f64>().ok())
            })
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

fn main() {
    let store = bundled_store();
    let t = Instant::now();
    let records = store
        .screening_records(ReadFilter::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let read_time = t.elapsed();
    let t = Instant::now();
    let index = Index::build(records.clone());
    println!(
        "bundled lists: {} records, {} names; read from the store in {:?}, index built in {:?}",
        index.len(),
        index.names(),
        read_time,
        t.elapsed()
    );
    if std::env::var_os("SHOW_MISSES").is_some() {
        let mut shown = 0;
        for r in &records {
            for n in &r.names {
                let mut q = Query::new(n.text.clone());
                q.kind = r.kind;
                if shown < 40 && !index.screen(&q).iter().any(|h| h.id == r.id) {
                    println!("  not found by its own name: {:?} ({:?})", n.text, r.kind);
                    shown += 1;
                }
            }
        }
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let exact: Vec<(String, Kind)> = records
        .iter()
        .flat_map(|r| r.names.iter().map(move |n| (n.text.clone(), r.kind)))
        .collect();
    let misspelt: Vec<(String, Kind)> = exact
        .iter()
        .map(|(n, _)| (perturb(n, &mut rng), Kind::Any))
        .collect();
    for (label, queries) in [
        ("record names as written", &exact),
        ("misspelt or reordered", &misspelt),
    ] {
        let (p50, p99, qps, found) = run(&index, queries);
        println!(
            "  {label}: {} queries, {} with hits; p50 {p50:?}, p99 {p99:?}; {qps:.0} queries/s on one core",
            queries.len(),
            found
        );
    }

    // Synthetic scale from real name parts.
    let scale: usize = std::env::var("SCREEN_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let mut person_parts: Vec<String> = Vec::new();
    let mut org_parts: Vec<String> = Vec::new();
    for r in &records {
        for n in &r.names {
            let parts = n
                .text
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|w| w.chars().count() > 1);
            match r.kind {
                Kind::Person => person_parts.extend(parts.map(str::to_owned)),
                _ => org_parts.extend(parts.map(str::to_owned)),
            }
        }
    }
    person_parts.sort();
    person_parts.dedup();
    org_parts.sort();
    org_parts.dedup();
    let forms = [
        "LLC",
        "Ltd",
        "Co., Ltd.",
        "GmbH",
        "JSC",
        "S.A.",
        "Trading Company",
        "Group",
    ];
    let before = resident_mib();
    let t = Instant::now();
    let mut synthetic = Vec::with_capacity(scale);
    for i in 0..scale {
        let person = i % 5 < 3;
        let (kind, name) = if person {
            let n = 2 + (rng.next() % 2) as usize;
            let words: Vec<&str> = (0..n).map(|_| rng.pick(&person_parts)).collect();
            (Kind::Person, words.join(" "))
        } else {
            let n = 1 + (rng.next() % 3) as usize;
            let mut words: Vec<&str> = (0..n).map(|_| rng.pick(&org_parts)).collect();
            words.push(forms[(rng.next() % forms.len() as u64) as usize]);
            (Kind::Organization, words.join(" "))
        };
        synthetic.push(Record {
            id: format!("synthetic-{i}"),
            kind,
            caption: name.clone(),
            names: vec![RecordName {
                text: name,
                weak: false,
            }],
            birth_dates: Vec::new(),
            countries: Vec::new(),
            identifiers: Vec::new(),
            listings: Vec::new(),
        });
    }
    let queries: Vec<(String, Kind)> = (0..2000)
        .map(|_| {
            let r = &synthetic[(rng.next() % synthetic.len() as u64) as usize];
            (perturb(&r.caption, &mut rng), Kind::Any)
        })
        .collect();
    let generated = t.elapsed();
    let t = Instant::now();
    let big = Index::build(synthetic);
    let build = t.elapsed();
    let after = resident_mib();
    let (p50, p99, qps, found) = run(&big, &queries);
    println!(
        "synthetic: {} entities (generated in {generated:?}) from {} person and {} organisation name parts; index built in {build:?}; resident memory {after:.0} MiB ({:.0} MiB more than before); {} queries, {} with hits; p50 {p50:?}, p99 {p99:?}; {qps:.0} queries/s",
        big.len(),
        person_parts.len(),
        org_parts.len(),
        after - before,
        queries.len(),
        found
    );
}
