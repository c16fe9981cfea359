//! The self-contained HTML page: static markup, inline CSS and script, and the data as
//! escaped JSON. The script builds every element with `textContent`, so no value from
//! the logs is ever parsed as HTML.

use serde_json::{Value, json};

use super::ReportData;

/// JSON that is safe inside a `<script>` element: no `<`, `>` or `&` left to close it.
pub fn script_json(v: &Value) -> String {
    let s = serde_json::to_string(v).expect("json");
    s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

pub fn page(d: &ReportData) -> String {
    let data = json!({
        "version": crate::VERSION,
        "as_of": d.as_of,
        "findings": d.findings,
        "scorecard": d.scorecard,
        "coverage": d.coverage,
        "daily": d.daily,
        "categories": d.categories,
        "reviews": d.reviews,
        "changes": d.changes,
        "notices": super::unknown_tenant_notices(d),
    });
    TEMPLATE.replace("/*DATA*/", &script_json(&data))
}

const TEMPLATE: &str = r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>trailcheck report</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 2rem 3rem; color: #1b1f24; }
h1 { margin: 1.2rem 0 .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
.muted { color: #57606a; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border-bottom: 1px solid #eaeef2; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; cursor: pointer; user-select: none; white-space: nowrap; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem .9rem; min-width: 12rem; }
.score { font-size: 2rem; font-weight: 600; }
.sev-critical { color: #fff; background: #a40e26; } .sev-high { background: #ffcecb; }
.sev-medium { background: #fff1c2; } .sev-low { background: #ddf4ff; }
.badge { border-radius: 3px; padding: 0 .35rem; font-size: 12px; }
.controls { display: flex; gap: .6rem; margin: .5rem 0; }
svg .gap { fill: #cf222e; } svg .bar { fill: #0969da; }
pre { white-space: pre-wrap; word-break: break-word; margin: 0; font-size: 12px; max-width: 40rem; }
summary { cursor: pointer; color: #0969da; }
.notice { border-left: 4px solid #bf8700; background: #fff8c5; padding: .4rem .8rem; }
</style>
</head>
<body>
<h1>trailcheck report</h1>
<p class="muted" id="meta"></p>
<div id="notices"></div>
<section id="scores-section"><h2>Score per provider and tenant</h2><div class="cards" id="scores"></div>
<h2>Claims</h2><table id="claims"></table></section>
<h2>Findings</h2>
<div class="controls"><input id="filter" type="search" placeholder="filter findings" size="40">
<select id="severity"><option value="">all severities</option><option>critical</option><option>high</option><option>medium</option><option>low</option><option>info</option></select></div>
<table id="findings"></table>
<section id="reviews-section"><h2>Access reviews</h2><p class="muted">The latest review per provider and tenant: identities in scope and how many it named.</p><table id="reviews"></table></section>
<section id="changes-section"><h2>Changes since the previous run</h2><p class="muted" id="changes-meta"></p><table id="changes"></table></section>
<h2>Events per day</h2><p class="muted">Red marks are days without any event inside the covered window.</p><div id="daily"></div>
<h2>Coverage per category</h2><table id="categories"></table>
<h2>Coverage</h2><table id="coverage"></table>
<script type="application/json" id="data">/*DATA*/</script>
<script>
"use strict";
const D = JSON.parse(document.getElementById("data").textContent);
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined && text !== null) e.textContent = String(text); if (cls) e.className = cls; return e; };
const txt = v => v === null || v === undefined ? "" : (typeof v === "object" ? JSON.stringify(v) : String(v));
const details = v => { const d = el("details"); d.appendChild(el("summary", "evidence")); d.appendChild(el("pre", JSON.stringify(v, null, 1))); return d; };
document.getElementById("meta").textContent = "Evidence up to " + txt(D.as_of) + " · trailcheck " + D.version + " · " + D.findings.length + " findings";
D.notices.forEach(n => document.getElementById("notices").appendChild(el("p", "Tenant unknown: " + n, "notice")));

function table(node, cols, rows, render) {
  node.replaceChildren();
  const head = el("tr");
  let sortCol = null, asc = true;
  const body = el("tbody");
  const draw = list => { body.replaceChildren(...list.map(r => { const tr = el("tr"); cols.forEach(c => tr.appendChild(render ? render(c, r) : el("td", txt(r[c])))); return tr; })); };
  cols.forEach(c => { const th = el("th", c); th.addEventListener("click", () => {
      asc = sortCol === c ? !asc : true; sortCol = c;
      const sorted = [...node._rows].sort((a, b) => { const x = txt(a[c]), y = txt(b[c]); const n = Number(x) - Number(y);
        return (isNaN(n) ? x.localeCompare(y) : n) * (asc ? 1 : -1); });
      draw(sorted); }); head.appendChild(th); });
  const thead = el("thead"); thead.appendChild(head); node.appendChild(thead); node.appendChild(body);
  node._rows = rows; node._draw = draw; draw(rows);
}

// Scores and claims.
const scores = new Map();
D.scorecard.forEach(r => { const k = r.provider + " / " + r.tenant; if (!scores.has(k)) scores.set(k, r.score); });
if (scores.size === 0) {
  document.getElementById("scores-section").replaceChildren(el("p", "No scorecard in this lake yet (run `trailcheck score`).", "muted"));
} else {
  scores.forEach((s, k) => { const c = el("div", null, "card"); c.appendChild(el("div", k, "muted")); c.appendChild(el("div", s === null ? "-" : Math.round(s), "score")); document.getElementById("scores").appendChild(c); });
  table(document.getElementById("claims"), ["provider", "tenant", "claim_id", "status", "statement", "evidence"], D.scorecard, (c, r) => {
    const td = el("td"); if (c === "evidence") td.appendChild(details(r[c])); else td.textContent = txt(r[c]); return td; });
}

// Findings: sortable and filterable.
const fcols = ["severity", "verdict", "rule_id", "provider", "tenant", "subject_name", "summary", "evidence"];
const ftable = document.getElementById("findings");
table(ftable, fcols, D.findings, (c, r) => {
  const td = el("td");
  if (c === "severity") td.appendChild(el("span", r[c], "badge sev-" + txt(r[c])));
  else if (c === "evidence") td.appendChild(details(r[c]));
  else td.textContent = txt(r[c]);
  return td; });
function applyFilter() {
  const q = document.getElementById("filter").value.toLowerCase(), s = document.getElementById("severity").value;
  ftable._draw(D.findings.filter(f => (!s || f.severity === s) && (!q || JSON.stringify(f).toLowerCase().includes(q))));
}
document.getElementById("filter").addEventListener("input", applyFilter);
document.getElementById("severity").addEventListener("change", applyFilter);

// Events per day, with empty days marked.
const NS = "http://www.w3.org/2000/svg";
const groups = new Map();
D.daily.forEach(r => { const k = r.provider + " / " + r.tenant; if (!groups.has(k)) groups.set(k, new Map()); groups.get(k).set(r.day, r.events); });
groups.forEach((days, k) => {
  const keys = [...days.keys()].sort(); const start = new Date(keys[0] + "T00:00:00Z"), end = new Date(keys[keys.length - 1] + "T00:00:00Z");
  const n = Math.round((end - start) / 86400000) + 1, w = Math.max(2, Math.min(6, Math.floor(900 / n))), h = 60;
  const max = Math.max(...days.values());
  const svg = document.createElementNS(NS, "svg"); svg.setAttribute("width", n * w); svg.setAttribute("height", h + 4);
  for (let i = 0; i < n; i++) {
    const day = new Date(start.getTime() + i * 86400000).toISOString().slice(0, 10), v = days.get(day) || 0;
    const r = document.createElementNS(NS, "rect"); const bh = v ? Math.max(1, Math.round(h * v / max)) : 4;
    r.setAttribute("x", i * w); r.setAttribute("width", w - 1); r.setAttribute("y", h - bh + 4); r.setAttribute("height", bh);
    r.setAttribute("class", v ? "bar" : "gap");
    const t = document.createElementNS(NS, "title"); t.textContent = day + ": " + v + " events"; r.appendChild(t); svg.appendChild(r);
  }
  const box = el("div"); box.appendChild(el("div", k, "muted")); box.appendChild(svg); document.getElementById("daily").appendChild(box);
});

if (D.reviews.length) table(document.getElementById("reviews"), ["provider", "tenant", "review_name", "review_id", "period_start", "period_end", "privileged_humans", "privileged_humans_reviewed", "privileged_machines", "privileged_machines_reviewed", "machines_in_scope", "machines_reviewed"], D.reviews);
else document.getElementById("reviews-section").hidden = true;
if (D.changes.length) {
  const n = c => D.changes.filter(r => r.change === c).length;
  document.getElementById("changes-meta").textContent = "Since run " + txt(D.changes[0].from_run) + ": " + n("new") + " new, " + n("resolved") + " resolved, " + n("persisting") + " persisting.";
  table(document.getElementById("changes"), ["change", "severity", "rule_id", "provider", "tenant", "subject_name", "summary"], D.changes.filter(r => r.change !== "persisting"));
} else document.getElementById("changes-section").hidden = true;
table(document.getElementById("categories"), ["provider", "tenant", "category", "events", "event_types"], D.categories);
table(document.getElementById("coverage"), ["provider", "tenant", "first_event", "last_event", "days_covered", "days_with_events", "events", "events_per_day"], D.coverage);
</script>
</body>
</html>
"##;
