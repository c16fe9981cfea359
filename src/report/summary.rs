//! What the report says first, computed once for the HTML page and the Markdown file:
//! per provider and tenant what was found and whether its logs can be trusted, the
//! findings to act on first, the findings grouped by rule with the rule's own
//! documentation (the `-- ## Why it matters` and `-- ## What to do` headings of
//! `queries/rules/*.sql`), and for every subject a name a person recognises.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Value, json};

use super::ReportData;

/// How many findings the summary names to act on first.
pub const ACT_FIRST: usize = 5;

use crate::model::Severity;
use strum::VariantArray;

/// Findings per severity label, most severe first, leaving out severities with none.
pub fn count_by_severity<'a>(
    findings: impl IntoIterator<Item = &'a Value> + Clone,
) -> serde_json::Map<String, Value> {
    let mut out = serde_json::Map::new();
    for sev in Severity::VARIANTS {
        let n = findings
            .clone()
            .into_iter()
            .filter(|f| f["severity"] == sev.as_str())
            .count();
        if n > 0 {
            out.insert(sev.to_string(), n.into());
        }
    }
    out
}

/// A rule's documentation, from the header of its SQL file.
#[derive(Debug, Clone)]
pub struct RuleDoc {
    pub id: &'static str,
    pub title: String,
    /// The `## Why it matters` paragraph.
    pub why: String,
    /// The `## What to do` line: the one action for a finding of this rule.
    pub todo: String,
}

/// Every rule's documentation, in catalogue order.
pub fn rule_docs() -> Vec<RuleDoc> {
    crate::session::rules()
        .map(|q| RuleDoc {
            id: q.id,
            title: crate::session::header_lines(q.sql)
                .find_map(|l| l.strip_prefix("title: "))
                .map_or_else(|| q.id.to_string(), |t| t.trim().to_string()),
            why: q.header_section("Why it matters"),
            todo: q.header_section("What to do"),
        })
        .collect()
}

fn doc_of<'a>(docs: &'a [RuleDoc], rule: &str) -> Option<&'a RuleDoc> {
    docs.iter().find(|d| d.id == rule)
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// Names of identities the lake knows, by (provider, tenant, uid).
pub type Names = HashMap<(String, String, String), String>;

/// Whether an id reads as a name on its own: an email, a login, a path. Numeric ids,
/// UUIDs, long hex strings and mixed-case tokens like Okta's `00u...` or AWS key ids
/// do not.
pub fn recognisable(id: &str) -> bool {
    let id = id.trim();
    if id.is_empty() || id.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    let hex = |t: &str| t.chars().all(|c| c.is_ascii_hexdigit());
    let parts: Vec<&str> = id.split('-').collect();
    if parts.len() == 5 && parts.iter().all(|p| hex(p)) {
        return false; // a UUID
    }
    if id.len() >= 16 && hex(id) {
        return false;
    }
    let separated = id.contains(['@', '.', '-', '_', ' ', ':', '/']);
    let token = id.chars().all(|c| c.is_ascii_alphanumeric())
        && ((id.chars().any(|c| c.is_ascii_digit()) && id.chars().any(|c| c.is_ascii_uppercase()))
            || (id.len() >= 12 && !id.chars().any(|c| c.is_ascii_lowercase())));
    separated || !token
}

/// The name to show for a subject, the id to show beside it, and whether the logs give
/// it a name at all (if not, the id is shown with "(no name in the logs)").
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    pub name: String,
    pub id: Option<String>,
    pub named: bool,
}

impl Subject {
    pub fn json(&self) -> Value {
        json!({"name": self.name, "id": self.id, "named": self.named})
    }

    /// One line of plain text: `name (id)`, or `id (no name in the logs)`.
    pub fn text(&self) -> String {
        match (&self.id, self.named) {
            (_, false) => format!("{} (no name in the logs)", self.name),
            (Some(id), true) => format!("{} ({id})", self.name),
            (None, true) => self.name.clone(),
        }
    }
}

