//! Splitting a decompressed byte stream into JSON records, with their byte offsets,
//! without parsing it and without holding more than one record plus one chunk.
//!
//! One scanner handles every container the exports use: NDJSON (one value a line),
//! concatenated values, a top-level JSON array, and wrapper objects whose records sit
//! in an array under `Records` (CloudTrail), `value` (Graph), `items` (Google Reports)
//! or `records` (Azure Monitor). A top-level object with none of those keys is a record
//! itself. The scanner tracks only strings and nesting depth; the provider parser
//! validates each record, so a malformed record becomes a reject and the rest of the
//! stream is still read. A newline inside a string (escaped or not: JSON strings hold
//! no raw newline), or (in an NDJSON file) inside an unclosed value, ends the broken
//! record there so the next line is read cleanly.
//!
//! **NDJSON or document.** Whether newlines end records is decided by the first
//! top-level value: one that closes on its own line makes the stream NDJSON (line mode),
//! one that spans lines makes it a document (a pretty-printed array, wrapper or object),
//! where newlines are whitespace. While that first value is still open its grammar is
//! tracked (object or array at each level, and whether a value may come next), and a
//! line starting with `{` where no value may come (after `{"a":1,` a key is due) means
//! the first line was a broken record: it ends at the newline before, as one reject, and
//! the stream is read as NDJSON from that line on. Valid JSON never triggers this, so
//! pretty-printed documents read as before.
//!
//! **Memory.** The buffer holds the record in progress, the completed records not yet
//! taken, and the block being scanned. A record that grows past the size limit is not
//! held: its first bytes are kept for the reject, and while the rest is scanned its
//! bytes are dropped as they go (see [`Splitter::scan`]), so a 1 GB line, a gzip bomb
//! of zeros or an endless stream without a newline use max_record + a block of memory.
//!
//! A UTF-8 byte order mark at the start of the stream is skipped.
//!
//! serde_json's streaming deserializer cannot hand out array elements with offsets
//! from an `io::Read` and resynchronize after an error, which is why this small
//! structural scanner exists.

use memchr::{memchr, memchr3};

/// Keys of wrapper objects whose array elements are the records.
pub const WRAPPER_KEYS: &[&[u8]] = &[b"Records", b"value", b"items", b"records"];

/// A record: absolute byte range in the (decompressed) stream, and for a CSV row its
/// line number (0 when not counted: JSON records are found by offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: u64,
    pub end: u64,
    pub line: u64,
}

/// A record too large to hold: its offset, full length and first bytes.
#[derive(Debug, Clone)]
pub struct Oversize {
    pub start: u64,
    pub len: u64,
    pub prefix: Vec<u8>,
}

/// A record the reader could not turn into a record (a CSV row whose fields do not
/// match its header, or that is not UTF-8): where it is, why, and its first bytes.
#[derive(Debug, Clone)]
pub struct Unreadable {
    pub start: u64,
    pub len: u64,
    pub reason: String,
    pub raw: Vec<u8>,
}

/// Completed records over a contiguous slice of the stream.
#[derive(Debug, Default)]
pub struct Chunk {
    /// Stream offset of `data[0]`.
    pub base: u64,
    pub data: Vec<u8>,
    pub records: Vec<Span>,
    pub oversize: Vec<Oversize>,
    /// For records the reader produced rather than cut out of the stream (CSV rows
    /// turned into JSON objects): `converted[i]` is where the bytes of `records[i]` are
    /// in `data`, while `records[i]` keeps the row's place in the input. Empty otherwise.
    pub converted: Vec<std::ops::Range<usize>>,
    pub unreadable: Vec<Unreadable>,
}

impl Chunk {
    pub fn bytes(&self, s: Span) -> &[u8] {
        if !self.converted.is_empty() {
            return match self.records.binary_search_by_key(&s.start, |r| r.start) {
                Ok(i) => &self.data[self.converted[i].clone()],
                Err(_) => &[],
            };
        }
        &self.data[(s.start - self.base) as usize..(s.end - self.base) as usize]
    }
}

