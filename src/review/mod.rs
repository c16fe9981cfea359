//! Access-review results: the second kind of input. A review export says who was
//! reviewed for which access, what the reviewer decided and when. Ingest reads review
//! files like audit logs (same reader: CSV rows or JSON records, gzip, offsets), and a
//! record that no audit-log provider recognizes is offered to the formats listed in
//! [`FORMATS`]; each turns one record into one [`Review`] row or a reason why not.
//! The rows go to the lake's `reviews` table (`reviews/run=<run>/reviews.parquet`),
//! deduplicated by `review_uid` across runs; the access-review rules read it.
//!
//! Formats (documented in `docs/access-reviews.md`, with their sources):
//! * [`entra::HISTORY`]: the Entra ID review history report CSV;
//! * [`entra::GRAPH`]: Microsoft Graph `accessReviewInstanceDecisionItem` JSON;
//! * [`okta::REVIEWS`]: Okta Identity Governance `/governance/api/v1/reviews` JSON;
//! * [`generic::GENERIC`]: trailcheck's own CSV/JSON for every other source.

use std::collections::HashSet;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use crate::json::Value;
use arrow::array::{ArrayRef, StringArray, TimestampMicrosecondArray, UInt64Array};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use arrow::record_batch::RecordBatch;
use sha2::{Digest, Sha256};

use crate::error::Result;

pub mod entra;
pub mod generic;
pub mod okta;

/// What a review format exposes (the review counterpart of `providers::Provider`).
pub struct Format {
    /// Stable name, stored in the `format` column.
    pub name: &'static str,
    pub title: &'static str,
    /// Whether a record has this format's shape.
    pub detect: fn(&Value<'_>) -> bool,
    /// Map one record to one review row.
    pub map: fn(&Value<'_>, &Context<'_>) -> Result<Review, String>,
}

/// All review formats, in detection order.
pub static FORMATS: &[&Format] = &[
    &entra::HISTORY,
    &entra::GRAPH,
    &okta::REVIEWS,
    &generic::GENERIC,
];

/// The review format whose shape this record has.
pub fn detect(v: &Value<'_>) -> Option<&'static Format> {
    FORMATS.iter().copied().find(|f| (f.detect)(v))
}

/// What a mapper knows besides the record: the tenant from `--tenant` or a
/// `tenant=` folder (review exports rarely name their tenant).
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    pub tenant_override: Option<&'a str>,
    pub tenant_hint: Option<&'a str>,
}

impl Context<'_> {
    pub fn tenant(&self, from_record: Option<String>) -> Option<String> {
        self.tenant_override
            .map(str::to_string)
            .or(from_record)
            .or_else(|| self.tenant_hint.map(str::to_string))
    }
}

/// A reviewer's decision, normalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Revoke,
    NotReviewed,
    DontKnow,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Revoke => "revoke",
            Decision::NotReviewed => "not_reviewed",
            Decision::DontKnow => "dont_know",
        }
    }

    /// Read the decision words the supported formats use (case and separators
    /// ignored). Unknown words are an error, not a guess.
    pub fn parse(text: &str) -> Result<Decision, String> {
        let key: String = text
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        Ok(match key.as_str() {
            "approve" | "approved" | "keep" | "certify" | "certified" | "allow" => {
                Decision::Approve
            }
            "deny" | "denied" | "revoke" | "revoked" | "remove" | "removed" => Decision::Revoke,
            "notreviewed" | "unreviewed" | "noresponse" | "none" => Decision::NotReviewed,
            "dontknow" | "donotknow" => Decision::DontKnow,
            _ => {
                return Err(format!(
                    "decision {text:?} is not one of approve, revoke (deny), not_reviewed, dont_know"
                ));
            }
        })
    }
}

/// The kind of the reviewed principal.
pub fn identity_type(text: &str) -> &'static str {
    let t = text.to_ascii_lowercase();
    if t.contains("service") || t.contains("machine") || t.contains("app") || t == "bot" {
        "machine"
    } else if t.contains("group") {
        "group"
    } else if t.contains("user") || t == "human" || t == "person" {
        "human"
    } else {
        "unknown"
    }
}

