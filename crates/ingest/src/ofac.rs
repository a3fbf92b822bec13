//! OFAC's CSV publication of the SDN list (and of the consolidated non-SDN list, same
//! layout): `sdn.csv` (primary records), `add.csv` (addresses), `alt.csv` (aliases) and
//! `sdn_comments.csv` (remarks continued). No header; `-0-` for empty; CRLF; a final
//! 0x1A byte.
//!
//! The remarks column is parsed clause by clause ("DOB 12 Nov 1985; POB Jingzhou…;
//! Passport E1234 (China)") into statements; a clause no rule understands is kept
//! verbatim as a `remark` statement, never dropped.
//!
//! The clause rules and the statement makers ([`Ctx`]) serve the XML publication of the
//! same lists too (ofac_xml.rs), so both formats of a list version read alike.

use std::collections::HashMap;

use dossier_model::{
    country_by_name, ContentHash, EntityId, EntityKind, Object, PartialDate, Predicate, Source,
    SourceId, SourceKind, Statement, Value,
};

use crate::batch::{Batch, Collector, Diagnostic, Report, Severity, Stamp};
use crate::{base_name, ReadError, ReadOptions};

/// One file of a set, as received.
#[derive(Debug, Clone, Copy)]
pub struct SetFile<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Role {
    Primary,
    Addresses,
    Aliases,
    Comments,
}

/// The role of a file of the set, by its name.
fn role(name: &str) -> Option<Role> {
    Some(match base_name(name).to_ascii_lowercase().as_str() {
        "sdn.csv" | "cons_prim.csv" => Role::Primary,
        "add.csv" | "cons_add.csv" => Role::Addresses,
        "alt.csv" | "cons_alt.csv" => Role::Aliases,
        "sdn_comments.csv" | "cons_comments.csv" => Role::Comments,
        _ => return None,
    })
}

/// Whether these file names make an OFAC CSV set (a primary file among them).
pub fn is_ofac_set(names: &[&str]) -> bool {
    names.iter().any(|n| role(n) == Some(Role::Primary))
}

const EMPTY: &str = "-0-";

fn field(record: &csv::StringRecord, i: usize) -> Option<&str> {
    record
        .get(i)
        .map(str::trim)
        .filter(|v| !v.is_empty() && *v != EMPTY)
}

/// The office that publishes the lists, as an entity.
pub(crate) fn ofac() -> EntityId {
    EntityId::derived("identity", "organization:us-treasury-ofac")
}

pub(crate) fn entity_id(kind: EntityKind, ent_num: u64) -> EntityId {
    let ty = match kind {
        EntityKind::Vessel => "vessel",
        EntityKind::Aircraft => "aircraft",
        _ => "identity",
    };
    EntityId::derived(ty, &format!("us-ofac:{ent_num}"))
}

/// Parsed rows of one CSV file: records with their line, or the error that stops it.
fn rows(
    file: &str,
    bytes: &[u8],
    width: usize,
) -> Result<Vec<(u64, csv::StringRecord)>, ReadError> {
    let text = crate::json::utf8(file, bytes)?;
    // The end-of-file marker OFAC appends; before it, every row ends with a line break,
    // so a file that stops elsewhere was cut short.
    let text = text.strip_suffix('\u{1a}').unwrap_or(text);
    if !text.is_empty() && !text.ends_with('\n') {
        return Err(ReadError::Format {
            file: file.to_owned(),
            message: format!(
                "line {}: the file stops in the middle of a row; it looks truncated",
                text.lines().count()
            ),
        });
    }
    let out = crate::table::rows(file, text)?;
    // A last row cut short is a truncated file, not a bad record.
    if let Some((line, last)) = out.last() {
        if last.len() < width {
            return Err(ReadError::Format {
                file: file.to_owned(),
                message: format!(
                    "line {line}: the last row has {} of {width} fields; the file looks truncated",
                    last.len()
                ),
            });
        }
    }
    Ok(out)
}

