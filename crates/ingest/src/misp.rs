//! MISP galaxy cluster files: threat actors (and other actor galaxies), producers,
//! countries and sectors.

use std::collections::{HashMap, HashSet};

use dossier_model::{
    country_by_code, country_by_misp_uuid, country_by_name, name_key, Confidence, ContentHash,
    EntityId, EntityKind, Object, PartialDate, Predicate, Source, SourceId, SourceKind, Statement,
    Tlp, Value,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value as Json};
use uuid::Uuid;

use crate::batch::{Batch, Collector, Diagnostic, Report, Severity};
use crate::json::{self, decode, join_path, offset_in, Lines};
use crate::{ReadError, ReadOptions};

#[derive(Deserialize)]
struct ClusterFile<'a> {
    #[serde(rename = "type")]
    ty: Option<String>,
    name: Option<String>,
    version: Option<Json>,
    source: Option<String>,
    #[serde(borrow)]
    values: Vec<&'a RawValue>,
}

#[derive(Deserialize)]
struct Cluster {
    value: String,
    uuid: String,
    description: Option<String>,
    meta: Option<Map<String, Json>>,
    related: Option<Vec<Related>>,
}

#[derive(Deserialize)]
struct Related {
    #[serde(rename = "dest-uuid")]
    dest_uuid: String,
    #[serde(rename = "type")]
    ty: Option<String>,
    tags: Option<Vec<String>>,
}

/// How clusters of one galaxy become entities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Galaxy {
    Actors,
    Producers,
    Countries,
    Sectors,
}

impl Galaxy {
    fn of(ty: &str) -> Option<Galaxy> {
        Some(match ty {
            "threat-actor" | "microsoft-activity-group" | "mitre-intrusion-set" => Galaxy::Actors,
            "producer" => Galaxy::Producers,
            "country" => Galaxy::Countries,
            "sector" => Galaxy::Sectors,
            _ => return None,
        })
    }

    fn entity(self, uuid: Uuid, meta: &Map<String, Json>) -> (EntityId, EntityKind) {
        match self {
            Galaxy::Actors => (
                EntityId::from_uuid("intrusion-set", uuid),
                EntityKind::ThreatActor,
            ),
            Galaxy::Producers => (
                EntityId::from_uuid("identity", uuid),
                EntityKind::Organization,
            ),
            Galaxy::Sectors => (EntityId::from_uuid("identity", uuid), EntityKind::Sector),
            Galaxy::Countries => {
                let id = meta
                    .get("ISO")
                    .and_then(Json::as_str)
                    .and_then(country_by_code)
                    .map(|c| c.entity_id())
                    .unwrap_or_else(|| EntityId::from_uuid("location", uuid));
                (id, EntityKind::Location)
            }
        }
    }
}

/// An organisation known only by name (a vendor in `origin:` meta, a sponsor that is not a
/// country).
fn organization_by_name(name: &str) -> EntityId {
    EntityId::derived("identity", &format!("organization:{}", name_key(name)))
}

/// STIX 2.1's estimative-language scale, mid-points.
fn likelihood(tags: &[String]) -> Option<Confidence> {
    let tag = tags
        .iter()
        .find_map(|t| t.strip_prefix("estimative-language:likelihood-probability="))?;
    let value = match tag.trim_matches('"') {
        "almost-no-chance" | "remote" => 5,
        "very-unlikely" | "highly-improbable" => 15,
        "unlikely" | "improbable" => 30,
        "roughly-even-chance" | "roughly-even-odds" => 50,
        "likely" | "probable" => 70,
        "very-likely" | "highly-probable" => 85,
        "almost-certain" | "nearly-certain" => 95,
        _ => return None,
    };
    Confidence::new(value).ok()
}

