//! Documents read and their findings, held as pending until an analyst decides.
//!
//! Reading a document stores it as a source (with its text, so a reviewer can see the
//! sentence each finding came from) and its findings as `pending`. Accepting a finding
//! writes its statements under the document's source, in one transaction; rejecting it
//! only records the decision. Nothing a finding proposes is visible in dossier views until
//! it is accepted.

use dossier_model::{Predicate, Source, Statement, Tlp};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::import::{SourceRecord, Writer};
use crate::{resolve, Store, StoreError};

/// A finding to store with its document.
#[derive(Debug, Clone)]
pub struct NewFinding {
    /// `claim`, `entity` or `indicator`.
    pub kind: String,
    /// Where in the document's text (bytes).
    pub span: (usize, usize),
    /// One line for review lists.
    pub summary: String,
    /// The finding as read (JSON), for display.
    pub detail: serde_json::Value,
    /// What accepting it adds.
    pub statements: Vec<Statement>,
}

/// A stored finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub id: i64,
    /// The document's source id.
    pub source: String,
    pub document: String,
    pub kind: String,
    /// `pending`, `accepted` or `rejected`.
    pub status: String,
    pub span: (usize, usize),
    /// The sentence (or line) of the document the finding was read from.
    pub context: String,
    pub summary: String,
    pub detail: serde_json::Value,
    pub statements: usize,
    pub marking: Tlp,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
    pub note: Option<String>,
}

/// What storing a document did.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentOutcome {
    pub source: SourceRecord,
    /// The same text was read before; its findings (and decisions) are unchanged.
    pub already_present: bool,
    pub findings: Vec<Finding>,
}

/// An analyst's decision on findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Reject,
}

impl Decision {
    fn status(self) -> &'static str {
        match self {
            Decision::Accept => "accepted",
            Decision::Reject => "rejected",
        }
    }
}

/// What a decision did.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionOutcome {
    pub decided: Vec<i64>,
    pub statements_added: u64,
}

/// Which findings to list.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    /// Only this status (`pending`, `accepted`, `rejected`); all when `None`.
    pub status: Option<String>,
    /// Only this document (source id).
    pub source: Option<String>,
}

const FINDING_COLUMNS: &str = "f.num, s.id, s.title, f.kind, f.status, f.span_start, f.span_end, \
    f.summary, f.detail, json_array_length(f.statements), f.marking, f.decided_at, f.decided_by, \
    f.note, f.source";

/// A finding row; `text_of` gives its document's text (read once per document).
fn finding_from_row(
    row: &rusqlite::Row<'_>,
    text_of: &mut dyn FnMut(i64) -> rusqlite::Result<std::rc::Rc<str>>,
) -> rusqlite::Result<Finding> {
    let count: i64 = row.get(9)?;
    let detail: String = row.get(8)?;
    let start = row.get::<_, i64>(5)?.max(0) as usize;
    let end = row.get::<_, i64>(6)?.max(0) as usize;
    let text = text_of(row.get(14)?)?;
    let marking: u8 = row.get(10)?;
    Ok(Finding {
        id: row.get(0)?,
        source: row.get(1)?,
        document: row.get(2)?,
        kind: row.get(3)?,
        status: row.get(4)?,
        span: (start, end),
        context: sentence_around(&text, start, end),
        summary: row.get(7)?,
        detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
        statements: count.max(0) as usize,
        marking: Tlp::from_rank(marking).unwrap_or(Tlp::Red),
        decided_at: row.get(11)?,
        decided_by: row.get(12)?,
        note: row.get(13)?,
    })
}

