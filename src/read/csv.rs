//! CSV exports (GitHub's web-UI audit-log export): every data row of a `.csv` /
//! `.csv.gz` file becomes one JSON object record, the header names as keys and every
//! value a JSON string (numbers stay text: the provider parses them), with the byte
//! offset of the row in the (decompressed) file. Empty cells are left out, so an empty
//! cell reads like a missing field. The rest of the pipeline sees the object like any
//! other record; the events' `raw` column holds that object.
//!
//! A row that cannot be read (more or fewer fields than the header, a cell that is not
//! UTF-8) becomes an [`Unreadable`] record, which ingest turns into a reject with the
//! reason and the row's bytes. A row longer than the record size limit is rejected like
//! an oversized JSON record; unlike the JSON splitter, the CSV parser holds such a row
//! in memory while reading it. Quoting, embedded newlines, CRLF and a UTF-8 BOM are
//! handled by the `csv` crate.

use std::io::{self, Read};
use std::mem;
use std::path::Path;

use super::ReadOptions;
use super::split::{Chunk, OVERSIZE_PREFIX, Oversize, Span, Unreadable};

/// Whether a file is read as CSV (by its name: `.csv` or `.csv.gz`).
pub fn is_csv_path(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".csv") || name.ends_with(".csv.gz")
}

/// Keeps a copy of the bytes read since the start of the current row, so that a row's
/// raw bytes can be cut out by its offsets.
struct Tee<R> {
    inner: R,
    buf: Vec<u8>,
    /// Stream offset of `buf[0]`.
    base: u64,
    total: u64,
}

impl<R: Read> Read for Tee<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(out)?;
        self.buf.extend_from_slice(&out[..n]);
        self.total += n as u64;
        Ok(n)
    }
}

impl<R> Tee<R> {
    fn slice(&self, start: u64, end: u64) -> &[u8] {
        let s = (start.saturating_sub(self.base) as usize).min(self.buf.len());
        let e = (end.saturating_sub(self.base) as usize).clamp(s, self.buf.len());
        &self.buf[s..e]
    }

    fn forget_before(&mut self, offset: u64) {
        let n = (offset.saturating_sub(self.base) as usize).min(self.buf.len());
        self.buf.drain(..n);
        self.base += n as u64;
    }
}

/// Append `s` as a JSON string.
fn push_json_string(out: &mut Vec<u8>, s: &str) {
    // Serializing a str cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Read CSV rows from `input`, handing chunks of JSON records to `emit`. Returns the
/// number of bytes read and the I/O error that stopped reading early, if any.
pub fn read_csv(
    input: impl Read,
    opts: ReadOptions,
    mut emit: impl FnMut(Chunk),
) -> (u64, Option<io::Error>) {
    let tee = Tee {
        inner: input,
        buf: Vec::new(),
        base: 0,
        total: 0,
    };
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(64 << 10)
        .from_reader(tee);
    let mut header: Option<Vec<String>> = None;
    let mut row = ::csv::ByteRecord::new();
    let mut chunk = Chunk::default();
    let mut failure = None;
    loop {
        let start = rdr.position().byte();
        match rdr.read_byte_record(&mut row) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) if e.is_io_error() => {
                if let ::csv::ErrorKind::Io(io) = e.into_kind() {
                    failure = Some(io);
                }
                break;
            }
            Err(e) => {
                // Not expected with flexible byte records; keep the reason and go on.
                let end = rdr.position().byte();
                let raw = rdr.get_ref().slice(start, end).to_vec();
                chunk.unreadable.push(Unreadable {
                    start,
                    len: end - start,
                    reason: format!("unreadable CSV row: {e}"),
                    raw,
                });
                rdr.get_mut().forget_before(end);
                continue;
            }
        }
        let end = rdr.position().byte();
        // The parser may have consumed line breaks before the row (the `\n` of a CRLF,
        // blank lines): they move the row's start, and its line number, past them.
        let (row_start, raw, line) = {
            let bytes = rdr.get_ref().slice(start, end);
            let lead = bytes
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            let breaks = bytes[..lead].iter().filter(|b| **b == b'\n').count() as u64;
            let line = row.position().map_or(0, |p| p.line() + breaks);
            let mut raw = &bytes[lead..];
            while let [rest @ .., b'\r' | b'\n'] = raw {
                raw = rest;
            }
            (start + lead as u64, raw, line)
        };
        let Some(names) = &header else {
            header = Some(
                row.iter()
                    .map(|h| String::from_utf8_lossy(h).trim().to_string())
                    .collect(),
            );
            rdr.get_mut().forget_before(end);
            continue;
        };
        let len = raw.len() as u64;
        if len > opts.max_record {
            chunk.oversize.push(Oversize {
                start: row_start,
                len,
                prefix: raw[..raw.len().min(OVERSIZE_PREFIX)].to_vec(),
            });
        } else if row.len() != names.len() {
            chunk.unreadable.push(Unreadable {
                start: row_start,
                len,
                reason: format!(
                    "line {line}: unreadable CSV row: {} fields where the header has {}",
                    row.len(),
                    names.len()
                ),
                raw: raw.to_vec(),
            });
        } else {
            let from = chunk.data.len();
            let mut bad = None;
            chunk.data.push(b'{');
            let mut first = true;
            for (name, cell) in names.iter().zip(row.iter()) {
                if cell.is_empty() {
                    continue;
                }
                let Ok(text) = std::str::from_utf8(cell) else {
                    bad = Some(name.clone());
                    break;
                };
                if !first {
                    chunk.data.push(b',');
                }
                first = false;
                push_json_string(&mut chunk.data, name);
                chunk.data.push(b':');
                push_json_string(&mut chunk.data, text);
            }
            chunk.data.push(b'}');
            match bad {
                None => {
                    chunk.records.push(Span {
                        start: row_start,
                        end: row_start + len,
                        line,
                    });
                    chunk.converted.push(from..chunk.data.len());
                }
                Some(name) => {
                    chunk.data.truncate(from);
                    chunk.unreadable.push(Unreadable {
                        start: row_start,
                        len,
                        reason: format!(
                            "line {line}: unreadable CSV row: field {name:?} is not valid UTF-8"
                        ),
                        raw: raw.to_vec(),
                    });
                }
            }
        }
        rdr.get_mut().forget_before(end);
        if chunk.data.len() >= opts.chunk_bytes
            || chunk.unreadable.len() + chunk.oversize.len() >= 64
        {
            emit(take(&mut chunk));
        }
    }
    emit(take(&mut chunk));
    (rdr.get_ref().total, failure)
}

