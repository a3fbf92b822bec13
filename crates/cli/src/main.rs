//! `dossier`: who is this, who is behind it, who says so.

// Imports allocate and free millions of small strings; mimalloc halves the time the
// system allocator spends on them (bench/import_vs_stix2.sh).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod inputs;
mod iocs;
mod read;
mod render;
mod screening;
mod update;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use dossier_ingest::ReadOptions;
use dossier_model::{EntityId, PartialDate, Stance, Tlp};
use dossier_server::bundled;
use dossier_store::{AuditFilter, ImportOutcome, Prepared, ReadFilter, Role, Store};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

#[derive(Parser, Debug)]
#[command(
    name = "dossier",
    version,
    about = "Who is this, who is behind it, who says so, and is it sanctioned?"
)]
struct Cli {
    /// The database file [default: the per-user data directory, e.g. ~/.local/share/dossier/dossier.db]
    #[arg(long, global = true, env = "DOSSIER_DB")]
    db: Option<PathBuf>,
    /// Print JSON instead of text
    #[arg(long, global = true)]
    json: bool,
    /// Most restricted TLP marking to show: clear, green, amber, amber+strict or red
    #[arg(long, global = true, env = "DOSSIER_CLEARANCE", default_value = "red")]
    clearance: Tlp,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Load the bundled datasets (MITRE ATT&CK, MISP galaxies, UN and OFAC lists); safe to repeat
    Init,
    /// Import files: STIX 2.0/2.1 bundles or JSON lines, MISP galaxy clusters (gzip accepted)
    Ingest {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Marking for records that carry none
        #[arg(long, default_value = "clear")]
        tlp: Tlp,
        /// File the sources under this dataset (newer versions of a dataset supersede older)
        #[arg(long)]
        dataset: Option<String>,
        /// Do not load the bundled datasets into an empty database first
        #[arg(long)]
        no_init: bool,
        /// Publication date of files that carry none (OFAC CSV, US CSL): orders versions
        #[arg(long)]
        published: Option<PartialDate>,
    },
    /// Show everything known about an entity, by name, alias, external id or entity id
    Show {
        query: String,
        /// Only what was stated and valid on this date (YYYY, YYYY-MM or YYYY-MM-DD)
        #[arg(long)]
        as_of: Option<PartialDate>,
    },
    /// Find entities whose names contain TEXT
    Search {
        text: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// List imported sources with their hashes and counts, or compare two versions
    Sources {
        #[command(subcommand)]
        action: Option<SourcesAction>,
    },
    /// Download the current official lists (OFAC SDN, UN, UK, US CSL) and import them
    Update {
        /// Only these lists (ofac-sdn, un, uk, csl); all by default
        #[arg(long = "list")]
        lists: Vec<String>,
        /// Fetch from a mirror instead of the publishers: URL/<list>/<file>
        #[arg(long)]
        mirror: Option<String>,
    },
    /// Screen a name against the sanctions lists and threat-intel entities (any script)
    Screen {
        /// The name to screen; omit with --batch
        #[arg(required_unless_present = "batch")]
        name: Option<String>,
        /// What the name is of
        #[arg(long, value_enum, default_value = "any")]
        kind: KindArg,
        /// Birth date (YYYY, YYYY-MM or YYYY-MM-DD): agreeing raises, contradicting lowers
        #[arg(long)]
        birth_date: Option<PartialDate>,
        /// Country (ISO 3166 code) of nationality, citizenship or registration
        #[arg(long)]
        country: Option<String>,
        /// An identifier, VALUE or SCHEME:VALUE (passport, IMO, registration number); repeatable
        #[arg(long = "id")]
        ids: Vec<String>,
        /// Lowest score reported [default: the calibrated threshold]
        #[arg(long, default_value_t = dossier_screen::THRESHOLD)]
        threshold: f64,
        /// Most hits per name
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Screen every row of a CSV file (header with `name`; optional `kind`, `birth_date`, `country`, `id`)
        #[arg(long, conflicts_with = "name")]
        batch: Option<PathBuf>,
        /// Where to write batch results [default: standard output]
        #[arg(long, requires = "batch")]
        output: Option<PathBuf>,
        /// Batch output format
        #[arg(long, value_enum, default_value = "csv", requires = "batch")]
        format: screening::BatchFormat,
    },
    /// Score two names against each other with the explanation, or every pair of a CSV file
    Compare {
        #[arg(required_unless_present = "pairs")]
        name_a: Option<String>,
        #[arg(required_unless_present = "pairs")]
        name_b: Option<String>,
        #[arg(long, value_enum, default_value = "any")]
        kind: KindArg,
        /// CSV with columns name1,name2,schema (FollowTheMoney schema names); `-` for stdin.
        /// Writes name1,name2,schema,score,match, one row per input row, in order
        #[arg(long, conflicts_with_all = ["name_a", "name_b"])]
        pairs: Option<PathBuf>,
        /// Where to write the scored pairs [default: standard output]
        #[arg(long, requires = "pairs")]
        output: Option<PathBuf>,
    },
    /// Indicators of a text (URLs, domains, IPs, hashes, CVE and ATT&CK ids, crypto
    /// addresses, files, paths, registry keys) as JSON lines, refanged, with their spans
    Iocs {
        /// A text file, or `-` for standard input
        input: PathBuf,
        /// Leave out benign look-alikes (reference domains, resolvers, private ranges…)
        #[arg(long)]
        hide_benign: bool,
    },
    /// Read a report, advisory or article: entities (known and new), indicators, claims and
    /// denials with their issuers and dates, held as pending findings; screens every person
    /// and organisation named against the sanctions lists
    Read {
        /// A UTF-8 text file, or `-` for standard input
        file: PathBuf,
        /// When the document was published (relative dates are read against it) [default: today]
        #[arg(long)]
        published: Option<PartialDate>,
        /// The document's title [default: its first line]
        #[arg(long)]
        title: Option<String>,
        /// Who published it (the issuer of what the text says in its own voice)
        #[arg(long)]
        publisher: Option<String>,
        /// The document's TLP marking
        #[arg(long, default_value = "clear")]
        tlp: Tlp,
    },
    /// List findings of documents read: pending ones by default
    Review {
        /// Which findings: pending, accepted, rejected or all
        #[arg(long, default_value = "pending")]
        status: String,
        /// Only the findings of this document (source id)
        #[arg(long)]
        document: Option<String>,
    },
    /// Accept findings: their statements join the store with the document as source
    Accept {
        /// Finding ids (as `dossier review` lists them)
        #[arg(required_unless_present = "all")]
        ids: Vec<i64>,
        /// Every pending finding (of --document, if given)
        #[arg(long, conflicts_with = "ids")]
        all: bool,
        #[arg(long)]
        document: Option<String>,
        /// Why, kept with the decision
        #[arg(long)]
        note: Option<String>,
        #[arg(long, env = "USER", default_value = "analyst")]
        analyst: String,
    },
    /// Reject findings: nothing of them joins the store; the decision is kept
    Reject {
        #[arg(required = true)]
        ids: Vec<i64>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long, env = "USER", default_value = "analyst")]
        analyst: String,
    },
    /// Record that two entities are the same (an analyst's link)
    Link {
        a: EntityId,
        b: EntityId,
        #[arg(long, env = "USER", default_value = "analyst")]
        analyst: String,
    },
    /// Record that two entities are not the same; separates records the resolver linked
    Unlink {
        a: EntityId,
        b: EntityId,
        #[arg(long, env = "USER", default_value = "analyst")]
        analyst: String,
    },
    /// Serve the REST API (OpenAPI at /openapi.json, pages at /docs), yente-compatible
    /// /match and TAXII 2.1 (/taxii2/) until Ctrl-C or SIGTERM
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// Largest upload (imports, documents, TAXII envelopes) in MiB
        #[arg(long, default_value_t = 256)]
        max_upload_mib: usize,
        /// No request log lines
        #[arg(long)]
        quiet: bool,
    },
    /// API tokens for the server: each has a role and a TLP clearance
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// The audit trail: screenings (who, when, query, list versions, results) and
    /// decisions on hits
    Audit {
        /// Only this token's entries
        #[arg(long)]
        actor: Option<String>,
        /// Only `screen` or `decision` entries
        #[arg(long)]
        action: Option<String>,
        /// Entries after this id
        #[arg(long)]
        after: Option<i64>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
}

