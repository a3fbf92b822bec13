use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Namespace of every name-derived uuid dossier makes (UUIDv5).
const DOSSIER_NAMESPACE: Uuid = Uuid::from_u128(0x6d2b_8f0e_4f2a_5c3e_9a41_d055_1e7c_0001);

/// A UUIDv5 derived from `key`: the same key always gives the same uuid.
pub fn deterministic_uuid(key: &str) -> Uuid {
    Uuid::new_v5(&DOSSIER_NAMESPACE, key.as_bytes())
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("entity id {0:?} is not of the form <type>--<identifier>")]
    Malformed(String),
}

/// An entity's identifier, STIX-shaped: `<type>--<identifier>`, e.g.
/// `intrusion-set--4283ae19-69c7-4347-a35e-b56f08eb660b`.
///
/// Ids from a source are kept as the source gives them; ids dossier makes up are UUIDv5 of
/// a descriptive key, so the same input always yields the same id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EntityId(String);

impl EntityId {
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let valid = match s.split_once("--") {
            Some((ty, rest)) => {
                !ty.is_empty()
                    && ty
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !rest.is_empty()
                    && !rest.chars().any(|c| c.is_whitespace() || c.is_control())
            }
            None => false,
        };
        if valid {
            Ok(EntityId(s.to_owned()))
        } else {
            Err(IdError::Malformed(s.to_owned()))
        }
    }

    /// An id of STIX type `ty` derived from `key` (UUIDv5); `ty` must be a lowercase STIX type.
    pub fn derived(ty: &str, key: &str) -> Self {
        EntityId(format!(
            "{ty}--{}",
            deterministic_uuid(&format!("{ty}:{key}"))
        ))
    }

    /// An id of STIX type `ty` around an existing uuid.
    pub fn from_uuid(ty: &str, uuid: Uuid) -> Self {
        EntityId(format!("{ty}--{uuid}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The STIX type part before `--`.
    pub fn stix_type(&self) -> &str {
        self.0.split_once("--").map_or("", |(t, _)| t)
    }
}

impl std::str::FromStr for EntityId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        EntityId::parse(s)
    }
}

impl TryFrom<String> for EntityId {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        EntityId::parse(&s)
    }
}

impl From<EntityId> for String {
    fn from(id: EntityId) -> String {
        id.0
    }
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Lowercase hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

/// A statement's identifier: the first 16 bytes of the SHA-256 of its canonical content,
/// source included, in hex. Equal statements from the same source have equal ids.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct StatementId(pub String);

impl StatementId {
    pub(crate) fn of(canonical: &[u8]) -> Self {
        StatementId(hex(&Sha256::digest(canonical)[..16]))
    }
}

impl fmt::Display for StatementId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stix_ids_and_rejects_others() {
        assert!(EntityId::parse("intrusion-set--4283ae19-69c7-4347-a35e-b56f08eb660b").is_ok());
        for bad in ["", "apt31", "--x", "Intrusion-Set--x", "x--", "x--a b"] {
            assert!(EntityId::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn derived_ids_are_stable() {
        let a = EntityId::derived("location", "iso3166-1:CN");
        assert_eq!(a, EntityId::derived("location", "iso3166-1:CN"));
        assert_ne!(a, EntityId::derived("location", "iso3166-1:US"));
        assert_eq!(a.stix_type(), "location");
    }
}
