//! Rewrites of what clients' catalog queries ask into what DataFusion can answer, applied
//! by the gate ([`super::gate`]) to every statement before it is planned, over both
//! protocols. Each rewrite touches only catalog reads (`pg_catalog`,
//! `information_schema`), never a query of the lake's tables.
//!
//! - `information_schema.columns.data_type` in PostgreSQL's words (`text`, `timestamp with
//!   time zone`, `ARRAY`), not Arrow's (`Utf8View`, `Timestamp(µs, "UTC")`): the table is
//!   read through a subquery that maps the type with [`pg_type_oid`] (the type
//!   `pg_attribute.atttypid` reports) and `pg_catalog.format_type` (what `\d` and the
//!   drivers show), so the two catalogs agree.
//! - A correlated scalar subquery over catalog tables that is not an aggregate (SQLAlchemy's
//!   column reflection: `CASE WHEN atthasdef THEN (SELECT pg_get_expr(..) FROM pg_attrdef
//!   WHERE atthasdef AND adrelid = attrelid ..)`): DataFusion decorrelates only aggregated
//!   subqueries whose predicates read their own tables, so the value is taken with `max()`
//!   (a catalog row is unique by its key: the same answer) and predicates that read only
//!   the outer query move out into a `CASE WHEN`.
//!
//! Upstream (datafusion-postgres) these would be `SqlStatementRewriteRule`s of its parser.

use std::ops::ControlFlow;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int32Array};
use arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::sql::sqlparser::ast::{
    BinaryOperator, Expr, GroupByExpr, ObjectName, Query, SelectItem, SetExpr, Statement,
    TableFactor, Visit, VisitMut, Visitor, VisitorMut,
};
use datafusion::sql::sqlparser::dialect::PostgreSqlDialect;
use datafusion::sql::sqlparser::parser::Parser;

/// The statement rewritten for DataFusion, or `None` when nothing needed it.
pub fn rewrite(statement: &Statement) -> Option<Statement> {
    let mut s = statement.clone();
    let mut v = Rewriter { changed: false };
    let _ = VisitMut::visit(&mut s, &mut v);
    v.changed.then_some(s)
}

struct Rewriter {
    changed: bool,
}

impl VisitorMut for Rewriter {
    type Break = ();

