//! Outgoing mail of a development instance: there is no mail server, so a
//! message is printed to the log (its link, never its recipient: addresses
//! are personal data) and kept in memory, where the operator and the tests
//! can read it. A production relay would implement the same `send`.

use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
};

/// The last messages kept in memory.
const KEPT: usize = 200;

/// One message as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[derive(Clone, Default)]
pub struct Mailbox(Arc<Mutex<VecDeque<Message>>>);

impl Mailbox {
    /// "Sends" a message: logs the subject and `log_line` (which must not
    /// name the recipient) and keeps the whole message in memory.
    pub fn send(&self, message: Message, log_line: &str) {
        tracing::info!(asunto = %message.subject, "correo (instancia de desarrollo, sin servidor de correo): {log_line}");
        let mut kept = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if kept.len() >= KEPT {
            kept.pop_front();
        }
        kept.push_back(message);
    }

    /// The newest message sent to `to`.
    pub fn last_to(&self, to: &str) -> Option<Message> {
        let kept = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        kept.iter().rev().find(|message| message.to.eq_ignore_ascii_case(to)).cloned()
    }

    /// Forgets every message to `to` (the person deleted their data).
    pub fn forget(&self, to: &str) {
        let mut kept = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        kept.retain(|message| !message.to.eq_ignore_ascii_case(to));
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A log sink for one test.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap_or_else(|p| p.into_inner()).extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_log_shows_the_link_never_the_address_and_erasure_forgets_the_messages() {
        let captured = Captured::default();
        let sink = captured.clone();
        let subscriber =
            tracing_subscriber::fmt().with_writer(move || sink.clone()).with_ansi(false).finish();
        let mailbox = Mailbox::default();
        tracing::subscriber::with_default(subscriber, || {
            mailbox.send(
                Message {
                    to: "lucia.gomez@correo.co".into(),
                    subject: "Confirme".into(),
                    body: "abra /#/x/abc".into(),
                },
                "confirmación de registro: /#/x/abc",
            );
        });
        let log = String::from_utf8(captured.0.lock().expect("log").clone()).expect("text");
        assert!(log.contains("/#/x/abc"), "{log}");
        assert!(!log.contains("lucia"), "the address reached the log: {log}");
        assert_eq!(mailbox.last_to("LUCIA.gomez@correo.co").map(|m| m.body), Some("abra /#/x/abc".into()));
        mailbox.forget("lucia.gomez@correo.co");
        assert_eq!(mailbox.last_to("lucia.gomez@correo.co"), None);
    }
}
