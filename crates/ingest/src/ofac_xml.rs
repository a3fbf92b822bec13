//! OFAC's XML publication of the SDN list (`SDN.XML`) and of the consolidated non-SDN list
//! (`CONSOLIDATED.XML`, same layout): `<sdnList>` holding `<publshInformation>` (sic: the
//! publication date and the record count) and one `<sdnEntry>` per record.
//!
//! The XML gives as elements what the CSV set writes into its remarks column ("DOB …; POB
//! …; Passport … (Iran) issued …"): each such element is written as the clause the CSV
//! prints for it and read by the CSV reader's clause rules, and the rest (names, programmes,
//! vessel facts, aliases, addresses) goes through the same statement makers. So one list
//! version gives the same statements in either format (entity ids, predicates, identifier
//! schemes, notes, dataset), and a diff between a CSV and an XML version shows only what
//! OFAC changed. As in the CSV, double quotes become single quotes.

use std::collections::{HashMap, HashSet};

use dossier_model::{ContentHash, EntityId, EntityKind, PartialDate, Statement};
use quick_xml::events::Event;
use rayon::prelude::*;
use serde::Deserialize;

use crate::batch::{Batch, Collector, Diagnostic, Report, Severity};
use crate::json::Lines;
use crate::ofac::{entity_id, kind_of, ofac, split_remarks, ClauseCount, Ctx, List, Primary};
use crate::{base_name, ReadError, ReadOptions};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    uid: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    title: Option<String>,
    sdn_type: Option<String>,
    remarks: Option<String>,
    #[serde(default)]
    program_list: Programs,
    #[serde(default)]
    id_list: Ids,
    #[serde(default)]
    aka_list: Akas,
    #[serde(default)]
    address_list: Addresses,
    #[serde(default)]
    nationality_list: Nationalities,
    #[serde(default)]
    citizenship_list: Citizenships,
    #[serde(default)]
    date_of_birth_list: BirthDates,
    #[serde(default)]
    place_of_birth_list: BirthPlaces,
    vessel_info: Option<Vessel>,
}

