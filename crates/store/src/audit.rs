//! The audit trail: every screening request and every analyst decision on a hit, with
//! who, when and what; and the hits analysts cleared, so that they are not raised again
//! for the same subject while the listed entity stays as it was.

use dossier_model::Tlp;
use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::{Store, StoreError};

/// An entry to record.
#[derive(Debug, Clone)]
pub struct NewAudit<'a> {
    pub at: &'a str,
    pub actor: &'a str,
    /// `screen`, `decision`, …
    pub action: &'a str,
    /// What the entry is about: the key of a screened subject, for screenings.
    pub subject: Option<&'a str>,
    /// The most restricted material the entry shows (a reader below it never sees it).
    pub marking: Tlp,
    pub detail: serde_json::Value,
}

/// A recorded entry.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub marking: Tlp,
    pub detail: serde_json::Value,
}

/// Which entries to list.
#[derive(Debug, Clone)]
pub struct AuditFilter {
    pub clearance: Tlp,
    /// Only this actor's entries.
    pub actor: Option<String>,
    pub action: Option<String>,
    pub subject: Option<String>,
    /// Entries after this id (for paging), newest last.
    pub after: Option<i64>,
    pub limit: usize,
}

impl Default for AuditFilter {
    fn default() -> Self {
        AuditFilter {
            clearance: Tlp::Clear,
            actor: None,
            action: None,
            subject: None,
            after: None,
            limit: 100,
        }
    }
}

/// An analyst's decision on a hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HitDecision {
    /// Not the listed entity (a false positive).
    Cleared,
    /// The listed entity.
    Confirmed,
}

impl HitDecision {
    pub fn as_str(self) -> &'static str {
        match self {
            HitDecision::Cleared => "cleared",
            HitDecision::Confirmed => "confirmed",
        }
    }
}

/// A decision on record.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionRecord {
    pub decision: HitDecision,
    pub actor: String,
    pub at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The audit entry of the decision.
    pub audit: i64,
}

impl Store {
    /// Appends an entry; returns its id.
    pub fn audit_add(&mut self, entry: &NewAudit<'_>) -> Result<i64, StoreError> {
        let ids = self.audit_add_all(std::slice::from_ref(entry))?;
        Ok(ids[0])
    }

    /// Appends entries in one transaction (all or none); returns their ids in order. A
    /// server recording many screenings at once commits them together.
    pub fn audit_add_all(&mut self, entries: &[NewAudit<'_>]) -> Result<Vec<i64>, StoreError> {
        let tx = self.conn.transaction()?;
        let mut ids = Vec::with_capacity(entries.len());
        {
            let mut insert = tx.prepare_cached(
                "INSERT INTO audit (at, actor, action, subject, marking, detail) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?;
            for entry in entries {
                insert.execute(rusqlite::params![
                    entry.at,
                    entry.actor,
                    entry.action,
                    entry.subject,
                    entry.marking.rank(),
                    entry.detail.to_string(),
                ])?;
                ids.push(tx.last_insert_rowid());
            }
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Entries matching `filter`, oldest first; none above the clearance.
    pub fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT num, at, actor, action, subject, marking, detail FROM audit \
             WHERE marking <= ?1 AND num > ?2 AND (?3 IS NULL OR actor = ?3) \
             AND (?4 IS NULL OR action = ?4) AND (?5 IS NULL OR subject = ?5) \
             ORDER BY num LIMIT ?6",
        )?;
        let rows = stmt.query_map(
            rusqlite::params![
                filter.clearance.rank(),
                filter.after.unwrap_or(0),
                filter.actor,
                filter.action,
                filter.subject,
                filter.limit as i64,
            ],
            |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<String>>(4)?,
                    r.get::<_, u8>(5)?,
                    r.get::<_, String>(6)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (id, at, actor, action, subject, marking, detail) = row?;
            out.push(AuditEntry {
                id,
                at,
                actor,
                action,
                subject,
                marking: Tlp::from_rank(marking).ok_or(StoreError::Corrupt {
                    what: "audit.marking",
                    value: marking.to_string(),
                })?,
                detail: serde_json::from_str(&detail).map_err(|_| StoreError::Corrupt {
                    what: "audit.detail",
                    value: detail.clone(),
                })?,
            });
        }
        Ok(out)
    }

    /// One entry, if the clearance allows.
    pub fn audit_entry(&self, id: i64, clearance: Tlp) -> Result<Option<AuditEntry>, StoreError> {
        Ok(self
            .audit(&AuditFilter {
                clearance,
                after: Some(id - 1),
                limit: 1,
                ..AuditFilter::default()
            })?
            .into_iter()
            .find(|e| e.id == id))
    }

    /// Records a decision on a hit (and its audit entry) in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn decide_hit(
        &mut self,
        subject: &str,
        entity: &str,
        fingerprint: &str,
        decision: HitDecision,
        note: Option<&str>,
        actor: &str,
        at: &str,
        audit: &NewAudit<'_>,
    ) -> Result<i64, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO audit (at, actor, action, subject, marking, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![
                audit.at,
                audit.actor,
                audit.action,
                audit.subject,
                audit.marking.rank(),
                audit.detail.to_string()
            ],
        )?;
        let num = tx.last_insert_rowid();
        tx.execute(
            "INSERT INTO hit_decision (subject, entity, fingerprint, decision, note, actor, at, audit) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![subject, entity, fingerprint, decision.as_str(), note, actor, at, num],
        )?;
        tx.commit()?;
        Ok(num)
    }

