#!/usr/bin/env python3
"""Deterministic generator of sample audit-log exports for trailcheck.

Writes, in each provider's native export container:

  sample-logs/google_workspace/   Admin SDK Reports API activities.list pages
  sample-logs/gcp_audit/          Cloud Logging -> Cloud Storage sink files (NDJSON)
                                  + one `gcloud logging read --format=json` array
  sample-logs/github/             REST audit-log JSON array, streaming NDJSON .json.gz,
                                  and one web-UI CSV export

plus a PLANTED.md per provider describing every planted subject and the finding
expected for it.  Standard library only; fixed seed; running it twice gives
byte-identical output.

Timeline: 2026-05-01T00:00:00Z .. 2026-10-31T23:59:59Z.  The latest event of every
provider/tenant is on 2026-10-31 (the analyses' as_of).

Usage:
  python3 tools/sample-logs/gen_gws_gcp_github.py            # generate + verify
  python3 tools/sample-logs/gen_gws_gcp_github.py --verify   # verify existing output only
  python3 tools/sample-logs/gen_gws_gcp_github.py --out DIR  # write somewhere else
"""

import argparse
import base64
import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import sys
import uuid

SEED = 20261031
UTC = dt.timezone.utc
START = dt.datetime(2026, 5, 1, 0, 0, 0, tzinfo=UTC)
END = dt.datetime(2026, 10, 31, 23, 59, 59, tzinfo=UTC)
NDAYS = (END.date() - START.date()).days + 1  # 184
AS_OF_DATE = dt.date(2026, 10, 31)

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PROVIDER_DIRS = ("google_workspace", "gcp_audit", "github")


# --------------------------------------------------------------------------- helpers

def D(m, d):
    return dt.date(2026, m, d)


def days():
    for i in range(NDAYS):
        yield START.date() + dt.timedelta(days=i)


def at(day, h, m=0, s=0, us=0):
    return dt.datetime(day.year, day.month, day.day, h, m, s, us, tzinfo=UTC)


def rand_time(rng, day, h0=7, h1=22):
    """Random instant on `day` between h0:00 and h1:59 UTC (microsecond precision)."""
    h = rng.randint(h0, h1)
    return at(day, h, rng.randint(0, 59), rng.randint(0, 59), rng.randint(0, 999999))


