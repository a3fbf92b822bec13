//! OpenSanctions' FollowTheMoney entities as JSON lines (`{"id", "schema", "properties",
//! "target", "datasets", "first_seen", …}`): people, companies, organisations, vessels and
//! aircraft with their names and identifiers, and the Sanction, Ownership, Directorship,
//! Family and Passport entities that relate them.

use std::collections::BTreeMap;

use dossier_model::{
    country_by_code, name_key, ContentHash, EntityId, EntityKind, Object, PartialDate, Predicate,
    Source, SourceKind, Value,
};
use serde::Deserialize;

use crate::batch::{Batch, Collector, Diagnostic, Report, Severity, Stamp};
use crate::json::{self, decode, join_path};
use crate::{base_name, ReadError, ReadOptions};

#[derive(Deserialize)]
struct Entity {
    id: String,
    schema: String,
    #[serde(default)]
    properties: BTreeMap<String, Vec<serde_json::Value>>,
    #[serde(default)]
    target: bool,
    #[serde(default)]
    datasets: Vec<String>,
    first_seen: Option<String>,
}

impl Entity {
    /// The string values of a property (FtM values are strings; nested entities are
    /// skipped).
    fn values(&self, prop: &str) -> Vec<&str> {
        self.properties
            .get(prop)
            .map(|vs| {
                vs.iter()
                    .filter_map(|v| v.as_str())
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn kind_of(schema: &str) -> Option<EntityKind> {
    Some(match schema {
        "Person" => EntityKind::Person,
        "Company" | "Organization" | "LegalEntity" | "PublicBody" | "Thing" => {
            EntityKind::Organization
        }
        "Vessel" => EntityKind::Vessel,
        "Airplane" => EntityKind::Aircraft,
        _ => return None,
    })
}

fn entity_id(ftm_id: &str) -> EntityId {
    EntityId::derived("identity", &format!("ftm:{ftm_id}"))
}

fn date(s: &str) -> Option<PartialDate> {
    PartialDate::from_timestamp(s).ok()
}

fn country(code: &str) -> Object {
    match country_by_code(code) {
        Some(c) => Object::Entity(c.entity_id()),
        None => Object::Value(Value::text(code)),
    }
}

struct Ctx<'a> {
    stamp: Stamp<'a>,
}

impl Ctx<'_> {
    fn push(
        &self,
        out: &mut Collector,
        subject: &EntityId,
        predicate: Predicate,
        object: Object,
        note: Option<String>,
        stated: Option<PartialDate>,
    ) {
        let mut s = self.stamp.statement(subject, predicate, object);
        s.note = note;
        s.stated_at = stated;
        out.push(s);
    }
}

/// Properties that are identifiers, with their scheme.
const IDENTIFIERS: &[(&str, &str)] = &[
    ("idNumber", "id-number"),
    ("passportNumber", "passport"),
    ("taxNumber", "tax-number"),
    ("registrationNumber", "registration-number"),
    ("innCode", "ru-inn"),
    ("ogrnCode", "ru-ogrn"),
    ("kppCode", "ru-kpp"),
    ("leiCode", "lei"),
    ("swiftBic", "swift-bic"),
    ("imoNumber", "imo"),
    ("mmsi", "mmsi"),
    ("callSign", "call-sign"),
    ("uniqueEntityId", "us-uei"),
    ("wikidataId", "wikidata"),
];

pub(crate) fn read_ftm(
    file: &str,
    text: &str,
    raw: &[u8],
    options: &ReadOptions,
) -> Result<Batch, ReadError> {
    let mut source = Source::new(
        SourceKind::SanctionsList,
        options.dataset.as_deref().unwrap_or(&format!(
            "opensanctions/{}",
            base_name(file).split('.').next().unwrap_or(file)
        )),
        "OpenSanctions FollowTheMoney entities",
        ContentHash::of(raw),
    );
    source.publisher = Some("OpenSanctions".to_owned());
    source.file_name = Some(base_name(file).to_owned());
    let opensanctions = EntityId::derived("identity", "organization:opensanctions");
    let ctx = Ctx {
        stamp: Stamp {
            source: &source.id,
            issuer: Some(&opensanctions),
            marking: options.default_marking,
        },
    };
    let mut out = Collector::default();
    let mut report = Report::default();
    let text_of = |s: &str| Object::Value(Value::text(s));
    ctx.push(
        &mut out,
        &opensanctions,
        Predicate::IS_A,
        text_of(EntityKind::Organization.as_str()),
        None,
        None,
    );
    ctx.push(
        &mut out,
        &opensanctions,
        Predicate::NAME,
        text_of("OpenSanctions"),
        None,
        None,
    );
    let mut ignored: BTreeMap<String, u64> = BTreeMap::new();
    let mut dataset_counts: BTreeMap<String, u64> = BTreeMap::new();
    let mut authorities: BTreeMap<String, EntityId> = BTreeMap::new();
    for (i, line) in text.split('\n').enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        report.received += 1;
        let line_no = i as u64 + 1;
        let raw_line: &serde_json::value::RawValue =
            serde_json::from_str(line).map_err(|e| ReadError::Json {
                file: file.to_owned(),
                line: line_no,
                column: e.column() as u64,
                message: json::message(&e),
            })?;
        let e: Entity = match decode(raw_line) {
            Ok(e) => e,
            Err(err) => {
                report.rejected += 1;
                report.diagnostics.push(Diagnostic {
                    severity: Severity::Error,
                    file: file.to_owned(),
                    line: Some(line_no),
                    path: Some(join_path(&format!("line {line_no}"), &err.path)),
                    message: err.message,
                });
                continue;
            }
        };
        for d in &e.datasets {
            *dataset_counts.entry(d.clone()).or_default() += 1;
        }
        let stated = e.first_seen.as_deref().and_then(date);
        let link = |prop: &str| {
            e.values(prop)
                .into_iter()
                .map(entity_id)
                .collect::<Vec<_>>()
        };
        match e.schema.as_str() {
            "Sanction" => {
                report.accepted += 1;
                let programs: Vec<&str> = e
                    .values("programId")
                    .into_iter()
                    .chain(e.values("program"))
                    .collect();
                let start = e
                    .values("listingDate")
                    .into_iter()
                    .chain(e.values("startDate"))
                    .find_map(date);
                for subject in link("entity") {
                    for authority in e.values("authority") {
                        let id = authorities.entry(authority.to_owned()).or_insert_with(|| {
                            let a = EntityId::derived(
                                "identity",
                                &format!("organization:{}", name_key(authority)),
                            );
                            ctx.push(
                                &mut out,
                                &a,
                                Predicate::IS_A,
                                text_of(EntityKind::Organization.as_str()),
                                None,
                                None,
                            );
                            ctx.push(
                                &mut out,
                                &a,
                                Predicate::NAME,
                                text_of(authority),
                                None,
                                None,
                            );
                            a
                        });
                        let mut s = ctx.stamp.statement(
                            &subject,
                            Predicate::SANCTIONED_BY,
                            Object::Entity(id.clone()),
                        );
                        s.valid_from = start;
                        s.valid_to = e.values("endDate").into_iter().find_map(date);
                        s.stated_at = stated;
                        out.push(s);
                    }
                    for p in &programs {
                        ctx.push(
                            &mut out,
                            &subject,
                            Predicate::SANCTION_PROGRAM,
                            Object::Value(Value::identifier("ftm-program", *p)),
                            None,
                            stated,
                        );
                    }
                    for r in e
                        .values("reason")
                        .into_iter()
                        .chain(e.values("provisions"))
                        .chain(e.values("summary"))
                    {
                        ctx.push(
                            &mut out,
                            &subject,
                            Predicate::SANCTION_INFO,
                            text_of(r),
                            None,
                            stated,
                        );
                    }
                }
            }
            "Ownership" | "Directorship" | "Family" | "Associate" | "Membership" | "Employment" => {
                report.accepted += 1;
                let (from, to, predicate, note) = match e.schema.as_str() {
                    "Ownership" => ("owner", "asset", Predicate::parse("owns").ok(), None),
                    "Directorship" => (
                        "director",
                        "organization",
                        Predicate::parse("director_of").ok(),
                        None,
                    ),
                    "Membership" => (
                        "member",
                        "organization",
                        Predicate::parse("member_of").ok(),
                        None,
                    ),
                    "Employment" => (
                        "employee",
                        "employer",
                        Predicate::parse("employed_by").ok(),
                        None,
                    ),
                    "Family" => (
                        "person",
                        "relative",
                        Some(Predicate::LINKED_TO),
                        e.values("relationship").first().map(|r| r.to_string()),
                    ),
                    _ => (
                        "person",
                        "associate",
                        Some(Predicate::LINKED_TO),
                        Some("associate".to_owned()),
                    ),
                };
                let Some(predicate) = predicate else { continue };
                for a in link(from) {
                    for b in link(to) {
                        let mut s =
                            ctx.stamp
                                .statement(&a, predicate.clone(), Object::Entity(b.clone()));
                        s.note = note
                            .clone()
                            .or_else(|| e.values("percentage").first().map(|p| format!("{p}%")));
                        s.valid_from = e.values("startDate").into_iter().find_map(date);
                        s.valid_to = e.values("endDate").into_iter().find_map(date);
                        s.stated_at = stated;
                        out.push(s);
                    }
                }
            }
            "Passport" | "Identification" => {
                report.accepted += 1;
                for holder in link("holder") {
                    for n in e.values("number") {
                        let note = e
                            .values("country")
                            .first()
                            .map(|c| format!("issued by {}", c.to_uppercase()));
                        ctx.push(
                            &mut out,
                            &holder,
                            Predicate::EXTERNAL_ID,
                            Object::Value(Value::identifier(
                                e.values("type")
                                    .first()
                                    .copied()
                                    .unwrap_or("passport")
                                    .to_lowercase(),
                                n,
                            )),
                            note,
                            stated,
                        );
                    }
                }
            }
            schema => match kind_of(schema) {
                None => {
                    report.ignored += 1;
                    *ignored.entry(schema.to_owned()).or_default() += 1;
                }
                Some(kind) => {
                    report.accepted += 1;
                    let id = entity_id(&e.id);
                    let push =
                        |out: &mut Collector, p: Predicate, o: Object, note: Option<String>| {
                            ctx.push(out, &id, p, o, note, stated)
                        };
                    push(&mut out, Predicate::IS_A, text_of(kind.as_str()), None);
                    push(
                        &mut out,
                        Predicate::EXTERNAL_ID,
                        Object::Value(Value::identifier("opensanctions", &e.id)),
                        None,
                    );
                    let names = e.values("name");
                    if let Some((first, rest)) = names.split_first() {
                        push(&mut out, Predicate::NAME, text_of(first), None);
                        for n in rest {
                            push(&mut out, Predicate::ALIAS, text_of(n), None);
                        }
                    }
                    for n in e.values("alias") {
                        push(&mut out, Predicate::ALIAS, text_of(n), None);
                    }
                    for n in e.values("previousName") {
                        push(
                            &mut out,
                            Predicate::ALIAS,
                            text_of(n),
                            Some("previous name".to_owned()),
                        );
                    }
                    for n in e.values("weakAlias") {
                        push(&mut out, Predicate::WEAK_ALIAS, text_of(n), None);
                    }
                    for d in e.values("birthDate") {
                        let o = date(d)
                            .map_or_else(|| text_of(d), |date| Object::Value(Value::Date { date }));
                        push(&mut out, Predicate::BIRTH_DATE, o, None);
                    }
                    for (prop, predicate) in [
                        ("birthPlace", Predicate::BIRTH_PLACE),
                        ("gender", Predicate::GENDER),
                        ("position", Predicate::POSITION),
                        ("address", Predicate::ADDRESS),
                        ("notes", Predicate::REMARK),
                        ("legalForm", Predicate::ORGANIZATION_TYPE),
                    ] {
                        for v in e.values(prop) {
                            push(&mut out, predicate.clone(), text_of(v), None);
                        }
                    }
                    for (prop, predicate, note) in [
                        ("nationality", Predicate::NATIONALITY, None),
                        ("citizenship", Predicate::CITIZENSHIP, None),
                        ("country", Predicate::COUNTRY, None),
                        ("jurisdiction", Predicate::COUNTRY, Some("jurisdiction")),
                    ] {
                        for c in e.values(prop) {
                            push(
                                &mut out,
                                predicate.clone(),
                                country(c),
                                note.map(str::to_owned),
                            );
                        }
                    }
                    for (prop, scheme) in IDENTIFIERS {
                        for v in e.values(prop) {
                            push(
                                &mut out,
                                Predicate::EXTERNAL_ID,
                                Object::Value(Value::identifier(*scheme, v)),
                                None,
                            );
                        }
                    }
                    for (prop, note) in [
                        ("email", "e-mail"),
                        ("phone", "phone"),
                        ("website", "website"),
                    ] {
                        for v in e.values(prop) {
                            push(
                                &mut out,
                                Predicate::CONTACT,
                                text_of(v),
                                Some(note.to_owned()),
                            );
                        }
                    }
                    for d in e.values("incorporationDate") {
                        if let Some(date) = date(d) {
                            push(
                                &mut out,
                                Predicate::ESTABLISHED,
                                Object::Value(Value::Date { date }),
                                None,
                            );
                        }
                    }
                    for t in e.values("topics") {
                        push(
                            &mut out,
                            Predicate::TOPIC,
                            Object::Value(Value::identifier("ftm-topic", t)),
                            None,
                        );
                    }
                    if e.target {
                        push(
                            &mut out,
                            Predicate::SANCTION_INFO,
                            text_of("target"),
                            Some(format!("datasets: {}", e.datasets.join(", "))),
                        );
                    }
                    for u in e.values("sourceUrl") {
                        push(&mut out, Predicate::REFERENCE, text_of(u), None);
                    }
                }
            },
        }
    }
    // Every OpenSanctions export is called entities.ftm.json: the dataset its entities
    // name most often tells exports apart.
    if options.dataset.is_none() {
        if let Some((name, _)) = dataset_counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        {
            source.dataset = format!("opensanctions/{name}");
        }
    }
    for (schema, n) in ignored {
        report.diagnostics.push(Diagnostic::info(
            file,
            format!("ignored {n} {schema} entities (not modelled)"),
        ));
    }
    Ok(Batch {
        source,
        statements: out.statements,
        report,
        stix: Vec::new(),
    })
}