#[derive(Subcommand, Debug)]
enum TokenAction {
    /// Create a token; its secret is printed once and stored only as a hash
    Create {
        #[arg(long)]
        name: String,
        /// reader (read, search, screen), analyst (also import, read documents, decide,
        /// add TAXII objects) or admin (also everyone's audit trail)
        #[arg(long)]
        role: Role,
        /// Most restricted TLP marking the holder may see
        #[arg(long)]
        clearance: Tlp,
    },
    /// List tokens (never their secrets)
    List,
    /// Revoke a token: its secret stops working at once
    Revoke { name: String },
}

#[derive(Subcommand, Debug)]
enum SourcesAction {
    /// Designations added, removed and changed from version A to version B of a list
    Diff {
        /// A source id (as `dossier sources` lists it) or the path of a file or OFAC
        /// directory already imported
        a: String,
        /// The same, for the newer version
        b: String,
    },
}

/// What a screened name is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum KindArg {
    Person,
    Organization,
    Vessel,
    Aircraft,
    Any,
}

impl From<KindArg> for dossier_screen::Kind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Person => dossier_screen::Kind::Person,
            KindArg::Organization => dossier_screen::Kind::Organization,
            KindArg::Vessel => dossier_screen::Kind::Vessel,
            KindArg::Aircraft => dossier_screen::Kind::Aircraft,
            KindArg::Any => dossier_screen::Kind::Any,
        }
    }
}

