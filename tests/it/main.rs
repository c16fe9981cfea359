//! The one integration-test binary (every extra test binary links DataFusion again).

mod analyze;
mod bad_input;
mod cli;
mod common;
mod conformance;
mod generate;
mod hostile;
mod labelled;
mod lake;
mod mapping;
mod props;
mod report;
mod review;
mod sample_logs;
mod scoring;
mod serve;
mod slt;
mod sql;
mod tenants;
