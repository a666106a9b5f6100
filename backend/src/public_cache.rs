//! Answers to public (anonymous) queries, cached in Redis for every instance,
//! in process without Redis.
//!
//! Freshness comes from one *generation* number: every stored answer carries
//! the generation read before it was computed, and only an answer of the
//! current generation is served. A write moves the generation after its
//! transaction commits and before it is acknowledged, and every instance's
//! outbox tail moves it again when it applies changes; so a cached answer is
//! never older than the last acknowledged write. One `MGET` (generation and
//! answer) is the whole cost of a hit.
//!
//! Two generations, not one: submissions are the platform's busiest writes and
//! only three public queries read them (`REPORTING_READS`), so a submission
//! moves the *reporting* generation only, and every other write the *general*
//! one, which every answer depends on.
//!
//! A generation that vanished (Redis restarted or evicted it) starts again from
//! the clock, so an old answer can never match a new generation by chance.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, Selection, SelectionSet};
use sha2::{Digest, Sha256};

use crate::{
    cache::Cache,
    metrics::{CacheOutcome, Metrics},
};

/// Even a current answer is recomputed after this long: some public answers
/// depend on the date (upcoming sessions, overdue commitments).
pub const TTL: Duration = Duration::from_secs(60);

const GENERAL_KEY: &str = "public:generation";
const REPORTING_KEY: &str = "public:generation:reporting";

/// The queries whose answers are derived from submitted values (monitoring's
/// results too: its follower moves the generation again once it has
/// recomputed them).
const REPORTING_READS: [&str; 7] = [
    "requirementStatus",
    "reportingBurden",
    "dataConflicts",
    "observation",
    "entityIndicators",
    "departmentIndicator",
    "countryIndicator",
];
/// The mutations that only add or settle submitted values.
const REPORTING_WRITES: [&str; 3] = ["submitReport", "importSubmissions", "resolveConflict"];

/// Which generations an answer depends on, or a write moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scopes {
    pub general: bool,
    pub reporting: bool,
}

impl Scopes {
    pub const ALL: Self = Self { general: true, reporting: true };
    /// Every answer depends on the general generation.
    pub const GENERAL: Self = Self { general: true, reporting: false };
    pub const REPORTING: Self = Self { general: false, reporting: true };

    fn keys(self) -> Vec<&'static str> {
        [(self.general, GENERAL_KEY), (self.reporting, REPORTING_KEY)]
            .into_iter()
            .filter_map(|(wanted, key)| wanted.then_some(key))
            .collect()
    }

    /// What a query's answer depends on: everything public, and submitted
    /// values when any field it names (fragments included) reads them.
    pub fn read_by(document: &ExecutableDocument) -> Self {
        let mut reporting = false;
        let mut pending: Vec<&SelectionSet> = operation_sets(document);
        pending.extend(document.fragments.values().map(|fragment| &fragment.node.selection_set.node));
        while let Some(set) = pending.pop() {
            for item in &set.items {
                match &item.node {
                    Selection::Field(field) => {
                        reporting |= REPORTING_READS.contains(&field.node.name.node.as_str());
                        pending.push(&field.node.selection_set.node);
                    }
                    Selection::InlineFragment(fragment) => pending.push(&fragment.node.selection_set.node),
                    Selection::FragmentSpread(_) => {}
                }
            }
        }
        Self { general: true, reporting }
    }

    /// What a mutation may change: only submitted values when every field at
    /// its top is a reporting write, everything when a fragment hides them.
    pub fn written_by(operation: &SelectionSet) -> Self {
        let mut scopes = Self { general: false, reporting: false };
        for item in &operation.items {
            match &item.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    if REPORTING_WRITES.contains(&name) {
                        scopes.reporting = true;
                    } else if name != "__typename" {
                        scopes.general = true;
                    }
                }
                Selection::FragmentSpread(_) | Selection::InlineFragment(_) => return Self::ALL,
            }
        }
        scopes
    }
}

