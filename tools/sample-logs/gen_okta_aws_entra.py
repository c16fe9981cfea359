#!/usr/bin/env python3
"""Deterministic generator of sample audit-log exports for trailcheck.

Writes, in each provider's native export container:

  sample-logs/okta/system-log-page-NNNN.json           Okta System Log (GET /api/v1/logs pages)
  sample-logs/aws_cloudtrail/AWSLogs/.../*.json.gz      CloudTrail S3 trail files, one per day
  sample-logs/aws_cloudtrail/cloudwatch-single-record.json
  sample-logs/entra/azure-monitor/<Category>/YYYY-MM.json   Entra tenant A (diagnostic settings)
  sample-logs/entra/graph/{directoryAudits,signIns}-pageN.json  Entra tenant B (Graph API)
  sample-logs/{okta,aws_cloudtrail,entra}/PLANTED.md    what is planted and what analyses must find

Everything is derived from a fixed seed: running it twice gives byte-identical files.
Python 3 standard library only.  Usage:

  python3 tools/sample-logs/gen_okta_aws_entra.py [--out DIR] [--verify-only]

Timeline: 2026-05-01T00:00:00Z .. 2026-10-31T23:59:59Z, as_of = 2026-10-31 (latest event of
every provider/tenant falls on that day).  IP addresses come from the documentation ranges
192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24; AS numbers from 64496-64511.
"""

import argparse
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import sys
import urllib.parse
import uuid

SEED = 20261031
START = dt.date(2026, 5, 1)
END = dt.date(2026, 10, 31)
UTC = dt.timezone.utc
T_MIN = dt.datetime(2026, 5, 1, 0, 0, 0, tzinfo=UTC)
T_MAX = dt.datetime(2026, 10, 31, 23, 59, 59, 999999, tzinfo=UTC)
XSS = "<img src=x onerror=alert(1)>"

ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
UPPER32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
LOWERNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
HEX = "0123456789abcdef"


# --------------------------------------------------------------------------------------
# deterministic helpers
# --------------------------------------------------------------------------------------

# Graph directoryAudits and Okta events carry no tenant: keep them in tenant= folders.
OKTA_DIR = "okta/tenant=acme.okta.com"
GRAPH_DIR = "graph/tenantId=9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"

def _digest(*parts):
    return hashlib.sha256(("|".join(str(p) for p in (SEED,) + parts)).encode()).digest()


def det_uuid(*parts):
    return str(uuid.UUID(bytes=_digest(*parts)[:16], version=4))


def det_str(alphabet, n, *parts):
    out, i = [], 0
    while len(out) < n:
        for b in _digest(i, *parts):
            out.append(alphabet[b % len(alphabet)])
            if len(out) == n:
                break
        i += 1
    return "".join(out)


class Seq:
    """Counter-based stable ids for one namespace."""

    def __init__(self, ns):
        self.ns, self.n = ns, 0

    def uuid(self):
        self.n += 1
        return det_uuid(self.ns, "uuid", self.n)

    def s(self, alphabet, n):
        self.n += 1
        return det_str(alphabet, n, self.ns, "str", self.n)


def days():
    d = START
    while d <= END:
        yield d
        d += dt.timedelta(days=1)


def D(s):
    return dt.date.fromisoformat(s)


def T(day, hms):
    """A fixed planted time on a day; the sub-second part is derived from the inputs."""
    if isinstance(day, str):
        day = D(day)
    h, m, s = (int(x) for x in hms.split(":"))
    micro = int.from_bytes(_digest("T", day, hms)[:4], "big") % 1000000
    return dt.datetime(day.year, day.month, day.day, h, m, s, micro, tzinfo=UTC)


def rtime(rng, day, lo=7, hi=19):
    sec = rng.randrange(lo * 3600, hi * 3600)
    return dt.datetime(day.year, day.month, day.day, tzinfo=UTC) + dt.timedelta(
        seconds=sec, microseconds=rng.randrange(1000000))


def schedule(first, last, step, skip=()):
    """Dates from first to last inclusive every `step` days; `last` is always included."""
    first, last = D(first) if isinstance(first, str) else first, D(last) if isinstance(last, str) else last
    out, d = [], first
    while d < last:
        if d not in skip:
            out.append(d)
        d += dt.timedelta(days=step)
    out.append(last)
    return out


def iso_ms(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def iso_s(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_7(t, z=True):
    frac = "%06d%d" % (t.microsecond, t.microsecond % 7)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + frac + ("Z" if z else "+00:00")


def aws_date(t):
    # format CloudTrail uses inside IAM responseElements, e.g. "Jul 30, 2024 9:53:13 PM"
    return "%s %d, %d %d:%02d:%02d %s" % (t.strftime("%b"), t.day, t.year, (t.hour % 12) or 12,
                                          t.minute, t.second, "AM" if t.hour < 12 else "PM")


def aws_exp(t):
    # format of sts credentials.expiration, e.g. "Jun 1, 2026, 10:15:00 PM"
    return "%s %d, %d, %d:%02d:%02d %s" % (t.strftime("%b"), t.day, t.year, (t.hour % 12) or 12,
                                           t.minute, t.second, "AM" if t.hour < 12 else "PM")


def dumps_lines(arr):
    """A JSON array written one element per line (valid JSON, compact, diffable)."""
    if not arr:
        return "[]\n"
    return "[\n" + ",\n".join(json.dumps(x, ensure_ascii=False, separators=(",", ":")) for x in arr) + "\n]"


def dumps_obj_with_array(head, key, arr):
    """{"head...": ..., key: [ one element per line ]}"""
    parts = [json.dumps(k) + ":" + json.dumps(v, ensure_ascii=False) for k, v in head]
    inner = dumps_lines(arr)
    parts.append(json.dumps(key) + ":" + inner)
    return "{" + ",\n".join(parts) + "}\n"


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_gz(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as g:
        g.write(data)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def md_table(headers, rows):
    def esc(x):
        return str(x).replace("|", "\\|").replace("\n", " ")
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for r in rows:
        out.append("| " + " | ".join(esc(c) for c in r) + " |")
    return "\n".join(out)


# shared location data (documentation IP ranges; real cities)
GEO = {
    "sf": ("San Francisco", "California", "United States", "US", "94105", 37.7898, -122.3942),
    "austin": ("Austin", "Texas", "United States", "US", "78701", 30.2711, -97.7437),
    "nyc": ("New York", "New York", "United States", "US", "10001", 40.7506, -73.9972),
    "chicago": ("Chicago", "Illinois", "United States", "US", "60601", 41.8857, -87.6225),
    "seattle": ("Seattle", "Washington", "United States", "US", "98101", 47.6101, -122.3344),
    "toronto": ("Toronto", "Ontario", "Canada", "CA", "M5H", 43.6511, -79.3839),
    "london": ("London", "England", "United Kingdom", "GB", "EC2A", 51.5226, -0.0817),
    "berlin": ("Berlin", "Land Berlin", "Germany", "DE", "10115", 52.5321, 13.3849),
    "dublin": ("Dublin", "Leinster", "Ireland", "IE", "D02", 53.3438, -6.2546),
    "ashburn": ("Ashburn", "Virginia", "United States", "US", "20147", 39.0437, -77.4875),
    "amsterdam": ("Amsterdam", "North Holland", "Netherlands", "NL", "1012", 52.3740, 4.8897),
}

UA = {
    "mac_chrome": ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
                   "Chrome/128.0.6613.120 Safari/537.36", "Mac OS X", "CHROME", "Chrome 128.0.6613"),
    "win_edge": ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                 "Chrome/129.0.0.0 Safari/537.36 Edg/129.0.2792.65", "Windows 10", "EDGE", "Edge 129.0.2792"),
    "win_chrome": ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                   "Chrome/128.0.6613.138 Safari/537.36", "Windows 10", "CHROME", "Chrome 128.0.6613"),
    "mac_safari": ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                   "Version/17.6 Safari/605.1.15", "Mac OS X", "SAFARI", "Safari 17.6"),
    "mac_firefox": ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:130.0) Gecko/20100101 Firefox/130.0",
                    "Mac OS X", "FIREFOX", "Firefox 130.0"),
    "linux_firefox": ("Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0",
                      "Linux", "FIREFOX", "Firefox 131.0"),
    "iphone": ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
               "Version/17.6 Mobile/15E148 Safari/604.1", "iOS", "MOBILE SAFARI", "Mobile Safari 17.6"),
}

ATTACK_IPS = ["203.0.113.45", "203.0.113.77", "203.0.113.129", "203.0.113.201"]


# ======================================================================================
# Okta System Log — org acme.okta.com
# ======================================================================================

OKTA_ORG = "acme.okta.com"
OKTA_DROP_WEEK = (D("2026-09-14"), D("2026-09-20"))


def okta_id(prefix, name):
    return prefix + det_str(ALNUM, 14, "okta-id", prefix, name) + "1h7"


class OktaUser:
    def __init__(self, key, first, last, ip, geo, ua, display=None, login=None):
        self.key = key
        self.id = okta_id("00u", key)
        self.login = login or "%s.%s@acme.com" % (first.lower(), last.lower())
        self.name = display if display is not None else "%s %s" % (first, last)
        self.ip, self.geo, self.ua = ip, geo, ua


OKTA_USERS = [
    OktaUser("dana", "Dana", "Whitfield", "198.51.100.10", "sf", "mac_chrome"),
    OktaUser("priya", "Priya", "Raman", "198.51.100.11", "sf", "mac_chrome"),
    OktaUser("marcus", "Marcus", "Oyelaran", "198.51.100.12", "nyc", "win_edge"),
    OktaUser("tom", "Tom", "Becker", "198.51.100.13", "chicago", "win_chrome"),
    OktaUser("lena", "Lena", "Fischer", "198.51.100.14", "berlin", "mac_firefox"),
    OktaUser("kenji", "Kenji", "Watanabe", "198.51.100.15", "seattle", "mac_chrome"),
    OktaUser("sofia", "Sofia", "Marchetti", "198.51.100.16", "nyc", "mac_safari"),
    OktaUser("ravi", "Ravi", "Kulkarni", "198.51.100.17", "austin", "win_edge"),
    OktaUser("ayesha", "Ayesha", "Khan", "198.51.100.18", "toronto", "mac_chrome"),
    OktaUser("jordan", "Jordan", "Lee", "198.51.100.19", "sf", "mac_safari"),
    OktaUser("maria", "Maria", "Gonzalez", "198.51.100.20", "austin", "win_chrome"),
    OktaUser("wei", "Wei", "Li", "198.51.100.21", "seattle", "linux_firefox"),
    OktaUser("noah", "Noah", "Smith", "198.51.100.22", "chicago", "win_edge"),
    OktaUser("olivia", "Olivia", "Brown", "198.51.100.23", "nyc", "iphone"),
    OktaUser("ethan", "Ethan", "Clark", "198.51.100.24", "london", "mac_chrome"),
    OktaUser("qa", "QA", "Contractor", "198.51.100.25", "toronto", "win_chrome",
             display=XSS, login="qa.contractor@acme.com"),
    OktaUser("harper", "Harper", "Jones", "198.51.100.26", "austin", "mac_chrome"),   # joiner 2026-06-15
    OktaUser("mateo", "Mateo", "Silva", "198.51.100.27", "nyc", "win_chrome"),        # joiner 2026-10-12
    OktaUser("svc_tf", "Terraform", "Service", "192.0.2.40", "ashburn", "mac_chrome",
             display="Terraform Service Account", login="svc-terraform@acme.com"),
]
OU = {u.key: u for u in OKTA_USERS}
OKTA_JOIN = {"harper": D("2026-06-15"), "mateo": D("2026-10-12")}
OKTA_LEAVE = {"noah": D("2026-08-28")}
OKTA_SIGNIN_POOL = [k for k in OU if k not in ("svc_tf",)]

# OAuth service apps (client_credentials) = machine identities
OKTA_APPS = {
    "reporting_etl": ("Reporting ETL", okta_id("0oa", "reporting_etl")),
    "servicenow": ("ServiceNow Provisioner", okta_id("0oa", "servicenow")),
    "legacy_hr": ("Legacy HR Sync", okta_id("0oa", "legacy_hr")),
    "backup_exporter": ("Backup Exporter", okta_id("0oa", "backup_exporter")),
    "vendor_risk": ("Vendor Risk Connector", okta_id("0oa", "vendor_risk")),
    "badge_bridge": ("Badge System Bridge", okta_id("0oa", "badge_bridge")),
}
# SSO apps (AppInstance targets of user.authentication.sso)
OKTA_SSO_APPS = [("Salesforce.com", okta_id("0oa", "sso_salesforce")),
                 ("Slack", okta_id("0oa", "sso_slack")),
                 ("Google Workspace", okta_id("0oa", "sso_gws")),
                 ("Atlassian Cloud", okta_id("0oa", "sso_atlassian")),
                 ("AWS IAM Identity Center", okta_id("0oa", "sso_aws"))]
# API tokens (credentials, "00T...")
OKTA_TOKENS = {
    "tf_prod": ("terraform-prod", okta_id("00T", "tf_prod"), "svc_tf"),
    "tf_staging": ("terraform-staging", okta_id("00T", "tf_staging"), "svc_tf"),
    "siem": ("siem-log-pull", okta_id("00T", "siem"), "priya"),
    "jira": ("jira-user-sync", okta_id("00T", "jira"), "kenji"),
}
OKTA_AUTHZ_SERVER = ("Data Platform API", "aus" + det_str(ALNUM, 14, "aus") + "1h7")
OKTA_SYSTEM = {"id": okta_id("0oa", "system-principal"), "type": "SystemPrincipal",
               "alternateId": "system@okta.com", "displayName": "Okta System", "detailEntry": None}
OKTA_GROUPS = [("Engineering", okta_id("00g", "eng")), ("Finance", okta_id("00g", "fin")),
               ("Sales", okta_id("00g", "sales")), ("Contractors", okta_id("00g", "contractors")),
               ("All Employees", okta_id("00g", "all"))]
OKTA_POLICIES = {
    "contractor": ("Contractor Sign-On Policy", okta_id("00p", "contractor"), "OKTA_SIGN_ON"),
    "default_pw": ("Default Password Policy", okta_id("00p", "default_pw"), "PASSWORD"),
    "mfa_enroll": ("MFA Enrollment Policy", okta_id("00p", "mfa_enroll"), "MFA_ENROLL"),
    "legacy_vpn": ("Legacy VPN Policy", okta_id("00p", "legacy_vpn"), "OKTA_SIGN_ON"),
    "vendor": ("Vendor Access Policy", okta_id("00p", "vendor"), "ACCESS_POLICY"),
}


