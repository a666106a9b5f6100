//! Running a search: filters, ordering with stable cursors, totals, facet
//! counts and highlighted snippets.

use std::{
    cmp::Reverse,
    collections::{BTreeMap, HashMap, HashSet},
};

use tantivy::{
    collector::TopDocs,
    query::{
        AllQuery, BooleanQuery, ConstScoreQuery, EnableScoring, Occur, Query, Scorer, TermQuery, Weight,
    },
    schema::{Facet, IndexRecordOption, Value},
    DocAddress, DocId, DocSet, Score, SegmentOrdinal, SegmentReader, TantivyDocument, Term,
};

use crate::{
    document::{Dimension, Kind},
    facets::{facet_values, AllFacets, FacetSampling, FacetValues, SegmentFacets, SAMPLE_BLOCK},
    index::SearchIndex,
    query::Plan,
    snippet::Snippets,
    SearchError,
};

/// What to search for.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// What the user typed; empty lists by recency.
    pub text: String,
    /// Kinds to include; empty means all.
    pub kinds: Vec<Kind>,
    /// Facet filters: values of one dimension are alternatives, dimensions all apply.
    pub filters: Vec<(Dimension, String)>,
    pub limit: usize,
    pub after: Option<Cursor>,
    /// Count values per dimension over all matches.
    pub facets: bool,
    /// Match documents with any of the words, ranked by how many and how well
    /// (for long texts such as a need described in a paragraph).
    pub any_word: bool,
}

/// A position in a result list that survives new documents: the sort key of
/// the last hit seen, not an offset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cursor {
    Score { score: Score, order: u64 },
    Date { date: i64, order: u64 },
}

impl Cursor {
    pub fn encode(&self) -> String {
        match self {
            Cursor::Score { score, order } => format!("s{:08x}{order:016x}", score.to_bits()),
            Cursor::Date { date, order } => format!("d{date}_{order:016x}"),
        }
    }

    pub fn decode(text: &str) -> Option<Cursor> {
        if let Some(rest) = text.strip_prefix('s') {
            if rest.len() != 24 || !rest.is_ascii() {
                return None;
            }
            let score = Score::from_bits(u32::from_str_radix(&rest[..8], 16).ok()?);
            let order = u64::from_str_radix(&rest[8..], 16).ok()?;
            return score.is_finite().then_some(Cursor::Score { score, order });
        }
        let (date, order) = text.strip_prefix('d')?.split_once('_')?;
        Some(Cursor::Date { date: date.parse().ok()?, order: u64::from_str_radix(order, 16).ok()? })
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub key: String,
    pub kind: Kind,
    pub score: Score,
    pub title: String,
    /// HTML-escaped text with the matched words in `<mark>`.
    pub snippet: String,
    pub cursor: Cursor,
}

/// A page of results.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    pub hits: Vec<Hit>,
    pub total: usize,
    pub has_next: bool,
    pub facets: Vec<FacetValues>,
    /// The facet counts were estimated from a sample of the matches (a broad
    /// query on a large index); `total` is always exact.
    pub facets_approximate: bool,
}

/// Sort key: after the cursor first (`true`), then by the primary key
/// descending and the stable order ascending.
type Rank<T> = (bool, T, Reverse<u64>);

/// A ranked hit before its document is read.
type Ranked = (Score, Cursor, DocAddress);

/// A candidate for the per-field ranking: its combined score, stable order and address.
type Candidate = (Score, u64, DocAddress);

