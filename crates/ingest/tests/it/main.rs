//! Reader tests over real subsets of public data (tests/data/<format>/<case>.<ext>, golden
//! output beside each as <case>.expected.json; regenerate with UPDATE_GOLDEN=1 and review
//! the diff) and over broken input.

use std::path::{Path, PathBuf};

use dossier_ingest::{read, Batch, ReadError, ReadOptions};
use dossier_model::Tlp;

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

fn read_case(rel: &str) -> Batch {
    let path = data(rel);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    read(rel, &bytes, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// Compares a batch with its golden file.
fn check_golden(rel: &str) -> Batch {
    let stem = rel.rsplit_once('.').map_or(rel, |(s, _)| s);
    compare_golden(read_case(rel), stem)
}

/// Compares a batch with `tests/data/<stem>.expected.json` (rewritten with UPDATE_GOLDEN=1).
fn compare_golden(batch: Batch, stem: &str) -> Batch {
    let actual = serde_json::to_string_pretty(&batch).unwrap_or_default() + "\n";
    let golden = data(&format!("{stem}.expected.json"));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &actual).unwrap_or_else(|e| panic!("{e}"));
    }
    let expected = std::fs::read_to_string(&golden)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", golden.display()));
    assert!(
        actual == expected,
        "{stem}: output differs from {}; rerun with UPDATE_GOLDEN=1 and review the diff",
        golden.display()
    );
    batch
}

/// The lines of a test file with line `index` replaced.
fn with_line(rel: &str, index: usize, replacement: &str) -> String {
    let text = std::fs::read_to_string(data(rel)).unwrap_or_default();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[index] = replacement;
    lines.join("\n")
}

fn err(name: &str, bytes: &[u8]) -> String {
    match read(name, bytes, &ReadOptions::default()) {
        Ok(b) => panic!("{name}: accepted broken input: {:?}", b.report),
        Err(e) => e.to_string(),
    }
}

#[test]
fn golden_attack_subset() {
    let b = check_golden("stix/attack-subset.jsonl");
    assert_eq!(b.source.dataset, "mitre-attack/enterprise-attack");
    assert_eq!(b.report.received, 22);
    assert_eq!(
        b.report.ignored, 2,
        "the x-mitre-tactic and -matrix are not modelled"
    );
    assert_eq!(b.report.rejected, 0);
}

#[test]
fn golden_zirconium_bundle() {
    let b = check_golden("stix/zirconium-bundle.json");
    let aliases: Vec<String> = b
        .statements
        .iter()
        .filter(|s| s.predicate.as_str() == "alias")
        .map(|s| match &s.object {
            dossier_model::Object::Value(v) => v.lexical().into_owned(),
            other => panic!("alias to {other:?}"),
        })
        .collect();
    assert_eq!(aliases, ["APT31", "Violet Typhoon"]);
}

#[test]
fn golden_misp_threat_actors() {
    let b = check_golden("misp/threat-actor-subset.json");
    assert_eq!((b.report.received, b.report.accepted), (4, 4));
}

#[test]
fn golden_misp_countries() {
    check_golden("misp/country-subset.json");
}

#[test]
fn golden_stix21_examples() {
    check_golden("stix/oasis-threat-actor-2.1.json");
    let marked = check_golden("stix/oasis-markings-2.1.json");
    assert!(
        marked.statements.iter().any(|s| s.marking != Tlp::Clear),
        "TLP markings are read"
    );
}

#[test]
fn same_input_gives_same_output() {
    let a = read_case("misp/threat-actor-subset.json");
    let b = read_case("misp/threat-actor-subset.json");
    assert_eq!(a.statements, b.statements);
    assert_eq!(a.source, b.source);
}

#[test]
fn truncated_json_names_the_line() {
    let bytes = std::fs::read(data("stix/zirconium-bundle.json")).unwrap_or_default();
    let msg = err("apt31.json", &bytes[..bytes.len() / 2]);
    assert!(msg.starts_with("apt31.json: line "), "{msg}");
    assert!(msg.contains("truncated"), "{msg}");
}

#[test]
fn broken_json_line_names_the_line() {
    let text = with_line(
        "stix/attack-subset.jsonl",
        2,
        "{\"type\": \"malware\", \"id\": ",
    );
    let msg = err("subset.jsonl", text.as_bytes());
    assert!(msg.starts_with("subset.jsonl: line 3, column"), "{msg}");
}

#[test]
fn invalid_utf8_names_line_and_byte() {
    let msg = err(
        "latin1.json",
        b"{\"type\": \"bundle\",\n \"objects\": [\"caf\xe9\"]}",
    );
    assert_eq!(msg, "latin1.json: line 2: byte 36 is not valid UTF-8");
}

#[test]
fn truncated_gzip_is_refused() {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/misp-galaxy/country.json.gz"),
    )
    .unwrap_or_default();
    let msg = err("country.json.gz", &bytes[..bytes.len() / 3]);
    assert!(
        msg.starts_with("country.json.gz: gzip data is damaged or truncated"),
        "{msg}"
    );
}

#[test]
fn unknown_and_empty_inputs_are_refused() {
    assert!(matches!(
        read("e.json", b"  \n", &ReadOptions::default()),
        Err(ReadError::Empty { .. })
    ));
    let msg = err("list.csv", b"name,country\nAPT31,CN\n");
    assert!(msg.contains("not a format dossier reads"), "{msg}");
    let msg = err("galaxy.json", br#"{"name": "Threat Actor", "namespace": "misp", "type": "threat-actor", "uuid": "698774c7-8022-42c4-917f-8d6e4f06ada3"}"#);
    assert!(msg.contains("MISP galaxy definition"), "{msg}");
    let msg = err(
        "g.json",
        br#"{"type": "weather", "uuid": "x", "values": []}"#,
    );
    assert!(msg.contains("galaxy \"weather\" is not supported"), "{msg}");
}

#[test]
fn bad_records_are_rejected_with_their_path_and_the_rest_kept() {
    let input = br#"{"type": "bundle", "id": "bundle--1", "objects": [
  {"type": "intrusion-set", "id": "intrusion-set--9a1e8f0e-0000-4000-8000-000000000001", "name": "Good", "created": "2020-01-01T00:00:00Z", "modified": "2020-01-01T00:00:00Z"},
  {"type": "intrusion-set", "id": "intrusion-set--9a1e8f0e-0000-4000-8000-000000000002", "name": "Bad", "aliases": "not-a-list"},
  {"type": "intrusion-set", "id": "not an id", "name": "Worse"},
  {"type": "malware", "id": "malware--9a1e8f0e-0000-4000-8000-000000000003", "name": "Dated", "created": "yesterday"},
  {"type": "intrusion-set", "id": "intrusion-set--9a1e8f0e-0000-4000-8000-000000000001", "name": "Good v2", "created": "2020-01-01T00:00:00Z", "modified": "2021-01-01T00:00:00Z"}
]}"#;
    let b = read("mixed.json", input, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let r = &b.report;
    assert_eq!(
        (r.received, r.accepted, r.rejected, r.duplicate),
        (5, 1, 3, 1)
    );
    let shown: Vec<String> = r.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "mixed.json:3: at objects[1].aliases: invalid type: string \"not-a-list\", expected a sequence",
            "mixed.json:4: at objects[2].id: entity id \"not an id\" is not of the form <type>--<identifier>",
            "mixed.json:5: at objects[3].created: date \"yesterday\" is not YYYY, YYYY-MM or YYYY-MM-DD",
        ]
    );
    let names: Vec<String> = b
        .statements
        .iter()
        .filter(|s| s.predicate.as_str() == "name")
        .map(|s| format!("{:?}", s.object))
        .collect();
    assert_eq!(names.len(), 1);
    assert!(
        names[0].contains("Good v2"),
        "the newest version wins: {names:?}"
    );
}

