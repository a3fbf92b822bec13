//! How alike two words are, from 0 to 1: a phonetic edit distance for words in Latin
//! letters (romanisation variants cost little, other consonants a lot), and a consonant
//! alignment for words from scripts that leave vowels unwritten.

use crate::name::{Role, Word};
use crate::translit::Script;

/// Letter groups read as one sound, longest and most specific first, with their symbol.
const DIGRAPHS: &[(&[u8], u8)] = &[
    (b"shch", b'S'),
    (b"dzh", b'j'),
    (b"dj", b'j'),
    (b"tch", b'C'),
    (b"tsch", b'C'),
    (b"sch", b'S'),
    (b"sh", b'S'),
    (b"ch", b'C'),
    (b"zh", b'Z'),
    (b"kh", b'K'),
    (b"ph", b'f'),
    (b"th", b't'),
    (b"dh", b'd'),
    (b"gh", b'g'),
    (b"ou", b'u'),
    (b"oo", b'u'),
    (b"ee", b'i'),
    (b"ck", b'k'),
    (b"ts", b'c'),
    (b"tz", b'c'),
];

/// Phonetic symbols: Latin letters, with digraphs folded to one symbol.
pub fn phonetic(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        let (sym, len) = if rest.starts_with(b"aye")
            || (rest.starts_with(b"ay") && !rest.get(2).is_some_and(|c| is_vowel(*c)))
        {
            // "Nay", "Aye", "Myay": the Burmese-style spelling of e.
            (b'e', if rest.starts_with(b"aye") { 3 } else { 2 })
        } else if let Some((prefix, sym)) =
            DIGRAPHS.iter().find(|(prefix, _)| rest.starts_with(prefix))
        {
            (*sym, prefix.len())
        } else if rest[0] == b'x' {
            out.push(b'k');
            (b's', 1)
        } else if rest[0] == b'c' && matches!(rest.get(1), Some(b'e' | b'i' | b'y')) {
            // Soft c: "Hotincev" (ts), "Cecotti".
            (b'c', 1)
        } else if rest[0] == b'q' || rest[0] == b'c' {
            (b'k', 1)
        } else if rest[0] == b'y' {
            (b'i', 1)
        } else if rest[0] == b'j'
            && i > 0
            && rest.get(1).is_some_and(|c| is_vowel(*c) || *c == b'y')
        {
            // "Zavjalov", "Werchnjaja": j before a vowel inside a word is y.
            (b'i', 1)
        } else if rest[0] == b'w' {
            (b'v', 1)
        } else {
            (rest[0], 1)
        };
        if out.last() != Some(&sym) {
            out.push(sym);
        }
        i += len;
    }
    out
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Cost of writing `a` where `b` is meant.
fn substitution(a: u8, b: u8, loose: bool) -> f64 {
    if a == b {
        return 0.0;
    }
    let (x, y) = if a < b { (a, b) } else { (b, a) };
    if is_vowel(x) && is_vowel(y) {
        return if loose { 0.15 } else { 0.35 };
    }
    if loose
        && matches!(
            (x, y),
            (b'd', b't') | (b'g', b'k') | (b'b', b'p') | (b's', b'z')
        )
    {
        // Voicing inside words differs from the letters written (Burmese "ရတနာ" is
        // "Yadana").
        return 0.15;
    }
    match (x, y) {
        (b'K', b'k') | (b'Z', b'z') | (b'c', b's') => 0.2,
        (b'C', b'K') => 0.3,
        (b'K', b'h') | (b'S', b's') | (b'C', b'S') | (b'Z', b'j') | (b'j', b'z') => 0.3,
        (b'i', b'j') | (b'C', b'c') | (b'c', b'z') | (b's', b'z') => 0.3,
        (b'g', b'k') => 0.3,
        (b'C', b'k') | (b'S', b'Z') | (b'g', b'j') => 0.45,
        (b'b', b'v') | (b'f', b'v') | (b'b', b'p') | (b'f', b'p') => 0.5,
        (b'd', b't') => 0.5,
        _ => 1.0,
    }
}

