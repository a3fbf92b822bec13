//! Reading speed of the claim reader (parties, dates, claims) in MB/s over the project's
//! claims corpus (`tests/claims`), with a gazetteer of a few thousand synthetic names so
//! that name matching costs what it does with a real store. Ten rounds.
//!
//! Run: `cargo bench -p dossier-extract --bench claims`.

use std::time::Instant;

use dossier_extract::claims::read;
use dossier_extract::dates::Day;
use dossier_extract::mentions::{Gazetteer, GazetteerName};

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/claims");
    let mut texts: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect();
    texts.sort();
    let words = [
        "Amber", "Cobalt", "Granite", "Silent", "Crimson", "Iron", "Velvet", "Lunar",
    ];
    let animals = [
        "Typhoon", "Panda", "Bear", "Kitten", "Spider", "Blizzard", "Sleet", "Tempest",
    ];
    let mut names = Vec::new();
    for (i, w) in words.iter().enumerate() {
        for (j, a) in animals.iter().enumerate() {
            for k in 0..50 {
                names.push(GazetteerName {
                    name: format!("{w} {a} {k}"),
                    entity: format!("intrusion-set--{i}-{j}-{k}"),
                    kind: "threat_actor".into(),
                });
            }
        }
    }
    let gazetteer = Gazetteer::new(names);
    let day = Day::new(2024, 3, 25).unwrap_or_else(|| unreachable!());
    let bytes: usize = texts.iter().map(String::len).sum();
    let rounds = 10;
    let start = Instant::now();
    let mut claims = 0;
    for _ in 0..rounds {
        for t in &texts {
            claims += read(t, &gazetteer, day).claims.len();
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "claims: {} texts, {:.1} KB, {} rounds: {:.2} MB/s, {:.2} ms per text ({} claims)",
        texts.len(),
        bytes as f64 / 1024.0,
        rounds,
        (bytes * rounds) as f64 / secs / 1e6,
        secs * 1000.0 / (texts.len() * rounds) as f64,
        claims / rounds
    );
}
