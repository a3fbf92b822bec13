//! Tokens: a name cut into words (or, for scripts written without spaces, characters and
//! syllables), each with its Latin form and the key it is looked up by.

use unicode_normalization::UnicodeNormalization;

use crate::translit::{burmese_syllables, classify, hangul_syllable, romanise, CharClass, Script};

/// One word of a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Latin form: lowercase ASCII letters and digits.
    pub text: String,
    /// Lookup key: the word in its own script, lowercased, without joiners; for Latin
    /// words the accent-free form.
    pub key: String,
    pub script: Script,
}

impl Token {
    pub fn is_number(&self) -> bool {
        !self.text.is_empty() && self.text.bytes().all(|b| b.is_ascii_digit())
    }
}

struct Builder {
    out: Vec<Token>,
    word: String,
    script: Option<Script>,
}

impl Builder {
    fn flush(&mut self) {
        if self.word.is_empty() {
            self.script = None;
            return;
        }
        let word = std::mem::take(&mut self.word);
        let script = self.script.take().unwrap_or(Script::Latin);
        push_word(&mut self.out, &word, script);
    }

    fn push_char(&mut self, c: char, script: Script) {
        let compatible = match (self.script, script) {
            (None, _) => true,
            (Some(a), b) if a == b => true,
            // Letters and digits are separate words: "APT31" = "APT 31".
            _ => false,
        };
        if !compatible {
            self.flush();
        }
        self.script = Some(script);
        self.word.push(c);
    }
}

fn push_word(out: &mut Vec<Token>, word: &str, script: Script) {
    let text = romanise(word, script);
    if text.is_empty() && script != Script::Abjad {
        return;
    }
    let key = match script {
        Script::Latin => {
            if word.is_ascii() {
                word.to_owned()
            } else {
                // Non-ASCII Latin letters fold to ASCII; Cyrillic keeps its letters.
                let folded = any_ascii::any_ascii(word).to_lowercase();
                if word.chars().all(|c| c.is_ascii() || is_latin_letter(c)) {
                    folded
                } else {
                    word.to_owned()
                }
            }
        }
        Script::Digit => text.clone(),
        _ => word.to_owned(),
    };
    let script = match script {
        Script::Digit => Script::Latin,
        Script::Latin if !word.chars().all(|c| c.is_ascii() || is_latin_letter(c)) => Script::Latin,
        s => s,
    };
    out.push(Token { text, key, script });
}

fn is_latin_letter(c: char) -> bool {
    matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}' | '\u{0250}'..='\u{02AF}')
        || unicode_normalization::char::is_combining_mark(c)
}

/// Cuts a name into tokens: NFKC, lowercase, punctuation as separators ("&" a token of its
/// own), apostrophes and Hebrew gershayim joining, Han characters one token each, Hangul
/// and Burmese one syllable each.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut b = Builder {
        out: Vec::new(),
        word: String::new(),
        script: None,
    };
    let lowered: String = text.nfkc().flat_map(char::to_lowercase).collect();
    let mut burmese = String::new();
    let mut hangul_first = true;
    let flush_burmese = |b: &mut Builder, run: &mut String| {
        if !run.is_empty() {
            for syllable in burmese_syllables(run) {
                push_word(&mut b.out, &syllable, Script::Burmese);
            }
            run.clear();
        }
    };
    for c in lowered.chars() {
        let class = classify(c);
        if class != CharClass::Burmese && (class != CharClass::Joiner || burmese.is_empty()) {
            flush_burmese(&mut b, &mut burmese);
        }
        if class != CharClass::Hangul {
            hangul_first = true;
        }
        match class {
            CharClass::Word(script) => b.push_char(c, script),
            CharClass::Joiner => {}
            CharClass::Single => {
                b.flush();
                push_word(&mut b.out, &c.to_string(), Script::Han);
            }
            CharClass::Hangul => {
                b.flush();
                let s = hangul_syllable(c, hangul_first);
                hangul_first = false;
                let text = romanise(&s, Script::Hangul);
                b.out.push(Token {
                    text,
                    key: c.to_string(),
                    script: Script::Hangul,
                });
            }
            CharClass::Burmese => {
                b.flush();
                burmese.push(c);
            }
            CharClass::Separator => {
                b.flush();
                if c == '&' || c == '+' {
                    b.out.push(Token {
                        text: "and".into(),
                        key: "&".into(),
                        script: Script::Latin,
                    });
                }
            }
        }
    }
    flush_burmese(&mut b, &mut burmese);
    b.flush();
    b.out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        tokenize(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn cuts_names_into_tokens() {
        assert_eq!(
            texts("N.K. Bansal & Co."),
            ["n", "k", "bansal", "and", "co"]
        );
        assert_eq!(texts("Ma'agan"), ["maagan"]);
        assert_eq!(texts("PRIAZOVYE-1204"), ["priazovye", "1204"]);
        assert_eq!(texts("Kalčić"), ["kalcic"]);
        assert_eq!(texts("武汉晓睿智"), ["wu", "han", "xiao", "rui", "zhi"]);
        assert_eq!(texts("Владимир Путин"), ["vladimir", "putin"]);
        assert_eq!(texts("김정은"), ["kim", "jeong", "eun"]);
        assert_eq!(texts("ငွေဟင်္သာ ၁၂"), ["ngwe", "hin", "tha", "12"]);
        assert_eq!(tokenize("בע״מ")[0].key, "בעמ");
        assert_eq!(tokenize("Ｚｉｒｃｏｎｉｕｍ")[0].text, "zirconium");
    }

    #[test]
    fn keys_keep_the_script() {
        let t = tokenize("ООО Négoce");
        assert_eq!(t[0].key, "ооо");
        assert_eq!(t[0].text, "ooo");
        assert_eq!(t[1].key, "negoce");
    }
}