fn take(chunk: &mut Chunk) -> Chunk {
    let mut c = mem::take(chunk);
    c.base = c.records.first().map(|r| r.start).unwrap_or(0);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(input: &[u8]) -> (Vec<(u64, String)>, Vec<(u64, String, Vec<u8>)>) {
        let opts = ReadOptions {
            max_record: 1 << 20,
            chunk_bytes: 16,
        };
        let mut ok = Vec::new();
        let mut bad = Vec::new();
        let (n, err) = read_csv(input, opts, |c| {
            for r in &c.records {
                ok.push((r.start, String::from_utf8(c.bytes(*r).to_vec()).unwrap()));
            }
            for u in &c.unreadable {
                bad.push((u.start, u.reason.clone(), u.raw.clone()));
            }
        });
        assert!(err.is_none());
        assert_eq!(n, input.len() as u64);
        (ok, bad)
    }

    #[test]
    fn rows_become_objects_with_offsets() {
        let text = "\u{feff}a,b,c\r\n1,\"x, \"\"y\"\"\",\r\n\r\n2,\"multi\nline\",z\r\n";
        let (ok, bad) = rows(text.as_bytes());
        assert!(bad.is_empty());
        let at = |needle: &str| text.find(needle).unwrap() as u64;
        assert_eq!(
            ok,
            vec![
                (at("1,"), r#"{"a":"1","b":"x, \"y\""}"#.to_string()),
                (
                    at("2,"),
                    r#"{"a":"2","b":"multi\nline","c":"z"}"#.to_string()
                ),
            ]
        );
    }

    #[test]
    fn bad_rows_are_unreadable_with_their_bytes() {
        let mut text = b"a,b\n1,2\n1,2,3\n".to_vec();
        text.extend_from_slice(b"\xff,2\n4,5");
        let (ok, bad) = rows(&text);
        assert_eq!(ok.iter().map(|r| r.0).collect::<Vec<_>>(), vec![4, 18]);
        assert_eq!(bad.len(), 2);
        assert_eq!(bad[0].0, 8);
        assert!(
            bad[0].1.contains("3 fields where the header has 2"),
            "{}",
            bad[0].1
        );
        assert_eq!(bad[0].2, b"1,2,3");
        assert_eq!(bad[1].0, 14);
        assert!(
            bad[1].1.contains("\"a\" is not valid UTF-8"),
            "{}",
            bad[1].1
        );
        assert_eq!(bad[1].2, b"\xff,2");
    }

    #[test]
    fn header_only_or_empty_gives_no_records() {
        assert_eq!(rows(b"").0.len(), 0);
        assert_eq!(rows(b"a,b\n").0.len(), 0);
    }
}
