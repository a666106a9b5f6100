//! Facet counts: the collector that counts every facet of the matches, the
//! per-segment table of facet ordinals it reads (cached per segment), and the
//! sampling that estimates counts over very many matches. Split from
//! `search.rs`, which runs the search and calls these.

use std::collections::HashMap;

use tantivy::{
    collector::{Collector, SegmentCollector},
    index::SegmentId,
    schema::Facet,
    DocId, Score, SegmentOrdinal, SegmentReader,
};

use crate::document::Dimension;

/// Values of one dimension and how many matches carry each.
#[derive(Debug, Clone, PartialEq)]
pub struct FacetValues {
    pub dimension: Dimension,
    pub values: Vec<(String, u64)>,
}

/// Values listed per facet dimension.
const FACET_VALUES: usize = 50;

/// When facet counts are estimated: beyond `exact_up_to` expected matches,
/// they are counted on about `sample` matches — those in regularly spaced
/// blocks of document numbers — and scaled by the share of matches read.
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

/// Counts every match and its facets, from the decoded ordinals of
/// `FacetCache`. Scores are not needed, so none is computed.
pub(crate) struct AllFacets {
    /// By segment ordinal.
    pub(crate) segments: Vec<std::sync::Arc<SegmentFacets>>,
}

pub(crate) struct AllFacetsSegment {
    facets: std::sync::Arc<SegmentFacets>,
    counts: Vec<u32>,
    count: usize,
}

impl Collector for AllFacets {
    type Fruit = (usize, HashMap<Facet, u64>);
    type Child = AllFacetsSegment;

    fn for_segment(&self, ord: SegmentOrdinal, _reader: &SegmentReader) -> tantivy::Result<Self::Child> {
        let facets = self.segments[ord as usize].clone();
        Ok(AllFacetsSegment { counts: vec![0; facets.names.len()], facets, count: 0 })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<(usize, Vec<(Facet, u64)>)>) -> tantivy::Result<Self::Fruit> {
        let mut total = 0;
        let mut counts = HashMap::new();
        for (count, facets) in fruits {
            total += count;
            for (facet, n) in facets {
                *counts.entry(facet).or_insert(0) += n;
            }
        }
        Ok((total, counts))
    }
}

impl SegmentCollector for AllFacetsSegment {
    type Fruit = (usize, Vec<(Facet, u64)>);

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.count += 1;
        self.facets.count(&[doc], &mut self.counts);
    }

    fn collect_block(&mut self, docs: &[DocId]) {
        self.count += docs.len();
        self.facets.count(docs, &mut self.counts);
    }

    fn harvest(self) -> Self::Fruit {
        let facets = self
            .counts
            .iter()
            .zip(&self.facets.names)
            .filter(|(count, _)| **count > 0)
            .map(|(count, facet)| (facet.clone(), u64::from(*count)))
            .collect();
        (self.count, facets)
    }
}

/// Documents in a row whose matches a facet sample reads (see `totals`).
pub(crate) const SAMPLE_BLOCK: DocId = 128;

/// The facet field's name in the schema.
const FACET_FIELD: &str = "facets";

/// The facet ordinals of every document of a segment, decoded once: counting
/// then reads plain arrays instead of tantivy's compressed column.
pub(crate) struct SegmentFacets {
    pub(crate) ords: FacetOrds,
    /// The facet of each ordinal.
    pub(crate) names: Vec<Facet>,
}

/// Where the ordinals of a document are.
// Cloned by the tests only: a segment's ordinals are large.
#[cfg_attr(test, derive(Clone))]
pub(crate) enum FacetOrds {
    /// Document `d`'s ordinals in `slots[d * width..(d + 1) * width]`, the
    /// unused slots `NO_FACET`: one short row per document, so counting a
    /// sparse set of matches reads one place in memory per match, not two.
    /// When every ordinal fits in 16 bits and no document has many values.
    Rows { width: usize, slots: Vec<u16> },
    /// Otherwise `ords[starts[d]..starts[d + 1]]`.
    Ranges { starts: Vec<u32>, ords: Vec<u32> },
}

/// An unused slot of `FacetOrds::Rows`.
const NO_FACET: u16 = u16::MAX;
/// The widest row of `FacetOrds::Rows`: more values on one document would
/// make every row that long.
const MAX_ROW: usize = 12;

