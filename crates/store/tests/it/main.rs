//! Store behaviour on a real SQLite file: atomic and idempotent imports, alias resolution
//! and its undoing, as-of and clearance filtering, name lookup.

use std::path::{Path, PathBuf};

use dossier_ingest::{read, Batch, ReadOptions};
use dossier_model::{EntityId, PartialDate, Stance, Tlp};
use dossier_store::{Dossier, ReadFilter, Store};

const NOW: &str = "2026-01-01T00:00:00Z";
const ZIRCONIUM: &str = "intrusion-set--4283ae19-69c7-4347-a35e-b56f08eb660b";
const MISP_APT31: &str = "intrusion-set--6bf7e6b6-5917-45a6-9567-f0baba79768c";

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../ingest/tests/data")
        .join(rel)
}

fn batch(rel: &str, options: &ReadOptions) -> Batch {
    let bytes = std::fs::read(fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    read(rel, &bytes, options).unwrap_or_else(|e| panic!("{e}"))
}

fn id(s: &str) -> EntityId {
    EntityId::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("dossier.db")).unwrap_or_else(|e| panic!("{e}"))
}

fn loaded(dir: &tempfile::TempDir) -> Store {
    let mut store = open(dir);
    for rel in [
        "stix/attack-subset.jsonl",
        "misp/threat-actor-subset.json",
        "misp/country-subset.json",
    ] {
        store
            .import(&batch(rel, &ReadOptions::default()), NOW)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    store
}

fn all() -> ReadFilter {
    ReadFilter {
        clearance: Tlp::Red,
        as_of: None,
    }
}

fn names(d: &Dossier) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for g in &d.names {
        let who = g
            .used_by
            .as_ref()
            .map(|u| u.name.clone().unwrap_or_else(|| u.id.to_string()))
            .unwrap_or_default();
        for n in &g.names {
            out.push((who.clone(), n.value.clone()));
        }
    }
    out
}

#[test]
fn importing_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = loaded(&dir);
    let before = store.counts().unwrap_or_else(|e| panic!("{e}"));
    let again = store
        .import(
            &batch("misp/threat-actor-subset.json", &ReadOptions::default()),
            "2026-02-02T00:00:00Z",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(again.already_present);
    assert_eq!(
        again.source.imported_at, NOW,
        "the first import's record is kept"
    );
    assert_eq!(store.counts().unwrap_or_else(|e| panic!("{e}")), before);
    // Reopening the file sees the same state.
    drop(store);
    assert_eq!(
        open(&dir).counts().unwrap_or_else(|e| panic!("{e}")),
        before
    );
}

