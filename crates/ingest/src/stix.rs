//! STIX 2.0 and 2.1: bundles and JSON lines (MITRE ATT&CK among them).

use std::collections::HashMap;

use dossier_model::{
    name_key, Confidence, ContentHash, EntityId, EntityKind, Object, PartialDate, Predicate,
    Source, SourceId, SourceKind, Statement, Tlp, Value,
};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::batch::{Batch, Collector, Diagnostic, Report, Severity, StixObjectText};
use crate::json::{self, decode, join_path, offset_in, Lines};
use crate::{base_name, ReadError, ReadOptions};

#[derive(Deserialize)]
struct BundleDoc<'a> {
    #[serde(rename = "type")]
    ty: Option<String>,
    id: Option<String>,
    #[serde(borrow)]
    objects: Option<Vec<&'a RawValue>>,
}

#[derive(Deserialize)]
struct ExternalReference {
    source_name: Option<String>,
    external_id: Option<String>,
    url: Option<String>,
}

#[derive(Deserialize)]
struct GranularMarking {
    marking_ref: Option<String>,
}

#[derive(Deserialize)]
struct StixObject {
    #[serde(rename = "type")]
    ty: String,
    id: String,
    spec_version: Option<String>,
    created: Option<String>,
    modified: Option<String>,
    created_by_ref: Option<String>,
    revoked: Option<bool>,
    x_mitre_deprecated: Option<bool>,
    name: Option<String>,
    description: Option<String>,
    aliases: Option<Vec<String>>,
    x_mitre_aliases: Option<Vec<String>>,
    external_references: Option<Vec<ExternalReference>>,
    object_marking_refs: Option<Vec<String>>,
    granular_markings: Option<Vec<GranularMarking>>,
    confidence: Option<i64>,
    first_seen: Option<String>,
    last_seen: Option<String>,
    relationship_type: Option<String>,
    source_ref: Option<String>,
    target_ref: Option<String>,
    start_time: Option<String>,
    stop_time: Option<String>,
    identity_class: Option<String>,
    country: Option<String>,
    definition_type: Option<String>,
    definition: Option<serde_json::Value>,
    x_mitre_domains: Option<Vec<String>>,
    x_mitre_version: Option<String>,
    primary_motivation: Option<String>,
}

/// One record as found in the file, with where it was and its text.
struct Record<'a> {
    /// Boxed: records are moved about whole while the file is read.
    obj: Box<StixObject>,
    raw: &'a str,
    place: Place,
    line: u64,
}

/// Where a record is, as diagnostics name it (written out only for a diagnostic).
#[derive(Debug, Clone, Copy)]
enum Place {
    /// A line of a JSON-lines file.
    Line(u64),
    /// A member of a bundle's `objects`.
    Member(usize),
    /// The whole document.
    Document,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Line(n) => write!(f, "line {n}"),
            Place::Member(i) => write!(f, "objects[{i}]"),
            Place::Document => f.write_str("$"),
        }
    }
}

pub(crate) fn read_bundle(
    file: &str,
    text: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Batch, ReadError> {
    let doc: BundleDoc = json::parse_document(file, text)?;
    let raws: Vec<(Place, &RawValue)> = if doc.ty.as_deref() == Some("bundle") {
        doc.objects
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, raw)| (Place::Member(i), raw))
            .collect()
    } else if doc.id.as_deref().is_some_and(|id| id.contains("--")) {
        // One STIX object as the whole document.
        vec![(Place::Document, json::parse_document(file, text)?)]
    } else {
        return Err(ReadError::Format {
            file: file.to_owned(),
            message: "at type: a STIX bundle has \"type\": \"bundle\"".to_owned(),
        });
    };
    // The file's hash is worked out on another core while its members are decoded.
    let (hash, (records, report)) = rayon::join(
        || ContentHash::of(bytes),
        || decode_members(file, text, raws),
    );
    convert(file, hash, records, report, options)
}

