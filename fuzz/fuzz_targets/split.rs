//! The record splitter on any bytes, fed in pieces as `read_file` feeds it: no panic,
//! records in order and inside the input, none over the limit, and the buffer bounded
//! by the limit rather than the input. The first byte sets the piece size.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trailcheck::read::split::Splitter;

const LIMIT: u64 = 4096;

fuzz_target!(|data: &[u8]| {
    let Some((&piece, input)) = data.split_first() else {
        return;
    };
    let piece = piece as usize % 64 + 1;
    let mut s = Splitter::new(LIMIT, 1024);
    let mut chunks = Vec::new();
    for block in input.chunks(piece) {
        s.feed(block);
        s.scan(false);
        if s.ready() {
            chunks.push(s.take_chunk());
        }
        assert!(s.buffered() as u64 <= 2 * LIMIT + 4096 + piece as u64);
    }
    s.scan(true);
    chunks.push(s.take_chunk());
    let mut last = 0;
    for c in &chunks {
        for r in &c.records {
            assert!(r.start >= last && r.end > r.start && r.end <= input.len() as u64);
            assert!(r.end - r.start <= LIMIT);
            assert_eq!(c.bytes(*r), &input[r.start as usize..r.end as usize]);
            last = r.end;
        }
    }
});
