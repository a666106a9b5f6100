//! Running a search: filters, ordering with stable cursors, totals, facet
//! counts and highlighted snippets.

use std::cmp::Reverse;

use tantivy::{
    collector::{Count, FacetCollector, FacetCounts, TopDocs},
    query::{AllQuery, BooleanQuery, Occur, Query, TermQuery},
    schema::{IndexRecordOption, Value},
    snippet::SnippetGenerator,
    DocAddress, Score, SegmentReader, TantivyDocument, Term,
};

use crate::{
    document::{Dimension, Kind},
    index::SearchIndex,
    query::Plan,
    SearchError,
};

/// Characters of a snippet.
const SNIPPET_CHARS: usize = 220;
/// Values listed per facet dimension.
const FACET_VALUES: usize = 50;

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
}

/// Sort key: after the cursor first (`true`), then by the primary key
/// descending and the stable order ascending.
type Rank<T> = (bool, T, Reverse<u64>);

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

        let (query, total, ranked, facet_counts) = if plan.is_empty() {
            let query = with_filters(Box::new(AllQuery));
            let (total, ranked, facets) = self.collect_by_date(&searcher, &*query, request, limit)?;
            (query, total, ranked, facets)
        } else {
            let mut query = with_filters(plan.to_query(&searcher, &self.fields, !request.any_word));
            let mut found = self.collect_by_score(&searcher, &*query, request, limit)?;
            if found.0 == 0 && plan.units.len() > 1 && !request.any_word {
                // Nothing has every word: rank what has some of them.
                query = with_filters(plan.to_query(&searcher, &self.fields, false));
                found = self.collect_by_score(&searcher, &*query, request, limit)?;
            }
            (query, found.0, found.1, found.2)
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
        let facets = facet_counts.map(|counts| facet_values(&counts)).unwrap_or_default();
        Ok(SearchPage { hits, total, has_next, facets })
    }

    fn filters(&self, request: &SearchRequest) -> Vec<Box<dyn Query>> {
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        if !request.kinds.is_empty() {
            let kinds = request
                .kinds
                .iter()
                .map(|kind| {
                    let term = Term::from_field_text(self.fields.kind, kind.as_str());
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
                    )
                })
                .collect();
            filters.push(Box::new(BooleanQuery::new(kinds)));
        }
        for dimension in Dimension::ALL {
            let values: Vec<(Occur, Box<dyn Query>)> = request
                .filters
                .iter()
                .filter(|(d, _)| *d == dimension)
                .map(|(_, value)| {
                    let term = Term::from_facet(self.fields.facets, &dimension.facet(value.trim()));
                    (
                        Occur::Should,
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>,
                    )
                })
                .collect();
            if !values.is_empty() {
                filters.push(Box::new(BooleanQuery::new(values)));
            }
        }
        filters
    }

    #[allow(clippy::type_complexity)]
    fn collect_by_score(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        request: &SearchRequest,
        limit: usize,
    ) -> Result<(usize, Vec<(Score, Cursor, DocAddress)>, Option<FacetCounts>), SearchError> {
        let after = match request.after {
            Some(Cursor::Score { score, order }) => Some((score, order)),
            _ => None,
        };
        let top = TopDocs::with_limit(limit + 1).tweak_score(move |segment: &SegmentReader| {
            let orders = order_column(segment);
            move |doc, score: Score| -> Rank<Score> {
                let order = orders.get_val(doc);
                let fresh = after.is_none_or(|(s, o)| score < s || (score == s && order > o));
                (fresh, score, Reverse(order))
            }
        });
        let (total, ranked, counts) = self.run(searcher, query, top, request.facets)?;
        let ranked = ranked
            .into_iter()
            .filter(|((fresh, _, _), _)| *fresh)
            .map(|((_, score, Reverse(order)), address)| (score, Cursor::Score { score, order }, address))
            .collect();
        Ok((total, ranked, counts))
    }

    #[allow(clippy::type_complexity)]
    fn collect_by_date(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        request: &SearchRequest,
        limit: usize,
    ) -> Result<(usize, Vec<(Score, Cursor, DocAddress)>, Option<FacetCounts>), SearchError> {
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
        let (total, ranked, counts) = self.run(searcher, query, top, request.facets)?;
        let ranked = ranked
            .into_iter()
            .filter(|((fresh, _, _), _)| *fresh)
            .map(|((_, date, Reverse(order)), address)| (0.0, Cursor::Date { date, order }, address))
            .collect();
        Ok((total, ranked, counts))
    }

    #[allow(clippy::type_complexity)]
    fn run<C: tantivy::collector::Collector>(
        &self,
        searcher: &tantivy::Searcher,
        query: &dyn Query,
        top: C,
        with_facets: bool,
    ) -> Result<(usize, C::Fruit, Option<FacetCounts>), SearchError> {
        Ok(match with_facets {
            true => {
                let mut facets = FacetCollector::for_field("facets");
                for dimension in Dimension::ALL {
                    facets.add_facet(dimension.root());
                }
                let (total, ranked, counts) = searcher.search(query, &(Count, top, facets))?;
                (total, ranked, Some(counts))
            }
            false => {
                let (total, ranked) = searcher.search(query, &(Count, top))?;
                (total, ranked, None)
            }
        })
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

fn facet_values(counts: &FacetCounts) -> Vec<FacetValues> {
    Dimension::ALL
        .into_iter()
        .map(|dimension| {
            let mut values: Vec<(String, u64)> = counts
                .get(dimension.root())
                .filter_map(|(facet, count)| facet.to_path().last().map(|v| ((*v).to_owned(), count)))
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
