//! The `dossier` binary as a user runs it, on a fresh database file with the bundled data.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Env {
            dir: tempfile::tempdir().unwrap_or_else(|e| panic!("{e}")),
        }
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("dossier.db")
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_dossier"))
            .arg("--db")
            .arg(self.db())
            .args(args)
            .env_remove("DOSSIER_DB")
            .env_remove("DOSSIER_CLEARANCE")
            .output()
            .unwrap_or_else(|e| panic!("cannot run dossier: {e}"))
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "dossier {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Rows in the database's tables, read from the file itself.
    fn counts(&self) -> (i64, i64, i64) {
        let conn = rusqlite::Connection::open(self.db()).unwrap_or_else(|e| panic!("{e}"));
        let count = |table: &str| -> i64 {
            conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
                .unwrap_or_else(|e| panic!("{e}"))
        };
        (count("source"), count("entity"), count("statement"))
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all)).unwrap_or_else(|e| panic!("{args:?}: {e}"))
    }
}

fn fixture(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ingest/tests/data")
        .join(rel)
        .display()
        .to_string()
}

/// The strings at `at` of each element of a JSON array.
fn strings<'a>(array: &'a Value, at: impl Fn(&'a Value) -> &'a Value) -> Vec<&'a str> {
    array
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| at(v).as_str())
        .collect()
}

/// (who uses it, name) pairs of a dossier.
fn names(d: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for g in d["names"].as_array().into_iter().flatten() {
        let who = g["used_by"]["name"].as_str().unwrap_or("").to_owned();
        for n in g["names"].as_array().into_iter().flatten() {
            out.push((who.clone(), n["value"].as_str().unwrap_or("").to_owned()));
        }
    }
    out
}

fn has_name(d: &Value, who: &str, name: &str) -> bool {
    names(d)
        .iter()
        .any(|(w, n)| w == who && n.eq_ignore_ascii_case(name))
}

#[test]
fn show_apt31_on_the_bundled_data() {
    let env = Env::new();
    let found = env.json(&["show", "APT31"]);
    let list = found.as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 1, "one actor");
    let d = &list[0];
    assert_eq!(d["name"], "APT31");
    for (who, name) in [
        ("Microsoft", "Violet Typhoon"),
        ("CrowdStrike", "Judgment Panda"),
        ("Secureworks", "Bronze Vinewood"),
        ("Proofpoint", "TA412"),
        ("The MITRE Corporation", "ZIRCONIUM"),
        ("The MITRE Corporation", "APT31"),
    ] {
        assert!(
            has_name(d, who, name),
            "{who}: {name} missing from {:?}",
            names(d)
        );
    }
    let ids = strings(&d["external_ids"], |f| &f["value"]);
    assert!(ids.contains(&"G0128"), "{ids:?}");
    let countries = strings(&d["countries"], |r| &r["other"]["name"]);
    assert_eq!(countries, ["China"]);
    let sponsors: Vec<(&str, &str)> = d["sponsors"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| {
            r["sourcing"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |s| {
                    (
                        r["other"]["name"].as_str().unwrap_or(""),
                        s["issuer"]["name"].as_str().unwrap_or(""),
                    )
                })
        })
        .collect();
    assert_eq!(
        sponsors,
        [("China", "Microsoft")],
        "Microsoft classes Violet Typhoon as a Chinese nation-state actor"
    );
    let techniques = d["outgoing"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["predicate"] == "uses" && r["other"]["kind"] == "attack_pattern")
        .count();
    assert!(techniques >= 20, "{techniques} techniques");
    // Every line names a source that is listed.
    let keys = strings(&d["sources"], |s| &s["key"]);
    for g in d["names"].as_array().into_iter().flatten() {
        for n in g["names"].as_array().into_iter().flatten() {
            for s in n["sourcing"].as_array().into_iter().flatten() {
                assert!(keys.contains(&s["source"].as_str().unwrap_or("?")));
            }
        }
    }

    let text = env.ok(&["show", "APT31"]);
    assert!(text.starts_with("APT31  (threat_actor)"), "{text}");
    assert!(
        text.contains("Microsoft") && text.contains("Violet Typhoon"),
        "{text}"
    );
}

#[test]
fn show_gingham_typhoon() {
    let env = Env::new();
    let found = env.json(&["show", "Gingham Typhoon"]);
    let list = found.as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 1, "one actor");
    let d = &list[0];
    for (who, name) in [
        ("Microsoft", "Gingham Typhoon"),
        ("Mandiant", "APT40"),
        ("The MITRE Corporation", "Leviathan"),
    ] {
        assert!(
            has_name(d, who, name),
            "{who}: {name} missing from {:?}",
            names(d)
        );
    }
    let ids = strings(&d["external_ids"], |f| &f["value"]);
    assert!(ids.contains(&"G0065"), "{ids:?}");
    let sponsors = strings(&d["sponsors"], |r| &r["other"]["name"]);
    assert_eq!(sponsors, ["China"]);
}