/// The search half of `SearchIndex`: running a query. Opening, writing and
/// committing are in `index.rs`, beside the struct.
impl SearchIndex {
    pub fn search(&self, request: &SearchRequest) -> Result<SearchPage, SearchError> {
        let plan = Plan::parse(&request.text)?;
        let searcher = self.reader.searcher();
        let filters = self.filters(request);
        // The filters select and add nothing to the score: candidates found
        // with the filter checked apart (see `post_filter`) and the deep
        // pages of `top_by_score` read by this query must score alike.
        let with_filters = |query: Box<dyn Query>| -> Box<dyn Query> {
            if filters.is_empty() {
                return query;
            }
            let mut clauses = vec![(Occur::Must, query)];
            clauses.extend(filters.iter().map(|f| {
                (Occur::Must, Box::new(ConstScoreQuery::new(f.box_clone(), 0.0)) as Box<dyn Query>)
            }));
            Box::new(BooleanQuery::new(clauses))
        };
        let limit = request.limit.max(1);
        let filtered = self.estimated_filter_matches(&searcher, request);
        let filter = (!filters.is_empty())
            .then(|| BooleanQuery::new(filters.iter().map(|f| (Occur::Must, f.box_clone())).collect()));
        let post_filter = post_filter(filtered, searcher.num_docs());
        // A narrow filter leads the matching (see `Plan::to_match_query_within`).
        let within = filter.as_ref().filter(|_| !post_filter);

        let (query, totals, ranked) = if plan.is_empty() {
            let query = with_filters(Box::new(AllQuery));
            let totals = self.totals(&searcher, &*query, request, filtered)?;
            let ranked = self.top_by_date(&searcher, &*query, request, limit)?;
            (query, totals, ranked)
        } else {
            let all_words = !request.any_word;
            let estimate = |all| plan.estimated_matches(&searcher, &self.fields, all).min(filtered);
            // The matches are found on the combined field; the per-field query ranks them.
            let queries = |all| {
                (
                    with_filters(plan.to_query(&searcher, &self.fields, all)),
                    with_filters(match within {
                        Some(filter) => plan.to_match_query_within(&searcher, &self.fields, all, filter),
                        None => plan.to_match_query(&searcher, &self.fields, all),
                    }),
                )
            };
            let (mut query, mut matching) = queries(all_words);
            let mut all = all_words;
            let mut totals = self.totals(&searcher, &*matching, request, estimate(all_words))?;
            if totals.total == 0 && plan.units.len() > 1 && all_words {
                // Nothing has every word: rank what has some of them.
                (query, matching) = queries(false);
                all = false;
                totals = self.totals(&searcher, &*matching, request, estimate(false))?;
            }
            let mut leaves = plan.scoring_leaves(&searcher, &self.fields);
            // The matches with a word in the title, by the title's part of the
            // score: the title weighs most, and the combined field alone ranks
            // them too low. Read from the title postings alone (block-max WAND);
            // those that do not match the whole query are dropped when rescored.
            let titled: Box<dyn Query> = Box::new(BooleanQuery::new(
                leaves
                    .iter()
                    .filter(|(_, field, _)| *field == self.fields.title)
                    .map(|(_, _, leaf)| (Occur::Should, leaf.box_clone()))
                    .collect(),
            ));
            let units = plan.units.len();
            let filter_terms = self.filter_terms(request);
            let groups = Groups { units, filters: filter_terms.len(), all };
            for (i, terms) in filter_terms.into_iter().enumerate() {
                for term in terms {
                    let leaf = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                    leaves.push((units + i, self.fields.facets, leaf));
                }
            }
            let leaves: Vec<(usize, Box<dyn Query>)> =
                leaves.into_iter().map(|(group, _, leaf)| (group, leaf)).collect();
            let scoring = Scoring { leaves: &leaves, groups };
            let unfiltered =
                (filter.is_some() && post_filter).then(|| plan.to_match_query(&searcher, &self.fields, all));
            let sources = Sources {
                matching: &*matching,
                unfiltered: unfiltered.as_deref().unwrap_or(&*matching),
                titled: &*titled,
                filter: filter.as_ref().map(|f| f as &dyn Query),
                post_filter,
            };
            let ranked = self.top_by_score(&searcher, &scoring, &sources, request, limit)?;
            (query, totals, ranked)
        };

        let has_next = ranked.len() > limit;
        let fields = (self.fields.body, self.fields.summary);
        let snippets = Snippets::new(&searcher, &*query, fields, &self.snippet_tokens, !plan.is_empty())?;
        let hits = ranked
            .into_iter()
            .take(limit)
            .map(|(score, cursor, address)| {
                let doc: TantivyDocument = searcher.doc(address)?;
                Ok(self.hit(&doc, score, cursor, &snippets))
            })
            .collect::<Result<Vec<_>, SearchError>>()?;
        let facets = totals.facets.as_ref().map(facet_values).unwrap_or_default();
        Ok(SearchPage {
            hits,
            total: totals.total,
            has_next,
            facets,
            facets_approximate: totals.facets.is_some() && totals.approximate,
        })
    }