impl SegmentFacets {
    pub(crate) fn decode(segment: &SegmentReader) -> tantivy::Result<SegmentFacets> {
        let reader = segment.facet_reader(FACET_FIELD)?;
        let mut starts = Vec::with_capacity(segment.max_doc() as usize + 1);
        let mut ords = Vec::new();
        for doc in 0..segment.max_doc() {
            starts.push(u32::try_from(ords.len()).unwrap_or(u32::MAX));
            ords.extend(reader.facet_ords(doc).map(|ord| u32::try_from(ord).unwrap_or(u32::MAX)));
        }
        starts.push(u32::try_from(ords.len()).unwrap_or(u32::MAX));
        let names = (0..reader.num_facets() as u64)
            .map(|ord| {
                let mut facet = Facet::root();
                reader.facet_from_ord(ord, &mut facet).map(|()| facet)
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        let ords = FacetOrds::Ranges { starts, ords }.compacted(names.len());
        Ok(SegmentFacets { ords, names })
    }

    /// Adds the facets of `docs` to `counts` (by ordinal).
    pub(crate) fn count(&self, docs: &[DocId], counts: &mut [u32]) {
        match &self.ords {
            FacetOrds::Rows { width, slots } => {
                // The first slot of every row first: reads that do not wait
                // on one another, so the rows of a sparse set of matches
                // arrive from memory together rather than one by one.
                let mut first = [NO_FACET; tantivy::COLLECT_BLOCK_BUFFER_LEN];
                for chunk in docs.chunks(first.len()) {
                    for (slot, &doc) in first.iter_mut().zip(chunk) {
                        *slot = slots.get(doc as usize * width).copied().unwrap_or(NO_FACET);
                    }
                    for (&head, &doc) in first.iter().zip(chunk) {
                        if head == NO_FACET {
                            continue;
                        }
                        counts[usize::from(head)] += 1;
                        let row = doc as usize * width;
                        for &ord in slots[row + 1..row + width].iter().take_while(|&&ord| ord != NO_FACET) {
                            counts[usize::from(ord)] += 1;
                        }
                    }
                }
            }
            FacetOrds::Ranges { starts, ords } => {
                for &doc in docs {
                    let doc = doc as usize;
                    for &ord in &ords[starts[doc] as usize..starts[doc + 1] as usize] {
                        counts[ord as usize] += 1;
                    }
                }
            }
        }
    }
}

impl FacetOrds {
    /// As rows when they fit (see `FacetOrds::Rows`).
    fn compacted(self, facets: usize) -> FacetOrds {
        let FacetOrds::Ranges { starts, ords } = &self else { return self };
        let width = starts.windows(2).map(|w| (w[1] - w[0]) as usize).max().unwrap_or(0);
        if facets >= usize::from(NO_FACET) || width > MAX_ROW {
            return self;
        }
        let mut slots = vec![NO_FACET; (starts.len() - 1) * width];
        for (row, range) in slots.chunks_mut(width.max(1)).zip(starts.windows(2)) {
            for (slot, &ord) in row.iter_mut().zip(&ords[range[0] as usize..range[1] as usize]) {
                // Below `NO_FACET`: checked above.
                *slot = u16::try_from(ord).unwrap_or(NO_FACET);
            }
        }
        FacetOrds::Rows { width, slots }
    }
}

/// Decoded facet ordinals by segment, kept while the segment is searched.
/// A segment never changes (deletes only hide documents), so an entry stays
/// right for the segment's life.
#[derive(Default)]
pub(crate) struct FacetCache(std::sync::Mutex<HashMap<SegmentId, std::sync::Arc<SegmentFacets>>>);

impl FacetCache {
    /// The decoded facets of the searcher's segments, by segment ordinal;
    /// segments no longer searched are forgotten.
    pub(crate) fn segments(
        &self,
        searcher: &tantivy::Searcher,
    ) -> tantivy::Result<Vec<std::sync::Arc<SegmentFacets>>> {
        let readers = searcher.segment_readers();
        let mut known = {
            let mut cache = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            cache.retain(|id, _| readers.iter().any(|r| r.segment_id() == *id));
            readers.iter().map(|r| cache.get(&r.segment_id()).cloned()).collect::<Vec<_>>()
        };
        // Decoded outside the lock: another search may decode the same segment, harmlessly.
        for (slot, reader) in known.iter_mut().zip(readers) {
            if slot.is_none() {
                let decoded = std::sync::Arc::new(SegmentFacets::decode(reader)?);
                self.0
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(reader.segment_id(), decoded.clone());
                *slot = Some(decoded);
            }
        }
        Ok(known.into_iter().flatten().collect())
    }
}

pub(crate) fn facet_values(counts: &HashMap<Facet, u64>) -> Vec<FacetValues> {
    let mut by_dimension: HashMap<&str, Vec<(String, u64)>> = HashMap::new();
    for (facet, count) in counts {
        if let [root, value] = facet.to_path()[..] {
            if let Some(dimension) = Dimension::ALL.iter().find(|d| d.as_str() == root) {
                by_dimension.entry(dimension.as_str()).or_default().push((value.to_owned(), *count));
            }
        }
    }
    Dimension::ALL
        .into_iter()
        .map(|dimension| {
            let mut values = by_dimension.remove(dimension.as_str()).unwrap_or_default();
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            values.truncate(FACET_VALUES);
            FacetValues { dimension, values }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The facet counts of `docs` under a layout.
    fn counted(ords: &FacetOrds, facets: usize, docs: &[DocId]) -> Vec<u32> {
        let segment = SegmentFacets { ords: ords.clone(), names: vec![Facet::root(); facets] };
        let mut counts = vec![0; facets];
        segment.count(docs, &mut counts);
        counts
    }

    #[test]
    fn facet_rows_count_as_the_ranges_they_come_from() {
        // Documents with no value, one, several; the last one at the end.
        let per_doc: Vec<Vec<u32>> =
            (0..300_u32).map(|d| (0..d % 4).map(|k| (d + k) % 9).collect()).collect();
        let mut starts = vec![0];
        let mut ords = Vec::new();
        for values in &per_doc {
            ords.extend(values);
            starts.push(ords.len() as u32);
        }
        let ranges = FacetOrds::Ranges { starts, ords };
        let rows = ranges.clone().compacted(9);
        assert!(matches!(rows, FacetOrds::Rows { width: 3, .. }));
        let docs: Vec<DocId> = (0..300).filter(|d| d % 7 != 3).collect();
        assert_eq!(counted(&rows, 9, &docs), counted(&ranges, 9, &docs));
        assert_eq!(counted(&rows, 9, &[299]), counted(&ranges, 9, &[299]));
        // Too many values to fit 16 bits: the ranges stay.
        assert!(matches!(ranges.compacted(usize::from(NO_FACET)), FacetOrds::Ranges { .. }));
    }
}
