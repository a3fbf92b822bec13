//! Who a text names: known entities (from the gazetteer), and people and organisations the
//! store does not know yet, found from their shape (legal-form suffixes, "X Science and
//! Technology", institutions such as "Ministry of State Security", titles and roles such as
//! "Foreign Secretary A B" or "spokesman A B", "two nationals, A B and C D") and from
//! context (", a Chinese national"). Countries are found by name, demonym ("the British
//! government") and capital ("Beijing said"). Within a document a person named in full is
//! recognised again by surname, an organisation by the acronym it was introduced with, and
//! "the group", "the company", "he" and "she" by the last party of that kind.

use std::collections::HashMap;
use std::sync::OnceLock;

use dossier_screen::lexicon::{Class, Lexicon};
use serde::Serialize;

use crate::mentions::{Candidate, Mention};
use crate::text::{Span, Token};

/// A person, organisation, country or other named thing in a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Party {
    pub start: usize,
    pub end: usize,
    /// As written.
    pub text: String,
    /// The name it stands for: the text itself, or for a surname, an acronym or "the group",
    /// the full name given earlier.
    pub name: String,
    /// `person`, `organization`, `country`, `threat_actor`, `malware`, `tool`,
    /// `attack_pattern`, `campaign`… or `unknown` (a proper name of unknown kind).
    pub kind: String,
    /// Entities of the store this may be (empty for a new name).
    pub candidates: Vec<Candidate>,
    pub ambiguous: bool,
    /// For countries and bodies named by a demonym: the ISO 3166-1 code.
    pub country: Option<&'static str>,
    /// A title or role given with a person ("Foreign Secretary").
    pub role: Option<String>,
    /// How it was recognised: `gazetteer`, `country`, `legal form`, `institution`,
    /// `business words`, `acronym`, `title`, `role`, `nationals`, `apposition`,
    /// `surname`, `reference`, `technique id`, `name`.
    pub how: &'static str,
    /// For an activity ("the hack of the Electoral Commission"): its target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<Box<Party>>,
    /// For a plural reference ("both men", "all seven"): the parties it stands for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub group: Vec<Party>,
}

impl Party {
    /// A party named `text` at `start..end`, unknown to the store, with nothing else known.
    pub fn new(start: usize, end: usize, text: &str, kind: &str, how: &'static str) -> Party {
        Party {
            start,
            end,
            text: text.to_owned(),
            name: text.to_owned(),
            kind: kind.to_owned(),
            candidates: Vec::new(),
            ambiguous: false,
            country: None,
            role: None,
            how,
            target: None,
            group: Vec::new(),
        }
    }

    /// Whether the store knows this party.
    pub fn is_known(&self) -> bool {
        !self.candidates.is_empty()
    }

    /// Whether this is a person or organisation (the kinds screened against sanctions).
    pub fn is_person_or_org(&self) -> bool {
        matches!(self.kind.as_str(), "person" | "organization")
    }
}

/// Lowercased function words that never start a name at the beginning of a sentence.
const SENTENCE_STARTS: &[&str] = &[
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "in",
    "on",
    "at",
    "by",
    "for",
    "from",
    "with",
    "according",
    "after",
    "before",
    "during",
    "since",
    "last",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "its",
    "their",
    "his",
    "her",
    "our",
    "but",
    "and",
    "or",
    "however",
    "meanwhile",
    "separately",
    "also",
    "officials",
    "today",
    "yesterday",
    "earlier",
    "later",
    "both",
    "all",
    "some",
    "several",
    "many",
    "most",
    "two",
    "three",
    "four",
    "five",
    "one",
    "as",
    "if",
    "while",
    "when",
    "where",
    "who",
    "what",
    "under",
    "among",
    "between",
    "there",
    "such",
    "each",
    "other",
    "another",
    "no",
    "not",
    "neither",
    "nor",
    "although",
    "though",
    "because",
    "until",
    "over",
    "into",
    "about",
    "against",
    "without",
    "within",
    "despite",
    "further",
    "furthermore",
    "moreover",
    "instead",
    "asked",
    "researchers",
    "investigators",
    "prosecutors",
    "authorities",
    "hackers",
    "attackers",
    "victims",
    "analysts",
    "experts",
    "security",
    "police",
];

/// Words that join the capitalised words of one name.
const CONNECTORS: &[&str] = &[
    "of", "and", "for", "the", "de", "del", "der", "al", "bin", "&", "on", "la", "von", "van",
];

/// Words heading a title or role before a person's name.
const TITLE_HEADS: &[&str] = &[
    "minister",
    "secretary",
    "president",
    "director",
    "ambassador",
    "chancellor",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "senator",
    "commissioner",
    "general",
    "prosecutor",
    "judge",
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "mr",
    "mrs",
    "ms",
    "dr",
    "chairman",
    "chairwoman",
    "chair",
    "governor",
    "ceo",
    "premier",
    "congressman",
    "congresswoman",
    "representative",
    "attorney",
    "deputy",
    "envoy",
    "officer",
    "agent",
    "sheriff",
    "mayor",
    "king",
    "queen",
    "prince",
    "colonel",
    "captain",
    "lieutenant",
    "sergeant",
    "major",
    "admiral",
    "professor",
];

