//! Scoring two names: the best reading of each (as written, without annotations, or a
//! former name), words aligned one to one (or a run of words to one word, so "Xiaoruizhi"
//! meets "Xiao Rui Zhi"), then the numbers, legal forms and vessel markers checked.

use serde::Serialize;

use crate::lexicon::Lexicon;
use crate::name::{Name, Role, Variant, Word};
use crate::similarity::{word_similarity, Spelling};
use crate::Kind;

/// One thing that moved a score, for the explanation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Feature {
    /// A stable name: `name`, `numbers_differ`, `legal_form_conflict`, `birth_date_match`…
    pub name: &'static str,
    /// What it did: the value it contributed, or the factor it applied.
    pub value: f64,
    pub detail: String,
}

/// Two words (or runs of words) paired up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WordPair {
    pub query: String,
    pub candidate: String,
    pub similarity: f64,
}

/// The result of comparing two names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NameMatch {
    pub score: f64,
    /// The reading of each name that matched best.
    pub query_name: String,
    pub candidate_name: String,
    pub pairs: Vec<WordPair>,
    pub features: Vec<Feature>,
}

#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    len: usize,
}

fn span_text(words: &[Word], s: Span) -> String {
    words[s.start..s.start + s.len]
        .iter()
        .map(|w| &*w.text)
        .collect()
}

fn spans(words: &[Word]) -> Vec<Span> {
    let mut out = Vec::new();
    for start in 0..words.len() {
        out.push(Span { start, len: 1 });
        for len in 2..=4 {
            if start + len > words.len() {
                break;
            }
            let run = &words[start..start + len];
            if run.iter().all(|w| w.role == Role::Distinctive) {
                out.push(Span { start, len });
            }
        }
    }
    out
}

/// Whether a run of words written apart could be the other side's one word: the same
/// first letter and about the same length (scripts without vowels aside).
fn joinable(a: &Word, ta: &str, b: &Word, tb: &str) -> bool {
    if a.script == crate::translit::Script::Abjad || b.script == crate::translit::Script::Abjad {
        return true;
    }
    let (la, lb) = (ta.len() as f64, tb.len() as f64);
    ta.as_bytes().first() == tb.as_bytes().first() && la <= lb * 1.4 && lb <= la * 1.4
}

/// Word similarity as evidence: near-misses ("Lixing" / "Lixin") count for little.
fn evidence(sim: f64) -> f64 {
    if sim >= 0.92 {
        sim
    } else if sim >= 0.6 {
        let x = (sim - 0.6) / 0.32;
        sim * x * x * x
    } else {
        0.0
    }
}

fn weight(words: &[Word], s: Span) -> f64 {
    if s.len == 1 {
        words[s.start].weight()
    } else {
        // A run of words matching one word is one name written apart.
        1.0
    }
}

/// A run of words written apart, taken as one word: its letters run together and their
/// phonetic symbols.
#[derive(Debug, Clone)]
struct Run {
    text: Box<str>,
    phon: Box<[u8]>,
}

/// A reading's words and runs of words, with what comparing them needs.
#[derive(Debug, Clone)]
struct Runs {
    spans: Vec<Span>,
    /// For each span of several words, the run; a span of one word is the word.
    runs: Vec<Option<Run>>,
}

impl Runs {
    fn of(variant: &Variant) -> Runs {
        let spans = spans(&variant.words);
        let runs = spans
            .iter()
            .map(|s| {
                (s.len > 1).then(|| {
                    let text = span_text(&variant.words, *s);
                    Run {
                        phon: crate::similarity::phonetic(&text).into_boxed_slice(),
                        text: text.into_boxed_str(),
                    }
                })
            })
            .collect();
        Runs { spans, runs }
    }
}

/// A name's words run together, for comparing it with a name written without spaces.
#[derive(Debug, Clone)]
struct Joined {
    /// How many words (tokens) the name has.
    words: usize,
    /// The words' Latin forms, one after the other.
    text: String,
}

impl Joined {
    fn of(name: &Name) -> Joined {
        let tokens = crate::token::tokenize(&name.raw);
        Joined {
            words: tokens.len(),
            text: tokens.iter().map(|t| t.text.as_str()).collect(),
        }
    }

    /// One word of at least six letters.
    fn single(&self) -> bool {
        self.words == 1 && self.text.len() >= 6
    }
}

