//! The five claim checks (event_type, category, field, retention, latency) and the
//! continuity check over logging gaps: each gives every tenant of a provider a
//! [`ClaimStatus`] and its evidence (see the module doc of [`crate::scoring`]).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::query::{Binds, COLS, Gaps, SLIM, column, num_of, rows, scoped, scoped_events, str_of};
use crate::claims::{Claim, ClaimKind};
use crate::error::Result;
use crate::model::ClaimStatus;
use crate::session::Session;

const DAY_US: f64 = 86_400_000_000.0;

pub(super) type Judged = BTreeMap<String, (ClaimStatus, Value)>;

pub(super) async fn score_claim(
    session: &Session,
    provider: &str,
    claim: &Claim,
    covs: &[Map<String, Value>],
    gaps: &Gaps,
) -> Result<Judged> {
    let mut judged = match claim.kind {
        ClaimKind::EventType => event_type_claim(session, provider, claim, covs).await?,
        ClaimKind::Category => category_claim(session, provider, claim, covs).await?,
        ClaimKind::Field => field_claim(session, provider, claim, covs).await?,
        ClaimKind::Retention => retention_claim(session, provider, claim, covs).await?,
        ClaimKind::Latency => latency_claim(session, provider, claim, covs).await?,
    };
    if claim.continuous {
        for (tenant, (status, evidence)) in judged.iter_mut() {
            let (silent, drops) = gaps.get(tenant).cloned().unwrap_or_default();
            if let Value::Object(m) = evidence {
                m.insert("gaps".into(), Value::Array(silent.clone()));
                m.insert("volume_drops".into(), Value::Array(drops.clone()));
            }
            if !silent.is_empty() {
                *status = ClaimStatus::Contradicted;
            } else if !drops.is_empty() && *status == ClaimStatus::Verified {
                *status = ClaimStatus::Partial;
            }
        }
    }
    Ok(judged)
}

async fn event_type_claim(
    session: &Session,
    provider: &str,
    claim: &Claim,
    covs: &[Map<String, Value>],
) -> Result<Judged> {
    let types = &claim.event_types;
    let mut b = Binds::default();
    let sql = format!(
        "SELECT e.tenant, e.event_type, count(*) AS n, \
                {} AS examples \
         FROM ({}) e GROUP BY e.tenant, e.event_type",
        first_five("e.event_uid", "e.time", None),
        scoped_events(&mut b, provider, None, types)
    );
    let present = rows(session, &sql, &b).await?;
    let mut b = Binds::default();
    let sql = format!(
        "SELECT e.tenant, r.event_type, r.implied_by_action, r.strength, count(*) AS n, \
                {} AS examples \
         FROM claimed_event_types r \
         JOIN ({}) e ON e.action = r.implied_by_action \
         WHERE r.provider = {} AND r.event_type IN ({}) \
         GROUP BY e.tenant, r.event_type, r.implied_by_action, r.strength",
        first_five("e.event_uid", "e.time", None),
        scoped_events(&mut b, provider, None, &[]),
        b.bind(provider),
        b.list(types)
    );
    let implied = rows(session, &sql, &b).await?;
    let mut out = Judged::new();
    for cov in covs {
        let tenant = str_of(cov, "tenant");
        let mut counts = Map::new();
        let mut examples = Vec::new();
        let mut missing = Vec::new();
        let mut implications = Vec::new();
        let mut strong = false;
        for t in types {
            let hit = present
                .iter()
                .find(|r| str_of(r, "tenant") == tenant && &str_of(r, "event_type") == t);
            let n = hit.map_or(0.0, |r| num_of(r, "n")) as i64;
            counts.insert(t.clone(), json!(n));
            if let Some(Value::Array(ex)) = hit.and_then(|r| r.get("examples")) {
                examples.extend(ex.iter().cloned());
            }
            if n == 0 {
                missing.push(t.clone());
                for r in implied
                    .iter()
                    .filter(|r| str_of(r, "tenant") == tenant && &str_of(r, "event_type") == t)
                {
                    let s = str_of(r, "strength");
                    strong |= s == "strong";
                    implications.push(json!({
                        "missing_event_type": t,
                        "implied_by_action": r.get("implied_by_action"),
                        "strength": s,
                        "implying_events": r.get("n"),
                        "examples": r.get("examples"),
                    }));
                }
            }
        }
        let found = types.len() - missing.len();
        let status = if strong {
            ClaimStatus::Contradicted
        } else if missing.is_empty() {
            ClaimStatus::Verified
        } else if found > 0 {
            ClaimStatus::Partial
        } else {
            ClaimStatus::Unverified
        };
        examples.truncate(5);
        out.insert(
            tenant,
            (
                status,
                json!({
                    "claimed_event_types": types,
                    "event_counts": counts,
                    "present": found,
                    "present_ratio": found as f64 / types.len() as f64,
                    "missing": missing,
                    "implied_by_other_events": implications,
                    "examples": examples,
                }),
            ),
        );
    }
    Ok(out)
}

