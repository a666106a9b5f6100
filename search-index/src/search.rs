//! Running a search: filters, ordering with stable cursors, totals, facet
//! counts and highlighted snippets.

use std::cmp::Reverse;

use tantivy::{
    collector::{Collector, FacetCollector, FacetCounts, SegmentCollector, TopDocs},
    query::{AllQuery, BooleanQuery, Occur, Query, TermQuery},
    schema::{IndexRecordOption, Value},
    snippet::SnippetGenerator,
    DocAddress, DocId, Score, SegmentOrdinal, SegmentReader, TantivyDocument, Term,
};

use crate::{
    document::{Dimension, Kind},
    index::SearchIndex,
    query::Plan,
    SearchError,
};

/// Characters of a snippet.
const SNIPPET_CHARS: usize = 220;
// A joined synonym term is highlighted whole: it must fit in a fragment.
const _: () = assert!(crate::analysis::MAX_EXPRESSION_BYTES < SNIPPET_CHARS);
/// Values listed per facet dimension.
const FACET_VALUES: usize = 50;

/// When facet counts are estimated: beyond `exact_up_to` expected matches,
/// they are counted on a regular sample of about `sample` matches and scaled.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FacetSampling {
    pub exact_up_to: u64,
    pub sample: u64,
}

impl Default for FacetSampling {
    fn default() -> Self {
        FacetSampling { exact_up_to: 100_000, sample: 50_000 }
    }
}
/// Hits read past a first page to see whether equal scores straddle its edge.
const TIE_SLACK: usize = 8;

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