    fn filters(&self, request: &SearchRequest) -> Vec<Box<dyn Query>> {
        self.filter_terms(request)
            .into_iter()
            .map(|terms| {
                let alternatives = terms
                    .into_iter()
                    .map(|term| {
                        (
                            Occur::Should,
                            Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
                        )
                    })
                    .collect();
                Box::new(BooleanQuery::new(alternatives)) as Box<dyn Query>
            })
            .collect()
    }

    /// The filters as terms: one list of alternatives per filtered dimension.
    fn filter_terms(&self, request: &SearchRequest) -> Vec<Vec<Term>> {
        let mut filters = Vec::new();
        if !request.kinds.is_empty() {
            filters.push(
                request
                    .kinds
                    .iter()
                    .map(|kind| Term::from_field_text(self.fields.kind, kind.as_str()))
                    .collect(),
            );
        }
        for dimension in Dimension::ALL {
            let values: Vec<Term> = request
                .filters
                .iter()
                .filter(|(d, _)| *d == dimension)
                .map(|(_, value)| Term::from_facet(self.fields.facets, &dimension.facet(value.trim())))
                .collect();
            if !values.is_empty() {
                filters.push(values);
            }
        }
        filters
    }

    /// At most how many documents pass the filters (all of them without any).
    fn estimated_filter_matches(&self, searcher: &tantivy::Searcher, request: &SearchRequest) -> u64 {
        self.filter_terms(request)
            .iter()
            .map(|alternatives| alternatives.iter().map(|term| searcher.doc_freq(term).unwrap_or(0)).sum())
            .min()
            .unwrap_or_else(|| searcher.num_docs())
    }

    /// The number of matches and, when asked, their facet counts: exact up to
    /// `facet_sampling.exact_up_to` expected matches, beyond that from a regular
    /// sample of the matches, scaled (a broad word on a large index would
    /// otherwise spend most of the request counting).
    fn totals(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        request: &SearchRequest,
        estimate: u64,
    ) -> Result<Totals, SearchError> {
        if !request.facets {
            return Ok(Totals { total: query.count(searcher)?, facets: None, approximate: false });
        }
        let FacetSampling { exact_up_to, sample } = self.facet_sampling;
        let sample_stride = if estimate <= exact_up_to {
            1
        } else {
            u32::try_from(estimate.div_ceil(sample.max(1))).unwrap_or(u32::MAX)
        };
        let segments = self.facet_cache.segments(searcher)?;
        if sample_stride == 1 {
            let (total, counts) = searcher.search(query, &AllFacets { segments })?;
            return Ok(Totals { total, facets: Some(counts), approximate: false });
        }
        // The total from the count alone (its fast path: tantivy counts a
        // dense intersection a block of bits at a time); the facets from the
        // matches in one block of document numbers out of `sample_stride`,
        // spread over each segment, scaled segment by segment by the share
        // of that segment's matches read: the indexing threads may fill
        // segments of unequal size and make-up, and one scale for all would
        // weigh a small segment as much as a large one.
        let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
        let mut total = 0;
        let mut estimated: HashMap<Facet, f64> = HashMap::new();
        for (reader, facets) in searcher.segment_readers().iter().zip(&segments) {
            let matches = weight.count(reader)?;
            total += matches as usize;
            if matches == 0 {
                continue;
            }
            let mut segment_counts = vec![0_u32; facets.names.len()];
            let sampled = sample_segment(&*weight, reader, facets, sample_stride, &mut segment_counts)?;
            // A sample that missed every match (they sit between its blocks)
            // says nothing of them: they are few, so they are counted.
            let (sampled, stride) = if sampled == 0 {
                segment_counts.fill(0);
                (sample_segment(&*weight, reader, facets, 1, &mut segment_counts)?, 1)
            } else {
                (sampled, sample_stride)
            };
            let scale = if stride == 1 || sampled == 0 { 1.0 } else { f64::from(matches) / sampled as f64 };
            for (count, facet) in segment_counts.into_iter().zip(&facets.names) {
                if count > 0 {
                    *estimated.entry(facet.clone()).or_insert(0.0) += f64::from(count) * scale;
                }
            }
        }
        // Rounded: the estimates are far below 2^52.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let counts = estimated.into_iter().map(|(facet, count)| (facet, count.round() as u64)).collect();
        Ok(Totals { total, facets: Some(counts), approximate: true })
    }