    fn post_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<()> {
        if let TableFactor::Table {
            name,
            alias,
            args: None,
            ..
        } = factor
        {
            let parts = idents(name);
            let derived = if is_information_schema_columns(name) {
                let alias = alias
                    .as_ref()
                    .map_or_else(|| "columns".to_string(), |a| a.to_string());
                columns_in_pg_words(&alias)
            } else if matches!(
                parts
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .as_slice(),
                ["pg_catalog", "pg_cursors"] | ["pg_cursors"]
            ) {
                let alias = alias
                    .as_ref()
                    .map_or_else(|| "pg_cursors".to_string(), |a| a.to_string());
                derived_table(&format!("{NO_CURSORS} AS {alias}"))
            } else {
                None
            };
            if let Some(derived) = derived {
                *factor = derived;
                self.changed = true;
            }
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        // `typinput = 'array_in'::regproc` (the JDBC driver's array test): upstream turns
        // the cast into `(SELECT oid FROM pg_proc WHERE proname = 'array_in')` but keeps
        // `pg_type`'s regproc columns as the functions' names, so the two cannot be
        // compared; compare the names.
        if let Expr::BinaryOp { left, op, right } = expr
            && matches!(op, BinaryOperator::Eq | BinaryOperator::NotEq)
        {
            let name = |col: &Expr, other: &Expr| {
                is_regproc_name_column(col)
                    .then(|| proc_oid_lookup(other))
                    .flatten()
                    .map(|n| {
                        let n = n.strip_prefix("pg_catalog.").unwrap_or(&n).to_string();
                        Expr::Value(
                            datafusion::sql::sqlparser::ast::Value::SingleQuotedString(n).into(),
                        )
                    })
            };
            if let Some(v) = name(left, right) {
                **right = v;
                self.changed = true;
            } else if let Some(v) = name(right, left) {
                **left = v;
                self.changed = true;
            }
        }
        // Grafana's table list: upstream replaces its search_path subquery with `''`
        // (`quote_ident(table_schema) IN ('')`, no table ever); the schema is `public`.
        if let Expr::InList {
            expr: e,
            list,
            negated: false,
        } = expr
            && e.to_string()
                .eq_ignore_ascii_case("quote_ident(table_schema)")
            && list.len() == 1
            && list[0].to_string() == "''"
        {
            list[0] = Expr::Value(
                datafusion::sql::sqlparser::ast::Value::SingleQuotedString("public".into()).into(),
            );
            self.changed = true;
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::Subquery(q) = expr
            && let Some(new) = decorrelatable(q)
        {
            *expr = new;
            self.changed = true;
        }
        ControlFlow::Continue(())
    }
}

/// `pg_catalog.pg_cursors` with PostgreSQL's columns. It lists no cursor: psycopg asks
/// it whether a named cursor it never executed was declared, before closing it.
const NO_CURSORS: &str = "(SELECT CAST(NULL AS TEXT) AS name, CAST(NULL AS TEXT) AS statement, \
     CAST(NULL AS BOOLEAN) AS is_holdable, CAST(NULL AS BOOLEAN) AS is_binary, \
     CAST(NULL AS BOOLEAN) AS is_scrollable, CAST(NULL AS TIMESTAMP WITH TIME ZONE) AS creation_time \
     WHERE false)";

/// `pg_type`'s regproc columns, which hold the functions' names.
fn is_regproc_name_column(e: &Expr) -> bool {
    let name = match e {
        Expr::Identifier(i) => &i.value,
        Expr::CompoundIdentifier(parts) => &parts[parts.len() - 1].value,
        _ => return false,
    };
    matches!(
        name.to_ascii_lowercase().as_str(),
        "typinput"
            | "typoutput"
            | "typreceive"
            | "typsend"
            | "typmodin"
            | "typmodout"
            | "typanalyze"
    )
}

/// The name in upstream's `(SELECT oid FROM pg_catalog.pg_proc WHERE proname = 'name')`.
fn proc_oid_lookup(e: &Expr) -> Option<String> {
    let Expr::Subquery(q) = e else { return None };
    let SetExpr::Select(s) = q.body.as_ref() else {
        return None;
    };
    let [t] = s.from.as_slice() else { return None };
    let TableFactor::Table { name, .. } = &t.relation else {
        return None;
    };
    if idents(name).last().map(String::as_str) != Some("pg_proc") || !t.joins.is_empty() {
        return None;
    }
    let Some(Expr::BinaryOp {
        left,
        op: BinaryOperator::Eq,
        right,
    }) = &s.selection
    else {
        return None;
    };
    if left.to_string().to_ascii_lowercase().ends_with("proname")
        && let Expr::Value(v) = &**right
        && let datafusion::sql::sqlparser::ast::Value::SingleQuotedString(name) = &v.value
    {
        return Some(name.clone());
    }
    None
}

/// The table factor of `SELECT 1 FROM <text>`.
fn derived_table(text: &str) -> Option<TableFactor> {
    let mut stmt = Parser::new(&PostgreSqlDialect {})
        .try_with_sql(&format!("SELECT 1 FROM {text}"))
        .ok()?
        .parse_statement()
        .ok()?;
    let Statement::Query(q) = &mut stmt else {
        return None;
    };
    let SetExpr::Select(s) = q.body.as_mut() else {
        return None;
    };
    Some(s.from.pop()?.relation)
}

fn idents(name: &ObjectName) -> Vec<String> {
    name.0
        .iter()
        .filter_map(|p| p.as_ident())
        .map(|i| i.value.to_ascii_lowercase())
        .collect()
}

fn is_information_schema_columns(name: &ObjectName) -> bool {
    let parts = idents(name);
    matches!(
        parts
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .as_slice(),
        ["information_schema", "columns"] | [_, "information_schema", "columns"]
    )
}

/// `information_schema.columns` with `data_type` as PostgreSQL names it.
fn columns_in_pg_words(alias: &str) -> Option<TableFactor> {
    let oid = "pg_type_oid(c.data_type)";
    let sql = format!(
        "(SELECT c.table_catalog, c.table_schema, c.table_name, c.column_name, \
         c.ordinal_position, c.column_default, c.is_nullable, \
         CASE WHEN {oid} IS NULL THEN c.data_type \
              WHEN pg_type_is_array(c.data_type) THEN 'ARRAY' \
              ELSE format_type({oid}, NULL) END AS data_type, \
         c.character_maximum_length, c.character_octet_length, c.numeric_precision, \
         c.numeric_precision_radix, c.numeric_scale, c.datetime_precision, c.interval_type \
         FROM information_schema.columns AS c) AS {alias}"
    );
    derived_table(&sql)
}

/// Aggregates a scalar subquery may already take its value with.
const AGGREGATES: &[&str] = &[
    "max",
    "min",
    "count",
    "sum",
    "avg",
    "array_agg",
    "string_agg",
    "bool_and",
    "bool_or",
    "every",
    "json_agg",
    "first_value",
    "last_value",
];

/// The names a subquery's own tables are referred to by (alias, or name and last part).
fn own_names(from: &[datafusion::sql::sqlparser::ast::TableWithJoins]) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let factors = from
        .iter()
        .flat_map(|t| std::iter::once(&t.relation).chain(t.joins.iter().map(|j| &j.relation)));
    for f in factors {
        let TableFactor::Table {
            name,
            alias,
            args: None,
            ..
        } = f
        else {
            return None;
        };
        let parts = idents(name);
        let catalog = match parts.as_slice() {
            [.., schema, _] => schema == "pg_catalog" || schema == "information_schema",
            [table] => table.starts_with("pg_"),
            [] => false,
        };
        if !catalog {
            return None;
        }
        match alias {
            Some(a) => names.push(a.name.value.to_ascii_lowercase()),
            None => {
                names.push(parts.join("."));
                names.extend(parts.last().cloned());
            }
        }
    }
    (!names.is_empty()).then_some(names)
}

/// Whether `e` reads only columns of the outer query: every column it names is qualified
/// by a table that is not the subquery's own, and it holds no subquery.
fn outer_only(e: &Expr, own: &[String]) -> bool {
    struct Check<'a> {
        own: &'a [String],
        columns: usize,
        inner: bool,
    }
    impl Visitor for Check<'_> {
        type Break = ();
        fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
            match e {
                Expr::Identifier(_) | Expr::Subquery(_) | Expr::Exists { .. } => {
                    self.inner = true;
                    ControlFlow::Break(())
                }
                Expr::InSubquery { .. } => {
                    self.inner = true;
                    ControlFlow::Break(())
                }
                Expr::CompoundIdentifier(parts) => {
                    let q: Vec<String> = parts[..parts.len() - 1]
                        .iter()
                        .map(|i| i.value.to_ascii_lowercase())
                        .collect();
                    let full = q.join(".");
                    let last = q.last().cloned().unwrap_or_default();
                    if self.own.contains(&full) || self.own.contains(&last) {
                        self.inner = true;
                        return ControlFlow::Break(());
                    }
                    self.columns += 1;
                    ControlFlow::Continue(())
                }
                _ => ControlFlow::Continue(()),
            }
        }
    }
    let mut c = Check {
        own,
        columns: 0,
        inner: false,
    };
    let _ = e.visit(&mut c);
    !c.inner && c.columns > 0
}

