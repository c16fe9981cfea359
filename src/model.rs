//! The contracts between the stages, each defined once (docs/design.md sections 3-6).
//!
//! A severity, a verdict, a claim status or an event category is an enum here; its
//! label in the lake, in SQL and in JSON is its serde name, its order is its
//! declaration order, and every list or SQL `CASE` that names them is generated from
//! the enum. A finding and a scored claim are structs whose Arrow schema is derived
//! from their serde form ([`serde_arrow`]), so the stored tables, the JSON outputs and
//! the Rust values cannot drift apart. The analysis parameters are one table,
//! [`PARAMS`], that gives each its name, type, default, bounds and meaning; `--param`,
//! the `params` table of SQL, the run record and the report's manifest read it.
//!
//! `session`, `analyze`, `scoring`, `report` and the command line take these types;
//! nothing here depends on them.

use std::sync::{Arc, LazyLock};

use arrow::array::RecordBatch;
use arrow::datatypes::{DataType, Field, FieldRef, Schema, SchemaRef, TimeUnit};
use serde::{Deserialize, Serialize};
use serde_arrow::schema::{SchemaLike, TracingOptions};
use strum::{Display, EnumString, IntoStaticStr, VariantArray};

use crate::error::{Error, Result};

/// Derives shared by the label enums: serde and strum agree on the lowercase label.
macro_rules! label_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            Serialize, Deserialize, Display, EnumString, IntoStaticStr, VariantArray,
        )]
        #[serde(rename_all = "lowercase")]
        #[strum(serialize_all = "lowercase")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// The label in the lake, SQL and JSON.
            pub fn as_str(self) -> &'static str {
                self.into()
            }

            /// Every label, in declaration order.
            pub fn labels() -> Vec<&'static str> {
                Self::VARIANTS.iter().map(|v| v.as_str()).collect()
            }

            /// Parse a label, or say which labels there are.
            pub fn parse(label: &str) -> std::result::Result<Self, String> {
                label.parse().map_err(|_| {
                    format!(
                        "unknown {} {label:?}; expected one of {}",
                        stringify!($name).to_lowercase(),
                        Self::labels().join(", ")
                    )
                })
            }

            /// A SQL expression giving `column`'s position in declaration order (labels
            /// not of this enum last): for `ORDER BY`.
            pub fn sql_order(column: &str) -> String {
                let mut sql = format!("CASE {column}");
                for (i, v) in Self::VARIANTS.iter().enumerate() {
                    sql.push_str(&format!(" WHEN '{}' THEN {i}", v.as_str()));
                }
                sql.push_str(&format!(" ELSE {} END", Self::VARIANTS.len()));
                sql
            }
        }
    };
}

label_enum! {
    /// How much a finding matters, most severe first.
    #[derive(clap::ValueEnum)]
    pub enum Severity {
        Critical,
        High,
        Medium,
        Low,
        Info,
    }
}

impl Severity {
    /// 0 for critical; a label that is not a severity ranks after all of them.
    pub fn rank_of(label: &str) -> usize {
        label
            .parse::<Severity>()
            .map_or(Self::VARIANTS.len(), |s| s as usize)
    }

    /// OCSF `severity_id` (1 informational .. 5 critical).
    pub fn ocsf_id(self) -> u8 {
        5 - self as u8
    }
}

label_enum! {
    /// What the logs prove about a finding.
    pub enum Verdict {
        /// The logs show it.
        Confirmed,
        /// The logs cannot prove it either way (window too short, field missing).
        Indeterminate,
    }
}

label_enum! {
    /// How a documented logging claim held against the export, best first.
    pub enum ClaimStatus {
        Verified,
        Partial,
        Unverified,
        Contradicted,
    }
}

impl ClaimStatus {
    /// Points of the status in a score (docs/design.md section 6).
    pub fn points(self) -> f64 {
        match self {
            ClaimStatus::Verified => 1.0,
            ClaimStatus::Partial => 0.5,
            ClaimStatus::Unverified => 0.25,
            ClaimStatus::Contradicted => 0.0,
        }
    }
}