#[test]
fn a_failed_import_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = loaded(&dir);
    let before = store.counts().unwrap_or_else(|e| panic!("{e}"));
    let sources_before = store.sources(Tlp::Red).unwrap_or_else(|e| panic!("{e}"));
    // Fail the write of the 4th statement of the next import, as a full disk would.
    store
        .connection()
        .execute_batch(&format!(
            "CREATE TRIGGER fail_midway BEFORE INSERT ON statement \
             WHEN (SELECT count(*) FROM statement) >= {} \
             BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
            before.2 + 3
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    let result = store.import(
        &batch("stix/zirconium-bundle.json", &ReadOptions::default()),
        NOW,
    );
    assert!(result.is_err(), "the trigger must have fired");
    assert_eq!(store.counts().unwrap_or_else(|e| panic!("{e}")), before);
    assert_eq!(
        store.sources(Tlp::Red).unwrap_or_else(|e| panic!("{e}")),
        sources_before
    );
}

#[test]
fn aliases_link_records_and_an_analyst_can_separate_them() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = loaded(&dir);
    let found = store
        .lookup("APT31", all())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found, [id(MISP_APT31)], "one actor, filed under its name");
    let d = store
        .dossier(&found[0], all())
        .unwrap_or_else(|e| panic!("{e}"));
    let members: Vec<&str> = d.members.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(members, [MISP_APT31, ZIRCONIUM]);
    assert_eq!(d.links.len(), 1);
    let why = d.links[0].sourcing.note.clone().unwrap_or_default();
    assert_eq!(why, "shared: APT31, Violet Typhoon, ZIRCONIUM");
    let n = names(&d);
    for (who, name) in [
        ("The MITRE Corporation", "ZIRCONIUM"),
        ("The MITRE Corporation", "Violet Typhoon"),
        (
            "identity--f9eb432f-2293-48b7-bca4-cc78beb50df0",
            "JUDGMENT PANDA",
        ),
    ] {
        assert!(
            n.contains(&(who.to_owned(), name.to_owned())),
            "{who}: {name} missing from {n:?}"
        );
    }
    let ids: Vec<String> = d.external_ids.iter().map(|f| f.value.clone()).collect();
    assert!(ids.contains(&"G0128".to_owned()), "{ids:?}");
    assert!(
        d.outgoing.iter().any(|r| r.predicate == "uses"),
        "techniques from ATT&CK"
    );
    assert!(d
        .countries
        .iter()
        .any(|r| r.other.name.as_deref() == Some("China")));

    // The analyst says they differ: two dossiers again, and the denial is kept as data.
    store
        .record_same_as(
            &id(ZIRCONIUM),
            &id(MISP_APT31),
            Stance::Denies,
            "tester",
            NOW,
            all(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let found = store
        .lookup("APT31", all())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found.len(), 2, "{found:?}");
    let d = store
        .dossier(&id(ZIRCONIUM), all())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.members.len(), 1);
    assert!(d.links.iter().any(|l| l.sourcing.stance == Stance::Denies));
    assert!(
        d.shared_names.iter().any(|s| s.name == "APT31"),
        "the shared name is shown, not merged"
    );

    // And links them again.
    store
        .record_same_as(
            &id(MISP_APT31),
            &id(ZIRCONIUM),
            Stance::Asserts,
            "tester",
            "2026-01-02T00:00:00Z",
            all(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let found = store
        .lookup("Violet Typhoon", all())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn an_alias_two_records_of_one_dataset_use_is_ambiguous() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = loaded(&dir);
    let misp = br#"{"type": "threat-actor", "name": "Threat Actor", "uuid": "7cdff317-a673-4474-84ec-4f1754947823", "version": 1, "values": [
      {"value": "Alpha", "uuid": "11111111-2222-4333-8444-000000000001", "meta": {"synonyms": ["Shared Storm"]}},
      {"value": "Beta", "uuid": "11111111-2222-4333-8444-000000000002", "meta": {"synonyms": ["Shared Storm"]}}]}"#;
    let stix = br#"{"type": "bundle", "id": "bundle--5", "objects": [
      {"type": "intrusion-set", "id": "intrusion-set--11111111-2222-4333-8444-000000000003", "name": "Gamma",
       "aliases": ["Gamma", "Shared Storm"], "created": "2020-01-01T00:00:00Z", "modified": "2020-01-01T00:00:00Z"}]}"#;
    // A dataset of its own, so the fixture's threat-actor galaxy does not supersede it.
    let own = ReadOptions {
        default_marking: Tlp::Clear,
        dataset: Some("test/actors".to_owned()),
    };
    store
        .import(
            &read("a.json", misp, &own).unwrap_or_else(|e| panic!("{e}")),
            NOW,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let outcome = store
        .import(
            &read("b.json", stix, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}")),
            NOW,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let resolution = outcome.resolution.unwrap_or_default();
    let shared: Vec<_> = resolution
        .ambiguities
        .iter()
        .filter(|a| a.key == "Shared Storm")
        .collect();
    assert_eq!(shared.len(), 1, "{:?}", resolution.ambiguities);
    assert_eq!(shared[0].entities.len(), 2);
    let found = store
        .lookup("Shared Storm", all())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(found.len(), 3, "never silently merged: {found:?}");
}

#[test]
fn as_of_shows_only_what_was_stated_and_valid_then() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = open(&dir);
    store
        .import(
            &batch("stix/zirconium-bundle.json", &ReadOptions::default()),
            NOW,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let at = |d: &str| ReadFilter {
        clearance: Tlp::Red,
        as_of: Some(PartialDate::parse(d).unwrap_or_else(|e| panic!("{e}"))),
    };
    // Created 2021-03-24, aliases as of the 2025-10-15 version.
    let d = store
        .dossier(&id(ZIRCONIUM), at("2022-06"))
        .unwrap_or_else(|e| panic!("{e}"));
    let n: Vec<String> = names(&d).into_iter().map(|(_, n)| n).collect();
    assert_eq!(n, ["ZIRCONIUM"]);
    let d = store
        .dossier(&id(ZIRCONIUM), at("2026-01-01"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(names(&d).len(), 3);
    let d = store
        .dossier(&id(ZIRCONIUM), at("2020"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(names(&d).is_empty() && d.kinds.is_empty());
}

#[test]
fn clearance_hides_marked_statements_even_from_lookup() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = open(&dir);
    let options = ReadOptions {
        default_marking: Tlp::Amber,
        dataset: None,
    };
    store
        .import(&batch("stix/zirconium-bundle.json", &options), NOW)
        .unwrap_or_else(|e| panic!("{e}"));
    let green = ReadFilter {
        clearance: Tlp::Green,
        as_of: None,
    };
    assert!(store
        .lookup("Violet Typhoon", green)
        .unwrap_or_else(|e| panic!("{e}"))
        .is_empty());
    assert!(store
        .search("typhoon", green, 10)
        .unwrap_or_else(|e| panic!("{e}"))
        .is_empty());
    assert!(
        matches!(
            store.dossier(&id(ZIRCONIUM), green),
            Err(dossier_store::StoreError::NoEntity(_))
        ),
        "not even its existence leaks"
    );
    let amber = ReadFilter {
        clearance: Tlp::Amber,
        as_of: None,
    };
    assert_eq!(
        store
            .lookup("Violet Typhoon", amber)
            .unwrap_or_else(|e| panic!("{e}"))
            .len(),
        1
    );
}

#[test]
fn lookup_ignores_case_accents_and_width() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = loaded(&dir);
    for q in [
        "violet typhoon",
        "VIOLET-TYPHOON",
        "Ｖｉｏｌｅｔ Ｔｙｐｈｏｏｎ",
        "Víolet Typhöon",
        "g0128",
    ] {
        let found = store.lookup(q, all()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found.len(), 1, "{q}: {found:?}");
    }
    let hits = store
        .search("typh", all(), 10)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        hits.iter()
            .any(|h| h.records == 2 && h.matched == "Violet Typhoon"),
        "{hits:?}"
    );
}

#[test]
fn a_newer_version_of_a_dataset_supersedes_the_older() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = open(&dir);
    let v1 = br#"{"type": "bundle", "id": "bundle--1", "objects": [{"type": "malware", "id": "malware--11111111-2222-4333-8444-000000000009",
      "name": "OldName", "created": "2020-01-01T00:00:00Z", "modified": "2020-01-01T00:00:00Z"}]}"#;
    let v2 = br#"{"type": "bundle", "id": "bundle--1", "objects": [{"type": "malware", "id": "malware--11111111-2222-4333-8444-000000000009",
      "name": "NewName", "created": "2020-01-01T00:00:00Z", "modified": "2021-01-01T00:00:00Z"}]}"#;
    let options = ReadOptions {
        default_marking: Tlp::Clear,
        dataset: Some("vendor/feed".to_owned()),
    };
    for v in [&v1[..], &v2[..]] {
        store
            .import(
                &read("feed.json", v, &options).unwrap_or_else(|e| panic!("{e}")),
                NOW,
            )
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(store
        .lookup("OldName", all())
        .unwrap_or_else(|e| panic!("{e}"))
        .is_empty());
    assert_eq!(
        store
            .lookup("NewName", all())
            .unwrap_or_else(|e| panic!("{e}"))
            .len(),
        1
    );
    let then = ReadFilter {
        clearance: Tlp::Red,
        as_of: PartialDate::parse("2020-06").ok(),
    };
    assert_eq!(
        store
            .lookup("OldName", then)
            .unwrap_or_else(|e| panic!("{e}"))
            .len(),
        1,
        "as of 2020 the old version holds"
    );
}

