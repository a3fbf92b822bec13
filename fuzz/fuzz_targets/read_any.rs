//! Any bytes through format detection and whichever reader it picks (gzip included):
//! an error or a batch whose counts add up, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(b) = dossier_ingest::read("fuzz", data, &Default::default()) {
        let r = &b.report;
        assert_eq!(r.received, r.accepted + r.rejected + r.duplicate + r.ignored);
    }
});