fn indel(c: u8, loose: bool, at_end: bool) -> f64 {
    if c == b'e' && at_end {
        // A silent final e: "Azure" / "Azur", "Shamjee" / "Shamji".
        0.3
    } else if is_vowel(c) {
        if loose {
            0.2
        } else {
            0.5
        }
    } else if c == b'h' {
        0.3
    } else if loose && c == b'r' && at_end {
        // Burmese romanisation marks long vowels with a final r ("Yadanar" = "Yadana").
        0.2
    } else {
        1.0
    }
}

/// Every cost above is a multiple of 0.05: the alignment adds them up in twentieths, as
/// integers, looked up in tables made once from `substitution` and `indel`.
const UNITS: f64 = 20.0;

fn units(cost: f64) -> u8 {
    (cost * UNITS).round() as u8
}

/// Costs in twentieths for ASCII symbols (phonetic symbols are ASCII but for letters the
/// romanisation left alone, which are costed by the functions).
struct Costs {
    substitution: Box<[[u8; 128]; 128]>,
    /// Inserting or deleting a symbol: inside a word, and at its end.
    indel: [[u8; 128]; 2],
}

impl Costs {
    fn new(loose: bool) -> Costs {
        let mut substitution = Box::new([[0u8; 128]; 128]);
        let mut indel_cost = [[0u8; 128]; 2];
        for a in 0..128u8 {
            for b in 0..128u8 {
                substitution[a as usize][b as usize] = units(self::substitution(a, b, loose));
            }
            indel_cost[0][a as usize] = units(indel(a, loose, false));
            indel_cost[1][a as usize] = units(indel(a, loose, true));
        }
        Costs {
            substitution,
            indel: indel_cost,
        }
    }

    fn of(loose: bool) -> &'static Costs {
        static TABLES: std::sync::OnceLock<[Costs; 2]> = std::sync::OnceLock::new();
        &TABLES.get_or_init(|| [Costs::new(false), Costs::new(true)])[usize::from(loose)]
    }

    fn substitute(&self, a: u8, b: u8, loose: bool) -> u32 {
        if a < 128 && b < 128 {
            u32::from(self.substitution[a as usize][b as usize])
        } else {
            u32::from(units(substitution(a, b, loose)))
        }
    }

    fn indel(&self, c: u8, loose: bool, at_end: bool) -> u32 {
        if c < 128 {
            u32::from(self.indel[usize::from(at_end)][c as usize])
        } else {
            u32::from(units(indel(c, loose, at_end)))
        }
    }
}

/// Weighted edit distance between two phonetic strings, in twentieths; stops early
/// (returning a value above `limit`) once every path costs more than `limit`.
fn distance(a: &[u8], b: &[u8], loose: bool, limit: u32) -> u32 {
    let costs = Costs::of(loose);
    // Two rows of the alignment and the cost of inserting each of b's symbols; on the
    // stack for words of ordinary length.
    const ON_STACK: usize = 48;
    let n = b.len();
    let mut stack = [0u32; 3 * ON_STACK];
    let mut heap = Vec::new();
    let cells: &mut [u32] = if n < ON_STACK {
        &mut stack[..3 * (n + 1)]
    } else {
        heap.resize(3 * (n + 1), 0);
        &mut heap
    };
    let (insert, rows) = cells.split_at_mut(n + 1);
    let (mut prev, mut cur) = rows.split_at_mut(n + 1);
    for (j, &c) in b.iter().enumerate() {
        insert[j] = costs.indel(c, loose, j + 1 == n);
    }
    prev[0] = 0;
    for j in 0..n {
        prev[j + 1] = prev[j] + insert[j];
    }
    for (i, &ca) in a.iter().enumerate() {
        let a_end = i + 1 == a.len();
        let delete = costs.indel(ca, loose, a_end);
        cur[0] = prev[0] + delete;
        let mut row_min = cur[0];
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + costs.substitute(ca, cb, loose);
            let v = sub.min(prev[j + 1] + delete).min(cur[j] + insert[j]);
            cur[j + 1] = v;
            row_min = row_min.min(v);
        }
        if a_end && n > 0 {
            // A word's last vowel often marks gender or number (Maria / Mario): two
            // different last vowels cost 0.6 unless vowels are loose anyway.
            let cb = b[n - 1];
            if !loose && ca != cb && is_vowel(ca) && is_vowel(cb) {
                let sub = prev[n - 1] + u32::from(units(0.6));
                cur[n] = sub.min(prev[n] + delete).min(cur[n - 1] + insert[n - 1]);
            }
        }
        if row_min > limit {
            return limit + 1;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[n]
}

/// Similarity of two Latin strings read phonetically.
pub fn latin_similarity(a: &str, b: &str, loose: bool) -> f64 {
    if a == b {
        return 1.0;
    }
    phonetic_similarity(&phonetic(a), &phonetic(b), loose)
}

/// Similarity of two phonetic strings; below 0.6 (which counts for nothing) it answers 0
/// without finishing the alignment.
pub fn phonetic_similarity(pa: &[u8], pb: &[u8], loose: bool) -> f64 {
    if pa == pb {
        return 0.98;
    }
    let len = pa.len().max(pb.len()).max(1);
    // sim >= 0.6 needs distance <= len / 4 (in twentieths, len * 5); each missing letter
    // costs at least 0.2 (4).
    let limit = len as u32 * 5;
    if pa.len().abs_diff(pb.len()) as u32 * 4 > limit {
        return 0.0;
    }
    let d = distance(pa, pb, loose, limit);
    if d > limit {
        return 0.0;
    }
    (1.0 - 1.6 * (f64::from(d) / UNITS) / len as f64).max(0.0)
}

/// Consonant classes for comparing with scripts that leave vowels out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cons {
    class: u8,
    optional: bool,
}

