//! Splitting a decompressed byte stream into JSON records, with their byte offsets,
//! without parsing it and without holding more than one record plus one chunk.
//!
//! The code is in the `trailcheck-parse` crate (crates/parse/src/split.rs, with the
//! full documentation: containers, NDJSON or document, the memory bound), so that the
//! dev profile builds it at opt-level 3; the tests are here.

pub use trailcheck_parse::split::*;

#[cfg(test)]
mod tests;