/// Lowercase words before a name that make it a person's ("spokesman Lin Jian").
const ROLE_WORDS: &[&str] = &[
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "minister",
    "secretary",
    "director",
    "president",
    "ambassador",
    "chief",
    "leader",
    "officer",
    "analyst",
    "researcher",
    "founder",
    "owner",
    "executive",
    "commander",
    "head",
    "agent",
    "hacker",
    "national",
    "citizen",
    "resident",
    "businessman",
    "businesswoman",
    "employee",
    "engineer",
    "official",
    "administrator",
    "operator",
    "developer",
    "member",
    "suspect",
    "defendant",
    "manager",
    "chairman",
    "envoy",
    "lawyer",
    "attorney",
    "prosecutor",
    "diplomat",
    "colonel",
    "general",
    "dr.",
    "mr.",
    "mrs.",
    "ms.",
];

/// Plural nouns introducing a list of people ("two nationals, A B and C D").
const PEOPLE_WORDS: &[&str] = &[
    "nationals",
    "citizens",
    "individuals",
    "defendants",
    "hackers",
    "officers",
    "men",
    "women",
    "persons",
    "people",
    "residents",
    "officials",
    "suspects",
    "operatives",
    "employees",
    "members",
    "executives",
    "businessmen",
    "actors",
];

/// Words after a name, in an apposition, that make it a person's (", a Chinese national").
const APPOSITION_PERSON: &[&str] = &[
    "national",
    "citizen",
    "resident",
    "hacker",
    "officer",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "official",
    "minister",
    "director",
    "analyst",
    "researcher",
    "founder",
    "businessman",
    "businesswoman",
    "executive",
    "employee",
    "engineer",
    "programmer",
    "developer",
    "administrator",
    "operator",
    "man",
    "woman",
    "suspect",
    "defendant",
    "leader",
    "manager",
    "owner",
    "chairman",
    "president",
    "lawyer",
    "colonel",
    "agent",
];

/// Words that make a capitalised phrase an institution.
const INSTITUTIONS: &[&str] = &[
    "ministry",
    "department",
    "bureau",
    "agency",
    "office",
    "service",
    "services",
    "centre",
    "center",
    "council",
    "commission",
    "committee",
    "police",
    "army",
    "navy",
    "force",
    "forces",
    "embassy",
    "government",
    "treasury",
    "directorate",
    "unit",
    "court",
    "university",
    "institute",
    "parliament",
    "command",
    "corps",
    "guard",
    "administration",
    "authority",
    "division",
    "union",
    "coalition",
    "organization",
    "organisation",
    "foundation",
    "association",
    "party",
    "consulate",
    "cabinet",
    "congress",
    "senate",
    "academy",
    "laboratory",
    "laboratories",
    "lab",
    "labs",
    "board",
    "federation",
    "bank",
    "exchange",
    "team",
    "fbi",
    "cia",
    "nsa",
    "gchq",
    "interpol",
    "europol",
    "nato",
];

/// Lowercase nouns after a demonym or a country's possessive that name its government.
const GOVERNMENT_NOUNS: &[&str] = &[
    "government",
    "foreign ministry",
    "ministry of foreign affairs",
    "embassy",
    "authorities",
    "officials",
    "state media",
    "intelligence services",
    "intelligence agencies",
    "military",
    "ministry",
    "defence ministry",
    "defense ministry",
    "consulate",
    "prosecutors",
    "police",
    "regime",
    "cabinet",
    "foreign office",
    "president",
    "leadership",
];

/// References to an earlier party: the words and the kinds they may refer to.
const REFERENCES: &[(&str, &[&str])] = &[
    ("the group", &["threat_actor"]),
    ("the actor", &["threat_actor"]),
    ("the threat actor", &["threat_actor"]),
    ("the hackers", &["threat_actor"]),
    ("the hacking group", &["threat_actor"]),
    ("the gang", &["threat_actor"]),
    ("the crew", &["threat_actor"]),
    ("the operators", &["threat_actor"]),
    ("the company", &["organization"]),
    ("the firm", &["organization"]),
    ("the front company", &["organization"]),
    ("the malware", &["malware", "tool"]),
    ("the ministry", &["organization"]),
    ("the embassy", &["organization"]),
    ("he", &["person"]),
    ("she", &["person"]),
];

struct Places {
    /// Lowercased demonym or other name → ISO code.
    demonyms: HashMap<String, &'static str>,
    names: HashMap<String, &'static str>,
}

fn places() -> &'static Places {
    static PLACES: OnceLock<Places> = OnceLock::new();
    PLACES.get_or_init(|| {
        let mut p = Places {
            demonyms: HashMap::new(),
            names: HashMap::new(),
        };
        for line in include_str!("../data/places.tsv").lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(code), Some(dem), Some(names)) = (cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            let Some(country) = dossier_model::country_by_code(code) else {
                continue;
            };
            for d in dem.split('|') {
                p.demonyms.insert(d.to_lowercase(), country.alpha2);
            }
            for n in names.split('|') {
                p.names.insert(n.to_lowercase(), country.alpha2);
            }
        }
        p
    })
}

