//! Reading: the dossier of an entity (with every record linked to it), name lookup and
//! search.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use dossier_model::{name_key, EntityId, Object, PartialDate, Predicate, Stance, Tlp, Value};
use serde::Serialize;

use crate::import::{load_sources, SourceRecord};
use crate::statements::{denied_pairs, ordered_pair, query, visible, visible_sources, Stored};
use crate::{ReadFilter, Store, StoreError};

/// A source as cited in a dossier, by its short key ("S1").
#[derive(Debug, Clone, Serialize)]
pub struct SourceRef {
    pub key: String,
    pub id: String,
    pub title: String,
    pub kind: String,
    pub dataset: String,
    pub version: Option<String>,
    pub published: Option<PartialDate>,
    pub content_hash: String,
}

/// Who says something, where, when and how surely.
#[derive(Debug, Clone, Serialize)]
pub struct Sourcing {
    /// Key of the source in [`Dossier::sources`].
    pub source: String,
    pub issuer: Option<EntityRef>,
    pub stance: Stance,
    pub stated_at: Option<PartialDate>,
    pub valid_from: Option<PartialDate>,
    pub valid_to: Option<PartialDate>,
    pub confidence: Option<u8>,
    pub marking: Tlp,
    pub note: Option<String>,
}

/// Another entity as a dossier mentions it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityRef {
    pub id: EntityId,
    pub name: Option<String>,
    pub kind: Option<String>,
    /// Its most useful external id ("mitre-attack T1059"), if any.
    pub external_id: Option<String>,
}

/// A value with everyone who states it.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    pub value: String,
    pub scheme: Option<String>,
    pub sourcing: Vec<Sourcing>,
}

/// Names one party uses for the entity.
#[derive(Debug, Clone, Serialize)]
pub struct NameGroup {
    /// The party using the names; `None` where the source does not say.
    pub used_by: Option<EntityRef>,
    pub names: Vec<Fact>,
}

/// A relation to another entity, in either direction.
#[derive(Debug, Clone, Serialize)]
pub struct Relation {
    pub predicate: String,
    pub other: EntityRef,
    pub sourcing: Vec<Sourcing>,
}

/// One record of the group and where it comes from.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub id: EntityId,
    pub name: Option<String>,
    pub sources: Vec<String>,
}

/// A `same_as` statement that holds the group together (or, denied, keeps records apart).
#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub a: EntityId,
    pub b: EntityId,
    pub sourcing: Sourcing,
}

/// A name of this entity that other entities use too.
#[derive(Debug, Clone, Serialize)]
pub struct Shared {
    pub name: String,
    pub also_used_by: Vec<EntityRef>,
}

/// Everything the store holds about one real-world entity, as a reader may see it.
#[derive(Debug, Clone, Serialize)]
pub struct Dossier {
    pub id: EntityId,
    pub name: Option<String>,
    pub as_of: Option<PartialDate>,
    pub kinds: Vec<Fact>,
    pub members: Vec<Member>,
    pub links: Vec<Link>,
    pub names: Vec<NameGroup>,
    pub external_ids: Vec<Fact>,
    pub countries: Vec<Relation>,
    pub sponsors: Vec<Relation>,
    /// Other value statements by predicate: description, status, motive, targets_sector…
    pub facts: BTreeMap<String, Vec<Fact>>,
    pub outgoing: Vec<Relation>,
    pub incoming: Vec<Relation>,
    pub shared_names: Vec<Shared>,
    pub sources: Vec<SourceRef>,
    /// With an as-of date: statements about these records that carry no date, so cannot
    /// be shown to have been made by then, and are left out.
    pub undated_hidden: usize,
}

/// One search result: a group of records, by the record that matched.
#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub entity: EntityRef,
    pub matched: String,
    /// `exact`, `prefix` or `contains`.
    pub how: &'static str,
    pub records: usize,
}

/// State shared by one read: visible sources, the filter, cached entity references.
struct Reader<'a> {
    store: &'a Store,
    sources: Vec<SourceRecord>,
    visible: HashSet<i64>,
    filter: ReadFilter,
    refs: HashMap<EntityId, EntityRef>,
    cited: Vec<i64>,
}

