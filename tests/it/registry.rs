//! One test that every registry of providers agrees: each provider in `PROVIDERS` has
//! its folder `src/providers/<name>/` with a built-in claims profile naming it, its own
//! `admin_roles` rows, a generator and a labelled fixture, and nothing (a folder, a
//! samples folder, a claims profile, a reference-table row) names a provider that is
//! not in `PROVIDERS`.

use std::collections::BTreeSet;
use std::path::Path;

use trailcheck::claims;
use trailcheck::providers::{self, ADMIN_ROLES_HEADER, PROVIDERS};

use crate::common::{provider_dir, samples_dir};

/// The names of the sub-folders of `dir`.
fn folders(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn every_provider_is_one_folder_and_every_registry_agrees() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let names: BTreeSet<String> = PROVIDERS.iter().map(|p| p.name.to_string()).collect();
    assert_eq!(
        names.len(),
        PROVIDERS.len(),
        "a provider name is listed twice"
    );
    let mut problems = Vec::new();
    for p in PROVIDERS {
        let dir = provider_dir(p.name);
        let at = |file: &str| format!("{}: src/providers/{}/{file}", p.name, p.name);
        for file in ["mod.rs", "generate.rs", "claims.toml", "admin_roles.csv"] {
            if !dir.join(file).is_file() {
                problems.push(format!("{} is missing", at(file)));
            }
        }

        // The built-in claims profile names this provider.
        match claims::parse(&at("claims.toml"), p.claims) {
            Ok(profile) if profile.provider != p.name => problems.push(format!(
                "{}: the built-in claims profile names provider {:?}",
                at("claims.toml"),
                profile.provider
            )),
            Ok(profile) if profile.claims.is_empty() => problems.push(format!(
                "{}: the built-in claims profile has no claim",
                at("claims.toml")
            )),
            Ok(_) => {}
            Err(e) => problems.push(format!("{}: {e}", at("claims.toml"))),
        }

        // Its admin roles, and only its own.
        let mut lines = p.admin_roles.lines().filter(|l| !l.trim().is_empty());
        if lines.next() != Some(ADMIN_ROLES_HEADER) {
            problems.push(format!(
                "{}: the header is not {ADMIN_ROLES_HEADER:?}",
                at("admin_roles.csv")
            ));
        }
        let rows: Vec<&str> = lines.collect();
        if rows.is_empty() {
            problems.push(format!("{}: no admin role", at("admin_roles.csv")));
        }
        for row in rows {
            if row.split(',').next() != Some(p.name) {
                problems.push(format!(
                    "{}: row {row:?} is not this provider's",
                    at("admin_roles.csv")
                ));
            }
        }

        // Its labelled cases (tests/it/labelled.rs checks what they say).
        let labelled = dir.join("labelled.jsonl");
        if !std::fs::read_to_string(&labelled)
            .is_ok_and(|t| t.lines().any(|l| !l.trim().is_empty()))
        {
            problems.push(format!("{} is missing or empty", at("labelled.jsonl")));
        }
    }

    // Every provider folder and samples folder names a listed provider.
    for folder in folders(&root.join("src/providers")) {
        if !names.contains(&folder) {
            problems.push(format!(
                "src/providers/{folder}/ is not listed in PROVIDERS (src/providers/mod.rs)"
            ));
        }
    }
    let listed_samples: BTreeSet<String> = PROVIDERS
        .iter()
        .filter_map(|p| samples_dir(p.name))
        .map(|d| d.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for folder in folders(&root.join("tests/fixtures/samples")) {
        if !listed_samples.contains(&folder) {
            problems.push(format!(
                "tests/fixtures/samples/{folder}/ belongs to no provider in PROVIDERS"
            ));
        }
    }

    // The places providers' data used to live hold none.
    for old in ["claims", "queries/reference", "tests/fixtures/labelled"] {
        let stale: Vec<String> = std::fs::read_dir(root.join(old))
            .into_iter()
            .flatten()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.extension()
                    .is_some_and(|x| x == "toml" || x == "csv" || x == "jsonl")
            })
            .map(|p| p.display().to_string())
            .collect();
        if !stale.is_empty() {
            problems.push(format!(
                "{old}/ holds {stale:?}: provider data lives in src/providers/<name>/"
            ));
        }
    }

    // The assembled tables name listed providers only, each with rows.
    for (table, csv) in [
        ("admin_roles", providers::admin_roles_csv()),
        ("claimed_event_types", claims::claimed_event_types_csv()),
    ] {
        let in_table: BTreeSet<String> = csv
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').next())
            .map(str::to_string)
            .collect();
        if in_table != names {
            problems.push(format!(
                "the {table} table names providers {in_table:?}, PROVIDERS {names:?}"
            ));
        }
    }
    let builtin: Vec<String> = claims::builtin().into_iter().map(|p| p.provider).collect();
    let builtin_set: BTreeSet<String> = builtin.iter().cloned().collect();
    if builtin_set != names || builtin.len() != names.len() {
        problems.push(format!(
            "built-in claims profiles are for {builtin:?}, PROVIDERS {names:?}"
        ));
    }

    #[cfg(feature = "generate")]
    {
        let generated: Vec<&str> = trailcheck::generate::providers()
            .iter()
            .map(|p| p.name)
            .collect();
        let streams: BTreeSet<u64> = PROVIDERS.iter().map(|p| p.generator.stream).collect();
        if streams.len() != PROVIDERS.len() {
            problems.push("two generators share a `stream` (each provider needs its own)".into());
        }
        if generated.len() != PROVIDERS.len() {
            problems.push(format!("generate runs {generated:?}"));
        }
    }

    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}
