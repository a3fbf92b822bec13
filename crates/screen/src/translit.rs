//! Scripts and romanisation. Every token of a name gets a Latin form: Cyrillic, Greek,
//! Armenian, Georgian and kana by letter tables (`any_ascii`), Chinese characters one
//! syllable of pinyin each, Hangul one syllable each (with the usual spellings of Korean
//! surnames), Burmese one syllable each by the practical romanisation used in company
//! registers and the press, and the abjads (Hebrew, Arabic, Persian) and Thai letter by
//! letter; the abjads write few vowels, so their Latin forms are compared by consonants
//! (see `similarity`).

/// The writing system a token came from; it decides how its Latin form is compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Script {
    /// Latin, and alphabets whose romanisation keeps the vowels (Cyrillic, Greek,
    /// Armenian, Georgian).
    Latin,
    /// Greek: compared with its endings folded ("Alexandros" ~ "Alexander").
    Greek,
    /// Cyrillic, Armenian, Georgian: alphabets whose romanisations differ in vowels.
    Alphabet,
    /// Hebrew, Arabic, Persian, Syriac, Thaana, Thai, Lao, Khmer: vowels mostly unwritten.
    Abjad,
    /// One Chinese character (or kanji), romanised as pinyin.
    Han,
    /// A run of kana.
    Kana,
    /// One Hangul syllable.
    Hangul,
    /// One Burmese syllable.
    Burmese,
    /// Digits.
    Digit,
}

impl Script {
    /// Scripts whose romanisation spells vowels loosely: vowel differences cost less.
    pub fn loose_vowels(self) -> bool {
        matches!(
            self,
            Script::Han | Script::Kana | Script::Hangul | Script::Burmese | Script::Greek
        )
    }
}

/// What a character is for tokenising.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharClass {
    /// Part of a word written with spaces between words.
    Word(Script),
    /// A character that is a token of its own (Han).
    Single,
    /// Burmese: words are runs of syllables with no space between them.
    Burmese,
    /// A Hangul syllable.
    Hangul,
    /// Joins the letters around it and is dropped (apostrophes, gershayim, ZWJ…).
    Joiner,
    /// Separates tokens.
    Separator,
}

pub fn classify(c: char) -> CharClass {
    match c {
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{05F3}' | '\u{05F4}' | '"'
        | '\u{200C}' | '\u{200D}' | '\u{00AD}' | '`' | '\u{0640}' => CharClass::Joiner,
        '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' => CharClass::Word(Script::Greek),
        '\u{0400}'..='\u{052F}' | '\u{0530}'..='\u{058F}' | '\u{10A0}'..='\u{10FF}' => {
            if c.is_alphabetic() || is_mark(c) {
                CharClass::Word(Script::Alphabet)
            } else {
                CharClass::Separator
            }
        }
        '\u{0590}'..='\u{05FF}'
        | '\u{FB1D}'..='\u{FB4F}'
        | '\u{0600}'..='\u{06FF}'
        | '\u{0750}'..='\u{077F}'
        | '\u{08A0}'..='\u{08FF}'
        | '\u{FB50}'..='\u{FDFF}'
        | '\u{FE70}'..='\u{FEFF}'
        | '\u{0700}'..='\u{074F}'
        | '\u{0780}'..='\u{07BF}'
        | '\u{0E00}'..='\u{0EFF}'
        | '\u{1780}'..='\u{17FF}' => {
            if c.is_alphanumeric() || is_mark(c) {
                if c.is_numeric() {
                    CharClass::Word(Script::Digit)
                } else {
                    CharClass::Word(Script::Abjad)
                }
            } else {
                CharClass::Separator
            }
        }
        '\u{1000}'..='\u{1049}' | '\u{1050}'..='\u{109F}' | '\u{AA60}'..='\u{AA7F}' => {
            if ('\u{1040}'..='\u{1049}').contains(&c) {
                CharClass::Word(Script::Digit)
            } else {
                CharClass::Burmese
            }
        }
        '\u{104A}'..='\u{104F}' => CharClass::Separator,
        '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9F}' => {
            if c == '\u{30FB}' {
                CharClass::Separator
            } else {
                CharClass::Word(Script::Kana)
            }
        }
        '\u{AC00}'..='\u{D7A3}' => CharClass::Hangul,
        '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' => CharClass::Word(Script::Latin),
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '\u{3005}'
        | '\u{3007}' => CharClass::Single,
        _ if c.is_numeric() => CharClass::Word(Script::Digit),
        _ if c.is_alphabetic() || is_mark(c) => CharClass::Word(Script::Latin),
        _ => CharClass::Separator,
    }
}

