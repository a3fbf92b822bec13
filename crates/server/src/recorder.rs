//! Screenings are written to the audit trail by one thread with its own connection, which
//! commits every line waiting at that moment in one transaction. A request still waits
//! until its line is committed (it answers with the line's id, and an answer is never
//! given for a screening the trail lacks), but concurrent screenings share one commit,
//! and the connections serving reads no longer take the write lock.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Mutex, OnceLock, PoisonError};

use dossier_model::Tlp;
use dossier_store::{NewAudit, Store};

use crate::error::ApiError;

/// An audit line to record.
#[derive(Debug, Clone)]
pub struct AuditLine {
    pub at: String,
    pub actor: String,
    pub action: &'static str,
    pub subject: Option<String>,
    pub marking: Tlp,
    pub detail: serde_json::Value,
}

type Reply = SyncSender<Result<i64, String>>;

/// Most lines one commit takes.
const BATCH: usize = 256;

/// The audit writer of one database.
#[derive(Debug)]
pub struct Recorder {
    db: PathBuf,
    /// Started with the first line; the thread ends when the recorder is dropped.
    lines: OnceLock<Mutex<Sender<(AuditLine, Reply)>>>,
}

impl Recorder {
    pub fn new(db: PathBuf) -> Self {
        Recorder {
            db,
            lines: OnceLock::new(),
        }
    }

    /// Records `line`; returns its id once it is committed.
    pub fn record(&self, line: AuditLine) -> Result<i64, ApiError> {
        let lines = self.lines.get_or_init(|| {
            let (send, receive) = mpsc::channel();
            let db = self.db.clone();
            std::thread::Builder::new()
                .name("audit-writer".into())
                .spawn(move || write_lines(&db, &receive))
                .map_err(ApiError::internal)
                .ok();
            Mutex::new(send)
        });
        let (reply, answer) = mpsc::sync_channel(1);
        lines
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .send((line, reply))
            .map_err(|_| ApiError::internal("the audit writer is not running"))?;
        answer
            .recv()
            .map_err(|_| ApiError::internal("the audit writer stopped"))?
            .map_err(ApiError::internal)
    }
}

/// Writes what arrives until every sender is gone.
fn write_lines(db: &std::path::Path, lines: &Receiver<(AuditLine, Reply)>) {
    let mut store: Option<Store> = None;
    while let Ok(first) = lines.recv() {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match lines.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let result = commit(db, &mut store, &batch);
        match result {
            Ok(ids) => {
                for ((_, reply), id) in batch.into_iter().zip(ids) {
                    // The request may have gone (client closed): its line stays recorded.
                    let _ = reply.send(Ok(id));
                }
            }
            Err(e) => {
                // Nothing of the batch was written; each request reports the failure. The
                // connection is opened afresh for the next batch.
                store = None;
                let message = format!("recording the audit trail: {e}");
                for (_, reply) in batch {
                    let _ = reply.send(Err(message.clone()));
                }
            }
        }
    }
}

fn commit(
    db: &std::path::Path,
    store: &mut Option<Store>,
    batch: &[(AuditLine, Reply)],
) -> Result<Vec<i64>, dossier_store::StoreError> {
    let store = match store {
        Some(s) => s,
        None => {
            let s = Store::open(db)?;
            // The server's background task moves the log into the file.
            s.leave_checkpoints_to_caller()?;
            store.insert(s)
        }
    };
    let entries: Vec<NewAudit<'_>> = batch
        .iter()
        .map(|(l, _)| NewAudit {
            at: &l.at,
            actor: &l.actor,
            action: l.action,
            subject: l.subject.as_deref(),
            marking: l.marking,
            detail: l.detail.clone(),
        })
        .collect();
    store.audit_add_all(&entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dossier_store::AuditFilter;

    fn line(actor: &str) -> AuditLine {
        AuditLine {
            at: "2026-01-01T00:00:00Z".into(),
            actor: actor.into(),
            action: "screen",
            subject: None,
            marking: Tlp::Clear,
            detail: serde_json::json!({"n": actor}),
        }
    }

    #[test]
    fn lines_from_many_threads_are_all_recorded() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("d.db");
        Store::open(&db)?;
        let recorder = Recorder::new(db.clone());
        let ids: Vec<i64> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|t| {
                    let r = &recorder;
                    s.spawn(move || {
                        (0..25)
                            .map(|i| r.record(line(&format!("{t}-{i}"))))
                            .collect::<Result<Vec<_>, _>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().map_err(|_| "thread panicked"))
                .collect::<Result<Vec<_>, _>>()
        })?
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.message)?
        .into_iter()
        .flatten()
        .collect();
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), 200);
        let store = Store::open(&db)?;
        let listed = store.audit(&AuditFilter {
            limit: 1000,
            ..AuditFilter::default()
        })?;
        assert_eq!(listed.len(), 200);
        for e in &listed {
            assert!(ids.contains(&e.id));
            assert_eq!(e.detail["n"], serde_json::json!(e.actor));
        }
        Ok(())
    }

    #[test]
    fn a_store_that_cannot_be_opened_is_reported() {
        let recorder = Recorder::new(PathBuf::from("/nonexistent-dir/for/sure/d.db"));
        assert!(recorder.record(line("a")).is_err());
        // And the next line is tried again, not lost in a dead thread.
        assert!(recorder.record(line("b")).is_err());
    }
}
