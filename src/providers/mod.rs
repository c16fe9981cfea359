//! Providers: one folder per identity provider, each turning one native record into
//! [`Event`] rows (or a reason why it cannot).
//!
//! Every provider is listed once in [`PROVIDERS`]; detection, `--provider`, the built-in
//! claims profiles, the `admin_roles` reference table, `trailcheck generate` and the
//! documentation all read that list. A provider is one folder `src/providers/<name>/`:
//!
//! | file | what |
//! |---|---|
//! | `mod.rs` | its [`Provider`] descriptor: detection and the mapper |
//! | `generate.rs` | its synthetic-export generator (feature `generate`) |
//! | `claims.toml` | its built-in claims profile (schema in `claims/README.md`) |
//! | `admin_roles.csv` | its rows of the `admin_roles` reference table |
//! | `labelled.jsonl` | labelled mapping cases (tests/it/labelled.rs) |
//!
//! and one line in [`PROVIDERS`]; tests/it/registry.rs checks that they agree.

use crate::json::Value;
use sha2::{Digest, Sha256};

use crate::event::Event;
use crate::time;

/// What a provider module exposes.
pub struct Provider {
    /// Stable name used in the lake (`provider=` partition) and on the command line.
    pub name: &'static str,
    /// Human title.
    pub title: &'static str,
    /// Whether a record has this provider's shape.
    pub detect: fn(&Value<'_>) -> bool,
    /// Map one record to one or more events.
    pub map: fn(&Value<'_>, &Context<'_>) -> Result<Vec<Event>, String>,
    /// The built-in claims profile (TOML, `claims.toml` in the provider's folder).
    pub claims: &'static str,
    /// Its rows of the `admin_roles` reference table (CSV with the header
    /// [`ADMIN_ROLES_HEADER`], `admin_roles.csv` in the provider's folder).
    pub admin_roles: &'static str,
    /// Its synthetic-export generator (`generate.rs` in the provider's folder).
    #[cfg(feature = "generate")]
    pub generator: crate::generate::kit::Generator,
}

/// The header of every provider's `admin_roles.csv`.
pub const ADMIN_ROLES_HEADER: &str = "provider,role_pattern,level,source";

/// The `admin_roles` reference table (CSV, all columns text): every provider's rows, in
/// provider order, under one header.
pub fn admin_roles_csv() -> String {
    let mut out = format!("{ADMIN_ROLES_HEADER}\n");
    for p in PROVIDERS {
        let mut lines = p.admin_roles.lines();
        assert_eq!(
            lines.next(),
            Some(ADMIN_ROLES_HEADER),
            "{}: admin_roles.csv header",
            p.name
        );
        for line in lines.filter(|l| !l.trim().is_empty()) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Declares each provider's module (its folder) and lists it in [`PROVIDERS`]: one
/// line per provider.
macro_rules! providers {
    ($($name:ident),* $(,)?) => {
        $(pub mod $name;)*

        /// All providers, in detection order.
        pub static PROVIDERS: &[&Provider] = &[$(&$name::PROVIDER),*];
    };
}

providers! {
    okta,
    aws_cloudtrail,
    entra,
    google_workspace,
    gcp_audit,
    github,
}

/// Look a provider up by name.
pub fn by_name(name: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().copied().find(|p| p.name == name)
}

/// Names of all providers, for messages.
pub fn names() -> Vec<&'static str> {
    PROVIDERS.iter().map(|p| p.name).collect()
}

/// The provider whose shape this record has.
pub fn detect(v: &Value<'_>) -> Option<&'static Provider> {
    PROVIDERS.iter().copied().find(|p| (p.detect)(v))
}

/// What a mapper knows besides the record itself.
#[derive(Debug, Clone, Default)]
pub struct Context<'a> {
    /// `--tenant`: overrides whatever the event says.
    pub tenant_override: Option<&'a str>,
    /// A `tenant=` / `tenantId=` folder in the input path: used when the event names none.
    pub tenant_hint: Option<&'a str>,
    /// The raw bytes of the record, for a stable uid where the provider gives none.
    pub raw: &'a [u8],
}

impl Context<'_> {
    /// The tenant for an event: `--tenant`, else the event's own, else the path hint,
    /// else `unknown`.
    pub fn tenant(&self, from_event: Option<&str>) -> String {
        self.tenant_override
            .or(from_event.filter(|t| !t.is_empty()))
            .or(self.tenant_hint)
            .unwrap_or("unknown")
            .to_string()
    }
}

/// The value at a path of object keys (array elements by decimal index).
pub fn at<'v, 'a>(v: &'v Value<'a>, path: &[&str]) -> Option<&'v Value<'a>> {
    let mut cur = v;
    for k in path {
        cur = match cur {
            Value::Object(o) => o.get(k)?,
            Value::Array(a) => a.get(k.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// The non-empty string at a path (numbers and booleans are rendered as text).
pub fn str_at<'v>(v: &'v Value<'_>, path: &[&str]) -> Option<&'v str> {
    match at(v, path)? {
        Value::String(s) if !s.is_empty() => Some(s),
        _ => None,
    }
}

/// Owned non-empty string at a path; numbers are rendered as text.
pub fn string_at(v: &Value<'_>, path: &[&str]) -> Option<String> {
    match at(v, path)? {
        Value::String(s) if !s.is_empty() => Some(s.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// First non-empty string among several paths.
pub fn first_string(v: &Value<'_>, paths: &[&[&str]]) -> Option<String> {
    paths.iter().find_map(|p| string_at(v, p))
}

/// A stable id for a record that has none: SHA-256 of the raw bytes, 32 hex digits.
pub fn stable_uid(raw: &[u8]) -> String {
    let digest = Sha256::digest(raw);
    format!("sha256:{}", &hex::encode(digest)[..32])
}

/// The provider's id at `path`, else a stable hash of the raw record.
pub fn uid_or_hash(v: &Value<'_>, path: &[&str], ctx: &Context<'_>) -> String {
    string_at(v, path).unwrap_or_else(|| stable_uid(ctx.raw))
}

/// Parse the timestamp at the first present path. Returns micros and, when the text was
/// not RFC 3339, the original text for `time_raw`.
pub fn time_at(v: &Value<'_>, paths: &[&[&str]]) -> Result<(i64, Option<String>), String> {
    let mut last_err = None;
    for p in paths {
        if let Some(t) = at(v, p).filter(|t| !t.is_null()) {
            match time::parse_json(t) {
                Ok(parsed) => {
                    let raw = (!parsed.rfc3339).then(|| match t {
                        Value::String(s) => s.to_string(),
                        other => other.to_string(),
                    });
                    return Ok((parsed.micros, raw));
                }
                Err(e) => last_err = Some(format!("{}: {e}", p.join("."))),
            }
        }
    }
    Err(last_err.unwrap_or_else(|| {
        let names: Vec<String> = paths.iter().map(|p| p.join(".")).collect();
        format!("missing timestamp (expected {})", names.join(" or "))
    }))
}

/// The required event type at the first present path.
pub fn required_type(v: &Value<'_>, paths: &[&[&str]]) -> Result<String, String> {
    first_string(v, paths).ok_or_else(|| {
        let names: Vec<String> = paths.iter().map(|p| p.join(".")).collect();
        format!("missing event type (expected {})", names.join(" or "))
    })
}

/// Whether the object has all these keys.
pub fn has_keys(v: &Value<'_>, keys: &[&str]) -> bool {
    v.as_object()
        .is_some_and(|o| keys.iter().all(|k| o.contains_key(k)))
}
