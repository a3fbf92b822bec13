//! `dossier screen` and `dossier compare`: the screening engine over the store's records,
//! single queries with their context, streaming batches, and pair scoring for evaluation.

use std::fmt::Write as _;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

use anyhow::{bail, Context, Result};
use dossier_model::PartialDate;
use dossier_screen::{compare, Comparison, Hit, Index, Kind, Query};
use dossier_server::context::ContextHit;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

pub fn render_hits(query: &Query, hits: &[ContextHit]) -> String {
    let mut out = String::new();
    if hits.is_empty() {
        let _ = writeln!(
            out,
            "no match for {:?} at threshold {}",
            query.name, query.threshold
        );
        return out;
    }
    for (i, c) in hits.iter().enumerate() {
        let h = &c.hit;
        let _ = writeln!(
            out,
            "{}. {} ({:?})  score {:.2}{}  {}",
            i + 1,
            h.caption,
            h.kind,
            h.score,
            if h.matched { "" } else { " (below threshold)" },
            h.id
        );
        let _ = writeln!(
            out,
            "   name: {:?} ~ {:?}",
            h.name.query_name, h.name.candidate_name
        );
        let pairs: Vec<String> = h
            .name
            .pairs
            .iter()
            .map(|p| format!("{}~{} {:.2}", p.query, p.candidate, p.similarity))
            .collect();
        if !pairs.is_empty() {
            let _ = writeln!(out, "   words: {}", pairs.join(", "));
        }
        let features: Vec<String> = h
            .name
            .features
            .iter()
            .chain(&h.features)
            .map(|f| format!("{} {} ({})", f.name, f.value, f.detail))
            .collect();
        let _ = writeln!(out, "   why: {}", features.join("; "));
        for l in &h.listings {
            let _ = writeln!(
                out,
                "   listed: {} by {}{}{}{}",
                l.dataset,
                l.authority.as_deref().unwrap_or("?"),
                l.record_id
                    .as_deref()
                    .map(|r| format!(", record {r}"))
                    .unwrap_or_default(),
                if l.programs.is_empty() {
                    String::new()
                } else {
                    format!(", programme {}", l.programs.join(", "))
                },
                l.listed_on
                    .as_deref()
                    .map(|d| format!(", since {d}"))
                    .unwrap_or_default(),
            );
            let _ = writeln!(out, "           list version {}", l.source);
        }
        if !c.linked_records.is_empty() {
            let _ = writeln!(out, "   same entity as: {}", c.linked_records.join("; "));
        }
        for r in c.relations.iter().take(12) {
            let arrow = if r.direction == "out" { "->" } else { "<-" };
            let by = if r.issuers.is_empty() {
                r.sources.join(", ")
            } else {
                r.issuers.join(", ")
            };
            let _ = writeln!(
                out,
                "   {arrow} {} {}  [{}]{}",
                r.predicate,
                r.other,
                by,
                if r.disputed { " DISPUTED" } else { "" }
            );
        }
        if c.relations.len() > 12 {
            let _ = writeln!(
                out,
                "   … {} more relations (dossier show)",
                c.relations.len() - 12
            );
        }
        for d in &c.disputes {
            let _ = writeln!(out, "   dispute: {d}");
        }
    }
    out
}

/// Output format of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BatchFormat {
    Csv,
    Jsonl,
}

#[derive(Serialize)]
struct BatchLine<'a> {
    row: u64,
    query: &'a str,
    hits: Vec<&'a Hit>,
    /// A qualifier of the row that could not be read (the name was screened without it).
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

/// The ISO 3166 alpha-2 code of a country code (alpha-2 or alpha-3, any case).
pub fn country_code(code: &str) -> Result<String> {
    match dossier_model::country_by_code(code) {
        Some(c) => Ok(c.alpha2.to_owned()),
        None => bail!("{code:?} is not an ISO 3166 country code"),
    }
}