fn is_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// Latin form of a token of one script: lowercase ASCII letters and digits.
pub fn romanise(token: &str, script: Script) -> String {
    let raw = match script {
        Script::Hangul => hangul(token),
        Script::Burmese => burmese_syllable(token),
        Script::Abjad => token
            .chars()
            .map(|c| match c {
                // Hebrew letters whose usual Latin spelling the letter tables miss: het
                // (ch, kh, h), bet (b, v: a consonant), vav (v, o, u: often a vowel).
                'ח' => "kh".to_owned(),
                'ב' => "b".to_owned(),
                'ו' => "w".to_owned(),
                c => any_ascii::any_ascii(&c.to_string()),
            })
            .collect(),
        _ => any_ascii::any_ascii(token),
    };
    raw.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Romanised Korean surnames, which are rarely spelled by the Revised Romanisation.
const KOREAN_SURNAMES: &[(char, &str)] = &[
    ('김', "kim"),
    ('이', "lee"),
    ('박', "park"),
    ('최', "choi"),
    ('정', "jung"),
    ('강', "kang"),
    ('조', "cho"),
    ('윤', "yoon"),
    ('장', "jang"),
    ('임', "lim"),
    ('한', "han"),
    ('오', "oh"),
    ('서', "seo"),
    ('신', "shin"),
    ('권', "kwon"),
    ('황', "hwang"),
    ('안', "ahn"),
    ('송', "song"),
    ('류', "ryu"),
    ('유', "yoo"),
    ('홍', "hong"),
    ('전', "jeon"),
    ('고', "ko"),
    ('문', "moon"),
    ('양', "yang"),
    ('손', "son"),
    ('배', "bae"),
    ('백', "baek"),
    ('허', "heo"),
    ('노', "roh"),
    ('심', "shim"),
    ('하', "ha"),
    ('곽', "kwak"),
    ('성', "sung"),
    ('차', "cha"),
    ('주', "joo"),
    ('우', "woo"),
    ('구', "koo"),
    ('나', "na"),
    ('민', "min"),
    ('진', "jin"),
    ('지', "ji"),
    ('엄', "um"),
    ('채', "chae"),
    ('원', "won"),
    ('천', "chun"),
    ('방', "bang"),
    ('공', "kong"),
    ('현', "hyun"),
    ('함', "ham"),
    ('변', "byun"),
    ('염', "yeom"),
    ('여', "yeo"),
    ('추', "choo"),
    ('도', "do"),
    ('소', "so"),
    ('석', "seok"),
    ('선', "sun"),
    ('설', "seol"),
    ('마', "ma"),
    ('길', "gil"),
    ('연', "yeon"),
    ('위', "wi"),
    ('표', "pyo"),
    ('명', "myung"),
    ('기', "ki"),
    ('반', "ban"),
    ('왕', "wang"),
    ('금', "keum"),
    ('옥', "ok"),
    ('육', "yook"),
    ('인', "in"),
    ('맹', "maeng"),
    ('제', "je"),
    ('모', "mo"),
    ('탁', "tak"),
    ('국', "kook"),
    ('어', "eo"),
    ('은', "eun"),
    ('편', "pyun"),
    ('용', "yong"),
];

/// The Latin form of one Hangul syllable: the Revised Romanisation, except that a syllable
/// that is a common surname gets that surname's usual spelling when it starts a name
/// (marked by the caller with a leading '^').
fn hangul(token: &str) -> String {
    let (first, syllable) = match token.strip_prefix('^') {
        Some(rest) => (true, rest),
        None => (false, token),
    };
    if first {
        let mut chars = syllable.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            if let Some((_, name)) = KOREAN_SURNAMES.iter().find(|(k, _)| *k == c) {
                return (*name).to_owned();
            }
        }
    }
    any_ascii::any_ascii(syllable)
}

// --- Burmese -------------------------------------------------------------------------

const ASAT: char = '\u{103A}';
const VIRAMA: char = '\u{1039}';
const MEDIAL_YA: char = '\u{103B}';
const MEDIAL_RA: char = '\u{103C}';
const MEDIAL_WA: char = '\u{103D}';
const MEDIAL_HA: char = '\u{103E}';

fn is_burmese_consonant(c: char) -> bool {
    ('\u{1000}'..='\u{1021}').contains(&c) || c == '\u{103F}'
}

