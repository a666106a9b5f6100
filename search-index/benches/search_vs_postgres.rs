//! Search: the SUGIT index (tantivy) against PostgreSQL full-text search on the
//! same generated corpus, side by side in one run.
//!
//! ```sh
//! cargo bench -p search-index --features corpus --bench search_vs_postgres
//! # options: --docs 1000000  --rounds 30  --pg-rounds 5  --only tantivy|postgres
//! #          --keep DIR (keep the index in DIR and the database)  --queries-only (reuse them)
//! #          --facets-only (tantivy: only the queries with facet counts, no breakdown)
//! #          --show N (print N documents of the corpus and stop)
//! #          --generate-only (time the corpus generator alone)
//! # PostgreSQL: SUGIT_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres)
//! ```
//!
//! Both sides get the same documents of `search_index::corpus` (default seed).
//! tantivy: `SearchIndex::open` in a directory, `stage` in batches of 10,000,
//! one `commit`, then the merges the merge policy asks for, run to the end.
//! PostgreSQL: a fresh database `sugit_bench_search` (dropped at the end), a
//! table whose `tsv` is a stored generated column (title A, summary B, body C,
//! Spanish configuration) filled by COPY, a GIN index on it, indexes on the
//! facet columns the filtered queries use, then VACUUM ANALYZE.
//!
//! Queries: a fixed set of one-, two- and three-word queries, each alone and
//! with one facet filter. tantivy answers `search` with `limit: 10` (total,
//! snippets of the 10 hits, and facet counts over every match when asked);
//! PostgreSQL ranks every match with `ts_rank` and runs `ts_headline` on the
//! top 10 only.

use std::{
    collections::BTreeMap,
    hint::black_box,
    path::{Path, PathBuf},
    str::FromStr,
    time::{Duration, Instant},
};

use search_index::{
    corpus::{Corpus, DEPARTMENTS},
    Change, Dimension, Document, Opened, SearchIndex, SearchRequest,
};
use sqlx::{
    postgres::{PgConnectOptions, PgConnection},
    Connection, Executor, Row,
};
use tantivy::merge_policy::{LogMergePolicy, MergePolicy};

const DATABASE: &str = "sugit_bench_search";
const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
/// Documents per `stage` call and per COPY chunk.
const BATCH: usize = 10_000;
const TANTIVY_WARMUP: usize = 3;
const PG_WARMUP: usize = 1;

// The fixed set of queries, shared with `examples/tail.rs`.
use search_index::corpus::{BenchQuery as Query, BENCH_QUERIES as QUERIES};

struct Options {
    docs: u64,
    rounds: usize,
    pg_rounds: usize,
    tantivy: bool,
    postgres: bool,
    keep: Option<PathBuf>,
    queries_only: bool,
    facets_only: bool,
    show: Option<u64>,
    generate_only: bool,
    url: String,
}

