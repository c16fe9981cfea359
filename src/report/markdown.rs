//! `report.md`: the same order as the page (summary, the findings to act on first,
//! findings by rule, claims, access reviews, changes, coverage), so it reads well pasted
//! into a ticket. Every value from the logs goes through [`md`].

use serde_json::{Value, json};

use super::summary::{self, Subject};
use super::{ReportData, md, unknown_tenant_notices};

/// Markdown-safe text of a string.
fn t(s: &str) -> String {
    crate::text::markdown(s)
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

fn day(v: &Value) -> String {
    s(v).chars().take(10).collect()
}

fn stream(v: &Value) -> String {
    t(&summary::stream_label(s(&v["provider"]), s(&v["tenant"])))
}

fn subject_md(sub: &Subject) -> String {
    t(&sub.text())
}

fn trust_text(v: &Value) -> String {
    let reasons: Vec<String> = v["trust_reasons"]
        .as_array()
        .map(|a| a.iter().map(|r| t(s(r))).collect())
        .unwrap_or_default();
    match s(&v["trust"]) {
        "untrusted" => format!("**cannot be trusted**: {}", reasons.join("; ")),
        "unsure" => format!("not fully verified: {}", reasons.join("; ")),
        _ => "complete".to_string(),
    }
}

pub fn markdown(d: &ReportData) -> String {
    let docs = summary::rule_docs();
    let streams = summary::streams(d);
    let h = summary::headline(d, &streams);
    let subjects: Vec<Subject> = d
        .findings
        .iter()
        .map(|f| summary::subject(f, &d.names))
        .collect();
    let mut m = String::new();
    m.push_str("# trailcheck report\n\n");
    let events: u64 = d.coverage.iter().filter_map(|c| c["events"].as_u64()).sum();
    m.push_str(&format!(
        "Evidence from {} to {} (as_of), {} providers and tenants, {events} events. \
         trailcheck {}; analyze run {}. `manifest.json` reproduces every number.\n\n",
        md(&json!(day(&h["first_event"]))),
        md(&json!(d.as_of)),
        streams.len(),
        crate::VERSION,
        md(d.analyze_run
            .as_ref()
            .map_or(&Value::Null, |r| &r["run_id"])),
    ));
    for n in unknown_tenant_notices(d) {
        m.push_str(&format!("> **Tenant unknown:** {}\n\n", t(&n)));
    }

    // Summary.
    m.push_str("## Summary\n\n");
    m.push_str(&format!(
        "- **{} findings**: {}.\n",
        h["findings"],
        summary::severity_text(&h["by_severity"])
    ));
    m.push_str(&format!(
        "- **Dormant machine identities: {}** ({} confirmed), idle for {} days or more; {} dormant credentials.\n",
        h["dormant_machines"],
        h["dormant_machines_confirmed"],
        h["dormant_days"],
        h["dormant_credentials"]
    ));
    m.push_str(&format!(
        "- **Over-broad admin roles: {}**, held by {} identities ({} critical, {} held by machines).\n",
        h["overbroad_admins"], h["overbroad_holders"], h["overbroad_critical"], h["overbroad_machines"]
    ));
    let list = |k: &str| -> Vec<String> {
        h[k].as_array()
            .map(|a| a.iter().map(|x| t(s(&x["stream"]))).collect())
            .unwrap_or_default()
    };
    let untrusted = list("untrusted");
    m.push_str(&format!(
        "- **Logs that cannot be trusted: {} of {}**{}",
        untrusted.len(),
        h["streams"],
        if untrusted.is_empty() {
            String::new()
        } else {
            format!(": {}", untrusted.join(", "))
        }
    ));
    let unsure = list("unsure");
    if !unsure.is_empty() {
        m.push_str(&format!(
            "; not fully verified: {} ({})",
            unsure.len(),
            unsure.join(", ")
        ));
    }
    m.push_str(".\n");
    match h["changes"].as_object() {
        Some(c) => m.push_str(&format!(
            "- **Since the previous analyze run** ({}): {} new, {} resolved, {} persisting ({} with another severity or verdict).\n",
            md(&c["from_run"]),
            c["new"],
            c["resolved"],
            c["persisting"],
            c["changed"]
        )),
        None => m.push_str(
            "- **Since the previous analyze run:** none; this is the first analysis of this lake.\n",
        ),
    }
    m.push_str("\n| provider / tenant | evidence | score | logs | findings | dormant machines | over-broad admins | since last run |\n|---|---|---|---|---|---|---|---|\n");
    for v in &streams {
        let window = if v["first_event"].is_null() {
            "-".to_string()
        } else {
            format!(
                "{} to {} ({} days)",
                md(&json!(day(&v["first_event"]))),
                md(&json!(day(&v["last_event"]))),
                md(&v["days_covered"])
            )
        };
        let changes = match v["changes"].as_object() {
            Some(c) => format!("{} new, {} resolved", c["new"], c["resolved"]),
            None => "-".to_string(),
        };
        m.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            stream(v),
            window,
            if v["score"].is_null() {
                "-".into()
            } else {
                md(&v["score"])
            },
            trust_text(v),
            if v["findings"] == 0 {
                "none".to_string()
            } else {
                summary::severity_text(&v["by_severity"])
            },
            v["dormant_machines"],
            v["overbroad_admins"],
            changes
        ));
    }
    let first = summary::act_first(d, summary::ACT_FIRST);
    if !first.is_empty() {
        m.push_str("\n### Act on these first\n\n");
        for (n, &i) in first.iter().enumerate() {
            let f = &d.findings[i];
            let doc = docs.iter().find(|r| r.id == s(&f["rule_id"]));
            m.push_str(&format!(
                "{}. **{}** {}: {} ({})  \n   {}  \n   *What to do:* {}\n",
                n + 1,
                md(&f["severity"]),
                t(doc.map_or(s(&f["rule_id"]), |r| r.title.as_str())),
                subject_md(&subjects[i]),
                stream(f),
                md(&f["summary"]),
                t(doc.map_or("", |r| r.todo.as_str()))
            ));
        }
    }

    // Findings by rule.
    m.push_str(&format!("\n## Findings by rule ({})\n", d.findings.len()));
    if d.findings.is_empty() {
        m.push_str("\nNo findings.\n");
    }
    for g in summary::groups(d, &docs) {
        m.push_str(&group_markdown(d, &g, &subjects));
    }

    m.push_str(&claims_markdown(d, &streams));
    m.push_str(&review_markdown(d));
    m.push_str(&changes_markdown(d));
    m.push_str(&coverage_markdown(d));
    m
}

