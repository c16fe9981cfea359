//! `json_object(key, value, ...)`: builds the `evidence` JSON of findings in SQL.
//!
//! Values keep their type (numbers stay numbers, timestamps become RFC 3339 strings,
//! lists become arrays) and every string is escaped by serde_json, so log content in
//! evidence can never break the JSON. DataFusion has JSON readers (via
//! datafusion-functions-json) but no constructor.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, StringBuilder};
use arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
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
        let mut out = StringBuilder::new();
        for row in 0..n {
            let mut obj = Map::new();
            for pair in arrays.chunks(2) {
                let key = match value_at(&pair[0], row) {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                obj.insert(key, value_at(&pair[1], row));
            }
            out.append_value(Value::Object(obj).to_string());
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
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