/// Reads an OFAC CSV set. `files` must hold the primary file; the others are optional.
pub fn read_ofac_set(files: &[SetFile<'_>], options: &ReadOptions) -> Result<Batch, ReadError> {
    let mut by_role: HashMap<Role, SetFile<'_>> = HashMap::new();
    for f in files {
        match role(f.name) {
            Some(r) => {
                if let Some(other) = by_role.insert(r, *f) {
                    return Err(ReadError::Format {
                        file: f.name.to_owned(),
                        message: format!(
                            "plays the same part as {} in one OFAC set (an SDN and a consolidated set mixed?)",
                            other.name
                        ),
                    });
                }
            }
            None => {
                return Err(ReadError::Format {
                    file: f.name.to_owned(),
                    message: "not part of an OFAC CSV set (sdn.csv, add.csv, alt.csv, sdn_comments.csv or their cons_ forms)".to_owned(),
                })
            }
        }
    }
    let Some(primary) = by_role.get(&Role::Primary).copied() else {
        return Err(ReadError::Format {
            file: files.first().map_or("", |f| f.name).to_owned(),
            message: "an OFAC CSV set needs its primary file (sdn.csv or cons_prim.csv)".to_owned(),
        });
    };
    let list = List::of_file(primary.name);

    // The set is one source: its hash covers every file, in a fixed order.
    let mut ordered: Vec<&SetFile<'_>> = by_role.values().collect();
    ordered.sort_by_key(|f| base_name(f.name).to_ascii_lowercase());
    let mut joined = Vec::new();
    for f in &ordered {
        joined.extend_from_slice(base_name(f.name).as_bytes());
        joined.push(0);
        joined.extend_from_slice(f.bytes);
        joined.push(0);
    }
    let mut source = list.source(ContentHash::of(&joined), options);
    source.file_name = Some(
        ordered
            .iter()
            .map(|f| base_name(f.name))
            .collect::<Vec<_>>()
            .join(", "),
    );

    let primary_rows = rows(primary.name, primary.bytes, 12)?;
    if primary_rows.is_empty() {
        return Err(ReadError::Empty {
            file: primary.name.to_owned(),
        });
    }
    let mut comments: HashMap<u64, String> = HashMap::new();
    if let Some(f) = by_role.get(&Role::Comments) {
        for (_, r) in rows(f.name, f.bytes, 2)? {
            if let (Some(n), Some(text)) = (
                r.get(0).and_then(|v| v.trim().parse::<u64>().ok()),
                r.get(1),
            ) {
                // Raw: OFAC cuts remarks at a fixed length, at times just after a space.
                comments.entry(n).or_default().push_str(text);
            }
        }
    }

    let mut report = Report::default();
    let authority = ofac();
    let (ctx, mut out) = Ctx::start(&source.id, &authority, options, list);

    // Names to ids first: "Linked To:" points at other records by name.
    let mut by_name: HashMap<String, EntityId> = HashMap::new();
    let mut records = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (line, r) in &primary_rows {
        report.received += 1;
        let reject = |report: &mut Report, path: &str, message: String| {
            report.rejected += 1;
            report.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                file: primary.name.to_owned(),
                line: Some(*line),
                path: Some(path.to_owned()),
                message,
            });
        };
        if r.len() != 12 {
            reject(
                &mut report,
                "row",
                format!("{} fields, expected 12", r.len()),
            );
            continue;
        }
        let Some(ent_num) = r.get(0).and_then(|v| v.trim().parse::<u64>().ok()) else {
            reject(
                &mut report,
                "ent_num",
                format!("{:?} is not a number", r.get(0).unwrap_or("")),
            );
            continue;
        };
        let Some(name) = field(r, 1) else {
            reject(&mut report, "SDN_Name", "empty name".to_owned());
            continue;
        };
        if !seen.insert(ent_num) {
            report.duplicate += 1;
            continue;
        }
        let kind = match kind_of(field(r, 2)) {
            Ok(kind) => kind,
            Err(message) => {
                reject(&mut report, "SDN_Type", message);
                continue;
            }
        };
        let id = entity_id(kind, ent_num);
        by_name
            .entry(name.to_uppercase())
            .or_insert_with(|| id.clone());
        records.push((ent_num, kind, id, r, *line));
    }

    let mut clauses = ClauseCount::default();
    for (ent_num, kind, id, r, line) in &records {
        report.accepted += 1;
        let record = Primary {
            ent_num: *ent_num,
            kind: *kind,
            name: field(r, 1).unwrap_or_default(),
            programs: field(r, 3)
                .into_iter()
                .flat_map(|p| p.split("] ["))
                .map(|p| p.trim_matches(|c| c == '[' || c == ']' || c == ' '))
                .collect(),
            title: field(r, 4),
            vessel: [5, 6, 7, 8, 10].map(|i| field(r, i)),
            flag: field(r, 9),
        };
        ctx.primary(id, &record, &mut out);
        let raw_remarks = r.get(11).filter(|v| v.trim() != EMPTY).unwrap_or("");
        let mut remarks = raw_remarks.to_owned();
        let continued = comments.get(ent_num);
        if let Some(more) = continued {
            remarks.push_str(more);
        }
        // OFAC cuts remarks at 1,000 characters and continues them in sdn_comments.csv;
        // without that file the last clause is a fragment: kept verbatim, not parsed.
        let cut = continued.is_none() && raw_remarks.chars().count() >= 990;
        if cut {
            report.diagnostics.push(Diagnostic {
                severity: Severity::Warning,
                file: primary.name.to_owned(),
                line: Some(*line),
                path: Some("Remarks".to_owned()),
                message: format!("remarks of {ent_num} look cut at OFAC's 1,000 characters and no continuation was given; the last clause is kept verbatim"),
            });
        }
        let clauses_of = split_remarks(&remarks);
        let last = clauses_of.len().saturating_sub(1);
        for (i, clause) in clauses_of.into_iter().enumerate() {
            let parse = !(cut && i == last);
            ctx.clause(id, clause, parse, &by_name, &mut clauses, &mut out);
        }
    }

    let by_num: HashMap<u64, &EntityId> = records.iter().map(|(n, _, id, ..)| (*n, id)).collect();
    if let Some(f) = by_role.get(&Role::Aliases) {
        for (line, r) in rows(f.name, f.bytes, 5)? {
            let Some(id) = record_of(&by_num, &r, f.name, line, "alias", &mut report) else {
                continue;
            };
            let Some(alias) = field(&r, 3) else { continue };
            // Former and new names are strong names; weak ones are flagged in the remarks.
            let weak =
                field(&r, 4).is_some_and(|rem| rem.to_ascii_lowercase().contains("low quality"));
            ctx.alias(id, alias, field(&r, 2), weak, &mut out);
        }
    }
    if let Some(f) = by_role.get(&Role::Addresses) {
        for (line, r) in rows(f.name, f.bytes, 6)? {
            let Some(id) = record_of(&by_num, &r, f.name, line, "address", &mut report) else {
                continue;
            };
            let parts: Vec<&str> = [2, 3, 4].iter().filter_map(|&i| field(&r, i)).collect();
            ctx.address(id, &parts, field(&r, 4), &mut out);
        }
    }

    report
        .diagnostics
        .push(clauses.diagnostic(primary.name, "Remarks"));
    Ok(Batch {
        source,
        statements: out.statements,
        report,
        stix: Vec::new(),
    })
}

