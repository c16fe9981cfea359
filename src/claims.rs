//! Claims profiles (docs/design.md section 6): what each provider documents that it logs, as
//! TOML data files (`claims.toml` in each provider's folder, `src/providers/<name>/`)
//! compiled into the binary through the provider's descriptor. A user's own profile
//! (`--claims PATH`, same schema, documented in `claims/README.md`) replaces the built-in
//! profile of its provider.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};

/// What a claim is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimKind {
    EventType,
    Category,
    Field,
    Retention,
    Latency,
}

impl ClaimKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimKind::EventType => "event_type",
            ClaimKind::Category => "category",
            ClaimKind::Field => "field",
            ClaimKind::Retention => "retention",
            ClaimKind::Latency => "latency",
        }
    }
}

/// One documented claim.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// Stable id, unique within the profile (e.g. `okta.token.api_token`).
    pub id: String,
    pub kind: ClaimKind,
    /// The claim in words, as the documentation states it.
    pub statement: String,
    /// `event_type` claims: the event types (events.event_type) claimed to be logged.
    #[serde(default)]
    pub event_types: Vec<String>,
    /// `event_type` claims: claimed types whose absence other events reveal, by the
    /// implying events' action (`{ "system.api_token.create" = { action = "credential.use",
    /// strength = "strong" } }`); the `claimed_event_types` table carries them.
    #[serde(default)]
    pub implied_by: BTreeMap<String, Implied>,
    /// `category` claims: the category claimed; other kinds: narrows the events
    /// considered (field fill ratios, retention window) and picks the frameworks.
    #[serde(default)]
    pub category: Option<String>,
    /// `field` claims: JSON paths into `raw` that every event has (e.g. `["uuid"]`).
    #[serde(default)]
    pub fields: Vec<Vec<String>>,
    /// `field` claims: events-table columns that every event has.
    #[serde(default)]
    pub columns: Vec<String>,
    /// `retention` claims: days per licence tier (`{ free = 7, p1 = 30 }`).
    #[serde(default)]
    pub retention_days: BTreeMap<String, u32>,
    /// `retention` claims: the tenant's tier; unset = the smallest documented value.
    #[serde(default)]
    pub tier: Option<String>,
    /// `retention` claims: the export is stated to hold the whole retained history, so a
    /// covered window shorter than the retention contradicts the claim.
    #[serde(default)]
    pub export_complete: bool,
    /// The claim describes a continuous record: logging gaps contradict it.
    #[serde(default)]
    pub continuous: bool,
    /// `latency` claims: documented delivery delay in minutes (`{ typical_average = 5 }`).
    #[serde(default)]
    pub latency_minutes: BTreeMap<String, f64>,
    /// Framework references; unset = derived from kind and category.
    #[serde(default)]
    pub frameworks: Vec<String>,
    pub source_url: String,
    /// Retrieval date of the source, `YYYY-MM-DD`.
    pub retrieved: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// Events that imply a claimed event type happened.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Implied {
    /// The implying events' `action` (e.g. `credential.use`).
    pub action: String,
    pub strength: Strength,
}

/// How strongly the implying events show that the claimed type should be there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// The implying event cannot happen without it (a token used was created).
    Strong,
    /// It usually follows (a grant is usually revoked some day).
    Weak,
}

impl Strength {
    pub fn as_str(self) -> &'static str {
        match self {
            Strength::Strong => "strong",
            Strength::Weak => "weak",
        }
    }
}

/// One provider's profile.
#[derive(Debug, Clone)]
pub struct Profile {
    pub provider: String,
    pub title: String,
    pub claims: Vec<Claim>,
    /// Where it came from: `builtin:okta` or the file path.
    pub origin: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfileFile {
    provider: toml::Spanned<String>,
    title: String,
    #[serde(default)]
    claim: Vec<toml::Spanned<Claim>>,
}

/// Line and column (1-based) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1)
        + 1;
    (line, col)
}

fn located(origin: &str, text: &str, offset: usize, message: impl std::fmt::Display) -> Error {
    let (line, col) = line_col(text, offset);
    Error::Input {
        path: format!("{origin}:{line}:{col}"),
        message: format!("claims profile: {message}"),
    }
}