#[derive(Debug, Default, Deserialize)]
struct Programs {
    #[serde(default)]
    program: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Ids {
    #[serde(default)]
    id: Vec<Id>,
}

/// An identifier or one of the facts OFAC files as such (gender, website, e-mail,
/// digital currency address, organisation type, sanctions information…).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Id {
    id_type: Option<String>,
    id_number: Option<String>,
    id_country: Option<String>,
    issue_date: Option<String>,
    expiration_date: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Akas {
    #[serde(default)]
    aka: Vec<Aka>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Aka {
    /// "a.k.a.", "f.k.a." or "n.k.a.".
    #[serde(rename = "type")]
    ty: Option<String>,
    /// "strong" or "weak".
    category: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Addresses {
    #[serde(default)]
    address: Vec<Address>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Address {
    address1: Option<String>,
    address2: Option<String>,
    address3: Option<String>,
    city: Option<String>,
    state_or_province: Option<String>,
    postal_code: Option<String>,
    country: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Nationalities {
    #[serde(default)]
    nationality: Vec<Item>,
}

#[derive(Debug, Default, Deserialize)]
struct Citizenships {
    #[serde(default)]
    citizenship: Vec<Item>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BirthDates {
    #[serde(default)]
    date_of_birth_item: Vec<Item>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BirthPlaces {
    #[serde(default)]
    place_of_birth_item: Vec<Item>,
}

/// One value of a nationality, citizenship, birth date or birth place list.
#[derive(Debug, Default, Deserialize)]
struct Item {
    #[serde(rename = "country", alias = "dateOfBirth", alias = "placeOfBirth")]
    value: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Vessel {
    call_sign: Option<String>,
    vessel_type: Option<String>,
    vessel_flag: Option<String>,
    vessel_owner: Option<String>,
    tonnage: Option<String>,
    gross_registered_tonnage: Option<String>,
}

/// Text as the CSV has it: trimmed, double quotes made single, empty as none.
fn clean(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.replace('"', "'"))
}

/// A field's text as the CSV has it.
fn text(v: &Option<String>) -> Option<String> {
    v.as_deref().and_then(clean)
}

/// "LAST, First" as the CSV writes names; "LAST" without a first name.
fn full_name(last: &Option<String>, first: &Option<String>) -> Option<String> {
    let last = text(last)?;
    Some(match text(first) {
        Some(first) => format!("{last}, {first}"),
        None => last,
    })
}

/// Where each entry starts and ends, and what the publication information says.
struct Layout {
    entries: Vec<(usize, usize)>,
    publish_date: Option<String>,
    record_count: Option<String>,
}

/// The 1-based byte column of `pos` on its line.
fn column_at(text: &str, pos: usize) -> u64 {
    let before = &text.as_bytes()[..pos.min(text.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    (before.len() - line_start) as u64 + 1
}

fn layout(file: &str, text: &str) -> Result<Layout, ReadError> {
    let lines = Lines::new(text);
    let fail = |pos: usize, message: String| ReadError::Json {
        file: file.to_owned(),
        line: lines.line_at(pos),
        column: column_at(text, pos),
        message,
    };
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = Layout {
        entries: Vec::new(),
        publish_date: None,
        record_count: None,
    };
    let mut depth = 0usize;
    let mut root = false;
    let mut root_closed = false;
    let mut open: Option<usize> = None;
    // Inside <Publish_Date> (true) or <Record_Count> (false).
    let mut info: Option<bool> = None;
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            let at = reader.error_position() as usize;
            if reader.buffer_position() as usize >= text.len() {
                fail(
                    at,
                    format!("the file ends inside markup ({e}); it looks truncated"),
                )
            } else {
                fail(at, format!("malformed XML: {e}"))
            }
        })?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name();
                if depth == 0 {
                    let shown = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    if root {
                        return Err(fail(before, format!("<{shown}> after </sdnList>")));
                    }
                    if name.as_ref() != b"sdnList" {
                        return Err(fail(
                            before,
                            format!("the root element is <{shown}>, not <sdnList> (OFAC's SDN or consolidated list XML)"),
                        ));
                    }
                    root = true;
                }
                let empty = matches!(event, Event::Empty(_));
                if depth == 1 && name.as_ref() == b"sdnEntry" {
                    if empty {
                        out.entries
                            .push((before, reader.buffer_position() as usize));
                    } else {
                        open = Some(before);
                    }
                }
                if !empty {
                    info = match name.as_ref() {
                        b"Publish_Date" => Some(true),
                        b"Record_Count" => Some(false),
                        _ => None,
                    };
                    depth += 1;
                } else if depth == 0 {
                    root_closed = true;
                }
            }
            Event::End(e) => {
                info = None;
                depth = depth.saturating_sub(1);
                if depth == 1 && e.local_name().as_ref() == b"sdnEntry" {
                    if let Some(start) = open.take() {
                        out.entries.push((start, reader.buffer_position() as usize));
                    }
                }
                if depth == 0 {
                    root_closed = true;
                }
            }
            Event::Text(t) => {
                if let Some(is_date) = info {
                    let value = t
                        .unescape()
                        .map_err(|e| fail(before, format!("malformed XML: {e}")))?
                        .trim()
                        .to_owned();
                    if is_date {
                        out.publish_date = Some(value);
                    } else {
                        out.record_count = Some(value);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !root {
        return Err(fail(
            text.len(),
            "no <sdnList> element: not OFAC's SDN or consolidated list XML".to_owned(),
        ));
    }
    if !root_closed {
        let at = open.unwrap_or(text.len());
        return Err(fail(
            at,
            "the document ends before </sdnList>; the file looks truncated".to_owned(),
        ));
    }
    Ok(out)
}

/// "05/07/2024" (month first, as OFAC writes it).
fn publish_date(s: &str) -> Option<PartialDate> {
    let mut parts = s.split('/').map(|p| p.trim().parse::<u16>().ok());
    let (Some(Some(m)), Some(Some(d)), Some(Some(y)), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let (m, d) = (u8::try_from(m).ok()?, u8::try_from(d).ok()?);
    PartialDate::new(y, Some(m), Some(d)).ok()
}

/// An entry that passed the checks, with what it is known by.
struct Accepted {
    ent_num: u64,
    kind: EntityKind,
    id: EntityId,
    name: String,
    entry: Entry,
}

/// Reads OFAC's SDN or consolidated list XML.
pub(crate) fn read_ofac_xml(
    file: &str,
    text: &str,
    raw: &[u8],
    options: &ReadOptions,
) -> Result<Batch, ReadError> {
    let layout = layout(file, text)?;
    if layout.entries.is_empty() {
        // A list without entries would supersede a full one: refused like an empty CSV.
        return Err(ReadError::Empty {
            file: file.to_owned(),
        });
    }
    let lines = Lines::new(text);
    let Some(list) = List::of_xml_file(file) else {
        return Err(ReadError::Format {
            file: file.to_owned(),
            message: "OFAC's SDN and consolidated lists share this XML layout and the file's \
                      name says neither: name it sdn….xml or cons….xml (as OFAC does: SDN.XML, \
                      CONSOLIDATED.XML)"
                .to_owned(),
        });
    };
    let mut source = list.source(ContentHash::of(raw), options);
    source.file_name = Some(base_name(file).to_owned());
    let mut report = Report::default();
    let warn = |report: &mut Report, path: &str, message: String| {
        report.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            file: file.to_owned(),
            line: None,
            path: Some(path.to_owned()),
            message,
        });
    };
    if let Some(date) = &layout.publish_date {
        source.published = publish_date(date);
        match source.published {
            Some(d) => source.version = Some(d.to_string()),
            None => warn(
                &mut report,
                "publshInformation/Publish_Date",
                format!("{date:?} is not a date (MM/DD/YYYY); the version is undated"),
            ),
        }
    }

    // Names to ids first: "Linked To:" points at other records by name.
    let mut by_name: HashMap<String, EntityId> = HashMap::new();
    let mut accepted = Vec::new();
    let mut seen = HashSet::new();
    let entries: Vec<Result<Entry, String>> = layout
        .entries
        .par_iter()
        .map(|&(start, end)| quick_xml::de::from_str(&text[start..end]).map_err(|e| e.to_string()))
        .collect();
    for (i, (&(start, end), entry)) in layout.entries.iter().zip(entries).enumerate() {
        report.received += 1;
        let slice = &text[start..end];
        // A bad value is named by the line of its element, a missing one by the entry's.
        let reject = |report: &mut Report, tag: &str, present: bool, message: String| {
            let at = present
                .then(|| slice.find(&format!("<{tag}>")))
                .flatten()
                .unwrap_or(0);
            report.rejected += 1;
            report.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                file: file.to_owned(),
                line: Some(lines.line_at(start + at)),
                path: Some(if tag.is_empty() {
                    format!("sdnEntry[{i}]")
                } else {
                    format!("sdnEntry[{i}]/{tag}")
                }),
                message,
            });
        };
        let entry = match entry {
            Ok(e) => e,
            Err(message) => {
                reject(&mut report, "", false, message);
                continue;
            }
        };
        let Some(uid) = text_of(&entry.uid) else {
            reject(&mut report, "uid", false, "missing".to_owned());
            continue;
        };
        let Ok(ent_num) = uid.parse::<u64>() else {
            reject(&mut report, "uid", true, format!("{uid:?} is not a number"));
            continue;
        };
        let Some(name) = full_name(&entry.last_name, &entry.first_name) else {
            reject(
                &mut report,
                "lastName",
                false,
                "missing (the name)".to_owned(),
            );
            continue;
        };
        let kind = match kind_of(text_of(&entry.sdn_type)) {
            Ok(kind) => kind,
            Err(message) => {
                reject(&mut report, "sdnType", true, message);
                continue;
            }
        };
        if !seen.insert(ent_num) {
            report.duplicate += 1;
            continue;
        }
        let id = entity_id(kind, ent_num);
        by_name
            .entry(name.to_uppercase())
            .or_insert_with(|| id.clone());
        accepted.push(Accepted {
            ent_num,
            kind,
            id,
            name,
            entry,
        });
    }
    if let Some(count) = &layout.record_count {
        let received = report.received;
        if count.parse::<u64>().ok() != Some(received) {
            warn(
                &mut report,
                "publshInformation/Record_Count",
                format!("the file says {count} records and holds {received} entries"),
            );
        }
    }

    let authority = ofac();
    let (ctx, mut out) = Ctx::start(&source.id, &authority, options, list);
    let mut count = ClauseCount::default();
    // Each entry's statements apart (in parallel), then gathered in the file's order.
    let converted: Vec<(Vec<Statement>, ClauseCount)> = accepted
        .par_iter()
        .map(|a| {
            let mut mine = Collector::default();
            let mut clauses = ClauseCount::default();
            convert(&ctx, a, &by_name, &mut clauses, &mut mine);
            (mine.statements, clauses)
        })
        .collect();
    for (statements, clauses) in converted {
        report.accepted += 1;
        count.add(&clauses);
        for s in statements {
            out.push(s);
        }
    }
    report
        .diagnostics
        .push(count.diagnostic(file, "sdnEntry/idList, remarks"));
    Ok(Batch {
        source,
        statements: out.statements,
        report,
        stix: Vec::new(),
    })
}

fn text_of(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The remarks split into their free text and the "Linked To:" clauses the XML adds at
/// their end in parentheses ("all offices worldwide; (Linked To: X; Linked To: Y)"), which
/// the CSV prints without them, last.
fn split_links(remarks: &str) -> (&str, Option<&str>) {
    match remarks.find("(Linked To: ") {
        Some(i) if remarks.ends_with(')') && (i == 0 || remarks[..i].ends_with("; ")) => (
            remarks[..i].trim_end_matches("; "),
            Some(&remarks[i + 1..remarks.len() - 1]),
        ),
        _ => (remarks, None),
    }
}

/// The clause OFAC's CSV prints for an identifier: "Passport E123 (Iran) issued 12 Jan
/// 2010 expires 11 Jan 2020", "Gender Male", "Organization Type: Mining".
fn id_clause(id: &Id) -> Option<String> {
    let mut clause = [text(&id.id_type), text(&id.id_number)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    if clause.is_empty() {
        return None;
    }
    if let Some(country) = text(&id.id_country) {
        clause.push_str(&format!(" ({country})"));
    }
    for (label, date) in [("issued", &id.issue_date), ("expires", &id.expiration_date)] {
        if let Some(date) = text(date) {
            clause.push_str(&format!(" {label} {date}"));
        }
    }
    Some(clause)
}

fn convert(
    ctx: &Ctx<'_>,
    a: &Accepted,
    by_name: &HashMap<String, EntityId>,
    count: &mut ClauseCount,
    out: &mut Collector,
) {
    let e = &a.entry;
    let title = text(&e.title);
    let vessel = e.vessel_info.as_ref();
    let vessel_fields = vessel.map_or(Default::default(), |v| {
        [
            text(&v.call_sign),
            text(&v.vessel_type),
            text(&v.tonnage),
            text(&v.gross_registered_tonnage),
            text(&v.vessel_owner),
        ]
    });
    let flag = vessel.and_then(|v| text(&v.vessel_flag));
    let programs: Vec<String> = e
        .program_list
        .program
        .iter()
        .filter_map(|p| clean(p))
        .collect();
    ctx.primary(
        &a.id,
        &Primary {
            ent_num: a.ent_num,
            kind: a.kind,
            name: &a.name,
            programs: programs.iter().map(String::as_str).collect(),
            title: title.as_deref(),
            vessel: vessel_fields.each_ref().map(Option::as_deref),
            flag: flag.as_deref(),
        },
        out,
    );

    // The remarks column of the CSV, in its order (birth dates, birth places,
    // nationalities, citizenships, identifiers, title, free remarks, weak aliases, links)
    // and with its closing period, split by the CSV's rule.
    let mut column: Vec<String> = Vec::new();
    let items = |prefix: &str, list: &[Item]| -> Vec<String> {
        list.iter()
            .filter_map(|i| text(&i.value))
            .map(|v| format!("{prefix} {v}"))
            .collect()
    };
    column.extend(items("DOB", &e.date_of_birth_list.date_of_birth_item));
    column.extend(items("POB", &e.place_of_birth_list.place_of_birth_item));
    column.extend(items("nationality", &e.nationality_list.nationality));
    column.extend(items("citizen", &e.citizenship_list.citizenship));
    column.extend(e.id_list.id.iter().filter_map(id_clause));
    column.extend(title.clone());
    let remarks = text(&e.remarks);
    let (free, links) = remarks.as_deref().map_or(("", None), split_links);
    if !free.is_empty() {
        column.push(free.to_owned());
    }
    let mut strong = Vec::new();
    for aka in &e.aka_list.aka {
        let Some(name) =
            full_name(&aka.last_name, &aka.first_name).or_else(|| text(&aka.first_name))
        else {
            continue;
        };
        let ty = text(&aka.ty);
        if text(&aka.category).is_some_and(|c| c.eq_ignore_ascii_case("weak")) {
            // The CSV lists weak aliases in the remarks: "a.k.a. 'BNC'".
            column.push(format!("{} '{name}'", ty.as_deref().unwrap_or("a.k.a.")));
        } else {
            strong.push((name, ty));
        }
    }
    column.extend(links.map(str::to_owned));
    for clause in split_remarks(&(column.join("; ") + ".")) {
        ctx.clause(&a.id, clause, true, by_name, count, out);
    }
    for (name, ty) in &strong {
        ctx.alias(&a.id, name, ty.as_deref(), false, out);
    }
    for address in &e.address_list.address {
        let street = [&address.address1, &address.address2, &address.address3]
            .into_iter()
            .filter_map(text)
            .collect::<Vec<_>>()
            .join(", ");
        // "Richardson, TX 75081", as the CSV's city column.
        let city_state = [&address.city, &address.state_or_province]
            .into_iter()
            .filter_map(text)
            .collect::<Vec<_>>()
            .join(", ");
        let city = [Some(city_state), text(&address.postal_code)]
            .into_iter()
            .flatten()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let country = text(&address.country);
        let parts: Vec<&str> = [
            street.as_str(),
            city.as_str(),
            country.as_deref().unwrap_or(""),
        ]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
        ctx.address(&a.id, &parts, country.as_deref(), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_dates() {
        assert_eq!(
            publish_date("05/07/2024").map(|d| d.to_string()),
            Some("2024-05-07".to_owned())
        );
        assert_eq!(publish_date("13/07/2024"), None);
        assert_eq!(publish_date("05/300/2024"), None);
        assert_eq!(publish_date("05/07/2024/1"), None);
        assert_eq!(publish_date("2024-05-07"), None);
    }

    #[test]
    fn links_lose_the_parentheses_the_xml_adds() {
        assert_eq!(
            split_links("(Linked To: A; Linked To: B)"),
            ("", Some("Linked To: A; Linked To: B"))
        );
        assert_eq!(
            split_links("all offices worldwide; (Linked To: BANK (X) LTD.)"),
            ("all offices worldwide", Some("Linked To: BANK (X) LTD."))
        );
        assert_eq!(
            split_links("(Golfrate … Lda.)"),
            ("(Golfrate … Lda.)", None)
        );
    }

    #[test]
    fn id_clauses_read_as_the_csv_prints_them() {
        let id = Id {
            id_type: Some("Passport".to_owned()),
            id_number: Some("G 649385".to_owned()),
            id_country: Some("Saudi Arabia".to_owned()),
            issue_date: Some("08 Sep 2006".to_owned()),
            expiration_date: Some("17 Jul 2011".to_owned()),
        };
        assert_eq!(
            id_clause(&id).as_deref(),
            Some("Passport G 649385 (Saudi Arabia) issued 08 Sep 2006 expires 17 Jul 2011")
        );
        assert_eq!(id_clause(&Id::default()), None);
    }
}
