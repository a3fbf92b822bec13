//! A name read for matching: its variants (the name as written, without annotations, and
//! the former names it carries: "MV Karachi Crescent (ex Mandvi Bay)"), and for each
//! variant its words classified as distinctive, generic, legal form, number and so on.

use crate::lexicon::{Class, Lexicon};
use crate::token::{tokenize, Token};
use crate::translit::Script;
use crate::Kind;

/// What a word of a name is for scoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A word that identifies: a proper name, a made-up word, a place.
    Distinctive,
    /// A generic word of organisation names (trading, shipping, metal), by concept.
    Generic(u16),
    /// A single letter of a person's name, read as an initial.
    Initial,
}

/// A word that takes part in matching.
#[derive(Debug, Clone)]
pub struct Word {
    pub text: Box<str>,
    /// The text as phonetic symbols (see `similarity`).
    pub phon: Box<[u8]>,
    pub key: Box<str>,
    pub script: Script,
    pub role: Role,
}

impl Word {
    pub fn new(text: String, key: String, script: Script, role: Role) -> Word {
        Word {
            phon: crate::similarity::phonetic(&text).into_boxed_slice(),
            text: text.into_boxed_str(),
            key: key.into_boxed_str(),
            script,
            role,
        }
    }

    /// What the word counts for when it is matched: generic words little.
    pub fn weight(&self) -> f64 {
        match self.role {
            Role::Distinctive => 1.0,
            Role::Generic(_) => 0.45,
            Role::Initial => 0.5,
        }
    }

    /// What the word counts against when the other name lacks it: a business word on one
    /// side only ("Holdings", "Sons" vs "Daughters") tells companies apart as much as a
    /// proper name does.
    pub fn miss_weight(&self) -> f64 {
        match self.role {
            Role::Distinctive | Role::Generic(_) => 1.0,
            Role::Initial => 0.5,
        }
    }
}

/// One way of reading a name.
#[derive(Debug, Clone)]
pub struct Variant {
    pub words: Vec<Word>,
    /// Numbers in the name (digits, number words, Roman numerals, Hebrew letter numerals).
    pub numbers: Vec<u32>,
    /// Legal forms, as lexicon indices.
    pub legal: Vec<u16>,
    /// Carries a vessel prefix (MV, M/T…).
    pub vessel_marker: bool,
    /// A former name ("ex", "f.k.a.", "formerly").
    pub former: bool,
    /// The name without its annotations (parentheses, a trailing ", port", a branch).
    pub stripped: bool,
    /// The text this variant was read from.
    pub text: Box<str>,
}

/// A name with its variants.
#[derive(Debug, Clone)]
pub struct Name {
    pub raw: Box<str>,
    pub variants: Vec<Variant>,
}

const FORMER_MARKERS: &[&str] = &[
    "formerly known as",
    "previously known as",
    "formerly",
    "previously",
    "f.k.a.",
    "f/k/a",
    "fka",
    "f.k.a",
    "ex-",
    "ex.",
    "ex",
];

/// Finds a former-name marker in `lower` as a whole word at byte `at`; returns its length.
fn marker_at(lower: &str, at: usize) -> Option<usize> {
    let before_ok = at == 0
        || lower[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_whitespace() || c == '(' || c == ',' || c == ';');
    if !before_ok {
        return None;
    }
    for m in FORMER_MARKERS {
        if let Some(rest) = lower[at..].strip_prefix(m) {
            let after_ok = m.ends_with('-')
                || m.ends_with('.')
                || rest
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_whitespace() || c == ':' || c == '-');
            if after_ok {
                return Some(m.len());
            }
        }
    }
    None
}

