//! The UK lists as CSV, read by their column headers so that both official layouts and
//! their variants work: the UK Sanctions List of the FCDO (`Unique ID`, `Name 6`, `Name
//! type`, `Alias strength`, `Regime Name`, `UK Statement of Reasons`…, or its summary with
//! a single `Name` column) and the OFSI Consolidated List (`Name 6`, `Name 1`…, `Group
//! Type`, `Alias Type`, `Regime`, `Listed On`, `Group ID`). One row is one name of a
//! designated person, entity or ship; rows are grouped by the list's own id.

use std::borrow::Cow;
use std::collections::HashMap;

use dossier_model::{
    country_by_name, ContentHash, EntityId, EntityKind, Object, PartialDate, Predicate, Source,
    SourceKind, Value,
};

use crate::batch::{Batch, Collector, Diagnostic, Report, Severity, Stamp};
use crate::{base_name, ReadError, ReadOptions};

/// Which UK publication a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// FCDO's UK Sanctions List (rows keyed by `Unique ID`).
    SanctionsList,
    /// OFSI's Consolidated List of Financial Sanctions Targets (rows keyed by `Group ID`).
    OfsiConList,
}

/// Header names each field goes by, lowercase.
const FIELDS: &[(&str, &[&str])] = &[
    ("unique_id", &["unique id"]),
    ("group_id", &["ofsi group id", "group id"]),
    ("un_ref", &["un reference number", "un ref"]),
    ("name", &["name"]),
    ("name6", &["name 6"]),
    ("name1", &["name 1"]),
    ("name2", &["name 2"]),
    ("name3", &["name 3"]),
    ("name4", &["name 4"]),
    ("name5", &["name 5"]),
    ("name_type", &["name type", "alias type"]),
    ("alias_strength", &["alias strength", "alias quality"]),
    ("title", &["title"]),
    (
        "non_latin",
        &["name non-latin script", "name non latin script"],
    ),
    ("regime", &["regime name", "regime"]),
    ("type", &["type", "group type", "individual, entity, ship"]),
    ("designation_source", &["designation source"]),
    (
        "designated",
        &[
            "date designated",
            "uk sanctions list date designated",
            "listed on",
        ],
    ),
    ("sanctions_imposed", &["sanctions imposed"]),
    ("other_information", &["other information"]),
    ("reasons", &["uk statement of reasons"]),
    ("dob", &["d.o.b", "dob", "date of birth"]),
    ("nationality", &["nationality(/ies)", "nationality"]),
    ("passport", &["passport number", "passport details"]),
    ("passport_info", &["passport additional information"]),
    (
        "national_id",
        &[
            "national identifier number",
            "national identification number",
            "ni number",
        ],
    ),
    (
        "national_id_info",
        &[
            "national identifier additional information",
            "national identification details",
        ],
    ),
    ("position", &["position"]),
    ("gender", &["gender"]),
    ("town_of_birth", &["town of birth"]),
    ("country_of_birth", &["country of birth"]),
    ("address1", &["address line 1", "address 1"]),
    ("address2", &["address line 2", "address 2"]),
    ("address3", &["address line 3", "address 3"]),
    ("address4", &["address line 4", "address 4"]),
    ("address5", &["address line 5", "address 5"]),
    ("address6", &["address line 6", "address 6"]),
    ("postcode", &["address postal code", "post/zip code"]),
    ("address_country", &["address country", "country"]),
    ("phone", &["phone number"]),
    ("website", &["website"]),
    ("email", &["email address"]),
    ("imo", &["imo number"]),
    (
        "registration",
        &[
            "business registration number (s)",
            "business registration number(s)",
        ],
    ),
    ("entity_type", &["type of entity"]),
];

/// Which publication a header row belongs to, if any.
pub(crate) fn layout_of(header: &[String]) -> Option<Layout> {
    let has = |h: &str| header.iter().any(|c| c.trim().eq_ignore_ascii_case(h));
    if has("unique id") && (has("name 6") || has("name")) {
        Some(Layout::SanctionsList)
    } else if has("name 6") && has("group id") {
        Some(Layout::OfsiConList)
    } else {
        None
    }
}

