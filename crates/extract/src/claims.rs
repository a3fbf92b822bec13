//! Claims in English prose: who did what to whom, who says so, and who denies it.
//!
//! Each sentence is read for cue phrases of the predicates dossier models (sanctions and
//! designations, charges, attribution, front companies, membership, aliases, targeting,
//! use of malware and techniques). A cue places its subject and object on either side of
//! it, or after "by", "to" or "as"; the parties on those sides are taken from the sentence,
//! across lists ("A, B and C were charged") and past asides (", acting on behalf of X,").
//! The issuer is whoever the sentence reports as saying it ("Treasury said", "according to
//! the British government", "said spokesman Lin Jian", a quotation's speaker), else the
//! authority acting ("OFAC designated"), else nobody: the document's publisher. A denial
//! ("rejected the accusation", "groundless", "no evidence") repeats the claims it disputes,
//! those in its own sentence or else the earlier ones it names (accusations, sanctions,
//! charges), with stance `denies` and the denier as issuer. Hypothetical and negated cues
//! ("are considering sanctions", "did not say whether") make no claim.

use std::sync::OnceLock;

use dossier_model::Stance;
use regex::Regex;
use serde::Serialize;

use crate::dates::{dates, DateMention, Day};
use crate::mentions::Gazetteer;
use crate::names::{parties, Memory, Party};
use crate::text::{sentences, tokens, Span, Token};

/// One claim read from a text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Claim {
    pub subject: Party,
    /// `sanctioned_by`, `charged_by`, `attributed_to`, `front_for`, `member_of`, `alias`,
    /// `targets` or `uses`.
    pub predicate: &'static str,
    pub object: Party,
    /// Who says it; `None` when the text says it in its own voice (its publisher).
    pub issuer: Option<Party>,
    pub stance: Stance,
    /// 0–100 where the text hedges ("likely", "may"); `None` when it does not.
    pub confidence: Option<u8>,
    /// The time the claim is about, when the sentence gives one.
    pub when: Option<DateMention>,
    /// The sentence it was read from.
    pub sentence: Span,
    /// The words that cued it.
    pub cue: Span,
}

/// Everything read from a text.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Reading {
    pub sentences: Vec<Span>,
    /// Every party mention, in order.
    pub parties: Vec<Party>,
    pub dates: Vec<DateMention>,
    pub claims: Vec<Claim>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// Subject before the cue, object after it.
    SubjectObject,
    /// Object before, subject after ("OFAC designated X", "X was targeted by Y").
    ObjectSubject,
    /// Subject before; object after "by" when given, else the acting authority.
    Passive,
    /// "attributed X to Y": subject between the cue and "to", object after "to".
    AttributeTo,
    /// "Microsoft tracks X as Y": issuer before, subject between, object after "as".
    TracksAs,
    /// "X, which Microsoft calls Y": subject before, issuer inside the cue, object after.
    WhichCalls,
    /// "victims included Y": subject the last threat actor named.
    Victims,
    /// "X created a company, Y, to use as a front": object before, subject inside the cue.
    FrontCreated,
    /// "OFAC added X, a …, and Y to the SDN list": object before, subjects inside the cue.
    AddedToList,
}

struct Cue {
    predicate: &'static str,
    layout: Layout,
    re: Regex,
}

const AUX: &str = r"(?:was|were|is|are|has\s+been|have\s+been|had\s+been|been|being|be|will\s+be)\s+(?:also\s+|formally\s+|jointly\s+|publicly\s+|now\s+|previously\s+|reportedly\s+|allegedly\s+)?";

