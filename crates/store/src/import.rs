use dossier_ingest::Batch;
use dossier_model::{
    name_key, ContentHash, EntityId, Object, PartialDate, Predicate, Source, SourceKind, Stance,
    Statement, Tlp, Value,
};
use rayon::prelude::*;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use crate::resolve::{self, Resolution};
use crate::{Store, StoreError};

/// One imported source version as the store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRecord {
    #[serde(skip)]
    pub(crate) num: i64,
    pub id: String,
    pub kind: String,
    pub dataset: String,
    pub title: String,
    pub publisher: Option<String>,
    pub version: Option<String>,
    pub published: Option<PartialDate>,
    pub file_name: Option<String>,
    pub content_hash: String,
    pub imported_at: String,
    pub received: u64,
    pub accepted: u64,
    pub rejected: u64,
    pub duplicate: u64,
    pub ignored: u64,
    pub statements: u64,
    /// The reader's diagnostics, as JSON objects.
    pub diagnostics: serde_json::Value,
}

/// What an import did.
#[derive(Debug, Clone, Serialize)]
pub struct ImportOutcome {
    pub source: SourceRecord,
    /// The same content was imported before; nothing changed.
    pub already_present: bool,
    /// The alias resolver's result after the import (`None` when the import could not
    /// change any link, so the resolver did not run).
    pub resolution: Option<Resolution>,
}

const SOURCE_COLUMNS: &str = "num, id, kind, dataset, title, publisher, version, published, file_name, \
     content_hash, imported_at, received, accepted, rejected, duplicate, ignored, statements, diagnostics";

fn source_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(SourceRecord, Option<String>)> {
    let get_u = |i: usize| row.get::<_, i64>(i).map(|v| v.max(0) as u64);
    let published: Option<String> = row.get(7)?;
    let diagnostics: String = row.get(17)?;
    Ok((
        SourceRecord {
            num: row.get(0)?,
            id: row.get(1)?,
            kind: row.get(2)?,
            dataset: row.get(3)?,
            title: row.get(4)?,
            publisher: row.get(5)?,
            version: row.get(6)?,
            published: published
                .as_deref()
                .and_then(|p| PartialDate::parse(p).ok()),
            file_name: row.get(8)?,
            content_hash: row.get(9)?,
            imported_at: row.get(10)?,
            received: get_u(11)?,
            accepted: get_u(12)?,
            rejected: get_u(13)?,
            duplicate: get_u(14)?,
            ignored: get_u(15)?,
            statements: get_u(16)?,
            diagnostics: serde_json::from_str(&diagnostics).unwrap_or(serde_json::Value::Null),
        },
        published,
    ))
}

/// The source record with this number.
pub(crate) fn source_by_num(conn: &Connection, num: i64) -> Result<SourceRecord, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {SOURCE_COLUMNS} FROM source WHERE num = ?1"),
            [num],
            source_from_row,
        )?
        .0)
}

/// The source record with this id, if imported.
pub(crate) fn source_by_id(
    conn: &Connection,
    id: &str,
) -> Result<Option<SourceRecord>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {SOURCE_COLUMNS} FROM source WHERE id = ?1"),
            [id],
            source_from_row,
        )
        .optional()?
        .map(|(record, _)| record))
}

pub(crate) fn load_sources(conn: &Connection) -> Result<Vec<SourceRecord>, StoreError> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {SOURCE_COLUMNS} FROM source ORDER BY num"))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let (record, published) = source_from_row(row)?;
        if let (Some(p), None) = (published, record.published) {
            return Err(StoreError::Corrupt {
                what: "source.published",
                value: p,
            });
        }
        out.push(record);
    }
    Ok(out)
}

/// Writes statements into an open transaction, interning entity ids. The two inserts it
/// runs for every statement are prepared once per writer.
pub(crate) struct Writer<'t> {
    tx: &'t Connection,
    entities: rustc_hash::FxHashMap<String, i64>,
    insert_entity: rusqlite::CachedStatement<'t>,
    find_entity: rusqlite::CachedStatement<'t>,
    insert_statement: rusqlite::CachedStatement<'t>,
}

