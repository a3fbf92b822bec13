use crate::json::skip_ws;
use crate::ReadError;

/// The input formats dossier reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A STIX 2.0 or 2.1 bundle: `{"type": "bundle", "objects": [...]}`.
    StixBundle,
    /// STIX objects, one JSON object per line.
    StixJsonLines,
    /// A MISP galaxy cluster file: `{"type": ..., "uuid": ..., "values": [...]}`.
    MispGalaxyClusters,
    /// The UN Security Council Consolidated List XML (`CONSOLIDATED_LIST`).
    UnConsolidatedXml,
    /// OFAC's SDN or consolidated (non-SDN) list XML (`sdnList`).
    OfacXml,
    /// A UK list as CSV: FCDO's UK Sanctions List or OFSI's Consolidated List.
    UkSanctionsCsv,
    /// The US Consolidated Screening List CSV (trade.gov).
    UsScreeningListCsv,
    /// FollowTheMoney entities, one per line (OpenSanctions exports).
    FtmJsonLines,
}

/// The namespace of OFAC's list XML (`SDN.XML`, `CONSOLIDATED.XML`).
const OFAC_NAMESPACE: &str = "sanctionslistservice.ofac.treas.gov";

#[derive(serde::Deserialize)]
struct Probe {
    #[serde(rename = "type")]
    ty: Option<String>,
    id: Option<String>,
    values: Option<serde::de::IgnoredAny>,
    schema: Option<serde::de::IgnoredAny>,
    properties: Option<serde::de::IgnoredAny>,
    namespace: Option<serde::de::IgnoredAny>,
}

/// Tells the format of decompressed input from its content.
pub fn detect(file_name: &str, bytes: &[u8]) -> Result<Format, ReadError> {
    let fail = |message: &str| ReadError::Format {
        file: file_name.to_owned(),
        message: message.to_owned(),
    };
    let start = skip_ws(bytes, 0);
    if start == bytes.len() {
        return Err(ReadError::Empty {
            file: file_name.to_owned(),
        });
    }
    // CSV publications are recognised by their header row (after any preamble).
    let head = String::from_utf8_lossy(&bytes[start..bytes.len().min(start + 8192)]);
    for line in head.lines().take(5) {
        let cells: Vec<String> = line
            .split(',')
            .map(|c| c.trim().trim_matches('"').to_owned())
            .collect();
        if crate::uk::layout_of(&cells).is_some() {
            return Ok(Format::UkSanctionsCsv);
        }
        if crate::csl::is_csl_header(&cells) {
            return Ok(Format::UsScreeningListCsv);
        }
    }
    if bytes[start] == b'<' {
        let head = String::from_utf8_lossy(&bytes[start..bytes.len().min(start + 4096)]);
        if head.contains("<CONSOLIDATED_LIST") {
            return Ok(Format::UnConsolidatedXml);
        }
        if head.contains("<sdnList") || head.contains(OFAC_NAMESPACE) {
            return Ok(Format::OfacXml);
        }
        return Err(fail("an XML document dossier does not read (expected the UN consolidated list, CONSOLIDATED_LIST, or OFAC's SDN or consolidated list, sdnList)"));
    }
    if bytes[start] != b'{' {
        return Err(fail(
            "not a format dossier reads: expected a JSON object (STIX bundle, STIX JSON lines or MISP galaxy clusters)",
        ));
    }
    // One object per line: one of the first lines parses on its own as a STIX object
    // (looking past the first, so a damaged first record is a rejected record, not a
    // refused file).
    let mut lines = bytes[start..]
        .split(|&b| b == b'\n')
        .filter(|l| l.iter().any(|b| !b.is_ascii_whitespace()));
    let first_three: Vec<&[u8]> = lines.by_ref().take(3).collect();
    let is_record = |line: &[u8]| {
        serde_json::from_slice::<Probe>(line).is_ok_and(|p| {
            p.ty.as_deref() != Some("bundle") && p.id.as_deref().is_some_and(|id| id.contains("--"))
        })
    };
    let is_ftm = |line: &[u8]| {
        serde_json::from_slice::<Probe>(line)
            .is_ok_and(|p| p.schema.is_some() && p.properties.is_some())
    };
    if first_three.first().is_some_and(|l| is_ftm(l)) {
        return Ok(Format::FtmJsonLines);
    }
    if let [first, rest @ ..] = first_three.as_slice() {
        if !rest.is_empty() {
            let trimmed = first.trim_ascii();
            // A first record whole on its line, or a damaged one-line record followed by
            // whole records.
            let one_line_object = trimmed.starts_with(b"{") && trimmed.ends_with(b"}");
            if is_record(first) || (one_line_object && rest.iter().any(|l| is_record(l))) {
                return Ok(Format::StixJsonLines);
            }
        }
    }
    // A whole-document object: look at its keys without building it.
    let probe: Probe = serde_json::from_slice(&bytes[start..]).map_err(|e| {
        let (line, column) = crate::json::shift(bytes, start, e.line() as u64, e.column() as u64);
        ReadError::Json {
            file: file_name.to_owned(),
            line,
            column,
            message: crate::json::message(&e),
        }
    })?;
    if probe.ty.as_deref() == Some("bundle") {
        return Ok(Format::StixBundle);
    }
    if probe.values.is_some() {
        return Ok(Format::MispGalaxyClusters);
    }
    if probe.namespace.is_some() {
        return Err(fail(
            "this is a MISP galaxy definition (no clusters); import the matching clusters/<type>.json file",
        ));
    }
    if probe.id.as_deref().is_some_and(|id| id.contains("--")) {
        // A single STIX object as the whole document: read as a bundle of one.
        return Ok(Format::StixBundle);
    }
    Err(fail(
        "not a format dossier reads: a JSON object that is neither a STIX bundle, a STIX object nor a MISP galaxy cluster file",
    ))
}