/// The record a row of a secondary file (aliases, addresses) belongs to, or a warning.
fn record_of<'a>(
    by_num: &HashMap<u64, &'a EntityId>,
    row: &csv::StringRecord,
    file: &str,
    line: u64,
    what: &str,
    report: &mut Report,
) -> Option<&'a EntityId> {
    let found = row
        .get(0)
        .and_then(|v| v.trim().parse::<u64>().ok())
        .and_then(|n| by_num.get(&n).copied());
    if found.is_none() {
        report.diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            file: file.to_owned(),
            line: Some(line),
            path: Some("ent_num".to_owned()),
            message: format!("{what} of a record not in the primary file; left out"),
        });
    }
    found
}

/// Which of OFAC's two lists a file publishes: the SDN list or the consolidated
/// (non-SDN) list, told apart by the file name (`sdn.csv`/`cons_prim.csv`,
/// `SDN.XML`/`CONSOLIDATED.XML`) as the files carry nothing else that says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum List {
    Sdn,
    Consolidated,
}

impl List {
    pub(crate) fn of_file(name: &str) -> List {
        if base_name(name).to_ascii_lowercase().starts_with("cons") {
            List::Consolidated
        } else {
            List::Sdn
        }
    }

    /// The list an XML file holds, by its name: OFAC publishes both lists in one XML
    /// layout, so only the name (`SDN.XML`, `CONSOLIDATED.XML`) tells them apart, and a
    /// file that says neither is not guessed at (taken for the SDN list, a consolidated
    /// list would hide it as its newest version).
    pub(crate) fn of_xml_file(name: &str) -> Option<List> {
        let name = base_name(name).to_ascii_lowercase();
        if name.starts_with("cons") {
            Some(List::Consolidated)
        } else if name.starts_with("sdn") {
            Some(List::Sdn)
        } else {
            None
        }
    }

    /// The scheme of the list's own record ids ("us-ofac-sdn 47818").
    fn scheme(self) -> &'static str {
        match self {
            List::Sdn => "us-ofac-sdn",
            List::Consolidated => "us-ofac-consolidated",
        }
    }

    /// A source of this list with the given content hash; the dataset is the same for
    /// every publication format of the list, so a CSV and an XML version supersede and
    /// diff each other.
    pub(crate) fn source(self, hash: ContentHash, options: &ReadOptions) -> Source {
        let (dataset, title) = match self {
            List::Sdn => (
                "us-ofac/sdn",
                "OFAC Specially Designated Nationals (SDN) List",
            ),
            List::Consolidated => ("us-ofac/consolidated", "OFAC Consolidated (non-SDN) List"),
        };
        let mut source = Source::new(
            SourceKind::SanctionsList,
            options.dataset.as_deref().unwrap_or(dataset),
            title,
            hash,
        );
        source.publisher =
            Some("U.S. Department of the Treasury, Office of Foreign Assets Control".to_owned());
        source
    }
}

/// The kind of record an `SDN_Type`/`sdnType` names; none is an organisation.
pub(crate) fn kind_of(sdn_type: Option<&str>) -> Result<EntityKind, String> {
    match sdn_type.map(str::to_ascii_lowercase).as_deref() {
        None | Some("entity") => Ok(EntityKind::Organization),
        Some("individual") => Ok(EntityKind::Person),
        Some("vessel") => Ok(EntityKind::Vessel),
        Some("aircraft") => Ok(EntityKind::Aircraft),
        Some(other) => Err(format!("unknown type {other:?}")),
    }
}

/// The fields of a record that are not remarks, as both publication formats carry them.
pub(crate) struct Primary<'a> {
    pub ent_num: u64,
    pub kind: EntityKind,
    pub name: &'a str,
    pub programs: Vec<&'a str>,
    pub title: Option<&'a str>,
    /// Call sign, vessel type, tonnage, gross registered tonnage, vessel owner.
    pub vessel: [Option<&'a str>; 5],
    pub flag: Option<&'a str>,
}

const VESSEL_LABELS: [&str; 5] = [
    "call sign",
    "vessel type",
    "tonnage",
    "gross registered tonnage",
    "vessel owner",
];

#[derive(Debug, Default)]
pub(crate) struct ClauseCount {
    total: u64,
    verbatim: u64,
}

impl ClauseCount {
    pub(crate) fn add(&mut self, other: &ClauseCount) {
        self.total += other.total;
        self.verbatim += other.verbatim;
    }

    fn share(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            (self.total - self.verbatim) as f64 / self.total as f64
        }
    }

    /// How much of the list's free text was understood, as an info diagnostic.
    pub(crate) fn diagnostic(&self, file: &str, path: &str) -> Diagnostic {
        Diagnostic {
            severity: Severity::Info,
            file: file.to_owned(),
            line: None,
            path: Some(path.to_owned()),
            message: format!(
                "{} of {} remark clauses structured ({:.2}%); {} kept verbatim as remarks",
                self.total - self.verbatim,
                self.total,
                self.share() * 100.0,
                self.verbatim
            ),
        }
    }
}

