//! Reading statements back: rows to values, which sources are visible, as-of filtering.

use std::collections::{BTreeMap, HashSet};

use dossier_model::{
    Confidence, EntityId, Object, PartialDate, Predicate, SourceId, Stance, Statement, Tlp, Value,
};
use rusqlite::{Connection, Row};

use crate::import::SourceRecord;
use crate::{ReadFilter, StoreError};

/// A statement as stored, with the internal number of its source.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub statement: Statement,
    pub source_num: i64,
}

pub(crate) const SELECT: &str = "SELECT se.id, s.predicate, oe.id, s.value_kind, s.value_scheme, s.value, \
     s.stance, src.id, ie.id, s.valid_from, s.valid_to, s.stated_at, s.confidence, s.marking, s.note, s.source \
     FROM statement s JOIN entity se ON se.num = s.subject \
     LEFT JOIN entity oe ON oe.num = s.object_entity \
     LEFT JOIN entity ie ON ie.num = s.issuer \
     JOIN source src ON src.num = s.source";

fn corrupt(what: &'static str, value: impl Into<String>) -> StoreError {
    StoreError::Corrupt {
        what,
        value: value.into(),
    }
}

fn entity(value: Option<String>, what: &'static str) -> Result<Option<EntityId>, StoreError> {
    value
        .map(|v| EntityId::parse(&v).map_err(|_| corrupt(what, v)))
        .transpose()
}

fn date(value: Option<String>, what: &'static str) -> Result<Option<PartialDate>, StoreError> {
    value
        .map(|v| PartialDate::parse(&v).map_err(|_| corrupt(what, v)))
        .transpose()
}

/// Converts one row of [`SELECT`].
pub(crate) fn from_row(row: &Row<'_>) -> Result<Stored, StoreError> {
    let subject = entity(row.get(0)?, "statement.subject")?
        .ok_or_else(|| corrupt("statement.subject", ""))?;
    let predicate: String = row.get(1)?;
    let predicate =
        Predicate::parse(&predicate).map_err(|_| corrupt("statement.predicate", predicate))?;
    let object = match entity(row.get(2)?, "statement.object_entity")? {
        Some(e) => Object::Entity(e),
        None => {
            let kind: Option<String> = row.get(3)?;
            let scheme: Option<String> = row.get(4)?;
            let value: String = row.get::<_, Option<String>>(5)?.unwrap_or_default();
            Object::Value(match kind.as_deref() {
                Some("text") => Value::Text { text: value },
                Some("date") => Value::Date {
                    date: PartialDate::parse(&value)
                        .map_err(|_| corrupt("statement.value", value))?,
                },
                Some("identifier") => Value::Identifier {
                    scheme: scheme.unwrap_or_default(),
                    value,
                },
                other => return Err(corrupt("statement.value_kind", other.unwrap_or(""))),
            })
        }
    };
    let stance = match row.get::<_, String>(6)?.as_str() {
        "asserts" => Stance::Asserts,
        "denies" => Stance::Denies,
        other => return Err(corrupt("statement.stance", other)),
    };
    let source: String = row.get(7)?;
    let source = SourceId::parse(&source).ok_or_else(|| corrupt("source.id", source))?;
    let confidence = row
        .get::<_, Option<i64>>(12)?
        .map(|c| Confidence::new(c).map_err(|_| corrupt("statement.confidence", c.to_string())))
        .transpose()?;
    let marking: i64 = row.get(13)?;
    let marking = u8::try_from(marking)
        .ok()
        .and_then(Tlp::from_rank)
        .ok_or_else(|| corrupt("statement.marking", marking.to_string()))?;
    Ok(Stored {
        statement: Statement {
            subject,
            predicate,
            object,
            stance,
            source,
            issuer: entity(row.get(8)?, "statement.issuer")?,
            valid_from: date(row.get(9)?, "statement.valid_from")?,
            valid_to: date(row.get(10)?, "statement.valid_to")?,
            stated_at: date(row.get(11)?, "statement.stated_at")?,
            confidence,
            marking,
            note: row.get(14)?,
        },
        source_num: row.get(15)?,
    })
}

