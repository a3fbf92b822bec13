//! STIX objects as TAXII serves them: kept per source version as JSON text, grouped into
//! collections (one per dataset, one for documents, one for submissions, one per TLP
//! level), paged by a cursor into the source and row order so that every page costs the
//! same however deep into a collection it lies.

use std::collections::HashSet;

use dossier_ingest::StixObjectText;
use dossier_model::{deterministic_uuid, Tlp};
use rusqlite::{params_from_iter, types::Value as SqlValue, OptionalExtension};
use serde::Serialize;

use crate::import::load_sources;
use crate::statements::visible_sources;
use crate::{ReadFilter, Store, StoreError};

/// Datasets under these prefixes are served together, one collection each.
const DOCUMENTS: &str = "document/";
/// Objects added over TAXII: each envelope is a source of its own.
pub const SUBMISSIONS: &str = "submission/";

/// Which objects a collection holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The newest version of one dataset.
    Dataset(String),
    /// Every document read (accepted findings).
    Documents,
    /// Every envelope added over TAXII.
    Submissions,
    /// Every object marked with exactly this level, whatever its dataset.
    Marking(Tlp),
}

impl Scope {
    fn key(&self) -> String {
        match self {
            Scope::Dataset(d) => format!("dataset:{d}"),
            Scope::Documents => "documents".to_owned(),
            Scope::Submissions => "submissions".to_owned(),
            Scope::Marking(t) => format!("marking:{}", t.as_str()),
        }
    }

    fn holds(&self, dataset: &str) -> bool {
        match self {
            Scope::Dataset(d) => d == dataset,
            Scope::Documents => dataset.starts_with(DOCUMENTS),
            Scope::Submissions => dataset.starts_with(SUBMISSIONS),
            Scope::Marking(_) => true,
        }
    }
}

/// A TAXII collection.
#[derive(Debug, Clone, Serialize)]
pub struct Collection {
    pub id: String,
    pub title: String,
    pub description: String,
    #[serde(skip)]
    pub scope: Scope,
}

/// Which versions of an object to return (TAXII `match[version]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionMatch {
    pub first: bool,
    pub last: bool,
    pub all: bool,
    pub exact: Vec<String>,
}

impl VersionMatch {
    /// TAXII's default: the newest version only.
    pub fn last() -> Self {
        VersionMatch {
            last: true,
            ..Default::default()
        }
    }

    /// Parses a comma-separated `match[version]` value.
    pub fn parse(text: &str) -> Self {
        let mut m = VersionMatch::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "first" => m.first = true,
                "last" => m.last = true,
                "all" => m.all = true,
                v => m.exact.push(v.to_owned()),
            }
        }
        m
    }
}

/// Filters and position of one page.
#[derive(Debug, Clone)]
pub struct StixQuery {
    pub added_after: Option<String>,
    pub types: Vec<String>,
    pub ids: Vec<String>,
    pub versions: VersionMatch,
    pub spec_versions: Vec<String>,
    pub limit: usize,
    /// The cursor of the previous page (`next`).
    pub next: Option<String>,
}

impl Default for StixQuery {
    fn default() -> Self {
        StixQuery {
            added_after: None,
            types: Vec::new(),
            ids: Vec::new(),
            versions: VersionMatch::last(),
            spec_versions: Vec::new(),
            limit: 1000,
            next: None,
        }
    }
}

/// One stored object.
#[derive(Debug, Clone)]
pub struct StoredObject {
    pub id: String,
    pub version: String,
    pub added: String,
    pub json: String,
}

/// A page of objects.
#[derive(Debug, Clone, Default)]
pub struct StixPage {
    pub objects: Vec<StoredObject>,
    pub more: bool,
    pub next: Option<String>,
}

/// A cursor that is not one this server gave.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("next {0:?} is not a cursor this server returned")]
pub struct BadCursor(pub String);

fn parse_cursor(text: &str) -> Result<(i64, i64), BadCursor> {
    let bad = || BadCursor(text.to_owned());
    let (s, n) = text.split_once('.').ok_or_else(bad)?;
    Ok((s.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?))
}

/// RFC 3339 times as stored for `date_added`: UTC with six fractional digits, so that
/// text order is time order.
pub fn normalise_timestamp(text: &str) -> Option<String> {
    let (date, rest) = text.split_once('T')?;
    if date.len() != 10 {
        return None;
    }
    let rest = rest
        .strip_suffix('Z')
        .or_else(|| rest.strip_suffix("+00:00"))?;
    let (hms, frac) = rest.split_once('.').unwrap_or((rest, ""));
    if hms.len() != 8 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut micros: String = frac.chars().take(6).collect();
    while micros.len() < 6 {
        micros.push('0');
    }
    Some(format!("{date}T{hms}.{micros}Z"))
}