/// Makes the statements of one list version; shared by the CSV and XML readers.
pub(crate) struct Ctx<'a> {
    stamp: Stamp<'a>,
    list: List,
}

impl<'a> Ctx<'a> {
    /// The statement maker of one list version, and a collector holding what OFAC is.
    pub(crate) fn start(
        source: &'a SourceId,
        authority: &'a EntityId,
        options: &ReadOptions,
        list: List,
    ) -> (Self, Collector) {
        let ctx = Ctx {
            stamp: Stamp {
                source,
                issuer: Some(authority),
                marking: options.default_marking,
            },
            list,
        };
        let mut out = Collector::default();
        ctx.authority(&mut out);
        (ctx, out)
    }

    fn statement(&self, subject: &EntityId, predicate: Predicate, object: Object) -> Statement {
        self.stamp.statement(subject, predicate, object)
    }

    fn emit(&self, subject: &EntityId, predicate: Predicate, object: Object, out: &mut Collector) {
        out.push(self.statement(subject, predicate, object));
    }

    fn emit_noted(
        &self,
        subject: &EntityId,
        predicate: Predicate,
        object: Object,
        note: &str,
        out: &mut Collector,
    ) {
        let mut s = self.statement(subject, predicate, object);
        s.note = Some(note.to_owned());
        out.push(s);
    }

    fn emit_parsed(&self, subject: &EntityId, p: Parsed, out: &mut Collector) {
        let mut s = self.statement(subject, p.predicate, p.object);
        s.note = p.note;
        s.valid_from = p.valid_from;
        s.valid_to = p.valid_to;
        out.push(s);
    }

    /// What OFAC, the issuer, is.
    fn authority(&self, out: &mut Collector) {
        let authority = ofac();
        let text = |s: &str| Object::Value(Value::text(s));
        self.emit(
            &authority,
            Predicate::IS_A,
            text(EntityKind::Organization.as_str()),
            out,
        );
        self.emit(
            &authority,
            Predicate::NAME,
            text("Office of Foreign Assets Control"),
            out,
        );
        self.emit(&authority, Predicate::ALIAS, text("OFAC"), out);
        if let Some(us) = dossier_model::country_by_code("US") {
            self.emit(
                &authority,
                Predicate::COUNTRY,
                Object::Entity(us.entity_id()),
                out,
            );
        }
    }

    /// A record's kind, name, list id, designation, programmes, title and vessel facts.
    pub(crate) fn primary(&self, id: &EntityId, r: &Primary<'_>, out: &mut Collector) {
        let text = |s: &str| Object::Value(Value::text(s));
        self.emit(id, Predicate::IS_A, text(r.kind.as_str()), out);
        self.emit(id, Predicate::NAME, text(r.name), out);
        self.emit(
            id,
            Predicate::EXTERNAL_ID,
            Object::Value(Value::identifier(self.list.scheme(), r.ent_num.to_string())),
            out,
        );
        self.emit(id, Predicate::SANCTIONED_BY, Object::Entity(ofac()), out);
        for program in r.programs.iter().filter(|p| !p.is_empty()) {
            self.emit(
                id,
                Predicate::SANCTION_PROGRAM,
                Object::Value(Value::identifier("us-ofac-program", *program)),
                out,
            );
        }
        if let Some(title) = r.title {
            self.emit(id, Predicate::POSITION, text(title), out);
        }
        for (value, label) in r.vessel.iter().zip(VESSEL_LABELS) {
            if let Some(v) = value {
                // Tonnages as plain numbers: the CSV writes some as "299,500", the XML not.
                let plain = v.replace(',', "");
                let v = if label.ends_with("tonnage") && plain.bytes().all(|b| b.is_ascii_digit()) {
                    plain.as_str()
                } else {
                    v
                };
                self.emit_noted(id, Predicate::ATTRIBUTE, text(v), label, out);
            }
        }
        if let Some(flag) = r.flag {
            let object = match country_by_name(flag) {
                Some(c) => (Predicate::COUNTRY, Object::Entity(c.entity_id())),
                None => (Predicate::ATTRIBUTE, text(flag)),
            };
            self.emit_noted(id, object.0, object.1, "vessel flag", out);
        }
    }

    /// The statements of one remark clause, or the clause verbatim as a `remark` when no
    /// rule understands it (or `parse` is false).
    pub(crate) fn clause(
        &self,
        id: &EntityId,
        clause: &str,
        parse: bool,
        by_name: &HashMap<String, EntityId>,
        count: &mut ClauseCount,
        out: &mut Collector,
    ) {
        let parsed = if parse {
            parse_clause(clause, by_name)
        } else {
            Vec::new()
        };
        count.total += 1;
        if parsed.is_empty() {
            count.verbatim += 1;
            self.emit(
                id,
                Predicate::REMARK,
                Object::Value(Value::text(clause)),
                out,
            );
        }
        for p in parsed {
            self.emit_parsed(id, p, out);
        }
    }