/// What the JSON grammar allows next in the open value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// A value (after `[`, `:`, or `,` in an array).
    Value,
    /// A key or `}` (after `{`, or `,` in an object).
    Key,
    /// `,`, `:` or a closing bracket (after a value or a key).
    After,
    /// Not tracked (deeper than 64 levels).
    Unknown,
}

/// A UTF-8 byte order mark.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Top {
    None,
    Object,
    Array,
    Garbage,
}

pub struct Splitter {
    buf: Vec<u8>,
    base: u64,
    pos: u64,
    // scanner state
    depth: u32,
    in_str: bool,
    str_start: u64,
    top: Top,
    top_start: u64,
    top_had_newline: bool,
    line_mode: Option<bool>,
    /// Grammar of the open value, tracked to find a broken first line (module doc):
    /// bit `d - 1` is set when the container at depth `d` (up to 64) is an array.
    arrays: u64,
    next: Next,
    /// Only whitespace since the last newline.
    line_start: bool,
    /// The last newline seen outside strings.
    last_newline: u64,
    /// Whether a byte order mark at the start was looked for.
    bom_checked: bool,
    /// Depth at which array elements are records (1: top-level array, 2: wrapper).
    rec_depth: Option<u32>,
    wrapper: bool,
    expect_key: bool,
    last_key_is_wrapper: bool,
    pending_wrapper: bool,
    elem_start: Option<u64>,
    elem_scalar: bool,
    last_nonws: u64,
    // output
    records: Vec<Span>,
    oversize: Vec<Oversize>,
    skipping: Option<Oversize>,
    max_record: u64,
    chunk_target: usize,
}

/// Bytes of an oversized record kept for its reject.
pub const OVERSIZE_PREFIX: usize = 64 * 1024;

impl Splitter {
    pub fn new(max_record: u64, chunk_target: usize) -> Self {
        Splitter {
            buf: Vec::with_capacity(chunk_target.min(1 << 24) + (1 << 20)),
            base: 0,
            pos: 0,
            depth: 0,
            in_str: false,
            str_start: 0,
            top: Top::None,
            top_start: 0,
            top_had_newline: false,
            line_mode: None,
            arrays: 0,
            next: Next::Value,
            line_start: true,
            last_newline: 0,
            bom_checked: false,
            rec_depth: None,
            wrapper: false,
            expect_key: false,
            last_key_is_wrapper: false,
            pending_wrapper: false,
            elem_start: None,
            elem_scalar: false,
            last_nonws: 0,
            records: Vec::new(),
            oversize: Vec::new(),
            skipping: None,
            max_record,
            chunk_target,
        }
    }