/// What comparing a name needs beyond the name, worked out once: each reading's runs of
/// words with their texts and phonetic forms, and the name's words run together. An
/// index keeps them with each of its names; a query's serve for every candidate.
#[derive(Debug, Clone)]
pub struct Readings {
    runs: Vec<Runs>,
    joined: Joined,
}

impl Readings {
    pub fn of(name: &Name) -> Readings {
        Readings {
            runs: name.variants.iter().map(Runs::of).collect(),
            joined: Joined::of(name),
        }
    }
}

/// A name with its readings prepared.
#[derive(Debug)]
pub struct PreparedName<'a> {
    name: &'a Name,
    readings: std::borrow::Cow<'a, Readings>,
}

impl<'a> PreparedName<'a> {
    pub fn new(name: &'a Name) -> PreparedName<'a> {
        PreparedName {
            name,
            readings: std::borrow::Cow::Owned(Readings::of(name)),
        }
    }

    /// A name whose readings were prepared before (`readings` must be the name's).
    pub fn with_readings(name: &'a Name, readings: &'a Readings) -> PreparedName<'a> {
        PreparedName {
            name,
            readings: std::borrow::Cow::Borrowed(readings),
        }
    }

    fn joined(&self) -> &Joined {
        &self.readings.joined
    }

    /// The name's readings with their runs.
    fn variants(&self) -> impl Iterator<Item = (&Variant, &Runs)> {
        self.name.variants.iter().zip(&self.readings.runs)
    }
}

/// The spelling compared for span `i` of a reading.
fn spelling<'a>(words: &'a [Word], runs: &'a Runs, i: usize) -> Spelling<'a> {
    match &runs.runs[i] {
        Some(r) => Spelling {
            text: &r.text,
            phon: &r.phon,
            single: false,
        },
        None => Spelling::of(&words[runs.spans[i].start]),
    }
}

