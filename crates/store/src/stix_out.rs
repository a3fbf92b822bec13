//! STIX 2.1 objects made from the statements of a source that is not STIX itself (a
//! sanctions list, a MISP galaxy, a document's accepted findings), so that TAXII serves
//! every dataset: one object per entity the source describes, one relationship per
//! relation it states, an opinion for each relation it disputes, and location objects for
//! the countries it names. Everything the STIX vocabulary has no field for is kept under
//! `x_dossier_` properties; every object says which source version it comes from.

use std::collections::{BTreeMap, HashMap};

use dossier_ingest::StixObjectText;
use dossier_model::{
    all_countries, deterministic_uuid, EntityId, Object, PartialDate, Predicate, Stance, Statement,
    Tlp, Value,
};
use rusqlite::{Connection, OptionalExtension};
use serde_json::{json, Map, Value as Json};

use crate::StoreError;

/// The source version objects are made for.
#[derive(Debug, Clone)]
pub(crate) struct Origin {
    pub id: String,
    pub kind: String,
    pub dataset: String,
    pub title: String,
    pub published: Option<PartialDate>,
}

impl Origin {
    pub fn of(s: &dossier_model::Source) -> Self {
        Origin {
            id: s.id.as_str().to_owned(),
            kind: s.kind.as_str().to_owned(),
            dataset: s.dataset.clone(),
            title: s.title.clone(),
            published: s.published,
        }
    }

    pub fn of_record(s: &crate::SourceRecord) -> Self {
        Origin {
            id: s.id.clone(),
            kind: s.kind.clone(),
            dataset: s.dataset.clone(),
            title: s.title.clone(),
            published: s.published,
        }
    }
}

/// The TLP 2.0 marking-definition ids of the OASIS TLP extension.
fn marking_ref(t: Tlp) -> &'static str {
    match t {
        Tlp::Clear => "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        Tlp::Green => "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        Tlp::Amber => "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        Tlp::AmberStrict => "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        Tlp::Red => "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    }
}

/// STIX types an entity id may keep; the others become `identity`.
const STIX_TYPES: &[&str] = &[
    "identity",
    "intrusion-set",
    "threat-actor",
    "campaign",
    "malware",
    "tool",
    "attack-pattern",
    "location",
    "vulnerability",
];

/// Types whose objects carry `aliases`.
const WITH_ALIASES: &[&str] = &[
    "intrusion-set",
    "threat-actor",
    "campaign",
    "malware",
    "tool",
    "attack-pattern",
];

/// The STIX id an entity is exported under.
fn stix_id(e: &EntityId) -> Option<String> {
    let ty = e.stix_type();
    let uuid = e.as_str().split_once("--")?.1;
    let ty = if STIX_TYPES.contains(&ty) {
        ty
    } else if matches!(ty, "vessel" | "aircraft") {
        "identity"
    } else {
        return None;
    };
    // STIX 2.1 ids carry a version 4 or 5 uuid; others (MISP's version 7) are derived.
    let version = uuid.as_bytes().get(14).copied();
    if matches!(version, Some(b'4' | b'5')) {
        Some(format!("{ty}--{uuid}"))
    } else {
        Some(format!("{ty}--{}", deterministic_uuid(e.as_str())))
    }
}

/// A STIX timestamp for a source version: its publication day, else the time it came.
fn timestamp(source: &Origin, at: &str) -> String {
    match source.published {
        Some(p) => {
            let (y, m, d) = p.earliest();
            format!("{y:04}-{m:02}-{d:02}T00:00:00.000Z")
        }
        None => crate::taxii::normalise_timestamp(at)
            .map(|t| format!("{}Z", &t[..23]))
            .unwrap_or_else(|| "1970-01-01T00:00:00.000Z".to_owned()),
    }
}

fn text(o: &Object) -> Option<String> {
    match o {
        Object::Value(v) => Some(v.lexical().into_owned()),
        Object::Entity(_) => None,
    }
}

/// Looks names up for entities a source refers to but does not describe.
struct Names<'a> {
    tx: &'a Connection,
    countries: HashMap<EntityId, (&'static str, &'static str)>,
}

impl Names<'_> {
    fn name(&self, e: &EntityId) -> Result<Option<String>, StoreError> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT s.value FROM statement s JOIN entity e ON e.num = s.subject \
                 WHERE e.id = ?1 AND s.predicate = 'name' ORDER BY s.rowid LIMIT 1",
            )?
            .query_row([e.as_str()], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    }
}

