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
//! an oversized JSON record, and like the JSON splitter without being held: the row is
//! parsed with `csv_core`'s push parser over a buffer of our own, and once a row passes
//! the limit its first bytes are kept for the reject and the rest is dropped as it is
//! read (memory stays at about twice the limit plus one block, whatever the row size).
//! Rows with more than [`MAX_FIELDS`] fields are unreadable, so the field table is
//! bounded too. Quoting, embedded newlines, CRLF and blank lines follow the `csv`
//! crate (the same `csv_core` parser); a UTF-8 byte order mark at the start is skipped.

use std::io::{self, Read};
use std::mem;
use std::path::Path;

use csv_core::ReadRecordResult;

use super::ReadOptions;
use super::split::{BOM, Chunk, OVERSIZE_PREFIX, Oversize, Span, Unreadable};

/// Whether a file is read as CSV (by its name: `.csv` or `.csv.gz`).
pub fn is_csv_path(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".csv") || name.ends_with(".csv.gz")
}

/// Most fields a row may have (GitHub's export has a few dozen columns).
pub const MAX_FIELDS: usize = 65_536;

/// Bytes read from the input at a time.
const BLOCK: usize = 64 << 10;

/// Append `s` as a JSON string.
fn push_json_string(out: &mut Vec<u8>, s: &str) {
    // Serializing a str cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// The row being parsed.
struct Row {
    /// Stream offset of its first byte (after the line breaks before it).
    start: u64,
    /// Whether `start` is past the line breaks before the row.
    started: bool,
    /// Line breaks before the row, for its line number.
    breaks: u64,
    /// The parser's line number (from 1) when the row began.
    line_before: u64,
    /// Field bytes and ends written so far (`out[..nout]`, `ends[..nend]`).
    nout: usize,
    nend: usize,
    /// Fields counted beyond those kept (a row with more than [`MAX_FIELDS`]).
    dropped_fields: usize,
    /// The row passed the size limit: its first bytes, the rest is not kept.
    oversize: Option<Vec<u8>>,
}

impl Row {
    fn new(start: u64, line_before: u64) -> Row {
        Row {
            start,
            started: false,
            breaks: 0,
            line_before,
            nout: 0,
            nend: 0,
            dropped_fields: 0,
            oversize: None,
        }
    }
}

/// Read CSV rows from `input`, handing chunks of JSON records to `emit`. Returns the
/// number of bytes read and the I/O error that stopped reading early, if any.
pub fn read_csv(
    mut input: impl Read,
    opts: ReadOptions,
    mut emit: impl FnMut(Chunk),
) -> (u64, Option<io::Error>) {
    let mut core = csv_core::Reader::new();
    // Input bytes from stream offset `base`; the parser is at `buf[pos]`.
    let mut buf: Vec<u8> = Vec::with_capacity(2 * BLOCK);
    let mut base = 0u64;
    let mut pos = 0usize;
    let mut total = 0u64;
    let mut eof = false;
    let mut bom_checked = false;
    let mut failure = None;
    let mut out = vec![0u8; 4096];
    let mut ends = vec![0usize; 64];
    let mut row = Row::new(0, 0);
    // The header names, or why the header row cannot be used.
    let mut header: Option<Result<Vec<String>, String>> = None;
    let mut chunk = Chunk::default();
    loop {
        if pos == buf.len() && !eof {
            // Keep only the bytes of the row in progress (none when it is skipped).
            let keep_from = if row.oversize.is_some() {
                pos
            } else {
                (row.start - base) as usize
            };
            buf.drain(..keep_from);
            base += keep_from as u64;
            pos -= keep_from;
            let len = buf.len();
            buf.resize(len + BLOCK, 0);
            let n = loop {
                match input.read(&mut buf[len..]) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => {
                        failure = Some(e);
                        break 0;
                    }
                }
            };
            buf.truncate(len + n);
            total += n as u64;
            if failure.is_some() {
                // As before: the row cut by the error is dropped, the rows before it
                // are handed on.
                break;
            }
            eof = n == 0;
            if !bom_checked {
                if buf.len() < BOM.len() && !eof && BOM.starts_with(&buf) {
                    continue;
                }
                bom_checked = true;
                if buf.starts_with(BOM) {
                    pos = BOM.len();
                    row.start = BOM.len() as u64;
                }
            }
            continue;
        }
        let (res, nin, nout, nend) =
            core.read_record(&buf[pos..], &mut out[row.nout..], &mut ends[row.nend..]);
        let from = pos;
        pos += nin;
        row.nout += nout;
        row.nend += nend;
        if !row.started {
            // Line breaks (blank lines, the `\n` of a CRLF) before the row.
            let lead = buf[from..pos]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            row.breaks += buf[from..from + lead]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            row.start = base + (from + lead) as u64;
            row.started = lead < nin;
        }
        match res {
            ReadRecordResult::InputEmpty => {}
            ReadRecordResult::OutputFull => {
                if row.oversize.is_some() || row.dropped_fields > 0 {
                    row.nout = 0;
                } else {
                    out.resize(out.len() * 2, 0);
                }
            }
            ReadRecordResult::OutputEndsFull => {
                if row.nend >= MAX_FIELDS || row.oversize.is_some() {
                    row.dropped_fields += row.nend;
                    row.nend = 0;
                    row.nout = 0;
                } else {
                    ends.resize((ends.len() * 2).min(MAX_FIELDS), 0);
                }
            }
            ReadRecordResult::Record => {
                // The row ends before its line break.
                let floor = (row.start.max(base) - base) as usize;
                let mut e = pos;
                while e > floor && matches!(buf[e - 1], b'\r' | b'\n') {
                    e -= 1;
                }
                let end = base + e as u64;
                let len = end.saturating_sub(row.start);
                let line = row.line_before + row.breaks;
                if row.oversize.is_none() && len > opts.max_record {
                    let s = (row.start - base) as usize;
                    row.oversize = Some(buf[s..e.min(s + OVERSIZE_PREFIX)].to_vec());
                }
                if let Some(prefix) = row.oversize.take() {
                    chunk.oversize.push(Oversize {
                        start: row.start,
                        len,
                        prefix,
                    });
                    header.get_or_insert_with(|| {
                        Err("is larger than the record size limit (--max-record-bytes)".into())
                    });
                } else if row.started {
                    let raw = &buf[(row.start - base) as usize..e];
                    let cells = (row.dropped_fields == 0).then(|| {
                        let mut prev = 0;
                        ends[..row.nend]
                            .iter()
                            .map(|&end| {
                                let cell = &out[prev..end];
                                prev = end;
                                cell
                            })
                            .collect::<Vec<_>>()
                    });
                    match &header {
                        None => {
                            header = Some(match cells {
                                Some(cells) => Ok(cells
                                    .iter()
                                    .map(|h| String::from_utf8_lossy(h).trim().to_string())
                                    .collect()),
                                None => Err(format!("has more than {MAX_FIELDS} fields")),
                            });
                        }
                        Some(names) => {
                            let fields = row.dropped_fields + row.nend;
                            push_row(&mut chunk, names, cells, fields, raw, row.start, line);
                        }
                    }
                }
                row = Row::new(base + pos as u64, core.line());
                if chunk.data.len() >= opts.chunk_bytes
                    || chunk.unreadable.len() + chunk.oversize.len() >= 64
                {
                    emit(take(&mut chunk));
                }
                continue;
            }
            ReadRecordResult::End => break,
        }
        if row.oversize.is_none() && base + pos as u64 - row.start > opts.max_record {
            // Too long to hold: keep its first bytes, drop the rest as it is read.
            let s = (row.start - base) as usize;
            row.oversize = Some(buf[s..pos.min(s + OVERSIZE_PREFIX)].to_vec());
            row.nout = 0;
            row.nend = 0;
        }
    }
    emit(take(&mut chunk));
    (total, failure)
}

