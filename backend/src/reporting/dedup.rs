//! The deduplication rules of "report once" (DESIGN.md), as plain functions.
//!
//! An observation is keyed by (subject entity, data element, period). Each
//! reporter has at most one active value per key; a correction replaces the
//! reporter's own value, keeping the old one as history.

use super::model::Outcome;

/// An active value of an observation: the latest value of one reporter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveValue {
    pub value: String,
    pub reporter: String,
}

/// What an incoming value does to an observation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// First value for the key.
    New,
    /// Equal to an active value: provenance only. `index` is that value.
    Duplicate { index: usize },
    /// The reporter replaces its own active value (`index`) with a new version.
    Correction { index: usize },
    /// A different value from a reporter with no value yet: both are kept.
    Conflict,
}

impl Decision {
    pub fn outcome(&self) -> Outcome {
        match self {
            Self::New => Outcome::New,
            Self::Duplicate { .. } => Outcome::Duplicate,
            Self::Correction { .. } => Outcome::Correction,
            Self::Conflict => Outcome::Conflict,
        }
    }
}

/// Decides what `value` from `reporter` does, given the key's active values.
pub fn decide(active: &[ActiveValue], value: &str, reporter: &str) -> Decision {
    if active.is_empty() {
        return Decision::New;
    }
    if let Some(index) = active.iter().position(|held| held.reporter == reporter) {
        return if active[index].value == value {
            Decision::Duplicate { index }
        } else {
            Decision::Correction { index }
        };
    }
    match active.iter().position(|held| held.value == value) {
        Some(index) => Decision::Duplicate { index },
        None => Decision::Conflict,
    }
}

/// Whether the active values disagree.
pub fn in_conflict(active: &[ActiveValue]) -> bool {
    active.windows(2).any(|pair| pair[0].value != pair[1].value)
}

/// Which active value the platform serves: the subject entity's own value
/// when it has one (it is authoritative by default), else the value served
/// until now if it is still active, else the newest.
pub fn current_index(
    active: &[ActiveValue],
    subject: &str,
    previous_current: Option<usize>,
) -> Option<usize> {
    active
        .iter()
        .position(|held| held.reporter == subject)
        .or(previous_current.filter(|&index| index < active.len()))
        .or_else(|| active.len().checked_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(value: &str, reporter: &str) -> ActiveValue {
        ActiveValue { value: value.into(), reporter: reporter.into() }
    }

    #[test]
    fn the_first_value_is_new() {
        assert_eq!(decide(&[], "10", "05001"), Decision::New);
    }

    #[test]
    fn the_same_value_again_is_a_duplicate_whoever_sends_it() {
        let active = [held("10", "05001")];
        assert_eq!(decide(&active, "10", "05001"), Decision::Duplicate { index: 0 });
        assert_eq!(decide(&active, "10", "05"), Decision::Duplicate { index: 0 }, "the department agrees");
    }

    #[test]
    fn a_new_value_from_the_same_reporter_is_a_correction() {
        let active = [held("10", "05001")];
        assert_eq!(decide(&active, "12", "05001"), Decision::Correction { index: 0 });
    }

    #[test]
    fn a_different_value_from_another_reporter_is_a_conflict() {
        let active = [held("10", "05001")];
        assert_eq!(decide(&active, "11", "05"), Decision::Conflict);
        let both = [held("10", "05001"), held("11", "05")];
        assert!(in_conflict(&both));
        // The department corrects itself to the municipality's value: the conflict is gone.
        assert_eq!(decide(&both, "10", "05"), Decision::Correction { index: 1 });
        assert!(!in_conflict(&[held("10", "05001"), held("10", "05")]));
    }

    #[test]
    fn the_subject_entitys_own_value_is_served_by_default() {
        let active = [held("11", "05"), held("10", "05001")];
        assert_eq!(current_index(&active, "05001", Some(0)), Some(1));
        assert_eq!(current_index(&active[..1], "05001", Some(0)), Some(0));
        assert_eq!(current_index(&[held("1", "05"), held("2", "08")], "05001", None), Some(1));
        assert_eq!(current_index(&[], "05001", None), None);
    }
}