    /// A strong alias (`alias_type` aka, fka or nka, dots ignored) or a weak one.
    pub(crate) fn alias(
        &self,
        id: &EntityId,
        alias: &str,
        alias_type: Option<&str>,
        weak: bool,
        out: &mut Collector,
    ) {
        let predicate = if weak {
            Predicate::WEAK_ALIAS
        } else {
            Predicate::ALIAS
        };
        let mut s = self.statement(id, predicate, Object::Value(Value::text(alias)));
        let alias_type = alias_type.map(|t| t.replace('.', "").to_ascii_lowercase());
        s.note = match alias_type.as_deref() {
            Some("fka") => Some("formerly known as".to_owned()),
            Some("nka") => Some("now known as".to_owned()),
            _ => None,
        };
        out.push(s);
    }

    /// An address from its non-empty parts, and its country.
    pub(crate) fn address(
        &self,
        id: &EntityId,
        parts: &[&str],
        country: Option<&str>,
        out: &mut Collector,
    ) {
        if !parts.is_empty() {
            self.emit(
                id,
                Predicate::ADDRESS,
                Object::Value(Value::text(parts.join(", "))),
                out,
            );
        }
        if let Some(c) = country.and_then(country_by_name) {
            self.emit_noted(
                id,
                Predicate::COUNTRY,
                Object::Entity(c.entity_id()),
                "address",
                out,
            );
        }
    }
}