/// Screens every row of a CSV file (header with at least `name`; optional `kind` or
/// `schema`, `birth_date`, `country`, `id`), writing one line of results per row as it
/// goes. Returns the number of rows.
pub fn batch(
    index: &Index,
    input: &Path,
    output: &mut dyn Write,
    format: BatchFormat,
    template: &Query,
    quiet: bool,
) -> Result<u64> {
    let file =
        std::fs::File::open(input).with_context(|| format!("cannot open {}", input.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(size)
    };
    bar.set_style(
        ProgressStyle::with_template("screening [{bar:30}] {bytes}/{total_bytes} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let reader = BufReader::new(bar.wrap_read(file));
    let mut csv_in = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers = csv_in
        .headers()
        .with_context(|| format!("{}: cannot read the header line", input.display()))?
        .clone();
    let col = |names: &[&str]| {
        headers
            .iter()
            .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
    };
    let Some(name_col) = col(&["name", "query", "name1"]) else {
        bail!(
            "{}: line 1: no `name` column in the header ({})",
            input.display(),
            headers.iter().collect::<Vec<_>>().join(",")
        );
    };
    let kind_col = col(&["kind", "schema"]);
    let bd_col = col(&["birth_date", "birthdate", "dob"]);
    let country_col = col(&["country", "nationality"]);
    let id_col = col(&["id", "row_id", "reference"]);
    let mut sink = match format {
        BatchFormat::Jsonl => Sink::Jsonl(BufWriter::new(output)),
        BatchFormat::Csv => Sink::Csv(Box::new(csv::Writer::from_writer(BufWriter::new(output)))),
    };
    if let Sink::Csv(w) = &mut sink {
        w.write_record([
            "row",
            "id",
            "query",
            "matches",
            "best_score",
            "best_entity",
            "best_name",
            "best_list",
            "best_record_id",
            "all_matches",
            "error",
        ])?;
    }
    let mut rows = 0u64;
    let mut matched = 0u64;
    for (i, record) in csv_in.records().enumerate() {
        let line = i + 2;
        let record = record
            .with_context(|| format!("{}: line {line}: unreadable CSV row", input.display()))?;
        let name = record.get(name_col).unwrap_or("").trim();
        let mut query = template.clone();
        query.name = name.to_owned();
        if let Some(k) = kind_col
            .and_then(|c| record.get(c))
            .filter(|k| !k.trim().is_empty())
        {
            query.kind = Kind::from_schema(k);
        }
        // A qualifier that cannot be read is reported in the row's output and left out:
        // the name is still screened.
        let mut errors = Vec::new();
        if let Some(d) = bd_col
            .and_then(|c| record.get(c))
            .filter(|d| !d.trim().is_empty())
        {
            match PartialDate::parse(d.trim()) {
                Ok(date) => query.birth_date = Some(date.to_string()),
                Err(_) => errors.push(format!(
                    "line {line}: birth_date {:?} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
                    d.trim()
                )),
            }
        }
        if let Some(c) = country_col
            .and_then(|c| record.get(c))
            .filter(|c| !c.trim().is_empty())
        {
            match country_code(c.trim()) {
                Ok(code) => query.country = Some(code),
                Err(e) => errors.push(format!("line {line}: country: {e}")),
            }
        }
        let error = (!errors.is_empty()).then(|| errors.join("; "));
        if let Some(e) = &error {
            bar.suspend(|| eprintln!("{}: {e}", input.display()));
        }
        let row_id = id_col.and_then(|c| record.get(c)).unwrap_or("");
        let hits = if name.is_empty() {
            Vec::new()
        } else {
            index.screen(&query)
        };
        rows += 1;
        if !hits.is_empty() {
            matched += 1;
        }
        match &mut sink {
            Sink::Jsonl(out) => {
                serde_json::to_writer(
                    &mut *out,
                    &BatchLine {
                        row: rows,
                        query: name,
                        hits: hits.iter().collect(),
                        error: error.as_deref(),
                    },
                )?;
                out.write_all(b"\n")?;
            }
            Sink::Csv(w) => {
                let best = hits.first();
                let list = best.and_then(|h| h.listings.first());
                let all: Vec<String> = hits
                    .iter()
                    .map(|h| format!("{} ({:.2})", h.caption, h.score))
                    .collect();
                w.write_record([
                    rows.to_string().as_str(),
                    row_id,
                    name,
                    hits.len().to_string().as_str(),
                    best.map(|h| format!("{:.4}", h.score))
                        .unwrap_or_default()
                        .as_str(),
                    best.map(|h| h.id.as_str()).unwrap_or(""),
                    best.map(|h| h.caption.as_str()).unwrap_or(""),
                    list.map(|l| l.dataset.as_str()).unwrap_or(""),
                    list.and_then(|l| l.record_id.as_deref()).unwrap_or(""),
                    all.join("; ").as_str(),
                    error.as_deref().unwrap_or(""),
                ])?;
            }
        }
        if rows % 256 == 0 {
            bar.set_message(format!("{rows} rows, {matched} with matches"));
        }
    }
    match sink {
        Sink::Csv(mut w) => w.flush()?,
        Sink::Jsonl(mut out) => out.flush()?,
    }
    bar.finish_and_clear();
    Ok(rows)
}

/// Where batch results go, by format.
enum Sink<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Jsonl(W),
}

/// Scores every row of a pairs CSV (`name1,name2,schema`) and writes
/// `name1,name2,schema,score,match`, one row per input row, in order.
pub fn compare_pairs(input: &mut dyn Read, label: &str, output: &mut dyn Write) -> Result<u64> {
    let mut csv_in = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(BufReader::new(input));
    let headers = csv_in
        .headers()
        .with_context(|| format!("{label}: cannot read the header line"))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let (Some(c1), Some(c2)) = (col("name1"), col("name2")) else {
        bail!("{label}: line 1: the header needs name1 and name2 columns (and optionally schema)");
    };
    let cs = col("schema");
    let mut out = csv::Writer::from_writer(BufWriter::new(output));
    out.write_record(["name1", "name2", "schema", "score", "match"])?;
    let mut n = 0;
    for (i, record) in csv_in.records().enumerate() {
        let record =
            record.with_context(|| format!("{label}: line {}: unreadable CSV row", i + 2))?;
        let (a, b) = (record.get(c1).unwrap_or(""), record.get(c2).unwrap_or(""));
        let schema = cs.and_then(|c| record.get(c)).unwrap_or("");
        let r = compare(a, b, Kind::from_schema(schema));
        out.write_record([
            a,
            b,
            schema,
            format!("{:.4}", r.score).as_str(),
            if r.matched { "true" } else { "false" },
        ])?;
        n += 1;
    }
    out.flush()?;
    Ok(n)
}

pub fn render_comparison(a: &str, b: &str, c: &Comparison) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{a:?} vs {b:?}: score {:.4} -> {}",
        c.score,
        if c.matched { "match" } else { "no match" }
    );
    let _ = writeln!(
        out,
        "  readings: {:?} ~ {:?}",
        c.detail.query_name, c.detail.candidate_name
    );
    for p in &c.detail.pairs {
        let _ = writeln!(
            out,
            "  words: {} ~ {}  {:.2}",
            p.query, p.candidate, p.similarity
        );
    }
    for f in &c.detail.features {
        let _ = writeln!(out, "  {}: {} ({})", f.name, f.value, f.detail);
    }
    out
}
