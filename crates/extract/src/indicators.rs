//! Indicators in text: URLs, domains, IP addresses and networks, e-mail addresses, hashes,
//! CVE and ATT&CK ids, cryptocurrency addresses, file names, Windows paths and registry
//! keys. Defanged forms are refanged; every finding keeps the span it was written at;
//! benign look-alikes are kept but marked with the reason (see `warninglist`).

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

use regex::bytes::{Regex, RegexBuilder};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::refang::refang;
use crate::warninglist::{benign_domain, benign_ipv4, benign_ipv6, is_tld};

/// What an indicator is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Url,
    Domain,
    Ipv4,
    Ipv6,
    Cidr,
    Email,
    Md5,
    Sha1,
    Sha256,
    Sha512,
    Cve,
    AttackTechnique,
    AttackTactic,
    AttackGroup,
    AttackSoftware,
    Btc,
    Eth,
    Xmr,
    File,
    Path,
    Registry,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Url => "url",
            Kind::Domain => "domain",
            Kind::Ipv4 => "ipv4",
            Kind::Ipv6 => "ipv6",
            Kind::Cidr => "cidr",
            Kind::Email => "email",
            Kind::Md5 => "md5",
            Kind::Sha1 => "sha1",
            Kind::Sha256 => "sha256",
            Kind::Sha512 => "sha512",
            Kind::Cve => "cve",
            Kind::AttackTechnique => "attack-technique",
            Kind::AttackTactic => "attack-tactic",
            Kind::AttackGroup => "attack-group",
            Kind::AttackSoftware => "attack-software",
            Kind::Btc => "btc",
            Kind::Eth => "eth",
            Kind::Xmr => "xmr",
            Kind::File => "file",
            Kind::Path => "path",
            Kind::Registry => "registry",
        }
    }
}

/// One indicator as found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Indicator {
    pub kind: Kind,
    /// Refanged and normalised (hosts, hashes and e-mail addresses lowercased; CVE and
    /// ATT&CK ids uppercased).
    pub value: String,
    /// As written.
    pub raw: String,
    /// Byte offsets in the text.
    pub start: usize,
    pub end: usize,
    /// Written defanged.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub defanged: bool,
    /// Why this is not worth blocking, when it is a benign look-alike.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<&'static str>,
}