/// Runs a [`SELECT`] with a WHERE clause and converts every row.
pub(crate) fn query(
    conn: &Connection,
    where_clause: &str,
    params: impl rusqlite::Params,
) -> Result<Vec<Stored>, StoreError> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE {where_clause}"))?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(from_row(row)?);
    }
    Ok(out)
}

/// The sources a reader sees: per dataset the newest version (by publication date, then
/// import order). With an as-of date, the newest version published by then; where every
/// version we hold is younger, the oldest one, whose statements' own dates then decide.
pub(crate) fn visible_sources(sources: &[SourceRecord], filter: &ReadFilter) -> HashSet<i64> {
    let mut newest: BTreeMap<&str, &SourceRecord> = BTreeMap::new();
    let mut oldest: BTreeMap<&str, &SourceRecord> = BTreeMap::new();
    // Newest by publication date (a source that gives none counts as published when it
    // was imported), then by numeric version (MISP galaxies), then by import order.
    let key = |s: &SourceRecord| {
        let published = s
            .published
            .or_else(|| PartialDate::from_timestamp(&s.imported_at).ok());
        (
            published,
            s.version.as_deref().and_then(|v| v.parse::<u64>().ok()),
            s.num,
        )
    };
    for s in sources {
        let order = key(s);
        if oldest
            .get(s.dataset.as_str())
            .is_none_or(|cur| order < key(cur))
        {
            oldest.insert(&s.dataset, s);
        }
        if let (Some(as_of), Some(published)) = (filter.as_of, key(s).0) {
            if published.earliest() > as_of.latest() {
                continue;
            }
        }
        if newest
            .get(s.dataset.as_str())
            .is_none_or(|cur| order > key(cur))
        {
            newest.insert(&s.dataset, s);
        }
    }
    for (dataset, s) in oldest {
        newest.entry(dataset).or_insert(s);
    }
    newest.values().map(|s| s.num).collect()
}

/// A pair of entities in a fixed order, for symmetric relations such as `same_as`.
pub(crate) fn ordered_pair(a: &EntityId, b: &EntityId) -> (EntityId, EntityId) {
    if a <= b {
        (a.clone(), b.clone())
    } else {
        (b.clone(), a.clone())
    }
}

/// The pairs an analyst has kept apart: for each pair, the latest manual `same_as`
/// statement decides.
pub(crate) fn denied_pairs(
    rows: &[Stored],
    sources: &[SourceRecord],
) -> HashSet<(EntityId, EntityId)> {
    let manual: HashSet<i64> = sources
        .iter()
        .filter(|s| s.kind == "manual")
        .map(|s| s.num)
        .collect();
    let mut latest: BTreeMap<(EntityId, EntityId), (Option<PartialDate>, i64, Stance)> =
        BTreeMap::new();
    for r in rows {
        let st = &r.statement;
        let Object::Entity(o) = &st.object else {
            continue;
        };
        if st.predicate != Predicate::SAME_AS || !manual.contains(&r.source_num) {
            continue;
        }
        let pair = ordered_pair(&st.subject, o);
        let candidate = (st.stated_at, r.source_num, st.stance);
        if latest
            .get(&pair)
            .is_none_or(|cur| (cur.0, cur.1) < (candidate.0, candidate.1))
        {
            latest.insert(pair, candidate);
        }
    }
    latest
        .into_iter()
        .filter(|(_, v)| v.2 == Stance::Denies)
        .map(|(k, _)| k)
        .collect()
}

/// Whether a statement was made, and held, on the filter's as-of date, and may be shown
/// to the reader.
pub(crate) fn visible(s: &Stored, sources: &HashSet<i64>, filter: &ReadFilter) -> bool {
    if !sources.contains(&s.source_num) || !s.statement.marking.visible_to(filter.clearance) {
        return false;
    }
    let Some(as_of) = filter.as_of else {
        return true;
    };
    let day = as_of.latest();
    let st = &s.statement;
    // Undated statements cannot be shown to have been made by then.
    st.stated_at.is_some_and(|d| d.earliest() <= day)
        && st.valid_from.is_none_or(|d| d.earliest() <= day)
        && st.valid_to.is_none_or(|d| d.latest() >= as_of.earliest())
}
