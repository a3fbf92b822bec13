//! Indicators on a fixture advisory written for these tests: every kind, defanged forms,
//! benign look-alikes set aside with a reason, spans that point at what was written.

use dossier_extract::{indicators, Kind};

fn fixture() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/advisory.txt"
    ))
    .unwrap_or_else(|e| panic!("{e}"))
}

fn found(text: &str) -> Vec<(Kind, String, Option<&'static str>)> {
    indicators(text)
        .into_iter()
        .map(|i| (i.kind, i.value, i.suppressed))
        .collect()
}

fn has(all: &[(Kind, String, Option<&'static str>)], kind: Kind, value: &str) -> bool {
    all.iter()
        .any(|(k, v, s)| *k == kind && v == value && s.is_none())
}

#[test]
fn finds_every_kind_refanged() {
    let text = fixture();
    let all = found(&text);
    for (kind, value) in [
        (
            Kind::Url,
            "https://update-check.cloudsync-cdn.xyz/api/v2/get.php?id=7",
        ),
        (Kind::Url, "http://45.137.21.9:8080/dl/loader.bin"),
        (Kind::Email, "hr-team@fastmail-secure.com"),
        (Kind::Ipv4, "45.137.21.9"),
        (Kind::Ipv4, "193.42.33.14"),
        (Kind::Cidr, "91.215.85.0/24"),
        (Kind::Ipv6, "2a0b:4140:7e31::15"),
        (Kind::Domain, "c2.quietlynx.net"),
        (Kind::Domain, "cdn-assets.quietlynx.net"),
        (Kind::File, "svchost_update.exe"),
        (Kind::Md5, "5f2b7c1e9a3d4b6f8e0a1c2d3e4f5a6b"),
        (Kind::Sha1, "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"),
        (
            Kind::Sha256,
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        ),
        (Kind::Path, r"C:\ProgramData\Microsoft\Crypto\RSA\msupd.dll"),
        (Kind::Path, r"%APPDATA%\Roaming\ntuser.ps1"),
        (Kind::Path, r"\\fileserver01\admin$\tools\psexec.exe"),
        (
            Kind::Registry,
            r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run\OneDriveSync",
        ),
        (Kind::Cve, "CVE-2021-44228"),
        (Kind::Cve, "CVE-2023-3519"),
        (Kind::AttackTechnique, "T1190"),
        (Kind::AttackTechnique, "T1059.001"),
        (Kind::AttackTactic, "TA0001"),
        (Kind::AttackGroup, "G0065"),
        (Kind::AttackSoftware, "S0154"),
        (Kind::Btc, "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
        (Kind::Btc, "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"),
        (Kind::Eth, "0x52908400098527886e0f7030069857d2e4169ee7"),
    ] {
        assert!(has(&all, kind, value), "{kind:?} {value} not in {all:#?}");
    }
}

#[test]
fn benign_look_alikes_are_set_aside_with_a_reason() {
    let text = fixture();
    let all = indicators(&text);
    for value in [
        "report@cisa.gov",
        "8.8.8.8",
        "10.20.30.40",
        "10.0.17763.1",
        "00000000000000000000000000000000",
    ] {
        let i = all.iter().find(|i| i.value == value);
        if value == "10.0.17763.1" {
            // Four numbers with one over 255: not an address at all.
            assert!(i.is_none(), "{i:?}");
            continue;
        }
        let i = i.unwrap_or_else(|| panic!("{value} not found"));
        assert!(i.suppressed.is_some(), "{value} should be set aside: {i:?}");
    }
    let url = all
        .iter()
        .find(|i| i.value.starts_with("https://attack.mitre.org"))
        .unwrap_or_else(|| panic!("no mitre url"));
    assert!(url.suppressed.is_some());
    // Only the word before an address makes it a version, not a word ending in "v".
    let kiev = indicators("servers in Kiev 185.220.101.4 and build 18.12.40.7");
    assert!(kiev[0].suppressed.is_none(), "{kiev:?}");
    assert!(kiev[1].suppressed.is_some(), "{kiev:?}");
    // Sentence punctuation is not part of a value; bare words are not domains.
    assert!(!all
        .iter()
        .any(|i| i.value.ends_with('.') || i.value == "e.g"));
}

#[test]
fn spans_point_at_what_was_written() {
    let text = fixture();
    for i in indicators(&text) {
        assert_eq!(&text[i.start..i.end], i.raw, "{i:?}");
        if i.defanged {
            assert_ne!(i.raw, i.value);
        }
    }
    let defanged = indicators("beacon to evil[.]example-c2[.]ru now");
    assert_eq!(defanged.len(), 1);
    assert_eq!(defanged[0].raw, "evil[.]example-c2[.]ru");
    assert_eq!(defanged[0].value, "evil.example-c2.ru");
    assert!(defanged[0].defanged);
}

#[test]
fn broken_and_odd_input_gives_no_false_indicators() {
    for text in [
        "",
        "[.][.][.] hxxp:// (.) [@]",
        "version 1.2.3.4 and v2.0.0.1",
        "999.1.1.1 and 1.2.3 and 1.2.3.4.5",
        "Mr. Smith met Dr. Jones, i.e. the U.S. team, e.g. at 10:30:00 on 12:45.",
        "ΑΒΓ 武汉 ⚠️ \u{0}\u{1}",
        "1BoatSLRHtKNngkdXEeobR76b53LETtpyX (bad checksum)",
        "deadbeef deadbeefdeadbeefdeadbeefdeadbeefdeadbeef (48 hex digits)",
    ] {
        let all = indicators(text);
        let real: Vec<_> = all.iter().filter(|i| i.suppressed.is_none()).collect();
        assert!(real.is_empty(), "{text:?}: {real:#?}");
    }
}
