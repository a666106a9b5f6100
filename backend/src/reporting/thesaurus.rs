//! The thesaurus a running server lends the near-duplicate proposals: the file the
//! settings name is checked at start (it opens, its first line names an encoding) and read
//! off the request threads, by `sugit serve` right after it listens and elsewhere on the
//! first proposal. A test server that never registers a field never pays for reading
//! 66,000 lines.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::OnceCell;

use super::similarity::{latin1, RelatedWords, ThesaurusError};

pub struct Thesaurus {
    path: Option<PathBuf>,
    words: OnceCell<Arc<RelatedWords>>,
}

impl Thesaurus {
    /// No thesaurus: the embedded lists only.
    pub fn none() -> Self {
        Self { path: None, words: OnceCell::new() }
    }

    /// A MyThes file, checked now and read on first use.
    pub fn open(path: &Path) -> Result<Self, ThesaurusError> {
        let shown = path.display().to_string();
        let file = std::fs::File::open(path)
            .map_err(|source| ThesaurusError::Read { path: shown.clone(), source })?;
        let mut first_line = Vec::new();
        std::io::BufReader::new(file)
            .read_until(b'\n', &mut first_line)
            .map_err(|source| ThesaurusError::Read { path: shown.clone(), source })?;
        latin1(&first_line).map_err(|reason| ThesaurusError::Format { path: shown, reason })?;
        Ok(Self { path: Some(path.to_path_buf()), words: OnceCell::new() })
    }

    /// The file, when there is one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The links, read on the first call. A file that changed into something unreadable
    /// since the start leaves the proposals on the embedded lists, and says so in the log.
    pub async fn words(&self) -> Arc<RelatedWords> {
        let read = || async {
            let Some(path) = self.path.clone() else { return Arc::new(RelatedWords::default()) };
            let loaded = tokio::task::spawn_blocking(move || RelatedWords::load(&path)).await;
            match loaded {
                Ok(Ok(words)) => {
                    tracing::info!(términos = words.len(), "tesauro leído");
                    Arc::new(words)
                }
                Ok(Err(error)) => {
                    tracing::error!(%error, "tesauro ilegible: solo las listas propias");
                    Arc::new(RelatedWords::default())
                }
                Err(error) => {
                    tracing::error!(%error, "la lectura del tesauro falló: solo las listas propias");
                    Arc::new(RelatedWords::default())
                }
            }
        };
        self.words.get_or_init(read).await.clone()
    }
}