label_enum! {
    /// Event category (docs/design.md section 3), the `category` column of `events`.
    pub enum Category {
        Admin,
        Token,
        Policy,
        Authentication,
        Lifecycle,
        /// Access reviews and certifications (Entra "Access Reviews", Okta `certification.*`).
        Governance,
        Other,
    }
}

fn timestamp_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

/// Trace `T`'s fields from its serde form: the label enums named as plain text, the named fields as
/// UTC microsecond timestamps, `Vec<String>` as a list of nullable `item`s (the layout
/// DataFusion's `make_array` gives).
fn traced<T: for<'de> Deserialize<'de>>(
    labels: &[&str],
    timestamps: &[&str],
    lists: &[&str],
) -> Vec<FieldRef> {
    let mut options = TracingOptions::default()
        .enums_without_data_as_strings(true)
        .strings_as_large_utf8(false);
    for name in labels {
        let f = serde_json::json!({"name": name, "data_type": "Utf8", "nullable": false});
        options = options.overwrite(*name, &f).expect("label overwrite");
    }
    for name in timestamps {
        let f = serde_json::json!({
            "name": name, "data_type": "Timestamp(Microsecond, Some(\"UTC\"))", "nullable": true,
        });
        options = options.overwrite(*name, &f).expect("timestamp overwrite");
    }
    for name in lists {
        let f = serde_json::json!({
            "name": name, "data_type": "List", "nullable": true,
            "children": [{"name": "item", "data_type": "Utf8", "nullable": true}],
        });
        options = options.overwrite(*name, &f).expect("list overwrite");
    }
    Vec::<FieldRef>::from_type::<T>(options).expect("contract struct traces")
}

/// One finding of one rule (docs/design.md section 5): the `findings` table's row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable across runs: rule, provider, tenant and subject hashed.
    pub finding_uid: String,
    pub rule_id: String,
    pub severity: Severity,
    pub verdict: Verdict,
    pub provider: String,
    pub tenant: String,
    pub subject_uid: Option<String>,
    pub subject_name: Option<String>,
    pub subject_type: Option<String>,
    pub summary: Option<String>,
    /// A JSON object, as text (the events, dates and counts that prove the finding).
    pub evidence: Option<String>,
    /// Microseconds since the epoch, UTC.
    pub first_seen: Option<i64>,
    pub last_seen: Option<i64>,
    pub as_of: Option<i64>,
    pub frameworks: Option<Vec<String>>,
    /// The analyze run that stored it.
    pub run_id: Option<String>,
}

static FINDING_FIELDS: LazyLock<Vec<FieldRef>> = LazyLock::new(|| {
    traced::<Finding>(
        &["severity", "verdict"],
        &["first_seen", "last_seen", "as_of"],
        &["frameworks"],
    )
});

impl Finding {
    /// The stored findings' schema.
    pub fn schema() -> SchemaRef {
        Arc::new(Schema::new(FINDING_FIELDS.clone()))
    }

    /// The columns, in order (the run id last).
    pub fn columns() -> Vec<&'static str> {
        FINDING_FIELDS.iter().map(|f| f.name().as_str()).collect()
    }

    /// The columns findings are shown with (all but the run id), comma-separated for SQL.
    pub fn shown_columns_sql() -> String {
        Self::columns()
            .into_iter()
            .filter(|c| *c != "run_id")
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Findings as one batch of [`Finding::schema`].
    pub fn to_batch(rows: &[Finding]) -> Result<RecordBatch> {
        serde_arrow::to_record_batch(&FINDING_FIELDS, &rows).map_err(arrow_error)
    }

    /// Findings read from batches of [`Finding::schema`] (the lake's, or a query's
    /// result cast to it).
    pub fn from_batches(batches: &[RecordBatch]) -> Result<Vec<Finding>> {
        let mut out = Vec::new();
        for b in batches {
            let rows: Vec<Finding> = serde_arrow::from_record_batch(b).map_err(arrow_error)?;
            out.extend(rows);
        }
        Ok(out)
    }
}