const FILE_EXTENSIONS: &str = "jpg|jpeg|png|gif|bmp|ico|yml|yaml|cmdline|toml|plist|bak|exe|dll|sys|drv|bat|cmd|ps1|psm1|psd1|vbs|vbe|js|jse|wsf|wsh|hta|scr|pif|cpl|msi|msp|msc|lnk|jar|class|apk|ipa|elf|bin|so|dylib|py|pyc|pyw|sh|pl|rb|php|asp|aspx|ashx|jsp|jspx|war|cgi|doc|docx|docm|dot|dotm|xls|xlsx|xlsm|xlsb|ppt|pptx|pptm|rtf|pdf|one|zip|rar|7z|gz|tgz|tar|bz2|xz|cab|iso|img|vhd|vhdx|dat|tmp|log|txt|csv|json|xml|ini|cfg|conf|db|sqlite|key|pem|crt|cer|pfx|ocx|inf|reg|dmp|eml|msg|html|htm|svg|lock|dmg|pkg|deb|rpm";

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let p = format!(
            r#"(?x-u)
            (?P<url>(?i:https?|ftp|sftp)://[^\s<>"'`{{}}|\\^\[\]]+)
            |(?P<email>[A-Za-z0-9][A-Za-z0-9._%+-]{{0,63}}@(?:[A-Za-z0-9-]{{1,63}}\.)+[A-Za-z]{{2,24}})
            |(?P<registry>(?i:HKEY_LOCAL_MACHINE|HKEY_CURRENT_USER|HKEY_CLASSES_ROOT|HKEY_USERS|HKEY_CURRENT_CONFIG|HKLM|HKCU|HKCR|HKU|HKCC)\\(?:[^\\\s"'<>|%]+(?:\x20[A-Z(][^\\\s"'<>|%]*)*\\)*[^\\\s"'<>|,;]+)
            |(?P<path>(?:[A-Za-z]:\\|%[A-Za-z_]{{2,30}}%\\|\\\\[A-Za-z0-9._$-]+\\)(?:[^\\\s"'<>|:*?%]+(?:\x20[A-Z(][^\\\s"'<>|:*?%]*)*\\)*[^\\\s"'<>|:*?,;]*)
            |(?P<cve>(?i:CVE)-[0-9]{{4}}-[0-9]{{4,7}})
            |(?P<attack>TA[0-9]{{4}}|T[0-9]{{4}}(?:\.[0-9]{{3}})?|G[0-9]{{4}}|S[0-9]{{4}})
            |(?P<eth>0x[A-Fa-f0-9]{{40}})
            |(?P<hex>[A-Fa-f0-9]{{32,128}})
            |(?P<ipv4>(?:25[0-5]|2[0-4][0-9]|1[0-9]{{2}}|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9]{{2}}|[1-9]?[0-9])){{3}}(?:/[0-9]{{1,2}})?)
            |(?P<ipv6>[A-Fa-f0-9]{{0,4}}(?::[A-Fa-f0-9]{{0,4}}){{2,7}}(?:/[0-9]{{1,3}})?)
            |(?P<b58>4[0-9AB][1-9A-HJ-NP-Za-km-z]{{93}}|bc1[ac-hj-np-z02-9]{{11,71}}|[13][a-km-zA-HJ-NP-Z1-9]{{25,34}})
            |(?P<file>[A-Za-z0-9_$~][A-Za-z0-9_.$~-]{{0,200}}\.(?i:{FILE_EXTENSIONS}))
            |(?P<domain>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+[A-Za-z]{{2,24}})
            "#
        );
        RegexBuilder::new(&p)
            .dfa_size_limit(64 << 20)
            .size_limit(64 << 20)
            .build()
            .unwrap_or_else(|e| unreachable!("indicator pattern: {e}"))
    })
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Trailing characters that end a sentence rather than an indicator.
fn trim_trailing(s: &str) -> &str {
    let mut s = s.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '"', '>']);
    // A closing parenthesis belongs to the text unless the indicator opened one.
    while s.ends_with(')') && s.matches('(').count() < s.matches(')').count() {
        s = s[..s.len() - 1].trim_end_matches(['.', ',', ';', ':', '!', '?']);
    }
    s
}

fn base58_check(s: &str) -> bool {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut bytes: Vec<u8> = vec![0; 25];
    for c in s.bytes() {
        let Some(mut carry) = ALPHABET.iter().position(|&a| a == c).map(|p| p as u32) else {
            return false;
        };
        for b in bytes.iter_mut().rev() {
            carry += 58 * u32::from(*b);
            *b = (carry & 0xff) as u8;
            carry >>= 8;
        }
        if carry != 0 {
            return false;
        }
    }
    let (payload, check) = bytes.split_at(21);
    let hash = Sha256::digest(Sha256::digest(payload));
    hash[..4] == *check
}

fn bech32_check(s: &str) -> bool {
    const CHARSET: &[u8] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    let Some((hrp, data)) = s.rsplit_once('1') else {
        return false;
    };
    let mut values: Vec<u8> = hrp.bytes().map(|b| b >> 5).collect();
    values.push(0);
    values.extend(hrp.bytes().map(|b| b & 31));
    for c in data.bytes() {
        match CHARSET.iter().position(|&x| x == c) {
            Some(p) => values.push(p as u8),
            None => return false,
        }
    }
    let mut chk: u32 = 1;
    for v in values {
        let top = chk >> 25;
        chk = ((chk & 0x1ff_ffff) << 5) ^ u32::from(v);
        for (i, g) in [
            0x3b6a_57b2u32,
            0x2650_8e6d,
            0x1ea1_19fa,
            0x3d42_33dd,
            0x2a14_62b3,
        ]
        .iter()
        .enumerate()
        {
            if (top >> i) & 1 == 1 {
                chk ^= g;
            }
        }
    }
    chk == 1 || chk == 0x2bc8_30a3
}

