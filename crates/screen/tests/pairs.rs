//! The matcher on a small labelled set of the project's own (`tests/data/pairs.csv`): every
//! kind of difference a screening user meets, one or two pairs each. Each pair must get
//! its label at the default threshold.

use dossier_screen::{compare, Kind, THRESHOLD};

#[test]
fn labelled_pairs_get_their_label() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/pairs.csv");
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut wrong = Vec::new();
    let mut n = 0;
    for row in reader.records() {
        let row = row.unwrap_or_else(|e| panic!("{path}: {e}"));
        let truth = &row[3] == "true";
        let c = compare(&row[0], &row[1], Kind::from_schema(&row[2]));
        n += 1;
        if c.matched != truth {
            wrong.push(format!(
                "{} ~ {} ({}): {:.3}, expected {}",
                &row[0], &row[1], &row[4], c.score, truth
            ));
        }
    }
    assert!(n >= 30);
    assert!(
        wrong.is_empty(),
        "threshold {THRESHOLD}:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn scores_stay_in_range_on_odd_input() {
    for (a, b) in [
        ("", ""),
        ("", "x"),
        ("((((", "))))"),
        ("ex", "ex ex ex"),
        ("f.k.a.", "formerly"),
        ("Ltd", "Limited"),
        ("\u{0}\u{1F}", "\u{FEFF}"),
        ("第第第", "号"),
        ("ב׳ ב׳", "2 2"),
        (
            "a, b, c, d, e, f, g, h, i, j, k, l",
            "l k j i h g f e d c b a",
        ),
        ("ကုမ္ပဏီ", "်္"),
    ] {
        for kind in [Kind::Person, Kind::Organization, Kind::Vessel, Kind::Any] {
            let c = compare(a, b, kind);
            assert!((0.0..=1.0).contains(&c.score), "{a:?} {b:?}: {}", c.score);
        }
    }
}