/// The line or sentence of `text` holding `start..end` (at most ~400 bytes around it).
fn sentence_around(text: &str, start: usize, end: usize) -> String {
    if start > end
        || end > text.len()
        || !text.is_char_boundary(start)
        || !text.is_char_boundary(end)
    {
        return String::new();
    }
    let head = &text[..start];
    let from = head
        .rfind(['\n'])
        .map_or(0, |i| i + 1)
        .max(head.rfind(". ").map_or(0, |i| i + 2))
        .max(floor_boundary(text, start.saturating_sub(300)));
    let tail = &text[end..];
    let to = end
        + tail
            .find(['\n'])
            .unwrap_or(tail.len())
            .min(tail.find(". ").map_or(tail.len(), |i| i + 1))
            .min(200);
    let to = floor_boundary(text, to.min(text.len()));
    text[from.min(start)..to.max(end)].trim().to_owned()
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl Store {
    /// Stores a document (its source record and text) and its findings as pending, in one
    /// transaction. Reading the same text again changes nothing and returns what is stored.
    pub fn add_document(
        &mut self,
        source: &Source,
        text: &str,
        findings: &[NewFinding],
        marking: Tlp,
        read_at: &str,
    ) -> Result<DocumentOutcome, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let already_present = crate::import::source_by_id(&tx, source.id.as_str())?.is_some();
        if !already_present {
            let mut writer = Writer::new(&tx)?;
            let n = findings.len() as u64;
            let num = writer.source(source, [n, 0, 0, 0, 0, 0], "[]", read_at)?;
            drop(writer);
            tx.execute(
                "INSERT INTO document (source, text) VALUES (?1, ?2)",
                params![num, text],
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO finding (source, kind, status, span_start, span_end, summary, detail, statements, marking) \
                 VALUES (?1, ?2, 'pending', ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            for f in findings {
                let statements =
                    serde_json::to_string(&f.statements).unwrap_or_else(|_| "[]".into());
                insert.execute(params![
                    num,
                    f.kind,
                    f.span.0 as i64,
                    f.span.1 as i64,
                    f.summary,
                    f.detail.to_string(),
                    statements,
                    marking.rank(),
                ])?;
            }
        }
        tx.commit()?;
        let filter = FindingFilter {
            status: None,
            source: Some(source.id.as_str().to_owned()),
        };
        let findings = self.findings(&filter, Tlp::Red)?;
        let record = crate::import::source_by_id(&self.conn, source.id.as_str())?
            .ok_or_else(|| StoreError::NoSource(source.id.as_str().to_owned()))?;
        Ok(DocumentOutcome {
            source: record,
            already_present,
            findings,
        })
    }

    /// Findings a reader cleared for `clearance` may see, oldest first.
    pub fn findings(
        &self,
        filter: &FindingFilter,
        clearance: Tlp,
    ) -> Result<Vec<Finding>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {FINDING_COLUMNS} FROM finding f JOIN source s ON s.num = f.source \
             WHERE f.marking <= ?1 AND (?2 IS NULL OR f.status = ?2) AND (?3 IS NULL OR s.id = ?3) \
             ORDER BY f.num"
        ))?;
        let mut texts: std::collections::HashMap<i64, std::rc::Rc<str>> =
            std::collections::HashMap::new();
        let mut text_of = |source: i64| -> rusqlite::Result<std::rc::Rc<str>> {
            if let Some(t) = texts.get(&source) {
                return Ok(t.clone());
            }
            let text: String = self.conn.query_row(
                "SELECT text FROM document WHERE source = ?1",
                [source],
                |r| r.get(0),
            )?;
            let text: std::rc::Rc<str> = text.into();
            texts.insert(source, text.clone());
            Ok(text)
        };
        let mut rows = stmt.query(params![clearance.rank(), filter.status, filter.source])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            out.push(finding_from_row(row, &mut text_of)?);
        }
        Ok(out)
    }

    /// Decides pending findings: all of them, or none when any id is unknown, hidden from
    /// the reader's clearance, or already decided. Accepting writes the findings'
    /// statements under their document's source and re-runs the alias resolver when they
    /// name anything.
    pub fn decide(
        &mut self,
        ids: &[i64],
        decision: Decision,
        analyst: &str,
        note: Option<&str>,
        clearance: Tlp,
        at: &str,
    ) -> Result<DecisionOutcome, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut work: Vec<(i64, i64, Vec<Statement>)> = Vec::new();
        for &id in ids {
            let row: Option<(i64, String, String, u8)> = tx
                .query_row(
                    "SELECT source, status, statements, marking FROM finding WHERE num = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let Some((source, status, statements, marking)) = row else {
                return Err(StoreError::NoFinding(id));
            };
            if marking > clearance.rank() {
                return Err(StoreError::NoFinding(id));
            }
            if status != "pending" {
                return Err(StoreError::AlreadyDecided { id, status });
            }
            let statements: Vec<Statement> =
                serde_json::from_str(&statements).map_err(|_| StoreError::Corrupt {
                    what: "finding.statements",
                    value: statements.chars().take(80).collect(),
                })?;
            if !work.iter().any(|(w, _, _)| *w == id) {
                work.push((id, source, statements));
            }
        }
        let mut added = 0u64;
        let mut names = false;
        let mut accepted: Vec<(i64, Vec<Statement>)> = Vec::new();
        {
            let mut writer = Writer::new(&tx)?;
            for (_, source, statements) in &work {
                if decision == Decision::Accept {
                    match accepted.iter_mut().find(|(s, _)| s == source) {
                        Some((_, list)) => list.extend(statements.iter().cloned()),
                        None => accepted.push((*source, statements.clone())),
                    }
                    for s in statements {
                        let present: bool = tx.query_row(
                            "SELECT EXISTS(SELECT 1 FROM statement WHERE id = ?1 AND source = ?2)",
                            params![s.id().0, source],
                            |r| r.get(0),
                        )?;
                        if !present {
                            writer.statement(s, *source)?;
                            added += 1;
                            names |= s.predicate.is_name() || s.predicate == Predicate::EXTERNAL_ID;
                        }
                    }
                }
            }
        }
        for (id, source, _) in &work {
            tx.execute(
                "UPDATE finding SET status = ?2, decided_at = ?3, decided_by = ?4, note = ?5 WHERE num = ?1",
                params![id, decision.status(), at, analyst, note],
            )?;
            tx.execute(
                "UPDATE source SET accepted = (SELECT count(*) FROM finding WHERE source = ?1 AND status = 'accepted'), \
                 rejected = (SELECT count(*) FROM finding WHERE source = ?1 AND status = 'rejected'), \
                 statements = (SELECT count(*) FROM statement WHERE source = ?1) WHERE num = ?1",
                [source],
            )?;
        }
        // What was accepted is served over TAXII as new versions of the document's objects.
        for (source, statements) in &accepted {
            let record = crate::import::source_by_num(&tx, *source)?;
            let origin = crate::stix_out::Origin::of_record(&record);
            let made = crate::stix_out::objects(&tx, &origin, statements, at)?;
            crate::taxii::insert_objects(&tx, *source, &made, at)?;
        }
        if names {
            resolve::run(&tx, at)?;
        }
        tx.commit()?;
        Ok(DecisionOutcome {
            decided: work.iter().map(|(id, _, _)| *id).collect(),
            statements_added: added,
        })
    }

    /// Every pending finding's id a reader may see (for `accept --all`).
    pub fn pending_ids(
        &self,
        source: Option<&str>,
        clearance: Tlp,
    ) -> Result<Vec<i64>, StoreError> {
        let filter = FindingFilter {
            status: Some("pending".into()),
            source: source.map(str::to_owned),
        };
        Ok(self
            .findings(&filter, clearance)?
            .into_iter()
            .map(|f| f.id)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_the_sentence_around_a_span() {
        let text = "First sentence. Treasury designated Acme Ltd. on Monday. Last one.\nNext line";
        let start = text.find("Acme").unwrap_or(0);
        assert_eq!(
            sentence_around(text, start, start + 9),
            "Treasury designated Acme Ltd. on Monday."
        );
        assert_eq!(sentence_around(text, 5, 2), "");
        assert_eq!(sentence_around(text, 0, 999), "");
        assert_eq!(sentence_around("é", 1, 1), "");
    }
}
