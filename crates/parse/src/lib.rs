//! The per-record hot path of trailcheck's ingest: [`split`] cuts a decompressed
//! stream into raw records with their offsets, [`json`] parses one record into a tree
//! that borrows from its text. Used through `trailcheck::read::split` and
//! `trailcheck::json`; see those for the documentation in context.

pub mod json;
pub mod split;