impl<'t> Writer<'t> {
    pub fn new(tx: &'t Connection) -> Result<Self, StoreError> {
        Ok(Writer {
            tx,
            entities: rustc_hash::FxHashMap::default(),
            // A plain insert and, for an entity already there, a lookup: an upsert
            // returning the number cost more for the many new ones.
            insert_entity: tx.prepare_cached("INSERT OR IGNORE INTO entity(id) VALUES (?1)")?,
            find_entity: tx.prepare_cached("SELECT num FROM entity WHERE id = ?1")?,
            insert_statement: tx.prepare_cached(
                "INSERT INTO statement (id, subject, predicate, object_entity, value_kind, value_scheme, value, \
                 name_key, stance, source, issuer, valid_from, valid_to, stated_at, confidence, marking, note) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            )?,
        })
    }

    fn entity(&mut self, id: &EntityId) -> Result<i64, StoreError> {
        if let Some(&num) = self.entities.get(id.as_str()) {
            return Ok(num);
        }
        let num: i64 = if self.insert_entity.execute([id.as_str()])? == 1 {
            self.tx.last_insert_rowid()
        } else {
            self.find_entity.query_row([id.as_str()], |r| r.get(0))?
        };
        self.entities.insert(id.as_str().to_owned(), num);
        Ok(num)
    }

    pub fn source(
        &mut self,
        source: &Source,
        counts: [u64; 6],
        diagnostics: &str,
        imported_at: &str,
    ) -> Result<i64, StoreError> {
        let to_i = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        self.tx.execute(
            "INSERT INTO source (id, kind, dataset, title, publisher, version, published, file_name, content_hash, \
             imported_at, received, accepted, rejected, duplicate, ignored, statements, diagnostics) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            params![
                source.id.as_str(),
                source.kind.as_str(),
                source.dataset,
                source.title,
                source.publisher,
                source.version,
                source.published.map(|p| p.to_string()),
                source.file_name,
                source.content_hash.as_str(),
                imported_at,
                to_i(counts[0]),
                to_i(counts[1]),
                to_i(counts[2]),
                to_i(counts[3]),
                to_i(counts[4]),
                to_i(counts[5]),
                diagnostics,
            ],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    pub fn statement(&mut self, s: &Statement, source_num: i64) -> Result<(), StoreError> {
        self.statement_with(s, &RowText::of(s), source_num)
    }

    /// Writes a statement whose row texts were worked out beforehand.
    pub fn statement_with(
        &mut self,
        s: &Statement,
        text: &RowText,
        source_num: i64,
    ) -> Result<(), StoreError> {
        let subject = self.entity(&s.subject)?;
        let issuer = s.issuer.as_ref().map(|i| self.entity(i)).transpose()?;
        let key = text.key.as_deref();
        let (object_entity, kind, scheme, value) = match &s.object {
            Object::Entity(e) => (Some(self.entity(e)?), None, None, None),
            Object::Value(v) => match v {
                Value::Text { text } => (None, Some("text"), None, Some(text.as_str())),
                Value::Date { .. } => (None, Some("date"), None, text.date.as_deref()),
                Value::Identifier { scheme, value } => (
                    None,
                    Some("identifier"),
                    Some(scheme.as_str()),
                    Some(value.as_str()),
                ),
            },
        };
        self.insert_statement.execute(params![
            text.id,
            subject,
            s.predicate.as_str(),
            object_entity,
            kind,
            scheme,
            value,
            key,
            s.stance.as_str(),
            source_num,
            issuer,
            text.valid_from,
            text.valid_to,
            text.stated_at,
            s.confidence.map(|c| c.get()),
            s.marking.rank(),
            s.note,
        ])?;
        Ok(())
    }
}

/// What a statement's row holds that is worked out from the statement alone: its id, the
/// key its name is found by, its dates as text.
pub(crate) struct RowText {
    id: String,
    key: Option<String>,
    /// The object, when it is a date.
    date: Option<String>,
    valid_from: Option<String>,
    valid_to: Option<String>,
    stated_at: Option<String>,
}

impl RowText {
    pub(crate) fn of(s: &Statement) -> Self {
        let date = |d: Option<PartialDate>| d.map(|d| d.to_string());
        let (key, object_date) = match &s.object {
            Object::Entity(_) => (None, None),
            Object::Value(v) => (
                (s.predicate.is_name() || s.predicate == Predicate::EXTERNAL_ID)
                    .then(|| name_key(&v.lexical()))
                    .filter(|k| !k.is_empty()),
                match v {
                    Value::Date { date } => Some(date.to_string()),
                    _ => None,
                },
            ),
        };
        RowText {
            id: s.id().0,
            key,
            date: object_date,
            valid_from: date(s.valid_from),
            valid_to: date(s.valid_to),
            stated_at: date(s.stated_at),
        }
    }
}

/// A batch with its statements' row texts worked out beforehand ([`RowText`]: ids, name
/// keys, dates). That needs no store: done on the thread that read the batch, on every
/// core, it leaves the one thread that writes only writing.
#[derive(Debug)]
pub struct Prepared {
    batch: Batch,
    rows: Vec<RowText>,
}

impl std::fmt::Debug for RowText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.id)
    }
}

