//! The UN Security Council Consolidated List, XML (`CONSOLIDATED_LIST` with `INDIVIDUALS`
//! and `ENTITIES`): names, aliases with their quality, original-script names, birth
//! dates and places, nationalities, documents, addresses, listing dates.

use dossier_model::{
    country_by_name, ContentHash, EntityId, EntityKind, Object, PartialDate, Predicate, Source,
    SourceKind, Statement, Value,
};
use quick_xml::events::Event;
use serde::Deserialize;

use crate::batch::{Batch, Collector, Diagnostic, Report, Severity, Stamp};
use crate::json::Lines;
use crate::{base_name, ReadError, ReadOptions};

#[derive(Debug, Default, Deserialize)]
struct Values {
    #[serde(rename = "VALUE", default)]
    value: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
struct Alias {
    quality: Option<String>,
    alias_name: Option<String>,
    note: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
struct Place {
    street: Option<String>,
    city: Option<String>,
    state_province: Option<String>,
    zip_code: Option<String>,
    country: Option<String>,
    note: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
struct BirthDate {
    type_of_date: Option<String>,
    date: Option<String>,
    year: Option<String>,
    from_year: Option<String>,
    to_year: Option<String>,
    note: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
struct Document {
    type_of_document: Option<String>,
    type_of_document2: Option<String>,
    number: Option<String>,
    issuing_country: Option<String>,
    date_of_issue: Option<String>,
    city_of_issue: Option<String>,
    country_of_issue: Option<String>,
    note: Option<String>,
}

/// An `INDIVIDUAL` or an `ENTITY`; the entity form has no birth or document fields.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
struct Record {
    dataid: Option<String>,
    first_name: Option<String>,
    second_name: Option<String>,
    third_name: Option<String>,
    fourth_name: Option<String>,
    un_list_type: Option<String>,
    reference_number: Option<String>,
    listed_on: Option<String>,
    gender: Option<String>,
    comments1: Option<String>,
    name_original_script: Option<String>,
    #[serde(default)]
    title: Values,
    #[serde(default)]
    designation: Values,
    #[serde(default)]
    nationality: Values,
    #[serde(rename = "INDIVIDUAL_ALIAS", alias = "ENTITY_ALIAS", default)]
    aliases: Vec<Alias>,
    #[serde(rename = "INDIVIDUAL_ADDRESS", alias = "ENTITY_ADDRESS", default)]
    addresses: Vec<Place>,
    #[serde(rename = "INDIVIDUAL_DATE_OF_BIRTH", default)]
    birth_dates: Vec<BirthDate>,
    #[serde(rename = "INDIVIDUAL_PLACE_OF_BIRTH", default)]
    birth_places: Vec<Place>,
    #[serde(rename = "INDIVIDUAL_DOCUMENT", default)]
    documents: Vec<Document>,
}

fn some(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The Security Council, the issuer of the list's statements.
fn security_council() -> EntityId {
    EntityId::derived("identity", "organization:un-security-council")
}

/// Where each record element of the document starts and ends, and the list's date.
struct Layout {
    records: Vec<(EntityKind, usize, usize)>,
    generated: Option<String>,
}

fn layout(file: &str, text: &str) -> Result<Layout, ReadError> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut records = Vec::new();
    let mut generated = None;
    let mut open: Option<(EntityKind, usize)> = None;
    let mut depth_root = false;
    let mut root_closed = false;
    let lines = Lines::new(text);
    let fail = |pos: usize, message: String| ReadError::Json {
        file: file.to_owned(),
        line: lines.line_at(pos),
        column: 0,
        message,
    };
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            fail(
                reader.error_position() as usize,
                format!("malformed XML: {e}"),
            )
        })?;
        match event {
            Event::Start(e) => match e.name().as_ref() {
                b"CONSOLIDATED_LIST" => {
                    depth_root = true;
                    for a in e.attributes().flatten() {
                        if a.key.as_ref() == b"dateGenerated" {
                            generated = a.unescape_value().ok().map(|v| v.into_owned());
                        }
                    }
                }
                b"INDIVIDUAL" if open.is_none() => open = Some((EntityKind::Person, before)),
                b"ENTITY" if open.is_none() => open = Some((EntityKind::Organization, before)),
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                b"INDIVIDUAL" | b"ENTITY" => {
                    if let Some((kind, start)) = open.take() {
                        records.push((kind, start, reader.buffer_position() as usize));
                    }
                }
                b"CONSOLIDATED_LIST" => root_closed = true,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if open.is_some() || !depth_root || !root_closed {
        let at = open.map_or(text.len(), |(_, s)| s);
        return Err(fail(
            at,
            "the document ends before </CONSOLIDATED_LIST>; the file looks truncated".to_owned(),
        ));
    }
    Ok(Layout { records, generated })
}

/// Reads the UN Security Council Consolidated List XML.
pub(crate) fn read_un(
    file: &str,
    text: &str,
    raw: &[u8],
    options: &ReadOptions,
) -> Result<Batch, ReadError> {
    let layout = layout(file, text)?;
    let lines = Lines::new(text);
    let mut source = Source::new(
        SourceKind::SanctionsList,
        options.dataset.as_deref().unwrap_or("un-sc/consolidated"),
        "UN Security Council Consolidated List",
        ContentHash::of(raw),
    );
    source.publisher = Some("United Nations Security Council".to_owned());
    source.file_name = Some(base_name(file).to_owned());
    source.version = layout.generated.clone();
    source.published = layout
        .generated
        .as_deref()
        .and_then(|g| PartialDate::from_timestamp(g).ok());

    let council = security_council();
    let ctx = Ctx {
        stamp: Stamp {
            source: &source.id,
            issuer: Some(&council),
            marking: options.default_marking,
        },
    };
    let mut out = Collector::default();
    ctx.text(
        &council,
        Predicate::IS_A,
        EntityKind::Organization.as_str(),
        &mut out,
    );
    ctx.text(
        &council,
        Predicate::NAME,
        "United Nations Security Council",
        &mut out,
    );
    let mut report = Report::default();
    let mut seen = std::collections::HashSet::new();
    for (i, (kind, start, end)) in layout.records.iter().enumerate() {
        report.received += 1;
        let line = lines.line_at(*start);
        let element = if *kind == EntityKind::Person {
            "INDIVIDUAL"
        } else {
            "ENTITY"
        };
        let reject = |report: &mut Report, field: &str, message: String| {
            report.rejected += 1;
            report.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                file: file.to_owned(),
                line: Some(line),
                path: Some(format!("{element}[{i}]{field}")),
                message,
            });
        };
        let record: Record = match quick_xml::de::from_str(&text[*start..*end]) {
            Ok(r) => r,
            Err(e) => {
                reject(&mut report, "", e.to_string());
                continue;
            }
        };
        let Some(reference) = some(&record.reference_number) else {
            reject(&mut report, "/REFERENCE_NUMBER", "missing".to_owned());
            continue;
        };
        let name: Vec<&str> = [
            &record.first_name,
            &record.second_name,
            &record.third_name,
            &record.fourth_name,
        ]
        .into_iter()
        .filter_map(some)
        .collect();
        if name.is_empty() {
            reject(&mut report, "/FIRST_NAME", "no name".to_owned());
            continue;
        }
        if !seen.insert(reference.to_owned()) {
            report.duplicate += 1;
            continue;
        }
        report.accepted += 1;
        let id = EntityId::derived("identity", &format!("un-sc:{reference}"));
        convert(
            &ctx,
            &id,
            *kind,
            &name.join(" "),
            reference,
            &record,
            &mut out,
        );
    }
    Ok(Batch {
        source,
        statements: out.statements,
        report,
        stix: Vec::new(),
    })
}

struct Ctx<'a> {
    stamp: Stamp<'a>,
}

impl Ctx<'_> {
    fn statement(&self, subject: &EntityId, predicate: Predicate, object: Object) -> Statement {
        self.stamp.statement(subject, predicate, object)
    }