class OktaGen:
    def __init__(self):
        self.rng = random.Random("%d:okta" % SEED)
        self.seq = Seq("okta")
        self.events = []
        self.sessions = {}

    # ---- pieces -------------------------------------------------------------------
    def geo(self, key):
        city, state, country, _cc, postal, lat, lon = GEO[key]
        return {"city": city, "state": state, "country": country, "postalCode": postal,
                "geolocation": {"lat": lat, "lon": lon}}

    def client_user(self, u, ip=None, geo=None):
        raw, os_, br, _ = UA[u.ua]
        g = self.geo(geo or u.geo)
        return {"userAgent": {"rawUserAgent": raw, "os": os_, "browser": br}, "zone": "null",
                "device": "Mobile" if u.ua == "iphone" else "Computer", "id": None,
                "ipAddress": ip or u.ip, "geographicalContext": g}

    def client_machine(self, ua, ip, geo="ashburn"):
        return {"userAgent": {"rawUserAgent": ua, "os": "Unknown", "browser": "UNKNOWN"}, "zone": "null",
                "device": "Unknown", "id": None, "ipAddress": ip, "geographicalContext": self.geo(geo)}

    def actor_user(self, u):
        return {"id": u.id, "type": "User", "alternateId": u.login, "displayName": u.name, "detailEntry": None}

    def actor_app(self, key):
        name, cid = OKTA_APPS[key]
        return {"id": cid, "type": "PublicClientApp", "alternateId": cid, "displayName": name, "detailEntry": None}

    def t_user(self, u):
        return {"id": u.id, "type": "User", "alternateId": u.login, "displayName": u.name, "detailEntry": None}

    def sid(self, u, day):
        k = (u.key, day)
        if k not in self.sessions:
            self.sessions[k] = "102" + self.seq.s(ALNUM, 22)
        return self.sessions[k]

    def emit(self, t, event_type, legacy, msg, actor, client, targets=None, outcome="SUCCESS", reason=None,
             debug=None, txn_detail=None, severity=None, session="unknown", auth_step=0):
        reqid = self.seq.s(ALNUM, 27)
        debug = dict(debug or {})
        debug.setdefault("requestId", reqid)
        ip = client["ipAddress"]
        ev = {
            "actor": actor,
            "client": client,
            "device": None,
            "authenticationContext": {"authenticationProvider": None, "credentialProvider": None,
                                      "credentialType": None, "issuer": None, "interface": None,
                                      "authenticationStep": auth_step, "rootSessionId": session,
                                      "externalSessionId": session},
            "displayMessage": msg,
            "eventType": event_type,
            "outcome": {"result": outcome, "reason": reason},
            "published": iso_ms(t),
            "securityContext": {"asNumber": 64500 + (sum(map(int, ip.split("."))) % 11),
                                "asOrg": "example networks", "isp": "example networks",
                                "domain": "example.net", "isProxy": False},
            "severity": severity or ("WARN" if outcome in ("FAILURE", "DENY") else "INFO"),
            "debugContext": {"debugData": debug},
            "legacyEventType": legacy,
            "transaction": {"type": "WEB", "id": reqid, "detail": txn_detail or {}},
            "uuid": self.seq.uuid(),
            "version": "0",
            "request": {"ipChain": [{"ip": ip, "geographicalContext": client.get("geographicalContext"),
                                     "version": "V4", "source": None}]},
            "target": targets if targets is not None else [],
        }
        self.events.append((t, ev))
        return ev

    # ---- event kinds ----------------------------------------------------------------
    def login(self, t, u, ok=True, ip=None, geo=None, reason="INVALID_CREDENTIALS"):
        client = self.client_user(u, ip, geo)
        if ok:
            sess = self.sid(u, t.date())
            self.emit(t, "user.session.start", "core.user_auth.login_success", "User login to Okta",
                      self.actor_user(u), client, debug={"requestUri": "/idp/idx/authenticators/poll",
                                                         "url": "/idp/idx/authenticators/poll?",
                                                         "threatSuspected": "false"},
                      session=sess)
        else:
            self.emit(t, "user.session.start", "core.user_auth.login_failed", "User login to Okta",
                      {"id": u.id, "type": "User", "alternateId": u.login, "displayName": u.name,
                       "detailEntry": None}, client, outcome="FAILURE", reason=reason,
                      debug={"requestUri": "/idp/idx/identify", "url": "/idp/idx/identify?",
                             "loginResult": reason, "threatSuspected": "false"})

    def mfa(self, t, u):
        self.emit(t, "user.authentication.auth_via_mfa", "core.user.factor.attempt_success",
                  "Authentication of user via MFA", self.actor_user(u), self.client_user(u),
                  targets=[{"id": okta_id("opf", u.key), "type": "AuthenticatorEnrollment",
                            "alternateId": "unknown", "displayName": "Okta Verify", "detailEntry": None}],
                  debug={"factor": "OKTA_VERIFY_PUSH", "requestUri": "/idp/idx/challenge/answer"},
                  session=self.sid(u, t.date()), auth_step=1)

    def sso(self, t, u):
        name, aid = self.rng.choice(OKTA_SSO_APPS)
        self.emit(t, "user.authentication.sso", "app.auth.sso", "User single sign on to app",
                  self.actor_user(u), self.client_user(u),
                  targets=[{"id": aid, "type": "AppInstance", "alternateId": name, "displayName": name,
                            "detailEntry": {"signOnModeType": "SAML_2_0"}},
                           {"id": okta_id("0ua", u.key + name), "type": "AppUser", "alternateId": u.login,
                            "displayName": u.name, "detailEntry": None}],
                  debug={"requestUri": "/app/%s/sso/saml" % aid, "initiationType": "IDP_INITIATED"},
                  session=self.sid(u, t.date()))

    def sign_on_policy(self, t, u):
        self.emit(t, "policy.evaluate_sign_on", None, "Evaluation of sign-on policy",
                  self.actor_user(u), self.client_user(u), outcome="ALLOW", reason="Sign-on policy evaluation resulted in ALLOW",
                  targets=[{"id": okta_id("00p", "global-session"), "type": "PolicyEntity", "alternateId": "unknown",
                            "displayName": "Default Policy", "detailEntry": {"policyType": "OKTA_SIGN_ON"}},
                           {"id": okta_id("0pr", "global-session-rule"), "type": "PolicyRule",
                            "alternateId": okta_id("0pr", "global-session-rule"),
                            "displayName": "Default Rule", "detailEntry": None}],
                  debug={"behaviors": "{New Geo-Location=NEGATIVE, New Device=NEGATIVE, New IP=NEGATIVE}",
                         "requestUri": "/idp/idx/identify"},
                  session=self.sid(u, t.date()))

    def app_grant(self, t, key, scope="reports.read"):
        name, cid = OKTA_APPS[key]
        org_as = key == "servicenow"
        et = "app.oauth2.token.grant.access_token" if org_as else "app.oauth2.as.token.grant.access_token"
        uri = "/oauth2/v1/token" if org_as else "/oauth2/%s/v1/token" % OKTA_AUTHZ_SERVER[1]
        ua, ip = {
            "reporting_etl": ("python-requests/2.32.3", "192.0.2.51"),
            "servicenow": ("ServiceNow/1.0 (Okta Spoke)", "192.0.2.61"),
            "legacy_hr": ("Java/1.8.0_401", "192.0.2.71"),
            "badge_bridge": ("Apache-HttpClient/4.5.14 (Java/17.0.12)", "192.0.2.81"),
        }[key]
        exp = t + dt.timedelta(hours=1)
        self.emit(t, et, None, "OAuth2 access token is granted", self.actor_app(key),
                  self.client_machine(ua, ip),
                  targets=[{"id": "AT." + self.seq.s(ALNUM, 40), "type": "access_token", "alternateId": None,
                            "displayName": "Access Token",
                            "detailEntry": {"expires": iso_s(exp), "subject": cid, "hash": self.seq.s(ALNUM, 22)}}],
                  debug={"grantType": "client_credentials", "requestedScopes": scope, "grantedScopes": scope,
                         "clientAuthType": "client_secret_basic" if key != "servicenow" else "private_key_jwt",
                         "requestUri": uri, "url": uri + "?", "threatSuspected": "false"})

    def token_call(self, t, tok_key, kind):
        tname, tid, owner_key = OKTA_TOKENS[tok_key]
        owner = OU[owner_key]
        if owner_key == "svc_tf":
            client = self.client_machine("okta-sdk-golang/2.20.0 golang/go1.22.5 linux/amd64 terraform/1.9.5",
                                         "192.0.2.40")
        else:
            client = self.client_machine("okta-sdk-python/2.9.8 python/3.11.9 Linux/6.1.0", "192.0.2.45")
        detail = {"requestApiTokenId": tid}
        grp = self.rng.choice(OKTA_GROUPS)
        target_user = OU[self.rng.choice(["jordan", "maria", "wei", "olivia", "ethan"])]
        if kind == "group_add":
            self.emit(t, "group.user_membership.add", "core.user_group_member.user_add",
                      "Add user to group membership", self.actor_user(owner), client,
                      targets=[self.t_user(target_user),
                               {"id": grp[1], "type": "UserGroup", "alternateId": "unknown",
                                "displayName": grp[0], "detailEntry": None}],
                      debug={"requestUri": "/api/v1/groups/%s/users/%s" % (grp[1], target_user.id)},
                      txn_detail=detail)
        elif kind == "app_assign":
            app = self.rng.choice(OKTA_SSO_APPS)
            self.emit(t, "application.user_membership.add", "app.generic.provision.assign_user_to_app",
                      "Add user to application membership", self.actor_user(owner), client,
                      targets=[{"id": okta_id("0ua", target_user.key + app[0]), "type": "AppUser",
                                "alternateId": target_user.login, "displayName": target_user.name,
                                "detailEntry": None},
                               {"id": app[1], "type": "AppInstance", "alternateId": app[0],
                                "displayName": app[0], "detailEntry": None},
                               self.t_user(target_user)],
                      debug={"requestUri": "/api/v1/apps/%s/users" % app[1]}, txn_detail=detail)
        else:  # profile update
            self.emit(t, "user.account.update_profile", "core.user.config.profile_update.success",
                      "Update user profile for Okta", self.actor_user(owner), client,
                      targets=[self.t_user(target_user)],
                      debug={"requestUri": "/api/v1/users/%s" % target_user.id,
                             "changedAttributes": "department,costCenter"}, txn_detail=detail)

    def admin_client(self, u):
        return self.client_user(u)

    def privilege(self, t, actor_key, target_key, role, revoke=False):
        a, tg = OU[actor_key], OU[target_key]
        if revoke:
            self.emit(t, "user.account.privilege.revoke", "core.user.admin_privilege.revoked",
                      "Revoke user privilege", self.actor_user(a), self.admin_client(a),
                      targets=[self.t_user(tg)],
                      debug={"privilegeRevoked": role,
                             "requestUri": "/api/internal/administrators/%s" % tg.id,
                             "url": "/api/internal/administrators/%s" % tg.id, "threatSuspected": "false"},
                      session=self.sid(a, t.date()))
        else:
            self.emit(t, "user.account.privilege.grant", "core.user.admin_privilege.granted",
                      "Grant user privilege", self.actor_user(a), self.admin_client(a),
                      targets=[self.t_user(tg)],
                      debug={"privilegeGranted": role,
                             "requestUri": "/api/internal/administrators/%s" % tg.id,
                             "url": "/api/internal/administrators/%s" % tg.id, "threatSuspected": "false"},
                      session=self.sid(a, t.date()))

    def client_privilege(self, t, actor_key, app_key, role):
        a = OU[actor_key]
        name, cid = OKTA_APPS[app_key]
        self.emit(t, "app.oauth2.client.privilege.grant", None, "Grant client privilege",
                  self.actor_user(a), self.admin_client(a),
                  targets=[{"id": cid, "type": "PublicClientApp", "alternateId": cid, "displayName": name,
                            "detailEntry": None}],
                  debug={"privilegeGranted": role,
                         "requestUri": "/oauth2/v1/clients/%s/roles" % cid,
                         "url": "/oauth2/v1/clients/%s/roles" % cid},
                  session=self.sid(a, t.date()))

    def client_lifecycle(self, t, actor_key, app_key, action):
        a = OU[actor_key]
        name, cid = OKTA_APPS[app_key]
        msg = {"create": "Create OAuth client", "deactivate": "Deactivate OAuth client"}[action]
        self.emit(t, "app.oauth2.client.lifecycle." + action, None, msg, self.actor_user(a), self.admin_client(a),
                  targets=[{"id": cid, "type": "PublicClientApp", "alternateId": cid, "displayName": name,
                            "detailEntry": {"applicationType": "service",
                                            "grantTypes": "client_credentials"}}],
                  debug={"requestUri": "/api/v1/apps" + ("" if action == "create" else
                                                          "/%s/lifecycle/deactivate" % cid)},
                  session=self.sid(a, t.date()))

    def token_lifecycle(self, t, actor_key, tok_key, action):
        a = OU[actor_key]
        tname, tid, _owner = OKTA_TOKENS[tok_key]
        legacy = {"create": "api.token.create", "revoke": "api.token.revoke"}[action]
        msg = {"create": "Create API token", "revoke": "Revoke API token"}[action]
        self.emit(t, "system.api_token." + action, legacy, msg, self.actor_user(a), self.admin_client(a),
                  targets=[{"id": tid, "type": "Token", "alternateId": "unknown", "displayName": tname,
                            "detailEntry": None}],
                  debug={"requestUri": "/api/internal/tokens" + ("" if action == "create" else "/" + tid)},
                  session=self.sid(a, t.date()))

    def policy(self, t, actor_key, pkey, action, rule=None):
        a = OU[actor_key]
        pname, pid, ptype = OKTA_POLICIES[pkey]
        pol_t = {"id": pid, "type": "PolicyEntity", "alternateId": "unknown", "displayName": pname,
                 "detailEntry": {"policyType": ptype}}
        if action in ("rule.add", "rule.update"):
            rid = okta_id("0pr", pkey + (rule or ""))
            msg = {"rule.add": "Add policy rule", "rule.update": "Update policy rule"}[action]
            targets = [{"id": rid, "type": "PolicyRule", "alternateId": rid, "displayName": rule,
                        "detailEntry": {"policyRuleFactorMode": "2FA"}}, pol_t]
            uri = "/api/v1/policies/%s/rules" % pid
        else:
            msg = {"lifecycle.create": "Create policy", "lifecycle.update": "Update policy",
                   "lifecycle.delete": "Delete policy"}[action]
            targets = [pol_t]
            uri = "/api/v1/policies" + ("" if action == "lifecycle.create" else "/" + pid)
        self.emit(t, "policy." + action, None, msg, self.actor_user(a), self.admin_client(a),
                  targets=targets, debug={"requestUri": uri}, session=self.sid(a, t.date()))

    def user_lifecycle(self, t, actor_key, target_key, action):
        a, tg = OU[actor_key], OU[target_key]
        legacy, msg = {"create": ("core.user.config.user_creation.success", "Create Okta user"),
                       "activate": ("core.user.config.user_activated", "Activate Okta user"),
                       "deactivate": ("core.user.config.user_deactivated", "Deactivate Okta user")}[action]
        self.emit(t, "user.lifecycle." + action, legacy, msg, self.actor_user(a), self.admin_client(a),
                  targets=[self.t_user(tg)], debug={"requestUri": "/api/v1/users" +
                                                    ("" if action == "create" else "/%s/lifecycle/%s" % (tg.id, action))},
                  session=self.sid(a, t.date()))

    def app_update(self, t, actor_key, app_name):
        a = OU[actor_key]
        aid = dict(OKTA_SSO_APPS)[app_name]
        self.emit(t, "application.lifecycle.update", "app.generic.config.app_updated", "Update application",
                  self.actor_user(a), self.admin_client(a),
                  targets=[{"id": aid, "type": "AppInstance", "alternateId": app_name, "displayName": app_name,
                            "detailEntry": {"signOnModeType": "SAML_2_0"}}],
                  debug={"requestUri": "/api/v1/apps/%s" % aid}, session=self.sid(a, t.date()))

    def system_group_rule(self, t):
        u = OU[self.rng.choice(["jordan", "maria", "wei", "olivia", "ethan", "priya"])]
        grp = OKTA_GROUPS[4]
        self.emit(t, "group.user_membership.add", "core.user_group_member.user_add",
                  "Add user to group membership", OKTA_SYSTEM,
                  self.client_machine("Okta-Integrations", "192.0.2.10"),
                  targets=[self.t_user(u), {"id": grp[1], "type": "UserGroup", "alternateId": "unknown",
                                            "displayName": grp[0], "detailEntry": None}],
                  debug={"triggeredByGroupRuleId": okta_id("0pr", "group-rule-all")})

    # ---- timeline -------------------------------------------------------------------
    def build(self):
        rng = self.rng
        drop = set(d for d in days() if OKTA_DROP_WEEK[0] <= d <= OKTA_DROP_WEEK[1])
        self.drop_days = drop

        # planted machine-identity / credential usage ------------------------------
        self.usage = {}
        plan = {
            ("app", "reporting_etl"): schedule("2026-05-01", "2026-10-31", 2, drop),
            ("app", "servicenow"): schedule("2026-05-02", "2026-10-29", 3, drop),
            ("app", "legacy_hr"): schedule("2026-05-06", "2026-06-20", 3),
            ("app", "badge_bridge"): schedule("2026-05-01", "2026-06-01", 3),
            ("tok", "tf_prod"): schedule("2026-05-01", "2026-10-30", 3, drop),
            ("tok", "tf_staging"): schedule("2026-05-07", "2026-06-10", 4),
            ("tok", "jira"): schedule("2026-05-02", "2026-06-01", 5),
        }
        fixed_last = {("app", "reporting_etl"): "18:04:11", ("app", "servicenow"): "02:15:09",
                      ("app", "legacy_hr"): "11:02:37", ("app", "badge_bridge"): "06:30:12",
                      ("tok", "tf_prod"): "16:41:05", ("tok", "tf_staging"): "14:22:48",
                      ("tok", "jira"): "03:10:55"}
        for (kind, key), dates in plan.items():
            for i, d in enumerate(dates):
                t = T(d, fixed_last[(kind, key)]) if i == len(dates) - 1 else rtime(rng, d, 0, 23)
                if kind == "app":
                    self.app_grant(t, key, "okta.users.manage okta.groups.manage" if key == "servicenow"
                                   else ("hr.read hr.write" if key == "legacy_hr" else
                                         ("badges.sync" if key == "badge_bridge" else "reports.read")))
                else:
                    self.token_call(t, key, rng.choice(["group_add", "app_assign", "profile"]))
                self.usage.setdefault((kind, key), []).append(t)

        # planted admin / lifecycle / policy events --------------------------------
        P = []
        P.append(lambda: self.client_lifecycle(T("2026-05-05", "09:14:22"), "dana", "legacy_hr", "create"))
        P.append(lambda: self.token_lifecycle(T("2026-05-06", "15:30:41"), "svc_tf", "tf_staging", "create"))
        P.append(lambda: self.token_lifecycle(T("2026-05-08", "10:20:03"), "priya", "siem", "create"))
        P.append(lambda: self.client_lifecycle(T("2026-05-10", "13:45:50"), "dana", "backup_exporter", "create"))
        P.append(lambda: self.privilege(T("2026-05-12", "16:02:19"), "dana", "priya", "Super administrator"))
        P.append(lambda: self.privilege(T("2026-05-15", "10:11:40"), "dana", "sofia", "Application administrator (all)"))
        P.append(lambda: self.policy(T("2026-05-19", "14:03:27"), "priya", "contractor", "lifecycle.create"))
        P.append(lambda: self.policy(T("2026-05-19", "14:05:02"), "priya", "contractor", "rule.add", "Contractors require MFA"))
        P.append(lambda: self.privilege(T("2026-05-20", "09:31:18"), "dana", "marcus", "Super administrator"))
        P.append(lambda: self.privilege(T("2026-05-25", "11:47:36"), "dana", "kenji", "Organization administrator"))
        P.append(lambda: self.privilege(T("2026-06-03", "15:20:44"), "dana", "tom", "Super administrator"))
        P.append(lambda: self.privilege(T("2026-06-10", "10:05:12"), "priya", "lena", "Super administrator"))
        P.append(lambda: self.user_lifecycle(T("2026-06-15", "08:40:05"), "kenji", "harper", "create"))
        P.append(lambda: self.user_lifecycle(T("2026-06-15", "08:40:07"), "kenji", "harper", "activate"))
        P.append(lambda: self.app_update(T("2026-06-18", "13:12:51"), "sofia", "Salesforce.com"))
        P.append(lambda: self.policy(T("2026-06-24", "17:26:09"), "marcus", "contractor", "lifecycle.update"))
        P.append(lambda: self.privilege(T("2026-07-01", "12:00:31"), "priya", "lena", "Super administrator", revoke=True))
        P.append(lambda: self.client_privilege(T("2026-07-08", "10:44:26"), "marcus", "servicenow", "Organization administrator"))
        P.append(lambda: self.privilege(T("2026-07-15", "09:58:03"), "dana", "tom", "Super administrator", revoke=True))
        P.append(lambda: self.policy(T("2026-07-30", "15:37:44"), "marcus", "contractor", "rule.update", "Contractors require MFA"))
        P.append(lambda: self.privilege(T("2026-08-05", "11:16:29"), "priya", "lena", "Super administrator"))
        P.append(lambda: self.app_update(T("2026-08-12", "16:05:33"), "sofia", "Slack"))
        P.append(lambda: self.privilege(T("2026-08-20", "21:48:10"), "kenji", "kenji", "Super administrator"))
        P.append(lambda: self.policy(T("2026-08-24", "10:29:15"), "lena", "default_pw", "lifecycle.update"))
        P.append(lambda: self.user_lifecycle(T("2026-08-28", "17:02:40"), "kenji", "noah", "deactivate"))
        P.append(lambda: self.client_lifecycle(T("2026-09-01", "09:12:08"), "marcus", "badge_bridge", "deactivate"))
        P.append(lambda: self.token_lifecycle(T("2026-09-02", "10:33:47"), "dana", "jira", "revoke"))
        P.append(lambda: self.privilege(T("2026-09-10", "14:51:57"), "sofia", "ravi", "Super administrator"))
        P.append(lambda: self.policy(T("2026-09-24", "11:08:21"), "ravi", "mfa_enroll", "lifecycle.update"))
        P.append(lambda: self.privilege(T("2026-09-28", "15:44:38"), "marcus", "ayesha", "Super administrator"))
        P.append(lambda: self.policy(T("2026-10-06", "09:55:14"), "kenji", "legacy_vpn", "lifecycle.delete"))
        P.append(lambda: self.app_update(T("2026-10-08", "12:31:06"), "sofia", "Atlassian Cloud"))
        P.append(lambda: self.user_lifecycle(T("2026-10-12", "08:15:44"), "ayesha", "mateo", "create"))
        P.append(lambda: self.user_lifecycle(T("2026-10-12", "08:15:46"), "ayesha", "mateo", "activate"))
        P.append(lambda: self.client_lifecycle(T("2026-10-15", "13:27:52"), "priya", "vendor_risk", "create"))
        P.append(lambda: self.policy(T("2026-10-19", "16:48:30"), "ayesha", "vendor", "lifecycle.create"))
        P.append(lambda: self.policy(T("2026-10-19", "16:50:12"), "ayesha", "vendor", "rule.add", "Vendors from managed devices only"))
        for f in P:
            f()

        # background human activity --------------------------------------------------
        for d in days():
            active = [k for k in OKTA_SIGNIN_POOL
                      if (k not in OKTA_JOIN or d > OKTA_JOIN[k]) and (k not in OKTA_LEAVE or d < OKTA_LEAVE[k])]
            if d in drop:
                # sharp volume drop: exactly one event per day this week
                self.login(rtime(rng, d, 8, 17), OU[rng.choice(active)])
                continue
            weekend = d.weekday() >= 5
            n = rng.randint(1, 2) if weekend else rng.randint(3, 4)
            for k in rng.sample(active, n):
                u = OU[k]
                t = rtime(rng, d, 7, 19)
                if rng.random() < 0.1:   # typo first
                    self.login(t - dt.timedelta(seconds=rng.randint(20, 90)), u, ok=False)
                self.login(t, u)
                if rng.random() < 0.3:
                    self.mfa(t + dt.timedelta(seconds=rng.randint(3, 20)), u)
                if rng.random() < 0.4:
                    self.sso(t + dt.timedelta(seconds=rng.randint(30, 600)), u)
                if rng.random() < 0.1:
                    self.sign_on_policy(t + dt.timedelta(seconds=1), u)
            if not weekend and rng.random() < 0.25:   # password-spray style failures from outside
                u = OU[rng.choice(active)]
                self.login(rtime(rng, d, 0, 23), u, ok=False, ip=rng.choice(ATTACK_IPS), geo="amsterdam",
                           reason=rng.choice(["INVALID_CREDENTIALS", "VERIFICATION_ERROR"]))
            if d.weekday() == 0:
                self.system_group_rule(rtime(rng, d, 1, 4))
            if d.day % 9 == 0:   # make sure the XSS-named user shows up regularly
                self.login(rtime(rng, d, 9, 17), OU["qa"])

        self.events.sort(key=lambda x: (x[0], x[1]["uuid"]))
        return [e for _, e in self.events]

    # ---- output -----------------------------------------------------------------------
    def write(self, out):
        evs = self.build()
        # Okta events do not name the org: trailcheck reads it from a tenant= folder.
        folder = os.path.join(out, OKTA_DIR)
        files = []
        for i in range(0, len(evs), 1000):
            path = os.path.join(folder, "system-log-page-%04d.json" % (i // 1000 + 1))
            write_text(path, dumps_lines(evs[i:i + 1000]) + "\n")
            files.append((path, len(evs[i:i + 1000])))
        self.write_planted(folder, evs)
        return files

    def write_planted(self, folder, evs):
        # usage derived from the output itself, so the table matches the data exactly
        tok_by_id = {v[1]: k for k, v in OKTA_TOKENS.items()}
        app_by_id = {v[1]: k for k, v in OKTA_APPS.items()}
        self.usage = {}
        for e in evs:
            tid = (e["transaction"].get("detail") or {}).get("requestApiTokenId")
            if tid in tok_by_id:
                self.usage.setdefault(("tok", tok_by_id[tid]), []).append(e["published"])
            if e["actor"]["type"] == "PublicClientApp" and e["actor"]["id"] in app_by_id:
                self.usage.setdefault(("app", app_by_id[e["actor"]["id"]]), []).append(e["published"])

        def last(kind, key):
            return max(self.usage[(kind, key)])

        def first(kind, key):
            return min(self.usage[(kind, key)])

        drop_count = sum(1 for e in evs if OKTA_DROP_WEEK[0].isoformat() <= e["published"][:10] <= OKTA_DROP_WEEK[1].isoformat())
        wk_before = sum(1 for e in evs if "2026-09-07" <= e["published"][:10] <= "2026-09-13")
        wk_after = sum(1 for e in evs if "2026-09-21" <= e["published"][:10] <= "2026-09-27")
        A = OKTA_APPS
        TK = OKTA_TOKENS
        rows_mi = [
            (A["reporting_etl"][1], "OAuth service app `Reporting ETL` (actor.type PublicClientApp, client_credentials via app.oauth2.as.token.grant.access_token)",
             "created before the window; %d grants %s .. %s" % (len(self.usage[("app", "reporting_etl")]), first("app", "reporting_etl"), last("app", "reporting_etl")),
             "healthy: not flagged"),
            (A["servicenow"][1], "OAuth service app `ServiceNow Provisioner` (org AS, app.oauth2.token.grant.access_token)",
             "created before the window; grants every 3 days to %s; granted `Organization administrator` via app.oauth2.client.privilege.grant by Marcus Oyelaran 2026-07-08" % last("app", "servicenow"),
             "not dormant; `overbroad-delegated-admin` confirmed (machine identity holding an admin role)"),
            (A["legacy_hr"][1], "OAuth service app `Legacy HR Sync`",
             "app.oauth2.client.lifecycle.create 2026-05-05 by Dana Whitfield; grants %s .. %s; nothing after" % (first("app", "legacy_hr"), last("app", "legacy_hr")),
             "`dormant-machine-identity` confirmed (last activity %s, 133 days before as_of)" % last("app", "legacy_hr")[:10]),
            (A["backup_exporter"][1], "OAuth service app `Backup Exporter`",
             "app.oauth2.client.lifecycle.create 2026-05-10 by Dana Whitfield; never used",
             "`dormant-machine-identity` confirmed (never used, created 174 days before as_of)"),
            (A["vendor_risk"][1], "OAuth service app `Vendor Risk Connector`",
             "app.oauth2.client.lifecycle.create 2026-10-15 by Priya Raman; never used",
             "not flagged (grace period: created 16 days before as_of)"),
            (A["badge_bridge"][1], "OAuth service app `Badge System Bridge`",
             "created before the window; grants to %s; app.oauth2.client.lifecycle.deactivate 2026-09-01 by Marcus Oyelaran" % last("app", "badge_bridge"),
             "not flagged (deactivated)"),
            (OKTA_SYSTEM["id"], "`Okta System` (actor.type SystemPrincipal, system@okta.com): group-rule memberships every Monday",
             "weekly, last on the last Monday (2026-10-26)", "healthy: not flagged"),
        ]
        rows_cred = [
            (TK["tf_prod"][1], "API token `terraform-prod` of user svc-terraform@acme.com (%s); key A" % OU["svc_tf"].id,
             "created before the window; used (transaction.detail.requestApiTokenId) every 3 days %s .. %s" % (first("tok", "tf_prod"), last("tok", "tf_prod")),
             "healthy: not flagged"),
            (TK["tf_staging"][1], "API token `terraform-staging` of the same user svc-terraform@acme.com; key B",
             "system.api_token.create 2026-05-06 (actor svc-terraform@acme.com); used %s .. %s; never revoked" % (first("tok", "tf_staging"), last("tok", "tf_staging")),
             "`dormant-credential` confirmed (last used %s); the owner svc-terraform@acme.com stays active through key A" % last("tok", "tf_staging")[:10]),
            (TK["siem"][1], "API token `siem-log-pull`, created by Priya Raman",
             "system.api_token.create 2026-05-08; never used; never revoked",
             "`dormant-credential` confirmed (never used, created 176 days before as_of)"),
            (TK["jira"][1], "API token `jira-user-sync` of Kenji Watanabe",
             "created before the window; used %s .. %s; system.api_token.revoke 2026-09-02 by Dana Whitfield" % (first("tok", "jira"), last("tok", "jira")),
             "not flagged (revoked)"),
        ]
        uid = lambda k: OU[k].id
        rows_admin = [
            (uid("dana"), "Dana Whitfield", "acts as Super administrator (grants others); her own grant predates the window, no grant event", "not a holder in the evidence; not flagged"),
            (uid("priya"), "Priya Raman", "`Super administrator` granted 2026-05-12 by Dana Whitfield (existing super admin); exercised (policy create 05-19, grants, token create)",
             "`overbroad-delegated-admin` confirmed, reasons: privileged role; tenant over max_super_admins (6 > 4)"),
            (uid("marcus"), "Marcus Oyelaran", "`Super administrator` granted 2026-05-20 by Dana Whitfield",
             "`overbroad-delegated-admin` confirmed, reasons: privileged role; tenant over max_super_admins"),
            (uid("tom"), "Tom Becker", "`Super administrator` granted 2026-06-03, revoked 2026-07-15 (user.account.privilege.revoke, debugData.privilegeRevoked)",
             "not flagged (grant revoked)"),
            (uid("lena"), "Lena Fischer", "`Super administrator` granted 2026-06-10 by Priya, revoked 2026-07-01, granted again 2026-08-05 by Priya: holds as of as_of",
             "`overbroad-delegated-admin` confirmed, reasons: privileged role; tenant over max_super_admins"),
            (uid("kenji"), "Kenji Watanabe", "`Organization administrator` granted 2026-05-25 by Dana; then SELF-GRANT of `Super administrator` 2026-08-20 (actor.id == target[0].id)",
             "`overbroad-delegated-admin` confirmed, reasons: privileged role; self-granted; grantor was a delegated (non-super) admin; tenant over max_super_admins"),
            (uid("sofia"), "Sofia Marchetti", "`Application administrator (all)` granted 2026-05-15 by Dana; exercised (application.lifecycle.update 06-18, 08-12, 10-08)",
             "not flagged unless the reference table treats `Application administrator (all)` as privileged (it is a delegated, non-super role)"),
            (uid("ravi"), "Ravi Kulkarni", "`Super administrator` granted 2026-09-10 by Sofia Marchetti (a delegated Application administrator)",
             "`overbroad-delegated-admin` confirmed, reasons: privileged role; grantor was a delegated admin granting a role broader than its own; tenant over max_super_admins"),
            (uid("ayesha"), "Ayesha Khan", "`Super administrator` granted 2026-09-28 by Marcus Oyelaran",
             "`overbroad-delegated-admin` confirmed, reasons: privileged role; tenant over max_super_admins"),
            (A["servicenow"][1], "ServiceNow Provisioner (service app)", "`Organization administrator` via app.oauth2.client.privilege.grant 2026-07-08 by Marcus",
             "`overbroad-delegated-admin` confirmed, reason: machine identity holding an admin role (its only activity is token grants, so `never exercised` may be listed too)"),
        ]
        text = []
        text.append("# Okta sample: what is planted\n")
        text.append("Generated by `tools/sample-logs/gen_okta_aws_entra.py` (seed %d); do not edit by hand.\n" % SEED)
        text.append("- Org / tenant: `%s`; files: `system-log-page-0001.json`, `system-log-page-0002.json` "
                    "(JSON arrays as returned by `GET /api/v1/logs`, ascending by `published`, at most 1000 events a page)." % OKTA_ORG)
        text.append("- Events: %d; first `%s`, last `%s`; as_of = 2026-10-31 (last event)." % (len(evs), evs[0]["published"], evs[-1]["published"]))
        text.append("- Evidence window 184 days (>= 90): dormancy verdicts are `confirmed`.")
        text.append("- The actor.displayName of user `%s` (%s) is `%s` (HTML-escaping test)." % (OU["qa"].login, OU["qa"].id, XSS))
        text.append("- API-token calls carry the token id in `transaction.detail.requestApiTokenId` and the token owner as actor (type User).")
        text.append("- OAuth service apps appear as actor.type `PublicClientApp` with the client id as actor.id; "
                    "token grants have `debugContext.debugData.grantType` = `client_credentials`.\n")
        text.append("## Machine identities\n")
        text.append(md_table(["subject id", "what", "facts", "expected"], rows_mi))
        text.append("\n## Credentials (API tokens)\n")
        text.append(md_table(["subject id", "what", "facts", "expected"], rows_cred))
        text.append("\nNote: an API token is both a credential and (docs/design.md section 4) a machine identity. The "
                    "expected rule above is `dormant-credential`; an implementation that reports API tokens under "
                    "`dormant-machine-identity` instead must document it. The user svc-terraform@acme.com is active "
                    "(key A) and must not be dormant.\n")
        text.append("## Admin roles (`user.account.privilege.grant` / `.revoke`, `debugContext.debugData.privilegeGranted`)\n")
        text.append(md_table(["subject id", "name", "facts", "expected"], rows_admin))
        text.append("\nHolders of `Super administrator` as of 2026-10-31 according to the evidence: 6 distinct users "
                    "(Priya Raman, Marcus Oyelaran, Lena Fischer, Kenji Watanabe, Ravi Kulkarni, Ayesha Khan) "
                    "-> more than the default `max_super_admins` = 4. Tom Becker is not a holder (revoked).\n")
        text.append("## Logging gap\n")
        text.append(md_table(["subject", "facts", "expected"], [
            ("2026-09-14..2026-09-20", "sharp volume drop: %d events that week (one per day, no silent day), against %d the week before and %d the week after" % (drop_count, wk_before, wk_after),
             "`logging-gap` (volume drop) 2026-09-14..2026-09-20"),
        ]))
        text.append("\nNo day of the window is silent.\n")
        text.append("## Policy changes and sign-ins\n")
        text.append("- policy.lifecycle.create 2026-05-19 and 2026-10-19, policy.rule.add 2026-05-19 and 2026-10-19, "
                    "policy.lifecycle.update 2026-06-24, 2026-08-24, 2026-09-24, policy.rule.update 2026-07-30, "
                    "policy.lifecycle.delete 2026-10-06.")
        text.append("- user.session.start SUCCESS and FAILURE (INVALID_CREDENTIALS / VERIFICATION_ERROR, some from 203.0.113.0/24), "
                    "user.authentication.sso, user.authentication.auth_via_mfa, policy.evaluate_sign_on.")
        text.append("- User lifecycle: Harper Jones created+activated 2026-06-15, Mateo Silva 2026-10-12, Noah Smith deactivated 2026-08-28 (no sign-in after).")
        counts = {}
        for e in evs:
            counts[e["eventType"]] = counts.get(e["eventType"], 0) + 1
        text.append("\n## Event counts by eventType\n")
        text.append(md_table(["eventType", "events"], sorted(counts.items())))
        write_text(os.path.join(os.path.dirname(folder), "PLANTED.md"), "\n".join(text) + "\n")

# ======================================================================================
# AWS CloudTrail — account 111122223333, us-east-1
# ======================================================================================

ACCT = "111122223333"
REGION = "us-east-1"
AWS_GAP = (D("2026-08-10"), D("2026-08-18"))
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
IAMFULL_ARN = "arn:aws:iam::aws:policy/IAMFullAccess"


def aws_akia(name):
    return "AKIA" + det_str(UPPER32, 16, "akia", name)


def aws_pid(prefix, name):
    return prefix + det_str(UPPER32, 17, "pid", prefix, name)


AWS_HUMANS = {
    "alice.admin": ("198.51.100.40", "mac_chrome"),
    "bob.nguyen": ("198.51.100.41", "win_edge"),
    "carol.smith": ("198.51.100.42", "mac_safari"),
    "dave.okafor": ("198.51.100.43", "win_chrome"),
    "erin.walsh": ("198.51.100.44", "mac_firefox"),
    "frank.li": ("198.51.100.45", "linux_firefox"),
    "grace.kim": ("198.51.100.46", "mac_chrome"),
}
AWS_KEYS = {
    "K1": ("svc-ci-deployer", aws_akia("svc-ci-deployer-1")),
    "K1B": ("svc-ci-deployer", aws_akia("svc-ci-deployer-2")),
    "K6A": ("svc-data-pipeline", aws_akia("svc-data-pipeline-a")),
    "K6B": ("svc-data-pipeline", aws_akia("svc-data-pipeline-b")),
    "K2": ("svc-legacy-backup", aws_akia("svc-legacy-backup-1")),
    "K5": ("svc-old-etl", aws_akia("svc-old-etl-1")),
}
AWS_ROLES = {
    "lambda-invoice-processor": "lambda.amazonaws.com",
    "cfn-deploy-role": None,
    "legacy-batch-role": "ec2.amazonaws.com",
    "batch-report-runner": "ecs-tasks.amazonaws.com",
    "vendor-audit-collector": "lambda.amazonaws.com",
}
SDK_UA = {
    "svc-ci-deployer": "aws-cli/2.17.41 md/awscrt#0.21.2 ua/2.0 os/linux#6.5.0-1025-azure md/arch#x86_64 "
                       "lang/python#3.11.9 md/pyimpl#CPython exec-env/GitHub-Actions cfg/retry-mode#standard "
                       "md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#sts.get-caller-identity",
    "svc-data-pipeline": "Boto3/1.35.10 md/Botocore#1.35.10 ua/2.0 os/linux#5.10.224-212.876.amzn2.x86_64 "
                         "md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.10",
    "svc-legacy-backup": "aws-sdk-java/1.12.767 Linux/5.15.0-1068-aws OpenJDK_64-Bit_Server_VM/17.0.12+7 "
                         "java/17.0.12 vendor/Eclipse_Adoptium cfg/retry-mode/standard",
    "svc-old-etl": "Boto3/1.28.57 md/Botocore#1.31.57 ua/2.0 os/linux#5.10.198 md/arch#x86_64 lang/python#3.9.18 "
                   "md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.31.57",
}
SVC_IP = {"svc-ci-deployer": "192.0.2.110", "svc-data-pipeline": "192.0.2.120",
          "svc-legacy-backup": "192.0.2.130", "svc-old-etl": "192.0.2.140"}


def trust_doc(service):
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}, indent=2)


