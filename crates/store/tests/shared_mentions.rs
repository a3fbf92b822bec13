//! Entity mentions on the test splits of AnnoCTR and CyNER (`../shared/data/cti-ner`): the
//! gazetteer is every name and alias of the bundled MITRE ATT&CK and MISP galaxies; the
//! types compared are the ones dossier models (AnnoCTR: MALWARE, TOOL, GROUP; CyNER:
//! Malware, Organization, Indicator, Vulnerability). Entity-level precision and recall on
//! exact token spans. Runs only with DOSSIER_SHARED_DATA.

use std::collections::BTreeSet;
use std::path::PathBuf;

mod common;

fn kind_to_label(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "malware" => "MALWARE",
        "tool" => "TOOL",
        "threat_actor" => "GROUP",
        _ => return None,
    })
}

/// Labelled spans of a BIO-tagged sentence, of the given types: (first token, end, type).
fn bio_spans(tags: &[&str], types: &[&str]) -> BTreeSet<(usize, usize, String)> {
    let mut spans = BTreeSet::new();
    let mut i = 0;
    while i < tags.len() {
        if let Some(ty) = tags[i].strip_prefix("B-").filter(|t| types.contains(t)) {
            let mut j = i + 1;
            while j < tags.len() && tags[j] == format!("I-{ty}") {
                j += 1;
            }
            spans.insert((i, j, ty.to_owned()));
            i = j;
        } else {
            i += 1;
        }
    }
    spans
}

/// Tokens joined by spaces into a text, with each token's byte range.
struct Joined {
    text: String,
    ranges: Vec<(usize, usize)>,
}

impl Joined {
    fn new<'a>(tokens: impl IntoIterator<Item = &'a str>) -> Joined {
        let mut text = String::new();
        let mut ranges = Vec::new();
        for tok in tokens {
            if !text.is_empty() {
                text.push(' ');
            }
            ranges.push((text.len(), text.len() + tok.len()));
            text.push_str(tok);
        }
        Joined { text, ranges }
    }

    /// The token range a byte span covers exactly.
    fn tokens(&self, start: usize, end: usize) -> Option<(usize, usize)> {
        let a = self.ranges.iter().position(|r| r.0 == start)?;
        let b = self.ranges.iter().position(|r| r.1 == end)?;
        Some((a, b + 1))
    }
}

#[test]
fn shared_annoctr_mentions() {
    let Some(root) = std::env::var_os("DOSSIER_SHARED_DATA").map(PathBuf::from) else {
        eprintln!("DOSSIER_SHARED_DATA not set: skipped");
        return;
    };
    let gazetteer = common::gazetteer(|kind| kind_to_label(kind).is_some());
    let path = root.join("cti-ner/annoctr/ner_bio_test.bio.gz");
    let out = std::process::Command::new("gzip")
        .arg("-dc")
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    let wanted = ["MALWARE", "TOOL", "GROUP"];
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    let mut sentence: Vec<(String, String)> = Vec::new();
    let mut flush = |sentence: &mut Vec<(String, String)>| {
        if sentence.is_empty() {
            return;
        }
        let tags: Vec<&str> = sentence.iter().map(|t| t.1.as_str()).collect();
        let gold = bio_spans(&tags, &wanted);
        let joined = Joined::new(sentence.iter().map(|t| t.0.as_str()));
        let mut found = BTreeSet::new();
        for m in gazetteer.mentions(&joined.text) {
            let Some((a, b)) = joined.tokens(m.start, m.end) else {
                continue;
            };
            let Some(label) = m.candidates.first().and_then(|c| kind_to_label(&c.kind)) else {
                continue;
            };
            found.insert((a, b, label.to_owned()));
        }
        tp += found.intersection(&gold).count();
        fp += found.difference(&gold).count();
        fn_ += gold.difference(&found).count();
        sentence.clear();
    };
    for line in text.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 7 || cols[0] == "<DOCSTART>" {
            flush(&mut sentence);
            continue;
        }
        sentence.push((cols[0].to_owned(), cols[6].to_owned()));
    }
    flush(&mut sentence);
    let p = tp as f64 / (tp + fp).max(1) as f64;
    let r = tp as f64 / (tp + fn_).max(1) as f64;
    println!("AnnoCTR test, MALWARE/TOOL/GROUP by gazetteer: TP {tp} FP {fp} FN {fn_}; precision {p:.3}, recall {r:.3}");
    assert!(tp > 0);
}