/// Splits "A (ex B, ex C)" / "A ex B" / "A, f.k.a. B" into the current name, its
/// annotations (other parenthesised text) and its former names.
fn split_formers(raw: &str) -> Split {
    let mut current = String::new();
    let mut inline = String::new();
    let mut annotations = Vec::new();
    let mut formers = Vec::new();
    // Parentheses first.
    let mut rest = raw;
    while let Some(open) = rest.find(['(', '[']) {
        let close_char = if rest[open..].starts_with('(') {
            ')'
        } else {
            ']'
        };
        current.push_str(&rest[..open]);
        inline.push_str(&rest[..open]);
        let inner_start = open + 1;
        let Some(close) = rest[inner_start..].find(close_char) else {
            // Unbalanced: read the rest as text.
            current.push_str(&rest[inner_start..]);
            inline.push_str(&rest[inner_start..]);
            rest = "";
            break;
        };
        let inner = &rest[inner_start..inner_start + close];
        let lower = inner.to_lowercase();
        let trimmed = lower.trim_start();
        let offset = lower.len() - trimmed.len();
        if let Some(len) = marker_at(trimmed, 0) {
            for part in split_list(&inner[offset + len..]) {
                formers.push(part);
            }
            inline.push(' ');
        } else {
            annotations.push(inner.to_owned());
            inline.push(' ');
            inline.push_str(inner);
            inline.push(' ');
        }
        current.push(' ');
        rest = &rest[inner_start + close + 1..];
    }
    current.push_str(rest);
    inline.push_str(rest);
    // Markers outside parentheses: the first one ends the current name.
    let (current, more) = cut_at_marker(current);
    let (inline, _) = cut_at_marker(inline);
    formers.extend(more);
    Split {
        current,
        inline,
        annotations,
        formers,
    }
}

/// A name taken apart: the current name without parenthesised text, the same with the
/// annotations left in place, the annotations, the former names.
struct Split {
    current: String,
    inline: String,
    annotations: Vec<String>,
    formers: Vec<String>,
}

/// Cuts a name at the first former-name marker outside parentheses ("X ex Y", "X, f.k.a.
/// Y"), if a name precedes it.
fn cut_at_marker(text: String) -> (String, Vec<String>) {
    let lower = text.to_lowercase();
    let mut cut = None;
    for (i, _) in lower.char_indices() {
        if i == 0 {
            continue;
        }
        if let Some(len) = marker_at(&lower, i) {
            cut = Some((i, len));
            break;
        }
    }
    if let Some((i, len)) = cut {
        let head = text[..i]
            .trim()
            .trim_end_matches([',', ';'])
            .trim()
            .to_owned();
        if !head.is_empty() {
            return (head, split_list(&text[i + len..]));
        }
    }
    (text, Vec::new())
}

/// "X, ex Y, 2019" → ["X", "Y"]: splits a list of former names, dropping years and "until
/// YEAR".
fn split_list(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in text.split([',', ';']) {
        let mut part = part.trim().to_owned();
        let lower = part.to_lowercase();
        let lower = lower.trim_start();
        if let Some(len) = marker_at(lower, 0) {
            part = part.trim_start()[len..].trim().to_owned();
        }
        let words: Vec<&str> = part.split_whitespace().filter(|w| !is_year(w)).collect();
        let mut words = words;
        while words
            .last()
            .is_some_and(|w| matches!(w.to_lowercase().as_str(), "until" | "till" | "to" | "in"))
        {
            words.pop();
        }
        let joined = words.join(" ");
        if joined.chars().any(char::is_alphanumeric) && !is_year(&joined) {
            out.push(joined);
        }
    }
    out
}

fn is_year(w: &str) -> bool {
    let w = w.trim_matches(|c: char| !c.is_alphanumeric());
    w.len() == 4
        && (w.starts_with("19") || w.starts_with("20"))
        && w.bytes().all(|b| b.is_ascii_digit())
}

/// Drops a leading party label ("BENEFICIARY:", "FIELD 59:").
fn strip_label(raw: &str) -> &str {
    if let Some(colon) = raw.find(':') {
        let label = &raw[..colon];
        if !label.is_empty()
            && label.chars().count() <= 25
            && label
                .chars()
                .all(|c| c.is_alphanumeric() || c == ' ' || c == '_' || c == '-')
            && raw[colon + 1..].trim().chars().any(char::is_alphanumeric)
        {
            return raw[colon + 1..].trim_start();
        }
    }
    raw
}