#[test]
fn bad_misp_clusters_are_rejected_with_their_path() {
    let input = br#"{"type": "threat-actor", "name": "Threat Actor", "uuid": "7cdff317-a673-4474-84ec-4f1754947823", "version": 1, "values": [
  {"value": "Fine", "uuid": "11111111-2222-4333-8444-555555555555", "meta": {"synonyms": ["Alias One", 7], "country": "ZZ", "attribution-confidence": "high"}},
  {"value": "No uuid", "uuid": "nope"},
  {"value": "", "uuid": "11111111-2222-4333-8444-555555555556"},
  {"uuid": "11111111-2222-4333-8444-555555555557"},
  {"value": "Again", "uuid": "11111111-2222-4333-8444-555555555555"}
]}"#;
    let b = read("ta.json", input, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let r = &b.report;
    assert_eq!(
        (r.received, r.accepted, r.rejected, r.duplicate),
        (5, 1, 3, 1)
    );
    let shown: Vec<String> = r.diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "ta.json:2: at values[0].meta.synonyms[1]: not a string; left out",
            "ta.json:2: at values[0].meta.country: unknown country \"ZZ\"; left out",
            "ta.json:2: at values[0].meta.attribution-confidence: \"high\" is not 0–100; left out",
            "ta.json:3: at values[1].uuid: \"nope\" is not a uuid",
            "ta.json:4: at values[2].value: empty cluster value (the name)",
            "ta.json:5: at values[3]: missing field `value`",
        ]
    );
}

mod damaged {
    //! Damaged copies of real files: every reader answers with a batch or an error, never
    //! a panic, and a batch's counts always add up.

    use super::*;
    use proptest::prelude::*;

    fn check_any(name: &str, bytes: &[u8]) {
        if let Ok(b) = read(name, bytes, &ReadOptions::default()) {
            let r = &b.report;
            assert_eq!(
                r.received,
                r.accepted + r.rejected + r.duplicate + r.ignored,
                "{r:?}"
            );
        }
    }

    fn sample(rel: &str) -> Vec<u8> {
        std::fs::read(data(rel)).unwrap_or_default()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn truncated_anywhere(case in 0usize..4, cut in 0.0f64..1.0) {
            let rel = ["stix/zirconium-bundle.json", "stix/attack-subset.jsonl", "misp/threat-actor-subset.json", "ofac-xml/sdn-excerpt.xml"][case];
            let bytes = sample(rel);
            let end = (bytes.len() as f64 * cut) as usize;
            check_any(rel, &bytes[..end]);
        }

        #[test]
        fn bytes_overwritten(case in 0usize..4, edits in proptest::collection::vec((0.0f64..1.0, any::<u8>()), 1..8)) {
            let rel = ["stix/oasis-threat-actor-2.1.json", "stix/attack-subset.jsonl", "misp/country-subset.json", "ofac-xml/sdn-excerpt.xml"][case];
            let mut bytes = sample(rel);
            for (at, b) in edits {
                let i = ((bytes.len() - 1) as f64 * at) as usize;
                bytes[i] = b;
            }
            check_any(rel, &bytes);
        }

        #[test]
        fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            check_any("random.bin", &bytes);
        }
    }
}

#[test]
fn granular_markings_restrict_the_whole_object() {
    let b = check_golden("stix/oasis-granular-markings-2.1.json");
    let indicator: Vec<Tlp> = b
        .statements
        .iter()
        .filter(|s| s.subject.stix_type() == "indicator")
        .map(|s| s.marking)
        .collect();
    assert!(!indicator.is_empty());
    assert!(indicator.iter().all(|m| *m == Tlp::Red), "{indicator:?}");
}

#[test]
fn unknown_markings_count_as_red_and_known_statements_restrict_nothing() {
    let input = br#"{"type": "bundle", "id": "bundle--2", "objects": [
  {"type": "malware", "id": "malware--9a1e8f0e-0000-4000-8000-000000000010", "name": "Marked",
   "object_marking_refs": ["marking-definition--00000000-0000-4000-8000-00000000beef"]},
  {"type": "malware", "id": "malware--9a1e8f0e-0000-4000-8000-000000000011", "name": "Copyright only",
   "object_marking_refs": ["marking-definition--fa42a846-8d90-4e51-bc29-71d5b4802168"]}
]}"#;
    let options = ReadOptions {
        default_marking: Tlp::Green,
        dataset: None,
    };
    let b = read("m.json", input, &options).unwrap_or_else(|e| panic!("{e}"));
    let marking_of = |name: &str| {
        let subject = b
            .statements
            .iter()
            .find(|s| format!("{:?}", s.object).contains(name))
            .map(|s| s.subject.clone());
        b.statements
            .iter()
            .filter(|s| Some(&s.subject) == subject.as_ref())
            .map(|s| s.marking)
            .max()
    };
    assert_eq!(marking_of("Marked"), Some(Tlp::Red));
    assert_eq!(
        marking_of("Copyright only"),
        Some(Tlp::Green),
        "the reader's default applies"
    );
    let shown: Vec<String> = b
        .report
        .diagnostics
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        shown
            .iter()
            .any(|d| d.contains("objects[0].object_marking_refs: unknown marking")),
        "{shown:?}"
    );
}