/// Values of one dimension and how many matches carry each.
#[derive(Debug, Clone, PartialEq)]
pub struct FacetValues {
    pub dimension: Dimension,
    pub values: Vec<(String, u64)>,
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

impl SearchIndex {
    pub fn search(&self, request: &SearchRequest) -> Result<SearchPage, SearchError> {
        let plan = Plan::parse(&request.text)?;
        let searcher = self.reader.searcher();
        let filters = self.filters(request);
        let with_filters = |query: Box<dyn Query>| -> Box<dyn Query> {
            if filters.is_empty() {
                return query;
            }
            let mut clauses = vec![(Occur::Must, query)];
            clauses.extend(filters.iter().map(|f| (Occur::Must, f.box_clone())));
            Box::new(BooleanQuery::new(clauses))
        };
        let limit = request.limit.max(1);
        let filtered = self.estimated_filter_matches(&searcher, request);

        let (query, totals, ranked) = if plan.is_empty() {
            let query = with_filters(Box::new(AllQuery));
            let totals = self.totals(&searcher, &*query, request, filtered)?;
            let ranked = self.top_by_date(&searcher, &*query, request, limit)?;
            (query, totals, ranked)
        } else {
            let all_words = !request.any_word;
            let estimate = |all| plan.estimated_matches(&searcher, &self.fields, all).min(filtered);
            let mut query = with_filters(plan.to_query(&searcher, &self.fields, all_words));
            let mut totals = self.totals(&searcher, &*query, request, estimate(all_words))?;
            if totals.total == 0 && plan.units.len() > 1 && all_words {
                // Nothing has every word: rank what has some of them.
                query = with_filters(plan.to_query(&searcher, &self.fields, false));
                totals = self.totals(&searcher, &*query, request, estimate(false))?;
            }
            let ranked = self.top_by_score(&searcher, &*query, request, limit)?;
            (query, totals, ranked)
        };

        let has_next = ranked.len() > limit;
        let snippets = Snippets::new(self, &searcher, &*query, !plan.is_empty())?;
        let hits = ranked
            .into_iter()
            .take(limit)
            .map(|(score, cursor, address)| {
                let doc: TantivyDocument = searcher.doc(address)?;
                Ok(self.hit(&doc, score, cursor, &snippets))
            })
            .collect::<Result<Vec<_>, SearchError>>()?;
        let facets = totals
            .facets
            .as_ref()
            .map(|counts| facet_values(counts, totals.sample_stride))
            .unwrap_or_default();
        Ok(SearchPage {
            hits,
            total: totals.total,
            has_next,
            facets,
            facets_approximate: totals.facets.is_some() && totals.sample_stride > 1,
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
            return Ok(Totals { total: query.count(searcher)?, facets: None, sample_stride: 1 });
        }
        let FacetSampling { exact_up_to, sample } = self.facet_sampling;
        let sample_stride = if estimate <= exact_up_to {
            1
        } else {
            u32::try_from(estimate.div_ceil(sample.max(1))).unwrap_or(u32::MAX)
        };
        let mut facets = FacetCollector::for_field("facets");
        for dimension in Dimension::ALL {
            facets.add_facet(dimension.root());
        }
        let (total, counts) = searcher.search(query, &SampledFacets { facets, stride: sample_stride })?;
        Ok(Totals { total, facets: Some(counts), sample_stride })
    }

    /// The page after `request.after` by descending score, ties by the stable order.
    fn top_by_score(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        request: &SearchRequest,
        limit: usize,
    ) -> Result<Vec<Ranked>, SearchError> {
        let after = match request.after {
            Some(Cursor::Score { score, order }) => Some((score, order)),
            _ => None,
        };
        if after.is_none() {
            if let Some(page) = self.first_page_by_score(searcher, query, limit)? {
                return Ok(page);
            }
        }
        let top = TopDocs::with_limit(limit + 1).tweak_score(move |segment: &SegmentReader| {
            let orders = order_column(segment);
            move |doc, score: Score| -> Rank<Score> {
                let order = orders.get_val(doc);
                let fresh = after.is_none_or(|(s, o)| score < s || (score == s && order > o));
                (fresh, score, Reverse(order))
            }
        });
        Ok(searcher
            .search(query, &top)?
            .into_iter()
            .filter(|((fresh, _, _), _)| *fresh)
            .map(|((_, score, Reverse(order)), address)| (score, Cursor::Score { score, order }, address))
            .collect())
    }

    /// The first page by score alone, which lets tantivy skip whole blocks of
    /// postings that cannot reach it (block-max WAND); `None` when equal scores
    /// may continue past what was read, so only the full ranking can order them.
    fn first_page_by_score(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        limit: usize,
    ) -> Result<Option<Vec<Ranked>>, SearchError> {
        let wanted = limit + 1 + TIE_SLACK;
        let top = searcher.search(query, &TopDocs::with_limit(wanted).order_by_score())?;
        if top.len() == wanted && top[wanted - 1].0 >= top[limit].0 {
            return Ok(None);
        }
        let mut ranked: Vec<Ranked> = top
            .into_iter()
            .map(|(score, address)| {
                let order =
                    order_column(searcher.segment_reader(address.segment_ord)).get_val(address.doc_id);
                (score, Cursor::Score { score, order }, address)
            })
            .collect();
        ranked.sort_by(|a, b| {
            let order = |cursor: &Cursor| match cursor {
                Cursor::Score { order, .. } | Cursor::Date { order, .. } => *order,
            };
            b.0.total_cmp(&a.0).then_with(|| order(&a.1).cmp(&order(&b.1)))
        });
        ranked.truncate(limit + 1);
        Ok(Some(ranked))
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
        let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        let title = text(self.fields.title);
        let summary = text(self.fields.summary);
        let body = text(self.fields.body);
        Hit {
            key: text(self.fields.key),
            kind: Kind::parse(&text(self.fields.kind)).unwrap_or(Kind::Knowledge),
            score,
            snippet: snippets.best(&summary, &body),
            title,
            cursor,
        }
    }
}

fn order_column(segment: &SegmentReader) -> std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>> {
    segment
        .fast_fields()
        .u64("order")
        .map(|column| column.first_or_default_col(0))
        .unwrap_or_else(|_| std::sync::Arc::new(tantivy::columnar::column_values::EmptyColumnValues))
}

/// The count of matches and their facet counts.
struct Totals {
    total: usize,
    facets: Option<FacetCounts>,
    /// 1 when the facets counted every match; `n` when they counted one in `n`.
    sample_stride: u32,
}

/// Counts every match, and the facets of about one match in `stride`, chosen
/// by a scramble of the document number. Scores are not needed, so none is computed.
struct SampledFacets {
    facets: FacetCollector,
    stride: u32,
}

type FacetChild = <FacetCollector as Collector>::Child;

struct SampledFacetsSegment {
    facets: FacetChild,
    stride: u32,
    count: usize,
}

impl Collector for SampledFacets {
    type Fruit = (usize, FacetCounts);
    type Child = SampledFacetsSegment;