/// The country a phrase names ("China", "the United Kingdom", "Beijing"), if any.
pub fn country_named(phrase: &str) -> Option<&'static str> {
    let lower = phrase.trim().to_lowercase();
    let lower = lower.strip_prefix("the ").unwrap_or(&lower);
    if let Some(code) = places().names.get(lower) {
        return Some(code);
    }
    // Short all-capital words other than the table's ("US", "UK") are acronyms.
    if phrase.len() <= 3 {
        return None;
    }
    dossier_model::country_by_name(lower).map(|c| c.alpha2)
}

fn demonym(word: &str) -> Option<&'static str> {
    places().demonyms.get(&word.to_lowercase()).copied()
}

fn lower(t: &str) -> String {
    t.to_lowercase()
}

/// Whether a word is written like part of a name.
fn capitalised(w: &str) -> bool {
    let Some(c) = w.chars().next() else {
        return false;
    };
    c.is_uppercase()
        || (c.is_alphabetic() && !c.is_lowercase())
        || (c.is_ascii_digit() && w.chars().any(|c| c.is_uppercase()))
}

fn all_caps(w: &str) -> bool {
    w.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && w.chars().all(|c| !c.is_lowercase())
        && w.chars().any(char::is_alphabetic)
}

/// Whether the last words of `words` are a legal form, and whether the last word is a
/// generic business word ("Technology", "Trading").
fn business_shape(words: &str) -> (bool, bool) {
    let lex = Lexicon::bundled();
    let toks = dossier_screen::token::tokenize(words);
    let keys: Vec<&str> = toks.iter().map(|t| t.key.as_str()).collect();
    let n = keys.len();
    let legal = (1..=n.min(4)).any(|k| matches!(lex.lookup(&keys[n - k..]), Some(Class::Legal(_))));
    let generic = n >= 2
        && (1..=n.min(3)).any(|k| matches!(lex.lookup(&keys[n - k..]), Some(Class::Generic(_))));
    (legal, generic)
}

/// Document-level memory: what "the group", a surname or an acronym refers to.
#[derive(Debug, Default)]
pub struct Memory {
    /// Surnames and given names of people named in full → full name.
    people: HashMap<String, String>,
    /// Names the document introduced: acronyms in parentheses, malware by shape → (full name, kind).
    known: HashMap<String, (String, String)>,
    /// The last party of each kind.
    last: HashMap<String, Party>,
    /// The last list of two or more people, and of threat actors, named in one sentence.
    people_list: Vec<Party>,
    actor_list: Vec<Party>,
}

impl Memory {
    pub fn last_of(&self, kind: &str) -> Option<&Party> {
        self.last.get(kind)
    }

    /// The last party of each kind, as of now (before the next sentence is read).
    pub fn snapshot(&self) -> Memory {
        Memory {
            people: HashMap::new(),
            known: self.known.clone(),
            last: self.last.clone(),
            people_list: self.people_list.clone(),
            actor_list: self.actor_list.clone(),
        }
    }
}

