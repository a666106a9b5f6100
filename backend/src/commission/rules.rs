//! The decree's rules (art. 2.2.11.4.5 and 2.2.11.4.6), as plain functions.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::model::{CommitmentStatus, DecisionOutcome};

/// Quorum: at least half plus one of all the members with vote (4 of 7).
pub fn quorum(members_with_vote: u32) -> u32 {
    members_with_vote / 2 + 1
}

/// The outcome of a decision: simple majority of the members present. Adopted
/// once more than half of those present voted for it; rejected once that can
/// no longer happen; pending while the remaining votes could still decide it.
pub fn decision_outcome(
    present: u32,
    votes_for: u32,
    votes_against: u32,
    abstentions: u32,
) -> DecisionOutcome {
    let still_to_vote = present.saturating_sub(votes_for + votes_against + abstentions);
    if votes_for * 2 > present {
        DecisionOutcome::Adopted
    } else if (votes_for + still_to_vote) * 2 <= present {
        DecisionOutcome::Rejected
    } else {
        DecisionOutcome::Pending
    }
}

/// Who puts a member's vote on record: the technical secretariat, for any
/// member (it keeps the session's record), or the member's own users, for
/// their entity and no other.
pub fn may_vote_for(secretariat: bool, own_organisation: Option<&str>, member: &str) -> bool {
    secretariat || own_organisation == Some(member)
}

/// The outcome of a closed vote, frozen with the members present when it was
/// closed: those who did not vote did not vote for, so nothing is pending.
pub fn closed_outcome(present_at_close: u32, votes_for: u32) -> DecisionOutcome {
    if votes_for * 2 > present_at_close {
        DecisionOutcome::Adopted
    } else {
        DecisionOutcome::Rejected
    }
}

/// A commitment is overdue when it is not done and its due date has passed.
pub fn effective_status(status: CommitmentStatus, due: NaiveDate, today: NaiveDate) -> CommitmentStatus {
    match status {
        CommitmentStatus::Done => CommitmentStatus::Done,
        _ if due < today => CommitmentStatus::Overdue,
        other => other,
    }
}

/// The last day of a quarter (1–4) of a year.
pub fn quarter_end(year: i32, quarter: u32) -> Option<NaiveDate> {
    let first_of_next = match quarter {
        1..=3 => NaiveDate::from_ymd_opt(year, quarter * 3 + 1, 1),
        4 => year.checked_add(1).and_then(|next| NaiveDate::from_ymd_opt(next, 1, 1)),
        _ => None,
    };
    first_of_next.and_then(|date| date.pred_opt())
}

/// A commitment is open on a day when the session that created it had been
/// held by then and it had not been completed by the end of that day.
pub fn open_on(day: NaiveDate, session_date: NaiveDate, completed_on: Option<NaiveDate>) -> bool {
    session_date <= day && completed_on.is_none_or(|completed| completed > day)
}

/// The quarter (1–4) of a date.
pub fn quarter(date: NaiveDate) -> u32 {
    (date.month0() / 3) + 1
}

/// Attendance, decisions and votes are facts of a session under way: refused
/// before the session's start, said in Colombian time.
pub fn require_started(scheduled_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), String> {
    if scheduled_at <= now {
        return Ok(());
    }
    let local = crate::bogota_time::local(scheduled_at);
    Err(format!(
        "la sesión aún no ha comenzado: está convocada para el {} a las {} (hora de Colombia, America/Bogota); \
         la asistencia, las decisiones y los votos se registran desde esa hora",
        local.format("%Y-%m-%d"),
        local.format("%H:%M")
    ))
}

/// Counts toward the decree's sessions per quarter (art. 2.2.11.4.5): a
/// session of the Commission itself (not of a working group), already held,
/// with its quorum verified — the Commission may only meet with quorum.
pub fn counts_for_compliance(
    of_the_commission: bool,
    scheduled_at: DateTime<Utc>,
    now: DateTime<Utc>,
    quorum_met: bool,
) -> bool {
    of_the_commission && scheduled_at <= now && quorum_met
}