def rfc3339_ms(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def rfc3339_frac(t, digits, extra_ns=0):
    """RFC 3339 with 6 or 9 fraction digits (the nanoseconds beyond µs come from extra_ns)."""
    base = t.strftime("%Y-%m-%dT%H:%M:%S.")
    if digits == 6:
        return base + "%06dZ" % t.microsecond
    return base + "%06d%03dZ" % (t.microsecond, extra_ns % 1000)


def epoch_ms(t):
    return int(t.timestamp() * 1000)


def weekday(day):
    return day.weekday() < 5


def every(start, end, step_choices, rng, include_end=True):
    """Dates from start to end stepping by a random choice of step_choices; end always included."""
    out = []
    d = start
    while d < end:
        out.append(d)
        d = d + dt.timedelta(days=rng.choice(step_choices))
    if include_end and (not out or out[-1] != end):
        out.append(end)
    return out


def b64url(rng, nbytes):
    return base64.urlsafe_b64encode(bytes(rng.getrandbits(8) for _ in range(nbytes))).decode().rstrip("=")


def hexid(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def digits(rng, n, first="123456789"):
    return rng.choice(first) + "".join(rng.choice("0123456789") for _ in range(n - 1))


def write_json(path, obj, indent=None, sort_keys=False):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(obj, f, indent=indent, sort_keys=sort_keys, ensure_ascii=False)
        f.write("\n")


def write_ndjson(path, objs):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for o in objs:
            f.write(json.dumps(o, separators=(",", ":"), ensure_ascii=False))
            f.write("\n")


def write_ndjson_gz(path, objs):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    raw = "".join(json.dumps(o, separators=(",", ":"), ensure_ascii=False) + "\n" for o in objs).encode()
    buf = io.BytesIO()
    # mtime=0 and no file name: byte-identical output on every run
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as gz:
        gz.write(raw)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def md_table(headers, rows):
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |")
    return "\n".join(out) + "\n"


# =========================================================================== GOOGLE WORKSPACE

class GoogleWorkspace:
    CUSTOMER = "C03az79cb"
    DOMAIN = "example.com"
    PROJECT = "acme-prod-4821"

    def __init__(self):
        self.rng = random.Random("%d:google_workspace" % SEED)
        self.acts = {"admin": [], "token": [], "login": []}
        self.plants = []  # rows for PLANTED.md
        r = self.rng
        humans = ["maria.okafor", "daniel.kim", "priya.raman", "james.whitfield", "lena.fischer",
                  "carlos.mendes", "tom.becker", "sarah.johnson", "wei.zhang", "fatima.aziz",
                  "noah.williams", "emma.rossi", "mark.turner", "grace.liu", "ivan.petrov",
                  "aisha.bello", "hannah.schmidt"]
        self.email = {h: "%s@%s" % (h, self.DOMAIN) for h in humans}
        self.profile = {h: digits(r, 21, "1") for h in humans}
        pools = ["192.0.2.", "198.51.100.", "203.0.113."]
        self.ip = {h: pools[i % 3] + str(10 + (i * 13) % 230) for i, h in enumerate(humans)}
        self.asn = {h: 64496 + (i % 15) for i, h in enumerate(humans)}
        # users created inside the window (no logins before), suspended/deleted users
        self.created = {"grace.liu": D(6, 15), "ivan.petrov": D(8, 3), "aisha.bello": D(9, 22),
                        "hannah.schmidt": D(10, 26)}
        self.gone = {"mark.turner": D(7, 1)}  # suspended 07-01, deleted 08-01

        # ---- OAuth clients / service accounts (machine identities) ----
        def sa(name):
            return "%s@%s.iam.gserviceaccount.com" % (name, self.PROJECT)
        self.SA = {
            # 1 active, pre-existing DWD client
            "backup-sync": {"email": sa("backup-sync"), "client_id": "104729384756102938475",
                            "app": "Acme Drive Backup", "ip": "203.0.113.41"},
            # admin-role holder (machine granted admin role), active
            "directory-sync": {"email": sa("directory-sync"), "client_id": "102938475610293847561",
                               "app": "Acme Directory Sync", "ip": "203.0.113.42"},
            # 2 dormant: authorized 05-05, used until 06-20
            "reports-export": {"email": sa("reports-export"), "client_id": "113344556677889900112",
                               "app": "Acme Reports Export", "ip": "203.0.113.43"},
            # 3 authorized 05-10, never used
            "calendar-sync": {"email": sa("calendar-sync"), "client_id": "107788990011223344556",
                              "app": "Acme Calendar Sync", "ip": "203.0.113.44"},
            # 4 authorized 10-15, never used (grace)
            "mail-archiver": {"email": sa("mail-archiver"), "client_id": "118899001122334455667",
                              "app": "Acme Mail Archiver", "ip": "203.0.113.45"},
            # 5 used until 06-01, API client access removed 09-01
            "legacy-hr-import": {"email": sa("legacy-hr-import"), "client_id": "101122334455667788990",
                                 "app": "Legacy HR Import", "ip": "203.0.113.46"},
        }
        # user-authorized third-party web apps (machine identities = OAuth clients), active
        self.WEBAPPS = {
            "slack": {"client_id": "873402651988-q8n5k2c7e1rj6t0pvh3aa9m4lbuw2dxs.apps.googleusercontent.com",
                      "app": "Slack", "type": "WEB",
                      "scopes": ["https://www.googleapis.com/auth/calendar.readonly",
                                 "https://www.googleapis.com/auth/drive.readonly", "openid", "email"],
                      "api": [("calendar", "calendar.events.list"), ("drive", "drive.files.get")]},
            "zoom": {"client_id": "591026384475-j1mh0c3kvr7u2b6t4e9sdn8pq5xo1yzl.apps.googleusercontent.com",
                     "app": "Zoom for Google Workspace", "type": "WEB",
                     "scopes": ["https://www.googleapis.com/auth/calendar.events", "openid", "email", "profile"],
                     "api": [("calendar", "calendar.events.insert"), ("calendar", "calendar.events.list")]},
            "gcloud": {"client_id": "32555940559.apps.googleusercontent.com",
                       "app": "Google Cloud SDK", "type": "NATIVE_DESKTOP",
                       "scopes": ["https://www.googleapis.com/auth/cloud-platform", "openid", "email"],
                       "api": [("cloudresourcemanager", "cloudresourcemanager.projects.get")]},
        }
        self.roles = {
            "_SEED_ADMIN_ROLE": "9170516996784129",
            "_USER_MANAGEMENT_ADMIN_ROLE": "9170516996784132",
            "_HELP_DESK_ADMIN_ROLE": "9170516996784131",
            "Security Operations": "9170516996784177",
        }

    # ---- building blocks ----
    def param(self, name, v):
        if isinstance(v, bool):
            return {"name": name, "boolValue": v}
        if isinstance(v, int):
            return {"name": name, "intValue": str(v)}
        if isinstance(v, list):
            if v and isinstance(v[0], dict):
                return {"name": name, "multiMessageValue": [
                    {"parameter": [self.param(k, x) for k, x in m.items()]} for m in v]}
            return {"name": name, "multiValue": list(v)}
        if isinstance(v, dict):
            return {"name": name, "messageValue": {"parameter": [self.param(k, x) for k, x in v.items()]}}
        return {"name": name, "value": v}

    def ev(self, etype, name, **params):
        e = {"type": etype, "name": name}
        if params:
            e["parameters"] = [self.param(k, v) for k, v in params.items()]
        return e

    def etag(self):
        return '"%s/%s"' % (b64url(self.rng, 32), b64url(self.rng, 20))

    def actor_user(self, h):
        return {"callerType": "USER", "email": self.email[h], "profileId": self.profile[h]}

    def actor_sa(self, key):
        s = self.SA[key]
        return {"callerType": "USER", "email": s["email"], "profileId": s["client_id"]}

    def add(self, app, t, actor, events, ip=None, asn=None):
        r = self.rng
        a = {
            "kind": "admin#reports#activity",
            "id": {"time": rfc3339_ms(t),
                   "uniqueQualifier": str(r.getrandbits(64) - (1 << 63)),
                   "applicationName": app,
                   "customerId": self.CUSTOMER},
            "etag": self.etag(),
            "actor": actor,
            "ownerDomain": self.DOMAIN,
        }
        if ip:
            a["ipAddress"] = ip
            if asn:
                a["networkInfo"] = {"ipAsn": [asn], "regionCode": "US", "subdivisionCode": "US-CA"}
        a["events"] = events
        self.acts[app].append((t, a))
        return a

    def human_add(self, app, t, h, events):
        return self.add(app, t, self.actor_user(h), events, self.ip[h], self.asn[h])

    def present(self, h, day):
        if h in self.created and day <= self.created[h]:
            return False
        if h in self.gone and day >= self.gone[h]:
            return False
        return True

    # ---- token app ----
    def sa_activity(self, key, t, api, method, nbytes=None):
        s = self.SA[key]
        r = self.rng
        self.add("token", t, self.actor_sa(key), [self.ev(
            "auth", "activity",
            api_name=api, method_name=method, client_id=s["client_id"],
            num_response_bytes=nbytes if nbytes is not None else r.randint(800, 250000),
            product_bucket={"admin": "GSUITE_ADMIN", "drive": "DRIVE", "gmail": "GMAIL",
                            "calendar": "CALENDAR", "reports": "GSUITE_ADMIN"}.get(api, "OTHER"),
            app_name=s["app"], client_type="TYPE_UNSPECIFIED")], s["ip"])

    def web_activity(self, key, t, h):
        w = self.WEBAPPS[key]
        api, method = self.rng.choice(w["api"])
        self.human_add("token", t, h, [self.ev(
            "auth", "activity",
            api_name=api, method_name=method, client_id=w["client_id"],
            num_response_bytes=self.rng.randint(300, 60000),
            product_bucket={"calendar": "CALENDAR", "drive": "DRIVE"}.get(api, "OTHER"),
            app_name=w["app"], client_type=w["type"])])

    def web_authorize(self, key, t, h):
        w = self.WEBAPPS[key]
        buckets = {"calendar": "CALENDAR", "drive": "DRIVE"}
        scope_data = []
        for s in w["scopes"]:
            prod = "IDENTITY" if "/" not in s else next((v for k, v in buckets.items() if k in s), "OTHER")
            scope_data.append({"scope_name": s, "product_bucket": [prod]})
        self.human_add("token", t, h, [self.ev(
            "auth", "authorize",
            app_name=w["app"], client_id=w["client_id"], client_type=w["type"],
            scope=w["scopes"], scope_data=scope_data)])

    # ---- admin app ----
    def admin(self, t, h, events):
        if h == "SYSTEM":
            return self.add("admin", t, {"callerType": "KEY", "key": "SYSTEM"}, events)
        if h in self.SA:
            return self.add("admin", t, self.actor_sa(h), events, self.SA[h]["ip"])
        return self.human_add("admin", t, h, events)

    def assign_role(self, role, target_email):
        return self.ev("DELEGATED_ADMIN_SETTINGS", "ASSIGN_ROLE",
                       ROLE_NAME=role, ROLE_ID=self.roles[role], USER_EMAIL=target_email)

    def unassign_role(self, role, target_email):
        return self.ev("DELEGATED_ADMIN_SETTINGS", "UNASSIGN_ROLE",
                       ROLE_NAME=role, ROLE_ID=self.roles[role], USER_EMAIL=target_email)

    def app_setting(self, app_name, setting, old, new, ou="acme"):
        return self.ev("APPLICATION_SETTINGS", "CHANGE_APPLICATION_SETTING",
                       APPLICATION_NAME=app_name, SETTING_NAME=setting,
                       OLD_VALUE=old, NEW_VALUE=new, ORG_UNIT_NAME=ou)

    def dwd_authorize(self, key, scopes):
        return self.ev("DOMAIN_SETTINGS", "AUTHORIZE_API_CLIENT_ACCESS",
                       API_CLIENT_NAME=self.SA[key]["client_id"], API_SCOPES=scopes)

    # ---- the scenario ----
    def build(self):
        r = self.rng
        e = self.email
        SA = self.SA

        # ------------------------------------------------ background: logins, every day
        regulars = [h for h in self.email if h not in ("maria.okafor",)]
        for day in days():
            n = r.randint(3, 4) if weekday(day) else r.randint(2, 3)
            people = [h for h in regulars if self.present(h, day)]
            picked = r.sample(people, n)
            if r.random() < 0.4:
                picked.append("maria.okafor")
            for h in picked:
                t = rand_time(r, day, 6, 21)
                if r.random() < 0.12:
                    self.human_add("login", t - dt.timedelta(seconds=r.randint(20, 90)), h, [self.ev(
                        "login", "login_failure", login_type="google_password",
                        login_challenge_method=["password"],
                        login_failure_type="login_failure_invalid_password",
                        is_suspicious=False)])
                method = r.choice([["password", "google_authenticator"], ["password", "security_key"],
                                   ["password", "google_authenticator"], ["password", "idv_preregistered_phone"]])
                self.human_add("login", t, h, [self.ev(
                    "login", "login_success", login_type="google_password",
                    login_challenge_method=method, is_suspicious=False)])
                if r.random() < 0.25:
                    t_out = min(t + dt.timedelta(hours=r.randint(1, 8)), at(day, 22, 30, r.randint(0, 59)))
                    self.human_add("login", t_out, h, [self.ev("login", "logout", login_type="google_password")])
            # third-party web apps used by people (token activity)
            for _ in range(r.randint(1, 2)):
                key = r.choice(["slack", "slack", "zoom", "gcloud"])
                self.web_activity(key, rand_time(r, day, 8, 21), r.choice(people))
        # a suspicious failed login burst from an unknown address
        for i in range(4):
            t = at(D(8, 14), 3, 12 + i, 5 + 7 * i, 120000 * i)
            self.add("login", t, self.actor_user("wei.zhang"), [self.ev(
                "login", "login_failure", login_type="google_password", login_challenge_method=["password"],
                login_failure_type="login_failure_invalid_password", is_suspicious=True)],
                "198.51.100.233", 64510)
        # the very last event of the tenant: a login on 2026-10-31
        self.human_add("login", at(D(10, 31), 22, 47, 31, 604000), "sarah.johnson", [self.ev(
            "login", "login_success", login_type="google_password",
            login_challenge_method=["password", "security_key"], is_suspicious=False)])

        # authorizations of the web apps (new hires, re-consents)
        for (m, d_, h, key) in [(5, 4, "noah.williams", "slack"), (5, 19, "emma.rossi", "zoom"),
                                (6, 16, "grace.liu", "slack"), (6, 16, "grace.liu", "zoom"),
                                (7, 9, "wei.zhang", "gcloud"), (8, 4, "ivan.petrov", "slack"),
                                (9, 23, "aisha.bello", "slack"), (10, 27, "hannah.schmidt", "slack"),
                                (10, 27, "hannah.schmidt", "zoom")]:
            self.web_authorize(key, rand_time(r, D(m, d_), 9, 17), h)

        # ------------------------------------------------ 1. active DWD service account
        for day in every(D(5, 1), D(10, 30), [2, 3, 3, 4], r):
            for _ in range(r.randint(1, 2)):
                self.sa_activity("backup-sync", rand_time(r, day, 1, 5), "drive",
                                 r.choice(["drive.changes.list", "drive.files.list", "drive.files.get"]))
        self.sa_activity("backup-sync", at(D(10, 31), 2, 14, 9, 331000), "drive", "drive.changes.list")
        self.plants.append(("1 active machine identity", "client_id `%s` (service account `%s`, app \"%s\")" % (
            SA["backup-sync"]["client_id"], SA["backup-sync"]["email"], SA["backup-sync"]["app"]),
            "OAuth client / service account with domain-wide delegation (authorized before the window); "
            "`token` `activity` every 2-4 days, last 2026-10-31T02:14:09.331Z",
            "healthy: not flagged"))

        # ------------------------------------------------ machine identity holding an admin role
        self.admin(at(D(5, 16), 14, 2, 51, 118000), "maria.okafor", [self.dwd_authorize("directory-sync", [
            "https://www.googleapis.com/auth/admin.directory.user",
            "https://www.googleapis.com/auth/admin.directory.group"])])
        self.admin(at(D(5, 16), 14, 9, 3, 404000), "maria.okafor",
                   [self.assign_role("_USER_MANAGEMENT_ADMIN_ROLE", SA["directory-sync"]["email"])])
        for day in every(D(5, 17), D(10, 30), [2, 3, 4], r):
            self.sa_activity("directory-sync", rand_time(r, day, 0, 4), "admin",
                             r.choice(["directory.users.list", "directory.groups.list", "directory.members.list"]))
        for day in [D(6, 15), D(8, 3), D(9, 22), D(10, 26)]:
            # the sync moves newly created users into their OU (it exercises its admin role)
            newbie = {D(6, 15): "grace.liu", D(8, 3): "ivan.petrov", D(9, 22): "aisha.bello",
                      D(10, 26): "hannah.schmidt"}[day]
            self.admin(at(day, 16, 40, 12, 5000), "directory-sync", [self.ev(
                "USER_SETTINGS", "CHANGE_USER_ORGANIZATION", USER_EMAIL=e[newbie],
                ORG_UNIT_NAME="/acme/Staff", NEW_VALUE="/acme/Staff/Engineering")])
        self.plants.append(("7b machine identity granted an admin role",
                            "`%s` (client_id `%s`); role `_USER_MANAGEMENT_ADMIN_ROLE` (ROLE_ID %s)" % (
                                SA["directory-sync"]["email"], SA["directory-sync"]["client_id"],
                                self.roles["_USER_MANAGEMENT_ADMIN_ROLE"]),
                            "`ASSIGN_ROLE` 2026-05-16T14:09:03.404Z by super admin maria.okafor@example.com; "
                            "never unassigned; the service account itself is active until 2026-10-30 "
                            "(`token` activity + `CHANGE_USER_ORGANIZATION`)",
                            "overbroad-delegated-admin: machine identity holding an admin role "
                            "(not dormant-machine-identity)"))

        # ------------------------------------------------ 2. dormant DWD service account
        self.admin(at(D(5, 5), 15, 31, 44, 870000), "maria.okafor", [self.dwd_authorize("reports-export", [
            "https://www.googleapis.com/auth/admin.reports.audit.readonly",
            "https://www.googleapis.com/auth/admin.reports.usage.readonly"])])
        for day in every(D(5, 6), D(6, 20), [2, 3, 4], r):
            self.sa_activity("reports-export", rand_time(r, day, 3, 6) if day != D(6, 20)
                             else at(D(6, 20), 4, 2, 17, 250000), "reports",
                             r.choice(["reports.activities.list", "reports.userUsageReport.get"]))
        self.plants.append(("2 dormant machine identity",
                            "client_id `%s` (service account `%s`)" % (SA["reports-export"]["client_id"],
                                                                    SA["reports-export"]["email"]),
                            "`AUTHORIZE_API_CLIENT_ACCESS` 2026-05-05T15:31:44.870Z; `token` activity 2026-05-06 .. "
                            "last 2026-06-20T04:02:17.250Z; nothing after; never removed",
                            "dormant-machine-identity confirmed (133 days idle)"))

        # ------------------------------------------------ 3. authorized 05-10, never used
        self.admin(at(D(5, 10), 17, 12, 8, 15000), "daniel.kim", [self.dwd_authorize("calendar-sync", [
            "https://www.googleapis.com/auth/calendar"])])
        self.plants.append(("3 machine identity never used",
                            "client_id `%s` (service account `%s`; only the client id appears in the logs)" % (
                                SA["calendar-sync"]["client_id"], SA["calendar-sync"]["email"]),
                            "`AUTHORIZE_API_CLIENT_ACCESS` 2026-05-10T17:12:08.015Z by daniel.kim; no use ever",
                            "dormant-machine-identity confirmed (created 174 days before as_of, never used)"))

        # ------------------------------------------------ 4. authorized 10-15, never used (grace)
        self.admin(at(D(10, 15), 13, 45, 27, 902000), "maria.okafor", [self.dwd_authorize("mail-archiver", [
            "https://www.googleapis.com/auth/gmail.readonly"])])
        self.plants.append(("4 new machine identity (grace period)",
                            "client_id `%s` (service account `%s`)" % (SA["mail-archiver"]["client_id"],
                                                                    SA["mail-archiver"]["email"]),
                            "`AUTHORIZE_API_CLIENT_ACCESS` 2026-10-15T13:45:27.902Z; never used",
                            "not flagged (created 16 days before as_of < dormant_days)"))

        # ------------------------------------------------ 5. used until 06-01, removed 09-01
        for day in every(D(5, 2), D(6, 1), [3, 4, 5], r):
            self.sa_activity("legacy-hr-import", rand_time(r, day, 2, 4) if day != D(6, 1)
                             else at(D(6, 1), 2, 30, 55, 700000), "admin",
                             r.choice(["directory.users.update", "directory.users.list"]))
        self.admin(at(D(9, 1), 16, 20, 3, 333000), "daniel.kim", [self.ev(
            "DOMAIN_SETTINGS", "REMOVE_API_CLIENT_ACCESS", API_CLIENT_NAME=SA["legacy-hr-import"]["client_id"])])
        self.plants.append(("5 retired machine identity",
                            "client_id `%s` (service account `%s`)" % (SA["legacy-hr-import"]["client_id"],
                                                                    SA["legacy-hr-import"]["email"]),
                            "`token` activity until 2026-06-01T02:30:55.700Z; `REMOVE_API_CLIENT_ACCESS` "
                            "2026-09-01T16:20:03.333Z by daniel.kim",
                            "not flagged (access removed; not dormant)"))

        # ------------------------------------------------ human / admin storyline
        # priya becomes a delegated (non-super) admin
        self.admin(at(D(5, 4), 14, 0, 31, 220000), "maria.okafor",
                   [self.assign_role("_USER_MANAGEMENT_ADMIN_ROLE", e["priya.raman"])])
        # custom role created
        self.admin(at(D(5, 7), 10, 15, 2, 640000), "maria.okafor", [self.ev(
            "DELEGATED_ADMIN_SETTINGS", "CREATE_ROLE", ROLE_NAME="Security Operations",
            ROLE_ID=self.roles["Security Operations"])])
        # 7a human granted super admin by an existing super admin (one activity, two events)
        self.admin(at(D(5, 12), 15, 47, 9, 512000), "maria.okafor", [
            self.assign_role("_SEED_ADMIN_ROLE", e["james.whitfield"]),
            self.ev("USER_SETTINGS", "GRANT_ADMIN_PRIVILEGE", USER_EMAIL=e["james.whitfield"])])
        # 7c granted then revoked (one activity, two events each)
        self.admin(at(D(5, 20), 9, 5, 44, 81000), "maria.okafor", [
            self.assign_role("_SEED_ADMIN_ROLE", e["lena.fischer"]),
            self.ev("USER_SETTINGS", "GRANT_ADMIN_PRIVILEGE", USER_EMAIL=e["lena.fischer"])])
        self.admin(at(D(7, 14), 11, 30, 0, 999000), "maria.okafor", [
            self.unassign_role("_SEED_ADMIN_ROLE", e["lena.fischer"]),
            self.ev("USER_SETTINGS", "REVOKE_ADMIN_PRIVILEGE", USER_EMAIL=e["lena.fischer"])])
        # 7d grant, revoke, re-grant (single ASSIGN/UNASSIGN events)
        self.admin(at(D(6, 2), 13, 11, 12, 200000), "maria.okafor",
                   [self.assign_role("_SEED_ADMIN_ROLE", e["carlos.mendes"])])
        self.admin(at(D(6, 30), 17, 58, 40, 10000), "maria.okafor",
                   [self.unassign_role("_SEED_ADMIN_ROLE", e["carlos.mendes"])])
        self.admin(at(D(8, 18), 8, 20, 5, 470000), "james.whitfield",
                   [self.assign_role("_SEED_ADMIN_ROLE", e["carlos.mendes"])])
        # 7e self-grant
        self.admin(at(D(7, 22), 19, 3, 33, 303000), "daniel.kim",
                   [self.assign_role("Security Operations", e["daniel.kim"])])
        # 7f delegated (non-super) admin grants the super admin role
        self.admin(at(D(9, 9), 10, 41, 18, 760000), "priya.raman",
                   [self.assign_role("_SEED_ADMIN_ROLE", e["tom.becker"])])

        # user lifecycle done by priya (exercises her delegated role) + SYSTEM licence assignment
        for h, when in [("grace.liu", at(D(6, 15), 16, 31, 7, 90000)), ("ivan.petrov", at(D(8, 3), 16, 22, 41, 0)),
                        ("aisha.bello", at(D(9, 22), 16, 5, 12, 512000)),
                        ("hannah.schmidt", at(D(10, 26), 16, 10, 2, 48000))]:
            self.admin(when, "priya.raman", [self.ev("USER_SETTINGS", "CREATE_USER", USER_EMAIL=e[h])])
            self.admin(when + dt.timedelta(seconds=3, microseconds=211000), "SYSTEM", [self.ev(
                "LICENSES_SETTINGS", "USER_LICENSE_ASSIGNMENT", USER_EMAIL=e[h],
                PRODUCT_NAME="Google Workspace", NEW_VALUE="Google Workspace Business Plus")])
        self.admin(at(D(5, 11), 15, 0, 1, 1000), "priya.raman",
                   [self.ev("USER_SETTINGS", "CHANGE_PASSWORD", USER_EMAIL=e["noah.williams"])])
        self.admin(at(D(7, 1), 9, 0, 12, 345000), "priya.raman",
                   [self.ev("USER_SETTINGS", "SUSPEND_USER", USER_EMAIL=e["mark.turner"])])
        self.admin(at(D(8, 1), 9, 2, 51, 654000), "priya.raman",
                   [self.ev("USER_SETTINGS", "DELETE_USER", USER_EMAIL=e["mark.turner"])])
        self.admin(at(D(10, 6), 14, 12, 0, 0), "priya.raman",
                   [self.ev("USER_SETTINGS", "CHANGE_PASSWORD", USER_EMAIL=e["emma.rossi"])])

        # policy / settings changes; super admins james, carlos and daniel exercise their roles
        self.admin(at(D(6, 8), 18, 2, 9, 800000), "maria.okafor", [self.ev(
            "SECURITY_SETTINGS", "ENFORCE_STRONG_AUTHENTICATION", ORG_UNIT_NAME="acme",
            OLD_VALUE="false", NEW_VALUE="true")])
        self.admin(at(D(6, 8), 18, 4, 51, 12000), "maria.okafor", [self.ev(
            "SECURITY_SETTINGS", "CHANGE_ALLOWED_TWO_STEP_VERIFICATION_METHODS", ORG_UNIT_NAME="acme",
            OLD_VALUE="ANY", NEW_VALUE="NO_TELEPHONY")])
        settings = [
            (D(5, 20), "james.whitfield", "Gmail", "Enable email autoforwarding", "true", "false"),
            (D(6, 17), "james.whitfield", "Drive and Docs", "Sharing outside of Acme", "ALLOWED", "TRUSTED_DOMAINS"),
            (D(7, 8), "james.whitfield", "Calendar", "External sharing options for primary calendars",
             "READ_WRITE_ACCESS", "FREE_BUSY_INFORMATION"),
            (D(8, 25), "daniel.kim", "Security", "Less secure apps", "ALLOWED", "DISABLED"),
            (D(8, 26), "james.whitfield", "Google Chat", "External chat", "true", "false"),
            (D(9, 3), "carlos.mendes", "Groups for Business", "Group creation", "ANYONE", "ADMIN_ONLY"),
            (D(9, 15), "daniel.kim", "Security", "Session control - web session duration", "336", "168"),
            (D(9, 29), "james.whitfield", "Drive and Docs", "Allow users to publish files on the web", "true", "false"),
            (D(10, 9), "daniel.kim", "Security", "Advanced Protection Program - Allow security codes",
             "ALLOWED_WITH_REMOTE_ACCESS", "ALLOWED_WITHOUT_REMOTE_ACCESS"),
            (D(10, 21), "james.whitfield", "Gmail", "Spoofing and authentication", "false", "true"),
            (D(10, 28), "carlos.mendes", "Meet", "Recording", "true", "false"),
        ]
        for day, h, app, setting, old, new in settings:
            self.admin(rand_time(r, day, 9, 18), h, [self.app_setting(app, setting, old, new)])

        # plant rows for the admin storyline
        R = self.roles
        self.plants += [
            ("7a human granted super admin by a super admin",
             "`%s`, role `_SEED_ADMIN_ROLE` (ROLE_ID %s)" % (e["james.whitfield"], R["_SEED_ADMIN_ROLE"]),
             "one activity 2026-05-12T15:47:09.512Z by maria.okafor with two events: `ASSIGN_ROLE` + "
             "`GRANT_ADMIN_PRIVILEGE`; james exercises it (settings changes until 2026-10-21)",
             "overbroad-delegated-admin: privileged role (super admin)"),
            ("7c grant later revoked",
             "`%s`, role `_SEED_ADMIN_ROLE`" % e["lena.fischer"],
             "`ASSIGN_ROLE`+`GRANT_ADMIN_PRIVILEGE` 2026-05-20T09:05:44.081Z; `UNASSIGN_ROLE`+"
             "`REVOKE_ADMIN_PRIVILEGE` 2026-07-14T11:30:00.999Z",
             "not flagged (does not hold the role as of as_of)"),
            ("7d grant, revoke, re-grant",
             "`%s`, role `_SEED_ADMIN_ROLE`" % e["carlos.mendes"],
             "`ASSIGN_ROLE` 2026-06-02T13:11:12.200Z (maria), `UNASSIGN_ROLE` 2026-06-30T17:58:40.010Z "
             "(maria), `ASSIGN_ROLE` 2026-08-18T08:20:05.470Z (james)",
             "overbroad-delegated-admin: privileged role (holds it as of as_of, granted 2026-08-18)"),
            ("7e self-grant",
             "`%s`, custom role `Security Operations` (ROLE_ID %s)" % (e["daniel.kim"], R["Security Operations"]),
             "`ASSIGN_ROLE` 2026-07-22T19:03:33.303Z, actor == USER_EMAIL == daniel.kim (role created by "
             "`CREATE_ROLE` 2026-05-07); daniel exercises it (settings changes 08-25, 09-15, 10-09)",
             "overbroad-delegated-admin: self-granted"),
            ("7f delegated admin grants a privileged role",
             "`%s`, role `_SEED_ADMIN_ROLE`" % e["tom.becker"],
             "`ASSIGN_ROLE` 2026-09-09T10:41:18.760Z by priya.raman, who only holds "
             "`_USER_MANAGEMENT_ADMIN_ROLE` (`ASSIGN_ROLE` 2026-05-04T14:00:31.220Z by maria)",
             "overbroad-delegated-admin: privileged role + grantor is a delegated (non-super) admin "
             "granting a broader role"),
            ("delegated admin (context)",
             "`%s`, role `_USER_MANAGEMENT_ADMIN_ROLE`" % e["priya.raman"],
             "`ASSIGN_ROLE` 2026-05-04 by super admin maria; priya exercises it (CREATE_USER, "
             "SUSPEND_USER, DELETE_USER, CHANGE_PASSWORD until 2026-10-26)",
             "not flagged (non-privileged role, human, granted by a super admin, exercised)"),
            ("8 policy / settings changes",
             "`ENFORCE_STRONG_AUTHENTICATION`, `CHANGE_ALLOWED_TWO_STEP_VERIFICATION_METHODS` (2026-06-08), "
             "%d x `CHANGE_APPLICATION_SETTING`, `CREATE_ROLE`" % len(settings),
             "admin application, various actors", "category policy; no finding"),
            ("8 human logins",
             "`login_success`, `login_failure` (incl. 4 with is_suspicious=true for wei.zhang@example.com "
             "on 2026-08-14 from 198.51.100.233), `logout`",
             "login application, every day", "category authentication; no finding"),
            ("SYSTEM actor",
             "actor `{callerType: KEY, key: SYSTEM}`",
             "`USER_LICENSE_ASSIGNMENT` after each `CREATE_USER` (last 2026-10-26)",
             "not flagged (Google system actor, recent)"),
            ("web OAuth clients (background)",
             "client_id `%s` (Slack), `%s` (Zoom for Google Workspace), `%s` (Google Cloud SDK)" % (
                 self.WEBAPPS["slack"]["client_id"], self.WEBAPPS["zoom"]["client_id"],
                 self.WEBAPPS["gcloud"]["client_id"]),
             "`token` `authorize` by users + `activity` on most days until 2026-10-31",
             "healthy: not flagged"),
            ("6 two credentials of one identity",
             "not expressible",
             "Reports API token events name the OAuth client (client_id), never an individual key or token id; "
             "a service account's keys are only visible in the gcp_audit export",
             "n/a (see gcp_audit/PLANTED.md)"),
        ]

    # ---- output ----
    def write(self, outdir):
        base = os.path.join(outdir, "google_workspace")
        counts = {}
        for app, items in self.acts.items():
            items.sort(key=lambda p: (p[0], p[1]["id"]["uniqueQualifier"]), reverse=True)  # newest first
            acts = [a for _, a in items]
            page_size = 250
            pages = [acts[i:i + page_size] for i in range(0, len(acts), page_size)]
            for n, page in enumerate(pages, 1):
                body = {"kind": "admin#reports#activities", "etag": self.etag(), "items": page}
                if n < len(pages):
                    last = page[-1]
                    tmicros = int(dt.datetime.strptime(last["id"]["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
                                  .replace(tzinfo=UTC).timestamp() * 1_000_000)
                    body["nextPageToken"] = "A:%d:%s:%s:%s" % (tmicros, last["id"]["uniqueQualifier"],
                                                                app, self.CUSTOMER)
                write_json(os.path.join(base, "%s-page-%03d.json" % (app, n)), body, indent=1)
            counts[app] = (len(pages), len(acts), sum(len(a["events"]) for a in acts))
        self.write_planted(base, counts)
        return counts

    def write_planted(self, base, counts):
        total_acts = sum(c[1] for c in counts.values())
        total_events = sum(c[2] for c in counts.values())
        files = ", ".join("`%s-page-%s.json` (%d activities, %d events[] entries)" % (
            a, "001" if c[0] == 1 else "001`..`%03d" % c[0], c[1], c[2]) for a, c in counts.items())
        text = """# Google Workspace sample: planted subjects

Generated by `tools/sample-logs/gen_gws_gcp_github.py` (seed %d). Do not edit by hand.

Native container: Admin SDK Reports API `activities.list` pages
(`{"kind":"admin#reports#activities","etag":...,"items":[...],"nextPageToken":...}`, newest
first, the last page of each application has no `nextPageToken`). Files: %s.

- tenant (customerId): `%s`, ownerDomain `example.com`
- %d activities, %d `events[]` entries (= expected event rows: one row per `events[]` entry)
- window 2026-05-01 .. 2026-10-31; the latest event is `login_success` 2026-10-31T22:47:31.604Z
  (as_of); every day has events
- dormant_days = 90 (default) => cutoff 2026-08-02
- machine identities are OAuth clients (`client_id` in `token` events, `API_CLIENT_NAME` in
  `AUTHORIZE_API_CLIENT_ACCESS` / `REMOVE_API_CLIENT_ACCESS`) and the service accounts that use
  them (actor.email `*@acme-prod-4821.iam.gserviceaccount.com`, actor.profileId == client_id);
  the `SYSTEM` KEY caller is Google itself
- activities with two `events[]` entries: the 2026-05-12 grant to james.whitfield, the 2026-05-20
  grant to and the 2026-07-14 revocation from lena.fischer

""" % (SEED, files, self.CUSTOMER, total_acts, total_events)
        text += md_table(["#", "subject (exact ids in the logs)", "what the logs show", "expected result"],
                         self.plants)
        text += """
Privileged-role holders as of as_of from in-window grants (`_SEED_ADMIN_ROLE`): james.whitfield,
carlos.mendes, tom.becker (3; maria.okafor is a super admin from before the window and appears
only as an actor). `max_super_admins` (4) is therefore not exceeded.
"""
        write_text(os.path.join(base, "PLANTED.md"), text)


# =========================================================================== GOOGLE CLOUD

class GoogleCloud:
    PROJECT = "acme-prod-4821"
    PROJNUM = "482193756012"
    ORG = "8123456789"

    def __init__(self):
        self.rng = random.Random("%d:gcp_audit" % SEED)
        r = self.rng
        self.entries = []      # project entries -> sink files
        self.org_entries = []  # org entries -> gcloud-logging-read.json
        self.plants = []
        P = self.PROJECT
        users = ["alice.nguyen", "ben.okoro", "ravi.patel", "sofia.lind", "kai.nakamura", "omar.haddad", "nina.cho"]
        self.user = {u: "%s@example.com" % u for u in users}
        pools = ["198.51.100.", "192.0.2.", "203.0.113."]
        self.uip = {u: pools[i % 3] + str(20 + i * 17) for i, u in enumerate(users)}

        def sa(name, project=P):
            return "%s@%s.iam.gserviceaccount.com" % (name, project)
        self.SA = {}
        for name in ["etl-runner", "ci-deployer", "ml-batch-scorer", "looker-export", "vertex-pipeline",
                     "legacy-cron", "tmp-migration"]:
            self.SA[name] = {"email": sa(name), "uid": digits(r, 21, "1")}
        self.SA["sec-posture-scanner"] = {"email": sa("sec-posture-scanner", "acme-secops-1107"),
                                          "uid": digits(r, 21, "1")}
        self.AGENT_LOGGING = "service-%s@gcp-sa-logging.iam.gserviceaccount.com" % self.PROJNUM
        self.AGENT_COMPUTE = "service-%s@compute-system.iam.gserviceaccount.com" % self.PROJNUM
        self.KEY = {
            "ci-A": hexid(r, 40),   # ci-deployer key created before the window, live
            "ci-B": hexid(r, 40),   # created 05-06, last used 06-10 (dormant credential)
            "ci-C": hexid(r, 40),   # created 05-08, never used
            "legacy": hexid(r, 40), # legacy-cron key created 05-02, used until 06-01, deleted 09-01
        }
        self.key_owner = {"ci-A": "ci-deployer", "ci-B": "ci-deployer", "ci-C": "ci-deployer",
                          "legacy": "legacy-cron"}
        self.API_KEY_UID = str(uuid.UUID(int=r.getrandbits(128), version=4))
        self.instance_ids = [digits(r, 19, "1234567") for _ in range(6)]

    # ---- building blocks ----
    def key_name(self, k):
        owner = self.SA[self.key_owner[k]]["email"]
        return "//iam.googleapis.com/projects/%s/serviceAccounts/%s/keys/%s" % (self.PROJECT, owner, self.KEY[k])

    def insert_id(self):
        r = self.rng
        s = "".join(r.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(r.choice([12, 13])))
        return ("-" + s) if r.random() < 0.15 else s

    def ua_console(self):
        return "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) " \
               "Chrome/%d.0.0.0 Safari/537.36,gzip(gfe)" % self.rng.choice([136, 137, 138, 139, 140])

    def ua_gcloud(self, cmd):
        return ("google-cloud-sdk gcloud/5%02d.0.0 command/%s invocation-id/%s environment/None "
                "environment-version/None client-os/MACOSX client-os-ver/15.5.0 client-pltf-arch/arm "
                "interactive/True from-script/False python/3.12.8 term/xterm-256color "
                "(Macintosh; Intel Mac OS X 15.5.0),gzip(gfe)") % (self.rng.randint(20, 45), cmd, hexid(self.rng, 32))

    def entry(self, t, log, principal, service, method, resource_name, resource, perm, *,
              auth_resource=None, request=None, response=None, service_data=None, metadata=None,
              key=None, delegation=None, status=None, ip=None, ua=None, severity=None, org=False,
              granted=True, operation=None, resource_attrs=None, principal_subject=None):
        r = self.rng
        ns = r.randint(0, 999)
        auth = {"principalEmail": principal}
        if principal_subject:
            auth["principalSubject"] = principal_subject
        elif principal.endswith(".gserviceaccount.com"):
            auth["principalSubject"] = "serviceAccount:" + principal
        else:
            auth["principalSubject"] = "user:" + principal
        if key:
            auth["serviceAccountKeyName"] = self.key_name(key)
        if delegation:
            auth["serviceAccountDelegationInfo"] = delegation
        req_time = t + dt.timedelta(microseconds=r.randint(3000, 40000))
        pp = {
            "@type": "type.googleapis.com/google.cloud.audit.AuditLog",
            "status": status if status is not None else {},
            "authenticationInfo": auth,
            "requestMetadata": {
                "callerIp": ip or "203.0.113.%d" % r.randint(60, 90),
                "callerSuppliedUserAgent": ua or "google-api-go-client/0.5,gzip(gfe)",
                "requestAttributes": {"time": rfc3339_frac(req_time, 9, r.randint(0, 999)), "auth": {}},
                "destinationAttributes": {},
            },
            "serviceName": service,
            "methodName": method,
            "authorizationInfo": [{
                "resource": auth_resource or resource_name,
                "permission": perm,
                "granted": granted,
                "resourceAttributes": resource_attrs if resource_attrs is not None else {},
            }],
            "resourceName": resource_name,
        }
        if service_data is not None:
            pp["serviceData"] = service_data
        if request is not None:
            pp["request"] = request
        if response is not None:
            pp["response"] = response
        if metadata is not None:
            pp["metadata"] = metadata
        parent = ("organizations/%s" % self.ORG) if org else ("projects/%s" % self.PROJECT)
        e = {
            "protoPayload": pp,
            "insertId": self.insert_id(),
            "resource": resource,
            "timestamp": rfc3339_frac(t, 9 if r.random() < 0.8 else 6, ns),
            "severity": severity or ("NOTICE" if log == "activity" else "INFO"),
            "logName": "%s/logs/cloudaudit.googleapis.com%%2F%s" % (parent, log),
        }
        if operation:
            e["operation"] = operation
        e["receiveTimestamp"] = rfc3339_frac(t + dt.timedelta(microseconds=r.randint(150000, 1900000)), 9,
                                             r.randint(0, 999))
        (self.org_entries if org else self.entries).append((t, log, e))
        return e

    # resources
    def res_project(self):
        return {"type": "project", "labels": {"project_id": self.PROJECT}}

    def res_sa(self, key):
        s = self.SA[key]
        return {"type": "service_account", "labels": {"email_id": s["email"], "project_id": self.PROJECT,
                                                      "unique_id": s["uid"]}}

    def res_bucket(self, b):
        return {"type": "gcs_bucket", "labels": {"bucket_name": b, "location": "us-central1",
                                                 "project_id": self.PROJECT}}

    # common calls
    def storage(self, t, principal, method, bucket, obj=None, key=None, delegation=None, ip=None, ua=None):
        perm = {"storage.objects.get": "storage.objects.get", "storage.objects.list": "storage.objects.list",
                "storage.objects.create": "storage.objects.create",
                "storage.buckets.get": "storage.buckets.get"}[method]
        rn = "projects/_/buckets/%s" % bucket + ("/objects/%s" % obj if obj else "")
        md = None
        if method == "storage.objects.create":
            md = {"@type": "type.googleapis.com/google.cloud.audit.StorageAuditMetadata"}
        return self.entry(t, "data_access", principal, "storage.googleapis.com", method, rn,
                          self.res_bucket(bucket), perm, key=key, delegation=delegation, ip=ip,
                          ua=ua or "gcloud-python/3.1.0 google-cloud-storage/2.18.2 gl-python/3.11.9,gzip(gfe)",
                          metadata=md)

    def set_iam(self, t, actor, deltas, ip=None, org=False, ua=None):
        target = ("organizations/%s" % self.ORG) if org else ("projects/%s" % self.PROJECT)
        bindings = {}
        for action, role, member in deltas:
            if action == "ADD":
                bindings.setdefault(role, []).append(member)
        req_policy = {"bindings": [{"role": k, "members": v} for k, v in sorted(bindings.items())],
                      "etag": "BwY" + b64url(self.rng, 6)[:8] + "="}
        return self.entry(
            t, "activity", self.user[actor], "cloudresourcemanager.googleapis.com", "SetIamPolicy", target,
            {"type": "organization", "labels": {"organization_id": self.ORG}} if org else self.res_project(),
            "resourcemanager.%s.setIamPolicy" % ("organizations" if org else "projects"),
            request={"@type": "type.googleapis.com/google.iam.v1.SetIamPolicyRequest",
                     "resource": target, "policy": req_policy, "updateMask": "bindings,etag"},
            response={"@type": "type.googleapis.com/google.iam.v1.Policy",
                      "etag": "BwY" + b64url(self.rng, 6)[:8] + "=", "version": 1},
            service_data={"@type": "type.googleapis.com/google.iam.v1.logging.AuditData",
                          "policyDelta": {"bindingDeltas": [{"action": a, "role": ro, "member": m}
                                                            for a, ro, m in deltas]}},
            ip=ip or self.uip[actor], ua=ua or self.ua_console(), org=org,
            resource_attrs={"service": "cloudresourcemanager.googleapis.com", "name": target,
                            "type": "cloudresourcemanager.googleapis.com/%s" % ("Organization" if org else "Project")})

    def create_sa(self, t, actor, key, display, desc):
        s = self.SA[key]
        account_id = s["email"].split("@")[0]
        self.entry(t, "activity", self.user[actor], "iam.googleapis.com", "google.iam.admin.v1.CreateServiceAccount",
                   "projects/%s/serviceAccounts/%s" % (self.PROJECT, s["email"]), self.res_sa(key),
                   "iam.serviceAccounts.create", auth_resource="projects/%s" % self.PROJECT,
                   request={"@type": "type.googleapis.com/google.iam.admin.v1.CreateServiceAccountRequest",
                            "account_id": account_id, "name": "projects/%s" % self.PROJECT,
                            "service_account": {"display_name": display, "description": desc}},
                   response={"@type": "type.googleapis.com/google.iam.admin.v1.ServiceAccount",
                             "email": s["email"], "display_name": display, "description": desc,
                             "etag": "MDEwMjE5MjA=", "name": "projects/%s/serviceAccounts/%s" % (self.PROJECT, s["email"]),
                             "oauth2_client_id": s["uid"], "project_id": self.PROJECT, "unique_id": s["uid"]},
                   ip=self.uip[actor], ua=self.ua_gcloud("gcloud.iam.service-accounts.create"))

    def sa_admin(self, t, actor, key, method, perm):
        s = self.SA[key]
        short = method.rsplit(".", 1)[1]
        self.entry(t, "activity", self.user[actor], "iam.googleapis.com", "google.iam.admin.v1." + short,
                   "projects/-/serviceAccounts/%s" % s["uid"], self.res_sa(key), perm,
                   request={"@type": "type.googleapis.com/google.iam.admin.v1.%sRequest" % short,
                            "name": "projects/-/serviceAccounts/%s" % s["email"]},
                   response={"@type": "type.googleapis.com/google.protobuf.Empty"},
                   ip=self.uip[actor], ua=self.ua_console())

    def create_key(self, t, actor, k):
        owner = self.key_owner[k]
        s = self.SA[owner]
        valid_after = int(t.timestamp())
        self.entry(t, "activity", self.user[actor], "iam.googleapis.com", "google.iam.admin.v1.CreateServiceAccountKey",
                   "projects/-/serviceAccounts/%s" % s["uid"], self.res_sa(owner), "iam.serviceAccountKeys.create",
                   request={"@type": "type.googleapis.com/google.iam.admin.v1.CreateServiceAccountKeyRequest",
                            "name": "projects/-/serviceAccounts/%s" % s["email"], "private_key_type": 2},
                   response={"@type": "type.googleapis.com/google.iam.admin.v1.ServiceAccountKey",
                             "name": "projects/%s/serviceAccounts/%s/keys/%s" % (self.PROJECT, s["email"], self.KEY[k]),
                             "key_algorithm": 2, "key_origin": 2, "key_type": 1, "private_key_type": 2,
                             "valid_after_time": {"seconds": valid_after},
                             "valid_before_time": {"seconds": 253402300799}},
                   ip=self.uip[actor], ua=self.ua_gcloud("gcloud.iam.service-accounts.keys.create"))

    def delete_key(self, t, actor, k):
        owner = self.key_owner[k]
        s = self.SA[owner]
        name = "projects/%s/serviceAccounts/%s/keys/%s" % (self.PROJECT, s["email"], self.KEY[k])
        self.entry(t, "activity", self.user[actor], "iam.googleapis.com", "google.iam.admin.v1.DeleteServiceAccountKey",
                   name, self.res_sa(owner), "iam.serviceAccountKeys.delete",
                   request={"@type": "type.googleapis.com/google.iam.admin.v1.DeleteServiceAccountKeyRequest",
                            "name": name},
                   response={"@type": "type.googleapis.com/google.protobuf.Empty"},
                   ip=self.uip[actor], ua=self.ua_gcloud("gcloud.iam.service-accounts.keys.delete"))

    def human_read(self, t, u):
        r = self.rng
        P = self.PROJECT
        choice = r.choice(["buckets", "instances", "sa_list", "getiam", "objects"])
        if choice == "buckets":
            self.entry(t, "data_access", self.user[u], "storage.googleapis.com", "storage.buckets.list",
                       "projects/_", {"type": "gcs_bucket", "labels": {"bucket_name": "", "location": "global",
                                                                       "project_id": P}},
                       "storage.buckets.list", auth_resource="projects/_/buckets/",
                       ip=self.uip[u], ua=self.ua_console())
        elif choice == "instances":
            self.entry(t, "data_access", self.user[u], "compute.googleapis.com", "v1.compute.instances.list",
                       "projects/%s/zones/us-central1-a/instances" % P,
                       {"type": "gce_instance", "labels": {"instance_id": "", "project_id": P,
                                                           "zone": "us-central1-a"}},
                       "compute.instances.list", auth_resource="projects/%s" % P,
                       ip=self.uip[u], ua=self.ua_console(),
                       request={"@type": "type.googleapis.com/compute.instances.list"})
        elif choice == "sa_list":
            self.entry(t, "data_access", self.user[u], "iam.googleapis.com", "google.iam.admin.v1.ListServiceAccounts",
                       "projects/%s" % P, self.res_project(), "iam.serviceAccounts.list",
                       ip=self.uip[u], ua=self.ua_console(),
                       request={"@type": "type.googleapis.com/google.iam.admin.v1.ListServiceAccountsRequest",
                                "name": "projects/%s" % P})
        elif choice == "getiam":
            self.entry(t, "data_access", self.user[u], "cloudresourcemanager.googleapis.com", "GetIamPolicy",
                       "projects/%s" % P, self.res_project(), "resourcemanager.projects.getIamPolicy",
                       ip=self.uip[u], ua=self.ua_console(),
                       request={"@type": "type.googleapis.com/google.iam.v1.GetIamPolicyRequest",
                                "resource": "projects/%s" % P, "options": {"requestedPolicyVersion": 3}})
        else:
            self.storage(t, self.user[u], "storage.objects.list", "acme-prod-4821-reports", ip=self.uip[u],
                         ua=self.ua_console())

    # ---- the scenario ----
    def build(self):
        r = self.rng
        P = self.PROJECT
        SA = self.SA
        U = self.user
        DATA = "acme-prod-4821-raw-events"
        ART = "acme-prod-4821-ci-artifacts"
        SINK = "acme-prod-4821-audit-sink"

        # ------------------------------------------------ background, every day
        for day in days():
            # 1. etl-runner (attached to GCE, no key): reads/writes every day
            for _ in range(r.randint(1, 3)):
                t = rand_time(r, day, 0, 23)
                m = r.choice(["storage.objects.get", "storage.objects.get", "storage.objects.list",
                              "storage.objects.create"])
                obj = None if m == "storage.objects.list" else "events/dt=%s/part-%05d.avro" % (
                    day.isoformat(), r.randint(0, 400))
                self.storage(t, SA["etl-runner"]["email"], m, DATA, obj, ip="203.0.113.%d" % r.randint(60, 64),
                             ua="gcloud-golang-storage/1.50.0 google-api-go-client/0.5,gzip(gfe)")
            # humans reading in the console
            n = r.randint(1, 2) if weekday(day) else r.randint(0, 1)
            for _ in range(n):
                self.human_read(rand_time(r, day, 13, 23), r.choice(["alice.nguyen", "ravi.patel", "nina.cho",
                                                                     "kai.nakamura", "sofia.lind"]))
        # the final event of the project: etl-runner on 10-31
        self.storage(at(D(10, 31), 23, 41, 7, 218443), SA["etl-runner"]["email"], "storage.objects.create", DATA,
                     "events/dt=2026-10-31/part-00412.avro", ip="203.0.113.61",
                     ua="gcloud-golang-storage/1.50.0 google-api-go-client/0.5,gzip(gfe)")
        self.plants.append(("1 active machine identity", "`%s`" % SA["etl-runner"]["email"],
                            "user-managed SA attached to GCE (no key); storage reads/writes every day, last "
                            "2026-10-31T23:41:07Z; also the target of `GenerateAccessToken` by ravi.patel",
                            "healthy: not flagged"))

        # Google-managed service agents doing system work
        for day in every(D(5, 1), D(10, 31), [1, 2], r):
            self.storage(rand_time(r, day, 0, 23), self.AGENT_LOGGING, "storage.objects.create", SINK,
                         "cloudaudit.googleapis.com/activity/%s/00:00:00_00:59:59_S0.json" % day.strftime("%Y/%m/%d"),
                         ip="203.0.113.250", ua="Cloud Logging Sink,gzip(gfe)")
        for i, day in enumerate(every(D(5, 2), D(10, 29), [4, 5, 6, 7], r)):
            t = rand_time(r, day, 0, 23)
            inst = "web-mig-%s" % b64url(r, 3).lower().replace("-", "x").replace("_", "y")[:4]
            m = "v1.compute.instances.insert" if i % 2 == 0 else "v1.compute.instances.delete"
            iid = r.choice(self.instance_ids)
            op = {"id": "operation-%d-%s" % (epoch_ms(t), hexid(r, 8)), "producer": "compute.googleapis.com",
                  "first": True}
            self.entry(t, "activity", self.AGENT_COMPUTE, "compute.googleapis.com", m,
                       "projects/%s/zones/us-central1-a/instances/%s" % (P, inst),
                       {"type": "gce_instance", "labels": {"instance_id": iid, "project_id": P, "zone": "us-central1-a"}},
                       "compute.instances.%s" % ("create" if m.endswith("insert") else "delete"),
                       ip="203.0.113.251", ua="GCE Managed Instance Group",
                       request={"@type": "type.googleapis.com/compute.instances.%s" % m.rsplit(".", 1)[1]},
                       response={"@type": "type.googleapis.com/operation", "status": "RUNNING",
                                 "operationType": m.rsplit(".", 1)[1], "targetId": iid,
                                 "user": self.AGENT_COMPUTE, "id": digits(r, 19)},
                       operation=op)
        self.plants.append(("Google-managed service agents", "`%s`, `%s`" % (self.AGENT_LOGGING, self.AGENT_COMPUTE),
                            "sink writes every 1-2 days / MIG instance insert+delete every 3-5 days until 2026-10-29..31",
                            "not flagged (active; Google-managed)"))

        # ------------------------------------------------ 6. ci-deployer with three keys (+ overbroad owner)
        # key A: created before the window, used every 2-3 days until 10-30
        ci = SA["ci-deployer"]["email"]
        ci_ua = "Terraform/1.9.8 (+https://www.terraform.io) Terraform-Plugin-SDK/2.33.0 terraform-provider-google/6.12.0,gzip(gfe)"
        for day in every(D(5, 1), D(10, 30), [2, 3], r):
            t = rand_time(r, day, 14, 21) if day != D(10, 30) else at(D(10, 30), 18, 2, 44, 107551)
            self.storage(t, ci, "storage.objects.create", ART, "builds/%s/app-%s.tar.gz" % (day.isoformat(), hexid(r, 7)),
                         key="ci-A", ip="198.51.100.200", ua=ci_ua)
            if r.random() < 0.45:
                t2 = t + dt.timedelta(seconds=r.randint(30, 300))
                self.entry(t2, "activity", ci, "run.googleapis.com", "google.cloud.run.v1.Services.ReplaceService",
                           "namespaces/%s/services/checkout-api" % P,
                           {"type": "cloud_run_revision", "labels": {"configuration_name": "", "location": "us-central1",
                                                                     "project_id": P, "revision_name": "",
                                                                     "service_name": "checkout-api"}},
                           "run.services.update", key="ci-A", ip="198.51.100.200", ua=ci_ua,
                           request={"@type": "type.googleapis.com/google.cloud.run.v1.ReplaceServiceRequest",
                                    "name": "namespaces/%s/services/checkout-api" % P},
                           response={"@type": "type.googleapis.com/google.cloud.run.v1.Service",
                                     "kind": "Service", "apiVersion": "serving.knative.dev/v1"})
        for day in [D(6, 15), D(8, 11), D(10, 6)]:
            self.entry(rand_time(r, day, 14, 20), "data_access", ci, "iamcredentials.googleapis.com", "SignJwt",
                       "projects/-/serviceAccounts/%s" % SA["ci-deployer"]["uid"], self.res_sa("ci-deployer"),
                       "iam.serviceAccounts.signJwt", key="ci-A", ip="198.51.100.200", ua=ci_ua,
                       request={"@type": "type.googleapis.com/google.iam.credentials.v1.SignJwtRequest",
                                "name": "projects/-/serviceAccounts/%s" % ci})
        # key B: created 05-06, used 05-07 .. 06-10
        self.create_key(at(D(5, 6), 16, 20, 11, 424242), "alice.nguyen", "ci-B")
        for day in every(D(5, 7), D(6, 10), [3, 4, 5], r):
            t = rand_time(r, day, 9, 12) if day != D(6, 10) else at(D(6, 10), 10, 14, 51, 900210)
            self.storage(t, ci, "storage.objects.get", ART, "releases/manifest.json", key="ci-B",
                         ip="192.0.2.201", ua="gcloud-python/3.1.0 google-cloud-storage/2.18.2 gl-python/3.11.9,gzip(gfe)")
        # key C: created 05-08, never used
        self.create_key(at(D(5, 8), 11, 2, 37, 5121), "alice.nguyen", "ci-C")
        self.plants += [
            ("6 credential A (live)", "key `%s` of `%s` (serviceAccountKeyName `%s`)" % (
                self.KEY["ci-A"], ci, self.key_name("ci-A")),
             "created before the window (no create event); used every 2-3 days, last 2026-10-30T18:02:44Z",
             "healthy: not flagged"),
            ("6 credential B (dormant)", "key `%s` of `%s`" % (self.KEY["ci-B"], ci),
             "`CreateServiceAccountKey` 2026-05-06T16:20:11Z (response.name ends with the key id); used "
             "2026-05-07 .. last 2026-06-10T10:14:51Z; never deleted",
             "dormant-credential confirmed (143 days idle); the identity ci-deployer itself is active"),
            ("6 credential never used", "key `%s` of `%s`" % (self.KEY["ci-C"], ci),
             "`CreateServiceAccountKey` 2026-05-08T11:02:37Z; never used, never deleted",
             "dormant-credential confirmed (created 176 days before as_of, never used)"),
        ]

        # ------------------------------------------------ 2. dormant SA
        self.create_sa(at(D(5, 5), 17, 3, 29, 711000), "alice.nguyen", "ml-batch-scorer", "ML batch scorer",
                       "Nightly churn scoring job")
        for day in every(D(5, 6), D(6, 20), [1, 2, 3], r):
            t = rand_time(r, day, 1, 4) if day != D(6, 20) else at(D(6, 20), 2, 33, 18, 604913)
            self.storage(t, SA["ml-batch-scorer"]["email"], r.choice(["storage.objects.get", "storage.objects.list"]),
                         "acme-prod-4821-ml-features", None if r.random() < 0.3 else "features/latest/part-%03d.parquet" % r.randint(0, 64),
                         ip="203.0.113.70", ua="gcloud-python/3.1.0 google-cloud-storage/2.18.2 gl-python/3.11.9,gzip(gfe)")
        self.plants.append(("2 dormant machine identity", "`%s` (unique_id %s)" % (
            SA["ml-batch-scorer"]["email"], SA["ml-batch-scorer"]["uid"]),
            "`CreateServiceAccount` 2026-05-05T17:03:29Z; storage reads 2026-05-06 .. last 2026-06-20T02:33:18Z; "
            "nothing after; never disabled", "dormant-machine-identity confirmed (133 days idle)"))

        # ------------------------------------------------ 3. created 05-10 never used
        self.create_sa(at(D(5, 10), 14, 48, 2, 112000), "ben.okoro", "looker-export", "Looker export",
                       "Exports BI extracts for Looker")
        self.plants.append(("3 machine identity never used", "`%s` (unique_id %s)" % (
            SA["looker-export"]["email"], SA["looker-export"]["uid"]),
            "`CreateServiceAccount` 2026-05-10T14:48:02Z by ben.okoro; never used",
            "dormant-machine-identity confirmed (created 174 days before as_of, never used)"))

        # ------------------------------------------------ 4. created 10-15 never used (grace)
        self.create_sa(at(D(10, 15), 15, 20, 0, 450000), "ravi.patel", "vertex-pipeline", "Vertex pipeline",
                       "Vertex AI pipeline runner")
        self.plants.append(("4 new machine identity (grace period)", "`%s` (unique_id %s)" % (
            SA["vertex-pipeline"]["email"], SA["vertex-pipeline"]["uid"]),
            "`CreateServiceAccount` 2026-10-15T15:20:00Z by ravi.patel; never used",
            "not flagged (created 16 days before as_of < dormant_days)"))

        # ------------------------------------------------ 5. used until 06-01, disabled 09-01 (+ key deleted)
        self.create_key(at(D(5, 2), 9, 12, 40, 330000), "alice.nguyen", "legacy")
        for day in every(D(5, 2), D(6, 1), [2, 3, 4], r):
            t = rand_time(r, day, 4, 6) if day != D(6, 1) else at(D(6, 1), 5, 0, 12, 4500)
            if day == D(5, 2):
                t = at(D(5, 2), 9, 30, 1, 0)
            self.storage(t, SA["legacy-cron"]["email"], "storage.objects.get", "acme-prod-4821-reports",
                         "daily/%s.csv" % day.isoformat(), key="legacy", ip="192.0.2.77",
                         ua="gcloud-python/3.1.0 google-cloud-storage/2.18.2 gl-python/3.11.9,gzip(gfe)")
        self.delete_key(at(D(9, 1), 15, 2, 9, 10000), "alice.nguyen", "legacy")
        self.sa_admin(at(D(9, 1), 15, 3, 30, 500000), "alice.nguyen", "legacy-cron",
                      "google.iam.admin.v1.DisableServiceAccount", "iam.serviceAccounts.disable")
        # 5b created, used, deleted
        self.create_sa(at(D(5, 2), 10, 1, 5, 0), "alice.nguyen", "tmp-migration", "tmp migration",
                       "One-off data migration, delete after cutover")
        for day in every(D(5, 3), D(5, 28), [1, 2, 3], r):
            t = rand_time(r, day, 1, 6) if day != D(5, 28) else at(D(5, 28), 3, 3, 3, 303000)
            self.storage(t, SA["tmp-migration"]["email"], "storage.objects.create", DATA,
                         "migrated/%s/%05d.avro" % (day.isoformat(), r.randint(0, 9999)), ip="203.0.113.71",
                         ua="gcloud-golang-storage/1.50.0 google-api-go-client/0.5,gzip(gfe)")
        self.sa_admin(at(D(8, 20), 13, 13, 13, 130000), "alice.nguyen", "tmp-migration",
                      "google.iam.admin.v1.DeleteServiceAccount", "iam.serviceAccounts.delete")
        self.plants += [
            ("5 retired machine identity (disabled)", "`%s` (unique_id %s) and its key `%s`" % (
                SA["legacy-cron"]["email"], SA["legacy-cron"]["uid"], self.KEY["legacy"]),
             "pre-existing SA; `CreateServiceAccountKey` 2026-05-02T09:12:40Z; keyed reads until "
             "2026-06-01T05:00:12Z; `DeleteServiceAccountKey` 2026-09-01T15:02:09Z; "
             "`DisableServiceAccount` 2026-09-01T15:03:30Z",
             "not flagged (identity disabled, key deleted)"),
            ("5b retired machine identity (deleted)", "`%s` (unique_id %s)" % (
                SA["tmp-migration"]["email"], SA["tmp-migration"]["uid"]),
             "`CreateServiceAccount` 2026-05-02T10:01:05Z; writes until 2026-05-28T03:03:03Z; "
             "`DeleteServiceAccount` 2026-08-20T13:13:13Z",
             "not flagged (identity deleted)"),
        ]

        # ------------------------------------------------ impersonation (GenerateAccessToken) by ravi
        for day in [D(5, 19), D(7, 2), D(9, 23), D(10, 28)]:
            t = rand_time(r, day, 15, 20)
            self.entry(t, "data_access", U["ravi.patel"], "iamcredentials.googleapis.com", "GenerateAccessToken",
                       "projects/-/serviceAccounts/%s" % SA["etl-runner"]["uid"], self.res_sa("etl-runner"),
                       "iam.serviceAccounts.getAccessToken", ip=self.uip["ravi.patel"],
                       ua=self.ua_gcloud("gcloud.storage.ls"),
                       request={"@type": "type.googleapis.com/google.iam.credentials.v1.GenerateAccessTokenRequest",
                                "name": "projects/-/serviceAccounts/%s" % SA["etl-runner"]["email"]},
                       metadata={"identityDelegationChain": ["projects/-/serviceAccounts/%s" % SA["etl-runner"]["email"]]})
            self.storage(t + dt.timedelta(seconds=2, microseconds=r.randint(0, 999999)), SA["etl-runner"]["email"],
                         "storage.objects.list", DATA, ip=self.uip["ravi.patel"], ua=self.ua_gcloud("gcloud.storage.ls"),
                         delegation=[{"firstPartyPrincipal": {"principalEmail": U["ravi.patel"]}}])

        # ------------------------------------------------ 7. IAM grants on the project
        # ben becomes a delegated (non-owner) IAM admin
        self.set_iam(at(D(5, 6), 15, 2, 7, 190000), "alice.nguyen",
                     [("ADD", "roles/resourcemanager.projectIamAdmin", "user:" + U["ben.okoro"])])
        # custom role
        self.entry(at(D(5, 6), 15, 40, 33, 881000), "activity", U["alice.nguyen"], "iam.googleapis.com",
                   "google.iam.admin.v1.CreateRole", "projects/%s/roles/ciDeployer" % P,
                   {"type": "iam_role", "labels": {"project_id": P, "role_name": "projects/%s/roles/ciDeployer" % P}},
                   "iam.roles.create", auth_resource="projects/%s" % P, ip=self.uip["alice.nguyen"],
                   ua=self.ua_console(),
                   request={"@type": "type.googleapis.com/google.iam.admin.v1.CreateRoleRequest",
                            "parent": "projects/%s" % P, "role_id": "ciDeployer",
                            "role": {"title": "CI deployer", "stage": 2,
                                     "included_permissions": ["run.services.update", "storage.objects.create",
                                                              "storage.objects.get"]}},
                   response={"@type": "type.googleapis.com/google.iam.admin.v1.Role",
                             "name": "projects/%s/roles/ciDeployer" % P, "title": "CI deployer", "stage": 2,
                             "etag": "BwY" + b64url(r, 6)[:8] + "="},
                   service_data={"@type": "type.googleapis.com/google.iam.admin.v1.AuditData",
                                 "permissionDelta": {"addedPermissions": ["run.services.update",
                                                                          "storage.objects.create",
                                                                          "storage.objects.get"]}})
        # 7a human granted owner by an owner
        self.set_iam(at(D(5, 14), 16, 45, 12, 9000), "alice.nguyen", [("ADD", "roles/owner", "user:" + U["ravi.patel"])])
        # 7c revoked grant (revocation call carries two deltas)
        self.set_iam(at(D(5, 20), 14, 22, 1, 777000), "alice.nguyen", [("ADD", "roles/owner", "user:" + U["omar.haddad"])])
        self.set_iam(at(D(7, 15), 9, 17, 45, 2000), "alice.nguyen", [
            ("REMOVE", "roles/owner", "user:" + U["omar.haddad"]),
            ("ADD", "roles/viewer", "user:" + U["omar.haddad"])])
        # 7b machine identity granted owner
        self.set_iam(at(D(6, 3), 18, 30, 4, 560000), "alice.nguyen", [("ADD", "roles/owner", "serviceAccount:" + ci)])
        # 7d grant / revoke / re-grant
        self.set_iam(at(D(6, 5), 13, 0, 59, 95000), "alice.nguyen", [("ADD", "roles/owner", "user:" + U["sofia.lind"])])
        self.set_iam(at(D(6, 25), 17, 44, 20, 660000), "alice.nguyen", [("REMOVE", "roles/owner", "user:" + U["sofia.lind"])])
        self.set_iam(at(D(8, 20), 10, 5, 31, 310000), "ravi.patel", [("ADD", "roles/owner", "user:" + U["sofia.lind"])])
        # 7e self-grant by the delegated IAM admin
        self.set_iam(at(D(7, 29), 20, 11, 6, 606000), "ben.okoro", [("ADD", "roles/compute.admin", "user:" + U["ben.okoro"])])
        # 7f delegated IAM admin grants owner
        self.set_iam(at(D(9, 10), 16, 12, 40, 404000), "ben.okoro", [("ADD", "roles/owner", "user:" + U["kai.nakamura"])])
        # a denied attempt (nina has no setIamPolicy)
        e = self.set_iam(at(D(6, 12), 19, 0, 2, 20000), "nina.cho", [("ADD", "roles/editor", "user:" + U["nina.cho"])])
        e["protoPayload"]["status"] = {"code": 7, "message": "PERMISSION_DENIED"}
        e["protoPayload"]["authorizationInfo"][0]["granted"] = False
        e["protoPayload"].pop("serviceData")
        e["protoPayload"].pop("response")
        e["severity"] = "ERROR"
        # holders exercise their roles (admin activity)
        for day, u in [(D(5, 27), "ravi.patel"), (D(6, 24), "ravi.patel"), (D(7, 21), "ravi.patel"),
                       (D(8, 20), "ravi.patel"), (D(9, 17), "ravi.patel"), (D(10, 22), "ravi.patel"),
                       (D(6, 9), "sofia.lind"), (D(9, 8), "sofia.lind"), (D(10, 13), "sofia.lind"),
                       (D(8, 10), "ben.okoro"), (D(9, 29), "kai.nakamura"), (D(10, 19), "kai.nakamura"),
                       (D(10, 1), "alice.nguyen")]:
            t = rand_time(r, day, 14, 22)
            iid = r.choice(self.instance_ids)
            self.entry(t, "activity", U[u], "compute.googleapis.com", "v1.compute.instances.setMetadata",
                       "projects/%s/zones/us-central1-a/instances/batch-%s" % (P, iid[-4:]),
                       {"type": "gce_instance", "labels": {"instance_id": iid, "project_id": P, "zone": "us-central1-a"}},
                       "compute.instances.setMetadata", ip=self.uip[u], ua=self.ua_console(),
                       request={"@type": "type.googleapis.com/compute.instances.setMetadata"},
                       response={"@type": "type.googleapis.com/operation", "status": "RUNNING",
                                 "operationType": "setMetadata", "user": U[u], "id": digits(r, 19)},
                       operation={"id": "operation-%d-%s" % (epoch_ms(t), hexid(r, 8)),
                                  "producer": "compute.googleapis.com", "first": True})
        # ------------------------------------------------ 8. API key created 10-20 (grace)
        self.entry(at(D(10, 20), 17, 5, 44, 120000), "activity", U["nina.cho"], "apikeys.googleapis.com",
                   "google.api.apikeys.v2.ApiKeys.CreateKey", "projects/%s/locations/global/keys/%s" % (self.PROJNUM, self.API_KEY_UID),
                   {"type": "audited_resource", "labels": {"method": "google.api.apikeys.v2.ApiKeys.CreateKey",
                                                           "project_id": P, "service": "apikeys.googleapis.com"}},
                   "apikeys.keys.create", auth_resource="projects/%s/locations/global" % self.PROJNUM,
                   ip=self.uip["nina.cho"], ua=self.ua_console(),
                   request={"@type": "type.googleapis.com/google.api.apikeys.v2.CreateKeyRequest",
                            "parent": "projects/%s/locations/global" % P,
                            "key": {"displayName": "maps-frontend",
                                    "restrictions": {"apiTargets": [{"service": "maps-backend.googleapis.com"}]}}},
                   response={"@type": "type.googleapis.com/google.api.apikeys.v2.Key",
                             "name": "projects/%s/locations/global/keys/%s" % (self.PROJNUM, self.API_KEY_UID),
                             "uid": self.API_KEY_UID, "displayName": "maps-frontend",
                             "createTime": "2026-10-20T17:05:44.291Z", "updateTime": "2026-10-20T17:05:44.291Z",
                             "etag": 'W/"%s=="' % b64url(r, 16)[:22]},
                   operation={"id": "operations/akmf.p7-%s-%s" % (self.PROJNUM, uuid.UUID(int=r.getrandbits(128), version=4)),
                              "producer": "apikeys.googleapis.com", "last": True})
        S = lambda u: "`user:%s`" % U[u]
        self.plants += [
            ("7a human granted owner by an owner", S("ravi.patel") + " `roles/owner`",
             "`SetIamPolicy` 2026-05-14T16:45:12Z by alice.nguyen (owner from before the window); ravi "
             "exercises it (setMetadata, re-grant to sofia)", "overbroad-delegated-admin: privileged role (roles/owner)"),
            ("7b machine identity granted owner", "`serviceAccount:%s` `roles/owner`" % ci,
             "`SetIamPolicy` 2026-06-03T18:30:04Z by alice.nguyen; never removed; ci-deployer deploys until 10-30",
             "overbroad-delegated-admin: machine identity holding a privileged role (roles/owner)"),
            ("7c grant later revoked", S("omar.haddad") + " `roles/owner`",
             "ADD 2026-05-20T14:22:01Z; one `SetIamPolicy` 2026-07-15T09:17:45Z with two bindingDeltas: "
             "REMOVE roles/owner + ADD roles/viewer (both for omar)",
             "not flagged (owner no longer held; roles/viewer is not an admin role)"),
            ("7d grant, revoke, re-grant", S("sofia.lind") + " `roles/owner`",
             "ADD 2026-06-05T13:00:59Z (alice), REMOVE 2026-06-25T17:44:20Z (alice), ADD 2026-08-20T10:05:31Z (ravi)",
             "overbroad-delegated-admin: privileged role (holds it as of as_of, granted 2026-08-20)"),
            ("7e self-grant", S("ben.okoro") + " `roles/compute.admin`",
             "`SetIamPolicy` 2026-07-29T20:11:06Z, principalEmail == member == ben.okoro",
             "overbroad-delegated-admin: self-granted"),
            ("7f delegated admin grants owner", S("kai.nakamura") + " `roles/owner`",
             "`SetIamPolicy` 2026-09-10T16:12:40Z by ben.okoro, who holds only "
             "`roles/resourcemanager.projectIamAdmin` (granted 2026-05-06T15:02:07Z by alice)",
             "overbroad-delegated-admin: privileged role + grantor is a delegated (non-owner) admin granting a broader role"),
            ("delegated IAM admin (context)", S("ben.okoro") + " `roles/resourcemanager.projectIamAdmin`",
             "ADD 2026-05-06 by alice (owner); ben exercises it (07-29, 08-10, 09-10)",
             "not a planted finding (whether projectIamAdmin counts as privileged is up to the reference table)"),
            ("denied grant", S("nina.cho") + " `roles/editor`",
             "`SetIamPolicy` 2026-06-12T19:00:02Z with status code 7 PERMISSION_DENIED, granted=false, severity ERROR, "
             "no serviceData", "outcome failure; no grant; not flagged"),
            ("8 API key (grace)", "API key uid `%s` (name `projects/%s/locations/global/keys/%s`)" % (
                self.API_KEY_UID, self.PROJNUM, self.API_KEY_UID),
             "`google.api.apikeys.v2.ApiKeys.CreateKey` 2026-10-20T17:05:44Z by nina.cho; use of API keys is "
             "not in audit logs", "not flagged (created 11 days before as_of)"),
            ("8 custom role", "`projects/%s/roles/ciDeployer`" % P,
             "`google.iam.admin.v1.CreateRole` 2026-05-06T15:40:33Z by alice.nguyen", "category policy; no finding"),
            ("impersonation", "ravi.patel -> `%s`" % SA["etl-runner"]["email"],
             "`GenerateAccessToken` (data_access) on 05-19, 07-02, 09-23, 10-28, each followed by a storage "
             "call by etl-runner with `serviceAccountDelegationInfo[0].firstPartyPrincipal.principalEmail` = ravi",
             "no finding"),
            ("SignJwt", "`%s` (key A)" % ci, "`SignJwt` (data_access) on 06-15, 08-11, 10-06", "no finding"),
        ]

        # ------------------------------------------------ organization (gcloud logging read)
        scanner = SA["sec-posture-scanner"]["email"]
        ORGR = "organizations/%s" % self.ORG
        for day in days():
            for _ in range(r.randint(2, 3)):
                t = rand_time(r, day, 0, 22)
                if r.random() < 0.55:
                    self.entry(t, "data_access", scanner, "cloudresourcemanager.googleapis.com", "GetIamPolicy",
                               ORGR, {"type": "organization", "labels": {"organization_id": self.ORG}},
                               "resourcemanager.organizations.getIamPolicy", org=True, ip="203.0.113.150",
                               ua="google-cloud-sdk/python cloud-asset-inventory-scanner/2.4,gzip(gfe)",
                               request={"@type": "type.googleapis.com/google.iam.v1.GetIamPolicyRequest",
                                        "resource": ORGR})
                else:
                    self.entry(t, "data_access", scanner, "orgpolicy.googleapis.com",
                               "google.cloud.orgpolicy.v2.OrgPolicy.ListPolicies", ORGR,
                               {"type": "organization", "labels": {"organization_id": self.ORG}},
                               "orgpolicy.policies.list", org=True, ip="203.0.113.150",
                               ua="google-cloud-sdk/python cloud-asset-inventory-scanner/2.4,gzip(gfe)",
                               request={"@type": "type.googleapis.com/google.cloud.orgpolicy.v2.ListPoliciesRequest",
                                        "parent": ORGR})
            if day.weekday() == 1:
                self.entry(rand_time(r, day, 14, 20), "data_access", U["alice.nguyen"],
                           "cloudresourcemanager.googleapis.com", "GetIamPolicy", ORGR,
                           {"type": "organization", "labels": {"organization_id": self.ORG}},
                           "resourcemanager.organizations.getIamPolicy", org=True, ip=self.uip["alice.nguyen"],
                           ua=self.ua_console(),
                           request={"@type": "type.googleapis.com/google.iam.v1.GetIamPolicyRequest", "resource": ORGR})
        self.entry(at(D(10, 31), 23, 12, 0, 381000), "data_access", scanner, "cloudresourcemanager.googleapis.com",
                   "GetIamPolicy", ORGR, {"type": "organization", "labels": {"organization_id": self.ORG}},
                   "resourcemanager.organizations.getIamPolicy", org=True, ip="203.0.113.150",
                   ua="google-cloud-sdk/python cloud-asset-inventory-scanner/2.4,gzip(gfe)",
                   request={"@type": "type.googleapis.com/google.iam.v1.GetIamPolicyRequest", "resource": ORGR})
        self.set_iam(at(D(6, 18), 15, 30, 30, 303000), "alice.nguyen",
                     [("ADD", "roles/iam.securityReviewer", "group:gcp-auditors@example.com")], org=True)
        self.entry(at(D(7, 6), 16, 0, 10, 100000), "activity", U["alice.nguyen"], "cloudresourcemanager.googleapis.com",
                   "SetOrgPolicy", ORGR, {"type": "organization", "labels": {"organization_id": self.ORG}},
                   "orgpolicy.policy.set", org=True, ip=self.uip["alice.nguyen"], ua=self.ua_console(),
                   request={"@type": "type.googleapis.com/google.cloud.resourcemanager.v1.SetOrgPolicyRequest",
                            "resource": ORGR,
                            "policy": {"constraint": "constraints/iam.allowedPolicyMemberDomains",
                                       "listPolicy": {"allowedValues": ["C03az79cb"]}}},
                   response={"@type": "type.googleapis.com/google.cloud.orgpolicy.v1.Policy",
                             "constraint": "constraints/iam.allowedPolicyMemberDomains",
                             "etag": "BwY" + b64url(r, 6)[:8] + "="})
        self.entry(at(D(9, 20), 11, 45, 5, 550000), "activity", U["alice.nguyen"], "orgpolicy.googleapis.com",
                   "google.cloud.orgpolicy.v2.OrgPolicy.UpdatePolicy",
                   "%s/policies/iam.disableServiceAccountKeyCreation" % ORGR,
                   {"type": "organization", "labels": {"organization_id": self.ORG}},
                   "orgpolicy.policies.update", org=True, ip=self.uip["alice.nguyen"], ua=self.ua_console(),
                   request={"@type": "type.googleapis.com/google.cloud.orgpolicy.v2.UpdatePolicyRequest",
                            "policy": {"name": "%s/policies/iam.disableServiceAccountKeyCreation" % ORGR,
                                       "spec": {"rules": [{"enforce": True}]}}},
                   response={"@type": "type.googleapis.com/google.cloud.orgpolicy.v2.Policy",
                             "name": "%s/policies/iam.disableServiceAccountKeyCreation" % ORGR})
        self.plants += [
            ("org: active machine identity", "`%s`" % scanner,
             "org-level `GetIamPolicy` / `OrgPolicy.ListPolicies` (data_access) every day, last 2026-10-31T23:12:00Z",
             "healthy: not flagged"),
            ("org: grant", "`group:gcp-auditors@example.com` `roles/iam.securityReviewer` on `organizations/%s`" % self.ORG,
             "`SetIamPolicy` 2026-06-18T15:30:30Z by alice.nguyen", "not flagged (read-only reviewer role, human group)"),
            ("org: 8 policy changes", "`constraints/iam.allowedPolicyMemberDomains`, `iam.disableServiceAccountKeyCreation`",
             "`SetOrgPolicy` 2026-07-06T16:00:10Z; `google.cloud.orgpolicy.v2.OrgPolicy.UpdatePolicy` 2026-09-20T11:45:05Z",
             "category policy; no finding"),
            ("6/7 human logins", "not expressible",
             "Cloud Audit Logs carry no sign-in events (Workspace/Cloud Identity logins are in the google_workspace "
             "export); failures are expressed as `status.code` 7 (see the denied grant)", "n/a"),
        ]

    # ---- output ----
    def write(self, outdir):
        base = os.path.join(outdir, "gcp_audit")
        files = {}
        for t, log, e in self.entries:
            day = t.date()
            path = os.path.join(base, "cloudaudit.googleapis.com", log, "%04d" % day.year, "%02d" % day.month,
                                "%02d" % day.day, "00:00:00_23:59:59_S0.json")
            files.setdefault(path, []).append((t, e))
        for path, items in files.items():
            items.sort(key=lambda p: (p[0], p[1]["insertId"]))
            write_ndjson(path, [e for _, e in items])
        org = sorted(self.org_entries, key=lambda p: (p[0], p[2]["insertId"]), reverse=True)
        write_json(os.path.join(base, "gcloud-logging-read.json"), [e for _, _, e in org], indent=2, sort_keys=True)
        counts = {
            "sink_files": len(files),
            "activity": sum(1 for _, l, _ in self.entries if l == "activity"),
            "data_access": sum(1 for _, l, _ in self.entries if l == "data_access"),
            "org": len(org),
            "setiam_deltas": sum(len(e["protoPayload"].get("serviceData", {}).get("policyDelta", {}).get("bindingDeltas", []))
                                 for _, _, e in self.entries + self.org_entries
                                 if e["protoPayload"]["methodName"] == "SetIamPolicy"),
            "setiam_calls": sum(1 for _, _, e in self.entries + self.org_entries
                                if e["protoPayload"]["methodName"] == "SetIamPolicy" and "serviceData" in e["protoPayload"]),
            "setiam_denied": sum(1 for _, _, e in self.entries + self.org_entries
                                 if e["protoPayload"]["methodName"] == "SetIamPolicy" and "serviceData" not in e["protoPayload"]),
        }
        self.write_planted(base, counts)
        return counts

    def write_planted(self, base, c):
        n_entries = c["activity"] + c["data_access"] + c["org"]
        rows_expected = n_entries - c["setiam_calls"] + c["setiam_deltas"]
        text = """# Google Cloud audit-log sample: planted subjects

Generated by `tools/sample-logs/gen_gws_gcp_github.py` (seed %d). Do not edit by hand.

Native containers:
- Cloud Logging -> Cloud Storage sink files, one LogEntry per line:
  `cloudaudit.googleapis.com/{activity,data_access}/YYYY/MM/DD/00:00:00_23:59:59_S0.json`
  (%d files, one per day and log; project `acme-prod-4821`, projectNumber 482193756012):
  %d Admin Activity + %d Data Access entries;
- `gcloud-logging-read.json`: one JSON array (newest first, keys sorted, as
  `gcloud logging read --organization=8123456789 --format=json` prints it) with the %d
  organization-level entries (logName `organizations/8123456789/logs/...`). No entry is in both.

- tenants: `acme-prod-4821` (project entries) and `organizations/8123456789` / `8123456789` (org entries);
  both have events every day and their latest event on 2026-10-31
- %d LogEntries in total; %d successful `SetIamPolicy` calls carry %d binding deltas (one row per
  delta; the 2026-07-15 call on omar.haddad has two) and %d denied `SetIamPolicy` call has no
  serviceData (one row, outcome failure) => %d expected event rows
- dormant_days = 90 (default) => cutoff 2026-08-02; as_of = 2026-10-31T23:41:07Z (project),
  2026-10-31T23:12:00Z (org)
- timestamps have 9 (most) or 6 fraction digits

""" % (SEED, c["sink_files"], c["activity"], c["data_access"], c["org"], n_entries, c["setiam_calls"],
       c["setiam_deltas"], c["setiam_denied"], rows_expected)
        text += md_table(["#", "subject (exact ids in the logs)", "what the logs show", "expected result"], self.plants)
        text += """
`roles/owner` holders as of as_of from in-window grants on the project: ravi.patel, ci-deployer,
sofia.lind, kai.nakamura (4; alice.nguyen is an owner from before the window and appears only as an
actor). `max_super_admins` (4) is not exceeded unless the reference table also counts
`roles/resourcemanager.projectIamAdmin` (ben.okoro) as privileged.
"""
        write_text(os.path.join(base, "PLANTED.md"), text)


# =========================================================================== GITHUB

class GitHub:
    ORG = "acme-corp"
    ORG_ID = 71234568
    BIZ = "acme-enterprise"
    BIZ_ID = 4417
    SPLIT = dt.date(2026, 8, 1)  # REST export before, streaming from this day

    def __init__(self):
        self.rng = random.Random("%d:github" % SEED)
        r = self.rng
        self.events = []
        self.plants = []
        humans = ["mchen-acme", "rtorres", "lwong", "pgarcia", "ahmed-k", "jpark", "wbrooks", "sdiaz", "elin-h",
                  "tkowalski", "nfrost", "old-contractor"]
        self.uid = {h: int(digits(r, 8, "1234")) for h in humans}
        pools = ["192.0.2.", "198.51.100.", "203.0.113."]
        self.ip = {h: pools[(i + 1) % 3] + str(100 + i * 9) for i, h in enumerate(humans)}
        self.cc = {h: ["US", "US", "DE", "US", "GB", "KR", "US", "ES", "SE", "PL", "US", "IN"][i] for i, h in enumerate(humans)}
        self.mail = {h: "%s@example.com" % h.replace("-acme", "").replace("-", ".") for h in humans}
        self.bots = {
            "acme-deploy-bot[bot]": int(digits(r, 9, "1")),
            "dependabot[bot]": 49699333,
            "github-actions[bot]": 41898282,
            "acme-legacy-ci[bot]": int(digits(r, 9, "1")),
            "acme-jira-sync[bot]": int(digits(r, 9, "1")),
        }
        self.machine_user = "acme-release-bot"
        self.uid[self.machine_user] = int(digits(r, 9, "1"))
        self.ip[self.machine_user] = "203.0.113.210"  # CI runner egress
        self.cc[self.machine_user] = "US"
        self.repos = {n: int(digits(r, 9, "1")) for n in
                      ["web-frontend", "payments-api", "infra-live", "data-pipelines", "mobile-app", "docs", "platform-tools"]}
        self.tok = {
            "A": {"id": int(digits(r, 8, "1")), "hash": base64.b64encode(hashlib.sha256(b"release-A").digest()).decode()},
            "B": {"id": int(digits(r, 8, "1")), "hash": base64.b64encode(hashlib.sha256(b"release-B").digest()).decode()},
            "E": {"id": int(digits(r, 8, "1")), "hash": base64.b64encode(hashlib.sha256(b"elin-E").digest()).decode()},
        }
        self.fp = {"argocd": "SHA256:" + base64.b64encode(hashlib.sha256(b"argocd-deploy").digest()).decode().rstrip("="),
                   "legacy": "SHA256:" + base64.b64encode(hashlib.sha256(b"legacy-ci-ro").digest()).decode().rstrip("=")}
        self.inst = {"acme-legacy-ci": int(digits(r, 8, "5")), "acme-sbom-scanner": int(digits(r, 8, "5")),
                     "acme-jira-sync": int(digits(r, 8, "5"))}
        self.oauth_app_id = int(digits(r, 7, "2"))

    def ua_browser(self):
        return "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/%d.0.0.0 Safari/537.36" % self.rng.choice([137, 138, 139, 140])

    def add(self, t, action, actor, op, org=True, **fields):
        r = self.rng
        ms = epoch_ms(t)
        e = {"@timestamp": ms, "_document_id": b64url(r, 16), "action": action, "actor": actor}
        if actor in self.bots:
            e["actor_id"] = self.bots[actor]
            e["actor_is_bot"] = True
        else:
            e["actor_id"] = self.uid[actor]
            e["actor_is_bot"] = False
            e["actor_ip"] = self.ip[actor]
            e["actor_location"] = {"country_code": self.cc[actor]}
        e["business"] = self.BIZ
        e["business_id"] = self.BIZ_ID
        e["created_at"] = ms
        e["operation_type"] = op
        if org:
            e["org"] = self.ORG
            e["org_id"] = self.ORG_ID
        for k, v in fields.items():
            if k == "repo":
                e["repo"] = "%s/%s" % (self.ORG, v)
                e["repo_id"] = self.repos[v]
            elif k == "user":
                e["user"] = v
                e["user_id"] = self.uid.get(v) or self.bots.get(v)
            else:
                e[k] = v
        self.events.append((t, e))
        return e

    def git(self, t, action, actor, repo, **extra):
        proto = extra.pop("proto", "ssh")
        return self.add(t, action, actor, "access", repo=repo, repository="%s/%s" % (self.ORG, repo),
                        repository_public=False, transport_protocol_name=proto,
                        transport_protocol=2 if proto == "ssh" else 1, **extra)

    def pat_use(self, t, which, action, repo):
        tk = self.tok[which]
        actor = self.machine_user if which in ("A", "B") else "elin-h"
        extra = {"programmatic_access_type": "Fine-grained personal access token", "token_id": tk["id"],
                 "hashed_token": tk["hash"],
                 "user_agent": self.rng.choice(["git/2.47.1", "GitHub CLI 2.62.0", "semantic-release/24.2.0 octokit-rest.js/21.0.2"])}
        if action.startswith("git."):
            return self.git(t, action, actor, repo, proto="http", **extra)
        return self.add(t, action, actor, "create" if action.endswith("create") else "modify", repo=repo, **extra)

    def app_use(self, t, bot, action, repo):
        extra = {"programmatic_access_type": "GitHub App server-to-server token",
                 "user_agent": "GitHub-Hookshot/%s" % hexid(self.rng, 7) if "hook" in action else "octokit.js/4.1.0"}
        if action.startswith("git."):
            return self.git(t, action, bot, repo, proto="http", **extra)
        return self.add(t, action, bot, "create" if action.endswith("create") else "modify", repo=repo, **extra)

    def build(self):
        r = self.rng
        humans_org = ["mchen-acme", "rtorres", "lwong", "pgarcia", "ahmed-k", "jpark", "wbrooks", "sdiaz", "elin-h",
                      "tkowalski", "nfrost", "old-contractor"]
        joined = {"nfrost": D(6, 22)}
        left = {"old-contractor": D(7, 5)}

        def present(h, day):
            return not ((h in joined and day <= joined[h]) or (h in left and day >= left[h]))

        # ------------------------------------------------ background every day
        for day in days():
            people = [h for h in humans_org if present(h, day)]
            # enterprise SAML SSO (human logins; tenant = enterprise)
            for h in r.sample(people, r.randint(2, 4) if weekday(day) else r.randint(2, 3)):
                self.add(rand_time(r, day, 6, 19), "business.sso_response", h, "authentication", org=False,
                         external_identity_nameid=self.mail[h], external_identity_username=self.mail[h],
                         issuer="https://sso.example.com/saml2/idp/metadata", name="Acme Enterprise",
                         user_agent=self.ua_browser())
            # git over ssh by humans
            for h in r.sample(people, r.randint(1, 3) if weekday(day) else r.randint(1, 2)):
                self.git(rand_time(r, day, 7, 21), r.choice(["git.push", "git.push", "git.clone", "git.fetch"]), h,
                         r.choice(list(self.repos)))
            # github-actions[bot]
            for _ in range(r.randint(1, 2)):
                repo = r.choice(["web-frontend", "payments-api", "data-pipelines", "mobile-app"])
                t = rand_time(r, day, 0, 23)
                self.add(t, "workflows.completed_workflow_run", "github-actions[bot]", "modify", repo=repo,
                         programmatic_access_type="GitHub App server-to-server token",
                         workflow_id=int(digits(r, 8, "1")), workflow_run_id=int(digits(r, 11, "1")),
                         name="ci", head_branch="main", event="push", conclusion=r.choice(["success"] * 5 + ["failure"]),
                         run_attempt=1, run_number=r.randint(1000, 9000))
        # dependabot[bot]: weekly on Mondays
        for day in days():
            if day.weekday() == 0:
                for repo in r.sample(["web-frontend", "payments-api", "mobile-app", "docs"], 2):
                    self.app_use(rand_time(r, day, 4, 7), "dependabot[bot]", "pull_request.create", repo)
        # the tenants' last events on 10-31
        self.git(at(D(10, 31), 21, 58, 12, 377000), "git.push", "sdiaz", "payments-api")
        self.add(at(D(10, 31), 20, 3, 40, 0), "business.sso_response", "tkowalski", "authentication", org=False,
                 external_identity_nameid=self.mail["tkowalski"], external_identity_username=self.mail["tkowalski"],
                 issuer="https://sso.example.com/saml2/idp/metadata", name="Acme Enterprise", user_agent=self.ua_browser())

        # ------------------------------------------------ 1. active GitHub App
        for day in every(D(5, 1), D(10, 31), [2, 3, 3, 4], r):
            t = rand_time(r, day, 8, 18) if day != D(10, 31) else at(D(10, 31), 17, 20, 4, 512000)
            repo = r.choice(["infra-live", "payments-api", "web-frontend"])
            self.app_use(t, "acme-deploy-bot[bot]", r.choice(["git.clone", "git.clone", "pull_request.create"]), repo)
        self.plants.append(("1 active machine identity", "`acme-deploy-bot[bot]` (actor_id %d)" % self.bots["acme-deploy-bot[bot]"],
                            "GitHub App installed before the window; `git.clone` / `pull_request.create` with "
                            "programmatic_access_type \"GitHub App server-to-server token\" every 2-4 days, last "
                            "2026-10-31T17:20:04.512Z", "healthy: not flagged"))
        self.plants.append(("background bots", "`github-actions[bot]` (actor_id 41898282), `dependabot[bot]` (actor_id 49699333)",
                            "workflow runs every day / pull requests every Monday (last 2026-10-26)", "healthy: not flagged"))

        # ------------------------------------------------ 2. dormant GitHub App
        self.add(at(D(5, 5), 14, 11, 2, 201000), "integration_installation.create", "mchen-acme", "create",
                 integration="acme-legacy-ci", installation_id=self.inst["acme-legacy-ci"], repository_selection="selected",
                 permissions={"contents": "write", "checks": "write", "metadata": "read"}, user_agent=self.ua_browser())
        for day in every(D(5, 6), D(6, 20), [1, 2, 3], r):
            t = rand_time(r, day, 1, 5) if day != D(6, 20) else at(D(6, 20), 3, 44, 9, 951000)
            self.app_use(t, "acme-legacy-ci[bot]", r.choice(["git.clone", "git.fetch"]), r.choice(["data-pipelines", "platform-tools"]))
        self.plants.append(("2 dormant machine identity", "`acme-legacy-ci[bot]` (actor_id %d); installation: integration "
                            "`acme-legacy-ci`, installation_id %d" % (self.bots["acme-legacy-ci[bot]"], self.inst["acme-legacy-ci"]),
                            "`integration_installation.create` 2026-05-05T14:11:02.201Z; used 2026-05-06 .. last "
                            "2026-06-20T03:44:09.951Z; nothing after; never uninstalled",
                            "dormant-machine-identity confirmed (133 days idle)"))

        # ------------------------------------------------ 3. installed 05-10, never used
        self.add(at(D(5, 10), 16, 2, 44, 18000), "integration_installation.create", "mchen-acme", "create",
                 integration="acme-sbom-scanner", installation_id=self.inst["acme-sbom-scanner"], repository_selection="all",
                 permissions={"contents": "read", "security_events": "write", "metadata": "read"}, user_agent=self.ua_browser())
        self.plants.append(("3 machine identity never used", "integration `acme-sbom-scanner`, installation_id %d "
                            "(its bot `acme-sbom-scanner[bot]` never appears)" % self.inst["acme-sbom-scanner"],
                            "`integration_installation.create` 2026-05-10T16:02:44.018Z; no use",
                            "dormant-machine-identity confirmed (created 174 days before as_of, never used)"))

        # ------------------------------------------------ 4. OAuth app created 10-15, never used (grace)
        self.add(at(D(10, 15), 12, 31, 7, 700000), "oauth_application.create", "wbrooks", "create",
                 oauth_application_id=self.oauth_app_id, oauth_application_name="acme-release-notes",
                 application_url="https://release-notes.example.com",
                 callback_url="https://release-notes.example.com/auth/github/callback", user_agent=self.ua_browser())
        self.plants.append(("4 new machine identity (grace period)", "OAuth app `acme-release-notes`, oauth_application_id %d"
                            % self.oauth_app_id, "`oauth_application.create` 2026-10-15T12:31:07.700Z by wbrooks; never used",
                            "not flagged (created 16 days before as_of < dormant_days)"))

        # ------------------------------------------------ 5. used until 06-01, uninstalled 09-01
        for day in every(D(5, 1), D(6, 1), [2, 3, 4], r):
            t = rand_time(r, day, 9, 17) if day != D(6, 1) else at(D(6, 1), 11, 5, 0, 250000)
            self.app_use(t, "acme-jira-sync[bot]", "pull_request.create" if r.random() < 0.3 else "git.fetch",
                         r.choice(["web-frontend", "mobile-app"]))
        self.add(at(D(9, 1), 15, 40, 21, 121000), "integration_installation.destroy", "mchen-acme", "remove",
                 integration="acme-jira-sync", installation_id=self.inst["acme-jira-sync"], user_agent=self.ua_browser())
        self.plants.append(("5 retired machine identity", "`acme-jira-sync[bot]` (actor_id %d); integration `acme-jira-sync`, "
                            "installation_id %d" % (self.bots["acme-jira-sync[bot]"], self.inst["acme-jira-sync"]),
                            "installed before the window; used until 2026-06-01T11:05:00.250Z; "
                            "`integration_installation.destroy` 2026-09-01T15:40:21.121Z",
                            "not flagged (uninstalled; not dormant)"))

        # ------------------------------------------------ 6. machine user with two fine-grained PATs + deploy key
        A, B = self.tok["A"], self.tok["B"]
        for day in every(D(5, 1), D(10, 30), [2, 3, 4], r):
            t = rand_time(r, day, 10, 16) if day != D(10, 30) else at(D(10, 30), 15, 45, 30, 123000)
            self.pat_use(t, "A", r.choice(["git.push", "git.push", "pull_request.merge", "pull_request.create"]),
                         r.choice(["payments-api", "web-frontend", "mobile-app"]))
        self.add(at(D(5, 6), 9, 14, 3, 3000), "personal_access_token.access_granted", self.machine_user, "create",
                 user=self.machine_user, token_id=B["id"], hashed_token=B["hash"],
                 programmatic_access_type="Fine-grained personal access token",
                 permissions={"contents": "write", "pull_requests": "write", "metadata": "read"},
                 repositories=["%s/docs" % self.ORG, "%s/platform-tools" % self.ORG], user_agent=self.ua_browser())
        for day in every(D(5, 7), D(6, 10), [3, 4, 5], r):
            t = rand_time(r, day, 10, 16) if day != D(6, 10) else at(D(6, 10), 13, 37, 2, 420000)
            self.pat_use(t, "B", "git.push", r.choice(["docs", "platform-tools"]))
        self.add(at(D(5, 8), 10, 20, 55, 808000), "public_key.create", "elin-h", "create", repo="infra-live",
                 title="argocd-infra-live", fingerprint=self.fp["argocd"], read_only=False, user_agent=self.ua_browser())
        # a second deploy key: created and deleted
        self.add(at(D(5, 3), 12, 0, 4, 400000), "public_key.create", "tkowalski", "create", repo="web-frontend",
                 title="legacy-ci-readonly", fingerprint=self.fp["legacy"], read_only=True, user_agent=self.ua_browser())
        self.add(at(D(7, 10), 8, 30, 0, 0), "public_key.delete", "tkowalski", "remove", repo="web-frontend",
                 title="legacy-ci-readonly", fingerprint=self.fp["legacy"], user_agent=self.ua_browser())
        # a human PAT: granted, used, revoked
        E = self.tok["E"]
        self.add(at(D(5, 15), 17, 0, 31, 0), "personal_access_token.access_granted", "elin-h", "create", user="elin-h",
                 token_id=E["id"], hashed_token=E["hash"], programmatic_access_type="Fine-grained personal access token",
                 permissions={"contents": "read", "metadata": "read"}, repositories=["%s/data-pipelines" % self.ORG],
                 user_agent=self.ua_browser())
        for day in every(D(5, 16), D(7, 1), [4, 5, 6], r):
            self.pat_use(rand_time(r, day, 9, 17) if day != D(7, 1) else at(D(7, 1), 9, 9, 9, 0), "E", "git.clone", "data-pipelines")
        self.add(at(D(8, 5), 10, 2, 2, 0), "personal_access_token.access_revoked", "mchen-acme", "remove", user="elin-h",
                 token_id=E["id"], hashed_token=E["hash"], programmatic_access_type="Fine-grained personal access token",
                 user_agent=self.ua_browser())
        mu = self.machine_user
        self.plants += [
            ("6 credential A (live)", "token_id `%d` (hashed_token `%s`) of `%s`" % (A["id"], A["hash"], mu),
             "fine-grained PAT granted before the window; `git.push` / `pull_request.*` with programmatic_access_type "
             "\"Fine-grained personal access token\" every 2-4 days, last 2026-10-30T15:45:30.123Z", "healthy: not flagged"),
            ("6 credential B (dormant)", "token_id `%d` (hashed_token `%s`) of `%s`" % (B["id"], B["hash"], mu),
             "`personal_access_token.access_granted` 2026-05-06T09:14:03.003Z; used 2026-05-07 .. last "
             "2026-06-10T13:37:02.420Z; never revoked",
             "dormant-credential confirmed (143 days idle); the identity acme-release-bot itself is active"),
            ("6 credential never used", "deploy key fingerprint `%s` (title `argocd-infra-live`, repo `acme-corp/infra-live`)"
             % self.fp["argocd"], "`public_key.create` 2026-05-08T10:20:55.808Z by elin-h; never deleted; its use would "
             "not carry this id", "dormant-credential confirmed (created 176 days before as_of, never used)"),
            ("credential revoked", "token_id `%d` of `elin-h`" % E["id"],
             "`access_granted` 2026-05-15; used until 2026-07-01T09:09:09Z; `personal_access_token.access_revoked` "
             "2026-08-05T10:02:02Z by mchen-acme", "not flagged (revoked)"),
            ("credential deleted", "deploy key fingerprint `%s` (title `legacy-ci-readonly`)" % self.fp["legacy"],
             "`public_key.create` 2026-05-03, `public_key.delete` 2026-07-10", "not flagged (deleted)"),
        ]

        # ------------------------------------------------ 7. admin grants
        ua = self.ua_browser
        # jpark becomes team maintainer (delegated admin)
        self.add(at(D(5, 7), 13, 40, 0, 500000), "team.promote_maintainer", "mchen-acme", "modify", user="jpark",
                 team="%s/platform-eng" % self.ORG, user_agent=ua())
        for day in [D(6, 3), D(7, 8), D(8, 12), D(9, 2), D(10, 7)]:
            who = r.choice(["sdiaz", "tkowalski", "nfrost"])
            self.add(rand_time(r, day, 9, 17), "team.add_member", "jpark", "modify", user=who,
                     team="%s/platform-eng" % self.ORG, user_agent=ua())
        # 7a enterprise owner granted by enterprise owner
        self.add(at(D(5, 13), 15, 3, 22, 0), "business.add_admin", "mchen-acme", "create", org=False, user="rtorres",
                 user_agent=ua())
        for day in [D(7, 20), D(10, 5)]:
            self.add(rand_time(r, day, 9, 17), "business.update_saml_provider_settings", "rtorres", "modify", org=False,
                     user_agent=ua())
        # 7b machine user made org owner
        self.add(at(D(5, 18), 11, 11, 11, 110000), "org.update_member", "mchen-acme", "modify", user=mu,
                 permission="admin", old_permission="read", user_agent=ua())
        for day in [D(6, 16), D(7, 14), D(8, 18), D(9, 15), D(10, 20)]:
            self.pat_use(rand_time(r, day, 10, 16), "A", "protected_branch.policy_override", "payments-api")
        # 7c revoked
        self.add(at(D(5, 21), 16, 16, 16, 0), "org.update_member", "mchen-acme", "modify", user="pgarcia",
                 permission="admin", old_permission="read", user_agent=ua())
        self.add(at(D(7, 16), 10, 0, 5, 0), "org.update_member", "mchen-acme", "modify", user="pgarcia",
                 permission="read", old_permission="admin", user_agent=ua())
        # 7d grant / revoke / re-grant (enterprise owner)
        self.add(at(D(6, 4), 14, 4, 4, 0), "business.add_admin", "mchen-acme", "create", org=False, user="lwong", user_agent=ua())
        self.add(at(D(6, 26), 18, 26, 0, 0), "business.remove_admin", "mchen-acme", "remove", org=False, user="lwong", user_agent=ua())
        self.add(at(D(8, 19), 9, 19, 0, 0), "business.add_admin", "rtorres", "create", org=False, user="lwong", user_agent=ua())
        # 7e self-grant
        self.add(at(D(7, 30), 22, 3, 14, 0), "org.update_member", "ahmed-k", "modify", user="ahmed-k",
                 permission="admin", old_permission="read", user_agent=ua())
        for day in [D(8, 12), D(9, 24), D(10, 13)]:
            act = "protected_branch.update" if day != D(9, 24) else "repository_ruleset.update"
            extra = ({"branch": "main", "name": "main"} if act == "protected_branch.update" else
                     {"ruleset_id": "4811204", "ruleset_name": "main-protection", "ruleset_enforcement": "active",
                      "ruleset_old_enforcement": "evaluate", "ruleset_source_type": "Repository"})
            self.add(rand_time(r, day, 9, 17), act, "ahmed-k", "modify", repo="payments-api", user_agent=ua(), **extra)
        # 7f delegated (team maintainer) grants org owner
        self.add(at(D(9, 11), 15, 15, 0, 0), "org.update_member", "jpark", "modify", user="wbrooks",
                 permission="admin", old_permission="read", user_agent=ua())
        # membership lifecycle
        self.add(at(D(6, 22), 10, 0, 0, 0), "org.add_member", "mchen-acme", "create", user="nfrost", permission="read",
                 user_agent=ua())
        self.add(at(D(7, 5), 9, 45, 0, 0), "org.remove_member", "mchen-acme", "remove", user="old-contractor",
                 user_agent=ua())
        # ------------------------------------------------ 8. policy changes
        self.add(at(D(6, 8), 20, 1, 0, 0), "org.disable_two_factor_requirement", "mchen-acme", "modify", user_agent=ua())
        self.add(at(D(6, 9), 8, 2, 30, 0), "org.enable_two_factor_requirement", "mchen-acme", "modify", user_agent=ua())
        self.add(at(D(7, 2), 14, 0, 0, 0), "repository_ruleset.update", "mchen-acme", "modify", ruleset_id="4811001",
                 ruleset_name="org-default-branch", ruleset_enforcement="active", ruleset_old_enforcement="evaluate",
                 ruleset_source_type="Organization", user_agent=ua())

        self.plants += [
            ("7a human granted owner by an owner (enterprise)", "`rtorres` (enterprise owner of `acme-enterprise`)",
             "`business.add_admin` 2026-05-13T15:03:22Z by mchen-acme (enterprise owner from before the window); "
             "rtorres exercises it (`business.update_saml_provider_settings` 07-20, 10-05; re-grant to lwong)",
             "overbroad-delegated-admin: privileged role (enterprise owner)"),
            ("7b machine identity granted org owner", "`acme-release-bot` (user_id %d), org `acme-corp` permission `admin`" % self.uid[mu],
             "`org.update_member` 2026-05-18T11:11:11.110Z by mchen-acme (permission admin, old_permission read); "
             "a machine user: never signs in through SSO, and every git / pull-request / branch action it takes carries "
             "programmatic_access_type \"Fine-grained personal access token\" (token A), incl. monthly "
             "`protected_branch.policy_override` (05-18 grant is exercised)",
             "overbroad-delegated-admin: machine identity holding a privileged role (org owner)"),
            ("7c grant later revoked", "`pgarcia`, org `acme-corp` permission `admin`",
             "`org.update_member` admin 2026-05-21T16:16:16Z; `org.update_member` back to read 2026-07-16T10:00:05Z",
             "not flagged (does not hold admin as of as_of)"),
            ("7d grant, revoke, re-grant", "`lwong` (enterprise owner of `acme-enterprise`)",
             "`business.add_admin` 2026-06-04T14:04:04Z, `business.remove_admin` 2026-06-26T18:26:00Z (both by "
             "mchen-acme), `business.add_admin` 2026-08-19T09:19:00Z (by rtorres)",
             "overbroad-delegated-admin: privileged role (holds it as of as_of, granted 2026-08-19)"),
            ("7e self-grant", "`ahmed-k`, org `acme-corp` permission `admin`",
             "`org.update_member` 2026-07-30T22:03:14Z with actor == user == ahmed-k; exercised (branch "
             "protection / ruleset changes 08-12, 09-24, 10-13)", "overbroad-delegated-admin: self-granted"),
            ("7f delegated admin grants a privileged role", "`wbrooks`, org `acme-corp` permission `admin`",
             "`org.update_member` 2026-09-11T15:15:00Z by jpark, who is only a team maintainer "
             "(`team.promote_maintainer` 2026-05-07T13:40:00.500Z, team acme-corp/platform-eng)",
             "overbroad-delegated-admin: privileged role + grantor is a delegated (non-owner) admin granting a broader role"),
            ("delegated admin (context)", "`jpark`, team maintainer of `acme-corp/platform-eng`",
             "`team.promote_maintainer` 2026-05-07 by mchen-acme; exercised (`team.add_member` monthly)",
             "not flagged (team-scoped role, human, granted by an owner, exercised)"),
            ("8 policy changes", "`org.disable_two_factor_requirement` 2026-06-08T20:01:00Z, "
             "`org.enable_two_factor_requirement` 2026-06-09T08:02:30Z, `repository_ruleset.update` (07-02, 09-24), "
             "`protected_branch.update` (08-12, 10-13)", "org acme-corp", "category policy; no finding"),
            ("8 human logins", "`business.sso_response` (tenant acme-enterprise)",
             "SAML SSO responses every day; the org/enterprise audit log has no failed-login events "
             "(failures are only in users' own security logs)", "category authentication; success only"),
            ("membership", "`nfrost` / `old-contractor`", "`org.add_member` 2026-06-22, `org.remove_member` 2026-07-05",
             "category lifecycle; no finding"),
        ]

    def write(self, outdir):
        base = os.path.join(outdir, "github")
        evs = sorted(self.events, key=lambda p: (p[0], p[1]["_document_id"]))
        rest = [e for t, e in evs if t.date() < self.SPLIT]
        stream = [(t, e) for t, e in evs if t.date() >= self.SPLIT]
        # REST: newest first, as GET /enterprises/{enterprise}/audit-log?include=all returns it
        write_json(os.path.join(base, "audit-log-rest.json"), list(reversed(rest)), indent=2)
        # streaming: one gzip NDJSON batch per day, in the folder of the hour of its last event
        by_day = {}
        for t, e in stream:
            by_day.setdefault(t.date(), []).append((t, e))
        nfiles = 0
        for day, items in sorted(by_day.items()):
            last = items[-1][0]
            name = str(uuid.UUID(int=self.rng.getrandbits(128), version=4)) + ".json.gz"
            path = os.path.join(base, "stream", "%04d" % day.year, "%02d" % day.month, "%02d" % day.day,
                                "%02d" % last.hour, name)
            write_ndjson_gz(path, [e for _, e in items])
            nfiles += 1
        # web UI CSV export: the admin-role events of the whole period (duplicates of JSON events)
        admin_actions = {"org.update_member", "business.add_admin", "business.remove_admin", "team.promote_maintainer"}
        cols = ["@timestamp", "_document_id", "action", "actor", "actor_id", "actor_location.country_code", "business",
                "business_id", "created_at", "operation_type", "org", "org_id", "permission", "old_permission",
                "programmatic_access_type", "repo", "repo_id", "team", "token_id", "user", "user_id", "user_agent"]
        rows = []
        for t, e in reversed(evs):
            if e["action"] in admin_actions:
                flat = dict(e)
                flat["actor_location.country_code"] = e.get("actor_location", {}).get("country_code", "")
                rows.append({c: ("" if flat.get(c) is None else flat.get(c)) for c in cols})
        os.makedirs(base, exist_ok=True)
        with open(os.path.join(base, "export-ui.csv"), "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=cols, lineterminator="\r\n")
            w.writeheader()
            for row in rows:
                w.writerow(row)
        counts = {"rest": len(rest), "stream": len(stream), "stream_files": nfiles, "csv": len(rows),
                  "org": sum(1 for _, e in evs if "org" in e), "enterprise": sum(1 for _, e in evs if "org" not in e)}
        self.write_planted(base, counts)
        return counts

    def write_planted(self, base, c):
        text = """# GitHub audit-log sample: planted subjects

Generated by `tools/sample-logs/gen_gws_gcp_github.py` (seed %d). Do not edit by hand.

Native containers (enterprise `acme-enterprise`, org `acme-corp`, org_id %d, business_id %d):
- `audit-log-rest.json`: JSON array as `GET /enterprises/acme-enterprise/audit-log?include=all` returns
  it (newest first), %d events from 2026-05-01 to 2026-07-31;
- `stream/YYYY/MM/DD/HH/<uuid>.json.gz`: audit-log streaming batches (gzip NDJSON, one per day), %d
  events from 2026-08-01 to 2026-10-31 in %d files;
- `export-ui.csv`: web-UI CSV export of the admin-role events of the whole period (%d rows). Every
  row is a DUPLICATE of an event in the JSON exports (same `_document_id`): after de-duplication the
  unique event count is %d (= REST + stream).

- `@timestamp` and `created_at` are integer epoch milliseconds (UTC); `_document_id` is the event id
- tenants: org `acme-corp` (%d events, every event with an `org` field) and enterprise
  `acme-enterprise` (%d `business.*` events without `org`); both have events every day and their
  latest event on 2026-10-31 (acme-corp: `git.push` 2026-10-31T21:58:12.377Z; acme-enterprise:
  `business.sso_response` 2026-10-31T20:03:40Z)
- dormant_days = 90 (default) => cutoff 2026-08-02
- short-lived GitHub App installation tokens are not given a token_id in this sample; the App is
  identified by its bot login (`<integration>[bot]`) and its installation events by `integration`

""" % (SEED, self.ORG_ID, self.BIZ_ID, c["rest"], c["stream"], c["stream_files"], c["csv"],
       c["rest"] + c["stream"], c["org"], c["enterprise"])
        text += md_table(["#", "subject (exact ids in the logs)", "what the logs show", "expected result"], self.plants)
        text += """
Privileged holders as of as_of from in-window grants: org `acme-corp` owners (`permission` admin):
acme-release-bot, ahmed-k, wbrooks (3); enterprise `acme-enterprise` owners: rtorres, lwong (2);
mchen-acme is an owner of both from before the window and appears only as an actor.
`max_super_admins` (4) is not exceeded in either tenant.
"""
        write_text(os.path.join(base, "PLANTED.md"), text)


# =========================================================================== VERIFY

def in_range(t):
    return START <= t <= END


def parse_rfc3339(s):
    # accepts 3/6/9 fraction digits + Z
    assert s.endswith("Z"), s
    main, frac = s[:-1].split(".")
    frac = (frac + "000000")[:6]
    return dt.datetime.strptime(main + "." + frac, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=UTC)


def per_day_min(times):
    c = {}
    for t in times:
        c[t.date()] = c.get(t.date(), 0) + 1
    return min(c.values())


def verify(outdir):
    ok = True
    summary = []

    def fail(msg):
        nonlocal ok
        ok = False
        print("FAIL:", msg)

    # ---------------- Google Workspace
    base = os.path.join(outdir, "google_workspace")
    gws_acts, gws_events, seen = [], 0, set()
    for fn in sorted(os.listdir(base)):
        if not fn.endswith(".json"):
            continue
        page = json.load(open(os.path.join(base, fn), encoding="utf-8"))
        if page.get("kind") != "admin#reports#activities" or not isinstance(page.get("items"), list):
            fail("%s: not an activities page" % fn)
        app = fn.split("-page-")[0]
        n = int(fn.split("-page-")[1].split(".")[0])
        last = not os.path.exists(os.path.join(base, "%s-page-%03d.json" % (app, n + 1)))
        if last == ("nextPageToken" in page):
            fail("%s: nextPageToken presence wrong" % fn)
        prev = None
        for a in page["items"]:
            i = a.get("id", {})
            if not (i.get("time") and i.get("uniqueQualifier") and i.get("applicationName") == app
                    and i.get("customerId") == "C03az79cb"):
                fail("%s: bad id %r" % (fn, i))
            t = parse_rfc3339(i["time"])
            if not in_range(t):
                fail("%s: time out of range %s" % (fn, i["time"]))
            if prev and t > prev:
                fail("%s: not newest-first" % fn)
            prev = t
            int(i["uniqueQualifier"])
            k = (i["time"], i["uniqueQualifier"], app)
            if k in seen:
                fail("duplicate GWS id %r" % (k,))
            seen.add(k)
            if not a.get("events"):
                fail("%s: activity without events" % fn)
            gws_events += len(a["events"])
            gws_acts.append((t, a))
    gws_days = {t.date() for t, _ in gws_acts}
    summary.append(("google_workspace", "C03az79cb", len(gws_acts), gws_events, min(gws_days), max(t for t, _ in gws_acts),
                    NDAYS - len(gws_days), per_day_min([t for t, _ in gws_acts])))

    # semantic checks on GWS plants: last use per client_id
    last_use = {}
    for t, a in gws_acts:
        for e in a["events"]:
            if e["name"] == "activity":
                cid = next(p["value"] for p in e["parameters"] if p["name"] == "client_id")
                last_use[cid] = max(last_use.get(cid, t), t)
    expect = {"104729384756102938475": D(10, 31), "113344556677889900112": D(6, 20), "101122334455667788990": D(6, 1),
              "102938475610293847561": D(10, 30)}
    for cid, d_ in expect.items():
        if last_use.get(cid) is None or last_use[cid].date() != d_:
            fail("GWS client %s last use %s != %s" % (cid, last_use.get(cid), d_))
    for cid in ["107788990011223344556", "118899001122334455667"]:
        if cid in last_use:
            fail("GWS client %s should never be used" % cid)

    # ---------------- GCP
    base = os.path.join(outdir, "gcp_audit")
    gcp = {"project": [], "org": []}
    ids = set()
    nfiles = 0
    for root, _, files in os.walk(base):
        for fn in files:
            p = os.path.join(root, fn)
            if fn == "gcloud-logging-read.json":
                arr = json.load(open(p, encoding="utf-8"))
                if not isinstance(arr, list):
                    fail("gcloud file is not an array")
                for e in arr:
                    gcp["org"].append(e)
            elif fn.endswith("_S0.json"):
                nfiles += 1
                with open(p, encoding="utf-8") as f:
                    for ln, line in enumerate(f, 1):
                        e = json.loads(line)
                        gcp["project"].append(e)
                        log = "activity" if "/activity/" in p else "data_access"
                        if not e["logName"].endswith("%2F" + log):
                            fail("%s:%d logName/dir mismatch" % (p, ln))
                        day = "/".join(p.split(os.sep)[-4:-1])
                        if e["timestamp"][:10].replace("-", "/") != day:
                            fail("%s:%d timestamp not in file's day" % (p, ln))
    gcp_rows = 0
    last_use = {}
    keys_used = {}
    for tenant, es in gcp.items():
        times = []
        for e in es:
            for k in ("insertId", "timestamp", "logName", "receiveTimestamp", "severity", "resource"):
                if k not in e:
                    fail("GCP entry missing %s" % k)
            pp = e["protoPayload"]
            if pp.get("@type") != "type.googleapis.com/google.cloud.audit.AuditLog":
                fail("GCP bad @type")
            uid = (e["logName"], e["timestamp"], e["insertId"])
            if uid in ids:
                fail("duplicate GCP uid %r" % (uid,))
            ids.add(uid)
            t = parse_rfc3339(e["timestamp"])
            if not in_range(t):
                fail("GCP time out of range %s" % e["timestamp"])
            times.append(t)
            if pp["methodName"] == "SetIamPolicy" and "serviceData" in pp:
                gcp_rows += len(pp["serviceData"]["policyDelta"]["bindingDeltas"])
            else:
                gcp_rows += 1
            who = pp["authenticationInfo"]["principalEmail"]
            last_use[who] = max(last_use.get(who, t), t)
            kn = pp["authenticationInfo"].get("serviceAccountKeyName")
            if kn:
                kid = kn.rsplit("/", 1)[1]
                keys_used[kid] = max(keys_used.get(kid, t), t)
        dd = {t.date() for t in times}
        summary.append(("gcp_audit", "acme-prod-4821" if tenant == "project" else "organizations/8123456789",
                        len(es), None, min(dd), max(times), NDAYS - len(dd), per_day_min(times)))
    sa = lambda n: "%s@acme-prod-4821.iam.gserviceaccount.com" % n
    exp = {sa("etl-runner"): D(10, 31), sa("ci-deployer"): D(10, 30), sa("ml-batch-scorer"): D(6, 20),
           sa("legacy-cron"): D(6, 1), sa("tmp-migration"): D(5, 28)}
    for who, d_ in exp.items():
        if last_use.get(who) is None or last_use[who].date() != d_:
            fail("GCP %s last use %s != %s" % (who, last_use.get(who), d_))
    for who in [sa("looker-export"), sa("vertex-pipeline")]:
        if who in last_use:
            fail("GCP %s should never act" % who)
    gc = GoogleCloud()  # same seed -> same key ids
    for k, d_ in {"ci-A": D(10, 30), "ci-B": D(6, 10), "legacy": D(6, 1)}.items():
        if keys_used.get(gc.KEY[k]) is None or keys_used[gc.KEY[k]].date() != d_:
            fail("GCP key %s last use %s != %s" % (k, keys_used.get(gc.KEY[k]), d_))
    if gc.KEY["ci-C"] in keys_used:
        fail("GCP key C used")

    # ---------------- GitHub
    base = os.path.join(outdir, "github")
    gh = []
    rest = json.load(open(os.path.join(base, "audit-log-rest.json"), encoding="utf-8"))
    if not isinstance(rest, list):
        fail("REST export is not an array")
    gh += rest
    nstream = 0
    for root, _, files in os.walk(os.path.join(base, "stream")):
        for fn in files:
            if not fn.endswith(".json.gz"):
                fail("unexpected stream file %s" % fn)
                continue
            nstream += 1
            with gzip.open(os.path.join(root, fn), "rt", encoding="utf-8") as f:
                for line in f:
                    gh.append(json.loads(line))
    with open(os.path.join(base, "export-ui.csv"), encoding="utf-8", newline="") as f:
        csv_rows = list(csv.DictReader(f))
    docids = {}
    for e in gh:
        for k in ("_document_id", "@timestamp", "created_at", "action", "actor"):
            if k not in e:
                fail("GitHub event missing %s" % k)
        if not isinstance(e["@timestamp"], int) or e["@timestamp"] != e["created_at"]:
            fail("GitHub timestamp not epoch ms int")
        if e["_document_id"] in docids:
            fail("duplicate _document_id")
        docids[e["_document_id"]] = e
        t = dt.datetime.fromtimestamp(e["@timestamp"] / 1000, tz=UTC)
        if not in_range(t):
            fail("GitHub time out of range")
    for row in csv_rows:
        src = docids.get(row["_document_id"])
        if not src or str(src["@timestamp"]) != row["@timestamp"] or src["action"] != row["action"]:
            fail("CSV row does not match a JSON event: %r" % row["_document_id"])
    for tenant, pred in [("acme-corp", lambda e: "org" in e), ("acme-enterprise", lambda e: "org" not in e)]:
        times = [dt.datetime.fromtimestamp(e["@timestamp"] / 1000, tz=UTC) for e in gh if pred(e)]
        dd = {t.date() for t in times}
        summary.append(("github", tenant, len(times), None, min(dd), max(times), NDAYS - len(dd), per_day_min(times)))
    last_actor, tok_last = {}, {}
    for e in gh:
        t = dt.datetime.fromtimestamp(e["@timestamp"] / 1000, tz=UTC)
        last_actor[e["actor"]] = max(last_actor.get(e["actor"], t), t)
        if "token_id" in e and e["action"].split(".")[0] not in ("personal_access_token",):
            tok_last[e["token_id"]] = max(tok_last.get(e["token_id"], t), t)
    for a, d_ in {"acme-deploy-bot[bot]": D(10, 31), "acme-legacy-ci[bot]": D(6, 20), "acme-jira-sync[bot]": D(6, 1),
                  "acme-release-bot": D(10, 30)}.items():
        if last_actor.get(a) is None or last_actor[a].date() != d_:
            fail("GitHub %s last %s != %s" % (a, last_actor.get(a), d_))
    if "acme-sbom-scanner[bot]" in last_actor:
        fail("sbom scanner used")
    g = GitHub()
    for k, d_ in {"A": D(10, 30), "B": D(6, 10), "E": D(7, 1)}.items():
        if tok_last.get(g.tok[k]["id"]) is None or tok_last[g.tok[k]["id"]].date() != d_:
            fail("GitHub token %s last %s != %s" % (k, tok_last.get(g.tok[k]["id"]), d_))

    # ---------------- sizes + summary
    print("\n%-17s %-26s %8s %8s %-11s %-27s %s %s" % ("provider", "tenant", "records", "rows", "first day",
                                                          "last event", "silent-days", "min/day"))
    for p, tnt, n, rows, first, last, silent, dmin in summary:
        print("%-17s %-26s %8d %8s %-11s %-27s %11d %7d" % (p, tnt, n, "" if rows is None else rows, first,
                                                          last.isoformat().replace("+00:00", "Z"), silent, dmin))
        if silent:
            fail("%s/%s has %d silent days" % (p, tnt, silent))
        if dmin < 2:
            fail("%s/%s has a day with fewer than 2 events" % (p, tnt))
        if last.date() != AS_OF_DATE:
            fail("%s/%s latest event not on %s" % (p, tnt, AS_OF_DATE))
    print("gcp expected event rows (one per binding delta): %d; sink files: %d" % (gcp_rows, nfiles))
    print("github: %d unique events (%d REST + %d stream in %d files), csv rows %d (all duplicates)" % (
        len(gh), len(rest), len(gh) - len(rest), nstream, len(csv_rows)))
    for prov in PROVIDER_DIRS:
        size, count = 0, 0
        for root, _, files in os.walk(os.path.join(outdir, prov)):
            for fn in files:
                p = os.path.join(root, fn)
                if fn.endswith(".gz"):
                    with gzip.open(p, "rb") as f:
                        size += len(f.read())
                else:
                    size += os.path.getsize(p)
                count += 1
        print("%-17s %4d files, %7.2f MB uncompressed" % (prov, count, size / 1e6))
        if size > 3.2e6:
            fail("%s is larger than ~3 MB" % prov)
    print("\nverify:", "OK" if ok else "FAILED")
    return ok


# =========================================================================== MAIN

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(REPO_ROOT, "sample-logs"), help="output folder (default: sample-logs/)")
    ap.add_argument("--verify", action="store_true", help="only verify existing output")
    args = ap.parse_args()
    if not args.verify:
        for prov in PROVIDER_DIRS:
            shutil.rmtree(os.path.join(args.out, prov), ignore_errors=True)
        for cls in (GoogleWorkspace, GoogleCloud, GitHub):
            g = cls()
            g.build()
            c = g.write(args.out)
            print("%s: %s" % (cls.__name__, c))
    sys.exit(0 if verify(args.out) else 1)


if __name__ == "__main__":
    main()
