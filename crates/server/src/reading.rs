//! `dossier read`, `review`, `accept` and `reject`: a document becomes a source whose
//! findings (entities, indicators, claims and denials) wait for an analyst's decision, and
//! every person and organisation it names is screened against the sanctions lists.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use anyhow::{Context, Result};
use dossier_extract::claims::{read, Claim, Reading};
use dossier_extract::dates::Day;
use dossier_extract::indicators;
use dossier_extract::mentions::Gazetteer;
use dossier_extract::names::Party;
use dossier_model::{
    name_key, Confidence, ContentHash, EntityId, EntityKind, Object, PartialDate, Predicate,
    Source, SourceKind, Stance, Statement, Tlp, Value,
};
use dossier_screen::{Index, Kind, Query};
use dossier_store::{DocumentOutcome, NewFinding, ReadFilter, Store};
use serde::Serialize;

/// What the reader is told about a document.
#[derive(Debug, Clone)]
pub struct DocumentInfo {
    pub file_name: String,
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub published: Option<PartialDate>,
    pub marking: Tlp,
}

/// A sanctions hit for a party of the document.
#[derive(Debug, Serialize)]
pub struct PartyHit {
    pub party: String,
    pub kind: String,
    pub caption: String,
    pub entity: String,
    pub score: f64,
    pub lists: Vec<String>,
}

/// The result of `dossier read`.
#[derive(Debug, Serialize)]
pub struct ReadResult {
    #[serde(flatten)]
    pub outcome: DocumentOutcome,
    /// Known entities the text names, with how often.
    pub linked: Vec<LinkedEntity>,
    pub screening: Vec<PartyHit>,
}

#[derive(Debug, Serialize)]
pub struct LinkedEntity {
    pub name: String,
    pub kind: String,
    pub entities: Vec<String>,
    pub ambiguous: bool,
    pub mentions: usize,
}

/// The day the document speaks from: its publication date (the first day of a partial
/// one), else today.
fn publication_day(published: Option<PartialDate>) -> Day {
    let today = time::OffsetDateTime::now_utc().date();
    let fallback = Day::new(
        today.year(),
        u32::from(u8::from(today.month())),
        u32::from(today.day()),
    );
    let parsed = published.and_then(|p| {
        let (y, m, d) = p.earliest();
        Day::new(i32::from(y), u32::from(m), u32::from(d))
    });
    parsed.or(fallback).unwrap_or(Day {
        year: 1970,
        month: 1,
        day: 1,
    })
}

fn stix_type(kind: &str) -> &'static str {
    match kind {
        "threat_actor" => "intrusion-set",
        "malware" => "malware",
        "tool" => "tool",
        "attack_pattern" => "attack-pattern",
        "campaign" => "campaign",
        "country" => "location",
        _ => "identity",
    }
}

/// The entity a party stands for: the store's entity when the name is known and not
/// shared, the country's entity, or an entity of its own derived from its kind and name
/// (the same new name in two documents is one entity).
fn entity_of(p: &Party) -> (EntityId, bool) {
    if !p.ambiguous {
        if let Some(c) = p.candidates.first() {
            if let Ok(id) = EntityId::parse(&c.entity) {
                return (id, false);
            }
        }
    }
    if let Some(code) = p.country.filter(|_| p.kind == "country") {
        if let Some(c) = dossier_model::country_by_code(code) {
            return (c.entity_id(), false);
        }
    }
    let kind = if p.kind == "unknown" {
        "organization"
    } else {
        p.kind.as_str()
    };
    (
        EntityId::derived(
            stix_type(kind),
            &format!("document-name:{kind}:{}", name_key(&p.name)),
        ),
        true,
    )
}

/// A statement of the document with a literal value, under its marking.
fn value_statement(
    id: &EntityId,
    predicate: Predicate,
    value: Value,
    source: &Source,
    marking: Tlp,
) -> Statement {
    let mut s = Statement::new(
        id.clone(),
        predicate,
        Object::Value(value),
        source.id.clone(),
    );
    s.marking = marking;
    s
}