fn consonants(s: &str, abjad: bool) -> Vec<Cons> {
    let b = s.as_bytes();
    let mut out: Vec<Cons> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        let two = |p: &[u8]| rest.starts_with(p);
        let (class, optional, len) = if two(b"kh") || two(b"ch") {
            (b'K', abjad, 2)
        } else if two(b"sh") || two(b"ts") || two(b"tz") || two(b"zh") {
            (b'S', false, 2)
        } else if two(b"th") || two(b"dh") {
            (b'T', false, 2)
        } else if two(b"gh") {
            (b'G', false, 2)
        } else if two(b"ph") {
            (b'P', false, 2)
        } else {
            match rest[0] {
                b'a' | b'e' | b'i' | b'o' | b'u' | b'y' | b'h' => (0, true, 1),
                b'w' => {
                    if abjad {
                        (b'P', true, 1)
                    } else {
                        (0, true, 1)
                    }
                }
                b'v' => (b'P', abjad, 1),
                b'b' | b'p' | b'f' => (b'P', false, 1),
                b'k' | b'q' | b'c' => (b'K', false, 1),
                b'g' | b'j' => (b'G', false, 1),
                b'd' | b't' => (b'T', false, 1),
                b's' | b'z' => (b'S', false, 1),
                b'x' => (b'K', false, 1),
                c if c.is_ascii_digit() => (c, false, 1),
                c => (c, false, 1),
            }
        };
        i += len;
        if class == 0 {
            continue;
        }
        if let Some(last) = out.last() {
            if last.class == class && !optional && !last.optional {
                continue;
            }
        }
        out.push(Cons { class, optional });
    }
    out
}

