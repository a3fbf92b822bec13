//! CSV rows with the line each starts on, shared by the CSV readers.

use crate::json::Lines;
use crate::ReadError;

/// Every record of a headerless-or-not CSV text, with its 1-based starting line. A file
/// that stops inside a quoted field is refused as truncated.
pub(crate) fn rows(file: &str, text: &str) -> Result<Vec<(u64, csv::StringRecord)>, ReadError> {
    let lines = Lines::new(text);
    // The reader may report a record as starting on the line break before it (after a
    // CR of CRLF): one byte on is always within the record's first line.
    let line_of =
        |pos: Option<&csv::Position>| pos.map_or(0, |p| lines.line_at(p.byte() as usize + 1));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for result in reader.records() {
        match result {
            Ok(r) => out.push((line_of(r.position()), r)),
            Err(e) => {
                return Err(ReadError::Json {
                    file: file.to_owned(),
                    line: line_of(e.position()),
                    column: 0,
                    message: format!("not valid CSV: {e}"),
                })
            }
        }
    }
    if !text.is_empty() && !text.ends_with('\n') && text.matches('"').count() % 2 == 1 {
        return Err(ReadError::Format {
            file: file.to_owned(),
            message: format!(
                "line {}: the file stops inside a quoted field; it looks truncated",
                text.lines().count()
            ),
        });
    }
    Ok(out)
}

/// Refuses a file whose last row, not ended by a line break, has fewer fields than the
/// header: the file was cut after a whole field.
pub(crate) fn check_last_row(
    file: &str,
    text: &str,
    rows: &[(u64, csv::StringRecord)],
    width: usize,
) -> Result<(), ReadError> {
    match rows.last() {
        Some((line, last)) if !text.ends_with('\n') && last.len() < width => Err(ReadError::Format {
            file: file.to_owned(),
            message: format!(
                "line {line}: the last row has {} of {width} fields and no line break; the file looks truncated",
                last.len()
            ),
        }),
        _ => Ok(()),
    }
}