/// One reviewed item: one principal's access to one resource, and the decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    /// `entra` or `okta` for their native formats; the `provider` column for generic.
    pub provider: String,
    pub tenant: Option<String>,
    pub review_id: String,
    pub review_name: Option<String>,
    pub period_start: Option<i64>,
    pub period_end: Option<i64>,
    pub identity_uid: Option<String>,
    pub identity_name: Option<String>,
    /// human, machine, group or unknown.
    pub identity_type: &'static str,
    pub resource: Option<String>,
    pub resource_uid: Option<String>,
    pub decision: Decision,
    pub decision_raw: String,
    pub reviewer: Option<String>,
    pub reviewed_at: Option<i64>,
    pub applied_at: Option<i64>,
    pub applied_result: Option<String>,
    pub justification: Option<String>,
}

impl Review {
    /// Identity of the row across re-exports of the same review: what was decided
    /// about whom, for what, when.
    pub fn uid(&self, format: &str) -> String {
        let mut h = Sha256::new();
        for part in [
            Some(format),
            Some(self.provider.as_str()),
            self.tenant.as_deref(),
            Some(self.review_id.as_str()),
            self.identity_uid.as_deref(),
            self.identity_name.as_deref(),
            self.resource_uid.as_deref(),
            self.resource.as_deref(),
            Some(self.decision_raw.as_str()),
        ] {
            h.update(part.unwrap_or("").as_bytes());
            h.update([0]);
        }
        h.update(self.reviewed_at.unwrap_or(0).to_le_bytes());
        hex::encode(&h.finalize()[..16])
    }
}

/// Parse a timestamp cell: RFC 3339 or the other forms `time` reads, or a bare date
/// (`2024-01-03`, read as midnight UTC). Empty is `None`.
pub fn time_opt(v: Option<&Value<'_>>, field: &str) -> Result<Option<i64>, String> {
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    if let Some(s) = v.as_str() {
        let s = s.trim();
        if s.is_empty() {
            return Ok(None);
        }
        if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            let micros = d
                .and_time(chrono::NaiveTime::MIN)
                .and_utc()
                .timestamp_micros();
            return crate::time::check_range(micros, &format!("{field}: date {s:?}")).map(Some);
        }
    }
    crate::time::parse_json(v)
        .map(|p| Some(p.micros))
        .map_err(|e| format!("{field}: {e}"))
}

/// A non-empty trimmed string at `path`.
pub fn text(v: &Value<'_>, path: &[&str]) -> Option<String> {
    crate::providers::str_at(v, path)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The first non-empty string among `paths`.
pub fn first_text(v: &Value<'_>, paths: &[&[&str]]) -> Option<String> {
    paths.iter().find_map(|p| text(v, p))
}

/// Where a review row came from.
pub struct Provenance<'a> {
    pub format: &'static str,
    pub raw: &'a [u8],
    pub source_file: &'a str,
    pub source_offset: u64,
    /// Line of a CSV row (0 for JSON records).
    pub source_line: u64,
}

static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
    let ts = || DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
    let s = |name: &str, nullable: bool| Field::new(name, DataType::Utf8, nullable);
    Arc::new(Schema::new(vec![
        s("review_uid", false),
        s("format", false),
        s("provider", false),
        s("tenant", true),
        s("review_id", false),
        s("review_name", true),
        Field::new("period_start", ts(), true),
        Field::new("period_end", ts(), true),
        s("identity_uid", true),
        s("identity_name", true),
        s("identity_type", false),
        s("resource", true),
        s("resource_uid", true),
        s("decision", false),
        s("decision_raw", false),
        s("reviewer", true),
        Field::new("reviewed_at", ts(), true),
        Field::new("applied_at", ts(), true),
        s("applied_result", true),
        s("justification", true),
        s("source_file", false),
        Field::new("source_offset", DataType::UInt64, false),
        Field::new("source_line", DataType::UInt64, false),
        s("raw", false),
        s("ingest_run", false),
    ]))
});

/// Schema of the `reviews` table.
pub fn schema() -> SchemaRef {
    SCHEMA.clone()
}

/// A review row with where it came from.
struct Row {
    uid: String,
    review: Review,
    format: &'static str,
    source_file: String,
    source_offset: u64,
    source_line: u64,
    raw: String,
}