#[test]
fn other_read_options_make_another_source() {
    let bytes = std::fs::read(data("stix/zirconium-bundle.json")).unwrap_or_default();
    let plain = read("z.json", &bytes, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let amber = ReadOptions {
        default_marking: Tlp::Amber,
        dataset: None,
    };
    let marked = read("z.json", &bytes, &amber).unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(plain.source.id, marked.source.id);
    assert_eq!(plain.source.content_hash, marked.source.content_hash);
    assert!(marked
        .statements
        .iter()
        .all(|s| s.source == marked.source.id && s.marking == Tlp::Amber));
}

#[test]
fn a_single_object_document_is_a_bundle_of_one() {
    let bytes = br#"{
  "type": "intrusion-set",
  "id": "intrusion-set--9a1e8f0e-0000-4000-8000-000000000020",
  "name": "Lonely",
  "created": "2020-01-01T00:00:00Z"
}
"#;
    let b = read("one.json", bytes, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((b.report.received, b.report.accepted), (1, 1));
    assert!(
        b.source.dataset.starts_with("stix/sha256:"),
        "its own dataset: {}",
        b.source.dataset
    );
}

#[test]
fn a_damaged_first_line_of_json_lines_is_refused_with_its_line() {
    let text = with_line(
        "stix/attack-subset.jsonl",
        0,
        "{\"type\": \"identity\", \"id\": }",
    );
    let msg = err("first.jsonl", text.as_bytes());
    assert!(msg.starts_with("first.jsonl: line 1, column"), "{msg}");
}

#[test]
fn whole_file_errors_name_the_field() {
    let msg = err(
        "b.json",
        br#"{"type": "bundle", "id": "bundle--1", "objects": {}}"#,
    );
    assert!(msg.contains("at objects: invalid type: map"), "{msg}");
    let msg = err(
        "t.json",
        br#"{"type": "threat-actor", "uuid": "x", "values": {"value": "A"}, "version": 1}"#,
    );
    assert!(msg.contains("at values: invalid type: map"), "{msg}");
}

#[test]
fn the_newest_duplicate_wins_whatever_the_fraction_digits() {
    let input = br#"{"type": "bundle", "id": "bundle--3", "objects": [
  {"type": "tool", "id": "tool--9a1e8f0e-0000-4000-8000-000000000030", "name": "Newer", "modified": "2021-01-01T00:00:00.5Z"},
  {"type": "tool", "id": "tool--9a1e8f0e-0000-4000-8000-000000000030", "name": "Older", "modified": "2021-01-01T00:00:00Z"}
]}"#;
    let b = read("d.json", input, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<String> = b
        .statements
        .iter()
        .filter(|s| s.predicate.as_str() == "name")
        .map(|s| format!("{:?}", s.object))
        .collect();
    assert_eq!(names.len(), 1);
    assert!(names[0].contains("Newer"), "{names:?}");
}

#[test]
fn misp_related_edges_point_at_countries_or_actors_only() {
    let b = read_case("misp/threat-actor-subset.json");
    for s in &b.statements {
        if let dossier_model::Object::Entity(e) = &s.object {
            let ok = match s.predicate.as_str() {
                "similar_to" => e.stix_type() == "intrusion-set",
                "country" | "suspected_sponsor" | "targets" => {
                    e.stix_type() == "location" || e.stix_type() == "identity"
                }
                _ => e.stix_type() != "intrusion-set",
            };
            assert!(ok, "{} {} {e}", s.subject, s.predicate);
        }
    }
}

mod ofac {
    use super::*;
    use dossier_ingest::{read_ofac_set, SetFile};

    pub(super) fn set(dir: &str) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(data(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "csv"))
            .map(|p| {
                let name = format!(
                    "{dir}/{}",
                    p.file_name().and_then(|n| n.to_str()).unwrap_or("")
                );
                (name, std::fs::read(&p).unwrap_or_default())
            })
            .collect();
        files.sort();
        files
    }

    pub(super) fn read_set(files: &[(String, Vec<u8>)]) -> Result<Batch, ReadError> {
        let refs: Vec<SetFile> = files
            .iter()
            .map(|(n, b)| SetFile { name: n, bytes: b })
            .collect();
        read_ofac_set(&refs, &ReadOptions::default())
    }

    fn golden(dir: &str) -> Batch {
        compare_golden(read_set(&set(dir)).unwrap_or_else(|e| panic!("{e}")), dir)
    }

    fn values(b: &Batch, predicate: &str) -> Vec<String> {
        b.statements
            .iter()
            .filter(|s| s.predicate.as_str() == predicate)
            .map(|s| match &s.object {
                dossier_model::Object::Value(dossier_model::Value::Identifier {
                    scheme,
                    value,
                }) => format!("{scheme}={value}"),
                dossier_model::Object::Value(v) => v.lexical().into_owned(),
                dossier_model::Object::Entity(e) => e.to_string(),
            })
            .collect()
    }

    #[test]
    fn golden_excerpt() {
        let b = golden("ofac/excerpt");
        assert_eq!(
            (b.report.received, b.report.accepted, b.report.rejected),
            (17, 17, 0)
        );
        assert!(values(&b, "alias").len() >= 10, "aliases from alt.csv");
        assert!(!values(&b, "address").is_empty(), "addresses from add.csv");
        assert!(values(&b, "external_id")
            .iter()
            .any(|v| v.starts_with("digital-currency-address:")));
    }

    #[test]
    fn golden_apt31_designations() {
        let b = golden("ofac/apt31");
        assert_eq!(b.report.accepted, 3);
        let programs = values(&b, "sanction_program");
        assert_eq!(programs, ["us-ofac-program=CYBER2"; 3]);
        assert!(values(&b, "external_id").contains(&"national-id-no=421003198510272917".to_owned()));
        assert!(values(&b, "birth_date").contains(&"1985-10-27".to_owned()));
        assert!(values(&b, "established").contains(&"2010-03-08".to_owned()));
    }

    #[test]
    fn a_truncated_last_row_refuses_the_file() {
        let mut files = set("ofac/apt31");
        let sdn = files
            .iter_mut()
            .find(|(n, _)| n.ends_with("sdn.csv"))
            .map(|(_, b)| b);
        let Some(sdn) = sdn else { panic!("no sdn.csv") };
        let cut = sdn.len() - 120;
        sdn.truncate(cut);
        let msg = read_set(&files)
            .map(|_| String::new())
            .unwrap_or_else(|e| e.to_string());
        assert!(msg.contains("sdn.csv: line 3"), "{msg}");
    }

    #[test]
    fn broken_rows_are_named_by_line_and_field() {
        let sdn = "1,\"GOOD NAME\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
                   x2,\"BAD NUMBER\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
                   3,\"SHORT\",-0- \r\n\
                   4,\"ODD TYPE\",\"spaceship\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
                   5,\"LAST\",-0- ,\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\u{1a}";
        let files = vec![("sdn.csv".to_owned(), sdn.as_bytes().to_vec())];
        let b = read_set(&files).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (b.report.received, b.report.accepted, b.report.rejected),
            (5, 2, 3)
        );
        let shown: Vec<String> = b
            .report
            .diagnostics
            .iter()
            .filter(|d| d.severity == dossier_ingest::Severity::Error)
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            shown,
            [
                "sdn.csv:2: at ent_num: \"x2\" is not a number",
                "sdn.csv:3: at row: 3 fields, expected 12",
                "sdn.csv:4: at SDN_Type: unknown type \"spaceship\"",
            ]
        );
    }

    #[test]
    fn bad_encoding_and_quotes_refuse_the_file() {
        let files = vec![(
            "sdn.csv".to_owned(),
            b"1,\"CAF\xc9\",-0- ,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n".to_vec(),
        )];
        let msg = read_set(&files)
            .map(|_| String::new())
            .unwrap_or_else(|e| e.to_string());
        assert_eq!(msg, "sdn.csv: line 1: byte 6 is not valid UTF-8");
        let files = vec![
            (
                "sdn.csv".to_owned(),
                b"1,\"A\",-0- ,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n".to_vec(),
            ),
            (
                "alt.csv".to_owned(),
                b"1,2,\"aka\",\"UNTERMINATED,-0- \r\n".to_vec(),
            ),
        ];
        let msg = read_set(&files)
            .map(|_| String::new())
            .unwrap_or_else(|e| e.to_string());
        assert!(msg.starts_with("alt.csv"), "{msg}");
        let files = vec![("notes.txt".to_owned(), b"hello".to_vec())];
        assert!(read_set(&files).is_err());
        let files = vec![("alt.csv".to_owned(), b"1,2,\"aka\",\"A\",-0- \r\n".to_vec())];
        let msg = read_set(&files)
            .map(|_| String::new())
            .unwrap_or_else(|e| e.to_string());
        assert!(msg.contains("needs its primary file"), "{msg}");
    }

    /// The whole SDN list of 2024-05-03: every entry read, and at least 99% of remark
    /// clauses structured. Runs when DOSSIER_SHARED_DATA names ../shared/data.
    #[test]
    fn shared_sdn_2024_05_03() {
        let Some(root) = std::env::var_os("DOSSIER_SHARED_DATA").map(PathBuf::from) else {
            return;
        };
        let path = root.join("ofac-sdn-gitscrape/2024-05-03/sdn.csv");
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let b = read_set(&[("sdn.csv".to_owned(), bytes)]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (b.report.received, b.report.accepted, b.report.rejected),
            (14965, 14965, 0)
        );
        let coverage = b
            .report
            .diagnostics
            .iter()
            .find(|d| d.message.contains("remark clauses structured"))
            .map(|d| d.message.clone())
            .unwrap_or_default();
        eprintln!("{coverage}");
        let share: f64 = coverage
            .split('(')
            .nth(1)
            .and_then(|s| s.split('%').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or(0.0);
        assert!(share >= 99.0, "{coverage}");
        let remarks = b
            .statements
            .iter()
            .filter(|s| s.predicate.as_str() == "remark")
            .count();
        assert!(remarks > 0, "the rest is kept verbatim");
    }
}

