//! The one integration-test binary (every extra test binary links DataFusion again).

mod analyze;
mod bad_input;
mod cli;
#[cfg(feature = "cloud")]
mod cloud;
mod common;
mod compact;
mod conformance;
#[cfg(feature = "flight")]
mod flight;
#[cfg(feature = "generate")]
mod generate;
mod hostile;
mod incremental;
mod labelled;
mod lake;
mod mapping;
mod props;
mod registry;
mod report;
mod review;
mod sample_logs;
mod scoring;
mod serve;
mod slt;
mod sql;
mod tenants;

/// Without `--features generate` the tests of `trailcheck generate` are not built: say so
/// in every run's summary rather than skip them silently.
#[cfg(not(feature = "generate"))]
#[test]
#[ignore = "the generate tests need `cargo test --features generate`"]
fn generate_tests_need_the_generate_feature() {}