/// A name for an identity uid: the lake's name for it, else the uid when it reads as a
/// name.
fn identity_name(names: &Names, provider: &str, tenant: &str, uid: &str) -> Option<String> {
    names
        .get(&(provider.to_string(), tenant.to_string(), uid.to_string()))
        .filter(|n| !n.trim().is_empty() && n.as_str() != uid)
        .cloned()
        .or_else(|| recognisable(uid).then(|| uid.to_string()))
}

/// The subject of a finding as a person recognises it.
pub fn subject(f: &Value, names: &Names) -> Subject {
    let uid = s(&f["subject_uid"]).trim();
    let name = s(&f["subject_name"]).trim();
    let (provider, tenant) = (s(&f["provider"]), s(&f["tenant"]));
    let kind = s(&f["subject_type"]);
    if matches!(kind, "period" | "event_type" | "event_types") {
        let name = if name.is_empty() { uid } else { name };
        return Subject {
            name: name.to_string(),
            id: None,
            named: true,
        };
    }
    // A role assignment is `holder / role`: name the holder.
    if kind == "role_assignment" {
        for (i, _) in uid.match_indices(" / ") {
            let (holder_uid, role) = (&uid[..i], &uid[i + 3..]);
            let suffix = format!(" / {role}");
            let holder_name = name.strip_suffix(suffix.as_str()).unwrap_or("").trim();
            if !name.is_empty() && !name.ends_with(suffix.as_str()) {
                continue;
            }
            let holder = if holder_name.is_empty() || holder_name == holder_uid {
                identity_name(names, provider, tenant, holder_uid)
            } else {
                Some(holder_name.to_string())
            };
            return match holder {
                Some(h) => Subject {
                    id: (h != holder_uid).then(|| holder_uid.to_string()),
                    name: format!("{h}{suffix}"),
                    named: true,
                },
                None => Subject {
                    name: uid.to_string(),
                    id: None,
                    named: false,
                },
            };
        }
    }
    // A credential without a name of its own is `id (owner)`.
    if kind == "credential" && !uid.is_empty() {
        if let Some(owner) = name
            .strip_prefix(uid)
            .and_then(|r| r.trim().strip_prefix('('))
            .and_then(|r| r.strip_suffix(')'))
            .filter(|o| !o.trim().is_empty())
        {
            return Subject {
                name: format!("credential of {}", owner.trim()),
                id: Some(uid.to_string()),
                named: true,
            };
        }
    }
    if !name.is_empty() && name != uid {
        return Subject {
            name: name.to_string(),
            id: (!uid.is_empty() && !name.contains(uid)).then(|| uid.to_string()),
            named: true,
        };
    }
    match identity_name(names, provider, tenant, uid) {
        Some(n) => Subject {
            id: (n != uid).then(|| uid.to_string()),
            name: n,
            named: true,
        },
        None => Subject {
            name: if uid.is_empty() { "(no id)" } else { uid }.to_string(),
            id: None,
            named: false,
        },
    }
}

/// `provider / tenant`.
pub fn stream_label(provider: &str, tenant: &str) -> String {
    format!("{provider} / {tenant}")
}

fn key(v: &Value) -> (String, String) {
    (s(&v["provider"]).to_string(), s(&v["tenant"]).to_string())
}

