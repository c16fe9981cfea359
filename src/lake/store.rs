//! The lake's files as readers see them: those of committed runs only
//! (docs/design.md section 2).
//!
//! A run's files take their final names a moment before its `runs` row is written, and
//! a run killed in between leaves them so until the next writer opens the lake; the
//! files a committed run replaced (`compact`) stay until its commit record is done.
//! Readers (`sql`, `serve`, the REPL) never take the lock, so a session reads the
//! lake's files through [`CommittedStore`]: the local file system, with the files of
//! runs that have no `runs` row, and the files committed runs replaced, left out of
//! every listing ([`super::Visible`]). The lake's tables stay plain
//! DataFusion listing tables over their folders, listed (and filtered) once per session,
//! or at every statement in a live one, as before.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::object_store::local::LocalFileSystem;
use datafusion::object_store::path::Path as StorePath;
use datafusion::object_store::{
    CopyOptions, GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore,
    PutMultipartOptions, PutOptions, PutPayload, PutResult, RenameOptions, Result,
};
use futures::stream::{BoxStream, StreamExt};

use super::Visible;

/// The local file system, as a session over the lake at `lake` should see it.
#[derive(Debug)]
pub struct CommittedStore {
    inner: Arc<LocalFileSystem>,
    lake: PathBuf,
    /// `lake` as an object-store path, with a trailing `/`.
    prefix: String,
}

impl CommittedStore {
    pub fn new(lake: &std::path::Path) -> crate::error::Result<Self> {
        let absolute = std::path::absolute(lake).map_err(|e| crate::error::Error::io(lake, e))?;
        // `..` resolved by name, as DataFusion does for the table folders' URLs.
        let mut lake = PathBuf::new();
        for c in absolute.components() {
            match c {
                std::path::Component::ParentDir => {
                    lake.pop();
                }
                std::path::Component::CurDir => {}
                c => lake.push(c),
            }
        }
        let prefix = StorePath::from_absolute_path(&lake)
            .map_err(|e| crate::error::Error::lake(&lake, e.to_string()))?;
        Ok(CommittedStore {
            inner: Arc::new(LocalFileSystem::new()),
            prefix: format!("{prefix}/"),
            lake,
        })
    }

    /// What a listing may show: anything outside the lake, and the lake's files that
    /// [`Visible::shows`].
    fn shows(visible: &Visible, prefix: &str, m: &ObjectMeta) -> bool {
        let loc = m.location.as_ref();
        loc.strip_prefix(prefix)
            .is_none_or(|rel| visible.shows(rel))
    }

    /// A listing as [`Visible::consistent`] makes it: the committed runs are read
    /// before and after it, and it is made again when a run committed meanwhile.
    fn filtered<F>(&self, list: F) -> BoxStream<'static, Result<ObjectMeta>>
    where
        F: Fn(&LocalFileSystem) -> BoxStream<'static, Result<ObjectMeta>> + Send + 'static,
    {
        let (inner, lake, prefix) = (self.inner.clone(), self.lake.clone(), self.prefix.clone());
        futures::stream::once(async move {
            let mut before = Visible::read(&lake);
            loop {
                let items: Vec<Result<ObjectMeta>> = list(&inner).collect().await;
                let after = Visible::read(&lake);
                if after.runs == before.runs {
                    return futures::stream::iter(items.into_iter().filter(move |m| {
                        m.as_ref()
                            .map_or(true, |m| Self::shows(&before, &prefix, m))
                    }));
                }
                before = after;
            }
        })
        .flatten()
        .boxed()
    }
}

impl fmt::Display for CommittedStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CommittedStore({})", self.lake.display())
    }
}

#[async_trait]
impl ObjectStore for CommittedStore {
    async fn put_opts(
        &self,
        location: &StorePath,
        payload: PutPayload,
        opts: PutOptions,
    ) -> Result<PutResult> {
        self.inner.put_opts(location, payload, opts).await
    }

    async fn put_multipart_opts(
        &self,
        location: &StorePath,
        opts: PutMultipartOptions,
    ) -> Result<Box<dyn MultipartUpload>> {
        self.inner.put_multipart_opts(location, opts).await
    }

    async fn get_opts(&self, location: &StorePath, options: GetOptions) -> Result<GetResult> {
        self.inner.get_opts(location, options).await
    }

    /// The local file system's own: one open for all ranges of a file.
    async fn get_ranges(
        &self,
        location: &StorePath,
        ranges: &[std::ops::Range<u64>],
    ) -> Result<Vec<bytes::Bytes>> {
        self.inner.get_ranges(location, ranges).await
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, Result<StorePath>>,
    ) -> BoxStream<'static, Result<StorePath>> {
        self.inner.delete_stream(locations)
    }

    fn list(&self, prefix: Option<&StorePath>) -> BoxStream<'static, Result<ObjectMeta>> {
        let prefix = prefix.cloned();
        self.filtered(move |fs| fs.list(prefix.as_ref()))
    }

    fn list_with_offset(
        &self,
        prefix: Option<&StorePath>,
        offset: &StorePath,
    ) -> BoxStream<'static, Result<ObjectMeta>> {
        let (prefix, offset) = (prefix.cloned(), offset.clone());
        self.filtered(move |fs| fs.list_with_offset(prefix.as_ref(), &offset))
    }

    async fn list_with_delimiter(&self, prefix: Option<&StorePath>) -> Result<ListResult> {
        let mut before = Visible::read(&self.lake);
        loop {
            let mut list = self.inner.list_with_delimiter(prefix).await?;
            let after = Visible::read(&self.lake);
            if after.runs == before.runs {
                list.objects
                    .retain(|m| Self::shows(&before, &self.prefix, m));
                return Ok(list);
            }
            before = after;
        }
    }

    async fn copy_opts(
        &self,
        from: &StorePath,
        to: &StorePath,
        options: CopyOptions,
    ) -> Result<()> {
        self.inner.copy_opts(from, to, options).await
    }

    async fn rename_opts(
        &self,
        from: &StorePath,
        to: &StorePath,
        options: RenameOptions,
    ) -> Result<()> {
        self.inner.rename_opts(from, to, options).await
    }
}