/// The parties of one sentence, in order, given its tokens and the gazetteer's mentions in
/// it. `memory` carries what earlier sentences introduced.
pub fn parties(
    text: &str,
    sentence: Span,
    toks: &[Token],
    mentions: &[Mention],
    memory: &mut Memory,
) -> Vec<Party> {
    let mut out: Vec<Party> = Vec::new();
    let covered = |start: usize, end: usize, out: &[Party]| {
        out.iter().any(|p| p.start < end && start < p.end)
    };
    // Known names first, except where they are a country's name.
    for m in mentions {
        if m.start < sentence.0 || m.end > sentence.1 {
            continue;
        }
        if let Some(code) = country_named(&m.text) {
            out.push(country_party(m.start, m.end, &m.text, code));
            continue;
        }
        let kind = m.candidates.first().map_or("unknown", |c| c.kind.as_str());
        // Names lists write in capitals read better as the text writes them.
        let listed_in_capitals = !m.name.chars().any(char::is_lowercase)
            && m.name.chars().filter(|c| c.is_alphabetic()).count() > 5;
        out.push(Party {
            name: if listed_in_capitals {
                m.text.clone()
            } else {
                m.name.clone()
            },
            candidates: m.candidates.clone(),
            ambiguous: m.ambiguous,
            ..Party::new(m.start, m.end, &m.text, kind, "gazetteer")
        });
    }
    let words: Vec<String> = toks.iter().map(|t| t.text(text).to_owned()).collect();
    let lw: Vec<String> = words.iter().map(|w| lower(w)).collect();
    // Governments named by a demonym or a possessive: "the British government",
    // "China's foreign ministry".
    for i in 0..toks.len() {
        let (code, first) = if let Some(c) = demonym(&words[i]).filter(|_| capitalised(&words[i])) {
            (c, i)
        } else if (capitalised(&words[i]) && places().names.contains_key(&lw[i]))
            || (i + 1 < toks.len() && (lw[i + 1] == "'s" || lw[i + 1] == "’s"))
        {
            match country_named(&words[i]) {
                Some(c) => (c, i),
                None => continue,
            }
        } else if let Some(base) = lw[i]
            .strip_suffix("'s")
            .or_else(|| lw[i].strip_suffix("’s"))
        {
            match country_named(base) {
                Some(c) => (c, i),
                None => continue,
            }
        } else {
            continue;
        };
        let mut j = first + 1;
        if j < toks.len() && (lw[j] == "'s" || lw[j] == "’s") {
            j += 1;
        }
        for noun in GOVERNMENT_NOUNS {
            let parts: Vec<&str> = noun.split(' ').collect();
            if j + parts.len() <= toks.len()
                && parts.iter().enumerate().all(|(k, p)| lw[j + k] == *p)
            {
                let start = if first > 0 && lw[first - 1] == "the" {
                    toks[first - 1].start
                } else {
                    toks[first].start
                };
                let end = toks[j + parts.len() - 1].end;
                if !covered(start, end, &out) {
                    let t = &text[start..end];
                    out.push(Party {
                        name: t
                            .trim_start_matches("the ")
                            .trim_start_matches("The ")
                            .to_owned(),
                        country: Some(code),
                        ..Party::new(start, end, t, "organization", "country")
                    });
                }
                break;
            }
        }
    }
    // Capitalised phrases.
    let lower_sentence = text[sentence.0..sentence.1].to_lowercase();
    let person_context = [
        "charged",
        "charges",
        "indict",
        "arrest",
        "sentenced",
        "extradit",
        "convicted",
        "nationals",
        "defendant",
        "citizens",
        "accused",
        "wanted",
        "reward",
    ]
    .iter()
    .any(|w| lower_sentence.contains(w));
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        let w = &words[i];
        let starts = t.word
            && capitalised(w)
            && !covered(t.start, t.end, &out)
            && !crate::dates::is_calendar_word(lw[i].trim_end_matches('.'))
            && !((i == 0 || !toks[i - 1].word) && SENTENCE_STARTS.contains(&lw[i].as_str()))
            && lw[i] != "i";
        if !starts {
            i += 1;
            continue;
        }
        // Extend over capitalised words, inner connectors, and ", Ltd." style suffixes.
        let mut j = i + 1;
        loop {
            if j < toks.len()
                && toks[j].word
                && capitalised(&words[j])
                && !covered(toks[j].start, toks[j].end, &out)
                && !crate::dates::is_calendar_word(lw[j].trim_end_matches('.'))
            {
                j += 1;
                continue;
            }
            // One or two connectors ("of", "of the") between capitalised words.
            let gap = if j + 2 < toks.len()
                && toks[j].word
                && toks[j + 1].word
                && CONNECTORS.contains(&lw[j].as_str())
                && lw[j + 1] == "the"
            {
                2
            } else {
                1
            };
            if j + gap < toks.len()
                && toks[j].word
                && CONNECTORS.contains(&lw[j].as_str())
                && toks[j + gap].word
                && capitalised(&words[j + gap])
                && !covered(toks[j + gap].start, toks[j + gap].end, &out)
                && !crate::dates::is_calendar_word(lw[j + gap].trim_end_matches('.'))
            {
                j += gap + 1;
                continue;
            }
            if j + 1 < toks.len()
                && words[j] == ","
                && toks[j + 1].word
                && capitalised(&words[j + 1])
            {
                let (legal, _) = business_shape(&words[j + 1]);
                if legal {
                    j += 2;
                    continue;
                }
            }
            break;
        }
        // "Zhao Guangzong and Ni Gaobin" is two names; "Science and Technology Company"
        // is one.
        if let Some(k) = (i + 1..j).find(|&k| lw[k] == "and") {
            let (legal, generic) = business_shape(&text[toks[i].start..toks[j - 1].end]);
            let institution = lw[i..j].iter().any(|w| INSTITUTIONS.contains(&w.as_str()));
            let left = &text[toks[i].start..toks[k - 1].end];
            let right = &text[toks[k + 1].start..toks[j - 1].end];
            let countries = country_named(left).is_some() || country_named(right).is_some();
            if countries
                || (!legal
                    && !generic
                    && !institution
                    && person_like(&words[i..k])
                    && person_like(&words[k + 1..j]))
            {
                j = k;
            }
        }
        // A demonym alone ("Chinese hackers") names nobody.
        if demonym(&text[toks[i].start..toks[j - 1].end]).is_some() {
            i = j;
            continue;
        }
        // A capitalised word opening the sentence is a name only when it is more than
        // that: known, shaped like one, or speaking ("Kryptowire says").
        let opening = i == 0 || !toks[i - 1].word;
        let speaks = lw.get(j).is_some_and(|w| {
            matches!(
                w.as_str(),
                "said"
                    | "says"
                    | "announced"
                    | "reported"
                    | "told"
                    | "added"
                    | "stated"
                    | "'s"
                    | "’s"
            )
        });
        if let Some(mut p) = classify(text, toks, &words, &lw, i, j, memory) {
            // People named where the sentence speaks of charges, arrests or nationals.
            if p.kind == "unknown"
                && person_context
                && person_like(&words[i..j])
                && !words[i..j].iter().any(|w| all_caps(w))
            {
                p.kind = "person".into();
                p.how = "context";
                resolve_person(&mut p, memory);
            }
            let bare = p.how == "name"
                && j == i + 1
                && !all_caps(&words[i])
                && !words[i].chars().any(|c| c.is_ascii_digit());
            if !(opening && bare && !speaks) {
                out.push(p);
            }
        }
        i = j;
    }
    activities(text, toks, &lw, &mut out);
    // References to earlier parties: "the group", "he".
    for i in 0..toks.len() {
        for (phrase, kinds) in REFERENCES {
            let parts: Vec<&str> = phrase.split(' ').collect();
            if i + parts.len() > toks.len()
                || !parts.iter().enumerate().all(|(k, p)| lw[i + k] == *p)
            {
                continue;
            }
            let (start, end) = (toks[i].start, toks[i + parts.len() - 1].end);
            if covered(start, end, &out) {
                continue;
            }
            // The latest party of one of the kinds, in this sentence before the reference
            // or in an earlier one.
            // "The company" is a company named as one, not a government.
            let fits = |p: &Party| {
                kinds.contains(&p.kind.as_str())
                    && (!matches!(*phrase, "the company" | "the firm" | "the front company")
                        || matches!(p.how, "legal form" | "business words" | "gazetteer"))
                    && p.country.is_none()
            };
            let here = out
                .iter()
                .filter(|p| p.end <= start && fits(p))
                .max_by_key(|p| p.start)
                .cloned();
            let company = matches!(*phrase, "the company" | "the firm" | "the front company");
            let earlier = if company {
                memory.last.get("company").cloned()
            } else {
                kinds
                    .iter()
                    .filter_map(|k| memory.last.get(*k))
                    .filter(|p| fits(p))
                    .max_by_key(|p| p.start)
                    .cloned()
            };
            if let Some(antecedent) = here.or(earlier) {
                out.push(Party {
                    start,
                    end,
                    text: text[start..end].to_owned(),
                    how: "reference",
                    ..antecedent
                });
            }
        }
    }
    plural_references(text, sentence, &mut out, memory);
    out.sort_by_key(|p| (p.start, std::cmp::Reverse(p.end)));
    out.dedup_by(|b, a| b.start < a.end);
    let people: Vec<Party> = out
        .iter()
        .filter(|p| p.kind == "person" && p.group.is_empty())
        .cloned()
        .collect();
    if people.len() >= 2 {
        memory.people_list = people;
    }
    let actors: Vec<Party> = out
        .iter()
        .filter(|p| p.kind == "threat_actor" && p.group.is_empty() && p.how != "reference")
        .cloned()
        .collect();
    if actors.len() >= 2 {
        memory.actor_list = actors;
    }
    // "The group", "he": the first party of the kind in the latest sentence naming one
    // (the sentence's topic, usually its subject).
    let mut seen_kinds: Vec<&str> = Vec::new();
    if let Some(c) = out
        .iter()
        .find(|p| p.kind == "organization" && matches!(p.how, "legal form" | "business words"))
    {
        memory.last.insert("company".into(), c.clone());
    }
    for p in &out {
        if !seen_kinds.contains(&p.kind.as_str()) {
            seen_kinds.push(&p.kind);
            memory.last.insert(p.kind.clone(), p.clone());
        }
    }
    for p in &out {
        if p.kind == "person" && p.how != "reference" && p.how != "surname" {
            let parts: Vec<&str> = p.name.split_whitespace().collect();
            if parts.len() >= 2 {
                for part in &parts {
                    memory
                        .people
                        .entry(lower(part))
                        .or_insert_with(|| p.name.clone());
                }
            }
        }
    }
    // Malware named once by shape is malware wherever the document names it again.
    for p in &out {
        if p.how == "malware shape" {
            memory
                .known
                .insert(p.text.clone(), (p.name.clone(), p.kind.clone()));
        }
    }
    // Acronyms introduced as "Full Name (ACRONYM)".
    for w in out.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        let between = &text[a.end..b.start];
        if between.trim() == "(" && all_caps(&b.text) && a.text.contains(' ') {
            memory
                .known
                .insert(b.text.clone(), (a.name.clone(), a.kind.clone()));
        }
    }
    out
}

