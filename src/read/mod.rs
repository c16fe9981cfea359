//! Reading inputs: files, folders (recursively), `.gz` (by magic bytes, multi-member),
//! and `-` for stdin. Each file is hashed (SHA-256 of the bytes as stored) while it is
//! streamed through [`split::Splitter`], which hands out chunks of raw records with
//! their offsets, or, for a `.csv` / `.csv.gz` file, through [`csv::read_csv`], which
//! turns each row into a JSON object record. Nothing here knows about providers.
//!
//! Only regular files are read from folders: a FIFO, socket or device there (or a
//! symlink resolving to one, such as `x.json -> /dev/zero`) is skipped with a warning
//! and never opened, since opening a FIFO blocks until someone writes to it and a
//! device may never end, while the ingest holds the lake's write lock. Symlinks to
//! folders are not followed (they could loop). A FIFO named on the command line is read
//! (that is what `<(zcat export.gz)` passes); a device or socket named there is an
//! error.
//!
//! An input spelled as a URL is an object-store prefix or object ([`remote`]: listed,
//! and fetched ahead of the reader), or, when its scheme is not one trailcheck reads,
//! an error: it is never taken as a path ([`crate::location`]).

pub mod csv;
pub mod remote;
pub mod split;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::location::{Location, StoreOptions};
pub use split::{Chunk, Oversize, Span, Splitter};

/// One input to read.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// `None` for stdin.
    pub path: Option<PathBuf>,
    /// How the file is named in rejects, runs and messages.
    pub display: String,
    /// A `tenant=` / `tenantId=` folder in the path.
    pub tenant_hint: Option<String>,
    /// Size on disk, when known (for progress).
    pub size: Option<u64>,
    /// An object in a store (then `path` is `None` and `display` is its URL).
    pub object: Option<remote::Object>,
}

impl InputFile {
    /// The path or object key whose name says what the input is (`.csv`, `.gz`).
    fn name(&self) -> Option<&Path> {
        match (&self.path, &self.object) {
            (Some(p), _) => Some(p),
            (None, Some(o)) => Some(Path::new(o.location.as_ref())),
            (None, None) => None,
        }
    }
}

/// File name endings read when walking a folder; files named on the command line are
/// always read.
pub const FOLDER_EXTENSIONS: &[&str] = &[".json", ".jsonl", ".ndjson", ".gz", ".log", ".csv"];

/// What [`discover`] found.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Files to read.
    pub files: Vec<InputFile>,
    /// Folder entries passed over for their name (not .json/.ndjson/.gz/...).
    pub passed_over: Vec<String>,
    /// Folder entries with a readable name that are not regular files, and why they
    /// were skipped.
    pub not_files: Vec<(String, String)>,
}

/// What kind of thing a non-regular, non-folder file type is, in words.
fn kind_of(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO (named pipe)";
        } else if ft.is_socket() {
            return "a socket";
        } else if ft.is_char_device() {
            return "a character device";
        } else if ft.is_block_device() {
            return "a block device";
        }
    }
    let _ = ft;
    "not a regular file"
}

fn is_fifo(ft: &std::fs::FileType) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        ft.is_fifo()
    }
    #[cfg(not(unix))]
    {
        let _ = ft;
        false
    }
}

/// Expand the command-line inputs into files, folders recursively in name order, and
/// object-store prefixes into their objects in key order.
pub fn discover(inputs: &[String], store: &StoreOptions) -> Result<Discovered> {
    let mut found = Discovered::default();
    for input in inputs {
        if input == "-" {
            found.files.push(InputFile {
                path: None,
                display: "<stdin>".into(),
                tenant_hint: None,
                size: None,
                object: None,
            });
            continue;
        }
        let path = match Location::parse(input)? {
            Location::Local(path) => path,
            Location::Object(url) => {
                remote::discover(&url, store, &mut found)?;
                continue;
            }
        };
        let meta = std::fs::metadata(&path).map_err(|e| Error::io(&path, e))?;
        let ft = meta.file_type();
        if ft.is_dir() {
            walk(&path, &mut found)?;
        } else if ft.is_file() {
            found.files.push(input_file(path, Some(meta.len())));
        } else if is_fifo(&ft) {
            found.files.push(input_file(path, None));
        } else {
            return Err(Error::Input {
                path: input.clone(),
                message: format!(
                    "{} is not a file: inputs are files, folders, FIFOs, or - for stdin",
                    kind_of(&ft)
                ),
            });
        }
    }
    Ok(found)
}

