//! The self-contained HTML page: static markup, inline CSS and script, and the data as
//! escaped JSON. The script builds every element with `textContent` (SVG with
//! `createElementNS`), so no value from the logs is ever parsed as markup.
//!
//! Order: the summary (one screen: per provider and tenant what was found and whether
//! its logs can be trusted, the findings to act on first), pictures (events per day with
//! silent days, days since each machine identity's last use against the dormant
//! threshold, admin roles held by machines), findings grouped by rule, logging claims,
//! access reviews, changes since the previous run, coverage.

use serde_json::{Value, json};

use super::ReportData;
use super::summary;

/// JSON that is safe inside a `<script>` element: no `<`, `>` or `&` left to close it.
pub fn script_json(v: &Value) -> String {
    let s = serde_json::to_string(v).expect("json");
    s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// A machine identity as the chart names it.
fn machine_subject(m: &Value, names: &summary::Names) -> Value {
    let f = json!({
        "provider": m["provider"], "tenant": m["tenant"], "subject_type": "machine_identity",
        "subject_uid": m["identity_uid"], "subject_name": m["identity_name"],
    });
    summary::subject(&f, names).json()
}

pub fn page(d: &ReportData) -> String {
    let machines: Vec<Value> = d
        .machines
        .iter()
        .map(|m| {
            let mut m = m.clone();
            m["subject"] = machine_subject(&m, &d.names);
            m
        })
        .collect();
    let changes: Vec<Value> = d
        .changes
        .iter()
        .map(|c| {
            let mut c = c.clone();
            c["subject"] = summary::subject(&c, &d.names).json();
            c
        })
        .collect();
    // Only the events some finding names.
    let events: serde_json::Map<String, Value> = d
        .findings
        .iter()
        .flat_map(summary::evidence_events)
        .filter_map(|(_, uid)| d.events.get(&uid).map(|e| (uid, e.clone())))
        .collect();
    let data = json!({
        "version": crate::VERSION,
        "as_of": d.as_of,
        "run_id": d.analyze_run.as_ref().map(|r| r["run_id"].clone()),
        "params": d.params,
        "summary": summary::json(d),
        "findings": d.findings,
        "events": events,
        "scorecard": d.scorecard,
        "coverage": d.coverage,
        "daily": d.daily,
        "categories": d.categories,
        "reviews": d.reviews,
        "changes": changes,
        "previous_run": d.previous_run,
        "machines": machines,
        "admin_roles": d.admin_roles,
        "notices": super::unknown_tenant_notices(d),
        // Most severe first: the page's severity order and columns (model::Severity).
        "severities": crate::model::Severity::labels(),
    });
    TEMPLATE.replace("/*DATA*/", &script_json(&data))
}

const TEMPLATE: &str = r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>trailcheck report</title>
<style>
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --link: #0969da;
  --crit-bg: #a40e26; --crit-fg: #ffffff; --high-bg: #ffd8d3; --high-fg: #86061d; --med-bg: #fff1b8; --med-fg: #6c4a00;
  --low-bg: #ddf4ff; --low-fg: #0a3069; --info-bg: #eff2f5; --info-fg: #3d444d;
  --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e;
  --bar: #0969da; --gap: #cf222e; --gap-bg: rgba(207, 34, 46, .16); --drop-bg: rgba(191, 135, 0, .22);
  --machine: #bc4c00; --person: #8c959f; --thr: #1f2328;
}
@media screen and (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --soft: #161b22; --link: #4493f8;
    --crit-bg: #da3633; --crit-fg: #ffffff; --high-bg: #5d1a1d; --high-fg: #ffc1ba; --med-bg: #4b3800; --med-fg: #f8e3a1;
    --low-bg: #0c2d6b; --low-fg: #cae8ff; --info-bg: #262c36; --info-fg: #d1d7e0;
    --ok: #3fb950; --warn: #d29922; --bad: #f85149;
    --bar: #4493f8; --gap: #f85149; --gap-bg: rgba(248, 81, 73, .22); --drop-bg: rgba(210, 153, 34, .28);
    --machine: #f0883e; --person: #6e7681; --thr: #e6edf3;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; }
main { max-width: 1320px; margin: 0 auto; padding: 0 1.25rem 3rem; }
a { color: var(--link); }
h1 { font-size: 1.35rem; margin: 0; }
h2 { font-size: 1.15rem; margin: 1.6rem 0 .5rem; padding-bottom: .2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 1.1rem 0 .3rem; }
p { margin: .3rem 0; }
.muted { color: var(--muted); }
.mono, .id, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .86em; }
.wrap, td, .name, .id, .what, dd { overflow-wrap: anywhere; }
header.top { display: flex; flex-wrap: wrap; align-items: baseline; gap: .1rem 1rem; padding: .6rem 0 .2rem; }
header.top nav { margin-left: auto; display: flex; flex-wrap: wrap; gap: .15rem .8rem; font-size: 13px; }
header.top #meta { flex-basis: 100%; font-size: 13px; }
.notice { border-left: 4px solid var(--warn); background: var(--soft); padding: .3rem .7rem; margin: .3rem 0; }
/* Summary */
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .6rem; margin: .4rem 0 .7rem; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: .35rem .7rem .4rem; min-width: 0; }
.tile .big { font-size: 1.6rem; font-weight: 650; line-height: 1.15; margin-right: .35rem; }
.tile .label { font-weight: 600; font-size: 13.5px; }
.tile .sub { color: var(--muted); font-size: 12.5px; line-height: 1.3; margin-top: .1rem; }
.tile.bad .big { color: var(--bad); } .tile.warn .big { color: var(--warn); } .tile.ok .big { color: var(--ok); }
table { border-collapse: collapse; width: 100%; margin: .3rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .2rem .45rem; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; font-size: 12.5px; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.nw { white-space: nowrap; overflow-wrap: normal; }
table.streams { table-layout: fixed; }
table.streams td { font-size: 13px; }
table.streams th { vertical-align: bottom; font-size: 12px; line-height: 1.25; }
table.streams .zero { color: var(--muted); }
table.streams .win span { white-space: nowrap; }
table.streams .trust { margin-right: .3rem; }
.stream .tenant { color: var(--muted); font-size: 12px; margin-left: .4rem; }
table.streams .stream .tenant { font-size: 11.5px; margin-left: .3rem; }
table.streams .reasons { font-size: 12px; }
.stream.block .tenant { display: block; margin-left: 0; }
.sevs4 { display: grid; grid-template-columns: repeat(4, 1.7rem); gap: 2px; justify-content: end; }
.sevs4 span { text-align: center; border-radius: 3px; font-size: 12px; font-weight: 600; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.sevs4 .zero { font-weight: 400; }
.score { font-weight: 700; font-size: 15px; white-space: nowrap; }
.score.good { color: var(--ok); } .score.fair { color: var(--warn); } .score.poor { color: var(--bad); }
.trust { font-weight: 600; } .trust.untrusted { color: var(--bad); } .trust.unsure { color: var(--warn); } .trust.trusted { color: var(--ok); }
.reasons { color: var(--muted); font-size: 12.5px; }
.c-critical { color: var(--crit-bg); font-weight: 700; } .c-high { color: var(--bad); font-weight: 600; }
ol.first { list-style: none; padding: 0; margin: .3rem 0; counter-reset: first; }
ol.first li { display: grid; grid-template-columns: 1.3rem 5rem minmax(0, 1.25fr) minmax(0, 1fr); gap: 0 .6rem; padding: .2rem 0; line-height: 1.3; border-bottom: 1px solid var(--line); counter-increment: first; align-items: start; }
ol.first li::before { content: counter(first) "."; font-weight: 700; color: var(--muted); }
ol.first .line { min-width: 0; }
ol.first .line .where { display: block; font-size: 12.5px; color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
ol.first .subj { display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
ol.first .todo { font-size: 13px; }
.badge { display: inline-block; border-radius: 4px; padding: 0 .4rem; font-size: 12px; font-weight: 600; text-align: center; min-width: 4.4rem; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.sev-critical { background: var(--crit-bg); color: var(--crit-fg); } .sev-high { background: var(--high-bg); color: var(--high-fg); }
.sev-medium { background: var(--med-bg); color: var(--med-fg); } .sev-low { background: var(--low-bg); color: var(--low-fg); }
.sev-info, .st-verified { background: var(--info-bg); color: var(--info-fg); }
.st-contradicted { background: var(--crit-bg); color: var(--crit-fg); } .st-unverified { background: var(--med-bg); color: var(--med-fg); }
.st-partial { background: var(--low-bg); color: var(--low-fg); }
.subj .name { font-weight: 600; } .subj .id { color: var(--muted); margin-left: .4rem; } .noname { color: var(--warn); margin-left: .35rem; font-size: 12.5px; }
.sep { color: var(--muted); }
/* Charts */
.chart { display: grid; align-items: center; column-gap: .6rem; row-gap: 0; margin: .3rem 0 .8rem; }
.chart.daily { grid-template-columns: minmax(9rem, 15rem) minmax(0, 1fr) 8.5rem; row-gap: 3px; }
.chart.machines { grid-template-columns: minmax(0, 25rem) minmax(0, 14rem) minmax(0, 1fr) 8.5rem; }
.chart.machines > .row { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; line-height: 22px; height: 22px; }
.chart.machines .subj { display: inline; }
.chart.admins { grid-template-columns: minmax(9rem, 15rem) minmax(0, 1fr) 17rem; row-gap: 3px; }
.chart .lbl { font-size: 12.5px; min-width: 0; overflow-wrap: anywhere; line-height: 1.25; }
.chart .note { font-size: 12.5px; color: var(--muted); }
.chart svg { display: block; width: 100%; }
.trust svg { display: block; max-width: 100%; height: auto; margin: .2rem 0 .6rem; }
.trust svg text { font: 12px system-ui, -apple-system, "Segoe UI", sans-serif; fill: var(--fg); }
.trust svg .node { stroke: var(--line); stroke-width: 1; rx: 4; }
svg .ext, .key.ext { fill: var(--high-bg); background: var(--high-bg); } svg .hopk, .key.hopk { fill: var(--soft); background: var(--soft); } svg .adm, .key.adm { fill: var(--crit-bg); background: var(--crit-bg); }
.trust svg text.on-adm { fill: var(--crit-fg); }
.trust svg .edge { stroke: var(--muted); stroke-width: 1.5; fill: none; } .trust svg .edge.allowed { stroke-dasharray: 5 4; }
.trust svg .elabel { font-size: 11px; fill: var(--muted); }
.chart .axis { position: relative; height: 1.1rem; font-size: 11px; color: var(--muted); }
.chart .axis span { position: absolute; top: 0; white-space: nowrap; transform: translateX(-50%); }
.chart .head { font-size: 12px; color: var(--muted); padding-bottom: .15rem; }
svg .bar { fill: var(--bar); } svg .gap { fill: var(--gap-bg); } svg .gapmark { fill: var(--gap); } svg .drop { fill: var(--drop-bg); }
svg .dormant { fill: var(--gap); } svg .active { fill: var(--bar); } svg .never { fill-opacity: .45; } svg .unseen { fill-opacity: .25; stroke: var(--gap); stroke-dasharray: 2 2; }
svg .thr { stroke: var(--thr); stroke-width: 1.5; stroke-dasharray: 3 2; }
svg .machine { fill: var(--machine); } svg .person { fill: var(--person); }
.legend { font-size: 12px; color: var(--muted); display: flex; flex-wrap: wrap; gap: .2rem 1rem; margin: .1rem 0 .3rem; }
.key { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; vertical-align: -1px; margin-right: .25rem; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.key.bar { background: var(--bar); } .key.gap { background: var(--gap); } .key.drop { background: var(--drop-bg); } .key.dormant { background: var(--gap); }
.key.machine { background: var(--machine); } .key.person { background: var(--person); }
.silent { color: var(--bad); font-weight: 600; }
/* Findings */
.controls { display: flex; flex-wrap: wrap; gap: .5rem; margin: .4rem 0; }
.controls input, .controls select { font: inherit; background: var(--bg); color: var(--fg); border: 1px solid var(--line); border-radius: 4px; padding: .15rem .4rem; }
.rulenav { display: flex; flex-wrap: wrap; gap: .25rem .9rem; font-size: 13px; margin: .2rem 0 .5rem; }
section.group { margin: 1rem 0 1.3rem; }
section.group h3 { display: flex; flex-wrap: wrap; align-items: baseline; gap: .2rem .6rem; margin-bottom: .15rem; }
section.group h3 .count { background: var(--soft); border: 1px solid var(--line); border-radius: 10px; padding: 0 .5rem; font-size: 13px; }
section.group h3 .sevs { font-weight: 400; font-size: 13px; color: var(--muted); }
section.group h3 code { font-weight: 400; color: var(--muted); }
.why, .todo { font-size: 13.5px; max-width: 62rem; }
.todo b, .why b { font-weight: 600; }
details.finding { border-bottom: 1px solid var(--line); }
details.finding > summary { display: grid; grid-template-columns: 1rem 5rem minmax(0, 2.3fr) minmax(0, 1.2fr) minmax(0, 4fr); gap: .5rem; padding: .3rem 0; cursor: pointer; list-style: none; align-items: start; }
details.finding > summary::-webkit-details-marker { display: none; }
details.finding > summary::before { content: "▸"; color: var(--muted); }
details.finding[open] > summary::before { content: "▾"; }
details.finding .where { font-size: 12.5px; color: var(--muted); min-width: 0; overflow-wrap: anywhere; }
details.finding .what { font-size: 13.5px; }
.more { margin: 0 0 .6rem 1.5rem; padding: .4rem .7rem; border-left: 3px solid var(--line); background: var(--soft); font-size: 13px; min-width: 0; }
.more h4 { margin: .35rem 0 .15rem; font-size: 12.5px; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
dl.ev { display: grid; grid-template-columns: minmax(8rem, max-content) minmax(0, 1fr); gap: .05rem .8rem; margin: 0; }
dl.ev dt { color: var(--muted); } dl.ev dd { margin: 0; }
ul.events { list-style: none; margin: 0; padding: 0; } ul.events li { padding: .1rem 0; overflow-wrap: anywhere; }
.chip { display: inline-block; border: 1px solid var(--line); border-radius: 10px; padding: 0 .45rem; margin: 0 .25rem .2rem 0; font-size: 12px; }
/* Claims */
.claims-stream { margin: .4rem 0 1rem; }
.claim { display: grid; grid-template-columns: 6.5rem minmax(0, 1fr); gap: .5rem; padding: .25rem 0; border-bottom: 1px solid var(--line); }
.claim .stmt { min-width: 0; }
.claim details > summary { cursor: pointer; color: var(--link); font-size: 12.5px; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: .2rem 0; font-size: 12px; }
details.verified > summary { cursor: pointer; color: var(--muted); padding: .25rem 0; }
@media screen and (max-width: 760px) {
  details.finding > summary { grid-template-columns: 1rem 5rem minmax(0, 1fr); }
  details.finding .where, details.finding .what { grid-column: 3; }
  .chart.machines { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr) 5rem; } .chart.machines .where { display: none; }
}
@page { margin: 11mm; }
@media print {
  /* Lay the page out as on a 1000-pixel screen and print it at three quarters: the
     summary keeps its one-screen shape on page 1. */
  main { max-width: none; padding: 0; zoom: .74; }
  header.top nav, .controls, .rulenav { display: none; }
  #glance, #findings, #claims { break-before: page; }
  details.finding, .claim, ol.first li, .chart > * { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
</style>
</head>
<body>
<main>
<header class="top"><h1>trailcheck report</h1>
<nav><a href="#summary">Summary</a><a href="#glance">At a glance</a><a href="#findings">Findings</a><a href="#claims">Logging claims</a><a href="#reviews-section">Access reviews</a><a href="#changes-section">Changes</a><a href="#coverage-section">Coverage</a></nav><span class="muted" id="meta"></span></header>
<div id="notices"></div>
<section id="summary">
<div class="tiles" id="tiles"></div>
<table class="streams" id="streams"></table>
<h3>Act on these first</h3>
<ol class="first" id="first"></ol>
</section>
<section id="glance"><h2>At a glance</h2>
<h3>Events per day</h3>
<div class="legend"><span><span class="key bar"></span>events (each row to its own scale)</span><span><span class="key gap"></span>day without any event</span><span><span class="key drop"></span>volume drop</span></div>
<div class="chart daily" id="daily"></div>
<h3 id="machines-title">Machine identities: days since last use</h3>
<div class="legend" id="machines-legend"></div>
<div class="chart machines" id="machines"></div>
<h3>Admin roles held by machines</h3>
<div class="legend"><span><span class="key machine"></span>held by a machine identity</span><span><span class="key person"></span>held by a person</span></div>
<div class="chart admins" id="admins"></div>
<h3 id="trust-title">Outside workloads that can become admin</h3>
<div class="legend"><span><span class="key ext"></span>outside subject (OIDC, SAML, another account)</span><span><span class="key hopk"></span>identity taken on the way</span><span><span class="key adm"></span>admin role</span><span>solid arrow: seen in the logs · dashed: only allowed by a trust policy</span></div>
<div class="trust" id="trust"></div>
</section>
<section id="findings"><h2 id="findings-title">Findings by rule</h2>
<div class="controls"><input id="filter" type="search" placeholder="filter findings" size="36" aria-label="filter findings">
<select id="severity" aria-label="severity"><option value="">all severities</option><option>critical</option><option>high</option><option>medium</option><option>low</option><option>info</option></select></div>
<div class="rulenav" id="rulenav"></div>
<div id="groups"></div>
</section>
<section id="claims"><h2>Logging claims</h2><p class="muted">What each provider documents about its audit logs, checked against the logs: verified claims are folded.</p><div id="claimlist"></div></section>
<section id="reviews-section"><h2>Access reviews</h2><p class="muted">The latest review per provider and tenant: identities in scope and how many it named.</p><table id="reviews"></table></section>
<section id="changes-section"><h2>Changes since the previous run</h2><p class="muted" id="changes-meta"></p><table id="changes"></table></section>
<section id="coverage-section"><h2>Coverage</h2><table id="coverage"></table></section>
</main>
<script type="application/json" id="data">/*DATA*/</script>
<script>
"use strict";
const D = JSON.parse(document.getElementById("data").textContent);
const S = D.summary, H = S.headline, NS = "http://www.w3.org/2000/svg";
const $ = id => document.getElementById(id);
const el = (tag, text, cls) => { const e = document.createElement(tag); if (text !== undefined && text !== null) e.textContent = String(text); if (cls) e.className = cls; return e; };
const add = (parent, ...kids) => { kids.forEach(k => { if (k !== null && k !== undefined) parent.appendChild(typeof k === "string" ? document.createTextNode(k) : k); }); return parent; };
const sv = (tag, attrs) => { const e = document.createElementNS(NS, tag); for (const k in attrs) e.setAttribute(k, String(attrs[k])); return e; };
const tip = (node, text) => { const t = document.createElementNS(NS, "title"); t.textContent = text; node.appendChild(t); return node; };
const txt = v => v === null || v === undefined ? "" : (typeof v === "object" ? JSON.stringify(v) : String(v));
const num = n => n === null || n === undefined ? "-" : Number(n).toLocaleString("en");
const day = t => txt(t).slice(0, 10);
const plural = (n, one, many) => num(n) + " " + (n === 1 ? one : many);
const SEVS = D.severities;
const sevText = by => SEVS.filter(s => by && by[s]).map(s => by[s] + " " + s).join(" · ");
const badge = (text, cls) => el("span", text, "badge " + cls);
const ruleTitle = id => { const r = S.rules.find(r => r.id === id); return r ? r.title : id; };
const ruleTodo = id => { const r = S.rules.find(r => r.id === id); return r ? r.todo : ""; };
function subjectNode(sub) {
  const w = el("span", null, "subj");
  add(w, el("span", sub.name, "name"));
  if (!sub.named) add(w, el("span", "(no name in the logs)", "noname"));
  if (sub.id) add(w, el("span", sub.id, "id"));
  return w;
}
function streamNode(provider, tenant, block) { const w = el("span", null, "stream" + (block ? " block" : "")); add(w, el("b", provider), el("span", tenant, "tenant")); return w; }
const when = t => { const s = txt(t); return s.length > 16 ? s.slice(0, 10) + " " + s.slice(11, 16) + " UTC" : s; };
// A window of days; without the year when it is the year of as_of (the column says it).
const YEAR = day(D.as_of).slice(0, 4);
const sameYear = S.streams.every(v => !v.first_event || (day(v.first_event).slice(0, 4) === YEAR && day(v.last_event).slice(0, 4) === YEAR));
const span = (a, b) => { const x = day(a), y = day(b); return sameYear ? x.slice(5) + " → " + y.slice(5) : x + " → " + (x.slice(0, 4) === y.slice(0, 4) ? y.slice(5) : y); };

// Header.
$("meta").textContent = "Evidence " + (H.first_event ? day(H.first_event) + " to " : "up to ") + when(D.as_of) + " · " + plural(H.streams, "provider and tenant", "providers and tenants") + " · trailcheck " + D.version + (D.run_id ? " · analyze run " + D.run_id : "");
D.notices.forEach(n => $("notices").appendChild(el("p", "Tenant unknown: " + n, "notice")));

// Summary: tiles.
function tile(cls, big, label, sub) {
  const t = el("div", null, "tile " + (cls || ""));
  add(t, add(el("div"), el("span", big, "big"), el("span", label, "label")));
  if (sub) add(t, el("div", sub, "sub"));
  return t;
}
const tiles = $("tiles");
tiles.appendChild(tile(H.by_severity.critical ? "bad" : "", num(H.findings), "findings", sevText(H.by_severity) || "nothing found"));
tiles.appendChild(tile(H.dormant_machines ? "bad" : "ok", num(H.dormant_machines), "dormant machines",
  "idle " + txt(H.dormant_days) + "+ days, " + num(H.dormant_machines_confirmed) + " confirmed · and " + plural(H.dormant_credentials, "dormant credential", "dormant credentials")));
tiles.appendChild(tile(H.overbroad_critical ? "bad" : (H.overbroad_admins ? "warn" : "ok"), num(H.overbroad_admins), "over-broad admins",
  "roles held by " + plural(H.overbroad_holders, "identity", "identities") + " · " + num(H.overbroad_critical) + " critical · " + num(H.overbroad_machines) + " by machines"));
tiles.appendChild(tile(H.untrusted.length ? "bad" : (H.unsure.length ? "warn" : "ok"), H.untrusted.length + " of " + H.streams, "logs untrusted",
  (H.untrusted.length ? H.untrusted.map(u => u.stream).join(", ") + " · " : "") + H.unsure.length + " more not fully verified"));
if (H.changes) tiles.appendChild(tile(H.changes.new ? "warn" : "ok", "+" + num(H.changes.new) + " / −" + num(H.changes.resolved), "since last run",
  num(H.changes.new) + " new · " + num(H.changes.resolved) + " resolved · " + num(H.changes.persisting) + " persisting"));
else tiles.appendChild(tile("", "first run", "of this lake", "no earlier analysis to compare with"));

// Summary: one row per provider and tenant.
(function () {
  const t = $("streams");
  const head = el("tr");
  [["provider / tenant", "", "24.5%"], [sameYear && YEAR ? "evidence, " + YEAR : "evidence", "", "16%"], ["score", "n", "5%"], ["logs trustworthy?", "", "26.5%"], ["findings by severity", "n", "9%"], ["dormant machines", "n", "6.5%"], ["over\u2011broad admins", "n", "7%"], ["since last run", "n", "5.5%"]]
    .forEach(([h, c, w]) => { const th = el("th", h, c); th.style.width = w; head.appendChild(th); });
  add(t, add(el("thead"), head));
  const body = el("tbody");
  S.streams.forEach(v => {
    const tr = el("tr");
    add(tr, add(el("td"), streamNode(v.provider, v.tenant)));
    const w = el("td", null, "win");
    if (v.first_event) { add(w, el("span", span(v.first_event, v.last_event)), " ", el("span", "· " + Math.round(v.days_covered) + " d", "zero")); w.title = num(v.events) + " events from " + txt(v.first_event) + " to " + txt(v.last_event); }
    else w.textContent = "-";
    tr.appendChild(w);
    const sc = el("td", null, "n");
    if (v.score === null || v.score === undefined) sc.textContent = "-";
    else add(sc, el("span", Math.round(v.score), "score " + (v.score >= 90 ? "good" : v.score >= 60 ? "fair" : "poor")));
    tr.appendChild(sc);
    const lg = el("td");
    const label = { untrusted: "✗ no", unsure: "! partly", trusted: "✓ yes" }[v.trust];
    add(lg, el("span", label, "trust " + v.trust));
    if (v.trust_short.length) add(lg, el("span", v.trust_short.join(" · "), "reasons"));
    tr.appendChild(lg);
    const sev = el("div", null, "sevs4");
    SEVS.filter(s => s !== "info").forEach(s => { const n = v.by_severity[s] || 0; const c = el("span", n ? n : "·", n ? "sev-" + s : "zero"); c.title = n + " " + s; sev.appendChild(c); });
    tr.appendChild(add(el("td", null, "n"), sev));
    [v.dormant_machines, v.overbroad_admins].forEach(n => tr.appendChild(el("td", n ? n : "·", "n" + (n ? "" : " zero"))));
    if (!v.changes) tr.appendChild(el("td", "—", "n zero"));
    else if (!v.changes.new && !v.changes.resolved) tr.appendChild(el("td", "none", "n zero"));
    else tr.appendChild(el("td", "+" + v.changes.new + " / −" + v.changes.resolved, "n"));
    body.appendChild(tr);
  });
  t.appendChild(body);
})();

// Summary: the findings to act on first.
S.act_first.forEach(i => {
  const f = D.findings[i], li = el("li");
  add(li, badge(f.severity, "sev-" + txt(f.severity)));
  const line = el("div", null, "line");
  const why = f.evidence && Array.isArray(f.evidence.reasons) ? f.evidence.reasons.map(txt).join("; ") : ruleTitle(f.rule_id);
  const where = el("span", txt(f.provider) + " / " + txt(f.tenant) + " · " + why, "where"); where.title = where.textContent;
  add(line, subjectNode(S.subjects[i]), where);
  li.appendChild(line);
  li.appendChild(add(el("div", null, "todo"), el("b", "→ "), ruleTodo(f.rule_id)));
  $("first").appendChild(li);
});
if (!S.act_first.length) $("first").appendChild(el("li", "Nothing to act on: no findings."));

// Events per day per provider and tenant, silent days marked, on one time axis.
(function () {
  const box = $("daily");
  if (!D.daily.length) { box.appendChild(el("p", "No events.", "muted")); return; }
  const toDay = s => Date.parse(s + "T00:00:00Z") / 86400000;
  const iso = d => new Date(d * 86400000).toISOString().slice(0, 10);
  const streams = new Map();
  D.daily.forEach(r => { const k = r.provider + "\u0000" + r.tenant; if (!streams.has(k)) streams.set(k, { provider: r.provider, tenant: r.tenant, days: new Map() }); streams.get(k).days.set(r.day, r.events); });
  let lo = Infinity, hi = -Infinity;
  streams.forEach(s => s.days.forEach((_, d) => { lo = Math.min(lo, toDay(d)); hi = Math.max(hi, toDay(d)); }));
  if (D.as_of) hi = Math.max(hi, toDay(day(D.as_of)));
  const n = hi - lo + 1;
  const drops = D.findings.filter(f => f.rule_id === "logging-gap" && f.evidence && f.evidence.kind === "drop");
  add(box, el("div", "", "head"), el("div", "", "head"), el("div", "silent days", "head"));
  streams.forEach(s => {
    const keys = [...s.days.keys()].sort(), first = toDay(keys[0]), last = toDay(keys[keys.length - 1]);
    const max = Math.max(...s.days.values());
    const g = sv("svg", { viewBox: "0 0 " + n + " 100", preserveAspectRatio: "none", height: 34, role: "img" });
    tip(g, s.provider + " / " + s.tenant + ": events per day");
    drops.filter(f => f.provider === s.provider && f.tenant === s.tenant).forEach(f => {
      const a = toDay(day(f.evidence.start)) - lo, b = toDay(day(f.evidence.end)) - lo + 1;
      g.appendChild(tip(sv("rect", { x: a, y: 0, width: Math.max(1, b - a), height: 100, class: "drop" }), "volume drop " + txt(f.subject_name)));
    });
    let silent = 0;
    for (let i = first; i <= last; i++) {
      const d = iso(i), v = s.days.get(d) || 0, x = i - lo;
      if (!v) {
        silent++;
        g.appendChild(tip(sv("rect", { x: x, y: 0, width: 1, height: 100, class: "gap" }), d + ": 0 events"));
        g.appendChild(tip(sv("rect", { x: x, y: 84, width: 1, height: 16, class: "gapmark" }), d + ": 0 events"));
      } else {
        const h = Math.max(3, Math.round(96 * v / max));
        g.appendChild(tip(sv("rect", { x: x + 0.12, y: 100 - h, width: 0.76, height: h, class: "bar" }), d + ": " + v + " events"));
      }
    }
    add(box, add(el("div", null, "lbl"), streamNode(s.provider, s.tenant, true)), g,
      el("div", silent ? plural(silent, "silent day", "silent days") : "none", "note" + (silent ? " silent" : "")));
  });
  const axis = el("div", null, "axis");
  for (let i = 0; i < n; i++) {
    const d = iso(lo + i);
    if (d.endsWith("-01") || i === 0) { const sp = el("span", i === 0 ? d : d.slice(0, 7)); sp.style.left = (100 * (i + 0.5) / n) + "%"; if (i === 0) sp.style.transform = "none"; axis.appendChild(sp); }
  }
  add(box, el("div"), axis, el("div"));
})();

// Days since each active machine identity's last use, against the dormant threshold.
(function () {
  // The longest idle first; past a few dozen rows the rest were all used more recently.
  const LIMIT = 60, box = $("machines"), thr = Number(D.params.dormant_days || 90), all = D.machines, list = all.slice(0, LIMIT);
  if (!list.length) { box.appendChild(el("p", "No active machine identities in the logs.", "muted")); return; }
  const max = Math.max(thr * 1.25, ...list.map(m => Number(m.days_silent) || 0));
  const past = all.filter(m => Number(m.days_silent) >= thr).length;
  $("machines-title").textContent = "Machine identities: days since last use (" + past + " of " + all.length + " at or past " + thr + " days)";
  add($("machines-legend"), add(el("span"), el("span", null, "key dormant"), "idle " + thr + "+ days"), add(el("span"), el("span", null, "key bar"), "used in the last " + thr + " days"),
    el("span", "pale: created, never used · dashed: not seen in the logs at all (days since the evidence starts) · line: dormant threshold"));
  const headAxis = el("div", null, "axis");
  const lab = el("span", thr + "-day threshold"); lab.style.left = (100 * thr / max) + "%"; headAxis.appendChild(lab);
  add(box, el("div", "identity", "head"), el("div", "provider / tenant", "head where"), headAxis, el("div", "days", "head"));
  list.forEach(m => {
    const days = Number(m.days_silent) || 0, dormant = days >= thr;
    const cls = (dormant ? "dormant" : "active") + (m.basis === "created, never used" ? " never" : m.basis === "not seen in the logs" ? " unseen" : "");
    const g = sv("svg", { viewBox: "0 0 " + max + " 22", preserveAspectRatio: "none", height: 22 });
    g.appendChild(tip(sv("rect", { x: 0, y: 5, width: Math.max(days, max / 400), height: 12, class: cls }), m.subject.name + ": " + days + " days (" + m.basis + ")"));
    g.appendChild(sv("line", { x1: thr, x2: thr, y1: 0, y2: 22, class: "thr", "vector-effect": "non-scaling-stroke" }));
    const who = add(el("div", null, "lbl row"), subjectNode(m.subject)); who.title = m.subject.name + (m.subject.id ? " (" + m.subject.id + ")" : "");
    const where = el("div", m.provider + " / " + m.tenant, "lbl row where muted"); where.title = m.provider + " / " + m.tenant;
    add(box, who, where, g,
      el("div", days + " d" + (m.basis === "last used" ? "" : m.basis === "created, never used" ? " · never used" : " · not seen"), "note row" + (dormant ? " silent" : "")));
  });
  if (all.length > LIMIT) add(box, el("div", (all.length - LIMIT) + " more, idle " + txt(all[LIMIT].days_silent) + " days or less", "note"), el("div"), el("div"), el("div"));
})();

// Share of active admin roles held by machine identities, per provider and tenant.
(function () {
  const box = $("admins"), per = new Map();
  D.admin_roles.forEach(r => { const k = r.provider + "\u0000" + r.tenant; if (!per.has(k)) per.set(k, { provider: r.provider, tenant: r.tenant, machine: 0, person: 0, mpriv: 0 }); const p = per.get(k); if (r.machine) { p.machine += r.roles; if (r.privileged) p.mpriv += r.roles; } else p.person += r.roles; });
  if (!per.size) { box.appendChild(el("p", "No active admin roles in the logs.", "muted")); return; }
  const all = { provider: "all providers", tenant: "", machine: 0, person: 0, mpriv: 0 };
  per.forEach(p => { all.machine += p.machine; all.person += p.person; all.mpriv += p.mpriv; });
  [...per.values(), all].forEach(p => {
    const total = p.machine + p.person;
    const g = sv("svg", { viewBox: "0 0 100 20", preserveAspectRatio: "none", height: 20 });
    const m = 100 * p.machine / total;
    g.appendChild(tip(sv("rect", { x: 0, y: 3, width: m, height: 14, class: "machine" }), p.machine + " held by machine identities"));
    g.appendChild(tip(sv("rect", { x: m, y: 3, width: 100 - m, height: 14, class: "person" }), p.person + " held by people"));
    add(box, add(el("div", null, "lbl"), p.tenant ? streamNode(p.provider, p.tenant, true) : el("b", p.provider)), g,
      el("div", p.machine + " of " + total + " held by machines (" + Math.round(m) + "%)" + (p.mpriv ? ", " + p.mpriv + " privileged" : ""), "note" + (p.machine ? " silent" : "")));
  });
})();

// Trust paths: each outside subject that can become admin, hop by hop (federated-path-to-admin).
(function () {
  const box = $("trust");
  const paths = D.findings.filter(f => f.rule_id === "federated-path-to-admin" && f.evidence && Array.isArray(f.evidence.path));
  if (!paths.length) { box.appendChild(el("p", "No path from an outside subject to an admin role in the logs.", "muted")); return; }
  $("trust-title").textContent = "Outside workloads that can become admin (" + paths.length + (paths.length === 1 ? " path)" : " paths)");
  // Each hop's mechanism in a word (the full name is in the arrow's tooltip).
  const verb = m => ({ AssumeRoleWithWebIdentity: "OIDC", AssumeRoleWithSAML: "SAML", AssumeRole: "assume", GenerateAccessToken: "token", GenerateIdToken: "token", SignJwt: "sign", SignBlob: "sign" })[m] || (txt(m).includes("WebIdentity") ? "OIDC" : "may take");
  const W = 230, GAP = 70, H = 46, short = (s, n) => { s = txt(s); return s.length > n ? s.slice(0, n - 1) + "\u2026" : s; };
  // A long ARN by its last part (the full name is in the tooltip).
  const tail = s => { s = txt(s); const i = s.lastIndexOf("/"); return i > 0 && s.length > 34 ? s.slice(i + 1) : s; };
  paths.slice(0, 40).forEach(f => {
    const e = f.evidence, hops = e.path;
    // Columns: the origin, each identity taken, then the admin role it holds.
    const nodes = [{ label: e.origin, sub: e.issuer || e.origin_kind, cls: "ext" }]
      .concat(hops.map(h => ({ label: tail(h.to), full: h.to, sub: "", cls: "hopk" })))
      .concat([{ label: tail(e.admin_role), full: e.admin_role, sub: "admin role", cls: "adm" }]);
    const width = nodes.length * W + (nodes.length - 1) * GAP + 4;
    const g = sv("svg", { viewBox: "0 0 " + width + " " + (H + 8), width: width, height: H + 8, role: "img" });
    tip(g, f.summary);
    nodes.forEach((n, i) => {
      const x = 2 + i * (W + GAP);
      g.appendChild(tip(sv("rect", { x: x, y: 4, width: W, height: H, class: "node " + n.cls }), txt(n.full || n.label)));
      const t1 = sv("text", { x: x + 8, y: 22, class: n.cls === "adm" ? "on-adm" : "" }); t1.textContent = short(n.label, 34); g.appendChild(t1);
      if (n.sub) { const t2 = sv("text", { x: x + 8, y: 40, class: n.cls === "adm" ? "on-adm" : "elabel" }); t2.textContent = short(n.sub, 36); g.appendChild(t2); }
      if (i > 0 && i <= hops.length) {
        const h = hops[i - 1], x0 = x - GAP, y = 4 + H / 2;
        g.appendChild(tip(sv("path", { d: "M" + x0 + " " + y + " H" + (x - 6) + " m-6 -5 l6 5 l-6 5", class: "edge" + (h.observed ? "" : " allowed") }),
          txt(h.mechanism) + (h.observed ? ", seen " + num(h.uses) + " times, " + day(h.first_seen) + " to " + day(h.last_seen) : ", allowed by the trust policy") + (h.trust_condition ? "; trust: " + txt(h.trust_condition) : "")));
        const l = sv("text", { x: x0 + 4, y: y - 6, class: "elabel" }); l.textContent = verb(h.mechanism); g.appendChild(l);
      }
      if (i === nodes.length - 1) {
        const x0 = x - GAP, y = 4 + H / 2;
        g.appendChild(sv("path", { d: "M" + x0 + " " + y + " H" + (x - 6) + " m-6 -5 l6 5 l-6 5", class: "edge" }));
        const l = sv("text", { x: x0 + 4, y: y - 6, class: "elabel" }); l.textContent = "holds"; g.appendChild(l);
      }
    });
    add(box, add(el("div", null, "lbl"), badge(f.severity, "sev-" + f.severity), " ", el("span", f.verdict, "muted")), g);
  });
  if (paths.length > 40) add(box, el("p", (paths.length - 40) + " more in the findings below", "muted"));
})();

// Evidence as a list of names and values (event references left out when shown apart).
function dlNode(ev, skip) {
  if (!ev || typeof ev !== "object" || Array.isArray(ev)) return el("pre", txt(ev));
  const dl = el("dl", null, "ev");
  Object.keys(ev).forEach(k => { if (skip && skip.includes(k)) return; const v = ev[k]; add(dl, el("dt", k.replace(/_/g, " ")), el("dd", v === null ? "—" : Array.isArray(v) ? v.map(txt).join(", ") || "—" : txt(v))); });
  return dl;
}

// Findings grouped by rule; details expand in place.
function evidenceNode(f) {
  const more = el("div", null, "more");
  const ev = f.evidence && typeof f.evidence === "object" ? f.evidence : null;
  const refs = ev ? Object.keys(ev).filter(k => (k.endsWith("_event") || k === "event_uid") && typeof ev[k] === "string" && ev[k]) : [];
  if (refs.length) {
    add(more, el("h4", "Events that prove it"));
    const ul = el("ul", null, "events");
    refs.forEach(k => {
      const uid = ev[k], e = D.events[uid], li = el("li");
      add(li, el("b", k.replace(/_/g, " ")), ": ");
      if (e) {
        add(li, txt(e.time) + " · " + txt(e.event_type) + " · " + (txt(e.actor_name) || txt(e.actor_uid) || "?") + (e.target_name || e.target_uid ? " → " + (txt(e.target_name) || txt(e.target_uid)) : "") + (e.outcome ? " · " + txt(e.outcome) : ""));
        add(li, el("div", "event_uid " + uid + (e.source_file ? " · " + txt(e.source_file) + (e.source_offset !== null && e.source_offset !== undefined ? " @ " + e.source_offset : "") : ""), "id"));
      } else add(li, el("span", uid, "id"));
      ul.appendChild(li);
    });
    more.appendChild(ul);
  }
  add(more, el("h4", "Evidence"), dlNode(f.evidence, refs));
  add(more, el("h4", "Frameworks"));
  const fw = el("div"); (f.frameworks || []).forEach(x => fw.appendChild(el("span", x, "chip"))); more.appendChild(fw);
  add(more, el("div", f.verdict + " · seen " + txt(f.first_seen) + " to " + txt(f.last_seen) + " · finding " + txt(f.finding_uid), "muted"));
  return more;
}
(function () {
  const groups = $("groups"), nav = $("rulenav");
  $("findings-title").textContent = "Findings by rule (" + D.findings.length + ")";
  if (!S.groups.length) { groups.appendChild(el("p", "No findings.", "muted")); return; }
  S.groups.forEach(g => {
    const a = el("a", g.title + " (" + g.count + ")"); a.setAttribute("href", "#rule-" + g.rule_id); nav.appendChild(a);
    const sec = el("section", null, "group"); sec.id = "rule-" + g.rule_id; sec.dataset.rule = g.rule_id; sec.dataset.count = g.count;
    const h = el("h3");
    add(h, el("span", g.title, "title"), el("span", g.count, "count"), el("span", sevText(g.by_severity), "sevs"), el("code", g.rule_id));
    sec.appendChild(h);
    if (g.why) sec.appendChild(add(el("p", null, "why"), el("b", "Why it matters. "), g.why));
    if (g.todo) sec.appendChild(add(el("p", null, "todo"), el("b", "What to do. "), g.todo));
    g.findings.forEach(i => {
      const f = D.findings[i], d = el("details", null, "finding"), s = el("summary");
      d.dataset.severity = f.severity; d.dataset.uid = f.finding_uid;
      add(s, badge(f.severity, "sev-" + txt(f.severity)), subjectNode(S.subjects[i]), el("span", txt(f.provider) + " / " + txt(f.tenant), "where"), el("span", txt(f.summary) + (f.verdict === "confirmed" ? "" : " (" + txt(f.verdict) + ")"), "what"));
      d.appendChild(s);
      let built = false;
      d.addEventListener("toggle", () => { if (d.open && !built) { built = true; d.appendChild(evidenceNode(f)); } });
      sec.appendChild(d);
    });
    groups.appendChild(sec);
  });
  function applyFilter() {
    const q = $("filter").value.toLowerCase(), sv = $("severity").value;
    document.querySelectorAll("section.group").forEach(sec => {
      let shown = 0;
      sec.querySelectorAll("details.finding").forEach(d => {
        const i = D.findings.findIndex(f => f.finding_uid === d.dataset.uid), f = D.findings[i];
        const ok = (!sv || f.severity === sv) && (!q || (JSON.stringify(f) + " " + JSON.stringify(S.subjects[i])).toLowerCase().includes(q));
        d.hidden = !ok; if (ok) shown++;
      });
      sec.hidden = shown === 0;
    });
  }
  $("filter").addEventListener("input", applyFilter);
  $("severity").addEventListener("change", applyFilter);
})();

// Claims per provider and tenant: contradicted, unverified and partial open, verified folded.
(function () {
  const box = $("claimlist");
  if (!D.scorecard.length) { box.appendChild(el("p", "No scorecard in this lake yet (run `trailcheck score`).", "muted")); return; }
  const rank = { contradicted: 0, unverified: 1, partial: 2, verified: 3 };
  const row = c => {
    const r = el("div", null, "claim");
    add(r, add(el("div"), badge(c.status, "st-" + txt(c.status))));
    const st = el("div", null, "stmt");
    add(st, el("div", c.statement), add(el("div", c.claim_id, "id"), c.evidence && c.evidence.testable === false ? el("span", " · not testable: no documented number, weight 0 in the score", "muted") : null));
    const ev = el("details"); add(ev, el("summary", "evidence"), dlNode(c.evidence));
    if (c.source_url) ev.appendChild(el("div", "source: " + txt(c.source_url), "id"));
    st.appendChild(ev); r.appendChild(st);
    return r;
  };
  S.streams.forEach(v => {
    const claims = D.scorecard.filter(c => c.provider === v.provider && c.tenant === v.tenant);
    if (!claims.length) return;
    const sec = el("div", null, "claims-stream");
    const h = el("h3");
    add(h, v.provider + " / " + v.tenant + " · score ", el("span", v.score === null ? "-" : Math.round(v.score), "score " + (v.score >= 90 ? "good" : v.score >= 60 ? "fair" : "poor")),
      el("span", " · " + ["contradicted", "unverified", "partial", "verified"].filter(s => v.claims[s]).map(s => v.claims[s] + " " + s).join(", "), "muted"));
    sec.appendChild(h);
    claims.filter(c => c.status !== "verified").sort((a, b) => (rank[a.status] ?? 9) - (rank[b.status] ?? 9)).forEach(c => sec.appendChild(row(c)));
    const ok = claims.filter(c => c.status === "verified");
    if (ok.length) { const d = el("details", null, "verified"); d.appendChild(el("summary", plural(ok.length, "verified claim", "verified claims"))); ok.forEach(c => d.appendChild(row(c))); sec.appendChild(d); }
    box.appendChild(sec);
  });
})();

function table(node, cols, rows, render) {
  node.replaceChildren();
  const head = el("tr");
  cols.forEach(c => head.appendChild(el("th", c[1])));
  add(node, add(el("thead"), head));
  const body = el("tbody");
  rows.forEach(r => { const tr = el("tr"); cols.forEach(c => { const v = render ? render(c[0], r) : null; tr.appendChild(v || el("td", txt(r[c[0]]))); }); body.appendChild(tr); });
  node.appendChild(body);
}
if (D.reviews.length) {
  const of = (r, k) => el("td", txt(r[k + "_reviewed"]) + " of " + txt(r[k]), "n");
  table($("reviews"), [["where", "provider / tenant"], ["review", "review"], ["period", "period"], ["privileged_humans", "privileged people"], ["privileged_machines", "privileged machines"], ["machines", "active machines"]], D.reviews, (c, r) => {
    if (c === "where") return add(el("td"), streamNode(r.provider, r.tenant));
    if (c === "review") return el("td", txt(r.review_name || r.review_id));
    if (c === "period") return el("td", day(r.period_start) + " to " + day(r.period_end));
    if (c === "machines") return el("td", txt(r.machines_reviewed) + " of " + txt(r.machines_in_scope), "n");
    return of(r, c);
  });
} else $("reviews-section").hidden = true;
if (D.previous_run) {
  const n = c => D.changes.filter(r => r.change === c).length;
  $("changes-meta").textContent = "Since analyze run " + D.previous_run + ": " + n("new") + " new, " + n("resolved") + " resolved, " + n("persisting") + " persisting.";
  const moved = D.changes.filter(r => r.change !== "persisting" || r.changed);
  if (moved.length) table($("changes"), [["change", "change"], ["severity", "severity"], ["rule_id", "rule"], ["subject", "subject"], ["where", "provider / tenant"], ["summary", "summary"]], moved, (c, r) => {
    if (c === "change") return el("td", r.change === "persisting" ? "was " + txt(r.previous_severity) + " " + txt(r.previous_verdict) : r.change, "nw");
    if (c === "severity") return add(el("td", null, "nw"), badge(r.severity, "sev-" + txt(r.severity)));
    if (c === "rule_id") return el("td", ruleTitle(r.rule_id));
    if (c === "subject") return add(el("td"), subjectNode(r.subject));
    if (c === "where") return add(el("td"), streamNode(r.provider, r.tenant));
    return null;
  });
} else { $("changes-meta").textContent = "This is the first analysis of this lake: nothing to compare with yet."; }
table($("coverage"), [["where", "provider / tenant"], ["first_event", "first event"], ["last_event", "last event"], ["days_covered", "days covered"], ["days_with_events", "days with events"], ["events", "events"], ["events_per_day", "per day"], ["categories", "events per category"]], D.coverage, (c, r) => {
  if (c === "where") return add(el("td"), streamNode(r.provider, r.tenant));
  if (c === "first_event" || c === "last_event") { const td = el("td", when(r[c])); td.title = txt(r[c]); return td; }
  if (c === "days_covered" || c === "days_with_events") return el("td", txt(r[c]), "n");
  if (c === "events" || c === "events_per_day") return el("td", num(r[c]), "n");
  if (c === "categories") return el("td", D.categories.filter(x => x.provider === r.provider && x.tenant === r.tenant).map(x => x.category + " " + num(x.events)).join(" · "));
  return null;
});
</script>
</body>
</html>
"##;