async fn category_claim(
    session: &Session,
    provider: &str,
    claim: &Claim,
    covs: &[Map<String, Value>],
) -> Result<Judged> {
    let category = claim.category.as_deref().unwrap_or("other");
    let mut b = Binds::default();
    let sql = format!(
        "SELECT e.tenant, count(*) AS n, count(DISTINCT e.event_type) AS event_types, \
                {} AS examples \
         FROM ({}) e GROUP BY e.tenant",
        first_five("e.event_uid", "e.time", None),
        scoped_events(&mut b, provider, Some(category), &[])
    );
    let found = rows(session, &sql, &b).await?;
    let mut out = Judged::new();
    for cov in covs {
        let tenant = str_of(cov, "tenant");
        let hit = found.iter().find(|r| str_of(r, "tenant") == tenant);
        let n = hit.map_or(0.0, |r| num_of(r, "n")) as i64;
        let status = if n > 0 {
            ClaimStatus::Verified
        } else {
            ClaimStatus::Unverified
        };
        out.insert(
            tenant,
            (
                status,
                json!({
                    "category": category,
                    "category_events": n,
                    "category_event_types": hit.map_or(json!(0), |r| r.get("event_types").cloned().unwrap_or(json!(0))),
                    "examples": hit.and_then(|r| r.get("examples").cloned()).unwrap_or(json!([])),
                }),
            ),
        );
    }
    Ok(out)
}

