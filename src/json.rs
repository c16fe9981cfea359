//! A borrowed JSON tree for the per-record hot path: ingest parses every record into a
//! [`Value`] that points into the record's text instead of copying it.
//!
//! The code is in the `trailcheck-parse` crate (crates/parse/src/json.rs, with the full
//! documentation: repeated keys keep the first value, rendering matches serde_json), so
//! that the dev profile builds it at opt-level 3; the tests are here.

pub use trailcheck_parse::json::*;

#[cfg(test)]
mod tests;
