//! Reading texts: indicators of compromise (refanged, normalised, benign look-alikes
//! marked, every finding with its span). Pure: text in, findings out.

pub mod claims;
pub mod dates;
pub mod indicators;
pub mod mentions;
pub mod names;
pub mod refang;
pub mod text;
pub mod warninglist;

pub use indicators::{indicators, Indicator, Kind};
