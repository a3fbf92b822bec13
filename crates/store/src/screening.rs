//! The records the screening index is built from: every person, organisation, vessel,
//! aircraft and threat actor a reader may see, with names, birth dates, countries,
//! identifiers and designations, from the newest visible version of each source.

use std::collections::{BTreeMap, HashMap};

use dossier_model::{all_countries, EntityId, Object, Stance, Value};
use dossier_screen::{Kind, Listing, Record, RecordName};

use crate::import::load_sources;
use crate::statements::{query, visible, visible_sources, Stored};
use crate::{ReadFilter, Store, StoreError};

const PREDICATES: &[&str] = &[
    "is_a",
    "name",
    "alias",
    "weak_alias",
    "birth_date",
    "nationality",
    "citizenship",
    "country",
    "external_id",
    "sanctioned_by",
    "sanction_program",
];

/// Identifier schemes that are a list's own record ids.
const LIST_ID_SCHEMES: &[&str] = &[
    "us-ofac-sdn",
    "us-ofac-consolidated",
    "un-sc",
    "gb-fcdo",
    "gb-ofsi-group",
    "us-csl-entity-number",
    "opensanctions",
];

fn kind_of(value: &str) -> Option<Kind> {
    Some(match value {
        "person" => Kind::Person,
        "organization" | "threat_actor" | "campaign" => Kind::Organization,
        "vessel" => Kind::Vessel,
        "aircraft" => Kind::Aircraft,
        _ => return None,
    })
}

#[derive(Default)]
struct Building {
    kind: Option<Kind>,
    caption: Option<String>,
    names: Vec<RecordName>,
    birth_dates: Vec<String>,
    countries: Vec<String>,
    /// Identifiers with the source stating them: (source number, scheme, value).
    identifiers: Vec<(i64, String, String)>,
    /// Designations by source number: (authority, listed on).
    designations: Vec<(i64, EntityId, Option<String>)>,
    programs: Vec<(i64, String)>,
}

impl Store {
    /// The screenable records a reader with `filter` may see, in id order.
    pub fn screening_records(&self, filter: ReadFilter) -> Result<Vec<Record>, StoreError> {
        let sources = load_sources(&self.conn)?;
        let visible_set = visible_sources(&sources, &filter);
        let by_num: HashMap<i64, &crate::import::SourceRecord> =
            sources.iter().map(|s| (s.num, s)).collect();
        let countries: HashMap<EntityId, &'static str> =
            all_countries().map(|c| (c.entity_id(), c.alpha2)).collect();
        let placeholders = PREDICATES
            .iter()
            .map(|p| format!("'{p}'"))
            .collect::<Vec<_>>()
            .join(",");
        let rows: Vec<Stored> = query(
            &self.conn,
            &format!("s.predicate IN ({placeholders}) ORDER BY s.subject, s.source, s.rowid"),
            [],
        )?;
        let mut building: BTreeMap<EntityId, Building> = BTreeMap::new();
        for row in &rows {
            if !visible(row, &visible_set, &filter) || row.statement.stance != Stance::Asserts {
                continue;
            }
            let st = &row.statement;
            let b = building.entry(st.subject.clone()).or_default();
            let text = match &st.object {
                Object::Value(v) => Some(v.lexical().into_owned()),
                Object::Entity(_) => None,
            };
            match (st.predicate.as_str(), &st.object) {
                ("is_a", _) => {
                    if let Some(k) = text.as_deref().and_then(kind_of) {
                        b.kind = Some(k);
                    }
                }
                ("name", Object::Value(v)) => {
                    let t = v.lexical().into_owned();
                    if b.caption.is_none() {
                        b.caption = Some(t.clone());
                    }
                    b.names.push(RecordName {
                        text: t,
                        weak: false,
                    });
                }
                ("alias", Object::Value(v)) => b.names.push(RecordName {
                    text: v.lexical().into_owned(),
                    weak: false,
                }),
                ("weak_alias", Object::Value(v)) => b.names.push(RecordName {
                    text: v.lexical().into_owned(),
                    weak: true,
                }),
                ("birth_date", Object::Value(v)) => {
                    b.birth_dates.push(v.lexical().into_owned());
                }
                ("nationality" | "citizenship" | "country", Object::Entity(e)) => {
                    if let Some(code) = countries.get(e) {
                        b.countries.push((*code).to_owned());
                    }
                }
                ("external_id", Object::Value(Value::Identifier { scheme, value })) => {
                    b.identifiers
                        .push((row.source_num, scheme.clone(), value.clone()));
                }
                ("sanctioned_by", Object::Entity(authority)) => b.designations.push((
                    row.source_num,
                    authority.clone(),
                    st.valid_from.map(|d| d.to_string()),
                )),
                ("sanction_program", Object::Value(v)) => {
                    b.programs.push((row.source_num, v.lexical().into_owned()));
                }
                _ => {}
            }
        }
        // The authorities' names, for the designations.
        let authority_names: HashMap<EntityId, String> = building
            .values()
            .flat_map(|b| &b.designations)
            .filter_map(|(_, a, _)| Some((a.clone(), building.get(a)?.caption.clone()?)))
            .collect();
        let mut out = Vec::new();
        for (id, mut b) in building {
            let Some(kind) = b.kind else { continue };
            if b.names.is_empty() {
                continue;
            }
            b.birth_dates.sort();
            b.birth_dates.dedup();
            b.countries.sort();
            b.countries.dedup();
            let mut identifiers: Vec<(String, String)> = b
                .identifiers
                .iter()
                .map(|(_, s, v)| (s.clone(), v.clone()))
                .collect();
            identifiers.sort();
            identifiers.dedup();
            let mut listings = Vec::new();
            for (num, authority, listed_on) in &b.designations {
                let Some(source) = by_num.get(num) else {
                    continue;
                };
                // The list's own record id: its scheme names the list; else the first id
                // the list gives.
                let own = |scheme: &str| LIST_ID_SCHEMES.contains(&scheme);
                let from_source = || b.identifiers.iter().filter(|(n, _, _)| n == num);
                let record_id = from_source()
                    .find(|(_, s, _)| own(s))
                    .or_else(|| from_source().next())
                    .map(|(_, _, v)| v.clone());
                let mut programs: Vec<String> = b
                    .programs
                    .iter()
                    .filter(|(n, _)| n == num)
                    .map(|(_, p)| p.clone())
                    .collect();
                programs.sort();
                programs.dedup();
                listings.push(Listing {
                    dataset: source.dataset.clone(),
                    source: source.id.clone(),
                    authority: authority_names.get(authority).cloned(),
                    record_id,
                    programs,
                    listed_on: listed_on.clone(),
                });
            }
            out.push(Record {
                id: id.as_str().to_owned(),
                kind,
                caption: b.caption.unwrap_or_default(),
                names: b.names,
                birth_dates: b.birth_dates,
                countries: b.countries,
                identifiers,
                listings,
            });
        }
        Ok(out)
    }
}