/// The file as text: UTF-8, or Windows-1252 as OFSI's older files are. A file that mixes
/// valid multibyte UTF-8 with invalid bytes is damaged, not Windows-1252: refused.
fn decode<'a>(file: &str, bytes: &'a [u8], report: &mut Report) -> Result<Cow<'a, str>, ReadError> {
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok(Cow::Borrowed(t)),
        Err(e) => {
            let lossy = String::from_utf8_lossy(bytes);
            if lossy
                .chars()
                .any(|c| !c.is_ascii() && c != char::REPLACEMENT_CHARACTER)
            {
                return Err(crate::json::utf8(file, bytes)
                    .err()
                    .unwrap_or(ReadError::Encoding {
                        file: file.to_owned(),
                        line: 0,
                        offset: e.valid_up_to(),
                    }));
            }
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            report.diagnostics.push(Diagnostic::info(
                file,
                format!("not UTF-8 (byte {}); read as Windows-1252", e.valid_up_to()),
            ));
            Ok(Cow::Owned(text.into_owned()))
        }
    }
}

/// "29-06-2012", "01/04/2016", "00/00/1980" (unknown day and month), "1980".
fn uk_date(s: &str) -> Option<PartialDate> {
    let s = s.trim();
    if let Ok(d) = PartialDate::from_timestamp(s) {
        return Some(d);
    }
    let parts: Vec<&str> = s.split(['/', '-']).collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    // "25-Mar-2024", as FCDO's report date reads.
    if let Some(i) = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ]
    .iter()
    .position(|name| m.trim().to_ascii_lowercase().starts_with(name))
    {
        return PartialDate::new(
            y.trim().parse().ok()?,
            Some(i as u8 + 1),
            Some(d.trim().parse().ok()?),
        )
        .ok();
    }
    let year: u16 = y.trim().parse().ok()?;
    let month: u8 = m.trim().parse().ok()?;
    let day: u8 = d.trim().parse().ok()?;
    match (month, day) {
        (0, _) => PartialDate::new(year, None, None).ok(),
        (m, 0) => PartialDate::new(year, Some(m), None).ok(),
        (m, d) => PartialDate::new(year, Some(m), Some(d)).ok(),
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
    ) {
        let mut s = self.stamp.statement(subject, predicate, object);
        s.note = note;
        out.push(s);
    }

    fn text(&self, out: &mut Collector, subject: &EntityId, predicate: Predicate, text: &str) {
        self.push(
            out,
            subject,
            predicate,
            Object::Value(Value::text(text.trim())),
            None,
        );
    }
}

fn country(name: &str) -> Object {
    match country_by_name(name.trim()) {
        Some(c) => Object::Entity(c.entity_id()),
        None => Object::Value(Value::text(name.trim())),
    }
}