fn conjuncts(e: Expr, out: &mut Vec<Expr>) {
    match e {
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            conjuncts(*left, out);
            conjuncts(*right, out);
        }
        Expr::Nested(inner)
            if matches!(
                *inner,
                Expr::BinaryOp {
                    op: BinaryOperator::And,
                    ..
                }
            ) =>
        {
            conjuncts(*inner, out)
        }
        other => out.push(other),
    }
}

fn and_all(es: Vec<Expr>) -> Option<Expr> {
    es.into_iter().reduce(|l, r| Expr::BinaryOp {
        left: Box::new(l),
        op: BinaryOperator::And,
        right: Box::new(r),
    })
}

fn is_aggregate(e: &Expr) -> bool {
    match e {
        Expr::Function(f) => idents(&f.name)
            .last()
            .is_some_and(|n| AGGREGATES.contains(&n.as_str())),
        Expr::Nested(e) => is_aggregate(e),
        _ => false,
    }
}

/// A scalar subquery over catalog tables that DataFusion cannot decorrelate, rewritten so
/// it can; `None` for any other subquery.
fn decorrelatable(q: &Query) -> Option<Expr> {
    if q.with.is_some() || q.limit_clause.is_some() || q.fetch.is_some() || q.order_by.is_some() {
        return None;
    }
    let SetExpr::Select(select) = q.body.as_ref() else {
        return None;
    };
    let no_group = matches!(&select.group_by, GroupByExpr::Expressions(g, _) if g.is_empty());
    if !no_group || select.having.is_some() || select.distinct.is_some() {
        return None;
    }
    let [item] = select.projection.as_slice() else {
        return None;
    };
    let value = match item {
        SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. } => e,
        _ => return None,
    };
    if is_aggregate(value) {
        return None;
    }
    let own = own_names(&select.from)?;
    // Only correlated subqueries need it: one naming a column of the outer query.
    let mut outer = Vec::new();
    let mut inner = Vec::new();
    if let Some(w) = select.selection.clone() {
        let mut all = Vec::new();
        conjuncts(w, &mut all);
        for c in all {
            if outer_only(&c, &own) {
                outer.push(c);
            } else {
                inner.push(c);
            }
        }
    }
    let mut names_outer = false;
    let _ = q.visit(&mut NamesOuter {
        own: &own,
        found: &mut names_outer,
    });
    if !names_outer {
        return None;
    }
    let inner = and_all(inner);
    // `(SELECT max(e) FROM <own tables> WHERE <inner predicates>)`.
    let taken = |call: String| -> Option<Expr> {
        let mut q = q.clone();
        let SetExpr::Select(select) = q.body.as_mut() else {
            return None;
        };
        select.selection = inner.clone();
        let value = parse_expr(&call)?;
        select.projection = vec![match &select.projection[0] {
            SelectItem::ExprWithAlias { alias, .. } => SelectItem::ExprWithAlias {
                expr: value,
                alias: alias.clone(),
            },
            _ => SelectItem::UnnamedExpr(value),
        }];
        Some(Expr::Subquery(Box::new(q)))
    };
    let sub = if !names_outer_in(value, &own) {
        taken(format!("max({value})"))?
    } else {
        // The value itself reads the outer row (SQLAlchemy's identity options:
        // `json_build_object('always', attidentity = 'a', 'start', seqstart, ..)`), which
        // DataFusion cannot decorrelate: a function of arguments that each read either
        // side is computed outside, each argument of the subquery's own tables taken by
        // a subquery of its own, and NULL when the subquery finds no row.
        let Expr::Function(f) = value else {
            return None;
        };
        let datafusion::sql::sqlparser::ast::FunctionArguments::List(list) = &f.args else {
            return None;
        };
        let mut f = f.clone();
        let datafusion::sql::sqlparser::ast::FunctionArguments::List(new_list) = &mut f.args else {
            return None;
        };
        for (arg, new) in list.args.iter().zip(new_list.args.iter_mut()) {
            use datafusion::sql::sqlparser::ast::{FunctionArg, FunctionArgExpr};
            let (FunctionArg::Unnamed(FunctionArgExpr::Expr(e)), FunctionArg::Unnamed(slot)) =
                (arg, new)
            else {
                return None;
            };
            if refs_inner(e, &own) {
                if names_outer_in(e, &own) {
                    return None;
                }
                *slot = FunctionArgExpr::Expr(taken(format!("max({e})"))?);
            }
        }
        let found = taken("count(*)".into())?;
        parse_expr(&format!(
            "CASE WHEN {found} > 0 THEN {} END",
            Expr::Function(f)
        ))?
    };
    Some(match and_all(outer) {
        None => sub,
        Some(cond) => parse_expr(&format!("CASE WHEN {cond} THEN {sub} END"))?,
    })
}