fn options() -> Options {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let number = |flag: &str, default: u64| {
        value(flag).map(|v| v.replace('_', "").parse().expect("a number after the flag")).unwrap_or(default)
    };
    let only = value("--only");
    let options = Options {
        docs: number("--docs", 1_000_000),
        rounds: number("--rounds", 30) as usize,
        pg_rounds: (number("--pg-rounds", 5) as usize).max(1),
        tantivy: only.as_deref() != Some("postgres"),
        postgres: only.as_deref() != Some("tantivy"),
        keep: value("--keep").map(PathBuf::from),
        queries_only: args.iter().any(|a| a == "--queries-only"),
        facets_only: args.iter().any(|a| a == "--facets-only"),
        show: value("--show").map(|v| v.parse().expect("a number after --show")),
        generate_only: args.iter().any(|a| a == "--generate-only"),
        url: std::env::var("SUGIT_BENCH_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_URL.into()),
    };
    assert!(
        !options.queries_only || options.keep.is_some(),
        "--queries-only needs --keep DIR of an earlier run"
    );
    options
}

fn log(message: impl AsRef<str>) {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let start = START.get_or_init(Instant::now);
    eprintln!("[{:>7.1} s] {}", start.elapsed().as_secs_f64(), message.as_ref());
}

fn main() {
    let options = options();
    let corpus = Corpus::default();
    if let Some(n) = options.show {
        for document in corpus.documents(0..n) {
            println!(
                "{}\n  {}\n  {}\n  {:?} {}\n",
                document.title, document.summary, document.body, document.facets, document.date
            );
        }
        return;
    }
    if options.generate_only {
        let start = Instant::now();
        let bytes: usize = corpus.documents(0..options.docs).map(|d| black_box(d).body.len()).sum();
        let elapsed = start.elapsed().as_secs_f64();
        println!(
            "{} documents generated in {elapsed:.2} s: {:.0} documents/s, {:.0} body bytes each",
            options.docs,
            options.docs as f64 / elapsed,
            bytes as f64 / options.docs as f64
        );
        return;
    }
    log(format!("search_vs_postgres: {} documents", options.docs));
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let dir = options
        .keep
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("sugit-bench-search-{}", std::process::id())));
    let mut report = Report { docs: options.docs, ..Report::default() };
    report.machine = machine();

    if !options.queries_only {
        let start = Instant::now();
        let docs: Vec<Document> = corpus.documents(0..options.docs).collect();
        report.generation = start.elapsed();
        log(format!(
            "corpus generated in {:.1} s ({:.0} documents/s)",
            report.generation.as_secs_f64(),
            options.docs as f64 / report.generation.as_secs_f64()
        ));
        if options.tantivy {
            if dir.exists() {
                std::fs::remove_dir_all(&dir).expect("remove the old index directory");
            }
            report.tantivy_build = Some(build_tantivy(&dir, &docs));
        }
        if options.postgres {
            report.pg_build = Some(runtime.block_on(build_postgres(&options.url, &docs)));
        }
    }

    if options.tantivy {
        let (index, opened) = SearchIndex::open(&dir).expect("open the index");
        assert!(matches!(opened, Opened::Current { .. }), "the index is not current: {opened:?}");
        assert_eq!(index.num_docs(), options.docs, "documents in the index");
        report.tantivy_size = Some(tantivy_size(&dir));
        report.matches_tantivy = QUERIES
            .iter()
            .flat_map(|q| [false, true].map(|filtered| request(q, filtered, true)))
            .map(|r| index.search(&r).expect("search").total as u64)
            .collect();
        log("tantivy queries, facet counts on");
        report.tantivy_facets = Some(measure_tantivy(&index, true, options.rounds));
        if !options.facets_only {
            log("tantivy queries, facet counts off");
            report.tantivy_plain = Some(measure_tantivy(&index, false, options.rounds));
            log("tantivy: where the time goes");
            report.breakdown = breakdown(&dir, &index, options.rounds);
        }
    }
    if options.postgres {
        runtime.block_on(async {
            let mut conn = connect(&options.url, Some(DATABASE)).await;
            let rows: i64 = conn.fetch_one("SELECT count(*) FROM docs").await.expect("count the rows").get(0);
            assert_eq!(rows as u64, options.docs, "rows in PostgreSQL");
            report.machine.push(("PostgreSQL".into(), show(&mut conn, "server_version").await));
            for setting in ["shared_buffers", "work_mem", "jit", "max_parallel_workers_per_gather"] {
                report.machine.push((format!("PostgreSQL {setting}"), show(&mut conn, setting).await));
            }
            report.pg_size = Some(pg_size(&mut conn).await);
            report.matches_pg = pg_matches(&mut conn).await;
            log("PostgreSQL queries");
            report.pg = Some(measure_postgres(&mut conn, options.pg_rounds).await);
        });
    }

    report.print(&options);

    if options.keep.is_none() {
        if options.tantivy {
            std::fs::remove_dir_all(&dir).expect("remove the index directory");
        }
        if options.postgres {
            runtime.block_on(async {
                let mut admin = connect(&options.url, None).await;
                admin
                    .execute(format!("DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)").as_str())
                    .await
                    .expect("drop the bench database");
            });
        }
    }
    log("done");
}

// ---------------------------------------------------------------- tantivy

struct TantivyBuild {
    staged: Duration,
    committed: Duration,
    merged: Duration,
    segments_after_commit: usize,
    segments: usize,
}

fn build_tantivy(dir: &Path, docs: &[Document]) -> TantivyBuild {
    log(format!("tantivy: indexing into {}", dir.display()));
    let start = Instant::now();
    let (index, opened) = SearchIndex::open(dir).expect("create the index");
    assert!(matches!(opened, Opened::Empty { .. }));
    for batch in docs.chunks(BATCH) {
        index.stage(batch.iter().cloned().map(Change::Upsert)).expect("stage a batch");
    }
    let staged = start.elapsed();
    index.commit(1).expect("commit");
    let committed = start.elapsed();
    log(format!(
        "tantivy: staged in {:.1} s, committed at {:.1} s",
        staged.as_secs_f64(),
        committed.as_secs_f64()
    ));
    // The writer keeps merging in the background after the commit. Wait, as
    // a server would, until the committed segments leave the merge policy
    // (tantivy's default, the writer's) nothing to merge: a merge in progress
    // keeps its sources in the committed list until it lands.
    let start = Instant::now();
    let raw = tantivy::Index::open_in_dir(dir).expect("open the index with tantivy");
    let segments_after_commit = raw.searchable_segment_metas().expect("segments").len();
    let policy = LogMergePolicy::default();
    while !policy.compute_merge_candidates(&raw.searchable_segment_metas().expect("segments")).is_empty() {
        assert!(start.elapsed() < Duration::from_secs(3_600), "merges still running after an hour");
        std::thread::sleep(Duration::from_millis(50));
    }
    let merged = start.elapsed();
    drop(index);
    let segments = raw.searchable_segment_metas().expect("segments").len();
    log(format!(
        "tantivy: {segments_after_commit} segments after commit, {segments} after merging ({:.1} s)",
        merged.as_secs_f64()
    ));
    TantivyBuild { staged, committed, merged, segments_after_commit, segments }
}

