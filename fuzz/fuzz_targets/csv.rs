//! The CSV reader on any bytes: no panic, reads to the end, and no record over the
//! limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trailcheck::read::ReadOptions;
use trailcheck::read::csv::read_csv;

fuzz_target!(|data: &[u8]| {
    let opts = ReadOptions {
        max_record: 1024,
        chunk_bytes: 4096,
    };
    let (read, err) = read_csv(data, opts, |c| {
        for r in &c.records {
            assert!(c.bytes(*r).len() as u64 <= 64 * 1024 + 16 * 1024);
        }
    });
    assert!(err.is_none());
    assert_eq!(read, data.len() as u64);
});
