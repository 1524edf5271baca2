//! Thresholds and tables from documents.md, kept in one place so a corrected
//! source means one edit.

/// ISO 7064 MOD 11-2 weights for positions 1..17 (GB 11643).
pub const MOD11_2_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character by `S mod 11`.
pub const MOD11_2_CHARS: &[u8; 11] = b"10X98765432";

/// Earliest birth year accepted (the standard's own example is born in 1880).
pub const MIN_BIRTH_YEAR: i32 = 1880;
/// Above this age a warning asks the clerk to double-check.
pub const MAX_PLAUSIBLE_AGE: u32 = 120;
/// First-generation (15-digit) cards stopped being valid on this date.
pub const LEGACY15_END: (i32, u32, u32) = (2013, 1, 1);

/// Province prefixes allowed in resident-ID address codes.
pub const PROVINCE_RANGES: [(u8, u8); 6] =
    [(11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65)];

/// Address codes of residence permits (国办发〔2018〕81号 Art. 3).
pub const HMT_PERMIT_CODES: [(&str, &str); 3] = [
    ("810000", "香港居民"),
    ("820000", "澳门居民"),
    ("830000", "台湾居民"),
];

/// GB 32100 alphabet; a character's value is its index.
pub const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// GB 32100 weights for positions 1..17.
pub const CREDIT_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
/// Registrar code meaning "national" in a credit code.
pub const NATIONAL_REGISTRAR: &str = "100000";
/// Address prefix of Xiamen, where some pre-2016 credit codes fail the check.
pub const XIAMEN_PREFIX: &str = "3502";

/// GB 11714 weights for the 8 body characters.
pub const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// Mobile prefixes that are data-only (no SMS): warn, don't reject.
pub const MOBILE_DATA_ONLY: [&str; 3] = ["146", "148", "149"];
/// Satellite block.
pub const MOBILE_SATELLITE: &str = "174";

/// 档案编号 length.
pub const ARCHIVE_NUMBER_LEN: usize = 12;

/// True when `pp` is an allowed province prefix.
pub fn is_province_prefix(pp: u8) -> bool {
    PROVINCE_RANGES
        .iter()
        .any(|&(lo, hi)| (lo..=hi).contains(&pp))
}

/// (type letter, name) pairs under one authority.
pub type EntityTypes = &'static [(u8, &'static str)];

/// GB 32100 registration authorities: (letter, authority, [(type letter, name)]).
/// Type names follow the standard's table *(secondary for the descriptive wording)*.
pub const CREDIT_AUTHORITIES: &[(u8, &str, EntityTypes)] = &[
    (
        b'1',
        "机构编制",
        &[
            (b'1', "机关"),
            (b'2', "事业单位"),
            (b'3', "中央编办直接管理机构编制的群众团体"),
            (b'9', "其他"),
        ],
    ),
    (b'2', "外交", &[(b'1', "外国常驻新闻机构"), (b'9', "其他")]),
    (
        b'3',
        "司法行政",
        &[
            (b'1', "律师执业机构"),
            (b'2', "公证处"),
            (b'3', "基层法律服务所"),
            (b'4', "司法鉴定机构"),
            (b'5', "仲裁委员会"),
            (b'9', "其他"),
        ],
    ),
    (b'4', "文化", &[(b'1', "外国在华文化中心"), (b'9', "其他")]),
    (
        b'5',
        "民政",
        &[
            (b'1', "社会团体"),
            (b'2', "民办非企业单位"),
            (b'3', "基金会"),
            (b'9', "其他"),
        ],
    ),
    (
        b'6',
        "旅游",
        &[
            (b'1', "外国旅游部门常驻代表机构"),
            (b'2', "港澳台地区旅游部门常驻内地（大陆）代表机构"),
            (b'9', "其他"),
        ],
    ),
    (
        b'7',
        "宗教",
        &[(b'1', "宗教活动场所"), (b'2', "宗教院校"), (b'9', "其他")],
    ),
    (b'8', "工会", &[(b'1', "基层工会"), (b'9', "其他")]),
    (
        b'9',
        "工商（市场监管）",
        &[
            (b'1', "企业"),
            (b'2', "个体工商户"),
            (b'3', "农民专业合作社"),
        ],
    ),
    (
        b'A',
        "中央军委改革和编制办公室（军队）",
        &[(b'1', "军队事业单位"), (b'9', "其他")],
    ),
    (
        b'N',
        "农业",
        &[
            (b'1', "组级集体经济组织"),
            (b'2', "村级集体经济组织"),
            (b'3', "乡镇级集体经济组织"),
            (b'9', "其他"),
        ],
    ),
    (b'Y', "其他", &[(b'1', "其他")]),
];

/// Driving-licence status letters (GA/T 16.25).
pub const LICENCE_STATUSES: [(char, &str); 19] = [
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
/// Statuses that allow an e-licence.
pub const ELICENCE_ALLOWED: [char; 3] = ['A', 'H', 'I'];
/// Extension statuses that count as normal while the extension lasts.
pub const ELICENCE_EXTENSION: [char; 3] = ['N', 'P', 'T'];
/// Statuses the seed names explicitly (article wording applies); J is shown as 公告停止使用.
pub const ELICENCE_ARTICLE: [char; 5] = ['U', 'D', 'M', 'S', 'J'];
/// The article's wording for those statuses.
pub const ELICENCE_ARTICLE_WORDING: &str = "需先处理完异常情况后才能申领";

/// 准驾车型 (公安部令第162号): (code, name, classes it also covers).
pub const LICENCE_CLASSES: [(&str, &str, &[&str]); 17] = [
    (
        "A1",
        "大型客车",
        &["A3", "B1", "B2", "C1", "C2", "C3", "C4", "M"],
    ),
    (
        "A2",
        "重型牵引挂车",
        &["B1", "B2", "C1", "C2", "C3", "C4", "C6", "M"],
    ),
    ("A3", "城市公交车", &["C1", "C2", "C3", "C4"]),
    ("B1", "中型客车", &["C1", "C2", "C3", "C4", "M"]),
    ("B2", "大型货车", &["C1", "C2", "C3", "C4", "M"]),
    ("C1", "小型汽车", &["C2", "C3", "C4"]),
    ("C2", "小型自动挡汽车", &[]),
    ("C3", "低速载货汽车", &["C4"]),
    ("C4", "三轮汽车", &[]),
    ("C5", "残疾人专用小型自动挡载客汽车", &[]),
    ("C6", "轻型牵引挂车", &[]),
    ("D", "普通三轮摩托车", &["E", "F"]),
    ("E", "普通二轮摩托车", &["F"]),
    ("F", "轻便摩托车", &[]),
    ("M", "轮式专用机械车", &[]),
    ("N", "无轨电车", &[]),
    ("P", "有轨电车", &[]),
];