/// One documented claim of one provider/tenant, scored (docs/design.md section 6): the
/// `scorecards` table's row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredClaim {
    pub provider: String,
    pub tenant: String,
    pub claim_id: String,
    /// The claim's kind (`event_type`, `category`, `field`, `retention`, `latency`).
    pub kind: String,
    pub statement: String,
    pub status: ClaimStatus,
    /// A JSON object, as text (counts, ratios, windows and example events).
    pub evidence: String,
    pub frameworks: Option<Vec<String>>,
    pub source_url: Option<String>,
    /// The provider/tenant's score 0-100 (null when no claim could be weighed).
    pub score: Option<i64>,
    /// Microseconds since the epoch, UTC.
    pub as_of: Option<i64>,
    /// The score run that stored it.
    pub run_id: Option<String>,
}

static SCORED_CLAIM_FIELDS: LazyLock<Vec<FieldRef>> =
    LazyLock::new(|| traced::<ScoredClaim>(&["status"], &["as_of"], &["frameworks"]));

impl ScoredClaim {
    /// The stored scorecards' schema.
    pub fn schema() -> SchemaRef {
        Arc::new(Schema::new(SCORED_CLAIM_FIELDS.clone()))
    }

    /// Scored claims as one batch of [`ScoredClaim::schema`].
    pub fn to_batch(rows: &[ScoredClaim]) -> Result<RecordBatch> {
        serde_arrow::to_record_batch(&SCORED_CLAIM_FIELDS, &rows).map_err(arrow_error)
    }
}

fn arrow_error(e: serde_arrow::Error) -> Error {
    Error::Arrow(arrow::error::ArrowError::ExternalError(Box::new(e)))
}

/// The type and bounds of one analysis parameter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamKind {
    /// A window of days reaching back from `as_of`: 0 ..= [`MAX_DAYS`] (at most a
    /// century, so no cutoff leaves the range timestamps have), at least `min`.
    Days { min: i64 },
    /// A whole number, 0 or more.
    Count,
    /// A number from 0 to 1.
    Ratio,
    /// A point in time (RFC 3339 or epoch), within the range of event times.
    Time,
    /// A run id (for `findings_diff`).
    Run,
}

/// The longest window of days a parameter may give (a century).
pub const MAX_DAYS: i64 = 36_525;

/// A parameter's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ParamValue {
    Int(i64),
    Float(f64),
}

/// One analysis parameter: everything said about it, in one row of [`PARAMS`].
#[derive(Debug)]
pub struct ParamSpec {
    pub name: &'static str,
    pub kind: ParamKind,
    /// The default, as `--param` would give it (`None`: unset).
    pub default: Option<&'static str>,
    pub doc: &'static str,
    /// For a window of days: the name of the column of `params` giving `as_of` minus
    /// the window.
    pub cutoff: Option<&'static str>,
    /// Whether the value decides findings or scores (recorded with every run, shown in
    /// the report's manifest); `diff_from`/`diff_to` only choose runs to compare.
    pub recorded: bool,
}