fn parse_expr(text: &str) -> Option<Expr> {
    Parser::new(&PostgreSqlDialect {})
        .try_with_sql(text)
        .ok()?
        .parse_expr()
        .ok()
}

/// Whether `e` names a column of the outer query.
fn names_outer_in(e: &Expr, own: &[String]) -> bool {
    let mut found = false;
    let _ = e.visit(&mut NamesOuter {
        own,
        found: &mut found,
    });
    found
}

/// Whether `e` names a column of the subquery's own tables (or an unqualified one).
fn refs_inner(e: &Expr, own: &[String]) -> bool {
    let mut found = false;
    let _ = e.visit(&mut NamesInner {
        own,
        found: &mut found,
    });
    found
}

struct NamesInner<'a> {
    own: &'a [String],
    found: &'a mut bool,
}

impl Visitor for NamesInner<'_> {
    type Break = ();
    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        let inner = match e {
            Expr::Identifier(_) | Expr::Subquery(_) => true,
            Expr::CompoundIdentifier(parts) => {
                let q: Vec<String> = parts[..parts.len() - 1]
                    .iter()
                    .map(|i| i.value.to_ascii_lowercase())
                    .collect();
                let last = q.last().cloned().unwrap_or_default();
                self.own.contains(&q.join(".")) || self.own.contains(&last)
            }
            _ => false,
        };
        if inner {
            *self.found = true;
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }
}

/// Finds a column qualified by a table that is not one of the subquery's own.
struct NamesOuter<'a> {
    own: &'a [String],
    found: &'a mut bool,
}

