//! Text output for people; `--json` output is the serialised values themselves.

use std::fmt::Write;

use dossier_model::{Stance, Tlp};
use dossier_store::{
    DiffEntity, Dossier, EntityRef, Fact, ImportOutcome, Relation, SearchHit, SourceDiff,
    SourceRecord, Sourcing,
};

fn entity(e: &EntityRef) -> String {
    let mut s = e.name.clone().unwrap_or_else(|| e.id.to_string());
    if let Some(x) = &e.external_id {
        s = format!("{} {s}", x.rsplit(' ').next().unwrap_or(x));
    }
    s
}

/// `[S1, by Microsoft, stated 2021-03-24, confidence 50]` and the like.
fn cite(s: &Sourcing) -> String {
    cite_with(s, true)
}

fn cite_with(s: &Sourcing, stated: bool) -> String {
    let mut parts = vec![s.source.clone()];
    if s.stance == Stance::Denies {
        parts.push("DENIES".to_owned());
    }
    if let Some(i) = &s.issuer {
        parts.push(format!(
            "by {}",
            i.name.clone().unwrap_or_else(|| i.id.to_string())
        ));
    }
    if let Some(d) = s.stated_at.filter(|_| stated) {
        parts.push(format!("stated {d}"));
    }
    match (s.valid_from, s.valid_to) {
        (Some(f), Some(t)) => parts.push(format!("valid {f}..{t}")),
        (Some(f), None) => parts.push(format!("valid from {f}")),
        (None, Some(t)) => parts.push(format!("valid until {t}")),
        (None, None) => {}
    }
    if let Some(c) = s.confidence {
        parts.push(format!("confidence {c}"));
    }
    if s.marking != Tlp::Clear {
        parts.push(s.marking.to_string());
    }
    format!("[{}]", parts.join(", "))
}

fn cites(list: &[Sourcing]) -> String {
    list.iter().map(cite).collect::<Vec<_>>().join(" ")
}

/// Short citation for name lists: the source keys only, plus any denial.
fn keys(list: &[Sourcing]) -> String {
    let mut ks: Vec<String> = Vec::new();
    for s in list {
        let k = if s.stance == Stance::Denies {
            format!("{} denies", s.source)
        } else {
            s.source.clone()
        };
        if !ks.contains(&k) {
            ks.push(k);
        }
    }
    format!("[{}]", ks.join(", "))
}

fn facts_line(out: &mut String, label: &str, facts: &[Fact]) {
    for f in facts {
        let value = match &f.scheme {
            Some(s) => format!("{s} {}", f.value),
            None => f.value.clone(),
        };
        let _ = writeln!(out, "  {label:<18} {value}  {}", cites(&f.sourcing));
    }
}

fn relations(out: &mut String, title: &str, rels: &[Relation]) {
    if rels.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title}");
    for r in rels {
        let kind = r.other.kind.as_deref().unwrap_or("?");
        let _ = writeln!(
            out,
            "  {:<14} {} ({kind})  {}",
            r.predicate,
            entity(&r.other),
            r.sourcing
                .iter()
                .map(|s| cite_with(s, false))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
}

/// Designations: who designated the entity, under which programmes, since when, in
/// which list version.
fn sanctions(out: &mut String, d: &Dossier) {
    let designations: Vec<&Relation> = d
        .outgoing
        .iter()
        .filter(|r| r.predicate == "sanctioned_by")
        .collect();
    if designations.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nSanctions");
    let programs = d.facts.get("sanction_program");
    for r in designations {
        for s in &r.sourcing {
            let in_list: Vec<&str> = programs
                .into_iter()
                .flatten()
                .filter(|f| f.sourcing.iter().any(|p| p.source == s.source))
                .map(|f| f.value.as_str())
                .collect();
            let since = s
                .valid_from
                .map(|d| format!(", listed {d}"))
                .unwrap_or_default();
            let until = s
                .valid_to
                .map(|d| format!(", until {d}"))
                .unwrap_or_default();
            let programmes = if in_list.is_empty() {
                String::new()
            } else {
                format!(", programme {}", in_list.join(", "))
            };
            let _ = writeln!(
                out,
                "  {}{programmes}{since}{until}  [{}]",
                r.other.name.as_deref().unwrap_or(r.other.id.as_str()),
                s.source
            );
        }
    }
}

fn shorten(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        format!("{}…", flat.chars().take(max).collect::<String>())
    }
}