/// Bytes on disk by kind of file (postings, positions, terms, stored
/// documents…) for the live segments; files of no live segment apart.
fn tantivy_size(dir: &Path) -> BTreeMap<String, u64> {
    let live: Vec<String> = tantivy::Index::open_in_dir(dir)
        .expect("open the index with tantivy")
        .searchable_segment_ids()
        .expect("segments")
        .iter()
        .map(|id| id.uuid_string())
        .collect();
    let mut sizes = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("list the index directory") {
        let entry = entry.expect("a directory entry");
        let meta = entry.metadata().expect("file metadata");
        if meta.is_file() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let (stem, extension) = name.rsplit_once('.').unwrap_or((name.as_str(), ""));
            let kind = match extension {
                _ if stem.len() == 32
                    && stem.bytes().all(|b| b.is_ascii_hexdigit())
                    && !live.iter().any(|id| id == stem) =>
                {
                    "files of no live segment (not counted)"
                }
                "idx" => "postings (.idx)",
                "pos" => "positions (.pos)",
                "term" => "term dictionary (.term)",
                "store" => "stored documents (.store)",
                "fast" => "fast fields (.fast)",
                "fieldnorm" => "field norms (.fieldnorm)",
                _ => "other",
            };
            *sizes.entry(kind.to_owned()).or_insert(0) += meta.len();
        }
    }
    sizes
}

fn request(query: &Query, filtered: bool, facets: bool) -> SearchRequest {
    SearchRequest {
        text: query.text.into(),
        filters: if filtered { vec![(query.filter.0, query.filter.1.into())] } else { Vec::new() },
        limit: 10,
        facets,
        ..SearchRequest::default()
    }
}

/// Latencies per variant (query × unfiltered/filtered), in the order of `QUERIES`.
type Samples = Vec<Vec<Duration>>;

fn measure_tantivy(index: &SearchIndex, facets: bool, rounds: usize) -> Samples {
    let requests: Vec<SearchRequest> =
        QUERIES.iter().flat_map(|q| [false, true].map(|filtered| request(q, filtered, facets))).collect();
    let mut samples = vec![Vec::with_capacity(rounds); requests.len()];
    for round in 0..TANTIVY_WARMUP + rounds {
        for (i, request) in requests.iter().enumerate() {
            let start = Instant::now();
            let page = index.search(request).expect("search");
            let elapsed = start.elapsed();
            assert!(!page.hits.is_empty(), "no hit for {:?}", request.text);
            black_box(page);
            if round >= TANTIVY_WARMUP {
                samples[i].push(elapsed);
            }
        }
    }
    samples
}

