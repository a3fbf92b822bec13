//! The names a text is searched for: every name and alias (any script) of the entities a
//! reader may see, with each entity's kind.

use std::collections::HashMap;

use dossier_extract::mentions::GazetteerName;
use dossier_model::{EntityId, Object, Stance};

use crate::import::load_sources;
use crate::statements::{denied_pairs, ordered_pair, query, visible, visible_sources};
use crate::{ReadFilter, Store, StoreError};

impl Store {
    /// Names and aliases of the visible entities, with their kinds. Records linked by
    /// `same_as` (one actor in ATT&CK, MISP and a vendor's list) are given as one entity,
    /// the group's first id, so a name they share is not reported as ambiguous.
    pub fn gazetteer_names(&self, filter: ReadFilter) -> Result<Vec<GazetteerName>, StoreError> {
        let sources = load_sources(&self.conn)?;
        let visible_set = visible_sources(&sources, &filter);
        let rows = query(
            &self.conn,
            "s.predicate IN ('is_a', 'name', 'alias', 'weak_alias', 'same_as') ORDER BY s.subject, s.rowid",
            [],
        )?;
        let mut kinds: HashMap<EntityId, String> = HashMap::new();
        let mut names: Vec<(EntityId, String)> = Vec::new();
        let denied = denied_pairs(&rows, &sources);
        let mut parent: HashMap<EntityId, EntityId> = HashMap::new();
        fn root(parent: &HashMap<EntityId, EntityId>, mut e: EntityId) -> EntityId {
            while let Some(p) = parent.get(&e) {
                if *p == e {
                    break;
                }
                e = p.clone();
            }
            e
        }
        for row in &rows {
            let st = &row.statement;
            let Object::Entity(o) = &st.object else {
                continue;
            };
            if st.predicate.as_str() != "same_as"
                || st.stance != Stance::Asserts
                || !visible(row, &visible_set, &filter)
                || denied.contains(&ordered_pair(&st.subject, o))
            {
                continue;
            }
            let (a, b) = (root(&parent, st.subject.clone()), root(&parent, o.clone()));
            if a != b {
                let (low, high) = if a < b { (a, b) } else { (b, a) };
                parent.insert(high, low);
            }
        }
        for row in &rows {
            if !visible(row, &visible_set, &filter) || row.statement.stance != Stance::Asserts {
                continue;
            }
            let st = &row.statement;
            let Object::Value(v) = &st.object else {
                continue;
            };
            if st.predicate.as_str() == "is_a" {
                kinds.insert(st.subject.clone(), v.lexical().into_owned());
            } else {
                names.push((st.subject.clone(), v.lexical().into_owned()));
            }
        }
        Ok(names
            .into_iter()
            .filter_map(|(id, name)| {
                let kind = kinds.get(&id)?.clone();
                Some(GazetteerName {
                    name,
                    entity: root(&parent, id).as_str().to_owned(),
                    kind,
                })
            })
            .collect())
    }
}
