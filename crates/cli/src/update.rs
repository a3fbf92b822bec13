//! `dossier update`: the official current files of each list, fetched from their
//! publishers and read by the same readers as `ingest`.

use std::io::Read;
use std::time::Duration;

use dossier_ingest::{Batch, ReadOptions, SetFile};

/// One list and where its publisher puts it.
pub struct Feed {
    /// Short name, also the folder of a mirror (`--mirror URL` reads `URL/<id>/<file>`).
    pub id: &'static str,
    pub title: &'static str,
    /// (official URL, file name the reader knows it by).
    pub files: &'static [(&'static str, &'static str)],
}

pub const FEEDS: &[Feed] = &[
    Feed {
        id: "ofac-sdn",
        title: "OFAC SDN list (CSV set)",
        files: &[
            ("https://www.treasury.gov/ofac/downloads/sdn.csv", "sdn.csv"),
            ("https://www.treasury.gov/ofac/downloads/add.csv", "add.csv"),
            ("https://www.treasury.gov/ofac/downloads/alt.csv", "alt.csv"),
            (
                "https://www.treasury.gov/ofac/downloads/sdn_comments.csv",
                "sdn_comments.csv",
            ),
        ],
    },
    Feed {
        id: "un",
        title: "UN Security Council Consolidated List (XML)",
        files: &[(
            "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
            "consolidated.xml",
        )],
    },
    Feed {
        id: "uk",
        title: "UK Sanctions List (FCDO, CSV)",
        files: &[(
            "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv",
            "UK-Sanctions-List.csv",
        )],
    },
    Feed {
        id: "csl",
        title: "US Consolidated Screening List (CSV)",
        files: &[(
            "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
            "consolidated.csv",
        )],
    },
];

/// Largest file accepted from a publisher.
const MAX_BYTES: u64 = 512 << 20;

/// A downloaded file and the publication date the server gives for it.
struct Fetched {
    bytes: Vec<u8>,
    last_modified: Option<dossier_model::PartialDate>,
}

/// "Wed, 21 Oct 2015 07:28:00 GMT" -> 2015-10-21.
fn http_date(s: &str) -> Option<dossier_model::PartialDate> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [_, day, month, year, ..] = parts.as_slice() else {
        return None;
    };
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = months.iter().position(|x| x == month)? as u8 + 1;
    dossier_model::PartialDate::new(year.parse().ok()?, Some(m), Some(day.parse().ok()?)).ok()
}

fn fetch(url: &str) -> Result<Fetched, String> {
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(20))
        .timeout(Duration::from_secs(300))
        .user_agent(concat!("dossier/", env!("CARGO_PKG_VERSION")))
        .build();
    let response = agent.get(url).call().map_err(|e| match e {
        ureq::Error::Status(code, _) => format!("{url}: the server answered {code}"),
        ureq::Error::Transport(t) => format!("cannot fetch {t}; is the network reachable?"),
    })?;
    let last_modified = response.header("Last-Modified").and_then(http_date);
    let mut bytes = Vec::new();
    response
        .into_reader()
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{url}: download interrupted: {e}"))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!("{url}: larger than {MAX_BYTES} bytes; refused"));
    }
    Ok(Fetched {
        bytes,
        last_modified,
    })
}

impl Feed {
    /// Downloads the feed's files (from `mirror` if given) and reads them. A download
    /// that is visibly incomplete, or a list with no records, is refused: it would
    /// otherwise supersede the version held.
    pub fn read(&self, mirror: Option<&str>) -> Result<Batch, String> {
        let mut files = Vec::new();
        let mut published = None;
        for (url, name) in self.files {
            let url = match mirror {
                Some(m) => format!("{}/{}/{name}", m.trim_end_matches('/'), self.id),
                None => (*url).to_owned(),
            };
            let fetched = fetch(&url)?;
            // OFAC ends each of its CSV files with a 0x1A byte.
            if self.id == "ofac-sdn" && fetched.bytes.last() != Some(&0x1a) {
                return Err(format!(
                    "{url}: the download lacks OFAC's end-of-file byte; incomplete, refused"
                ));
            }
            published = published.max(fetched.last_modified);
            files.push((*name, url.clone(), fetched.bytes));
        }
        let options = ReadOptions::default();
        let mut batch = if self.id == "ofac-sdn" {
            let set: Vec<SetFile<'_>> = files
                .iter()
                .map(|(n, _, b)| SetFile { name: n, bytes: b })
                .collect();
            dossier_ingest::read_ofac_set(&set, &options).map_err(|e| e.to_string())?
        } else {
            let (_, url, bytes) = &files[0];
            dossier_ingest::read(url, bytes, &options).map_err(|e| e.to_string())?
        };
        if batch.report.accepted == 0 {
            return Err(format!(
                "{}: no records in the download; refused",
                self.title
            ));
        }
        if batch.source.published.is_none() {
            batch.source.published = published;
        }
        Ok(batch)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn http_dates() {
        let d = super::http_date("Wed, 21 Oct 2015 07:28:00 GMT").map(|d| d.to_string());
        assert_eq!(d.as_deref(), Some("2015-10-21"));
        assert_eq!(super::http_date("yesterday"), None);
    }
}
