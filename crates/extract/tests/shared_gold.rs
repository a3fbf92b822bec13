//! Indicator extraction against the gold annotations in `tests/gold` (written by hand for
//! three CISA advisories and three TRAM reports of `../shared/data`): precision, recall
//! and F1 per document and over all, per kind. Runs only with DOSSIER_SHARED_DATA.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use dossier_extract::indicators;

fn document(root: &Path, reference: &str) -> String {
    if let Some((file, name)) = reference.split_once('#') {
        let path = root.join(file);
        let out = std::process::Command::new("gzip")
            .arg("-dc")
            .arg(&path)
            .output()
            .unwrap_or_else(|e| panic!("gzip {}: {e}", path.display()));
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}"));
            if v["file"] == name {
                return v["doc"]["signal"].as_str().unwrap_or_default().to_owned();
            }
        }
        panic!("{name} not in {}", path.display());
    }
    let path = root.join(reference);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[derive(Default)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Score {
    fn p(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fp).max(1) as f64
    }
    fn r(&self) -> f64 {
        self.tp as f64 / (self.tp + self.fn_).max(1) as f64
    }
    fn f1(&self) -> f64 {
        let (p, r) = (self.p(), self.r());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

#[test]
fn shared_gold_indicators() {
    let Some(root) = std::env::var_os("DOSSIER_SHARED_DATA").map(PathBuf::from) else {
        eprintln!("DOSSIER_SHARED_DATA not set: skipped");
        return;
    };
    let gold_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gold");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&gold_dir)
        .unwrap_or_else(|e| panic!("{}: {e}", gold_dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut total = Score::default();
    let mut by_kind: BTreeMap<String, Score> = BTreeMap::new();
    let mut misses = Vec::new();
    for f in &files {
        let gold: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(f).unwrap_or_default())
                .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let text = document(&root, gold["document"].as_str().unwrap_or_default());
        let pairs = |key: &str| -> BTreeSet<(String, String)> {
            gold[key]
                .as_array()
                .into_iter()
                .flatten()
                .map(|i| {
                    (
                        i["kind"].as_str().unwrap_or("").to_owned(),
                        i["value"].as_str().unwrap_or("").to_owned(),
                    )
                })
                .collect()
        };
        let expected = pairs("indicators");
        let found: BTreeSet<(String, String)> = indicators(&text)
            .into_iter()
            .filter(|i| i.suppressed.is_none())
            .map(|i| (i.kind.as_str().to_owned(), i.value))
            .collect();
        let mut s = Score::default();
        for p in &found {
            let k = by_kind.entry(p.0.clone()).or_default();
            if expected.contains(p) {
                s.tp += 1;
                k.tp += 1;
            } else {
                s.fp += 1;
                k.fp += 1;
                misses.push(format!("FP {} {:?}", f.display(), p));
            }
        }
        for p in expected.difference(&found) {
            s.fn_ += 1;
            by_kind.entry(p.0.clone()).or_default().fn_ += 1;
            misses.push(format!("FN {} {:?}", f.display(), p));
        }
        println!(
            "{}: {} gold, {} found; P {:.3} R {:.3} F1 {:.3}",
            f.file_name().unwrap_or_default().to_string_lossy(),
            expected.len(),
            found.len(),
            s.p(),
            s.r(),
            s.f1()
        );
        total.tp += s.tp;
        total.fp += s.fp;
        total.fn_ += s.fn_;
    }
    for (k, s) in &by_kind {
        println!(
            "  {k}: TP {} FP {} FN {}; P {:.3} R {:.3}",
            s.tp,
            s.fp,
            s.fn_,
            s.p(),
            s.r()
        );
    }
    println!(
        "all: TP {} FP {} FN {}; P {:.3} R {:.3} F1 {:.3}",
        total.tp,
        total.fp,
        total.fn_,
        total.p(),
        total.r(),
        total.f1()
    );
    if std::env::var_os("SHOW_MISSES").is_some() {
        for m in &misses {
            println!("  {m}");
        }
    }
    assert!(!files.is_empty(), "no gold files in {}", gold_dir.display());
    assert!(total.f1() >= 0.8, "F1 {:.3}", total.f1());
}