#[test]
fn as_of_leaves_out_undated_statements_and_says_how_many() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = loaded(&dir);
    let at = ReadFilter {
        clearance: Tlp::Red,
        as_of: PartialDate::parse("2024-06").ok(),
    };
    // MISP galaxies carry no dates: as of any date they say nothing, and say so.
    let d = store
        .dossier(&id(MISP_APT31), at)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(d.names.is_empty(), "{:?}", d.names);
    assert!(d.undated_hidden > 10, "{}", d.undated_hidden);
    assert_eq!(
        d.members.len(),
        1,
        "the resolver's undated links do not hold then either"
    );
    let d = store
        .dossier(&id(MISP_APT31), all())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(d.undated_hidden, 0);
}

#[test]
fn analysts_cannot_link_what_they_cannot_see_and_links_hide_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = loaded(&dir);
    let amber = ReadOptions {
        default_marking: Tlp::Amber,
        dataset: Some("partner/feed".to_owned()),
    };
    let secret = br#"{"type": "bundle", "id": "bundle--9", "objects": [{"type": "intrusion-set",
      "id": "intrusion-set--11111111-2222-4333-8444-00000000aaaa", "name": "Quiet Actor", "created": "2020-01-01T00:00:00Z"}]}"#;
    store
        .import(
            &read("s.json", secret, &amber).unwrap_or_else(|e| panic!("{e}")),
            NOW,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let hidden = id("intrusion-set--11111111-2222-4333-8444-00000000aaaa");
    let green = ReadFilter {
        clearance: Tlp::Green,
        as_of: None,
    };
    let refused = store.record_same_as(&id(ZIRCONIUM), &hidden, Stance::Asserts, "low", NOW, green);
    assert!(
        matches!(refused, Err(dossier_store::StoreError::NoEntity(_))),
        "{refused:?}"
    );
    assert!(matches!(
        store.dossier(&hidden, green),
        Err(dossier_store::StoreError::NoEntity(_))
    ));

    // Linked by someone cleared: the link carries the amber marking, so a green reader's
    // dossier of ZIRCONIUM does not list the hidden record.
    store
        .record_same_as(&id(ZIRCONIUM), &hidden, Stance::Asserts, "high", NOW, all())
        .unwrap_or_else(|e| panic!("{e}"));
    let d = store
        .dossier(&id(ZIRCONIUM), green)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(d.members.iter().all(|m| m.id != hidden), "{:?}", d.members);
    assert!(d.links.iter().all(|l| l.a != hidden && l.b != hidden));
    let d = store
        .dossier(&id(ZIRCONIUM), all())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(d.members.iter().any(|m| m.id == hidden));
}