class AwsGen:
    def __init__(self):
        self.rng = random.Random("%d:aws" % SEED)
        self.seq = Seq("aws")
        self.records = []
        self.consoles = {}
        self.usage = {}

    def user_arn(self, name):
        return "arn:aws:iam::%s:user/%s" % (ACCT, name)

    def role_arn(self, name):
        return "arn:aws:iam::%s:role/%s" % (ACCT, name)

    def emit(self, t, source, name, identity, ip, ua, req=None, resp=None, read_only=False,
             event_type="AwsApiCall", extra_data=None, resources=None, error=None, console=False,
             tls=True, request_id=True):
        r = {"eventVersion": "1.09", "userIdentity": identity, "eventTime": iso_s(t),
             "eventSource": source, "eventName": name, "awsRegion": REGION,
             "sourceIPAddress": ip, "userAgent": ua}
        if error:
            if error[0]:
                r["errorCode"] = error[0]
            r["errorMessage"] = error[1]
        r["requestParameters"] = req
        r["responseElements"] = resp
        if extra_data is not None:
            r["additionalEventData"] = extra_data
        if request_id:
            r["requestID"] = self.seq.uuid()
        r["eventID"] = self.seq.uuid()
        r["readOnly"] = read_only
        if resources:
            r["resources"] = resources
        r["eventType"] = event_type
        r["managementEvent"] = True
        r["recipientAccountId"] = ACCT
        r["eventCategory"] = "Management"
        if tls:
            host = source if source != "s3.amazonaws.com" else "s3.amazonaws.com"
            if source.startswith("ec2.") or source.startswith("ssm.") or source.startswith("secretsmanager.") \
                    or source.startswith("glue.") or source.startswith("cloudformation.") or source.startswith("ecr."):
                host = source.replace(".amazonaws.com", ".%s.amazonaws.com" % REGION)
            r["tlsDetails"] = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256",
                               "clientProvidedHostHeader": host}
        if console:
            r["sessionCredentialFromConsole"] = "true"
        self.records.append((t, r))
        return r

    # ---- identities --------------------------------------------------------------------
    def id_key(self, user, key):
        return {"type": "IAMUser", "principalId": aws_pid("AIDA", user), "arn": self.user_arn(user),
                "accountId": ACCT, "accessKeyId": key, "userName": user}

    def console(self, user, t):
        """ConsoleLogin (once per user and day) and the console session identity."""
        k = (user, t.date())
        if k not in self.consoles:
            lt = t - dt.timedelta(minutes=self.rng.randint(2, 9), seconds=self.rng.randint(0, 59))
            self.login(lt, user, True)
            self.consoles[k] = (lt, "ASIA" + self.seq.s(UPPER32, 16))
        lt, asia = self.consoles[k]
        return {"type": "IAMUser", "principalId": aws_pid("AIDA", user), "arn": self.user_arn(user),
                "accountId": ACCT, "accessKeyId": asia, "userName": user,
                "sessionContext": {"sessionIssuer": {}, "webIdFederationData": {},
                                   "attributes": {"creationDate": iso_s(lt), "mfaAuthenticated": "true"}}}

    def assumed(self, role, session, asia, created, ec2=False):
        ident = {"type": "AssumedRole", "principalId": "%s:%s" % (aws_pid("AROA", role), session),
                 "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCT, role, session), "accountId": ACCT,
                 "accessKeyId": asia,
                 "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": aws_pid("AROA", role),
                                                      "arn": self.role_arn(role), "accountId": ACCT,
                                                      "userName": role},
                                    "webIdFederationData": {},
                                    "attributes": {"creationDate": iso_s(created), "mfaAuthenticated": "false"}}}
        if ec2:
            ident["sessionContext"]["ec2RoleDelivery"] = "2.0"
        return ident

    # ---- event kinds -------------------------------------------------------------------
    def login(self, t, user, ok, ip=None, root=False):
        if root:
            ident = {"type": "Root", "principalId": ACCT, "arn": "arn:aws:iam::%s:root" % ACCT,
                     "accountId": ACCT, "accessKeyId": ""}
            ip, uak = "198.51.100.40", "mac_chrome"
        else:
            hip, uak = AWS_HUMANS[user]
            ident = {"type": "IAMUser", "principalId": aws_pid("AIDA", user), "arn": self.user_arn(user),
                     "accountId": ACCT, "accessKeyId": "", "userName": user}
            ip = ip or hip
        extra = {"LoginTo": "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_"
                            + self.seq.s(HEX, 16),
                 "MobileVersion": "No", "MFAUsed": "Yes" if ok else "No"}
        if ok:
            extra["MFAIdentifier"] = ("arn:aws:iam::%s:mfa/root-account-mfa-device" % ACCT if root
                                      else "arn:aws:iam::%s:mfa/%s" % (ACCT, user))
        self.emit(t, "signin.amazonaws.com", "ConsoleLogin", ident, ip, UA[uak][0],
                  resp={"ConsoleLogin": "Success" if ok else "Failure"}, extra_data=extra,
                  event_type="AwsConsoleSignIn", error=None if ok else (None, "Failed authentication"),
                  tls=False, request_id=False)

    def console_read(self, t, user):
        ident = self.console(user, t)
        ip, _ = AWS_HUMANS[user]
        src, name, req, ua = self.rng.choice([
            ("ec2.amazonaws.com", "DescribeInstances", {"maxResults": 1000, "instancesSet": {}, "filterSet": {}},
             "console.ec2.amazonaws.com"),
            ("iam.amazonaws.com", "ListUsers", {"maxItems": 1000}, "AWS Internal"),
            ("iam.amazonaws.com", "GetAccountSummary", None, "AWS Internal"),
            ("s3.amazonaws.com", "ListBuckets", {"Host": "s3.amazonaws.com"},
             "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.750]"),
            ("cloudtrail.amazonaws.com", "DescribeTrails", {"includeShadowTrails": True}, "AWS Internal"),
            ("ec2.amazonaws.com", "DescribeSecurityGroups", {"securityGroupSet": {}, "filterSet": {}},
             "console.ec2.amazonaws.com"),
        ])
        self.emit(t, src, name, ident, ip, ua, req=req, read_only=True, console=True)

    def iam(self, t, user, name, req, resp=None):
        ident = self.console(user, t)
        ip, _ = AWS_HUMANS[user]
        return self.emit(t, "iam.amazonaws.com", name, ident, ip, "AWS Internal", req=req, resp=resp, console=True)

    def key_use(self, t, kid):
        user, key = AWS_KEYS[kid]
        ident = self.id_key(user, key)
        ip, ua = SVC_IP[user], SDK_UA[user]
        self.usage.setdefault(kid, []).append(t)
        if user == "svc-ci-deployer":
            self.emit(t, "sts.amazonaws.com", "GetCallerIdentity", ident, ip, ua, read_only=True)
            t2 = t + dt.timedelta(seconds=self.rng.randint(1, 5))
            sess = "gha-%d" % int(t2.timestamp())
            asia = "ASIA" + self.seq.s(UPPER32, 16)
            self.emit(t2, "sts.amazonaws.com", "AssumeRole", ident, ip, ua.replace("sts.get-caller-identity", "sts.assume-role"),
                      req={"roleArn": self.role_arn("cfn-deploy-role"), "roleSessionName": sess, "durationSeconds": 3600},
                      resp={"credentials": {"accessKeyId": asia, "sessionToken": "IQoJb3JpZ2luX2VjE" + self.seq.s(ALNUM, 40),
                                            "expiration": aws_exp(t2 + dt.timedelta(hours=1))},
                            "assumedRoleUser": {"assumedRoleId": "%s:%s" % (aws_pid("AROA", "cfn-deploy-role"), sess),
                                                "arn": "arn:aws:sts::%s:assumed-role/cfn-deploy-role/%s" % (ACCT, sess)}},
                      read_only=True, resources=[{"accountId": ACCT, "type": "AWS::IAM::Role",
                                                  "ARN": self.role_arn("cfn-deploy-role")}])
            self.usage.setdefault("role:cfn-deploy-role", []).append(t2)
            t3 = t2 + dt.timedelta(seconds=self.rng.randint(2, 30))
            self.emit(t3, "cloudformation.amazonaws.com", "DescribeStacks",
                      self.assumed("cfn-deploy-role", sess, asia, t2), ip, ua.replace("sts.get-caller-identity", "cloudformation.describe-stacks"),
                      req={"stackName": "invoice-service-prod"}, read_only=True)
            if self.rng.random() < 0.5:
                self.emit(t3 + dt.timedelta(seconds=4), "ecr.amazonaws.com", "GetAuthorizationToken", ident, ip,
                          ua.replace("sts.get-caller-identity", "ecr.get-login-password"),
                          req={"registryIds": [ACCT]}, read_only=True)
        elif user in ("svc-data-pipeline", "svc-legacy-backup", "svc-old-etl"):
            ops = {
                "svc-data-pipeline": [("s3.amazonaws.com", "ListBuckets", {"Host": "s3.amazonaws.com"}),
                                      ("glue.amazonaws.com", "GetTables", {"databaseName": "analytics_curated"}),
                                      ("s3.amazonaws.com", "GetBucketLocation",
                                       {"bucketName": "acme-data-lake-curated", "Host": "acme-data-lake-curated.s3.amazonaws.com", "location": ""})],
                "svc-legacy-backup": [("s3.amazonaws.com", "ListBuckets", {"Host": "s3.amazonaws.com"}),
                                      ("s3.amazonaws.com", "GetBucketVersioning",
                                       {"bucketName": "acme-backups-legacy", "Host": "acme-backups-legacy.s3.amazonaws.com", "versioning": ""})],
                "svc-old-etl": [("glue.amazonaws.com", "GetTables", {"databaseName": "legacy_etl"}),
                                ("sts.amazonaws.com", "GetCallerIdentity", None)],
            }[user]
            if kid == "K6B":
                ops = [("sts.amazonaws.com", "GetCallerIdentity", None), ("s3.amazonaws.com", "ListBuckets", {"Host": "s3.amazonaws.com"})]
            n = self.rng.randint(1, 2)
            for i, (src, name, req) in enumerate(self.rng.sample(ops, n)):
                extra = None
                if src == "s3.amazonaws.com":
                    extra = {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256", "bytesTransferredIn": 0,
                             "AuthenticationMethod": "AuthHeader", "x-amz-id-2": self.seq.s(ALNUM, 40), "bytesTransferredOut": 512}
                self.emit(t + dt.timedelta(seconds=3 * i), src, name, ident, ip, ua, req=req, read_only=True, extra_data=extra)

    def service_assume(self, t, role, then=None):
        svc = AWS_ROLES[role]
        sess = role if svc == "lambda.amazonaws.com" else "i-0" + det_str(HEX, 16, "inst", role)
        asia = "ASIA" + self.seq.s(UPPER32, 16)
        self.emit(t, "sts.amazonaws.com", "AssumeRole", {"type": "AWSService", "invokedBy": svc}, svc, svc,
                  req={"roleArn": self.role_arn(role), "roleSessionName": sess},
                  resp={"credentials": {"accessKeyId": asia,
                                        "sessionToken": "IQoJb3JpZ2luX2VjE" + self.seq.s(ALNUM, 40),
                                        "expiration": aws_exp(t + dt.timedelta(hours=12 if svc.startswith("lambda") else 6))}},
                  read_only=True, resources=[{"accountId": ACCT, "type": "AWS::IAM::Role", "ARN": self.role_arn(role)}],
                  tls=False)
        self.records[-1][1]["sharedEventID"] = self.seq.uuid()
        self.usage.setdefault("role:" + role, []).append(t)
        t2 = t + dt.timedelta(seconds=self.rng.randint(1, 20))
        if role == "lambda-invoice-processor":
            self.emit(t2, "secretsmanager.amazonaws.com", "GetSecretValue", self.assumed(role, sess, asia, t),
                      "198.51.100.200",
                      "Boto3/1.34.145 md/Botocore#1.34.145 ua/2.0 os/linux#5.10.224-233.893.amzn2.x86_64 md/arch#x86_64 "
                      "lang/python#3.12.5 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.145",
                      req={"secretId": "prod/invoice-processor/db"}, read_only=True)
        else:
            self.emit(t2, "ssm.amazonaws.com", "GetParameter", self.assumed(role, sess, asia, t, ec2=True),
                      "192.0.2.150",
                      "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/ssm#1.52.3",
                      req={"name": "/legacy-batch/config", "withDecryption": True}, read_only=True)

    # ---- timeline ------------------------------------------------------------------------
    def build(self):
        rng = self.rng
        gap = set(d for d in days() if AWS_GAP[0] <= d <= AWS_GAP[1])
        self.gap_days = gap

        plan = {
            "K1": (schedule("2026-05-01", "2026-10-31", 2, gap), "19:12:40"),
            "K6A": (schedule("2026-05-02", "2026-10-30", 2, gap), "22:05:17"),
            "K6B": (schedule("2026-05-07", "2026-06-10", 4), "13:48:02"),
            "K2": (schedule("2026-05-06", "2026-06-20", 3), "02:31:26"),
            "K5": (schedule("2026-05-01", "2026-06-01", 3), "04:07:55"),
        }
        for kid, (dates, last_hms) in plan.items():
            for i, d in enumerate(dates):
                self.key_use(T(d, last_hms) if i == len(dates) - 1 else rtime(rng, d, 0, 23), kid)
        for d in days():
            if d in gap:
                continue
            self.service_assume(rtime(rng, d, 0, 23) if d != END else T(d, "20:45:03"), "lambda-invoice-processor")
        for i, d in enumerate(schedule("2026-05-01", "2026-06-01", 3)):
            self.service_assume(T(d, "05:00:12") if d == D("2026-06-01") else rtime(rng, d, 0, 6), "legacy-batch-role")

        def create_user(t, actor, name):
            self.iam(t, actor, "CreateUser", {"userName": name, "tags": [{"key": "owner", "value": "platform-team"}]},
                     {"user": {"path": "/", "userName": name, "userId": aws_pid("AIDA", name),
                               "arn": self.user_arn(name), "createDate": aws_date(t),
                               "tags": [{"key": "owner", "value": "platform-team"}]}})

        def create_key(t, actor, kid):
            user, key = AWS_KEYS[kid]
            self.iam(t, actor, "CreateAccessKey", {"userName": user},
                     {"accessKey": {"userName": user, "accessKeyId": key, "status": "Active", "createDate": aws_date(t)}})

        def attach_user(t, actor, user, arn, detach=False):
            self.iam(t, actor, "DetachUserPolicy" if detach else "AttachUserPolicy", {"userName": user, "policyArn": arn})

        def attach_role(t, actor, role, arn, detach=False):
            self.iam(t, actor, "DetachRolePolicy" if detach else "AttachRolePolicy", {"roleName": role, "policyArn": arn})

        def create_role(t, actor, role, desc):
            doc = trust_doc(AWS_ROLES[role])
            self.iam(t, actor, "CreateRole", {"roleName": role, "description": desc, "assumeRolePolicyDocument": doc},
                     {"role": {"assumeRolePolicyDocument": urllib.parse.quote(json.dumps(json.loads(doc), separators=(",", ":")), safe=""),
                               "arn": self.role_arn(role), "roleId": aws_pid("AROA", role), "createDate": aws_date(t),
                               "roleName": role, "path": "/"}})

        def policy_doc(actions, resource="*"):
            return json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": actions, "Resource": resource}]}, indent=4)

        def create_policy(t, actor, name, actions, desc):
            arn = "arn:aws:iam::%s:policy/%s" % (ACCT, name)
            self.iam(t, actor, "CreatePolicy", {"policyName": name, "policyDocument": policy_doc(actions), "description": desc},
                     {"policy": {"policyName": name, "policyId": aws_pid("ANPA", name), "arn": arn, "path": "/",
                                 "defaultVersionId": "v1", "attachmentCount": 0, "permissionsBoundaryUsageCount": 0,
                                 "isAttachable": True, "createDate": aws_date(t), "updateDate": aws_date(t)}})

        A = "alice.admin"
        create_user(T("2026-05-05", "14:13:40"), A, "svc-legacy-backup")
        attach_user(T("2026-05-05", "14:13:58"), A, "svc-legacy-backup", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
        create_key(T("2026-05-05", "14:14:02"), A, "K2")
        create_key(T("2026-05-06", "10:02:31"), A, "K6B")
        create_key(T("2026-05-08", "16:20:45"), A, "K1B")
        create_role(T("2026-05-10", "11:35:09"), A, "batch-report-runner", "ECS task role for the monthly report batch")
        attach_role(T("2026-05-10", "11:35:30"), A, "batch-report-runner", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
        attach_user(T("2026-05-14", "15:41:12"), A, "bob.nguyen", ADMIN_ARN)
        create_policy(T("2026-05-20", "13:05:44"), A, "ci-deploy-boundary",
                      ["cloudformation:*", "s3:GetObject", "s3:PutObject", "ecr:*"], "Permissions boundary for CI deployments")
        attach_user(T("2026-05-22", "09:48:20"), A, "erin.walsh", IAMFULL_ARN)
        attach_user(T("2026-05-27", "10:12:06"), A, "frank.li", IAMFULL_ARN)
        attach_user(T("2026-06-02", "14:27:51"), A, "carol.smith", ADMIN_ARN)
        create_policy(T("2026-06-05", "11:19:33"), "bob.nguyen", "tmp-s3-readonly", ["s3:Get*", "s3:List*"],
                      "Temporary read access for the migration")
        attach_user(T("2026-06-15", "16:03:27"), A, "dave.okafor", ADMIN_ARN)
        attach_user(T("2026-06-30", "10:55:18"), A, "carol.smith", ADMIN_ARN, detach=True)
        attach_role(T("2026-07-03", "17:22:45"), "frank.li", "lambda-invoice-processor", ADMIN_ARN)
        arn = "arn:aws:iam::%s:policy/ci-deploy-boundary" % ACCT
        self.iam(T("2026-07-10", "12:40:02"), "bob.nguyen", "CreatePolicyVersion",
                 {"policyArn": arn, "policyDocument": policy_doc(["cloudformation:*", "s3:GetObject", "s3:PutObject", "ecr:*", "lambda:UpdateFunctionCode"]),
                  "setAsDefault": True},
                 {"policyVersion": {"versionId": "v2", "isDefaultVersion": True, "createDate": aws_date(T("2026-07-10", "12:40:02"))}})
        self.login(T("2026-07-17", "07:58:31"), None, True, root=True)
        self.emit(T("2026-07-17", "08:01:10"), "iam.amazonaws.com", "GetAccountSummary",
                  {"type": "Root", "principalId": ACCT, "arn": "arn:aws:iam::%s:root" % ACCT, "accountId": ACCT,
                   "accessKeyId": "ASIA" + self.seq.s(UPPER32, 16),
                   "sessionContext": {"sessionIssuer": {}, "webIdFederationData": {},
                                      "attributes": {"creationDate": iso_s(T("2026-07-17", "07:58:31")), "mfaAuthenticated": "true"}}},
                  "198.51.100.40", "AWS Internal", read_only=True, console=True)
        attach_user(T("2026-07-20", "09:14:36"), A, "dave.okafor", ADMIN_ARN, detach=True)
        attach_user(T("2026-07-28", "22:37:19"), "erin.walsh", "erin.walsh", ADMIN_ARN)
        attach_user(T("2026-08-25", "11:02:58"), A, "dave.okafor", ADMIN_ARN)
        u5, k5 = AWS_KEYS["K5"]
        self.iam(T("2026-09-01", "10:02:14"), A, "UpdateAccessKey", {"userName": u5, "accessKeyId": k5, "status": "Inactive"})
        attach_role(T("2026-09-01", "10:09:40"), A, "legacy-batch-role", "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess", detach=True)
        self.iam(T("2026-09-01", "10:10:05"), A, "DeleteRole", {"roleName": "legacy-batch-role"})
        self.iam(T("2026-09-08", "15:30:22"), A, "DeleteAccessKey", {"userName": u5, "accessKeyId": k5})
        attach_user(T("2026-09-08", "15:30:41"), A, u5, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", detach=True)
        self.iam(T("2026-09-08", "15:31:02"), A, "DeleteUser", {"userName": u5})
        self.iam(T("2026-09-03", "13:21:37"), "dave.okafor", "UpdateAccountPasswordPolicy",
                 {"minimumPasswordLength": 16, "requireSymbols": True, "requireNumbers": True,
                  "requireUppercaseCharacters": True, "requireLowercaseCharacters": True,
                  "allowUsersToChangePassword": True, "maxPasswordAge": 90, "passwordReusePrevention": 24})
        attach_user(T("2026-09-15", "10:48:09"), "erin.walsh", "grace.kim", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
        self.iam(T("2026-09-25", "14:16:50"), "bob.nguyen", "DeletePolicy",
                 {"policyArn": "arn:aws:iam::%s:policy/tmp-s3-readonly" % ACCT})
        create_role(T("2026-10-15", "10:44:18"), "bob.nguyen", "vendor-audit-collector",
                    "Lambda that collects evidence for the vendor audit")

        # humans: console sign-ins and reads
        for d in days():
            if d in gap:
                continue
            weekend = d.weekday() >= 5
            n = rng.randint(0, 1) if weekend else rng.randint(1, 2)
            for user in rng.sample(sorted(AWS_HUMANS), n):
                t = rtime(rng, d, 8, 18)
                for i in range(rng.randint(1, 2)):
                    self.console_read(t + dt.timedelta(minutes=3 * i, seconds=rng.randint(0, 59)), user)
            if not weekend and rng.random() < 0.15:
                user = rng.choice(sorted(AWS_HUMANS))
                self.login(rtime(rng, d, 0, 23), user, False, ip=rng.choice(ATTACK_IPS))
        self.records.sort(key=lambda x: (x[0], x[1]["eventID"]))
        return [r for _, r in self.records]

    def write(self, out):
        recs = self.build()
        folder = os.path.join(out, "aws_cloudtrail")
        by_day = {}
        for r in recs:
            by_day.setdefault(r["eventTime"][:10], []).append(r)
        files = []
        for day in sorted(by_day):
            y, m, dd = day.split("-")
            uniq = det_str(ALNUM, 16, "ct-file", day)
            name = "%s_CloudTrail_%s_%s%s%sT2355Z_%s.json.gz" % (ACCT, REGION, y, m, dd, uniq)
            path = os.path.join(folder, "AWSLogs", ACCT, "CloudTrail", REGION, y, m, dd, name)
            write_gz(path, json.dumps({"Records": by_day[day]}, separators=(",", ":")).encode())
            files.append((path, len(by_day[day])))
        # CloudWatch Logs / EventBridge deliver one record, unwrapped: the same event as in the trail file
        single = [r for r in by_day["2026-10-31"] if r["eventName"] == "AssumeRole"
                  and r["userIdentity"]["type"] == "AWSService"][-1]
        self.single = single
        path = os.path.join(folder, "cloudwatch-single-record.json")
        write_text(path, json.dumps(single, indent=2) + "\n")
        files.append((path, 1))
        self.write_planted(folder, recs, by_day)
        return files

    def write_planted(self, folder, recs, by_day):
        # usage derived from the output itself: any record signed with the key / by the role session
        kid_by_key = {v[1]: k for k, v in AWS_KEYS.items()}
        self.usage = {}
        for r in recs:
            ui = r["userIdentity"]
            k = ui.get("accessKeyId", "")
            if k in kid_by_key:
                self.usage.setdefault(kid_by_key[k], []).append(r["eventTime"])
            if r["eventName"] == "AssumeRole":
                self.usage.setdefault("role:" + r["requestParameters"]["roleArn"].split("/")[-1], []).append(r["eventTime"])
            if ui.get("type") == "AssumedRole":
                self.usage.setdefault("role:" + ui["sessionContext"]["sessionIssuer"]["userName"], []).append(r["eventTime"])

        def first(k):
            return min(self.usage[k])

        def last(k):
            return max(self.usage[k])

        K = {k: v[1] for k, v in AWS_KEYS.items()}
        rows_mi = [
            ("svc-ci-deployer (%s)" % self.user_arn("svc-ci-deployer"), "IAM user, long-term key %s used programmatically (aws-cli from CI)" % K["K1"],
             "exists before the window; key used every 2 days %s .. %s" % (first("K1"), last("K1")), "healthy: not flagged"),
            ("svc-data-pipeline (%s)" % self.user_arn("svc-data-pipeline"), "IAM user with two keys (see credentials)",
             "key A used to %s" % last("K6A"), "healthy: not flagged"),
            ("svc-legacy-backup (%s)" % self.user_arn("svc-legacy-backup"), "IAM user; CreateUser + CreateAccessKey %s 2026-05-05 by alice.admin" % K["K2"],
             "key used %s .. %s; nothing after" % (first("K2"), last("K2")),
             "`dormant-machine-identity` confirmed (last activity %s, 133 days before as_of)" % last("K2")[:10]),
            ("batch-report-runner (%s)" % self.role_arn("batch-report-runner"), "IAM role trusted by ecs-tasks.amazonaws.com; CreateRole 2026-05-10 by alice.admin",
             "never assumed (no AssumeRole, no session)", "`dormant-machine-identity` confirmed (never used, created 174 days before as_of)"),
            ("vendor-audit-collector (%s)" % self.role_arn("vendor-audit-collector"), "IAM role trusted by lambda.amazonaws.com; CreateRole 2026-10-15 by bob.nguyen",
             "never assumed", "not flagged (grace period: created 16 days before as_of)"),
            ("svc-old-etl (%s)" % self.user_arn("svc-old-etl"), "IAM user, key %s" % K["K5"],
             "exists before the window; key used to %s; UpdateAccessKey status Inactive 2026-09-01; DeleteAccessKey, DetachUserPolicy, DeleteUser 2026-09-08" % last("K5"),
             "not flagged (disabled, then deleted)"),
            ("legacy-batch-role (%s)" % self.role_arn("legacy-batch-role"), "IAM role used by EC2 (AssumeRole by AWSService ec2.amazonaws.com, ec2RoleDelivery)",
             "assumed every 3 days, last session activity %s; DetachRolePolicy + DeleteRole 2026-09-01" % last("role:legacy-batch-role"), "not flagged (deleted)"),
            ("lambda-invoice-processor (%s)" % self.role_arn("lambda-invoice-processor"), "IAM role assumed by AWSService lambda.amazonaws.com (invokedBy) every day",
             "AssumeRole + session daily %s .. %s (except the gap); AdministratorAccess attached 2026-07-03 by frank.li" % (first("role:lambda-invoice-processor"), last("role:lambda-invoice-processor")),
             "not dormant; `overbroad-delegated-admin` confirmed (see admin table)"),
            ("cfn-deploy-role (%s)" % self.role_arn("cfn-deploy-role"), "IAM role assumed by svc-ci-deployer (AssumeRole with key %s)" % K["K1"],
             "assumed every 2 days, last session activity %s" % last("role:cfn-deploy-role"), "healthy: not flagged"),
        ]
        rows_cred = [
            (K["K1"], "svc-ci-deployer, key 1", "exists before the window; used %s .. %s" % (first("K1"), last("K1")), "healthy: not flagged"),
            (K["K1B"], "svc-ci-deployer, key 2", "CreateAccessKey 2026-05-08 by alice.admin; never used; still Active",
             "`dormant-credential` confirmed (never used, created 176 days before as_of)"),
            (K["K6A"], "svc-data-pipeline, key A", "exists before the window; used every 2 days %s .. %s" % (first("K6A"), last("K6A")), "healthy: not flagged"),
            (K["K6B"], "svc-data-pipeline, key B", "CreateAccessKey 2026-05-06 by alice.admin; used %s .. %s; still Active" % (first("K6B"), last("K6B")),
             "`dormant-credential` confirmed (last used %s, 143 days before as_of)" % last("K6B")[:10]),
            (K["K2"], "svc-legacy-backup, its only key", "CreateAccessKey 2026-05-05; used %s .. %s; still Active" % (first("K2"), last("K2")),
             "`dormant-credential` confirmed (same facts as its dormant identity)"),
            (K["K5"], "svc-old-etl key", "used to %s; Inactive 2026-09-01; deleted 2026-09-08" % last("K5"), "not flagged (disabled/deleted)"),
            ("ASIA...", "temporary STS session keys (console sessions, role sessions)", "each appears for hours only",
             "never a `dormant-credential` (not long-term credentials)"),
        ]
        rows_admin = [
            ("alice.admin (%s)" % self.user_arn("alice.admin"), "acts as the account admin; her AdministratorAccess predates the window (no grant event)", "not a holder in the evidence; not flagged"),
            ("bob.nguyen (%s)" % self.user_arn("bob.nguyen"), "AttachUserPolicy AdministratorAccess 2026-05-14 by alice.admin (existing admin); exercised (CreatePolicy, CreatePolicyVersion, DeletePolicy, CreateRole)",
             "`overbroad-delegated-admin` confirmed, reason: privileged role (AdministratorAccess)"),
            ("carol.smith (%s)" % self.user_arn("carol.smith"), "AttachUserPolicy AdministratorAccess 2026-06-02, DetachUserPolicy 2026-06-30", "not flagged (revoked)"),
            ("dave.okafor (%s)" % self.user_arn("dave.okafor"), "Attach 2026-06-15, Detach 2026-07-20, Attach again 2026-08-25 (all by alice.admin): holds as of as_of; exercised (UpdateAccountPasswordPolicy 2026-09-03)",
             "`overbroad-delegated-admin` confirmed, reason: privileged role"),
            ("erin.walsh (%s)" % self.user_arn("erin.walsh"), "IAMFullAccess attached 2026-05-22 by alice.admin; then SELF-GRANT: AttachUserPolicy AdministratorAccess on erin.walsh by erin.walsh 2026-07-28; exercised (AttachUserPolicy AmazonS3ReadOnlyAccess to grace.kim 2026-09-15)",
             "`overbroad-delegated-admin` confirmed, reasons: privileged role; self-granted; grantor was a delegated (non-super) admin granting a broader role"),
            ("frank.li (%s)" % self.user_arn("frank.li"), "IAMFullAccess attached 2026-05-27 by alice.admin (delegated IAM admin); he is the grantor of the next row",
             "not flagged unless the reference table lists IAMFullAccess as privileged"),
            ("lambda-invoice-processor (%s)" % self.role_arn("lambda-invoice-processor"), "AttachRolePolicy AdministratorAccess 2026-07-03 by frank.li (delegated IAMFullAccess holder)",
             "`overbroad-delegated-admin` confirmed, reasons: machine identity holding a privileged role; privileged role; grantor was a delegated admin (its sessions only call secretsmanager GetSecretValue, so `never exercised` may be listed too)"),
        ]
        gap_days = (AWS_GAP[1] - AWS_GAP[0]).days + 1
        before = [d for d in sorted(by_day) if d < AWS_GAP[0].isoformat()][-1]
        after = [d for d in sorted(by_day) if d > AWS_GAP[1].isoformat()][0]
        text = ["# AWS CloudTrail sample: what is planted\n",
                "Generated by `tools/sample-logs/gen_okta_aws_entra.py` (seed %d); do not edit by hand.\n" % SEED,
                "- Account / tenant `%s`, region `%s`; trail files `AWSLogs/%s/CloudTrail/%s/YYYY/MM/DD/%s_CloudTrail_%s_YYYYMMDDT2355Z_<16 chars>.json.gz`, "
                "gzip of `{\"Records\":[...]}`, one file per day (%d files)." % (ACCT, REGION, ACCT, REGION, ACCT, REGION, len(by_day)),
                "- Records: %d in the trail files; first `%s`, last `%s`; as_of = 2026-10-31." % (len(recs), recs[0]["eventTime"], recs[-1]["eventTime"]),
                "- `cloudwatch-single-record.json`: ONE record object, not wrapped (CloudWatch Logs / EventBridge delivery). "
                "It is the same event as eventID `%s` in the 2026-10-31 trail file: ingesting both must count it once (1 duplicate)." % self.single["eventID"],
                "- Evidence window 184 days (>= 90): dormancy verdicts are `confirmed`.",
                "- Access-key use = any record whose `userIdentity.accessKeyId` is that AKIA key.\n",
                "## Machine identities\n", md_table(["subject", "what", "facts", "expected"], rows_mi),
                "\n## Credentials (access keys)\n", md_table(["subject id", "what", "facts", "expected"], rows_cred),
                "\n## Admin grants (`requestParameters.policyArn` = `%s`)\n" % ADMIN_ARN,
                md_table(["subject", "facts", "expected"], rows_admin),
                "\nHolders of AdministratorAccess as of 2026-10-31 according to the evidence: 4 (bob.nguyen, dave.okafor, "
                "erin.walsh, role lambda-invoice-processor): NOT above the default `max_super_admins` = 4.\n",
                "## Logging gap\n",
                md_table(["subject", "facts", "expected"], [
                    ("2026-08-10..2026-08-18", "no trail file and no event for %d days (last event before: %s, first after: %s)" % (gap_days, before, after),
                     "`logging-gap` 2026-08-10..2026-08-18 (silent period)")]),
                "\nEvery other day of the window has a trail file with events.\n",
                "## Policy changes and sign-ins\n",
                "- CreatePolicy ci-deploy-boundary 2026-05-20 and tmp-s3-readonly 2026-06-05, CreatePolicyVersion ci-deploy-boundary v2 2026-07-10, "
                "UpdateAccountPasswordPolicy 2026-09-03, DeletePolicy tmp-s3-readonly 2026-09-25.",
                "- Non-admin policy attachments (AmazonS3ReadOnlyAccess, AmazonSSMReadOnlyAccess, IAMFullAccess) also appear as Attach/Detach*Policy; only AdministratorAccess is the privileged grant.",
                "- ConsoleLogin Success (MFAUsed Yes) for human IAM users, Failure (MFAUsed No, errorMessage \"Failed authentication\") some from 203.0.113.0/24; Root ConsoleLogin 2026-07-17.",
                "- Console API calls carry `sessionCredentialFromConsole: \"true\"` and an ASIA key.",
                ]
        counts = {}
        for r in recs:
            counts[r["eventName"]] = counts.get(r["eventName"], 0) + 1
        text.append("\n## Event counts by eventName (trail files)\n")
        text.append(md_table(["eventName", "events"], sorted(counts.items())))
        write_text(os.path.join(folder, "PLANTED.md"), "\n".join(text) + "\n")

# ======================================================================================
# Microsoft Entra ID — tenant A (Azure Monitor archive), tenant B (Graph API pages)
# ======================================================================================

TID_A = "3f1b6c2e-8a4d-4e1f-9c7b-2d5e6f7a8b9c"
TID_B = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
ENTRA_B_START = D("2026-10-02")

GRAPH_RES = ("Microsoft Graph", "00000003-0000-0000-c000-000000000000")
RESOURCES = {
    "graph": GRAPH_RES,
    "kv": ("Azure Key Vault", "cfa8b339-82a2-471a-a3c9-0fc0be7a4093"),
    "storage": ("Azure Storage", "e406a681-f3d4-42a8-90b6-c2b029497af1"),
    "arm": ("Windows Azure Service Management API", "797f4846-ba00-4fd7-ba43-dac1f8f63013"),
    "exo": ("Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000"),
    "sharepoint": ("Office 365 SharePoint Online", "00000003-0000-0ff1-ce00-000000000000"),
}
CLIENT_APPS = [  # first-party client apps for user sign-ins (real, public app ids)
    ("Azure Portal", "c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "arm"),
    ("Microsoft Teams", "1fec8e78-bce4-4aaf-ab1b-5451cc387264", "graph"),
    ("Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000", "exo"),
    ("OfficeHome", "4765445b-32c6-49b0-83e6-1d93765276ca", "graph"),
    ("Microsoft Office", "d3590ed6-52b3-4102-aeff-aad2292ab01c", "sharepoint"),
]
ROLES = {  # display name -> (template id, well-known object name)
    "Global Administrator": ("62e90394-69f5-4237-9190-012177145e10", "TenantAdmins"),
    "Privileged Role Administrator": ("e8611ab8-c189-46e8-94e1-60213ab1f814", "PrivilegedRoleAdmins"),
    "Groups Administrator": ("fdd7a751-b60b-444a-984c-02652fe8fa1c", ""),
}


class EUser:
    def __init__(self, tenant, key, first, last, ip, geo, ua, domain, display=None):
        self.key = key
        self.id = det_uuid("entra-user", tenant, key)
        self.upn = "%s.%s@%s" % (first.lower(), last.lower(), domain)
        self.name = display if display is not None else "%s %s" % (first, last)
        self.ip, self.geo, self.ua = ip, geo, ua


class ESP:
    def __init__(self, tenant, key, name, keys=()):
        self.key, self.name = key, name
        self.app_id = det_uuid("entra-appid", tenant, key)
        self.sp_id = det_uuid("entra-spid", tenant, key)
        self.app_obj = det_uuid("entra-appobj", tenant, key)
        self.keys = {k: (det_uuid("entra-keyid", tenant, key, k), label) for k, label in keys}


def key_desc(entries):
    return json.dumps(["[KeyIdentifier=%s,KeyType=Password,KeyUsage=Verify,DisplayName=%s]" % (kid, label)
                       for kid, label in entries], separators=(",", ":"))


class EntraTenant:
    def __init__(self, tid, label, domain, rng):
        self.tid, self.label, self.domain, self.rng = tid, label, domain, rng
        self.seq = Seq("entra-" + label)
        self.audits = []   # (t, graph object)
        self.signins = []  # (t, category, graph object)
        self.usage = {}
        self.users = {}
        self.sps = {}

    def add_user(self, key, first, last, ip, geo, ua, display=None):
        self.users[key] = EUser(self.tid, key, first, last, ip, geo, ua, self.domain, display)

    def add_sp(self, key, name, keys=()):
        self.sps[key] = ESP(self.tid, key, name, keys)

    # ---- objects in Graph shape (timestamps as Graph gives them: 7-digit fraction, Z) ----
    def audit(self, t, activity, category, optype, initiator, targets, service="Core Directory", extra=None, ua=None):
        corr = self.seq.uuid()
        if service == "Conditional Access":
            oid = "IPCGraph_" + corr
        else:
            oid = "Directory_%s_%s_%s" % (corr, self.seq.s(UPPER32, 5), self.seq.s("0123456789", 9))
        details = [{"key": "User-Agent", "value": ua or UA["win_edge"][0]}] if initiator.get("user") else []
        details += extra or []
        obj = {"id": oid, "category": category, "correlationId": corr, "result": "success", "resultReason": "",
               "activityDisplayName": activity, "activityDateTime": iso_7(t), "loggedByService": service,
               "operationType": optype, "initiatedBy": initiator, "userAgent": None,
               "targetResources": targets, "additionalDetails": details}
        self.audits.append((t, obj))
        return obj

    def by_user(self, key):
        u = self.users[key]
        return {"user": {"id": u.id, "displayName": u.name, "userPrincipalName": u.upn, "ipAddress": u.ip,
                         "roles": []}}

    def by_app(self, spkey):
        sp = self.sps[spkey]
        return {"app": {"appId": sp.app_id, "displayName": sp.name, "servicePrincipalId": sp.sp_id,
                        "servicePrincipalName": sp.app_id}}

    def t_user(self, key, mods=None):
        u = self.users[key]
        return {"id": u.id, "displayName": None, "type": "User", "userPrincipalName": u.upn,
                "groupType": None, "modifiedProperties": mods or [], "administrativeUnits": []}

    def t_sp(self, spkey, mods=None):
        sp = self.sps[spkey]
        return {"id": sp.sp_id, "displayName": sp.name, "type": "ServicePrincipal", "userPrincipalName": None,
                "groupType": None, "modifiedProperties": mods or [], "administrativeUnits": []}

    def role_obj_id(self, role):
        return det_uuid("entra-role", self.tid, role)

    def role_change(self, t, actor, role, target_key, target_kind="user", remove=False):
        tpl, wk = ROLES[role]
        vals = [("Role.ObjectID", self.role_obj_id(role)), ("Role.DisplayName", role),
                ("Role.TemplateId", tpl), ("Role.WellKnownObjectName", wk)]
        mods = [{"displayName": n, "oldValue": json.dumps(v) if remove else None,
                 "newValue": None if remove else json.dumps(v)} for n, v in vals]
        tgt = self.t_user(target_key, mods) if target_kind == "user" else self.t_sp(target_key, mods)
        role_t = {"id": self.role_obj_id(role), "displayName": role, "type": "Role", "userPrincipalName": None,
                  "groupType": None, "modifiedProperties": [], "administrativeUnits": []}
        self.audit(t, "Remove member from role" if remove else "Add member to role", "RoleManagement",
                   "Unassign" if remove else "Assign", self.by_user(actor), [tgt, role_t])

    def add_sp_event(self, t, actor, spkey):
        sp = self.sps[spkey]
        mods = [{"displayName": "AccountEnabled", "oldValue": "[]", "newValue": "[true]"},
                {"displayName": "AppPrincipalId", "oldValue": "[]", "newValue": json.dumps([sp.app_id])},
                {"displayName": "DisplayName", "oldValue": "[]", "newValue": json.dumps([sp.name])},
                {"displayName": "ServicePrincipalName", "oldValue": "[]", "newValue": json.dumps([sp.app_id])},
                {"displayName": "Included Updated Properties", "oldValue": None,
                 "newValue": "\"AccountEnabled, AppPrincipalId, DisplayName, ServicePrincipalName\""}]
        self.audit(t, "Add service principal", "ApplicationManagement", "Add", self.by_user(actor),
                   [self.t_sp(spkey, mods)], extra=[{"key": "AppId", "value": sp.app_id}])

    def disable_sp(self, t, actor, spkey):
        sp = self.sps[spkey]
        mods = [{"displayName": "AccountEnabled", "oldValue": "[true]", "newValue": "[false]"},
                {"displayName": "Included Updated Properties", "oldValue": None, "newValue": "\"AccountEnabled\""}]
        self.audit(t, "Update service principal", "ApplicationManagement", "Update", self.by_user(actor),
                   [self.t_sp(spkey, mods)], extra=[{"key": "AppId", "value": sp.app_id}])

    def remove_sp(self, t, actor, spkey):
        sp = self.sps[spkey]
        self.audit(t, "Remove service principal", "ApplicationManagement", "Delete", self.by_user(actor),
                   [self.t_sp(spkey)], extra=[{"key": "AppId", "value": sp.app_id}])

    def sp_cred(self, t, actor, spkey, before, after, remove=False):
        sp = self.sps[spkey]
        mods = [{"displayName": "KeyDescription", "oldValue": key_desc([sp.keys[k] for k in before]),
                 "newValue": key_desc([sp.keys[k] for k in after])},
                {"displayName": "Included Updated Properties", "oldValue": None, "newValue": "\"\""}]
        self.audit(t, "Remove service principal credentials" if remove else "Add service principal credentials",
                   "ApplicationManagement", "Update", self.by_user(actor), [self.t_sp(spkey, mods)],
                   extra=[{"key": "AppId", "value": sp.app_id}])

    def app_secret(self, t, actor, spkey, before, after):
        sp = self.sps[spkey]
        mods = [{"displayName": "KeyDescription", "oldValue": key_desc([sp.keys[k] for k in before]),
                 "newValue": key_desc([sp.keys[k] for k in after])},
                {"displayName": "Included Updated Properties", "oldValue": None, "newValue": "\"KeyDescription\""}]
        tgt = {"id": sp.app_obj, "displayName": sp.name, "type": "Application", "userPrincipalName": None,
               "groupType": None, "modifiedProperties": mods, "administrativeUnits": []}
        self.audit(t, "Update application \u2013 Certificates and secrets management ", "ApplicationManagement",
                   "Update", self.by_user(actor), [tgt], extra=[{"key": "AppId", "value": sp.app_id}])

    def add_owner_sp(self, t, actor, spkey, owner_key):
        sp = self.sps[spkey]
        tsp = self.t_sp(spkey, [{"displayName": "ServicePrincipal.ObjectID", "oldValue": None, "newValue": json.dumps(sp.sp_id)},
                                {"displayName": "ServicePrincipal.DisplayName", "oldValue": None, "newValue": json.dumps(sp.name)},
                                {"displayName": "ServicePrincipal.AppId", "oldValue": None, "newValue": json.dumps(sp.app_id)}])
        self.audit(t, "Add owner to service principal", "ApplicationManagement", "Assign", self.by_user(actor),
                   [tsp, self.t_user(owner_key)])

    def ca_policy(self, t, actor, name, op, state="enabled", old_state=None):
        pid = det_uuid("entra-ca", self.tid, name)
        body = lambda st: json.dumps({"id": pid, "displayName": name, "state": st,
                                      "conditions": {"applications": {"includeApplications": ["All"]},
                                                     "users": {"includeUsers": ["All"], "excludeGroups": [det_uuid("breakglass", self.tid)]},
                                                     "clientAppTypes": ["all"]},
                                      "grantControls": {"operator": "OR", "builtInControls": ["mfa"]}},
                                     separators=(",", ":"))
        old = None if op == "Add" else body(old_state or state)
        new = None if op == "Delete" else body(state)
        tgt = {"id": pid, "displayName": name, "type": "Policy", "userPrincipalName": None, "groupType": None,
               "modifiedProperties": [{"displayName": "ConditionalAccessPolicy", "oldValue": old, "newValue": new}],
               "administrativeUnits": []}
        self.audit(t, "%s conditional access policy" % op, "Policy", op, self.by_user(actor), [tgt],
                   service="Conditional Access")

    def group_add(self, t, initiator, member_key, group):
        gid = det_uuid("entra-group", self.tid, group)
        tgt_u = self.t_user(member_key, [{"displayName": "Group.ObjectID", "oldValue": None, "newValue": json.dumps(gid)},
                                         {"displayName": "Group.DisplayName", "oldValue": None, "newValue": json.dumps(group)}])
        tgt_g = {"id": gid, "displayName": group, "type": "Group", "userPrincipalName": None, "groupType": "unifiedGroups",
                 "modifiedProperties": [], "administrativeUnits": []}
        self.audit(t, "Add member to group", "GroupManagement", "Assign", initiator, [tgt_u, tgt_g])

    def update_user(self, t, initiator, target_key):
        mods = [{"displayName": "Department", "oldValue": "[\"Operations\"]", "newValue": "[\"Finance Operations\"]"},
                {"displayName": "Included Updated Properties", "oldValue": None, "newValue": "\"Department\""}]
        self.audit(t, "Update user", "UserManagement", "Update", initiator, [self.t_user(target_key, mods)])

    # ---- sign-ins (Graph shape) ----------------------------------------------------------
    def location(self, geo):
        city, state, _c, cc, _p, lat, lon = GEO[geo]
        return {"city": city, "state": state, "countryOrRegion": cc,
                "geoCoordinates": {"altitude": None, "latitude": lat, "longitude": lon}}

    def signin_user(self, t, ukey, ok=True, interactive=True, ip=None, geo=None):
        u = self.users[ukey]
        rng = self.rng
        app_name, app_id, res_key = rng.choice(CLIENT_APPS if interactive else CLIENT_APPS[1:])
        res_name, res_id = RESOURCES[res_key]
        raw, os_, _br, browser = UA[u.ua]
        status = {"errorCode": 0, "failureReason": "Other.", "additionalDetails": None} if ok else \
            {"errorCode": 50126, "failureReason": "Error validating credentials due to invalid username or password.",
             "additionalDetails": "The user didn't enter the right credentials."}
        obj = {"id": self.seq.uuid(), "createdDateTime": iso_s(t), "userDisplayName": u.name,
               "userPrincipalName": u.upn, "userId": u.id, "appId": app_id, "appDisplayName": app_name,
               "ipAddress": ip or u.ip, "clientAppUsed": "Browser" if interactive else "Mobile Apps and Desktop clients",
               "userAgent": raw, "correlationId": self.seq.uuid(),
               "conditionalAccessStatus": ("success" if ok else "notApplied"), "isInteractive": interactive,
               "riskDetail": "none", "riskLevelAggregated": "none", "riskLevelDuringSignIn": "none", "riskState": "none",
               "riskEventTypes_v2": [], "resourceDisplayName": res_name, "resourceId": res_id,
               "resourceTenantId": self.tid, "homeTenantId": self.tid, "tokenIssuerType": "AzureAD",
               "authenticationRequirement": "multiFactorAuthentication" if interactive else "singleFactorAuthentication",
               "userType": "member", "crossTenantAccessType": "none",
               "incomingTokenType": "none" if interactive else "primaryRefreshToken",
               "authenticationProtocol": "none", "uniqueTokenIdentifier": self.seq.s(ALNUM + "-_", 22),
               "servicePrincipalId": "", "status": status,
               "deviceDetail": {"deviceId": "", "displayName": "", "operatingSystem": os_, "browser": browser,
                                "isCompliant": False, "isManaged": False, "trustType": ""},
               "location": self.location(geo or u.geo),
               "appliedConditionalAccessPolicies": [],
               "authenticationDetails": [{"authenticationStepDateTime": iso_s(t), "authenticationMethod": "Password",
                                          "authenticationMethodDetail": "Password in the cloud", "succeeded": ok,
                                          "authenticationStepResultDetail": "Correct password" if ok else "Invalid username or password or Invalid on-premise username or password.",
                                          "authenticationStepRequirement": "Primary authentication"}] if interactive else [],
               "signInEventTypes": ["interactiveUser" if interactive else "nonInteractiveUser"]}
        self.signins.append((t, "SignInLogs" if interactive else "NonInteractiveUserSignInLogs", obj))

    def signin_sp(self, t, spkey, keyname, res_key="graph", ok=True, track=True):
        sp = self.sps[spkey]
        res_name, res_id = RESOURCES[res_key]
        ip = {"sp1": "192.0.2.201", "sp6": "192.0.2.202", "sp2": "192.0.2.203", "sp5": "192.0.2.205",
              "sp5b": "192.0.2.206", "sp7": "192.0.2.207", "b1": "192.0.2.211"}[spkey]
        kid = sp.keys[keyname][0] if keyname else ""
        obj = {"id": self.seq.uuid(), "createdDateTime": iso_s(t), "userDisplayName": None, "userPrincipalName": None,
               "userId": "", "appId": sp.app_id, "appDisplayName": sp.name, "ipAddress": ip,
               "correlationId": self.seq.uuid(), "conditionalAccessStatus": "notApplied", "isInteractive": False,
               "riskDetail": "none", "riskLevelAggregated": "none", "riskLevelDuringSignIn": "none", "riskState": "none",
               "resourceDisplayName": res_name, "resourceId": res_id,
               "resourceServicePrincipalId": det_uuid("entra-res-sp", self.tid, res_key),
               "resourceTenantId": self.tid, "homeTenantId": self.tid, "tokenIssuerType": "AzureAD",
               "authenticationRequirement": "singleFactorAuthentication", "crossTenantAccessType": "none",
               "incomingTokenType": "none", "authenticationProtocol": "none",
               "uniqueTokenIdentifier": self.seq.s(ALNUM + "-_", 22),
               "servicePrincipalId": sp.sp_id, "servicePrincipalName": sp.name,
               "servicePrincipalCredentialKeyId": kid, "servicePrincipalCredentialThumbprint": "",
               "clientCredentialType": "clientSecret",
               "status": {"errorCode": 0, "failureReason": None, "additionalDetails": None} if ok else
               {"errorCode": 7000215, "failureReason": "Invalid client secret is provided.", "additionalDetails": None},
               "location": self.location("ashburn"), "appliedConditionalAccessPolicies": [],
               "signInEventTypes": ["servicePrincipal"]}
        self.signins.append((t, "ServicePrincipalSignInLogs", obj))
        if track and ok:
            self.usage.setdefault(spkey, []).append(t)
            self.usage.setdefault((spkey, keyname), []).append(t)

    def signin_mi(self, t, spkey, res_key="kv"):
        sp = self.sps[spkey]
        res_name, res_id = RESOURCES[res_key]
        obj = {"id": self.seq.uuid(), "createdDateTime": iso_s(t), "userDisplayName": None, "userPrincipalName": None,
               "userId": "", "appId": sp.app_id, "appDisplayName": sp.name, "ipAddress": "",
               "correlationId": self.seq.uuid(), "conditionalAccessStatus": "notApplied", "isInteractive": False,
               "resourceDisplayName": res_name, "resourceId": res_id,
               "resourceServicePrincipalId": det_uuid("entra-res-sp", self.tid, res_key),
               "resourceTenantId": self.tid, "homeTenantId": self.tid, "tokenIssuerType": "AzureAD",
               "uniqueTokenIdentifier": self.seq.s(ALNUM + "-_", 22),
               "servicePrincipalId": sp.sp_id, "servicePrincipalName": sp.name,
               "managedServiceIdentity": {"msiType": "systemAssigned",
                                          "associatedResourceId": "/subscriptions/%s/resourceGroups/rg-invoice-prod/providers/Microsoft.Web/sites/%s"
                                          % (det_uuid("entra-sub", self.tid), sp.name),
                                          "federatedTokenId": None, "federatedTokenIssuer": None},
               "status": {"errorCode": 0, "failureReason": None, "additionalDetails": None},
               "location": {"city": None, "state": None, "countryOrRegion": None, "geoCoordinates": None},
               "signInEventTypes": ["managedIdentity"]}
        self.signins.append((t, "ManagedIdentitySignInLogs", obj))
        self.usage.setdefault(spkey, []).append(t)


# ---- Azure Monitor envelope ------------------------------------------------------------------

def am_offset(ts):
    """Graph '...Z' timestamps -> the '+00:00' form Azure Monitor keeps inside properties."""
    return ts[:-1] + "+00:00" if ts.endswith("Z") else ts


def am_audit_record(tid, t, obj):
    props = dict(obj)
    props["activityDateTime"] = iso_7(t, z=False)
    ini = obj["initiatedBy"]
    ident = ini["user"]["userPrincipalName"] if "user" in ini else ini["app"]["displayName"]
    props = {"id": props.pop("id"), **props, "tenantId": tid, "resultType": "", "identity": ident,
             "operationName": obj["activityDisplayName"]}
    return {"time": iso_7(t), "resourceId": "/tenants/%s/providers/Microsoft.aadiam" % tid,
            "operationName": obj["activityDisplayName"], "operationVersion": "1.0", "category": "AuditLogs",
            "tenantId": tid, "resultType": "Success", "resultSignature": "None", "durationMs": 0,
            "callerIpAddress": ini.get("user", {}).get("ipAddress", "") if "user" in ini else "",
            "correlationId": obj["correlationId"], "identity": ident, "Level": "Informational",
            "properties": props}


def am_signin_record(tid, t, category, obj):
    props = dict(obj)
    props.pop("signInEventTypes", None)
    props["createdDateTime"] = iso_7(t, z=False)
    code = obj["status"]["errorCode"]
    rec = {"time": iso_7(t), "resourceId": "/tenants/%s/providers/Microsoft.aadiam" % tid,
           "operationName": "Sign-in activity", "operationVersion": "1.0", "category": category, "tenantId": tid,
           "resultType": str(code), "resultSignature": "SUCCESS" if code == 0 else "FAILURE"}
    if code:
        rec["resultDescription"] = obj["status"]["failureReason"]
    rec.update({"durationMs": 0, "callerIpAddress": obj.get("ipAddress", ""), "correlationId": obj["correlationId"],
                "identity": obj.get("userDisplayName") or obj.get("servicePrincipalName") or "",
                "Level": 4, "location": (obj.get("location") or {}).get("countryOrRegion") or "",
                "properties": props})
    return rec


class EntraGen:
    def __init__(self):
        self.rng = random.Random("%d:entra" % SEED)
        A = EntraTenant(TID_A, "A", "fabrikam.com", self.rng)
        for args in [("helena", "Helena", "Brandt", "198.51.100.60", "london", "win_edge"),
                     ("omar", "Omar", "Haddad", "198.51.100.61", "dublin", "win_edge"),
                     ("nina", "Nina", "Petrova", "198.51.100.62", "berlin", "mac_chrome"),
                     ("samuel", "Samuel", "Osei", "198.51.100.63", "london", "win_chrome"),
                     ("yuki", "Yuki", "Tanaka", "198.51.100.64", "seattle", "mac_safari"),
                     ("carlos", "Carlos", "Mendes", "198.51.100.65", "nyc", "win_edge"),
                     ("aisha", "Aisha", "Bello", "198.51.100.66", "london", "win_edge"),
                     ("ben", "Ben", "Carter", "198.51.100.67", "chicago", "mac_chrome"),
                     ("chloe", "Chloe", "Dubois", "198.51.100.68", "dublin", "iphone"),
                     ("diego", "Diego", "Ramirez", "198.51.100.69", "austin", "win_chrome"),
                     ("emma", "Emma", "Larsen", "198.51.100.70", "berlin", "mac_firefox"),
                     ("farid", "Farid", "Nasser", "198.51.100.71", "toronto", "win_edge")]:
            A.add_user(*args)
        A.add_user("pat", "Pat", "Quinn", "198.51.100.72", "nyc", "win_chrome", display=XSS)
        A.add_sp("sp1", "Reporting Data Export", [("K1", "reporting-prod-2026"), ("K1b", "reporting-spare")])
        A.add_sp("sp6", "Invoice Processing Worker", [("A", "invoice-worker-primary"), ("B", "invoice-worker-rotation")])
        A.add_sp("sp2", "Legacy Ticket Sync", [("C", "ticket-sync")])
        A.add_sp("sp3", "Survey Export Connector")
        A.add_sp("sp4", "Vendor Risk Scanner")
        A.add_sp("sp5", "Badge Reader Integration", [("D", "badge-reader")])
        A.add_sp("sp5b", "Legacy Print Connector", [("E", "print-connector")])
        A.add_sp("sp7", "Automation Runbook", [("F", "runbook-secret")])
        A.add_sp("mi", "func-invoice-prod")
        self.A = A
        B = EntraTenant(TID_B, "B", "tailspintoys.com", self.rng)
        for args in [("noah", "Noah", "Fischer", "198.51.100.90", "berlin", "win_edge"),
                     ("lucia", "Lucia", "Romero", "198.51.100.91", "austin", "mac_chrome"),
                     ("kai", "Kai", "Mueller", "198.51.100.92", "berlin", "linux_firefox"),
                     ("zoe", "Zoe", "Adams", "198.51.100.93", "seattle", "mac_safari"),
                     ("hugo", "Hugo", "Martin", "198.51.100.94", "london", "win_chrome")]:
            B.add_user(*args)
        B.add_sp("b1", "Nightly Backup Agent", [("K", "backup-agent-2026")])
        B.add_sp("b2", "Legacy Fax Gateway")
        B.add_sp("b3", "Expense Bot")
        self.B = B

    def build_a(self):
        A, rng = self.A, self.rng
        usage = [("sp1", "K1", schedule("2026-05-01", "2026-10-31", 2), "17:33:10", "graph"),
                 ("sp6", "A", schedule("2026-05-02", "2026-10-30", 2), "21:14:52", "storage"),
                 ("sp6", "B", schedule("2026-05-07", "2026-06-10", 4), "08:57:31", "storage"),
                 ("sp2", "C", schedule("2026-05-06", "2026-06-20", 3), "12:40:09", "graph"),
                 ("sp5", "D", schedule("2026-05-01", "2026-06-01", 3), "03:22:47", "graph"),
                 ("sp5b", "E", schedule("2026-05-02", "2026-06-02", 4), "23:05:16", "graph"),
                 ("sp7", "F", schedule("2026-05-01", "2026-10-31", 3), "09:41:27", "arm")]
        for spkey, kname, dates, last_hms, res in usage:
            for i, d in enumerate(dates):
                A.signin_sp(T(d, last_hms) if i == len(dates) - 1 else rtime(rng, d, 0, 23), spkey, kname, res)
        A.signin_sp(T("2026-07-22", "06:12:44"), "sp1", None, "graph", ok=False)  # wrong secret: a failure
        for d in days():
            A.signin_mi(rtime(rng, d, 0, 23) if d != END else T(d, "22:10:05"), "mi",
                        rng.choice(["kv", "storage"]))
        # the runbook also acts in the directory (initiatedBy.app) now and then
        for d in schedule("2026-05-04", "2026-10-26", 14):
            A.group_add(rtime(rng, d, 1, 5), A.by_app("sp7"), rng.choice(["ben", "chloe", "diego", "emma"]),
                        "Finance Readers")

        H = "helena"
        A.add_sp_event(T("2026-05-05", "10:21:37"), H, "sp2")
        A.sp_cred(T("2026-05-05", "10:24:05"), H, "sp2", [], ["C"])
        A.app_secret(T("2026-05-06", "14:02:51"), H, "sp6", ["A"], ["A", "B"])
        A.sp_cred(T("2026-05-08", "11:30:19"), H, "sp1", ["K1"], ["K1", "K1b"])
        A.add_sp_event(T("2026-05-10", "15:47:02"), H, "sp3")
        A.role_change(T("2026-05-13", "09:12:44"), H, "Global Administrator", "omar")
        A.role_change(T("2026-05-16", "13:25:10"), H, "Groups Administrator", "carlos")
        A.role_change(T("2026-05-26", "10:40:33"), H, "Privileged Role Administrator", "yuki")
        A.role_change(T("2026-06-04", "16:05:48"), H, "Global Administrator", "nina")
        A.ca_policy(T("2026-06-08", "11:11:11"), H, "Require MFA for administrators", "Add", state="enabledForReportingButNotEnforced")
        A.role_change(T("2026-06-11", "09:58:27"), H, "Global Administrator", "samuel")
        A.role_change(T("2026-07-02", "14:33:09"), "omar", "Global Administrator", "samuel", remove=True)
        A.ca_policy(T("2026-07-14", "10:02:56"), "omar", "Require MFA for administrators", "Update",
                    state="enabled", old_state="enabledForReportingButNotEnforced")
        A.role_change(T("2026-07-16", "17:20:41"), H, "Global Administrator", "nina", remove=True)
        A.role_change(T("2026-08-06", "08:49:15"), "omar", "Global Administrator", "samuel")
        A.role_change(T("2026-08-21", "22:05:39"), "yuki", "Global Administrator", "yuki")
        A.disable_sp(T("2026-09-01", "09:30:04"), H, "sp5")
        A.sp_cred(T("2026-09-01", "09:31:22"), H, "sp5", ["D"], [], remove=True)
        A.remove_sp(T("2026-09-03", "15:16:48"), "omar", "sp5b")
        A.role_change(T("2026-09-11", "12:44:07"), "carlos", "Global Administrator", "sp7", target_kind="sp")
        A.ca_policy(T("2026-09-29", "16:38:20"), "samuel", "Legacy pilot - block legacy authentication", "Delete")
        A.add_sp_event(T("2026-10-15", "10:05:55"), "omar", "sp4")
        A.ca_policy(T("2026-10-20", "13:52:31"), "yuki", "Block high-risk sign-ins", "Add")

        humans = [k for k in A.users]
        for d in days():
            weekend = d.weekday() >= 5
            for k in rng.sample(humans, rng.randint(0, 1) if weekend else rng.randint(2, 3)):
                A.signin_user(rtime(rng, d, 7, 19), k)
            for k in rng.sample(humans, rng.randint(0, 1) if weekend else rng.randint(0, 2)):
                A.signin_user(rtime(rng, d, 6, 22), k, interactive=False)
            if not weekend and rng.random() < 0.2:
                k = rng.choice(humans)
                A.signin_user(rtime(rng, d, 0, 23), k, ok=False, ip=rng.choice(ATTACK_IPS), geo="amsterdam")
            if d.day % 5 == 0:
                A.signin_user(rtime(rng, d, 9, 17), "pat")
            if not weekend and rng.random() < 0.25:
                t = rtime(rng, d, 9, 17)
                if rng.random() < 0.5:
                    A.update_user(t, A.by_user(rng.choice(["helena", "omar"])), rng.choice(["aisha", "ben", "chloe", "diego", "emma", "farid"]))
                else:
                    A.group_add(t, A.by_user("carlos"), rng.choice(["aisha", "ben", "farid"]), "Sales EMEA")
        # the XSS-named user acts in the directory (initiatedBy.user.displayName) twice a month
        for d in schedule("2026-05-07", "2026-10-22", 15):
            t = rtime(rng, d, 10, 16)
            A.signin_user(t - dt.timedelta(minutes=4), "pat")
            A.group_add(t, A.by_user("pat"), rng.choice(["ben", "chloe", "emma"]), "Project Falcon")

    def build_b(self):
        B, rng = self.B, self.rng
        window = [d for d in days() if d >= ENTRA_B_START]
        for i, d in enumerate(schedule(ENTRA_B_START, "2026-10-31", 2)):
            B.signin_sp(T(d, "01:15:40") if d == END else rtime(rng, d, 0, 4), "b1", "K", "storage")
        for d in window:
            weekend = d.weekday() >= 5
            for k in rng.sample(list(B.users), rng.randint(1, 2) if weekend else rng.randint(2, 4)):
                B.signin_user(rtime(rng, d, 7, 19), k)
            if rng.random() < 0.5:
                B.signin_user(rtime(rng, d, 6, 22), rng.choice(list(B.users)), interactive=False)
            if not weekend and rng.random() < 0.2:
                B.signin_user(rtime(rng, d, 0, 23), rng.choice(list(B.users)), ok=False,
                              ip=rng.choice(ATTACK_IPS), geo="amsterdam")
            if not weekend and rng.random() < 0.4:
                B.update_user(rtime(rng, d, 9, 17), B.by_user("noah"), rng.choice(["kai", "zoe", "hugo"]))
        B.add_owner_sp(T("2026-10-07", "11:23:45"), "noah", "b2", "kai")
        B.role_change(T("2026-10-09", "15:02:18"), "noah", "Global Administrator", "lucia")
        B.ca_policy(T("2026-10-14", "09:36:02"), "noah", "Require MFA for all users", "Update",
                    state="enabled", old_state="enabledForReportingButNotEnforced")
        B.add_sp_event(T("2026-10-20", "14:18:29"), "noah", "b3")
        B.update_user(T("2026-10-31", "16:44:12"), B.by_user("noah"), "hugo")

    def write(self, out):
        self.build_a()
        self.build_b()
        folder = os.path.join(out, "entra")
        files = []
        A, B = self.A, self.B
        # tenant A: Azure Monitor, one file per category per month
        buckets = {}
        for t, obj in A.audits:
            buckets.setdefault(("AuditLogs", t.strftime("%Y-%m")), []).append((t, am_audit_record(TID_A, t, obj)))
        for t, cat, obj in A.signins:
            buckets.setdefault((cat, t.strftime("%Y-%m")), []).append((t, am_signin_record(TID_A, t, cat, obj)))
        self.a_counts = {}
        for (cat, month) in sorted(buckets):
            recs = [r for _, r in sorted(buckets[(cat, month)], key=lambda x: (x[0], x[1]["correlationId"]))]
            path = os.path.join(folder, "azure-monitor", cat, "%s.json" % month)
            write_text(path, dumps_obj_with_array([], "records", recs))
            files.append((path, len(recs)))
            self.a_counts[cat] = self.a_counts.get(cat, 0) + len(recs)
        # tenant B: Graph pages, most recent first
        audits = [o for _, o in sorted(B.audits, key=lambda x: (x[0], x[1]["id"]), reverse=True)]
        signins = [o for _, _c, o in sorted(B.signins, key=lambda x: (x[0], x[2]["id"]), reverse=True)]
        files += self.write_graph(folder, "directoryAudits", audits, 10,
                                  "https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits",
                                  "https://graph.microsoft.com/v1.0/auditLogs/directoryAudits?$top=10&$skiptoken=")
        files += self.write_graph(folder, "signIns", signins, 100,
                                  "https://graph.microsoft.com/beta/$metadata#auditLogs/signIns",
                                  "https://graph.microsoft.com/beta/auditLogs/signIns?$filter=signInEventTypes/any(t:%20t%20eq%20'interactiveUser'%20or%20t%20eq%20'nonInteractiveUser'%20or%20t%20eq%20'servicePrincipal'%20or%20t%20eq%20'managedIdentity')&$top=100&$skiptoken=")
        self.b_audits, self.b_signins = audits, signins
        self.write_planted(folder)
        return files

    def write_graph(self, folder, name, items, page, context, next_base):
        files = []
        pages = [items[i:i + page] for i in range(0, len(items), page)]
        for n, chunk in enumerate(pages, 1):
            head = [("@odata.context", context)]
            if n < len(pages):
                head.append(("@odata.nextLink", next_base + det_str(ALNUM, 48, "skiptoken", name, n)))
            path = os.path.join(folder, GRAPH_DIR, "%s-page%d.json" % (name, n))
            write_text(path, dumps_obj_with_array(head, "value", chunk))
            files.append((path, len(chunk)))
        return files

    def write_planted(self, folder):
        A, B = self.A, self.B
        S = A.sps
        # usage derived from the output: successful SP/MI sign-ins (per SP and per key) and initiatedBy.app audits
        for tn in (A, B):
            sp_by_id = {sp.sp_id: k for k, sp in tn.sps.items()}
            tn.usage = {}
            for _t, _c, o in tn.signins:
                if o.get("servicePrincipalId") in sp_by_id and o["status"]["errorCode"] == 0:
                    spk = sp_by_id[o["servicePrincipalId"]]
                    tn.usage.setdefault(spk, []).append(o["createdDateTime"])
                    for kn, (kid, _l) in tn.sps[spk].keys.items():
                        if kid == o.get("servicePrincipalCredentialKeyId"):
                            tn.usage.setdefault((spk, kn), []).append(o["createdDateTime"])
            for _t, o in tn.audits:
                app = o["initiatedBy"].get("app")
                if app and app["servicePrincipalId"] in sp_by_id:
                    tn.usage.setdefault(sp_by_id[app["servicePrincipalId"]], []).append(o["activityDateTime"][:19] + "Z")

        def span(tn, key):
            u = tn.usage[key]
            return "%s .. %s" % (min(u), max(u))

        def lastd(tn, key):
            return max(tn.usage[key])

        def spcell(sp):
            return "%s (appId %s)" % (sp.sp_id, sp.app_id)

        rows_mi = [
            (spcell(S["sp1"]), "service principal `Reporting Data Export`", "exists before the window; ServicePrincipalSignInLogs every 2 days %s (key %s)" % (span(A, "sp1"), S["sp1"].keys["K1"][0]),
             "healthy: not flagged"),
            (spcell(S["sp6"]), "service principal `Invoice Processing Worker` (two client secrets, see credentials)", "signs in to %s" % lastd(A, "sp6"), "healthy: not flagged"),
            (spcell(S["sp7"]), "service principal `Automation Runbook`", "signs in every 3 days to %s; also initiatedBy.app of `Add member to group` every 2 weeks; made Global Administrator 2026-09-11" % lastd(A, "sp7"),
             "not dormant; `overbroad-delegated-admin` confirmed (see admin table)"),
            (spcell(S["mi"]), "managed identity `func-invoice-prod` (ManagedIdentitySignInLogs, msiType systemAssigned, empty callerIpAddress)", "signs in every day %s" % span(A, "mi"), "healthy: not flagged"),
            (spcell(S["sp2"]), "service principal `Legacy Ticket Sync`", "`Add service principal` 2026-05-05 by Helena Brandt; sign-ins %s; nothing after" % span(A, "sp2"),
             "`dormant-machine-identity` confirmed (last sign-in %s, 133 days before as_of)" % lastd(A, "sp2")[:10]),
            (spcell(S["sp3"]), "service principal `Survey Export Connector`", "`Add service principal` 2026-05-10 by Helena Brandt; never signs in",
             "`dormant-machine-identity` confirmed (never used, created 174 days before as_of)"),
            (spcell(S["sp4"]), "service principal `Vendor Risk Scanner`", "`Add service principal` 2026-10-15 by Omar Haddad; never signs in",
             "not flagged (grace period: created 16 days before as_of)"),
            (spcell(S["sp5"]), "service principal `Badge Reader Integration`", "exists before the window; sign-ins to %s; 2026-09-01 `Update service principal` AccountEnabled [true] -> [false] and `Remove service principal credentials` (key %s)" % (lastd(A, "sp5"), S["sp5"].keys["D"][0]),
             "not flagged (disabled)"),
            (spcell(S["sp5b"]), "service principal `Legacy Print Connector`", "exists before the window; sign-ins to %s; `Remove service principal` 2026-09-03 by Omar Haddad" % lastd(A, "sp5b"),
             "not flagged (deleted)"),
        ]
        k = lambda spk, kn: S[spk].keys[kn][0]
        rows_cred = [
            (k("sp1", "K1"), "client secret `reporting-prod-2026` of Reporting Data Export", "exists before the window; used %s" % span(A, ("sp1", "K1")), "healthy: not flagged"),
            (k("sp1", "K1b"), "client secret `reporting-spare` of Reporting Data Export", "`Add service principal credentials` 2026-05-08 by Helena Brandt (KeyDescription); never used",
             "`dormant-credential` confirmed (never used, created 176 days before as_of)"),
            (k("sp6", "A"), "key A `invoice-worker-primary` of Invoice Processing Worker", "exists before the window; used every 2 days %s" % span(A, ("sp6", "A")), "healthy: not flagged"),
            (k("sp6", "B"), "key B `invoice-worker-rotation` of Invoice Processing Worker", "`Update application \u2013 Certificates and secrets management ` 2026-05-06 on application object %s (KeyDescription old [A] new [A,B]); used %s" % (S["sp6"].app_obj, span(A, ("sp6", "B"))),
             "`dormant-credential` confirmed (last used %s, 143 days before as_of)" % lastd(A, ("sp6", "B"))[:10]),
            (k("sp2", "C"), "client secret `ticket-sync` of Legacy Ticket Sync", "`Add service principal credentials` 2026-05-05; used %s" % span(A, ("sp2", "C")),
             "`dormant-credential` confirmed (same facts as its dormant identity)"),
            (k("sp5", "D"), "client secret of Badge Reader Integration", "used to %s; removed 2026-09-01 (`Remove service principal credentials`)" % lastd(A, ("sp5", "D")), "not flagged (removed)"),
            (k("sp5b", "E"), "client secret of Legacy Print Connector", "used to %s; its service principal removed 2026-09-03" % lastd(A, ("sp5b", "E")), "not flagged (owner deleted)"),
            (k("sp7", "F"), "client secret of Automation Runbook", "used every 3 days to %s" % lastd(A, ("sp7", "F")), "healthy: not flagged"),
        ]
        U = A.users
        ucell = lambda key: "%s (%s)" % (U[key].id, U[key].upn)
        rows_admin = [
            (ucell("helena"), "Helena Brandt: acts as Global Administrator; her assignment predates the window (no event)", "not a holder in the evidence; not flagged"),
            (ucell("omar"), "`Add member to role` Global Administrator 2026-05-13 by Helena Brandt (existing global admin)",
             "`overbroad-delegated-admin` confirmed, reason: privileged role"),
            (ucell("nina"), "Global Administrator added 2026-06-04, `Remove member from role` 2026-07-16", "not flagged (revoked)"),
            (ucell("samuel"), "Global Administrator added 2026-06-11 (Helena), removed 2026-07-02 (Omar), added again 2026-08-06 (Omar): holds as of as_of",
             "`overbroad-delegated-admin` confirmed, reason: privileged role"),
            (ucell("yuki"), "Privileged Role Administrator added 2026-05-26 by Helena; then SELF-GRANT of Global Administrator 2026-08-21 (initiatedBy.user.id == targetResources[0].id)",
             "`overbroad-delegated-admin` confirmed, reasons: privileged role; self-granted; grantor was a delegated (non-global) admin granting a broader role"),
            (ucell("carlos"), "Groups Administrator added 2026-05-16 by Helena (delegated, non-privileged); he is the grantor of the next row",
             "not flagged unless the reference table lists Groups Administrator as privileged"),
            (spcell(S["sp7"]), "`Add member to role` Global Administrator 2026-09-11 by Carlos Mendes (Groups Administrator) with targetResources[0].type ServicePrincipal",
             "`overbroad-delegated-admin` confirmed, reasons: machine identity holding a privileged role; privileged role; grantor was a delegated admin granting a role broader than its own"),
        ]
        SB = B.sps
        rows_b = [
            (spcell(SB["b1"]), "service principal `Nightly Backup Agent`", "signs in every 2 days %s (key %s)" % (span(B, "b1"), SB["b1"].keys["K"][0]), "healthy: not flagged"),
            (spcell(SB["b2"]), "service principal `Legacy Fax Gateway`", "appears only in `Add owner to service principal` 2026-10-07; no sign-in in the 30-day window",
             "`dormant-machine-identity` **indeterminate** (window 30 days < dormant_days 90), never `confirmed`"),
            (spcell(SB["b3"]), "service principal `Expense Bot`", "`Add service principal` 2026-10-20; never signs in", "not flagged (grace period: created 11 days before as_of)"),
            ("%s (%s)" % (B.users["lucia"].id, B.users["lucia"].upn), "`Add member to role` Global Administrator 2026-10-09 by Noah Fischer", "`overbroad-delegated-admin` confirmed, reason: privileged role"),
        ]
        first_a = min([t for t, _ in A.audits] + [t for t, _c, _o in A.signins])
        last_a = max([t for t, _ in A.audits] + [t for t, _c, _o in A.signins])
        first_b = min([t for t, _ in B.audits] + [t for t, _c, _o in B.signins])
        last_b = max([t for t, _ in B.audits] + [t for t, _c, _o in B.signins])
        ops_a = {}
        for _t, o in A.audits:
            ops_a[o["activityDisplayName"]] = ops_a.get(o["activityDisplayName"], 0) + 1
        ops_b = {}
        for _t, o in B.audits:
            ops_b[o["activityDisplayName"]] = ops_b.get(o["activityDisplayName"], 0) + 1
        sb = {}
        for _t, _c, o in B.signins:
            sb[o["signInEventTypes"][0]] = sb.get(o["signInEventTypes"][0], 0) + 1
        text = ["# Microsoft Entra ID sample: what is planted\n",
                "Generated by `tools/sample-logs/gen_okta_aws_entra.py` (seed %d); do not edit by hand.\n" % SEED,
                "## Tenant A `%s` (Azure Monitor diagnostic-settings archive)\n" % TID_A,
                "- Files `azure-monitor/<Category>/YYYY-MM.json`, each `{\"records\":[...]}`; categories: %s." % ", ".join("%s %d" % kv for kv in sorted(self.a_counts.items())),
                "- Records: %d; first `%s`, last `%s`; window 184 days: dormancy verdicts are `confirmed`; as_of = 2026-10-31." % (sum(self.a_counts.values()), iso_7(first_a), iso_7(last_a)),
                "- `time` has a 7-digit fraction and `Z`; `properties.activityDateTime` / `properties.createdDateTime` use `+00:00`. "
                "Event uid = `properties.id`.",
                "- Service-principal sign-ins carry `servicePrincipalId`, `appId`, `servicePrincipalCredentialKeyId` (the key used); one failed SP sign-in (errorCode 7000215, empty key id) on 2026-07-22 for Reporting Data Export.",
                "- Credentials are described in `KeyDescription` as JSON-quoted lists of `[KeyIdentifier=<guid>,KeyType=Password,KeyUsage=Verify,DisplayName=<name>]`; the added key is newValue minus oldValue.",
                "- XSS: user %s (%s) has displayName `%s` in `initiatedBy.user.displayName` (`Add member to group`, twice a month) and in sign-ins (`userDisplayName`, top-level `identity`)." % (U["pat"].id, U["pat"].upn, XSS),
                "- No silent day; no planted logging gap in tenant A.\n",
                "### Machine identities\n", md_table(["subject id", "what", "facts", "expected"], rows_mi),
                "\n### Credentials\n", md_table(["subject id (keyId)", "what", "facts", "expected"], rows_cred),
                "\n### Admin roles (`Add member to role` / `Remove member from role`, `modifiedProperties` `Role.DisplayName`)\n",
                md_table(["subject id", "facts", "expected"], rows_admin),
                "\nHolders of Global Administrator as of 2026-10-31 according to the evidence: 4 (Omar Haddad, Samuel Osei, "
                "Yuki Tanaka, service principal Automation Runbook); with Privileged Role Administrator counted too it is still "
                "4 distinct identities (Yuki holds both): NOT above the default `max_super_admins` = 4.\n",
                "### Policy changes\n",
                "- `Add conditional access policy` 2026-06-08 (Require MFA for administrators, report-only) and 2026-10-20 (Block high-risk sign-ins); "
                "`Update conditional access policy` 2026-07-14; `Delete conditional access policy` 2026-09-29 (Legacy pilot - block legacy authentication).\n",
                "### Audit activity counts (tenant A)\n", md_table(["activityDisplayName", "events"], sorted(ops_a.items())),
                "\n## Tenant B `%s` (Microsoft Graph API pages, 30-day retention)\n" % TID_B,
                "- Files `graph/directoryAudits-page1.json`, `-page2.json` (v1.0) and `graph/signIns-page1.json`, `-page2.json` (beta shape, "
                "`signInEventTypes`), `{\"@odata.context\":..., \"@odata.nextLink\":..., \"value\":[...]}`, most recent first; the last page has no nextLink.",
                "- directoryAudits: %d, signIns: %d (signInEventTypes: %s); first `%s`, last `%s`." % (len(self.b_audits), len(self.b_signins),
                                                                                    ", ".join("%s %d" % kv for kv in sorted(sb.items())), iso_s(first_b), iso_s(last_b)),
                "- directoryAudits carry NO tenantId (the tenant comes from signIns `resourceTenantId`/`homeTenantId` = `%s`, or `--tenant`)." % TID_B,
                "- Evidence window 2026-10-02..2026-10-31 (30 days) < dormant_days 90: no dormancy can be `confirmed` in tenant B.\n",
                md_table(["subject id", "what", "facts", "expected"], rows_b),
                "\n### Audit activity counts (tenant B)\n", md_table(["activityDisplayName", "events"], sorted(ops_b.items())),
                ]
        write_text(os.path.join(folder, "PLANTED.md"), "\n".join(text) + "\n")


# ======================================================================================
# verification
# ======================================================================================

def parse_ts(s):
    """RFC 3339 with any fraction length and Z / +00:00."""
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    main, off = s[:-6], s[-6:]
    if "." in main:
        a, frac = main.split(".")
        main = a + "." + (frac + "000000")[:6]
    return dt.datetime.fromisoformat(main + off)


class Checker:
    def __init__(self):
        self.errors = []
        self.summary = []

    def check(self, cond, msg):
        if not cond:
            self.errors.append(msg)

    def events(self, label, evs, uid, ts, expect_first=None, gap=None, drop=None):
        ids, times = [], []
        for e in evs:
            i, t = uid(e), ts(e)
            self.check(bool(i), "%s: event without id: %s" % (label, json.dumps(e)[:200]))
            self.check(bool(t), "%s: event without timestamp: %s" % (label, i))
            if not t:
                continue
            p = parse_ts(t)
            self.check(T_MIN <= p <= T_MAX, "%s: %s out of range: %s" % (label, i, t))
            ids.append(i)
            times.append(p)
        self.check(len(ids) == len(set(ids)), "%s: duplicate ids" % label)
        self.check(max(times).date() == END, "%s: latest event %s is not on %s" % (label, max(times), END))
        first = expect_first or START
        per_day = {}
        for t in times:
            per_day[t.date()] = per_day.get(t.date(), 0) + 1
        d = first
        silent = []
        while d <= END:
            if per_day.get(d, 0) == 0:
                silent.append(d)
            d += dt.timedelta(days=1)
        want_silent = []
        if gap:
            d = gap[0]
            while d <= gap[1]:
                want_silent.append(d)
                d += dt.timedelta(days=1)
        self.check(silent == want_silent, "%s: silent days %s, expected %s" % (label, silent, want_silent))
        if drop:
            wk = sum(per_day.get(drop[0] + dt.timedelta(days=i), 0) for i in range(7))
            before = sum(per_day.get(drop[0] - dt.timedelta(days=7 - i), 0) for i in range(7))
            after = sum(per_day.get(drop[1] + dt.timedelta(days=1 + i), 0) for i in range(7))
            self.check(wk * 5 < min(before, after), "%s: drop week %d vs %d/%d" % (label, wk, before, after))
        return len(ids), min(times), max(times)


def verify(out, planted_ids):
    c = Checker()
    rows = []
    # Okta
    pages = sorted(f for f in os.listdir(os.path.join(out, OKTA_DIR)) if f.startswith("system-log-page-"))
    okta = []
    for f in pages:
        with open(os.path.join(out, OKTA_DIR, f), encoding="utf-8") as fh:
            arr = json.load(fh)
        c.check(isinstance(arr, list) and len(arr) <= 1000, "okta page %s not a list of <= 1000" % f)
        okta += arr
        rows.append((OKTA_DIR + "/" + f, len(arr)))
    n, a, b = c.events("okta", okta, lambda e: e.get("uuid"), lambda e: e.get("published"), drop=OKTA_DROP_WEEK)
    c.check(any(e["actor"].get("displayName") == XSS for e in okta), "okta: XSS display name missing")
    sup = {}
    for e in okta:
        if e["eventType"] == "user.account.privilege.grant" and e["debugContext"]["debugData"].get("privilegeGranted") == "Super administrator":
            sup[e["target"][0]["id"]] = True
        if e["eventType"] == "user.account.privilege.revoke" and e["debugContext"]["debugData"].get("privilegeRevoked") == "Super administrator":
            sup[e["target"][0]["id"]] = False
    c.check(sum(sup.values()) == 6, "okta: super admin holders %d != 6" % sum(sup.values()))
    c.summary.append(("okta", OKTA_ORG, n, a, b))
    # AWS
    root = os.path.join(out, "aws_cloudtrail")
    aws = []
    for dp, dn, fn in os.walk(os.path.join(root, "AWSLogs")):
        dn.sort()
        for f in sorted(fn):
            p = os.path.join(dp, f)
            with gzip.open(p, "rb") as g:
                doc = json.loads(g.read().decode("utf-8"))
            c.check(list(doc) == ["Records"], "aws: %s is not {\"Records\":[...]}" % p)
            recs = doc["Records"]
            day = os.path.relpath(dp, root).split(os.sep)[-3:]
            c.check(all(r["eventTime"][:10] == "-".join(day) for r in recs), "aws: %s has records of other days" % p)
            aws += recs
            rows.append((os.path.relpath(p, out), len(recs)))
    n, a, b = c.events("aws", aws, lambda r: r.get("eventID"), lambda r: r.get("eventTime"), gap=AWS_GAP)
    with open(os.path.join(root, "cloudwatch-single-record.json"), encoding="utf-8") as fh:
        single = json.load(fh)
    c.check(isinstance(single, dict) and single.get("eventID") in {r["eventID"] for r in aws},
            "aws: cloudwatch record is not a single record duplicating a trail event")
    rows.append(("aws_cloudtrail/cloudwatch-single-record.json", 1))
    c.summary.append(("aws_cloudtrail", ACCT, n, a, b))
    # Entra A
    am = []
    am_root = os.path.join(out, "entra", "azure-monitor")
    for cat in sorted(os.listdir(am_root)):
        for f in sorted(os.listdir(os.path.join(am_root, cat))):
            with open(os.path.join(am_root, cat, f), encoding="utf-8") as fh:
                doc = json.load(fh)
            c.check(list(doc) == ["records"], "entra: %s/%s not {\"records\":[...]}" % (cat, f))
            c.check(all(r["category"] == cat and r["tenantId"] == TID_A for r in doc["records"]), "entra: category/tenant mismatch in %s" % f)
            am += doc["records"]
            rows.append(("entra/azure-monitor/%s/%s" % (cat, f), len(doc["records"])))
    n, a, b = c.events("entra A", am, lambda r: r["properties"].get("id"), lambda r: r.get("time"))
    c.check(any(r["properties"].get("initiatedBy", {}).get("user", {}).get("displayName") == XSS for r in am),
            "entra: XSS initiatedBy displayName missing")
    c.summary.append(("entra", TID_A, n, a, b))
    # Entra B
    gb = []
    g_root = os.path.join(out, "entra", GRAPH_DIR)
    for f in sorted(os.listdir(g_root)):
        with open(os.path.join(g_root, f), encoding="utf-8") as fh:
            doc = json.load(fh)
        c.check("@odata.context" in doc and isinstance(doc.get("value"), list), "entra graph %s shape" % f)
        for o in doc["value"]:
            c.check("tenantId" not in o, "entra graph: tenantId present in %s" % f)
        gb += doc["value"]
        rows.append(("entra/" + GRAPH_DIR + "/" + f, len(doc["value"])))
    n, a, b = c.events("entra B", gb, lambda o: o.get("id"), lambda o: o.get("activityDateTime") or o.get("createdDateTime"),
                       expect_first=ENTRA_B_START)
    c.check(a.date() == ENTRA_B_START, "entra B: first event %s" % a)
    c.summary.append(("entra", TID_B, n, a, b))
    # planted ids really occur in the data, and sizes
    for prov, ids in planted_ids.items():
        blob = []
        size = 0
        for dp, _dn, fn in os.walk(os.path.join(out, prov)):
            for f in fn:
                p = os.path.join(dp, f)
                if f == "PLANTED.md":
                    continue
                data = gzip.open(p).read() if f.endswith(".gz") else open(p, "rb").read()
                size += len(data)
                blob.append(data.decode("utf-8"))
        blob = "\n".join(blob)
        for i in ids:
            c.check(i in blob, "%s: planted id %s not found in the data" % (prov, i))
        c.check(size < 3.3 * 1024 * 1024, "%s: %d bytes uncompressed" % (prov, size))
        c.summary.append((prov, "uncompressed bytes", size, None, None))
    return c, rows


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.normpath(os.path.join(here, "..", "..", "sample-logs")))
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    out = args.out
    for prov in ("okta", "aws_cloudtrail", "entra"):   # only our own folders
        p = os.path.join(out, prov)
        if os.path.isdir(p):
            shutil.rmtree(p)
    og, ag, eg = OktaGen(), AwsGen(), EntraGen()
    og.write(out)
    ag.write(out)
    eg.write(out)
    planted = {
        "okta": [v[1] for v in OKTA_APPS.values()] + [v[1] for v in OKTA_TOKENS.values()] + [u.id for u in OKTA_USERS] + [OKTA_SYSTEM["id"]],
        "aws_cloudtrail": [v[1] for v in AWS_KEYS.values()] + list(AWS_ROLES) + ["svc-legacy-backup", "svc-old-etl"],
        "entra": [x for tn in (eg.A, eg.B) for sp in tn.sps.values() for x in [sp.sp_id, sp.app_id] + [k for k, _ in sp.keys.values()]]
                 + [u.id for tn in (eg.A, eg.B) for u in tn.users.values()],
    }
    c, rows = verify(out, planted)
    if not args.quiet:
        print("%-100s %7s" % ("file", "events"))
        for f, n in rows:
            print("%-100s %7d" % (f, n))
        print()
        for prov, tenant, n, a, b in c.summary:
            if a is None:
                print("%-15s %-40s %d" % (prov, tenant, n))
            else:
                print("%-15s %-40s %5d events  %s .. %s" % (prov, tenant, n, a.isoformat(), b.isoformat()))
    if c.errors:
        print("\nVERIFY FAILED:", file=sys.stderr)
        for e in c.errors:
            print("  " + e, file=sys.stderr)
        return 1
    print("\nverify: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
