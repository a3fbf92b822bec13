//! The statement store: one SQLite file (WAL, versioned migrations).
//!
//! An import is one transaction per source version: the same file twice changes nothing,
//! and a failed import leaves nothing behind. Reads see the newest version of each dataset
//! (or the newest published by an as-of date), filtered by the reader's TLP clearance.

mod access;
mod audit;
mod diff;
mod findings;
mod gazetteer;
mod import;
mod resolve;
mod schema;
mod screening;
mod statements;
mod stix_out;
mod taxii;
mod view;

use std::path::Path;

use dossier_model::{EntityId, PartialDate, Tlp};
use rusqlite::Connection;

pub use access::{token_hash, Role, RoleError, TokenError, TokenInfo};
pub use audit::{AuditEntry, AuditFilter, DecisionRecord, HitDecision, NewAudit};
pub use diff::{DiffChange, DiffEntity, SourceDiff};
pub use findings::{
    Decision, DecisionOutcome, DocumentOutcome, Finding, FindingFilter, NewFinding,
};
pub use import::{BulkImport, ImportOutcome, Prepared, SourceRecord};
pub use resolve::{Ambiguity, Resolution};
pub use taxii::{
    normalise_timestamp, BadCursor, Collection, Scope, StixPage, StixQuery, StoredObject,
    VersionMatch, SUBMISSIONS,
};
pub use view::{
    Dossier, EntityRef, Fact, Link, Member, NameGroup, Relation, SearchHit, SourceRef, Sourcing,
};

/// Store failures that are not the caller's input.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "database {path} was written by a newer dossier (schema {found}, this build knows {known})"
    )]
    TooNew {
        path: String,
        found: i64,
        known: i64,
    },
    #[error("database holds a malformed value in {what}: {value:?}")]
    Corrupt { what: &'static str, value: String },
    #[error("no entity {0}")]
    NoEntity(EntityId),
    #[error("no source {0}")]
    NoSource(String),
    #[error("no finding {0}")]
    NoFinding(i64),
    #[error("finding {id} was already {status}")]
    AlreadyDecided { id: i64, status: String },
    #[error("not written: an earlier file of the same import failed ({0})")]
    Abandoned(String),
    #[error("database {0} is still held by an import (another dossier command) after two minutes")]
    HeldByImport(String),
}

/// What a reader may see: their clearance, and optionally a date to see the state as of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadFilter {
    pub clearance: Tlp,
    pub as_of: Option<PartialDate>,
}

impl Default for ReadFilter {
    fn default() -> Self {
        ReadFilter {
            clearance: Tlp::Clear,
            as_of: None,
        }
    }
}

/// An open store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

/// Waits for another connection's write lock: in short naps first (the server's writes,
/// an audit line or a decision, hold it for well under a millisecond, and SQLite's own
/// waits start at a millisecond and grow), then in longer ones behind an import, for
/// about ten seconds in all.
fn wait_for_lock(attempt: i32) -> bool {
    const SHORT: i32 = 2_000; // 2,000 naps of 100 µs: 0.2 s
    const LONG: i32 = 1_960; // then naps of 5 ms: 9.8 s
    let nap = if attempt < SHORT {
        std::time::Duration::from_micros(100)
    } else {
        std::time::Duration::from_millis(5)
    };
    std::thread::sleep(nap);
    attempt < SHORT + LONG
}

/// Waits for a bulk import that has the store to itself: naps of 10 ms, for up to two
/// minutes in all.
fn wait_for_bulk_import(attempt: i32) -> bool {
    std::thread::sleep(std::time::Duration::from_millis(10));
    attempt < 12_000
}

/// Whether an error is another connection holding a lock this one needs.
pub(crate) fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        // Larger pages hold most descriptions without overflow pages; only takes effect
        // when the file is created.
        conn.pragma_update(None, "page_size", 16384)?;
        // A bulk import that had the store to itself keeps it out of write-ahead logging
        // until it ends (see `BulkImport`): wait for it to end rather than fail, as long
        // as a large import of files may take.
        let mut attempt = 0;
        loop {
            match conn.pragma_update(None, "journal_mode", "WAL") {
                Ok(()) => break,
                Err(e) if is_busy(&e) && wait_for_bulk_import(attempt) => attempt += 1,
                Err(e) if is_busy(&e) => {
                    return Err(StoreError::HeldByImport(path.display().to_string()))
                }
                Err(e) => return Err(e.into()),
            }
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // 64 MiB of page cache and memory-mapped reads: imports and the resolver scan the
        // name index, which the default 2 MiB cache re-reads from disk.
        conn.pragma_update(None, "cache_size", -65536)?;
        conn.pragma_update(None, "mmap_size", 268_435_456)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // A log that grew under a long run of writes is cut back to 64 MiB when it starts
        // again, rather than keeping its largest size on disk.
        conn.pragma_update(None, "journal_size_limit", 67_108_864)?;
        conn.busy_handler(Some(wait_for_lock))?;
        let mut store = Store { conn };
        schema::migrate(&mut store.conn, &path.display().to_string())?;
        Ok(store)
    }

    /// A store in memory, for tests and one-off work.
    pub fn in_memory() -> Result<Self, StoreError> {
        let mut conn = Connection::open_in_memory()?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        schema::migrate(&mut conn, ":memory:")?;
        Ok(Store { conn })
    }

    /// Whether nothing has been imported yet.
    pub fn is_empty(&self) -> Result<bool, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM source WHERE kind != 'resolver'",
            [],
            |r| r.get(0),
        )?;
        Ok(n == 0)
    }

    /// Row counts of the main tables: sources, entities, statements.
    pub fn counts(&self) -> Result<(u64, u64, u64), StoreError> {
        let count = |table: &str| -> Result<u64, StoreError> {
            let n: i64 =
                self.conn
                    .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
            Ok(n as u64)
        };
        Ok((count("source")?, count("entity")?, count("statement")?))
    }

    /// Leaves checkpoints (moving the write-ahead log into the database file, and
    /// syncing it) to [`Store::checkpoint`], for a server that runs them off its requests'
    /// path. Applies to this connection only.
    pub fn leave_checkpoints_to_caller(&self) -> Result<(), StoreError> {
        self.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        Ok(())
    }

    /// Moves what the write-ahead log holds into the database file as far as readers
    /// allow, without waiting for readers or writers. Answers how many pages the log
    /// holds and how many of them are now in the database file. The log starts again
    /// from its beginning at the next write after a checkpoint that moved all of it.
    pub fn checkpoint(&self) -> Result<(i64, i64), StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
                Ok((r.get(1)?, r.get(2)?))
            })?)
    }

    /// The raw connection, for tests that need to reach under the API (triggers, counts).
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}