/// Hebrew letter numerals ("ב׳" = 2) and Chinese/Japanese ordinals ("第十八" = 18) become
/// digits before tokenising.
fn rewrite_numerals(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // Hebrew: a lone letter followed by geresh.
        if let Some(v) = hebrew_numeral(c) {
            let alone_before = i == 0 || !chars[i - 1].is_alphanumeric();
            let geresh = matches!(chars.get(i + 1), Some('\u{05F3}') | Some('\''));
            let alone_after = chars.get(i + 2).is_none_or(|c| !c.is_alphanumeric());
            if alone_before && geresh && alone_after {
                out.push(' ');
                out.push_str(&v.to_string());
                out.push(' ');
                i += 2;
                continue;
            }
        }
        if c == '第' {
            let mut j = i + 1;
            while j < chars.len() && cjk_digit(chars[j]).is_some() {
                j += 1;
            }
            if j > i + 1 {
                if let Some(n) = cjk_number(&chars[i + 1..j]) {
                    out.push(' ');
                    out.push_str(&n.to_string());
                    out.push(' ');
                    i = j;
                    continue;
                }
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

fn hebrew_numeral(c: char) -> Option<u32> {
    let letters = "אבגדהוזחטי";
    letters.chars().position(|l| l == c).map(|p| p as u32 + 1)
}

fn cjk_digit(c: char) -> Option<u32> {
    "〇一二三四五六七八九十百千"
        .chars()
        .position(|d| d == c)
        .map(|p| match p {
            10 => 10,
            11 => 100,
            12 => 1000,
            p => p as u32,
        })
}

fn cjk_number(chars: &[char]) -> Option<u32> {
    let mut total = 0u32;
    let mut current = 0u32;
    for &c in chars {
        let d = cjk_digit(c)?;
        if d >= 10 {
            total += current.max(1) * d;
            current = 0;
        } else {
            current = current * 10 + d;
        }
    }
    Some(total + current)
}

fn roman(s: &str) -> Option<u32> {
    const TABLE: &[(&str, u32)] = &[
        ("i", 1),
        ("ii", 2),
        ("iii", 3),
        ("iv", 4),
        ("v", 5),
        ("vi", 6),
        ("vii", 7),
        ("viii", 8),
        ("ix", 9),
        ("x", 10),
        ("xi", 11),
        ("xii", 12),
        ("xiii", 13),
        ("xiv", 14),
        ("xv", 15),
        ("xvi", 16),
        ("xvii", 17),
        ("xviii", 18),
        ("xix", 19),
        ("xx", 20),
    ];
    TABLE.iter().find(|(r, _)| *r == s).map(|(_, v)| *v)
}

/// Reads one variant's text into classified words.
fn read_variant(text: &str, kind: Kind, lex: &Lexicon) -> Variant {
    let tokens: Vec<Token> = tokenize(&rewrite_numerals(text));
    let mut v = Variant {
        words: Vec::new(),
        numbers: Vec::new(),
        legal: Vec::new(),
        vessel_marker: false,
        former: false,
        stripped: false,
        text: text.trim().into(),
    };
    let keys: Vec<&str> = tokens.iter().map(|t| t.key.as_str()).collect();
    let mut i = 0;
    // A company name's leading "MS" or "MT" is initials, not a vessel prefix.
    let has_legal = (1..tokens.len()).any(|j| legal_at(lex, &keys, j));
    while i < tokens.len() {
        let matched = lex.longest_at(&keys, i);
        let t = &tokens[i];
        match matched {
            Some((len, Class::Legal(_)))
                if !(i == 0
                    || i + len == tokens.len()
                    || legal_at(lex, &keys, i + len)
                    || !v.legal.is_empty() && i > 0 && legal_ends_at(lex, &keys, i)) =>
            {
                // A legal form stands at the start or the end of a name; in the middle
                // the same letters are a word ("T/B CHAO LE 8").
                v.words.push(distinctive(t));
                i += 1;
            }
            Some((len, Class::Vessel))
                if has_legal
                    || !(i == 0
                        && tokens
                            .get(i + len)
                            .is_none_or(|next| next.text.chars().count() > 1)) =>
            {
                // A vessel prefix opens a name and is followed by a word ("M.T.T." is
                // initials).
                for t in &tokens[i..i + len] {
                    v.words.push(distinctive(t));
                }
                i += len;
            }
            Some((len, class)) => {
                match class {
                    Class::Legal(f) => v.legal.push(f),
                    Class::Generic(c) => v.words.push(Word::new(
                        tokens[i..i + len].iter().map(|t| t.text.as_str()).collect(),
                        keys[i..i + len].join(" "),
                        t.script,
                        Role::Generic(c),
                    )),
                    Class::Stop => {}
                    Class::Title => {
                        if kind == Kind::Person || kind == Kind::Any {
                            // A title says nothing about identity.
                        } else {
                            for t in &tokens[i..i + len] {
                                v.words.push(distinctive(t));
                            }
                        }
                    }
                    Class::Vessel => v.vessel_marker = true,
                    Class::NumberWord => {}
                    Class::Number(n) => v.numbers.push(n),
                }
                i += len;
            }
            None => {
                if t.is_number() {
                    if let Ok(n) = t.text.parse::<u32>() {
                        v.numbers.push(n);
                    }
                } else if let Some(n) = roman(&t.text).filter(|_| {
                    kind != Kind::Person
                        && t.script == Script::Latin
                        && i > 0
                        && (t.text.len() > 1 || i + 1 == tokens.len())
                }) {
                    v.numbers.push(n);
                } else if t.text.len() == 1
                    && t.script == Script::Latin
                    && matches!(kind, Kind::Person | Kind::Any)
                {
                    v.words.push(Word::new(
                        t.text.clone(),
                        t.key.clone(),
                        t.script,
                        Role::Initial,
                    ));
                } else {
                    v.words.push(distinctive(t));
                }
                i += 1;
            }
        }
    }
    v.numbers.sort_unstable();
    v.numbers.dedup();
    v
}

/// Whether a legal form starts at token `i`.
fn legal_at(lex: &Lexicon, keys: &[&str], i: usize) -> bool {
    lex.phrases_at(keys, i)
        .any(|(_, c)| matches!(c, Class::Legal(_)))
}

/// Whether a legal form ends just before token `i`.
fn legal_ends_at(lex: &Lexicon, keys: &[&str], i: usize) -> bool {
    (1..=lex.max_len().min(i))
        .any(|len| matches!(lex.lookup(&keys[i - len..i]), Some(Class::Legal(_))))
}

fn distinctive(t: &Token) -> Word {
    Word::new(t.text.clone(), t.key.clone(), t.script, Role::Distinctive)
}

/// Whether an annotation names a country ("Thailand", "UK", "Hong Kong").
fn names_country(text: &str) -> bool {
    let t = text.trim();
    dossier_model::country_by_name(t).is_some()
        || (t.len() == 2
            && t.chars().all(|c| c.is_ascii_uppercase())
            && dossier_model::country_by_code(t).is_some())
}

/// Cuts a trailing ", Santos" / ", port d'Abidjan" / " - Malindi Branch" annotation off an
/// organisation or vessel name, unless it is the legal form.
fn strip_tail(current: &str, lex: &Lexicon) -> Option<String> {
    let lower = current.to_lowercase();
    if let Some(pos) = lower.find(" - ").filter(|_| lower.contains("branch")) {
        return Some(current[..pos].to_owned());
    }
    // "… c/o Agent, City": what follows "c/o" is someone else's address.
    for marker in [" c/o ", " care of ", " attn ", " attn: "] {
        if let Some(pos) = lower.find(marker) {
            return Some(current[..pos].to_owned());
        }
    }
    // The first comma after which more than a legal form follows starts an address or a
    // port: "Tidewell Process Equipment Inc, 12250 Brevard Ln, Pasadena TX".
    let mut search = 0;
    while let Some(off) = current[search..].find(',') {
        let comma = search + off;
        let next = current[comma + 1..]
            .find(',')
            .map_or(current.len(), |n| comma + 1 + n);
        if !only_legal_form(&current[comma + 1..next], lex) {
            return Some(current[..comma].to_owned());
        }
        search = comma + 1;
    }
    None
}

/// Whether a piece of a name is nothing but a legal form (and function words).
fn only_legal_form(text: &str, lex: &Lexicon) -> bool {
    let tokens = tokenize(text);
    let keys: Vec<&str> = tokens.iter().map(|t| t.key.as_str()).collect();
    let mut i = 0;
    while i < keys.len() {
        match lex
            .phrases_at(&keys, i)
            .find(|(_, c)| matches!(c, Class::Legal(_) | Class::Stop))
        {
            Some((len, _)) => i += len,
            None => return false,
        }
    }
    true
}

/// Drops a voyage number from a vessel name ("HALVERSTONE SPIRIT V.214W").
fn strip_voyage(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let kept: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| {
            let w = w.trim_matches(|c: char| c == ',' || c == ';');
            let Some(rest) = w.strip_prefix(['V', 'v']) else {
                return true;
            };
            let rest = rest.trim_start_matches('.');
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            let tail = &rest[digits..];
            !(digits >= 2 && tail.len() <= 1 && tail.chars().all(|c| c.is_ascii_alphabetic()))
        })
        .collect();
    kept.join(" ")
}

impl Name {
    pub fn parse(raw: &str, kind: Kind) -> Name {
        let lex = Lexicon::bundled();
        let text = strip_label(raw.trim());
        let mut variants = Vec::new();
        let Split {
            current,
            inline,
            annotations,
            formers,
        } = if kind == Kind::Person {
            Split {
                current: text.to_owned(),
                inline: text.to_owned(),
                annotations: Vec::new(),
                formers: Vec::new(),
            }
        } else {
            split_formers(text)
        };
        let full = read_variant(&inline, kind, lex);
        let had_annotations = !annotations.is_empty();
        variants.push(full);
        if kind != Kind::Person {
            let tail = strip_tail(&current, lex);
            let mut core = tail.unwrap_or_else(|| current.clone());
            if kind == Kind::Vessel {
                core = strip_voyage(&core);
            }
            if kind != Kind::Vessel {
                // "(Thailand)" marks a subsidiary, not an annotation: a company keeps it.
                for a in annotations.iter().filter(|a| names_country(a)) {
                    core.push(' ');
                    core.push_str(a);
                }
            }
            if had_annotations || core != current {
                let mut stripped = read_variant(&core, kind, lex);
                stripped.stripped = true;
                if !stripped.words.is_empty() {
                    variants.push(stripped);
                }
            }
        }
        for f in formers {
            let mut v = read_variant(&f, kind, lex);
            v.former = true;
            if !v.words.is_empty() {
                variants.push(v);
            }
        }
        variants.shrink_to_fit();
        for v in &mut variants {
            v.words.shrink_to_fit();
            v.numbers.shrink_to_fit();
            v.legal.shrink_to_fit();
        }
        Name {
            raw: raw.into(),
            variants,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn former_names_are_split_out() {
        let split = |s: &str| {
            let x = split_formers(s);
            (x.current, x.annotations, x.formers)
        };
        let (cur, ann, formers) = split("MV Karachi Crescent (ex Mandvi Bay, ex Wanshan Pearl)");
        assert_eq!(cur.trim(), "MV Karachi Crescent");
        assert!(ann.is_empty());
        assert_eq!(formers, ["Mandvi Bay", "Wanshan Pearl"]);
        let (cur, _, formers) = split("Theodosia K (ex-Lindos Harrier until 2019)");
        assert_eq!(cur.trim(), "Theodosia K");
        assert_eq!(formers, ["Lindos Harrier"]);
        let (cur, _, formers) =
            split("BEIRUT CEDAR TRADING SAL, f.k.a. LEBANON CEDAR IMPORT EXPORT SAL");
        assert_eq!(cur, "BEIRUT CEDAR TRADING SAL");
        assert_eq!(formers, ["LEBANON CEDAR IMPORT EXPORT SAL"]);
        let (cur, _, formers) = split("Kalliopi Dawn ex Orion Tanager");
        assert_eq!(cur, "Kalliopi Dawn");
        assert_eq!(formers, ["Orion Tanager"]);
        let (cur, ann, formers) = split("Exxon Trading (Malta)");
        assert_eq!(cur.trim(), "Exxon Trading");
        assert_eq!(ann, ["Malta"]);
        assert!(formers.is_empty());
        assert_eq!(
            split_formers("Msasani Fisheries (T) Ltd")
                .inline
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["Msasani", "Fisheries", "T", "Ltd"]
        );
    }

    #[test]
    fn legal_forms_stand_at_the_edges() {
        let name = Name::parse("T/B CHAO LE 8, Sihanoukville", Kind::Vessel);
        assert!(name.variants[0].legal.is_empty());
        let name = Name::parse("ChAO Zhitomirskiy Kafelnyi Zavod", Kind::Organization);
        assert_eq!(name.variants[0].legal.len(), 1);
        let name = Name::parse("Spedycja Wisłoujście Sp. z o.o. Sp. k.", Kind::Organization);
        assert_eq!(name.variants[0].legal.len(), 2);
    }

    #[test]
    fn numerals_in_other_scripts() {
        assert_eq!(
            rewrite_numerals("מגדלי הרדוף ב׳ בע״מ")
                .split_whitespace()
                .nth(2),
            Some("2")
        );
        assert!(rewrite_numerals("第十八星風丸").contains("18"));
        assert!(rewrite_numerals("第八星風丸").contains(" 8 "));
        assert_eq!(
            strip_label("BENEFICIARY: Sarıkaya Hububat"),
            "Sarıkaya Hububat"
        );
        assert_eq!(strip_label("FIELD 59: BLACKWOOD"), "BLACKWOOD");
    }
}