    /// Append bytes read from the stream.
    pub fn feed(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// A buffer to read into directly: call [`Splitter::filled`] with the count read.
    pub fn spare(&mut self, n: usize) -> &mut [u8] {
        let len = self.buf.len();
        self.buf.resize(len + n, 0);
        &mut self.buf[len..]
    }

    /// After reading into [`Splitter::spare`]: keep `read` of the `asked` bytes.
    pub fn filled(&mut self, asked: usize, read: usize) {
        let len = self.buf.len();
        self.buf.truncate(len - asked + read);
    }

    fn byte(&self, at: u64) -> u8 {
        self.buf[(at - self.base) as usize]
    }

    fn end(&self) -> u64 {
        self.base + self.buf.len() as u64
    }

    /// Start of the record in progress, if any.
    fn open_start(&self) -> Option<u64> {
        if let Some(s) = self.elem_start {
            return Some(s);
        }
        match self.top {
            Top::Object if !self.wrapper && self.rec_depth.is_none() => Some(self.top_start),
            Top::Garbage => Some(self.top_start),
            _ => None,
        }
    }

    fn emit(&mut self, start: u64, end: u64) {
        if let Some(mut o) = self.skipping.take() {
            o.len = end - o.start;
            self.oversize.push(o);
        } else if end - start > self.max_record {
            // It ended in the same block that took it past the limit, before
            // `check_oversize` saw it: over the limit all the same.
            let i = (start - self.base) as usize;
            let j = (end - self.base) as usize;
            let prefix = self.buf[i..j.min(i + OVERSIZE_PREFIX)].to_vec();
            self.oversize.push(Oversize {
                start,
                len: end - start,
                prefix,
            });
        } else if end > start {
            self.records.push(Span {
                start,
                end,
                line: 0,
            });
        }
    }

    fn reset_top(&mut self) {
        self.depth = 0;
        self.in_str = false;
        self.top = Top::None;
        self.rec_depth = None;
        self.wrapper = false;
        self.expect_key = false;
        self.last_key_is_wrapper = false;
        self.pending_wrapper = false;
        self.elem_start = None;
        self.elem_scalar = false;
        self.arrays = 0;
        self.next = Next::Value;
    }

    /// A record is broken at `at` (newline in a string, unclosed line): emit what we
    /// have as a record (the parser will reject it with its reason) and resync.
    fn broken(&mut self, at: u64) {
        if let Some(s) = self.open_start() {
            self.emit(s, at);
        }
        self.reset_top();
        if self.line_mode.is_none() {
            self.line_mode = Some(true);
        }
    }

    /// Scan what has been fed. With `eof`, whatever is still open is emitted as a
    /// (broken) record.
    pub fn scan(&mut self, eof: bool) {
        if !self.bom_checked {
            // Nothing has been scanned yet (`base` is 0).
            if self.buf.len() < BOM.len() && !eof && BOM.starts_with(&self.buf) {
                return;
            }
            self.bom_checked = true;
            if self.buf.starts_with(BOM) {
                self.pos = BOM.len() as u64;
            }
        }
        let end = self.end();
        while self.pos < end {
            let p = self.pos;
            if self.in_str {
                let i = (p - self.base) as usize;
                match memchr3(b'"', b'\\', b'\n', &self.buf[i..]) {
                    None => {
                        self.pos = end;
                    }
                    Some(k) => {
                        let q = p + k as u64;
                        match self.byte(q) {
                            b'\\' => {
                                if q + 1 >= end {
                                    self.pos = q;
                                    break;
                                }
                                if self.byte(q + 1) == b'\n' {
                                    // An escaped newline is still a newline in a string.
                                    self.broken(q + 1);
                                    self.line_start = true;
                                    self.last_newline = q + 1;
                                }
                                self.pos = q + 2;
                            }
                            b'\n' => {
                                self.broken(q);
                                self.line_start = true;
                                self.last_newline = q;
                                self.pos = q + 1;
                            }
                            _ => {
                                self.in_str = false;
                                self.last_nonws = q;
                                self.next = Next::After;
                                if self.depth == 1 && self.top == Top::Object && self.expect_key {
                                    // The start may have been dropped with a skipped
                                    // oversized record: then it is no wrapper key.
                                    let s = (self.str_start + 1 - self.base) as usize;
                                    let e = (q - self.base) as usize;
                                    let key = self.buf.get(s..e).unwrap_or_default();
                                    self.last_key_is_wrapper = WRAPPER_KEYS.contains(&key);
                                }
                                self.pos = q + 1;
                            }
                        }
                    }
                }
                continue;
            }
            if self.top == Top::Garbage {
                let i = (p - self.base) as usize;
                match memchr(b'\n', &self.buf[i..]) {
                    None => self.pos = end,
                    Some(k) => {
                        let q = p + k as u64;
                        self.emit(self.top_start, q);
                        self.reset_top();
                        self.line_start = true;
                        self.last_newline = q;
                        self.pos = q + 1;
                    }
                }
                continue;
            }
            let b = self.byte(p);
            self.pos = p + 1;
            if b == b'{' && self.depth > 0 && self.first_line_broken() {
                // Read `{` again as the start of the next line's record.
                self.broken(self.last_newline);
            }
            if !matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
                self.line_start = false;
            }
            match b {
                b' ' | b'\t' | b'\r' => {}
                b'\n' => {
                    self.line_start = true;
                    self.last_newline = p;
                    if self.depth > 0 {
                        if self.line_mode == Some(true) {
                            self.broken(p);
                        } else {
                            self.top_had_newline = true;
                        }
                    }
                }
                b'{' | b'[' => {
                    if self.depth == 0 {
                        self.top_start = p;
                        self.top_had_newline = false;
                        self.top = if b == b'{' { Top::Object } else { Top::Array };
                        self.rec_depth = (b == b'[').then_some(1);
                        self.expect_key = b == b'{';
                    } else if Some(self.depth) == self.rec_depth && self.elem_start.is_none() {
                        self.elem_start = Some(p);
                        self.elem_scalar = false;
                    } else if self.depth == 1
                        && self.top == Top::Object
                        && b == b'['
                        && self.pending_wrapper
                    {
                        self.rec_depth = Some(2);
                        self.wrapper = true;
                    }
                    if self.depth == 1 {
                        self.pending_wrapper = false;
                    }
                    self.depth += 1;
                    self.last_nonws = p;
                    if self.depth <= 64 {
                        let bit = 1u64 << (self.depth - 1);
                        if b == b'[' {
                            self.arrays |= bit;
                        } else {
                            self.arrays &= !bit;
                        }
                        self.next = if b == b'[' { Next::Value } else { Next::Key };
                    } else {
                        self.next = Next::Unknown;
                    }
                }
                b'}' | b']' => {
                    if self.depth == 0 {
                        self.top = Top::Garbage;
                        self.top_start = p;
                        continue;
                    }
                    // A scalar element ends where its array ends.
                    if Some(self.depth) == self.rec_depth && self.elem_scalar {
                        if let Some(s) = self.elem_start.take() {
                            self.emit(s, self.last_nonws + 1);
                        }
                    }
                    self.depth -= 1;
                    self.last_nonws = p;
                    self.next = Next::After;
                    if Some(self.depth) == self.rec_depth {
                        if let Some(s) = self.elem_start.take() {
                            self.emit(s, p + 1);
                        }
                    } else if self.rec_depth == Some(self.depth + 1) {
                        // The record array itself closed.
                        self.rec_depth = None;
                    }
                    if self.depth == 1 && self.top == Top::Object {
                        self.expect_key = false;
                    }
                    if self.depth == 0 {
                        if self.top == Top::Object && !self.wrapper {
                            self.emit(self.top_start, p + 1);
                        }
                        if self.line_mode.is_none() {
                            self.line_mode = Some(!self.top_had_newline);
                        }
                        self.reset_top();
                    }
                }
                b'"' => {
                    self.in_str = true;
                    self.str_start = p;
                    if Some(self.depth) == self.rec_depth && self.elem_start.is_none() {
                        self.elem_start = Some(p);
                        self.elem_scalar = true;
                    }
                    if self.depth == 1 && !self.expect_key {
                        self.pending_wrapper = false;
                    }
                    if self.depth == 0 {
                        self.top = Top::Garbage;
                        self.top_start = p;
                        self.in_str = false;
                    }
                }
                b',' => {
                    self.next = match self.depth {
                        1..=64 if self.arrays & (1 << (self.depth - 1)) != 0 => Next::Value,
                        1..=64 => Next::Key,
                        _ => Next::Unknown,
                    };
                    if Some(self.depth) == self.rec_depth && self.elem_scalar {
                        if let Some(s) = self.elem_start.take() {
                            self.emit(s, self.last_nonws + 1);
                        }
                    }
                    if self.depth == 1 && self.top == Top::Object {
                        self.expect_key = true;
                        self.pending_wrapper = false;
                    }
                }
                b':' => {
                    self.next = Next::Value;
                    if self.depth == 1 && self.top == Top::Object {
                        self.expect_key = false;
                        self.pending_wrapper = self.last_key_is_wrapper;
                        self.last_key_is_wrapper = false;
                    }
                }
                _ => {
                    if self.depth == 0 {
                        self.top = Top::Garbage;
                        self.top_start = p;
                        continue;
                    }
                    if Some(self.depth) == self.rec_depth && self.elem_start.is_none() {
                        self.elem_start = Some(p);
                        self.elem_scalar = true;
                    }
                    if self.depth == 1 {
                        self.pending_wrapper = false;
                    }
                    self.last_nonws = p;
                    self.next = Next::After;
                }
            }
        }
        if eof {
            if let Some(s) = self.open_start() {
                let e = self.end();
                self.emit(s, e);
            } else if let Some(mut o) = self.skipping.take() {
                o.len = self.end() - o.start;
                self.oversize.push(o);
            }
            self.reset_top();
        } else {
            self.check_oversize();
            if self.skipping.is_some() {
                self.discard_skipped();
            }
        }
    }