fn is_burmese_independent_vowel(c: char) -> bool {
    ('\u{1023}'..='\u{102A}').contains(&c)
}

/// Splits a run of Burmese letters into syllables. A syllable starts at a consonant or an
/// independent vowel that is not killed (followed by asat) and not stacked under a
/// previous syllable's final (preceded by virama); a killed or stacked-over consonant ends
/// the syllable before it.
pub fn burmese_syllables(run: &str) -> Vec<String> {
    let chars: Vec<char> = run.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts = (is_burmese_consonant(c) || is_burmese_independent_vowel(c))
            && chars.get(i + 1) != Some(&ASAT)
            && chars.get(i + 1) != Some(&VIRAMA)
            && !(i > 0 && chars[i - 1] == VIRAMA && out.is_empty());
        let kinzi =
            c == '\u{1004}' && chars.get(i + 1) == Some(&ASAT) && chars.get(i + 2) == Some(&VIRAMA);
        if kinzi {
            // Kinzi: nga + asat + virama is the final of the syllable before.
            match out.last_mut() {
                Some(last) => last.extend(&chars[i..i + 2]),
                None => out.push(chars[i..i + 2].iter().collect()),
            }
            i += 3;
            continue;
        }
        if starts || out.is_empty() {
            out.push(c.to_string());
        } else if let Some(last) = out.last_mut() {
            last.push(c);
        }
        i += 1;
    }
    out
}

fn burmese_onset(c: char) -> &'static str {
    match c {
        'က' => "k",
        'ခ' => "kh",
        'ဂ' | 'ဃ' => "g",
        'င' => "ng",
        'စ' => "s",
        'ဆ' => "hs",
        'ဇ' | 'ဈ' => "z",
        'ဉ' | 'ည' => "ny",
        'ဋ' | 'တ' => "t",
        'ဌ' | 'ထ' => "ht",
        'ဍ' | 'ဎ' | 'ဒ' | 'ဓ' => "d",
        'ဏ' | 'န' => "n",
        'ပ' => "p",
        'ဖ' => "ph",
        'ဗ' | 'ဘ' => "b",
        'မ' => "m",
        'ယ' | 'ရ' => "y",
        'လ' | 'ဠ' => "l",
        'ဝ' => "w",
        'သ' | 'ဿ' => "th",
        'ဟ' => "h",
        _ => "",
    }
}

fn burmese_independent(c: char) -> &'static str {
    match c {
        'ဣ' | 'ဤ' => "i",
        'ဥ' => "u",
        'ဦ' => "u",
        'ဧ' => "e",
        'ဩ' | 'ဪ' => "aw",
        _ => "",
    }
}