fn cues() -> &'static [Cue] {
    static CUES: OnceLock<Vec<Cue>> = OnceLock::new();
    CUES.get_or_init(|| {
        use Layout::*;
        let table: Vec<(&'static str, Layout, String)> = vec![
            // Sanctions.
            ("sanctioned_by", Passive, format!(r"\b{AUX}(?:designated|sanctioned|blacklisted|listed|added\s+to\s+(?:the|its|their)\s+[\w\s'’-]{{0,40}}?list)\b")),
            ("sanctioned_by", ObjectSubject, r"\b(?:imposed|imposes|imposing|announced|announces|levied|placed)\s+(?:new\s+|fresh\s+|financial\s+|further\s+)?sanctions\s+(?:on|against)\b".into()),
            ("sanctioned_by", ObjectSubject, r"\b(?:froze|freezes|freezing)\s+(?:the\s+)?assets\s+of\b|\basset\s+freezes?\s+(?:on|against)\b|\btravel\s+bans?\s+(?:on|against)\b".into()),
            ("sanctioned_by", ObjectSubject, r"\b(?:designated|designates|designating|designate|sanctioned|sanctions|sanctioning|sanction|blacklisted)\b".into()),
            ("sanctioned_by", AddedToList, r"\b(?:added|adds|adding|placed|places|placing|put|puts)\b(?:\s+\S+){1,40}?\s+(?:to|on)\s+(?:the|its|their)\s+[\w\s'’-]{0,40}?list\b".into()),
            // Charges.
            ("charged_by", Passive, format!(r"\b{AUX}(?:charged|indicted|prosecuted|convicted|sentenced)\b|\b(?:faces?|facing)\s+(?:federal\s+|criminal\s+|new\s+)?charges\b")),
            ("charged_by", ObjectSubject, r"\b(?:charged|charges|charging|indicted|indicts|indicting|prosecuted|prosecuting)\b|\bindictment\s+(?:against|of)\b".into()),
            // Attribution.
            ("attributed_to", SubjectObject, format!(r"\b(?:{AUX})?(?:publicly\s+)?attributed\s+to\b|\b(?:{AUX})?(?:directly\s+|closely\s+)?(?:linked|tied|connected|affiliated|associated)\s+(?:to|with)\b")),
            ("attributed_to", SubjectObject, r"\b(?:acting|operating|working|operates|works|worked|work|acts|acted)\s+(?:on\s+behalf\s+of|for|at\s+the\s+(?:direction|behest)\s+of|under\s+the\s+direction\s+of)\b|\bon\s+behalf\s+of\b|\bat\s+the\s+(?:direction|behest)\s+of\b".into()),
            ("attributed_to", SubjectObject, r"\b(?:carried\s+out|conducted|orchestrated|perpetrated|sponsored|backed|directed|controlled|run|operated|tasked|ordered)\s+by\b".into()),
            ("attributed_to", ObjectSubject, format!(r"\b(?:{AUX})?(?:responsible\s+for|behind)\b")),
            ("attributed_to", AttributeTo, r"\b(?:attributed|attributes|attributing|attribute|blamed|blames|blaming)\b".into()),
            // Front companies.
            ("front_for", FrontCreated, r"\b(?:created|creates|set\s+up|sets\s+up|established|establishes|founded|registered|incorporated|used)\b[^.;]{0,160}?\b(?:as|to\s+use\s+as|to\s+serve\s+as|to\s+act\s+as)\s+(?:a|an|its|their)\s+(?:front|cover)\b".into()),
            ("front_for", SubjectObject, r"\b(?:front|cover|shell)(?:\s+(?:company|companies|firm|business|organi[sz]ation|entity))?\s+(?:for|used\s+by|of|on\s+behalf\s+of)\b".into()),
            // Membership.
            ("member_of", SubjectObject, r"\b(?:members?|part|officers?|operatives?|affiliates?|employees?|leaders?|founders?)\s+of\b|\b(?:belongs?|belonged|belonging)\s+to\b|\b(?:joined|joins)\b".into()),
            // Aliases.
            ("alias", TracksAs, r"\b(?:tracks|tracked|track|tracking|refers\s+to|referred\s+to|labels|labelled|labeled|identifies|identified)\b".into()),
            ("alias", WhichCalls, r"\b(?:which|whom|that)\s+[^,.;]{1,40}?\b(?:calls|call|tracks\s+as|track\s+as|refers\s+to\s+as|refer\s+to\s+as|dubs|dub|names|name)\b".into()),
            ("alias", SubjectObject, r"\b(?:also\s+|otherwise\s+|better\s+|formerly\s+)?known\s+as\b|\ba\.k\.a\.?|\baka\b|\b(?:also\s+)?(?:dubbed|nicknamed|called|named)\b|\b(?:also\s+)?(?:tracked|referred\s+to)\s+as\b".into()),
            // Targeting.
            ("targets", ObjectSubject, format!(r"\b{AUX}(?:targeted|compromised|breached|attacked|hacked|infiltrated|penetrated|hit|struck|accessed|spied\s+on)\s+by\b")),
            ("targets", Victims, r"\b(?:victims|targets)\s+(?:included|include|including|were|are|have\s+included)\b|\bamong\s+(?:the|its|their)\s+(?:victims|targets)\s+(?:were|are)\b".into()),
            ("targets", SubjectObject, r"\b(?:targeted|targets|targeting|compromised|compromising|compromise|breached|breaching|breach|attacked|attacking|hacked|hacking|hack|infiltrated|infiltrating|penetrated|struck|spied\s+on|spying\s+on)\b".into()),
            // Use of malware, tools and techniques.
            ("uses", ObjectSubject, format!(r"\b{AUX}(?:used|deployed|leveraged|employed|installed|delivered|dropped|distributed|wielded)\s+by\b")),
            ("uses", SubjectObject, r"\b(?:used|uses|using|deployed|deploys|deploying|deploy|relied\s+on|relies\s+on|relying\s+on|leveraged|leverages|leveraging|employed|employs|employing|installed|installs|delivered|delivers|dropped|drops|distributed|distributes|wielded|wields)\b".into()),
        ];
        table
            .into_iter()
            .filter_map(|(predicate, layout, re)| {
                Regex::new(&format!("(?i){re}")).ok().map(|re| Cue { predicate, layout, re })
            })
            .collect()
    })
}

fn regex(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).unwrap_or_else(|e| unreachable!("claim pattern: {e}")))
}

fn speech_verbs() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(
        &RE,
        r"(?i)^(?:said|says|say|stated|states|announced|announces|alleged|alleges|added|adds|noted|notes|warned|warns|claimed|claims|confirmed|confirms|assessed|assesses|assess|concluded|concludes|wrote|writes|reported|reports|told|believes|believe|revealed|reveals|disclosed|discloses|declared|declares|explained|argued|argues|insisted|insists|accused|accuses|accuse|asserted|asserts|maintained|maintains|responded|replied|countered|rejected|rejects|denied|denies|dismissed|dismisses|disavowed|rebuffed|refuted|called)$",
    )
}

fn denial_cue() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(
        &RE,
        r"(?i)\b(?:denied|denies|deny|denying|rejected|rejects|reject|rejecting|dismissed|dismisses|dismissing|disavowed|disavows|rebuffed|rebuffs|refuted|refutes|repudiated|groundless|baseless|unfounded|false|fabricated|fabrication|smears?|slander(?:ous)?|no\s+(?:evidence|proof|basis)|nothing\s+to\s+do\s+with|not\s+involved|never\s+(?:been\s+)?involved|without\s+(?:any\s+)?evidence|politically\s+motivated|disinformation|malicious\s+(?:hype|accusations?)|absurd|irresponsible)\b",
    )
}

/// Words before a cue that make it hypothetical or negated (no claim unless denying).
fn hypothetical() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(
        &RE,
        r"(?i)\b(?:not|never|no|n't|neither|nor|whether|if|considering|consider|considers|weighing|weighs|plans?\s+to|planning\s+to|threatened\s+to|threatens\s+to|urged|urges|called\s+for|calls\s+for|proposed|proposes|could\s+face|would|unless|asked|ask|questioned)\b|n't\b",
    )
}

fn hedge(words: &str) -> Option<u8> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = regex(
        &RE,
        r"(?i)\b(almost\s+certainly|highly\s+likely|very\s+likely|likely|probably|suspected|believed|assessed|possibly|may|might|could|reportedly|allegedly)\b",
    );
    let m = re.captures_iter(words).last()?;
    Some(
        match m[1]
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .as_str()
        {
            "almost certainly" => 95,
            "highly likely" | "very likely" => 85,
            "likely" | "probably" | "believed" | "assessed" => 70,
            "suspected" | "reportedly" | "allegedly" => 60,
            _ => 40,
        },
    )
}

/// Nouns a denial names, and the predicates of the claims they dispute.
fn denied_predicates(sentence: &str) -> &'static [&'static str] {
    let s = sentence.to_lowercase();
    if s.contains("sanction") || s.contains("designation") {
        &["sanctioned_by"]
    } else if s.contains("charge") || s.contains("indictment") || s.contains("prosecution") {
        &["charged_by"]
    } else {
        &["attributed_to", "targets", "front_for", "member_of"]
    }
}