/// `is_a` and `name` statements for a party the store does not know.
fn introduce(
    p: &Party,
    source: &Source,
    marking: Tlp,
    day: Day,
    out: &mut Vec<Statement>,
) -> EntityId {
    let (id, new) = entity_of(p);
    if new {
        let kind = match p.kind.as_str() {
            "person" => EntityKind::Person,
            "threat_actor" => EntityKind::ThreatActor,
            "malware" => EntityKind::Malware,
            "tool" => EntityKind::Tool,
            "attack_pattern" => EntityKind::AttackPattern,
            _ => EntityKind::Organization,
        };
        let mut facts = vec![
            (Predicate::IS_A, kind.as_str().to_owned()),
            (Predicate::NAME, p.name.clone()),
        ];
        facts.extend(p.role.iter().map(|r| (Predicate::POSITION, r.clone())));
        for (predicate, value) in facts {
            let mut s = value_statement(&id, predicate, Value::text(value), source, marking);
            s.stated_at = partial(day);
            out.push(s);
        }
    }
    id
}

fn partial(d: Day) -> Option<PartialDate> {
    PartialDate::parse(&d.to_string()).ok()
}

fn claim_statements(
    c: &Claim,
    text: &str,
    source: &Source,
    publisher: Option<&Party>,
    day: Day,
    marking: Tlp,
) -> Vec<Statement> {
    let mut out = Vec::new();
    let subject = introduce(&c.subject, source, marking, day, &mut out);
    let object = if c.predicate == "alias" {
        Object::Value(Value::text(&c.object.text))
    } else {
        Object::Entity(introduce(&c.object, source, marking, day, &mut out))
    };
    let issuer = c
        .issuer
        .as_ref()
        .or(publisher)
        .map(|p| introduce(p, source, marking, day, &mut out));
    let predicate = Predicate::parse(c.predicate).unwrap_or(Predicate::LINKED_TO);
    let mut s = Statement::new(subject, predicate, object, source.id.clone());
    s.stance = c.stance;
    s.issuer = issuer;
    s.stated_at = partial(day);
    // A designation or charge on a day holds from that day; a day named with any other
    // claim is when it was said ("said on Monday"); months, years, ranges and periods
    // are when the activity took place.
    if let Some(w) = &c.when {
        let acts = matches!(c.predicate, "sanctioned_by" | "charged_by");
        if w.precision == "day" && !acts {
            s.stated_at = partial(w.from);
        } else {
            s.valid_from = partial(w.from);
            if w.from != w.to && w.precision != "day" {
                s.valid_to = partial(w.to);
            }
        }
    }
    s.confidence = c
        .confidence
        .and_then(|v| Confidence::new(i64::from(v)).ok());
    s.marking = marking;
    s.note = text
        .get(c.sentence.0..c.sentence.1)
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "));
    out.push(s);
    out
}

fn claim_summary(c: &Claim, publisher: Option<&str>) -> String {
    let issuer = c.issuer.as_ref().map_or_else(
        || publisher.map_or("the document".to_owned(), |p| format!("{p} (publisher)")),
        |i| i.name.clone(),
    );
    let verb = if c.stance == Stance::Denies {
        "denies"
    } else {
        "says"
    };
    let when = c.when.as_ref().map_or(String::new(), |w| {
        if w.from == w.to {
            format!(" ({})", w.from)
        } else {
            format!(" ({} to {})", w.from, w.to)
        }
    });
    format!(
        "{issuer} {verb}: {} {} {}{when}",
        c.subject.name, c.predicate, c.object.name
    )
}

