//! Values that look like indicators but are not worth blocking: public DNS resolvers,
//! private and documentation address ranges, example and reference domains of
//! governments and vendors cited in reports. Each comes with the reason it was set aside.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Domains cited as references in advisories and reports (and their subdomains).
const REFERENCE_DOMAINS: &[&str] = &[
    "example.com",
    "example.net",
    "example.org",
    "example.edu",
    "localhost",
    "cisa.gov",
    "us-cert.gov",
    "dhs.gov",
    "fbi.gov",
    "ic3.gov",
    "nsa.gov",
    "justice.gov",
    "treasury.gov",
    "state.gov",
    "whitehouse.gov",
    "defense.gov",
    "nist.gov",
    "cyber.mil",
    "ncsc.gov.uk",
    "gov.uk",
    "cyber.gov.au",
    "cyber.gc.ca",
    "ncsc.govt.nz",
    "enisa.europa.eu",
    "europa.eu",
    "cert.europa.eu",
    "bsi.bund.de",
    "ssi.gouv.fr",
    "cert.ssi.gouv.fr",
    "mitre.org",
    "first.org",
    "cve.org",
    "owasp.org",
    "microsoft.com",
    "live.com",
    "office.com",
    "windows.com",
    "azure.com",
    "bing.com",
    "google.com",
    "googleapis.com",
    "gstatic.com",
    "youtube.com",
    "blogspot.com",
    "apple.com",
    "icloud.com",
    "amazon.com",
    "amazonaws.com",
    "cloudflare.com",
    "github.com",
    "githubusercontent.com",
    "gitlab.com",
    "twitter.com",
    "x.com",
    "facebook.com",
    "linkedin.com",
    "instagram.com",
    "wikipedia.org",
    "w3.org",
    "schema.org",
    "mozilla.org",
    "apache.org",
    "python.org",
    "npmjs.com",
    "adobe.com",
    "virustotal.com",
    "cisco.com",
    "talosintelligence.com",
    "fortinet.com",
    "fortiguard.com",
    "paloaltonetworks.com",
    "citrix.com",
    "vmware.com",
    "oracle.com",
    "f5.com",
    "pulsesecure.net",
    "ivanti.com",
    "sophos.com",
    "kaspersky.com",
    "eset.com",
    "symantec.com",
    "broadcom.com",
    "trendmicro.com",
    "crowdstrike.com",
    "mandiant.com",
    "fireeye.com",
    "recordedfuture.com",
    "proofpoint.com",
    "secureworks.com",
    "checkpoint.com",
    "qualys.com",
    "rapid7.com",
    "tenable.com",
    "sentinelone.com",
    "welivesecurity.com",
    "securelist.com",
    "unit42.paloaltonetworks.com",
    "exploit-db.com",
    "shodan.io",
    "censys.io",
    "abuse.ch",
    "urlhaus.abuse.ch",
];

/// Public DNS resolvers.
const RESOLVERS: &[&str] = &[
    "8.8.8.8",
    "8.8.4.4",
    "1.1.1.1",
    "1.0.0.1",
    "9.9.9.9",
    "149.112.112.112",
    "208.67.222.222",
    "208.67.220.220",
    "4.2.2.1",
    "4.2.2.2",
    "64.6.64.6",
    "64.6.65.6",
    "2001:4860:4860::8888",
    "2001:4860:4860::8844",
    "2606:4700:4700::1111",
    "2606:4700:4700::1001",
    "2620:fe::fe",
];

/// Why a domain (or a URL's or e-mail address's host) is not an indicator, if it is not.
pub fn benign_domain(host: &str) -> Option<&'static str> {
    let host = host.trim_end_matches('.');
    for d in REFERENCE_DOMAINS {
        if host == *d || host.ends_with(&format!(".{d}")) {
            return Some(if d.starts_with("example") || *d == "localhost" {
                "example or local name"
            } else {
                "reference domain of a government, vendor or service"
            });
        }
    }
    if host.ends_with(".gov") || host.ends_with(".mil") {
        return Some("government domain");
    }
    None
}