/// The label CyNER gives what dossier finds, for the types both have.
fn cyner_label(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "malware" | "tool" => "Malware",
        "organization" | "threat_actor" => "Organization",
        "cve" => "Vulnerability",
        "url" | "domain" | "ipv4" | "ipv6" | "cidr" | "email" | "md5" | "sha1" | "sha256"
        | "sha512" | "btc" | "eth" | "xmr" | "file" | "path" | "registry" => "Indicator",
        _ => return None,
    })
}

#[test]
fn shared_cyner_mentions() {
    let Some(root) = std::env::var_os("DOSSIER_SHARED_DATA").map(PathBuf::from) else {
        eprintln!("DOSSIER_SHARED_DATA not set: skipped");
        return;
    };
    let gazetteer = common::gazetteer(|_| true);
    let text = std::fs::read_to_string(root.join("cti-ner/cyner-mitre/test.txt"))
        .unwrap_or_else(|e| panic!("{e}"));
    let day = dossier_extract::dates::Day::new(2024, 1, 1).unwrap_or_else(|| unreachable!());
    let types = ["Malware", "Organization", "Indicator", "Vulnerability"];
    // Per type: true positives, false positives, false negatives.
    let mut counts: std::collections::BTreeMap<&str, (usize, usize, usize)> =
        types.iter().map(|t| (*t, (0, 0, 0))).collect();
    // "token<TAB>tag" lines (CRLF), a blank line between sentences.
    let text = text.replace('\r', "");
    for block in text.split("\n\n") {
        let sentence: Vec<(&str, &str)> = block
            .lines()
            .filter_map(|l| l.rsplit_once(['\t', ' ']))
            .collect();
        if sentence.is_empty() {
            continue;
        }
        let tags: Vec<&str> = sentence.iter().map(|t| t.1).collect();
        let gold = bio_spans(&tags, &types);
        let joined = Joined::new(sentence.iter().map(|t| t.0));
        let mut found = BTreeSet::new();
        let reading = dossier_extract::claims::read(&joined.text, &gazetteer, day);
        for p in reading.parties.iter().filter(|p| p.how != "reference") {
            if let (Some((a, b)), Some(label)) =
                (joined.tokens(p.start, p.end), cyner_label(&p.kind))
            {
                found.insert((a, b, label.to_owned()));
            }
        }
        for ind in dossier_extract::indicators(&joined.text) {
            if ind.suppressed.is_some() {
                continue;
            }
            if let (Some((a, b)), Some(label)) = (
                joined.tokens(ind.start, ind.end),
                cyner_label(ind.kind.as_str()),
            ) {
                found.insert((a, b, label.to_owned()));
            }
        }
        for ty in types {
            let g: BTreeSet<_> = gold.iter().filter(|x| x.2 == ty).collect();
            let f: BTreeSet<_> = found.iter().filter(|x| x.2 == ty).collect();
            let c = counts.entry(ty).or_default();
            c.0 += f.intersection(&g).count();
            c.1 += f.difference(&g).count();
            c.2 += g.difference(&f).count();
            if std::env::var_os("SHOW_MISSES").is_some() {
                let words = |x: &(usize, usize, String)| {
                    sentence[x.0..x.1]
                        .iter()
                        .map(|t| t.0)
                        .collect::<Vec<_>>()
                        .join(" ")
                };
                for x in f.difference(&g) {
                    println!("FP {ty}: {}", words(x));
                }
                for x in g.difference(&f) {
                    println!("FN {ty}: {}", words(x));
                }
            }
        }
    }
    for (ty, (tp, fp, fn_)) in &counts {
        let p = *tp as f64 / (tp + fp).max(1) as f64;
        let r = *tp as f64 / (tp + fn_).max(1) as f64;
        println!("CyNER test, {ty}: TP {tp} FP {fp} FN {fn_}; precision {p:.3}, recall {r:.3}");
    }
    assert!(counts.values().map(|c| c.0).sum::<usize>() > 0);
}
