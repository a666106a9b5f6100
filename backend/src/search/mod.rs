//! Search, the platform piece: this instance's tantivy index (derived from the
//! database), the tail of the `change_event` outbox that keeps it current, the
//! rebuild, and the GraphQL of the one search box.

pub mod resolvers;
mod sources;

use std::{
    path::Path,
    sync::Arc,
    time::{Duration, Instant},
};

use sea_orm::DatabaseConnection;
use search_index::{Dimension, Opened, SearchIndex, SearchPage, SearchRequest};

use crate::outbox::{prune, tail::Tail};
pub use sources::Sources;

use crate::{
    assistance::model::Offer,
    commission::model::Commitment,
    consultation::model::PostedMessage,
    error::ServiceError,
    events::{ChangesApplied, EventBus, IndicatorsRecomputed, SessionsChanged},
    outbox::Outbox,
};

/// The buses the outbox tail announces on, one per kind of event: each
/// context's subscription resolvers find theirs in the schema's data.
#[derive(Clone, Default)]
pub struct Subscribers {
    pub offers: EventBus<Offer>,
    pub commitments: EventBus<Commitment>,
    pub messages: EventBus<Box<PostedMessage>>,
    pub changes: EventBus<ChangesApplied>,
    pub sessions: EventBus<SessionsChanged>,
    pub indicators: EventBus<IndicatorsRecomputed>,
}

/// How often the tail looks for changes written by other instances.
const POLL: Duration = Duration::from_millis(200);
/// Events read per round.
const BATCH: u64 = 500;
/// Products per rebuild batch.
const REBUILD_BATCH: u64 = 1_000;

#[derive(Clone)]
pub struct SearchService {
    index: Arc<SearchIndex>,
    db: DatabaseConnection,
    sources: Sources,
    outbox: Outbox,
    events: Subscribers,
    /// This index's name among the outbox's followers (none in memory).
    follower: Option<Arc<str>>,
}

/// An index's name among the outbox's followers: its machine and folder, so
/// a restarted instance takes up its own row again.
fn follower_name(dir: &Path) -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|host| host.trim().to_owned())
        .filter(|host| !host.is_empty())
        .unwrap_or_else(|| "local".into());
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let name = format!("indice:{host}:{}", dir.display());
    // The column holds 512 characters; a longer folder keeps its end.
    let skip = name.chars().count().saturating_sub(512);
    name.chars().skip(skip).collect()
}

impl From<search_index::SearchError> for ServiceError {
    fn from(error: search_index::SearchError) -> Self {
        match error {
            search_index::SearchError::QueryTooLong { max } => {
                ServiceError::invalid(format!("la búsqueda admite hasta {max} caracteres"))
            }
            in_use @ search_index::SearchError::InUse { .. } => ServiceError::Conflict(in_use.to_string()),
            other => ServiceError::Internal(other.into()),
        }
    }
}

/// Text relevance of published offers, from the index (for the matching).
#[async_trait::async_trait]
impl crate::assistance::service::OfferRelevance for SearchService {
    async fn relevance(
        &self,
        text: &str,
    ) -> Result<std::collections::HashMap<uuid::Uuid, f64>, ServiceError> {
        let words: String = text.chars().take(search_index::MAX_QUERY_CHARS).collect();
        // Any of the words, not all: a need is described at length.
        let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
        let request = SearchRequest {
            text: words,
            kinds: vec![search_index::Kind::Offer],
            limit: 500,
            any_word: true,
            ..SearchRequest::default()
        };
        let page = self.search(request).await?;
        Ok(page
            .hits
            .into_iter()
            .filter_map(|hit| {
                let id = hit.key.split_once(':')?.1.parse().ok()?;
                Some((id, f64::from(hit.score)))
            })
            .collect())
    }
}

impl SearchService {
    /// Opens (or creates) the index in `dir`; an empty one must be rebuilt.
    pub fn open(
        dir: &Path,
        db: DatabaseConnection,
        sources: Sources,
        outbox: Outbox,
        events: Subscribers,
    ) -> Result<(Self, Opened), ServiceError> {
        let (index, opened) = SearchIndex::open(dir)?;
        let follower = Some(Arc::from(follower_name(dir)));
        Ok((Self { index: Arc::new(index), db, sources, outbox, events, follower }, opened))
    }

