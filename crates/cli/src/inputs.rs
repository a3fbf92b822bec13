//! What `ingest` was given, as units to import: single files, and OFAC CSV sets (the
//! files of one directory that make one list version).

use std::path::{Path, PathBuf};

use dossier_ingest::{Batch, ReadError, ReadOptions, SetFile};

/// One import: a file, or the files of an OFAC CSV set.
#[derive(Debug)]
pub enum Input {
    File(PathBuf),
    OfacSet { dir: PathBuf, files: Vec<PathBuf> },
}

impl Input {
    pub fn label(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::OfacSet { dir, .. } => format!("{} (OFAC CSV set)", dir.display()),
        }
    }

    /// Total size of the files, for deciding whether to show progress.
    pub fn size(&self) -> u64 {
        let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
        match self {
            Input::File(p) => size(p),
            Input::OfacSet { files, .. } => files.iter().map(|f| size(f)).sum(),
        }
    }

    /// Reads the input into a batch; IO errors are reported like read errors.
    pub fn read(&self, options: &ReadOptions) -> Result<Batch, String> {
        let load =
            |p: &Path| std::fs::read(p).map_err(|e| format!("{}: cannot read: {e}", p.display()));
        match self {
            Input::File(p) => {
                let bytes = load(p)?;
                dossier_ingest::read(&p.display().to_string(), &bytes, options)
                    .map_err(|e: ReadError| e.to_string())
            }
            Input::OfacSet { files, .. } => {
                let mut loaded = Vec::new();
                for f in files {
                    loaded.push((f.display().to_string(), load(f)?));
                }
                let set: Vec<SetFile<'_>> = loaded
                    .iter()
                    .map(|(n, b)| SetFile { name: n, bytes: b })
                    .collect();
                dossier_ingest::read_ofac_set(&set, options).map_err(|e| e.to_string())
            }
        }
    }
}

fn is_consolidated(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.to_ascii_lowercase().starts_with("cons_"))
}

fn is_ofac_member(p: &Path) -> bool {
    p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        dossier_ingest::is_ofac_set(&[n])
            || matches!(
                n.to_ascii_lowercase().as_str(),
                "add.csv"
                    | "alt.csv"
                    | "sdn_comments.csv"
                    | "cons_add.csv"
                    | "cons_alt.csv"
                    | "cons_comments.csv"
            )
    })
}

/// The imports the paths ask for: directories are expanded (their OFAC files make one
/// set, other files import one by one); OFAC files named directly are grouped by
/// directory into sets.
pub fn plan(paths: &[PathBuf]) -> Result<Vec<Input>, String> {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: cannot list: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|e| e.is_file())
                .collect();
            entries.sort();
            files.extend(entries);
        } else {
            files.push(p.clone());
        }
    }
    let mut inputs: Vec<Input> = Vec::new();
    for f in files {
        if !is_ofac_member(&f) {
            inputs.push(Input::File(f));
            continue;
        }
        // One set per directory and list: the SDN files and the consolidated (cons_)
        // files of one download folder are two sets.
        let dir = f.parent().map(Path::to_path_buf).unwrap_or_default();
        let cons = is_consolidated(&f);
        let same_set = |i: &Input| match i {
            Input::OfacSet { dir: d, files } => {
                *d == dir && files.first().is_some_and(|g| is_consolidated(g) == cons)
            }
            Input::File(_) => false,
        };
        match inputs.iter_mut().find(|i| same_set(i)) {
            Some(Input::OfacSet { files, .. }) => files.push(f),
            _ => inputs.push(Input::OfacSet {
                dir,
                files: vec![f],
            }),
        }
    }
    Ok(inputs)
}
