//! Hostile inputs for the photo check (hardening): a JPEG cut short and given
//! a fresh end marker, FIFOs, progressive-JPEG and 16-bit-PNG memory bombs.
//! Every refusal is a Chinese message; nothing panics.

use std::path::PathBuf;

use chrono::NaiveDate;
use counterdesk::photo::{self, PhotoError, PhotoVerdict};

/// Generators for memory-bomb photos, made at run time (no large files committed).
mod bombs {
    /// A valid progressive JPEG with only the DC scan: three full-resolution
    /// components, every block a mid-grey DC, one bit per block. Tiny file, huge frame.
    pub fn progressive_dc_only(w: u16, h: u16) -> Vec<u8> {
        let mut j = vec![0xFF, 0xD8];
        // SOF2: 8-bit, h, w, 3 components, 1×1 sampling, quant table 0
        j.extend([0xFF, 0xC2, 0, 17, 8]);
        j.extend(h.to_be_bytes());
        j.extend(w.to_be_bytes());
        j.push(3);
        for id in 1..=3u8 {
            j.extend([id, 0x11, 0]);
        }
        // DQT 0: all ones
        j.extend([0xFF, 0xDB, 0, 67, 0]);
        j.extend([1u8; 64]);
        // DHT DC 0: one code of length 1 ('0') for category 0 (difference 0)
        j.extend([0xFF, 0xC4, 0, 20, 0x00, 1]);
        j.extend([0u8; 15]);
        j.push(0);
        // SOS: all three components, Ss=0 Se=0 Ah=Al=0
        j.extend([0xFF, 0xDA, 0, 12, 3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 0, 0]);
        let blocks = usize::from(w).div_ceil(8) * usize::from(h).div_ceil(8) * 3;
        j.extend(std::iter::repeat_n(0u8, blocks / 8));
        if blocks % 8 != 0 {
            // pad the last byte with 1-bits
            j.push((1u8 << (8 - blocks % 8)) - 1);
        }
        j.extend([0xFF, 0xD9]);
        j
    }

    /// A white 16-bit PNG (RGBA with opaque alpha when `alpha`), written row by row.
    pub fn png16_white(path: &std::path::Path, w: u32, h: u32, alpha: bool) {
        use std::io::Write;
        let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        let mut enc = png::Encoder::new(file, w, h);
        enc.set_color(if alpha {
            png::ColorType::Rgba
        } else {
            png::ColorType::Rgb
        });
        enc.set_depth(png::BitDepth::Sixteen);
        enc.set_compression(png::Compression::Fast);
        let mut writer = enc.write_header().unwrap();
        let channels = if alpha { 4 } else { 3 };
        let row = vec![0xFFu8; w as usize * channels * 2];
        let mut stream = writer.stream_writer().unwrap();
        for _ in 0..h {
            stream.write_all(&row).unwrap();
        }
        stream.finish().unwrap();
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/photos")
        .join(name)
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// `head -c n file; printf '\xff\xd9'`
fn cut_with_eoi(name: &str, keep: usize) -> Vec<u8> {
    let mut b = std::fs::read(fixture(name)).unwrap();
    b.truncate(keep);
    b.extend_from_slice(&[0xFF, 0xD9]);
    b
}

#[test]
fn truncated_jpeg_with_end_marker_fails_with_a_chinese_message() {
    let bytes = cut_with_eoi("ok_520x756.jpg", 40_000);
    match photo::check_bytes(&bytes, today()) {
        Ok(a) => panic!("truncated JPEG accepted as {:?}", a.report.verdict),
        Err(e) => {
            let msg = e.to_string();
            assert!(matches!(e, PhotoError::Corrupt(_)), "{msg}");
            assert!(msg.contains("截断"), "{msg}");
            assert!(has_chinese(&msg), "{msg}");
        }
    }
}

#[test]
fn truncation_is_caught_at_any_cut_baseline_and_progressive() {
    for name in ["ok_260x378.jpg", "fmt_progressive.jpg"] {
        let len = std::fs::read(fixture(name)).unwrap().len();
        for share in [30, 55, 80, 95] {
            let bytes = cut_with_eoi(name, len * share / 100);
            assert!(
                photo::check_bytes(&bytes, today()).is_err(),
                "{name} cut at {share}% was accepted"
            );
        }
    }
}

#[test]
fn whole_progressive_jpeg_passes_like_the_baseline_one() {
    let p = photo::check_file(&fixture("fmt_progressive.jpg"), today())
        .unwrap()
        .report;
    let b = photo::check_file(&fixture("ok_260x378.jpg"), today())
        .unwrap()
        .report;
    assert_eq!(p.verdict, PhotoVerdict::Pass);
    assert_eq!(p.face_count, b.face_count);
}

#[test]
fn progressive_bomb_is_refused_before_decoding() {
    // 12000×4166, three full-resolution components: the coefficients alone
    // would take 300 MB
    let bytes = bombs::progressive_dc_only(12000, 4166);
    match photo::check_bytes(&bytes, today()) {
        Err(e @ PhotoError::MemoryLimit { .. }) => assert!(has_chinese(&e.to_string())),
        other => panic!(
            "expected MemoryLimit, got {:?}",
            other.map(|a| a.report.verdict)
        ),
    }
}

#[test]
fn small_generated_progressive_jpeg_decodes() {
    // the bomb generator makes a valid JPEG: at a small size it is checked normally
    let bytes = bombs::progressive_dc_only(64, 96);
    let a = photo::check_bytes(&bytes, today()).unwrap();
    assert_eq!(a.decoded.rgb.dimensions(), (64, 96));
}

#[test]
fn sixteen_bit_png_bomb_is_handled_within_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb16.png");
    bombs::png16_white(&path, 7000, 7000, true);
    match photo::check_file(&path, today()) {
        Ok(a) => {
            assert_eq!(a.decoded.rgb.dimensions(), (7000, 7000));
            assert!(a.report.check("format").unwrap().message.contains("16 位"));
        }
        Err(e) => assert!(has_chinese(&e.to_string()), "{e}"),
    }
}

#[cfg(unix)]
#[test]
fn fifo_is_refused_without_blocking() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("photo.jpg");
    let ok = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(ok.success());
    assert!(matches!(
        photo::check_file(&fifo, today()),
        Err(PhotoError::NotRegularFile)
    ));
    // the command line too: it must answer, not wait for a writer
    let mut child = Command::new(env!("CARGO_BIN_EXE_counterdesk"))
        .arg("check-photo")
        .arg(&fifo)
        .env("COUNTERDESK_TODAY", "2026-11-20")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // a liveness bound, not a timing assertion: a blocked open never returns
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("check-photo blocked on a FIFO");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    assert_eq!(status.code(), Some(1));
    assert!(out.contains("不是普通文件"), "{out}");
}