/// Every analysis parameter. `as_of` defaults to the latest event in the lake.
pub static PARAMS: &[ParamSpec] = &[
    ParamSpec {
        name: "as_of",
        kind: ParamKind::Time,
        default: None,
        doc: "End of the evidence; defaults to the latest event time in the lake.",
        cutoff: None,
        recorded: true,
    },
    ParamSpec {
        name: "dormant_days",
        kind: ParamKind::Days { min: 0 },
        default: Some("90"),
        doc: "Days without activity before an identity or credential is dormant.",
        cutoff: Some("dormant_cutoff"),
        recorded: true,
    },
    ParamSpec {
        name: "max_super_admins",
        kind: ParamKind::Count,
        default: Some("4"),
        doc: "Privileged-role holders a tenant may have before it is flagged.",
        cutoff: None,
        recorded: true,
    },
    ParamSpec {
        name: "gap_days",
        kind: ParamKind::Days { min: 1 },
        default: Some("3"),
        doc: "Days without any event of a stream that count as a logging gap.",
        cutoff: None,
        recorded: true,
    },
    ParamSpec {
        name: "volume_drop_ratio",
        kind: ParamKind::Ratio,
        default: Some("0.25"),
        doc: "A week below this share of the median week counts as a drop in volume.",
        cutoff: None,
        recorded: true,
    },
    ParamSpec {
        name: "min_weekly_events",
        kind: ParamKind::Count,
        default: Some("20"),
        doc: "Median weekly events a stream needs before drops in it are judged.",
        cutoff: None,
        recorded: true,
    },
    ParamSpec {
        name: "rotation_days",
        kind: ParamKind::Days { min: 0 },
        default: Some("365"),
        doc: "Days after which a credential that was never rotated is stale.",
        cutoff: Some("rotation_cutoff"),
        recorded: true,
    },
    ParamSpec {
        name: "max_credential_age_days",
        kind: ParamKind::Days { min: 0 },
        default: Some("365"),
        doc: "Longest lifetime a credential may be issued with.",
        cutoff: None,
        recorded: true,
    },
    ParamSpec {
        name: "review_grace_days",
        kind: ParamKind::Days { min: 0 },
        default: Some("14"),
        doc: "Days allowed to carry out a revoke decision of an access review.",
        cutoff: None,
        recorded: true,
    },
    ParamSpec {
        name: "diff_from",
        kind: ParamKind::Run,
        default: None,
        doc: "The earlier analyze run that `findings_diff` compares.",
        cutoff: None,
        recorded: false,
    },
    ParamSpec {
        name: "diff_to",
        kind: ParamKind::Run,
        default: None,
        doc: "The later analyze run that `findings_diff` compares.",
        cutoff: None,
        recorded: false,
    },
];

impl ParamSpec {
    /// The parameter named `name`, or a usage error listing them all.
    pub fn find(name: &str) -> Result<&'static ParamSpec> {
        PARAMS.iter().find(|p| p.name == name).ok_or_else(|| {
            Error::Usage(format!(
                "unknown parameter {name:?}; known: {}",
                PARAMS.iter().map(|p| p.name).collect::<Vec<_>>().join(", ")
            ))
        })
    }

    /// Check `text` as this parameter's value.
    pub fn check(&self, text: &str) -> Result<ParamValue> {
        let name = self.name;
        let whole = || text.trim().parse::<i64>().ok().filter(|n| *n >= 0);
        match self.kind {
            ParamKind::Days { min } => whole()
                .filter(|n| *n <= MAX_DAYS)
                .map(|n| ParamValue::Int(n.max(min)))
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "parameter {name} takes a number of days from 0 to {MAX_DAYS}, not {text:?}"
                    ))
                }),
            ParamKind::Count => whole().map(ParamValue::Int).ok_or_else(|| {
                Error::Usage(format!(
                    "parameter {name} takes a whole number, not {text:?}"
                ))
            }),
            ParamKind::Ratio => text
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|r| (0.0..=1.0).contains(r))
                .map(ParamValue::Float)
                .ok_or_else(|| {
                    Error::Usage(format!("{name} takes a number from 0 to 1, not {text:?}"))
                }),
            ParamKind::Time => crate::time::parse_str(text)
                .map(|p| ParamValue::Int(p.micros))
                .map_err(|e| Error::Usage(format!("{name}: {e}"))),
            ParamKind::Run => Err(Error::Usage(format!("{name} is a run id, not a number"))),
        }
    }
}

/// Analysis parameters, with the defaults of [`PARAMS`]; all visible to SQL as the
/// one-row `params` table ([`Params::batch`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// End of the evidence; `None` until a session resolves it from the lake.
    pub as_of: Option<i64>,
    pub dormant_days: i64,
    pub max_super_admins: i64,
    pub gap_days: i64,
    pub volume_drop_ratio: f64,
    pub min_weekly_events: i64,
    pub rotation_days: i64,
    pub max_credential_age_days: i64,
    pub review_grace_days: i64,
    /// The two analyze runs `findings_diff` compares (default: the last two).
    pub diff_from: Option<String>,
    pub diff_to: Option<String>,
}

impl Default for Params {
    fn default() -> Self {
        let mut p = Params {
            as_of: None,
            dormant_days: 0,
            max_super_admins: 0,
            gap_days: 0,
            volume_drop_ratio: 0.0,
            min_weekly_events: 0,
            rotation_days: 0,
            max_credential_age_days: 0,
            review_grace_days: 0,
            diff_from: None,
            diff_to: None,
        };
        for spec in PARAMS {
            if let Some(d) = spec.default {
                p.set(spec.name, d).expect("a default passes its own check");
            }
        }
        p
    }
}