pub fn dossier(d: &Dossier) -> String {
    let mut out = String::new();
    let kinds: Vec<&str> = d.kinds.iter().map(|k| k.value.as_str()).collect();
    let _ = writeln!(
        out,
        "{}  ({})",
        d.name.as_deref().unwrap_or(d.id.as_str()),
        kinds.join(", ")
    );
    if let Some(a) = d.as_of {
        let _ = writeln!(out, "as of {a}");
        if d.undated_hidden > 0 {
            let _ = writeln!(
                out,
                "({} undated statements left out: their sources do not say when they were made)",
                d.undated_hidden
            );
        }
    }
    let _ = writeln!(out, "\nRecords ({})", d.members.len());
    for m in &d.members {
        let _ = writeln!(
            out,
            "  {}  {}  [{}]",
            m.id,
            m.name.as_deref().unwrap_or("?"),
            m.sources.join(", ")
        );
    }
    for l in &d.links {
        let verb = if l.sourcing.stance == Stance::Denies {
            "NOT same as"
        } else {
            "same as"
        };
        let why = l
            .sourcing
            .note
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        let _ = writeln!(out, "  {} {verb} {}{why}  {}", l.a, l.b, cite(&l.sourcing));
    }

    let _ = writeln!(out, "\nNames, by who uses them");
    for g in &d.names {
        let who = match &g.used_by {
            Some(u) => u.name.clone().unwrap_or_else(|| u.id.to_string()),
            None => "(source does not say)".to_owned(),
        };
        let names: Vec<String> = g
            .names
            .iter()
            .map(|n| format!("{} {}", n.value, keys(&n.sourcing)))
            .collect();
        let _ = writeln!(out, "  {who:<24} {}", names.join("; "));
    }
    if !d.external_ids.is_empty() {
        let _ = writeln!(out, "\nExternal ids");
        facts_line(&mut out, "", &d.external_ids);
    }
    if !d.countries.is_empty() || !d.sponsors.is_empty() {
        let _ = writeln!(out, "\nCountry and sponsor");
        for r in &d.countries {
            let label = if kinds.contains(&"threat_actor") {
                "country (origin)"
            } else {
                "country"
            };
            let _ = writeln!(
                out,
                "  {label:<18} {}  {}",
                entity(&r.other),
                cites(&r.sourcing)
            );
        }
        for r in &d.sponsors {
            let _ = writeln!(
                out,
                "  {:<18} {}  {}",
                "suspected sponsor",
                entity(&r.other),
                cites(&r.sourcing)
            );
        }
    }
    sanctions(&mut out, d);
    if !d.facts.is_empty() {
        let _ = writeln!(out, "\nFacts");
        for (predicate, facts) in &d.facts {
            match predicate.as_str() {
                "description" => {
                    for f in facts {
                        let _ = writeln!(
                            out,
                            "  {:<18} {}  {}",
                            predicate,
                            shorten(&f.value, 160),
                            keys(&f.sourcing)
                        );
                    }
                }
                "reference" => {
                    let _ = writeln!(out, "  {:<18} {} URLs (see --json)", predicate, facts.len());
                }
                // Shown under Sanctions.
                "sanction_program" => {}
                _ => facts_line(&mut out, predicate, facts),
            }
        }
    }
    let others: Vec<Relation> = d
        .outgoing
        .iter()
        .filter(|r| r.predicate != "sanctioned_by")
        .cloned()
        .collect();
    relations(&mut out, "Relations", &others);
    relations(&mut out, "Referenced by", &d.incoming);
    if !d.shared_names.is_empty() {
        let _ = writeln!(out, "\nNames other entities use too (not linked)");
        for s in &d.shared_names {
            let others: Vec<String> = s
                .also_used_by
                .iter()
                .map(|e| format!("{} ({})", entity(e), e.id))
                .collect();
            let _ = writeln!(out, "  {:<18} {}", s.name, others.join("; "));
        }
    }
    let _ = writeln!(out, "\nSources");
    for s in &d.sources {
        let version = s
            .version
            .as_deref()
            .map(|v| format!(" v{v}"))
            .unwrap_or_default();
        let published = s
            .published
            .map(|p| format!(", published {p}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:<4} {}{version} ({}{published})\n       {} sha256:{}",
            s.key, s.title, s.dataset, s.id, s.content_hash
        );
    }
    out
}

pub fn search(hits: &[SearchHit]) -> String {
    let mut out = String::new();
    if hits.is_empty() {
        out.push_str("no names match\n");
    }
    for h in hits {
        let _ = writeln!(
            out,
            "{:<32} {:<14} {:<9} matched {:?}{}  {}",
            entity(&h.entity),
            h.entity.kind.as_deref().unwrap_or("?"),
            h.how,
            h.matched,
            if h.records > 1 {
                format!(" ({} linked records)", h.records)
            } else {
                String::new()
            },
            h.entity.id
        );
    }
    out
}

pub fn sources(sources: &[SourceRecord]) -> String {
    let mut out = String::new();
    for s in sources {
        let version = s
            .version
            .as_deref()
            .map(|v| format!(" v{v}"))
            .unwrap_or_default();
        let _ = writeln!(out, "{}  {}{version}", s.id, s.title);
        let _ = writeln!(
            out,
            "    dataset {}  file {}  imported {}",
            s.dataset,
            s.file_name.as_deref().unwrap_or("-"),
            s.imported_at
        );
        let _ = writeln!(
            out,
            "    sha256 {}\n    received {} accepted {} rejected {} duplicate {} ignored {} -> {} statements",
            s.content_hash, s.received, s.accepted, s.rejected, s.duplicate, s.ignored, s.statements
        );
    }
    out
}

pub fn import_result(path: &str, error: Option<&str>, outcome: Option<&ImportOutcome>) {
    if let Some(e) = error {
        eprintln!("error: {e}");
        return;
    }
    let Some(o) = outcome else { return };
    let s = &o.source;
    let state = if o.already_present {
        "already imported, unchanged"
    } else {
        "imported"
    };
    println!(
        "{path}: {state}: {} ({}): received {}, accepted {}, rejected {}, duplicate {}, ignored {}; {} statements",
        s.title, s.dataset, s.received, s.accepted, s.rejected, s.duplicate, s.ignored, s.statements
    );
    if let Some(list) = s.diagnostics.as_array() {
        for d in list.iter().filter(|d| d["severity"] != "info").take(10) {
            let line = d["line"]
                .as_u64()
                .map(|l| format!(":{l}"))
                .unwrap_or_default();
            let at = d["path"]
                .as_str()
                .map(|p| format!(" at {p}"))
                .unwrap_or_default();
            println!(
                "  {}{line}{at}: {}",
                d["file"].as_str().unwrap_or(path),
                d["message"].as_str().unwrap_or("")
            );
        }
    }
    if let Some(r) = &o.resolution {
        println!(
            "  aliases: {} links, {} ambiguous names, {} links refused",
            r.links,
            r.ambiguities.len(),
            r.refused
        );
    }
}

fn diff_entity(e: &DiffEntity) -> String {
    let ids = if e.list_ids.is_empty() {
        String::new()
    } else {
        format!(" [{}]", e.list_ids.join(", "))
    };
    format!("{}{ids}  {}", e.name.as_deref().unwrap_or("?"), e.id)
}

pub fn diff(d: &SourceDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "from {} {} ({})",
        d.from.id,
        d.from.title,
        d.from.file_name.as_deref().unwrap_or("-")
    );
    let _ = writeln!(
        out,
        "to   {} {} ({})",
        d.to.id,
        d.to.title,
        d.to.file_name.as_deref().unwrap_or("-")
    );
    let _ = writeln!(
        out,
        "{} added, {} removed, {} changed",
        d.added.len(),
        d.removed.len(),
        d.changed.len()
    );
    for (title, list) in [("Added", &d.added), ("Removed", &d.removed)] {
        if !list.is_empty() {
            let _ = writeln!(out, "\n{title}");
            for e in list {
                let _ = writeln!(out, "  {}", diff_entity(e));
            }
        }
    }
    if !d.changed.is_empty() {
        let _ = writeln!(out, "\nChanged");
        for c in &d.changed {
            let _ = writeln!(out, "  {}", diff_entity(&c.entity));
            for a in &c.added {
                let _ = writeln!(out, "    + {a}");
            }
            for r in &c.removed {
                let _ = writeln!(out, "    - {r}");
            }
        }
    }
    out
}

