//! What changed between two versions of a list: designations added, removed, changed.

use std::collections::{BTreeMap, BTreeSet};

use dossier_model::{EntityId, Object, Predicate, Tlp, Value};
use serde::Serialize;

use crate::import::SourceRecord;
use crate::statements::{query, Stored};
use crate::{Store, StoreError};

/// An entity as a diff lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffEntity {
    pub id: EntityId,
    pub name: Option<String>,
    /// The list's own ids of the record ("us-ofac-sdn 47818").
    pub list_ids: Vec<String>,
}

/// A designation present in both versions whose statements differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffChange {
    pub entity: DiffEntity,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// The difference between two source versions.
#[derive(Debug, Clone, Serialize)]
pub struct SourceDiff {
    pub from: SourceRecord,
    pub to: SourceRecord,
    pub added: Vec<DiffEntity>,
    pub removed: Vec<DiffEntity>,
    pub changed: Vec<DiffChange>,
}

/// A statement's content without its source, for comparing versions.
fn fingerprint(s: &Stored) -> String {
    let st = &s.statement;
    let object = match &st.object {
        Object::Entity(e) => e.to_string(),
        Object::Value(Value::Identifier { scheme, value }) => format!("{scheme} {value}"),
        Object::Value(v) => v.lexical().into_owned(),
    };
    let mut out = format!("{} {object}", st.predicate);
    if let Some(n) = &st.note {
        out.push_str(&format!(" ({n})"));
    }
    for (label, d) in [("from", st.valid_from), ("until", st.valid_to)] {
        if let Some(d) = d {
            out.push_str(&format!(" {label} {d}"));
        }
    }
    if st.stance != dossier_model::Stance::Asserts {
        out.push_str(" [denied]");
    }
    if st.marking != Tlp::Clear {
        out.push_str(&format!(" [{}]", st.marking));
    }
    out
}

/// One designated subject in one source version.
#[derive(Default)]
struct Designation {
    /// Fingerprints of its statements.
    statements: BTreeSet<String>,
    name: Option<String>,
    list_ids: Vec<String>,
}

/// Per designated subject of one source.
struct Version {
    subjects: BTreeMap<EntityId, Designation>,
}

fn version(store: &Store, source: &SourceRecord, clearance: Tlp) -> Result<Version, StoreError> {
    let rows = query(&store.conn, "s.source = ?1", [source.num])?;
    let designated: BTreeSet<EntityId> = rows
        .iter()
        .filter(|s| s.statement.predicate == Predicate::SANCTIONED_BY)
        .map(|s| s.statement.subject.clone())
        .collect();
    let mut subjects: BTreeMap<EntityId, Designation> = BTreeMap::new();
    for s in rows
        .iter()
        .filter(|s| s.statement.marking.visible_to(clearance))
    {
        let st = &s.statement;
        if !designated.contains(&st.subject) {
            continue;
        }
        let entry = subjects.entry(st.subject.clone()).or_default();
        entry.statements.insert(fingerprint(s));
        match (&st.object, st.predicate.as_str()) {
            (Object::Value(v), "name") if entry.name.is_none() => {
                entry.name = Some(v.lexical().into_owned())
            }
            (Object::Value(Value::Identifier { scheme, value }), "external_id")
                if scheme.starts_with("us-ofac")
                    || scheme.starts_with("un-")
                    || scheme.starts_with("gb-") =>
            {
                entry.list_ids.push(format!("{scheme} {value}"));
            }
            _ => {}
        }
    }
    Ok(Version { subjects })
}

impl Store {
    /// The designations added, removed and changed from source `from` to source `to`
    /// (ids as `dossier sources` lists them), as a reader cleared for `clearance` sees them.
    pub fn diff_sources(
        &self,
        from: &str,
        to: &str,
        clearance: Tlp,
    ) -> Result<SourceDiff, StoreError> {
        let sources = self.sources(clearance)?;
        let find = |id: &str| {
            sources
                .iter()
                .find(|s| s.id == id)
                .cloned()
                .ok_or_else(|| StoreError::NoSource(id.to_owned()))
        };
        let (a, b) = (find(from)?, find(to)?);
        let (va, vb) = (version(self, &a, clearance)?, version(self, &b, clearance)?);
        let entity = |id: &EntityId, v: &Designation| DiffEntity {
            id: id.clone(),
            name: v.name.clone(),
            list_ids: v.list_ids.clone(),
        };
        let mut diff = SourceDiff {
            from: a,
            to: b,
            added: Vec::new(),
            removed: Vec::new(),
            changed: Vec::new(),
        };
        for (id, v) in &vb.subjects {
            match va.subjects.get(id) {
                None => diff.added.push(entity(id, v)),
                Some(old) if old.statements != v.statements => diff.changed.push(DiffChange {
                    entity: entity(id, v),
                    added: v.statements.difference(&old.statements).cloned().collect(),
                    removed: old.statements.difference(&v.statements).cloned().collect(),
                }),
                Some(_) => {}
            }
        }
        for (id, v) in &va.subjects {
            if !vb.subjects.contains_key(id) {
                diff.removed.push(entity(id, v));
            }
        }
        Ok(diff)
    }
}