    /// Whether the `{` just read starts a line of an NDJSON stream whose first line was
    /// a broken record (module documentation): the first value is still open, and at
    /// this point its grammar allows no value.
    fn first_line_broken(&self) -> bool {
        self.line_mode.is_none()
            && self.line_start
            && self.top == Top::Object
            && !self.wrapper
            && self.rec_depth.is_none()
            && matches!(self.next, Next::Key | Next::After)
    }

    /// While an oversized record is skipped, drop the bytes scanned so far: only the
    /// completed records before it (taken at the next [`Splitter::ready`]) are kept.
    fn discard_skipped(&mut self) {
        let keep_from = self
            .records
            .first()
            .map_or(self.pos, |r| r.start)
            .min(self.pos);
        let cut = (keep_from - self.base) as usize;
        if cut > 0 {
            self.buf.drain(..cut);
            self.base = keep_from;
            self.str_start = self.str_start.max(self.base);
        }
    }

    /// Bytes held in the buffer (for tests of the memory bound).
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// A record in progress longer than the limit stops being buffered: its first
    /// bytes are kept for the reject and the rest is scanned and dropped.
    fn check_oversize(&mut self) {
        let Some(s) = self.open_start() else { return };
        if self.skipping.is_some() {
            return;
        }
        if self.pos - s > self.max_record {
            let i = (s - self.base) as usize;
            let prefix = self.buf[i..(i + OVERSIZE_PREFIX).min(self.buf.len())].to_vec();
            self.skipping = Some(Oversize {
                start: s,
                len: 0,
                prefix,
            });
        }
    }

