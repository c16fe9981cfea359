//! Library errors. Every error names the thing it failed on (a file, a lake path,
//! an option) and carries its cause's words in its own message, so that the CLI can
//! print it as is.
//!
//! One rule for every variant: the message is the whole story, and [`std::error::Error::source`]
//! is `None`. (A message that also named its cause as `source` printed the cause twice
//! wherever the chain is printed, as `anyhow`'s `{:#}` does: "x: No such file or
//! directory (os error 2): No such file or directory (os error 2)".) The cause stays
//! in the variant's fields for whoever needs to match on it.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum Error {
    /// `{path}: {source}`
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// `{path}: {message}`
    Input { path: String, message: String },
    /// `lake {path}: {message}`
    Lake { path: PathBuf, message: String },
    /// `parquet {path}: {source}`
    Parquet {
        path: PathBuf,
        source: parquet::errors::ParquetError,
    },
    /// `arrow: {0}`
    Arrow(arrow::error::ArrowError),
    /// DataFusion's own message.
    DataFusion(datafusion::error::DataFusionError),
    /// A wrong option or argument, in words for the user.
    Usage(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Input { path, message } => write!(f, "{path}: {message}"),
            Error::Lake { path, message } => write!(f, "lake {}: {message}", path.display()),
            Error::Parquet { path, source } => write!(f, "parquet {}: {source}", path.display()),
            Error::Arrow(e) => write!(f, "arrow: {e}"),
            Error::DataFusion(e) => write!(f, "{e}"),
            Error::Usage(m) => f.write_str(m),
        }
    }
}

/// No `source()`: the message already holds it (see the module's documentation).
impl std::error::Error for Error {}

impl From<arrow::error::ArrowError> for Error {
    fn from(e: arrow::error::ArrowError) -> Self {
        Error::Arrow(e)
    }
}

impl From<datafusion::error::DataFusionError> for Error {
    fn from(e: datafusion::error::DataFusionError) -> Self {
        Error::DataFusion(e)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
    pub fn lake(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Lake {
            path: path.into(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cause is in the message once, and not again as a source.
    #[test]
    fn the_cause_is_in_the_message_and_not_a_source() {
        let missing = std::fs::File::open("/no/such/trailcheck/file").unwrap_err();
        let os = missing.to_string();
        let e = Error::io("/no/such/trailcheck/file", missing);
        let chain = format!("{:#}", anyhow::Error::from(e));
        assert_eq!(chain.matches(os.as_str()).count(), 1, "{chain}");
        assert!(chain.starts_with("/no/such/trailcheck/file: "), "{chain}");
        let df: Error = datafusion::error::DataFusionError::Plan("no table x".into()).into();
        assert!(std::error::Error::source(&df).is_none());
    }
}