fn input_file(path: PathBuf, size: Option<u64>) -> InputFile {
    InputFile {
        display: path.display().to_string(),
        tenant_hint: tenant_hint(&path),
        path: Some(path),
        size,
        object: None,
    }
}

fn walk(dir: &Path, found: &mut Discovered) -> Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .collect::<io::Result<Vec<_>>>()
        .map_err(|e| Error::io(dir, e))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        let mut ft = entry.file_type().map_err(|e| Error::io(&path, e))?;
        let mut size = None;
        let mut link_to_dir = false;
        if ft.is_symlink() {
            // What it points to; a dangling link or a loop is left to fail on opening,
            // with its error naming the file.
            if let Ok(meta) = std::fs::metadata(&path) {
                ft = meta.file_type();
                size = Some(meta.len());
                link_to_dir = ft.is_dir();
            }
        } else if ft.is_dir() {
            walk(&path, found)?;
            continue;
        }
        let readable_name = FOLDER_EXTENSIONS
            .iter()
            .any(|x| name.to_ascii_lowercase().ends_with(x));
        let display = path.display().to_string();
        if !readable_name {
            found.passed_over.push(display);
        } else if link_to_dir {
            found.not_files.push((
                display,
                "skipped: a symlink to a folder (not followed)".into(),
            ));
        } else if ft.is_file() || ft.is_symlink() {
            let size = size.or_else(|| entry.metadata().ok().map(|m| m.len()));
            found.files.push(input_file(path, size));
        } else {
            found.not_files.push((
                display,
                format!(
                    "skipped: {}, not a regular file (only regular files are read from folders)",
                    kind_of(&ft)
                ),
            ));
        }
    }
    Ok(())
}

/// The value of the last `tenant=`, `tenantId=` or `tenant_id=` folder in a path.
pub fn tenant_hint(path: &Path) -> Option<String> {
    let parent = path.parent()?;
    parent.components().rev().find_map(|c| {
        let s = c.as_os_str().to_str()?;
        let (k, v) = s.split_once('=')?;
        matches!(
            k.to_ascii_lowercase().as_str(),
            "tenant" | "tenantid" | "tenant_id"
        )
        .then(|| v.to_string())
        .filter(|v| !v.is_empty())
    })
}

/// Counts bytes and hashes them as they are read.
struct Hashing<R> {
    inner: R,
    hash: Sha256,
    bytes: u64,
    progress: Arc<AtomicU64>,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.bytes += n as u64;
        self.progress.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// What reading one file produced, besides its chunks.
#[derive(Debug, Clone)]
pub struct FileDone {
    pub sha256: String,
    /// Bytes as stored (compressed size for `.gz`).
    pub bytes: u64,
    /// Bytes after decompression.
    pub decoded_bytes: u64,
    pub gzip: bool,
    /// A read error that ended the file early (truncated gzip, I/O error): everything
    /// before it was still handed on.
    pub error: Option<ReadError>,
}

#[derive(Debug, Clone)]
pub struct ReadError {
    /// Decompressed offset where reading stopped.
    pub offset: u64,
    pub message: String,
}

/// Limits for reading.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Records longer than this are rejected without being held in memory.
    pub max_record: u64,
    /// Target size of a chunk of records handed on at once.
    pub chunk_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_record: 16 << 20,
            chunk_bytes: 2 << 20,
        }
    }
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Opens a run's inputs in input order: a file or stdin when its turn comes, objects
/// fetched ahead ([`remote::Prefetch`]).
pub struct Opener {
    objects: Option<remote::Prefetch>,
}

