//! Any text through the claim reader, with a small gazetteer: every party and claim span
//! lies on character boundaries of the text, inside its sentence; never a panic.
#![no_main]

use std::sync::OnceLock;

use dossier_extract::claims::read;
use dossier_extract::dates::Day;
use dossier_extract::mentions::{Gazetteer, GazetteerName};
use libfuzzer_sys::fuzz_target;

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| {
        let n = GazetteerName::new;
        Gazetteer::new([
            n("APT31", "intrusion-set--1", "threat_actor"),
            n("Violet Typhoon", "intrusion-set--1", "threat_actor"),
            n("Microsoft", "identity--2", "organization"),
            n("ShadowPad", "malware--3", "malware"),
            n("Gold", "intrusion-set--4", "threat_actor"),
            n("Gold", "identity--5", "organization"),
        ])
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Some(day) = Day::new(2024, 3, 25) else {
        return;
    };
    let r = read(&text, gazetteer(), day);
    for p in &r.parties {
        assert!(p.start <= p.end && text.get(p.start..p.end).is_some());
    }
    for c in &r.claims {
        assert!(text.get(c.sentence.0..c.sentence.1).is_some());
        assert!(c.sentence.0 <= c.cue.0 && c.cue.1 <= c.sentence.1);
        assert!(text.get(c.cue.0..c.cue.1).is_some());
    }
});
