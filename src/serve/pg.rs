//! What PostgreSQL clients ask the server on connect that DataFusion answers otherwise.
//!
//! SQLAlchemy's PostgreSQL dialect (and with it pandas' `read_sql`, Superset, Jupyter's
//! `%sql`) reads the server version from `select pg_catalog.version()` and stops when it
//! cannot parse it: DataFusion's own `version()` says `Apache DataFusion 55.2.0, x86_64 on
//! linux`. Here `version()` answers in PostgreSQL's form, naming what really answers, and
//! `current_setting(name [, missing_ok])` gives the settings clients read. Only `serve`
//! registers these: `trailcheck sql` is DataFusion and says so.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, StringArray};
use arrow::datatypes::DataType;
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, TypeSignature,
    Volatility,
};
use datafusion::prelude::SessionContext;

/// The PostgreSQL release whose protocol and catalogs `serve` speaks (what
/// datafusion-postgres announces as `server_version` at startup).
pub const PG_VERSION: &str = "16.6";

/// `version()` as PostgreSQL words it: `PostgreSQL 16.6 (trailcheck 0.1.0, Apache
/// DataFusion 55.2.0) on x86_64-linux`.
pub fn version_string() -> String {
    format!(
        "PostgreSQL {PG_VERSION} (trailcheck {}, Apache DataFusion {}) on {}-{}",
        crate::VERSION,
        datafusion::DATAFUSION_VERSION,
        std::env::consts::ARCH,
        std::env::consts::OS
    )
}

/// The settings clients read with `current_setting` and `SHOW` (PostgreSQL's names,
/// lower case).
pub fn setting(name: &str) -> Option<String> {
    let v = match name.to_ascii_lowercase().as_str() {
        "server_version" => PG_VERSION.to_string(),
        "server_version_num" => {
            let (major, minor) = PG_VERSION.split_once('.').unwrap_or((PG_VERSION, "0"));
            format!("{major}{:04}", minor.parse::<u32>().unwrap_or(0))
        }
        "search_path" => "public".into(),
        "standard_conforming_strings" => "on".into(),
        "client_encoding" | "server_encoding" => "UTF8".into(),
        "timezone" => "UTC".into(),
        "datestyle" => "ISO, MDY".into(),
        "intervalstyle" => "postgres".into(),
        "integer_datetimes" => "on".into(),
        "max_identifier_length" => "63".into(),
        "transaction_isolation" | "default_transaction_isolation" => "read committed".into(),
        "transaction_read_only" | "default_transaction_read_only" => "on".into(),
        "is_superuser" => "off".into(),
        "application_name" => String::new(),
        _ => return None,
    };
    Some(v)
}

/// `to_regtype(name)`: the OID of a built-in type by its name, NULL for a type this
/// server does not have (psycopg's `TypeInfo.fetch` asks for `hstore` that way).
fn type_oid(name: &str) -> Option<i32> {
    let oid = match name.trim().to_ascii_lowercase().as_str() {
        "bool" | "boolean" => 16,
        "bytea" => 17,
        "int8" | "bigint" => 20,
        "int2" | "smallint" => 21,
        "int4" | "integer" | "int" => 23,
        "text" => 25,
        "oid" => 26,
        "json" => 114,
        "float4" | "real" => 700,
        "float8" | "double precision" => 701,
        "varchar" | "character varying" => 1043,
        "date" => 1082,
        "timestamp" | "timestamp without time zone" => 1114,
        "timestamptz" | "timestamp with time zone" => 1184,
        "numeric" => 1700,
        "jsonb" => 3802,
        _ => return None,
    };
    Some(oid)
}

