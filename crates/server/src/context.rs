//! Screening hits with what the store knows around them.

use anyhow::Result;
use dossier_model::{EntityId, Stance};
use dossier_screen::{Hit, Index};
use dossier_store::{ReadFilter, Store};
use serde::Serialize;

/// A relation of a hit to another entity, with who states it.
#[derive(Debug, Serialize)]
pub struct ContextRelation {
    pub predicate: String,
    /// `out` (the hit → other) or `in` (other → the hit).
    pub direction: &'static str,
    pub other: String,
    pub other_id: String,
    pub issuers: Vec<String>,
    pub sources: Vec<String>,
    /// Someone denies it.
    pub disputed: bool,
}

/// A screening hit with what the store knows around it.
#[derive(Debug, Serialize)]
pub struct ContextHit {
    #[serde(flatten)]
    pub hit: Hit,
    /// The records linked to this one (other lists, threat-intel entries).
    pub linked_records: Vec<String>,
    pub relations: Vec<ContextRelation>,
    /// Statements someone denies ("X rejected the attribution").
    pub disputes: Vec<String>,
}

pub fn build_index(store: &Store, filter: ReadFilter) -> Result<Index> {
    let records = store.screening_records(filter)?;
    Ok(Index::build(records))
}

/// Adds the dossier context (relations, linked records, disputes) to a hit.
pub fn with_context(store: &Store, filter: ReadFilter, hit: Hit) -> Result<ContextHit> {
    let mut out = ContextHit {
        hit,
        linked_records: Vec::new(),
        relations: Vec::new(),
        disputes: Vec::new(),
    };
    let Ok(id) = EntityId::parse(&out.hit.id) else {
        return Ok(out);
    };
    let d = store.dossier(&id, filter)?;
    let source_title = |key: &str| {
        d.sources
            .iter()
            .find(|s| s.key == key)
            .map(|s| s.title.clone())
            .unwrap_or_else(|| key.to_owned())
    };
    for m in &d.members {
        if m.id != id {
            out.linked_records
                .push(m.name.clone().unwrap_or_else(|| m.id.as_str().to_owned()));
        }
    }
    let skip = [
        "sanctioned_by",
        "nationality",
        "citizenship",
        "country",
        "birth_place",
    ];
    for (direction, rels) in [("out", &d.outgoing), ("in", &d.incoming)] {
        for r in rels
            .iter()
            .filter(|r| !skip.contains(&r.predicate.as_str()))
        {
            let mut issuers: Vec<String> = r
                .sourcing
                .iter()
                .filter_map(|s| s.issuer.as_ref().and_then(|i| i.name.clone()))
                .collect();
            issuers.sort();
            issuers.dedup();
            let mut sources: Vec<String> =
                r.sourcing.iter().map(|s| source_title(&s.source)).collect();
            sources.sort();
            sources.dedup();
            let disputed = r.sourcing.iter().any(|s| s.stance == Stance::Denies);
            let other = r
                .other
                .name
                .clone()
                .unwrap_or_else(|| r.other.id.as_str().to_owned());
            if disputed {
                let deniers: Vec<String> = r
                    .sourcing
                    .iter()
                    .filter(|s| s.stance == Stance::Denies)
                    .map(|s| {
                        s.issuer
                            .as_ref()
                            .and_then(|i| i.name.clone())
                            .unwrap_or_else(|| source_title(&s.source))
                    })
                    .collect();
                out.disputes.push(format!(
                    "{} {} {other}: denied by {}",
                    if direction == "out" { "this" } else { "it" },
                    r.predicate,
                    deniers.join(", ")
                ));
            }
            out.relations.push(ContextRelation {
                predicate: r.predicate.clone(),
                direction,
                other,
                other_id: r.other.id.as_str().to_owned(),
                issuers,
                sources,
                disputed,
            });
        }
    }
    Ok(out)
}
