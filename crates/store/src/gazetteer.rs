//! The names a text is searched for: every name and alias (any script) of the entities a
//! reader may see, with each entity's kind.

use std::collections::HashMap;

use dossier_extract::mentions::GazetteerName;
use dossier_model::{EntityId, Object, Stance};

use crate::import::load_sources;
use crate::statements::{query, visible, visible_sources};
use crate::{ReadFilter, Store, StoreError};

impl Store {
    /// Names and aliases of the visible entities, with their kinds.
    pub fn gazetteer_names(&self, filter: ReadFilter) -> Result<Vec<GazetteerName>, StoreError> {
        let sources = load_sources(&self.conn)?;
        let visible_set = visible_sources(&sources, &filter);
        let rows = query(
            &self.conn,
            "s.predicate IN ('is_a', 'name', 'alias', 'weak_alias') ORDER BY s.subject, s.rowid",
            [],
        )?;
        let mut kinds: HashMap<EntityId, String> = HashMap::new();
        let mut names: Vec<(EntityId, String)> = Vec::new();
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
                    entity: id.as_str().to_owned(),
                    kind,
                })
            })
            .collect())
    }
}