#[test]
fn ingest_twice_gives_identical_counts_and_broken_files_change_nothing() {
    let env = Env::new();
    env.ok(&["init"]);
    let file = fixture("stix/oasis-threat-actor-2.1.json");
    let first = env.json(&["ingest", &file]);
    assert_eq!(first[0]["outcome"]["already_present"], false);
    let sources_before = env.json(&["sources"]);
    let counts_before = env.counts();
    let second = env.json(&["ingest", &file]);
    assert_eq!(second[0]["outcome"]["already_present"], true);
    for field in [
        "received",
        "accepted",
        "rejected",
        "duplicate",
        "ignored",
        "statements",
    ] {
        assert_eq!(
            first[0]["outcome"]["source"][field], second[0]["outcome"]["source"][field],
            "{field}"
        );
    }
    assert_eq!(env.json(&["sources"]), sources_before);
    assert_eq!(env.counts(), counts_before);

    // A truncated copy: refused with the place named, nothing written.
    let bytes = std::fs::read(&file).unwrap_or_default();
    let broken = env.dir.path().join("truncated.json");
    std::fs::write(&broken, &bytes[..bytes.len() * 2 / 3]).unwrap_or_else(|e| panic!("{e}"));
    let out = env.run(&["ingest", &broken.display().to_string()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("truncated.json: line ") && err.contains("truncated"),
        "{err}"
    );
    assert_eq!(env.json(&["sources"]), sources_before);
    assert_eq!(env.counts(), counts_before, "no row was written");
}

#[test]
fn search_and_unknown_names() {
    let env = Env::new();
    let hits = env.json(&["search", "typhoon", "--limit", "50"]);
    let matched = strings(&hits, |h| &h["matched"]);
    assert!(
        matched.contains(&"Violet Typhoon") && matched.contains(&"Gingham Typhoon"),
        "{matched:?}"
    );
    let out = env.run(&["show", "No Such Actor Anywhere"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing is called"));
}

#[test]
fn unlink_separates_and_link_rejoins() {
    let env = Env::new();
    let zirconium = "intrusion-set--4283ae19-69c7-4347-a35e-b56f08eb660b";
    let apt31 = "intrusion-set--6bf7e6b6-5917-45a6-9567-f0baba79768c";
    env.ok(&["init"]);
    env.ok(&["unlink", zirconium, apt31, "--analyst", "tester"]);
    assert_eq!(
        env.json(&["show", "Violet Typhoon"])
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    env.ok(&["link", zirconium, apt31, "--analyst", "tester"]);
    assert_eq!(
        env.json(&["show", "Violet Typhoon"])
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let out = env.run(&[
        "unlink",
        zirconium,
        "intrusion-set--00000000-0000-4000-8000-000000000000",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no entity"));
}

#[test]
fn bad_arguments_are_explained() {
    let env = Env::new();
    let out = env.run(&["show", "APT31", "--as-of", "2024-13-01"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    let out = env.run(&["--clearance", "purple", "sources"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown TLP level"));
}

/// Every STIX and MISP file of the team's reference data imports cleanly. Runs when
/// DOSSIER_SHARED_DATA names that folder (`../shared/data`); `.ci/run` sets it.
#[test]
fn shared_data_imports_cleanly() {
    let Some(root) = std::env::var_os("DOSSIER_SHARED_DATA").map(PathBuf::from) else {
        eprintln!("DOSSIER_SHARED_DATA not set: skipping the shared-data evaluation");
        return;
    };
    let mut files: Vec<PathBuf> =
        vec![root.join("mitre-attack/enterprise-attack-v18.1-stix2.0-objects.jsonl.gz")];
    for dir in [
        "misp-galaxy/clusters",
        "oasis-cti-documentation/examples",
        "mitre-attack",
    ] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        found.sort();
        files.extend(found);
    }
    let env = Env::new();
    let args: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let mut all = vec!["--json", "ingest"];
    all.extend(args.iter().map(String::as_str));
    let results: Value = serde_json::from_str(&env.ok(&all)).unwrap_or_else(|e| panic!("{e}"));
    for r in results.as_array().into_iter().flatten() {
        let s = &r["outcome"]["source"];
        eprintln!(
            "{}: received {} accepted {} rejected {} duplicate {} ignored {} statements {}",
            r["path"],
            s["received"],
            s["accepted"],
            s["rejected"],
            s["duplicate"],
            s["ignored"],
            s["statements"]
        );
        assert_eq!(s["rejected"], 0, "{}", r["path"]);
    }
    let attack = &results[0]["outcome"]["source"];
    assert_eq!(attack["received"], 24771);
    let d = env.json(&["show", "APT31"]);
    assert_eq!(d.as_array().map(Vec::len), Some(1));
}

#[test]
fn ofac_sets_import_from_a_directory_and_versions_diff() {
    let env = Env::new();
    let rows = std::fs::read_to_string(fixture("ofac/apt31/sdn.csv")).unwrap_or_default();
    let lines: Vec<&str> = rows.lines().collect();
    assert_eq!(lines.len(), 3);
    let v1 = env.dir.path().join("v1");
    let v2 = env.dir.path().join("v2");
    for d in [&v1, &v2] {
        std::fs::create_dir_all(d).unwrap_or_else(|e| panic!("{e}"));
    }
    // v1: ZHAO and NI; v2: adds the company and corrects NI's birth date.
    std::fs::write(
        v1.join("sdn.csv"),
        format!("{}\r\n{}\r\n", lines[1], lines[2]),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let corrected = lines[2].replace("DOB 27 Oct 1985", "DOB 28 Oct 1985");
    std::fs::write(
        v2.join("sdn.csv"),
        format!("{}\r\n{}\r\n{corrected}\r\n", lines[0], lines[1]),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let imported = env.json(&[
        "ingest",
        &v1.display().to_string(),
        &v2.display().to_string(),
    ]);
    let accepted: Vec<&Value> = imported
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| &r["outcome"]["source"]["accepted"])
        .collect();
    assert_eq!(accepted, [&Value::from(2), &Value::from(3)]);

    let diff = env.json(&[
        "sources",
        "diff",
        &v1.display().to_string(),
        &v2.display().to_string(),
    ]);
    let names = |key: &str| -> Vec<String> {
        diff[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| {
                e["name"]
                    .as_str()
                    .or(e["entity"]["name"].as_str())
                    .unwrap_or("")
                    .to_owned()
            })
            .collect()
    };
    assert_eq!(
        names("added"),
        ["WUHAN XIAORUIZHI SCIENCE AND TECHNOLOGY COMPANY, LIMITED"]
    );
    assert!(names("removed").is_empty());
    assert_eq!(names("changed"), ["NI, Gaobin"]);
    let change = &diff["changed"][0];
    assert_eq!(
        change["added"],
        serde_json::json!(["birth_date 1985-10-28"])
    );
    assert_eq!(
        change["removed"],
        serde_json::json!(["birth_date 1985-10-27"])
    );

    // The dossier shows the designation with its programme and the list version.
    let d = env.json(&["show", "NI, Gaobin"]);
    let d = &d[0];
    assert_eq!(d["kinds"][0]["value"], "person");
    let facts = &d["facts"];
    assert_eq!(facts["sanction_program"][0]["value"], "CYBER2");
    assert_eq!(
        facts["birth_date"][0]["value"], "1985-10-28",
        "the newer version holds"
    );
    assert!(d["outgoing"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|r| r["predicate"] == "sanctioned_by"));

    let text = env.ok(&["show", "NI, Gaobin"]);
    assert!(
        text.contains("Sanctions\n  Office of Foreign Assets Control, programme CYBER2  [S"),
        "{text}"
    );

    let out = env.run(&[
        "sources",
        "diff",
        "source--00000000-0000-5000-8000-000000000000",
        &v2.display().to_string(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no source"));
}

/// OFAC 2024-03-22 -> 2024-03-25 from the team's reference data: the 23 designations of
/// that day, among them the APT31 front company and the two officers.
#[test]
fn shared_data_ofac_diff() {
    let Some(root) = std::env::var_os("DOSSIER_SHARED_DATA").map(PathBuf::from) else {
        return;
    };
    let env = Env::new();
    let a = root
        .join("ofac-sdn-gitscrape/2024-03-22")
        .display()
        .to_string();
    let b = root
        .join("ofac-sdn-gitscrape/2024-03-25")
        .display()
        .to_string();
    env.ok(&["ingest", &a, &b]);
    let diff = env.json(&["sources", "diff", &a, &b]);
    let added = strings(&diff["added"], |e| &e["name"]);
    assert_eq!(added.len(), 23, "{added:?}");
    for name in [
        "WUHAN XIAORUIZHI SCIENCE AND TECHNOLOGY COMPANY, LIMITED",
        "ZHAO, Guangzong",
        "NI, Gaobin",
    ] {
        assert!(added.contains(&name), "{name} missing from {added:?}");
    }
}

/// A real HTTP server on loopback serving `files` (path -> bytes); 404 otherwise.
fn serve(files: std::collections::HashMap<String, Vec<u8>>) -> String {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(match stream.try_clone() {
                Ok(s) => s,
                Err(_) => continue,
            });
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let mut stream = stream;
            let _ = match files.get(&path) {
                Some(body) => stream
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        )
                        .as_bytes(),
                    )
                    .and_then(|()| stream.write_all(body)),
                None => stream.write_all(
                    b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                ),
            };
        }
    });
    format!("http://{addr}")
}

#[test]
fn update_fetches_every_list_over_http_and_reports_failures() {
    let env = Env::new();
    let read = |rel: &str| std::fs::read(fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let mut files = std::collections::HashMap::new();
    // As OFAC publishes them: each file ends with a 0x1A byte.
    let ofac = |bytes: Vec<u8>| [bytes, vec![0x1a]].concat();
    files.insert(
        "/ofac-sdn/sdn.csv".to_owned(),
        ofac(read("ofac/apt31/sdn.csv")),
    );
    files.insert(
        "/ofac-sdn/add.csv".to_owned(),
        ofac(read("ofac/apt31/add.csv")),
    );
    files.insert("/ofac-sdn/alt.csv".to_owned(), ofac(Vec::new()));
    files.insert("/ofac-sdn/sdn_comments.csv".to_owned(), ofac(Vec::new()));
    files.insert("/un/consolidated.xml".to_owned(), read("un/excerpt.xml"));
    files.insert(
        "/csl/consolidated.csv".to_owned(),
        read("csl/csl-2025-06.csv"),
    );
    // No UK file on this mirror: that list fails, the others land.
    let mirror = serve(files);
    let out = env.run(&["--json", "update", "--mirror", &mirror]);
    assert!(
        !out.status.success(),
        "a failed list makes the command fail"
    );
    let results: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"));
    let titles: Vec<(String, bool)> = results
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r["path"].as_str().unwrap_or("").to_owned(),
                r["error"].is_null(),
            )
        })
        .collect();
    assert_eq!(
        titles,
        [
            ("OFAC SDN list (CSV set)".to_owned(), true),
            (
                "UN Security Council Consolidated List (XML)".to_owned(),
                true
            ),
            ("UK Sanctions List (FCDO, CSV)".to_owned(), false),
            ("US Consolidated Screening List (CSV)".to_owned(), true),
        ]
    );
    let uk_error = results[2]["error"].as_str().unwrap_or("");
    assert!(uk_error.contains("404"), "{uk_error}");
    let d = env.json(&["show", "NI, Gaobin"]);
    assert_eq!(d[0]["facts"]["sanction_program"][0]["value"], "CYBER2");

    // A download cut short (no end-of-file byte) is refused, the held version kept.
    let mut cut = std::collections::HashMap::new();
    for name in ["sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv"] {
        cut.insert(
            format!("/ofac-sdn/{name}"),
            b"1,\"A\",-0- ,\"X\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n".to_vec(),
        );
    }
    let out = env.run(&["update", "--list", "ofac-sdn", "--mirror", &serve(cut)]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("end-of-file byte"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let d = env.json(&["show", "NI, Gaobin"]);
    assert_eq!(
        d[0]["facts"]["sanction_program"][0]["value"], "CYBER2",
        "the held version stays"
    );

    let out = env.run(&["update", "--list", "eu"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown list \"eu\""));
}

/// The bundled OFAC lists, OFAC's XML of the SDN list of 2024-05-07 and of the
/// consolidated list of 2024-05-06, are read whole; NI Gaobin shows with his designation
/// and what OFAC says of him, from that list version.
#[test]
fn bundled_ofac_lists_read_whole() {
    let env = Env::new();
    let results = env.json(&["init"]);
    let counts = |path: &str| {
        let source = results
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["path"] == path)
            .map(|r| r["outcome"]["source"].clone())
            .unwrap_or_else(|| panic!("{path} not loaded: {results:#}"));
        (
            source["received"].as_u64(),
            source["accepted"].as_u64(),
            source["rejected"].as_u64(),
        )
    };
    assert_eq!(
        counts("data/sanctions/ofac-sdn-2024-05-07/sdn.xml.gz"),
        (Some(14_966), Some(14_966), Some(0))
    );
    assert_eq!(
        counts("data/sanctions/ofac-consolidated-2024-05-06/consolidated.xml.gz"),
        (Some(443), Some(443), Some(0))
    );
    let found = env.json(&["show", "NI, Gaobin"]);
    let list = found.as_array().cloned().unwrap_or_default();
    assert_eq!(list.len(), 1, "{found:#}");
    let d = &list[0];
    assert_eq!(d["facts"]["sanction_program"][0]["value"], "CYBER2");
    assert_eq!(d["facts"]["birth_date"][0]["value"], "1985-10-27");
    assert_eq!(
        d["facts"]["birth_place"][0]["value"],
        "Jingzhou Municipality, China"
    );
    let ids = strings(&d["external_ids"], |f| &f["value"]);
    assert!(
        ids.contains(&"421003198510272917") && ids.contains(&"47818"),
        "{ids:?}"
    );
    assert!(d["outgoing"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|r| r["predicate"] == "nationality" && r["other"]["name"] == "China"));
    let source = &d["sources"][0];
    assert_eq!(source["dataset"], "us-ofac/sdn");
    assert_eq!(source["version"], "2024-05-07");
    assert_eq!(source["published"], "2024-05-07");
}

/// NI Gaobin as the OFAC SDN list of 2024-05-03 and the UK list (FCDO summary export of
/// 2025-08-11) designate him: both designations, each with its list version as source.
#[test]
fn shared_data_ni_gaobin() {
    let Some(root) = std::env::var_os("DOSSIER_SHARED_DATA").map(PathBuf::from) else {
        return;
    };
    let env = Env::new();
    let ofac = root
        .join("ofac-sdn-gitscrape/2024-05-03")
        .display()
        .to_string();
    let uk = root
        .join("uk-fcdo-sanctions-list/FCDO_SL_2025-08-11_summary.csv")
        .display()
        .to_string();
    env.ok(&["ingest", &ofac, &uk]);
    let found = env.json(&["show", "NI, Gaobin"]);
    let dossiers = found.as_array().cloned().unwrap_or_default();
    let by_list = |scheme: &str| {
        dossiers
            .iter()
            .find(|d| {
                d["external_ids"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|f| f["scheme"] == scheme)
            })
            .cloned()
            .unwrap_or(Value::Null)
    };
    let us = by_list("us-ofac-sdn");
    assert_eq!(us["facts"]["sanction_program"][0]["value"], "CYBER2");
    assert_eq!(us["facts"]["birth_date"][0]["value"], "1985-10-27");
    assert_eq!(
        us["facts"]["birth_place"][0]["value"],
        "Jingzhou Municipality, China"
    );
    let ids = strings(&us["external_ids"], |f| &f["value"]);
    assert!(ids.contains(&"421003198510272917"), "{ids:?}");
    assert!(us["outgoing"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|r| r["predicate"] == "nationality" && r["other"]["name"] == "China"));
    assert_eq!(
        us["sources"][0]["title"],
        "OFAC Specially Designated Nationals (SDN) List"
    );
    let gb = by_list("gb-fcdo");
    assert_eq!(gb["facts"]["sanction_program"][0]["value"], "Cyber");
    let designation = gb["outgoing"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["predicate"] == "sanctioned_by")
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(designation["sourcing"][0]["valid_from"], "2024-03-25");
    assert_eq!(gb["sources"][0]["title"], "UK Sanctions List");
}

#[test]
fn screen_finds_listed_people_and_actors_with_their_context() {
    let env = Env::new();
    // A listed person, in another word order and spelling, in Cyrillic script too.
    let hits = env.json(&["screen", "Jong Un Kim", "--kind", "person"]);
    let first = &hits[0];
    assert_eq!(first["caption"], "KIM, Jong Un", "{hits:#}");
    assert!(first["score"].as_f64().unwrap_or(0.0) >= 0.8);
    let listing = &first["listings"][0];
    assert_eq!(listing["record_id"], "20157");
    assert!(listing["authority"]
        .as_str()
        .unwrap_or("")
        .contains("Foreign Assets Control"));
    assert!(first["name"]["features"]
        .as_array()
        .is_some_and(|a| !a.is_empty()));
    // A threat actor by a vendor's alias: the hit carries its linked records and relations.
    let hits = env.json(&["screen", "Zirconium"]);
    let actor = hits
        .as_array()
        .and_then(|a| {
            a.iter().find(|h| {
                h["caption"] == "ZIRCONIUM"
                    || h["caption"] == "APT31"
                    || h["caption"] == "Violet Typhoon"
            })
        })
        .unwrap_or_else(|| panic!("no APT31 record in {hits:#}"));
    assert!(
        actor["relations"].as_array().is_some_and(|a| !a.is_empty()),
        "{actor:#}"
    );
    // A kind filter leaves out what is not of that kind.
    let vessels = env.json(&["screen", "Jong Un Kim", "--kind", "vessel"]);
    assert!(vessels
        .as_array()
        .is_some_and(|a| a.iter().all(|h| h["kind"] == "vessel")));
    // Text output explains the hit.
    let text = env.ok(&["screen", "KIM Jong-un"]);
    assert!(
        text.contains("KIM, Jong Un") && text.contains("why:") && text.contains("record 20157"),
        "{text}"
    );
    // An identifier on record decides, whatever the name.
    let by_id = env.json(&[
        "screen",
        "Sea Star",
        "--id",
        "imo:9187629",
        "--kind",
        "vessel",
    ]);
    assert_eq!(by_id[0]["caption"], "ARTAVIL", "{by_id:#}");
    assert_eq!(by_id[0]["features"][0]["name"], "identifier_match");
    // Qualifiers that cannot be read are refused, naming the option.
    for (args, expect) in [
        (
            ["screen", "Kim", "--birth-date", "1984-13-40"],
            "1984-13-40",
        ),
        (["screen", "Kim", "--country", "Narnia"], "--country"),
        (["screen", "Kim", "--threshold", "1.5"], "--threshold"),
    ] {
        let out = env.run(&args);
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(expect), "{args:?}: {err}");
    }
    let none = env.ok(&["screen", "Qwxz Plorbinsky"]);
    assert!(none.contains("no match"), "{none}");
}

#[test]
fn screen_batch_writes_one_line_per_row() {
    let env = Env::new();
    let input = env.dir.path().join("names.csv");
    std::fs::write(
        &input,
        "id,name,kind\nc1,\"Kim, Jong Un\",person\nc2,Qwxz Plorbinsky,\nc3,,\nc4,Banco Nacional de Cuba,organization\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out_csv = env.dir.path().join("out.csv");
    env.ok(&[
        "screen",
        "--batch",
        &input.display().to_string(),
        "--output",
        &out_csv.display().to_string(),
    ]);
    let text = std::fs::read_to_string(&out_csv).unwrap_or_else(|e| panic!("{e}"));
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .map(|r| r.unwrap_or_else(|e| panic!("{e}")))
        .collect();
    assert_eq!(rows.len(), 4, "{text}");
    assert_eq!(&rows[0][1], "c1");
    assert_eq!(&rows[0][6], "KIM, Jong Un");
    assert_eq!(&rows[0][8], "20157");
    assert_eq!(&rows[1][3], "0");
    assert_eq!(&rows[2][3], "0");
    assert_eq!(&rows[3][6], "BANCO NACIONAL DE CUBA");
    assert!(rows.iter().all(|r| r[10].is_empty()));
    // A row whose qualifier cannot be read is still screened, with the problem named.
    let odd = env.dir.path().join("odd.csv");
    std::fs::write(
        &odd,
        "name,birth_date,country
\"Kim, Jong Un\",1984-02-31,Narnia
",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = env.run(&["screen", "--batch", &odd.display().to_string()]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let row = reader
        .records()
        .next()
        .and_then(Result::ok)
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(&row[6], "KIM, Jong Un");
    assert!(
        row[10].contains("line 2: birth_date") && row[10].contains("country"),
        "{text}"
    );
    let jsonl = env.ok(&[
        "screen",
        "--batch",
        &input.display().to_string(),
        "--format",
        "jsonl",
    ]);
    let lines: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["hits"][0]["caption"], "KIM, Jong Un");
    // A file without a name column is refused, naming the file and the line.
    let bad = env.dir.path().join("bad.csv");
    std::fs::write(&bad, "who,when\nx,y\n").unwrap_or_else(|e| panic!("{e}"));
    let out = env.run(&["screen", "--batch", &bad.display().to_string()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.csv") && err.contains("line 1") && err.contains("name"),
        "{err}"
    );
}

#[test]
fn compare_explains_one_pair_and_scores_a_pairs_file_in_order() {
    let env = Env::new();
    let same = env.json(&[
        "compare",
        "Wuhan Xiaoruizhi Science and Technology Co., Ltd.",
        "WUHAN XIAO RUI ZHI SCIENCE & TECHNOLOGY COMPANY LIMITED",
        "--kind",
        "organization",
    ]);
    assert_eq!(same["matched"], true, "{same:#}");
    assert!(same["features"].as_array().is_some_and(|a| !a.is_empty()));
    let other = env.json(&["compare", "Sino Iron I", "Sino Iron II"]);
    assert_eq!(other["matched"], false, "{other:#}");
    let pairs = env.dir.path().join("pairs.csv");
    std::fs::write(
        &pairs,
        "name1,name2,schema\nВладимир Путин,Vladimir Putin,Person\nMwangi & Sons Ltd,Mwangi & Daughters Ltd,Company\n\"MV Karachi Crescent (ex Mandvi Bay)\",Mandvi Bay,Vessel\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = env.ok(&["compare", "--pairs", &pairs.display().to_string()]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "name1,name2,schema,score,match");
    assert_eq!(lines.len(), 4, "{out}");
    assert!(
        lines[1].starts_with("Владимир Путин,Vladimir Putin,Person,")
            && lines[1].ends_with(",true"),
        "{out}"
    );
    assert!(lines[2].ends_with(",false"), "{out}");
    assert!(lines[3].ends_with(",true"), "{out}");
    let bad = env.dir.path().join("bad-pairs.csv");
    std::fs::write(&bad, "a,b\nx,y\n").unwrap_or_else(|e| panic!("{e}"));
    let out = env.run(&["compare", "--pairs", &bad.display().to_string()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad-pairs.csv") && err.contains("name1"),
        "{err}"
    );
}

#[test]
fn iocs_streams_json_lines_and_refuses_non_text() {
    let env = Env::new();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../extract/tests/data/advisory.txt");
    let out = env.ok(&["iocs", &fixture.display().to_string()]);
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let text = std::fs::read_to_string(&fixture).unwrap_or_else(|e| panic!("{e}"));
    assert!(lines
        .iter()
        .any(|l| l["kind"] == "url" && l["defanged"] == true));
    for l in &lines {
        let (s, e) = (
            l["start"].as_u64().unwrap_or(0) as usize,
            l["end"].as_u64().unwrap_or(0) as usize,
        );
        assert_eq!(&text[s..e], l["raw"].as_str().unwrap_or(""), "{l}");
    }
    assert!(lines
        .iter()
        .any(|l| l["value"] == "8.8.8.8" && l["suppressed"].is_string()));
    let hidden = env.ok(&["iocs", "--hide-benign", &fixture.display().to_string()]);
    assert!(!hidden.contains("\"8.8.8.8\""));
    // Standard input, read in blocks, gives the same as the file.
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["iocs", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"));
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap_or_else(|| panic!("no stdin"));
        stdin
            .write_all(text.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let piped = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(String::from_utf8_lossy(&piped.stdout), out);
    // Bytes that are not UTF-8 are refused with their offset.
    let bad = env.dir.path().join("bad.txt");
    std::fs::write(&bad, b"ok 1.2.3.4\n\xff\xfe broken").unwrap_or_else(|e| panic!("{e}"));
    let out = env.run(&["iocs", &bad.display().to_string()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.txt") && err.contains("byte 11"), "{err}");
}

fn story() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/story-apt31.txt")
        .display()
        .to_string()
}

/// The findings of a `read --json` result with their kind and summary.
fn findings(result: &Value) -> Vec<(i64, String, String)> {
    result["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            (
                f["id"].as_i64().unwrap_or(-1),
                f["kind"].as_str().unwrap_or("").to_owned(),
                f["summary"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn read_holds_findings_until_accepted_and_accepted_claims_show_with_their_document() {
    let env = Env::new();
    let story = story();
    env.ok(&["init"]);
    let before = env.counts();
    let read = env.json(&[
        "read",
        &story,
        "--published",
        "2024-03-25",
        "--publisher",
        "Example Wire",
    ]);
    assert_eq!(read["already_present"], false);
    let found = findings(&read);
    let has = |kind: &str, text: &str| found.iter().any(|(_, k, s)| k == kind && s.contains(text));
    for (kind, text) in [
        ("entity", "new person: Zhao Guangzong"),
        ("entity", "new person: Ni Gaobin"),
        ("entity", "new person: Lin Jian (spokesman)"),
        ("indicator", "http://update-check.example-bad.net/login"),
        (
            "claim",
            "Treasury says: Zhao Guangzong sanctioned_by Treasury",
        ),
        ("claim", "Treasury says: Ni Gaobin sanctioned_by Treasury"),
        ("claim", "front_for Ministry of State Security"),
        (
            "claim",
            "British government says: campaign against parliamentarians attributed_to APT31 (2021-08-01 to 2022-10-31)",
        ),
        ("claim", "Microsoft says: APT31 alias Violet Typhoon"),
        ("claim", "APT31 uses ShadowPad"),
        (
            "claim",
            "Lin Jian denies: campaign against parliamentarians attributed_to APT31",
        ),
    ] {
        assert!(has(kind, text), "no {kind} finding {text:?} in {found:#?}");
    }
    // Every finding is pending and points into the text.
    let text = std::fs::read_to_string(&story).unwrap_or_default();
    for f in read["findings"].as_array().into_iter().flatten() {
        assert_eq!(f["status"], "pending");
        let (a, b) = (
            f["span"][0].as_u64().unwrap_or(0) as usize,
            f["span"][1].as_u64().unwrap_or(0) as usize,
        );
        assert!(a < b && b <= text.len(), "{f}");
        assert!(!f["context"].as_str().unwrap_or("").is_empty());
    }
    // Known entities are linked (the company is on the bundled SDN list of 2024-05-07), and
    // the people and organisations named are screened.
    let linked = strings(&read["linked"], |l| &l["name"]);
    assert!(
        linked.contains(&"APT31")
            && linked.contains(&"Wuhan Xiaoruizhi Science and Technology Company, Limited"),
        "{linked:?}"
    );
    for party in [
        "Wuhan Xiaoruizhi Science and Technology Company, Limited",
        "Zhao Guangzong",
        "Ni Gaobin",
    ] {
        assert!(
            read["screening"].as_array().is_some_and(|h| h
                .iter()
                .any(|h| h["party"] == party && h["lists"].to_string().contains("CYBER2"))),
            "{party}: {}",
            read["screening"]
        );
    }
    assert!(
        read["screening"]
            .as_array()
            .is_some_and(
                |h| h.iter().any(|h| h["party"] == "Ministry of State Security"
                    && h["lists"]
                        .to_string()
                        .contains("Office of Foreign Assets Control"))
            ),
        "{}",
        read["screening"]
    );
    // Nothing is stated until accepted; the document is a source.
    let after_read = env.counts();
    assert_eq!(after_read.0, before.0 + 1);
    assert_eq!(after_read.2, before.2);
    assert!(!env.run(&["show", "Lin Jian"]).status.success());
    // Reading the same text again changes nothing.
    let again = env.json(&["read", &story, "--published", "2024-03-25"]);
    assert_eq!(again["already_present"], true);
    assert_eq!(findings(&again).len(), found.len());
    assert_eq!(env.counts(), after_read);

    // Review, reject the indicator, accept the rest.
    let pending = env.json(&["review"]);
    assert_eq!(pending.as_array().map(Vec::len), Some(found.len()));
    let indicator = found
        .iter()
        .find(|f| f.1 == "indicator")
        .map(|f| f.0.to_string())
        .unwrap_or_default();
    env.ok(&["reject", &indicator, "--note", "sinkholed test domain"]);
    // Unknown or decided ids change nothing.
    let bad = env.run(&["accept", "999999"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no finding 999999"));
    let twice = env.run(&["accept", &indicator]);
    assert!(String::from_utf8_lossy(&twice.stderr).contains("already rejected"));
    assert_eq!(env.counts().2, before.2);
    let accepted = env.json(&["accept", "--all"]);
    assert_eq!(
        accepted["decided"].as_array().map(Vec::len),
        Some(found.len() - 1)
    );
    assert!(env.counts().2 > before.2);
    assert_eq!(env.json(&["review"]).as_array().map(Vec::len), Some(0));
    let rejected = env.json(&["review", "--status", "rejected"]);
    assert_eq!(rejected[0]["note"], "sinkholed test domain");

    // Accepted claims show with the document as their source (beside OFAC's own record of
    // ZHAO Guangzong, which the reader does not take for the person the text names).
    let dossiers = env.json(&["show", "Zhao Guangzong"]);
    let designated_by = |d: &Value, who: &str| {
        d["outgoing"].as_array().and_then(|o| {
            o.iter()
                .find(|r| r["predicate"] == "sanctioned_by" && r["other"]["name"] == who)
                .cloned()
        })
    };
    let zhao = dossiers
        .as_array()
        .and_then(|all| all.iter().find(|d| designated_by(d, "Treasury").is_some()))
        .unwrap_or_else(|| panic!("no designation by Treasury in {dossiers:#}"));
    let sanction = designated_by(zhao, "Treasury").unwrap_or_default();
    let key = sanction["sourcing"][0]["source"].as_str().unwrap_or("");
    let source = zhao["sources"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["key"] == key))
        .unwrap_or_else(|| panic!("no source {key}"));
    assert_eq!(
        source["title"],
        "UK and US act against Chinese hacking group"
    );
    // The attribution and its denial, each with its issuer, on the actor's dossier.
    let apt31 = env.json(&["show", "APT31"]);
    let rel = apt31[0]["incoming"]
        .as_array()
        .and_then(|o| {
            o.iter().find(|r| {
                r["predicate"] == "attributed_to"
                    && r["other"]["name"] == "campaign against parliamentarians"
            })
        })
        .unwrap_or_else(|| panic!("no attribution in {}", apt31[0]["incoming"]));
    let stances: Vec<(&str, &str)> = rel["sourcing"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|s| {
            (
                s["stance"].as_str().unwrap_or(""),
                s["issuer"]["name"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        stances.contains(&("asserts", "British government")),
        "{stances:?}"
    );
    assert!(stances.contains(&("denies", "Lin Jian")), "{stances:?}");
    assert!(env.ok(&["show", "APT31"]).contains("DENIES"));
}

#[test]
fn read_refuses_unreadable_documents_and_stores_nothing() {
    let env = Env::new();
    env.ok(&["init"]);
    let before = env.counts();
    let latin1 = env.dir.path().join("latin1.txt");
    std::fs::write(&latin1, b"Sanctions on Soci\xe9t\xe9 G\xe9n\xe9rale")
        .unwrap_or_else(|e| panic!("{e}"));
    let out = env.run(&["read", &latin1.display().to_string()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("latin1.txt") && err.contains("byte 17"),
        "{err}"
    );
    let empty = env.dir.path().join("empty.txt");
    std::fs::write(&empty, " \n\n").unwrap_or_else(|e| panic!("{e}"));
    let out = env.run(&["read", &empty.display().to_string()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty"));
    let missing = env.run(&["read", "/nonexistent/report.txt"]);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/report.txt"));
    let bad_date = env.run(&[
        "read",
        &empty.display().to_string(),
        "--published",
        "2024-13-45",
    ]);
    assert!(!bad_date.status.success());
    let bad_status = env.run(&["review", "--status", "maybe"]);
    assert!(
        String::from_utf8_lossy(&bad_status.stderr).contains("pending, accepted, rejected, all")
    );
    assert_eq!(env.counts(), before);
}