    fn for_segment(&self, ord: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<Self::Child> {
        Ok(SampledFacetsSegment {
            facets: self.facets.for_segment(ord, reader)?,
            stride: self.stride,
            count: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<(usize, <FacetChild as SegmentCollector>::Fruit)>,
    ) -> tantivy::Result<Self::Fruit> {
        let total = fruits.iter().map(|(count, _)| count).sum();
        let counts = self.facets.merge_fruits(fruits.into_iter().map(|(_, facets)| facets).collect())?;
        Ok((total, counts))
    }
}

impl SegmentCollector for SampledFacetsSegment {
    type Fruit = (usize, <FacetChild as SegmentCollector>::Fruit);

    fn collect(&mut self, doc: DocId, score: Score) {
        self.count += 1;
        // Scrambled so that a pattern in insertion order cannot line up with the stride.
        if doc.wrapping_mul(0x9E37_79B1).rotate_right(16).is_multiple_of(self.stride) {
            self.facets.collect(doc, score);
        }
    }

    fn harvest(self) -> Self::Fruit {
        (self.count, self.facets.harvest())
    }
}

fn facet_values(counts: &FacetCounts, stride: u32) -> Vec<FacetValues> {
    Dimension::ALL
        .into_iter()
        .map(|dimension| {
            let mut values: Vec<(String, u64)> = counts
                .get(dimension.root())
                .filter_map(|(facet, count)| {
                    facet.to_path().last().map(|v| ((*v).to_owned(), count * u64::from(stride)))
                })
                .collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            values.truncate(FACET_VALUES);
            FacetValues { dimension, values }
        })
        .collect()
}

/// Highlighting: the best fragment of the body, else of the summary, else the
/// summary's beginning.
struct Snippets {
    body: Option<SnippetGenerator>,
    summary: Option<SnippetGenerator>,
}

impl Snippets {
    fn new(
        index: &SearchIndex,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        highlight: bool,
    ) -> Result<Snippets, SearchError> {
        let generator = |field| -> Result<Option<SnippetGenerator>, SearchError> {
            if !highlight {
                return Ok(None);
            }
            let mut generator = SnippetGenerator::create(searcher, query, field)?;
            generator.set_max_num_chars(SNIPPET_CHARS);
            Ok(Some(generator))
        };
        Ok(Snippets { body: generator(index.fields.body)?, summary: generator(index.fields.summary)? })
    }

    fn best(&self, summary: &str, body: &str) -> String {
        for (generator, text) in [(&self.body, body), (&self.summary, summary)] {
            if let Some(generator) = generator {
                let mut snippet = generator.snippet(text);
                if !snippet.highlighted().is_empty() {
                    snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
                    return snippet.to_html();
                }
            }
        }
        let source = if summary.trim().is_empty() { body } else { summary };
        escape_html(&truncate(source, SNIPPET_CHARS))
    }
}

fn truncate(text: &str, max: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(space) => format!("{}…", &cut[..space]),
        None => format!("{cut}…"),
    }
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
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
    fn fallback_snippets_are_escaped_and_short() {
        assert_eq!(escape_html("<b>&"), "&lt;b&gt;&amp;");
        let long = "palabra ".repeat(100);
        assert!(truncate(&long, 30).ends_with('…'));
        assert!(truncate(&long, 30).chars().count() <= 31);
    }
}
