//! The screening index: records (list entries and threat-intelligence entities) with their
//! names read once, an inverted index from phonetic and consonant keys of their words to
//! names, and the query path: candidates from the index, each scored in full, qualified by
//! birth date, country, kind and identifiers.

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::compare::{
    explain, round, score_prepared_names, Feature, NameMatch, PreparedName, Readings, Scored,
};
use crate::name::{Name, Role, Variant};
use crate::similarity::{consonant_key, phonetic_key};
use crate::translit::Script;
use crate::{Kind, THRESHOLD};

/// A name of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordName {
    pub text: String,
    /// A weak alias ("low quality" a.k.a.): matched, but counts for less.
    pub weak: bool,
}

/// A designation of the record on a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listing {
    /// The list (dataset) the record comes from: "us-ofac-sdn", "un-sc-consolidated"…
    pub dataset: String,
    /// The list version (source id) it was read from.
    pub source: String,
    pub authority: Option<String>,
    /// The record's own id on that list (OFAC ent_num, UN reference number, UK unique id).
    pub record_id: Option<String>,
    pub programs: Vec<String>,
    pub listed_on: Option<String>,
}

/// One screenable entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    /// dossier's entity id.
    pub id: String,
    pub kind: Kind,
    pub caption: String,
    pub names: Vec<RecordName>,
    /// Partial dates: "1957", "1957-03", "1957-03-20".
    pub birth_dates: Vec<String>,
    /// ISO 3166 alpha-2 codes (nationality, citizenship, registration, address).
    pub countries: Vec<String>,
    /// (scheme, value) pairs: passports, registration numbers, IMO numbers…
    pub identifiers: Vec<(String, String)>,
    pub listings: Vec<Listing>,
}

/// A screening query.
#[derive(Debug, Clone)]
pub struct Query {
    pub name: String,
    pub kind: Kind,
    pub birth_date: Option<String>,
    pub country: Option<String>,
    /// Identifier values, optionally with a scheme ("passport:X123").
    pub identifiers: Vec<(Option<String>, String)>,
    pub threshold: f64,
    pub limit: usize,
}

impl Query {
    pub fn new(name: impl Into<String>) -> Query {
        Query {
            name: name.into(),
            kind: Kind::Any,
            birth_date: None,
            country: None,
            identifiers: Vec::new(),
            threshold: THRESHOLD,
            limit: 10,
        }
    }
}

/// A screening result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub id: String,
    pub caption: String,
    pub kind: Kind,
    pub score: f64,
    pub matched: bool,
    pub name: NameMatch,
    /// Qualifiers beyond the name (birth date, country, identifiers).
    pub features: Vec<Feature>,
    pub listings: Vec<Listing>,
}

struct Entry {
    record: u32,
    name: Name,
    /// What comparing the name needs (runs of words, phonetic forms, the words run
    /// together), kept rather than worked out again for every query.
    readings: Readings,
    weak: bool,
}

/// The in-memory screening index.
pub struct Index {
    records: Vec<Record>,
    entries: Vec<Entry>,
    /// Key → range of `postings` (start, length): one allocation for all lists.
    keys: FxHashMap<u64, (u32, u32)>,
    postings: Vec<u32>,
    /// Normalised identifier value → names of the records that carry it.
    identifiers: FxHashMap<String, Vec<u32>>,
    /// Records are in id order.
    sorted: bool,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("records", &self.records.len())
            .field("names", &self.entries.len())
            .field("keys", &self.keys.len())
            .finish()
    }
}

