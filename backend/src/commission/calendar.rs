//! An iCalendar (RFC 5545) feed of sessions that calendar programs subscribe to.

use chrono::{DateTime, Duration, Utc};

use super::model::{Session, SessionKind};

/// Sessions last two hours unless the agenda says otherwise.
const SESSION_HOURS: i64 = 2;

fn stamp(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value (backslash, semicolon, comma, newline).
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\n' => escaped.push_str("\\n"),
            '\r' => {}
            other => escaped.push(other),
        }
    }
    escaped
}

/// Folds a content line at 75 octets, never inside a UTF-8 character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// The calendar named `name` with one event per session.
pub fn render(name: &str, sessions: &[Session], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    let mut line = |text: String| fold(&text, &mut out);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//SUGIT//Comision Intersectorial ATT//ES".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape(name)));
    for session in sessions {
        let kind = match session.kind {
            SessionKind::Ordinary => "Sesión ordinaria",
            SessionKind::Extraordinary => "Sesión extraordinaria",
        };
        let agenda: Vec<String> = session
            .agenda
            .iter()
            .enumerate()
            .map(|(index, item)| format!("{}. {} ({})", index + 1, item.title, item.presenter))
            .collect();
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}@sugit", session.id));
        line(format!("DTSTAMP:{}", stamp(now)));
        line(format!("DTSTART:{}", stamp(session.scheduled_at)));
        line(format!("DTEND:{}", stamp(session.scheduled_at + Duration::hours(SESSION_HOURS))));
        line(format!("SUMMARY:{}", escape(&format!("{kind} — {name}"))));
        line(format!("LOCATION:{}", escape(&session.place)));
        line(format!("DESCRIPTION:{}", escape(&format!("Agenda:\n{}", agenda.join("\n")))));
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commission::model::AgendaItem;
    use chrono::TimeZone;
    use uuid::Uuid;

    #[test]
    fn sessions_become_events_with_escaped_folded_text() {
        let at = Utc.with_ymd_and_hms(2026, 2, 10, 14, 0, 0).single().expect("valid date");
        let session = Session {
            id: Uuid::nil(),
            working_group_id: None,
            kind: SessionKind::Ordinary,
            scheduled_at: at,
            place: "Sala 1, DNP; enlace virtual".into(),
            agenda: vec![AgendaItem {
                title: "Plan de trabajo 2026, aprobación".repeat(3),
                presenter: "Función Pública".into(),
                documents: vec![],
            }],
            guest_requests: vec![],
            minutes: None,
            minutes_approved_at: None,
        };
        let calendar = render("Comisión ATT", &[session], at);
        assert!(calendar.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(calendar.contains("DTSTART:20260210T140000Z\r\n"));
        assert!(calendar.contains("DTEND:20260210T160000Z\r\n"));
        assert!(calendar.contains("LOCATION:Sala 1\\, DNP\\; enlace virtual\r\n"));
        assert!(calendar.lines().all(|line| line.len() <= 75), "lines are folded");
        assert!(calendar.contains("\r\n "), "a long description is folded");
        assert!(calendar.ends_with("END:VCALENDAR\r\n"));
    }
}
