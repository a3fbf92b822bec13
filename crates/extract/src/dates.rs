//! Dates in prose, resolved against the document's publication date: "on March 25",
//! "Monday", "in 2018", "between August 2021 and October 2022", "over a 14-year period",
//! "2024-03-25", "25 March 2024", "yesterday", "last year", "since 2019".

use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

/// A calendar day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Day {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Day {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Day> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Day { year, month, day })
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    fn ordinal(self) -> i64 {
        let (y, m) = if self.month <= 2 {
            (i64::from(self.year) - 1, i64::from(self.month) + 12)
        } else {
            (i64::from(self.year), i64::from(self.month))
        };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m - 3) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    fn from_ordinal(z: i64) -> Day {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Day { year, month, day }
    }

    pub fn add_days(self, n: i64) -> Day {
        Day::from_ordinal(self.ordinal() + n)
    }

    /// 0 = Monday … 6 = Sunday.
    pub fn weekday(self) -> u32 {
        (self.ordinal() + 3).rem_euclid(7) as u32
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// What a date expression means: a span of days, from the first to the last (inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DateMention {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub from: Day,
    pub to: Day,
    /// How precise: `day`, `month`, `year`, `range`, `period`.
    pub precision: &'static str,
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Short forms of month names written in prose.
const MONTH_ABBREVIATIONS: &[&str] = &[
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];

/// Whether a lowercased word names a month or a weekday (capitalised, never a name).
pub(crate) fn is_calendar_word(word: &str) -> bool {
    MONTHS.contains(&word) || MONTH_ABBREVIATIONS.contains(&word) || WEEKDAYS.contains(&word)
}

fn month_of(word: &str) -> Option<u32> {
    let w = word.to_ascii_lowercase();
    let w = w.trim_end_matches('.');
    MONTHS
        .iter()
        .position(|m| {
            *m == w
                || (w.len() >= 3 && m.starts_with(w) && w != "mar" || w == "mar" && *m == "march")
        })
        .map(|p| p as u32 + 1)
}

fn month_end(year: i32, month: u32) -> Day {
    Day {
        year,
        month,
        day: days_in_month(year, month),
    }
}

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let month = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?";
        let p = format!(
            r"(?x)
            (?P<between>(?i:between|from)\s+(?P<b1>{month}\s+\d{{4}}|\d{{4}})\s+(?i:and|to|until|through)\s+(?P<b2>{month}\s+\d{{4}}|\d{{4}}))
            |(?P<iso>\b\d{{4}}-\d{{2}}-\d{{2}}\b)
            |(?P<mdy>\b(?P<m1>{month})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{{4}}))?\b)
            |(?P<dmy>\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{month})(?:,?\s+(?P<y2>\d{{4}}))?\b)
            |(?P<my>\b(?P<m3>{month})\s+(?P<y3>\d{{4}})\b)
            |(?P<period>(?i:over|for|during)\s+(?:a|an|the\s+past|the\s+last)?\s*(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty)[-\s](?P<unit>year|month|week|day)s?(?:[-\s](?i:long))?(?:\s+(?i:period))?)
            |(?P<since>(?i:since)\s+(?P<ys>\d{{4}})\b)
            |(?P<inyear>(?i:in|during|throughout)\s+(?P<yi>(?:19|20)\d{{2}})\b)
            |(?P<weekday>\b(?i:last\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)
            |(?P<rel>\b(?i:yesterday|today|last\s+(?:week|month|year)|this\s+(?:week|month|year))\b)
            "
        );
        Regex::new(&p).unwrap_or_else(|e| unreachable!("date pattern: {e}"))
    })
}

/// A count written in digits or as an English word ("two" … "twenty").
pub(crate) fn number_word(w: &str) -> Option<i64> {
    if let Ok(n) = w.parse() {
        return Some(n);
    }
    Some(match w.to_ascii_lowercase().as_str() {
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "twelve" => 12,
        "fifteen" => 15,
        "twenty" => 20,
        _ => return None,
    })
}

