//! Property tests: generated valid numbers validate, single substitutions are
//! caught, arbitrary input never panics.

use chrono::NaiveDate;
use counterdesk::domain::documents::checksum::{credit_check, mod11_2, org_check};
use counterdesk::domain::documents::result::{DocKind, DocVerdict};
use counterdesk::domain::documents::router::{check_any, check_code, check_identity, check_phone};
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

/// Current county codes that exist in the bundled table.
const COUNTIES: [&str; 8] = [
    "110101", "110105", "310104", "440305", "510107", "650102", "330106", "350203",
];

fn resident_id() -> impl Strategy<Value = String> {
    (
        0..COUNTIES.len(),
        1950i32..=2020,
        1u32..=12,
        1u32..=28,
        0u32..1000,
    )
        .prop_map(|(c, y, m, d, seq)| {
            let body = format!("{}{y:04}{m:02}{d:02}{seq:03}", COUNTIES[c]);
            let check = mod11_2(body.as_bytes()).unwrap() as char;
            format!("{body}{check}")
        })
}

const CREDIT_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

fn credit_code() -> impl Strategy<Value = String> {
    let rt = prop::sample::select(vec![
        "11", "12", "31", "51", "52", "91", "92", "93", "N2", "Y1",
    ]);
    let body = prop::collection::vec(prop::sample::select(CREDIT_ALPHABET.to_vec()), 8)
        .prop_filter("org body", |b| {
            b.iter()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        });
    (rt, 0..COUNTIES.len(), body).prop_filter_map(
        "org check outside the credit alphabet",
        |(rt, c, body)| {
            let check = org_check(&body)?;
            let org = format!("{}{}", String::from_utf8(body).ok()?, check as char);
            let first17 = format!("{rt}{}{org}", COUNTIES[c]);
            let k = credit_check(first17.as_bytes())?;
            Some(format!("{first17}{}", k as char))
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn generated_resident_ids_validate(id in resident_id()) {
        let r = check_identity(&id, today());
        prop_assert_eq!(r.kind, DocKind::ResidentId);
        // Valid; a region created after the birth year may add a warning.
        prop_assert!(r.is_valid(), "{:?}", r.findings);
        prop_assert!(r.findings.iter().all(|f| f.code == "region_newer_than_birth"), "{:?}", r.findings);
        prop_assert_eq!(check_any(&id.to_lowercase(), today()).verdict, r.verdict);
    }

    #[test]
    fn every_single_substitution_is_caught(id in resident_id(), pos in 0usize..18, repl in prop::sample::select(b"0123456789X".to_vec())) {
        let mut b = id.clone().into_bytes();
        prop_assume!(b[pos] != repl);
        b[pos] = repl;
        let changed = String::from_utf8(b).unwrap();
        let r = check_identity(&changed, today());
        prop_assert_eq!(r.verdict, DocVerdict::Invalid, "{} → {}: {:?}", id, changed, r.findings);
    }

    #[test]
    fn generated_credit_codes_validate(code in credit_code()) {
        let r = check_code(&code, today());
        prop_assert_eq!(r.kind, DocKind::CreditCode);
        prop_assert_eq!(r.verdict, DocVerdict::Valid, "{}: {:?}", code, r.findings);
    }

    #[test]
    fn generated_mobiles_validate(second in 3u8..=9, rest in 0u64..1_000_000_000) {
        let m = format!("1{second}{rest:09}");
        let r = check_phone(&m, today());
        prop_assert_eq!(r.kind, DocKind::Mobile);
        prop_assert!(r.is_valid());
    }

    #[test]
    fn arbitrary_input_never_panics(s in "\\PC{0,64}", ctl in "[\\x00-\\x1f\\u{3000}\\u{ff01}-\\u{ff5e}]{0,8}") {
        let input = format!("{s}{ctl}{s}");
        for r in [check_any(&input, today()), check_identity(&input, today()), check_code(&input, today()), check_phone(&input, today())] {
            prop_assert_eq!(&r.input, &input);
        }
    }
}

#[test]
fn huge_and_odd_inputs_do_not_panic() {
    let long = "1".repeat(10_000);
    let mixed = "１１０１０１ab汉字🙂\u{0}\u{7}\u{202e}".repeat(500);
    for input in [
        "",
        " ",
        "\u{3000}",
        "-",
        "+",
        "+86",
        "0086",
        "转",
        "X",
        long.as_str(),
        mixed.as_str(),
        "９１１１",
        "ＵＳＡ",
    ] {
        for r in [
            check_any(input, today()),
            check_identity(input, today()),
            check_code(input, today()),
            check_phone(input, today()),
        ] {
            assert_eq!(r.verdict, r.verdict);
        }
    }
    // Multi-byte characters at positions the checks slice.
    for input in [
        "汉字汉字汉字",
        "91汉字000060003734",
        "9111000060003734汉字",
        "ABC汉字",
        "01汉字12345678",
    ] {
        let _ = (
            check_any(input, today()),
            check_code(input, today()),
            check_phone(input, today()),
        );
    }
}

fn org_code() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".to_vec()),
        8,
    )
    .prop_map(|body| {
        let check = org_check(&body).unwrap() as char;
        format!("{}-{check}", String::from_utf8(body).unwrap())
    })
}