/// The STIX objects for `statements` of `source` (`at`: when they were added).
pub(crate) fn objects(
    tx: &Connection,
    source: &Origin,
    statements: &[Statement],
    at: &str,
) -> Result<Vec<StixObjectText>, StoreError> {
    let names = Names {
        tx,
        countries: all_countries()
            .map(|c| (c.entity_id(), (c.alpha2, c.name)))
            .collect(),
    };
    let time = timestamp(source, at);
    let mut by_subject: BTreeMap<&EntityId, Vec<&Statement>> = BTreeMap::new();
    for s in statements {
        by_subject.entry(&s.subject).or_default().push(s);
    }
    let mut out = Vec::new();
    let mut referenced: BTreeMap<&EntityId, Tlp> = BTreeMap::new();
    for (subject, list) in &by_subject {
        let Some(id) = stix_id(subject) else {
            continue;
        };
        if let Some(o) = entity_object(subject, &id, list, source, &time, &names)? {
            out.push(o);
        }
        for s in list {
            if let Object::Entity(target) = &s.object {
                if let Some(o) = relation_objects(s, source, &time)? {
                    out.extend(o);
                    let m = referenced.entry(target).or_insert(s.marking);
                    *m = (*m).min(s.marking);
                }
            }
        }
    }
    // What the relations point at, where the source does not describe it itself.
    for (target, marking) in referenced {
        if by_subject.contains_key(target) {
            continue;
        }
        let Some(id) = stix_id(target) else { continue };
        let ty = id.split_once("--").map_or("", |p| p.0);
        let mut obj = Map::new();
        let name = match names.countries.get(target) {
            Some((code, name)) if ty == "location" => {
                obj.insert("country".into(), json!(code));
                Some((*name).to_owned())
            }
            _ => names.name(target)?,
        };
        let Some(name) = name else { continue };
        if ty == "location" && !obj.contains_key("country") {
            // STIX asks a location for a region, country or coordinates.
            continue;
        }
        obj.insert("name".into(), json!(name));
        if ty == "identity" {
            obj.insert("identity_class".into(), json!("organization"));
        }
        if ty == "malware" {
            obj.insert("is_family".into(), json!(true));
        }
        out.push(finish(obj, ty, &id, &time, marking, source));
    }
    // A claim stated twice (by two issuers) is one relationship here.
    let mut seen = std::collections::HashSet::new();
    out.retain(|o| seen.insert(o.id.clone()));
    Ok(out)
}

fn finish(
    mut obj: Map<String, Json>,
    ty: &str,
    id: &str,
    time: &str,
    marking: Tlp,
    source: &Origin,
) -> StixObjectText {
    obj.insert("type".into(), json!(ty));
    obj.insert("spec_version".into(), json!("2.1"));
    obj.insert("id".into(), json!(id));
    obj.insert("created".into(), json!(time));
    obj.insert("modified".into(), json!(time));
    obj.insert("object_marking_refs".into(), json!([marking_ref(marking)]));
    obj.insert(
        "x_dossier_source".into(),
        json!({"id": source.id, "dataset": source.dataset, "title": source.title}),
    );
    StixObjectText {
        id: id.to_owned(),
        ty: ty.to_owned(),
        version: time.to_owned(),
        marking,
        json: Json::Object(obj).to_string(),
    }
}

