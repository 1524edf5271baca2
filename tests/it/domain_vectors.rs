//! Table-driven vectors for every document kind. All personal numbers are
//! synthetic (check characters computed here) or the standards' own examples.

use chrono::NaiveDate;
use counterdesk::domain::documents::checksum::{credit_check, mod11_2, org_check};
use counterdesk::domain::documents::credit_code::check_agree;
use counterdesk::domain::documents::findings as code;
use counterdesk::domain::documents::result::{CheckResult, DocKind, DocVerdict, Gender};
use counterdesk::domain::documents::router::{check_any, check_code, check_identity, check_phone};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

/// 17 digits + computed MOD 11-2 check.
fn id18(body: &str) -> String {
    format!("{body}{}", mod11_2(body.as_bytes()).unwrap() as char)
}

/// 17 credit characters + computed check.
fn credit(body: &str) -> String {
    format!("{body}{}", credit_check(body.as_bytes()).unwrap() as char)
}

/// A credit code with a valid embedded org code.
fn credit_with_org(rt: &str, region: &str, org8: &str) -> String {
    let org = format!("{org8}{}", org_check(org8.as_bytes()).unwrap() as char);
    credit(&format!("{rt}{region}{org}"))
}

fn codes(r: &CheckResult) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.code).collect()
}

#[track_caller]
fn expect(r: &CheckResult, kind: DocKind, verdict: DocVerdict, must_have: &[&str]) {
    assert_eq!(r.kind, kind, "{r:#?}");
    assert_eq!(r.verdict, verdict, "{r:#?}");
    for c in must_have {
        assert!(codes(r).contains(c), "missing {c} in {r:#?}");
    }
    for f in &r.findings {
        assert!(!f.message.is_empty());
    }
}

#[test]
fn identity_vectors() {
    use DocKind::*;
    use DocVerdict::*;
    let cases: &[(&str, DocKind, DocVerdict, &[&str])] = &[
        // Standard's own examples (1949 Beijing 朝阳区 woman, 1880 Guangdong man).
        ("11010519491231002X", ResidentId, Valid, &[]),
        ("11010519491231002x", ResidentId, Valid, &[]),
        (
            "440524188001010014",
            ResidentId,
            ValidWithWarnings,
            &[code::AGE_OVER_120, code::REGION_ABOLISHED],
        ),
        ("110101199003070011", ResidentId, Valid, &[]),
        (
            "110101199003070010",
            ResidentId,
            Invalid,
            &[code::CHECK_DIGIT_MISMATCH],
        ),
        (
            "110101199902290018",
            ResidentId,
            Invalid,
            &[code::BIRTH_DATE_INVALID],
        ),
        ("110101200002290018", ResidentId, Valid, &[]),
        (
            "１１０１０１ １９９００３０７ ００１１",
            ResidentId,
            Valid,
            &[],
        ),
        ("110101-19900307-0011", ResidentId, Valid, &[]),
        ("810000199408230021", HmtPermit, Valid, &[]),
        ("932682198501010017", ForeignPr, Valid, &[]),
        (
            "110101900307001",
            ResidentIdLegacy15,
            Invalid,
            &[code::LEGACY15_NOT_CURRENT],
        ),
        (
            "USA110185030100",
            ForeignPrLegacy,
            ValidWithWarnings,
            &[code::FOREIGN_PR_LEGACY_NO_CHECK],
        ),
        (
            "USA110185023000",
            ForeignPrLegacy,
            Invalid,
            &[code::BIRTH_DATE_INVALID],
        ),
        ("", Unknown, Invalid, &[code::EMPTY_INPUT]),
        ("12345", Unknown, Invalid, &[code::FORMAT_UNRECOGNIZED]),
        (
            "710000199408230021",
            Unknown,
            Invalid,
            &[code::ID_PREFIX_INVALID],
        ),
    ];
    for (input, kind, verdict, must) in cases {
        expect(&check_identity(input, today()), *kind, *verdict, must);
    }
}