#[test]
fn the_resolver_report_is_hidden_when_it_rests_on_marked_names() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = open(&dir);
    let amber = ReadOptions {
        default_marking: Tlp::Amber,
        dataset: None,
    };
    let misp = br#"{"type": "threat-actor", "name": "Threat Actor", "uuid": "7cdff317-a673-4474-84ec-4f1754947823", "version": 1, "values": [
      {"value": "Alpha", "uuid": "11111111-2222-4333-8444-000000000001", "meta": {"synonyms": ["Secret Storm"]}},
      {"value": "Beta", "uuid": "11111111-2222-4333-8444-000000000002", "meta": {"synonyms": ["Secret Storm"]}}]}"#;
    store
        .import(
            &read("a.json", misp, &amber).unwrap_or_else(|e| panic!("{e}")),
            NOW,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let listed = |clearance| -> Vec<(String, String)> {
        store
            .sources(clearance)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|s| (s.kind, s.diagnostics.to_string()))
            .collect()
    };
    // The amber resolver source reports the ambiguity; a clear reader sees only the
    // resolver's clear source, as empty as in a store without the amber names.
    let amber = listed(Tlp::Amber);
    assert!(
        amber
            .iter()
            .any(|(k, d)| k == "resolver" && d.contains("Secret Storm")),
        "{amber:?}"
    );
    let clear = listed(Tlp::Clear);
    assert_eq!(clear, [("resolver".to_owned(), "[]".to_owned())]);
}