    fn text(&self, subject: &EntityId, predicate: Predicate, text: &str, out: &mut Collector) {
        out.push(self.statement(subject, predicate, Object::Value(Value::text(text.trim()))));
    }
}

fn country(name: &str) -> Object {
    match country_by_name(name) {
        Some(c) => Object::Entity(c.entity_id()),
        None => Object::Value(Value::text(name.trim())),
    }
}

fn join_place(p: &Place) -> String {
    [
        &p.street,
        &p.city,
        &p.state_province,
        &p.zip_code,
        &p.country,
    ]
    .into_iter()
    .filter_map(some)
    .collect::<Vec<_>>()
    .join(", ")
}

fn convert(
    ctx: &Ctx<'_>,
    id: &EntityId,
    kind: EntityKind,
    name: &str,
    reference: &str,
    r: &Record,
    out: &mut Collector,
) {
    ctx.text(id, Predicate::IS_A, kind.as_str(), out);
    ctx.text(id, Predicate::NAME, name, out);
    out.push(ctx.statement(
        id,
        Predicate::EXTERNAL_ID,
        Object::Value(Value::identifier("un-sc", reference)),
    ));
    if let Some(dataid) = some(&r.dataid) {
        out.push(ctx.statement(
            id,
            Predicate::EXTERNAL_ID,
            Object::Value(Value::identifier("un-sc-dataid", dataid)),
        ));
    }
    let listed = some(&r.listed_on).and_then(|d| PartialDate::from_timestamp(d).ok());
    let mut designation = ctx.statement(
        id,
        Predicate::SANCTIONED_BY,
        Object::Entity(security_council()),
    );
    designation.valid_from = listed;
    designation.stated_at = listed;
    out.push(designation);
    if let Some(regime) = some(&r.un_list_type) {
        let mut s = ctx.statement(
            id,
            Predicate::SANCTION_PROGRAM,
            Object::Value(Value::identifier("un-sc-regime", regime)),
        );
        s.valid_from = listed;
        out.push(s);
    }
    if let Some(original) = some(&r.name_original_script) {
        let mut s = ctx.statement(id, Predicate::ALIAS, Object::Value(Value::text(original)));
        s.note = Some("original script".to_owned());
        out.push(s);
    }
    for a in &r.aliases {
        let Some(alias) = some(&a.alias_name) else {
            continue;
        };
        let quality = some(&a.quality).unwrap_or("").to_ascii_lowercase();
        let predicate = if quality == "low" {
            Predicate::WEAK_ALIAS
        } else {
            Predicate::ALIAS
        };
        let mut s = ctx.statement(id, predicate, Object::Value(Value::text(alias)));
        let mut note = Vec::new();
        match quality.as_str() {
            "f.k.a." => note.push("formerly known as".to_owned()),
            "low" => note.push("low quality".to_owned()),
            _ => {}
        }
        if let Some(n) = some(&a.note) {
            note.push(n.to_owned());
        }
        s.note = (!note.is_empty()).then(|| note.join("; "));
        out.push(s);
    }
    if let Some(g) = some(&r.gender) {
        ctx.text(id, Predicate::GENDER, g, out);
    }
    for v in r.title.value.iter().chain(&r.designation.value) {
        if !v.trim().is_empty() {
            ctx.text(id, Predicate::POSITION, v, out);
        }
    }
    for v in &r.nationality.value {
        if !v.trim().is_empty() {
            out.push(ctx.statement(id, Predicate::NATIONALITY, country(v)));
        }
    }
    for d in &r.birth_dates {
        let approximate =
            some(&d.type_of_date).is_some_and(|t| t.eq_ignore_ascii_case("APPROXIMATELY"));
        let exact = some(&d.date)
            .or(some(&d.year))
            .and_then(|v| PartialDate::from_timestamp(v).ok());
        let mut s = match (exact, some(&d.from_year), some(&d.to_year)) {
            (Some(date), _, _) => ctx.statement(
                id,
                Predicate::BIRTH_DATE,
                Object::Value(Value::Date { date }),
            ),
            (None, Some(from), Some(to)) => {
                let mut s = ctx.statement(
                    id,
                    Predicate::BIRTH_DATE,
                    Object::Value(Value::text(format!("{from} to {to}"))),
                );
                s.valid_from = PartialDate::parse(from).ok();
                s.valid_to = PartialDate::parse(to).ok();
                s
            }
            // Only a note ("Nov. 1973", "Between Aug. and Sep. 1977"): kept as text.
            _ => match some(&d.note) {
                Some(note) => {
                    ctx.statement(id, Predicate::BIRTH_DATE, Object::Value(Value::text(note)))
                }
                None => continue,
            },
        };
        let mut note = Vec::new();
        if approximate {
            note.push("approximately".to_owned());
        }
        if let Some(n) = some(&d.note) {
            note.push(n.to_owned());
        }
        s.note = (!note.is_empty()).then(|| note.join("; "));
        out.push(s);
    }
    for p in &r.birth_places {
        let place = join_place(p);
        if !place.is_empty() {
            ctx.text(id, Predicate::BIRTH_PLACE, &place, out);
        }
    }
    for a in &r.addresses {
        let place = join_place(a);
        if !place.is_empty() {
            let mut s = ctx.statement(id, Predicate::ADDRESS, Object::Value(Value::text(&place)));
            s.note = some(&a.note).map(str::to_owned);
            out.push(s);
        }
        if let Some(c) = some(&a.country).and_then(country_by_name) {
            let mut s = ctx.statement(id, Predicate::COUNTRY, Object::Entity(c.entity_id()));
            s.note = Some("address".to_owned());
            out.push(s);
        }
    }
    for d in &r.documents {
        let Some(number) = some(&d.number) else {
            // The number only in the note ("Tunisian passport number L 191609 …").
            if let Some(note) = some(&d.note) {
                let mut s = ctx.statement(id, Predicate::REMARK, Object::Value(Value::text(note)));
                s.note = Some(format!(
                    "document: {}",
                    some(&d.type_of_document).unwrap_or("unspecified")
                ));
                out.push(s);
            }
            continue;
        };
        let kind = some(&d.type_of_document)
            .or(some(&d.type_of_document2))
            .unwrap_or("document");
        let scheme: String = kind
            .to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let mut s = ctx.statement(
            id,
            Predicate::EXTERNAL_ID,
            Object::Value(Value::identifier(scheme, number)),
        );
        let mut note = Vec::new();
        if let Some(c) = some(&d.issuing_country).or(some(&d.country_of_issue)) {
            note.push(format!("issued by {c}"));
        }
        if let Some(c) = some(&d.city_of_issue) {
            note.push(format!("issued in {c}"));
        }
        if let Some(n) = some(&d.note) {
            note.push(n.to_owned());
        }
        s.note = (!note.is_empty()).then(|| note.join("; "));
        s.valid_from = some(&d.date_of_issue).and_then(|v| PartialDate::from_timestamp(v).ok());
        out.push(s);
    }
    if let Some(c) = some(&r.comments1) {
        let mut s = ctx.statement(id, Predicate::REMARK, Object::Value(Value::text(c)));
        s.note = Some("comments".to_owned());
        out.push(s);
    }
}