/// Romanises one Burmese syllable (as split by [`burmese_syllables`]) the way names are
/// spelled in Latin letters in Myanmar: "မြတ်" → "myat", "လှိုင်" → "hlaing", "ကျော်" →
/// "kyaw", "ရွှေ" → "shwe".
fn burmese_syllable(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let Some(&first) = chars.first() else {
        return String::new();
    };
    if is_burmese_independent_vowel(first) {
        let mut out = burmese_independent(first).to_owned();
        if chars.contains(&'\u{1004}') || chars.contains(&'\u{100A}') {
            out.push('n');
        }
        return out;
    }
    let has = |c: char| chars.contains(&c);
    // The final: the consonant carrying asat (or stacked via virama, or kinzi).
    let mut final_c: Option<char> = None;
    for w in chars.windows(2) {
        if is_burmese_consonant(w[0]) && (w[1] == ASAT || w[1] == VIRAMA) && w[0] != first {
            final_c = Some(w[0]);
        }
    }
    if final_c.is_none() {
        if let Some(pos) = chars.iter().position(|&c| c == ASAT) {
            if pos >= 1 && chars[pos - 1] != first && is_burmese_consonant(chars[pos - 1]) {
                final_c = Some(chars[pos - 1]);
            }
        }
    }
    let (ya, ra, wa, ha) = (
        has(MEDIAL_YA),
        has(MEDIAL_RA),
        has(MEDIAL_WA),
        has(MEDIAL_HA),
    );
    let mut onset = String::from(burmese_onset(first));
    if ya || ra {
        onset = match first {
            'က' => "ky".into(),
            'ခ' => "ch".into(),
            'ဂ' => "gy".into(),
            'လ' if ha => "sh".into(),
            'ရ' | 'ယ' => "y".into(),
            _ => format!("{onset}y"),
        };
    }
    if ha {
        onset = match first {
            'ယ' | 'ရ' => "sh".into(),
            'လ' if ya || ra => "sh".into(),
            'လ' | 'မ' | 'န' | 'င' | 'ည' | 'ဉ' | 'ဝ' => format!("h{onset}"),
            _ => onset,
        };
    }
    let i = has('\u{102D}') || has('\u{102E}');
    let u = has('\u{102F}') || has('\u{1030}');
    let e = has('\u{1031}');
    let aa = has('\u{102C}') || has('\u{102B}');
    let ai = has('\u{1032}');
    let anusvara = has('\u{1036}');
    if wa && final_c.is_none() && !(e || i || u || aa || ai || anusvara) {
        onset.push('w');
        return onset + "a";
    }
    if wa && !(e && aa) {
        // Medial wa before a final reads as the vowel u ("ထွန်း" htun, "ကျွန်း" kyun).
        if final_c.is_some() || anusvara {
            let coda = match final_c {
                Some('က') => "ut",
                Some('င') => "win",
                Some('တ') | Some('ပ') => "ut",
                _ => "un",
            };
            return onset + coda;
        }
        onset.push('w');
    }
    let rhyme: &str = match (final_c, e && aa, i && u, e, i, u, aa, ai, anusvara) {
        (Some('က'), true, ..) => "auk",
        (Some('င'), true, ..) => "aung",
        (Some('က'), _, true, ..) => "aik",
        (Some('င'), _, true, ..) => "aing",
        (Some('က'), ..) => "et",
        (Some('င'), _, _, _, true, ..) => "ein",
        (Some('င'), _, _, _, _, true, ..) => "on",
        (Some('င'), ..) => "in",
        (Some('စ'), ..) => "it",
        (Some('ည') | Some('ဉ'), ..) => "e",
        (Some('တ') | Some('ပ'), _, _, _, true, ..) => "eik",
        (Some('တ') | Some('ပ'), _, _, _, _, true, ..) => "ok",
        (Some('တ') | Some('ပ'), ..) => "at",
        (Some('န') | Some('မ') | Some('ဏ'), _, _, _, true, ..) => "ein",
        (Some('န') | Some('မ') | Some('ဏ'), _, _, _, _, true, ..) => "on",
        (Some('န') | Some('မ') | Some('ဏ'), ..) => "an",
        (Some('ယ'), ..) => "e",
        (Some(_), ..) => "a",
        (None, true, ..) => "aw",
        (None, _, true, ..) => "o",
        (None, _, _, true, ..) => "e",
        (None, _, _, _, true, ..) => "i",
        (None, _, _, _, _, true, _, _, true) => "on",
        (None, _, _, _, _, true, ..) => "u",
        (None, _, _, _, _, _, _, true, _) => "e",
        (None, _, _, _, _, _, _, _, true) => "an",
        (None, ..) => "a",
    };
    onset + rhyme
}

/// Korean: the caller marks the first syllable of a word with '^' so surnames are spelled
/// as people spell them.
pub fn hangul_syllable(c: char, first: bool) -> String {
    let mut s = String::new();
    if first {
        s.push('^');
    }
    s.push(c);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn burmese(word: &str) -> String {
        burmese_syllables(word)
            .iter()
            .map(|s| romanise(s, Script::Burmese))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn burmese_names_read_as_people_spell_them() {
        assert_eq!(burmese("မြတ်"), "myat");
        assert_eq!(burmese("လှိုင်"), "hlaing");
        assert_eq!(burmese("ကျော်"), "kyaw");
        assert_eq!(burmese("ရွှေ"), "shwe");
        assert_eq!(burmese("အောင်"), "aung");
        assert_eq!(burmese("ထွန်း"), "htun");
        assert_eq!(burmese("ဝင်း"), "win");
        assert_eq!(burmese("ဇေယျာလင်း"), "ze ya lin");
        assert_eq!(burmese("ငွေ"), "ngwe");
        assert_eq!(burmese("ဖြိုး"), "phyo");
        assert_eq!(burmese("သစ္စာ"), "thit sa");
        assert_eq!(burmese("ကုမ္ပဏီ"), "kon pa ni");
    }

    #[test]
    fn scripts_romanise() {
        assert_eq!(romanise("Путин", Script::Latin), "putin");
        assert_eq!(romanise("^김", Script::Hangul), "kim");
        assert_eq!(romanise("정", Script::Hangul), "jeong");
        assert_eq!(romanise("晓", Script::Han), "xiao");
    }
}