/// Reads the claims of `text`, published on `published`, naming the gazetteer's entities.
pub fn read(text: &str, gazetteer: &Gazetteer, published: Day) -> Reading {
    let sentence_spans = sentences(text);
    let mentions = gazetteer.mentions(text);
    let all_dates = dates(text, published);
    let mut memory = Memory::default();
    let mut reading = Reading {
        sentences: sentence_spans.clone(),
        dates: all_dates.clone(),
        ..Reading::default()
    };
    // Pass 1: parties and issuers per sentence.
    let mut per_sentence: Vec<(Vec<Token>, Vec<Party>, Option<Party>)> = Vec::new();
    for &span in &sentence_spans {
        let toks = tokens(text, span);
        let before = memory.snapshot();
        // A headline in title case ("Treasury Designates Three Hacking Groups") names
        // nothing the body does not name properly.
        let s_text = &text[span.0..span.1];
        let words: Vec<&str> = toks
            .iter()
            .filter(|t| t.word)
            .map(|t| t.text(text))
            .collect();
        let capitals = words
            .iter()
            .filter(|w| w.starts_with(char::is_uppercase))
            .count();
        let title_case = !s_text.ends_with(['.', '!', '?', '"', '”'])
            && words.len() >= 4
            && capitals * 10 >= words.len() * 6;
        let ps = if title_case {
            Vec::new()
        } else {
            parties(text, span, &toks, &mentions, &mut memory)
        };
        let issuer = speaker(text, &toks, &ps, &before);
        reading.parties.extend(ps.iter().cloned());
        per_sentence.push((toks, ps, issuer));
    }
    // Quotations running over several sentences take the speaker named where they close.
    let mut k = 0;
    while k < per_sentence.len() {
        let s = &text[sentence_spans[k].0..sentence_spans[k].1];
        if per_sentence[k].2.is_none() && opens_quote(s) && !closes_quote(s) {
            if let Some(end) = (k + 1..per_sentence.len().min(k + 6))
                .find(|&m| closes_quote(&text[sentence_spans[m].0..sentence_spans[m].1]))
            {
                let speaker = per_sentence[end].2.clone();
                for slot in per_sentence.iter_mut().take(end).skip(k) {
                    slot.2.clone_from(&speaker);
                }
                k = end;
            }
        }
        k += 1;
    }
    // Pass 2: claims.
    let mut last_actor: Option<Party> = None;
    for (idx, &span) in sentence_spans.iter().enumerate() {
        let (toks, ps, issuer) = &per_sentence[idx];
        let s_text = &text[span.0..span.1];
        // Headings (no closing punctuation) restate the story; claims come from its body.
        if !s_text.ends_with(['.', '!', '?', '"', '”', '’', ')', '\'']) {
            continue;
        }
        let denial = denial_cue()
            .find(s_text)
            .map(|m| (span.0 + m.start(), span.0 + m.end()));
        let found = sentence_claims(
            text,
            span,
            toks,
            ps,
            issuer.as_ref(),
            last_actor.as_ref(),
            denial.is_some(),
        );
        let mut claims: Vec<Claim> = found
            .into_iter()
            .map(|mut c| {
                c.when = nearest_date(&all_dates, span, c.cue);
                c
            })
            .collect();
        if let Some(cue) = denial {
            // The denier: who is said to speak, else who rejects.
            let denier = issuer.clone().or_else(|| {
                ps.iter()
                    .rfind(|p| {
                        p.end <= cue.0
                            && !matches!(p.kind.as_str(), "threat_actor" | "malware" | "tool")
                    })
                    .cloned()
            });
            // Disputing what the text reported before takes someone who disputes it.
            let credible = denier
                .as_ref()
                .is_some_and(|d| matches!(d.kind.as_str(), "person" | "organization" | "country"));
            if claims.is_empty() && credible {
                let wanted = denied_predicates(s_text);
                let mut disputed: Vec<Claim> = reading
                    .claims
                    .iter()
                    .filter(|c| c.stance == Stance::Asserts && wanted.contains(&c.predicate))
                    .cloned()
                    .collect();
                // Disputes are of what the text reported most recently.
                if let Some(latest) = disputed.iter().map(|c| c.sentence.0).max() {
                    if wanted.contains(&"attributed_to")
                        && disputed.iter().any(|c| c.predicate == "attributed_to")
                    {
                        disputed.retain(|c| c.predicate == "attributed_to");
                    } else {
                        disputed.retain(|c| c.sentence.0 == latest);
                    }
                }
                for mut c in disputed {
                    c.stance = Stance::Denies;
                    c.issuer.clone_from(&denier);
                    c.sentence = span;
                    c.cue = cue;
                    c.confidence = None;
                    claims.push(c);
                }
            } else {
                for c in &mut claims {
                    c.stance = Stance::Denies;
                    if c.issuer.is_none() {
                        c.issuer.clone_from(&denier);
                    }
                }
            }
        }
        for c in claims {
            let duplicate = reading.claims.iter().any(|d| {
                d.predicate == c.predicate
                    && d.stance == c.stance
                    && d.subject.name == c.subject.name
                    && d.object.name == c.object.name
                    && d.issuer.as_ref().map(|i| &i.name) == c.issuer.as_ref().map(|i| &i.name)
            });
            if !duplicate && c.subject.name != c.object.name {
                reading.claims.push(c);
            }
        }
        if let Some(actor) = ps.iter().rev().find(|p| p.kind == "threat_actor") {
            last_actor = Some(actor.clone());
        }
    }
    reading
}

fn opens_quote(s: &str) -> bool {
    s.starts_with(['"', '“'])
}

fn closes_quote(s: &str) -> bool {
    let opens = s.matches(['“']).count();
    let closes = s.matches(['”']).count();
    let straight = s.matches('"').count();
    closes > opens
        || (straight % 2 == 1 && !s.starts_with('"'))
        || (s.starts_with(['"', '“']) && (closes > 0 || straight >= 2))
}

