//! Rendering of documents read and findings for review, and reading a document file.

use std::fmt::Write as _;

use anyhow::{bail, Context, Result};
use dossier_server::reading::ReadResult;
use dossier_store::Finding;

/// Text rendering of a read.
pub fn render_read(r: &ReadResult) -> String {
    let mut out = String::new();
    let s = &r.outcome.source;
    let _ = writeln!(out, "{} ({})", s.title, s.id);
    let _ = writeln!(
        out,
        "published {}{}",
        s.published.map_or("unknown".into(), |p| p.to_string()),
        s.publisher
            .as_ref()
            .map_or(String::new(), |p| format!(" by {p}"))
    );
    if r.outcome.already_present {
        let _ = writeln!(
            out,
            "this text was read before; its findings and decisions are unchanged"
        );
    }
    if !r.linked.is_empty() {
        let _ = writeln!(out, "\nknown entities named:");
        for l in &r.linked {
            let amb = if l.ambiguous {
                format!("  AMBIGUOUS: {}", l.entities.join(", "))
            } else {
                String::new()
            };
            let _ = writeln!(out, "  {} ({}) ×{}{amb}", l.name, l.kind, l.mentions);
        }
    }
    for (kind, label) in [
        ("entity", "new people and organisations"),
        ("indicator", "indicators"),
        ("claim", "claims and denials"),
    ] {
        let list: Vec<&Finding> = r
            .outcome
            .findings
            .iter()
            .filter(|f| f.kind == kind)
            .collect();
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n{label}:");
        for f in list {
            let _ = writeln!(out, "  #{:<5} {:<8} {}", f.id, f.status, f.summary);
            if kind == "claim" {
                let _ = writeln!(out, "         “{}”", f.context);
            }
        }
    }
    if r.screening.is_empty() {
        let _ = writeln!(
            out,
            "\nsanctions screening: no person or organisation named is listed"
        );
    } else {
        let _ = writeln!(out, "\nsanctions screening hits:");
        for h in &r.screening {
            let _ = writeln!(
                out,
                "  {} ({}) ~ {} {:.2}  {}  [{}]",
                h.party,
                h.kind,
                h.caption,
                h.score,
                h.lists.join("; "),
                h.entity
            );
        }
    }
    let pending = r
        .outcome
        .findings
        .iter()
        .filter(|f| f.status == "pending")
        .count();
    if pending > 0 {
        let _ = writeln!(out, "\n{pending} findings pending: dossier review, dossier accept ID…|--all, dossier reject ID…");
    }
    out
}

/// Text rendering of findings for review.
pub fn render_review(findings: &[Finding]) -> String {
    let mut out = String::new();
    if findings.is_empty() {
        out.push_str("no findings\n");
        return out;
    }
    let mut document = "";
    for f in findings {
        if f.document != document {
            document = &f.document;
            let _ = writeln!(out, "\n{} ({})", f.document, f.source);
        }
        let decided = f
            .decided_by
            .as_ref()
            .map_or(String::new(), |b| format!(" by {b}"));
        let _ = writeln!(out, "  #{:<5} {:<8}{decided} {}", f.id, f.status, f.summary);
        if !f.context.is_empty() {
            let _ = writeln!(out, "         “{}”", f.context);
        }
        if let Some(n) = &f.note {
            let _ = writeln!(out, "         note: {n}");
        }
    }
    out
}

/// Reads a document file as UTF-8, naming the first bad byte.
pub fn read_text(path: &std::path::Path) -> Result<(String, String)> {
    let (bytes, label) = if path.as_os_str() == "-" {
        let mut b = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut b)
            .context("reading standard input")?;
        (b, "standard input".to_owned())
    } else {
        (
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?,
            path.display().to_string(),
        )
    };
    match String::from_utf8(bytes) {
        Ok(t) if t.trim().is_empty() => bail!("{label}: the document is empty"),
        Ok(t) => Ok((
            t.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(t),
            label,
        )),
        Err(e) => bail!(
            "{label}: not UTF-8 text at byte {} (convert it first, e.g. with iconv)",
            e.utf8_error().valid_up_to()
        ),
    }
}