/// Activities named with their target: "the hack of the Electoral Commission", "a
/// campaign against parliamentarians", "attacks on Ukrainian energy companies".
fn activities(text: &str, toks: &[Token], lw: &[String], out: &mut Vec<Party>) {
    const NOUNS: &[&str] = &[
        "attack",
        "attacks",
        "cyberattack",
        "cyberattacks",
        "hack",
        "hacks",
        "hacking",
        "breach",
        "breaches",
        "intrusion",
        "intrusions",
        "campaign",
        "campaigns",
        "operation",
        "operations",
        "compromise",
        "espionage",
        "targeting",
        "spying",
        "theft",
        "heist",
        "incident",
        "infiltration",
    ];
    const PREPOSITIONS: &[&str] = &["on", "against", "of", "into", "targeting", "at"];
    const STOPS: &[&str] = &[
        "between", "in", "on", "by", "that", "which", "and", "since", "from", "during", "to",
        "with", "for", "was", "were", "is", "are", "as", "who", "over", "after", "before", "last",
        "this", "earlier", "later", "said",
    ];
    let mut found = Vec::new();
    for i in 0..toks.len() {
        if !NOUNS.contains(&lw[i].as_str())
            || i + 1 >= toks.len()
            || !PREPOSITIONS.contains(&lw[i + 1].as_str())
        {
            continue;
        }
        // "hacking" and "targeting" are activities only as nouns: after a determiner.
        let mut start = i;
        while start > 0
            && matches!(
                lw[start - 1].as_str(),
                "the"
                    | "a"
                    | "an"
                    | "its"
                    | "their"
                    | "cyber"
                    | "major"
                    | "recent"
                    | "ransomware"
                    | "espionage"
                    | "hacking"
                    | "cyber-espionage"
                    | "phishing"
                    | "spear-phishing"
                    | "2021"
                    | "2022"
                    | "2023"
                    | "2024"
            )
        {
            start -= 1;
        }
        if start == i && matches!(lw[i].as_str(), "hacking" | "targeting" | "spying") {
            continue;
        }
        let mut j = i + 2;
        if j < toks.len() && lw[j] == "the" {
            j += 1;
        }
        let Some(first) = toks.get(j) else {
            continue;
        };
        let target = out.iter().find(|p| p.start == first.start).cloned();
        let end = match &target {
            Some(t) => t.end,
            None => {
                let mut k = j;
                while k < toks.len()
                    && k < j + 4
                    && toks[k].word
                    && !STOPS.contains(&lw[k].as_str())
                {
                    k += 1;
                }
                if k == j {
                    continue;
                }
                toks[k - 1].end
            }
        };
        let span_start =
            if matches!(lw[start].as_str(), "the" | "a" | "an" | "its" | "their") && start < i {
                toks[start + 1].start
            } else {
                toks[start].start
            };
        let t = &text[span_start..end];
        found.push(Party {
            target: target.map(Box::new),
            ..Party::new(span_start, end, t, "campaign", "activity")
        });
    }
    // The activity replaces the parties it spans (its target stays reachable from it).
    for a in found {
        if out.iter().any(|p| p.start < a.start && a.start < p.end) {
            continue;
        }
        out.retain(|p| !(p.start >= a.start && p.end <= a.end));
        out.push(a);
    }
}

