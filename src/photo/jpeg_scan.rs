//! Entropy-layer pass over a JPEG: decodes every Huffman symbol of every scan
//! (no IDCT, no pixels) and counts the blocks each scan really holds.
//!
//! zune-jpeg, like browsers, pads a scan that ends early with zero bits, so a
//! file cut short and given a fresh end marker decodes "successfully" with
//! grey rows. This pass is the decoder-side check that the entropy-coded data
//! covers the whole frame; it also yields the frame facts the memory estimate
//! needs (size, components, progressive or not, number of scans).

use super::jpeg_entropy::{Bits, Huffman, Stop};

/// Frame facts, once every scan has been decoded to its last block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameInfo {
    pub width: u32,
    pub height: u32,
    pub components: u8,
    pub progressive: bool,
    pub scans: u32,
    /// Sum over components of the blocks each one needs at full padding:
    /// what a decoder that buffers coefficients (progressive, multi-scan) holds.
    pub coefficient_blocks: u64,
}

/// Why the entropy data does not make a whole picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanError {
    /// The data of scan `scan` (1-based) ran out after `decoded` of `expected` blocks/MCUs.
    Truncated {
        scan: u32,
        decoded: u64,
        expected: u64,
    },
    /// No scan at all, or an end marker before every component had a scan.
    NoImageData,
    /// Headers or Huffman codes that cannot be decoded.
    Malformed(&'static str),
    /// Arithmetic coding, lossless, 12-bit: left to the decoder (which refuses them).
    Unsupported,
}

#[derive(Clone, Copy, Default)]
struct Component {
    id: u8,
    h: u8,
    v: u8,
}

fn be16(b: &[u8], i: usize) -> Option<usize> {
    Some(usize::from(u16::from_be_bytes([
        *b.get(i)?,
        *b.get(i + 1)?,
    ])))
}

struct Frame {
    width: u32,
    height: u32,
    comps: Vec<Component>,
    hmax: u8,
    vmax: u8,
    progressive: bool,
    /// Per component: blocks across (padded to whole MCUs) and down.
    blocks: Vec<(usize, usize)>,
    mcux: usize,
    mcuy: usize,
}

impl Frame {
    fn parse(p: &[u8], progressive: bool) -> Result<Frame, ScanError> {
        let bad = ScanError::Malformed("帧头");
        if p.len() < 6 {
            return Err(bad);
        }
        if p[0] != 8 {
            return Err(ScanError::Unsupported);
        }
        let height = be16(p, 1).ok_or(ScanError::Malformed("帧头"))? as u32;
        let width = be16(p, 3).ok_or(ScanError::Malformed("帧头"))? as u32;
        let n = usize::from(p[5]);
        if n == 0 || n > 4 || p.len() < 6 + 3 * n || width == 0 || height == 0 {
            return Err(bad);
        }
        let comps: Vec<Component> = (0..n)
            .map(|i| Component {
                id: p[6 + 3 * i],
                h: p[7 + 3 * i] >> 4,
                v: p[7 + 3 * i] & 15,
            })
            .collect();
        if comps
            .iter()
            .any(|c| !(1..=4).contains(&c.h) || !(1..=4).contains(&c.v))
        {
            return Err(bad);
        }
        let hmax = comps.iter().map(|c| c.h).max().unwrap_or(1);
        let vmax = comps.iter().map(|c| c.v).max().unwrap_or(1);
        let mcux = (width as usize).div_ceil(8 * usize::from(hmax));
        let mcuy = (height as usize).div_ceil(8 * usize::from(vmax));
        let blocks = comps
            .iter()
            .map(|c| (mcux * usize::from(c.h), mcuy * usize::from(c.v)))
            .collect();
        Ok(Frame {
            width,
            height,
            comps,
            hmax,
            vmax,
            progressive,
            blocks,
            mcux,
            mcuy,
        })
    }

    /// Blocks of component `c` actually inside the picture (non-interleaved scans).
    fn visible_blocks(&self, c: usize) -> (usize, usize) {
        let comp = self.comps[c];
        let cw = (self.width as usize * usize::from(comp.h)).div_ceil(usize::from(self.hmax));
        let ch = (self.height as usize * usize::from(comp.v)).div_ceil(usize::from(self.vmax));
        (cw.div_ceil(8), ch.div_ceil(8))
    }
}

struct Scan {
    /// (frame component index, DC table, AC table)
    comps: Vec<(usize, usize, usize)>,
    ss: u8,
    se: u8,
    ah: u8,
}