/// The audit trail, one block per entry.
pub fn audit(entries: &[dossier_store::AuditEntry]) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    if entries.is_empty() {
        out.push_str("no audit entries\n");
        return out;
    }
    for e in entries {
        let _ = writeln!(
            out,
            "#{} {} {} {} [{}]",
            e.id, e.at, e.actor, e.action, e.marking
        );
        let d = &e.detail;
        match e.action.as_str() {
            "screen" => {
                let lists: Vec<&str> = d["lists"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|l| l["dataset"].as_str())
                    .collect();
                let _ = writeln!(
                    out,
                    "    {} algorithm {} threshold {} dataset {} lists {}",
                    d["endpoint"].as_str().unwrap_or(""),
                    d["algorithm"].as_str().unwrap_or(""),
                    d["threshold"],
                    d["dataset"].as_str().unwrap_or(""),
                    lists.join(", ")
                );
                for q in d["queries"].as_array().into_iter().flatten() {
                    let names: Vec<&str> = q["names"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|n| n.as_str())
                        .collect();
                    let results: Vec<String> = q["results"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|r| {
                            format!(
                                "{} {:.2}{}",
                                r["caption"].as_str().unwrap_or(""),
                                r["score"].as_f64().unwrap_or(0.0),
                                if r["raised"] == true { " RAISED" } else { "" }
                            )
                        })
                        .collect();
                    let _ = writeln!(
                        out,
                        "    {}: {} -> {}",
                        q["key"].as_str().unwrap_or(""),
                        names.join(" / "),
                        if results.is_empty() {
                            "no results".to_owned()
                        } else {
                            results.join("; ")
                        }
                    );
                }
            }
            _ => {
                let _ = writeln!(
                    out,
                    "    {} {} of screening {} ({}){}",
                    d["decision"].as_str().unwrap_or(""),
                    d["caption"].as_str().unwrap_or(""),
                    d["screening"],
                    d["entity"].as_str().unwrap_or(""),
                    d["note"]
                        .as_str()
                        .map_or(String::new(), |n| format!(": {n}"))
                );
            }
        }
    }
    out
}