mod ofac_xml {
    //! OFAC's XML publication (SDN.XML, CONSOLIDATED.XML): the same statements as the CSV
    //! set for the same record, and broken files refused or rejected by line and field.
    use super::*;
    use dossier_ingest::Severity;
    use dossier_model::{EntityId, Object, Statement, Value};

    fn text() -> String {
        std::fs::read_to_string(data("ofac-xml/sdn-excerpt.xml")).unwrap_or_default()
    }

    fn shown(s: &Statement) -> String {
        let object = match &s.object {
            Object::Value(Value::Identifier { scheme, value }) => format!("{scheme}={value}"),
            Object::Value(v) => v.lexical().into_owned(),
            Object::Entity(e) => e.to_string(),
        };
        let mut out = format!("{} {object}", s.predicate);
        if let Some(n) = &s.note {
            out.push_str(&format!(" [{n}]"));
        }
        for d in [s.valid_from, s.valid_to].into_iter().flatten() {
            out.push_str(&format!(" {d}"));
        }
        out
    }

    /// The statements about one subject, as text, sorted (the source left out).
    fn about(b: &Batch, subject: &EntityId) -> Vec<String> {
        let mut out: Vec<String> = b
            .statements
            .iter()
            .filter(|s| &s.subject == subject)
            .map(shown)
            .collect();
        out.sort();
        out
    }

    fn subject_of(b: &Batch, name: &str) -> EntityId {
        b.statements
            .iter()
            .find(|s| {
                s.predicate.as_str() == "name"
                    && matches!(&s.object, Object::Value(v) if v.lexical() == name)
            })
            .map(|s| s.subject.clone())
            .unwrap_or_else(|| panic!("no record named {name}"))
    }

    #[test]
    fn golden_sdn_excerpt() {
        let b = check_golden("ofac-xml/sdn-excerpt.xml");
        let r = &b.report;
        assert_eq!((r.received, r.accepted, r.rejected), (14, 14, 0));
        assert!(
            r.diagnostics.iter().all(|d| d.severity == Severity::Info),
            "{:?}",
            r.diagnostics
        );
        assert_eq!(b.source.dataset, "us-ofac/sdn");
        assert_eq!(b.source.version.as_deref(), Some("2024-05-07"));
        assert_eq!(
            b.source.published.map(|d| d.to_string()),
            Some("2024-05-07".to_owned())
        );
        let ni = about(&b, &subject_of(&b, "NI, Gaobin"));
        let china = dossier_model::country_by_code("CN")
            .map(|c| c.entity_id().to_string())
            .unwrap_or_default();
        for expected in [
            "sanction_program us-ofac-program=CYBER2".to_owned(),
            "external_id us-ofac-sdn=47818".to_owned(),
            "birth_date 1985-10-27".to_owned(),
            "birth_place Jingzhou Municipality, China".to_owned(),
            format!("nationality {china}"),
            format!("citizenship {china}"),
            "gender Male".to_owned(),
            "external_id national-id-no=421003198510272917 [issued by China]".to_owned(),
            "address Hubei Province, China".to_owned(),
        ] {
            assert!(ni.contains(&expected), "{expected} not in {ni:#?}");
        }
        // A link to a record of the same list is a link to its entity.
        let hecate = about(&b, &subject_of(&b, "HECATE"));
        let oceanlink = subject_of(&b, "OCEANLINK MARITIME DMCC");
        assert!(
            hecate.contains(&format!("linked_to {oceanlink}")),
            "{hecate:#?}"
        );
        assert!(
            hecate
                .iter()
                .any(|s| s.starts_with("external_id vessel-registration-identification-imo=")),
            "{hecate:#?}"
        );
        assert!(hecate.iter().any(|s| s.starts_with("external_id mmsi=")));
        let yan = about(&b, &subject_of(&b, "YAN, Xiaobing"));
        assert_eq!(
            yan.iter()
                .filter(|s| s.starts_with("external_id digital-currency-address:XBT="))
                .count(),
            6,
            "{yan:#?}"
        );
        // Double quotes become single quotes, as in the CSV.
        subject_of(&b, "OPEN JOINT STOCK COMPANY 'KONTSERN IZHMASH'");
    }

    #[test]
    fn the_same_records_read_alike_from_csv_and_xml() {
        // The CSV rows of the three CYBER2 designations as OFAC published them on
        // 2024-03-25, and the same records in the XML of 2024-05-07.
        let csv = ofac::read_set(&ofac::set("ofac/apt31")).unwrap_or_else(|e| panic!("{e}"));
        let xml = read_case("ofac-xml/sdn-excerpt.xml");
        assert_eq!(csv.source.dataset, xml.source.dataset);
        assert_eq!(csv.source.kind, xml.source.kind);
        for name in [
            "WUHAN XIAORUIZHI SCIENCE AND TECHNOLOGY COMPANY, LIMITED",
            "ZHAO, Guangzong",
            "NI, Gaobin",
        ] {
            let id = subject_of(&csv, name);
            assert_eq!(id, subject_of(&xml, name), "{name}: one entity id");
            assert_eq!(about(&csv, &id), about(&xml, &id), "{name}");
        }
        let issuers = |b: &Batch| {
            b.statements
                .iter()
                .map(|s| s.issuer.clone())
                .collect::<std::collections::BTreeSet<_>>()
        };
        assert_eq!(issuers(&csv), issuers(&xml), "OFAC says all of it");
    }

