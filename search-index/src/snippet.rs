//! Highlighted snippets, with each text analysed once.
//!
//! tantivy's `SnippetGenerator` analyses the whole text of every hit on every
//! search to find the fragment with the query's words, and looks each token up
//! by a lowercased copy: the Spanish stemmer over a long document was most of
//! what a search cost. The tokens of a text do not depend on the query, so
//! they are kept, keyed by the field and the text itself (never stale: another
//! text is another key), each distinct term once; a search weighs the text's
//! distinct terms and walks its tokens, choosing the fragment as tantivy does
//! (the tests compare the two).

use std::{
    collections::{hash_map::RandomState, BTreeMap, BTreeSet, HashMap, VecDeque},
    hash::BuildHasher,
    ops::Range,
    sync::{Arc, Mutex},
};

use tantivy::{query::Query, schema::Field, tokenizer::TextAnalyzer, Score, Searcher, Term};

use crate::SearchError;

/// Characters of a snippet.
pub(crate) const SNIPPET_CHARS: usize = 220;
// A joined synonym term is highlighted whole: it must fit in a fragment.
const _: () = assert!(crate::analysis::MAX_EXPRESSION_BYTES < SNIPPET_CHARS);

/// Tokens kept by default: about 16 MB, the texts of a few thousand long documents.
pub(crate) const KEPT_TOKENS: usize = 1 << 19;

/// A text's tokens: byte offsets in the text and the index of the term.
struct Analysed {
    spans: Vec<Span>,
    terms: Vec<String>,
}

struct Span {
    from: usize,
    to: usize,
    term: u32,
}

impl Analysed {
    fn of(text: &str, analyzer: &TextAnalyzer) -> Analysed {
        let mut analyzer = analyzer.clone();
        let mut stream = analyzer.token_stream(text);
        let mut known: HashMap<String, u32> = HashMap::new();
        let mut analysed = Analysed { spans: Vec::new(), terms: Vec::new() };
        while let Some(token) = stream.next() {
            // As tantivy compares them: lowercased.
            let term = token.text.to_lowercase();
            let next = u32::try_from(analysed.terms.len()).unwrap_or(u32::MAX);
            let term = *known.entry(term).or_insert_with_key(|term| {
                analysed.terms.push(term.clone());
                next
            });
            analysed.spans.push(Span { from: token.offset_from, to: token.offset_to, term });
        }
        analysed
    }

    /// The best fragment as tantivy chooses it: tokens are gathered from the
    /// text's start (then from the token that did not fit) while they end
    /// within `max_bytes` of the fragment's start; a fragment scores the
    /// weights of the query terms it holds; the first of the best scores wins.
    fn best_fragment(
        &self,
        weights: &[Option<Score>],
        max_bytes: usize,
    ) -> Option<(Range<usize>, Range<usize>)> {
        struct Fragment {
            score: Score,
            start: usize,
            stop: usize,
            spans: Range<usize>,
        }
        let mut best: Option<Fragment> = None;
        let mut current = Fragment { score: 0.0, start: 0, stop: 0, spans: 0..0 };
        let keep = |fragment: &Fragment, best: &mut Option<Fragment>| {
            if fragment.score > 0.0 && best.as_ref().is_none_or(|best| fragment.score > best.score) {
                *best = Some(Fragment { spans: fragment.spans.clone(), ..*fragment });
            }
        };
        for (i, span) in self.spans.iter().enumerate() {
            if span.to - current.start > max_bytes {
                keep(&current, &mut best);
                current = Fragment { score: 0.0, start: span.from, stop: span.from, spans: i..i };
            }
            current.stop = span.to;
            current.spans.end = i + 1;
            if let Some(weight) = weights[span.term as usize] {
                current.score += weight;
            }
        }
        keep(&current, &mut best);
        best.map(|best| (best.start..best.stop, best.spans))
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    field: u32,
    length: usize,
    hash: u64,
}

/// The analysed texts, oldest forgotten first once `capacity` tokens are kept.
pub(crate) struct TokenCache {
    state: Mutex<Kept>,
    capacity: usize,
    // Random keys: a text written to collide with another's hash cannot be chosen.
    hasher: RandomState,
}

#[derive(Default)]
struct Kept {
    texts: HashMap<Key, Arc<Analysed>>,
    order: VecDeque<Key>,
    tokens: usize,
    hits: u64,
    misses: u64,
}

impl TokenCache {
    pub(crate) fn new(capacity: usize) -> Self {
        TokenCache { state: Mutex::default(), capacity, hasher: RandomState::new() }
    }

