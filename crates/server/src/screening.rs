//! Screening requests as both endpoints (REST `/screen` and yente's `/match`) run them:
//! every query scored against the caller's index, hits an analyst cleared for the same
//! subject left unraised while the listed entity is unchanged, and the whole request
//! written to the audit trail.

use std::collections::{BTreeMap, BTreeSet};

use dossier_model::name_key;
use dossier_screen::{Hit, Index, Kind, Query, Record};
use dossier_store::{DecisionRecord, HitDecision, NewAudit, Store};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::recorder::{AuditLine, Recorder};
use crate::state::Caller;

/// An index with the list versions it was built from.
#[derive(Debug)]
pub struct Screener {
    pub index: Index,
    /// (dataset, source id) of every list version in the index.
    pub lists: Vec<(String, String)>,
}

impl Screener {
    pub fn new(index: Index) -> Self {
        let lists: BTreeSet<(String, String)> = index
            .records()
            .iter()
            .flat_map(|r| r.listings.iter())
            .map(|l| (l.dataset.clone(), l.source.clone()))
            .collect();
        Screener {
            index,
            lists: lists.into_iter().collect(),
        }
    }

    /// Whether `dataset` names something screenable: `default` (everything), `sanctions`
    /// (every listed record) or one list.
    pub fn knows_dataset(&self, dataset: &str) -> bool {
        matches!(dataset, "default" | "sanctions") || self.lists.iter().any(|(d, _)| d == dataset)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key of what was screened: kind, folded names, birth date, country, identifiers.
/// The same subject screened again has the same key.
pub fn subject_key(kind: Kind, names: &[String], query: &Query) -> String {
    let mut h = Sha256::new();
    h.update(format!("{kind:?}\n").as_bytes());
    let names: BTreeSet<String> = names.iter().map(|n| name_key(n)).collect();
    for n in names {
        h.update(n.as_bytes());
        h.update(b"\x1f");
    }
    h.update(b"\n");
    h.update(query.birth_date.as_deref().unwrap_or("").as_bytes());
    h.update(b"\n");
    h.update(query.country.as_deref().unwrap_or("").as_bytes());
    h.update(b"\n");
    let ids: BTreeSet<String> = query
        .identifiers
        .iter()
        .map(|(s, v)| format!("{}:{}", s.as_deref().unwrap_or(""), name_key(v)))
        .collect();
    for i in ids {
        h.update(i.as_bytes());
        h.update(b"\x1f");
    }
    hex(&h.finalize())
}

/// What a listed entity is as screened: a change to any name, date, country, identifier
/// or designation changes it.
pub fn fingerprint(record: &Record) -> String {
    let text = serde_json::to_string(record).unwrap_or_default();
    hex(&Sha256::digest(text.as_bytes()))
}

/// One query of a request: the client's key for it, and the names to screen.
#[derive(Debug, Clone)]
pub struct Asked {
    pub key: String,
    pub names: Vec<String>,
    pub query: Query,
}

/// A hit with what analysts decided on it.
#[derive(Debug, Clone, Serialize)]
pub struct Screened {
    #[serde(flatten)]
    pub hit: Hit,
    /// Raised for review: matched, and not cleared for this subject as the entity is now.
    pub raised: bool,
    pub fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<DecisionRecord>,
}

/// The answer to one query.
#[derive(Debug, Clone, Serialize)]
pub struct Answer {
    pub key: String,
    pub subject: String,
    pub hits: Vec<Screened>,
    /// Candidates at or above the threshold before the limit.
    pub total: usize,
}

/// How a request screens.
#[derive(Debug, Clone)]
pub struct Settings<'a> {
    pub endpoint: &'a str,
    pub algorithm: &'a str,
    pub dataset: &'a str,
    /// Matches at or above it are raised.
    pub threshold: f64,
    /// Results below it are left out.
    pub cutoff: f64,
    pub limit: usize,
    pub exclude: &'a [String],
}

/// Screens every query, then records the request in the audit trail; returns the audit
/// id and the answers in query order.
pub fn screen(
    store: &Store,
    recorder: &Recorder,
    screener: &Screener,
    caller: &Caller,
    settings: &Settings<'_>,
    asked: &[Asked],
    now: &str,
) -> Result<(i64, Vec<Answer>), ApiError> {
    let mut answers = Vec::with_capacity(asked.len());
    for a in asked {
        // Each name of the subject is screened; an entity keeps its best score.
        let mut best: BTreeMap<String, Hit> = BTreeMap::new();
        for name in &a.names {
            let mut q = a.query.clone();
            q.name = name.clone();
            q.limit = settings.limit.saturating_mul(4).max(20);
            for hit in screener.index.screen_above(&q, settings.cutoff) {
                if settings.exclude.contains(&hit.id) {
                    continue;
                }
                let in_dataset = match settings.dataset {
                    "default" => true,
                    "sanctions" => !hit.listings.is_empty(),
                    d => hit.listings.iter().any(|l| l.dataset == d),
                };
                if !in_dataset {
                    continue;
                }
                match best.get(&hit.id) {
                    Some(cur) if cur.score >= hit.score => {}
                    _ => {
                        best.insert(hit.id.clone(), hit);
                    }
                }
            }
        }
        let mut hits: Vec<Hit> = best.into_values().collect();
        hits.sort_by(|x, y| y.score.total_cmp(&x.score).then_with(|| x.id.cmp(&y.id)));
        let total = hits.len();
        hits.truncate(settings.limit);
        let subject = subject_key(a.query.kind, &a.names, &a.query);
        let mut screened = Vec::with_capacity(hits.len());
        for hit in hits {
            let fp = screener
                .index
                .record(&hit.id)
                .map(fingerprint)
                .unwrap_or_default();
            let decision = store
                .hit_decision(&subject, &hit.id, &fp)
                .map_err(ApiError::internal)?;
            let cleared = decision
                .as_ref()
                .is_some_and(|d| d.decision == HitDecision::Cleared);
            screened.push(Screened {
                raised: hit.matched && hit.score >= settings.threshold && !cleared,
                hit,
                fingerprint: fp,
                decision,
            });
        }
        answers.push(Answer {
            key: a.key.clone(),
            subject,
            hits: screened,
            total,
        });
    }
    let detail = serde_json::json!({
        "endpoint": settings.endpoint,
        "algorithm": settings.algorithm,
        "dataset": settings.dataset,
        "threshold": settings.threshold,
        "cutoff": settings.cutoff,
        "limit": settings.limit,
        "lists": screener.lists.iter().map(|(d, s)| serde_json::json!({"dataset": d, "source": s})).collect::<Vec<_>>(),
        "queries": asked.iter().zip(&answers).map(|(a, ans)| serde_json::json!({
            "key": a.key,
            "subject": ans.subject,
            "names": a.names,
            "kind": a.query.kind,
            "birth_date": a.query.birth_date,
            "country": a.query.country,
            "identifiers": a.query.identifiers.iter().map(|(s, v)| match s {
                Some(s) => format!("{s}:{v}"),
                None => v.clone(),
            }).collect::<Vec<_>>(),
            "results": ans.hits.iter().map(|h| serde_json::json!({
                "entity": h.hit.id,
                "caption": h.hit.caption,
                "score": h.hit.score,
                "matched": h.hit.matched,
                "raised": h.raised,
                "fingerprint": h.fingerprint,
                "lists": h.hit.listings.iter().map(|l| &l.source).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let any_result = answers.iter().any(|a| !a.hits.is_empty());
    // Done reading: the snapshot is let go before waiting for the audit line's commit.
    crate::state::end_reading(store)?;
    let id = recorder.record(AuditLine {
        at: now.to_owned(),
        actor: caller.name.clone(),
        action: "screen",
        subject: (asked.len() == 1).then(|| answers[0].subject.clone()),
        // The results come from what the caller may see: the entry is as restricted.
        marking: if any_result {
            caller.clearance
        } else {
            dossier_model::Tlp::Clear
        },
        detail,
    })?;
    Ok((id, answers))
}

/// An analyst's decision on one hit of an audited screening.
#[derive(Debug, Clone, Copy)]
pub struct Choice<'a> {
    /// The audit id of the screening.
    pub screening: i64,
    /// The query's key in it (optional when it had one).
    pub query: Option<&'a str>,
    pub entity: &'a str,
    pub decision: HitDecision,
    pub note: Option<&'a str>,
}

/// Records an analyst's decision on a hit of an audited screening.
pub fn decide(
    store: &mut Store,
    caller: &Caller,
    choice: Choice<'_>,
    now: &str,
) -> Result<serde_json::Value, ApiError> {
    let Choice {
        screening,
        query: query_key,
        entity,
        decision,
        note,
    } = choice;
    let entry = store
        .audit_entry(screening, caller.clearance)
        .map_err(ApiError::internal)?
        .filter(|e| e.action == "screen")
        .ok_or_else(|| {
            ApiError::not_found(format!("no screening {screening} in the audit trail"))
        })?;
    let queries = entry.detail["queries"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let query = queries
        .iter()
        .find(|q| query_key.is_none_or(|k| q["key"].as_str() == Some(k)))
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "screening {screening} has no query {:?}",
                query_key.unwrap_or("")
            ))
        })?;
    let result = query["results"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["entity"].as_str() == Some(entity))
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "entity {entity} was not a result of screening {screening}"
            ))
        })?;
    let subject = query["subject"].as_str().unwrap_or_default().to_owned();
    let fp = result["fingerprint"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let detail = serde_json::json!({
        "screening": screening,
        "query": query["key"],
        "entity": entity,
        "caption": result["caption"],
        "decision": decision,
        "note": note,
        "fingerprint": fp,
    });
    let id = store
        .decide_hit(
            &subject,
            entity,
            &fp,
            decision,
            note,
            &caller.name,
            now,
            &NewAudit {
                at: now,
                actor: &caller.name,
                action: "decision",
                subject: Some(&subject),
                marking: entry.marking,
                detail: detail.clone(),
            },
        )
        .map_err(ApiError::internal)?;
    Ok(serde_json::json!({ "id": id, "at": now, "actor": caller.name, "detail": detail }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_subject_has_the_same_key() {
        let q = Query::new("x");
        let a = subject_key(Kind::Person, &["Ni Gaobin".into()], &q);
        let b = subject_key(Kind::Person, &["NI, GAOBIN".into(), "Ni Gaobin".into()], &q);
        let c = subject_key(Kind::Organization, &["Ni Gaobin".into()], &q);
        // Folded names are compared, repeats and their order do not count; the kind does.
        assert_ne!(a, c);
        assert_eq!(subject_key(Kind::Person, &["ni gaobin".into()], &q), a);
        assert_eq!(a, b);
        let d = subject_key(Kind::Person, &["Ni Gaobin".into(), "Ni Gao Bin".into()], &q);
        assert_ne!(a, d);
    }
}