    /// An index in memory, for command-line tasks that must not touch a server's.
    pub fn in_memory(
        db: DatabaseConnection,
        sources: Sources,
        outbox: Outbox,
        events: Subscribers,
    ) -> Result<Self, ServiceError> {
        Ok(Self { index: Arc::new(SearchIndex::in_memory()?), db, sources, outbox, events, follower: None })
    }

    /// Refills the index from the database; searches keep answering from the
    /// old contents until the new ones are committed.
    #[tracing::instrument(name = "search.rebuild", skip_all)]
    pub async fn rebuild(&self, mut progress: impl FnMut(u64)) -> Result<u64, ServiceError> {
        // Read before the scan: what changes during it is applied again after.
        let cursor = crate::outbox::last_position(&self.db).await?;
        self.blocking(|index| index.stage_clear()).await?;
        let mut count = 0;
        let requirements = self.sources.requirement_documents().await?;
        count += requirements.len() as u64;
        self.stage(requirements).await?;
        let offers = self.sources.offer_documents().await?;
        count += offers.len() as u64;
        self.stage(offers).await?;
        let vacancies = self.sources.vacancy_documents().await?;
        count += vacancies.len() as u64;
        self.stage(vacancies).await?;
        let units = self.sources.unit_documents().await?;
        count += units.len() as u64;
        self.stage(units).await?;
        progress(count);
        let mut after = None;
        loop {
            let (documents, last) = self.sources.knowledge_documents_after(after, REBUILD_BATCH).await?;
            if documents.is_empty() {
                break;
            }
            count += documents.len() as u64;
            self.stage(documents).await?;
            progress(count);
            after = last;
        }
        self.blocking(move |index| index.commit(cursor)).await?;
        tracing::info!(documentos = count, cursor, "índice de búsqueda reconstruido");
        Ok(count)
    }

    /// Applies the outbox after the index's cursor, once. Returns the events applied.
    pub async fn catch_up(&self, tail: &mut Tail) -> Result<usize, ServiceError> {
        let mut applied = 0;
        let mut newly_published = Vec::new();
        let mut updated_commitments = Vec::new();
        let mut messages = Vec::new();
        // Observation changes alone are monitoring's (see its tail), which
        // makes the answers it derives stale once it has recomputed them.
        let mut general_changes = false;
        loop {
            let events = crate::outbox::after(&self.db, tail.read_after(), BATCH).await?;
            let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
            let fresh = tail.fresh(&ids);
            let before = tail.cursor();
            if !fresh.is_empty() {
                let wanted: Vec<_> = events.iter().filter(|e| fresh.contains(&e.id)).collect();
                // Before anything slower: a revoked session must stop working everywhere at once.
                if wanted.iter().any(|e| e.kind == crate::outbox::SESSION) {
                    self.events.sessions.publish(SessionsChanged);
                }
                general_changes |= wanted.iter().any(|e| e.kind != crate::outbox::OBSERVATIONS);
                let changes = self.sources.changes(&wanted).await?;
                // New to this index: the offer has just been published.
                let index = Arc::clone(&self.index);
                let new: Vec<_> = changes
                    .published
                    .into_iter()
                    .filter(|offer| {
                        !index.contains(&search_index::Document::key_for(
                            search_index::Kind::Offer,
                            &offer.id.to_string(),
                        ))
                    })
                    .collect();
                self.stage_changes(changes.index).await?;
                newly_published.extend(new);
                updated_commitments.extend(changes.commitments);
                messages.extend(changes.messages);
            }
            tail.applied(&fresh, Instant::now());
            if !fresh.is_empty() || tail.cursor() != before {
                let cursor = tail.cursor();
                self.blocking(move |index| index.commit(cursor)).await?;
            }
            // Announced once the index holds them: a subscriber can search them.
            for offer in newly_published.drain(..) {
                self.events.offers.publish(offer);
            }
            for commitment in updated_commitments.drain(..) {
                self.events.commitments.publish(commitment);
            }
            for message in messages.drain(..) {
                self.events.messages.publish(Box::new(message));
            }
            if std::mem::take(&mut general_changes) {
                self.events.changes.publish(ChangesApplied);
            }
            applied += fresh.len();
            if (events.len() as u64) < BATCH || fresh.is_empty() {
                return Ok(applied);
            }
        }
    }

