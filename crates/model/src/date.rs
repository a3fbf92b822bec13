use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("date {0:?} is not YYYY, YYYY-MM or YYYY-MM-DD")]
    Format(String),
    #[error("date {0:?} does not exist")]
    OutOfRange(String),
}

/// A date known to the year, the month or the day: "1985", "2024-03", "2024-03-25".
///
/// Ordering compares the known parts first; a coarser date sorts before finer dates in the
/// same period. Use [`PartialDate::earliest`] and [`PartialDate::latest`] for interval
/// questions such as "was this valid on that day".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartialDate {
    year: u16,
    month: Option<u8>,
    day: Option<u8>,
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

impl PartialDate {
    pub fn new(year: u16, month: Option<u8>, day: Option<u8>) -> Result<Self, DateError> {
        let shown = || format!("{year:04}-{month:?}-{day:?}");
        if !(1..=9999).contains(&year) {
            return Err(DateError::OutOfRange(shown()));
        }
        match (month, day) {
            (None, Some(_)) => return Err(DateError::Format(shown())),
            (Some(m), _) if !(1..=12).contains(&m) => return Err(DateError::OutOfRange(shown())),
            (Some(m), Some(d)) if d == 0 || d > days_in_month(year, m) => {
                return Err(DateError::OutOfRange(shown()))
            }
            _ => {}
        }
        Ok(PartialDate { year, month, day })
    }

    /// Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD".
    pub fn parse(s: &str) -> Result<Self, DateError> {
        let fail = || DateError::Format(s.to_owned());
        let num = |p: &str, len: usize| -> Result<u16, DateError> {
            if p.len() == len && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse().map_err(|_| fail())
            } else {
                Err(fail())
            }
        };
        let mut parts = s.split('-');
        let year = num(parts.next().ok_or_else(fail)?, 4)?;
        let month = parts.next().map(|p| num(p, 2)).transpose()?;
        let day = parts.next().map(|p| num(p, 2)).transpose()?;
        if parts.next().is_some() {
            return Err(fail());
        }
        let narrow = |v: Option<u16>| v.map(|v| v as u8);
        PartialDate::new(year, narrow(month), narrow(day)).map_err(|e| match e {
            DateError::OutOfRange(_) => DateError::OutOfRange(s.to_owned()),
            DateError::Format(_) => fail(),
        })
    }

    /// The calendar date of an RFC 3339 timestamp such as "2025-10-15T20:39:25.843Z"; plain
    /// dates are accepted too.
    pub fn from_timestamp(s: &str) -> Result<Self, DateError> {
        match s.split_once('T') {
            Some((date, _)) if date.len() == 10 => PartialDate::parse(date),
            Some(_) => Err(DateError::Format(s.to_owned())),
            None => PartialDate::parse(s),
        }
    }

    pub fn year(self) -> u16 {
        self.year
    }

    pub fn month(self) -> Option<u8> {
        self.month
    }

    pub fn day(self) -> Option<u8> {
        self.day
    }

    /// The first day this date may mean.
    pub fn earliest(self) -> (u16, u8, u8) {
        (self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    /// The last day this date may mean.
    pub fn latest(self) -> (u16, u8, u8) {
        let month = self.month.unwrap_or(12);
        (
            self.year,
            month,
            self.day.unwrap_or_else(|| days_in_month(self.year, month)),
        )
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
        }
        if let Some(d) = self.day {
            write!(f, "-{d:02}")?;
        }
        Ok(())
    }
}

impl FromStr for PartialDate {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, DateError> {
        PartialDate::parse(s)
    }
}

impl TryFrom<String> for PartialDate {
    type Error = DateError;
    fn try_from(s: String) -> Result<Self, DateError> {
        PartialDate::parse(&s)
    }
}

impl From<PartialDate> for String {
    fn from(d: PartialDate) -> String {
        d.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: Result<&str, ()>) {
        let got = PartialDate::parse(input)
            .map(|d| d.to_string())
            .map_err(|_| ());
        assert_eq!(
            got.as_deref(),
            expected.as_ref().map(|s| *s),
            "input {input:?}"
        );
    }

    #[test]
    fn parses_the_three_precisions() {
        check("1985", Ok("1985"));
        check("2024-03", Ok("2024-03"));
        check("2024-03-25", Ok("2024-03-25"));
        check("2024-02-29", Ok("2024-02-29"));
    }

    #[test]
    fn rejects_broken_dates() {
        for bad in [
            "",
            "85",
            "1985-3",
            "2024-13",
            "2023-02-29",
            "2024-04-31",
            "2024-03-25-1",
            "abcd",
            "0000",
            "2024--01",
            "+202",
        ] {
            check(bad, Err(()));
        }
    }

    #[test]
    fn intervals_cover_the_period() {
        let month = PartialDate::parse("2024-02").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(month.earliest(), (2024, 2, 1));
        assert_eq!(month.latest(), (2024, 2, 29));
        let year = PartialDate::parse("1985").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(year.latest(), (1985, 12, 31));
    }

    #[test]
    fn timestamps_give_their_day() {
        let d = PartialDate::from_timestamp("2025-10-15T20:39:25.843Z");
        assert_eq!(d.map(|d| d.to_string()), Ok("2025-10-15".to_owned()));
        assert!(PartialDate::from_timestamp("2025-1-15T00:00:00Z").is_err());
    }
}
