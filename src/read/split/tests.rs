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

/// Split with several piece sizes, checking they agree.
fn split_all(input: &str) -> Vec<String> {
    let (first, _) = split_with(input, 1 << 20, 1);
    for piece in [2, 3, 7, 64, 1 << 20] {
        assert_eq!(split_with(input, 1 << 20, piece).0, first, "piece {piece}");
    }
    first
}

#[test]
fn a_broken_first_line_does_not_swallow_the_file() {
    let good = "{\"b\":2}\n{\"c\":[3,{\"d\":4}]}\n{\"e\":5}\n";
    for (first, broken) in [
        // A key is due, or a comma: `{` cannot come next.
        ("{\"a\":1,\n", "{\"a\":1,"),
        ("{\"a\":{\"x\":1,\n", "{\"a\":{\"x\":1,"),
        ("{\"a\":\"x\"\n", "{\"a\":\"x\""),
        ("{\"a\":[1,2]\n", "{\"a\":[1,2]"),
        ("{\n", "{"),
        ("  {\"a\":1,  \r\n", "{\"a\":1,  \r"),
    ] {
        let input = format!("{first}{good}");
        assert_eq!(
            split_all(&input),
            vec![broken, "{\"b\":2}", "{\"c\":[3,{\"d\":4}]}", "{\"e\":5}"],
            "{first:?}"
        );
    }
    // Where a value may come, the next line is that value: it goes with the broken
    // record, and the line after it is read fresh.
    assert_eq!(
        split_all(&format!("{{\"a\":\n{good}")),
        vec!["{\"a\":\n{\"b\":2}", "{\"c\":[3,{\"d\":4}]}", "{\"e\":5}"]
    );
}

#[test]
fn an_escaped_newline_ends_the_broken_record() {
    assert_eq!(
        split_all("{\"a\":1}\n{\"a\":\"x\\\n{\"b\":2}\n"),
        vec!["{\"a\":1}", "{\"a\":\"x\\", "{\"b\":2}"]
    );
    // Also as the first line, and in a pretty-printed document.
    assert_eq!(
        split_all("{\"a\":\"x\\\n{\"b\":2}\n"),
        vec!["{\"a\":\"x\\", "{\"b\":2}"]
    );
}

#[test]
fn multi_line_documents_still_read_whole() {
    for (input, want) in [
        (
            "[\n{\"a\":1},\n{\"b\":2}\n]\n",
            vec!["{\"a\":1}", "{\"b\":2}"],
        ),
        (
            "{\"value\":[\n{\"id\":1},\n{\"id\":2}\n]}",
            vec!["{\"id\":1}", "{\"id\":2}"],
        ),
        (
            "{\n\"a\": [\n{\"x\":1},\n{\"y\":2}\n],\n\"b\":\n{\"z\":3}\n}\n",
            vec!["{\n\"a\": [\n{\"x\":1},\n{\"y\":2}\n],\n\"b\":\n{\"z\":3}\n}"],
        ),
        (
            "{\n  \"Records\": [\n    {\n      \"e\": 1\n    },\n    {\"e\": 2}\n  ]\n}\n",
            vec!["{\n      \"e\": 1\n    }", "{\"e\": 2}"],
        ),
    ] {
        assert_eq!(split_all(input), want, "{input:?}");
    }
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let input = "\u{feff}[{\"a\":1},{\"b\":2}]";
    assert_eq!(split_all(input), vec!["{\"a\":1}", "{\"b\":2}"]);
    assert_eq!(
        split_all("\u{feff}{\"a\":1}\n{\"b\":2}\n"),
        vec!["{\"a\":1}", "{\"b\":2}"]
    );
    // Only at the start; alone, it is an empty stream.
    assert_eq!(split_all("\u{feff}"), Vec::<String>::new());
    assert_eq!(
        split_all("{\"a\":1}\n\u{feff}\n"),
        vec!["{\"a\":1}", "\u{feff}"]
    );
    let mut s = Splitter::new(1 << 20, 1 << 20);
    s.feed(input.as_bytes());
    s.scan(true);
    assert_eq!(s.take_chunk().records[0].start, 4, "offsets count the mark");
}

#[test]
fn skipping_an_oversized_record_holds_no_more_than_the_limit() {
    const BLOCK: usize = 64 << 10;
    let max = 256 << 10;
    let chunk = 32 << 10;
    // Good records, 20 MiB without a newline (in a string, then outside one), good
    // records: read the way `read_file` reads.
    let good = "{\"g\":1}\n".repeat(10_000);
    let mut input = good.clone().into_bytes();
    input.extend_from_slice(b"{\"big\":\"");
    input.resize(input.len() + (10 << 20), b'x');
    input.extend_from_slice(b"\"");
    input.resize(input.len() + (10 << 20), b' ');
    input.extend_from_slice(b"}\n");
    let big_start = good.len() as u64;
    let big_len = input.len() as u64 - 1 - big_start;
    input.extend_from_slice(good.as_bytes());
    let mut s = Splitter::new(max, chunk);
    let (mut records, mut over, mut most) = (0, Vec::new(), 0);
    let mut take = |s: &mut Splitter| {
        let c = s.take_chunk();
        records += c.records.len();
        over.extend(c.oversize.iter().map(|o| (o.start, o.len, o.prefix.len())));
    };
    for block in input.chunks(BLOCK) {
        let buf = s.spare(BLOCK);
        buf[..block.len()].copy_from_slice(block);
        s.filled(BLOCK, block.len());
        s.scan(false);
        most = most.max(s.buffered());
        if s.ready() {
            take(&mut s);
        }
    }
    s.scan(true);
    take(&mut s);
    assert_eq!(records, 20_000);
    assert_eq!(over, vec![(big_start, big_len, OVERSIZE_PREFIX)]);
    assert!(
        most <= max as usize + chunk + 2 * BLOCK,
        "buffer reached {most} bytes"
    );
}

#[test]
fn an_endless_line_is_one_oversized_reject_in_bounded_memory() {
    // Zeros (what /dev/zero or a gzip bomb yields): garbage without a newline.
    let mut s = Splitter::new(1 << 20, 1 << 16);
    let mut most = 0;
    for _ in 0..64 {
        s.feed(&[0u8; 1 << 20]);
        s.scan(false);
        most = most.max(s.buffered());
        assert!(!s.ready() || s.take_chunk().records.is_empty());
    }
    s.scan(true);
    let c = s.take_chunk();
    assert!(c.records.is_empty());
    assert_eq!(c.oversize.len(), 1);
    assert_eq!((c.oversize[0].start, c.oversize[0].len), (0, 64 << 20));
    assert!(most <= 3 << 20, "buffer reached {most} bytes");
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