impl<'a> Reader<'a> {
    fn new(store: &'a Store, filter: ReadFilter) -> Result<Self, StoreError> {
        let sources = load_sources(&store.conn)?;
        let visible = visible_sources(&sources, &filter);
        Ok(Reader {
            store,
            sources,
            visible,
            filter,
            refs: HashMap::new(),
            cited: Vec::new(),
        })
    }

    /// The visible statements matching a WHERE clause with one parameter.
    fn visible_where(&self, clause: &str, param: &str) -> Result<Vec<Stored>, StoreError> {
        let rows = query(
            &self.store.conn,
            &format!("{clause} ORDER BY s.source, s.rowid"),
            [param],
        )?;
        Ok(rows
            .into_iter()
            .filter(|s| visible(s, &self.visible, &self.filter))
            .collect())
    }

    fn about(&self, id: &EntityId) -> Result<Vec<Stored>, StoreError> {
        self.visible_where(
            "s.subject = (SELECT num FROM entity WHERE id = ?1)",
            id.as_str(),
        )
    }

    fn pointing_at(&self, id: &EntityId) -> Result<Vec<Stored>, StoreError> {
        self.visible_where(
            "s.object_entity = (SELECT num FROM entity WHERE id = ?1)",
            id.as_str(),
        )
    }

    fn with_key(&self, key: &str) -> Result<Vec<Stored>, StoreError> {
        self.visible_where("s.name_key = ?1", key)
    }

    /// With an as-of date, how many statements about `id` the reader would see but for
    /// lacking a date.
    fn undated(&self, id: &EntityId) -> Result<usize, StoreError> {
        if self.filter.as_of.is_none() {
            return Ok(0);
        }
        let rows = query(
            &self.store.conn,
            "s.subject = (SELECT num FROM entity WHERE id = ?1) AND s.stated_at IS NULL",
            [id.as_str()],
        )?;
        Ok(rows
            .iter()
            .filter(|s| {
                self.visible.contains(&s.source_num)
                    && s.statement.marking.visible_to(self.filter.clearance)
            })
            .count())
    }