/// "Both men", "all seven", "the two defendants": the last list of people (or of threat
/// actors) of that size.
fn plural_references(text: &str, sentence: Span, out: &mut Vec<Party>, memory: &Memory) {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(r"(?i)\b(?:both|all|the)\s+(?:(two|three|four|five|six|seven|eight|nine|ten|twelve)\s+)?(men|women|individuals|defendants|suspects|officers|nationals|people|persons|groups|actors)\b|\b(?:all|the)\s+(two|three|four|five|six|seven|eight|nine|ten|twelve)\b")
            .unwrap_or_else(|e| unreachable!("plural references: {e}"))
    });
    let s = &text[sentence.0..sentence.1];
    for c in re.captures_iter(s) {
        let Some(m) = c.get(0) else { continue };
        let (start, end) = (sentence.0 + m.start(), sentence.0 + m.end());
        if out.iter().any(|p| p.start < end && start < p.end) {
            continue;
        }
        // "both" and "the two" say how many; the noun says of what.
        let whole = m.as_str().to_lowercase();
        let n = c
            .get(1)
            .or(c.get(3))
            .and_then(|w| crate::dates::number_word(w.as_str()))
            .and_then(|n| usize::try_from(n).ok())
            .or_else(|| whole.starts_with("both").then_some(2));
        let noun = c.get(2).map(|w| w.as_str().to_lowercase());
        let actors = matches!(noun.as_deref(), Some("groups" | "actors"));
        let lists: Vec<&Vec<Party>> = if actors {
            vec![&memory.actor_list]
        } else if noun.is_some() {
            vec![&memory.people_list]
        } else {
            vec![&memory.people_list, &memory.actor_list]
        };
        let Some(list) = lists
            .into_iter()
            .filter(|l| !l.is_empty() && n.is_none_or(|n| l.len() == n))
            .max_by_key(|l| l.first().map_or(0, |p| p.start))
        else {
            continue;
        };
        out.push(Party {
            name: list
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            group: list.clone(),
            ..Party::new(start, end, &text[start..end], &list[0].kind, "reference")
        });
    }
}

fn country_party(start: usize, end: usize, text: &str, code: &'static str) -> Party {
    let name = dossier_model::country_by_code(code).map_or(text.to_owned(), |c| c.name.to_owned());
    Party {
        name,
        country: Some(code),
        ..Party::new(start, end, text, "country", "country")
    }
}

/// Whether a run of words looks like a person's name (two or three capitalised words,
/// letters only, no institution word): "Zhao Guangzong and Ni Gaobin" is two names.
fn person_like(words: &[String]) -> bool {
    (2..=3).contains(&words.len())
        && words.iter().all(|w| {
            capitalised(w)
                && w.chars()
                    .all(|c| c.is_alphabetic() || c == '-' || c == '\'')
                && !INSTITUTIONS.contains(&lower(w).as_str())
        })
}