    /// The page after `request.after` by descending score, ties by the stable order.
    ///
    /// The ranking, the same for every page of one state of the index: the
    /// candidates come first — the `candidates` best matches of the combined
    /// field (`matching`, one posting list per word, skipped through by
    /// block-max WAND) and as many of the best by their title alone
    /// (`titled`), both among the documents that pass the filters (see
    /// `post_filter` for how) — by their score under the per-field weights
    /// (the sum of the `scoring` leaves they match, which is the per-field
    /// query's score); on an index of fewer matches than that, this is the
    /// per-field ranking itself. The other
    /// matches follow, by their combined score scaled under the lowest of the
    /// candidates' (deep pages only). Ties by the stable order throughout, so
    /// a cursor (score and order of the last hit) continues any page.
    fn top_by_score(
        &self,
        searcher: &tantivy::Searcher,
        scoring: &Scoring<'_>,
        sources: &Sources<'_>,
        request: &SearchRequest,
        limit: usize,
    ) -> Result<Vec<Ranked>, SearchError> {
        let matching = sources.matching;
        let after = match request.after {
            Some(Cursor::Score { score, order }) => Some((score, order)),
            _ => None,
        };
        let fresh =
            move |score: Score, order: u64| after.is_none_or(|(s, o)| score < s || (score == s && order > o));
        let n = self.candidates.max(1);
        let (mut candidates, complete) = match (sources.filter, sources.post_filter) {
            (Some(filter), true) => self.candidates(searcher, sources.unfiltered, Some(filter), n)?,
            _ => self.candidates(searcher, matching, None, n)?,
        };
        let lowest = candidates.iter().map(|c| c.0).fold(Score::INFINITY, Score::min);
        let mut seen: HashSet<u64> = candidates.iter().map(|c| c.1).collect();
        if !complete {
            let (more, _) = match (sources.filter, sources.post_filter) {
                (Some(filter), false) => {
                    let within = BooleanQuery::new(vec![
                        (Occur::Must, sources.titled.box_clone()),
                        (Occur::Must, filter.box_clone()),
                    ]);
                    self.candidates(searcher, &within, None, n)?
                }
                (filter, _) => self.candidates(searcher, sources.titled, filter, n)?,
            };
            candidates.extend(more.into_iter().filter(|c| seen.insert(c.1)));
        }
        let mut ranked = self.rescore(searcher, scoring, &candidates)?;
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| cursor_order(&a.1).cmp(&cursor_order(&b.1))));
        let mut page: Vec<Ranked> =
            ranked.iter().filter(|(score, cursor, _)| fresh(*score, cursor_order(cursor))).copied().collect();
        page.truncate(limit + 1);
        if page.len() > limit || complete {
            return Ok(page);
        }
        // Past the candidates: every other match, under the lowest candidate.
        let floor = ranked.iter().map(|r| r.0).fold(Score::INFINITY, Score::min);
        let scale = if floor.is_finite() && floor > 0.0 && lowest.is_finite() && lowest > 0.0 {
            0.5 * floor / lowest
        } else {
            0.0
        };
        let seen = std::sync::Arc::new(seen);
        let wanted = limit + 1 - page.len();
        let top = TopDocs::with_limit(wanted).tweak_score(move |segment: &SegmentReader| {
            let orders = order_column(segment);
            let seen = seen.clone();
            move |doc, score: Score| -> Rank<Score> {
                let order = orders.get_val(doc);
                let score = score * scale;
                (!seen.contains(&order) && fresh(score, order), score, Reverse(order))
            }
        });
        page.extend(
            searcher.search(matching, &top)?.into_iter().filter(|((fresh, _, _), _)| *fresh).map(
                |((_, score, Reverse(order)), address)| (score, Cursor::Score { score, order }, address),
            ),
        );
        Ok(page)
    }

    /// The `n` best matches of `matching` that pass `filter` (if any) by
    /// `matching`'s score, best first, and whether they are all the matches.
    /// Read by score alone, which lets tantivy skip whole blocks of postings
    /// (block-max WAND; see `top_filtered`). Among equal scores at the edge,
    /// the same ones are kept for the same state of
    /// the index (segments and documents are read in a fixed order), which is
    /// all the pages of one ranking need: the candidates are then ordered by
    /// their per-field score and the stable order.
    fn candidates(
        &self,
        searcher: &tantivy::Searcher,
        matching: &dyn Query,
        filter: Option<&dyn Query>,
        n: usize,
    ) -> Result<(Vec<Candidate>, bool), SearchError> {
        let filter = filter.map(|f| f.weight(EnableScoring::disabled_from_searcher(searcher))).transpose()?;
        let weight = matching.weight(EnableScoring::enabled_from_searcher(searcher))?;
        let mut top = top_filtered(&*weight, filter.as_deref(), searcher, n + 1)?;
        let complete = top.len() <= n;
        top.truncate(n);
        Ok((
            top.into_iter()
                .map(|(score, address)| {
                    let order =
                        order_column(searcher.segment_reader(address.segment_ord)).get_val(address.doc_id);
                    (score, order, address)
                })
                .collect(),
            complete,
        ))
    }

    /// The candidates' scores under the per-field weights: the sum of the
    /// leaves each matches, every leaf's scorer sought to the candidates in
    /// document order, segment by segment. A candidate that does not match
    /// the whole query (one found by its title alone) is left out.
    fn rescore(
        &self,
        searcher: &tantivy::Searcher,
        scoring: &Scoring<'_>,
        candidates: &[Candidate],
    ) -> Result<Vec<Ranked>, SearchError> {
        let weights = scoring
            .leaves
            .iter()
            .map(|(group, leaf)| Ok((*group, leaf.weight(EnableScoring::enabled_from_searcher(searcher))?)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut by_segment: BTreeMap<SegmentOrdinal, Vec<(DocId, u64)>> = BTreeMap::new();
        for (_, order, address) in candidates {
            by_segment.entry(address.segment_ord).or_default().push((address.doc_id, *order));
        }
        let groups = scoring.groups.units + scoring.groups.filters;
        let mut ranked = Vec::with_capacity(candidates.len());
        for (segment_ord, mut docs) in by_segment {
            docs.sort_unstable();
            let reader = searcher.segment_reader(segment_ord);
            let mut scores: Vec<Score> = vec![0.0; docs.len()];
            let mut matched = vec![false; docs.len() * groups];
            for (group, weight) in &weights {
                let mut scorer = weight.scorer(reader, 1.0)?;
                for (i, ((doc, _), score)) in docs.iter().zip(scores.iter_mut()).enumerate() {
                    if scorer.doc() < *doc {
                        scorer.seek(*doc);
                    }
                    if scorer.doc() == *doc {
                        *score += scorer.score();
                        matched[i * groups + group] = true;
                    }
                }
            }
            for (i, ((doc, order), score)) in docs.into_iter().zip(scores).enumerate() {
                if scoring.groups.matches(&matched[i * groups..(i + 1) * groups]) {
                    ranked.push((score, Cursor::Score { score, order }, DocAddress::new(segment_ord, doc)));
                }
            }
        }
        Ok(ranked)
    }

    /// The page after `request.after`, newest first (an empty query lists by date).
    fn top_by_date(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        request: &SearchRequest,
        limit: usize,
    ) -> Result<Vec<Ranked>, SearchError> {
        let after = match request.after {
            Some(Cursor::Date { date, order }) => Some((date, order)),
            _ => None,
        };
        let top = TopDocs::with_limit(limit + 1).tweak_score(move |segment: &SegmentReader| {
            let orders = order_column(segment);
            let dates = segment
                .fast_fields()
                .i64("date")
                .map(|column| column.first_or_default_col(0))
                .unwrap_or_else(|_| std::sync::Arc::new(tantivy::columnar::column_values::EmptyColumnValues));
            move |doc, _score: Score| -> Rank<i64> {
                let (date, order) = (dates.get_val(doc), orders.get_val(doc));
                let fresh = after.is_none_or(|(d, o)| date < d || (date == d && order > o));
                (fresh, date, Reverse(order))
            }
        });
        Ok(searcher
            .search(query, &top)?
            .into_iter()
            .filter(|((fresh, _, _), _)| *fresh)
            .map(|((_, date, Reverse(order)), address)| (0.0, Cursor::Date { date, order }, address))
            .collect())
    }

    fn hit(&self, doc: &TantivyDocument, score: Score, cursor: Cursor, snippets: &Snippets) -> Hit {
        let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default();
        Hit {
            key: text(self.fields.key).to_owned(),
            kind: Kind::parse(text(self.fields.kind)).unwrap_or(Kind::Knowledge),
            score,
            snippet: snippets.best(text(self.fields.summary), text(self.fields.body)),
            title: text(self.fields.title).to_owned(),
            cursor,
        }
    }
}

fn cursor_order(cursor: &Cursor) -> u64 {
    match cursor {
        Cursor::Score { order, .. } | Cursor::Date { order, .. } => *order,
    }
}

fn order_column(segment: &SegmentReader) -> std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>> {
    segment
        .fast_fields()
        .u64("order")
        .map(|column| column.first_or_default_col(0))
        .unwrap_or_else(|_| std::sync::Arc::new(tantivy::columnar::column_values::EmptyColumnValues))
}

/// What a document must match, by groups of scoring leaves: the query's
/// units first (all of them, or any one), then the filtered dimensions (all).
#[derive(Debug, Clone, Copy)]
struct Groups {
    units: usize,
    filters: usize,
    all: bool,
}

impl Groups {
    fn matches(&self, matched: &[bool]) -> bool {
        let (units, filters) = matched.split_at(self.units);
        let units = if self.all { units.iter().all(|m| *m) } else { units.iter().any(|m| *m) };
        units && filters.iter().all(|m| *m)
    }
}

/// The per-field ranking as leaves whose scores add up (see `Plan::scoring_leaves`),
/// each with its group.
struct Scoring<'a> {
    leaves: &'a [(usize, Box<dyn Query>)],
    groups: Groups,
}