    /// Follows the outbox for as long as the process lives: woken at once by
    /// this instance's writes, every `POLL` for the others'. Before reading on,
    /// it reports where it stands (so the pruning waits for it) and, found
    /// behind what was pruned, rebuilds the index.
    pub fn spawn_tail(&self) -> tokio::task::JoinHandle<()> {
        let service = self.clone();
        tokio::spawn(async move {
            let mut tail = Tail::new(service.index.cursor().unwrap_or(0));
            let mut reported = None;
            loop {
                if let Err(error) = service.report_and_rebuild_if_behind(&mut tail, &mut reported).await {
                    tracing::warn!(?error, "no se pudo informar la posición del índice; se reintenta");
                }
                if let Err(error) = service.catch_up(&mut tail).await {
                    tracing::warn!(
                        ?error,
                        "no se pudo aplicar el registro de cambios al índice; se reintenta"
                    );
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                tokio::select! {
                    _ = service.outbox.woken() => {}
                    _ = tokio::time::sleep(POLL) => {}
                }
            }
        })
    }

    async fn report_and_rebuild_if_behind(
        &self,
        tail: &mut Tail,
        reported: &mut Option<prune::Reported>,
    ) -> Result<(), ServiceError> {
        let Some(name) = &self.follower else { return Ok(()) };
        let now = chrono::Utc::now();
        if !prune::report_due(*reported, tail.cursor(), now) {
            return Ok(());
        }
        let horizon = prune::report(&self.db, name, tail.cursor()).await?;
        *reported = Some(prune::Reported { position: tail.cursor(), at: now });
        if tail.cursor() < horizon {
            tracing::warn!(
                cursor = tail.cursor(),
                horizonte = horizon,
                "el índice quedó detrás del registro de cambios podado; se reconstruye"
            );
            self.rebuild(|_| {}).await?;
            *tail = Tail::new(self.cursor());
            // What the missed events would have said: sessions may have
            // ended, and any cached answer may be stale.
            self.events.sessions.publish(SessionsChanged);
            self.events.changes.publish(ChangesApplied);
            *reported = None;
        }
        Ok(())
    }

    #[tracing::instrument(name = "search.query", skip_all)]
    pub async fn search(&self, request: SearchRequest) -> Result<SearchPage, ServiceError> {
        self.blocking(move |index| index.search(&request)).await
    }

    /// A search whose facets are counted as a user filtering expects: the values of a
    /// dimension already filtered on are counted without that dimension's own filter (the
    /// other filters still apply), so another value of it can be added, since the values of
    /// one dimension are alternatives. One more count per filtered dimension.
    #[tracing::instrument(name = "search.faceted", skip_all, fields(filters = request.filters.len()))]
    pub async fn search_faceted(&self, request: SearchRequest) -> Result<SearchPage, ServiceError> {
        let mut dimensions: Vec<Dimension> = Vec::new();
        if request.facets {
            for (dimension, _) in &request.filters {
                if !dimensions.contains(dimension) {
                    dimensions.push(*dimension);
                }
            }
        }
        let base = request.clone();
        let mut page = self.search(request).await?;
        for dimension in dimensions {
            let mut others = base.clone();
            others.filters.retain(|(d, _)| *d != dimension);
            others.limit = 1;
            others.after = None;
            let counted = self.search(others).await?;
            page.facets_approximate |= counted.facets_approximate;
            let values = counted.facets.into_iter().find(|facet| facet.dimension == dimension);
            page.facets.retain(|facet| facet.dimension != dimension);
            if let Some(values) = values {
                page.facets.push(values);
            }
        }
        page.facets.sort_by_key(|facet| facet.dimension);
        Ok(page)
    }

    pub fn documents(&self) -> u64 {
        self.index.num_docs()
    }

    /// The last outbox position committed to this index (0 before any).
    pub fn cursor(&self) -> i64 {
        self.index.cursor().unwrap_or(0)
    }

    async fn stage(&self, documents: Vec<search_index::Document>) -> Result<(), ServiceError> {
        self.stage_changes(documents.into_iter().map(search_index::Change::Upsert).collect()).await
    }

    async fn stage_changes(&self, changes: Vec<search_index::Change>) -> Result<(), ServiceError> {
        self.blocking(move |index| index.stage(changes)).await
    }

    /// Index work is CPU and disk bound: it runs off the async workers.
    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&SearchIndex) -> Result<T, search_index::SearchError> + Send + 'static,
    ) -> Result<T, ServiceError> {
        let index = Arc::clone(&self.index);
        Ok(tokio::task::spawn_blocking(move || work(&index))
            .await
            .map_err(|e| ServiceError::Internal(e.into()))??)
    }
}
