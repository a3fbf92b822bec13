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

fn fetch(url: &str) -> Result<Vec<u8>, String> {
    let agent = ureq::AgentBuilder::new()
        .timeout_connect(Duration::from_secs(20))
        .timeout(Duration::from_secs(300))
        .user_agent(concat!("dossier/", env!("CARGO_PKG_VERSION")))
        .build();
    let response = agent.get(url).call().map_err(|e| match e {
        ureq::Error::Status(code, _) => format!("{url}: the server answered {code}"),
        ureq::Error::Transport(t) => format!("cannot fetch {t}; is the network reachable?"),
    })?;
    let mut bytes = Vec::new();
    response
        .into_reader()
        .take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{url}: download interrupted: {e}"))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!("{url}: larger than {MAX_BYTES} bytes; refused"));
    }
    Ok(bytes)
}

impl Feed {
    /// Downloads the feed's files (from `mirror` if given) and reads them.
    pub fn read(&self, mirror: Option<&str>) -> Result<Batch, String> {
        let mut files = Vec::new();
        for (url, name) in self.files {
            let url = match mirror {
                Some(m) => format!("{}/{}/{name}", m.trim_end_matches('/'), self.id),
                None => (*url).to_owned(),
            };
            files.push((*name, url.clone(), fetch(&url)?));
        }
        let options = ReadOptions::default();
        if self.id == "ofac-sdn" {
            let set: Vec<SetFile<'_>> = files
                .iter()
                .map(|(n, _, b)| SetFile { name: n, bytes: b })
                .collect();
            return dossier_ingest::read_ofac_set(&set, &options).map_err(|e| e.to_string());
        }
        let (_, url, bytes) = &files[0];
        dossier_ingest::read(url, bytes, &options).map_err(|e| e.to_string())
    }
}
