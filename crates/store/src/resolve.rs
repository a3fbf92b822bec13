//! Alias resolution without destruction.
//!
//! Threat actors from different datasets that share a name, an alias or an external id
//! (ATT&CK's ZIRCONIUM G0128 and MISP's APT31 share APT31, ZIRCONIUM and Violet Typhoon)
//! are linked by `same_as` statements that say why. Records are never merged: the links
//! are statements of the resolver's own source, recomputed after every import, and an
//! analyst's denial (`same_as` with stance `denies`) keeps two records apart.
//!
//! A key used by two different actors of the same dataset is ambiguous: that dataset's
//! own author says they are different, so the key links nothing and is reported. Links
//! are made strongest first, and never join two records of one dataset into one group.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use dossier_model::{
    Confidence, ContentHash, EntityId, EntityKind, Object, Predicate, Source, SourceKind, Stance,
    Statement, Tlp, Value,
};
use rusqlite::{params, Connection};
use serde::Serialize;

use crate::import::{load_sources, Writer};
use crate::statements::{denied_pairs, ordered_pair, query, visible, visible_sources};
use crate::{ReadFilter, StoreError};

/// A name or id that two actors of one dataset both use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ambiguity {
    /// The name or `scheme:id` as written.
    pub key: String,
    pub dataset: String,
    pub entities: Vec<EntityId>,
    /// The most restrictive marking of the statements that make the key ambiguous.
    pub marking: Tlp,
}

/// What a resolver run found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Resolution {
    /// `same_as` links made.
    pub links: u64,
    /// Groups of more than one record.
    pub groups: u64,
    pub ambiguities: Vec<Ambiguity>,
    /// Candidate links refused because they would put two records of one dataset together.
    pub refused: u64,
}

pub(crate) const DATASET: &str = "dossier/resolver";

/// Evidence for one key of one entity.
struct KeyUse {
    display: String,
    marking: Tlp,
}

struct UnionFind {
    parent: Vec<usize>,
    datasets: Vec<BTreeSet<String>>,
}

impl UnionFind {
    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    /// Joins the groups of `a` and `b` unless they hold records of one dataset (unless
    /// `forced`, for an analyst's word): `Some(true)` if joined, `Some(false)` if already
    /// one group, `None` if refused.
    fn union(&mut self, a: usize, b: usize, forced: bool) -> Option<bool> {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return Some(false);
        }
        if !forced && !self.datasets[ra].is_disjoint(&self.datasets[rb]) {
            return None;
        }
        let moved = std::mem::take(&mut self.datasets[rb]);
        self.datasets[ra].extend(moved);
        self.parent[rb] = ra;
        Some(true)
    }
}

/// Whether importing `batch` can change what the resolver links: it names or declares
/// threat actors, states `same_as`, or supersedes an earlier version of its dataset.
pub(crate) fn affected_by(
    tx: &Connection,
    batch: &dossier_ingest::Batch,
) -> Result<bool, StoreError> {
    let actor = Value::text(EntityKind::ThreatActor.as_str());
    let mut subjects: HashSet<&EntityId> = HashSet::new();
    for s in &batch.statements {
        let p = &s.predicate;
        if *p == Predicate::SAME_AS
            || (*p == Predicate::IS_A && s.object == Object::Value(actor.clone()))
        {
            return Ok(true);
        }
        if p.is_name() || *p == Predicate::EXTERNAL_ID || *p == Predicate::STATUS {
            subjects.insert(&s.subject);
        }
    }
    let earlier: i64 = tx.query_row(
        "SELECT count(*) FROM source WHERE dataset = ?1 AND id != ?2",
        params![batch.source.dataset, batch.source.id.as_str()],
        |r| r.get(0),
    )?;
    if earlier > 0 {
        return Ok(true);
    }
    let mut stmt = tx.prepare_cached(
        "SELECT 1 FROM statement s JOIN entity e ON e.num = s.subject \
         WHERE e.id = ?1 AND s.predicate = 'is_a' AND s.value = ?2 LIMIT 1",
    )?;
    for subject in subjects {
        if stmt.exists(params![subject.as_str(), EntityKind::ThreatActor.as_str()])? {
            return Ok(true);
        }
    }
    Ok(false)
}

