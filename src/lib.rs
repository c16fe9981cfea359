//! trailcheck: audit-log evidence for cloud identity providers.
//!
//! The crate is laid out along the data flow (see `docs/design.md`):
//!
//! ```text
//! read  ->  providers  ->  lake  ->  (session / analyses -> scoring -> report)
//! ```
//!
//! * [`read`] finds input files, decompresses them and splits each container
//!   (NDJSON, JSON array, `{"Records":[..]}`, ...) into raw records with offsets;
//! * [`providers`] turns one raw record into [`event::Event`] rows or a reject,
//!   one module per provider, all listed in [`providers::PROVIDERS`];
//! * [`lake`] writes Arrow batches as Hive-partitioned zstd Parquet, deduplicates,
//!   and commits a run atomically;
//! * [`ingest`] wires those three together in a bounded, parallel pipeline;
//! * [`json`] is the tree each record is parsed into: strings borrow from the record's
//!   text, so parsing costs a fraction of a `serde_json::Value`.
//!
//! `main.rs` only parses the command line (in [`cli`]) and maps results to exit codes.

pub mod analyze;
pub mod claims;
pub mod cli;
pub mod error;
pub mod event;
#[cfg(feature = "generate")]
pub mod generate;
pub mod incremental;
pub mod ingest;
pub mod json;
pub mod lake;
pub mod location;
pub mod model;
pub mod output;
pub mod providers;
pub mod read;
pub mod report;
pub mod review;
pub mod scoring;
pub mod serve;
pub mod session;
pub mod sql;
pub mod text;
pub mod time;

pub use error::{Error, Result};

/// The tool version recorded in every run.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