#[test]
fn identity_fields() {
    let r = check_identity("11010519491231002X", today());
    assert_eq!(r.fields.birth_date, NaiveDate::from_ymd_opt(1949, 12, 31));
    assert_eq!(r.fields.gender, Some(Gender::Female));
    assert_eq!(r.fields.age, Some(76));
    let region = r.fields.region.as_ref().unwrap();
    assert_eq!(region.display_name(), "北京市 朝阳区");
    assert_eq!(region.end_year, None);
    assert_eq!(r.normalized, "11010519491231002X");

    let r = check_identity("110101900307001", today());
    assert_eq!(r.fields.converted_18.as_deref(), Some("110101199003070011"));
    assert_eq!(r.fields.gender, Some(Gender::Male));
    assert_eq!(r.fields.birth_date, NaiveDate::from_ymd_opt(1990, 3, 7));

    let r = check_identity("810000199408230021", today());
    assert_eq!(
        r.fields.region.as_ref().unwrap().display_name(),
        "香港特别行政区"
    );
    for (p, name) in [("820000", "澳门特别行政区"), ("830000", "台湾省")] {
        let r = check_identity(&id18(&format!("{p}19940823002")), today());
        assert_eq!(r.kind, DocKind::HmtPermit);
        assert_eq!(r.verdict, DocVerdict::Valid);
        assert_eq!(r.fields.region.as_ref().unwrap().display_name(), name);
    }
}

#[test]
fn dates_leap_and_future() {
    let t = today();
    // Born today: valid (age 0); tomorrow: future.
    expect(
        &check_identity(&id18("11010120261122001"), t),
        DocKind::ResidentId,
        DocVerdict::Valid,
        &[],
    );
    expect(
        &check_identity(&id18("11010120261123001"), t),
        DocKind::ResidentId,
        DocVerdict::Invalid,
        &[code::BIRTH_DATE_FUTURE],
    );
    expect(
        &check_identity(&id18("11010118790101001"), t),
        DocKind::ResidentId,
        DocVerdict::Invalid,
        &[code::BIRTH_DATE_TOO_EARLY],
    );
    expect(
        &check_identity(&id18("11010119000229001"), t),
        DocKind::ResidentId,
        DocVerdict::Invalid,
        &[code::BIRTH_DATE_INVALID],
    );
    expect(
        &check_identity(&id18("11010120240229001"), t),
        DocKind::ResidentId,
        DocVerdict::Valid,
        &[],
    );
    expect(
        &check_identity(&id18("11010119901301001"), t),
        DocKind::ResidentId,
        DocVerdict::Invalid,
        &[code::BIRTH_DATE_INVALID],
    );
}

#[test]
fn region_history_is_a_warning_never_an_error() {
    // 崇文区 (abolished 2010) for someone born 1990.
    let r = check_identity(&id18("11010319900307001"), today());
    expect(
        &r,
        DocKind::ResidentId,
        DocVerdict::ValidWithWarnings,
        &[code::REGION_ABOLISHED],
    );
    assert_eq!(
        r.fields.region.as_ref().unwrap().display_name(),
        "北京市 崇文区"
    );
    // 潮州市 (445100, from 1991) for someone born 1985.
    let r = check_identity(&id18("44510219850101001"), today());
    assert!(r.is_valid(), "{r:#?}");
    // Never-existing county, and a bad province prefix.
    expect(
        &check_identity(&id18("11019919900307001"), today()),
        DocKind::ResidentId,
        DocVerdict::Invalid,
        &[code::REGION_UNKNOWN],
    );
    expect(
        &check_identity(&id18("16010119900307001"), today()),
        DocKind::ResidentId,
        DocVerdict::Invalid,
        &[code::PROVINCE_INVALID],
    );
}

#[test]
fn foreign_pr_vectors() {
    let r = check_identity("932682198501010017", today());
    assert_eq!(r.fields.nationality_code.as_deref(), Some("682"));
    assert_eq!(r.fields.region.as_ref().unwrap().display_name(), "江苏省");
    expect(
        &check_identity(&id18("90068219850101001"), today()),
        DocKind::ForeignPr,
        DocVerdict::Invalid,
        &[code::FOREIGN_PR_PROVINCE_INVALID],
    );
    expect(
        &check_identity(&id18("93200019850101001"), today()),
        DocKind::ForeignPr,
        DocVerdict::Invalid,
        &[code::FOREIGN_PR_NATIONALITY_INVALID],
    );
    let r = check_identity("usa110185030100", today());
    assert_eq!(r.fields.birth_date, NaiveDate::from_ymd_opt(1985, 3, 1));
    assert_eq!(r.fields.nationality_code.as_deref(), Some("USA"));
}

