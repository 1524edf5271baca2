//! Driving-licence statuses, e-licence eligibility, 准驾车型 and 档案编号.

use counterdesk::domain::documents::findings as code;
use counterdesk::domain::documents::licence::{
    LicenceClass, check_archive_number, describe, e_licence_eligibility, parse_classes,
    permitted_classes, status_name,
};

#[test]
fn every_status_letter_is_named() {
    let names = [
        ('A', "正常"),
        ('B', "超分"),
        ('C', "转出"),
        ('D', "暂扣"),
        ('E', "撤销"),
        ('F', "吊销"),
        ('G', "注销"),
        ('H', "违法未处理"),
        ('I', "事故未处理"),
        ('J', "停止使用"),
        ('K', "扣押"),
        ('L', "锁定"),
        ('M', "逾期未换证"),
        ('N', "延期换证"),
        ('P', "延期体检"),
        ('R', "注销可恢复"),
        ('S', "逾期未审验"),
        ('T', "延期审验"),
        ('U', "扣留"),
    ];
    for (l, n) in names {
        assert_eq!(status_name(l), Some(n));
    }
    assert_eq!(status_name('Q'), None);
}

#[test]
fn e_licence_eligibility_rules() {
    for ok in ["A", "H", "I", "HI", "AHI", "a", " h "] {
        let d = e_licence_eligibility(ok);
        assert!(d.allowed, "{ok}: {d:?}");
        assert!(d.findings.is_empty());
    }
    for ext in ["N", "P", "T", "HN"] {
        let d = e_licence_eligibility(ext);
        assert!(d.allowed, "{ext}");
        assert!(
            d.findings
                .iter()
                .all(|f| f.code == code::LICENCE_STATUS_EXTENSION)
        );
    }
    for (s, shown) in [
        ("U", "扣留"),
        ("D", "暂扣"),
        ("M", "逾期未换证"),
        ("S", "逾期未审验"),
        ("J", "公告停止使用"),
    ] {
        let d = e_licence_eligibility(s);
        assert!(!d.allowed);
        let f = &d.findings[0];
        assert_eq!(f.code, code::LICENCE_STATUS_ABNORMAL);
        assert!(
            f.message.contains("需先处理完异常情况后才能申领"),
            "{}",
            f.message
        );
        assert!(f.message.contains(shown), "{}", f.message);
    }
    let d = e_licence_eligibility("HM");
    assert!(!d.allowed);
    for s in ["B", "C", "E", "F", "G", "K", "L", "R"] {
        let d = e_licence_eligibility(s);
        assert!(!d.allowed);
        assert_eq!(d.findings[0].code, code::LICENCE_STATUS_BLOCKS);
    }
    let d = e_licence_eligibility("AQ");
    assert!(!d.allowed);
    assert_eq!(d.findings[0].code, code::LICENCE_STATUS_UNKNOWN);
    assert!(d.findings[0].message.contains("AQ"));
    assert!(!e_licence_eligibility("").allowed);
}

#[test]
fn classes_parse_greedily() {
    let c = parse_classes("C1E").unwrap();
    assert_eq!(c.iter().map(|c| c.code()).collect::<Vec<_>>(), ["C1", "E"]);
    assert_eq!(describe(&c), "C1 小型汽车、E 普通二轮摩托车");
    let c = parse_classes("a2d").unwrap();
    assert_eq!(c.iter().map(|c| c.code()).collect::<Vec<_>>(), ["A2", "D"]);
    let all: Vec<&str> = permitted_classes(&c).iter().map(|c| c.code()).collect();
    assert_eq!(
        all,
        [
            "A2", "B1", "B2", "C1", "C2", "C3", "C4", "C6", "D", "E", "F", "M"
        ]
    );
    let a1 = LicenceClass::from_code("A1").unwrap();
    assert_eq!(a1.name(), "大型客车");
    assert_eq!(
        a1.covers().iter().map(|c| c.code()).collect::<Vec<_>>(),
        ["A3", "B1", "B2", "C1", "C2", "C3", "C4", "M"]
    );
    for bad in ["C7", "A", "B3", "X", "", "C1Z"] {
        assert_eq!(
            parse_classes(bad).unwrap_err().code,
            code::LICENCE_CLASS_INVALID,
            "{bad}"
        );
    }
    assert_eq!(
        parse_classes("C5").unwrap()[0].name(),
        "残疾人专用小型自动挡载客汽车"
    );
    assert_eq!(parse_classes("NP").unwrap().len(), 2);
}

#[test]
fn archive_number() {
    assert_eq!(
        check_archive_number(" 1101 0012 3456 ").unwrap(),
        "110100123456"
    );
    assert_eq!(
        check_archive_number("11010012345").unwrap_err().code,
        code::ARCHIVE_NUMBER_FORMAT
    );
    assert!(check_archive_number("11010012345A").is_err());
}
