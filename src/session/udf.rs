//! `json_object(key, value, ...)`: builds the `evidence` JSON of findings in SQL, and
//! `json_parse(text)`: JSON text that `json_object` nests as JSON (a path's hops built
//! by `json_object` in a view), not as a string.
//!
//! Values keep their type (numbers stay numbers, timestamps become RFC 3339 strings,
//! lists become arrays) and every string is escaped by serde_json, so log content in
//! evidence can never break the JSON. DataFusion has JSON readers (via
//! datafusion-functions-json) but no constructor.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, StringBuilder};
use arrow::datatypes::{DataType, Field, FieldRef, TimeUnit};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility,
};
use serde_json::{Map, Value};

#[derive(Debug, PartialEq, Eq, Hash)]
struct JsonObject {
    signature: Signature,
}

pub fn json_object() -> ScalarUDF {
    ScalarUDF::from(JsonObject {
        signature: Signature::variadic_any(Volatility::Immutable),
    })
}

impl ScalarUDFImpl for JsonObject {
    fn name(&self) -> &str {
        "json_object"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        if args.args.len() % 2 != 0 {
            return exec_err!("json_object takes key, value pairs");
        }
        let n = args.number_rows;
        let arrays: Vec<ArrayRef> = args
            .args
            .iter()
            .map(|a| a.to_array(n))
            .collect::<Result<_>>()?;
        let nested: Vec<bool> = args.arg_fields.iter().map(|f| is_json(f)).collect();
        let mut out = StringBuilder::new();
        for row in 0..n {
            let mut obj = Map::new();
            for (i, pair) in arrays.chunks(2).enumerate() {
                let key = match value_at(&pair[0], row) {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                let value = match value_at(&pair[1], row) {
                    // Text that is not JSON stays a string.
                    Value::String(s) if nested.get(2 * i + 1) == Some(&true) => {
                        serde_json::from_str(&s).unwrap_or(Value::String(s))
                    }
                    v => v,
                };
                obj.insert(key, value);
            }
            out.append_value(Value::Object(obj).to_string());
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}

/// Arrow's canonical extension type of JSON text.
const JSON_EXTENSION: &str = "arrow.json";

fn is_json(f: &Field) -> bool {
    f.metadata()
        .get("ARROW:extension:name")
        .is_some_and(|n| n == JSON_EXTENSION)
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct JsonParse {
    signature: Signature,
}

/// `json_parse(text)`: the same text, typed as JSON (Arrow's `arrow.json` extension).
pub fn json_parse() -> ScalarUDF {
    ScalarUDF::from(JsonParse {
        signature: Signature::string(1, Volatility::Immutable),
    })
}

impl ScalarUDFImpl for JsonParse {
    fn name(&self) -> &str {
        "json_parse"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn return_field_from_args(&self, _: ReturnFieldArgs) -> Result<FieldRef> {
        let meta = [(
            "ARROW:extension:name".to_string(),
            JSON_EXTENSION.to_string(),
        )];
        Ok(Arc::new(
            Field::new(self.name(), DataType::Utf8, true).with_metadata(meta.into()),
        ))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = args.args[0].to_array(args.number_rows)?;
        Ok(ColumnarValue::Array(arrow::compute::cast(
            &a,
            &DataType::Utf8,
        )?))
    }
}

/// One cell as JSON.
pub fn value_at(a: &ArrayRef, row: usize) -> Value {
    if a.is_null(row) {
        return Value::Null;
    }
    match a.data_type() {
        DataType::Utf8 => Value::String(a.as_string::<i32>().value(row).to_string()),
        DataType::LargeUtf8 => Value::String(a.as_string::<i64>().value(row).to_string()),
        DataType::Utf8View => Value::String(a.as_string_view().value(row).to_string()),
        DataType::Boolean => Value::Bool(a.as_boolean().value(row)),
        DataType::Int8
        | DataType::Int16
        | DataType::Int32
        | DataType::Int64
        | DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64 => {
            let c = arrow::compute::cast(&a.slice(row, 1), &DataType::Int64).expect("int cast");
            Value::from(c.as_primitive::<arrow::datatypes::Int64Type>().value(0))
        }
        DataType::Float16 | DataType::Float32 | DataType::Float64 | DataType::Decimal128(_, _) => {
            let c = arrow::compute::cast(&a.slice(row, 1), &DataType::Float64).expect("float cast");
            let f = c.as_primitive::<arrow::datatypes::Float64Type>().value(0);
            serde_json::Number::from_f64((f * 1000.0).round() / 1000.0)
                .map_or(Value::Null, Value::Number)
        }
        DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64 => {
            let c = arrow::compute::cast(
                &a.slice(row, 1),
                &DataType::Timestamp(TimeUnit::Microsecond, None),
            )
            .expect("timestamp cast");
            let us = c
                .as_primitive::<arrow::datatypes::TimestampMicrosecondType>()
                .value(0);
            Value::String(crate::time::format_micros(us))
        }
        DataType::List(_) => {
            let l = a.as_list::<i32>().value(row);
            Value::Array((0..l.len()).map(|i| value_at(&l, i)).collect())
        }
        DataType::LargeList(_) => {
            let l = a.as_list::<i64>().value(row);
            Value::Array((0..l.len()).map(|i| value_at(&l, i)).collect())
        }
        _ => {
            let s = arrow::util::display::array_value_to_string(a, row).unwrap_or_default();
            Value::String(s)
        }
    }
}
