//! One reader per input format. Each takes the bytes of one file and returns a [`Batch`]:
//! the source it describes, its statements, and a [`Report`] of what was received,
//! accepted, rejected, duplicated or ignored and why. Readers do no IO of their own.
//!
//! A file that cannot be read as a whole (truncated, not UTF-8, not JSON, not a format
//! dossier knows) is a [`ReadError`] naming the file and the line, byte or JSON path; a
//! single bad record inside a good file is rejected with a [`Diagnostic`] and the rest is
//! kept.

mod batch;
mod detect;
mod json;
mod misp;
mod stix;

pub use batch::{Batch, Diagnostic, Report, Severity};
pub use detect::{detect, Format};

use std::borrow::Cow;
use std::io::Read;

use dossier_model::Tlp;

/// How to read one file.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The marking of statements whose records carry none.
    pub default_marking: Tlp,
    /// Overrides the dataset a source is filed under (versions of one dataset supersede
    /// each other).
    pub dataset: Option<String>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            default_marking: Tlp::Clear,
            dataset: None,
        }
    }
}

/// Why a whole file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("{file}: the file is empty")]
    Empty { file: String },
    #[error("{file}: gzip data is damaged or truncated: {message}")]
    Gzip { file: String, message: String },
    #[error("{file}: line {line}: byte {offset} is not valid UTF-8")]
    Encoding {
        file: String,
        line: u64,
        offset: usize,
    },
    #[error("{file}: line {line}, column {column}: {message}")]
    Json {
        file: String,
        line: u64,
        column: u64,
        message: String,
    },
    #[error("{file}: {message}")]
    Format { file: String, message: String },
}

/// Reads one file, whatever its format (see [`detect`]); gzip-compressed input is
/// decompressed first.
pub fn read(file_name: &str, bytes: &[u8], options: &ReadOptions) -> Result<Batch, ReadError> {
    let bytes = gunzip(file_name, bytes)?;
    let text = json::utf8(file_name, &bytes)?;
    match detect(file_name, text.as_bytes())? {
        Format::StixBundle => stix::read_bundle(file_name, text, bytes.as_ref(), options),
        Format::StixJsonLines => stix::read_lines(file_name, text, bytes.as_ref(), options),
        Format::MispGalaxyClusters => misp::read_clusters(file_name, text, bytes.as_ref(), options),
    }
}

/// Reads one file known to be in `format`.
pub fn read_as(
    format: Format,
    file_name: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Batch, ReadError> {
    let bytes = gunzip(file_name, bytes)?;
    let text = json::utf8(file_name, &bytes)?;
    match format {
        Format::StixBundle => stix::read_bundle(file_name, text, bytes.as_ref(), options),
        Format::StixJsonLines => stix::read_lines(file_name, text, bytes.as_ref(), options),
        Format::MispGalaxyClusters => misp::read_clusters(file_name, text, bytes.as_ref(), options),
    }
}

/// The bytes, decompressed if they are gzip.
pub fn gunzip<'a>(file_name: &str, bytes: &'a [u8]) -> Result<Cow<'a, [u8]>, ReadError> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(Cow::Borrowed(bytes));
    }
    let mut out = Vec::with_capacity(bytes.len() * 8);
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(|e| ReadError::Gzip {
            file: file_name.to_owned(),
            message: e.to_string(),
        })?;
    Ok(Cow::Owned(out))
}