#[test]
fn the_same_bytes_read_with_a_stricter_marking_are_a_new_version() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = open(&dir);
    let feed = ReadOptions {
        default_marking: Tlp::Clear,
        dataset: Some("partner/feed".to_owned()),
    };
    let stricter = ReadOptions {
        default_marking: Tlp::Amber,
        dataset: Some("partner/feed".to_owned()),
    };
    store
        .import(&batch("stix/zirconium-bundle.json", &feed), NOW)
        .unwrap_or_else(|e| panic!("{e}"));
    let again = store
        .import(&batch("stix/zirconium-bundle.json", &stricter), NOW)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!again.already_present);
    let green = ReadFilter {
        clearance: Tlp::Green,
        as_of: None,
    };
    assert!(
        store
            .lookup("ZIRCONIUM", green)
            .unwrap_or_else(|e| panic!("{e}"))
            .is_empty(),
        "the amber version holds"
    );
}

#[test]
fn unrelated_files_of_the_same_name_do_not_supersede_each_other() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = open(&dir);
    let one = br#"{"type": "bundle", "id": "bundle--1", "objects": [{"type": "malware", "id": "malware--11111111-2222-4333-8444-0000000000b1", "name": "First", "created": "2020-01-01T00:00:00Z"}]}"#;
    let two = br#"{"type": "bundle", "id": "bundle--2", "objects": [{"type": "malware", "id": "malware--11111111-2222-4333-8444-0000000000b2", "name": "Second", "created": "2021-01-01T00:00:00Z"}]}"#;
    for bytes in [&one[..], &two[..]] {
        store
            .import(
                &read("indicators.json", bytes, &ReadOptions::default())
                    .unwrap_or_else(|e| panic!("{e}")),
                NOW,
            )
            .unwrap_or_else(|e| panic!("{e}"));
    }
    for name in ["First", "Second"] {
        assert_eq!(
            store
                .lookup(name, all())
                .unwrap_or_else(|e| panic!("{e}"))
                .len(),
            1,
            "{name}"
        );
    }
}