pub(crate) fn run(tx: &Connection, at: &str) -> Result<Resolution, StoreError> {
    let sources = load_sources(tx)?;
    let filter = ReadFilter {
        clearance: Tlp::Red,
        as_of: None,
    };
    let visible_nums = visible_sources(&sources, &filter);
    let dataset_of: HashMap<i64, &str> = sources
        .iter()
        .map(|s| (s.num, s.dataset.as_str()))
        .collect();

    // Names, aliases and external ids of threat actors that are not revoked, from the
    // sources in view; the numbers are the store's own, so the list is safe to inline.
    // The sources in view hold most statements: read in table order (`+s.source`, `NOT
    // INDEXED`) rather than source by source through the index, which fetched every row
    // by a seek (bundled data: 32 ms, 9 ms in table order).
    let mut nums: Vec<i64> = visible_nums.iter().copied().collect();
    nums.sort_unstable();
    let list = nums
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let actor = EntityKind::ThreatActor.as_str();
    let named = query(
        tx,
        &format!(
            "+s.source IN ({list}) AND s.stance = 'asserts' AND s.name_key IS NOT NULL \
             AND s.predicate IN ('name', 'alias', 'external_id') \
             AND s.subject IN (SELECT subject FROM statement NOT INDEXED WHERE predicate = 'is_a' \
                 AND value = '{actor}' AND source IN ({list})) \
             AND s.subject NOT IN (SELECT subject FROM statement NOT INDEXED \
                 WHERE predicate = 'status' AND value = 'revoked' AND source IN ({list}))"
        ),
        [],
    )?;

    // key -> dataset -> entity -> evidence
    let mut keys: BTreeMap<String, BTreeMap<String, BTreeMap<EntityId, KeyUse>>> = BTreeMap::new();
    for s in named.iter().filter(|s| visible(s, &visible_nums, &filter)) {
        let st = &s.statement;
        let Object::Value(value) = &st.object else {
            continue;
        };
        let name_key = dossier_model::name_key(&value.lexical());
        let (key, display) = match &st.object {
            Object::Value(Value::Identifier { scheme, value })
                if st.predicate == Predicate::EXTERNAL_ID =>
            {
                if scheme == "misp-galaxy" {
                    continue;
                }
                (
                    format!("id:{scheme}:{name_key}"),
                    format!("{scheme} {value}"),
                )
            }
            Object::Value(v) => (format!("name:{name_key}"), v.lexical().into_owned()),
            Object::Entity(_) => continue,
        };
        let dataset = dataset_of
            .get(&s.source_num)
            .copied()
            .unwrap_or("")
            .to_owned();
        let uses = keys.entry(key).or_default().entry(dataset).or_default();
        let entry = uses.entry(st.subject.clone()).or_insert(KeyUse {
            display,
            marking: st.marking,
        });
        entry.marking = entry.marking.min(st.marking);
    }

    // Analysts' word first: the latest entry per pair keeps apart or joins.
    let manual = query(
        tx,
        "s.predicate = 'same_as' AND s.source IN (SELECT num FROM source WHERE kind = 'manual')",
        [],
    )?;
    let manual: Vec<_> = manual
        .into_iter()
        .filter(|s| visible(s, &visible_nums, &filter))
        .collect();
    // Each clearance level is resolved on the evidence it may see alone, so that what a
    // reader sees of the links, their source and its counts is what the store would hold
    // without anything above their clearance. Links first made at a level are marked
    // with it and kept in that level's own resolver source.
    let levels = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];
    let mut total = Resolution::default();
    let mut below: Option<Level> = None;
    let mut reported: HashSet<(String, String)> = HashSet::new();
    let similar = similar_rows(tx, &list)?;
    // What refers to the resolver's sources goes first, named rather than left to the
    // foreign keys' cascade: imports run without enforcing them (see `Store::import`).
    for child in ["statement", "stix_object", "finding", "document"] {
        tx.execute(
            &format!(
                "DELETE FROM {child} WHERE source IN (SELECT num FROM source WHERE kind = ?1)"
            ),
            params![SourceKind::Resolver.as_str()],
        )?;
    }
    tx.execute(
        "DELETE FROM source WHERE kind = ?1",
        params![SourceKind::Resolver.as_str()],
    )?;
    // A level above the most restrictive evidence sees what the level below it saw and
    // would add nothing: it is not run.
    let top = keys
        .values()
        .flat_map(|by| by.values())
        .flat_map(|uses| uses.values())
        .map(|u| u.marking)
        .chain(manual.iter().chain(&similar).map(|s| s.statement.marking))
        .max()
        .unwrap_or(Tlp::Clear);
    for level in levels.into_iter().filter(|level| *level <= top) {
        let mut run = resolve_level(level, &keys, &manual, &sources, &similar, &dataset_of)?;
        let source = resolver_source(level);
        let mut links = Vec::new();
        for (a, b, evidence) in run.links.drain(..) {
            if let Some(prev) = below.as_mut() {
                if prev.joined(&a, &b) {
                    continue;
                }
            }
            let mut s = Statement::new(a, Predicate::SAME_AS, Object::Entity(b), source.id.clone());
            let n = evidence.len() as i64;
            s.confidence = Confidence::new((40 + 15 * n).min(95)).ok();
            s.marking = level;
            s.note = Some(format!("shared: {}", evidence.join(", ")));
            links.push(s);
        }
        let ambiguities: Vec<Ambiguity> = run
            .resolution
            .ambiguities
            .iter()
            .filter(|a| reported.insert((a.key.clone(), a.dataset.clone())))
            .cloned()
            .collect();
        if level == Tlp::Clear || !links.is_empty() || !ambiguities.is_empty() {
            let resolution = Resolution {
                links: links.len() as u64,
                groups: run.resolution.groups,
                ambiguities: ambiguities.clone(),
                refused: run.resolution.refused,
            };
            write_level(tx, source, &links, &resolution, at)?;
        }
        total.links += links.len() as u64;
        total.groups = run.resolution.groups;
        total.refused = run.resolution.refused;
        total.ambiguities.extend(ambiguities);
        below = Some(run.level);
    }
    Ok(total)
}