async fn field_claim(
    session: &Session,
    provider: &str,
    claim: &Claim,
    covs: &[Map<String, Value>],
) -> Result<Judged> {
    // Each claimed field as (label, SQL predicate "is filled").
    let mut b = Binds::default();
    let mut preds: Vec<(String, String)> = Vec::new();
    for path in &claim.fields {
        // Typed: json_get_json checks its path arguments when the query is planned.
        let keys = path
            .iter()
            .map(|k| format!("CAST({} AS VARCHAR)", b.bind(k)))
            .collect::<Vec<_>>()
            .join(", ");
        let v = format!("json_get_json(e.raw, {keys})");
        preds.push((
            format!("raw.{}", path.join(".")),
            format!("({v} IS NOT NULL AND {v} NOT IN ('null', '\"\"'))"),
        ));
    }
    for col in &claim.columns {
        // Columns are checked against the events schema when the profile is parsed.
        preds.push((col.clone(), format!("({} IS NOT NULL)", column(col)?)));
    }
    let all = preds
        .iter()
        .map(|(_, p)| p.as_str())
        .collect::<Vec<_>>()
        .join(" AND ");
    // Each event's flags first, so that the sort the examples need carries the flags and
    // not `raw` (3M CloudTrail events: gigabytes of JSON through the sort).
    let flags = preds
        .iter()
        .enumerate()
        .map(|(i, (_, p))| format!("CASE WHEN {p} THEN 1 ELSE 0 END AS f{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sums = (0..preds.len())
        .map(|i| format!("sum(e.f{i}) AS f{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut extra = String::new();
    for c in &claim.columns {
        if !COLS.split(", ").any(|x| x == format!("e.{c}")) {
            extra.push_str(&format!(", {}", column(c)?));
        }
    }
    let sql = format!(
        "SELECT e.tenant, count(*) AS n, {sums}, \
                    {} AS missing_examples, \
                    {} AS examples \
             FROM (SELECT e.tenant, e.time, e.event_uid, {flags}, ({all}) AS all_filled \
                   FROM ({}) e) e \
             GROUP BY e.tenant",
        first_five("e.event_uid", "e.time", Some("NOT e.all_filled")),
        first_five("e.event_uid", "e.time", None),
        scoped(
            &mut b,
            "events",
            &format!("{COLS}, e.raw{extra}"),
            provider,
            claim.category.as_deref(),
            &claim.event_types
        )
    );
    let found = rows(session, &sql, &b).await?;
    let mut out = Judged::new();
    for cov in covs {
        let tenant = str_of(cov, "tenant");
        let hit = found.iter().find(|r| str_of(r, "tenant") == tenant);
        let n = hit.map_or(0.0, |r| num_of(r, "n"));
        let mut ratios = Map::new();
        let (mut min, mut any_zero) = (1.0f64, false);
        for (i, (label, _)) in preds.iter().enumerate() {
            let filled = hit.map_or(0.0, |r| num_of(r, &format!("f{i}")));
            let ratio = if n > 0.0 { filled / n } else { 0.0 };
            min = min.min(ratio);
            any_zero |= filled == 0.0;
            ratios.insert(label.clone(), json!((ratio * 10000.0).round() / 10000.0));
        }
        let status = if n == 0.0 {
            ClaimStatus::Unverified
        } else if any_zero {
            ClaimStatus::Contradicted
        } else if min < 1.0 {
            ClaimStatus::Partial
        } else {
            ClaimStatus::Verified
        };
        let examples = if status == ClaimStatus::Verified {
            hit.and_then(|r| r.get("examples").cloned())
        } else {
            hit.and_then(|r| r.get("missing_examples").cloned())
        };
        out.insert(
            tenant,
            (
                status,
                json!({
                    "events_checked": n as i64,
                    "fill_ratio": ratios,
                    "min_fill_ratio": if n > 0.0 { json!(min) } else { Value::Null },
                    "examples": examples.unwrap_or(json!([])),
                    "examples_are": if status == ClaimStatus::Verified { "events with every field" } else { "events missing a claimed field" },
                }),
            ),
        );
    }
    Ok(out)
}

async fn retention_claim(
    session: &Session,
    provider: &str,
    claim: &Claim,
    covs: &[Map<String, Value>],
) -> Result<Judged> {
    let claimed: Option<(String, u32)> = match &claim.tier {
        Some(t) => claim.retention_days.get(t).map(|d| (t.clone(), *d)),
        None => claim
            .retention_days
            .iter()
            .min_by_key(|(_, d)| **d)
            .map(|(t, d)| (t.clone(), *d)),
    };
    let mut b = Binds::default();
    let sql = format!(
        "SELECT e.tenant, count(*) AS n, CAST(min(e.time) AS BIGINT) AS first_us, \
                min(e.time) AS first_event, \
                {} AS examples \
         FROM ({}) e GROUP BY e.tenant",
        first_five("e.event_uid", "e.time", None),
        scoped_events(&mut b, provider, claim.category.as_deref(), &[])
    );
    let found = rows(session, &sql, &b).await?;
    let mut out = Judged::new();
    for cov in covs {
        let tenant = str_of(cov, "tenant");
        let hit = found.iter().find(|r| str_of(r, "tenant") == tenant);
        let n = hit.map_or(0.0, |r| num_of(r, "n")) as i64;
        let window = hit.map(|r| (session.as_of as f64 - num_of(r, "first_us")) / DAY_US);
        let mut ev = json!({
            "retention_days": claim.retention_days,
            "tier": claimed.as_ref().map(|c| c.0.clone()),
            "tier_rule": if claim.tier.is_some() { "tier given by the profile" } else { "smallest documented value (every tier keeps at least this)" },
            "claimed_retention_days": claimed.as_ref().map(|c| c.1),
            "scope_category": claim.category,
            "scope_events": n,
            "scope_first_event": hit.and_then(|r| r.get("first_event").cloned()),
            "covered_window_days": window.map(|w| (w * 100.0).round() / 100.0),
            "export_complete": claim.export_complete,
            "examples": hit.and_then(|r| r.get("examples").cloned()).unwrap_or(json!([])),
        });
        let status = match (&claimed, window) {
            (None, _) => {
                ev["testable"] = json!(false);
                ev["reason"] = json!("no documented number of days to compare with");
                ClaimStatus::Unverified
            }
            (Some(_), None) => ClaimStatus::Unverified,
            (Some((_, days)), Some(w)) => {
                if w + 1.0 >= *days as f64 {
                    ClaimStatus::Verified
                } else if claim.export_complete {
                    ev["reason"] = json!(format!(
                        "the export is stated to be complete but covers {w:.1} days, less than the claimed {days} days"
                    ));
                    ClaimStatus::Contradicted
                } else {
                    ev["reason"] = json!(format!(
                        "the export covers {w:.1} of the claimed {days} days; not stated to be complete"
                    ));
                    ClaimStatus::Partial
                }
            }
        };
        out.insert(tenant, (status, ev));
    }
    Ok(out)
}

async fn latency_claim(
    session: &Session,
    provider: &str,
    claim: &Claim,
    covs: &[Map<String, Value>],
) -> Result<Judged> {
    let claimed = claim
        .latency_minutes
        .iter()
        .min_by(|a, b| a.1.total_cmp(b.1))
        .map(|(k, v)| (k.clone(), *v));
    // Only CloudTrail S3 object names carry a delivery time.
    let found = if claimed.is_some() && provider == "aws_cloudtrail" {
        let mut b = Binds::default();
        let sql = format!(
            "WITH d AS ( \
                   SELECT e.tenant, e.event_uid, e.time, \
                          (CAST(to_timestamp(regexp_match(e.source_file, '_([0-9]{{8}}T[0-9]{{4}})Z_')[1], '%Y%m%dT%H%M') AS BIGINT) / 1000 \
                           - CAST(e.time AS BIGINT)) / 60000000.0 AS delay_minutes \
                   FROM ({scoped}) e \
                   WHERE regexp_like(e.source_file, '_[0-9]{{8}}T[0-9]{{4}}Z_')) \
                 SELECT tenant, count(*) AS n, avg(delay_minutes) AS mean_delay_minutes, \
                        median(delay_minutes) AS median_delay_minutes, max(delay_minutes) AS max_delay_minutes, \
                        {examples} AS examples \
                 FROM d WHERE delay_minutes >= 0 GROUP BY tenant",
            examples = first_five("event_uid", "delay_minutes DESC", None),
            scoped = scoped(
                &mut b,
                SLIM,
                &format!("{COLS}, e.source_file"),
                provider,
                None,
                &[]
            )
        );
        rows(session, &sql, &b).await?
    } else {
        Vec::new()
    };
    let mut out = Judged::new();
    for cov in covs {
        let tenant = str_of(cov, "tenant");
        let hit = found.iter().find(|r| str_of(r, "tenant") == tenant);
        let mut ev = json!({
            "latency_minutes": claim.latency_minutes,
            "examples": [],
        });
        let status = match (&claimed, hit) {
            (None, _) => {
                ev["testable"] = json!(false);
                ev["reason"] = json!("no documented number of minutes to compare with");
                ClaimStatus::Unverified
            }
            (Some(_), None) => {
                ev["testable"] = json!(false);
                ev["reason"] = json!("the export carries no delivery time to measure latency");
                ClaimStatus::Unverified
            }
            (Some((_, minutes)), Some(r)) => {
                let mean = num_of(r, "mean_delay_minutes");
                ev["measured_from"] = json!("delivery time in the S3 object name vs event time");
                ev["events_measured"] = r.get("n").cloned().unwrap_or(Value::Null);
                ev["mean_delay_minutes"] =
                    r.get("mean_delay_minutes").cloned().unwrap_or(Value::Null);
                ev["median_delay_minutes"] = r
                    .get("median_delay_minutes")
                    .cloned()
                    .unwrap_or(Value::Null);
                ev["max_delay_minutes"] =
                    r.get("max_delay_minutes").cloned().unwrap_or(Value::Null);
                ev["examples"] = r.get("examples").cloned().unwrap_or(json!([]));
                if mean <= *minutes {
                    ClaimStatus::Verified
                } else {
                    ClaimStatus::Partial
                }
            }
        };
        out.insert(tenant, (status, ev));
    }
    Ok(out)
}

/// The first five values of `value` by `order`, of the rows `filter` keeps if given (null
/// when it keeps none), as a list: what `array_slice(array_agg(value ORDER BY order), 1, 5)`
/// gives, in bounded memory. An ordered `array_agg` holds every value of its group until
/// the end, outside what a sort can spill (score on 3M CloudTrail events: 255 s and
/// 3.1 GB, past any memory limit); `nth_value` keeps at most `k` values over input
/// sorted once, and the sort spills.
fn first_five(value: &str, order: &str, filter: Option<&str>) -> String {
    let f = filter
        .map(|w| format!(" FILTER (WHERE {w})"))
        .unwrap_or_default();
    let picks: Vec<String> = (1..=5)
        .map(|k| format!("nth_value({value}, {k} ORDER BY {order}){f}"))
        .collect();
    format!(
        "CASE WHEN count(*){f} = 0 THEN NULL \
         ELSE array_slice(make_array({}), 1, least(count(*){f}, 5)) END",
        picks.join(", ")
    )
}
