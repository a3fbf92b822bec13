//! `dossier iocs`: indicators of a text as JSON lines, streaming. The input is read in
//! blocks cut at line ends, so memory stays bounded however large the input is.

use std::io::{BufWriter, Read, Write};

use anyhow::{bail, Context, Result};
use dossier_extract::indicators;

/// Bytes read at a time; a block is cut at its last line end.
const BLOCK: usize = 1 << 16;

/// Writes one JSON line per indicator of `input` to `out`; returns how many.
pub fn stream(
    input: &mut dyn Read,
    label: &str,
    out: &mut dyn Write,
    hide_benign: bool,
) -> Result<u64> {
    let mut out = BufWriter::new(out);
    let mut buf: Vec<u8> = Vec::with_capacity(BLOCK * 2);
    let mut chunk = vec![0u8; BLOCK];
    let mut base = 0usize;
    let mut count = 0u64;
    let mut eof = false;
    while !eof || !buf.is_empty() {
        if !eof {
            let n = input
                .read(&mut chunk)
                .with_context(|| format!("{label}: read failed at byte {}", base + buf.len()))?;
            buf.extend_from_slice(&chunk[..n]);
            eof = n == 0;
        }
        // Cut at the last line end (or, in a line longer than four blocks, the last space).
        let cut = if eof {
            buf.len()
        } else if let Some(p) = buf.iter().rposition(|&b| b == b'\n') {
            p + 1
        } else if buf.len() >= 4 * BLOCK {
            buf.iter()
                .rposition(|b| b.is_ascii_whitespace())
                .map_or(buf.len(), |p| p + 1)
        } else {
            continue;
        };
        let block = &buf[..cut];
        let text = match std::str::from_utf8(block) {
            Ok(t) => t,
            Err(e) => bail!(
                "{label}: not UTF-8 text at byte {} (convert it first, e.g. with iconv)",
                base + e.valid_up_to()
            ),
        };
        for mut i in indicators(text) {
            if hide_benign && i.suppressed.is_some() {
                continue;
            }
            i.start += base;
            i.end += base;
            serde_json::to_writer(&mut out, &i)?;
            out.write_all(b"\n")?;
            count += 1;
        }
        base += cut;
        buf.drain(..cut);
    }
    out.flush()?;
    Ok(count)
}
