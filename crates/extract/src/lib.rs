//! Reading texts: indicators of compromise (refanged, normalised, benign look-alikes
//! marked, every finding with its span). Pure: text in, findings out.

pub mod dates;
pub mod indicators;
pub mod mentions;
pub mod refang;
pub mod warninglist;

pub use indicators::{indicators, Indicator, Kind};
