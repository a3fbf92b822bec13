use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Accents of Latin, Greek and Cyrillic letters: the combining diacritical mark blocks.
/// Marks that are part of other scripts' letters (Japanese voicing marks, Indic vowel
/// signs) are kept, or different names would share a key.
fn is_diacritic(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// The key names are looked up by: case, accents, width, punctuation and spacing ignored,
/// any script kept. "Kryptonite  Panda", "KRYPTONITE PANDA" and "Kryptonite-Panda" share a
/// key; so do "Ｚｉｒｃｏｎｉｕｍ" and "zirconium", and "Müller" and "MULLER".
pub fn name_key(name: &str) -> String {
    let folded: String = name.nfkc().flat_map(char::to_lowercase).collect();
    let mut key = String::with_capacity(folded.len());
    let mut pending_space = false;
    for c in folded.nfd().filter(|c| !is_diacritic(*c)).nfc() {
        if c.is_alphanumeric() || is_combining_mark(c) {
            if pending_space && !key.is_empty() {
                key.push(' ');
            }
            pending_space = false;
            key.push(c);
        } else {
            pending_space = true;
        }
    }
    key
}

#[cfg(test)]
mod tests {
    use super::name_key;

    fn check(input: &str, expected: &str) {
        assert_eq!(name_key(input), expected, "input {input:?}");
    }

    #[test]
    fn folds_case_accents_width_and_punctuation() {
        check("Violet Typhoon", "violet typhoon");
        check("  KRYPTONITE-PANDA ", "kryptonite panda");
        check("TEMP.Periscope", "temp periscope");
        check("Ｚｉｒｃｏｎｉｕｍ", "zirconium");
        check("Müller", "muller");
        check("Ελληνικά", "ελληνικα");
        check("武汉晓睿智科技有限责任公司", "武汉晓睿智科技有限责任公司");
        check("Бронза", "бронза");
        check("...", "");
        check("ガ", "ガ");
        assert_ne!(
            name_key("ガス"),
            name_key("カス"),
            "voicing marks are part of kana"
        );
        assert_ne!(
            name_key("कि"),
            name_key("क"),
            "vowel signs are part of Devanagari"
        );
        check("हिन्दी", "हिन्दी");
    }

    #[test]
    fn is_idempotent() {
        for s in [
            "APT 31",
            "Ｚｉｒｃｏｎｉｕｍ",
            "Ñandú Ltd.",
            "ǅemal",
            "ガス",
            "हिन्दी",
        ] {
            assert_eq!(name_key(&name_key(s)), name_key(s));
        }
    }
}