    /// Bytes of completed records waiting to be taken.
    pub fn pending_bytes(&self) -> u64 {
        match (self.records.first(), self.records.last()) {
            (Some(a), Some(b)) => b.end - a.start,
            _ => 0,
        }
    }

    /// Whether a chunk is worth taking now.
    pub fn ready(&self) -> bool {
        self.pending_bytes() as usize >= self.chunk_target
            || self.oversize.len() >= 64
            || (self.skipping.is_some() && !self.records.is_empty())
    }

    /// Take the completed records as a chunk and drop the bytes no longer needed.
    pub fn take_chunk(&mut self) -> Chunk {
        // Keep from the start of the open record (or the scan position).
        let mut keep_from = if self.skipping.is_some() {
            // The open record is being skipped: only the unscanned tail matters.
            self.pos
        } else {
            self.open_start().unwrap_or(self.pos).min(self.pos)
        };
        if self.in_str && self.skipping.is_none() {
            // A key may be compared when its string closes.
            keep_from = keep_from.min(self.str_start);
        }
        let cut = (keep_from - self.base) as usize;
        let data_end = self
            .records
            .last()
            .map(|r| (r.end - self.base) as usize)
            .unwrap_or(0);
        let data_start = self
            .records
            .first()
            .map(|r| (r.start - self.base) as usize)
            .unwrap_or(0);
        let data = if self.records.is_empty() {
            Vec::new()
        } else {
            self.buf[data_start..data_end].to_vec()
        };
        let chunk = Chunk {
            base: self.base + data_start as u64,
            data,
            records: std::mem::take(&mut self.records),
            oversize: std::mem::take(&mut self.oversize),
            ..Chunk::default()
        };
        self.buf.drain(..cut);
        self.base += cut as u64;
        if self.str_start < self.base {
            self.str_start = self.base;
        }
        chunk
    }
}