/// Compares two readings of names. Without `explain`, only the score is worked out (the
/// match's texts, pairs and features are left empty): a query meets many candidates and
/// most readings lose.
fn compare_prepared(
    (a, ra): (&Variant, &Runs),
    (b, rb): (&Variant, &Runs),
    kind: Kind,
    explain: bool,
) -> NameMatch {
    let lex = Lexicon::bundled();
    let mut features = Vec::new();
    let (wa, wb) = (&a.words, &b.words);
    let mut candidates: Vec<(f64, Span, Span)> = Vec::new();
    for (i, x) in ra.spans.iter().enumerate() {
        let sa = spelling(wa, ra, i);
        for (j, y) in rb.spans.iter().enumerate() {
            if x.len > 1 && y.len > 1 {
                continue;
            }
            let sb = spelling(wb, rb, j);
            if (x.len > 1 || y.len > 1) && !joinable(&wa[x.start], sa.text, &wb[y.start], sb.text) {
                continue;
            }
            let sim = word_similarity(&wa[x.start], &wb[y.start], sa, sb);
            if sim >= 0.6 {
                candidates.push((sim, *x, *y));
            }
        }
    }
    candidates.sort_by(|p, q| {
        q.0.total_cmp(&p.0)
            .then((p.1.len + p.2.len).cmp(&(q.1.len + q.2.len)))
            .then(p.1.start.cmp(&q.1.start))
            .then(p.2.start.cmp(&q.2.start))
    });
    let mut used_a = vec![false; wa.len()];
    let mut used_b = vec![false; wb.len()];
    let mut pairs = Vec::new();
    let mut matched = 0.0;
    let mut matched_weight = 0.0;
    let mut distinctive_matched = false;
    for (sim, x, y) in candidates {
        if used_a[x.start..x.start + x.len].iter().any(|u| *u)
            || used_b[y.start..y.start + y.len].iter().any(|u| *u)
        {
            continue;
        }
        used_a[x.start..x.start + x.len].fill(true);
        used_b[y.start..y.start + y.len].fill(true);
        let w = weight(wa, x) + weight(wb, y);
        let e = evidence(sim);
        matched += e * w;
        matched_weight += w;
        if e > 0.5
            && (wa[x.start].role == Role::Distinctive || wb[y.start].role == Role::Distinctive)
        {
            distinctive_matched = true;
        }
        if !explain {
            continue;
        }
        pairs.push(WordPair {
            query: words_text(wa, x),
            candidate: words_text(wb, y),
            similarity: round(sim),
        });
    }
    // A person's extra names on one side (a middle name, a patronymic) weigh half; names
    // left over on both sides disagree and weigh in full.
    let left_a = wa.iter().zip(&used_a).any(|(_, u)| !*u);
    let left_b = wb.iter().zip(&used_b).any(|(_, u)| !*u);
    let unmatched_factor = if kind == Kind::Person && !(left_a && left_b) {
        0.5
    } else {
        1.0
    };
    let unmatched = |words: &[Word], used: &[bool]| -> f64 {
        words
            .iter()
            .zip(used)
            .filter(|(_, u)| !**u)
            .map(|(w, _)| w.miss_weight() * unmatched_factor)
            .sum()
    };
    let (ua, ub) = (unmatched(wa, &used_a), unmatched(wb, &used_b));
    let total = matched_weight + ua + ub;
    let mut score = if total > 0.0 {
        matched / total
    } else if !a.text.is_empty()
        && dossier_model::name_key(&a.text) == dossier_model::name_key(&b.text)
    {
        1.0
    } else {
        0.0
    };
    if explain {
        features.push(Feature {
            name: "name",
            value: round(score),
            detail: format!("{} of {} word weight matched", round(matched), round(total)),
        });
    }
    let has_distinctive = |w: &[Word]| w.iter().any(|w| w.role == Role::Distinctive);
    if !distinctive_matched && has_distinctive(wa) && has_distinctive(wb) && score > 0.5 {
        score = 0.5;
        if explain {
            features.push(Feature {
                name: "only_generic_words",
                value: 0.5,
                detail: "only generic words in common".into(),
            });
        }
    }
    // The detail is written only when explaining.
    let mut factor = |name: &'static str, f: f64, detail: &dyn Fn() -> String, score: &mut f64| {
        *score *= f;
        if explain {
            features.push(Feature {
                name,
                value: f,
                detail: detail(),
            });
        }
    };
    if !a.numbers.is_empty() && !b.numbers.is_empty() {
        if a.numbers != b.numbers {
            factor(
                "numbers_differ",
                0.5,
                &|| format!("{:?} vs {:?}", a.numbers, b.numbers),
                &mut score,
            );
        }
    } else if a.numbers.len() + b.numbers.len() > 0 && kind != Kind::Person {
        factor(
            "number_on_one_side",
            0.75,
            &|| format!("{:?} vs {:?}", a.numbers, b.numbers),
            &mut score,
        );
    }
    if !a.legal.is_empty() && !b.legal.is_empty() {
        let conflict = a.legal.iter().all(|x| {
            b.legal.iter().all(|y| match (lex.form(*x), lex.form(*y)) {
                (Some(fx), Some(fy)) => fx.conflicts(fy),
                _ => false,
            })
        });
        if conflict {
            let names = |l: &[u16]| {
                l.iter()
                    .filter_map(|f| lex.form(*f).map(|f| f.id.clone()))
                    .collect::<Vec<_>>()
                    .join("+")
            };
            factor(
                "legal_form_conflict",
                0.7,
                &|| format!("{} vs {}", names(&a.legal), names(&b.legal)),
                &mut score,
            );
        }
    }
    let vessel_vs_company = (a.vessel_marker && !b.legal.is_empty())
        || (b.vessel_marker && !a.legal.is_empty())
        || (kind == Kind::Vessel && a.legal.is_empty() != b.legal.is_empty());
    if vessel_vs_company {
        factor(
            "vessel_vs_company",
            0.7,
            &|| "a vessel on one side, a company on the other".into(),
            &mut score,
        );
    }
    if !explain {
        return NameMatch {
            score: round(score),
            query_name: String::new(),
            candidate_name: String::new(),
            pairs,
            features,
        };
    }
    if a.former || b.former {
        features.push(Feature {
            name: "former_name",
            value: 1.0,
            detail: "matched through a former name".into(),
        });
    }
    NameMatch {
        score: round(score),
        query_name: a.text.to_string(),
        candidate_name: b.text.to_string(),
        pairs,
        features,
    }
}