/// Where the candidates of `top_by_score` come from.
struct Sources<'a> {
    /// The matches of the whole query, filters included.
    matching: &'a dyn Query,
    /// The same without the filters, when `post_filter`.
    unfiltered: &'a dyn Query,
    /// The matches with a word in the title, by the title alone, unfiltered.
    titled: &'a dyn Query,
    /// The filters, all required; none without any.
    filter: Option<&'a dyn Query>,
    /// Whether the candidates are read from `unfiltered` and `titled` and
    /// checked against `filter` one by one (see `post_filter`) rather than
    /// intersected with it.
    post_filter: bool,
}

/// Whether the best filtered matches are better found among the text's own
/// matches, checked against the filter one by one, than among the filter's
/// documents. A filter intersected with the text makes tantivy score every
/// document of the filter that has the words (no block of postings is
/// skipped); checked per match, the text keeps its block-max WAND, which
/// skips the blocks that cannot beat the best filtered matches so far. That
/// pays while the filter keeps a fair share of the documents: the bar only
/// rises once enough matches have passed it. A narrow filter is cheaper to
/// walk. On the bench corpus (1M documents) a topic keeps about 9 % of the
/// documents and is read faster per match; a department keeps about 3 % and
/// is read faster as an intersection.
fn post_filter(filter_matches: u64, documents: u64) -> bool {
    filter_matches.saturating_mul(POST_FILTER_SHARE) >= documents
}