impl Prepared {
    pub fn new(batch: Batch) -> Self {
        let rows = batch.statements.par_iter().map(RowText::of).collect();
        Prepared { batch, rows }
    }

    pub fn batch(&self) -> &Batch {
        &self.batch
    }

    pub fn into_batch(self) -> Batch {
        self.batch
    }
}

/// Several source versions imported in one transaction, with the alias resolver run once
/// at the end over all of them rather than after each. Nothing is committed before
/// [`BulkImport::finish`]: dropped unfinished, or stopped by a crash, it leaves the store
/// as it was. A version that fails to write (a full disk, a lock never released) fails
/// the whole import, which then writes nothing: SQLite's savepoints, which could roll
/// back one version alone, made a large import four times slower. Inputs that cannot be
/// read never reach the store and fail nothing.
///
/// When no other connection has the store open, the import takes it out of write-ahead
/// logging until it ends and writes through a rollback journal instead: every new page
/// is then written (and synced) once, into the database file, rather than into the log
/// first and copied at the checkpoint (loading the bundled data: commit 60 ms instead of
/// 140). A connection that opens the store meanwhile waits for the import to end
/// ([`Store::open`]); a store that other connections hold open (a running server) is
/// imported into through its log as usual, and so is every
/// [`Store::bulk_import_through_log`].
pub struct BulkImport<'s> {
    conn: &'s Connection,
    /// The import took the store out of write-ahead logging, to put back at the end.
    left_wal: bool,
    /// Always there until `finish` or drop take it.
    tx: Option<Transaction<'s>>,
    imported_at: String,
    /// Some version imported could change a link: the resolver runs at the end.
    resolve: bool,
    /// A version failed to write: the import can only be abandoned.
    failed: Option<String>,
}

impl std::fmt::Debug for BulkImport<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BulkImport")
            .field("imported_at", &self.imported_at)
            .field("resolve", &self.resolve)
            .field("failed", &self.failed)
            .finish()
    }
}