    /// The latest decision on `entity` for `subject`, if it was taken on the entity as it
    /// is now (the same `fingerprint`).
    pub fn hit_decision(
        &self,
        subject: &str,
        entity: &str,
        fingerprint: &str,
    ) -> Result<Option<DecisionRecord>, StoreError> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT decision, actor, at, note, audit, fingerprint FROM hit_decision \
                 WHERE subject = ?1 AND entity = ?2 ORDER BY num DESC LIMIT 1",
            )?
            .query_row([subject, entity], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })
            .optional()?;
        let Some((decision, actor, at, note, audit, fp)) = row else {
            return Ok(None);
        };
        if fp != fingerprint {
            return Ok(None);
        }
        let decision = match decision.as_str() {
            "cleared" => HitDecision::Cleared,
            "confirmed" => HitDecision::Confirmed,
            _ => {
                return Err(StoreError::Corrupt {
                    what: "hit_decision.decision",
                    value: decision,
                })
            }
        };
        Ok(Some(DecisionRecord {
            decision,
            actor,
            at,
            note,
            audit,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry<'a>(actor: &'a str, marking: Tlp) -> NewAudit<'a> {
        NewAudit {
            at: "2026-01-01T00:00:00Z",
            actor,
            action: "screen",
            subject: Some("subject-1"),
            marking,
            detail: serde_json::json!({"query": "x"}),
        }
    }

    #[test]
    fn entries_above_clearance_are_not_listed() -> Result<(), Box<dyn std::error::Error>> {
        let mut store = Store::in_memory()?;
        store.audit_add(&entry("a", Tlp::Clear))?;
        let red = store.audit_add(&entry("b", Tlp::Red))?;
        let clear_view = store.audit(&AuditFilter::default())?;
        assert_eq!(clear_view.len(), 1);
        assert!(store.audit_entry(red, Tlp::Clear)?.is_none());
        assert!(store.audit_entry(red, Tlp::Red)?.is_some());
        let only_b = store.audit(&AuditFilter {
            clearance: Tlp::Red,
            actor: Some("b".into()),
            ..AuditFilter::default()
        })?;
        assert_eq!(only_b.len(), 1);
        Ok(())
    }

    #[test]
    fn entries_added_together_keep_their_order() -> Result<(), Box<dyn std::error::Error>> {
        let mut store = Store::in_memory()?;
        let first = store.audit_add(&entry("a", Tlp::Clear))?;
        let ids = store.audit_add_all(&[entry("b", Tlp::Clear), entry("c", Tlp::Amber)])?;
        assert_eq!(ids, [first + 1, first + 2]);
        let all = store.audit(&AuditFilter {
            clearance: Tlp::Red,
            ..AuditFilter::default()
        })?;
        let actors: Vec<(i64, &str)> = all.iter().map(|e| (e.id, e.actor.as_str())).collect();
        assert_eq!(actors, [(first, "a"), (ids[0], "b"), (ids[1], "c")]);
        assert!(store.audit_add_all(&[])?.is_empty());
        Ok(())
    }

    #[test]
    fn a_decision_holds_while_the_entity_is_unchanged() -> Result<(), Box<dyn std::error::Error>> {
        let mut store = Store::in_memory()?;
        let mut e = entry("analyst", Tlp::Clear);
        e.action = "decision";
        store.decide_hit(
            "subject-1",
            "person--1",
            "fp-1",
            HitDecision::Cleared,
            Some("different birth date"),
            "analyst",
            "2026-01-01T00:00:00Z",
            &e,
        )?;
        let d = store
            .hit_decision("subject-1", "person--1", "fp-1")?
            .ok_or("decision missing")?;
        assert_eq!(d.decision, HitDecision::Cleared);
        assert!(store
            .hit_decision("subject-1", "person--1", "fp-2")?
            .is_none());
        assert!(store
            .hit_decision("subject-2", "person--1", "fp-1")?
            .is_none());
        Ok(())
    }
}