fn day(v: &Value) -> String {
    s(v).chars().take(10).collect()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Per provider and tenant: the evidence window, the score and claims, counts of
/// findings by rule and severity, whether the logs can be trusted and why, and the
/// changes since the previous analyze run.
pub fn streams(d: &ReportData) -> Vec<Value> {
    let mut keys: BTreeMap<(String, String), ()> = BTreeMap::new();
    for v in d.coverage.iter().chain(&d.scorecard).chain(&d.findings) {
        keys.insert(key(v), ());
    }
    let compared = d.previous_run.is_some();
    let mut out = Vec::new();
    for (provider, tenant) in keys.into_keys() {
        let k = (provider.clone(), tenant.clone());
        let cov = d.coverage.iter().find(|c| key(c) == k);
        let claims: Vec<&Value> = d.scorecard.iter().filter(|c| key(c) == k).collect();
        let findings: Vec<&Value> = d.findings.iter().filter(|f| key(f) == k).collect();
        let claim_count = |st: &str| claims.iter().filter(|c| c["status"] == st).count();
        // Claims that cannot be tested (no documented number) say nothing about the logs.
        let testable_count = |st: &str| {
            claims
                .iter()
                .filter(|c| c["status"] == st && c["evidence"]["testable"] != false)
                .count()
        };
        let rule = |r: &'static str| findings.iter().filter(move |f| f["rule_id"] == r);
        let by_severity = count_by_severity(findings.iter().copied());
        let mut by_rule = serde_json::Map::new();
        for f in &findings {
            let e = by_rule.entry(s(&f["rule_id"])).or_insert(json!(0));
            *e = json!(e.as_u64().unwrap_or(0) + 1);
        }
        let gaps: Vec<&&Value> = rule("logging-gap")
            .filter(|f| f["evidence"]["kind"] == "gap")
            .collect();
        let drops: Vec<&&Value> = rule("logging-gap")
            .filter(|f| f["evidence"]["kind"] == "drop")
            .collect();
        let silent_days: u64 = gaps
            .iter()
            .map(|f| f["evidence"]["days"].as_u64().unwrap_or(0))
            .sum();
        let missing_implied = rule("missing-event-type")
            .filter(|f| f["verdict"] == "confirmed")
            .count();
        let missing_unseen: u64 = rule("missing-event-type")
            .filter(|f| f["verdict"] != "confirmed")
            .map(|f| f["evidence"]["event_type_count"].as_u64().unwrap_or(1))
            .sum();
        let (contradicted, partial, unverified) = (
            testable_count("contradicted"),
            testable_count("partial"),
            testable_count("unverified"),
        );
        let mut untrusted = Vec::new();
        // The same, in a few words for the summary table: why the logs cannot be trusted,
        // else what is not verified.
        let mut short = Vec::new();
        if silent_days > 0 {
            short.push(plural(silent_days as usize, "silent day", "silent days"));
        }
        if contradicted > 0 {
            short.push(plural(
                contradicted,
                "claim contradicted",
                "claims contradicted",
            ));
        }
        if missing_implied > 0 {
            short.push(plural(
                missing_implied,
                "implied type missing",
                "implied types missing",
            ));
        }
        if short.is_empty() {
            if !drops.is_empty() {
                short.push("volume drop".to_string());
            }
            if unverified > 0 {
                short.push(format!("{unverified} unverified"));
            }
            if partial > 0 {
                short.push(format!("{partial} partial"));
            }
            if missing_unseen > 0 {
                short.push(plural(
                    missing_unseen as usize,
                    "type unseen",
                    "types unseen",
                ));
            }
            if claims.is_empty() {
                short.push("not scored".to_string());
            }
        }
        if !gaps.is_empty() {
            let periods: Vec<&str> = gaps.iter().map(|f| s(&f["subject_name"])).collect();
            untrusted.push(format!(
                "{} without events ({})",
                plural(silent_days as usize, "day", "days"),
                periods.join(", ")
            ));
        }
        if contradicted > 0 {
            untrusted.push(format!(
                "{} contradicted",
                plural(contradicted, "logging claim", "logging claims")
            ));
        }
        if missing_implied > 0 {
            untrusted.push(format!(
                "{} missing although other events imply them",
                plural(missing_implied, "event type", "event types")
            ));
        }
        let mut unsure = Vec::new();
        for f in &drops {
            unsure.push(format!("volume drop {}", s(&f["subject_name"])));
        }
        if partial + unverified > 0 {
            let mut parts = Vec::new();
            if unverified > 0 {
                parts.push(format!("{unverified} unverified"));
            }
            if partial > 0 {
                parts.push(format!("{partial} partly verified"));
            }
            unsure.push(format!(
                "{} of {} testable claims",
                parts.join(", "),
                claims
                    .iter()
                    .filter(|c| c["evidence"]["testable"] != false)
                    .count()
            ));
        }
        if missing_unseen > 0 {
            unsure.push(format!(
                "{} never seen",
                plural(
                    missing_unseen as usize,
                    "documented event type",
                    "documented event types"
                )
            ));
        }
        if claims.is_empty() {
            unsure.push("not scored".to_string());
        }
        let trust = if !untrusted.is_empty() {
            "untrusted"
        } else if !unsure.is_empty() {
            "unsure"
        } else {
            "trusted"
        };
        let changes = compared.then(|| {
            let n = |c: &str| {
                d.changes
                    .iter()
                    .filter(|r| key(r) == k && r["change"] == c)
                    .count()
            };
            json!({"new": n("new"), "resolved": n("resolved"), "persisting": n("persisting")})
        });
        let count = |r: &'static str| rule(r).count();
        out.push(json!({
            "provider": provider,
            "tenant": tenant,
            "first_event": cov.map(|c| c["first_event"].clone()),
            "last_event": cov.map(|c| c["last_event"].clone()),
            "days_covered": cov.map(|c| c["days_covered"].clone()),
            "days_with_events": cov.map(|c| c["days_with_events"].clone()),
            "events": cov.map(|c| c["events"].clone()),
            "score": claims.first().map(|c| c["score"].clone()),
            "claims": {"total": claims.len(), "verified": claim_count("verified"), "partial": claim_count("partial"),
                       "unverified": claim_count("unverified"), "contradicted": claim_count("contradicted")},
            "findings": findings.len(),
            "by_severity": by_severity,
            "by_rule": by_rule,
            "dormant_machines": count("dormant-machine-identity"),
            "dormant_credentials": count("dormant-credential"),
            "overbroad_admins": count("overbroad-delegated-admin"),
            "silent_days": silent_days,
            "trust": trust,
            "trust_reasons": if untrusted.is_empty() { unsure } else { untrusted },
            "trust_short": short,
            "changes": changes,
        }));
    }
    out
}

/// The numbers a reader wants first, over all providers and tenants.
pub fn headline(d: &ReportData, streams: &[Value]) -> Value {
    let rule = |r: &'static str| d.findings.iter().filter(move |f| f["rule_id"] == r);
    let by_severity = count_by_severity(&d.findings);
    let label = |v: &Value| stream_label(s(&v["provider"]), s(&v["tenant"]));
    let trust = |t: &str| -> Vec<Value> {
        streams
            .iter()
            .filter(|v| v["trust"] == t)
            .map(|v| json!({"stream": label(v), "reasons": v["trust_reasons"]}))
            .collect()
    };
    let holders: HashSet<(String, String, String)> = rule("overbroad-delegated-admin")
        .map(|f| {
            let (p, t) = key(f);
            (p, t, s(&f["evidence"]["holder_uid"]).to_string())
        })
        .collect();
    let changes = d.previous_run.as_ref().map(|from| {
        let n = |c: &str| d.changes.iter().filter(|r| r["change"] == c).count();
        json!({"from_run": from, "new": n("new"), "resolved": n("resolved"),
               "persisting": n("persisting"),
               "changed": d.changes.iter().filter(|r| r["changed"] == true).count()})
    });
    let first_event = d
        .coverage
        .iter()
        .filter_map(|c| c["first_event"].as_str())
        .min();
    json!({
        "findings": d.findings.len(),
        "by_severity": by_severity,
        "dormant_machines": rule("dormant-machine-identity").count(),
        "dormant_machines_confirmed": rule("dormant-machine-identity").filter(|f| f["verdict"] == "confirmed").count(),
        "dormant_credentials": rule("dormant-credential").count(),
        "overbroad_admins": rule("overbroad-delegated-admin").count(),
        "overbroad_holders": holders.len(),
        "overbroad_critical": rule("overbroad-delegated-admin").filter(|f| f["severity"] == Severity::Critical.as_str()).count(),
        "overbroad_machines": rule("overbroad-delegated-admin").filter(|f| f["evidence"]["holder_is_machine"] == true).count(),
        "streams": streams.len(),
        "untrusted": trust("untrusted"),
        "unsure": trust("unsure"),
        "changes": changes,
        "first_event": first_event,
        "as_of": d.as_of,
        "dormant_days": d.params["dormant_days"],
    })
}

/// Indexes into `d.findings` of the findings to act on first: most severe first,
/// confirmed before indeterminate; among those alike, one per provider and tenant before
/// a second from the same one, and more reasons (`evidence.reasons`) before fewer.
pub fn act_first(d: &ReportData, n: usize) -> Vec<usize> {
    let reasons = |f: &Value| f["evidence"]["reasons"].as_array().map_or(0, Vec::len);
    let tier = |f: &Value| {
        (
            Severity::rank_of(s(&f["severity"])),
            usize::from(f["verdict"] != "confirmed"),
        )
    };
    let mut order: Vec<usize> = (0..d.findings.len()).collect();
    order.sort_by_key(|&i| (tier(&d.findings[i]), usize::MAX - reasons(&d.findings[i])));
    let mut picked: Vec<usize> = Vec::new();
    let mut used: HashSet<(String, String)> = HashSet::new();
    while picked.len() < n {
        let Some(&best) = order.iter().find(|i| !picked.contains(i)) else {
            break;
        };
        let t = tier(&d.findings[best]);
        let choice = order
            .iter()
            .copied()
            .filter(|i| !picked.contains(i) && tier(&d.findings[*i]) == t)
            .find(|&i| !used.contains(&key(&d.findings[i])))
            .unwrap_or(best);
        used.insert(key(&d.findings[choice]));
        picked.push(choice);
    }
    picked
}

/// Findings grouped by rule: the most severe group first, then the largest; each with
/// the rule's title, why it matters, what to do, the count and the count per severity.
/// `findings` are indexes into `d.findings`, in its order.
pub fn groups(d: &ReportData, docs: &[RuleDoc]) -> Vec<Value> {
    let mut by_rule: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, f) in d.findings.iter().enumerate() {
        by_rule.entry(s(&f["rule_id"])).or_default().push(i);
    }
    let catalogue = |r: &str| docs.iter().position(|x| x.id == r).unwrap_or(usize::MAX);
    let mut groups: Vec<(&str, Vec<usize>)> = by_rule.into_iter().collect();
    groups.sort_by_key(|(r, list)| {
        let worst = list
            .iter()
            .map(|&i| Severity::rank_of(s(&d.findings[i]["severity"])))
            .min()
            .unwrap_or(5);
        (worst, usize::MAX - list.len(), catalogue(r))
    });
    groups
        .into_iter()
        .map(|(r, list)| {
            let doc = doc_of(docs, r);
            let by_severity = count_by_severity(list.iter().map(|&i| &d.findings[i]));
            json!({
                "rule_id": r,
                "title": doc.map_or(r.to_string(), |x| x.title.clone()),
                "why": doc.map(|x| x.why.clone()),
                "todo": doc.map(|x| x.todo.clone()),
                "count": list.len(),
                "by_severity": by_severity,
                "findings": list,
            })
        })
        .collect()
}