/// For the unfiltered queries: p50 of tantivy's collectors alone, on the
/// same index with the words only (no synonyms, no typo tolerance), to show
/// what the latency of `SearchIndex::search` is made of.
fn breakdown(dir: &Path, index_search: &SearchIndex, rounds: usize) -> Vec<(&'static str, [Duration; 6])> {
    use tantivy::{
        collector::{Count, FacetCollector, TopDocs},
        query::{BooleanQuery, BoostQuery, Occur, Query as _, TermQuery},
        schema::{Facet, IndexRecordOption},
        Term,
    };
    let index = tantivy::Index::open_in_dir(dir).expect("open the index with tantivy");
    let reader = index.reader().expect("a reader");
    let searcher = reader.searcher();
    let schema = index.schema();
    let field = |name: &str| schema.get_field(name).expect("a field of the schema");
    let fields = [(field("title"), 3.0), (field("summary"), 1.5), (field("body"), 1.0)];
    let facets = || {
        let mut collector = FacetCollector::for_field("facets");
        for dimension in Dimension::ALL {
            collector.add_facet(Facet::from_path([dimension.as_str()]));
        }
        collector
    };
    QUERIES
        .iter()
        .map(|q| {
            let words = search_index::analyze(q.text)
                .into_iter()
                .map(|term| {
                    let per_field = fields
                        .iter()
                        .map(|(field, boost)| {
                            let term = TermQuery::new(
                                Term::from_field_text(*field, &term),
                                IndexRecordOption::WithFreqsAndPositions,
                            );
                            (
                                Occur::Should,
                                Box::new(BoostQuery::new(Box::new(term), *boost))
                                    as Box<dyn tantivy::query::Query>,
                            )
                        })
                        .collect();
                    (Occur::Must, Box::new(BooleanQuery::new(per_field)) as Box<dyn tantivy::query::Query>)
                })
                .collect();
            let query = BooleanQuery::new(words);
            let time = |run: &dyn Fn()| {
                let mut samples: Vec<Duration> = (0..TANTIVY_WARMUP + rounds)
                    .map(|_| {
                        let start = Instant::now();
                        run();
                        start.elapsed()
                    })
                    .skip(TANTIVY_WARMUP)
                    .collect();
                samples.sort_unstable();
                percentile(&samples, 0.5)
            };
            let top = || TopDocs::with_limit(10).order_by_score();
            let cells = [
                time(&|| {
                    black_box(searcher.search(&query, &top()).expect("top 10"));
                }),
                time(&|| {
                    black_box(query.count(&searcher).expect("count"));
                }),
                time(&|| {
                    black_box(searcher.search(&query, &(Count, top())).expect("count and top 10"));
                }),
                time(&|| {
                    black_box(searcher.search(&query, &facets()).expect("facets"));
                }),
                time(&|| {
                    black_box(searcher.search(&query, &(Count, top(), facets())).expect("all three"));
                }),
                time(&|| {
                    black_box(index_search.search(&request(q, false, true)).expect("search"));
                }),
            ];
            (q.text, cells)
        })
        .collect()
}

// ------------------------------------------------------------- PostgreSQL

async fn connect(url: &str, database: Option<&str>) -> PgConnection {
    let mut options = PgConnectOptions::from_str(url).expect("SUGIT_BENCH_POSTGRES_URL is a PostgreSQL URL");
    if let Some(database) = database {
        options = options.database(database);
    }
    PgConnection::connect_with(&options).await.expect("connect to PostgreSQL (SUGIT_BENCH_POSTGRES_URL)")
}

async fn show(conn: &mut PgConnection, setting: &str) -> String {
    conn.fetch_one(format!("SHOW {setting}").as_str()).await.expect("SHOW a setting").get(0)
}

const COLUMNS: &str = "id bigint NOT NULL, key text NOT NULL, kind text NOT NULL, title text NOT NULL, \
    summary text NOT NULL, body text NOT NULL, type text, topics text[] NOT NULL, year int NOT NULL, \
    department text NOT NULL, organisation text NOT NULL, modality text, date bigint NOT NULL";
const COPY_COLUMNS: &str =
    "id, key, kind, title, summary, body, type, topics, year, department, organisation, modality, date";
const TSV: &str = "setweight(to_tsvector('spanish', title), 'A') || \
    setweight(to_tsvector('spanish', summary), 'B') || setweight(to_tsvector('spanish', body), 'C')";

#[derive(Default)]
struct PgBuild {
    raw_load: Duration,
    raw_size: i64,
    load_tsvector: Duration,
    gin: Duration,
    facet_indexes: Duration,
    vacuum: Duration,
}