/// The resolver's own source for links first made at `level`.
fn resolver_source(level: Tlp) -> Source {
    let (dataset, title) = if level == Tlp::Clear {
        (DATASET.to_owned(), "dossier alias resolver".to_owned())
    } else {
        (
            format!("{DATASET}/{}", level.as_str()),
            format!("dossier alias resolver ({level} evidence)"),
        )
    };
    let mut s = Source::new(
        SourceKind::Resolver,
        &dataset,
        &title,
        ContentHash::of(title.as_bytes()),
    );
    s.publisher = Some("dossier".to_owned());
    s
}

/// Read in table order like the names: through the index of objects, every relation
/// was fetched by a seek.
fn similar_rows(tx: &Connection, list: &str) -> Result<Vec<crate::statements::Stored>, StoreError> {
    query(
        tx,
        &format!(
            "+s.source IN ({list}) AND s.stance = 'asserts' AND s.predicate = 'similar_to' \
             AND +s.object_entity IS NOT NULL AND coalesce(s.confidence, 0) >= 70"
        ),
        [],
    )
}

fn write_level(
    tx: &Connection,
    source: Source,
    links: &[Statement],
    resolution: &Resolution,
    at: &str,
) -> Result<(), StoreError> {
    let ids: Vec<String> = links.iter().map(|s| s.id().0).collect();
    let mut out_source = source;
    out_source.content_hash = ContentHash::of(ids.join("\n").as_bytes());
    let diagnostics =
        serde_json::to_string(&resolution.ambiguities).unwrap_or_else(|_| "[]".to_owned());
    let mut writer = Writer::new(tx)?;
    let counts = [
        resolution.links + resolution.refused,
        resolution.links,
        resolution.refused,
        0,
        0,
        links.len() as u64,
    ];
    let num = writer.source(&out_source, counts, &diagnostics, at)?;
    for s in links {
        writer.statement(s, num)?;
    }
    Ok(())
}

