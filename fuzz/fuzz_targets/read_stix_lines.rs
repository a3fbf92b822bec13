//! Bytes read as STIX JSON lines and as a STIX bundle.
#![no_main]

use dossier_ingest::{read_as, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in [Format::StixJsonLines, Format::StixBundle] {
        if let Ok(b) = read_as(format, "fuzz", data, &Default::default()) {
            let r = &b.report;
            assert_eq!(r.received, r.accepted + r.rejected + r.duplicate + r.ignored);
        }
    }
});