pub(crate) fn read_lines(
    file: &str,
    text: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Batch, ReadError> {
    let lines: Vec<(u64, &str)> = text
        .split('\n')
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (i as u64 + 1, l))
        .collect();
    // Lines are independent: decode them on every core, then report in file order.
    let (hash, decoded): (ContentHash, Vec<Result<Box<StixObject>, serde_json::Error>>) =
        rayon::join(
            || ContentHash::of(bytes),
            || {
                lines
                    .par_iter()
                    .map(|(_, line)| serde_json::from_str::<Box<StixObject>>(line))
                    .collect()
            },
        );
    let mut records = Vec::with_capacity(lines.len());
    let mut report = Report {
        received: lines.len() as u64,
        ..Report::default()
    };
    for ((line_no, line), result) in lines.into_iter().zip(decoded) {
        let place = Place::Line(line_no);
        match result {
            Ok(obj) => records.push(Record {
                obj,
                raw: line.trim(),
                place,
                line: line_no,
            }),
            Err(e) if e.is_data() => {
                // Well-formed JSON that is not a valid record: find the field, reject it.
                let raw: &RawValue =
                    serde_json::from_str(line).map_err(|e| json_error(file, line_no, &e))?;
                let (at, message) = match decode::<StixObject>(raw) {
                    Err(err) => (join_path(&place.to_string(), &err.path), err.message),
                    Ok(_) => (place.to_string(), json::message(&e)),
                };
                report.rejected += 1;
                report.diagnostics.push(Diagnostic {
                    severity: Severity::Error,
                    file: file.to_owned(),
                    line: Some(line_no),
                    path: Some(at),
                    message,
                });
            }
            Err(e) => return Err(json_error(file, line_no, &e)),
        }
    }
    convert(file, hash, records, report, options)
}

fn json_error(file: &str, line: u64, e: &serde_json::Error) -> ReadError {
    ReadError::Json {
        file: file.to_owned(),
        line,
        column: e.column() as u64,
        message: json::message(e),
    }
}

/// Decodes bundle members, rejecting those that are not valid records.
fn decode_members<'a>(
    file: &str,
    text: &str,
    raws: Vec<(Place, &'a RawValue)>,
) -> (Vec<Record<'a>>, Report) {
    let mut report = Report {
        received: raws.len() as u64,
        ..Report::default()
    };
    let mut records = Vec::with_capacity(raws.len());
    let lines = Lines::new(text);
    for (place, raw) in raws {
        let line = lines.line_at(offset_in(text, raw.get()));
        match serde_json::from_str::<Box<StixObject>>(raw.get()) {
            Ok(obj) => records.push(Record {
                obj,
                raw: raw.get(),
                place,
                line,
            }),
            Err(fast) => {
                let (at, message) = match decode::<StixObject>(raw) {
                    Err(e) => (join_path(&place.to_string(), &e.path), e.message),
                    Ok(_) => (place.to_string(), json::message(&fast)),
                };
                report.rejected += 1;
                report.diagnostics.push(Diagnostic {
                    severity: Severity::Error,
                    file: file.to_owned(),
                    line: Some(line),
                    path: Some(at),
                    message,
                });
            }
        }
    }
    (records, report)
}

