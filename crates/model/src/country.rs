//! Countries by ISO 3166-1 code and by name. The table is derived from the MISP country
//! galaxy (CC0-1.0), with the common short names and older forms lists use ("Russia",
//! "Iran (Islamic Republic of)", "DPRK").

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::{name_key, EntityId};

const TABLE: &str = include_str!("countries.tsv");

/// One country: codes, the name dossier displays, and the other names it is known by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    pub alpha2: &'static str,
    pub alpha3: &'static str,
    /// The uuid of the country's cluster in the MISP country galaxy.
    pub misp_uuid: &'static str,
    pub name: &'static str,
    names: &'static str,
}

impl Country {
    /// The entity id every source uses for this country.
    pub fn entity_id(&self) -> EntityId {
        EntityId::derived("location", &format!("iso3166-1:{}", self.alpha2))
    }

    /// Every name in the table, the display name first.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        self.names.split('\t')
    }
}

struct Index {
    countries: Vec<Country>,
    by_code: HashMap<&'static str, usize>,
    by_misp_uuid: HashMap<&'static str, usize>,
    by_name: HashMap<String, usize>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut countries = Vec::new();
        for line in TABLE.lines().filter(|l| !l.is_empty()) {
            let mut cols = line.splitn(4, '\t');
            let (Some(alpha2), Some(alpha3), Some(misp_uuid), Some(names)) =
                (cols.next(), cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            let name = names.split('\t').next().unwrap_or(names);
            countries.push(Country {
                alpha2,
                alpha3,
                misp_uuid,
                name,
                names,
            });
        }
        let mut by_code = HashMap::new();
        let mut by_name = HashMap::new();
        let mut by_misp_uuid = HashMap::new();
        for (i, c) in countries.iter().enumerate() {
            by_misp_uuid.insert(c.misp_uuid, i);
            by_code.insert(c.alpha2, i);
            if !c.alpha3.is_empty() {
                by_code.insert(c.alpha3, i);
            }
            for n in c.names() {
                by_name.entry(name_key(n)).or_insert(i);
            }
        }
        Index {
            countries,
            by_code,
            by_misp_uuid,
            by_name,
        }
    })
}

/// The country with ISO 3166-1 alpha-2 or alpha-3 code `code` (case-insensitive).
pub fn country_by_code(code: &str) -> Option<Country> {
    let idx = index();
    let upper = code.trim().to_ascii_uppercase();
    // "UK" is reserved in ISO 3166-1 for the United Kingdom and common in feeds.
    let upper = if upper == "UK" {
        "GB".to_owned()
    } else {
        upper
    };
    idx.by_code.get(upper.as_str()).map(|&i| idx.countries[i])
}

/// Every country in the table.
pub fn all_countries() -> impl Iterator<Item = Country> {
    index().countries.iter().copied()
}

/// The country whose MISP country-galaxy cluster has this uuid.
pub fn country_by_misp_uuid(uuid: &str) -> Option<Country> {
    let idx = index();
    idx.by_misp_uuid
        .get(uuid.to_ascii_lowercase().as_str())
        .map(|&i| idx.countries[i])
}

/// The country called `name` ("China", "Russian Federation", "the Philippines"…).
pub fn country_by_name(name: &str) -> Option<Country> {
    let idx = index();
    let key = name_key(name);
    let key = key.strip_prefix("the ").unwrap_or(&key);
    idx.by_name.get(key).map(|&i| idx.countries[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_by_code_and_name() {
        let cn = country_by_code("cn").map(|c| c.name);
        assert_eq!(cn, Some("China"));
        assert_eq!(country_by_code("CHN").map(|c| c.alpha2), Some("CN"));
        assert_eq!(country_by_code("uk").map(|c| c.alpha2), Some("GB"));
        for (name, code) in [
            ("China", "CN"),
            ("People's Republic of China", "CN"),
            ("Russian Federation", "RU"),
            ("Iran (Islamic Republic of)", "IR"),
            ("The Philippines", "PH"),
            ("united states", "US"),
            ("Korea (Democratic People's Republic of)", "KP"),
        ] {
            assert_eq!(
                country_by_name(name).map(|c| c.alpha2),
                Some(code),
                "{name}"
            );
        }
        assert_eq!(country_by_name("Middle East"), None);
        let cn = country_by_misp_uuid("84668357-5a8c-4bdd-9f0f-6b50b243484e");
        assert_eq!(cn.map(|c| c.alpha2), Some("CN"));
        assert_eq!(country_by_code("ZZ"), None);
        assert_eq!(index().countries.len(), 252);
    }

    #[test]
    fn entity_ids_are_per_country() {
        let cn = country_by_code("CN").map(|c| c.entity_id());
        assert_eq!(cn, country_by_name("China").map(|c| c.entity_id()));
        assert_ne!(cn, country_by_code("US").map(|c| c.entity_id()));
    }
}
