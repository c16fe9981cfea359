//! Parse + map throughput per provider: the per-record work of ingest's parser stage
//! (JSON parse, provider detection, mapping to events, appending to an Arrow batch) over
//! the records of `sample-logs/<provider>/`, split once outside the timed loop.
//!
//!     cargo bench --profile dev --bench parse
//!
//! (`--profile dev` reuses the test build; the default bench profile would rebuild
//! DataFusion with release settings.) Reports events/s and bytes/s of record JSON.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use trailcheck::event::{EventBatchBuilder, Provenance};
use trailcheck::json;
use trailcheck::providers::{self, Context};
use trailcheck::read::{self, ReadOptions};

/// Every record of a folder, as the reader hands them on.
fn records(dir: &Path) -> Vec<Vec<u8>> {
    let files = read::discover(&[dir.display().to_string()], &Default::default())
        .expect("sample-logs folder")
        .files;
    let mut out = Vec::new();
    for f in &files {
        read::read_file(
            f,
            ReadOptions::default(),
            Arc::new(AtomicU64::new(0)),
            |chunk| {
                out.extend(chunk.records.iter().map(|s| chunk.bytes(*s).to_vec()));
            },
        )
        .expect("readable sample file");
    }
    out
}

fn parse_and_map(records: &[Vec<u8>]) -> usize {
    let mut builder = EventBatchBuilder::new();
    let mut n = 0;
    for raw in records {
        let Ok(v) = std::str::from_utf8(raw)
            .map_err(drop)
            .and_then(|t| json::from_str(t).map_err(drop))
        else {
            continue;
        };
        let Some(p) = providers::detect(&v) else {
            continue;
        };
        let ctx = Context {
            raw,
            ..Context::default()
        };
        if let Ok(events) = (p.map)(&v, &ctx) {
            let text = std::str::from_utf8(raw).unwrap_or("");
            for e in &events {
                builder.append(
                    e,
                    Provenance {
                        raw: text,
                        source_file: "bench",
                        source_offset: 0,
                        ingest_run: "bench",
                    },
                );
            }
            n += events.len();
        }
    }
    builder.finish().num_rows().max(n)
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-logs");
    let mut group = c.benchmark_group("parse+map");
    for p in providers::PROVIDERS {
        let recs = records(&root.join(p.name));
        let bytes: usize = recs.iter().map(Vec::len).sum();
        let events = parse_and_map(&recs);
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function(
            format!("{} ({} records, {} events)", p.name, recs.len(), events),
            |b| b.iter(|| parse_and_map(std::hint::black_box(&recs))),
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