fn convert(
    file: &str,
    hash: ContentHash,
    decoded: Vec<Record<'_>>,
    mut report: Report,
    options: &ReadOptions,
) -> Result<Batch, ReadError> {
    let diag = |severity, line, path: String, message: String| Diagnostic {
        severity,
        file: file.to_owned(),
        line: Some(line),
        path: Some(path),
        message,
    };

    // Keep the newest version of each id, where the id was first seen.
    let mut newest: rustc_hash::FxHashMap<&str, (usize, usize)> = Default::default();
    for (i, r) in decoded.iter().enumerate() {
        match newest.entry(r.obj.id.as_str()) {
            std::collections::hash_map::Entry::Occupied(mut seen) => {
                report.duplicate += 1;
                let (first, best) = *seen.get();
                if timestamp_key(&r.obj.modified) > timestamp_key(&decoded[best].obj.modified) {
                    seen.insert((first, i));
                }
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert((i, i));
            }
        }
    }
    // In order of first sight, each the position of its newest version.
    let mut keep: Vec<(usize, usize)> = newest.into_values().collect();
    keep.sort_unstable();
    let mut decoded: Vec<Option<Record<'_>>> = decoded.into_iter().map(Some).collect();
    let records: Vec<Record<'_>> = keep
        .into_iter()
        .filter_map(|(_, best)| decoded[best].take())
        .collect();

    // Markings defined in the file, and names of identities for the publisher.
    // Marking definitions in the file: TLP levels, and other (statement) markings that
    // restrict nothing.
    let mut markings: HashMap<&str, Option<Tlp>> = HashMap::new();
    let mut identity_names: HashMap<&str, &str> = HashMap::new();
    for r in &records {
        if r.obj.ty == "marking-definition" {
            markings.insert(&r.obj.id, tlp_of_definition(&r.obj));
        }
        if let ("identity", Some(name)) = (r.obj.ty.as_str(), &r.obj.name) {
            identity_names.insert(&r.obj.id, name);
        }
    }

    let meta = describe(file, &hash, &records, &identity_names, options);
    let mut source = Source::new(SourceKind::StixBundle, &meta.dataset, &meta.title, hash);
    source.publisher = meta.publisher;
    source.version = meta.version;
    source.published = meta.published;
    source.file_name = Some(base_name(file).to_owned());

    let ctx = Ctx {
        source: &source.id,
        markings: &markings,
        default_marking: options.default_marking,
    };
    let converted: Vec<(Outcome, Vec<(u64, Statement)>)> = records
        .par_iter()
        .map(|r| {
            let mut statements = Vec::new();
            let outcome = convert_object(&r.obj, &ctx, &mut statements);
            let hashed = statements
                .into_iter()
                .map(|s| (Collector::hash_of(&s), s))
                .collect();
            (outcome, hashed)
        })
        .collect();
    let mut out = Collector::default();
    let mut ignored: HashMap<String, u64> = HashMap::new();
    let mut rejected_ids: std::collections::HashSet<&str> = Default::default();
    for (r, (outcome, statements)) in records.iter().zip(converted) {
        for (hash, s) in statements {
            out.push_hashed(hash, s);
        }
        match outcome {
            Outcome::Accepted(warnings) => {
                report.accepted += 1;
                for w in warnings {
                    let at = join_path(&r.place.to_string(), w.0);
                    report
                        .diagnostics
                        .push(diag(Severity::Warning, r.line, at, w.1));
                }
            }
            Outcome::Ignored(why) => {
                report.ignored += 1;
                *ignored.entry(why).or_default() += 1;
            }
            Outcome::Rejected(field, message) => {
                rejected_ids.insert(r.obj.id.as_str());
                report.rejected += 1;
                let at = join_path(&r.place.to_string(), field);
                report
                    .diagnostics
                    .push(diag(Severity::Error, r.line, at, message));
            }
        }
    }
    let stix = records
        .par_iter()
        .filter(|r| !rejected_ids.contains(r.obj.id.as_str()))
        .map(|r| object_text(r, &ctx))
        .collect();
    let mut ignored: Vec<_> = ignored.into_iter().collect();
    ignored.sort();
    for (why, n) in ignored {
        report
            .diagnostics
            .push(Diagnostic::info(file, format!("ignored {n} {why}")));
    }
    // Freeing the decoded objects takes a while (ATT&CK: 10-17 ms, their strings were
    // allocated on other threads): not on the way to the writer.
    let objects: Vec<Box<StixObject>> = records.into_iter().map(|r| r.obj).collect();
    std::thread::spawn(move || drop(objects));
    Ok(Batch {
        source,
        statements: out.statements,
        report,
        stix,
    })
}

/// An object as it will be served again: its text as found when it is STIX 2.1, else
/// brought to 2.1 (the fields 2.1 made required get their 2.0 meaning).
fn object_text(r: &Record<'_>, ctx: &Ctx<'_>) -> StixObjectText {
    let version = r
        .obj
        .modified
        .clone()
        .or_else(|| r.obj.created.clone())
        .unwrap_or_default();
    let json = if r.obj.spec_version.is_some() {
        r.raw.to_owned()
    } else {
        upgrade_to_21(r.raw, &r.obj).unwrap_or_else(|| r.raw.to_owned())
    };
    StixObjectText {
        id: r.obj.id.clone(),
        ty: r.obj.ty.clone(),
        version,
        marking: marking_of(&r.obj, ctx, &mut Vec::new()),
        json,
    }
}

/// The members STIX 2.1 requires and 2.0 lacks.
const ADDED_IN_21: [&str; 3] = ["\"spec_version\"", "\"is_family\"", "\"pattern_type\""];