/// Frame facts from the header alone (scans counted as 1): enough to refuse
/// a decode that would not fit in memory before reading any entropy data.
pub fn header(bytes: &[u8]) -> Result<FrameInfo, ScanError> {
    let (marker, payload) = super::jpeg_segments::segments(bytes)
        .find(|(m, _)| super::jpeg_segments::is_frame_header(*m))
        .ok_or(ScanError::NoImageData)?;
    if !matches!(marker, 0xC0..=0xC2) {
        return Err(ScanError::Unsupported);
    }
    let f = Frame::parse(payload, marker == 0xC2)?;
    Ok(f.info(1))
}

impl Frame {
    fn info(&self, scans: u32) -> FrameInfo {
        FrameInfo {
            width: self.width,
            height: self.height,
            components: self.comps.len() as u8,
            progressive: self.progressive,
            scans,
            coefficient_blocks: self.blocks.iter().map(|&(w, h)| (w * h) as u64).sum(),
        }
    }
}

/// Decodes every scan's entropy data; `Ok` only when each scan holds all its blocks.
pub fn verify(bytes: &[u8]) -> Result<FrameInfo, ScanError> {
    if bytes.len() < 4 || bytes[0] != 0xFF || bytes[1] != 0xD8 {
        return Err(ScanError::Malformed("文件头"));
    }
    let mut dc: [Option<Huffman>; 4] = Default::default();
    let mut ac: [Option<Huffman>; 4] = Default::default();
    let mut frame: Option<Frame> = None;
    let mut restart = 0usize;
    let mut scans = 0u32;
    // per component, per block: which AC coefficients are already non-zero
    // (AC refinement scans send a correction bit only for those)
    let mut nonzero: Vec<Vec<u64>> = Vec::new();
    let mut i = 2usize;
    loop {
        // skip fill bytes before a marker
        while bytes.get(i) == Some(&0xFF) && bytes.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(i), bytes.get(i + 1)) else {
            // end of file without EOI: fine only if every scan was whole
            break;
        };
        if marker == 0xD9 {
            break;
        }
        if (0xD0..=0xD7).contains(&marker) || marker == 0x01 {
            i += 2;
            continue;
        }
        let len = be16(bytes, i + 2).ok_or(ScanError::Malformed("段长度"))?;
        if len < 2 || i + 2 + len > bytes.len() {
            return Err(if scans > 0 {
                ScanError::Malformed("段长度")
            } else {
                ScanError::NoImageData
            });
        }
        let p = &bytes[i + 4..i + 2 + len];
        match marker {
            0xC0..=0xC2 => {
                let f = Frame::parse(p, marker == 0xC2)?;
                nonzero = if f.progressive {
                    f.blocks
                        .iter()
                        .map(|&(bw, bh)| vec![0u64; bw * bh])
                        .collect()
                } else {
                    Vec::new()
                };
                frame = Some(f);
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return Err(ScanError::Unsupported),
            0xC4 => parse_dht(p, &mut dc, &mut ac)?,
            0xDD => restart = be16(p, 0).ok_or(ScanError::Malformed("DRI"))?,
            0xDA => {
                let f = frame
                    .as_ref()
                    .ok_or(ScanError::Malformed("扫描前缺少帧头"))?;
                let scan = parse_sos(p, f)?;
                scans += 1;
                let start = i + 2 + len;
                let mut bits = Bits::new(bytes, start);
                decode_scan(&mut bits, f, &scan, &dc, &ac, restart, &mut nonzero).map_err(
                    |(decoded, expected)| ScanError::Truncated {
                        scan: scans,
                        decoded,
                        expected,
                    },
                )?;
                match bits.next_marker() {
                    Some(m) => {
                        i = m;
                        continue;
                    }
                    None => break,
                }
            }
            _ => {}
        }
        i += 2 + len;
    }
    let f = frame.ok_or(ScanError::NoImageData)?;
    if scans == 0 {
        return Err(ScanError::NoImageData);
    }
    Ok(f.info(scans))
}