/// Lowercases the scheme and host of a URL.
fn normalise_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        let host_end = url.find(['/', '?', '#']).unwrap_or(url.len());
        return format!(
            "{}{}",
            url[..host_end].to_ascii_lowercase(),
            &url[host_end..]
        );
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    format!(
        "{}://{}{}",
        scheme.to_ascii_lowercase(),
        rest[..host_end].to_ascii_lowercase(),
        &rest[host_end..]
    )
}

fn url_host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..end];
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    host.split(':').next().unwrap_or(host)
}

/// Words before an IP-like number that make it a version ("version 10.0.1.2", "build
/// 18.12.407.0").
fn looks_like_version(text: &str, start: usize) -> bool {
    let word = text[..start]
        .split_whitespace()
        .next_back()
        .unwrap_or("")
        .trim_end_matches([':', '.'])
        .to_ascii_lowercase();
    matches!(word.as_str(), "version" | "ver" | "v" | "build" | "release")
}

/// The stretches of a text worth matching: runs of non-space bytes holding a digit or an
/// inner `.`, `@`, `:`, `/`, `%`, `[` or `(` (most words hold none and are skipped without
/// running the pattern). A run with a backslash extends to the end of its line, since
/// Windows paths and registry keys may contain spaces.
fn candidates(bytes: &[u8]) -> impl Iterator<Item = (usize, usize)> + '_ {
    // 0: other, 1: space, 2: always interesting (digit, backslash), 3: interesting inside a run.
    static CLASS: [u8; 256] = {
        let mut t = [0u8; 256];
        t[b' ' as usize] = 1;
        t[b'\t' as usize] = 1;
        t[b'\n' as usize] = 1;
        t[b'\r' as usize] = 1;
        t[0x0c] = 1;
        let mut d = b'0';
        while d <= b'9' {
            t[d as usize] = 2;
            d += 1;
        }
        t[b'\\' as usize] = 2;
        t[b'.' as usize] = 3;
        t[b'@' as usize] = 3;
        t[b':' as usize] = 3;
        t[b'/' as usize] = 3;
        t[b'%' as usize] = 3;
        t[b'[' as usize] = 3;
        t[b'(' as usize] = 3;
        t
    };
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            while i < bytes.len() && CLASS[bytes[i] as usize] == 1 {
                i += 1;
            }
            let start = i;
            let mut interesting = false;
            let mut backslash = false;
            while i < bytes.len() {
                let c = CLASS[bytes[i] as usize];
                if c == 1 {
                    break;
                }
                if c == 2 {
                    interesting = true;
                    backslash |= bytes[i] == b'\\';
                } else if c == 3 && i + 1 < bytes.len() && CLASS[bytes[i + 1] as usize] != 1 {
                    interesting = true;
                }
                i += 1;
            }
            if backslash {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            if interesting && i > start {
                return Some((start, i));
            }
        }
        None
    })
}

/// Which alternative of the pattern produced a match, read off the match itself (in the
/// pattern's order, which decides between alternatives starting at the same place).
fn classify(m: &[u8]) -> &'static str {
    let has = |b: u8| m.contains(&b);
    let lower_starts = |p: &[u8]| m.len() >= p.len() && m[..p.len()].eq_ignore_ascii_case(p);
    if m.windows(3).any(|w| w == b"://") {
        "url"
    } else if has(b'@') {
        "email"
    } else if has(b'\\') && (lower_starts(b"hk")) {
        "registry"
    } else if has(b'\\') || (m.first() == Some(&b'%') && has(b'%')) {
        "path"
    } else if lower_starts(b"cve-") {
        "cve"
    } else if matches!(m.first(), Some(b'T' | b'G' | b'S'))
        && m.len() <= 9
        && m[1..]
            .iter()
            .all(|b| b.is_ascii_digit() || *b == b'.' || *b == b'A')
    {
        "attack"
    } else if m.len() == 42 && m.starts_with(b"0x") {
        "eth"
    } else if m.iter().all(u8::is_ascii_hexdigit) && m.len() >= 32 {
        "hex"
    } else if m
        .iter()
        .all(|b| b.is_ascii_digit() || *b == b'.' || *b == b'/')
        && m.contains(&b'.')
    {
        "ipv4"
    } else if has(b':') {
        "ipv6"
    } else if (m.len() >= 26 && matches!(m.first(), Some(b'1' | b'3' | b'4')))
        || lower_starts(b"bc1") && !has(b'.')
    {
        "b58"
    } else if m.iter().rposition(|b| *b == b'.').is_some_and(|p| {
        FILE_EXTENSIONS
            .split('|')
            .any(|e| m[p + 1..].eq_ignore_ascii_case(e.as_bytes()))
    }) {
        "file"
    } else {
        "domain"
    }
}