impl BulkImport<'_> {
    /// Imports one source version (nothing when the same content is already there);
    /// `progress(written, total)` is called as statements are written. After an error,
    /// nothing of the whole import will be written.
    pub fn import(
        &mut self,
        batch: &Batch,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ImportOutcome, StoreError> {
        let rows: Vec<RowText> = batch.statements.iter().map(RowText::of).collect();
        self.write(batch, &rows, progress)
    }

    /// [`BulkImport::import`] of a batch prepared beforehand.
    pub fn import_prepared(
        &mut self,
        prepared: &Prepared,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ImportOutcome, StoreError> {
        self.write(&prepared.batch, &prepared.rows, progress)
    }

    fn write(
        &mut self,
        batch: &Batch,
        rows: &[RowText],
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ImportOutcome, StoreError> {
        if let Some(first) = &self.failed {
            return Err(StoreError::Abandoned(first.clone()));
        }
        match write_version(self.conn, batch, rows, &self.imported_at, progress) {
            Ok((outcome, affects_links)) => {
                self.resolve |= affects_links;
                Ok(outcome)
            }
            Err(e) => {
                self.failed = Some(format!("{}: {e}", batch.source.title));
                Err(e)
            }
        }
    }

    /// Runs the resolver when anything imported could change a link, and commits.
    pub fn finish(mut self) -> Result<Option<Resolution>, StoreError> {
        if let Some(first) = self.failed.take() {
            // Dropping rolls everything back.
            return Err(StoreError::Abandoned(first));
        }
        let tx = self.tx.take().ok_or(StoreError::Corrupt {
            what: "bulk import",
            value: "finished twice".to_owned(),
        })?;
        let resolution = if self.resolve {
            Some(resolve::run(&tx, &self.imported_at)?)
        } else {
            None
        };
        tx.commit()?;
        Ok(resolution)
    }
}

impl Drop for BulkImport<'_> {
    fn drop(&mut self) {
        // An unfinished import rolls back.
        drop(self.tx.take());
        // Nothing to report to: a connection left without enforcement would only skip
        // checks this code's own writes do not need, and a store left out of
        // write-ahead logging is put back by the next `Store::open`.
        let _ = self.conn.pragma_update(None, "foreign_keys", true);
        if self.left_wal {
            back_to_wal(self.conn);
        }
    }
}

/// Takes the store out of write-ahead logging when no other connection has it open
/// (SQLite refuses at once otherwise). Answers whether it did.
fn leave_wal(conn: &Connection) -> Result<bool, StoreError> {
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Ok(false);
    }
    match conn.query_row("PRAGMA journal_mode = DELETE", [], |r| {
        r.get::<_, String>(0)
    }) {
        Ok(mode) if mode.eq_ignore_ascii_case("delete") => {
            // With a rollback journal, only FULL syncs are safe from a power cut at the
            // wrong moment; the journal of an import into new pages is small.
            if let Err(e) = conn.pragma_update(None, "synchronous", "FULL") {
                back_to_wal(conn);
                return Err(e.into());
            }
            Ok(true)
        }
        Ok(_) => Ok(false),
        Err(e) if crate::is_busy(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Puts the store back in write-ahead logging after [`leave_wal`]. Best effort: a store
/// left in a rollback journal is put back by the next [`Store::open`].
fn back_to_wal(conn: &Connection) {
    let _ = conn.pragma_update(None, "journal_mode", "WAL");
    let _ = conn.pragma_update(None, "synchronous", "NORMAL");
}

/// Writes one source version: its source record, statements and STIX objects. Returns the
/// outcome and whether the version could change the resolver's links.
fn write_version(
    conn: &Connection,
    batch: &Batch,
    rows: &[RowText],
    imported_at: &str,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(ImportOutcome, bool), StoreError> {
    if let Some(source) = source_by_id(conn, batch.source.id.as_str())? {
        return Ok((
            ImportOutcome {
                source,
                already_present: true,
                resolution: None,
            },
            false,
        ));
    }
    let r = &batch.report;
    let diagnostics = serde_json::to_string(&r.diagnostics).unwrap_or_else(|_| "[]".to_owned());
    let mut writer = Writer::new(conn)?;
    let counts = [
        r.received,
        r.accepted,
        r.rejected,
        r.duplicate,
        r.ignored,
        batch.statements.len() as u64,
    ];
    let num = writer.source(&batch.source, counts, &diagnostics, imported_at)?;
    let total = batch.statements.len() as u64;
    for (i, (s, text)) in batch.statements.iter().zip(rows).enumerate() {
        writer.statement_with(s, text, num)?;
        if i % 4096 == 0 {
            progress(i as u64, total);
        }
    }
    progress(total, total);
    drop(writer);
    if batch.stix.is_empty() {
        let origin = crate::stix_out::Origin::of(&batch.source);
        let made = crate::stix_out::objects(conn, &origin, &batch.statements, imported_at)?;
        crate::taxii::insert_objects(conn, num, &made, imported_at)?;
    } else {
        crate::taxii::insert_objects(conn, num, &batch.stix, imported_at)?;
    }
    let affects_links = resolve::affected_by(conn, batch)?;
    let source = source_by_num(conn, num)?;
    Ok((
        ImportOutcome {
            source,
            already_present: false,
            resolution: None,
        },
        affects_links,
    ))
}

impl Store {
    /// Imports one source version in one transaction, then re-runs the alias resolver in
    /// the same transaction. Importing content already present changes nothing.
    ///
    /// `imported_at` is the caller's clock (RFC 3339).
    pub fn import(
        &mut self,
        batch: &Batch,
        imported_at: &str,
    ) -> Result<ImportOutcome, StoreError> {
        self.import_with_progress(batch, imported_at, &mut |_, _| {})
    }

    /// [`Store::import`], calling `progress(written, total)` as statements are written.
    pub fn import_with_progress(
        &mut self,
        batch: &Batch,
        imported_at: &str,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ImportOutcome, StoreError> {
        let mut bulk = self.begin_import(imported_at, false)?;
        let mut outcome = bulk.import(batch, progress)?;
        outcome.resolution = bulk.finish()?;
        Ok(outcome)
    }

    /// Starts importing several source versions together (see [`BulkImport`]), taking
    /// the store to itself when nothing else has it open: for inputs at hand (files),
    /// which keep it only as long as they take to write.
    pub fn bulk_import(&mut self, imported_at: &str) -> Result<BulkImport<'_>, StoreError> {
        self.begin_import(imported_at, true)
    }

    /// [`Store::bulk_import`] that always writes through the write-ahead log, so that
    /// nobody opening the store meanwhile waits: for inputs that arrive slowly
    /// (downloads), which would keep a store taken to itself for as long as they take.
    pub fn bulk_import_through_log(
        &mut self,
        imported_at: &str,
    ) -> Result<BulkImport<'_>, StoreError> {
        self.begin_import(imported_at, false)
    }

    /// `alone`: take the store out of write-ahead logging when no other connection has
    /// it open (worth it for large imports only: a rollback journal syncs at every
    /// commit, the log does not).
    fn begin_import(
        &mut self,
        imported_at: &str,
        alone: bool,
    ) -> Result<BulkImport<'_>, StoreError> {
        let left_wal = alone && leave_wal(&self.conn)?;
        // Every row an import refers to (its source, the entities of its statements) is
        // written by the import itself, before the rows referring to it: checking each
        // reference again costs a lookup per reference and a third of the statements'
        // time. Deletions in an import (the resolver replacing its sources) remove the
        // dependent rows themselves. Enforcement is back on when the import ends, however
        // it ends (`BulkImport`'s drop).
        self.conn.pragma_update(None, "foreign_keys", false)?;
        // Immediate: take the write lock before reading, so two imports wait for each
        // other instead of failing on the upgrade from reader to writer.
        match Transaction::new_unchecked(&self.conn, rusqlite::TransactionBehavior::Immediate) {
            Ok(tx) => Ok(BulkImport {
                conn: &self.conn,
                left_wal,
                tx: Some(tx),
                imported_at: imported_at.to_owned(),
                resolve: false,
                failed: None,
            }),
            Err(e) => {
                // Best effort: the error that stopped the import is the one to report.
                let _ = self.conn.pragma_update(None, "foreign_keys", true);
                if left_wal {
                    back_to_wal(&self.conn);
                }
                Err(e.into())
            }
        }
    }

    /// Every imported source version a reader cleared for `clearance` may know of, oldest
    /// first (the resolver's own sources last). A source holding any statement marked
    /// above the clearance is left out whole: its counts would tell of what is hidden.
    pub fn sources(&self, clearance: Tlp) -> Result<Vec<SourceRecord>, StoreError> {
        let mut hidden = std::collections::HashSet::new();
        let mut stmt = self
            .conn
            // The partial index of marked statements, which `marking > 0` allows.
            .prepare_cached(
                "SELECT DISTINCT source FROM statement INDEXED BY statement_marked \
                 WHERE marking > 0 AND marking > ?1",
            )?;
        let mut rows = stmt.query([clearance.rank()])?;
        while let Some(row) = rows.next()? {
            hidden.insert(row.get::<_, i64>(0)?);
        }
        let mut sources = load_sources(&self.conn)?;
        // The resolver's report names ambiguous aliases: hidden like its statements.
        let report_above = |s: &SourceRecord| {
            s.kind == SourceKind::Resolver.as_str()
                && s.diagnostics.as_array().into_iter().flatten().any(|d| {
                    d["marking"]
                        .as_str()
                        .and_then(|m| m.parse::<Tlp>().ok())
                        .is_none_or(|m| !m.visible_to(clearance))
                })
        };
        sources.retain(|s| !hidden.contains(&s.num) && !report_above(s));
        // The resolver's sources are rewritten after any import (one marked above the
        // reader included): listed last, so their place tells nothing of when.
        sources.sort_by_key(|s| (s.kind == SourceKind::Resolver.as_str(), s.num));
        Ok(sources)
    }

    /// Records an analyst's statement that `a` and `b` are (`Asserts`) or are not
    /// (`Denies`) the same entity, as a manual source of its own, and re-runs the resolver.
    /// A denial separates entities the resolver had linked.
    pub fn record_same_as(
        &mut self,
        a: &EntityId,
        b: &EntityId,
        stance: Stance,
        analyst: &str,
        at: &str,
        filter: crate::ReadFilter,
    ) -> Result<ImportOutcome, StoreError> {
        // Only entities the analyst may see can be linked; the link is marked at least as
        // restrictively as what makes each end visible, so it reveals neither to others.
        let mut marking = Tlp::Clear;
        for id in [a, b] {
            if !self.is_visible(id, filter)? {
                return Err(StoreError::NoEntity(id.clone()));
            }
            let least: Option<i64> = self.conn.query_row(
                "SELECT min(s.marking) FROM statement s JOIN entity e ON e.num = s.subject WHERE e.id = ?1",
                [id.as_str()],
                |r| r.get(0),
            )?;
            let least = least
                .and_then(|m| u8::try_from(m).ok())
                .and_then(Tlp::from_rank);
            marking = marking.max(least.unwrap_or(Tlp::Clear));
        }
        let (first, second) = crate::statements::ordered_pair(a, b);
        let (first, second) = (&first, &second);
        let canonical = format!(
            "same_as\u{1f}{first}\u{1f}{second}\u{1f}{}\u{1f}{analyst}\u{1f}{at}",
            stance.as_str()
        );
        let hash = ContentHash::of(canonical.as_bytes());
        let verb = match stance {
            Stance::Asserts => "linked",
            Stance::Denies => "unlinked",
        };
        let mut source = Source::new(
            SourceKind::Manual,
            "manual",
            &format!("{analyst} {verb} {first} and {second}"),
            hash,
        );
        // Each analyst entry stands on its own: none supersedes another.
        source.dataset = format!("manual/{}", source.id);
        source.publisher = Some(analyst.to_owned());
        source.published = PartialDate::from_timestamp(at).ok();
        let mut statement = Statement::new(
            first.clone(),
            Predicate::SAME_AS,
            Object::Entity(second.clone()),
            source.id.clone(),
        );
        statement.stance = stance;
        statement.stated_at = source.published;
        statement.marking = marking;
        let report = dossier_ingest::Report {
            received: 1,
            accepted: 1,
            ..Default::default()
        };
        let batch = Batch {
            source,
            statements: vec![statement],
            report,
            stix: Vec::new(),
        };
        self.import(&batch, at)
    }
}