fn nearest_date(all: &[DateMention], span: Span, cue: Span) -> Option<DateMention> {
    all.iter()
        .filter(|d| d.start >= span.0 && d.end <= span.1)
        .min_by_key(|d| d.start.abs_diff(cue.0))
        .cloned()
}

/// Who the sentence says is speaking: "X said", "X, in a statement, said", "said X",
/// "according to X", "the minister said" (the last person named).
fn speaker(text: &str, toks: &[Token], ps: &[Party], memory: &Memory) -> Option<Party> {
    let words: Vec<&str> = toks.iter().map(|t| t.text(text)).collect();
    let lw: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    for (i, w) in lw.iter().enumerate() {
        if w == "according" && lw.get(i + 1).is_some_and(|n| n == "to") {
            let at = toks.get(i + 2).map_or(usize::MAX, |t| t.start);
            if let Some(p) = ps.iter().find(|p| p.start >= at && p.start <= at + 4) {
                return Some(p.clone());
            }
        }
    }
    for (i, w) in lw.iter().enumerate() {
        if !speech_verbs().is_match(w) {
            continue;
        }
        // "X said", "X, in a statement on Monday, said", "X has said".
        let verb_start = toks[i].start;
        let before = ps.iter().rfind(|p| p.end <= verb_start);
        if let Some(p) = before {
            let gap: Vec<&str> = toks
                .iter()
                .zip(&lw)
                .filter(|(t, _)| t.start >= p.end && t.end <= verb_start)
                .map(|(_, w)| w.as_str())
                .collect();
            let plain = gap.len() <= 2
                && gap.iter().all(|w| {
                    matches!(
                        *w,
                        "has"
                            | "had"
                            | "have"
                            | "also"
                            | "later"
                            | "then"
                            | "previously"
                            | ","
                            | "on"
                            | "publicly"
                            | "repeatedly"
                            | "separately"
                            | "further"
                            | "today"
                            | "jointly"
                    )
                });
            let aside = gap.first() == Some(&",") && gap.last() == Some(&",") && gap.len() <= 12;
            if (plain || aside || gap.is_empty())
                && !matches!(p.kind.as_str(), "malware" | "tool" | "attack_pattern")
            {
                return Some(p.clone());
            }
        }
        // "the minister said", "the agencies said".
        if i >= 1 {
            let noun = lw[i - 1].as_str();
            let kind = match noun {
                "minister" | "spokesman" | "spokeswoman" | "spokesperson" | "official"
                | "secretary" | "ambassador" | "director" | "he" | "she" => Some("person"),
                "ministry" | "department" | "agency" | "agencies" | "embassy" | "office"
                | "government" | "company" | "firm" | "statement" | "treasury" => {
                    Some("organization")
                }
                _ => None,
            };
            if let Some(p) = kind.and_then(|k| memory.last_of(k)) {
                let mut p = p.clone();
                p.start = toks[i - 1].start;
                p.end = toks[i - 1].end;
                p.text = words[i - 1].to_owned();
                p.how = "reference";
                return Some(p);
            }
            // "Prosecutors said", "the agencies said": a body the text does not name.
            if matches!(
                noun,
                "prosecutors"
                    | "officials"
                    | "investigators"
                    | "researchers"
                    | "authorities"
                    | "agencies"
                    | "analysts"
                    | "experts"
                    | "lawmakers"
                    | "diplomats"
                    | "ministry"
                    | "embassy"
                    | "government"
                    | "department"
            ) {
                let (start, end) = (toks[i - 1].start, toks[i - 1].end);
                return Some(Party::new(
                    start,
                    end,
                    words[i - 1],
                    "organization",
                    "speaker",
                ));
            }
        }
        // ", said X" and "said X." after a quotation.
        if i >= 1 && matches!(lw[i - 1].as_str(), "," | "”" | "\"" | "’") {
            let after = toks.get(i + 1).map_or(usize::MAX, |t| t.start);
            if let Some(p) = ps
                .iter()
                .find(|p| p.start >= after && p.start <= after + 40)
            {
                return Some(p.clone());
            }
        }
    }
    None
}

