//! Argument groups several commands share: the lake, the analysis parameters, the
//! memory of typed queries, and where and how rows are written.

use std::path::PathBuf;

use clap::Args;

use crate::output::{Format, Sink};

#[derive(Debug, Args, Clone)]
pub struct LakeArg {
    /// The lake folder, or s3://bucket/prefix, gs://bucket/prefix, az://container/prefix
    /// for a lake on object storage (worked on through a local mirror).
    #[arg(
        long = "lake",
        default_value = "trailcheck-lake",
        env = "TRAILCHECK_LAKE",
        value_parser = crate::location::lake_location
    )]
    pub location: crate::location::Location,
    /// The folder the command works on: the lake, or the mirror of a lake on object
    /// storage (set by [`LakeArg::begin`] before the command runs).
    #[arg(skip)]
    pub lake: PathBuf,
}

impl LakeArg {
    /// Before the command: a local lake is worked on where it is; a lake on object
    /// storage is mirrored (and, for a command that writes, locked), see
    /// [`crate::lake::remote`].
    pub fn begin(
        &mut self,
        writes: bool,
        store: &crate::location::StoreOptions,
    ) -> crate::Result<crate::lake::remote::Work> {
        use crate::location::Location;
        match &self.location {
            Location::Local(p) => {
                self.lake = p.clone();
                Ok(crate::lake::remote::Work::Local)
            }
            Location::Object(url) => {
                let (work, mirror) = crate::lake::remote::Work::begin(url, store, writes)?;
                self.lake = mirror;
                Ok(work)
            }
        }
    }
}

/// Analysis parameters shared by `analyze`, `score`, `sql`, `serve` and `run`.
#[derive(Debug, Args, Clone)]
pub struct ParamArgs {
    /// End of the evidence (RFC 3339); defaults to the latest event in the lake.
    #[arg(long)]
    pub as_of: Option<String>,
    /// Days without activity before an identity or credential is dormant.
    #[arg(long, default_value_t = 90)]
    pub dormant_days: i64,
    /// Privileged-role holders a tenant may have before it is flagged.
    #[arg(long, default_value_t = 4)]
    pub max_super_admins: i64,
    /// Any other parameter, as name=value (see the `params` table).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub param: Vec<String>,
}

impl ParamArgs {
    pub fn params(&self) -> crate::Result<crate::session::Params> {
        // Through `Params::set`, like every --param: one check per parameter.
        let mut p = crate::session::Params::default();
        p.set("dormant_days", &self.dormant_days.to_string())?;
        p.set("max_super_admins", &self.max_super_admins.to_string())?;
        if let Some(t) = &self.as_of {
            p.set("as_of", t)?;
        }
        for kv in &self.param {
            let (k, v) = kv.split_once('=').ok_or_else(|| {
                crate::Error::Usage(format!("--param takes NAME=VALUE, not {kv:?}"))
            })?;
            p.set(k.trim(), v.trim())?;
        }
        Ok(p)
    }
}

/// The memory the commands that query the lake may use (`analyze`, `score`, `report`,
/// `run`, `sql`, `serve`): a global option.
#[derive(Debug, Args, Clone)]
pub struct MemoryArgs {
    /// Query memory (hash tables, sorts, aggregations, kept views) of a command, all
    /// its queries together: a size (512M, 4G) or a share of this machine's memory
    /// (50%). Sorts, aggregations and kept views go to the temporary folder beyond it;
    /// a query that still needs more fails with an error naming this option.
    #[arg(
        long,
        global = true,
        env = "TRAILCHECK_MEMORY_LIMIT",
        default_value = crate::session::memory::DEFAULT_LIMIT,
        value_name = "SIZE"
    )]
    pub memory_limit: crate::session::memory::MemoryBudget,
}

impl MemoryArgs {
    /// The session options of a one-command session under this limit.
    pub fn open(&self) -> crate::session::OpenOptions {
        crate::session::OpenOptions {
            memory_limit: Some(self.memory_limit.bytes()),
            ..Default::default()
        }
    }
}

/// How and where rows are written (`sql`, `diff`, `analyze`, `score`): one sink,
/// [`crate::output`].
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Output format: a readable table, or the rows as csv, json, ndjson or parquet
    /// (parquet needs --output).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the results to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE", value_parser = crate::location::local_path)]
    pub output: Option<PathBuf>,
}

impl OutputArgs {
    pub fn sink(&self) -> crate::Result<Sink> {
        Sink::new(self.format, self.output.clone())
    }
}

/// How to reach the object stores of `s3://`, `gs://` and `az://` inputs (`ingest`,
/// `run`); credentials come from each cloud's usual places ([`crate::location::open`]).
#[derive(Debug, Args, Clone)]
pub struct StoreArgs {
    /// An S3-compatible store's URL (MinIO, Ceph, a local test server) for s3:// inputs;
    /// http:// is allowed.
    #[arg(long, env = "AWS_ENDPOINT_URL", value_name = "URL")]
    pub endpoint: Option<String>,
}

impl StoreArgs {
    pub fn options(&self) -> crate::location::StoreOptions {
        crate::location::StoreOptions {
            endpoint: self.endpoint.clone(),
        }
    }
}