/// A parameter's value as a field of [`Params`] holds it.
#[derive(Debug, Clone, PartialEq)]
enum Slot {
    Int(Option<i64>),
    Float(f64),
    Text(Option<String>),
}

impl Params {
    /// Set one parameter by name (`--param name=value`), checked as [`PARAMS`] says.
    pub fn set(&mut self, name: &str, text: &str) -> Result<()> {
        let spec = ParamSpec::find(name)?;
        let slot = match spec.kind {
            ParamKind::Run => Slot::Text(Some(text.to_string())),
            _ => match spec.check(text)? {
                ParamValue::Int(n) => Slot::Int(Some(n)),
                ParamValue::Float(f) => Slot::Float(f),
            },
        };
        self.put(spec.name, slot);
        Ok(())
    }

    /// The one place a parameter's name meets its field (both ways); a test checks
    /// that every row of [`PARAMS`] has its field.
    fn put(&mut self, name: &str, slot: Slot) {
        let int = |s: Slot| match s {
            Slot::Int(n) => n.unwrap_or(0),
            other => panic!("{name}: {other:?} is not whole"),
        };
        match name {
            "as_of" => self.as_of = if let Slot::Int(n) = slot { n } else { None },
            "dormant_days" => self.dormant_days = int(slot),
            "max_super_admins" => self.max_super_admins = int(slot),
            "gap_days" => self.gap_days = int(slot),
            "volume_drop_ratio" => {
                self.volume_drop_ratio = if let Slot::Float(f) = slot { f } else { 0.0 }
            }
            "min_weekly_events" => self.min_weekly_events = int(slot),
            "rotation_days" => self.rotation_days = int(slot),
            "max_credential_age_days" => self.max_credential_age_days = int(slot),
            "review_grace_days" => self.review_grace_days = int(slot),
            "diff_from" => self.diff_from = if let Slot::Text(t) = slot { t } else { None },
            "diff_to" => self.diff_to = if let Slot::Text(t) = slot { t } else { None },
            other => panic!("parameter {other} has no field in Params"),
        }
    }

    fn get(&self, name: &str) -> Slot {
        match name {
            "as_of" => Slot::Int(self.as_of),
            "dormant_days" => Slot::Int(Some(self.dormant_days)),
            "max_super_admins" => Slot::Int(Some(self.max_super_admins)),
            "gap_days" => Slot::Int(Some(self.gap_days)),
            "volume_drop_ratio" => Slot::Float(self.volume_drop_ratio),
            "min_weekly_events" => Slot::Int(Some(self.min_weekly_events)),
            "rotation_days" => Slot::Int(Some(self.rotation_days)),
            "max_credential_age_days" => Slot::Int(Some(self.max_credential_age_days)),
            "review_grace_days" => Slot::Int(Some(self.review_grace_days)),
            "diff_from" => Slot::Text(self.diff_from.clone()),
            "diff_to" => Slot::Text(self.diff_to.clone()),
            other => panic!("parameter {other} has no field in Params"),
        }
    }

