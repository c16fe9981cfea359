//! The queries over the lake: each claim check's SQL is built here, with every value
//! from a claims profile bound as a parameter (`$1`, ...) and every profile column
//! quoted by DataFusion, over the slim view of `events` ([`SLIM`]) kept for one
//! scoring run; the rows come back as JSON objects.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::error::Result;
use crate::session::Session;

/// The values of one query, bound to its `$1`, `$2`, ... as text: what a claims
/// profile says (provider, category, event types, JSON keys) never becomes SQL text.
#[derive(Default)]
pub(super) struct Binds(Vec<String>);

impl Binds {
    /// Bind `value`; its placeholder.
    pub(super) fn bind(&mut self, value: &str) -> String {
        self.0.push(value.to_string());
        format!("${}", self.0.len())
    }

    /// Bind each item; their placeholders, comma-separated (for `IN (...)`).
    pub(super) fn list(&mut self, items: &[String]) -> String {
        items
            .iter()
            .map(|i| self.bind(i))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// An events column of `e`, quoted by DataFusion's unparser. The profile's column
/// names are checked against the events schema when it is parsed; this keeps even an
/// odd name an identifier.
pub(super) fn column(name: &str) -> Result<String> {
    use datafusion::common::Column;
    use datafusion::logical_expr::Expr;
    let expr = Expr::Column(Column::new(Some("e"), name));
    Ok(datafusion::sql::unparser::expr_to_sql(&expr)?.to_string())
}

pub(super) fn str_of(m: &Map<String, Value>, k: &str) -> String {
    match m.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

pub(super) fn num_of(m: &Map<String, Value>, k: &str) -> f64 {
    m.get(k).and_then(Value::as_f64).unwrap_or(0.0)
}

/// Run a query and return its rows as JSON objects.
pub(super) async fn rows(
    session: &Session,
    sql: &str,
    binds: &Binds,
) -> Result<Vec<Map<String, Value>>> {
    let values: Vec<&str> = binds.0.iter().map(String::as_str).collect();
    let batches = session.query_with(sql, &values).await?;
    let mut out = Vec::new();
    for b in &batches {
        let schema = b.schema();
        for row in 0..b.num_rows() {
            let mut m = Map::new();
            for (f, col) in schema.fields().iter().zip(b.columns()) {
                m.insert(f.name().clone(), crate::session::udf::value_at(col, row));
            }
            out.push(m);
        }
    }
    Ok(out)
}

/// The events columns most queries need (reading `raw` is what costs: only field
/// claims ask for it).
pub(super) const COLS: &str = "e.tenant, e.event_uid, e.time, e.event_type, e.category, e.action";

/// The view of [`COLS`] (plus provider, source_file) up to as_of,
/// `queries/views/evidence_events.sql`: kept for the session like every view.
pub(super) const SLIM: &str = "evidence_events";

/// Events of one provider up to as_of, optionally narrowed by category / event types.
pub(super) fn scoped_events(
    b: &mut Binds,
    provider: &str,
    category: Option<&str>,
    event_types: &[String],
) -> String {
    scoped(b, SLIM, COLS, provider, category, event_types)
}

pub(super) fn scoped(
    b: &mut Binds,
    table: &str,
    cols: &str,
    provider: &str,
    category: Option<&str>,
    event_types: &[String],
) -> String {
    let mut w = format!("e.provider = {} AND e.time <= p.as_of", b.bind(provider));
    if let Some(c) = category {
        w.push_str(&format!(" AND e.category = {}", b.bind(c)));
    }
    if !event_types.is_empty() {
        w.push_str(&format!(" AND e.event_type IN ({})", b.list(event_types)));
    }
    // `params` (one row) first: it is what the join holds, and the events stream past
    // it. The other way round the join held every event in scope: 2 GB at 10M events,
    // past the default --memory-limit.
    format!("SELECT {cols} FROM params p CROSS JOIN {table} e WHERE {w}")
}

/// Silent gaps and volume drops of the `logging_gap` rule per provider, then tenant:
/// (gaps, drops).
pub(super) type Gaps = BTreeMap<String, (Vec<Value>, Vec<Value>)>;

pub(super) async fn gaps(session: &Session) -> Result<BTreeMap<String, Gaps>> {
    let found = rows(
        session,
        "SELECT provider, tenant, subject_uid, verdict, summary FROM logging_gap \
         ORDER BY provider, tenant, subject_uid",
        &Binds::default(),
    )
    .await?;
    let mut out: BTreeMap<String, Gaps> = BTreeMap::new();
    for r in found {
        let subject = str_of(&r, "subject_uid");
        let entry = out
            .entry(str_of(&r, "provider"))
            .or_default()
            .entry(str_of(&r, "tenant"))
            .or_default();
        let v =
            json!({"subject": subject, "verdict": r.get("verdict"), "summary": r.get("summary")});
        if subject.starts_with("gap:") {
            entry.0.push(v);
        } else {
            entry.1.push(v);
        }
    }
    Ok(out)
}