pub(crate) fn read_clusters(
    file: &str,
    text: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Batch, ReadError> {
    let doc: ClusterFile = json::parse_document(file, text)?;
    let fail = |message: String| ReadError::Format {
        file: file.to_owned(),
        message,
    };
    let ty = doc.ty.ok_or_else(|| {
        fail("at type: a MISP galaxy cluster file names its galaxy type".to_owned())
    })?;
    let galaxy = Galaxy::of(&ty).ok_or_else(|| {
        fail(format!(
            "at type: galaxy {ty:?} is not supported (threat-actor, microsoft-activity-group, mitre-intrusion-set, producer, country, sector)"
        ))
    })?;
    let version = doc.version.map(|v| match v {
        Json::String(s) => s,
        other => other.to_string(),
    });
    // Galaxies that are one producer's own catalogue of names.
    let namer = match ty.as_str() {
        "microsoft-activity-group" => Some("Microsoft"),
        "mitre-intrusion-set" => Some("The MITRE Corporation"),
        _ => None,
    };
    let title = format!("MISP galaxy: {}", doc.name.as_deref().unwrap_or(&ty));
    let mut source = Source::new(
        SourceKind::MispGalaxy,
        options
            .dataset
            .as_deref()
            .unwrap_or(&format!("misp-galaxy/{ty}")),
        &title,
        ContentHash::of(bytes),
    );
    source.publisher = Some(doc.source.unwrap_or_else(|| "MISP Project".to_owned()));
    source.version = version;
    source.file_name = Some(crate::base_name(file).to_owned());

    let mut report = Report {
        received: doc.values.len() as u64,
        ..Report::default()
    };
    let mut out = Collector::default();
    let mut seen: HashSet<Uuid> = HashSet::new();
    let lines = Lines::new(text);
    let mut file_ctx = FileCtx {
        galaxy,
        uuids: doc
            .values
            .iter()
            .filter_map(|raw| serde_json::from_str::<UuidOnly>(raw.get()).ok())
            .filter_map(|c| c.uuid.and_then(|u| Uuid::parse_str(&u).ok()))
            .collect(),
        left_out: 0,
    };
    for (i, raw) in doc.values.iter().enumerate() {
        let path = format!("values[{i}]");
        let line = lines.line_at(offset_in(text, raw.get()));
        let diag = |severity, at: String, message: String| Diagnostic {
            severity,
            file: file.to_owned(),
            line: Some(line),
            path: Some(at),
            message,
        };
        let cluster: Cluster = match decode(raw) {
            Ok(c) => c,
            Err(e) => {
                report.rejected += 1;
                report.diagnostics.push(diag(
                    Severity::Error,
                    join_path(&path, &e.path),
                    e.message,
                ));
                continue;
            }
        };
        let uuid = match Uuid::parse_str(&cluster.uuid) {
            Ok(u) => u,
            Err(_) => {
                report.rejected += 1;
                let msg = format!("{:?} is not a uuid", cluster.uuid);
                report
                    .diagnostics
                    .push(diag(Severity::Error, join_path(&path, "uuid"), msg));
                continue;
            }
        };
        if cluster.value.trim().is_empty() {
            report.rejected += 1;
            let msg = "empty cluster value (the name)".to_owned();
            report
                .diagnostics
                .push(diag(Severity::Error, join_path(&path, "value"), msg));
            continue;
        }
        if !seen.insert(uuid) {
            report.duplicate += 1;
            continue;
        }
        report.accepted += 1;
        let mut warnings = Vec::new();
        convert_cluster(
            galaxy,
            namer,
            uuid,
            &cluster,
            &source.id,
            options.default_marking,
            &mut out,
            &mut warnings,
            &mut file_ctx,
        );
        for (field, message) in warnings {
            let at = join_path(&path, &field);
            report
                .diagnostics
                .push(diag(Severity::Warning, at, message));
        }
    }
    let left_out = file_ctx.left_out;
    if left_out > 0 {
        report.diagnostics.push(Diagnostic::info(file, format!(
                "left out {left_out} related edges to clusters of other galaxies (their entity type is unknown)"
            )));
    }
    Ok(Batch {
        source,
        statements: out.statements,
        report,
        stix: Vec::new(),
    })
}

#[derive(Deserialize)]
struct UuidOnly {
    uuid: Option<String>,
}

/// What every cluster of one file shares.
struct FileCtx {
    galaxy: Galaxy,
    /// The clusters of this file, so `related` edges within it keep their entity type.
    uuids: HashSet<Uuid>,
    /// `related` edges left out because the cluster they point at is unknown.
    left_out: u64,
}

struct Emitter<'a> {
    source: &'a SourceId,
    marking: Tlp,
    out: &'a mut Collector,
}

