//! The word lists names are read with: organisation legal forms (with the jurisdictions
//! that have them), generic words of organisation names with their translations, function
//! words, titles and honorifics, vessel prefixes and number words. They are the project's
//! own data files (`data/legal_forms.tsv`, `data/terms.tsv`), compiled in.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::token::tokenize;

const LEGAL_FORMS: &str = include_str!("../data/legal_forms.tsv");
/// Term files: English first, then translations by language group.
const TERMS: &[(&str, &str)] = &[
    ("terms-en.tsv", include_str!("../data/terms-en.tsv")),
    ("terms-europe.tsv", include_str!("../data/terms-europe.tsv")),
    (
        "terms-middle-east.tsv",
        include_str!("../data/terms-middle-east.tsv"),
    ),
    ("terms-asia.tsv", include_str!("../data/terms-asia.tsv")),
];

/// What a phrase of a name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A legal form; index into [`Lexicon::forms`].
    Legal(u16),
    /// A generic word of organisation names; index into [`Lexicon::concepts`].
    Generic(u16),
    /// A function word ("and", "of", "de").
    Stop,
    /// A title or honorific before a person's name.
    Title,
    /// A vessel prefix ("MV", "M/T").
    Vessel,
    /// The word before a number ("No.", "Nr."): dropped.
    NumberWord,
    /// A number word.
    Number(u32),
}

/// A legal form and where it exists.
#[derive(Debug, Clone)]
pub struct Form {
    pub id: String,
    /// ISO 3166 alpha-2 codes; empty for forms used everywhere (Ltd, LLC, Inc).
    pub jurisdictions: Vec<String>,
}

impl Form {
    /// Two legal forms are incompatible when both are national forms and no jurisdiction
    /// has both: a GmbH and a Sdn. Bhd. of the same name are different companies.
    pub fn conflicts(&self, other: &Form) -> bool {
        !self.jurisdictions.is_empty()
            && !other.jurisdictions.is_empty()
            && !self
                .jurisdictions
                .iter()
                .any(|j| other.jurisdictions.contains(j))
    }
}

/// A problem in a lexicon file (the files are compiled in; a test keeps them clean).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconError {
    pub file: &'static str,
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Lexicon {
    phrases: FxHashMap<String, Class>,
    /// First word of a phrase → the longest phrase it starts, in tokens: most words of a
    /// name start none, and are passed over with one lookup.
    first_words: FxHashMap<String, usize>,
    /// The longest phrase, in words.
    max_len: usize,
    pub forms: Vec<Form>,
    pub concepts: Vec<String>,
    pub errors: Vec<LexiconError>,
}

/// Joins token keys into a phrase key.
pub fn phrase_key<'a>(keys: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for (i, k) in keys.enumerate() {
        if i > 0 {
            out.push('\u{1F}');
        }
        out.push_str(k);
    }
    out
}