    /// The parameters that decide findings and scores, as JSON (`as_of` as RFC 3339):
    /// what every run records and the report's manifest shows, so that a run can be
    /// reproduced with `--param name=value` for each.
    pub fn recorded_json(&self) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        for spec in PARAMS.iter().filter(|p| p.recorded) {
            let v = match (spec.kind, self.get(spec.name)) {
                (ParamKind::Time, Slot::Int(t)) => t.map(crate::time::format_micros).into(),
                (_, Slot::Int(n)) => n.into(),
                (_, Slot::Float(f)) => f.into(),
                (_, Slot::Text(t)) => t.into(),
            };
            out.insert(spec.name.to_string(), v);
        }
        serde_json::Value::Object(out)
    }

    /// The one-row `params` table: a column per parameter (with `as_of` resolved), and
    /// after each window of days the cutoff it gives (`<name without _days>_cutoff`,
    /// for the parameters that have one).
    pub fn batch(&self, as_of: i64) -> RecordBatch {
        use arrow::array::TimestampMicrosecondArray as Ts;
        use arrow::array::{ArrayRef, Float64Array, Int64Array, StringArray};
        let ts = |v: i64| -> ArrayRef { Arc::new(Ts::from(vec![v]).with_timezone("UTC")) };
        let mut fields = Vec::new();
        let mut cols: Vec<ArrayRef> = Vec::new();
        for spec in PARAMS {
            let slot = if spec.name == "as_of" {
                Slot::Int(Some(as_of))
            } else {
                self.get(spec.name)
            };
            match (spec.kind, slot) {
                (ParamKind::Time, Slot::Int(t)) => {
                    fields.push(Field::new(spec.name, timestamp_type(), false));
                    cols.push(ts(t.unwrap_or(as_of)));
                }
                (_, Slot::Int(n)) => {
                    let n = n.unwrap_or(0);
                    fields.push(Field::new(spec.name, DataType::Int64, false));
                    cols.push(Arc::new(Int64Array::from(vec![n])));
                    if let Some(cutoff) = spec.cutoff {
                        fields.push(Field::new(cutoff, timestamp_type(), false));
                        cols.push(ts(as_of.saturating_sub(n.saturating_mul(DAY_MICROS))));
                    }
                }
                (_, Slot::Float(f)) => {
                    fields.push(Field::new(spec.name, DataType::Float64, false));
                    cols.push(Arc::new(Float64Array::from(vec![f])));
                }
                (_, Slot::Text(t)) => {
                    fields.push(Field::new(spec.name, DataType::Utf8, true));
                    cols.push(Arc::new(StringArray::from(vec![t])));
                }
            }
        }
        RecordBatch::try_new(Arc::new(Schema::new(fields)), cols).expect("params batch")
    }
}