fn parse_dht(
    mut p: &[u8],
    dc: &mut [Option<Huffman>; 4],
    ac: &mut [Option<Huffman>; 4],
) -> Result<(), ScanError> {
    let bad = ScanError::Malformed("哈夫曼表");
    while !p.is_empty() {
        if p.len() < 17 {
            return Err(bad);
        }
        let (class, id) = (p[0] >> 4, usize::from(p[0] & 15));
        let counts = &p[1..17];
        let n: usize = counts.iter().map(|&c| usize::from(c)).sum();
        if id > 3 || class > 1 || p.len() < 17 + n {
            return Err(bad);
        }
        let table =
            Huffman::parse(counts, &p[17..17 + n]).ok_or(ScanError::Malformed("哈夫曼表"))?;
        if class == 0 {
            dc[id] = Some(table);
        } else {
            ac[id] = Some(table);
        }
        p = &p[17 + n..];
    }
    Ok(())
}

fn parse_sos(p: &[u8], f: &Frame) -> Result<Scan, ScanError> {
    let bad = ScanError::Malformed("扫描头");
    let n = usize::from(*p.first().ok_or(ScanError::Malformed("扫描头"))?);
    if n == 0 || n > 4 || p.len() < 1 + 2 * n + 3 {
        return Err(bad);
    }
    let mut comps = Vec::with_capacity(n);
    for k in 0..n {
        let id = p[1 + 2 * k];
        let tables = p[2 + 2 * k];
        let c = f
            .comps
            .iter()
            .position(|c| c.id == id)
            .ok_or(ScanError::Malformed("扫描分量"))?;
        comps.push((c, usize::from(tables >> 4), usize::from(tables & 15)));
    }
    let q = &p[1 + 2 * n..];
    let (ss, se, ah) = (q[0], q[1], q[2] >> 4);
    if comps.iter().any(|&(_, d, a)| d > 3 || a > 3) || se > 63 || ss > se {
        return Err(bad);
    }
    if !f.progressive && (ss != 0 || se != 63 || ah != 0) {
        return Err(bad);
    }
    Ok(Scan { comps, ss, se, ah })
}

/// Decodes one scan; `Err((decoded, expected))` when its data runs out early.
fn decode_scan(
    bits: &mut Bits,
    f: &Frame,
    scan: &Scan,
    dc: &[Option<Huffman>; 4],
    ac: &[Option<Huffman>; 4],
    restart: usize,
    nonzero: &mut [Vec<u64>],
) -> Result<(), (u64, u64)> {
    let interleaved = scan.comps.len() > 1;
    let (units_x, units_y) = if interleaved {
        (f.mcux, f.mcuy)
    } else {
        f.visible_blocks(scan.comps[0].0)
    };
    let total = (units_x * units_y) as u64;
    let dc_only = scan.ss == 0;
    let table = |set: &[Option<Huffman>; 4], i: usize| set[i].clone();
    // tables a scan needs must exist; otherwise nothing of it can be decoded
    let mut dct: Vec<Option<Huffman>> = Vec::new();
    let mut act: Vec<Option<Huffman>> = Vec::new();
    for &(_, d, a) in &scan.comps {
        let need_dc = dc_only && scan.ah == 0;
        let need_ac = !dc_only || !f.progressive;
        let d = if need_dc { table(dc, d) } else { None };
        let a = if need_ac { table(ac, a) } else { None };
        if (need_dc && d.is_none()) || (need_ac && a.is_none()) {
            return Err((0, total));
        }
        dct.push(d);
        act.push(a);
    }
    let mut eobrun = 0u32;
    let mut done = 0u64;
    for uy in 0..units_y {
        for ux in 0..units_x {
            if restart > 0 && done > 0 && done.is_multiple_of(restart as u64) {
                if !bits.restart() {
                    return Err((done, total));
                }
                eobrun = 0;
            }
            for (k, &(c, _, _)) in scan.comps.iter().enumerate() {
                let comp = f.comps[c];
                let (bw, _) = f.blocks[c];
                let (nh, nv) = if interleaved {
                    (usize::from(comp.h), usize::from(comp.v))
                } else {
                    (1, 1)
                };
                for by in 0..nv {
                    for bx in 0..nh {
                        let (x, y) = if interleaved {
                            (ux * nh + bx, uy * nv + by)
                        } else {
                            (ux, uy)
                        };
                        let nz = nonzero.get_mut(c).and_then(|v| v.get_mut(y * bw + x));
                        // a bad code also means the data ends here as far as pixels go
                        if block(bits, scan, &dct[k], &act[k], &mut eobrun, nz).is_err() {
                            return Err((done, total));
                        }
                    }
                }
            }
            done += 1;
        }
    }
    Ok(())
}