/// A complete data row: a JSON object record, or an unreadable one with its reason.
fn push_row(
    chunk: &mut Chunk,
    header: &Result<Vec<String>, String>,
    cells: Option<Vec<&[u8]>>,
    fields: usize,
    raw: &[u8],
    start: u64,
    line: u64,
) {
    let len = raw.len() as u64;
    let unreadable = |chunk: &mut Chunk, why: String| {
        chunk.unreadable.push(Unreadable {
            start,
            len,
            reason: format!("line {line}: unreadable CSV row: {why}"),
            raw: raw.to_vec(),
        })
    };
    let names = match header {
        Ok(names) => names,
        Err(why) => return unreadable(chunk, format!("the header row {why}")),
    };
    let cells = match cells {
        Some(cells) if cells.len() == names.len() => cells,
        _ => {
            return unreadable(
                chunk,
                format!("{fields} fields where the header has {}", names.len()),
            );
        }
    };
    let from = chunk.data.len();
    chunk.data.push(b'{');
    let mut first = true;
    for (name, cell) in names.iter().zip(cells) {
        if cell.is_empty() {
            continue;
        }
        let Ok(text) = std::str::from_utf8(cell) else {
            chunk.data.truncate(from);
            return unreadable(chunk, format!("field {name:?} is not valid UTF-8"));
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
    chunk.records.push(Span {
        start,
        end: start + len,
        line,
    });
    chunk.converted.push(from..chunk.data.len());
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

    /// Records with their line numbers, and oversized rows, read with a 1 MiB limit.
    fn with_limit(input: impl Read) -> (Vec<(u64, String)>, Vec<(u64, u64, usize)>) {
        let opts = ReadOptions {
            max_record: 1 << 20,
            chunk_bytes: 16,
        };
        let mut ok = Vec::new();
        let mut over = Vec::new();
        let (_, err) = read_csv(input, opts, |c| {
            for r in &c.records {
                ok.push((r.line, String::from_utf8(c.bytes(*r).to_vec()).unwrap()));
            }
            for o in &c.oversize {
                over.push((o.start, o.len, o.prefix.len()));
            }
        });
        assert!(err.is_none());
        (ok, over)
    }

    #[test]
    fn an_oversized_row_is_one_reject_and_the_next_rows_are_read() {
        let mut text = b"a,b\r\n1,2\r\n".to_vec();
        let big_at = text.len() as u64;
        text.extend_from_slice(b"3,\"");
        text.resize(text.len() + (4 << 20), b'x');
        text.extend_from_slice(b"\n\"\r\n5,6\r\n\r\n7,8");
        let (ok, over) = with_limit(&text[..]);
        assert_eq!(
            ok,
            vec![
                (2, r#"{"a":"1","b":"2"}"#.to_string()),
                (5, r#"{"a":"5","b":"6"}"#.to_string()),
                (7, r#"{"a":"7","b":"8"}"#.to_string()),
            ]
        );
        assert_eq!(over, vec![(big_at, (4 << 20) + 5, OVERSIZE_PREFIX)]);
    }

    #[test]
    fn an_endless_row_or_header_is_one_reject() {
        let endless = io::repeat(b'x').take(64 << 20);
        let (ok, over) = with_limit(b"a,b\n".chain(endless));
        assert!(ok.is_empty());
        assert_eq!(over, vec![(4, 64 << 20, OVERSIZE_PREFIX)]);
        // An oversized header: it is the reject, and the rows after it say why they
        // cannot be read.
        let mut text = vec![b'h'; 2 << 20];
        text.extend_from_slice(b"\n1,2\n");
        let mut bad = Vec::new();
        let opts = ReadOptions {
            max_record: 1 << 20,
            chunk_bytes: 16,
        };
        read_csv(&text[..], opts, |c| {
            bad.extend(c.oversize.iter().map(|o| o.len.to_string()));
            bad.extend(c.unreadable.iter().map(|u| u.reason.clone()));
        });
        assert_eq!(
            bad,
            vec![
                (2u64 << 20).to_string(),
                "line 2: unreadable CSV row: the header row is larger than the record size limit (--max-record-bytes)".to_string()
            ]
        );
    }

    #[test]
    fn a_row_with_too_many_fields_is_unreadable() {
        let mut text = b"a,b\n".to_vec();
        text.extend(std::iter::repeat_n(b',', MAX_FIELDS + 10));
        text.extend_from_slice(b"\n1,2\n");
        let (ok, bad) = rows(&text);
        assert_eq!(
            ok,
            vec![(text.len() as u64 - 4, r#"{"a":"1","b":"2"}"#.to_string())]
        );
        assert_eq!(bad.len(), 1);
        assert!(
            bad[0].1.contains(&format!(
                "{} fields where the header has 2",
                MAX_FIELDS + 11
            )),
            "{}",
            bad[0].1
        );
    }

    #[test]
    fn header_only_or_empty_gives_no_records() {
        assert_eq!(rows(b"").0.len(), 0);
        assert_eq!(rows(b"a,b\n").0.len(), 0);
    }
}
