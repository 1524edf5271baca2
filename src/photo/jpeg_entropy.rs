//! The entropy layer of a JPEG: Huffman tables (a 9-bit lookup and the
//! canonical slow path) and a bit reader over entropy-coded data that stops
//! at the first marker. Used by the scan pass in `jpeg_scan`.

/// A Huffman table with a 9-bit lookup and the canonical slow path.
#[derive(Clone)]
pub(super) struct Huffman {
    /// (code length, symbol) for each 9-bit prefix; length 0 = longer code.
    fast: Vec<(u8, u8)>,
    maxcode: [i32; 18],
    valptr: [i32; 17],
    mincode: [i32; 17],
    values: Vec<u8>,
}

const FAST_BITS: u32 = 9;

impl Huffman {
    pub(super) fn parse(counts: &[u8], values: &[u8]) -> Option<Huffman> {
        let mut fast = vec![(0u8, 0u8); 1 << FAST_BITS];
        let mut maxcode = [-1i32; 18];
        let mut valptr = [0i32; 17];
        let mut mincode = [0i32; 17];
        let mut code = 0i32;
        let mut k = 0usize;
        for len in 1..=16usize {
            let n = usize::from(counts[len - 1]);
            valptr[len] = k as i32;
            mincode[len] = code;
            for _ in 0..n {
                let sym = *values.get(k)?;
                if len as u32 <= FAST_BITS {
                    let shift = FAST_BITS - len as u32;
                    let start = (code as usize) << shift;
                    for e in fast.get_mut(start..start + (1 << shift))? {
                        *e = (len as u8, sym);
                    }
                }
                code += 1;
                k += 1;
            }
            if n > 0 {
                maxcode[len] = code - 1;
            }
            if code > (1 << len) {
                return None;
            }
            code <<= 1;
        }
        maxcode[17] = i32::MAX;
        Some(Huffman {
            fast,
            maxcode,
            valptr,
            mincode,
            values: values[..k].to_vec(),
        })
    }
}

pub(super) enum Stop {
    /// A marker or the end of the file came before the data did.
    RanOut,
    BadCode,
}

/// Bit reader over entropy-coded data; stops at the first marker.
pub(super) struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    count: u32,
    at_marker: bool,
}

impl<'a> Bits<'a> {
    pub(super) fn new(data: &'a [u8], pos: usize) -> Self {
        Bits {
            data,
            pos,
            acc: 0,
            count: 0,
            at_marker: false,
        }
    }

    fn fill(&mut self) {
        while self.count <= 56 && !self.at_marker {
            let Some(&b) = self.data.get(self.pos) else {
                return;
            };
            if b == 0xFF {
                if self.data.get(self.pos + 1) == Some(&0x00) {
                    self.pos += 2;
                } else {
                    // a marker (or fill bytes before one): the scan's data ends here
                    self.at_marker = true;
                    return;
                }
            } else {
                self.pos += 1;
            }
            self.acc |= u64::from(b) << (56 - self.count);
            self.count += 8;
        }
    }

    pub(super) fn bits(&mut self, n: u32) -> Result<u32, Stop> {
        if n == 0 {
            return Ok(0);
        }
        if self.count < n {
            self.fill();
            if self.count < n {
                return Err(Stop::RanOut);
            }
        }
        let v = (self.acc >> (64 - n)) as u32;
        self.acc <<= n;
        self.count -= n;
        Ok(v)
    }

    pub(super) fn decode(&mut self, t: &Huffman) -> Result<u8, Stop> {
        if self.count < 16 {
            self.fill();
        }
        let peek = (self.acc >> (64 - FAST_BITS)) as usize;
        let (len, sym) = t.fast[peek];
        if len > 0 {
            if u32::from(len) > self.count {
                return Err(Stop::RanOut);
            }
            self.acc <<= len;
            self.count -= u32::from(len);
            return Ok(sym);
        }
        let word = (self.acc >> 48) as i32;
        for len in (FAST_BITS as usize + 1)..=16 {
            let code = word >> (16 - len);
            if code <= t.maxcode[len] {
                if len as u32 > self.count {
                    return Err(Stop::RanOut);
                }
                self.acc <<= len;
                self.count -= len as u32;
                let idx = t.valptr[len] + code - t.mincode[len];
                return t.values.get(idx as usize).copied().ok_or(Stop::BadCode);
            }
        }
        if self.count < 16 {
            Err(Stop::RanOut)
        } else {
            Err(Stop::BadCode)
        }
    }

    /// At a restart boundary: drop the partial byte and step over RSTn.
    pub(super) fn restart(&mut self) -> bool {
        // bytes already buffered past the partial one mean data where RST belongs
        if self.count >= 8 {
            return false;
        }
        self.acc = 0;
        self.count = 0;
        let mut p = self.pos;
        while self.data.get(p) == Some(&0xFF) && self.data.get(p + 1) == Some(&0xFF) {
            p += 1;
        }
        match (self.data.get(p), self.data.get(p + 1)) {
            (Some(0xFF), Some(m)) if (0xD0..=0xD7).contains(m) => {
                self.pos = p + 2;
                self.at_marker = false;
                true
            }
            _ => false,
        }
    }

    /// Position of the marker that ends the scan (skipping any stray data).
    pub(super) fn next_marker(&self) -> Option<usize> {
        let mut p = self.pos;
        while p + 1 < self.data.len() {
            if self.data[p] == 0xFF {
                let m = self.data[p + 1];
                if m != 0x00 && m != 0xFF && !(0xD0..=0xD7).contains(&m) {
                    return Some(p);
                }
            }
            p += 1;
        }
        None
    }
}