/// Finds the indicators of one text.
pub fn indicators(text: &str) -> Vec<Indicator> {
    let refanged = refang(text);
    let t: &str = &refanged.text;
    let bytes = t.as_bytes();
    let mut out = Vec::new();
    let re = pattern();
    let matches = candidates(bytes).flat_map(|(from, to)| {
        re.find_iter(&bytes[from..to])
            .map(move |m| (from + m.start(), from + m.end()))
    });
    for (mstart, mend) in matches {
        let m = (mstart, mend);
        let (start, mut end) = m;
        let group = classify(&bytes[mstart..mend]);
        // Whole words only.
        if start > 0
            && (is_word(bytes[start - 1])
                || (bytes[start - 1] == b'.'
                    && group != "url"
                    && start > 1
                    && is_word(bytes[start - 2])))
        {
            continue;
        }
        let Some(matched) = t.get(start..end) else {
            continue;
        };
        let trimmed = trim_trailing(matched);
        end = start + trimmed.len();
        if end < bytes.len() && is_word(bytes[end]) && !matches!(group, "url" | "path" | "registry")
        {
            continue;
        }
        let Some(value) = t.get(start..end) else {
            continue;
        };
        let (kind, norm, suppressed): (Kind, String, Option<&'static str>) = match group {
            "url" => {
                let v = normalise_url(value);
                let host = url_host(&v).to_owned();
                if host.is_empty() {
                    continue;
                }
                let benign = benign_domain(&host)
                    .or_else(|| host.parse::<Ipv4Addr>().ok().and_then(benign_ipv4));
                (Kind::Url, v, benign)
            }
            "email" => {
                let v = value.to_ascii_lowercase();
                if v.len() > 254 || v.split('@').next().is_some_and(|l| l.len() > 64) {
                    continue;
                }
                let domain = v.rsplit_once('@').map_or("", |(_, d)| d).to_owned();
                let tld = domain.rsplit('.').next().unwrap_or("");
                if !is_tld(tld) {
                    continue;
                }
                (Kind::Email, v, benign_domain(&domain))
            }
            "registry" => (Kind::Registry, value.to_owned(), None),
            "path" => {
                if value.len() < 4 {
                    continue;
                }
                (Kind::Path, value.to_owned(), None)
            }
            "cve" => {
                if value.len() > 17 {
                    continue;
                }
                (Kind::Cve, value.to_ascii_uppercase(), None)
            }
            "attack" => {
                let kind = if value.starts_with("TA") {
                    Kind::AttackTactic
                } else if value.starts_with('T') {
                    Kind::AttackTechnique
                } else if value.starts_with('G') {
                    Kind::AttackGroup
                } else {
                    Kind::AttackSoftware
                };
                (kind, value.to_owned(), None)
            }
            "eth" => {
                if value.len() != 42 {
                    continue;
                }
                (Kind::Eth, value.to_ascii_lowercase(), None)
            }
            "hex" => {
                let kind = match value.len() {
                    32 => Kind::Md5,
                    40 => Kind::Sha1,
                    64 => Kind::Sha256,
                    128 => Kind::Sha512,
                    _ => continue,
                };
                let v = value.to_ascii_lowercase();
                let first = v.as_bytes()[0];
                let repeated = v.bytes().all(|b| b == first);
                let has_letter_and_digit = v.bytes().any(|b| b.is_ascii_digit())
                    && v.bytes().any(|b| b.is_ascii_alphabetic());
                let suppressed = if repeated {
                    Some("one repeated digit, not a hash")
                } else if !has_letter_and_digit {
                    Some("digits or letters only, unlikely to be a hash")
                } else {
                    None
                };
                (kind, v, suppressed)
            }
            "ipv4" => {
                let octets_ok = value.split('/').next().is_some_and(|a| {
                    a.split('.')
                        .all(|o| o.len() <= 3 && o.parse::<u16>().is_ok_and(|n| n <= 255))
                });
                if !octets_ok {
                    continue;
                }
                if end < bytes.len()
                    && bytes[end] == b'.'
                    && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)
                {
                    continue;
                }
                if let Some((ip, bits)) = value.split_once('/') {
                    let Ok(addr) = ip.parse::<Ipv4Addr>() else {
                        continue;
                    };
                    if bits.parse::<u8>().map_or(true, |b| b > 32) {
                        continue;
                    }
                    (Kind::Cidr, value.to_owned(), benign_ipv4(addr))
                } else {
                    let Ok(addr) = value.parse::<Ipv4Addr>() else {
                        continue;
                    };
                    let suppressed = if looks_like_version(t, start) {
                        Some("a version number that looks like an address")
                    } else {
                        benign_ipv4(addr)
                    };
                    (Kind::Ipv4, value.to_owned(), suppressed)
                }
            }
            "ipv6" => {
                let addr_text = value.split('/').next().unwrap_or(value);
                if !addr_text.contains("::") && addr_text.matches(':').count() < 7 {
                    continue;
                }
                if !addr_text.bytes().any(|b| b.is_ascii_hexdigit()) || addr_text.len() < 6 {
                    continue;
                }
                let Ok(addr) = addr_text.parse::<Ipv6Addr>() else {
                    continue;
                };
                let kind = if value.contains('/') {
                    Kind::Cidr
                } else {
                    Kind::Ipv6
                };
                (kind, value.to_ascii_lowercase(), benign_ipv6(addr))
            }
            "b58" => {
                if value.starts_with('4') && value.len() == 95 {
                    (Kind::Xmr, value.to_owned(), None)
                } else if (value.starts_with("bc1")
                    && (14..=74).contains(&value.len())
                    && bech32_check(value))
                    || ((26..=35).contains(&value.len())
                        && !value.starts_with('4')
                        && base58_check(value))
                {
                    (Kind::Btc, value.to_owned(), None)
                } else {
                    continue;
                }
            }
            "file" => (Kind::File, value.to_owned(), None),
            _ => {
                let v = value.to_ascii_lowercase();
                if v.len() > 253
                    || v.split('.')
                        .any(|l| l.len() > 63 || l.starts_with('-') || l.ends_with('-'))
                {
                    continue;
                }
                let tld = v.rsplit('.').next().unwrap_or("");
                if !is_tld(tld) {
                    continue;
                }
                // "e.g", "i.e", "U.S": a domain has a label of two letters or more.
                if v.split('.').all(|l| l.len() < 2) || v.len() < 4 {
                    continue;
                }
                // "www.example.com/path": a URL written without its scheme.
                if end < bytes.len() && bytes[end] == b'/' {
                    let rest = &t[end..];
                    let stop = rest
                        .find(|c: char| {
                            c.is_whitespace()
                                || matches!(
                                    c,
                                    '<' | '>'
                                        | '"'
                                        | '\''
                                        | '`'
                                        | '{'
                                        | '}'
                                        | '|'
                                        | '^'
                                        | '['
                                        | ']'
                                )
                        })
                        .unwrap_or(rest.len());
                    let url = trim_trailing(&t[start..end + stop]);
                    if url.len() > value.len() + 1 {
                        end = start + url.len();
                        let host = v.clone();
                        (Kind::Url, normalise_url(url), benign_domain(&host))
                    } else {
                        (Kind::Domain, v.clone(), benign_domain(&v))
                    }
                } else {
                    (Kind::Domain, v.clone(), benign_domain(&v))
                }
            }
        };
        let (os, oe) = (refanged.original(start), refanged.original_end(end));
        let defanged = refanged.changed(start, end);
        out.push(Indicator {
            kind,
            value: norm,
            raw: text.get(os..oe).unwrap_or("").to_owned(),
            start: os,
            end: oe,
            defanged,
            suppressed,
        });
    }
    out
}