fn entity_object(
    subject: &EntityId,
    id: &str,
    list: &[&Statement],
    source: &Origin,
    time: &str,
    names: &Names<'_>,
) -> Result<Option<StixObjectText>, StoreError> {
    let ty = id.split_once("--").map_or("", |p| p.0);
    let asserted: Vec<&&Statement> = list
        .iter()
        .filter(|s| s.stance == Stance::Asserts)
        .collect();
    let values = |p: &Predicate| -> Vec<String> {
        let mut v: Vec<String> = asserted
            .iter()
            .filter(|s| s.predicate == *p)
            .filter_map(|s| text(&s.object))
            .collect();
        v.dedup();
        v
    };
    let kind = values(&Predicate::IS_A).into_iter().next();
    let mut name = values(&Predicate::NAME).into_iter().next();
    let mut aliases = values(&Predicate::ALIAS);
    if name.is_none() && !aliases.is_empty() {
        name = Some(aliases.remove(0));
    }
    if name.is_none() {
        name = names.name(subject)?;
    }
    let Some(name) = name else {
        return Ok(None);
    };
    aliases.retain(|a| *a != name);
    let marking = list.iter().map(|s| s.marking).max().unwrap_or(Tlp::Clear);
    let mut obj = Map::new();
    obj.insert("name".into(), json!(name));
    if !aliases.is_empty() {
        let key = if WITH_ALIASES.contains(&ty) {
            "aliases"
        } else {
            "x_dossier_aliases"
        };
        obj.insert(key.into(), json!(aliases));
    }
    let descriptions = values(&Predicate::DESCRIPTION);
    if !descriptions.is_empty() {
        obj.insert("description".into(), json!(descriptions.join("\n\n")));
    }
    match ty {
        "identity" => {
            let class = match kind.as_deref() {
                Some("person") => "individual",
                Some("organization") => "organization",
                _ => "unknown",
            };
            obj.insert("identity_class".into(), json!(class));
        }
        "malware" => {
            obj.insert("is_family".into(), json!(true));
        }
        "location" => match names.countries.get(subject) {
            Some((code, _)) => {
                obj.insert("country".into(), json!(code));
            }
            None => return Ok(None),
        },
        _ => {}
    }
    if let Some(k) = &kind {
        obj.insert("x_dossier_kind".into(), json!(k));
    }
    let mut refs = Vec::new();
    let mut facts: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for s in &asserted {
        match (&s.predicate, &s.object) {
            (p, Object::Value(Value::Identifier { scheme, value }))
                if *p == Predicate::EXTERNAL_ID =>
            {
                refs.push(json!({"source_name": scheme, "external_id": value}));
            }
            (p, Object::Value(v)) if *p == Predicate::REFERENCE => {
                let url = v.lexical();
                let plain = (url.starts_with("https://") || url.starts_with("http://"))
                    && !url.chars().any(|c| c.is_whitespace() || c.is_control());
                refs.push(if plain {
                    json!({"source_name": "reference", "url": url})
                } else {
                    json!({"source_name": "reference", "description": url})
                });
            }
            (p, _)
                if *p == Predicate::IS_A
                    || p.is_name()
                    || *p == Predicate::DESCRIPTION
                    || *p == Predicate::EXTERNAL_ID => {}
            (p, Object::Value(v)) => {
                let shown = match &s.note {
                    Some(n) if *p == Predicate::ATTRIBUTE => format!("{n}: {}", v.lexical()),
                    _ => v.lexical().into_owned(),
                };
                facts.entry(p.as_str()).or_default().push(shown);
            }
            _ => {}
        }
    }
    if !refs.is_empty() {
        obj.insert("external_references".into(), json!(refs));
    }
    if !facts.is_empty() {
        obj.insert("x_dossier_facts".into(), json!(facts));
    }
    Ok(Some(finish(obj, ty, id, time, marking, source)))
}

/// A relation statement: a relationship, and for a denial an opinion disputing it.
fn relation_objects(
    s: &Statement,
    source: &Origin,
    time: &str,
) -> Result<Option<Vec<StixObjectText>>, StoreError> {
    let Object::Entity(target) = &s.object else {
        return Ok(None);
    };
    let (Some(from), Some(to)) = (stix_id(&s.subject), stix_id(target)) else {
        return Ok(None);
    };
    if s.predicate == Predicate::SAME_AS && source.kind == "resolver" {
        return Ok(None);
    }
    let rel_type = s.predicate.as_str().replace('_', "-");
    // One relationship per claim, whoever states it: sources are its versions.
    let rel_id = format!(
        "relationship--{}",
        deterministic_uuid(&format!("{}|{}|{}", s.subject, s.predicate, target))
    );
    let mut out = Vec::new();
    let mut rel = Map::new();
    rel.insert("relationship_type".into(), json!(rel_type));
    rel.insert("source_ref".into(), json!(from));
    rel.insert("target_ref".into(), json!(to));
    if let Some(c) = s.confidence {
        rel.insert("confidence".into(), json!(c.get()));
    }
    if let Some(d) = s.valid_from {
        let (y, m, dd) = d.earliest();
        rel.insert(
            "start_time".into(),
            json!(format!("{y:04}-{m:02}-{dd:02}T00:00:00.000Z")),
        );
    }
    if let Some(n) = &s.note {
        rel.insert("description".into(), json!(n));
    }
    if let Some(i) = &s.issuer {
        rel.insert("x_dossier_issuer".into(), json!(i.as_str()));
    }
    if s.stance == Stance::Denies {
        let op_id = format!(
            "opinion--{}",
            deterministic_uuid(&format!("{}|denies", s.id().0))
        );
        let mut op = Map::new();
        op.insert("opinion".into(), json!("strongly-disagree"));
        op.insert("object_refs".into(), json!([rel_id]));
        op.insert(
            "explanation".into(),
            json!(format!(
                "{} disputes that {} {} {}",
                s.issuer.as_ref().map_or("The source", |i| i.as_str()),
                s.subject,
                s.predicate,
                target
            )),
        );
        out.push(finish(op, "opinion", &op_id, time, s.marking, source));
        // The opinion refers to the relationship as those who assert it publish it.
        return Ok(Some(out));
    }
    out.push(finish(
        rel,
        "relationship",
        &rel_id,
        time,
        s.marking,
        source,
    ));
    Ok(Some(out))
}
