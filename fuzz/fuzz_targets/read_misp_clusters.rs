//! Bytes read as a MISP galaxy cluster file.
#![no_main]

use dossier_ingest::{read_as, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(b) = read_as(Format::MispGalaxyClusters, "fuzz", data, &Default::default()) {
        let r = &b.report;
        assert_eq!(r.received, r.accepted + r.rejected + r.duplicate + r.ignored);
    }
});