/// A STIX 2.0 object's text brought to 2.1. When the text names none of the members 2.1
/// adds (ATT&CK's objects), they are written in front of the object's own without
/// decoding it again; otherwise (one present, even as null) the object is decoded and
/// the members set where missing.
fn upgrade_to_21(raw: &str, obj: &StixObject) -> Option<String> {
    if ADDED_IN_21.iter().any(|member| raw.contains(member)) {
        return upgrade_decoded(raw);
    }
    let body = raw.trim_start().strip_prefix('{')?;
    let mut out = String::with_capacity(raw.len() + 48);
    out.push_str("{\"spec_version\":\"2.1\"");
    match obj.ty.as_str() {
        // 2.1 asks whether a malware object is a family; 2.0 objects always were.
        "malware" => out.push_str(",\"is_family\":true"),
        "indicator" => out.push_str(",\"pattern_type\":\"stix\""),
        _ => {}
    }
    if !body.trim_start().starts_with('}') {
        out.push(',');
    }
    out.push_str(body);
    Some(out)
}

fn upgrade_decoded(raw: &str) -> Option<String> {
    let mut v: serde_json::Map<String, serde_json::Value> = serde_json::from_str(raw).ok()?;
    v.insert("spec_version".into(), "2.1".into());
    let absent = |v: &serde_json::Map<String, serde_json::Value>, k: &str| {
        v.get(k).is_none_or(|x| x.is_null())
    };
    match v.get("type").and_then(|t| t.as_str()) {
        Some("malware") if absent(&v, "is_family") => {
            v.insert("is_family".into(), true.into());
        }
        Some("indicator") if absent(&v, "pattern_type") => {
            v.insert("pattern_type".into(), "stix".into());
        }
        _ => {}
    }
    serde_json::to_string(&v).ok()
}

struct Meta {
    dataset: String,
    title: String,
    publisher: Option<String>,
    version: Option<String>,
    published: Option<PartialDate>,
}

fn describe(
    file: &str,
    hash: &ContentHash,
    records: &[Record<'_>],
    identity_names: &HashMap<&str, &str>,
    options: &ReadOptions,
) -> Meta {
    let published = records
        .iter()
        .map(|r| &r.obj.modified)
        .max_by_key(|m| timestamp_key(m))
        .and_then(|m| m.as_deref())
        .and_then(|m| PartialDate::from_timestamp(m).ok());
    let mut creators: HashMap<&str, usize> = HashMap::new();
    for r in records {
        if let Some(c) = r.obj.created_by_ref.as_deref() {
            *creators.entry(c).or_default() += 1;
        }
    }
    let publisher = creators
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .and_then(|(id, _)| identity_names.get(id).map(|n| (*n).to_owned()));
    // An ATT&CK release carries its collection or matrix object; a single ATT&CK object
    // or any other STIX file is a dataset of its own unless the caller names one.
    let collection = records.iter().find(|r| r.obj.ty == "x-mitre-collection");
    let release = collection.or_else(|| records.iter().find(|r| r.obj.ty == "x-mitre-matrix"));
    let domain = release.and_then(|r| r.obj.x_mitre_domains.as_ref().and_then(|d| d.first()));
    let (dataset, title) = match domain {
        Some(domain) => {
            let label = match domain.as_str() {
                "enterprise-attack" => "Enterprise",
                "mobile-attack" => "Mobile",
                "ics-attack" => "ICS",
                other => other,
            };
            (
                format!("mitre-attack/{domain}"),
                format!("MITRE ATT&CK {label}"),
            )
        }
        None => (format!("stix/sha256:{hash}"), base_name(file).to_owned()),
    };
    Meta {
        dataset: options.dataset.clone().unwrap_or(dataset),
        title,
        publisher,
        version: collection.and_then(|c| c.obj.x_mitre_version.clone()),
        published,
    }
}

/// A sortable form of an RFC 3339 timestamp: fractions of a second of any length
/// compare by value ("…:00.5Z" is after "…:00Z").
fn timestamp_key(t: &Option<String>) -> Option<(&str, String)> {
    let t = t.as_deref()?;
    let (main, rest) = match t.find('.') {
        Some(dot) => (&t[..dot], &t[dot + 1..]),
        None => (t.trim_end_matches('Z'), ""),
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((main, format!("{digits:0<9}")))
}

/// Marking definitions that restrict nothing: ATT&CK's copyright statement.
const STATEMENT_MARKINGS: &[&str] = &["marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168"];

/// The most restrictive TLP level among an object's markings, object-level and granular
/// (a granular marking restricts the whole object here: statements are not split by
/// field). A marking dossier cannot interpret counts as TLP:RED. Without any TLP marking
/// the reader's default applies.
fn marking_of(obj: &StixObject, ctx: &Ctx<'_>, warnings: &mut Vec<(&'static str, String)>) -> Tlp {
    let object_refs = obj
        .object_marking_refs
        .iter()
        .flatten()
        .map(|m| ("object_marking_refs", m));
    let granular = obj
        .granular_markings
        .iter()
        .flatten()
        .filter_map(|g| g.marking_ref.as_ref())
        .map(|m| ("granular_markings", m));
    let mut found: Option<Tlp> = None;
    for (field, m) in object_refs.chain(granular) {
        let level = match ctx.markings.get(m.as_str()) {
            Some(Some(tlp)) => Some(*tlp),
            Some(None) => None,
            None if STATEMENT_MARKINGS.contains(&m.as_str()) => None,
            None => match Tlp::from_stix_marking_ref(m) {
                Some(tlp) => Some(tlp),
                None => {
                    warnings.push((field, format!("unknown marking {m:?}; treated as TLP:RED")));
                    Some(Tlp::Red)
                }
            },
        };
        found = found.max(level);
    }
    found.unwrap_or(ctx.default_marking)
}

fn tlp_of_definition(obj: &StixObject) -> Option<Tlp> {
    if let Some(tlp) = Tlp::from_stix_marking_ref(&obj.id) {
        return Some(tlp);
    }
    if obj.definition_type.as_deref() == Some("tlp") {
        let level = obj.definition.as_ref()?.get("tlp")?.as_str()?;
        return level.parse().ok();
    }
    obj.name.as_deref().and_then(|n| n.parse().ok())
}

struct Ctx<'a> {
    source: &'a SourceId,
    markings: &'a HashMap<&'a str, Option<Tlp>>,
    default_marking: Tlp,
}

