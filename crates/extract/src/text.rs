//! Sentences and words of English prose, as byte spans into the text: the units the name
//! finder and the claim reader work on.

/// A span of the text, in bytes.
pub type Span = (usize, usize);

/// Words that end with a full stop without ending a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "no", "nos", "vs", "gen", "col", "lt", "sgt", "sen", "rep",
    "gov", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "corp", "co", "inc", "ltd", "jr", "sr", "prof", "capt", "maj", "adm", "dept", "approx", "etc",
    "e.g", "i.e", "a.k.a", "u.s", "u.k", "u.n", "e.u", "p.m", "a.m", "fig", "al",
];

/// Abbreviations after which a capitalised word may still start a new sentence (company
/// suffixes end sentences often; titles never do).
const ENDING_ABBREVIATIONS: &[&str] = &[
    "corp", "co", "inc", "ltd", "etc", "u.s", "u.k", "u.n", "e.u",
];

fn closes_quote(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»')
}

fn opens_sentence(c: char) -> bool {
    c.is_uppercase()
        || c.is_ascii_digit()
        || matches!(c, '"' | '“' | '‘' | '(' | '«' | '\'')
        || (c.is_alphabetic() && !c.is_lowercase())
}

/// The word just before byte `end`, lowercased, without its final full stop.
fn word_before(text: &str, end: usize) -> String {
    let head = &text[..end];
    let start = head
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    head[start..].trim_end_matches('.').to_lowercase()
}

/// The sentences of `text`, trimmed, as spans. A blank line (a headline, a list item) also
/// ends a sentence.
pub fn sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        let mut cut = None;
        if c == '\n' {
            // Two line breaks (with only spaces between) end a paragraph.
            let mut j = i + 1;
            while j < chars.len() && chars[j].1 != '\n' && chars[j].1.is_whitespace() {
                j += 1;
            }
            if j < chars.len() && chars[j].1 == '\n' {
                cut = Some((pos, j + 1));
            }
        } else if matches!(c, '.' | '!' | '?' | '。' | '！' | '？') {
            let mut j = i + 1;
            while j < chars.len() && closes_quote(chars[j].1) {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |(p, _)| *p);
            let at_space = j >= chars.len() || chars[j].1.is_whitespace();
            if at_space {
                let mut k = j;
                while k < chars.len() && chars[k].1.is_whitespace() {
                    k += 1;
                }
                let next = chars.get(k).map(|(_, c)| *c);
                let ends = match next {
                    None => true,
                    Some(n) if !opens_sentence(n) => false,
                    Some(_) if c != '.' => true,
                    Some(_) => {
                        let w = word_before(text, pos);
                        let single_letter =
                            w.chars().count() == 1 && w.chars().all(char::is_alphabetic);
                        !(single_letter
                            || ABBREVIATIONS.contains(&w.as_str())
                                && !ENDING_ABBREVIATIONS.contains(&w.as_str()))
                    }
                };
                if ends {
                    cut = Some((end, k));
                }
            }
        }
        if let Some((end, next)) = cut {
            push_trimmed(text, start, end, &mut out);
            start = chars.get(next).map_or(text.len(), |(p, _)| *p);
            i = next;
            continue;
        }
        i += 1;
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() {
        out.push((start + lead, end - trail));
    }
}

/// A word or a punctuation mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub word: bool,
}

impl Token {
    pub fn text(self, text: &str) -> &str {
        &text[self.start..self.end]
    }
}

fn joins(c: char) -> bool {
    matches!(c, '.' | '\'' | '’' | '-' | '&' | '/' | '_' | '@')
}

/// The words and punctuation marks of `text[span]`. A word keeps inner full stops,
/// apostrophes, hyphens and ampersands ("U.S", "Xi'an", "Storm-0558", "AT&T"), and its
/// final full stop when it is an abbreviation ("Co.", "a.k.a.", "Mr.").
pub fn tokens(text: &str, span: Span) -> Vec<Token> {
    let s = &text[span.0..span.1];
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if !c.is_alphanumeric() {
            out.push(Token {
                start: span.0 + pos,
                end: span.0 + pos + c.len_utf8(),
                word: false,
            });
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() {
            let d = chars[j].1;
            if d.is_alphanumeric() {
                j += 1;
            } else if joins(d) && chars.get(j + 1).is_some_and(|(_, n)| n.is_alphanumeric()) {
                j += 2;
            } else {
                break;
            }
        }
        let mut end = chars.get(j).map_or(s.len(), |(p, _)| *p);
        if chars.get(j).is_some_and(|(_, d)| *d == '.') {
            let w = s[pos..end].to_lowercase();
            let single = w.chars().count() == 1 && w.chars().all(char::is_alphabetic);
            if single || w.contains('.') || ABBREVIATIONS.contains(&w.as_str()) {
                end += 1;
                j += 1;
            }
        }
        out.push(Token {
            start: span.0 + pos,
            end: span.0 + end,
            word: true,
        });
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text)
            .into_iter()
            .map(|(a, b)| &text[a..b])
            .collect()
    }

    #[test]
    fn sentences_end_at_stops_not_at_abbreviations() {
        let text = "U.S. officials named Wuhan Xiaoruizhi Science and Technology Co., Ltd. \
                    on Monday. Mr. Zhao was charged. \"We reject this,\" he said. The firm \
                    is Acme Inc. It denied it.\n\nSecond paragraph";
        assert_eq!(
            split(text),
            [
                "U.S. officials named Wuhan Xiaoruizhi Science and Technology Co., Ltd. on Monday.",
                "Mr. Zhao was charged.",
                "\"We reject this,\" he said.",
                "The firm is Acme Inc.",
                "It denied it.",
                "Second paragraph",
            ]
        );
        assert!(sentences("").is_empty());
        assert!(sentences("  \n\n ").is_empty());
        assert_eq!(split("Headline\n\nBody text."), ["Headline", "Body text."]);
    }

    #[test]
    fn tokens_keep_inner_marks_and_abbreviation_stops() {
        let text = "The U.S. and Storm-0558 (a.k.a. AT&T's) hit Co., Ltd. 3CX.";
        let toks: Vec<&str> = tokens(text, (0, text.len()))
            .into_iter()
            .map(|t| t.text(text))
            .collect();
        assert_eq!(
            toks,
            [
                "The",
                "U.S.",
                "and",
                "Storm-0558",
                "(",
                "a.k.a.",
                "AT&T's",
                ")",
                "hit",
                "Co.",
                ",",
                "Ltd.",
                "3CX",
                "."
            ]
        );
        let odd = "…—‘’ 北京 “x”";
        assert_eq!(tokens(odd, (0, odd.len())).len(), 8);
    }
}