/// See `post_filter`: the filter keeps at least one document in this many.
const POST_FILTER_SHARE: u64 = 20;

/// The `limit` best matches of `weight` by score among the documents that
/// pass `filter` (every document without one), best first, ties by document
/// address. Block-max WAND with the filter read once per segment into a
/// bitset and checked in its callback: a match only raises the bar of the
/// blocks to skip when it passes the filter. One bar for all the segments,
/// the largest read first: a segment searched on its own starts from no bar
/// and reads its blocks until it has `limit` matches of its own, which on an
/// index of several segments costs as much again as the largest one.
fn top_filtered(
    weight: &dyn tantivy::query::Weight,
    filter: Option<&dyn tantivy::query::Weight>,
    searcher: &tantivy::Searcher,
    limit: usize,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    let readers = searcher.segment_readers();
    let mut order: Vec<usize> = (0..readers.len()).collect();
    order.sort_by_key(|&i| (Reverse(readers[i].max_doc()), i));
    let mut top = TopScored { limit: limit.max(1), heap: std::collections::BinaryHeap::new() };
    for i in order {
        let reader = &readers[i];
        let segment = SegmentOrdinal::try_from(i).unwrap_or(SegmentOrdinal::MAX);
        let passes = filter.map(|filter| filter_bitset(filter, reader)).transpose()?;
        let alive = reader.alive_bitset();
        weight.for_each_pruning(top.bar(), reader, &mut |doc, score| {
            let kept = passes.as_ref().is_none_or(|p| p.contains(doc))
                && alive.is_none_or(|alive| alive.is_alive(doc));
            if kept {
                top.push(Scored { score, address: DocAddress::new(segment, doc) });
            }
            top.bar()
        })?;
    }
    Ok(top.heap.into_sorted_vec().into_iter().map(|Reverse(s)| (s.score, s.address)).collect())
}