/// Reads stdin or a file.
fn open_input(path: &std::path::Path) -> Result<Box<dyn std::io::Read>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    let f = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(Box::new(f))
}

/// Opens the output file, or standard output.
fn output_to(path: Option<&PathBuf>) -> Result<Box<dyn std::io::Write>> {
    Ok(match path {
        Some(p) => Box::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    })
}

/// The source id an argument names: an id, or the id of an already imported path.
fn source_id_of(arg: &str) -> Result<String> {
    if arg.starts_with("source--") {
        return Ok(arg.to_owned());
    }
    let inputs = inputs::plan(&[PathBuf::from(arg)]).map_err(anyhow::Error::msg)?;
    match inputs.as_slice() {
        [one] => Ok(one
            .read(&ReadOptions::default())
            .map_err(anyhow::Error::msg)?
            .source
            .id
            .to_string()),
        _ => bail!(
            "{arg}: names {} imports; give one file, one OFAC directory or a source id",
            inputs.len()
        ),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn default_db() -> Result<PathBuf> {
    let dir = dirs::data_dir()
        .or_else(|| dirs::home_dir().map(|h| h.join(".local/share")))
        .context("no per-user data directory; pass --db or set DOSSIER_DB")?;
    Ok(dir.join("dossier").join("dossier.db"))
}

fn open(cli: &Cli) -> Result<Store> {
    let path = match &cli.db {
        Some(p) => p.clone(),
        None => default_db()?,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    Store::open(&path).with_context(|| format!("cannot open database {}", path.display()))
}

fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

fn print_json(value: &impl Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Result of importing one file, for the summary.
#[derive(Serialize)]
struct FileResult {
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outcome: Option<ImportOutcome>,
}

/// A file to import: its name, its size (for the progress bar) and how to read it.
struct Job<'a> {
    name: String,
    size: u64,
    read: Box<dyn FnOnce() -> Result<dossier_ingest::Batch, String> + Send + 'a>,
}

/// Imports files as one bulk import: each is read (and its rows prepared) on other cores
/// while the ones before it are written (reading starts before the store is opened
/// with `open_store`, and runs up to four files ahead), and freed there once written; a
/// file that cannot be read is reported and
/// skipped, and the alias resolver runs once at the end, reported with the last file
/// that changed the store. Nothing is committed before the end; a file that fails to
/// write leaves nothing of the whole import (each file then reports why). Downloads
/// (`slow_inputs`) are imported through the store's log, so that commands run meanwhile
/// never wait for them.
fn import_files<S: std::borrow::BorrowMut<Store>>(
    open_store: impl FnOnce() -> Result<S>,
    jobs: Vec<Job<'_>>,
    slow_inputs: bool,
    quiet: bool,
) -> Result<Vec<FileResult>> {
    let names: Vec<(String, u64)> = jobs.iter().map(|j| (j.name.clone(), j.size)).collect();
    let mut results: Vec<FileResult> = Vec::with_capacity(jobs.len());
    std::thread::scope(|scope| {
        let (ready, next) = std::sync::mpsc::sync_channel(3);
        scope.spawn(move || {
            for job in jobs {
                if ready.send((job.read)().map(Prepared::new)).is_err() {
                    break;
                }
            }
        });
        let mut store = open_store()?;
        let store = store.borrow_mut();
        let mut bulk = if slow_inputs {
            store.bulk_import_through_log(&now())?
        } else {
            store.bulk_import(&now())?
        };
        for (name, size) in &names {
            let bar = if quiet || *size < 1 << 20 {
                ProgressBar::hidden()
            } else {
                ProgressBar::new_spinner()
            };
            bar.set_message(format!("reading {name}"));
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            let read = next
                .recv()
                .unwrap_or_else(|_| Err("the reading thread stopped".to_owned()));
            let prepared = match read {
                Ok(p) => p,
                Err(e) => {
                    bar.finish_and_clear();
                    results.push(FileResult {
                        path: name.clone(),
                        error: Some(e),
                        outcome: None,
                    });
                    continue;
                }
            };
            bar.set_style(
                ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_length(prepared.batch().statements.len() as u64);
            bar.set_message(format!("writing {name}"));
            let result = bulk.import_prepared(&prepared, &mut |done, _| bar.set_position(done));
            bar.finish_and_clear();
            // A large batch takes a while to free: not on the thread that writes.
            std::thread::spawn(move || drop(prepared));
            results.push(match result {
                Ok(outcome) => FileResult {
                    path: name.clone(),
                    error: None,
                    outcome: Some(outcome),
                },
                Err(e) => FileResult {
                    path: name.clone(),
                    error: Some(format!("{name}: import failed, nothing was written: {e}")),
                    outcome: None,
                },
            });
        }
        match bulk.finish() {
            Ok(resolution) => {
                if let Some(last) = results
                    .iter_mut()
                    .filter_map(|r| r.outcome.as_mut())
                    .rfind(|o| !o.already_present)
                {
                    last.resolution = resolution;
                }
            }
            Err(e) => {
                for r in &mut results {
                    if r.outcome.take().is_some() {
                        r.error = Some(format!(
                            "{}: import failed, nothing was written: {e}",
                            r.path
                        ));
                    }
                }
            }
        }
        anyhow::Ok(())
    })?;
    Ok(results)
}

fn report(results: &[FileResult], json: bool) -> Result<ExitCode> {
    if json {
        print_json(&results)?;
    } else {
        for r in results {
            render::import_result(r.path.as_str(), r.error.as_deref(), r.outcome.as_ref());
        }
    }
    Ok(if results.iter().any(|r| r.error.is_some()) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn init(store: &mut Store, quiet: bool) -> Result<Vec<FileResult>> {
    let jobs = bundled::BUNDLED
        .iter()
        .map(|b| Job {
            name: b.name.to_owned(),
            size: b.size(),
            read: Box::new(move || b.read()),
        })
        .collect();
    import_files(|| Ok(store), jobs, false, quiet)
}

/// Loads the bundled data into an empty database before a read.
fn ensure_initialised(store: &mut Store, json: bool) -> Result<()> {
    if store.is_empty()? {
        if !json {
            eprintln!("empty database: loading the bundled datasets first (dossier init)");
        }
        let results = init(store, json)?;
        if let Some(failed) = results.iter().find_map(|r| r.error.as_ref()) {
            bail!("loading bundled data failed: {failed}");
        }
    }
    Ok(())
}

/// Accepts or rejects findings and reports what that did.
fn decide(
    cli: &Cli,
    store: &mut Store,
    ids: &[i64],
    decision: dossier_store::Decision,
    analyst: &str,
    note: Option<&str>,
) -> Result<ExitCode> {
    let outcome = store.decide(ids, decision, analyst, note, cli.clearance, &now())?;
    if cli.json {
        print_json(&outcome)?;
    } else if decision == dossier_store::Decision::Accept {
        println!(
            "accepted {} findings; {} statements added",
            outcome.decided.len(),
            outcome.statements_added
        );
    } else {
        println!("rejected {} findings", outcome.decided.len());
    }
    Ok(ExitCode::SUCCESS)
}

fn run(cli: &Cli) -> Result<ExitCode> {
    let filter = |as_of: Option<PartialDate>| ReadFilter {
        clearance: cli.clearance,
        as_of,
    };
    match &cli.command {
        Command::Init => {
            let mut store = open(cli)?;
            let results = init(&mut store, cli.json)?;
            report(&results, cli.json)
        }
        Command::Ingest {
            paths,
            tlp,
            dataset,
            no_init,
            published,
        } => {
            let options = ReadOptions {
                default_marking: *tlp,
                dataset: dataset.clone(),
            };
            let plan = inputs::plan(paths).map_err(anyhow::Error::msg)?;
            let options = &options;
            let jobs = plan
                .into_iter()
                .map(|input| Job {
                    name: input.label(),
                    size: input.size(),
                    read: Box::new(move || {
                        input.read(options).map(|mut b| {
                            if b.source.published.is_none() {
                                b.source.published = *published;
                            }
                            b
                        })
                    }),
                })
                .collect();
            // The files are read while the store opens (and loads the bundled data).
            let open_store = || {
                let mut store = open(cli)?;
                if !no_init {
                    ensure_initialised(&mut store, cli.json)?;
                }
                Ok(store)
            };
            let results = import_files(open_store, jobs, false, cli.json)?;
            report(&results, cli.json)
        }
        Command::Show { query, as_of } => {
            let mut store = open(cli)?;
            ensure_initialised(&mut store, cli.json)?;
            let found = store.lookup(query, filter(*as_of))?;
            if found.is_empty() {
                if cli.json {
                    print_json(&Vec::<()>::new())?;
                } else {
                    eprintln!("nothing is called {query:?}; try: dossier search {query:?}");
                }
                return Ok(ExitCode::FAILURE);
            }
            let mut dossiers = Vec::new();
            for id in &found {
                dossiers.push(store.dossier(id, filter(*as_of))?);
            }
            if cli.json {
                print_json(&dossiers)?;
            } else {
                if dossiers.len() > 1 {
                    println!(
                        "{} different entities are called {query:?}\n",
                        dossiers.len()
                    );
                }
                for (i, d) in dossiers.iter().enumerate() {
                    if i > 0 {
                        println!("\n{}\n", "=".repeat(72));
                    }
                    print!("{}", render::dossier(d));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Search { text, limit } => {
            let mut store = open(cli)?;
            ensure_initialised(&mut store, cli.json)?;
            let hits = store.search(text, filter(None), *limit)?;
            if cli.json {
                print_json(&hits)?;
            } else {
                print!("{}", render::search(&hits));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Screen {
            name,
            kind,
            birth_date,
            country,
            ids,
            threshold,
            limit,
            batch,
            output,
            format,
        } => {
            let mut store = open(cli)?;
            ensure_initialised(&mut store, cli.json)?;
            let index = dossier_server::context::build_index(&store, filter(None))?;
            let mut query = dossier_screen::Query::new(name.clone().unwrap_or_default());
            query.kind = (*kind).into();
            query.birth_date = birth_date.map(|d| d.to_string());
            query.country = country
                .as_deref()
                .map(screening::country_code)
                .transpose()
                .context("--country")?;
            if !(0.0..=1.0).contains(threshold) {
                bail!("--threshold {threshold}: a score threshold lies between 0 and 1");
            }
            query.threshold = *threshold;
            query.limit = *limit;
            query.identifiers = ids
                .iter()
                .map(|i| match i.split_once(':') {
                    Some((scheme, value)) => (Some(scheme.to_owned()), value.to_owned()),
                    None => (None, i.clone()),
                })
                .collect();
            if let Some(path) = batch {
                let mut out = output_to(output.as_ref())?;
                let rows = screening::batch(&index, path, &mut out, *format, &query, cli.json)?;
                if !cli.json && output.is_some() {
                    eprintln!("screened {rows} rows");
                }
                return Ok(ExitCode::SUCCESS);
            }
            let hits = index
                .screen(&query)
                .into_iter()
                .map(|h| dossier_server::context::with_context(&store, filter(None), h))
                .collect::<Result<Vec<_>>>()?;
            if cli.json {
                print_json(&hits)?;
            } else {
                print!("{}", screening::render_hits(&query, &hits));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Compare {
            name_a,
            name_b,
            kind,
            pairs,
            output,
        } => {
            if let Some(path) = pairs {
                let mut input = open_input(path)?;
                let mut out = output_to(output.as_ref())?;
                screening::compare_pairs(&mut input, &path.display().to_string(), &mut out)?;
                return Ok(ExitCode::SUCCESS);
            }
            let (a, b) = (
                name_a.as_deref().unwrap_or(""),
                name_b.as_deref().unwrap_or(""),
            );
            let result = dossier_screen::compare(a, b, (*kind).into());
            if cli.json {
                print_json(&result)?;
            } else {
                print!("{}", screening::render_comparison(a, b, &result));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Iocs { input, hide_benign } => {
            let mut reader = open_input(input)?;
            let mut out = std::io::stdout().lock();
            iocs::stream(
                &mut reader,
                &input.display().to_string(),
                &mut out,
                *hide_benign,
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Update { lists, mirror } => {
            let mut store = open(cli)?;
            ensure_initialised(&mut store, cli.json)?;
            if let Some(unknown) = lists
                .iter()
                .find(|l| !update::FEEDS.iter().any(|f| f.id == l.as_str()))
            {
                let known: Vec<&str> = update::FEEDS.iter().map(|f| f.id).collect();
                bail!("unknown list {unknown:?}; known: {}", known.join(", "));
            }
            let mirror = mirror.as_deref();
            let jobs = update::FEEDS
                .iter()
                .filter(|f| lists.is_empty() || lists.iter().any(|l| l == f.id))
                .map(|feed| Job {
                    name: feed.title.to_owned(),
                    size: u64::MAX,
                    read: Box::new(move || feed.read(mirror)),
                })
                .collect();
            let results = import_files(|| Ok(&mut store), jobs, true, cli.json)?;
            report(&results, cli.json)
        }
        Command::Sources { action } => {
            let mut store = open(cli)?;
            ensure_initialised(&mut store, cli.json)?;
            match action {
                None => {
                    let sources = store.sources(cli.clearance)?;
                    if cli.json {
                        print_json(&sources)?;
                    } else {
                        print!("{}", render::sources(&sources));
                    }
                }
                Some(SourcesAction::Diff { a, b }) => {
                    let diff =
                        store.diff_sources(&source_id_of(a)?, &source_id_of(b)?, cli.clearance)?;
                    if cli.json {
                        print_json(&diff)?;
                    } else {
                        print!("{}", render::diff(&diff));
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Read {
            file,
            published,
            title,
            publisher,
            tlp,
        } => {
            let (text, label) = read::read_text(file)?;
            let mut store = open(cli)?;
            ensure_initialised(&mut store, cli.json)?;
            let index = dossier_server::context::build_index(&store, filter(None))?;
            let info = dossier_server::reading::DocumentInfo {
                file_name: file
                    .file_name()
                    .map_or(label.clone(), |f| f.to_string_lossy().into_owned()),
                title: title.clone(),
                publisher: publisher.clone(),
                published: *published,
                marking: *tlp,
            };
            let result = dossier_server::reading::read_document(
                &mut store,
                &text,
                &info,
                &index,
                filter(None),
                &now(),
            )
            .with_context(|| format!("{label}: nothing was stored"))?;
            if cli.json {
                print_json(&result)?;
            } else {
                print!("{}", read::render_read(&result));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Review { status, document } => {
            if !matches!(status.as_str(), "pending" | "accepted" | "rejected" | "all") {
                bail!("--status {status:?}: one of pending, accepted, rejected, all");
            }
            let store = open(cli)?;
            let f = dossier_store::FindingFilter {
                status: (status != "all").then(|| status.clone()),
                source: document.clone(),
            };
            let found = store.findings(&f, cli.clearance)?;
            if cli.json {
                print_json(&found)?;
            } else {
                print!("{}", read::render_review(&found));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Accept {
            ids,
            all,
            document,
            note,
            analyst,
        } => {
            let mut store = open(cli)?;
            let ids = if *all {
                store.pending_ids(document.as_deref(), cli.clearance)?
            } else {
                ids.clone()
            };
            let decision = dossier_store::Decision::Accept;
            decide(cli, &mut store, &ids, decision, analyst, note.as_deref())
        }
        Command::Reject { ids, note, analyst } => {
            let mut store = open(cli)?;
            let decision = dossier_store::Decision::Reject;
            decide(cli, &mut store, ids, decision, analyst, note.as_deref())
        }
        Command::Link { a, b, analyst } | Command::Unlink { a, b, analyst } => {
            let stance = if matches!(cli.command, Command::Link { .. }) {
                Stance::Asserts
            } else {
                Stance::Denies
            };
            let mut store = open(cli)?;
            let outcome = store.record_same_as(a, b, stance, analyst, &now(), filter(None))?;
            if cli.json {
                print_json(&outcome)?;
            } else {
                let verb = if stance == Stance::Asserts {
                    "linked"
                } else {
                    "unlinked"
                };
                println!("{verb} {a} and {b} (source {})", outcome.source.id);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            addr,
            max_upload_mib,
            quiet,
        } => {
            let path = match &cli.db {
                Some(p) => p.clone(),
                None => default_db()?,
            };
            drop(open(cli)?);
            let mut config = dossier_server::Config::new(path);
            config.addr = *addr;
            config.max_upload = max_upload_mib.saturating_mul(1 << 20);
            config.log_requests = !quiet;
            dossier_server::run(config)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Token { action } => {
            let mut store = open(cli)?;
            match action {
                TokenAction::Create {
                    name,
                    role,
                    clearance,
                } => {
                    let secret = dossier_server::new_secret();
                    let info = store.create_token(
                        name,
                        &dossier_store::token_hash(&secret),
                        *role,
                        *clearance,
                        &now(),
                    )?;
                    if cli.json {
                        print_json(&serde_json::json!({"token": secret, "info": info}))?;
                    } else {
                        println!("{secret}");
                        eprintln!(
                            "token {:?} ({}, {}) created; the secret above is shown once only",
                            info.name, info.role, info.clearance
                        );
                    }
                }
                TokenAction::List => {
                    let tokens = store.tokens()?;
                    if cli.json {
                        print_json(&tokens)?;
                    } else if tokens.is_empty() {
                        println!("no tokens");
                    } else {
                        for t in tokens {
                            let revoked = t
                                .revoked_at
                                .as_ref()
                                .map_or(String::new(), |r| format!("  revoked {r}"));
                            println!(
                                "{:<24} {:<8} {:<18} created {}{revoked}",
                                t.name,
                                t.role,
                                t.clearance.to_string(),
                                t.created_at
                            );
                        }
                    }
                }
                TokenAction::Revoke { name } => {
                    let info = store.revoke_token(name, &now())?;
                    if cli.json {
                        print_json(&info)?;
                    } else {
                        println!("revoked {}", info.name);
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            actor,
            action,
            after,
            limit,
        } => {
            let store = open(cli)?;
            let entries = store.audit(&AuditFilter {
                clearance: cli.clearance,
                actor: actor.clone(),
                action: action.clone(),
                subject: None,
                after: *after,
                limit: *limit,
            })?;
            if cli.json {
                print_json(&entries)?;
            } else {
                print!("{}", render::audit(&entries));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
