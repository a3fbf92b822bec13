//! Undoing the defanging analysts apply so indicators cannot be clicked: `hxxp://`,
//! `example[.]com`, `1.2.3(.)4`, `user[@]example.com`, `[:]//`. The refanged text keeps a
//! map back to the original bytes, so every finding reports where it was written.

/// A refanged copy of a text with, for each of its bytes, the original byte offset.
#[derive(Debug)]
pub struct Refanged<'a> {
    pub text: std::borrow::Cow<'a, str>,
    /// Where the texts' offsets part: (refanged offset, original offset) at the start of
    /// each replaced marker and just after it, in order. `None` when nothing was defanged.
    map: Option<Vec<(u32, u32)>>,
    original_len: usize,
}

impl Refanged<'_> {
    /// The original byte offset of a refanged offset (`end` offsets map to the end of the
    /// original span).
    pub fn original(&self, offset: usize) -> usize {
        match &self.map {
            None => offset,
            Some(map) => {
                // The last anchor at or before `offset`; between anchors bytes map one to one.
                let i = map.partition_point(|&(r, _)| r as usize <= offset);
                if i == 0 {
                    return offset;
                }
                let (r, o) = map[i - 1];
                (o as usize + (offset - r as usize)).min(self.original_len)
            }
        }
    }

    /// Whether the original span differs from the refanged one (was defanged).
    pub fn changed(&self, start: usize, end: usize) -> bool {
        match &self.map {
            None => false,
            Some(_) => self.original_end(end) - self.original(start) != end - start,
        }
    }

    /// The original end offset of a refanged span ending at `end` (exclusive).
    pub fn original_end(&self, end: usize) -> usize {
        if end == 0 {
            return self.original(0);
        }
        (self.original(end - 1) + 1).min(self.original_len)
    }
}

/// Defanged spellings and what they stand for, matched case-insensitively. Longest first
/// where one is a prefix of another.
const MARKERS: &[(&str, &str)] = &[
    ("[.]", "."),
    ("(.)", "."),
    ("{.}", "."),
    ("[dot]", "."),
    ("(dot)", "."),
    ("{dot}", "."),
    ("[d]", "."),
    ("\\.", "."),
    ("[@]", "@"),
    ("(@)", "@"),
    ("{@}", "@"),
    ("[at]", "@"),
    ("(at)", "@"),
    ("[:]", ":"),
    ("[://]", "://"),
    ("[/]", "/"),
    ("hxxps", "https"),
    ("hxxp", "http"),
    ("hxtps", "https"),
    ("hxtp", "http"),
    ("h__ps", "https"),
    ("h__p", "http"),
    ("fxp", "ftp"),
];

/// Bytes a marker can start with.
static MAY_START: [bool; 256] = {
    let mut t = [false; 256];
    t[b'[' as usize] = true;
    t[b'(' as usize] = true;
    t[b'{' as usize] = true;
    t[b'\\' as usize] = true;
    t[b'h' as usize] = true;
    t[b'H' as usize] = true;
    t[b'f' as usize] = true;
    t[b'F' as usize] = true;
    t
};

fn marker_at(bytes: &[u8], i: usize) -> Option<(usize, &'static str)> {
    let c = bytes[i];
    let next = bytes.get(i + 1).copied().unwrap_or(0).to_ascii_lowercase();
    let possible = match c {
        b'[' | b'(' | b'{' => matches!(next, b'.' | b'@' | b':' | b'/' | b'd' | b'a'),
        b'\\' => next == b'.',
        b'h' | b'H' => matches!(next, b'x' | b'_'),
        b'f' | b'F' => next == b'x',
        _ => false,
    };
    if !possible {
        return None;
    }
    for (from, to) in MARKERS {
        let f = from.as_bytes();
        if bytes.len() - i >= f.len() && bytes[i..i + f.len()].eq_ignore_ascii_case(f) {
            // Scheme markers only at a word start and before "://" or "[:" .
            if from.starts_with('h') || from.starts_with('f') {
                let before_ok = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
                let rest = &bytes[i + f.len()..];
                let after_ok = rest.starts_with(b"://")
                    || rest.starts_with(b"[:")
                    || rest.starts_with(b"[://]");
                if !(before_ok && after_ok) {
                    continue;
                }
            }
            // "\." only between word characters (an escaped dot in a domain).
            if *from == "\\." {
                let before = i > 0 && bytes[i - 1].is_ascii_alphanumeric();
                let after = bytes.get(i + 2).is_some_and(u8::is_ascii_alphanumeric);
                if !(before && after) {
                    continue;
                }
            }
            return Some((f.len(), to));
        }
    }
    None
}

/// Refangs `text`, keeping the way back to its offsets.
pub fn refang(text: &str) -> Refanged<'_> {
    let bytes = text.as_bytes();
    let first =
        (0..bytes.len()).find(|&i| MAY_START[bytes[i] as usize] && marker_at(bytes, i).is_some());
    let Some(first) = first else {
        return Refanged {
            text: std::borrow::Cow::Borrowed(text),
            map: None,
            original_len: text.len(),
        };
    };
    let mut out = Vec::with_capacity(bytes.len());
    let mut map: Vec<(u32, u32)> = Vec::new();
    out.extend_from_slice(&bytes[..first]);
    let mut i = first;
    while i < bytes.len() {
        if let Some((len, to)) = MAY_START[bytes[i] as usize]
            .then(|| marker_at(bytes, i))
            .flatten()
        {
            // The replacement's bytes all map to the marker's first byte; what follows
            // maps one to one from the marker's end.
            for b in to.bytes() {
                map.push(((out.len()) as u32, i as u32));
                out.push(b);
            }
            i += len;
            map.push((out.len() as u32, i as u32));
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    // Markers are ASCII and replaced by ASCII, so the bytes stay UTF-8.
    let text = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Refanged {
        text: std::borrow::Cow::Owned(text),
        map: Some(map),
        original_len: bytes.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refangs_and_maps_back() {
        let src = "see hxxps://evil[.]example[.]net/a and 10.0.0[.]1 or bob[@]mail(.)ru";
        let r = refang(src);
        assert_eq!(
            r.text,
            "see https://evil.example.net/a and 10.0.0.1 or bob@mail.ru"
        );
        let start = r.text.find("https").unwrap_or(0);
        let end = start + "https://evil.example.net/a".len();
        assert_eq!(
            &src[r.original(start)..r.original_end(end)],
            "hxxps://evil[.]example[.]net/a"
        );
        assert!(r.changed(start, end));
        assert!(!refang("plain text, nothing here").changed(0, 5));
        // Words that merely start like a marker stay.
        assert_eq!(
            refang("the fxp team and hxxpool").text,
            "the fxp team and hxxpool"
        );
    }
}