/// Splits the numbered lists OFSI writes ("1) Saudi Arabia 2) Qatar", "(1) German (2)
/// Moroccan"); anything else is one item. Digits inside values stay ("1) A123 2) B456").
fn items(s: &str) -> Vec<String> {
    let is_marker = |w: &str| {
        let inner = w.strip_prefix('(').unwrap_or(w);
        inner
            .strip_suffix(')')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let words: Vec<&str> = s.split_whitespace().collect();
    if !words.first().is_some_and(|w| is_marker(w)) {
        return vec![s.trim().to_owned()];
    }
    let mut out: Vec<String> = Vec::new();
    for w in words {
        if is_marker(w) {
            out.push(String::new());
        } else if let Some(last) = out.last_mut() {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(w);
        }
    }
    out.retain(|i| !i.is_empty());
    out
}

pub(crate) fn read_uk(
    file: &str,
    plain: &[u8],
    raw: &[u8],
    options: &ReadOptions,
) -> Result<Batch, ReadError> {
    let mut report = Report::default();
    let text = decode(file, plain, &mut report)?;
    let rows = crate::table::rows(file, &text)?;
    // The header row may follow a preamble ("Last Updated,01/04/2020", "Report Date: …").
    let Some(header_at) = rows
        .iter()
        .take(5)
        .position(|(_, r)| layout_of(&r.iter().map(str::to_owned).collect::<Vec<_>>()).is_some())
    else {
        return Err(ReadError::Format {
            file: file.to_owned(),
            message: "no UK sanctions list header in the first rows (expected Unique ID or Name 6 and Group ID)".to_owned(),
        });
    };
    let header: Vec<String> = rows[header_at]
        .1
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let layout = layout_of(&header).unwrap_or(Layout::OfsiConList);
    // Some copies carry a blank index column in the header only (a spreadsheet export):
    // then the data rows are one field shorter and every column moves left by one.
    let shorter_rows = rows
        .iter()
        .skip(header_at + 1)
        .take(20)
        .filter(|(_, r)| r.len() + 1 == header.len())
        .count();
    let shift = usize::from(header.first().is_some_and(String::is_empty) && shorter_rows > 0);
    if shift == 1 {
        report.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            file: file.to_owned(),
            line: Some(rows[header_at].0),
            path: None,
            message:
                "the header has a blank first column the rows lack; columns read one to the left"
                    .to_owned(),
        });
    }
    crate::table::check_last_row(file, &text, &rows, header.len() - shift)?;
    let mut columns: HashMap<&str, usize> = HashMap::new();
    for (field, names) in FIELDS {
        if let Some(i) = header.iter().position(|h| names.contains(&h.as_str())) {
            columns.insert(field, i.saturating_sub(shift));
        }
    }
    let preamble_date = rows[..header_at]
        .iter()
        .flat_map(|(_, r)| r.iter().map(str::to_owned).collect::<Vec<_>>())
        .find_map(|cell| {
            let cell = cell
                .trim_start_matches("Last Updated")
                .trim_start_matches("Report Date:")
                .trim();
            uk_date(cell.split_whitespace().next().unwrap_or(""))
        });

    let (dataset, title, publisher, issuer_name) = match layout {
        Layout::SanctionsList => (
            "gb-fcdo/uk-sanctions-list",
            "UK Sanctions List",
            "Foreign, Commonwealth & Development Office",
            "Foreign, Commonwealth & Development Office",
        ),
        Layout::OfsiConList => (
            "gb-ofsi/consolidated-list",
            "OFSI Consolidated List of Financial Sanctions Targets",
            "HM Treasury, Office of Financial Sanctions Implementation",
            "Office of Financial Sanctions Implementation",
        ),
    };
    let mut source = Source::new(
        SourceKind::SanctionsList,
        options.dataset.as_deref().unwrap_or(dataset),
        title,
        ContentHash::of(raw),
    );
    source.publisher = Some(publisher.to_owned());
    source.file_name = Some(base_name(file).to_owned());
    source.published = preamble_date;

    let issuer = EntityId::derived("identity", &format!("organization:gb:{issuer_name}"));
    let ctx = Ctx {
        stamp: Stamp {
            source: &source.id,
            issuer: Some(&issuer),
            marking: options.default_marking,
        },
    };
    let mut out = Collector::default();
    ctx.text(
        &mut out,
        &issuer,
        Predicate::IS_A,
        EntityKind::Organization.as_str(),
    );
    ctx.text(&mut out, &issuer, Predicate::NAME, issuer_name);
    if let Some(gb) = dossier_model::country_by_code("GB") {
        ctx.push(
            &mut out,
            &issuer,
            Predicate::COUNTRY,
            Object::Entity(gb.entity_id()),
            None,
        );
    }

    let mut subjects: Vec<String> = Vec::new();
    for (line, r) in rows.iter().skip(header_at + 1) {
        let get = |field: &str| {
            columns
                .get(field)
                .and_then(|&i| r.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        report.received += 1;
        let key = match layout {
            Layout::SanctionsList => get("unique_id").map(|u| (u, "gb-fcdo")),
            Layout::OfsiConList => get("group_id").map(|g| (g, "gb-ofsi-group")),
        };
        let Some((key, scheme)) = key else {
            report.rejected += 1;
            report.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                file: file.to_owned(),
                line: Some(*line),
                path: Some(
                    if layout == Layout::SanctionsList {
                        "Unique ID"
                    } else {
                        "Group ID"
                    }
                    .to_owned(),
                ),
                message: "missing the list's id".to_owned(),
            });
            continue;
        };
        let full_name = match get("name") {
            Some(n) => n.to_owned(),
            None => {
                // Name 6 is the surname or the entity's name; Names 1-5 the given names.
                let given: Vec<&str> = ["name1", "name2", "name3", "name4", "name5"]
                    .iter()
                    .filter_map(|f| get(f))
                    .collect();
                match (get("name6"), given.is_empty()) {
                    (Some(last), false) => format!("{last}, {}", given.join(" ")),
                    (Some(last), true) => last.to_owned(),
                    (None, false) => given.join(" "),
                    (None, true) => String::new(),
                }
            }
        };
        if full_name.is_empty() {
            report.rejected += 1;
            report.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                file: file.to_owned(),
                line: Some(*line),
                path: Some("Name 6".to_owned()),
                message: "no name".to_owned(),
            });
            continue;
        }
        report.accepted += 1;
        let kind = match get("type").map(str::to_ascii_lowercase).as_deref() {
            Some("individual") => EntityKind::Person,
            Some("ship") => EntityKind::Vessel,
            _ => EntityKind::Organization,
        };
        // OFSI group ids join both UK layouts; the FCDO id alone where there is none.
        let id = match (get("group_id"), kind) {
            (Some(g), EntityKind::Vessel) => {
                EntityId::derived("vessel", &format!("gb-ofsi-group:{g}"))
            }
            (Some(g), _) => EntityId::derived("identity", &format!("gb-ofsi-group:{g}")),
            (None, _) => EntityId::derived("identity", &format!("{scheme}:{key}")),
        };
        let first_row = !subjects.iter().any(|s| s == key);
        if first_row {
            subjects.push(key.to_owned());
        }
        ctx.text(&mut out, &id, Predicate::IS_A, kind.as_str());
        let name_type = get("name_type").unwrap_or("").to_ascii_lowercase();
        let strength = get("alias_strength").unwrap_or("").to_ascii_lowercase();
        let predicate = if name_type.starts_with("primary") || (name_type.is_empty() && first_row) {
            Predicate::NAME
        } else if strength.contains("low") {
            Predicate::WEAK_ALIAS
        } else {
            Predicate::ALIAS
        };
        let note = (name_type.contains("variation")).then(|| "name variation".to_owned());
        ctx.push(
            &mut out,
            &id,
            predicate,
            Object::Value(Value::text(&full_name)),
            note,
        );
        if let Some(n) = get("non_latin") {
            ctx.push(
                &mut out,
                &id,
                Predicate::ALIAS,
                Object::Value(Value::text(n)),
                Some("non-Latin script".to_owned()),
            );
        }
        if let Some(u) = get("unique_id") {
            ctx.push(
                &mut out,
                &id,
                Predicate::EXTERNAL_ID,
                Object::Value(Value::identifier("gb-fcdo", u)),
                None,
            );
        }
        if let Some(g) = get("group_id") {
            ctx.push(
                &mut out,
                &id,
                Predicate::EXTERNAL_ID,
                Object::Value(Value::identifier("gb-ofsi-group", g)),
                None,
            );
        }
        if let Some(u) = get("un_ref") {
            ctx.push(
                &mut out,
                &id,
                Predicate::EXTERNAL_ID,
                Object::Value(Value::identifier("un-sc", u)),
                None,
            );
        }
        let designated = get("designated").and_then(uk_date);
        let mut designation = ctx.stamp.statement(
            &id,
            Predicate::SANCTIONED_BY,
            Object::Entity(issuer.clone()),
        );
        designation.valid_from = designated;
        designation.stated_at = designated;
        designation.note = get("designation_source").map(|s| format!("designation source: {s}"));
        out.push(designation);
        if let Some(regime) = get("regime") {
            ctx.push(
                &mut out,
                &id,
                Predicate::SANCTION_PROGRAM,
                Object::Value(Value::identifier("gb-regime", regime)),
                None,
            );
        }
        for (field, predicate, label) in [
            (
                "sanctions_imposed",
                Predicate::SANCTION_INFO,
                Some("sanctions imposed"),
            ),
            (
                "reasons",
                Predicate::SANCTION_INFO,
                Some("statement of reasons"),
            ),
            (
                "other_information",
                Predicate::REMARK,
                Some("other information"),
            ),
            ("title", Predicate::POSITION, None),
            ("position", Predicate::POSITION, None),
            ("gender", Predicate::GENDER, None),
            ("entity_type", Predicate::ORGANIZATION_TYPE, None),
            ("phone", Predicate::CONTACT, Some("phone")),
            ("website", Predicate::CONTACT, Some("website")),
            ("email", Predicate::CONTACT, Some("e-mail")),
        ] {
            if let Some(v) = get(field) {
                ctx.push(
                    &mut out,
                    &id,
                    predicate,
                    Object::Value(Value::text(v)),
                    label.map(str::to_owned),
                );
            }
        }
        if let Some(dob) = get("dob") {
            for d in items(dob) {
                match uk_date(&d) {
                    Some(date) => ctx.push(
                        &mut out,
                        &id,
                        Predicate::BIRTH_DATE,
                        Object::Value(Value::Date { date }),
                        None,
                    ),
                    None => ctx.text(&mut out, &id, Predicate::BIRTH_DATE, &d),
                }
            }
        }
        let birth_place: Vec<&str> = ["town_of_birth", "country_of_birth"]
            .iter()
            .filter_map(|f| get(f))
            .collect();
        if !birth_place.is_empty() {
            ctx.text(
                &mut out,
                &id,
                Predicate::BIRTH_PLACE,
                &birth_place.join(", "),
            );
        }
        if let Some(n) = get("nationality") {
            for c in items(n) {
                ctx.push(&mut out, &id, Predicate::NATIONALITY, country(&c), None);
            }
        }
        for (field, info, scheme) in [
            ("passport", "passport_info", "passport"),
            ("national_id", "national_id_info", "national-id"),
            ("imo", "", "imo"),
            ("registration", "", "business-registration"),
        ] {
            if let Some(v) = get(field) {
                for item in items(v) {
                    ctx.push(
                        &mut out,
                        &id,
                        Predicate::EXTERNAL_ID,
                        Object::Value(Value::identifier(scheme, item)),
                        get(info).map(str::to_owned),
                    );
                }
            }
        }
        let address: Vec<&str> = [
            "address1",
            "address2",
            "address3",
            "address4",
            "address5",
            "address6",
            "postcode",
            "address_country",
        ]
        .iter()
        .filter_map(|f| get(f))
        .collect();
        if !address.is_empty() {
            ctx.text(&mut out, &id, Predicate::ADDRESS, &address.join(", "));
        }
        if let Some(c) = get("address_country").and_then(country_by_name) {
            ctx.push(
                &mut out,
                &id,
                Predicate::COUNTRY,
                Object::Entity(c.entity_id()),
                Some("address".to_owned()),
            );
        }
    }
    report.diagnostics.push(Diagnostic::info(
        file,
        format!(
            "{} rows name {} designated subjects",
            report.accepted,
            subjects.len()
        ),
    ));
    Ok(Batch {
        source,
        statements: out.statements,
        report,
        stix: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::items;

    #[test]
    fn numbered_lists() {
        assert_eq!(items("1) Saudi Arabia 2) Qatar"), ["Saudi Arabia", "Qatar"]);
        assert_eq!(items("(1) German (2) Moroccan"), ["German", "Moroccan"]);
        assert_eq!(items("1) A123 2) B456"), ["A123", "B456"]);
        assert_eq!(
            items("Passport No: 592667 (Qatari)"),
            ["Passport No: 592667 (Qatari)"]
        );
    }
}