/// A match: by score, then the lower address first.
#[derive(Debug, Clone, Copy)]
struct Scored {
    score: Score,
    address: DocAddress,
}

impl Ord for Scored {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.score.total_cmp(&other.score).then_with(|| other.address.cmp(&self.address))
    }
}

impl PartialOrd for Scored {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Scored {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Scored {}

/// The best matches so far (see `top_filtered`).
struct TopScored {
    limit: usize,
    /// The weakest kept on top.
    heap: std::collections::BinaryHeap<Reverse<Scored>>,
}

impl TopScored {
    /// Keeps the match if it is among the best so far.
    fn push(&mut self, scored: Scored) {
        if self.heap.len() < self.limit {
            self.heap.push(Reverse(scored));
        } else if self.heap.peek().is_some_and(|Reverse(weakest)| scored > *weakest) {
            self.heap.pop();
            self.heap.push(Reverse(scored));
        }
    }

    /// The score a match must exceed to be passed on by block-max WAND: just
    /// under the weakest kept once there are `limit`, so that a match of the
    /// same score is still seen and the tie goes to the lower address,
    /// whatever order the segments are read in.
    fn bar(&self) -> Score {
        match self.heap.peek() {
            Some(Reverse(weakest)) if self.heap.len() >= self.limit => weakest.score.next_down(),
            _ => Score::MIN,
        }
    }
}

/// The documents of a segment that a (non-scoring) weight matches.
fn filter_bitset(
    filter: &dyn tantivy::query::Weight,
    reader: &SegmentReader,
) -> tantivy::Result<tantivy::BitSet> {
    let mut passes = tantivy::BitSet::with_max_value(reader.max_doc());
    filter.for_each_no_score(reader, &mut |docs| {
        for &doc in docs {
            passes.insert(doc);
        }
    })?;
    Ok(passes)
}

/// Adds to `counts` the facets of the live matches of `weight` in one block
/// of `SAMPLE_BLOCK` document numbers out of every `stride` of the segment;
/// returns how many it read.
fn sample_segment(
    weight: &dyn Weight,
    reader: &SegmentReader,
    facets: &SegmentFacets,
    stride: u32,
    counts: &mut [u32],
) -> tantivy::Result<u64> {
    let alive = reader.alive_bitset();
    let mut scorer = weight.scorer(reader, 1.0)?;
    let step = SAMPLE_BLOCK.saturating_mul(stride);
    let mut sampled = 0;
    let mut start: DocId = 0;
    while start < reader.max_doc() {
        let mut doc = if scorer.doc() < start { scorer.seek(start) } else { scorer.doc() };
        let end = start.saturating_add(SAMPLE_BLOCK);
        while doc < end {
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                sampled += 1;
                facets.count(&[doc], counts);
            }
            doc = scorer.advance();
        }
        if doc == tantivy::TERMINATED {
            break;
        }
        start = start.saturating_add(step);
    }
    Ok(sampled)
}

/// The count of matches and their facet counts.
struct Totals {
    total: usize,
    facets: Option<HashMap<Facet, u64>>,
    approximate: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_and_garbage_does_not() {
        for cursor in [Cursor::Score { score: 3.25, order: 7 }, Cursor::Date { date: -5, order: u64::MAX }] {
            assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        }
        for garbage in ["", "s", "sxyz", "d12", "dx_1", "sñññññññññññññññññññññññ"] {
            assert_eq!(Cursor::decode(garbage), None, "{garbage}");
        }
    }

