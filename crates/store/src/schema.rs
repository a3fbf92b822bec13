use rusqlite::Connection;

use crate::StoreError;

/// Each entry upgrades the schema by one version; never edit a released entry.
const MIGRATIONS: &[&str] = &[
    // 1: sources, interned entity ids, statements.
    r#"
    CREATE TABLE source (
        num          INTEGER PRIMARY KEY,
        id           TEXT NOT NULL UNIQUE,
        kind         TEXT NOT NULL,
        dataset      TEXT NOT NULL,
        title        TEXT NOT NULL,
        publisher    TEXT,
        version      TEXT,
        published    TEXT,
        file_name    TEXT,
        content_hash TEXT NOT NULL,
        imported_at  TEXT NOT NULL,
        received     INTEGER NOT NULL,
        accepted     INTEGER NOT NULL,
        rejected     INTEGER NOT NULL,
        duplicate    INTEGER NOT NULL,
        ignored      INTEGER NOT NULL,
        statements   INTEGER NOT NULL,
        diagnostics  TEXT NOT NULL
    );
    CREATE INDEX source_dataset ON source(dataset);
    CREATE TABLE entity (
        num INTEGER PRIMARY KEY,
        id  TEXT NOT NULL UNIQUE
    );
    CREATE TABLE statement (
        id            TEXT NOT NULL,
        subject       INTEGER NOT NULL REFERENCES entity(num),
        predicate     TEXT NOT NULL,
        object_entity INTEGER REFERENCES entity(num),
        value_kind    TEXT,
        value_scheme  TEXT,
        value         TEXT,
        name_key      TEXT,
        stance        TEXT NOT NULL,
        source        INTEGER NOT NULL REFERENCES source(num) ON DELETE CASCADE,
        issuer        INTEGER REFERENCES entity(num),
        valid_from    TEXT,
        valid_to      TEXT,
        stated_at     TEXT,
        confidence    INTEGER,
        marking       INTEGER NOT NULL,
        note          TEXT,
        CHECK ((object_entity IS NULL) != (value_kind IS NULL))
    );
    CREATE INDEX statement_subject ON statement(subject, predicate);
    CREATE INDEX statement_object ON statement(object_entity) WHERE object_entity IS NOT NULL;
    CREATE INDEX statement_name_key ON statement(name_key) WHERE name_key IS NOT NULL;
    CREATE INDEX statement_source ON statement(source);
    "#,
    // 2: documents read, with their text, and findings awaiting an analyst's decision.
    r#"
    CREATE TABLE document (
        source INTEGER PRIMARY KEY REFERENCES source(num) ON DELETE CASCADE,
        text   TEXT NOT NULL
    );
    CREATE TABLE finding (
        num        INTEGER PRIMARY KEY,
        source     INTEGER NOT NULL REFERENCES source(num) ON DELETE CASCADE,
        kind       TEXT NOT NULL,
        status     TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
        span_start INTEGER NOT NULL,
        span_end   INTEGER NOT NULL,
        summary    TEXT NOT NULL,
        detail     TEXT NOT NULL,
        statements TEXT NOT NULL,
        marking    INTEGER NOT NULL,
        decided_at TEXT,
        decided_by TEXT,
        note       TEXT
    );
    CREATE INDEX finding_source ON finding(source, status);
    CREATE INDEX finding_status ON finding(status);
    "#,
    // 3: STIX objects served over TAXII, API tokens, the audit trail and hit decisions.
    r#"
    CREATE TABLE stix_object (
        num          INTEGER PRIMARY KEY,
        source       INTEGER NOT NULL REFERENCES source(num) ON DELETE CASCADE,
        id           TEXT NOT NULL,
        type         TEXT NOT NULL,
        version      TEXT NOT NULL,
        added        TEXT NOT NULL,
        marking      INTEGER NOT NULL,
        json         TEXT NOT NULL
    );
    CREATE INDEX stix_object_seq ON stix_object(source, num);
    CREATE INDEX stix_object_marking ON stix_object(source, marking, num);
    CREATE INDEX stix_object_id ON stix_object(id, version);
    CREATE TABLE taxii_status (
        id        TEXT PRIMARY KEY,
        token     TEXT NOT NULL,
        at        TEXT NOT NULL,
        body      TEXT NOT NULL
    );
    CREATE TABLE token (
        num        INTEGER PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        hash       TEXT NOT NULL UNIQUE,
        role       TEXT NOT NULL CHECK (role IN ('reader', 'analyst', 'admin')),
        clearance  INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE TABLE audit (
        num      INTEGER PRIMARY KEY,
        at       TEXT NOT NULL,
        actor    TEXT NOT NULL,
        action   TEXT NOT NULL,
        subject  TEXT,
        marking  INTEGER NOT NULL,
        detail   TEXT NOT NULL
    );
    CREATE INDEX audit_actor ON audit(actor, num);
    CREATE INDEX audit_subject ON audit(subject) WHERE subject IS NOT NULL;
    CREATE TABLE hit_decision (
        num         INTEGER PRIMARY KEY,
        subject     TEXT NOT NULL,
        entity      TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        decision    TEXT NOT NULL CHECK (decision IN ('cleared', 'confirmed')),
        note        TEXT,
        actor       TEXT NOT NULL,
        at          TEXT NOT NULL,
        audit       INTEGER NOT NULL REFERENCES audit(num)
    );
    CREATE INDEX hit_decision_subject ON hit_decision(subject, entity, num);
    "#,
    // 4: the sources holding anything above TLP:CLEAR, found without reading every
    // statement (every read path asks, TAXII once or twice a page). Only marked
    // statements are in it, so importing CLEAR data costs it nothing.
    r#"
    CREATE INDEX statement_marked ON statement(marking, source) WHERE marking > 0;
    "#,
];

pub(crate) fn migrate(conn: &mut Connection, path: &str) -> Result<(), StoreError> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = MIGRATIONS.len() as i64;
    if found > known {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found,
            known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
