//! The server on a real loopback socket over a real SQLite file: tokens and roles, TLP
//! clearance on every route, yente's /match, TAXII 2.1 paging and writes, the audit trail
//! and cleared hits, imports that fail whole, request limits and shutdown.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use dossier_ingest::ReadOptions;
use dossier_model::Tlp;
use dossier_server::Config;
use dossier_store::{token_hash, Role, Store};
use regex::Regex;
use serde_json::{json, Value};

type TestResult = Result<(), Box<dyn std::error::Error>>;
/// What one route answered: (route, status, body with times masked).
type Answer = (String, u16, String);

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ingest/tests/data")
        .join(rel)
}

/// A running server on its own database; stopped when dropped.
struct Server {
    base: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<anyhow::Result<()>>>,
    _dir: tempfile::TempDir,
    db: PathBuf,
}

impl Server {
    fn start(
        prepare: impl FnOnce(&mut Store) -> TestResult,
    ) -> Result<Server, Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("dossier.db");
        {
            let mut store = Store::open(&db)?;
            prepare(&mut store)?;
        }
        let mut config = Config::new(db.clone());
        config.log_requests = false;
        config.max_body = 64 << 10;
        config.max_upload = 1 << 20;
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let base = format!("http://{}", listener.local_addr()?);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?;
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener)?;
                dossier_server::serve(config, listener, async {
                    let _ = rx.await;
                })
                .await
            })
        });
        Ok(Server {
            base,
            stop: Some(tx),
            thread: Some(thread),
            _dir: dir,
            db,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn store(&self) -> Result<Store, Box<dyn std::error::Error>> {
        Ok(Store::open(&self.db)?)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Reply {
    status: u16,
    body: String,
    content_type: String,
    headers: Vec<(String, String)>,
}

impl Reply {
    fn json(&self) -> Result<Value, Box<dyn std::error::Error>> {
        serde_json::from_str(&self.body).map_err(|e| format!("{e} in {}", self.body).into())
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn agent() -> &'static ureq::Agent {
    static AGENT: OnceLock<ureq::Agent> = OnceLock::new();
    AGENT.get_or_init(|| ureq::AgentBuilder::new().build())
}

fn call(
    method: &str,
    url: &str,
    token: Option<&str>,
    body: Option<(&str, &[u8])>,
) -> Result<Reply, Box<dyn std::error::Error>> {
    let mut r = agent().request(method, url);
    if let Some(t) = token {
        r = r.set("Authorization", &format!("Bearer {t}"));
    }
    let result = match body {
        Some((ct, bytes)) => r.set("Content-Type", ct).send_bytes(bytes),
        None => r.call(),
    };
    let resp = match result {
        Ok(resp) => resp,
        Err(ureq::Error::Status(_, resp)) => resp,
        Err(e) => return Err(e.into()),
    };
    let status = resp.status();
    let content_type = resp.header("content-type").unwrap_or("").to_owned();
    let headers = resp
        .headers_names()
        .into_iter()
        .filter_map(|n| resp.header(&n).map(|v| (n.clone(), v.to_owned())))
        .collect();
    let body = resp.into_string()?;
    Ok(Reply {
        status,
        body,
        content_type,
        headers,
    })
}

fn get(url: &str, token: &str) -> Result<Reply, Box<dyn std::error::Error>> {
    call("GET", url, Some(token), None)
}

fn post_json(url: &str, token: &str, body: &Value) -> Result<Reply, Box<dyn std::error::Error>> {
    call(
        "POST",
        url,
        Some(token),
        Some(("application/json", body.to_string().as_bytes())),
    )
}

fn import_file(store: &mut Store, path: &Path, options: &ReadOptions) -> TestResult {
    let bytes = std::fs::read(path)?;
    let batch = dossier_ingest::read(&path.display().to_string(), &bytes, options)?;
    store.import(&batch, "2026-01-01T00:00:00Z")?;
    Ok(())
}

fn token(
    store: &mut Store,
    name: &str,
    role: Role,
    clearance: Tlp,
) -> Result<String, Box<dyn std::error::Error>> {
    let secret = format!("secret-{name}");
    store.create_token(
        name,
        &token_hash(&secret),
        role,
        clearance,
        "2026-01-01T00:00:00Z",
    )?;
    Ok(secret)
}

/// The material every reader may see.
fn load_clear(store: &mut Store) -> TestResult {
    let o = ReadOptions::default();
    import_file(store, &data("stix/attack-subset.jsonl"), &o)?;
    import_file(store, &data("misp/threat-actor-subset.json"), &o)?;
    import_file(store, &data("un/excerpt.xml"), &o)?;
    token(store, "clear-reader", Role::Reader, Tlp::Clear)?;
    token(store, "red-analyst", Role::Analyst, Tlp::Red)?;
    token(store, "reader", Role::Reader, Tlp::Red)?;
    token(store, "admin", Role::Admin, Tlp::Red)?;
    Ok(())
}

/// Names and ids that exist only in the restricted material.
const SECRETS: &[&str] = &[
    "Crimson Heron",
    "CRIMSON HERON",
    "intrusion-set--0b8f8d52-3a55-4b7f-8d3a-8f0e4c1b9a11",
    "malware--6f0c1a2e-4f5b-4c1d-9e8a-2b3c4d5e6f70",
    "Ambermoth",
    "Zvezdan Kovalenko-Ardent",
    "Orchid Lantern Trading",
];

/// TLP:RED and TLP:AMBER material: a STIX bundle, a list imported as amber, a document
/// read as red; and a screening by a red-cleared analyst.
fn load_restricted(store: &mut Store) -> TestResult {
    let bundle = json!({
        "type": "bundle",
        "id": "bundle--5d0c7a51-8e3c-4d7e-9a7e-1f2b3c4d5e6f",
        "objects": [
            {"type": "intrusion-set", "spec_version": "2.1", "id": SECRETS[2],
             "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
             "name": "Crimson Heron", "aliases": ["APT31"],
             "object_marking_refs": ["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]},
            {"type": "malware", "spec_version": "2.1", "id": SECRETS[3], "is_family": true,
             "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
             "name": "Ambermoth",
             "object_marking_refs": ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]},
            {"type": "relationship", "spec_version": "2.1",
             "id": "relationship--1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d",
             "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
             "relationship_type": "uses", "source_ref": SECRETS[2], "target_ref": SECRETS[3],
             "object_marking_refs": ["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]},
        ]
    })
    .to_string();
    let batch = dossier_ingest::read(
        "restricted.json",
        bundle.as_bytes(),
        &ReadOptions::default(),
    )?;
    store.import(&batch, "2026-01-02T00:00:00Z")?;
    let list = "{\"id\": \"NK-zvezdan\", \"schema\": \"Person\", \"target\": true, \"properties\": {\"name\": [\"Zvezdan Kovalenko-Ardent\"], \"topics\": [\"sanction\"]}}\n\
                {\"id\": \"NK-orchid\", \"schema\": \"Company\", \"target\": true, \"properties\": {\"name\": [\"Orchid Lantern Trading\"], \"topics\": [\"sanction\"]}}\n";
    let options = ReadOptions {
        default_marking: Tlp::Amber,
        dataset: Some("internal/watchlist".into()),
    };
    let batch = dossier_ingest::read("watchlist.ftm.jsonl", list.as_bytes(), &options)?;
    store.import(&batch, "2026-01-03T00:00:00Z")?;
    Ok(())
}

fn normalise(text: &str) -> String {
    static TIME: OnceLock<Regex> = OnceLock::new();
    let re = TIME.get_or_init(|| {
        Regex::new(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?")
            .unwrap_or_else(|_| unreachable!())
    });
    re.replace_all(text, "<time>").into_owned()
}

/// Every route, as a reader cleared for TLP:CLEAR walks it: (route, status, body).
fn walk(s: &Server, t: &str) -> Result<Vec<Answer>, Box<dyn std::error::Error>> {
    let mut out = Vec::new();
    let mut record = |label: String, r: Reply| out.push((label, r.status, normalise(&r.body)));
    for path in [
        "/health",
        "/entities?q=APT31",
        "/entities?q=Crimson",
        "/entities?q=Ambermoth",
        "/entities?q=Orchid",
        "/lookup?name=Crimson%20Heron",
        "/lookup?name=APT31",
        "/lookup?name=Zvezdan%20Kovalenko-Ardent",
        "/entities/intrusion-set--0b8f8d52-3a55-4b7f-8d3a-8f0e4c1b9a11",
        "/entities/intrusion-set--0b8f8d52-3a55-4b7f-8d3a-8f0e4c1b9a11/statements",
        "/entities/malware--6f0c1a2e-4f5b-4c1d-9e8a-2b3c4d5e6f70",
        "/entities/intrusion-set--4283ae19-69c7-4347-a35e-b56f08eb660b",
        "/entities/intrusion-set--4283ae19-69c7-4347-a35e-b56f08eb660b/statements",
        "/sources",
        "/findings",
        "/audit",
        "/algorithms",
        "/openapi.json",
    ] {
        record(path.to_owned(), get(&s.url(path), t)?);
    }
    // The restricted sources by id, and a diff against one.
    let sources: Vec<String> = {
        let store = s.store()?;
        store.sources(Tlp::Red)?.into_iter().map(|x| x.id).collect()
    };
    for id in &sources {
        let r = get(&s.url(&format!("/sources/{id}")), t)?;
        if r.status == 404 {
            assert!(!r.body.contains("watchlist") && !r.body.contains("restricted"));
        }
    }
    for name in [
        "Crimson Heron",
        "Zvezdan Kovalenko-Ardent",
        "Orchid Lantern Trading",
        "Eric Badege",
    ] {
        record(
            format!("screen {name}"),
            post_json(
                &s.url("/screen"),
                t,
                &json!({"name": name, "threshold": 0.5}),
            )?,
        );
    }
    record(
        "match (echoing the queries Zvezdan Kovalenko-Ardent, Crimson Heron, Orchid Lantern Trading)".into(),
        post_json(
            &s.url("/match/default?cutoff=0.3&threshold=0.5"),
            t,
            &json!({"queries": {
                "a": {"schema": "Person", "properties": {"name": ["Zvezdan Kovalenko-Ardent"]}},
                "b": {"schema": "Organization", "properties": {"name": ["Crimson Heron"]}},
                "c": {"schema": "Company", "properties": {"name": ["Orchid Lantern Trading"]}},
            }}),
        )?,
    );
    record(
        "match internal/watchlist (echoing Zvezdan)".into(),
        post_json(
            &s.url("/match/internal%2Fwatchlist"),
            t,
            &json!({"queries": {"a": {"schema": "Person", "properties": {"name": ["Zvezdan"]}}}}),
        )?,
    );
    // TAXII: every collection, every page, manifests, and the hidden objects by id.
    let cols = get(&s.url("/taxii2/api/collections/"), t)?;
    let list = cols.json()?;
    record("collections".into(), cols);
    for c in list["collections"].as_array().into_iter().flatten() {
        let id = c["id"].as_str().unwrap_or_default();
        let mut next = String::new();
        loop {
            let r = get(
                &s.url(&format!(
                    "/taxii2/api/collections/{id}/objects/?limit=5{next}"
                )),
                t,
            )?;
            let v = r.json()?;
            record(format!("objects {id} {next}"), r);
            match v["next"].as_str() {
                Some(n) if v["more"] == json!(true) => next = format!("&next={n}"),
                _ => break,
            }
        }
        record(
            format!("manifest {id}"),
            get(
                &s.url(&format!("/taxii2/api/collections/{id}/manifest/")),
                t,
            )?,
        );
        for secret in &SECRETS[2..4] {
            record(
                format!("object {id} {secret}"),
                get(
                    &s.url(&format!("/taxii2/api/collections/{id}/objects/{secret}/")),
                    t,
                )?,
            );
            record(
                format!("versions {id} {secret}"),
                get(
                    &s.url(&format!(
                        "/taxii2/api/collections/{id}/objects/{secret}/versions/"
                    )),
                    t,
                )?,
            );
        }
    }
    // Collections that exist only for restricted material, asked for by their ids.
    for title in ["TLP:RED", "TLP:AMBER", "internal/watchlist"] {
        let id = dossier_model::deterministic_uuid(&format!(
            "taxii-collection:{}",
            match title {
                "TLP:RED" => "marking:red".to_owned(),
                "TLP:AMBER" => "marking:amber".to_owned(),
                d => format!("dataset:{d}"),
            }
        ));
        record(
            format!("hidden collection {title}"),
            get(&s.url(&format!("/taxii2/api/collections/{id}/objects/")), t)?,
        );
    }
    Ok(out)
}

#[test]
fn a_clear_reader_sees_nothing_of_red_or_amber_material_not_even_counts() -> TestResult {
    // The same walk over a store without the restricted material and over one with it
    // must give the same answers, byte for byte (times aside).
    let mut walks = Vec::new();
    for restricted in [false, true] {
        let s = Server::start(|store| {
            load_clear(store)?;
            if restricted {
                load_restricted(store)?;
            }
            Ok(())
        })?;
        // A red-cleared analyst screens restricted names first (the audit trail then
        // holds what a clear reader must not see) and reads a red document.
        let red = "secret-red-analyst";
        post_json(
            &s.url("/screen"),
            red,
            &json!({"name": "Zvezdan Kovalenko-Ardent"}),
        )?;
        post_json(
            &s.url("/documents"),
            red,
            &json!({"text": "Crimson Heron, a group tracked by analysts, used Ambermoth against ministries in 2025.", "tlp": "red", "title": "Internal note"}),
        )?;
        let w = walk(&s, "secret-clear-reader")?;
        if restricted {
            // The restricted material is really there for a red reader.
            let r = get(&s.url("/entities?q=Crimson"), "secret-reader")?;
            assert!(r.body.contains("Crimson Heron"), "{}", r.body);
            let r = post_json(
                &s.url("/screen"),
                "secret-reader",
                &json!({"name": "Zvezdan Kovalenko-Ardent"}),
            )?;
            assert!(r.body.contains("Zvezdan"), "{}", r.body);
            let cols = get(&s.url("/taxii2/api/collections/"), "secret-reader")?;
            assert!(cols.body.contains("TLP:RED") && cols.body.contains("TLP:AMBER"));
        }
        for (label, _, body) in &w {
            // (A 404 may repeat the id the caller asked for: they typed it.)
            for secret in SECRETS.iter().filter(|s| !label.contains(*s)) {
                assert!(!body.contains(secret), "{label} shows {secret}: {body}");
            }
        }
        walks.push(w);
    }
    assert_eq!(walks[0].len(), walks[1].len());
    for (a, b) in walks[0].iter().zip(&walks[1]) {
        if a != b {
            let at =
                a.2.bytes()
                    .zip(b.2.bytes())
                    .take_while(|(x, y)| x == y)
                    .count();
            let around = |t: &str| {
                t.get(at.saturating_sub(200)..(at + 200).min(t.len()))
                    .unwrap_or("")
                    .to_owned()
            };
            panic!(
                "the answer to {} differs when restricted material is present (status {} vs {}):\n  without: …{}…\n  with:    …{}…",
                a.0, a.1, b.1, around(&a.2), around(&b.2)
            );
        }
    }
    Ok(())
}

#[test]
fn tokens_roles_and_revocation() -> TestResult {
    let s = Server::start(load_clear)?;
    assert_eq!(call("GET", &s.url("/sources"), None, None)?.status, 401);
    let r = call("GET", &s.url("/sources"), Some("not-a-token"), None)?;
    assert_eq!(r.status, 401);
    assert!(r.header("www-authenticate").is_some());
    // HTTP Basic with the token as password (TAXII clients) and ApiKey (yente clients).
    let basic = agent()
        .get(&s.url("/taxii2/"))
        .set("Authorization", "Basic dXNlcjpzZWNyZXQtcmVhZGVy")
        .call()?;
    assert_eq!(basic.status(), 200);
    let apikey = agent()
        .get(&s.url("/sources"))
        .set("Authorization", "ApiKey secret-reader")
        .call()?;
    assert_eq!(apikey.status(), 200);
    // A reader may not write.
    let r = call(
        "POST",
        &s.url("/sources?name=x.json"),
        Some("secret-reader"),
        Some(("application/octet-stream", b"{}")),
    )?;
    assert_eq!(r.status, 403);
    assert!(r.json()?["error"]["message"]
        .as_str()
        .unwrap_or("")
        .contains("analyst"));
    let r = post_json(
        &s.url("/findings/accept"),
        "secret-reader",
        &json!({"all": true}),
    )?;
    assert_eq!(r.status, 403);
    // Revoked: refused at once.
    s.store()?.revoke_token("reader", "2026-01-05T00:00:00Z")?;
    assert_eq!(get(&s.url("/sources"), "secret-reader")?.status, 401);
    Ok(())
}

#[test]
fn match_speaks_yente() -> TestResult {
    let s = Server::start(load_clear)?;
    let r = post_json(
        &s.url("/match/default?limit=3"),
        "secret-reader",
        &json!({"queries": {
            "listed": {"schema": "Person", "properties": {"name": ["Eric Badege"], "birthDate": ["1971"]}},
            "nobody": {"schema": "Person", "properties": {"name": ["Aurelia Featherstonehaugh-Quist"]}},
        }}),
    )?;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json()?;
    assert_eq!(v["limit"], 3);
    let listed = &v["responses"]["listed"];
    assert_eq!(listed["status"], 200);
    assert_eq!(listed["total"]["relation"], "eq");
    let top = &listed["results"][0];
    assert_eq!(top["caption"], "ERIC BADEGE");
    assert_eq!(top["schema"], "Person");
    assert_eq!(top["match"], true);
    assert_eq!(top["target"], true);
    assert!(top["score"].as_f64().unwrap_or(0.0) >= 0.8);
    assert!(top["datasets"].as_array().is_some_and(|d| !d.is_empty()));
    assert!(top["explanations"]["name"]["score"].is_number());
    assert!(top["properties"]["topics"][0] == "sanction");
    assert_eq!(v["responses"]["nobody"]["results"], json!([]));
    // Excluding the entity leaves it out.
    let id = top["id"].as_str().unwrap_or_default();
    let r = post_json(
        &s.url(&format!("/match/default?exclude_entity_ids={id}")),
        "secret-reader",
        &json!({"queries": {"q": {"schema": "Person", "properties": {"name": ["Eric Badege"]}}}}),
    )?;
    assert!(!r.body.contains(id));
    // Errors: too many queries, no queries, unknown dataset, unknown schema, bad body.
    let many: serde_json::Map<String, Value> = (0..101)
        .map(|i| {
            (
                format!("q{i}"),
                json!({"schema": "Person", "properties": {"name": ["x"]}}),
            )
        })
        .collect();
    let r = post_json(
        &s.url("/match/default"),
        "secret-reader",
        &json!({"queries": many}),
    )?;
    assert_eq!(r.status, 400);
    assert!(r.json()?["detail"]
        .as_str()
        .unwrap_or("")
        .contains("at most 100"));
    assert_eq!(
        post_json(
            &s.url("/match/default"),
            "secret-reader",
            &json!({"queries": {}})
        )?
        .status,
        400
    );
    let r = post_json(
        &s.url("/match/nowhere"),
        "secret-reader",
        &json!({"queries": {"q": {"schema": "Person", "properties": {"name": ["x"]}}}}),
    )?;
    assert_eq!(r.status, 404);
    let r = post_json(
        &s.url("/match/default"),
        "secret-reader",
        &json!({"queries": {"q": {"schema": "Spaceship", "properties": {"name": ["x"]}}}}),
    )?;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("queries.q"));
    let r = call(
        "POST",
        &s.url("/match/default"),
        Some("secret-reader"),
        Some(("application/json", b"{\"queries\": [1")),
    )?;
    assert_eq!(r.status, 422);
    Ok(())
}

#[test]
fn a_cleared_hit_is_not_raised_again_until_the_listed_entity_changes() -> TestResult {
    let s = Server::start(load_clear)?;
    let analyst = "secret-red-analyst";
    let screen = || {
        post_json(
            &s.url("/screen"),
            analyst,
            &json!({"name": "Eric Badege", "kind": "person"}),
        )
    };
    let first = screen()?.json()?;
    let hit = &first["hits"][0];
    assert_eq!(hit["raised"], true, "{first}");
    let entity = hit["hit"]["id"]
        .as_str()
        .or_else(|| hit["id"].as_str())
        .unwrap_or_default()
        .to_owned();
    let r = post_json(
        &s.url("/audit/decisions"),
        analyst,
        &json!({"screening": first["screening"], "entity": entity, "decision": "cleared", "note": "born 1985, not 1971"}),
    )?;
    assert_eq!(r.status, 201, "{}", r.body);
    let second = screen()?.json()?;
    assert_eq!(second["hits"][0]["raised"], false, "{second}");
    assert_eq!(second["hits"][0]["decision"]["decision"], "cleared");
    // A different subject (another birth date) is raised as before.
    let other = post_json(
        &s.url("/screen"),
        analyst,
        &json!({"name": "Eric Badege", "kind": "person", "birth_date": "1971"}),
    )?
    .json()?;
    assert_eq!(other["hits"][0]["raised"], true);
    // The list changes the entity (a new alias): raised again.
    let xml = std::fs::read_to_string(data("un/excerpt.xml"))?
        .replacen("2026-02-27T00:00:09.554Z", "2026-03-06T00:00:00.000Z", 1)
        .replacen(
            "<QUALITY/>\n        <ALIAS_NAME/>",
            "<QUALITY>Good</QUALITY>\n        <ALIAS_NAME>Eric Badege Mugisha</ALIAS_NAME>",
            1,
        );
    let r = call(
        "POST",
        &s.url("/sources?name=un-2026-03-06.xml"),
        Some(analyst),
        Some(("application/xml", xml.as_bytes())),
    )?;
    assert_eq!(r.status, 201, "{}", r.body);
    let third = screen()?.json()?;
    assert_eq!(third["hits"][0]["raised"], true, "{third}");
    // The audit trail has every screening and the decision, with list versions.
    let trail = get(&s.url("/audit?limit=100"), analyst)?.json()?;
    let entries = trail["entries"].as_array().cloned().unwrap_or_default();
    assert_eq!(
        entries.iter().filter(|e| e["action"] == "screen").count(),
        4
    );
    let decision = entries
        .iter()
        .find(|e| e["action"] == "decision")
        .ok_or("no decision")?;
    assert_eq!(decision["detail"]["note"], "born 1985, not 1971");
    let screening = &entries[0]["detail"];
    assert!(screening["lists"].as_array().is_some_and(|l| !l.is_empty()));
    assert_eq!(screening["queries"][0]["names"][0], "Eric Badege");
    // Others' trails are for admins.
    assert_eq!(
        get(&s.url("/audit?actor=red-analyst"), "secret-reader")?.status,
        403
    );
    let all = get(&s.url("/audit?actor=red-analyst"), "secret-admin")?.json()?;
    assert_eq!(all["entries"].as_array().map(Vec::len), Some(entries.len()));
    // A decision on a hit the screening did not return is refused.
    let r = post_json(
        &s.url("/audit/decisions"),
        analyst,
        &json!({"screening": first["screening"], "entity": "identity--00000000-0000-4000-8000-000000000000", "decision": "cleared"}),
    )?;
    assert_eq!(r.status, 404);
    Ok(())
}

#[test]
fn a_broken_upload_changes_nothing_and_says_where() -> TestResult {
    let s = Server::start(load_clear)?;
    let analyst = "secret-red-analyst";
    let before = get(&s.url("/sources"), analyst)?.body;
    let bytes = std::fs::read(data("stix/zirconium-bundle.json"))?;
    let truncated = &bytes[..bytes.len() / 2];
    let r = call(
        "POST",
        &s.url("/sources?name=zirconium.json"),
        Some(analyst),
        Some(("application/json", truncated)),
    )?;
    assert_eq!(r.status, 422, "{}", r.body);
    let message = r.json()?["error"]["message"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(
        message.contains("zirconium.json") && message.contains("line"),
        "{message}"
    );
    assert_eq!(get(&s.url("/sources"), analyst)?.body, before);
    // The whole file imports, once.
    let r = call(
        "POST",
        &s.url("/sources?name=zirconium.json"),
        Some(analyst),
        Some(("application/json", &bytes)),
    )?;
    assert_eq!(r.status, 201, "{}", r.body);
    let again = call(
        "POST",
        &s.url("/sources?name=zirconium.json"),
        Some(analyst),
        Some(("application/json", &bytes)),
    )?;
    assert_eq!(again.status, 200);
    assert_eq!(again.json()?["already_present"], true);
    // Bodies over the limits are refused from their declared length, before being read.
    assert_eq!(announce(&s, "/sources?name=big.json", 2 << 20)?, 413);
    assert_eq!(announce(&s, "/screen", 100 << 10)?, 413);
    Ok(())
}

/// Sends only the head of a POST announcing `length` bytes; returns the status answered.
fn announce(s: &Server, path: &str, length: usize) -> Result<u16, Box<dyn std::error::Error>> {
    use std::io::{Read, Write};
    let addr = s.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(addr)?;
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer secret-red-analyst\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )?;
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut head = [0u8; 64];
    let n = stream.read(&mut head)?;
    let text = String::from_utf8_lossy(&head[..n]);
    Ok(text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0))
}

#[test]
fn documents_become_findings_and_accepted_findings_become_statements() -> TestResult {
    let s = Server::start(load_clear)?;
    let analyst = "secret-red-analyst";
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../cli/tests/data/story-apt31.txt"),
    )?;
    let r = post_json(
        &s.url("/documents"),
        analyst,
        &json!({"text": text, "publisher": "Newswire", "published": "2024-03-25"}),
    )?;
    assert_eq!(r.status, 201, "{}", r.body);
    let v = r.json()?;
    let document = v["source"]["id"].as_str().unwrap_or_default().to_owned();
    let pending = v["findings"].as_array().map_or(0, Vec::len);
    assert!(pending > 3, "{v}");
    let r = post_json(
        &s.url("/findings/accept"),
        analyst,
        &json!({"all": true, "document": document, "note": "checked"}),
    )?;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.json()?["statements_added"].as_u64().unwrap_or(0) > 0);
    let left = get(
        &s.url(&format!("/findings?status=pending&document={document}")),
        analyst,
    )?
    .json()?;
    assert_eq!(left["findings"], json!([]));
    // Deciding again is a conflict; a bad status is named.
    let ids = get(&s.url(&format!("/findings?document={document}")), analyst)?.json()?;
    let first = ids["findings"][0]["id"].clone();
    let r = post_json(
        &s.url("/findings/reject"),
        analyst,
        &json!({"ids": [first]}),
    )?;
    assert_eq!(r.status, 409);
    assert_eq!(get(&s.url("/findings?status=maybe"), analyst)?.status, 400);
    // An empty document and an unknown field are refused with the field named.
    let r = post_json(&s.url("/documents"), analyst, &json!({"text": "  "}))?;
    assert_eq!(r.status, 400);
    let r = post_json(
        &s.url("/documents"),
        analyst,
        &json!({"text": "x", "colour": "red"}),
    )?;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("colour"), "{}", r.body);
    // The accepted statements are served over TAXII in the Documents collection.
    let cols = get(&s.url("/taxii2/api/collections/"), analyst)?.json()?;
    let docs = cols["collections"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["title"] == "Documents")
        .ok_or("no Documents collection")?;
    let objects = get(
        &s.url(&format!(
            "/taxii2/api/collections/{}/objects/",
            docs["id"].as_str().unwrap_or("")
        )),
        analyst,
    )?
    .json()?;
    assert!(
        objects["objects"].as_array().is_some_and(|o| !o.is_empty()),
        "{objects}"
    );
    Ok(())
}

#[test]
fn taxii_pages_filters_and_writes() -> TestResult {
    let s = Server::start(load_clear)?;
    let reader = "secret-reader";
    let d = get(&s.url("/taxii2/"), reader)?;
    assert_eq!(d.content_type, "application/taxii+json;version=2.1");
    assert!(d.json()?["api_roots"][0]
        .as_str()
        .is_some_and(|r| r.ends_with("/taxii2/api/")));
    let root = get(&s.url("/taxii2/api/"), reader)?.json()?;
    assert_eq!(root["versions"][0], "application/taxii+json;version=2.1");
    let cols = get(&s.url("/taxii2/api/collections/"), reader)?.json()?;
    let find = |title: &str| {
        cols["collections"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["title"].as_str().is_some_and(|t| t.contains(title)))
            .and_then(|c| c["id"].as_str())
            .map(str::to_owned)
    };
    let attack = find("ATT&CK").ok_or("no ATT&CK collection")?;
    let objects = |q: &str| {
        get(
            &s.url(&format!("/taxii2/api/collections/{attack}/objects/{q}")),
            reader,
        )
    };
    // Every object once across pages of 4; the manifest agrees.
    let all = objects("?limit=100")?.json()?;
    let total = all["objects"].as_array().map_or(0, Vec::len);
    assert!(total > 10);
    let mut seen = std::collections::BTreeSet::new();
    let mut next = String::new();
    let mut pages = 0;
    loop {
        let r = objects(&format!("?limit=4{next}"))?;
        assert!(r.header("x-taxii-date-added-first").is_some());
        let v = r.json()?;
        pages += 1;
        for o in v["objects"].as_array().into_iter().flatten() {
            assert!(
                seen.insert(o["id"].as_str().unwrap_or_default().to_owned()),
                "repeated {o}"
            );
            assert_eq!(o["spec_version"], "2.1");
        }
        match (v["more"].as_bool(), v["next"].as_str()) {
            (Some(true), Some(n)) => next = format!("&next={n}"),
            _ => break,
        }
    }
    assert_eq!(seen.len(), total);
    assert_eq!(pages, total.div_ceil(4));
    let manifest = get(
        &s.url(&format!("/taxii2/api/collections/{attack}/manifest/")),
        reader,
    )?
    .json()?;
    assert_eq!(manifest["objects"].as_array().map(Vec::len), Some(total));
    // Filters.
    let sets = objects("?match[type]=intrusion-set")?.json()?;
    assert!(sets["objects"]
        .as_array()
        .into_iter()
        .flatten()
        .all(|o| o["type"] == "intrusion-set"));
    let one = objects("?match[id]=intrusion-set--4283ae19-69c7-4347-a35e-b56f08eb660b")?.json()?;
    assert_eq!(one["objects"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        objects("?added_after=2999-01-01T00:00:00Z")?.json()?["more"],
        false
    );
    assert_eq!(
        objects("?match[spec_version]=2.0")?.json()?.get("objects"),
        None
    );
    let r = objects("?next=garbage")?;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()?["http_status"], "400");
    assert_eq!(objects("?limit=0")?.status, 400);
    let r = get(&s.url(&format!("/taxii2/api/collections/{attack}/objects/intrusion-set--4283ae19-69c7-4347-a35e-b56f08eb660b/versions/")), reader)?.json()?;
    assert_eq!(r["versions"].as_array().map(Vec::len), Some(1));
    let r = agent()
        .get(&s.url("/taxii2/api/collections/"))
        .set("Authorization", "Bearer secret-reader")
        .set("Accept", "application/xml")
        .call();
    assert!(matches!(r, Err(ureq::Error::Status(406, _))));
    // Writing: only Submissions, only analysts, and the status belongs to the writer.
    let submissions = find("Submissions").ok_or("no Submissions")?;
    let envelope = json!({"objects": [
        {"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
         "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
         "pattern": "[ipv4-addr:value = '203.0.113.7']", "pattern_type": "stix", "valid_from": "2026-01-01T00:00:00Z",
         "name": "C2 address"},
        {"type": "malware", "id": "not-a-stix-id", "name": "broken"},
    ]});
    let taxii = "application/taxii+json;version=2.1";
    let body = envelope.to_string();
    let r = call(
        "POST",
        &s.url(&format!("/taxii2/api/collections/{submissions}/objects/")),
        Some(reader),
        Some((taxii, body.as_bytes())),
    )?;
    assert_eq!(r.status, 403);
    let r = call(
        "POST",
        &s.url(&format!("/taxii2/api/collections/{attack}/objects/")),
        Some("secret-red-analyst"),
        Some((taxii, body.as_bytes())),
    )?;
    assert_eq!(r.status, 403);
    let r = call(
        "POST",
        &s.url(&format!("/taxii2/api/collections/{submissions}/objects/")),
        Some("secret-red-analyst"),
        Some((taxii, body.as_bytes())),
    )?;
    assert_eq!(r.status, 202, "{}", r.body);
    let status = r.json()?;
    assert_eq!(
        (
            status["success_count"].as_u64(),
            status["failure_count"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert!(
        status["failures"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("objects[1]")),
        "{status}"
    );
    let sid = status["id"].as_str().unwrap_or_default();
    assert_eq!(
        get(
            &s.url(&format!("/taxii2/api/status/{sid}/")),
            "secret-red-analyst"
        )?
        .status,
        200
    );
    assert_eq!(
        get(&s.url(&format!("/taxii2/api/status/{sid}/")), reader)?.status,
        404
    );
    let back = get(&s.url(&format!("/taxii2/api/collections/{submissions}/objects/indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f/")), reader)?.json()?;
    assert_eq!(
        back["objects"][0]["pattern"],
        "[ipv4-addr:value = '203.0.113.7']"
    );
    Ok(())
}

#[test]
fn openapi_document_names_every_route_and_the_page_serves() -> TestResult {
    let s = Server::start(load_clear)?;
    let doc = call("GET", &s.url("/openapi.json"), None, None)?.json()?;
    assert_eq!(doc["openapi"], "3.0.3");
    for p in [
        "/entities/{id}",
        "/match/{dataset}",
        "/screen",
        "/documents",
        "/audit",
        "/taxii2/api/collections/{collection_id}/objects/",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} missing");
    }
    let page = call("GET", &s.url("/docs"), None, None)?;
    assert!(page.content_type.starts_with("text/html"));
    assert!(page.body.contains("/openapi.json"));
    Ok(())
}

#[test]
fn shutdown_finishes_and_the_port_closes() -> TestResult {
    let mut s = Server::start(load_clear)?;
    assert_eq!(call("GET", &s.url("/health"), None, None)?.status, 200);
    let url = s.url("/health");
    if let Some(stop) = s.stop.take() {
        let _ = stop.send(());
    }
    if let Some(t) = s.thread.take() {
        t.join().map_err(|_| "server thread panicked")??;
    }
    assert!(call("GET", &url, None, None).is_err());
    Ok(())
}