/// Parse and check one profile; errors name `origin`, the line and what was expected.
pub fn parse(origin: &str, text: &str) -> Result<Profile> {
    let file: ProfileFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        located(origin, text, offset, e.message().trim())
    })?;
    let provider_span = file.provider.span();
    let provider = file.provider.into_inner();
    if crate::providers::by_name(&provider).is_none() {
        let known: Vec<&str> = crate::providers::PROVIDERS.iter().map(|p| p.name).collect();
        return Err(located(
            origin,
            text,
            provider_span.start,
            format!(
                "unknown provider {provider:?}; expected one of {}",
                known.join(", ")
            ),
        ));
    }
    let mut ids = BTreeSet::new();
    let mut claims = Vec::new();
    for spanned in file.claim {
        let at = spanned.span().start;
        let c = spanned.into_inner();
        let fail = |m: String| located(origin, text, at, format!("claim {:?}: {m}", c.id));
        if c.id.trim().is_empty() {
            return Err(fail("expected a non-empty `id`".into()));
        }
        if !ids.insert(c.id.clone()) {
            return Err(fail("duplicate claim id".into()));
        }
        if let Some(cat) = &c.category {
            crate::model::Category::parse(cat).map_err(fail)?;
        }
        match c.kind {
            ClaimKind::EventType if c.event_types.is_empty() => {
                return Err(fail(
                    "kind = \"event_type\" needs `event_types = [\"...\"]`".into(),
                ));
            }
            ClaimKind::Category if c.category.is_none() => {
                return Err(fail(
                    "kind = \"category\" needs `category = \"...\"`".into(),
                ));
            }
            ClaimKind::Field if c.fields.is_empty() && c.columns.is_empty() => {
                return Err(fail(
                    "kind = \"field\" needs `fields = [[\"json\", \"path\"]]` (paths into raw) or `columns = [\"...\"]`"
                        .into(),
                ));
            }
            _ => {}
        }
        if let Some(t) = c.implied_by.keys().find(|t| !c.event_types.contains(t)) {
            return Err(fail(format!(
                "`implied_by` names {t:?}, which is not in `event_types`"
            )));
        }
        if c.fields
            .iter()
            .any(|p| p.is_empty() || p.iter().any(|k| k.is_empty()))
        {
            return Err(fail("a field path needs at least one non-empty key".into()));
        }
        let schema = crate::event::schema();
        for col in &c.columns {
            if schema.field_with_name(col).is_err() || col == "raw" {
                return Err(fail(format!(
                    "unknown events column {col:?}; expected a column of the events table"
                )));
            }
        }
        if let Some(tier) = &c.tier {
            if !c.retention_days.contains_key(tier) {
                return Err(fail(format!(
                    "tier {tier:?} has no value in `retention_days`"
                )));
            }
        }
        if c.latency_minutes
            .values()
            .any(|m| !m.is_finite() || *m < 0.0)
        {
            return Err(fail("`latency_minutes` values must be minutes >= 0".into()));
        }
        let date_ok = c.retrieved.len() == 10
            && chrono::NaiveDate::parse_from_str(&c.retrieved, "%Y-%m-%d").is_ok();
        if !date_ok {
            return Err(fail(format!(
                "`retrieved` must be a date YYYY-MM-DD, not {:?}",
                c.retrieved
            )));
        }
        if !(c.source_url.starts_with("https://") || c.source_url.starts_with("http://")) {
            return Err(fail(format!(
                "`source_url` must be an http(s) URL, not {:?}",
                c.source_url
            )));
        }
        claims.push(c);
    }
    Ok(Profile {
        provider,
        title: file.title,
        claims,
        origin: origin.to_string(),
    })
}

/// The built-in profiles, from the providers' descriptors, in provider order.
pub fn builtin() -> Vec<Profile> {
    crate::providers::PROVIDERS
        .iter()
        .map(|p| {
            parse(&format!("src/providers/{}/claims.toml", p.name), p.claims)
                .unwrap_or_else(|e| panic!("built-in claims profile: {e}"))
        })
        .collect()
}

/// The `claimed_event_types` reference table (CSV, all columns text) that the
/// `missing-event-type` rule and claims scoring read: one row per event type of the
/// built-in `event_type` claims, with the claim's category and source URL.
pub fn claimed_event_types_csv() -> String {
    let cell = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::from("provider,event_type,category,implied_by_action,strength,source\n");
    for p in builtin() {
        for c in p.claims.iter().filter(|c| c.kind == ClaimKind::EventType) {
            for t in &c.event_types {
                let implied = c.implied_by.get(t);
                let cells = [
                    p.provider.as_str(),
                    t,
                    c.category.as_deref().unwrap_or_default(),
                    implied.map_or("", |i| i.action.as_str()),
                    implied.map_or("", |i| i.strength.as_str()),
                    &c.source_url,
                ];
                out.push_str(&cells.map(cell).join(","));
                out.push('\n');
            }
        }
    }
    out
}

/// The built-in profiles, each replaced by the user's profile of the same provider when
/// `user` (a TOML file, or a folder of `*.toml` files) has one.
pub fn load(user: Option<&Path>) -> Result<Vec<Profile>> {
    let mut profiles = builtin();
    let Some(path) = user else {
        return Ok(profiles);
    };
    let files = if path.is_dir() {
        let mut v: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| Error::io(path, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        v.sort();
        if v.is_empty() {
            return Err(Error::Input {
                path: path.display().to_string(),
                message: "no .toml claims profile in this folder".into(),
            });
        }
        v
    } else {
        vec![path.to_path_buf()]
    };
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| Error::io(&f, e))?;
        let p = parse(&f.display().to_string(), &text)?;
        match profiles.iter_mut().find(|x| x.provider == p.provider) {
            Some(slot) => *slot = p,
            None => profiles.push(p),
        }
    }
    Ok(profiles)
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    fn profile_with_category(category: &str) -> String {
        format!(
            "provider = \"entra\"\ntitle = \"t\"\n\n[[claim]]\nid = \"c\"\nkind = \"category\"\n\
             statement = \"s\"\ncategory = \"{category}\"\n\
             source_url = \"https://learn.microsoft.com/x\"\nretrieved = \"2026-11-27\"\n"
        )
    }

    #[test]
    fn every_event_category_can_be_claimed() {
        // Each category the events table has, governance included (it was refused when
        // the claims schema kept its own list).
        for c in crate::model::Category::VARIANTS {
            let p = parse("p.toml", &profile_with_category(c.as_str()));
            assert!(p.is_ok(), "{c}: {:?}", p.err());
        }
        let e = parse("p.toml", &profile_with_category("admins"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown category \"admins\""), "{e}");
        assert!(e.contains("governance"), "{e}");
    }
}