fn group_markdown(d: &ReportData, g: &Value, subjects: &[Subject]) -> String {
    let mut m = String::new();
    m.push_str(&format!(
        "\n### {}: {} ({})\n\n",
        t(s(&g["title"])),
        g["count"],
        summary::severity_text(&g["by_severity"])
    ));
    m.push_str(&format!("Rule {}. ", t(s(&g["rule_id"]))));
    if let Some(why) = g["why"].as_str() {
        m.push_str(&format!("*Why it matters:* {}\n\n", t(why)));
    }
    if let Some(todo) = g["todo"].as_str() {
        m.push_str(&format!("*What to do:* {}\n\n", t(todo)));
    }
    m.push_str(
        "| severity | verdict | subject | provider / tenant | summary |\n|---|---|---|---|---|\n",
    );
    for i in g["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
    {
        let f = &d.findings[i as usize];
        m.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            md(&f["severity"]),
            md(&f["verdict"]),
            subject_md(&subjects[i as usize]),
            stream(f),
            md(&f["summary"])
        ));
    }
    m
}

/// Claims per provider and tenant: the ones not verified in a table, the verified ones
/// named on one line.
fn claims_markdown(d: &ReportData, streams: &[Value]) -> String {
    let mut m = String::new();
    if d.scorecard.is_empty() {
        return "\n## Logging claims\n\nNo scorecard in this lake yet (run `trailcheck score`).\n"
            .into();
    }
    m.push_str("\n## Logging claims\n\nWhat each provider documents about its logs, checked against the logs.\n");
    for v in streams {
        let claims: Vec<&Value> = d
            .scorecard
            .iter()
            .filter(|c| c["provider"] == v["provider"] && c["tenant"] == v["tenant"])
            .collect();
        if claims.is_empty() {
            continue;
        }
        m.push_str(&format!(
            "\n### {}: score {}\n\n",
            stream(v),
            if v["score"].is_null() {
                "-".into()
            } else {
                md(&v["score"])
            }
        ));
        let open: Vec<&&Value> = claims
            .iter()
            .filter(|c| c["status"] != "verified")
            .collect();
        if !open.is_empty() {
            m.push_str("| status | claim | statement |\n|---|---|---|\n");
            let rank = |c: &Value| match s(&c["status"]) {
                "contradicted" => 0,
                "unverified" => 1,
                "partial" => 2,
                _ => 3,
            };
            let mut open = open;
            open.sort_by_key(|c| rank(c));
            for c in open {
                m.push_str(&format!(
                    "| {} | {} | {} |\n",
                    md(&c["status"]),
                    md(&c["claim_id"]),
                    md(&c["statement"])
                ));
            }
            m.push('\n');
        }
        let verified: Vec<String> = claims
            .iter()
            .filter(|c| c["status"] == "verified")
            .map(|c| md(&c["claim_id"]))
            .collect();
        if !verified.is_empty() {
            m.push_str(&format!(
                "Verified ({}): {}.\n",
                verified.len(),
                verified.join(", ")
            ));
        }
    }
    m
}