proptest! {
    #[test]
    fn generated_org_codes_validate(code in org_code()) {
        let r = check_code(&code, today());
        prop_assert_eq!(r.kind, DocKind::OrgCode);
        prop_assert_eq!(r.verdict, DocVerdict::Valid, "{}: {:?}", code, r.findings);
        prop_assert_eq!(r.fields.org_code.as_deref(), Some(code.as_str()));
    }

    #[test]
    fn generated_permits_validate(p in 0usize..3, y in 1950i32..=2020, m in 1u32..=12, d in 1u32..=28, seq in 0u32..1000) {
        let body = format!("{}{y:04}{m:02}{d:02}{seq:03}", ["810000", "820000", "830000"][p]);
        let id = format!("{body}{}", mod11_2(body.as_bytes()).unwrap() as char);
        let r = check_identity(&id, today());
        prop_assert_eq!(r.kind, DocKind::HmtPermit);
        prop_assert_eq!(r.verdict, DocVerdict::Valid, "{:?}", r.findings);
    }
}

/// Landlines and mobiles of every shape, so that every prefix a clerk types
/// on the way to them is exercised.
fn phone_vector() -> impl Strategy<Value = String> {
    prop_oneof![
        (3u8..=9, 0u64..1_000_000_000).prop_map(|(s, r)| format!("1{s}{r:09}")),
        (0u8..=9, 2u8..=8, 0u64..10_000_000).prop_map(|(a, l, r)| format!("02{a}-{l}{r:07}")),
        (3u8..=9, 0u8..100, 2u8..=8, 0u64..1_000_000)
            .prop_map(|(a, b, l, r)| format!("0{a}{b:02}-{l}{r:06}")),
        (2u8..=8, 0u64..10_000_000).prop_map(|(l, r)| format!("+86 10 {l}{r:07}")),
        (2u8..=8, 0u64..10_000_000, 0u32..1000)
            .prop_map(|(l, r, e)| format!("（010）{l}{r:07}转{e}")),
    ]
}

/// Every prefix, char by char, as typed key by key or sent by a reader.
fn prefixes(s: &str) -> impl Iterator<Item = &str> {
    s.char_indices()
        .map(|(i, _)| &s[..i])
        .chain(std::iter::once(s))
}

fn check_all(input: &str) {
    for r in [
        check_any(input, today()),
        check_identity(input, today()),
        check_code(input, today()),
        check_phone(input, today()),
    ] {
        assert_eq!(r.input, input);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_prefix_of_valid_numbers_never_panics(
        id in resident_id(),
        code in credit_code(),
        org in org_code(),
        phone in phone_vector(),
    ) {
        for v in [&id, &code, &org, &phone] {
            for p in prefixes(v) {
                check_all(p);
                // A trailing typo on each prefix, too.
                check_all(&format!("{p}X"));
                check_all(&format!("{p}-"));
            }
        }
    }

    #[test]
    fn arbitrary_unicode_never_panics(s in any::<String>()) {
        for p in prefixes(&s) {
            check_all(p);
        }
    }
}

/// The inputs that crashed the window (issue 7): fewer digits than the area
/// code needs.
#[test]
fn short_landline_prefixes_do_not_panic() {
    for input in [
        "0",
        "02",
        "03",
        "064",
        "0755",
        "+86 064",
        "（038-7969",
        "+86 0",
        "0086 02",
        "010",
        "01",
        "021-",
        "(02",
        "02X",
        "0#",
        "02转",
    ] {
        let r = check_phone(input, today());
        assert_eq!(r.verdict, DocVerdict::Invalid, "{input}");
        check_all(input);
    }
}