/// The clauses of a remarks field: split on "; ", the final period dropped.
pub(crate) fn split_remarks(remarks: &str) -> Vec<&str> {
    let trimmed = remarks.trim();
    let trimmed = trimmed.strip_suffix('.').unwrap_or(trimmed);
    trimmed
        .split("; ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

/// One statement a clause yields.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Parsed {
    pub(crate) predicate: Predicate,
    pub(crate) object: Object,
    pub(crate) note: Option<String>,
    pub(crate) valid_from: Option<PartialDate>,
    pub(crate) valid_to: Option<PartialDate>,
}

impl Parsed {
    fn new(predicate: Predicate, object: Object) -> Self {
        Parsed {
            predicate,
            object,
            note: None,
            valid_from: None,
            valid_to: None,
        }
    }

    fn text(predicate: Predicate, text: &str) -> Self {
        Parsed::new(predicate, Object::Value(Value::text(text.trim())))
    }

    fn noted(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// "12 Nov 1985", "Nov 1985", "1985", "1985-11-12".
pub(crate) fn parse_ofac_date(s: &str) -> Option<PartialDate> {
    let s = s.trim();
    if let Ok(d) = PartialDate::parse(s) {
        return Some(d);
    }
    let parts: Vec<&str> = s.split_whitespace().collect();
    let month = |m: &str| {
        let m = m.to_ascii_lowercase();
        MONTHS
            .iter()
            .position(|x| m.starts_with(x))
            .map(|i| i as u8 + 1)
    };
    let year = |y: &str| y.parse::<u16>().ok().filter(|y| *y > 1000);
    match parts.as_slice() {
        [d, m, y] => PartialDate::new(year(y)?, Some(month(m)?), Some(d.parse().ok()?)).ok(),
        [m, y] => PartialDate::new(year(y)?, Some(month(m)?), None).ok(),
        _ => None,
    }
}

/// The country a name, a code in parentheses or a trailing part of a place names.
fn country_object(name: &str) -> Object {
    match country_by_name(name.trim()) {
        Some(c) => Object::Entity(c.entity_id()),
        None => Object::Value(Value::text(name.trim())),
    }
}

/// Words that begin a title or office ("Minister of Defense", "Deputy Commander…").
const OFFICES: &[&str] = &[
    "minister",
    "deputy",
    "president",
    "vice",
    "director",
    "head",
    "chairman",
    "chairperson",
    "chair",
    "commander",
    "member",
    "general",
    "brigadier",
    "colonel",
    "major",
    "lieutenant",
    "captain",
    "admiral",
    "chief",
    "secretary",
    "governor",
    "ambassador",
    "prime",
    "managing",
    "founder",
    "co-founder",
    "leader",
    "officer",
    "senior",
    "former",
    "first",
    "second",
    "advisor",
    "adviser",
    "spokesman",
    "spokesperson",
    "owner",
    "manager",
    "executive",
    "judge",
    "prosecutor",
    "mayor",
    "speaker",
    "representative",
    "deputy-",
    "assistant",
    "acting",
    "supreme",
    "sheikh",
    "emir",
    "commissioner",
    "counselor",
    "consul",
    "attorney",
    "treasurer",
    "financier",
    "facilitator",
    "cleric",
    "imam",
    "mullah",
    "shareholder",
    "board",
    "auditor",
    "pilot",
    "engineer",
    "professor",
    "doctor",
    "dr.",
    "agent",
    "ceo",
    "cfo",
    "coo",
    "magistrate",
    "warden",
    "rector",
    "aide",
    "director-general",
    "supervisory",
    "alternate",
    "haji",
    "maulana",
    "hojjatoleslam",
    "lt.",
    "principal",
    "presidential",
    "official",
    "representative",
    "employee",
    "scientist",
    "researcher",
    "operative",
    "associate",
    "deputy-director",
    "inspector",
    "registrar",
    "clerk",
];

/// Family ties a list records ("son of X").
const RELATIVES: &[&str] = &[
    "son of",
    "daughter of",
    "wife of",
    "husband of",
    "brother of",
    "sister of",
    "half-brother of",
    "half-sister of",
    "father of",
    "mother of",
    "nephew of",
    "niece of",
    "cousin of",
    "brother-in-law of",
    "son-in-law of",
    "relative of",
    "spouse of",
];

/// The statements a remark clause yields; empty when no rule understands it.
pub(crate) fn parse_clause(clause: &str, by_name: &HashMap<String, EntityId>) -> Vec<Parsed> {
    let mut c = clause.trim();
    // "alt. DOB …", "alt. Website …": the CSV's mark of a field's second and later values,
    // which the XML publication lists alike; the same statement either way.
    while let Some(rest) = c
        .get(..5)
        .filter(|p| p.eq_ignore_ascii_case("alt. "))
        .and_then(|_| c.get(5..))
    {
        c = rest.trim();
    }
    let lower = c.to_ascii_lowercase();
    let starts = |prefix: &str| {
        c.as_bytes()
            .get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
    };
    let after = |prefix: &str| -> Option<&str> { starts(prefix).then(|| c[prefix.len()..].trim()) };

    // Aliases: a.k.a. 'X'; f.k.a. 'X'; n.k.a. 'X'.
    for (prefix, note) in [
        ("a.k.a. ", None),
        ("f.k.a. ", Some("formerly known as")),
        ("n.k.a. ", Some("now known as")),
    ] {
        if let Some(rest) = after(prefix) {
            let name = rest.trim_matches(|ch| ch == '\'' || ch == '"' || ch == ' ');
            let p = Parsed::text(Predicate::WEAK_ALIAS, name);
            return vec![match note {
                Some(n) => p.noted(n),
                None => p,
            }];
        }
    }
    if let Some(rest) =
        after("Nationality of Registration ").or_else(|| after("Registration Country "))
    {
        return vec![Parsed::new(Predicate::COUNTRY, country_object(rest)).noted("registration")];
    }
    // Labelled facts of vessels and aircraft, and others "Label: value".
    for prefix in [
        "Vessel Year of Build ",
        "Vessel Flag ",
        "Former Vessel Flag ",
        "Other Vessel Flag ",
        "Other Vessel Type ",
        "Vessel Type ",
        "Aircraft Model ",
        "Aircraft Manufacture Date ",
        "Aircraft Operator ",
        // OFAC's full labels first: the short forms below would cut them mid-word.
        "Aircraft Manufacturer's Serial Number (MSN) ",
        "Aircraft Construction Number (also called L/N or S/N or F/N) ",
        "Aircraft Manufacturer",
        "Aircraft Tail Number ",
        "Previous Aircraft Tail Number ",
        "Aircraft Mode S Transponder Code ",
        "Aircraft Construction Number",
        "Political Party ",
    ] {
        if starts(prefix) {
            let value = c[prefix.len()..].trim();
            return vec![
                Parsed::text(Predicate::ATTRIBUTE, value).noted(prefix.trim().to_lowercase())
            ];
        }
    }
    // Birth dates: "DOB 12 Nov 1985", "DOB circa 1960", "DOB 1960 to 1962".
    if let Some(rest) = after("DOB ") {
        return vec![birth_date(rest)];
    }
    if let Some(rest) = after("POB ") {
        return vec![Parsed::text(Predicate::BIRTH_PLACE, rest)];
    }
    for (prefix, predicate) in [
        ("nationality ", Predicate::NATIONALITY),
        ("citizen ", Predicate::CITIZENSHIP),
    ] {
        if let Some(rest) = after(prefix) {
            return vec![Parsed::new(predicate, country_object(rest))];
        }
    }
    if let Some(rest) = after("Gender ") {
        return vec![Parsed::text(Predicate::GENDER, rest)];
    }
    if let Some(rest) = after("Linked To: ") {
        let name = rest.trim();
        // The last clause of a remarks field lost its period ("… CO."): try it back.
        let key = name.to_uppercase();
        let found = by_name
            .get(&key)
            .or_else(|| by_name.get(&format!("{key}.")));
        let object = match found {
            Some(id) => Object::Entity(id.clone()),
            None => Object::Value(Value::text(name)),
        };
        return vec![Parsed::new(Predicate::LINKED_TO, object)];
    }
    if let Some(rest) = after("Organization Established Date ") {
        return vec![match parse_ofac_date(rest) {
            Some(d) => Parsed::new(
                Predicate::ESTABLISHED,
                Object::Value(Value::Date { date: d }),
            ),
            None => Parsed::text(Predicate::ESTABLISHED, rest),
        }];
    }
    for prefix in ["Organization Type: ", "Target Type "] {
        if let Some(rest) = after(prefix) {
            return vec![Parsed::text(Predicate::ORGANIZATION_TYPE, rest)];
        }
    }
    for (prefix, note) in [
        ("Email Address ", "e-mail"),
        ("Website ", "website"),
        ("Phone Number ", "phone"),
        ("Telephone ", "phone"),
        ("Telephone: ", "phone"),
        ("Fax ", "fax"),
        ("Fax: ", "fax"),
    ] {
        if let Some(rest) = after(prefix) {
            return vec![Parsed::text(Predicate::CONTACT, rest).noted(note)];
        }
    }
    if let Some(rest) = after("Digital Currency Address - ") {
        let (currency, address) = rest.split_once(' ').unwrap_or(("", rest));
        return vec![Parsed::new(
            Predicate::EXTERNAL_ID,
            Object::Value(Value::identifier(
                format!("digital-currency-address:{currency}"),
                address.trim(),
            )),
        )];
    }
    for prefix in [
        "Secondary sanctions risk:",
        "Additional Sanctions Information -",
        "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions:",
        "Executive Order 13846 information:",
        "Executive Order 13662 Directive Determination -",
        "Executive Order 14024 Directive Information",
        "Effective Date (",
        "Listing Date (",
        "Effective Date:",
        "For more information on directives",
        "Sanctions Information -",
        "Executive Order ",
        "All offices worldwide",
        "all offices worldwide",
        "Includes ",
        "Subject to ",
        "CAATSA Section 235 Information:",
        "PEESA Information:",
        "Purchase/Sales For Divestment Date (",
    ] {
        if starts(prefix) {
            return vec![Parsed::text(Predicate::SANCTION_INFO, c)];
        }
    }
    // Codes whose values may hold no digit: "Equity Ticker PME US", "UN/LOCODE UA KEH".
    for label in ["Equity Ticker ", "MICEX Code ", "UN/LOCODE "] {
        if let Some(rest) = after(label).filter(|r| !r.is_empty()) {
            return vec![Parsed::new(
                Predicate::EXTERNAL_ID,
                Object::Value(Value::identifier(scheme_of(label), rest)),
            )];
        }
    }
    if let Some(p) = identifier(c) {
        return vec![p];
    }
    if let Some(relation) = RELATIVES.iter().find(|r| lower.starts_with(*r)) {
        return vec![
            Parsed::text(Predicate::LINKED_TO, c[relation.len()..].trim())
                .noted(relation.trim_end_matches(" of")),
        ];
    }
    if lower.starts_with("icty indictee")
        || lower.starts_with("ifca determination")
        || lower.starts_with("currently incarcerated")
    {
        return vec![Parsed::text(Predicate::SANCTION_INFO, c)];
    }
    // Titles and offices, also in the form "<organisation> <role>" ("Korea Ryonbong General
    // Corporation Official").
    let is_office = |w: &str| {
        OFFICES
            .contains(&w.trim_matches(|ch: char| !ch.is_alphanumeric() && ch != '-' && ch != '.'))
    };
    let has_digit = c.chars().any(|ch| ch.is_ascii_digit());
    let first = lower.split_whitespace().next().unwrap_or("");
    if is_office(first) || (!has_digit && lower.split_whitespace().any(is_office)) {
        return vec![Parsed::text(Predicate::POSITION, c)];
    }
    Vec::new()
}

fn birth_date(rest: &str) -> Parsed {
    if let Some(d) = parse_ofac_date(rest) {
        return Parsed::new(
            Predicate::BIRTH_DATE,
            Object::Value(Value::Date { date: d }),
        );
    }
    // "circa 1960", "1960 to 1962": kept as text, with the range as validity bounds.
    let lower = rest.to_ascii_lowercase();
    let mut p = Parsed::text(Predicate::BIRTH_DATE, rest);
    if let Some((a, b)) = lower.split_once(" to ") {
        p.valid_from = parse_ofac_date(a.trim_start_matches("circa").trim());
        p.valid_to = parse_ofac_date(b);
        p.note = Some("range".to_owned());
    } else if let Some(y) = lower.strip_prefix("circa ") {
        p.note = parse_ofac_date(y).map(|_| "approximate".to_owned());
    }
    p
}

/// "<label> <value> (<country>) [issued <date>] [expires <date>]", where the value holds a
/// digit: passports, national and tax ids, registration numbers, SWIFT/BIC codes, IMO and
/// MMSI numbers…
fn identifier(clause: &str) -> Option<Parsed> {
    let words: Vec<&str> = clause.split_whitespace().collect();
    let start = words
        .iter()
        .position(|w| w.chars().any(|c| c.is_ascii_digit()) || is_code(w))?;
    if start == 0 || start > 12 {
        return None;
    }
    let label = words[..start].join(" ");
    let label = label.trim_end_matches(':').trim();
    if label.is_empty() || !label.chars().next().is_some_and(char::is_alphabetic) {
        return None;
    }
    let mut value_words = Vec::new();
    let mut rest = &words[start..];
    while let Some((w, tail)) = rest.split_first() {
        if w.starts_with('(')
            || w.eq_ignore_ascii_case("issued")
            || w.eq_ignore_ascii_case("expires")
        {
            break;
        }
        value_words.push(*w);
        rest = tail;
    }
    let value = value_words.join(" ");
    if value.is_empty() {
        return None;
    }
    let tail = rest.join(" ");
    let mut note = Vec::new();
    let mut valid_from = None;
    let mut valid_to = None;
    if let Some(open) = tail.find('(') {
        if let Some(close) = tail[open..].find(')') {
            note.push(format!("issued by {}", &tail[open + 1..open + close]));
        }
    }
    let lower = tail.to_ascii_lowercase();
    if let Some(i) = lower.find("issued ") {
        let date = lower[i + 7..].split(" expires").next().unwrap_or("");
        valid_from = parse_ofac_date(date);
        if valid_from.is_none() {
            note.push(format!(
                "issued {}",
                tail[i + 7..].split(" expires").next().unwrap_or("").trim()
            ));
        }
    }
    if let Some(i) = lower.find("expires ") {
        valid_to = parse_ofac_date(&lower[i + 8..]);
    }
    let mut p = Parsed::new(
        Predicate::EXTERNAL_ID,
        Object::Value(Value::identifier(scheme_of(label), value)),
    );
    p.note = (!note.is_empty()).then(|| note.join("; "));
    p.valid_from = valid_from;
    p.valid_to = valid_to;
    Some(p)
}

/// An identifier scheme from a label: "Tax ID No." is "tax-id-no".
fn scheme_of(label: &str) -> String {
    label
        .to_ascii_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Codes without digits that are still identifiers (SWIFT/BIC codes are letters only).
fn is_code(w: &str) -> bool {
    w.len() >= 8 && w.len() <= 11 && w.chars().all(|c| c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(clause: &str, expected: &str) {
        let parsed = parse_clause(clause, &HashMap::new());
        let shown: Vec<String> = parsed
            .iter()
            .map(|p| {
                let object = match &p.object {
                    Object::Entity(e) => e.to_string(),
                    Object::Value(Value::Identifier { scheme, value }) => {
                        format!("{scheme}={value}")
                    }
                    Object::Value(v) => v.lexical().into_owned(),
                };
                let mut s = format!("{} {object}", p.predicate);
                if let Some(n) = &p.note {
                    s.push_str(&format!(" [{n}]"));
                }
                if let Some(d) = p.valid_from {
                    s.push_str(&format!(" from {d}"));
                }
                if let Some(d) = p.valid_to {
                    s.push_str(&format!(" to {d}"));
                }
                s
            })
            .collect();
        assert_eq!(shown.join(" | "), expected, "clause {clause:?}");
    }

    #[test]
    fn remark_clauses() {
        check("DOB 27 Oct 1985", "birth_date 1985-10-27");
        check("alt. DOB Oct 1985", "birth_date 1985-10");
        check("DOB circa 1960", "birth_date circa 1960 [approximate]");
        check(
            "DOB 1960 to 1962",
            "birth_date 1960 to 1962 [range] from 1960 to 1962",
        );
        check(
            "POB Jingzhou Municipality, China",
            "birth_place Jingzhou Municipality, China",
        );
        let cn = dossier_model::country_by_code("CN")
            .map(|c| c.entity_id().to_string())
            .unwrap_or_default();
        check("nationality China", &format!("nationality {cn}"));
        check("citizen China", &format!("citizenship {cn}"));
        check("Gender Male", "gender Male");
        check(
            "National ID No. 421003198510272917 (China)",
            "external_id national-id-no=421003198510272917 [issued by China]",
        );
        check(
            "Passport E12345 (Iran) issued 12 Jan 2010 expires 11 Jan 2020",
            "external_id passport=E12345 [issued by Iran] from 2010-01-12 to 2020-01-11",
        );
        check(
            "Unified Social Credit Code (USCC) 91420100551956105K (China)",
            "external_id unified-social-credit-code-uscc=91420100551956105K [issued by China]",
        );
        check("SWIFT/BIC BKTRUS33", "external_id swift-bic=BKTRUS33");
        check(
            "Vessel Registration Identification IMO 9187629",
            "external_id vessel-registration-identification-imo=9187629",
        );
        check("a.k.a. 'BNC'", "weak_alias BNC");
        check(
            "Organization Established Date 08 Mar 2010",
            "established 2010-03-08",
        );
        check(
            "Organization Type: Computer programming activities",
            "organization_type Computer programming activities",
        );
        check(
            "Digital Currency Address - XBT 1AbC",
            "external_id digital-currency-address:XBT=1AbC",
        );
        check("Linked To: SOMEONE UNKNOWN", "linked_to SOMEONE UNKNOWN");
        check("Minister of Defense", "position Minister of Defense");
        check(
            "Email Address info@example.com",
            "contact info@example.com [e-mail]",
        );
        check(
            "Aircraft Manufacture Date 1992",
            "attribute 1992 [aircraft manufacture date]",
        );
        check(
            "Vessel Year of Build 1999",
            "attribute 1999 [vessel year of build]",
        );
        check(
            "Nationality of Registration Korea, North",
            "country Korea, North [registration]",
        );
        check("something nobody parses", "");
        // "alt." marks a field's later values in the CSV; the XML lists them alike.
        check(
            "alt. Digital Currency Address - XBT 1AbC",
            "external_id digital-currency-address:XBT=1AbC",
        );
        check(
            "alt. Email Address info2@example.com",
            "contact info2@example.com [e-mail]",
        );
        check("alt. DOB 1962", "birth_date 1962");
        check(
            "Aircraft Manufacturer's Serial Number (MSN) 1023409321",
            "attribute 1023409321 [aircraft manufacturer's serial number (msn)]",
        );
        check(
            "CAATSA Section 235 Information: EXPORT SANCTIONS Sec. 235(a)(2)",
            "sanction_info CAATSA Section 235 Information: EXPORT SANCTIONS Sec. 235(a)(2)",
        );
        check("Equity Ticker PME US", "external_id equity-ticker=PME US");
        check(
            "Registration Country Liberia",
            &format!(
                "country {} [registration]",
                dossier_model::country_by_code("LR")
                    .map(|c| c.entity_id().to_string())
                    .unwrap_or_default()
            ),
        );
    }

    #[test]
    fn a_linked_name_ending_the_remarks_lost_its_period() {
        let id = EntityId::derived("identity", "us-ofac:1");
        let by_name = HashMap::from([("PERSIAN GULF CO.".to_owned(), id.clone())]);
        let parsed = parse_clause("Linked To: PERSIAN GULF CO", &by_name);
        assert_eq!(parsed[0].object, Object::Entity(id));
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_ofac_date("08 Mar 2010").map(|d| d.to_string()),
            Some("2010-03-08".to_owned())
        );
        assert_eq!(parse_ofac_date("31 Feb 2010"), None);
        assert_eq!(parse_ofac_date("circa 1960"), None);
    }
}