/// The event uids a finding's evidence names (`grant_event`, `last_activity_event`, ...),
/// with the key that names each.
pub fn evidence_events(f: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(obj) = f["evidence"].as_object() {
        for (k, v) in obj {
            if !(k.ends_with("_event") || k == "event_uid") {
                continue;
            }
            if let Some(uid) = v.as_str().filter(|u| !u.is_empty()) {
                out.push((k.clone(), uid.to_string()));
            }
        }
    }
    out
}

/// Severity counts as `11 critical, 21 high`.
pub fn severity_text(by_severity: &Value) -> String {
    Severity::VARIANTS
        .iter()
        .filter_map(|sev| {
            by_severity[sev.as_str()]
                .as_u64()
                .filter(|n| *n > 0)
                .map(|n| format!("{n} {sev}"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Everything computed here, for the page's script.
pub fn json(d: &ReportData) -> Value {
    let docs = rule_docs();
    let streams = streams(d);
    let headline = headline(d, &streams);
    let subjects: Vec<Value> = d
        .findings
        .iter()
        .map(|f| subject(f, &d.names).json())
        .collect();
    json!({
        "headline": headline,
        "streams": streams,
        "act_first": act_first(d, ACT_FIRST),
        "groups": groups(d, &docs),
        "subjects": subjects,
        "rules": docs.iter().map(|r| json!({"id": r.id, "title": r.title, "why": r.why, "todo": r.todo})).collect::<Vec<_>>(),
        "day": day(&json!(d.as_of)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_says_why_and_what_to_do() {
        for r in rule_docs() {
            assert!(!r.why.is_empty(), "{}: no `## Why it matters`", r.id);
            assert!(!r.todo.is_empty(), "{}: no `## What to do`", r.id);
            assert!(!r.todo.contains("##"), "{}", r.id);
            assert_ne!(r.title, r.id, "{}: no title", r.id);
        }
    }

    #[test]
    fn ids_that_read_as_names() {
        for id in [
            "alice@example.com",
            "wbrooks",
            "ahmed-k",
            "acme-legacy-ci[bot]",
            "arn:aws:iam::1:user/x",
        ] {
            assert!(recognisable(id), "{id}");
        }
        for id in [
            "107788990011223344556",
            "3e243df6-14c9-49db-95a8-116a2dabcc1b",
            "0oaUKDCgeuaphi7Tf1h7",
            "AKIAMVCJOZKBPLCDLVCP",
            "AKIAADK25Q7YHGXYF722",
            "a89eb1d80ce28d56285cdf3b1286d7204a4f31a",
            "",
        ] {
            assert!(!recognisable(id), "{id}");
        }
    }

    fn finding(kind: &str, uid: &str, name: &str) -> Value {
        json!({"provider": "p", "tenant": "t", "subject_type": kind, "subject_uid": uid, "subject_name": name})
    }

    #[test]
    fn subjects_get_a_name_and_an_id() {
        let mut names = Names::new();
        names.insert(("p".into(), "t".into(), "00uX1".into()), "kim@x.com".into());
        let sub = |f: Value| subject(&f, &names);
        assert_eq!(
            sub(finding("machine_identity", "107788990011223344556", "")),
            Subject {
                name: "107788990011223344556".into(),
                id: None,
                named: false
            }
        );
        assert_eq!(
            sub(finding(
                "machine_identity",
                "107788990011223344556",
                "107788990011223344556"
            ))
            .text(),
            "107788990011223344556 (no name in the logs)"
        );
        assert_eq!(
            sub(finding("human_identity", "00uX1", "")).text(),
            "kim@x.com (00uX1)"
        );
        assert_eq!(
            sub(finding(
                "role_assignment",
                "00uX1 / Super admin",
                "00uX1 / Super admin"
            ))
            .text(),
            "kim@x.com / Super admin (00uX1)"
        );
        assert_eq!(
            sub(finding(
                "role_assignment",
                "wbrooks / admin",
                "wbrooks / admin"
            ))
            .text(),
            "wbrooks / admin"
        );
        assert_eq!(
            sub(finding("credential", "AKIA1", "AKIA1 (svc-ci)")).text(),
            "credential of svc-ci (AKIA1)"
        );
        assert_eq!(
            sub(finding("credential", "00T1", "siem-pull (kim@x.com)")).text(),
            "siem-pull (kim@x.com) (00T1)"
        );
        assert_eq!(
            sub(finding("period", "gap:1..2", "1 to 2")).text(),
            "1 to 2"
        );
    }
}