    /// Whether the reader may know of `id`: a statement about it or pointing at it is within
    /// their clearance (whatever its date; links aside, which only connect what is known).
    fn knows(&self, id: &EntityId) -> Result<bool, StoreError> {
        for clause in [
            "s.subject = (SELECT num FROM entity WHERE id = ?1)",
            "s.object_entity = (SELECT num FROM entity WHERE id = ?1)",
        ] {
            let rows = query(&self.store.conn, clause, [id.as_str()])?;
            if rows.iter().any(|s| {
                s.statement.predicate != Predicate::SAME_AS
                    && self.visible.contains(&s.source_num)
                    && s.statement.marking.visible_to(self.filter.clearance)
            }) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn entity_ref(&mut self, id: &EntityId) -> Result<EntityRef, StoreError> {
        if let Some(r) = self.refs.get(id) {
            return Ok(r.clone());
        }
        let about = self.about(id)?;
        let text_of = |p: &Predicate| {
            about.iter().find_map(
                |s| match (&s.statement.object, &s.statement.predicate == p) {
                    (Object::Value(v), true) if s.statement.stance == Stance::Asserts => {
                        Some(v.lexical().into_owned())
                    }
                    _ => None,
                },
            )
        };
        let external_id = about
            .iter()
            .filter_map(|s| match &s.statement.object {
                Object::Value(Value::Identifier { scheme, value })
                    if s.statement.predicate == Predicate::EXTERNAL_ID =>
                {
                    // ATT&CK ids first, then list ids (OFAC, UN, UK), other ids, MISP uuids.
                    let rank = match scheme.as_str() {
                        "mitre-attack" => 0,
                        s if s.starts_with("us-ofac")
                            || s.starts_with("un-sc")
                            || s.starts_with("gb-") =>
                        {
                            1
                        }
                        s if s.starts_with("misp") => 3,
                        _ => 2,
                    };
                    Some((rank, format!("{scheme} {value}")))
                }
                _ => None,
            })
            .min()
            .map(|t| t.1);
        let r = EntityRef {
            id: id.clone(),
            name: text_of(&Predicate::NAME).or_else(|| text_of(&Predicate::ALIAS)),
            kind: text_of(&Predicate::IS_A),
            external_id,
        };
        self.refs.insert(id.clone(), r.clone());
        Ok(r)
    }

    fn cite(&mut self, num: i64) -> String {
        let pos = match self.cited.iter().position(|&n| n == num) {
            Some(p) => p,
            None => {
                self.cited.push(num);
                self.cited.len() - 1
            }
        };
        format!("S{}", pos + 1)
    }

    fn sourcing(&mut self, s: &Stored) -> Result<Sourcing, StoreError> {
        let st = &s.statement;
        let issuer = st.issuer.as_ref().map(|i| self.entity_ref(i)).transpose()?;
        Ok(Sourcing {
            source: self.cite(s.source_num),
            issuer,
            stance: st.stance,
            stated_at: st.stated_at,
            valid_from: st.valid_from,
            valid_to: st.valid_to,
            confidence: st.confidence.map(|c| c.get()),
            marking: st.marking,
            note: st.note.clone(),
        })
    }

    /// The same_as statements touching `id`: asserted and denied.
    fn same_as(&self, id: &EntityId) -> Result<Vec<Stored>, StoreError> {
        let mut rows = self.about(id)?;
        rows.extend(self.pointing_at(id)?);
        rows.retain(|s| s.statement.predicate == Predicate::SAME_AS);
        Ok(rows)
    }

    /// The records `id` is linked to by `same_as`, itself first; denied links cut.
    fn group(&self, id: &EntityId) -> Result<(Vec<EntityId>, Vec<Stored>), StoreError> {
        let mut members = vec![id.clone()];
        let mut seen: HashSet<EntityId> = members.iter().cloned().collect();
        let mut links = Vec::new();
        let mut link_ids = HashSet::new();
        let mut queue = VecDeque::from([id.clone()]);
        while let Some(e) = queue.pop_front() {
            let rows = self.same_as(&e)?;
            let denied = denied_pairs(&rows, &self.sources);
            for s in rows {
                let Object::Entity(o) = &s.statement.object else {
                    continue;
                };
                let p = ordered_pair(&s.statement.subject, o);
                if link_ids.insert(s.statement.id()) {
                    links.push(s.clone());
                }
                if s.statement.stance == Stance::Denies || denied.contains(&p) {
                    continue;
                }
                let other = if s.statement.subject == e {
                    o.clone()
                } else {
                    s.statement.subject.clone()
                };
                if !seen.contains(&other) && !self.knows(&other)? {
                    continue;
                }
                if seen.insert(other.clone()) {
                    members.push(other.clone());
                    queue.push_back(other);
                }
            }
        }
        Ok((members, links))
    }
}

/// Adds a sourcing to the fact with the same key, or a new fact.
fn add_fact(facts: &mut Vec<Fact>, value: &Value, sourcing: Sourcing) {
    let (shown, scheme) = match value {
        Value::Identifier { scheme, value } => (value.clone(), Some(scheme.clone())),
        v => (v.lexical().into_owned(), None),
    };
    let key = name_key(&shown);
    match facts.iter_mut().find(|f| {
        f.scheme == scheme && (name_key(&f.value) == key && !key.is_empty() || f.value == shown)
    }) {
        Some(f) => f.sourcing.push(sourcing),
        None => facts.push(Fact {
            value: shown,
            scheme,
            sourcing: vec![sourcing],
        }),
    }
}

fn add_relation(rels: &mut Vec<Relation>, predicate: &str, other: EntityRef, sourcing: Sourcing) {
    match rels
        .iter_mut()
        .find(|r| r.predicate == predicate && r.other.id == other.id)
    {
        Some(r) => r.sourcing.push(sourcing),
        None => rels.push(Relation {
            predicate: predicate.to_owned(),
            other,
            sourcing: vec![sourcing],
        }),
    }
}

impl Store {
    /// Whether a reader may know of this entity: some statement about it, or pointing at
    /// it, is visible to them.
    pub fn is_visible(&self, id: &EntityId, filter: ReadFilter) -> Result<bool, StoreError> {
        Reader::new(self, filter)?.knows(id)
    }

    /// The entities a query names: an entity id, or a name, alias or external id matched
    /// case-, accent- and width-insensitively. One entity per group of linked records,
    /// threat actors first, then by how much is known about them.
    pub fn lookup(&self, text: &str, filter: ReadFilter) -> Result<Vec<EntityId>, StoreError> {
        let reader = Reader::new(self, filter)?;
        if let Ok(id) = EntityId::parse(text.trim()) {
            // Known by id only to readers who may see something about it.
            if reader.knows(&id)? {
                return Ok(vec![id]);
            }
        }
        let key = name_key(text);
        if key.is_empty() {
            return Ok(Vec::new());
        }
        // Records filed under the name come before those that only use it as an alias.
        let mut candidates: Vec<(bool, EntityId)> = Vec::new();
        for s in reader.with_key(&key)? {
            let p = &s.statement.predicate;
            if p.is_name() || *p == Predicate::EXTERNAL_ID {
                candidates.push((*p != Predicate::NAME, s.statement.subject.clone()));
            }
        }
        candidates.sort();
        let mut seen = HashSet::new();
        let candidates: Vec<EntityId> = candidates
            .into_iter()
            .map(|c| c.1)
            .filter(|c| seen.insert(c.clone()))
            .collect();
        let mut groups: Vec<(bool, usize, EntityId)> = Vec::new();
        let mut covered: HashSet<EntityId> = HashSet::new();
        for c in candidates {
            if covered.contains(&c) {
                continue;
            }
            let (members, _) = reader.group(&c)?;
            let mut statements = 0;
            let mut actor = false;
            for m in &members {
                let about = reader.about(m)?;
                statements += about.len();
                actor |= about.iter().any(|s| {
                    s.statement.predicate == Predicate::IS_A
                        && s.statement.object == Object::Value(Value::text("threat_actor"))
                });
            }
            covered.extend(members);
            groups.push((!actor, usize::MAX - statements, c));
        }
        groups.sort();
        Ok(groups.into_iter().map(|g| g.2).collect())
    }

    /// Names containing `text` (same folding as [`Store::lookup`]), best matches first,
    /// one hit per group of linked records.
    pub fn search(
        &self,
        text: &str,
        filter: ReadFilter,
        limit: usize,
    ) -> Result<Vec<SearchHit>, StoreError> {
        let key = name_key(text);
        if key.is_empty() {
            return Ok(Vec::new());
        }
        let mut reader = Reader::new(self, filter)?;
        // Keys hold only letters, digits, marks and single spaces: nothing LIKE treats
        // specially.
        let pattern = format!("%{key}%");
        let rows = query(
            &self.conn,
            "s.name_key LIKE ?1 AND s.predicate IN ('name', 'alias', 'external_id')",
            [pattern],
        )?;
        let mut found: Vec<(u8, usize, String, EntityId)> = Vec::new();
        for s in rows
            .iter()
            .filter(|s| visible(s, &reader.visible, &reader.filter))
        {
            let Object::Value(v) = &s.statement.object else {
                continue;
            };
            let shown = v.lexical().into_owned();
            let k = name_key(&shown);
            let rank = if k == key {
                0
            } else if k.starts_with(&key) {
                1
            } else {
                2
            };
            found.push((rank, k.len(), shown, s.statement.subject.clone()));
        }
        found.sort();
        let mut hits = Vec::new();
        let mut covered: HashSet<EntityId> = HashSet::new();
        for (rank, _, matched, id) in found {
            if hits.len() >= limit {
                break;
            }
            if covered.contains(&id) {
                continue;
            }
            let (members, _) = reader.group(&id)?;
            covered.extend(members.iter().cloned());
            hits.push(SearchHit {
                entity: reader.entity_ref(&id)?,
                matched,
                how: ["exact", "prefix", "contains"][rank as usize],
                records: members.len(),
            });
        }
        Ok(hits)
    }

    /// The statements about `id` (as subject or object) a reader may see, each with its
    /// source, in storage order.
    pub fn statements(
        &self,
        id: &EntityId,
        filter: ReadFilter,
    ) -> Result<Vec<dossier_model::Statement>, StoreError> {
        let r = Reader::new(self, filter)?;
        if !r.knows(id)? {
            return Err(StoreError::NoEntity(id.clone()));
        }
        let rows = query(
            &self.conn,
            "s.subject = (SELECT num FROM entity WHERE id = ?1) \
             OR s.object_entity = (SELECT num FROM entity WHERE id = ?1) ORDER BY s.rowid",
            [id.as_str()],
        )?;
        Ok(rows
            .into_iter()
            .filter(|s| visible(s, &r.visible, &r.filter))
            .map(|s| s.statement)
            .collect())
    }

    /// The dossier of `id` and every record linked to it.
    pub fn dossier(&self, id: &EntityId, filter: ReadFilter) -> Result<Dossier, StoreError> {
        let mut r = Reader::new(self, filter)?;
        if !r.knows(id)? {
            return Err(StoreError::NoEntity(id.clone()));
        }
        let (members, link_rows) = r.group(id)?;
        let in_group: HashSet<&EntityId> = members.iter().collect();

        let mut d = Dossier {
            id: id.clone(),
            name: None,
            as_of: filter.as_of,
            kinds: Vec::new(),
            members: Vec::new(),
            links: Vec::new(),
            names: Vec::new(),
            external_ids: Vec::new(),
            countries: Vec::new(),
            sponsors: Vec::new(),
            facts: BTreeMap::new(),
            outgoing: Vec::new(),
            incoming: Vec::new(),
            shared_names: Vec::new(),
            sources: Vec::new(),
            undated_hidden: 0,
        };
        let mut by_user: Vec<(Option<EntityId>, Vec<Fact>)> = Vec::new();
        let mut name_keys: Vec<(String, String)> = Vec::new();

        for m in &members {
            d.undated_hidden += r.undated(m)?;
            let about = r.about(m)?;
            let mut member_sources = Vec::new();
            for s in &about {
                let key = r.cite(s.source_num);
                if !member_sources.contains(&key) {
                    member_sources.push(key);
                }
            }
            d.members.push(Member {
                id: m.clone(),
                name: r.entity_ref(m)?.name,
                sources: member_sources,
            });
            for s in &about {
                let st = &s.statement;
                let sourcing = r.sourcing(s)?;
                match (&st.object, st.predicate.as_str()) {
                    (_, "same_as") => {}
                    (Object::Value(v), "is_a") => add_fact(&mut d.kinds, v, sourcing),
                    (Object::Value(v), "name" | "alias") => {
                        if st.predicate == Predicate::NAME && m == id && d.name.is_none() {
                            d.name = Some(v.lexical().into_owned());
                        }
                        let k = name_key(&v.lexical());
                        if !name_keys.iter().any(|(nk, _)| *nk == k) {
                            name_keys.push((k, v.lexical().into_owned()));
                        }
                        let user = st.issuer.clone();
                        let slot = match by_user.iter().position(|(u, _)| *u == user) {
                            Some(p) => p,
                            None => {
                                by_user.push((user, Vec::new()));
                                by_user.len() - 1
                            }
                        };
                        add_fact(&mut by_user[slot].1, v, sourcing);
                    }
                    (Object::Value(v), "external_id") => add_fact(&mut d.external_ids, v, sourcing),
                    (Object::Value(v), p) => {
                        add_fact(d.facts.entry(p.to_owned()).or_default(), v, sourcing)
                    }
                    (Object::Entity(o), p) => {
                        if in_group.contains(o) {
                            continue;
                        }
                        let other = r.entity_ref(o)?;
                        let list = match p {
                            "country" => &mut d.countries,
                            "suspected_sponsor" => &mut d.sponsors,
                            _ => &mut d.outgoing,
                        };
                        add_relation(list, p, other, sourcing);
                    }
                }
            }
            for s in r.pointing_at(m)? {
                let st = &s.statement;
                if st.predicate == Predicate::SAME_AS || in_group.contains(&st.subject) {
                    continue;
                }
                let sourcing = r.sourcing(&s)?;
                let other = r.entity_ref(&st.subject)?;
                add_relation(&mut d.incoming, st.predicate.as_str(), other, sourcing);
            }
        }
        for s in link_rows {
            let Object::Entity(b) = &s.statement.object else {
                continue;
            };
            let sourcing = r.sourcing(&s)?;
            d.links.push(Link {
                a: s.statement.subject.clone(),
                b: b.clone(),
                sourcing,
            });
        }
        if d.name.is_none() {
            d.name = name_keys.first().map(|(_, shown)| shown.clone());
        }

        // Names by who uses them: named parties alphabetically, unattributed last.
        let mut groups = Vec::new();
        for (user, names) in by_user {
            let used_by = user.as_ref().map(|u| r.entity_ref(u)).transpose()?;
            groups.push(NameGroup { used_by, names });
        }
        // One party may be known under several ids (a producer galaxy's uuid and a name
        // another file gives it): one group per displayed name.
        let mut merged: Vec<NameGroup> = Vec::new();
        for g in groups {
            let label = g
                .used_by
                .as_ref()
                .map(|u| name_key(u.name.as_deref().unwrap_or(u.id.as_str())));
            match merged.iter_mut().find(|m| {
                m.used_by
                    .as_ref()
                    .map(|u| name_key(u.name.as_deref().unwrap_or(u.id.as_str())))
                    == label
            }) {
                Some(m) => {
                    for n in g.names {
                        match m
                            .names
                            .iter_mut()
                            .find(|x| name_key(&x.value) == name_key(&n.value))
                        {
                            Some(x) => x.sourcing.extend(n.sourcing),
                            None => m.names.push(n),
                        }
                    }
                }
                None => merged.push(g),
            }
        }
        let mut groups = merged;
        groups.sort_by_key(|g| match &g.used_by {
            Some(u) => (
                0,
                u.name
                    .clone()
                    .unwrap_or_else(|| u.id.to_string())
                    .to_lowercase(),
            ),
            None => (1, String::new()),
        });
        d.names = groups;

        for (key, shown) in &name_keys {
            let mut others = Vec::new();
            for s in r.with_key(key)? {
                let subject = &s.statement.subject;
                if s.statement.predicate.is_name()
                    && !in_group.contains(subject)
                    && !others.iter().any(|o: &EntityRef| o.id == *subject)
                {
                    others.push(r.entity_ref(subject)?);
                }
            }
            if !others.is_empty() {
                d.shared_names.push(Shared {
                    name: shown.clone(),
                    also_used_by: others,
                });
            }
        }

        let order = |rel: &Relation| {
            (
                rel.predicate.clone(),
                rel.other.kind.clone(),
                rel.other.external_id.clone().unwrap_or_default(),
                rel.other.name.clone().unwrap_or_default(),
            )
        };
        d.outgoing.sort_by_key(order);
        d.incoming.sort_by_key(order);
        let by_num: HashMap<i64, &SourceRecord> = r.sources.iter().map(|s| (s.num, s)).collect();
        for (i, num) in r.cited.iter().enumerate() {
            if let Some(s) = by_num.get(num) {
                d.sources.push(SourceRef {
                    key: format!("S{}", i + 1),
                    id: s.id.clone(),
                    title: s.title.clone(),
                    kind: s.kind.clone(),
                    dataset: s.dataset.clone(),
                    version: s.version.clone(),
                    published: s.published,
                    content_hash: s.content_hash.clone(),
                });
            }
        }
        Ok(d)
    }
}