fn words_text(words: &[Word], s: Span) -> String {
    words[s.start..s.start + s.len]
        .iter()
        .map(|w| &*w.key)
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn round(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// Compares two names: the best pair of readings. A former name may meet the other's
/// current name, never the other's former name (two ships once called alike are not one).
pub fn compare_names(a: &Name, b: &Name, kind: Kind) -> NameMatch {
    compare_prepared_names(&PreparedName::new(a), &PreparedName::new(b), kind)
}

/// How two names were found alike, without the explanation: the score, and which readings
/// (or the words run together) gave it. [`explain`] writes the explanation out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub score: f64,
    how: How,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum How {
    /// No pair of readings could be compared (both former names).
    Nothing,
    Readings(usize, usize),
    WrittenTogether,
}

/// [`compare_names`] on names prepared once (a query against many candidates).
pub fn compare_prepared_names(
    pa: &PreparedName<'_>,
    pb: &PreparedName<'_>,
    kind: Kind,
) -> NameMatch {
    explain(pa, pb, kind, score_prepared_names(pa, pb, kind))
}

/// The score of [`compare_prepared_names`], worked out without writing any text.
pub fn score_prepared_names(pa: &PreparedName<'_>, pb: &PreparedName<'_>, kind: Kind) -> Scored {
    let mut best = Scored {
        score: 0.0,
        how: How::Nothing,
    };
    for (i, va) in pa.variants().enumerate() {
        for (j, vb) in pb.variants().enumerate() {
            if va.0.former && vb.0.former {
                continue;
            }
            let score = compare_prepared(va, vb, kind, false).score;
            if best.how == How::Nothing || score > best.score {
                best = Scored {
                    score,
                    how: How::Readings(i, j),
                };
            }
        }
    }
    if best.score < crate::THRESHOLD {
        if let Some(score) = written_together_score(pa, pb) {
            if score > best.score {
                best = Scored {
                    score,
                    how: How::WrittenTogether,
                };
            }
        }
    }
    best
}

/// The match `scored` found, with its texts, word pairs and features.
pub fn explain(
    pa: &PreparedName<'_>,
    pb: &PreparedName<'_>,
    kind: Kind,
    scored: Scored,
) -> NameMatch {
    match scored.how {
        How::Readings(i, j) => compare_prepared(
            (&pa.name.variants[i], &pa.readings.runs[i]),
            (&pb.name.variants[j], &pb.readings.runs[j]),
            kind,
            true,
        ),
        How::WrittenTogether => written_together(pa, pb).unwrap_or_else(|| nothing(pa, pb)),
        How::Nothing => nothing(pa, pb),
    }
}

fn nothing(pa: &PreparedName<'_>, pb: &PreparedName<'_>) -> NameMatch {
    NameMatch {
        score: 0.0,
        query_name: pa.name.raw.to_string(),
        candidate_name: pb.name.raw.to_string(),
        pairs: Vec::new(),
        features: Vec::new(),
    }
}

/// Whether one name is a single run of letters and the other several words, and how alike
/// their letters are then.
fn written_together_similarity(pa: &PreparedName<'_>, pb: &PreparedName<'_>) -> Option<f64> {
    let (ja, jb) = (pa.joined(), pb.joined());
    if !(ja.single() && jb.words > 1 || jb.single() && ja.words > 1) {
        return None;
    }
    Some(crate::similarity::latin_similarity(
        &ja.text, &jb.text, false,
    ))
}

fn written_together_score(pa: &PreparedName<'_>, pb: &PreparedName<'_>) -> Option<f64> {
    let score = round(evidence(written_together_similarity(pa, pb)?));
    (score > 0.0).then_some(score)
}

/// "EtsDiallo" and "Ets Diallo": when one name is a single run of letters and the other
/// several words, the two are compared letter for letter, spaces aside.
fn written_together(pa: &PreparedName<'_>, pb: &PreparedName<'_>) -> Option<NameMatch> {
    let (a, b) = (pa.name, pb.name);
    let (ja, jb) = (pa.joined(), pb.joined());
    let sim = written_together_similarity(pa, pb)?;
    let score = round(evidence(sim));
    if score == 0.0 {
        return None;
    }
    Some(NameMatch {
        score,
        query_name: a.raw.to_string(),
        candidate_name: b.raw.to_string(),
        pairs: vec![WordPair {
            query: ja.text.clone(),
            candidate: jb.text.clone(),
            similarity: round(sim),
        }],
        features: vec![Feature {
            name: "written_together",
            value: score,
            detail: "one name written without spaces".into(),
        }],
    })
}