impl Emitter<'_> {
    fn emit(
        &mut self,
        subject: &EntityId,
        predicate: Predicate,
        object: Object,
        issuer: Option<&EntityId>,
        confidence: Option<Confidence>,
    ) {
        let mut s = Statement::new(subject.clone(), predicate, object, self.source.clone());
        s.issuer = issuer.cloned();
        s.confidence = confidence;
        s.marking = self.marking;
        self.out.push(s);
    }

    fn text(&mut self, subject: &EntityId, predicate: Predicate, text: &str) {
        self.emit(
            subject,
            predicate,
            Object::Value(Value::text(text.trim())),
            None,
            None,
        );
    }

    /// An organisation known by name only: declare it so it has a kind and a name.
    fn named_organization(&mut self, name: &str) -> EntityId {
        let id = organization_by_name(name);
        self.text(&id, Predicate::IS_A, EntityKind::Organization.as_str());
        self.text(&id, Predicate::NAME, name);
        id
    }
}

/// Strings of a meta field that may be a string or a list of strings.
fn strings<'m>(
    meta: &'m Map<String, Json>,
    key: &str,
    warnings: &mut Vec<(String, String)>,
) -> Vec<&'m str> {
    match meta.get(key) {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::String(s)) => vec![s.as_str()],
        Some(Json::Array(items)) => {
            let mut v = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match item.as_str() {
                    Some(s) => v.push(s),
                    None => warnings.push((
                        format!("meta.{key}[{i}]"),
                        "not a string; left out".to_owned(),
                    )),
                }
            }
            v
        }
        Some(_) => {
            warnings.push((
                format!("meta.{key}"),
                "not a string or list of strings; left out".to_owned(),
            ));
            Vec::new()
        }
    }
    .into_iter()
    .map(str::trim)
    .filter(|s| !s.is_empty())
    .collect()
}