fn block(
    bits: &mut Bits,
    scan: &Scan,
    dc: &Option<Huffman>,
    ac: &Option<Huffman>,
    eobrun: &mut u32,
    nonzero: Option<&mut u64>,
) -> Result<(), Stop> {
    let mut scratch = 0u64;
    let nz = nonzero.unwrap_or(&mut scratch);
    if scan.ss == 0 {
        // DC: first pass (or baseline) a magnitude, refinement one bit
        if scan.ah == 0 {
            let t = dc.as_ref().ok_or(Stop::BadCode)?;
            let s = bits.decode(t)?;
            if s > 16 {
                return Err(Stop::BadCode);
            }
            bits.bits(u32::from(s))?;
        } else {
            bits.bits(1)?;
        }
        if scan.se == 0 {
            return Ok(());
        }
        // baseline: the AC coefficients follow in the same block
        let t = ac.as_ref().ok_or(Stop::BadCode)?;
        let mut k = 1u32;
        while k < 64 {
            let rs = bits.decode(t)?;
            let (r, s) = (u32::from(rs >> 4), u32::from(rs & 15));
            if s == 0 {
                if r != 15 {
                    break;
                }
                k += 16;
            } else {
                k += r;
                bits.bits(s)?;
                k += 1;
            }
        }
        return Ok(());
    }
    let t = ac.as_ref().ok_or(Stop::BadCode)?;
    let (ss, se) = (u32::from(scan.ss), u32::from(scan.se));
    if scan.ah == 0 {
        // progressive AC first pass
        if *eobrun > 0 {
            *eobrun -= 1;
            return Ok(());
        }
        let mut k = ss;
        while k <= se {
            let rs = bits.decode(t)?;
            let (r, s) = (u32::from(rs >> 4), u32::from(rs & 15));
            if s == 0 {
                if r < 15 {
                    *eobrun = (1 << r) - 1;
                    if r > 0 {
                        *eobrun += bits.bits(r)?;
                    }
                    break;
                }
                k += 16;
            } else {
                k += r;
                bits.bits(s)?;
                if k < 64 {
                    *nz |= 1 << k;
                }
                k += 1;
            }
        }
        return Ok(());
    }
    // progressive AC refinement (libjpeg's decode_mcu_AC_refine)
    let mut k = ss;
    if *eobrun == 0 {
        while k <= se {
            let rs = bits.decode(t)?;
            let (mut r, s) = (i32::from(rs >> 4), rs & 15);
            if s != 0 {
                bits.bits(1)?;
            } else if r != 15 {
                *eobrun = 1 << r;
                if r > 0 {
                    *eobrun += bits.bits(r as u32)?;
                }
                break;
            }
            while k <= se {
                if *nz & (1 << k) != 0 {
                    bits.bits(1)?;
                } else {
                    r -= 1;
                    if r < 0 {
                        break;
                    }
                }
                k += 1;
            }
            if s != 0 && k <= se {
                *nz |= 1 << k;
            }
            k += 1;
        }
    }
    if *eobrun > 0 {
        while k <= se {
            if *nz & (1 << k) != 0 {
                bits.bits(1)?;
            }
            k += 1;
        }
        *eobrun -= 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::codecs::jpeg::JpegEncoder;
    use image::{Rgb, RgbImage};

    fn noisy_jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| {
            let v = (x * 7 + y * 13 + (x * y) % 31) as u8;
            Rgb([v, v.wrapping_mul(3), 255 - v])
        });
        let mut buf = Vec::new();
        JpegEncoder::new_with_quality(&mut buf, 90)
            .encode_image(&img)
            .unwrap();
        buf
    }

    #[test]
    fn whole_baseline_jpeg_passes() {
        let j = noisy_jpeg(120, 90);
        let info = verify(&j).unwrap();
        assert_eq!((info.width, info.height, info.components), (120, 90, 3));
        assert!(!info.progressive);
        assert_eq!(info.scans, 1);
    }

    #[test]
    fn cut_with_end_marker_is_truncated() {
        let j = noisy_jpeg(120, 90);
        let mut cut = j[..j.len() * 3 / 4].to_vec();
        cut.extend_from_slice(&[0xFF, 0xD9]);
        assert!(matches!(verify(&cut), Err(ScanError::Truncated { .. })));
        // and without one
        assert!(matches!(
            verify(&j[..j.len() / 2]),
            Err(ScanError::Truncated { .. })
        ));
    }
}