/// Writes the STIX objects of a source version.
pub(crate) fn insert_objects(
    tx: &rusqlite::Connection,
    source: i64,
    objects: &[StixObjectText],
    added: &str,
) -> Result<(), StoreError> {
    let added = normalise_timestamp(added).unwrap_or_else(|| added.to_owned());
    let mut stmt = tx.prepare_cached(
        "INSERT INTO stix_object (source, id, type, version, added, marking, json) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for o in objects {
        stmt.execute(rusqlite::params![
            source,
            o.id,
            o.ty,
            o.version,
            added,
            o.marking.rank(),
            o.json
        ])?;
    }
    Ok(())
}

impl Store {
    /// The collections a reader cleared for `clearance` may see. A dataset is listed when
    /// its newest version is visible whole (see [`Store::sources`]) and holds objects.
    pub fn collections(&self, clearance: Tlp) -> Result<Vec<Collection>, StoreError> {
        let with_objects: HashSet<i64> = {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT DISTINCT source FROM stix_object")?;
            let rows = stmt.query_map([], |r| r.get::<_, i64>(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let current = self.current_sources(clearance)?;
        let mut out = Vec::new();
        let mut documents = false;
        for (num, dataset, title) in &current {
            if !with_objects.contains(num) {
                continue;
            }
            if dataset.starts_with(DOCUMENTS) {
                documents = true;
            } else if !dataset.starts_with(SUBMISSIONS) {
                out.push(collection(
                    Scope::Dataset(dataset.clone()),
                    title.clone(),
                    format!("The newest version of the dataset {dataset}."),
                ));
            }
        }
        out.sort_by(|a, b| a.title.cmp(&b.title));
        if documents {
            out.push(collection(
                Scope::Documents,
                "Documents".to_owned(),
                "What analysts accepted from the documents read.".to_owned(),
            ));
        }
        // Submissions are where objects are added: listed even while empty.
        out.push(collection(
            Scope::Submissions,
            "Submissions".to_owned(),
            "STIX objects added over TAXII, one source per envelope.".to_owned(),
        ));
        for level in [
            Tlp::Clear,
            Tlp::Green,
            Tlp::Amber,
            Tlp::AmberStrict,
            Tlp::Red,
        ] {
            if level.visible_to(clearance) {
                out.push(collection(
                    Scope::Marking(level),
                    level.to_string(),
                    format!("Every object marked {level}, whatever its dataset."),
                ));
            }
        }
        Ok(out)
    }

    /// The collection with this id, if the reader may see it.
    pub fn collection(&self, id: &str, clearance: Tlp) -> Result<Option<Collection>, StoreError> {
        Ok(self
            .collections(clearance)?
            .into_iter()
            .find(|c| c.id == id))
    }

    /// The newest version of each dataset that a reader may see whole: (num, dataset,
    /// title), in source order.
    fn current_sources(&self, clearance: Tlp) -> Result<Vec<(i64, String, String)>, StoreError> {
        let all = load_sources(&self.conn)?;
        let newest = visible_sources(&all, &ReadFilter::default());
        let visible: HashSet<i64> = self.sources(clearance)?.iter().map(|s| s.num).collect();
        Ok(all
            .into_iter()
            .filter(|s| newest.contains(&s.num) && visible.contains(&s.num))
            .map(|s| (s.num, s.dataset, s.title))
            .collect())
    }

    /// One page of a collection's objects.
    pub fn stix_objects(
        &self,
        collection: &Collection,
        clearance: Tlp,
        query: &StixQuery,
    ) -> Result<Result<StixPage, BadCursor>, StoreError> {
        let cursor = match query.next.as_deref().map(parse_cursor).transpose() {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        let sources: Vec<i64> = self
            .current_sources(clearance)?
            .into_iter()
            .filter(|(_, dataset, _)| collection.scope.holds(dataset))
            .map(|(num, _, _)| num)
            .collect();
        let (lo, hi) = match collection.scope {
            Scope::Marking(t) => (t.rank(), t.rank()),
            _ => (Tlp::Clear.rank(), clearance.rank()),
        };
        let spec_ok =
            query.spec_versions.is_empty() || query.spec_versions.iter().any(|v| v == "2.1");
        let limit = query.limit.max(1);
        let mut page = StixPage::default();
        if !spec_ok || sources.is_empty() {
            return Ok(Ok(page));
        }
        let set = sources
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        // Conditions shared by every source's query; `?1` is the source, `?2` the row
        // after which to start, `?3` and `?4` the marking bounds.
        // The walk follows an index in row order, so a page stops after `limit` rows
        // (no sort of the rest): by marking where one level is asked for, else in
        // sequence with the clearance as a filter.
        let walk = if !query.ids.is_empty() {
            "stix_object_id"
        } else if lo == hi {
            "stix_object_marking"
        } else {
            "stix_object_seq"
        };
        let mut sql = format!(
            "SELECT o.num, o.id, o.version, o.added, o.json FROM stix_object o INDEXED BY {walk} \
             WHERE o.source = ?1 AND o.marking BETWEEN ?3 AND ?4 AND o.num > ?2"
        );
        let mut args: Vec<SqlValue> = Vec::new();
        let arg = |v: SqlValue, args: &mut Vec<SqlValue>| {
            args.push(v);
            format!("?{}", args.len() + 5)
        };
        if let Some(after) = &query.added_after {
            let after = normalise_timestamp(after).unwrap_or_else(|| after.clone());
            let p = arg(SqlValue::Text(after), &mut args);
            sql.push_str(&format!(" AND o.added > {p}"));
        }
        for (column, values) in [("type", &query.types), ("id", &query.ids)] {
            if !values.is_empty() {
                let ps: Vec<String> = values
                    .iter()
                    .map(|v| arg(SqlValue::Text(v.clone()), &mut args))
                    .collect();
                sql.push_str(&format!(" AND o.{column} IN ({})", ps.join(",")));
            }
        }
        let v = &query.versions;
        if !v.all {
            let newer = |cmp: &str| {
                format!(
                    "NOT EXISTS (SELECT 1 FROM stix_object p INDEXED BY stix_object_id \
                     WHERE p.id = o.id AND p.source IN ({set}) \
                     AND p.marking BETWEEN ?3 AND ?4 AND (p.version {cmp} o.version \
                     OR (p.version = o.version AND p.num {cmp} o.num)))"
                )
            };
            let mut alternatives = Vec::new();
            if v.last {
                alternatives.push(newer(">"));
            }
            if v.first {
                alternatives.push(newer("<"));
            }
            if !v.exact.is_empty() {
                let ps: Vec<String> = v
                    .exact
                    .iter()
                    .map(|x| arg(SqlValue::Text(x.clone()), &mut args))
                    .collect();
                alternatives.push(format!("o.version IN ({})", ps.join(",")));
            }
            if alternatives.is_empty() {
                alternatives.push(newer(">"));
            }
            sql.push_str(&format!(" AND ({})", alternatives.join(" OR ")));
        }
        sql.push_str(" ORDER BY o.num LIMIT ?5");
        let mut stmt = self.conn.prepare_cached(&sql)?;
        for &source in &sources {
            let after_row = match cursor {
                Some((s, _)) if source < s => continue,
                Some((s, n)) if source == s => n,
                _ => 0,
            };
            let want = limit + 1 - page.objects.len();
            let mut values: Vec<SqlValue> = vec![
                SqlValue::Integer(source),
                SqlValue::Integer(after_row),
                SqlValue::Integer(i64::from(lo)),
                SqlValue::Integer(i64::from(hi)),
                SqlValue::Integer(want as i64),
            ];
            values.extend(args.iter().cloned());
            let mut rows = stmt.query(params_from_iter(values))?;
            while let Some(row) = rows.next()? {
                if page.objects.len() == limit {
                    page.more = true;
                    break;
                }
                let num: i64 = row.get(0)?;
                page.objects.push(StoredObject {
                    id: row.get(1)?,
                    version: row.get(2)?,
                    added: row.get(3)?,
                    json: row.get(4)?,
                });
                page.next = Some(format!("{source}.{num}"));
            }
            if page.more {
                break;
            }
        }
        if !page.more {
            page.next = None;
        }
        Ok(Ok(page))
    }

    /// Records a TAXII status resource (JSON body) for later `GET …/status/{id}/`.
    pub fn save_taxii_status(
        &mut self,
        id: &str,
        token: &str,
        at: &str,
        body: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR REPLACE INTO taxii_status (id, token, at, body) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![id, token, at, body],
        )?;
        Ok(())
    }

    /// A status resource, for the token that created it only.
    pub fn taxii_status(&self, id: &str, token: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT body FROM taxii_status WHERE id = ?1 AND token = ?2",
                [id, token],
                |r| r.get(0),
            )
            .optional()?)
    }
}

fn collection(scope: Scope, title: String, description: String) -> Collection {
    Collection {
        id: deterministic_uuid(&format!("taxii-collection:{}", scope.key())).to_string(),
        title,
        description,
        scope,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_normalise_to_microseconds() {
        assert_eq!(
            normalise_timestamp("2024-01-02T03:04:05Z").as_deref(),
            Some("2024-01-02T03:04:05.000000Z")
        );
        assert_eq!(
            normalise_timestamp("2024-01-02T03:04:05.123456789Z").as_deref(),
            Some("2024-01-02T03:04:05.123456Z")
        );
        assert_eq!(normalise_timestamp("2024-01-02"), None);
        assert_eq!(normalise_timestamp("2024-01-02T03:04:05+02:00"), None);
    }

    #[test]
    fn versions_parse() {
        let v = VersionMatch::parse("first,last");
        assert!(v.first && v.last && !v.all);
        let v = VersionMatch::parse("2024-01-01T00:00:00.000Z");
        assert_eq!(v.exact, ["2024-01-01T00:00:00.000Z"]);
    }

    #[test]
    fn cursors_refuse_what_was_not_given() {
        assert_eq!(parse_cursor("3.17"), Ok((3, 17)));
        assert!(parse_cursor("abc").is_err());
        assert!(parse_cursor("3.x").is_err());
    }
}