/// A delegate acts for its entity only between its validity dates.
pub fn delegate_valid(on: NaiveDate, from: NaiveDate, to: Option<NaiveDate>) -> bool {
    from <= on && to.is_none_or(|to| on <= to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("valid date")
    }

    #[test]
    fn quorum_is_half_plus_one_of_all_members() {
        assert_eq!(quorum(7), 4);
        assert_eq!(quorum(8), 5);
        assert_eq!(quorum(1), 1);
    }

    #[test]
    fn decisions_need_more_than_half_of_the_members_present() {
        assert_eq!(decision_outcome(5, 3, 0, 0), DecisionOutcome::Adopted);
        assert_eq!(decision_outcome(6, 3, 3, 0), DecisionOutcome::Rejected, "a tie is not a majority");
        assert_eq!(decision_outcome(5, 2, 0, 3), DecisionOutcome::Rejected, "abstentions do not count for");
        assert_eq!(decision_outcome(5, 2, 1, 0), DecisionOutcome::Pending, "two members may still vote");
        assert_eq!(decision_outcome(4, 2, 2, 0), DecisionOutcome::Rejected);
        assert_eq!(decision_outcome(4, 3, 1, 0), DecisionOutcome::Adopted);
    }

    #[test]
    fn members_cast_their_own_vote_and_the_secretariat_records_any() {
        assert!(may_vote_for(true, Some("DAFP"), "DNP"), "the secretariat records");
        assert!(may_vote_for(false, Some("DNP"), "DNP"), "a member's own user");
        assert!(!may_vote_for(false, Some("MINHACIENDA"), "DNP"), "another member's user");
        assert!(!may_vote_for(false, None, "DNP"), "a territorial user or an administrator");
    }

    #[test]
    fn a_closed_vote_decides_with_the_members_present_at_its_close() {
        assert_eq!(closed_outcome(4, 2), DecisionOutcome::Rejected, "2–2 is no majority");
        assert_eq!(closed_outcome(5, 3), DecisionOutcome::Adopted);
        assert_eq!(
            closed_outcome(5, 2),
            DecisionOutcome::Rejected,
            "those who did not vote did not vote for"
        );
        assert_eq!(closed_outcome(0, 0), DecisionOutcome::Rejected);
    }

    #[test]
    fn overdue_is_computed_from_the_date() {
        let today = date("2026-06-30");
        assert_eq!(
            effective_status(CommitmentStatus::Pending, date("2026-06-29"), today),
            CommitmentStatus::Overdue
        );
        assert_eq!(
            effective_status(CommitmentStatus::InProgress, date("2026-06-30"), today),
            CommitmentStatus::InProgress
        );
        assert_eq!(
            effective_status(CommitmentStatus::Done, date("2020-01-01"), today),
            CommitmentStatus::Done
        );
    }

    #[test]
    fn quarters_and_delegate_validity() {
        assert_eq!(
            [quarter(date("2026-01-31")), quarter(date("2026-04-01")), quarter(date("2026-12-31"))],
            [1, 2, 4]
        );
        assert!(delegate_valid(date("2026-03-01"), date("2026-01-01"), None));
        assert!(delegate_valid(date("2026-03-01"), date("2026-01-01"), Some(date("2026-03-01"))));
        assert!(!delegate_valid(date("2026-03-02"), date("2026-01-01"), Some(date("2026-03-01"))));
        assert!(!delegate_valid(date("2025-12-31"), date("2026-01-01"), None));
    }

    #[test]
    fn a_commitment_open_at_the_quarters_end_carries_over() {
        assert_eq!(quarter_end(2026, 1), Some(date("2026-03-31")));
        assert_eq!(quarter_end(2026, 4), Some(date("2026-12-31")));
        assert_eq!(quarter_end(2026, 5), None);
        assert_eq!(quarter_end(i32::MAX, 4), None, "a year the calendar cannot hold");
        let end = date("2026-06-30");
        assert!(open_on(end, date("2026-02-10"), None), "born last quarter, still open");
        assert!(open_on(end, date("2026-02-10"), Some(date("2026-07-02"))), "completed after the end");
        assert!(!open_on(end, date("2026-02-10"), Some(date("2026-06-30"))), "completed by the end");
        assert!(!open_on(end, date("2026-07-01"), None), "born after the end");
    }

    fn instant(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("valid instant").with_timezone(&Utc)
    }

    #[test]
    fn quarters_are_counted_on_the_colombian_date() {
        let april_first_utc = instant("2026-04-01T02:00:00Z");
        assert_eq!(quarter(crate::bogota_time::date(april_first_utc)), 1, "still March in Bogotá");
    }

    #[test]
    fn nothing_is_recorded_before_the_session_starts() {
        let start = instant("2026-12-15T14:00:00Z");
        assert!(require_started(start, instant("2026-12-15T14:00:00Z")).is_ok());
        assert!(require_started(start, instant("2026-12-15T15:00:00Z")).is_ok());
        let refusal = require_started(start, instant("2026-12-15T13:59:59Z")).expect_err("not yet");
        assert!(
            refusal.contains("2026-12-15 a las 09:00") && refusal.contains("America/Bogota"),
            "{refusal}"
        );
    }

    #[test]
    fn only_held_commission_sessions_with_quorum_count() {
        let (held, now) = (instant("2026-02-10T14:00:00Z"), instant("2026-06-01T00:00:00Z"));
        assert!(counts_for_compliance(true, held, now, true));
        assert!(!counts_for_compliance(false, held, now, true), "a working group's session");
        assert!(!counts_for_compliance(true, held, now, false), "without quorum");
        assert!(!counts_for_compliance(true, instant("2026-06-10T14:00:00Z"), now, true), "not yet held");
    }
}
