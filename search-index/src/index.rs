//! The index on disk (or in memory): opening, checking, writing, committing
//! with the outbox cursor it has reached.

use std::{
    path::Path,
    sync::{Arc, Mutex, MutexGuard},
};

use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use crate::{
    analysis::{spanish_analyzer, SPANISH},
    document::{key_order, schema, Document, Fields, INDEX_VERSION},
    facets::{FacetCache, FacetSampling},
    snippet::{TokenCache, KEPT_TOKENS},
    SearchError,
};

/// Matches of the combined field ranked by the per-field weights (see `top_by_score`).
pub(crate) const CANDIDATES: usize = 200;

/// Memory the writer may fill before it flushes a segment.
const WRITER_MEMORY: usize = 128 * 1024 * 1024;

/// A change to apply: the object's current state, or its removal.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Upsert(Document),
    Delete { key: String },
}

/// What opening found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// A current index that has applied the outbox up to `cursor`.
    Current { cursor: i64 },
    /// A new, empty index: the caller rebuilds it from the database. `reason`
    /// says why (missing, corrupt, older version) for the operator's log.
    Empty { reason: String },
}

/// The search index of one instance.
pub struct SearchIndex {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    writer: Mutex<IndexWriter>,
    pub(crate) fields: Fields,
    /// Expected matches up to which facets are counted exactly, and the size of
    /// the sample beyond (see `search`); fields so that tests can shrink them.
    pub(crate) facet_sampling: FacetSampling,
    /// Matches of the combined field that the per-field weights rank (see
    /// `search`); a field so that tests can shrink it.
    pub(crate) candidates: usize,
    /// Decoded facet ordinals of the segments searched.
    pub(crate) facet_cache: FacetCache,
    /// The analysed texts of the hits shown, for their snippets.
    pub(crate) snippet_tokens: Arc<TokenCache>,
    /// The lock on the folder, held while the index is open.
    _folder: Option<std::fs::File>,
}

impl SearchIndex {
    /// Opens the index in `dir`, or creates an empty one there when it is
    /// missing, unreadable or of another version.
    ///
    /// The folder is taken for this process first: a folder another process
    /// holds is refused, never mistaken for a damaged index and cleared.
    pub fn open(dir: &Path) -> Result<(SearchIndex, Opened), SearchError> {
        let io = |source| SearchError::Io { path: dir.display().to_string(), source };
        std::fs::create_dir_all(dir).map_err(io)?;
        let guard = take_folder(dir)?;
        let (mut index, opened) = if dir.join("meta.json").exists() {
            match Self::open_existing(dir) {
                Ok((index, cursor)) => (index, Opened::Current { cursor }),
                Err(reason) => {
                    clear_folder(dir).map_err(io)?;
                    (Self::create(Index::create_in_dir(dir, schema().0)?)?, Opened::Empty { reason })
                }
            }
        } else {
            clear_folder(dir).map_err(io)?;
            (
                Self::create(Index::create_in_dir(dir, schema().0)?)?,
                Opened::Empty { reason: "no existe".into() },
            )
        };
        index._folder = Some(guard);
        Ok((index, opened))
    }

    /// An index that lives only in memory (tests, benchmarks).
    pub fn in_memory() -> Result<SearchIndex, SearchError> {
        Self::create(Index::create_in_ram(schema().0))
    }

    fn open_existing(dir: &Path) -> Result<(SearchIndex, i64), String> {
        let index = Index::open_in_dir(dir).map_err(|e| format!("ilegible ({e})"))?;
        if index.schema() != schema().0 {
            return Err("esquema de otra versión".into());
        }
        let payload = index.load_metas().map_err(|e| format!("ilegible ({e})"))?.payload;
        let cursor = match payload.as_deref().and_then(parse_payload) {
            Some((version, cursor)) if version == INDEX_VERSION => cursor,
            Some((version, _)) => return Err(format!("versión {version}, se espera {INDEX_VERSION}")),
            None => return Err("sin confirmación completa".into()),
        };
        let opened = Self::create(index).map_err(|e| format!("ilegible ({e})"))?;
        // Read every segment once: a truncated file shows here, not in a user's search.
        opened.reader.searcher().segment_readers().iter().try_for_each(|segment| {
            segment
                .inverted_index(opened.fields.body)
                .map(|_| ())
                .map_err(|e| format!("segmento dañado ({e})"))
        })?;
        Ok((opened, cursor))
    }

