//! The frameworks table of claims: which SOC 2, ISO 27001, NIST CSF and OWASP NHI
//! references a claim supports, from its kind and category unless the profile names its own.

use crate::claims::{Claim, ClaimKind};
use crate::model::Category;

/// Framework references of a claim: the profile's own, else by kind and category.
pub fn frameworks(c: &Claim) -> Vec<String> {
    if !c.frameworks.is_empty() {
        return c.frameworks.clone();
    }
    let mut v: Vec<&str> = vec![
        "SOC 2 CC7.2",
        "ISO 27001:2022 A.8.15",
        "NIST CSF 2.0 PR.PS-04",
    ];
    match c.kind {
        ClaimKind::Retention | ClaimKind::Field => {
            v.extend(["ISO 27001:2022 A.8.16", "NIST CSF 2.0 DE.CM-03"])
        }
        ClaimKind::Latency => v.extend([
            "ISO 27001:2022 A.8.16",
            "NIST CSF 2.0 DE.CM-01",
            "NIST CSF 2.0 DE.CM-03",
        ]),
        ClaimKind::EventType | ClaimKind::Category => {}
    }
    match c.category.as_deref().and_then(|c| Category::parse(c).ok()) {
        Some(Category::Admin) => v.extend([
            "SOC 2 CC6.3",
            "ISO 27001:2022 A.5.18",
            "ISO 27001:2022 A.8.2",
            "NIST CSF 2.0 PR.AA-05",
            "OWASP NHI5",
        ]),
        Some(Category::Token) => v.extend([
            "SOC 2 CC6.1",
            "ISO 27001:2022 A.5.17",
            "NIST CSF 2.0 PR.AA-01",
            "OWASP NHI2",
            "OWASP NHI7",
        ]),
        Some(Category::Lifecycle) => v.extend([
            "SOC 2 CC6.2",
            "ISO 27001:2022 A.5.16",
            "NIST CSF 2.0 PR.AA-01",
            "OWASP NHI1",
        ]),
        Some(Category::Policy) => v.extend([
            "SOC 2 CC6.1",
            "ISO 27001:2022 A.5.15",
            "NIST CSF 2.0 PR.AA-05",
        ]),
        Some(Category::Authentication) => v.extend([
            "SOC 2 CC6.1",
            "ISO 27001:2022 A.8.16",
            "NIST CSF 2.0 DE.CM-03",
        ]),
        _ => {}
    }
    let mut out: Vec<String> = Vec::new();
    for f in v {
        if !out.iter().any(|x| x == f) {
            out.push(f.to_string());
        }
    }
    out
}
