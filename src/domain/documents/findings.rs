//! Every finding code, stable and snake_case. docs/checks.md documents each
//! one; a test keeps the two in step.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

macro_rules! codes {
    ($($name:ident = $code:literal, $sev:ident, $meaning:literal;)*) => {
        $(pub const $name: &str = $code;)*
        /// (code, severity, meaning) of every finding the checks can emit.
        pub const ALL: &[(&str, Severity, &str)] = &[
            $(($code, Severity::$sev, $meaning),)*
        ];
    };
}

codes! {
    EMPTY_INPUT = "empty_input", Error, "输入为空";
    FORMAT_UNRECOGNIZED = "format_unrecognized", Error, "长度或字符不符合任何可接受的证件/代码/电话格式";
    ID_PREFIX_INVALID = "id_prefix_invalid", Error, "18 位号码首位不是 1–6（身份证）、9（永居证）或 810000/820000/830000（居住证）";
    CHECK_DIGIT_MISMATCH = "check_digit_mismatch", Error, "GB 11643 MOD 11-2 校验码不符";
    BIRTH_DATE_INVALID = "birth_date_invalid", Error, "出生日期不是真实日期（如 2 月 30 日、非闰年 2 月 29 日）";
    BIRTH_DATE_TOO_EARLY = "birth_date_too_early", Error, "出生年份早于 1880 年";
    BIRTH_DATE_FUTURE = "birth_date_future", Error, "出生日期晚于今天";
    AGE_OVER_120 = "age_over_120", Warning, "年龄超过 120 岁，请核对";
    PROVINCE_INVALID = "province_invalid", Error, "地址码前两位不是有效省级代码";
    REGION_UNKNOWN = "region_unknown", Error, "地址码在 1980 年以来的 GB/T 2260 中从未出现";
    REGION_ABOLISHED = "region_abolished", Warning, "地址码已撤销（号码终身不变，属正常情况，提示核对）";
    REGION_NEWER_THAN_BIRTH = "region_newer_than_birth", Warning, "地址码启用年份晚于出生年份（可能在该区划设立后首次办证）";
    REGION_NOT_COUNTY = "region_not_county", Warning, "地址码是省级或地级代码而非县级代码";
    LEGACY15_NOT_CURRENT = "legacy15_not_current", Error, "15 位旧号码自 2013-01-01 起不能作为现行有效证件，仅用于匹配旧档案";
    FOREIGN_PR_PROVINCE_INVALID = "foreign_pr_province_invalid", Error, "永居证第 2–3 位不是有效省级代码";
    FOREIGN_PR_NATIONALITY_INVALID = "foreign_pr_nationality_invalid", Error, "永居证国籍代码无效（000）";
    FOREIGN_PR_LEGACY_NO_CHECK = "foreign_pr_legacy_no_check", Warning, "旧版永居证无公开校验算法，只核对了格式和日期";
    CREDIT_BAD_CHAR = "credit_bad_char", Error, "统一社会信用代码含有不允许的字符（I、O、S、V、Z 或符号）";
    CREDIT_AUTHORITY_UNKNOWN = "credit_authority_unknown", Error, "第 1 位登记管理部门代码不存在";
    CREDIT_ENTITY_TYPE_UNKNOWN = "credit_entity_type_unknown", Error, "第 2 位机构类别代码在该登记管理部门下不存在";
    CREDIT_REGION_UNKNOWN = "credit_region_unknown", Warning, "第 3–8 位登记管理机关行政区划码未能识别";
    CREDIT_ORG_CHECK_MISMATCH = "credit_org_check_mismatch", Error, "第 9–17 位组织机构代码本身的 GB 11714 校验码不符";
    CREDIT_CHECK_MISMATCH = "credit_check_mismatch", Error, "GB 32100 第 18 位校验码不符";
    CREDIT_CHECK_XIAMEN_OVERRIDE = "credit_check_xiamen_override", Warning, "厦门（3502）2016 年前登记的代码已知存在校验位不符：仍判无效，但主管可记录理由后人工放行";
    CREDIT_ORG_DISAGREE = "credit_org_disagree", Error, "同时提供的统一社会信用代码与组织机构代码不一致";
    ORG_CODE_FORMAT = "org_code_format", Error, "组织机构代码格式不符（8 位数字/大写字母 + 1 位校验码）";
    ORG_CODE_CHECK_MISMATCH = "org_code_check_mismatch", Error, "GB 11714 校验码不符";
    PHONE_FORMAT = "phone_format", Error, "既不是手机号码也不是带区号的固定电话";
    MOBILE_DATA_ONLY = "mobile_data_only", Warning, "146/148/149 号段为物联网/数据专用，可能收不到短信";
    MOBILE_SATELLITE = "mobile_satellite", Warning, "174 号段为卫星通信号码，可能收不到短信";
    LANDLINE_AREA_CODE = "landline_area_code", Error, "固定电话区号与号码长度不符";
    LANDLINE_LOCAL_NUMBER = "landline_local_number", Error, "固定电话本地号码应以 2–8 开头";
    LICENCE_STATUS_EMPTY = "licence_status_empty", Error, "驾驶证状态为空";
    LICENCE_STATUS_UNKNOWN = "licence_status_unknown", Error, "驾驶证状态含未知字母，不能申领电子驾驶证";
    LICENCE_STATUS_ABNORMAL = "licence_status_abnormal", Error, "扣留、暂扣、逾期未换证、逾期未审验、公告停止使用：需先处理完异常情况后才能申领";
    LICENCE_STATUS_BLOCKS = "licence_status_blocks", Error, "其他异常状态（超分、转出、撤销、吊销、注销、扣押、锁定、注销可恢复）不能申领电子驾驶证";
    LICENCE_STATUS_EXTENSION = "licence_status_extension", Warning, "延期换证/延期体检/延期审验：延期期内视同正常";
    LICENCE_CLASS_INVALID = "licence_class_invalid", Error, "准驾车型字符串无法解析";
    ARCHIVE_NUMBER_FORMAT = "archive_number_format", Error, "档案编号应为 12 位数字";
    HOLIDAY_DATA_MISSING = "holiday_data_missing", Warning, "日期超出节假日数据年份，按周一至周五估算";
}