    fn analysed(&self, field: Field, text: &str, analyzer: &TextAnalyzer) -> Arc<Analysed> {
        let key = Key { field: field.field_id(), length: text.len(), hash: self.hasher.hash_one(text) };
        {
            let mut kept = self.lock();
            if let Some(found) = kept.texts.get(&key).cloned() {
                kept.hits += 1;
                return found;
            }
            kept.misses += 1;
        }
        // Analysed outside the lock: other searches go on meanwhile.
        let analysed = Arc::new(Analysed::of(text, analyzer));
        let size = analysed.spans.len().max(1);
        if size <= self.capacity {
            let mut kept = self.lock();
            if kept.texts.insert(key, Arc::clone(&analysed)).is_none() {
                kept.order.push_back(key);
                kept.tokens += size;
            }
            while kept.tokens > self.capacity {
                let Some(oldest) = kept.order.pop_front() else { break };
                if let Some(gone) = kept.texts.remove(&oldest) {
                    kept.tokens -= gone.spans.len().max(1);
                }
            }
        }
        analysed
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        // The map stays consistent whatever panicked while it was held.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Tokens kept, texts found kept and texts analysed.
    #[cfg(test)]
    pub(crate) fn counts(&self) -> (usize, u64, u64) {
        let kept = self.lock();
        (kept.tokens, kept.hits, kept.misses)
    }
}

/// The query's terms in one field, and how to read that field's texts.
struct Highlighter {
    terms: BTreeMap<String, Score>,
    analyzer: TextAnalyzer,
    field: Field,
    cache: Arc<TokenCache>,
}

impl Highlighter {
    /// The best fragment with the query's words in `<mark>`, if it has any.
    fn snippet(&self, text: &str) -> Option<String> {
        if self.terms.is_empty() {
            return None;
        }
        let analysed = self.cache.analysed(self.field, text, &self.analyzer);
        let weights: Vec<Option<Score>> =
            analysed.terms.iter().map(|term| self.terms.get(term).copied()).collect();
        if weights.iter().all(Option::is_none) {
            return None;
        }
        let (fragment, spans) = analysed.best_fragment(&weights, SNIPPET_CHARS)?;
        let mut marked: Vec<Range<usize>> = analysed.spans[spans]
            .iter()
            .filter(|span| weights[span.term as usize].is_some())
            .map(|span| span.from..span.to)
            .collect();
        marked.sort_by_key(|range| (range.start, range.end));
        marked.dedup();
        // A joined synonym overlaps its own words: one mark covers both.
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(marked.len());
        for range in marked {
            match merged.last_mut() {
                Some(last) if last.end > range.start => last.end = last.end.max(range.end),
                _ => merged.push(range),
            }
        }
        let mut html = String::with_capacity(fragment.len() + 32);
        let mut from = fragment.start;
        for range in merged {
            push_escaped(&mut html, &text[from..range.start], "&#x27;");
            html.push_str("<mark>");
            push_escaped(&mut html, &text[range.clone()], "&#x27;");
            html.push_str("</mark>");
            from = range.end;
        }
        push_escaped(&mut html, &text[from..fragment.end], "&#x27;");
        Some(html)
    }
}

/// Highlighting: the best fragment of the body, else of the summary, else the
/// summary's beginning.
pub(crate) struct Snippets {
    body: Option<Highlighter>,
    summary: Option<Highlighter>,
}

impl Snippets {
    pub(crate) fn new(
        searcher: &Searcher,
        query: &dyn Query,
        (body, summary): (Field, Field),
        cache: &Arc<TokenCache>,
        highlight: bool,
    ) -> Result<Snippets, SearchError> {
        let highlighter = |field| -> Result<Option<Highlighter>, SearchError> {
            if !highlight {
                return Ok(None);
            }
            Ok(Some(Highlighter {
                terms: query_terms(searcher, query, field)?,
                analyzer: searcher.index().tokenizer_for_field(field)?,
                field,
                cache: Arc::clone(cache),
            }))
        };
        Ok(Snippets { body: highlighter(body)?, summary: highlighter(summary)? })
    }

    pub(crate) fn best(&self, summary: &str, body: &str) -> String {
        for (highlighter, text) in [(&self.body, body), (&self.summary, summary)] {
            if let Some(snippet) = highlighter.as_ref().and_then(|h| h.snippet(text)) {
                return snippet;
            }
        }
        let source = if summary.trim().is_empty() { body } else { summary };
        let mut html = String::new();
        push_escaped(&mut html, &truncate(source, SNIPPET_CHARS), "&#39;");
        html
    }
}

/// The query's terms of `field` that some document has, each weighing less the
/// more documents have it (as tantivy's `SnippetGenerator` weighs them).
fn query_terms(
    searcher: &Searcher,
    query: &dyn Query,
    field: Field,
) -> Result<BTreeMap<String, Score>, SearchError> {
    let mut terms: BTreeSet<Term> = BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.insert(term.clone());
        }
    });
    let mut weighed = BTreeMap::new();
    for term in terms {
        let Some(text) = term.value().as_str().map(str::to_owned) else { continue };
        let documents = searcher.doc_freq(&term)?;
        if documents > 0 {
            weighed.insert(text, 1.0 / (1.0 + documents as Score));
        }
    }
    Ok(weighed)
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