#[test]
fn a_directory_is_refused_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let e = photo::check_file(dir.path(), today()).unwrap_err();
    assert!(matches!(e, PhotoError::NotRegularFile), "{e}");
    let missing = photo::check_file(&dir.path().join("nope.jpg"), today()).unwrap_err();
    assert!(missing.to_string().contains("文件不存在"), "{missing}");
}

#[test]
fn every_hostile_fixture_message_is_chinese() {
    for name in [
        "hostile_empty.jpg",
        "hostile_truncated.jpg",
        "hostile_text.jpg",
        "hostile_bomb_30000.png",
        "hostile_transparent.png",
    ] {
        let e = photo::check_file(&fixture(name), today()).unwrap_err();
        let msg = e.to_string();
        assert!(has_chinese(&msg), "{name}: {msg}");
        // no decoder text in English leaks through
        assert!(
            !msg.chars()
                .any(|c| c.is_ascii_alphabetic() && c.is_lowercase())
                || msg.contains("JPEG")
                || msg.contains("PNG"),
            "{name}: {msg}"
        );
    }
}

/// Peak RSS of `counterdesk check-photo` on each bomb stays under 300 MB.
/// Measured with wait4 on that child alone: this test binary runs other
/// tests (and their children) at the same time, so RUSAGE_CHILDREN would
/// mix them in.
#[cfg(target_os = "linux")]
#[test]
fn peak_memory_of_check_photo_on_bombs() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let prog = dir.path().join("prog_12000x4166.jpg");
    std::fs::write(&prog, bombs::progressive_dc_only(12000, 4166)).unwrap();
    files.push(prog);
    // just under the cap: decoded, coefficients and all
    let prog_ok = dir.path().join("prog_6000x4000.jpg");
    std::fs::write(&prog_ok, bombs::progressive_dc_only(6000, 4000)).unwrap();
    files.push(prog_ok);
    let png = dir.path().join("rgba16_7000.png");
    bombs::png16_white(&png, 7000, 7000, true);
    files.push(png);
    // The peak is taken by `/usr/bin/time`: a child's own `ru_maxrss`
    // includes this test process's peak, which Linux carries into a child
    // at `exec` (so it grows with whatever other tests run alongside).
    let timer = std::path::Path::new("/usr/bin/time");
    if !timer.exists() {
        eprintln!("peak memory not measured: /usr/bin/time is missing");
        return;
    }
    for f in &files {
        let out = Command::new(timer)
            .args(["-f", "maxrss-kib %M"])
            .arg(env!("CARGO_BIN_EXE_counterdesk"))
            .arg("check-photo")
            .arg(f)
            .env("COUNTERDESK_TODAY", "2026-11-20")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("Command terminated by signal"),
            "{}: killed",
            f.display()
        );
        let kib: f64 = stderr
            .lines()
            .find_map(|l| l.strip_prefix("maxrss-kib "))
            .and_then(|n| n.trim().parse().ok())
            .expect("time printed the peak");
        let peak_mb = kib * 1024.0 / 1e6;
        eprintln!("{}: peak RSS {peak_mb:.0} MB", f.display());
        assert!(peak_mb <= 300.0, "{}: {peak_mb:.0} MB", f.display());
    }
}