impl Visitor for NamesOuter<'_> {
    type Break = ();
    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        if let Expr::CompoundIdentifier(parts) = e {
            let q: Vec<String> = parts[..parts.len() - 1]
                .iter()
                .map(|i| i.value.to_ascii_lowercase())
                .collect();
            let last = q.last().cloned().unwrap_or_default();
            if !self.own.contains(&q.join(".")) && !self.own.contains(&last) {
                *self.found = true;
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    }
}

/// The PostgreSQL type OID of an Arrow type written as DataFusion's
/// `information_schema` writes it (`Utf8View`, `Timestamp(µs, "UTC")`, `List(Utf8)`): the
/// same mapping (`arrow_pg::datatypes::into_pg_type`) that gives `pg_attribute.atttypid`
/// and what the wire protocol announces. NULL for text that is not an Arrow type.
pub fn arrow_type_oid(arrow_type: &str) -> Option<i32> {
    let dt: DataType = arrow_type.parse().ok()?;
    let t = datafusion_postgres::arrow_pg::datatypes::into_pg_type(&dt).ok()?;
    i32::try_from(t.oid()).ok()
}

/// Whether an Arrow type (as text) is a PostgreSQL array (`information_schema` says
/// `ARRAY`): the same mapping's kind, so `record[]` (a list of structs, which
/// `format_type` does not name) is one too.
pub fn arrow_type_is_array(arrow_type: &str) -> Option<bool> {
    let dt: DataType = arrow_type.parse().ok()?;
    let t = datafusion_postgres::arrow_pg::datatypes::into_pg_type(&dt).ok()?;
    // PostgreSQL names every array type after its element with a leading `_`.
    Some(t.name().starts_with('_'))
}

/// `pg_type_oid(arrow_type_text)` ([`arrow_type_oid`]) and `pg_type_is_array(..)`
/// ([`arrow_type_is_array`]) as SQL functions.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ArrowTypeFn {
    name: &'static str,
    signature: Signature,
}

impl ArrowTypeFn {
    pub fn oid() -> Self {
        Self::named("pg_type_oid")
    }

    pub fn is_array() -> Self {
        Self::named("pg_type_is_array")
    }

