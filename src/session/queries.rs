//! The SQL files of `queries/views/` and `queries/rules/`, found by `build.rs` when the
//! crate is built: a rule is its `.sql` file (and its `tests/slt/<id>.slt`), listed
//! nowhere else.
//!
//! A rule's header (`--` lines before the SQL) is its documentation and the one place
//! for what is said about it once: `-- rule: <id>`, `-- title: ...`, and `-- ## ...`
//! sections, of which `## Frameworks` gives the `frameworks` column of its findings.

/// Whether a query is a plain view or a rule producing findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    View,
    Rule,
}

/// One SQL file of `queries/`.
#[derive(Debug)]
pub struct Query {
    /// View name in SQL (rules: the rule id with `_` for `-`).
    pub name: &'static str,
    /// Rule id (for rules) or view name.
    pub id: &'static str,
    pub kind: Kind,
    pub sql: &'static str,
}

// Every query: the views first, each after the views it names; then the rules by id.
include!(concat!(env!("OUT_DIR"), "/queries.rs"));

/// The rules, in catalogue order (by id).
pub fn rules() -> impl Iterator<Item = &'static Query> {
    QUERIES.iter().filter(|q| q.kind == Kind::Rule)
}

/// The views of `queries/views/`, each after the views it names.
pub fn views() -> impl Iterator<Item = &'static Query> {
    QUERIES.iter().filter(|q| q.kind == Kind::View)
}

impl Query {
    /// The file this query was read from, relative to the crate.
    pub fn origin(&self) -> String {
        let dir = match self.kind {
            Kind::View => "views",
            Kind::Rule => "rules",
        };
        format!("queries/{dir}/{}.sql", self.id)
    }

    /// One `## heading` section of the header as a single paragraph.
    pub fn header_section(&self, heading: &str) -> String {
        header_section(self.sql, heading)
    }

    /// The frameworks of the header's `## Frameworks` section, without the words in
    /// parentheses: `OWASP NHI1 (Improper Offboarding), SOC 2 CC6.1` gives
    /// `["OWASP NHI1", "SOC 2 CC6.1"]`.
    pub fn frameworks(&self) -> Vec<String> {
        let text = self.header_section("Frameworks");
        let mut out = Vec::new();
        let (mut depth, mut item) = (0usize, String::new());
        for c in text.chars().chain([',']) {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    let name = item.split_whitespace().collect::<Vec<_>>().join(" ");
                    if !name.is_empty() {
                        out.push(name);
                    }
                    item.clear();
                }
                _ if depth == 0 => item.push(c),
                _ => {}
            }
        }
        out
    }

    /// Whether the session keeps this view's result once computed (every view, unless
    /// its header says `-- kept: no`): a view that is a narrow, cheap scan of the lake,
    /// which would take more memory kept than its scan takes time, says so.
    pub fn kept(&self) -> bool {
        self.kind == Kind::View && !header_lines(self.sql).any(|l| l.trim() == "kept: no")
    }

    /// The SQL without its `--` comment lines (what DataFusion plans).
    pub fn body(&self) -> String {
        strip_comments(self.sql)
    }
}

/// The text of a query's `--` header, one comment line at a time, without `-- `.
pub fn header_lines(sql: &str) -> impl Iterator<Item = &str> {
    sql.lines()
        .take_while(|l| l.trim_start().starts_with("--"))
        .map(|l| {
            let t = l.trim_start().trim_start_matches("--");
            t.strip_prefix(' ').unwrap_or(t)
        })
}

/// One `## heading` section of a query's header as a single paragraph.
pub fn header_section(sql: &str, heading: &str) -> String {
    let mut inside = false;
    let mut out: Vec<&str> = Vec::new();
    for line in header_lines(sql) {
        if let Some(h) = line.strip_prefix("## ") {
            inside = h.trim() == heading;
        } else if inside && !line.trim().is_empty() {
            out.push(line.trim());
        }
    }
    out.join(" ")
}