async fn build_postgres(url: &str, docs: &[Document]) -> PgBuild {
    let mut admin = connect(url, None).await;
    admin
        .execute(format!("DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)").as_str())
        .await
        .expect("drop the old bench database");
    admin.execute(format!("CREATE DATABASE {DATABASE}").as_str()).await.expect("create the bench database");
    drop(admin);
    let mut conn = connect(url, Some(DATABASE)).await;
    let mut build = PgBuild::default();

    // The raw load, for reference: the text and facets, no tsvector, no index.
    log("PostgreSQL: raw load (COPY, no tsvector)");
    conn.execute(format!("CREATE TABLE docs_raw ({COLUMNS})").as_str()).await.expect("create docs_raw");
    let start = Instant::now();
    copy(&mut conn, "docs_raw", docs).await;
    build.raw_load = start.elapsed();
    build.raw_size =
        conn.fetch_one("SELECT pg_total_relation_size('docs_raw')").await.expect("size of docs_raw").get(0);
    conn.execute("DROP TABLE docs_raw").await.expect("drop docs_raw");
    conn.execute("CHECKPOINT").await.expect("checkpoint");

    log("PostgreSQL: COPY with the generated tsvector");
    conn.execute(
        format!("CREATE TABLE docs ({COLUMNS}, tsv tsvector GENERATED ALWAYS AS ({TSV}) STORED)").as_str(),
    )
    .await
    .expect("create docs");
    let start = Instant::now();
    copy(&mut conn, "docs", docs).await;
    build.load_tsvector = start.elapsed();

    log("PostgreSQL: GIN index");
    // What the manual advises for building GIN indexes.
    conn.execute("SET maintenance_work_mem = '1GB'").await.expect("set maintenance_work_mem");
    let start = Instant::now();
    conn.execute("CREATE INDEX docs_tsv ON docs USING gin (tsv)").await.expect("create the GIN index");
    build.gin = start.elapsed();

    log("PostgreSQL: key and facet indexes");
    let start = Instant::now();
    for statement in [
        "ALTER TABLE docs ADD PRIMARY KEY (id)",
        "CREATE INDEX docs_department ON docs (department)",
        "CREATE INDEX docs_topics ON docs USING gin (topics)",
    ] {
        conn.execute(statement).await.expect(statement);
    }
    build.facet_indexes = start.elapsed();

    log("PostgreSQL: VACUUM ANALYZE");
    let start = Instant::now();
    conn.execute("VACUUM ANALYZE docs").await.expect("vacuum analyze");
    build.vacuum = start.elapsed();
    log(format!(
        "PostgreSQL: raw load {:.1} s; COPY+tsvector {:.1} s, GIN {:.1} s, other indexes {:.1} s, vacuum {:.1} s",
        build.raw_load.as_secs_f64(),
        build.load_tsvector.as_secs_f64(),
        build.gin.as_secs_f64(),
        build.facet_indexes.as_secs_f64(),
        build.vacuum.as_secs_f64()
    ));
    build
}

/// COPY in text format, in chunks of `BATCH` documents.
async fn copy(conn: &mut PgConnection, table: &str, docs: &[Document]) {
    let mut copy =
        conn.copy_in_raw(&format!("COPY {table} ({COPY_COLUMNS}) FROM STDIN")).await.expect("start COPY");
    let mut buffer = Vec::with_capacity(BATCH * 2_048);
    for (start, batch) in docs.chunks(BATCH).enumerate().map(|(i, b)| (i * BATCH, b)) {
        buffer.clear();
        for (offset, document) in batch.iter().enumerate() {
            copy_row(&mut buffer, (start + offset) as u64, document);
        }
        copy.send(buffer.as_slice()).await.expect("send COPY data");
    }
    let rows = copy.finish().await.expect("finish COPY");
    assert_eq!(rows, docs.len() as u64, "rows copied");
}

fn copy_row(out: &mut Vec<u8>, id: u64, d: &Document) {
    let facet =
        |dimension: Dimension| d.facets.iter().find(|(dim, _)| *dim == dimension).map(|(_, v)| v.as_str());
    let topics: Vec<&str> =
        d.facets.iter().filter(|(dim, _)| *dim == Dimension::Topic).map(|(_, v)| v.as_str()).collect();
    let field = |out: &mut Vec<u8>, value: Option<&str>| {
        match value {
            Some(text) => copy_escape(out, text),
            None => out.extend_from_slice(b"\\N"),
        }
        out.push(b'\t');
    };
    field(out, Some(&id.to_string()));
    field(out, Some(&d.key));
    field(out, Some(d.kind.as_str()));
    field(out, Some(&d.title));
    field(out, Some(&d.summary));
    field(out, Some(&d.body));
    field(out, facet(Dimension::Type));
    let mut array = String::from("{");
    for (i, topic) in topics.iter().enumerate() {
        if i > 0 {
            array.push(',');
        }
        array.push('"');
        array.push_str(&topic.replace('\\', "\\\\").replace('"', "\\\""));
        array.push('"');
    }
    array.push('}');
    field(out, Some(&array));
    field(out, Some(facet(Dimension::Year).expect("a year")));
    field(out, Some(facet(Dimension::Department).expect("a department")));
    field(out, Some(facet(Dimension::Organisation).expect("an organisation")));
    field(out, facet(Dimension::Modality));
    copy_escape(out, &d.date.to_string());
    out.push(b'\n');
}

fn copy_escape(out: &mut Vec<u8>, text: &str) {
    for &byte in text.as_bytes() {
        match byte {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            other => out.push(other),
        }
    }
}

/// The facet condition of a filtered query, on the column that holds it.
fn pg_filter(dimension: Dimension) -> &'static str {
    match dimension {
        Dimension::Department => "AND department = $2",
        Dimension::Topic => "AND topics @> ARRAY[$2::text]",
        other => panic!("no column for {other:?}"),
    }
}

/// Top 10 by `ts_rank`, headlines of those 10 only.
fn pg_search(filter: &str) -> String {
    format!(
        "SELECT id, title, rank, ts_headline('spanish', body, q) AS snippet FROM ( \
           SELECT id, title, body, q, ts_rank(tsv, q) AS rank \
           FROM docs, websearch_to_tsquery('spanish', $1) AS q \
           WHERE tsv @@ q {filter} ORDER BY rank DESC LIMIT 10) AS top \
         ORDER BY rank DESC"
    )
}