/// Token-index ranges of asides: comma- or bracket-delimited stretches that open with an
/// apposition or a relative word (", a member of X,", ", acting on behalf of Y,").
fn asides(text: &str, toks: &[Token]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let w = t.text(text);
        if w != "," && w != "(" {
            continue;
        }
        let Some(next) = toks.get(i + 1).map(|t| t.text(text).to_lowercase()) else {
            continue;
        };
        if !matches!(
            next.as_str(),
            "a" | "an"
                | "acting"
                | "also"
                | "known"
                | "which"
                | "who"
                | "whom"
                | "whose"
                | "dubbed"
                | "tracked"
                | "one"
                | "working"
                | "based"
                | "its"
                | "their"
                | "operating"
                | "part"
                | "described"
                | "formerly"
                | "a.k.a."
                | "aka"
                | "allegedly"
                | "reportedly"
        ) {
            continue;
        }
        let close = if w == "(" { ")" } else { "," };
        let end = toks[i + 1..]
            .iter()
            .position(|t| t.text(text) == close || t.text(text) == ";")
            .map_or(toks.len(), |p| i + 1 + p);
        out.push((i, end));
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn sentence_claims(
    text: &str,
    span: Span,
    toks: &[Token],
    ps: &[Party],
    issuer: Option<&Party>,
    last_actor: Option<&Party>,
    denying: bool,
) -> Vec<Claim> {
    let s_text = &text[span.0..span.1];
    // Every cue match; overlapping ones keep the one listed first in the table.
    let mut matches: Vec<(usize, usize, usize)> = Vec::new();
    for (ci, cue) in cues().iter().enumerate() {
        for m in cue.re.find_iter(s_text) {
            matches.push((span.0 + m.start(), span.0 + m.end(), ci));
        }
    }
    matches.sort_by_key(|&(s, e, ci)| (ci, s, e));
    let mut kept: Vec<(usize, usize, usize)> = Vec::new();
    for m in matches {
        // A cue inside a party's name ("Hacking Team", "Sanctions Office") is no cue.
        if ps.iter().any(|p| p.start <= m.0 && m.1 <= p.end) {
            continue;
        }
        if !kept.iter().any(|k| k.0 < m.1 && m.0 < k.1) {
            kept.push(m);
        }
    }
    kept.sort();
    let asides = asides(text, toks);
    let tok_at = |pos: usize| {
        toks.iter()
            .position(|t| t.start >= pos)
            .unwrap_or(toks.len())
    };
    let in_aside = |ti: usize| asides.iter().find(|(a, b)| ti > *a && ti <= *b).copied();
    let speaking = |p: &Party| issuer.is_some_and(|i| i.start == p.start && i.end == p.end);
    let mut out = Vec::new();
    // The subjects and object end of the previous cue, for verbs sharing a subject
    // ("X deployed Y and targeted Z").
    let mut previous: Option<(Vec<Party>, usize)> = None;
    for &(cs, ce, ci) in &kept {
        let cue = &cues()[ci];
        let cue_tok = tok_at(cs);
        // A verb cue used as a noun or adjective: "its targets", "to target", "hacking
        // groups", "the attack".
        if cue.layout == Layout::SubjectObject && !text[cs..ce].contains(char::is_whitespace) {
            let prev = cue_tok
                .checked_sub(1)
                .map(|k| toks[k].text(text).to_lowercase());
            let next = toks.get(tok_at(ce)).map(|t| t.text(text).to_lowercase());
            let noun_use = matches!(
                prev.as_deref(),
                Some(
                    "the"
                        | "its"
                        | "their"
                        | "a"
                        | "an"
                        | "his"
                        | "her"
                        | "our"
                        | "of"
                        | "to"
                        | "for"
                )
            ) || (text[cs..ce].ends_with('s') && next.as_deref() == Some("of"));
            let adjective = text[cs..ce].ends_with("ing")
                && matches!(
                    next.as_deref(),
                    Some(
                        "group"
                            | "groups"
                            | "campaign"
                            | "campaigns"
                            | "operation"
                            | "operations"
                            | "unit"
                            | "team"
                            | "tools"
                            | "tool"
                            | "activity"
                            | "activities"
                            | "crew"
                            | "infrastructure"
                            | "spree"
                            | "techniques"
                            | "attempts"
                            | "efforts"
                    )
                );
            if noun_use || adjective {
                continue;
            }
        }
        let cue_aside = in_aside(cue_tok);
        // Clause words before the cue decide hypotheticals, negation and hedges.
        let clause_start = toks[..cue_tok]
            .iter()
            .rposition(|t| matches!(t.text(text), ";" | ":"))
            .map_or(span.0, |i| toks[i].end);
        let lead_start = toks[cue_tok.saturating_sub(5)..cue_tok]
            .first()
            .map_or(cs, |t| t.start)
            .max(clause_start);
        let lead = &text[lead_start..cs];
        if !denying && hypothetical().is_match(lead) {
            continue;
        }
        let confidence = hedge(&text[lead_start..ce]);
        // The party before the cue: nearest in the clause, past asides and the speaker.
        let before = |from: usize| -> Vec<Party> {
            let idx = ps
                .iter()
                .enumerate()
                .filter(|(_, p)| p.end <= from && p.start >= clause_start && !speaking(p))
                .filter(|(_, p)| {
                    let a = in_aside(tok_at(p.start));
                    a.is_none() || a == cue_aside
                })
                .map(|(i, _)| i)
                .next_back();
            idx.map(|i| coordinated(text, ps, i, false, span.1))
                .unwrap_or_default()
                .into_iter()
                .filter(|p| !speaking(p))
                .flat_map(expand)
                .collect()
        };
        // A cue inside an aside (", a front company for X,") reads its object there.
        let list_end = cue_aside
            .and_then(|(_, b)| toks.get(b))
            .map_or(span.1, |t| t.start);
        let after = |from: usize| -> Vec<Party> {
            let limit = toks
                .iter()
                .filter(|t| t.start >= from)
                .take(14)
                .last()
                .map_or(from, |t| t.end);
            let in_window = |p: &Party| p.start >= from && p.start <= limit && !speaking(p);
            // What is used is malware, a tool or a technique when the window names one.
            let used = |p: &Party| matches!(p.kind.as_str(), "malware" | "tool" | "attack_pattern");
            let idx = if cue.predicate == "uses" && ps.iter().any(|p| in_window(p) && used(p)) {
                ps.iter().position(|p| in_window(p) && used(p))
            } else {
                ps.iter().position(in_window)
            };
            idx.map(|i| coordinated(text, ps, i, true, list_end))
                .unwrap_or_default()
                .into_iter()
                .flat_map(expand)
                .collect::<Vec<_>>()
        };
        let after_word = |word: &str, from: usize| -> Option<usize> {
            toks.iter()
                .filter(|t| t.start >= from)
                .take(16)
                .find(|t| t.text(text).eq_ignore_ascii_case(word))
                .map(|t| t.end)
        };
        let mut pairs: Vec<(Party, Party, Option<Party>)> = Vec::new();
        let own_issuer = issuer.cloned();
        let shared_subject = previous.as_ref().and_then(|(subjects, object_end)| {
            let between = text.get(*object_end..cs)?.trim().to_lowercase();
            matches!(
                between.as_str(),
                "and" | ", and" | "," | "and then" | "and later" | "and also"
            )
            .then(|| subjects.clone())
        });
        match cue.layout {
            Layout::SubjectObject => {
                // Victims are often described, not named: "targeted critics of China,
                // U.S. businesses and political officials".
                let objects = match noun_phrases(text, toks, ps, tok_at(ce)) {
                    described if cue.predicate == "targets" && !described.is_empty() => described,
                    _ => after(ce),
                };
                // "CISA has observed the actors using X": the observer says so; it is not
                // who uses X.
                let observed = |p: &Party| {
                    text.get(p.end..cs).is_some_and(|between| {
                        between.split(|c: char| !c.is_alphanumeric()).any(|w| {
                            matches!(
                                w.to_lowercase().as_str(),
                                "observed"
                                    | "observes"
                                    | "observe"
                                    | "seen"
                                    | "saw"
                                    | "sees"
                                    | "identified"
                                    | "detected"
                                    | "detects"
                                    | "noticed"
                                    | "found"
                                    | "finds"
                                    | "spotted"
                                    | "watched"
                            )
                        })
                    })
                };
                let subjects = shared_subject.clone().unwrap_or_else(|| before(cs));
                let observer = subjects.iter().find(|p| observed(p)).cloned();
                for s in subjects.into_iter().filter(|p| !observed(p)) {
                    for o in &objects {
                        pairs.push((
                            s.clone(),
                            o.clone(),
                            own_issuer.clone().or_else(|| observer.clone()),
                        ));
                    }
                }
            }
            Layout::ObjectSubject => {
                let acting = matches!(cue.predicate, "sanctioned_by" | "charged_by");
                let mut agents = before(cs);
                // The acting authority: a place ("in Brooklyn") or a name of unknown kind
                // gives way to an authority the sentence names as speaking.
                if acting {
                    agents.retain(|p| {
                        let prev = toks[..tok_at(p.start)]
                            .last()
                            .map(|t| t.text(text).to_lowercase());
                        !matches!(prev.as_deref(), Some("in" | "at" | "near" | "from" | "of"))
                    });
                    let weak = agents.iter().all(|p| p.kind == "unknown" || !authority(p));
                    if weak {
                        if let Some(i) = own_issuer.as_ref().filter(|i| authority(i)) {
                            agents = vec![i.clone()];
                        }
                    }
                }
                for o in agents {
                    for s in after(ce) {
                        let iss = own_issuer.clone().or_else(|| acting.then(|| o.clone()));
                        pairs.push((s, o.clone(), iss));
                    }
                }
            }
            Layout::Passive => {
                let by = toks
                    .iter()
                    .find(|t| t.start >= ce)
                    .filter(|t| t.text(text).eq_ignore_ascii_case("by"))
                    .map(|t| t.end);
                let agents = match by {
                    Some(b) => after(b),
                    None => own_issuer
                        .iter()
                        .filter(|p| authority(p))
                        .cloned()
                        .collect(),
                };
                // "X was sanctioned by the UK along with A and B".
                let mut subjects = before(cs);
                let agent_end = agents.iter().map(|a| a.end).max().unwrap_or(ce);
                let along = text.get(agent_end..span.1).and_then(|rest| {
                    let r = rest.trim_start().to_lowercase();
                    ["along with ", "together with ", "as well as "]
                        .iter()
                        .find(|w| r.starts_with(**w))
                        .map(|w| agent_end + (rest.len() - rest.trim_start().len()) + w.len())
                });
                if let Some(from) = along {
                    subjects.extend(after(from));
                }
                for s in subjects {
                    for o in &agents {
                        let iss = own_issuer.clone().or_else(|| Some(o.clone()));
                        pairs.push((s.clone(), o.clone(), iss));
                    }
                }
            }
            Layout::AttributeTo => {
                let Some(to) = after_word("to", ce).or_else(|| after_word("for", ce)) else {
                    continue;
                };
                let blame = text[cs..ce].to_lowercase().starts_with("blam");
                let middle: Vec<Party> = ps
                    .iter()
                    .filter(|p| p.start >= ce && p.end <= to)
                    .cloned()
                    .collect();
                let last: Vec<Party> = after(to);
                let (subjects, objects) = if blame {
                    (last, middle)
                } else {
                    (middle, last)
                };
                let attributor = before(cs).into_iter().next().or(own_issuer.clone());
                for s in &subjects {
                    for o in &objects {
                        pairs.push((s.clone(), o.clone(), attributor.clone()));
                    }
                }
            }
            Layout::TracksAs => {
                let Some(as_end) = after_word("as", ce) else {
                    continue;
                };
                let tracker = before(cs).into_iter().next();
                let subjects: Vec<Party> = ps
                    .iter()
                    .filter(|p| p.start >= ce && p.end <= as_end)
                    .cloned()
                    .collect();
                for s in &subjects {
                    for o in after(as_end) {
                        pairs.push((s.clone(), o, tracker.clone().or(own_issuer.clone())));
                    }
                }
            }
            Layout::WhichCalls => {
                let caller = ps.iter().find(|p| p.start >= cs && p.end <= ce).cloned();
                for s in before(cs) {
                    for o in after(ce) {
                        pairs.push((s.clone(), o, caller.clone().or(own_issuer.clone())));
                    }
                }
            }
            Layout::Victims => {
                let actor = before(cs)
                    .into_iter()
                    .find(|p| p.kind == "threat_actor")
                    .or_else(|| last_actor.cloned());
                if let Some(a) = actor {
                    let described = noun_phrases(text, toks, ps, tok_at(ce));
                    let objects = if described.is_empty() {
                        after(ce)
                    } else {
                        described
                    };
                    for o in objects {
                        pairs.push((a.clone(), o, own_issuer.clone()));
                    }
                }
            }
            Layout::AddedToList => {
                let inside: Vec<Party> = ps
                    .iter()
                    .filter(|p| p.start >= cs && p.end <= ce && !speaking(p))
                    .filter(|p| in_aside(tok_at(p.start)).is_none())
                    .filter(|p| !matches!(p.kind.as_str(), "country" | "campaign"))
                    .cloned()
                    .collect();
                for o in before(cs) {
                    for s in &inside {
                        let iss = own_issuer.clone().or_else(|| Some(o.clone()));
                        pairs.push((s.clone(), o.clone(), iss));
                    }
                }
            }
            Layout::FrontCreated => {
                let fronts: Vec<Party> = ps
                    .iter()
                    .filter(|p| {
                        p.start >= cs
                            && p.end <= ce
                            && matches!(p.kind.as_str(), "organization" | "unknown")
                    })
                    .cloned()
                    .collect();
                for o in before(cs) {
                    for f in &fronts {
                        pairs.push((f.clone(), o.clone(), own_issuer.clone()));
                    }
                }
            }
        }
        if matches!(cue.layout, Layout::SubjectObject) {
            let subjects: Vec<Party> = pairs.iter().map(|p| p.0.clone()).collect();
            if let Some(end) = pairs.iter().map(|p| p.1.end).max() {
                previous = Some((subjects, end));
            }
        } else {
            previous = None;
        }
        for (subject, object, iss) in pairs {
            if !fits(cue.predicate, &subject, &object) {
                continue;
            }
            let iss = iss.filter(|i| i.name != subject.name || cue.predicate == "alias");
            // Who is behind an attack on X targets X.
            if cue.predicate == "attributed_to" {
                if let Some(target) = subject.target.as_deref() {
                    if target.name != object.name && object.kind != "country" {
                        out.push(Claim {
                            subject: object.clone(),
                            predicate: "targets",
                            object: target.clone(),
                            issuer: iss.clone(),
                            stance: Stance::Asserts,
                            confidence,
                            when: None,
                            sentence: span,
                            cue: (cs, ce),
                        });
                    }
                }
            }
            out.push(Claim {
                subject,
                predicate: cue.predicate,
                object,
                issuer: iss,
                stance: Stance::Asserts,
                confidence,
                when: None,
                sentence: span,
                cue: (cs, ce),
            });
        }
    }
    out
}

/// Whether a party can act as a sanctioning or prosecuting authority.
fn authority(p: &Party) -> bool {
    matches!(p.kind.as_str(), "organization" | "country" | "unknown")
}

/// Whether the parties' kinds fit the predicate.
/// Lowercase noun phrases listed from token `from` ("critics of China, U.S. businesses and
/// political officials"), as parties of kind `sector`; empty when a name comes first.
fn noun_phrases(text: &str, toks: &[Token], ps: &[Party], from: usize) -> Vec<Party> {
    const SKIP: &[&str] = &[
        "the",
        "a",
        "an",
        "its",
        "their",
        "his",
        "her",
        "several",
        "many",
        "some",
        "numerous",
        "multiple",
        "various",
        "other",
        "dozens",
        "hundreds",
        "thousands",
        "of",
    ];
    const STOPS: &[&str] = &[
        "and",
        "or",
        "with",
        "by",
        "to",
        "from",
        "between",
        "since",
        "during",
        "over",
        "through",
        "using",
        "via",
        "including",
        "for",
        "after",
        "before",
        "until",
        "while",
        "when",
        "that",
        "which",
        "who",
        "as",
        "on",
        "across",
        "at",
        "into",
        "earlier",
        "last",
        "this",
        "is",
        "are",
        "was",
        "were",
        "had",
        "has",
        "have",
        "in",
        "but",
        "then",
        "than",
    ];
    let word = |k: usize| toks.get(k).map(|t| t.text(text).to_lowercase());
    let starts_party = |k: usize| {
        toks.get(k)
            .is_some_and(|t| ps.iter().any(|p| p.start == t.start && p.kind != "country"))
    };
    let mut out = Vec::new();
    let mut k = from;
    while out.len() < 5 {
        while word(k).is_some_and(|w| SKIP.contains(&w.as_str())) {
            k += 1;
        }
        let Some(first) = toks.get(k) else {
            break;
        };
        let w0 = first.text(text);
        if !first.word
            || starts_party(k)
            || w0.ends_with("ing")
            || STOPS.contains(&w0.to_lowercase().as_str())
        {
            break;
        }
        let start = first.start;
        let mut end = first.end;
        let mut n = 1;
        k += 1;
        while let Some(t) = toks.get(k) {
            let w = t.text(text).to_lowercase();
            if !t.word || n >= 6 {
                break;
            }
            if w == "of" || w == "in" {
                // "critics of China", "a water utility in Texas".
                match toks.get(k + 1) {
                    Some(next)
                        if next.word
                            && (w == "of" || next.text(text).starts_with(char::is_uppercase)) =>
                    {
                        end = next.end;
                        k += 2;
                        n += 2;
                        continue;
                    }
                    _ => break,
                }
            }
            if STOPS.contains(&w.as_str()) || w.ends_with("ing") && n > 1 {
                break;
            }
            end = t.end;
            k += 1;
            n += 1;
        }
        let phrase = &text[start..end];
        out.push(Party::new(start, end, phrase, "sector", "noun phrase"));
        // The list goes on after ",", "and" or ", and".
        let mut j = k;
        let mut joined = false;
        while let Some(w) = word(j) {
            if w == "," || w == "and" || w == "or" {
                joined = true;
                j += 1;
            } else {
                break;
            }
        }
        if !joined || word(j).is_some_and(|w| w.ends_with("ing")) {
            break;
        }
        k = j;
    }
    out
}

/// A plural reference as the parties it stands for; any other party as itself.
fn expand(p: Party) -> Vec<Party> {
    if p.group.is_empty() {
        vec![p]
    } else {
        p.group
    }
}

fn fits(predicate: &str, subject: &Party, object: &Party) -> bool {
    let s = subject.kind.as_str();
    let o = object.kind.as_str();
    match predicate {
        "sanctioned_by" | "charged_by" => authority(object) && s != "attack_pattern",
        "uses" => {
            matches!(o, "malware" | "tool" | "attack_pattern" | "unknown")
                && !matches!(s, "country" | "malware" | "attack_pattern")
        }
        "targets" => {
            !matches!(s, "attack_pattern") && !matches!(o, "malware" | "tool" | "attack_pattern")
        }
        "member_of" => !matches!(
            o,
            "malware" | "tool" | "attack_pattern" | "country" | "person"
        ),
        "front_for" => matches!(s, "organization" | "unknown"),
        "alias" => {
            !matches!(o, "attack_pattern" | "country" | "sector" | "campaign") && s != "country"
        }
        "attributed_to" => !matches!(o, "malware" | "tool" | "attack_pattern"),
        _ => true,
    }
}

/// What may stand between two parties of one list: ",", "and", ", and two Chinese
/// nationals,", "as well as".
fn list_joiner() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    regex(
        &RE,
        r"(?i)^,?\s*(?:and|or|as\s+well\s+as|&|along\s+with|together\s+with)?\s*(?:on|against)?\s*(?:(?:the|its|their|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|\d+)?\s*(?:[A-Z][\w-]*\s+)?(?:nationals?|citizens?|individuals?|persons?|people|companies|company|entities|entity|firms?|officials?|officers?|men|women|hackers?|businessm[ae]n|executives?|subsidiar(?:y|ies)|affiliates?)\s*,?)?\s*(?:and\s+)?$",
    )
}

