//! One reader per input format. Each takes the bytes of one file and returns a [`Batch`]:
//! the source it describes, its statements, and a [`Report`] of what was received,
//! accepted, rejected, duplicated or ignored and why. Readers do no IO of their own.
//!
//! A file that cannot be read as a whole (truncated, not UTF-8, not JSON, not a format
//! dossier knows) is a [`ReadError`] naming the file and the line, byte or JSON path; a
//! single bad record inside a good file is rejected with a [`Diagnostic`] and the rest is
//! kept.

mod batch;
mod csl;
mod detect;
mod ftm;
mod json;
mod misp;
mod ofac;
mod ofac_xml;
mod stix;
mod table;
mod uk;
mod un;

pub use batch::{Batch, Diagnostic, Report, Severity, StixObjectText};
pub use detect::{detect, Format};
pub use ofac::{is_ofac_set, read_ofac_set, SetFile};

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
    let plain = gunzip(file_name, bytes)?;
    let plain = strip_bom(&plain);
    let format = detect(file_name, plain)?;
    read_plain(format, file_name, plain, bytes, options)
}

/// Reads one file known to be in `format`.
pub fn read_as(
    format: Format,
    file_name: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Batch, ReadError> {
    let plain = gunzip(file_name, bytes)?;
    read_plain(format, file_name, strip_bom(&plain), bytes, options)
}

fn read_plain(
    format: Format,
    file_name: &str,
    plain: &[u8],
    raw: &[u8],
    options: &ReadOptions,
) -> Result<Batch, ReadError> {
    if format == Format::UkSanctionsCsv {
        // Decodes itself: OFSI's older files are Windows-1252.
        return qualify(uk::read_uk(file_name, plain, raw, options)?, options);
    }
    let text = json::utf8(file_name, plain)?;
    read_text(format, file_name, text, raw, options)
}

/// `raw` is the file as received: its hash identifies the source, so `sha256sum FILE`
/// matches what `dossier sources` shows.
fn read_text(
    format: Format,
    file_name: &str,
    text: &str,
    raw: &[u8],
    options: &ReadOptions,
) -> Result<Batch, ReadError> {
    let batch = match format {
        Format::StixBundle => stix::read_bundle(file_name, text, raw, options),
        Format::StixJsonLines => stix::read_lines(file_name, text, raw, options),
        Format::MispGalaxyClusters => misp::read_clusters(file_name, text, raw, options),
        Format::UnConsolidatedXml => un::read_un(file_name, text, raw, options),
        Format::OfacXml => ofac_xml::read_ofac_xml(file_name, text, raw, options),
        Format::UkSanctionsCsv => uk::read_uk(file_name, text.as_bytes(), raw, options),
        Format::UsScreeningListCsv => csl::read_csl(file_name, text, raw, options),
        Format::FtmJsonLines => ftm::read_ftm(file_name, text, raw, options),
    }?;
    qualify(batch, options)
}

/// The same bytes read with another default marking or dataset are another source:
/// re-reading a feed as TLP:AMBER must not be taken for the CLEAR copy already held.
fn qualify(mut batch: Batch, options: &ReadOptions) -> Result<Batch, ReadError> {
    let defaults = ReadOptions::default();
    if options.default_marking != defaults.default_marking || options.dataset.is_some() {
        let qualifier = format!(
            "marking={};dataset={}",
            options.default_marking.as_str(),
            options.dataset.as_deref().unwrap_or("")
        );
        let id =
            dossier_model::SourceId::for_content_qualified(&batch.source.content_hash, &qualifier);
        for s in &mut batch.statements {
            s.source = id.clone();
        }
        batch.source.id = id;
    }
    Ok(batch)
}

/// The bytes without a leading UTF-8 byte-order mark.
fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// The file name without its directories.
pub(crate) fn base_name(file: &str) -> &str {
    std::path::Path::new(file)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(file)
}

/// Largest decompressed size accepted (a guard against gzip bombs).
const MAX_DECOMPRESSED: u64 = 4 << 30;

/// The bytes, decompressed if they are gzip.
pub fn gunzip<'a>(file_name: &str, bytes: &'a [u8]) -> Result<Cow<'a, [u8]>, ReadError> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(Cow::Borrowed(bytes));
    }
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(8).min(1 << 30));
    let mut decoder = flate2::read::MultiGzDecoder::new(bytes).take(MAX_DECOMPRESSED + 1);
    decoder.read_to_end(&mut out).map_err(|e| ReadError::Gzip {
        file: file_name.to_owned(),
        message: format!("{e} (after {} decompressed bytes)", out.len()),
    })?;
    if out.len() as u64 > MAX_DECOMPRESSED {
        return Err(ReadError::Gzip {
            file: file_name.to_owned(),
            message: format!("decompresses to more than {MAX_DECOMPRESSED} bytes"),
        });
    }
    Ok(Cow::Owned(out))
}