    #[test]
    fn the_best_matches_of_several_segments_are_those_of_every_match_ranked() {
        use crate::{corpus::Corpus, Change, Dimension};
        let corpus = Corpus::default();
        let index = SearchIndex::in_memory().expect("index");
        // Segments of different sizes, and deleted documents that must not come back.
        for (cursor, range) in [(1, 0..400), (2, 400..2_400), (3, 2_400..3_000)] {
            index.apply(corpus.documents(range).map(Change::Upsert), cursor).expect("indexed");
        }
        let deleted = corpus.documents(0..3_000).step_by(7).map(|d| Change::Delete { key: d.key });
        index.apply(deleted, 4).expect("deleted");
        let searcher = index.reader.searcher();
        assert!(searcher.segment_readers().len() > 1, "several segments");
        for (text, filter) in [
            ("municipio", None),
            ("presupuesto participativo", Some((Dimension::Topic, "participación ciudadana"))),
            ("plan desarrollo municipal", Some((Dimension::Department, "05"))),
        ] {
            let request = SearchRequest {
                text: text.into(),
                filters: filter.map(|(d, v)| vec![(d, v.to_owned())]).unwrap_or_default(),
                ..SearchRequest::default()
            };
            let plan = Plan::parse(text).expect("parses");
            let matching = plan.to_match_query(&searcher, &index.fields, true);
            let filter =
                BooleanQuery::new(index.filters(&request).into_iter().map(|f| (Occur::Must, f)).collect());
            let weight = matching.weight(EnableScoring::enabled_from_searcher(&searcher)).expect("weight");
            let filter = filter.weight(EnableScoring::disabled_from_searcher(&searcher)).expect("weight");
            // Every match that passes, scored without skipping, ranked.
            let mut every = Vec::new();
            for (ord, reader) in searcher.segment_readers().iter().enumerate() {
                let passes = filter_bitset(filter.as_ref(), reader).expect("filter");
                weight
                    .for_each(reader, &mut |doc, score| {
                        if passes.contains(doc) && reader.alive_bitset().is_none_or(|a| a.is_alive(doc)) {
                            every.push((score, DocAddress::new(ord as u32, doc)));
                        }
                    })
                    .expect("matches");
            }
            every.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            for limit in [1, 7, 40] {
                let top =
                    top_filtered(weight.as_ref(), Some(filter.as_ref()), &searcher, limit).expect("top");
                assert_eq!(top.len(), limit.min(every.len()), "«{text}»");
                let edge = every.get(limit - 1).map_or(0.0, |e| e.0);
                for (i, ((score, address), (expected, at))) in top.iter().zip(&every).enumerate() {
                    assert!((score - expected).abs() < 1e-4, "«{text}» #{i}: {score} for {expected}");
                    // Scores summed in another order may differ in the last bits near the edge.
                    if (expected - edge).abs() > 1e-4 {
                        assert_eq!(address, at, "«{text}» #{i}");
                    }
                }
            }
        }
    }

    #[test]
    fn filters_are_checked_match_by_match_only_when_they_keep_a_fair_share() {
        assert!(post_filter(50, 1_000));
        assert!(!post_filter(49, 1_000));
    }
}
