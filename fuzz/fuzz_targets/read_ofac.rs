//! Bytes read as an OFAC CSV set: the first half as sdn.csv, the rest as alt.csv.
#![no_main]

use dossier_ingest::{read_ofac_set, SetFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (sdn, alt) = data.split_at(data.len() / 2);
    let files = [SetFile { name: "sdn.csv", bytes: sdn }, SetFile { name: "alt.csv", bytes: alt }];
    if let Ok(b) = read_ofac_set(&files, &Default::default()) {
        let r = &b.report;
        assert_eq!(r.received, r.accepted + r.rejected + r.duplicate + r.ignored);
    }
});