fn pg_variants() -> Vec<(String, &'static str, Option<&'static str>)> {
    QUERIES
        .iter()
        .flat_map(|q| {
            [(pg_search(""), q.text, None), (pg_search(pg_filter(q.filter.0)), q.text, Some(q.filter.1))]
        })
        .collect()
}

async fn pg_matches(conn: &mut PgConnection) -> Vec<u64> {
    let mut counts = Vec::new();
    for q in &QUERIES {
        for filter in ["", pg_filter(q.filter.0)] {
            let sql = format!(
                "SELECT count(*) FROM docs WHERE tsv @@ websearch_to_tsquery('spanish', $1) {filter}"
            );
            let mut query = sqlx::query(&sql).bind(q.text);
            if !filter.is_empty() {
                query = query.bind(q.filter.1);
            }
            let count: i64 = query.fetch_one(&mut *conn).await.expect("count the matches").get(0);
            counts.push(count as u64);
        }
    }
    counts
}

async fn measure_postgres(conn: &mut PgConnection, rounds: usize) -> Samples {
    // Plans for each query's own words, not one generic plan for all.
    conn.execute("SET plan_cache_mode = force_custom_plan").await.expect("set plan_cache_mode");
    let variants = pg_variants();
    let mut samples = vec![Vec::with_capacity(rounds); variants.len()];
    for round in 0..PG_WARMUP + rounds {
        for (i, (sql, text, filter)) in variants.iter().enumerate() {
            let mut query = sqlx::query(sql).bind(*text);
            if let Some(value) = filter {
                query = query.bind(*value);
            }
            let start = Instant::now();
            let rows = query.fetch_all(&mut *conn).await.expect("PostgreSQL search");
            let snippets: usize = rows.iter().map(|row| row.get::<String, _>("snippet").len()).sum();
            let elapsed = start.elapsed();
            assert!(!rows.is_empty(), "no PostgreSQL row for {text:?}");
            black_box(snippets);
            if round >= PG_WARMUP {
                samples[i].push(elapsed);
            }
        }
        log(format!("PostgreSQL: round {} of {} done", round + 1, PG_WARMUP + rounds));
    }
    samples
}

struct PgSize {
    gin: i64,
    tsvector: i64,
    table: i64,
    facet_indexes: i64,
    total: i64,
}

async fn pg_size(conn: &mut PgConnection) -> PgSize {
    let row = conn
        .fetch_one(
            "SELECT pg_relation_size('docs_tsv'), (SELECT sum(pg_column_size(tsv))::bigint FROM docs), \
             pg_table_size('docs'), \
             pg_relation_size('docs_pkey') + pg_relation_size('docs_department') + pg_relation_size('docs_topics'), \
             pg_total_relation_size('docs')",
        )
        .await
        .expect("sizes");
    PgSize {
        gin: row.get(0),
        tsvector: row.get(1),
        table: row.get(2),
        facet_indexes: row.get(3),
        total: row.get(4),
    }
}

// ------------------------------------------------------------------ report

fn machine() -> Vec<(String, String)> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name").and_then(|r| r.split_once(':')).map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:").map(|m| m.trim().to_owned()))
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map(|n| n.get().to_string()).unwrap_or_default();
    vec![("cores (nproc)".into(), cores), ("CPU".into(), model), ("memory".into(), memory)]
}

#[derive(Default)]
struct Report {
    docs: u64,
    machine: Vec<(String, String)>,
    generation: Duration,
    tantivy_build: Option<TantivyBuild>,
    tantivy_size: Option<BTreeMap<String, u64>>,
    pg_build: Option<PgBuild>,
    pg_size: Option<PgSize>,
    matches_tantivy: Vec<u64>,
    matches_pg: Vec<u64>,
    tantivy_facets: Option<Samples>,
    tantivy_plain: Option<Samples>,
    pg: Option<Samples>,
    breakdown: Vec<(&'static str, [Duration; 6])>,
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1_000.0;
    if ms < 10.0 {
        format!("{ms:.2}")
    } else if ms < 100.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.0}")
    }
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

