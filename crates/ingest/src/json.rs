//! JSON helpers shared by the readers: positions, error wording, per-record decoding.

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::ReadError;

pub(crate) fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r' | b'\n') {
        i += 1;
    }
    i
}

/// The input as text, or an error naming the first byte that is not UTF-8.
pub(crate) fn utf8<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, ReadError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        ReadError::Encoding {
            file: file.to_owned(),
            line: 1 + bytes[..offset].iter().filter(|&&b| b == b'\n').count() as u64,
            offset,
        }
    })
}

/// Finds the line of a byte offset; built once per file.
pub(crate) struct Lines {
    newlines: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Self {
        let newlines = text
            .bytes()
            .enumerate()
            .filter_map(|(i, b)| (b == b'\n').then_some(i))
            .collect();
        Lines { newlines }
    }

    /// 1-based line of byte `offset`.
    pub fn line_at(&self, offset: usize) -> u64 {
        self.newlines.partition_point(|&nl| nl < offset) as u64 + 1
    }
}

/// Byte offset of `part`, a slice borrowed from `whole`.
pub(crate) fn offset_in(whole: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

/// Line and column in the whole input of a position reported while parsing the slice that
/// starts at byte `start`.
pub(crate) fn shift(bytes: &[u8], start: usize, line: u64, column: u64) -> (u64, u64) {
    let before = &bytes[..start];
    let lines_before = before.iter().filter(|&&b| b == b'\n').count() as u64;
    if line <= 1 {
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        (lines_before + 1, column + (start - line_start) as u64)
    } else {
        (lines_before + line, column)
    }
}

/// serde_json's message without its trailing position, reworded where it helps.
pub(crate) fn message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let bare = match full.rfind(" at line ") {
        Some(i) => full[..i].to_owned(),
        None => full,
    };
    if e.is_eof() {
        format!("the input ends too early, the file looks truncated ({bare})")
    } else {
        bare
    }
}

/// Parses a whole document of type `T`, naming line, column and the field on failure.
pub(crate) fn parse_document<'a, T: serde::Deserialize<'a>>(
    file: &str,
    text: &'a str,
) -> Result<T, ReadError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = match path.as_str() {
            "." | "" => message(&inner),
            p => format!("at {p}: {}", message(&inner)),
        };
        ReadError::Json {
            file: file.to_owned(),
            line: inner.line() as u64,
            column: inner.column() as u64,
            message,
        }
    })?;
    de.end().map_err(|e| ReadError::Json {
        file: file.to_owned(),
        line: e.line() as u64,
        column: e.column() as u64,
        message: message(&e),
    })?;
    Ok(value)
}

/// A record that failed to decode: the JSON path inside it and why.
pub(crate) struct RecordError {
    pub path: String,
    pub message: String,
}

/// Decodes one record, naming the field that failed.
pub(crate) fn decode<T: DeserializeOwned>(raw: &RawValue) -> Result<T, RecordError> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        RecordError {
            path: if path == "." { String::new() } else { path },
            message: message(e.inner()),
        }
    })
}

/// Joins a record's path and a field path inside it.
pub(crate) fn join_path(record: &str, field: &str) -> String {
    match field {
        "" => record.to_owned(),
        f if f.starts_with('[') => format!("{record}{f}"),
        f => format!("{record}.{f}"),
    }
}