#[test]
fn credit_code_vectors() {
    use DocVerdict::*;
    let cases: &[(&str, DocVerdict, &[&str])] = &[
        ("91110000600037341L", Valid, &[]),
        ("91110000MA00000820", Valid, &[]),
        ("91110000ma00000820", Valid, &[]),
        ("９１１１００００６０００３７３４１Ｌ", Valid, &[]),
        (
            "91110000600037341M",
            Invalid,
            &[code::CREDIT_CHECK_MISMATCH],
        ),
        (
            "91110000600037342L",
            Invalid,
            &[code::CREDIT_ORG_CHECK_MISMATCH],
        ),
        ("9111000060003734IL", Invalid, &[code::CREDIT_BAD_CHAR]),
        (
            "91350203M0001QKT19",
            Invalid,
            &[
                code::CREDIT_CHECK_MISMATCH,
                code::CREDIT_CHECK_XIAMEN_OVERRIDE,
            ],
        ),
    ];
    for (input, verdict, must) in cases {
        expect(
            &check_code(input, today()),
            DocKind::CreditCode,
            *verdict,
            must,
        );
    }
    let r = check_code("91110000600037341L", today());
    assert_eq!(r.fields.authority, Some("工商（市场监管）"));
    assert_eq!(r.fields.entity_type, Some("企业"));
    assert_eq!(r.fields.region.as_ref().unwrap().display_name(), "北京市");
    assert_eq!(r.fields.org_code.as_deref(), Some("60003734-1"));
    let x = check_code("91350203M0001QKT19", today());
    assert!(x.supervisor_may_override());
    assert!(!check_code("91110000600037341M", today()).supervisor_may_override());
}

#[test]
fn every_authority_letter_and_type() {
    let types: &[(&str, &str, &str)] = &[
        ("11", "机构编制", "机关"),
        ("12", "机构编制", "事业单位"),
        ("13", "机构编制", "中央编办直接管理机构编制的群众团体"),
        ("19", "机构编制", "其他"),
        ("21", "外交", "外国常驻新闻机构"),
        ("29", "外交", "其他"),
        ("31", "司法行政", "律师执业机构"),
        ("32", "司法行政", "公证处"),
        ("33", "司法行政", "基层法律服务所"),
        ("34", "司法行政", "司法鉴定机构"),
        ("35", "司法行政", "仲裁委员会"),
        ("39", "司法行政", "其他"),
        ("41", "文化", "外国在华文化中心"),
        ("49", "文化", "其他"),
        ("51", "民政", "社会团体"),
        ("52", "民政", "民办非企业单位"),
        ("53", "民政", "基金会"),
        ("59", "民政", "其他"),
        ("61", "旅游", "外国旅游部门常驻代表机构"),
        ("62", "旅游", "港澳台地区旅游部门常驻内地（大陆）代表机构"),
        ("69", "旅游", "其他"),
        ("71", "宗教", "宗教活动场所"),
        ("72", "宗教", "宗教院校"),
        ("79", "宗教", "其他"),
        ("81", "工会", "基层工会"),
        ("89", "工会", "其他"),
        ("91", "工商（市场监管）", "企业"),
        ("92", "工商（市场监管）", "个体工商户"),
        ("93", "工商（市场监管）", "农民专业合作社"),
        ("A1", "中央军委改革和编制办公室（军队）", "军队事业单位"),
        ("A9", "中央军委改革和编制办公室（军队）", "其他"),
        ("N1", "农业", "组级集体经济组织"),
        ("N2", "农业", "村级集体经济组织"),
        ("N3", "农业", "乡镇级集体经济组织"),
        ("N9", "农业", "其他"),
        ("Y1", "其他", "其他"),
    ];
    for (rt, authority, entity) in types {
        let c = credit_with_org(rt, "110000", "MA000004");
        let r = check_code(&c, today());
        expect(&r, DocKind::CreditCode, DocVerdict::Valid, &[]);
        assert_eq!(r.fields.authority, Some(*authority), "{rt}");
        assert_eq!(r.fields.entity_type, Some(*entity), "{rt}");
    }
    // Unknown authority letter, unknown type under a known one.
    let r = check_code(&credit_with_org("B1", "110000", "MA000004"), today());
    assert!(codes(&r).contains(&code::CREDIT_AUTHORITY_UNKNOWN));
    let r = check_code(&credit_with_org("94", "110000", "MA000004"), today());
    assert!(codes(&r).contains(&code::CREDIT_ENTITY_TYPE_UNKNOWN));
    // National registrar and an unknown registrar region.
    let r = check_code(&credit_with_org("12", "100000", "MA000004"), today());
    assert_eq!(r.fields.region.as_ref().unwrap().display_name(), "全国");
    let r = check_code(&credit_with_org("91", "119999", "MA000004"), today());
    expect(
        &r,
        DocKind::CreditCode,
        DocVerdict::ValidWithWarnings,
        &[code::CREDIT_REGION_UNKNOWN],
    );
}

