//! The US Consolidated Screening List (trade.gov) as CSV: one row per listed party of
//! eleven export-control and sanctions lists, read by column header (the 2019 layout
//! without `_id` and the later ones with it; repeated header lines are skipped).

use std::collections::HashMap;

use dossier_model::{
    country_by_code, country_by_name, name_key, ContentHash, EntityId, EntityKind, Object,
    PartialDate, Predicate, Source, SourceKind, Value,
};

use crate::batch::{Batch, Collector, Diagnostic, Report, Severity, Stamp};
use crate::{base_name, ReadError, ReadOptions};

/// Whether a header row is the CSL's.
pub(crate) fn is_csl_header(cells: &[String]) -> bool {
    let has = |h: &str| cells.iter().any(|c| c.trim() == h);
    has("source") && has("entity_number") && has("programs") && has("alt_names")
}

fn country(s: &str) -> Object {
    let s = s.trim();
    match country_by_code(s)
        .filter(|_| s.len() == 2)
        .or_else(|| country_by_name(s))
    {
        Some(c) => Object::Entity(c.entity_id()),
        None => Object::Value(Value::text(s)),
    }
}

fn items(s: &str) -> impl Iterator<Item = &str> {
    s.split(';').map(str::trim).filter(|v| !v.is_empty())
}

struct Ctx<'a> {
    stamp: Stamp<'a>,
}

impl Ctx<'_> {
    fn push(
        &self,
        out: &mut Collector,
        subject: &EntityId,
        issuer: &EntityId,
        predicate: Predicate,
        object: Object,
        note: Option<String>,
    ) {
        let mut s = self.stamp.by(issuer).statement(subject, predicate, object);
        s.note = note;
        out.push(s);
    }
}