fn operation_sets(document: &ExecutableDocument) -> Vec<&SelectionSet> {
    match &document.operations {
        DocumentOperations::Single(operation) => vec![&operation.node.selection_set.node],
        DocumentOperations::Multiple(operations) => {
            operations.values().map(|operation| &operation.node.selection_set.node).collect()
        }
    }
}

/// What the cache holds for a query.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The answer's JSON body, current.
    Hit(String),
    /// Compute it; store it under this tag of generations (none: do not store).
    Miss(Option<String>),
    /// The cache cannot be trusted or reached: compute, do not store.
    Unavailable,
}

#[derive(Clone)]
pub struct PublicCache {
    cache: Cache,
    metrics: Arc<Metrics>,
    /// The generations (general, reporting) when there is no Redis.
    local: Arc<[AtomicU64; 2]>,
    /// A write could not move the generations: nothing is served from the
    /// cache by this instance until they have moved.
    pending_invalidation: Arc<AtomicBool>,
}

impl PublicCache {
    pub fn new(cache: Cache, metrics: Arc<Metrics>) -> Self {
        let start = clock_generation();
        Self {
            cache,
            metrics,
            local: Arc::new([AtomicU64::new(start), AtomicU64::new(start)]),
            pending_invalidation: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The key of a query: its text, operation and variables, hashed.
    pub fn key(query: &str, operation_name: Option<&str>, variables: &str) -> String {
        let mut hasher = Sha256::new();
        for part in [query, operation_name.unwrap_or(""), variables] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        let digest = hasher.finalize();
        let hex: String = digest.iter().take(16).map(|byte| format!("{byte:02x}")).collect();
        format!("public:answer:{hex}")
    }

    #[tracing::instrument(name = "public_cache.lookup", skip_all)]
    pub async fn lookup(&self, key: &str, scopes: Scopes) -> Lookup {
        if self.pending_invalidation.load(Ordering::Acquire) && !self.try_invalidate(Scopes::ALL).await {
            self.metrics.observe_cache(CacheOutcome::Unavailable);
            return Lookup::Unavailable;
        }
        let lookup = match &self.cache {
            Cache::Redis { connection, .. } => self.lookup_redis(connection.clone(), key, scopes).await,
            Cache::Memory(map) => {
                let generations: Vec<u64> = self
                    .local_slots(scopes)
                    .into_iter()
                    .map(|slot| self.local[slot].load(Ordering::Acquire))
                    .collect();
                let stored = {
                    let map = map.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                    map.get(key)
                        .filter(|(expires, _)| *expires > std::time::Instant::now())
                        .map(|(_, raw)| raw.clone())
                };
                decide(&tag(&generations), stored)
            }
        };
        self.metrics.observe_cache(match lookup {
            Lookup::Hit(_) => CacheOutcome::Hit,
            Lookup::Miss(_) => CacheOutcome::Miss,
            Lookup::Unavailable => CacheOutcome::Unavailable,
        });
        lookup
    }

    /// One `MGET` of the generations and the answer.
    async fn lookup_redis(
        &self,
        mut connection: redis::aio::ConnectionManager,
        key: &str,
        scopes: Scopes,
    ) -> Lookup {
        let generation_keys: Vec<String> =
            scopes.keys().into_iter().map(|name| self.cache.full_key(name)).collect();
        let mut keys = generation_keys.clone();
        keys.push(self.cache.full_key(key));
        let read: Result<Vec<Option<String>>, _> =
            redis::cmd("MGET").arg(&keys).query_async(&mut connection).await;
        let mut values = match read {
            Ok(values) if values.len() == keys.len() => values,
            Ok(_) => return Lookup::Unavailable,
            Err(error) => {
                tracing::warn!(%error, "caché Redis no disponible: la consulta pública se calcula");
                return Lookup::Unavailable;
            }
        };
        let stored = values.pop().flatten();
        let mut generations = Vec::with_capacity(generation_keys.len());
        for (name, value) in generation_keys.iter().zip(values) {
            match value.and_then(|value| value.parse::<u64>().ok()) {
                Some(generation) => generations.push(generation),
                None => {
                    // A fresh Redis: the generation starts from the clock; only
                    // the instance that set it knows it without reading again.
                    let generation = clock_generation();
                    let set: Result<Option<String>, _> = redis::cmd("SET")
                        .arg(name)
                        .arg(generation)
                        .arg("NX")
                        .query_async(&mut connection)
                        .await;
                    if !matches!(set, Ok(Some(_))) {
                        return Lookup::Miss(None);
                    }
                    generations.push(generation);
                }
            }
        }
        decide(&tag(&generations), stored)
    }

    /// Keeps `body` as the answer of `key`, computed at the generations of `tag`.
    pub async fn store(&self, key: &str, tag: &str, body: &str) {
        let entry = format!("{tag}\n{body}");
        match &self.cache {
            Cache::Redis { connection, .. } => {
                let mut connection = connection.clone();
                let result: Result<(), _> = redis::cmd("SET")
                    .arg(self.cache.full_key(key))
                    .arg(entry)
                    .arg("EX")
                    .arg(TTL.as_secs())
                    .query_async(&mut connection)
                    .await;
                if let Err(error) = result {
                    tracing::warn!(%error, "no se pudo guardar la respuesta pública en Redis");
                }
            }
            Cache::Memory(_) => self.cache.set_raw(key, entry, TTL),
        }
    }

    /// The answers depending on `scopes` are out of date: called after a write
    /// commits, before it is acknowledged, and by the outbox tail.
    #[tracing::instrument(name = "public_cache.invalidate", skip_all)]
    pub async fn invalidate(&self, scopes: Scopes) {
        if !self.try_invalidate(scopes).await {
            self.pending_invalidation.store(true, Ordering::Release);
        }
    }

    async fn try_invalidate(&self, scopes: Scopes) -> bool {
        match &self.cache {
            Cache::Redis { connection, .. } => {
                let mut connection = connection.clone();
                let mut pipe = redis::pipe();
                pipe.atomic();
                for name in scopes.keys() {
                    let key = self.cache.full_key(name);
                    pipe.cmd("SET").arg(&key).arg(clock_generation()).arg("NX").ignore();
                    pipe.cmd("INCR").arg(&key).ignore();
                }
                let result: Result<(), _> = pipe.query_async(&mut connection).await;
                match result {
                    Ok(()) => {
                        self.pending_invalidation.store(false, Ordering::Release);
                        true
                    }
                    Err(error) => {
                        tracing::warn!(%error, "no se pudo invalidar la caché pública en Redis; no se usará hasta lograrlo");
                        false
                    }
                }
            }
            Cache::Memory(_) => {
                for slot in self.local_slots(scopes) {
                    self.local[slot].fetch_add(1, Ordering::AcqRel);
                }
                true
            }
        }
    }

    fn local_slots(&self, scopes: Scopes) -> Vec<usize> {
        [(scopes.general, 0), (scopes.reporting, 1)]
            .into_iter()
            .filter_map(|(wanted, slot)| wanted.then_some(slot))
            .collect()
    }
}

fn tag(generations: &[u64]) -> String {
    generations.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
}

/// A stored entry is served only when it was computed at the current generations.
fn decide(current: &str, stored: Option<String>) -> Lookup {
    let body = stored.and_then(|entry| {
        let (tag, body) = entry.split_once('\n')?;
        (tag == current).then(|| body.to_owned())
    });
    match body {
        Some(body) => Lookup::Hit(body),
        None => Lookup::Miss(Some(current.to_owned())),
    }
}

/// Microseconds since the epoch: larger than any generation counted before a restart.
fn clock_generation() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |elapsed| elapsed.as_micros() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache() -> PublicCache {
        PublicCache::new(Cache::in_memory(), Arc::default())
    }

    fn document(text: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(text).expect("valid GraphQL")
    }

    const ALL: Scopes = Scopes::ALL;
    const GENERAL: Scopes = Scopes::GENERAL;
    const REPORTING: Scopes = Scopes::REPORTING;

    #[test]
    fn only_an_answer_of_the_current_generations_is_served() {
        assert_eq!(decide("7.3", Some("7.3\n{\"data\":1}".into())), Lookup::Hit("{\"data\":1}".into()));
        assert_eq!(decide("8.3", Some("7.3\n{\"data\":1}".into())), Lookup::Miss(Some("8.3".into())));
        assert_eq!(decide("7", Some("7.3\n{}".into())), Lookup::Miss(Some("7".into())));
        assert_eq!(decide("8", None), Lookup::Miss(Some("8".into())));
        assert_eq!(decide("8", Some("garbage".into())), Lookup::Miss(Some("8".into())));
    }

    #[test]
    fn keys_differ_by_query_operation_and_variables() {
        let base = PublicCache::key("{ a }", None, "{}");
        assert_eq!(base, PublicCache::key("{ a }", None, "{}"));
        assert_ne!(base, PublicCache::key("{ a }", Some("A"), "{}"));
        assert_ne!(base, PublicCache::key("{ a }", None, "{\"x\":1}"));
        assert_ne!(PublicCache::key("ab", None, "c"), PublicCache::key("a", None, "bc"));
    }

    #[test]
    fn queries_of_submitted_values_depend_on_the_reporting_generation() {
        assert_eq!(Scopes::read_by(&document("{ territorialEntity(code: \"05001\") { name } }")), GENERAL);
        assert_eq!(
            Scopes::read_by(&document(
                "{ reportingBurden(entityCode: \"05001\", period: \"2025\") { burdenSaved } }"
            )),
            ALL
        );
        let hidden = "query { ...F } fragment F on Query { x: dataConflicts { totalCount } }";
        assert_eq!(Scopes::read_by(&document(hidden)), ALL, "an alias inside a fragment");
    }

    #[test]
    fn submissions_move_only_the_reporting_generation() {
        let top = |text: &str| {
            let document = document(text);
            let DocumentOperations::Single(operation) = document.operations else { panic!("one operation") };
            Scopes::written_by(&operation.node.selection_set.node)
        };
        assert_eq!(top("mutation { submitReport(input: {}) { accepted } }"), REPORTING);
        assert_eq!(top("mutation { a: submitReport(input: {}) { accepted } resolveConflict(observationId: 1, valueId: 2) { __typename } }"), REPORTING);
        assert_eq!(
            top("mutation { submitReport(input: {}) { accepted } publishOffer(id: 1) { __typename } }"),
            ALL
        );
        assert_eq!(
            top("mutation { updateTerritorialEntity(code: \"05001\", input: {}) { __typename } }"),
            GENERAL
        );
        assert_eq!(
            top("mutation { ...W } fragment W on Mutation { submitReport(input: {}) { accepted } }"),
            ALL
        );
    }

    #[tokio::test]
    async fn a_write_makes_the_answers_of_its_scope_stale() {
        let cache = cache();
        let Lookup::Miss(Some(tag)) = cache.lookup("place", GENERAL).await else { panic!("empty cache") };
        cache.store("place", &tag, "{\"data\":\"viejo\"}").await;
        let Lookup::Miss(Some(tag)) = cache.lookup("burden", ALL).await else { panic!("empty cache") };
        cache.store("burden", &tag, "{\"data\":\"viejo\"}").await;
        assert_eq!(cache.lookup("place", GENERAL).await, Lookup::Hit("{\"data\":\"viejo\"}".into()));

        cache.invalidate(REPORTING).await;
        assert!(
            matches!(cache.lookup("place", GENERAL).await, Lookup::Hit(_)),
            "a submission leaves places alone"
        );
        assert!(matches!(cache.lookup("burden", ALL).await, Lookup::Miss(Some(_))));

        cache.invalidate(GENERAL).await;
        assert!(matches!(cache.lookup("place", GENERAL).await, Lookup::Miss(Some(_))));
    }

    #[tokio::test]
    async fn an_answer_computed_across_a_write_is_never_served() {
        let cache = cache();
        let Lookup::Miss(Some(read_before)) = cache.lookup("k", GENERAL).await else { panic!("empty cache") };
        // The write commits while the answer is being computed.
        cache.invalidate(GENERAL).await;
        cache.store("k", &read_before, "{\"data\":\"quizá viejo\"}").await;
        assert!(matches!(cache.lookup("k", GENERAL).await, Lookup::Miss(Some(_))));
    }
}