#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the pieces are unrelated"
)]
fn convert_cluster(
    galaxy: Galaxy,
    namer: Option<&str>,
    uuid: Uuid,
    cluster: &Cluster,
    source: &SourceId,
    marking: Tlp,
    out: &mut Collector,
    warnings: &mut Vec<(String, String)>,
    file: &mut FileCtx,
) {
    let empty = Map::new();
    let meta = cluster.meta.as_ref().unwrap_or(&empty);
    let (id, kind) = galaxy.entity(uuid, meta);
    let mut e = Emitter {
        source,
        marking,
        out,
    };
    // Country clusters are keyed by a lowercase name; their description is the proper one.
    let proper = cluster
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    let name = match (galaxy, proper) {
        (Galaxy::Countries, Some(d)) => d,
        _ => cluster.value.trim(),
    };

    // Who uses which name: "Violet Typhoon:<producer uuid>" and "origin:<name>": "<vendor>".
    let mut namers: HashMap<String, EntityId> = HashMap::new();
    let attributions = strings(meta, "name-attribution", warnings);
    let mut attributed_names = Vec::new();
    for entry in &attributions {
        match entry
            .rsplit_once(':')
            .map(|(n, u)| (n.trim(), Uuid::parse_str(u.trim())))
        {
            Some((alias, Ok(producer))) if !alias.is_empty() => {
                namers.insert(name_key(alias), EntityId::from_uuid("identity", producer));
                attributed_names.push(alias);
            }
            _ => warnings.push((
                "meta.name-attribution".to_owned(),
                format!("{entry:?} is not <name>:<producer uuid>; left out"),
            )),
        }
    }
    let mut keys: Vec<&String> = meta.keys().filter(|k| k.starts_with("origin:")).collect();
    keys.sort();
    for key in keys {
        let alias = key.trim_start_matches("origin:").trim();
        let Some(vendor) = meta[key].as_str().map(str::trim).filter(|v| !v.is_empty()) else {
            continue;
        };
        match namers.get(&name_key(alias)) {
            // The file names the producer it attributes the alias to: say so, as this file
            // is the only source of that producer's name where the producer galaxy lacks it.
            Some(producer) => {
                let producer = producer.clone();
                e.text(
                    &producer,
                    Predicate::IS_A,
                    EntityKind::Organization.as_str(),
                );
                e.text(&producer, Predicate::NAME, vendor);
            }
            None => {
                let org = e.named_organization(vendor);
                namers.insert(name_key(alias), org);
            }
        }
    }

    // In a galaxy of one producer's names, the cluster's name is that producer's.
    let galaxy_namer = namer.map(|n| e.named_organization(n));
    e.text(&id, Predicate::IS_A, kind.as_str());
    e.emit(
        &id,
        Predicate::NAME,
        Object::Value(Value::text(name)),
        namers.get(&name_key(name)).or(galaxy_namer.as_ref()),
        None,
    );
    if let (Some(d), false) = (proper, galaxy == Galaxy::Countries) {
        e.text(&id, Predicate::DESCRIPTION, d);
    }
    e.emit(
        &id,
        Predicate::EXTERNAL_ID,
        Object::Value(Value::identifier("misp-galaxy", uuid.to_string())),
        None,
        None,
    );

    let mut seen_names = vec![name_key(name)];
    let mut synonyms = strings(meta, "synonyms", warnings);
    if name != cluster.value.trim() {
        synonyms.insert(0, cluster.value.trim());
    }
    for alias in synonyms.iter().chain(attributed_names.iter()) {
        let key = name_key(alias);
        if key.is_empty() || seen_names.contains(&key) {
            continue;
        }
        seen_names.push(key.clone());
        e.emit(
            &id,
            Predicate::ALIAS,
            Object::Value(Value::text(*alias)),
            namers.get(&key),
            None,
        );
        if galaxy == Galaxy::Actors && is_attack_group_id(alias) {
            let v = Value::identifier("mitre-attack", *alias);
            e.emit(
                &id,
                Predicate::EXTERNAL_ID,
                Object::Value(v),
                namers.get(&key),
                None,
            );
        }
    }

    for url in
        strings(meta, "refs", warnings)
            .into_iter()
            .chain(strings(meta, "official-refs", warnings))
    {
        e.text(&id, Predicate::REFERENCE, url);
    }

    match galaxy {
        Galaxy::Countries => {
            for (key, scheme) in [("ISO", "iso3166-1-alpha2"), ("ISO3", "iso3166-1-alpha3")] {
                if let Some(code) = meta.get(key).and_then(Json::as_str) {
                    let v = Value::identifier(scheme, code);
                    e.emit(&id, Predicate::EXTERNAL_ID, Object::Value(v), None, None);
                }
            }
        }
        Galaxy::Actors | Galaxy::Producers | Galaxy::Sectors => {
            for code in strings(meta, "country", warnings) {
                // Some clusters put a country's name where its code belongs.
                match country_by_code(code).or_else(|| country_by_name(code)) {
                    Some(c) => e.emit(
                        &id,
                        Predicate::COUNTRY,
                        Object::Entity(c.entity_id()),
                        None,
                        None,
                    ),
                    None => warnings.push((
                        "meta.country".to_owned(),
                        format!("unknown country {code:?}; left out"),
                    )),
                }
            }
        }
    }
    if galaxy != Galaxy::Actors {
        return;
    }

    let confidence = match meta.get("attribution-confidence") {
        None => None,
        Some(v) => {
            let n = v
                .as_i64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()));
            match n.map(Confidence::new) {
                Some(Ok(c)) => Some(c),
                _ => {
                    warnings.push((
                        "meta.attribution-confidence".to_owned(),
                        format!("{v} is not 0–100; left out"),
                    ));
                    None
                }
            }
        }
    };
    // Microsoft's taxonomy: a country means a nation-state actor of that country; the
    // other classes (financially motivated, influence operations…) are actor types.
    for class in strings(meta, "microsoft-origin-threat", warnings)
        .into_iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match country_by_name(class) {
            Some(c) => e.emit(
                &id,
                Predicate::SPONSOR,
                Object::Entity(c.entity_id()),
                galaxy_namer.as_ref(),
                None,
            ),
            None => e.emit(
                &id,
                Predicate::ACTOR_TYPE,
                Object::Value(Value::text(class)),
                galaxy_namer.as_ref(),
                None,
            ),
        }
    }
    for sponsor in strings(meta, "cfr-suspected-state-sponsor", warnings) {
        if name_key(sponsor) == "unknown" {
            continue;
        }
        let target = match country_by_name(sponsor) {
            Some(c) => c.entity_id(),
            None => e.named_organization(sponsor),
        };
        e.emit(
            &id,
            Predicate::SPONSOR,
            Object::Entity(target),
            None,
            confidence,
        );
    }
    for victim in strings(meta, "cfr-suspected-victims", warnings)
        .into_iter()
        .chain(strings(meta, "suspected-victims", warnings))
    {
        let object = match country_by_name(victim) {
            Some(c) => Object::Entity(c.entity_id()),
            None => Object::Value(Value::text(victim)),
        };
        e.emit(&id, Predicate::TARGETS, object, None, None);
    }
    for key in ["cfr-target-category", "targeted-sector"] {
        for sector in strings(meta, key, warnings) {
            e.text(&id, Predicate::TARGETS_SECTOR, sector);
        }
    }
    for t in strings(meta, "cfr-type-of-incident", warnings) {
        e.text(&id, Predicate::INCIDENT_TYPE, t);
    }
    for m in strings(meta, "motive", warnings) {
        e.text(&id, Predicate::MOTIVE, m);
    }
    for since in strings(meta, "since", warnings) {
        match PartialDate::parse(since) {
            Ok(d) => e.emit(
                &id,
                Predicate::FIRST_SEEN,
                Object::Value(Value::Date { date: d }),
                None,
                None,
            ),
            Err(_) => warnings.push((
                "meta.since".to_owned(),
                format!("{since:?} is not a date; left out"),
            )),
        }
    }
    for (i, rel) in cluster.related.iter().flatten().enumerate() {
        let Ok(dest) = Uuid::parse_str(&rel.dest_uuid) else {
            warnings.push((
                format!("related[{i}].dest-uuid"),
                format!("{:?} is not a uuid; left out", rel.dest_uuid),
            ));
            continue;
        };
        let predicate = match rel.ty.as_deref() {
            None | Some("similar") | Some("similar-to") => Predicate::SIMILAR_TO,
            Some(t) => match Predicate::from_stix_relationship(t) {
                Ok(p) => p,
                Err(_) => {
                    warnings.push((
                        format!("related[{i}].type"),
                        format!("{t:?} is not a relation type; left out"),
                    ));
                    continue;
                }
            },
        };
        let confidence = rel.tags.as_deref().and_then(likelihood);
        // The cluster pointed at may be of any galaxy; only countries (known by their
        // uuid) and "similar" actors (other actor galaxies) have a known entity type.
        let object = match country_by_misp_uuid(&dest.to_string()) {
            Some(c) => c.entity_id(),
            // A cluster of this file: same galaxy, same entity type.
            None if file.uuids.contains(&dest) => file.galaxy.entity(dest, &Map::new()).0,
            None if predicate == Predicate::SIMILAR_TO => {
                EntityId::from_uuid("intrusion-set", dest)
            }
            None => {
                file.left_out += 1;
                continue;
            }
        };
        e.emit(&id, predicate, Object::Entity(object), None, confidence);
    }
}

/// ATT&CK group ids look like G0128.
fn is_attack_group_id(s: &str) -> bool {
    s.len() == 5 && s.starts_with('G') && s[1..].bytes().all(|b| b.is_ascii_digit())
}