/// Access-review coverage.
fn review_markdown(d: &ReportData) -> String {
    let mut m = String::new();
    if !d.reviews.is_empty() {
        m.push_str("\n## Access reviews\n\nThe latest review per provider and tenant: identities in scope and how many it named.\n\n");
        m.push_str("| provider | tenant | review | period | privileged people | privileged machines | active machines |\n|---|---|---|---|---|---|---|\n");
        for r in &d.reviews {
            m.push_str(&format!(
                "| {} | {} | {} | {} to {} | {} of {} | {} of {} | {} of {} |\n",
                t(&r.provider),
                t(&r.tenant),
                t(r.review()),
                t(r.period_start.as_deref().unwrap_or_default()),
                t(r.period_end.as_deref().unwrap_or_default()),
                r.privileged_humans_reviewed,
                r.privileged_humans,
                r.privileged_machines_reviewed,
                r.privileged_machines,
                r.machines_reviewed,
                r.machines_in_scope,
            ));
        }
    }
    m
}

/// The findings new or resolved since the previous analyze run.
fn changes_markdown(d: &ReportData) -> String {
    let mut m = String::new();
    let Some(from) = &d.previous_run else {
        return m;
    };
    let count = |c: &str| d.changes.iter().filter(|r| r["change"] == c).count();
    m.push_str(&format!(
        "\n## Changes since run {}\n\n{} new, {} resolved, {} persisting.\n\n",
        t(from),
        count("new"),
        count("resolved"),
        count("persisting")
    ));
    let moved: Vec<&Value> = d
        .changes
        .iter()
        .filter(|r| r["change"] != "persisting" || r["changed"] == true)
        .collect();
    if !moved.is_empty() {
        m.push_str("| change | severity | rule | subject | provider / tenant | summary |\n|---|---|---|---|---|---|\n");
        for r in moved {
            let change = if r["change"] == "persisting" {
                format!(
                    "was {} {}",
                    md(&r["previous_severity"]),
                    md(&r["previous_verdict"])
                )
            } else {
                md(&r["change"])
            };
            m.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} |\n",
                change,
                md(&r["severity"]),
                md(&r["rule_id"]),
                subject_md(&summary::subject(r, &d.names)),
                stream(r),
                md(&r["summary"])
            ));
        }
    }
    m
}

fn coverage_markdown(d: &ReportData) -> String {
    let mut m = String::new();
    m.push_str("\n## Coverage\n\n| provider | tenant | first event | last event | days covered | days with events | events | categories |\n|---|---|---|---|---|---|---|---|\n");
    for c in &d.coverage {
        let cats: Vec<String> = d
            .categories
            .iter()
            .filter(|x| x["provider"] == c["provider"] && x["tenant"] == c["tenant"])
            .map(|x| format!("{} {}", md(&x["category"]), x["events"]))
            .collect();
        m.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            md(&c["provider"]),
            md(&c["tenant"]),
            md(&c["first_event"]),
            md(&c["last_event"]),
            md(&c["days_covered"]),
            md(&c["days_with_events"]),
            md(&c["events"]),
            cats.join(", ")
        ));
    }
    m
}