/// The same day `n` calendar months earlier (the month's last day where it is shorter).
fn months_back(day: Day, n: i64) -> Option<Day> {
    let total = i64::from(day.year) * 12 + i64::from(day.month) - 1 - n;
    let (year, month) = (total.div_euclid(12) as i32, total.rem_euclid(12) as u32 + 1);
    Day::new(year, month, day.day.min(days_in_month(year, month)))
}

/// A month (with an optional year) as a span: "August 2021", "2021".
fn month_or_year(text: &str) -> Option<(Day, Day)> {
    let mut parts = text.split_whitespace();
    let first = parts.next()?;
    if let Ok(y) = first.parse::<i32>() {
        return Some((Day::new(y, 1, 1)?, Day::new(y, 12, 31)?));
    }
    let m = month_of(first)?;
    let y: i32 = parts.next()?.parse().ok()?;
    Some((Day::new(y, m, 1)?, month_end(y, m)))
}

/// The finding for one match, resolved against the publication day.
fn resolve(caps: &regex::Captures<'_>, published: Day) -> Option<(Day, Day, &'static str)> {
    let get = |n: &str| caps.name(n).map(|m| m.as_str());
    if get("between").is_some() {
        let (a, _) = month_or_year(get("b1")?)?;
        let (_, b) = month_or_year(get("b2")?)?;
        return (a <= b).then_some((a, b, "range"));
    }
    if let Some(iso) = get("iso") {
        let y = iso[..4].parse().ok()?;
        let m = iso[5..7].parse().ok()?;
        let d = iso[8..10].parse().ok()?;
        let day = Day::new(y, m, d)?;
        return Some((day, day, "day"));
    }
    let day_of = |m: Option<&str>, d: Option<&str>, y: Option<&str>| -> Option<Day> {
        let month = month_of(m?)?;
        let dd: u32 = d?.parse().ok()?;
        match y {
            Some(y) => Day::new(y.parse().ok()?, month, dd),
            None => {
                // No year: the latest such day not after publication.
                let this = Day::new(published.year, month, dd)?;
                if this <= published {
                    Some(this)
                } else {
                    Day::new(published.year - 1, month, dd)
                }
            }
        }
    };
    if get("mdy").is_some() {
        let d = day_of(get("m1"), get("d1"), get("y1"))?;
        return Some((d, d, "day"));
    }
    if get("dmy").is_some() {
        let d = day_of(get("m2"), get("d2"), get("y2"))?;
        return Some((d, d, "day"));
    }
    if get("my").is_some() {
        let m = month_of(get("m3")?)?;
        let y: i32 = get("y3")?.parse().ok()?;
        return Some((Day::new(y, m, 1)?, month_end(y, m), "month"));
    }
    if get("period").is_some() {
        let n = number_word(get("n")?)?;
        let from = match get("unit")?.to_ascii_lowercase().as_str() {
            "year" => months_back(published, n * 12)?,
            "month" => months_back(published, n)?,
            "week" => published.add_days(-n * 7),
            _ => published.add_days(-n),
        };
        return Some((from, published, "period"));
    }
    if get("since").is_some() {
        let y: i32 = get("ys")?.parse().ok()?;
        return (y <= published.year)
            .then(|| (Day::new(y, 1, 1), published))
            .and_then(|(a, b)| Some((a?, b, "range")));
    }
    if get("inyear").is_some() {
        let y: i32 = get("yi")?.parse().ok()?;
        return Some((Day::new(y, 1, 1)?, Day::new(y, 12, 31)?, "year"));
    }
    if let Some(wd) = get("wd") {
        let target = WEEKDAYS.iter().position(|d| d.eq_ignore_ascii_case(wd))? as i64;
        // The most recent such weekday on or before publication.
        let back = (i64::from(published.weekday()) - target).rem_euclid(7);
        let d = published.add_days(-back);
        return Some((d, d, "day"));
    }
    if let Some(rel) = get("rel") {
        let r = rel.to_ascii_lowercase();
        let r: String = r.split_whitespace().collect::<Vec<_>>().join(" ");
        return Some(match r.as_str() {
            "yesterday" => {
                let d = published.add_days(-1);
                (d, d, "day")
            }
            "today" => (published, published, "day"),
            "last week" => (
                published.add_days(-7 - i64::from(published.weekday())),
                published.add_days(-1 - i64::from(published.weekday())),
                "range",
            ),
            "this week" => (
                published.add_days(-i64::from(published.weekday())),
                published,
                "range",
            ),
            "last month" => {
                let (y, m) = if published.month == 1 {
                    (published.year - 1, 12)
                } else {
                    (published.year, published.month - 1)
                };
                (Day::new(y, m, 1)?, month_end(y, m), "month")
            }
            "this month" => (
                Day::new(published.year, published.month, 1)?,
                published,
                "month",
            ),
            "last year" => (
                Day::new(published.year - 1, 1, 1)?,
                Day::new(published.year - 1, 12, 31)?,
                "year",
            ),
            _ => (Day::new(published.year, 1, 1)?, published, "year"),
        });
    }
    None
}