enum Outcome {
    /// Kept, with (field, message) warnings.
    Accepted(Vec<(&'static str, String)>),
    Ignored(String),
    Rejected(&'static str, String),
}

/// Statement fields every statement of one object shares.
struct Common<'a> {
    subject: EntityId,
    source: &'a SourceId,
    issuer: Option<EntityId>,
    marking: Tlp,
    confidence: Option<Confidence>,
}

impl Common<'_> {
    fn make(&self, predicate: Predicate, object: Object, stated: Option<PartialDate>) -> Statement {
        let mut s = Statement::new(self.subject.clone(), predicate, object, self.source.clone());
        s.issuer = self.issuer.clone();
        s.marking = self.marking;
        s.confidence = self.confidence;
        s.stated_at = stated;
        s
    }
}

fn date_field(value: &Option<String>, field: &'static str) -> Result<Option<PartialDate>, Outcome> {
    match value {
        None => Ok(None),
        Some(v) => PartialDate::from_timestamp(v)
            .map(Some)
            .map_err(|e| Outcome::Rejected(field, e.to_string())),
    }
}

fn convert_object(obj: &StixObject, ctx: &Ctx<'_>, out: &mut Vec<Statement>) -> Outcome {
    let id = match EntityId::parse(&obj.id) {
        Ok(id) if id.stix_type() == obj.ty => id,
        Ok(_) => {
            return Outcome::Rejected("id", format!("id {:?} is not of type {:?}", obj.id, obj.ty))
        }
        Err(e) => return Outcome::Rejected("id", e.to_string()),
    };
    let created = match date_field(&obj.created, "created") {
        Ok(d) => d,
        Err(o) => return o,
    };
    let modified = match date_field(&obj.modified, "modified") {
        Ok(d) => d.or(created),
        Err(o) => return o,
    };
    let mut warnings = Vec::new();
    let confidence = match obj.confidence.map(Confidence::new).transpose() {
        Ok(c) => c,
        Err(e) => {
            warnings.push(("confidence", format!("{e}; confidence left out")));
            None
        }
    };
    let issuer = match obj
        .created_by_ref
        .as_deref()
        .map(EntityId::parse)
        .transpose()
    {
        Ok(i) => i,
        Err(e) => return Outcome::Rejected("created_by_ref", e.to_string()),
    };
    let marking = marking_of(obj, ctx, &mut warnings);
    let common = Common {
        subject: id,
        source: ctx.source,
        issuer,
        marking,
        confidence,
    };

    if obj.ty == "relationship" {
        return convert_relationship(obj, common, created, out, warnings);
    }
    if obj.ty == "marking-definition" {
        return Outcome::Accepted(warnings);
    }
    let kind = match obj.ty.as_str() {
        "identity" if obj.identity_class.as_deref() == Some("individual") => EntityKind::Person,
        "identity" if obj.identity_class.as_deref() == Some("sector") => EntityKind::Sector,
        ty => match EntityKind::from_stix_type(ty) {
            Some(kind) => kind,
            None => return Outcome::Ignored(format!("{ty} objects (not modelled)")),
        },
    };

    let text = |s: &str| Object::Value(Value::text(s));
    out.push(common.make(Predicate::IS_A, text(kind.as_str()), created));
    let name = obj.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    match name {
        Some(name) => out.push(common.make(Predicate::NAME, text(name), created)),
        None => warnings.push(("name", "no name".to_owned())),
    }
    for r in obj.external_references.iter().flatten() {
        if let (Some(scheme), Some(ext)) = (&r.source_name, &r.external_id) {
            let v = Object::Value(Value::identifier(scheme.as_str(), ext.as_str()));
            out.push(common.make(Predicate::EXTERNAL_ID, v, created));
            if let Some(url) = &r.url {
                out.push(common.make(Predicate::REFERENCE, text(url), modified));
            }
        }
    }
    if obj.revoked == Some(true) {
        // A revoked object lives on only as a pointer to what replaced it (a `revoked-by`
        // relationship); its aliases now belong to the replacement.
        out.push(common.make(Predicate::STATUS, text("revoked"), modified));
        return Outcome::Accepted(warnings);
    }
    if obj.x_mitre_deprecated == Some(true) {
        out.push(common.make(Predicate::STATUS, text("deprecated"), modified));
    }
    let name_key_of = name.map(name_key);
    for alias in obj
        .aliases
        .iter()
        .chain(obj.x_mitre_aliases.iter())
        .flatten()
    {
        let alias = alias.trim();
        if alias.is_empty() || Some(name_key(alias)) == name_key_of {
            continue;
        }
        out.push(common.make(Predicate::ALIAS, text(alias), modified));
    }
    if let Some(d) = obj
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        out.push(common.make(Predicate::DESCRIPTION, text(d), modified));
    }
    if let Some(m) = &obj.primary_motivation {
        out.push(common.make(Predicate::MOTIVE, text(m), modified));
    }
    if let Some(code) = &obj.country {
        match dossier_model::country_by_code(code) {
            Some(c) => {
                out.push(common.make(Predicate::COUNTRY, Object::Entity(c.entity_id()), modified))
            }
            None => warnings.push(("country", format!("unknown country code {code:?}"))),
        }
    }
    for (field, value, predicate) in [
        ("first_seen", &obj.first_seen, Predicate::FIRST_SEEN),
        ("last_seen", &obj.last_seen, Predicate::LAST_SEEN),
    ] {
        match date_field(value, field) {
            Ok(Some(d)) => {
                out.push(common.make(predicate, Object::Value(Value::Date { date: d }), modified))
            }
            Ok(None) => {}
            Err(_) => warnings.push((field, format!("{value:?} is not a timestamp; left out"))),
        }
    }
    Outcome::Accepted(warnings)
}

