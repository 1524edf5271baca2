//! Why a file could not be checked at all. Each variant's text is the Chinese
//! message the clerk sees next to an `error` verdict.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum PhotoError {
    #[error("无法读取文件：{0}")]
    Io(String),
    #[error("不是普通文件（可能是目录、设备或管道），拒绝读取")]
    NotRegularFile,
    #[error("文件为空（0 字节）")]
    Empty,
    #[error("文件过大（{size} 字节，上限 {limit} 字节）")]
    FileTooLarge { size: u64, limit: u64 },
    #[error("不是 JPEG 或 PNG 图片，无法识别文件格式")]
    UnknownFormat,
    #[error("不支持的图片格式：{0}（只接受 JPEG 或 PNG）")]
    UnsupportedFormat(String),
    #[error("图片尺寸过大（{width}×{height} 像素），为防止内存耗尽拒绝解码")]
    DimensionsTooLarge { width: u32, height: u32 },
    #[error("图片尺寸无效（{width}×{height} 像素）")]
    DimensionsInvalid { width: u32, height: u32 },
    #[error("图片已损坏或不完整，无法解码：{0}")]
    Corrupt(String),
    #[error("图片尺寸或解码所需内存超过上限，拒绝解码")]
    AllocationLimit,
    #[error(
        "解码这张图片约需 {needed_mib} MiB 内存，超过上限 {limit_mib} MiB，拒绝解码（请缩小图片后再检测）"
    )]
    MemoryLimit { needed_mib: u64, limit_mib: u64 },
    #[error("照片含透明区域，请导出为不透明的 JPEG 后再检测")]
    Transparent,
    #[error("无法生成合规照片：{0}")]
    CannotCompose(String),
    #[error("无法编码 JPEG：{0}")]
    Encode(String),
}

impl From<std::io::Error> for PhotoError {
    /// The OS text is English (and locale-dependent): the clerk sees the kind in Chinese.
    fn from(e: std::io::Error) -> Self {
        use std::io::ErrorKind as K;
        let what = match e.kind() {
            K::NotFound => "文件不存在".to_owned(),
            K::PermissionDenied => "没有读取权限".to_owned(),
            K::IsADirectory => "这是一个文件夹".to_owned(),
            K::UnexpectedEof => "文件不完整".to_owned(),
            K::WouldBlock => "文件暂时无法读取（可能是管道或设备）".to_owned(),
            K::Interrupted | K::TimedOut => "读取被中断".to_owned(),
            _ => match e.raw_os_error() {
                Some(code) => format!("读取失败（系统错误码 {code}）"),
                None => "读取失败".to_owned(),
            },
        };
        PhotoError::Io(what)
    }
}

impl PhotoError {
    /// The verdict word used by the CLI and the panel for any error.
    pub const VERDICT: &'static str = "error";
}