/// Collects review rows; small (reviews are thousands of rows, not millions), so the
/// whole run's rows are kept and written once.
#[derive(Default)]
pub struct ReviewSink {
    rows: Vec<Row>,
    seen: HashSet<String>,
    pub duplicates: u64,
}

impl ReviewSink {
    /// Start with the uids already in the lake's `reviews` table.
    pub fn open(reviews_dir: &Path) -> Result<ReviewSink> {
        let mut sink = ReviewSink::default();
        let lake = reviews_dir.parent().unwrap_or(reviews_dir);
        for file in crate::lake::committed_files(lake, reviews_dir) {
            crate::lake::writer::read_uids(&file, "review_uid", |u| {
                sink.seen.insert(u.to_string());
            })?;
        }
        Ok(sink)
    }

    /// Add a row; `false` when the same row is already in the lake or this run.
    pub fn push(&mut self, review: Review, p: &Provenance<'_>) -> bool {
        let uid = review.uid(p.format);
        if !self.seen.insert(uid.clone()) {
            self.duplicates += 1;
            return false;
        }
        self.rows.push(Row {
            uid,
            review,
            format: p.format,
            source_file: p.source_file.to_string(),
            source_offset: p.source_offset,
            source_line: p.source_line,
            raw: String::from_utf8_lossy(p.raw).into_owned(),
        });
        true
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The rows as one batch (for `reviews/run=<run>/reviews.parquet`).
    pub fn batch(&self, run: &str) -> Result<RecordBatch> {
        let rows = &self.rows;
        let s = |f: &dyn Fn(&Row) -> Option<&str>| -> ArrayRef {
            Arc::new(rows.iter().map(f).collect::<StringArray>())
        };
        let t = |f: &dyn Fn(&Review) -> Option<i64>| -> ArrayRef {
            Arc::new(
                rows.iter()
                    .map(|r| f(&r.review))
                    .collect::<TimestampMicrosecondArray>()
                    .with_timezone("UTC"),
            )
        };
        let u = |f: &dyn Fn(&Row) -> u64| -> ArrayRef {
            Arc::new(rows.iter().map(|r| Some(f(r))).collect::<UInt64Array>())
        };
        let columns: Vec<ArrayRef> = vec![
            s(&|r| Some(&r.uid)),
            s(&|r| Some(r.format)),
            s(&|r| Some(&r.review.provider)),
            s(&|r| r.review.tenant.as_deref()),
            s(&|r| Some(&r.review.review_id)),
            s(&|r| r.review.review_name.as_deref()),
            t(&|r| r.period_start),
            t(&|r| r.period_end),
            s(&|r| r.review.identity_uid.as_deref()),
            s(&|r| r.review.identity_name.as_deref()),
            s(&|r| Some(r.review.identity_type)),
            s(&|r| r.review.resource.as_deref()),
            s(&|r| r.review.resource_uid.as_deref()),
            s(&|r| Some(r.review.decision.as_str())),
            s(&|r| Some(&r.review.decision_raw)),
            s(&|r| r.review.reviewer.as_deref()),
            t(&|r| r.reviewed_at),
            t(&|r| r.applied_at),
            s(&|r| r.review.applied_result.as_deref()),
            s(&|r| r.review.justification.as_deref()),
            s(&|r| Some(&r.source_file)),
            u(&|r| r.source_offset),
            u(&|r| r.source_line),
            s(&|r| Some(&r.raw)),
            Arc::new(StringArray::from(vec![run; rows.len()])),
        ];
        Ok(RecordBatch::try_new(schema(), columns)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decisions_are_read_or_refused() {
        for (text, d) in [
            ("Approve", Decision::Approve),
            ("APPROVE", Decision::Approve),
            ("Deny", Decision::Revoke),
            ("REVOKE", Decision::Revoke),
            ("Not reviewed", Decision::NotReviewed),
            ("NotReviewed", Decision::NotReviewed),
            ("UNREVIEWED", Decision::NotReviewed),
            ("DontKnow", Decision::DontKnow),
            ("Don't know", Decision::DontKnow),
        ] {
            assert_eq!(Decision::parse(text), Ok(d), "{text}");
        }
        let e = Decision::parse("Maybe").unwrap_err();
        assert!(e.contains("\"Maybe\"") && e.contains("approve"), "{e}");
    }
}
