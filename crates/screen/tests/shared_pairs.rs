//! Evaluation on the labelled name pairs of `../shared/data/watchman/name-pairs`: precision,
//! recall and F1 at the default threshold, and recall at precision ≥ 0.90 over a sweep.
//! Runs only when DOSSIER_SHARED_DATA points at the shared data (`.ci/run` sets it).

use std::path::PathBuf;

use dossier_screen::{compare, Kind, THRESHOLD};

struct Pair {
    a: String,
    b: String,
    kind: Kind,
    truth: bool,
    category: String,
}

fn shared() -> Option<PathBuf> {
    std::env::var_os("DOSSIER_SHARED_DATA").map(PathBuf::from)
}

fn cascade(path: &std::path::Path) -> Vec<Pair> {
    let mut reader =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().cloned().unwrap_or_default();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (schema, n1, n2, m, cat) = (
        col("schema"),
        col("name1"),
        col("name2"),
        col("is_match"),
        col("category"),
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            Pair {
                a: r[n1].to_owned(),
                b: r[n2].to_owned(),
                kind: Kind::from_schema(&r[schema]),
                truth: &r[m] == "true",
                category: r[cat].to_owned(),
            }
        })
        .collect()
}

fn cross_script(path: &std::path::Path) -> Vec<Pair> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let cols: Vec<&str> = l.split(',').collect();
            Pair {
                a: cols[0].to_owned(),
                b: cols[1].to_owned(),
                kind: Kind::Person,
                truth: true,
                category: cols.get(3).copied().unwrap_or("").to_owned(),
            }
        })
        .collect()
}

struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
    tn: usize,
}

impl Counts {
    fn at(scored: &[(f64, bool)], threshold: f64) -> Counts {
        let mut c = Counts {
            tp: 0,
            fp: 0,
            fn_: 0,
            tn: 0,
        };
        for &(s, truth) in scored {
            match (s >= threshold, truth) {
                (true, true) => c.tp += 1,
                (true, false) => c.fp += 1,
                (false, true) => c.fn_ += 1,
                (false, false) => c.tn += 1,
            }
        }
        c
    }
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            0.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// Scores a set, prints its figures and misses; returns (P, R, F1, best recall at P ≥ 0.9).
fn evaluate(label: &str, pairs: &[Pair]) -> (f64, f64, f64, f64) {
    let scored: Vec<(f64, bool)> = pairs
        .iter()
        .map(|p| (compare(&p.a, &p.b, p.kind).score, p.truth))
        .collect();
    let c = Counts::at(&scored, THRESHOLD);
    println!(
        "{label}: n={} TP={} FP={} FN={} TN={} precision={:.3} recall={:.3} F1={:.3} (threshold {THRESHOLD})",
        pairs.len(), c.tp, c.fp, c.fn_, c.tn, c.precision(), c.recall(), c.f1()
    );
    let mut best_recall = 0.0;
    for step in 10..=19 {
        let t = step as f64 * 0.05;
        let c = Counts::at(&scored, t);
        if c.precision() >= 0.9 && c.recall() > best_recall {
            best_recall = c.recall();
        }
        println!(
            "  at {t:.2}: precision {:.3} recall {:.3}",
            c.precision(),
            c.recall()
        );
    }
    if std::env::var_os("SHOW_MISSES").is_some() {
        for (p, (s, truth)) in pairs.iter().zip(&scored) {
            if (*s >= THRESHOLD) != *truth {
                println!(
                    "  MISS {} {s:.3} [{}] {} || {}",
                    if *truth { "FN" } else { "FP" },
                    p.category,
                    p.a,
                    p.b
                );
            }
        }
    }
    (c.precision(), c.recall(), c.f1(), best_recall)
}

#[test]
fn shared_name_pairs() {
    let Some(root) = shared() else {
        eprintln!("DOSSIER_SHARED_DATA not set: skipped");
        return;
    };
    let dir = root.join("watchman/name-pairs");
    let lot1 = evaluate(
        "cascade lot 1",
        &cascade(&dir.join("cascade-name-pairs.csv")),
    );
    let lot2 = evaluate(
        "cascade lot 2",
        &cascade(&dir.join("cascade-name-pairs-2.csv")),
    );
    let cross = evaluate(
        "cross-script",
        &cross_script(&dir.join("cross_script_pairs.csv")),
    );
    // The goals: lot 1 F1 >= 0.85; recall >= 0.80 at precision >= 0.90 on lot 2 and on the
    // cross-script pairs. nomenklatura logic-v2 on the same pairs at 0.8: lot 1 F1 0.57,
    // lot 2 recall 0.00, cross-script recall 0.55 (bench/screen_vs_nomenklatura.sh).
    assert!(lot1.2 >= 0.85, "lot 1 F1 {:.3}", lot1.2);
    assert!(
        lot2.3 >= 0.8,
        "lot 2 recall at precision >= 0.90: {:.3}",
        lot2.3
    );
    assert!(
        cross.3 >= 0.8,
        "cross-script recall at precision >= 0.90: {:.3}",
        cross.3
    );
}