const DAY_MICROS: i64 = 86_400_000_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_parse_print_and_order_alike() {
        for s in Severity::VARIANTS {
            assert_eq!(Severity::parse(s.as_str()), Ok(*s));
            assert_eq!(s.to_string(), s.as_str());
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(s.as_str())
            );
        }
        assert!(Severity::Critical < Severity::Info);
        assert_eq!(Severity::rank_of("high"), 1);
        assert_eq!(Severity::rank_of("bogus"), 5);
        assert_eq!(Severity::Critical.ocsf_id(), 5);
        assert_eq!(Severity::Info.ocsf_id(), 1);
        assert_eq!(
            Severity::sql_order("severity"),
            "CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 \
             WHEN 'low' THEN 3 WHEN 'info' THEN 4 ELSE 5 END"
        );
        assert!(Category::parse("governance").is_ok());
        let err = Category::parse("admins").unwrap_err();
        assert!(err.contains("governance"), "{err}");
    }

    #[test]
    fn the_findings_schema_is_the_stored_one() {
        // The layout lakes written before this type existed have: a change here is a
        // change of the stored contract.
        let s = |n: &str, null: bool| Field::new(n, DataType::Utf8, null);
        let expected = Schema::new(vec![
            s("finding_uid", false),
            s("rule_id", false),
            s("severity", false),
            s("verdict", false),
            s("provider", false),
            s("tenant", false),
            s("subject_uid", true),
            s("subject_name", true),
            s("subject_type", true),
            s("summary", true),
            s("evidence", true),
            Field::new("first_seen", timestamp_type(), true),
            Field::new("last_seen", timestamp_type(), true),
            Field::new("as_of", timestamp_type(), true),
            Field::new(
                "frameworks",
                DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
                true,
            ),
            s("run_id", true),
        ]);
        assert_eq!(Finding::schema().as_ref(), &expected);
    }

    #[test]
    fn the_scorecard_schema_is_the_stored_one() {
        // The layout of the scorecards stored before this type existed.
        let s = |n: &str, null: bool| Field::new(n, DataType::Utf8, null);
        let expected = Schema::new(vec![
            s("provider", false),
            s("tenant", false),
            s("claim_id", false),
            s("kind", false),
            s("statement", false),
            s("status", false),
            s("evidence", false),
            Field::new(
                "frameworks",
                DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
                true,
            ),
            s("source_url", true),
            Field::new("score", DataType::Int64, true),
            Field::new("as_of", timestamp_type(), true),
            s("run_id", true),
        ]);
        assert_eq!(ScoredClaim::schema().as_ref(), &expected);
        let row = ScoredClaim {
            provider: "okta".into(),
            tenant: "t".into(),
            claim_id: "c".into(),
            kind: "field".into(),
            statement: "s".into(),
            status: ClaimStatus::Partial,
            evidence: "{}".into(),
            frameworks: Some(vec!["SOC 2 CC7.2".into()]),
            source_url: Some("https://example.com".into()),
            score: None,
            as_of: Some(1),
            run_id: Some("r".into()),
        };
        let batch = ScoredClaim::to_batch(&[row]).unwrap();
        assert_eq!(batch.schema(), ScoredClaim::schema());
        assert_eq!(batch.num_rows(), 1);
    }

    #[test]
    fn findings_round_trip_through_arrow() {
        let f = Finding {
            finding_uid: "u".into(),
            rule_id: "dormant-credential".into(),
            severity: Severity::High,
            verdict: Verdict::Indeterminate,
            provider: "okta".into(),
            tenant: "t".into(),
            subject_uid: Some("s".into()),
            subject_name: None,
            subject_type: Some("service".into()),
            summary: Some("x".into()),
            evidence: Some(r#"{"a":1}"#.into()),
            first_seen: Some(1_700_000_000_000_000),
            last_seen: None,
            as_of: Some(1_700_000_000_000_001),
            frameworks: Some(vec!["SOC 2 CC6.1".into()]),
            run_id: Some("r".into()),
        };
        let batch = Finding::to_batch(std::slice::from_ref(&f)).unwrap();
        assert_eq!(batch.schema(), Finding::schema());
        assert_eq!(Finding::from_batches(&[batch]).unwrap(), vec![f.clone()]);
    }

    #[test]
    fn every_parameter_has_its_field_and_column() {
        let mut p = Params::default();
        assert_eq!(p.dormant_days, 90);
        assert_eq!(p.review_grace_days, 14);
        for spec in PARAMS {
            let text = match spec.kind {
                ParamKind::Time => "2026-01-02T03:04:05Z",
                ParamKind::Ratio => "0.5",
                ParamKind::Run => "run-1",
                _ => "7",
            };
            p.set(spec.name, text).unwrap();
            let back = match p.get(spec.name) {
                Slot::Int(Some(n)) if spec.kind == ParamKind::Time => crate::time::format_micros(n),
                Slot::Int(n) => n.unwrap().to_string(),
                Slot::Float(f) => f.to_string(),
                Slot::Text(t) => t.unwrap(),
            };
            assert_eq!(back, text, "{}", spec.name);
        }
        let batch = p.batch(1_000_000 * 86_400 * 10);
        let names: Vec<String> = batch
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        for spec in PARAMS {
            assert!(names.contains(&spec.name.to_string()), "{}", spec.name);
        }
        assert!(names.contains(&"dormant_cutoff".to_string()));
        let recorded = p.recorded_json();
        assert_eq!(recorded["review_grace_days"], 7);
        assert_eq!(recorded["as_of"], "2026-01-02T03:04:05Z");
        assert!(recorded.get("diff_from").is_none());
    }

    #[test]
    fn params_are_checked_by_their_kind() {
        let days = ParamSpec::find("dormant_days").unwrap();
        assert_eq!(days.check("30").unwrap(), ParamValue::Int(30));
        assert!(days.check("36526").is_err());
        assert!(days.check("-1").is_err());
        assert_eq!(
            ParamSpec::find("gap_days").unwrap().check("0").unwrap(),
            ParamValue::Int(1)
        );
        assert!(
            ParamSpec::find("volume_drop_ratio")
                .unwrap()
                .check("1.5")
                .is_err()
        );
        let unknown = ParamSpec::find("dormant").unwrap_err().to_string();
        assert!(unknown.contains("review_grace_days"), "{unknown}");
    }
}
