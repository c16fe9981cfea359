//! Splitting a decompressed byte stream into JSON records, with their byte offsets,
//! without parsing it and without holding more than one record plus one chunk.
//!
//! One scanner handles every container the exports use: NDJSON (one value a line),
//! concatenated values, a top-level JSON array, and wrapper objects whose records sit
//! in an array under `Records` (CloudTrail), `value` (Graph), `items` (Google Reports)
//! or `records` (Azure Monitor). A top-level object with none of those keys is a record
//! itself. The scanner tracks only strings and nesting depth; the provider parser
//! validates each record, so a malformed record becomes a reject and the rest of the
//! stream is still read. A newline inside a string, or (in an NDJSON file) inside an
//! unclosed value, ends the broken record there so the next line is read cleanly.
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
                                self.pos = q + 2;
                            }
                            b'\n' => {
                                self.broken(q);
                                self.pos = q + 1;
                            }
                            _ => {
                                self.in_str = false;
                                self.last_nonws = q;
                                if self.depth == 1 && self.top == Top::Object && self.expect_key {
                                    let s = (self.str_start + 1 - self.base) as usize;
                                    let e = (q - self.base) as usize;
                                    let key = &self.buf[s..e];
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
                        self.pos = q + 1;
                    }
                }
                continue;
            }
            let b = self.byte(p);
            self.pos = p + 1;
            match b {
                b' ' | b'\t' | b'\r' => {}
                b'\n' => {
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
        }
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
        self.pending_bytes() as usize >= self.chunk_target || self.oversize.len() >= 64
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

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &str) -> (Vec<String>, Vec<(u64, u64)>) {
        split_with(input, 1 << 20, 7)
    }

    /// Feed in small pieces to exercise every boundary.
    fn split_with(input: &str, max: u64, piece: usize) -> (Vec<String>, Vec<(u64, u64)>) {
        let mut s = Splitter::new(max, 16);
        let mut out = Vec::new();
        let mut over = Vec::new();
        let mut take = |s: &mut Splitter| {
            let c = s.take_chunk();
            for r in &c.records {
                out.push(String::from_utf8(c.bytes(*r).to_vec()).unwrap());
            }
            for o in &c.oversize {
                over.push((o.start, o.len));
            }
        };
        for part in input.as_bytes().chunks(piece) {
            s.feed(part);
            s.scan(false);
            if s.ready() {
                take(&mut s);
            }
        }
        s.scan(true);
        take(&mut s);
        (out, over)
    }

    #[test]
    fn ndjson_lines() {
        let (r, _) = split("{\"a\":1}\n{\"b\":\"x}\\\"\"}\n\n  {\"c\":[1,2]}\n");
        assert_eq!(r, vec!["{\"a\":1}", "{\"b\":\"x}\\\"\"}", "{\"c\":[1,2]}"]);
    }

    #[test]
    fn arrays_and_wrappers() {
        let (r, _) = split("[ {\"a\":1} , {\"b\":[{}]} ]");
        assert_eq!(r, vec!["{\"a\":1}", "{\"b\":[{}]}"]);
        let (r, _) = split("{\"Records\": [{\"e\":1},\n {\"e\":2}]}");
        assert_eq!(r, vec!["{\"e\":1}", "{\"e\":2}"]);
        let (r, _) = split(
            "{\"@odata.context\":\"x\",\"value\":[{\"id\":\"1\"},{\"id\":\"2\"}],\"@odata.nextLink\":\"y\"}",
        );
        assert_eq!(r, vec!["{\"id\":\"1\"}", "{\"id\":\"2\"}"]);
        let (r, _) =
            split("{\"kind\":\"admin#reports#activities\",\"items\":[{\"x\":{\"value\":[1]}}]}");
        assert_eq!(r, vec!["{\"x\":{\"value\":[1]}}"]);
        // A nested `value` key is not a wrapper.
        let (r, _) = split("{\"properties\":{\"value\":[1]},\"x\":\"value\"}\n");
        assert_eq!(r, vec!["{\"properties\":{\"value\":[1]},\"x\":\"value\"}"]);
        // A string value that reads like a wrapper key is not a key.
        let (r, _) = split("{\"k\":\"Records\",\"v\":[{\"a\":1}]}");
        assert_eq!(r, vec!["{\"k\":\"Records\",\"v\":[{\"a\":1}]}"]);
    }

    #[test]
    fn pretty_printed_single_record_and_scalars() {
        let (r, _) = split("{\n  \"a\": {\n    \"b\": 1\n  }\n}\n");
        assert_eq!(r, vec!["{\n  \"a\": {\n    \"b\": 1\n  }\n}"]);
        let (r, _) = split("[1, \"two\" , {\"x\":3}]");
        assert_eq!(r, vec!["1", "\"two\"", "{\"x\":3}"]);
    }

    #[test]
    fn broken_lines_do_not_swallow_the_next() {
        let (r, _) =
            split("{\"a\":1}\n{\"a\": \"unterminated\n{\"b\":2}\n{\"c\":\n{\"d\":4}\nnot json\n");
        assert_eq!(
            r,
            vec![
                "{\"a\":1}",
                "{\"a\": \"unterminated",
                "{\"b\":2}",
                "{\"c\":",
                "{\"d\":4}",
                "not json"
            ]
        );
    }

    #[test]
    fn truncated_document_is_one_broken_record() {
        let (r, _) = split("[{\"a\":1},\n {\"b\":");
        assert_eq!(r, vec!["{\"a\":1}", "{\"b\":"]);
    }

    #[test]
    fn offsets_point_at_the_bytes() {
        let input = "{\"a\":1}\n  {\"b\":2}\n";
        let mut s = Splitter::new(1 << 20, 1 << 20);
        s.feed(input.as_bytes());
        s.scan(true);
        let c = s.take_chunk();
        assert_eq!(
            c.records,
            vec![
                Span {
                    start: 0,
                    end: 7,
                    line: 0
                },
                Span {
                    start: 10,
                    end: 17,
                    line: 0
                }
            ]
        );
    }

    #[test]
    fn oversized_records_are_skipped_with_their_prefix() {
        let big = format!("{{\"a\":\"{}\"}}", "x".repeat(5000));
        let input = format!("{{\"s\":1}}\n{big}\n{{\"t\":2}}\n");
        let (r, over) = split_with(&input, 1000, 100);
        assert_eq!(r, vec!["{\"s\":1}", "{\"t\":2}"]);
        assert_eq!(over, vec![(8, big.len() as u64)]);
    }
}
