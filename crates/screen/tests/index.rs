//! The screening index on a handful of records: candidates come from the index, qualifiers
//! move scores, every hit names its list record.

use dossier_screen::{Index, Kind, Listing, Query, Record, RecordName};

fn record(id: &str, kind: Kind, names: &[&str]) -> Record {
    Record {
        id: id.to_owned(),
        kind,
        caption: names[0].to_owned(),
        names: names
            .iter()
            .map(|n| RecordName {
                text: (*n).to_owned(),
                weak: false,
            })
            .collect(),
        birth_dates: Vec::new(),
        countries: Vec::new(),
        identifiers: Vec::new(),
        listings: vec![Listing {
            dataset: "test-list".into(),
            source: "source--test".into(),
            authority: Some("Test Authority".into()),
            record_id: Some(id.trim_start_matches("r-").to_owned()),
            programs: vec!["PROGRAM".into()],
            listed_on: Some("2024-03-25".into()),
        }],
    }
}

fn index() -> Index {
    let mut ni = record("r-1", Kind::Person, &["NI, Gaobin", "倪高斌"]);
    ni.birth_dates = vec!["1978-05-12".into()];
    ni.countries = vec!["CN".into()];
    ni.identifiers = vec![("passport".into(), "E12345678".into())];
    let mut wuhan = record(
        "r-2",
        Kind::Organization,
        &[
            "WUHAN XIAORUIZHI SCIENCE AND TECHNOLOGY COMPANY, LIMITED",
            "武汉晓睿智科技有限责任公司",
        ],
    );
    wuhan.names.push(RecordName {
        text: "Wuhan XRZ".into(),
        weak: true,
    });
    let vessel = record("r-3", Kind::Vessel, &["OCEAN GLORY"]);
    let mut others = vec![ni, wuhan, vessel];
    for (i, name) in [
        "NI, Gaoming",
        "GAO, Bin",
        "ZHAO, Guangzong",
        "Wuhan Ruizhi Trading Co., Ltd.",
    ]
    .iter()
    .enumerate()
    {
        others.push(record(&format!("r-{}", 10 + i), Kind::Person, &[name]));
    }
    Index::build(others)
}

#[test]
fn finds_people_and_companies_across_scripts_and_spellings() {
    let idx = index();
    for (q, id) in [
        ("Gaobin Ni", "r-1"),
        ("倪高斌", "r-1"),
        ("Ni Gao Bin", "r-1"),
        ("Wuhan Xiaoruizhi Sci & Tech Co., Ltd.", "r-2"),
        ("武汉晓睿智科技有限责任公司", "r-2"),
        ("M/V Ocean Glory", "r-3"),
    ] {
        let hits = idx.screen(&Query::new(q));
        assert_eq!(
            hits.first().map(|h| h.id.as_str()),
            Some(id),
            "{q}: {hits:#?}"
        );
        let l = &hits[0].listings[0];
        assert_eq!(l.record_id.as_deref(), Some(id.trim_start_matches("r-")));
        assert!(!hits[0].name.features.is_empty());
    }
}

#[test]
fn qualifiers_move_the_score_and_kinds_filter() {
    let idx = index();
    let base = idx.screen(&Query::new("Gaobin Ni"))[0].score;
    let mut q = Query::new("Gaobin Ni");
    q.birth_date = Some("1978".into());
    q.country = Some("CN".into());
    let hit = &idx.screen(&q)[0];
    assert!(hit.score >= base);
    let names: Vec<&str> = hit.features.iter().map(|f| f.name).collect();
    assert!(
        names.contains(&"birth_date_match") && names.contains(&"country_match"),
        "{names:?}"
    );
    q.birth_date = Some("1950".into());
    q.country = Some("RU".into());
    q.threshold = 0.0;
    let hits = idx.screen(&q);
    let hit = hits
        .iter()
        .find(|h| h.id == "r-1")
        .unwrap_or_else(|| panic!("{hits:#?}"));
    assert!(hit.score < base - 0.2, "{hit:#?}");
    // An identifier on record decides; another value of the same kind counts against.
    let mut q = Query::new("Somebody Else");
    q.identifiers = vec![(Some("passport".into()), "E 1234 5678".into())];
    let hit = &idx.screen(&q)[0];
    assert_eq!((hit.id.as_str(), hit.score), ("r-1", 1.0));
    let mut q = Query::new("Gaobin Ni");
    q.identifiers = vec![(Some("passport".into()), "G999".into())];
    q.threshold = 0.0;
    let hits = idx.screen(&q);
    let hit = hits
        .iter()
        .find(|h| h.id == "r-1")
        .unwrap_or_else(|| panic!("{hits:#?}"));
    assert!(hit.features.iter().any(|f| f.name == "identifier_mismatch"));
    // A kind filter leaves other kinds out.
    let mut q = Query::new("Ocean Glory");
    q.kind = Kind::Person;
    assert!(idx.screen(&q).iter().all(|h| h.kind == Kind::Person));
    // A weak alias matches but counts for less.
    let hits = idx.screen_all(&Query::new("Wuhan XRZ"));
    let hit = hits
        .iter()
        .find(|h| h.id == "r-2")
        .unwrap_or_else(|| panic!("{hits:#?}"));
    assert!(hit.features.iter().any(|f| f.name == "weak_alias"));
}

#[test]
fn look_alike_companies_and_other_people_stay_apart() {
    let idx = index();
    let hits = idx.screen(&Query::new("Wuhan Ruizhi Trading Co., Ltd."));
    assert!(hits.iter().all(|h| h.id != "r-2"), "{hits:#?}");
    let hits = idx.screen(&Query::new("NI Gaoming"));
    assert!(hits.iter().all(|h| h.id != "r-1"), "{hits:#?}");
}

#[test]
fn hits_above_a_floor_are_those_of_the_full_ranking() {
    let idx = index();
    for text in [
        "Ni Gaobin",
        "Wuhan XRZ",
        "Ocean Glory",
        "Gaobin",
        "Nobody Known",
    ] {
        let all = idx.screen_all(&Query::new(text));
        for floor in [0.0, 0.3, 0.5, 0.7, 0.9] {
            let above = idx.screen_above(&Query::new(text), floor);
            let expected: Vec<_> = all.iter().filter(|h| h.score >= floor).cloned().collect();
            // The same hits, explained alike (explanations are written only for these).
            assert_eq!(above, expected, "{text} above {floor}");
        }
    }
    let best = idx.screen_all(&Query::new("NI Gaobin"));
    assert!(best[0].name.features.iter().any(|f| f.name == "name"));
    assert!(!best[0].name.pairs.is_empty());
}