/// The date expressions of a text, resolved against the publication day.
pub fn dates(text: &str, published: Day) -> Vec<DateMention> {
    let mut out = Vec::new();
    for caps in pattern().captures_iter(text) {
        let Some(m) = caps.get(0) else { continue };
        if let Some((from, to, precision)) = resolve(&caps, published) {
            out.push(DateMention {
                start: m.start(),
                end: m.end(),
                text: m.as_str().to_owned(),
                from,
                to,
                precision,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Day {
        let p: Vec<u32> = s.split('-').filter_map(|x| x.parse().ok()).collect();
        Day::new(p[0] as i32, p[1], p[2]).unwrap_or_else(|| panic!("{s}"))
    }

    fn one(text: &str, published: &str) -> (String, String, &'static str) {
        let found = dates(text, d(published));
        assert_eq!(found.len(), 1, "{text}: {found:#?}");
        (
            found[0].from.to_string(),
            found[0].to.to_string(),
            found[0].precision,
        )
    }

    #[test]
    fn resolves_against_the_publication_day() {
        // 2024-03-25 was a Monday.
        assert_eq!(d("2024-03-25").weekday(), 0);
        assert_eq!(
            one("Treasury acted on March 25.", "2024-03-26").0,
            "2024-03-25"
        );
        assert_eq!(
            one("The ministry said on Monday that", "2024-03-27").0,
            "2024-03-25"
        );
        assert_eq!(
            one("It happened in 2018.", "2024-03-25"),
            ("2018-01-01".into(), "2018-12-31".into(), "year")
        );
        assert_eq!(
            one(
                "between August 2021 and October 2022 the group",
                "2024-03-25"
            ),
            ("2021-08-01".into(), "2022-10-31".into(), "range")
        );
        assert_eq!(one("over a 14-year period", "2024-03-25").0, "2010-03-25");
        assert_eq!(one("for six months", "2024-08-31").0, "2024-02-29");
        assert_eq!(one("on 25 March 2024", "2024-04-01").0, "2024-03-25");
        assert_eq!(one("published 2021-07-19.", "2024-01-01").0, "2021-07-19");
        assert_eq!(
            one("Since 2019, the actor", "2024-03-25"),
            ("2019-01-01".into(), "2024-03-25".into(), "range")
        );
        assert_eq!(one("yesterday", "2024-03-01").0, "2024-02-29");
        assert!(dates("in December", d("2024-03-25")).is_empty());
    }

    #[test]
    fn a_day_without_year_is_the_latest_before_publication() {
        assert_eq!(one("on December 30", "2024-01-05").0, "2023-12-30");
        assert!(dates("on February 30, 2024", d("2024-03-01")).is_empty());
    }
}
