use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown TLP level {0:?} (expected clear, green, amber, amber+strict or red)")]
pub struct TlpError(pub String);

/// Traffic Light Protocol 2.0 marking, ordered from least to most restricted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Tlp {
    Clear,
    Green,
    Amber,
    AmberStrict,
    Red,
}

impl Tlp {
    pub fn as_str(self) -> &'static str {
        match self {
            Tlp::Clear => "clear",
            Tlp::Green => "green",
            Tlp::Amber => "amber",
            Tlp::AmberStrict => "amber+strict",
            Tlp::Red => "red",
        }
    }

    /// Whether a reader cleared for `clearance` may see material marked `self`.
    pub fn visible_to(self, clearance: Tlp) -> bool {
        self <= clearance
    }

    /// Small integer stored in the database; order preserving.
    pub fn rank(self) -> u8 {
        self as u8
    }

    pub fn from_rank(rank: u8) -> Option<Tlp> {
        [
            Tlp::Clear,
            Tlp::Green,
            Tlp::Amber,
            Tlp::AmberStrict,
            Tlp::Red,
        ]
        .get(rank as usize)
        .copied()
    }

    /// The level of a STIX marking-definition id: TLP 1.0 definitions of STIX 2.0/2.1 and
    /// TLP 2.0 definitions of the OASIS TLP extension.
    pub fn from_stix_marking_ref(id: &str) -> Option<Tlp> {
        Some(match id {
            "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
            | "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487" => Tlp::Clear,
            "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
            | "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb" => Tlp::Green,
            "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"
            | "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421" => Tlp::Amber,
            "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003" => Tlp::AmberStrict,
            "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"
            | "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1" => Tlp::Red,
            _ => return None,
        })
    }
}

impl fmt::Display for Tlp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TLP:{}", self.as_str().to_ascii_uppercase())
    }
}

impl FromStr for Tlp {
    type Err = TlpError;
    /// Accepts "amber", "TLP:AMBER", "amber+strict", and TLP 1.0's "white" for clear.
    fn from_str(s: &str) -> Result<Self, TlpError> {
        let lower = s.trim().to_ascii_lowercase();
        let bare = lower.strip_prefix("tlp:").unwrap_or(&lower);
        Ok(match bare {
            "clear" | "white" => Tlp::Clear,
            "green" => Tlp::Green,
            "amber" => Tlp::Amber,
            "amber+strict" | "amber-strict" => Tlp::AmberStrict,
            "red" => Tlp::Red,
            _ => return Err(TlpError(s.to_owned())),
        })
    }
}

impl TryFrom<String> for Tlp {
    type Error = TlpError;
    fn try_from(s: String) -> Result<Self, TlpError> {
        s.parse()
    }
}

impl From<Tlp> for String {
    fn from(t: Tlp) -> String {
        t.as_str().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_visibility() {
        assert!(Tlp::Green.visible_to(Tlp::Amber));
        assert!(!Tlp::Red.visible_to(Tlp::AmberStrict));
        assert!(!Tlp::AmberStrict.visible_to(Tlp::Amber));
        for t in [
            Tlp::Clear,
            Tlp::Green,
            Tlp::Amber,
            Tlp::AmberStrict,
            Tlp::Red,
        ] {
            assert_eq!(Tlp::from_rank(t.rank()), Some(t));
            assert_eq!(t.as_str().parse::<Tlp>(), Ok(t));
        }
        assert_eq!("TLP:WHITE".parse::<Tlp>(), Ok(Tlp::Clear));
        assert!("purple".parse::<Tlp>().is_err());
    }
}
