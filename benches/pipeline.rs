//! End-to-end throughput: `ingest` of generated native exports, and every analysis over
//! generated lakes.
//!
//!     cargo bench --profile dev --features generate --bench pipeline
//!     TRAILCHECK_BENCH_EVENTS=1000000 TRAILCHECK_BENCH_LAKES=1000000,10000000 \
//!         cargo bench --profile dev --features generate --bench pipeline
//!
//! - `ingest/<provider>`: `trailcheck generate` output (each provider's own container,
//!   gzip where the provider writes gzip) ingested into a fresh lake per iteration;
//!   throughput in bytes of JSON. `TRAILCHECK_BENCH_EVENTS` events (default 200,000).
//! - `analyze <N>/open`: opening a lake with every view of `queries/views/` computed
//!   once (what `trailcheck analyze` does first); `analyze <N>/<rule>`: each rule over
//!   that session. Lakes of `TRAILCHECK_BENCH_LAKES` events (default 1,000,000) hold
//!   every generated provider.
//!
//! Inputs and lakes are generated once (deterministic by seed) and kept under the
//! target folder, so later runs time only the work. `--profile dev` reuses the test
//! build; the default bench profile would rebuild DataFusion with release settings.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use trailcheck::generate::{self, GenerateOptions};
use trailcheck::ingest::{self, IngestOptions};
use trailcheck::read::ReadOptions;
use trailcheck::session::{self, Params, Session};

const SEED: u64 = 20261128;

fn cache() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("trailcheck-bench")
}

fn env_counts(name: &str, default: &str) -> Vec<u64> {
    std::env::var(name)
        .unwrap_or_else(|_| default.to_string())
        .split(',')
        .map(|s| s.trim().parse().expect("a count of events"))
        .collect()
}

/// Generated input for `provider` (`all` for every generator): reused when present.
fn input(provider: &str, events: u64) -> (PathBuf, u64) {
    let dir = cache().join(format!("input-{provider}-{events}-{SEED}"));
    let done = dir.join(".json_bytes");
    if let Ok(n) = std::fs::read_to_string(&done) {
        return (dir, n.trim().parse().expect("byte count"));
    }
    let _ = std::fs::remove_dir_all(&dir);
    let summary = generate::generate(&GenerateOptions {
        provider: provider.to_string(),
        events,
        tenants: 2,
        seed: SEED,
        out: dir.clone(),
    })
    .expect("generate");
    std::fs::write(&done, summary.json_bytes.to_string()).expect("write marker");
    (dir, summary.json_bytes)
}

fn ingest_into(input: &Path, lake: &Path) -> u64 {
    let summary = ingest::ingest(&IngestOptions {
        inputs: vec![input.display().to_string()],
        lake: lake.to_path_buf(),
        provider: None,
        tenant: None,
        read: ReadOptions::default(),
        progress: false,
        args: vec!["bench".into()],
        reread: false,
        store: Default::default(),
    })
    .expect("ingest");
    assert_eq!(summary.total().rejected, 0, "generated input has rejects");
    summary.total().ingested
}

/// A lake of every generated provider: reused when present.
fn lake(events: u64) -> PathBuf {
    let dir = cache().join(format!("lake-all-{events}-{SEED}"));
    if dir.join(".complete").exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let (input, _) = input("all", events);
    ingest_into(&input, &dir);
    std::fs::write(dir.join(".complete"), "").expect("write marker");
    dir
}

fn bench_ingest(c: &mut Criterion) {
    let events = env_counts("TRAILCHECK_BENCH_EVENTS", "200000")[0];
    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    for g in generate::providers() {
        let (input, bytes) = input(g.name, events);
        group.throughput(Throughput::Bytes(bytes));
        group.bench_function(BenchmarkId::new(g.name, format!("{events} events")), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let dir = tempfile::tempdir().expect("tempdir");
                    let lake = dir.path().join("lake");
                    let t = Instant::now();
                    let n = ingest_into(&input, &lake);
                    total += t.elapsed();
                    assert_eq!(n, events);
                }
                total
            })
        });
    }
    group.finish();
}

fn bench_analyze(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    let params = Params::default();
    for events in env_counts("TRAILCHECK_BENCH_LAKES", "1000000") {
        let lake = lake(events);
        let mut group = c.benchmark_group(format!("analyze {events}"));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(10));
        group.throughput(Throughput::Elements(events));
        group.bench_function("open (every view computed once)", |b| {
            b.iter(|| {
                rt.block_on(Session::open(&lake, &params))
                    .expect("open lake")
            })
        });
        let session = rt
            .block_on(Session::open(&lake, &params))
            .expect("open lake");
        for rule in session::rules() {
            group.bench_function(rule.id, |b| {
                b.iter(|| {
                    let sql = format!("SELECT count(*) FROM {}", rule.name);
                    rt.block_on(session.query(&sql)).expect("rule query")
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench_ingest, bench_analyze);
criterion_main!(benches);
