#!/usr/bin/env python3
"""trailcheck against DuckDB on the same exports, on this machine.

What a data engineer would do instead of trailcheck: point DuckDB at the exports,
flatten the same columns, `COPY ... TO` zstd Parquet, then query. This script times
both, each as its own process under /usr/bin/time (wall time and peak RSS), with the
same thread count, several runs, and prints the medians and ratios as a Markdown table.

(a) ingest: DuckDB `read_json` + flattening + `COPY TO` zstd Parquet (with and without
    the raw record kept as a column) vs `trailcheck ingest`;
(b) analysis: the dormant-identity and admin-assignment SQL below, run by DuckDB over
    trailcheck's lake and by trailcheck (`trailcheck sql`, DataFusion), and the whole
    `trailcheck analyze` (every rule and view) for scale.

    pip install duckdb
    trailcheck generate --provider aws_cloudtrail --events 800000 --out /tmp/ct-1g
    python3 benches/compare_duckdb.py --provider aws_cloudtrail --input /tmp/ct-1g --runs 3

Needs the trailcheck binary (`--trailcheck`, default: the dev build under
$CARGO_TARGET_DIR or ./target).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap

# The flattening DuckDB does per provider: the columns trailcheck's events table
# normalizes that the export carries directly.
FLATTEN = {
    # CloudTrail: the struct DuckDB detects over all records (sample_size=-1: fields such
    # as errorCode are absent from most records), fields read by name.
    "aws_cloudtrail": {
        "source": "SELECT unnest(Records) AS r FROM read_json({files}, maximum_object_size=1073741824, "
                  "sample_size=-1)",
        "columns": """
            r.eventID AS event_uid,
            CAST(r.eventTime AS TIMESTAMPTZ) AS time,
            'aws_cloudtrail' AS provider,
            r.recipientAccountId AS tenant,
            r.eventName AS event_type,
            r.eventSource AS event_source,
            r.userIdentity.type AS actor_type,
            coalesce(r.userIdentity.arn, r.userIdentity.principalId) AS actor_uid,
            r.userIdentity.userName AS actor_name,
            r.userIdentity.accessKeyId AS credential_uid,
            r.sourceIPAddress AS source_ip,
            r.userAgent AS user_agent,
            {outcome} AS outcome,
            r.awsRegion AS region""",
        "raw": "to_json(r)",
        "outcome": ("errorCode", "CASE WHEN r.errorCode IS NULL THEN 'success' ELSE 'failure' END"),
        "glob": "**/*.json.gz",
    },
    "okta": {
        # Okta: records kept as JSON and read with ->> (the shape differs per event type).
        "source": "SELECT json AS r FROM read_json_objects({files}, format='auto')",
        "columns": """
            r->>'uuid' AS event_uid,
            CAST(r->>'published' AS TIMESTAMPTZ) AS time,
            'okta' AS provider,
            NULL AS tenant,
            r->>'eventType' AS event_type,
            r->'actor'->>'type' AS actor_type,
            r->'actor'->>'id' AS actor_uid,
            r->'actor'->>'alternateId' AS actor_name,
            r->'target'->0->>'id' AS target_uid,
            r->'target'->0->>'alternateId' AS target_name,
            r->'client'->>'ipAddress' AS source_ip,
            r->'client'->'userAgent'->>'rawUserAgent' AS user_agent,
            r->'outcome'->>'result' AS outcome,
            r->'debugContext'->'debugData'->>'privilegeGranted' AS privilege""",
        "raw": "r",
        "glob": "**/*.json",
    },
}

# The same analysis SQL for both engines (over a table or view named `events`).
ANALYSES = {
    "dormant machine identities": textwrap.dedent("""
        SELECT provider, tenant, actor_uid, max(time) AS last_activity, count(*) AS events
        FROM events
        WHERE actor_is_machine AND outcome <> 'failure'
        GROUP BY provider, tenant, actor_uid
        HAVING max(time) < (SELECT max(time) FROM events) - INTERVAL '90 days'
        ORDER BY last_activity"""),
    "admin role assignments": textwrap.dedent("""
        SELECT provider, tenant, target_uid, privilege,
               min(time) FILTER (WHERE action = 'role.grant') AS first_granted_at,
               max(time) FILTER (WHERE action = 'role.grant') AS granted_at,
               max(time) FILTER (WHERE action = 'role.revoke') AS revoked_at,
               count(*) FILTER (WHERE action = 'role.grant') AS grants,
               count(DISTINCT actor_uid) AS grantors
        FROM events
        WHERE action IN ('role.grant', 'role.revoke') AND target_uid IS NOT NULL
        GROUP BY provider, tenant, target_uid, privilege
        ORDER BY grants DESC"""),
}


def timed(cmd, env=None):
    """Run a command under /usr/bin/time; return (seconds, peak RSS MB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        full = ["/usr/bin/time", "-f", "%e %M", "-o", t.name] + cmd
        p = subprocess.run(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
        if p.returncode not in (0, 1):
            sys.exit(f"failed: {' '.join(cmd)}\n{p.stderr.decode(errors='replace')[-2000:]}")
        wall, rss_kb = t.read().split()[-2:]
        return float(wall), int(rss_kb) / 1024


def duckdb_script(sql, threads):
    return [sys.executable, "-c", textwrap.dedent(f"""
        import duckdb
        con = duckdb.connect()
        con.execute("SET threads = {threads}")
        con.execute("SET preserve_insertion_order = false")
        con.execute({sql!r})
        """)]


def dir_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    return total


def input_bytes(path):
    """Uncompressed size (what both engines parse)."""
    import gzip
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            p = os.path.join(root, f)
            if f.endswith(".gz"):
                with gzip.open(p, "rb") as g:
                    while chunk := g.read(1 << 20):
                        total += len(chunk)
            elif f.endswith((".json", ".jsonl", ".ndjson")):
                total += os.path.getsize(p)
    return total


def find_trailcheck(arg):
    if arg:
        return arg
    for d in [os.environ.get("CARGO_TARGET_DIR"), "/root/.cache/trailcheck-target", "target"]:
        if d and os.path.exists(os.path.join(d, "debug", "trailcheck")):
            return os.path.join(d, "debug", "trailcheck")
    sys.exit("trailcheck binary not found: build it (cargo build) or pass --trailcheck")


def lake_sizes(lake, dd_file):
    """Lake sizes: trailcheck's whole events table, its columns that DuckDB also wrote
    (with raw), and DuckDB's file."""
    import duckdb
    con = duckdb.connect()
    glob = os.path.join(lake, "events", "**", "*.parquet")
    cols = lambda src: {r[0] for r in con.sql(
        f"SELECT DISTINCT path_in_schema FROM parquet_metadata({src!r})").fetchall()}
    ours = {"source_ip": "src_ip"}
    tc_cols = cols(glob)
    # Columns both wrote (DuckDB's event_source and region have no events column).
    both = sorted(c for c in cols(dd_file) if ours.get(c, c) in tc_cols)
    size = lambda src, names: con.sql(
        f"SELECT sum(total_compressed_size) FROM parquet_metadata({src!r}) "
        f"WHERE path_in_schema IN (SELECT unnest(?::VARCHAR[]))", params=[names]).fetchall()[0][0] or 0
    tc_same = size(glob, [ours.get(c, c) for c in both])
    dd_same = size(dd_file, both)
    return (f"; lake sizes: trailcheck {dir_bytes(os.path.join(lake, 'events')) / 1e6:.0f} MB "
            f"in all ({tc_same / 1e6:.1f} MB in the columns DuckDB also wrote), "
            f"DuckDB {os.path.getsize(dd_file) / 1e6:.0f} MB in all ({dd_same / 1e6:.1f} MB in those columns)")


def median_of(runs, fn):
    results = [fn() for _ in range(runs)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--provider", choices=sorted(FLATTEN), required=True)
    ap.add_argument("--input", required=True, help="folder of native exports")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--trailcheck")
    ap.add_argument("--work", default=None, help="scratch folder (default: a temp dir)")
    ap.add_argument("--skip-ingest", action="store_true",
                    help="compare only the SQL, over the lake already in WORK/lake")
    a = ap.parse_args()
    tc = find_trailcheck(a.trailcheck)
    work = a.work or tempfile.mkdtemp(prefix="tc-vs-duckdb-")
    os.makedirs(work, exist_ok=True)
    spec = FLATTEN[a.provider]
    files = repr(os.path.join(os.path.abspath(a.input), spec["glob"]))
    mb = input_bytes(a.input) / 1e6
    rows = []

    def row(what, tc_s, tc_rss, dd_s, dd_rss, unit_mb=None):
        ratio = dd_s / tc_s if tc_s else float("nan")
        rate = (lambda s: f"{unit_mb / s:.0f} MB/s") if unit_mb else (lambda s: "")
        rows.append((what, f"{tc_s:.2f} s {rate(tc_s)}".strip(), f"{tc_rss:.0f} MB",
                     f"{dd_s:.2f} s {rate(dd_s)}".strip(), f"{dd_rss:.0f} MB", f"{ratio:.2f}x"))

    # (a) ingest
    lake = os.path.join(work, "lake")

    def tc_ingest():
        shutil.rmtree(lake, ignore_errors=True)
        return timed([tc, "ingest", "-q", "--lake", lake, a.input],
                     env=dict(os.environ, RAYON_NUM_THREADS=str(a.threads)))

    outcome = spec.get("outcome")
    columns = spec["columns"]
    if outcome:
        # A field no record has is not in the detected struct: then every record succeeded.
        import duckdb
        kind = duckdb.sql(f"DESCRIBE {spec['source'].format(files=files)}").fetchall()[0][1]
        columns = columns.format(outcome=outcome[1] if outcome[0] in kind else "'success'")

    def dd_ingest(raw):
        out = os.path.join(work, "duckdb-raw.parquet" if raw else "duckdb.parquet")
        cols = columns + (f",\n            {spec['raw']} AS raw" if raw else "")
        sql = f"COPY (SELECT {cols} FROM ({spec['source'].format(files=files)})) TO {out!r} (FORMAT parquet, COMPRESSION zstd)"
        return lambda: timed(duckdb_script(sql, a.threads))

    sizes = ""
    if not a.skip_ingest:
        tc_s, tc_rss = median_of(a.runs, tc_ingest)
        dd_s, dd_rss = median_of(a.runs, dd_ingest(True))
        row(f"ingest {mb:.0f} MB, raw kept", tc_s, tc_rss, dd_s, dd_rss, mb)
        dn_s, dn_rss = median_of(a.runs, dd_ingest(False))
        rows.append((f"DuckDB without raw (cost of raw: {dd_s - dn_s:.2f} s)", "", "",
                     f"{dn_s:.2f} s {mb / dn_s:.0f} MB/s", f"{dn_rss:.0f} MB", ""))
        sizes = lake_sizes(lake, os.path.join(work, "duckdb-raw.parquet"))

    # (b) the same SQL over trailcheck's lake
    glob = repr(os.path.join(lake, "events", "**", "*.parquet"))
    for name, sql in ANALYSES.items():
        dd = duckdb_script(
            f"CREATE VIEW events AS SELECT * FROM read_parquet({glob}, hive_partitioning=false); "
            f"SELECT count(*) FROM ({sql})", a.threads)
        t_s, t_rss = median_of(a.runs, lambda: timed([tc, "sql", "--lake", lake, "--format", "csv",
                                                      f"SELECT count(*) FROM ({sql})"]))
        d_s, d_rss = median_of(a.runs, lambda: timed(dd))
        row(name, t_s, t_rss, d_s, d_rss)
    an_s, an_rss = median_of(a.runs, lambda: timed([tc, "analyze", "--lake", lake, "--format", "ndjson"]))
    rows.append(("trailcheck analyze (all 11 rules and views)", f"{an_s:.2f} s", f"{an_rss:.0f} MB", "", "", ""))

    print(f"\n{a.provider}: {a.input} ({mb:.0f} MB uncompressed), {a.threads} threads, "
          f"median of {a.runs} runs{sizes}\n")
    head = ("", "trailcheck", "peak RSS", "DuckDB", "peak RSS", "DuckDB time / trailcheck time")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