/// Similarity of an abjad word's Latin form (`a`) and a Latin word (`b`) by consonants:
/// the abjad's vowel letters may be skipped, Latin vowels are ignored.
pub fn consonant_similarity(a: &str, b: &str) -> f64 {
    let ca = consonants(a, true);
    let cb: Vec<Cons> = consonants(b, false);
    let mandatory = ca.iter().filter(|c| !c.optional).count();
    let len = mandatory.max(cb.len());
    if len == 0 {
        return if ca.is_empty() && cb.is_empty() {
            0.8
        } else {
            0.0
        };
    }
    // DP: rows over a, columns over b.
    let mut prev: Vec<f64> = (0..=cb.len()).map(|j| j as f64).collect();
    let mut cur = vec![0.0; cb.len() + 1];
    for x in &ca {
        let skip = if x.optional { 0.0 } else { 1.0 };
        cur[0] = prev[0] + skip;
        for (j, y) in cb.iter().enumerate() {
            let sub = if x.class == y.class {
                0.0
            } else if x.optional {
                1.0
            } else if matches!((x.class, y.class), (b'K', b'G') | (b'G', b'K')) {
                0.5
            } else {
                1.0
            };
            cur[j + 1] = (prev[j] + sub).min(prev[j + 1] + skip).min(cur[j] + 1.0);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[cb.len()];
    let sim = (1.0 - 1.3 * d / len as f64).max(0.0);
    // One or two consonants say little: never certain.
    match len {
        1 => sim.min(0.9),
        2 => sim.min(0.95),
        _ => sim.min(0.97),
    }
}

/// Greek nominative endings, folded for comparison.
fn greek_stem(s: &str) -> &str {
    for end in ["os", "as", "is", "es", "ou"] {
        if s.len() > end.len() + 2 {
            if let Some(stem) = s.strip_suffix(end) {
                return stem;
            }
        }
    }
    s
}

/// A word as compared: the word itself, or a run of words written apart taken as one
/// (its letters run together and their phonetic symbols, worked out once).
#[derive(Debug, Clone, Copy)]
pub struct Spelling<'a> {
    pub text: &'a str,
    pub phon: &'a [u8],
    /// The word as it stands, not a run of words.
    pub single: bool,
}

impl<'a> Spelling<'a> {
    pub fn of(word: &'a Word) -> Spelling<'a> {
        Spelling {
            text: &word.text,
            phon: &word.phon,
            single: true,
        }
    }
}

/// How alike two words (or joined runs of words) are: `a` and `b` are the first words of
/// what is compared, `sa` and `sb` what is compared.
pub fn word_similarity(a: &Word, b: &Word, sa: Spelling<'_>, sb: Spelling<'_>) -> f64 {
    let (text_a, text_b) = (sa.text, sb.text);
    if let (Role::Generic(x), Role::Generic(y)) = (a.role, b.role) {
        if x == y {
            return 1.0;
        }
    }
    if a.key == b.key && sa.single && sb.single {
        return 1.0;
    }
    if a.script == Script::Han && b.script == Script::Han && sa.single && sb.single {
        // Different characters read alike are different names more often than not.
        return if a.text == b.text { 0.85 } else { 0.0 };
    }
    if a.role == Role::Initial || b.role == Role::Initial {
        let (i, other) = if a.role == Role::Initial {
            (text_a, text_b)
        } else {
            (text_b, text_a)
        };
        return if other.starts_with(i) { 0.9 } else { 0.0 };
    }
    let phonetic_alike = |loose: bool| {
        if text_a == text_b {
            1.0
        } else {
            phonetic_similarity(sa.phon, sb.phon, loose)
        }
    };
    let abjad_a = a.script == Script::Abjad;
    let abjad_b = b.script == Script::Abjad;
    if abjad_a != abjad_b {
        let (x, y) = if abjad_a {
            (text_a, text_b)
        } else {
            (text_b, text_a)
        };
        return consonant_similarity(x, y).max(phonetic_alike(true) * 0.9);
    }
    // Romanisations of other scripts disagree mostly about vowels.
    let loose = a.script.loose_vowels() || b.script.loose_vowels() || a.script != b.script;
    let sim = phonetic_alike(loose);
    if a.script == Script::Greek || b.script == Script::Greek {
        return sim.max(latin_similarity(
            greek_stem(text_a),
            greek_stem(text_b),
            true,
        ));
    }
    sim
}

/// The phonetic key of a Latin word (for the index).
pub fn phonetic_key(s: &str) -> Vec<u8> {
    let mut key = phonetic(s);
    key.retain(|c| !is_vowel(*c));
    key.dedup();
    key
}

/// The consonant keys of a word (for the index): the mandatory consonants, and for abjad
/// words also with the optional ones.
pub fn consonant_key(s: &str, abjad: bool) -> Vec<Vec<u8>> {
    let cons = consonants(s, abjad);
    let mandatory: Vec<u8> = cons
        .iter()
        .filter(|c| !c.optional)
        .map(|c| c.class)
        .collect();
    let mut out = vec![mandatory.clone()];
    if abjad {
        let all: Vec<u8> = cons.iter().map(|c| c.class).collect();
        if all != mandatory {
            out.push(all);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn romanisation_variants_are_alike() {
        assert!(latin_similarity("levitsky", "levitskiy", false) > 0.95);
        assert!(latin_similarity("khoury", "khouri", false) > 0.95);
        assert!(latin_similarity("kipkorir", "kipkorrir", false) > 0.95);
        assert!(latin_similarity("zhelvinsky", "jelvinskiy", false) > 0.9);
        assert!(latin_similarity("zavyalov", "zavjalov", false) > 0.9);
        assert!(latin_similarity("abdalla", "abdulla", false) > 0.9);
    }

    #[test]
    fn other_consonants_are_not() {
        assert!(latin_similarity("wanjiru", "wanjiku", false) < 0.8);
        assert!(latin_similarity("lixing", "lixin", false) < 0.8);
        assert!(latin_similarity("mining", "dining", false) < 0.8);
        assert!(latin_similarity("traore", "toure", false) < 0.8);
    }

    #[test]
    fn every_cost_is_a_whole_number_of_twentieths() {
        for loose in [false, true] {
            for a in 0..=255u8 {
                for at_end in [false, true] {
                    let c = indel(a, loose, at_end) * UNITS;
                    assert!((c - c.round()).abs() < 1e-9, "indel {a} {loose}");
                }
                for b in 0..=255u8 {
                    let c = substitution(a, b, loose) * UNITS;
                    assert!((c - c.round()).abs() < 1e-9, "substitution {a} {b}");
                }
            }
        }
    }

    /// The alignment written plainly, the whole table in floating point.
    fn plain_distance(a: &[u8], b: &[u8], loose: bool) -> f64 {
        let (m, n) = (a.len(), b.len());
        let mut d = vec![vec![0.0; n + 1]; m + 1];
        for j in 1..=n {
            d[0][j] = d[0][j - 1] + indel(b[j - 1], loose, j == n);
        }
        for i in 1..=m {
            d[i][0] = d[i - 1][0] + indel(a[i - 1], loose, i == m);
            for j in 1..=n {
                let (ca, cb) = (a[i - 1], b[j - 1]);
                let last = i == m && j == n && ca != cb && is_vowel(ca) && is_vowel(cb);
                let sub = if last && !loose {
                    0.6
                } else {
                    substitution(ca, cb, loose)
                };
                d[i][j] = (d[i - 1][j - 1] + sub)
                    .min(d[i - 1][j] + indel(ca, loose, i == m))
                    .min(d[i][j - 1] + indel(cb, loose, j == n));
            }
        }
        d[m][n]
    }

    #[test]
    fn the_alignment_is_the_plain_one() {
        let words = [
            "levitsky",
            "levitskiy",
            "khoury",
            "khouri",
            "maria",
            "mario",
            "wanjiru",
            "wanjiku",
            "zhelvinsky",
            "jelvinskiy",
            "abdalla",
            "abdulla",
            "traore",
            "toure",
            "yadanar",
            "yadana",
            "shamjee",
            "shamji",
            "azure",
            "azur",
            "a",
            "ae",
            "ngo",
            "nguyen",
            "",
        ];
        for loose in [false, true] {
            for x in words {
                for y in words {
                    let (px, py) = (phonetic(x), phonetic(y));
                    let plain = plain_distance(&px, &py, loose);
                    let fast = f64::from(distance(&px, &py, loose, u32::MAX - 1)) / UNITS;
                    assert!((plain - fast).abs() < 1e-9, "{x} / {y}: {plain} vs {fast}");
                }
            }
        }
    }

    #[test]
    fn abjad_words_match_by_consonants() {
        assert!(consonant_similarity("mhmd", "mohamed") > 0.9);
        assert!(consonant_similarity("dvd", "david") > 0.9);
        assert!(consonant_similarity("msh", "moshe") > 0.85);
        assert!(consonant_similarity("tsfryrym", "zafririm") > 0.9);
        assert!(consonant_similarity("hdr", "cheder") < 0.8);
        assert!(consonant_similarity("rymvn", "limon") < 0.8);
    }
}
