//! API tokens: a name, a role and a clearance, stored by the SHA-256 of the secret only.

use std::fmt;
use std::str::FromStr;

use dossier_model::Tlp;
use rusqlite::OptionalExtension;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Store, StoreError};

/// What a token holder may do. Each role may do what the ones before it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads, searches and screens.
    Reader,
    /// Also imports, reads documents, decides on findings and hits, adds TAXII objects.
    Analyst,
    /// Also reads everyone's audit trail.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?} (expected reader, analyst or admin)")]
pub struct RoleError(pub String);

impl FromStr for Role {
    type Err = RoleError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "reader" => Ok(Role::Reader),
            "analyst" => Ok(Role::Analyst),
            "admin" => Ok(Role::Admin),
            _ => Err(RoleError(s.to_owned())),
        }
    }
}

/// A token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    pub name: String,
    pub role: Role,
    pub clearance: Tlp,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

/// Why a token could not be created or revoked.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("a token named {0:?} exists already")]
    NameTaken(String),
    #[error("no token named {0:?}")]
    NoToken(String),
    #[error("a token name is 1 to 64 letters, digits, '-', '_', '.' or '@' (got {0:?})")]
    BadName(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The stored form of a secret.
pub fn token_hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn info_from_row(
    row: &rusqlite::Row<'_>,
) -> rusqlite::Result<(String, String, u8, String, Option<String>)> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
    ))
}

fn to_info(
    (name, role, clearance, created_at, revoked_at): (String, String, u8, String, Option<String>),
) -> Result<TokenInfo, StoreError> {
    Ok(TokenInfo {
        role: role.parse().map_err(|_| StoreError::Corrupt {
            what: "token.role",
            value: role.clone(),
        })?,
        clearance: Tlp::from_rank(clearance).ok_or_else(|| StoreError::Corrupt {
            what: "token.clearance",
            value: clearance.to_string(),
        })?,
        name,
        created_at,
        revoked_at,
    })
}

impl Store {
    /// Stores a new token under `name` for the secret whose hash is given.
    pub fn create_token(
        &mut self,
        name: &str,
        secret_hash: &str,
        role: Role,
        clearance: Tlp,
        now: &str,
    ) -> Result<TokenInfo, TokenError> {
        let valid = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.@".contains(c));
        if !valid {
            return Err(TokenError::BadName(name.to_owned()));
        }
        let exists: bool = self
            .conn
            .query_row("SELECT 1 FROM token WHERE name = ?1", [name], |_| Ok(true))
            .optional()
            .map_err(StoreError::from)?
            .unwrap_or(false);
        if exists {
            return Err(TokenError::NameTaken(name.to_owned()));
        }
        self.conn
            .execute(
                "INSERT INTO token (name, hash, role, clearance, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                rusqlite::params![name, secret_hash, role.as_str(), clearance.rank(), now],
            )
            .map_err(StoreError::from)?;
        Ok(TokenInfo {
            name: name.to_owned(),
            role,
            clearance,
            created_at: now.to_owned(),
            revoked_at: None,
        })
    }

    /// The live (not revoked) token whose secret has this hash.
    pub fn token_by_hash(&self, secret_hash: &str) -> Result<Option<TokenInfo>, StoreError> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT name, role, clearance, created_at, revoked_at FROM token \
                 WHERE hash = ?1 AND revoked_at IS NULL",
            )?
            .query_row([secret_hash], info_from_row)
            .optional()?;
        row.map(to_info).transpose()
    }

    /// Every token, revoked ones included, in creation order.
    pub fn tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT name, role, clearance, created_at, revoked_at FROM token ORDER BY num",
        )?;
        let rows = stmt.query_map([], info_from_row)?;
        rows.map(|r| to_info(r?)).collect()
    }

    /// Revokes a token: its secret stops working at once.
    pub fn revoke_token(&mut self, name: &str, now: &str) -> Result<TokenInfo, TokenError> {
        let n = self
            .conn
            .execute(
                "UPDATE token SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
                [name, now],
            )
            .map_err(StoreError::from)?;
        if n == 0 {
            return Err(TokenError::NoToken(name.to_owned()));
        }
        self.tokens()?
            .into_iter()
            .find(|t| t.name == name)
            .ok_or_else(|| TokenError::NoToken(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_found_by_hash_until_revoked() -> Result<(), Box<dyn std::error::Error>> {
        let mut store = Store::in_memory()?;
        let hash = token_hash("secret-1");
        store.create_token(
            "ci",
            &hash,
            Role::Analyst,
            Tlp::Amber,
            "2026-01-01T00:00:00Z",
        )?;
        let found = store.token_by_hash(&hash)?.ok_or("token not found")?;
        assert_eq!((found.role, found.clearance), (Role::Analyst, Tlp::Amber));
        assert!(store.token_by_hash(&token_hash("secret-2"))?.is_none());
        assert!(matches!(
            store.create_token("ci", &token_hash("x"), Role::Reader, Tlp::Clear, "t"),
            Err(TokenError::NameTaken(_))
        ));
        assert!(matches!(
            store.create_token("bad name", &token_hash("y"), Role::Reader, Tlp::Clear, "t"),
            Err(TokenError::BadName(_))
        ));
        store.revoke_token("ci", "2026-01-02T00:00:00Z")?;
        assert!(store.token_by_hash(&hash)?.is_none());
        assert!(matches!(
            store.revoke_token("ci", "t"),
            Err(TokenError::NoToken(_))
        ));
        assert_eq!(store.tokens()?.len(), 1);
        Ok(())
    }
}