/// What kind of party the capitalised phrase `words[i..j]` is.
fn classify(
    text: &str,
    toks: &[Token],
    words: &[String],
    lw: &[String],
    i: usize,
    j: usize,
    memory: &Memory,
) -> Option<Party> {
    let start = toks[i].start;
    let end = toks[j - 1].end;
    let phrase = &text[start..end];
    let make =
        |start: usize, end: usize, kind: &str, how: &'static str, role: Option<String>| Party {
            role,
            ..Party::new(start, end, &text[start..end], kind, how)
        };
    if let Some(code) = country_named(phrase) {
        return Some(country_party(start, end, phrase, code));
    }
    // A title heading the phrase: "Foreign Secretary David Cameron", "Mr. Zhao".
    if let Some(h) = (i..j)
        .rev()
        .find(|&k| TITLE_HEADS.contains(&lw[k].as_str()))
    {
        let mut first = h + 1;
        // "Secretary of State Antony Blinken": the title runs on over "of State".
        if first + 1 < j && lw[first] == "of" {
            first += 2;
        }
        if first < j
            && words[first..j]
                .iter()
                .all(|w| !INSTITUTIONS.contains(&lower(w).as_str()))
            && j - first <= 4
        {
            let role = text[start..toks[first - 1].end].to_owned();
            let mut p = make(toks[first].start, end, "person", "title", Some(role));
            resolve_person(&mut p, memory);
            return Some(p);
        }
    }
    let lower_words: Vec<&str> = lw[i..j].iter().map(String::as_str).collect();
    let (legal, generic) = business_shape(phrase);
    if legal {
        return Some(make(start, end, "organization", "legal form", None));
    }
    if lower_words
        .iter()
        .any(|w| INSTITUTIONS.contains(&w.trim_end_matches('.')))
    {
        return Some(make(start, end, "organization", "institution", None));
    }
    // Context before: a role word ("spokesman Lin Jian") or a list of people.
    let mut b = i;
    while b > 0 && (words[b - 1] == "," || lw[b - 1] == "and" || lw[b - 1] == "as") {
        b -= 1;
    }
    let before = b.checked_sub(1).map(|k| lw[k].as_str());
    if before.is_some_and(|w| ROLE_WORDS.contains(&w)) && b == i && j - i <= 4 {
        let mut p = make(start, end, "person", "role", before.map(str::to_owned));
        resolve_person(&mut p, memory);
        return Some(p);
    }
    // "nationals, A B and C D": every name of the list after the noun.
    let mut k = i;
    let mut in_list = false;
    while k > 0 {
        let prev = lw[k - 1].as_str();
        if PEOPLE_WORDS.contains(&prev) || (ROLE_WORDS.contains(&prev) && k != i) {
            in_list = true;
            break;
        }
        if prev == "," || prev == "and" || capitalised(&words[k - 1]) || prev == ":" {
            k -= 1;
            continue;
        }
        break;
    }
    if in_list && person_like(&words[i..j]) {
        let mut p = make(start, end, "person", "nationals", None);
        resolve_person(&mut p, memory);
        return Some(p);
    }
    // Context after: ", a Chinese national", ", 35, a hacker".
    if j < toks.len() && words[j] == "," {
        let window: Vec<&str> = lw[j + 1..(j + 8).min(lw.len())]
            .iter()
            .map(String::as_str)
            .collect();
        let opens = window.first().is_some_and(|w| {
            matches!(*w, "a" | "an" | "the" | "who" | "one")
                || w.chars().all(|c| c.is_ascii_digit())
        });
        let stop = window
            .iter()
            .position(|w| *w == "," || *w == "." || *w == "of" || *w == "at")
            .unwrap_or(window.len());
        if opens
            && window[..stop].iter().any(|w| APPOSITION_PERSON.contains(w))
            && person_like(&words[i..j])
        {
            let mut p = make(start, end, "person", "apposition", None);
            resolve_person(&mut p, memory);
            return Some(p);
        }
    }
    if generic && j - i >= 2 {
        return Some(make(start, end, "organization", "business words", None));
    }
    if j - i == 1 {
        if let Some((name, kind)) = memory.known.get(phrase) {
            let mut p = make(start, end, kind, "acronym", None);
            p.name = name.clone();
            return Some(p);
        }
        if let Some(full) = memory.people.get(&lw[i]) {
            let mut p = make(start, end, "person", "surname", None);
            p.name = full.clone();
            return Some(p);
        }
        let w = &words[i];
        if w.len() == 5 && w.starts_with('T') && w[1..].chars().all(|c| c.is_ascii_digit()) {
            return Some(make(start, end, "attack_pattern", "technique id", None));
        }
    }
    // Malware by shape: "HenBox malware", "the SpyNote RAT", "a trojan dubbed FakeSpy".
    const MALWARE_NOUNS: &[&str] = &[
        "malware",
        "trojan",
        "backdoor",
        "ransomware",
        "spyware",
        "rat",
        "implant",
        "botnet",
        "stealer",
        "infostealer",
        "loader",
        "dropper",
        "worm",
        "banker",
        "keylogger",
        "rootkit",
        "wiper",
        "variant",
        "variants",
        "family",
        "payload",
        "samples",
        "sample",
        "apps",
        "adware",
        "downloader",
        "cryptominer",
        "miner",
    ];
    let next = lw.get(j).map(String::as_str);
    let after_noun = next.is_some_and(|w| MALWARE_NOUNS.contains(&w));
    let mut b = i;
    if b > 0 && matches!(words[b - 1].as_str(), "\"" | "“" | "‘") {
        b -= 1;
    }
    let named = b >= 2
        && matches!(
            lw[b - 1].as_str(),
            "dubbed" | "named" | "called" | "nicknamed"
        )
        && MALWARE_NOUNS.contains(&lw[b - 2].as_str());
    let known_malware = memory.known.get(phrase).filter(|(_, k)| k == "malware");
    if (after_noun && next != Some("apps") && next != Some("samples")
        || named
        || known_malware.is_some())
        && !lw[i..j].iter().any(|w| INSTITUTIONS.contains(&w.as_str()))
        && j - i <= 3
    {
        return Some(make(start, end, "malware", "malware shape", None));
    }
    // "ZHAO Guangzong": a surname in capitals before the given names, as lists write them.
    if (2..=4).contains(&(j - i))
        && all_caps(&words[i])
        && words[i + 1..j].iter().all(|w| !all_caps(w))
        && person_like(&words[i..j])
    {
        let mut p = make(start, end, "person", "list style", None);
        resolve_person(&mut p, memory);
        return Some(p);
    }
    Some(make(start, end, "unknown", "name", None))
}