impl Opener {
    /// Start fetching the objects among `files`.
    pub fn new(files: &[InputFile]) -> Opener {
        Opener {
            objects: remote::Prefetch::new(files),
        }
    }

    /// The bytes of `file`, the next input: call once per input, in order.
    pub fn open(&mut self, file: &InputFile) -> Result<Box<dyn Read + Send>> {
        Ok(match (&file.path, &mut self.objects) {
            (Some(p), _) => Box::new(File::open(p).map_err(|e| Error::io(p, e))?),
            (None, Some(objects)) if file.object.is_some() => Box::new(objects.next_object()?),
            (None, _) => Box::new(io::stdin()),
        })
    }
}

/// Stream one file through the splitter, calling `emit` for each chunk. Returns the
/// file's hash and any error that stopped it early; only failing to open it is an
/// `Err`.
pub fn read_file(
    file: &InputFile,
    opts: ReadOptions,
    progress: Arc<AtomicU64>,
    emit: impl FnMut(Chunk),
) -> Result<FileDone> {
    let raw = Opener::new(std::slice::from_ref(file)).open(file)?;
    read_from(file, raw, opts, progress, emit)
}

/// [`read_file`] of an input already opened (by an [`Opener`]).
pub fn read_from(
    file: &InputFile,
    raw: Box<dyn Read + Send>,
    opts: ReadOptions,
    progress: Arc<AtomicU64>,
    mut emit: impl FnMut(Chunk),
) -> Result<FileDone> {
    let mut hashing = BufReader::with_capacity(
        1 << 20,
        Hashing {
            inner: raw,
            hash: Sha256::new(),
            bytes: 0,
            progress,
        },
    );
    let gzip = match hashing.fill_buf() {
        Ok(head) => head.len() >= 2 && head[..2] == GZIP_MAGIC,
        Err(e) => {
            return Err(Error::Input {
                path: file.display.clone(),
                message: format!("cannot read: {e}"),
            });
        }
    };
    let is_csv = file.name().is_some_and(csv::is_csv_path);
    let mut decoded = 0u64;
    let mut error = None;
    {
        let mut reader: Box<dyn Read + '_> = if gzip {
            Box::new(flate2::bufread::MultiGzDecoder::new(&mut hashing))
        } else {
            Box::new(&mut hashing)
        };
        if is_csv {
            let (n, failed) = csv::read_csv(&mut reader, opts, &mut emit);
            decoded = n;
            error = failed.map(|e| read_error(gzip, &e, n));
        } else {
            let mut splitter = Splitter::new(opts.max_record, opts.chunk_bytes);
            const BLOCK: usize = 1 << 20;
            loop {
                let buf = splitter.spare(BLOCK);
                match reader.read(buf) {
                    Ok(0) => {
                        splitter.filled(BLOCK, 0);
                        break;
                    }
                    Ok(n) => {
                        splitter.filled(BLOCK, n);
                        decoded += n as u64;
                        splitter.scan(false);
                        if splitter.ready() {
                            emit(splitter.take_chunk());
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                        splitter.filled(BLOCK, 0);
                    }
                    Err(e) => {
                        splitter.filled(BLOCK, 0);
                        error = Some(read_error(gzip, &e, decoded));
                        break;
                    }
                }
            }
            splitter.scan(true);
            emit(splitter.take_chunk());
        }
    }
    let h = hashing.into_inner();
    Ok(FileDone {
        sha256: hex::encode(h.hash.finalize()),
        bytes: h.bytes,
        decoded_bytes: decoded,
        gzip,
        error,
    })
}

/// A read error that ended a file early, in words a user can act on.
fn read_error(gzip: bool, e: &io::Error, decoded: u64) -> ReadError {
    let what = if gzip && e.kind() == io::ErrorKind::UnexpectedEof {
        "gzip stream is truncated".to_string()
    } else if gzip {
        format!("gzip stream is corrupt ({e})")
    } else {
        format!("read failed ({e})")
    };
    ReadError {
        offset: decoded,
        message: format!(
            "{what} after {decoded} decompressed bytes; records before that were kept"
        ),
    }
}
