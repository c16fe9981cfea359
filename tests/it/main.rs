//! The one integration-test binary (every extra test binary links DataFusion again).

mod analyze;
mod bad_input;
mod common;
mod conformance;
mod lake;
mod mapping;
mod sample_logs;
mod slt;