fn joined_text(text: &str, from: usize, to: usize) -> bool {
    text.get(from..to)
        .is_some_and(|b| b.len() <= 80 && list_joiner().is_match(b.trim()))
}

/// The party at `i` and those listed with it ("A, B and C"), forwards or backwards.
/// Forwards, a list runs on past an aside of its own (", a front company for X, and Y").
fn coordinated(text: &str, ps: &[Party], i: usize, forward: bool, limit: usize) -> Vec<Party> {
    let compatible = |a: &Party, b: &Party| {
        a.kind == b.kind
            || (matches!(a.kind.as_str(), "person" | "organization" | "unknown")
                && matches!(b.kind.as_str(), "person" | "organization" | "unknown"))
    };
    let mut out = vec![ps[i].clone()];
    if forward {
        let mut k = i;
        while k + 1 < ps.len() && ps[k + 1].end <= limit {
            let mut next = k + 1;
            if !joined_text(text, ps[k].end, ps[next].start) {
                let rest = &text[ps[k].end..];
                let opens = rest
                    .trim_start()
                    .strip_prefix(',')
                    .map(str::trim_start)
                    .is_some_and(|r| {
                        let w = r.split_whitespace().next().unwrap_or("").to_lowercase();
                        matches!(
                            w.as_str(),
                            "a" | "an"
                                | "which"
                                | "who"
                                | "its"
                                | "their"
                                | "based"
                                | "also"
                                | "acting"
                        )
                    });
                let close = rest.find(", and ").filter(|c| *c < 160);
                let resumed = match (opens, close) {
                    (true, Some(c)) => {
                        let resume = ps[k].end + c + 1;
                        ps.iter()
                            .position(|p| p.start >= resume)
                            .filter(|&n| joined_text(text, resume, ps[n].start))
                    }
                    _ => None,
                };
                match resumed.filter(|&n| ps[n].end <= limit) {
                    Some(n) => next = n,
                    None => break,
                }
            }
            if !compatible(&ps[i], &ps[next]) {
                break;
            }
            out.push(ps[next].clone());
            k = next;
        }
    } else {
        let mut k = i;
        while k > 0
            && joined_text(text, ps[k - 1].end, ps[k].start)
            && compatible(&ps[k - 1], &ps[i])
        {
            out.push(ps[k - 1].clone());
            k -= 1;
        }
        out.reverse();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mentions::GazetteerName;

    fn gazetteer() -> Gazetteer {
        let n = GazetteerName::new;
        Gazetteer::new([
            n("APT31", "intrusion-set--1", "threat_actor"),
            n("Violet Typhoon", "intrusion-set--1", "threat_actor"),
            n("Microsoft", "identity--ms", "organization"),
            n("ShadowPad", "malware--1", "malware"),
        ])
    }

    fn triples(r: &Reading) -> Vec<String> {
        r.claims
            .iter()
            .map(|c| {
                format!(
                    "{} {} {} [{}] {}",
                    c.subject.name,
                    c.predicate,
                    c.object.name,
                    c.issuer.as_ref().map_or("-", |i| i.name.as_str()),
                    c.stance.as_str()
                )
            })
            .collect()
    }

    fn day() -> Day {
        Day::new(2024, 3, 25).unwrap_or(Day {
            year: 2024,
            month: 3,
            day: 25,
        })
    }

    #[test]
    fn sanctions_attribution_and_denial() {
        let text = "Treasury sanctions Chinese hackers\n\n\
            On March 25, the Treasury designated Wuhan Xiaoruizhi Science and Technology Company, \
            Limited, a front company for the Ministry of State Security. \
            The British government said APT31 was responsible for the attack on the Electoral Commission. \
            Two Chinese nationals, Zhao Guangzong and Ni Gaobin, were charged by the Justice Department. \
            Chinese foreign ministry spokesman Lin Jian rejected the accusations as groundless.";
        let r = read(text, &gazetteer(), day());
        let t = triples(&r);
        for want in [
            "Wuhan Xiaoruizhi Science and Technology Company, Limited sanctioned_by Treasury [Treasury] asserts",
            "Wuhan Xiaoruizhi Science and Technology Company, Limited front_for Ministry of State Security [-] asserts",
            "attack on the Electoral Commission attributed_to APT31 [British government] asserts",
            "APT31 targets Electoral Commission [British government] asserts",
            "Zhao Guangzong charged_by Justice Department [Justice Department] asserts",
            "Ni Gaobin charged_by Justice Department [Justice Department] asserts",
            "attack on the Electoral Commission attributed_to APT31 [Lin Jian] denies",
        ] {
            assert!(t.contains(&want.to_owned()), "missing {want:?} in {t:#?}");
        }
        let sanction = r.claims.iter().find(|c| c.predicate == "sanctioned_by");
        assert_eq!(
            sanction.and_then(|c| c.when.as_ref()).map(|d| d.from),
            Day::new(2024, 3, 25)
        );
        // Spans point back into the text.
        for c in &r.claims {
            assert!(c.sentence.0 <= c.cue.0 && c.cue.1 <= c.sentence.1);
            assert_eq!(&text[c.subject.start..c.subject.end], c.subject.text);
        }
    }

    #[test]
    fn aliases_uses_targets_and_hypotheticals() {
        let text =
            "Microsoft tracks APT31 as Violet Typhoon. The group deployed ShadowPad and targeted \
            Acme Trading LLC. Officials are considering sanctions on Acme Trading LLC. \
            The report did not say whether APT31 targeted Globex Corp.";
        let t = triples(&read(text, &gazetteer(), day()));
        for want in [
            "APT31 alias Violet Typhoon [Microsoft] asserts",
            "APT31 uses ShadowPad [-] asserts",
            "APT31 targets Acme Trading LLC [-] asserts",
        ] {
            assert!(t.contains(&want.to_owned()), "missing {want:?} in {t:#?}");
        }
        assert!(
            !t.iter()
                .any(|c| c.contains("sanctioned_by") || c.contains("Globex")),
            "{t:#?}"
        );
    }

    #[test]
    fn observers_and_technical_falsehoods_make_no_claims() {
        let text = "APT31 targeted Acme Trading LLC. Microsoft has observed the actors using \
            ShadowPad. The IOCs below may produce false positives.";
        let t = triples(&read(text, &gazetteer(), day()));
        assert_eq!(t, ["APT31 targets Acme Trading LLC [-] asserts"], "{t:#?}");
    }

    #[test]
    fn broken_text_reads_without_panic() {
        let g = gazetteer();
        for t in [
            "",
            "designated",
            "was charged by",
            "attributed to to to",
            "\"",
            "“unterminated quote",
            "Microsoft tracks",
            "victims included",
            ", , ,",
            "a\u{0}b",
        ] {
            let r = read(t, &g, day());
            assert!(r.claims.len() <= 2, "{t:?}");
        }
    }
}