/// Why an IPv4 address or network is not an indicator, if it is not.
pub fn benign_ipv4(ip: Ipv4Addr) -> Option<&'static str> {
    let o = ip.octets();
    if RESOLVERS.contains(&ip.to_string().as_str()) {
        return Some("public DNS resolver");
    }
    if ip.is_private() {
        return Some("private address (RFC 1918)");
    }
    if ip.is_loopback() || ip.is_unspecified() || ip.is_broadcast() {
        return Some("loopback, unspecified or broadcast address");
    }
    if ip.is_link_local() || ip.is_multicast() || o[0] >= 240 {
        return Some("link-local, multicast or reserved address");
    }
    if ip.is_documentation() {
        return Some("documentation address range");
    }
    None
}

/// Why an IPv6 address is not an indicator, if it is not.
pub fn benign_ipv6(ip: Ipv6Addr) -> Option<&'static str> {
    if RESOLVERS.contains(&ip.to_string().as_str()) {
        return Some("public DNS resolver");
    }
    let s = ip.segments();
    if ip.is_loopback() || ip.is_unspecified() || ip.is_multicast() {
        return Some("loopback, unspecified or multicast address");
    }
    if (s[0] & 0xfe00) == 0xfc00 || (s[0] & 0xffc0) == 0xfe80 {
        return Some("unique-local or link-local address");
    }
    if s[0] == 0x2001 && s[1] == 0x0db8 {
        return Some("documentation address range");
    }
    None
}

/// Country-code top-level domains come from the country table; these are the others
/// seen in indicators.
const GENERIC_TLDS: &[&str] = &[
    "com",
    "net",
    "org",
    "info",
    "biz",
    "gov",
    "edu",
    "mil",
    "int",
    "arpa",
    "eu",
    "uk",
    "su",
    "io",
    "co",
    "me",
    "tv",
    "cc",
    "ws",
    "xyz",
    "top",
    "club",
    "online",
    "site",
    "live",
    "shop",
    "store",
    "tech",
    "app",
    "dev",
    "cloud",
    "icu",
    "vip",
    "work",
    "space",
    "website",
    "fun",
    "pw",
    "tk",
    "ml",
    "ga",
    "cf",
    "gq",
    "onion",
    "bit",
    "link",
    "click",
    "pro",
    "name",
    "mobi",
    "asia",
    "cat",
    "coop",
    "jobs",
    "museum",
    "tel",
    "travel",
    "aero",
    "post",
    "xxx",
    "news",
    "blog",
    "today",
    "network",
    "email",
    "solutions",
    "support",
    "services",
    "systems",
    "digital",
    "center",
    "agency",
    "company",
    "group",
    "global",
    "world",
    "life",
    "zone",
    "one",
    "host",
    "press",
    "ltd",
    "llc",
    "inc",
    "biz",
    "money",
    "finance",
    "bank",
    "capital",
    "media",
    "social",
    "chat",
    "games",
    "download",
    "review",
    "stream",
    "win",
    "bid",
    "loan",
    "date",
    "racing",
    "party",
    "trade",
    "science",
    "cricket",
    "faith",
    "accountant",
    "men",
    "gdn",
    "kim",
    "rest",
    "bar",
    "buzz",
    "monster",
    "cyou",
    "sbs",
    "cfd",
    "quest",
    "lol",
    "mom",
    "beauty",
    "hair",
    "skin",
    "makeup",
    "homes",
    "autos",
    "boats",
    "yachts",
    "motorcycles",
    "best",
    "guru",
    "ninja",
    "rocks",
    "wiki",
    "design",
    "studio",
    "expert",
    "tools",
    "software",
    "codes",
    "science",
    "institute",
    "academy",
    "education",
    "events",
    "exchange",
    "market",
    "markets",
    "plus",
    "run",
    "page",
    "web",
    "foundation",
    "charity",
    "ngo",
    "ong",
    "army",
    "navy",
    "airforce",
    "consulting",
    "management",
    "partners",
    "ventures",
    "holdings",
    "industries",
    "international",
    "enterprises",
    "directory",
    "report",
    "help",
    "security",
    "secure",
    "protection",
    "safe",
    "microsoft",
    "google",
    "amazon",
    "apple",
];

/// Whether `tld` (lowercase) is a top-level domain.
pub fn is_tld(tld: &str) -> bool {
    if tld.len() == 2 {
        return dossier_model::country_by_code(tld)
            .is_some_and(|c| c.alpha2.eq_ignore_ascii_case(tld))
            || matches!(tld, "uk" | "eu" | "su" | "ac" | "io");
    }
    GENERIC_TLDS.contains(&tld)
}
