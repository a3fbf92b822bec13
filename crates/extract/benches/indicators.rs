//! Indicator extraction speed in MB/s: the 151 TRAM reports and the three CISA advisories
//! of `../shared/data` when DOSSIER_SHARED_DATA is set (else the fixture advisory), each
//! text extracted in memory, ten rounds. `bench/iocs_vs_peers.sh` runs the peers.
//!
//! Run: `DOSSIER_SHARED_DATA=../shared/data cargo bench -p dossier-extract --bench indicators`.

use std::time::Instant;

fn texts() -> Vec<(String, Vec<String>)> {
    let Some(root) = std::env::var_os("DOSSIER_SHARED_DATA").map(std::path::PathBuf::from) else {
        let fixture = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/advisory.txt"
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        return vec![("fixture advisory".into(), vec![fixture])];
    };
    let mut advisories = Vec::new();
    let dir = root.join("advisories-text");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    for p in names {
        advisories
            .push(std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())));
    }
    let path = root.join("tram/tram2_annotated_reports.jsonl.gz");
    let out = std::process::Command::new("gzip")
        .arg("-dc")
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("gzip: {e}"));
    let mut reports = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
        if let Some(s) = v["doc"]["signal"].as_str() {
            reports.push(s.to_owned());
        }
    }
    vec![
        ("CISA advisories (3)".into(), advisories),
        ("TRAM reports (151)".into(), reports),
    ]
}

fn main() {
    for (label, docs) in texts() {
        let bytes: usize = docs.iter().map(String::len).sum();
        let mut found = 0;
        // Warm up (the pattern's automaton is built lazily).
        for d in &docs {
            found += dossier_extract::indicators(d).len();
        }
        let rounds = 10;
        let t = Instant::now();
        for _ in 0..rounds {
            for d in &docs {
                found += dossier_extract::indicators(d).len();
            }
        }
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{label}: {:.2} MB x {rounds} in {secs:.3} s = {:.1} MB/s ({} indicators per round)",
            bytes as f64 / 1e6,
            bytes as f64 * rounds as f64 / secs / 1e6,
            found / (rounds + 1)
        );
    }
}