    fn create(index: Index) -> Result<SearchIndex, SearchError> {
        index.tokenizers().register(SPANISH, spanish_analyzer());
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let writer = index.writer(WRITER_MEMORY)?;
        let (_, fields) = schema();
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(writer),
            fields,
            facet_sampling: FacetSampling::default(),
            candidates: CANDIDATES,
            facet_cache: FacetCache::default(),
            snippet_tokens: Arc::new(TokenCache::new(KEPT_TOKENS)),
            _folder: None,
        })
    }

    /// The outbox position the last commit reached, if any commit was made.
    pub fn cursor(&self) -> Option<i64> {
        let payload = self.index.load_metas().ok()?.payload?;
        parse_payload(&payload).map(|(_, cursor)| cursor)
    }

    /// Whether a document with `key` is visible to searches.
    pub fn contains(&self, key: &str) -> bool {
        // A search, not the term's document frequency, which still counts deleted documents.
        let term = Term::from_field_text(self.fields.key, key);
        let query = tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic);
        self.reader.searcher().search(&query, &tantivy::collector::Count).is_ok_and(|n| n > 0)
    }

    /// Documents visible to searches.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Stages changes without making them visible; `commit` publishes them.
    pub fn stage(&self, changes: impl IntoIterator<Item = Change>) -> Result<(), SearchError> {
        let writer = self.writer()?;
        for change in changes {
            match change {
                Change::Upsert(document) => {
                    writer.delete_term(Term::from_field_text(self.fields.key, &document.key));
                    writer.add_document(self.to_tantivy(&document))?;
                }
                Change::Delete { key } => {
                    writer.delete_term(Term::from_field_text(self.fields.key, &key));
                }
            }
        }
        Ok(())
    }

    /// Stages the removal of every document: the start of a rebuild. Searches
    /// keep answering from the last commit until the rebuild commits.
    pub fn stage_clear(&self) -> Result<(), SearchError> {
        self.writer()?.delete_all_documents()?;
        Ok(())
    }

    /// Publishes what was staged, recording the outbox position it reaches.
    pub fn commit(&self, cursor: i64) -> Result<(), SearchError> {
        {
            let mut writer = self.writer()?;
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&format!("sugit-index v{INDEX_VERSION} cursor {cursor}"));
            prepared.commit()?;
        }
        self.reader.reload()?;
        Ok(())
    }

    /// Stages and commits in one step.
    pub fn apply(&self, changes: impl IntoIterator<Item = Change>, cursor: i64) -> Result<(), SearchError> {
        self.stage(changes)?;
        self.commit(cursor)
    }

    fn writer(&self) -> Result<MutexGuard<'_, IndexWriter>, SearchError> {
        self.writer.lock().map_err(|_| SearchError::Poisoned)
    }

    fn to_tantivy(&self, document: &Document) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, &document.key);
        doc.add_text(f.kind, document.kind.as_str());
        doc.add_text(f.title, &document.title);
        doc.add_text(f.summary, &document.summary);
        doc.add_text(f.body, &document.body);
        for text in [&document.title, &document.summary, &document.body] {
            doc.add_text(f.all_text, text);
        }
        for (dimension, value) in &document.facets {
            let value = value.trim();
            if !value.is_empty() {
                doc.add_facet(f.facets, dimension.facet(value));
            }
        }
        doc.add_i64(f.date, document.date);
        doc.add_u64(f.order, key_order(&document.key));
        doc
    }
}

/// The file whose lock says which process uses the folder.
const FOLDER_LOCK: &str = "sugit-index.lock";

fn take_folder(dir: &Path) -> Result<std::fs::File, SearchError> {
    let path = dir.join(FOLDER_LOCK);
    let io = |source| SearchError::Io { path: path.display().to_string(), source };
    let file =
        std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&path).map_err(io)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(SearchError::InUse { path: dir.display().to_string() }),
        Err(std::fs::TryLockError::Error(source)) => Err(io(source)),
    }
}

/// Removes everything in the folder but its lock.
fn clear_folder(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.file_name().is_some_and(|name| name == FOLDER_LOCK) {
            continue;
        }
        if path.is_dir() {
            std::fs::remove_dir_all(&path)?;
        } else {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(())
}

fn parse_payload(payload: &str) -> Option<(u32, i64)> {
    let rest = payload.strip_prefix("sugit-index v")?;
    let (version, cursor) = rest.split_once(" cursor ")?;
    Some((version.parse().ok()?, cursor.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_payload_reads_back() {
        assert_eq!(parse_payload("sugit-index v1 cursor 42"), Some((1, 42)));
        assert_eq!(parse_payload("otra cosa"), None);
    }
}