    #[test]
    fn golden_consolidated_excerpt() {
        let b = check_golden("ofac-xml/consolidated.xml");
        assert_eq!(
            (b.report.received, b.report.accepted, b.report.rejected),
            (4, 4, 0)
        );
        assert_eq!(b.source.dataset, "us-ofac/consolidated");
        assert_eq!(b.source.version.as_deref(), Some("2024-05-06"));
        let ids: Vec<String> = b
            .statements
            .iter()
            .filter(|s| s.predicate.as_str() == "external_id")
            .map(shown)
            .collect();
        assert_eq!(
            ids.iter()
                .filter(|s| s.contains("us-ofac-consolidated="))
                .count(),
            4
        );
        assert!(!ids.iter().any(|s| s.contains("us-ofac-sdn=")), "{ids:?}");
    }

    #[test]
    fn gzip_and_a_byte_order_mark_read_the_same() {
        let plain = read_case("ofac-xml/sdn-excerpt.xml");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, format!("\u{feff}{}", text()).as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        let bytes = gz.finish().unwrap_or_else(|e| panic!("{e}"));
        let b =
            read("sdn.xml.gz", &bytes, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let strip = |b: &Batch| b.statements.iter().map(shown).collect::<Vec<_>>();
        assert_eq!(strip(&b), strip(&plain));
    }

    #[test]
    fn a_file_named_for_neither_list_is_refused() {
        let text = text();
        let msg = err("upload", text.as_bytes());
        assert!(
            msg.starts_with("upload: OFAC's SDN and consolidated lists share"),
            "{msg}"
        );
        let msg = err("2024-05-07.xml", text.as_bytes());
        assert!(msg.contains("name it sdn….xml or cons….xml"), "{msg}");
        for name in ["SDN.XML", "sdn-2024-05-07.xml.gz", "CONSOLIDATED.XML"] {
            let bytes = if name.ends_with(".gz") {
                let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                std::io::Write::write_all(&mut gz, text.as_bytes())
                    .unwrap_or_else(|e| panic!("{e}"));
                gz.finish().unwrap_or_else(|e| panic!("{e}"))
            } else {
                text.clone().into_bytes()
            };
            let b = read(name, &bytes, &ReadOptions::default())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let consolidated = name.starts_with("CONS");
            assert_eq!(
                b.source.dataset.contains("consolidated"),
                consolidated,
                "{name}: {}",
                b.source.dataset
            );
        }
    }

    #[test]
    fn broken_files_are_refused_naming_the_line() {
        let text = text();
        // Cut inside an entry, inside a tag, and between entries.
        let msg = err("sdn.xml", &text.as_bytes()[..text.len() / 2]);
        assert!(
            msg.starts_with("sdn.xml: line ") && msg.contains("truncated"),
            "{msg}"
        );
        let in_tag = text.find("<sdnType>").unwrap_or(0) + 4;
        let msg = err("sdn.xml", &text.as_bytes()[..in_tag]);
        assert!(msg.contains("truncated"), "{msg}");
        let between = text.rfind("  <sdnEntry>").unwrap_or(0);
        let msg = err("sdn.xml", &text.as_bytes()[..between]);
        assert!(msg.contains("ends before </sdnList>"), "{msg}");
        // A closing tag that does not match (line 9 of the file).
        let broken = text.replacen("</lastName>", "</lastNam>", 1);
        let msg = err("sdn.xml", broken.as_bytes());
        assert!(
            msg.starts_with("sdn.xml: line 9, column ") && msg.contains("malformed XML"),
            "{msg}"
        );
        // OFAC's other XML (SDN_ADVANCED) has another root.
        let msg = err(
            "sdn_advanced.xml",
            b"<?xml version=\"1.0\"?>\n<Sanctions xmlns=\"https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML\"></Sanctions>",
        );
        assert_eq!(
            msg,
            "sdn_advanced.xml: line 2, column 1: the root element is <Sanctions>, not <sdnList> (OFAC's SDN or consolidated list XML)"
        );
        // Latin-1 bytes in a UTF-8 file (line 9: <lastName>BANCO …).
        let latin1 = text.replacen("BANCO NACIONAL", "BANCO NACI\u{d3}NAL", 1);
        let mut bytes = latin1.into_bytes();
        if let Some(i) = bytes.windows(2).position(|w| w == [0xc3, 0x93]) {
            bytes.splice(i..i + 2, [0xd3]);
        }
        let msg = err("sdn.xml", &bytes);
        assert!(
            msg.starts_with("sdn.xml: line 9: byte ") && msg.ends_with("is not valid UTF-8"),
            "{msg}"
        );
        // A list without entries would supersede a full one.
        assert!(matches!(
            read(
                "sdn.xml",
                b"<?xml version=\"1.0\"?><sdnList></sdnList>",
                &ReadOptions::default()
            ),
            Err(ReadError::Empty { .. })
        ));
    }

    #[test]
    fn bad_entries_are_rejected_by_line_and_field() {
        let text = text()
            .replacen("    <uid>306</uid>\n", "", 1)
            .replacen("<uid>2686</uid>", "<uid>x2686</uid>", 1)
            .replacen("<lastName>EBANO</lastName>", "", 1)
            .replacen(
                "<lastName>AL-SHARIF</lastName>\n    <sdnType>Individual</sdnType>",
                "<lastName>AL-SHARIF</lastName>\n    <sdnType>Spaceship</sdnType>",
                1,
            )
            .replacen(
                "<Record_Count>14</Record_Count>",
                "<Record_Count>15</Record_Count>",
                1,
            );
        let b = read("sdn.xml", text.as_bytes(), &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let r = &b.report;
        assert_eq!((r.received, r.accepted, r.rejected), (14, 10, 4));
        let shown: Vec<String> = r
            .diagnostics
            .iter()
            .filter(|d| d.severity != Severity::Info)
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            shown,
            [
                "sdn.xml:7: at sdnEntry[0]/uid: missing",
                "sdn.xml:58: at sdnEntry[1]/uid: \"x2686\" is not a number",
                "sdn.xml:131: at sdnEntry[2]/lastName: missing (the name)",
                "sdn.xml:170: at sdnEntry[3]/sdnType: unknown type \"spaceship\"",
                "sdn.xml: at publshInformation/Record_Count: the file says 15 records and holds 14 entries",
            ]
        );
    }

    /// The bundled SDN list of 2024-05-07 (XML) against the CSV of 2024-05-03 in the
    /// team's reference data: records in both read alike, but for what OFAC changed in
    /// those four days and for the CSV's remarks cut at 1,000 characters. Runs when
    /// DOSSIER_SHARED_DATA names ../shared/data.
    #[test]
    fn shared_sdn_csv_and_xml_agree() {
        let Some(root) = std::env::var_os("DOSSIER_SHARED_DATA").map(PathBuf::from) else {
            return;
        };
        let csv_bytes = std::fs::read(root.join("ofac-sdn-gitscrape/2024-05-03/sdn.csv"))
            .unwrap_or_else(|e| panic!("{e}"));
        let csv =
            ofac::read_set(&[("sdn.csv".to_owned(), csv_bytes)]).unwrap_or_else(|e| panic!("{e}"));
        let bundled = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../data/sanctions/ofac-sdn-2024-05-07/sdn.xml.gz");
        let xml_bytes = std::fs::read(&bundled).unwrap_or_else(|e| panic!("{e}"));
        let xml = read("sdn.xml.gz", &xml_bytes, &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        // Without alt.csv and add.csv the CSV has no strong aliases and no addresses.
        let by_subject = |b: &Batch| {
            let mut map: std::collections::HashMap<EntityId, std::collections::BTreeSet<String>> =
                Default::default();
            for s in &b.statements {
                let p = s.predicate.as_str();
                if p == "alias" || p == "address" || s.note.as_deref() == Some("address") {
                    continue;
                }
                map.entry(s.subject.clone()).or_default().insert(shown(s));
            }
            map
        };
        let cut: std::collections::HashSet<u64> = csv
            .report
            .diagnostics
            .iter()
            .filter(|d| d.message.contains("look cut"))
            .filter_map(|d| d.message.split_whitespace().nth(2)?.parse().ok())
            .collect();
        let (c, x) = (by_subject(&csv), by_subject(&xml));
        let mut compared = 0;
        let mut same = 0;
        for (subject, statements) in &c {
            let Some(other) = x.get(subject) else {
                continue;
            };
            let list_id = statements
                .iter()
                .find_map(|s| s.strip_prefix("external_id us-ofac-sdn="))
                .and_then(|n| n.parse::<u64>().ok());
            if list_id.is_some_and(|n| cut.contains(&n)) {
                continue;
            }
            compared += 1;
            if statements == other {
                same += 1;
            }
        }
        eprintln!("{same} of {compared} records read alike");
        assert!(compared > 14_900, "{compared}");
        assert!(same * 1000 >= compared * 995, "{same} of {compared}");
    }
}

mod un {
    use super::*;

    #[test]
    fn golden_excerpt() {
        let b = check_golden("un/excerpt.xml");
        assert_eq!(
            (b.report.received, b.report.accepted, b.report.rejected),
            (6, 6, 0)
        );
        let kinds: Vec<String> = b
            .statements
            .iter()
            .filter(|s| s.predicate.as_str() == "is_a")
            .map(|s| format!("{:?}", s.object))
            .collect();
        assert_eq!(kinds.iter().filter(|k| k.contains("person")).count(), 4);
        for predicate in [
            "birth_date",
            "nationality",
            "sanction_program",
            "weak_alias",
            "external_id",
        ] {
            assert!(
                b.statements
                    .iter()
                    .any(|s| s.predicate.as_str() == predicate),
                "{predicate}"
            );
        }
        assert!(
            b.statements
                .iter()
                .any(|s| s.note.as_deref() == Some("original script")),
            "original-script names are aliases"
        );
    }

    #[test]
    fn broken_xml_names_the_line() {
        let text = std::fs::read_to_string(data("un/excerpt.xml")).unwrap_or_default();
        let cut = &text[..text.len() / 2];
        let msg = err("un.xml", cut.as_bytes());
        assert!(
            msg.starts_with("un.xml: line ") && msg.contains("truncated"),
            "{msg}"
        );
        let broken = text.replacen("</FIRST_NAME>", "</FIRST_NAM>", 1);
        let msg = err("un.xml", broken.as_bytes());
        assert!(
            msg.starts_with("un.xml: line 7") && msg.contains("malformed XML"),
            "{msg}"
        );
        let msg = err("other.xml", b"<?xml version=\"1.0\"?><rss></rss>");
        assert!(msg.contains("XML document dossier does not read"), "{msg}");
    }

    #[test]
    fn a_record_without_reference_is_rejected_by_path() {
        let text = std::fs::read_to_string(data("un/excerpt.xml")).unwrap_or_default();
        let broken = regex_free_remove(&text, "<REFERENCE_NUMBER>", "</REFERENCE_NUMBER>");
        let b = read("un.xml", broken.as_bytes(), &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (b.report.received, b.report.accepted, b.report.rejected),
            (6, 5, 1)
        );
        let shown = b.report.diagnostics[0].to_string();
        assert!(
            shown.starts_with("un.xml:4: at INDIVIDUAL[0]/REFERENCE_NUMBER: missing"),
            "{shown}"
        );
    }

    /// Removes the first element between `open` and `close`, tags included.
    fn regex_free_remove(text: &str, open: &str, close: &str) -> String {
        match (text.find(open), text.find(close)) {
            (Some(a), Some(b)) => format!("{}{}", &text[..a], &text[b + close.len()..]),
            _ => text.to_owned(),
        }
    }

    /// The UN list of 2026-02-27: 730 individuals and 273 entities. Runs when
    /// DOSSIER_SHARED_DATA names ../shared/data.
    #[test]
    fn shared_un_2026_02_27() {
        let Some(root) = std::env::var_os("DOSSIER_SHARED_DATA").map(PathBuf::from) else {
            return;
        };
        let path = root.join("watchman/un/UN_consolidated.xml");
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let b = read("UN_consolidated.xml", &bytes, &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (b.report.received, b.report.accepted, b.report.rejected),
            (1003, 1003, 0)
        );
        let count = |kind: &str| {
            b.statements
                .iter()
                .filter(|s| {
                    s.predicate.as_str() == "is_a" && format!("{:?}", s.object).contains(kind)
                })
                .count()
        };
        // The Security Council itself is one more organisation.
        assert_eq!((count("person"), count("organization") - 1), (730, 273));
        assert_eq!(
            b.source.published.map(|d| d.to_string()),
            Some("2026-02-27".to_owned())
        );
    }
}

mod uk {
    use super::*;

    /// The FCDO layout, written here from the published facts of one designation.
    const FCDO: &str = "Report Date: 25-Mar-2024\r\n\
Last Updated,Unique ID,OFSI Group ID,UN Reference Number,Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Name type,Alias strength,Title,Name non-latin script,Non-latin script type,Non-latin script language,Regime Name,Designation source,Sanctions Imposed,Other Information,UK Statement of Reasons,Address Line 1,Address Line 2,Address Line 3,Address Line 4,Address Line 5,Address Line 6,Address Postal Code,Address Country,Phone number,Website,Email address,Date Designated,D.O.B,Nationality(/ies),National Identifier number,National Identifier additional information,Passport number,Passport additional information,Position,Gender,Town of birth,Country of birth,Type of entity\r\n\
25/03/2024,CYB0046,16462,,NI,Gaobin,,,,,Primary name,,,倪高彬,Chinese,,Cyber,UK,\"Asset freeze, Travel Ban, Director Disqualification Sanction\",,\"NI Gaobin is involved in malicious cyber activity as a member of APT31.\",,,,,,Hubei Province,,China,,,,25/03/2024,27/10/1985,China,421003198510272917,,,,,Male,Jingzhou,China,\r\n\
25/03/2024,CYB0046,16462,,NI,Gao Bin,,,,,Alias,Low,,,,,Cyber,UK,,,,,,,,,,,,,,,25/03/2024,,,,,,,,,,,\r\n";

    #[test]
    fn fcdo_layout() {
        let b = read(
            "UK_Sanctions_List.csv",
            FCDO.as_bytes(),
            &ReadOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(b.source.dataset, "gb-fcdo/uk-sanctions-list");
        assert_eq!(
            b.source.published.map(|d| d.to_string()),
            Some("2024-03-25".to_owned()),
            "the report date is the publication date"
        );
        assert_eq!((b.report.received, b.report.accepted), (2, 2));
        let has = |p: &str, v: &str| {
            b.statements.iter().any(|s| {
                s.predicate.as_str() == p
                    && serde_json::to_string(&s.object)
                        .unwrap_or_default()
                        .contains(v)
            })
        };
        assert!(has("name", "NI, Gaobin"));
        assert!(has("weak_alias", "NI, Gao Bin"));
        assert!(has("alias", "倪高彬"), "non-Latin names are aliases");
        assert!(has("sanction_program", "Cyber"));
        assert!(
            has("sanction_info", "member of APT31"),
            "the statement of reasons is kept"
        );
        assert!(has("external_id", "421003198510272917"));
        assert!(has("birth_date", "1985-10-27"));
        let subjects: std::collections::BTreeSet<_> = b
            .statements
            .iter()
            .filter(|s| s.predicate.as_str() == "is_a")
            .map(|s| s.subject.clone())
            .collect();
        assert_eq!(subjects.len(), 2, "the person and the FCDO");
    }

    #[test]
    fn ofsi_layout_in_windows_1252() {
        let mut csv = b"Last Updated,01/04/2020\r\nName 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,DOB,Town of Birth,Country of Birth,Nationality,Passport Details,NI Number,Position,Address 1,Address 2,Address 3,Address 4,Address 5,Address 6,Post/Zip Code,Country,Other Information,Group Type,Alias Type,Regime,Listed On,Last Updated,Group ID\r\n".to_vec();
        csv.extend_from_slice(b"CAF\xc9 EXAMPLE,,,,,,,,,,,,,,Rue 1,,,,,,,France,,Entity,Primary name,Test Regime,01/04/2016,01/04/2016,99001\r\n");
        csv.extend_from_slice(b"CAFE EXAMPLE,,,,,,,,,,,,,,,,,,,,,,,Entity,AKA,Test Regime,01/04/2016,01/04/2016,99001\r\n");
        let b =
            read("ConList.csv", &csv, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(b.source.dataset, "gb-ofsi/consolidated-list");
        assert_eq!(
            b.source.published.map(|d| d.to_string()),
            Some("2020-04-01".to_owned())
        );
        let names: Vec<String> = b
            .statements
            .iter()
            .filter(|s| s.predicate.is_name())
            .map(|s| format!("{:?}", s.object))
            .collect();
        assert!(
            names.iter().any(|n| n.contains("CAFÉ EXAMPLE")),
            "{names:?}"
        );
        assert!(
            names.iter().any(|n| n.contains("CAFE EXAMPLE")),
            "{names:?}"
        );
    }

    #[test]
    fn broken_uk_files() {
        let no_id = FCDO.replace(
            "25/03/2024,CYB0046,16462,,NI,Gao Bin",
            "25/03/2024,,16462,,NI,Gao Bin",
        );
        let b = read("uk.csv", no_id.as_bytes(), &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (b.report.received, b.report.accepted, b.report.rejected),
            (2, 1, 1)
        );
        assert_eq!(
            b.report.diagnostics[0].to_string(),
            "uk.csv:4: at Unique ID: missing the list's id"
        );
        let cut = &FCDO[..FCDO.len() - 200];
        let cut = &cut[..cut.rfind("\"NI Gaobin").unwrap_or(cut.len()) + 5];
        let msg = err("uk.csv", cut.as_bytes());
        assert!(msg.contains("truncated"), "{msg}");
    }

    /// The UK data of the team's reference folder: the FCDO summary (5,302 rows) and the
    /// OFSI excerpt (77 rows). Runs when DOSSIER_SHARED_DATA names ../shared/data.
    #[test]
    fn shared_uk_lists() {
        let Some(root) = std::env::var_os("DOSSIER_SHARED_DATA").map(PathBuf::from) else {
            return;
        };
        for (rel, rows) in [
            (
                "uk-fcdo-sanctions-list/FCDO_SL_2025-08-11_summary.csv",
                5302,
            ),
            ("uk-ofsi/ConList-excerpt-2020.csv", 77),
        ] {
            let bytes = std::fs::read(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
            let b = read(rel, &bytes, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
            let r = &b.report;
            eprintln!(
                "{rel}: received {} accepted {} rejected {}",
                r.received, r.accepted, r.rejected
            );
            for d in r
                .diagnostics
                .iter()
                .filter(|d| d.severity == dossier_ingest::Severity::Error)
            {
                eprintln!("  {d}");
            }
            assert_eq!(r.received, rows, "{rel}");
            assert!(r.rejected <= 2, "{rel}: {:?}", r.diagnostics);
        }
    }
}

mod csl {
    use super::*;

    #[test]
    fn golden_2025_layout() {
        let b = check_golden("csl/csl-2025-06.csv");
        assert_eq!(
            (b.report.received, b.report.accepted, b.report.rejected),
            (13, 13, 0)
        );
        assert!(b
            .statements
            .iter()
            .any(|s| s.predicate.as_str() == "sanctioned_by"));
    }

    #[test]
    fn repeated_headers_are_skipped_and_bad_rows_named() {
        let text = std::fs::read_to_string(data("csl/csl-2025-06.csv")).unwrap_or_default();
        let mut lines: Vec<&str> = text.lines().collect();
        let header = lines[0];
        lines.insert(1, header);
        let b = read(
            "csl.csv",
            lines.join("\n").as_bytes(),
            &ReadOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(b.report.received, 13, "the repeated header is not a record");
        let mut broken = String::from(header);
        broken.push_str("\n\"x1\",\"Entity List (EL) - Bureau of Industry and Security\",\"\",\"Entity\",\"\",\"\"\n");
        let b = read("csl.csv", broken.as_bytes(), &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (b.report.rejected, b.report.diagnostics[0].to_string()),
            (1, "csl.csv:2: at name: missing".to_owned())
        );
        let cut = &text[..text.len() - 40];
        let msg = err("csl.csv", cut.as_bytes());
        assert!(msg.contains("truncated") || msg.contains("line"), "{msg}");
    }

    /// The 2019 and 2023 samples of the reference data: the 2023 copy is cut short in its
    /// last row and must be refused whole. Runs when DOSSIER_SHARED_DATA is set.
    #[test]
    fn shared_csl_samples() {
        let Some(root) = std::env::var_os("DOSSIER_SHARED_DATA").map(PathBuf::from) else {
            return;
        };
        let bytes =
            std::fs::read(root.join("watchman/us-csl/csl-2019-12-sample.csv")).unwrap_or_default();
        let b =
            read("csl-2019.csv", &bytes, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((b.report.received, b.report.rejected), (115, 0));
        let bytes =
            std::fs::read(root.join("watchman/us-csl/csl-2023-11-sample.csv")).unwrap_or_default();
        let msg = err("csl-2023.csv", &bytes);
        assert!(msg.contains("truncated"), "{msg}");
    }
}

mod ftm {
    use super::*;

    #[test]
    fn opensanctions_entities() {
        let b = read_case("ftm/zala.ftm.jsonl");
        let r = &b.report;
        assert_eq!((r.received, r.rejected), (91, 0));
        assert_eq!(r.ignored, 11, "Address entities are not modelled");
        let count = |p: &str| {
            b.statements
                .iter()
                .filter(|s| s.predicate.as_str() == p)
                .count()
        };
        assert!(
            count("sanctioned_by") >= 10,
            "Sanction entities become designations"
        );
        assert!(count("owns") >= 10, "Ownership entities become relations");
        assert!(count("name") >= 17);
        let again = read_case("ftm/zala.ftm.jsonl");
        assert_eq!(again.statements, b.statements, "deterministic");
    }

    #[test]
    fn broken_ftm_lines() {
        let good = r#"{"id": "a1", "schema": "Person", "properties": {"name": ["A One"]}}"#;
        let bad_type = r#"{"id": "a2", "schema": "Person", "properties": {"name": "not a list"}}"#;
        let text = format!("{good}\n{bad_type}\n");
        let b = read("f.jsonl", text.as_bytes(), &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((b.report.accepted, b.report.rejected), (1, 1));
        assert!(
            b.report.diagnostics[0]
                .to_string()
                .starts_with("f.jsonl:2: at line 2.properties.name"),
            "{}",
            b.report.diagnostics[0]
        );
        let text = format!("{good}\n{{\"id\": \"a3\", \"schema\": \n");
        let msg = err("f.jsonl", text.as_bytes());
        assert!(msg.starts_with("f.jsonl: line 2"), "{msg}");
    }
}

/// OFAC's consolidated (non-SDN) list in the same CSV layout (cons_prim.csv and friends).
/// Runs when DOSSIER_SHARED_DATA names ../shared/data.
#[test]
fn shared_ofac_consolidated_non_sdn() {
    let Some(root) = std::env::var_os("DOSSIER_SHARED_DATA").map(PathBuf::from) else {
        return;
    };
    let dir = root.join("watchman/ofac-consolidated-nonsdn-2025-12");
    let mut files = Vec::new();
    for name in [
        "cons_prim.csv",
        "cons_add.csv",
        "cons_alt.csv",
        "cons_comments.csv",
    ] {
        files.push((
            name.to_owned(),
            std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}")),
        ));
    }
    let set: Vec<dossier_ingest::SetFile> = files
        .iter()
        .map(|(n, b)| dossier_ingest::SetFile { name: n, bytes: b })
        .collect();
    let b = dossier_ingest::read_ofac_set(&set, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(b.source.dataset, "us-ofac/consolidated");
    // 442 records and the 0x1A end-of-file line.
    assert_eq!((b.report.received, b.report.rejected), (442, 0));
    assert!(b.statements.iter().any(|s| s.predicate.as_str() == "alias"));
}

mod cut_and_mixed {
    //! Files cut at a record boundary, empty or mixed files: refused, not half-read.
    use super::*;
    use dossier_ingest::{read_ofac_set, SetFile};

    #[test]
    fn an_empty_ofac_list_is_refused() {
        let files = [SetFile {
            name: "sdn.csv",
            bytes: b"\x1a",
        }];
        assert!(matches!(
            read_ofac_set(&files, &ReadOptions::default()),
            Err(ReadError::Empty { .. })
        ));
    }

    #[test]
    fn sdn_and_consolidated_files_do_not_mix() {
        let row = b"1,\"A\",-0- ,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
        let files = [
            SetFile {
                name: "alt.csv",
                bytes: b"",
            },
            SetFile {
                name: "cons_alt.csv",
                bytes: b"",
            },
            SetFile {
                name: "sdn.csv",
                bytes: row,
            },
        ];
        let msg = read_ofac_set(&files, &ReadOptions::default())
            .map(|_| String::new())
            .unwrap_or_else(|e| e.to_string());
        assert!(msg.contains("plays the same part"), "{msg}");
    }

    #[test]
    fn former_names_are_strong_aliases() {
        let sdn = b"1,\"NEW NAME LTD\",-0- ,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
        let alt =
            b"1,1,\"fka\",\"OLD NAME LTD\",-0- \r\n1,2,\"aka\",\"WEAK NAME\",\"low quality\"\r\n";
        let files = [
            SetFile {
                name: "sdn.csv",
                bytes: sdn,
            },
            SetFile {
                name: "alt.csv",
                bytes: alt,
            },
        ];
        let b = read_ofac_set(&files, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let shown: Vec<String> = b
            .statements
            .iter()
            .filter(|s| s.predicate.as_str().contains("alias"))
            .map(|s| format!("{} {:?} {:?}", s.predicate, s.object, s.note))
            .collect();
        assert!(
            shown.iter().any(|s| s.starts_with("alias")
                && s.contains("OLD NAME LTD")
                && s.contains("formerly known as")),
            "{shown:?}"
        );
        assert!(
            shown
                .iter()
                .any(|s| s.starts_with("weak_alias") && s.contains("WEAK NAME")),
            "{shown:?}"
        );
    }

    #[test]
    fn remarks_cut_at_1000_characters_are_kept_verbatim() {
        let clause = "Passport A1234567 (Iran); ".repeat(40);
        let remarks = &clause[..1000];
        let sdn = format!("1,\"CUT REMARKS\",\"individual\",\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"{remarks}\"\r\n");
        let files = [SetFile {
            name: "sdn.csv",
            bytes: sdn.as_bytes(),
        }];
        let b = read_ofac_set(&files, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            b.report
                .diagnostics
                .iter()
                .any(|d| d.message.contains("look cut")),
            "{:?}",
            b.report.diagnostics
        );
        assert_eq!(
            b.statements
                .iter()
                .filter(|s| s.predicate.as_str() == "remark")
                .count(),
            1
        );
    }

    #[test]
    fn a_un_list_cut_between_records_is_refused() {
        let text = std::fs::read_to_string(data("un/excerpt.xml")).unwrap_or_default();
        let cut = &text[..text.find("  <ENTITIES>").unwrap_or(text.len())];
        let msg = err("un.xml", cut.as_bytes());
        assert!(msg.contains("ends before </CONSOLIDATED_LIST>"), "{msg}");
    }

    #[test]
    fn a_csv_cut_after_a_whole_field_is_refused() {
        let text = std::fs::read_to_string(data("csl/csl-2025-06.csv")).unwrap_or_default();
        let last_row = text.trim_end().rfind('\n').unwrap_or(0);
        let row = &text[last_row..];
        let cut_at = last_row + row.find("\",\"").map_or(row.len(), |i| i + 2);
        let msg = err("csl.csv", &text.as_bytes()[..cut_at]);
        assert!(msg.contains("looks truncated"), "{msg}");
    }

    #[test]
    fn a_uk_file_mixing_utf8_and_bad_bytes_is_refused() {
        let mut csv = b"Unique ID,OFSI Group ID,Name,Regime Name,Type\r\nCYB0046,16462,NI Gaobin \xe5\x80\xaa,Cyber,Individual\r\n".to_vec();
        csv.extend_from_slice(b"CYB0047,16463,BAD \xff NAME,Cyber,Individual\r\n");
        let msg = err("uk.csv", &csv);
        assert!(msg.contains("is not valid UTF-8"), "{msg}");
    }
}