impl Lexicon {
    /// The compiled-in lexicon.
    pub fn bundled() -> &'static Lexicon {
        static LEXICON: OnceLock<Lexicon> = OnceLock::new();
        LEXICON.get_or_init(|| {
            let mut files = vec![("legal_forms.tsv", LEGAL_FORMS)];
            files.extend_from_slice(TERMS);
            Lexicon::parse(&files)
        })
    }

    /// Parses lexicon files: `legal_forms.tsv` first (form, jurisdictions, variants), then
    /// term files (concept, kind, variants).
    pub fn parse(files: &[(&'static str, &str)]) -> Lexicon {
        let mut lex = Lexicon::default();
        let mut concepts: FxHashMap<String, u16> = FxHashMap::default();
        for &(file, text) in files {
            for (n, line) in text.lines().enumerate() {
                let line_no = n + 1;
                let trimmed = line.trim_end_matches('\r');
                if trimmed.trim().is_empty() || trimmed.trim_start().starts_with('#') {
                    continue;
                }
                let cols: Vec<&str> = trimmed.split('\t').collect();
                let mut error = |message: String| {
                    lex.errors.push(LexiconError {
                        file,
                        line: line_no,
                        message,
                    })
                };
                if cols.len() != 3 {
                    error(format!(
                        "expected 3 tab-separated columns, found {}",
                        cols.len()
                    ));
                    continue;
                }
                let class = if file == "legal_forms.tsv" {
                    let jurisdictions = if cols[1].trim() == "*" {
                        Vec::new()
                    } else {
                        cols[1]
                            .split(',')
                            .map(|j| j.trim().to_ascii_uppercase())
                            .filter(|j| !j.is_empty())
                            .collect()
                    };
                    lex.forms.push(Form {
                        id: cols[0].trim().to_owned(),
                        jurisdictions,
                    });
                    Class::Legal((lex.forms.len() - 1) as u16)
                } else {
                    match cols[1].trim() {
                        "generic" => {
                            let next = concepts.len() as u16;
                            let id = *concepts.entry(cols[0].trim().to_owned()).or_insert(next);
                            if id == next {
                                lex.concepts.push(cols[0].trim().to_owned());
                            }
                            Class::Generic(id)
                        }
                        "stop" => Class::Stop,
                        "title" => Class::Title,
                        "vessel" if cols[0].trim() == "no" => Class::NumberWord,
                        "vessel" => Class::Vessel,
                        "number" => match cols[0].trim().parse::<u32>() {
                            Ok(n) => Class::Number(n),
                            Err(_) => {
                                error(format!("number concept {:?} is not a number", cols[0]));
                                continue;
                            }
                        },
                        other => {
                            error(format!("unknown kind {other:?}"));
                            continue;
                        }
                    }
                };
                for variant in cols[2].split('|') {
                    let tokens = tokenize(variant);
                    if tokens.is_empty() {
                        continue;
                    }
                    let key = phrase_key(tokens.iter().map(|t| t.key.as_str()));
                    let longest = lex.first_words.entry(tokens[0].key.clone()).or_insert(0);
                    *longest = (*longest).max(tokens.len());
                    lex.max_len = lex.max_len.max(tokens.len());
                    if let Some(previous) = lex.phrases.get(&key) {
                        if *previous != class {
                            lex.errors.push(LexiconError {
                                file,
                                line: line_no,
                                message: format!("{variant:?} is listed twice"),
                            });
                        }
                        continue;
                    }
                    lex.phrases.insert(key, class);
                }
            }
        }
        lex
    }

    /// The class of exactly this phrase.
    pub fn lookup(&self, keys: &[&str]) -> Option<Class> {
        let first = keys.first()?;
        if self.first_words.get(*first).is_none_or(|&n| keys.len() > n) {
            return None;
        }
        self.phrases.get(&phrase_key(keys.iter().copied())).copied()
    }

    /// The phrases starting at word `i` of `keys`, longest first, with their length.
    pub fn phrases_at<'a>(
        &'a self,
        keys: &'a [&str],
        i: usize,
    ) -> impl Iterator<Item = (usize, Class)> + 'a {
        let longest = keys
            .get(i)
            .and_then(|k| self.first_words.get(*k))
            .map_or(0, |&n| n.min(keys.len() - i));
        (1..=longest)
            .rev()
            .filter_map(move |len| self.lookup(&keys[i..i + len]).map(|c| (len, c)))
    }

    /// The longest phrase starting at word `i` of `keys`.
    pub fn longest_at(&self, keys: &[&str], i: usize) -> Option<(usize, Class)> {
        self.phrases_at(keys, i).next()
    }

    /// The longest phrase, in words.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    pub fn form(&self, id: u16) -> Option<&Form> {
        self.forms.get(id as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_lexicon_is_clean() {
        let lex = Lexicon::bundled();
        assert!(lex.errors.is_empty(), "{:#?}", lex.errors);
        assert!(lex.forms.len() > 100);
        assert!(lex.concepts.len() > 150);
    }

    #[test]
    fn broken_lines_are_reported_with_their_line() {
        let lex = Lexicon::parse(&[
            ("legal_forms.tsv", "ltd\t*\tLtd|Limited\ngmbh\tDE\n"),
            (
                "terms.tsv",
                "trading\tgeneric\tTrading\nx\tnonsense\tY\nten\tnumber\t10\n",
            ),
        ]);
        assert_eq!(lex.errors.len(), 3, "{:?}", lex.errors);
        assert_eq!(lex.errors[0].file, "legal_forms.tsv");
        assert_eq!(lex.errors[0].line, 2);
        assert_eq!(lex.errors[1].line, 2);
        assert!(lex.errors[2].message.contains("not a number"));
        assert_eq!(lex.lookup(&["limited"]), Some(Class::Legal(0)));
    }

    #[test]
    fn national_forms_of_different_countries_conflict() {
        let de = Form {
            id: "gmbh".into(),
            jurisdictions: vec!["DE".into(), "AT".into()],
        };
        let my = Form {
            id: "sdn_bhd".into(),
            jurisdictions: vec!["MY".into()],
        };
        let any = Form {
            id: "ltd".into(),
            jurisdictions: vec![],
        };
        assert!(de.conflicts(&my));
        assert!(!de.conflicts(&any));
        assert!(!de.conflicts(&de));
    }
}