/// Builds the findings of a reading.
fn findings(
    text: &str,
    reading: &Reading,
    source: &Source,
    info: &DocumentInfo,
    day: Day,
) -> Vec<NewFinding> {
    let mut out = Vec::new();
    let publisher = info
        .publisher
        .as_ref()
        .map(|name| Party::new(0, 0, name, "organization", "publisher"));
    // New people and organisations, once each.
    let mut seen: HashSet<String> = HashSet::new();
    for p in &reading.parties {
        if p.is_known() || !p.is_person_or_org() || p.how == "reference" || p.kind == "country" {
            continue;
        }
        let key = format!("{}:{}", p.kind, name_key(&p.name));
        if !seen.insert(key) {
            continue;
        }
        let mut statements = Vec::new();
        introduce(p, source, info.marking, day, &mut statements);
        out.push(NewFinding {
            kind: "entity".into(),
            span: (p.start, p.end),
            summary: format!(
                "new {}: {}{}",
                p.kind,
                p.name,
                p.role.as_ref().map_or(String::new(), |r| format!(" ({r})"))
            ),
            detail: serde_json::to_value(p).unwrap_or_default(),
            statements,
        });
    }
    for i in indicators(text) {
        if i.suppressed.is_some() {
            continue;
        }
        let kind = i.kind.as_str();
        let id = EntityId::derived("indicator", &format!("{kind}:{}", i.value));
        let value = |predicate, value| value_statement(&id, predicate, value, source, info.marking);
        let mut kind_of = value(Predicate::ATTRIBUTE, Value::text(kind));
        kind_of.note = Some("indicator type".into());
        let mut statements = vec![
            value(Predicate::IS_A, Value::text(EntityKind::Indicator.as_str())),
            value(Predicate::NAME, Value::text(&i.value)),
            kind_of,
        ];
        statements
            .extend(partial(day).map(|date| value(Predicate::FIRST_SEEN, Value::Date { date })));
        out.push(NewFinding {
            kind: "indicator".into(),
            span: (i.start, i.end),
            summary: format!("indicator {kind}: {}", i.value),
            detail: serde_json::to_value(&i).unwrap_or_default(),
            statements,
        });
    }
    for c in &reading.claims {
        out.push(NewFinding {
            kind: "claim".into(),
            span: c.cue,
            summary: claim_summary(c, info.publisher.as_deref()),
            detail: serde_json::to_value(c).unwrap_or_default(),
            statements: claim_statements(c, text, source, publisher.as_ref(), day, info.marking),
        });
    }
    out
}

/// Reads a document, stores it with its pending findings, and screens its parties.
pub fn read_document(
    store: &mut Store,
    text: &str,
    info: &DocumentInfo,
    index: &Index,
    filter: ReadFilter,
    now: &str,
) -> Result<ReadResult> {
    let names = store.gazetteer_names(filter)?;
    let gazetteer = Gazetteer::new(names);
    let day = publication_day(info.published);
    let reading = read(text, &gazetteer, day);
    let hash = ContentHash::of(text.as_bytes());
    let title = info.title.clone().unwrap_or_else(|| {
        text.lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map_or_else(|| info.file_name.clone(), |l| l.chars().take(120).collect())
    });
    let mut source = Source::new(
        SourceKind::Report,
        &format!("document/{}", hash.as_str()),
        &title,
        hash,
    );
    source.publisher.clone_from(&info.publisher);
    source.published = info.published.or_else(|| partial(day));
    source.file_name = Some(info.file_name.clone());
    let found = findings(text, &reading, &source, info, day);
    let outcome = store
        .add_document(&source, text, &found, info.marking, now)
        .context("storing the document")?;
    // Known entities named.
    let mut linked: BTreeMap<String, LinkedEntity> = BTreeMap::new();
    for p in reading
        .parties
        .iter()
        .filter(|p| p.is_known() && p.how != "reference")
    {
        let e = linked
            .entry(p.name.clone())
            .or_insert_with(|| LinkedEntity {
                name: p.name.clone(),
                kind: p.kind.clone(),
                entities: p.candidates.iter().map(|c| c.entity.clone()).collect(),
                ambiguous: p.ambiguous,
                mentions: 0,
            });
        e.mentions += 1;
    }
    // Screening: every person and organisation, once per name.
    let mut screening = Vec::new();
    let mut screened: HashSet<String> = HashSet::new();
    for p in reading
        .parties
        .iter()
        .filter(|p| p.is_person_or_org() && p.how != "reference")
    {
        if !screened.insert(name_key(&p.name)) {
            continue;
        }
        let mut q = Query::new(p.name.clone());
        q.kind = if p.kind == "person" {
            Kind::Person
        } else {
            Kind::Organization
        };
        q.limit = 3;
        for hit in index
            .screen(&q)
            .into_iter()
            .filter(|h| h.matched && !h.listings.is_empty())
        {
            screening.push(PartyHit {
                party: p.name.clone(),
                kind: p.kind.clone(),
                caption: hit.caption.clone(),
                entity: hit.id.clone(),
                score: hit.score,
                lists: hit
                    .listings
                    .iter()
                    .map(|l| {
                        let mut s = l.authority.clone().unwrap_or_else(|| l.dataset.clone());
                        if !l.programs.is_empty() {
                            let _ = write!(s, " [{}]", l.programs.join(", "));
                        }
                        if let Some(d) = &l.listed_on {
                            let _ = write!(s, " listed {d}");
                        }
                        s
                    })
                    .collect(),
            });
        }
    }
    Ok(ReadResult {
        outcome,
        linked: linked.into_values().collect(),
        screening,
    })
}
