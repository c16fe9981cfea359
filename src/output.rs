//! The one output sink of every command that prints rows (`sql`, `diff`, `analyze`,
//! `score`), as datafusion-cli's `PrintFormat`: Arrow batches in, one [`Format`] out,
//! to stdout or `--output FILE`.
//!
//! - `table`: an Arrow pretty table, every cell escaped for the terminal
//!   ([`crate::text::terminal`]); a command may show its rows its own way instead
//!   ([`Sink::write_with`]: analyze's two lines per finding, score's summary).
//! - `csv`: a header of column names, then one line per row. Nulls are empty cells.
//!   A cell that starts like a spreadsheet formula (`=`, `+`, `-`, `@`, tab, CR) gets a
//!   leading `'` ([`csv_cell`]). **Lists (and structs and maps) are JSON text**:
//!   `["SOC 2 CC7.2","ISO 27001 A.8.15"]`, the same value the JSON formats give, so an
//!   item holding `,` or `;` stays one item and every language reads it back.
//! - `json` (one array) and `ndjson` (one object per line): Arrow's JSON writer with
//!   explicit nulls, keys in column order, times in RFC 3339. A text column whose field
//!   is marked with [`JSON_TEXT`] (findings' and claims' `evidence`) is written as the
//!   JSON value it holds, not as a string.
//! - `parquet`: one result into `--output FILE` (zstd), with plain `Utf8` strings.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::{DataType, Field, FieldRef, Schema, SchemaRef};
use arrow::json::writer::{Encoder, EncoderFactory, EncoderOptions, NullableEncoder};
use arrow::util::display::{ArrayFormatter, FormatOptions};

use crate::error::{Error, Result};

/// Output formats of every command that prints rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
    Ndjson,
    Parquet,
}

/// Field metadata key: this text column holds JSON (written as JSON in json/ndjson).
pub const JSON_TEXT: &str = "trailcheck.json_text";

/// Rows to print: a schema (kept when there are no rows) and its batches.
#[derive(Debug, Clone)]
pub struct Output {
    pub schema: SchemaRef,
    pub batches: Vec<RecordBatch>,
}

impl Output {
    pub fn rows(&self) -> usize {
        self.batches.iter().map(|b| b.num_rows()).sum()
    }

    /// The same rows without the named columns, with the named text columns marked
    /// as holding JSON ([`JSON_TEXT`]).
    pub fn shaped(&self, drop: &[&str], json_text: &[&str]) -> Result<Output> {
        let keep: Vec<usize> = (0..self.schema.fields().len())
            .filter(|&i| !drop.contains(&self.schema.field(i).name().as_str()))
            .collect();
        let fields: Vec<Field> = keep
            .iter()
            .map(|&i| {
                let f = self.schema.field(i).clone();
                if json_text.contains(&f.name().as_str()) {
                    let mut meta = f.metadata().clone();
                    meta.insert(JSON_TEXT.to_string(), "true".to_string());
                    f.with_metadata(meta)
                } else {
                    f
                }
            })
            .collect();
        let schema = Arc::new(Schema::new_with_metadata(
            fields,
            self.schema.metadata().clone(),
        ));
        let batches = self
            .batches
            .iter()
            .map(|b| {
                let cols = keep.iter().map(|&i| b.column(i).clone()).collect();
                RecordBatch::try_new(schema.clone(), cols)
            })
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(Output { schema, batches })
    }
}

/// Where results go: stdout or `--output FILE`, in one format.
pub struct Sink {
    pub format: Format,
    pub output: Option<PathBuf>,
    /// Results written so far (Parquet takes one).
    written: usize,
}

impl Sink {
    pub fn new(format: Format, output: Option<PathBuf>) -> Result<Sink> {
        if format == Format::Parquet && output.is_none() {
            return Err(Error::Usage(
                "--format parquet writes a file: give --output FILE".into(),
            ));
        }
        if let Some(p) = &output {
            // Truncate once; each result is appended.
            std::fs::File::create(p).map_err(|e| Error::io(p, e))?;
        }
        Ok(Sink {
            format,
            output,
            written: 0,
        })
    }

    /// Write one result (a table is Arrow's pretty table).
    pub fn write(&mut self, out: &Output) -> Result<()> {
        self.write_with(out, &|w| write_text(w, out, Format::Table))
    }