fn hash_key(prefix: u8, key: &[u8]) -> u64 {
    // FNV-1a: stable across runs and platforms.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in std::iter::once(&prefix).chain(key) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The index keys of one reading of a name.
fn variant_keys(v: &Variant, out: &mut Vec<u64>) {
    // The whole reading, so a short or common name still finds itself first.
    let mut whole: Vec<u8> = Vec::new();
    for w in &v.words {
        whole.extend_from_slice(&w.phon);
        whole.push(b' ');
    }
    for n in &v.numbers {
        whole.extend_from_slice(n.to_string().as_bytes());
        whole.push(b' ');
    }
    out.push(hash_key(b'x', &whole));
    let words: Vec<_> = v.words.iter().filter(|w| w.role != Role::Initial).collect();
    let any_distinctive = words.iter().any(|w| w.role == Role::Distinctive);
    for (i, w) in words.iter().enumerate() {
        if any_distinctive && w.role != Role::Distinctive {
            continue;
        }
        let abjad = w.script == Script::Abjad;
        if w.script == Script::Han {
            out.push(hash_key(b'h', w.key.as_bytes()));
        }
        let p = phonetic_key(&w.text);
        out.push(hash_key(b'p', &p));
        if p.len() >= 5 {
            out.push(hash_key(b'f', &p[..4]));
        }
        for k in consonant_key(&w.text, abjad) {
            if k.len() >= 2 {
                out.push(hash_key(b'c', &k));
            }
        }
        // Runs of words written together elsewhere: "xiao rui zhi" ~ "xiaoruizhi".
        let mut joined = w.text.to_string();
        for next in words.iter().skip(i + 1).take(3) {
            if next.role != Role::Distinctive {
                break;
            }
            joined.push_str(&next.text);
            let p = phonetic_key(&joined);
            out.push(hash_key(b'p', &p));
            for k in consonant_key(&joined, abjad) {
                if k.len() >= 3 {
                    out.push(hash_key(b'c', &k));
                }
            }
        }
    }
}

fn name_keys(name: &Name) -> Vec<u64> {
    let mut keys = Vec::new();
    for v in &name.variants {
        variant_keys(v, &mut keys);
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

fn normalise_id(value: &str) -> String {
    value
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl Index {
    pub fn build(records: Vec<Record>) -> Index {
        let mut entries = Vec::new();
        let mut pairs: Vec<(u64, u32)> = Vec::new();
        let mut identifiers: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        for (r, record) in records.iter().enumerate() {
            let mut seen = FxHashSet::default();
            let first_entry = entries.len() as u32;
            for (_, value) in &record.identifiers {
                let v = normalise_id(value);
                if v.len() >= 4 {
                    identifiers.entry(v).or_default().push(first_entry);
                }
            }
            for n in &record.names {
                if !seen.insert(n.text.as_str()) {
                    continue;
                }
                let name = Name::parse(&n.text, record.kind);
                let e = entries.len() as u32;
                for k in name_keys(&name) {
                    pairs.push((k, e));
                }
                entries.push(Entry {
                    record: r as u32,
                    readings: Readings::of(&name),
                    name,
                    weak: n.weak,
                });
            }
        }
        pairs.sort_unstable();
        let mut keys: FxHashMap<u64, (u32, u32)> = FxHashMap::default();
        let mut postings = Vec::with_capacity(pairs.len());
        let mut i = 0;
        while i < pairs.len() {
            let key = pairs[i].0;
            let start = postings.len() as u32;
            while i < pairs.len() && pairs[i].0 == key {
                postings.push(pairs[i].1);
                i += 1;
            }
            keys.insert(key, (start, postings.len() as u32 - start));
        }
        keys.shrink_to_fit();
        // Records without names have no entry: their identifiers point nowhere.
        identifiers.retain(|_, list| {
            list.retain(|e| (*e as usize) < entries.len());
            !list.is_empty()
        });
        let sorted = records.is_sorted_by(|a, b| a.id <= b.id);
        Index {
            records,
            entries,
            keys,
            postings,
            identifiers,
            sorted,
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// The records, in the order given to [`Index::build`].
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The record with this id (records given in id order are found by bisection).
    pub fn record(&self, id: &str) -> Option<&Record> {
        if self.sorted {
            let i = self
                .records
                .binary_search_by(|r| r.id.as_str().cmp(id))
                .ok()?;
            return self.records.get(i);
        }
        self.records.iter().find(|r| r.id == id)
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    pub fn names(&self) -> usize {
        self.entries.len()
    }

    /// Candidate names for a query name, best first by shared rare keys.
    fn candidates(&self, name: &Name, max: usize) -> Vec<u32> {
        // Scores are summed in a table with a slot per name, kept per thread and left
        // zeroed after use: common words ("Muhammad", "Ali", "Company") bring thousands
        // of names, which a hash map would take many times longer to add up.
        thread_local! {
            static SCORES: std::cell::RefCell<Vec<f64>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        let total = self.entries.len().max(1) as f64;
        SCORES.with_borrow_mut(|scores| {
            if scores.len() < self.entries.len() {
                scores.resize(self.entries.len(), 0.0);
            }
            let mut touched: Vec<u32> = Vec::new();
            for k in name_keys(name) {
                if let Some(&(start, len)) = self.keys.get(&k) {
                    let list = &self.postings[start as usize..(start + len) as usize];
                    // Never zero: a slot at zero is one not yet touched.
                    let idf = (total / list.len() as f64).ln() + 0.1;
                    for &e in list {
                        let slot = &mut scores[e as usize];
                        if *slot == 0.0 {
                            touched.push(e);
                        }
                        *slot += idf;
                    }
                }
            }
            let mut ranked: Vec<(u32, f64)> = touched
                .into_iter()
                .map(|e| (e, std::mem::take(&mut scores[e as usize])))
                .collect();
            let order = |a: &(u32, f64), b: &(u32, f64)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
            if ranked.len() > max {
                ranked.select_nth_unstable_by(max, order);
                ranked.truncate(max);
            }
            ranked.sort_unstable_by(order);
            ranked.into_iter().map(|(e, _)| e).collect()
        })
    }

    /// Screens one query: the records whose best name scores at or above the query's
    /// threshold, best first, at most `limit`.
    pub fn screen(&self, query: &Query) -> Vec<Hit> {
        let mut hits = self.screen_above(query, query.threshold);
        hits.truncate(query.limit);
        hits
    }

    /// Like [`Index::screen`] but keeps candidates under the threshold (for ranking).
    pub fn screen_all(&self, query: &Query) -> Vec<Hit> {
        self.screen_above(query, f64::NEG_INFINITY)
    }

    /// Every candidate scoring at least `floor`, best first, whatever the query's
    /// threshold and limit. Only these are explained.
    pub fn screen_above(&self, query: &Query, floor: f64) -> Vec<Hit> {
        let qname = Name::parse(&query.name, query.kind);
        let query_name = PreparedName::new(&qname);
        // Per record: the best of its names (score, weak, entry), scored without writing
        // explanations; the winning name of each record is explained afterwards.
        let mut best: FxHashMap<u32, (Scored, bool, u32)> = FxHashMap::default();
        let mut candidates = self.candidates(&qname, 60.max(query.limit * 4));
        // Records carrying a queried identifier are candidates whatever their names.
        for (_, value) in &query.identifiers {
            if let Some(list) = self.identifiers.get(&normalise_id(value)) {
                candidates.extend(list.iter().copied());
            }
        }
        best.reserve(candidates.len());
        for e in candidates {
            let entry = &self.entries[e as usize];
            let record = &self.records[entry.record as usize];
            if !query.kind.admits(record.kind) {
                continue;
            }
            let m = score_prepared_names(
                &query_name,
                &PreparedName::with_readings(&entry.name, &entry.readings),
                compared_as(query.kind, record.kind),
            );
            match best.entry(entry.record) {
                std::collections::hash_map::Entry::Occupied(mut o) => {
                    let (cur, cur_weak, _) = o.get();
                    let better =
                        m.score > cur.score || (m.score == cur.score && *cur_weak && !entry.weak);
                    if better {
                        o.insert((m, entry.weak, e));
                    }
                }
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert((m, entry.weak, e));
                }
            }
        }
        let mut hits: Vec<Hit> = best
            .into_iter()
            .filter_map(|(r, (scored, weak, e))| {
                let record = &self.records[r as usize];
                let (score, features) = qualified(query, record, scored.score, weak);
                if score < floor {
                    return None;
                }
                let entry = &self.entries[e as usize];
                let name = explain(
                    &query_name,
                    &PreparedName::with_readings(&entry.name, &entry.readings),
                    compared_as(query.kind, record.kind),
                    scored,
                );
                Some(Hit {
                    id: record.id.clone(),
                    caption: record.caption.clone(),
                    kind: record.kind,
                    score,
                    matched: score >= query.threshold,
                    name,
                    features,
                    listings: record.listings.clone(),
                })
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
        hits
    }
}

/// Whether a record's identifier scheme is the one a query names: "imo" is
/// "vessel-registration-identification-imo", "passport" is "passport-number".
fn scheme_is(scheme: &str, asked: &str) -> bool {
    let (s, a) = (
        scheme.to_ascii_lowercase(),
        asked.trim().to_ascii_lowercase(),
    );
    s == a || !a.is_empty() && s.split(['-', '_', ' ', ':']).any(|part| part == a)
}

/// Compares a queried birth date with a record's: the same day, the same year, or apart.
fn birth_date_feature(query: &str, dates: &[String]) -> (f64, String) {
    let q = query.trim();
    let qy = &q[..q.len().min(4)];
    if dates
        .iter()
        .any(|d| d == q || (d.len() >= q.len() && d.starts_with(q) && q.len() >= 7))
    {
        return (0.05, format!("{q} on record"));
    }
    if dates.iter().any(|d| d.get(..4) == Some(qy)) {
        return (0.02, format!("year {qy} on record"));
    }
    let near = dates.iter().any(|d| {
        match (
            d.get(..4).and_then(|y| y.parse::<i32>().ok()),
            qy.parse::<i32>().ok(),
        ) {
            (Some(a), Some(b)) => (a - b).abs() <= 1,
            _ => false,
        }
    });
    if near {
        (0.0, format!("{q} within a year of {}", dates.join(", ")))
    } else {
        (-0.15, format!("{q} vs {}", dates.join(", ")))
    }
}

/// A record's score from its best name's: weak aliases, birth dates, countries and
/// identifiers weigh in.
fn qualified(query: &Query, record: &Record, name_score: f64, weak: bool) -> (f64, Vec<Feature>) {
    let mut score = name_score;
    let mut features = Vec::new();
    if weak {
        score *= 0.9;
        features.push(Feature {
            name: "weak_alias",
            value: 0.9,
            detail: "matched a weak alias".into(),
        });
    }
    if let Some(bd) = query
        .birth_date
        .as_deref()
        .filter(|_| !record.birth_dates.is_empty())
    {
        let (delta, detail) = birth_date_feature(bd, &record.birth_dates);
        score += delta;
        features.push(Feature {
            name: if delta >= 0.0 {
                "birth_date_match"
            } else {
                "birth_date_mismatch"
            },
            value: delta,
            detail,
        });
    }
    if let Some(c) = query
        .country
        .as_deref()
        .filter(|_| !record.countries.is_empty())
    {
        let c = c.to_ascii_uppercase();
        if record
            .countries
            .iter()
            .any(|rc| rc.eq_ignore_ascii_case(&c))
        {
            score += 0.03;
            features.push(Feature {
                name: "country_match",
                value: 0.03,
                detail: c,
            });
        } else {
            score -= 0.1;
            features.push(Feature {
                name: "country_mismatch",
                value: -0.1,
                detail: format!("{c} vs {}", record.countries.join(",")),
            });
        }
    }
    for (scheme, value) in &query.identifiers {
        let v = normalise_id(value);
        if v.is_empty() {
            continue;
        }
        let same = record.identifiers.iter().find(|(s, rv)| {
            normalise_id(rv) == v && scheme.as_deref().is_none_or(|q| scheme_is(s, q))
        });
        if let Some((s, rv)) = same {
            score = 1.0;
            features.push(Feature {
                name: "identifier_match",
                value: 1.0,
                detail: format!("{s} {rv}"),
            });
        } else if let Some(q) = scheme {
            if let Some((s, rv)) = record.identifiers.iter().find(|(s, _)| scheme_is(s, q)) {
                score -= 0.2;
                features.push(Feature {
                    name: "identifier_mismatch",
                    value: -0.2,
                    detail: format!("{s} {rv} vs {value}"),
                });
            }
        }
    }
    (round(score.clamp(0.0, 1.0)), features)
}

/// The kind two names are compared as: the query's, or the candidate's when the query
/// gives none.
fn compared_as(query: Kind, record: Kind) -> Kind {
    if query == Kind::Any {
        record
    } else {
        query
    }
}
