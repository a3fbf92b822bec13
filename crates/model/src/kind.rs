use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// What an entity is. Stored as an `is_a` statement, so sources may disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Person,
    Organization,
    ThreatActor,
    Campaign,
    Malware,
    Tool,
    AttackPattern,
    Vessel,
    Aircraft,
    Indicator,
    Observable,
    Location,
    Sector,
    Vulnerability,
    Document,
}

impl EntityKind {
    pub const ALL: [EntityKind; 15] = [
        EntityKind::Person,
        EntityKind::Organization,
        EntityKind::ThreatActor,
        EntityKind::Campaign,
        EntityKind::Malware,
        EntityKind::Tool,
        EntityKind::AttackPattern,
        EntityKind::Vessel,
        EntityKind::Aircraft,
        EntityKind::Indicator,
        EntityKind::Observable,
        EntityKind::Location,
        EntityKind::Sector,
        EntityKind::Vulnerability,
        EntityKind::Document,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organization => "organization",
            EntityKind::ThreatActor => "threat_actor",
            EntityKind::Campaign => "campaign",
            EntityKind::Malware => "malware",
            EntityKind::Tool => "tool",
            EntityKind::AttackPattern => "attack_pattern",
            EntityKind::Vessel => "vessel",
            EntityKind::Aircraft => "aircraft",
            EntityKind::Indicator => "indicator",
            EntityKind::Observable => "observable",
            EntityKind::Location => "location",
            EntityKind::Sector => "sector",
            EntityKind::Vulnerability => "vulnerability",
            EntityKind::Document => "document",
        }
    }

    /// The kind a STIX object type stands for, if dossier models it.
    pub fn from_stix_type(ty: &str) -> Option<EntityKind> {
        Some(match ty {
            "intrusion-set" | "threat-actor" => EntityKind::ThreatActor,
            "campaign" => EntityKind::Campaign,
            "malware" => EntityKind::Malware,
            "tool" => EntityKind::Tool,
            "attack-pattern" => EntityKind::AttackPattern,
            "indicator" => EntityKind::Indicator,
            "location" => EntityKind::Location,
            "vulnerability" => EntityKind::Vulnerability,
            "identity" => EntityKind::Organization,
            "report" | "note" | "opinion" | "grouping" => EntityKind::Document,
            _ => return None,
        })
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EntityKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        EntityKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown entity kind {s:?}"))
    }
}