pub(crate) fn read_csl(
    file: &str,
    text: &str,
    raw: &[u8],
    options: &ReadOptions,
) -> Result<Batch, ReadError> {
    let rows = crate::table::rows(file, text)?;
    let Some((_, header)) = rows.first() else {
        return Err(ReadError::Empty {
            file: file.to_owned(),
        });
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
    if !is_csl_header(&header) {
        return Err(ReadError::Format {
            file: file.to_owned(),
            message: "line 1: not the Consolidated Screening List header (source, entity_number, programs, alt_names…)".to_owned(),
        });
    }
    crate::table::check_last_row(file, text, &rows, header.len())?;
    let col: HashMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();

    let mut source = Source::new(
        SourceKind::SanctionsList,
        options.dataset.as_deref().unwrap_or("us-trade/csl"),
        "US Consolidated Screening List",
        ContentHash::of(raw),
    );
    source.publisher =
        Some("U.S. Department of Commerce, International Trade Administration".to_owned());
    source.file_name = Some(base_name(file).to_owned());
    let ctx = Ctx {
        stamp: Stamp {
            source: &source.id,
            issuer: None,
            marking: options.default_marking,
        },
    };
    let mut out = Collector::default();
    let mut report = Report::default();
    let mut agencies: HashMap<String, EntityId> = HashMap::new();
    let mut seen = std::collections::HashSet::new();
    for (line, r) in rows.iter().skip(1) {
        let cells: Vec<String> = r.iter().map(|c| c.trim().to_owned()).collect();
        if is_csl_header(&cells) {
            // The published file repeats its header line.
            continue;
        }
        if cells.iter().all(String::is_empty) {
            continue;
        }
        report.received += 1;
        let get = |name: &str| {
            col.get(name)
                .and_then(|&i| r.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        let reject = |report: &mut Report, field: &str, message: &str| {
            report.rejected += 1;
            report.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                file: file.to_owned(),
                line: Some(*line),
                path: Some(field.to_owned()),
                message: message.to_owned(),
            });
        };
        let (Some(list), Some(name)) = (get("source"), get("name")) else {
            reject(
                &mut report,
                if get("source").is_none() {
                    "source"
                } else {
                    "name"
                },
                "missing",
            );
            continue;
        };
        let key = match (get("_id"), get("entity_number")) {
            (Some(id), _) => format!("us-csl:{id}"),
            (None, Some(n)) => format!("us-csl:{}:{n}", name_key(list)),
            (None, None) => format!("us-csl:{}:{}", name_key(list), name_key(name)),
        };
        if !seen.insert(key.clone()) {
            report.duplicate += 1;
            continue;
        }
        report.accepted += 1;
        let kind = match get("type").map(str::to_ascii_lowercase).as_deref() {
            Some("individual") => EntityKind::Person,
            Some("vessel") => EntityKind::Vessel,
            Some("aircraft") => EntityKind::Aircraft,
            _ => EntityKind::Organization,
        };
        let id = EntityId::derived(
            if kind == EntityKind::Vessel {
                "vessel"
            } else {
                "identity"
            },
            &key,
        );
        // "Entity List (EL) - Bureau of Industry and Security": the agency is the issuer.
        let agency_name = list.rsplit_once(" - ").map_or(list, |(_, a)| a).trim();
        let agency = agencies.entry(agency_name.to_owned()).or_insert_with(|| {
            let a = EntityId::derived(
                "identity",
                &format!("organization:us:{}", name_key(agency_name)),
            );
            ctx.push(
                &mut out,
                &a,
                &a,
                Predicate::IS_A,
                Object::Value(Value::text(EntityKind::Organization.as_str())),
                None,
            );
            ctx.push(
                &mut out,
                &a,
                &a,
                Predicate::NAME,
                Object::Value(Value::text(agency_name)),
                None,
            );
            a
        });
        let agency = agency.clone();
        let text = |s: &str| Object::Value(Value::text(s));
        ctx.push(
            &mut out,
            &id,
            &agency,
            Predicate::IS_A,
            text(kind.as_str()),
            None,
        );
        ctx.push(&mut out, &id, &agency, Predicate::NAME, text(name), None);
        if let Some(n) = get("entity_number") {
            ctx.push(
                &mut out,
                &id,
                &agency,
                Predicate::EXTERNAL_ID,
                Object::Value(Value::identifier("us-csl-entity-number", n)),
                Some(list.to_owned()),
            );
        }
        let mut designation = ctx.stamp.by(&agency).statement(
            &id,
            Predicate::SANCTIONED_BY,
            Object::Entity(agency.clone()),
        );
        designation.valid_from =
            get("start_date").and_then(|d| PartialDate::from_timestamp(d).ok());
        designation.valid_to = get("end_date").and_then(|d| PartialDate::from_timestamp(d).ok());
        designation.note = Some(match get("federal_register_notice") {
            Some(fr) => format!("{list}; {fr}"),
            None => list.to_owned(),
        });
        out.push(designation);
        for p in get("programs").into_iter().flat_map(items) {
            ctx.push(
                &mut out,
                &id,
                &agency,
                Predicate::SANCTION_PROGRAM,
                Object::Value(Value::identifier("us-program", p)),
                None,
            );
        }
        for a in get("alt_names").into_iter().flat_map(items) {
            ctx.push(&mut out, &id, &agency, Predicate::ALIAS, text(a), None);
        }
        for a in get("addresses").into_iter().flat_map(items) {
            ctx.push(&mut out, &id, &agency, Predicate::ADDRESS, text(a), None);
        }
        for (field, predicate) in [
            ("citizenships", Predicate::CITIZENSHIP),
            ("nationalities", Predicate::NATIONALITY),
        ] {
            for c in get(field)
                .into_iter()
                .flat_map(|v| v.split([';', ',']))
                .map(str::trim)
                .filter(|v| !v.is_empty())
            {
                ctx.push(&mut out, &id, &agency, predicate.clone(), country(c), None);
            }
        }
        for d in get("dates_of_birth").into_iter().flat_map(items) {
            let object = match PartialDate::from_timestamp(d)
                .ok()
                .or_else(|| crate::ofac::parse_ofac_date(d))
            {
                Some(date) => Object::Value(Value::Date { date }),
                None => text(d),
            };
            ctx.push(&mut out, &id, &agency, Predicate::BIRTH_DATE, object, None);
        }
        for p in get("places_of_birth").into_iter().flat_map(items) {
            ctx.push(
                &mut out,
                &id,
                &agency,
                Predicate::BIRTH_PLACE,
                text(p),
                None,
            );
        }
        // "Type, Value, Country; Type, Value" (the 2019 layout: "Country, Value, Type"),
        // read as the OFAC remark clause "Type Value (Country)" they come from.
        for item in get("ids").into_iter().flat_map(items) {
            let parts: Vec<&str> = item.splitn(3, ',').map(str::trim).collect();
            let is_code = |p: &str| p.len() == 2 && p.chars().all(|c| c.is_ascii_uppercase());
            let (kind, value, issuer) = match parts.as_slice() {
                [c, v, k] if is_code(c) => (*k, *v, Some(*c)),
                [k, v, c] => (*k, *v, Some(*c).filter(|c| !c.is_empty())),
                [k, v] => (*k, *v, None),
                _ => (item, "", None),
            };
            let kind = kind.trim();
            let clause = match issuer {
                Some(c) => format!("{kind} {value} ({c})"),
                None => format!("{kind} {value}"),
            };
            let parsed = crate::ofac::parse_clause(clause.trim(), &HashMap::new());
            if parsed.is_empty() {
                ctx.push(
                    &mut out,
                    &id,
                    &agency,
                    Predicate::REMARK,
                    text(item),
                    Some("ids".to_owned()),
                );
            }
            for p in parsed {
                let mut s = ctx.stamp.by(&agency).statement(&id, p.predicate, p.object);
                s.note = p.note;
                s.valid_from = p.valid_from;
                s.valid_to = p.valid_to;
                out.push(s);
            }
        }
        for (field, predicate) in [
            ("title", Predicate::POSITION),
            ("remarks", Predicate::REMARK),
        ] {
            if let Some(v) = get(field) {
                ctx.push(&mut out, &id, &agency, predicate, text(v), None);
            }
        }
        for field in [
            "call_sign",
            "vessel_type",
            "gross_tonnage",
            "gross_registered_tonnage",
            "vessel_owner",
            "license_requirement",
            "license_policy",
        ] {
            if let Some(v) = get(field) {
                ctx.push(
                    &mut out,
                    &id,
                    &agency,
                    Predicate::ATTRIBUTE,
                    text(v),
                    Some(field.replace('_', " ")),
                );
            }
        }
        if let Some(flag) = get("vessel_flag") {
            ctx.push(
                &mut out,
                &id,
                &agency,
                Predicate::COUNTRY,
                country(flag),
                Some("vessel flag".to_owned()),
            );
        }
        for field in ["source_list_url", "source_information_url"] {
            if let Some(v) = get(field) {
                ctx.push(&mut out, &id, &agency, Predicate::REFERENCE, text(v), None);
            }
        }
    }
    Ok(Batch {
        source,
        statements: out.statements,
        report,
        stix: Vec::new(),
    })
}