fn convert_relationship(
    obj: &StixObject,
    common: Common<'_>,
    created: Option<PartialDate>,
    out: &mut Vec<Statement>,
    mut warnings: Vec<(&'static str, String)>,
) -> Outcome {
    let Some(rel) = obj.relationship_type.as_deref() else {
        return Outcome::Rejected("relationship_type", "missing".to_owned());
    };
    let predicate = match Predicate::from_stix_relationship(rel) {
        Ok(p) => p,
        Err(e) => return Outcome::Rejected("relationship_type", e.to_string()),
    };
    let endpoint = |v: &Option<String>, field: &'static str| match v.as_deref().map(EntityId::parse)
    {
        None => Err(Outcome::Rejected(field, "missing".to_owned())),
        Some(Err(e)) => Err(Outcome::Rejected(field, e.to_string())),
        Some(Ok(id)) => Ok(id),
    };
    let (from, to) = match (
        endpoint(&obj.source_ref, "source_ref"),
        endpoint(&obj.target_ref, "target_ref"),
    ) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(o), _) | (_, Err(o)) => return o,
    };
    if obj.revoked == Some(true) || obj.x_mitre_deprecated == Some(true) {
        return Outcome::Ignored("revoked or deprecated relationships".to_owned());
    }
    let modelled = |id: &EntityId| {
        EntityKind::from_stix_type(id.stix_type()).is_some() || id.stix_type() == "identity"
    };
    if !modelled(&from) || !modelled(&to) {
        return Outcome::Ignored(format!(
            "{rel} relationships from {} to {} (not modelled)",
            from.stix_type(),
            to.stix_type()
        ));
    }
    let (valid_from, valid_to) = match (
        date_field(&obj.start_time, "start_time"),
        date_field(&obj.stop_time, "stop_time"),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        _ => {
            warnings.push((
                "start_time",
                "start_time or stop_time is not a timestamp; left out".to_owned(),
            ));
            (None, None)
        }
    };
    let rel = Common {
        subject: from,
        ..common
    };
    let mut s = rel.make(predicate, Object::Entity(to), created);
    s.valid_from = valid_from;
    s.valid_to = valid_to;
    s.note = obj
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned);
    out.push(s);
    Outcome::Accepted(warnings)
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::{read, ReadOptions};

    /// STIX 2.0 objects are served as 2.1: `spec_version` added, `is_family` and
    /// `pattern_type` given their 2.0 meaning where missing, every other member as found.
    #[test]
    fn objects_of_stix_20_are_served_as_21() {
        let lines = [
            json!({"type": "malware", "id": "malware--00000000-0000-4000-8000-000000000001",
                   "created": "2020-01-01T00:00:00.000Z", "modified": "2020-01-02T00:00:00.000Z",
                   "name": "Alpha", "labels": ["trojan"], "description": "x\u{2028}y \"q\""}),
            json!({"type": "malware", "id": "malware--00000000-0000-4000-8000-000000000002",
                   "created": "2020-01-01T00:00:00.000Z", "modified": "2020-01-01T00:00:00.000Z",
                   "name": "Beta", "is_family": false}),
            json!({"type": "indicator", "id": "indicator--00000000-0000-4000-8000-000000000003",
                   "created": "2020-01-01T00:00:00.000Z", "modified": "2020-01-01T00:00:00.000Z",
                   "pattern": "[ipv4-addr:value = '203.0.113.7']", "valid_from": "2020-01-01T00:00:00Z"}),
            json!({"type": "tool", "id": "tool--00000000-0000-4000-8000-000000000004",
                   "created": "2020-01-01T00:00:00.000Z", "modified": "2020-01-01T00:00:00.000Z",
                   "name": "Gamma"}),
            json!({"type": "malware", "id": "malware--00000000-0000-4000-8000-000000000005",
                   "created": "2020-01-01T00:00:00.000Z", "modified": "2020-01-01T00:00:00.000Z",
                   "name": "Delta", "spec_version": null, "is_family": null}),
        ];
        let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let batch = match read("objects.jsonl", text.as_bytes(), &ReadOptions::default()) {
            Ok(batch) => batch,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(batch.stix.len(), lines.len());
        let added = [
            json!({"spec_version": "2.1", "is_family": true}),
            json!({"spec_version": "2.1"}),
            json!({"spec_version": "2.1", "pattern_type": "stix"}),
            json!({"spec_version": "2.1"}),
            json!({"spec_version": "2.1", "is_family": true}),
        ];
        for ((original, served), added) in lines.iter().zip(&batch.stix).zip(added) {
            for member in super::ADDED_IN_21 {
                assert!(served.json.matches(member).count() <= 1, "{}", served.json);
            }
            let served: Value = match serde_json::from_str(&served.json) {
                Ok(v) => v,
                Err(e) => panic!("{e}: {}", served.json),
            };
            let mut expected = original.clone();
            if let (Some(map), Value::Object(extra)) = (expected.as_object_mut(), added) {
                map.extend(extra);
            }
            assert_eq!(served, expected);
        }
    }
}