    /// Write one result; `table` renders it when the format is `table`.
    pub fn write_with(
        &mut self,
        out: &Output,
        table: &dyn Fn(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        self.written += 1;
        if self.format == Format::Parquet {
            let path = self.output.clone().expect("checked in new");
            if self.written > 1 {
                return Err(Error::Usage(
                    "--format parquet writes one result: give one query".into(),
                ));
            }
            return write_parquet(&path, out);
        }
        let format = self.format;
        let render = |w: &mut dyn Write| match format {
            Format::Table => table(w),
            f => write_text(w, out, f),
        };
        match &self.output {
            Some(p) => {
                let f = std::fs::OpenOptions::new()
                    .append(true)
                    .open(p)
                    .map_err(|e| Error::io(p, e))?;
                let mut w = std::io::BufWriter::new(f);
                render(&mut w).map_err(|e| Error::io(p, e))?;
                w.flush().map_err(|e| Error::io(p, e))
            }
            None => {
                let mut w = std::io::stdout().lock();
                render(&mut w).map_err(|e| Error::io("stdout", e))?;
                w.flush().map_err(|e| Error::io("stdout", e))
            }
        }
    }
}

fn io_err(e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

/// Neutralize spreadsheet formulas in a CSV cell (`=`, `+`, `-`, `@`, tab, CR).
pub fn csv_cell(s: &str) -> String {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// Print one result as a table, CSV, JSON or NDJSON.
pub fn write_text(w: &mut dyn Write, out: &Output, format: Format) -> std::io::Result<()> {
    let batches: Vec<&RecordBatch> = out.batches.iter().filter(|b| b.num_rows() > 0).collect();
    let json = || {
        arrow::json::WriterBuilder::new()
            .with_explicit_nulls(true)
            .with_encoder_factory(Arc::new(JsonText))
    };
    match format {
        Format::Table => {
            let owned: Vec<RecordBatch> = batches.iter().map(|b| (*b).clone()).collect();
            let t =
                arrow::util::pretty::pretty_format_batches_with_schema(out.schema.clone(), &owned)
                    .map_err(io_err)?;
            // Cells hold log text: controls are shown, not sent to the terminal.
            writeln!(w, "{}", crate::text::terminal_lines(&t.to_string()))?;
        }
        Format::Json => {
            let mut jw = json().build::<_, arrow::json::writer::JsonArray>(&mut *w);
            jw.write_batches(&batches).map_err(io_err)?;
            jw.finish().map_err(io_err)?;
            drop(jw);
            writeln!(w)?;
        }
        Format::Ndjson => {
            let mut jw = json().build::<_, arrow::json::writer::LineDelimited>(&mut *w);
            jw.write_batches(&batches).map_err(io_err)?;
            jw.finish().map_err(io_err)?;
        }
        Format::Csv => write_csv(w, &out.schema, &batches)?,
        Format::Parquet => return Err(io_err("parquet is written with --output")),
    }
    Ok(())
}

/// Lists, structs and maps: a CSV cell holds them as JSON text.
fn nested(t: &DataType) -> bool {
    matches!(
        t,
        DataType::List(_)
            | DataType::LargeList(_)
            | DataType::ListView(_)
            | DataType::LargeListView(_)
            | DataType::FixedSizeList(_, _)
            | DataType::Struct(_)
            | DataType::Map(_, _)
    )
}

fn write_csv(w: &mut dyn Write, schema: &Schema, batches: &[&RecordBatch]) -> std::io::Result<()> {
    let mut cw = csv::Writer::from_writer(&mut *w);
    let header: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    cw.write_record(&header).map_err(io_err)?;
    let opts = FormatOptions::default().with_null("");
    let json_opts = EncoderOptions::default().with_explicit_nulls(true);
    for b in batches {
        let fields = b.schema().fields().clone();
        enum Cell<'a> {
            Text(ArrayFormatter<'a>),
            Json(NullableEncoder<'a>),
        }
        let mut cells = b
            .columns()
            .iter()
            .zip(fields.iter())
            .map(|(c, f)| {
                Ok(if nested(c.data_type()) {
                    Cell::Json(arrow::json::writer::make_encoder(
                        f,
                        c.as_ref(),
                        &json_opts,
                    )?)
                } else {
                    Cell::Text(ArrayFormatter::try_new(c.as_ref(), &opts)?)
                })
            })
            .collect::<std::result::Result<Vec<_>, arrow::error::ArrowError>>()
            .map_err(io_err)?;
        let mut buf = Vec::new();
        for row in 0..b.num_rows() {
            let record: Vec<String> = cells
                .iter_mut()
                .map(|cell| match cell {
                    Cell::Text(f) => csv_cell(&f.value(row).to_string()),
                    Cell::Json(e) if e.is_null(row) => String::new(),
                    Cell::Json(e) => {
                        buf.clear();
                        e.encode(row, &mut buf);
                        csv_cell(&String::from_utf8_lossy(&buf))
                    }
                })
                .collect();
            cw.write_record(&record).map_err(io_err)?;
        }
    }
    cw.flush()
}

/// Writes the text of a [`JSON_TEXT`] column as the JSON it holds (as a string when it
/// is not JSON after all).
#[derive(Debug)]
struct JsonText;

impl EncoderFactory for JsonText {
    fn make_default_encoder<'a>(
        &self,
        field: &'a FieldRef,
        array: &'a dyn Array,
        _options: &'a EncoderOptions,
    ) -> std::result::Result<Option<NullableEncoder<'a>>, arrow::error::ArrowError> {
        if !field.metadata().contains_key(JSON_TEXT) {
            return Ok(None);
        }
        let text: Box<dyn Fn(usize) -> &'a str + 'a> = match array.data_type() {
            DataType::Utf8 => {
                let a = array.as_string::<i32>();
                Box::new(move |i| a.value(i))
            }
            DataType::LargeUtf8 => {
                let a = array.as_string::<i64>();
                Box::new(move |i| a.value(i))
            }
            DataType::Utf8View => {
                let a = array.as_string_view();
                Box::new(move |i| a.value(i))
            }
            _ => return Ok(None),
        };
        Ok(Some(NullableEncoder::new(
            Box::new(RawJson(text)),
            array.logical_nulls(),
        )))
    }
}

struct RawJson<'a>(Box<dyn Fn(usize) -> &'a str + 'a>);

impl Encoder for RawJson<'_> {
    fn encode(&mut self, idx: usize, out: &mut Vec<u8>) {
        let text = (self.0)(idx);
        match serde_json::from_str::<&serde_json::value::RawValue>(text) {
            Ok(raw) => out.extend_from_slice(raw.get().as_bytes()),
            Err(_) => serde_json::to_writer(out, text).expect("a string serializes"),
        }
    }
}

fn write_parquet(path: &Path, out: &Output) -> Result<()> {
    use parquet::arrow::ArrowWriter;
    use parquet::basic::{Compression, ZstdLevel};
    use parquet::file::properties::WriterProperties;
    let pq = |e: parquet::errors::ParquetError| Error::Parquet {
        path: path.to_path_buf(),
        source: e,
    };
    let file = std::fs::File::create(path).map_err(|e| Error::io(path, e))?;
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .build();
    // The lake's text columns are read as `Utf8View`; files handed on are written with
    // plain strings, which every Parquet reader (pandas, Spark, older arrow) understands.
    let plain = |t: &DataType| match t {
        DataType::Utf8View => Some(DataType::Utf8),
        DataType::BinaryView => Some(DataType::Binary),
        _ => None,
    };
    let schema: SchemaRef = Arc::new(Schema::new_with_metadata(
        out.schema
            .fields()
            .iter()
            .map(|f| match plain(f.data_type()) {
                Some(t) => f.as_ref().clone().with_data_type(t),
                None => f.as_ref().clone(),
            })
            .collect::<Vec<_>>(),
        out.schema.metadata().clone(),
    ));
    let mut w = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(pq)?;
    for b in &out.batches {
        let columns = b
            .columns()
            .iter()
            .zip(schema.fields())
            .map(|(c, f)| arrow::compute::cast(c, f.data_type()))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let b = RecordBatch::try_new(schema.clone(), columns)?;
        w.write(&b).map_err(pq)?;
    }
    w.close().map_err(pq)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{ListBuilder, StringArray, StringBuilder};

    fn sample() -> Output {
        let mut fw = ListBuilder::new(StringBuilder::new());
        fw.values().append_value("SOC 2 CC7.2");
        fw.values().append_value("a, b; c");
        fw.append(true);
        fw.append(false);
        let schema = Arc::new(Schema::new(vec![
            Field::new("who", DataType::Utf8, true),
            Field::new("evidence", DataType::Utf8, true),
            Field::new(
                "frameworks",
                DataType::List(Arc::new(Field::new("item", DataType::Utf8, true))),
                true,
            ),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(StringArray::from(vec![Some("=cmd|calc"), None])),
                Arc::new(StringArray::from(vec![
                    Some(r#"{"n":1}"#),
                    Some("not json"),
                ])),
                Arc::new(fw.finish()),
            ],
        )
        .unwrap();
        Output {
            schema,
            batches: vec![batch],
        }
    }

    fn text(out: &Output, f: Format) -> String {
        let mut w = Vec::new();
        write_text(&mut w, out, f).unwrap();
        String::from_utf8(w).unwrap()
    }

    /// Lists are JSON text in CSV; formulas are neutralized; nulls are empty.
    #[test]
    fn csv_lists_are_json_text() {
        assert_eq!(
            text(&sample(), Format::Csv),
            "who,evidence,frameworks\n\
             '=cmd|calc,\"{\"\"n\"\":1}\",\"[\"\"SOC 2 CC7.2\"\",\"\"a, b; c\"\"]\"\n\
             ,not json,\n"
        );
    }

    /// A column marked as JSON text is written as its JSON value.
    #[test]
    fn json_text_columns_are_json_values() {
        let out = sample().shaped(&["who"], &["evidence"]).unwrap();
        assert_eq!(
            text(&out, Format::Ndjson),
            "{\"evidence\":{\"n\":1},\"frameworks\":[\"SOC 2 CC7.2\",\"a, b; c\"]}\n\
             {\"evidence\":\"not json\",\"frameworks\":null}\n"
        );
        // Unmarked, it stays a string.
        assert!(text(&sample(), Format::Json).contains(r#""evidence":"{\"n\":1}""#));
    }
}