/// The groups one level's run made.
struct Level {
    uf: UnionFind,
    index: BTreeMap<EntityId, usize>,
}

impl Level {
    fn joined(&mut self, a: &EntityId, b: &EntityId) -> bool {
        match (self.index.get(a), self.index.get(b)) {
            (Some(&x), Some(&y)) => self.uf.find(x) == self.uf.find(y),
            _ => false,
        }
    }
}

struct LevelRun {
    links: Vec<(EntityId, EntityId, Vec<String>)>,
    resolution: Resolution,
    level: Level,
}

/// Links the evidence visible at `level` makes.
fn resolve_level(
    level: Tlp,
    all_keys: &BTreeMap<String, BTreeMap<String, BTreeMap<EntityId, KeyUse>>>,
    manual: &[crate::statements::Stored],
    sources: &[crate::import::SourceRecord],
    similar: &[crate::statements::Stored],
    dataset_of: &HashMap<i64, &str>,
) -> Result<LevelRun, StoreError> {
    let seen = |m: Tlp| m.visible_to(level);
    let manual: Vec<crate::statements::Stored> = manual
        .iter()
        .filter(|s| seen(s.statement.marking))
        .cloned()
        .collect();
    let keys: BTreeMap<&String, BTreeMap<&String, BTreeMap<&EntityId, &KeyUse>>> = all_keys
        .iter()
        .map(|(k, by)| {
            let by: BTreeMap<&String, BTreeMap<&EntityId, &KeyUse>> = by
                .iter()
                .map(|(d, uses)| {
                    (
                        d,
                        uses.iter()
                            .filter(|(_, u)| seen(u.marking))
                            .collect::<BTreeMap<_, _>>(),
                    )
                })
                .filter(|(_, uses)| !uses.is_empty())
                .collect();
            (k, by)
        })
        .filter(|(_, by)| !by.is_empty())
        .collect();
    let denied = denied_pairs(&manual, sources);
    let mut asserted: Vec<(EntityId, EntityId)> = Vec::new();
    for s in manual
        .iter()
        .filter(|s| s.statement.stance == Stance::Asserts)
    {
        let Object::Entity(other) = &s.statement.object else {
            continue;
        };
        let pair = ordered_pair(&s.statement.subject, other);
        if !denied.contains(&pair) && !asserted.contains(&pair) {
            asserted.push(pair);
        }
    }

    // Candidate pairs with their shared keys.
    let mut resolution = Resolution::default();
    let mut pairs: BTreeMap<(EntityId, EntityId), (Vec<String>, Tlp)> = BTreeMap::new();
    let mut entity_datasets: BTreeMap<EntityId, BTreeSet<String>> = BTreeMap::new();
    for by_dataset in keys.values() {
        for (dataset, uses) in by_dataset {
            for e in uses.keys() {
                entity_datasets
                    .entry((*e).clone())
                    .or_default()
                    .insert((*dataset).clone());
            }
        }
    }
    for by_dataset in keys.values() {
        let mut ambiguous = false;
        for (dataset, uses) in by_dataset {
            if uses.len() > 1 {
                ambiguous = true;
                let display = uses
                    .values()
                    .next()
                    .map(|u| u.display.clone())
                    .unwrap_or_default();
                resolution.ambiguities.push(Ambiguity {
                    key: display,
                    dataset: (*dataset).clone(),
                    entities: uses.keys().map(|e| (*e).clone()).collect(),
                    marking: uses.values().map(|u| u.marking).max().unwrap_or(Tlp::Clear),
                });
            }
        }
        if ambiguous {
            continue;
        }
        let users: Vec<(&EntityId, &KeyUse)> = by_dataset
            .values()
            .flat_map(|u| u.iter().map(|(e, k)| (*e, *k)))
            .collect();
        for (i, (a, ua)) in users.iter().enumerate() {
            for (b, ub) in &users[i + 1..] {
                if a == b {
                    continue;
                }
                let pair = ordered_pair(a, b);
                if denied.contains(&pair) {
                    continue;
                }
                let entry = pairs
                    .entry(pair)
                    .or_insert_with(|| (Vec::new(), Tlp::Clear));
                entry.0.push(ua.display.clone());
                entry.1 = entry.1.max(ua.marking).max(ub.marking);
            }
        }
    }

    // A source's own "probably the same" between actors of other datasets (MISP's
    // `similar` relation, likely or better) is evidence too.
    for s in similar.iter().filter(|s| seen(s.statement.marking)) {
        let st = &s.statement;
        let Object::Entity(other) = &st.object else {
            continue;
        };
        if st.subject == *other
            || !entity_datasets.contains_key(&st.subject)
            || !entity_datasets.contains_key(other)
        {
            continue;
        }
        let pair = ordered_pair(&st.subject, other);
        if denied.contains(&pair) {
            continue;
        }
        let dataset = dataset_of.get(&s.source_num).copied().unwrap_or("?");
        let entry = pairs
            .entry(pair)
            .or_insert_with(|| (Vec::new(), Tlp::Clear));
        entry.0.push(format!("{dataset} relates them as similar"));
        entry.1 = entry.1.max(st.marking);
    }

    // Strongest evidence first, then by id for determinism.
    let mut ranked: Vec<_> = pairs.into_iter().collect();
    ranked.sort_by(|a, b| b.1 .0.len().cmp(&a.1 .0.len()).then_with(|| a.0.cmp(&b.0)));

    let mut index: BTreeMap<EntityId, usize> = BTreeMap::new();
    let mut uf = UnionFind {
        parent: Vec::new(),
        datasets: Vec::new(),
    };
    let slot = |e: &EntityId, uf: &mut UnionFind, index: &mut BTreeMap<EntityId, usize>| -> usize {
        *index.entry(e.clone()).or_insert_with(|| {
            uf.parent.push(uf.parent.len());
            uf.datasets
                .push(entity_datasets.get(e).cloned().unwrap_or_default());
            uf.parent.len() - 1
        })
    };
    for (a, b) in &asserted {
        let (ia, ib) = (slot(a, &mut uf, &mut index), slot(b, &mut uf, &mut index));
        // An analyst's link stands even across one dataset's records.
        uf.union(ia, ib, true);
    }

    let mut links = Vec::new();
    for ((a, b), (evidence, _marking)) in ranked {
        let (ia, ib) = (slot(&a, &mut uf, &mut index), slot(&b, &mut uf, &mut index));
        let (ra, rb) = (uf.find(ia), uf.find(ib));
        let mut kept_apart = false;
        for (x, y) in &denied {
            if let (Some(&ix), Some(&iy)) = (index.get(x), index.get(y)) {
                let (rx, ry) = (uf.find(ix), uf.find(iy));
                kept_apart |= (rx == ra && ry == rb) || (rx == rb && ry == ra);
            }
        }
        if kept_apart {
            resolution.refused += 1;
            continue;
        }
        match uf.union(ia, ib, false) {
            None => resolution.refused += 1,
            Some(false) => {}
            Some(true) => links.push((a, b, evidence)),
        }
    }
    let mut sizes: HashMap<usize, u64> = HashMap::new();
    for i in 0..uf.parent.len() {
        *sizes.entry(uf.find(i)).or_default() += 1;
    }
    resolution.groups = sizes.values().filter(|&&n| n > 1).count() as u64;
    resolution.links = links.len() as u64;
    Ok(LevelRun {
        links,
        resolution,
        level: Level { uf, index },
    })
}