/// Drop `--` comment lines (the rule documentation) before handing SQL to DataFusion.
pub fn strip_comments(sql: &str) -> String {
    sql.lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A SQL string literal.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A rule's frameworks as a SQL expression, `make_array('OWASP NHI1', ...)`.
pub fn frameworks_sql(q: &Query) -> String {
    let items: Vec<String> = q.frameworks().iter().map(|f| quote(f)).collect();
    format!("make_array({})", items.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The identifiers a query's SQL names outside comments.
    fn words(sql: &str) -> Vec<String> {
        strip_comments(sql)
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect()
    }

    #[test]
    fn every_file_of_queries_is_listed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
        for (dir, kind) in [("views", Kind::View), ("rules", Kind::Rule)] {
            let mut on_disk: Vec<String> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "sql"))
                .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
                .collect();
            on_disk.sort();
            let mut listed: Vec<String> = QUERIES
                .iter()
                .filter(|q| q.kind == kind)
                .map(|q| q.id.to_string())
                .collect();
            listed.sort();
            assert_eq!(listed, on_disk, "queries/{dir}");
        }
        assert!(rules().count() > 0 && views().count() > 0);
    }

    #[test]
    fn views_are_kept_unless_their_header_says_not() {
        let kept = |name: &str| QUERIES.iter().find(|q| q.name == name).unwrap().kept();
        assert!(kept("identities"));
        assert!(!kept("evidence_events"));
        assert!(
            rules().all(|q| !q.kept()),
            "a rule is a view read once: never kept"
        );
    }

    #[test]
    fn rules_are_named_by_their_file_and_sorted() {
        let ids: Vec<&str> = rules().map(|q| q.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
        for q in rules() {
            assert_eq!(q.name, q.id.replace('-', "_"));
            assert_eq!(
                header_lines(q.sql).find_map(|l| l.strip_prefix("rule: ")),
                Some(q.id)
            );
        }
    }

    /// The manifest lists the views in this order: a view must come after the views
    /// it reads, whatever order the files are listed in.
    #[test]
    fn views_come_after_the_views_they_name() {
        let views: Vec<&Query> = views().collect();
        for (i, q) in views.iter().enumerate() {
            let named = words(q.sql);
            for later in &views[i + 1..] {
                assert!(
                    !named.iter().any(|w| w == later.name),
                    "{} names {}, listed after it",
                    q.name,
                    later.name
                );
            }
        }
        // access_reviews reads identities (alphabetically, it would come first).
        let pos = |n: &str| views.iter().position(|q| q.name == n).unwrap();
        assert!(pos("identities") < pos("access_reviews"));
    }

    #[test]
    fn every_rule_names_its_frameworks_once_in_its_header() {
        for q in rules() {
            let fw = q.frameworks();
            assert!(!fw.is_empty(), "{}: no `## Frameworks`", q.id);
            for f in &fw {
                assert!(
                    !f.contains(['(', ')', ',', '\'']) && f.len() < 40,
                    "{}: framework {f:?}",
                    q.id
                );
            }
            // The SQL does not say it a second time.
            assert!(
                !words(q.sql).iter().any(|w| w == "frameworks"),
                "{}: the SQL selects frameworks; the header's `## Frameworks` is their one place",
                q.id
            );
        }
    }

    #[test]
    fn frameworks_drop_the_words_in_parentheses() {
        let q = Query {
            name: "x",
            id: "x",
            kind: Kind::Rule,
            sql: "-- rule: x\n-- ## Frameworks\n-- OWASP NHI1 (Improper Offboarding, said twice), OWASP NHI7,\n--   SOC 2 CC6.1\n-- ## Other\n-- not, these\nSELECT 1",
        };
        assert_eq!(q.frameworks(), ["OWASP NHI1", "OWASP NHI7", "SOC 2 CC6.1"]);
        assert_eq!(
            frameworks_sql(&q),
            "make_array('OWASP NHI1', 'OWASP NHI7', 'SOC 2 CC6.1')"
        );
        assert_eq!(quote("it's"), "'it''s'");
    }
}