#[test]
fn check_characters_zero_and_x() {
    // Credit code with outer check 0, org codes with check X and 0.
    assert!(check_code("91110000MA00000820", today()).is_valid());
    for org in [
        "60003734-1",
        "MA000004-X",
        "MA000009-0",
        "ma000004x",
        "ＭＡ０００００９－０",
    ] {
        let r = check_code(org, today());
        expect(&r, DocKind::OrgCode, DocVerdict::Valid, &[]);
    }
    assert_eq!(
        check_code("MA000004-X", today()).fields.org_code.as_deref(),
        Some("MA000004-X")
    );
    expect(
        &check_code("MA000004-0", today()),
        DocKind::OrgCode,
        DocVerdict::Invalid,
        &[code::ORG_CODE_CHECK_MISMATCH],
    );
    expect(
        &check_code("MA00000!-0", today()),
        DocKind::OrgCode,
        DocVerdict::Invalid,
        &[code::ORG_CODE_FORMAT],
    );
    // A resident ID whose check character is X (the standard's example) and one ending in 0.
    assert!(check_identity("11010519491231002X", today()).is_valid());
    let zero = (0..1000)
        .map(|i| format!("110101199003{:02}{:03}", 1 + i % 28, i))
        .map(|b| id18(&b))
        .find(|s| s.ends_with('0'))
        .unwrap();
    assert!(check_identity(&zero, today()).is_valid());
    assert_eq!(check_code("12345678", today()).kind, DocKind::Unknown);
}

#[test]
fn credit_and_org_agree() {
    assert_eq!(check_agree("91110000600037341L", "60003734-1"), None);
    assert_eq!(
        check_agree("91110000600037341l", "６０００３７３４－１"),
        None
    );
    let f = check_agree("91110000600037341L", "MA000004-X").unwrap();
    assert_eq!(f.code, code::CREDIT_ORG_DISAGREE);
    assert!(check_agree("bad", "60003734-1").is_some());
}