fn mib(bytes: i64) -> String {
    format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn filter_name(q: &Query) -> String {
    let (dimension, value) = q.filter;
    match DEPARTMENTS.iter().find(|(code, _)| dimension == Dimension::Department && *code == value) {
        Some((code, name)) => format!("{} = {code} ({name})", dimension.as_str()),
        None => format!("{} = {value}", dimension.as_str()),
    }
}

/// Nearest-rank percentile.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

/// The groups of the latency table and the variants (indexes into `Samples`) in each.
fn groups() -> Vec<(String, Vec<usize>)> {
    let words = |q: &Query| q.text.split_whitespace().count();
    let mut groups = Vec::new();
    for n in 1..=3 {
        for filtered in [false, true] {
            let name = format!(
                "{n} word{}{}",
                if n > 1 { "s" } else { "" },
                if filtered { " + facet filter" } else { "" }
            );
            let members = (0..QUERIES.len())
                .filter(|&i| words(&QUERIES[i]) == n)
                .map(|i| 2 * i + usize::from(filtered))
                .collect();
            groups.push((name, members));
        }
    }
    groups.push(("all queries".into(), (0..2 * QUERIES.len()).collect()));
    groups
}

fn stats(samples: &Samples, members: &[usize]) -> (Duration, Duration, usize) {
    let mut all: Vec<Duration> = members.iter().flat_map(|&i| samples[i].iter().copied()).collect();
    all.sort_unstable();
    (percentile(&all, 0.5), percentile(&all, 0.99), all.len())
}

impl Report {
    fn print(&self, options: &Options) {
        println!("\n## Results ({} documents)\n", self.docs);
        println!(
            "Command: `cargo bench -p search-index --features corpus --bench search_vs_postgres -- --docs {}`\n",
            self.docs
        );
        for (key, value) in &self.machine {
            println!("- {key}: {value}");
        }
        if !self.generation.is_zero() {
            println!(
                "- corpus generation: {} ({:.0} documents/s, one thread)",
                secs(self.generation),
                self.docs as f64 / self.generation.as_secs_f64()
            );
        }
        let rate = |d: Duration| format!("{:.0}", self.docs as f64 / d.as_secs_f64());

        if self.tantivy_build.is_some() || self.pg_build.is_some() {
            println!("\n### Indexing\n");
            println!("| step | time | documents/s |\n|---|---|---|");
            if let Some(t) = &self.tantivy_build {
                println!("| tantivy: `stage` (batches of {BATCH}) | {} | |", secs(t.staged));
                println!(
                    "| tantivy: `commit` → searchable ({} segments) | {} | {} |",
                    t.segments_after_commit,
                    secs(t.committed),
                    rate(t.committed)
                );
                println!(
                    "| tantivy: merges to the merge policy's end ({} segments) | {} | |",
                    t.segments,
                    secs(t.merged)
                );
                println!(
                    "| **tantivy total** | **{}** | {} |",
                    secs(t.committed + t.merged),
                    rate(t.committed + t.merged)
                );
            }
            if let Some(p) = &self.pg_build {
                println!(
                    "| PostgreSQL: raw load for reference (COPY, no tsvector, no index) | {} | {} |",
                    secs(p.raw_load),
                    rate(p.raw_load)
                );
                println!(
                    "| PostgreSQL: COPY with the generated tsvector column | {} | {} |",
                    secs(p.load_tsvector),
                    rate(p.load_tsvector)
                );
                println!("| PostgreSQL: GIN index on tsv | {} | |", secs(p.gin));
                println!(
                    "| PostgreSQL: primary key, department btree, topics GIN | {} | |",
                    secs(p.facet_indexes)
                );
                println!("| PostgreSQL: VACUUM ANALYZE | {} | |", secs(p.vacuum));
                let full_text = p.load_tsvector + p.gin;
                let total = full_text + p.facet_indexes + p.vacuum;
                println!("| PostgreSQL: COPY + tsvector + GIN | {} | {} |", secs(full_text), rate(full_text));
                println!("| **PostgreSQL total** | **{}** | {} |", secs(total), rate(total));
                if let Some(t) = &self.tantivy_build {
                    println!(
                        "\nPostgreSQL total / tantivy total: {:.1}×",
                        total.as_secs_f64() / (t.committed + t.merged).as_secs_f64()
                    );
                }
            }
        }

        println!("\n### Size on disk\n");
        println!("| what | size |\n|---|---|");
        if let Some(sizes) = &self.tantivy_size {
            const STRAY: &str = "files of no live segment (not counted)";
            let stray = sizes.get(STRAY).copied().unwrap_or(0);
            let total: u64 = sizes.values().sum::<u64>() - stray;
            let store = sizes.get("stored documents (.store)").copied().unwrap_or(0);
            println!(
                "| **tantivy: index directory (live segments), everything** | **{}** |",
                mib(total as i64)
            );
            for (kind, size) in sizes.iter().filter(|(kind, _)| kind.as_str() != STRAY) {
                println!("| tantivy: {kind} | {} |", mib(*size as i64));
            }
            if stray > 0 {
                println!("| tantivy: {STRAY} | {} |", mib(stray as i64));
            }
            println!("| tantivy: without stored documents | {} |", mib((total - store) as i64));
        }
        if let Some(p) = &self.pg_size {
            if let Some(b) = &self.pg_build {
                println!("| PostgreSQL: table without tsvector or index (raw load) | {} |", mib(b.raw_size));
            }
            println!("| **PostgreSQL: table with tsv + all its indexes** | **{}** |", mib(p.total));
            println!("| PostgreSQL: table with tsv (heap + TOAST) | {} |", mib(p.table));
            println!("| PostgreSQL: tsvector values (sum of pg_column_size) | {} |", mib(p.tsvector));
            println!("| PostgreSQL: GIN index on tsv | {} |", mib(p.gin));
            println!("| PostgreSQL: tsvector + GIN | {} |", mib(p.tsvector + p.gin));
            println!("| PostgreSQL: primary key, department, topics indexes | {} |", mib(p.facet_indexes));
        }

        println!("\n### Queries and matches\n");
        println!("| query | facet filter | tantivy matches | PostgreSQL matches |\n|---|---|---|---|");
        for (i, q) in QUERIES.iter().enumerate() {
            for filtered in [false, true] {
                let v = 2 * i + usize::from(filtered);
                let filter = if filtered { filter_name(q) } else { "—".into() };
                let count = |counts: &Vec<u64>| counts.get(v).map(|c| c.to_string()).unwrap_or_default();
                println!(
                    "| {} | {filter} | {} | {} |",
                    q.text,
                    count(&self.matches_tantivy),
                    count(&self.matches_pg)
                );
            }
        }

        println!("\n### Latency, top 10 (milliseconds)\n");
        println!(
            "tantivy: {} rounds over the {} variants after {TANTIVY_WARMUP} warm-up rounds; PostgreSQL: {} rounds after {PG_WARMUP}.\n",
            options.rounds,
            2 * QUERIES.len(),
            options.pg_rounds
        );
        println!("| queries | tantivy + facet counts p50 | p99 | tantivy, no facet counts p50 | p99 | PostgreSQL p50 | p99 | PG / tantivy (facets) p50 | p99 |");
        println!("|---|---|---|---|---|---|---|---|---|");
        for (name, members) in groups() {
            let cell = |samples: &Option<Samples>| samples.as_ref().map(|s| stats(s, &members));
            let (f, p, g) = (cell(&self.tantivy_facets), cell(&self.tantivy_plain), cell(&self.pg));
            let two = |s: Option<(Duration, Duration, usize)>| {
                s.map(|(p50, p99, _)| format!("{} | {}", ms(p50), ms(p99))).unwrap_or_else(|| "– | –".into())
            };
            let ratio = match (f, g) {
                (Some(f), Some(g)) => format!(
                    "{:.0}× | {:.0}×",
                    g.0.as_secs_f64() / f.0.as_secs_f64(),
                    g.1.as_secs_f64() / f.1.as_secs_f64()
                ),
                _ => "– | –".into(),
            };
            println!("| {name} | {} | {} | {} | {ratio} |", two(f), two(p), two(g));
        }

        if !self.breakdown.is_empty() {
            println!("\n### tantivy: where the time goes, p50 (milliseconds, unfiltered, words only)\n");
            println!(
                "| query | top 10 alone (block-max WAND) | count alone | count + top 10 | facet counts alone \
                 | count + top 10 + facets | `SearchIndex::search` (facets on) |"
            );
            println!("|---|---|---|---|---|---|---|");
            for (text, cells) in &self.breakdown {
                let cells: Vec<String> = cells.iter().map(|d| ms(*d)).collect();
                println!("| {text} | {} |", cells.join(" | "));
            }
        }

        println!("\n### Per query, p50 / p99 (milliseconds)\n");
        println!(
            "| query | filter | tantivy + facets | tantivy, no facets | PostgreSQL |\n|---|---|---|---|---|"
        );
        for (i, q) in QUERIES.iter().enumerate() {
            for filtered in [false, true] {
                let v = 2 * i + usize::from(filtered);
                let cell = |samples: &Option<Samples>| {
                    samples
                        .as_ref()
                        .map(|s| {
                            let (p50, p99, _) = stats(s, &[v]);
                            format!("{} / {}", ms(p50), ms(p99))
                        })
                        .unwrap_or_else(|| "–".into())
                };
                let filter = if filtered { filter_name(q) } else { "—".into() };
                println!(
                    "| {} | {filter} | {} | {} | {} |",
                    q.text,
                    cell(&self.tantivy_facets),
                    cell(&self.tantivy_plain),
                    cell(&self.pg)
                );
            }
        }
    }
}
