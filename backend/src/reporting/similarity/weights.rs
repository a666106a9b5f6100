//! How the measurements of a pair become one score, and the weights that do it.
//!
//! The weights are not set by hand: `learning.rs` (test-only) picks them on a small grid
//! to maximise F1 on the labelled pairs the project keeps (the original set and the
//! development pairs by competency, never the reserve), and a test fails if the constants
//! below drift from what it learns. Leaving one competency out of the learning predicts
//! how the rule does on the next one (`BENCHMARKS.md`). They are learned with Debian's
//! Spanish thesaurus read, as a server with `mythes-es` installed reads it.

/// What is measured on a pair before anything is weighed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Evidence {
    /// Weighted Dice over the terms of the names.
    pub name: f64,
    /// Weighted Dice over the terms of name + description.
    pub full: f64,
    /// Dice over character trigrams of the names (spelling variants).
    pub trigrams: f64,
    /// Mutually exclusive qualifiers on which the fields differ.
    pub contrasts: usize,
    /// Share of content words each name keeps that the other field never mentions: the
    /// smaller of the two ("Mortalidad materna" / "Mortalidad perinatal")…
    pub divergence: f64,
    /// …and the larger ("Usuarios de bibliotecas públicas" / "Bibliotecas públicas").
    pub one_sided: f64,
}

impl Evidence {
    /// Each name keeps a content word the other field never mentions, whatever their share
    /// ("Plan … aprobado" / "Plan … ejecutado").
    fn apart(&self) -> bool {
        self.divergence > 0.0
    }
}

/// How much each piece of evidence counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Weights {
    pub name: f64,
    pub full: f64,
    pub trigrams: f64,
    /// Factor applied once per contrast.
    pub contrast: f64,
    /// Share of the score lost at full divergence.
    pub divergence: f64,
    /// Share of the score lost when one name has only words of its own.
    pub one_sided: f64,
    /// Factor applied when each name keeps words of its own.
    pub apart: f64,
}

impl Weights {
    /// 0.0..=1.0: a weighted sum of the overlaps, lowered by each reason to tell them apart.
    pub fn score(&self, e: &Evidence) -> f64 {
        let overlap = self.name * e.name + self.full * e.full + self.trigrams * e.trigrams;
        let contrasts = self.contrast.powi(i32::try_from(e.contrasts).unwrap_or(i32::MAX));
        let divergence = 1.0 - self.divergence * e.divergence;
        let one_sided = 1.0 - self.one_sided * e.one_sided;
        let apart = if e.apart() { self.apart } else { 1.0 };
        (overlap * contrasts * divergence * one_sided * apart).clamp(0.0, 1.0)
    }
}

/// The learned weights (see the module comment). Names carry the meaning of a field,
/// descriptions add context (and rescue acronyms explained only there), trigrams catch
/// typos the stemmer misses.
pub(super) const WEIGHTS: Weights = Weights {
    name: 0.25,
    full: 0.70,
    trigrams: 0.05,
    contrast: 0.2,
    divergence: 0.4,
    one_sided: 0.0,
    apart: 0.6,
};