#[test]
fn phone_vectors() {
    use DocKind::*;
    use DocVerdict::*;
    let cases: &[(&str, DocKind, DocVerdict, &str, &[&str])] = &[
        ("13800138000", Mobile, Valid, "13800138000", &[]),
        ("+86 138 0013 8000", Mobile, Valid, "13800138000", &[]),
        ("0086-138-0013-8000", Mobile, Valid, "13800138000", &[]),
        (
            "＋８６ １３８００１３８０００",
            Mobile,
            Valid,
            "13800138000",
            &[],
        ),
        (
            "14612345678",
            Mobile,
            ValidWithWarnings,
            "14612345678",
            &[code::MOBILE_DATA_ONLY],
        ),
        (
            "14912345678",
            Mobile,
            ValidWithWarnings,
            "14912345678",
            &[code::MOBILE_DATA_ONLY],
        ),
        (
            "17400012345",
            Mobile,
            ValidWithWarnings,
            "17400012345",
            &[code::MOBILE_SATELLITE],
        ),
        (
            "12812345678",
            Unknown,
            Invalid,
            "12812345678",
            &[code::PHONE_FORMAT],
        ),
        (
            "1380013800",
            Unknown,
            Invalid,
            "1380013800",
            &[code::PHONE_FORMAT],
        ),
        ("010-62345678", Landline, Valid, "01062345678", &[]),
        ("(021) 8765 4321", Landline, Valid, "02187654321", &[]),
        ("0755-2345678", Landline, Valid, "07552345678", &[]),
        ("0755-23456789", Landline, Valid, "075523456789", &[]),
        ("+86 10 62345678", Landline, Valid, "01062345678", &[]),
        ("010-62345678-123", Landline, Valid, "01062345678", &[]),
        ("010-62345678转123", Landline, Valid, "01062345678", &[]),
        (
            "010-1234567",
            Landline,
            Invalid,
            "0101234567",
            &[code::LANDLINE_AREA_CODE],
        ),
        (
            "010-92345678",
            Landline,
            Invalid,
            "01092345678",
            &[code::LANDLINE_LOCAL_NUMBER],
        ),
        (
            "0012345678",
            Landline,
            Invalid,
            "0012345678",
            &[code::LANDLINE_AREA_CODE],
        ),
        (
            "12345678",
            Unknown,
            Invalid,
            "12345678",
            &[code::PHONE_FORMAT],
        ),
        ("abc", Unknown, Invalid, "ABC", &[code::PHONE_FORMAT]),
        ("", Unknown, Invalid, "", &[code::EMPTY_INPUT]),
    ];
    for (input, kind, verdict, normalized, must) in cases {
        let r = check_phone(input, today());
        expect(&r, *kind, *verdict, must);
        assert_eq!(&r.normalized, normalized, "{input}");
    }
    let r = check_phone("010-62345678转123", today());
    assert_eq!(r.fields.area_code.as_deref(), Some("010"));
    assert_eq!(r.fields.extension.as_deref(), Some("123"));
    assert_eq!(
        check_phone("010-62345678-123", today())
            .fields
            .extension
            .as_deref(),
        Some("123")
    );
}

#[test]
fn router_routes_by_shape() {
    let t = today();
    let cases = [
        ("110101199003070011", DocKind::ResidentId),
        ("810000199408230021", DocKind::HmtPermit),
        ("932682198501010017", DocKind::ForeignPr),
        ("110101900307001", DocKind::ResidentIdLegacy15),
        ("USA110185030100", DocKind::ForeignPrLegacy),
        ("91110000600037341L", DocKind::CreditCode),
        ("60003734-1", DocKind::OrgCode),
        ("13800138000", DocKind::Mobile),
        ("010-62345678", DocKind::Landline),
        ("hello", DocKind::Unknown),
    ];
    for (input, kind) in cases {
        assert_eq!(check_any(input, t).kind, kind, "{input}");
    }
    // An all-digit credit code reads as a credit code when that reading is valid.
    let digits_only = (0..100_000)
        .map(|i| format!("91110000{:08}", 10_000_000 + i))
        .map(|s| {
            let org = format!(
                "{}{}",
                &s[8..16],
                org_check(&s.as_bytes()[8..16]).unwrap() as char
            );
            credit(&format!("{}{org}", &s[..8]))
        })
        .find(|c| c.bytes().all(|b| b.is_ascii_digit()))
        .unwrap();
    assert_eq!(check_any(&digits_only, t).kind, DocKind::CreditCode);
}

#[test]
fn doc_kind_serialises_to_the_contract() {
    let all = [
        (DocKind::ResidentId, "resident_id"),
        (DocKind::ResidentIdLegacy15, "resident_id_legacy15"),
        (DocKind::HmtPermit, "hmt_permit"),
        (DocKind::ForeignPr, "foreign_pr"),
        (DocKind::ForeignPrLegacy, "foreign_pr_legacy"),
        (DocKind::CreditCode, "credit_code"),
        (DocKind::OrgCode, "org_code"),
        (DocKind::Mobile, "mobile"),
        (DocKind::Landline, "landline"),
        (DocKind::Unknown, "unknown"),
    ];
    for (kind, name) in all {
        assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{name}\""));
        assert_eq!(kind.as_str(), name);
    }
    let r = serde_json::to_value(check_identity("11010519491231002X", today())).unwrap();
    assert_eq!(r["fields"]["gender"], "F");
    assert_eq!(r["fields"]["birth_date"], "1949-12-31");
}

#[test]
fn every_finding_code_is_documented() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/checks.md")).unwrap();
    for (c, _, _) in code::ALL {
        assert!(doc.contains(&format!("`{c}`")), "docs/checks.md lacks {c}");
    }
}
