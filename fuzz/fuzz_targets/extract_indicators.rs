//! Any text through the indicator extractor: every finding's span lies on character
//! boundaries of the text and holds what the finding says was written; never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for i in dossier_extract::indicators(&text) {
        assert!(i.start <= i.end && i.end <= text.len());
        assert_eq!(text.get(i.start..i.end), Some(i.raw.as_str()));
    }
});