fn resolve_person(p: &mut Party, memory: &Memory) {
    if !p.name.contains(' ') {
        if let Some(full) = memory.people.get(&lower(&p.name)) {
            p.name = full.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{sentences, tokens};

    fn find(text: &str) -> Vec<(String, String, &'static str)> {
        let mut memory = Memory::default();
        let mut out = Vec::new();
        for s in sentences(text) {
            let toks = tokens(text, s);
            for p in parties(text, s, &toks, &[], &mut memory) {
                out.push((p.name, p.kind, p.how));
            }
        }
        out
    }

    fn has(found: &[(String, String, &'static str)], name: &str, kind: &str) -> bool {
        found.iter().any(|(n, k, _)| n == name && k == kind)
    }

    #[test]
    fn people_and_organisations_by_shape() {
        let text = "The Treasury designated Wuhan Xiaoruizhi Science and Technology Company, Limited \
            and two Chinese nationals, Zhao Guangzong and Ni Gaobin. Foreign Secretary David Cameron \
            summoned the ambassador. Chinese foreign ministry spokesman Lin Jian said the claims were \
            groundless. The Office of Foreign Assets Control (OFAC) acted on Monday. OFAC said Zhao \
            worked for the Hubei State Security Department. Acme Trading LLC was named. Li Wei, a \
            Chinese national, was charged.";
        let found = find(text);
        for (name, kind) in [
            ("Treasury", "organization"),
            (
                "Wuhan Xiaoruizhi Science and Technology Company, Limited",
                "organization",
            ),
            ("Zhao Guangzong", "person"),
            ("Ni Gaobin", "person"),
            ("David Cameron", "person"),
            ("Lin Jian", "person"),
            ("Chinese foreign ministry", "organization"),
            ("Office of Foreign Assets Control", "organization"),
            ("Hubei State Security Department", "organization"),
            ("Acme Trading LLC", "organization"),
            ("Li Wei", "person"),
        ] {
            assert!(has(&found, name, kind), "{name} as {kind} in {found:?}");
        }
        // Later mentions by acronym and surname resolve to the full names.
        assert!(found
            .iter()
            .any(|(n, _, how)| n == "Office of Foreign Assets Control" && *how == "acronym"));
        assert!(found
            .iter()
            .any(|(n, _, how)| n == "Zhao Guangzong" && *how == "surname"));
        assert!(!found.iter().any(|(n, _, _)| n == "Monday" || n == "The"));
    }

    #[test]
    fn countries_and_references() {
        let text = "Beijing rejected the report. The British government said APT31 was behind it. \
            The group targeted MPs.";
        let mut memory = Memory::default();
        let mention = Mention {
            start: text.find("APT31").unwrap_or(0),
            end: text.find("APT31").unwrap_or(0) + 5,
            text: "APT31".into(),
            name: "APT31".into(),
            candidates: vec![Candidate {
                entity: "intrusion-set--1".into(),
                kind: "threat_actor".into(),
            }],
            ambiguous: false,
        };
        let mut all = Vec::new();
        for s in sentences(text) {
            let toks = tokens(text, s);
            all.extend(parties(
                text,
                s,
                &toks,
                std::slice::from_ref(&mention),
                &mut memory,
            ));
        }
        let beijing = all.iter().find(|p| p.text == "Beijing");
        assert_eq!(
            beijing.map(|p| (p.kind.as_str(), p.country)),
            Some(("country", Some("CN")))
        );
        let gov = all.iter().find(|p| p.text == "The British government");
        assert_eq!(gov.and_then(|p| p.country), Some("GB"));
        let group = all.iter().find(|p| p.text == "The group");
        assert_eq!(group.map(|p| p.name.as_str()), Some("APT31"));
        assert_eq!(group.map(|p| p.candidates.len()), Some(1));
    }

    #[test]
    fn odd_text_finds_nothing_and_does_not_panic() {
        for t in [
            "",
            ",,,",
            "(((",
            "A",
            "Mr.",
            "the the the",
            "Ltd., Ltd.",
            "北京 说",
            "\"The",
            "Secretary",
        ] {
            let _ = find(t);
        }
        assert!(find("nothing capitalised here at all.").is_empty());
    }
}