/// HTML-escapes `text` onto `out`; the apostrophe's entity is the caller's
/// (highlights keep tantivy's `&#x27;`, the plain beginning `&#39;`, as before).
fn push_escaped(out: &mut String, text: &str, apostrophe: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str(apostrophe),
            other => out.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::{schema::Value, snippet::SnippetGenerator, DocAddress, TantivyDocument};

    use super::*;
    use crate::{corpus::Corpus, index::SearchIndex, query::Plan, Change};

    /// The snippets as tantivy makes them, analysing every text anew.
    fn analysed_anew(searcher: &Searcher, query: &dyn Query, field: Field, text: &str) -> Option<String> {
        let mut generator = SnippetGenerator::create(searcher, query, field).expect("generator");
        generator.set_max_num_chars(SNIPPET_CHARS);
        let mut snippet = generator.snippet(text);
        (!snippet.highlighted().is_empty()).then(|| {
            snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
            snippet.to_html()
        })
    }

    #[test]
    fn snippets_from_kept_tokens_are_those_of_a_fresh_analysis() {
        let index = SearchIndex::in_memory().expect("index");
        index.apply(Corpus::default().documents(0..150).map(Change::Upsert), 1).expect("indexed");
        let searcher = index.reader.searcher();
        let fields = (index.fields.body, index.fields.summary);
        let text = |doc: &TantivyDocument, field| {
            doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned()
        };
        let mut highlighted = 0;
        for round in 0..2 {
            for words in
                ["plan de desarrollo municipal", "agua potable", "presupuesto participativo", "catastro"]
            {
                let plan = Plan::parse(words).expect("parses");
                let query = plan.to_query(&searcher, &index.fields, true);
                let snippets =
                    Snippets::new(&searcher, &*query, fields, &index.snippet_tokens, true).expect("snippets");
                for (ord, segment) in searcher.segment_readers().iter().enumerate() {
                    for doc in 0..segment.max_doc() {
                        let doc: TantivyDocument =
                            searcher.doc(DocAddress::new(ord as u32, doc)).expect("doc");
                        let (summary, body) =
                            (text(&doc, index.fields.summary), text(&doc, index.fields.body));
                        let expected = analysed_anew(&searcher, &*query, index.fields.body, &body)
                            .or_else(|| analysed_anew(&searcher, &*query, index.fields.summary, &summary));
                        let shown = snippets.best(&summary, &body);
                        if let Some(expected) = expected {
                            assert_eq!(shown, expected, "«{words}», round {round}");
                            highlighted += 1;
                        } else {
                            assert!(!shown.contains("<mark>"), "«{words}»: {shown}");
                        }
                    }
                }
            }
            let (_, hits, misses) = index.snippet_tokens.counts();
            if round == 0 {
                assert!(
                    misses > 0 && hits > 0,
                    "the second query reads the first one's texts: {hits} / {misses}"
                );
            }
        }
        assert!(highlighted > 100, "the queries find words in most documents: {highlighted}");
        let (_, _, misses_before) = index.snippet_tokens.counts();
        let plan = Plan::parse("agua potable").expect("parses");
        let query = plan.to_query(&searcher, &index.fields, true);
        let snippets =
            Snippets::new(&searcher, &*query, fields, &index.snippet_tokens, true).expect("snippets");
        let doc: TantivyDocument = searcher.doc(DocAddress::new(0, 0)).expect("doc");
        snippets.best(&text(&doc, index.fields.summary), &text(&doc, index.fields.body));
        assert_eq!(
            index.snippet_tokens.counts().2,
            misses_before,
            "a text shown before is not analysed again"
        );
    }

    #[test]
    fn the_kept_tokens_stay_within_their_capacity_and_longer_texts_are_still_read() {
        let cache = TokenCache::new(50);
        let analyzer = crate::spanish_analyzer();
        let field = Field::from_field_id(0);
        for i in 0..40 {
            let text = format!("Informe {i} de ejecución presupuestal de los municipios");
            assert!(!cache.analysed(field, &text, &analyzer).spans.is_empty());
            assert!(cache.counts().0 <= 50, "{i}: {} tokens kept", cache.counts().0);
        }
        let long = "Los acueductos veredales ".repeat(40);
        let analysed = cache.analysed(field, &long, &analyzer);
        assert_eq!(analysed.spans.len(), 80, "«los» is a stop word; the other two words count");
        assert_eq!(analysed.terms.len(), 2, "each distinct term once");
        let (kept, _, misses) = cache.counts();
        assert!(kept <= 50);
        cache.analysed(field, &long, &analyzer);
        assert_eq!(cache.counts().2, misses + 1, "a text over the capacity is analysed each time, not kept");
        let first = &analysed.spans[0];
        assert_eq!((first.from, first.to), (4, 14), "offsets in the text: «acueductos»");
    }

    #[test]
    fn fallback_snippets_are_escaped_and_short() {
        let snippets = Snippets { body: None, summary: None };
        assert_eq!(snippets.best("<b>&'", ""), "&lt;b&gt;&amp;&#39;");
        let long = "palabra ".repeat(100);
        let shown = snippets.best(&long, "");
        assert!(shown.ends_with('…'));
        assert!(shown.chars().count() <= SNIPPET_CHARS + 1);
        assert!(snippets.best("  ", "el cuerpo").starts_with("el cuerpo"), "no summary: the body");
    }
}