/// Register `version()`, `current_setting()`, `to_regtype()`, `json_build_object()` and
/// the constant catalog functions on the server's session.
pub fn register(ctx: &SessionContext) {
    // PostgreSQL's name for the JSON object constructor the rules use.
    ctx.register_udf(crate::session::udf::json_object().with_aliases(["json_build_object"]));
    // What SQLAlchemy's column reflection asks and this server answers the same for
    // every column: no column is fed by a sequence, every collation is visible.
    for (name, args, value) in [
        ("pg_get_serial_sequence", 2, ScalarValue::Utf8(None)),
        (
            "pg_collation_is_visible",
            1,
            ScalarValue::Boolean(Some(true)),
        ),
    ] {
        ctx.register_udf(ScalarUDF::from(Constant {
            name,
            value,
            signature: Signature::any(args, Volatility::Stable),
        }));
    }
    // information_schema.columns reads its types through this (src/serve/compat.rs).
    ctx.register_udf(ScalarUDF::from(super::compat::ArrowTypeFn::oid()));
    ctx.register_udf(ScalarUDF::from(super::compat::ArrowTypeFn::is_array()));
    ctx.register_udf(ScalarUDF::from(ToRegtype {
        signature: Signature::exact(vec![DataType::Utf8], Volatility::Stable),
    }));
    ctx.register_udf(ScalarUDF::from(Version {
        signature: Signature::exact(vec![], Volatility::Stable),
    }));
    ctx.register_udf(ScalarUDF::from(CurrentSetting {
        signature: Signature::one_of(
            vec![
                TypeSignature::Exact(vec![DataType::Utf8]),
                TypeSignature::Exact(vec![DataType::Utf8, DataType::Boolean]),
            ],
            Volatility::Stable,
        ),
    }));
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct Version {
    signature: Signature,
}

impl ScalarUDFImpl for Version {
    fn name(&self) -> &str {
        "version"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, _: ScalarFunctionArgs) -> Result<ColumnarValue> {
        Ok(ColumnarValue::Scalar(ScalarValue::Utf8(Some(
            version_string(),
        ))))
    }
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct CurrentSetting {
    signature: Signature,
}

impl ScalarUDFImpl for CurrentSetting {
    fn name(&self) -> &str {
        "current_setting"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let n = args.number_rows;
        let names = text_arg(&args)?;
        let names = names.as_string::<i32>();
        let missing_ok = match args.args.get(1) {
            Some(ColumnarValue::Scalar(ScalarValue::Boolean(b))) => b.unwrap_or(false),
            Some(_) => return exec_err!("current_setting: missing_ok must be a constant"),
            None => false,
        };
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            if names.is_null(i) {
                out.push(None);
                continue;
            }
            match setting(names.value(i)) {
                Some(v) => out.push(Some(v)),
                None if missing_ok => out.push(None),
                None => {
                    return exec_err!(
                        "unrecognized configuration parameter \"{}\"",
                        names.value(i)
                    );
                }
            }
        }
        let array: ArrayRef = Arc::new(StringArray::from(out));
        Ok(ColumnarValue::Array(array))
    }
}

/// A function's first argument as text, one value per row.
fn text_arg(args: &ScalarFunctionArgs) -> Result<ArrayRef> {
    Ok(arrow::compute::cast(
        &args.args[0].to_array(args.number_rows)?,
        &DataType::Utf8,
    )?)
}

/// A catalog function whose answer is the same whatever it is asked about.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Constant {
    name: &'static str,
    value: ScalarValue,
    signature: Signature,
}

impl ScalarUDFImpl for Constant {
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(self.value.data_type())
    }
    fn invoke_with_args(&self, _: ScalarFunctionArgs) -> Result<ColumnarValue> {
        Ok(ColumnarValue::Scalar(self.value.clone()))
    }
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct ToRegtype {
    signature: Signature,
}

impl ScalarUDFImpl for ToRegtype {
    fn name(&self) -> &str {
        "to_regtype"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int32)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let names = text_arg(&args)?;
        let names = names.as_string::<i32>();
        let oids: arrow::array::Int32Array = names.iter().map(|n| n.and_then(type_oid)).collect();
        Ok(ColumnarValue::Array(Arc::new(oids)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_parses_as_postgresql_and_names_what_answers() {
        let v = version_string();
        // SQLAlchemy's pattern: `PostgreSQL (\d+)\.?(\d+)?`.
        assert!(v.starts_with("PostgreSQL 16.6 ("), "{v}");
        assert!(v.contains("trailcheck") && v.contains("DataFusion"), "{v}");
        assert_eq!(setting("server_version_num").as_deref(), Some("160006"));
        assert_eq!(setting("SEARCH_PATH").as_deref(), Some("public"));
        assert_eq!(setting("no_such"), None);
        assert_eq!(type_oid("Timestamp With Time Zone"), Some(1184));
        assert_eq!(type_oid("hstore"), None);
    }
}
