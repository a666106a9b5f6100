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
