//! Mentions of known entities: every name and alias of a gazetteer (the store's names, any
//! script) found in a text on word boundaries, longest first, with case rules that keep
//! short and common-looking names from matching ordinary words; a name several entities
//! share is reported with all of them, as ambiguous.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Serialize;

/// One name of a known entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GazetteerName {
    pub name: String,
    pub entity: String,
    pub kind: String,
}

impl GazetteerName {
    pub fn new(name: &str, entity: &str, kind: &str) -> GazetteerName {
        GazetteerName {
            name: name.to_owned(),
            entity: entity.to_owned(),
            kind: kind.to_owned(),
        }
    }
}

/// Names to look for, built once and used for many texts.
#[derive(Debug)]
pub struct Gazetteer {
    matcher: Option<AhoCorasick>,
    /// Per pattern: the name as listed and the entities using it.
    patterns: Vec<(String, Vec<(String, String)>)>,
}

/// A candidate entity of a mention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    pub entity: String,
    pub kind: String,
}

/// A name found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The gazetteer's spelling of the name.
    pub name: String,
    pub candidates: Vec<Candidate>,
    pub ambiguous: bool,
}

impl Gazetteer {
    pub fn new(names: impl IntoIterator<Item = GazetteerName>) -> Gazetteer {
        let mut by_key: std::collections::BTreeMap<String, (String, Vec<(String, String)>)> =
            std::collections::BTreeMap::new();
        for n in names {
            let name = n.name.trim();
            // Very short names ("A", "IT") match too much to be useful; so do one-word names
            // of people, vessels and aircraft ("SAID", "JUSTICE" on sanctions lists).
            if name.chars().count() < 3 || !name.chars().any(char::is_alphabetic) {
                continue;
            }
            let one_word = !name.contains(char::is_whitespace);
            if one_word
                && matches!(n.kind.as_str(), "person" | "vessel" | "aircraft")
                && !name.chars().any(|c| c.is_ascii_digit())
            {
                continue;
            }
            let entry = by_key
                .entry(name.to_lowercase())
                .or_insert_with(|| (name.to_owned(), Vec::new()));
            if !entry.1.iter().any(|(e, _)| *e == n.entity) {
                entry.1.push((n.entity, n.kind));
            }
        }
        let patterns: Vec<(String, Vec<(String, String)>)> = by_key.into_values().collect();
        let matcher = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns.iter().map(|(n, _)| n.as_str()))
            .ok();
        Gazetteer { matcher, patterns }
    }

    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The mentions of gazetteer names in `text`.
    pub fn mentions(&self, text: &str) -> Vec<Mention> {
        let Some(matcher) = &self.matcher else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for m in matcher.find_iter(text) {
            let (start, end) = (m.start(), m.end());
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            let found = &text[start..end];
            let (name, entities) = &self.patterns[m.pattern().as_usize()];
            // Scripts written without spaces have no word boundaries to check.
            let spaced = found.chars().next().is_some_and(|c| !is_unspaced(c));
            if spaced
                && (before.is_some_and(|c| c.is_alphanumeric())
                    || after.is_some_and(|c| c.is_alphanumeric()))
            {
                continue;
            }
            if !case_fits(name, found) {
                continue;
            }
            out.push(Mention {
                start,
                end,
                text: found.to_owned(),
                name: name.clone(),
                candidates: entities
                    .iter()
                    .map(|(entity, kind)| Candidate {
                        entity: entity.clone(),
                        kind: kind.clone(),
                    })
                    .collect(),
                ambiguous: entities.len() > 1,
            });
        }
        out
    }
}

fn is_unspaced(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7A3}' | '\u{0E00}'..='\u{0EFF}' | '\u{1000}'..='\u{109F}')
}

/// Case rules: a name with digits ("APT31", "TA412") matches in any case; a short name in
/// capitals ("MSS", "GRU") only in capitals; a longer name in capitals, as sanctions lists
/// write them ("MINISTRY OF STATE SECURITY"), where each of its words starts with a
/// capital in the text, short function words aside; any other name must have its capitals
/// where the gazetteer has them ("Fox Kitten" matches "Fox Kitten" and "FOX KITTEN", not
/// "fox kitten"), so that names made of ordinary words ("Equation", "Gold") do not match
/// those words in lowercase.
fn case_fits(name: &str, found: &str) -> bool {
    if name.chars().any(|c| c.is_ascii_digit()) {
        return true;
    }
    if !name.chars().any(|c| c.is_lowercase()) {
        if name.chars().filter(|c| c.is_alphabetic()).count() <= 5 && !name.contains(' ') {
            return !found.chars().any(|c| c.is_lowercase());
        }
        return found.split_whitespace().all(|w| {
            w.chars().next().is_some_and(|c| !c.is_lowercase())
                || matches!(
                    w,
                    "of" | "and" | "for" | "the" | "de" | "al" | "in" | "on" | "&"
                )
        });
    }
    name.chars()
        .zip(found.chars())
        .all(|(n, f)| !n.is_uppercase() || f.is_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gazetteer() -> Gazetteer {
        let n = GazetteerName::new;
        Gazetteer::new([
            n("APT31", "intrusion-set--1", "threat_actor"),
            n("Zirconium", "intrusion-set--1", "threat_actor"),
            n("Violet Typhoon", "intrusion-set--1", "threat_actor"),
            n("Equation", "intrusion-set--2", "threat_actor"),
            n(
                "Wuhan Xiaoruizhi Science and Technology Company, Limited",
                "identity--3",
                "organization",
            ),
            n("武汉晓睿智科技有限责任公司", "identity--3", "organization"),
            n("Gold", "intrusion-set--4", "threat_actor"),
            n("Gold", "identity--5", "organization"),
            n("IT", "identity--6", "organization"),
        ])
    }

    #[test]
    fn finds_names_on_word_boundaries_with_case_rules() {
        let g = gazetteer();
        let text = "Treasury named apt31 (Violet Typhoon) and its front Wuhan Xiaoruizhi Science and \
                    Technology Company, Limited (武汉晓睿智科技有限责任公司). The equation is simple; \
                    APT310 is another group. Gold was cited; gold prices rose.";
        let found: Vec<(String, bool)> = g
            .mentions(text)
            .into_iter()
            .map(|m| (m.name, m.ambiguous))
            .collect();
        assert_eq!(
            found,
            [
                ("APT31".to_owned(), false),
                ("Violet Typhoon".to_owned(), false),
                (
                    "Wuhan Xiaoruizhi Science and Technology Company, Limited".to_owned(),
                    false
                ),
                ("武汉晓睿智科技有限责任公司".to_owned(), false),
                ("Gold".to_owned(), true),
            ]
        );
        let m = g.mentions(text);
        assert_eq!(&text[m[0].start..m[0].end], "apt31");
        assert_eq!(m[4].candidates.len(), 2);
        assert!(g.mentions("").is_empty());
    }
}