    fn named(name: &'static str) -> Self {
        ArrowTypeFn {
            name,
            signature: Signature::exact(vec![DataType::Utf8], Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for ArrowTypeFn {
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(if self.name == "pg_type_oid" {
            DataType::Int32
        } else {
            DataType::Boolean
        })
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let names = args.args[0].to_array(args.number_rows)?;
        let names = arrow::compute::cast(&names, &DataType::Utf8)?;
        let names = names.as_string::<i32>();
        let text = |i: usize| (!names.is_null(i)).then(|| names.value(i));
        let out: ArrayRef = if self.name == "pg_type_oid" {
            Arc::new(
                (0..names.len())
                    .map(|i| text(i).and_then(arrow_type_oid))
                    .collect::<Int32Array>(),
            )
        } else {
            Arc::new(
                (0..names.len())
                    .map(|i| text(i).and_then(arrow_type_is_array))
                    .collect::<BooleanArray>(),
            )
        };
        Ok(ColumnarValue::Array(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(sql: &str) -> Option<String> {
        let stmt = Parser::new(&PostgreSqlDialect {})
            .try_with_sql(sql)
            .unwrap()
            .parse_statement()
            .unwrap();
        rewrite(&stmt).map(|s| s.to_string())
    }

    #[test]
    fn arrow_types_map_to_postgresql_oids() {
        assert_eq!(arrow_type_oid("Utf8View"), Some(25));
        assert_eq!(arrow_type_oid("Timestamp(µs, \"UTC\")"), Some(1184));
        assert_eq!(
            arrow_type_oid(
                &DataType::Timestamp(arrow::datatypes::TimeUnit::Microsecond, None).to_string()
            ),
            Some(1114)
        );
        assert_eq!(arrow_type_oid("Int64"), Some(20));
        assert_eq!(arrow_type_oid("Boolean"), Some(16));
        let list = DataType::List(Arc::new(arrow::datatypes::Field::new(
            "item",
            DataType::Utf8,
            true,
        )));
        assert_eq!(arrow_type_oid(&list.to_string()), Some(1009));
        assert_eq!(arrow_type_is_array(&list.to_string()), Some(true));
        assert_eq!(arrow_type_is_array("Utf8"), Some(false));
        let records = DataType::List(Arc::new(arrow::datatypes::Field::new(
            "item",
            DataType::Struct(vec![arrow::datatypes::Field::new("id", DataType::Utf8, true)].into()),
            true,
        )));
        assert_eq!(arrow_type_is_array(&records.to_string()), Some(true));
        assert_eq!(arrow_type_oid("no type"), None);
    }

    #[test]
    fn catalog_subqueries_are_aggregated_and_outer_predicates_move_out() {
        let got = rewritten(
            "SELECT CASE WHEN pg_catalog.pg_attribute.atthasdef THEN (SELECT pg_get_expr(pg_catalog.pg_attrdef.adbin, 1) \
             FROM pg_catalog.pg_attrdef WHERE pg_catalog.pg_attribute.atthasdef \
             AND pg_catalog.pg_attrdef.adrelid = pg_catalog.pg_attribute.attrelid) END FROM pg_catalog.pg_attribute",
        )
        .unwrap();
        assert!(
            got.contains(
                "CASE WHEN pg_catalog.pg_attribute.atthasdef THEN (SELECT max(pg_get_expr("
            ),
            "{got}"
        );
        assert!(
            got.contains("WHERE pg_catalog.pg_attrdef.adrelid = pg_catalog.pg_attribute.attrelid)"),
            "{got}"
        );
        // A value that reads the outer row: its function computed outside.
        let got = rewritten(
            "SELECT CASE WHEN (a.attidentity <> '') THEN (SELECT json_build_object('always', \
             a.attidentity = 'a', 'start', s.seqstart) FROM pg_catalog.pg_sequence s \
             WHERE a.attidentity <> '' AND s.seqrelid = a.attrelid) END FROM pg_catalog.pg_attribute a",
        )
        .unwrap();
        assert!(
            got.contains("THEN json_build_object('always', a.attidentity = 'a', 'start', (SELECT max(s.seqstart)"),
            "{got}"
        );
        assert!(got.contains("(SELECT count(*) FROM"), "{got}");
        assert!(got.contains("WHERE s.seqrelid = a.attrelid) > 0"), "{got}");
        // Uncorrelated, aggregated, or over the lake's tables: untouched.
        for sql in [
            "SELECT (SELECT typname FROM pg_catalog.pg_type WHERE oid = 25)",
            "SELECT (SELECT max(t.typname) FROM pg_catalog.pg_type t WHERE t.oid = a.atttypid) FROM pg_catalog.pg_attribute a",
            "SELECT (SELECT e.actor_uid FROM events e WHERE e.event_uid = f.event_uid) FROM findings f",
        ] {
            assert_eq!(rewritten(sql), None, "{sql}");
        }
    }

    #[test]
    fn information_schema_columns_is_read_in_postgresql_words() {
        let got = rewritten(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'events'",
        )
        .unwrap();
        assert!(
            got.contains("format_type(pg_type_oid(c.data_type), NULL)"),
            "{got}"
        );
        assert!(
            got.contains(") AS columns WHERE table_name = 'events'"),
            "{got}"
        );
        let aliased = rewritten("SELECT x.data_type FROM information_schema.columns x").unwrap();
        assert!(aliased.ends_with(") AS x"), "{aliased}");
        assert_eq!(rewritten("SELECT * FROM information_schema.tables"), None);
    }

    #[test]
    fn regproc_names_cursors_and_grafana_schemas() {
        let got = rewritten(
            "SELECT typinput = (SELECT oid FROM pg_catalog.pg_proc WHERE proname = 'pg_catalog.array_in') \
             AS is_array FROM pg_catalog.pg_type",
        )
        .unwrap();
        assert_eq!(
            got,
            "SELECT typinput = 'array_in' AS is_array FROM pg_catalog.pg_type"
        );
        // The same lookup compared with anything else is left alone.
        assert_eq!(
            rewritten(
                "SELECT oid = (SELECT oid FROM pg_catalog.pg_proc WHERE proname = 'f') FROM pg_catalog.pg_type"
            ),
            None
        );
        let got = rewritten("SELECT 1 FROM pg_catalog.pg_cursors WHERE name = 'c'").unwrap();
        assert!(
            got.contains("WHERE false) AS pg_cursors WHERE name = 'c'"),
            "{got}"
        );
        let got = rewritten(
            "SELECT table_name FROM information_schema.tables WHERE quote_ident(table_schema) IN ('')",
        )
        .unwrap();
        assert!(got.ends_with("IN ('public')"), "{got}");
        assert_eq!(
            rewritten("SELECT * FROM events WHERE actor_uid IN ('')"),
            None
        );
    }
}