/// A server leaves checkpoints to a task of its own: writes stay in the write-ahead log
/// (readable by every connection) until `checkpoint` moves them all into the file.
#[test]
fn checkpoints_left_to_the_caller_move_the_whole_log() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = open(&dir);
    store
        .leave_checkpoints_to_caller()
        .unwrap_or_else(|e| panic!("{e}"));
    let file_before = std::fs::metadata(dir.path().join("dossier.db")).map_or(0, |m| m.len());
    store
        .import(
            &batch("stix/attack-subset.jsonl", &ReadOptions::default()),
            NOW,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let other = open(&dir);
    let count = |s: &Store| -> i64 {
        s.connection()
            .query_row("SELECT count(*) FROM statement", [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let written = count(&store);
    assert!(written > 0);
    assert_eq!(count(&other), written);
    let (log, moved) = store.checkpoint().unwrap_or_else(|e| panic!("{e}"));
    assert!(log > 0, "the import's pages were in the log");
    assert_eq!(
        moved, log,
        "a passive checkpoint with no reader moves every page"
    );
    let file_after = std::fs::metadata(dir.path().join("dossier.db")).map_or(0, |m| m.len());
    assert!(file_after > file_before);
    drop((store, other));
    assert_eq!(count(&open(&dir)), written);
}

/// Rows that refer to no existing row, by `PRAGMA foreign_key_check`.
fn dangling(store: &Store) -> Vec<(String, i64)> {
    let mut q = store
        .connection()
        .prepare("PRAGMA foreign_key_check")
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = q
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
        .unwrap_or_else(|e| panic!("{e}"));
    rows.map(|r| r.unwrap_or_else(|e| panic!("{e}"))).collect()
}

fn enforced(store: &Store) -> bool {
    store
        .connection()
        .pragma_query_value(None, "foreign_keys", |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn imports_leave_every_reference_sound_and_enforcement_on() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    // Each import after the first re-runs the resolver, which replaces its sources: their
    // statements go with them.
    let mut store = loaded(&dir);
    for rel in [
        "stix/zirconium-bundle.json",
        "stix/oasis-threat-actor-2.1.json",
    ] {
        store
            .import(&batch(rel, &ReadOptions::default()), NOW)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let links: i64 = store
        .connection()
        .query_row(
            "SELECT count(*) FROM statement WHERE predicate = 'same_as'",
            [],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(links > 0, "the resolver linked records");
    assert!(enforced(&store));
    assert_eq!(dangling(&store), []);
    let orphans = |store: &Store| -> i64 {
        store
            .connection()
            .query_row(
                "SELECT count(*) FROM statement WHERE source NOT IN (SELECT num FROM source)",
                [],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{e}"))
    };
    assert_eq!(orphans(&store), 0);
    // A failed import turns enforcement back on too.
    store
        .connection()
        .execute_batch(
            "CREATE TRIGGER fail_always BEFORE INSERT ON statement \
             BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let failed = store.import(
        &batch("stix/oasis-markings-2.1.json", &ReadOptions::default()),
        NOW,
    );
    assert!(failed.is_err());
    assert!(enforced(&store));
    // And with enforcement on, deleting a source still takes what refers to it.
    store
        .connection()
        .execute_batch("DROP TRIGGER fail_always")
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .connection()
        .execute("DELETE FROM source WHERE kind = 'stix_bundle'", [])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(dangling(&store), []);
}

#[test]
fn a_bulk_import_commits_once_and_a_write_failure_leaves_nothing_of_it() {
    let attack = batch("stix/attack-subset.jsonl", &ReadOptions::default());
    let zirconium = batch("stix/zirconium-bundle.json", &ReadOptions::default());
    let misp = batch("misp/threat-actor-subset.json", &ReadOptions::default());
    // Together: the state of importing the files one by one, the resolver run once.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = open(&dir);
    let mut bulk = store.bulk_import(NOW).unwrap_or_else(|e| panic!("{e}"));
    for b in [&attack, &zirconium, &misp] {
        bulk.import(b, &mut |_, _| {})
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let resolution = bulk.finish().unwrap_or_else(|e| panic!("{e}"));
    assert!(resolution.is_some_and(|r| r.links > 0));
    assert!(enforced(&store));
    assert_eq!(dangling(&store), []);
    let other = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut one_by_one = open(&other);
    for b in [&attack, &zirconium, &misp] {
        one_by_one.import(b, NOW).unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(
        one_by_one.counts().unwrap_or_else(|e| panic!("{e}")),
        store.counts().unwrap_or_else(|e| panic!("{e}"))
    );
    // The ZIRCONIUM bundle's statements refused as a full disk would refuse them: nothing
    // of the import is written, not even the file before it.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = open(&dir);
    let before = store.counts().unwrap_or_else(|e| panic!("{e}"));
    store
        .connection()
        .execute_batch(&format!(
            "CREATE TRIGGER refuse_one BEFORE INSERT ON statement \
             WHEN NEW.source = (SELECT num FROM source WHERE id = '{}') \
             BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
            zirconium.source.id.as_str()
        ))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut bulk = store.bulk_import(NOW).unwrap_or_else(|e| panic!("{e}"));
    assert!(bulk.import(&attack, &mut |_, _| {}).is_ok());
    assert!(bulk.import(&zirconium, &mut |_, _| {}).is_err());
    assert!(bulk.import(&misp, &mut |_, _| {}).is_err());
    assert!(bulk.finish().is_err());
    assert_eq!(store.counts().unwrap_or_else(|e| panic!("{e}")), before);
    assert!(enforced(&store));
}

#[test]
fn a_bulk_import_left_unfinished_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = open(&dir);
    let before = store.counts().unwrap_or_else(|e| panic!("{e}"));
    {
        let mut bulk = store.bulk_import(NOW).unwrap_or_else(|e| panic!("{e}"));
        bulk.import(
            &batch("stix/attack-subset.jsonl", &ReadOptions::default()),
            &mut |_, _| {},
        )
        .unwrap_or_else(|e| panic!("{e}"));
        // Dropped without finish, as when the process is stopped.
    }
    assert_eq!(store.counts().unwrap_or_else(|e| panic!("{e}")), before);
    assert!(enforced(&store));
    drop(store);
    assert_eq!(
        open(&dir).counts().unwrap_or_else(|e| panic!("{e}")),
        before
    );
}

fn journal_mode(conn: &rusqlite::Connection) -> String {
    conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_bulk_import_with_the_store_to_itself_writes_through_a_rollback_journal_and_gives_wal_back() {
    let attack = batch("stix/attack-subset.jsonl", &ReadOptions::default());
    let misp = batch("misp/threat-actor-subset.json", &ReadOptions::default());
    // Alone: out of write-ahead logging while it runs, back in it when it ends.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = open(&dir);
    assert_eq!(journal_mode(store.connection()), "wal");
    let mut bulk = store.bulk_import(NOW).unwrap_or_else(|e| panic!("{e}"));
    for b in [&attack, &misp] {
        bulk.import(b, &mut |_, _| {})
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(dir.path().join("dossier.db-journal").exists());
    bulk.finish().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(journal_mode(store.connection()), "wal");
    let alone = store.counts().unwrap_or_else(|e| panic!("{e}"));
    // Shared with another connection (a running server): through the log, same result.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = open(&dir);
    let other = open(&dir);
    let mut bulk = store.bulk_import(NOW).unwrap_or_else(|e| panic!("{e}"));
    for b in [&attack, &misp] {
        bulk.import(b, &mut |_, _| {})
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert!(!dir.path().join("dossier.db-journal").exists());
    // The other connection reads the state before the import meanwhile.
    assert_eq!(other.counts().unwrap_or_else(|e| panic!("{e}")), (0, 0, 0));
    bulk.finish().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.counts().unwrap_or_else(|e| panic!("{e}")), alone);
    assert_eq!(other.counts().unwrap_or_else(|e| panic!("{e}")), alone);
    // Dropped unfinished: nothing written, and back in write-ahead logging.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = open(&dir);
    drop(store.bulk_import(NOW).unwrap_or_else(|e| panic!("{e}")));
    assert_eq!(journal_mode(store.connection()), "wal");
    assert_eq!(store.counts().unwrap_or_else(|e| panic!("{e}")), (0, 0, 0));
}

#[test]
fn a_store_opened_during_a_bulk_import_that_has_it_alone_waits_for_the_import() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("dossier.db");
    let mut store = open(&dir);
    let mut bulk = store.bulk_import(NOW).unwrap_or_else(|e| panic!("{e}"));
    bulk.import(
        &batch("stix/attack-subset.jsonl", &ReadOptions::default()),
        &mut |_, _| {},
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let opener = std::thread::spawn(move || {
        let other = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
        let mode = journal_mode(other.connection());
        (mode, other.counts().unwrap_or_else(|e| panic!("{e}")))
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!opener.is_finished(), "the opener waits for the import");
    bulk.finish().unwrap_or_else(|e| panic!("{e}"));
    let (mode, counts) = opener.join().unwrap_or_else(|_| panic!("opener panicked"));
    assert_eq!(mode, "wal");
    assert_eq!(counts, store.counts().unwrap_or_else(|e| panic!("{e}")));
    assert!(counts.2 > 0);
}

#[test]
fn a_crash_during_a_bulk_import_through_the_rollback_journal_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut store = loaded(&dir);
    let before = store.counts().unwrap_or_else(|e| panic!("{e}"));
    let size_before = std::fs::metadata(dir.path().join("dossier.db"))
        .unwrap_or_else(|e| panic!("{e}"))
        .len();
    // A page cache of a few pages: the import spills its pages into the database file
    // long before it commits, as a large import does.
    store
        .connection()
        .pragma_update(None, "cache_size", 4)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut bulk = store.bulk_import(NOW).unwrap_or_else(|e| panic!("{e}"));
    for rel in [
        "stix/zirconium-bundle.json",
        "stix/oasis-threat-actor-2.1.json",
    ] {
        bulk.import(&batch(rel, &ReadOptions::default()), &mut |_, _| {})
            .unwrap_or_else(|e| panic!("{e}"));
    }
    // What a crash now would leave on disk: the database file as written so far and the
    // rollback journal beside it.
    let crashed = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    for name in ["dossier.db", "dossier.db-journal"] {
        std::fs::copy(dir.path().join(name), crashed.path().join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    drop(bulk);
    let written =
        std::fs::read(crashed.path().join("dossier.db")).unwrap_or_else(|e| panic!("{e}"));
    let original = std::fs::read(dir.path().join("dossier.db")).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        written.len() as u64 != size_before || written != original,
        "the import had written into the database file"
    );
    let reopened = open(&crashed);
    assert_eq!(reopened.counts().unwrap_or_else(|e| panic!("{e}")), before);
    assert_eq!(journal_mode(reopened.connection()), "wal");
    assert!(!crashed.path().join("dossier.db-journal").exists());
}

#[test]
fn a_prepared_batch_writes_the_same_rows_as_the_batch() {
    let rows = |store: &Store| -> Vec<String> {
        let mut q = store
            .connection()
            .prepare(
                "SELECT s.id, e.id, s.predicate, o.id, s.value_kind, s.value_scheme, s.value, \
                 s.name_key, s.stance, i.id, s.valid_from, s.valid_to, s.stated_at, s.confidence, \
                 s.marking, s.note FROM statement s JOIN entity e ON e.num = s.subject \
                 LEFT JOIN entity o ON o.num = s.object_entity LEFT JOIN entity i ON i.num = s.issuer \
                 ORDER BY s.id",
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let out = q
            .query_map([], |r| {
                let cells: Vec<String> = (0..16)
                    .map(|i| format!("{:?}", r.get_ref(i).map(|v| format!("{v:?}"))))
                    .collect();
                Ok(cells.join("|"))
            })
            .unwrap_or_else(|e| panic!("{e}"));
        out.map(|r| r.unwrap_or_else(|e| panic!("{e}"))).collect()
    };
    let files = [
        "stix/attack-subset.jsonl",
        "misp/threat-actor-subset.json",
        "misp/country-subset.json",
    ];
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut plain = open(&dir);
    let mut bulk = plain.bulk_import(NOW).unwrap_or_else(|e| panic!("{e}"));
    for rel in files {
        bulk.import(&batch(rel, &ReadOptions::default()), &mut |_, _| {})
            .unwrap_or_else(|e| panic!("{e}"));
    }
    bulk.finish().unwrap_or_else(|e| panic!("{e}"));
    let other = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut prepared = open(&other);
    let mut bulk = prepared.bulk_import(NOW).unwrap_or_else(|e| panic!("{e}"));
    for rel in files {
        let p = dossier_store::Prepared::new(batch(rel, &ReadOptions::default()));
        bulk.import_prepared(&p, &mut |_, _| {})
            .unwrap_or_else(|e| panic!("{e}"));
    }
    bulk.finish().unwrap_or_else(|e| panic!("{e}"));
    let (a, b) = (rows(&plain), rows(&prepared));
    assert!(a.len() > 300, "{} rows", a.len());
    // Rows with name keys and dates are among them.
    let count = |sql: &str| -> i64 {
        plain
            .connection()
            .query_row(sql, [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    assert!(count("SELECT count(*) FROM statement WHERE name_key IS NOT NULL") > 50);
    assert!(
        count(
            "SELECT count(*) FROM statement WHERE coalesce(valid_from, valid_to, stated_at) IS NOT NULL"
        ) > 50
    );
    assert_eq!(a, b);
}

#[test]
fn a_bulk_import_through_the_log_never_makes_an_opener_wait() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("dossier.db");
    let mut store = open(&dir);
    let mut bulk = store
        .bulk_import_through_log(NOW)
        .unwrap_or_else(|e| panic!("{e}"));
    bulk.import(
        &batch("stix/attack-subset.jsonl", &ReadOptions::default()),
        &mut |_, _| {},
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(!dir.path().join("dossier.db-journal").exists());
    // Opens at once, in the log's mode, and reads the state before the import.
    let other = Store::open(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(journal_mode(other.connection()), "wal");
    assert_eq!(other.counts().unwrap_or_else(|e| panic!("{e}")), (0, 0, 0));
    bulk.finish().unwrap_or_else(|e| panic!("{e}"));
    assert!(other.counts().unwrap_or_else(|e| panic!("{e}")).2 > 0);
}
